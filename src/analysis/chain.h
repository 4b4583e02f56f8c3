/* chain.h — correlating findings into attack chains.
 *
 * Findings that share an entity of a linking kind (principal, access key, ip, instance,
 * user, domain, file, db object) belong to the same chain: a stolen key used from an address
 * links the credential finding to everything else that key or address did; a user created
 * by one finding and used in another links them through the user's ARN. Region and generic
 * resources do not link (too common). Entities are generic, so web -> host -> cloud ->
 * database findings chain the same way once those layers produce findings (a web shell's
 * source ip, the host's instance id, the database user).
 *
 * A chain is kept when one of its findings is medium or above. It is ordered in time and
 * carries its earliest record (the first attacker event) and its scope, collected from the
 * roles of its findings' entities: resources created, credentials used or exposed,
 * persistence left, data touched, source addresses, actors.
 *
 * Ownership: chains point into the ks_findings they were built from (findings, entity
 * values, references): free the chains first, and do not change the findings meanwhile.
 */
#ifndef KS_CHAIN_H
#define KS_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/finding.h"

typedef struct ks_entlist {
    const ks_entity **v; /* borrowed from findings; unique by (kind, value) */
    size_t n, cap;
} ks_entlist;

enum { KS_SCOPE_CREATED, KS_SCOPE_CREDENTIALS, KS_SCOPE_PERSISTENCE, KS_SCOPE_DATA,
       KS_SCOPE_SOURCES, KS_SCOPE_ACTORS, KS_SCOPE_TARGETS, KS_SCOPE_N };

typedef struct ks_chain {
    size_t *members;      /* indices into the findings, by first_seen */
    size_t n;
    ks_sev sev;
    int64_t first, last;
    const ks_ref *first_ref; /* the earliest record of the chain */
    size_t first_finding;    /* the finding it belongs to (index) */
    ks_entlist scope[KS_SCOPE_N];
    char layers[64];         /* "cloud", "web -> cloud", ... in pipeline order */
} ks_chain;

typedef struct ks_chains {
    ks_chain *v;
    size_t n;
    int *chain_of; /* per finding: its chain index, or -1 */
} ks_chains;

const char *ks_scope_name(int scope); /* "created", "credentials", ... */

int ks_chains_build(const ks_findings *fs, ks_chains *out, ks_err *err);
void ks_chains_free(ks_chains *c);

/* Adds e unless an entity of the same kind and value is there. */
int ks_entlist_add(ks_entlist *l, const ks_entity *e, ks_err *err);
void ks_entlist_free(ks_entlist *l);

#endif
