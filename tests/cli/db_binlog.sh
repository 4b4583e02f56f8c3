#!/usr/bin/env bash
# db binlog: corpus binlogs against their mysqlbinlog results; a real MariaDB's binlog (plain,
# then compressed with full row metadata) against mysqlbinlog -v row for row; damaged input.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/db/servers.sh"
trap ks_db_stop_all EXIT
PY=python3

# ---- corpus: positions, end positions and statements match mysqlbinlog's output
C=$CORPUS/mysql_binlog_utils/test
for pair in "mysql-bin56.000001 mysql-bin56-result.000001" "mysql-bin56.000002 mysql-bin56-result.000002" \
            "only-header-mysql-bin only-header-mysql-bin-result" "test-mysql-bin test-mysql-bin-result"; do
  set -- $pair
  if [ -f "$C/$1" ]; then
    "$KS" db binlog "$C/$1" > "$TMP/c.txt" 2> "$TMP/c.err"; rc=$?
    expect_eq "corpus_${1}_exit" "$rc" 0
    check "corpus_${1}_matches_mysqlbinlog" $PY "$ROOT/tests/db/binlog_oracle.py" "$TMP/c.txt" "$C/$2"
  else
    skip "corpus_$1" "corpus file missing"
  fi
done
P=$CORPUS/percona-toolkit/t/lib/samples
if [ -f "$P/relay-binlog001" ]; then
  "$KS" db binlog "$P/relay-binlog001" > "$TMP/r.txt" 2>/dev/null
  expect_grep relay_5_0_event_at_1708 '^# at 1708$' "$TMP/r.txt"
  expect_grep relay_5_0_multirow_insert '^   \(NULL,NULL,NULL\),$' "$TMP/r.txt"
fi

# ---- damaged input (made from a corpus binlog with CRC32 checksums)
B=$C/mysql-bin56.000002
if [ -f "$B" ]; then
  head -c 500 "$B" > "$TMP/trunc.bin"
  expect_rc truncated_exit 3 "$KS" db binlog "$TMP/trunc.bin"
  expect_grep truncated_names_offset 'trunc.bin: offset 359: truncated Query event' "$TMP/.out"
  expect_grep truncated_counts_unread 'bytes unread' "$TMP/.out"
  expect_grep truncated_still_reads_earlier_events 'GTID 7e23401a' "$TMP/.out"
  cp "$B" "$TMP/badcrc.bin"; chmod u+w "$TMP/badcrc.bin"
  printf 'X' | dd of="$TMP/badcrc.bin" bs=1 seek=480 conv=notrunc 2>/dev/null
  expect_rc bad_checksum_exit 3 "$KS" db binlog "$TMP/badcrc.bin"
  expect_grep bad_checksum_reported 'offset 359: Query event: CRC32 mismatch' "$TMP/.out"
  expect_grep bad_checksum_continues 'end_log_pos 547' "$TMP/.out"
  expect_grep bad_checksum_counted '1 bad checksums' "$TMP/.out"
  printf 'not a binlog' > "$TMP/notbin"
  expect_rc not_a_binlog_exit 3 "$KS" db binlog "$TMP/notbin"
  expect_grep not_a_binlog_message 'not a binary log' "$TMP/.out"
fi

# an unknown event type (a 5.5 binlog without checksums, the Query at 107 retyped to 126)
if [ -f "$C/test-mysql-bin" ]; then
  cp "$C/test-mysql-bin" "$TMP/unknown.bin"; chmod u+w "$TMP/unknown.bin"
  printf '\176' | dd of="$TMP/unknown.bin" bs=1 seek=111 conv=notrunc 2>/dev/null
  expect_rc unknown_type_exit 3 "$KS" db binlog "$TMP/unknown.bin"
  expect_grep unknown_type_named 'unknown.bin: offset 107: unknown event type 126' "$TMP/.out"
  expect_grep unknown_type_rest_read '^# at 194$' "$TMP/.out"
  expect_grep unknown_type_counted '1 unknown types' "$TMP/.out"
fi

