#!/usr/bin/env bash
# Web logs: ingest of gzip'd ALB + nginx access logs vs `zcat FILES > /dev/null`, and 4xx
# per client IP via `kanshiki query` vs `zcat | awk` on the same files (counts must agree).
#   BENCH_LINES (default 300000) lines of each kind, generated once into build/bench/web-N/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KS=$ROOT/build/kanshiki
N=${BENCH_LINES:-300000}
D=$ROOT/build/bench/web-$N
W=$(mktemp -d "${TMPDIR:-/tmp}/ks-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
if [ ! -f "$D/.done" ]; then
  rm -rf "$D"; python3 "$ROOT/scripts/gen-webbench.py" "$D" --lines "$N" && touch "$D/.done"
fi
files=("$D"/*.log.gz)
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); printf "%.3f" "$(echo "$e - $s" | bc -l)"; }
cat "${files[@]}" > /dev/null
printf 'input: %d ALB + %d nginx lines, %d files, %.1f MB gzip\n' "$N" "$N" "${#files[@]}" \
  "$(echo "$(du -cb "${files[@]}" | tail -1 | cut -f1)/1000000" | bc -l)"
# The machine's noise (page-cache and first-touch costs vary from run to run) is reduced by
# alternating the two and taking the median of BENCH_RUNS (default 3) runs of each.
RUNS=${BENCH_RUNS:-3}
zs=(); is=()
for ((r = 0; r < RUNS; r++)); do
  zs+=("$(secs sh -c "zcat $D/*.log.gz > /dev/null")")
  rm -rf "$W/case"
  is+=("$(secs "$KS" ingest -q "$W/case" "$D")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
t_zcat=$(median "${zs[@]}")
t_ingest=$(median "${is[@]}")
printf 'runs (zcat / ingest, s):  %s / %s\n' "${zs[*]}" "${is[*]}"
printf 'zcat FILES > /dev/null:   %8.2f s   (median of %d)\n' "$t_zcat" "$RUNS"
printf 'kanshiki ingest:          %8.2f s   (%.0f lines/s)   ratio ingest/zcat = %.2f  (target <= 3)\n' \
  "$t_ingest" "$(echo "2*$N/$t_ingest" | bc -l)" "$(echo "$t_ingest/$t_zcat" | bc -l)"

# 4xx per client IP across both sources
SQL="SELECT ip, count(*) n FROM (SELECT client_ip ip FROM alb WHERE elb_status_code BETWEEN 400 AND 499
     UNION ALL SELECT client_ip FROM web_access WHERE status BETWEEN 400 AND 499) GROUP BY ip ORDER BY n DESC, ip"
AWK='FILENAME ~ /alb-/ || /^https /{ split($4, a, ":"); if ($9 >= 400 && $9 < 500) c[a[1]]++; next }
     { if ($9 >= 400 && $9 < 500) c[$1]++ }
     END { for (k in c) print k "," c[k] }'
t_awk=$(secs sh -c "zcat $D/*.log.gz | awk '$AWK'")
t_q=$(secs "$KS" query "$W/case" "$SQL" --format csv --no-header)
printf 'zcat | awk 4xx per IP:    %8.2f s\n' "$t_awk"
printf 'kanshiki query:           %8.2f s   ratio query/awk = %.3f\n' "$t_q" "$(echo "$t_q/$t_awk" | bc -l)"
printf 'kanshiki ingest + query:  %8.2f s   ratio (ingest+query)/awk = %.2f\n' \
  "$(echo "$t_ingest+$t_q" | bc -l)" "$(echo "($t_ingest+$t_q)/$t_awk" | bc -l)"
a=$(zcat "$D"/*.log.gz | awk "$AWK" | sort -t, -k1,1 | md5sum)
k=$("$KS" query "$W/case" "$SQL" --format csv --no-header | sort -t, -k1,1 | md5sum)
[ "$a" = "$k" ] && echo "4xx per IP: kanshiki and awk agree" || { echo "MISMATCH between kanshiki and awk"; exit 1; }
