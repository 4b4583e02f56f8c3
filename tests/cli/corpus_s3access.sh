#!/usr/bin/env bash
# S3 server access logs written by others (../shared/corpus): filebeat's aws/s3access
# samples against their -expected.json documents, centralized-logging's s3.log (6 lines ->
# 6 records stated), and the AWS documentation example copied by s4.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
FB=$CORPUS/elastic-beats/x-pack/filebeat/module/aws/s3access/test
expect_rc filebeat_s3access_ingests 0 "$KS" ingest -q "$TMP/fb" "$FB"
KS="$KS" python3 - "$TMP/fb" "$FB" <<'PY'
import json, os, subprocess, sys, glob
case, d = sys.argv[1], sys.argv[2]
ks = os.environ["KS"]
def q(sql):
    out = subprocess.run([ks, "query", case, sql, "--format", "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)
def ok(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + "corpus_s3access." + name + ("" if cond else ": " + why))
cols = {"authentication_type": "authtype", "bucket": "bucket_name", "bucket_owner": "bucketowner",
        "bytes_sent": "bytessent", "cipher_suite": "ciphersuite", "error_code": "errorcode",
        "host_header": "endpoint", "host_id": "hostid", "http_status": "httpstatus", "operation": "operation",
        "remote_ip": "remoteip", "request_id": "requestid", "request_uri": "request_uri",
        "requester": "requester", "signature_version": "sigv", "tls_version": "tlsversion",
        "total_time": "totaltime", "turn_around_time": "turnaroundtime", "user_agent": "useragent",
        "key": "key", "object_size": "objectsize", "version_id": "versionid", "referrer": "referrer"}
n = 0
for log in sorted(glob.glob(d + "/*.log")):
    exp = json.load(open(log + "-expected.json"))
    tag = os.path.basename(log)[:-4].replace("-", "_")
    got = q(f"SELECT s.*, e.outcome, e.action FROM s3access s JOIN events e ON e.id = s.event_id WHERE e.file = '{log}' ORDER BY s.line")
    ok(f"filebeat_{tag}_count", len(got) == len(exp), f"{len(got)} vs {len(exp)}")
    bad = []
    for g, e in zip(got, exp):
        n += 1
        if g["time"][:23] != e["@timestamp"][:23]: bad.append(("time", g["time"], e["@timestamp"]))
        for k, c in cols.items():
            ev = e.get("aws.s3access." + k)
            if ev is not None and g[c] != ev: bad.append((c, g[c], ev))
        if g["outcome"] != e.get("event.outcome"): bad.append(("outcome", g["outcome"], e.get("event.outcome")))
        if g["action"] != e.get("event.action"): bad.append(("action", g["action"], e.get("event.action")))
    ok(f"filebeat_{tag}_fields_match_expected", not bad, str(bad[:3]))
ok("filebeat_records_compared", n >= 13, f"only {n}")
PY
CL=$CORPUS/aws-centralized-logging/source/constructs/lambda/pipeline/log-processor/test/datafile/s3.log
expect_rc centralized_s3_ingests 0 "$KS" ingest -q "$TMP/c" "$CL"
expect_eq centralized_s3_count "$(q "$TMP/c" "SELECT count(*) FROM s3access")" 6
expect_eq centralized_s3_first "$(q "$TMP/c" "SELECT operation||'|'||key||'|'||httpstatus||'|'||remoteip FROM s3access ORDER BY line LIMIT 1")" \
  "REST.PUT.OBJECT|static/js/25.6f6494d3.chunk.js.map|200|34.244.155.5"
expect_eq centralized_s3_actor_account "$(q "$TMP/c" "SELECT account FROM events LIMIT 1")" "123456789012"
S4="$CORPUS/s4-super-speedy-syslog-searcher/logs/programs/AWS/Amazon S3/server.log"
expect_rc aws_doc_example_ingests 0 "$KS" ingest -q "$TMP/s4" "$S4"
expect_eq aws_doc_example_all_lines "$(q "$TMP/s4" "SELECT count(*) FROM s3access")" "$(grep -c . "$S4")"
