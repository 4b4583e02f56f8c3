/* hash.h — SHA-256 / SHA-1 / MD5 over streams, via OpenSSL's libcrypto (Debian's
 * libssl-dev; its SHA-NI/AVX2 code paths are the fastest packaged implementation). */
#ifndef KS_HASH_H
#define KS_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ks_sha256 ks_sha256;

int ks_sha256_new(ks_sha256 **out);
void ks_sha256_update(ks_sha256 *h, const void *p, size_t n);
/* Writes 64 lowercase hex digits + NUL into hex[65]; the context is reset for reuse. */
void ks_sha256_final_hex(ks_sha256 *h, char hex[65]);
void ks_sha256_free(ks_sha256 *h);

/* SHA-256 of a whole file (opened read-only). err names the file and offset on failure. */
int ks_sha256_file(const char *path, char hex[65], int64_t *out_size, ks_err *err);

void ks_hex_encode(const uint8_t *p, size_t n, char *out /* 2n+1 */);

#endif
