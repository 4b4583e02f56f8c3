#!/usr/bin/env bash
# kanshiki hunt with the SigmaHQ corpus and kanshiki's own rules:
#  - EVERY rule under $CORPUS/sigma loads or is reported with a reason (counted);
#  - the CloudTrail rules (corpus and rules/) fire on the generated example incident;
#  - web, auditd, Kubernetes and sshd rules fire on a FIXTURE case: the incident case plus
#    minimal web_access / auditd / k8s_audit / syslog tables written here with sqlite3.
#    The fixture exists only to exercise the engine until the web/host/k8s parsers write
#    those tables; its columns follow docs/sigma.md's mapping table.
source "$(dirname "$0")/../lib.sh"
SIGMA=$CORPUS/sigma
if [ ! -d "$SIGMA/rules" ]; then
  skip corpus "no Sigma corpus at $SIGMA"
  exit 0
fi

python3 "$ROOT/scripts/gen-cloudtrail.py" incident "$TMP/ev" >/dev/null
"$KS" ingest "$TMP/case" "$TMP/ev" >"$TMP/ingest.txt" 2>&1
check ingest_incident test -f "$TMP/case/case.db"

# ---- every corpus rule: loaded, or reported with its reason -------------------------
nfiles=$(find "$SIGMA" -name '*.yml' -o -name '*.yaml' | wc -l)
"$KS" hunt "$TMP/case" --rules "$SIGMA" --format jsonl >"$TMP/all.jsonl" 2>"$TMP/all.sum"
rc=$?
expect_rc corpus_exit_ok_or_input_warning 0 test "$rc" -eq 0 -o "$rc" -eq 3
sum=$(grep '^rule set ' "$TMP/all.sum")
files=$(sed -E 's/.*: ([0-9]+) files, .*/\1/' <<<"$sum")
loaded=$(sed -E 's/.* ([0-9]+) rules loaded.*/\1/' <<<"$sum")
failed=$(sed -E 's/.* ([0-9]+) files failed to load.*/\1/' <<<"$sum")
app=$(sed -E 's/.* ([0-9]+) applicable,.*/\1/' <<<"$sum")
na=$(sed -E 's/.* ([0-9]+) not applicable;.*/\1/' <<<"$sum")
echo "    corpus: $nfiles files, $loaded rules loaded, $failed failed, $app applicable, $na not applicable"
expect_eq corpus_every_file_tried "$files" "$nfiles"
expect_eq corpus_no_load_failures "$failed" 0
expect_eq corpus_loaded_is_applicable_plus_not "$loaded" "$((app + na))"
# the grouped reasons add up to the not-applicable count, each group names a reason
grouped=$(grep -E '^  not applicable: ' "$TMP/all.sum" | sed -E 's/.*: ([0-9]+) rules$/\1/' | paste -sd+ | bc)
expect_eq corpus_reasons_cover_every_skipped_rule "${grouped:-0}" "$na"
expect_grep corpus_reports_missing_tables 'not applicable: table missing' "$TMP/all.sum"
expect_grep corpus_reports_edr_sources 'process-creation telemetry' "$TMP/all.sum"
aws_total=$(find "$SIGMA/rules/cloud/aws" -name '*.yml' | wc -l)
"$KS" hunt "$TMP/case" --rules "$SIGMA/rules/cloud/aws" --verbose >"$TMP/aws.txt" 2>&1
aws_app=$(grep '^rule set ' "$TMP/aws.txt" | sed -E 's/.* ([0-9]+) applicable,.*/\1/')
echo "    cloudtrail corpus: $aws_app of $aws_total rules applicable to the incident case"
check corpus_most_aws_rules_apply test "$aws_app" -ge $((aws_total - 3))
grep '^  fired: ' "$TMP/aws.txt" | sed 's/^  /    corpus /'
for t in 'AWS IAM Backdoor Users Keys' 'AWS VPC Flow Logs Deleted' 'AWS CloudTrail Important Change' \
         'Ingress/Egress Security Group Modification' 'AWS Key Pair Import Activity'; do
  expect_grep "corpus_fires_${t// /_}" "^  fired: $t" "$TMP/aws.txt"
