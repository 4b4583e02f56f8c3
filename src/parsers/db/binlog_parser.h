/* binlog_parser.h — MySQL/MariaDB binary logs as a source (decoder in src/db/binlog.c). */
#ifndef KS_PARSERS_BINLOG_H
#define KS_PARSERS_BINLOG_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_binlog;

#endif
