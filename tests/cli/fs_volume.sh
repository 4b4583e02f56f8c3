#!/usr/bin/env bash
# fs_volume.sh — partition tables (MBR with logical partitions, GPT with a damaged primary
# header), image@N / @offset= / @sSECTOR selection, split raw sets (.001 and .aa) and
# containers (VHD, VMDK, qcow2 through libvhdi/libvmdk/libqcow) all reach the same file.
source "$(dirname "$0")/../lib.sh"
MK="python3 $(cd "$(dirname "$0")" && pwd)/fs_mkdisk.py"
cd "$TMP" || exit 1
if ! command -v mke2fs >/dev/null; then skip all "needs e2fsprogs"; exit 0; fi

# ---- MBR: primaries 1 and 4, extended 2 with logical 5 and 6, each fs says who it is
truncate -s 48M mbr.raw
$MK mbr mbr.raw
for spec in "1 1048576 16M" "5 $(( (40960 + 2048) * 512 )) 8M" \
            "6 $(( (40960 + 20480 + 2048) * 512 )) 8M" "4 $(( 81920 * 512 )) 8M"; do
  set -- $spec
  rm -rf s && mkdir s && echo "partition $1" > s/hello
  mke2fs -q -F -t ext4 -E offset="$2" -d s mbr.raw "$3" >/dev/null 2>&1
done
"$KS" fs parts mbr.raw > parts.txt 2>&1
expect_grep mbr_lists_extended_partition '^2 .*0x05 Extended' parts.txt
expect_grep mbr_lists_logical_5_with_ext4 '^5 +22020096 .*\(logical\) \[ext4\]' parts.txt
expect_grep mbr_lists_logical_6_with_ext4 '^6 +32505856 .*\(logical\) \[ext4\]' parts.txt
for n in 1 4 5 6; do
  expect_eq "mbr_partition_${n}_reads_its_own_file" "$("$KS" fs cat mbr.raw@$n /hello 2>&1)" "partition $n"
done
expect_eq mbr_offset_selector_reads_logical_5 \
  "$("$KS" fs cat "mbr.raw@offset=$(( (40960 + 2048) * 512 ))" /hello 2>&1)" "partition 5"
expect_eq mbr_sector_selector_reads_partition_1 "$("$KS" fs cat mbr.raw@s2048 /hello 2>&1)" "partition 1"
expect_rc mbr_ambiguous_image_needs_a_partition_number 2 "$KS" fs ls mbr.raw
expect_grep mbr_ambiguous_error_says_how '4 partitions or logical volumes hold a known file system' "$TMP/.out"
expect_rc mbr_missing_partition_is_input_error 3 "$KS" fs ls mbr.raw@9
truncate -s 48M loop.raw
$MK mbr-loop loop.raw
expect_rc mbr_ebr_chain_loop_is_reported 3 "$KS" fs parts loop.raw
expect_grep mbr_ebr_loop_error_names_offset 'offset [0-9]+: MBR: extended partition chain loops' "$TMP/.out"

# ---- GPT like an EC2 volume: BIOS boot partition + Linux root
truncate -s 20M gpt.raw
$MK gpt gpt.raw
rm -rf s && mkdir s && echo root > s/hello
mke2fs -q -F -t ext4 -E offset=$((4096 * 512)) -d s gpt.raw 16M >/dev/null 2>&1
"$KS" fs parts gpt.raw > gparts.txt 2>&1
expect_grep gpt_lists_bios_boot '^1 +1048576 +2097152 .*BIOS boot +bios' gparts.txt
expect_grep gpt_lists_named_root_with_ext4 '^2 +2097152 +18874368 .*Linux filesystem +root \[ext4\]' gparts.txt
expect_eq gpt_only_fs_partition_is_chosen "$("$KS" fs cat gpt.raw /hello 2>&1)" "root"
expect_eq gpt_partition_2_by_number "$("$KS" fs cat gpt.raw@2 /hello 2>&1)" "root"
cp gpt.raw gptb.raw
$MK gpt-break-primary gptb.raw
"$KS" fs parts gptb.raw > gb.txt 2>&1
expect_grep gpt_backup_header_used_when_primary_damaged 'backup header' gb.txt
expect_eq gpt_backup_header_finds_root "$("$KS" fs cat gptb.raw /hello 2>&1)" "root"

# ---- split sets and containers
split -b 3M -d -a 3 --numeric-suffixes=1 gpt.raw seg.raw.
split -b 3M gpt.raw seg.
expect_eq split_001_set_reads_across_segments "$("$KS" fs cat seg.raw.001 /hello 2>&1)" "root"
expect_eq split_aa_set_reads_across_segments "$("$KS" fs cat seg.aa /hello 2>&1)" "root"
expect_grep split_set_reported_as_split 'container: split' <("$KS" fs info seg.aa 2>&1)
for c in vhd vmdk qcow2; do
  $MK $c gpt.raw "g.$c"
  expect_eq "${c}_container_reads_file" "$("$KS" fs cat "g.$c" /hello 2>&1)" "root"
done
if command -v ewfacquire >/dev/null; then
  # E01 in three segments (E01, E02, E03), uncompressed, and one compressed segment
  ewfacquire -u -t segs -f encase6 -c none -S 8MiB gpt.raw >/dev/null 2>&1
  expect_eq e01_three_segments_made "$(ls segs.E0* | wc -l)" "3"
  expect_eq e01_multi_segment_reads_file "$("$KS" fs cat segs.E01 /hello 2>&1)" "root"
  ewfacquire -u -t comp -f encase6 -c deflate:best gpt.raw >/dev/null 2>&1
  expect_eq e01_compressed_reads_file "$("$KS" fs cat comp.E01 /hello 2>&1)" "root"
  expect_grep e01_reported_as_ewf 'container: ewf' <("$KS" fs info comp.E01 2>&1)
else
  skip e01 "ewfacquire (ewf-tools) not installed"
fi
expect_eq evidence_unchanged_after_reads "$(sha256sum < gpt.raw)" "$(cat seg.raw.* | sha256sum)"
