#!/usr/bin/env bash
# Dumps as case evidence: a real MariaDB dumped before and after a workload whose changes are
# known — some made by logged statements (general log, binlog), one made with logging off.
# `ingest` records both dumps (db_dump), diffs them in the order of their own timestamps
# (db_change) and tells the logged changes (explained_by) from the unlogged one.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/db/servers.sh"
trap '[ -n "${KEEP:-}" ] && cp -r "$TMP" /tmp/x/dk; ks_db_stop_all; rm -rf "$TMP"' EXIT
if ! ks_have_mariadb || ! command -v mariadb-dump >/dev/null; then
  skip mariadb "mariadbd / mariadb-dump not installed"; exit 0
fi
M=$TMP/m
if ! ks_mdb_start "$M" --log-bin=binlog --binlog-format=ROW --server-id=3 --general-log=1 \
     --general-log-file="$M/data/general.log"; then
  fail mariadb_start "server did not start"; exit 0
fi
dump() { mariadb-dump --no-defaults -S "$MDB_SOCK" -uroot "$@"; }
ks_mdb -e "CREATE DATABASE shop CHARACTER SET utf8mb4"
ks_mdb shop < "$ROOT/tests/db/diff_setup.sql"
mkdir -p "$TMP/d"
dump shop > "$TMP/d/before.sql"
sleep 1.2  # dump times have whole seconds: the workload starts after the first dump's second
ks_mdb shop < "$ROOT/tests/db/diff_change.sql"
# the attacker's change, made with the general log and the binlog off for the session
ks_mdb shop -e "SET SESSION sql_log_off = 1; SET SESSION sql_log_bin = 0; UPDATE customers SET email = 'attacker@example.com' WHERE id = 4"
sleep 1.2
dump shop > "$TMP/d/after.sql"
ks_mdb_stop
cp "$M/data/general.log" "$TMP/general.log"
mkdir -p "$TMP/bl"; cp "$M"/data/binlog.0000* "$TMP/bl/"

# ---- dumps + general log (AFTER named first: the dumps' own times decide the order)
"$KS" ingest "$TMP/c1" "$TMP/d/after.sql" "$TMP/d/before.sql" "$TMP/general.log" > "$TMP/i1.txt" 2>&1
expect_eq ingest_exit "$?" 0
expect_grep ingest_counts_dumps '^db_dump +2 +2 +0 ' "$TMP/i1.txt"
expect_grep ingest_counts_changes '^db_change +1 +11 +0 ' "$TMP/i1.txt"
expect_grep ingest_prints_diff_summary '2 rows added, 4 deleted, 3 changed; 1 tables created, 1 dropped' "$TMP/i1.txt"
expect_eq dump_recorded \
  "$(q "$TMP/c1" "SELECT database || ' ' || tables || ' ' || rows || ' ' || (dump_time IS NOT NULL) FROM db_dump d JOIN events e ON e.id = d.event_id WHERE e.file LIKE '%before.sql'")" \
  'shop {"audit_nopk":3,"cards":2,"customers":4,"orders":3} 12 1'
expect_eq dump_server_version "$(q "$TMP/c1" "SELECT count(*) FROM db_dump WHERE server_version LIKE '%MariaDB%' AND tool LIKE 'MariaDB dump%'")" 2
expect_eq diff_in_time_order \
  "$(q "$TMP/c1" "SELECT DISTINCT replace(before_dump, '$TMP/d/', '') || ' ' || replace(after_dump, '$TMP/d/', '') FROM db_change")" "before.sql after.sql"
ck() { q "$1" "SELECT group_concat(k, ' ') FROM (SELECT table_name || ':' || coalesce(key, '') || ':' || kind || ':' || coalesce(explained_how, 'UNEXPLAINED') AS k FROM db_change ORDER BY k)"; }
expect_eq changes_matched_to_general_log "$(ck "$TMP/c1")" \
  "audit_nopk:(no primary key: whole row):deleted:statement on table (no key) cards::table_dropped:ddl statement cards:id=1:deleted:ddl statement cards:id=2:deleted:ddl statement customers:id=2:changed:statement names key customers:id=3:deleted:statement names key customers:id=4:changed:UNEXPLAINED customers:id=5:added:statement names key orders:cust=1,line=2:changed:statement names key readme_to_recover::table_created:ddl statement readme_to_recover:id=1:added:statement names key"
