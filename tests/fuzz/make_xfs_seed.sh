#!/usr/bin/env bash
# Generates the fuzz_xfs seeds in tests/fuzz/corpus/fuzz_xfs/ from 16 MiB XFS images built by
# mkfs.xfs from a protofile (a shortform and a block directory, files, inline and remote
# symlinks, a device, a fifo), with 1 KiB blocks and an external log:
#   seed_v5, seed_v4                 the first 64 KiB (superblock, AG headers, inode btree,
#                                    the first inode chunk) — the raw input form;
#   seed_v5_packed, seed_v4_packed   every non-zero 1 KiB block — the packed input form
#                                    (see tests/fuzz/fuzz_xfs.c).
# mkfs.xfs refuses file systems under 300 MB unless it believes it runs under fstests
# (QA_CHECK_FS), which is what lets it build such small images.
# Note: mkfs.xfs 6.1 writes V5 remote symlinks from protofiles without their XSLM header
# (the kernel rejects them too), so seed_v5_packed also holds a real-world corrupt symlink.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)/corpus/fuzz_xfs
mkdir -p "$out"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
echo "hello from xfs" >"$w/f"
{
  echo boot; echo 0 0; echo "d--755 0 0"
  echo "file1 ---644 1000 1000 $w/f"
  echo "sub d--750 0 0"; echo " inner ---600 0 0 $w/f"; echo " link l--777 0 0 ../file1"; echo ' $'
  echo "blk d--755 0 0"
  for i in $(seq 1 15); do echo " entry_with_a_long_name_$i ---644 0 0 $w/f"; done
  echo ' $'
  echo "long l--777 0 0 $(printf 'component%03d/' $(seq 1 60))end"
  echo "dev c--600 0 0 4 1"; echo "fifo p--644 0 0"; echo '$'
} >"$w/proto"
mk() { # NAME MKFS_OPTIONS...
  local n=$1; shift
  truncate -s 16m "$w/img"; truncate -s 4m "$w/log"
  QA_CHECK_FS=1 TEST_DIR=1 TEST_DEV=1 mkfs.xfs -q -f -b size=1024 -d agcount=1,size=16m \
    -l logdev="$w/log",size=2600b -p "$w/proto" "$@" "$w/img" 2>/dev/null
  head -c 65536 "$w/img" >"$out/$n"
  python3 - "$w/img" "$out/${n}_packed" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
recs = [struct.pack(">I", i) + d[i * 1024:(i + 1) * 1024]
        for i in range(len(d) // 1024) if any(d[i * 1024:(i + 1) * 1024])]
blob = b"KSXFSPK1" + struct.pack(">Q", len(d)) + b"".join(recs)
assert len(blob) <= 65536, len(blob)
open(sys.argv[2], "wb").write(blob)
PY
  rm -f "$w/img" "$w/log"
}
mk seed_v5 -m reflink=0,finobt=0,rmapbt=0
mk seed_v4 -m crc=0
echo "seeds in $out"
