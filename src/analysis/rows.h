/* rows.h — records of any source loaded from the case for the built-in analyzers.
 *
 * The web, database and host analyzers read per-source tables whose column names differ
 * between sources (and may still change while parsers are written). A ks_rows set is made
 * with the columns an analyzer wants, each given as alternatives ("sql|statement"): every
 * query added fills, per row, the first alternative the result has, and "" otherwise.
 * Queries on tables that are absent from the case add nothing. Every query must also
 * return the provenance columns _id, _ns, _file, _line, _off and _src (see
 * KS_ROWS_PROVENANCE), which fill the fixed fields of ks_row.
 *
 * Ownership: the set owns every string (NUL-terminated copies, never NULL); ks_rows_free
 * releases everything. The number of rows is capped (KS_ROWS_MAX) to bound memory.
 */
#ifndef KS_ROWS_H
#define KS_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/finding.h"
#include "core/err.h"
#include "store/store.h"

#define KS_ROWS_MAX 20000000u
#define KS_ROWS_MAXCOLS 24

/* The provenance columns, for "SELECT " KS_ROWS_PROVENANCE ", t.* FROM x t JOIN events e ..." */
#define KS_ROWS_PROVENANCE \
    "e.id AS _id, e.time_ns AS _ns, e.file AS _file, e.line AS _line, e.offset AS _off, e.source AS _src"

typedef struct ks_row {
    int64_t id, time, line, offset;
    const char *file, *source;
    const char **v; /* v[i]: wanted column i */
} ks_row;

typedef struct ks_rows ks_rows;

/* cols: ncols (<= KS_ROWS_MAXCOLS) specs of '|'-separated alternative names. */
int ks_rows_new(ks_rows **out, const char *const *cols, size_t ncols, ks_err *err);
void ks_rows_free(ks_rows *r);
/* Runs sql with ?1 = from, ?2 = to (ns, as text; open ends widened) and appends its rows.
 * "no such table" is not an error. */
int ks_rows_add(ks_rows *r, ks_store *st, const char *sql, int64_t from, int64_t to, ks_err *err);
/* Orders the rows by time, then event id (rows without a time first). */
void ks_rows_sort(ks_rows *r);
size_t ks_rows_count(const ks_rows *r);
const ks_row *ks_rows_at(const ks_rows *r, size_t i);
/* A reference to the row's record, for ks_finding_ref. */
ks_ref ks_row_ref(const ks_row *w);

#endif
