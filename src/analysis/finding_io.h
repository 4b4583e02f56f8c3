/* finding_io.h — findings to and from the case (tables findings, finding_entities,
 * finding_events; see docs/case-schema.md). Saving replaces earlier findings. */
#ifndef KS_FINDING_IO_H
#define KS_FINDING_IO_H

#include "analysis/chain.h"
#include "analysis/finding.h"
#include "store/store.h"

/* chains may be NULL (no chain numbers recorded). Needs a WRITE store. */
int ks_findings_save(ks_store *st, const ks_findings *fs, const ks_chains *chains, ks_err *err);
/* Appends the case's findings to out, in time order. *out_saved tells whether the case has
 * findings saved at all (it may have been analysed with nothing found). */
int ks_findings_load(ks_store *st, ks_findings *out, bool *out_saved, ks_err *err);

#endif
