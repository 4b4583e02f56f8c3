/* cmd_db.c — `kanshiki db SUBCOMMAND`: database evidence without a case.
 *   db binlog FILE...   decode MySQL/MariaDB binary logs (text like mysqlbinlog -v, or jsonl)
 *   db sql [FILE|-]     tokenise, classify, extract objects and fingerprint SQL statements
 *   db diff BEFORE AFTER  compare two SQL dumps (mysqldump / pg_dump plain format)
 * Every evidence byte printed goes through ks_escape_term (text) or a JSON string writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/ingest.h"
#include "core/buf.h"
#include "core/escape.h"
#include "db/binlog.h"
#include "db/binlog_schema.h"
#include "db/dblog.h"
#include "db/dump_diff.h"
#include "db/rofile.h"
#include "db/sql_fingerprint.h"
#include "db/sql_lex.h"

/* ---- output helpers ------------------------------------------------------------------ */
static int put_term(FILE *f, const char *s, size_t n)
{
    ks_buf b;
    ks_buf_init(&b, 0);
    int rc = ks_escape_term(&b, s, n);
    if (!rc && b.len)
        fwrite(b.data, 1, b.len, f);
    ks_buf_free(&b);
    return rc;
}

/* Prints a buffer line by line through the terminal escaper (newlines kept as lines).
 * Lines of printable ASCII without a backslash are what the escaper would return unchanged,
 * so they are written directly: binlogs of millions of rows are mostly such lines. */
static void put_lines(FILE *f, const ks_buf *b)
{
    size_t s = 0;
    int all_plain = 1;
    for (size_t k = 0; k < b->len && all_plain; k++) {
        unsigned char c = (unsigned char)b->data[k];
        all_plain = c == '\n' || (c >= 0x20 && c < 0x7f && c != '\\');
    }
    if (all_plain && b->len) {
        fwrite(b->data, 1, b->len, f);
        if (b->data[b->len - 1] != '\n')
            fputc('\n', f);
        return;
    }
    for (size_t i = 0; i <= b->len; i++) {
        if (i == b->len || b->data[i] == '\n') {
            if (i > s || i < b->len) {
                int plain = 1;
                for (size_t k = s; k < i; k++) {
                    unsigned char c = (unsigned char)b->data[k];
                    if (c < 0x20 || c >= 0x7f || c == '\\') {
                        plain = 0;
                        break;
                    }
                }
                if (plain)
                    fwrite(b->data + s, 1, i - s, f);
                else
                    put_term(f, b->data + s, i - s);
                fputc('\n', f);
            }
            s = i + 1;
        }
    }
}

static void iso_time(uint32_t t, char out[32])
{
    /* events come in bursts of the same second: keep the last conversion */
    static uint32_t last_t = 0;
    static char last[32];
    if (last[0] && t == last_t) {
        memcpy(out, last, 32);
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, 32, "%u", t);
        return;
    }
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    last_t = t;
    memcpy(last, out, 32);
}

static ks_sql_dialect parse_dialect(const char *s)
{
    if (!s)
        return KS_SQL_ANY;
    if (!strcmp(s, "mysql") || !strcmp(s, "mariadb"))
        return KS_SQL_MYSQL;
    if (!strcmp(s, "pg") || !strcmp(s, "postgresql") || !strcmp(s, "postgres"))
        return KS_SQL_PG;
    return KS_SQL_ANY;
}

/* Appends JSON fields class/verb/flags/objects/fingerprint for a statement. */
static int json_sql_fields(ks_buf *o, const char *sql, size_t n, ks_sql_dialect d,
                           ks_str default_db)
{
    ks_sql_info info;
    ks_sql_analyze(&info, sql, n, d);
    int rc = ks_buf_printf(o, ",\"class\":\"%s\",\"verb\":", ks_sql_class_name(info.cls));
    if (!rc)
        rc = ks_db_json_str(o, info.verb, strlen(info.verb));
    static const struct { unsigned f; const char *name; } flags[] = {
        {KS_SQL_F_OUTFILE, "outfile"}, {KS_SQL_F_INFOSCHEMA, "system_schema"},
        {KS_SQL_F_MULTI, "multi_statement"}, {KS_SQL_F_UNTERMINATED, "unterminated"},
        {KS_SQL_F_COMMENT, "comment"}, {KS_SQL_F_NO_WHERE, "no_where"},
        {KS_SQL_F_LOADFILE, "file_read"}, {KS_SQL_F_SELECT_STAR, "select_star"},
        {KS_SQL_F_TRUNCATED, "truncated"}, {KS_SQL_F_SLEEP, "sleep"}};
    if (!rc)
        rc = ks_buf_puts(o, ",\"flags\":[");
    int first = 1;
    for (size_t i = 0; !rc && i < sizeof flags / sizeof flags[0]; i++)
        if (info.flags & flags[i].f) {
            rc = ks_buf_printf(o, "%s\"%s\"", first ? "" : ",", flags[i].name);
            first = 0;
        }
    if (!rc)
        rc = ks_buf_puts(o, "],\"objects\":[");
    for (size_t i = 0; !rc && i < info.nobj; i++) {
        const ks_sql_object *ob = &info.obj[i];
        rc = ks_buf_puts(o, i ? ",{\"name\":" : "{\"name\":");
        ks_buf full;
        ks_buf_init(&full, 1024);
        if (!rc && ob->schema[0])
            rc = ks_buf_printf(&full, "%s.", ob->schema);
        else if (!rc && default_db.n && !ob->is_database) {
            /* unqualified names resolve against the session's database */
            rc = ks_buf_append(&full, default_db.p, default_db.n);
            if (!rc)
                rc = ks_buf_putc(&full, '.');
        }
        if (!rc)
            rc = ks_buf_puts(&full, ob->name);
        if (!rc)
            rc = ks_db_json_str(o, full.data, full.len);
        ks_buf_free(&full);
        if (!rc)
            rc = ks_buf_printf(o, ",\"action\":\"%s\"%s}", ks_sql_action_name(ob->action),
                               ob->is_database ? ",\"database\":true" : "");
    }
    if (!rc)
        rc = ks_buf_puts(o, "],\"fingerprint\":");
    ks_buf fp;
    ks_buf_init(&fp, 1 << 20);
    if (!rc) {
        int frc = ks_sql_fingerprint(&fp, sql, n, d);
        if (frc == 0)
            rc = ks_db_json_str(o, fp.data ? fp.data : "", fp.len);
        else
            rc = ks_buf_puts(o, "null");
        if (!rc && frc == 0)
            rc = ks_buf_printf(o, ",\"fingerprint_id\":\"%016llx\"",
                               (unsigned long long)ks_sql_fingerprint_id(fp.data ? fp.data : "", fp.len));
    }
    ks_buf_free(&fp);
    return rc;
}

