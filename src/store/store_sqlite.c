/* store_sqlite.c — the embedded case store: CASE/case.db (and CASE/sources.db) in SQLite.
 *
 * The whole schema lives here (docs/case-schema.md describes it):
 *   meta(key, value)              schema version, creation time, tool version
 *   evidence(...)                 one row per member: path, hash, source, status, counts
 *   event(...)                    the normalized events (base table)
 *   events                        VIEW over event + evidence.path AS file — the table users query
 *   <source>(id, event_id, evidence_id, line, offset, <columns of that source>)
 *
 * Two files (schema version 2): the per-source tables live in CASE/sources.db, attached to
 * every connection of the case as schema `sources`, so unqualified table names work as if
 * it were one database. Two files let two writer threads insert at once: an ingest is
 * bound by SQLite's cost per column value, and a web log line has more values in its source
 * row than in its event. A case made before (version 1) keeps its source tables in case.db
 * and is written by one thread as before.
 *
 * A source row that belongs to an event has the event's id as its own id (and in event_id),
 * so joining the two is a rowid lookup and no index on event_id is needed. Ids come from one
 * counter for events and for source rows without an event, given as records are queued.
 *
 * Commits across the two files: the rows file commits first, then case.db records in meta
 * `sources_next_id` the id below which every row is committed in both. A crash between the
 * two commits leaves rows at or above that id in sources.db; the next write-open removes
 * them (with the rows of members still marked as being ingested, as for one file).
 *
 * Writes are batched into large transactions (ingest is a bulk load; a crash loses at most the
 * current batch, and evidence is re-ingestable because it is never modified). Read-only
 * opens use SQLITE_OPEN_READONLY plus query_only plus an authorizer that refuses ATTACH and
 * setting pragmas, so `kanshiki query` cannot change the case or write files elsewhere.
 */
#include "store/store.h"
#include "store/store_int.h"

#include <errno.h>
#include <pthread.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/time.h"
#include "store/store_writer.h"

#define MAX_TABLES 128
#define BATCH_EVENTS 1000000
#define ERROR_RAW_MAX (64 * 1024)
#define KS_STORE_MAX_TIME_COLS 8 /* time columns of one row formatted without a copy */

/* Rows are inserted KS_STORE_MULTI at a time by one multi-row INSERT where a batch allows:
 * SQLite's fixed cost per statement (cursor open, rowid seek, halt) is then paid once per
 * group instead of once per row. */
#define KS_STORE_MULTI 16
#define KS_STORE_MAX_PARAMS 32000 /* below SQLite's default SQLITE_MAX_VARIABLE_NUMBER */

/* Formatted times by second: records come in time order, so most of a lane's times share
 * their second with a recent one and only the nine fraction digits change. */
#define TCACHE_WAYS 8
typedef struct tcache {
    int64_t sec[TCACHE_WAYS];
    char s[TCACHE_WAYS][40];
    uint8_t n[TCACHE_WAYS]; /* 0: empty */
} tcache;

typedef struct table_slot {
    const ks_table_def *def;
    int64_t last_id; /* of the last row the writer inserted in this run, or 0 */
    sqlite3_stmt *ins;   /* one row */
    sqlite3_stmt *ins_k; /* `multi` rows, or NULL */
    uint64_t *ins_nul, *ins_k_nul; /* parameters bound NULL now (see binder) */
    int multi;
} table_slot;

struct ks_sink {
    ks_store *st;
    int64_t evidence_id;
    char *source;
    char *path;
    char *sha256, *inner_path; /* for the duplicate index when the member ends */
    int64_t records, errors, warnings;
    int64_t first_ns, last_ns;
    char first_warn[256];
};

struct ks_store {
    sqlite3 *db;
    sqlite3 *rdb; /* two-file cases, writing: the source tables' connection (sources.db) */
    bool split;   /* source tables in sources.db */
    char *sources_path;
    bool attached; /* sources.db attached to the main connection */
    char *dir;
    ks_store_mode mode;
    bool in_txn, r_in_txn;
    sqlite3_stmt *ins_event;   /* one event, with its id */
    sqlite3_stmt *ins_event_k; /* KS_STORE_MULTI events */
    uint64_t *ins_event_nul, *ins_event_k_nul;
    table_slot tables[MAX_TABLES];
    size_t ntables;
    ks_sink sink; /* one member at a time */
    bool sink_busy;
    ks_error_hook hook;
    void *hook_ctx;
    ks_writer *writer; /* started by the first evidence row; owns the connections while busy */
    /* Writer-thread state: the member the queued records belong to (events lane), the same
     * for the rows lane of a two-file case, and the largest id applied (events lane). */
    char *w_source;
    int64_t w_evidence_id, r_evidence_id;
    int64_t w_max_id, marked_id;
    tcache tc_events, tc_rows; /* the events lane's and the rows lane's */
    int64_t ev_last_id;        /* of the last event the writer inserted in this run, or 0 */
    /* Producer state. */
    int64_t next_evidence_id; /* 0 until read from the case */
    int64_t next_id;          /* next event/source-row id; 0 until read from the case */
    int64_t since_commit;     /* records queued since the last batch marked for commit */
    int64_t commit_every;     /* 0: BATCH_EVENTS */
    struct ev_seen *seen;     /* open-addressing set, see ks_store_evidence_find */
    size_t seen_cap, seen_n;
    bool seen_loaded;
};

/* Waits until the writer thread has applied every record handed to it, so the caller may
 * use the connection. Every entry point except the sink's record calls does this first. */
static int sync_writer(ks_store *st, ks_err *err)
{
    return st->writer ? ks_writer_sync(st->writer, err) : 0;
}

static int commit_all(ks_store *st, ks_err *err);

/* Before a read through the main connection: everything queued is applied and, in a
 * two-file case, committed (the main connection sees the rows file's committed state only),
 * and no write transaction of case.db is left open across the read, so that its shared lock
 * on sources.db ends with the statement. */
static int attach_sources(ks_store *st, ks_err *err);
static int exec(ks_store *st, const char *sql, ks_err *err);

static int settle(ks_store *st, ks_err *err)
{
    int rc = sync_writer(st, err);
    if (!rc && st->split && st->rdb && !(rc = commit_all(st, err)))
        rc = attach_sources(st, err);
    return rc;
}

/* While the writer threads work, sources.db is not attached to the main connection: its
 * schema would be read again there after every table the rows connection creates, waiting
 * on the rows connection's lock. Attached again by the next read (settle). */
static int detach_sources(ks_store *st, ks_err *err)
{
    if (!st->attached || !st->rdb)
        return 0;
    int rc = sync_writer(st, err);
    if (!rc && !(rc = commit_all(st, err)))
        rc = exec(st, "DETACH DATABASE sources;", err);
    if (!rc)
        st->attached = false;
    return rc;
}

static const char *SCHEMA_SQL =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);\n"
    "CREATE TABLE IF NOT EXISTS evidence(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  path TEXT NOT NULL,\n"
    "  disk_path TEXT,\n"
    "  inner_path TEXT NOT NULL DEFAULT '',\n"
    "  sha256 TEXT,\n"
    "  size INTEGER,\n"
    "  compression TEXT,\n"
    "  source TEXT,\n"
    "  status TEXT NOT NULL,\n"
    "  note TEXT,\n"
    "  records INTEGER NOT NULL DEFAULT 0,\n"
    "  errors INTEGER NOT NULL DEFAULT 0,\n"
    "  warnings INTEGER NOT NULL DEFAULT 0,\n"
    "  first_time TEXT,\n"
    "  last_time TEXT,\n"
    "  ingested_at TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS evidence_sha ON evidence(sha256, inner_path);\n"
    "CREATE TABLE IF NOT EXISTS event(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  time TEXT,\n"
    "  time_ns INTEGER,\n"
    "  time_desc TEXT,\n"
    "  source TEXT NOT NULL,\n"
    "  evidence_id INTEGER NOT NULL,\n"
    "  line INTEGER,\n"
    "  offset INTEGER,\n"
    "  host TEXT, actor TEXT, src_ip TEXT, action TEXT, target TEXT, outcome TEXT,\n"
    "  account TEXT, region TEXT, message TEXT, raw TEXT,\n"
    "  error TEXT);\n"
    /* Built with the table and kept up as events are inserted: building it at the end of
     * an ingest was a serial 0.3 s per 600,000 events with one CPU idle, and the writer
     * thread of events has room beside the one of source rows. */
    "CREATE INDEX IF NOT EXISTS event_time ON event(time_ns);\n"
    "CREATE VIEW IF NOT EXISTS events AS SELECT\n"
    "  e.id, e.time, e.time_desc, e.source, v.path AS file, e.line, e.offset,\n"
    "  e.host, e.actor, e.src_ip, e.action, e.target, e.outcome, e.account, e.region,\n"
    "  e.message, e.raw, e.error, e.time_ns, e.evidence_id\n"
    "  FROM event e JOIN evidence v ON v.id = e.evidence_id;\n";

/* For store_funcs.c (store_int.h): the connection behind a store. */
sqlite3 *ks_store_sqlite_db(ks_store *st)
{
    settle(st, NULL);
    return st->db;
}

