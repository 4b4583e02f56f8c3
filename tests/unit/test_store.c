/* test_store.c — the case store's write path: records queued for the writer thread arrive
 * complete and in order, evidence ids and duplicate lookups stay right across members and
 * reopenings, and a writer failure is reported rather than lost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/time.h"
#include "ktest.h"
#include "store/store.h"

static const ks_column tcols[] = {{"n", KS_COL_INT, "number"},
                                  {"label", KS_COL_TEXT, "text"},
                                  {"at", KS_COL_TIME, "time"}};
static const ks_table_def ttable = {"unit_src", "unit-test source", tcols, 3};

static int first_row(void *ctx, int ncols, const char *const *names, const char *const *vals,
                     const size_t *lens, const char *types)
{
    char *out = ctx;
    if (vals && ncols > 0 && !out[0])
        snprintf(out, 256, "%s", vals[0] ? vals[0] : "NULL");
    return 0;
}

static void q1(ks_store *st, const char *sql, char out[256])
{
    ks_err e;
    ks_err_clear(&e);
    out[0] = '\0';
    if (ks_store_query(st, sql, NULL, 0, first_row, out, &e) != 0)
        snprintf(out, 256, "ERR %s", e.msg);
}

/* A new case in a fresh temporary directory: `dir` is mkdtemp's template and `casedir`
 * (300 bytes) receives dir/case. NULL when it cannot be made (e says why). */
static ks_store *new_case(char *dir, char casedir[300], ks_err *e)
{
    ks_store *st = NULL;
    ks_err_clear(e);
    if (!mkdtemp(dir))
        return NULL;
    snprintf(casedir, 300, "%s/case", dir);
    return ks_store_open(&st, casedir, KS_STORE_CREATE, e) == 0 ? st : NULL;
}

/* Writes n events with rows (and one error record every 1000) as one member. */
static int write_member(ks_store *st, const char *path, const char *sha, int n, ks_err *e)
{
    ks_evidence_info ev = {path, path, NULL, sha, 1, ""};
    ks_sink *s = NULL;
    int rc = ks_store_member_begin(st, &ev, "unit_src", &s, e);
    char label[64];
    for (int i = 0; !rc && i < n; i++) {
        ks_event ev2;
        ks_event_init(&ev2);
        snprintf(label, sizeof label, "record %d", i);
        ev2.time = (int64_t)i * 1000000000;
        ev2.time_desc = "event";
        ev2.action = ks_str_c(label);
        ev2.line = i + 1;
        ks_val v[3] = {ks_v_int(i), ks_v_text(ks_str_c(label)), ks_v_int(ev2.time)};
        rc = ks_sink_event(s, &ev2, &ttable, v, e);
        if (!rc && i % 1000 == 999)
            rc = ks_sink_error(s, i + 1, -1, "unit error", label, strlen(label), e);
    }
    if (!rc)
        rc = ks_store_member_end(st, s, "parsed", NULL, e);
    return rc;
}

KTEST(test_store_writer_keeps_every_record_in_order_across_batches)
{
    ks_store *st = NULL;
    ks_err e;
    ks_err_clear(&e);
    KT_REQUIRE(ks_store_open_memory(&st, &e) == 0);
    /* 20,000 events: several 4,096-record batches, handed over while the parser runs on. */
    KT_CHECK(write_member(st, "a.log", "aa", 20000, &e) == 0);
    char out[256];
    q1(st, "SELECT count(*) FROM event WHERE error IS NULL", out);
    KT_EQ_STR(out, "20000");
    q1(st, "SELECT count(*) FROM event WHERE error IS NOT NULL", out);
    KT_EQ_STR(out, "20");
    q1(st, "SELECT count(*) FROM unit_src u JOIN event e ON e.id = u.event_id "
           "WHERE e.action = u.label AND e.line = u.n + 1 AND e.time_ns = u.n * 1000000000", out);
    KT_EQ_STR(out, "20000");
    /* ids grow with the order of the calls */
    q1(st, "SELECT count(*) FROM unit_src a JOIN unit_src b ON b.id = a.id + 1 WHERE b.n < a.n",
       out);
    KT_EQ_STR(out, "0");
    q1(st, "SELECT records || '/' || errors || '/' || status FROM evidence", out);
    KT_EQ_STR(out, "20000/20/parsed");
    ks_store_close(st);
}

