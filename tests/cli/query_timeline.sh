#!/usr/bin/env bash
# `query` is read-only and escapes evidence text; `timeline` sorts across sources in any zone.
source "$(dirname "$0")/../lib.sh"

C=$TMP/case; mkdir -p "$TMP/ev"
# a hostile record: control characters and an ANSI escape in the user agent, a formula in a name
python3 - "$TMP/ev/hostile.json" <<'PY'
import json, sys
recs = [
 {"eventVersion":"1.08","eventTime":"2026-11-21T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",
  "awsRegion":"ap-northeast-1","sourceIPAddress":"203.0.113.5","userAgent":"evil\u001b[31mRED\u0007\r\nX <script>alert(1)</script>",
  "userIdentity":{"type":"IAMUser","userName":"=cmd|' /C calc'!A0","arn":"arn:aws:iam::111122223333:user/x"}},
 {"eventVersion":"1.08","eventTime":"2026-11-20T23:59:59.123456789+09:00","eventSource":"iam.amazonaws.com","eventName":"ListUsers",
  "awsRegion":"us-east-1","sourceIPAddress":"198.51.100.1","userAgent":"aws-cli","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"}},
 {"eventVersion":"1.08","eventTime":"2026-11-21T12:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances",
  "awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"aws-cli","userIdentity":{"type":"IAMUser","userName":"bob"}},
]
with open(sys.argv[1], "w") as f:
    for r in recs: f.write(json.dumps(r) + "\n")
PY
expect_rc ingest_jsonl_exits_0 0 "$KS" ingest -q "$C" "$TMP/ev"
expect_eq jsonl_three_records "$(q "$C" "SELECT count(*) FROM events")" "3"
expect_eq offset_with_plus0900_converted_to_utc "$(q "$C" "SELECT time FROM events WHERE action='ListUsers'")" "2026-11-20T14:59:59.123456789Z"
expect_eq line_numbers_recorded "$(q "$C" "SELECT group_concat(line) FROM (SELECT line FROM events ORDER BY line)")" "1,2,3"

# read-only: nothing through query can change the case
before=$(cat "$C"/*.db | sha256sum | cut -d' ' -f1)
expect_rc query_insert_refused 2 "$KS" query "$C" "INSERT INTO meta VALUES('x','y')"
expect_rc query_delete_refused 2 "$KS" query "$C" "DELETE FROM event"
expect_rc query_drop_refused 2 "$KS" query "$C" "DROP TABLE event"
expect_rc query_delete_in_sources_db_refused 2 "$KS" query "$C" "DELETE FROM cloudtrail"
expect_rc query_detach_refused 2 "$KS" query "$C" "DETACH DATABASE sources"
expect_rc query_attach_refused 2 "$KS" query "$C" "ATTACH DATABASE '$TMP/other.db' AS o"
expect_eq attach_created_no_file "$(ls "$TMP/other.db" 2>/dev/null | wc -l)" "0"
expect_rc query_pragma_write_refused 2 "$KS" query "$C" "PRAGMA user_version=99"
expect_rc query_two_statements_refused 2 "$KS" query "$C" "SELECT 1; DELETE FROM event"
expect_eq case_db_unchanged_by_queries "$(cat "$C"/*.db | sha256sum | cut -d' ' -f1)" "$before"
expect_rc query_bad_sql_is_usage_error 2 "$KS" query "$C" "SELEC nonsense"
expect_grep query_bad_sql_message "SQL:" "$TMP/.out"

# escaping: no raw control characters reach the terminal
"$KS" query "$C" "SELECT useragent, raw FROM cloudtrail c JOIN events e ON e.id = c.event_id" --format table --wide > "$TMP/t.txt" 2>&1
expect_eq table_has_no_raw_escape_bytes "$(LC_ALL=C grep -c $'\x1b\|\x07\|\r' "$TMP/t.txt")" "0"
expect_grep table_shows_escape_visibly '\\(e|x1b)' "$TMP/t.txt"
"$KS" query "$C" "SELECT useridentity_username FROM cloudtrail WHERE eventname='GetObject'" --format csv > "$TMP/t.csv"
expect_grep csv_defuses_formula "^'=cmd" "$TMP/t.csv"
"$KS" query "$C" "SELECT id, message, time_ns FROM events ORDER BY id" --format json > "$TMP/t.json"
expect_eq json_output_parses "$(jq 'length' "$TMP/t.json")" "3"
expect_eq json_numbers_are_numbers "$(jq -r '.[0].id|type' "$TMP/t.json")" "number"
"$KS" query "$C" "SELECT id, raw FROM events ORDER BY id" --format jsonl > "$TMP/t.jsonl"
expect_eq jsonl_raw_roundtrips "$(jq -r '.raw' "$TMP/t.jsonl" | head -1 | jq -r .userAgent)" "$(head -1 "$TMP/ev/hostile.json" | jq -r .userAgent)"
expect_eq param_binding "$("$KS" query "$C" "SELECT count(*) FROM events WHERE src_ip = ?1" --param 203.0.113.5 --format csv --no-header)" "2"
expect_eq empty_result_prints_header "$("$KS" query "$C" "SELECT id FROM events WHERE 0" --format csv)" "id"

# timeline: sorted across sources, shown in the analyst's zone
"$KS" timeline "$C" --format csv > "$TMP/tl.csv"
expect_eq timeline_sorted "$(tail -n +2 "$TMP/tl.csv" | cut -d, -f7 | tr '\n' ' ')" "ListUsers GetObject RunInstances "
"$KS" timeline "$C" --tz Asia/Tokyo --format jsonl > "$TMP/tl.jsonl"
expect_eq timeline_in_jst "$(head -1 "$TMP/tl.jsonl" | jq -r .time)" "2026-11-20T23:59:59.123456789+09:00"
"$KS" timeline "$C" --tz Asia/Tokyo --from 2026-11-21T09:00:00 --to 2026-11-21T21:00:00 --format jsonl > "$TMP/tl2.jsonl"
expect_eq timeline_from_to_read_in_zone "$(jq -r .action "$TMP/tl2.jsonl" | tr '\n' ' ')" "GetObject "
"$KS" timeline "$C" --format timesketch > "$TMP/ts.jsonl"
expect_eq timesketch_has_required_fields "$(jq -c 'select(.message and .datetime and .timestamp_desc and .timestamp)' "$TMP/ts.jsonl" | wc -l)" "3"
expect_eq timesketch_timestamp_microseconds "$(head -1 "$TMP/ts.jsonl" | jq .timestamp)" "1795186799123456"
expect_rc timeline_bad_zone_is_usage_error 2 "$KS" timeline "$C" --tz Mars/Olympus
expect_rc timeline_bad_from_is_usage_error 2 "$KS" timeline "$C" --from yesterday
"$KS" timeline "$C" --tz JST > "$TMP/tl.txt"
expect_grep timeline_table_shows_offset '\+09:00' "$TMP/tl.txt"
