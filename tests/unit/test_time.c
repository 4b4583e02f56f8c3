#include "ktest.h"

#include <stdint.h>
#include <string.h>

#include "core/time.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static ks_tz *load(const char *name)
{
    ks_tz *tz = NULL;
    ks_err e;
    ks_err_clear(&e);
    if (ks_tz_load(&tz, name, &e) != 0)
        fprintf(stdout, "    cannot load %s: %s\n", name, e.msg);
    return tz;
}

static int64_t iso(const char *s, const ks_tz *assume)
{
    int64_t v = KS_TIME_NONE;
    if (ks_time_parse_iso8601(s, strlen(s), assume, &v) != 0)
        return KS_TIME_NONE;
    return v;
}

static const char *fmt(int64_t ns, const ks_tz *tz, int digits)
{
    static char b[64];
    ks_time_format(ns, tz, digits, b, sizeof b);
    return b;
}

KTEST(test_civil_days_round_trip_known_values)
{
    KT_EQ_INT(ks_days_from_civil(1970, 1, 1), 0);
    KT_EQ_INT(ks_days_from_civil(2000, 3, 1), 11017);
    KT_EQ_INT(ks_days_from_civil(1969, 12, 31), -1);
    KT_EQ_INT(ks_days_from_civil(1678, 1, 1), -106650);
    int64_t y;
    unsigned m, d;
    ks_civil_from_days(19000, &y, &m, &d);
    KT_EQ_INT(y, 2022);
    KT_EQ_INT(m, 1);
    KT_EQ_INT(d, 8);
    for (int64_t z = -120000; z < 120000; z += 37) {
        ks_civil_from_days(z, &y, &m, &d);
        KT_REQUIRE(ks_days_from_civil(y, m, d) == z);
    }
}

KTEST(test_time_from_civil_validates_fields_and_range)
{
    KT_EQ_INT(ks_time_from_civil(2026, 11, 22, 18, 21, 59, 5), 1795371719000000005LL);
    KT_EQ_INT(ks_time_from_civil(2024, 2, 29, 0, 0, 0, 0), 1709164800000000000LL);
    KT_EQ_INT(ks_time_from_civil(2023, 2, 29, 0, 0, 0, 0), KS_TIME_NONE);
    KT_EQ_INT(ks_time_from_civil(2026, 13, 1, 0, 0, 0, 0), KS_TIME_NONE);
    KT_EQ_INT(ks_time_from_civil(2026, 1, 1, 24, 0, 0, 0), KS_TIME_NONE);
    KT_EQ_INT(ks_time_from_civil(2026, 1, 1, 0, 0, 0, 1000000000), KS_TIME_NONE);
    KT_EQ_INT(ks_time_from_civil(1677, 12, 31, 23, 59, 59, 0), KS_TIME_NONE);
    KT_EQ_INT(ks_time_from_civil(2262, 1, 1, 0, 0, 0, 0), KS_TIME_NONE);
    KT_CHECK(ks_time_from_civil(1678, 1, 1, 0, 0, 0, 0) != KS_TIME_NONE);
    KT_CHECK(ks_time_from_civil(2261, 12, 31, 23, 59, 59, 999999999) != KS_TIME_NONE);
}

KTEST(test_iso8601_accepts_rfc3339_forms)
{
    const int64_t want = 1795371719000000000LL; /* 2026-11-22T18:21:59Z */
    KT_EQ_INT(iso("2026-11-22T18:21:59Z", NULL), want);
    KT_EQ_INT(iso("2026-11-22t18:21:59z", NULL), want);
    KT_EQ_INT(iso("2026-11-22 18:21:59", NULL), want);
    KT_EQ_INT(iso("2026-11-23T03:21:59+09:00", NULL), want);
    KT_EQ_INT(iso("2026-11-23T03:21:59+0900", NULL), want);
    KT_EQ_INT(iso("2026-11-23T03:21:59+09", NULL), want);
    KT_EQ_INT(iso("2026-11-22T13:21:59-05:00", NULL), want);
    KT_EQ_INT(iso("2026-11-22T18:21:59-00:00", NULL), want);
    KT_EQ_INT(iso("2026-11-22 18:21:59 +0000", NULL), want);
    KT_EQ_INT(iso("20261122T182159Z", NULL), want);
    KT_EQ_INT(iso("  2026-11-22T18:21:59Z ", NULL), want);
    KT_EQ_INT(iso("2026-11-22T18:21Z", NULL), want - 59 * KS_NS_PER_SEC);
    KT_EQ_INT(iso("2026-11-22", NULL), want - (18 * 3600 + 21 * 60 + 59) * KS_NS_PER_SEC);
    KT_EQ_INT(iso("2026-11-22T18:21:59.5Z", NULL), want + 500000000);
    KT_EQ_INT(iso("2026-11-22T18:21:59,25Z", NULL), want + 250000000);
    KT_EQ_INT(iso("2026-11-22T18:21:59.123456789Z", NULL), want + 123456789);
    /* more than 9 digits: truncated to ns, not rounded */
    KT_EQ_INT(iso("2026-11-22T18:21:59.1234567899999Z", NULL), want + 123456789);
    /* leap second as written in RFC 3339 rolls into the next minute */
    KT_EQ_INT(iso("2016-12-31T23:59:60Z", NULL), 1483228800000000000LL);
    KT_EQ_INT(iso("1970-01-01T00:00:00Z", NULL), 0);
    KT_EQ_INT(iso("1969-12-31T23:59:59.999999999Z", NULL), -1);
}

