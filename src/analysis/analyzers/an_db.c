/* an_db.c — database analyzers over db_log (MySQL/MariaDB general and audit logs,
 * PostgreSQL with pgaudit; docs/database.md).
 *
 * Baselines come from the learning window (the first third of the database evidence, at
 * least a day when it covers two or more): the statement fingerprints seen, the schemas each
 * user touched and how busy each client host was. Every analyzer makes one finding per
 * (user, client host): the database user is an actor entity, the client address a source,
 * the tables touched database objects. Statements are matched lower-cased with runs of blanks
 * squeezed to one space. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"
#include "core/time.h"

#define STMT_MAX 4096
#define BUSY_HOST 20 /* statements in the window that make a host an application's */
#define BUSY_USER 10

static const char *const k_db_cols[KS_AN_D_N] = {
    [KS_AN_D_USER] = "user|usename|user_name",
    [KS_AN_D_HOST] = "host|client_host|client|client_addr|remote_host",
    [KS_AN_D_DB] = "db|database|schema|dbname",
    [KS_AN_D_COMMAND] = "command",
    [KS_AN_D_SQL] = "sql|statement|query",
    [KS_AN_D_CLASS] = "sql_class|class",
    [KS_AN_D_VERB] = "sql_verb|verb",
    [KS_AN_D_OBJECTS] = "objects",
    [KS_AN_D_FP] = "fingerprint_id|fingerprint",
    [KS_AN_D_CODE] = "code|retcode|sqlstate",
    [KS_AN_D_AUTHFAIL] = "auth_failure",
};

int ks_an_db_load(ks_store *st, int64_t from, int64_t to, ks_rows **out, ks_err *err)
{
    ks_rows *r = NULL;
    int rc = ks_rows_new(&r, k_db_cols, KS_AN_D_N, err);
    if (!rc)
        rc = ks_rows_add(r, st,
                         "SELECT " KS_ROWS_PROVENANCE ", t.* FROM db_log t JOIN events e ON "
                         "e.id = t.event_id WHERE e.time_ns >= ?1 AND e.time_ns < ?2",
                         from, to, err);
    if (rc) {
        ks_rows_free(r);
        return rc;
    }
    ks_rows_sort(r);
    *out = r;
    return 0;
}

