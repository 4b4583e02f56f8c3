/* The access-log field splitter and its helpers, against the straightforward byte-at-a-time
 * code they replaced (kept here as the reference) on random and hostile input. */
#include "ktest.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "parsers/fields.h"
#include "../fuzz/fields_ref.h"

/* xorshift: the same sequence on every run */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

KTEST(test_fields_split_matches_bytewise_reference_on_random_lines)
{
    ks_fields *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    KT_REQUIRE(a && b);
    static const char alphabet[] = "  \"\\[]ax-:.x0123456789abcdefghijk";
    uint64_t seed = 0x9e3779b97f4a7c15u;
    int bad = 0;
    for (int iter = 0; iter < 200000 && bad < 5; iter++) {
        size_t n = rnd(&seed) % 300;
        char *line = malloc(n ? n : 1); /* exact size: ASan sees any over-read */
        KT_REQUIRE(line);
        /* mostly ordinary bytes, sometimes a dense mix of the special ones */
        size_t span = rnd(&seed) % 2 ? sizeof alphabet - 1 : 6;
        for (size_t i = 0; i < n; i++)
            line[i] = alphabet[rnd(&seed) % span];
        unsigned flags = (unsigned)(rnd(&seed) % 2);
        const char *wa = ks_fields_split(a, line, n, flags);
        const char *wb = ref_split(b, line, n, flags);
        bool same = (wa == NULL) == (wb == NULL) && (!wa || !strcmp(wa, wb));
        if (same && !wa) {
            same = a->n == b->n && a->scrn == b->scrn;
            for (size_t k = 0; same && k < a->n; k++) {
                bool a_in = a->f[k].p >= line && a->f[k].p <= line + n;
                bool b_in = b->f[k].p >= line && b->f[k].p <= line + n;
                same = a->f[k].n == b->f[k].n && a_in == b_in &&
                       (!a_in || a->f[k].p == b->f[k].p) &&
                       !memcmp(a->f[k].p, b->f[k].p, a->f[k].n);
            }
        }
        if (!same) {
            KT_FAIL_("split differs on \"%.*s\" (flags %u)", (int)n, line, flags);
            bad++;
        }
        free(line);
    }
    free(a);
    free(b);
}

KTEST(test_fields_scan2_finds_first_match_within_bounds)
{
    for (size_t n = 0; n <= 70; n++) {
        for (size_t at = 0; at <= n; at++) {
            char *p = malloc(n ? n : 1); /* exact size: ASan sees any over-read */
            KT_REQUIRE(p);
            memset(p, 'x', n);
            if (at < n)
                p[at] = (at % 2) ? '"' : '\\';
            for (size_t from = 0; from <= n + 2; from++) {
                size_t want = from > n ? n : (from <= at ? at : n);
                KT_EQ_INT(ks_fields_scan2(p, from, n, '"', '\\'), want);
                size_t one = ks_fields_scan2(p, from, n, p[at < n ? at : 0], p[at < n ? at : 0]);
                if (at < n)
                    KT_EQ_INT(one, want);
            }
            free(p);
        }
    }
}

/* what real() in the readers did before: strtod on a NUL-terminated copy */
static int ref_decimal(const char *p, size_t n, double *out)
{
    if (n == 0 || n > 47)
        return -1;
    char tmp[48];
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    char *e = NULL;
    double d = strtod(tmp, &e);
    if (e != tmp + n)
        return -1;
    *out = d;
    return 0;
}

static bool decimal_agrees(const char *p, size_t n)
{
    double a = 12345.0, b = 12345.0;
    int ra = ks_fields_decimal(p, n, &a), rb = ref_decimal(p, n, &b);
    return ra == rb && (ra || !memcmp(&a, &b, sizeof a));
}

KTEST(test_fields_decimal_gives_strtods_double_bit_for_bit)
{
    static const char *const fixed[] = {
        "0",      "-0",        "0.000",    "-0.000", "0.001",  "-1",    "1.",   ".5",
        "-.5",    "+1",        "1e5",      "1E-3",   "0x1p3",  "inf",   "-nan", " 1",
        "1 ",     "1.2.3",     "--1",      "-",      "00.0100",
        "0.30000000000000004", "9007199254740993", "9007199254740992", "123456789012345678",
        "1234567890123456789", "0.1234567890123456789012345", "179769313486231570000000"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!decimal_agrees(fixed[i], strlen(fixed[i])))
            KT_FAIL_("decimal differs from strtod on \"%s\"", fixed[i]);
    KT_CHECK(decimal_agrees("1\0" "2", 3)); /* an embedded NUL is not consumed by strtod */
    uint64_t seed = 0x243f6a8885a308d3u;
    static const char alphabet[] = "0123456789.-+eExpin ";
    int bad = 0;
    char buf[64];
    for (int iter = 0; iter < 400000 && bad < 5; iter++) {
        size_t n;
        if (iter % 2) { /* log-like: [-]DIGITS.DIGITS, up to 24 digits in all */
            n = 0;
            if (rnd(&seed) % 4 == 0)
                buf[n++] = '-';
            size_t ip = 1 + rnd(&seed) % 10, fp = rnd(&seed) % 15;
            for (size_t k = 0; k < ip; k++)
                buf[n++] = (char)('0' + rnd(&seed) % 10);
            if (fp) {
                buf[n++] = '.';
                for (size_t k = 0; k < fp; k++)
                    buf[n++] = (char)('0' + rnd(&seed) % 10);
            }
        } else { /* anything from the characters strtod cares about */
            n = rnd(&seed) % 50;
            for (size_t k = 0; k < n; k++)
                buf[k] = alphabet[rnd(&seed) % (sizeof alphabet - 1)];
        }
        if (!decimal_agrees(buf, n)) {
            KT_FAIL_("decimal differs from strtod on \"%.*s\"", (int)n, buf);
            bad++;
        }
    }
}
