#!/usr/bin/env bash
# bench/acquire.sh — acquisition and verification throughput against the peer tools.
#   bash bench/acquire.sh [SIZE_MIB]      (default 4096: the issue asks for >= 4 GiB)
# The source is a file in the page cache (it is read once before timing), so this measures
# the hashing/copying pipeline, not the disk. Outputs go to the same directory and are
# removed between runs. Prints each time and the ratios the issue sets targets for:
#   acquire (MD5+SHA-1+SHA-256, raw)  <= dc3dd with the same hashes     (ratio <= 1.0)
#   acquire                           <= 1.5 x sha256sum alone
#   verify                            <= 1.2 x sha256sum
# plus the throughput of acquiring into a zstd seekable image.
# Needs: build/kanshiki (make), dc3dd, sha256sum. Not part of `make check`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KS=${KS:-$ROOT/build/kanshiki}
MIB=${1:-4096}
DIR=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ks-bench.XXXXXX")}
trap 'rm -rf "$DIR"' EXIT
[ -x "$KS" ] || { echo "build first: make" >&2; exit 1; }
command -v dc3dd >/dev/null || { echo "dc3dd missing (apt-get install dc3dd)" >&2; exit 1; }

SRC=$DIR/src.bin
echo "making a ${MIB} MiB source (incompressible half, zeros half) in $DIR ..."
head -c $((MIB / 2))M /dev/urandom > "$SRC"
head -c $((MIB - MIB / 2))M /dev/zero >> "$SRC"
cat "$SRC" > /dev/null # into the page cache

now() { date +%s.%N; }
timeit() { # label command... ; prints seconds
  local t0 t1
  sync
  t0=$(now); "$@" > "$DIR/.out" 2>&1 || { echo "$1 failed:"; cat "$DIR/.out"; exit 1; }; t1=$(now)
  echo "$t1 - $t0" | bc -l
}
best() { # runs N=2 times, keeps the faster (less noise from the shared machine)
  local a b
  a=$(timeit "$@"); cleanup; b=$(timeit "$@"); cleanup
  if (( $(echo "$a < $b" | bc -l) )); then echo "$a"; else echo "$b"; fi
}
cleanup() { chmod -R u+w "$DIR" 2>/dev/null || true; rm -f "$DIR"/img* "$DIR"/dc3dd.*; }

t_sha=$(best sha256sum "$SRC")
t_ks=$(best "$KS" acquire "$SRC" -o "$DIR/img.raw" --no-sync -q)
t_dc=$(best dc3dd if="$SRC" of="$DIR/dc3dd.raw" hash=md5 hash=sha1 hash=sha256 log="$DIR/dc3dd.log")
t_zs=$(best "$KS" acquire "$SRC" -o "$DIR/img.zst" --no-sync -q)
"$KS" acquire "$SRC" -o "$DIR/img.raw" --no-sync -q > /dev/null
t_ver=$(timeit "$KS" verify "$DIR/img.raw")
t_ver2=$(timeit "$KS" verify "$DIR/img.raw")
if (( $(echo "$t_ver2 < $t_ver" | bc -l) )); then t_ver=$t_ver2; fi
cleanup

mbps() { echo "scale=0; $MIB / $1" | bc -l; }
printf '\n%-44s %8s %10s\n' "run (${MIB} MiB, page cache)" seconds "MiB/s"
printf '%-44s %8.2f %10s\n' "sha256sum" "$t_sha" "$(mbps "$t_sha")"
printf '%-44s %8.2f %10s\n' "dc3dd hash=md5,sha1,sha256 (raw copy)" "$t_dc" "$(mbps "$t_dc")"
printf '%-44s %8.2f %10s\n' "kanshiki acquire (md5+sha1+sha256, raw)" "$t_ks" "$(mbps "$t_ks")"
printf '%-44s %8.2f %10s\n' "kanshiki acquire (zstd seekable, level 3)" "$t_zs" "$(mbps "$t_zs")"
printf '%-44s %8.2f %10s\n' "kanshiki verify (raw image, 3 hashes)" "$t_ver" "$(mbps "$t_ver")"
r1=$(echo "scale=2; $t_ks / $t_dc" | bc -l)
r2=$(echo "scale=2; $t_ks / $t_sha" | bc -l)
r3=$(echo "scale=2; $t_ver / $t_sha" | bc -l)
echo
echo "acquire / dc3dd      = $r1  (target <= 1.0)  $( (( $(echo "$r1 <= 1.0" | bc -l) )) && echo met || echo MISSED)"
echo "acquire / sha256sum  = $r2  (target <= 1.5)  $( (( $(echo "$r2 <= 1.5" | bc -l) )) && echo met || echo MISSED)"
echo "verify  / sha256sum  = $r3  (target <= 1.2)  $( (( $(echo "$r3 <= 1.2" | bc -l) )) && echo met || echo MISSED)"
