#include "parsers/jsonrec.h"

#include <stdio.h>
#include <stdlib.h>

int ks_jsonrec_next(ks_jsplit *sp, ks_parse_ctx *ctx, ks_jrecord *r, ks_err *err)
{
    for (;;) {
        ks_err serr;
        ks_err_clear(&serr);
        int s = ks_jsplit_next(sp, r, &serr);
        if (s != KS_ECORRUPT) {
            if (s && s != KS_EOF)
                *err = serr;
            return s;
        }
        int rc = ks_sink_error(ctx->sink, r->n ? r->lineno : serr.line,
                               r->n ? r->offset : serr.offset, serr.msg, r->p, r->n, err);
        if (rc)
            return rc;
    }
}

int ks_jsonrec_each(ks_parse_ctx *ctx, const char *const *wrap_keys, ks_jsonrec_fn fn,
                    void *arg, ks_err *err)
{
    int rc = 0;
    ks_json_doc *doc = NULL;
    ks_jsplit *sp = NULL;
    ks_jsplit_opts o = {wrap_keys, 0};
    if ((rc = ks_json_doc_new(&doc, NULL)) || (rc = ks_jsplit_new(&sp, ctx->in, &o))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    for (;;) {
        ks_jrecord r;
        int s = ks_jsonrec_next(sp, ctx, &r, err);
        if (s == KS_EOF)
            break;
        if (s) {
            rc = s;
            goto done;
        }
        ks_err perr;
        ks_err_clear(&perr);
        if (ks_json_parse(doc, r.p, r.n, &perr) != 0) {
            char why[KS_ERR_MSG_MAX + 64];
            snprintf(why, sizeof why, "invalid JSON at record offset %lld: %s",
                     (long long)perr.offset, perr.msg);
            if ((rc = ks_sink_error(ctx->sink, r.lineno, r.offset, why, r.p, r.n, err)))
                goto done;
            continue;
        }
        if ((rc = fn(arg, ctx, doc, &r, err)))
            goto done;
    }
done:
    ks_jsplit_free(sp);
    ks_json_doc_free(doc);
    return rc;
}

typedef struct map_run {
    const ks_jsonrec_mapper *m;
    ks_val *v;
} map_run;

static int map_one(void *arg, ks_parse_ctx *ctx, ks_json_doc *doc, const ks_jrecord *r,
                   ks_err *err)
{
    map_run *run = arg;
    const ks_jsonrec_mapper *m = run->m;
    ks_event ev;
    ks_event_init(&ev);
    ks_jv root = ks_json_root(doc);
    const char *why = ks_json_type_of(doc, root) != KS_JSON_OBJECT
                          ? m->not_object
                          : m->map(m->state, doc, root, run->v, &ev);
    if (why)
        return ks_sink_error(ctx->sink, r->lineno, r->offset, why, r->p, r->n, err);
    ev.raw = (ks_str){r->p, r->n};
    ev.line = r->lineno;
    ev.offset = r->offset;
    return ks_sink_event(ctx->sink, &ev, m->table, run->v, err);
}

int ks_jsonrec_map_each(ks_parse_ctx *ctx, const ks_jsonrec_mapper *m, ks_err *err)
{
    map_run run = {m, calloc(m->table->ncols ? m->table->ncols : 1, sizeof(ks_val))};
    if (!run.v)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    int rc = ks_jsonrec_each(ctx, m->wrap_keys, map_one, &run, err);
    free(run.v);
    return rc;
}
