/* ingest_dumps.c — after ingest: dumps of one database are diffed in the order of their
 * own timestamps, and each change is matched against the statements already in the case.
 *
 * Which dumps: every db_dump record of the case, grouped by database name (dumps that name
 * none are grouped by kind, MySQL or PostgreSQL), ordered by dump time (the file's mtime
 * when the dump has no time), then by evidence id. The dumps this ingest run recorded
 * (evidence ids above after_evidence_id) take their place among those of earlier runs, and
 * each pair of neighbours with at least one new dump in it is diffed — unless a db_change
 * member of that pair is already in the case (path "BEFORE -> AFTER", sha256 the later
 * dump's, recorded after both dumps): a pair is diffed once in the life of the case. (A
 * pair with a new dump in it cannot have been diffed by an earlier run, since ingesting a
 * file again is refused as a duplicate; the check is the guard all the same.) A new dump
 * between two earlier ones (A < new < B) gives A -> new and new -> B; the A -> B changes
 * already recorded stay. A run without new dumps diffs nothing.
 *
 * Reading again: ks_dump_diff (src/db/dump_diff.c) reads each dump twice: a file through
 * the evidence layer (so compressed dumps work), a member of a zip/tar archive by walking
 * its archive again to the member (evidence.disk_path, inner_path). A dump of an earlier
 * run is first hashed again: when its file is gone or no longer has the SHA-256 recorded
 * at ingest, its pairs are not diffed, a warning names the file, and the ingest ends with
 * status 3 (input not read) — changed evidence is never read silently. Dumps of this run
 * were hashed by the walk moments before (the time between hash and read is not covered).
 *
 * Each change becomes an event and a row of table `db_change` in a member of its own
 * (source db_change; path "BEFORE -> AFTER"), timed at the later dump.
 *
 * explained_by — the event id of a statement that could have made the change, or NULL:
 *   1. a binlog row change of the same table and operation (added: insert/update, deleted:
 *      delete, changed: update/insert) whose image has the same primary-key values (no
 *      primary key: the same values in all of at most 8 columns), timed after the earlier
 *      dump and no later than the later one (explained_how "binlog row");
 *   2. else a logged write statement (db_log: general, audit, slow, PostgreSQL logs) in that
 *      interval whose objects include the table (write:T or write:db.T), whose verb fits
 *      (INSERT/REPLACE; DELETE/TRUNCATE; UPDATE/INSERT/REPLACE), and that either holds the
 *      first key column's value as a whole literal ('v' for strings, digits not part of a
 *      longer number) — "statement names key" — or has no WHERE at all (a mass UPDATE or
 *      DELETE, TRUNCATE) — "statement without WHERE";
 *   3. tables without a primary key: a fitting write statement on the table in the interval
 *      ("statement on table (no key)");
 *   4. tables created or dropped, and the rows of a dropped table: a CREATE / DROP of the
 *      table in the binlog or the logs in the interval ("ddl statement").
 * Limits: statements choosing rows by other columns, ranges or subqueries are not matched
 * (the change looks unexplained); a literal equal to the key by coincidence matches (the
 * change looks explained); times must be right (MySQL dump times and some logs are in the
 * server's local time, taken as UTC); the statement found could have made the change, it is
 * not proven to have. A change without explanation is what the logs cannot account for:
 * made with logging off, on another server, or by editing the files. Statements are looked
 * up in the whole case, so logs ingested in an earlier run or with the later dump count;
 * logs ingested after a pair was diffed do not revisit its changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ingest.h"
#include "evidence/evidence.h"
#include "core/time.h"
#include "db/binlog.h"
#include "db/dump_diff.h"

static const ks_column k_cols[] = {
    {"database", KS_COL_TEXT, "database of the two dumps"},
    {"table_name", KS_COL_TEXT, "table"},
    {"key", KS_COL_TEXT, "primary key of the row (\"id=3\"); whole row without one"},
    {"kind", KS_COL_TEXT, "added, deleted, changed (rows); table_created, table_dropped"},
    {"changed_columns", KS_COL_TEXT, "columns whose value changed (space separated)"},
    {"before", KS_COL_JSON, "row in the earlier dump {column: value}"},
    {"after", KS_COL_JSON, "row in the later dump"},
    {"before_dump", KS_COL_TEXT, "path of the earlier dump"},
    {"after_dump", KS_COL_TEXT, "path of the later dump"},
    {"explained_by", KS_COL_INT, "event id of a statement that could have made the change, or NULL"},
    {"explained_how", KS_COL_TEXT, "binlog row, statement names key, statement without WHERE, ddl statement"},
};
#define NCOLS (sizeof k_cols / sizeof k_cols[0])
static const ks_table_def k_table = {"db_change", "changes between consecutive dumps of a "
                                     "database, matched against logged statements",
                                     k_cols, NCOLS};

/* Dumps in one case that are looked at; a case with more warns and diffs the first ones. */
#define MAX_DUMPS 100000

