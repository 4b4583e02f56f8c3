/* strmap.h — a small string-keyed hash map for baselines (counts and first-seen times).
 *
 * Ownership: the map copies keys; values are plain integers plus one opaque pointer the
 * caller owns. Open addressing, grows at 50% load; a hard cap on entries (KS_STRMAP_MAX)
 * keeps hostile evidence with millions of distinct values from exhausting memory.
 */
#ifndef KS_STRMAP_H
#define KS_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KS_STRMAP_MAX (1u << 24)

typedef struct ks_strmap_ent {
    char *key;
    int64_t a, b; /* caller's counters (e.g. count, first time) */
    void *p;
} ks_strmap_ent;

typedef struct ks_strmap {
    ks_strmap_ent *v;
    size_t cap, n;
} ks_strmap;

void ks_strmap_init(ks_strmap *m);
void ks_strmap_free(ks_strmap *m);
/* The entry for key (inserted with a = b = 0, p = NULL when new); NULL with err on failure. */
ks_strmap_ent *ks_strmap_get(ks_strmap *m, const char *key, ks_err *err);
/* The entry or NULL, never inserting. */
ks_strmap_ent *ks_strmap_find(const ks_strmap *m, const char *key);

#endif