KTEST(test_store_evidence_ids_and_duplicates_survive_members_and_reopen)
{
    char dir[] = "/tmp/ks-unit-store-XXXXXX", casedir[300];
    ks_err e;
    ks_store *st = new_case(dir, casedir, &e);
    KT_REQUIRE(st != NULL);
    KT_CHECK(write_member(st, "a.log", "aa", 10, &e) == 0);
    char *dup = NULL;
    /* seen before the writer has applied anything: answered from the index */
    KT_CHECK(ks_store_evidence_find(st, "aa", NULL, &dup, &e) == 0);
    KT_EQ_STR(dup, "a.log");
    free(dup);
    dup = NULL;
    KT_CHECK(write_member(st, "b.log", "bb", 10, &e) == 0);
    ks_evidence_info skip = {"c.bin", "c.bin", NULL, "cc", 1, ""};
    KT_CHECK(ks_store_evidence_skip(st, &skip, "unrecognised", "no parser", &e) == 0);
    KT_CHECK(ks_store_evidence_find(st, "cc", "", &dup, &e) == 0);
    free(dup);
    dup = NULL;
    KT_CHECK(ks_store_evidence_find(st, "aa", "inner", &dup, &e) == KS_ENOTFOUND);
    KT_CHECK(ks_store_commit(st, &e) == 0);
    ks_store_close(st);

    KT_REQUIRE(ks_store_open(&st, casedir, KS_STORE_CREATE, &e) == 0);
    KT_CHECK(ks_store_evidence_find(st, "bb", NULL, &dup, &e) == 0);
    KT_EQ_STR(dup, "b.log");
    free(dup);
    KT_CHECK(write_member(st, "d.log", "dd", 5, &e) == 0);
    char out[256];
    q1(st, "SELECT group_concat(id || ':' || path, ',') FROM (SELECT * FROM evidence ORDER BY id)",
       out);
    KT_EQ_STR(out, "1:a.log,2:b.log,3:c.bin,4:d.log");
    q1(st, "SELECT count(*) FROM event e JOIN evidence v ON v.id = e.evidence_id "
           "WHERE v.path = 'd.log' AND e.source = 'unit_src'", out);
    KT_EQ_STR(out, "5");
    ks_store_close(st);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    KT_CHECK(system(cmd) == 0);
}

/* A source row carries its event's id as its own id; rows without an event take ids from the
 * same counter, so no later event can collide with them — also in a case whose rows were
 * numbered otherwise by an earlier version (simulated by a source row with a large id). */
