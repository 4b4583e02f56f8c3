#!/usr/bin/env bash
# Ingest of the project's generated example incident, checked against jq on the same files.
source "$(dirname "$0")/../lib.sh"

EV=$TMP/ev; C=$TMP/case
python3 "$ROOT/scripts/gen-cloudtrail.py" incident "$EV" >/dev/null
ALL=$(find "$EV/AWSLogs" -path '*CloudTrail/*' -name '*.json.gz' | sort)
expect_rc ingest_example_exits_0 0 "$KS" ingest -q "$C" "$EV/AWSLogs"
cp "$TMP/.out" "$TMP/ingest1.txt"
want=$(for f in $ALL; do zcat "$f" | jq '.Records|length'; done | awk '{s+=$1} END{print s}')
expect_eq event_count_matches_jq "$(q "$C" "SELECT count(*) FROM events WHERE source='cloudtrail'")" "$want"
expect_eq cloudtrail_rows_match_events "$(q "$C" "SELECT count(*) FROM cloudtrail")" "$want"
expect_eq no_error_records "$(q "$C" "SELECT count(*) FROM events WHERE error IS NOT NULL")" "0"
expect_grep summary_lists_cloudtrail "^cloudtrail +[0-9]+ +$want +0" "$TMP/ingest1.txt"
want_ri=$(for f in $ALL; do zcat "$f" | jq -c '.Records[] | select(.eventName=="RunInstances")'; done | wc -l)
expect_eq runinstances_count_matches_jq "$(q "$C" "SELECT count(*) FROM cloudtrail WHERE eventname='RunInstances'")" "$want_ri"
# every field value of a record is the one jq sees
f1=$(echo "$ALL" | head -1)
jq_first=$(zcat "$f1" | jq -r '.Records[0] | [.eventTime,.eventName,.eventSource,.awsRegion,.sourceIPAddress,.userIdentity.type,(.userIdentity.arn // "")] | join("|")')
ks_first=$(q "$C" "SELECT c.eventtime||'|'||c.eventname||'|'||c.eventsource||'|'||c.awsregion||'|'||c.sourceipaddress||'|'||c.useridentity_type||'|'||coalesce(c.useridentity_arn,'') FROM cloudtrail c JOIN events e ON e.id=c.event_id WHERE e.file LIKE '%$(basename "$f1")' ORDER BY e.offset LIMIT 1")
expect_eq first_record_fields_match_jq "$ks_first" "$jq_first"
# normalized columns
expect_eq time_is_utc_with_ns "$(q "$C" "SELECT time FROM events ORDER BY time_ns LIMIT 1")" \
  "$(for f in $ALL; do zcat "$f" | jq -r '.Records[].eventTime'; done | sort | head -1 | sed 's/Z$/.000000000Z/')"
expect_eq failed_calls_have_failure_outcome "$(q "$C" "SELECT count(*) FROM events WHERE outcome='failure'")" \
  "$(for f in $ALL; do zcat "$f" | jq -c '.Records[] | select(.errorCode != null or .responseElements.ConsoleLogin == "Failure")'; done | wc -l)"
expect_eq provenance_offset_and_file_present "$(q "$C" "SELECT count(*) FROM events WHERE file IS NULL OR offset IS NULL")" "0"
expect_eq athena_style_useridentity_query_works \
  "$(q "$C" "SELECT count(*) FROM cloudtrail WHERE useridentity->>'userName' = 'backup-svc'")" \
  "$(for f in $ALL; do zcat "$f" | jq -c '.Records[] | select(.userIdentity.userName=="backup-svc")'; done | wc -l)"
# RunInstances target lists the created instances
expect_eq runinstances_target_lists_instances \
  "$(q "$C" "SELECT target FROM events WHERE action='RunInstances' AND outcome='success' ORDER BY time_ns LIMIT 1" | tr ',' '\n' | wc -l)" "8"
