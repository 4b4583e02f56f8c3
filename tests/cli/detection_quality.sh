#!/usr/bin/env bash
# Detection quality, measured and printed (not asserted beyond gross regressions):
#  - the example incident (scripts/gen-incident.py): expected detections fired, false findings;
#  - fail2ban's labelled attack lines (web access logs; sshd and MySQL once their parsers
#    exist), with kanshiki's analyzers and the SigmaHQ webserver and linux rules;
#  - falco's k8s audit traces against its test expectations, with the SigmaHQ kubernetes rules.
# The floors below are about half of what was measured when the test was written.
source "$(dirname "$0")/../lib.sh"

CORPUS=$ROOT/../shared/corpus
SIGMA=$CORPUS/sigma/rules
TOOL=$ROOT/tests/tools/detection_quality.py

# counts LINE -> "fired expected false"
counts() { grep '^counts ' "$1" | tail -n1 | sed -E 's/^counts ([0-9]+)\/([0-9]+) ([0-9]+)$/\1 \2 \3/'; }

# ---- the example incident ----
python3 "$ROOT/scripts/gen-incident.py" "$TMP/ev" >/dev/null
"$KS" investigate "$TMP/ev/AWSLogs" "$TMP/ev/web" "$TMP/ev/host" "$TMP/ev/db" -o "$TMP/inc" >/dev/null 2>&1
"$KS" query "$TMP/inc" "SELECT id, src_ip, file, line FROM events" --format jsonl > "$TMP/inc.jsonl"
python3 "$ROOT/tests/tools/check_report.py" "$TMP/inc/report.json" "$TMP/ev/ground_truth.json" "$TMP/inc.jsonl" > "$TMP/inc.txt"
line=$(grep '^detection quality' "$TMP/inc.txt")
echo "    example incident: ${line#detection quality: }"
read -r fired expected <<<"$(echo "$line" | sed -E 's/^detection quality: ([0-9]+)\/([0-9]+).*/\1 \2/')"
false=$(echo "$line" | sed -E 's/.*fired, ([0-9]+) false.*/\1/')
check incident_most_expected_fired test "$fired" -ge $((expected * 3 / 4))
check incident_few_false test "$false" -le 2

# ---- fail2ban ----
F2B=$CORPUS/fail2ban/fail2ban/tests/files/logs
if [ ! -d "$F2B" ]; then
  skip fail2ban "corpus not present: $F2B"
else
  mkdir -p "$TMP/f2b"
  logs=()
  for f in php-url-fopen apache-badbots nginx-botsearch apache-fakegooglebot sshd mysqld-auth; do
    [ -f "$F2B/$f" ] || continue
    grep -v '^#' "$F2B/$f" | grep -v '^[[:space:]]*$' > "$TMP/f2b/$f.log"
    logs+=("$F2B/$f")
  done
  "$KS" investigate "$TMP/f2b" -o "$TMP/f2bcase" -r "$ROOT/rules" -r "$SIGMA/web/webserver_generic" \
    -r "$SIGMA/linux" >"$TMP/f2b.out" 2>&1
  check fail2ban_investigate_ran test -s "$TMP/f2bcase/report.json"
  "$KS" query "$TMP/f2bcase" "SELECT id, src_ip, file FROM events" --format jsonl > "$TMP/f2b.jsonl"
  python3 "$TOOL" fail2ban "$TMP/f2bcase/report.json" "$TMP/f2b.jsonl" "${logs[@]}" > "$TMP/f2b.txt"
  sed -n 's/^quality /    /p' "$TMP/f2b.txt"
  read -r hit exp fp <<<"$(counts "$TMP/f2b.txt")"
  check fail2ban_attackers_detected_floor test "$hit" -ge 8
  check fail2ban_no_benign_flood test "$fp" -le 3
fi

# ---- falco k8s audit ----
FAL=$CORPUS/falco-k8s-audit/test
if [ ! -f "$FAL/falco_k8s_audit_tests.yaml" ]; then
  skip falco "corpus not present: $FAL"
else
  "$KS" investigate "$FAL/trace_files/k8s_audit" -o "$TMP/falcase" -r "$ROOT/rules" \
    -r "$SIGMA/application/kubernetes" >"$TMP/fal.out" 2>&1
  check falco_investigate_ran test -s "$TMP/falcase/report.json"
  "$KS" query "$TMP/falcase" "SELECT id, src_ip, file FROM events" --format jsonl > "$TMP/fal.jsonl"
  python3 "$TOOL" falco "$TMP/falcase/report.json" "$TMP/fal.jsonl" "$FAL/falco_k8s_audit_tests.yaml" > "$TMP/fal.txt"
  sed -n 's/^quality /    /p' "$TMP/fal.txt"
  # Measured 0 when written: the SigmaHQ kubernetes rules use objectRef.* fields that the Sigma
  # field mapping does not yet route to k8s_audit's flat columns (hunt -v says so), and no
  # built-in analyzer reads k8s_audit. Printed, not asserted.
  grep -E '^sigma: .*kubernetes' "$TMP/fal.out" | sed 's/^/    /'
fi