expect_eq explained_by_points_at_the_statement \
  "$(q "$TMP/c1" "SELECT e.message FROM db_change c JOIN events e ON e.id = c.explained_by WHERE c.key = 'id=2' AND c.table_name = 'customers'")" \
  "UPDATE customers SET balance = 99999.99, note = 'owned' WHERE id = 2"
expect_eq change_columns_and_images \
  "$(q "$TMP/c1" "SELECT changed_columns || ' ' || json_extract(before, '$.balance') || ' ' || json_extract(after, '$.balance') FROM db_change WHERE key = 'id=2' AND table_name = 'customers'")" \
  "balance note 20.50 99999.99"
expect_eq change_events \
  "$(q "$TMP/c1" "SELECT count(*) FROM events WHERE source = 'db_change' AND time_desc = 'changed between dumps' AND time = (SELECT max(time) FROM events WHERE source = 'db_dump')")" 11
expect_eq unexplained_change_visible \
  "$(q "$TMP/c1" "SELECT action || ' ' || target || ' ' || outcome FROM events WHERE source = 'db_change' AND outcome = 'unexplained'")" \
  "row changed shop.customers unexplained"

# ---- dumps + binlog: the same changes, now explained by row images
"$KS" ingest -q "$TMP/c2" "$TMP/d/before.sql" "$TMP/d/after.sql" "$TMP/bl" > "$TMP/i2.txt" 2>&1
expect_eq ingest_binlog_exit "$?" 0
expect_eq changes_matched_to_binlog "$(ck "$TMP/c2" | tr ' ' '\n' | grep -c ':binlog$')" 6
expect_eq binlog_attacker_change_unexplained \
  "$(q "$TMP/c2" "SELECT count(*) FROM db_change WHERE key = 'id=4' AND explained_by IS NULL")" 1

# ---- the same dumps compressed (gzip and zstd, as they are usually handed over): diffed too
mkdir -p "$TMP/dz"
gzip -c "$TMP/d/before.sql" > "$TMP/dz/before.sql.gz"
zstd -q -c "$TMP/d/after.sql" > "$TMP/dz/after.sql.zst"
"$KS" ingest "$TMP/c4" "$TMP/dz" "$TMP/general.log" > "$TMP/i4.txt" 2>&1
expect_eq compressed_dumps_ingest_exit "$?" 0
expect_grep compressed_dumps_diffed '^db_change +1 +11 +0 ' "$TMP/i4.txt"
expect_eq compressed_dumps_same_changes "$(ck "$TMP/c4")" "$(ck "$TMP/c1")"
"$KS" db diff "$TMP/dz/before.sql.gz" "$TMP/dz/after.sql.zst" > "$TMP/dz.txt" 2>/dev/null
"$KS" db diff "$TMP/d/before.sql" "$TMP/d/after.sql" > "$TMP/d.txt" 2>/dev/null
expect_eq db_diff_reads_compressed_dumps "$(cmp -s "$TMP/dz.txt" "$TMP/d.txt" && wc -l < "$TMP/d.txt")" 11

# ---- both dumps inside one tar.gz (as handed over in a ticket): diffed too
tar -C "$TMP/d" -czf "$TMP/dumps.tar.gz" before.sql after.sql
"$KS" ingest "$TMP/c5" "$TMP/dumps.tar.gz" "$TMP/general.log" > "$TMP/i5.txt" 2>&1
expect_eq archived_dumps_ingest_exit "$?" 0
expect_grep archived_dumps_diffed '^db_change +1 +11 +0 ' "$TMP/i5.txt"
expect_eq archived_dumps_same_changes "$(ck "$TMP/c5")" "$(ck "$TMP/c1")"

