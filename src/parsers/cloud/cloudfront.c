/* cloudfront.c — CloudFront standard logs into `events` and `cloudfront`.
 *
 * Layout ("Standard logging (access logs)", CloudFront Developer Guide): "#Version: 1.0",
 * "#Fields: date time x-edge-location ..." then one tab-separated line per request, "-" for
 * absent values; URI stem, query, referer, user agent and cookie are URL-encoded as CloudFront
 * writes them (kept so; `path` is the decoded stem). The #Fields line drives the column
 * mapping, so files with fewer (older) or more (newer) fields read correctly; without one the
 * current 33-field order is assumed. Fields not known here go to `extra`.
 */
#include "parsers/cloud/cloudfront.h"

#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/time.h"
#include "core/url.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define CF_MAX_LINE ((size_t)1 << 20)
#define CF_MAX_FIELDS 64

/* W3C field name -> column (same index in cols[]). */
static const char *const wnames[] = {
    "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)",
    "cs-uri-stem", "sc-status", "cs(Referer)", "cs(User-Agent)", "cs-uri-query", "cs(Cookie)",
    "x-edge-result-type", "x-edge-request-id", "x-host-header", "cs-protocol", "cs-bytes",
    "time-taken", "x-forwarded-for", "ssl-protocol", "ssl-cipher",
    "x-edge-response-result-type", "cs-protocol-version", "fle-status",
    "fle-encrypted-fields", "c-port", "time-to-first-byte", "x-edge-detailed-result-type",
    "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end"};
#define N_W (sizeof wnames / sizeof wnames[0])
enum { W_DATE, W_TIME, W_LOC, W_SCBYTES, W_CIP, W_METHOD, W_HOST, W_URI, W_STATUS, W_REF, W_UA,
       W_QUERY, W_COOKIE, W_RESULT, W_REQID, W_HOSTHDR, W_PROTO, W_CSBYTES, W_TAKEN, W_XFF };
#define C_TS N_W
#define C_PATH (N_W + 1)
#define C_EXTRA (N_W + 2)
#define C_N (N_W + 3)

static const ks_column cols[C_N] = {
    {"date", KS_COL_TEXT, "date (UTC) as written"},
    {"time", KS_COL_TEXT, "time (UTC) as written"},
    {"location", KS_COL_TEXT, "edge location (airport code + number)"},
    {"bytes", KS_COL_INT, "bytes served to the viewer"},
    {"request_ip", KS_COL_TEXT, "viewer address (c-ip)"},
    {"method", KS_COL_TEXT, "HTTP method"},
    {"host", KS_COL_TEXT, "distribution domain (cs(Host))"},
    {"uri", KS_COL_TEXT, "URI stem as logged (URL-encoded)"},
    {"status", KS_COL_INT, "HTTP status (0: the viewer closed the connection)"},
    {"referrer", KS_COL_TEXT, "Referer (URL-encoded)"},
    {"user_agent", KS_COL_TEXT, "User-Agent (URL-encoded)"},
    {"query_string", KS_COL_TEXT, "query string (URL-encoded)"},
    {"cookie", KS_COL_TEXT, "Cookie header (URL-encoded)"},
    {"result_type", KS_COL_TEXT, "Hit, RefreshHit, Miss, LimitExceeded, CapacityExceeded, Error, Redirect"},
    {"request_id", KS_COL_TEXT, "request id"},
    {"host_header", KS_COL_TEXT, "Host header the viewer sent"},
    {"request_protocol", KS_COL_TEXT, "http, https, ws, wss"},
    {"request_bytes", KS_COL_INT, "request bytes"},
    {"time_taken", KS_COL_REAL, "seconds"},
    {"xforwarded_for", KS_COL_TEXT, "X-Forwarded-For the viewer sent"},
    {"ssl_protocol", KS_COL_TEXT, "TLS protocol"},
    {"ssl_cipher", KS_COL_TEXT, "TLS cipher"},
    {"response_result_type", KS_COL_TEXT, "result type sent to the viewer"},
    {"http_version", KS_COL_TEXT, "HTTP version"},
    {"fle_status", KS_COL_TEXT, "field-level encryption status"},
    {"fle_encrypted_fields", KS_COL_INT, "field-level encrypted fields"},
    {"c_port", KS_COL_INT, "viewer port"},
    {"time_to_first_byte", KS_COL_REAL, "seconds"},
    {"x_edge_detailed_result_type", KS_COL_TEXT, "detailed result (OriginShieldHit, ClientCommError, ...)"},
    {"sc_content_type", KS_COL_TEXT, "Content-Type"},
    {"sc_content_len", KS_COL_INT, "Content-Length"},
    {"sc_range_start", KS_COL_INT, "range start"},
    {"sc_range_end", KS_COL_INT, "range end"},
    {"timestamp", KS_COL_TIME, "date + time as UTC"},
    {"path", KS_COL_TEXT, "URI stem percent-decoded"},
    {"extra", KS_COL_JSON, "fields of the #Fields line not listed here (JSON object)"},
};
const ks_table_def ks_table_cloudfront = {"cloudfront", "Amazon CloudFront standard logs", cols,
                                          C_N};

