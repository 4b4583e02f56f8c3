/* sigma.h — the Sigma rule engine: loads rules in the SigmaHQ format (YAML) and evaluates
 * them over a case.
 *
 * Rules are compiled to SQL over the case's tables (docs/sigma.md): every value from a rule
 * is a bound parameter, strings match case-insensitively (LIKE with '\' escapes) unless
 * `cased`, and what SQL cannot express (re, cidr, lt/gt) goes through one SQL function the
 * engine registers on the store's connection (ks_store_register_predicate). Logsources and
 * fields are mapped onto kanshiki's tables in one table-driven file (sigma_map.c).
 * Correlation rules (event_count, value_count, temporal) run in C over the matches of the
 * rules they reference.
 *
 * Nothing is dropped silently: a file that cannot be loaded is kept as a load failure with
 * its reason; a rule that cannot apply to a case (no such table, unmapped field,
 * unsupported feature) is reported through the callback as KS_SIGMA_NOT_APPLICABLE.
 *
 * Ownership: a ks_sigma_ruleset owns its rules and every string reachable from them;
 * results handed to the callback are valid only during the call.
 */
#ifndef KS_SIGMA_H
#define KS_SIGMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

typedef struct ks_sigma_ruleset ks_sigma_ruleset;

/* Hostile rule files: bounded size, nesting, node counts, values. */
#define KS_SIGMA_MAX_FILE (4u << 20)   /* bytes per rule file */
#define KS_SIGMA_MAX_DEPTH 32          /* YAML nesting and condition nesting */
#define KS_SIGMA_MAX_NODES 200000      /* YAML nodes per file */
#define KS_SIGMA_MAX_RULES 100000      /* rules per rule set */
#define KS_SIGMA_MAX_CORR_EVENTS 1000000 /* matches kept for correlation, per rule */

int ks_sigma_ruleset_new(ks_sigma_ruleset **out, ks_err *err);
void ks_sigma_ruleset_free(ks_sigma_ruleset *rs);

/* Loads every document of one rule file into rs. A file that fails is also recorded as a
 * load failure in rs (see ks_sigma_ruleset_failure) and its rules are not added. */
int ks_sigma_rule_load(ks_sigma_ruleset *rs, const char *file, ks_err *err);
/* The same from memory; `name` is used in messages (fuzzers, unit tests). */
int ks_sigma_rule_load_mem(ks_sigma_ruleset *rs, const char *name, const char *text, size_t n,
                           ks_err *err);
/* Loads every *.yml / *.yaml under dir (recursively, sorted, depth-capped) into a new rule
 * set. Per-file failures are recorded, not fatal; fails only when dir cannot be read. */
int ks_sigma_ruleset_load(ks_sigma_ruleset **out, const char *dir, ks_err *err);
/* Adds the files under dir to an existing set (same rules as ks_sigma_ruleset_load). */
int ks_sigma_ruleset_add_dir(ks_sigma_ruleset *rs, const char *dir, ks_err *err);

size_t ks_sigma_ruleset_count(const ks_sigma_ruleset *rs);     /* rules loaded */
size_t ks_sigma_ruleset_files(const ks_sigma_ruleset *rs);     /* files tried */
size_t ks_sigma_ruleset_failures(const ks_sigma_ruleset *rs);  /* files that failed */
/* The i-th load failure: file and reason (valid while rs lives). */
void ks_sigma_ruleset_failure(const ks_sigma_ruleset *rs, size_t i, const char **file,
                              const char **why);

/* ---- evaluation ------------------------------------------------------------------ */
typedef struct ks_sigma_info {
    const char *id, *name, *title, *level, *status, *description;
    const char *file;            /* rule file */
    const char *product, *category, *service; /* logsource; NULL when absent */
    const char *const *tags;     /* e.g. attack.persistence, attack.t1098 */
    size_t ntags;
    bool correlation;
    const char *corr_type;       /* event_count, value_count, temporal (correlations) */
} ks_sigma_info;

typedef struct ks_sigma_event {
    int64_t id;          /* events.id */
    const char *time;    /* ISO 8601 UTC */
    int64_t time_ns;
    const char *file;    /* evidence member */
    int64_t line;        /* -1 when unknown */
    const char *message;
} ks_sigma_event;

typedef enum ks_sigma_kind {
    KS_SIGMA_MATCH,          /* events: one (plain rule) or a correlation window */
    KS_SIGMA_NOT_APPLICABLE, /* reason_class + reason say why */
    KS_SIGMA_DONE            /* a rule was evaluated; nmatches = how many matches */
} ks_sigma_kind;

typedef struct ks_sigma_result {
    ks_sigma_kind kind;
    const ks_sigma_info *rule;
    const char *reason_class; /* NOT_APPLICABLE: short, groupable ("table missing", ...) */
    const char *reason;       /* NOT_APPLICABLE: the detail */
    const ks_sigma_event *events;
    size_t nevents;
    const char *group;        /* correlation: "field=value, ..." or "" */
    int64_t nmatches;         /* DONE */
} ks_sigma_result;

/* Return non-zero to stop the evaluation (ks_sigma_eval then returns 0). */
typedef int (*ks_sigma_fn)(void *ctx, const ks_sigma_result *r);

/* Evaluates every rule of rs over the case open in st (READ mode is fine). Per rule: either
 * NOT_APPLICABLE, or MATCH results followed by DONE. Base rules referenced by a correlation
 * report their own matches only with `generate: true` (Sigma specification). */
int ks_sigma_eval(ks_store *st, const ks_sigma_ruleset *rs, ks_sigma_fn fn, void *ctx,
                  ks_err *err);

#endif
