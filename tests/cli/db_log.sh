#!/usr/bin/env bash
# db log: corpus samples with oracles (percona-toolkit event counts, filebeat error/slow logs),
# then a real MariaDB (general log, error log, server_audit plugin) and a real PostgreSQL 15
# (RDS log_line_prefix, connection logging, pgaudit) under an attack-like workload; an audit
# record with an unterminated quote is reported with its line while the rest is read.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/db/servers.sh"
trap ks_db_stop_all EXIT

if [ -f "$CORPUS/percona-toolkit/ORACLE_percona_parser_tests_approx.json" ]; then
  check percona_general_and_slow_counts python3 "$ROOT/tests/db/log_oracle.py" "$KS" "$CORPUS"
fi
# fail2ban's mysqld-auth sample: every line its failJSON marks "match": true is an
# auth-failure record of that host at that time (gh-1639: "2015-10-07  8:25:38", two spaces)
F=$CORPUS/fail2ban/fail2ban/tests/files/logs/mysqld-auth
if [ -f "$F" ]; then
  "$KS" db log --log-format mysql_error --format jsonl "$F" > "$TMP/f2b.jsonl" 2>/dev/null
  # hosts of the lines marked "match": true, except the two that came through syslog
  # ("Sep 16 ... mysqld: ..."), which are syslog's to read
  want=$(awk '/^# failJSON:/ { j = $0; sub(/^# failJSON: */, "", j); next }
              j != "" { if ($0 !~ /^[A-Z][a-z][a-z] [ 0-9][0-9] /) print j; j = "" }' "$F" |
         jq -r 'select(.match) | .host' | sort)
  got=$(jq -r 'select(.auth_failure) | .host' "$TMP/f2b.jsonl" | sort)
  expect_eq fail2ban_mysqld_auth_every_match_found "$got" "$want"
  expect_grep fail2ban_mysqld_auth_space_padded_hour '"time":"2015-10-07T08:25:38".*"host":"192.0.2.1"' "$TMP/f2b.jsonl"
fi
E=$CORPUS/elastic-beats/filebeat/module/mysql
if [ -d "$E" ]; then
  "$KS" db log --log-format mysql_error --format jsonl "$E/error/test/mysql-ubuntu-8.0.15.log" > "$TMP/e80.jsonl" 2>/dev/null
  expect_eq error_80_records "$(wc -l < "$TMP/e80.jsonl")" 14
  expect_grep error_80_fields '"severity":"Warning","code":"MY-010068"' "$TMP/e80.jsonl"
  "$KS" db log --log-format mysql_error --format jsonl "$E/error/test/mariadb-10.4.8.log" > "$TMP/em.jsonl" 2>/dev/null
  expect_eq error_mariadb_records "$(wc -l < "$TMP/em.jsonl")" 30
  expect_grep error_mariadb_access_denied '"user":"sherlock","host":"10.10.10.10".*"auth_failure":true' "$TMP/em.jsonl"
  "$KS" db log --log-format mysql_slow --format jsonl "$E/slowlog/test/percona-ubuntu-5.7.19.log" > "$TMP/sp.jsonl" 2>/dev/null
  expect_eq slow_percona_records "$(wc -l < "$TMP/sp.jsonl")" 8
  expect_grep slow_percona_fields '"user":"check","host":"localhost".*"query_time":0.010569,"lock_time":0.000067,"rows_sent":1,"rows_examined":928' "$TMP/sp.jsonl"
fi

# unterminated quote in an audit record (hand-made, RDS MariaDB audit layout)
printf '%s\n' "20240301 10:00:00,db1,app,10.0.0.5,12,100,QUERY,shop,'SELECT 1',0" \
  "20240301 10:00:01,db1,app,10.0.0.5,12,101,QUERY,shop,'SELECT 1 FROM t WHERE a=\\'x" \
  "20240301 10:00:02,db1,evil,203.0.113.9,13,0,FAILED_CONNECT,,,1045" \
  "1709287203123456,db1,evil,203.0.113.9,14,102,QUERY,shop,'SELECT * FROM cards\nWHERE 1',0,," > "$TMP/audit.log"
