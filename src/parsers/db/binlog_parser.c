/* binlog_parser.c — MySQL / MariaDB binary logs as case evidence (source and table `binlog`).
 *
 * The decoder is src/db/binlog.c; this file feeds it the member as a stream and writes one
 * record per row change (insert/update/delete with before and after images as JSON) and
 * one per statement event (Query, MariaDB compressed Query). MariaDB's Annotate_rows and
 * MySQL's Rows_query events carry the statement behind the row events that follow: that
 * text goes into the `sql` column of those rows instead of becoming a record of its own.
 *
 * Who: a binlog does not carry the user. Query events carry the server thread id (column
 * thread_id, the connection id of the general and audit logs, which do name the user);
 * Annotate_rows carries only the statement. The events' actor is therefore left empty.
 *
 * Column names come from FULL row metadata, from CREATE TABLE statements earlier in the
 * same binlog, and from the SQL text of ingest's --schema files (option "schema_sql").
 *
 * Damage: an event whose CRC32 does not match, an event of an unknown type, a row image
 * that does not fit its table map and a rows event without a table map become error
 * records (file offset of the event or row); the stream goes on. A truncated last event or
 * an impossible event length ends the member (error record + partial status): the format has
 * no marker to find the next event by.
 */
#include "parsers/db/binlog_parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "db/binlog.h"
#include "db/binlog_schema.h"
#include "db/sql_fingerprint.h"
#include "db/sql_lex.h"
#include "parsers/sniff.h"

static const ks_column k_cols[] = {
    {"pos", KS_COL_INT, "byte offset of the event in the binlog (mysqlbinlog's '# at')"},
    {"end_pos", KS_COL_INT, "the event header's next-position field"},
    {"row_offset", KS_COL_INT, "byte offset of the row image (row changes)"},
    {"server_id", KS_COL_INT, "server id of the event"},
    {"event", KS_COL_TEXT, "event type: Query, Write_rows_v1, Update_rows_compressed_v1, ..."},
    {"gtid", KS_COL_TEXT, "GTID of the transaction (MariaDB domain-server-seq, MySQL uuid:n)"},
    {"db", KS_COL_TEXT, "database of the table (rows) or the session (statements)"},
    {"table_name", KS_COL_TEXT, "table of a row change"},
    {"op", KS_COL_TEXT, "insert, update, delete (rows); query, ddl, dcl (statements)"},
    {"before", KS_COL_JSON, "row before the change {column: value} (update, delete)"},
    {"after", KS_COL_JSON, "row after the change (insert, update)"},
    {"sql", KS_COL_TEXT, "statement (Query event; Annotate_rows / Rows_query for rows)"},
    {"sql_class", KS_COL_TEXT, "read, write, ddl, dcl, admin, session"},
    {"sql_verb", KS_COL_TEXT, "INSERT, DROP TABLE, GRANT, ..."},
    {"objects", KS_COL_TEXT, "objects touched: action:db.table, space separated"},
    {"flags", KS_COL_TEXT, "statement flags: no_where outfile system_schema ..."},
    {"fingerprint", KS_COL_TEXT, "statement with literals replaced"},
    {"fingerprint_id", KS_COL_TEXT, "16 hex digits grouping equal fingerprints"},
    {"thread_id", KS_COL_INT, "server thread (connection) id of a Query event"},
    {"error_code", KS_COL_INT, "error code of a Query event"},
};
#define NCOLS (sizeof k_cols / sizeof k_cols[0])

static const ks_table_def k_table = {"binlog", "MySQL/MariaDB binary log: row changes with "
                                     "before/after images, and statements",
                                     k_cols, NCOLS};
static const ks_table_def *const k_tables[] = {&k_table, NULL};

/* ---- the member as a forward-only pread ----------------------------------------------
 * ks_binlog reads by offset; the decoder only ever asks for the current event again or
 * for bytes after it, so a window over the stream is enough. Memory: the window grows to
 * the largest event (bounded by the decoder's 1 GiB event limit). */
typedef struct stream {
    ks_input *in;
    uint8_t *buf;
    size_t cap, head, len; /* valid bytes buf[head .. head+len) are at offset base */
    uint64_t base;
    int eof;
    int failed;
    ks_err ierr;           /* the input's own error (e.g. a truncated gzip) */
} stream;

