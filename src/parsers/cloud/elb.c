/* elb.c — ALB, NLB and Classic ELB access logs (see elb.h).
 *
 * Field order: "Access logs for your Application Load Balancer" (ALB: type time elb
 * client:port target:port request_processing_time target_processing_time
 * response_processing_time elb_status_code target_status_code received_bytes sent_bytes
 * "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name"
 * "chosen_cert_arn" matched_rule_priority request_creation_time "actions_executed"
 * "redirect_url" "error_reason" "target:port_list" "target_status_code_list"
 * "classification" "classification_reason" conn_trace_id), the NLB guide (TLS listener log
 * version 1.0) and the Classic guide. Older ALB lines stop earlier (trace_id was the last
 * field in 2016): missing trailing fields are NULL, extra ones go to `extra`.
 */
#include "parsers/cloud/elb.h"

#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/time.h"
#include "core/url.h"
#include "parsers/fields.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define ELB_MAX_LINE ((size_t)1 << 20)

/* ---- tables -------------------------------------------------------------------------- */
enum {
    A_TYPE, A_TIME, A_ELB, A_CLIENT_IP, A_CLIENT_PORT, A_TARGET_IP, A_TARGET_PORT,
    A_REQ_PT, A_TARGET_PT, A_RESP_PT, A_ELB_STATUS, A_TARGET_STATUS, A_RECEIVED, A_SENT,
    A_VERB, A_URL, A_PROTO, A_UA, A_CIPHER, A_SSLPROTO, A_TG_ARN, A_TRACE, A_DOMAIN,
    A_CERT, A_RULE, A_REQ_CREATED, A_ACTIONS, A_REDIRECT, A_ERROR_REASON, A_TARGET_LIST,
    A_TARGET_STATUS_LIST, A_CLASSIFICATION, A_CLASS_REASON, A_CONN_TRACE, A_EXTRA, A_N
};
static const ks_column alb_cols[A_N] = {
    [A_TYPE] = {"type", KS_COL_TEXT, "request type: http, https, h2, grpcs, ws, wss"},
    [A_TIME] = {"time", KS_COL_TIME, "when the load balancer sent the response (UTC, us)"},
    [A_ELB] = {"elb", KS_COL_TEXT, "load balancer resource id (app/NAME/ID)"},
    [A_CLIENT_IP] = {"client_ip", KS_COL_TEXT, "client address"},
    [A_CLIENT_PORT] = {"client_port", KS_COL_INT, "client port"},
    [A_TARGET_IP] = {"target_ip", KS_COL_TEXT, "target address (NULL when no target was reached)"},
    [A_TARGET_PORT] = {"target_port", KS_COL_INT, "target port"},
    [A_REQ_PT] = {"request_processing_time", KS_COL_REAL, "seconds; -1 when not dispatched"},
    [A_TARGET_PT] = {"target_processing_time", KS_COL_REAL, "seconds; -1 on error"},
    [A_RESP_PT] = {"response_processing_time", KS_COL_REAL, "seconds; -1 on error"},
    [A_ELB_STATUS] = {"elb_status_code", KS_COL_INT, "status returned by the load balancer"},
    [A_TARGET_STATUS] = {"target_status_code", KS_COL_INT, "status returned by the target"},
    [A_RECEIVED] = {"received_bytes", KS_COL_INT, "request bytes from the client"},
    [A_SENT] = {"sent_bytes", KS_COL_INT, "response bytes to the client"},
    [A_VERB] = {"request_verb", KS_COL_TEXT, "HTTP method"},
    [A_URL] = {"request_url", KS_COL_TEXT, "URL as requested (scheme://host:port/path?query)"},
    [A_PROTO] = {"request_proto", KS_COL_TEXT, "HTTP/1.1, HTTP/2.0"},
    [A_UA] = {"user_agent", KS_COL_TEXT, "User-Agent"},
    [A_CIPHER] = {"ssl_cipher", KS_COL_TEXT, "TLS cipher (https)"},
    [A_SSLPROTO] = {"ssl_protocol", KS_COL_TEXT, "TLS protocol (https)"},
    [A_TG_ARN] = {"target_group_arn", KS_COL_TEXT, "target group ARN"},
    [A_TRACE] = {"trace_id", KS_COL_TEXT, "X-Amzn-Trace-Id"},
    [A_DOMAIN] = {"domain_name", KS_COL_TEXT, "SNI domain (https)"},
    [A_CERT] = {"chosen_cert_arn", KS_COL_TEXT, "certificate ARN (or session-reused / invalid-certificate)"},
    [A_RULE] = {"matched_rule_priority", KS_COL_TEXT, "listener rule priority (0 = default rule)"},
    [A_REQ_CREATED] = {"request_creation_time", KS_COL_TEXT, "when the request was received (ISO, UTC)"},
    [A_ACTIONS] = {"actions_executed", KS_COL_TEXT, "actions (waf, authenticate, forward, redirect, fixed-response, ...)"},
    [A_REDIRECT] = {"redirect_url", KS_COL_TEXT, "redirect target"},
    [A_ERROR_REASON] = {"lambda_error_reason", KS_COL_TEXT, "error reason (AuthInvalidCookie, LambdaUnhandled, ...)"},
    [A_TARGET_LIST] = {"target_port_list", KS_COL_TEXT, "targets tried (ip:port, space-separated)"},
    [A_TARGET_STATUS_LIST] = {"target_status_code_list", KS_COL_TEXT, "their status codes"},
    [A_CLASSIFICATION] = {"classification", KS_COL_TEXT, "desync mitigation: Acceptable, Ambiguous, Severe"},
    [A_CLASS_REASON] = {"classification_reason", KS_COL_TEXT, "desync classification reason code"},
    [A_CONN_TRACE] = {"conn_trace_id", KS_COL_TEXT, "connection traceability id (TID_...)"},
    [A_EXTRA] = {"extra", KS_COL_JSON, "fields after the documented ones (JSON array), for newer logs"},
};
const ks_table_def ks_table_alb = {"alb", "Application Load Balancer access logs", alb_cols, A_N};

