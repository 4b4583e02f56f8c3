/* db_parsers.c — the database log readers of src/db/dblog.c as ks_parser entries:
 *   mysql_general, mysql_general_csv, mysql_slow, mysql_error, mysql_audit, mysql_audit_xml,
 *   pg_stderr, pg_csv, pg_json
 * Each feeds the member's lines to ks_dblog and turns every record into a normalized event
 * (actor user, src_ip host, action the command/verb, target the first object, message the
 * statement) plus a row of its per-source table with the statement's class, objects and
 * fingerprint. Unparsable records become ks_sink_error entries with line and offset.
 * All nine write the one `db_log` table (the formats share their fields), with the source
 * type in events.source.
 */
#include "parsers/db/db_parsers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "db/dblog.h"
#include "db/sql_fingerprint.h"
#include "db/sql_lex.h"
#include "parsers/lineloop.h"
#include "parsers/parser.h"
#include "parsers/sniff.h"
#include "store/store.h"

static const ks_column k_cols[] = {
    {"conn_id", KS_COL_INT, "thread / connection id (PostgreSQL: backend pid)"},
    {"user", KS_COL_TEXT, "database user"},
    {"host", KS_COL_TEXT, "client host or address"},
    {"db", KS_COL_TEXT, "current database"},
    {"command", KS_COL_TEXT, "log command: Query, Connect, QUERY, FAILED_CONNECT, LOG, ..."},
    {"severity", KS_COL_TEXT, "error-log severity / PostgreSQL level"},
    {"code", KS_COL_TEXT, "error code, audit retcode or SQLSTATE"},
    {"sql", KS_COL_TEXT, "the statement"},
    {"sql_class", KS_COL_TEXT, "read, write, ddl, dcl, admin, session"},
    {"sql_verb", KS_COL_TEXT, "SELECT, DROP TABLE, GRANT, ..."},
    {"objects", KS_COL_TEXT, "objects touched: action:db.table, space separated"},
    {"fingerprint", KS_COL_TEXT, "statement with literals replaced"},
    {"fingerprint_id", KS_COL_TEXT, "16 hex digits grouping equal fingerprints"},
    {"query_time", KS_COL_REAL, "seconds (slow log, PostgreSQL duration)"},
    {"rows_examined", KS_COL_INT, "slow log"},
    {"auth_failure", KS_COL_INT, "1 for access denied / failed password"},
    {"audit_class", KS_COL_TEXT, "pgaudit class (READ, WRITE, DDL, ROLE, ...)"},
    {"message", KS_COL_TEXT, "free text of the record"},
};
#define NCOLS (sizeof k_cols / sizeof k_cols[0])

const ks_table_def ks_db_log_table = {"db_log", "database server logs: general, slow, error, "
                                     "audit (MySQL/MariaDB) and PostgreSQL with pgaudit",
                                     k_cols, NCOLS};
static const ks_table_def *const k_tables[] = {&ks_db_log_table, NULL};

typedef struct glue {
    ks_parse_ctx *ctx;
    ks_err *err;
    int fatal;
} glue;

static int on_record(void *vg, const ks_dblog_rec *r)
{
    glue *g = vg;
    if (ks_db_log_write(g->ctx->sink, r, KS_STR_NULL, g->err))
        g->fatal = 1;
    return g->fatal;
}

