#!/usr/bin/env bash
# Dumps of one database that reach the case in different `ingest` runs (the backup one day,
# the dump taken at response time later) are diffed like dumps of one run: each new dump is
# put among all the case's dumps of its database by dump time, and every neighbouring pair
# with a new dump in it that was never diffed is diffed. An earlier run's dump is read again
# from its file only while that file still has the SHA-256 recorded at ingest.
# Real MariaDB: before.sql, the incident (tests/db/diff_change.sql, logged, plus one write
# with logging off), after.sql, one more logged write, third.sql.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/db/servers.sh"
trap 'ks_db_stop_all; rm -rf "$TMP"' EXIT
if ! ks_have_mariadb || ! command -v mariadb-dump >/dev/null; then
  skip mariadb "mariadbd / mariadb-dump not installed"; exit 0
fi
M=$TMP/m
if ! ks_mdb_start "$M" --general-log=1 --general-log-file="$M/data/general.log"; then
  fail mariadb_start "server did not start"; exit 0
fi
dump() { mariadb-dump --no-defaults -S "$MDB_SOCK" -uroot "$@"; }
ks_mdb -e "CREATE DATABASE shop CHARACTER SET utf8mb4"
ks_mdb shop < "$ROOT/tests/db/diff_setup.sql"
D=$TMP/d; mkdir -p "$D"
dump shop > "$D/before.sql"
sleep 1.2  # dump times have whole seconds
ks_mdb shop < "$ROOT/tests/db/diff_change.sql"
ks_mdb shop -e "SET SESSION sql_log_off = 1; UPDATE customers SET email = 'attacker@example.com' WHERE id = 4"
sleep 1.2
dump shop > "$D/after.sql"
sleep 1.2
ks_mdb shop -e "UPDATE customers SET balance = 1.00 WHERE id = 1"
sleep 1.2
dump shop > "$D/third.sql"
ks_mdb_stop
cp "$M/data/general.log" "$TMP/general.log"

ck() { q "$1" "SELECT group_concat(k, ' ') FROM (SELECT table_name || ':' || coalesce(key, '') || ':' || kind || ':' || coalesce(explained_how, 'UNEXPLAINED') AS k FROM db_change ${2:-} ORDER BY k)"; }
pairs() { q "$1" "SELECT group_concat(p, ' ') FROM (SELECT replace(path, '$D/', '') AS p FROM evidence WHERE source = 'db_change' ORDER BY p)"; }
members() { q "$1" "SELECT count(*) FROM evidence WHERE source = 'db_change'"; }

# ---- reference: both dumps and the log in one run
"$KS" ingest -q "$TMP/one" "$D/before.sql" "$D/after.sql" "$TMP/general.log" > "$TMP/one.txt" 2>&1
expect_eq one_run_exit "$?" 0
expect_eq one_run_pairs "$(pairs "$TMP/one")" "before.sql -> after.sql"

# ---- before.sql in run 1, after.sql and the general log in run 2: the same changes
"$KS" ingest "$TMP/c1" "$D/before.sql" > "$TMP/c1a.txt" 2>&1
expect_eq backup_run_exit "$?" 0
expect_eq backup_alone_not_diffed "$(members "$TMP/c1")" 0
"$KS" ingest "$TMP/c1" "$D/after.sql" "$TMP/general.log" > "$TMP/c1b.txt" 2>&1
expect_eq later_run_exit "$?" 0
expect_grep later_run_counts_changes '^db_change +1 +11 +0 ' "$TMP/c1b.txt"
expect_grep later_run_diffs_backup "before.sql -> $D/after.sql: 2 rows added, 4 deleted, 3 changed; 1 tables created, 1 dropped" "$TMP/c1b.txt"
expect_eq later_run_same_changes_as_one_run "$(ck "$TMP/c1")" "$(ck "$TMP/one")"
expect_eq later_run_attacker_change_unexplained \
  "$(q "$TMP/c1" "SELECT count(*) FROM db_change WHERE table_name = 'customers' AND key = 'id=4' AND explained_by IS NULL")" 1

