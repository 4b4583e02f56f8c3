/* fields.h — the field splitter of the space-separated AWS access logs (ELB, S3, ...):
 * blanks separate fields; a "quoted" field (with \" and \\ escapes, undone) is one field
 * without its quotes; with KS_FIELDS_BRACKETS a [bracketed] field (S3's time) is one too.
 * Fields point into the line or into the splitter's scratch space; valid until the next
 * split. */
#ifndef KS_FIELDS_H
#define KS_FIELDS_H

#include <stddef.h>

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

#endif
