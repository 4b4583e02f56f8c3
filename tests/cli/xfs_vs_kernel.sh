#!/usr/bin/env bash
# The XFS reader against the kernel: images made by mkfs.xfs, populated through a loop mount
# with every directory, data-fork, symlink and xattr form (tests/tools/xfs_populate.py),
# then every field the reader returns (tests/tools/xfsls) compared with what the kernel shows
# through a read-only mount (tests/tools/xfs_kernel_list.py: lstat, statx birth time via
# stat(1), sha256, listxattr/getxattr). Inode-btree iteration is checked against the
# superblock counters and deleted inodes, birth times also against xfs_db.
# V4 file systems cannot be mounted by this kernel: they are built by mkfs.xfs from a
# protofile and compared with the source tree instead.
source "$(dirname "$0")/../lib.sh"
XFSLS=$ROOT/build/asan/tools/xfsls
TOOLS=$ROOT/tests/tools
MNT=$TMP/mnt
mkdir -p "$MNT"
trap 'umount "$MNT" 2>/dev/null; rm -rf "$TMP"' EXIT

if [ "$(id -u)" != 0 ] || ! command -v mkfs.xfs >/dev/null || ! command -v xfs_db >/dev/null; then
  skip all "needs root, mkfs.xfs and xfs_db"
  exit 0
fi

# xattr lines get their path in front so both listings can be sorted line by line
flatten() { awk -F'\t' '$1!="xattr"{p=$1; print; next} {print p "\t" $0}' "$1" | LC_ALL=C sort; }

# xfs_db time print ("Sun Nov 22 18:35:44 2026" + nsec) -> sec.nsec
db_crtime() { # IMG INO
  xfs_db -r -c "inode $2" -c "print v3.crtime.sec v3.crtime.nsec" "$1" | python3 -c '
import sys, datetime
v = dict(l.strip().split(" = ", 1) for l in sys.stdin if " = " in l)
d = datetime.datetime.strptime(v["v3.crtime.sec"], "%a %b %d %H:%M:%S %Y").replace(tzinfo=datetime.timezone.utc)
print("%d.%09d" % (int(d.timestamp()), int(v["v3.crtime.nsec"])))'
}

field() { # FILE PATH COLUMN
  awk -F'\t' -v p="$2" -v c="$3" '$1==p{print $c; exit}' "$1"
}

