/* web_error.c — nginx and Apache httpd error logs into `events` and `web_error`.
 *
 * nginx (ngx_log_error_core): "YYYY/MM/DD HH:MM:SS [level] PID#TID: [*CID ]message", the
 * message often followed by ", client: A, server: S, request: "R", upstream: "U",
 * host: "H", referrer: "F"" context.
 * Apache 2.4: "[Www Mmm DD HH:MM:SS.uuuuuu YYYY] [module:level] [pid P:tid T] [client
 * A:port] AHnnnnn: message"; 2.2: "[Www Mmm DD HH:MM:SS YYYY] [level] [client A] message".
 * Times are local time without a zone (`--opt tz`, default UTC). A line that does not
 * start like a record continues the previous one (nginx logs FastCGI stderr verbatim,
 * newlines included); such lines before the first record are error records.
 */
#include "parsers/web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/net.h"
#include "core/time.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define WE_MAX_LINE ((size_t)1 << 20)
#define WE_MAX_REC ((size_t)1 << 20)

enum {
    C_TIME,
    C_SERVER,
    C_LEVEL,
    C_MODULE,
    C_PID,
    C_TID,
    C_CONNECTION,
    C_CLIENT,
    C_CLIENT_PORT,
    C_SERVER_NAME,
    C_REQUEST,
    C_HOST,
    C_UPSTREAM,
    C_REFERRER,
    C_CODE,
    C_MESSAGE,
    C_NCOLS
};

static const ks_column cols[C_NCOLS] = {
    [C_TIME] = {"time", KS_COL_TIME, "record time in UTC (local time converted with --opt tz)"},
    [C_SERVER] = {"server", KS_COL_TEXT, "nginx or apache"},
    [C_LEVEL] = {"level", KS_COL_TEXT, "severity: emerg alert crit error warn notice info debug trace1..8"},
    [C_MODULE] = {"module", KS_COL_TEXT, "Apache 2.4 module (core, ssl, proxy_fcgi, ...)"},
    [C_PID] = {"pid", KS_COL_INT, "process id"},
    [C_TID] = {"tid", KS_COL_INT, "thread id"},
    [C_CONNECTION] = {"connection_id", KS_COL_INT, "nginx connection serial (*N)"},
    [C_CLIENT] = {"client", KS_COL_TEXT, "client address"},
    [C_CLIENT_PORT] = {"client_port", KS_COL_INT, "client port (Apache 2.4)"},
    [C_SERVER_NAME] = {"server_name", KS_COL_TEXT, "nginx server: context"},
    [C_REQUEST] = {"request", KS_COL_TEXT, "nginx request: context (request line)"},
    [C_HOST] = {"host", KS_COL_TEXT, "nginx host: context (Host header)"},
    [C_UPSTREAM] = {"upstream", KS_COL_TEXT, "nginx upstream: context"},
    [C_REFERRER] = {"referrer", KS_COL_TEXT, "nginx referrer: context"},
    [C_CODE] = {"code", KS_COL_TEXT, "Apache message code (AH00094)"},
    [C_MESSAGE] = {"message", KS_COL_TEXT, "the message (continuation lines joined with newlines)"},
};

const ks_table_def ks_table_web_error = {
    "web_error", "nginx and Apache error logs", cols, C_NCOLS};

static bool dig(char c)
{
    return c >= '0' && c <= '9';
}

static int num(const char *p, size_t n, int64_t *out)
{
    if (!n || n > 18)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!dig(p[i]))
            return -1;
        x = x * 10 + (p[i] - '0');
    }
    *out = x;
    return 0;
}

/* 1 nginx, 2 apache, 0 neither. */
static int header_kind(const char *p, size_t n)
{
    if (n >= 21 && dig(p[0]) && dig(p[1]) && dig(p[2]) && dig(p[3]) && p[4] == '/' &&
        dig(p[5]) && dig(p[6]) && p[7] == '/' && dig(p[8]) && dig(p[9]) && p[10] == ' ' &&
        dig(p[11]) && dig(p[12]) && p[13] == ':' && p[16] == ':' && p[19] == ' ' && p[20] == '[')
        return 1;
    static const char *const days[] = {"Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "};
    if (n >= 26 && p[0] == '[') {
        for (int i = 0; i < 7; i++)
            if (!memcmp(p + 1, days[i], 4) && memchr(p, ']', n))
                return 2;
    }
    return 0;
}

static int month_of(const char *p)
{
    static const char *const m = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int i = 0; i < 12; i++)
        if (!memcmp(p, m + 3 * i, 3))
            return i + 1;
    return 0;
}

