#!/usr/bin/env bash
# DB logs inside CloudWatch Logs subscription envelopes (RDS / Aurora log groups): ingest
# reads each group's messages with the DB log readers into db_log, with the CloudWatch file's
# provenance. Oracle: the same messages pulled out with jq and read by `kanshiki db log`.
# Also the audit record with an unterminated quote, through ingest.
source "$(dirname "$0")/../lib.sh"
F=$CORPUS/aws-centralized-logging/source/constructs/lambda/pipeline/log-processor/test/datafile/rds.log
[ -f "$F" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
"$KS" ingest "$TMP/c" "$F" > "$TMP/i.txt" 2>&1
expect_eq cloudwatch_rds_exit "$?" 0
# byte ranges of the envelopes of each log group (they may share a line)
python3 - "$F" > "$TMP/ranges.txt" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8")
dec, i = json.JSONDecoder(), 0
while True:
    while i < len(text) and text[i] in " \r\n\t":
        i += 1
    if i >= len(text):
        break
    obj, j = dec.raw_decode(text, i)
    b0, b1 = len(text[:i].encode()), len(text[:j].encode())
    print(obj["logGroup"].rsplit("/", 1)[1], b0, b1)
    i = j
PY
bad=""
for g in audit:mysql_audit error:mysql_error slowquery:mysql_slow; do
  grp=${g%%:*}; fmt=${g##*:}
  jq -r "select(.logGroup | endswith(\"/$grp\")) | .logEvents[] | .message" "$F" > "$TMP/$grp.txt"
  want=$("$KS" db log --log-format "$fmt" --format jsonl "$TMP/$grp.txt" 2>/dev/null | wc -l)
  cond=$(awk -v g="$grp" '$1 == g { printf "%s(e.offset >= %s AND e.offset < %s)", (n++ ? " OR " : ""), $2, $3 }' "$TMP/ranges.txt")
  got=$(q "$TMP/c" "SELECT count(*) FROM db_log d JOIN events e ON e.id = d.event_id WHERE $cond")
  [ "$got" = "$want" ] && [ "$want" -gt 0 ] || bad="$bad $grp:$got/$want"
done
expect_eq cloudwatch_rds_groups_match_db_log_reader "${bad:-none}" none
expect_eq cloudwatch_rds_not_kept_as_plain_messages \
  "$(q "$TMP/c" "SELECT count(*) FROM cloudwatch WHERE log_group LIKE '/aws/rds/%'")" 0
expect_eq cloudwatch_rds_audit_fields \
  "$(q "$TMP/c" "SELECT d.user || ' ' || d.host || ' ' || d.sql_class || ' ' || e.time FROM db_log d JOIN events e ON e.id = d.event_id WHERE d.sql LIKE 'SELECT count(*) from mysql.plugin%'")" \
  "rdsadmin localhost read 2022-02-18T06:12:13.006789000Z"
expect_eq cloudwatch_rds_provenance \
  "$(q "$TMP/c" "SELECT count(*) FROM db_log d JOIN events e ON e.id = d.event_id WHERE e.source = 'cloudwatch' AND (e.line IS NULL OR e.offset IS NULL OR e.file NOT LIKE '%rds.log')")" 0
expect_eq cloudwatch_rds_slow_query_times \
  "$(q "$TMP/c" "SELECT count(*) FROM db_log WHERE query_time > 2.5 AND user = 'admin'")" \
  "$(grep -aoE '# Query_time: [0-9.]+' "$TMP/slowquery.txt" | awk '$3 > 2.5' | wc -l)"

# an audit record with an unterminated quote, ingested: reported with line and offset,
# the records after it read (RDS MariaDB audit layout, as in db_log.sh)
printf '%s\n' "1709287201000000,db1,app,10.0.0.5,12,100,QUERY,shop,'SELECT 1',0,," \
  "1709287202000000,db1,app,10.0.0.5,12,101,QUERY,shop,'SELECT * FROM cards WHERE note = \\'x" \
  "1709287203000000,db1,evil,203.0.113.9,14,0,FAILED_CONNECT,,,1045,," \
  "1709287204000000,db1,app,10.0.0.5,12,102,QUERY,shop,'SELECT 2',0,," > "$TMP/audit.log"
"$KS" ingest "$TMP/a" --format mysql_audit "$TMP/audit.log" > "$TMP/ia.txt" 2>&1
expect_eq audit_unterminated_exit "$?" 3
expect_grep audit_unterminated_counts '^mysql_audit +1 +3 +1 ' "$TMP/ia.txt"
expect_grep audit_unterminated_named 'audit.log:2: offset 67: audit record has an unterminated quoted statement' "$TMP/ia.txt"
