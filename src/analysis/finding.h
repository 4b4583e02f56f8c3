/* finding.h — what the analysis layer concludes: findings with severity, entities and the
 * records behind them.
 *
 * A finding says "this looks like X" with a severity, a title and an explanation, the time
 * span of its records, the entities involved grouped by kind (with the role each plays:
 * who acted, from where, with which credential, what was created...), and references to the
 * records that support it (event id, source, file, line, offset). Entities are generic
 * (ip, principal, access_key, ...) so findings of any layer — web, host, cloud, database —
 * can be correlated by src/analysis/chain.h.
 *
 * Ownership: a ks_findings list owns its findings; a finding owns its strings, entities and
 * references. Every string is copied in. Text comes from evidence: escape it where it goes.
 */
#ifndef KS_FINDING_H
#define KS_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef enum ks_sev { KS_SEV_INFO, KS_SEV_LOW, KS_SEV_MEDIUM, KS_SEV_HIGH, KS_SEV_CRITICAL } ks_sev;

typedef enum ks_ent_kind {
    KS_ENT_IP,
    KS_ENT_PRINCIPAL,
    KS_ENT_ACCESS_KEY,
    KS_ENT_INSTANCE,
    KS_ENT_REGION,
    KS_ENT_FILE,
    KS_ENT_DB_OBJECT,
    KS_ENT_USER,
    KS_ENT_DOMAIN,
    KS_ENT_RESOURCE, /* any other named resource: a secret, a bucket, a security group, an ARN */
    KS_ENT_NKINDS
} ks_ent_kind;

/* The part an entity plays in a finding; chains derive their scope from it. */
typedef enum ks_ent_role {
    KS_ROLE_NONE,
    KS_ROLE_ACTOR,       /* who acted (a principal, a user) */
    KS_ROLE_SOURCE,      /* where from (an address, a user agent's host) */
    KS_ROLE_CREDENTIAL,  /* the credential used (access key, role session) */
    KS_ROLE_CREATED,     /* a resource the activity created */
    KS_ROLE_PERSISTENCE, /* something left behind to come back (user, key, login profile) */
    KS_ROLE_DATA,        /* data read or changed (secret, object, table) */
    KS_ROLE_TARGET,      /* what was acted on otherwise (region, instance, trail) */
    KS_ROLE_NROLES
} ks_ent_role;

typedef struct ks_entity {
    ks_ent_kind kind;
    ks_ent_role role;
    char *value;
} ks_entity;

/* A record behind a finding. Strings are owned by the finding. */
typedef struct ks_ref {
    int64_t event_id;
    int64_t time;   /* ns UTC or KS_TIME_NONE */
    char *source;   /* source type (parser name) */
    char *file;     /* display path of the evidence member */
    int64_t line;   /* 1-based or -1 */
    int64_t offset; /* byte offset or -1 */
} ks_ref;

#define KS_FINDING_MAX_REFS 200 /* references kept per finding; nrefs_total counts all */
#define KS_FINDING_MAX_ENTS 400

typedef struct ks_finding {
    char *analyzer;    /* which analyzer (or Sigma rule id) produced it */
    char *layer;       /* "web", "host", "cloud", "database" */
    ks_sev sev;
    char *title;
    char *explanation;
    int64_t first_seen, last_seen; /* ns UTC, from the references (KS_TIME_NONE when none) */
    ks_entity *ents;
    size_t nents, ents_cap;
    ks_ref *refs;
    size_t nrefs, refs_cap;
    int64_t nrefs_total;
} ks_finding;

typedef struct ks_findings {
    ks_finding **v;
    size_t n, cap;
} ks_findings;

const char *ks_sev_name(ks_sev s);             /* "info" .. "critical" */
int ks_sev_parse(const char *s, ks_sev *out);  /* 0 or KS_EUSAGE */
const char *ks_ent_kind_name(ks_ent_kind k);   /* "ip", "principal", ... */
const char *ks_ent_role_name(ks_ent_role r);   /* "", "actor", "source", ... */

void ks_findings_init(ks_findings *fs);
void ks_findings_free(ks_findings *fs);
/* Appends a new empty finding; *out points into the list (valid until the list is freed). */
int ks_findings_add(ks_findings *fs, const char *analyzer, const char *layer, ks_sev sev,
                    ks_finding **out, ks_err *err);
/* Removes (and frees) the finding at index i, keeping the order of the others. */
void ks_findings_remove(ks_findings *fs, size_t i);
/* Orders findings by first_seen (then severity, highest first). */
void ks_findings_sort(ks_findings *fs);

int ks_finding_set_text(ks_finding *f, const char *title, const char *explanation, ks_err *err);
/* Adds an entity (n bytes of v); duplicates (same kind, role and value) and empty values are
 * ignored; beyond KS_FINDING_MAX_ENTS entities are dropped silently. */
int ks_finding_entity(ks_finding *f, ks_ent_kind kind, ks_ent_role role, const char *v, size_t n,
                      ks_err *err);
/* Adds a record reference (strings copied) and widens first/last seen. The same event id
 * twice counts once. */
int ks_finding_ref(ks_finding *f, const ks_ref *r, ks_err *err);
/* First entity of kind (any role when role is KS_ROLE_NROLES), or NULL. */
const ks_entity *ks_finding_find_entity(const ks_finding *f, ks_ent_kind kind, ks_ent_role role);
bool ks_finding_has_entity(const ks_finding *f, ks_ent_kind kind, const char *value);

#endif