/* ---- db binlog ----------------------------------------------------------------------- */
typedef struct bl_out {
    FILE *f;
    int jsonl;
    int errors;
} bl_out;

static int row_values_text(ks_buf *o, const ks_binlog_table *t, const ks_bv *vals)
{
    int rc = 0;
    for (uint32_t i = 0; i < t->ncols && !rc; i++) {
        if (vals[i].kind == KS_BV_ABSENT)
            continue;
        char head[24] = "###   @";
        size_t hl = 7;
        char digits[12];
        size_t nd = 0;
        for (uint32_t x = i + 1; x && nd < sizeof digits; x /= 10)
            digits[nd++] = (char)('0' + x % 10);
        while (nd)
            head[hl++] = digits[--nd];
        head[hl++] = '=';
        rc = ks_buf_append(o, head, hl);
        if (!rc)
            rc = ks_bv_format_mysqlbinlog(o, &vals[i]);
        if (!rc)
            rc = ks_buf_putc(o, '\n');
    }
    return rc;
}

static int json_head(ks_buf *o, const ks_binlog_event *ev, ks_binlog *b, const char *file)
{
    char ts[32];
    iso_time(ev->when, ts);
    int rc = ks_buf_puts(o, "{\"file\":");
    if (!rc)
        rc = ks_db_json_str(o, file, strlen(file));
    if (!rc)
        rc = ks_buf_printf(o, ",\"pos\":%llu,\"time\":\"%s\",\"server_id\":%u,\"event\":\"%s\"",
                           (unsigned long long)ev->pos, ts, ev->server_id,
                           ks_binlog_type_name(ev->type));
    const char *g = ks_binlog_gtid(b);
    if (!rc && g[0])
        rc = ks_buf_printf(o, ",\"gtid\":\"%s\"", g);
    return rc;
}

static void report(bl_out *bo, const ks_err *e)
{
    ks_cli_error(e);
    bo->errors++;
}

static int do_rows(bl_out *bo, ks_binlog *b, const ks_binlog_event *ev, const char *file)
{
    ks_err err;
    ks_err_clear(&err);
    int rc = ks_binlog_rows_begin(b, ev, &err);
    if (rc) {
        report(bo, &err);
        return 0;
    }
    ks_buf o;
    ks_buf_init(&o, 0);
    ks_binlog_row r;
    for (;;) {
        ks_err_clear(&err);
        rc = ks_binlog_rows_next(b, &r, &err);
        if (rc == KS_EOF)
            break;
        if (rc) {
            report(bo, &err);
            break;
        }
        ks_buf_reset(&o);
        int wrc = 0;
        const ks_binlog_table *t = r.table;
        if (bo->jsonl) {
            wrc = json_head(&o, ev, b, file);
            if (!wrc)
                wrc = ks_buf_puts(&o, ",\"db\":");
            if (!wrc)
                wrc = ks_db_json_str(&o, t->db, strlen(t->db));
            if (!wrc)
                wrc = ks_buf_puts(&o, ",\"table\":");
            if (!wrc)
                wrc = ks_db_json_str(&o, t->name, strlen(t->name));
            if (!wrc)
                wrc = ks_buf_printf(&o, ",\"op\":\"%s\",\"row_offset\":%llu,\"before\":",
                                    ks_binlog_op_name(r.op), (unsigned long long)r.offset);
            if (!wrc)
                wrc = ks_binlog_row_json(&o, t, r.before);
            if (!wrc)
                wrc = ks_buf_puts(&o, ",\"after\":");
            if (!wrc)
                wrc = ks_binlog_row_json(&o, t, r.after);
            if (!wrc)
                wrc = ks_buf_puts(&o, "}");
            if (!wrc) {
                fwrite(o.data, 1, o.len, bo->f);
                fputc('\n', bo->f);
            }
        } else {
            wrc = ks_buf_puts(&o, r.op == KS_BL_OP_INSERT   ? "### INSERT INTO `"
                                  : r.op == KS_BL_OP_UPDATE ? "### UPDATE `"
                                                            : "### DELETE FROM `");
            if (!wrc)
                wrc = ks_buf_puts(&o, t->db);
            if (!wrc)
                wrc = ks_buf_puts(&o, "`.`");
            if (!wrc)
                wrc = ks_buf_puts(&o, t->name);
            if (!wrc)
                wrc = ks_buf_puts(&o, r.op == KS_BL_OP_INSERT ? "`\n### SET\n" : "`\n### WHERE\n");
            if (!wrc && r.before)
                wrc = row_values_text(&o, t, r.before);
            if (!wrc && r.op == KS_BL_OP_UPDATE)
                wrc = ks_buf_puts(&o, "### SET\n");
            if (!wrc && r.after)
                wrc = row_values_text(&o, t, r.after);
            if (!wrc)
                put_lines(bo->f, &o);
        }
        if (wrc) {
            ks_err e2;
            ks_err_clear(&e2);
            KS_ERR_AT(&e2, wrc, file, -1, (int64_t)r.offset, "row too large to print");
            report(bo, &e2);
        }
    }
    ks_buf_free(&o);
    return 0;
}