done

# ---- kanshiki's own rules on the incident ------------------------------------------
"$KS" hunt "$TMP/case" >"$TMP/own.txt" 2>&1
expect_eq own_rules_exit 0 "$?"
grep '^  fired: ' "$TMP/own.txt" | sed 's/^  /    rules\/ /'
for t in 'IAM Access Key Created' 'Administrator Policy Attached' 'CloudTrail Logging Stopped' \
         'VPC Flow Logs Deleted' 'Security Group Opened to the Internet' \
         'GPU or Very Large EC2 Instances Launched' 'IAM Persistence Chain' \
         'Many Secrets Read by One Identity' 'Instances Launched in Several Regions' \
         'Burst of Distinct Discovery Calls'; do
  expect_grep "own_fires_${t// /_}" "^  fired: $t" "$TMP/own.txt"
done
expect_grep own_rules_all_load '0 files failed to load; [0-9]+ applicable, 0 not applicable' "$TMP/own.txt"
# machine output: one JSON object per matching event, summary on stderr
"$KS" hunt "$TMP/case" --format jsonl >"$TMP/own.jsonl" 2>"$TMP/own.err"
check own_jsonl_parses jq -e -s 'length > 10 and all(.[]; .rule and .event and .location)' "$TMP/own.jsonl"
expect_eq own_stopping_found "$(jq -r 'select(.rule | test("CloudTrail Logging")) | .message' "$TMP/own.jsonl" | grep -c StopLogging)" 1
chain=$(jq -r 'select(.rule == "IAM Persistence Chain") | .group' "$TMP/own.jsonl" | sort -u)
expect_eq own_chain_group "$chain" "sourceIPAddress=203.0.113.77"
expect_grep own_summary_on_stderr '^rule set ' "$TMP/own.err"

