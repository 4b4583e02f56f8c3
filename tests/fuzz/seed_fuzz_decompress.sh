#!/usr/bin/env bash
# Seeds for fuzz_decompress, made with the real tools (nothing committed): small gzip, zstd,
# bzip2, xz, lzma, zip and tar files, nested ones, and multi-stream ones.
# Usage: bash tests/fuzz/seed_fuzz_decompress.sh [outdir]   (default build/fuzz/corpus/fuzz_decompress)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build/fuzz/corpus/fuzz_decompress}
mkdir -p "$out"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
printf '{"eventTime":"2024-01-01T00:00:00Z","eventName":"GetObject"}\n%.0s' 1 2 3 > "$t/a.json"
printf 'line one\nline two\n' > "$t/b.log"
gzip -c "$t/a.json" > "$out/a.gz"
{ gzip -c "$t/a.json"; gzip -c "$t/b.log"; } > "$out/multi.gz"
zstd -q -c "$t/a.json" > "$out/a.zst"
bzip2 -c "$t/a.json" > "$out/a.bz2"
xz -c "$t/a.json" > "$out/a.xz"
xz --format=lzma -c "$t/a.json" > "$out/a.lzma"
gzip -c "$t/b.log" > "$t/b.log.gz"
out_abs=$(cd "$out" && pwd)
(cd "$t" && zip -q "$out_abs/x.zip" a.json b.log.gz && tar cf "$out_abs/x.tar" a.json b.log.gz &&
  tar czf "$out_abs/x.tgz" a.json b.log.gz && zip -q "$t/in.zip" a.json &&
  tar cf "$out_abs/nested.tar" in.zip)
(cd "$t" && tar cjf "$out_abs/x.tbz2" a.json && tar cJf "$out_abs/x.txz" a.json &&
  tar --zstd -cf "$out_abs/x.tzst" a.json && zip -q -P pw "$out_abs/enc.zip" a.json)
{ gzip -c "$t/a.json"; printf 'trailing'; } > "$out/trailing.gz"
head -c 40 "$out/a.xz" > "$out/cut.xz"
