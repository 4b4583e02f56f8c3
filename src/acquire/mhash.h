/* mhash.h — the digests of one stream as pipe consumers (acquire/pipe.h): one consumer per
 * algorithm, so MD5, SHA-1 and SHA-256 run on different cores; the SHA-256 consumer also
 * hashes each `chunk_size` piece on its own (the chunk list that lets verify name the
 * damaged range of an image). */
#ifndef KS_MHASH_H
#define KS_MHASH_H

#include <stddef.h>
#include <stdint.h>

#include "acquire/digest.h"
#include "acquire/pipe.h"
#include "core/err.h"

typedef struct ks_mhash ks_mhash;

#define KS_MHASH_ALL ((1u << KS_MD5) | (1u << KS_SHA1) | (1u << KS_SHA256))

/* alg_mask: bits (1u << ks_dalg). chunk_size 0 = no chunk hashes (else SHA-256 is added). */
int ks_mhash_new(ks_mhash **out, unsigned alg_mask, uint64_t chunk_size, ks_err *err);
/* Fills cons[0..n) (room for KS_DALG_COUNT) and returns n. */
size_t ks_mhash_consumers(ks_mhash *m, ks_pipe_consumer *cons);
/* After the pipe finished: lowercase hex of algorithm a ("" when not computed). */
const char *ks_mhash_hex(const ks_mhash *m, ks_dalg a);
/* Chunk hashes; the caller takes ownership (free()) of the returned array. */
char (*ks_mhash_take_chunks(ks_mhash *m, size_t *n))[65];
void ks_mhash_free(ks_mhash *m);

#endif

#ifndef KS_MHASH_FILE_DECL
#define KS_MHASH_FILE_DECL
/* MD5, SHA-1 and SHA-256 of a whole file (read-only, one pass, threads as above).
 * hex[a] receives algorithm a's digest; *size the byte count. */
int ks_mhash_file(const char *path, char hex[KS_DALG_COUNT][65], uint64_t *size, ks_err *err);
#endif
