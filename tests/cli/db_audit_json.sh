#!/usr/bin/env bash
# JSON audit logs into db_log: MySQL Enterprise (filebeat's sample and its expected documents
# as the oracle) and Percona (generated from the same activity: both readers must agree).
source "$(dirname "$0")/../lib.sh"
F=$CORPUS/elastic-beats/x-pack/filebeat/module/mysqlenterprise/audit/test/mysql_audit_test.log
[ -f "$F" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
"$KS" ingest "$TMP/c" "$F" > "$TMP/i.txt" 2>&1
expect_eq enterprise_exit "$?" 0
expect_grep enterprise_counts '^mysql_audit_json +1 +34 +0 ' "$TMP/i.txt"
"$KS" query "$TMP/c" "SELECT e.offset, d.user, d.host, d.sql, d.code FROM db_log d JOIN events e ON e.id = d.event_id" --format jsonl > "$TMP/got.jsonl"
check enterprise_matches_filebeat python3 "$ROOT/tests/db/audit_json_oracle.py" "$TMP/got.jsonl" "$F-expected.json"
expect_eq enterprise_statements_classified \
  "$(q "$TMP/c" "SELECT sql_class || ' ' || objects FROM db_log WHERE sql LIKE 'DROP DATABASE%'")" "ddl drop:prod"
expect_eq enterprise_times_utc "$(q "$TMP/c" "SELECT min(time) FROM events WHERE source = 'mysql_audit_json'")" "2020-10-19T19:21:33.000000000Z"
# the same records inside the array MySQL writes ('[' first; ']' missing while the server runs)
{ echo '['; head -n 31 "$F"; } > "$TMP/open_array.json"
"$KS" ingest "$TMP/c2" "$TMP/open_array.json" > "$TMP/i2.txt" 2>&1
expect_grep enterprise_open_array_read '^mysql_audit_json +1 +31 +1 ' "$TMP/i2.txt"
expect_grep enterprise_open_array_reported 'open_array.json:[0-9]+: offset [0-9]+: truncated array' "$TMP/i2.txt"

# Percona: the same activity in Percona's JSON layout
python3 "$ROOT/tests/db/make_percona_audit_json.py" "$F" > "$TMP/percona.json"
"$KS" ingest "$TMP/p" "$TMP/percona.json" > "$TMP/ip.txt" 2>&1
expect_eq percona_exit "$?" 0
cmp_sql="SELECT conn_id, user, host, coalesce(sql, ''), code, auth_failure FROM db_log d JOIN events e ON e.id = d.event_id WHERE command NOT IN ('startup', 'shutdown', 'read', 'insert', 'status') ORDER BY e.offset"
"$KS" query "$TMP/c" "$cmp_sql" --format csv > "$TMP/ent.csv"
"$KS" query "$TMP/p" "$cmp_sql" --format csv > "$TMP/per.csv"
expect_eq percona_same_as_enterprise "$(diff "$TMP/ent.csv" "$TMP/per.csv" | head -5)" ""
expect_eq percona_records "$(q "$TMP/p" "SELECT count(*) FROM db_log")" "$(grep -c . "$TMP/percona.json")"
# a damaged line: an error record with its line, the rest read
sed '5s/.*/{"audit_record":{"name":"Query","sqltext":"unterminated/' "$TMP/percona.json" > "$TMP/bad.json"
"$KS" ingest "$TMP/b" "$TMP/bad.json" > "$TMP/ib.txt" 2>&1
expect_eq percona_damaged_exit "$?" 3
expect_grep percona_damaged_counts "^mysql_audit_json +1 +$(( $(grep -c . "$TMP/percona.json") - 1 )) +1 " "$TMP/ib.txt"
expect_grep percona_damaged_named 'bad.json:5: offset [0-9]+' "$TMP/ib.txt"