# ---- the same damage through `ingest` (source binlog): error records with file offsets,
# the rest of each file still read, counts in the summary
if [ -f "$B" ] && [ -f "$C/test-mysql-bin" ]; then
  "$KS" ingest "$TMP/dmg" "$TMP/trunc.bin" "$TMP/badcrc.bin" "$TMP/unknown.bin" > "$TMP/dmg.txt" 2>&1; rc=$?
  expect_eq ingest_damaged_exit "$rc" 3
  expect_grep ingest_damaged_counts '^binlog +3 +189 +3 ' "$TMP/dmg.txt"
  expect_grep ingest_truncated_message 'trunc.bin: offset 359: truncated Query event' "$TMP/dmg.txt"
  expect_eq ingest_damage_error_records \
    "$(q "$TMP/dmg" "SELECT group_concat(replace(file, '$TMP/', '') || '@' || offset, ' ') FROM (SELECT * FROM events WHERE error IS NOT NULL ORDER BY file)")" \
    "badcrc.bin@359 trunc.bin@359 unknown.bin@107"
  expect_eq ingest_truncated_partial "$(q "$TMP/dmg" "SELECT status FROM evidence WHERE path LIKE '%trunc.bin'")" partial
  expect_eq ingest_unknown_type_rest_read \
    "$(q "$TMP/dmg" "SELECT count(*) FROM binlog b JOIN events e ON e.id = b.event_id WHERE e.file LIKE '%unknown.bin' AND pos >= 194")" \
    "$(( $("$KS" db binlog --format jsonl "$C/test-mysql-bin" 2>/dev/null | grep -c '"event":"Query"') - 1 ))"
fi

# ---- a real MariaDB: every column type, then an attack session
if ! ks_have_mariadb || ! command -v mysqlbinlog >/dev/null; then
  skip mariadb "mariadbd / mysqlbinlog not installed"
  exit 0
fi
M=$TMP/m
mkdir -p "$TMP/out"; chown "$KS_DB_USER" "$TMP/out" 2>/dev/null
if ! ks_mdb_start "$M" --log-bin=binlog --binlog-format=ROW --server-id=7 --secure-file-priv="$TMP/out"; then
  fail mariadb_start "server did not start"; exit 0
fi
ks_mdb < "$ROOT/tests/db/workload_types.sql" > "$TMP/w1.log" 2>&1 || fail workload_types "$(head -c 300 "$TMP/w1.log")"
ks_mdb -e "FLUSH BINARY LOGS; SET GLOBAL log_bin_compress=ON; SET GLOBAL log_bin_compress_min_len=10; SET GLOBAL binlog_row_metadata=FULL; FLUSH BINARY LOGS"
ks_mdb -e "DROP DATABASE shop" && ks_mdb < "$ROOT/tests/db/workload_types.sql" > "$TMP/w2.log" 2>&1 || fail workload_types_compressed "$(head -c 300 "$TMP/w2.log")"
sed "s#@OUTFILE@#$TMP/out/cards.txt#" "$ROOT/tests/db/workload_attack.sql" | ks_mdb > "$TMP/w3.log" 2>&1 || fail workload_attack "$(head -c 300 "$TMP/w3.log")"
# a binlog holding only a row change, no DDL and no column metadata: names come from --schema
ks_mdb -e "SET GLOBAL binlog_row_metadata=MINIMAL; SET GLOBAL log_bin_compress=OFF; FLUSH BINARY LOGS; INSERT INTO shop.customers VALUES (7,'x@example.com',1.00); FLUSH BINARY LOGS"
# names learnt from a CREATE TABLE are dropped after an ALTER TABLE renames a column
ks_mdb shop -e "CREATE TABLE alt (a INT PRIMARY KEY, b INT); INSERT INTO alt VALUES (1,2); ALTER TABLE alt CHANGE b c INT; INSERT INTO alt VALUES (3,4); FLUSH BINARY LOGS"
# a binlog without checksums holding one row change (damaged below: the row image no longer
# fits its table map, which only the decoder can tell)
ks_mdb -e "SET GLOBAL binlog_checksum = NONE; FLUSH BINARY LOGS; INSERT INTO shop.customers VALUES (8,'y@example.com',2.00); INSERT INTO shop.customers VALUES (9,'z@example.com',3.00); FLUSH BINARY LOGS"
ks_mdb_stop
n=0
for f in "$M"/data/binlog.0000*; do
  n=$((n+1)); b=$(basename "$f")
  mysqlbinlog --no-defaults --verbose --base64-output=DECODE-ROWS "$f" > "$TMP/$b.ref" 2>/dev/null
  "$KS" db binlog "$f" > "$TMP/$b.ks" 2> "$TMP/$b.err"; rc=$?
  expect_eq "mariadb_${b}_exit" "$rc" 0
  check "mariadb_${b}_rows_match_mysqlbinlog" $PY "$ROOT/tests/db/binlog_compare.py" "$TMP/$b.ks" "$TMP/$b.ref"
  check "mariadb_${b}_jsonl_is_json" sh -c "'$KS' db binlog --format jsonl '$f' 2>/dev/null | $PY -c 'import json,sys; [json.loads(l) for l in sys.stdin]'"