KTEST(test_iso8601_rejects_malformed_and_out_of_range)
{
    static const char *bad[] = {
        "", "2026", "2026-11", "2026-11-22T", "2026-11-22T18", "2026-11-22T18:21:59.",
        "2026-11-22T18:21:59ZZ", "2026-11-22T18:21:59+9", "2026-11-22T18:21:59+09:0",
        "2026-11-22T18:21:59+24:00", "2026-02-30", "2026-11-22X18:21:59",
        "2026-11-22T25:00:00", "2026-11-22T18:60:00", "2026-11-22T18:21:61",
        "20261122", "2026-11-22T18:21:59 junk", "２０２６-11-22", "2026-11-22T18:21:59+09:00:"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 42;
        int rc = ks_time_parse_iso8601(bad[i], strlen(bad[i]), NULL, &v);
        if (rc == 0)
            KT_FAIL_("accepted \"%s\"", bad[i]);
        KT_EQ_INT(v, 42); /* out untouched on failure */
    }
    int64_t v;
    KT_EQ_INT(ks_time_parse_iso8601(S("1677-12-31T00:00:00Z"), NULL, &v), KS_EUNSUPPORTED);
    KT_EQ_INT(ks_time_parse_iso8601(S("2262-01-01T00:00:00Z"), NULL, &v), KS_EUNSUPPORTED);
    KT_EQ_INT(ks_time_parse_iso8601(S("9999-12-31T23:59:59Z"), NULL, &v), KS_EUNSUPPORTED);
    /* within the year range but past int64 ns once the offset is applied */
    KT_EQ_INT(ks_time_parse_iso8601(S("2261-12-31T23:59:59-23:00"), NULL, &v), KS_EUNSUPPORTED);
}

KTEST(test_iso8601_without_zone_uses_assumed_zone)
{
    ks_tz *tokyo = load("Asia/Tokyo");
    KT_REQUIRE(tokyo);
    KT_EQ_INT(iso("2026-11-23T03:21:59", tokyo), 1795371719000000000LL);
    /* an explicit zone wins over the assumed one */
    KT_EQ_INT(iso("2026-11-22T18:21:59Z", tokyo), 1795371719000000000LL);
    ks_tz_free(tokyo);
}

KTEST(test_clf_parses_apache_time_with_offset)
{
    int64_t v = 0;
    KT_EQ_INT(ks_time_parse_clf(S("10/Oct/2000:13:55:36 -0700"), &v), 0);
    KT_EQ_INT(v, 971211336000000000LL);
    KT_EQ_INT(ks_time_parse_clf(S("[10/Oct/2000:13:55:36 -0700]"), &v), 0);
    KT_EQ_INT(v, 971211336000000000LL);
    KT_EQ_INT(ks_time_parse_clf(S("10/oct/2000:20:55:36.25 +0000"), &v), 0);
    KT_EQ_INT(v, 971211336250000000LL);
    KT_EQ_INT(ks_time_parse_clf(S("23/Nov/2026:03:21:59 +0900"), &v), 0);
    KT_EQ_INT(v, 1795371719000000000LL);
    KT_CHECK(ks_time_parse_clf(S("10/Oct/2000:13:55:36"), &v) != 0);   /* zone required */
    KT_CHECK(ks_time_parse_clf(S("10/Foo/2000:13:55:36 -0700"), &v) != 0);
    KT_CHECK(ks_time_parse_clf(S("31/Feb/2000:13:55:36 -0700"), &v) != 0);
    KT_CHECK(ks_time_parse_clf(S("10/Oct/2000 13:55:36 -0700"), &v) != 0);
    KT_CHECK(ks_time_parse_clf(S("10/Oct/20"), &v) != 0);
}

KTEST(test_syslog_infers_year_from_reference)
{
    int64_t ref = iso("2026-11-22T18:21:59Z", NULL), v = 0;
    KT_EQ_INT(ks_time_parse_syslog(S("Nov  2 18:21:59"), ref, NULL, &v), 0);
    KT_EQ_STR(fmt(v, NULL, -1), "2026-11-02T18:21:59Z");
    KT_EQ_INT(ks_time_parse_syslog(S("Nov 02 18:21:59"), ref, NULL, &v), 0);
    KT_EQ_STR(fmt(v, NULL, -1), "2026-11-02T18:21:59Z");
    /* a date after ref + 1 day belongs to the previous year */
    KT_EQ_INT(ks_time_parse_syslog(S("Dec 31 23:59:59"), ref, NULL, &v), 0);
    KT_EQ_STR(fmt(v, NULL, -1), "2025-12-31T23:59:59Z");
    /* within the one-day allowance (clock skew, rotation) stays in the reference year */
    KT_EQ_INT(ks_time_parse_syslog(S("Nov 23 10:00:00.5"), ref, NULL, &v), 0);
    KT_EQ_STR(fmt(v, NULL, -1), "2026-11-23T10:00:00.5Z");
    /* log read on Jan 1 holding Dec 31 lines: last year */
    int64_t ref2 = iso("2027-01-01T00:10:00Z", NULL);
    KT_EQ_INT(ks_time_parse_syslog(S("Dec 31 23:59:58"), ref2, NULL, &v), 0);
    KT_EQ_STR(fmt(v, NULL, -1), "2026-12-31T23:59:58Z");
    /* Feb 29 goes back to the latest leap year */
    KT_EQ_INT(ks_time_parse_syslog(S("Feb 29 12:00:00"), ref, NULL, &v), 0);
    KT_EQ_STR(fmt(v, NULL, -1), "2024-02-29T12:00:00Z");
    /* in a zone: local wall time */
    ks_tz *tokyo = load("JST");
    KT_REQUIRE(tokyo);
    KT_EQ_INT(ks_time_parse_syslog(S("Nov 23 03:21:59"), ref, tokyo, &v), 0);
    KT_EQ_INT(v, ref);
    ks_tz_free(tokyo);
    KT_CHECK(ks_time_parse_syslog(S("Nov 31 00:00:00"), ref, NULL, &v) != 0);
    KT_CHECK(ks_time_parse_syslog(S("Nov  2 18:21"), ref, NULL, &v) != 0);
    KT_CHECK(ks_time_parse_syslog(S("Nov 2 18:21:59"), KS_TIME_NONE, NULL, &v) != 0);
}

