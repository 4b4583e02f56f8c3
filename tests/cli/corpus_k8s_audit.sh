#!/usr/bin/env bash
# Kubernetes audit events written by others (../shared/corpus/falco-k8s-audit): every trace
# file read whole (counted with python's JSON decoder), and falco's own test expectations
# (falco_k8s_audit_tests.yaml detect_counts) reproduced as SQL over the k8s_audit table:
# which files hold a privileged pod creation, an exec/attach, an allowed anonymous request.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
T=$CORPUS/falco-k8s-audit/test/trace_files/k8s_audit
"$KS" ingest -q "$TMP/k" "$T" > "$TMP/ingest.out" 2>&1
expect_eq falco_traces_ingest_exit "$?" 0
expect_eq falco_every_event_read "$(q "$TMP/k" "SELECT count(*) FROM k8s_audit")" \
  "$(python3 -c '
import glob, json, sys
n = 0
for p in glob.glob(sys.argv[1] + "/*.json"):
    t = open(p).read(); i = 0; d = json.JSONDecoder()
    while True:
        while i < len(t) and t[i].isspace(): i += 1
        if i >= len(t): break
        o, i = d.raw_decode(t, i)
        n += isinstance(o, dict) and o.get("kind") == "Event"
print(n)' "$T")"
expect_eq falco_no_error_records "$(q "$TMP/k" "SELECT count(*) FROM events WHERE error IS NOT NULL")" 0
files() { q "$TMP/k" "SELECT group_concat(f, ' ') FROM (SELECT DISTINCT replace(v.path, '$T/', '') f FROM k8s_audit k JOIN evidence v ON v.id = k.evidence_id WHERE $1 ORDER BY f)"; }
expect_eq falco_create_privileged_pod "$(files "k.resource = 'pods' AND k.verb = 'create' AND EXISTS (SELECT 1 FROM json_each(k.request_object, '\$.spec.containers') c WHERE c.value->>'\$.securityContext.privileged' = 1)")" \
  "create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json create_nginx_pod_privileged.json create_nginx_pod_privileged_2nd_container.json"
expect_eq falco_attach_exec_pod "$(files "k.resource = 'pods' AND k.subresource IN ('exec', 'attach')")" "attach_pod.json exec_pod.json"
expect_eq falco_anonymous_allowed "$(files "k.username = 'system:anonymous' AND k.authorization_decision = 'allow' AND k.request_uri NOT IN ('/healthz', '/livez', '/readyz')")" \
  "anonymous_creates_namespace_foo.json"
expect_eq falco_event_mapping "$(q "$TMP/k" "SELECT e.actor||'|'||e.src_ip||'|'||e.action||'|'||e.target||'|'||e.outcome FROM events e WHERE e.file LIKE '%/exec_pod.json'")" \
  "$(jq -r '[.user.username, .sourceIPs[0], .verb, (.objectRef.resource+"/"+.objectRef.subresource+" "+.objectRef.namespace+"/"+.objectRef.name), (if .responseStatus.code >= 400 then "failure" else "success" end)] | join("|")' "$T/exec_pod.json")"
expect_rc falco_malformed_kind_kept 3 "$KS" ingest -q "$TMP/bad" --format k8s_audit "$T/fal_01_003.json"
expect_eq falco_malformed_kind_error "$(q "$TMP/bad" "SELECT error FROM events")" "not an audit.k8s.io Event (kind, apiVersion, auditID)"