static int load_schema_file(ks_binlog *b, const char *path, ks_err *err);

static int do_event(bl_out *bo, ks_binlog *b, const ks_binlog_event *ev, const char *file)
{
    ks_buf o;
    ks_buf_init(&o, 0);
    ks_err err;
    ks_err_clear(&err);
    int rc = 0;
    ks_str db = KS_STR_NULL, sql = KS_STR_NULL;
    int is_query = (ev->type == KS_BL_QUERY || ev->type == KS_BL_MARIA_QUERY_COMPRESSED ||
                    ev->type == KS_BL_MARIA_ANNOTATE_ROWS || ev->type == KS_BL_ROWS_QUERY ||
                    ev->type == KS_BL_EXECUTE_LOAD_QUERY);
    if (is_query) {
        int q = ks_binlog_query(b, ev, &db, &sql, &err);
        if (q) {
            report(bo, &err);
            is_query = 0;
        } else if (ev->type != KS_BL_MARIA_ANNOTATE_ROWS && ev->type != KS_BL_ROWS_QUERY) {
            ks_binlog_learn_ddl(b, db, sql.p, sql.n);
        }
    }
    if (bo->jsonl) {
        if (ks_binlog_is_rows(ev->type) || ev->type == KS_BL_TABLE_MAP) {
            ks_buf_free(&o);
            return ks_binlog_is_rows(ev->type) ? do_rows(bo, b, ev, file) : 0;
        }
        rc = json_head(&o, ev, b, file);
        if (!rc && is_query) {
            if (db.n) {
                rc = ks_buf_puts(&o, ",\"db\":");
                if (!rc)
                    rc = ks_db_json_str(&o, db.p, db.n);
            }
            if (!rc)
                rc = ks_buf_puts(&o, ",\"sql\":");
            if (!rc)
                rc = ks_db_json_str(&o, sql.p, sql.n);
            if (!rc)
                rc = json_sql_fields(&o, sql.p, sql.n, KS_SQL_MYSQL, db);
            if (!rc && ev->type == KS_BL_QUERY && ev->post_len >= 11)
                rc = ks_buf_printf(&o, ",\"thread_id\":%u,\"error_code\":%u",
                                   (unsigned)(ev->post[0] | ev->post[1] << 8 | ev->post[2] << 16 |
                                              (uint32_t)ev->post[3] << 24),
                                   (unsigned)(ev->post[9] | ev->post[10] << 8));
        } else if (!rc) {
            ks_buf d;
            ks_buf_init(&d, 1 << 20);
            if (ks_binlog_describe(b, ev, &d) == 0) {
                rc = ks_buf_puts(&o, ",\"info\":");
                if (!rc)
                    rc = ks_db_json_str(&o, d.data ? d.data : "", d.len);
            }
            ks_buf_free(&d);
        }
        if (!rc && ev->crc_ok == 0)
            rc = ks_buf_puts(&o, ",\"checksum\":\"bad\"");
        if (!rc)
            rc = ks_buf_puts(&o, "}");
        if (!rc) {
            fwrite(o.data, 1, o.len, bo->f);
            fputc('\n', bo->f);
        }
        ks_buf_free(&o);
        return 0;
    }
    char ts[32];
    iso_time(ev->when, ts);
    rc = ks_buf_printf(&o, "# at %llu\n#%s server id %u  end_log_pos %u%s  ",
                       (unsigned long long)ev->pos, ts, ev->server_id, ev->end_pos,
                       ev->crc_ok == 1 ? " CRC32 ok" : ev->crc_ok == 0 ? " CRC32 BAD" : "");
    if (!rc && is_query) {
        if (ev->type == KS_BL_MARIA_ANNOTATE_ROWS || ev->type == KS_BL_ROWS_QUERY) {
            rc = ks_buf_puts(&o, "Annotate_rows:\n#Q> ");
            if (!rc)
                rc = ks_buf_append(&o, sql.p, sql.n);
        } else {
            rc = ks_binlog_describe(b, ev, &o);
            if (!rc)
                rc = ks_buf_putc(&o, '\n');
            if (!rc && db.n) {
                rc = ks_buf_puts(&o, "use `");
                if (!rc)
                    rc = ks_buf_append(&o, db.p, db.n);
                if (!rc)
                    rc = ks_buf_puts(&o, "`;\n");
            }
            if (!rc)
                rc = ks_buf_append(&o, sql.p, sql.n);
        }
    } else if (!rc) {
        rc = ks_binlog_describe(b, ev, &o);
    }
    if (!rc)
        put_lines(bo->f, &o);
    ks_buf_free(&o);
    if (ks_binlog_is_rows(ev->type))
        return do_rows(bo, b, ev, file);
    return 0;
}

