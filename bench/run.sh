#!/usr/bin/env bash
# `make bench`: every benchmark, each printing its figures and the ratio against the peer tool
# run in the same run. Not part of `make check` (timings are not assertions).
set -uo pipefail
cd "$(dirname "$0")"
status=0
for b in cloudtrail.sh web.sh json.sh acquire.sh fs.sh db_binlog.sh db_diff.sh hunt.sh; do
  [ -f "$b" ] || continue
  echo "================ bench/$b"
  bash "$b" || { echo "bench/$b failed"; status=1; }
done
exit $status
