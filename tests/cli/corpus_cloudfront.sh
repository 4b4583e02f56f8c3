#!/usr/bin/env bash
# CloudFront standard logs written by others (../shared/corpus): centralized-logging's
# cloudfront.log (4 lines -> 2 records stated) and microbatch sample, and the AWS
# documentation example copied by s4 (a trailing tab on one line).
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
CL=$CORPUS/aws-centralized-logging/source/constructs/lambda
expect_rc centralized_cloudfront_ingests 0 "$KS" ingest -q "$TMP/c" "$CL/pipeline/log-processor/test/datafile/cloudfront.log"
expect_eq centralized_cloudfront_count "$(q "$TMP/c" "SELECT count(*) FROM cloudfront")" 2
expect_eq centralized_cloudfront_first "$(q "$TMP/c" "SELECT json_array(timestamp, location, bytes, request_ip, method, host, uri, status, result_type, request_protocol, request_bytes, time_taken, ssl_protocol, http_version, c_port, time_to_first_byte, sc_range_end) FROM cloudfront ORDER BY line LIMIT 1")" \
  "$(sed -n 3p "$CL/pipeline/log-processor/test/datafile/cloudfront.log" | python3 -c '
import sys, json
f = sys.stdin.read().rstrip("\n").split("\t")
n = lambda s: None if s == "-" else s
print(json.dumps([f[0]+"T"+f[1]+".000000000Z", f[2], int(f[3]), f[4], f[5], f[6], f[7], int(f[8]), f[13], f[16], int(f[17]), float(f[18]), f[20], f[23], int(f[26]), float(f[27]), n(f[32])], separators=(",", ":")))')"
expect_eq centralized_cloudfront_user_agent_encoded_as_logged "$(q "$TMP/c" "SELECT substr(user_agent, 1, 20) FROM cloudfront ORDER BY line LIMIT 1")" "Mozilla/5.0%20(Macin"
expect_rc microbatch_cloudfront_ingests 0 "$KS" ingest -q "$TMP/m" "$CL/microbatch/test/data/cloudfront.log.gz"
expect_eq microbatch_cloudfront_all_records "$(q "$TMP/m" "SELECT count(*) FROM cloudfront")" "$(zcat "$CL/microbatch/test/data/cloudfront.log.gz" | grep -vc '^#')"
S4="$CORPUS/s4-super-speedy-syslog-searcher/logs/programs/AWS/Amazon Cloudfront/access.log"
expect_rc aws_doc_example_ingests 0 "$KS" ingest -q "$TMP/s4" "$S4"
expect_eq aws_doc_example_all_records "$(q "$TMP/s4" "SELECT count(*) FROM cloudfront")" "$(grep -vc '^#' "$S4")"
expect_eq aws_doc_example_502_failures "$(q "$TMP/s4" "SELECT count(*) FROM events WHERE outcome = 'failure'")" "$(grep -v '^#' "$S4" | awk -F'\t' '$9 >= 400' | wc -l)"
