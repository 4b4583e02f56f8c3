/* time.c — civil dates, time zones from TZif files, timestamp parsers and formatting.
 *
 * TZif layout (RFC 8536), all integers big-endian:
 *   header (44 bytes): "TZif", version ('\0', '2', '3', '4'), 15 reserved bytes, then six
 *     32-bit counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
 *   v1 data block: timecnt 32-bit transition times, timecnt 8-bit type indexes,
 *     typecnt 6-byte ttinfo {int32 utoff, uint8 isdst, uint8 desigidx}, charcnt bytes of
 *     designations, leapcnt (32-bit time, 32-bit correction), isstdcnt + isutcnt bytes;
 *   v2+: a second header and data block with 64-bit times (and 64-bit leap times),
 *     followed by a footer "\n<POSIX TZ string>\n" that gives the rule for every instant
 *     after the last transition.
 * We read the v2+ block when present (the v1 block cannot describe times past 2038) and
 * refuse files with leap-second records: tzdata's "right/" zones count leap seconds, which
 * kanshiki's time scale (POSIX seconds) does not, and evidence never means them.
 *
 * Every count read from the file is checked against the bytes present before use.
 */
#include "core/time.h"

#include "core/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KS_ZONEINFO_DIR "/usr/share/zoneinfo"
#define KS_TZIF_MAX_FILE (1u << 20)  /* real files are < 10 KiB */
#define KS_TZIF_MAX_TRANS 100000u
#define KS_TZ_NAME_MAX 255
#define KS_SECS_PER_DAY 86400LL

/* The supported range, 1678-01-01T00:00:00Z .. 2262-01-01T00:00:00Z (exclusive), in
 * seconds: every instant in it is representable as int64 nanoseconds. */
#define KS_MIN_SEC (-9214560000LL)  /* days_from_civil(1678,1,1) * 86400 */
#define KS_MAX_SEC (9214646400LL)   /* days_from_civil(2262,1,1) * 86400 */
#define KS_MIN_YEAR 1678
#define KS_MAX_YEAR 2261

/* ---- civil calendar ------------------------------------------------------------- */

/* Years beyond +-2^40 are clamped: far outside anything representable in ns, and it
 * keeps the arithmetic below free of overflow for any input. */
#define KS_CIVIL_YEAR_LIMIT ((int64_t)1 << 40)

int64_t ks_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    if (y > KS_CIVIL_YEAR_LIMIT)
        y = KS_CIVIL_YEAR_LIMIT;
    if (y < -KS_CIVIL_YEAR_LIMIT)
        y = -KS_CIVIL_YEAR_LIMIT;
    if (m < 1 || m > 12)
        m = 1;
    if (d > 31)
        d = 31;
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;                                   /* [0, 399] */
    const int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void ks_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    if (z > KS_CIVIL_YEAR_LIMIT * 366)
        z = KS_CIVIL_YEAR_LIMIT * 366;
    if (z < -KS_CIVIL_YEAR_LIMIT * 366)
        z = -KS_CIVIL_YEAR_LIMIT * 366;
    z += 719468;
    if (z >= 0 && z < ((int64_t)1 << 31)) {
        /* years 0..5.8 million: the same steps in 32-bit unsigned arithmetic, where
         * every intermediate stays non-negative and far below 2^32 */
        const uint32_t uz = (uint32_t)z;
        const uint32_t uera = uz / 146097;
        const uint32_t udoe = uz - uera * 146097;
        const uint32_t uyoe = (udoe - udoe / 1460 + udoe / 36524 - udoe / 146096) / 365;
        const uint32_t udoy = udoe - (365 * uyoe + uyoe / 4 - uyoe / 100);
        const uint32_t ump = (5 * udoy + 2) / 153;
        const uint32_t um = ump < 10 ? ump + 3 : ump - 9;
        *y = (int64_t)uyoe + (int64_t)uera * 400 + (um <= 2);
        *m = um;
        *d = udoy - (153 * ump + 2) / 5 + 1;
        return;
    }
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

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

/* Local civil fields to "local seconds" (seconds since the epoch as if local were UTC).
 * Second 60 (a leap second as written by RFC 3339) rolls into the next minute. Returns
 * false when a field is invalid or the year is outside the supported range. */
static bool civil_to_sec(int64_t y, int mon, int day, int h, int mi, int s, int64_t *out)
{
    if (y < KS_MIN_YEAR - 1 || y > KS_MAX_YEAR + 1)
        return false;
    if (mon < 1 || mon > 12 || day < 1 || (unsigned)day > days_in_month(y, (unsigned)mon))
        return false;
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
        return false;
    int64_t days = ks_days_from_civil(y, (unsigned)mon, (unsigned)day);
    *out = days * KS_SECS_PER_DAY + h * 3600 + mi * 60 + s;
    return true;
}

/* Seconds + nanoseconds to ns, only when the instant is inside the supported range. */
static bool sec_to_ns(int64_t sec, int64_t nsec, int64_t *out)
{
    if (sec < KS_MIN_SEC || sec >= KS_MAX_SEC || nsec < 0 || nsec >= KS_NS_PER_SEC)
        return false;
    *out = sec * KS_NS_PER_SEC + nsec;
    return true;
}

int64_t ks_time_from_civil(int64_t y, int mon, int day, int h, int mi, int s, int64_t nsec)
{
    int64_t sec, ns;
    if (y < KS_MIN_YEAR || y > KS_MAX_YEAR || !civil_to_sec(y, mon, day, h, mi, s, &sec) ||
        !sec_to_ns(sec, nsec, &ns))
        return KS_TIME_NONE;
    return ns;
}

/* ---- zones ---------------------------------------------------------------------- */

typedef struct tz_type {
    int32_t utoff;
    bool isdst;
} tz_type;

/* A POSIX TZ rule date: Jn (1..365, Feb 29 never counted), n (0..365, counted), or
 * Mm.w.d (day d of week w of month m; w = 5 means the last). */