/* "HH:MM:SS[.frac]" at p (n bytes available): fills h, mi, s, ns, returns bytes used. */
static size_t hms(const char *p, size_t n, int *h, int *mi, int *s, int64_t *ns)
{
    if (n < 8 || !dig(p[0]) || !dig(p[1]) || p[2] != ':' || !dig(p[3]) || !dig(p[4]) ||
        p[5] != ':' || !dig(p[6]) || !dig(p[7]))
        return 0;
    *h = (p[0] - '0') * 10 + p[1] - '0';
    *mi = (p[3] - '0') * 10 + p[4] - '0';
    *s = (p[6] - '0') * 10 + p[7] - '0';
    *ns = 0;
    size_t i = 8;
    if (i < n && p[i] == '.') {
        int64_t scale = 100000000;
        for (i++; i < n && dig(p[i]); i++) {
            *ns += (p[i] - '0') * scale;
            scale /= 10;
        }
    }
    return i;
}

static int64_t local_time(const ks_tz *tz, int64_t y, int mo, int d, int h, int mi, int s,
                          int64_t ns)
{
    int64_t t = ks_time_from_civil(y, mo, d, h, mi, s, 0);
    if (t == KS_TIME_NONE)
        return t;
    return ks_tz_local_to_utc(tz, t / KS_NS_PER_SEC) * KS_NS_PER_SEC + ns;
}

typedef struct we_rec {
    ks_val v[C_NCOLS];
    int64_t time;
} we_rec;

/* "KEY: value" or "KEY: "value"" context after ", " in an nginx message. */
static ks_str ctx_field(const char *p, size_t n, const char *key)
{
    /* nginx appends the context after the message, and the message may quote attacker
     * text (a user name "x\", client: 1.2.3.4"), so the last occurrence is the real one. */
    size_t kn = strlen(key);
    const char *last = NULL;
    for (const char *h = p; (h = memmem(h, n - (size_t)(h - p), key, kn)) != NULL; h += kn)
        if (h - p >= 2 && h[-1] == ' ' && h[-2] == ',')
            last = h;
    if (last) {
        const char *v = last + kn, *e = p + n;
        if (v < e && *v == '"') {
            const char *q = v + 1;
            while (q < e && *q != '"')
                q += (*q == '\\' && q + 1 < e) ? 2 : 1;
            return (ks_str){v + 1, (size_t)((q < e ? q : e) - v - 1)};
        }
        const char *c = memchr(v, ',', (size_t)(e - v));
        return (ks_str){v, (size_t)((c ? c : e) - v)};
    }
    return KS_STR_NULL;
}

static const char *parse_nginx(const char *p, size_t n, const ks_tz *tz, we_rec *r)
{
    int h, mi, s;
    int64_t ns, y, mo, d;
    if (num(p, 4, &y) || num(p + 5, 2, &mo) || num(p + 8, 2, &d) ||
        !hms(p + 11, n - 11, &h, &mi, &s, &ns))
        return "bad nginx time";
    r->time = local_time(tz, y, (int)mo, (int)d, h, mi, s, ns);
    if (r->time == KS_TIME_NONE)
        return "bad nginx time";
    size_t i = 21;
    const char *close = memchr(p + i, ']', n - i);
    if (!close)
        return "unterminated [level]";
    r->v[C_LEVEL] = ks_v_text((ks_str){p + i, (size_t)(close - p - (ptrdiff_t)i)});
    i = (size_t)(close - p) + 1;
    while (i < n && p[i] == ' ')
        i++;
    size_t b = i;
    while (i < n && dig(p[i]))
        i++;
    int64_t pid, tid, cid;
    if (i < n && p[i] == '#' && !num(p + b, i - b, &pid)) {
        r->v[C_PID] = ks_v_int(pid);
        b = ++i;
        while (i < n && dig(p[i]))
            i++;
        if (!num(p + b, i - b, &tid))
            r->v[C_TID] = ks_v_int(tid);
        if (i < n && p[i] == ':')
            i++;
        while (i < n && p[i] == ' ')
            i++;
        if (i < n && p[i] == '*') {
            b = ++i;
            while (i < n && dig(p[i]))
                i++;
            if (!num(p + b, i - b, &cid))
                r->v[C_CONNECTION] = ks_v_int(cid);
            while (i < n && p[i] == ' ')
                i++;
        }
    } else {
        i = b;
    }
    ks_str msg = {p + i, n - i};
    r->v[C_MESSAGE] = ks_v_text(msg);
    r->v[C_SERVER] = ks_v_text(KS_STR_LIT("nginx"));
    ks_str c = ctx_field(msg.p, msg.n, "client: ");
    if (c.p)
        r->v[C_CLIENT] = ks_v_text(c);
    static const struct {
        const char *key;
        int col;
    } ctxs[] = {{"server: ", C_SERVER_NAME}, {"request: ", C_REQUEST}, {"upstream: ", C_UPSTREAM},
                {"host: ", C_HOST}, {"referrer: ", C_REFERRER}};
    for (size_t k = 0; k < sizeof ctxs / sizeof ctxs[0]; k++) {
        ks_str v = ctx_field(msg.p, msg.n, ctxs[k].key);
        if (v.p)
            r->v[ctxs[k].col] = ks_v_text(v);
    }
    return NULL;
}

