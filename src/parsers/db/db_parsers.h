/* db_parsers.h — database server logs as sources (readers in src/db/dblog.c). */
#ifndef KS_PARSERS_DB_H
#define KS_PARSERS_DB_H

#include "db/dblog.h"
#include "parsers/parser.h"

extern const ks_parser ks_parser_mysql_general;
extern const ks_parser ks_parser_mysql_general_csv;
extern const ks_parser ks_parser_mysql_slow;
extern const ks_parser ks_parser_mysql_error;
extern const ks_parser ks_parser_mysql_audit;
extern const ks_parser ks_parser_mysql_audit_xml;
extern const ks_parser ks_parser_pg_stderr;
extern const ks_parser ks_parser_pg_csv;
extern const ks_parser ks_parser_pg_json;
extern const ks_parser ks_parser_mysql_audit_json;

/* The one table all DB log sources write (declare it before writing). */
extern const ks_table_def ks_db_log_table;

/* Per-record entry point for readers that find DB log records elsewhere (JSON audit logs,
 * CloudWatch exports): writes one record as an event plus its db_log row (a record marked
 * bad becomes an error record). `record` is the record's text for events.raw; KS_STR_NULL
 * rebuilds it from the fields. Returns the sink's status. */
int ks_db_log_write(ks_sink *sink, const ks_dblog_rec *r, ks_str record, ks_err *err);

/* A DB log line reader writing through a sink: for containers (CloudWatch) that hold the
 * lines of a server log. Line numbers and offsets given to feed are the container's. */
typedef struct ks_db_lines ks_db_lines;
int ks_db_lines_new(ks_db_lines **out, ks_sink *sink, ks_dblog_format f, ks_err *err);
/* Non-zero only for a store error (err filled). */
int ks_db_lines_feed(ks_db_lines *l, const char *line, size_t n, int64_t lineno, int64_t offset);
/* Flushes a record still being assembled; non-zero for a store error. */
int ks_db_lines_finish(ks_db_lines *l);
void ks_db_lines_free(ks_db_lines *l);

#endif
