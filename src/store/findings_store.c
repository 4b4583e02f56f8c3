/* findings_store.c — writing findings into the case (see store.h, docs/case-schema.md).
 *
 * Goes through ks_store_query with bound parameters like every other reader of the case,
 * so it needs nothing of the SQLite backend's internals. */
#include <stdio.h>
#include <stdlib.h>

#include "core/time.h"
#include "store/store.h"

static const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS findings(id INTEGER PRIMARY KEY, analyzer TEXT, layer TEXT, "
    "severity TEXT, severity_rank INTEGER, title TEXT, explanation TEXT, first_seen TEXT, "
    "last_seen TEXT, first_seen_ns INTEGER, last_seen_ns INTEGER, records INTEGER, chain INTEGER)",
    "CREATE TABLE IF NOT EXISTS finding_entities(finding_id INTEGER REFERENCES findings(id), "
    "kind TEXT, role TEXT, value TEXT)",
    "CREATE TABLE IF NOT EXISTS finding_events(finding_id INTEGER REFERENCES findings(id), "
    "event_id INTEGER)",
    "CREATE INDEX IF NOT EXISTS finding_entities_value ON finding_entities(value)",
    "CREATE INDEX IF NOT EXISTS finding_events_finding ON finding_events(finding_id)",
};

static int ignore_rows(void *ctx, int ncols, const char *const *names, const char *const *vals,
                       const size_t *lens, const char *types)
{
    return 0;
}

static int take_id(void *ctx, int ncols, const char *const *names, const char *const *vals,
                   const size_t *lens, const char *types)
{
    if (vals && ncols > 0 && vals[0])
        *(int64_t *)ctx = strtoll(vals[0], NULL, 10);
    return 0;
}

static int run(ks_store *st, const char *sql, const char *const *p, size_t n, ks_err *err)
{
    return ks_store_query(st, sql, p, n, ignore_rows, NULL, err);
}

int ks_store_findings_begin(ks_store *st, ks_err *err)
{
    int rc = run(st, "BEGIN", NULL, 0, err);
    for (size_t i = 0; !rc && i < sizeof schema / sizeof schema[0]; i++)
        rc = run(st, schema[i], NULL, 0, err);
    if (!rc)
        rc = run(st, "DELETE FROM finding_entities", NULL, 0, err);
    if (!rc)
        rc = run(st, "DELETE FROM finding_events", NULL, 0, err);
    if (!rc)
        rc = run(st, "DELETE FROM findings", NULL, 0, err);
    if (rc) {
        ks_err e2;
        run(st, "ROLLBACK", NULL, 0, &e2);
    }
    return rc;
}

static void iso(int64_t ns, char out[48])
{
    /* the same text form as events.time: 9 fraction digits and Z */
    ks_time_format(ns, NULL, 9, out, 48);
}

int ks_store_finding_add(ks_store *st, const ks_store_finding *f, int64_t *out_id, ks_err *err)
{
    char rank[8], fs[48], ls[48], fns[32], lns[32], nrec[32], chain[32];
    snprintf(rank, sizeof rank, "%d", f->severity_rank);
    iso(f->first_ns, fs);
    iso(f->last_ns, ls);
    snprintf(fns, sizeof fns, "%lld", (long long)f->first_ns);
    snprintf(lns, sizeof lns, "%lld", (long long)f->last_ns);
    snprintf(nrec, sizeof nrec, "%lld", (long long)f->nrecords);
    snprintf(chain, sizeof chain, "%lld", (long long)f->chain);
    const char *p[] = {f->analyzer, f->layer, f->severity, rank, f->title, f->explanation,
                       fs[0] ? fs : NULL, ls[0] ? ls : NULL, fs[0] ? fns : NULL,
                       ls[0] ? lns : NULL, nrec, f->chain ? chain : NULL};
    int64_t id = -1;
    int rc = ks_store_query(st,
        "INSERT INTO findings(analyzer, layer, severity, severity_rank, title, explanation, "
        "first_seen, last_seen, first_seen_ns, last_seen_ns, records, chain) VALUES(?1, ?2, ?3, "
        "CAST(?4 AS INTEGER), ?5, ?6, ?7, ?8, CAST(?9 AS INTEGER), CAST(?10 AS INTEGER), "
        "CAST(?11 AS INTEGER), CAST(?12 AS INTEGER)) RETURNING id",
        p, sizeof p / sizeof p[0], take_id, &id, err);
    if (!rc)
        *out_id = id;
    return rc;
}

int ks_store_finding_entity(ks_store *st, int64_t finding_id, const char *kind, const char *role,
                            const char *value, ks_err *err)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)finding_id);
    const char *p[] = {id, kind, role, value};
    return run(st, "INSERT INTO finding_entities VALUES(CAST(?1 AS INTEGER), ?2, ?3, ?4)", p, 4, err);
}

int ks_store_finding_event(ks_store *st, int64_t finding_id, int64_t event_id, ks_err *err)
{
    char id[32], ev[32];
    snprintf(id, sizeof id, "%lld", (long long)finding_id);
    snprintf(ev, sizeof ev, "%lld", (long long)event_id);
    const char *p[] = {id, ev};
    return run(st, "INSERT INTO finding_events VALUES(CAST(?1 AS INTEGER), CAST(?2 AS INTEGER))",
               p, 2, err);
}

int ks_store_findings_end(ks_store *st, bool ok, ks_err *err)
{
    if (ok)
        return run(st, "COMMIT", NULL, 0, err);
    ks_err e2;
    run(st, "ROLLBACK", NULL, 0, &e2);
    return 0;
}
