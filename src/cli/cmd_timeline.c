/* cmd_timeline.c — `kanshiki timeline CASE`: one time-ordered view across all sources. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/table.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/time.h"
#include "store/store.h"

static const ks_opt_spec opts[] = {
    {"from", 0, "TIME", "first time shown (ISO 8601; without an offset it is read in --tz)", false},
    {"to", 0, "TIME", "last time shown, exclusive (same rules as --from)", false},
    {"tz", 0, "ZONE", "show times in ZONE (Asia/Tokyo, JST, +09:00, UTC; default UTC)", false},
    {"format", 'f', "FMT", "table, csv, json, jsonl or timesketch (JSONL for Timesketch import)", false},
    {"source", 's', "NAME", "only events of this source type", true},
    {"limit", 'n', "N", "at most N events", false},
    {"errors", 0, NULL, "include records that failed to parse (they have no time: listed last)", false},
    {"wide", 'w', NULL, "do not cut long cells in table output", false},
};

enum { T_NS, T_DESC, T_SOURCE, T_HOST, T_ACTOR, T_IP, T_ACTION, T_TARGET, T_OUTCOME, T_ACCOUNT,
       T_REGION, T_MESSAGE, T_FILE, T_LINE, T_OFFSET, T_ID, T_NCOLS };

typedef struct tctx {
    ks_out *out;
    ks_tz *tz;
    bool timesketch;
    bool table;
    int rc;
    ks_buf line;
} tctx;

static const char *const out_names[] = {"time", "time_desc", "source", "host", "actor", "src_ip",
                                        "action", "target", "outcome", "account", "region",
                                        "message", "file", "line", "offset", "event_id"};
static const char *const table_names[] = {"time", "source", "actor", "src_ip", "action",
                                          "target", "outcome", "message"};
static const int table_cols[] = {T_NS, T_SOURCE, T_ACTOR, T_IP, T_ACTION, T_TARGET, T_OUTCOME,
                                 T_MESSAGE};

static void json_field(ks_buf *b, const char *key, const char *v, size_t n, bool num)
{
    if (!v)
        return;
    ks_buf_printf(b, ",\"%s\":", key);
    if (num)
        ks_buf_append(b, v, n);
    else
        ks_escape_json(b, v, n);
}

static int on_row(void *ctx, int ncols, const char *const *names, const char *const *vals,
                  const size_t *lens, const char *types)
{
    tctx *t = ctx;
    if (!vals)
        return 0;
    char ts[48] = "";
    int64_t ns = KS_TIME_NONE;
    if (vals[T_NS]) {
        ns = strtoll(vals[T_NS], NULL, 10);
        ks_time_format(ns, t->tz, t->table ? -1 : 9, ts, sizeof ts);
    }
    if (t->timesketch) {
        ks_buf *b = &t->line;
        ks_buf_reset(b);
        ks_buf_puts(b, "{\"message\":");
        ks_escape_json(b, vals[T_MESSAGE] ? vals[T_MESSAGE] : "", vals[T_MESSAGE] ? lens[T_MESSAGE] : 0);
        ks_buf_puts(b, ",\"datetime\":");
        ks_escape_json(b, ts, strlen(ts));
        if (ns != KS_TIME_NONE)
            ks_buf_printf(b, ",\"timestamp\":%lld", (long long)(ns / 1000));
        ks_buf_puts(b, ",\"timestamp_desc\":");
        const char *desc = vals[T_DESC] ? vals[T_DESC] : "event";
        ks_escape_json(b, desc, strlen(desc));
        for (int i = T_SOURCE; i < T_NCOLS; i++) {
            if (i == T_MESSAGE)
                continue;
            json_field(b, out_names[i], vals[i], lens[i], types[i] == 'i');
        }
        ks_buf_puts(b, "}\n");
        if (fwrite(b->data, 1, b->len, stdout) != b->len)
            t->rc = KS_EIO;
        return t->rc != 0;
    }
    const char *v[T_NCOLS];
    size_t l[T_NCOLS];
    char ty[T_NCOLS];
    memcpy(v, vals, sizeof v);
    memcpy(l, lens, sizeof l);
    memcpy(ty, types, sizeof ty);
    v[T_NS] = ns != KS_TIME_NONE ? ts : NULL;
    l[T_NS] = strlen(ts);
    ty[T_NS] = ns != KS_TIME_NONE ? 't' : 'n';
    if (t->table) {
        const char *tv[8];
        size_t tl[8];
        char tt[8];
        for (int i = 0; i < 8; i++) {
            tv[i] = v[table_cols[i]];
            tl[i] = l[table_cols[i]];
            tt[i] = ty[table_cols[i]];
        }
        t->rc = ks_out_row(t->out, tv, tl, tt);
    } else {
        t->rc = ks_out_row(t->out, v, l, ty);
    }
    return t->rc != 0;
}

static int parse_bound(const char *s, const ks_tz *tz, int64_t *out)
{
    if (ks_time_parse_iso8601(s, strlen(s), tz, out) == 0)
        return 0;
    return ks_time_parse_epoch(s, strlen(s), 0, out);
}

static int run(int argc, char **argv)
{
    ks_opts o;
    int rc = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "timeline");
    if (rc)
        return rc < 0 ? KS_EXIT_OK : rc;
    if (o.npos != 1) {
        ks_cli_errorf("timeline: usage: kanshiki timeline CASE [--from T] [--to T] [--tz ZONE]");
        return KS_EXIT_USAGE;
    }
    ks_err err;
    ks_err_clear(&err);
    tctx t = {0};
    ks_buf sql;
    ks_buf_init(&sql, 1 << 16);
    ks_buf_init(&t.line, 1 << 26);
    ks_store *st = NULL;
    int code = KS_EXIT_OK;
    const char *params[KS_MAX_REPEAT + 4];
    char pbuf[3][32];
    size_t np = 0;

    const char *zone = ks_opt_str(&o, "tz");
    if (zone && ks_tz_load(&t.tz, zone, &err) != 0) {
        ks_cli_error(&err);
        code = KS_EXIT_USAGE;
        goto done;
    }
    const char *fmt = ks_opt_str(&o, "format");
    ks_out_format of = KS_OUT_TABLE;
    if (fmt && !strcmp(fmt, "timesketch")) {
        t.timesketch = true;
    } else if (fmt && ks_out_format_parse(fmt, &of) != 0) {
        ks_cli_errorf("timeline: unknown --format '%s' (table, csv, json, jsonl, timesketch)", fmt);
        code = KS_EXIT_USAGE;
        goto done;
    }
    t.table = !t.timesketch && of == KS_OUT_TABLE;

    ks_buf_puts(&sql, "SELECT time_ns, time_desc, source, host, actor, src_ip, action, target, "
                      "outcome, account, region, message, file, line, offset, id FROM events WHERE ");
    ks_buf_puts(&sql, ks_opt_flag(&o, "errors") ? "1" : "time_ns IS NOT NULL AND error IS NULL");
    const char *names[2] = {"from", "to"};
    for (int i = 0; i < 2; i++) {
        const char *s = ks_opt_str(&o, names[i]);
        if (!s)
            continue;
        int64_t ns;
        if (parse_bound(s, t.tz, &ns) != 0) {
            ks_cli_errorf("timeline: --%s: cannot read '%s' as a time (e.g. 2026-11-01T09:00:00+09:00)",
                          names[i], s);
            code = KS_EXIT_USAGE;
            goto done;
        }
        snprintf(pbuf[i], sizeof pbuf[i], "%lld", (long long)ns);
        params[np++] = pbuf[i];
        ks_buf_printf(&sql, " AND time_ns %s ?%zu", i == 0 ? ">=" : "<", np);
    }
    const char *const *srcs = NULL;
    size_t ns_ = ks_opt_all(&o, "source", &srcs);
    if (ns_) {
        ks_buf_puts(&sql, " AND source IN (");
        for (size_t i = 0; i < ns_; i++) {
            params[np++] = srcs[i];
            ks_buf_printf(&sql, "%s?%zu", i ? "," : "", np);
        }
        ks_buf_puts(&sql, ")");
    }
    ks_buf_puts(&sql, " ORDER BY time_ns IS NULL, time_ns, id");
    const char *lim = ks_opt_str(&o, "limit");
    if (lim) {
        char *end = NULL;
        long long n = strtoll(lim, &end, 10);
        if (!*lim || *end || n < 0) {
            ks_cli_errorf("timeline: --limit expects a number, got '%s'", lim);
            code = KS_EXIT_USAGE;
            goto done;
        }
        snprintf(pbuf[2], sizeof pbuf[2], "%lld", n);
        params[np++] = pbuf[2];
        ks_buf_printf(&sql, " LIMIT ?%zu", np);
    }

    if ((rc = ks_store_open(&st, o.pos[0], KS_STORE_READ, &err))) {
        ks_cli_error(&err);
        code = ks_cli_exit_for(rc);
        goto done;
    }
    if (!t.timesketch) {
        ks_out_opts oo = {true, 0, ks_opt_flag(&o, "wide")};
        if (ks_out_new(&t.out, stdout, of, &oo) != 0) {
            code = KS_EXIT_INTERNAL;
            goto done;
        }
        if (t.table)
            ks_out_begin(t.out, 8, table_names);
        else
            ks_out_begin(t.out, T_NCOLS, out_names);
    }
    rc = ks_store_query(st, sql.data, params, np, on_row, &t, &err);
    if (rc) {
        ks_cli_error(&err);
        code = ks_cli_exit_for(rc);
    } else if (t.rc) {
        ks_cli_errorf("timeline: writing output failed");
        code = KS_EXIT_INTERNAL;
    }
    if (t.out)
        ks_out_end(t.out);
done:
    ks_out_free(t.out);
    ks_tz_free(t.tz);
    ks_store_close(st);
    ks_buf_free(&sql);
    ks_buf_free(&t.line);
    return code;
}

const ks_cmd ks_cmd_timeline = {
    "timeline",
    run,
    "print one timeline sorted across all sources",
    "CASE [--from TIME] [--to TIME] [--tz ZONE] [--format FMT]",
    "Prints the case's events in time order across every source. Times are stored in UTC and\n"
    "shown in --tz (for example --tz Asia/Tokyo); --from/--to without an explicit offset are\n"
    "read in that zone too. Formats: table, csv, json, jsonl, and timesketch (JSON lines with\n"
    "message, datetime, timestamp in microseconds and timestamp_desc, as Timesketch imports).",
    opts,
    sizeof opts / sizeof opts[0],
};