int ks_db_log_write(ks_sink *sink, const ks_dblog_rec *r, ks_str record, ks_err *err)
{
    int rc = 0;
    if (r->bad) {
        ks_str raw = record.p ? record : r->sql.n ? r->sql : r->message;
        return ks_sink_error(sink, r->line, r->offset, r->why, raw.p, raw.n, err);
    }
    ks_sql_info info;
    memset(&info, 0, sizeof info);
    ks_buf objs, fp;
    ks_buf_init(&objs, 1 << 16);
    ks_buf_init(&fp, 1 << 20);
    char fpid[17] = "";
    ks_sql_dialect d = (r->format == KS_DBLOG_PG_STDERR || r->format == KS_DBLOG_PG_CSV ||
                        r->format == KS_DBLOG_PG_JSON) ? KS_SQL_PG : KS_SQL_MYSQL;
    if (r->sql.n) {
        ks_sql_analyze(&info, r->sql.p, r->sql.n, d);
        for (size_t i = 0; i < info.nobj; i++)
            ks_buf_printf(&objs, "%s%s:%s%s%s", i ? " " : "", ks_sql_action_name(info.obj[i].action),
                          info.obj[i].schema, info.obj[i].schema[0] ? "." : "", info.obj[i].name);
        if (ks_sql_fingerprint(&fp, r->sql.p, r->sql.n, d) == 0 && fp.data)
            snprintf(fpid, sizeof fpid, "%016llx",
                     (unsigned long long)ks_sql_fingerprint_id(fp.data, fp.len));
    }
    ks_event ev;
    ks_event_init(&ev);
    ev.time_desc = "event";
    if (r->time[0] && ks_time_parse_iso8601(r->time, strlen(r->time), NULL, &ev.time) != 0)
        ev.time = KS_TIME_NONE;
    ev.line = r->line;
    ev.offset = r->offset;
    ev.actor = ks_str_c(r->user);
    ev.src_ip = ks_str_c(r->host);
    ev.action = info.verb[0] ? ks_str_c(info.verb) : ks_str_c(r->command);
    if (info.nobj)
        ev.target = ks_str_c(info.obj[0].name);
    ev.outcome = r->auth_failure ? ks_str_c("failure") : KS_STR_NULL;
    ev.message = r->sql.n ? r->sql : r->message;
    /* The reader hands over fields, not the line: raw is the record rebuilt from all of
     * them (time, connection, user@host, database, command, severity, code, text). */
    ks_buf raw;
    ks_buf_init(&raw, (size_t)1 << 24);
    ks_buf_printf(&raw, "%s [%lld] %s@%s db=%s %s%s%s%s%s: ", r->time, (long long)r->conn_id,
                  r->user, r->host, r->db, r->command, r->severity[0] ? " " : "", r->severity,
                  r->code[0] ? " " : "", r->code);
    if (r->sql.n)
        ks_buf_append(&raw, r->sql.p, r->sql.n);
    else if (r->message.n)
        ks_buf_append(&raw, r->message.p, r->message.n);
    ev.raw = record.p ? record : (ks_str){raw.data ? raw.data : "", raw.len};
    ks_val v[NCOLS];
    v[0] = r->conn_id >= 0 ? ks_v_int(r->conn_id) : ks_v_null();
    v[1] = ks_v_text(ks_str_c(r->user));
    v[2] = ks_v_text(ks_str_c(r->host));
    v[3] = ks_v_text(ks_str_c(r->db));
    v[4] = ks_v_text(ks_str_c(r->command));
    v[5] = ks_v_text(ks_str_c(r->severity));
    v[6] = ks_v_text(ks_str_c(r->code));
    v[7] = r->sql.n ? ks_v_text(r->sql) : ks_v_null();
    v[8] = r->sql.n ? ks_v_text(ks_str_c(ks_sql_class_name(info.cls))) : ks_v_null();
    v[9] = r->sql.n ? ks_v_text(ks_str_c(info.verb)) : ks_v_null();
    v[10] = objs.len ? ks_v_text((ks_str){objs.data, objs.len}) : ks_v_null();
    v[11] = fp.len ? ks_v_text((ks_str){fp.data, fp.len}) : ks_v_null();
    v[12] = fpid[0] ? ks_v_text(ks_str_c(fpid)) : ks_v_null();
    v[13] = r->query_time >= 0 ? ks_v_real(r->query_time) : ks_v_null();
    v[14] = r->rows_examined >= 0 ? ks_v_int(r->rows_examined) : ks_v_null();
    v[15] = ks_v_int(r->auth_failure);
    v[16] = ks_v_text(ks_str_c(r->audit_class));
    v[17] = r->message.n ? ks_v_text(r->message) : ks_v_null();
    rc = ks_sink_event(sink, &ev, &ks_db_log_table, v, err);
    ks_buf_free(&raw);
    ks_buf_free(&objs);
    ks_buf_free(&fp);
    return rc;
}

