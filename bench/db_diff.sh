#!/usr/bin/env bash
# bench/db_diff.sh [MB] — `kanshiki db diff` on two mysqldump-style dumps of about MB
# megabytes each (default 200; the issue's figure is 1000), against `diff` on the same
# files for reference. Prints both times, kanshiki's peak RSS against the dump size, and
# whether kanshiki found exactly the changes the generator made (known ground truth:
# every 1000th row changed, every 5000th deleted, one row in 2000 added).
# Not part of `make check`.
set -euo pipefail
MB=${1:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KS=${KS_BENCH:-$ROOT/build/kanshiki}
W=$(mktemp -d "${TMPDIR:-/tmp}/ks-bench-diff.XXXXXX")
trap 'rm -rf "$W"' EXIT
python3 - "$W" "$MB" <<'PY'
import os, sys
out, mb = sys.argv[1], int(sys.argv[2])
row = 200  # bytes per row, about
n = mb * 1000000 // row
per_insert = 500
changed = deleted = added = 0
def rows(after):
    global changed, deleted, added
    for i in range(1, n + 1):
        name = "customer_%09d" % i
        email = "user%d@example.com" % i
        balance = i % 100000
        if after and i % 5000 == 0:
            deleted += 1
            continue
        if after and i % 1000 == 0:
            balance += 1
            changed += 1
        yield "(%d,'%s','%s',%d,'%s')" % (i, name, email, balance, "x" * 100)
        if after and i % 2000 == 0:
            added += 1
            yield "(%d,'new_%d','new%d@example.com',0,'%s')" % (n + i, i, i, "y" * 100)
for which, after in (("before", False), ("after", True)):
    with open(os.path.join(out, which + ".sql"), "w") as f:
        f.write("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: db    Database: shop\n")
        f.write("CREATE TABLE `customers` (\n  `id` int NOT NULL,\n  `name` varchar(64),\n  `email` varchar(128),\n"
                "  `balance` int,\n  `note` text,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n")
        buf = []
        for r in rows(after):
            buf.append(r)
            if len(buf) == per_insert:
                f.write("INSERT INTO `customers` VALUES " + ",".join(buf) + ";\n")
                buf = []
        if buf:
            f.write("INSERT INTO `customers` VALUES " + ",".join(buf) + ";\n")
        f.write("-- Dump completed on 2026-11-22 10:00:00\n")
with open(os.path.join(out, "truth"), "w") as f:
    f.write("%d %d %d\n" % (added, deleted, changed))
PY
read -r want_add want_del want_chg < "$W/truth"
size=$(stat -c %s "$W/after.sql")
cat "$W/before.sql" "$W/after.sql" > /dev/null
secs() { local s e; s=$(date +%s.%N); "$@" > "$W/out" 2>/dev/null || true; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
t_diff=$(secs diff "$W/before.sql" "$W/after.sql")
s=$(date +%s.%N)
/usr/bin/time -f %M -o "$W/rss" "$KS" db diff --format jsonl --tmpdir "$W" "$W/before.sql" "$W/after.sql" > "$W/ks.jsonl" || true
e=$(date +%s.%N)
t_ks=$(echo "$e - $s" | bc -l)
rss=$(cat "$W/rss")
got=$(jq -r '.kind // .change // empty' "$W/ks.jsonl" | sort | uniq -c | tr '\n' ' ')
printf 'dumps: 2 x %.0f MB (%s rows changed, %s deleted, %s added by the generator)\n' \
  "$(echo "$size/1000000" | bc -l)" "$want_chg" "$want_del" "$want_add"
printf 'diff before.sql after.sql:   %8.2f s\n' "$t_diff"
printf 'kanshiki db diff:            %8.2f s   ratio kanshiki/diff = %.2f\n' "$t_ks" "$(echo "$t_ks/$t_diff" | bc -l)"
printf 'kanshiki peak RSS:           %8d KiB  (%.1f%% of one dump)\n' "$rss" "$(echo "100*$rss*1024/$size" | bc -l)"
printf 'kanshiki found: %s\n' "$got"
