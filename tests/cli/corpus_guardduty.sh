#!/usr/bin/env bash
# GuardDuty findings written by others (../shared/corpus/alertchain, `aws guardduty
# get-findings` output from a real account's sample findings), against jq on the same files
# and alertchain's own policy test (data.json: one finding, severity 8 > 7, type Trojan:).
# The EventBridge and S3-export (camelCase) forms are derived from the same findings by a
# script here, and must give the same rows.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
A=$CORPUS/alertchain
FILES=("$A/examples/basic/guardduty.json" "$A/action/chatgpt/testdata/aws_guardduty_example.json" "$A/docs/examples/alert-policy-testing/test/aws_guardduty/data.json")
expect_rc alertchain_ingests 0 "$KS" ingest -q "$TMP/a" "${FILES[@]}"
expect_eq alertchain_one_finding_per_file "$(q "$TMP/a" "SELECT count(*)||'/'||count(DISTINCT evidence_id) FROM guardduty")" "3/3"
expect_eq alertchain_policy_oracle "$(q "$TMP/a" "SELECT g.type FROM guardduty g JOIN evidence v ON v.id = g.evidence_id WHERE v.path LIKE '%aws_guardduty/data.json' AND g.severity > 7 AND g.type LIKE 'Trojan:%'")" \
  "Trojan:EC2/DriveBySourceTraffic!DNS"
COLS="finding_id, type, severity, account_id, region, arn, created_at, updated_at, event_first_seen, resource_type, instance_id, access_key_id, action_type, remote_ip, api, domain, count"
JQ='.Findings[] | [.Id, .Type, .Severity, .AccountId, .Region, .Arn, .CreatedAt, .UpdatedAt, .Service.EventFirstSeen, .Resource.ResourceType, .Resource.InstanceDetails.InstanceId, .Resource.AccessKeyDetails.AccessKeyId, .Service.Action.ActionType, ((.Service.Action.AwsApiCallAction // .Service.Action.NetworkConnectionAction // (.Service.Action.PortProbeAction.PortProbeDetails // [])[0] // {}).RemoteIpDetails.IpAddressV4), .Service.Action.AwsApiCallAction.Api, .Service.Action.DnsRequestAction.Domain, .Service.Count]'
got=$("$KS" query "$TMP/a" "SELECT $COLS FROM guardduty g JOIN evidence v ON v.id = g.evidence_id ORDER BY v.path" --format jsonl | jq -c '[.[]] | map(if type == "number" and . == floor then . else . end)')
exp=$(for f in $(printf '%s\n' "${FILES[@]}" | sort); do jq -c "$JQ" "$f"; done)
expect_eq alertchain_fields_match_jq "$(echo "$got" | jq -c 'map(if type=="number" then tostring|tonumber else . end)')" "$(echo "$exp" | jq -c 'map(if type=="number" then tostring|tonumber else . end)')"
expect_eq alertchain_event_mapping "$(q "$TMP/a" "SELECT actor||'|'||src_ip||'|'||action||'|'||target||'|'||outcome FROM events WHERE file LIKE '%chatgpt%'")" \
  "testuser|52.94.36.7|Recon:IAMUser/UserPermissions|ASIASZ4SI7REEEXAMPLE|Medium"

# camelCase forms (EventBridge event and S3 export lines) derived from the same findings
python3 - "$TMP/cc" "${FILES[@]}" <<'PY'
import json, os, sys
out = sys.argv[1]; os.makedirs(out, exist_ok=True)
def camel(v):
    if isinstance(v, dict): return {(k[:1].lower() + k[1:]): camel(x) for k, x in v.items()}
    if isinstance(v, list): return [camel(x) for x in v]
    return v
findings = [f for p in sys.argv[2:] for f in json.load(open(p))["Findings"]]
with open(os.path.join(out, "eventbridge.json"), "w") as f:
    for x in findings:
        f.write(json.dumps({"version": "0", "id": "e-" + x["Id"][:8], "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
                            "account": x["AccountId"], "time": x["UpdatedAt"], "region": x["Region"], "resources": [], "detail": camel(x)}) + "\n")
with open(os.path.join(out, "s3export.jsonl"), "w") as f:
    for x in findings:
        f.write(json.dumps(camel(x)) + "\n")
PY
for form in eventbridge.json s3export.jsonl; do
  tag=${form%%.*}
  expect_rc "${tag}_ingests" 0 "$KS" ingest -q "$TMP/$tag" "$TMP/cc/$form"
  expect_eq "${tag}_same_rows_as_api_form" \
    "$("$KS" query "$TMP/$tag" "SELECT $COLS FROM guardduty ORDER BY finding_id" --format csv)" \
    "$("$KS" query "$TMP/a" "SELECT $COLS FROM guardduty ORDER BY finding_id" --format csv)"
done
