/* web_access.c — nginx / Apache access logs into `events` and the `web_access` table.
 *
 * Line layouts (see web.h for the list). Without --opt log-format the reader anchors on
 * the one field every NCSA-derived format has, the bracketed CLF time "[10/Oct/2000:
 * 13:55:36 -0700]", and reads outwards:
 *   before it:  [vhost[:port]] ADDRESS-LIST IDENT USER   (the last two tokens are %l %u;
 *               an address list is "a, b, c" or a quoted list, last = remote address)
 *   after it:   "REQUEST" STATUS [BYTES] ["REFERER" "USER-AGENT" [more fields...]]
 *   or, when the line starts with the time: Apache ssl_request_log
 *               [TIME] ADDR SSL-PROTOCOL SSL-CIPHER "REQUEST" BYTES
 * Quoted fields use the servers' escapes (nginx \xHH, Apache \" \\ \xHH), undone here.
 * The request's closing quote is the one followed by " STATUS": attackers put raw quotes
 * in request lines and Apache (before 2.0.46 / with some modules) logs them unescaped.
 *
 * With --opt log-format, the format is compiled into literals and fields, and each field
 * ends where the next literal begins (inside quotes: at a '"' followed by the literal).
 */
#include "parsers/web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/net.h"
#include "core/time.h"
#include "core/url.h"
#include "parsers/fields.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define WA_MAX_LINE ((size_t)1 << 20)
#define WA_MAX_ADDRS 32
#define WA_MAX_TOKS 64

/* ---- the web_access table -------------------------------------------------------- */
enum {
    C_TIME,
    C_VHOST,
    C_REMOTE_ADDR,
    C_XFF,
    C_CLIENT_IP,
    C_IDENT,
    C_REMOTE_USER,
    C_REQUEST,
    C_METHOD,
    C_URL,
    C_PATH,
    C_QUERY,
    C_PROTOCOL,
    C_STATUS,
    C_BYTES,
    C_REFERER,
    C_USER_AGENT,
    C_REQUEST_TIME,
    C_SSL_PROTOCOL,
    C_SSL_CIPHER,
    C_FORMAT,
    C_EXTRA,
    C_NCOLS
};

static const ks_column cols[C_NCOLS] = {
    [C_TIME] = {"time", KS_COL_TIME, "request time in UTC (the log's own offset applied)"},
    [C_VHOST] = {"vhost", KS_COL_TEXT, "virtual host / server name[:port] when logged"},
    [C_REMOTE_ADDR] = {"remote_addr", KS_COL_TEXT, "peer address of the connection (%h, $remote_addr)"},
    [C_XFF] = {"x_forwarded_for", KS_COL_TEXT, "X-Forwarded-For chain as logged (addresses before the remote address)"},
    [C_CLIENT_IP] = {"client_ip", KS_COL_TEXT, "client after skipping trusted proxies from the right (--opt trusted-proxies)"},
    [C_IDENT] = {"ident", KS_COL_TEXT, "identd name (%l), '-' when absent"},
    [C_REMOTE_USER] = {"remote_user", KS_COL_TEXT, "authenticated user (%u, $remote_user), NULL for '-'"},
    [C_REQUEST] = {"request", KS_COL_TEXT, "request line as received (log escapes undone)"},
    [C_METHOD] = {"method", KS_COL_TEXT, "HTTP method"},
    [C_URL] = {"url", KS_COL_TEXT, "request target as sent (not decoded)"},
    [C_PATH] = {"path", KS_COL_TEXT, "path, percent-decoded"},
    [C_QUERY] = {"query", KS_COL_TEXT, "query string without '?', percent-decoded ('+' kept)"},
    [C_PROTOCOL] = {"protocol", KS_COL_TEXT, "HTTP/1.1, HTTP/2.0, ..."},
    [C_STATUS] = {"status", KS_COL_INT, "response status"},
    [C_BYTES] = {"bytes", KS_COL_INT, "response bytes (%b/%B, $body_bytes_sent); NULL for '-'"},
    [C_REFERER] = {"referer", KS_COL_TEXT, "Referer header, NULL for '-'"},
    [C_USER_AGENT] = {"user_agent", KS_COL_TEXT, "User-Agent header, NULL for '-'"},
    [C_REQUEST_TIME] = {"request_time", KS_COL_REAL, "seconds to serve ($request_time, %T, %D/1e6)"},
    [C_SSL_PROTOCOL] = {"ssl_protocol", KS_COL_TEXT, "TLS protocol (ssl_request_log, $ssl_protocol)"},
    [C_SSL_CIPHER] = {"ssl_cipher", KS_COL_TEXT, "TLS cipher"},
    [C_FORMAT] = {"format", KS_COL_TEXT, "layout recognised: common, combined, vhost_combined, ssl_request, custom"},
    [C_EXTRA] = {"extra", KS_COL_JSON, "other fields (custom format variables, trailing fields) as a JSON object"},
};

