#!/usr/bin/env bash
# fs_corpus.sh — the real ext4 images under the corpus, checked against their stated
# oracles (see corpus SOURCES.md) and, as root, file by file against the kernel.
source "$(dirname "$0")/../lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
D=$CORPUS/dissect.extfs/tests/data
V=$CORPUS/ext4-view-rs/test_data
B=$CORPUS/blsforme/crates/superblock/tests
if [ ! -d "$D" ]; then skip all "corpus not found at $CORPUS"; exit 0; fi
cd "$TMP" || exit 1
zcat "$D/ext4.bin.gz" > dissect.img
for i in 1 2 3; do zcat "$D/ext4_symlink_test$i.bin.gz" > sym$i.img; done
zstd -qd "$V/test_disk1.bin.zst" -o view1.img
zstd -qd "$V/test_disk_ext2.bin.zst" -o view_ext2.img
zstd -qd "$V/test_disk_ext3.bin.zst" -o view_ext3.img
zstd -qd "$V/test_disk_4k_block_journal.bin.zst" -o view_journal.img
zstd -qd "$B/ext4.img.zst" -o bls.img

# ---- dissect.extfs oracle (ORACLE_dissect_extfs_tests.json)
"$KS" fs info dissect.img > info.txt 2>&1
expect_grep dissect_uuid '^uuid: ab98e08e-e2da-4bc9-bfc6-1ac5eafb1001$' info.txt
expect_grep dissect_block_count_2048 '^block_count: 2048$' info.txt
expect_grep dissect_one_group '^group_count: 1$' info.txt
expect_grep dissect_last_mount '^last_mounted: /tmp/mnt$' info.txt
expect_eq dissect_root_listing "$("$KS" fs ls --live dissect.img / | sed 's|.* /||' | sort | tr '\n' ' ')" \
  "lost+found test_file xattr_cap "
expect_eq dissect_test_file_content "$("$KS" fs cat dissect.img /test_file)" "dissect test file in ext4"
expect_grep dissect_test_file_atime '^atime: 2018-05-29T08:57:58.000000000Z$' <("$KS" fs stat dissect.img /test_file)
expect_eq dissect_root_size_1024 "$("$KS" fs stat dissect.img / | sed -n 's/^size: //p')" "1024"
"$KS" fs stat dissect.img /xattr_cap > xs.txt
expect_grep dissect_xattr_selinux 'xattr: security.selinux = unconfined_u:object_r:unlabeled_t:s0\\x00 \(37 bytes\)' xs.txt
expect_grep dissect_xattr_capability 'xattr: security.capability = \\x01\\x00\\x00\\x02\\x00\\x04@\\x00(\\x00){12} \(20 bytes\)' xs.txt
# the journal keeps older copies of inode 12 (/xattr_cap): ctime before and after its
# xattrs were set (the image's inode says 12:16:08)
"$KS" fs journal --versions dissect.img > journal.txt 2>&1
expect_grep dissect_journal_commit_with_ns '^seq 9 commit 2022-02-14T12:16:10\.934473086Z' journal.txt
expect_grep dissect_journal_old_inode_version 'inode 12 .* ctime 2022-02-14T12:15:58\.000000000Z' journal.txt
expect_grep dissect_journal_new_inode_version 'inode 12 .* ctime 2022-02-14T12:16:08\.000000000Z' journal.txt
expect_grep dissect_journal_summary '^journal: inode 8, 1024 blocks of 1024 bytes, .* clean; 4 commit records' journal.txt
expect_rc ext2_has_no_journal_exit_3 3 "$KS" fs journal view_ext2.img
for i in 1 2 3; do
  expect_eq "dissect_symlink_test${i}_resolves" "$("$KS" fs cat sym$i.img /path/to/dir/with/file.ext)" "resolved!"
done

# ---- ext4-view-rs test disks (content as built by its xtask)
expect_grep view_label '^label: ext4-view testfs$' <("$KS" fs info view1.img)
expect_eq view_small_file "$("$KS" fs cat view1.img /small_file)" "hello, world!"
expect_eq view_symlink_59_is_fast "$("$KS" fs stat view1.img /sym_59 | sed -n 's/^size: //p')" "59"
expect_eq view_relative_dir_symlink_followed "$("$KS" fs cat view1.img /dir1/dir2/sym_rel)" "hello, world!"
expect_rc view_symlink_loop_is_an_error 3 "$KS" fs cat view1.img /sym_loop_a
expect_grep view_symlink_loop_message 'too many levels of symbolic links' "$TMP/.out"
expect_eq view_medium_dir_1000_entries "$("$KS" fs ls --live view1.img /medium_dir | wc -l)" "1000"
expect_eq view_big_htree_dir_10000_entries "$("$KS" fs ls --live view1.img /big_dir | wc -l)" "10000"
expect_eq view_ext2_big_file_size "$("$KS" fs stat view_ext2.img /big_file | sed -n 's/^size: //p')" "71577600"
expect_grep view_journal_image_needs_recovery '^needs_recovery: yes$' <("$KS" fs info view_journal.img)

# ---- blsforme oracle (README)
"$KS" fs info bls.img > bls.txt
expect_grep blsforme_uuid '^uuid: 731af94c-9990-4eed-944d-5d230dbe8a0d$' bls.txt
expect_grep blsforme_label '^label: blsforme testing$' bls.txt

# ---- every file of the corpus images against the kernel
if [ "$(id -u)" = 0 ]; then
  mkdir -p mnt
  # (view1 and view_ext3, 11,000 files each, match too but take a minute: checked by hand)
  for img in dissect sym1 view_ext2 bls; do
    "$KS" fs timeline --format bodyfile --ns "$img.img" > "$img.body" 2>/dev/null
    expect_eq "${img}_timeline_exit_0" "$?" "0"
    "$KS" fs extract "$img.img" / -o "$img.x" >/dev/null 2>&1
    expect_eq "${img}_extract_exit_0" "$?" "0"
    mount -o loop,ro,noload "$img.img" mnt 2>/dev/null || mount -o loop,ro "$img.img" mnt ||
      { fail "${img}_ro_mount"; continue; }
    KS_T_NAME=$T_NAME python3 "$HERE/fs_compare.py" "$img" "$img.img" mnt "$img.body" \
      "$img.x/kanshiki-manifest.jsonl" /encrypted_dir 2>/dev/null
    umount mnt
  done
else
  skip kernel_comparison "needs root for loop mounts"
fi