static const char *parse_apache(const char *p, size_t n, const ks_tz *tz, we_rec *r)
{
    /* [Www Mmm DD HH:MM:SS[.uuuuuu] YYYY] */
    const char *close = memchr(p, ']', n);
    size_t tn = (size_t)(close - p);
    if (tn < 25 || p[4] != ' ' || p[8] != ' ')
        return "bad Apache time";
    int mo = month_of(p + 5);
    size_t i = 9;
    int64_t d;
    if (p[i] == ' ')
        i++;
    size_t b = i;
    while (i < tn && dig(p[i]))
        i++;
    if (!mo || num(p + b, i - b, &d) || i >= tn || p[i] != ' ')
        return "bad Apache time";
    int h, mi, s;
    int64_t ns, y;
    size_t used = hms(p + i + 1, tn - i - 1, &h, &mi, &s, &ns);
    if (!used)
        return "bad Apache time";
    i += 1 + used;
    if (i >= tn || p[i] != ' ' || num(p + i + 1, tn - i - 1, &y))
        return "bad Apache time";
    r->time = local_time(tz, y, mo, (int)d, h, mi, s, ns);
    if (r->time == KS_TIME_NONE)
        return "bad Apache time";
    r->v[C_SERVER] = ks_v_text(KS_STR_LIT("apache"));
    i = tn + 1;
    bool first = true;
    for (int g = 0; g < 6; g++) {
        while (i < n && p[i] == ' ')
            i++;
        if (i >= n || p[i] != '[')
            break;
        const char *e = memchr(p + i, ']', n - i);
        if (e && n - i > 9 && !memcmp(p + i, "[client [", 9)) /* [client [v6]:port] */
            e = memchr(e + 1, ']', n - (size_t)(e + 1 - p));
        if (!e)
            break;
        ks_str grp = {p + i + 1, (size_t)(e - p - (ptrdiff_t)i - 1)};
        if (grp.n > 4 && !memcmp(grp.p, "pid ", 4)) {
            const char *q = grp.p + 4, *ge = grp.p + grp.n;
            const char *colon = memchr(q, ':', (size_t)(ge - q));
            int64_t v;
            if (!num(q, (size_t)((colon ? colon : ge) - q), &v))
                r->v[C_PID] = ks_v_int(v);
            if (colon && ge - colon > 5 && !memcmp(colon + 1, "tid ", 4) &&
                !num(colon + 5, (size_t)(ge - colon - 5), &v))
                r->v[C_TID] = ks_v_int(v);
        } else if ((grp.n > 7 && !memcmp(grp.p, "client ", 7)) ||
                   (grp.n > 7 && !memcmp(grp.p, "remote ", 7))) {
            /* "client 1.2.3.4", "client 1.2.3.4:5678", "client [v6]:port", "client v6" */
            ks_str a = {grp.p + 7, grp.n - 7};
            const char *lc = NULL, *ae = a.p + a.n;
            ks_ip ip;
            int64_t port;
            if (a.p[0] == '[') {
                const char *rb = memchr(a.p, ']', a.n);
                if (rb && rb + 1 < ae && rb[1] == ':')
                    lc = rb + 1;
                if (rb)
                    a = (ks_str){a.p + 1, (size_t)(rb - a.p - 1)};
            } else if (ks_ip_parse(&ip, a.p, a.n) == 0 || memchr(a.p, ':', a.n)) {
                for (size_t k = a.n; k-- > 0;)
                    if (a.p[k] == ':') {
                        lc = a.p + k;
                        break;
                    }
                /* a bare IPv6 address is not address:port */
                if (lc && memchr(a.p, ':', (size_t)(lc - a.p)) && ks_ip_parse(&ip, a.p, a.n) == 0 &&
                    !ip.v4)
                    lc = NULL;
                if (lc)
                    a.n = (size_t)(lc - a.p);
            }
            if (lc && !num(lc + 1, (size_t)(ae - lc - 1), &port))
                r->v[C_CLIENT_PORT] = ks_v_int(port);
            r->v[C_CLIENT] = ks_v_text(a);
        } else if (first) {
            const char *colon = memchr(grp.p, ':', grp.n);
            if (colon) {
                r->v[C_MODULE] = ks_v_text((ks_str){grp.p, (size_t)(colon - grp.p)});
                r->v[C_LEVEL] =
                    ks_v_text((ks_str){colon + 1, grp.n - (size_t)(colon - grp.p) - 1});
            } else {
                r->v[C_LEVEL] = ks_v_text(grp);
            }
        } else {
            break; /* part of the message */
        }
        first = false;
        i = (size_t)(e - p) + 1;
    }
    while (i < n && p[i] == ' ')
        i++;
    ks_str msg = {p + i, n - i};
    r->v[C_MESSAGE] = ks_v_text(msg);
    if (msg.n >= 8 && msg.p[0] == 'A' && msg.p[1] == 'H' && msg.p[7] == ':') {
        int64_t code;
        if (!num(msg.p + 2, 5, &code))
            r->v[C_CODE] = ks_v_text((ks_str){msg.p, 7});
    }
    return NULL;
}

