/* prefetch.h — read-ahead of a ks_input on a second thread.
 *
 * Decompression (zlib, zstd...) and parsing each take a core; running the inner input's
 * reads on their own thread overlaps them. The wrapper is itself a ks_input: data comes out
 * in order, and an inner error is delivered after every byte read before it (so "nothing
 * before the damage is lost" still holds).
 *
 * Ownership: `inner` must stay valid and must not be used by anyone else until
 * ks_prefetch_free returns (it stops and joins the thread). The ks_input written to *out_in
 * is valid until then too.
 */
#ifndef KS_PREFETCH_H
#define KS_PREFETCH_H

#include <stddef.h>

#include "core/io.h"

typedef struct ks_prefetch ks_prefetch;

/* chunk: bytes per read-ahead buffer (0 = 1 MiB); three buffers are used. */
int ks_prefetch_new(ks_prefetch **out, ks_input *inner, size_t chunk, ks_input *out_in);
void ks_prefetch_free(ks_prefetch *p);

#endif
