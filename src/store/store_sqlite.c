/* store_sqlite.c — the embedded case store: CASE/case.db in SQLite.
 *
 * The whole schema lives here (docs/case-schema.md describes it):
 *   meta(key, value)              schema version, creation time, tool version
 *   evidence(...)                 one row per member: path, hash, source, status, counts
 *   event(...)                    the normalized events (base table)
 *   events                        VIEW over event + evidence.path AS file — the table users query
 *   <source>(id, event_id, evidence_id, line, offset, <columns of that source>)
 *
 * Writes are batched into large transactions (ingest is a bulk load; a crash loses at most the
 * current batch, and evidence is re-ingestable because it is never modified). Read-only
 * opens use SQLITE_OPEN_READONLY plus query_only plus an authorizer that refuses ATTACH and
 * setting pragmas, so `kanshiki query` cannot change the case or write files elsewhere.
 */
#include "store/store.h"
#include "store/store_int.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/time.h"

#define MAX_TABLES 128
#define BATCH_EVENTS 200000
#define ERROR_RAW_MAX (64 * 1024)

typedef struct table_slot {
    const ks_table_def *def;
    sqlite3_stmt *ins;
} table_slot;

struct ks_sink {
    ks_store *st;
    int64_t evidence_id;
    char *source;
    char *path;
    int64_t records, errors, warnings;
    int64_t first_ns, last_ns;
    char first_warn[256];
};

struct ks_store {
    sqlite3 *db;
    char *dir;
    ks_store_mode mode;
    bool in_txn;
    int64_t batch;
    sqlite3_stmt *ins_event;
    table_slot tables[MAX_TABLES];
    size_t ntables;
    ks_sink sink; /* one member at a time */
    bool sink_busy;
    ks_error_hook hook;
    void *hook_ctx;
};

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
    "CREATE VIEW IF NOT EXISTS events AS SELECT\n"
    "  e.id, e.time, e.time_desc, e.source, v.path AS file, e.line, e.offset,\n"
    "  e.host, e.actor, e.src_ip, e.action, e.target, e.outcome, e.account, e.region,\n"
    "  e.message, e.raw, e.error, e.time_ns, e.evidence_id\n"
    "  FROM event e JOIN evidence v ON v.id = e.evidence_id;\n";

/* For store_funcs.c (store_int.h): the connection behind a store. */
sqlite3 *ks_store_sqlite_db(ks_store *st) { return st->db; }

