#!/usr/bin/env bash
# Differential test of kanshiki's JSON reader (ks_jsplit + ks_json_parse, through
# tests/tools/jsoncanon) against jq, on every JSON sample in the corpus (incl. the zipped
# and gzipped CloudTrail deliveries) and on generated edge cases (tests/json_edge_cases.py).
# jq 1.6 holds numbers as doubles, so both sides print numbers as "%.17g" and sort keys.
# Files jq rejects must be rejected by us too; RFC-strict cases (where jq 1.6 is lenient)
# must be rejected by us. jsoncanon also checks that 1- and 7-byte reads give the same
# records, errors and offsets as one big read. Driver: tests/json_vs_jq.py.
source "$(dirname "$0")/../lib.sh"
CANON=$ROOT/build/asan/tools/jsoncanon
if ! command -v jq >/dev/null; then skip json_vs_jq "jq not installed"; exit 0; fi
if [ ! -x "$CANON" ]; then fail json_vs_jq "build/asan/tools/jsoncanon missing (make asan)"; exit 0; fi

list=$TMP/list
: > "$list"
n_corpus=0
while IFS= read -r -d '' f; do
  printf 'any\t%s\n' "$f" >> "$list"; n_corpus=$((n_corpus + 1))
done < <(find "$CORPUS" \( -name '*.json' -o -name '*.jsonl' -o -name '*.ndjson' \) -type f -print0 2>/dev/null | sort -z)
mkdir -p "$TMP/unz"
if [ -f "$CORPUS/cloudtrail2sightings/cloudtrail.zip" ]; then
  python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$CORPUS/cloudtrail2sightings/cloudtrail.zip" "$TMP/unz" 2>/dev/null || true
fi
while IFS= read -r -d '' gz; do
  zcat "$gz" > "$TMP/unz/$(basename "$gz" .gz)" 2>/dev/null || true
done < <(find "$CORPUS" -name '*.json.gz' -type f -print0 2>/dev/null)
while IFS= read -r -d '' f; do
  printf 'any\t%s\n' "$f" >> "$list"; n_corpus=$((n_corpus + 1))
done < <(find "$TMP/unz" -type f -name '*.json' -print0 | sort -z)

python3 "$ROOT/tests/json_edge_cases.py" "$TMP/edge"
for f in "$TMP"/edge/valid/*.json "$TMP"/edge/invalid/*.json; do printf 'any\t%s\n' "$f" >> "$list"; done
for f in "$TMP"/edge/strict/*.json; do printf 'strict\t%s\n' "$f" >> "$list"; done

python3 "$ROOT/tests/json_vs_jq.py" "$CANON" "$list" > "$TMP/result" 2>&1
summary=$(tail -n 1 "$TMP/result")
echo "json_vs_jq: $n_corpus corpus files; $summary"
expect_grep corpus_and_edge_cases_agree_with_jq ' 0 mismatches$' "$TMP/result"
grep '^MISMATCH' "$TMP/result" | head -n 10 | sed 's/^/    /'
[ "$n_corpus" -gt 100 ] && pass corpus_has_over_100_json_files || fail corpus_has_over_100_json_files "only $n_corpus under $CORPUS"
