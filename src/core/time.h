/* time.h — timestamps: parsing every form evidence uses, time zones, formatting.
 *
 * Representation: int64 nanoseconds since 1970-01-01T00:00:00Z (UTC, proleptic Gregorian,
 * no leap seconds), covering 1678..2261. KS_TIME_NONE means "no time". Everything stored
 * in a case is UTC; zones only matter when parsing local times and when displaying.
 *
 * Zones are read from the system's TZif files (/usr/share/zoneinfo, tzdata) by our own
 * reader, so a zone is an explicit object passed around — no setenv("TZ"), no global state.
 */
#ifndef KS_TIME_H
#define KS_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KS_TIME_NONE INT64_MIN
#define KS_NS_PER_SEC 1000000000LL

typedef struct ks_tz ks_tz;

/* name: "UTC", "Z", a fixed offset ("+09:00", "+0900", "-05"), or an IANA name
 * ("Asia/Tokyo"; also "JST" as an alias). The result is owned by the caller.
 * IANA names are relative paths under /usr/share/zoneinfo of [A-Za-z0-9._+-] components;
 * "..", absolute paths and symlinks leading outside it are refused (KS_EUSAGE), unknown
 * zones give KS_ENOTFOUND. ks_tz_name: "UTC", "+09:00", or the IANA name ("Asia/Tokyo"
 * for "JST"). */
int ks_tz_load(ks_tz **out, const char *name, ks_err *err);
/* A zone from TZif bytes already in memory (RFC 8536, v1..v4), e.g. a suspect host's
 * /etc/localtime read from an image. `name` (may be NULL) is what ks_tz_name reports.
 * Hostile bytes give KS_ECORRUPT, never a crash. */
int ks_tz_from_tzif(ks_tz **out, const char *name, const void *data, size_t len, ks_err *err);
void ks_tz_free(ks_tz *tz);
const char *ks_tz_name(const ks_tz *tz);
/* Offset east of UTC in seconds in effect at utc_sec. NULL tz means UTC. */
int32_t ks_tz_offset(const ks_tz *tz, int64_t utc_sec);
/* Converts a wall-clock time in tz to UTC seconds (ambiguous: earlier; gap: shifted forward). */
int64_t ks_tz_local_to_utc(const ks_tz *tz, int64_t local_sec);

/* Civil date <-> days since epoch (Howard Hinnant's algorithms). Total functions: years
 * beyond +-2^40 (and days beyond the matching range) are clamped, m outside 1..12 is taken
 * as 1; validate fields first (ks_time_from_civil does). */
int64_t ks_days_from_civil(int64_t y, unsigned m, unsigned d);
void ks_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Builds ns from civil UTC fields; returns KS_TIME_NONE when out of range/invalid. */
int64_t ks_time_from_civil(int64_t y, int mon, int day, int h, int mi, int s, int64_t nsec);

/* ISO 8601 / RFC 3339: "2026-11-22T18:21:59Z", fractions of any length (kept to ns),
 * offsets "+09:00", "+0900", "+09", "Z"; 'T' or ' ' between date and time; also date only.
 * When the text has no zone, `assume` (NULL = UTC) gives it.
 * Also accepted: lowercase 't'/'z', ',' as decimal mark, the basic form
 * "20261122T182159Z" (only with a time part), a space before the offset, and the suffixes
 * " UTC", " GMT", " JST" (PostgreSQL/MySQL logs); no other abbreviation (they are ambiguous).
 * All parsers: 0 and *out set; KS_ECORRUPT for malformed text; KS_EUNSUPPORTED for a valid
 * time outside 1678..2261; *out is untouched on failure. Surrounding blanks are ignored. */
int ks_time_parse_iso8601(const char *s, size_t n, const ks_tz *assume, int64_t *out);
/* Apache/nginx common log format "10/Oct/2000:13:55:36 -0700" (also with fractions). */
int ks_time_parse_clf(const char *s, size_t n, int64_t *out);
/* Syslog BSD "Nov  2 18:21:59" (no year): the year is inferred as the latest year in which
 * that date is not after `ref_ns` + 1 day (log rotation across new year), in zone `tz`.
 * "Nov 02", "Nov 2" and fractions ("18:21:59.123") are accepted; Feb 29 goes back to the
 * latest leap year. ref_ns == KS_TIME_NONE is KS_EUSAGE (no hidden clock reads). */
int ks_time_parse_syslog(const char *s, size_t n, int64_t ref_ns, const ks_tz *tz, int64_t *out);
/* Epoch numbers as text: unit detected by digits (10=s, 13=ms, 16=us, 19=ns) when
 * unit_ns is 0, else multiplied by unit_ns; fractions after '.' allowed ("1645164733.006").
 * Detection counts integer digits without leading zeros: <= 10 s, 11..13 ms, 14..16 us,
 * 17..19 ns. A leading '-' (before 1970) or '+' is allowed. */
int ks_time_parse_epoch(const char *s, size_t n, int64_t unit_ns, int64_t *out);

/* Formats as ISO 8601 in tz (NULL or "UTC" = UTC, printed with 'Z'; others with "+09:00",
 * or "+09:18:59" for historical offsets with seconds). KS_TIME_NONE formats as "".
 * frac_digits: 0..9, or -1 for "as many as needed" (trailing zeros dropped, none if whole).
 * Returns the length written (out always NUL-terminated; 40 bytes is always enough). */
size_t ks_time_format(int64_t ns, const ks_tz *tz, int frac_digits, char *out, size_t outsz);

/* Current time (CLOCK_REALTIME) in ns. */
int64_t ks_time_now(void);

#endif
