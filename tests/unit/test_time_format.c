/* ks_time_format and ks_civil_from_days against the code they replaced (kept here as the
 * reference): byte-identical text for random instants, zones and precisions. */
#include "ktest.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/time.h"

static void ref_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    const int64_t lim = (int64_t)1 << 40;
    if (z > lim * 366)
        z = lim * 366;
    if (z < -lim * 366)
        z = -lim * 366;
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const unsigned dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    const unsigned mm = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (mm <= 2);
    *m = mm;
    *d = dd;
}

static int64_t ref_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t ref_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

static char *ref_put2(char *p, int64_t v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

static char *ref_put_year(char *p, int64_t y)
{
    if (y >= 0 && y <= 9999) {
        p = ref_put2(p, y / 100);
        return ref_put2(p, y % 100);
    }
    char tmp[24];
    int k = 0;
    uint64_t u = y < 0 ? (uint64_t)0 - (uint64_t)y : (uint64_t)y;
    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && k < 20);
    if (y < 0)
        *p++ = '-';
    while (k)
        *p++ = tmp[--k];
    return p;
}

static size_t ref_fmt_offset(char *out, int32_t off)
{
    int32_t a = off < 0 ? -off : off;
    int h = a / 3600, m = a / 60 % 60, s = a % 60;
    size_t k = 0;
    out[k++] = off < 0 ? '-' : '+';
    out[k++] = (char)('0' + h / 10);
    out[k++] = (char)('0' + h % 10);
    out[k++] = ':';
    out[k++] = (char)('0' + m / 10);
    out[k++] = (char)('0' + m % 10);
    if (s) {
        out[k++] = ':';
        out[k++] = (char)('0' + s / 10);
        out[k++] = (char)('0' + s % 10);
    }
    out[k] = '\0';
    return k;
}

