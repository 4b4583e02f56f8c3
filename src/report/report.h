/* report.h — the report: one model, three writers (HTML, JSON, Markdown).
 *
 * ks_report_build reads the case (findings saved by `investigate`, or — for a case that was
 * only ingested — the built-in analyzers run in memory), correlates them into chains and
 * answers the questions a responder is asked (affected? how, since when; the rogue
 * resources and who made them; root cause; data touched; persistence; what to do, by
 * NIST SP 800-61 phase), each with its entities and the records behind it.
 * The writers append to a ks_buf; they read raw records and the timeline from the store.
 * Every string from evidence is escaped for its destination by the writer.
 *
 * Ownership: the report owns everything in it; ks_report_free releases it.
 */
#ifndef KS_REPORT_H
#define KS_REPORT_H

#include <stdint.h>

#include "analysis/chain.h"
#include "analysis/finding.h"
#include "core/buf.h"
#include "core/time.h"
#include "store/store.h"

enum { KS_ANS_AFFECTED, KS_ANS_INITIAL_ACCESS, KS_ANS_ROGUE_RESOURCES, KS_ANS_DATA_ACCESSED,
       KS_ANS_PERSISTENCE, KS_ANS_ROOT_CAUSE, KS_ANS_ACTIONS, KS_ANS_N };

typedef struct ks_report_item {
    char *phase; /* actions: "containment", "eradication", "recovery", "post-incident"; else "" */
    char *text;
} ks_report_item;

typedef struct ks_report_answer {
    const char *key;      /* "affected", "initial_access", ... (report.json member names) */
    const char *question;
    ks_finding *ev;       /* text in ev->explanation, entities and references */
    ks_report_item *items;
    size_t nitems, cap;
} ks_report_answer;

typedef struct ks_report_source {
    char *type;
    int64_t files, records, errors;
} ks_report_source;

typedef struct ks_report_evidence {
    char *path, *sha256, *source, *status, *note;
    int64_t size, records, errors;
} ks_report_evidence;

typedef struct ks_report {
    char *case_dir;
    int64_t generated;     /* ns UTC */
    int64_t nevents, first_event, last_event;
    ks_findings findings;
    ks_chains chains;
    ks_report_answer ans[KS_ANS_N];
    ks_findings ans_store; /* owns the answers' ev containers */
    ks_report_source *sources;
    size_t nsources;
    ks_report_evidence *evidence;
    size_t nevidence;
    int64_t evidence_total; /* rows in the case (the list may be capped) */
} ks_report;

/* Builds the report model from the case. */
int ks_report_build(ks_store *st, ks_report **out, ks_err *err);
void ks_report_free(ks_report *r);

/* Writers. tz (NULL = UTC) is the zone times are shown in besides UTC. */
int ks_report_write_json(const ks_report *r, ks_store *st, ks_buf *out, ks_err *err);
int ks_report_write_md(const ks_report *r, ks_store *st, const ks_tz *tz, ks_buf *out, ks_err *err);
int ks_report_write_html(const ks_report *r, ks_store *st, const ks_tz *tz, ks_buf *out, ks_err *err);

/* The Content-Security-Policy the HTML report carries (for tests and docs). */
int ks_report_html_csp(ks_buf *out, ks_err *err);

#endif