const ks_table_def ks_table_web_access = {
    "web_access", "nginx and Apache access logs (common, combined, custom formats)", cols,
    C_NCOLS};

/* ---- fields of a record ---------------------------------------------------------- */
enum {
    F_LIT,
    F_REMOTE_ADDR,
    F_IDENT,
    F_USER,
    F_TIME_CLF,
    F_TIME_ISO,
    F_TIME_MSEC,
    F_REQUEST,
    F_STATUS,
    F_BYTES,
    F_REFERER,
    F_UA,
    F_XFF,
    F_VHOST,
    F_METHOD,
    F_URI,
    F_PATH,
    F_QUERY,
    F_PROTOCOL,
    F_SSL_PROTO,
    F_SSL_CIPHER,
    F_RT_SEC,
    F_RT_USEC,
    F_OTHER,
    F_N
};

typedef struct wtok {
    int kind;
    ks_str lit;   /* F_LIT: points into wfmt.text */
    char name[40]; /* F_OTHER: the variable as written, for `extra` */
} wtok;

typedef struct wfmt {
    wtok t[WA_MAX_TOKS];
    size_t n;
    char text[4096]; /* literals, unescaped */
    size_t textn;
} wfmt;

typedef struct wa_state {
    ks_parse_ctx *ctx;
    wfmt *fmt; /* NULL: automatic */
    ks_cidr_list trusted;
    char *scr; /* scratch for unescaped/decoded values; reset per line */
    size_t scrn, scrcap;
    ks_buf extra, msg;
    ks_str v[F_N];
    ks_str addrs[WA_MAX_ADDRS];
    size_t naddr;
    const char *layout;
} wa_state;

static ks_str scr_unescape(wa_state *st, const char *p, size_t n)
{
    if (!memchr(p, '\\', n))
        return (ks_str){p, n};
    if (!ks_fits(st->scrn, n, st->scrcap))
        return (ks_str){p, n};
    char *o = st->scr + st->scrn;
    size_t m = ks_log_unescape(o, p, n);
    st->scrn += m;
    return (ks_str){o, m};
}

static ks_str scr_urldecode(wa_state *st, ks_str s)
{
    if (!s.p || !memchr(s.p, '%', s.n))
        return s;
    if (!ks_fits(st->scrn, s.n, st->scrcap))
        return s;
    char *o = st->scr + st->scrn;
    size_t m = ks_url_decode(o, s.p, s.n);
    st->scrn += m;
    return (ks_str){o, m};
}

static bool is_dash(ks_str s)
{
    return s.n == 1 && s.p[0] == '-';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ---- scanning helpers -------------------------------------------------------------- */
/* Index of the closing quote of a quoted string whose content starts at i (escape-aware),
 * or n when unterminated. */
static size_t quote_end(const char *p, size_t i, size_t n)
{
    while ((i = ks_fields_scan2(p, i, n, '"', '\\')) < n) {
        if (p[i] == '"')
            return i;
        i += i + 1 < n ? 2 : 1;
    }
    return n;
}

/* The request's closing quote: the first '"' followed by " <digit or ->", else the
 * first closing quote at all. */
static size_t request_end(const char *p, size_t i, size_t n)
{
    size_t first = quote_end(p, i, n);
    for (size_t e = first; e < n; e = quote_end(p, e + 1, n)) {
        if (e + 2 < n && p[e + 1] == ' ' && (is_digit(p[e + 2]) || p[e + 2] == '-'))
            return e;
        if (e + 1 == n)
            return e;
    }
    return first;
}

/* Adds the entries of an address list ("a, b" / "a,b" / "a b") to st->addrs. */
static void add_addrs(wa_state *st, ks_str s)
{
    static const bool sep[256] = {[' '] = true, [','] = true, ['"'] = true};
    const unsigned char *u = (const unsigned char *)s.p;
    size_t i = 0;
    while (i < s.n) {
        while (i < s.n && sep[u[i]])
            i++;
        size_t b = i;
        while (i < s.n && !sep[u[i]])
            i++;
        if (i > b && st->naddr < WA_MAX_ADDRS)
            st->addrs[st->naddr++] = (ks_str){s.p + b, i - b};
    }
}

static bool looks_like_addr_list(ks_str s)
{
    if (!s.n || is_dash(s))
        return false;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (!(is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
              c == ':' || c == ',' || c == ' ' || c == '[' || c == ']'))
            return false;
    }
    return true;
}

static void extra_add(wa_state *st, const char *name, ks_str v)
{
    ks_buf_putc(&st->extra, st->extra.len ? ',' : '{');
    ks_escape_json(&st->extra, name, strlen(name));
    ks_buf_putc(&st->extra, ':');
    ks_escape_json(&st->extra, v.p ? v.p : "", v.n);
}

