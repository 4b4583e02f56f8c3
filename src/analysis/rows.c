/* rows.c — loading records of any source for the analyzers (see rows.h). */
#include "analysis/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "core/time.h"

struct ks_rows {
    char *spec[KS_ROWS_MAXCOLS];
    size_t ncols;
    ks_row *v;
    size_t n, cap;
    ks_pool pool;
};

int ks_rows_new(ks_rows **out, const char *const *cols, size_t ncols, ks_err *err)
{
    if (ncols > KS_ROWS_MAXCOLS)
        return KS_ERR(err, KS_EUSAGE, "too many columns");
    ks_rows *r = calloc(1, sizeof *r);
    if (!r)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < ncols; i++) {
        size_t n = strlen(cols[i]);
        r->spec[i] = malloc(n + 1);
        if (!r->spec[i]) {
            ks_rows_free(r);
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        }
        memcpy(r->spec[i], cols[i], n + 1);
        r->ncols = i + 1;
    }
    r->ncols = ncols;
    *out = r;
    return 0;
}

void ks_rows_free(ks_rows *r)
{
    if (!r)
        return;
    ks_pool_free(&r->pool);
    for (size_t i = 0; i < r->ncols; i++)
        free(r->spec[i]);
    free(r->v);
    free(r);
}

enum { P_ID, P_NS, P_FILE, P_LINE, P_OFF, P_SRC, P_N };
static const char *const k_prov[P_N] = {"_id", "_ns", "_file", "_line", "_off", "_src"};

typedef struct load_ctx {
    ks_rows *r;
    ks_err *err;
    int rc;
    int map[KS_ROWS_MAXCOLS]; /* result column of each wanted column, -1 when absent */
    int prov[P_N];
} load_ctx;

/* Whether name is one of the '|'-separated alternatives of spec; the rank of it, else -1. */
static int alt_rank(const char *spec, const char *name)
{
    size_t nn = strlen(name);
    int rank = 0;
    const char *p = spec;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == nn && !strncmp(p, name, nn))
            return rank;
        if (!bar)
            return -1;
        p = bar + 1;
        rank++;
    }
}

static void map_columns(load_ctx *c, int ncols, const char *const *names)
{
    int best[KS_ROWS_MAXCOLS];
    for (size_t i = 0; i < c->r->ncols; i++) {
        c->map[i] = -1;
        best[i] = 1 << 30;
    }
    for (int k = 0; k < P_N; k++)
        c->prov[k] = -1;
    for (int j = 0; j < ncols; j++) {
        for (int k = 0; k < P_N; k++)
            if (c->prov[k] < 0 && !strcmp(names[j], k_prov[k]))
                c->prov[k] = j;
        for (size_t i = 0; i < c->r->ncols; i++) {
            int rank = alt_rank(c->r->spec[i], names[j]);
            if (rank >= 0 && rank < best[i]) {
                best[i] = rank;
                c->map[i] = j;
            }
        }
    }
}

static int64_t num(const char *v, int64_t dflt)
{
    return v ? strtoll(v, NULL, 10) : dflt;
}

static int on_row(void *ctx, int ncols, const char *const *names, const char *const *vals,
                  const size_t *lens, const char *types)
{
    (void)types;
    load_ctx *c = ctx;
    ks_rows *r = c->r;
    if (!vals) {
        map_columns(c, ncols, names);
        return 0;
    }
    if (r->n == r->cap) {
        if (r->cap >= KS_ROWS_MAX) {
            c->rc = KS_ERR(c->err, KS_ELIMIT, "more than %u records to analyse; narrow the "
                           "time range", KS_ROWS_MAX);
            return 1;
        }
        size_t nc = r->cap ? r->cap * 2 : 1024;
        ks_row *nv = realloc(r->v, nc * sizeof *nv);
        if (!nv) {
            c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
            return 1;
        }
        r->v = nv;
        r->cap = nc;
    }
    ks_row *w = &r->v[r->n];
    int *p = c->prov;
    w->id = p[P_ID] >= 0 ? num(vals[p[P_ID]], -1) : -1;
    w->time = p[P_NS] >= 0 && vals[p[P_NS]] ? num(vals[p[P_NS]], 0) : KS_TIME_NONE;
    w->line = p[P_LINE] >= 0 ? num(vals[p[P_LINE]], -1) : -1;
    w->offset = p[P_OFF] >= 0 ? num(vals[p[P_OFF]], -1) : -1;
    w->file = p[P_FILE] >= 0 ? ks_pool_dup(&r->pool, vals[p[P_FILE]], vals[p[P_FILE]] ? lens[p[P_FILE]] : 0) : "";
    w->source = p[P_SRC] >= 0 ? ks_pool_dup(&r->pool, vals[p[P_SRC]], vals[p[P_SRC]] ? lens[p[P_SRC]] : 0) : "";
    w->v = r->ncols ? ks_pool_alloc(&r->pool, r->ncols * sizeof *w->v) : NULL;
    if (!w->file || !w->source || (r->ncols && !w->v)) {
        c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
        return 1;
    }
    for (size_t i = 0; i < r->ncols; i++) {
        int j = c->map[i];
        w->v[i] = j >= 0 ? ks_pool_dup(&r->pool, vals[j], vals[j] ? lens[j] : 0) : "";
        if (!w->v[i]) {
            c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
            return 1;
        }
    }
    r->n++;
    return 0;
}

int ks_rows_add(ks_rows *r, ks_store *st, const char *sql, int64_t from, int64_t to, ks_err *err)
{
    char pf[32], pt[32];
    snprintf(pf, sizeof pf, "%lld", (long long)(from == KS_TIME_NONE ? INT64_MIN : from));
    snprintf(pt, sizeof pt, "%lld", (long long)(to == KS_TIME_NONE ? INT64_MAX : to));
    const char *params[2] = {pf, pt};
    load_ctx lc;
    memset(&lc, 0, sizeof lc);
    lc.r = r;
    lc.err = err;
    int rc = ks_store_query(st, sql, params, 2, on_row, &lc, err);
    if (rc == KS_EUSAGE && strstr(err->msg, "no such table")) {
        ks_err_clear(err);
        rc = 0;
    }
    return rc ? rc : lc.rc;
}

static int cmp_row(const void *a, const void *b)
{
    const ks_row *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

void ks_rows_sort(ks_rows *r)
{
    if (r->n > 1)
        qsort(r->v, r->n, sizeof *r->v, cmp_row);
}

size_t ks_rows_count(const ks_rows *r)
{
    return r ? r->n : 0;
}

const ks_row *ks_rows_at(const ks_rows *r, size_t i)
{
    return &r->v[i];
}

ks_ref ks_row_ref(const ks_row *w)
{
    ks_ref ref = {w->id, w->time, (char *)w->source, (char *)w->file, w->line, w->offset};
    return ref;
}