typedef struct tz_rule_date {
    char kind; /* 'J', 'N', 'M' */
    int n, m, w, d;
    int32_t time; /* seconds after local midnight; may be negative or > 24h (v3) */
} tz_rule_date;

typedef struct tz_posix {
    int32_t std_off; /* east of UTC */
    int32_t dst_off;
    bool has_dst;
    tz_rule_date start, end;
} tz_posix;

typedef enum tz_kind { TZ_UTC, TZ_FIXED, TZ_TZIF } tz_kind;

struct ks_tz {
    tz_kind kind;
    int32_t fixed_off;
    char name[KS_TZ_NAME_MAX + 1];
    uint32_t ntrans;
    int64_t *trans;   /* ascending UTC seconds */
    uint8_t *trans_type;
    uint32_t ntypes;
    tz_type *types;
    bool has_footer;
    tz_posix footer;
};

static uint32_t rd_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t rd_be64s(const uint8_t *p)
{
    uint64_t v = (uint64_t)rd_be32(p) << 32 | rd_be32(p + 4);
    return (int64_t)v; /* two's complement on every platform we build for */
}

/* -- POSIX TZ string (the TZif footer) --
 * std offset [dst [offset] [,start[/time],end[/time]]], e.g. "EST5EDT,M3.2.0,M11.1.0",
 * "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "IST-1GMT0,M10.5.0,M3.5.0/1". Offsets are
 * WEST of UTC (inverted sign). */
typedef struct cur {
    const char *p, *e;
} cur;

static bool cur_digits(cur *c, int maxd, int *out)
{
    int v = 0, nd = 0;
    while (c->p < c->e && *c->p >= '0' && *c->p <= '9' && nd < maxd) {
        v = v * 10 + (*c->p - '0');
        c->p++;
        nd++;
    }
    if (!nd)
        return false;
    *out = v;
    return true;
}

static bool posix_name(cur *c)
{
    if (c->p < c->e && *c->p == '<') {
        c->p++;
        const char *s = c->p;
        while (c->p < c->e && *c->p != '>')
            c->p++;
        if (c->p >= c->e || c->p - s < 1)
            return false;
        c->p++;
        return true;
    }
    const char *s = c->p;
    while (c->p < c->e && ((*c->p >= 'A' && *c->p <= 'Z') || (*c->p >= 'a' && *c->p <= 'z')))
        c->p++;
    return c->p - s >= 3;
}

