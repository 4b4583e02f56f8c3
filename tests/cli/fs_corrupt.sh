#!/usr/bin/env bash
# fs_corrupt.sh — damaged ext4 images (made with mke2fs -d, then broken with debugfs or a
# byte patch): every case must end with a clear error naming the structure and the offset,
# exit 3, no crash (ASan), no hang (timeout), and whatever is readable still delivered.
source "$(dirname "$0")/../lib.sh"
if ! command -v mke2fs >/dev/null || ! command -v debugfs >/dev/null; then
  skip all "needs e2fsprogs"; exit 0
fi
cd "$TMP" || exit 1
mkdir -p src/dir/sub
printf 'hello\n' > src/file
head -c 300000 /dev/urandom > src/big
for i in $(seq 1 20); do echo "$i" > "src/dir/f$i"; done
mke2fs -q -F -t ext4 -b 4096 -d src base.img 8M >/dev/null 2>&1
T="timeout 30"

fresh() { cp base.img "$1"; }
patch_le() { # IMG OFFSET BYTES(hex)
  python3 -c "import sys; f=open(sys.argv[1],'r+b'); f.seek(int(sys.argv[2])); f.write(bytes.fromhex(sys.argv[3]))" "$@"
}
dbg() { debugfs -w -R "$2" "$1" >/dev/null 2>&1; }

# superblock: block size exponent 20
fresh sb.img; patch_le sb.img $((1024 + 0x18)) 14000000
expect_rc superblock_bad_block_size_exit_3 3 $T "$KS" fs info sb.img
expect_grep superblock_bad_block_size_names_offset 'offset 1048: ext4 superblock: s_log_block_size 20' "$TMP/.out"
fresh sb2.img; patch_le sb2.img $((1024 + 0x28)) 00000000
expect_rc superblock_zero_inodes_per_group_exit_3 3 $T "$KS" fs ls sb2.img /
expect_grep superblock_zero_inodes_per_group_names_offset 'offset 1064: ext4 superblock: s_inodes_per_group 0' "$TMP/.out"
fresh sb3.img; patch_le sb3.img $((1024 + 0x38)) 0000
expect_rc superblock_without_magic_is_not_a_file_system 3 $T "$KS" fs info sb3.img
expect_grep superblock_without_magic_message 'no known file system at offset 0' "$TMP/.out"

# an inode claiming a 1 EB size: stat shows it, content read refuses it
fresh eb.img; dbg eb.img "sif /file size 0x1000000000000000"
expect_eq inode_1eb_size_still_stats "$($T "$KS" fs stat eb.img /file | sed -n 's/^size: //p')" "1152921504606846976"
expect_rc inode_1eb_size_cat_exit_3 3 $T "$KS" fs cat eb.img /file
expect_grep inode_1eb_size_error_names_inode_offset 'offset [0-9]+: ext4 inode [0-9]+: size 1152921504606846976 exceeds' "$TMP/.out"

# extent header with a bad magic
fresh ex.img; dbg ex.img "sif /file block[0] 0x12345678"
expect_rc extent_bad_magic_exit_3 3 $T "$KS" fs cat ex.img /file
expect_grep extent_bad_magic_names_offset 'offset [0-9]+: ext4 inode [0-9]+: extent header magic 0x5678' "$TMP/.out"

# extent pointing past the end of the file system
fresh ep.img; dbg ep.img "sif /big block[5] 0x7fffffff"
expect_rc extent_past_fs_end_exit_3 3 $T "$KS" fs cat ep.img /big
expect_grep extent_past_fs_end_message 'extent .* points to block 2147483647, past the end of the file system' "$TMP/.out"

# extent index claimed at depth 1 leads to a block that is not an extent node
fresh ed.img; dbg ed.img "sif /big block[1] 0x00010004"
expect_rc extent_depth_lie_exit_3 3 $T "$KS" fs cat ed.img /big
expect_grep extent_depth_lie_message 'ext4 inode [0-9]+: extent (header magic|index points)' "$TMP/.out"

# a truncated image: file data beyond its end
fresh tr.img
blk=$(debugfs -R "bmap /big 0" tr.img 2>/dev/null)
truncate -s $(( blk * 4096 + 4096 )) tr.img
expect_rc truncated_image_cat_exit_3 3 $T "$KS" fs cat tr.img /big
expect_grep truncated_image_names_offset 'past the end of the image' "$TMP/.out"
expect_rc truncated_image_metadata_still_lists 0 $T "$KS" fs ls tr.img /

# a directory block whose first record has rec_len 0
fresh dr.img
dblk=$(debugfs -R "bmap /dir 0" dr.img 2>/dev/null)
patch_le dr.img $(( dblk * 4096 + 4 )) 0000
expect_rc dir_bad_rec_len_exit_3 3 $T "$KS" fs ls dr.img /dir
expect_grep dir_bad_rec_len_names_offset "offset $(( dblk * 4096 )): ext4 directory inode [0-9]+: record with rec_len 0" "$TMP/.out"
expect_rc dir_bad_rec_len_timeline_still_lists_the_rest 3 $T "$KS" fs timeline dr.img
expect_grep dir_bad_rec_len_timeline_has_big ' /big$' "$TMP/.out"

# a directory cycle: /dir/sub/loop is a hard link to /dir
fresh cy.img; dbg cy.img "ln /dir /dir/sub/loop"
expect_rc dir_cycle_walk_terminates_exit_3 3 $T "$KS" fs ls -r cy.img /
expect_grep dir_cycle_reported 'directory inode [0-9]+ is reached twice' "$TMP/.out"
expect_eq dir_cycle_lists_each_file_once "$(grep -c '/f7$' "$TMP/.out")" "1"

# a directory claiming a huge size
fresh ds.img; dbg ds.img "sif /dir size 0x100000000000"
expect_rc dir_huge_size_exit_3 3 $T "$KS" fs ls ds.img /dir
expect_grep dir_huge_size_message 'ext4 directory inode [0-9]+: size 17592186044416 is larger than the image' "$TMP/.out"

# group descriptor: inode table outside the file system
fresh gd.img; dbg gd.img "set_bg 0 inode_table 0x7ffffff"
expect_rc group_desc_bad_inode_table_exit_3 3 $T "$KS" fs ls gd.img /
expect_grep group_desc_bad_inode_table_message 'ext4 group descriptor 0: inode table at block 134217727' "$TMP/.out"

# fast symlink length over the inline area and an xattr block out of range
fresh xa.img; dbg xa.img "sif /file file_acl 0x7fffffff"
expect_rc xattr_block_out_of_range_exit_3 3 $T "$KS" fs stat xa.img /file
expect_grep xattr_block_out_of_range_message 'ext4 inode [0-9]+: xattr block 2147483647 is outside' "$TMP/.out"

# evidence is never written
expect_eq corrupt_images_unchanged "$(sha256sum < base.img)" "$(cp base.img again.img; "$KS" fs timeline again.img >/dev/null 2>&1; sha256sum < again.img)"
