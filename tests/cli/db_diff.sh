#!/usr/bin/env bash
# db diff: real mysqldump and pg_dump (COPY and INSERT forms) of a workload with known changes;
# spilling to temporary files gives the same answer as sorting in memory; a broken INSERT is
# reported with file and offset while the rest is still compared.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/db/servers.sh"
trap ks_db_stop_all EXIT

# The known changes of tests/db/diff_change.sql, as `db diff` prints them (table prefix $1).
expected() {
  local p=$1
  cat <<EOT
- table ${p}cards dropped (3 columns)
+ table ${p}readme_to_recover created (2 columns)
- ${p}audit_nopk (no primary key: whole row): ('logout', '2')
- ${p}cards id=1: ('1', 'Alice', '4111111111111111')
- ${p}cards id=2: ('2', 'Bob', '5500005555555559')
~ ${p}customers id=2: balance: '20.50' -> '99999.99'; note: NULL -> 'owned';
- ${p}customers id=3: ('3', 'c@example.com', '0.00', 'tab\tand\nnewline BS backslash')
+ ${p}customers id=5: ('5', 'evil@example.com', '0.01', NULL)
~ ${p}orders cust=1,line=2: qty: '10' -> '99';
+ ${p}readme_to_recover id=1: ('1', 'Send 1 BTC to bc1qxyz')
EOT
}

if ks_have_mariadb && command -v mariadb-dump >/dev/null; then
  if ks_mdb_start "$TMP/m"; then
    dump() { mariadb-dump --no-defaults -S "$MDB_SOCK" -uroot "$@"; }
    ks_mdb -e "CREATE DATABASE shop CHARACTER SET utf8mb4"
    ks_mdb shop < "$ROOT/tests/db/diff_setup.sql"
    # a bigger table so that a 1 MiB budget must spill sorted runs
    ks_mdb shop -e "CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(64)); INSERT INTO big SELECT seq, CONCAT('value-', seq, REPEAT('x', 30)) FROM seq_1_to_20000;"
    dump shop > "$TMP/my_before.sql"
    ks_mdb shop < "$ROOT/tests/db/diff_change.sql"
    ks_mdb shop -e "UPDATE big SET v = 'tampered' WHERE id IN (7, 19999); DELETE FROM big WHERE id = 10000;"
    dump shop > "$TMP/my_after.sql"
    dump --skip-extended-insert shop > "$TMP/my_after_single.sql"
    ks_mdb_stop
    "$KS" db diff "$TMP/my_before.sql" "$TMP/my_after.sql" > "$TMP/my.txt" 2> "$TMP/my.err"
    expect_eq mysqldump_exit "$?" 0
    grep -v '^[-~+] big ' "$TMP/my.txt" > "$TMP/my_small.txt"
    expect_eq mysqldump_known_changes "$(cat "$TMP/my_small.txt")" "$(expected '' | sed 's/BS backslash/ backslash/; s/\\x0a/\\x0a/')"
    expect_eq mysqldump_big_changes "$(grep -c '^[-~] big ' "$TMP/my.txt")" 3
    expect_grep mysqldump_summary '2 rows added, 5 deleted, 4 changed; 1 tables created, 1 dropped; 0 statements' "$TMP/my.err"
    "$KS" db diff --memory-mb 1 --tmpdir "$TMP" "$TMP/my_before.sql" "$TMP/my_after.sql" > "$TMP/my_spill.txt" 2>/dev/null
    expect_eq spilled_runs_same_answer "$(cmp -s "$TMP/my.txt" "$TMP/my_spill.txt" && echo same)" same
    "$KS" db diff "$TMP/my_before.sql" "$TMP/my_after_single.sql" > "$TMP/my_single.txt" 2>/dev/null
    expect_eq single_row_inserts_same_answer "$(cmp -s "$TMP/my.txt" "$TMP/my_single.txt" && echo same)" same
    check jsonl_is_json sh -c "'$KS' db diff --format jsonl '$TMP/my_before.sql' '$TMP/my_after.sql' 2>/dev/null | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]'"
    "$KS" db diff --format jsonl "$TMP/my_before.sql" "$TMP/my_after.sql" > "$TMP/my.jsonl" 2>/dev/null
    expect_grep jsonl_changed_columns '"change":"row_changed","table":"customers","key":"id=2","changes":\{"balance":\{"before":"20.50","after":"99999.99"\}' "$TMP/my.jsonl"
    # a broken INSERT (a row missing its closing parenthesis) in AFTER: reported with its
    # offset, the rest still compared
    sed "s/(2,1,'lamp',1);/(2,1,'lamp',1;/" "$TMP/my_after.sql" > "$TMP/broken.sql"
    expect_rc broken_insert_exit 3 "$KS" db diff "$TMP/my_before.sql" "$TMP/broken.sql"
    expect_grep broken_insert_named 'broken.sql: offset [0-9]+: INSERT statement could not be parsed' "$TMP/.out"
    expect_grep broken_insert_rest_still_compared '\+ readme_to_recover id=1' "$TMP/.out"
    expect_grep broken_insert_counted '1 statements not understood' "$TMP/.out"
  else
    fail mariadb_start "server did not start"
  fi