# the digest file is recognised and is not an event
expect_eq digest_recorded_not_as_event "$(q "$C" "SELECT count(*) FROM cloudtrail_digest")|$(q "$C" "SELECT count(*) FROM events WHERE source='cloudtrail_digest'")" "1|0"
# evidence hashes are the files' SHA-256
f2=$(find "$EV/AWSLogs" -name '*.json.gz' | sort | tail -1)
expect_eq evidence_sha256_recorded "$(q "$C" "SELECT sha256 FROM evidence WHERE disk_path LIKE '%$(basename "$f2")'")" "$(sha256sum "$f2" | cut -d' ' -f1)"
# a relative path is recorded as given in path and completed to an absolute disk_path
(cd "$(dirname "$f2")" && "$KS" ingest -q "$TMP/rel" "./$(basename "$f2")" >/dev/null 2>&1)
expect_eq relative_path_kept_as_given "$(q "$TMP/rel" "SELECT path FROM evidence")" "./$(basename "$f2")"
expect_eq relative_disk_path_made_absolute "$(q "$TMP/rel" "SELECT disk_path FROM evidence")" "$f2"
# ingesting again adds nothing
expect_rc reingest_exits_0 0 "$KS" ingest -q "$C" "$EV/AWSLogs"
expect_eq reingest_does_not_duplicate "$(q "$C" "SELECT count(*) FROM events")" "$((want))"
expect_grep reingest_reports_already_in_case "already in the case" "$TMP/.out"
# lookup-events output: records inside CloudTrailEvent strings
L=$EV/exports/lookup-events-iam.json
expect_rc ingest_lookup_events 0 "$KS" ingest -q "$TMP/case2" "$L"
expect_eq lookup_events_count_matches_jq "$(q "$TMP/case2" "SELECT count(*) FROM cloudtrail")" "$(jq '.Events|length' "$L")"
expect_eq lookup_events_names_match_jq "$(q "$TMP/case2" "SELECT group_concat(eventname, ',') FROM (SELECT eventname FROM cloudtrail ORDER BY id)")" \
  "$(jq -r '[.Events[].CloudTrailEvent | fromjson | .eventName] | join(",")' "$L")"
expect_eq lookup_events_line_provenance "$(q "$TMP/case2" "SELECT min(line) > 1 FROM events")" "1"
# info: the same accounting, as JSON
expect_rc info_json_exits_0 0 "$KS" info "$C" --format json
cp "$TMP/.out" "$TMP/info.json"
expect_eq info_json_cloudtrail_records "$(jq '.sources[] | select(.type=="cloudtrail") | .records' "$TMP/info.json")" "$want"
expect_eq info_json_cloudtrail_table "$(jq -r '.sources[] | select(.type=="cloudtrail") | .table' "$TMP/info.json")" "cloudtrail"
expect_eq info_json_evidence_has_hashes "$(jq '[.evidence[] | select(.sha256|test("^[0-9a-f]{64}$"))] | length' "$TMP/info.json")" "$(find "$EV/AWSLogs" -type f | wc -l)"
expect_rc info_table_exits_0 0 "$KS" info "$C"
expect_grep info_table_lists_source "cloudtrail" "$TMP/.out"
# --format overrides sniffing
mkdir -p "$TMP/odd"; zcat "$f1" > "$TMP/odd/data.bin"
expect_rc format_override_ingests 0 "$KS" ingest -q --format cloudtrail "$TMP/case3" "$TMP/odd/data.bin"
expect_eq format_override_count "$(q "$TMP/case3" "SELECT count(*) FROM events")" "$(jq '.Records|length' "$TMP/odd/data.bin")"
expect_rc unknown_format_is_usage_error 2 "$KS" ingest --format nosuch "$TMP/case4" "$TMP/odd/data.bin"
# chain of custody: every evidence file registered once, with the hash recorded in the case
nfiles=$(find "$EV/AWSLogs" -type f | wc -l)
expect_eq custody_one_add_per_evidence_file "$(grep -c '"action":"add"' "$C/custody.jsonl")" "$nfiles"
expect_eq custody_hash_matches_evidence_table "$(grep -c "$(sha256sum "$f2" | cut -d' ' -f1)" "$C/custody.jsonl")" "1"
expect_rc custody_log_verifies 0 "$KS" custody verify "$C"
expect_eq reingest_adds_no_custody_entries "$(grep -c '"action":"add"' "$C/custody.jsonl")" "$nfiles"