KTEST(test_store_source_row_id_is_its_event_id_and_rows_never_collide)
{
    char dir[] = "/tmp/ks-unit-store-XXXXXX", casedir[300];
    ks_err e;
    ks_store *st = new_case(dir, casedir, &e);
    KT_REQUIRE(st != NULL);
    KT_CHECK(write_member(st, "a.log", "aa", 37, &e) == 0);
    ks_evidence_info ev = {"r.log", "r.log", NULL, "rr", 1, ""};
    ks_sink *s = NULL;
    KT_REQUIRE(ks_store_member_begin(st, &ev, "unit_src", &s, &e) == 0);
    for (int i = 0; i < 3; i++) {
        ks_val v[3] = {ks_v_int(1000 + i), ks_v_text(ks_str_c("row only")), ks_v_null()};
        KT_CHECK(ks_sink_row(s, &ttable, v, &e) == 0);
    }
    KT_CHECK(ks_store_member_end(st, s, "parsed", NULL, &e) == 0);
    KT_CHECK(write_member(st, "b.log", "bb", 40, &e) == 0);
    char out[256];
    q1(st, "SELECT count(*) FROM unit_src WHERE event_id IS NOT NULL AND id != event_id", out);
    KT_EQ_STR(out, "0");
    q1(st, "SELECT count(*) FROM unit_src u JOIN event e ON e.id = u.id WHERE u.event_id IS NULL",
       out);
    KT_EQ_STR(out, "0");
    q1(st, "SELECT count(*) || ' ' || count(DISTINCT id) FROM unit_src", out);
    KT_EQ_STR(out, "80 80");
    KT_CHECK(ks_store_commit(st, &e) == 0);
    ks_store_close(st);

    /* an older case: a source row numbered past every event */
    char db[400], cmd[600];
    snprintf(db, sizeof db, "%s/sources.db", casedir);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"UPDATE unit_src SET id = 5000 WHERE n = 1002\"", db);
    KT_REQUIRE(system(cmd) == 0);
    /* ...committed in both files: case.db's mark covers it */
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s/case.db' \"UPDATE meta SET value = '5001' WHERE key = 'sources_next_id'\"",
             casedir);
    KT_REQUIRE(system(cmd) == 0);
    KT_REQUIRE(ks_store_open(&st, casedir, KS_STORE_CREATE, &e) == 0);
    KT_CHECK(write_member(st, "c.log", "cc", 5, &e) == 0);
    q1(st, "SELECT min(u.id) FROM unit_src u JOIN evidence v ON v.id = u.evidence_id "
           "WHERE v.path = 'c.log'", out);
    KT_EQ_STR(out, "5001");
    q1(st, "SELECT count(*) FROM unit_src WHERE event_id IS NOT NULL AND id != event_id", out);
    KT_EQ_STR(out, "0");
    ks_store_close(st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    KT_CHECK(system(cmd) == 0);
}

KTEST(test_store_writer_failure_is_reported_not_lost)
{
    ks_store *st = NULL;
    ks_err e;
    ks_err_clear(&e);
    KT_REQUIRE(ks_store_open_memory(&st, &e) == 0);
    KT_REQUIRE(ks_store_declare(st, &ttable, &e) == 0);
    char out[256];
    /* The writer thread's insert of record 5000 fails; the parser learns it on a later
     * call, or at the latest when the store next waits for the writer (commit, query, close),
     * with SQLite's reason. */
    q1(st, "CREATE TRIGGER unit_fail BEFORE INSERT ON unit_src WHEN NEW.n = 5000 "
           "BEGIN SELECT RAISE(ABORT, 'unit failure'); END",
       out);
    KT_EQ_STR(out, "");
    int rc = write_member(st, "a.log", "aa", 20000, &e);
    if (rc == 0) /* the writer had not reached it yet: the next sync reports it */
        rc = ks_store_commit(st, &e);
    KT_EQ_INT(rc, KS_EDB);
    KT_CHECK(strstr(e.msg, "unit failure") != NULL);
    ks_store_close(st);
}

/* A row SQLite declines to store (here a trigger's RAISE(IGNORE), as a refused constraint
 * would under the inserts' OR IGNORE) stops the ingest with an error: never a silent loss. */
KTEST(test_store_row_refused_by_the_database_is_an_error_not_a_loss)
{
    ks_store *st = NULL;
    ks_err e;
    ks_err_clear(&e);
    KT_REQUIRE(ks_store_open_memory(&st, &e) == 0);
    KT_REQUIRE(ks_store_declare(st, &ttable, &e) == 0);
    char out[256];
    q1(st, "CREATE TRIGGER unit_skip BEFORE INSERT ON unit_src WHEN NEW.n = 777 "
           "BEGIN SELECT RAISE(IGNORE); END",
       out);
    KT_EQ_STR(out, "");
    int rc = write_member(st, "a.log", "aa", 2000, &e);
    if (rc == 0)
        rc = ks_store_commit(st, &e);
    KT_EQ_INT(rc, KS_EDB);
    KT_CHECK(strstr(e.msg, "refused by a constraint") != NULL);
    ks_store_close(st);
}

/* Runs sqlite3 on a case file (`file` in casedir) and returns its first output line. */
static void sh1(const char *casedir, const char *file, const char *sql, char out[256])
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s/%s' \"%s\" 2>&1", casedir, file, sql);
    out[0] = '\0';
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    if (fgets(out, 256, p))
        out[strcspn(out, "\n")] = '\0';
    pclose(p);
}

