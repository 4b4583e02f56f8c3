#include "ktest.h"

#include "db/sql_fingerprint.h"
#include "db/sql_lex.h"

static void fpr(char *dst, size_t cap, const char *sql, ks_sql_dialect d)
{
    ks_buf b;
    ks_buf_init(&b, 1 << 20);
    dst[0] = '\0';
    if (ks_sql_fingerprint(&b, sql, strlen(sql), d) == 0 && b.data)
        snprintf(dst, cap, "%s", b.data);
    ks_buf_free(&b);
}

static int count_tokens(const char *sql, ks_sql_dialect d, ks_sql_tok_type only)
{
    ks_sql_lexer lx;
    ks_sql_tok t;
    int n = 0;
    ks_sql_lexer_init(&lx, sql, strlen(sql), d);
    while (ks_sql_lex_next(&lx, &t) == 0)
        if (!only || t.type == only)
            n++;
    return n;
}

KTEST(test_sql_lex_mysql_strings_with_backslash_and_doubled_quotes)
{
    const char *sql = "SELECT 'it''s', 'a\\'b', \"x\\\"y\" FROM `we``ird`";
    KT_EQ_INT(count_tokens(sql, KS_SQL_MYSQL, KS_SQL_T_STRING), 3);
    KT_EQ_INT(count_tokens(sql, KS_SQL_MYSQL, KS_SQL_T_QIDENT), 1);
    KT_EQ_INT(count_tokens(sql, KS_SQL_MYSQL, 0), 8);
}

KTEST(test_sql_lex_pg_dollar_quotes_and_params)
{
    const char *sql = "SELECT $tag$ it's ; -- not a comment $tag$, $1, E'a\\'b' FROM \"T\"";
    KT_EQ_INT(count_tokens(sql, KS_SQL_PG, KS_SQL_T_STRING), 2);
    KT_EQ_INT(count_tokens(sql, KS_SQL_PG, KS_SQL_T_PARAM), 1);
    KT_EQ_INT(count_tokens(sql, KS_SQL_PG, KS_SQL_T_QIDENT), 1);
    KT_EQ_INT(count_tokens(sql, KS_SQL_PG, KS_SQL_T_COMMENT), 0);
}

KTEST(test_sql_lex_comments_and_executable_comments)
{
    const char *sql = "SELECT 1 -- c\n# c2\n/* c3 */ /*!40101 SET NAMES utf8 */";
    KT_EQ_INT(count_tokens(sql, KS_SQL_MYSQL, KS_SQL_T_COMMENT), 3);
    ks_sql_info in;
    ks_sql_analyze(&in, "/*!40101 SET NAMES utf8 */", 26, KS_SQL_MYSQL);
    KT_EQ_STR(in.verb, "SET");
    KT_EQ_INT(in.cls, KS_SQL_C_SESSION);
}

KTEST(test_sql_lex_unterminated_string_is_one_flagged_token)
{
    ks_sql_lexer lx;
    ks_sql_tok t;
    const char *sql = "SELECT 'abc";
    ks_sql_lexer_init(&lx, sql, strlen(sql), KS_SQL_MYSQL);
    KT_EQ_INT(ks_sql_lex_next(&lx, &t), 0);
    KT_EQ_INT(ks_sql_lex_next(&lx, &t), 0);
    KT_EQ_INT(t.type, KS_SQL_T_STRING);
    KT_CHECK(t.flags & KS_SQL_TF_UNTERMINATED);
    KT_EQ_INT(t.off + t.len, strlen(sql));
    KT_EQ_INT(ks_sql_lex_next(&lx, &t), KS_EOF);
    ks_sql_info in;
    ks_sql_analyze(&in, sql, strlen(sql), KS_SQL_MYSQL);
    KT_CHECK(in.flags & KS_SQL_F_UNTERMINATED);
}

