/* registry_list.h — every parser, one line each (X-macro used by registry.c).
 * Order matters only for equal sniff scores: the earlier wins. */
#ifndef KS_REGISTRY_LIST_H
#define KS_REGISTRY_LIST_H

#include "parsers/cloud/cloudtrail.h"
#include "parsers/db/db_parsers.h"
#include "parsers/host/filesystem.h"

#define KS_PARSER_LIST                        \
    KS_PARSER_ENTRY(ks_parser_cloudtrail)     \
    KS_PARSER_ENTRY(ks_parser_cloudtrail_digest) \
    KS_PARSER_ENTRY(ks_parser_filesystem) \
    KS_PARSER_ENTRY(ks_parser_mysql_general) \
    KS_PARSER_ENTRY(ks_parser_mysql_general_csv) \
    KS_PARSER_ENTRY(ks_parser_mysql_slow) \
    KS_PARSER_ENTRY(ks_parser_mysql_error) \
    KS_PARSER_ENTRY(ks_parser_mysql_audit) \
    KS_PARSER_ENTRY(ks_parser_mysql_audit_xml) \
    KS_PARSER_ENTRY(ks_parser_pg_stderr) \
    KS_PARSER_ENTRY(ks_parser_pg_csv) \
    KS_PARSER_ENTRY(ks_parser_pg_json)

#endif
