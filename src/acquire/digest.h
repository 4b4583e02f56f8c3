/* digest.h — MD5, SHA-1 and SHA-256 over byte streams (OpenSSL EVP), by algorithm id.
 *
 * core/hash.h covers SHA-256 for the rest of the program; preservation needs the three
 * digests that image hash files and court reports traditionally carry. One ks_digest is one
 * running hash; it is not thread-safe, the acquisition pipeline gives each its own thread.
 */
#ifndef KS_DIGEST_H
#define KS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

typedef enum ks_dalg { KS_MD5 = 0, KS_SHA1 = 1, KS_SHA256 = 2, KS_DALG_COUNT = 3 } ks_dalg;

#define KS_DIGEST_HEX_MAX 65 /* SHA-256: 64 hex digits + NUL */

typedef struct ks_digest ks_digest;

int ks_digest_new(ks_digest **out, ks_dalg alg);
void ks_digest_update(ks_digest *d, const void *p, size_t n);
/* Writes lowercase hex + NUL (33, 41 or 65 bytes) and resets the context for reuse. */
void ks_digest_final_hex(ks_digest *d, char *hex);
void ks_digest_free(ks_digest *d);

const char *ks_dalg_name(ks_dalg alg);    /* "md5", "sha1", "sha256" */
size_t ks_dalg_hexlen(ks_dalg alg);       /* 32, 40, 64 */
/* Algorithm from a name ("md5", "SHA256", "sha-1", ...); -1 when unknown. */
int ks_dalg_from_name(const char *s, size_t n);
/* Algorithm from the length of a hex digest (32/40/64); -1 otherwise. */
int ks_dalg_from_hexlen(size_t n);
/* 1 when s[0..n) are exactly n hex digits. */
int ks_is_hex(const char *s, size_t n);

#endif
