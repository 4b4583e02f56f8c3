#!/usr/bin/env bash
# VPC Flow Logs written by others (../shared/corpus): filebeat's aws/vpcflow samples (v2
# default, custom NAT/transit-gateway formats, IPv6, NODATA/SKIPDATA, TCP flags, headers
# mid-file) against their -expected.json documents, and centralized-logging's vpcflow.log
# (18 lines: a header, 10 records with traffic, 7 NODATA).
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
FB=$CORPUS/elastic-beats/x-pack/filebeat/module/aws/vpcflow/test
expect_rc filebeat_vpcflow_ingests 0 "$KS" ingest -q "$TMP/fb" "$FB"
KS="$KS" python3 - "$TMP/fb" "$FB" <<'PY'
import json, os, subprocess, sys, glob
case, d = sys.argv[1], sys.argv[2]
ks = os.environ["KS"]
def q(sql):
    out = subprocess.run([ks, "query", case, sql, "--format", "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)
def ok(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + "corpus_vpcflow." + name + ("" if cond else ": " + why))
n = 0
for log in sorted(glob.glob(d + "/*.log")):
    if log.endswith("/bad.log"):
        continue  # not a flow log: not recognised (checked below with --format)
    exp = json.load(open(log + "-expected.json"))
    tag = os.path.basename(log)[:-4].replace("-", "_")
    got = q(f"SELECT v.*, e.outcome FROM vpcflow v JOIN events e ON e.id = v.event_id WHERE e.file = '{log}' ORDER BY v.line")
    ok(f"filebeat_{tag}_count", len(got) == len(exp), f"{len(got)} vs {len(exp)}")
    bad = []
    def chk(k, gv, ev):
        if gv != ev: bad.append((k, gv, ev))
    for g, e in zip(got, exp):
        n += 1
        if "@timestamp" in e: chk("time", (g["end_time"] or "")[:19], e["@timestamp"][:19])
        if "event.start" in e: chk("start", g["start_time"][:19], e["event.start"][:19])
        chk("src", g["srcaddr"], e.get("source.ip"))
        chk("dst", g["dstaddr"], e.get("destination.ip"))
        chk("sport", g["srcport"], e.get("source.port"))
        chk("dport", g["dstport"], e.get("destination.port"))
        chk("proto", None if g["protocol"] is None else str(g["protocol"]), e.get("network.iana_number"))
        chk("packets", g["packets"], e.get("network.packets"))
        chk("bytes", g["bytes"], e.get("network.bytes"))
        for k in ("account_id", "action", "instance_id", "interface_id", "log_status", "pkt_dstaddr",
                  "pkt_srcaddr", "subnet_id", "tcp_flags", "type", "version", "vpc_id"):
            chk(k, g[k], e.get("aws.vpcflow." + k))
        chk("outcome", g["outcome"], e.get("event.outcome"))
    ok(f"filebeat_{tag}_fields_match_expected", not bad, str(bad[:3]))
ok("filebeat_records_compared", n >= 14, f"only {n}")
PY
expect_rc filebeat_bad_log_kept_as_error 3 "$KS" ingest -q "$TMP/bad" --format vpcflow "$FB/bad.log"
expect_eq filebeat_bad_log_error_record "$(q "$TMP/bad" "SELECT line||'|'||raw FROM events WHERE error IS NOT NULL")" "1|Phony unsupported log format."

CL=$CORPUS/aws-centralized-logging/source/constructs/lambda/pipeline/log-processor/test/datafile/vpcflow.log
expect_rc centralized_vpcflow_ingests 0 "$KS" ingest -q "$TMP/c" "$CL"
expect_eq centralized_vpcflow_records_with_traffic "$(q "$TMP/c" "SELECT count(*) FROM vpcflow WHERE log_status = 'OK'")" 10
expect_eq centralized_vpcflow_nodata_kept "$(q "$TMP/c" "SELECT count(*) FROM vpcflow WHERE log_status = 'NODATA' AND srcaddr IS NULL")" 7
expect_eq centralized_vpcflow_all_lines "$(q "$TMP/c" "SELECT count(*) FROM events")" "$(($(grep -c . "$CL") - 1))"
expect_eq centralized_vpcflow_last "$(q "$TMP/c" "SELECT srcaddr||':'||srcport||'>'||dstaddr||':'||dstport||'|'||start_time||'|'||end_time FROM vpcflow ORDER BY line DESC LIMIT 1")" \
  "$(tail -1 "$CL" | awk '{printf "%s:%s>%s:%s|", $4, $6, $5, $7}')$(date -u -d @"$(tail -1 "$CL" | awk '{print $11}')" +%Y-%m-%dT%H:%M:%S.000000000Z)|$(date -u -d @"$(tail -1 "$CL" | awk '{print $12}')" +%Y-%m-%dT%H:%M:%S.000000000Z)"
