#!/usr/bin/env bash
# `investigate` on the generated example incident (web, host, cloud and database evidence from
# scripts/gen-incident.py): report.json's answers against the generator's ground_truth.json,
# every expected detection fired, no finding above low from benign activity, the findings saved
# in the case, `report` in each format, and the detection quality printed.
# Host files are parsed only once host parsers exist: host expectations are checked when
# `kanshiki help formats` lists them, and skipped with a message otherwise.
source "$(dirname "$0")/../lib.sh"

EV=$TMP/ev; C=$TMP/case
python3 "$ROOT/scripts/gen-incident.py" "$EV" >/dev/null
EVIDENCE=("$EV/AWSLogs" "$EV/web" "$EV/host" "$EV/db")
HOST_FLAG=
need_host=$(jq -r '.layers.host.parsers[]' "$EV/ground_truth.json")
missing=""
for p in $need_host; do
  "$KS" help formats | grep -qE "^  $p( |\$)" || missing="$missing $p"
done
if [ -z "$missing" ]; then HOST_FLAG=--host; else skip host_detections "host parsers not present:$missing"; fi
expect_rc investigate_exits_0 0 "$KS" investigate "${EVIDENCE[@]}" -o "$C" --tz Asia/Tokyo
cp "$TMP/.out" "$TMP/inv.txt"
expect_grep investigate_prints_summary "^findings: [0-9]+ critical" "$TMP/inv.txt"
expect_grep investigate_runs_default_sigma_rules "^sigma: .*rules, [1-9][0-9]* matches as findings" "$TMP/inv.txt"
expect_eq sigma_findings_in_report "$(jq '[.findings[] | select(.analyzer | startswith("sigma:"))] | length > 0' "$C/report.json")" "true"
expect_grep investigate_prints_first_event "^first attacker event: $(jq -r .first_attacker_event "$EV/ground_truth.json")" "$TMP/inv.txt"
for f in report.html report.json report.md; do
  check "writes_$f" test -s "$C/$f"
done
check report_json_is_json jq -e .findings "$C/report.json"
"$KS" query "$C" "SELECT id, src_ip, file, line FROM events" --format jsonl > "$TMP/events.jsonl"
python3 "$ROOT/tests/tools/check_report.py" "$C/report.json" "$EV/ground_truth.json" "$TMP/events.jsonl" $HOST_FLAG > "$TMP/check.txt"
while read -r verdict name rest; do
  case $verdict in
    ok) pass "$name" ;;
    bad) fail "$name" "$rest" ;;
  esac
done < "$TMP/check.txt"
grep '^detection quality' "$TMP/check.txt" | sed 's/^/    /'

# findings are in the case, with their entities and records
expect_eq findings_saved "$(q "$C" "SELECT count(*) FROM findings")" "$(jq '.findings|length' "$C/report.json")"
expect_eq finding_events_join_events "$(q "$C" "SELECT count(*) FROM finding_events fe LEFT JOIN events e ON e.id=fe.event_id WHERE e.id IS NULL")" "0"
if [ -n "$HOST_FLAG" ]; then
  # the miner's config.json: its wallet and pool are the finding's entities
  expect_eq miner_wallet_is_an_entity "$(q "$C" "SELECT count(*)>0 FROM finding_entities fe JOIN findings f ON f.id=fe.finding_id WHERE f.analyzer='host_miner_config' AND fe.value='$(jq -r .layers.host.wallet "$EV/ground_truth.json")'")" "1"
  expect_eq miner_pool_is_an_entity "$(q "$C" "SELECT count(*)>0 FROM finding_entities fe JOIN findings f ON f.id=fe.finding_id WHERE f.analyzer='host_miner_config' AND fe.kind='domain' AND fe.value='$(jq -r .layers.host.pool "$EV/ground_truth.json")'")" "1"
fi
expect_eq stolen_key_is_an_entity "$(q "$C" "SELECT count(*)>0 FROM finding_entities WHERE kind='access_key' AND value='$(jq -r .stolen_credential.access_key "$EV/ground_truth.json")'")" "1"
# web -> cloud is one chain (the attacker's address and the stolen role; host findings join it
# through the download address once host parsers exist); the database attack (the
# application's account, from the web server) is in a chain of its own
expect_eq web_and_cloud_in_one_chain "$(q "$C" "SELECT count(DISTINCT chain) FROM findings WHERE severity_rank >= 2 AND layer IN ('web','cloud')")" "1"
expect_eq web_and_cloud_in_first_chain "$(q "$C" "SELECT group_concat(DISTINCT layer) FROM (SELECT layer FROM findings WHERE chain = 1 AND layer IN ('web','cloud') ORDER BY layer)")" "cloud,web"
expect_eq database_attack_in_a_chain "$(q "$C" "SELECT count(*) FROM findings WHERE layer = 'database' AND severity_rank >= 2 AND chain = 0")" "0"
# report: each format, zone shown, same answers as investigate wrote
expect_rc report_json_exits_0 0 "$KS" report "$C" --format json -o "$TMP/r.json"
expect_eq report_json_same_findings "$(jq -c '[.findings[]|.title]' "$TMP/r.json")" "$(jq -c '[.findings[]|.title]' "$C/report.json")"
expect_rc report_md_exits_0 0 "$KS" report "$C" --format md --tz Asia/Tokyo -o "$TMP/r.md"
expect_grep report_md_has_zone_times "2026-11-21T22:07:31\+09:00" "$TMP/r.md"
expect_grep report_md_has_answers "^### What persistence was left behind" "$TMP/r.md"
expect_rc report_bad_format_is_usage 2 "$KS" report "$C" --format pdf
expect_rc investigate_without_case_is_usage 2 "$KS" investigate "$EV/AWSLogs"

# a case that was only ingested: report runs the analyzers without changing the case
expect_rc ingest_only_exits_0 0 "$KS" ingest -q "$TMP/c2" "${EVIDENCE[@]}"
expect_rc report_on_ingested_case_exits_0 0 "$KS" report "$TMP/c2" --format json -o "$TMP/r2.json"
# (report on an ingested case runs the built-in analyzers; Sigma runs in investigate and hunt)
expect_eq report_on_ingested_case_same_findings "$(jq -c '[.findings[]|.title]' "$TMP/r2.json")" "$(jq -c '[.findings[] | select(.analyzer | startswith("sigma:") | not) | .title]' "$C/report.json")"
expect_eq report_did_not_write_the_case "$("$KS" query "$TMP/c2" "SELECT count(*) FROM sqlite_master WHERE name='findings'" --format jsonl | jq -r '.[]? // to_entries[0].value')" "0"

# benign only: the evidence before the attack gives nothing above low
T0=$(jq -r .first_attacker_event "$EV/ground_truth.json")
expect_rc investigate_benign_window_exits_0 0 "$KS" investigate "${EVIDENCE[@]}" -o "$TMP/c3" --to "$T0"
expect_eq benign_window_nothing_above_low "$(jq '[.findings[]|select(.severity!="low" and .severity!="info")]|length' "$TMP/c3/report.json")" "0"
expect_eq benign_window_no_chain "$(jq '.chains|length' "$TMP/c3/report.json")" "0"