/* Finds "[CLF time]" preceded by start-of-line or a blank; *tb = '[' index, *te = ']'. */
static bool find_time(const char *p, size_t n, size_t *tb, size_t *te, int64_t *t)
{
    for (size_t i = 0; (i = ks_fields_scan2(p, i, n, '[', '[')) < n; i++) {
        if (i > 0 && p[i - 1] != ' ')
            continue;
        size_t lim = n - i - 1 < 48 ? n - i - 1 : 48;
        const char *close = memchr(p + i + 1, ']', lim);
        if (!close)
            continue;
        size_t c = (size_t)(close - p);
        if (ks_time_parse_clf(p + i + 1, c - i - 1, t) == 0) {
            *tb = i;
            *te = c;
            return true;
        }
    }
    return false;
}

/* After the time: "REQUEST" STATUS [BYTES] [fields...] (or ssl_request's "REQ" BYTES). */
static const char *parse_tail(wa_state *st, const char *p, size_t n, size_t i, bool ssl)
{
    while (i < n && p[i] == ' ')
        i++;
    if (i >= n || p[i] != '"')
        return "no quoted request after the time";
    size_t e = request_end(p, i + 1, n);
    if (e >= n)
        return "unterminated request string";
    st->v[F_REQUEST] = scr_unescape(st, p + i + 1, e - i - 1);
    i = e + 1;
    ks_str toks[2] = {KS_STR_NULL, KS_STR_NULL};
    for (int k = 0; k < (ssl ? 1 : 2); k++) {
        while (i < n && p[i] == ' ')
            i++;
        size_t b = i;
        while (i < n && p[i] != ' ')
            i++;
        if (i == b)
            break;
        toks[k] = (ks_str){p + b, i - b};
        if (!is_dash(toks[k]))
            for (size_t j = 0; j < toks[k].n; j++)
                if (!is_digit(toks[k].p[j]))
                    return k == 0 && !ssl ? "status is not a number" : "bytes is not a number";
    }
    if (ssl) {
        st->v[F_BYTES] = toks[0];
    } else {
        if (!toks[0].p)
            return "no status after the request";
        st->v[F_STATUS] = toks[0];
        st->v[F_BYTES] = toks[1];
    }
    /* Trailing fields: referer, user agent, then anything a site added. */
    int k = 0;
    size_t trail = 0;
    while (i < n) {
        while (i < n && p[i] == ' ')
            i++;
        if (i >= n)
            break;
        ks_str f;
        if (p[i] == '"') {
            size_t q = quote_end(p, i + 1, n);
            if (q >= n)
                return "unterminated quoted field";
            f = scr_unescape(st, p + i + 1, q - i - 1);
            i = q + 1;
        } else {
            size_t b = i;
            i = ks_fields_scan2(p, i, n, ' ', ' ');
            f = (ks_str){p + b, i - b};
        }
        if (k == 0)
            st->v[F_REFERER] = f;
        else if (k == 1)
            st->v[F_UA] = f;
        else if (k == 2 && looks_like_addr_list(f))
            st->v[F_XFF] = f;
        else {
            char name[32];
            snprintf(name, sizeof name, "field%zu", ++trail + 2);
            extra_add(st, name, f);
        }
        k++;
    }
    if (!ssl)
        st->layout = k >= 2 ? "combined" : "common";
    return NULL;
}

