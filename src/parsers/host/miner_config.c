/* miner_config.c — cryptocurrency miner configuration files into `events` and `miner_config`:
 * where a miner dropped on a host sends its work, and so its proceeds.
 *
 * XMRig (and forks that kept its file: XMRig-compatible config.json)
 *   {"autosave": true, "background": false, "donate-level": 1, "cpu": {...}, "opencl": {...},
 *    "cuda": {...}, "http": {"enabled", "host", "port", "access-token"},
 *    "pools": [{"url": "host:port" or "stratum+tcp://host:port", "user": WALLET, "pass": "x",
 *               "rig-id", "nicehash", "tls", "coin", "algo", "enabled", ...}]}
 *   (xmrig/xmrig src/config.json, doc/CONFIGURATION.md)
 * xmr-stak pools.txt: not JSON but a fragment of members the program pastes into an object,
 *   with C comments and trailing commas:
 *   "pool_list" : [ {"pool_address" : "host:port", "wallet_address" : W, "rig_id" : "",
 *                    "pool_password" : "x", "use_nicehash" : false, "use_tls" : false,
 *                    "tls_fingerprint" : "", "pool_weight" : 1 }, ], "currency" : "monero",
 *   Each pool object is cut out and read on its own; one that does not parse is an error
 *   record, the others still become rows. (fireice-uk/xmr-stak xmrstak/pools.tpl)
 * cpuminer / minerd JSON config (-c FILE): the long options as keys, one pool:
 *   {"url": "stratum+tcp://host:port", "user"/"userpass", "pass", "algo", "threads", ...}
 * SRBMiner-style {"pools": [{"pool": "host:port", "wallet": W, "password": "x"}]}.
 *
 * One row per pool. The pool password is stored masked (first 4 characters and the length,
 * like cloud_credential) unless it is the usual "x" placeholder or empty; so are the HTTP
 * API access token and any other "pass"/"password"/"token" value in the `config` column,
 * which holds the whole configuration (xmr-stak: the pool object) re-serialised; on every
 * pool's row when the copies stay under 4 MiB, else on the first pool's only. Rows carry
 * the file's mtime ("file modified"): the time the config was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/json.h"
#include "parsers/host/hostcfg.h"
#include "parsers/sniff.h"

#define MC_MAX_FILE ((size_t)16 << 20)
#define MC_MAX_POOLS 10000
#define MC_CONFIG_COPIES_MAX ((size_t)4 << 20) /* bytes of `config` repeated over a file's rows */
#define MC_MAX_DEPTH 64 /* miner configs are three levels deep; deeper is not one */

enum {
    C_FILE_KIND, C_POOL_INDEX, C_URL, C_SCHEME, C_HOST, C_PORT, C_TLS, C_WALLET, C_PASSWORD,
    C_RIG_ID, C_ALGO, C_COIN, C_NICEHASH, C_ENABLED, C_DONATE_LEVEL, C_BACKGROUND, C_HTTP_API,
    C_CONFIG, C_NCOLS
};

