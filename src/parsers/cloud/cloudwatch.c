/* cloudwatch.c — CloudWatch Logs events into `events` and `cloudwatch`.
 *
 * The JSON forms are cut into objects by the record splitter (a Firehose delivery puts
 * envelopes back to back on one line); each object's logEvents / events array gives one
 * row per log event, with the envelope's log group, stream and owner. The text form is one
 * event per line: an ISO 8601 time, a blank, the message.
 *
 * Messages that are VPC flow-log records (recognised by content, in the default format or
 * --opt flow-format) are read into `vpcflow` with this file's provenance (the event's line
 * and offset), not kept in `cloudwatch`. Other messages are kept whole; `format` names the
 * kanshiki parser that recognises the text (by the same content sniffing ingest uses), so
 * they can be selected and re-read with it (see docs/formats.md).
 *
 * Envelopes of RDS / Aurora log groups (/aws/rds/instance|cluster/NAME/audit, error,
 * slowquery, general, postgresql) hand their messages' lines to the DB log readers
 * (parsers/db/db_parsers.h): the records land in `db_log` with this file's provenance (the
 * log event's line and offset), not in `cloudwatch`.
 */
#include "parsers/cloud/cloudwatch.h"

#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "parsers/cloud/vpcflow.h"
#include "parsers/db/db_parsers.h"
#include "parsers/jsonrec.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define CW_MAX_LINE ((size_t)1 << 20)

enum {
    C_TIME, C_GROUP, C_STREAM, C_OWNER, C_MSGTYPE, C_FILTERS, C_EVENT_ID, C_INGESTION,
    C_MESSAGE, C_FORMAT, C_N
};
static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "event timestamp (UTC, ms)"},
    [C_GROUP] = {"log_group", KS_COL_TEXT, "log group (envelopes; NULL for S3 export lines)"},
    [C_STREAM] = {"log_stream", KS_COL_TEXT, "log stream"},
    [C_OWNER] = {"owner", KS_COL_TEXT, "account owning the group (envelopes)"},
    [C_MSGTYPE] = {"message_type", KS_COL_TEXT, "DATA_MESSAGE or CONTROL_MESSAGE (envelopes)"},
    [C_FILTERS] = {"subscription_filters", KS_COL_JSON, "subscription filters (JSON array)"},
    [C_EVENT_ID] = {"log_event_id", KS_COL_TEXT, "the log event id (id / eventId)"},
    [C_INGESTION] = {"ingestion_time", KS_COL_TIME, "when CloudWatch received it (filter/get-log-events)"},
    [C_MESSAGE] = {"message", KS_COL_TEXT, "the log event, whole"},
    [C_FORMAT] = {"format", KS_COL_TEXT, "kanshiki parser that recognises the message (NULL: plain text)"},
};
const ks_table_def ks_table_cloudwatch = {"cloudwatch", "CloudWatch Logs events", cols, C_N};

typedef struct cw_state {
    ks_json_doc *doc;
    ks_buf head; /* message + '\n' for sniffing */
    ks_vpcflow_rec *flow;
} cw_state;

static const char *format_of(cw_state *st, ks_str msg)
{
    ks_buf_reset(&st->head);
    size_t n = msg.n < 4096 ? msg.n : 4096;
    if (ks_buf_append(&st->head, msg.p, n) || ks_buf_putc(&st->head, '\n'))
        return NULL;
    int score;
    const ks_parser *p = ks_parser_sniff((const uint8_t *)st->head.data, st->head.len, NULL,
                                         &score);
    return p && p != &ks_parser_cloudwatch ? p->name : NULL;
}