static void rmrf(const char *dir)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

/* A new case keeps its source tables in sources.db (written by a second thread); every
 * connection of the case attaches it, so queries name the tables as before, also read-only. */
KTEST(test_store_new_case_keeps_source_tables_in_sources_db_attached_for_queries)
{
    char dir[] = "/tmp/ks-unit-store-XXXXXX", casedir[300], out[256];
    ks_err e;
    ks_store *st = new_case(dir, casedir, &e);
    KT_REQUIRE(st != NULL);
    KT_CHECK(write_member(st, "a.log", "aa", 3000, &e) == 0);
    q1(st, "SELECT count(*) FROM unit_src u JOIN events e ON e.id = u.event_id", out);
    KT_EQ_STR(out, "3000"); /* read in the middle of a run: committed and attached first */
    KT_CHECK(write_member(st, "b.log", "bb", 500, &e) == 0);
    KT_CHECK(ks_store_commit(st, &e) == 0);
    ks_store_close(st);
    sh1(casedir, "case.db", "SELECT count(*) FROM sqlite_master WHERE name='unit_src'", out);
    KT_EQ_STR(out, "0");
    sh1(casedir, "sources.db", "SELECT count(*) FROM unit_src", out);
    KT_EQ_STR(out, "3500");
    sh1(casedir, "case.db", "PRAGMA user_version", out);
    KT_EQ_STR(out, "2");
    KT_REQUIRE(ks_store_open(&st, casedir, KS_STORE_READ, &e) == 0);
    q1(st, "SELECT count(*) || ' ' || sum(u.label = e.action) FROM unit_src u "
           "JOIN events e ON e.id = u.id",
       out);
    KT_EQ_STR(out, "3500 3500");
    q1(st, "SELECT count(*) FROM pragma_table_info('unit_src')", out);
    KT_EQ_STR(out, "8");
    q1(st, "DELETE FROM unit_src", out);
    KT_CHECK(strncmp(out, "ERR", 3) == 0);
    ks_store_close(st);
    rmrf(dir);
}

/* A case made by version 1 (source tables inside case.db) is written in place: no
 * sources.db appears, new rows join the old ones, ids go on. */
KTEST(test_store_one_file_case_of_version_1_is_written_in_place)
{
    char dir[] = "/tmp/ks-unit-store-XXXXXX", casedir[300], out[256], path[400];
    ks_err e;
    ks_store *st = new_case(dir, casedir, &e);
    KT_REQUIRE(st != NULL);
    KT_CHECK(write_member(st, "a.log", "aa", 40, &e) == 0);
    KT_CHECK(ks_store_commit(st, &e) == 0);
    ks_store_close(st);
    /* turn it into what version 1 wrote */
    char sql[900];
    snprintf(sql, sizeof sql,
        "ATTACH '%s/sources.db' AS s; CREATE TABLE unit_src(id INTEGER PRIMARY KEY, event_id "
        "INTEGER, evidence_id INTEGER, line INTEGER, offset INTEGER, n INTEGER, label TEXT, "
        "at TEXT); INSERT INTO unit_src SELECT * FROM s.unit_src; DELETE FROM meta WHERE "
        "key='sources_next_id'; UPDATE meta SET value='1' WHERE key='schema_version'; "
        "PRAGMA user_version=1;", casedir);
    sh1(casedir, "case.db", sql, out);
    KT_EQ_STR(out, "");
    snprintf(path, sizeof path, "%s/sources.db", casedir);
    KT_REQUIRE(unlink(path) == 0);
    KT_REQUIRE(ks_store_open(&st, casedir, KS_STORE_WRITE, &e) == 0);
    KT_CHECK(write_member(st, "b.log", "bb", 25, &e) == 0);
    KT_CHECK(ks_store_commit(st, &e) == 0);
    q1(st, "SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || max(id) FROM unit_src", out);
    KT_EQ_STR(out, "65 65 65");
    ks_store_close(st);
    KT_CHECK(access(path, F_OK) != 0);
    sh1(casedir, "case.db", "SELECT count(*) FROM unit_src", out);
    KT_EQ_STR(out, "65");
    sh1(casedir, "case.db", "PRAGMA user_version", out);
    KT_EQ_STR(out, "1");
    rmrf(dir);
}

