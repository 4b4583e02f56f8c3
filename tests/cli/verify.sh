#!/usr/bin/env bash
# verify: manifests, images, hash lists (GNU and BSD forms), tampering named by range,
# split and zstd images checked by content, custody entries for verifications.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
head -c 2000000 /dev/urandom > src.bin
"$KS" acquire src.bin -o img.raw --chunk-size 64K -q >/dev/null 2>&1
"$KS" acquire src.bin -o img.zst --chunk-size 64K -q >/dev/null 2>&1
"$KS" acquire src.bin -o sp.raw --split 512K --chunk-size 64K -q >/dev/null 2>&1

expect_rc verify_intact_image_exits_0 0 "$KS" verify img.raw
expect_grep verify_intact_reports_ok "^result: OK" "$TMP/.out"
expect_rc verify_by_manifest_exits_0 0 "$KS" verify img.raw.manifest.json
expect_rc verify_by_bsd_hash_file_exits_0 0 "$KS" verify img.raw.hashes
expect_rc verify_zstd_image_by_content_exits_0 0 "$KS" verify img.zst
expect_rc verify_split_image_by_stem_exits_0 0 "$KS" verify sp.raw
expect_rc verify_split_image_by_hash_file_exits_0 0 "$KS" verify sp.raw.hashes

cp src.bin plain.bin
sha256sum plain.bin > SHA256SUMS
md5sum -b plain.bin > plain.md5
expect_rc verify_sha256sum_list_exits_0 0 "$KS" verify SHA256SUMS
expect_rc verify_md5sum_binary_mode_list_exits_0 0 "$KS" verify plain.md5

# tamper: one byte at 300000 lies in chunk 4 (262144..327679)
cp img.raw bad.raw; chmod u+w bad.raw
printf '\x00' | dd of=bad.raw bs=1 seek=300000 conv=notrunc 2>/dev/null
cmp -s bad.raw img.raw || true
sed 's/"img.raw"/"bad.raw"/g' img.raw.manifest.json > bad.raw.manifest.json
if [ "$(dd if=img.raw bs=1 skip=300000 count=1 2>/dev/null | od -An -tx1 | tr -d ' ')" = "00" ]; then
  printf '\x01' | dd of=bad.raw bs=1 seek=300000 conv=notrunc 2>/dev/null
fi
expect_rc verify_tampered_image_exits_1 1 "$KS" verify bad.raw
expect_grep verify_tampered_names_sha256_mismatch "^sha256  MISMATCH" "$TMP/.out"
expect_grep verify_tampered_names_the_64k_range "first differing range: bytes 262144..327679 \(65536 bytes\)" "$TMP/.out"

# truncated image: the missing tail is named
cp img.raw cut.raw; chmod u+w cut.raw; truncate -s 1000000 cut.raw
sed 's/"img.raw"/"cut.raw"/g' img.raw.manifest.json > cut.raw.manifest.json
expect_rc verify_truncated_image_exits_1 1 "$KS" verify cut.raw
expect_grep verify_truncated_reports_expected_size "bytes: 1000000 \(expected 2000000\)" "$TMP/.out"
expect_grep verify_truncated_names_missing_tail "differing range: bytes 983040\.\.1999999" "$TMP/.out"

# tampered zstd piece: a corrupted frame is reported, not crashed on
cp img.zst badz.zst; chmod u+w badz.zst
printf 'XXXXXXXX' | dd of=badz.zst bs=1 seek=5000 conv=notrunc 2>/dev/null
sed 's/"img.zst"/"badz.zst"/g' img.zst.manifest.json > badz.zst.manifest.json
"$KS" verify badz.zst > "$TMP/.out" 2>&1; rc=$?
expect_eq verify_corrupt_zstd_frame_fails "$([ $rc = 1 ] || [ $rc = 3 ] && echo failed)" failed

# a missing split piece
mkdir gap; cp sp.raw.* gap/; rm gap/sp.raw.002
expect_rc verify_missing_split_piece_exits_3 3 "$KS" verify gap/sp.raw
expect_grep verify_missing_piece_is_named "sp.raw.002" "$TMP/.out"

printf 'this is not\na hash list\n' > notes.txt
expect_rc verify_without_reference_exits_3 3 "$KS" verify notes.txt
expect_grep verify_without_reference_says_why "nothing to compare with" "$TMP/.out"
expect_rc verify_missing_target_exits_3 3 "$KS" verify nothere.raw

# custody entries for verifications
expect_rc verify_records_custody_entry 0 "$KS" verify img.raw --case case -e carol
expect_grep verify_custody_entry_has_status_ok '"action":"verify".*"status":"ok".*"examiner":"carol"' case/custody.jsonl
"$KS" verify bad.raw --case case >/dev/null 2>&1
expect_grep verify_custody_entry_records_mismatch '"action":"verify","item":"bad.raw".*"status":"mismatch"' case/custody.jsonl

# a hostile list naming a device or FIFO must not hang verify
printf '%s  /dev/zero\n' 0000000000000000000000000000000000000000000000000000000000000000 > evil.sha256
mkfifo fifo.raw
printf '%s  fifo.raw\n' 0000000000000000000000000000000000000000000000000000000000000000 > fifo.sha256
expect_rc verify_refuses_device_named_in_list 3 timeout 20 "$KS" verify evil.sha256
expect_grep verify_device_refusal_says_why "not a regular file" "$TMP/.out"
expect_rc verify_refuses_fifo_named_in_list 3 timeout 20 "$KS" verify fifo.sha256

# a hostile manifest: terminal escapes in its strings never reach the terminal raw
sed 's/"format": "raw"/"format": "\\u001b[31mraw"/; s/"img.raw"/"img.raw\\u001b]0;x\\u0007"/' img.raw.manifest.json > hostile.raw.manifest.json
"$KS" verify hostile.raw.manifest.json > hostile.out 2>&1
expect_eq verify_escapes_hostile_manifest_strings "$(grep -c $'\033' hostile.out)" 0
expect_grep verify_hostile_manifest_reported_unreadable "UNREADABLE|unknown image format" hostile.out
