/* cli_acq.h — option helpers shared by the preservation commands (acquire, verify,
 * custody): sizes with suffixes, bounded integers, and custody appends that load the
 * examiner's signing key from --key or $KANSHIKI_KEY. */
#ifndef KS_CLI_ACQ_H
#define KS_CLI_ACQ_H

#include <stdint.h>

#include "acquire/custody.h"
#include "cli/cli.h"

/* "4096", "4K", "64M", "2G", "1T" (powers of 1024). Absent option: *out untouched, 0.
 * Prints a usage error and returns KS_EXIT_USAGE on bad input. */
int ks_cli_size_opt(const ks_opts *o, const char *name, uint64_t *out);
int ks_cli_parse_size(const char *s, uint64_t *out);
int ks_cli_int_opt(const ks_opts *o, const char *name, int64_t lo, int64_t hi, int64_t *out);
/* Absolute form of path (its directory resolved with realpath; the name kept as given,
 * so it works for a split image's stem too). Falls back to path. */
void ks_cli_abspath(const char *path, char *out, size_t outsz);
/* Appends e to CASE's custody log, signing with key_path (or $KANSHIKI_KEY) when set. */
int ks_cli_custody_append(const char *case_dir, ks_custody_entry *e, const char *key_path, ks_err *err);

#endif
