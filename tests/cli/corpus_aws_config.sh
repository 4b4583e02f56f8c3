#!/usr/bin/env bash
# AWS Config files written by others (../shared/corpus, centralized-logging): a history file
# (its items are changes: events) and a snapshot (the stated oracle: 0 records for the
# log pipeline; here its items are inventory rows without events), against jq.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
D=$CORPUS/aws-centralized-logging/source/constructs/lambda/pipeline/log-processor/test/datafile
expect_rc config_files_ingest 0 "$KS" ingest -q "$TMP/c" "$D/config-history.log" "$D/config-snapshot.log"
expect_eq history_items_are_events "$(q "$TMP/c" "SELECT count(*) FROM events WHERE source = 'aws_config'")" "$(jq '.configurationItems|length' "$D/config-history.log")"
expect_eq snapshot_no_events "$(q "$TMP/c" "SELECT count(*) FROM events WHERE source = 'aws_config_snapshot'")" 0
expect_eq snapshot_items_kept_as_rows "$(q "$TMP/c" "SELECT count(*) FROM aws_config WHERE kind = 'snapshot' AND event_id IS NULL")" "$(jq '.configurationItems|length' "$D/config-snapshot.log")"
expect_eq config_fields_match_jq \
  "$("$KS" query "$TMP/c" "SELECT capture_time, status, resource_type, resource_id, arn, account_id, region FROM aws_config ORDER BY kind, time" --format jsonl | jq -c '[.[]]')" \
  "$(jq -c '.configurationItems | sort_by(.configurationItemCaptureTime)[] | [.configurationItemCaptureTime, .configurationItemStatus, .resourceType, .resourceId, .ARN, .awsAccountId, .awsRegion]' "$D/config-history.log" "$D/config-snapshot.log")"
expect_eq history_event_mapping "$(q "$TMP/c" "SELECT action||'|'||account||'|'||region FROM events WHERE source = 'aws_config' LIMIT 1")" "OK|123456789012|eu-west-1"