expect_rc audit_unterminated_exit 3 "$KS" db log --log-format mysql_audit --format jsonl "$TMP/audit.log"
expect_grep audit_unterminated_named 'audit.log:2: offset 66: audit record has an unterminated quoted statement' "$TMP/.out"
expect_grep audit_rest_read '3 records, 1 unparsable|4 records, 1 unparsable' "$TMP/.out"
expect_grep audit_failed_connect '"user":"evil","host":"203.0.113.9","command":"FAILED_CONNECT","code":"1045","auth_failure":true' "$TMP/.out"
expect_grep aurora_epoch_time '"time":"2024-03-01T10:00:03.123456Z".*"sql":"SELECT \* FROM cards\\u000aWHERE 1"' "$TMP/.out"

# MySQL Enterprise / Percona audit XML, both styles (hand-written, see tests/db/samples)
S=$ROOT/tests/db/samples
expect_rc audit_xml_old_exit 3 "$KS" db log --format jsonl "$S/audit_old_style.xml"
expect_grep audit_xml_failed_connect '"conn_id":42,"user":"evil","host":"203.0.113.9","command":"Connect","code":"1045","auth_failure":true' "$TMP/.out"
expect_grep audit_xml_entities '"sql":"SELECT \* FROM cards WHERE note = .a<b. AND x > 1"' "$TMP/.out"
expect_grep audit_xml_unclosed_named 'audit_old_style.xml:16: offset 560: AUDIT_RECORD not closed' "$TMP/.out"
"$KS" db log --format jsonl "$S/audit_new_style.xml" > "$TMP/axn.jsonl" 2>/dev/null
expect_grep audit_xml_new_style '"time":"2024-03-01T10:00:02Z","conn_id":43,"user":"app","host":"10.0.0.5","command":"Query".*"sql":"DROP TABLE cards","class":"ddl"' "$TMP/axn.jsonl"

# the same records as a CloudWatch Logs export writes them: "ISO-time message"
sed 's/^/2024-03-01T10:00:05.000Z /' "$TMP/audit.log" > "$TMP/cw.log"
"$KS" db log --log-format mysql_audit --format jsonl "$TMP/cw.log" > "$TMP/cw.jsonl" 2>/dev/null
expect_grep cloudwatch_export_prefix '"user":"evil","host":"203.0.113.9","command":"FAILED_CONNECT"' "$TMP/cw.jsonl"

if ks_have_mariadb && [ -f /usr/lib/mysql/plugin/server_audit.so ]; then
  M=$TMP/m
  mkdir -p "$TMP/out"; chown "$KS_DB_USER" "$TMP/out" 2>/dev/null
  if ks_mdb_start "$M" --general-log=1 --general-log-file="$M/general.log" --plugin-load-add=server_audit \
       --server-audit-logging=ON --server-audit-file-path="$M/audit.log" --server-audit-events=CONNECT,QUERY \
       --log-output=FILE,TABLE \
       --log-warnings=2 --secure-file-priv="$TMP/out"; then
    ks_mdb < "$ROOT/tests/db/workload_types.sql" >/dev/null 2>&1
    sed "s#@OUTFILE@#$TMP/out/cards.txt#" "$ROOT/tests/db/workload_attack.sql" | ks_mdb > "$TMP/w.log" 2>&1 || fail workload "$(head -c 300 "$TMP/w.log")"
    for i in 1 2 3; do mariadb --no-defaults -S "$MDB_SOCK" -ubruteforce -pguess$i -e 'select 1' >/dev/null 2>&1; done
    ks_mdb -e "SELECT 'multi
