#include "acquire/digest.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/hash.h"

struct ks_digest {
    EVP_MD_CTX *ctx;
    const EVP_MD *md;
    ks_dalg alg;
};

static const EVP_MD *md_for(ks_dalg alg)
{
    switch (alg) {
    case KS_MD5: return EVP_md5();
    case KS_SHA1: return EVP_sha1();
    case KS_SHA256: return EVP_sha256();
    default: return NULL;
    }
}

int ks_digest_new(ks_digest **out, ks_dalg alg)
{
    const EVP_MD *md = md_for(alg);
    if (!md)
        return KS_EUSAGE;
    ks_digest *d = calloc(1, sizeof *d);
    if (!d)
        return KS_ENOMEM;
    d->md = md;
    d->alg = alg;
    d->ctx = EVP_MD_CTX_new();
    if (!d->ctx || EVP_DigestInit_ex(d->ctx, md, NULL) != 1) {
        EVP_MD_CTX_free(d->ctx);
        free(d);
        return KS_ENOMEM;
    }
    *out = d;
    return 0;
}

void ks_digest_update(ks_digest *d, const void *p, size_t n)
{
    if (n)
        EVP_DigestUpdate(d->ctx, p, n);
}

void ks_digest_final_hex(ks_digest *d, char *hex)
{
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(d->ctx, md, &len);
    ks_hex_encode(md, len, hex);
    EVP_DigestInit_ex(d->ctx, d->md, NULL);
}

void ks_digest_free(ks_digest *d)
{
    if (!d)
        return;
    EVP_MD_CTX_free(d->ctx);
    free(d);
}

const char *ks_dalg_name(ks_dalg alg)
{
    static const char *const names[] = {"md5", "sha1", "sha256"};
    return (unsigned)alg < KS_DALG_COUNT ? names[alg] : "?";
}

size_t ks_dalg_hexlen(ks_dalg alg)
{
    static const size_t lens[] = {32, 40, 64};
    return (unsigned)alg < KS_DALG_COUNT ? lens[alg] : 0;
}

int ks_dalg_from_name(const char *s, size_t n)
{
    static const struct {
        const char *name;
        ks_dalg alg;
    } names[] = {{"md5", KS_MD5}, {"sha1", KS_SHA1}, {"sha-1", KS_SHA1},
                 {"sha256", KS_SHA256}, {"sha-256", KS_SHA256}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (n == strlen(names[i].name) && !strncasecmp(s, names[i].name, n))
            return (int)names[i].alg;
    return -1;
}

int ks_dalg_from_hexlen(size_t n)
{
    switch (n) {
    case 32: return KS_MD5;
    case 40: return KS_SHA1;
    case 64: return KS_SHA256;
    default: return -1;
    }
}

int ks_is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return 0;
    }
    return 1;
}
