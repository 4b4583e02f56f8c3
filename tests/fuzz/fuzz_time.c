/* fuzz_time — every timestamp parser and the TZif reader on arbitrary bytes.
 * Properties: no crash/UB; a successful parse lies in the supported range, and formatting
 * it as ISO 8601 (UTC and in zones, any fraction digits >= what it has) and parsing that
 * again gives the same nanoseconds. TZif bytes that load give offsets within a day and
 * local->UTC conversions that round-trip whenever the wall time is not in a gap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"

static ks_tz *zones[4];
static int nzones;

static void load_zones(void)
{
    static const char *names[] = {"Asia/Tokyo", "America/New_York", "Australia/Lord_Howe",
                                  "+05:30"};
    if (nzones)
        return;
    for (int i = 0; i < 4; i++)
        if (ks_tz_load(&zones[nzones], names[i], NULL) == 0)
            nzones++;
}

static void check_round_trip(int64_t ns)
{
    if (ns == KS_TIME_NONE)
        abort();
    char b[64];
    for (int z = -1; z < nzones; z++) {
        const ks_tz *tz = z < 0 ? NULL : zones[z];
        size_t n = ks_time_format(ns, tz, -1, b, sizeof b);
        if (n == 0 || n >= 40)
            abort();
        int64_t back = 0;
        if (ks_time_parse_iso8601(b, n, NULL, &back) != 0 || back != ns)
            abort();
        n = ks_time_format(ns, tz, 9, b, sizeof b);
        if (ks_time_parse_iso8601(b, n, zones[0], &back) != 0 || back != ns)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_zones();
    const char *s = (const char *)data;
    int64_t v;
    for (int z = -1; z < nzones; z++) {
        const ks_tz *tz = z < 0 ? NULL : zones[z];
        if (ks_time_parse_iso8601(s, size, tz, &v) == 0)
            check_round_trip(v);
        if (ks_time_parse_syslog(s, size, 1795371719000000000LL, tz, &v) == 0)
            check_round_trip(v);
    }
    if (ks_time_parse_clf(s, size, &v) == 0)
        check_round_trip(v);
    if (ks_time_parse_epoch(s, size, 0, &v) == 0)
        check_round_trip(v);
    static const int64_t units[] = {1, 1000, 1000000, KS_NS_PER_SEC, 60 * KS_NS_PER_SEC,
                                    86400 * KS_NS_PER_SEC, INT64_MAX};
    if (size > 0 && ks_time_parse_epoch(s + 1, size - 1, units[data[0] % 7], &v) == 0)
        check_round_trip(v);

    /* the same bytes as a TZif file (a suspect's /etc/localtime) */
    ks_tz *tz = NULL;
    if (ks_tz_from_tzif(&tz, "fuzz", data, size, NULL) == 0) {
        uint64_t x = size * 0x9E3779B97F4A7C15ULL + 1;
        for (int i = 0; i < 64; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            int64_t t = (int64_t)(x % 18000000000ULL) - 9000000000LL; /* seconds, ~1685..2255 */
            int32_t off = ks_tz_offset(tz, t);
            if (off <= -90000 || off >= 93600)
                abort();
            int64_t local = t + off;
            int64_t u = ks_tz_local_to_utc(tz, local);
            /* u maps to the same wall time unless that time is in a gap (then later) */
            if (u + ks_tz_offset(tz, u) < local)
                abort();
            char b[64];
            ks_time_format(t * KS_NS_PER_SEC, tz, 0, b, sizeof b);
        }
        (void)ks_tz_offset(tz, INT64_MIN);
        (void)ks_tz_offset(tz, INT64_MAX);
        ks_tz_free(tz);
    }
    return 0;
}
