/* audit_json.c — JSON audit logs of MySQL servers into db_log (source mysql_audit_json):
 *
 *   MySQL Enterprise Audit, audit_log_format=JSON (MySQL Reference Manual, "JSON Audit Log
 *   File Format"): an array of objects, one per line ("{...},"), with
 *     "timestamp": "2020-10-19 19:25:51" (UTC), "class": audit|connection|general|
 *     table_access|..., "event": connect|disconnect|status|read|insert|..., "connection_id",
 *     "account": {"user", "host"}, "login": {"user", "os", "ip", "proxy"},
 *     "connection_data": {"status", "db", ...}, "general_data": {"command", "sql_command",
 *     "query", "status"}, "table_access_data": {"db", "table", "query", "sql_command"}.
 *   Percona Server audit_log_format=JSON (Percona "Audit Log Plugin"): one object per line,
 *     {"audit_record": {"name": "Query", "record": "..", "timestamp": "2021-04-16T14:06:44 UTC",
 *      "command_class": "select", "connection_id": "30", "status": 0, "sqltext": "..",
 *      "user": "root[root] @ localhost []", "host", "os_user", "ip", "db"}}.
 *   (Percona's XML formats are read by the mysql_audit_xml reader.)
 * Mapping: user from account.user (Percona: the name before '[' in "user"), host from the
 * login IP when there is one, else the account / record host; command = general_data.command
 * or the event (Percona: name); code = status; a connect with a non-zero status is an
 * authentication failure; the statement from general_data.query / table_access_data.query /
 * sqltext; database from connection_data.db / table_access_data.db / db.
 */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "parsers/db/db_parsers.h"
#include "parsers/jsonrec.h"
#include "parsers/sniff.h"

static void put(char *dst, size_t cap, ks_str s)
{
    size_t n = s.p ? s.n : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, s.p, n);
    dst[n] = '\0';
}

static ks_str get(const ks_json_doc *d, ks_jv o, const char *path)
{
    ks_jv v = ks_json_path(d, o, path);
    if (v == KS_JV_NONE)
        return KS_STR_NULL;
    ks_json_type t = ks_json_type_of(d, v);
    if (t == KS_JSON_STRING)
        return ks_json_str(d, v);
    if (t == KS_JSON_NUMBER)
        return ks_json_raw(d, v);
    return KS_STR_NULL;
}

static int64_t get_int(const ks_json_doc *d, ks_jv o, const char *path, int64_t dflt)
{
    ks_str s = get(d, o, path);
    int64_t v = 0;
    int neg = 0;
    size_t i = 0;
    if (!s.p || !s.n)
        return dflt;
    if (s.p[0] == '-')
        neg = 1, i = 1;
    for (; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9' || v > (INT64_MAX - 9) / 10)
            return dflt;
        v = v * 10 + (s.p[i] - '0');
    }
    return neg ? -v : v;
}

static void set_time(ks_dblog_rec *r, ks_str ts)
{
    int64_t t;
    if (ts.p && ks_time_parse_iso8601(ts.p, ts.n, NULL, &t) == 0 &&
        ks_time_format(t, NULL, 0, r->time, sizeof r->time) > 0)
        return;
    put(r->time, sizeof r->time, ts);
}

/* NULL when mapped; else why the record is not an audit record */
static const char *map_enterprise(const ks_json_doc *d, ks_jv o, ks_dblog_rec *r)
{
    ks_str cls = get(d, o, "class"), evn = get(d, o, "event");
    if (!cls.p || !evn.p)
        return "not an audit record (no class / event)";
    set_time(r, get(d, o, "timestamp"));
    r->conn_id = get_int(d, o, "connection_id", -1);
    put(r->user, sizeof r->user, get(d, o, "account.user"));
    ks_str ip = get(d, o, "login.ip");
    put(r->host, sizeof r->host, ip.n ? ip : get(d, o, "account.host"));
    ks_str cmd = get(d, o, "general_data.command");
    if (cmd.n) {
        put(r->command, sizeof r->command, cmd);
    } else {
        put(r->command, sizeof r->command, evn);
    }
    put(r->severity, sizeof r->severity, cls);
    ks_str db = get(d, o, "connection_data.db");
    if (!db.n)
        db = get(d, o, "table_access_data.db");
    put(r->db, sizeof r->db, db);
    ks_str status = get(d, o, "general_data.status");
    if (!status.p)
        status = get(d, o, "connection_data.status");
    put(r->code, sizeof r->code, status);
    ks_str q = get(d, o, "general_data.query");
    if (!q.p)
        q = get(d, o, "table_access_data.query");
    r->sql = q;
    if (cls.n == 10 && !memcmp(cls.p, "connection", 10) && evn.n == 7 &&
        !memcmp(evn.p, "connect", 7) && status.n && !(status.n == 1 && status.p[0] == '0'))
        r->auth_failure = 1;
    ks_str ver = get(d, o, "startup_data.mysql_version");
    if (ver.n)
        r->message = ver;
    else if (!q.p)
        r->message = evn;
    return NULL;
}

