#!/usr/bin/env bash
# bench/db_binlog.sh [ROWS] — decode speed of `kanshiki db binlog` against
# `mysqlbinlog --verbose --base64-output=DECODE-ROWS` on a ROW binlog a throwaway MariaDB
# writes (INSERT of ROWS rows, then an UPDATE of a third of them). Prints both times, the
# binlog size, and whether the row images agree. Not part of `make check` (minutes at 1 GB:
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
t0=$(date +%s.%N); mysqlbinlog --no-defaults --verbose --base64-output=DECODE-ROWS "$B" > "$TMP/ref.txt"; t1=$(date +%s.%N)
"$KS" db binlog "$B" > "$TMP/ks.txt" 2>/dev/null; t2=$(date +%s.%N)
"$KS" db binlog --format jsonl "$B" > /dev/null 2>&1; t3=$(date +%s.%N)
echo "mysqlbinlog -v:            $(echo "$t1 - $t0" | bc) s"
echo "kanshiki db binlog:        $(echo "$t2 - $t1" | bc) s"
echo "kanshiki db binlog jsonl:  $(echo "$t3 - $t2" | bc) s"
python3 "$ROOT/tests/db/binlog_compare.py" "$TMP/ks.txt" "$TMP/ref.txt"