enum {
    N_TYPE, N_VERSION, N_TIME, N_ELB, N_LISTENER, N_CLIENT_IP, N_CLIENT_PORT, N_DEST_IP,
    N_DEST_PORT, N_CONN_MS, N_HANDSHAKE_MS, N_RECEIVED, N_SENT, N_ALERT, N_CERT, N_SERIAL,
    N_CIPHER, N_TLSVER, N_GROUP, N_DOMAIN, N_ALPN_FE, N_ALPN_BE, N_ALPN_LIST, N_CREATED,
    N_EXTRA, N_N
};
static const ks_column nlb_cols[N_N] = {
    [N_TYPE] = {"type", KS_COL_TEXT, "listener type (tls)"},
    [N_VERSION] = {"version", KS_COL_TEXT, "log entry version"},
    [N_TIME] = {"time", KS_COL_TIME, "end of the TLS connection (UTC)"},
    [N_ELB] = {"elb", KS_COL_TEXT, "load balancer resource id (net/NAME/ID)"},
    [N_LISTENER] = {"listener_id", KS_COL_TEXT, "listener id"},
    [N_CLIENT_IP] = {"client_ip", KS_COL_TEXT, "client address"},
    [N_CLIENT_PORT] = {"client_port", KS_COL_INT, "client port"},
    [N_DEST_IP] = {"destination_ip", KS_COL_TEXT, "listener address"},
    [N_DEST_PORT] = {"destination_port", KS_COL_INT, "listener port"},
    [N_CONN_MS] = {"connection_time", KS_COL_REAL, "ms from start to close; -1 when not closed"},
    [N_HANDSHAKE_MS] = {"tls_handshake_time", KS_COL_REAL, "ms for the handshake; -1 when not completed"},
    [N_RECEIVED] = {"received_bytes", KS_COL_INT, "bytes from the client (after decryption)"},
    [N_SENT] = {"sent_bytes", KS_COL_INT, "bytes to the client (before encryption)"},
    [N_ALERT] = {"incoming_tls_alert", KS_COL_TEXT, "TLS alert the client sent"},
    [N_CERT] = {"cert_arn", KS_COL_TEXT, "certificate ARN"},
    [N_SERIAL] = {"certificate_serial", KS_COL_TEXT, "client certificate serial"},
    [N_CIPHER] = {"tls_cipher_suite", KS_COL_TEXT, "cipher suite"},
    [N_TLSVER] = {"tls_protocol_version", KS_COL_TEXT, "tlsv12, tlsv13, ..."},
    [N_GROUP] = {"tls_named_group", KS_COL_TEXT, "key exchange group"},
    [N_DOMAIN] = {"domain_name", KS_COL_TEXT, "SNI domain"},
    [N_ALPN_FE] = {"alpn_fe_protocol", KS_COL_TEXT, "ALPN protocol with the client"},
    [N_ALPN_BE] = {"alpn_be_protocol", KS_COL_TEXT, "ALPN protocol with the target"},
    [N_ALPN_LIST] = {"alpn_client_preference_list", KS_COL_TEXT, "client's ALPN list"},
    [N_CREATED] = {"tls_connection_creation_time", KS_COL_TEXT, "connection start (ISO, UTC)"},
    [N_EXTRA] = {"extra", KS_COL_JSON, "fields after the documented ones (JSON array)"},
};
const ks_table_def ks_table_nlb = {"nlb", "Network Load Balancer TLS listener access logs", nlb_cols,
                                   N_N};

