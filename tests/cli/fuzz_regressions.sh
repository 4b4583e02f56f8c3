#!/usr/bin/env bash
# Replays each fuzz harness's seed corpus and every kept crash reproducer
# (tests/fuzz/regressions/fuzz_NAME/*) through the harness built as a plain ASan program
# (build/asan/replay/fuzz_NAME), so fixed bugs stay fixed without libFuzzer.
source "$(dirname "$0")/../lib.sh"
for bin in "$ROOT"/build/asan/replay/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  for d in "$ROOT/tests/fuzz/corpus/$name" "$ROOT/tests/fuzz/regressions/$name"; do
    [ -d "$d" ] || continue
    files=("$d"/*)
    [ -e "${files[0]}" ] || continue
    check "replay_${name}_$(basename "$d")" "$bin" "${files[@]}"
  done
done
exit 0
