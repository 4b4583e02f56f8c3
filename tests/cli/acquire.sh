#!/usr/bin/env bash
# acquire: raw, split and zstd images, hashes against coreutils, manifest and hash file,
# stdin sources that end early, an output that fills up, never overwriting.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
head -c 3000000 /dev/urandom > src.bin
# a compressible tail so the zstd image is smaller than the source
head -c 1000000 /dev/zero >> src.bin
SHA=$(sha256sum < src.bin | cut -d' ' -f1)
MD5=$(md5sum < src.bin | cut -d' ' -f1)
SHA1=$(sha1sum < src.bin | cut -d' ' -f1)

expect_rc acquire_file_raw_exits_0 0 "$KS" acquire src.bin -o img.raw --chunk-size 256K -e tester
expect_eq acquire_raw_image_is_byte_identical "$(cmp src.bin img.raw && echo same)" same
expect_grep acquire_prints_sha256_matching_sha256sum "^sha256: $SHA\$" "$TMP/.out"
expect_grep acquire_prints_md5_matching_md5sum "^md5: $MD5\$" "$TMP/.out"
expect_grep acquire_prints_sha1_matching_sha1sum "^sha1: $SHA1\$" "$TMP/.out"
expect_grep manifest_records_status_complete '"status": "complete"' img.raw.manifest.json
expect_grep manifest_records_sha256 "\"sha256\": \"$SHA\"" img.raw.manifest.json
expect_grep manifest_records_operator '"operator": "tester"' img.raw.manifest.json
expect_grep manifest_records_utc_start '"start_utc": "20[0-9-]+T[0-9:.]+Z"' img.raw.manifest.json
expect_grep manifest_records_source_size '"size": 4000000' img.raw.manifest.json
expect_grep manifest_records_command_line '"command_line": \[.*"acquire", "src.bin"' img.raw.manifest.json
expect_eq manifest_has_one_chunk_hash_per_256k "$(grep -cE '^    "[0-9a-f]{64}",?$' img.raw.manifest.json)" 16
if command -v jq >/dev/null; then
  expect_eq manifest_is_valid_json "$(jq -r .hashes.md5 img.raw.manifest.json)" "$MD5"
else skip manifest_is_valid_json "jq not installed"; fi
expect_grep hash_file_has_bsd_sha256_line "^SHA256 \(img.raw\) = $SHA\$" img.raw.hashes
expect_grep hash_file_has_bsd_md5_line "^MD5 \(img.raw\) = $MD5\$" img.raw.hashes
check hash_file_is_accepted_by_sha256sum_c sha256sum -c --ignore-missing img.raw.hashes
expect_eq image_is_read_only_after_acquire "$(stat -c %a img.raw)" 444

expect_rc acquire_never_overwrites_an_existing_image 2 "$KS" acquire src.bin -o img.raw
expect_grep overwrite_refusal_says_why "never overwrites" "$TMP/.out"
expect_eq refused_acquire_left_image_untouched "$(sha256sum < img.raw | cut -d' ' -f1)" "$SHA"

# split
expect_rc acquire_split_exits_0 0 "$KS" acquire src.bin -o split.raw --split 1M -q
expect_eq split_makes_four_pieces "$(ls split.raw.0* | tr '\n' ' ')" "split.raw.001 split.raw.002 split.raw.003 split.raw.004 "
expect_eq split_pieces_are_at_most_1m "$(stat -c %s split.raw.001)" 1048576
expect_eq split_pieces_concatenate_to_source "$(cat split.raw.0* | sha256sum | cut -d' ' -f1)" "$SHA"
expect_grep split_manifest_lists_pieces '"files": \["split.raw.001", "split.raw.002", "split.raw.003", "split.raw.004"\]' split.raw.manifest.json

# zstd seekable
expect_rc acquire_zstd_exits_0 0 "$KS" acquire src.bin -o img.zst --zstd-frame 64K -q
expect_grep zstd_acquire_hashes_the_source "^sha256: $SHA\$" "$TMP/.out"
expect_eq zstd_image_decompresses_with_zstd_cli "$(zstd -dc img.zst | sha256sum | cut -d' ' -f1)" "$SHA"
expect_eq zstd_image_is_smaller_than_source "$([ "$(stat -c %s img.zst)" -lt 4000000 ] && echo yes)" yes
expect_grep zstd_manifest_says_format '"format": "zstd-seekable"' img.zst.manifest.json
expect_rc zstd_split_is_a_usage_error 2 "$KS" acquire src.bin -o img2.zst --split 1M

