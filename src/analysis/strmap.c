/* strmap.c — see strmap.h. FNV-1a hashing, linear probing. */
#include "analysis/strmap.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void ks_strmap_init(ks_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void ks_strmap_free(ks_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->v[i].key);
    free(m->v);
    memset(m, 0, sizeof *m);
}

ks_strmap_ent *ks_strmap_find(const ks_strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->v[i].key)
            return NULL;
        if (!strcmp(m->v[i].key, key))
            return &m->v[i];
    }
}

static int grow(ks_strmap *m, ks_err *err)
{
    size_t nc = m->cap ? m->cap * 2 : 64;
    ks_strmap_ent *nv = calloc(nc, sizeof *nv);
    if (!nv)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->v[i].key)
            continue;
        size_t j = hash(m->v[i].key) & (nc - 1);
        while (nv[j].key)
            j = (j + 1) & (nc - 1);
        nv[j] = m->v[i];
    }
    free(m->v);
    m->v = nv;
    m->cap = nc;
    return 0;
}

ks_strmap_ent *ks_strmap_get(ks_strmap *m, const char *key, ks_err *err)
{
    ks_strmap_ent *e = ks_strmap_find(m, key);
    if (e)
        return e;
    if (m->n >= KS_STRMAP_MAX) {
        KS_ERR(err, KS_ELIMIT, "more than %u distinct values in one baseline", KS_STRMAP_MAX);
        return NULL;
    }
    if ((m->n + 1) * 2 > m->cap && grow(m, err))
        return NULL;
    size_t i = hash(key) & (m->cap - 1);
    while (m->v[i].key)
        i = (i + 1) & (m->cap - 1);
    size_t n = strlen(key);
    char *k = malloc(n + 1);
    if (!k) {
        KS_ERR(err, KS_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(k, key, n + 1);
    m->v[i].key = k;
    m->n++;
    return &m->v[i];
}