/* A crash between the two files' commits leaves rows in sources.db that case.db never
 * committed (at or above its sources_next_id), and a member cut short leaves rows of an
 * evidence still marked 'ingesting': the next write-open removes both from sources.db. */
KTEST(test_store_rows_committed_only_in_sources_db_are_removed_on_reopen)
{
    char dir[] = "/tmp/ks-unit-store-XXXXXX", casedir[300], out[256];
    ks_err e;
    ks_store *st = new_case(dir, casedir, &e);
    KT_REQUIRE(st != NULL);
    KT_CHECK(write_member(st, "a.log", "aa", 100, &e) == 0);
    KT_CHECK(write_member(st, "b.log", "bb", 50, &e) == 0);
    KT_CHECK(ks_store_commit(st, &e) == 0);
    ks_store_close(st);
    sh1(casedir, "case.db", "SELECT value FROM meta WHERE key='sources_next_id'", out);
    KT_EQ_STR(out, "151"); /* 150 events, ids 1..150 */
    sh1(casedir, "sources.db",
        "INSERT INTO unit_src(id, event_id, evidence_id, n) VALUES(151, 151, 3, 1), "
        "(170, 170, 3, 2)",
        out);
    KT_EQ_STR(out, "");
    sh1(casedir, "case.db", "UPDATE evidence SET status='ingesting' WHERE path='b.log'", out);
    KT_EQ_STR(out, "");
    KT_REQUIRE(ks_store_open(&st, casedir, KS_STORE_WRITE, &e) == 0);
    q1(st, "SELECT count(*) || ' ' || max(id) FROM unit_src", out);
    KT_EQ_STR(out, "100 100");
    q1(st, "SELECT status FROM evidence WHERE path='b.log'", out);
    KT_EQ_STR(out, "interrupted");
    q1(st, "SELECT count(*) FROM event e JOIN evidence v ON v.id = e.evidence_id "
           "WHERE v.path = 'b.log'",
       out);
    KT_EQ_STR(out, "0");
    ks_store_close(st);
    rmrf(dir);
}

/* Commits in the middle of a run: both threads commit at the same batch, sources.db first,
 * and case.db's mark then covers every row stored. */
KTEST(test_store_two_writer_threads_commit_together_in_the_middle_of_a_run)
{
    char dir[] = "/tmp/ks-unit-store-XXXXXX", casedir[300], out[256];
    ks_err e;
    ks_store *st = new_case(dir, casedir, &e);
    KT_REQUIRE(st != NULL);
    ks_store_set_commit_every(st, 997);
    KT_CHECK(write_member(st, "a.log", "aa", 30000, &e) == 0);
    KT_CHECK(write_member(st, "b.log", "bb", 7000, &e) == 0);
    KT_CHECK(ks_store_commit(st, &e) == 0);
    ks_store_close(st);
    sh1(casedir, "sources.db", "SELECT count(*) || ' ' || max(id) FROM unit_src", out);
    KT_EQ_STR(out, "37000 37036"); /* 37 error records have ids but no row, the last one 37037 */
    sh1(casedir, "case.db", "SELECT value FROM meta WHERE key='sources_next_id'", out);
    KT_EQ_STR(out, "37038");
    sh1(casedir, "case.db", "SELECT count(*) FROM event", out);
    KT_EQ_STR(out, "37037");
    rmrf(dir);
}

/* The rows thread failing (a trigger inside sources.db refuses record 5000) is reported,
 * and the events thread, which waits for it at each commit, does not wait forever. */
