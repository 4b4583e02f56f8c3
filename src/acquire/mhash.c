#include "acquire/mhash.h"

#include <stdlib.h>
#include <string.h>

typedef struct hash_ctx {
    ks_digest *d;
    char hex[KS_DIGEST_HEX_MAX];
    ks_digest *cd; /* per-chunk (SHA-256 consumer only) */
    uint64_t chunk_size, in_chunk;
    char (*chunks)[65];
    size_t nchunks, cap;
} hash_ctx;

struct ks_mhash {
    hash_ctx h[KS_DALG_COUNT];
    unsigned mask;
};

static int chunk_done(hash_ctx *h, ks_err *err)
{
    if (h->nchunks == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 256;
        char(*c)[65] = realloc(h->chunks, nc * sizeof *c);
        if (!c)
            return KS_ERR(err, KS_ENOMEM, "out of memory for chunk hashes");
        h->chunks = c;
        h->cap = nc;
    }
    ks_digest_final_hex(h->cd, h->chunks[h->nchunks++]);
    h->in_chunk = 0;
    return 0;
}

static int consume(void *ctx, const uint8_t *p, size_t n, uint64_t off, ks_err *err)
{
    hash_ctx *h = ctx;
    ks_digest_update(h->d, p, n);
    while (h->cd && n) {
        uint64_t room = h->chunk_size - h->in_chunk;
        size_t take = n < room ? n : (size_t)room;
        ks_digest_update(h->cd, p, take);
        h->in_chunk += take;
        p += take;
        n -= take;
        if (h->in_chunk == h->chunk_size) {
            int rc = chunk_done(h, err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int finish(void *ctx, ks_err *err)
{
    hash_ctx *h = ctx;
    ks_digest_final_hex(h->d, h->hex);
    if (h->cd && h->in_chunk)
        return chunk_done(h, err);
    return 0;
}

int ks_mhash_new(ks_mhash **out, unsigned alg_mask, uint64_t chunk_size, ks_err *err)
{
    int rc = 0;
    ks_mhash *m = calloc(1, sizeof *m);
    if (!m)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    if (chunk_size)
        alg_mask |= 1u << KS_SHA256;
    m->mask = alg_mask;
    for (int a = 0; a < KS_DALG_COUNT; a++) {
        if (!(alg_mask & (1u << a)))
            continue;
        if (ks_digest_new(&m->h[a].d, (ks_dalg)a)) {
            rc = KS_ERR(err, KS_ENOMEM, "cannot set up %s", ks_dalg_name((ks_dalg)a));
            goto done;
        }
    }
    if (chunk_size) {
        if (ks_digest_new(&m->h[KS_SHA256].cd, KS_SHA256)) {
            rc = KS_ERR(err, KS_ENOMEM, "cannot set up sha256");
            goto done;
        }
        m->h[KS_SHA256].chunk_size = chunk_size;
    }
done:
    if (rc) {
        ks_mhash_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

size_t ks_mhash_consumers(ks_mhash *m, ks_pipe_consumer *cons)
{
    size_t n = 0;
    for (int a = 0; a < KS_DALG_COUNT; a++) {
        if (!m->h[a].d)
            continue;
        memset(&cons[n], 0, sizeof cons[n]);
        cons[n].consume = consume;
        cons[n].finish = finish;
        cons[n].ctx = &m->h[a];
        n++;
    }
    return n;
}

const char *ks_mhash_hex(const ks_mhash *m, ks_dalg a)
{
    return (unsigned)a < KS_DALG_COUNT ? m->h[a].hex : "";
}

char (*ks_mhash_take_chunks(ks_mhash *m, size_t *n))[65]
{
    char(*c)[65] = m->h[KS_SHA256].chunks;
    *n = m->h[KS_SHA256].nchunks;
    m->h[KS_SHA256].chunks = NULL;
    m->h[KS_SHA256].nchunks = m->h[KS_SHA256].cap = 0;
    return c;
}

void ks_mhash_free(ks_mhash *m)
{
    if (!m)
        return;
    for (int a = 0; a < KS_DALG_COUNT; a++) {
        ks_digest_free(m->h[a].d);
        ks_digest_free(m->h[a].cd);
        free(m->h[a].chunks);
    }
    free(m);
}

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int ks_mhash_file(const char *path, char hex[KS_DALG_COUNT][65], uint64_t *size, ks_err *err)
{
    int rc = 0, fd = -1;
    ks_mhash *m = NULL;
    ks_pipe *p = NULL;
    ks_pipe_consumer cons[KS_DALG_COUNT];
    const size_t bs = 4u << 20;
    uint64_t total = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return KS_ERR_AT(err, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, path, -1, -1, "cannot open: %s",
                         strerror(errno));
    if ((rc = ks_mhash_new(&m, KS_MHASH_ALL, 0, err)) != 0)
        goto done;
    size_t nc = ks_mhash_consumers(m, cons);
    if ((rc = ks_pipe_start(&p, 4, bs, cons, nc, err)) != 0)
        goto done;
    for (;;) {
        uint8_t *buf = ks_pipe_slot(p);
        if (!buf)
            break;
        size_t have = 0;
        while (have < bs) {
            ssize_t r = read(fd, buf + have, bs - have);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                rc = KS_ERR_AT(err, KS_EIO, path, -1, (int64_t)(total + have), "read failed: %s",
                               strerror(errno));
                break;
            }
            if (r == 0)
                break;
            have += (size_t)r;
        }
        if (have)
            ks_pipe_publish(p, have);
        total += have;
        if (rc || have < bs)
            break;
    }
    int prc = ks_pipe_finish(p, rc != 0);
    p = NULL;
    if (!rc && prc)
        rc = KS_ERR(err, prc, "hashing failed");
    if (rc)
        goto done;
    for (int a = 0; a < KS_DALG_COUNT; a++)
        snprintf(hex[a], 65, "%s", ks_mhash_hex(m, (ks_dalg)a));
    if (size)
        *size = total;
done:
    if (p)
        ks_pipe_finish(p, 1);
    ks_mhash_free(m);
    close(fd);
    return rc;
}