typedef struct dump {
    int64_t evid;
    char *path, *disk_path, *group, *database, *sha;
    char *inner; /* path inside a zip/tar archive, or NULL */
    int64_t time;
    int is_new;  /* recorded by this ingest run */
    int checked; /* an earlier run's dump: its file hashed again (ok says the result) */
    int ok;
} dump;

typedef struct dumps {
    dump *d; /* owned, n of cap used */
    size_t n, cap;
    int more;
    int nomem;
} dumps;

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s ? s : "", s ? n : 0);
        p[s ? n : 0] = '\0';
    }
    return p;
}

static int collect(void *ctx, int ncols, const char *const *names, const char *const *vals,
                   const size_t *lens, const char *types)
{
    dumps *ds = ctx;
    if (!vals)
        return 0;
    if (ds->n >= MAX_DUMPS) {
        ds->more = 1;
        return 1;
    }
    if (ds->n == ds->cap) {
        size_t cap = ds->cap ? ds->cap * 2 : 16;
        dump *nd = realloc(ds->d, cap * sizeof *nd);
        if (!nd) {
            ds->nomem = 1;
            return 1;
        }
        ds->d = nd;
        ds->cap = cap;
    }
    dump *d = &ds->d[ds->n];
    memset(d, 0, sizeof *d);
    ds->n++; /* counted before the copies, so that they are freed whatever happens */
    d->evid = vals[0] ? strtoll(vals[0], NULL, 10) : 0;
    d->path = dupn(vals[1], lens[1]);
    d->disk_path = dupn(vals[2], lens[2]);
    d->group = dupn(vals[3], lens[3]);
    d->database = dupn(vals[4], lens[4]);
    d->time = vals[5] ? strtoll(vals[5], NULL, 10) : KS_TIME_NONE;
    d->sha = dupn(vals[6], lens[6]);
    if (vals[7] && lens[7])
        d->inner = dupn(vals[7], lens[7]);
    if (!d->path || !d->disk_path || !d->group || !d->database || !d->sha ||
        (vals[7] && lens[7] && !d->inner)) {
        ds->nomem = 1;
        return 1;
    }
    return 0;
}

static int first_int(void *ctx, int ncols, const char *const *names, const char *const *vals,
                     const size_t *lens, const char *types)
{
    int64_t *out = ctx;
    if (vals && vals[0]) {
        *out = strtoll(vals[0], NULL, 10);
        return 1;
    }
    return 0;
}

/* ---- one diff ------------------------------------------------------------------------ */
typedef struct diffctx {
    ks_store *st;
    ks_sink *sink;
    const dump *a, *b;
    ks_err *err;
    int failed;
    ks_buf before, after, raw, changed, sql;
} diffctx;

static int is_number(const char *p, size_t n)
{
    if (!n || n > 40)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || p[i] == '.' || (i == 0 && p[i] == '-')))
            return 0;
    return 1;
}

