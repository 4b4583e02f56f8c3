/* table.h — the output writer for query/timeline/info results: an aligned table for a
 * terminal, or CSV, JSON, JSON Lines for machines.
 *
 * Every value is escaped for its destination (core/escape.h): a table cell is terminal-
 * escaped, so a log line cannot move the cursor or retitle the window; CSV cells are
 * defused against spreadsheet formulas; JSON strings are valid JSON whatever the bytes.
 *
 * Memory is bounded whatever the result size: CSV/JSON/JSONL stream row by row; the table
 * keeps up to 10,000 rows (and at most 64 MiB of cells) to compute column widths, prints
 * them, then streams the rest with the widths fixed.
 *
 * Ownership: the writer does not own `f` (never closes it); names/values are copied or
 * written before each call returns. Typical use:
 *   ks_out_new(&o, stdout, fmt, &opts); ks_out_begin(o, n, names);
 *   for each row: ks_out_row(o, vals, lens, types);   ks_out_end(o); ks_out_free(o);
 */
#ifndef KS_TABLE_H
#define KS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum ks_out_format { KS_OUT_TABLE, KS_OUT_CSV, KS_OUT_JSON, KS_OUT_JSONL } ks_out_format;

/* "table", "csv", "json", "jsonl" -> 0; anything else KS_EUSAGE. */
int ks_out_format_parse(const char *name, ks_out_format *out);

typedef struct ks_out_opts {
    bool header;      /* table and CSV: print the column names first */
    size_t max_width; /* table cell cap in display columns, 0 = 60 */
    bool wide;        /* table: no cap */
} ks_out_opts;

typedef struct ks_out ks_out;

/* opts may be NULL: header on, cap 60. */
int ks_out_new(ks_out **out, FILE *f, ks_out_format fmt, const ks_out_opts *opts);
/* Once, before the rows. names[i] are the column names (NULL is taken as ""). */
int ks_out_begin(ks_out *o, int ncols, const char *const *names);
/* vals/lens/types as store.h's ks_row_fn: vals[i] NULL for SQL NULL; types 'i' int,
 * 'r' real, 't' text, 'b' blob, 'n' null. lens may be NULL (C strings); types may be NULL
 * (all text). Blobs are written as lowercase hex; NULL is empty in a table and CSV, null
 * in JSON. Returns 0, KS_EIO when writing failed, KS_ENOMEM, or KS_EUSAGE when misused. */
int ks_out_row(ks_out *o, const char *const *vals, const size_t *lens, const char *types);
/* Adapter with the signature of store.h's ks_row_fn, ctx = the ks_out: begins with the
 * first row's names, then writes rows; returns non-zero (stop) after an error, which
 * ks_out_end reports. With no rows nothing is begun: check ks_out_begun and call
 * ks_out_begin yourself (e.g. with 0 columns) before ks_out_end. */
int ks_out_row_fn(void *ctx, int ncols, const char *const *names, const char *const *vals,
                  const size_t *lens, const char *types);
bool ks_out_begun(const ks_out *o);
/* Prints what is buffered and closes the JSON array; reports any earlier write error. */
int ks_out_end(ks_out *o);
void ks_out_free(ks_out *o);

#endif