else
  skip mysqldump "mariadbd / mariadb-dump not installed"
fi

if ks_have_pg; then
  if ks_pg_start "$TMP/p"; then
    pgd() { "$(ks_pg_bin)/pg_dump" -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres "$@"; }
    ks_psql -c "CREATE DATABASE shop" >/dev/null
    ks_psql -d shop -v ON_ERROR_STOP=1 -f "$ROOT/tests/db/diff_setup.sql" >/dev/null
    pgd shop > "$TMP/pg_before.sql"; pgd --inserts shop > "$TMP/pg_before_ins.sql"
    ks_psql -d shop -v ON_ERROR_STOP=1 -f "$ROOT/tests/db/diff_change.sql" >/dev/null
    pgd shop > "$TMP/pg_after.sql"; pgd --column-inserts shop > "$TMP/pg_after_ins.sql"
    ks_pg_stop
    "$KS" db diff "$TMP/pg_before.sql" "$TMP/pg_after.sql" > "$TMP/pg.txt" 2>/dev/null
    expect_eq pg_dump_copy_exit "$?" 0
    expect_eq pg_dump_copy_known_changes "$(cat "$TMP/pg.txt")" "$(expected public. | sed 's/BS backslash/\\\\ backslash/')"
    "$KS" db diff "$TMP/pg_before_ins.sql" "$TMP/pg_after_ins.sql" > "$TMP/pg_ins.txt" 2>/dev/null
    expect_eq pg_dump_inserts_same_answer "$(cmp -s "$TMP/pg.txt" "$TMP/pg_ins.txt" && echo same)" same
    "$KS" db diff "$TMP/pg_before.sql" "$TMP/pg_after_ins.sql" > "$TMP/pg_mixed.txt" 2>/dev/null
    expect_eq pg_dump_copy_vs_inserts_same_answer "$(cmp -s "$TMP/pg.txt" "$TMP/pg_mixed.txt" && echo same)" same
  else
    fail pg_start "server did not start"
  fi
else
  skip pg_dump "PostgreSQL not installed"
fi

# a row larger than the sort memory is reported and skipped; the other rows are compared
python3 - "$TMP/big_before.sql" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write("CREATE TABLE t (id INT PRIMARY KEY, b TEXT);\n")
    f.write("INSERT INTO t VALUES (1,'small');\n")
    f.write("INSERT INTO t VALUES (2,'" + 'x' * 1500000 + "');\n")
    f.write("INSERT INTO t VALUES (3,'small');\n")
PY
sed "s/(3,'small')/(3,'changed')/" "$TMP/big_before.sql" > "$TMP/big_after.sql"
expect_rc oversized_row_exit 3 "$KS" db diff --memory-mb 1 "$TMP/big_before.sql" "$TMP/big_after.sql"
expect_grep oversized_row_named 'big_after.sql: offset 79: a row is larger than the sort memory' "$TMP/.out"
expect_grep oversized_row_rest_compared "~ t id=3: b: 'small' -> 'changed';" "$TMP/.out"
