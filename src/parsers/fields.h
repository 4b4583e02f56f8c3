/* fields.h — the field splitter of the space-separated AWS access logs (ELB, S3, ...):
 * blanks separate fields; a "quoted" field (with \" and \\ escapes, undone) is one field
 * without its quotes; with KS_FIELDS_BRACKETS a [bracketed] field (S3's time) is one too.
 * Fields point into the line or into the splitter's scratch space; valid until the next
 * split. */
#ifndef KS_FIELDS_H
#define KS_FIELDS_H

#include <stddef.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/buf.h"

#define KS_FIELDS_MAX 64
#define KS_FIELDS_SCRATCH ((size_t)1 << 20) /* unescaped text per line; beyond: kept escaped */

enum { KS_FIELDS_BRACKETS = 1 };

typedef struct ks_fields {
    ks_str f[KS_FIELDS_MAX];
    size_t n;
    char scr[KS_FIELDS_SCRATCH];
    size_t scrn;
} ks_fields;

/* Splits p[0..n) into out (a large struct: allocate it, don't put it on the stack).
 * Returns NULL, or why the line cannot be split (an unterminated quote or bracket, more
 * than KS_FIELDS_MAX fields). */
const char *ks_fields_split(ks_fields *out, const char *p, size_t n, unsigned flags);

/* Index of the first byte of p[i..n) that is a or b (pass a twice for one byte), or n
 * when there is none (also when i > n). Reads only p[i..n): 16 bytes at a time while 16
 * remain (SSE2), then byte by byte. The scanners of the access-log readers use it. */
static inline size_t ks_fields_scan2(const char *p, size_t i, size_t n, char a, char b)
{
    if (i > n)
        return n;
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
    while (n - i >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)));
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < n && p[i] != a && p[i] != b)
        i++;
    return i;
}

/* A decimal field as a double: exactly what strtod gives for the whole of p[0..n), with
 * a fast path for the plain "-?DIGITS[.DIGITS]" of access logs (few digits: one
 * correctly rounded division) and strtod for anything else. 0 and *out set, or -1 when
 * strtod would not consume all of it (or n is 0 or above 47). */
int ks_fields_decimal(const char *p, size_t n, double *out);

#endif
