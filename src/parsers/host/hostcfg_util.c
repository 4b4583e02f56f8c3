/* hostcfg_util.c — small helpers shared by the host configuration readers (hostcfg.h). */
#include "parsers/host/hostcfg.h"

#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "parsers/lineloop.h"

const char *ks_hc_base(const char *path)
{
    if (!path)
        return "";
    const char *s = strrchr(path, '/');
    const char *c = strrchr(path, ':');
    if (c && (!s || c > s))
        s = c;
    return s ? s + 1 : path;
}

const char *ks_hc_inner(const char *path)
{
    if (!path)
        return "";
    /* "img@N:/..." — the inner path starts after the first ":/" following an '@' */
    const char *at = strchr(path, '@');
    if (at) {
        const char *c = strstr(at, ":/");
        if (c)
            return c + 1;
    }
    return path;
}

ks_str ks_hc_home_user(const char *path)
{
    if (!path)
        return KS_STR_NULL;
    ks_str best = KS_STR_NULL;
    const char *bestpos = NULL;
    for (const char *p = path; (p = strstr(p, "/home/")) != NULL; p++) {
        const char *u = p + 6, *e = strchr(u, '/');
        if (e && e > u) {
            best = (ks_str){u, (size_t)(e - u)};
            bestpos = p;
        }
    }
    for (const char *p = path; (p = strstr(p, "/root/")) != NULL; p++) {
        if (p > bestpos || !bestpos) {
            best = KS_STR_LIT("root");
            bestpos = p;
        }
    }
    /* a leading "root/..." or "home/x/..." (relative loose paths) */
    if (!best.p && !strncmp(path, "root/", 5))
        best = KS_STR_LIT("root");
    if (!best.p && !strncmp(path, "home/", 5)) {
        const char *u = path + 5, *e = strchr(u, '/');
        if (e && e > u)
            best = (ks_str){u, (size_t)(e - u)};
    }
    return best;
}

bool ks_hc_text(const uint8_t *head, size_t n)
{
    if (!n)
        return false;
    /* The first KS_HC_TEXT_PROBE bytes decide: every sniffer of the registry asks this of
     * every file, and a text file does not turn binary after its first few KiB. */
    if (n > KS_HC_TEXT_PROBE)
        n = KS_HC_TEXT_PROBE;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = head[i];
        if (c == 0)
            return false;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
            bad++;
    }
    return bad * 100 <= n;
}

int ks_hc_num(const char *p, size_t n, int64_t *out)
{
    if (!n || n > 18)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        x = x * 10 + (p[i] - '0');
    }
    *out = x;
    return 0;
}

ks_str ks_hc_trim(ks_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

void ks_hc_mask(ks_str secret, char *out, size_t outsz)
{
    size_t k = secret.n < 4 ? secret.n : 4;
    char pre[5];
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)secret.p[i];
        pre[i] = (c >= 0x21 && c < 0x7f) ? (char)c : '?';
    }
    pre[k] = '\0';
    snprintf(out, outsz, "%s...(%zu chars)", pre, secret.n);
}

void ks_hc_event_init(ks_event *ev, const ks_parse_ctx *ctx, int64_t line, int64_t offset)
{
    ks_event_init(ev);
    ev->line = line;
    ev->offset = offset;
    if (ctx->ref_time != KS_TIME_NONE) {
        ev->time = ctx->ref_time;
        ev->time_desc = "file modified";
    }
}

typedef struct hc_loop {
    const char *comment;
    ks_hc_line_fn fn;
    void *arg;
} hc_loop;

static int hc_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    hc_loop *h = arg;
    ks_str l = ks_hc_trim((ks_str){ln->p, n});
    /* memchr, not strchr: a line starting with a NUL byte is no comment */
    if (memchr(h->comment, l.p[0], strlen(h->comment)))
        return 0;
    return h->fn(h->arg, ln, l, err);
}

int ks_hc_each_line(ks_parse_ctx *ctx, size_t max_line, const char *comment, ks_hc_line_fn fn,
                    void *arg, ks_err *err)
{
    hc_loop h = {comment, fn, arg};
    return ks_lineloop(ctx->in, max_line, KS_LL_TRIM_WS | KS_LL_SKIP_EMPTY, hc_line, &h, err);
}
