#!/usr/bin/env bash
# Database server logs through `kanshiki ingest` (the db_log source), checked against
# filebeat's expected documents where they count the same thing, and against `kanshiki db log`
# (the reader on its own) for every file.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
B=$CORPUS/elastic-beats/filebeat/module
C=$TMP/case
"$KS" ingest -q "$C" "$B/mysql" "$B/postgresql" > "$TMP/ingest.txt" 2>&1
expect_grep ingest_lists_db_sources '^(mysql_slow|mysql_error|pg_stderr|pg_csv) ' "$TMP/ingest.txt"
expect_eq filebeat_oracle_files_not_db_logs \
  "$(q "$C" "SELECT count(*) FROM evidence WHERE path LIKE '%-expected.json' AND source IS NOT NULL")" "0"
# filebeat writes one document per record for MySQL slow and error logs (its expected files
# hold at most 100); the mixed general+error sample is checked below.
n=0; bad=""
for f in "$B"/mysql/slowlog/test/*.log "$B"/mysql/error/test/*.log; do
  case "$f" in *mariadb-10.4.8.log) continue ;; esac
  want=$(jq length "$f-expected.json"); [ "$want" -lt 100 ] || continue
  got=$(q "$C" "SELECT records FROM evidence WHERE disk_path = '$f'")
  n=$((n+1)); [ "$got" = "$want" ] || bad="$bad $(basename "$f"):$got/$want"
done
expect_eq mysql_slow_and_error_counts_match_filebeat "${bad:-none}" "none"
[ $n -ge 12 ] && pass mysql_files_compared || fail mysql_files_compared "only $n"
# every file: ingest keeps exactly what the reader reads (records + records it could not read)
bad=""
for f in $(q "$C" "SELECT disk_path FROM evidence WHERE (source LIKE 'mysql%' OR source LIKE 'pg%') AND path NOT LIKE '%mariadb-10.4.8.log'"); do
  want=$("$KS" db log "$f" --format jsonl 2>/dev/null | wc -l)
  got=$(q "$C" "SELECT records + errors FROM evidence WHERE disk_path = '$f'")
  [ "$got" = "$want" ] || bad="$bad $(basename "$f"):$got/$want"
done
expect_eq ingest_matches_db_log_reader "${bad:-none}" "none"
# the mixed file (one general-log line on top of an error log): read as the error log it
# mostly is (the general-log reader rejects it in the sniffing trial); `db log` alone goes by
# the first line, so it is left out of the comparison above
M=$B/mysql/error/test/mariadb-10.4.8.log
expect_eq mixed_log_read_as_error_log "$(q "$C" "SELECT source || ' ' || records FROM evidence WHERE disk_path = '$M'")" "mysql_error 30"
expect_eq mixed_log_access_denied_visible \
  "$(q "$C" "SELECT count(*) FROM events WHERE file = '$M' AND outcome = 'failure' AND raw LIKE '%Access denied%'")" "2"
# every DB record carries its text in raw
expect_eq db_records_have_raw "$(q "$C" "SELECT count(*) FROM events WHERE source IN ('mysql_error','mysql_slow','pg_stderr','pg_csv','mysql_general') AND (raw IS NULL OR raw = '')")" "0"
# documents quoting log lines and other tools' output are not taken for DB logs
expect_eq non_logs_not_sniffed_as_db_logs \
  "$(q "$C" "SELECT count(*) FROM evidence WHERE source LIKE 'mysql%' AND errors > records")" "0"
# PostgreSQL stderr logs whose log_line_prefix is Debian's or upstream's: recognised without options
expect_eq pg_prefix_detected "$(q "$C" "SELECT sum(errors) FROM evidence WHERE source = 'pg_stderr'")" "0"
expect_eq pg_records_have_users \
  "$(q "$C" "SELECT count(*) > 0 FROM events WHERE source = 'pg_stderr' AND actor IS NOT NULL")" "1"
expect_eq db_statements_classified \
  "$(q "$C" "SELECT count(*) > 0 FROM db_log WHERE sql_class = 'read' AND fingerprint IS NOT NULL")" "1"
# a Markdown file quoting an audit line and mysqlbinlog's text output are not DB logs
expect_rc non_logs_ingest 0 "$KS" ingest -q "$TMP/nl" "$CORPUS/SOURCES.md" "$CORPUS/mysql_binlog_utils/test/test-mysql-bin-result"
expect_eq non_logs_unrecognised "$(q "$TMP/nl" "SELECT count(*) FROM evidence WHERE source IS NOT NULL")" "0"
