/* sigma_load.c — from the YAML tree to rules: metadata, logsource, detection (selections,
 * field modifiers, values), conditions and correlation sections; and the rule set (files,
 * directories, load failures).
 *
 * Two kinds of "no": a file that is not a valid Sigma rule (YAML errors, no detection, a
 * condition naming a selection that does not exist) fails to load and is recorded with its
 * reason; a valid rule using something the engine does not do (the `expand` modifier,
 * aggregation conditions, temporal_ordered) loads with `unsupported` set, and evaluation
 * reports it as not applicable with that reason. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/sigma/sigma_int.h"

#define MAX_DIR_DEPTH 16

static char *dup_scalar(const sy_node *n)
{
    return n && n->kind == SY_SCALAR ? strndup(n->s, n->n) : NULL;
}

/* Sets r->unsupported once (the first reason wins). */
static int unsupported(sg_rule *r, const char *why, const char *what)
{
    if (r->unsupported)
        return 0;
    size_t n = strlen(why) + (what ? strlen(what) : 0) + 8;
    if (!(r->unsupported = malloc(n)))
        return KS_ENOMEM;
    snprintf(r->unsupported, n, "%s%s%s%s", why, what ? " '" : "", what ? what : "", what ? "'" : "");
    return 0;
}

static bool plain_number(const sy_node *n)
{
    if (!n->plain || n->n == 0)
        return false;
    double d;
    return sg_num_parse(n->s, n->n, &d);
}

static int value_from(sg_value *v, const sy_node *n, ks_err *err)
{
    memset(v, 0, sizeof *v);
    if (n->kind != SY_SCALAR)
        return KS_ERR(err, KS_ECORRUPT, "line %d: a value must be a scalar", n->line);
    if (sy_is_null(n)) {
        v->kind = SG_V_NULL;
        return 0;
    }
    if (n->plain && (!strcasecmp(n->s, "true") || !strcasecmp(n->s, "false"))) {
        v->kind = SG_V_BOOL;
        v->b = !strcasecmp(n->s, "true");
    } else {
        v->kind = plain_number(n) ? SG_V_NUM : SG_V_STR;
    }
    v->n = n->n;
    if (!(v->s = strndup(n->s, n->n)))
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    return 0;
}

static const struct {
    const char *name;
    unsigned bit;
} mod_names[] = {
    {"contains", SG_M_CONTAINS}, {"startswith", SG_M_STARTSWITH}, {"endswith", SG_M_ENDSWITH},
    {"all", SG_M_ALL}, {"re", SG_M_RE}, {"cidr", SG_M_CIDR}, {"base64", SG_M_BASE64},
    {"base64offset", SG_M_BASE64OFF}, {"utf16le", SG_M_UTF16LE}, {"wide", SG_M_UTF16LE},
    {"utf16be", SG_M_UTF16BE}, {"utf16", SG_M_UTF16}, {"windash", SG_M_WINDASH},
    {"exists", SG_M_EXISTS}, {"lt", SG_M_LT}, {"lte", SG_M_LTE}, {"gt", SG_M_GT},
    {"gte", SG_M_GTE}, {"fieldref", SG_M_FIELDREF}, {"cased", SG_M_CASED},
    {"expand", SG_M_EXPAND},
};

/* "field|mod|mod" -> item field and modifier bits; unknown or unsupported modifiers mark
 * the rule unsupported (it still loads). */
