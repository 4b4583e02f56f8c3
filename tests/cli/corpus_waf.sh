#!/usr/bin/env bash
# AWS WAF logs written by others (../shared/corpus): centralized-logging's waf.log (2
# records stated), every field compared with jq on the same file.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
W=$CORPUS/aws-centralized-logging/source/constructs/lambda/pipeline/log-processor/test/datafile/waf.log
expect_rc centralized_waf_ingests 0 "$KS" ingest -q "$TMP/w" "$W"
expect_eq centralized_waf_count "$(q "$TMP/w" "SELECT count(*) FROM waf")" 2
expect_eq centralized_waf_fields_match_jq \
  "$("$KS" query "$TMP/w" "SELECT timestamp, webaclid, terminatingruleid, action, httpsourcename, client_ip, country, uri, http_method, request_id, host FROM waf ORDER BY offset" --format jsonl | jq -c '[.[]]')" \
  "$(jq -c '[.timestamp, .webaclId, .terminatingRuleId, .action, .httpSourceName, .httpRequest.clientIp, .httpRequest.country, .httpRequest.uri, .httpRequest.httpMethod, .httpRequest.requestId, (.httpRequest.headers[] | select(.name|ascii_downcase=="host") | .value)]' "$W")"
expect_eq centralized_waf_nested_kept "$(q "$TMP/w" "SELECT rulegrouplist->>'\$[0].ruleGroupId' FROM waf LIMIT 1")" "AWS#AWSManagedRulesBotControlRuleSet"