typedef struct cf_state {
    ks_parse_ctx *ctx;
    int map[CF_MAX_FIELDS];
    char names[CF_MAX_FIELDS][48];
    size_t nf;
    ks_str f[CF_MAX_FIELDS];
    char path[CF_MAX_LINE];
    ks_buf extra, msg;
} cf_state;

static int lookup(const char *p, size_t n)
{
    for (size_t i = 0; i < N_W; i++)
        if (strlen(wnames[i]) == n && !memcmp(wnames[i], p, n))
            return (int)i;
    return -1;
}

static void set_fields(cf_state *st, const char *p, size_t n)
{
    st->nf = 0;
    size_t i = 0;
    while (i < n && st->nf < CF_MAX_FIELDS) {
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        size_t b = i;
        while (i < n && p[i] != ' ' && p[i] != '\t')
            i++;
        if (i == b)
            break;
        st->map[st->nf] = lookup(p + b, i - b);
        size_t cn = i - b < sizeof st->names[0] - 1 ? i - b : sizeof st->names[0] - 1;
        memcpy(st->names[st->nf], p + b, cn);
        st->names[st->nf][cn] = '\0';
        st->nf++;
    }
}

static ks_val num(ks_str s, bool real)
{
    if (!s.p || !s.n || (s.n == 1 && s.p[0] == '-') || s.n > 30)
        return ks_v_null();
    char tmp[32];
    memcpy(tmp, s.p, s.n);
    tmp[s.n] = '\0';
    char *e = NULL;
    if (real) {
        double d = strtod(tmp, &e);
        return e == tmp + s.n ? ks_v_real(d) : ks_v_null();
    }
    long long x = strtoll(tmp, &e, 10);
    return e == tmp + s.n ? ks_v_int(x) : ks_v_null();
}

