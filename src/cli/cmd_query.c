/* cmd_query.c — `kanshiki query CASE "SQL"`: read-only SQL over the case. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/table.h"
#include "store/store.h"

static const ks_opt_spec opts[] = {
    {"format", 'f', "FMT", "table (default on a terminal), csv, json or jsonl", false},
    {"no-header", 0, NULL, "omit the header line (table, csv)", false},
    {"wide", 'w', NULL, "do not cut long cells in table output", false},
    {"param", 'p', "VALUE", "bind VALUE to the next ?N parameter of the SQL", true},
};

typedef struct qctx {
    ks_out *out;
    bool begun;
    int rc;
} qctx;

static int on_row(void *ctx, int ncols, const char *const *names, const char *const *vals,
                  const size_t *lens, const char *types)
{
    qctx *q = ctx;
    if (!vals) {
        q->begun = true;
        q->rc = ks_out_begin(q->out, ncols, names);
        return q->rc != 0;
    }
    q->rc = ks_out_row(q->out, vals, lens, types);
    return q->rc != 0;
}

static int run(int argc, char **argv)
{
    ks_opts o;
    int rc = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "query");
    if (rc)
        return rc < 0 ? KS_EXIT_OK : rc;
    if (o.npos != 2) {
        ks_cli_errorf("query: usage: kanshiki query CASE \"SQL\"");
        return KS_EXIT_USAGE;
    }
    ks_out_format fmt = KS_OUT_TABLE;
    const char *f = ks_opt_str(&o, "format");
    if (f && ks_out_format_parse(f, &fmt) != 0) {
        ks_cli_errorf("query: unknown --format '%s' (table, csv, json, jsonl)", f);
        return KS_EXIT_USAGE;
    }
    ks_err err;
    ks_err_clear(&err);
    ks_store *st = NULL;
    if ((rc = ks_store_open(&st, o.pos[0], KS_STORE_READ, &err))) {
        ks_cli_error(&err);
        return ks_cli_exit_for(rc);
    }
    ks_out_opts oo = {!ks_opt_flag(&o, "no-header"), 0, ks_opt_flag(&o, "wide")};
    qctx q = {0};
    if ((rc = ks_out_new(&q.out, stdout, fmt, &oo))) {
        ks_store_close(st);
        return KS_EXIT_INTERNAL;
    }
    const char *const *params = NULL;
    size_t np = ks_opt_all(&o, "param", &params);
    rc = ks_store_query(st, o.pos[1], params, np, on_row, &q, &err);
    int code = KS_EXIT_OK;
    if (rc) {
        ks_cli_error(&err);
        code = rc == KS_EUSAGE ? KS_EXIT_USAGE : KS_EXIT_INTERNAL;
    } else if (q.rc) {
        ks_cli_errorf("query: writing output failed");
        code = KS_EXIT_INTERNAL;
    }
    if (q.begun)
        ks_out_end(q.out);
    ks_out_free(q.out);
    ks_store_close(st);
    return code;
}

const ks_cmd ks_cmd_query = {
    "query",
    run,
    "run read-only SQL over a case",
    "CASE \"SQL\"",
    "Runs one SQL statement (SQLite dialect) against CASE/case.db and CASE/sources.db (the\n"
    "per-source tables, attached as schema sources) opened read-only: the case\n"
    "cannot be changed through this command. Main tables: events (the normalized timeline:\n"
    "time, time_desc, source, file, line, offset, host, actor, src_ip, action, target,\n"
    "outcome, account, region, message, raw, error), evidence, and one table per source\n"
    "type (e.g. cloudtrail, with Athena's column names). JSON columns are read with ->>:\n"
    "  kanshiki query CASE \"SELECT eventtime, eventname FROM cloudtrail\n"
    "                      WHERE useridentity->>'userName' = 'alice'\"\n"
    "Control characters from the evidence are escaped on output. See docs/case-schema.md.",
    opts,
    sizeof opts / sizeof opts[0],
};
