# tests/lib.sh — sourced by every tests/cli/*.sh and tests/e2e/*.sh script.
# A check prints "PASS <script>.<name>" or "FAIL <script>.<name>: why"; tests/run.sh counts them.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KS=${KS:-$ROOT/build/asan/kanshiki}
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
T_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ks-$T_NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TZ=UTC

pass() { echo "PASS $T_NAME.$1"; }
fail() { echo "FAIL $T_NAME.$1: ${2:-}"; }

# check NAME COMMAND... : passes when the command exits 0
check() {
  local name=$1; shift
  if "$@" >"$TMP/.out" 2>&1; then pass "$name"; else fail "$name" "$(head -c 600 "$TMP/.out")"; fi
}
# expect_eq NAME ACTUAL EXPECTED
expect_eq() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "got [$(printf '%s' "$2" | head -c 400)] expected [$(printf '%s' "$3" | head -c 400)]"; fi
}
# expect_rc NAME EXPECTED_RC COMMAND... : stdout+stderr kept in $TMP/.out
expect_rc() {
  local name=$1 want=$2; shift 2
  "$@" >"$TMP/.out" 2>&1; local rc=$?
  if [ "$rc" == "$want" ]; then pass "$name"; else fail "$name" "exit $rc, expected $want: $(head -c 600 "$TMP/.out")"; fi
}
# expect_grep NAME PATTERN FILE
expect_grep() {
  if grep -qE -- "$2" "$3"; then pass "$1"; else fail "$1" "no line matching /$2/ in $(basename "$3"): $(head -c 400 "$3")"; fi
}
# skip NAME WHY : a check that cannot run here is reported, never silently dropped
skip() { echo "SKIP $T_NAME.$1: $2"; }
# q CASE SQL : the first column of each result row, unquoted (through the product's own
# read-only query command; JSON lines decoded by jq so commas and quotes need no care)
q() { "$KS" query "$1" "$2" --format jsonl | jq -r 'to_entries[0].value | if . == null then "" else tostring end'; }
