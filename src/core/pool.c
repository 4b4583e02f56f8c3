#include "core/pool.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define POOL_CHUNK ((size_t)1 << 20)

struct ks_pool_chunk {
    struct ks_pool_chunk *next;
    size_t used, cap;
    alignas(max_align_t) char data[];
};

/* Room for n bytes after `pad` alignment bytes in the current chunk, or a new chunk. */
static ks_pool_chunk *room(ks_pool *p, size_t n, size_t align, size_t *out_pad)
{
    if (n > SIZE_MAX / 4) /* no chunk size computation may wrap */
        return NULL;
    ks_pool_chunk *c = p->chunks;
    size_t pad = c ? (align - (c->used % align)) % align : 0;
    if (!c || c->cap - c->used < pad || c->cap - c->used - pad < n) {
        size_t cap = n > POOL_CHUNK ? n : POOL_CHUNK;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = p->chunks;
        c->used = 0;
        c->cap = cap;
        p->chunks = c;
        pad = 0;
    }
    *out_pad = pad;
    return c;
}

const char *ks_pool_dup(ks_pool *p, const char *s, size_t n)
{
    if (!s || !n)
        return "";
    size_t pad;
    ks_pool_chunk *c = room(p, n + 1, 1, &pad);
    if (!c)
        return NULL;
    char *d = c->data + c->used;
    memcpy(d, s, n);
    d[n] = '\0';
    c->used += n + 1;
    return d;
}

void *ks_pool_alloc(ks_pool *p, size_t n)
{
    size_t pad;
    ks_pool_chunk *c = room(p, n, alignof(max_align_t), &pad);
    if (!c)
        return NULL;
    void *d = c->data + c->used + pad;
    c->used += pad + n;
    return d;
}

void ks_pool_free(ks_pool *p)
{
    while (p->chunks) {
        ks_pool_chunk *n = p->chunks->next;
        free(p->chunks);
        p->chunks = n;
    }
}