KTEST(test_epoch_detects_unit_from_digit_count)
{
    int64_t v = 0;
    KT_EQ_INT(ks_time_parse_epoch(S("1645164733"), 0, &v), 0);
    KT_EQ_INT(v, 1645164733000000000LL);
    KT_EQ_INT(ks_time_parse_epoch(S("1645164733006"), 0, &v), 0);
    KT_EQ_INT(v, 1645164733006000000LL);
    KT_EQ_INT(ks_time_parse_epoch(S("1645164733006007"), 0, &v), 0);
    KT_EQ_INT(v, 1645164733006007000LL);
    KT_EQ_INT(ks_time_parse_epoch(S("1645164733006007008"), 0, &v), 0);
    KT_EQ_INT(v, 1645164733006007008LL);
    KT_EQ_INT(ks_time_parse_epoch(S("1645164733.006"), 0, &v), 0);
    KT_EQ_INT(v, 1645164733006000000LL);
    KT_EQ_INT(ks_time_parse_epoch(S("1645164733006.5"), 0, &v), 0);
    KT_EQ_INT(v, 1645164733006500000LL);
    KT_EQ_INT(ks_time_parse_epoch(S("-1.5"), 0, &v), 0);
    KT_EQ_INT(v, -1500000000LL);
    KT_EQ_INT(ks_time_parse_epoch(S("0"), 0, &v), 0);
    KT_EQ_INT(v, 0);
    /* explicit unit: minutes, and ms given as a small number */
    KT_EQ_INT(ks_time_parse_epoch(S("2.5"), 60 * KS_NS_PER_SEC, &v), 0);
    KT_EQ_INT(v, 150 * KS_NS_PER_SEC);
    KT_EQ_INT(ks_time_parse_epoch(S("1500"), 1000000, &v), 0);
    KT_EQ_INT(v, 1500000000LL);
    KT_EQ_INT(ks_time_parse_epoch(S("99999999999999999999"), 0, &v), KS_EUNSUPPORTED);
    KT_EQ_INT(ks_time_parse_epoch(S("9223372036854775807"), KS_NS_PER_SEC, &v), KS_EUNSUPPORTED);
    KT_EQ_INT(ks_time_parse_epoch(S("9300000000"), 0, &v), KS_EUNSUPPORTED); /* > 2261 */
    KT_CHECK(ks_time_parse_epoch(S(""), 0, &v) != 0);
    KT_CHECK(ks_time_parse_epoch(S("-"), 0, &v) != 0);
    KT_CHECK(ks_time_parse_epoch(S("12a"), 0, &v) != 0);
    KT_CHECK(ks_time_parse_epoch(S("1."), 0, &v) != 0);
    KT_CHECK(ks_time_parse_epoch(S(".5"), 0, &v) != 0);
}

KTEST(test_format_fraction_digits_and_zone_suffix)
{
    int64_t t = 1795371719123450000LL;
    KT_EQ_STR(fmt(t, NULL, -1), "2026-11-22T18:21:59.12345Z");
    KT_EQ_STR(fmt(t, NULL, 0), "2026-11-22T18:21:59Z");
    KT_EQ_STR(fmt(t, NULL, 3), "2026-11-22T18:21:59.123Z");
    KT_EQ_STR(fmt(t, NULL, 9), "2026-11-22T18:21:59.123450000Z");
    KT_EQ_STR(fmt(1795371719000000000LL, NULL, -1), "2026-11-22T18:21:59Z");
    KT_EQ_STR(fmt(-1, NULL, -1), "1969-12-31T23:59:59.999999999Z");
    ks_tz *tokyo = load("Asia/Tokyo");
    ks_tz *ist = load("+05:30");
    ks_tz *utc = load("UTC");
    KT_REQUIRE(tokyo && ist && utc);
    KT_EQ_STR(fmt(t, tokyo, 3), "2026-11-23T03:21:59.123+09:00");
    KT_EQ_STR(fmt(t, ist, 0), "2026-11-22T23:51:59+05:30");
    KT_EQ_STR(fmt(t, utc, 0), "2026-11-22T18:21:59Z");
    /* extremes of the int64 range still format */
    KT_EQ_STR(fmt(INT64_MAX, NULL, -1), "2262-04-11T23:47:16.854775807Z");
    KT_EQ_STR(fmt(INT64_MIN + 1, NULL, -1), "1677-09-21T00:12:43.145224193Z");
    char small[8];
    KT_EQ_INT(ks_time_format(t, NULL, 0, small, sizeof small), 7);
    KT_EQ_STR(small, "2026-11");
    ks_tz_free(tokyo);
    ks_tz_free(ist);
    ks_tz_free(utc);
}

