#!/usr/bin/env bash
# Runs each libFuzzer harness for N seconds on its seed corpus (tests/fuzz/corpus/<name>/,
# plus anything generated into build/fuzz/corpus/<name>/). Fails on the first crash.
set -euo pipefail
secs=${1:-60}
cd "$(dirname "$0")/../.."
status=0
# Harnesses whose seeds are generated (e.g. images made with real tools) have a seed script.
for seed in tests/fuzz/seed_*.sh; do
  [ -f "$seed" ] || continue
  # seed_fuzz_NAME.sh takes its output directory; seed_*.sh for several harnesses write
  # their own build/fuzz/corpus/<harness>/ directories.
  name=$(basename "$seed" .sh); name=${name#seed_}
  case "$name" in
    fuzz_*) mkdir -p "build/fuzz/corpus/$name"; args=("build/fuzz/corpus/$name") ;;
    *) args=() ;;
  esac
  bash "$seed" "${args[@]}" >/dev/null 2>&1 || echo "fuzz: seed script $seed failed (continuing)"
done
for bin in build/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  work=build/fuzz/corpus/$name
  mkdir -p "$work" build/fuzz/artifacts
  seeds=tests/fuzz/corpus/$name
  dirs=("$work"); [ -d "$seeds" ] && dirs+=("$seeds")
  echo "fuzz: $name for ${secs}s"
  if ! "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix=build/fuzz/artifacts/"$name"- -print_final_stats=0 "${dirs[@]}" \
       > "build/fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FAILED (see build/fuzz/$name.log)"; tail -n 30 "build/fuzz/$name.log"; status=1
  fi
done
exit $status
