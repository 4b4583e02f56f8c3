/* awsconfig.h — AWS Config configuration items: history files delivered to S3
 * ({"fileVersion","configurationItems":[...]}, one item per recorded change; events) and
 * snapshot files (the same with "configSnapshotId": the state at one time; rows in the
 * table but not events), plus ConfigurationItemChangeNotification messages. Rows go to
 * `aws_config`. */
#ifndef KS_AWSCONFIG_H
#define KS_AWSCONFIG_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_aws_config;
extern const ks_parser ks_parser_aws_config_snapshot;
extern const ks_table_def ks_table_aws_config;

#endif
