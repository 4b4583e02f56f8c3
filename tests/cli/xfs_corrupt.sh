#!/usr/bin/env bash
# Damaged XFS images: one real image made by mkfs.xfs and populated through the kernel, then
# one field corrupted per case with xfs_db -x (which keeps CRCs valid, so only the intended
# damage is seen) or by patching bytes. The reader must fail with an error that names the
# structure and its byte offset, or warn and carry on; never crash, hang or blow up.
source "$(dirname "$0")/../lib.sh"
XFSLS=$ROOT/build/asan/tools/xfsls
MNT=$TMP/mnt
mkdir -p "$MNT"
trap 'umount "$MNT" 2>/dev/null; rm -rf "$TMP"' EXIT
if [ "$(id -u)" != 0 ] || ! command -v mkfs.xfs >/dev/null; then
  skip all "needs root and mkfs.xfs"; exit 0
fi
BASE=$TMP/base.img
truncate -s 400M "$BASE"
mkfs.xfs -q -f -d agcount=2 "$BASE"
mount -o loop "$BASE" "$MNT"
mkdir -p "$MNT/cyc/sub" "$MNT/many"
echo hi >"$MNT/f"
xfs_io -f -c "pwrite 0 64k" "$MNT/big" >/dev/null
cmds=(); for i in $(seq 0 99); do cmds+=(-c "falloc $((i * 8192)) 4096"); done
xfs_io -f "${cmds[@]}" "$MNT/frag"
(cd "$MNT/many" && seq 1 20000 | xargs touch)   # 20000 inodes: a two-level inode btree
umount "$MNT"
ino_of() { xfs_db -r -c "path $1" -c "print v3.inumber" "$BASE" | awk '{print $3}'; }
CYC=$(ino_of /cyc) F=$(ino_of /f)
INOBT_ROOT=$(xfs_db -r -c "agi 0" -c "print root" "$BASE" | awk '{print $3}')

# case NAME : a fresh copy of the base image in $IMG
fresh() { IMG=$TMP/case.img; cp --sparse=always "$BASE" "$IMG"; }
run() { timeout 60 "$XFSLS" "$IMG" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
patch() { # OFFSET HEXBYTES
  python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(int(sys.argv[2])); f.write(bytes.fromhex(sys.argv[3]))' "$IMG" "$1" "$2"
}

fresh; run
expect_eq base_image_reads_cleanly "$(cat "$TMP/rc"):$(head -c 200 "$TMP/err")" "0:"

fresh; patch 0 00000000; run --info
expect_eq bad_superblock_magic_fails "$(cat "$TMP/rc")" 1
expect_grep bad_superblock_magic_names_structure_and_offset 'offset 0: XFS superblock: magic' "$TMP/err"

fresh; patch 4 000004d2; run --info   # blocksize 1234
expect_grep bad_block_size_rejected 'XFS superblock: block size 1234' "$TMP/err"

fresh; patch 88 00000000; run --info  # agcount 0
expect_grep zero_ag_count_rejected 'XFS superblock: AG geometry agcount 0' "$TMP/err"

fresh; patch 224 deadbeef; run --info # superblock CRC only: a warning
expect_eq superblock_crc_mismatch_is_a_warning "$(cat "$TMP/rc")" 0
expect_grep superblock_crc_mismatch_warned 'warning: .*superblock CRC mismatch' "$TMP/err"

fresh; off=$(xfs_db -r -c "convert inode $F byte" "$IMG" | sed 's/.*(\([0-9]*\)).*/\1/')
patch $((off + 92)) 12345678; run     # di_gen changed behind the CRC's back
expect_eq inode_crc_mismatch_is_not_fatal "$(cat "$TMP/rc")" 0
expect_grep inode_crc_mismatch_warned "warning: .*offset $((off + 100)): XFS inode $F: CRC mismatch" "$TMP/err"

fresh; xfs_db -x -c "path /f" -c "write core.forkoff 200" "$IMG" >/dev/null 2>&1; run --stat /f
expect_grep fork_offset_beyond_inode_named "XFS inode $F at offset [0-9]+: fork offset 200" "$TMP/err"

fresh; xfs_db -x -c "path /big" -c "write u3.bmx[0].startblock 99999999" "$IMG" >/dev/null 2>&1
run --cat /big
expect_eq extent_past_end_fails "$(cat "$TMP/rc")" 1
expect_grep extent_past_end_names_inode_and_block 'data fork: extent at file block 0 points to fs block 99999999' "$TMP/err"

fresh; xfs_db -x -c "path /frag" -c "write u3.bmbt.level 3" "$IMG" >/dev/null 2>&1; run --cat /frag
expect_grep bmbt_level_mismatch_detected 'bmbt block at offset [0-9]+ has level 0, expected 2' "$TMP/err"

fresh; xfs_db -x -c "agi 0" -c "addr root" -c "write ptrs[2] $INOBT_ROOT" "$IMG" >/dev/null 2>&1
run --inodes
expect_eq inode_btree_self_pointer_fails "$(cat "$TMP/rc")" 1
expect_grep inode_btree_self_pointer_named "offset [0-9]+: XFS AG 0 inode btree block $INOBT_ROOT: level 1 \(expected 0\)" "$TMP/err"

fresh; xfs_db -x -c "path /cyc" -c "write u3.sfdir3.list[0].inumber.i4 $CYC" "$IMG" >/dev/null 2>&1; run
expect_eq directory_cycle_walk_finishes "$(cat "$TMP/rc")" 0
expect_grep directory_cycle_warned 'directory cycle at "cyc/sub"' "$TMP/err"
expect_eq directory_cycle_walk_still_lists_everything_else "$(grep -c '^/many/' "$TMP/out")" 20000

fresh; xfs_db -x -c "path /f" -c "write core.size 1152921504606846976" "$IMG" >/dev/null 2>&1
run --stat /f
expect_grep one_exabyte_file_size_reported_not_read 'size 1152921504606846976 over' "$TMP/err"
fresh; xfs_db -x -c "path /many" -c "write core.size 1152921504606846976" "$IMG" >/dev/null 2>&1
run --ls /many
expect_grep one_exabyte_directory_rejected 'offset [0-9]+: XFS inode [0-9]+ at offset [0-9]+: directory size 1152921504606846976 exceeds' "$TMP/err"

fresh; truncate -s 200M "$IMG"; run   # an image cut short: errors or warnings, no crash
expect_grep truncated_image_warned 'truncated image' "$TMP/err"
expect_eq truncated_image_no_crash "$(($(cat "$TMP/rc") <= 1))" 1

# a directory data block whose CRC no longer matches (its unused header pad changed): warned,
# and the listing is still complete
fresh; daddr=$(xfs_db -r -c "path /many" -c "dblock 0" -c "print dhdr.hdr.bno" "$IMG" | awk '{print $3}')
patch $((daddr * 512 + 60)) ff; run --ls /many
expect_eq dir_block_crc_mismatch_not_fatal "$(cat "$TMP/rc")" 0
expect_grep dir_block_crc_mismatch_warned "warning: .*offset $((daddr * 512 + 4)): XFS inode [0-9]+ directory block 0: CRC mismatch" "$TMP/err"
expect_eq dir_block_crc_mismatch_listing_complete "$(grep -c . "$TMP/out")" 20002
