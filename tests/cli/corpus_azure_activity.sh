#!/usr/bin/env bash
# Azure Activity Log: plaso's azure_activity_log.jsonl (SDK snake_case form) against
# ORACLE_plaso_tests.json; the same events re-spelled in the REST camelCase form by a script
# here must give the same rows; generated sign-in records (diagnostic export) for the
# user/app/error-code mapping.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
A=$CORPUS/plaso/test_data/jsonl/azure_activity_log.jsonl
O=$CORPUS/plaso/ORACLE_plaso_tests.json
expect_rc plaso_azure_ingests 0 "$KS" ingest -q "$TMP/a" "$A"
expect_eq plaso_azure_count "$(q "$TMP/a" "SELECT count(*) FROM azure_activity")" \
  "$(jq -r '.[] | select(.test_data_path[-1]=="azure_activity_log.jsonl") | .expected_number_of_event_data' "$O")"
COLS="caller, caller_ip, correlation_id, event_data_id, event_name, level, operation_id, operation_name, time, resource_group, resource_id, resource_provider, resource_type, subscription_id, tenant_id"
expect_eq plaso_azure_first_values "$(q "$TMP/a" "SELECT json_array($COLS) FROM azure_activity ORDER BY line LIMIT 1")" \
  "$(jq -c '.[] | select(.test_data_path[-1]=="azure_activity_log.jsonl") | .checks[0].expected_event_values | [.caller, .client_ip, .correlation_identifier, .event_data_identifier, .event_name, .level, .operation_identifier, .operation_name, (.recorded_time|sub("\\+00:00$";"000Z")), .resource_group, .resource_identifier, .resource_provider, .resource_type, .subscription_identifier, .tenant_identifier]' "$O")"
python3 - "$A" "$TMP/rest.json" "$TMP/signin.json" <<'PY'
import json, sys, re
camel = lambda k: re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k)
def conv(v):
    if isinstance(v, dict): return {camel(k) if "://" not in k else k: conv(x) for k, x in v.items()}
    if isinstance(v, list): return [conv(x) for x in v]
    return v
events = [conv(json.loads(l)) for l in open(sys.argv[1]) if l.strip()]
json.dump({"value": events}, open(sys.argv[2], "w"), indent=1)
recs = [
  {"time": "2026-11-22T10:00:00.1234567Z", "resourceId": "/tenants/t1/providers/Microsoft.aadiam", "operationName": "Sign-in activity", "category": "SignInLogs",
   "resultType": "50126", "resultSignature": "None", "callerIpAddress": "203.0.113.7", "correlationId": "c1", "identity": "Alice",
   "properties": {"userPrincipalName": "alice@example.com", "appDisplayName": "Azure Portal", "ipAddress": "203.0.113.7",
                  "status": {"errorCode": 50126, "failureReason": "Invalid username or password."}, "location": {"city": "Tokyo", "countryOrRegion": "JP"}}},
  {"time": "2026-11-22T10:00:05Z", "resourceId": "/tenants/t1/providers/Microsoft.aadiam", "operationName": "Sign-in activity", "category": "SignInLogs",
   "resultType": "0", "callerIpAddress": "203.0.113.7", "correlationId": "c2",
   "properties": {"userPrincipalName": "alice@example.com", "appDisplayName": "Azure Portal", "status": {"errorCode": 0}}},
]
json.dump({"records": recs}, open(sys.argv[3], "w"))
PY
expect_rc rest_form_ingests 0 "$KS" ingest -q "$TMP/r" "$TMP/rest.json"
expect_eq rest_form_same_rows "$("$KS" query "$TMP/r" "SELECT $COLS, status, http_method FROM azure_activity ORDER BY time" --format csv)" \
  "$("$KS" query "$TMP/a" "SELECT $COLS, status, http_method FROM azure_activity ORDER BY time" --format csv)"
expect_rc signin_ingests 0 "$KS" ingest -q "$TMP/s" "$TMP/signin.json"
expect_eq signin_failure "$(q "$TMP/s" "SELECT actor||'|'||src_ip||'|'||outcome||'|'||e.time||'|'||error_code||'|'||location||'|'||app_display_name FROM events e JOIN azure_activity a ON a.event_id = e.id WHERE a.correlation_id = 'c1'")" \
  "alice@example.com|203.0.113.7|failure|2026-11-22T10:00:00.123456700Z|50126|Tokyo, JP|Azure Portal"
expect_eq signin_success "$(q "$TMP/s" "SELECT outcome FROM events e JOIN azure_activity a ON a.event_id = e.id WHERE a.correlation_id = 'c2'")" "success"
