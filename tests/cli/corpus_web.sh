#!/usr/bin/env bash
# nginx/Apache access and error logs written by others (../shared/corpus), against their
# oracles: filebeat's -expected.json documents, plaso's stated count and values, fail2ban's
# failJSON annotations (the attacker's address for each attack line; lines fail2ban reads
# through syslog/journal wrappers are left to a syslog reader and not used here).
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
M=$CORPUS/elastic-beats/filebeat/module

# filebeat's nginx pipeline takes the first public address of a list; the nginx samples'
# CloudFront line (…, 204.246.1.1) needs CloudFront trusted to agree, which is the point of
# --opt trusted-proxies. Error-log times are local: filebeat's tests ran at -02:00.
expect_rc filebeat_web_access_ingests 0 "$KS" ingest -q "$TMP/a" --opt trusted-proxies=10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8,204.246.1.1 \
  "$M/nginx/access/test" "$M/apache/access/test"
expect_rc filebeat_web_error_ingests 0 "$KS" ingest -q "$TMP/e" --opt tz=-02:00 "$M/nginx/error/test" "$M/apache/error/test"
KS="$KS" python3 - "$TMP" "$M" <<'PY'
import json, os, subprocess, sys, glob, datetime
tmp, m = sys.argv[1], sys.argv[2]
ks = os.environ["KS"]
def q(case, sql):
    out = subprocess.run([ks, "query", case, sql, "--format", "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)
def ok(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + "corpus_web." + name + ("" if cond else ": " + why))
def utc(ts):
    d = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:23]
for log in sorted(glob.glob(m + "/*/access/test/*.log")):
    exp = json.load(open(log + "-expected.json"))
    tag = log[len(m)+1:].replace("/test/", "_").replace("/", "_").replace("-", "_").replace(".", "_")
    got = q(tmp + "/a", f"SELECT w.time, e.src_ip, method, url, path, query, protocol, status, bytes, user_agent, referer, vhost FROM web_access w JOIN events e ON e.id = w.event_id WHERE e.file = '{log}' ORDER BY w.line")
    ok(f"{tag}_count", len(got) == len(exp), f"{len(got)} vs {len(exp)}")
    bad = []
    for g, e in zip(got, exp):
        def chk(k, gv, ev):
            if gv != ev: bad.append((k, gv, ev))
        chk("time", g["time"][:23], utc(e["@timestamp"]))
        if "source.address" in e: chk("client", g["src_ip"], e["source.address"])
        if "http.request.method" in e: chk("method", g["method"], e["http.request.method"])
        if "url.original" in e: chk("url", g["url"], e["url.original"])
        if "url.path" in e: chk("path", g["path"], e["url.path"])
        if "url.query" in e: chk("query", g["query"], e["url.query"])
        if "http.version" in e: chk("protocol", g["protocol"], "HTTP/" + e["http.version"])
        if "http.response.status_code" in e: chk("status", g["status"], e["http.response.status_code"])
        if "http.response.body.bytes" in e: chk("bytes", g["bytes"], e["http.response.body.bytes"])
        if "user_agent.original" in e and e["user_agent.original"] != "-": chk("ua", g["user_agent"], e["user_agent.original"])
        if "destination.domain" in e: chk("vhost", (g["vhost"] or "").split(":")[0], e["destination.domain"])
    ok(f"{tag}_fields_match_expected", not bad, str(bad[:3]))
for log in sorted(glob.glob(m + "/nginx/error/test/*.log") + glob.glob(m + "/apache/error/test/*.log")):
    exp = json.load(open(log + "-expected.json"))
    tag = log[len(m)+1:].replace("/test/", "_").replace("/", "_").replace("-", "_").replace(".", "_")
    got = q(tmp + "/e", f"SELECT w.time, level, module, pid, tid, connection_id, client, client_port, w.message FROM web_error w JOIN events e ON e.id = w.event_id WHERE e.file = '{log}' ORDER BY w.line")
    ok(f"{tag}_count", len(got) == len(exp), f"{len(got)} vs {len(exp)}")
    bad = []
    for g, e in zip(got, exp):
        def chk(k, gv, ev):
            if gv != ev: bad.append((k, gv, ev))
        chk("time", g["time"][:23], utc(e["@timestamp"]))
        chk("level", g["level"], e.get("log.level"))
        if "nginx" in log or "code" not in g: chk("message", g["message"].rstrip(), e["message"].rstrip())
        if "process.pid" in e: chk("pid", g["pid"], e["process.pid"])
        if "process.thread.id" in e: chk("tid", g["tid"], e["process.thread.id"])
        if "nginx.error.connection_id" in e: chk("cid", g["connection_id"], e["nginx.error.connection_id"])
        if "apache.error.module" in e: chk("module", g["module"], e["apache.error.module"])
        if "source.address" in e: chk("client", g["client"], e["source.address"])
        if "source.port" in e: chk("port", g["client_port"], int(e["source.port"]))
    ok(f"{tag}_fields_match_expected", not bad, str(bad[:3]))
PY

# plaso: 14 access entries and 1 extraction warning (a line cut inside the user agent)
P=$CORPUS/plaso/test_data/apache_access.log
expect_rc plaso_apache_ingests_with_one_bad_record 3 "$KS" ingest -q "$TMP/p" "$P"
O=$CORPUS/plaso/ORACLE_plaso_tests.json
expect_eq plaso_apache_count "$(q "$TMP/p" "SELECT count(*) FROM web_access")" \
  "$(jq -r '.[] | select(.test_data_path[-1]=="apache_access.log") | .expected_number_of_event_data' "$O")"
expect_eq plaso_apache_bad_line_kept "$(q "$TMP/p" "SELECT line FROM events WHERE error IS NOT NULL")" 8
for i in 0 4 8 13; do
  expect_eq "plaso_apache_event_$i" \
    "$(q "$TMP/p" "SELECT request||'|'||ifnull(referer,'')||'|'||status||'|'||bytes||'|'||client_ip||'|'||ifnull(remote_user,'')||'|'||time FROM web_access ORDER BY line LIMIT 1 OFFSET $i")" \
    "$(jq -r --argjson i $i '.[] | select(.test_data_path[-1]=="apache_access.log") | .checks[] | select(.event_data_index==$i) | .expected_event_values | [.http_request, (.http_request_referer // ""), .http_response_code, .http_response_bytes, .ip_address, (.username // ""), .recorded_time] | map(tostring) | join("|")' "$O" |
      python3 -c 'import sys,datetime; p=sys.stdin.read().strip().split("|"); d=datetime.datetime.fromisoformat(p[-1]).astimezone(datetime.timezone.utc); p[-1]=d.strftime("%Y-%m-%dT%H:%M:%S.000000000Z"); print("|".join(p))')"