typedef struct dl_loop {
    ks_parse_ctx *ctx;
    ks_dblog *p;
    glue *g;
    bool stopped; /* the store failed: the reader is not finished */
} dl_loop;

/* The reader takes each line whole ('\r' and blanks are the formats' business). */
static int dblog_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    (void)n;
    dl_loop *l = arg;
    if (ln->too_long)
        ks_sink_warn(l->ctx->sink, ln->lineno, ln->offset, "line longer than 1 MiB, cut");
    if (ks_dblog_line(l->p, ln->p, ln->n, ln->lineno, ln->offset) && l->g->fatal) {
        l->stopped = true;
        return err->code ? err->code : KS_EDB;
    }
    return 0;
}

static int parse_as(ks_parse_ctx *ctx, ks_err *err, ks_dblog_format f)
{
    glue g = {ctx, err, 0};
    dl_loop l = {.ctx = ctx, .g = &g};
    const char *prefix = ks_parse_opt(ctx->opts, "log_line_prefix");
    /* No prefix given: the reader recognises the common ones from the first lines. */
    int rc = ks_dblog_new(&l.p, f, prefix, on_record, &g, err);
    if (rc)
        goto done;
    /* After an input failure the reader still hands over the records it holds. */
    rc = ks_lineloop(ctx->in, (size_t)1 << 20, 0, dblog_line, &l, err);
    if (!l.stopped && ks_dblog_finish(l.p) && g.fatal)
        rc = err->code ? err->code : KS_EDB;
done:
    ks_dblog_free(l.p);
    return rc;
}

static int parse_general(ks_parse_ctx *c, ks_err *e) { return parse_as(c, e, KS_DBLOG_MYSQL_GENERAL); }
static int parse_slow(ks_parse_ctx *c, ks_err *e) { return parse_as(c, e, KS_DBLOG_MYSQL_SLOW); }
static int parse_error(ks_parse_ctx *c, ks_err *e) { return parse_as(c, e, KS_DBLOG_MYSQL_ERROR); }
static int parse_audit(ks_parse_ctx *c, ks_err *e) { return parse_as(c, e, KS_DBLOG_MYSQL_AUDIT); }
static int parse_pg(ks_parse_ctx *c, ks_err *e) { return parse_as(c, e, KS_DBLOG_PG_STDERR); }
static int parse_general_csv(ks_parse_ctx *c, ks_err *e) { return parse_as(c, e, KS_DBLOG_MYSQL_GENERAL_CSV); }
static int parse_pg_csv(ks_parse_ctx *c, ks_err *e) { return parse_as(c, e, KS_DBLOG_PG_CSV); }
static int parse_pg_json(ks_parse_ctx *c, ks_err *e) { return parse_as(c, e, KS_DBLOG_PG_JSON); }
static int parse_audit_xml(ks_parse_ctx *c, ks_err *e) { return parse_as(c, e, KS_DBLOG_MYSQL_AUDIT_XML); }

typedef struct trial_ctx {
    int good, bad;
} trial_ctx;

static int trial_cb(void *ctx, const ks_dblog_rec *r)
{
    trial_ctx *t = ctx;
    if (r->bad)
        t->bad++;
    else
        t->good++;
    return 0;
}

/* The format's own reader over the first complete lines of the head: the file is taken for
 * this format only when most of what it reads are records (a document that merely quotes a
 * log line, or another tool's output, is not). */
