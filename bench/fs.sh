#!/usr/bin/env bash
# bench/fs.sh — `kanshiki fs timeline --format bodyfile` against TSK's `fls -r -m /` on an
# ext4 image holding N files (default 200,000) in a tree of 200 directories, made with
# mke2fs -d. Prints both wall times and the ratio. Uses the release build.
set -euo pipefail
N=${1:-200000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KS=${KS_BENCH:-$ROOT/build/kanshiki}
W=$(mktemp -d "${TMPDIR:-/tmp}/ks-bench-fs.XXXXXX")
trap 'rm -rf "$W"' EXIT
python3 - "$W/src" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
per = max(1, n // 200)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // per))
    if i % per == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "file_%07d.txt" % i), "w") as f:
        f.write("x" * (i % 100))
PY
mke2fs -q -F -t ext4 -N $((N + 1000)) -d "$W/src" "$W/img" 2G
rm -rf "$W/src"
sync
t() { local s e; s=$(date +%s.%N); "$@" > "$W/out" ; e=$(date +%s.%N); echo "$e - $s" | bc; }
# warm the page cache once for both
cat "$W/img" > /dev/null
ks=$(t "$KS" fs timeline --format bodyfile "$W/img")
kl=$(wc -l < "$W/out")
tsk=$(t fls -r -m / "$W/img")
tl=$(wc -l < "$W/out")
printf 'files: %d\nkanshiki fs timeline --format bodyfile: %.2fs (%d lines)\nfls -r -m /: %.2fs (%d lines)\nratio (fls / kanshiki): %.1fx\n' \
  "$N" "$ks" "$kl" "$tsk" "$tl" "$(echo "$tsk / $ks" | bc -l)"