static int db_err(ks_err *err, sqlite3 *db, const char *what)
{
    return KS_ERR(err, KS_EDB, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

static int exec(ks_store *st, const char *sql, ks_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = KS_ERR(err, KS_EDB, "case store: %s", msg ? msg : "error");
        sqlite3_free(msg);
        return rc;
    }
    return 0;
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
    snprintf(sql, sizeof sql,
             "INSERT OR IGNORE INTO meta VALUES('schema_version','%d');"
             "INSERT OR IGNORE INTO meta VALUES('created_at','%s');"
             "INSERT OR IGNORE INTO meta VALUES('created_by','kanshiki " KS_VERSION "');"
             "PRAGMA user_version=%d;",
             KS_SCHEMA_VERSION, ts, KS_SCHEMA_VERSION);
    if ((rc = exec(st, sql, err)) || (rc = exec(st, "COMMIT;", err)))
        return rc;
    return cleanup_interrupted(st, err);
}

/* Rows of a member whose ingest was interrupted (crash, kill) would be partial: remove them
 * from `event` and every per-source table, so the member is ingested again from scratch. */
static int cleanup_interrupted(ks_store *st, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = 0, n = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM evidence WHERE status='ingesting'", -1, &q,
                           NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    q = NULL;
    if (!n)
        return 0;
    ks_buf sql;
    ks_buf_init(&sql, 1 << 20);
    ks_buf_puts(&sql, "BEGIN; DELETE FROM event WHERE evidence_id IN "
                      "(SELECT id FROM evidence WHERE status='ingesting');");
    if (sqlite3_prepare_v2(st->db,
                           "SELECT m.name FROM sqlite_master m WHERE m.type='table' AND EXISTS "
                           "(SELECT 1 FROM pragma_table_info(m.name) WHERE name='event_id')",
                           -1, &q, NULL) == SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(q, 0);
            if (t && valid_ident(t))
                ks_buf_printf(&sql, "DELETE FROM %s WHERE evidence_id IN "
                                    "(SELECT id FROM evidence WHERE status='ingesting');", t);
        }
    }
    sqlite3_finalize(q);
    ks_buf_puts(&sql, "UPDATE evidence SET status='interrupted', "
                      "note='ingest was interrupted; its rows were removed' "
                      "WHERE status='ingesting'; COMMIT;");
    rc = exec(st, sql.data, err);
    ks_buf_free(&sql);
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
    else
        rc = create_schema(st, err);
    if (rc) {
        ks_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
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
    size_t n = strlen(case_dir) + sizeof "/case.db";
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
    if (mode == KS_STORE_READ) {
        if ((rc = exec(st, "PRAGMA query_only=1;", err)))
            goto done;
        sqlite3_set_authorizer(st->db, ro_authorizer, NULL);
    } else {
        if ((rc = exec(st, "PRAGMA page_size=65536; PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL;"
                           "PRAGMA cache_size=-65536; PRAGMA temp_store=FILE;",
                       err)) ||
            (rc = create_schema(st, err)))
            goto done;
    }
    /* Refuse cases written by a newer, incompatible schema. */
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        int v = sqlite3_column_int(q, 0);
        if (v > KS_SCHEMA_VERSION) {
            sqlite3_finalize(q);
            rc = KS_ERR_AT(err, KS_EUNSUPPORTED, case_dir, -1, -1,
                           "case schema version %d is newer than this kanshiki (%d)", v,
                           KS_SCHEMA_VERSION);
            goto done;
        }
    }
    sqlite3_finalize(q);
    *out = st;
    st = NULL;
done:
    free(dbpath);
    if (st)
        ks_store_close(st);
    return rc;
}

const char *ks_store_dir(const ks_store *st)
{
    return st->dir;
}

static void finalize_stmts(ks_store *st)
{
    sqlite3_finalize(st->ins_event);
    st->ins_event = NULL;
    for (size_t i = 0; i < st->ntables; i++) {
        sqlite3_finalize(st->tables[i].ins);
        st->tables[i].ins = NULL;
    }
}

void ks_store_close(ks_store *st)
{
    if (!st)
        return;
    if (st->in_txn)
        exec(st, "COMMIT;", NULL);
    finalize_stmts(st);
    if (st->db)
        sqlite3_close(st->db);
    free(st->sink.source);
    free(st->sink.path);
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
    st->batch = 0;
    return exec(st, "COMMIT;", err);
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
    if (st->ntables >= MAX_TABLES)
        return KS_ERR(err, KS_ELIMIT, "too many source tables");
    if (!valid_ident(t->name))
        return KS_ERR(err, KS_EUSAGE, "invalid table name '%s'", t->name);
    for (size_t i = 0; i < t->ncols; i++)
        if (!valid_ident(t->cols[i].name))
            return KS_ERR(err, KS_EUSAGE, "invalid column name in %s", t->name);

    if ((rc = begin(st, err)))
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
    if ((rc = exec(st, sql.data, err)))
        goto done;

    /* Schema evolution: a case made by an older version may lack newer columns. */
    ks_buf_reset(&sql);
    ks_buf_printf(&sql, "SELECT name FROM pragma_table_info('%s')", t->name);
    if (sqlite3_prepare_v2(st->db, sql.data, -1, &q, NULL) != SQLITE_OK) {
        rc = db_err(err, st->db, "reading table info");
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
        if ((rc = exec(st, sql.data, err)))
            goto done;
    }

    ks_buf_reset(&sql);
    ks_buf_printf(&sql, "INSERT INTO %s(event_id, evidence_id, line, offset", t->name);
    for (size_t i = 0; i < t->ncols; i++)
        ks_buf_printf(&sql, ", %s", t->cols[i].name);
    ks_buf_puts(&sql, ") VALUES(?,?,?,?");
    for (size_t i = 0; i < t->ncols; i++)
        ks_buf_puts(&sql, ",?");
    if ((rc = ks_buf_puts(&sql, ")"))) {
        rc = KS_ERR(err, rc, "schema too large");
        goto done;
    }
    table_slot *slot = &st->tables[st->ntables];
    if (sqlite3_prepare_v3(st->db, sql.data, -1, SQLITE_PREPARE_PERSISTENT, &slot->ins, NULL) !=
        SQLITE_OK) {
        rc = db_err(err, st->db, "preparing insert");
        goto done;
    }
    slot->def = t;
    st->ntables++;
done:
    sqlite3_finalize(q);
    ks_buf_free(&sql);
    return rc;
}