static const ks_column cols[C_NCOLS] = {
    [C_FILE_KIND] = {"file_kind", KS_COL_TEXT, "xmrig, xmr_stak, cpuminer, srbminer"},
    [C_POOL_INDEX] = {"pool_index", KS_COL_INT, "position of the pool in the file, from 0"},
    [C_URL] = {"url", KS_COL_TEXT, "pool address as written (url / pool_address / pool)"},
    [C_SCHEME] = {"scheme", KS_COL_TEXT, "scheme before ://, e.g. stratum+tcp, stratum+ssl; NULL when none"},
    [C_HOST] = {"host", KS_COL_TEXT, "pool host name or address"},
    [C_PORT] = {"port", KS_COL_INT, "pool port"},
    [C_TLS] = {"tls", KS_COL_INT, "1 when tls/use_tls is true or the scheme says ssl/tls, 0 when false"},
    [C_WALLET] = {"wallet", KS_COL_TEXT, "pool login: the wallet address (user / wallet_address / wallet / userpass user)"},
    [C_PASSWORD] = {"password", KS_COL_TEXT, "pool password; MASKED (first 4 chars and length) unless \"x\" or empty"},
    [C_RIG_ID] = {"rig_id", KS_COL_TEXT, "rig-id / rig_id: the worker name the pool shows"},
    [C_ALGO] = {"algo", KS_COL_TEXT, "algorithm (algo, e.g. rx/0)"},
    [C_COIN] = {"coin", KS_COL_TEXT, "coin (xmrig coin, xmr-stak currency)"},
    [C_NICEHASH] = {"nicehash", KS_COL_INT, "nicehash / use_nicehash (1/0)"},
    [C_ENABLED] = {"enabled", KS_COL_INT, "pool enabled (xmrig; 1/0)"},
    [C_DONATE_LEVEL] = {"donate_level", KS_COL_INT, "donate-level (percent of time mined for the miner's authors)"},
    [C_BACKGROUND] = {"background", KS_COL_INT, "background: run as a daemon (1/0)"},
    [C_HTTP_API] = {"http_api", KS_COL_TEXT, "enabled HTTP API as host:port"},
    [C_CONFIG] = {"config", KS_COL_JSON, "the whole configuration (xmr-stak: the pool object), secrets masked; only on the first pool's row when repeating it would pass 4 MiB"},
};

const ks_table_def ks_table_miner_config = {
    "miner_config", "cryptocurrency miner configurations: one row per pool (passwords masked)", cols, C_NCOLS};

typedef enum { K_XMRIG, K_XMR_STAK, K_CPUMINER, K_SRBMINER, K_NONE } mc_kind;
static const char *const kind_names[] = {"xmrig", "xmr_stak", "cpuminer", "srbminer"};

/* The kind the head says, or K_NONE. A JSON file merely having a "url" or "pools" key is not
 * enough: each kind needs keys only miners use together. */
static mc_kind head_kind(const uint8_t *h, size_t n)
{
    int pl = ks_sniff_key_depth(h, n, "pool_list");
    if ((pl == 0 || pl == 1) && (ks_sniff_key_depth(h, n, "pool_address") >= 0 ||
                                 ks_sniff_key_depth(h, n, "wallet_address") >= 0))
        return K_XMR_STAK;
    bool pools = ks_sniff_key_depth(h, n, "pools") == 1;
    if (pools && ks_sniff_key_depth(h, n, "url") == 3 && ks_sniff_key_depth(h, n, "user") == 3 &&
        (ks_sniff_key_depth(h, n, "pass") == 3 || ks_sniff_key_depth(h, n, "rig-id") == 3 ||
         ks_sniff_key_depth(h, n, "nicehash") == 3 || ks_sniff_key_depth(h, n, "donate-level") == 1 ||
         ks_sniff_has(h, n, "stratum")))
        return K_XMRIG;
    /* the pools array beyond the head: XMRig's own top-level keys */
    if (ks_sniff_key_depth(h, n, "donate-level") == 1 &&
        (ks_sniff_key_depth(h, n, "randomx") == 1 || ks_sniff_key_depth(h, n, "cpu") == 1 ||
         ks_sniff_key_depth(h, n, "opencl") == 1 || ks_sniff_key_depth(h, n, "cuda") == 1))
        return K_XMRIG;
    if (pools && ks_sniff_key_depth(h, n, "pool") == 3 && ks_sniff_key_depth(h, n, "wallet") == 3)
        return K_SRBMINER;
    if (ks_sniff_key_depth(h, n, "url") == 1 && ks_sniff_has(h, n, "stratum+") &&
        (ks_sniff_key_depth(h, n, "user") == 1 || ks_sniff_key_depth(h, n, "userpass") == 1 ||
         ks_sniff_key_depth(h, n, "algo") == 1))
        return K_CPUMINER;
    return K_NONE;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    (void)name; /* config.json says nothing: content decides */
    if (!ks_hc_text(head, n))
        return 0;
    int c = ks_sniff_first_char(head, n);
    if (c != '{' && c != '"' && c != '/')
        return 0;
    return head_kind(head, n) != K_NONE ? 80 : 0;
}