done
expect_eq plaso_vhost_port "$(q "$TMP/p" "SELECT vhost FROM web_access ORDER BY line LIMIT 1 OFFSET 8")" "plaso.log2timeline.net:443"

# fail2ban: each "# failJSON: {... "host": H}" annotates the next line; every attack line
# must be read (no error record) and name H as the client.
F2B=$CORPUS/fail2ban/fail2ban/tests/files/logs
python3 - "$F2B" "$TMP/f2b" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for name in ["nginx-bad-request", "nginx-botsearch", "apache-overflows", "apache-auth", "nginx-http-auth", "apache-noscript"]:
    out_f = {}  # access and error lines of one sample go to separate files
    pending = None
    for ln in open(os.path.join(src, name), encoding="utf-8", errors="surrogateescape"):
        ln = ln.rstrip("\n")
        if ln.startswith("# failJSON:"):
            pending = json.loads(ln[len("# failJSON:"):])
        elif ln.strip() and not ln.startswith("#") and (ln[0] == "[" or ln[0].isdigit()):
            if pending is not None and not pending.get("constraint"):
                kind = "error" if ln[0] == "[" or ln[4:5] == "/" else "access"
                lines, hosts = out_f.setdefault(kind, ([], []))
                lines.append(ln); hosts.append(pending.get("host") if pending.get("match") else None)
            pending = None
    for kind, (lines, hosts) in out_f.items():
        with open(os.path.join(out, f"{name}-{kind}.log"), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write("\n".join(lines) + "\n")
        json.dump(hosts, open(os.path.join(out, f"{name}-{kind}.hosts"), "w"))
PY
for f in "$TMP"/f2b/*.log; do
  n=$(basename "$f" .log); tag=${n//-/_}
  "$KS" ingest -q "$TMP/f_$tag" "$f" >/dev/null 2>&1
  expect_eq "fail2ban_${tag}_no_errors" "$(q "$TMP/f_$tag" "SELECT count(*) FROM events WHERE error IS NOT NULL")" 0
  expect_eq "fail2ban_${tag}_all_lines" "$(q "$TMP/f_$tag" "SELECT count(*) FROM events")" "$(grep -c . "$f")"
  got=$("$KS" query "$TMP/f_$tag" "SELECT src_ip FROM events ORDER BY line" --format json | jq -c '[.[].src_ip]')
  exp=$(cat "$TMP/f2b/$n.hosts")
  bad=$(python3 -c 'import json,sys; g=json.loads(sys.argv[1]); e=json.loads(sys.argv[2]); print([(i,a,b) for i,(a,b) in enumerate(zip(g,e)) if b is not None and a!=b][:3])' "$got" "$exp")
  expect_eq "fail2ban_${tag}_attacker_is_client" "$bad" "[]"
done
