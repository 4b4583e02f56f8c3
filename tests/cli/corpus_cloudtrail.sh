#!/usr/bin/env bash
# CloudTrail samples written by others (../shared/corpus), checked against their oracles:
# filebeat's -expected.json documents, plaso's stated counts and values, and jq on the same files.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }

FB=$CORPUS/elastic-beats/x-pack/filebeat/module/aws/cloudtrail/test
C=$TMP/fb
"$KS" ingest -q "$C" "$FB" > "$TMP/fb.out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then pass filebeat_cloudtrail_ingests_cleanly; else fail filebeat_cloudtrail_ingests_cleanly "exit $rc: $(head -c 400 "$TMP/fb.out")"; fi
KS="$KS" python3 - "$C" "$FB" <<'PY'
import json, os, subprocess, sys, glob
case, d = sys.argv[1], sys.argv[2]
ks = os.environ["KS"]
def q(sql):
    out = subprocess.run([ks, "query", case, sql, "--format", "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)
def ok(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + "corpus_cloudtrail." + name + ("" if cond else ": " + why))
n_files = 0
for log in sorted(glob.glob(os.path.join(d, "*-json.log"))):
    exp = json.load(open(log + "-expected.json"))
    base = os.path.basename(log)
    tag = base.replace("-json.log", "").replace("-", "_")
    if "digest" in base:
        rows = q(f"SELECT count(*) AS n FROM cloudtrail_digest d JOIN evidence v ON v.id=d.evidence_id WHERE v.path LIKE '%/{base}'")
        ok(f"filebeat_{tag}_digest_not_an_event", rows[0]["n"] == len(exp), f"{rows} vs {len(exp)}")
        continue
    n_files += 1
    got = q(f"SELECT time, action, src_ip, actor, account, region, outcome FROM events WHERE file LIKE '%/{base}' ORDER BY offset")
    ok(f"filebeat_{tag}_count", len(got) == len(exp), f"{len(got)} events, expected {len(exp)}")
    bad = []
    for g, e in zip(got, exp):
        ts = e["@timestamp"].replace(".000Z", "")
        if not g["time"].startswith(ts): bad.append(("time", g["time"], ts))
        if "event.action" in e and g["action"] != e["event.action"]: bad.append(("action", g["action"], e["event.action"]))
        if "source.ip" in e and g["src_ip"] != e["source.ip"]: bad.append(("src_ip", g["src_ip"], e["source.ip"]))
        if "cloud.account.id" in e and g["account"] != e["cloud.account.id"]: bad.append(("account", g["account"], e["cloud.account.id"]))
        if "cloud.region" in e and g["region"] != e["cloud.region"]: bad.append(("region", g["region"], e["cloud.region"]))
        if "event.outcome" in e and g["outcome"] != e["event.outcome"]: bad.append(("outcome", g["outcome"], e["event.outcome"]))
        arn = e.get("aws.cloudtrail.user_identity.arn")
        if arn and g["actor"] != arn: bad.append(("actor", g["actor"], arn))
    ok(f"filebeat_{tag}_fields_match_expected", not bad, str(bad[:3]))
ok("filebeat_files_compared", n_files >= 30, f"only {n_files}")
PY

# plaso: 6 events, the first with these values (ORACLE_plaso_tests.json)
P=$CORPUS/plaso/test_data/jsonl/aws_cloudtrail.jsonl
expect_rc plaso_jsonl_ingests 0 "$KS" ingest -q "$TMP/pl" "$P"
expect_eq plaso_event_count "$(q "$TMP/pl" "SELECT count(*) FROM cloudtrail")" \
  "$(jq -r '.[] | select(.test_data_path[-1]=="aws_cloudtrail.jsonl") | .expected_number_of_event_data' "$CORPUS/plaso/ORACLE_plaso_tests.json")"
expect_eq plaso_first_event_values \
  "$(q "$TMP/pl" "SELECT useridentity_accesskeyid||'|'||eventname||'|'||eventsource||'|'||sourceipaddress||'|'||useridentity_arn||'|'||useridentity_username||'|'||time FROM cloudtrail ORDER BY offset LIMIT 1")" \
  "0123456789ABCDEFGHIJ|DescribeInstances|ec2.amazonaws.com|1.2.3.4|arn:aws:iam::012345678901:user/fakeusername|fakeusername|2022-02-07T22:23:37.000000000Z"

# filebeat's S3-input sample: a gzip'd {"Records":[...]} of 63 records built from AWS docs; jq is the oracle
G=$CORPUS/elastic-beats/x-pack/filebeat/input/awss3/testdata/aws-cloudtrail.json.gz
expect_rc s3_delivery_gz_ingests 0 "$KS" ingest -q "$TMP/gz" "$G"
expect_eq s3_delivery_count_matches_jq "$(q "$TMP/gz" "SELECT count(*) FROM cloudtrail")" "$(zcat "$G" | jq '.Records|length')"
expect_eq s3_delivery_eventnames_match_jq "$(q "$TMP/gz" "SELECT group_concat(coalesce(eventname,''), ',') FROM (SELECT eventname FROM cloudtrail ORDER BY offset)")" \
  "$(zcat "$G" | jq -r '[.Records[].eventName] | join(",")')"
expect_eq s3_delivery_usernames_match_jq "$(q "$TMP/gz" "SELECT group_concat(coalesce(useridentity->>'userName','-'), ',') FROM (SELECT useridentity FROM cloudtrail ORDER BY offset)")" \
  "$(zcat "$G" | jq -r '[.Records[] | (.userIdentity.userName // "-")] | join(",")')"

# AWS documentation examples (s4's copies), pretty-printed Records files; jq is the oracle.
# Two of them are not valid JSON (a second array follows the first: a copy error): jq rejects
# them, kanshiki keeps the valid record, reports the rest as an error record and exits 3.
for f in "$CORPUS"/s4-super-speedy-syslog-searcher/logs/programs/AWS/CloudTrail/*.json; do
  b=$(basename "$f" .json)
  if n=$(jq '.Records|length' "$f" 2>/dev/null); then
    expect_rc "awsdoc_${b}_ingests" 0 "$KS" ingest -q "$TMP/doc-$b" "$f"
    expect_eq "awsdoc_${b}_count_matches_jq" "$(q "$TMP/doc-$b" "SELECT count(*) FROM events")" "$n"
    expect_eq "awsdoc_${b}_lines_are_record_starts" \
      "$(q "$TMP/doc-$b" "SELECT group_concat(line, ',') FROM (SELECT line FROM events ORDER BY line)")" \
      "$(python3 -c "
import json,sys
s=open(sys.argv[1]).read(); d=json.JSONDecoder(); i=s.index('[')+1; out=[]
while True:
    while s[i] in ' \r\n\t,': i+=1
    if s[i]==']': break
    out.append(s.count('\n',0,i)+1); _,i=d.raw_decode(s,i)
print(','.join(map(str,out)))" "$f")"
  else
    expect_rc "awsdoc_${b}_invalid_json_is_input_error" 3 "$KS" ingest -q "$TMP/doc-$b" "$f"
    expect_grep "awsdoc_${b}_error_names_line_and_offset" "$b.json:[0-9]+: offset [0-9]+:" "$TMP/.out"
    expect_eq "awsdoc_${b}_valid_prefix_kept" "$(q "$TMP/doc-$b" "SELECT (SELECT count(*) FROM events WHERE error IS NULL) >= 1 AND (SELECT count(*) FROM events WHERE error IS NOT NULL) >= 1")" "1"
  fi
done

# AWS Centralized Logging sample: 4 records (its tests state the count)
A=$CORPUS/aws-centralized-logging/source/constructs/lambda/pipeline/log-processor/test/datafile/cloudtrail.log
expect_rc centralized_logging_ingests 0 "$KS" ingest -q "$TMP/cl" "$A"
expect_eq centralized_logging_count "$(q "$TMP/cl" "SELECT count(*) FROM cloudtrail")" "4"

# Stratus detonations exported from Datadog in a zip: 3 valid files, 1 invalid (concatenated objects
# with errors); the valid records come through and every problem is counted
Z=$CORPUS/cloudtrail2sightings/cloudtrail.zip
"$KS" ingest -q "$TMP/zip" "$Z" > "$TMP/zip.out" 2>&1
expect_eq zip_members_ingested "$(q "$TMP/zip" "SELECT count(*) FROM evidence WHERE path LIKE '%cloudtrail.zip!%'")" "4"
want=0; for m in aws.credential-access.secretsmanager-retrieve-secrets.json aws.defense-evasion.cloudtrail-delete.json aws.exfiltration.ec2-share-ebs-snapshot.json; do
  want=$((want + $(unzip -p "$Z" "$m" | jq '.Records|length'))); done
expect_eq zip_valid_members_count_matches_jq "$(q "$TMP/zip" "SELECT sum(records) FROM evidence WHERE path NOT LIKE '%ec2-user-data%'")" "$want"
expect_eq zip_datadog_fields_kept_in_extra "$(q "$TMP/zip" "SELECT count(*) FROM cloudtrail c JOIN evidence v ON v.id=c.evidence_id WHERE c.extra->>'evt' IS NOT NULL AND v.path NOT LIKE '%ec2-user-data%'")" "$want"
expect_eq zip_concatenated_member_partly_read "$(q "$TMP/zip" "SELECT records > 0 AND errors > 0 FROM evidence WHERE path LIKE '%ec2-user-data%'")" "1"
