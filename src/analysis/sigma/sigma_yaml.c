/* sigma_yaml.c — YAML text to a small tree, through libyaml's event parser.
 *
 * Rule files are untrusted: the text size, the nesting depth and the node count are
 * capped; anchors and aliases are refused (an alias bomb — "billion laughs" — expands a
 * few bytes into gigabytes, and Sigma rules never need them); tags are ignored. A file may
 * hold several documents (correlation rules and the rules they reference, `---`). */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "analysis/sigma/sigma_int.h"

static sy_node *node_new(sy_docs *d, sy_kind kind, int line, ks_err *err)
{
    if (d->nall >= KS_SIGMA_MAX_NODES) {
        KS_ERR(err, KS_ELIMIT, "line %d: more than %d YAML nodes", line, KS_SIGMA_MAX_NODES);
        return NULL;
    }
    if (d->nall == d->capall) {
        size_t nc = d->capall ? d->capall * 2 : 64;
        sy_node **na = realloc(d->all, nc * sizeof *na);
        if (!na) {
            KS_ERR(err, KS_ENOMEM, "out of memory");
            return NULL;
        }
        d->all = na;
        d->capall = nc;
    }
    sy_node *n = calloc(1, sizeof *n);
    if (!n) {
        KS_ERR(err, KS_ENOMEM, "out of memory");
        return NULL;
    }
    n->kind = kind;
    n->line = line;
    d->all[d->nall++] = n;
    return n;
}

static int kid_add(sy_node *parent, sy_node *kid, ks_err *err)
{
    if (parent->nkids == parent->cap) {
        size_t nc = parent->cap ? parent->cap * 2 : 8;
        sy_node **nk = realloc(parent->kids, nc * sizeof *nk);
        if (!nk)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        parent->kids = nk;
        parent->cap = nc;
    }
    parent->kids[parent->nkids++] = kid;
    return 0;
}

static int docs_add(sy_docs *d, sy_node *root, ks_err *err)
{
    sy_node **nd = realloc(d->docs, (d->ndocs + 1) * sizeof *nd);
    if (!nd)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    d->docs = nd;
    d->docs[d->ndocs++] = root;
    return 0;
}

int sy_parse(sy_docs *out, const char *text, size_t n, ks_err *err)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    int rc = 0;
    bool have_event = false;
    sy_node *stack[KS_SIGMA_MAX_DEPTH + 1];
    size_t depth = 0;
    sy_docs d = {0};

    if (n > KS_SIGMA_MAX_FILE)
        return KS_ERR(err, KS_ELIMIT, "rule file larger than %u bytes", KS_SIGMA_MAX_FILE);
    if (!yaml_parser_initialize(&parser))
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
    for (;;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = KS_ERR(err, KS_ECORRUPT, "YAML line %zu column %zu: %s",
                        parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                        parser.problem ? parser.problem : "syntax error");
            goto done;
        }
        have_event = true;
        int line = (int)ev.start_mark.line + 1;
        sy_node *node = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            goto done;
        case YAML_ALIAS_EVENT:
            rc = KS_ERR(err, KS_EUNSUPPORTED, "YAML line %d: aliases are not accepted in rules",
                        line);
            goto done;
        case YAML_SCALAR_EVENT:
            if (ev.data.scalar.anchor) {
                rc = KS_ERR(err, KS_EUNSUPPORTED, "YAML line %d: anchors are not accepted", line);
                goto done;
            }
            if (!(node = node_new(&d, SY_SCALAR, line, err))) {
                rc = err ? err->code : KS_ENOMEM;
                goto done;
            }
            node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            node->n = ev.data.scalar.length;
            node->s = malloc(node->n + 1);
            if (!node->s) {
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                goto done;
            }
            memcpy(node->s, ev.data.scalar.value, node->n);
            node->s[node->n] = 0;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if ((ev.type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
                (ev.type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor)) {
                rc = KS_ERR(err, KS_EUNSUPPORTED, "YAML line %d: anchors are not accepted", line);
                goto done;
            }
            if (depth >= KS_SIGMA_MAX_DEPTH) {
                rc = KS_ERR(err, KS_ELIMIT, "YAML line %d: nested deeper than %d", line,
                            KS_SIGMA_MAX_DEPTH);
                goto done;
            }
            if (!(node = node_new(&d, ev.type == YAML_SEQUENCE_START_EVENT ? SY_SEQ : SY_MAP,
                                  line, err))) {
                rc = err ? err->code : KS_ENOMEM;
                goto done;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
        if (node) {
            if (depth > 0)
                rc = kid_add(stack[depth - 1], node, err);
            else
                rc = docs_add(&d, node, err);
            if (rc)
                goto done;
            if (node->kind != SY_SCALAR)
                stack[depth++] = node;
        }
        yaml_event_delete(&ev);
        have_event = false;
    }
done:
    if (have_event)
        yaml_event_delete(&ev);
    yaml_parser_delete(&parser);
    if (rc)
        sy_free(&d);
    else
        *out = d;
    return rc;
}

void sy_free(sy_docs *d)
{
    for (size_t i = 0; i < d->nall; i++) {
        free(d->all[i]->s);
        free(d->all[i]->kids);
        free(d->all[i]);
    }
    free(d->all);
    free(d->docs);
    memset(d, 0, sizeof *d);
}

sy_node *sy_get(const sy_node *map, const char *key)
{
    if (!map || map->kind != SY_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->nkids; i += 2)
        if (map->kids[i]->kind == SY_SCALAR && !strcmp(map->kids[i]->s, key))
            return map->kids[i + 1];
    return NULL;
}

bool sy_is_null(const sy_node *n)
{
    return n && n->kind == SY_SCALAR && n->plain &&
           (n->n == 0 || !strcmp(n->s, "~") || !strcmp(n->s, "null") ||
            !strcmp(n->s, "Null") || !strcmp(n->s, "NULL"));
}
