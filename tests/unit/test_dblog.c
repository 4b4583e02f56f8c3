/* The database log readers through their own callback API (no store needed). */
#include "ktest.h"

#include <stdlib.h>

#include "db/dblog.h"

typedef struct got {
    int n, bad;
    char sql[8][256];
    char user[8][64];
    char host[8][64];
    char db[8][64];
    int64_t line[8];
    int auth[8];
    char time[8][48];
} got;

static int collect(void *ctx, const ks_dblog_rec *r)
{
    got *g = ctx;
    if (g->n < 8) {
        snprintf(g->sql[g->n], 256, "%.*s", (int)(r->sql.n ? r->sql.n : r->message.n),
                 r->sql.n ? r->sql.p : r->message.p);
        snprintf(g->user[g->n], 64, "%s", r->user);
        snprintf(g->host[g->n], 64, "%s", r->host);
        snprintf(g->db[g->n], 64, "%s", r->db);
        g->line[g->n] = r->line;
        g->auth[g->n] = r->auth_failure;
        snprintf(g->time[g->n], 48, "%s", r->time);
    }
    g->n++;
    g->bad += r->bad;
    return 0;
}

static void feed(ks_dblog_format f, const char *prefix, const char *text, got *g)
{
    ks_dblog *p = NULL;
    ks_err err;
    memset(g, 0, sizeof *g);
    if (ks_dblog_new(&p, f, prefix, collect, g, &err) != 0)
        return;
    int64_t ln = 0, off = 0;
    for (const char *s = text; *s;) {
        const char *e = strchr(s, '\n');
        size_t L = e ? (size_t)(e - s) : strlen(s);
        ks_dblog_line(p, s, L, ++ln, off);
        off += (int64_t)L + 1;
        s += L + (e ? 1 : 0);
    }
    ks_dblog_finish(p);
    ks_dblog_free(p);
}

KTEST(test_dblog_general_log_joins_multiline_queries_and_tracks_database)
{
    got g;
    feed(KS_DBLOG_MYSQL_GENERAL,
         NULL,
         "2024-03-01T10:00:00.000001Z\t   12 Connect\tapp@10.0.0.5 on shop using TCP/IP\n"
         "2024-03-01T10:00:01.000001Z\t   12 Query\tSELECT *\n"
         "FROM cards\n"
         "2024-03-01T10:00:02.000001Z\t   13 Connect\tAccess denied for user 'root'@'203.0.113.9' (using password: YES)\n",
         &g);
    KT_EQ_INT(g.n, 3);
    KT_EQ_STR(g.user[0], "app");
    KT_EQ_STR(g.host[0], "10.0.0.5");
    KT_EQ_STR(g.sql[1], "SELECT *\nFROM cards");
    KT_EQ_STR(g.db[1], "shop");
    KT_EQ_INT(g.auth[2], 1);
    KT_EQ_STR(g.user[2], "root");
    KT_EQ_STR(g.host[2], "203.0.113.9");
}

KTEST(test_dblog_audit_quoted_statement_spans_lines_and_unterminated_is_bad)
{
    got g;
    feed(KS_DBLOG_MYSQL_AUDIT, NULL,
         "20240301 10:00:00,db1,app,10.0.0.5,12,100,QUERY,shop,'SELECT \\'a,b\\'\n"
         "FROM t',0\n"
         "20240301 10:00:01,db1,app,10.0.0.5,12,101,QUERY,shop,'SELECT 1\n"
         "20240301 10:00:02,db1,app,10.0.0.5,12,102,QUERY,shop,'SELECT 2',0\n",
         &g);
    KT_EQ_INT(g.n, 3);
    KT_EQ_INT(g.bad, 1);
    KT_EQ_STR(g.sql[0], "SELECT 'a,b'\nFROM t");
    KT_EQ_INT(g.line[1], 3);
    KT_EQ_STR(g.sql[2], "SELECT 2");
}

KTEST(test_dblog_pg_prefix_with_q_and_rds_default)
{
    got g;
    feed(KS_DBLOG_PG_STDERR, "%m [%p] %q%u@%d ",
         "2024-03-01 10:00:00.123 UTC [41] LOG:  database system is ready\n"
         "2024-03-01 10:00:01.000 UTC [42] app@shop LOG:  statement: SELECT 1;\n"
         "\tSELECT 2\n",
         &g);
    KT_EQ_INT(g.n, 2);
    KT_EQ_STR(g.user[1], "app");
    KT_EQ_STR(g.db[1], "shop");
    KT_EQ_STR(g.sql[1], "SELECT 1;\nSELECT 2");
    feed(KS_DBLOG_PG_STDERR, NULL,
         "2024-03-01 10:00:00 UTC:2001:db8::7(5432):bad@shop:[43]:FATAL:  password authentication failed for user \"bad\"\n",
         &g);
    KT_EQ_INT(g.n, 1);
    KT_EQ_STR(g.host[0], "2001:db8::7");
    KT_EQ_INT(g.auth[0], 1);
}

/* MariaDB writes the hour with %2d: before 10:00 the error log and the general log say
 * "2026-11-23  0:03:48" (two spaces). Found when the suite ran shortly after midnight. */
KTEST(test_dblog_space_padded_hour_before_ten_is_a_time)
{
    got g;
    feed(KS_DBLOG_MYSQL_ERROR, NULL,
         "2026-11-23  0:03:48 0 [Note] Starting MariaDB 10.11.19-MariaDB-0+deb12u1-log\n"
         "2026-11-23  9:03:49 5 [Warning] Access denied for user 'bruteforce'@'localhost' "
         "(using password: YES)\n",
         &g);
    KT_EQ_INT(g.n, 2);
    KT_EQ_STR(g.time[0], "2026-11-23T00:03:48");
    KT_EQ_STR(g.time[1], "2026-11-23T09:03:49");
    KT_EQ_STR(g.user[1], "bruteforce");
    KT_EQ_INT(g.auth[1], 1);
    KT_EQ_INT(ks_dblog_sniff("2026-11-23  0:03:48 0 [Note] Starting MariaDB\n", 46),
              KS_DBLOG_MYSQL_ERROR);
}

/* Only the server's own message is an authentication failure: the phrase followed by other
 * text on its line (fail2ban's injection sample) is not, "to database" denials are. */
KTEST(test_dblog_access_denied_only_as_the_whole_server_message)
{
    got g;
    feed(KS_DBLOG_MYSQL_ERROR, NULL,
         "2016-02-24T15:26:18.237955 6 [Note] Access denied for user 'root'@'localhost' "
         "(using password: YES) condition lead to a hypothetical failure\n"
         "2020-01-16 21:34:14 4644 [Warning] Access denied for user 'root'@'192.0.2.1'\n"
         "2020-01-16 21:34:15 4645 [Warning] Access denied for user 'app'@'10.0.0.9' to "
         "database 'shop'\n",
         &g);
    KT_EQ_INT(g.n, 3);
    KT_EQ_INT(g.auth[0], 0);
    KT_EQ_INT(g.auth[1], 1);
    KT_EQ_STR(g.host[1], "192.0.2.1");
    KT_EQ_INT(g.auth[2], 1);
    KT_EQ_STR(g.user[2], "app");
}