static int db_binlog(ks_opts *o)
{
    const char *fmt = ks_opt_str(o, "format");
    bl_out bo = {stdout, 0, 0};
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    if (fmt && !strcmp(fmt, "jsonl"))
        bo.jsonl = 1;
    else if (fmt && strcmp(fmt, "text")) {
        ks_cli_errorf("db binlog: unknown --format '%s' (text or jsonl)", fmt);
        return KS_EXIT_USAGE;
    }
    if (o->npos < 2) {
        ks_cli_errorf("db binlog: give one or more binary log files");
        return KS_EXIT_USAGE;
    }
    int worst = 0;
    for (size_t fi = 1; fi < o->npos; fi++) {
        const char *path = o->pos[fi];
        ks_err err;
        ks_err_clear(&err);
        ks_rofile f;
        ks_binlog *b = NULL;
        int rc = ks_rofile_open(&f, path, &err);
        if (rc) {
            report(&bo, &err);
            worst = 1;
            continue;
        }
        rc = ks_binlog_open(&b, ks_rofile_read, &f, f.size, path, &err);
        if (rc) {
            report(&bo, &err);
            ks_rofile_close(&f);
            worst = 1;
            continue;
        }
        const char *const *schemas;
        size_t nsch = ks_opt_all(o, "schema", &schemas);
        for (size_t si = 0; si < nsch; si++) {
            ks_err_clear(&err);
            if (load_schema_file(b, schemas[si], &err)) {
                report(&bo, &err);
                worst = 1;
            }
        }
        ks_binlog_event ev;
        for (;;) {
            ks_err_clear(&err);
            rc = ks_binlog_next(b, &ev, &err);
            if (rc == KS_EOF)
                break;
            if (rc) {
                report(&bo, &err);
                if (ks_binlog_fatal(b))
                    break;
                if (rc == KS_ENOMEM)
                    break;
            }
            do_event(&bo, b, &ev, path);
        }
        const ks_binlog_stats *st = ks_binlog_get_stats(b);
        fflush(stdout);
        fprintf(stderr, "kanshiki: db binlog: ");
        put_term(stderr, path, strlen(path));
        fprintf(stderr,
                ": %llu events, %llu rows, %llu bad checksums, %llu undecodable events, "
                "%llu unknown types, %llu bytes unread\n",
                (unsigned long long)st->events, (unsigned long long)st->rows,
                (unsigned long long)st->bad_checksum, (unsigned long long)st->bad_events,
                (unsigned long long)st->unknown_type, (unsigned long long)st->bytes_unread);
        ks_binlog_free(b);
        ks_rofile_close(&f);
    }
    fflush(stdout);
    return (worst || bo.errors) ? KS_EXIT_INPUT : KS_EXIT_OK;
}

/* ---- db sql --------------------------------------------------------------------------- */
#define KS_SQL_FILE_MAX ((size_t)256 << 20)

static int read_all(const char *path, ks_buf *out, ks_err *err)
{
    if (!strcmp(path, "-")) {
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, stdin)) > 0) {
            int rc = ks_buf_append(out, tmp, n);
            if (rc)
                return KS_ERR(err, rc, "standard input larger than %zu bytes", out->max);
        }
        return ks_buf_reserve(out, 0);
    }
    ks_rofile f;
    int rc = ks_rofile_open(&f, path, err);
    if (rc)
        return rc;
    if (f.size > out->max) {
        ks_rofile_close(&f);
        return KS_ERR_AT(err, KS_ELIMIT, path, -1, -1, "file larger than %zu bytes", out->max);
    }
    rc = ks_buf_reserve(out, (size_t)f.size + 1);
    size_t got = 0;
    if (!rc)
        rc = ks_rofile_read(&f, 0, out->data, (size_t)f.size, &got);
    ks_rofile_close(&f);
    if (rc)
        return KS_ERR_AT(err, KS_EIO, path, -1, -1, "read failed");
    out->len = got;
    out->data[got] = '\0';
    return 0;
}

typedef struct fp_group {
    uint64_t id;
    uint64_t count;
    char *fp;
    char *example;
} fp_group;

static int cmp_group(const void *a, const void *b)
{
    const fp_group *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->fp, y->fp);
}

