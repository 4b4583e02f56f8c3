/* dump_parser.h — SQL dumps (mysqldump / pg_dump plain) as a source (table db_dump). */
#ifndef KS_PARSERS_DUMP_H
#define KS_PARSERS_DUMP_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_db_dump;

#endif
