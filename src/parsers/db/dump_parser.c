/* dump_parser.c — SQL dumps (mysqldump / mariadb-dump, pg_dump plain format) as evidence:
 * source and table `db_dump`, one record per dump.
 *
 * What a dump says about itself is in its comments:
 *   mysqldump  "-- MySQL dump 10.13  Distrib 8.0.36, for Linux" (MariaDB: "-- MariaDB dump")
 *              "-- Host: localhost    Database: shop", "-- Server version\t10.11.6-MariaDB",
 *              "-- Current Database: `shop`" (--databases / --all-databases),
 *              footer "-- Dump completed on 2024-05-01 12:00:00" (the dumping host's local
 *              time, no zone: taken as UTC; absent with --skip-dump-date)
 *   pg_dump    "-- PostgreSQL database dump", "-- Dumped from database version 15.5",
 *              "-- Dumped by pg_dump version 15.5", with --verbose "-- Started on" /
 *              "-- Completed on 2024-05-01 12:00:00 UTC"; the database name only with
 *              --create ("-- Name: shop; Type: DATABASE").
 * Without a dump time the file's modification time is used (time_desc says so).
 *
 * Rows are counted per table: tuples of INSERT ... VALUES (one line per statement in
 * mysqldump; pg_dump --inserts strings may hold newlines, so its statements may span lines)
 * and lines of COPY ... FROM stdin blocks. An INSERT whose tuples do not close (unbalanced
 * parentheses or quotes at the statement's end) is an error record with its line and offset;
 * its rows are not counted. The changes between two dumps of one database are found after
 * ingest (src/cli/ingest_dumps.c, table db_change).
 */
#include "parsers/db/dump_parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "db/binlog.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

static const ks_column k_cols[] = {
    {"tool", KS_COL_TEXT, "mysqldump, mariadb-dump or pg_dump (with its version line)"},
    {"database", KS_COL_TEXT, "database dumped (header, Current Database, USE or --create)"},
    {"server_version", KS_COL_TEXT, "server version the dump was taken from"},
    {"host", KS_COL_TEXT, "mysqldump's Host: line"},
    {"dump_time", KS_COL_TIME, "Dump completed on / Completed on (UTC assumed); NULL when absent"},
    {"tables", KS_COL_JSON, "{table: rows} for every table created or filled in the dump"},
    {"ntables", KS_COL_INT, "number of tables"},
    {"rows", KS_COL_INT, "rows in all tables"},
    {"bad_statements", KS_COL_INT, "INSERT statements that could not be read (error records)"},
    {"pg", KS_COL_INT, "1 for a pg_dump (PostgreSQL), 0 for MySQL/MariaDB"},
};
#define NCOLS (sizeof k_cols / sizeof k_cols[0])

static const ks_table_def k_table = {"db_dump", "SQL dumps (mysqldump, mariadb-dump, pg_dump "
                                     "plain): database, dump time, tables with row counts",
                                     k_cols, NCOLS};
static const ks_table_def *const k_tables[] = {&k_table, NULL};

#define MAX_TABLES 4096
#define MAX_LINE ((size_t)64 << 20)

typedef struct tcount {
    char name[192];
    int64_t rows;
} tcount;

typedef struct dp {
    int pg;
    char tool[128], database[192], version[128], host[192];
    int64_t time;
    tcount *t;
    size_t nt;
    int64_t bad;
    /* statement in progress (pg INSERT spanning lines) */
    int in_insert, in_copy, quote, depth, after_values;
    int64_t ins_rows, ins_line, ins_off;
    size_t cur;      /* table index of the INSERT / COPY */
    int64_t copy_line;
} dp;

static int starts(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && !memcmp(p, lit, k);
}

static int istarts(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && !strncasecmp(p, lit, k);
}

static void copy_field(char *dst, size_t cap, const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, p, n);
    dst[n] = '\0';
}

/* Table name after CREATE TABLE / INSERT INTO / COPY: `a`, "a", a.b, `db`.`t`; the last
 * component is kept (dumps are of one database per section). Returns bytes consumed. */