static int db_sql(ks_opts *o)
{
    ks_sql_dialect d = parse_dialect(ks_opt_str(o, "dialect"));
    int group = ks_opt_flag(o, "group");
    const char *fmt = ks_opt_str(o, "format");
    int jsonl = fmt && !strcmp(fmt, "jsonl");
    const char *path = o->npos >= 2 ? o->pos[1] : "-";
    ks_buf in;
    ks_buf_init(&in, KS_SQL_FILE_MAX);
    ks_err err;
    ks_err_clear(&err);
    int exit_code = KS_EXIT_OK;
    fp_group *groups = NULL;
    size_t ngroups = 0, capgroups = 0;
    if (read_all(path, &in, &err)) {
        ks_cli_error(&err);
        exit_code = KS_EXIT_INPUT;
        goto done;
    }
    /* split into statements on top-level ';' with the lexer */
    ks_sql_lexer lx;
    ks_sql_lexer_init(&lx, in.data ? in.data : "", in.len, d);
    ks_sql_tok t;
    size_t start = (size_t)-1, end = 0;
    int more = 1;
    while (more) {
        int rc = ks_sql_lex_next(&lx, &t);
        int boundary = rc != 0 || (t.type == KS_SQL_T_PUNCT && in.data[t.off] == ';');
        if (!boundary) {
            if (start == (size_t)-1)
                start = t.off;
            end = t.off + t.len;
            continue;
        }
        if (rc != 0)
            more = 0;
        if (start == (size_t)-1)
            continue;
        const char *s = in.data + start;
        size_t n = end - start;
        start = (size_t)-1;
        if (group) {
            ks_buf fp;
            ks_buf_init(&fp, 1 << 20);
            if (ks_sql_fingerprint(&fp, s, n, d) == 0 && fp.len) {
                uint64_t id = ks_sql_fingerprint_id(fp.data, fp.len);
                size_t k;
                for (k = 0; k < ngroups; k++)
                    if (groups[k].id == id && !strcmp(groups[k].fp, fp.data))
                        break;
                if (k == ngroups) {
                    if (ngroups == capgroups) {
                        size_t nc = capgroups ? capgroups * 2 : 64;
                        fp_group *ng = realloc(groups, nc * sizeof *ng);
                        if (!ng) {
                            ks_buf_free(&fp);
                            ks_cli_errorf("db sql: out of memory");
                            exit_code = KS_EXIT_INTERNAL;
                            goto done;
                        }
                        groups = ng;
                        capgroups = nc;
                    }
                    groups[k].id = id;
                    groups[k].count = 0;
                    groups[k].fp = ks_buf_detach(&fp, NULL);
                    groups[k].example = strndup(s, n < 4096 ? n : 4096);
                    ngroups++;
                }
                groups[k].count++;
            }
            ks_buf_free(&fp);
            continue;
        }
        ks_buf ob;
        ks_buf_init(&ob, 0);
        int wrc;
        if (jsonl) {
            wrc = ks_buf_printf(&ob, "{\"offset\":%zu,\"sql\":", (size_t)(s - in.data));
            if (!wrc)
                wrc = ks_db_json_str(&ob, s, n);
            if (!wrc)
                wrc = json_sql_fields(&ob, s, n, d, KS_STR_NULL);
            if (!wrc)
                wrc = ks_buf_puts(&ob, "}\n");
            if (!wrc)
                fwrite(ob.data, 1, ob.len, stdout);
        } else {
            ks_sql_info info;
            ks_sql_analyze(&info, s, n, d);
            wrc = ks_buf_printf(&ob, "%-7s %-14s", ks_sql_class_name(info.cls), info.verb);
            for (size_t i = 0; !wrc && i < info.nobj; i++)
                wrc = ks_buf_printf(&ob, " %s:%s%s%s", ks_sql_action_name(info.obj[i].action),
                                    info.obj[i].schema, info.obj[i].schema[0] ? "." : "",
                                    info.obj[i].name);
            if (!wrc && (info.flags & KS_SQL_F_OUTFILE))
                wrc = ks_buf_puts(&ob, " [outfile]");
            if (!wrc && (info.flags & KS_SQL_F_INFOSCHEMA))
                wrc = ks_buf_puts(&ob, " [system-schema]");
            if (!wrc && (info.flags & KS_SQL_F_NO_WHERE))
                wrc = ks_buf_puts(&ob, " [no-where]");
            if (!wrc && (info.flags & KS_SQL_F_LOADFILE))
                wrc = ks_buf_puts(&ob, " [file-read]");
            if (!wrc && (info.flags & KS_SQL_F_UNTERMINATED))
                wrc = ks_buf_puts(&ob, " [unterminated]");
            if (!wrc) {
                put_term(stdout, ob.data, ob.len);
                fputc('\n', stdout);
            }
        }
        ks_buf_free(&ob);
    }
    if (group) {
        qsort(groups, ngroups, sizeof *groups, cmp_group);
        for (size_t k = 0; k < ngroups; k++) {
            if (jsonl) {
                ks_buf ob;
                ks_buf_init(&ob, 0);
                int wrc = ks_buf_printf(&ob, "{\"count\":%llu,\"id\":\"%016llx\",\"fingerprint\":",
                                        (unsigned long long)groups[k].count,
                                        (unsigned long long)groups[k].id);
                if (!wrc)
                    wrc = ks_db_json_str(&ob, groups[k].fp, strlen(groups[k].fp));
                if (!wrc)
                    wrc = ks_buf_puts(&ob, ",\"example\":");
                if (!wrc)
                    wrc = ks_db_json_str(&ob, groups[k].example ? groups[k].example : "",
                                         groups[k].example ? strlen(groups[k].example) : 0);
                if (!wrc)
                    wrc = ks_buf_puts(&ob, "}\n");
                if (!wrc)
                    fwrite(ob.data, 1, ob.len, stdout);
                ks_buf_free(&ob);
            } else {
                printf("%8llu  %016llx  ", (unsigned long long)groups[k].count,
                       (unsigned long long)groups[k].id);
                put_term(stdout, groups[k].fp, strlen(groups[k].fp));
                fputc('\n', stdout);
            }
        }
    }
done:
    for (size_t k = 0; k < ngroups; k++) {
        free(groups[k].fp);
        free(groups[k].example);
    }
    free(groups);
    ks_buf_free(&in);
    return exit_code;
}

