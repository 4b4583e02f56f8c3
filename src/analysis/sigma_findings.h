/* sigma_findings.h — Sigma rule matches as findings, so `investigate` correlates them with
 * the built-in analyzers' findings and reports them with the records behind them. */
#ifndef KS_SIGMA_FINDINGS_H
#define KS_SIGMA_FINDINGS_H

#include <stdint.h>

#include "analysis/finding.h"
#include "analysis/sigma/sigma.h"
#include "store/store.h"

/* Evaluates rs over the case and appends one finding per match whose events fall in
 * [from, to) (KS_TIME_NONE = open): analyzer "sigma:<rule id>", severity from the rule's
 * level, layer from its logsource, entities (principal, address, region) from the matched
 * events. *out_matches (may be NULL) receives the number of findings added. */
int ks_sigma_findings(ks_store *st, const ks_sigma_ruleset *rs, int64_t from, int64_t to,
                      ks_findings *fs, size_t *out_matches, ks_err *err);

#endif
