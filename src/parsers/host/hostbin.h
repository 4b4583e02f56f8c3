/* hostbin.h — the binary Linux host logs (utmp/wtmp/btmp, lastlog, pacct, systemd journal)
 * as sources, and the small byte helpers their readers share. Each reader takes the
 * member as a stream of fixed-size records, except the journal, which needs random access
 * and is read into memory whole (at most KS_JOURNAL_MAX_BYTES). */
#ifndef KS_PARSERS_HOSTBIN_H
#define KS_PARSERS_HOSTBIN_H

#include <stdbool.h>
#include <stdint.h>

#include "parsers/parser.h"

extern const ks_parser ks_parser_utmp;
extern const ks_parser ks_parser_lastlog;
extern const ks_parser ks_parser_pacct;
extern const ks_parser ks_parser_journal;

extern const ks_table_def ks_table_utmp;
extern const ks_table_def ks_table_lastlog;
extern const ks_table_def ks_table_pacct;
extern const ks_table_def ks_table_journal;

/* Journal files are read whole into memory; a larger member is an error (documented in
 * docs/formats.md). */
#define KS_JOURNAL_MAX_BYTES ((size_t)1 << 30)

/* ---- byte helpers (never overlay structs on evidence) ---------------------------- */
static inline uint16_t hb_u16(const uint8_t *p, bool be)
{
    return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}
static inline uint32_t hb_u32(const uint8_t *p, bool be)
{
    return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
              : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}
static inline uint64_t hb_u64(const uint8_t *p, bool be)
{
    return be ? (uint64_t)hb_u32(p, true) << 32 | hb_u32(p + 4, true)
              : (uint64_t)hb_u32(p + 4, false) << 32 | hb_u32(p, false);
}

/* A fixed-size, NUL-padded char field: the bytes before the first NUL. */
static inline ks_str hb_field(const uint8_t *p, size_t n)
{
    size_t k = 0;
    while (k < n && p[k])
        k++;
    return (ks_str){(const char *)p, k};
}

/* Whether a NUL-padded field holds text: no control bytes before the first NUL. */
static inline bool hb_field_text(const uint8_t *p, size_t n)
{
    for (size_t k = 0; k < n && p[k]; k++)
        if (p[k] < 0x20 || p[k] == 0x7f)
            return false;
    return true;
}

static inline bool hb_all_zero(const uint8_t *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (p[k])
            return false;
    return true;
}

/* The base name of a display path ("x/y/wtmp.1" -> "wtmp.1"); "" for NULL. */
const char *ks_hostbin_base(const char *path);

/* Reads exactly n bytes unless the input ends: *out_n < n only at the end. */
int ks_hostbin_read_full(ks_input *in, uint8_t *buf, size_t n, size_t *out_n, ks_err *err);

#endif