static const char *map(cf_state *st, const char *p, size_t n, ks_val *v, ks_event *ev)
{
    size_t nt = 0, i = 0;
    for (;;) { /* tab-separated; every tab separates (empty fields stay) */
        const char *t = memchr(p + i, '\t', n - i);
        size_t e = t ? (size_t)(t - p) : n;
        if (nt == CF_MAX_FIELDS)
            return "more than 64 fields";
        st->f[nt++] = (ks_str){p + i, e - i};
        if (!t)
            break;
        i = e + 1;
    }
    while (nt > st->nf && st->f[nt - 1].n == 0)
        nt--; /* a trailing tab (files edited by hand) adds an empty value, not a field */
    if (nt != st->nf)
        return "number of values differs from the #Fields line";
    for (size_t c = 0; c < C_N; c++)
        v[c] = ks_v_null();
    ks_buf_reset(&st->extra);
    for (size_t k = 0; k < nt; k++) {
        ks_str s = st->f[k];
        int c = st->map[k];
        if (c < 0) {
            ks_buf_putc(&st->extra, st->extra.len ? ',' : '{');
            ks_escape_json(&st->extra, st->names[k], strlen(st->names[k]));
            ks_buf_putc(&st->extra, ':');
            ks_escape_json(&st->extra, s.p, s.n);
            continue;
        }
        if (s.n == 1 && s.p[0] == '-')
            continue;
        if (cols[c].type == KS_COL_INT || cols[c].type == KS_COL_REAL)
            v[c] = num(s, cols[c].type == KS_COL_REAL);
        else
            v[c] = ks_v_text(s);
    }
    if (st->extra.len && !ks_buf_putc(&st->extra, '}'))
        v[C_EXTRA] = ks_v_text((ks_str){st->extra.data, st->extra.len});
    if (v[W_DATE].kind != KS_V_TEXT || v[W_TIME].kind != KS_V_TEXT)
        return "no date/time";
    char ts[64];
    if (v[W_DATE].s.n + v[W_TIME].s.n + 1 >= sizeof ts)
        return "bad date/time";
    memcpy(ts, v[W_DATE].s.p, v[W_DATE].s.n);
    ts[v[W_DATE].s.n] = 'T';
    memcpy(ts + v[W_DATE].s.n + 1, v[W_TIME].s.p, v[W_TIME].s.n);
    int64_t t;
    if (ks_time_parse_iso8601(ts, v[W_DATE].s.n + 1 + v[W_TIME].s.n, NULL, &t))
        return "bad date/time";
    v[C_TS] = ks_v_int(t);
    if (v[W_URI].kind == KS_V_TEXT) {
        size_t m = ks_url_decode(st->path, v[W_URI].s.p, v[W_URI].s.n);
        v[C_PATH] = ks_v_text((ks_str){st->path, m});
    }
    ks_event_init(ev);
    ev->time = t;
    ev->time_desc = "request";
    ev->src_ip = v[W_CIP].s;
    ev->action = v[W_METHOD].kind ? v[W_METHOD].s : KS_STR_LIT("request");
    ev->target = v[C_PATH].s;
    ev->host = v[W_HOST].s;
    if (v[W_STATUS].kind == KS_V_INT)
        ev->outcome = v[W_STATUS].i >= 400 || v[W_STATUS].i == 0 ? KS_STR_LIT("failure")
                                                                : KS_STR_LIT("success");
    ks_buf_reset(&st->msg);
    if (v[W_METHOD].kind)
        ks_buf_append(&st->msg, v[W_METHOD].s.p, v[W_METHOD].s.n);
    ks_buf_putc(&st->msg, ' ');
    if (v[W_URI].kind)
        ks_buf_append(&st->msg, v[W_URI].s.p, v[W_URI].s.n > 2048 ? 2048 : v[W_URI].s.n);
    if (v[W_QUERY].kind) {
        ks_buf_putc(&st->msg, '?');
        ks_buf_append(&st->msg, v[W_QUERY].s.p, v[W_QUERY].s.n > 2048 ? 2048 : v[W_QUERY].s.n);
    }
    if (v[W_STATUS].kind == KS_V_INT)
        ks_buf_printf(&st->msg, " -> %lld", (long long)v[W_STATUS].i);
    if (v[W_RESULT].kind) {
        ks_buf_putc(&st->msg, ' ');
        ks_buf_append(&st->msg, v[W_RESULT].s.p, v[W_RESULT].s.n);
    }
    ev->message = (ks_str){st->msg.data, st->msg.len};
    return NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (ks_sniff_has(head, n < 512 ? n : 512, "#Fields: date time x-edge-location"))
        return 95;
    if (n > 14 && !memcmp(head, "#Version: 1.0", 13) && ks_sniff_has(head, n, "x-edge-"))
        return 90;
    return 0;
}

static const char *const default_fields =
    "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
    "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id "
    "x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
    "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port "
    "time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len "
    "sc-range-start sc-range-end";

static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    cf_state *st = arg;
    if (ln->p[0] == '#') { /* W3C directives */
        if (n > 9 && !memcmp(ln->p, "#Fields:", 8))
            set_fields(st, ln->p + 8, n - 8);
        return 0;
    }
    ks_val v[C_N];
    ks_event ev;
    const char *why = ln->too_long ? "line longer than 1 MiB (kept truncated)"
                                   : map(st, ln->p, n, v, &ev);
    if (why)
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, why, ln->p, ln->n, err);
    ev.raw = (ks_str){ln->p, n};
    ev.line = ln->lineno;
    ev.offset = ln->offset;
    return ks_sink_event(st->ctx->sink, &ev, &ks_table_cloudfront, v, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    cf_state *st = calloc(1, sizeof *st);
    if (!st) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    st->ctx = ctx;
    ks_buf_init(&st->extra, 1 << 21);
    ks_buf_init(&st->msg, 1 << 13);
    set_fields(st, default_fields, strlen(default_fields));
    rc = ks_lineloop(ctx->in, CF_MAX_LINE, KS_LL_TRIM_CR | KS_LL_SKIP_EMPTY, on_line, st, err);
done:
    if (st) {
        ks_buf_free(&st->extra);
        ks_buf_free(&st->msg);
        free(st);
    }
    return rc;
}

const ks_parser ks_parser_cloudfront = {
    "cloudfront",
    "Amazon CloudFront standard logs (W3C, #Fields-driven; later fields in extra)",
    (const ks_table_def *const[]){&ks_table_cloudfront, NULL},
    sniff,
    parse,
};