static bool trial_reads(const uint8_t *h, size_t n, ks_dblog_format f)
{
    trial_ctx t = {0, 0};
    ks_dblog *p = NULL;
    if (ks_dblog_new(&p, f, NULL, trial_cb, &t, NULL) != 0)
        return false;
    size_t i = 0;
    for (int ln = 1; ln <= 40 && i < n; ln++) {
        const uint8_t *e = memchr(h + i, '\n', n - i);
        if (!e)
            break; /* the head may cut the last line */
        ks_dblog_line(p, (const char *)h + i, (size_t)(e - (h + i)), ln, (int64_t)i);
        i = (size_t)(e - h) + 1;
    }
    ks_dblog_finish(p);
    ks_dblog_free(p);
    return t.good > 0 && t.bad <= t.good;
}

static bool has_markers(const uint8_t *h, size_t n, ks_dblog_format f)
{
    switch (f) {
    case KS_DBLOG_MYSQL_SLOW:
        return ks_sniff_has(h, n, "# Query_time:") || ks_sniff_has(h, n, "# User@Host:");
    case KS_DBLOG_MYSQL_ERROR:
        return ks_sniff_has(h, n, "[Note]") || ks_sniff_has(h, n, "[Warning]") ||
               ks_sniff_has(h, n, "[ERROR]") || ks_sniff_has(h, n, "[System]");
    case KS_DBLOG_MYSQL_AUDIT:
        return ks_sniff_has(h, n, ",QUERY,") || ks_sniff_has(h, n, ",CONNECT,");
    case KS_DBLOG_PG_STDERR:
        return ks_sniff_has(h, n, " LOG:  ") || ks_sniff_has(h, n, " FATAL:  ") ||
               ks_sniff_has(h, n, " ERROR:  ") || ks_sniff_has(h, n, "]:LOG:  ") ||
               ks_sniff_has(h, n, "]:ERROR:  ");
    default:
        return false;
    }
}

/* Whether the first non-blank line of a head contains needle. */
static bool first_line_has(const uint8_t *h, size_t n, const char *needle)
{
    while (n && (*h == ' ' || *h == '\t' || *h == '\r' || *h == '\n'))
        h++, n--;
    const uint8_t *nl = memchr(h, '\n', n);
    size_t len = nl ? (size_t)(nl - h) : n;
    return memmem(h, len, needle, strlen(needle)) != NULL;
}

static int sniff_for(const uint8_t *h, size_t n, ks_dblog_format f)
{
    /* JSON documents (e.g. other tools' output quoting log lines) are not text logs. */
    int c = ks_sniff_first_char(h, n);
    if ((c == '{' || c == '[') && f != KS_DBLOG_PG_JSON)
        return 0;
    if (f == KS_DBLOG_PG_JSON && (c != '{' || !first_line_has(h, n, "\"error_severity\"")))
        return 0; /* every jsonlog record has it; other JSON is rejected without a trial read */
    ks_dblog_format first = ks_dblog_sniff((const char *)h, n);
    if (first == KS_DBLOG_UNKNOWN)
        return 0;
    if (first == f)
        return trial_reads(h, n, f) ? 70 : 0;
    /* The markers pointed at another DB format whose reader rejects the content (e.g. an
     * error log with one general-log line on top): this format may still read it, when its
     * own markers are there too. */
    return has_markers(h, n, f) && !trial_reads(h, n, first) && trial_reads(h, n, f) ? 55 : 0;
}
static int sniff_general(const uint8_t *h, size_t n, const char *name) { return sniff_for(h, n, KS_DBLOG_MYSQL_GENERAL); }
static int sniff_slow(const uint8_t *h, size_t n, const char *name) { return sniff_for(h, n, KS_DBLOG_MYSQL_SLOW); }
static int sniff_error(const uint8_t *h, size_t n, const char *name) { return sniff_for(h, n, KS_DBLOG_MYSQL_ERROR); }
static int sniff_audit(const uint8_t *h, size_t n, const char *name) { return sniff_for(h, n, KS_DBLOG_MYSQL_AUDIT); }
static int sniff_pg(const uint8_t *h, size_t n, const char *name) { return sniff_for(h, n, KS_DBLOG_PG_STDERR); }
static int sniff_general_csv(const uint8_t *h, size_t n, const char *name) { return sniff_for(h, n, KS_DBLOG_MYSQL_GENERAL_CSV); }
static int sniff_pg_csv(const uint8_t *h, size_t n, const char *name) { return sniff_for(h, n, KS_DBLOG_PG_CSV); }
static int sniff_pg_json(const uint8_t *h, size_t n, const char *name) { return sniff_for(h, n, KS_DBLOG_PG_JSON); }
static int sniff_audit_xml(const uint8_t *h, size_t n, const char *name) { return sniff_for(h, n, KS_DBLOG_MYSQL_AUDIT_XML); }

