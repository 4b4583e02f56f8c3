/* dump_diff.h — compare two SQL dumps (mysqldump / pg_dump plain format) table by table,
 * keyed by primary key, with memory bounded independently of the dumps' size.
 *
 * How: each dump is read once, statement by statement (INSERT ... VALUES (...),(...) and
 * COPY ... FROM stdin blocks); every row becomes a record "table, key, values" appended to a
 * run buffer; full runs are sorted and spilled to temporary files; the runs of both dumps are
 * then merged in (table, key) order and compared. Tables come from CREATE TABLE statements
 * (their PRIMARY KEY gives the key columns; without one the whole row is the key).
 * Ownership: the callback's change and its strings are valid only during the call.
 */
#ifndef KS_DUMP_DIFF_H
#define KS_DUMP_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/io.h"
#include "core/err.h"

typedef struct ks_dump_diff_opts {
    int jsonl;            /* output format hint handed to the callback */
    const char *tmpdir;   /* NULL: $TMPDIR or /tmp */
    size_t memory_bytes;  /* run buffer size; 0 = 64 MiB */
    /* How a dump is opened: NULL reads the path as a plain file; the CLI passes the evidence
     * layer's opener so that compressed dumps (.sql.gz, .zst, .xz, .bz2) are read too.
     * open fills *out_in (valid until close(handle)). */
    int (*open)(void *open_ctx, const char *path, ks_input **out_in, void **out_handle,
                ks_err *err);
    void (*close)(void *handle);
    void *open_ctx;
} ks_dump_diff_opts;

typedef struct ks_dump_diff_stats {
    uint64_t rows_before, rows_after;
    uint64_t rows_added, rows_deleted, rows_changed;
    uint64_t tables_created, tables_dropped;
    uint64_t bad_statements; /* statements or rows that could not be parsed (reported) */
    uint64_t spilled_runs;
} ks_dump_diff_stats;

typedef enum ks_dump_change_kind {
    KS_DUMP_ROW_ADDED = 1,
    KS_DUMP_ROW_DELETED,
    KS_DUMP_ROW_CHANGED,
    KS_DUMP_TABLE_CREATED,
    KS_DUMP_TABLE_DROPPED,
    KS_DUMP_BAD_STATEMENT
} ks_dump_change_kind;

typedef struct ks_dump_change {
    ks_dump_change_kind kind;
    int jsonl;
    const char *table;
    const char *key;            /* "id=3" / "a=1,b=2"; whole row when no primary key */
    size_t ncols;
    const char *const *cols;    /* column names (may be "@N" when unknown) */
    const ks_str *before;       /* ncols values as SQL literals ("NULL", "'x'", "12"), or NULL */
    const ks_str *after;
    const int *pk;              /* npk column indexes of the primary key (none: whole row) */
    size_t npk;
    const char *file;           /* for BAD_STATEMENT */
    uint64_t offset;
    const char *msg;
} ks_dump_change;

typedef int (*ks_dump_change_fn)(void *ctx, const ks_dump_change *c);

int ks_dump_diff(const char *before, const char *after, const ks_dump_diff_opts *opts,
                 ks_dump_change_fn cb, void *ctx, ks_dump_diff_stats *st, ks_err *err);
/* Column names of a CREATE TABLE statement (NULL-free, in order). On success *out_table and
 * *out_cols are malloc'ed (free each column, the array and the table name); returns
 * KS_ENOTFOUND when the statement is not a CREATE TABLE with a column list. */
int ks_sql_create_table_columns(const char *sql, size_t n, int pg, char **out_table,
                                char ***out_cols, size_t *out_ncols);

/* A row (c->before or c->after) as a JSON object {column: value}, values as strings (NULL
 * as null). */
int ks_dump_change_row_json(ks_buf *out, const ks_dump_change *c, const ks_str *vals);
/* 1 when column i differs between c->before and c->after (NULL differs from '' ). */
int ks_dump_change_col_differs(const ks_dump_change *c, size_t i);

/* Text: "+ table key" / "- table key" / "~ table key: col: old -> new"; jsonl: one object. */
int ks_dump_change_format(ks_buf *out, const ks_dump_change *c, int jsonl);

#endif