static const char *parse_auto(wa_state *st, const char *p, size_t n, int64_t *t)
{
    size_t tb, te;
    if (!find_time(p, n, &tb, &te, t))
        return "no [dd/Mon/yyyy:hh:mm:ss +zone] time field";
    st->v[F_TIME_CLF] = (ks_str){p + tb + 1, te - tb - 1};
    if (tb == 0) { /* ssl_request_log: [time] addr protocol cipher "request" bytes */
        size_t i = te + 1;
        ks_str tk[3] = {KS_STR_NULL, KS_STR_NULL, KS_STR_NULL};
        for (int k = 0; k < 3; k++) {
            while (i < n && p[i] == ' ')
                i++;
            if (i < n && p[i] == '"')
                break;
            size_t b = i;
            while (i < n && p[i] != ' ')
                i++;
            tk[k] = (ks_str){p + b, i - b};
        }
        if (!tk[0].n)
            return "no address after the time";
        st->v[F_REMOTE_ADDR] = tk[0];
        add_addrs(st, tk[0]);
        st->v[F_SSL_PROTO] = tk[1];
        st->v[F_SSL_CIPHER] = tk[2];
        st->layout = "ssl_request";
        return parse_tail(st, p, n, i, true);
    }
    /* Tokens before the time (quoted tokens kept whole). */
    ks_str tok[WA_MAX_TOKS];
    bool quoted[WA_MAX_TOKS];
    size_t nt = 0, i = 0, end = tb;
    while (i < end) {
        while (i < end && p[i] == ' ')
            i++;
        if (i >= end)
            break;
        if (nt == WA_MAX_TOKS)
            return "too many fields before the time";
        if (p[i] == '"') {
            size_t q = quote_end(p, i + 1, end);
            if (q >= end)
                return "unterminated quote before the time";
            tok[nt] = (ks_str){p + i + 1, q - i - 1};
            quoted[nt++] = true;
            i = q + 1;
        } else {
            size_t b = i;
            i = ks_fields_scan2(p, i, end, ' ', ' ');
            tok[nt] = (ks_str){p + b, i - b};
            quoted[nt++] = false;
        }
    }
    if (nt < 3)
        return "expected 'ADDRESS IDENT USER' before the time";
    st->v[F_IDENT] = tok[nt - 2];
    st->v[F_USER] = tok[nt - 1];
    size_t a0 = 0, na = nt - 2;
    if (na >= 2 && !quoted[0] && tok[0].p[tok[0].n - 1] != ',') {
        st->v[F_VHOST] = tok[0];
        a0 = 1;
    }
    for (size_t k = a0; k < na; k++)
        add_addrs(st, tok[k]);
    if (!st->naddr)
        return "no remote address";
    const char *why = parse_tail(st, p, n, te + 1, false);
    if (!why && st->v[F_VHOST].p)
        st->layout = "vhost_combined";
    return why;
}

/* ---- custom formats -------------------------------------------------------------- */
typedef struct varmap {
    const char *name;
    int kind;
} varmap;

static const varmap nginx_vars[] = {
    {"remote_addr", F_REMOTE_ADDR}, {"realip_remote_addr", F_OTHER},
    {"remote_user", F_USER}, {"time_local", F_TIME_CLF}, {"time_iso8601", F_TIME_ISO},
    {"msec", F_TIME_MSEC}, {"request", F_REQUEST}, {"status", F_STATUS},
    {"body_bytes_sent", F_BYTES}, {"http_referer", F_REFERER},
    {"http_user_agent", F_UA}, {"http_x_forwarded_for", F_XFF}, {"host", F_VHOST},
    {"server_name", F_VHOST}, {"http_host", F_VHOST}, {"request_method", F_METHOD},
    {"request_uri", F_URI}, {"uri", F_PATH}, {"document_uri", F_PATH}, {"args", F_QUERY},
    {"query_string", F_QUERY}, {"server_protocol", F_PROTOCOL}, {"ssl_protocol", F_SSL_PROTO},
    {"ssl_cipher", F_SSL_CIPHER}, {"request_time", F_RT_SEC}, {NULL, 0}};

static int fmt_add(wfmt *f, int kind, const char *name, size_t namen)
{
    if (f->n == WA_MAX_TOKS)
        return KS_EUSAGE;
    wtok *t = &f->t[f->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    if (namen >= sizeof t->name)
        namen = sizeof t->name - 1;
    if (name)
        memcpy(t->name, name, namen);
    return 0;
}

/* Appends literal bytes, merging with a preceding literal. */
static int fmt_lit(wfmt *f, const char *s, size_t n)
{
    if (!n)
        return 0;
    if (!ks_fits(f->textn, n, sizeof f->text))
        return KS_EUSAGE;
    if (f->n && f->t[f->n - 1].kind == F_LIT &&
        f->t[f->n - 1].lit.p + f->t[f->n - 1].lit.n == f->text + f->textn) {
        memcpy(f->text + f->textn, s, n);
        f->textn += n;
        f->t[f->n - 1].lit.n += n;
        return 0;
    }
    if (fmt_add(f, F_LIT, NULL, 0))
        return KS_EUSAGE;
    memcpy(f->text + f->textn, s, n);
    f->t[f->n - 1].lit = (ks_str){f->text + f->textn, n};
    f->textn += n;
    return 0;
}

static int compile_nginx(wfmt *f, const char *s, ks_err *err)
{
    for (size_t i = 0; s[i];) {
        if (s[i] != '$') {
            size_t b = i;
            while (s[i] && s[i] != '$')
                i++;
            if (fmt_lit(f, s + b, i - b))
                return KS_ERR(err, KS_EUSAGE, "log-format too long");
            continue;
        }
        i++;
        bool brace = s[i] == '{';
        if (brace)
            i++;
        size_t b = i;
        while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i]) ||
               s[i] == '_')
            i++;
        size_t nn = i - b;
        if (brace) {
            if (s[i] != '}')
                return KS_ERR(err, KS_EUSAGE, "log-format: unclosed ${ at byte %zu", b);
            i++;
        }
        if (!nn)
            return KS_ERR(err, KS_EUSAGE, "log-format: '$' without a variable name");
        int kind = F_OTHER;
        for (const varmap *m = nginx_vars; m->name; m++)
            if (strlen(m->name) == nn && !memcmp(m->name, s + b, nn))
                kind = m->kind;
        if (nn == 10 && !memcmp(s + b, "bytes_sent", 10))
            kind = F_OTHER;
        if (fmt_add(f, kind, s + b, nn))
            return KS_ERR(err, KS_EUSAGE, "log-format has too many fields");
    }
    return 0;
}