line', 'it''s' FROM DUAL" >/dev/null
    ks_mdb_stop
    "$KS" db log --format jsonl "$M/general.log" > "$TMP/g.jsonl" 2> "$TMP/g.err"
    expect_grep general_sniffed_and_clean 'mysql_general, [0-9]+ lines, [0-9]+ records, 0 unparsable' "$TMP/g.err"
    expect_grep general_grant_dcl '"command":"Query","sql":"GRANT ALL PRIVILEGES ON \*\.\* TO .*"class":"dcl"' "$TMP/g.jsonl"
    expect_grep general_outfile '"sql":"SELECT \* FROM cards INTO OUTFILE.*"flags":\["outfile","select_star"\]' "$TMP/g.jsonl"
    expect_grep general_infoschema '"flags":\["system_schema"\].*"name":"information_schema.tables"' "$TMP/g.jsonl"
    expect_grep general_failed_login '"user":"bruteforce","host":"localhost","command":"Connect","auth_failure":true' "$TMP/g.jsonl"
    expect_grep general_multiline '"sql":"SELECT .multi\\u000aline., .it..s. FROM DUAL"' "$TMP/g.jsonl"
    expect_grep general_db_from_init '"db":"shop".*"objects":\[\{"name":"shop.cards","action":"drop"\}' "$TMP/g.jsonl"
    "$KS" db log --format jsonl "$M/data/mysql/general_log.CSV" > "$TMP/gcsv.jsonl" 2> "$TMP/gcsv.err"
    expect_grep general_csv_sniffed_and_clean 'mysql_general_csv, [0-9]+ lines, [0-9]+ records, 0 unparsable' "$TMP/gcsv.err"
    expect_grep general_csv_grant '"command":"Query","sql":"GRANT ALL PRIVILEGES ON \*\.\* TO .*"class":"dcl"' "$TMP/gcsv.jsonl"
    expect_grep general_csv_multiline '"sql":"SELECT .multi\\u000aline., .it..s. FROM DUAL"' "$TMP/gcsv.jsonl"
    expect_eq general_csv_same_queries_as_file "$(grep -c '"command":"Query"' "$TMP/gcsv.jsonl")" "$(grep -c '"command":"Query"' "$TMP/g.jsonl")"
    "$KS" db log --format jsonl "$M/audit.log" > "$TMP/a.jsonl" 2> "$TMP/a.err"
    expect_grep audit_sniffed_and_clean 'mysql_audit, [0-9]+ lines, [0-9]+ records, 0 unparsable' "$TMP/a.err"
    expect_eq audit_failed_connects "$(grep -c '"command":"FAILED_CONNECT".*"auth_failure":true' "$TMP/a.jsonl")" 3
    expect_grep audit_drop_table '"user":"root","host":"localhost".*"db":"shop","command":"QUERY".*"sql":"DROP TABLE cards","class":"ddl"' "$TMP/a.jsonl"
    expect_grep audit_multiline_quoted '"sql":"SELECT .multi\\u000aline., .it..s. FROM DUAL"' "$TMP/a.jsonl"
    "$KS" db log --log-format mysql_error --format jsonl "$M/error.log" > "$TMP/err.jsonl" 2>/dev/null
    expect_grep error_log_access_denied '"user":"bruteforce","host":"localhost".*"auth_failure":true' "$TMP/err.jsonl"
  else
    fail mariadb_start "server did not start"
  fi
else
  skip mariadb_logs "mariadbd or the server_audit plugin not installed"
fi