static size_t ident(const char *p, size_t n, char *out, size_t cap)
{
    size_t i = 0;
    out[0] = '\0';
    for (int part = 0; part < 3 && i < n; part++) {
        size_t s, e;
        if (p[i] == '`' || p[i] == '"') {
            char q = p[i++];
            s = i;
            while (i < n && p[i] != q)
                i++;
            e = i;
            if (i < n)
                i++;
        } else {
            s = i;
            while (i < n && p[i] != '.' && p[i] != ' ' && p[i] != '(' && p[i] != ';' &&
                   p[i] != '\t')
                i++;
            e = i;
        }
        copy_field(out, cap, p + s, e - s);
        if (i < n && p[i] == '.')
            i++;
        else
            break;
    }
    return i;
}

static size_t table_idx(dp *d, const char *name)
{
    for (size_t i = 0; i < d->nt; i++)
        if (!strcmp(d->t[i].name, name))
            return i;
    if (d->nt >= MAX_TABLES)
        return (size_t)-1;
    snprintf(d->t[d->nt].name, sizeof d->t[d->nt].name, "%s", name);
    d->t[d->nt].rows = 0;
    return d->nt++;
}

/* Scans INSERT text for tuples after VALUES: depth-0 '(' starts one. Quotes: '...' with
 * backslash escapes (MySQL; pg standard strings have none, E'' do) and doubled quotes. */
static void scan_values(dp *d, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (d->quote) {
            if (c == '\\' && !d->pg) {
                i++;
            } else if (c == d->quote) {
                if (i + 1 < n && p[i + 1] == d->quote)
                    i++;
                else
                    d->quote = 0;
            }
            continue;
        }
        if (!d->after_values) {
            if ((c == 'V' || c == 'v') && istarts(p + i, n - i, "VALUES") &&
                (i == 0 || p[i - 1] == ' ' || p[i - 1] == ')'))
                d->after_values = 1, i += 5;
            else if (c == '\'' || c == '"' || c == '`')
                d->quote = c;
            continue;
        }
        if (c == '\'')
            d->quote = c;
        else if (c == '(') {
            if (d->depth++ == 0)
                d->ins_rows++;
        } else if (c == ')' && d->depth > 0)
            d->depth--;
        else if (c == ';' && d->depth == 0) {
            d->in_insert = 0;
            return;
        }
    }
}

static int end_insert(dp *d, ks_parse_ctx *ctx, ks_err *err, const char *why, const char *raw,
                      size_t rawn)
{
    int rc = 0;
    if (why) {
        d->bad++;
        rc = ks_sink_error(ctx->sink, d->ins_line, d->ins_off, why, raw, rawn, err);
    } else if (d->cur != (size_t)-1) {
        d->t[d->cur].rows += d->ins_rows;
    }
    d->in_insert = 0;
    return rc;
}

/* MySQL dumps escape newlines inside strings: a line of an INSERT ends outside quotes and
 * parentheses, or the statement is broken. */
static int mysql_line_end(dp *d, ks_parse_ctx *ctx, ks_err *err, const char *p, size_t n)
{
    if (d->pg || !d->in_insert || (!d->quote && !d->depth))
        return 0;
    return end_insert(d, ctx, err, d->quote ? "broken INSERT: unterminated string"
                                            : "broken INSERT: unbalanced parentheses",
                      p, n);
}

static int header_line(dp *d, const char *p, size_t n)
{
    if (starts(p, n, "-- MySQL dump") || starts(p, n, "-- MariaDB dump")) {
        copy_field(d->tool, sizeof d->tool, p + 3, n - 3);
    } else if (starts(p, n, "-- PostgreSQL database dump") && !d->tool[0]) {
        d->pg = 1;
        snprintf(d->tool, sizeof d->tool, "pg_dump");
    } else if (starts(p, n, "-- Dumped by pg_dump version ")) {
        copy_field(d->tool, sizeof d->tool, p + 13, n - 13);
    } else if (starts(p, n, "-- Dumped from database version ")) {
        copy_field(d->version, sizeof d->version, p + 32, n - 32);
    } else if (starts(p, n, "-- Server version")) {
        copy_field(d->version, sizeof d->version, p + 17, n - 17);
    } else if (starts(p, n, "-- Host: ")) {
        const char *db = NULL;
        for (size_t i = 9; i + 9 <= n; i++)
            if (!memcmp(p + i, "Database:", 9)) {
                db = p + i;
                break;
            }
        copy_field(d->host, sizeof d->host, p + 9, (size_t)((db ? db : p + n) - (p + 9)));
        if (db && !d->database[0])
            copy_field(d->database, sizeof d->database, db + 9, (size_t)(p + n - (db + 9)));
    } else if (starts(p, n, "-- Current Database: ") && !d->database[0]) {
        ident(p + 21, n - 21, d->database, sizeof d->database);
    } else if (starts(p, n, "-- Name: ") && d->pg && !d->database[0]) {
        const char *semi = memchr(p, ';', n);
        if (semi && (size_t)(p + n - semi) >= 16 && !memcmp(semi, "; Type: DATABASE", 16))
            copy_field(d->database, sizeof d->database, p + 9, (size_t)(semi - (p + 9)));
    } else if (starts(p, n, "-- Dump completed on ") || starts(p, n, "-- Completed on ")) {
        size_t k = p[3] == 'D' ? 21 : 16;
        /* mysqldump/mariadb-dump print the hour with %2d: "2024-05-01  3:04:05" */
        char fixed[64];
        const char *ts = p + k;
        size_t tn = n - k;
        if (tn >= 19 && tn < sizeof fixed && ts[10] == ' ' && ts[11] == ' ' && ts[12] >= '0' &&
            ts[12] <= '9' && ts[13] == ':') {
            memcpy(fixed, ts, tn);
            fixed[11] = '0';
            ts = fixed;
        }
        int64_t t;
        if (ks_time_parse_iso8601(ts, tn, NULL, &t) == 0)
            d->time = t;
    }
    return 0;
}