done
expect_eq mariadb_binlog_count "$([ $n -ge 3 ] && echo ok)" ok
cat "$M"/data/binlog.0000* > /dev/null
ALL=$TMP/all.jsonl
for f in "$M"/data/binlog.0000*; do "$KS" db binlog --format jsonl "$f" 2>/dev/null; done > "$ALL"
expect_grep compressed_events_decoded '"event":"Write_rows_compressed_v1"' "$ALL"
expect_grep column_names_from_full_metadata '"table":"t_num","op":"insert".*"after":\{"id":1,"ti":-1' "$ALL"
expect_grep unsigned_from_full_metadata '"uti":255,"ubi":18446744073709551615' "$ALL"
expect_grep grant_is_dcl '"sql":"GRANT ALL PRIVILEGES ON \*\.\* TO .*"class":"dcl"' "$ALL"
expect_grep drop_table_object '"class":"ddl","verb":"DROP TABLE".*"objects":\[\{"name":"shop.cards","action":"drop"\}' "$ALL"
expect_grep mass_delete_rows '"table":"customers","op":"delete".*"email":"c@example.com"' "$ALL"
expect_grep update_before_after '"op":"update".*"before":\{"id":2,"email":"b@example.com","balance":"20.50"\},"after":\{"id":2,"email":"b@example.com","balance":"99999.99"\}' "$ALL"
expect_grep ransom_note_row '"table":"README_TO_RECOVER","op":"insert".*Send 1 BTC' "$ALL"
expect_grep mass_delete_flag '"sql":"DELETE FROM customers".*"no_where"' "$ALL"
expect_grep gtid_on_rows '"gtid":"0-7-[0-9]+","db":"shop"' "$ALL"
ONLYROW=$(grep -l 'x@example.com' "$M"/data/binlog.0000* | tail -n 1)
ALTB=$(grep -l 'ALTER TABLE alt' "$M"/data/binlog.0000* | tail -n 1)
"$KS" db binlog --format jsonl "$ALTB" 2>/dev/null > "$TMP/alt.jsonl"
expect_grep columns_named_before_alter '"table":"alt","op":"insert".*"after":\{"a":1,"b":2\}' "$TMP/alt.jsonl"
expect_grep columns_unnamed_after_alter '"table":"alt","op":"insert".*"after":\{"@1":3,"@2":4\}' "$TMP/alt.jsonl"
printf 'CREATE TABLE `customers` (\n  `id` int NOT NULL,\n  `email` varchar(100),\n  `balance` decimal(12,2),\n  PRIMARY KEY (`id`)\n);\n' > "$TMP/schema.sql"
"$KS" db binlog --format jsonl "$ONLYROW" 2>/dev/null > "$TMP/noschema.jsonl"
expect_grep columns_unnamed_without_schema '"after":\{"@1":7,"@2":"x@example.com","@3":"1.00"\}' "$TMP/noschema.jsonl"
"$KS" db binlog --format jsonl --schema "$TMP/schema.sql" "$ONLYROW" 2>/dev/null > "$TMP/schema.jsonl"
expect_grep columns_named_from_schema_file '"after":\{"id":7,"email":"x@example.com","balance":"1.00"\}' "$TMP/schema.jsonl"
"$KS" db binlog --format jsonl "$M/data/binlog.000001" 2>/dev/null > "$TMP/ddl.jsonl"
expect_grep columns_named_from_binlog_ddl '"table":"t_time","op":"insert".*"after":\{"id":1,"d":"2024:02:29","t":"-838:59:59","t3":"12:34:56.789"' "$TMP/ddl.jsonl"

# investigate takes --schema as ingest does: the row change's columns are named in the case
mkdir -p "$TMP/only"; cp "$ONLYROW" "$TMP/only/"
"$KS" investigate -q "$TMP/only" -o "$TMP/inv" --schema "$TMP/schema.sql" --no-sigma > /dev/null 2>&1
expect_eq investigate_schema_names_columns \
  "$(q "$TMP/inv" "SELECT after FROM binlog WHERE after LIKE '%x@example.com%' LIMIT 1")" '{"id":7,"email":"x@example.com","balance":"1.00"}'
expect_rc investigate_bad_opt_usage 2 "$KS" investigate "$TMP/only" -o "$TMP/inv2" --opt novalue

# ---- binlogs as case evidence: `ingest` keeps every row change and statement
"$KS" ingest -q "$TMP/case" --schema "$TMP/schema.sql" "$M"/data/binlog.0000* > "$TMP/ing.txt" 2>&1
expect_eq ingest_binlog_no_errors "$(q "$TMP/case" "SELECT sum(errors) FROM evidence")" 0
expect_eq ingest_binlog_rows_match_db_binlog \
  "$(q "$TMP/case" "SELECT count(*) FROM binlog WHERE op IN ('insert','update','delete')")" "$(grep -c '"op":"' "$ALL")"
