#!/usr/bin/env bash
# Each built-in analyzer on both sides of its threshold, on small generated scenarios
# (tests/tools/gen_thresholds.py): what must fire fires at the documented severity, what must
# stay quiet stays quiet.
source "$(dirname "$0")/../lib.sh"

python3 "$ROOT/tests/tools/gen_thresholds.py" "$TMP/ev"
expect_rc investigate_exits_0 0 "$KS" investigate "$TMP/ev" -o "$TMP/c" -q
R=$TMP/c/report.json
# sev ANALYZER PRINCIPAL_SUFFIX : the severity of that analyzer's finding naming the principal, or "none"
sev() {
  jq -r --arg a "$1" --arg p "$2" '[.findings[] | select(.analyzer == $a and
      ((.entities.principal // []) | any(endswith($p))))] | if length == 0 then "none" else .[0].severity end' "$R"
}
expect_eq secrets_4_distinct_quiet "$(sev secrets_bulk user/app4)" none
expect_eq secrets_5_distinct_high "$(sev secrets_bulk user/app5)" high
expect_eq secrets_one_repeated_quiet "$(sev secrets_bulk user/apprepeat)" none
expect_eq runinstances_2_small_quiet "$(sev run_instances user/dev2)" none
expect_eq runinstances_6_small_medium "$(sev run_instances user/dev6)" medium
expect_eq runinstances_gpu_high "$(sev run_instances user/ml)" high
expect_eq runinstances_pipeline_normal_quiet "$(sev run_instances user/pipeline)" none
expect_eq sg_private_cidr_quiet "$(sev exposure user/net1)" none
expect_eq sg_world_open_medium "$(sev exposure user/net2)" medium
expect_eq snapshot_public_high "$(sev exposure user/net3)" high
expect_eq readonly_policy_low "$(sev iam_persistence user/adm1)" low
expect_eq wildcard_inline_policy_high "$(sev iam_persistence user/adm2)" high
expect_eq instance_role_nat_addresses_quiet "$(jq '[.findings[]|select(.analyzer=="ec2_role_outside" and ((.entities.ip//[])|any(.=="192.0.2.11" or .=="192.0.2.10")))]|length' "$R")" 0
expect_eq instance_role_outside_critical "$(jq -r '[.findings[]|select(.analyzer=="ec2_role_outside")]|map(.severity+" "+(.entities.ip|join(",")))|join(";")' "$R")" "critical 203.0.113.50"
expect_eq new_network_medium "$(jq -r '[.findings[]|select(.analyzer=="new_source" and (.entities.ip//[]|index("203.0.113.99")))][0].severity' "$R")" medium
expect_eq new_address_same_network_low "$(jq -r '[.findings[]|select(.analyzer=="new_source" and (.entities.ip//[]|index("198.51.100.6")))][0].severity' "$R")" low
expect_eq trail_update_medium "$(sev logging_tamper user/log1)" medium
expect_eq trail_delete_high "$(sev logging_tamper user/log2)" high
expect_eq unused_region_reads_low "$(jq -r '[.findings[]|select(.analyzer=="unused_region" and (.entities.region|index("ap-south-1")))][0].severity' "$R")" low
expect_eq home_region_quiet "$(jq '[.findings[]|select(.analyzer=="unused_region" and (.entities.region|index("eu-central-1")))]|length' "$R")" 0
expect_eq global_services_region_quiet "$(jq '[.findings[]|select(.analyzer=="unused_region" and (.entities.region|index("us-east-1")))]|length' "$R")" 0
