/* fuzz_dblog.c — every database log reader on arbitrary lines. The first byte picks the
 * format (and, for PostgreSQL, one of a few log_line_prefix values). Properties: each
 * record names a line that was fed, in non-decreasing order; its text is bounded; after
 * finish, every fed non-empty line is accounted for by some record (nothing lost).
 * The same bytes then go through the sources that write db_log and db_dump into an
 * in-memory case: mysql_audit_json (never fails on content), db_dump (always exactly one
 * dump record, plus one error record per unreadable INSERT) and the per-line entry point
 * used inside CloudWatch (ks_db_lines). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "db/dblog.h"
#include "parsers/db/db_parsers.h"
#include "parsers/db/dump_parser.h"
#include "store/store.h"

typedef struct st {
    int64_t last_line;
    int64_t max_line;
    uint64_t n;
} st;

static int cb(void *ctx, const ks_dblog_rec *r)
{
    st *s = ctx;
    if (r->line < 1 || r->line > s->max_line || r->line < s->last_line)
        abort();
    if (r->sql.n > KS_DBLOG_MAX_RECORD || r->message.n > KS_DBLOG_MAX_RECORD)
        abort();
    if (r->bad && !r->why)
        abort();
    s->last_line = r->line;
    s->n++;
    return 0;
}

static void as_sources(const uint8_t *data, size_t size, ks_dblog_format f)
{
    ks_store *stp = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_store_open_memory(&stp, &err) != 0)
        abort();
    const ks_parser *ps[] = {&ks_parser_mysql_audit_json, &ks_parser_db_dump};
    for (size_t i = 0; i < 2; i++) {
        ks_evidence_info ev = {"fuzz.log", "fuzz.log", NULL, "0", (int64_t)size, ""};
        ks_sink *sink = NULL;
        if (ks_store_declare(stp, ps[i]->tables[0], &err) != 0 ||
            ks_store_member_begin(stp, &ev, ps[i]->name, &sink, &err) != 0)
            abort();
        ks_mem_input m;
        ks_input in;
        ks_input_mem(&in, &m, data, size, "fuzz.log");
        ks_parse_ctx ctx = {&in, "fuzz.log", sink, NULL, 0};
        if (ps[i]->parse(&ctx, &err) != 0)
            abort(); /* memory input: content problems are error records */
        if (ps[i] == &ks_parser_db_dump && ks_sink_records(sink) != 1)
            abort();
        ks_store_member_end(stp, sink, "parsed", NULL, &err);
    }
    /* lines of a server log inside a container */
    ks_evidence_info ev = {"fuzz.json", "fuzz.json", NULL, "0", (int64_t)size, ""};
    ks_sink *sink = NULL;
    ks_db_lines *dl = NULL;
    if (ks_store_member_begin(stp, &ev, "cloudwatch", &sink, &err) != 0 ||
        ks_db_lines_new(&dl, sink, f, &err) != 0)
        abort();
    size_t i = 0, lines = 0;
    while (i < size) {
        const uint8_t *e = memchr(data + i, '\n', size - i);
        size_t L = e ? (size_t)(e - data - i) : size - i;
        if (ks_db_lines_feed(dl, (const char *)data + i, L, 7, 100) != 0)
            abort();
        lines += L > 0;
        i += L + 1;
    }
    if (ks_db_lines_finish(dl) != 0)
        abort();
    ks_db_lines_free(dl);
    if ((size_t)(ks_sink_records(sink) + ks_sink_errors(sink)) > lines)
        abort(); /* a record per line at most */
    ks_store_member_end(stp, sink, "parsed", NULL, &err);
    ks_store_close(stp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const prefixes[] = {KS_DBLOG_RDS_PG_PREFIX, "%m [%p] %q%u@%d ", "%t ",
                                           "%n|%h|%a|%e|%l|%%|"};
    ks_dblog_format f = (ks_dblog_format)(1 + data[0] % 9);
    const char *prefix = prefixes[(data[0] / 9) % 4];
    st s = {0, 0, 0};
    ks_dblog *p = NULL;
    ks_err err;
    if (ks_dblog_new(&p, f, prefix, cb, &s, &err) != 0)
        return 0;
    const char *t = (const char *)data + 1;
    size_t n = size - 1, i = 0;
    int64_t lineno = 0;
    while (i < n) {
        const char *e = memchr(t + i, '\n', n - i);
        size_t L = e ? (size_t)(e - t - i) : n - i;
        s.max_line = ++lineno;
        ks_dblog_line(p, t + i, L, lineno, (int64_t)i);
        i += L + 1;
    }
    ks_dblog_finish(p);
    ks_dblog_free(p);
    as_sources(data + 1, size - 1, f);
    return 0;
}