/* ---- masking ------------------------------------------------------------------------- */
static bool secret_key(ks_str k)
{
    static const char *const words[] = {"pass", "token", "secret", "private", NULL};
    for (const char *const *w = words; *w; w++)
        if (k.p && memmem(k.p, k.n, *w, strlen(*w)))
            return true;
    return false;
}

static bool placeholder(ks_str v)
{
    return v.n == 0 || (v.n == 1 && v.p[0] == 'x');
}

/* A password as it may be stored: placeholders as they are, others masked. */
static ks_str masked(ks_str v, char *m, size_t msz)
{
    if (!v.p || placeholder(v))
        return v;
    ks_hc_mask(v, m, msz);
    return ks_str_c(m);
}

/* v re-serialised as JSON with the string values of secret-looking keys masked. Depth is
 * bounded by the parse (MC_MAX_DEPTH). */
static int write_masked(const ks_json_doc *d, ks_jv v, ks_buf *out)
{
    ks_json_type t = ks_json_type_of(d, v);
    int rc = 0;
    if (t == KS_JSON_OBJECT || t == KS_JSON_ARRAY) {
        bool obj = t == KS_JSON_OBJECT;
        rc = ks_buf_putc(out, obj ? '{' : '[');
        for (ks_jv c = ks_json_first(d, v); c != KS_JV_NONE && !rc; c = ks_json_next(d, c)) {
            if (c != ks_json_first(d, v))
                rc = ks_buf_putc(out, ',');
            if (!obj) {
                if (!rc)
                    rc = write_masked(d, c, out);
                continue;
            }
            ks_str k = ks_json_str(d, c);
            ks_jv cv = ks_json_member_value(d, c);
            if (!rc)
                rc = ks_json_quote(out, k.p, k.n);
            if (!rc)
                rc = ks_buf_putc(out, ':');
            if (!rc && secret_key(k) && ks_json_type_of(d, cv) == KS_JSON_STRING) {
                char m[64];
                ks_str s = masked(ks_json_str(d, cv), m, sizeof m);
                rc = ks_json_quote(out, s.p, s.n);
            } else if (!rc) {
                rc = write_masked(d, cv, out);
            }
        }
        if (!rc)
            rc = ks_buf_putc(out, obj ? '}' : ']');
        return rc;
    }
    if (t == KS_JSON_STRING) {
        ks_str s = ks_json_str(d, v);
        return ks_json_quote(out, s.p, s.n);
    }
    ks_str r = ks_json_raw(d, v);
    return ks_buf_append(out, r.p, r.n);
}

/* Bytes kept for an error record: the text with every quoted string that follows a
 * secret-looking key masked, so a broken file does not leak the password either. */