/* [+-]hh[:mm[:ss]]; hours up to max_h. Returns seconds (sign as written). */
static bool posix_hms(cur *c, int max_h, int32_t *out)
{
    int sign = 1, h = 0, m = 0, s = 0;
    if (c->p < c->e && (*c->p == '+' || *c->p == '-')) {
        sign = *c->p == '-' ? -1 : 1;
        c->p++;
    }
    if (!cur_digits(c, 3, &h) || h > max_h)
        return false;
    if (c->p < c->e && *c->p == ':') {
        c->p++;
        if (!cur_digits(c, 2, &m) || m > 59)
            return false;
        if (c->p < c->e && *c->p == ':') {
            c->p++;
            if (!cur_digits(c, 2, &s) || s > 59)
                return false;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return true;
}

static bool posix_rule_date(cur *c, tz_rule_date *r)
{
    r->time = 7200; /* default 02:00:00 */
    if (c->p >= c->e)
        return false;
    if (*c->p == 'J') {
        c->p++;
        r->kind = 'J';
        if (!cur_digits(c, 3, &r->n) || r->n < 1 || r->n > 365)
            return false;
    } else if (*c->p == 'M') {
        c->p++;
        r->kind = 'M';
        if (!cur_digits(c, 2, &r->m) || r->m < 1 || r->m > 12)
            return false;
        if (c->p >= c->e || *c->p++ != '.' || !cur_digits(c, 1, &r->w) || r->w < 1 || r->w > 5)
            return false;
        if (c->p >= c->e || *c->p++ != '.' || !cur_digits(c, 1, &r->d) || r->d > 6)
            return false;
    } else {
        r->kind = 'N';
        if (!cur_digits(c, 3, &r->n) || r->n > 365)
            return false;
    }
    if (c->p < c->e && *c->p == '/') {
        c->p++;
        if (!posix_hms(c, 167, &r->time)) /* RFC 8536 v3: -167..167 hours */
            return false;
    }
    return true;
}

static bool posix_parse(const char *s, size_t n, tz_posix *out)
{
    cur c = {s, s + n};
    tz_posix z;
    memset(&z, 0, sizeof z);
    int32_t off;
    if (!posix_name(&c) || !posix_hms(&c, 24, &off))
        return false;
    z.std_off = -off;
    if (c.p == c.e) {
        *out = z;
        return true;
    }
    if (!posix_name(&c))
        return false;
    z.has_dst = true;
    z.dst_off = z.std_off + 3600;
    if (c.p < c.e && *c.p != ',') {
        if (!posix_hms(&c, 24, &off))
            return false;
        z.dst_off = -off;
    }
    if (c.p == c.e) {
        /* POSIX leaves the default rule implementation-defined; tzcode uses the US one. */
        z.start = (tz_rule_date){'M', 0, 3, 2, 0, 7200};
        z.end = (tz_rule_date){'M', 0, 11, 1, 0, 7200};
    } else {
        c.p++; /* ',' */
        if (!posix_rule_date(&c, &z.start) || c.p >= c.e || *c.p++ != ',' ||
            !posix_rule_date(&c, &z.end) || c.p != c.e)
            return false;
    }
    *out = z;
    return true;
}

/* Local seconds (midnight of the rule's day + its time) for year y. */
static int64_t rule_local_sec(const tz_rule_date *r, int64_t y)
{
    int64_t day;
    if (r->kind == 'J') {
        int64_t doy = r->n - 1; /* Feb 29 is never counted */
        if (is_leap(y) && r->n >= 60)
            doy++;
        day = ks_days_from_civil(y, 1, 1) + doy;
    } else if (r->kind == 'N') {
        day = ks_days_from_civil(y, 1, 1) + r->n;
    } else {
        int64_t first = ks_days_from_civil(y, (unsigned)r->m, 1);
        int64_t wd_first = floor_mod(first + 4, 7); /* 1970-01-01 was a Thursday (4) */
        int64_t dd = floor_mod(r->d - wd_first, 7) + (int64_t)(r->w - 1) * 7;
        int64_t dim = days_in_month(y, (unsigned)r->m);
        while (dd >= dim)
            dd -= 7;
        day = first + dd;
    }
    return day * KS_SECS_PER_DAY + r->time;
}

static int32_t posix_offset(const tz_posix *z, int64_t utc_sec)
{
    if (!z->has_dst)
        return z->std_off;
    int64_t y;
    unsigned m, d;
    ks_civil_from_days(floor_div(utc_sec + z->std_off, KS_SECS_PER_DAY), &y, &m, &d);
    /* Transitions of the years around t, in order; the last one at or before t decides.
     * A start (to DST) is in standard local time, an end (to standard) in DST local time.
     * On a tie the start sorts last, so "DST all year" rules (0/0,J365/25) stay in DST. */
    int64_t when[6];
    bool to_dst[6];
    int k = 0;
    for (int64_t yy = y - 1; yy <= y + 1; yy++) {
        when[k] = rule_local_sec(&z->end, yy) - z->dst_off;
        to_dst[k++] = false;
        when[k] = rule_local_sec(&z->start, yy) - z->std_off;
        to_dst[k++] = true;
    }
    for (int i = 1; i < 6; i++) { /* insertion sort, stable */
        for (int j = i; j > 0 && (when[j - 1] > when[j] ||
                                  (when[j - 1] == when[j] && to_dst[j - 1] && !to_dst[j]));
             j--) {
            int64_t tw = when[j];
            bool td = to_dst[j];
            when[j] = when[j - 1];
            to_dst[j] = to_dst[j - 1];
            when[j - 1] = tw;
            to_dst[j - 1] = td;
        }
    }
    bool dst = false;
    for (int i = 0; i < 6; i++)
        if (when[i] <= utc_sec)
            dst = to_dst[i];
    return dst ? z->dst_off : z->std_off;
}

static int tzif_parse(ks_tz *tz, const uint8_t *p, size_t len, ks_err *err)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return KS_ERR(err, KS_ECORRUPT, "zone file is not TZif");
    uint8_t version = p[4];
    size_t off = 0;
    size_t tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (!ks_fits(off, 44, len) || memcmp(p + off, "TZif", 4) != 0)
            return KS_ERR(err, KS_ECORRUPT, "zone file: bad header at %zu", off);
        uint32_t isut = rd_be32(p + off + 20), isstd = rd_be32(p + off + 24);
        uint32_t leap = rd_be32(p + off + 28), timecnt = rd_be32(p + off + 32);
        uint32_t typecnt = rd_be32(p + off + 36), charcnt = rd_be32(p + off + 40);
        bool used = !(pass == 0 && version >= '2'); /* a skipped v1 block may be minimal */
        if (timecnt > KS_TZIF_MAX_TRANS || (used && typecnt == 0) || typecnt > 256 ||
            charcnt > 65536 || leap > 100000 || isut > 256 || isstd > 256)
            return KS_ERR(err, KS_ECORRUPT, "zone file: implausible counts");
        uint64_t body = (uint64_t)timecnt * tsize + timecnt + (uint64_t)typecnt * 6 + charcnt +
                        (uint64_t)leap * (tsize + 4) + isstd + isut;
        off += 44;
        if (!ks_fits(off, body, len))
            return KS_ERR(err, KS_ECORRUPT, "zone file truncated");
        if (used && leap > 0) /* "right/" zones count leap seconds; our time scale does not */
            return KS_ERR(err, KS_EUNSUPPORTED, "zone files with leap seconds are not supported");
        if (pass == 0 && version >= '2') {
            off += (size_t)body; /* skip the v1 block: the 64-bit one follows */
            tsize = 8;
            continue;
        }
        const uint8_t *q = p + off;
        tz->trans = calloc(timecnt ? timecnt : 1, sizeof *tz->trans);
        tz->trans_type = calloc(timecnt ? timecnt : 1, 1);
        tz->types = calloc(typecnt, sizeof *tz->types);
        if (!tz->trans || !tz->trans_type || !tz->types)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        for (uint32_t i = 0; i < timecnt; i++) {
            int64_t t = tsize == 8 ? rd_be64s(q + (size_t)i * 8)
                                   : (int32_t)rd_be32(q + (size_t)i * 4);
            if (i && t <= tz->trans[i - 1])
                return KS_ERR(err, KS_ECORRUPT, "zone file: transitions not ascending");
            tz->trans[i] = t;
        }
        q += (size_t)timecnt * tsize;
        for (uint32_t i = 0; i < timecnt; i++) {
            if (q[i] >= typecnt)
                return KS_ERR(err, KS_ECORRUPT, "zone file: bad type index");
            tz->trans_type[i] = q[i];
        }
        q += timecnt;
        for (uint32_t i = 0; i < typecnt; i++) {
            int32_t ut = (int32_t)rd_be32(q + (size_t)i * 6);
            if (ut < -89999 || ut > 93599) /* RFC 8536 §3.2: SHOULD be in [-89999, 93599] */
                return KS_ERR(err, KS_ECORRUPT, "zone file: implausible offset");
            tz->types[i].utoff = ut;
            tz->types[i].isdst = q[(size_t)i * 6 + 4] != 0;
        }
        tz->ntrans = timecnt;
        tz->ntypes = typecnt;
        off += (size_t)body;
        if (version >= '2') {
            /* footer: "\n" TZ-string "\n" */
            if (off < len && p[off] == '\n') {
                size_t s = off + 1, e = s;
                while (e < len && p[e] != '\n')
                    e++;
                if (e < len && e > s) {
                    if (!posix_parse((const char *)p + s, e - s, &tz->footer))
                        return KS_ERR(err, KS_ECORRUPT, "zone file: bad TZ footer");
                    tz->has_footer = true;
                }
            }
        }
        break;
    }
    return 0;
}

