/* s3access.h — Amazon S3 server access logs (one line per request, delivered to a target
 * bucket). Rows go to `s3access` with Athena's s3_access_logs column names. */
#ifndef KS_S3ACCESS_H
#define KS_S3ACCESS_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_s3access;
extern const ks_table_def ks_table_s3access;

#endif