# ---- fixture tables for the other logsources ---------------------------------------
cp -r "$TMP/case" "$TMP/fx"
sqlite3 "$TMP/fx/case.db" <<'SQL'
-- FIXTURE for the Sigma engine only (not a parser's output): minimal tables with the
-- columns docs/sigma.md maps onto. Events 900001.. belong to evidence 900001.
INSERT INTO evidence(id, path, inner_path, status, ingested_at, source)
  VALUES (900001, 'fixture/hosts.log', '', 'parsed', '2026-11-22T00:00:00Z', 'fixture');
CREATE TABLE web_access(id INTEGER PRIMARY KEY, event_id INTEGER, evidence_id INTEGER, line INTEGER,
  offset INTEGER, method TEXT, path TEXT, query TEXT, status INTEGER, client_ip TEXT,
  user_agent TEXT, referer TEXT);
CREATE TABLE auditd(id INTEGER PRIMARY KEY, event_id INTEGER, evidence_id INTEGER, line INTEGER,
  offset INTEGER, type TEXT, name TEXT, key TEXT, exe TEXT, comm TEXT);
CREATE TABLE k8s_audit(id INTEGER PRIMARY KEY, event_id INTEGER, evidence_id INTEGER, line INTEGER,
  offset INTEGER, verb TEXT, objectref TEXT, user TEXT);
CREATE TABLE syslog(id INTEGER PRIMARY KEY, event_id INTEGER, evidence_id INTEGER, line INTEGER,
  offset INTEGER, program TEXT, msg TEXT);
INSERT INTO event(id, time, time_ns, time_desc, source, evidence_id, line, offset, message, raw) VALUES
 (900001, '2026-11-22T01:00:00.000000000Z', 1795395600000000000, 'event', 'web_access', 900001, 1, 0,
  'GET /download', 'GET /download?file=../../../etc/passwd HTTP/1.1 200'),
 (900002, '2026-11-22T01:00:01.000000000Z', 1795395601000000000, 'event', 'web_access', 900001, 2, 80,
  'GET /', 'GET / HTTP/1.1 200 "sqlmap/1.7#stable"'),
 (900003, '2026-11-22T01:00:02.000000000Z', 1795395602000000000, 'event', 'web_access', 900001, 3, 160,
  'GET /.git/config', 'GET /.git/config HTTP/1.1 404'),
 (900004, '2026-11-22T01:00:03.000000000Z', 1795395603000000000, 'event', 'auditd', 900001, 4, 240,
  'PATH /etc/audit/auditd.conf', 'type=PATH name="/etc/audit/auditd.conf"'),
 (900005, '2026-11-22T01:00:04.000000000Z', 1795395604000000000, 'event', 'k8s_audit', 900001, 5, 320,
  'list secrets', '{"verb":"list","objectRef":{"resource":"secrets"}}'),
 (900006, '2026-11-22T01:00:05.000000000Z', 1795395605000000000, 'event', 'syslog', 900001, 6, 400,
  'sshd error', 'sshd[812]: error: Corrupted MAC on input.');
INSERT INTO web_access(event_id, evidence_id, line, offset, method, path, query, status, client_ip, user_agent, referer) VALUES
 (900001, 900001, 1, 0, 'GET', '/download', 'file=../../../etc/passwd', 200, '198.51.100.50', 'curl/8.0', NULL),
 (900002, 900001, 2, 80, 'GET', '/', '', 200, '198.51.100.51', 'sqlmap/1.7#stable', NULL),
 (900003, 900001, 3, 160, 'GET', '/.git/config', '', 404, '198.51.100.52', 'Mozilla/5.0', NULL);
INSERT INTO auditd(event_id, evidence_id, line, offset, type, name, key) VALUES
 (900004, 900001, 4, 240, 'PATH', '/etc/audit/auditd.conf', NULL);
INSERT INTO k8s_audit(event_id, evidence_id, line, offset, verb, objectref, user) VALUES
 (900005, 900001, 5, 320, 'list', '{"resource":"secrets","namespace":"default"}', '{}');
INSERT INTO syslog(event_id, evidence_id, line, offset, program, msg) VALUES
 (900006, 900001, 6, 400, 'sshd', 'error: Corrupted MAC on input.');
SQL
"$KS" hunt "$TMP/fx" --rules "$SIGMA/rules/web" --rules "$SIGMA/rules/linux" \
  --rules "$SIGMA/rules/application/kubernetes" >"$TMP/fx.txt" 2>&1
grep '^  fired: ' "$TMP/fx.txt" | sed 's/^  /    fixture /'
for t in 'Path Traversal Exploitation Attempts' 'Suspicious User-Agents' 'Source Code Enumeration' \
         'Auditing Configuration Changes on Linux Host' 'Kubernetes Secrets Enumeration' \
         'Suspicious OpenSSH Daemon Error'; do
  expect_grep "fixture_fires_${t// /_}" "^  fired: $t" "$TMP/fx.txt"
done
expect_grep fixture_location_is_file_line 'fixture/hosts.log:1' "$TMP/fx.txt"
# unmapped fields are named (auditd rules using a0.. have no such column in the fixture)
expect_grep fixture_names_unmapped_fields "field 'a[0-9]' is not a column of auditd" "$TMP/fx.txt"

# ---- usage errors -----------------------------------------------------------------
expect_rc missing_rules_dir 2 "$KS" hunt "$TMP/case" --rules "$TMP/nope"
expect_rc bad_format 2 "$KS" hunt "$TMP/case" --format xml
mkdir -p "$TMP/bad"
printf 'title: [broken\n' >"$TMP/bad/broken.yml"
expect_rc broken_rule_file_exit_3 3 "$KS" hunt "$TMP/case" --rules "$TMP/bad"
expect_grep broken_rule_file_reason 'load failed: .*broken.yml: YAML line' "$TMP/.out"
exit 0
