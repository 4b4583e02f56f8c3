#!/usr/bin/env bash
# Seeds for fuzz_dblog's source-level part (JSON audit logs, dumps) from the corpus and the
# repository's generators. The first byte of a fuzz_dblog input picks the line format.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
D=$ROOT/tests/fuzz/corpus/fuzz_dblog
E=$CORPUS/elastic-beats/x-pack/filebeat/module/mysqlenterprise/audit/test/mysql_audit_test.log
{ printf 'A'; head -n 8 "$E"; } > "$D/auditjson"
T=$(mktemp); trap 'rm -f "$T"' EXIT
python3 "$ROOT/tests/db/make_percona_audit_json.py" "$E" > "$T"
{ printf 'A'; head -n 6 "$T"; } > "$D/perconajson"
{ printf 'B'; head -c 3000 "$ROOT/tests/fuzz/corpus/fuzz_dump_diff/mysqldump"; } > "$D/dump"
