#!/usr/bin/env bash
# JSON reader benchmark: generates ~200 MB of CloudTrail-like JSON Lines (cached in
# build/bench/), builds bench/json_bench.c against the library sources and Debian's
# libjansson, and prints MB/s for ks_jsplit, ks_json_parse and jansson's json_loadb on the
# same records, plus the ratio. Called by bench/run.sh; not part of `make check`.
# Env: JSON_BENCH_MB (default 200).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MB=${JSON_BENCH_MB:-200}
mkdir -p build/bench
data=build/bench/cloudtrail-${MB}mb.jsonl
if [ ! -s "$data" ]; then
  echo "json bench: generating $data ..."
  python3 bench/gen_cloudtrail.py "$data.tmp" "$MB"
  mv "$data.tmp" "$data"
fi
CC=${CC:-gcc}
"$CC" -std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wno-format-truncation -Wno-unused-parameter -Isrc $(pkg-config --cflags jansson 2>/dev/null) \
  -o build/bench/json_bench bench/json_bench.c src/core/json.c src/core/json_split.c src/core/io.c \
  src/core/buf.c src/core/err.c $(pkg-config --libs jansson 2>/dev/null || echo -ljansson) -lpthread -lm
echo "== JSON reader vs jansson ($(du -m "$data" | cut -f1) MB CloudTrail-like JSON Lines)"
build/bench/json_bench "$data"