static bool ieq(const char *a, size_t n, const char *lit)
{
    return strlen(lit) == n && !strncasecmp(a, lit, n);
}

static int compile_apache(wfmt *f, const char *s, ks_err *err)
{
    for (size_t i = 0; s[i];) {
        if (s[i] == '\\' && s[i + 1]) { /* LogFormat strings are C-like: \" \t \n */
            char c = s[i + 1] == 't' ? '\t' : s[i + 1] == 'n' ? '\n' : s[i + 1];
            if (fmt_lit(f, &c, 1))
                return KS_ERR(err, KS_EUSAGE, "log-format too long");
            i += 2;
            continue;
        }
        if (s[i] != '%') {
            if (fmt_lit(f, s + i, 1))
                return KS_ERR(err, KS_EUSAGE, "log-format too long");
            i++;
            continue;
        }
        size_t start = i++;
        if (s[i] == '%') {
            if (fmt_lit(f, "%", 1))
                return KS_ERR(err, KS_EUSAGE, "log-format too long");
            i++;
            continue;
        }
        /* modifiers: status conditions (!400,501), < > */
        while (s[i] == '!' || s[i] == ',' || s[i] == '<' || s[i] == '>' || is_digit(s[i]))
            i++;
        const char *arg = NULL;
        size_t argn = 0;
        if (s[i] == '{') {
            arg = s + i + 1;
            const char *close = strchr(arg, '}');
            if (!close)
                return KS_ERR(err, KS_EUSAGE, "log-format: unclosed %%{ at byte %zu", start);
            argn = (size_t)(close - arg);
            i = (size_t)(close - s) + 1;
        }
        char d = s[i];
        if (!d)
            return KS_ERR(err, KS_EUSAGE, "log-format ends inside a %% directive");
        i++;
        int kind = F_OTHER;
        switch (d) {
        case 'h': case 'a': kind = F_REMOTE_ADDR; break;
        case 'l': kind = F_IDENT; break;
        case 'u': kind = F_USER; break;
        case 't':
            if (!arg) { /* %t is "[%d/%b/%Y:%H:%M:%S %z]" */
                if (fmt_lit(f, "[", 1) || fmt_add(f, F_TIME_CLF, "t", 1) || fmt_lit(f, "]", 1))
                    return KS_ERR(err, KS_EUSAGE, "log-format has too many fields");
                continue;
            }
            break;
        case 'r': kind = F_REQUEST; break;
        case 's': kind = F_STATUS; break;
        case 'b': case 'B': kind = F_BYTES; break;
        case 'v': case 'V': kind = F_VHOST; break;
        case 'm': kind = F_METHOD; break;
        case 'U': kind = F_PATH; break;
        case 'q': kind = F_QUERY; break;
        case 'H': kind = F_PROTOCOL; break;
        case 'T': kind = arg ? F_OTHER : F_RT_SEC; break;
        case 'D': kind = F_RT_USEC; break;
        case 'i':
            if (arg && ieq(arg, argn, "Referer"))
                kind = F_REFERER;
            else if (arg && ieq(arg, argn, "User-Agent"))
                kind = F_UA;
            else if (arg && ieq(arg, argn, "X-Forwarded-For"))
                kind = F_XFF;
            else if (arg && ieq(arg, argn, "Host"))
                kind = F_VHOST;
            break;
        case 'x':
            if (arg && ieq(arg, argn, "SSL_PROTOCOL"))
                kind = F_SSL_PROTO;
            else if (arg && ieq(arg, argn, "SSL_CIPHER"))
                kind = F_SSL_CIPHER;
            break;
        default: break;
        }
        if (fmt_add(f, kind, s + start, i - start))
            return KS_ERR(err, KS_EUSAGE, "log-format has too many fields");
    }
    return 0;
}

static const struct {
    const char *name, *apache;
} presets[] = {
    {"common", "%h %l %u %t \"%r\" %>s %b"},
    {"combined", "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\""},
    {"vhost_combined", "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\""},
    {"ssl_request", "%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x \"%r\" %b"},
    {NULL, NULL}};