static void redact(const char *p, size_t n, ks_buf *out)
{
    size_t i = 0;
    bool after_secret = false;
    while (i < n) {
        if (p[i] != '"') {
            if (p[i] != ':' && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
                after_secret = false;
            ks_buf_putc(out, p[i++]);
            continue;
        }
        size_t s = ++i;
        while (i < n && p[i] != '"')
            i += p[i] == '\\' ? 2 : 1;
        size_t e = i < n ? i : n;
        ks_str str = {p + s, e - s};
        if (after_secret && !placeholder(str)) {
            char m[64];
            ks_hc_mask(str, m, sizeof m);
            ks_buf_putc(out, '"');
            ks_buf_append(out, m, strlen(m));
            ks_buf_putc(out, '"');
            after_secret = false;
        } else {
            ks_buf_append(out, p + s - 1, e - s + 1 + (i < n));
            size_t j = i + 1;
            while (j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'))
                j++;
            after_secret = j < n && p[j] == ':' && secret_key(str);
        }
        i = i < n ? i + 1 : n;
    }
}

static int error_record(ks_parse_ctx *ctx, int64_t line, int64_t off, const char *why, const char *p,
                        size_t n, ks_err *err)
{
    ks_buf r;
    ks_buf_init(&r, (size_t)64 << 10);
    redact(p, n, &r);
    int rc = ks_sink_error(ctx->sink, line, off, why, r.data ? r.data : "", r.len, err);
    ks_buf_free(&r);
    return rc;
}

/* ---- one pool ------------------------------------------------------------------------ */
typedef struct mc_pool {
    ks_str url, wallet, pass, rig_id, algo, coin;
    int tls, nicehash, enabled; /* -1 unknown */
} mc_pool;

typedef struct mc_top {
    mc_kind kind;
    int64_t donate; /* -1 unknown */
    int background;
    char http_api[300];
    ks_str coin, algo;
} mc_top;

static int json_bool(const ks_json_doc *d, ks_jv obj, const char *key)
{
    ks_json_type t = ks_json_type_of(d, ks_json_get(d, obj, key));
    return t == KS_JSON_TRUE ? 1 : t == KS_JSON_FALSE ? 0 : -1;
}

static ks_str first_str(const ks_json_doc *d, ks_jv obj, const char *const *keys)
{
    for (; *keys; keys++) {
        ks_str s = ks_json_get_str(d, obj, *keys);
        if (s.p)
            return s;
    }
    return KS_STR_NULL;
}

static void pool_from_json(const ks_json_doc *d, ks_jv o, mc_pool *p)
{
    static const char *const url[] = {"url", "pool_address", "pool", "host", NULL};
    static const char *const user[] = {"user", "wallet_address", "wallet", "login", "username", NULL};
    static const char *const pass[] = {"pass", "pool_password", "password", NULL};
    static const char *const rig[] = {"rig-id", "rig_id", "worker", NULL};
    static const char *const coin[] = {"coin", "currency", NULL};
    p->url = first_str(d, o, url);
    p->wallet = first_str(d, o, user);
    p->pass = first_str(d, o, pass);
    p->rig_id = first_str(d, o, rig);
    p->algo = ks_json_get_str(d, o, "algo");
    p->coin = first_str(d, o, coin);
    p->tls = json_bool(d, o, "tls");
    if (p->tls < 0)
        p->tls = json_bool(d, o, "use_tls");
    p->nicehash = json_bool(d, o, "nicehash");
    if (p->nicehash < 0)
        p->nicehash = json_bool(d, o, "use_nicehash");
    p->enabled = json_bool(d, o, "enabled");
    /* cpuminer's "userpass": "USER:PASS" */
    ks_str up = ks_json_get_str(d, o, "userpass");
    if (!p->wallet.p && up.p) {
        const char *c = memchr(up.p, ':', up.n);
        p->wallet = c ? (ks_str){up.p, (size_t)(c - up.p)} : up;
        if (c && !p->pass.p)
            p->pass = (ks_str){c + 1, up.n - (size_t)(c + 1 - up.p)};
    }
}

/* "stratum+tcp://host:port/path", "host:port", "[::1]:port" into its parts. */
static void url_split(ks_str u, ks_str *scheme, ks_str *host, int64_t *port)
{
    *scheme = KS_STR_NULL;
    *host = KS_STR_NULL;
    *port = -1;
    if (!u.p)
        return;
    const char *p = u.p, *e = u.p + u.n;
    for (const char *q = p; q + 3 <= e; q++)
        if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
            *scheme = (ks_str){p, (size_t)(q - p)};
            p = q + 3;
            break;
        }
    const char *end = p;
    while (end < e && *end != '/' && *end != '?')
        end++;
    const char *at = NULL; /* user@host */
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            at = q;
    if (at)
        p = at + 1;
    const char *colon = NULL;
    if (p < end && *p == '[') {
        const char *rb = memchr(p, ']', (size_t)(end - p));
        if (rb) {
            *host = (ks_str){p + 1, (size_t)(rb - p - 1)};
            colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
        }
    } else {
        for (const char *q = p; q < end; q++)
            if (*q == ':')
                colon = q;
        *host = (ks_str){p, (size_t)((colon ? colon : end) - p)};
    }
    int64_t v;
    if (colon && ks_hc_num(colon + 1, (size_t)(end - colon - 1), &v) == 0 && v <= 65535)
        *port = v;
}

static bool ci_has(ks_str s, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; s.p && i + k <= s.n; i++) {
        size_t j = 0;
        while (j < k && (s.p[i + j] | 0x20) == w[j])
            j++;
        if (j == k)
            return true;
    }
    return false;
}

