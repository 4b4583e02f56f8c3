#!/usr/bin/env bash
# Replays the inputs that once crashed fuzz_decompress (tests/fuzz/crashes/fuzz_decompress/)
# through the ASan/UBSan walker: each must walk to the end without a sanitizer report.
source "$(dirname "$0")/../lib.sh"
WD=${WALKDUMP:-$ROOT/build/asan/tools/walkdump}
n=0
for f in "$ROOT"/tests/fuzz/crashes/fuzz_decompress/*; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  for c in 1 4096; do
    expect_rc "replay_$(basename "$f")_chunk$c" 0 timeout 30 "$WD" -m 1048576 -c "$c" "$f"
  done
done
[ "$n" -gt 0 ] || skip replay_crash_inputs "no reproducers stored"
