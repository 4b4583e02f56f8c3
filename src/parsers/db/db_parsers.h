/* db_parsers.h — database server logs as sources (readers in src/db/dblog.c). */
#ifndef KS_PARSERS_DB_H
#define KS_PARSERS_DB_H

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

#endif
