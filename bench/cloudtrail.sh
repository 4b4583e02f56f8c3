#!/usr/bin/env bash
# CloudTrail ingest vs zcat, and "find RunInstances" vs zcat | jq, on the same gzip'd files.
#   BENCH_RECORDS (default 500000) records, generated once into build/bench/cloudtrail-N/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KS=$ROOT/build/kanshiki
N=${BENCH_RECORDS:-500000}
D=$ROOT/build/bench/cloudtrail-$N
W=$(mktemp -d "${TMPDIR:-/tmp}/ks-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
if [ ! -f "$D/.done" ]; then
  rm -rf "$D"; python3 "$ROOT/scripts/gen-cloudtrail.py" bulk "$D" --records "$N" >/dev/null && touch "$D/.done"
fi
files=("$D"/*.json.gz)
gz=$(du -cb "${files[@]}" | tail -1 | cut -f1)
raw=$(cat "${files[@]}" | gzip -dc | wc -c)
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); printf "%.3f" "$(echo "$e - $s" | bc -l)"; }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
cat "${files[@]}" > /dev/null   # warm the page cache
printf 'input: %d records, %d files, %.1f MB gzip, %.1f MB JSON\n' "$N" "${#files[@]}" \
  "$(echo "$gz/1000000" | bc -l)" "$(echo "$raw/1000000" | bc -l)"

# The machine's noise (page-cache and first-touch costs vary from run to run) is reduced by
# alternating the two and taking the median of BENCH_RUNS (default 3) runs of each.
RUNS=${BENCH_RUNS:-3}
zs=(); is=()
for ((r = 0; r < RUNS; r++)); do
  zs+=("$(secs sh -c "zcat ${D}/*.json.gz > /dev/null")")
  rm -rf "$W/case"
  is+=("$(secs "$KS" ingest -q "$W/case" "$D")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
t_zcat=$(median "${zs[@]}")
t_ingest=$(median "${is[@]}")
peak=$(rm -rf "$W/case2" && rss "$KS" ingest -q "$W/case2" "$D")
# Memory must not grow with the input: ingest a tenth of the files too and compare peaks.
tenth=(); for ((i = 0; i < ${#files[@]}; i += 10)); do tenth+=("${files[$i]}"); done
peak_small=$(rss "$KS" ingest -q "$W/case3" "${tenth[@]}")
printf 'runs (zcat / ingest, s):       %s / %s\n' "${zs[*]}" "${is[*]}"
printf 'zcat FILES > /dev/null:        %8.2f s   (median of %d)\n' "$t_zcat" "$RUNS"
printf 'kanshiki ingest:               %8.2f s   (%.0f records/s)   ratio ingest/zcat = %.2f  (target <= 3)\n' \
  "$t_ingest" "$(echo "$N/$t_ingest" | bc -l)" "$(echo "$t_ingest/$t_zcat" | bc -l)"
printf 'peak RSS of ingest:            %8d KiB   (a tenth of the input: %d KiB; bounded: 8 MiB of page cache per database file)\n' "$peak" "$peak_small"

t_jq=$(secs sh -c "zcat ${D}/*.json.gz | jq -c '.Records[] | select(.eventName==\"RunInstances\")' | wc -l")
t_q=$(secs "$KS" query "$W/case" "SELECT * FROM cloudtrail WHERE eventname='RunInstances'" --format jsonl)
n_jq=$(zcat "$D"/*.json.gz | jq -c '.Records[] | select(.eventName=="RunInstances")' | wc -l)
n_ks=$("$KS" query "$W/case" "SELECT count(*) FROM cloudtrail WHERE eventname='RunInstances'" --format csv --no-header)
printf 'zcat | jq select RunInstances: %8.2f s   (%s events)\n' "$t_jq" "$n_jq"
printf 'kanshiki query alone:          %8.2f s   (%s events)   ratio query/jq = %.3f\n' "$t_q" "$n_ks" "$(echo "$t_q/$t_jq" | bc -l)"
printf 'kanshiki ingest + query:       %8.2f s   ratio (ingest+query)/jq = %.2f  (target < 1)\n' \
  "$(echo "$t_ingest+$t_q" | bc -l)" "$(echo "($t_ingest+$t_q)/$t_jq" | bc -l)"
[ "$n_jq" = "$n_ks" ] || { echo "MISMATCH: jq found $n_jq, kanshiki $n_ks"; exit 1; }