static int compile(wfmt *f, const char *s, ks_err *err)
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; presets[i].name; i++)
        if (!strcmp(s, presets[i].name))
            return compile_apache(f, presets[i].apache, err);
    int rc = strchr(s, '$') ? compile_nginx(f, s, err) : compile_apache(f, s, err);
    if (rc)
        return rc;
    for (size_t i = 0; i + 1 < f->n; i++)
        if (f->t[i].kind != F_LIT && f->t[i + 1].kind != F_LIT)
            return KS_ERR(err, KS_EUSAGE,
                          "log-format: fields '%s' and '%s' have nothing between them",
                          f->t[i].name, f->t[i + 1].name);
    bool any = false;
    for (size_t i = 0; i < f->n; i++)
        any |= f->t[i].kind != F_LIT;
    if (!any)
        return KS_ERR(err, KS_EUSAGE, "log-format has no fields");
    return 0;
}

static const char *parse_custom(wa_state *st, const char *p, size_t n)
{
    const wfmt *f = st->fmt;
    size_t pos = 0;
    for (size_t i = 0; i < f->n; i++) {
        const wtok *t = &f->t[i];
        if (t->kind == F_LIT) {
            if (!ks_fits(pos, t->lit.n, n) || memcmp(p + pos, t->lit.p, t->lit.n))
                return "line does not match the log-format";
            pos += t->lit.n;
            continue;
        }
        size_t end;
        const wtok *next = i + 1 < f->n ? &f->t[i + 1] : NULL;
        bool quoted = i > 0 && f->t[i - 1].lit.n && f->t[i - 1].lit.p[f->t[i - 1].lit.n - 1] == '"';
        if (!next) {
            end = n;
        } else if (quoted && next->lit.p[0] == '"') {
            end = quote_end(p, pos, n);
            while (end < n && !(ks_fits(end, next->lit.n, n) &&
                                !memcmp(p + end, next->lit.p, next->lit.n)))
                end = quote_end(p, end + 1, n);
            if (end >= n)
                return "line does not match the log-format (unterminated quoted field)";
        } else {
            const char *hit = memmem(p + pos, n - pos, next->lit.p, next->lit.n);
            if (!hit)
                return "line does not match the log-format";
            end = (size_t)(hit - p);
        }
        ks_str v = scr_unescape(st, p + pos, end - pos);
        if (t->kind == F_OTHER)
            extra_add(st, t->name, v);
        else if (!st->v[t->kind].p)
            st->v[t->kind] = v;
        pos = end;
    }
    if (pos != n)
        return "line has more text than the log-format";
    ks_str xff = st->v[F_XFF];
    if (xff.p && !is_dash(xff))
        add_addrs(st, xff);
    if (st->v[F_REMOTE_ADDR].p)
        add_addrs(st, st->v[F_REMOTE_ADDR]);
    st->layout = "custom";
    return NULL;
}

/* ---- from fields to a row --------------------------------------------------------- */
static ks_val text_or_null(ks_str s)
{
    return s.p && !is_dash(s) ? ks_v_text(s) : ks_v_null();
}

static ks_val int_of(ks_str s)
{
    if (!s.p || !s.n || s.n > 18)
        return ks_v_null();
    int64_t x = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (!is_digit(s.p[i]))
            return ks_v_null();
        x = x * 10 + (s.p[i] - '0');
    }
    return ks_v_int(x);
}

static ks_val real_of(ks_str s, double scale)
{
    double d;
    if (!s.p || !s.n || s.n > 30 || is_dash(s) || ks_fields_decimal(s.p, s.n, &d))
        return ks_v_null();
    return ks_v_real(d * scale);
}

/* The client: walk the chain from the right while the address is a trusted proxy. The
 * leftmost address is the answer whether or not it is trusted, so it is never parsed (a
 * single address, the common case, costs nothing). */
static ks_str client_of(wa_state *st)
{
    if (!st->naddr)
        return KS_STR_NULL;
    for (size_t k = st->naddr; k-- > 1;) {
        ks_ip ip;
        if (ks_ip_parse(&ip, st->addrs[k].p, st->addrs[k].n) != 0 ||
            !ks_cidr_match(&st->trusted, &ip))
            return st->addrs[k];
    }
    return st->addrs[0];
}