# ---- a broken INSERT in a dump: an error record with its line and offset, the rest read
sed "s/('lamp',1);/('lamp',1;/; s/(2,1,'lamp',1);/(2,1,'lamp',1;/" "$TMP/d/after.sql" > "$TMP/broken.sql"
"$KS" ingest "$TMP/c3" "$TMP/broken.sql" > "$TMP/i3.txt" 2>&1
expect_eq broken_insert_exit "$?" 3
expect_grep broken_insert_counted '^db_dump +1 +1 +1 ' "$TMP/i3.txt"
expect_grep broken_insert_named 'broken.sql:[0-9]+: offset [0-9]+: broken INSERT: unbalanced parentheses' "$TMP/i3.txt"
expect_eq broken_insert_rest_counted \
  "$(q "$TMP/c3" "SELECT json_extract(tables, '$.customers') || ' ' || bad_statements FROM db_dump")" "4 1"

# ---- mariadb-dump writes the hour with %2d: "-- Dump completed on 2026-11-23  3:04:05"
# before 10:00 (found when the suite ran after midnight). Both forms are the dump's time.
for h in ' 3' 13; do
  sed -E "s/^-- Dump completed on ([0-9-]+) +[0-9]+:([0-9]+):([0-9]+)$/-- Dump completed on \1 $h:\2:\3/" \
    "$TMP/d/after.sql" > "$TMP/hour.sql"
  rm -rf "$TMP/c6"; "$KS" ingest "$TMP/c6" "$TMP/hour.sql" > /dev/null 2>&1
  expect_eq "dump_time_hour_${h# }" \
    "$(q "$TMP/c6" "SELECT substr(dump_time, 11, 4) FROM db_dump")" "T$(printf %02d "${h# }"):"
done

# ---- PostgreSQL: pg_dump --verbose (its own start/completion times) before and after,
# statements in the server's stderr log (RDS log_line_prefix); one change made with
# statement logging off for the session
if ! ks_have_pg; then skip pg "PostgreSQL not installed"; exit 0; fi
P=$TMP/p
if ! ks_pg_start "$P" "log_statement = 'all'" "log_line_prefix = '%t:%r:%u@%d:[%p]:'" "log_timezone = 'UTC'"; then
  fail pg_start "server did not start"; exit 0
fi
pgd() { "$(ks_pg_bin)/pg_dump" -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres "$@" 2>/dev/null; }
ks_psql -c "CREATE DATABASE shop" >/dev/null
ks_psql -d shop -v ON_ERROR_STOP=1 -f "$ROOT/tests/db/diff_setup.sql" >/dev/null
mkdir -p "$TMP/pd"
pgd --verbose shop > "$TMP/pd/before.sql"
sleep 1.2
ks_psql -d shop -v ON_ERROR_STOP=1 -f "$ROOT/tests/db/diff_change.sql" >/dev/null
ks_psql -d shop -c "SET log_statement = 'none'; UPDATE customers SET email = 'attacker@example.com' WHERE id = 4" >/dev/null
sleep 1.2
pgd --verbose --inserts shop > "$TMP/pd/after.sql"
ks_pg_stop
cp "$P/server.log" "$TMP/pg.log"
"$KS" ingest "$TMP/pc" "$TMP/pd/after.sql" "$TMP/pd/before.sql" "$TMP/pg.log" > "$TMP/ip.txt" 2>&1
expect_eq pg_ingest_exit "$?" 0
expect_grep pg_ingest_counts_changes '^db_change +1 +11 +0 ' "$TMP/ip.txt"
expect_grep pg_rds_prefix_log_recognised '^pg_stderr +1 +[0-9]+ +0 ' "$TMP/ip.txt"
expect_eq pg_dump_recorded \
  "$(q "$TMP/pc" "SELECT substr(tool, 1, 16) || ' ' || pg || ' ' || tables || ' ' || (dump_time IS NOT NULL) FROM db_dump d JOIN events e ON e.id = d.event_id WHERE e.file LIKE '%before.sql'")" \
  'pg_dump version  1 {"audit_nopk":3,"cards":2,"customers":4,"orders":3} 1'
expect_eq pg_changes_matched_to_log \
  "$(q "$TMP/pc" "SELECT group_concat(k, ' ') FROM (SELECT table_name || ':' || coalesce(key, '') || ':' || coalesce(explained_how, 'UNEXPLAINED') AS k FROM db_change WHERE kind IN ('added', 'changed') ORDER BY k)")" \
  "public.customers:id=2:statement names key public.customers:id=4:UNEXPLAINED public.customers:id=5:statement names key public.orders:cust=1,line=2:statement names key public.readme_to_recover:id=1:statement names key"