KTEST(test_sql_classify_each_class)
{
    static const struct { const char *sql; ks_sql_class c; const char *verb; } cases[] = {
        {"select * from t", KS_SQL_C_READ, "SELECT"},
        {"SHOW TABLES", KS_SQL_C_READ, "SHOW TABLES"},
        {"with x as (select 1) delete from t where id in (select * from x)", KS_SQL_C_WRITE, "DELETE"},
        {"INSERT INTO t VALUES (1)", KS_SQL_C_WRITE, "INSERT"},
        {"LOAD DATA INFILE '/etc/passwd' INTO TABLE t", KS_SQL_C_WRITE, "LOAD DATA"},
        {"DROP TABLE IF EXISTS t", KS_SQL_C_DDL, "DROP TABLE"},
        {"CREATE OR REPLACE VIEW v AS SELECT 1", KS_SQL_C_DDL, "CREATE VIEW"},
        {"TRUNCATE TABLE t", KS_SQL_C_DDL, "TRUNCATE"},
        {"GRANT ALL ON *.* TO 'x'@'%'", KS_SQL_C_DCL, "GRANT"},
        {"CREATE USER 'x'@'%' IDENTIFIED BY 'p'", KS_SQL_C_DCL, "CREATE USER"},
        {"SET PASSWORD FOR root = 'x'", KS_SQL_C_DCL, "SET PASSWORD"},
        {"FLUSH PRIVILEGES", KS_SQL_C_ADMIN, "FLUSH"},
        {"SET GLOBAL general_log = 0", KS_SQL_C_ADMIN, "SET"},
        {"set @@global.general_log = 0", KS_SQL_C_ADMIN, "SET"},
        {"SET NAMES utf8mb4", KS_SQL_C_SESSION, "SET"},
        {"use shop", KS_SQL_C_SESSION, "USE"},
        {"COPY t TO '/tmp/x'", KS_SQL_C_READ, "COPY"},
        {"COPY t FROM STDIN", KS_SQL_C_WRITE, "COPY"},
        {"(SELECT 1) UNION (SELECT 2)", KS_SQL_C_READ, "SELECT"},
        {"frobnicate x", KS_SQL_C_UNKNOWN, "FROBNICATE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ks_sql_info in;
        ks_sql_analyze(&in, cases[i].sql, strlen(cases[i].sql), KS_SQL_ANY);
        if ((int)in.cls != (int)cases[i].c || strcmp(in.verb, cases[i].verb))
            KT_FAIL_("%s: class %s verb '%s', expected %s '%s'", cases[i].sql,
                     ks_sql_class_name(in.cls), in.verb, ks_sql_class_name(cases[i].c),
                     cases[i].verb);
    }
}

static int has_obj(const ks_sql_info *in, const char *schema, const char *name, ks_sql_action a)
{
    for (size_t i = 0; i < in->nobj; i++)
        if (!strcmp(in->obj[i].schema, schema) && !strcmp(in->obj[i].name, name) &&
            in->obj[i].action == a)
            return 1;
    return 0;
}

KTEST(test_sql_objects_from_joins_subqueries_and_aliases)
{
    const char *sql = "SELECT c.num, u.name FROM shop.cards AS c JOIN `users` u ON u.id=c.uid, "
                      "orders o WHERE c.id IN (SELECT id FROM audit.log) AND f(x)";
    ks_sql_info in;
    ks_sql_analyze(&in, sql, strlen(sql), KS_SQL_MYSQL);
    KT_CHECK(has_obj(&in, "shop", "cards", KS_SQL_A_READ));
    KT_CHECK(has_obj(&in, "", "users", KS_SQL_A_READ));
    KT_CHECK(has_obj(&in, "", "orders", KS_SQL_A_READ));
    KT_CHECK(has_obj(&in, "audit", "log", KS_SQL_A_READ));
    KT_EQ_INT(in.nobj, 4);
}

KTEST(test_sql_objects_for_writes_ddl_and_grants)
{
    ks_sql_info in;
    const char *a = "INSERT INTO shop.orders (a) SELECT a FROM shop.cart";
    ks_sql_analyze(&in, a, strlen(a), KS_SQL_MYSQL);
    KT_CHECK(has_obj(&in, "shop", "orders", KS_SQL_A_WRITE));
    KT_CHECK(has_obj(&in, "shop", "cart", KS_SQL_A_READ));
    const char *b = "DROP TABLE IF EXISTS a, b.c";
    ks_sql_analyze(&in, b, strlen(b), KS_SQL_MYSQL);
    KT_CHECK(has_obj(&in, "", "a", KS_SQL_A_DROP));
    KT_CHECK(has_obj(&in, "b", "c", KS_SQL_A_DROP));
    const char *c = "GRANT SELECT ON shop.* TO 'evil'@'%'";
    ks_sql_analyze(&in, c, strlen(c), KS_SQL_MYSQL);
    KT_CHECK(has_obj(&in, "shop", "*", KS_SQL_A_GRANT));
    const char *d = "DELETE FROM customers";
    ks_sql_analyze(&in, d, strlen(d), KS_SQL_MYSQL);
    KT_CHECK(has_obj(&in, "", "customers", KS_SQL_A_WRITE));
    KT_CHECK(in.flags & KS_SQL_F_NO_WHERE);
    const char *e = "UPDATE t1 JOIN t2 ON t1.a=t2.a SET t1.b=1 WHERE t2.c=2";
    ks_sql_analyze(&in, e, strlen(e), KS_SQL_MYSQL);
    KT_CHECK(has_obj(&in, "", "t1", KS_SQL_A_WRITE));
    KT_CHECK(has_obj(&in, "", "t2", KS_SQL_A_READ));
    KT_CHECK(!(in.flags & KS_SQL_F_NO_WHERE));
    const char *f = "RENAME TABLE a TO b";
    ks_sql_analyze(&in, f, strlen(f), KS_SQL_MYSQL);
    KT_CHECK(has_obj(&in, "", "a", KS_SQL_A_DROP));
    KT_CHECK(has_obj(&in, "", "b", KS_SQL_A_CREATE));
    const char *g = "DROP DATABASE shop";
    ks_sql_analyze(&in, g, strlen(g), KS_SQL_MYSQL);
    KT_REQUIRE(in.nobj == 1);
    KT_CHECK(in.obj[0].is_database);
    const char *h = "CREATE INDEX i ON public.t (a)";
    ks_sql_analyze(&in, h, strlen(h), KS_SQL_PG);
    KT_CHECK(has_obj(&in, "public", "t", KS_SQL_A_ALTER));
    const char *k = "CREATE TABLE `README_TO_RECOVER` (msg text)";
    ks_sql_analyze(&in, k, strlen(k), KS_SQL_MYSQL);
    KT_CHECK(has_obj(&in, "", "README_TO_RECOVER", KS_SQL_A_CREATE));
}

KTEST(test_sql_attack_flags)
{
    ks_sql_info in;
    const char *a = "SELECT * FROM cards INTO OUTFILE '/tmp/x'";
    ks_sql_analyze(&in, a, strlen(a), KS_SQL_MYSQL);
    KT_CHECK(in.flags & KS_SQL_F_OUTFILE);
    KT_CHECK(in.flags & KS_SQL_F_SELECT_STAR);
    const char *b = "select table_name from information_schema.tables where table_schema=database()";
    ks_sql_analyze(&in, b, strlen(b), KS_SQL_MYSQL);
    KT_CHECK(in.flags & KS_SQL_F_INFOSCHEMA);
    KT_CHECK(has_obj(&in, "information_schema", "tables", KS_SQL_A_READ));
    const char *c = "SELECT 1 FROM t WHERE id=1 AND SLEEP(5)-- x";
    ks_sql_analyze(&in, c, strlen(c), KS_SQL_MYSQL);
    KT_CHECK(in.flags & KS_SQL_F_SLEEP);
    KT_CHECK(in.flags & KS_SQL_F_COMMENT);
    const char *d = "SELECT 1; DROP TABLE users";
    ks_sql_analyze(&in, d, strlen(d), KS_SQL_MYSQL);
    KT_CHECK(in.flags & KS_SQL_F_MULTI);
    KT_CHECK(has_obj(&in, "", "users", KS_SQL_A_DROP));
    KT_EQ_INT(in.cls, KS_SQL_C_READ);
    const char *e = "SELECT LOAD_FILE('/etc/passwd')";
    ks_sql_analyze(&in, e, strlen(e), KS_SQL_MYSQL);
    KT_CHECK(in.flags & KS_SQL_F_LOADFILE);
    const char *f = "COPY (SELECT 1) TO PROGRAM 'curl x'";
    ks_sql_analyze(&in, f, strlen(f), KS_SQL_PG);
    KT_CHECK(in.flags & KS_SQL_F_OUTFILE);
}

KTEST(test_sql_fingerprint_replaces_literals_and_collapses_lists)
{
    char out[512];
    fpr(out, sizeof out, "SELECT  *\n FROM `Users` WHERE id = 42 AND name='bob' -- hi", KS_SQL_MYSQL);
    KT_EQ_STR(out, "select * from users where id = ? and name = ?");
    fpr(out, sizeof out, "select * from users where id in (1, 2, 3)", KS_SQL_MYSQL);
    KT_EQ_STR(out, "select * from users where id in(?+)");
    fpr(out, sizeof out, "INSERT INTO t (a,b) VALUES (1,'x'),(2,'y'), (3, NULL);", KS_SQL_MYSQL);
    KT_EQ_STR(out, "insert into t(a, b) values(?+)");
    fpr(out, sizeof out, "select a from t where x = -5 and y = b - 3", KS_SQL_MYSQL);
    KT_EQ_STR(out, "select a from t where x = ? and y = b - ?");
    fpr(out, sizeof out, "SELECT $1::int, count(*) FROM \"T\" WHERE s = E'a\\'b'", KS_SQL_PG);
    KT_EQ_STR(out, "select ?::int, count(*) from t where s = ?");
}

KTEST(test_sql_fingerprint_groups_application_queries)
{
    char a[256], b[256];
    fpr(a, sizeof a, "SELECT name FROM users WHERE id=1", KS_SQL_ANY);
    fpr(b, sizeof b, "select name\n\tfrom users where id = 99999 /* app */", KS_SQL_ANY);
    KT_EQ_STR(a, b);
    KT_EQ_INT(ks_sql_fingerprint_id(a, strlen(a)) == ks_sql_fingerprint_id(b, strlen(b)), 1);
    fpr(b, sizeof b, "SELECT name FROM users WHERE id=1 OR 1=1", KS_SQL_ANY);
    KT_CHECK(strcmp(a, b) != 0);
}

KTEST(test_sql_fingerprint_respects_buffer_max)
{
    ks_buf b;
    ks_buf_init(&b, 8);
    const char *sql = "SELECT aaaaaaaaaaaaaaa FROM bbbbbbbbbbbbb";
    KT_EQ_INT(ks_sql_fingerprint(&b, sql, strlen(sql), KS_SQL_ANY), KS_ELIMIT);
    ks_buf_free(&b);
}