variant() { # NAME BIGDIR_ENTRIES MKFS_OPTIONS...
  local n=$1 big=$2; shift 2
  local img=$TMP/$n.img st=$TMP/$n.state
  mkdir -p "$st"
  truncate -s 320M "$img"
  if ! mkfs.xfs -q -f "$@" "$img" >"$st/mkfs.log" 2>&1; then
    skip "$n" "mkfs.xfs $* refused: $(head -c 200 "$st/mkfs.log")"; return
  fi
  if ! mount -o loop "$img" "$MNT" 2>"$st/mount.log"; then
    skip "$n" "kernel cannot mount mkfs.xfs $*: $(head -c 200 "$st/mount.log")"; return
  fi
  python3 "$TOOLS/xfs_populate.py" "$MNT" "$st" "$big" >"$st/populate.log" 2>&1
  local prc=$?
  umount "$MNT"
  if [ $prc -ne 0 ]; then fail "$n.populate" "$(tail -c 400 "$st/populate.log")"; return; fi
  local before=""
  [ "$n" = v5_default ] && before=$(sha256sum <"$img")   # once is enough: 320 MB to hash

  mount -o loop,ro "$img" "$MNT" && python3 "$TOOLS/xfs_kernel_list.py" "$MNT" --xattrs >"$st/kernel.txt"
  umount "$MNT"
  "$XFSLS" "$img" --xattrs >"$st/ours.txt" 2>"$st/ours.err"
  expect_eq "$n.xfsls_walk_exits_0" "$?" 0
  expect_eq "$n.no_crc_or_corruption_warnings" "$(head -c 300 "$st/ours.err")" ""
  flatten "$st/ours.txt" >"$st/ours.s"
  flatten "$st/kernel.txt" >"$st/kernel.s"
  if cmp -s "$st/ours.s" "$st/kernel.s"; then
    pass "$n.every_path_inode_mode_owner_size_ns_times_target_sha256_xattr_matches_kernel"
  else
    fail "$n.every_path_inode_mode_owner_size_ns_times_target_sha256_xattr_matches_kernel" \
      "$(diff "$st/ours.s" "$st/kernel.s" | head -n 8)"
  fi
  expect_eq "$n.walk_lists_as_many_paths_as_the_kernel" "$(grep -vc '^xattr' "$st/ours.txt")" \
    "$(grep -vc '^xattr' "$st/kernel.txt")"
  # spot checks with literal expectations, so a shared mistake cannot hide
  expect_eq "$n.ns_mtime_exact" "$(field "$st/ours.txt" /times/ns 10)" 1620284889.987654321
  expect_eq "$n.pre_1970_mtime" "$(field "$st/ours.txt" /times/y1950 10)" -631152000.000000000
  case " $* " in
    *bigtime=0*) expect_eq "$n.y2100_clamped_to_2038" "$(field "$st/ours.txt" /times/y2100 10)" \
                   2147483647.000000000 ;;  # the kernel zeroes ns when clamping
    *) expect_eq "$n.y2100_mtime_bigtime" "$(field "$st/ours.txt" /times/y2100 10)" \
         4102444800.999999999 ;;
  esac
  expect_eq "$n.sparse_file_sha256" "$(field "$st/ours.txt" /files/sparse 14)" \
    "$(python3 -c 'import hashlib,sys; b=bytearray(64<<20); b[5<<20:(5<<20)+6000]=b"middle"*1000; b[40<<20:(40<<20)+3]=b"end"; print(hashlib.sha256(b).hexdigest())')"
  expect_eq "$n.remote_symlink_length" "$(field "$st/ours.txt" /links/max 13 | wc -c)" 1024
  expect_grep "$n.security_capability_listed" $'^xattr\tsecurity.capability\t20\t' "$st/ours.txt"

  # the fixture really has the forms it is meant to exercise
  while read -r path form; do
    local got
    case $form in
      local|extents|btree) got=$(xfs_db -r -c "path /$path" -c "print core.format" "$img") ;;
      a*) got=$(xfs_db -r -c "path /$path" -c "print core.aformat" "$img"); form=${form#a} ;;
    esac
    expect_grep "$n.fixture_${path//\//_}_is_$form" "($form)" <(echo "$got")
  done <"$st/forms.txt"
  dirmagic() { xfs_db -r -c "path /dirs/$1" -c "dblock $2" -c print "$img" 2>&1 | grep -m1 magic; }
  expect_grep "$n.fixture_dirs_block_is_single_block_form" "0x58444233" <(dirmagic block 0)
  expect_grep "$n.fixture_dirs_leaf_is_leaf_form" "0x3df1" <(dirmagic leaf 8388608)
  expect_grep "$n.fixture_dirs_node_is_node_form" "0x3ebe" <(dirmagic node 8388608)
  expect_grep "$n.fixture_attr_node_block" "0x3ebe|0xfebe" \
    <(xfs_db -r -c "path /xattrs/node" -c "ablock 0" -c "print" "$img" | grep magic)

  # inode btrees: every chunk inode once, counts equal the (clean-unmount) superblock counters
  "$XFSLS" "$img" --inodes >"$st/inodes.txt" 2>"$st/inodes.err"
  expect_eq "$n.inode_iteration_exits_0" "$?" 0
  local icount ifree
  icount=$(xfs_db -r -c 'sb 0' -c 'print icount' "$img" | awk '{print $3}')
  ifree=$(xfs_db -r -c 'sb 0' -c 'print ifree' "$img" | awk '{print $3}')
  expect_eq "$n.inode_iteration_count_equals_sb_icount" "$(wc -l <"$st/inodes.txt")" "$icount"
  expect_eq "$n.allocated_inodes_equal_icount_minus_ifree" \
    "$(grep -c $'\talloc\t' "$st/inodes.txt")" "$((icount - ifree))"
  expect_eq "$n.inode_numbers_unique" "$(cut -f1 "$st/inodes.txt" | sort -u | wc -l)" "$icount"
  local ok=1 d
  for d in $(cat "$st/deleted.txt"); do
    grep -qE "^$d"$'\tfree\t0\t' "$st/inodes.txt" || ok=0
  done
  expect_eq "$n.deleted_inodes_reported_free_with_mode_0" "$ok" 1
  d=$(head -n1 "$st/deleted.txt")
  local ours_cr; ours_cr=$("$XFSLS" "$img" --inode "$d" | cut -f12)
  expect_eq "$n.deleted_inode_crtime_matches_xfs_db" "$ours_cr" "$(db_crtime "$img" "$d")"
  local hello; hello=$(field "$st/ours.txt" /files/hello 2)
  expect_eq "$n.crtime_matches_xfs_db" "$(field "$st/ours.txt" /files/hello 12)" \
    "$(db_crtime "$img" "$hello")"
  [ -n "$before" ] && expect_eq "$n.image_unchanged_by_reader" "$(sha256sum <"$img")" "$before"
  rm -f "$img"
}