static int emit(ks_parse_ctx *ctx, cw_state *st, ks_val *v, ks_str msg, int64_t line,
                int64_t off, ks_err *err)
{
    const char *fmt = format_of(st, msg);
    if (fmt && !strcmp(fmt, "vpcflow")) {
        bool done = false;
        int rc = ks_vpcflow_rec_emit(st->flow, ctx->sink, msg.p, msg.n, line, off, &done, err);
        if (rc || done)
            return rc;
    }
    v[C_MESSAGE] = ks_v_text(msg);
    v[C_FORMAT] = ks_v_text(ks_str_c(fmt));
    ks_event ev;
    ks_event_init(&ev);
    ev.time = v[C_TIME].kind == KS_V_INT ? v[C_TIME].i : KS_TIME_NONE;
    ev.time_desc = "logged";
    ev.action = KS_STR_LIT("log event");
    ev.target = v[C_GROUP].s;
    ev.host = v[C_STREAM].s;
    ev.account = v[C_OWNER].s;
    ev.message = msg;
    ev.raw = msg;
    ev.line = line;
    ev.offset = off;
    return ks_sink_event(ctx->sink, &ev, &ks_table_cloudwatch, v, err);
}

static ks_val str_of(const ks_json_doc *d, ks_jv o, const char *k)
{
    ks_jv x = ks_json_get(d, o, k);
    switch (ks_json_type_of(d, x)) {
    case KS_JSON_STRING: return ks_v_text(ks_json_str(d, x));
    case KS_JSON_INVALID:
    case KS_JSON_NULL: return ks_v_null();
    default: return ks_v_text(ks_json_raw(d, x));
    }
}

static int ms_time(const ks_json_doc *d, ks_jv o, const char *k, ks_val *out)
{
    int64_t ms;
    ks_jv x = ks_json_get(d, o, k);
    if (x == KS_JV_NONE)
        return 0;
    if (ks_json_int(d, x, &ms) || ms < -9000000000000LL || ms > 9000000000000LL)
        return -1;
    *out = ks_v_int(ms * 1000000);
    return 0;
}

/* The DB log format of an RDS log group ("/aws/rds/cluster/db1/slowquery"), or UNKNOWN. */
static ks_dblog_format rds_format(ks_val group)
{
    static const struct { const char *suffix; ks_dblog_format f; } k[] = {
        {"/audit", KS_DBLOG_MYSQL_AUDIT}, {"/error", KS_DBLOG_MYSQL_ERROR},
        {"/slowquery", KS_DBLOG_MYSQL_SLOW}, {"/general", KS_DBLOG_MYSQL_GENERAL},
        {"/postgresql", KS_DBLOG_PG_STDERR}};
    ks_str g = group.kind == KS_V_TEXT ? group.s : KS_STR_NULL;
    if (!(g.n > 18 && !memcmp(g.p, "/aws/rds/instance/", 18)) &&
        !(g.n > 17 && !memcmp(g.p, "/aws/rds/cluster/", 17)))
        return KS_DBLOG_UNKNOWN;
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        size_t n = strlen(k[i].suffix);
        if (g.n > n && !memcmp(g.p + g.n - n, k[i].suffix, n))
            return k[i].f;
    }
    return KS_DBLOG_UNKNOWN;
}

/* Feeds a message's lines to the DB reader, all with the log event's provenance. */
static int feed_db(ks_db_lines *dl, ks_str msg, int64_t line, int64_t off)
{
    size_t i = 0;
    while (i < msg.n) {
        const char *nl = memchr(msg.p + i, '\n', msg.n - i);
        size_t e = nl ? (size_t)(nl - msg.p) : msg.n, m = e;
        if (m > i && msg.p[m - 1] == '\r')
            m--;
        int rc = ks_db_lines_feed(dl, msg.p + i, m - i, line, off);
        if (rc)
            return rc;
        i = e + 1;
    }
    return 0;
}