KTEST(test_store_rows_thread_failure_is_reported_and_the_events_thread_does_not_hang)
{
    char dir[] = "/tmp/ks-unit-store-XXXXXX", casedir[300], out[256];
    ks_err e;
    ks_store *st = new_case(dir, casedir, &e);
    KT_REQUIRE(st != NULL);
    KT_CHECK(write_member(st, "a.log", "aa", 10, &e) == 0);
    KT_CHECK(ks_store_commit(st, &e) == 0);
    ks_store_close(st);
    sh1(casedir, "sources.db",
        "CREATE TRIGGER unit_fail BEFORE INSERT ON unit_src WHEN NEW.n = 5000 "
        "BEGIN SELECT RAISE(ABORT, 'unit failure'); END",
        out);
    KT_EQ_STR(out, "");
    KT_REQUIRE(ks_store_open(&st, casedir, KS_STORE_WRITE, &e) == 0);
    ks_store_set_commit_every(st, 1000);
    int rc = write_member(st, "b.log", "bb", 20000, &e);
    if (rc == 0)
        rc = ks_store_commit(st, &e);
    KT_EQ_INT(rc, KS_EDB);
    KT_CHECK(strstr(e.msg, "unit failure") != NULL);
    ks_store_close(st);
    rmrf(dir);
}

typedef struct time_check {
    int rows, bad;
} time_check;

static int check_times(void *ctx, int ncols, const char *const *names, const char *const *vals,
                       const size_t *lens, const char *types)
{
    time_check *c = ctx;
    (void)names;
    (void)lens;
    (void)types;
    if (!vals || ncols != 3)
        return 0;
    char want[40];
    ks_time_format(strtoll(vals[0], NULL, 10), NULL, 9, want, sizeof want);
    c->rows++;
    if (!vals[1] || !vals[2] || strcmp(vals[1], want) || strcmp(vals[2], want)) {
        if (c->bad++ < 3)
            fprintf(stderr, "time %s: event %s, row %s, want %s\n", vals[0],
                    vals[1] ? vals[1] : "NULL", vals[2] ? vals[2] : "NULL", want);
    }
    return 0;
}

/* Times are formatted by the writers from a cache by second: every event time and time
 * column still reads exactly as ks_time_format writes it — same-second runs, second and
 * day boundaries, times before 1970. */
KTEST(test_store_times_formatted_from_the_cache_equal_ks_time_format)
{
    ks_store *st = NULL;
    ks_err e;
    ks_err_clear(&e);
    KT_REQUIRE(ks_store_open_memory(&st, &e) == 0);
    ks_evidence_info ev = {"t.log", "t.log", NULL, "tt", 1, ""};
    ks_sink *s = NULL;
    KT_REQUIRE(ks_store_member_begin(st, &ev, "unit_src", &s, &e) == 0);
    uint64_t x = 88172645463325252ull;
    int64_t t = 1763769599000000000ll; /* 2025-11-21T23:59:59Z */
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        switch (x % 4) {
        case 0: t += (int64_t)(x % 1000); break;            /* same second */
        case 1: t += (int64_t)(x % 2000000000); break;      /* the next second or two */
        case 2: t = -(int64_t)(x % 4000000000000000000ull); break; /* before 1970 */
        default: t = (int64_t)(x % 4000000000000000000ull); break;
        }
        ks_event ev2;
        ks_event_init(&ev2);
        ev2.time = t;
        ev2.action = KS_STR_LIT("tick");
        ks_val v[3] = {ks_v_int(i), ks_v_text(KS_STR_LIT("x")), ks_v_int(t)};
        KT_REQUIRE(ks_sink_event(s, &ev2, &ttable, v, &e) == 0);
    }
    KT_REQUIRE(ks_store_member_end(st, s, "parsed", NULL, &e) == 0);
    time_check c = {0, 0};
    KT_CHECK(ks_store_query(st, "SELECT e.time_ns, e.time, u.at FROM event e JOIN unit_src u "
                                "ON u.id = e.id",
                            NULL, 0, check_times, &c, &e) == 0);
    KT_EQ_INT(c.rows, 20000);
    KT_EQ_INT(c.bad, 0);
    ks_store_close(st);
}

/* The writers skip binding a NULL where the statement already holds one: values that
 * alternate between NULL and not, at different periods in different columns and across
 * single-row and multi-row statements, are all stored as given. */
