/* hostcfg.h — readers for the non-log traces responders look at on a Linux host:
 * shell histories, crontabs, systemd units, authorized_keys, account files (passwd, shadow,
 * group, sudoers), package logs, cloud CLI credential files, cloud-init traces and
 * cryptocurrency miner configurations.
 *
 * These files have weak content signatures, so their sniff functions take the path as a
 * strong hint: the display name of a file read out of a disk image is
 * "disk.img@2:/home/u/.bash_history", of a loose file its path; `--format` overrides.
 * Files with no time of their own give their records the file's mtime (ctx->ref_time) with
 * time_desc "file modified". Secrets (password hashes, cloud secret keys and tokens) are
 * never stored: only their kind, or their first 4 characters and length.
 */
#ifndef KS_HOSTCFG_H
#define KS_HOSTCFG_H

#include <stdbool.h>

#include "parsers/parser.h"

extern const ks_parser ks_parser_shell_history;
extern const ks_parser ks_parser_crontab;
extern const ks_parser ks_parser_ssh_authorized_key;
extern const ks_parser ks_parser_passwd;
extern const ks_parser ks_parser_shadow;
extern const ks_parser ks_parser_group;
extern const ks_parser ks_parser_sudoers;
extern const ks_parser ks_parser_cloud_credential;
extern const ks_parser ks_parser_systemd_unit;
extern const ks_parser ks_parser_package_log;
extern const ks_parser ks_parser_cloud_init;
extern const ks_parser ks_parser_miner_config;

extern const ks_table_def ks_table_shell_history;
extern const ks_table_def ks_table_crontab;
extern const ks_table_def ks_table_ssh_authorized_key;
extern const ks_table_def ks_table_passwd;
extern const ks_table_def ks_table_shadow;
extern const ks_table_def ks_table_group;
extern const ks_table_def ks_table_sudoers;
extern const ks_table_def ks_table_cloud_credential;
extern const ks_table_def ks_table_systemd_unit;
extern const ks_table_def ks_table_package_log;
extern const ks_table_def ks_table_cloud_init;
extern const ks_table_def ks_table_miner_config;

/* ---- helpers shared by the readers (hostcfg_util.c) ------------------------------ */
/* The last path component of a display name ("disk.img@2:/etc/cron.d/x" -> "x"). */
const char *ks_hc_base(const char *path);
/* The path inside the image for an image member ("disk.img@2:/etc/x" -> "/etc/x"), else
 * the path itself. */
const char *ks_hc_inner(const char *path);
/* The account a home-directory path belongs to: ".../root/..." -> "root",
 * ".../home/NAME/..." -> NAME; KS_STR_NULL when neither. */
ks_str ks_hc_home_user(const char *path);
/* Whether a head looks like text (no NUL, few control bytes), judged on its first
 * KS_HC_TEXT_PROBE bytes. */
#define KS_HC_TEXT_PROBE 4096
bool ks_hc_text(const uint8_t *head, size_t n);
/* Decimal digits only, no sign, at most 18 digits. 0 ok, -1 otherwise. */
int ks_hc_num(const char *p, size_t n, int64_t *out);
/* Trims blanks (space, tab, CR) on both sides. */
ks_str ks_hc_trim(ks_str s);
/* A secret reduced to what may be stored: its first 4 characters and its length,
 * "AKIA…(40 chars)". Writes into out (NUL-terminated, at most outsz). */
void ks_hc_mask(ks_str secret, char *out, size_t outsz);
/* Fills the provenance and the "file modified" time of an event from ctx. */
void ks_hc_event_init(ks_event *ev, const ks_parse_ctx *ctx, int64_t line, int64_t offset);
/* The loop of the configuration-file readers: every line of ctx->in (at most max_line
 * bytes; longer ones come cut, too_long set) trimmed on both sides as `l`; blank lines and
 * lines starting with one of the `comment` characters are skipped. Returns as ks_lineloop. */
typedef int (*ks_hc_line_fn)(void *arg, const ks_line *ln, ks_str l, ks_err *err);
int ks_hc_each_line(ks_parse_ctx *ctx, size_t max_line, const char *comment, ks_hc_line_fn fn,
                    void *arg, ks_err *err);

#endif
