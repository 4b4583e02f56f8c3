/* s3access.c — S3 server access log records into `events` and `s3access`.
 *
 * Layout ("Amazon S3 server access log format"): space-separated fields, the time in
 * brackets ([06/Feb/2019:00:00:38 +0000]), Request-URI, Referer and User-Agent in double
 * quotes, "-" for absent values:
 *   bucket_owner bucket [time] remote_ip requester request_id operation key "request_uri"
 *   http_status error_code bytes_sent object_size total_time turn_around_time "referer"
 *   "user_agent" version_id host_id signature_version cipher_suite authentication_type
 *   host_header tls_version access_point_arn acl_required
 * AWS appends fields over time ("Any field can be set to - ... additional fields may be
 * added"): older lines stop after user_agent or host_id, newer ones keep going; fields past
 * acl_required are kept in `extra`.
 */
#include "parsers/cloud/s3access.h"

#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/time.h"
#include "core/url.h"
#include "parsers/fields.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define S3_MAX_LINE ((size_t)1 << 20)

enum {
    C_TIME, C_OWNER, C_BUCKET, C_REQTIME, C_IP, C_REQUESTER, C_REQID, C_OP, C_KEY, C_URI,
    C_STATUS, C_ERROR, C_SENT, C_SIZE, C_TOTAL, C_TURN, C_REFERRER, C_UA, C_VERSION,
    C_HOSTID, C_SIGV, C_CIPHER, C_AUTH, C_ENDPOINT, C_TLS, C_APARN, C_ACL, C_EXTRA, C_N
};
/* the log's fields in order, mapped to columns (C_TIME is derived) */
static const int order[] = {C_OWNER, C_BUCKET, C_REQTIME, C_IP, C_REQUESTER, C_REQID, C_OP,
                            C_KEY, C_URI, C_STATUS, C_ERROR, C_SENT, C_SIZE, C_TOTAL, C_TURN,
                            C_REFERRER, C_UA, C_VERSION, C_HOSTID, C_SIGV, C_CIPHER, C_AUTH,
                            C_ENDPOINT, C_TLS, C_APARN, C_ACL};
#define N_ORDER (sizeof order / sizeof order[0])

static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "request time (UTC)"},
    [C_OWNER] = {"bucketowner", KS_COL_TEXT, "canonical user id of the bucket owner"},
    [C_BUCKET] = {"bucket_name", KS_COL_TEXT, "bucket"},
    [C_REQTIME] = {"requestdatetime", KS_COL_TEXT, "time as written ([dd/Mon/yyyy:hh:mm:ss +0000])"},
    [C_IP] = {"remoteip", KS_COL_TEXT, "requester address"},
    [C_REQUESTER] = {"requester", KS_COL_TEXT, "IAM ARN or canonical user id; NULL when anonymous"},
    [C_REQID] = {"requestid", KS_COL_TEXT, "request id"},
    [C_OP] = {"operation", KS_COL_TEXT, "REST.GET.OBJECT, REST.PUT.OBJECT, BATCH.DELETE.OBJECT, S3.EXPIRE.OBJECT, ..."},
    [C_KEY] = {"key", KS_COL_TEXT, "object key (URL-encoded as logged)"},
    [C_URI] = {"request_uri", KS_COL_TEXT, "Request-URI line"},
    [C_STATUS] = {"httpstatus", KS_COL_INT, "HTTP status"},
    [C_ERROR] = {"errorcode", KS_COL_TEXT, "S3 error code (AccessDenied, NoSuchKey, ...)"},
    [C_SENT] = {"bytessent", KS_COL_INT, "response bytes"},
    [C_SIZE] = {"objectsize", KS_COL_INT, "object size"},
    [C_TOTAL] = {"totaltime", KS_COL_INT, "ms in flight"},
    [C_TURN] = {"turnaroundtime", KS_COL_INT, "ms S3 spent"},
    [C_REFERRER] = {"referrer", KS_COL_TEXT, "Referer"},
    [C_UA] = {"useragent", KS_COL_TEXT, "User-Agent"},
    [C_VERSION] = {"versionid", KS_COL_TEXT, "object version id"},
    [C_HOSTID] = {"hostid", KS_COL_TEXT, "x-amz-id-2"},
    [C_SIGV] = {"sigv", KS_COL_TEXT, "SigV2 / SigV4"},
    [C_CIPHER] = {"ciphersuite", KS_COL_TEXT, "TLS cipher"},
    [C_AUTH] = {"authtype", KS_COL_TEXT, "AuthHeader, QueryString (presigned URL)"},
    [C_ENDPOINT] = {"endpoint", KS_COL_TEXT, "Host header"},
    [C_TLS] = {"tlsversion", KS_COL_TEXT, "TLS version"},
    [C_APARN] = {"accesspointarn", KS_COL_TEXT, "access point ARN"},
    [C_ACL] = {"aclrequired", KS_COL_TEXT, "Yes when an ACL was required to authorize"},
    [C_EXTRA] = {"extra", KS_COL_JSON, "fields after aclrequired (JSON array), for newer logs"},
};
const ks_table_def ks_table_s3access = {"s3access", "Amazon S3 server access logs", cols, C_N};

typedef struct s3_state {
    ks_parse_ctx *ctx;
    ks_fields l;
    ks_buf extra, tgt, msg;
} s3_state;

static const char *split(s3_state *st, const char *p, size_t n)
{
    return ks_fields_split(&st->l, p, n, KS_FIELDS_BRACKETS);
}

static bool dash(ks_str s)
{
    return s.n == 1 && s.p[0] == '-';
}