enum {
    E_TIME, E_ELB, E_REQ_IP, E_REQ_PORT, E_BACKEND_IP, E_BACKEND_PORT, E_REQ_PT, E_BACKEND_PT,
    E_RESP_PT, E_ELB_STATUS, E_BACKEND_STATUS, E_RECEIVED, E_SENT, E_VERB, E_URL, E_PROTO,
    E_UA, E_CIPHER, E_SSLPROTO, E_EXTRA, E_N
};
static const ks_column clb_cols[E_N] = {
    [E_TIME] = {"time", KS_COL_TIME, "when the load balancer sent the response (UTC, us)"},
    [E_ELB] = {"elb_name", KS_COL_TEXT, "load balancer name"},
    [E_REQ_IP] = {"request_ip", KS_COL_TEXT, "client address"},
    [E_REQ_PORT] = {"request_port", KS_COL_INT, "client port"},
    [E_BACKEND_IP] = {"backend_ip", KS_COL_TEXT, "backend instance address (NULL when none)"},
    [E_BACKEND_PORT] = {"backend_port", KS_COL_INT, "backend port"},
    [E_REQ_PT] = {"request_processing_time", KS_COL_REAL, "seconds; -1 when not dispatched"},
    [E_BACKEND_PT] = {"backend_processing_time", KS_COL_REAL, "seconds; -1 on error"},
    [E_RESP_PT] = {"client_response_time", KS_COL_REAL, "seconds; -1 on error"},
    [E_ELB_STATUS] = {"elb_response_code", KS_COL_INT, "status from the load balancer (NULL for TCP)"},
    [E_BACKEND_STATUS] = {"backend_response_code", KS_COL_INT, "status from the backend"},
    [E_RECEIVED] = {"received_bytes", KS_COL_INT, "request bytes"},
    [E_SENT] = {"sent_bytes", KS_COL_INT, "response bytes"},
    [E_VERB] = {"request_verb", KS_COL_TEXT, "HTTP method (NULL for TCP/SSL listeners)"},
    [E_URL] = {"url", KS_COL_TEXT, "URL as requested"},
    [E_PROTO] = {"protocol", KS_COL_TEXT, "HTTP version"},
    [E_UA] = {"user_agent", KS_COL_TEXT, "User-Agent"},
    [E_CIPHER] = {"ssl_cipher", KS_COL_TEXT, "TLS cipher (HTTPS/SSL listeners)"},
    [E_SSLPROTO] = {"ssl_protocol", KS_COL_TEXT, "TLS protocol"},
    [E_EXTRA] = {"extra", KS_COL_JSON, "fields after the documented ones (JSON array)"},
};
const ks_table_def ks_table_elb_classic = {"elb_classic", "Classic Load Balancer access logs",
                                           clb_cols, E_N};