static int64_t query_id(diffctx *c, const char *sql, const char *const *params, size_t np)
{
    int64_t id = 0;
    ks_err e;
    ks_err_clear(&e);
    if (ks_store_query(c->st, sql, params, np, first_int, &id, &e) != 0 && e.code && id == 0)
        return 0; /* a source table absent from this case */
    return id;
}

static int64_t explain_table(diffctx *c, const char *table, const char *act, const char **how);

/* The table's own name: pg_dump qualifies it with the schema ("public.t"), while logged
 * statements name it as the session wrote it ("t", "db.t", "public.t"). */
static const char *bare(const char *table)
{
    const char *dot = strrchr(table, '.');
    return dot ? dot + 1 : table;
}

static int64_t explain_row(diffctx *c, const ks_dump_change *ch, const char **how)
{
    char t0[32], t1[32];
    snprintf(t0, sizeof t0, "%lld", (long long)c->a->time);
    snprintf(t1, sizeof t1, "%lld", (long long)c->b->time);
    const ks_str *row = ch->kind == KS_DUMP_ROW_DELETED ? ch->before : ch->after;
    const char *ops = ch->kind == KS_DUMP_ROW_ADDED     ? "'insert','update'"
                      : ch->kind == KS_DUMP_ROW_DELETED ? "'delete'"
                                                        : "'update','insert'";
    const char *img = ch->kind == KS_DUMP_ROW_DELETED ? "b.before" : "b.after";
    /* 1. binlog rows with the same key values (tables without a primary key: the same
     * values in every column, for up to 8 columns) */
    int allcols[8];
    const int *keyc = ch->pk;
    size_t nkey = ch->npk;
    if (!nkey && ch->ncols <= 8) {
        for (size_t k = 0; k < ch->ncols; k++)
            allcols[k] = (int)k;
        keyc = allcols;
        nkey = ch->ncols;
    }
    if (nkey && nkey <= 8 && row) {
        ks_buf_reset(&c->sql);
        ks_buf_printf(&c->sql,
                      "SELECT b.event_id FROM binlog b JOIN event e ON e.id = b.event_id "
                      "WHERE b.table_name = ?1 AND (?2 = '' OR b.db = ?2) AND b.op IN (%s) "
                      "AND e.time_ns > CAST(?3 AS INTEGER) AND e.time_ns <= CAST(?4 AS INTEGER)",
                      ops);
        const char *params[4 + 16];
        char *owned[16] = {0};
        size_t np = 4;
        params[0] = bare(ch->table);
        params[1] = c->a->database;
        params[2] = t0;
        params[3] = t1;
        int ok = 1;
        for (size_t k = 0; k < nkey && ok; k++) {
            size_t ci = (size_t)keyc[k];
            if (ci >= ch->ncols || !row[ci].p) {
                ok = 0;
                break;
            }
            /* json path $."col" (names with '"' are not matched) */
            if (strchr(ch->cols[ci], '"')) {
                ok = 0;
                break;
            }
            size_t cl = strlen(ch->cols[ci]);
            owned[2 * k] = malloc(cl + 5);
            owned[2 * k + 1] = dupn(row[ci].p, row[ci].n);
            if (!owned[2 * k] || !owned[2 * k + 1]) {
                ok = 0;
                break;
            }
            snprintf(owned[2 * k], cl + 5, "$.\"%s\"", ch->cols[ci]);
            params[np++] = owned[2 * k];
            params[np++] = owned[2 * k + 1];
            ks_buf_printf(&c->sql, " AND CAST(json_extract(%s, ?%zu) AS TEXT) = ?%zu", img,
                          np - 1, np);
        }
        ks_buf_puts(&c->sql, " ORDER BY e.time_ns DESC LIMIT 1");
        int64_t id = ok && c->sql.data ? query_id(c, c->sql.data, params, np) : 0;
        for (size_t k = 0; k < 16; k++)
            free(owned[k]);
        if (id) {
            *how = "binlog row";
            return id;
        }
    }
    /* 2. logged statements */
    const char *verbs = ch->kind == KS_DUMP_ROW_ADDED     ? "'INSERT','REPLACE','LOAD DATA'"
                        : ch->kind == KS_DUMP_ROW_DELETED ? "'DELETE','TRUNCATE','TRUNCATE TABLE'"
                                                          : "'UPDATE','INSERT','REPLACE'";
    char tw[600], tq[600];
    snprintf(tw, sizeof tw, " write:%s ", bare(ch->table));
    snprintf(tq, sizeof tq, ".%s ", bare(ch->table));
    ks_buf_reset(&c->sql);
    ks_buf_printf(&c->sql,
                  "SELECT d.event_id FROM db_log d JOIN event e ON e.id = d.event_id "
                  "WHERE d.sql_verb IN (%s) AND e.time_ns > CAST(?3 AS INTEGER) "
                  "AND e.time_ns <= CAST(?4 AS INTEGER) "
                  "AND (instr(' ' || d.objects || ' ', ?1) > 0 OR (instr(' ' || d.objects || ' ', ?2) > 0 "
                  "AND instr(d.objects, 'write:') > 0)) ",
                  verbs);
    const char *params[6] = {tw, tq, t0, t1, "", ""};
    char lit[300] = "";
    size_t np = 4;
    if (ch->npk && row && (size_t)ch->pk[0] < ch->ncols && row[ch->pk[0]].p &&
        row[ch->pk[0]].n < 250) {
        const ks_str *v = &row[ch->pk[0]];
        if (is_number(v->p, v->n)) {
            snprintf(lit, sizeof lit, "%.*s", (int)v->n, v->p);
            ks_buf_puts(&c->sql, "AND (' ' || d.sql || ' ') GLOB ('*[^0-9.]' || ?5 || '[^0-9.]*') ");
        } else if (!memchr(v->p, '\'', v->n)) {
            snprintf(lit, sizeof lit, "'%.*s'", (int)v->n, v->p);
            ks_buf_puts(&c->sql, "AND instr(d.sql, ?5) > 0 ");
        }
    }
    if (lit[0]) {
        params[4] = lit;
        np = 5;
        ks_buf_puts(&c->sql, "ORDER BY e.time_ns DESC LIMIT 1");
        int64_t id = query_id(c, c->sql.data, params, np);
        if (id) {
            *how = "statement names key";
            return id;
        }
    }
    if (ch->kind != KS_DUMP_ROW_ADDED) {
        ks_buf_reset(&c->sql);
        ks_buf_printf(&c->sql,
                      "SELECT d.event_id FROM db_log d JOIN event e ON e.id = d.event_id "
                      "WHERE d.sql_verb IN (%s) AND e.time_ns > CAST(?3 AS INTEGER) "
                      "AND e.time_ns <= CAST(?4 AS INTEGER) "
                      "AND (instr(' ' || d.objects || ' ', ?1) > 0 OR (instr(' ' || d.objects || ' ', ?2) > 0 "
                      "AND instr(d.objects, 'write:') > 0)) "
                      "AND d.sql_verb IN ('UPDATE','DELETE','TRUNCATE','TRUNCATE TABLE') "
                      "AND (d.sql_verb LIKE 'TRUNCATE%%' OR instr(upper(d.sql), 'WHERE') = 0) "
                      "ORDER BY e.time_ns DESC LIMIT 1",
                      verbs);
        int64_t id = query_id(c, c->sql.data, params, 4);
        if (id) {
            *how = "statement without WHERE";
            return id;
        }
    }
    if (!ch->npk) {
        /* no primary key: nothing to compare but the table and the verb */
        ks_buf_reset(&c->sql);
        ks_buf_printf(&c->sql,
                      "SELECT d.event_id FROM db_log d JOIN event e ON e.id = d.event_id "
                      "WHERE d.sql_verb IN (%s) AND e.time_ns > CAST(?3 AS INTEGER) "
                      "AND e.time_ns <= CAST(?4 AS INTEGER) "
                      "AND (instr(' ' || d.objects || ' ', ?1) > 0 OR (instr(' ' || d.objects || ' ', ?2) > 0 "
                      "AND instr(d.objects, 'write:') > 0)) ORDER BY e.time_ns DESC LIMIT 1",
                      verbs);
        int64_t id = query_id(c, c->sql.data, params, 4);
        if (id) {
            *how = "statement on table (no key)";
            return id;
        }
    }
    if (ch->kind == KS_DUMP_ROW_DELETED) {
        /* the rows of a dropped table */
        return explain_table(c, bare(ch->table), "drop", how);
    }
    return 0;
}

