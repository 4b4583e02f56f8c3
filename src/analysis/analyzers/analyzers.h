/* analyzers.h — the built-in analyzers (one file each) and the helpers they share.
 * Internal to src/analysis/. */
#ifndef KS_ANALYZERS_H
#define KS_ANALYZERS_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/analyze.h"
#include "core/json.h"

/* Columns of the rows each layer's loader fills (see the loaders for their sources). */
enum { KS_AN_W_CLIENT, KS_AN_W_METHOD, KS_AN_W_PATH, KS_AN_W_QUERY, KS_AN_W_URL, KS_AN_W_STATUS,
       KS_AN_W_UA, KS_AN_W_HOST, KS_AN_W_N };
enum { KS_AN_D_USER, KS_AN_D_HOST, KS_AN_D_DB, KS_AN_D_COMMAND, KS_AN_D_SQL, KS_AN_D_CLASS,
       KS_AN_D_VERB, KS_AN_D_OBJECTS, KS_AN_D_FP, KS_AN_D_CODE, KS_AN_D_AUTHFAIL, KS_AN_D_N };
enum { KS_AN_H_SOURCE, KS_AN_H_ACTION, KS_AN_H_ACTOR, KS_AN_H_TARGET, KS_AN_H_MESSAGE,
       KS_AN_H_RAW, KS_AN_H_IP, KS_AN_H_HOST, KS_AN_H_OUTCOME, KS_AN_H_N };
/* Web rows: decoded lower-case path and query (a load balancer's URL split), the status
 * (0 when none), and a reference plus the client address for a finding. */
void ks_an_web_split(const ks_row *w, char *path, size_t psz, char *query, size_t qsz);
int ks_an_status(const ks_row *w);
int ks_an_web_ref(ks_finding *f, const ks_row *w, ks_err *err);
/* Whether normalized text starts like a shell command (id, whoami, curl, ...). */
bool ks_an_shell_command(const char *v);
/* Percent-decodes n bytes of s once, case kept, into out (NUL-terminated); its length. */
size_t ks_an_pct_decode(const char *s, size_t n, char *out, size_t outsz);
int ks_an_web_load(ks_store *st, int64_t from, int64_t to, ks_rows **out, ks_err *err);
int ks_an_db_load(ks_store *st, int64_t from, int64_t to, ks_rows **out, ks_err *err);
int ks_an_host_load(ks_store *st, int64_t from, int64_t to, ks_rows **out, ks_err *err);

int ks_an_ec2_role_outside(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_new_source(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_unused_region(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_run_instances(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_iam_persistence(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_logging_tamper(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_exposure(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_secrets_bulk(const ks_an_input *in, ks_findings *out, ks_err *err);
/* web (an_web.c, an_web_attack.c) over in->web */
int ks_an_web_upload_exec(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_webshell_cmd(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_ssrf_metadata(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_sqli(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_path_traversal(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_web_scanner(const ks_an_input *in, ks_findings *out, ks_err *err);
/* database (an_db.c) over in->db */
int ks_an_db_cli_client(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_db_unused_schema(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_db_bulk_read(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_db_enum(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_db_file_io(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_db_accounts(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_db_destruction(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_db_ransom(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_db_auth_failures(const ks_an_input *in, ks_findings *out, ks_err *err);
/* host (an_host.c) over in->host */
int ks_an_host_persistence(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_host_miner(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_host_miner_config(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_host_download_exec(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_ssh_bruteforce(const ks_an_input *in, ks_findings *out, ks_err *err);
int ks_an_host_accounts(const ks_an_input *in, ks_findings *out, ks_err *err);

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
void ks_an_rows_window(const ks_rows *r, int64_t *out_start, int64_t *out_end);
void ks_an_span_window(int64_t t0, int64_t t1, int64_t *out_start, int64_t *out_end);

/* Text of requests, statements and commands: percent-decoded twice ('+' as a space when
 * plus), NUL bytes made spaces, lower-cased, truncated to outsz - 1 (and KS_AN_TEXT_MAX).
 * Returns the length written. */
#define KS_AN_TEXT_MAX 8192
size_t ks_an_norm(const char *in, bool plus, char *out, size_t outsz);
/* Whether text contains any of the NULL-terminated needles. */
bool ks_an_has_any(const char *text, const char *const *needles);

#endif