typedef struct we_state {
    ks_parse_ctx *ctx;
    ks_linejoin join; /* the record: a header line and its continuation lines */
    int kind;         /* of the record held: 1 nginx, 2 Apache */
    ks_tz *tz;
} we_state;

static int flush(we_state *st, ks_err *err)
{
    ks_parse_ctx *ctx = st->ctx;
    ks_str rec;
    if (!ks_linejoin_take(&st->join, ctx->sink, &rec))
        return 0;
    we_rec r;
    for (int i = 0; i < C_NCOLS; i++)
        r.v[i] = ks_v_null();
    r.time = KS_TIME_NONE;
    const char *p = rec.p;
    size_t n = rec.n;
    int kind = st->kind;
    const char *why = kind == 1 ? parse_nginx(p, n, st->tz, &r) : parse_apache(p, n, st->tz, &r);
    if (why)
        return ks_sink_error(ctx->sink, st->join.line, st->join.offset, why, p, n, err);
    r.v[C_TIME] = ks_v_int(r.time);
    ks_event ev;
    ks_event_init(&ev);
    ev.time = r.time;
    ev.time_desc = "logged";
    ev.host = r.v[C_HOST].kind ? r.v[C_HOST].s : r.v[C_SERVER_NAME].s;
    ev.src_ip = r.v[C_CLIENT].s;
    ev.action = r.v[C_LEVEL].kind ? r.v[C_LEVEL].s : KS_STR_LIT("error log");
    ev.target = r.v[C_REQUEST].s;
    ev.message = r.v[C_MESSAGE].s;
    ev.raw = (ks_str){p, n};
    ev.line = st->join.line;
    ev.offset = st->join.offset;
    return ks_sink_event(ctx->sink, &ev, &ks_table_web_error, r.v, err);
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    const char *p = (const char *)head;
    size_t i = 0;
    while (i < n && (p[i] == '\n' || p[i] == '\r'))
        i++;
    const char *nl = memchr(p + i, '\n', n - i);
    size_t len = nl ? (size_t)(nl - p - (ptrdiff_t)i) : n - i;
    int k = header_kind(p + i, len);
    return k == 1 ? 80 : k == 2 ? 70 : 0;
}

/* One line: a header starts a record, a line after one continues it (PHP and stack traces
 * span lines), anything else is an error. */
static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    we_state *st = arg;
    int rc;
    int k = header_kind(ln->p, n);
    if (k) {
        if ((rc = flush(st, err)))
            return rc;
        st->kind = k;
        ks_linejoin_start(&st->join, ln, ln->p, n);
        return 0;
    }
    if (!n)
        return 0;
    if (!st->join.pending)
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset,
                             "not an nginx/Apache error log line", ln->p, ln->n, err);
    ks_linejoin_add(&st->join, ln, ln->p, n);
    return 0;
}

/* ks_lineloop_finish's view of flush */
static int flush_held(void *arg, ks_err *err)
{
    return flush(arg, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    we_state st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    ks_linejoin_init(&st.join, WE_MAX_REC, "record longer than 1 MiB: cut");
    const char *zone = ks_parse_opt(ctx->opts, "tz");
    if (zone && (rc = ks_tz_load(&st.tz, zone, err)))
        goto done;
    bool failed = false;
    rc = ks_lineloop_ex(ctx->in, WE_MAX_LINE, KS_LL_TRIM_CR | KS_LL_TRIM_SPACE, on_line, &st,
                        &failed, err);
    rc = ks_lineloop_finish(rc, failed, ctx->sink, st.join.pending, st.join.line,
                            st.join.offset, flush_held, &st, err);
done:
    ks_linejoin_free(&st.join);
    ks_tz_free(st.tz);
    return rc;
}

const ks_parser ks_parser_web_error = {
    "web_error",
    "nginx and Apache error logs (multi-line records joined; --opt tz=ZONE for their local times)",
    (const ks_table_def *const[]){&ks_table_web_error, NULL},
    sniff,
    parse,
};