/* Lower case, blanks squeezed, quotes and backquotes around identifiers kept. */
static void stmt_norm(const char *s, char *out, size_t outsz)
{
    size_t o = 0;
    bool blank = true;
    for (size_t i = 0; s[i] && o + 1 < outsz; i++) {
        int c = (unsigned char)s[i];
        if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            c = ' ';
        if (c == ' ' && blank)
            continue;
        blank = c == ' ';
        if (c >= 'A' && c <= 'Z')
            c += 32;
        out[o++] = (char)c;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

static bool starts(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

static bool system_schema(const char *s)
{
    return !strcmp(s, "information_schema") || !strcmp(s, "mysql") ||
           !strcmp(s, "performance_schema") || !strcmp(s, "sys") || !strcmp(s, "pg_catalog");
}

/* Calls fn for each schema.table of the objects column ("action:db.table ..."), with the
 * current database for unqualified tables. */
typedef int (*obj_fn)(void *ctx, const char *schema, const char *table);
static int each_object(const ks_row *w, obj_fn fn, void *ctx)
{
    const char *p = w->v[KS_AN_D_OBJECTS];
    for (int guard = 0; *p && guard < 64; guard++) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (!len)
            break;
        char item[512], schema[256], table[256];
        snprintf(item, sizeof item, "%.*s", (int)(len < 511 ? len : 511), p);
        const char *o = strchr(item, ':') ? strchr(item, ':') + 1 : item;
        const char *dot = strchr(o, '.');
        if (dot) {
            snprintf(schema, sizeof schema, "%.*s", (int)(dot - o < 255 ? dot - o : 255), o);
            snprintf(table, sizeof table, "%s", dot + 1);
        } else {
            snprintf(schema, sizeof schema, "%s", w->v[KS_AN_D_DB]);
            snprintf(table, sizeof table, "%s", o);
        }
        for (char *c = schema; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c += 32;
        for (char *c = table; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c += 32;
        int rc = fn(ctx, schema, table);
        if (rc)
            return rc;
        p += len;
    }
    return 0;
}

typedef struct db_base {
    ks_strmap fps;     /* fingerprints (or statements) seen in the window */
    ks_strmap schemas; /* "user|schema" seen in the window */
    ks_strmap users;   /* statements per user in the window */
    ks_strmap hosts;   /* a = statements per host in the window, b = 1 when a client's
                          fingerprint came from it in the window */
    int64_t end;
} db_base;

static const char *fp_of(const ks_row *w, const char *norm)
{
    return *w->v[KS_AN_D_FP] ? w->v[KS_AN_D_FP] : norm;
}

static bool cli_fingerprint(const char *s)
{
    return starts(s, "select @@version_comment limit 1") || !strcmp(s, "select database()") ||
           !strcmp(s, "show databases") || !strcmp(s, "show tables") ||
           starts(s, "select user()") || starts(s, "select current_user");
}

typedef struct base_obj {
    db_base *b;
    const char *user;
    ks_err *err;
} base_obj;

static int learn_schema(void *ctx, const char *schema, const char *table)
{
    (void)table;
    base_obj *c = ctx;
    char key[600];
    snprintf(key, sizeof key, "%s|%s", c->user, schema);
    return ks_strmap_get(&c->b->schemas, key, c->err) ? 0 : KS_ENOMEM;
}

static int base_build(const ks_an_input *in, db_base *b, ks_err *err)
{
    int64_t t0;
    memset(b, 0, sizeof *b);
    ks_an_rows_window(in->db, &t0, &b->end);
    char norm[STMT_MAX];
    size_t n = ks_rows_count(in->db);
    for (size_t i = 0; i < n; i++) {
        const ks_row *w = ks_rows_at(in->db, i);
        if (w->time >= b->end)
            break;
        if (!*w->v[KS_AN_D_SQL])
            continue;
        stmt_norm(w->v[KS_AN_D_SQL], norm, sizeof norm);
        ks_strmap_ent *e;
        if (!ks_strmap_get(&b->fps, fp_of(w, norm), err) ||
            !(e = ks_strmap_get(&b->users, w->v[KS_AN_D_USER], err)))
            return err->code ? err->code : KS_ENOMEM;
        e->a++;
        if (!(e = ks_strmap_get(&b->hosts, w->v[KS_AN_D_HOST], err)))
            return err->code ? err->code : KS_ENOMEM;
        e->a++;
        if (cli_fingerprint(norm))
            e->b = 1;
        base_obj c = {b, w->v[KS_AN_D_USER], err};
        if (each_object(w, learn_schema, &c))
            return err->code ? err->code : KS_ENOMEM;
        if (*w->v[KS_AN_D_DB]) {
            char db[256];
            stmt_norm(w->v[KS_AN_D_DB], db, sizeof db);
            if (learn_schema(&c, db, ""))
                return err->code ? err->code : KS_ENOMEM;
        }
    }
    return 0;
}

static void base_free(db_base *b)
{
    ks_strmap_free(&b->fps);
    ks_strmap_free(&b->schemas);
    ks_strmap_free(&b->users);
    ks_strmap_free(&b->hosts);
}

/* What a check says about one statement. */
typedef struct db_hit {
    ks_sev sev;
    const char *what; /* short, for the title */
    char detail[256]; /* e.g. the table or schema */
    bool detail_user; /* detail names an account left behind */
} db_hit;

typedef bool (*db_check_fn)(const ks_row *w, const char *norm, const db_base *b, db_hit *out);

typedef struct db_analyzer {
    const char *name;
    const char *title; /* "%s" = what */
    const char *expl;
} db_analyzer;

typedef struct ent_ctx {
    ks_finding *f;
    ks_ent_role role;
    ks_err *err;
} ent_ctx;

static int add_object(void *ctx, const char *schema, const char *table)
{
    ent_ctx *c = ctx;
    char v[600];
    if (strchr(schema, '*') || strchr(table, '*') || !*table)
        return 0; /* a grant's "*.*" is no object */
    snprintf(v, sizeof v, "%s%s%s", schema, *schema ? "." : "", table);
    return ks_finding_entity(c->f, KS_ENT_DB_OBJECT, c->role, v, strlen(v), c->err);
}

static int db_run(const ks_an_input *in, ks_findings *out, ks_err *err, const db_analyzer *a,
                  db_check_fn check, ks_ent_role obj_role)
{
    db_base b;
    ks_strmap groups;
    ks_strmap_init(&groups);
    int rc = base_build(in, &b, err);
    char norm[STMT_MAX], key[1200];
    size_t n = ks_rows_count(in->db);
    for (size_t i = 0; !rc && i < n; i++) {
        const ks_row *w = ks_rows_at(in->db, i);
        if (!*w->v[KS_AN_D_SQL])
            continue;
        stmt_norm(w->v[KS_AN_D_SQL], norm, sizeof norm);
        db_hit hit = {KS_SEV_INFO, "", "", false};
        if (!check(w, norm, &b, &hit))
            continue;
        const char *user = w->v[KS_AN_D_USER], *host = w->v[KS_AN_D_HOST];
        snprintf(key, sizeof key, "%.500s|%.500s", user, host);
        ks_strmap_ent *g = ks_strmap_get(&groups, key, err);
        if (!g) {
            rc = err->code ? err->code : KS_ENOMEM;
            break;
        }
        if (!g->p) {
            ks_finding *f = NULL;
            char title[1400], expl[4000];
            if ((rc = ks_findings_add(out, a->name, "database", hit.sev, &f, err)))
                break;
            g->p = f;
            snprintf(title, sizeof title, "%s by %s%s%s: %s%s%s", a->title, *user ? user : "?",
                     *host ? " from " : "", host, hit.what, *hit.detail ? " " : "", hit.detail);
            snprintf(expl, sizeof expl, "%s First statement: %.1500s", a->expl,
                     w->v[KS_AN_D_SQL]);
            if ((rc = ks_finding_set_text(f, title, expl, err)) ||
                (rc = ks_finding_entity(f, KS_ENT_USER, KS_ROLE_ACTOR, user, strlen(user), err)))
                break;
            if (ks_ct_is_ip(host))
                rc = ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, host, strlen(host), err);
            else
                rc = ks_finding_entity(f, KS_ENT_DOMAIN, KS_ROLE_SOURCE, host, strlen(host), err);
            if (rc)
                break;
        }
        ks_finding *f = g->p;
        if (hit.sev > f->sev)
            f->sev = hit.sev;
        ks_ref r = ks_row_ref(w);
        ent_ctx ec = {f, obj_role, err};
        if ((rc = ks_finding_ref(f, &r, err)) || (rc = each_object(w, add_object, &ec)))
            break;
        if (hit.detail_user && *hit.detail &&
            (rc = ks_finding_entity(f, KS_ENT_USER, KS_ROLE_PERSISTENCE, hit.detail,
                                    strlen(hit.detail), err)))
            break;
    }
    base_free(&b);
    ks_strmap_free(&groups);
    return rc;
}

/* ---- the mysql command-line client on an application host ---- */

static bool chk_cli(const ks_row *w, const char *s, const db_base *b, db_hit *h)
{
    if (!cli_fingerprint(s) || (w->time < b->end && w->time != KS_TIME_NONE))
        return false;
    const ks_strmap_ent *host = ks_strmap_find(&b->hosts, w->v[KS_AN_D_HOST]);
    bool app = host && host->a >= BUSY_HOST && !host->b;
    h->sev = app ? KS_SEV_HIGH : KS_SEV_LOW;
    h->what = app ? "interactive client on an application host" : "interactive client";
    return true;
}

int ks_an_db_cli_client(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const db_analyzer a = {
        "db_cli_client", "Database command-line client",
        "The statements a command-line client (mysql, psql) sends when it connects "
        "(select @@version_comment limit 1, SELECT DATABASE(), SHOW DATABASES) came from a host "
        "that, during the learning window, only sent the application's own statements: someone "
        "is at a shell on the application server (high). From other hosts it is an "
        "administrator's session (low)."};
    return db_run(in, out, err, &a, chk_cli, KS_ROLE_TARGET);
}

/* ---- schemas the user never used ---- */

typedef struct schema_ctx {
    const db_base *b;
    const char *user;
    char *found;
    size_t foundsz;
} schema_ctx;

static int unused_schema(void *ctx, const char *schema, const char *table)
{
    (void)table;
    schema_ctx *c = ctx;
    char key[600];
    if (!*schema || system_schema(schema))
        return 0;
    snprintf(key, sizeof key, "%s|%s", c->user, schema);
    if (ks_strmap_find(&c->b->schemas, key))
        return 0;
    snprintf(c->found, c->foundsz, "%s", schema);
    return 1;
}

static bool chk_schema(const ks_row *w, const char *s, const db_base *b, db_hit *h)
{
    (void)s;
    if (w->time < b->end)
        return false;
    const ks_strmap_ent *u = ks_strmap_find(&b->users, w->v[KS_AN_D_USER]);
    if (!u || u->a < BUSY_USER)
        return false;
    schema_ctx c = {b, w->v[KS_AN_D_USER], h->detail, sizeof h->detail};
    if (!each_object(w, unused_schema, &c)) {
        char db[256];
        stmt_norm(w->v[KS_AN_D_DB], db, sizeof db);
        if (!*db || !unused_schema(&c, db, ""))
            return false;
    }
    h->sev = KS_SEV_MEDIUM;
    h->what = "schema never used before";
    return true;
}

int ks_an_db_unused_schema(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const db_analyzer a = {
        "db_unused_schema", "Access to an unused schema",
        "During the learning window this user (an application's, by its volume) worked only in "
        "other schemas. Stolen application credentials used to look around reach schemas the "
        "application never touches."};
    return db_run(in, out, err, &a, chk_schema, KS_ROLE_DATA);
}

/* ---- bulk reads of sensitive tables ---- */

static bool sensitive_name(const char *t)
{
    static const char *const names[] = {"card", "credit", "user", "passw", "customer", "account",
                                        "payment", "ssn", "secret", "token", "member", "billing",
                                        "salary", "employee", "patient", "credential", "login",
                                        "client", "person", NULL};
    return ks_an_has_any(t, names);
}

/* The table after the first " from " of a SELECT, into out (lower case, quotes dropped). */
static void from_table(const char *s, char *out, size_t outsz)
{
    out[0] = '\0';
    const char *f = strstr(s, " from ");
    if (!f)
        return;
    f += 6;
    size_t o = 0;
    for (; *f && *f != ' ' && *f != ',' && *f != ';' && *f != ')' && o + 1 < outsz; f++)
        if (*f != '`' && *f != '"')
            out[o++] = *f;
    out[o] = '\0';
}

static bool chk_bulk(const ks_row *w, const char *s, const db_base *b, db_hit *h)
{
    if (!starts(s, "select "))
        return false;
    char table[256];
    from_table(s, table, sizeof table);
    if (!*table || !sensitive_name(table) || starts(table, "information_schema") ||
        starts(table, "mysql."))
        return false;
    char norm[STMT_MAX];
    stmt_norm(w->v[KS_AN_D_SQL], norm, sizeof norm);
    bool seen = ks_strmap_find(&b->fps, fp_of(w, norm)) != NULL;
    bool whole = !strstr(s, " where ") && !strstr(s, " limit ");
    if (seen && (w->time >= b->end || w->time == KS_TIME_NONE) && !whole)
        return false;
    if (seen || (w->time < b->end && w->time != KS_TIME_NONE))
        return false; /* what the application does */
    h->sev = whole ? KS_SEV_HIGH : KS_SEV_MEDIUM;
    h->what = whole ? "whole table read" : "new query on a sensitive table";
    snprintf(h->detail, sizeof h->detail, "%s", table);
    return true;
}

int ks_an_db_bulk_read(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const db_analyzer a = {
        "db_bulk_read", "Sensitive table read",
        "A table whose name suggests personal or payment data (cards, customers, users, "
        "passwords...) was read with a statement never seen during the learning window: high "
        "when the whole table was read (no WHERE, no LIMIT), medium otherwise."};
    return db_run(in, out, err, &a, chk_bulk, KS_ROLE_DATA);
}

/* ---- catalogue enumeration ---- */

static bool chk_enum(const ks_row *w, const char *s, const db_base *b, db_hit *h)
{
    static const char *const cat[] = {"information_schema.", "mysql.user", "mysql.db ",
                                      "mysql.global_priv", "pg_shadow", "pg_authid", "pg_user",
                                      "pg_roles", "show grants", "pg_catalog.pg_tables",
                                      "select user,", "from user,", NULL};
    if (!ks_an_has_any(s, cat) && !strstr(s, "from mysql.db"))
        return false;
    if (w->time < b->end && w->time != KS_TIME_NONE)
        return false;
    if (ks_strmap_find(&b->fps, fp_of(w, s)))
        return false; /* an ORM's routine look at the catalogue */
    h->sev = strstr(s, "mysql.user") || strstr(s, "pg_shadow") || strstr(s, "pg_authid") ||
                     strstr(s, "global_priv")
                 ? KS_SEV_HIGH
                 : KS_SEV_MEDIUM;
    h->what = "catalogue enumeration";
    return true;
}

int ks_an_db_enum(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const db_analyzer a = {
        "db_enum", "Database catalogue enumeration",
        "Statements reading information_schema, the account tables (mysql.user, pg_shadow) or "
        "grants that were never seen during the learning window: mapping the database before "
        "taking data. High when the account tables were read."};
    return db_run(in, out, err, &a, chk_enum, KS_ROLE_TARGET);
}

/* ---- files and programs through the server ---- */

static bool chk_file(const ks_row *w, const char *s, const db_base *b, db_hit *h)
{
    (void)w;
    (void)b;
    if (strstr(s, " program ") || strstr(s, "to program") || strstr(s, "from program")) {
        h->sev = KS_SEV_CRITICAL;
        h->what = "COPY ... PROGRAM (command execution)";
        return true;
    }
    static const char *const io[] = {"into outfile", "into dumpfile", "load_file(",
                                     "load data infile", "load data local infile",
                                     "pg_read_file(", "pg_read_binary_file(", "lo_import(",
                                     "lo_export(", "sys_exec(", "sys_eval(", NULL};
    if (!ks_an_has_any(s, io) && !(starts(s, "copy ") && strstr(s, " to '/")))
        return false;
    h->sev = KS_SEV_HIGH;
    h->what = "file read or written by the server";
    return true;
}

int ks_an_db_file_io(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const db_analyzer a = {
        "db_file_io", "Server-side file access",
        "INTO OUTFILE/DUMPFILE, LOAD_FILE, LOAD DATA INFILE, pg_read_file, large-object "
        "import/export or COPY TO a file make the database server read or write files on its "
        "host: data theft, a web shell written into the web root, or (COPY ... PROGRAM, "
        "critical) commands run as the database's system user."};
    return db_run(in, out, err, &a, chk_file, KS_ROLE_TARGET);
}

/* ---- accounts and grants ---- */

static bool chk_accounts(const ks_row *w, const char *s, const db_base *b, db_hit *h)
{
    (void)w;
    (void)b;
    static const char *const acc[] = {"create user ", "grant ", "alter user ", "set password",
                                      "create role ", "rename user ", NULL};
    bool hit = false;
    for (const char *const *p = acc; *p && !hit; p++)
        hit = starts(s, *p);
    if (!hit)
        return false;
    bool strong = strstr(s, "all privileges") || strstr(s, "grant all") ||
                  strstr(s, "with grant option") || strstr(s, " super") ||
                  strstr(s, "grant file") || strstr(s, "superuser") || strstr(s, "createrole");
    h->sev = strong ? KS_SEV_HIGH : KS_SEV_MEDIUM;
    h->what = starts(s, "create user ") ? "account created" : strong ? "broad privileges granted"
                                                            : "account or grants changed";
    /* the account's name: the first quoted or bare word after the verb */
    const char *p = starts(s, "create user ") ? s + 12 : starts(s, "alter user ") ? s + 11
                  : strstr(s, " to ") ? strstr(s, " to ") + 4 : NULL;
    if (p) {
        if (starts(p, "if not exists "))
            p += 14;
        while (*p == '\'' || *p == '`' || *p == '"')
            p++;
        size_t k = strcspn(p, "'`\"@ ;");
        snprintf(h->detail, sizeof h->detail, "%.*s", (int)(k < 200 ? k : 200), p);
        h->detail_user = *h->detail != '\0';
    }
    return true;
}

int ks_an_db_accounts(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const db_analyzer a = {
        "db_accounts", "Database accounts and grants",
        "CREATE USER, GRANT, ALTER USER and SET PASSWORD leave a way back into the database; "
        "high for all privileges, GRANT OPTION, SUPER or FILE. Administrators do this too: "
        "judge by who and from where."};
    return db_run(in, out, err, &a, chk_accounts, KS_ROLE_TARGET);
}

/* ---- destruction ---- */

static bool chk_destroy(const ks_row *w, const char *s, const db_base *b, db_hit *h)
{
    bool hit = starts(s, "drop table") || starts(s, "drop database") || starts(s, "drop schema") ||
               starts(s, "truncate ") ||
               ((starts(s, "delete from ") || starts(s, "delete ")) && !strstr(s, " where ")) ||
               (starts(s, "update ") && strstr(s, " set ") && !strstr(s, " where "));
    if (!hit)
        return false;
    bool routine = ks_strmap_find(&b->fps, fp_of(w, s)) != NULL;
    h->sev = routine ? KS_SEV_LOW : KS_SEV_HIGH;
    h->what = starts(s, "drop") ? "objects dropped" : "rows removed or overwritten";
    return true;
}

int ks_an_db_destruction(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const db_analyzer a = {
        "db_destruction", "Data destroyed",
        "DROP TABLE/DATABASE, TRUNCATE, DELETE or UPDATE without WHERE. High unless the same "
        "statement is routine (seen during the learning window, e.g. a job emptying a staging "
        "table), then low."};
    return db_run(in, out, err, &a, chk_destroy, KS_ROLE_DATA);
}

/* ---- ransom notes ---- */

static bool chk_ransom(const ks_row *w, const char *s, const db_base *b, db_hit *h)
{
    (void)w;
    (void)b;
    static const char *const names[] = {"readme", "recover", "warning", "please_read", "how_to",
                                        "restore", "decrypt", "ransom", "read_me", "pwned",
                                        "hacked", NULL};
    static const char *const words[] = {"bitcoin", "btc", "recover your", "ransom", "monero",
                                        "xmr", "your data", "your database", "pay ",
                                        "backup of your", "restore your", NULL};
    if (starts(s, "create table")) {
        char t[256];
        const char *p = s + 12;
        if (starts(p, " if not exists"))
            p += 14;
        while (*p == ' ' || *p == '`' || *p == '"')
            p++;
        size_t k = strcspn(p, " (`\";");
        snprintf(t, sizeof t, "%.*s", (int)(k < 255 ? k : 255), p);
        if (!ks_an_has_any(t, names))
            return false;
        snprintf(h->detail, sizeof h->detail, "%s", t);
    } else if (starts(s, "insert ")) {
        if (!ks_an_has_any(s, words))
            return false;
    } else {
        return false;
    }
    h->sev = KS_SEV_CRITICAL;
    h->what = "ransom note";
    return true;
}

int ks_an_db_ransom(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const db_analyzer a = {
        "db_ransom", "Ransom note in the database",
        "A table named like a note to the owner (README, RECOVER, WARNING, PLEASE_READ...) was "
        "created, or text asking for bitcoin or promising recovery was inserted: the data was "
        "taken and deleted for ransom."};
    return db_run(in, out, err, &a, chk_ransom, KS_ROLE_CREATED);
}

/* ---- failed logins ---- */

#define AUTH_GUESS 5 /* failures before a success that make it guessing */

int ks_an_db_auth_failures(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap hosts;
    ks_strmap_init(&hosts);
    int rc = 0;
    size_t n = ks_rows_count(in->db);
    for (size_t i = 0; i < n && !rc; i++) {
        const ks_row *w = ks_rows_at(in->db, i);
        const char *host = w->v[KS_AN_D_HOST];
        bool failed = !strcmp(w->v[KS_AN_D_AUTHFAIL], "1");
        if (!*host)
            continue;
        ks_strmap_ent *h = failed ? ks_strmap_get(&hosts, host, err) : ks_strmap_find(&hosts, host);
        if (!h) {
            if (failed)
                rc = err->code ? err->code : KS_ENOMEM;
            continue;
        }
        /* a = failures from this client; p = its finding */
        bool success_after = !failed && h->a >= AUTH_GUESS &&
                             (!strcmp(w->v[KS_AN_D_COMMAND], "CONNECT") ||
                              !strcmp(w->v[KS_AN_D_COMMAND], "Connect") || *w->v[KS_AN_D_SQL]);
        if (failed)
            h->a++;
        else if (!success_after)
            continue;
        ks_sev sev = success_after ? KS_SEV_HIGH : h->a >= 20 ? KS_SEV_MEDIUM : KS_SEV_LOW;
        if (!h->p) {
            ks_finding *f = NULL;
            char title[700];
            if ((rc = ks_findings_add(out, "db_auth_failures", "database", sev, &f, err)))
                break;
            h->p = f;
            snprintf(title, sizeof title, "Failed database logins from %s", host);
            if ((rc = ks_finding_set_text(
                     f, title,
                     "Logins refused with a wrong or missing password. A few are typos or a "
                     "misconfigured client (low); twenty or more are guessing (medium); a "
                     "successful session from the same client after five or more failures means "
                     "a password was probably guessed (high).",
                     err)))
                break;
            if (ks_ct_is_ip(host))
                rc = ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, host, strlen(host), err);
        }
        ks_finding *f = h->p;
        if (sev > f->sev)
            f->sev = sev;
        if (success_after && !strstr(f->title, "then a session")) {
            char t[800];
            snprintf(t, sizeof t, "%s, then a session", f->title);
            rc = ks_finding_set_text(f, t, f->explanation, err);
        }
        const char *user = w->v[KS_AN_D_USER];
        ks_ref r = ks_row_ref(w);
        if (!rc)
            rc = ks_finding_ref(f, &r, err);
        if (!rc && *user)
            rc = ks_finding_entity(f, KS_ENT_USER, success_after ? KS_ROLE_CREDENTIAL : KS_ROLE_TARGET,
                                   user, strlen(user), err);
    }
    ks_strmap_free(&hosts);
    return rc;
}
