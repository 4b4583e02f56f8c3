#include "core/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ks_sha256 {
    EVP_MD_CTX *ctx;
};

int ks_sha256_new(ks_sha256 **out)
{
    ks_sha256 *h = calloc(1, sizeof *h);
    if (!h)
        return KS_ENOMEM;
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(h->ctx);
        free(h);
        return KS_ENOMEM;
    }
    *out = h;
    return 0;
}

void ks_sha256_update(ks_sha256 *h, const void *p, size_t n)
{
    if (n)
        EVP_DigestUpdate(h->ctx, p, n);
}

void ks_hex_encode(const uint8_t *p, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[p[i] >> 4];
        out[2 * i + 1] = hx[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void ks_sha256_final_hex(ks_sha256 *h, char hex[65])
{
    uint8_t md[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(h->ctx, md, &len);
    ks_hex_encode(md, 32, hex);
    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
}

void ks_sha256_free(ks_sha256 *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

int ks_sha256_file(const char *path, char hex[65], int64_t *out_size, ks_err *err)
{
    int rc = 0, fd = -1;
    ks_sha256 *h = NULL;
    uint8_t *buf = NULL;
    int64_t total = 0;
    const size_t bufsz = 1 << 20;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot open: %s", strerror(errno));
        goto done;
    }
    buf = malloc(bufsz);
    if (!buf || (rc = ks_sha256_new(&h)) != 0) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory hashing %s", path);
        goto done;
    }
    for (;;) {
        ssize_t r = read(fd, buf, bufsz);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = KS_ERR_AT(err, KS_EIO, path, -1, total, "read failed: %s", strerror(errno));
            goto done;
        }
        if (r == 0)
            break;
        ks_sha256_update(h, buf, (size_t)r);
        total += r;
    }
    ks_sha256_final_hex(h, hex);
    if (out_size)
        *out_size = total;
done:
    if (fd >= 0)
        close(fd);
    ks_sha256_free(h);
    free(buf);
    return rc;
}