const ks_parser ks_parser_mysql_general = {"mysql_general", "MySQL/MariaDB general query log", k_tables, sniff_general, parse_general};
const ks_parser ks_parser_mysql_slow = {"mysql_slow", "MySQL/MariaDB/Percona slow query log", k_tables, sniff_slow, parse_slow};
const ks_parser ks_parser_mysql_error = {"mysql_error", "MySQL/MariaDB error log (incl. access denied)", k_tables, sniff_error, parse_error};
const ks_parser ks_parser_mysql_audit = {"mysql_audit", "MariaDB server_audit / RDS / Aurora audit log", k_tables, sniff_audit, parse_audit};
const ks_parser ks_parser_pg_stderr = {"pg_stderr", "PostgreSQL stderr log (log_line_prefix option) with pgaudit", k_tables, sniff_pg, parse_pg};
const ks_parser ks_parser_mysql_general_csv = {"mysql_general_csv", "MySQL/MariaDB general_log table (CSV file)", k_tables, sniff_general_csv, parse_general_csv};
const ks_parser ks_parser_pg_csv = {"pg_csv", "PostgreSQL csvlog with pgaudit", k_tables, sniff_pg_csv, parse_pg_csv};
const ks_parser ks_parser_pg_json = {"pg_json", "PostgreSQL jsonlog with pgaudit", k_tables, sniff_pg_json, parse_pg_json};
const ks_parser ks_parser_mysql_audit_xml = {"mysql_audit_xml", "MySQL Enterprise / Percona audit log (XML)", k_tables, sniff_audit_xml, parse_audit_xml};

/* ---- DB log lines inside other containers ------------------------------------------ */
struct ks_db_lines {
    ks_dblog *p;
    ks_sink *sink;
    ks_err *err;
    int fatal;
};

static int lines_record(void *vl, const ks_dblog_rec *r)
{
    ks_db_lines *l = vl;
    if (!l->fatal && ks_db_log_write(l->sink, r, KS_STR_NULL, l->err))
        l->fatal = 1;
    return l->fatal;
}

int ks_db_lines_new(ks_db_lines **out, ks_sink *sink, ks_dblog_format f, ks_err *err)
{
    ks_db_lines *l = calloc(1, sizeof *l);
    if (!l)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    l->sink = sink;
    l->err = err;
    int rc = ks_dblog_new(&l->p, f, NULL, lines_record, l, err);
    if (rc) {
        free(l);
        return rc;
    }
    *out = l;
    return 0;
}

int ks_db_lines_feed(ks_db_lines *l, const char *line, size_t n, int64_t lineno, int64_t offset)
{
    ks_dblog_line(l->p, line, n, lineno, offset);
    return l->fatal ? (l->err->code ? l->err->code : KS_EDB) : 0;
}

int ks_db_lines_finish(ks_db_lines *l)
{
    ks_dblog_finish(l->p);
    return l->fatal ? (l->err->code ? l->err->code : KS_EDB) : 0;
}

void ks_db_lines_free(ks_db_lines *l)
{
    if (!l)
        return;
    ks_dblog_free(l->p);
    free(l);
}