static int64_t explain_table(diffctx *c, const char *table, const char *act, const char **how)
{
    char t0[32], t1[32], o1[600], o2[600];
    snprintf(t0, sizeof t0, "%lld", (long long)c->a->time);
    snprintf(t1, sizeof t1, "%lld", (long long)c->b->time);
    snprintf(o1, sizeof o1, " %s:%s ", act, table);
    snprintf(o2, sizeof o2, ".%s ", table);
    const char *params[5] = {o1, o2, t0, t1, act};
    static const char *const q[] = {
        "SELECT x.event_id FROM binlog x JOIN event e ON e.id = x.event_id WHERE "
        "e.time_ns > CAST(?3 AS INTEGER) AND e.time_ns <= CAST(?4 AS INTEGER) AND "
        "(instr(' ' || x.objects || ' ', ?1) > 0 OR (instr(' ' || x.objects || ' ', ?2) > 0 AND "
        "instr(x.objects, ?5 || ':') > 0)) ORDER BY e.time_ns DESC LIMIT 1",
        "SELECT x.event_id FROM db_log x JOIN event e ON e.id = x.event_id WHERE "
        "e.time_ns > CAST(?3 AS INTEGER) AND e.time_ns <= CAST(?4 AS INTEGER) AND "
        "(instr(' ' || x.objects || ' ', ?1) > 0 OR (instr(' ' || x.objects || ' ', ?2) > 0 AND "
        "instr(x.objects, ?5 || ':') > 0)) ORDER BY e.time_ns DESC LIMIT 1"};
    for (size_t i = 0; i < 2; i++) {
        int64_t id = query_id(c, q[i], params, 5);
        if (id) {
            *how = "ddl statement";
            return id;
        }
    }
    return 0;
}