/* ---- a line as fields ------------------------------------------------------------------ */
typedef ks_fields elb_line;

static const char *split(const char *p, size_t n, elb_line *out)
{
    return ks_fields_split(out, p, n, 0);
}

static bool is_dash(ks_str s)
{
    return s.n == 0 || (s.n == 1 && s.p[0] == '-');
}

static ks_str fld(const elb_line *l, size_t i)
{
    return i < l->n ? l->f[i] : KS_STR_NULL;
}

static ks_val txt(const elb_line *l, size_t i)
{
    ks_str s = fld(l, i);
    return s.p && !is_dash(s) ? ks_v_text(s) : ks_v_null();
}

static ks_val num(ks_str s)
{
    if (!s.p || is_dash(s) || s.n > 18)
        return ks_v_null();
    size_t i = s.p[0] == '-' ? 1 : 0;
    if (i == s.n)
        return ks_v_null();
    int64_t x = 0;
    for (; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return ks_v_null();
        x = x * 10 + (s.p[i] - '0');
    }
    return ks_v_int(s.p[0] == '-' ? -x : x);
}

static ks_val real(ks_str s)
{
    double d;
    if (!s.p || is_dash(s) || s.n > 40 || ks_fields_decimal(s.p, s.n, &d))
        return ks_v_null();
    return ks_v_real(d);
}

/* "ip:port" (IPv6 without brackets: the port follows the last colon). */
static void ipport(ks_str s, ks_val *ip, ks_val *port)
{
    *ip = ks_v_null();
    *port = ks_v_null();
    if (!s.p || is_dash(s))
        return;
    size_t k = s.n;
    while (k > 0 && s.p[k - 1] != ':')
        k--;
    if (!k) {
        *ip = ks_v_text(s);
        return;
    }
    *ip = ks_v_text((ks_str){s.p, k - 1});
    *port = num((ks_str){s.p + k, s.n - k});
}

/* "METHOD URL PROTO" (ALB/Classic write "- - - " when there was no HTTP request). */
static void request(ks_str r, ks_val *verb, ks_val *url, ks_val *proto)
{
    *verb = *url = *proto = ks_v_null();
    if (!r.p)
        return;
    const char *sp1 = memchr(r.p, ' ', r.n);
    if (!sp1)
        return;
    const char *rest = sp1 + 1, *e = r.p + r.n;
    const char *sp2 = memrchr(rest, ' ', (size_t)(e - rest));
    ks_str v = {r.p, (size_t)(sp1 - r.p)};
    ks_str u = sp2 ? (ks_str){rest, (size_t)(sp2 - rest)} : (ks_str){rest, (size_t)(e - rest)};
    ks_str p = sp2 ? (ks_str){sp2 + 1, (size_t)(e - sp2 - 1)} : KS_STR_NULL;
    *verb = is_dash(v) ? ks_v_null() : ks_v_text(v);
    *url = is_dash(u) ? ks_v_null() : ks_v_text(u);
    *proto = p.p && !is_dash(p) ? ks_v_text(p) : ks_v_null();
}

static int iso(ks_str s, int64_t *t)
{
    return s.p ? ks_time_parse_iso8601(s.p, s.n, NULL, t) : KS_ECORRUPT;
}

/* Fields from index `from` on as a JSON array, or NULL when there are none. */
static ks_val extra_of(const elb_line *l, size_t from, ks_buf *b)
{
    if (l->n <= from)
        return ks_v_null();
    ks_buf_reset(b);
    ks_buf_putc(b, '[');
    for (size_t i = from; i < l->n; i++) {
        if (i > from)
            ks_buf_putc(b, ',');
        ks_escape_json(b, l->f[i].p, l->f[i].n);
    }
    if (ks_buf_putc(b, ']'))
        return ks_v_null();
    return ks_v_text((ks_str){b->data, b->len});
}

