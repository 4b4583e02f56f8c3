/* cloudwatch.h — CloudWatch Logs log events as exported or streamed: subscription /
 * Firehose envelopes ({"messageType","logGroup","logEvents":[...]}, several objects on one
 * line), `aws logs filter-log-events` / `get-log-events` output ({"events":[...]}), and S3
 * export lines ("2020-02-20T07:01:01.000Z message"). Rows go to `cloudwatch`. */
#ifndef KS_CLOUDWATCH_H
#define KS_CLOUDWATCH_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_cloudwatch;
extern const ks_table_def ks_table_cloudwatch;

#endif
