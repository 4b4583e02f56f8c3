#!/usr/bin/env bash
# syslog text logs written by others (../shared/corpus) against their oracles:
#  - filebeat's system/auth and system/syslog -expected.json (documents by log.offset: host,
#    program, pid, user, source address/port, outcome, ssh method, sudo fields, message;
#    the expected files hold at most the first 100 documents; filebeat's tests ran at -02:00);
#  - plaso's syslog test data with the counts and values of ORACLE_plaso_tests.json (plaso
#    leaves the year out: only month-day-time are compared for BSD lines);
#  - super-speedy-syslog-searcher's secure/auth.log summaries (line counts, first and last
#    time; s4 ran at +08:00 and took the year from the file time, so the copies get one).
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
M=$CORPUS/elastic-beats/filebeat/module/system
P=$CORPUS/plaso
S=$CORPUS/s4-super-speedy-syslog-searcher

expect_rc filebeat_ingests 0 "$KS" ingest -q "$TMP/fb" --opt tz=-02:00 "$M/auth/test" "$M/syslog/test"
expect_rc plaso_ingests_with_one_error 3 "$KS" ingest -q "$TMP/pl" "$P/test_data/syslog/syslog" \
  "$P/test_data/syslog/syslog_chromeos" "$P/test_data/syslog/syslog_cron.log" \
  "$P/test_data/syslog/syslog_osx" "$P/test_data/syslog/syslog_rsyslog" \
  "$P/test_data/syslog/syslog_rsyslog_SysklogdFileFormat" \
  "$P/test_data/syslog/syslog_rsyslog_SyslogProtocol23Format" \
  "$P/test_data/syslog/syslog_rsyslog_traditional" "$P/test_data/syslog/syslog_ssh.log"
mkdir -p "$TMP/s4/Debian9" "$TMP/s4/RockyLinux9" "$TMP/s4/Ubuntu22"
cp "$S/logs/Debian9/auth.log" "$TMP/s4/Debian9/auth.log"
cp "$S/logs/RockyLinux9/secure" "$TMP/s4/RockyLinux9/secure"
cp "$S/logs/Ubuntu22/auth.log" "$TMP/s4/Ubuntu22/auth.log"
touch -d '2020-02-23T23:00:00Z' "$TMP/s4/Debian9/auth.log"
touch -d '2022-10-09T00:00:00Z' "$TMP/s4/RockyLinux9/secure"
touch -d '2022-10-04T00:00:00Z' "$TMP/s4/Ubuntu22/auth.log"
chmod -R a-w "$TMP/s4"
expect_rc s4_ingests 0 "$KS" ingest -q "$TMP/s4c" --opt tz=+08:00 "$TMP/s4"
chmod -R u+w "$TMP/s4"

