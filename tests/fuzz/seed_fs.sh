#!/usr/bin/env bash
# seed_fs.sh — seed inputs for fuzz_ext4 and fuzz_volume, made with mke2fs (tiny
# images with 1 KiB blocks: extents, inline data, htree, ext2 indirect maps) and the
# partition-table writer of the tests. Written to build/fuzz/corpus/<harness>/, which
# tests/fuzz/run.sh reads.
set -euo pipefail
cd "$(dirname "$0")/../.."
E=build/fuzz/corpus/fuzz_ext4 V=build/fuzz/corpus/fuzz_volume LV=build/fuzz/corpus/fuzz_lvm
mkdir -p "$E" "$V" "$LV"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir -p "$T/s/d"
echo hi > "$T/s/a"; ln -s a "$T/s/l"; ln -s "$(printf 'x%.0s' $(seq 70))" "$T/s/long"
for i in $(seq 1 12); do : > "$T/s/d/n$i"; done
head -c 1500 /dev/zero | tr '\0' 'z' > "$T/s/d/blocks"
i=0
for opts in "-t ext4 -O ^has_journal,^resize_inode,^flex_bg" \
            "-t ext4 -O ^has_journal,^resize_inode,^flex_bg,inline_data -I 256" \
            "-t ext2 -I 128 -O ^resize_inode" "-t ext4 -O ^has_journal,^flex_bg,64bit,meta_bg,^resize_inode"; do
  # shellcheck disable=SC2086
  mke2fs -q -F $opts -b 1024 -N 32 -m 0 -d "$T/s" "$E/seed$i.img" 64k >/dev/null 2>&1 || true
  truncate -s 64k "$E/seed$i.img"  # mke2fs leaves the zero tail unwritten
  i=$((i + 1))
done
truncate -s 48M "$T/m"; python3 tests/cli/fs_mkdisk.py mbr "$T/m"; head -c 65536 "$T/m" > "$V/mbr"
truncate -s 20M "$T/g"; python3 tests/cli/fs_mkdisk.py gpt "$T/g"; head -c 65536 "$T/g" > "$V/gpt"
# an LVM2 PV header and metadata (needs root and lvm2: metadata only, no device-mapper)
if [ "$(id -u)" = 0 ] && command -v pvcreate >/dev/null; then
  truncate -s 64M "$T/pv"
  L=$(losetup -f --show "$T/pv")
  VG=ksfuzz$$
  pvcreate -q "$L" >/dev/null 2>&1 && vgcreate -q "$VG" "$L" >/dev/null 2>&1 &&
    lvcreate --driverloaded n -q -an -Zn -l 2 -n a "$VG" >/dev/null 2>&1 &&
    lvcreate --driverloaded n -q -an -Zn -l 1 -n b "$VG" >/dev/null 2>&1
  losetup -d "$L"
  head -c 65536 "$T/pv" > "$LV/pv"
fi
ls -la "$E" "$V" "$LV"