KTEST(test_tz_load_accepts_aliases_and_offsets)
{
    static const struct {
        const char *in, *name;
        int32_t off;
    } cases[] = {{"UTC", "UTC", 0},        {"Z", "UTC", 0},         {"+09:00", "+09:00", 32400},
                 {"+0900", "+09:00", 32400}, {"-05", "-05:00", -18000}, {"+5:30", "+05:30", 19800},
                 {"JST", "Asia/Tokyo", 32400}, {"Japan", "Japan", 32400}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ks_tz *tz = load(cases[i].in);
        KT_REQUIRE(tz);
        KT_EQ_STR(ks_tz_name(tz), cases[i].name);
        KT_EQ_INT(ks_tz_offset(tz, 1795371719), cases[i].off);
        ks_tz_free(tz);
    }
    KT_EQ_INT(ks_tz_offset(NULL, 1795371719), 0);
    KT_EQ_STR(ks_tz_name(NULL), "UTC");
}

KTEST(test_tz_load_rejects_hostile_names)
{
    static const char *bad[] = {"../../etc/passwd", "/etc/localtime", "Asia/../../../etc/passwd",
                                "Asia//Tokyo", "", "Asia/Tokyo/", ".hidden", "Asia/.",
                                "Asia/Tokyo\n", "Asia/Tok yo", "-rf", "zone.tab",
                                "No/Such_Zone", "+25:00", "+09:60", "tzdata.zi",
                                "Asia/Tokyo\x1b[31m"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ks_tz *tz = NULL;
        ks_err e;
        ks_err_clear(&e);
        int rc = ks_tz_load(&tz, bad[i], &e);
        if (rc == 0)
            KT_FAIL_("accepted zone \"%s\"", bad[i]);
        KT_CHECK(tz == NULL);
        KT_CHECK(e.code != 0);
    }
    char longname[600];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    ks_tz *tz = NULL;
    KT_CHECK(ks_tz_load(&tz, longname, NULL) != 0);
}

KTEST(test_tz_new_york_dst_both_directions)
{
    ks_tz *ny = load("America/New_York");
    KT_REQUIRE(ny);
    /* 2024-03-10 07:00Z: EST -> EDT */
    KT_EQ_INT(ks_tz_offset(ny, 1710053999), -18000);
    KT_EQ_INT(ks_tz_offset(ny, 1710054000), -14400);
    /* 2024-11-03 06:00Z: EDT -> EST */
    KT_EQ_INT(ks_tz_offset(ny, 1730613599), -14400);
    KT_EQ_INT(ks_tz_offset(ny, 1730613600), -18000);
    /* local 2024-03-10 02:30 does not exist: shifted forward to 03:30 EDT (07:30Z) */
    int64_t gap = ks_days_from_civil(2024, 3, 10) * 86400 + 2 * 3600 + 1800;
    KT_EQ_INT(ks_tz_local_to_utc(ny, gap), 1710055800);
    /* local 2024-11-03 01:30 happens twice: the earlier (EDT, 05:30Z) */
    int64_t amb = ks_days_from_civil(2024, 11, 3) * 86400 + 3600 + 1800;
    KT_EQ_INT(ks_tz_local_to_utc(ny, amb), 1730611800);
    /* ordinary summer and winter wall times */
    KT_EQ_INT(ks_tz_local_to_utc(ny, ks_days_from_civil(2024, 7, 4) * 86400 + 12 * 3600),
              ks_days_from_civil(2024, 7, 4) * 86400 + 16 * 3600);
    KT_EQ_INT(ks_tz_local_to_utc(ny, ks_days_from_civil(2024, 1, 4) * 86400 + 12 * 3600),
              ks_days_from_civil(2024, 1, 4) * 86400 + 17 * 3600);
    KT_EQ_STR(fmt(1730613600LL * KS_NS_PER_SEC, ny, 0), "2024-11-03T01:00:00-05:00");
    KT_EQ_STR(fmt(1730613599LL * KS_NS_PER_SEC, ny, 0), "2024-11-03T01:59:59-04:00");
    ks_tz_free(ny);
}

KTEST(test_tz_london_dst_both_directions)
{
    ks_tz *lon = load("Europe/London");
    KT_REQUIRE(lon);
    /* 2025-03-30 01:00Z GMT -> BST; 2025-10-26 01:00Z BST -> GMT */
    int64_t spring = ks_days_from_civil(2025, 3, 30) * 86400 + 3600;
    int64_t autumn = ks_days_from_civil(2025, 10, 26) * 86400 + 3600;
    KT_EQ_INT(ks_tz_offset(lon, spring - 1), 0);
    KT_EQ_INT(ks_tz_offset(lon, spring), 3600);
    KT_EQ_INT(ks_tz_offset(lon, autumn - 1), 3600);
    KT_EQ_INT(ks_tz_offset(lon, autumn), 0);
    /* local 01:30 on 2025-03-30 is in the gap -> 02:30 BST = 01:30Z */
    KT_EQ_INT(ks_tz_local_to_utc(lon, spring + 1800), spring + 1800);
    /* local 01:30 on 2025-10-26 is repeated -> earlier (BST) = 00:30Z */
    KT_EQ_INT(ks_tz_local_to_utc(lon, autumn + 1800), autumn - 1800);
    ks_tz_free(lon);
}