KS="$KS" python3 - "$TMP" "$M" "$P" "$S" <<'PY'
import json, os, subprocess, sys, glob, datetime, re
tmp, m, p, s4 = sys.argv[1:5]
ks = os.environ["KS"]
def q(case, sql):
    out = subprocess.run([ks, "query", case, sql, "--format", "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)
def ok(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + "corpus_syslog." + name + ("" if cond else ": " + str(why)[:600]))
def utc(ts):
    d = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:23]

# ---- filebeat ------------------------------------------------------------------------
for log in sorted(glob.glob(m + "/*/test/*.log")):
    exp = json.load(open(log + "-expected.json"))
    tag = os.path.basename(log).replace("-", "_").replace(".", "_")
    rows = q(tmp + "/fb", "SELECT s.* FROM syslog s JOIN events e ON e.id = s.event_id WHERE e.file = '%s' ORDER BY s.line" % log)
    nonblank = sum(1 for l in open(log, encoding="utf-8", errors="replace") if l.strip())
    if len(exp) < 100:
        ok(f"{tag}_count", len(rows) == len(exp), f"{len(rows)} vs {len(exp)}")
    else:
        ok(f"{tag}_count_covers_expected", len(exp) <= len(rows) <= nonblank, f"{len(rows)} rows, {len(exp)} expected, {nonblank} lines")
    by_off = {r["offset"]: r for r in rows}
    bad = []
    for e in exp:
        g = by_off.get(e["log.offset"])
        if g is None:
            bad.append(("missing offset", e["log.offset"])); continue
        def chk(k, gv, ev):
            if gv != ev: bad.append((e["log.offset"], k, gv, ev))
        chk("host", g["host"], e.get("host.hostname"))
        chk("program", g["program"], e.get("process.name"))
        chk("pid", g["pid"], e.get("process.pid"))
        if "@timestamp" in e: chk("time", g["time"][:23], utc(e["@timestamp"]))
        if "message" in e and "log.flags" not in e: chk("message", g["message"], e["message"])
        if "log.flags" in e: chk("multiline", g["message"].rstrip(), e["message"].rstrip())
        if "system.auth.ssh.event" in e or "system.auth.sudo.command" in e or "system.auth.useradd.home" in e:
            chk("user", g["user"], e.get("user.name"))
        if "source.ip" in e: chk("src_ip", g["src_ip"], e["source.ip"])
        elif "source.address" in e: chk("src_host", g["src_host"], e["source.address"])
        if "source.port" in e: chk("src_port", g["src_port"], e["source.port"])
        if "event.outcome" in e and "system.auth.ssh.event" in e: chk("outcome", g["outcome"], e["event.outcome"])
        if "system.auth.ssh.method" in e: chk("method", g["auth_method"], e["system.auth.ssh.method"])
        if "system.auth.ssh.signature" in e: chk("fingerprint", g["key_fingerprint"], e["system.auth.ssh.signature"])
        if "system.auth.sudo.command" in e:
            chk("command", g["command"], e["system.auth.sudo.command"])
            chk("tty", g["tty"], e["system.auth.sudo.tty"]); chk("pwd", g["pwd"], e["system.auth.sudo.pwd"])
            chk("target_user", g["target_user"], e["system.auth.sudo.user"])
            chk("reason", g["reason"], e.get("system.auth.sudo.error"))
        if "system.auth.useradd.home" in e:
            chk("home", g["home"], e["system.auth.useradd.home"]); chk("shell", g["shell"], e["system.auth.useradd.shell"])
        ev = e.get("system.auth.ssh.event")
        want = {"Accepted": "ssh_login", "Failed": "ssh_login_failed", "Invalid": "ssh_invalid_user"}.get(ev)
        if want: chk("event", g["event"], want)
    ok(f"{tag}_fields_match_expected", not bad, bad[:4])

# ---- plaso -----------------------------------------------------------------------------
oracle = json.load(open(p + "/ORACLE_plaso_tests.json"))
for t in oracle:
    if not t["test_file"].endswith("text_plugins/syslog.py"):
        continue
    path = p + "/" + t["staged_path"]
    tag = "plaso_" + t["method"]
    rows = q(tmp + "/pl", "SELECT s.*, e.error FROM events e LEFT JOIN syslog s ON s.event_id = e.id WHERE e.file = '%s' ORDER BY e.line" % path)
    good = [r for r in rows if not r["error"]]
    ok(f"{tag}_count", len(good) == t["expected_number_of_event_data"], f"{len(good)} vs {t['expected_number_of_event_data']}")
    if "expected_extraction_warnings" in t:
        ok(f"{tag}_errors", len(rows) - len(good) == t["expected_extraction_warnings"], len(rows) - len(good))
    bad = []
    for c in t["checks"]:
        i = c["event_data_index"]
        g, e = good[i], c["expected_event_values"]
        def chk(k, gv, ev):
            if gv != ev: bad.append((i, k, gv, ev))
        lw = e.get("last_written_time")
        if lw and lw.startswith("000"):
            chk("month_day_time", g["time"][5:19], lw[5:19])
        elif lw:
            chk("time", g["time"][:26], utc(lw)[:19] + lw[19:26])
        if "hostname" in e: chk("host", g["host"], e["hostname"])
        if "reporter" in e: chk("program", g["program"], e["reporter"])
        if "pid" in e: chk("pid", g["pid"], e["pid"])
        if "message_body" in e: chk("message", g["message"], e["message_body"])
        if e.get("severity"): chk("severity", (g["severity"] or "").upper(), e["severity"])
        if "message_identifier" in e: chk("msgid", g["msgid"], e["message_identifier"])
        if "username" in e: chk("user", g["user"], e["username"])
        if "command" in e: chk("command", g["command"], e["command"])
        if "ip_address" in e: chk("ip", g["src_ip"], e["ip_address"])
        if "port" in e: chk("port", str(g["src_port"]), e["port"])
        if "fingerprint" in e: chk("fingerprint", g["key_fingerprint"], e["fingerprint"])
    ok(f"{tag}_values", not bad, bad[:4])

# ---- s4 --------------------------------------------------------------------------------
summ = open(s4 + "/ORACLE_s4_expected_summaries.txt").read()
for rel in ["Debian9/auth.log", "RockyLinux9/secure", "Ubuntu22/auth.log"]:
    block = summ.split("File: ./logs/" + rel + "\n", 1)[1].split("\nFile: ", 1)[0]
    lines = int(re.search(r"Syslines\s+: (\d+)", block).group(1))
    first = re.search(r"Datetime first: .*\((\S+ \S+) \+00:00\)", block).group(1)
    last = re.search(r"Datetime last : .*\((\S+ \S+) \+00:00\)", block).group(1)
    tag = "s4_" + rel.replace("/", "_").replace(".", "_")
    r = q(tmp + "/s4c", "SELECT count(*) AS n, min(time) AS a, max(time) AS b, sum(error IS NOT NULL) AS err FROM events WHERE file = '%s/s4/%s'" % (tmp, rel))[0]
    ok(f"{tag}_count", r["n"] == lines and r["err"] == 0, r)
    ok(f"{tag}_first_last", (r["a"][:19], r["b"][:19]) == (first[:19].replace(" ", "T"), last[:19].replace(" ", "T")), (r, first, last))
PY

# CentOS7/secure has no s4 summary: every one of its lines is a record (polkitd, sshd, sudo)
"$KS" ingest -q "$TMP/c7" "$S/logs/CentOS7/secure" >/dev/null 2>&1
expect_eq s4_CentOS7_secure_every_line_a_record "$(q "$TMP/c7" "SELECT count(*) || ' ' || count(error) FROM events")" \
  "$(grep -c . "$S/logs/CentOS7/secure") 0"
# fail2ban's sshd and pam-generic samples: each "# failJSON: {... "host": H}" annotates the
# next line with the attacker fail2ban extracts. The comment lines are dropped into a copy
# (they are not syslog); wherever kanshiki extracts a remote address from a line it must be
# fail2ban's (some of fail2ban's need the state of earlier lines, which kanshiki leaves out).
F2B=$CORPUS/fail2ban/fail2ban/tests/files/logs
for f in sshd pam-generic; do
  [ -f "$F2B/$f" ] || { skip "fail2ban_$f" "no $F2B/$f"; continue; }
  tag=${f//-/_}
  python3 - "$F2B/$f" "$TMP/f2b_$f.log" "$TMP/f2b_$f.json" <<'PY'
import json, sys
src, out, expf = sys.argv[1:4]
lines, exp, pending = [], [], None
for l in open(src, encoding="utf-8", errors="replace"):
    l = l.rstrip("\n")
    if l.startswith("# failJSON:"):
        try: pending = json.loads(l[len("# failJSON:"):])
        except ValueError: pending = None
        continue
    if l.startswith("#") or not l.strip():
        continue
    lines.append(l); exp.append(pending); pending = None
open(out, "w").write("\n".join(lines) + "\n")
json.dump(exp, open(expf, "w"))
PY
  "$KS" ingest -q "$TMP/f2b_$tag" "$TMP/f2b_$f.log" >/dev/null 2>&1
  read -r agree differ <<<"$(KS="$KS" python3 - "$TMP/f2b_$tag" "$TMP/f2b_$f.json" <<'PY'
import json, os, subprocess, sys
case, expf = sys.argv[1:3]
exp = json.load(open(expf))
rows = json.loads(subprocess.run([os.environ["KS"], "query", case, "SELECT e.line, e.src_ip, s.src_host FROM events e LEFT JOIN syslog s ON s.event_id = e.id", "--format", "json"], capture_output=True, text=True, check=True).stdout)
by = {r["line"]: r for r in rows}
agree = differ = 0
for i, e in enumerate(exp, 1):
    r = by.get(i)
    if not e or "host" not in e or not r: continue
    got = r["src_ip"] or r["src_host"]
    if got is None: continue
    if got == e["host"] or got.endswith(":" + e["host"]): agree += 1
    else: differ += 1; print("differ", i, got, e["host"], file=sys.stderr)
print(agree, differ)
PY
)"
  echo "    fail2ban $f: $agree addresses agree, $differ differ"
  expect_eq "fail2ban_${tag}_no_other_address" "$differ" 0
  expect_eq "fail2ban_${tag}_every_line_a_record" "$(q "$TMP/f2b_$tag" "SELECT count(*) || ' ' || count(error) FROM events")" "$(grep -c . "$TMP/f2b_$f.log") 0"
done
check fail2ban_sshd_most_addresses_found test "$(q "$TMP/f2b_sshd" "SELECT count(*) FROM events WHERE src_ip IS NOT NULL")" -ge 90
check fail2ban_pam_generic_addresses_found test "$(q "$TMP/f2b_pam_generic" "SELECT count(*) FROM syslog WHERE coalesce(src_ip, src_host) IS NOT NULL")" -ge 8
# normalised events the analyzers rely on (docs/formats.md vocabulary)
expect_eq normalised_ssh_login_event "$(q "$TMP/fb" "SELECT action || ' ' || actor || ' ' || src_ip || ' ' || outcome FROM events WHERE source = 'syslog' AND line = 1 AND file LIKE '%auth/test/test.log'")" \
  "ssh_login vagrant 10.0.2.2 success"
expect_eq normalised_sudo_event "$(q "$TMP/fb" "SELECT action || ' ' || actor || ' ' || target || ' ' || outcome FROM events WHERE source = 'syslog' AND line = 8 AND file LIKE '%auth/test/test.log'")" \
  "sudo tsg /bin/ls failure"
expect_eq normalised_useradd_event "$(q "$TMP/fb" "SELECT action || ' ' || target FROM events WHERE source = 'syslog' AND line = 10 AND file LIKE '%auth/test/test.log'")" \
  "user_add apache"
expect_eq normalised_cron_event "$(q "$TMP/pl" "SELECT action || ' ' || actor || ' ' || target FROM events WHERE line = 3 AND file LIKE '%syslog/syslog'")" \
  "cron_command root touch /var/run/crond.somecheck"
expect_eq normalised_service_start "$(q "$TMP/pl" "SELECT action || ' ' || target FROM events WHERE line = 4 AND file LIKE '%syslog_rsyslog'")" \
  "service_start Rotate log files"
expect_eq rfc5424_priority "$(q "$TMP/pl" "SELECT facility || '.' || severity || ' ' || program || ' ' || msgid FROM syslog s JOIN events e ON e.id = s.event_id WHERE e.line = 1 AND e.file LIKE '%Protocol23Format'")" \
  "user.debug log_tag 123"
# the line plaso also rejects is kept as an error record with its line number
expect_eq broken_header_kept "$(q "$TMP/pl" "SELECT line || ' ' || substr(raw, 1, 6) FROM events WHERE error IS NOT NULL")" "8 MMM 22"
# SigmaHQ's linux rules for syslog logsources (sshd, cron, auth, syslog) run on the parsed logs
if [ -d "$CORPUS/sigma/rules/linux/builtin" ]; then
  "$KS" hunt "$TMP/fb" --rules "$CORPUS/sigma/rules/linux/builtin" >"$TMP/hunt.txt" 2>&1
  expect_eq sigma_linux_builtin_runs "$?" 0
  if grep -E "is not a column of syslog" "$TMP/hunt.txt" >"$TMP/unmapped.txt"; then
    fail sigma_syslog_fields_mapped "$(sort -u "$TMP/unmapped.txt" | head -5)"
  else
    pass sigma_syslog_fields_mapped
  fi
  grep -E '^rule set ' "$TMP/hunt.txt" | sed 's/^/    /'
fi
exit 0
