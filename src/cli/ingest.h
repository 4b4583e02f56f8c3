/* ingest.h — the ingest pipeline as a function, shared by `ingest` and `investigate`. */
#ifndef KS_CLI_INGEST_H
#define KS_CLI_INGEST_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "parsers/parser.h"
#include "store/store.h"

typedef struct ks_ingest_opts {
    const char *format;   /* force a parser, or NULL to sniff */
    ks_parse_opts popts;  /* --opt KEY=VALUE */
    bool quiet;
    bool follow_symlinks;
} ks_ingest_opts;

typedef struct ks_ingest_stats ks_ingest_stats;

/* Walks and ingests paths into store; prints per-file warnings/errors to stderr. */
int ks_ingest_run(ks_store *store, const char *const *paths, size_t npaths,
                  const ks_ingest_opts *o, ks_ingest_stats **out_stats, ks_err *err);
void ks_ingest_print(FILE *f, const ks_ingest_stats *s);
bool ks_ingest_had_problems(const ks_ingest_stats *s);
void ks_ingest_stats_free(ks_ingest_stats *s);
/* Splits the --opt KEY=VALUE options of a parsed command line. */
int ks_ingest_parse_popts(const ks_opts *o, const char **keys, const char **vals, size_t max,
                          size_t *out_n);

#endif
