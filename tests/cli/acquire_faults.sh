#!/usr/bin/env bash
# acquire over a failing device: unreadable sectors are retried, zero-filled, recorded.
# This machine has no device-mapper (so no dm `error` target over a loop device); the
# reader's fault-injection hook, honoured only by the ASan test build, stands in:
# KANSHIKI_TEST_BAD_RANGES=OFF+LEN,... makes reads touching those bytes fail with EIO, and
# KANSHIKI_TEST_FLAKY_READS=N makes the first N reads fail once (retries must absorb them).
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
head -c 1048576 /dev/urandom > disk.bin

if dmsetup version >/dev/null 2>&1 && losetup -f >/dev/null 2>&1; then
  LOOP=$(losetup -f --show disk.bin)
  # sectors 1000..1007 (512000..516095) error, the rest linear
  printf '0 1000 linear %s 0\n1000 8 error\n1008 1040 linear %s 1008\n' "$LOOP" "$LOOP" | dmsetup create ks-test-err
  expect_rc dm_error_target_acquire_exits_3 3 "$KS" acquire /dev/mapper/ks-test-err -o dm.raw --retries 1
  expect_grep dm_error_target_bad_range_recorded '"offset": 512000, "length": 4096' dm.raw.manifest.json
  dmsetup remove ks-test-err; losetup -d "$LOOP"
else
  skip dm_error_target_acquire "device-mapper not available here (no /dev/mapper/control); using the reader's test hook"
fi

# a real block device (a loop device over the file) where the machine allows it
if LOOPDEV=$(losetup -f --show -r disk.bin 2>/dev/null); then
  trap 'losetup -d "$LOOPDEV" 2>/dev/null; rm -rf "$TMP"' EXIT
  expect_rc block_device_acquire_exits_0 0 "$KS" acquire "$LOOPDEV" -o loop.raw
  expect_grep block_device_kind_recorded '"kind": "block-device"' loop.raw.manifest.json
  expect_grep block_device_size_from_ioctl '"size": 1048576' loop.raw.manifest.json
  expect_eq block_device_image_matches "$(cmp disk.bin loop.raw && echo same)" same
  losetup -d "$LOOPDEV"
else
  skip block_device_acquire "no loop devices here"
fi

# two bad stretches: 4096 bytes at 100000 (spanning sectors 195..203), and 512 at 700000
export KANSHIKI_TEST_BAD_RANGES=100000+4096,700000+1
expect_rc bad_sectors_acquire_exits_3 3 "$KS" acquire disk.bin -o bad.raw --retries 1 --chunk-size 64K
unset KANSHIKI_TEST_BAD_RANGES
expect_grep bad_sectors_warned_on_stderr "bad range at offset 99840, 4608 bytes" "$TMP/.out"
expect_grep bad_range_1_recorded_sector_aligned '"offset": 99840, "length": 4608' bad.raw.manifest.json
expect_grep bad_range_2_recorded_one_sector '"offset": 699904, "length": 512' bad.raw.manifest.json
expect_grep bad_ranges_listed_in_errors 'unreadable: 4608 bytes zero-filled' bad.raw.manifest.json
expect_eq image_keeps_full_size_despite_bad_sectors "$(stat -c %s bad.raw)" 1048576
expect_eq bad_range_is_zero_filled "$(dd if=bad.raw bs=512 skip=195 count=9 2>/dev/null | tr -d '\0' | wc -c)" 0
expect_eq good_bytes_before_bad_range_are_copied "$(cmp -n 99840 disk.bin bad.raw && echo same)" same
expect_eq good_bytes_between_bad_ranges_are_copied "$(cmp -i 104448 -n 595456 disk.bin bad.raw && echo same)" same
# the hashes describe the image as written (zeros included), so verify passes on it
expect_rc image_with_zero_filled_ranges_verifies 0 "$KS" verify bad.raw
expect_grep bad_sector_manifest_status_complete_with_errors '"status": "complete"' bad.raw.manifest.json

KANSHIKI_TEST_FLAKY_READS=2 "$KS" acquire disk.bin -o flaky.raw --retries 2 > "$TMP/.out" 2>&1; rc=$?
expect_eq transient_read_errors_are_retried_away "$rc" 0
expect_eq retried_image_matches_source "$(cmp disk.bin flaky.raw && echo same)" same
expect_grep retried_image_has_no_bad_ranges '"bad_ranges": \[\]' flaky.raw.manifest.json