PGB=$(ks_pg_bin 2>/dev/null)
if ks_have_pg && ls /usr/lib/postgresql/*/lib/pgaudit.so >/dev/null 2>&1; then
  if ks_pg_start "$TMP/p" "shared_preload_libraries = 'pgaudit'" "pgaudit.log = 'read,write,ddl,role'" \
       "log_line_prefix = '%t:%r:%u@%d:[%p]:'" "log_connections = on" "log_disconnections = on" \
       "log_statement = 'ddl'" "log_timezone = 'UTC'" "logging_collector = on" "log_directory = 'log'" \
       "log_filename = 'pg.log'" "log_destination = 'stderr,csvlog,jsonlog'"; then
    ks_psql -c "CREATE ROLE bruteforce LOGIN PASSWORD 'right'" >/dev/null
    # password authentication for that role only
    { echo "local all bruteforce scram-sha-256"; cat "$TMP/p/data/pg_hba.conf"; } > "$TMP/hba" && cp "$TMP/hba" "$TMP/p/data/pg_hba.conf"
    ks_psql -c "SELECT pg_reload_conf()" >/dev/null
    ks_psql -c "CREATE DATABASE shop" >/dev/null
    ks_psql -d shop -v ON_ERROR_STOP=1 -c "CREATE EXTENSION pgaudit" -f "$ROOT/tests/db/diff_setup.sql" >/dev/null
    ks_psql -d shop -c "SELECT * FROM cards" -c "DELETE FROM customers" -c "DROP TABLE cards" \
      -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO bruteforce" >/dev/null
    PGPASSWORD=wrong psql -X -h "$PG_SOCKDIR" -p "$PG_PORT" -U bruteforce -d shop -c 'select 1' >/dev/null 2>&1
    ks_pg_stop
    "$KS" db log --log-format pg_stderr --format jsonl "$TMP/p/data/log/pg.log" > "$TMP/pg.jsonl" 2> "$TMP/pg.err"
    # the same session through csvlog and jsonlog: the same statements and audit records
    "$KS" db log --format jsonl "$TMP/p/data/log/pg.csv" > "$TMP/pgc.jsonl" 2> "$TMP/pgc.err"
    "$KS" db log --format jsonl "$TMP/p/data/log/pg.json" > "$TMP/pgj.jsonl" 2> "$TMP/pgj.err"
    expect_grep pg_csv_sniffed_and_clean 'pg_csv, [0-9]+ lines, [0-9]+ records, 0 unparsable' "$TMP/pgc.err"
    expect_grep pg_json_sniffed_and_clean 'pg_json, [0-9]+ lines, [0-9]+ records, 0 unparsable' "$TMP/pgj.err"
    sqls() { python3 -c 'import json,sys; [print(json.dumps([r.get("audit_class",""), r.get("sql",""), r.get("user",""), r.get("db",""), r.get("auth_failure",False)])) for r in map(json.loads, open(sys.argv[1])) if r.get("sql") or r.get("auth_failure")]' "$1"; }
    sqls "$TMP/pg.jsonl" > "$TMP/s1"; sqls "$TMP/pgc.jsonl" > "$TMP/s2"; sqls "$TMP/pgj.jsonl" > "$TMP/s3"
    expect_eq pg_csv_same_statements_as_stderr "$(diff "$TMP/s1" "$TMP/s2" | head -5)" ""
    expect_eq pg_json_same_statements_as_stderr "$(diff "$TMP/s1" "$TMP/s3" | head -5)" ""
    expect_grep pg_rds_prefix_parsed '"conn_id":[0-9]+,"user":"postgres","host":"\[local\]","db":"shop"' "$TMP/pg.jsonl"
    expect_grep pg_connection_authorized '"command":"connection authorized"' "$TMP/pg.jsonl"
    expect_grep pgaudit_read '"audit_type":"SESSION","audit_class":"READ".*"sql":"SELECT \* FROM cards"' "$TMP/pg.jsonl"
    expect_grep pgaudit_ddl_drop '"audit_class":"DDL".*"sql":"DROP TABLE cards".*"action":"drop"' "$TMP/pg.jsonl"
    expect_grep pgaudit_write_no_where '"audit_class":"WRITE".*"sql":"DELETE FROM customers".*"no_where"' "$TMP/pg.jsonl"
    expect_grep pgaudit_role_grant '"audit_class":"ROLE".*"class":"dcl"' "$TMP/pg.jsonl"
    expect_grep pg_auth_failure '"user":"bruteforce".*"severity":"FATAL".*"auth_failure":true' "$TMP/pg.jsonl"
  else
    fail pg_start "server did not start"
  fi
else
  skip pg_logs "PostgreSQL 15 or pgaudit not installed"
fi