/* Zone names are relative paths below the zoneinfo directory made of [A-Za-z0-9_+-]
 * components; "..", ".", empty components and absolute paths are refused. */
static bool tz_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > KS_TZ_NAME_MAX || name[0] == '/')
        return false;
    size_t comp = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = name[i];
        if (ch == '/' || ch == '\0') {
            if (comp == 0)
                return false;
            if (name[i - comp] == '.' || name[i - comp] == '-')
                return false; /* ".", "..", hidden files, option-like names */
            comp = 0;
            continue;
        }
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '+' || ch == '-' || ch == '.'))
            return false;
        comp++;
    }
    return true;
}

static int tz_load_file(ks_tz *tz, const char *name, ks_err *err)
{
    int rc = 0, fd = -1;
    uint8_t *data = NULL;
    char path[sizeof KS_ZONEINFO_DIR + KS_TZ_NAME_MAX + 2];
    char *real = NULL, *realdir = NULL;
    size_t dl = strlen(KS_ZONEINFO_DIR), nl = strlen(name);
    memcpy(path, KS_ZONEINFO_DIR, dl);
    path[dl] = '/';
    memcpy(path + dl + 1, name, nl + 1);

    /* Symlinks inside tzdata are normal (Japan -> Asia/Tokyo); one leading outside is not. */
    realdir = realpath(KS_ZONEINFO_DIR, NULL);
    real = realpath(path, NULL);
    if (!realdir || !real) {
        rc = KS_ERR(err, KS_ENOTFOUND, "unknown time zone \"%s\"", name);
        goto done;
    }
    size_t rdl = strlen(realdir);
    if (strncmp(real, realdir, rdl) != 0 || real[rdl] != '/') {
        rc = KS_ERR(err, KS_EUSAGE, "time zone \"%s\" is outside the zone database", name);
        goto done;
    }
    fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        rc = KS_ERR(err, KS_ENOTFOUND, "unknown time zone \"%s\"", name);
        goto done;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 44 ||
        (uint64_t)st.st_size > KS_TZIF_MAX_FILE) {
        rc = KS_ERR(err, KS_ENOTFOUND, "\"%s\" is not a time zone file", name);
        goto done;
    }
    size_t len = (size_t)st.st_size, got = 0;
    data = malloc(len);
    if (!data) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    while (got < len) {
        ssize_t r = read(fd, data + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got != len) {
        rc = KS_ERR(err, KS_EIO, "time zone \"%s\": short read", name);
        goto done;
    }
    rc = tzif_parse(tz, data, len, err);
    if (rc && err) {
        char why[KS_ERR_MSG_MAX];
        memcpy(why, err->msg, sizeof why); /* the message is rewritten in place below */
        why[sizeof why - 1] = '\0';
        ks_err_setx(err, rc, NULL, -1, -1, __FILE__, __LINE__, "time zone \"%s\": %s", name, why);
    }
done:
    if (fd >= 0)
        close(fd);
    free(data);
    free(real);
    free(realdir);
    return rc;
}

/* "+09:00", "+0900", "+09", "-05", "+5:30" -> seconds east of UTC. */
static bool parse_fixed_offset(const char *s, size_t n, int32_t *out)
{
    if (n < 2 || (s[0] != '+' && s[0] != '-'))
        return false;
    int sign = s[0] == '-' ? -1 : 1;
    size_t i = 1;
    int h = 0, m = 0, nd = 0;
    while (i < n && nd < 2 && s[i] >= '0' && s[i] <= '9') {
        h = h * 10 + (s[i++] - '0');
        nd++;
    }
    if (nd == 0)
        return false;
    if (i < n) {
        if (s[i] == ':')
            i++;
        if (n - i != 2 || s[i] < '0' || s[i] > '9' || s[i + 1] < '0' || s[i + 1] > '9')
            return false;
        m = (s[i] - '0') * 10 + (s[i + 1] - '0');
    }
    if (h > 23 || m > 59)
        return false;
    *out = sign * (h * 3600 + m * 60);
    return true;
}

/* "+09:00", or "+09:18:59" for the odd historical (LMT) offset with seconds.
 * out must hold 10 bytes; returns the length. */
static size_t fmt_offset(char *out, int32_t off)
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

int ks_tz_load(ks_tz **out, const char *name, ks_err *err)
{
    int rc = 0;
    ks_tz *tz = NULL;
    if (!out || !name)
        return KS_ERR(err, KS_EUSAGE, "no time zone name");
    tz = calloc(1, sizeof *tz);
    if (!tz)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    size_t n = strlen(name);
    int32_t off;
    if (strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0 || strcmp(name, "utc") == 0 ||
        strcmp(name, "z") == 0) {
        tz->kind = TZ_UTC;
        memcpy(tz->name, "UTC", 4);
    } else if (parse_fixed_offset(name, n, &off)) {
        tz->kind = TZ_FIXED;
        tz->fixed_off = off;
        fmt_offset(tz->name, off);
    } else {
        bool jst = strcmp(name, "JST") == 0 || strcmp(name, "jst") == 0;
        const char *file = jst ? "Asia/Tokyo" : name;
        if (!tz_name_ok(file)) {
            rc = KS_ERR(err, KS_EUSAGE, "invalid time zone name");
            goto done;
        }
        tz->kind = TZ_TZIF;
        rc = tz_load_file(tz, file, err);
        if (rc)
            goto done;
        memcpy(tz->name, file, strlen(file) + 1);
    }
    *out = tz;
    tz = NULL;
done:
    ks_tz_free(tz);
    return rc;
}

