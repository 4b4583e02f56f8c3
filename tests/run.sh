#!/usr/bin/env bash
# Runs every test: the unit binary, then each tests/cli/*.sh and tests/e2e/*.sh script.
# Last line: "N passed, N failed[, N skipped]". Exit status 1 when anything failed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LOG=build/test-log.txt
: > "$LOG"
filter=${1:-}
run_one() { # label command...
  local label=$1; shift
  local out rc
  out=$("$@" 2>&1); rc=$?
  printf '%s\n' "$out" >> "$LOG"
  printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP) ' || true
  if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL '; then
    echo "FAIL $label: exited $rc without reporting a failed check"
    printf '%s\n' "$out" | tail -n 20 | sed 's/^/    /'
  fi
  printf '%s\n' "$out" | grep -E '^    ' | head -n 40 || true
}
{
  if [ -z "$filter" ] || [ "$filter" = unit ]; then
    run_one unit build/asan/ks_unit
  fi
  for t in tests/cli/*.sh tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    case "$t" in *"$filter"*) ;; *) continue ;; esac
    run_one "$(basename "$t" .sh)" bash "$t"
  done
} | tee build/test-results.txt
passed=$(grep -c '^PASS ' build/test-results.txt)
failed=$(grep -c '^FAIL ' build/test-results.txt)
skipped=$(grep -c '^SKIP ' build/test-results.txt)
echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