static const char *map_percona(const ks_json_doc *d, ks_jv o, ks_dblog_rec *r)
{
    ks_str name = get(d, o, "name");
    if (!name.p)
        return "audit_record without a name";
    set_time(r, get(d, o, "timestamp"));
    r->conn_id = get_int(d, o, "connection_id", -1);
    ks_str u = get(d, o, "user");
    size_t k = 0;
    while (k < u.n && u.p[k] != '[' && u.p[k] != ' ')
        k++;
    put(r->user, sizeof r->user, (ks_str){u.p, k});
    ks_str ip = get(d, o, "ip");
    put(r->host, sizeof r->host, ip.n ? ip : get(d, o, "host"));
    put(r->command, sizeof r->command, name);
    put(r->db, sizeof r->db, get(d, o, "db"));
    ks_str status = get(d, o, "status");
    put(r->code, sizeof r->code, status);
    put(r->severity, sizeof r->severity, get(d, o, "command_class"));
    ks_str q = get(d, o, "sqltext");
    r->sql = q;
    if (name.n == 7 && !memcmp(name.p, "Connect", 7) && status.n &&
        !(status.n == 1 && status.p[0] == '0'))
        r->auth_failure = 1;
    if (!q.p)
        r->message = name;
    return NULL;
}

static int parse_audit_json(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    ks_json_doc *doc = NULL;
    ks_jsplit *sp = NULL;
    if ((rc = ks_json_doc_new(&doc, NULL)) || (rc = ks_jsplit_new(&sp, ctx->in, NULL))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    for (;;) {
        ks_jrecord jr;
        int s = ks_jsonrec_next(sp, ctx, &jr, err);
        if (s == KS_EOF)
            break;
        if (s) {
            rc = s;
            goto done;
        }
        ks_dblog_rec r;
        memset(&r, 0, sizeof r);
        r.format = KS_DBLOG_MYSQL_AUDIT;
        r.line = jr.lineno;
        r.offset = jr.offset;
        r.conn_id = -1;
        r.query_time = r.lock_time = -1;
        r.rows_sent = r.rows_examined = -1;
        ks_err perr;
        ks_err_clear(&perr);
        const char *why = NULL;
        if (ks_json_parse(doc, jr.p, jr.n, &perr) != 0) {
            why = perr.msg[0] ? perr.msg : "invalid JSON";
        } else {
            ks_jv root = ks_json_root(doc);
            ks_jv pr = ks_json_get(doc, root, "audit_record");
            if (ks_json_type_of(doc, root) != KS_JSON_OBJECT)
                why = "record is not a JSON object";
            else if (pr != KS_JV_NONE && ks_json_type_of(doc, pr) == KS_JSON_OBJECT)
                why = map_percona(doc, pr, &r);
            else
                why = map_enterprise(doc, root, &r);
        }
        if (why) {
            if ((rc = ks_sink_error(ctx->sink, jr.lineno, jr.offset, why, jr.p, jr.n, err)))
                goto done;
            continue;
        }
        if ((rc = ks_db_log_write(ctx->sink, &r, (ks_str){jr.p, jr.n}, err)))
            goto done;
    }
done:
    ks_jsplit_free(sp);
    ks_json_doc_free(doc);
    return rc;
}

static int sniff_audit_json(const uint8_t *h, size_t n, const char *name)
{
    (void)name;
    int c = ks_sniff_first_char(h, n);
    if (c != '{' && c != '[')
        return 0;
    if (ks_sniff_has(h, n, "\"audit_record\"") && ks_sniff_has(h, n, "\"connection_id\""))
        return 90;
    if (ks_sniff_has(h, n, "\"connection_id\"") && ks_sniff_has(h, n, "\"class\"") &&
        ks_sniff_has(h, n, "\"account\"") && ks_sniff_has(h, n, "\"event\""))
        return 90;
    return 0;
}

const ks_parser ks_parser_mysql_audit_json = {
    "mysql_audit_json", "MySQL Enterprise audit log (JSON) and Percona audit log (JSON)",
    (const ks_table_def *const[]){&ks_db_log_table, NULL}, sniff_audit_json, parse_audit_json};