variant v5_default 50000
variant v5_bigtime0 5000 -m bigtime=0
variant v5_nrext64 3000 -i nrext64=1

# ---- V4 through protofiles ----------------------------------------------------------------
v4() { # NAME MKFS_OPTIONS...
  local n=$1; shift
  local st=$TMP/$n; mkdir -p "$st/src"
  python3 "$TOOLS/xfs_proto.py" "$st/src" "$st/proto" "$st/expected.txt"
  truncate -s 320M "$st/img"
  if ! mkfs.xfs -q -f "$@" -p "$st/proto" "$st/img" >"$st/mkfs.log" 2>&1; then
    skip "$n" "mkfs.xfs $* refused: $(head -c 200 "$st/mkfs.log")"; return
  fi
  "$XFSLS" "$st/img" >"$st/ours.txt" 2>"$st/ours.err"
  expect_eq "$n.xfsls_walk_exits_0" "$?" 0
  expect_eq "$n.no_warnings" "$(head -c 300 "$st/ours.err")" ""
  expect_grep "$n.is_version_4" '^version 4$' <("$XFSLS" "$st/img" --info)
  awk -F'\t' '{if ($3=="directory") $8="D"; print $1"\t"$3"\t"$4"\t"$5"\t"$6"\t"$8"\t"$13"\t"$14}' "$st/ours.txt" | LC_ALL=C sort >"$st/ours.s"
  LC_ALL=C sort "$st/expected.txt" >"$st/exp.s"
  if cmp -s "$st/ours.s" "$st/exp.s"; then
    pass "$n.every_path_type_mode_owner_size_target_sha256_matches_source_tree"
  else
    fail "$n.every_path_type_mode_owner_size_target_sha256_matches_source_tree" \
      "$(diff "$st/ours.s" "$st/exp.s" | head -n 8)"
  fi
  expect_eq "$n.v2_inodes_have_no_crtime" "$(field "$st/ours.txt" / 12)" "-"
  "$XFSLS" "$st/img" --inodes >"$st/inodes.txt" 2>&1
  expect_eq "$n.inode_iteration_count_equals_sb_icount" "$(wc -l <"$st/inodes.txt")" \
    "$(xfs_db -r -c 'sb 0' -c 'print icount' "$st/img" | awk '{print $3}')"
  rm -f "$st/img"
}
v4 v4_noftype -m crc=0 -n ftype=0
v4 v4_ftype -m crc=0