static int on_change(void *vc, const ks_dump_change *ch)
{
    diffctx *c = vc;
    if (ch->kind == KS_DUMP_BAD_STATEMENT) {
        /* already an error record of the dump itself (db_dump); noted here as a warning */
        ks_sink_warn(c->sink, -1, (int64_t)ch->offset, ch->msg ? ch->msg : "statement not read");
        return 0;
    }
    static const char *const kinds[] = {"", "added", "deleted", "changed", "table_created",
                                        "table_dropped"};
    const char *kind = (size_t)ch->kind < 6 ? kinds[ch->kind] : "?";
    int row = ch->kind <= KS_DUMP_ROW_CHANGED;
    ks_buf_reset(&c->before);
    ks_buf_reset(&c->after);
    ks_buf_reset(&c->raw);
    ks_buf_reset(&c->changed);
    int rc = 0;
    if (row && ch->before)
        rc = ks_dump_change_row_json(&c->before, ch, ch->before);
    if (!rc && row && ch->after)
        rc = ks_dump_change_row_json(&c->after, ch, ch->after);
    for (size_t i = 0; !rc && ch->kind == KS_DUMP_ROW_CHANGED && i < ch->ncols; i++)
        if (ks_dump_change_col_differs(ch, i))
            rc = ks_buf_printf(&c->changed, "%s%s", c->changed.len ? " " : "", ch->cols[i]);
    if (!rc)
        rc = ks_dump_change_format(&c->raw, ch, 0);
    if (rc) {
        if (ks_sink_error(c->sink, -1, -1, "change too large to record", NULL, 0, c->err))
            c->failed = 1;
        return c->failed;
    }
    const char *how = NULL;
    int64_t by = row ? explain_row(c, ch, &how)
                     : explain_table(c, bare(ch->table),
                                     ch->kind == KS_DUMP_TABLE_CREATED ? "create" : "drop", &how);
    char target[700];
    if (c->a->database[0])
        snprintf(target, sizeof target, "%s.%s", c->a->database, ch->table);
    else
        snprintf(target, sizeof target, "%s", ch->table);
    char action[32];
    snprintf(action, sizeof action, "%s %s", row ? "row" : "table",
             row ? kind : ch->kind == KS_DUMP_TABLE_CREATED ? "created" : "dropped");
    ks_event ev;
    ks_event_init(&ev);
    ev.time = c->b->time;
    ev.time_desc = "changed between dumps";
    ev.action = ks_str_c(action);
    ev.target = ks_str_c(target);
    ev.outcome = by ? ks_str_c("explained") : ks_str_c("unexplained");
    size_t rl = c->raw.len;
    while (rl && c->raw.data[rl - 1] == '\n')
        rl--;
    ev.message = (ks_str){c->raw.data, rl};
    ev.raw = ev.message;
    ks_val v[NCOLS];
    v[0] = c->a->database[0] ? ks_v_text(ks_str_c(c->a->database)) : ks_v_null();
    v[1] = ks_v_text(ks_str_c(ch->table));
    v[2] = row ? ks_v_text(ks_str_c(ch->key)) : ks_v_null();
    v[3] = ks_v_text(ks_str_c(kind));
    v[4] = c->changed.len ? ks_v_text((ks_str){c->changed.data, c->changed.len}) : ks_v_null();
    v[5] = c->before.len ? ks_v_text((ks_str){c->before.data, c->before.len}) : ks_v_null();
    v[6] = c->after.len ? ks_v_text((ks_str){c->after.data, c->after.len}) : ks_v_null();
    v[7] = ks_v_text(ks_str_c(c->a->path));
    v[8] = ks_v_text(ks_str_c(c->b->path));
    v[9] = by ? ks_v_int(by) : ks_v_null();
    v[10] = how ? ks_v_text(ks_str_c(how)) : ks_v_null();
    if (ks_sink_event(c->sink, &ev, &k_table, v, c->err))
        c->failed = 1;
    return c->failed;
}