expect_eq ingest_binlog_queries_match_db_binlog \
  "$(q "$TMP/case" "SELECT count(*) FROM binlog WHERE event IN ('Query','Query_compressed')")" \
  "$(grep -cE '"event":"Query(_compressed)?"' "$ALL")"
expect_eq ingest_update_before_after \
  "$(q "$TMP/case" "SELECT before || ' ' || after FROM binlog WHERE op = 'update' AND table_name = 'customers' AND after LIKE '%99999.99%' LIMIT 1")" \
  '{"id":2,"email":"b@example.com","balance":"20.50"} {"id":2,"email":"b@example.com","balance":"99999.99"}'
expect_eq ingest_drop_table_event \
  "$(q "$TMP/case" "SELECT action || ' ' || target FROM events WHERE source = 'binlog' AND action = 'DROP TABLE' AND target = 'shop.cards'")" "DROP TABLE shop.cards"
expect_eq ingest_mass_delete_events \
  "$(q "$TMP/case" "SELECT count(*) > 1 FROM events WHERE source = 'binlog' AND action = 'delete' AND target = 'shop.customers'")" 1
expect_eq ingest_rows_carry_annotate_statement \
  "$(q "$TMP/case" "SELECT count(*) > 0 FROM binlog WHERE op = 'delete' AND sql = 'DELETE FROM customers' AND flags LIKE '%no_where%'")" 1
expect_eq ingest_ransom_note \
  "$(q "$TMP/case" "SELECT count(*) FROM binlog WHERE table_name = 'README_TO_RECOVER' AND op = 'insert' AND after LIKE '%Send 1 BTC%'")" 1
expect_eq ingest_columns_named_from_schema_option \
  "$(q "$TMP/case" "SELECT after FROM binlog WHERE after LIKE '%x@example.com%'")" '{"id":7,"email":"x@example.com","balance":"1.00"}'
expect_eq ingest_binlog_provenance \
  "$(q "$TMP/case" "SELECT count(*) FROM events WHERE source = 'binlog' AND (offset IS NULL OR offset < 4 OR time IS NULL)")" 0
# a compressed binlog is read as a stream: the same records as the plain file
gzip -c "$ONLYROW" > "$TMP/only.bin.gz"
"$KS" ingest -q "$TMP/gz" "$TMP/only.bin.gz" > /dev/null 2>&1
expect_eq ingest_gzip_binlog_same_records \
  "$(q "$TMP/gz" "SELECT group_concat(op || ':' || coalesce(after, sql), ' ') FROM binlog")" \
  "$(q "$TMP/case" "SELECT group_concat(op || ':' || coalesce(b.after, b.sql), ' ') FROM binlog b JOIN events e ON e.id = b.event_id WHERE e.file = '$ONLYROW'" | sed 's/"id":7,"email":"x@example.com","balance":"1.00"/"@1":7,"@2":"x@example.com","@3":"1.00"/')"
expect_eq ingest_grant_is_dcl "$(q "$TMP/case" "SELECT count(*) > 0 FROM binlog WHERE op = 'dcl' AND sql LIKE 'GRANT%'")" 1

# a row image that does not match its table map, through ingest: the VARCHAR length of the
# first row made larger than the event (no checksum to catch it), the second row still read
NOCRC=$(grep -l 'y@example.com' "$M"/data/binlog.0000* | tail -n 1)
python3 - "$NOCRC" "$TMP/badrow.bin" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.rfind(b"y@example.com")  # the row image, after the Annotate_rows text
# VARCHAR(100) in utf8mb4 may hold 400 bytes: its length takes two bytes (little-endian)
assert i > 0 and b[i - 2] == len(b"y@example.com") and b[i - 1] == 0
b[i - 2] = 250
open(sys.argv[2], "wb").write(b)
PY
"$KS" ingest "$TMP/br" "$TMP/badrow.bin" > "$TMP/br.txt" 2>&1
expect_eq ingest_bad_row_image_exit "$?" 3
expect_grep ingest_bad_row_image_named 'badrow.bin: offset [0-9]+: row image of `shop`.`customers` does not match its table map' "$TMP/br.txt"
expect_grep ingest_bad_row_image_counts '^binlog +1 +[0-9]+ +1 ' "$TMP/br.txt"
expect_eq ingest_bad_row_image_rest_read \
  "$(q "$TMP/br" "SELECT json_extract(after, '$.@2') FROM binlog WHERE op = 'insert'")" "z@example.com"
