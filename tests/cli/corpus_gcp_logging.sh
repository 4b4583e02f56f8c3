#!/usr/bin/env bash
# Google Cloud Logging / Cloud Audit Logs: plaso's gcp_logging.jsonl against
# ORACLE_plaso_tests.json (count and the values it states for entries 0 and 9), every
# record against jq on the same file.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
G=$CORPUS/plaso/test_data/jsonl/gcp_logging.jsonl
O=$CORPUS/plaso/ORACLE_plaso_tests.json
expect_rc plaso_gcp_ingests 0 "$KS" ingest -q "$TMP/g" "$G"
expect_eq plaso_gcp_count "$(q "$TMP/g" "SELECT count(*) FROM gcp_logging")" \
  "$(jq -r '.[] | select(.test_data_path[-1]=="gcp_logging.jsonl") | .expected_number_of_event_data' "$O")"
for i in 0 9; do
  expect_eq "plaso_gcp_entry_$i" \
    "$(q "$TMP/g" "SELECT json_array(caller_ip, method_name, log_name, resource_name, service_name, severity, user_agent, time) FROM gcp_logging ORDER BY line LIMIT 1 OFFSET $i")" \
    "$(jq -c --argjson i $i '.[] | select(.test_data_path[-1]=="gcp_logging.jsonl") | .checks[] | select(.event_data_index==$i) | .expected_event_values | [.caller_ip, .event_subtype, .log_name, .resource_name, .service_name, .severity, .user_agent, (.recorded_time|sub("\\+00:00$";"000Z"))]' "$O")"
done
expect_eq plaso_gcp_entry_9_principal "$(q "$TMP/g" "SELECT principal_email||'|'||principal_subject FROM gcp_logging ORDER BY line LIMIT 1 OFFSET 9")" \
  "$(jq -r '.[] | select(.test_data_path[-1]=="gcp_logging.jsonl") | .checks[] | select(.event_data_index==9) | .expected_event_values | .principal_email + "|" + .principal_subject' "$O")"
expect_eq gcp_fields_match_jq \
  "$("$KS" query "$TMP/g" "SELECT insert_id, severity, resource_type, text_payload, status_code, principal_email FROM gcp_logging ORDER BY line" --format jsonl | jq -c '[.[]]')" \
  "$(jq -c '[.insertId, .severity, .resource.type, .textPayload, (if .protoPayload.status == null then null else (.protoPayload.status.code // 0) end), .protoPayload.authenticationInfo.principalEmail]' "$G")"
expect_eq gcp_denied_is_failure "$(q "$TMP/g" "SELECT outcome||'|'||status_code||'|'||log_id FROM events e JOIN gcp_logging g ON g.event_id = e.id WHERE g.status_code = 7")" \
  "failure|7|cloudaudit.googleapis.com/activity"