/* A dump inside a zip/tar archive: the walker over its on-disk file, stopped at the member.
 * ks_dump_diff gets the dump's display path; the two dumps of a pair say where they are. */
typedef struct member_src {
    const dump *pair[2];
} member_src;

typedef struct member_handle {
    ks_walk *w;     /* a member of an archive */
    ks_opened *op;  /* or a file, compressed or not */
} member_handle;

static int member_open(void *ctx, const char *path, ks_input **out_in, void **out_handle,
                       ks_err *err)
{
    const member_src *ms = ctx;
    const dump *d = NULL;
    for (int i = 0; i < 2; i++)
        if (ms->pair[i] && !strcmp(ms->pair[i]->path, path))
            d = ms->pair[i];
    member_handle *h = calloc(1, sizeof *h);
    if (!h)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    if (!d || !d->inner) {
        int rc = ks_open_file(&h->op, out_in, d ? d->disk_path : path, err);
        if (rc) {
            free(h);
            return rc;
        }
        *out_handle = h;
        return 0;
    }
    const char *paths[1] = {d->disk_path};
    int rc = ks_walk_new(&h->w, paths, 1, NULL, err);
    while (!rc) {
        ks_member *m = NULL;
        ks_walk_skip sk;
        int s = ks_walk_next(h->w, &m, &sk, err);
        if (s == KS_EOF) {
            rc = KS_ERR_AT(err, KS_ENOTFOUND, d->path, -1, -1, "the dump is no longer in its archive");
            break;
        }
        if (s == 1 || s < 0)
            continue; /* skipped or unreadable entries: look further */
        if (m->inner_path && !strcmp(m->inner_path, d->inner)) {
            *out_in = &m->input;
            *out_handle = h;
            return 0;
        }
    }
    ks_walk_free(h->w);
    free(h);
    return rc;
}