static int load_schema_file(ks_binlog *b, const char *path, ks_err *err)
{
    ks_buf in;
    ks_buf_init(&in, KS_SQL_FILE_MAX);
    int rc = read_all(path, &in, err);
    if (!rc)
        ks_binlog_learn_schema(b, in.data ? in.data : "", in.len);
    ks_buf_free(&in);
    return rc;
}

/* ---- db diff -------------------------------------------------------------------------- */
static int diff_emit(void *ctx, const ks_dump_change *c)
{
    FILE *f = ctx;
    ks_buf o;
    ks_buf_init(&o, 0);
    int rc = ks_dump_change_format(&o, c, c->jsonl);
    if (!rc) {
        if (c->jsonl) {
            fwrite(o.data, 1, o.len, f);
        } else {
            /* one line per change: newlines inside values are escaped, not printed */
            put_term(f, o.data, o.len);
            fputc('\n', f);
        }
    }
    ks_buf_free(&o);
    return rc;
}

static int db_diff(ks_opts *o)
{
    if (o->npos != 3) {
        ks_cli_errorf("db diff: give two dump files, BEFORE and AFTER");
        return KS_EXIT_USAGE;
    }
    const char *fmt = ks_opt_str(o, "format");
    int jsonl = fmt && (!strcmp(fmt, "jsonl") || !strcmp(fmt, "json"));
    ks_dump_diff_opts dopts;
    memset(&dopts, 0, sizeof dopts);
    dopts.jsonl = jsonl;
    dopts.tmpdir = ks_opt_str(o, "tmpdir");
    dopts.open = ks_ingest_dump_open; /* .sql.gz and the like are read too */
    dopts.close = ks_ingest_dump_close;
    const char *mem = ks_opt_str(o, "memory-mb");
    if (mem) {
        char *endp = NULL;
        unsigned long long v = strtoull(mem, &endp, 10);
        if (!endp || *endp || v == 0 || v > 1048576) {
            ks_cli_errorf("db diff: --memory-mb wants a number of MiB (1..1048576)");
            return KS_EXIT_USAGE;
        }
        dopts.memory_bytes = (size_t)v << 20;
    }
    ks_dump_diff_stats st;
    memset(&st, 0, sizeof st);
    ks_err err;
    ks_err_clear(&err);
    int rc = ks_dump_diff(o->pos[1], o->pos[2], &dopts, diff_emit, stdout, &st, &err);
    fflush(stdout);
    if (rc)
        ks_cli_error(&err);
    fprintf(stderr,
            "kanshiki: db diff: %llu rows added, %llu deleted, %llu changed; %llu tables "
            "created, %llu dropped; %llu statements not understood\n",
            (unsigned long long)st.rows_added, (unsigned long long)st.rows_deleted,
            (unsigned long long)st.rows_changed, (unsigned long long)st.tables_created,
            (unsigned long long)st.tables_dropped, (unsigned long long)st.bad_statements);
    if (rc)
        return ks_cli_exit_for(rc);
    return st.bad_statements ? KS_EXIT_INPUT : KS_EXIT_OK;
}

/* ---- db log --------------------------------------------------------------------------- */
typedef struct log_out {
    int jsonl;
    const char *file;
    uint64_t bad;
} log_out;

static int json_kv(ks_buf *o, const char *k, const char *v)
{
    if (!v[0])
        return 0;
    int rc = ks_buf_printf(o, ",\"%s\":", k);
    return rc ? rc : ks_db_json_str(o, v, strlen(v));
}