int ks_tz_from_tzif(ks_tz **out, const char *name, const void *data, size_t len, ks_err *err)
{
    if (!out || (!data && len))
        return KS_ERR(err, KS_EUSAGE, "no zone data");
    ks_tz *tz = calloc(1, sizeof *tz);
    if (!tz)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    tz->kind = TZ_TZIF;
    int rc = len > KS_TZIF_MAX_FILE ? KS_ERR(err, KS_ECORRUPT, "zone file too large")
                                    : tzif_parse(tz, data, len, err);
    if (rc) {
        ks_tz_free(tz);
        return rc;
    }
    size_t n = name ? strlen(name) : 0;
    if (n > KS_TZ_NAME_MAX)
        n = KS_TZ_NAME_MAX;
    if (n)
        memcpy(tz->name, name, n);
    else
        memcpy(tz->name, "TZif", 5);
    tz->name[n ? n : 4] = '\0';
    *out = tz;
    return 0;
}

void ks_tz_free(ks_tz *tz)
{
    if (!tz)
        return;
    free(tz->trans);
    free(tz->trans_type);
    free(tz->types);
    free(tz);
}

const char *ks_tz_name(const ks_tz *tz)
{
    return tz ? tz->name : "UTC";
}

int32_t ks_tz_offset(const ks_tz *tz, int64_t utc_sec)
{
    if (!tz || tz->kind == TZ_UTC)
        return 0;
    if (tz->kind == TZ_FIXED)
        return tz->fixed_off;
    /* Keep the arithmetic below far from overflow; the supported range is much smaller. */
    if (utc_sec < KS_MIN_SEC - 2 * KS_SECS_PER_DAY * 366)
        utc_sec = KS_MIN_SEC - 2 * KS_SECS_PER_DAY * 366;
    if (utc_sec > KS_MAX_SEC + 2 * KS_SECS_PER_DAY * 366)
        utc_sec = KS_MAX_SEC + 2 * KS_SECS_PER_DAY * 366;
    if (tz->ntrans == 0) {
        if (tz->has_footer)
            return posix_offset(&tz->footer, utc_sec);
        return tz->types[0].utoff;
    }
    if (utc_sec < tz->trans[0])
        return tz->types[0].utoff; /* RFC 8536: type 0 before the first transition */
    if (utc_sec >= tz->trans[tz->ntrans - 1] && tz->has_footer)
        return posix_offset(&tz->footer, utc_sec);
    uint32_t lo = 0, hi = tz->ntrans; /* last transition <= utc_sec */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= utc_sec)
            lo = mid;
        else
            hi = mid;
    }
    return tz->types[tz->trans_type[lo]].utoff;
}

int64_t ks_tz_local_to_utc(const ks_tz *tz, int64_t local_sec)
{
    if (!tz || tz->kind == TZ_UTC)
        return local_sec;
    if (local_sec < -((int64_t)1 << 50))
        local_sec = -((int64_t)1 << 50);
    if (local_sec > ((int64_t)1 << 50))
        local_sec = (int64_t)1 << 50;
    if (tz->kind == TZ_FIXED)
        return local_sec - tz->fixed_off;
    /* Every u with u + offset(u) == local lies within a day of local. Collect the offsets in
     * effect around it and try each: valid candidates are the solutions (ambiguous: take
     * the earliest); with none (a gap), the offset from before the gap moves the wall time
     * forward, which is the largest candidate u. */
    static const int64_t probes[] = {-2 * KS_SECS_PER_DAY, -KS_SECS_PER_DAY / 2, 0,
                                     KS_SECS_PER_DAY / 2, 2 * KS_SECS_PER_DAY};
    int32_t offs[5];
    size_t noffs = 0;
    for (size_t i = 0; i < 5; i++) {
        int32_t o = ks_tz_offset(tz, local_sec + probes[i]);
        bool seen = false;
        for (size_t j = 0; j < noffs; j++)
            seen |= offs[j] == o;
        if (!seen)
            offs[noffs++] = o;
    }
    bool have_valid = false;
    int64_t best_valid = 0, best_gap = 0;
    for (size_t i = 0; i < noffs; i++) {
        int64_t u = local_sec - offs[i];
        if (ks_tz_offset(tz, u) == offs[i]) {
            if (!have_valid || u < best_valid)
                best_valid = u;
            have_valid = true;
        }
        if (i == 0 || u > best_gap)
            best_gap = u;
    }
    return have_valid ? best_valid : best_gap;
}

/* ---- parsing -------------------------------------------------------------------- */

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exactly `nd` digits. */
static bool fixed_digits(cur *c, int nd, int *out)
{
    if (c->e - c->p < nd)
        return false;
    int v = 0;
    for (int i = 0; i < nd; i++) {
        if (!is_digit(c->p[i]))
            return false;
        v = v * 10 + (c->p[i] - '0');
    }
    c->p += nd;
    *out = v;
    return true;
}

