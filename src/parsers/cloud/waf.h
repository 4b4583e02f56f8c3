/* waf.h — AWS WAF (v2) web ACL logs: one JSON object per request (S3 / Firehose / CloudWatch
 * delivery, JSON lines or concatenated). Rows go to `waf` (Athena's waf_logs names). */
#ifndef KS_WAF_H
#define KS_WAF_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_waf;
extern const ks_table_def ks_table_waf;

#endif