KTEST(test_tz_tokyo_has_no_dst_and_historic_offsets)
{
    ks_tz *tokyo = load("Asia/Tokyo");
    KT_REQUIRE(tokyo);
    KT_EQ_INT(ks_tz_offset(tokyo, 1795371719), 32400);
    KT_EQ_INT(ks_tz_offset(tokyo, 4102444800), 32400); /* 2100, footer "JST-9" */
    /* Japan had DST 1948-1951: 1949-07-01 was JDT (+10) */
    KT_EQ_INT(ks_tz_offset(tokyo, ks_days_from_civil(1949, 7, 1) * 86400), 36000);
    /* before standard time (1888) local mean time +09:18:59 */
    KT_EQ_INT(ks_tz_offset(tokyo, ks_days_from_civil(1880, 1, 1) * 86400), 33539);
    KT_EQ_STR(fmt(ks_days_from_civil(1880, 1, 1) * 86400 * KS_NS_PER_SEC, tokyo, 0),
              "1880-01-01T09:18:59+09:18:59");
    ks_tz_free(tokyo);
}

KTEST(test_tz_lord_howe_half_hour_dst)
{
    ks_tz *lh = load("Australia/Lord_Howe");
    KT_REQUIRE(lh);
    /* +10:30 standard, +11:00 summer; 2025-10-05 02:00 local (15:30Z Oct 4) starts DST,
     * 2026-04-05 02:00 local DST (15:00Z Apr 4) ends it */
    int64_t start = ks_days_from_civil(2025, 10, 4) * 86400 + 15 * 3600 + 1800;
    int64_t end = ks_days_from_civil(2026, 4, 4) * 86400 + 15 * 3600;
    KT_EQ_INT(ks_tz_offset(lh, start - 1), 37800);
    KT_EQ_INT(ks_tz_offset(lh, start), 39600);
    KT_EQ_INT(ks_tz_offset(lh, end - 1), 39600);
    KT_EQ_INT(ks_tz_offset(lh, end), 37800);
    /* 02:15 local on the start day does not exist (30-minute gap) */
    int64_t gap = ks_days_from_civil(2025, 10, 5) * 86400 + 2 * 3600 + 900;
    KT_EQ_INT(ks_tz_local_to_utc(lh, gap), gap - 37800);
    /* 01:45 local on the end day happens twice: the earlier (+11) */
    int64_t amb = ks_days_from_civil(2026, 4, 5) * 86400 + 3600 + 2700;
    KT_EQ_INT(ks_tz_local_to_utc(lh, amb), amb - 39600);
    ks_tz_free(lh);
}

KTEST(test_tz_footer_rule_decides_year_2100)
{
    ks_tz *ny = load("America/New_York");
    ks_tz *lon = load("Europe/London");
    ks_tz *lh = load("Australia/Lord_Howe");
    KT_REQUIRE(ny && lon && lh);
    /* 2100: DST starts 2nd Sunday of March (Mar 14) 02:00 EST = 07:00Z */
    int64_t ny_start = ks_days_from_civil(2100, 3, 14) * 86400 + 7 * 3600;
    KT_EQ_INT(ks_tz_offset(ny, ny_start - 1), -18000);
    KT_EQ_INT(ks_tz_offset(ny, ny_start), -14400);
    /* ends 1st Sunday of November (Nov 7) 02:00 EDT = 06:00Z */
    int64_t ny_end = ks_days_from_civil(2100, 11, 7) * 86400 + 6 * 3600;
    KT_EQ_INT(ks_tz_offset(ny, ny_end - 1), -14400);
    KT_EQ_INT(ks_tz_offset(ny, ny_end), -18000);
    /* London: last Sunday of March 2100 is Mar 28, 01:00Z */
    int64_t lon_start = ks_days_from_civil(2100, 3, 28) * 86400 + 3600;
    KT_EQ_INT(ks_tz_offset(lon, lon_start - 1), 0);
    KT_EQ_INT(ks_tz_offset(lon, lon_start), 3600);
    /* Lord Howe in January 2100 is in summer time */
    KT_EQ_INT(ks_tz_offset(lh, ks_days_from_civil(2100, 1, 15) * 86400), 39600);
    KT_EQ_INT(ks_tz_offset(lh, ks_days_from_civil(2100, 7, 15) * 86400), 37800);
    ks_tz_free(ny);
    ks_tz_free(lon);
    ks_tz_free(lh);
}

KTEST(test_tz_extreme_inputs_do_not_overflow)
{
    ks_tz *ny = load("America/New_York");
    KT_REQUIRE(ny);
    KT_EQ_INT(ks_tz_offset(ny, INT64_MAX), -18000);
    KT_CHECK(ks_tz_offset(ny, INT64_MIN) != 1);
    (void)ks_tz_local_to_utc(ny, INT64_MAX);
    (void)ks_tz_local_to_utc(ny, INT64_MIN);
    char b[64];
    KT_CHECK(ks_time_format(KS_TIME_NONE, ny, -1, b, sizeof b) == 0);
    KT_EQ_STR(b, "");
    ks_tz_free(ny);
}