static ks_val v_flag(int b)
{
    return b < 0 ? ks_v_null() : ks_v_int(b);
}

static int emit(ks_parse_ctx *ctx, const mc_top *top, const mc_pool *p, int64_t index, ks_str config,
                int64_t line, int64_t off, ks_err *err)
{
    ks_val v[C_NCOLS];
    char pm[64], msg[1024];
    ks_str scheme, host;
    int64_t port;
    url_split(p->url, &scheme, &host, &port);
    int tls = p->tls;
    if (ci_has(scheme, "ssl") || ci_has(scheme, "tls"))
        tls = 1;
    ks_str algo = p->algo.p ? p->algo : top->algo;
    ks_str coin = p->coin.p ? p->coin : top->coin;
    v[C_FILE_KIND] = ks_v_text(ks_str_c(kind_names[top->kind]));
    v[C_POOL_INDEX] = ks_v_int(index);
    v[C_URL] = ks_v_text(p->url);
    v[C_SCHEME] = ks_v_text(scheme);
    v[C_HOST] = host.n ? ks_v_text(host) : ks_v_null();
    v[C_PORT] = port >= 0 ? ks_v_int(port) : ks_v_null();
    v[C_TLS] = v_flag(tls);
    v[C_WALLET] = ks_v_text(p->wallet);
    v[C_PASSWORD] = ks_v_text(masked(p->pass, pm, sizeof pm));
    v[C_RIG_ID] = p->rig_id.n ? ks_v_text(p->rig_id) : ks_v_null();
    v[C_ALGO] = ks_v_text(algo);
    v[C_COIN] = ks_v_text(coin);
    v[C_NICEHASH] = v_flag(p->nicehash);
    v[C_ENABLED] = v_flag(p->enabled);
    v[C_DONATE_LEVEL] = top->donate >= 0 ? ks_v_int(top->donate) : ks_v_null();
    v[C_BACKGROUND] = v_flag(top->background);
    v[C_HTTP_API] = top->http_api[0] ? ks_v_text(ks_str_c(top->http_api)) : ks_v_null();
    v[C_CONFIG] = config.n ? ks_v_text(config) : ks_v_null();
    snprintf(msg, sizeof msg, "%s pool %.*s user %.*s%s%.*s%s", kind_names[top->kind],
             (int)(p->url.n < 300 ? p->url.n : 300), p->url.p ? p->url.p : "",
             (int)(p->wallet.n < 300 ? p->wallet.n : 300), p->wallet.p ? p->wallet.p : "",
             algo.p ? " algo " : "", (int)(algo.n < 100 ? algo.n : 100), algo.p ? algo.p : "",
             tls == 1 ? " tls" : "");
    ks_event ev;
    ks_hc_event_init(&ev, ctx, line, off);
    ev.action = KS_STR_LIT("miner_pool");
    ev.target = p->url;
    ev.actor = p->wallet;
    ev.message = ks_str_c(msg);
    /* no raw: `config` holds the file with its secrets masked */
    return ks_sink_event(ctx->sink, &ev, &ks_table_miner_config, v, err);
}

/* ---- JSON configs (xmrig, cpuminer, srbminer) ---------------------------------------- */
/* Line numbers of increasing offsets, counted once over the text (not from the start for
 * every pool: 10 000 pools in 16 MiB would be quadratic). */
typedef struct mc_lines {
    const char *p;
    size_t off;
    int64_t line;
} mc_lines;

static int64_t line_at(mc_lines *l, size_t off)
{
    if (off < l->off) {
        l->off = 0;
        l->line = 1;
    }
    for (; l->off < off; l->off++)
        l->line += l->p[l->off] == '\n';
    return l->line;
}