static int handle_object(ks_parse_ctx *ctx, cw_state *st, const ks_jrecord *r, ks_err *err)
{
    const ks_json_doc *d = st->doc;
    ks_jv root = ks_json_root(d);
    ks_jv evs = ks_json_get(d, root, "logEvents");
    if (evs == KS_JV_NONE)
        evs = ks_json_get(d, root, "events");
    if (ks_json_type_of(d, evs) != KS_JSON_ARRAY)
        return ks_sink_error(ctx->sink, r->lineno, r->offset,
                             "JSON object without logEvents/events array", r->p, r->n, err);
    ks_val base[C_N];
    for (int i = 0; i < C_N; i++)
        base[i] = ks_v_null();
    base[C_GROUP] = str_of(d, root, "logGroup");
    base[C_STREAM] = str_of(d, root, "logStream");
    base[C_OWNER] = str_of(d, root, "owner");
    base[C_MSGTYPE] = str_of(d, root, "messageType");
    ks_jv sf = ks_json_get(d, root, "subscriptionFilters");
    if (sf != KS_JV_NONE)
        base[C_FILTERS] = ks_v_text(ks_json_raw(d, sf));
    int rc = 0;
    ks_db_lines *dl = NULL;
    ks_dblog_format dbf = rds_format(base[C_GROUP]);
    if (dbf != KS_DBLOG_UNKNOWN && (rc = ks_db_lines_new(&dl, ctx->sink, dbf, err)))
        return rc;
    const char *lp = r->p; /* newlines counted incrementally: each event's own line */
    int64_t line = r->lineno;
    for (ks_jv e = ks_json_first(d, evs); e != KS_JV_NONE; e = ks_json_next(d, e)) {
        ks_val v[C_N];
        memcpy(v, base, sizeof v);
        ks_str raw = ks_json_raw(d, e);
        int64_t off = r->offset + (int64_t)(raw.p - r->p);
        if (raw.p >= lp && raw.p <= r->p + r->n) {
            for (const char *q = lp; (q = memchr(q, '\n', (size_t)(raw.p - q))) != NULL; q++)
                line++;
            lp = raw.p;
        }
        ks_jv m = ks_json_get(d, e, "message");
        if (ks_json_type_of(d, e) != KS_JSON_OBJECT || ks_json_type_of(d, m) != KS_JSON_STRING ||
            ms_time(d, e, "timestamp", &v[C_TIME]) || ms_time(d, e, "ingestionTime", &v[C_INGESTION])) {
            if ((rc = ks_sink_error(ctx->sink, line, off,
                                    "log event without a string message or with a bad timestamp",
                                    raw.p, raw.n, err)))
                break;
            continue;
        }
        if (dl) {
            if ((rc = feed_db(dl, ks_json_str(d, m), line, off)))
                break;
            continue;
        }
        ks_val s = str_of(d, e, "logStreamName");
        if (s.kind == KS_V_TEXT)
            v[C_STREAM] = s;
        v[C_EVENT_ID] = str_of(d, e, "id");
        if (v[C_EVENT_ID].kind == KS_V_NULL)
            v[C_EVENT_ID] = str_of(d, e, "eventId");
        if ((rc = emit(ctx, st, v, ks_json_str(d, m), line, off, err)))
            break;
    }
    if (dl) {
        if (!rc)
            rc = ks_db_lines_finish(dl);
        ks_db_lines_free(dl);
    }
    return rc;
}

static int parse_json(ks_parse_ctx *ctx, cw_state *st, ks_err *err)
{
    int rc = 0;
    ks_jsplit *sp = NULL;
    if ((rc = ks_jsplit_new(&sp, ctx->in, &(ks_jsplit_opts){NULL, 0}))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    for (;;) {
        ks_jrecord r;
        int s = ks_jsonrec_next(sp, ctx, &r, err);
        if (s == KS_EOF)
            break;
        if (s) {
            rc = s;
            goto done;
        }
        ks_err perr;
        ks_err_clear(&perr);
        if (ks_json_parse(st->doc, r.p, r.n, &perr) != 0) {
            if ((rc = ks_sink_error(ctx->sink, r.lineno, r.offset,
                                    perr.msg[0] ? perr.msg : "invalid JSON", r.p, r.n, err)))
                goto done;
            continue;
        }
        if ((rc = handle_object(ctx, st, &r, err)))
            goto done;
    }
done:
    ks_jsplit_free(sp);
    return rc;
}

/* "2020-02-20T07:01:01.000Z message" */
static size_t iso_prefix(const char *p, size_t n)
{
    const char *sp = memchr(p, ' ', n < 40 ? n : 40);
    if (!sp || sp - p < 20 || p[4] != '-' || p[10] != 'T')
        return 0;
    return (size_t)(sp - p);
}

typedef struct cw_lines {
    ks_parse_ctx *ctx;
    cw_state *st;
} cw_lines;

static int export_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    cw_lines *cl = arg;
    size_t tn = ln->too_long ? 0 : iso_prefix(ln->p, n);
    int64_t t;
    if (!tn || ks_time_parse_iso8601(ln->p, tn, NULL, &t))
        return ks_sink_error(cl->ctx->sink, ln->lineno, ln->offset,
                             ln->too_long ? "line longer than 1 MiB (kept truncated)"
                                          : "not 'ISO-TIME message'",
                             ln->p, ln->n, err);
    ks_val v[C_N];
    for (int i = 0; i < C_N; i++)
        v[i] = ks_v_null();
    v[C_TIME] = ks_v_int(t);
    return emit(cl->ctx, cl->st, v, (ks_str){ln->p + tn + 1, n - tn - 1}, ln->lineno, ln->offset,
                err);
}

