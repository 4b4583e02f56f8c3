/* guardduty.h — Amazon GuardDuty findings: `aws guardduty get-findings` output
 * ({"Findings":[...]}, PascalCase), the EventBridge event ({"detail-type":"GuardDuty
 * Finding","detail":{...}}, camelCase) and S3 exports (one camelCase finding per line or a
 * JSON array). Rows go to `guardduty`. */
#ifndef KS_GUARDDUTY_H
#define KS_GUARDDUTY_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_guardduty;
extern const ks_table_def ks_table_guardduty;

#endif