static int parse_key(sg_rule *r, sg_item *it, const char *key, ks_err *err)
{
    const char *bar = strchr(key, '|');
    size_t fn = bar ? (size_t)(bar - key) : strlen(key);
    int rc = 0;
    if (fn > 0 && !(it->field = strndup(key, fn)))
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    while (bar) {
        const char *m = bar + 1;
        bar = strchr(m, '|');
        size_t mn = bar ? (size_t)(bar - m) : strlen(m);
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof mod_names / sizeof mod_names[0]; i++)
            if (strlen(mod_names[i].name) == mn && !strncmp(mod_names[i].name, m, mn))
                bit = mod_names[i].bit;
        if (!bit && (it->mods & SG_M_RE) && mn == 1)
            bit = *m == 'i' ? SG_M_RE_I : *m == 'm' ? SG_M_RE_M : *m == 's' ? SG_M_RE_S : 0;
        if (!bit) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(mn > 60 ? 60 : mn), m);
            rc = unsupported(r, "unknown modifier", name);
        } else {
            it->mods |= bit;
        }
        if (rc)
            return KS_ERR(err, rc, "out of memory");
    }
    unsigned m = it->mods;
    const char *bad = NULL;
    if (m & SG_M_EXPAND)
        bad = "the expand modifier needs placeholder values from a pipeline";
    else if ((m & (SG_M_UTF16 | SG_M_UTF16LE | SG_M_UTF16BE)) && !(m & (SG_M_BASE64 | SG_M_BASE64OFF)))
        bad = "utf16/wide without base64 or base64offset";
    else if ((m & SG_M_RE) && (m & (SG_M_CONTAINS | SG_M_STARTSWITH | SG_M_ENDSWITH | SG_M_BASE64 |
                                    SG_M_BASE64OFF | SG_M_CIDR | SG_M_WINDASH)))
        bad = "re combined with a string modifier";
    else if ((m & SG_M_BASE64) && (m & SG_M_BASE64OFF))
        bad = "base64 with base64offset";
    if (bad && (rc = unsupported(r, bad, key)))
        return KS_ERR(err, rc, "out of memory");
    return 0;
}

static int add_value(sg_item *it, const sy_node *n, ks_err *err)
{
    sg_value *nv = realloc(it->vals, (it->nvals + 1) * sizeof *nv);
    if (!nv)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    it->vals = nv;
    int rc = value_from(&it->vals[it->nvals], n, err);
    if (!rc)
        it->nvals++;
    return rc;
}

static int add_item(sg_group *g, sg_item **out, ks_err *err)
{
    sg_item *ni = realloc(g->items, (g->nitems + 1) * sizeof *ni);
    if (!ni)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    g->items = ni;
    *out = &g->items[g->nitems++];
    memset(*out, 0, sizeof **out);
    return 0;
}

static int add_group(sg_sel *s, sg_group **out, ks_err *err)
{
    sg_group *ng = realloc(s->groups, (s->ngroups + 1) * sizeof *ng);
    if (!ng)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    s->groups = ng;
    *out = &s->groups[s->ngroups++];
    memset(*out, 0, sizeof **out);
    return 0;
}

/* A map of field -> value(s): one AND group. */
static int group_from_map(sg_rule *r, sg_sel *s, const sy_node *map, ks_err *err)
{
    sg_group *g = NULL;
    int rc = add_group(s, &g, err);
    for (size_t i = 0; !rc && i + 1 < map->nkids; i += 2) {
        const sy_node *k = map->kids[i], *v = map->kids[i + 1];
        sg_item *it = NULL;
        if (k->kind != SY_SCALAR)
            return KS_ERR(err, KS_ECORRUPT, "line %d: a field name must be a scalar", k->line);
        if ((rc = add_item(g, &it, err)) || (rc = parse_key(r, it, k->s, err)))
            return rc;
        if (v->kind == SY_SEQ) {
            if (v->nkids == 0)
                return KS_ERR(err, KS_ECORRUPT, "line %d: empty value list for '%s'", v->line,
                              k->s);
            for (size_t j = 0; !rc && j < v->nkids; j++)
                rc = add_value(it, v->kids[j], err);
        } else if (v->kind == SY_SCALAR) {
            rc = add_value(it, v, err);
        } else {
            return KS_ERR(err, KS_ECORRUPT, "line %d: '%s' maps to a mapping, not values",
                          v->line, k->s);
        }
    }
    return rc;
}

static int parse_selection(sg_rule *r, sg_sel *s, const sy_node *v, ks_err *err)
{
    int rc = 0;
    if (v->kind == SY_MAP)
        return group_from_map(r, s, v, err);
    sg_item *kw = NULL; /* keywords gathered into one OR item */
    if (v->kind == SY_SCALAR) {
        sg_group *g = NULL;
        if ((rc = add_group(s, &g, err)) || (rc = add_item(g, &kw, err)))
            return rc;
        return add_value(kw, v, err);
    }
    for (size_t i = 0; !rc && i < v->nkids; i++) {
        const sy_node *e = v->kids[i];
        if (e->kind == SY_MAP) {
            rc = group_from_map(r, s, e, err);
            kw = NULL; /* s->groups may have moved */
        } else if (e->kind == SY_SCALAR) {
            if (!kw) {
                sg_group *g = NULL;
                if ((rc = add_group(s, &g, err)) || (rc = add_item(g, &kw, err)))
                    return rc;
            }
            rc = add_value(kw, e, err);
        } else {
            return KS_ERR(err, KS_ECORRUPT, "line %d: nested lists in a selection", e->line);
        }
    }
    if (!rc && s->ngroups == 0)
        return KS_ERR(err, KS_ECORRUPT, "line %d: empty selection '%s'", v->line, s->name);
    return rc;
}