static int one_line(dp *d, ks_parse_ctx *ctx, const ks_line *ln, ks_err *err)
{
    const char *p = ln->p;
    size_t n = ln->n;
    if (d->in_copy) {
        if (n == 2 && p[0] == '\\' && p[1] == '.') {
            d->in_copy = 0;
            return 0;
        }
        if (d->cur != (size_t)-1)
            d->t[d->cur].rows++;
        return 0;
    }
    if (d->in_insert) {
        /* MariaDB 10.x dumps put each tuple on a line of its own; pg INSERT strings may hold
         * newlines. A MySQL statement goes on only with a tuple line. */
        if (!d->pg && !(n && (p[0] == '(' || p[0] == ','))) {
            int rc = end_insert(d, ctx, err, "broken INSERT: no terminating ';'", NULL, 0);
            if (rc)
                return rc;
        } else {
            scan_values(d, p, n);
            if (!d->in_insert)
                return end_insert(d, ctx, err, NULL, NULL, 0);
            return mysql_line_end(d, ctx, err, p, n);
        }
    }
    if (starts(p, n, "--"))
        return header_line(d, p, n);
    if (istarts(p, n, "USE ") && !d->database[0]) {
        ident(p + 4, n - 4, d->database, sizeof d->database);
        return 0;
    }
    if (istarts(p, n, "CREATE TABLE ")) {
        size_t k = 13;
        if (istarts(p + k, n - k, "IF NOT EXISTS "))
            k += 14;
        char name[192];
        ident(p + k, n - k, name, sizeof name);
        if (name[0])
            table_idx(d, name);
        return 0;
    }
    if (istarts(p, n, "COPY ")) {
        char name[192];
        ident(p + 5, n - 5, name, sizeof name);
        d->cur = name[0] ? table_idx(d, name) : (size_t)-1;
        d->in_copy = 1;
        d->copy_line = ln->lineno;
        return 0;
    }
    if (istarts(p, n, "INSERT INTO ")) {
        char name[192];
        ident(p + 12, n - 12, name, sizeof name);
        d->cur = name[0] ? table_idx(d, name) : (size_t)-1;
        d->in_insert = 1;
        d->quote = 0;
        d->depth = 0;
        d->after_values = 0;
        d->ins_rows = 0;
        d->ins_line = ln->lineno;
        d->ins_off = ln->offset;
        scan_values(d, p + 12, n - 12);
        if (ln->too_long)
            return end_insert(d, ctx, err, "INSERT statement longer than 64 MiB: rows not counted",
                              p, n);
        if (!d->in_insert)
            return end_insert(d, ctx, err, NULL, NULL, 0);
        return mysql_line_end(d, ctx, err, p, n);
    }
    return 0;
}

