/* binlog_schema.h — naming a binlog's columns from SQL text, and rows as JSON: shared by
 * `kanshiki db binlog` (src/cli/cmd_db.c) and the `binlog` source of `ingest`
 * (src/parsers/db/binlog_parser.c).
 * Ownership: nothing is kept from the arguments (ks_binlog_set_columns copies names). */
#ifndef KS_BINLOG_SCHEMA_H
#define KS_BINLOG_SCHEMA_H

#include <stddef.h>

#include "core/buf.h"
#include "db/binlog.h"

/* One statement seen in a binlog (or a schema file) with `db` its session database: a
 * CREATE TABLE names the columns of later rows events of that table; ALTER / DROP / RENAME
 * TABLE forget names learnt before (they may no longer fit). Other statements are ignored. */
void ks_binlog_learn_ddl(ks_binlog *b, ks_str db, const char *sql, size_t n);

/* SQL text (a file of CREATE TABLE statements, or a dump): every statement is split with
 * the SQL lexer and given to ks_binlog_learn_ddl; `USE db` sets the database of the
 * statements after it. */
void ks_binlog_learn_schema(ks_binlog *b, const char *text, size_t n);

/* A row image as a JSON object {"name": value, ...} ("@N" for columns without a name;
 * columns absent from the image left out); "null" when vals is NULL. */
int ks_binlog_row_json(ks_buf *out, const ks_binlog_table *t, const ks_bv *vals);

#endif