KTEST(test_iso_round_trip_through_format_in_zones)
{
    ks_tz *z[3] = {load("Asia/Tokyo"), load("America/New_York"), load("Australia/Lord_Howe")};
    KT_REQUIRE(z[0] && z[1] && z[2]);
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 3000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t u = x % 18000000000000000000ULL; /* about 1684..2255 */
        int64_t t = u >= 9000000000000000000ULL ? (int64_t)(u - 9000000000000000000ULL)
                                                 : -(int64_t)(9000000000000000000ULL - u);
        char b[64];
        size_t n = ks_time_format(t, z[i % 3], -1, b, sizeof b);
        int64_t back = 0;
        if (ks_time_parse_iso8601(b, n, NULL, &back) != 0 || back != t) {
            KT_FAIL_("%lld formatted as %s parsed back as %lld", (long long)t, b, (long long)back);
            break;
        }
    }
    for (int i = 0; i < 3; i++)
        ks_tz_free(z[i]);
}

KTEST(test_iso8601_accepts_utc_gmt_jst_suffixes_only)
{
    const int64_t want = 1795371719123000000LL;
    KT_EQ_INT(iso("2026-11-22 18:21:59.123 UTC", NULL), want);
    KT_EQ_INT(iso("2026-11-22 18:21:59.123 GMT", NULL), want);
    KT_EQ_INT(iso("2026-11-23 03:21:59.123 JST", NULL), want);
    KT_EQ_INT(iso("2026-11-22 18:21:59.123 IST", NULL), KS_TIME_NONE); /* ambiguous */
    KT_EQ_INT(iso("2026-11-22 18:21:59.123 UTCX", NULL), KS_TIME_NONE);
    KT_EQ_INT(iso("2026-11-22 18:21:59.123 UTC+09:00", NULL), KS_TIME_NONE);
}

/* ---- TZif bytes built here, field by field (RFC 8536 §3), to test the reader ---- */
typedef struct tzb {
    unsigned char b[4096];
    size_t n;
} tzb;

static void be32(tzb *t, uint32_t v)
{
    for (int i = 3; i >= 0; i--)
        t->b[t->n++] = (unsigned char)(v >> (8 * i));
}

static void be64(tzb *t, int64_t v)
{
    be32(t, (uint32_t)((uint64_t)v >> 32));
    be32(t, (uint32_t)v);
}

/* One header + data block. trans/idx: ntrans transitions; types: utoff/isdst pairs. */
static void tzif_block(tzb *t, char version, int wide, size_t ntrans, const int64_t *trans,
                       const unsigned char *idx, size_t ntypes, const int32_t *utoff)
{
    memcpy(t->b + t->n, "TZif", 4);
    t->n += 4;
    t->b[t->n++] = (unsigned char)version;
    memset(t->b + t->n, 0, 15);
    t->n += 15;
    be32(t, 0);                  /* isutcnt */
    be32(t, 0);                  /* isstdcnt */
    be32(t, 0);                  /* leapcnt */
    be32(t, (uint32_t)ntrans);   /* timecnt */
    be32(t, (uint32_t)ntypes);   /* typecnt */
    be32(t, 4);                  /* charcnt */
    for (size_t i = 0; i < ntrans; i++) {
        if (wide)
            be64(t, trans[i]);
        else
            be32(t, (uint32_t)trans[i]);
    }
    for (size_t i = 0; i < ntrans; i++)
        t->b[t->n++] = idx[i];
    for (size_t i = 0; i < ntypes; i++) {
        be32(t, (uint32_t)utoff[i]);
        t->b[t->n++] = utoff[i] != utoff[0];
        t->b[t->n++] = 0;
    }
    memcpy(t->b + t->n, "XYZ", 4);
    t->n += 4;
}

static void tzif_v2(tzb *t, size_t ntrans, const int64_t *trans, const unsigned char *idx,
                    size_t ntypes, const int32_t *utoff, const char *footer)
{
    t->n = 0;
    tzif_block(t, '2', 0, ntrans, trans, idx, ntypes, utoff);
    tzif_block(t, '2', 1, ntrans, trans, idx, ntypes, utoff);
    t->b[t->n++] = '\n';
    memcpy(t->b + t->n, footer, strlen(footer));
    t->n += strlen(footer);
    t->b[t->n++] = '\n';
}

KTEST(test_tzif_from_memory_uses_transitions_then_footer)
{
    tzb t;
    const int64_t trans[] = {0, 1000000};
    const unsigned char idx[] = {1, 0};
    const int32_t offs[] = {3600, 7200};
    tzif_v2(&t, 2, trans, idx, 2, offs, "<+03>-3");
    ks_tz *tz = NULL;
    KT_REQUIRE(ks_tz_from_tzif(&tz, "test", t.b, t.n, NULL) == 0);
    KT_EQ_STR(ks_tz_name(tz), "test");
    KT_EQ_INT(ks_tz_offset(tz, -1), 3600);      /* type 0 before the first transition */
    KT_EQ_INT(ks_tz_offset(tz, 0), 7200);
    KT_EQ_INT(ks_tz_offset(tz, 999999), 7200);
    KT_EQ_INT(ks_tz_offset(tz, 1000000), 10800); /* after the last: the footer rule */
    ks_tz_free(tz);

    /* v1 only: no footer, the last type stays */
    t.n = 0;
    tzif_block(&t, '\0', 0, 2, trans, idx, 2, offs);
    KT_REQUIRE(ks_tz_from_tzif(&tz, NULL, t.b, t.n, NULL) == 0);
    KT_EQ_INT(ks_tz_offset(tz, 2000000), 3600);
    ks_tz_free(tz);
}

