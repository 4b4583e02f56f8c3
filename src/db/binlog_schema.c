/* binlog_schema.c — column names for binlog rows from SQL text, and row images as JSON.
 * Binlogs carry column types, not names (unless MySQL 8 / MariaDB 10.5 FULL row metadata):
 * names come from CREATE TABLE statements in the same binlog, a --schema file or a dump. */
#include "db/binlog_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/dump_diff.h"
#include "db/sql_lex.h"

void ks_binlog_learn_ddl(ks_binlog *b, ks_str db, const char *sql, size_t n)
{
    char *table = NULL;
    char **cols = NULL;
    size_t ncols = 0;
    if (ks_sql_create_table_columns(sql, n, 0, &table, &cols, &ncols) != 0) {
        ks_sql_info info;
        ks_sql_analyze(&info, sql, n, KS_SQL_MYSQL);
        if (info.cls != KS_SQL_C_DDL)
            return;
        for (size_t i = 0; i < info.nobj; i++) {
            const ks_sql_object *o = &info.obj[i];
            if (o->is_database || (o->action != KS_SQL_A_ALTER && o->action != KS_SQL_A_DROP))
                continue;
            char dbname[256];
            snprintf(dbname, sizeof dbname, "%.*s", o->schema[0] ? (int)strlen(o->schema) : (int)db.n,
                     o->schema[0] ? o->schema : (db.p ? db.p : ""));
            ks_binlog_forget_columns(b, dbname, o->name);
        }
        return;
    }
    char dbname[256] = "";
    const char *tname = table;
    const char *dot = strchr(table, '.');
    if (dot) {
        snprintf(dbname, sizeof dbname, "%.*s", (int)(dot - table), table);
        tname = dot + 1;
    } else if (db.n) {
        snprintf(dbname, sizeof dbname, "%.*s", (int)db.n, db.p);
    }
    ks_binlog_set_columns(b, dbname, tname, (const char *const *)cols, ncols);
    for (size_t i = 0; i < ncols; i++)
        free(cols[i]);
    free(cols);
    free(table);
}

void ks_binlog_learn_schema(ks_binlog *b, const char *text, size_t n)
{
    ks_sql_lexer lx;
    ks_sql_tok t;
    ks_sql_lexer_init(&lx, text ? text : "", n, KS_SQL_MYSQL);
    size_t start = (size_t)-1, end = 0;
    ks_str db = KS_STR_NULL;
    char dbbuf[256];
    for (int more = 1; more;) {
        int lrc = ks_sql_lex_next(&lx, &t);
        if (lrc == 0 && !(t.type == KS_SQL_T_PUNCT && text[t.off] == ';')) {
            if (t.type == KS_SQL_T_COMMENT)
                continue;
            if (start == (size_t)-1)
                start = t.off;
            end = t.off + t.len;
            continue;
        }
        if (lrc)
            more = 0;
        if (start == (size_t)-1)
            continue;
        ks_sql_info info;
        ks_sql_analyze(&info, text + start, end - start, KS_SQL_MYSQL);
        if (!strcmp(info.verb, "USE") && info.nobj == 1) {
            snprintf(dbbuf, sizeof dbbuf, "%s", info.obj[0].name);
            db = ks_str_c(dbbuf);
        } else {
            ks_binlog_learn_ddl(b, db, text + start, end - start);
        }
        start = (size_t)-1;
    }
}

int ks_binlog_row_json(ks_buf *o, const ks_binlog_table *t, const ks_bv *vals)
{
    if (!vals)
        return ks_buf_puts(o, "null");
    int rc = ks_buf_putc(o, '{');
    int first = 1;
    for (uint32_t i = 0; i < t->ncols && !rc; i++) {
        if (vals[i].kind == KS_BV_ABSENT)
            continue;
        if (!first)
            rc = ks_buf_putc(o, ',');
        first = 0;
        if (!rc && t->colnames && t->colnames[i])
            rc = ks_db_json_str(o, t->colnames[i], strlen(t->colnames[i]));
        else if (!rc)
            rc = ks_buf_printf(o, "\"@%u\"", i + 1);
        if (!rc)
            rc = ks_buf_putc(o, ':');
        if (!rc)
            rc = ks_bv_format_json(o, &vals[i]);
    }
    return rc ? rc : ks_buf_putc(o, '}');
}