# ---- the log in the first run with the backup: explanations found all the same
"$KS" ingest -q "$TMP/c2" "$D/before.sql" "$TMP/general.log" > /dev/null 2>&1
"$KS" ingest -q "$TMP/c2" "$D/after.sql" > "$TMP/c2b.txt" 2>&1
expect_eq log_in_first_run_exit "$?" 0
expect_eq log_in_first_run_same_changes "$(ck "$TMP/c2")" "$(ck "$TMP/one")"

# ---- nothing new: every file a duplicate, nothing diffed again
"$KS" ingest "$TMP/c1" "$D/before.sql" "$D/after.sql" "$TMP/general.log" > "$TMP/c1c.txt" 2>&1
expect_eq rerun_exit "$?" 0
expect_eq rerun_diffs_nothing "$(members "$TMP/c1")" 1
expect_eq rerun_prints_no_diff "$(grep -c ' -> ' "$TMP/c1c.txt")" 0
expect_eq rerun_same_changes "$(ck "$TMP/c1")" "$(ck "$TMP/one")"

# ---- a third dump later: diffed against its neighbour (after.sql) only
"$KS" ingest "$TMP/c1" "$D/third.sql" > "$TMP/c1d.txt" 2>&1
expect_eq third_dump_exit "$?" 0
expect_eq third_dump_one_diff "$(grep -c ' -> ' "$TMP/c1d.txt")" 1
expect_eq third_dump_pairs "$(pairs "$TMP/c1")" "after.sql -> third.sql before.sql -> after.sql"
expect_eq third_dump_change_explained \
  "$(ck "$TMP/c1" "WHERE after_dump LIKE '%third.sql'")" "customers:id=1:changed:statement names key"
expect_eq third_dump_keeps_earlier_changes \
  "$(ck "$TMP/c1" "WHERE after_dump LIKE '%after.sql'")" "$(ck "$TMP/one")"

# ---- a dump that falls between two earlier ones: diffed with both, the old pair kept
"$KS" ingest -q "$TMP/c3" "$D/before.sql" "$D/third.sql" "$TMP/general.log" > /dev/null 2>&1
expect_eq outer_pair_first "$(pairs "$TMP/c3")" "before.sql -> third.sql"
"$KS" ingest "$TMP/c3" "$D/after.sql" > "$TMP/c3b.txt" 2>&1
expect_eq middle_dump_exit "$?" 0
expect_eq middle_dump_two_diffs "$(grep -c ' -> ' "$TMP/c3b.txt")" 2
expect_eq middle_dump_pairs "$(pairs "$TMP/c3")" \
  "after.sql -> third.sql before.sql -> after.sql before.sql -> third.sql"
expect_eq middle_dump_changes_before \
  "$(ck "$TMP/c3" "WHERE after_dump LIKE '%after.sql'")" "$(ck "$TMP/one")"
expect_eq middle_dump_changes_after \
  "$(ck "$TMP/c3" "WHERE before_dump LIKE '%after.sql'")" "customers:id=1:changed:statement names key"

# ---- the earlier dump's file changed since its ingest: a warning naming it, no diff
mkdir -p "$TMP/e"; cp "$D/before.sql" "$TMP/e/before.sql"
"$KS" ingest -q "$TMP/c4" "$TMP/e/before.sql" > /dev/null 2>&1
echo "-- edited" >> "$TMP/e/before.sql"
"$KS" ingest "$TMP/c4" "$D/after.sql" > "$TMP/c4b.txt" 2>&1
expect_eq changed_dump_exit "$?" 3
expect_grep changed_dump_warned "warning: .*e/before.sql: dump of an earlier ingest not diffed: its file .*e/before.sql has changed since it was ingested" "$TMP/c4b.txt"
expect_eq changed_dump_not_diffed "$(members "$TMP/c4")" 0

