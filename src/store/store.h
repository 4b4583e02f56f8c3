/* store.h — the narrow interface between parsers and the case store.
 *
 * Parsers see only ks_sink (below): they hand over normalized events, per-source rows and
 * error records; they never see SQL. The CLI and analysis open a ks_store (the case) and
 * run read-only queries through it. The SQLite backend (store_sqlite.c) is the only one
 * today; a server backend would implement the same operations.
 *
 * Case layout: CASE/ (a directory) holding case.db (SQLite), custody log and reports.
 * The schema (versioned, see docs/case-schema.md) is created in one place, store_sqlite.c.
 *
 * Ownership: a ks_store owns its connection and prepared statements; ks_sink objects are
 * owned by the store and valid between ks_store_member_begin and ks_store_member_end.
 * Strings passed in are copied (or bound transiently) before the call returns.
 */
#ifndef KS_STORE_H
#define KS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define KS_SCHEMA_VERSION 2

/* ---- per-source tables ---------------------------------------------------------- */
typedef enum ks_col_type {
    KS_COL_TEXT,
    KS_COL_INT,
    KS_COL_REAL,
    KS_COL_JSON, /* text holding a JSON value (objects/arrays), queryable with ->> */
    KS_COL_TIME  /* int64 ns UTC in ks_val.i; stored as ISO-8601 text with 'Z' */
} ks_col_type;

typedef struct ks_column {
    const char *name; /* lower case, SQL identifier */
    ks_col_type type;
    const char *doc;  /* one line, for docs and `kanshiki info --schema` */
} ks_column;

typedef struct ks_table_def {
    const char *name;  /* SQL identifier, e.g. "cloudtrail" */
    const char *doc;
    const ks_column *cols;
    size_t ncols;
} ks_table_def;

typedef enum ks_val_kind { KS_V_NULL = 0, KS_V_TEXT, KS_V_INT, KS_V_REAL } ks_val_kind;
typedef struct ks_val {
    ks_val_kind kind;
    int64_t i;
    double d;
    ks_str s;
} ks_val;

static inline ks_val ks_v_text(ks_str s) { ks_val v = {s.p ? KS_V_TEXT : KS_V_NULL, 0, 0, s}; return v; }
static inline ks_val ks_v_int(int64_t i) { ks_val v = {KS_V_INT, i, 0, KS_STR_NULL}; return v; }
static inline ks_val ks_v_real(double d) { ks_val v = {KS_V_REAL, 0, d, KS_STR_NULL}; return v; }
static inline ks_val ks_v_null(void) { ks_val v = {KS_V_NULL, 0, 0, KS_STR_NULL}; return v; }

/* ---- normalized events ---------------------------------------------------------- */
typedef struct ks_event {
    int64_t time;          /* ns since epoch UTC, or KS_TIME_NONE */
    const char *time_desc; /* what the time means: "event", "modified", "accessed",
                              "changed", "created", "login", "first seen", ... */
    ks_str host, actor, src_ip, action, target, outcome, account, region, message, raw;
    int64_t line;          /* provenance inside the member: 1-based line or -1 */
    int64_t offset;        /* byte offset of the record in the (decompressed) member */
} ks_event;

void ks_event_init(ks_event *ev); /* all empty, time NONE, line/offset -1 */

/* ---- the sink parsers write to ------------------------------------------------- */
typedef struct ks_sink ks_sink;

/* Adds one event; `t`/`vals` (may be NULL) add the per-source row for it, vals[i] for
 * t->cols[i]. The event's source type and file are the sink's. */
int ks_sink_event(ks_sink *s, const ks_event *ev, const ks_table_def *t, const ks_val *vals,
                  ks_err *err);
/* Adds a per-source row that has no normalized event (e.g. a digest file's entry). */
int ks_sink_row(ks_sink *s, const ks_table_def *t, const ks_val *vals, ks_err *err);
/* Keeps a record that failed to parse: an error event with the reason and the raw bytes
 * (truncated to 64 KiB with a note), so nothing is dropped silently. */
int ks_sink_error(ks_sink *s, int64_t line, int64_t offset, const char *why,
                  const char *raw, size_t rawn, ks_err *err);
/* A non-fatal warning about the member (counted, shown by ingest). */
void ks_sink_warn(ks_sink *s, int64_t line, int64_t offset, const char *why);
/* Counters so far for this member. */
int64_t ks_sink_records(const ks_sink *s);
int64_t ks_sink_errors(const ks_sink *s);
/* The display path of the member, for messages. */
const char *ks_sink_path(const ks_sink *s);

/* ---- the store ------------------------------------------------------------------ */
typedef struct ks_store ks_store;

typedef enum ks_store_mode { KS_STORE_READ, KS_STORE_WRITE, KS_STORE_CREATE } ks_store_mode;

/* Opens CASE (a directory). CREATE makes the directory and schema when missing. READ opens
 * the database read-only (queries cannot change the case). */
int ks_store_open(ks_store **out, const char *case_dir, ks_store_mode mode, ks_err *err);
/* Whether the case has a table `name` (in either file), without committing what is queued. */
bool ks_store_has_table(ks_store *st, const char *name);
/* Commits every `records` records queued (default 200,000): what a crash can lose. */
void ks_store_set_commit_every(ks_store *st, int64_t records);
/* Process-wide SQLite settings, once, before any store is opened (the CLI's main calls it):
 * no memory statistics, whose global mutex two writer threads would otherwise contend on. */