static int log_record(void *ctx, const ks_dblog_rec *r)
{
    log_out *lo = ctx;
    ks_buf o;
    ks_buf_init(&o, 0);
    int rc;
    if (r->bad) {
        lo->bad++;
        ks_err e;
        ks_err_clear(&e);
        KS_CORRUPT(&e, lo->file, r->line, r->offset, "%s", r->why ? r->why : "unparsable record");
        ks_cli_error(&e);
    }
    if (lo->jsonl) {
        rc = ks_buf_printf(&o, "{\"format\":\"%s\",\"line\":%lld,\"offset\":%lld",
                           ks_dblog_format_name(r->format), (long long)r->line,
                           (long long)r->offset);
        if (!rc)
            rc = json_kv(&o, "time", r->time);
        if (!rc && r->conn_id >= 0)
            rc = ks_buf_printf(&o, ",\"conn_id\":%lld", (long long)r->conn_id);
        if (!rc)
            rc = json_kv(&o, "user", r->user);
        if (!rc)
            rc = json_kv(&o, "host", r->host);
        if (!rc)
            rc = json_kv(&o, "db", r->db);
        if (!rc)
            rc = json_kv(&o, "command", r->command);
        if (!rc)
            rc = json_kv(&o, "severity", r->severity);
        if (!rc)
            rc = json_kv(&o, "code", r->code);
        if (!rc)
            rc = json_kv(&o, "audit_type", r->audit_type);
        if (!rc && r->format == KS_DBLOG_MYSQL_AUDIT_XML)
            rc = json_kv(&o, "command_class", r->audit_class);
        if (!rc && r->format != KS_DBLOG_MYSQL_AUDIT_XML)
            rc = json_kv(&o, "audit_class", r->audit_class);
        if (!rc)
            rc = json_kv(&o, "object", r->object);
        if (!rc && r->query_time >= 0)
            rc = ks_buf_printf(&o, ",\"query_time\":%.6f", r->query_time);
        if (!rc && r->lock_time >= 0)
            rc = ks_buf_printf(&o, ",\"lock_time\":%.6f", r->lock_time);
        if (!rc && r->rows_sent >= 0)
            rc = ks_buf_printf(&o, ",\"rows_sent\":%lld", (long long)r->rows_sent);
        if (!rc && r->rows_examined >= 0)
            rc = ks_buf_printf(&o, ",\"rows_examined\":%lld", (long long)r->rows_examined);
        if (!rc && r->auth_failure)
            rc = ks_buf_puts(&o, ",\"auth_failure\":true");
        if (!rc && r->truncated)
            rc = ks_buf_puts(&o, ",\"truncated\":true");
        if (!rc && r->bad) {
            rc = ks_buf_puts(&o, ",\"error\":");
            if (!rc)
                rc = ks_db_json_str(&o, r->why, strlen(r->why));
        }
        if (!rc && r->message.n) {
            rc = ks_buf_puts(&o, ",\"message\":");
            if (!rc)
                rc = ks_db_json_str(&o, r->message.p, r->message.n);
        }
        if (!rc && r->sql.n) {
            rc = ks_buf_puts(&o, ",\"sql\":");
            if (!rc)
                rc = ks_db_json_str(&o, r->sql.p, r->sql.n);
            if (!rc)
                rc = json_sql_fields(&o, r->sql.p, r->sql.n,
                                     (r->format == KS_DBLOG_PG_STDERR || r->format == KS_DBLOG_PG_CSV ||
                                      r->format == KS_DBLOG_PG_JSON) ? KS_SQL_PG : KS_SQL_MYSQL,
                                     ks_str_c(r->db));
        }
        if (!rc)
            rc = ks_buf_puts(&o, "}\n");
        if (!rc)
            fwrite(o.data, 1, o.len, stdout);
    } else {
        rc = ks_buf_printf(&o, "%s line %lld  %s", r->time[0] ? r->time : "-", (long long)r->line,
                           r->command[0] ? r->command : "-");
        if (!rc && r->conn_id >= 0)
            rc = ks_buf_printf(&o, " conn=%lld", (long long)r->conn_id);
        if (!rc && (r->user[0] || r->host[0]))
            rc = ks_buf_printf(&o, " %s@%s", r->user, r->host);
        if (!rc && r->db[0])
            rc = ks_buf_printf(&o, " db=%s", r->db);
        if (!rc && r->auth_failure)
            rc = ks_buf_puts(&o, " [auth-failure]");
        if (!rc && r->sql.n) {
            ks_sql_info info;
            ks_sql_analyze(&info, r->sql.p, r->sql.n,
                           (r->format == KS_DBLOG_PG_STDERR || r->format == KS_DBLOG_PG_CSV ||
                            r->format == KS_DBLOG_PG_JSON) ? KS_SQL_PG : KS_SQL_MYSQL);
            rc = ks_buf_printf(&o, " [%s] ", ks_sql_class_name(info.cls));
            if (!rc)
                rc = ks_buf_append(&o, r->sql.p, r->sql.n);
        } else if (!rc && r->message.n) {
            rc = ks_buf_putc(&o, ' ');
            if (!rc)
                rc = ks_buf_append(&o, r->message.p, r->message.n);
        }
        if (!rc) {
            put_term(stdout, o.data, o.len);
            fputc('\n', stdout);
        }
    }
    ks_buf_free(&o);
    return 0;
}

#define KS_LOG_LINE_MAX ((size_t)1 << 20)

static int db_log(ks_opts *o)
{
    const char *lf = ks_opt_str(o, "log-format");
    const char *fmt = ks_opt_str(o, "format");
    int exit_code = KS_EXIT_OK;
    if (o->npos < 2) {
        ks_cli_errorf("db log: give one or more log files");
        return KS_EXIT_USAGE;
    }
    for (size_t fi = 1; fi < o->npos; fi++) {
        const char *path = o->pos[fi];
        ks_err err;
        ks_err_clear(&err);
        ks_rofile f;
        if (ks_rofile_open(&f, path, &err)) {
            ks_cli_error(&err);
            exit_code = KS_EXIT_INPUT;
            continue;
        }
        char *chunk = malloc(65536);
        ks_buf line;
        ks_buf_init(&line, KS_LOG_LINE_MAX);
        ks_dblog *p = NULL;
        log_out lo = {fmt && !strcmp(fmt, "jsonl"), path, 0};
        ks_dblog_format df = lf ? ks_dblog_format_parse(lf) : KS_DBLOG_UNKNOWN;
        if (!chunk)
            goto next;
        if (df == KS_DBLOG_UNKNOWN) {
            size_t got = 0;
            ks_rofile_read(&f, 0, chunk, 65536, &got);
            df = ks_dblog_sniff(chunk, got);
            if (df == KS_DBLOG_UNKNOWN) {
                ks_cli_errorf("db log: %s: format not recognised; give --log-format "
                              "(mysql_general, mysql_general_csv, mysql_slow, mysql_error, mysql_audit, "
                              "mysql_audit_xml, pg_stderr, pg_csv, pg_json)",
                              path);
                exit_code = KS_EXIT_INPUT;
                goto next;
            }
        }
        if (ks_dblog_new(&p, df, ks_opt_str(o, "prefix"), log_record, &lo, &err)) {
            ks_cli_error(&err);
            exit_code = KS_EXIT_USAGE;
            goto next;
        }
        uint64_t off = 0, line_off = 0;
        int64_t lineno = 0;
        int too_long = 0;
        for (;;) {
            size_t got = 0;
            if (ks_rofile_read(&f, off, chunk, 65536, &got) || got == 0)
                break;
            for (size_t i = 0; i < got; i++) {
                if (chunk[i] == '\n') {
                    lineno++;
                    if (too_long) {
                        ks_cli_warnf("%s:%lld: offset %llu: line longer than %zu bytes, cut",
                                     path, (long long)lineno, (unsigned long long)line_off,
                                     KS_LOG_LINE_MAX);
                        exit_code = KS_EXIT_INPUT;
                    }
                    ks_dblog_line(p, line.data ? line.data : "", line.len, lineno, (int64_t)line_off);
                    ks_buf_reset(&line);
                    too_long = 0;
                    line_off = off + i + 1;
                } else if (!too_long && ks_buf_putc(&line, chunk[i])) {
                    too_long = 1;
                }
            }
            off += got;
        }
        if (line.len)
            ks_dblog_line(p, line.data, line.len, ++lineno, (int64_t)line_off);
        ks_dblog_finish(p);
        fflush(stdout);
        fprintf(stderr, "kanshiki: db log: ");
        put_term(stderr, path, strlen(path));
        fprintf(stderr, ": %s, %lld lines, %llu records, %llu unparsable\n",
                ks_dblog_format_name(df), (long long)lineno,
                (unsigned long long)ks_dblog_records(p), (unsigned long long)ks_dblog_bad(p));
        if (ks_dblog_bad(p))
            exit_code = KS_EXIT_INPUT;
    next:
        ks_dblog_free(p);
        ks_buf_free(&line);
        free(chunk);
        ks_rofile_close(&f);
    }
    return exit_code;
}