static int db_err(ks_err *err, sqlite3 *db, const char *what)
{
    return KS_ERR(err, KS_EDB, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

static void bind_str(sqlite3_stmt *q, int i, ks_str s)
{
    if (s.p)
        sqlite3_bind_text64(q, i, s.p, s.n, SQLITE_STATIC, SQLITE_UTF8);
    else
        sqlite3_bind_null(q, i);
}

/* Insert statements keep, per parameter, whether it is bound NULL now: a NULL bound again
 * is skipped (bindings survive sqlite3_reset, and every other value is bound each time).
 * Binding costs SQLite about 60 instructions even for a NULL, and a web line has a dozen. */
static uint64_t *null_bits(sqlite3_stmt *q)
{
    int n = q ? sqlite3_bind_parameter_count(q) : 0;
    size_t words = (size_t)(n + 64) / 64;
    uint64_t *bits = malloc(words * sizeof *bits);
    if (bits)
        memset(bits, 0xff, words * sizeof *bits); /* unbound parameters are NULL */
    return bits;
}

typedef struct binder {
    sqlite3_stmt *q;
    uint64_t *nul;
} binder;

static inline void bn_null(binder *bd, int i)
{
    uint64_t bit = (uint64_t)1 << (i & 63);
    if (bd->nul[i >> 6] & bit)
        return;
    bd->nul[i >> 6] |= bit;
    sqlite3_bind_null(bd->q, i);
}

static inline void bn_set(binder *bd, int i)
{
    bd->nul[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

static inline void bn_text(binder *bd, int i, const char *p, size_t n)
{
    bn_set(bd, i);
    sqlite3_bind_text64(bd->q, i, p, n, SQLITE_STATIC, SQLITE_UTF8);
}

static inline void bn_int(binder *bd, int i, int64_t v)
{
    bn_set(bd, i);
    sqlite3_bind_int64(bd->q, i, v);
}

static inline void bn_str(binder *bd, int i, ks_str s)
{
    if (s.p)
        bn_text(bd, i, s.p, s.n);
    else
        bn_null(bd, i);
}

static inline void bn_pos(binder *bd, int i, int64_t v)
{
    if (v >= 0)
        bn_int(bd, i, v);
    else
        bn_null(bd, i);
}

static ks_str wstr(const ks_wbatch *b, ks_wstr w)
{
    return (ks_str){ks_wbatch_ptr(b, w), w.n};
}

static int exec_db(sqlite3 *db, const char *sql, ks_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = KS_ERR(err, KS_EDB, "case store: %s", msg ? msg : "error");
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

static int exec(ks_store *st, const char *sql, ks_err *err)
{
    return exec_db(st->db, sql, err);
}

/* The connection that writes source tables. */
static sqlite3 *tdb(ks_store *st)
{
    return st->rdb ? st->rdb : st->db;
}

static void now_iso(char out[40])
{
    ks_time_format(ks_time_now(), NULL, 0, out, 40);
}

/* Read-only connections: refuse anything that could write or reach other files. */
static int ro_authorizer(void *ud, int action, const char *a, const char *b, const char *c,
                         const char *d)
{
    switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        return SQLITE_DENY;
    case SQLITE_PRAGMA:
        /* Reading pragmas with an argument (table_info(x)) is fine; setting is not. */
        if (b && a && strcmp(a, "table_info") && strcmp(a, "table_xinfo") &&
            strcmp(a, "index_list") && strcmp(a, "index_info") && strcmp(a, "index_xinfo") &&
            strcmp(a, "foreign_key_list"))
            return SQLITE_DENY;
        return SQLITE_OK;
    default:
        return SQLITE_OK;
    }
}

static int cleanup_interrupted(ks_store *st, ks_err *err);
static bool valid_ident(const char *s);
static int apply_batch(void *ctx, const ks_wbatch *b, ks_err *err);
static int apply_events(void *ctx, const ks_wbatch *b, ks_err *err);
static int apply_rows(void *ctx, const ks_wbatch *b, ks_err *err);
static void seen_free(ks_store *st);

static int create_schema(ks_store *st, ks_err *err)
{
    int rc;
    if ((rc = exec(st, "BEGIN;", err)))
        return rc;
    if ((rc = exec(st, SCHEMA_SQL, err))) {
        exec(st, "ROLLBACK;", NULL);
        return rc;
    }
    char ts[40], sql[512];
    now_iso(ts);
    /* A one-file case keeps version 1, which older versions of kanshiki can still read. */
    int version = st->split ? KS_SCHEMA_VERSION : 1;
    snprintf(sql, sizeof sql,
             "INSERT OR IGNORE INTO meta VALUES('schema_version','%d');"
             "INSERT OR IGNORE INTO meta VALUES('created_at','%s');"
             "INSERT OR IGNORE INTO meta VALUES('created_by','kanshiki " KS_VERSION "');",
             version, ts);
    if ((rc = exec(st, sql, err)))
        goto fail;
    if (st->split) {
        snprintf(sql, sizeof sql,
                 "UPDATE meta SET value='%d' WHERE key='schema_version';"
                 "PRAGMA user_version=%d;",
                 version, version);
        rc = exec(st, sql, err);
    } else {
        rc = exec(st, "PRAGMA user_version=1;", err);
    }
    if (rc)
        goto fail;
    return exec(st, "COMMIT;", err);
fail:
    exec(st, "ROLLBACK;", NULL);
    return rc;
}

/* The source tables of a connection's main database (those with an event_id column). */
static int source_tables(sqlite3 *db, ks_buf *names, size_t *n, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT m.name FROM main.sqlite_master m WHERE m.type='table' AND EXISTS "
                           "(SELECT 1 FROM pragma_table_info(m.name, 'main') WHERE name='event_id')",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(err, db, "listing source tables");
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        if (t && valid_ident(t) && !ks_buf_append(names, t, strlen(t) + 1))
            (*n)++;
    }
    sqlite3_finalize(q);
    return 0;
}

/* Appends to `sql` the deletes that take out of `db`'s source tables the rows of the members
 * `ids` (a comma-separated list of evidence ids, or NULL) and, with a watermark (> 0), the
 * rows at or above it. */
static int cleanup_sql(sqlite3 *db, const char *ids, int64_t watermark, ks_buf *sql, ks_err *err)
{
    ks_buf names;
    size_t n = 0;
    ks_buf_init(&names, 1 << 20);
    int rc = source_tables(db, &names, &n, err);
    const char *t = names.data;
    for (size_t i = 0; !rc && i < n; i++, t += strlen(t) + 1) {
        if (ids)
            ks_buf_printf(sql, "DELETE FROM main.%s WHERE evidence_id IN (%s);", t, ids);
        if (watermark > 0)
            ks_buf_printf(sql, "DELETE FROM main.%s WHERE id >= %lld;", t, (long long)watermark);
    }
    ks_buf_free(&names);
    return rc;
}

static int64_t query_int(sqlite3 *db, const char *sql, int64_t dflt)
{
    sqlite3_stmt *q = NULL;
    int64_t v = dflt;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW &&
        sqlite3_column_type(q, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* Rows of a member whose ingest was interrupted (crash, kill) would be partial: remove them
 * from `event` and every per-source table, so the member is ingested again from scratch.
 * In a two-file case, also the rows that sources.db committed and case.db did not. */
static int cleanup_interrupted(ks_store *st, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    char *ids = NULL;
    int rc = 0;
    /* Evidence ids are integers: the list is safe to splice into SQL. */
    if (sqlite3_prepare_v2(st->db,
                           "SELECT group_concat(id) FROM evidence WHERE status='ingesting'", -1,
                           &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
        const char *v = (const char *)sqlite3_column_text(q, 0);
        if (v && !(ids = strdup(v)))
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    sqlite3_finalize(q);
    ks_buf sql;
    ks_buf_init(&sql, 1 << 22);
    if (!rc && st->rdb) {
        int64_t mark = query_int(st->db,
                                 "SELECT CAST(value AS INTEGER) FROM meta "
                                 "WHERE key='sources_next_id'",
                                 1);
        ks_buf_puts(&sql, "BEGIN;");
        if (!(rc = cleanup_sql(st->rdb, ids, mark, &sql, err)) && ks_buf_puts(&sql, "COMMIT;"))
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        if (!rc)
            rc = exec_db(st->rdb, sql.data, err);
    }
    if (!rc && ids) {
        ks_buf_reset(&sql);
        ks_buf_printf(&sql, "BEGIN; DELETE FROM event WHERE evidence_id IN (%s);", ids);
        rc = cleanup_sql(st->db, ids, 0, &sql, err);
        if (!rc && ks_buf_puts(&sql, "UPDATE evidence SET status='interrupted', "
                                     "note='ingest was interrupted; its rows were removed' "
                                     "WHERE status='ingesting'; COMMIT;"))
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        if (!rc)
            rc = exec(st, sql.data, err);
    }
    ks_buf_free(&sql);
    free(ids);
    return rc;
}

int ks_store_open_memory(ks_store **out, ks_err *err)
{
    ks_store *st = calloc(1, sizeof *st);
    if (!st || !(st->dir = strdup(":memory:"))) {
        free(st);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    st->mode = KS_STORE_WRITE;
    int rc = 0;
    if (sqlite3_open_v2(":memory:", &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK)
        rc = db_err(err, st->db, "opening an in-memory store");
    else if (!(rc = create_schema(st, err)))
        rc = cleanup_interrupted(st, err);
    if (rc) {
        ks_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

static const char *WRITE_PRAGMAS =
    "PRAGMA page_size=65536; PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL;"
    "PRAGMA cache_size=-8192; PRAGMA temp_store=FILE;";

/* Attaches CASE/sources.db to the main connection as schema `sources`. */
static int attach_sources(ks_store *st, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = 0;
    if (st->attached)
        return 0;
    if (sqlite3_prepare_v2(st->db, "ATTACH DATABASE ?1 AS sources", -1, &q, NULL) != SQLITE_OK)
        return db_err(err, st->db, "attaching sources.db");
    sqlite3_bind_text(q, 1, st->sources_path, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = KS_ERR_AT(err, KS_EDB, st->sources_path, -1, -1, "cannot open case database: %s",
                       sqlite3_errmsg(st->db));
    sqlite3_finalize(q);
    st->attached = !rc;
    return rc;
}

static int open_sources_writer(ks_store *st, const char *path, ks_err *err)
{
    if (sqlite3_open_v2(path, &st->rdb,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return KS_ERR_AT(err, KS_EDB, path, -1, -1, "cannot open case database: %s",
                         st->rdb ? sqlite3_errmsg(st->rdb) : "?");
    sqlite3_busy_timeout(st->rdb, 10000);
    return exec_db(st->rdb, WRITE_PRAGMAS, err);
}

int ks_store_open(ks_store **out, const char *case_dir, ks_store_mode mode, ks_err *err)
{
    int rc = 0;
    ks_store *st = NULL;
    char *dbpath = NULL;
    struct stat sb;

    if (stat(case_dir, &sb) != 0) {
        if (mode != KS_STORE_CREATE)
            return KS_ERR_AT(err, KS_ENOTFOUND, case_dir, -1, -1,
                             "no such case (create one with 'kanshiki ingest')");
        if (mkdir(case_dir, 0750) != 0)
            return KS_ERR_AT(err, KS_EIO, case_dir, -1, -1, "cannot create case directory: %s",
                             strerror(errno));
    } else if (!S_ISDIR(sb.st_mode)) {
        return KS_ERR_AT(err, KS_EUSAGE, case_dir, -1, -1, "a case is a directory; this is not one");
    }
    size_t n = strlen(case_dir) + sizeof "/sources.db";
    dbpath = malloc(n);
    st = calloc(1, sizeof *st);
    if (!dbpath || !st) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    snprintf(dbpath, n, "%s/case.db", case_dir);
    st->dir = strdup(case_dir);
    st->mode = mode;
    if (!st->dir) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (mode == KS_STORE_READ && stat(dbpath, &sb) != 0) {
        rc = KS_ERR_AT(err, KS_ENOTFOUND, case_dir, -1, -1, "not a kanshiki case (no case.db)");
        goto done;
    }
    int flags = mode == KS_STORE_READ ? SQLITE_OPEN_READONLY
                                      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(dbpath, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = KS_ERR_AT(err, KS_EDB, dbpath, -1, -1, "cannot open case database: %s",
                       st->db ? sqlite3_errmsg(st->db) : "?");
        goto done;
    }
    sqlite3_busy_timeout(st->db, 10000);
    /* Refuse cases written by a newer, incompatible schema (before anything is written). */
    int64_t version = query_int(st->db, "PRAGMA user_version", 0);
    if (version > KS_SCHEMA_VERSION) {
        rc = KS_ERR_AT(err, KS_EUNSUPPORTED, case_dir, -1, -1,
                       "case schema version %lld is newer than this kanshiki (%d)",
                       (long long)version, KS_SCHEMA_VERSION);
        goto done;
    }
    snprintf(dbpath, n, "%s/sources.db", case_dir);
    bool have_sources = stat(dbpath, &sb) == 0;
    bool fresh = query_int(st->db, "SELECT count(*) FROM sqlite_master WHERE name='event'", 0) == 0;
    if (version >= 2 && !have_sources) {
        rc = KS_ERR_AT(err, KS_EDB, case_dir, -1, -1,
                       "the case's source tables (sources.db) are missing");
        goto done;
    }
    st->split = have_sources || (mode != KS_STORE_READ && fresh);
    if (st->split && !(st->sources_path = strdup(dbpath))) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (mode == KS_STORE_READ) {
        if ((st->split && (rc = attach_sources(st, err))) ||
            (rc = exec(st, "PRAGMA query_only=1;", err)))
            goto done;
        sqlite3_set_authorizer(st->db, ro_authorizer, NULL);
    } else {
        if ((rc = exec(st, WRITE_PRAGMAS, err)) ||
            (st->split && (rc = open_sources_writer(st, dbpath, err))) ||
            (rc = create_schema(st, err)) ||
            (rc = cleanup_interrupted(st, err)))
            goto done;
    }
    *out = st;
    st = NULL;
done:
    free(dbpath);
    if (st)
        ks_store_close(st);
    return rc;
}

bool ks_store_has_table(ks_store *st, const char *name)
{
    if (sync_writer(st, NULL))
        return false;
    /* Each connection sees its own file's uncommitted tables: no commit for this. */
    sqlite3 *dbs[2] = {st->db, st->rdb};
    bool found = false;
    for (int i = 0; i < 2 && !found; i++) {
        sqlite3_stmt *q = NULL;
        if (!dbs[i] || sqlite3_prepare_v2(dbs[i],
                                          "SELECT 1 FROM main.sqlite_master WHERE type = 'table' "
                                          "AND name = ?1",
                                          -1, &q, NULL) != SQLITE_OK)
            continue;
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
    }
    if (!found && st->attached) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM sources.sqlite_master WHERE name = ?1", -1,
                               &q, NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
            found = sqlite3_step(q) == SQLITE_ROW;
        }
        sqlite3_finalize(q);
    }
    return found;
}

void ks_store_set_commit_every(ks_store *st, int64_t records)
{
    st->commit_every = records;
}

void ks_store_global_init(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

const char *ks_store_dir(const ks_store *st)
{
    return st->dir;
}

static void finalize_stmts(ks_store *st)
{
    sqlite3_finalize(st->ins_event);
    sqlite3_finalize(st->ins_event_k);
    st->ins_event = st->ins_event_k = NULL;
    free(st->ins_event_nul);
    free(st->ins_event_k_nul);
    st->ins_event_nul = st->ins_event_k_nul = NULL;
    for (size_t i = 0; i < st->ntables; i++) {
        sqlite3_finalize(st->tables[i].ins);
        sqlite3_finalize(st->tables[i].ins_k);
        st->tables[i].ins = st->tables[i].ins_k = NULL;
        free(st->tables[i].ins_nul);
        free(st->tables[i].ins_k_nul);
        st->tables[i].ins_nul = st->tables[i].ins_k_nul = NULL;
    }
}

void ks_store_close(ks_store *st)
{
    if (!st)
        return;
    ks_writer_stop(st->writer, NULL);
    st->writer = NULL;
    if (st->db)
        commit_all(st, NULL);
    finalize_stmts(st);
    if (st->rdb)
        sqlite3_close(st->rdb);
    if (st->db)
        sqlite3_close(st->db);
    free(st->sink.source);
    free(st->sink.path);
    free(st->sink.sha256);
    free(st->sink.inner_path);
    free(st->w_source);
    free(st->sources_path);
    seen_free(st);
    free(st->dir);
    free(st);
}

static int begin(ks_store *st, ks_err *err)
{
    if (st->in_txn)
        return 0;
    int rc = exec(st, "BEGIN;", err);
    if (!rc)
        st->in_txn = true;
    return rc;
}

static int commit(ks_store *st, ks_err *err)
{
    if (!st->in_txn)
        return 0;
    st->in_txn = false;
    return exec(st, "COMMIT;", err);
}

/* The connection that writes source tables, in a transaction. */
static int tbegin(ks_store *st, ks_err *err)
{
    if (!st->rdb)
        return begin(st, err);
    if (st->r_in_txn)
        return 0;
    int rc = exec_db(st->rdb, "BEGIN;", err);
    if (!rc)
        st->r_in_txn = true;
    return rc;
}

static int rcommit(ks_store *st, ks_err *err)
{
    if (!st->rdb || !st->r_in_txn)
        return 0;
    st->r_in_txn = false;
    return exec_db(st->rdb, "COMMIT;", err);
}

/* Records in case.db the id below which every source row is committed in sources.db (call
 * after sources.db committed, inside case.db's transaction). Only when rows were applied: a
 * run that wrote none leaves the mark of the run that did. */
static int mark_sources(ks_store *st, ks_err *err)
{
    if (!st->rdb || st->w_max_id <= st->marked_id)
        return 0;
    char sql[128];
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO meta(key, value) VALUES('sources_next_id', '%lld');",
             (long long)(st->w_max_id + 1));
    int rc = exec(st, sql, err);
    if (!rc)
        st->marked_id = st->w_max_id;
    return rc;
}

/* Commits both files, sources.db first (see the top of this file). The writer must be idle. */
static int commit_all(ks_store *st, ks_err *err)
{
    int rc = rcommit(st, err);
    if (!rc && st->rdb && st->w_max_id > st->marked_id && !(rc = begin(st, err)))
        rc = mark_sources(st, err);
    if (!rc)
        rc = commit(st, err);
    return rc;
}

/* ---- per-source tables -------------------------------------------------------------- */
static bool valid_ident(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return !(s[0] >= '0' && s[0] <= '9');
}

static const char *sql_type(ks_col_type t)
{
    switch (t) {
    case KS_COL_INT: return "INTEGER";
    case KS_COL_REAL: return "REAL";
    default: return "TEXT";
    }
}

static table_slot *find_table(ks_store *st, const ks_table_def *t)
{
    for (size_t i = 0; i < st->ntables; i++)
        if (st->tables[i].def == t || !strcmp(st->tables[i].def->name, t->name))
            return &st->tables[i];
    return NULL;
}

int ks_store_declare(ks_store *st, const ks_table_def *t, ks_err *err)
{
    int rc = 0;
    ks_buf sql;
    sqlite3_stmt *q = NULL;
    ks_buf_init(&sql, 1 << 20);

    if (st->mode == KS_STORE_READ)
        return KS_ERR(err, KS_EUSAGE, "case opened read-only");
    if (find_table(st, t))
        return 0;
    if ((rc = sync_writer(st, err)))
        return rc;
    if (st->ntables >= MAX_TABLES)
        return KS_ERR(err, KS_ELIMIT, "too many source tables");
    if (!valid_ident(t->name))
        return KS_ERR(err, KS_EUSAGE, "invalid table name '%s'", t->name);
    for (size_t i = 0; i < t->ncols; i++)
        if (!valid_ident(t->cols[i].name))
            return KS_ERR(err, KS_EUSAGE, "invalid column name in %s", t->name);

    sqlite3 *db = tdb(st);
    if ((rc = tbegin(st, err)))
        goto done;
    ks_buf_printf(&sql,
                  "CREATE TABLE IF NOT EXISTS %s(id INTEGER PRIMARY KEY, event_id INTEGER, "
                  "evidence_id INTEGER, line INTEGER, offset INTEGER",
                  t->name);
    for (size_t i = 0; i < t->ncols; i++)
        ks_buf_printf(&sql, ", %s %s", t->cols[i].name, sql_type(t->cols[i].type));
    if ((rc = ks_buf_puts(&sql, ");"))) {
        rc = KS_ERR(err, rc, "schema too large");
        goto done;
    }
    if ((rc = exec_db(db, sql.data, err)))
        goto done;

    /* Schema evolution: a case made by an older version may lack newer columns. */
    ks_buf_reset(&sql);
    ks_buf_printf(&sql, "SELECT name FROM pragma_table_info('%s', 'main')", t->name);
    if (sqlite3_prepare_v2(db, sql.data, -1, &q, NULL) != SQLITE_OK) {
        rc = db_err(err, db, "reading table info");
        goto done;
    }
    bool have[512] = {0};
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(q, 0);
        for (size_t i = 0; i < t->ncols && i < 512; i++)
            if (name && !strcmp(name, t->cols[i].name))
                have[i] = true;
    }
    sqlite3_finalize(q);
    q = NULL;
    for (size_t i = 0; i < t->ncols && i < 512; i++) {
        if (have[i])
            continue;
        ks_buf_reset(&sql);
        ks_buf_printf(&sql, "ALTER TABLE %s ADD COLUMN %s %s;", t->name, t->cols[i].name,
                      sql_type(t->cols[i].type));
        if ((rc = exec_db(db, sql.data, err)))
            goto done;
    }

    table_slot *slot = &st->tables[st->ntables];
    size_t nparams = t->ncols + 5;
    slot->multi = (int)(KS_STORE_MAX_PARAMS / nparams);
    if (slot->multi > KS_STORE_MULTI)
        slot->multi = KS_STORE_MULTI;
    for (int k = 0; k < 2; k++) {
        int rows = k == 0 ? 1 : slot->multi;
        if (k == 1 && rows < 2)
            break;
        ks_buf_reset(&sql);
        ks_buf_printf(&sql, "INSERT OR IGNORE INTO %s(id, event_id, evidence_id, line, offset", t->name);
        for (size_t i = 0; i < t->ncols; i++)
            ks_buf_printf(&sql, ", %s", t->cols[i].name);
        ks_buf_puts(&sql, ") VALUES");
        for (int r = 0; r < rows; r++) {
            ks_buf_puts(&sql, r ? ",(?,?,?,?,?" : "(?,?,?,?,?");
            for (size_t i = 0; i < t->ncols; i++)
                ks_buf_puts(&sql, ",?");
            ks_buf_puts(&sql, ")");
        }
        if ((rc = ks_buf_puts(&sql, ""))) {
            rc = KS_ERR(err, rc, "schema too large");
            goto done;
        }
        sqlite3_stmt **ins = k == 0 ? &slot->ins : &slot->ins_k;
        if (sqlite3_prepare_v3(db, sql.data, -1, SQLITE_PREPARE_PERSISTENT, ins, NULL) !=
            SQLITE_OK) {
            rc = db_err(err, db, "preparing insert");
            sqlite3_finalize(slot->ins);
            slot->ins = NULL;
            goto done;
        }
        uint64_t **nul = k == 0 ? &slot->ins_nul : &slot->ins_k_nul;
        if (!(*nul = null_bits(*ins))) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            sqlite3_finalize(slot->ins);
            sqlite3_finalize(slot->ins_k);
            slot->ins = slot->ins_k = NULL;
            free(slot->ins_nul);
            slot->ins_nul = NULL;
            goto done;
        }
    }
    if (!slot->ins_k)
        slot->multi = 1;
    slot->def = t;
    st->ntables++;
    st->next_id = 0; /* ids go on after this table's largest too (a case made earlier) */
done:
    sqlite3_finalize(q);
    ks_buf_free(&sql);
    return rc;
}

/* ---- evidence ----------------------------------------------------------------------- */
/* Which evidence is already in the case (parsed, partial or unrecognised), by hash and
 * inner path: loaded from the case once, then kept up to date as members end, so that the
 * duplicate check before each file does not wait for the writer thread. */
typedef struct ev_seen {
    char *key; /* sha256 '\0' inner_path '\0' path */
    size_t keylen;
} ev_seen;

static uint64_t seen_hash(const char *k, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)k[i]) * 1099511628211ull;
    return h;
}

static size_t seen_keylen(const char *sha, const char *inner)
{
    return strlen(sha) + 1 + strlen(inner);
}

static ev_seen *seen_slot(ks_store *st, const char *sha, const char *inner)
{
    size_t kl = seen_keylen(sha, inner);
    size_t shl = strlen(sha);
    size_t mask = st->seen_cap - 1;
    size_t i = (size_t)seen_hash(sha, shl) ^ (size_t)seen_hash(inner, kl - shl - 1);
    for (;; i++) {
        ev_seen *e = &st->seen[i & mask];
        if (!e->key)
            return e;
        if (e->keylen == kl && !strcmp(e->key, sha) && !strcmp(e->key + shl + 1, inner))
            return e;
    }
}

static int seen_add(ks_store *st, const char *sha, const char *inner, const char *path)
{
    if (!sha || !st->seen_loaded)
        return 0;
    inner = inner ? inner : "";
    path = path ? path : "";
    if ((st->seen_n + 1) * 2 > st->seen_cap) {
        size_t cap = st->seen_cap ? st->seen_cap * 2 : 256;
        ev_seen *old = st->seen;
        size_t oldcap = st->seen_cap;
        if (!(st->seen = calloc(cap, sizeof *st->seen))) {
            st->seen = old;
            return KS_ENOMEM;
        }
        st->seen_cap = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].key)
                *seen_slot(st, old[i].key, old[i].key + strlen(old[i].key) + 1) = old[i];
        free(old);
    }
    ev_seen *e = seen_slot(st, sha, inner);
    if (e->key)
        return 0; /* the first one recorded is the one reported */
    size_t kl = seen_keylen(sha, inner), pl = strlen(path);
    if (!(e->key = malloc(kl + 1 + pl + 1)))
        return KS_ENOMEM;
    memcpy(e->key, sha, strlen(sha) + 1);
    memcpy(e->key + strlen(sha) + 1, inner, strlen(inner) + 1);
    memcpy(e->key + kl + 1, path, pl + 1);
    e->keylen = kl;
    st->seen_n++;
    return 0;
}

static void seen_free(ks_store *st)
{
    for (size_t i = 0; i < st->seen_cap; i++)
        free(st->seen[i].key);
    free(st->seen);
    st->seen = NULL;
    st->seen_cap = st->seen_n = 0;
}

static bool seen_status(const char *status)
{
    return status && (!strcmp(status, "parsed") || !strcmp(status, "partial") ||
                      !strcmp(status, "unrecognised"));
}

static int seen_load(ks_store *st, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sync_writer(st, err);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT sha256, inner_path, path FROM evidence WHERE sha256 IS NOT NULL "
                           "AND status IN ('parsed','partial','unrecognised') ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(err, st->db, "looking up evidence");
    st->seen_loaded = true;
    while (!rc && sqlite3_step(q) == SQLITE_ROW)
        rc = seen_add(st, (const char *)sqlite3_column_text(q, 0),
                      (const char *)sqlite3_column_text(q, 1),
                      (const char *)sqlite3_column_text(q, 2));
    sqlite3_finalize(q);
    if (rc) {
        st->seen_loaded = false;
        seen_free(st);
        return KS_ERR(err, rc, "out of memory");
    }
    return 0;
}

int ks_store_evidence_find(ks_store *st, const char *sha256, const char *inner_path,
                           char **out_path, ks_err *err)
{
    int rc;
    if (!st->seen_loaded && (rc = seen_load(st, err)))
        return rc;
    if (!sha256 || !st->seen_cap)
        return KS_ENOTFOUND;
    const char *inner = inner_path ? inner_path : "";
    ev_seen *e = seen_slot(st, sha256, inner);
    if (!e->key)
        return KS_ENOTFOUND;
    *out_path = strdup(e->key + e->keylen + 1);
    return *out_path ? 0 : KS_ENOMEM;
}

/* Evidence ids are given here rather than by SQLite so that records can be queued for the
 * writer without waiting for their evidence row to exist. One process writes a case. */
static int next_evidence_id(ks_store *st, int64_t *out, ks_err *err)
{
    if (!st->next_evidence_id) {
        sqlite3_stmt *q = NULL;
        int rc = sync_writer(st, err);
        if (rc)
            return rc;
        if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(id), 0) + 1 FROM evidence", -1, &q,
                               NULL) != SQLITE_OK ||
            sqlite3_step(q) != SQLITE_ROW) {
            rc = db_err(err, st->db, "numbering evidence");
            sqlite3_finalize(q);
            return rc;
        }
        st->next_evidence_id = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    *out = st->next_evidence_id++;
    return 0;
}

static int queue_texts(ks_wbatch *b, ks_witem *it, const char *const *texts, size_t n)
{
    int rc = 0;
    for (size_t k = 0; k < KS_WF_N; k++)
        it->f[k] = (ks_wstr){-1, 0};
    for (size_t k = 0; !rc && k < n; k++)
        rc = ks_wbatch_str(b, texts[k], texts[k] ? strlen(texts[k]) : 0, &it->f[k]);
    return rc;
}

/* Queues an evidence item (the writer applies it in order with the records). */
static int queue_evidence(ks_store *st, ks_witem_kind kind, const int64_t n[4],
                          const char *const *texts, size_t ntexts, ks_err *err)
{
    ks_wbatch *b = ks_writer_batch(st->writer);
    size_t arena_len = b->arena.len;
    ks_witem *it = NULL;
    int rc = ks_wbatch_item(b, &it);
    if (rc)
        return KS_ERR(err, rc, "out of memory");
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->slot = -1;
    memcpy(it->n, n, sizeof it->n);
    if ((rc = queue_texts(b, it, texts, ntexts))) {
        b->n--;
        b->arena.len = arena_len;
        return KS_ERR(err, rc, "out of memory");
    }
    return ks_writer_commit_item(st->writer, err);
}

static int start_writer(ks_store *st, ks_err *err)
{
    if (st->writer)
        return 0;
    if (st->rdb) {
        ks_writer_lane lanes[2] = {{apply_events, st, "ks-writer"}, {apply_rows, st, "ks-rows"}};
        return ks_writer_start(&st->writer, lanes, 2, err);
    }
    ks_writer_lane one = {apply_batch, st, "ks-writer"};
    return ks_writer_start(&st->writer, &one, 1, err);
}

static int insert_evidence(ks_store *st, const ks_evidence_info *ev, const char *source,
                           const char *status, const char *note, int64_t *out_id, ks_err *err)
{
    char ts[40], size[32] = "";
    int64_t id = 0;
    int rc;
    if ((rc = start_writer(st, err)) || (rc = next_evidence_id(st, &id, err)))
        return rc;
    now_iso(ts);
    if (ev->size >= 0)
        snprintf(size, sizeof size, "%lld", (long long)ev->size);
    const char *texts[] = {ev->path,        ev->disk_path, ev->inner_path ? ev->inner_path : "",
                           ev->sha256,      ev->compression, source,
                           status,          note,          ts};
    int64_t n[4] = {id, out_id ? 1 : 0, ev->size, 0};
    if ((rc = queue_evidence(st, KS_WI_EVIDENCE_ADD, n, texts, sizeof texts / sizeof *texts, err)))
        return rc;
    if (out_id)
        *out_id = id;
    return 0;
}

static int apply_evidence_add(ks_store *st, const ks_wbatch *b, const ks_witem *it, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO evidence(id, path, disk_path, inner_path, sha256, size, "
                           "compression, source, status, note, ingested_at) "
                           "VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(err, st->db, "recording evidence");
    sqlite3_bind_int64(q, 1, it->n[0]);
    bind_str(q, 2, wstr(b, it->f[KS_WE_PATH]));
    bind_str(q, 3, wstr(b, it->f[KS_WE_DISK_PATH]));
    bind_str(q, 4, wstr(b, it->f[KS_WE_INNER_PATH]));
    bind_str(q, 5, wstr(b, it->f[KS_WE_SHA256]));
    if (it->n[2] >= 0)
        sqlite3_bind_int64(q, 6, it->n[2]);
    bind_str(q, 7, wstr(b, it->f[KS_WE_COMPRESSION]));
    bind_str(q, 8, wstr(b, it->f[KS_WE_SOURCE]));
    bind_str(q, 9, wstr(b, it->f[KS_WE_STATUS]));
    bind_str(q, 10, wstr(b, it->f[KS_WE_NOTE]));
    bind_str(q, 11, wstr(b, it->f[KS_WE_TIME]));
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = db_err(err, st->db, "recording evidence");
    sqlite3_finalize(q);
    if (!rc && it->n[1]) { /* the member the following records belong to */
        ks_str src = wstr(b, it->f[KS_WE_SOURCE]);
        char *dup = src.p ? strndup(src.p, src.n) : strdup("");
        if (!dup)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        free(st->w_source);
        st->w_source = dup;
        st->w_evidence_id = it->n[0];
    }
    return rc;
}

int ks_store_evidence_skip(ks_store *st, const ks_evidence_info *ev, const char *status,
                           const char *reason, ks_err *err)
{
    int rc = insert_evidence(st, ev, NULL, status, reason, NULL, err);
    if (!rc && seen_status(status) && seen_add(st, ev->sha256, ev->inner_path, ev->path))
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
    return rc;
}

#define EVENT_PARAMS 19

static int prepare_event_inserts(ks_store *st, ks_err *err)
{
    int rc = sync_writer(st, err);
    if (rc)
        return rc;
    ks_buf sql;
    ks_buf_init(&sql, 1 << 16);
    for (int k = 0; k < 2 && !rc; k++) {
        ks_buf_reset(&sql);
        ks_buf_puts(&sql, "INSERT OR IGNORE INTO event(id, time, time_ns, time_desc, source, evidence_id, "
                          "line, offset, host, actor, src_ip, action, target, outcome, "
                          "account, region, message, raw, error) VALUES");
        for (int r = 0; r < (k ? KS_STORE_MULTI : 1); r++)
            ks_buf_puts(&sql, r ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                                : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if ((rc = ks_buf_puts(&sql, ""))) {
            rc = KS_ERR(err, rc, "out of memory");
            break;
        }
        if (sqlite3_prepare_v3(st->db, sql.data, -1, SQLITE_PREPARE_PERSISTENT,
                               k ? &st->ins_event_k : &st->ins_event, NULL) != SQLITE_OK)
            rc = db_err(err, st->db, "preparing event insert");
        else if (!(*(k ? &st->ins_event_k_nul : &st->ins_event_nul) =
                       null_bits(k ? st->ins_event_k : st->ins_event)))
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    ks_buf_free(&sql);
    if (rc) {
        sqlite3_finalize(st->ins_event);
        sqlite3_finalize(st->ins_event_k);
        st->ins_event = st->ins_event_k = NULL;
        free(st->ins_event_nul);
        free(st->ins_event_k_nul);
        st->ins_event_nul = st->ins_event_k_nul = NULL;
    }
    return rc;
}

int ks_store_member_begin(ks_store *st, const ks_evidence_info *ev, const char *source,
                          ks_sink **out, ks_err *err)
{
    if (st->mode == KS_STORE_READ)
        return KS_ERR(err, KS_EUSAGE, "case opened read-only");
    if (st->sink_busy)
        return KS_ERR(err, KS_EUSAGE, "a member is already being ingested");
    int rc = 0;
    if ((!st->ins_event && (rc = prepare_event_inserts(st, err))) ||
        (rc = detach_sources(st, err)))
        return rc;
    int64_t id = 0;
    if ((rc = insert_evidence(st, ev, source, "ingesting", NULL, &id, err)))
        return rc;
    ks_sink *s = &st->sink;
    free(s->source);
    free(s->path);
    free(s->sha256);
    free(s->inner_path);
    memset(s, 0, sizeof *s);
    s->st = st;
    s->evidence_id = id;
    s->source = strdup(source);
    s->path = strdup(ev->path);
    s->sha256 = ev->sha256 ? strdup(ev->sha256) : NULL;
    s->inner_path = strdup(ev->inner_path ? ev->inner_path : "");
    s->first_ns = s->last_ns = KS_TIME_NONE;
    if (!s->source || !s->path || !s->inner_path || (ev->sha256 && !s->sha256))
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    st->sink_busy = true;
    *out = s;
    return 0;
}

int ks_store_member_end(ks_store *st, ks_sink *s, const char *status, const char *note,
                        ks_err *err)
{
    char first[40] = "", last[40] = "";
    st->sink_busy = false;
    if (s->first_ns != KS_TIME_NONE) {
        ks_time_format(s->first_ns, NULL, 9, first, sizeof first);
        ks_time_format(s->last_ns, NULL, 9, last, sizeof last);
    }
    if (!note && s->warnings)
        note = s->first_warn;
    const char *texts[KS_WE_LAST + 1] = {0};
    texts[KS_WE_STATUS] = status;
    texts[KS_WE_NOTE] = note;
    texts[KS_WE_FIRST] = first[0] ? first : NULL;
    texts[KS_WE_LAST] = last[0] ? last : NULL;
    int64_t n[4] = {s->evidence_id, s->records, s->errors, s->warnings};
    int rc = queue_evidence(st, KS_WI_EVIDENCE_END, n, texts, KS_WE_LAST + 1, err);
    if (!rc && seen_status(status) && seen_add(st, s->sha256, s->inner_path, s->path))
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
    return rc;
}

static int apply_evidence_end(ks_store *st, const ks_wbatch *b, const ks_witem *it, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(st->db,
                           "UPDATE evidence SET status=?, note=?, records=?, errors=?, warnings=?, "
                           "first_time=?, last_time=? WHERE id=?",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(err, st->db, "finishing evidence");
    bind_str(q, 1, wstr(b, it->f[KS_WE_STATUS]));
    bind_str(q, 2, wstr(b, it->f[KS_WE_NOTE]));
    sqlite3_bind_int64(q, 3, it->n[1]);
    sqlite3_bind_int64(q, 4, it->n[2]);
    sqlite3_bind_int64(q, 5, it->n[3]);
    bind_str(q, 6, wstr(b, it->f[KS_WE_FIRST]));
    bind_str(q, 7, wstr(b, it->f[KS_WE_LAST]));
    sqlite3_bind_int64(q, 8, it->n[0]);
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = db_err(err, st->db, "finishing evidence");
    sqlite3_finalize(q);
    return rc;
}

/* ---- sink --------------------------------------------------------------------------- */
void ks_event_init(ks_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->time = KS_TIME_NONE;
    ev->line = -1;
    ev->offset = -1;
}



/* ---- applying records (on the writer thread) ------------------------------------------
 *
 * Events and source rows are gathered into groups of up to KS_STORE_MULTI and inserted by
 * one statement per group. Event ids are given by the writer (the next after the largest in
 * the case, read once per batch), so a source row knows its event's id before the event is
 * stored. Evidence items end a group: they change the member the records belong to. */

/* The inserts say OR IGNORE only so that SQLite needs no statement journal for a multi-row
 * INSERT (with 64 KiB pages it copied the last page of each table per statement: 188,000
 * writes for 600,000 web lines). No constraint can refuse a row the writer builds (ids are
 * fresh, NOT NULL columns always bound); should one ever, the ingest stops with this error
 * rather than lose the row in silence. */
static int lost_rows(ks_err *err, const char *table, int kept, int n)
{
    return KS_ERR(err, KS_EDB, "case store: %s: %d of %d rows refused by a constraint", table,
                  n - kept, n);
}

/* ks_time_format(ns, NULL, 9, out, 40), from the cache when it has the second. */
static void format_time(tcache *c, int64_t ns, char out[40])
{
    if (ns < 0) {
        ks_time_format(ns, NULL, 9, out, 40);
        return;
    }
    int64_t sec = ns / 1000000000, frac = ns % 1000000000;
    size_t way = (size_t)sec % TCACHE_WAYS, n = c->n[way];
    if (n && c->sec[way] == sec) {
        memcpy(out, c->s[way], n + 1);
        for (size_t i = n - 2; i >= n - 10; i--, frac /= 10)
            out[i] = (char)('0' + frac % 10);
        return;
    }
    ks_time_format(ns, NULL, 9, out, 40);
    n = strlen(out);
    /* cached only in the expected shape: ....ss.nnnnnnnnnZ */
    if (n >= 11 && n < 40 && out[n - 11] == '.' && out[n - 1] == 'Z') {
        c->sec[way] = sec;
        c->n[way] = (uint8_t)n;
        memcpy(c->s[way], out, n + 1);
    } else {
        c->n[way] = 0;
    }
}

typedef struct pending {
    const ks_witem *ev[KS_STORE_MULTI];
    int64_t ev_id[KS_STORE_MULTI];
    int nev;
    const ks_witem *row[KS_STORE_MULTI];
    int64_t row_id[KS_STORE_MULTI], row_event[KS_STORE_MULTI];
    int nrow;
    int row_slot;
    int64_t evidence_id; /* of the rows: the member they belong to */
} pending;

/* Binds one event's parameters from `base` (1-based). ts must live until the step. */
/* Binds a row's id. The next after the last one inserted goes as NULL: SQLite then gives
 * the table's largest rowid + 1, which is the same number (ids only grow, and every table's
 * largest is below the counter), reached from the table's end instead of by a search for
 * the key — the search was an eighth of the writers' work. The caller checks the ids
 * SQLite gave (check_ids). */
static void bind_id(binder *bd, int i, int64_t id, int64_t *last)
{
    if (*last > 0 && id == *last + 1)
        bn_null(bd, i);
    else
        bn_int(bd, i, id);
    *last = id;
}

static int check_ids(ks_err *err, sqlite3 *db, const char *table, int64_t want)
{
    int64_t got = sqlite3_last_insert_rowid(db);
    if (got == want)
        return 0;
    return KS_ERR(err, KS_EDB, "case store: %s: row stored as id %lld, not %lld", table,
                  (long long)got, (long long)want);
}

static void bind_event(ks_store *st, binder *bd, int base, const ks_wbatch *b,
                       const ks_witem *it, int64_t id, char ts[40])
{
    bind_id(bd, base, id, &st->ev_last_id);
    if (it->time != KS_TIME_NONE) {
        format_time(&st->tc_events, it->time, ts);
        bn_text(bd, base + 1, ts, strlen(ts));
        bn_int(bd, base + 2, it->time);
    } else {
        bn_null(bd, base + 1);
        bn_null(bd, base + 2);
    }
    bn_str(bd, base + 3, wstr(b, it->f[KS_WF_TIME_DESC]));
    const char *src = st->w_source ? st->w_source : "";
    bn_text(bd, base + 4, src, strlen(src));
    bn_int(bd, base + 5, st->w_evidence_id);
    bn_pos(bd, base + 6, it->line);
    bn_pos(bd, base + 7, it->offset);
    for (int f = KS_WF_HOST; f <= KS_WF_ERROR; f++)
        bn_str(bd, base + 8 + (f - KS_WF_HOST), wstr(b, it->f[f]));
}

static int flush_events(ks_store *st, const ks_wbatch *b, pending *p, ks_err *err)
{
    /* Every parameter is bound on every call (NULLs included), so no clear_bindings; the
     * formatted times live until the step, so they are bound without a copy. */
    char ts[KS_STORE_MULTI][40];
    int done = 0;
    while (done < p->nev) {
        bool multi = p->nev - done == KS_STORE_MULTI;
        sqlite3_stmt *q = multi ? st->ins_event_k : st->ins_event;
        binder bd = {q, multi ? st->ins_event_k_nul : st->ins_event_nul};
        int n = multi ? KS_STORE_MULTI : 1;
        for (int r = 0; r < n; r++)
            bind_event(st, &bd, 1 + r * EVENT_PARAMS, b, p->ev[done + r], p->ev_id[done + r],
                       ts[r]);
        int step = sqlite3_step(q);
        sqlite3_reset(q);
        if (step != SQLITE_DONE)
            return db_err(err, st->db, "storing event");
        if (sqlite3_changes(st->db) != n)
            return lost_rows(err, "events", sqlite3_changes(st->db), n);
        int rc = check_ids(err, st->db, "events", p->ev_id[done + n - 1]);
        if (rc)
            return rc;
        done += n;
    }
    p->nev = 0;
    return 0;
}

/* Binds one source row from `base`. ts[] must live until the step. */
static void bind_row(tcache *tc, int64_t evidence_id, binder *bd, int base,
                     table_slot *slot,
                     const ks_wbatch *b, const ks_witem *it, int64_t id, int64_t event_id,
                     char ts[KS_STORE_MAX_TIME_COLS][40], char *one, int *nts)
{
    const ks_table_def *t = slot->def;
    bind_id(bd, base, id, &slot->last_id);
    if (event_id > 0)
        bn_int(bd, base + 1, event_id);
    else
        bn_null(bd, base + 1);
    bn_int(bd, base + 2, evidence_id);
    bn_pos(bd, base + 3, it->line);
    bn_pos(bd, base + 4, it->offset);
    for (size_t i = 0; i < t->ncols; i++) {
        const ks_wval *v = &b->vals[it->vals + i];
        int col = base + 5 + (int)i;
        switch (v->kind) {
        case KS_V_TEXT: bn_str(bd, col, wstr(b, v->s)); break;
        case KS_V_INT:
            if (t->cols[i].type == KS_COL_TIME) {
                if (v->i == KS_TIME_NONE) {
                    bn_null(bd, col);
                } else if (*nts < KS_STORE_MAX_TIME_COLS) { /* kept until the step */
                    format_time(tc, v->i, ts[*nts]);
                    bn_text(bd, col, ts[*nts], strlen(ts[*nts]));
                    (*nts)++;
                } else {
                    format_time(tc, v->i, one);
                    bn_set(bd, col);
                    sqlite3_bind_text(bd->q, col, one, -1, SQLITE_TRANSIENT);
                }
            } else {
                bn_int(bd, col, v->i);
            }
            break;
        case KS_V_REAL:
            bn_set(bd, col);
            sqlite3_bind_double(bd->q, col, v->d);
            break;
        default: bn_null(bd, col); break;
        }
    }
}

static int flush_rows(ks_store *st, const ks_wbatch *b, pending *p, ks_err *err)
{
    if (!p->nrow)
        return 0;
    table_slot *slot = &st->tables[p->row_slot];
    char ts[KS_STORE_MULTI][KS_STORE_MAX_TIME_COLS][40], one[40];
    int done = 0;
    while (done < p->nrow) {
        bool multi = slot->ins_k && p->nrow - done == slot->multi;
        sqlite3_stmt *q = multi ? slot->ins_k : slot->ins;
        binder bd = {q, multi ? slot->ins_k_nul : slot->ins_nul};
        int n = multi ? slot->multi : 1;
        for (int r = 0; r < n; r++) {
            int nts = 0;
            bind_row(&st->tc_rows, p->evidence_id, &bd, 1 + r * (int)(slot->def->ncols + 5), slot, b,
                     p->row[done + r], p->row_id[done + r], p->row_event[done + r], ts[r], one,
                     &nts);
        }
        int step = sqlite3_step(q);
        sqlite3_reset(q);
        if (step != SQLITE_DONE)
            return db_err(err, tdb(st), "storing source row");
        if (sqlite3_changes(tdb(st)) != n)
            return lost_rows(err, slot->def->name, sqlite3_changes(tdb(st)), n);
        int rc = check_ids(err, tdb(st), slot->def->name, p->row_id[done + n - 1]);
        if (rc)
            return rc;
        done += n;
    }
    p->nrow = 0;
    return 0;
}

static int flush_pending(ks_store *st, const ks_wbatch *b, pending *p, ks_err *err)
{
    int rc = flush_events(st, b, p, err);
    return rc ? rc : flush_rows(st, b, p, err);
}

static int add_row(ks_store *st, const ks_wbatch *b, pending *p, const ks_witem *it,
                   int64_t id, int64_t event_id, ks_err *err)
{
    int rc = 0;
    if (p->nrow && p->row_slot != it->slot && (rc = flush_rows(st, b, p, err)))
        return rc;
    p->row_slot = it->slot;
    p->row[p->nrow] = it;
    p->row_id[p->nrow] = id;
    p->row_event[p->nrow++] = event_id;
    if (p->nrow == st->tables[it->slot].multi)
        rc = flush_rows(st, b, p, err);
    return rc;
}

/* Applies a batch's events and evidence items (events), its source rows (rows), or both, in
 * the order queued. A lane that applies only rows follows the evidence items to know the
 * member of the rows, and writes nothing else. */
static int apply_part(ks_store *st, const ks_wbatch *b, bool events, bool rows, ks_err *err)
{
    pending p = {.nev = 0};
    p.evidence_id = events ? st->w_evidence_id : st->r_evidence_id;
    int rc = events ? begin(st, err) : tbegin(st, err);
    if (!rc && rows && events && st->rdb)
        rc = tbegin(st, err);
    for (size_t i = 0; !rc && i < b->n; i++) {
        const ks_witem *it = &b->items[i];
        if (it->kind == KS_WI_EVIDENCE_ADD || it->kind == KS_WI_EVIDENCE_END) {
            if ((rc = flush_pending(st, b, &p, err)))
                break;
            if (!events) {
                if (it->kind == KS_WI_EVIDENCE_ADD && it->n[1])
                    p.evidence_id = st->r_evidence_id = it->n[0];
                continue;
            }
            rc = it->kind == KS_WI_EVIDENCE_ADD ? apply_evidence_add(st, b, it, err)
                                                : apply_evidence_end(st, b, it, err);
            p.evidence_id = st->w_evidence_id;
            continue;
        }
        if (events && it->id > st->w_max_id)
            st->w_max_id = it->id;
        if (it->kind == KS_WI_EVENT) {
            if (events) {
                p.ev[p.nev] = it;
                p.ev_id[p.nev++] = it->id;
            }
            if (rows && it->slot >= 0)
                rc = add_row(st, b, &p, it, it->id, it->id, err);
            if (!rc && p.nev == KS_STORE_MULTI)
                rc = flush_events(st, b, &p, err);
        } else if (rows) {
            rc = add_row(st, b, &p, it, it->id, 0, err);
        }
    }
    if (!rc)
        rc = flush_pending(st, b, &p, err);
    if (!events)
        st->r_evidence_id = p.evidence_id;
    return rc;
}

/* One-file cases: one lane applies everything and commits where the producer asked. */
static int apply_batch(void *ctx, const ks_wbatch *b, ks_err *err)
{
    ks_store *st = ctx;
    int rc = apply_part(st, b, true, true, err);
    if (!rc && b->commit)
        rc = commit(st, err);
    return rc;
}

/* Two-file cases, lane 0: events and evidence into case.db. Where the producer asked for a
 * commit, waits until lane 1 has committed the same batch's rows, then commits with the
 * watermark (see the top of this file). */
static int apply_events(void *ctx, const ks_wbatch *b, ks_err *err)
{
    ks_store *st = ctx;
    int rc = apply_part(st, b, true, false, err);
    if (!rc && b->commit && !(rc = ks_writer_wait_lane(st->writer, 1, b->seq, err)) &&
        !(rc = mark_sources(st, err)))
        rc = commit(st, err);
    return rc;
}

/* Two-file cases, lane 1: source rows into sources.db. */
static int apply_rows(void *ctx, const ks_wbatch *b, ks_err *err)
{
    ks_store *st = ctx;
    int rc = apply_part(st, b, false, true, err);
    if (!rc && b->commit)
        rc = rcommit(st, err);
    return rc;
}

/* The largest id of `table` on `db` raises *io past it. */
static int max_id(sqlite3 *db, const char *table, int64_t *io, ks_err *err)
{
    char sql[128];
    sqlite3_stmt *q = NULL;
    snprintf(sql, sizeof sql, "SELECT max(id) FROM main.%s", table);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return db_err(err, db, "reading ids");
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int64(q, 0) >= *io)
        *io = sqlite3_column_int64(q, 0) + 1;
    sqlite3_finalize(q);
    return 0;
}

/* The next id for an event or source row: after the largest in `event` and in every source
 * table this run writes to (read again after a table is declared). The writer is idle. */
static int load_next_id(ks_store *st, ks_err *err)
{
    int rc = sync_writer(st, err);
    int64_t next = 1;
    if (!rc)
        rc = max_id(st->db, "event", &next, err);
    for (size_t i = 0; !rc && i < st->ntables; i++)
        rc = max_id(tdb(st), st->tables[i].def->name, &next, err);
    if (!rc)
        st->next_id = next;
    return rc;
}

/* ---- queueing records (on the parser's thread) ---------------------------------------- */
/* Copies a record's strings into the batch with one reservation: the parser thread's cost
 * per record is on the ingest's critical path as much as the writers'. */
static int queue_strs(ks_wbatch *b, ks_witem *it, const ks_event *ev, const char *error,
                      const ks_table_def *t, const ks_val *vals)
{
    const ks_str *src[] = {&ev->host,    &ev->actor,   &ev->src_ip,  &ev->action,
                           &ev->target,  &ev->outcome, &ev->account, &ev->region,
                           &ev->message, &ev->raw};
    enum { NSRC = sizeof src / sizeof *src };
    size_t tdn = ev->time_desc ? strlen(ev->time_desc) : 0, en = error ? strlen(error) : 0;
    size_t need = tdn + en;
    for (size_t k = 0; k < NSRC; k++)
        need += src[k]->p ? src[k]->n : 0;
    for (size_t i = 0; t && vals && i < t->ncols; i++)
        if (vals[i].kind == KS_V_TEXT && vals[i].s.p)
            need += vals[i].s.n;
    if (need < tdn) /* overflow */
        return KS_ELIMIT;
    int rc = ks_wbatch_reserve(b, need);
    if (rc)
        return rc;
    it->f[KS_WF_TIME_DESC] = ks_wbatch_put(b, ev->time_desc, tdn);
    for (size_t k = 0; k < NSRC; k++)
        it->f[KS_WF_HOST + (int)k] = ks_wbatch_put(b, src[k]->p, src[k]->n);
    it->f[KS_WF_ERROR] = ks_wbatch_put(b, error, en);
    return 0;
}

/* The row's values; its strings fit in the room queue_strs made (or are reserved here for
 * a row without an event). */
static int queue_vals(ks_wbatch *b, ks_witem *it, const ks_table_def *t, const ks_val *vals,
                      bool reserved)
{
    int rc = ks_wbatch_vals(b, t->ncols, &it->vals);
    if (!rc && !reserved) {
        size_t need = 0;
        for (size_t i = 0; i < t->ncols; i++)
            if (vals[i].kind == KS_V_TEXT && vals[i].s.p)
                need += vals[i].s.n;
        rc = ks_wbatch_reserve(b, need);
    }
    ks_wval *w = rc ? NULL : &b->vals[it->vals];
    for (size_t i = 0; !rc && i < t->ncols; i++, w++) {
        w->kind = vals[i].kind;
        w->i = vals[i].i;
        w->d = vals[i].d;
        w->s = vals[i].kind == KS_V_TEXT ? ks_wbatch_put(b, vals[i].s.p, vals[i].s.n)
                                         : (ks_wstr){-1, 0};
    }
    return rc;
}

/* The slot of a source table, declaring it on first use. */
static int slot_of(ks_store *st, const ks_table_def *t, int *out, ks_err *err)
{
    table_slot *slot = find_table(st, t);
    if (!slot) {
        int rc = ks_store_declare(st, t, err);
        if (rc)
            return rc;
        slot = find_table(st, t);
    }
    *out = (int)(slot - st->tables);
    return 0;
}

static int queue_record(ks_sink *s, ks_witem_kind kind, const ks_event *ev, const char *error,
                        const ks_table_def *t, const ks_val *vals, ks_err *err)
{
    ks_store *st = s->st;
    int slot = -1, rc = 0;
    if (t && vals && (rc = slot_of(st, t, &slot, err)))
        return rc;
    if (!st->next_id && (rc = load_next_id(st, err)))
        return rc;
    ks_wbatch *b = ks_writer_batch(st->writer);
    size_t arena_len = b->arena.len, nvals = b->nv;
    ks_witem *it = NULL;
    if ((rc = ks_wbatch_item(b, &it)))
        return KS_ERR(err, rc, "out of memory queueing a record");
    it->kind = kind;
    it->slot = slot;
    it->id = st->next_id;
    it->time = ev ? ev->time : KS_TIME_NONE;
    it->line = ev ? ev->line : -1;
    it->offset = ev ? ev->offset : -1;
    it->vals = 0;
    if (ev)
        rc = queue_strs(b, it, ev, error, slot >= 0 ? t : NULL, vals);
    else
        for (int f = 0; f < KS_WF_N; f++)
            it->f[f] = (ks_wstr){-1, 0};
    if (!rc && slot >= 0)
        rc = queue_vals(b, it, t, vals, ev != NULL);
    if (rc) { /* undo the partial item so the batch stays consistent */
        b->n--;
        b->arena.len = arena_len;
        b->nv = nvals;
        return KS_ERR(err, rc, rc == KS_ELIMIT ? "record too large for the case store"
                                               : "out of memory queueing a record");
    }
    st->next_id++;
    /* Commits every BATCH_EVENTS records (events, and rows without one) so that a crash
     * loses little: the batch holding the last of them is marked. */
    if (++st->since_commit >= (st->commit_every > 0 ? st->commit_every : BATCH_EVENTS)) {
        b->commit = true;
        st->since_commit = 0;
    }
    return ks_writer_commit_item(st->writer, err);
}

int ks_sink_event(ks_sink *s, const ks_event *ev, const ks_table_def *t, const ks_val *vals,
                  ks_err *err)
{
    int rc = queue_record(s, KS_WI_EVENT, ev, NULL, t, vals, err);
    if (rc)
        return rc;
    if (ev->time != KS_TIME_NONE) {
        if (s->first_ns == KS_TIME_NONE || ev->time < s->first_ns)
            s->first_ns = ev->time;
        if (s->last_ns == KS_TIME_NONE || ev->time > s->last_ns)
            s->last_ns = ev->time;
    }
    s->records++;
    return 0;
}

int ks_sink_row(ks_sink *s, const ks_table_def *t, const ks_val *vals, ks_err *err)
{
    int rc = queue_record(s, KS_WI_ROW, NULL, NULL, t, vals, err);
    if (rc)
        return rc;
    s->records++;
    return 0;
}

int ks_sink_error(ks_sink *s, int64_t line, int64_t offset, const char *why, const char *raw,
                  size_t rawn, ks_err *err)
{
    ks_event ev;
    ks_event_init(&ev);
    ev.line = line;
    ev.offset = offset;
    ev.action = KS_STR_LIT("parse_error");
    ev.message = ks_str_c(why);
    ks_buf note;
    ks_buf_init(&note, 0);
    if (raw) {
        if (rawn > ERROR_RAW_MAX) {
            ks_buf_append(&note, raw, ERROR_RAW_MAX);
            ks_buf_printf(&note, "... [%zu more bytes not kept]", rawn - ERROR_RAW_MAX);
            ev.raw = (ks_str){note.data, note.len};
        } else {
            ev.raw = (ks_str){raw, rawn};
        }
    }
    int rc = queue_record(s, KS_WI_EVENT, &ev, why ? why : "parse error", NULL, NULL, err);
    ks_buf_free(&note);
    if (s->st->hook)
        s->st->hook(s->st->hook_ctx, s->path, line, offset, why ? why : "parse error");
    if (rc)
        return rc;
    s->errors++;
    return 0;
}

void ks_sink_warn(ks_sink *s, int64_t line, int64_t offset, const char *why)
{
    if (!s->warnings) {
        if (line > 0)
            snprintf(s->first_warn, sizeof s->first_warn, "line %lld: %s", (long long)line, why);
        else if (offset >= 0)
            snprintf(s->first_warn, sizeof s->first_warn, "offset %lld: %s", (long long)offset,
                     why);
        else
            snprintf(s->first_warn, sizeof s->first_warn, "%s", why);
    }
    s->warnings++;
}

void ks_store_set_error_hook(ks_store *st, ks_error_hook fn, void *ctx)
{
    st->hook = fn;
    st->hook_ctx = ctx;
}

int64_t ks_sink_records(const ks_sink *s) { return s->records; }
int64_t ks_sink_errors(const ks_sink *s) { return s->errors; }
const char *ks_sink_path(const ks_sink *s) { return s->path; }

/* The rows file's final commit, run beside the time index build (see ks_store_commit). */
typedef struct rows_commit {
    ks_store *st;
    ks_err err;
    int rc;
} rows_commit;

static void *rows_commit_main(void *arg)
{
    rows_commit *c = arg;
    ks_err_clear(&c->err);
    c->rc = rcommit(c->st, &c->err);
    return NULL;
}

int ks_store_commit(ks_store *st, ks_err *err)
{
    int rc = sync_writer(st, err);
    if (rc)
        return rc;
    /* sources.db commits (writing out and syncing its pages) on a thread of its own while
     * case.db builds the time index in its open transaction; case.db then commits events,
     * index and the mark once, after sources.db, as the order of commits requires. */
    pthread_t t;
    rows_commit rcm = {.st = st, .rc = 0};
    bool async = st->rdb && st->r_in_txn &&
                 pthread_create(&t, NULL, rows_commit_main, &rcm) == 0;
    if (!async)
        rc = rcommit(st, err);
    /* Only time needs an index: a source row's id is its event's id, and events are looked
     * up by evidence only when an interrupted ingest is cleaned up (a scan is fine then).
     * A case gets it when created; this is for cases made before that. */
    if (!rc && !(rc = begin(st, err)))
        rc = exec(st, "CREATE INDEX IF NOT EXISTS event_time ON event(time_ns);", err);
    if (async) {
        pthread_join(t, NULL);
        if (rcm.rc && !rc) {
            rc = rcm.rc;
            if (err)
                *err = rcm.err;
        }
    }
    if (rc)
        return rc;
    if (!(rc = commit_all(st, err)))
        rc = exec(st, "PRAGMA optimize;", err);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------ */
int ks_store_query(ks_store *st, const char *sql, const char *const *params, size_t nparams,
                   ks_row_fn fn, void *ctx, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    const char *tail = NULL;
    int rc = 0;
    const char **vals = NULL, **names = NULL;
    size_t *lens = NULL;
    char *types = NULL;

    if ((rc = settle(st, err)))
        return rc;
    if (sqlite3_prepare_v2(st->db, sql, -1, &q, &tail) != SQLITE_OK)
        return KS_ERR(err, KS_EUSAGE, "SQL: %s", sqlite3_errmsg(st->db));
    if (!q)
        return KS_ERR(err, KS_EUSAGE, "SQL: empty statement");
    while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';' || *tail == '\r'))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize(q);
        return KS_ERR(err, KS_EUSAGE, "SQL: give one statement at a time");
    }
    for (size_t i = 0; i < nparams && i < INT_MAX; i++)
        sqlite3_bind_text(q, (int)i + 1, params[i], -1, SQLITE_STATIC);
    int ncols = sqlite3_column_count(q);
    size_t nc = ncols > 0 ? (size_t)ncols : 1;
    vals = calloc(nc, sizeof *vals);
    names = calloc(nc, sizeof *names);
    lens = calloc(nc, sizeof *lens);
    types = calloc(nc + 1, 1);
    if (!vals || !names || !lens || !types) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < ncols; i++)
        names[i] = sqlite3_column_name(q, i);
    if (fn(ctx, ncols, names, NULL, lens, types))
        goto done;
    for (;;) {
        int step = sqlite3_step(q);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = KS_ERR(err, st->mode == KS_STORE_READ ? KS_EUSAGE : KS_EDB, "SQL: %s",
                        sqlite3_errmsg(st->db));
            goto done;
        }
        for (int i = 0; i < ncols; i++) {
            int t = sqlite3_column_type(q, i);
            types[i] = t == SQLITE_INTEGER ? 'i' : t == SQLITE_FLOAT ? 'r' : t == SQLITE_BLOB ? 'b'
                       : t == SQLITE_NULL  ? 'n' : 't';
            if (t == SQLITE_BLOB) {
                vals[i] = sqlite3_column_blob(q, i);
                lens[i] = (size_t)sqlite3_column_bytes(q, i);
                if (!vals[i])
                    vals[i] = "";
            } else if (t == SQLITE_NULL) {
                vals[i] = NULL;
                lens[i] = 0;
            } else {
                vals[i] = (const char *)sqlite3_column_text(q, i);
                lens[i] = (size_t)sqlite3_column_bytes(q, i);
            }
        }
        if (fn(ctx, ncols, names, vals, lens, types))
            break;
    }
done:
    sqlite3_finalize(q);
    free(vals);
    free(names);
    free(lens);
    free(types);
    return rc;
}

int ks_store_meta_get(ks_store *st, const char *key, char **out, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sync_writer(st, err);
    if (rc)
        return rc;
    rc = KS_ENOTFOUND;
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key=?", -1, &q, NULL) !=
        SQLITE_OK)
        return db_err(err, st->db, "reading case metadata");
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(q, 0);
        *out = strdup(v ? v : "");
        rc = *out ? 0 : KS_ENOMEM;
    }
    sqlite3_finalize(q);
    return rc;
}

int ks_store_meta_set(ks_store *st, const char *key, const char *value, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sync_writer(st, err);
    if (rc || (rc = begin(st, err)))
        return rc;
    if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta VALUES(?,?)", -1, &q, NULL) !=
        SQLITE_OK)
        return db_err(err, st->db, "writing case metadata");
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = db_err(err, st->db, "writing case metadata");
    sqlite3_finalize(q);
    return rc;
}
