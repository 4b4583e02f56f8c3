/* fuzz_analyzers.c — hostile records through the web, database and host analyzers.
 *
 * Input: lines; each line is split on '\t' into fields and written through the store's sink
 * three ways, as a parser would: a web_access row (client_ip, method, path, query, url,
 * status, user_agent), a db_log row (user, host, db, sql, objects, auth_failure) and a host
 * event whose source is picked by the line's first byte (shell_history, crontab,
 * systemd_unit, syslog, auditd) with action, target and message from the fields. Times come
 * from the line number (some lines without time). Then every built-in analyzer runs.
 * Properties: no crash or leak; every finding has an analyzer, a title and a known layer and
 * severity; its references are at most KS_FINDING_MAX_REFS, point at events that exist, and
 * first_seen <= last_seen. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze.h"
#include "core/time.h"
#include "store/store.h"

#define MAX_LINES 400
#define NF 7

static const ks_column web_cols[] = {
    {"client_ip", KS_COL_TEXT, ""}, {"method", KS_COL_TEXT, ""}, {"path", KS_COL_TEXT, ""},
    {"query", KS_COL_TEXT, ""},     {"url", KS_COL_TEXT, ""},    {"status", KS_COL_TEXT, ""},
    {"user_agent", KS_COL_TEXT, ""},
};
static const ks_table_def web_table = {"web_access", "fuzz", web_cols, 7};
static const ks_column db_cols[] = {
    {"user", KS_COL_TEXT, ""}, {"host", KS_COL_TEXT, ""},    {"db", KS_COL_TEXT, ""},
    {"sql", KS_COL_TEXT, ""},  {"objects", KS_COL_TEXT, ""}, {"auth_failure", KS_COL_TEXT, ""},
};
static const ks_table_def db_table = {"db_log", "fuzz", db_cols, 6};
static const char *const host_sources[] = {"shell_history", "crontab", "systemd_unit", "syslog",
                                           "auditd"};

typedef struct line {
    ks_str f[NF];
    int64_t t;
    int64_t no;
    unsigned char kind;
} line;

static size_t split(const uint8_t *data, size_t size, line *out)
{
    size_t n = 0, i = 0;
    while (i < size && n < MAX_LINES) {
        size_t e = i;
        while (e < size && data[e] != '\n')
            e++;
        line *l = &out[n];
        memset(l, 0, sizeof *l);
        l->no = (int64_t)n + 1;
        l->kind = i < e ? data[i] : 0;
        /* a line starting with '#' has no time (like a shell history) */
        l->t = l->kind == '#' ? KS_TIME_NONE
                              : 1795000000LL * KS_NS_PER_SEC + (int64_t)n * 600 * KS_NS_PER_SEC;
        size_t k = 0, s = i;
        for (size_t j = i; j <= e && k < NF; j++)
            if (j == e || data[j] == '\t') {
                l->f[k++] = (ks_str){(const char *)data + s, j - s};
                s = j + 1;
            }
        n++;
        i = e + 1;
    }
    return n;
}

static ks_val tv(ks_str s)
{
    return s.p ? ks_v_text(s) : ks_v_null();
}

static int write_all(ks_store *st, const line *ls, size_t n, ks_err *err)
{
    ks_sink *sink = NULL;
    for (int pass = 0; pass < 3; pass++) {
        const char *src = pass == 0 ? "web_access" : pass == 1 ? "mysql_audit" : "host";
        ks_evidence_info ev = {src, src, NULL, src, 1, ""};
        for (size_t i = 0; i < n; i++) {
            const line *l = &ls[i];
            if (pass == 2) {
                /* a member per host source, as host parsers would write them */
                const char *hs = host_sources[l->kind % 5];
                ks_evidence_info hev = {hs, hs, NULL, hs, 1, ""};
                if ((sink && ks_store_member_end(st, sink, "parsed", NULL, err)) ||
                    ks_store_member_begin(st, &hev, hs, &sink, err))
                    return -1;
            } else if (i == 0 && ks_store_member_begin(st, &ev, src, &sink, err)) {
                return -1;
            }
            ks_event e;
            ks_event_init(&e);
            e.time = l->t;
            e.time_desc = "event";
            e.line = l->no;
            int rc;
            if (pass == 0) {
                ks_val v[7];
                for (int k = 0; k < 7; k++)
                    v[k] = tv(l->f[k]);
                e.src_ip = l->f[0];
                rc = ks_sink_event(sink, &e, &web_table, v, err);
            } else if (pass == 1) {
                ks_val v[6];
                for (int k = 0; k < 6; k++)
                    v[k] = tv(l->f[k]);
                rc = ks_sink_event(sink, &e, &db_table, v, err);
            } else {
                e.action = l->f[1];
                e.actor = l->f[2];
                e.src_ip = l->f[3];
                e.target = l->f[4];
                e.message = l->f[5];
                e.raw = l->f[6];
                e.host = l->f[0];
                rc = ks_sink_event(sink, &e, NULL, NULL, err);
            }
            if (rc)
                return -1;
        }
        if (sink && ks_store_member_end(st, sink, "parsed", NULL, err))
            return -1;
        sink = NULL;
    }
    return ks_store_commit(st, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static line ls[MAX_LINES];
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    size_t n = split(data, size, ls);
    if (!n)
        return 0;
    if (ks_store_open_memory(&st, &err) != 0 || write_all(st, ls, n, &err) != 0)
        abort();
    ks_findings fs;
    ks_findings_init(&fs);
    if (ks_analyze_case(st, KS_TIME_NONE, KS_TIME_NONE, &fs, &err) != 0)
        abort();
    int64_t max_id = (int64_t)n * 3 + 1;
    for (size_t i = 0; i < fs.n; i++) {
        const ks_finding *f = fs.v[i];
        if (!f->analyzer || !f->title || !f->layer || f->sev > KS_SEV_CRITICAL ||
            f->nrefs > KS_FINDING_MAX_REFS || f->nents > KS_FINDING_MAX_ENTS)
            abort();
        if (strcmp(f->layer, "web") && strcmp(f->layer, "database") && strcmp(f->layer, "host") &&
            strcmp(f->layer, "cloud"))
            abort();
        if (f->first_seen != KS_TIME_NONE && f->last_seen < f->first_seen)
            abort();
        for (size_t k = 0; k < f->nrefs; k++)
            if (f->refs[k].event_id < 1 || f->refs[k].event_id > max_id)
                abort();
    }
    ks_findings_free(&fs);
    ks_store_close(st);
    return 0;
}