static void member_close(void *handle)
{
    member_handle *h = handle;
    if (!h)
        return;
    ks_walk_free(h->w);
    ks_open_free(h->op);
    free(h);
}

static int diff_pair(ks_store *st, const dump *a, const dump *b, const ks_ingest_opts *o,
                     ks_ingest_stats *stats, ks_err *err)
{
    char path[2048], inner[1100];
    snprintf(path, sizeof path, "%s -> %s", a->path, b->path);
    snprintf(inner, sizeof inner, "db_change from %s", a->path);
    ks_evidence_info info = {path, b->disk_path, inner, b->sha, -1, ""};
    ks_sink *sink = NULL;
    int rc = ks_store_declare(st, &k_table, err);
    if (!rc)
        rc = ks_store_member_begin(st, &info, "db_change", &sink, err);
    if (rc)
        return rc;
    diffctx c;
    memset(&c, 0, sizeof c);
    c.st = st;
    c.sink = sink;
    c.a = a;
    c.b = b;
    c.err = err;
    ks_buf_init(&c.before, (size_t)64 << 20);
    ks_buf_init(&c.after, (size_t)64 << 20);
    ks_buf_init(&c.raw, (size_t)256 << 20);
    ks_buf_init(&c.changed, 1 << 20);
    ks_buf_init(&c.sql, 1 << 16);
    ks_dump_diff_opts dopts;
    memset(&dopts, 0, sizeof dopts);
    member_src ms = {{a, b}};
    dopts.open = member_open; /* compressed dumps and archive members too */
    dopts.close = member_close;
    dopts.open_ctx = &ms;
    ks_dump_diff_stats ds;
    memset(&ds, 0, sizeof ds);
    ks_err e;
    ks_err_clear(&e);
    int drc = ks_dump_diff(a->path, b->path, &dopts, on_change, &c, &ds, &e);
    const char *status = "parsed";
    char note[KS_ERR_MSG_MAX + 64] = "";
    if (c.failed) {
        ks_store_member_end(st, sink, "failed", err->msg, NULL);
        rc = err->code ? err->code : KS_EDB;
        goto done;
    }
    if (drc && drc != KS_ECORRUPT) {
        ks_cli_error(&e);
        status = ks_sink_records(sink) ? "partial" : "failed";
        ks_err_format(&e, note, sizeof note);
        ks_ingest_problem(stats);
    }
    if (!o->quiet)
        fprintf(stderr, "kanshiki: %s -> %s: %llu rows added, %llu deleted, %llu changed; "
                        "%llu tables created, %llu dropped\n",
                a->path, b->path, (unsigned long long)ds.rows_added,
                (unsigned long long)ds.rows_deleted, (unsigned long long)ds.rows_changed,
                (unsigned long long)ds.tables_created, (unsigned long long)ds.tables_dropped);
    ks_ingest_account(stats, "db_change", ks_sink_records(sink), ks_sink_errors(sink), false);
    rc = ks_store_member_end(st, sink, status, note[0] ? note : NULL, err);
done:
    ks_buf_free(&c.before);
    ks_buf_free(&c.after);
    ks_buf_free(&c.raw);
    ks_buf_free(&c.changed);
    ks_buf_free(&c.sql);
    return rc;
}

int ks_ingest_dump_open(void *ctx, const char *path, ks_input **out_in, void **out_handle,
                        ks_err *err)
{
    ks_opened *op = NULL;
    int rc = ks_open_file(&op, out_in, path, err);
    if (rc)
        return rc;
    *out_handle = op;
    return 0;
}

void ks_ingest_dump_close(void *handle)
{
    ks_open_free(handle);
}

/* Has this pair been diffed already? Its db_change member is named "BEFORE -> AFTER",
 * carries the later dump's SHA-256 and was recorded after both dumps (a member older than
 * one of them is about another dump that had the same path). */
