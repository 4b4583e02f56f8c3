/* analyzers.h — the built-in analyzers (one file each) and the helpers they share.
 * Internal to src/analysis/. */
#ifndef KS_ANALYZERS_H
#define KS_ANALYZERS_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/analyze.h"
#include "core/json.h"

int ks_an_ec2_role_outside(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_new_source(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_unused_region(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_run_instances(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_iam_persistence(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_logging_tamper(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_exposure(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_secrets_bulk(const ks_an_input *in, ks_findings *out, ks_err *err);

/* ---- helpers (an_util.c) ---- */
/* Calls fn for every string value of member `key` anywhere inside JSON `text` (depth
 * capped); stops when fn returns non-zero. Unparsable text calls nothing. */
typedef int (*ks_an_str_fn)(void *ctx, const char *s, size_t n);
int ks_an_json_strings(ks_json_doc *doc, const char *text, const char *key, ks_an_str_fn fn,
                       void *ctx);
/* First string (or number, as written) of member `key` anywhere in text, copied into out;
 * "" when absent. */
void ks_an_json_first(ks_json_doc *doc, const char *text, const char *key, char *out,
                      size_t outsz);
/* Whether the event name starts with a read-only verb (Get, List, Describe, Head, ...). */
bool ks_an_readonly_name(const char *name);
bool ks_an_ok(const ks_ct_event *e); /* no errorCode */
/* One finding per key: returns the finding already made for key, or makes one. */
typedef struct ks_strmap ks_strmap;
int ks_an_group(ks_strmap *m, const char *key, ks_findings *out, const char *analyzer, ks_sev sev,
                ks_finding **f, ks_err *err);
/* "role name" from "arn:aws:iam::1:role/path/name" (the last component), into out. */
void ks_an_arn_tail(const char *arn, char *out, size_t outsz);
/* The first time of the evidence span and the end of the learning window (see docs). */
void ks_an_baseline_window(const ks_ct_set *ct, int64_t *out_start, int64_t *out_end);

#endif
