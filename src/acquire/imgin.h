/* imgin.h — reading an acquired image's content from its files, start to end: raw (one
 * file or split pieces in order), zstd seekable, or E01 (libewf). Used by verify.
 * The files are opened read-only. Not thread-safe. */
#ifndef KS_IMGIN_H
#define KS_IMGIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ks_imgin ks_imgin;

/* format: "raw", "zstd-seekable" or "ewf"; paths: the image's files in order. */
int ks_imgin_open(ks_imgin **out, const char *format, char *const *paths, size_t npaths, ks_err *err);
/* Stops reading after `bytes` of content (E01 pads the last sector with zeros). */
void ks_imgin_limit(ks_imgin *r, uint64_t bytes);
/* Next bytes of the content; *got = 0 at the end. */
int ks_imgin_read(ks_imgin *r, void *buf, size_t n, size_t *got, ks_err *err);
void ks_imgin_close(ks_imgin *r);

#endif