static int emit(ks_parse_ctx *ctx, wa_state *st, const ks_line *ln, int64_t t, ks_err *err)
{
    ks_val v[C_NCOLS];
    memset(v, 0, C_NCOLS * sizeof *v); /* every column ks_v_null(): all zero bits */
    ks_str req = st->v[F_REQUEST];
    ks_str method = st->v[F_METHOD], url = st->v[F_URI], proto = st->v[F_PROTOCOL];
    if (req.p && !is_dash(req)) { /* METHOD SP TARGET [SP PROTOCOL] */
        const char *sp1 = memchr(req.p, ' ', req.n);
        if (sp1) {
            const char *rest = sp1 + 1, *endp = req.p + req.n;
            const char *sp2 = memrchr(rest, ' ', (size_t)(endp - rest));
            if (!method.p)
                method = (ks_str){req.p, (size_t)(sp1 - req.p)};
            if (sp2 && (size_t)(endp - sp2 - 1) >= 5 && !memcmp(sp2 + 1, "HTTP/", 5)) {
                if (!url.p)
                    url = (ks_str){rest, (size_t)(sp2 - rest)};
                if (!proto.p)
                    proto = (ks_str){sp2 + 1, (size_t)(endp - sp2 - 1)};
            } else if (!url.p) {
                url = (ks_str){rest, (size_t)(endp - rest)};
            }
        }
    }
    ks_str path = st->v[F_PATH], query = st->v[F_QUERY];
    if (url.p) {
        const char *qm = memchr(url.p, '?', url.n);
        if (!path.p)
            path = qm ? (ks_str){url.p, (size_t)(qm - url.p)} : url;
        if (!query.p && qm)
            query = (ks_str){qm + 1, url.n - (size_t)(qm - url.p) - 1};
    }
    if (query.p && query.n && query.p[0] == '?') /* Apache %q */
        query = (ks_str){query.p + 1, query.n - 1};
    if (path.p && !st->v[F_PATH].p)
        path = scr_urldecode(st, path);
    if (query.p)
        query = scr_urldecode(st, query);

    /* the x_forwarded_for column: the chain before the remote address */
    ks_str xff = st->v[F_XFF];
    if (!xff.p && st->naddr > 1) {
        ks_str a = st->addrs[0], b = st->addrs[st->naddr - 2];
        xff = (ks_str){a.p, (size_t)(b.p + b.n - a.p)};
    }
    if (xff.p && !st->fmt && st->v[F_XFF].p && st->naddr) {
        /* trailing "$http_x_forwarded_for" field: it precedes the remote address */
        ks_str ra = st->addrs[st->naddr - 1];
        st->naddr = 0;
        add_addrs(st, xff);
        if (st->naddr < WA_MAX_ADDRS)
            st->addrs[st->naddr++] = ra;
    }
    ks_str remote = st->naddr ? st->addrs[st->naddr - 1] : st->v[F_REMOTE_ADDR];
    ks_str client = client_of(st);

    v[C_TIME] = t == KS_TIME_NONE ? ks_v_null() : ks_v_int(t);
    v[C_VHOST] = text_or_null(st->v[F_VHOST]);
    v[C_REMOTE_ADDR] = ks_v_text(remote);
    v[C_XFF] = text_or_null(xff);
    v[C_CLIENT_IP] = ks_v_text(client);
    v[C_IDENT] = ks_v_text(st->v[F_IDENT]);
    v[C_REMOTE_USER] = text_or_null(st->v[F_USER]);
    v[C_REQUEST] = ks_v_text(req);
    v[C_METHOD] = ks_v_text(method);
    v[C_URL] = ks_v_text(url);
    v[C_PATH] = ks_v_text(path);
    v[C_QUERY] = ks_v_text(query);
    v[C_PROTOCOL] = ks_v_text(proto);
    v[C_STATUS] = int_of(st->v[F_STATUS]);
    v[C_BYTES] = int_of(st->v[F_BYTES]);
    v[C_REFERER] = text_or_null(st->v[F_REFERER]);
    v[C_USER_AGENT] = text_or_null(st->v[F_UA]);
    v[C_REQUEST_TIME] = st->v[F_RT_SEC].p ? real_of(st->v[F_RT_SEC], 1.0)
                                          : real_of(st->v[F_RT_USEC], 1e-6);
    v[C_SSL_PROTOCOL] = text_or_null(st->v[F_SSL_PROTO]);
    v[C_SSL_CIPHER] = text_or_null(st->v[F_SSL_CIPHER]);
    v[C_FORMAT] = ks_v_text(ks_str_c(st->layout));
    if (st->extra.len) {
        ks_buf_putc(&st->extra, '}');
        v[C_EXTRA] = ks_v_text((ks_str){st->extra.data, st->extra.len});
    }

    ks_event ev;
    ks_event_init(&ev);
    ev.time = t;
    ev.time_desc = "request";
    ev.host = st->v[F_VHOST].p && !is_dash(st->v[F_VHOST]) ? st->v[F_VHOST] : KS_STR_NULL;
    ev.actor = v[C_REMOTE_USER].kind == KS_V_TEXT ? v[C_REMOTE_USER].s : KS_STR_NULL;
    ev.src_ip = client;
    ev.action = method.p && method.n ? method : KS_STR_LIT("request");
    ev.target = url.p ? url : req;
    if (v[C_STATUS].kind == KS_V_INT)
        ev.outcome = v[C_STATUS].i >= 400 ? KS_STR_LIT("failure") : KS_STR_LIT("success");
    ks_buf_reset(&st->msg);
    ks_buf_append(&st->msg, req.p ? req.p : "", req.p ? (req.n > 2048 ? 2048 : req.n) : 0);
    if (st->v[F_STATUS].p) {
        ks_buf_append(&st->msg, " -> ", 4);
        ks_buf_append(&st->msg, st->v[F_STATUS].p, st->v[F_STATUS].n);
    }
    ev.message = (ks_str){st->msg.data ? st->msg.data : "", st->msg.len};
    ev.raw = (ks_str){ln->p, ln->n};
    ev.line = ln->lineno;
    ev.offset = ln->offset;
    return ks_sink_event(ctx->sink, &ev, &ks_table_web_access, v, err);
}