static void top_from_json(const ks_json_doc *d, ks_jv root, mc_top *t)
{
    int64_t dl;
    ks_jv dv = ks_json_get(d, root, "donate-level");
    if (dv == KS_JV_NONE)
        dv = ks_json_get(d, root, "donate_level");
    if (ks_json_int(d, dv, &dl) == 0 && dl >= 0)
        t->donate = dl;
    t->background = json_bool(d, root, "background");
    ks_jv http = ks_json_get(d, root, "http");
    if (json_bool(d, http, "enabled") == 1) {
        ks_str h = ks_json_get_str(d, http, "host");
        int64_t port = -1;
        ks_json_int(d, ks_json_get(d, http, "port"), &port);
        snprintf(t->http_api, sizeof t->http_api, "%.*s:%lld", (int)(h.n < 256 ? h.n : 256),
                 h.p ? h.p : "", (long long)port);
    }
    t->coin = ks_json_get_str(d, root, "coin");
    t->algo = ks_json_get_str(d, root, "algo");
}

static int parse_json(ks_parse_ctx *ctx, mc_kind kind, const char *p, size_t n, ks_err *err)
{
    int rc = 0;
    ks_json_doc *d = NULL;
    ks_buf cfg;
    ks_buf_init(&cfg, MC_MAX_FILE * 2);
    ks_json_limits lim = {MC_MAX_DEPTH, 0};
    if ((rc = ks_json_doc_new(&d, &lim))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    ks_err je;
    ks_err_clear(&je);
    if (ks_json_parse(d, p, n, &je) || ks_json_type_of(d, ks_json_root(d)) != KS_JSON_OBJECT) {
        char why[160];
        snprintf(why, sizeof why, "not a JSON object (at byte %lld)", (long long)je.offset);
        rc = error_record(ctx, 1, je.offset, why, p, n, err);
        goto done;
    }
    ks_jv root = ks_json_root(d);
    mc_top top = {kind, -1, -1, "", KS_STR_NULL, KS_STR_NULL};
    top_from_json(d, root, &top);
    ks_str config = KS_STR_NULL;
    if (write_masked(d, root, &cfg) == 0)
        config = (ks_str){cfg.data, cfg.len};
    ks_jv pools = ks_json_get(d, root, "pools");
    if (ks_json_type_of(d, pools) != KS_JSON_ARRAY) {
        if (ks_json_get_str(d, root, "url").p || ks_json_get_str(d, root, "userpass").p) {
            mc_pool pl;
            pool_from_json(d, root, &pl); /* cpuminer: the pool is the top level */
            rc = emit(ctx, &top, &pl, 0, config, 1, 0, err);
        } else {
            rc = error_record(ctx, 1, 0, "miner configuration without pools", p, n < 4096 ? n : 4096, err);
        }
        goto done;
    }
    int64_t i = 0;
    mc_lines lc = {p, 0, 1};
    for (ks_jv e = ks_json_first(d, pools); e != KS_JV_NONE && i < MC_MAX_POOLS && !rc;
         e = ks_json_next(d, e), i++) {
        ks_str raw = ks_json_raw(d, e);
        int64_t off = raw.p ? (int64_t)(raw.p - p) : 0;
        if (ks_json_type_of(d, e) != KS_JSON_OBJECT) {
            rc = error_record(ctx, line_at(&lc, (size_t)off), off, "pool is not an object", raw.p, raw.n, err);
            continue;
        }
        mc_pool pl;
        pool_from_json(d, e, &pl);
        if (!pl.url.p) {
            rc = error_record(ctx, line_at(&lc, (size_t)off), off, "pool without url", raw.p, raw.n, err);
            continue;
        }
        /* the whole config on every pool's row, unless that would multiply a big file */
        bool whole = i == 0 || config.n * ks_json_count(d, pools) <= MC_CONFIG_COPIES_MAX;
        rc = emit(ctx, &top, &pl, i, whole ? config : KS_STR_NULL, line_at(&lc, (size_t)off), off, err);
    }
    if (!rc && i == 0)
        rc = error_record(ctx, 1, 0, "empty pools list", "", 0, err);
done:
    ks_json_doc_free(d);
    ks_buf_free(&cfg);
    return rc;
}

/* ---- xmr-stak pools.txt --------------------------------------------------------------- */
/* The text without comments (string-aware: "//" in "stratum+tcp://" stays), each comment
 * replaced by blanks so offsets keep pointing into the file. */
static void strip_comments(char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] == '"') {
            for (i++; i < n && p[i] != '"'; i += p[i] == '\\' ? 2 : 1)
                ;
            i++;
        } else if (p[i] == '/' && i + 1 < n && p[i + 1] == '*') {
            size_t j = i + 2;
            while (j + 1 < n && !(p[j] == '*' && p[j + 1] == '/'))
                j++;
            j = j + 1 < n ? j + 2 : n;
            for (; i < j; i++)
                if (p[i] != '\n')
                    p[i] = ' ';
        } else if (p[i] == '/' && i + 1 < n && p[i + 1] == '/') {
            for (; i < n && p[i] != '\n'; i++)
                p[i] = ' ';
        } else {
            i++;
        }
    }
}

