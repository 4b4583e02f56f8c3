/* cloudfront.h — Amazon CloudFront standard (access) logs: W3C extended format with
 * "#Version" / "#Fields" headers, tab-separated. Rows go to `cloudfront` (Athena's
 * cloudfront_standard_logs column names). */
#ifndef KS_CLOUDFRONT_H
#define KS_CLOUDFRONT_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_cloudfront;
extern const ks_table_def ks_table_cloudfront;

#endif