/* ---- sniffing ---------------------------------------------------------------------- */
static int sniff(const uint8_t *head, size_t n, const char *name)
{
    /* the first non-empty line must read as an access-log line */
    const char *p = (const char *)head;
    size_t i = 0;
    while (i < n && (p[i] == '\n' || p[i] == '\r'))
        i++;
    const char *nl = memchr(p + i, '\n', n - i);
    if (!nl)
        return 0; /* a first line longer than the head: not a typical access log */
    size_t len = (size_t)(nl - (p + i));
    if (len && p[i + len - 1] == '\r')
        len--;
    if (!len || p[i] == '{' || p[i] == '#')
        return 0;
    size_t tb, te;
    int64_t t;
    if (!find_time(p + i, len, &tb, &te, &t))
        return 0;
    size_t j = te + 1;
    if (tb == 0) { /* ssl_request: "[time] addr proto cipher "req" */
        return memchr(p + i + j, '"', len - j) ? 60 : 0;
    }
    return j + 1 < len && p[i + j] == ' ' && p[i + j + 1] == '"' ? 75 : 0;
}

/* ---- parse ----------------------------------------------------------------------- */
static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    wa_state *st = arg;
    ks_parse_ctx *ctx = st->ctx;
    if (ln->too_long)
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset,
                             "line longer than 1 MiB (kept truncated)", ln->p, ln->n, err);
    if (!n)
        return 0; /* blank lines carry no record */
    memset(st->v, 0, sizeof st->v);
    st->naddr = 0;
    st->scrn = 0;
    st->layout = NULL;
    ks_buf_reset(&st->extra);
    int64_t t = KS_TIME_NONE;
    const char *why = st->fmt ? parse_custom(st, ln->p, n) : parse_auto(st, ln->p, n, &t);
    if (!why && st->fmt) {
        ks_str ts;
        if ((ts = st->v[F_TIME_CLF]).p && !is_dash(ts)) {
            if (ks_time_parse_clf(ts.p, ts.n, &t))
                why = "bad time";
        } else if ((ts = st->v[F_TIME_ISO]).p && !is_dash(ts)) {
            if (ks_time_parse_iso8601(ts.p, ts.n, NULL, &t))
                why = "bad time";
        } else if ((ts = st->v[F_TIME_MSEC]).p && !is_dash(ts)) {
            if (ks_time_parse_epoch(ts.p, ts.n, KS_NS_PER_SEC, &t))
                why = "bad time";
        }
    }
    if (why)
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset, why, ln->p, ln->n, err);
    return emit(ctx, st, ln, t, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    wa_state st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    ks_buf_init(&st.extra, 1 << 22);
    ks_buf_init(&st.msg, 1 << 14);
    const char *lf = ks_parse_opt(ctx->opts, "log-format");
    const char *tp = ks_parse_opt(ctx->opts, "trusted-proxies");
    if (tp) {
        if ((rc = ks_cidr_parse(&st.trusted, tp, err)))
            goto done;
    } else {
        ks_cidr_default_private(&st.trusted);
    }
    if (lf && strcmp(lf, "auto")) {
        st.fmt = malloc(sizeof *st.fmt);
        if (!st.fmt) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        if ((rc = compile(st.fmt, lf, err)))
            goto done;
    }
    st.scrcap = 4 * WA_MAX_LINE + 4096;
    st.scr = malloc(st.scrcap);
    if (!st.scr) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    /* no KS_LL_SKIP_EMPTY: a too-long line of blanks is still reported */
    rc = ks_lineloop(ctx->in, WA_MAX_LINE, KS_LL_TRIM_WS, on_line, &st, err);
done:
    free(st.scr);
    free(st.fmt);
    ks_buf_free(&st.extra);
    ks_buf_free(&st.msg);
    return rc;
}

const ks_parser ks_parser_web_access = {
    "web_access",
    "nginx/Apache access logs: common, combined, vhost, X-Forwarded-For, ssl_request, "
    "--opt log-format=... (nginx or Apache syntax)",
    (const ks_table_def *const[]){&ks_table_web_access, NULL},
    sniff,
    parse,
};
