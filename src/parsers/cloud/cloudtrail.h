/* cloudtrail.h — AWS CloudTrail events and digest files.
 *
 * Layouts read (the record splitter handles the framing):
 *   - S3 delivery: {"Records":[ {event}, ... ]} (usually .json.gz under
 *     AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/);
 *   - one record per line (CloudTrail Lake / SIEM exports), or concatenated objects;
 *   - a JSON array of records;
 *   - `aws cloudtrail lookup-events` output: {"Events":[{"EventId":..,"CloudTrailEvent":"<json>"}]},
 *     where each event is a JSON string to be parsed again.
 * Digest files (CloudTrail-Digest, integrity chain) are recognised by their own parser and
 * stored in `cloudtrail_digest`, not counted as events.
 *
 * The `cloudtrail` table offers Athena's CloudTrail table columns in lower case, nested
 * structures as JSON text (query them with ->>, e.g. useridentity->>'userName'), plus
 * flattened useridentity_* / session_* columns and `time` (UTC, ns) for convenience.
 */
#ifndef KS_CLOUDTRAIL_H
#define KS_CLOUDTRAIL_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_cloudtrail;
extern const ks_parser ks_parser_cloudtrail_digest;
extern const ks_table_def ks_table_cloudtrail;
extern const ks_table_def ks_table_cloudtrail_digest;

#endif