KTEST(test_tzif_rejects_corrupt_files)
{
    tzb t;
    const int64_t trans[] = {1000, 10};
    const unsigned char idx[] = {0, 0};
    const unsigned char bad_idx[] = {0, 5};
    const int32_t offs[] = {3600};
    const int32_t huge[] = {200000};
    ks_tz *tz = NULL;
    ks_err e;
    tzif_v2(&t, 2, trans, idx, 1, offs, "JST-9"); /* transitions out of order */
    KT_EQ_INT(ks_tz_from_tzif(&tz, NULL, t.b, t.n, &e), KS_ECORRUPT);
    const int64_t ok_trans[] = {10, 1000};
    tzif_v2(&t, 2, ok_trans, bad_idx, 1, offs, "JST-9"); /* type index out of range */
    KT_EQ_INT(ks_tz_from_tzif(&tz, NULL, t.b, t.n, &e), KS_ECORRUPT);
    tzif_v2(&t, 2, ok_trans, idx, 1, huge, "JST-9"); /* offset beyond a day */
    KT_EQ_INT(ks_tz_from_tzif(&tz, NULL, t.b, t.n, &e), KS_ECORRUPT);
    static const char *bad_footers[] = {"J", "JST", "JST-9JDT,M13.1.0,M1.1.0", "EST5EDT,M3.2.0",
                                        "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,J366,J1", "<+03-3",
                                        "EST5EDT,M3.2.0/168,M11.1.0", "EST99"};
    for (size_t i = 0; i < sizeof bad_footers / sizeof bad_footers[0]; i++) {
        tzif_v2(&t, 2, ok_trans, idx, 1, offs, bad_footers[i]);
        if (ks_tz_from_tzif(&tz, NULL, t.b, t.n, &e) != KS_ECORRUPT) {
            KT_FAIL_("accepted footer \"%s\"", bad_footers[i]);
            ks_tz_free(tz);
        }
    }
    /* every truncation of a good file fails cleanly or loads */
    tzif_v2(&t, 2, ok_trans, idx, 1, offs, "EST5EDT,M3.2.0,M11.1.0");
    for (size_t n = 0; n < t.n; n++) {
        tz = NULL;
        if (ks_tz_from_tzif(&tz, NULL, t.b, n, NULL) == 0) {
            (void)ks_tz_offset(tz, 4102444800);
            ks_tz_free(tz);
        }
    }
}

KTEST(test_tzif_footer_rules_j_n_and_negative_dst)
{
    tzb t;
    const int32_t offs[] = {0};
    ks_tz *tz = NULL;
    /* Jn counts Mar 1 as day 60 in every year; n counts Feb 29: J60 vs 59 in 2100 (not
     * leap) are both Mar 1; DST from J60 02:00 to day 300 02:00 */
    tzif_v2(&t, 0, NULL, NULL, 1, offs, "AAA0BBB,J60,300");
    KT_REQUIRE(ks_tz_from_tzif(&tz, NULL, t.b, t.n, NULL) == 0);
    int64_t mar1 = ks_days_from_civil(2100, 3, 1) * 86400;
    KT_EQ_INT(ks_tz_offset(tz, mar1 + 7199), 0);
    KT_EQ_INT(ks_tz_offset(tz, mar1 + 7200), 3600);
    ks_tz_free(tz);
    /* Europe/Dublin style: "standard" IST in summer, negative DST (GMT) in winter */
    tzif_v2(&t, 0, NULL, NULL, 1, offs, "IST-1GMT0,M10.5.0,M3.5.0/1");
    KT_REQUIRE(ks_tz_from_tzif(&tz, NULL, t.b, t.n, NULL) == 0);
    KT_EQ_INT(ks_tz_offset(tz, ks_days_from_civil(2100, 1, 15) * 86400), 0);
    KT_EQ_INT(ks_tz_offset(tz, ks_days_from_civil(2100, 7, 15) * 86400), 3600);
    ks_tz_free(tz);
    /* DST all year (v3 extension): J365/25 ends after the next year's start */
    tzif_v2(&t, 0, NULL, NULL, 1, offs, "EST5EDT,0/0,J365/25");
    KT_REQUIRE(ks_tz_from_tzif(&tz, NULL, t.b, t.n, NULL) == 0);
    for (int m = 1; m <= 12; m++)
        KT_EQ_INT(ks_tz_offset(tz, ks_days_from_civil(2100, (unsigned)m, 1) * 86400), -14400);
    ks_tz_free(tz);
}

KTEST(test_tz_load_refuses_leap_second_zones)
{
    /* tzdata's right/ zones carry leap-second records (when installed) */
    ks_tz *tz = NULL;
    int rc = ks_tz_load(&tz, "right/Asia/Tokyo", NULL);
    FILE *f = fopen("/usr/share/zoneinfo/right/Asia/Tokyo", "rb");
    KT_EQ_INT(rc, f ? KS_EUNSUPPORTED : KS_ENOTFOUND);
    if (f)
        fclose(f);
    KT_CHECK(tz == NULL);
}