/* account and region from an ARN: arn:aws:SERVICE:REGION:ACCOUNT:... */
static void arn_parts(ks_val v, ks_str *region, ks_str *account)
{
    if (v.kind != KS_V_TEXT || v.s.n < 8 || memcmp(v.s.p, "arn:", 4))
        return;
    const char *p = v.s.p;
    const char *c[5] = {0};
    size_t i = 0;
    for (int k = 0; k < 5; k++, i++) {
        i = ks_fields_scan2(p, i, v.s.n, ':', ':');
        if (i >= v.s.n)
            return;
        c[k] = p + i;
    }
    if (!region->p && c[3] > c[2] + 1)
        *region = (ks_str){c[2] + 1, (size_t)(c[3] - c[2] - 1)};
    if (!account->p && c[4] > c[3] + 1)
        *account = (ks_str){c[3] + 1, (size_t)(c[4] - c[3] - 1)};
}

typedef struct elb_state {
    elb_line l;
    ks_buf extra, msg;
} elb_state;

static ks_str sv(ks_val v)
{
    return v.kind == KS_V_TEXT ? v.s : KS_STR_NULL;
}

static void outcome_of(ks_val status, ks_event *ev)
{
    if (status.kind == KS_V_INT)
        ev->outcome = status.i >= 400 ? KS_STR_LIT("failure") : KS_STR_LIT("success");
}

static void message_of(elb_state *st, ks_event *ev, ks_val verb, ks_val url, ks_val status)
{
    ks_buf_reset(&st->msg);
    if (verb.kind == KS_V_TEXT) {
        ks_buf_append(&st->msg, verb.s.p, verb.s.n);
        ks_buf_putc(&st->msg, ' ');
    }
    if (url.kind == KS_V_TEXT)
        ks_buf_append(&st->msg, url.s.p, url.s.n > 2048 ? 2048 : url.s.n);
    if (status.kind == KS_V_INT) { /* " -> %lld" in one append, as printf did */
        char d[32], *q = d + sizeof d;
        uint64_t u = status.i < 0 ? (uint64_t)0 - (uint64_t)status.i : (uint64_t)status.i;
        do
            *--q = (char)('0' + u % 10);
        while (u /= 10);
        if (status.i < 0)
            *--q = '-';
        q -= 4;
        memcpy(q, " -> ", 4);
        ks_buf_append(&st->msg, q, (size_t)(d + sizeof d - q));
    }
    if (!st->msg.len)
        ks_buf_puts(&st->msg, "connection");
    ev->message = (ks_str){st->msg.data, st->msg.len};
}

static const char *map_alb(elb_state *st, ks_event *ev, ks_val *v)
{
    const elb_line *l = &st->l;
    if (l->n < 14)
        return "ALB line with fewer than 14 fields";
    int64_t t;
    if (iso(l->f[1], &t))
        return "ALB time is not ISO 8601";
    memset(v, 0, A_N * sizeof *v); /* every column ks_v_null(): all zero bits */
    v[A_TYPE] = txt(l, 0);
    v[A_TIME] = ks_v_int(t);
    v[A_ELB] = txt(l, 2);
    ipport(fld(l, 3), &v[A_CLIENT_IP], &v[A_CLIENT_PORT]);
    ipport(fld(l, 4), &v[A_TARGET_IP], &v[A_TARGET_PORT]);
    v[A_REQ_PT] = real(fld(l, 5));
    v[A_TARGET_PT] = real(fld(l, 6));
    v[A_RESP_PT] = real(fld(l, 7));
    v[A_ELB_STATUS] = num(fld(l, 8));
    v[A_TARGET_STATUS] = num(fld(l, 9));
    v[A_RECEIVED] = num(fld(l, 10));
    v[A_SENT] = num(fld(l, 11));
    request(fld(l, 12), &v[A_VERB], &v[A_URL], &v[A_PROTO]);
    v[A_UA] = txt(l, 13);
    static const int rest[] = {A_CIPHER, A_SSLPROTO, A_TG_ARN, A_TRACE, A_DOMAIN, A_CERT,
                               A_RULE, A_REQ_CREATED, A_ACTIONS, A_REDIRECT, A_ERROR_REASON,
                               A_TARGET_LIST, A_TARGET_STATUS_LIST, A_CLASSIFICATION,
                               A_CLASS_REASON, A_CONN_TRACE};
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
        v[rest[i]] = txt(l, 14 + i);
    v[A_EXTRA] = extra_of(l, 14 + sizeof rest / sizeof rest[0], &st->extra);

    ev->time = t;
    ev->host = sv(v[A_ELB]);
    ev->src_ip = sv(v[A_CLIENT_IP]);
    ev->action = v[A_VERB].kind ? v[A_VERB].s : KS_STR_LIT("request");
    ev->target = sv(v[A_URL]);
    outcome_of(v[A_ELB_STATUS], ev);
    arn_parts(v[A_TG_ARN], &ev->region, &ev->account);
    arn_parts(v[A_CERT], &ev->region, &ev->account);
    message_of(st, ev, v[A_VERB], v[A_URL], v[A_ELB_STATUS]);
    return NULL;
}