static int emit(dp *d, ks_parse_ctx *ctx, ks_err *err)
{
    ks_buf tj;
    ks_buf_init(&tj, (size_t)1 << 22);
    int64_t rows = 0;
    int rc = ks_buf_putc(&tj, '{');
    for (size_t i = 0; i < d->nt && !rc; i++) {
        if (i)
            rc = ks_buf_putc(&tj, ',');
        if (!rc)
            rc = ks_db_json_str(&tj, d->t[i].name, strlen(d->t[i].name));
        if (!rc)
            rc = ks_buf_printf(&tj, ":%lld", (long long)d->t[i].rows);
        rows += d->t[i].rows;
    }
    if (!rc)
        rc = ks_buf_putc(&tj, '}');
    char msg[512];
    snprintf(msg, sizeof msg, "%s dump of %s: %zu tables, %lld rows%s", d->pg ? "pg_dump" : "MySQL",
             d->database[0] ? d->database : "(database not named)", d->nt, (long long)rows,
             d->bad ? ", some INSERT statements unreadable" : "");
    ks_event ev;
    ks_event_init(&ev);
    ev.time = d->time != KS_TIME_NONE ? d->time : ctx->ref_time;
    ev.time_desc = d->time != KS_TIME_NONE ? "dump completed" : "file modified (dump has no time)";
    ev.line = 1;
    ev.offset = 0;
    ev.action = ks_str_c("dump");
    ev.target = ks_str_c(d->database);
    ev.host = ks_str_c(d->host);
    ev.message = ks_str_c(msg);
    ev.raw = ks_str_c(msg);
    ks_val v[NCOLS];
    v[0] = ks_v_text(ks_str_c(d->tool));
    v[1] = d->database[0] ? ks_v_text(ks_str_c(d->database)) : ks_v_null();
    v[2] = d->version[0] ? ks_v_text(ks_str_c(d->version)) : ks_v_null();
    v[3] = d->host[0] ? ks_v_text(ks_str_c(d->host)) : ks_v_null();
    v[4] = d->time != KS_TIME_NONE ? ks_v_int(d->time) : ks_v_null();
    v[5] = rc ? ks_v_null() : ks_v_text((ks_str){tj.data, tj.len});
    v[6] = ks_v_int((int64_t)d->nt);
    v[7] = ks_v_int(rows);
    v[8] = ks_v_int(d->bad);
    v[9] = ks_v_int(d->pg);
    rc = ks_sink_event(ctx->sink, &ev, &k_table, v, err);
    ks_buf_free(&tj);
    return rc;
}

typedef struct dp_loop {
    dp *d;
    ks_parse_ctx *ctx;
    bool stopped; /* a line failed (store error): the dump is not finished */
} dp_loop;

static int dump_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    (void)n; /* one_line trims what it needs */
    dp_loop *l = arg;
    int rc = one_line(l->d, l->ctx, ln, err);
    if (rc)
        l->stopped = true;
    return rc;
}

static int parse_dump(ks_parse_ctx *ctx, ks_err *err)
{
    dp d;
    memset(&d, 0, sizeof d);
    d.time = KS_TIME_NONE;
    d.cur = (size_t)-1;
    d.t = calloc(MAX_TABLES, sizeof *d.t);
    dp_loop l = {&d, ctx, false};
    int rc = d.t ? ks_lineloop(ctx->in, MAX_LINE, 0, dump_line, &l, err) : KS_ENOMEM;
    if (!d.t || l.stopped)
        goto done;
    /* After an input failure an INSERT cut by it is still kept (as broken); the failure is
     * returned last. */
    int rrc = rc;
    if (d.in_insert)
        rc = end_insert(&d, ctx, err, d.quote ? "broken INSERT: unterminated string at end of dump"
                                              : "broken INSERT: not terminated at end of dump",
                        NULL, 0);
    if (!rc && d.in_copy)
        ks_sink_warn(ctx->sink, d.copy_line, -1, "COPY block not terminated by \\. (dump cut?)");
    if (!rc)
        rc = emit(&d, ctx, err);
    if (!rc)
        rc = rrc;
done:
    free(d.t);
    return rc;
}

static int sniff_dump(const uint8_t *h, size_t n, const char *name)
{
    (void)name;
    /* the tool's banner on the first lines */
    size_t lim = n < 512 ? n : 512;
    if (ks_sniff_has(h, lim, "-- MySQL dump ") || ks_sniff_has(h, lim, "-- MariaDB dump "))
        return 95;
    if (ks_sniff_has(h, lim, "-- PostgreSQL database dump"))
        return 95;
    return 0;
}

const ks_parser ks_parser_db_dump = {"db_dump", "SQL dump: mysqldump / mariadb-dump / pg_dump plain",
                                     k_tables, sniff_dump, parse_dump};
