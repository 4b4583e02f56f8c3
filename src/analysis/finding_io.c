/* finding_io.c — see finding_io.h. */
#include "analysis/finding_io.h"

#include <stdlib.h>
#include <string.h>

#include "core/time.h"

int ks_findings_save(ks_store *st, const ks_findings *fs, const ks_chains *chains, ks_err *err)
{
    int rc = ks_store_findings_begin(st, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < fs->n && !rc; i++) {
        const ks_finding *f = fs->v[i];
        ks_store_finding sf = {f->analyzer, f->layer, ks_sev_name(f->sev), f->title,
                               f->explanation, (int)f->sev, f->first_seen, f->last_seen,
                               f->nrefs_total,
                               chains && chains->chain_of[i] >= 0 ? chains->chain_of[i] + 1 : 0};
        int64_t id = 0;
        if ((rc = ks_store_finding_add(st, &sf, &id, err)))
            break;
        for (size_t k = 0; k < f->nents && !rc; k++)
            rc = ks_store_finding_entity(st, id, ks_ent_kind_name(f->ents[k].kind),
                                         ks_ent_role_name(f->ents[k].role), f->ents[k].value, err);
        for (size_t k = 0; k < f->nrefs && !rc; k++)
            rc = ks_store_finding_event(st, id, f->refs[k].event_id, err);
    }
    int rc2 = ks_store_findings_end(st, rc == 0, err);
    return rc ? rc : rc2;
}

typedef struct load_ctx {
    ks_findings *fs;
    size_t base;  /* index of the first loaded finding */
    int64_t *ids; /* finding ids, parallel to fs->v[base..] */
    size_t nids, cap;
    ks_err *err;
    int rc;
} load_ctx;

static int64_t num(const char *v)
{
    return v ? strtoll(v, NULL, 10) : KS_TIME_NONE;
}

static ks_finding *by_id(load_ctx *c, int64_t id)
{
    for (size_t i = 0; i < c->nids; i++) /* findings are few: a scan is enough */
        if (c->ids[i] == id)
            return c->fs->v[c->base + i];
    return NULL;
}

static int on_finding(void *ctx, int ncols, const char *const *names, const char *const *v,
                      const size_t *lens, const char *types)
{
    load_ctx *c = ctx;
    if (!v)
        return 0;
    ks_sev sev = KS_SEV_INFO;
    ks_sev_parse(v[3] ? v[3] : "info", &sev);
    ks_finding *f = NULL;
    if (c->nids == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 32;
        int64_t *ni = realloc(c->ids, nc * sizeof *ni);
        if (!ni) {
            c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
            return 1;
        }
        c->ids = ni;
        c->cap = nc;
    }
    if ((c->rc = ks_findings_add(c->fs, v[1] ? v[1] : "", v[2] ? v[2] : "", sev, &f, c->err)) ||
        (c->rc = ks_finding_set_text(f, v[4] ? v[4] : "", v[5] ? v[5] : "", c->err)))
        return 1;
    f->first_seen = num(v[6]);
    f->last_seen = num(v[7]);
    c->ids[c->nids++] = num(v[0]);
    return 0;
}

static int on_entity(void *ctx, int ncols, const char *const *names, const char *const *v,
                     const size_t *lens, const char *types)
{
    load_ctx *c = ctx;
    if (!v)
        return 0;
    ks_finding *f = by_id(c, num(v[0]));
    if (!f || !v[1] || !v[3])
        return 0;
    ks_ent_kind kind = KS_ENT_RESOURCE;
    for (int k = 0; k < KS_ENT_NKINDS; k++)
        if (!strcmp(v[1], ks_ent_kind_name((ks_ent_kind)k)))
            kind = (ks_ent_kind)k;
    ks_ent_role role = KS_ROLE_NONE;
    for (int r = 0; r < KS_ROLE_NROLES; r++)
        if (v[2] && !strcmp(v[2], ks_ent_role_name((ks_ent_role)r)))
            role = (ks_ent_role)r;
    c->rc = ks_finding_entity(f, kind, role, v[3], lens[3], c->err);
    return c->rc != 0;
}

static int on_event(void *ctx, int ncols, const char *const *names, const char *const *v,
                    const size_t *lens, const char *types)
{
    load_ctx *c = ctx;
    if (!v)
        return 0;
    ks_finding *f = by_id(c, num(v[0]));
    if (!f)
        return 0;
    int64_t first = f->first_seen, last = f->last_seen;
    ks_ref r = {num(v[1]), v[2] ? num(v[2]) : KS_TIME_NONE, (char *)(v[3] ? v[3] : ""),
                (char *)(v[4] ? v[4] : ""), v[5] ? num(v[5]) : -1, v[6] ? num(v[6]) : -1};
    c->rc = ks_finding_ref(f, &r, c->err);
    f->first_seen = first; /* as recorded: all records, not only the references kept */
    f->last_seen = last;
    return c->rc != 0;
}

static int on_total(void *ctx, int ncols, const char *const *names, const char *const *v,
                    const size_t *lens, const char *types)
{
    load_ctx *c = ctx;
    if (!v)
        return 0;
    ks_finding *f = by_id(c, num(v[0]));
    if (f && v[1])
        f->nrefs_total = num(v[1]);
    return 0;
}

int ks_findings_load(ks_store *st, ks_findings *out, bool *out_saved, ks_err *err)
{
    *out_saved = false;
    load_ctx c = {out, out->n, NULL, 0, 0, err, 0};
    int rc = ks_store_query(st,
        "SELECT id, analyzer, layer, severity, title, explanation, first_seen_ns, last_seen_ns "
        "FROM findings ORDER BY first_seen_ns, severity_rank DESC, id", NULL, 0, on_finding, &c, err);
    if (rc == KS_EUSAGE && strstr(err->msg, "no such table")) {
        ks_err_clear(err);
        rc = 0;
        goto done;
    }
    if (rc || (rc = c.rc))
        goto done;
    *out_saved = true;
    if ((rc = ks_store_query(st, "SELECT finding_id, kind, role, value FROM finding_entities "
                             "ORDER BY rowid", NULL, 0, on_entity, &c, err)) || (rc = c.rc))
        goto done;
    if ((rc = ks_store_query(st, "SELECT fe.finding_id, e.id, e.time_ns, e.source, e.file, e.line, "
                             "e.offset FROM finding_events fe JOIN events e ON e.id = fe.event_id "
                             "ORDER BY fe.rowid", NULL, 0, on_event, &c, err)) || (rc = c.rc))
        goto done;
    if ((rc = ks_store_query(st, "SELECT id, records FROM findings", NULL, 0, on_total, &c, err)))
        goto done;
    rc = c.rc;
done:
    free(c.ids);
    return rc;
}
