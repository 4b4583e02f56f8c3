#!/usr/bin/env bash
# bench/fs.sh — `kanshiki fs timeline --format bodyfile` against TSK's `fls -r -m /` on an
# ext4 image holding N files (default 200,000) in a tree of 200 directories, made with
# mke2fs -d. Prints both wall times and the ratio. Then the same tree in XFS (mkfs.xfs,
# populated through a loop mount; needs root): `kanshiki fs timeline` on the image against
# `find -printf` of the same four times over a read-only loop mount (cold dentry cache for
# both: the image's pages are warm, the kernel's inode cache is dropped first).
# Uses the release build.
set -euo pipefail
N=${1:-200000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KS=${KS_BENCH:-$ROOT/build/kanshiki}
W=$(mktemp -d "${TMPDIR:-/tmp}/ks-bench-fs.XXXXXX")
trap 'umount "$W/mnt" 2>/dev/null; rm -rf "$W"' EXIT
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

if [ "$(id -u)" != 0 ] || ! command -v mkfs.xfs >/dev/null; then
  echo "XFS: skipped (needs root and mkfs.xfs for the loop mount)"
  exit 0
fi
truncate -s 2G "$W/xfs"
mkfs.xfs -q -f "$W/xfs"
mkdir -p "$W/mnt"
mount -o loop "$W/xfs" "$W/mnt"
cp -a "$W/src/." "$W/mnt/"
umount "$W/mnt"
rm -rf "$W/src"
cat "$W/xfs" > /dev/null
sync; echo 2 > /proc/sys/vm/drop_caches 2>/dev/null || true
kx=$(t "$KS" fs timeline --format bodyfile "$W/xfs")
kxl=$(wc -l < "$W/out")
mount -o loop,ro,norecovery "$W/xfs" "$W/mnt"
sync; echo 2 > /proc/sys/vm/drop_caches 2>/dev/null || true
fx=$(t find "$W/mnt" -printf '%i|%p|%m|%U|%G|%s|%A@|%T@|%C@|%B@\n')
fxl=$(wc -l < "$W/out")
umount "$W/mnt"
printf 'XFS kanshiki fs timeline --format bodyfile: %.2fs (%d lines)\nXFS find -printf over a loop mount: %.2fs (%d lines)\nratio (find / kanshiki): %.1fx\n' \
  "$kx" "$kxl" "$fx" "$fxl" "$(echo "$fx / $kx" | bc -l)"
