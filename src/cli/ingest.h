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
    bool quiet_unrecognised; /* do not warn per unrecognised file (image contents: counted) */
    bool follow_symlinks;
    const char *yara_rules;  /* --yara: rules directory/file to scan disk-image files with */
    uint64_t yara_max_size;  /* --yara-max-size: larger files are not scanned (0 = default) */
} ks_ingest_opts;

typedef struct ks_ingest_stats ks_ingest_stats;
typedef struct ks_ingest_progress ks_ingest_progress;

/* ---- internal to the pipeline (cmd_ingest.c, ingest_image.c) ------------------------ */
/* Parses one stream as one evidence member: picks the parser (--format or sniffing
 * `head`), declares its tables, parses through a read-ahead thread, accounts for it. */
int ks_ingest_stream(ks_store *store, const ks_evidence_info *info, ks_input *input,
                     const uint8_t *head, size_t head_len, int64_t ref_time,
                     const ks_ingest_opts *o, ks_ingest_progress *prog, ks_ingest_stats *stats,
                     ks_err *err);
void ks_ingest_account(ks_ingest_stats *stats, const char *source, int64_t records,
                       int64_t errors, bool skipped);
void ks_ingest_problem(ks_ingest_stats *stats);
/* Disk images: 1 when `info` is a disk image with a file system kanshiki reads (its
 * timeline and the host logs inside were ingested, problems reported), 2 when it is such an
 * image but already in the case, 0 when it is not an image, negative on a store failure. */
int ks_ingest_image(ks_store *store, const ks_evidence_info *info, const uint8_t *head,
                    size_t head_len, const ks_ingest_opts *o, ks_ingest_stats *stats,
                    ks_err *err);

/* Walks and ingests paths into store; prints per-file warnings/errors to stderr. */
int ks_ingest_run(ks_store *store, const char *const *paths, size_t npaths,
                  const ks_ingest_opts *o, ks_ingest_stats **out_stats, ks_err *err);
void ks_ingest_print(FILE *f, const ks_ingest_stats *s);
bool ks_ingest_had_problems(const ks_ingest_stats *s);
void ks_ingest_stats_free(ks_ingest_stats *s);
/* Splits the --opt KEY=VALUE options of a parsed command line. */
int ks_ingest_parse_popts(const ks_opts *o, const char **keys, const char **vals, size_t max,
                          size_t *out_n);

/* After the walk: each dump recorded by this run (evidence ids above after_evidence_id) is
 * placed among all dumps of its database in the case by time, and each neighbouring pair
 * with a new dump in it not diffed before is diffed into table db_change, each change
 * matched against the statements in the case (src/cli/ingest_dumps.c). */
int ks_ingest_dumps(ks_store *st, int64_t after_evidence_id, const ks_ingest_opts *o,
                    ks_ingest_stats *stats, ks_err *err);
/* The dump opener for ks_dump_diff_opts (open/close): reads a dump through the evidence
 * layer, read-only and decompressing gzip/zstd/bzip2/xz by their magic bytes. */
int ks_ingest_dump_open(void *ctx, const char *path, ks_input **out_in, void **out_handle,
                        ks_err *err);
void ks_ingest_dump_close(void *handle);

/* --schema FILE...: the files' SQL text (bounded by KS_INGEST_SCHEMA_MAX) read into
 * `text` and added as parser option "schema_sql" (parsers never open files themselves).
 * (src/cli/ingest_schema.c) */
#define KS_INGEST_SCHEMA_MAX ((size_t)64 << 20)
int ks_ingest_schema_opt(const ks_opts *o, ks_buf *text, const char **keys, const char **vals,
                         size_t max, size_t *n);

#endif
