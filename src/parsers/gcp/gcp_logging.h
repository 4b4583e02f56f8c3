/* gcp_logging.h — Google Cloud Logging LogEntry records (Cloud Audit Logs: Admin Activity,
 * Data Access, System Event, Policy Denied; and any other log) as exported to Cloud Storage
 * / BigQuery JSON or `gcloud logging read --format=json` (an array). Rows go to
 * `gcp_logging`. */
#ifndef KS_GCP_LOGGING_H
#define KS_GCP_LOGGING_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_gcp_logging;
extern const ks_table_def ks_table_gcp_logging;

#endif
