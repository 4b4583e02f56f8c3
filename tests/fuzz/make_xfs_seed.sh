#!/usr/bin/env bash
# Generates tests/fuzz/corpus/fuzz_xfs/seed_v5 and seed_v4: the first 64 KiB of 16 MiB
# XFS images built by mkfs.xfs from a protofile (directories, files, a symlink, a device)
# with an external log, so all the metadata (superblock, AG headers, inode btree, the first
# inode chunk with shortform directories and inline symlinks) lies in those 64 KiB.
# mkfs.xfs refuses file systems under 300 MB unless it believes it runs under fstests
# (QA_CHECK_FS), which is what lets it build such small images.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)/corpus/fuzz_xfs
mkdir -p "$out"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
echo "hello from xfs" >"$w/f"
cat >"$w/proto" <<P
boot
0 0
d--755 0 0
file1 ---644 1000 1000 $w/f
sub d--750 0 0
 inner ---600 0 0 $w/f
 link l--777 0 0 ../file1
$
dev c--600 0 0 4 1
fifo p--644 0 0
$
P
mk() { # NAME MKFS_OPTIONS...
  local n=$1; shift
  truncate -s 16m "$w/img"; truncate -s 4m "$w/log"
  QA_CHECK_FS=1 TEST_DIR=1 TEST_DEV=1 mkfs.xfs -q -f -b size=1024 -d agcount=1,size=16m \
    -l logdev="$w/log",size=2600b -p "$w/proto" "$@" "$w/img" 2>/dev/null
  head -c 65536 "$w/img" >"$out/$n"
  rm -f "$w/img" "$w/log"
}
mk seed_v5 -m reflink=0,finobt=0,rmapbt=0
mk seed_v4 -m crc=0
echo "seeds in $out"