static const char *map_nlb(elb_state *st, ks_event *ev, ks_val *v)
{
    const elb_line *l = &st->l;
    if (l->n < 13)
        return "NLB line with fewer than 13 fields";
    int64_t t;
    if (iso(l->f[2], &t))
        return "NLB time is not ISO 8601";
    memset(v, 0, N_N * sizeof *v); /* every column ks_v_null(): all zero bits */
    v[N_TYPE] = txt(l, 0);
    v[N_VERSION] = txt(l, 1);
    v[N_TIME] = ks_v_int(t);
    v[N_ELB] = txt(l, 3);
    v[N_LISTENER] = txt(l, 4);
    ipport(fld(l, 5), &v[N_CLIENT_IP], &v[N_CLIENT_PORT]);
    ipport(fld(l, 6), &v[N_DEST_IP], &v[N_DEST_PORT]);
    v[N_CONN_MS] = real(fld(l, 7));
    v[N_HANDSHAKE_MS] = real(fld(l, 8));
    v[N_RECEIVED] = num(fld(l, 9));
    v[N_SENT] = num(fld(l, 10));
    static const int rest[] = {N_ALERT, N_CERT, N_SERIAL, N_CIPHER, N_TLSVER, N_GROUP,
                               N_DOMAIN, N_ALPN_FE, N_ALPN_BE, N_ALPN_LIST, N_CREATED};
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
        v[rest[i]] = txt(l, 11 + i);
    v[N_EXTRA] = extra_of(l, 11 + sizeof rest / sizeof rest[0], &st->extra);

    ev->time = t;
    ev->host = sv(v[N_ELB]);
    ev->src_ip = sv(v[N_CLIENT_IP]);
    ev->action = KS_STR_LIT("tls connection");
    ev->target = sv(v[N_DOMAIN]);
    if (v[N_ALERT].kind == KS_V_TEXT || (v[N_HANDSHAKE_MS].kind == KS_V_REAL &&
                                         v[N_HANDSHAKE_MS].d < 0))
        ev->outcome = KS_STR_LIT("failure");
    else
        ev->outcome = KS_STR_LIT("success");
    arn_parts(v[N_CERT], &ev->region, &ev->account);
    ks_buf_reset(&st->msg);
    ks_buf_puts(&st->msg, "TLS connection");
    if (v[N_DOMAIN].kind == KS_V_TEXT) {
        ks_buf_puts(&st->msg, " to ");
        ks_buf_append(&st->msg, v[N_DOMAIN].s.p, v[N_DOMAIN].s.n);
    }
    ev->message = (ks_str){st->msg.data, st->msg.len};
    return NULL;
}

