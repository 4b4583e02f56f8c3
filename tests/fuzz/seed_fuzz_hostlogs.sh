#!/usr/bin/env bash
# Seeds for fuzz_hostlogs: the syslog and audit.log fixtures of scripts/gen-hostlog-fixtures.py
# (every header form, auth/account lines, hex fields, EXECVE chunks, ENRICHED records).
# Usage: bash tests/fuzz/seed_fuzz_hostlogs.sh [outdir]   (default build/fuzz/corpus/fuzz_hostlogs)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build/fuzz/corpus/fuzz_hostlogs}
mkdir -p "$out"
python3 scripts/gen-hostlog-fixtures.py "$out" >/dev/null