/* xorshift: the same sequence on every run */
static uint64_t fast_rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random digits in the fixed layouts the parsers read at fixed positions ("...Z" ISO,
 * "dd/Mon/yyyy:hh:mm:ss +hhmm" CLF), including invalid dates and hostile bytes, against
 * spellings of the same text that only the general parser reads ('z', "+hh:mm"). */
KTEST(test_time_fixed_position_forms_agree_with_general_parser)
{
    static const char *const mon[] = {"Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul",
                                      "Aug", "Sep", "Oct", "Nov", "Dec", "Foo", "J\xe1n"};
    uint64_t seed = 0x452821e638d01377u;
    int bad = 0;
    for (int iter = 0; iter < 200000 && bad < 5; iter++) {
        char a[64], b[64];
        int y = (int)(fast_rnd(&seed) % 10000), mo = (int)(fast_rnd(&seed) % 14),
            d = (int)(fast_rnd(&seed) % 33), h = (int)(fast_rnd(&seed) % 26),
            mi = (int)(fast_rnd(&seed) % 62), s = (int)(fast_rnd(&seed) % 62);
        if (iter % 3) /* mostly plausible log years */
            y = 1600 + (int)(fast_rnd(&seed) % 700);
        int nf = (int)(fast_rnd(&seed) % 13) - 1; /* -1: no '.', 0: '.' without digits */
        char frac[16] = "";
        if (nf >= 0) {
            frac[0] = '.';
            for (int k = 0; k < nf; k++)
                frac[1 + k] = (char)('0' + fast_rnd(&seed) % 10);
            frac[1 + nf] = '\0';
        }
        int na = snprintf(a, sizeof a, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", y, mo, d, h, mi, s,
                          frac);
        if (fast_rnd(&seed) % 50 == 0) /* a stray byte somewhere before the Z */
            a[fast_rnd(&seed) % (size_t)(na - 1)] = (char)(fast_rnd(&seed) % 256);
        memcpy(b, a, (size_t)na + 1);
        b[na - 1] = 'z';
        int64_t ta = 1, tb = 1;
        int ra = ks_time_parse_iso8601(a, (size_t)na, NULL, &ta);
        int rb = ks_time_parse_iso8601(b, (size_t)na, NULL, &tb);
        if (ra != rb || ta != tb) {
            KT_FAIL_("\"%s\": %d %lld vs %d %lld", a, ra, (long long)ta, rb, (long long)tb);
            bad++;
        }
        int zh = (int)(fast_rnd(&seed) % 26), zm = (int)(fast_rnd(&seed) % 62);
        char sign = fast_rnd(&seed) % 2 ? '+' : '-';
        const char *m = mon[fast_rnd(&seed) % (sizeof mon / sizeof mon[0])];
        na = snprintf(a, sizeof a, "%02d/%s/%04d:%02d:%02d:%02d %c%02d%02d", d, m, y, h, mi, s,
                      sign, zh, zm);
        int nb = snprintf(b, sizeof b, "%02d/%s/%04d:%02d:%02d:%02d %c%02d:%02d", d, m, y, h,
                          mi, s, sign, zh, zm);
        if (fast_rnd(&seed) % 50 == 0) {
            size_t at = fast_rnd(&seed) % 21; /* before the zone, where a and b agree */
            char ch = (char)(fast_rnd(&seed) % 256);
            a[at] = ch;
            b[at] = ch;
        }
        ta = tb = 1;
        ra = ks_time_parse_clf(a, (size_t)na, &ta);
        rb = ks_time_parse_clf(b, (size_t)nb, &tb);
        if (ra != rb || ta != tb) {
            KT_FAIL_("\"%s\": %d %lld vs %d %lld", a, ra, (long long)ta, rb, (long long)tb);
            bad++;
        }
    }
}

/* CLF month names: every three-letter spelling from a set of letters (both cases, and bytes
 * that fold to nothing) is read exactly when it is a month name, ignoring ASCII case. */
KTEST(test_clf_month_names_any_case_and_nothing_else)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    static const char set[] = "abcdefgjlmnoprstuvyzABCDEFGJLMNOPRSTUVYZ\xe1\xc1@[`{";
    size_t ns = sizeof set - 1;
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < ns; j++)
            for (size_t k = 0; k < ns; k++) {
                char m[3] = {set[i], set[j], set[k]}, lc[3];
                for (int q = 0; q < 3; q++)
                    lc[q] = (char)(m[q] >= 'A' && m[q] <= 'Z' ? m[q] + 32 : m[q]);
                int want = 0;
                for (int q = 0; q < 12; q++)
                    if (!memcmp(names + 3 * q, lc, 3))
                        want = q + 1;
                char b[40];
                int n = snprintf(b, sizeof b, "15/%.3s/2020:01:02:03 +0000", m);
                int64_t t = 0;
                int rc = ks_time_parse_clf(b, (size_t)n, &t);
                if (want ? rc != 0 || t != ks_time_from_civil(2020, want, 15, 1, 2, 3, 0)
                         : rc != KS_ECORRUPT) {
                    KT_FAIL_("\"%s\": rc %d", b, rc);
                    return;
                }
            }
}