/* End of the value starting at p[i] ('{' or '['): index after its closing bracket, or n. */
static size_t value_end(const char *p, size_t n, size_t i)
{
    size_t depth = 0;
    while (i < n) {
        char c = p[i];
        if (c == '"') {
            for (i++; i < n && p[i] != '"'; i += p[i] == '\\' ? 2 : 1)
                ;
            i++;
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && depth && --depth == 0)
            return i + 1;
        i++;
    }
    return n;
}

/* The string after "key" : in the text, or KS_STR_NULL. */
static ks_str fragment_str(const char *p, size_t n, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; i + k + 2 <= n; i++) {
        if (p[i] != '"' || memcmp(p + i + 1, key, k) || p[i + k + 1] != '"')
            continue;
        size_t j = i + k + 2;
        while (j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'))
            j++;
        if (j >= n || p[j] != ':')
            continue;
        for (j++; j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'); j++)
            ;
        if (j >= n || p[j] != '"')
            return KS_STR_NULL;
        size_t s = ++j;
        while (j < n && p[j] != '"' && p[j] != '\\' && p[j] != '\n')
            j++;
        return j < n && p[j] == '"' ? (ks_str){p + s, j - s} : KS_STR_NULL;
    }
    return KS_STR_NULL;
}

static int parse_xmr_stak(ks_parse_ctx *ctx, char *p, size_t n, ks_err *err)
{
    int rc = 0;
    ks_json_doc *d = NULL;
    ks_buf cfg, obj;
    ks_buf_init(&cfg, MC_MAX_FILE * 2);
    ks_buf_init(&obj, MC_MAX_FILE);
    ks_json_limits lim = {MC_MAX_DEPTH, 0};
    if ((rc = ks_json_doc_new(&d, &lim))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    strip_comments(p, n);
    mc_top top = {K_XMR_STAK, -1, -1, "", KS_STR_NULL, KS_STR_NULL};
    top.coin = fragment_str(p, n, "currency");
    /* the list: the first '[' after "pool_list" : */
    const char *pl = NULL;
    for (size_t i = 0; i + 11 <= n && !pl; i++)
        if (!memcmp(p + i, "\"pool_list\"", 11))
            pl = p + i + 11;
    size_t i = pl ? (size_t)(pl - p) : n;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n' || p[i] == ':'))
        i++;
    if (i >= n || p[i] != '[') {
        rc = error_record(ctx, 1, 0, "xmr-stak pools without \"pool_list\" : [", p, n < 4096 ? n : 4096, err);
        goto done;
    }
    size_t end = value_end(p, n, i);
    mc_lines lc = {p, 0, 1};
    int64_t index = 0, before = ks_sink_records(ctx->sink) + ks_sink_errors(ctx->sink);
    for (i++; i < end && index < MC_MAX_POOLS && !rc;) {
        char c = p[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ']') {
            i++;
            continue;
        }
        size_t oe = c == '{' ? value_end(p, end, i) : i + 1;
        if (c != '{') { /* a stray token: up to the next object */
            while (oe < end && p[oe] != '{')
                oe++;
        }
        /* the object without trailing commas before its '}' (xmr-stak tolerates them) */
        ks_buf_reset(&obj);
        for (size_t j = i; j < oe; j++) {
            if (p[j] == ',') {
                size_t k = j + 1;
                while (k < oe && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'))
                    k++;
                if (k < oe && (p[k] == '}' || p[k] == ']'))
                    continue;
            }
            ks_buf_putc(&obj, p[j]);
        }
        ks_err je;
        ks_err_clear(&je);
        int64_t line = line_at(&lc, i);
        if (c != '{' || ks_json_parse(d, obj.data ? obj.data : "", obj.len, &je) ||
            ks_json_type_of(d, ks_json_root(d)) != KS_JSON_OBJECT) {
            rc = error_record(ctx, line, (int64_t)i, "xmr-stak pool entry is not a JSON object", p + i,
                              oe - i, err);
            index += c == '{';
            i = oe;
            continue;
        }
        mc_pool pool;
        pool_from_json(d, ks_json_root(d), &pool);
        if (!pool.url.p) {
            rc = error_record(ctx, line, (int64_t)i, "pool without pool_address", p + i, oe - i, err);
        } else {
            ks_buf_reset(&cfg);
            ks_str config = write_masked(d, ks_json_root(d), &cfg) == 0 ? (ks_str){cfg.data, cfg.len}
                                                                        : KS_STR_NULL;
            rc = emit(ctx, &top, &pool, index, config, line, (int64_t)i, err);
        }
        index++;
        i = oe;
    }
    if (!rc && end == n && (n == 0 || p[n - 1] != ']'))
        rc = error_record(ctx, line_at(&lc, n), (int64_t)n, "pool_list not closed", "", 0, err);
    else if (!rc && ks_sink_records(ctx->sink) + ks_sink_errors(ctx->sink) == before)
        rc = error_record(ctx, line_at(&lc, i), (int64_t)i, "empty pool_list", "", 0, err);
done:
    ks_json_doc_free(d);
    ks_buf_free(&cfg);
    ks_buf_free(&obj);
    return rc;
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    ks_buf all;
    ks_buf_init(&all, MC_MAX_FILE);
    int r = ks_input_read_all(ctx->in, &all, err);
    if (r == KS_ELIMIT) {
        ks_err_clear(err);
        rc = ks_sink_error(ctx->sink, 1, 0, "miner configuration larger than 16 MiB: not read", "", 0, err);
        goto done;
    }
    if (r) {
        rc = r;
        goto done;
    }
    char *p = all.data ? all.data : (char *)"";
    size_t n = all.len;
    if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
        p += 3;
        n -= 3;
    }
    mc_kind kind = head_kind((const uint8_t *)p, n);
    const char *o = ks_parse_opt(ctx->opts, "miner-kind");
    if (o)
        for (int i = 0; i < K_NONE; i++)
            if (!strcmp(o, kind_names[i]))
                kind = (mc_kind)i;
    if (kind == K_NONE) {
        int c = ks_sniff_first_char((const uint8_t *)p, n);
        kind = c == '{' ? K_XMRIG : K_XMR_STAK;
    }
    rc = kind == K_XMR_STAK ? parse_xmr_stak(ctx, p, n, err) : parse_json(ctx, kind, p, n, err);
done:
    ks_buf_free(&all);
    return rc;
}

const ks_parser ks_parser_miner_config = {
    "miner_config",
    "cryptocurrency miner configurations: XMRig config.json, xmr-stak pools.txt, cpuminer/minerd "
    "and SRBMiner JSON (one row per pool, passwords masked; --opt miner-kind=xmrig|xmr_stak|...)",
    (const ks_table_def *const[]){&ks_table_miner_config, NULL},
    sniff,
    parse,
};