/* ---- evidence ----------------------------------------------------------------------- */
int ks_store_evidence_find(ks_store *st, const char *sha256, const char *inner_path,
                           char **out_path, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = KS_ENOTFOUND;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT path FROM evidence WHERE sha256=?1 AND inner_path=?2 AND "
                           "status IN ('parsed','partial','unrecognised') LIMIT 1",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(err, st->db, "looking up evidence");
    sqlite3_bind_text(q, 1, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, inner_path ? inner_path : "", -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(q, 0);
        *out_path = strdup(p ? p : "");
        rc = *out_path ? 0 : KS_ENOMEM;
    }
    sqlite3_finalize(q);
    return rc;
}

static int insert_evidence(ks_store *st, const ks_evidence_info *ev, const char *source,
                           const char *status, const char *note, int64_t *out_id, ks_err *err)
{
    sqlite3_stmt *q = NULL;
    char ts[40];
    int rc;
    if ((rc = begin(st, err)))
        return rc;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO evidence(path, disk_path, inner_path, sha256, size, "
                           "compression, source, status, note, ingested_at) "
                           "VALUES(?,?,?,?,?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(err, st->db, "recording evidence");
    now_iso(ts);
    sqlite3_bind_text(q, 1, ev->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, ev->disk_path, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, ev->inner_path ? ev->inner_path : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, ev->sha256, -1, SQLITE_STATIC);
    if (ev->size >= 0)
        sqlite3_bind_int64(q, 5, ev->size);
    sqlite3_bind_text(q, 6, ev->compression, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 7, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 8, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 9, note, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 10, ts, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
        rc = db_err(err, st->db, "recording evidence");
    } else if (out_id) {
        *out_id = sqlite3_last_insert_rowid(st->db);
    }
    sqlite3_finalize(q);
    return rc;
}

int ks_store_evidence_skip(ks_store *st, const ks_evidence_info *ev, const char *status,
                           const char *reason, ks_err *err)
{
    return insert_evidence(st, ev, NULL, status, reason, NULL, err);
}

int ks_store_member_begin(ks_store *st, const ks_evidence_info *ev, const char *source,
                          ks_sink **out, ks_err *err)
{
    if (st->mode == KS_STORE_READ)
        return KS_ERR(err, KS_EUSAGE, "case opened read-only");
    if (st->sink_busy)
        return KS_ERR(err, KS_EUSAGE, "a member is already being ingested");
    int64_t id = 0;
    int rc = insert_evidence(st, ev, source, "ingesting", NULL, &id, err);
    if (rc)
        return rc;
    ks_sink *s = &st->sink;
    free(s->source);
    free(s->path);
    memset(s, 0, sizeof *s);
    s->st = st;
    s->evidence_id = id;
    s->source = strdup(source);
    s->path = strdup(ev->path);
    s->first_ns = s->last_ns = KS_TIME_NONE;
    if (!s->source || !s->path)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    if (!st->ins_event &&
        sqlite3_prepare_v3(st->db,
                           "INSERT INTO event(time, time_ns, time_desc, source, evidence_id, line, "
                           "offset, host, actor, src_ip, action, target, outcome, account, region, "
                           "message, raw, error) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, SQLITE_PREPARE_PERSISTENT, &st->ins_event, NULL) != SQLITE_OK)
        return db_err(err, st->db, "preparing event insert");
    st->sink_busy = true;
    *out = s;
    return 0;
}

int ks_store_member_end(ks_store *st, ks_sink *s, const char *status, const char *note,
                        ks_err *err)
{
    sqlite3_stmt *q = NULL;
    char first[40] = "", last[40] = "";
    int rc = 0;
    st->sink_busy = false;
    if (s->first_ns != KS_TIME_NONE) {
        ks_time_format(s->first_ns, NULL, 9, first, sizeof first);
        ks_time_format(s->last_ns, NULL, 9, last, sizeof last);
    }
    if (!note && s->warnings)
        note = s->first_warn;
    if (sqlite3_prepare_v2(st->db,
                           "UPDATE evidence SET status=?, note=?, records=?, errors=?, warnings=?, "
                           "first_time=?, last_time=? WHERE id=?",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(err, st->db, "finishing evidence");
    sqlite3_bind_text(q, 1, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, s->records);
    sqlite3_bind_int64(q, 4, s->errors);
    sqlite3_bind_int64(q, 5, s->warnings);
    if (first[0]) {
        sqlite3_bind_text(q, 6, first, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 7, last, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int64(q, 8, s->evidence_id);
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

static void bind_str(sqlite3_stmt *q, int i, ks_str s)
{
    if (s.p)
        sqlite3_bind_text64(q, i, s.p, s.n, SQLITE_STATIC, SQLITE_UTF8);
    else
        sqlite3_bind_null(q, i);
}

static void bind_pos(sqlite3_stmt *q, int i, int64_t v)
{
    if (v >= 0)
        sqlite3_bind_int64(q, i, v);
    else
        sqlite3_bind_null(q, i);
}

static int maybe_rotate_batch(ks_store *st, ks_err *err)
{
    if (++st->batch < BATCH_EVENTS)
        return 0;
    int rc = commit(st, err);
    return rc ? rc : begin(st, err);
}

static int insert_event(ks_sink *s, const ks_event *ev, const char *error, ks_err *err)
{
    ks_store *st = s->st;
    sqlite3_stmt *q = st->ins_event;
    char ts[40];
    int rc = begin(st, err);
    if (rc)
        return rc;
    if (ev->time != KS_TIME_NONE) {
        ks_time_format(ev->time, NULL, 9, ts, sizeof ts);
        sqlite3_bind_text(q, 1, ts, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 2, ev->time);
        if (s->first_ns == KS_TIME_NONE || ev->time < s->first_ns)
            s->first_ns = ev->time;
        if (s->last_ns == KS_TIME_NONE || ev->time > s->last_ns)
            s->last_ns = ev->time;
    }
    sqlite3_bind_text(q, 3, ev->time_desc, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, s->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, s->evidence_id);
    bind_pos(q, 6, ev->line);
    bind_pos(q, 7, ev->offset);
    bind_str(q, 8, ev->host);
    bind_str(q, 9, ev->actor);
    bind_str(q, 10, ev->src_ip);
    bind_str(q, 11, ev->action);
    bind_str(q, 12, ev->target);
    bind_str(q, 13, ev->outcome);
    bind_str(q, 14, ev->account);
    bind_str(q, 15, ev->region);
    bind_str(q, 16, ev->message);
    bind_str(q, 17, ev->raw);
    if (error)
        sqlite3_bind_text(q, 18, error, -1, SQLITE_STATIC);
    int step = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (step != SQLITE_DONE)
        return db_err(err, st->db, "storing event");
    return 0;
}

static int insert_row(ks_sink *s, const ks_table_def *t, const ks_val *vals, int64_t event_id,
                      int64_t line, int64_t offset, ks_err *err)
{
    table_slot *slot = find_table(s->st, t);
    if (!slot) {
        int rc = ks_store_declare(s->st, t, err);
        if (rc)
            return rc;
        slot = find_table(s->st, t);
    }
    sqlite3_stmt *q = slot->ins;
    if (event_id > 0)
        sqlite3_bind_int64(q, 1, event_id);
    sqlite3_bind_int64(q, 2, s->evidence_id);
    bind_pos(q, 3, line);
    bind_pos(q, 4, offset);
    char ts[40];
    for (size_t i = 0; i < t->ncols; i++) {
        const ks_val *v = &vals[i];
        int col = (int)i + 5;
        switch (v->kind) {
        case KS_V_TEXT: bind_str(q, col, v->s); break;
        case KS_V_INT:
            if (t->cols[i].type == KS_COL_TIME) {
                if (v->i == KS_TIME_NONE)
                    break;
                ks_time_format(v->i, NULL, 9, ts, sizeof ts);
                sqlite3_bind_text(q, col, ts, -1, SQLITE_TRANSIENT);
            } else {
                sqlite3_bind_int64(q, col, v->i);
            }
            break;
        case KS_V_REAL: sqlite3_bind_double(q, col, v->d); break;
        default: break;
        }
    }
    int step = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (step != SQLITE_DONE)
        return db_err(err, s->st->db, "storing source row");
    return 0;
}

int ks_sink_event(ks_sink *s, const ks_event *ev, const ks_table_def *t, const ks_val *vals,
                  ks_err *err)
{
    int rc = insert_event(s, ev, NULL, err);
    if (rc)
        return rc;
    if (t && vals) {
        rc = insert_row(s, t, vals, sqlite3_last_insert_rowid(s->st->db), ev->line, ev->offset,
                        err);
        if (rc)
            return rc;
    }
    s->records++;
    return maybe_rotate_batch(s->st, err);
}

int ks_sink_row(ks_sink *s, const ks_table_def *t, const ks_val *vals, ks_err *err)
{
    int rc = begin(s->st, err);
    if (rc)
        return rc;
    rc = insert_row(s, t, vals, 0, -1, -1, err);
    if (rc)
        return rc;
    s->records++;
    return maybe_rotate_batch(s->st, err);
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
    int rc = insert_event(s, &ev, why ? why : "parse error", err);
    ks_buf_free(&note);
    if (s->st->hook)
        s->st->hook(s->st->hook_ctx, s->path, line, offset, why ? why : "parse error");
    if (rc)
        return rc;
    s->errors++;
    return maybe_rotate_batch(s->st, err);
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

int ks_store_commit(ks_store *st, ks_err *err)
{
    int rc = commit(st, err);
    if (rc)
        return rc;
    ks_buf sql;
    ks_buf_init(&sql, 1 << 20);
    ks_buf_puts(&sql, "BEGIN;"
                      "CREATE INDEX IF NOT EXISTS event_time ON event(time_ns);"
                      "CREATE INDEX IF NOT EXISTS event_evidence ON event(evidence_id);");
    for (size_t i = 0; i < st->ntables; i++)
        ks_buf_printf(&sql, "CREATE INDEX IF NOT EXISTS %s_event ON %s(event_id);",
                      st->tables[i].def->name, st->tables[i].def->name);
    ks_buf_puts(&sql, "COMMIT;");
    rc = exec(st, sql.data, err);
    ks_buf_free(&sql);
    if (!rc)
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
    int rc = KS_ENOTFOUND;
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
    int rc = begin(st, err);
    if (rc)
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
