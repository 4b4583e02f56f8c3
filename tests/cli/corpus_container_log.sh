#!/usr/bin/env bash
# Container logs: plaso's CRI and Docker json-file samples against ORACLE_plaso_tests.json
# (counts and first entries), and a generated /var/log/pods layout (namespace/pod/container
# from the path, partial records, a bad line).
source "$(dirname "$0")/../lib.sh"
if [ -d "$CORPUS" ]; then
  P=$CORPUS/plaso/test_data
  O=$CORPUS/plaso/ORACLE_plaso_tests.json
  expect_rc plaso_cri_ingests 0 "$KS" ingest -q "$TMP/c" "$P/cri.log"
  expect_eq plaso_cri_count "$(q "$TMP/c" "SELECT count(*) FROM container_log")" \
    "$(jq -r '.[] | select(.test_data_path[-1]=="cri.log") | .expected_number_of_event_data' "$O")"
  expect_eq plaso_cri_first "$(q "$TMP/c" "SELECT partial||'|'||message||'|'||stream||'|'||time FROM container_log ORDER BY line LIMIT 1")" \
    "$(jq -r '.[] | select(.test_data_path[-1]=="cri.log") | .checks[0].expected_event_values | [(if .flags=="P" then 1 else 0 end), (.message_body|ltrimstr(" ")), .stream, (.written_time|sub("\\+00:00$";"Z"))] | map(tostring) | join("|")' "$O")"
  D=$P/docker/containers/e7d0b7ea5ccf08366e2b0c8afa2318674e8aefe802315378125d2bb83fe3110c
  expect_rc plaso_docker_ingests 0 "$KS" ingest -q "$TMP/d" "$D/container-json.log"
  expect_eq plaso_docker_count "$(q "$TMP/d" "SELECT count(*) FROM container_log")" \
    "$(jq -r '.[] | select(.test_data_path[-1]=="container-json.log") | .expected_number_of_event_data' "$O")"
  expect_eq plaso_docker_first "$("$KS" query "$TMP/d" "SELECT message, stream, time, container_id FROM container_log ORDER BY line LIMIT 1" --format jsonl | jq -c '[.message, .stream, .time, .container_id]')" \
    "$(head -1 "$D/container-json.log" | python3 -c '
import json, sys, datetime
d = json.loads(sys.stdin.read())
t = datetime.datetime.fromisoformat(d["time"].replace("Z", "+00:00")).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
print(json.dumps([d["log"], d["stream"], t, "e7d0b7ea5ccf08366e2b0c8afa2318674e8aefe802315378125d2bb83fe3110c"], separators=(",", ":")))')"
else
  skip corpus_present "no corpus at $CORPUS"
fi
L=$TMP/var/log/pods/prod_web-7d9f_0b1c2d3e-aaaa-bbbb-cccc-123456789abc/nginx
mkdir -p "$L"
python3 - "$L/0.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("2026-11-22T10:00:00.123456789Z stdout P first half of a long line \n")
    f.write("2026-11-22T10:00:00.123456790Z stdout F and its second half\n")
    f.write("2026-11-22T10:00:01+09:00 stderr F offset time\n")
    f.write("2026-11-22T10:00:02Z stdin F not a stream\n")
    f.write("2026-11-22T10:00:03Z stdout F\n")
PY
expect_rc pods_layout_ingest 3 "$KS" ingest -q "$TMP/p" -f container_log "$L/0.log"
expect_eq pods_layout_accounting "$(q "$TMP/p" "SELECT records||'/'||errors FROM evidence")" "4/1"
expect_eq pods_path_fields "$(q "$TMP/p" "SELECT DISTINCT namespace||'|'||pod||'|'||container FROM container_log")" "prod|web-7d9f|nginx"
expect_eq pods_partial_kept "$(q "$TMP/p" "SELECT group_concat(partial||':'||message, ';') FROM (SELECT * FROM container_log ORDER BY line LIMIT 2)")" \
  "1:first half of a long line ;0:and its second half"
expect_eq pods_offset_time "$(q "$TMP/p" "SELECT time FROM container_log WHERE line = 3")" "2026-11-22T01:00:01.000000000Z"
expect_eq pods_empty_message "$(q "$TMP/p" "SELECT '['||message||']' FROM container_log WHERE line = 5")" "[]"
expect_eq pods_event_mapping "$(q "$TMP/p" "SELECT host||'|'||target||'|'||account||'|'||action FROM events WHERE line = 3")" "web-7d9f|nginx|prod|stderr"
expect_eq pods_partial_joined_on_final_part "$(q "$TMP/p" "SELECT joined FROM container_log WHERE line = 2")" \
  "first half of a long line and its second half"
expect_eq pods_joined_is_event_message "$(q "$TMP/p" "SELECT message FROM events WHERE line = 2")" \
  "first half of a long line and its second half"
expect_eq pods_full_line_not_joined "$(q "$TMP/p" "SELECT count(*) FROM container_log WHERE joined IS NOT NULL")" 1
# Docker json-file splits lines over 16 KiB: a log without its final newline continues in the
# next record of the same stream (the stderr record between them belongs to another run).
D2=$TMP/docker/containers/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
mkdir -p "$D2"
python3 - "$D2/x-json.log" <<'PY'
import json, sys
recs = [("stdout", "A" * 16384), ("stderr", "err line\n"), ("stdout", "tail of A\n"), ("stdout", "short\n")]
with open(sys.argv[1], "w") as f:
    for i, (s, l) in enumerate(recs):
        f.write(json.dumps({"log": l, "stream": s, "time": "2026-11-22T10:00:0%d.000000001Z" % i}) + "\n")
PY
expect_rc docker_split_ingest 0 "$KS" ingest -q "$TMP/ds" "$D2/x-json.log"
expect_eq docker_split_partial_flags "$(q "$TMP/ds" "SELECT group_concat(partial, '') FROM (SELECT partial FROM container_log ORDER BY line)")" "1000"
expect_eq docker_split_joined_length "$(q "$TMP/ds" "SELECT length(joined) FROM container_log WHERE line = 3")" 16394