static int stream_fill(stream *s, size_t want)
{
    while (s->len < want && !s->eof) {
        if (s->head + want > s->cap) {
            if (s->head) {
                memmove(s->buf, s->buf + s->head, s->len);
                s->head = 0;
            }
            if (want > s->cap) {
                size_t nc = s->cap ? s->cap : (size_t)1 << 18;
                while (nc < want)
                    nc *= 2;
                uint8_t *nb = realloc(s->buf, nc);
                if (!nb)
                    return -1;
                s->buf = nb;
                s->cap = nc;
            }
        }
        size_t room = s->cap - s->head - s->len, got = 0;
        if (s->in->read(s->in->ctx, s->buf + s->head + s->len, room, &got, &s->ierr) != 0) {
            s->failed = 1;
            s->eof = 1;
            break;
        }
        if (got == 0)
            s->eof = 1;
        s->len += got;
    }
    return 0;
}

static int stream_read(void *ctx, uint64_t off, void *dst, size_t n, size_t *out_got)
{
    stream *s = ctx;
    *out_got = 0;
    if (off < s->base)
        return -1; /* the decoder never goes back before the current event */
    /* drop what lies before off (reading on when off is beyond the window) */
    for (;;) {
        if (s->len == 0)
            s->head = 0;
        if (off == s->base)
            break;
        if (!s->len) {
            if (s->eof)
                return 0;
            if (stream_fill(s, 1) != 0)
                return -1;
            if (!s->len)
                return 0;
            continue;
        }
        size_t drop = off - s->base < s->len ? (size_t)(off - s->base) : s->len;
        s->head += drop;
        s->len -= drop;
        s->base += drop;
    }
    if (stream_fill(s, n) != 0)
        return -1;
    size_t k = s->len < n ? s->len : n;
    memcpy(dst, s->buf + s->head, k);
    *out_got = k;
    return 0;
}

/* ---- records -------------------------------------------------------------------------- */
#define RAW_MAX ((size_t)16 << 20)

typedef struct bp {
    ks_parse_ctx *ctx;
    ks_err *err;
    ks_binlog *b;
    int fatal;
    /* statement of the last Annotate_rows / Rows_query, for the rows that follow it */
    ks_buf annot;
    ks_buf before, after, raw, objs, fp, flags;
} bp;

static void sql_fields(bp *p, const char *sql, size_t n, ks_str db, ks_sql_info *info,
                       char fpid[17])
{
    ks_sql_analyze(info, sql, n, KS_SQL_MYSQL);
    ks_buf_reset(&p->objs);
    ks_buf_reset(&p->fp);
    ks_buf_reset(&p->flags);
    fpid[0] = '\0';
    for (size_t i = 0; i < info->nobj; i++) {
        const ks_sql_object *o = &info->obj[i];
        ks_buf_printf(&p->objs, "%s%s:", i ? " " : "", ks_sql_action_name(o->action));
        if (o->schema[0])
            ks_buf_printf(&p->objs, "%s.", o->schema);
        else if (db.n && !o->is_database)
            ks_buf_printf(&p->objs, "%.*s.", (int)db.n, db.p);
        ks_buf_puts(&p->objs, o->name);
    }
    static const struct { unsigned f; const char *name; } fl[] = {
        {KS_SQL_F_OUTFILE, "outfile"}, {KS_SQL_F_INFOSCHEMA, "system_schema"},
        {KS_SQL_F_MULTI, "multi_statement"}, {KS_SQL_F_UNTERMINATED, "unterminated"},
        {KS_SQL_F_COMMENT, "comment"}, {KS_SQL_F_NO_WHERE, "no_where"},
        {KS_SQL_F_LOADFILE, "file_read"}, {KS_SQL_F_SELECT_STAR, "select_star"},
        {KS_SQL_F_TRUNCATED, "truncated"}, {KS_SQL_F_SLEEP, "sleep"}};
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
        if (info->flags & fl[i].f)
            ks_buf_printf(&p->flags, "%s%s", p->flags.len ? " " : "", fl[i].name);
    if (ks_sql_fingerprint(&p->fp, sql, n, KS_SQL_MYSQL) == 0 && p->fp.data)
        snprintf(fpid, 17, "%016llx", (unsigned long long)ks_sql_fingerprint_id(p->fp.data, p->fp.len));
}