static int pair_done(ks_store *st, const dump *a, const dump *b)
{
    char path[2048], after[32];
    snprintf(path, sizeof path, "%s -> %s", a->path, b->path);
    snprintf(after, sizeof after, "%lld", (long long)(a->evid > b->evid ? a->evid : b->evid));
    const char *params[3] = {path, b->sha, after};
    int64_t n = 0;
    ks_err e;
    ks_err_clear(&e);
    ks_store_query(st,
                   "SELECT count(*) FROM evidence WHERE source = 'db_change' AND path = ?1 "
                   "AND sha256 = ?2 AND id > CAST(?3 AS INTEGER)",
                   params, 3, first_int, &n, &e);
    return n > 0;
}

/* A dump of an earlier run is read again from its file: only when the file is still the
 * one hashed at ingest (evidence that changed is never read silently). A dump of this run
 * was hashed moments ago by the walk. */
static int dump_usable(dump *d)
{
    if (d->is_new)
        return 1;
    if (d->checked)
        return d->ok;
    d->checked = 1;
    char hex[65];
    uint64_t size = 0;
    ks_err e;
    ks_err_clear(&e);
    if (ks_evidence_hash(d->disk_path, hex, &size, &e) != 0) {
        d->ok = 0;
        ks_cli_warnf("%s: dump of an earlier ingest not diffed: its file %s cannot be read "
                     "(%s)",
                     d->path, d->disk_path, e.msg);
        return 0;
    }
    d->ok = !strcmp(hex, d->sha);
    if (!d->ok)
        ks_cli_warnf("%s: dump of an earlier ingest not diffed: its file %s has changed since "
                     "it was ingested (SHA-256 now %s, in the case %s)",
                     d->path, d->disk_path, hex, d->sha);
    return d->ok;
}

int ks_ingest_dumps(ks_store *st, int64_t after_evidence_id, const ks_ingest_opts *o,
                    ks_ingest_stats *stats, ks_err *err)
{
    /* (without a read: a read commits what is queued first) */
    if (!ks_store_has_table(st, "db_dump"))
        return 0;
    ks_err e;
    ks_err_clear(&e);
    dumps *ds = calloc(1, sizeof *ds);
    if (!ds)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    /* every dump of the case: the new ones take their place among the earlier ones */
    int rc = ks_store_query(
        st,
        "SELECT v.id, v.path, v.disk_path, "
        "  coalesce(d.database, '') || '|' || d.pg, coalesce(d.database, ''), e.time_ns, v.sha256, "
        "  v.inner_path "
        "FROM db_dump d JOIN event e ON e.id = d.event_id JOIN evidence v ON v.id = e.evidence_id "
        "WHERE e.time_ns IS NOT NULL "
        "ORDER BY 4, e.time_ns, v.id",
        NULL, 0, collect, ds, &e);
    if (ds->nomem) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (rc && !ds->more) {
        ks_cli_error(&e);
        rc = 0;
        goto done;
    }
    rc = 0;
    if (ds->more)
        ks_cli_warnf("more than %d dumps in the case: only the first %d are diffed", MAX_DUMPS,
                     MAX_DUMPS);
    for (size_t i = 0; i < ds->n; i++)
        ds->d[i].is_new = ds->d[i].evid > after_evidence_id;
    /* each pair of neighbours with a new dump in it, once in the life of the case */
    for (size_t i = 0; i + 1 < ds->n && !rc; i++) {
        dump *a = &ds->d[i], *b = &ds->d[i + 1];
        if (strcmp(a->group, b->group) != 0 || (!a->is_new && !b->is_new) || pair_done(st, a, b))
            continue;
        if (!dump_usable(a) || !dump_usable(b)) {
            ks_ingest_problem(stats);
            continue;
        }
        rc = diff_pair(st, a, b, o, stats, err);
    }
done:
    for (size_t i = 0; i < ds->n; i++) {
        free(ds->d[i].path);
        free(ds->d[i].disk_path);
        free(ds->d[i].group);
        free(ds->d[i].database);
        free(ds->d[i].sha);
        free(ds->d[i].inner);
    }
    free(ds->d);
    free(ds);
    return rc;
}
