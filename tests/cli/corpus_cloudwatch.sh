#!/usr/bin/env bash
# CloudWatch Logs events: filebeat's S3-export sample (against its -expected.json),
# centralized-logging's RDS subscription envelopes (4 objects on one line, counted with jq),
# and a generated filter-log-events output whose messages are recognised by other parsers.
source "$(dirname "$0")/../lib.sh"
if [ -d "$CORPUS" ]; then
  FB=$CORPUS/elastic-beats/x-pack/filebeat/module/aws/cloudwatch/test/cloudwatch_ec2.log
  expect_rc filebeat_export_ingests 0 "$KS" ingest -q "$TMP/fb" "$FB"
  expect_eq filebeat_export_count "$(q "$TMP/fb" "SELECT count(*) FROM cloudwatch")" "$(jq length "$FB-expected.json")"
  expect_eq filebeat_export_messages "$("$KS" query "$TMP/fb" "SELECT message FROM cloudwatch ORDER BY line" --format jsonl | jq -c '[.message]' | jq -sc 'add')" \
    "$(jq -c '[.[].message | sub("^[^ ]+ "; "")]' "$FB-expected.json")"  # filebeat keeps the export time in the message
  expect_eq filebeat_export_times "$("$KS" query "$TMP/fb" "SELECT substr(time,1,23) t FROM cloudwatch ORDER BY line" --format jsonl | jq -sc '[.[].t]')" \
    "$(jq -c '[.[]."@timestamp"[0:23]]' "$FB-expected.json")"
  RDS=$CORPUS/aws-centralized-logging/source/constructs/lambda/pipeline/log-processor/test/datafile/rds.log
  expect_rc rds_envelopes_ingest 0 "$KS" ingest -q "$TMP/r" "$RDS"
  # RDS log groups go to the DB log readers (db_log, source cloudwatch): here every log
  # event is one record, at the event's own offset (tests/cli/db_cloudwatch.sh checks more)
  expect_eq rds_all_log_events "$(q "$TMP/r" "SELECT count(DISTINCT offset) FROM events WHERE source = 'cloudwatch' AND id IN (SELECT event_id FROM db_log)")" "$(jq -s 'map(.logEvents|length)|add' "$RDS")"
  expect_eq rds_groups_not_plain_messages "$(q "$TMP/r" "SELECT count(*) FROM cloudwatch")" 0
  expect_eq rds_offsets_point_at_events "$(q "$TMP/r" "SELECT count(*) FROM events WHERE offset <= 0")" 0
else
  skip corpus_present "no corpus at $CORPUS"
fi
F=$TMP/f
python3 "$ROOT/scripts/gen-weblogs.py" "$F" >/dev/null
expect_rc filter_output_ingest 3 "$KS" ingest -q "$TMP/c" "$F/cw_filter.json"
expect_eq filter_accounting "$(q "$TMP/c" "SELECT records||'/'||errors FROM evidence")" "3/1"
expect_eq filter_flow_record_read_into_vpcflow "$(q "$TMP/c" "SELECT srcaddr||'>'||dstaddr||':'||dstport||'|'||action||'|'||end_time FROM vpcflow")" \
  "198.51.100.7>10.0.0.5:22|REJECT|2025-11-22T10:01:00.000000000Z"
prov=$(q "$TMP/c" "SELECT e.offset||' '||e.line||' '||e.source FROM events e JOIN vpcflow v ON v.event_id = e.id")
expect_eq filter_flow_provenance_is_the_log_event "$(python3 -c '
import sys
off, line, src = sys.argv[2].split()
t = open(sys.argv[1]).read()
print(t[int(off)], t[:int(off)].count("\n") + 1 == int(line), src)' "$F/cw_filter.json" "$prov")" "{ True cloudwatch"
expect_eq filter_others_kept_with_format "$(q "$TMP/c" "SELECT group_concat(log_event_id||':'||ifnull(format,'-')) FROM (SELECT * FROM cloudwatch ORDER BY offset)")" \
  "e2:web_access,e3:-"
expect_eq filter_times "$(q "$TMP/c" "SELECT time||'|'||ingestion_time||'|'||log_stream FROM cloudwatch WHERE log_event_id = 'e2'")" \
  "2025-11-22T10:01:01.000000000Z|2025-11-22T10:01:02.000000000Z|web-1"
expect_eq filter_multiline_message_kept "$(q "$TMP/c" "SELECT message FROM cloudwatch WHERE log_event_id = 'e3'")" "plain application text
second line"
