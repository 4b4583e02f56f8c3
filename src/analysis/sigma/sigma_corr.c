/* sigma_corr.c — Sigma correlation rules (event_count, value_count, temporal) over the
 * matches that sigma_eval.c kept for the rules they reference.
 *
 * The matches of the referenced rules are keyed by their group-by values, sorted by key
 * and time, and a window of `timespan` moves over each group. With only gt/gte
 * conditions the window slides (a match is reported as soon as the condition holds, then
 * the window restarts after it); with lt/lte/eq, windows are anchored at the first event
 * after the previous window, so "fewer than N" is judged over whole windows. temporal
 * asks for every referenced rule inside one window. An event matching several referenced
 * rules is listed once per window. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sigma/sigma_int.h"

/* Reports correlation r as not applicable; returns 0 (evaluation goes on). */
static int na(sg_run *x, const sg_rule *r, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int na(sg_run *x, const sg_rule *r, const char *cls, const char *fmt, ...)
{
    va_list ap;
    snprintf(x->rclass, sizeof x->rclass, "%s", cls);
    va_start(ap, fmt);
    vsnprintf(x->reason, sizeof x->reason, fmt, ap);
    va_end(ap);
    sg_emit_na(x, r);
    return 0;
}

typedef struct centry {
    const sg_stored *s;
    size_t ref;      /* which referenced rule */
    const char *key; /* group key (owned by the key list) */
    const char *val; /* value_count field value or NULL */
} centry;

static int centry_cmp(const void *a, const void *b)
{
    const centry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    if (x->s->ev.time_ns != y->s->ev.time_ns)
        return x->s->ev.time_ns < y->s->ev.time_ns ? -1 : 1;
    return x->s->ev.id < y->s->ev.id ? -1 : x->s->ev.id > y->s->ev.id;
}

static int find_rule(const ks_sigma_ruleset *rs, const char *ref)
{
    for (size_t i = 0; i < rs->nrules; i++) {
        const sg_rule *r = rs->rules[i];
        if (r->info.correlation)
            continue;
        if ((r->info.id && !strcmp(r->info.id, ref)) || (r->info.name && !strcmp(r->info.name, ref)))
            return (int)i;
    }
    return -1;
}

static size_t field_index(const sg_rstate *st, const char *f)
{
    for (size_t i = 0; i < st->nfields; i++)
        if (!strcmp(st->fields[i], f))
            return i;
    return SIZE_MAX;
}

/* The field was selected for the rule (sg_corr_prepare) and has a mapping. */
static bool field_ok(const sg_rstate *st, const char *f)
{
    size_t i = field_index(st, f);
    return i != SIZE_MAX && !st->unmapped[i];
}

static bool cmp_ok(const sg_rule *r, int64_t n)
{
    return (!r->has_cmp[0] || n > r->cmp[0]) && (!r->has_cmp[1] || n >= r->cmp[1]) &&
           (!r->has_cmp[2] || n < r->cmp[2]) && (!r->has_cmp[3] || n <= r->cmp[3]) &&
           (!r->has_cmp[4] || n == r->cmp[4]);
}

/* The measure of a window [i, j]: events, distinct values or distinct referenced rules. */
static int64_t measure(const sg_rule *r, const centry *e, size_t i, size_t j)
{
    if (r->ctype == SG_CORR_EVENT_COUNT)
        return (int64_t)(j - i + 1);
    int64_t n = 0;
    for (size_t k = i; k <= j; k++) {
        bool seen = false;
        for (size_t q = i; q < k && !seen; q++)
            seen = r->ctype == SG_CORR_VALUE_COUNT
                       ? (e[q].val && e[k].val && !strcmp(e[q].val, e[k].val))
                       : e[q].ref == e[k].ref;
        if (!seen && (r->ctype != SG_CORR_VALUE_COUNT || e[k].val))
            n++;
    }
    return n;
}

static int emit_window(sg_run *x, const sg_rule *r, const centry *e, size_t i, size_t j, int64_t *nm)
{
    size_t n = j - i + 1;
    ks_sigma_event *evs = malloc(n * sizeof *evs);
    if (!evs)
        return KS_ERR(x->err, KS_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t k = 0; k < n; k++) /* an event matching several referenced rules: once */
        if (m == 0 || evs[m - 1].id != e[i + k].s->ev.id)
            evs[m++] = e[i + k].s->ev;
    ks_sigma_result res = {KS_SIGMA_MATCH, &r->info, NULL, NULL, evs, m, e[i].key, 0};
    (*nm)++;
    if (x->fn(x->fnctx, &res))
        x->stop = true;
    free(evs);
    return 0;
}

static int correlate_group(sg_run *x, const sg_rule *r, const centry *e, size_t n, int64_t *nm)
{
    bool sliding = !r->has_cmp[2] && !r->has_cmp[3] && !r->has_cmp[4];
    if (r->ctype == SG_CORR_TEMPORAL)
        sliding = true;
    int64_t need_refs = (int64_t)r->nrefs;
    size_t i = 0;
    int rc = 0;
    if (sliding) {
        for (size_t j = 0; j < n && !rc && !x->stop; j++) {
            while (e[j].s->ev.time_ns - e[i].s->ev.time_ns > r->timespan_ns)
                i++;
            int64_t v = measure(r, e, i, j);
            bool ok = r->ctype == SG_CORR_TEMPORAL ? v == need_refs && cmp_ok(r, (int64_t)(j - i + 1))
                                                   : cmp_ok(r, v);
            if (ok) {
                rc = emit_window(x, r, e, i, j, nm);
                i = j + 1;
            }
        }
        return rc;
    }
    while (i < n && !rc && !x->stop) {
        size_t j = i;
        while (j + 1 < n && e[j + 1].s->ev.time_ns - e[i].s->ev.time_ns <= r->timespan_ns)
            j++;
        if (cmp_ok(r, measure(r, e, i, j)))
            rc = emit_window(x, r, e, i, j, nm);
        i = j + 1;
    }
    return rc;
}

int sg_corr_run(sg_run *x, const sg_rule *r)
{
    int rc = 0;
    centry *ents = NULL;
    char **keys = NULL;
    size_t nents = 0, total = 0;
    int idx[64];
    int64_t nm = 0;
    if (r->unsupported)
        return na(x, r, "unsupported feature", "%s", r->unsupported);
    if (r->nrefs > 64)
        return na(x, r, "unsupported feature", "correlation over more than 64 rules");
    for (size_t k = 0; k < r->nrefs; k++) {
        idx[k] = find_rule(x->rs, r->refs[k]);
        if (idx[k] < 0)
            return na(x, r, "invalid rule", "correlation references '%.100s', not in this rule set",
                      r->refs[k]);
        const sg_rstate *st = &x->state[idx[k]];
        if (!st->applicable)
            return na(x, r, "referenced rule not applicable",
                      "referenced rule '%.100s' is not applicable", r->refs[k]);
        if (st->truncated) /* judging on part of the matches could miss or invent windows */
            return na(x, r, "rule too large",
                      "referenced rule '%.100s' has more than %d matches to correlate", r->refs[k],
                      KS_SIGMA_MAX_CORR_EVENTS);
        for (size_t g = 0; g < r->ngroup; g++)
            if (!field_ok(st, r->group_by[g]))
                return na(x, r, "field not mapped",
                          "group-by field '%.100s' has no mapping for '%.100s'", r->group_by[g],
                          r->refs[k]);
        if (r->vc_field && !field_ok(st, r->vc_field))
            return na(x, r, "field not mapped",
                      "value_count field '%.100s' has no mapping for '%.100s'", r->vc_field,
                      r->refs[k]);
        total += st->nrows;
    }
    if (total && (!(ents = calloc(total, sizeof *ents)) || !(keys = calloc(total, sizeof *keys)))) {
        rc = KS_ERR(x->err, KS_ENOMEM, "out of memory");
        goto done;
    }
    ks_buf kb;
    ks_buf_init(&kb, 1 << 20);
    for (size_t k = 0; k < r->nrefs && !rc; k++) {
        const sg_rstate *st = &x->state[idx[k]];
        /* the same rule named twice counts once */
        bool dup = false;
        for (size_t q = 0; q < k; q++)
            dup |= idx[q] == idx[k];
        if (dup)
            continue;
        for (size_t i = 0; i < st->nrows && !rc; i++) {
            ks_buf_reset(&kb);
            for (size_t g = 0; g < r->ngroup && !rc; g++) {
                const char *v = st->rows[i].vals[field_index(st, r->group_by[g])];
                rc = ks_buf_printf(&kb, "%s%s=%s", g ? ", " : "", r->group_by[g], v ? v : "");
            }
            if (!rc && !(keys[nents] = strdup(kb.data ? kb.data : "")))
                rc = KS_ENOMEM;
            if (rc)
                break;
            ents[nents].s = &st->rows[i];
            ents[nents].ref = k;
            ents[nents].key = keys[nents];
            ents[nents].val = r->vc_field ? st->rows[i].vals[field_index(st, r->vc_field)] : NULL;
            nents++;
        }
    }
    ks_buf_free(&kb);
    if (rc) {
        rc = KS_ERR(x->err, rc, "correlation: out of memory");
        goto done;
    }
    if (nents)
        qsort(ents, nents, sizeof *ents, centry_cmp);
    for (size_t i = 0; i < nents && !rc && !x->stop;) {
        size_t j = i;
        while (j < nents && !strcmp(ents[j].key, ents[i].key))
            j++;
        rc = correlate_group(x, r, ents + i, j - i, &nm);
        i = j;
    }
    if (!rc && !x->stop)
        sg_emit_done(x, r, nm);
done:
    for (size_t i = 0; keys && i < nents; i++)
        free(keys[i]);
    free(keys);
    free(ents);
    return rc;
}

int sg_corr_prepare(sg_run *x)
{
    const ks_sigma_ruleset *rs = x->rs;
    if (!(x->state = calloc(rs->nrules + 1, sizeof *x->state)))
        return KS_ERR(x->err, KS_ENOMEM, "out of memory");
    for (size_t c = 0; c < rs->nrules; c++) {
        sg_rule *r = rs->rules[c];
        if (!r->info.correlation)
            continue;
        for (size_t k = 0; k < r->nrefs; k++) {
            int i = find_rule(rs, r->refs[k]);
            if (i < 0)
                continue;
            sg_rstate *st = &x->state[i];
            st->referenced = true;
            st->generate |= r->generate;
            for (size_t g = 0; g <= r->ngroup; g++) {
                const char *f = g < r->ngroup ? r->group_by[g] : r->vc_field;
                if (!f || field_index(st, f) != SIZE_MAX)
                    continue;
                char **nf = realloc(st->fields, (st->nfields + 1) * sizeof *nf);
                bool *nu = realloc(st->unmapped, (st->nfields + 1) * sizeof *nu);
                if (nf)
                    st->fields = nf;
                if (nu)
                    st->unmapped = nu;
                if (!nf || !nu || !(st->fields[st->nfields] = strdup(f)))
                    return KS_ERR(x->err, KS_ENOMEM, "out of memory");
                st->unmapped[st->nfields++] = false;
            }
        }
    }
    return 0;
}

void sg_corr_free(sg_run *x)
{
    for (size_t i = 0; x->state && i < x->rs->nrules; i++) {
        sg_rstate *s = &x->state[i];
        for (size_t k = 0; k < s->nrows; k++) {
            free((char *)s->rows[k].ev.time);
            free((char *)s->rows[k].ev.file);
            free((char *)s->rows[k].ev.message);
            for (size_t f = 0; s->rows[k].vals && f < s->nfields; f++)
                free(s->rows[k].vals[f]);
            free(s->rows[k].vals);
        }
        free(s->rows);
        for (size_t f = 0; f < s->nfields; f++)
            free(s->fields[f]);
        free(s->fields);
        free(s->unmapped);
    }
    free(x->state);
    x->state = NULL;
}