KTEST(test_store_nulls_and_values_alternating_are_stored_as_given)
{
    ks_store *st = NULL;
    ks_err e;
    ks_err_clear(&e);
    KT_REQUIRE(ks_store_open_memory(&st, &e) == 0);
    ks_evidence_info ev = {"n.log", "n.log", NULL, "nn", 1, ""};
    ks_sink *s = NULL;
    KT_REQUIRE(ks_store_member_begin(st, &ev, "unit_src", &s, &e) == 0);
    for (int i = 0; i < 5003; i++) {
        ks_event ev2;
        ks_event_init(&ev2);
        ev2.time = i % 11 ? (int64_t)i * 1000 : KS_TIME_NONE;
        ev2.action = KS_STR_LIT("a");
        if (i % 2)
            ev2.host = KS_STR_LIT("h");
        ev2.line = i % 13 ? i + 1 : -1;
        ks_val v[3] = {i % 7 ? ks_v_int(i) : ks_v_null(),
                       i % 3 ? ks_v_text(KS_STR_LIT("x")) : ks_v_null(),
                       i % 5 ? ks_v_int((int64_t)i * 1000) : ks_v_null()};
        KT_REQUIRE(ks_sink_event(s, &ev2, &ttable, v, &e) == 0);
        if (i % 997 == 0) /* an event without a row now and then */
            KT_REQUIRE(ks_sink_error(s, i + 1, -1, "unit", "r", 1, &e) == 0);
    }
    KT_REQUIRE(ks_store_member_end(st, s, "parsed", NULL, &e) == 0);
    char out[256];
    q1(st, "SELECT sum((n IS NULL) = (rn % 7 = 0)) || ' ' || sum((label IS NULL) = (rn % 3 = 0)) "
           "|| ' ' || sum((at IS NULL) = (rn % 5 = 0)) FROM (SELECT u.*, row_number() OVER "
           "(ORDER BY u.id) - 1 AS rn FROM unit_src u)",
       out);
    KT_EQ_STR(out, "5003 5003 5003");
    q1(st, "SELECT sum((e.host IS NULL) = (rn % 2 = 0)) || ' ' || sum((e.time IS NULL) = "
           "(rn % 11 = 0)) || ' ' || sum((e.line IS NULL) = (rn % 13 = 0)) FROM (SELECT e.*, "
           "row_number() OVER (ORDER BY e.id) - 1 AS rn FROM event e WHERE e.error IS NULL) e",
       out);
    KT_EQ_STR(out, "5003 5003 5003");
    q1(st, "SELECT count(*) FROM event WHERE error IS NOT NULL AND host IS NULL AND time IS NULL",
       out);
    KT_EQ_STR(out, "6");
    ks_store_close(st);
}

/* A two-file case whose sources.db is gone is refused, read or write, rather than opened
 * with its source tables silently missing (or recreated empty). */
KTEST(test_store_two_file_case_without_sources_db_is_refused)
{
    char dir[] = "/tmp/ks-unit-store-XXXXXX", casedir[300], path[400];
    ks_err e;
    ks_store *st = new_case(dir, casedir, &e);
    KT_REQUIRE(st != NULL);
    KT_CHECK(write_member(st, "a.log", "aa", 10, &e) == 0);
    KT_CHECK(ks_store_commit(st, &e) == 0);
    ks_store_close(st);
    snprintf(path, sizeof path, "%s/sources.db", casedir);
    KT_REQUIRE(unlink(path) == 0);
    st = NULL;
    KT_CHECK(ks_store_open(&st, casedir, KS_STORE_WRITE, &e) != 0);
    KT_CHECK(strstr(e.msg, "sources.db") != NULL);
    KT_CHECK(st == NULL);
    ks_err_clear(&e);
    KT_CHECK(ks_store_open(&st, casedir, KS_STORE_READ, &e) != 0);
    KT_CHECK(strstr(e.msg, "sources.db") != NULL);
    KT_CHECK(access(path, F_OK) != 0);
    rmrf(dir);
}
