/* analyze.h — the built-in analyzers and running them over a case.
 *
 * Each analyzer (src/analysis/analyzers/, documented in docs/analyzers.md) reads the case
 * and appends findings. Baselines are learned from the evidence itself; nothing is specific
 * to one incident. Sigma rules (src/analysis/sigma/, being written separately) will add their
 * findings to the same list: see the SIGMA HOOK in src/cli/cmd_investigate.c.
 */
#ifndef KS_ANALYZE_H
#define KS_ANALYZE_H

#include <stdint.h>

#include "analysis/ct_events.h"
#include "analysis/finding.h"
#include "analysis/rows.h"
#include "store/store.h"

typedef struct ks_an_input {
    ks_store *store;
    const ks_ct_set *ct; /* CloudTrail events in the range, time order */
    int64_t from, to;    /* KS_TIME_NONE = open */
    const ks_rows *web;  /* HTTP requests of every web source (columns: KS_AN_W_*), time order */
    const ks_rows *db;   /* db_log statements (KS_AN_D_*), time order */
    const ks_rows *host; /* host events from the normalized view (KS_AN_H_*), time order */
} ks_an_input;

typedef int (*ks_analyzer_fn)(const ks_an_input *in, ks_findings *out, ks_err *err);

typedef struct ks_analyzer {
    const char *name;
    const char *summary;
    ks_analyzer_fn run;
} ks_analyzer;

extern const ks_analyzer ks_analyzers[]; /* terminated by {NULL} */

/* Runs every built-in analyzer over the events with from <= time < to. */
int ks_analyze_case(ks_store *st, int64_t from, int64_t to, ks_findings *out, ks_err *err);

#endif