/* ---- dispatch ------------------------------------------------------------------------- */
static const ks_opt_spec k_opts[] = {
    {"format", 'f', "FMT", "output: text (default), jsonl", false},
    {"dialect", 0, "D", "db sql: mysql, pg or any (default)", false},
    {"group", 0, NULL, "db sql: count statements per fingerprint, most frequent first", false},
    {"tmpdir", 0, "DIR", "db diff: where to spill sorted runs (default $TMPDIR or /tmp)", false},
    {"memory-mb", 0, "N", "db diff: memory for sorting before spilling (default 64)", false},
    {"schema", 0, "FILE", "db binlog: CREATE TABLE statements naming the columns (a dump works)", true},
    {"log-format", 0, "F", "db log: mysql_general, mysql_general_csv, mysql_slow, mysql_error, mysql_audit, mysql_audit_xml, pg_stderr, pg_csv, pg_json (default: sniffed)", false},
    {"prefix", 0, "P", "db log: PostgreSQL log_line_prefix (default: RDS %t:%r:%u@%d:[%p]:)", false},
};

static int run(int argc, char **argv)
{
    ks_opts o;
    int prc = ks_opts_parse(&o, k_opts, sizeof k_opts / sizeof k_opts[0], argc, argv, "db");
    if (prc == -1)
        return KS_EXIT_OK;
    if (prc)
        return prc;
    if (o.npos < 1) {
        ks_cli_errorf("db: which subcommand? binlog, sql, diff or log (see 'kanshiki help db')");
        return KS_EXIT_USAGE;
    }
    const char *sub = o.pos[0];
    if (!strcmp(sub, "binlog"))
        return db_binlog(&o);
    if (!strcmp(sub, "sql"))
        return db_sql(&o);
    if (!strcmp(sub, "diff"))
        return db_diff(&o);
    if (!strcmp(sub, "log"))
        return db_log(&o);
    ks_cli_errorf("db: unknown subcommand '%s' (binlog, sql, diff, log)", sub);
    return KS_EXIT_USAGE;
}

const ks_cmd ks_cmd_db = {
    "db", run, "decode binlogs, analyse SQL and diff dumps of MySQL/MariaDB/PostgreSQL",
    "binlog FILE... | sql [FILE|-] | diff BEFORE.sql AFTER.sql | log FILE...",
    "db binlog FILE...\n"
    "  Decodes MySQL/MariaDB binary logs (v4): every event with its position, time, server id\n"
    "  and checksum state; queries; row changes with typed before/after images in the layout\n"
    "  of `mysqlbinlog --verbose` (text) or one JSON object per row change (--format jsonl).\n"
    "db sql [FILE|-]\n"
    "  Splits SQL text into statements and prints each one's class (read, write, ddl, dcl,\n"
    "  admin, session), objects and attack-relevant flags; --group counts fingerprints.\n"
    "db diff BEFORE AFTER\n"
    "  Compares two mysqldump or pg_dump plain-SQL dumps (INSERT or COPY), keyed by primary\n"
    "  key: rows added, deleted, changed (with both values), tables created and dropped.\n"
    "  Memory is bounded: rows are sorted in runs spilled to --tmpdir.\n"
    "db log FILE...\n"
    "  Reads MySQL/MariaDB general (file and CSV table), slow, error and audit (server_audit,\n"
    "  RDS, Aurora, Enterprise/Percona XML) logs and PostgreSQL stderr, csvlog and jsonlog\n"
    "  (with pgaudit): time, connection, user@host, database, command and the statement with\n"
    "  its class and objects; failed logins are flagged.\n"
    "Exit codes: 0 ok, 2 usage, 3 damaged input (what could be read was printed; counts on\n"
    "stderr), 4 internal error.",
    k_opts, sizeof k_opts / sizeof k_opts[0]};