void ks_store_global_init(void);
/* A store in memory only (SQLite ":memory:"), for unit tests and fuzzers. */
int ks_store_open_memory(ks_store **out, ks_err *err);
void ks_store_close(ks_store *st);
const char *ks_store_dir(const ks_store *st);

/* Registers a per-source table (CREATE TABLE IF NOT EXISTS; adds missing columns). */
int ks_store_declare(ks_store *st, const ks_table_def *t, ks_err *err);

/* Evidence accounting. One row per member (file, or file inside an archive). */
typedef struct ks_evidence_info {
    const char *path;        /* display path */
    const char *disk_path;   /* absolute path of the on-disk file */
    const char *inner_path;  /* inside an archive, or NULL */
    const char *sha256;      /* of the on-disk file */
    int64_t size;            /* of the on-disk file */
    const char *compression;
} ks_evidence_info;

/* Finds a member already in the case by (sha256, inner_path). 0 and *out_path (caller
 * frees) when found, KS_ENOTFOUND otherwise. */
int ks_store_evidence_find(ks_store *st, const char *sha256, const char *inner_path,
                           char **out_path, ks_err *err);
/* Starts ingesting a member as `source` (parser name); returns the sink to write to. */
int ks_store_member_begin(ks_store *st, const ks_evidence_info *ev, const char *source,
                          ks_sink **out, ks_err *err);
/* Ends it: status is "parsed", "partial" (fatal read error after some records; note says
 * why) or "failed". */
int ks_store_member_end(ks_store *st, ks_sink *s, const char *status, const char *note,
                        ks_err *err);
/* Records a member that was not parsed (unrecognised format, duplicate, unreadable). */
int ks_store_evidence_skip(ks_store *st, const ks_evidence_info *ev, const char *status,
                           const char *reason, ks_err *err);

/* Called for every record kept as an error (ks_sink_error), so the CLI can tell the user
 * where it is while ingesting. `ctx` is the caller's. */
typedef void (*ks_error_hook)(void *ctx, const char *path, int64_t line, int64_t offset,
                              const char *why);
void ks_store_set_error_hook(ks_store *st, ks_error_hook fn, void *ctx);

/* Makes everything written so far durable and builds indexes. */
int ks_store_commit(ks_store *st, ks_err *err);

/* ---- reading -------------------------------------------------------------------- */
/* Row callback for queries: ncols columns, names and values as text (NULL for SQL NULL)
 * with lengths; types[i] is 'i' int, 'r' real, 't' text, 'b' blob, 'n' null.
 * It is first called once with vals == NULL (column names only, also when there are no
 * rows), then once per row. Return non-zero to stop. */
typedef int (*ks_row_fn)(void *ctx, int ncols, const char *const *names,
                         const char *const *vals, const size_t *lens, const char *types);

/* Runs SQL with optional text parameters (?1..?n). On a READ store the connection is
 * read-only, so statements that would write fail. */
int ks_store_query(ks_store *st, const char *sql, const char *const *params, size_t nparams,
                   ks_row_fn fn, void *ctx, ks_err *err);

/* A boolean SQL function for analysis (Sigma's re/cidr/lt matching), registered on this
 * store's connection, READ stores included (store_funcs.c). fn gets the arguments as text
 * (p == NULL for SQL NULL) and returns 1 (true), 0 (false) or a negative ks_status, which
 * aborts the statement. `ctx` is the caller's and must outlive the queries using it. */
typedef int (*ks_store_pred_fn)(void *ctx, int argc, const ks_str *argv);
int ks_store_register_predicate(ks_store *st, const char *name, int nargs, ks_store_pred_fn fn,
                                void *ctx, ks_err *err);

/* Case-level metadata (key/value) for report/custody use. */
int ks_store_meta_get(ks_store *st, const char *key, char **out, ks_err *err);
int ks_store_meta_set(ks_store *st, const char *key, const char *value, ks_err *err);

/* ---- findings (src/store/findings_store.c) ----------------------------------------
 * What analysis concluded, kept in the case beside the evidence so reports can be rebuilt
 * and queried: tables `findings`, `finding_entities`, `finding_events` (docs/case-schema.md).
 * The store knows nothing of the analysis layer's types; it is handed plain values. Writing
 * needs a WRITE store. ks_store_findings_begin creates the tables when missing, deletes the
 * findings of earlier runs and opens a transaction that ks_store_findings_end commits
 * (or rolls back when ok is false). */
typedef struct ks_store_finding {
    const char *analyzer, *layer, *severity, *title, *explanation;
    int severity_rank;          /* 0 info .. 4 critical */
    int64_t first_ns, last_ns;  /* KS_TIME_NONE (INT64_MIN) when unknown */
    int64_t nrecords;           /* records behind it (may exceed the references kept) */
    int64_t chain;              /* attack chain number (1-based), 0 when in none */
} ks_store_finding;

int ks_store_findings_begin(ks_store *st, ks_err *err);
int ks_store_finding_add(ks_store *st, const ks_store_finding *f, int64_t *out_id, ks_err *err);
int ks_store_finding_entity(ks_store *st, int64_t finding_id, const char *kind, const char *role,
                            const char *value, ks_err *err);
int ks_store_finding_event(ks_store *st, int64_t finding_id, int64_t event_id, ks_err *err);
int ks_store_findings_end(ks_store *st, bool ok, ks_err *err);

#endif
