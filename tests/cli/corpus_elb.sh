#!/usr/bin/env bash
# ELB access logs written by others (../shared/corpus): filebeat's aws/elb samples (ALB,
# NLB, Classic HTTP/HTTPS/TCP/SSL) against their -expected.json documents, plaso's ALB
# sample against its stated count and values, centralized-logging's real ALB lines.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
FB=$CORPUS/elastic-beats/x-pack/filebeat/module/aws/elb/test
expect_rc filebeat_elb_ingests 0 "$KS" ingest -q "$TMP/fb" "$FB"
KS="$KS" python3 - "$TMP/fb" "$FB" <<'PY'
import json, os, subprocess, sys, glob
case, d = sys.argv[1], sys.argv[2]
ks = os.environ["KS"]
def q(sql):
    out = subprocess.run([ks, "query", case, sql, "--format", "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)
def ok(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + "corpus_elb." + name + ("" if cond else ": " + why))
ALB = """SELECT t.line, t.time, client_ip cip, client_port cport, target_ip bip, target_port bport,
  elb_status_code st, target_status_code bst, received_bytes rb, sent_bytes sb, request_verb verb,
  request_url url, request_proto proto, user_agent ua, ssl_cipher cipher, ssl_protocol sslp, target_group_arn tg,
  trace_id, matched_rule_priority rule, actions_executed actions, chosen_cert_arn cert, redirect_url redirect,
  lambda_error_reason reason, elb name, request_processing_time rpt, target_processing_time tpt,
  response_processing_time spt, type, domain_name, target_status_code_list tsl FROM alb t JOIN events e ON e.id = t.event_id WHERE e.file = ?"""
CLB = """SELECT t.line, t.time, request_ip cip, request_port cport, backend_ip bip, backend_port bport,
  elb_response_code st, backend_response_code bst, received_bytes rb, sent_bytes sb, request_verb verb, url,
  protocol proto, user_agent ua, ssl_cipher cipher, ssl_protocol sslp, elb_name name,
  request_processing_time rpt, backend_processing_time tpt, client_response_time spt
  FROM elb_classic t JOIN events e ON e.id = t.event_id WHERE e.file = ?"""
NLB = """SELECT t.line, t.time, client_ip cip, client_port cport, destination_ip bip, destination_port bport,
  received_bytes rb, sent_bytes sb, tls_cipher_suite cipher, tls_protocol_version sslp, elb name, listener_id,
  connection_time, tls_handshake_time, cert_arn cert, domain_name, type FROM nlb t JOIN events e ON e.id = t.event_id WHERE e.file = ?"""
n = 0
for log in sorted(glob.glob(d + "/*.log")):
    exp = json.load(open(log + "-expected.json"))
    tag = os.path.basename(log)[:-4].replace("-", "_")
    got = []
    for sql in (ALB, CLB, NLB):
        got += q(sql.replace("?", "'" + log.replace("'", "''") + "'"))
    got.sort(key=lambda r: r["line"])
    ok(f"filebeat_{tag}_count", len(got) == len(exp), f"{len(got)} vs {len(exp)}")
    bad = []
    def chk(k, gv, ev):
        if gv != ev: bad.append((k, gv, ev))
    for g, e in zip(got, exp):
        n += 1
        chk("time", g["time"][:23], e["@timestamp"][:23])
        chk("client", g["cip"], e.get("source.ip"))
        if "source.port" in e: chk("cport", str(g["cport"]), e["source.port"])
        if "aws.elb.backend.ip" in e: chk("backend", g["bip"], e["aws.elb.backend.ip"])
        if "aws.elb.backend.port" in e: chk("bport", str(g["bport"]), e["aws.elb.backend.port"])
        if "http.response.status_code" in e: chk("status", g["st"], e["http.response.status_code"])
        if "aws.elb.backend.http.response.status_code" in e: chk("bstatus", g["bst"], e["aws.elb.backend.http.response.status_code"])
        if "aws.elb.target_status_code" in e: chk("tstatus", (g["tsl"] or "").split(" "), e["aws.elb.target_status_code"])
        if "http.request.body.bytes" in e: chk("rbytes", g["rb"], e["http.request.body.bytes"])
        if "http.response.body.bytes" in e: chk("sbytes", g["sb"], e["http.response.body.bytes"])
        if "source.bytes" in e: chk("src_bytes", g["rb"], e["source.bytes"])
        if "destination.bytes" in e: chk("dst_bytes", g["sb"], e["destination.bytes"])
        if "http.request.method" in e: chk("verb", g["verb"], e["http.request.method"])
        if "url.original" in e: chk("url", g["url"], e["url.original"])
        if "http.version" in e: chk("proto", g["proto"], "HTTP/" + e["http.version"])
        if "user_agent.original" in e: chk("ua", g["ua"] or "-", e["user_agent.original"])  # '-' is NULL here
        if "aws.elb.ssl_cipher" in e: chk("cipher", g["cipher"], e["aws.elb.ssl_cipher"])
        if "aws.elb.ssl_protocol" in e: chk("sslp", g["sslp"], e["aws.elb.ssl_protocol"])
        if "aws.elb.name" in e: chk("name", g["name"], e["aws.elb.name"])
        for k, c in (("aws.elb.target_group.arn", "tg"), ("aws.elb.trace_id", "trace_id"),
                     ("aws.elb.matched_rule_priority", "rule"), ("aws.elb.chosen_cert.arn", "cert"),
                     ("aws.elb.redirect_url", "redirect"), ("aws.elb.error.reason", "reason"),
                     ("aws.elb.listener", "listener_id"), ("destination.domain", "domain_name"),
                     ("aws.elb.type", "type")):
            if k in e: chk(c, g.get(c), None if e[k] == "-" else e[k])  # '-' is NULL here
        if "aws.elb.action_executed" in e: chk("actions", g["actions"], ",".join(e["aws.elb.action_executed"]))
        for k, c in (("aws.elb.request_processing_time.sec", "rpt"), ("aws.elb.backend_processing_time.sec", "tpt"),
                     ("aws.elb.response_processing_time.sec", "spt"), ("aws.elb.connection_time.ms", "connection_time"),
                     ("aws.elb.tls_handshake_time.ms", "tls_handshake_time")):
            if k in e and (g.get(c) is None or abs(g[c] - e[k]) > 1e-9): bad.append((c, g.get(c), e[k]))
    ok(f"filebeat_{tag}_fields_match_expected", not bad, str(bad[:3]))
ok("filebeat_records_compared", n >= 40, f"only {n}")
PY

# plaso: 16 ALB entries, the first with these values (ORACLE_plaso_tests.json)
P=$CORPUS/plaso/test_data/aws_elb_access.log
O=$CORPUS/plaso/ORACLE_plaso_tests.json
expect_rc plaso_elb_ingests 0 "$KS" ingest -q "$TMP/p" "$P"
expect_eq plaso_elb_count_all_kinds "$(q "$TMP/p" "SELECT (SELECT count(*) FROM alb)+(SELECT count(*) FROM nlb)+(SELECT count(*) FROM elb_classic)")" \
  "$(jq -r '.[] | select(.test_data_path[-1]=="aws_elb_access.log") | .expected_number_of_event_data' "$O")"
expect_eq plaso_elb_first_values \
  "$(q "$TMP/p" "SELECT json_array(actions_executed, chosen_cert_arn, target_group_arn, target_ip, target_port, target_status_code, target_status_code_list, domain_name, elb_status_code, matched_rule_priority, received_bytes, request_verb||' '||request_url||' '||request_proto, type, elb, sent_bytes, client_ip, client_port, ssl_cipher, ssl_protocol, trace_id, user_agent, request_creation_time, time, target_port_list, request_processing_time) FROM alb ORDER BY line LIMIT 1")" \
  "$(jq -c '.[] | select(.test_data_path[-1]=="aws_elb_access.log") | .checks[0].expected_event_values | [.actions_executed, .chosen_cert_arn, .destination_group_arn, .destination_ip_address, .destination_port, .destination_status_code, .destination_status_code_list, .domain_name, .elb_status_code, (.matched_rule_priority|tostring), .received_bytes, .request, .request_type, .resource_identifier, .sent_bytes, .source_ip_address, .source_port, .ssl_cipher, .ssl_protocol, .trace_identifier, .user_agent, (.request_time|sub("\\+00:00$";"Z")), (.response_time|sub("\\+00:00$";"000Z")), .destination_list[0], (.request_processing_duration|tonumber)]' "$O")"
expect_eq plaso_elb_kinds "$(q "$TMP/p" "SELECT (SELECT count(*) FROM alb)||'/'||(SELECT count(*) FROM nlb)||'/'||(SELECT count(*) FROM elb_classic)")" "10/2/4"
expect_eq plaso_elb_classification_null "$(q "$TMP/p" "SELECT count(*) FROM alb WHERE classification IS NOT NULL OR lambda_error_reason IS NOT NULL OR redirect_url IS NOT NULL LIMIT 1")" \
  "$(q "$TMP/p" "SELECT 0")"

# centralized-logging: real ALB lines (scanner traffic) read whole, in every form it ships
CL=$CORPUS/aws-centralized-logging/source/constructs/lambda
expect_rc centralized_alb_ingests 0 "$KS" ingest -q "$TMP/c" "$CL/pipeline/log-processor/test/datafile/elb.log" \
  "$CL/pipeline/log-processor/test/datafile/elb.log.gz" "$CL/microbatch/test/data/alb.log.gz"
expect_eq centralized_alb_counts "$(q "$TMP/c" "SELECT group_concat(n) FROM (SELECT count(*) n FROM events GROUP BY file ORDER BY file)")" \
  "$(for f in "$CL/microbatch/test/data/alb.log.gz" "$CL/pipeline/log-processor/test/datafile/elb.log" "$CL/pipeline/log-processor/test/datafile/elb.log.gz"; do zcat -f "$f" | grep -c .; done | paste -sd,)"
expect_eq centralized_alb_no_errors "$(q "$TMP/c" "SELECT count(*) FROM events WHERE error IS NOT NULL")" 0
expect_eq centralized_alb_account_region "$(q "$TMP/c" "SELECT account||'|'||region FROM events WHERE file LIKE '%elb.log' ORDER BY line LIMIT 1")" "123456789012|eu-west-1"

# s4's copy of the AWS documentation's ALB examples wraps each record over several lines
# (and ends with a comment line): records are joined back; the comment is an error record.
S4=$CORPUS/s4-super-speedy-syslog-searcher/logs/programs/AWS/application_load_balancer.log
expect_rc wrapped_alb_doc_sample_ingests_with_one_error_exit_3 3 "$KS" ingest -q "$TMP/w" "$S4"
expect_eq wrapped_alb_records_joined "$(q "$TMP/w" "SELECT count(*)||'|'||sum(error IS NOT NULL) FROM events")" "8|1"
expect_eq wrapped_alb_first_record_fields "$(q "$TMP/w" "SELECT e.line||'|'||a.trace_id||'|'||a.actions_executed||'|'||a.client_ip FROM alb a JOIN events e ON e.id=a.event_id ORDER BY e.line LIMIT 1")" \
  "1|Root=1-58337262-36d228ad5d99923122bbe354|forward|192.168.131.39"
expect_eq wrapped_alb_comment_is_error_at_its_line "$(q "$TMP/w" "SELECT line FROM events WHERE error IS NOT NULL")" 50