/* ks_time_format as it was; `utc` says whether tz is the UTC zone (or NULL) */
static size_t ref_format(int64_t ns, const ks_tz *tz, bool utc, int frac_digits, char *out,
                         size_t outsz)
{
    char b[64];
    char *p = b;
    if (!out || outsz == 0)
        return 0;
    if (ns == KS_TIME_NONE) {
        out[0] = '\0';
        return 0;
    }
    if (frac_digits > 9)
        frac_digits = 9;
    if (frac_digits < -1)
        frac_digits = -1;
    int64_t sec = ref_floor_div(ns, KS_NS_PER_SEC), nsec = ref_floor_mod(ns, KS_NS_PER_SEC);
    int32_t off = utc ? 0 : ks_tz_offset(tz, sec);
    int64_t local = sec + off, y;
    unsigned mo, d;
    ref_civil_from_days(ref_floor_div(local, 86400), &y, &mo, &d);
    int64_t sod = ref_floor_mod(local, 86400);
    p = ref_put_year(p, y);
    *p++ = '-';
    p = ref_put2(p, mo);
    *p++ = '-';
    p = ref_put2(p, d);
    *p++ = 'T';
    p = ref_put2(p, sod / 3600);
    *p++ = ':';
    p = ref_put2(p, sod / 60 % 60);
    *p++ = ':';
    p = ref_put2(p, sod % 60);
    int nd = frac_digits;
    if (nd < 0) {
        nd = 9;
        int64_t v = nsec;
        while (nd > 0 && v % 10 == 0) {
            v /= 10;
            nd--;
        }
    }
    if (nd > 0) {
        char digits[9];
        int64_t v = nsec;
        for (int i = 8; i >= 0; i--) {
            digits[i] = (char)('0' + v % 10);
            v /= 10;
        }
        *p++ = '.';
        memcpy(p, digits, (size_t)nd);
        p += nd;
    }
    if (utc)
        *p++ = 'Z';
    else
        p += ref_fmt_offset(p, off);
    size_t len = (size_t)(p - b);
    if (len >= outsz)
        len = outsz - 1;
    memcpy(out, b, len);
    out[len] = '\0';
    return len;
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

KTEST(test_time_format_matches_previous_code_on_random_instants)
{
    static const char *const names[] = {"UTC", "+09:00", "-05:30", "+00:00", "Asia/Tokyo",
                                        "America/New_York", "Europe/Amsterdam"};
    ks_tz *zones[sizeof names / sizeof names[0] + 1] = {NULL}; /* [0]: NULL means UTC */
    bool utc[sizeof names / sizeof names[0] + 1] = {true};
    size_t nz = 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ks_err e;
        ks_err_clear(&e);
        ks_tz *tz = NULL;
        if (ks_tz_load(&tz, names[i], &e) == 0) { /* IANA zones need tzdata */
            utc[nz] = i == 0;
            zones[nz++] = tz;
        }
    }
    KT_CHECK(nz >= 5);
    uint64_t seed = 0x13198a2e03707344u;
    int bad = 0;
    for (int iter = 0; iter < 300000 && bad < 5; iter++) {
        int64_t ns;
        switch (iter % 4) {
        case 0: ns = (int64_t)rnd(&seed); break; /* anywhere in int64 */
        case 1: /* 1678..2261, the supported range */
            ns = (int64_t)(rnd(&seed) % ((uint64_t)9100000000 * 1000000000u));
            if (rnd(&seed) % 2)
                ns = -ns;
            break;
        case 2: /* near day boundaries and the epoch, whole seconds */
            ns = ((int64_t)(rnd(&seed) % 200001) - 100000) * 86400 * KS_NS_PER_SEC +
                 ((int64_t)(rnd(&seed) % 7) - 3) * KS_NS_PER_SEC;
            break;
        default: /* logs of these years, with few fraction digits */
            ns = (int64_t)1262304000 * KS_NS_PER_SEC +
                 (int64_t)(rnd(&seed) % ((uint64_t)1000000000 * 1000)) * 1000000;
            break;
        }
        if (iter == 0)
            ns = INT64_MAX;
        if (iter == 1)
            ns = INT64_MIN + 1;
        size_t z = rnd(&seed) % nz;
        int digits = (int)(rnd(&seed) % 13) - 2; /* -2..10: out of range ones are clamped */
        size_t outsz = rnd(&seed) % 8 ? 64 : rnd(&seed) % 40; /* sometimes truncated */
        char a[64], b[64];
        memset(a, 'a', sizeof a);
        memset(b, 'a', sizeof b);
        size_t na = ks_time_format(ns, zones[z], digits, a, outsz);
        size_t nb = ref_format(ns, zones[z], utc[z], digits, b, outsz);
        if (na != nb || memcmp(a, b, sizeof a)) {
            KT_FAIL_("ns %lld zone %zu digits %d size %zu: \"%s\" vs \"%s\"", (long long)ns, z,
                     digits, outsz, outsz ? a : "", outsz ? b : "");
            bad++;
        }
    }
    for (size_t i = 1; i < nz; i++)
        ks_tz_free(zones[i]);
}

KTEST(test_civil_from_days_matches_previous_code)
{
    uint64_t seed = 0xa4093822299f31d0u;
    for (int iter = 0; iter < 400000; iter++) {
        int64_t z;
        switch (iter % 3) {
        case 0: z = (int64_t)rnd(&seed); break;
        case 1: z = (int64_t)(rnd(&seed) % 8000000000u) - 4000000000; break; /* around 2^31 */
        default: z = (int64_t)(rnd(&seed) % 2000000) - 1000000; break;
        }
        if (iter < 8) {
            static const int64_t edge[8] = {-719468, -719469, ((int64_t)1 << 31) - 719468,
                                            ((int64_t)1 << 31) - 719469, 0, -1, INT64_MAX,
                                            INT64_MIN};
            z = edge[iter];
        }
        int64_t ya, yb;
        unsigned ma, mb, da, db;
        ks_civil_from_days(z, &ya, &ma, &da);
        ref_civil_from_days(z, &yb, &mb, &db);
        if (ya != yb || ma != mb || da != db) {
            KT_FAIL_("days %lld: %lld-%u-%u vs %lld-%u-%u", (long long)z, (long long)ya, ma, da,
                     (long long)yb, mb, db);
            return;
        }
    }
}