static ks_val num(ks_str s)
{
    if (!s.p || !s.n || dash(s) || s.n > 18)
        return ks_v_null();
    int64_t x = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return ks_v_null();
        x = x * 10 + (s.p[i] - '0');
    }
    return ks_v_int(x);
}

static bool hex64(const char *p, size_t n)
{
    if (n < 65 || p[64] != ' ')
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return false;
    return true;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    const char *p = (const char *)head;
    const char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    if (!hex64(p, len))
        return 0;
    const char *sp = memchr(p + 65, ' ', len - 65);
    return sp && (size_t)(sp - p) + 1 < len && sp[1] == '[' ? 90 : 0;
}

static const char *map(s3_state *st, ks_val *v, ks_event *ev)
{
    if (st->l.n < 17)
        return "S3 access log line with fewer than 17 fields";
    int64_t t;
    if (ks_time_parse_clf(st->l.f[2].p, st->l.f[2].n, &t))
        return "S3 access log time is not [dd/Mon/yyyy:hh:mm:ss +zone]";
    for (int i = 0; i < C_N; i++)
        v[i] = ks_v_null();
    v[C_TIME] = ks_v_int(t);
    for (size_t k = 0; k < N_ORDER && k < st->l.n; k++) {
        int c = order[k];
        ks_str s = st->l.f[k];
        if (cols[c].type == KS_COL_INT)
            v[c] = num(s);
        else if (!dash(s))
            v[c] = ks_v_text(s);
    }
    if (st->l.n > N_ORDER) {
        ks_buf_reset(&st->extra);
        ks_buf_putc(&st->extra, '[');
        for (size_t k = N_ORDER; k < st->l.n; k++) {
            if (k > N_ORDER)
                ks_buf_putc(&st->extra, ',');
            ks_escape_json(&st->extra, st->l.f[k].p, st->l.f[k].n);
        }
        if (!ks_buf_putc(&st->extra, ']'))
            v[C_EXTRA] = ks_v_text((ks_str){st->extra.data, st->extra.len});
    }
    ks_event_init(ev);
    ev->time = t;
    ev->time_desc = "request";
    ev->actor = v[C_REQUESTER].s;
    ev->src_ip = v[C_IP].s;
    ev->action = v[C_OP].s;
    ks_buf_reset(&st->tgt);
    ks_buf_puts(&st->tgt, "s3://");
    ks_buf_append(&st->tgt, v[C_BUCKET].s.p ? v[C_BUCKET].s.p : "", v[C_BUCKET].s.n);
    if (v[C_KEY].s.p) {
        ks_buf_putc(&st->tgt, '/');
        ks_buf_append(&st->tgt, v[C_KEY].s.p, v[C_KEY].s.n);
    }
    ev->target = (ks_str){st->tgt.data, st->tgt.len};
    if (v[C_STATUS].kind == KS_V_INT)
        ev->outcome = v[C_STATUS].i >= 400 ? KS_STR_LIT("failure") : KS_STR_LIT("success");
    ks_buf_reset(&st->msg);
    if (v[C_URI].s.p)
        ks_buf_append(&st->msg, v[C_URI].s.p, v[C_URI].s.n > 2048 ? 2048 : v[C_URI].s.n);
    if (v[C_STATUS].kind == KS_V_INT)
        ks_buf_printf(&st->msg, " -> %lld", (long long)v[C_STATUS].i);
    if (v[C_ERROR].s.p) {
        ks_buf_putc(&st->msg, ' ');
        ks_buf_append(&st->msg, v[C_ERROR].s.p, v[C_ERROR].s.n);
    }
    ev->message = (ks_str){st->msg.data ? st->msg.data : "", st->msg.len};
    /* the requester's account when it is an ARN (arn:aws:iam::ACCOUNT:... / sts) */
    ks_str r = v[C_REQUESTER].s;
    if (r.p && r.n > 13 && !memcmp(r.p, "arn:", 4)) {
        const char *c[5] = {0};
        int k = 0;
        for (const char *q = r.p; q < r.p + r.n && k < 5; q++)
            if (*q == ':')
                c[k++] = q;
        if (k == 5 && c[4] > c[3] + 1)
            ev->account = (ks_str){c[3] + 1, (size_t)(c[4] - c[3] - 1)};
    }
    return NULL;
}

static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    s3_state *st = arg;
    ks_val v[C_N];
    ks_event ev;
    const char *why = ln->too_long ? "line longer than 1 MiB (kept truncated)" : split(st, ln->p, n);
    if (!why)
        why = map(st, v, &ev);
    if (why)
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, why, ln->p, ln->n, err);
    ev.raw = (ks_str){ln->p, n};
    ev.line = ln->lineno;
    ev.offset = ln->offset;
    return ks_sink_event(st->ctx->sink, &ev, &ks_table_s3access, v, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    s3_state *st = calloc(1, sizeof *st);
    if (!st) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    st->ctx = ctx;
    ks_buf_init(&st->extra, 1 << 21);
    ks_buf_init(&st->tgt, 1 << 21);
    ks_buf_init(&st->msg, 1 << 13);
    rc = ks_lineloop(ctx->in, S3_MAX_LINE, KS_LL_TRIM_CR | KS_LL_TRIM_SPACE | KS_LL_SKIP_EMPTY,
                     on_line, st, err);
done:
    if (st) {
        ks_buf_free(&st->extra);
        ks_buf_free(&st->tgt);
        ks_buf_free(&st->msg);
        free(st);
    }
    return rc;
}

const ks_parser ks_parser_s3access = {
    "s3access",
    "Amazon S3 server access logs (all fields through aclrequired; later ones in extra)",
    (const ks_table_def *const[]){&ks_table_s3access, NULL},
    sniff,
    parse,
};
