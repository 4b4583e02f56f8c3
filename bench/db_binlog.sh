#!/usr/bin/env bash
# bench/db_binlog.sh [ROWS] — decode speed of `kanshiki db binlog` against
# `mysqlbinlog --verbose --base64-output=DECODE-ROWS` on a ROW binlog a throwaway MariaDB
# writes (INSERT of ROWS rows, then an UPDATE of a third of them). Prints CPU and wall times,
# the CPU ratio, the time of `ingest` on the same file, the binlog size, and whether the row
# images agree. Not part of `make check` (minutes at 1 GB:
# ROWS=20000000 gives about 1 GB).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-2000000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ks-bench.XXXXXX")
trap 'ks_db_stop_all' EXIT
source "$ROOT/tests/db/servers.sh"
KS=$ROOT/build/kanshiki
[ -x "$KS" ] || { echo "build first: make"; exit 1; }
ks_mdb_start "$TMP/m" --log-bin=binlog --binlog-format=ROW --server-id=9 --max-binlog-size=1073741824 >/dev/null || exit 1
ks_mdb -e "CREATE DATABASE b; USE b; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(64), d DECIMAL(10,2), ts DATETIME(6));
  INSERT INTO t SELECT seq, CONCAT('value-', seq), seq/100, NOW(6) FROM seq_1_to_$ROWS;
  UPDATE t SET v = 'x' WHERE id < $ROWS / 3; FLUSH BINARY LOGS"
ks_mdb_stop
B=$TMP/m/data/binlog.000001
echo "binlog: $(stat -c %s "$B") bytes, $ROWS rows inserted"
# CPU seconds (user + system) of a command, its output to a file
cpu() { local out=$1; shift; /usr/bin/time -o "$TMP/time" -f '%U %S %e' "$@" > "$out" 2>/dev/null
        awk '{ printf "%.2f %.2f", $1 + $2, $3 }' "$TMP/time"; }
read -r c_ref w_ref <<< "$(cpu "$TMP/ref.txt" mysqlbinlog --no-defaults --verbose --base64-output=DECODE-ROWS "$B")"
read -r c_ks w_ks <<< "$(cpu "$TMP/ks.txt" "$KS" db binlog "$B")"
read -r c_js w_js <<< "$(cpu /dev/null "$KS" db binlog --format jsonl "$B")"
read -r c_in w_in <<< "$(cpu /dev/null "$KS" ingest -q "$TMP/case" "$B")"
echo "mysqlbinlog -v:            $c_ref s CPU ($w_ref s wall)"
echo "kanshiki db binlog:        $c_ks s CPU ($w_ks s wall)   ratio kanshiki/mysqlbinlog = $(echo "scale=2; $c_ks / $c_ref" | bc)"
echo "kanshiki db binlog jsonl:  $c_js s CPU ($w_js s wall)"
echo "kanshiki ingest (case):    $c_in s CPU ($w_in s wall; the SQLite store dominates)"
python3 "$ROOT/tests/db/binlog_compare.py" "$TMP/ks.txt" "$TMP/ref.txt"
