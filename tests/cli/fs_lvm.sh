#!/usr/bin/env bash
# fs_lvm.sh — LVM2 linear logical volumes made by the real tools (pvcreate/vgcreate/
# lvcreate on a loop device, metadata only: this kernel has no device-mapper), one of them
# in two segments; their file systems are written at the extents LVM assigned.
source "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v pvcreate >/dev/null || ! command -v mke2fs >/dev/null; then
  skip all "needs root, lvm2 and e2fsprogs"; exit 0
fi
cd "$TMP" || exit 1
export LVM_SUPPRESS_FD_WARNINGS=1
VG=ksvg$$
L=""
cleanup_loop() { [ -n "$L" ] && losetup -d "$L" 2>/dev/null; L=""; }
trap 'cleanup_loop; rm -rf "$TMP"' EXIT
lvmq() { "$@" --driverloaded n -q >/dev/null 2>&1; }

truncate -s 64M pv.img
L=$(losetup -f --show pv.img)
pvcreate -q "$L" >/dev/null 2>&1 && vgcreate -q "$VG" "$L" >/dev/null 2>&1 &&
  lvmq lvcreate -an -Zn -l 4 -n lvone "$VG" && lvmq lvcreate -an -Zn -l 3 -n lvtwo "$VG" &&
  lvmq lvextend -l +2 "$VG/lvone"
ok=$?
PE=$(pvs --driverloaded n --noheadings --units b --nosuffix -o pe_start "$L" 2>/dev/null | tr -d ' ')
cleanup_loop
if [ $ok != 0 ] || [ -z "$PE" ]; then fail lvm_tools_created_volumes "pvcreate/vgcreate/lvcreate failed"; exit 0; fi
EXT=$((4 * 1024 * 1024))
# lvone: extents 0-3 then 7-8 of the PV; build its file system apart, then scatter it
mkdir -p s1 s2 && echo "lv one" > s1/hello && echo "lv two" > s2/hello
head -c $((18 * 1024 * 1024)) /dev/urandom > s1/big  # spans both segments
mke2fs -q -F -t ext4 -d s1 lvone.fs $((6 * 4))M >/dev/null 2>&1
python3 - pv.img lvone.fs "$PE" "$EXT" <<'PY'
import sys
pv, fs, pe, ext = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = open(fs, "rb").read()
with open(pv, "r+b") as f:
    f.seek(pe); f.write(data[:4 * ext])
    f.seek(pe + 7 * ext); f.write(data[4 * ext:6 * ext])
PY
mke2fs -q -F -t ext4 -E offset=$((PE + 4 * EXT)) -d s2 pv.img 12M >/dev/null 2>&1

"$KS" fs parts pv.img > parts.txt 2>&1
expect_grep lvm_lists_volume_group "^lvm volume group $VG on the whole image \(extent 4194304 bytes\):" parts.txt
expect_grep lvm_lists_two_segment_lv '^  lv=lvone  25165824 bytes in 2 segments \[ext4\]$' parts.txt
expect_grep lvm_lists_one_segment_lv '^  lv=lvtwo  12582912 bytes in 1 segment \[ext4\]$' parts.txt
expect_eq lvm_two_segment_lv_reads_file "$("$KS" fs cat pv.img@lv=lvone /hello 2>&1)" "lv one"
expect_eq lvm_second_lv_reads_file "$("$KS" fs cat pv.img@lv=lvtwo /hello 2>&1)" "lv two"
expect_eq lvm_file_across_both_segments_has_right_sha256 \
  "$("$KS" fs cat pv.img@lv=lvone /big | sha256sum)" "$(sha256sum < s1/big)"
expect_rc lvm_two_volumes_need_a_name 2 "$KS" fs ls pv.img
expect_rc lvm_unknown_volume_is_input_error 3 "$KS" fs ls pv.img@lv=nope

# a PV inside MBR partition 1 (type 0x8e), chosen automatically as the only file system
truncate -s 48M disk.img
python3 - disk.img <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(446); f.write(struct.pack("<B3sB3sII", 0, b"\0" * 3, 0x8e, b"\0" * 3, 2048, 90112))
    f.seek(510); f.write(b"\x55\xaa")
PY
L=$(losetup -f --show -o 1048576 --sizelimit $((90112 * 512)) disk.img)
pvcreate -q "$L" >/dev/null 2>&1 && vgcreate -q "${VG}p" "$L" >/dev/null 2>&1 &&
  lvmq lvcreate -an -Zn -l 2 -n lvp "${VG}p"
PE2=$(pvs --driverloaded n --noheadings --units b --nosuffix -o pe_start "$L" 2>/dev/null | tr -d ' ')
cleanup_loop
echo "in a partition" > s2/hello
mke2fs -q -F -t ext4 -E offset=$((1048576 + PE2)) -d s2 disk.img 8M >/dev/null 2>&1
expect_eq lvm_in_partition_by_name "$("$KS" fs cat disk.img@1,lv=lvp /hello 2>&1)" "in a partition"
expect_eq lvm_in_partition_chosen_automatically "$("$KS" fs cat disk.img /hello 2>&1)" "in a partition"
expect_grep lvm_in_partition_listed '^1 .*0x8e Linux LVM .*\[lvm2 pv\]' <("$KS" fs parts disk.img 2>&1)