static int check_cond(const sg_rule *r, const sg_cond *c, int depth, ks_err *err)
{
    for (; c; c = c->a) {
        if (depth > KS_SIGMA_MAX_DEPTH * 4)
            return KS_ERR(err, KS_ELIMIT, "condition too deep");
        if (c->op == SG_C_REF || ((c->op == SG_C_ONE_OF || c->op == SG_C_ALL_OF) && c->name)) {
            bool found = false;
            for (size_t i = 0; i < r->nsels && !found; i++)
                found = c->op == SG_C_REF ? !strcmp(r->sels[i].name, c->name)
                                          : sg_name_match(c->name, r->sels[i].name);
            if (!found)
                return KS_ERR(err, KS_ECORRUPT, "condition names '%s', which matches no selection",
                              c->name);
        }
        /* the left spine (long and/or chains) is walked by the loop; only right
         * operands recurse, and their nesting is capped by the parser */
        if (c->b) {
            int rc = check_cond(r, c->b, depth + 1, err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int parse_detection(sg_rule *r, const sy_node *det, ks_err *err)
{
    int rc = 0;
    const sy_node *cond = NULL;
    if (!det || det->kind != SY_MAP)
        return KS_ERR(err, KS_ECORRUPT, "no detection section");
    for (size_t i = 0; i + 1 < det->nkids; i += 2) {
        const sy_node *k = det->kids[i], *v = det->kids[i + 1];
        if (k->kind != SY_SCALAR)
            return KS_ERR(err, KS_ECORRUPT, "line %d: selection names must be scalars", k->line);
        if (!strcmp(k->s, "condition")) {
            cond = v;
            continue;
        }
        if (!strcmp(k->s, "timeframe")) {
            if ((rc = unsupported(r, "timeframe in a detection (use a correlation rule)", NULL)))
                return KS_ERR(err, rc, "out of memory");
            continue;
        }
        sg_sel *ns = realloc(r->sels, (r->nsels + 1) * sizeof *ns);
        if (!ns)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        r->sels = ns;
        sg_sel *s = &r->sels[r->nsels++];
        memset(s, 0, sizeof *s);
        if (!(s->name = strndup(k->s, k->n)))
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        if ((rc = parse_selection(r, s, v, err)))
            return rc;
    }
    if (!cond)
        return KS_ERR(err, KS_ECORRUPT, "detection has no condition");
    size_t nc = cond->kind == SY_SEQ ? cond->nkids : 1;
    if (nc == 0 || (cond->kind == SY_MAP))
        return KS_ERR(err, KS_ECORRUPT, "line %d: condition must be a string or a list", cond->line);
    if (!(r->conds = calloc(nc, sizeof *r->conds)))
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    r->nconds = nc; /* entries stay NULL until parsed; freeing NULL is fine */
    for (size_t i = 0; i < nc; i++) {
        const sy_node *c = cond->kind == SY_SEQ ? cond->kids[i] : cond;
        if (c->kind != SY_SCALAR)
            return KS_ERR(err, KS_ECORRUPT, "line %d: condition must be a string", c->line);
        rc = sg_cond_parse(&r->conds[i], c->s, c->n, err);
        if (rc == KS_EUNSUPPORTED) {
            rc = unsupported(r, err->msg, NULL);
            if (rc)
                return KS_ERR(err, rc, "out of memory");
            continue;
        }
        if (rc)
            return rc;
        if ((rc = check_cond(r, r->conds[i], 0, err)))
            return rc;
    }
    return 0;
}

static int str_list(char ***out, size_t *nout, const sy_node *n, ks_err *err)
{
    if (!n)
        return 0;
    size_t cnt = n->kind == SY_SEQ ? n->nkids : 1;
    if (n->kind == SY_MAP)
        return KS_ERR(err, KS_ECORRUPT, "line %d: expected a list of strings", n->line);
    char **v = calloc(cnt ? cnt : 1, sizeof *v);
    if (!v)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    *out = v;
    for (size_t i = 0; i < cnt; i++) {
        const sy_node *e = n->kind == SY_SEQ ? n->kids[i] : n;
        if (e->kind != SY_SCALAR)
            return KS_ERR(err, KS_ECORRUPT, "line %d: expected a string", e->line);
        if (!(v[i] = dup_scalar(e)))
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        *nout = i + 1;
    }
    return 0;
}

/* "30s", "5m", "1h", "2d", "1w" -> ns. */
static int parse_timespan(const char *s, int64_t *out)
{
    int64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > 100000000)
            return KS_ECORRUPT;
        v = v * 10 + (*p - '0');
    }
    if (p == s || p[0] == 0 || p[1] != 0)
        return KS_ECORRUPT;
    int64_t unit = *p == 's' ? 1 : *p == 'm' ? 60 : *p == 'h' ? 3600 : *p == 'd' ? 86400
                   : *p == 'w' ? 7 * 86400 : 0;
    if (!unit)
        return KS_ECORRUPT;
    *out = v * unit * 1000000000LL;
    return 0;
}

static int parse_correlation(sg_rule *r, const sy_node *c, ks_err *err)
{
    int rc;
    if (c->kind != SY_MAP)
        return KS_ERR(err, KS_ECORRUPT, "line %d: correlation must be a mapping", c->line);
    r->info.correlation = true;
    const sy_node *t = sy_get(c, "type");
    if (!t || t->kind != SY_SCALAR)
        return KS_ERR(err, KS_ECORRUPT, "correlation has no type");
    r->ctype = !strcmp(t->s, "event_count")   ? SG_CORR_EVENT_COUNT
               : !strcmp(t->s, "value_count") ? SG_CORR_VALUE_COUNT
               : !strcmp(t->s, "temporal")    ? SG_CORR_TEMPORAL
                                              : SG_CORR_NONE;
    r->info.corr_type = r->ctype == SG_CORR_EVENT_COUNT   ? "event_count"
                        : r->ctype == SG_CORR_VALUE_COUNT ? "value_count"
                        : r->ctype == SG_CORR_TEMPORAL    ? "temporal"
                                                          : "unknown";
    if (r->ctype == SG_CORR_NONE && (rc = unsupported(r, "correlation type", t->s)))
        return KS_ERR(err, rc, "out of memory");
    if ((rc = str_list(&r->refs, &r->nrefs, sy_get(c, "rules"), err)) ||
        (rc = str_list(&r->group_by, &r->ngroup, sy_get(c, "group-by"), err)))
        return rc;
    if (r->nrefs == 0)
        return KS_ERR(err, KS_ECORRUPT, "correlation names no rules");
    const sy_node *ts = sy_get(c, "timespan");
    if (!ts)
        ts = sy_get(c, "timeframe");
    if (!ts || ts->kind != SY_SCALAR || parse_timespan(ts->s, &r->timespan_ns))
        return KS_ERR(err, KS_ECORRUPT, "correlation needs a timespan like 5m");
    const sy_node *g = sy_get(c, "generate");
    if (g && g->kind == SY_SCALAR && !strcasecmp(g->s, "true"))
        r->generate = true;
    if (sy_get(c, "aliases") && (rc = unsupported(r, "correlation field aliases", NULL)))
        return KS_ERR(err, rc, "out of memory");
    const sy_node *cond = sy_get(c, "condition");
    static const char *const ops[5] = {"gt", "gte", "lt", "lte", "eq"};
    if (cond && cond->kind == SY_MAP) {
        for (size_t i = 0; i + 1 < cond->nkids; i += 2) {
            const sy_node *k = cond->kids[i], *v = cond->kids[i + 1];
            if (k->kind != SY_SCALAR || v->kind != SY_SCALAR)
                return KS_ERR(err, KS_ECORRUPT, "line %d: bad correlation condition", k->line);
            if (!strcmp(k->s, "field")) {
                free(r->vc_field);
                if (!(r->vc_field = dup_scalar(v)))
                    return KS_ERR(err, KS_ENOMEM, "out of memory");
                continue;
            }
            int op = -1;
            for (int j = 0; j < 5; j++)
                if (!strcmp(k->s, ops[j]))
                    op = j;
            double d;
            if (op < 0 || !sg_num_parse(v->s, v->n, &d) || d < -1e15 || d > 1e15)
                return KS_ERR(err, KS_ECORRUPT, "line %d: bad correlation condition '%s'", k->line,
                              k->s);
            r->cmp[op] = (int64_t)d;
            r->has_cmp[op] = true;
        }
    } else if (cond) {
        return KS_ERR(err, KS_ECORRUPT, "line %d: correlation condition must be a mapping",
                      cond->line);
    }
    bool any = false;
    for (int j = 0; j < 5; j++)
        any |= r->has_cmp[j];
    if (r->ctype != SG_CORR_TEMPORAL && !any)
        return KS_ERR(err, KS_ECORRUPT, "%s correlation needs a condition (gte: N, ...)",
                      r->info.corr_type);
    if (r->ctype == SG_CORR_VALUE_COUNT && !r->vc_field)
        return KS_ERR(err, KS_ECORRUPT, "value_count correlation needs condition field");
    return 0;
}

void sg_rule_free(sg_rule *r)
{
    if (!r)
        return;
    free((char *)r->info.id);
    free((char *)r->info.name);
    free((char *)r->info.title);
    free((char *)r->info.level);
    free((char *)r->info.status);
    free((char *)r->info.description);
    free((char *)r->info.file);
    free((char *)r->info.product);
    free((char *)r->info.category);
    free((char *)r->info.service);
    for (size_t i = 0; i < r->ntags; i++)
        free(r->tags[i]);
    free(r->tags);
    for (size_t i = 0; i < r->nsels; i++) {
        sg_sel *s = &r->sels[i];
        for (size_t g = 0; g < s->ngroups; g++) {
            for (size_t k = 0; k < s->groups[g].nitems; k++) {
                sg_item *it = &s->groups[g].items[k];
                for (size_t v = 0; v < it->nvals; v++)
                    free(it->vals[v].s);
                free(it->vals);
                free(it->field);
            }
            free(s->groups[g].items);
        }
        free(s->groups);
        free(s->name);
    }
    free(r->sels);
    for (size_t i = 0; i < r->nconds; i++)
        sg_cond_free(r->conds[i]);
    free(r->conds);
    free(r->unsupported);
    for (size_t i = 0; i < r->nrefs; i++)
        free(r->refs[i]);
    free(r->refs);
    for (size_t i = 0; i < r->ngroup; i++)
        free(r->group_by[i]);
    free(r->group_by);
    free(r->vc_field);
    free(r);
}

static int rule_from_doc(sg_rule **out, const sy_node *doc, const char *file, ks_err *err)
{
    int rc = 0;
    sg_rule *r = calloc(1, sizeof *r);
    if (!r)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    if (doc->kind != SY_MAP) {
        rc = KS_ERR(err, KS_ECORRUPT, "line %d: a rule must be a YAML mapping", doc->line);
        goto done;
    }
    if (sy_get(doc, "action")) {
        rc = KS_ERR(err, KS_EUNSUPPORTED, "rule collections (action: global/reset/repeat) are not supported");
        goto done;
    }
    const sy_node *ls = sy_get(doc, "logsource");
    r->info.file = strdup(file);
    r->info.id = dup_scalar(sy_get(doc, "id"));
    r->info.name = dup_scalar(sy_get(doc, "name"));
    r->info.title = dup_scalar(sy_get(doc, "title"));
    r->info.level = dup_scalar(sy_get(doc, "level"));
    r->info.status = dup_scalar(sy_get(doc, "status"));
    r->info.description = dup_scalar(sy_get(doc, "description"));
    r->info.product = dup_scalar(sy_get(ls, "product"));
    r->info.category = dup_scalar(sy_get(ls, "category"));
    r->info.service = dup_scalar(sy_get(ls, "service"));
    if (!r->info.file || !r->info.title) {
        rc = r->info.file ? KS_ERR(err, KS_ECORRUPT, "rule has no title")
                          : KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    const sy_node *gen = sy_get(doc, "generate");
    if (gen && gen->kind == SY_SCALAR && !strcasecmp(gen->s, "true"))
        r->generate = true;
    if ((rc = str_list(&r->tags, &r->ntags, sy_get(doc, "tags"), err)))
        goto done;
    r->info.tags = (const char *const *)r->tags;
    r->info.ntags = r->ntags;
    const sy_node *corr = sy_get(doc, "correlation");
    if (corr) {
        rc = parse_correlation(r, corr, err);
    } else if (sy_get(doc, "filter") && !sy_get(doc, "detection")) {
        rc = KS_ERR(err, KS_EUNSUPPORTED, "meta filter rules (filter:) are not supported");
    } else {
        rc = parse_detection(r, sy_get(doc, "detection"), err);
    }
done:
    if (rc) {
        sg_rule_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

static int add_failure(ks_sigma_ruleset *rs, const char *file, const char *why)
{
    if (rs->nfail == rs->capfail) {
        size_t nc = rs->capfail ? rs->capfail * 2 : 16;
        char **a = realloc(rs->fail_file, nc * sizeof *a);
        if (!a)
            return KS_ENOMEM;
        rs->fail_file = a;
        char **b = realloc(rs->fail_why, nc * sizeof *b);
        if (!b)
            return KS_ENOMEM;
        rs->fail_why = b;
        rs->capfail = nc;
    }
    char *f = strdup(file), *w = strdup(why);
    if (!f || !w) {
        free(f);
        free(w);
        return KS_ENOMEM;
    }
    rs->fail_file[rs->nfail] = f;
    rs->fail_why[rs->nfail++] = w;
    return 0;
}

int ks_sigma_ruleset_new(ks_sigma_ruleset **out, ks_err *err)
{
    ks_sigma_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    *out = rs;
    return 0;
}

void ks_sigma_ruleset_free(ks_sigma_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->nrules; i++)
        sg_rule_free(rs->rules[i]);
    free(rs->rules);
    for (size_t i = 0; i < rs->nfail; i++) {
        free(rs->fail_file[i]);
        free(rs->fail_why[i]);
    }
    free(rs->fail_file);
    free(rs->fail_why);
    free(rs);
}

int ks_sigma_rule_load_mem(ks_sigma_ruleset *rs, const char *name, const char *text, size_t n,
                           ks_err *err)
{
    sy_docs d = {0};
    sg_rule **got = NULL;
    size_t ngot = 0;
    int rc;
    ks_err local;
    if (!err) {
        ks_err_clear(&local);
        err = &local;
    }
    rs->nfiles++;
    if ((rc = sy_parse(&d, text, n, err)))
        goto done;
    if (d.ndocs == 0) {
        rc = KS_ERR(err, KS_ECORRUPT, "no YAML document");
        goto done;
    }
    if (!(got = calloc(d.ndocs, sizeof *got))) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < d.ndocs; i++) {
        if (sy_is_null(d.docs[i]))
            continue; /* an empty document (a trailing ---) */
        if ((rc = rule_from_doc(&got[ngot], d.docs[i], name, err)))
            goto done;
        ngot++;
    }
    if (ngot == 0) {
        rc = KS_ERR(err, KS_ECORRUPT, "no rule in the file");
        goto done;
    }
    if (rs->nrules + ngot > KS_SIGMA_MAX_RULES) {
        rc = KS_ERR(err, KS_ELIMIT, "more than %d rules", KS_SIGMA_MAX_RULES);
        goto done;
    }
    if (rs->nrules + ngot > rs->cap) {
        size_t nc = rs->cap ? rs->cap : 64;
        while (nc < rs->nrules + ngot)
            nc *= 2;
        sg_rule **nr = realloc(rs->rules, nc * sizeof *nr);
        if (!nr) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        rs->rules = nr;
        rs->cap = nc;
    }
    for (size_t i = 0; i < ngot; i++)
        rs->rules[rs->nrules++] = got[i];
    ngot = 0;
done:
    for (size_t i = 0; i < ngot; i++)
        sg_rule_free(got[i]);
    free(got);
    sy_free(&d);
    if (rc && rc != KS_ENOMEM && add_failure(rs, name, err->msg))
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
    if (rc)
        ks_err_locate(err, name, -1, -1);
    return rc;
}

int ks_sigma_rule_load(ks_sigma_ruleset *rs, const char *file, ks_err *err)
{
    int rc = 0, fd = -1;
    char *text = NULL;
    struct stat sb;
    ks_err local;
    if (!err) {
        ks_err_clear(&local);
        err = &local;
    }
    if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0 ||
        !S_ISREG(sb.st_mode)) {
        rc = KS_ERR_AT(err, KS_EIO, file, -1, -1, "cannot read rule file: %s",
                       fd < 0 ? strerror(errno) : "not a regular file");
        rs->nfiles++;
        if (add_failure(rs, file, err->msg))
            rc = KS_ENOMEM;
        goto done;
    }
    if (sb.st_size > (off_t)KS_SIGMA_MAX_FILE) {
        rs->nfiles++;
        rc = KS_ERR_AT(err, KS_ELIMIT, file, -1, -1, "rule file larger than %u bytes",
                       KS_SIGMA_MAX_FILE);
        if (add_failure(rs, file, err->msg))
            rc = KS_ENOMEM;
        goto done;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    if (!(text = malloc(n + 1))) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    while (got < n) {
        ssize_t r = read(fd, text + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    rc = ks_sigma_rule_load_mem(rs, file, text, got, err);
done:
    if (fd >= 0)
        close(fd);
    free(text);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_rule_file(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && !strcmp(name + n - 4, ".yml")) || (n > 5 && !strcmp(name + n - 5, ".yaml"));
}

static int walk(ks_sigma_ruleset *rs, const char *dir, int depth, ks_err *err)
{
    int rc = 0;
    DIR *d = NULL;
    char **names = NULL;
    size_t nn = 0, cap = 0;
    if (depth > MAX_DIR_DEPTH)
        return 0;
    if (!(d = opendir(dir)))
        return KS_ERR_AT(err, KS_EIO, dir, -1, -1, "cannot read rule directory: %s", strerror(errno));
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (nn == cap) {
            cap = cap ? cap * 2 : 64;
            char **nb = realloc(names, cap * sizeof *nb);
            if (!nb) {
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                goto done;
            }
            names = nb;
        }
        if (!(names[nn] = strdup(de->d_name))) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        nn++;
    }
    if (nn)
        qsort(names, nn, sizeof *names, name_cmp);
    for (size_t i = 0; i < nn && !rc; i++) {
        size_t pl = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(pl);
        if (!path) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            break;
        }
        snprintf(path, pl, "%s/%s", dir, names[i]);
        struct stat sb;
        /* symbolic links are followed; MAX_DIR_DEPTH ends a loop of them */
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            rc = walk(rs, path, depth + 1, err);
            if (rc == KS_EIO) /* an unreadable subdirectory is a failure to report, not fatal */
                rc = add_failure(rs, path, err->msg) ? KS_ENOMEM : 0;
        } else if (is_rule_file(names[i])) {
            ks_err e;
            ks_err_clear(&e);
            if (ks_sigma_rule_load(rs, path, &e) == KS_ENOMEM)
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        }
        free(path);
    }
done:
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    if (d)
        closedir(d);
    return rc;
}

int ks_sigma_ruleset_add_dir(ks_sigma_ruleset *rs, const char *dir, ks_err *err)
{
    ks_err local;
    if (!err) {
        ks_err_clear(&local);
        err = &local;
    }
    return walk(rs, dir, 0, err);
}

int ks_sigma_ruleset_load(ks_sigma_ruleset **out, const char *dir, ks_err *err)
{
    ks_sigma_ruleset *rs = NULL;
    int rc = ks_sigma_ruleset_new(&rs, err);
    if (!rc && (rc = ks_sigma_ruleset_add_dir(rs, dir, err))) {
        ks_sigma_ruleset_free(rs);
        return rc;
    }
    if (!rc)
        *out = rs;
    return rc;
}

size_t ks_sigma_ruleset_count(const ks_sigma_ruleset *rs) { return rs->nrules; }
size_t ks_sigma_ruleset_files(const ks_sigma_ruleset *rs) { return rs->nfiles; }
size_t ks_sigma_ruleset_failures(const ks_sigma_ruleset *rs) { return rs->nfail; }

void ks_sigma_ruleset_failure(const ks_sigma_ruleset *rs, size_t i, const char **file,
                              const char **why)
{
    *file = i < rs->nfail ? rs->fail_file[i] : NULL;
    *why = i < rs->nfail ? rs->fail_why[i] : NULL;
}