# ---- ... or is gone (moved away): the same
mkdir -p "$TMP/g"; cp "$D/before.sql" "$TMP/g/before.sql"
"$KS" ingest -q "$TMP/c5" "$TMP/g/before.sql" > /dev/null 2>&1
mv "$TMP/g/before.sql" "$TMP/g/moved.sql"
"$KS" ingest "$TMP/c5" "$D/after.sql" > "$TMP/c5b.txt" 2>&1
expect_eq moved_dump_exit "$?" 3
expect_grep moved_dump_warned "warning: .*g/before.sql: dump of an earlier ingest not diffed: its file .*g/before.sql cannot be read" "$TMP/c5b.txt"
expect_eq moved_dump_not_diffed "$(members "$TMP/c5")" 0
expect_eq moved_dump_new_dump_recorded "$(q "$TMP/c5" "SELECT count(*) FROM db_dump")" 2

# ---- an earlier dump inside a tar.gz: re-read through its archive
tar -C "$D" -czf "$TMP/backup.tar.gz" before.sql
"$KS" ingest -q "$TMP/c6" "$TMP/backup.tar.gz" > /dev/null 2>&1
"$KS" ingest "$TMP/c6" "$D/after.sql" "$TMP/general.log" > "$TMP/c6b.txt" 2>&1
expect_eq archived_backup_exit "$?" 0
expect_eq archived_backup_same_changes "$(ck "$TMP/c6")" "$(ck "$TMP/one")"

# ---- a new dump at the path of an earlier one (the backup file replaced by another copy):
# its pair with after.sql has the same name "x.sql -> after.sql" as the earlier pair, but is
# a new pair and is diffed; the replaced file itself is changed evidence (warning, exit 3)
mkdir -p "$TMP/s"; cp "$D/before.sql" "$TMP/s/x.sql"
"$KS" ingest -q "$TMP/c7" "$TMP/s/x.sql" "$D/after.sql" "$TMP/general.log" > /dev/null 2>&1
expect_eq replaced_dump_first_pair "$(members "$TMP/c7")" 1
{ echo "-- copied again"; cat "$D/before.sql"; } > "$TMP/s/x.sql"
"$KS" ingest "$TMP/c7" "$TMP/s/x.sql" > "$TMP/c7b.txt" 2>&1
expect_eq replaced_dump_exit "$?" 3
expect_grep replaced_dump_old_copy_warned "s/x.sql has changed since it was ingested" "$TMP/c7b.txt"
expect_eq replaced_dump_same_path_diffed_again "$(members "$TMP/c7")" 2
expect_eq replaced_dump_same_changes \
  "$(ck "$TMP/c7" "WHERE evidence_id = (SELECT max(id) FROM evidence WHERE source = 'db_change')")" "$(ck "$TMP/one")"

# ---- PostgreSQL: pg_dump before in one run, after and the server log in the next
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
sleep 1.2
pgd --verbose --inserts shop > "$TMP/pd/after.sql"
ks_pg_stop
cp "$P/server.log" "$TMP/pg.log"
"$KS" ingest -q "$TMP/pone" "$TMP/pd/before.sql" "$TMP/pd/after.sql" "$TMP/pg.log" > /dev/null 2>&1
"$KS" ingest -q "$TMP/ptwo" "$TMP/pd/before.sql" > /dev/null 2>&1
"$KS" ingest -q "$TMP/ptwo" "$TMP/pd/after.sql" "$TMP/pg.log" > "$TMP/ptwo.txt" 2>&1
expect_eq pg_later_run_exit "$?" 0
expect_grep pg_later_run_counts_changes '^db_change +1 +10 +0 ' "$TMP/ptwo.txt"
expect_eq pg_later_run_same_changes_as_one_run "$(ck "$TMP/ptwo")" "$(ck "$TMP/pone")"