static int parse_lines(ks_parse_ctx *ctx, cw_state *st, ks_err *err)
{
    cw_lines cl = {ctx, st};
    return ks_lineloop(ctx->in, CW_MAX_LINE, KS_LL_TRIM_CR | KS_LL_SKIP_EMPTY, export_line, &cl,
                       err);
}

/* The form is decided by the first byte: '{' or '[' JSON, else export lines. */
typedef struct peek_input {
    ks_input *in;
    uint8_t first;
    int state; /* 0 not read, 1 first byte pending, 2 passed through */
} peek_input;

static int peek_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    peek_input *p = ctx;
    if (p->state == 1 && len) {
        ((uint8_t *)buf)[0] = p->first;
        p->state = 2;
        *out_n = 1;
        return 0;
    }
    return p->in->read(p->in->ctx, buf, len, out_n, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    cw_state st;
    memset(&st, 0, sizeof st);
    ks_buf_init(&st.head, 8192);
    peek_input pk = {ctx->in, 0, 0};
    ks_input in = {peek_read, &pk, ctx->in->name};
    ks_parse_ctx c2 = *ctx;
    c2.in = &in;
    /* skip nothing: read one byte to decide, then replay it */
    uint8_t b = 0;
    size_t got = 0;
    if ((rc = ctx->in->read(ctx->in->ctx, &b, 1, &got, err)))
        goto done;
    if (!got)
        goto done; /* empty */
    pk.first = b;
    pk.state = 1;
    if ((rc = ks_json_doc_new(&st.doc, NULL))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    if ((rc = ks_vpcflow_rec_new(&st.flow, ks_parse_opt(ctx->opts, "flow-format"), err)))
        goto done;
    bool json = b == '{' || b == '[' || b == ' ' || b == '\n' || b == '\t' || b == 0xef;
    rc = json ? parse_json(&c2, &st, err) : parse_lines(&c2, &st, err);
done:
    ks_vpcflow_rec_free(st.flow);
    ks_json_doc_free(st.doc);
    ks_buf_free(&st.head);
    return rc;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    int c = ks_sniff_first_char(head, n);
    if (c == '{' || c == '[') {
        if (ks_sniff_has(head, n, "\"logEvents\"") && ks_sniff_has(head, n, "\"logGroup\""))
            return 90;
        if (ks_sniff_has(head, n, "\"events\"") &&
            (ks_sniff_has(head, n, "\"ingestionTime\"") ||
             ks_sniff_has(head, n, "\"nextForwardToken\"") ||
             ks_sniff_has(head, n, "\"searchedLogStreams\"")))
            return 85;
        return 0;
    }
    const char *p = (const char *)head;
    const char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    size_t tn = iso_prefix(p, len);
    int64_t t;
    if (tn && tn >= 20 && p[tn - 1] == 'Z' && ks_time_parse_iso8601(p, tn, NULL, &t) == 0)
        return 55;
    return 0;
}

const ks_parser ks_parser_cloudwatch = {
    "cloudwatch",
    "CloudWatch Logs events: subscription/Firehose envelopes, filter/get-log-events output, "
    "S3 export lines",
    (const ks_table_def *const[]){&ks_table_cloudwatch, &ks_table_vpcflow, &ks_db_log_table, NULL},
    sniff,
    parse,
};