# stdin: complete, and ending early against --size
expect_rc acquire_stdin_exits_0 0 bash -c "cat src.bin | '$KS' acquire - -o stdin.raw"
expect_grep stdin_acquire_hashes_match "^sha256: $SHA\$" "$TMP/.out"
expect_grep stdin_manifest_source_kind '"kind": "stdin"' stdin.raw.manifest.json
expect_rc acquire_stdin_ended_early_exits_3 3 bash -c "head -c 1500000 src.bin | '$KS' acquire - -o short.raw --size 4000000"
expect_grep short_source_error_names_bytes_received "source ended early: 1500000 of 4000000 bytes" "$TMP/.out"
expect_grep short_manifest_marks_incomplete '"status": "incomplete"' short.raw.manifest.json
expect_grep short_manifest_records_bytes_received '"bytes": 1500000' short.raw.manifest.json
expect_eq short_image_holds_what_was_received "$(stat -c %s short.raw)" 1500000

# the output fills up: a small tmpfs where allowed, else a file size limit
mkdir full
if mount -t tmpfs -o size=1m tmpfs full 2>/dev/null; then
  expect_rc acquire_output_full_exits_4 4 "$KS" acquire src.bin -o full/img.raw
  expect_grep output_full_error_is_clear "output full: No space left on device" "$TMP/.out"
  expect_grep output_full_manifest_marks_failure '"status": "output-failed"' full/img.raw.manifest.json
  expect_grep output_full_manifest_records_bytes_written '"bytes_written": [0-9]+' full/img.raw.manifest.json
  umount full
else
  expect_rc acquire_output_full_exits_4 4 bash -c "ulimit -f 1024; trap '' XFSZ; '$KS' acquire src.bin -o full/img.raw"
  expect_grep output_full_error_is_clear "output full" "$TMP/.out"
  expect_grep output_full_manifest_marks_failure '"status": "output-failed"' full/img.raw.manifest.json
  expect_grep output_full_manifest_records_bytes_written '"bytes_written": 1048576' full/img.raw.manifest.json
fi

expect_rc acquire_missing_source_exits_3 3 "$KS" acquire nonexistent.bin -o x.raw
expect_grep missing_source_error_names_file "nonexistent.bin" "$TMP/.out"
expect_rc acquire_without_output_is_usage_error 2 "$KS" acquire src.bin
expect_rc acquire_bad_split_size_is_usage_error 2 "$KS" acquire src.bin -o y.raw --split 12Q

# E01 through libewf (small: libewf is slow under ASan)
head -c 600000 src.bin > e.bin   # not a multiple of 512: the last sector is padded
ESHA=$(sha256sum < e.bin | cut -d' ' -f1)
expect_rc acquire_e01_exits_0 0 "$KS" acquire e.bin -o ev.E01 -e tester --note "e01 test"
expect_grep e01_acquire_hashes_source "^sha256: $ESHA\$" "$TMP/.out"
expect_eq e01_segment_file_created "$(ls ev.E0? | tr "\n" " ")" "ev.E01 "
expect_eq e01_segment_starts_with_ewf_signature "$(head -c 3 ev.E01)" EVF
expect_grep e01_manifest_says_format '"format": "ewf"' ev.E01.manifest.json
expect_rc verify_e01_image_by_content_exits_0 0 "$KS" verify ev.E01
expect_rc acquire_e01_split_exits_0 0 "$KS" acquire src.bin -o evs --format e01 --split 1M -q
expect_eq e01_split_makes_several_segments "$([ "$(ls evs.E0? | wc -l)" -ge 3 ] && echo yes)" yes
expect_rc verify_e01_split_image_exits_0 0 "$KS" verify evs

# progress on a terminal (a pty from script(1)); nothing of it when not a terminal
if command -v script >/dev/null; then
  script -qec "'$KS' acquire src.bin -o tty.raw" /dev/null > tty.out 2>&1
  expect_grep progress_on_terminal_shows_bytes_rate_and_eta "3\.8 MiB / 3\.8 MiB \(100\.0%\).*/s  ETA 0:00:00" tty.out
else skip progress_on_terminal_shows_bytes_rate_and_eta "script(1) not installed"; fi
"$KS" acquire src.bin -o notty.raw 2> notty.err >/dev/null
expect_eq no_progress_when_stderr_is_not_a_terminal "$(grep -c ETA notty.err)" 0

# Ctrl-C: stops after the current block, the manifest records an interrupted, incomplete image
"$KS" acquire /dev/urandom -o int.raw --size 10G -q > int.out 2>&1 &
pid=$!
for _ in $(seq 50); do [ -s int.raw ] && break; sleep 0.1; done
kill -INT $pid; wait $pid; rc=$?
expect_eq interrupted_acquire_exits_3 "$rc" 3
expect_grep interrupted_acquire_says_so "interrupted by the user after [0-9]+ bytes" int.out
expect_grep interrupted_manifest_marks_incomplete '"status": "incomplete"' int.raw.manifest.json
expect_eq interrupted_image_size_matches_manifest "$(stat -c %s int.raw)" "$(sed -n 's/^  "bytes": \([0-9]*\),$/\1/p' int.raw.manifest.json)"