static const char *map_classic(elb_state *st, ks_event *ev, ks_val *v)
{
    const elb_line *l = &st->l;
    if (l->n < 13)
        return "Classic ELB line with fewer than 13 fields";
    int64_t t;
    if (iso(l->f[0], &t))
        return "Classic ELB time is not ISO 8601";
    memset(v, 0, E_N * sizeof *v); /* every column ks_v_null(): all zero bits */
    v[E_TIME] = ks_v_int(t);
    v[E_ELB] = txt(l, 1);
    ipport(fld(l, 2), &v[E_REQ_IP], &v[E_REQ_PORT]);
    ipport(fld(l, 3), &v[E_BACKEND_IP], &v[E_BACKEND_PORT]);
    v[E_REQ_PT] = real(fld(l, 4));
    v[E_BACKEND_PT] = real(fld(l, 5));
    v[E_RESP_PT] = real(fld(l, 6));
    v[E_ELB_STATUS] = num(fld(l, 7));
    v[E_BACKEND_STATUS] = num(fld(l, 8));
    v[E_RECEIVED] = num(fld(l, 9));
    v[E_SENT] = num(fld(l, 10));
    request(fld(l, 11), &v[E_VERB], &v[E_URL], &v[E_PROTO]);
    v[E_UA] = txt(l, 12);
    v[E_CIPHER] = txt(l, 13);
    v[E_SSLPROTO] = txt(l, 14);
    v[E_EXTRA] = extra_of(l, 15, &st->extra);

    ev->time = t;
    ev->host = sv(v[E_ELB]);
    ev->src_ip = sv(v[E_REQ_IP]);
    ev->action = v[E_VERB].kind ? v[E_VERB].s : KS_STR_LIT("connection");
    ev->target = sv(v[E_URL]);
    outcome_of(v[E_ELB_STATUS], ev);
    message_of(st, ev, v[E_VERB], v[E_URL], v[E_ELB_STATUS]);
    return NULL;
}

/* 1 ALB, 2 NLB, 3 Classic, 0 unknown — from the first field. */
static int kind_of(const char *p, size_t n)
{
    static const struct {
        const char *s;
        size_t n;
    } alb_types[] = {{"http ", 5}, {"https ", 6}, {"h2 ", 3}, {"grpcs ", 6}, {"ws ", 3},
                     {"wss ", 4}};
    for (size_t i = 0; i < sizeof alb_types / sizeof alb_types[0]; i++) {
        size_t k = alb_types[i].n;
        if (n > k + 20 && !memcmp(p, alb_types[i].s, k) && p[k] >= '1' && p[k] <= '2' &&
            p[k + 4] == '-')
            return 1;
    }
    if (n > 30 && !memcmp(p, "tls ", 4) && p[4] >= '0' && p[4] <= '9')
        return 2;
    if (n > 30 && p[0] >= '1' && p[0] <= '2' && p[4] == '-' && p[7] == '-' && p[10] == 'T')
        return 3;
    return 0;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    const char *p = (const char *)head;
    const char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    int k = kind_of(p, len);
    if (!k)
        return 0;
    /* a Classic line is an ISO time, a name and ip:port fields; the ALB/NLB prefix is
     * already specific */
    if (k == 3) {
        const char *sp1 = memchr(p, ' ', len);
        if (!sp1)
            return 0;
        const char *sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - p));
        if (!sp2 || !memchr(sp2, ':', len - (size_t)(sp2 - p)) || !memchr(p, '"', len))
            return 0;
        return 70;
    }
    return 85;
}

/* Maps one record; NULL and *out_k set, or why it is not a record. */
static const char *map_record(elb_state *st, const char *p, size_t n, bool too_long, int *out_k,
                              ks_event *ev, ks_val *v)
{
    if (too_long)
        return "line longer than 1 MiB (kept truncated)";
    int k = kind_of(p, n);
    *out_k = k;
    if (!k)
        return "not an ALB, NLB or Classic ELB log line";
    const char *why = split(p, n, &st->l);
    if (!why)
        why = k == 1 ? map_alb(st, ev, v) : k == 2 ? map_nlb(st, ev, v) : map_classic(st, ev, v);
    return why;
}

/* A record waiting for its continuation lines. Real logs have one record per line, but
 * copies from the AWS documentation wrap each record over several lines: a line that does
 * not start a record continues the pending one while that one is incomplete. */
typedef struct pending {
    ks_buf text;
    int64_t line, offset;
    bool too_long, active;
} pending;

