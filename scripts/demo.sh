#!/usr/bin/env bash
# `make demo`: generate the example incident, ingest it, and show where the results are.
# (When `kanshiki investigate` lands, this runs it: ingest + hunt + report.)
set -euo pipefail
cd "$(dirname "$0")/.."
KS=build/kanshiki
EV=examples/generated/incident
CASE=demo-case
rm -rf "$EV" "$CASE"
python3 scripts/gen-incident.py "$EV"
echo
if "$KS" investigate --help >/dev/null 2>&1; then
  # web, host, cloud and database evidence (host files are parsed once host parsers exist)
  "$KS" investigate "$EV/AWSLogs" "$EV/web" "$EV/host" "$EV/db" -o "$CASE" --tz Asia/Tokyo
else
  "$KS" ingest "$CASE" "$EV/AWSLogs"
  echo
  echo "== Who created instances, from where, with which credential (times in UTC):"
  "$KS" query "$CASE" "SELECT e.time, c.awsregion, c.useridentity_arn AS principal,
       c.useridentity_accesskeyid AS access_key, c.sourceipaddress AS ip, e.target AS instances
     FROM cloudtrail c JOIN events e ON e.id = c.event_id
     WHERE c.eventname = 'RunInstances' AND c.errorcode IS NULL ORDER BY e.time_ns"
  echo
  echo "== First 15 events of the attacker's addresses, in Japan time:"
  "$KS" timeline "$CASE" --tz Asia/Tokyo --from 2026-11-21T22:00 --to 2026-11-22T00:00 --limit 15
fi
echo
echo "Results: case directory $CASE/ (databases $CASE/case.db and $CASE/sources.db)."
echo "Try:  $KS info $CASE    |    $KS query $CASE \"SELECT ...\"    |    $KS timeline $CASE --tz Asia/Tokyo"
