#!/usr/bin/env bash
# Hostile and damaged evidence: every problem is named with its file and position, the rest
# of the input is still ingested, and the counts show what could not be read.
source "$(dirname "$0")/../lib.sh"

EV=$TMP/ev; mkdir -p "$EV"
gen() { python3 - "$@" <<'PY'
import json, sys, gzip, os
out = sys.argv[1]
def rec(i, name="DescribeInstances"):
    return {"eventVersion":"1.08","eventTime":"2026-11-21T00:%02d:%02dZ" % (i // 60 % 60, i % 60),"eventSource":"ec2.amazonaws.com",
            "eventName":name,"awsRegion":"us-east-1","sourceIPAddress":"198.51.100.%d" % (i % 250),
            "userAgent":"aws-cli","userIdentity":{"type":"IAMUser","userName":"u%d" % i}}
# 1. a Records array with one broken record in the middle
s = json.dumps({"Records":[rec(i) for i in range(5)]})
parts = s.split('{"eventVersion"')
parts[3] = parts[3].replace('"eventSource":', '"eventSource" ', 1)  # record 2 loses a colon
open(os.path.join(out, "broken-record.json"), "w").write('{"eventVersion"'.join(parts))
# 2. a truncated gzip: 300 records, cut in the middle of the compressed stream
data = gzip.compress(json.dumps({"Records":[rec(i) for i in range(300)]}).encode(), mtime=0)
open(os.path.join(out, "truncated.json.gz"), "wb").write(data[: len(data) * 2 // 3])
# 3. invalid JSON (JSON lines with one garbage line)
with open(os.path.join(out, "lines.jsonl"), "w") as f:
    f.write(json.dumps(rec(1)) + "\n" + '{"eventVersion":"1.08", this is not json}\n' + json.dumps(rec(2)) + "\n")
# 4. not UTF-8: Latin-1 bytes inside a string
b = json.dumps(rec(7)).encode().replace(b'"u7"', b'"caf\xe9"')
open(os.path.join(out, "latin1.json"), "wb").write(b + b"\n")
# 5. an empty file
open(os.path.join(out, "empty.json"), "wb").close()
# 6. a record whose single line is 100 MB long
r = rec(9); r["requestParameters"] = {"blob": "A" * (100 * 1024 * 1024)}
with open(os.path.join(out, "huge-line.json"), "w") as f:
    f.write(json.dumps(r) + "\n" + json.dumps(rec(10)) + "\n")
# 7. a file that is not evidence at all
open(os.path.join(out, "notes.txt"), "w").write("analyst notes, not a log\n")
PY
}
gen "$EV"
mkdir -p "$EV/loop/a"; ln -s .. "$EV/loop/a/up"; ln -s "$EV/loop" "$EV/loop/a/again"
C=$TMP/case
before=$(find "$EV" -type f -print0 | sort -z | xargs -0 sha256sum; cd "$EV" && find . -type f -print0 | sort -z | xargs -0 stat -c '%n %s %Y %X')
expect_rc ingest_damaged_exits_3 3 "$KS" ingest "$C" "$EV" --follow-symlinks
cp "$TMP/.out" "$TMP/msgs.txt"
f() { q "$C" "SELECT $1 FROM evidence WHERE path LIKE '%/$2'"; }
# broken record: 4 good ones, 1 error record with file and offset
expect_eq broken_record_others_ingested "$(f records broken-record.json)|$(f errors broken-record.json)" "4|1"
expect_eq broken_record_error_has_offset "$(q "$C" "SELECT offset > 0 FROM events WHERE error IS NOT NULL AND file LIKE '%broken-record.json'")" "1"
expect_grep broken_record_message_names_file_and_offset "broken-record.json:1: offset [0-9]+:" "$TMP/msgs.txt"
# truncated gzip: everything before the damage is kept, and the file is marked partial
n_trunc=$(f records truncated.json.gz)
zrec=$( (zcat "$EV/truncated.json.gz" 2>/dev/null || true) | grep -o '"eventVersion"' | wc -l)
if [ "$n_trunc" -gt 0 ] && [ "$n_trunc" -ge $((zrec - 1)) ] && [ "$n_trunc" -lt 300 ]; then pass truncated_gzip_keeps_prefix; else fail truncated_gzip_keeps_prefix "records=$n_trunc zcat-visible=$zrec"; fi
expect_eq truncated_gzip_marked_partial "$(f status truncated.json.gz)" "partial"
expect_grep truncated_gzip_message_names_file_and_offset "truncated.json.gz.*offset [0-9]+" "$TMP/msgs.txt"
# invalid JSON line: the lines around it are ingested, the bad one kept as an error with its line
expect_eq jsonl_bad_line_counts "$(f records lines.jsonl)|$(f errors lines.jsonl)" "2|1"
expect_eq jsonl_bad_line_number "$(q "$C" "SELECT line FROM events WHERE error IS NOT NULL AND file LIKE '%lines.jsonl'")" "2"
expect_eq jsonl_bad_line_raw_kept "$(q "$C" "SELECT raw LIKE '%this is not json%' FROM events WHERE error IS NOT NULL AND file LIKE '%lines.jsonl'")" "1"
# not UTF-8: the record is still ingested (raw bytes kept)
expect_eq latin1_record_ingested "$(f records latin1.json)" "1"
# empty file: recorded as empty, no records
expect_eq empty_file_recorded "$(f status empty.json)|$(f records empty.json)" "empty|0"
# 100 MB line: parsed, and the next line too
expect_eq huge_line_and_next_ingested "$(f records huge-line.json)" "2"
# unrecognised file: skipped and said so
expect_eq unrecognised_file_recorded "$(f status notes.txt)" "unrecognised"
expect_grep unrecognised_file_reported "notes.txt: format not recognised" "$TMP/msgs.txt"
# symlink loop: reported, the walk finished
expect_grep directory_loop_reported "loop" "$TMP/msgs.txt"
# the counts in info add up
"$KS" info "$C" --format json > "$TMP/info.json"
expect_eq info_errors_total "$(jq '[.sources[].errors] | add' "$TMP/info.json")" "$(q "$C" "SELECT count(*) FROM events WHERE error IS NOT NULL")"
# evidence untouched
after=$(find "$EV" -type f -print0 | sort -z | xargs -0 sha256sum; cd "$EV" && find . -type f -print0 | sort -z | xargs -0 stat -c '%n %s %Y %X')
expect_eq evidence_content_and_times_unchanged "$after" "$before"