static int flush(ks_parse_ctx *ctx, elb_state *st, pending *pd, ks_err *err)
{
    if (!pd->active)
        return 0;
    pd->active = false;
    ks_val v[A_N];
    ks_event ev;
    ks_event_init(&ev);
    int k = 0;
    const char *why = map_record(st, pd->text.data, pd->text.len, pd->too_long, &k, &ev, v);
    if (why)
        return ks_sink_error(ctx->sink, pd->line, pd->offset, why, pd->text.data, pd->text.len,
                             err);
    const ks_table_def *t = k == 1 ? &ks_table_alb : k == 2 ? &ks_table_nlb : &ks_table_elb_classic;
    ev.time_desc = k == 2 ? "connection closed" : "response";
    ev.raw = (ks_str){pd->text.data, pd->text.len};
    ev.line = pd->line;
    ev.offset = pd->offset;
    return ks_sink_event(ctx->sink, &ev, t, v, err);
}

typedef struct elb_loop {
    ks_parse_ctx *ctx;
    elb_state *st;
    pending pd;
} elb_loop;

/* A blank line ends the record held; a line that does not start a record may be the rest of
 * the one held, cut by a line break inside a field. */
static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    elb_loop *el = arg;
    elb_state *st = el->st;
    pending *pd = &el->pd;
    if (!n)
        return flush(el->ctx, st, pd, err);
    bool starts = !ln->too_long && kind_of(ln->p, n) != 0;
    if (!starts && pd->active && !pd->too_long) {
        /* Joined if the record still maps with the line added, or did not map without
         * it (ALB records map without their trailing fields, so both are tried). */
        ks_val v[A_N];
        ks_event ev;
        int k = 0;
        size_t keep = pd->text.len;
        ks_event_init(&ev);
        bool alone = map_record(st, pd->text.data, pd->text.len, false, &k, &ev, v) == NULL;
        if (ks_buf_putc(&pd->text, ' ') == 0 && ks_buf_append(&pd->text, ln->p, n) == 0) {
            ks_event_init(&ev);
            if (!alone || map_record(st, pd->text.data, pd->text.len, false, &k, &ev, v) == NULL)
                return 0;
        }
        pd->text.len = keep;
    }
    int rc = flush(el->ctx, st, pd, err);
    if (rc)
        return rc;
    ks_buf_reset(&pd->text);
    if (ks_buf_append(&pd->text, ln->p, n) != 0)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    pd->line = ln->lineno;
    pd->offset = ln->offset;
    pd->too_long = ln->too_long;
    pd->active = true;
    return 0;
}

/* ks_lineloop_finish's view of flush */
static int elb_flush_held(void *arg, ks_err *err)
{
    elb_loop *el = arg;
    return flush(el->ctx, el->st, &el->pd, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    elb_loop el = {.ctx = ctx};
    ks_buf_init(&el.pd.text, ELB_MAX_LINE + 1);
    elb_state *st = el.st = calloc(1, sizeof *st);
    if (!st) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    ks_buf_init(&st->extra, 1 << 21);
    ks_buf_init(&st->msg, 1 << 13);
    bool failed = false;
    rc = ks_lineloop_ex(ctx->in, ELB_MAX_LINE, KS_LL_TRIM_CR | KS_LL_TRIM_SPACE, on_line, &el,
                        &failed, err);
    rc = ks_lineloop_finish(rc, failed, ctx->sink, el.pd.active, el.pd.line,
                            el.pd.offset, elb_flush_held, &el, err);
done:
    ks_buf_free(&el.pd.text);
    if (st) {
        ks_buf_free(&st->extra);
        ks_buf_free(&st->msg);
        free(st);
    }
    return rc;
}

const ks_parser ks_parser_elb = {
    "elb",
    "Elastic Load Balancing access logs: ALB (all fields, later ones in extra), NLB TLS, Classic",
    (const ks_table_def *const[]){&ks_table_alb, &ks_table_nlb, &ks_table_elb_classic, NULL},
    sniff,
    parse,
};
