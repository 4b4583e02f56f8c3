#!/usr/bin/env bash
# Hunting at scale: the SigmaHQ cloudtrail, webserver and linux rule sets over BENCH_RECORDS
# (default 1,000,000) normalized records — half CloudTrail (gen-cloudtrail.py bulk), half web
# access logs (gen-webbench.py: ALB + nginx) — printing records/s and the time per rule set;
# then the built-in analyzers (run by `kanshiki report` on an ingested case) at a quarter, a
# half and all of the records, to show they scale linearly.
# The linux rules need host tables (syslog, auditd); on a case without them they load and are
# reported not applicable, so their time is the engine's fixed cost.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KS=$ROOT/build/kanshiki
N=${BENCH_RECORDS:-1000000}
SIGMA=${SIGMA_RULES:-$ROOT/../shared/corpus/sigma/rules}
D=$ROOT/build/bench/hunt-$N
W=$(mktemp -d "${TMPDIR:-/tmp}/ks-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
[ -d "$SIGMA" ] || { echo "SigmaHQ rules not found at $SIGMA (set SIGMA_RULES)"; exit 1; }
if [ ! -f "$D/.done" ]; then
  rm -rf "$D"
  python3 "$ROOT/scripts/gen-cloudtrail.py" bulk "$D/ct" --records $((N / 2)) >/dev/null
  python3 "$ROOT/scripts/gen-webbench.py" "$D/web" --lines $((N / 4)) >/dev/null
  touch "$D/.done"
fi
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

# cases with a quarter, a half and all of the records (every k-th file of each kind)
ct=("$D"/ct/*.json.gz); alb=("$D"/web/alb-*.log.gz); ngx=("$D"/web/nginx-*.log.gz)
subset() { # FRACTION_DENOMINATOR -> file list on stdout
  local den=$1 i
  for ((i = 0; i < ${#ct[@]} / den; i++)); do echo "${ct[$i]}"; done
  for ((i = 0; i < ${#alb[@]} / den; i++)); do echo "${alb[$i]}" "${ngx[$i]}"; done
}
for den in 4 2 1; do
  mapfile -t files < <(subset $den | tr ' ' '\n')
  "$KS" ingest -q "$W/case$den" "${files[@]}" >/dev/null 2>&1
done
rec() { "$KS" query "$1" "SELECT count(*) FROM events" --format csv --no-header; }
n_all=$(rec "$W/case1")
printf 'input: %d normalized records (%d CloudTrail files, %d web files)\n' "$n_all" "${#ct[@]}" \
  $(( ${#alb[@]} + ${#ngx[@]} ))

for set in "cloudtrail:$SIGMA/cloud/aws/cloudtrail" "webserver:$SIGMA/web/webserver_generic" "linux:$SIGMA/linux"; do
  name=${set%%:*}; dir=${set#*:}
  [ -d "$dir" ] || { echo "$name: $dir missing"; continue; }
  t=$(secs "$KS" hunt "$W/case1" --rules "$dir" --format jsonl)
  nrules=$(find "$dir" -name '*.yml' | wc -l)
  summary=$("$KS" hunt "$W/case1" --rules "$dir" --format jsonl 2>&1 >/dev/null | grep -E '^rule set' | head -n1 |
            sed -E 's/.*; ([0-9]+) applicable.*; ([0-9]+) matched \(([0-9]+) hits\).*/\1 applicable, \2 matched, \3 hits/')
  printf 'hunt %-10s %4d rules: %8.2f s   %10.0f records/s   (%s)\n' "$name" "$nrules" "$t" \
    "$(echo "$n_all/$t" | bc -l)" "$summary"
done

echo "built-in analyzers (kanshiki report --format json on an ingested case):"
base=
for den in 4 2 1; do
  n=$(rec "$W/case$den")
  t=$(secs "$KS" report "$W/case$den" --format json -o "$W/r$den.json")
  [ -n "$base" ] || base=$(echo "$t/$n" | bc -l)
  printf '  %9d records: %8.2f s   %10.0f records/s   time per record vs the smallest case: %.2f\n' \
    "$n" "$t" "$(echo "$n/$t" | bc -l)" "$(echo "($t/$n)/$base" | bc -l)"
done