static bool cur_eat(cur *c, char ch)
{
    if (c->p < c->e && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* "." or "," then digits: kept to 9 digits (truncated), the rest must still be digits. */
static bool parse_fraction(cur *c, int64_t *nsec)
{
    *nsec = 0;
    if (c->p >= c->e || (*c->p != '.' && *c->p != ','))
        return true;
    c->p++;
    int nd = 0;
    int64_t v = 0;
    while (c->p < c->e && is_digit(*c->p)) {
        if (nd < 9) {
            v = v * 10 + (*c->p - '0');
            nd++;
        }
        c->p++;
    }
    if (nd == 0)
        return false;
    for (int i = nd; i < 9; i++)
        v *= 10;
    *nsec = v;
    return true;
}

/* Zone designator: Z, z, +hh:mm, +hhmm, +hh, +hh:mm:ss (and '-'). Sets *has_zone. */
static bool parse_zone(cur *c, bool *has_zone, int32_t *off)
{
    *has_zone = false;
    *off = 0;
    if (c->p >= c->e)
        return true;
    if (*c->p == 'Z' || *c->p == 'z') {
        c->p++;
        *has_zone = true;
        return true;
    }
    if (*c->p != '+' && *c->p != '-')
        return false;
    int sign = *c->p == '-' ? -1 : 1;
    c->p++;
    int h, m = 0, s = 0;
    if (!fixed_digits(c, 2, &h))
        return false;
    if (c->p < c->e) {
        bool colon = cur_eat(c, ':');
        if (!fixed_digits(c, 2, &m))
            return false;
        if (c->p < c->e && (!colon || !cur_eat(c, ':') || !fixed_digits(c, 2, &s)))
            return false;
    }
    if (h > 23 || m > 59 || s > 59)
        return false;
    *has_zone = true;
    *off = sign * (h * 3600 + m * 60 + s);
    return true;
}

static int finish(int64_t local_sec, int64_t nsec, bool has_zone, int32_t off,
                  const ks_tz *assume, int64_t *out)
{
    int64_t utc = has_zone ? local_sec - off : ks_tz_local_to_utc(assume, local_sec);
    int64_t ns;
    if (!sec_to_ns(utc, nsec, &ns))
        return KS_EUNSUPPORTED;
    *out = ns;
    return 0;
}

/* Two digits at p as a number in *v; 1, or 0 (and *v meaningless) when either is not a
 * digit. An int, to be combined with '&' without branches. */
static int dig2(const char *p, int *v)
{
    unsigned a = (unsigned)(unsigned char)p[0] - '0', b = (unsigned)(unsigned char)p[1] - '0';
    *v = (int)(a * 10 + b);
    return a <= 9 && b <= 9;
}

/* The extended form access logs write, "2026-11-22T18:21:59[.frac]Z" exactly, read at
 * fixed positions into local seconds and ns. false: not that form, or invalid fields (the
 * general parser then reads it and gives the same result or error). */
static bool iso_fast(const char *s, size_t n, int64_t *local, int64_t *nsec)
{
    int yh, yl, mo, d, h, mi, sec;
    if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[n - 1] != 'Z')
        return false;
    if (!(dig2(s, &yh) & dig2(s + 2, &yl) & dig2(s + 5, &mo) & dig2(s + 8, &d) &
          dig2(s + 11, &h) & dig2(s + 14, &mi) & dig2(s + 17, &sec)))
        return false;
    int64_t v = 0;
    if (n > 20) { /* ".digits" between the seconds and the Z */
        if (s[19] != '.' || n == 21)
            return false;
        size_t nd = 0;
        for (size_t i = 20; i < n - 1; i++) {
            if (!is_digit(s[i]))
                return false;
            if (nd < 9) {
                v = v * 10 + (s[i] - '0');
                nd++;
            }
        }
        for (; nd < 9; nd++)
            v *= 10;
    }
    if (!civil_to_sec(yh * 100 + yl, mo, d, h, mi, sec, local))
        return false;
    *nsec = v;
    return true;
}

int ks_time_parse_iso8601(const char *s, size_t n, const ks_tz *assume, int64_t *out)
{
    if (!s || !out)
        return KS_EUSAGE;
    trim(&s, &n);
    int64_t fast_local, fast_nsec;
    if (iso_fast(s, n, &fast_local, &fast_nsec))
        return finish(fast_local, fast_nsec, true, 0, assume, out);
    cur c = {s, s + n};
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t nsec = 0;
    bool basic = false;
    if (!fixed_digits(&c, 4, &y))
        return KS_ECORRUPT;
    if (cur_eat(&c, '-')) {
        if (!fixed_digits(&c, 2, &mo) || !cur_eat(&c, '-') || !fixed_digits(&c, 2, &d))
            return KS_ECORRUPT;
    } else {
        /* basic format "20261122T182159Z": only with the time part, so that a bare
         * 8-digit number is never taken for a date */
        if (!fixed_digits(&c, 2, &mo) || !fixed_digits(&c, 2, &d) || c.p >= c.e ||
            (*c.p != 'T' && *c.p != 't'))
            return KS_ECORRUPT;
        basic = true;
    }
    bool has_zone = false;
    int32_t off = 0;
    if (c.p < c.e) {
        if (*c.p != 'T' && *c.p != 't' && *c.p != ' ')
            return KS_ECORRUPT;
        c.p++;
        if (!fixed_digits(&c, 2, &h))
            return KS_ECORRUPT;
        if (basic) {
            if (!fixed_digits(&c, 2, &mi))
                return KS_ECORRUPT;
            if (c.p < c.e && is_digit(*c.p) && !fixed_digits(&c, 2, &sec))
                return KS_ECORRUPT;
        } else {
            if (!cur_eat(&c, ':') || !fixed_digits(&c, 2, &mi))
                return KS_ECORRUPT;
            if (cur_eat(&c, ':') && !fixed_digits(&c, 2, &sec))
                return KS_ECORRUPT;
        }
        if (!parse_fraction(&c, &nsec))
            return KS_ECORRUPT;
        if (c.p < c.e && *c.p == ' ') {
            c.p++; /* "2026-11-22 18:21:59 +0900", PostgreSQL's "... 18:21:59.123 UTC" */
            if (c.e - c.p == 3 && (memcmp(c.p, "UTC", 3) == 0 || memcmp(c.p, "GMT", 3) == 0)) {
                c.p += 3;
                has_zone = true;
            } else if (c.e - c.p == 3 && memcmp(c.p, "JST", 3) == 0) {
                c.p += 3; /* Japan has kept +09:00 since 1951; the only abbreviation we trust */
                has_zone = true;
                off = 9 * 3600;
            }
        }
        if (!has_zone && !parse_zone(&c, &has_zone, &off))
            return KS_ECORRUPT;
        if (c.p != c.e)
            return KS_ECORRUPT;
    }
    int64_t local;
    if (!civil_to_sec(y, mo, d, h, mi, sec, &local))
        return y < KS_MIN_YEAR || y > KS_MAX_YEAR ? KS_EUNSUPPORTED : KS_ECORRUPT;
    return finish(local, nsec, has_zone, off, assume, out);
}

static int month_from_name(const char *p)
{
    /* the three letters, ASCII upper case folded, as one number; a multiplicative hash
     * puts the twelve names in distinct slots of sixteen, checked against the name */
#define KS_MON3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
    static const struct {
        uint32_t key;
        int month;
    } slots[16] = {
        {0, 0}, {KS_MON3('m', 'a', 'r'), 3}, {KS_MON3('j', 'u', 'l'), 7},
        {KS_MON3('j', 'a', 'n'), 1}, {KS_MON3('j', 'u', 'n'), 6}, {KS_MON3('s', 'e', 'p'), 9},
        {KS_MON3('a', 'u', 'g'), 8}, {KS_MON3('a', 'p', 'r'), 4}, {KS_MON3('n', 'o', 'v'), 11},
        {0, 0}, {KS_MON3('o', 'c', 't'), 10}, {KS_MON3('f', 'e', 'b'), 2},
        {0, 0}, {KS_MON3('d', 'e', 'c'), 12}, {0, 0},
        {KS_MON3('m', 'a', 'y'), 5}};
#undef KS_MON3
    uint32_t k = 0;
    for (int i = 0; i < 3; i++) {
        unsigned char ch = (unsigned char)p[i];
        k = k << 8 | (ch >= 'A' && ch <= 'Z' ? ch + 32u : ch);
    }
    uint32_t h = (uint32_t)(k * 0x8d0038edu) >> 28;
    return slots[h].key == k ? slots[h].month : 0;
}

int ks_time_parse_clf(const char *s, size_t n, int64_t *out)
{
    if (!s || !out)
        return KS_EUSAGE;
    trim(&s, &n);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
        s++, n -= 2;
    /* "10/Oct/2000:13:55:36 -0700" exactly, read at fixed positions; anything else, or
     * invalid fields, takes the general path (which gives the same result or error) */
    int fd, fyh, fyl, fh, fmi, fs, zh, zm, fmo;
    if (n == 26 && s[2] == '/' && s[6] == '/' && s[11] == ':' && s[14] == ':' &&
        s[17] == ':' && s[20] == ' ' && (s[21] == '+' || s[21] == '-') &&
        (dig2(s, &fd) & dig2(s + 7, &fyh) & dig2(s + 9, &fyl) & dig2(s + 12, &fh) &
         dig2(s + 15, &fmi) & dig2(s + 18, &fs) & dig2(s + 22, &zh) & dig2(s + 24, &zm)) &&
        (fmo = month_from_name(s + 3)) != 0) {
        int64_t local;
        if (zh <= 23 && zm <= 59 &&
            civil_to_sec(fyh * 100 + fyl, fmo, fd, fh, fmi, fs, &local))
            return finish(local, 0, true, (s[21] == '-' ? -1 : 1) * (zh * 3600 + zm * 60),
                          NULL, out);
    }
    cur c = {s, s + n};
    int d, y, h, mi, sec;
    int64_t nsec;
    if (!fixed_digits(&c, 2, &d) || !cur_eat(&c, '/') || c.e - c.p < 3)
        return KS_ECORRUPT;
    int mo = month_from_name(c.p);
    c.p += 3;
    if (!mo || !cur_eat(&c, '/') || !fixed_digits(&c, 4, &y) || !cur_eat(&c, ':') ||
        !fixed_digits(&c, 2, &h) || !cur_eat(&c, ':') || !fixed_digits(&c, 2, &mi) ||
        !cur_eat(&c, ':') || !fixed_digits(&c, 2, &sec) || !parse_fraction(&c, &nsec) ||
        !cur_eat(&c, ' '))
        return KS_ECORRUPT;
    bool has_zone;
    int32_t off;
    if (c.p >= c.e || (*c.p != '+' && *c.p != '-') || !parse_zone(&c, &has_zone, &off) ||
        c.p != c.e)
        return KS_ECORRUPT;
    int64_t local;
    if (!civil_to_sec(y, mo, d, h, mi, sec, &local))
        return y < KS_MIN_YEAR || y > KS_MAX_YEAR ? KS_EUNSUPPORTED : KS_ECORRUPT;
    return finish(local, nsec, true, off, NULL, out);
}

int ks_time_parse_syslog(const char *s, size_t n, int64_t ref_ns, const ks_tz *tz, int64_t *out)
{
    if (!s || !out || ref_ns == KS_TIME_NONE)
        return KS_EUSAGE;
    trim(&s, &n);
    cur c = {s, s + n};
    if (c.e - c.p < 4)
        return KS_ECORRUPT;
    int mo = month_from_name(c.p);
    c.p += 3;
    if (!mo || !cur_eat(&c, ' '))
        return KS_ECORRUPT;
    int d, h, mi, sec;
    int64_t nsec;
    if (c.p < c.e && *c.p == ' ') { /* "Nov  2": day padded with a space */
        c.p++;
        if (!fixed_digits(&c, 1, &d))
            return KS_ECORRUPT;
    } else if (!fixed_digits(&c, 2, &d)) {
        if (!fixed_digits(&c, 1, &d))
            return KS_ECORRUPT;
    }
    if (!cur_eat(&c, ' ') || !fixed_digits(&c, 2, &h) || !cur_eat(&c, ':') ||
        !fixed_digits(&c, 2, &mi) || !cur_eat(&c, ':') || !fixed_digits(&c, 2, &sec) ||
        !parse_fraction(&c, &nsec) || c.p != c.e)
        return KS_ECORRUPT;
    if (d < 1 || d > 31 || d > (int)days_in_month(2000, (unsigned)mo) || h > 23 || mi > 59 ||
        sec > 60)
        return KS_ECORRUPT;
    int64_t ref_sec = floor_div(ref_ns, KS_NS_PER_SEC);
    int64_t ry;
    unsigned rm, rd;
    ks_civil_from_days(floor_div(ref_sec + ks_tz_offset(tz, ref_sec), KS_SECS_PER_DAY), &ry,
                       &rm, &rd);
    /* Latest year whose date is not after ref + 1 day; Feb 29 may need up to 8 years back
     * (1896 -> 1904). */
    for (int64_t y = ry + 1; y >= ry - 8; y--) {
        int64_t local;
        if (!civil_to_sec(y, mo, d, h, mi, sec, &local))
            continue;
        int64_t utc = ks_tz_local_to_utc(tz, local);
        if (utc <= ref_sec + KS_SECS_PER_DAY) {
            int64_t ns;
            if (y < KS_MIN_YEAR || y > KS_MAX_YEAR || !sec_to_ns(utc, nsec, &ns))
                return KS_EUNSUPPORTED;
            *out = ns;
            return 0;
        }
    }
    return KS_EUNSUPPORTED;
}

int ks_time_parse_epoch(const char *s, size_t n, int64_t unit_ns, int64_t *out)
{
    if (!s || !out || unit_ns < 0)
        return KS_EUSAGE;
    trim(&s, &n);
    cur c = {s, s + n};
    bool neg = false;
    if (c.p < c.e && (*c.p == '-' || *c.p == '+'))
        neg = *c.p++ == '-';
    const char *ds = c.p;
    while (c.p < c.e && *c.p == '0' && c.e - c.p > 1 && is_digit(c.p[1]))
        c.p++; /* leading zeros do not count as digits of the unit */
    const char *sig = c.p;
    int64_t ip = 0;
    while (c.p < c.e && is_digit(*c.p)) {
        if (__builtin_mul_overflow(ip, 10, &ip) || __builtin_add_overflow(ip, *c.p - '0', &ip))
            return KS_EUNSUPPORTED;
        c.p++;
    }
    size_t nd = (size_t)(c.p - sig);
    if (c.p == ds)
        return KS_ECORRUPT;
    int64_t frac = 0; /* first 9 digits after '.', as a fraction of 1e9 */
    if (cur_eat(&c, '.')) {
        int fd = 0;
        const char *fs = c.p;
        while (c.p < c.e && is_digit(*c.p)) {
            if (fd < 9) {
                frac = frac * 10 + (*c.p - '0');
                fd++;
            }
            c.p++;
        }
        if (c.p == fs)
            return KS_ECORRUPT;
        for (int i = fd; i < 9; i++)
            frac *= 10;
    }
    if (c.p != c.e)
        return KS_ECORRUPT;
    if (unit_ns == 0) /* digits of the integer part: 10 = s, 13 = ms, 16 = us, 19 = ns */
        unit_ns = nd <= 10 ? KS_NS_PER_SEC : nd <= 13 ? 1000000LL : nd <= 16 ? 1000LL : 1;
    int64_t v;
    if (__builtin_mul_overflow(ip, unit_ns, &v))
        return KS_EUNSUPPORTED;
    /* frac * unit / 1e9 without overflow: unit = q*1e9 + r */
    int64_t q = unit_ns / KS_NS_PER_SEC, r = unit_ns % KS_NS_PER_SEC, fpart;
    if (__builtin_mul_overflow(frac, q, &fpart))
        return KS_EUNSUPPORTED;
    int64_t rpart = (int64_t)(((unsigned __int128)frac * (unsigned __int128)r) / KS_NS_PER_SEC);
    if (__builtin_add_overflow(v, fpart, &v) || __builtin_add_overflow(v, rpart, &v))
        return KS_EUNSUPPORTED;
    if (neg)
        v = -v;
    int64_t sec = floor_div(v, KS_NS_PER_SEC);
    if (sec < KS_MIN_SEC || sec >= KS_MAX_SEC)
        return KS_EUNSUPPORTED;
    *out = v;
    return 0;
}

/* ---- formatting ----------------------------------------------------------------- */

/* Two digits of v (0..99), from a table. */
static char *put2(char *p, int64_t v)
{
    static const char d2[201] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    memcpy(p, d2 + 2 * v, 2);
    return p + 2;
}

/* A year: four digits inside the supported range, anything else in full (with '-'). */
static char *put_year(char *p, int64_t y)
{
    if (y >= 0 && y <= 9999) {
        p = put2(p, y / 100);
        return put2(p, y % 100);
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

size_t ks_time_format(int64_t ns, const ks_tz *tz, int frac_digits, char *out, size_t outsz)
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
    int64_t sec, nsec;
    if (ns >= 0) { /* after 1970: plain division */
        sec = (int64_t)((uint64_t)ns / KS_NS_PER_SEC);
        nsec = (int64_t)((uint64_t)ns % KS_NS_PER_SEC);
    } else {
        sec = floor_div(ns, KS_NS_PER_SEC);
        nsec = floor_mod(ns, KS_NS_PER_SEC);
    }
    bool utc = !tz || tz->kind == TZ_UTC;
    int32_t off = utc ? 0 : ks_tz_offset(tz, sec);
    int64_t local = sec + off, y;
    unsigned mo, d;
    int64_t days, sod;
    if (local >= 0) {
        days = (int64_t)((uint64_t)local / KS_SECS_PER_DAY);
        sod = (int64_t)((uint64_t)local % KS_SECS_PER_DAY);
    } else {
        days = floor_div(local, KS_SECS_PER_DAY);
        sod = floor_mod(local, KS_SECS_PER_DAY);
    }
    ks_civil_from_days(days, &y, &mo, &d);
    p = put_year(p, y);
    *p++ = '-';
    p = put2(p, mo);
    *p++ = '-';
    p = put2(p, d);
    *p++ = 'T';
    uint32_t usod = (uint32_t)sod, umin = usod / 60;
    p = put2(p, umin / 60);
    *p++ = ':';
    p = put2(p, umin % 60);
    *p++ = ':';
    p = put2(p, usod % 60);
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
        /* all nine digits (four pairs and the last one) go into b, which has room; the
         * first nd of them are kept */
        uint32_t v = (uint32_t)nsec, lo = v % 10000000;
        *p++ = '.';
        put2(p, v / 10000000);
        put2(p + 2, lo / 100000);
        put2(p + 4, lo / 1000 % 100);
        put2(p + 6, lo / 10 % 100);
        p[8] = (char)('0' + lo % 10);
        p += nd;
    }
    if (utc) {
        *p++ = 'Z';
    } else {
        p += fmt_offset(p, off);
    }
    size_t len = (size_t)(p - b);
    if (len >= outsz)
        len = outsz - 1;
    memcpy(out, b, len);
    out[len] = '\0';
    return len;
}

int64_t ks_time_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return KS_TIME_NONE;
    return (int64_t)ts.tv_sec * KS_NS_PER_SEC + ts.tv_nsec;
}
