/* pool.h — an append-only arena for many small strings and arrays that live and die
 * together (the analyzers' record sets). Allocations are never freed one by one;
 * ks_pool_free releases them all. A zero-initialised ks_pool is empty and ready. */
#ifndef KS_POOL_H
#define KS_POOL_H

#include <stddef.h>

typedef struct ks_pool_chunk ks_pool_chunk;

typedef struct ks_pool {
    ks_pool_chunk *chunks;
} ks_pool;

/* A NUL-terminated copy of p[0..n): "" (static) for an empty or NULL string; NULL when out
 * of memory. */
const char *ks_pool_dup(ks_pool *p, const char *s, size_t n);
/* n bytes aligned for pointers and 64-bit integers; NULL when out of memory. */
void *ks_pool_alloc(ks_pool *p, size_t n);
void ks_pool_free(ks_pool *p);

#endif
