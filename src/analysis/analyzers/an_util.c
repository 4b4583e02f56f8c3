/* an_util.c — helpers shared by the built-in analyzers. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"
#include "core/time.h"

#define WALK_DEPTH 32

static int walk(ks_json_doc *doc, ks_jv v, const char *key, ks_an_str_fn fn, void *ctx, int depth)
{
    if (depth > WALK_DEPTH)
        return 0;
    ks_json_type t = ks_json_type_of(doc, v);
    if (t == KS_JSON_OBJECT) {
        for (ks_jv k = ks_json_first(doc, v); k != KS_JV_NONE; k = ks_json_next(doc, k)) {
            ks_jv val = ks_json_member_value(doc, k);
            ks_str ks = ks_json_str(doc, k);
            if (ks.p && strlen(key) == ks.n && !memcmp(ks.p, key, ks.n)) {
                ks_json_type vt = ks_json_type_of(doc, val);
                if (vt == KS_JSON_STRING) {
                    ks_str s = ks_json_str(doc, val);
                    if (fn(ctx, s.p, s.n))
                        return 1;
                } else if (vt == KS_JSON_NUMBER) {
                    ks_str s = ks_json_raw(doc, val);
                    if (fn(ctx, s.p, s.n))
                        return 1;
                } else if (vt == KS_JSON_ARRAY) {
                    for (ks_jv c = ks_json_first(doc, val); c != KS_JV_NONE; c = ks_json_next(doc, c))
                        if (ks_json_type_of(doc, c) == KS_JSON_STRING) {
                            ks_str s = ks_json_str(doc, c);
                            if (fn(ctx, s.p, s.n))
                                return 1;
                        }
                }
            }
            if (walk(doc, val, key, fn, ctx, depth + 1))
                return 1;
        }
    } else if (t == KS_JSON_ARRAY) {
        for (ks_jv c = ks_json_first(doc, v); c != KS_JV_NONE; c = ks_json_next(doc, c))
            if (walk(doc, c, key, fn, ctx, depth + 1))
                return 1;
    }
    return 0;
}

int ks_an_json_strings(ks_json_doc *doc, const char *text, const char *key, ks_an_str_fn fn,
                       void *ctx)
{
    if (!text || !*text || text[0] != '{')
        return 0;
    ks_err e;
    ks_err_clear(&e);
    if (ks_json_parse(doc, text, strlen(text), &e))
        return 0;
    return walk(doc, ks_json_root(doc), key, fn, ctx, 0);
}

typedef struct first_ctx {
    char *out;
    size_t outsz;
} first_ctx;

static int take_first(void *ctx, const char *s, size_t n)
{
    first_ctx *c = ctx;
    snprintf(c->out, c->outsz, "%.*s", (int)(n < 4096 ? n : 4096), s);
    return 1;
}

void ks_an_json_first(ks_json_doc *doc, const char *text, const char *key, char *out, size_t outsz)
{
    first_ctx c = {out, outsz};
    out[0] = '\0';
    ks_an_json_strings(doc, text, key, take_first, &c);
}

bool ks_an_readonly_name(const char *n)
{
    static const char *const verbs[] = {"Get", "List", "Describe", "Head", "Lookup", "Search",
                                        "Select", "Scan", "Query", "BatchGet", "Check", "Test",
                                        "Validate", "Estimate", "Preview", "Simulate", NULL};
    for (const char *const *v = verbs; *v; v++)
        if (!strncmp(n, *v, strlen(*v)))
            return true;
    return !strcmp(n, "ConsoleLogin");
}

bool ks_an_ok(const ks_ct_event *e)
{
    return !e->error[0];
}

int ks_an_group(ks_strmap *m, const char *key, ks_findings *out, const char *analyzer, ks_sev sev,
                ks_finding **f, ks_err *err)
{
    ks_strmap_ent *g = ks_strmap_get(m, key, err);
    if (!g)
        return err && err->code ? err->code : KS_ENOMEM;
    if (!g->p) {
        ks_finding *nf = NULL;
        int rc = ks_findings_add(out, analyzer, "cloud", sev, &nf, err);
        if (rc)
            return rc;
        g->p = nf;
    }
    *f = g->p;
    if (sev > (*f)->sev)
        (*f)->sev = sev;
    return 0;
}

void ks_an_arn_tail(const char *arn, char *out, size_t outsz)
{
    const char *sl = strrchr(arn, '/');
    snprintf(out, outsz, "%s", sl ? sl + 1 : arn);
}

#define DAY_NS (86400LL * KS_NS_PER_SEC)

void ks_an_span_window(int64_t t0, int64_t t1, int64_t *out_start, int64_t *out_end)
{
    int64_t span = t1 - t0;
    /* a third of the evidence, at least a day when the evidence covers two or more days */
    int64_t w = span / 3;
    int64_t day = span / 2 < DAY_NS ? span / 2 : DAY_NS;
    if (w < day)
        w = day;
    *out_start = t0;
    *out_end = t0 + w;
}

void ks_an_baseline_window(const ks_ct_set *ct, int64_t *out_start, int64_t *out_end)
{
    size_t n = ks_ct_count(ct);
    if (!n) {
        *out_start = *out_end = 0;
        return;
    }
    ks_an_span_window(ks_ct_at(ct, 0)->time, ks_ct_at(ct, n - 1)->time, out_start, out_end);
}

void ks_an_rows_window(const ks_rows *r, int64_t *out_start, int64_t *out_end)
{
    size_t n = ks_rows_count(r), i = 0;
    while (i < n && ks_rows_at(r, i)->time == KS_TIME_NONE)
        i++;
    if (i == n) {
        *out_start = *out_end = 0;
        return;
    }
    ks_an_span_window(ks_rows_at(r, i)->time, ks_rows_at(r, n - 1)->time, out_start, out_end);
}

/* ---- text ---- */
static int hexv(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t ks_an_pct_decode(const char *s, size_t n, char *out, size_t outsz)
{
    size_t o = 0;
    if (!outsz)
        return 0;
    for (size_t i = 0; i < n && o + 1 < outsz; i++) {
        if (s[i] == '%' && i + 2 < n && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
            out[o++] = (char)(hexv(s[i + 1]) * 16 + hexv(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return o;
}

size_t ks_an_norm(const char *in, bool plus, char *out, size_t outsz)
{
    if (!outsz)
        return 0;
    size_t n = 0;
    const char *s = in;
    char tmp[KS_AN_TEXT_MAX];
    /* two rounds of percent-decoding (double-encoded payloads), then lower case */
    for (int round = 0; round < 2; round++) {
        char *dst = round == 0 ? tmp : out;
        size_t cap = round == 0 ? sizeof tmp : outsz;
        n = 0;
        for (size_t i = 0; s[i] && n + 1 < cap; i++) {
            int c = (unsigned char)s[i];
            if (c == '%' && s[i + 1] && s[i + 2] && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
                c = hexv(s[i + 1]) * 16 + hexv(s[i + 2]);
                i += 2;
            } else if (c == '+' && plus && round == 0) {
                c = ' ';
            }
            if (c == 0)
                c = ' ';
            if (c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            dst[n++] = (char)c;
        }
        dst[n] = '\0';
        s = tmp;
    }
    return n;
}

bool ks_an_has_any(const char *text, const char *const *needles)
{
    for (const char *const *p = needles; *p; p++)
        if (strstr(text, *p))
            return true;
    return false;
}
