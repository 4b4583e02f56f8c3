/* aj.h — the small JSON writer and reader used for manifests and custody logs.
 *
 * Why not core/json.h: these files are written by us in a fixed shape, read back to check
 * them, and must be verifiable byte for byte (the custody chain hashes the exact line). A
 * span scanner that finds members in the original text fits that better than a tree.
 * Input is still treated as hostile: every scan is bounded by the span, nesting is capped
 * (KS_AJ_MAX_DEPTH), and malformed text is KS_ECORRUPT with the offset of the problem.
 */
#ifndef KS_AJ_H
#define KS_AJ_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define KS_AJ_MAX_DEPTH 32

/* Appends s as a JSON string literal with quotes; control characters are \u-escaped and
 * invalid UTF-8 bytes become \u00XX-free replacement (U+FFFD), so output is valid JSON. */
int ks_aj_quote(ks_buf *out, const char *s, size_t n);

/* Validates one JSON value starting at text[*pos] (after whitespace); on success *pos is
 * just past it. KS_ECORRUPT with *pos at the offending byte otherwise. */
int ks_aj_skip(const char *text, size_t n, size_t *pos);
/* Value span of member `key` of the object `obj` (whole object text). 0, KS_ENOTFOUND, or
 * KS_ECORRUPT (*bad = offset within obj). */
int ks_aj_get(ks_str obj, const char *key, ks_str *out, size_t *bad);
/* Array iteration: *pos starts at 0; returns 0 with the element span, KS_EOF at the end,
 * KS_ECORRUPT when malformed. */
int ks_aj_next(ks_str arr, size_t *pos, ks_str *out);
/* Decodes a string value span (with its quotes) into out (NUL-terminated). */
int ks_aj_string(ks_str v, ks_buf *out);
/* Non-negative integer value; KS_ECORRUPT when not one or out of range. */
int ks_aj_u64(ks_str v, uint64_t *out);

#endif
