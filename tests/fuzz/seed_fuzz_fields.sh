#!/usr/bin/env bash
# Seeds for fuzz_fields: one line per file from fuzz_textlogs' ALB, NLB, Classic and S3
# seeds (quotes, escapes, [brackets]), and processing times as the logs write them plus
# forms only strtod reads (exponent, hex, inf, long mantissa).
set -eu
out=${1:?usage: seed_fuzz_fields.sh OUTDIR}
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
k=0
for f in alb.log nlb.log clb.log s3access.log escapes.log; do
  [ -f "$here/corpus/fuzz_textlogs/$f" ] || continue
  while IFS= read -r line; do
    k=$((k + 1)); printf '%s' "$line" > "$out/line-$k"
  done < <(head -n 3 "$here/corpus/fuzz_textlogs/$f")
done
printf '0.000 0.001 -1 12.5 0.30000000000000004 9007199254740993 00.0100 -0' > "$out/decimals"
printf '1e5 0x1p3 inf -nan .5 5. +1 1.2.3 123456789012345678901234 0.1234567890123456789012345' > "$out/strtod-only"