static ks_val bufval(const ks_buf *b)
{
    return b->len ? ks_v_text((ks_str){b->data, b->len}) : ks_v_null();
}

static void base_event(ks_event *ev, const ks_binlog_event *e)
{
    ks_event_init(ev);
    ev->time = (int64_t)e->when * KS_NS_PER_SEC;
    ev->time_desc = "event";
    ev->offset = (int64_t)e->pos;
}

static int error_rec(bp *p, int64_t off, const char *why, const char *raw, size_t n)
{
    if (ks_sink_error(p->ctx->sink, -1, off, why, raw, n, p->err))
        p->fatal = 1;
    return p->fatal;
}

static void common_vals(ks_val *v, const ks_binlog_event *e, ks_binlog *b)
{
    for (size_t i = 0; i < NCOLS; i++)
        v[i] = ks_v_null();
    v[0] = ks_v_int((int64_t)e->pos);
    v[1] = ks_v_int((int64_t)e->end_pos);
    v[3] = ks_v_int((int64_t)e->server_id);
    v[4] = ks_v_text(ks_str_c(ks_binlog_type_name(e->type)));
    const char *g = ks_binlog_gtid(b);
    if (g[0])
        v[5] = ks_v_text(ks_str_c(g));
}

static int do_query(bp *p, const ks_binlog_event *e)
{
    ks_str db = KS_STR_NULL, sql = KS_STR_NULL;
    ks_err qe;
    ks_err_clear(&qe);
    if (ks_binlog_query(p->b, e, &db, &sql, &qe) != 0)
        return error_rec(p, (int64_t)e->pos, qe.msg, NULL, 0);
    if (e->type == KS_BL_MARIA_ANNOTATE_ROWS || e->type == KS_BL_ROWS_QUERY) {
        ks_buf_reset(&p->annot);
        if (ks_buf_append(&p->annot, sql.p, sql.n) != 0)
            ks_buf_reset(&p->annot); /* longer than the cap: the rows stand without it */
        return 0;
    }
    ks_buf_reset(&p->annot);
    ks_binlog_learn_ddl(p->b, db, sql.p, sql.n);
    ks_sql_info info;
    char fpid[17];
    sql_fields(p, sql.p, sql.n, db, &info, fpid);
    const char *op = info.cls == KS_SQL_C_DDL ? "ddl" : info.cls == KS_SQL_C_DCL ? "dcl" : "query";
    ks_event ev;
    base_event(&ev, e);
    ev.action = ks_str_c(info.verb[0] ? info.verb : op);
    char target[520];
    if (info.nobj) {
        const ks_sql_object *o = &info.obj[0];
        if (o->schema[0])
            snprintf(target, sizeof target, "%s.%s", o->schema, o->name);
        else if (db.n && !o->is_database)
            snprintf(target, sizeof target, "%.*s.%s", (int)(db.n < 255 ? db.n : 255), db.p, o->name);
        else
            snprintf(target, sizeof target, "%s", o->name);
        ev.target = ks_str_c(target);
    }
    ev.message = sql;
    ev.raw = sql;
    ks_val v[NCOLS];
    common_vals(v, e, p->b);
    v[6] = ks_v_text(db);
    v[8] = ks_v_text(ks_str_c(op));
    v[11] = ks_v_text(sql);
    v[12] = ks_v_text(ks_str_c(ks_sql_class_name(info.cls)));
    v[13] = ks_v_text(ks_str_c(info.verb));
    v[14] = bufval(&p->objs);
    v[15] = bufval(&p->flags);
    v[16] = bufval(&p->fp);
    v[17] = fpid[0] ? ks_v_text(ks_str_c(fpid)) : ks_v_null();
    /* Query post-header: thread id u32, exec time u32, db length u8, error code u16 */
    if (e->type == KS_BL_QUERY && e->post_len >= 11) {
        const uint8_t *q = e->post;
        v[18] = ks_v_int((int64_t)((uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
                                   (uint32_t)q[3] << 24));
        v[19] = ks_v_int((int64_t)(q[9] | q[10] << 8));
    }
    if (ks_sink_event(p->ctx->sink, &ev, &k_table, v, p->err))
        p->fatal = 1;
    return p->fatal;
}

static int do_rows(bp *p, const ks_binlog_event *e)
{
    ks_err re;
    ks_err_clear(&re);
    if (ks_binlog_rows_begin(p->b, e, &re) != 0)
        return error_rec(p, (int64_t)e->pos, re.msg, NULL, 0);
    ks_sql_info info;
    char fpid[17] = "";
    int have_sql = p->annot.len > 0;
    if (have_sql)
        sql_fields(p, p->annot.data, p->annot.len, KS_STR_NULL, &info, fpid);
    for (uint64_t guard = 0; guard < UINT64_MAX; guard++) {
        ks_binlog_row r;
        ks_err_clear(&re);
        int rc = ks_binlog_rows_next(p->b, &r, &re);
        if (rc == KS_EOF)
            break;
        if (rc)
            return error_rec(p, re.offset >= 0 ? re.offset : (int64_t)e->pos, re.msg, NULL, 0);
        const ks_binlog_table *t = r.table;
        ks_buf_reset(&p->before);
        ks_buf_reset(&p->after);
        ks_buf_reset(&p->raw);
        int wrc = 0;
        if (r.before)
            wrc = ks_binlog_row_json(&p->before, t, r.before);
        if (!wrc && r.after)
            wrc = ks_binlog_row_json(&p->after, t, r.after);
        /* raw: "op db.table before=JSON after=JSON" (appends: printf was a hot spot) */
        const char *parts[] = {ks_binlog_op_name(r.op), " ", t->db, ".", t->name, " before="};
        for (size_t k = 0; !wrc && k < sizeof parts / sizeof parts[0]; k++)
            wrc = ks_buf_puts(&p->raw, parts[k]);
        if (!wrc)
            wrc = r.before ? ks_buf_append(&p->raw, p->before.data, p->before.len)
                           : ks_buf_puts(&p->raw, "null");
        if (!wrc)
            wrc = ks_buf_puts(&p->raw, " after=");
        if (!wrc)
            wrc = r.after ? ks_buf_append(&p->raw, p->after.data, p->after.len)
                          : ks_buf_puts(&p->raw, "null");
        if (wrc) {
            if (error_rec(p, (int64_t)r.offset, "row image larger than 16 MiB as JSON; not stored",
                          NULL, 0))
                return p->fatal;
            continue;
        }
        char target[520];
        snprintf(target, sizeof target, "%s.%s", t->db, t->name);
        ks_event ev;
        base_event(&ev, e);
        ev.action = ks_str_c(ks_binlog_op_name(r.op));
        ev.target = ks_str_c(target);
        ev.message = have_sql ? (ks_str){p->annot.data, p->annot.len} : ks_str_c(target);
        ev.raw = (ks_str){p->raw.data, p->raw.len};
        ks_val v[NCOLS];
        common_vals(v, e, p->b);
        v[2] = ks_v_int((int64_t)r.offset);
        v[6] = ks_v_text(ks_str_c(t->db));
        v[7] = ks_v_text(ks_str_c(t->name));
        v[8] = ks_v_text(ks_str_c(ks_binlog_op_name(r.op)));
        v[9] = r.before ? bufval(&p->before) : ks_v_null();
        v[10] = r.after ? bufval(&p->after) : ks_v_null();
        if (have_sql) {
            v[11] = ks_v_text((ks_str){p->annot.data, p->annot.len});
            v[12] = ks_v_text(ks_str_c(ks_sql_class_name(info.cls)));
            v[13] = ks_v_text(ks_str_c(info.verb));
            v[14] = bufval(&p->objs);
            v[15] = bufval(&p->flags);
            v[16] = bufval(&p->fp);
            v[17] = fpid[0] ? ks_v_text(ks_str_c(fpid)) : ks_v_null();
        }
        if (ks_sink_event(p->ctx->sink, &ev, &k_table, v, p->err)) {
            p->fatal = 1;
            return 1;
        }
    }
    return 0;
}

static int is_query_type(unsigned t)
{
    return t == KS_BL_QUERY || t == KS_BL_MARIA_QUERY_COMPRESSED ||
           t == KS_BL_MARIA_ANNOTATE_ROWS || t == KS_BL_ROWS_QUERY || t == KS_BL_EXECUTE_LOAD_QUERY;
}

static int parse_binlog(ks_parse_ctx *ctx, ks_err *err)
{
    stream s;
    memset(&s, 0, sizeof s);
    s.in = ctx->in;
    bp p;
    memset(&p, 0, sizeof p);
    p.ctx = ctx;
    p.err = err;
    ks_buf_init(&p.annot, RAW_MAX);
    ks_buf_init(&p.before, RAW_MAX);
    ks_buf_init(&p.after, RAW_MAX);
    ks_buf_init(&p.raw, RAW_MAX * 2 + 1024);
    ks_buf_init(&p.objs, 1 << 16);
    ks_buf_init(&p.fp, 1 << 20);
    ks_buf_init(&p.flags, 256);
    int rc = 0;
    ks_err e;
    ks_err_clear(&e);
    rc = ks_binlog_open(&p.b, stream_read, &s, KS_BINLOG_SIZE_UNKNOWN, ctx->path, &e);
    if (rc) {
        *err = e;
        goto done;
    }
    const char *schema = ks_parse_opt(ctx->opts, "schema_sql");
    if (schema)
        ks_binlog_learn_schema(p.b, schema, strlen(schema));
    for (;;) {
        ks_binlog_event ev;
        ks_err_clear(&e);
        int nrc = ks_binlog_next(p.b, &ev, &e);
        if (nrc == KS_EOF)
            break;
        if (nrc && ks_binlog_fatal(p.b)) {
            const ks_binlog_stats *st = ks_binlog_get_stats(p.b);
            char why[KS_ERR_MSG_MAX + 64];
            snprintf(why, sizeof why, "%s (%llu bytes from there not read)", e.msg,
                     (unsigned long long)st->bytes_unread);
            error_rec(&p, e.offset, why, NULL, 0);
            if (s.failed)
                e = s.ierr;
            *err = e;
            rc = e.code ? e.code : KS_ECORRUPT;
            goto done;
        }
        if (nrc) {
            /* bad checksum or unknown type: the event is not trusted / not decoded */
            error_rec(&p, (int64_t)ev.pos, e.msg, NULL, 0);
            if (p.fatal)
                break;
            if (ev.type == KS_BL_TABLE_MAP || ev.type == KS_BL_FORMAT_DESCRIPTION)
                continue; /* already taken in by the decoder */
            ks_buf_reset(&p.annot);
            continue;
        }
        if (is_query_type(ev.type))
            do_query(&p, &ev);
        else if (ks_binlog_is_rows(ev.type))
            do_rows(&p, &ev);
        else if (ev.type == KS_BL_XID)
            ks_buf_reset(&p.annot);
        if (p.fatal)
            break;
    }
    if (p.fatal) {
        rc = err->code ? err->code : KS_EDB;
    } else if (s.failed) {
        *err = s.ierr;
        rc = s.ierr.code ? s.ierr.code : KS_EIO;
    }
done:
    ks_binlog_free(p.b);
    free(s.buf);
    ks_buf_free(&p.annot);
    ks_buf_free(&p.before);
    ks_buf_free(&p.after);
    ks_buf_free(&p.raw);
    ks_buf_free(&p.objs);
    ks_buf_free(&p.fp);
    ks_buf_free(&p.flags);
    return rc;
}

static int sniff_binlog(const uint8_t *h, size_t n, const char *name)
{
    (void)name;
    /* magic \xfe 'b' 'i' 'n', then a Format_description (type 15) or, in 3.23/4.0 binlogs,
     * a Start_v3 (type 1) event header */
    if (n >= 4 && !memcmp(h, "\xfe" "bin", 4))
        return n >= 9 && (h[8] == KS_BL_FORMAT_DESCRIPTION || h[8] == KS_BL_START_V3) ? 100 : 80;
    return 0;
}

const ks_parser ks_parser_binlog = {"binlog", "MySQL/MariaDB binary log (row changes, statements)",
                                    k_tables, sniff_binlog, parse_binlog};
