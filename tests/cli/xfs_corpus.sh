#!/usr/bin/env bash
# The XFS reader on real third-party images, against the values their projects' own tests
# assert (transcribed in $CORPUS/dissect.xfs/ORACLE_dissect_xfs_tests.json).
source "$(dirname "$0")/../lib.sh"
XFSLS=$ROOT/build/asan/tools/xfsls
D=$CORPUS/dissect.xfs/tests/data
if [ ! -d "$D" ]; then skip all "no $D"; exit 0; fi
for f in xfs xfs_bigtime xfs_symlink_test1 xfs_symlink_test2 xfs_symlink_test3; do
  gunzip -c "$D/$f.bin.gz" >"$TMP/$f.bin"
done
field() { awk -F'\t' -v p="$2" -v c="$3" '$1==p{print $c; exit}' "$1"; }

I=$TMP/xfs.bin
"$XFSLS" "$I" --info >"$TMP/info" 2>&1
expect_grep dissect_xfs_is_v5 '^version 5$' "$TMP/info"
expect_grep dissect_xfs_uuid '^uuid 3fb8342ee1444f0c8bd7725e78966200$' "$TMP/info"
expect_grep dissect_xfs_root_inode_11072 '^root_ino 11072$' "$TMP/info"
expect_grep dissect_xfs_superblock_crc_ok '^sb_crc_ok 1$' "$TMP/info"
"$XFSLS" "$I" >"$TMP/walk" 2>"$TMP/walk.err"
expect_eq dissect_xfs_walk_exits_0_without_warnings "$?:$(cat "$TMP/walk.err")" "0:"
# oracle: root crtime 2022-04-22T14:24:09.264560Z = 1650637449264560000 ns
expect_eq dissect_xfs_root_crtime_ns "$(field "$TMP/walk" / 12)" 1650637449.264560000
expect_eq dissect_xfs_root_listdir_order "$("$XFSLS" "$I" --ls / | cut -f1 | tr '\n' ' ')" \
  ". .. test_file test_dir test_link "
expect_eq dissect_xfs_test_file_content "$("$XFSLS" "$I" --cat /test_file | od -An -c | tr -s ' ')" \
  "$(printf 'test content\n' | od -An -c | tr -s ' ')"
expect_eq dissect_xfs_test_link_target "$(field "$TMP/walk" /test_link 13)" test_dir/test_file

B=$TMP/xfs_bigtime.bin
"$XFSLS" "$B" --info >"$TMP/binfo" 2>&1
expect_grep dissect_bigtime_feature_set '^bigtime 1$' "$TMP/binfo"
# oracle: /file crtime 2023-04-07T09:15:09.223364Z, 1680858909223364005 ns
expect_eq dissect_bigtime_file_crtime_ns "$("$XFSLS" "$B" --stat /file | cut -f12)" 1680858909.223364005

for n in 1 2 3; do
  out=$("$XFSLS" "$TMP/xfs_symlink_test$n.bin" --cat /path/to/dir/with/file.ext 2>&1)
  expect_eq "dissect_symlink_test${n}_resolves_to_resolved" "$out" "resolved!"
done

# libfsxfs fragments: no oracle is stated; a lone superblock sector must still parse (the
# image is shorter than the file system it describes, which is only a warning).
L=$CORPUS/libfsxfs/tests/data/superblock.1
if [ -f "$L" ]; then
  expect_rc libfsxfs_superblock_fragment_parses 0 "$XFSLS" "$L" --info
  expect_grep libfsxfs_superblock_fragment_truncation_warned 'truncated image' "$TMP/.out"
else
  skip libfsxfs_superblock_fragment_parses "no $L"
fi
if [ -f "$L" ]; then
  # values visible in the fragment's own bytes: fname "xfs_test" @108, rootino 0x2b40 @56
  "$XFSLS" "$L" --info >"$TMP/linfo" 2>/dev/null
  expect_grep libfsxfs_superblock_label '^label xfs_test$' "$TMP/linfo"
  expect_grep libfsxfs_superblock_root_ino '^root_ino 11072$' "$TMP/linfo"
  expect_grep libfsxfs_superblock_block_size '^block_size 4096$' "$TMP/linfo"
fi
