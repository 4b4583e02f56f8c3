#!/usr/bin/env bash
# audit.log files written by others (../shared/corpus) against their oracles:
#  - filebeat's auditd/log -expected.json (documents by log.offset: the line, time, serial,
#    process and user ids, decoded exe/proctitle/arguments, addresses; at most 100 per file);
#  - plaso's selinux.log and audit_enriched.log (ORACLE_plaso_tests.json: counts, rejected
#    lines, values of the ENRICHED records);
#  - super-speedy-syslog-searcher's RHEL 9 audit.log summary (count, first and last time);
#  - SigmaHQ's linux/auditd rules run on the ingested logs without "not a column" for the
#    fields the parser provides (type, a0.., exe, comm, key, name, nametype, SYSCALL, ...).
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
F=$CORPUS/elastic-beats/filebeat/module/auditd/log/test
P=$CORPUS/plaso/test_data
S=$CORPUS/s4-super-speedy-syslog-searcher

# audit-rhel7.log holds 119 "type=UNKNOWN[1329] msg=<binary>" lines: error records (exit 3)
expect_rc filebeat_ingests 3 "$KS" ingest -q "$TMP/fb" "$F"
expect_rc plaso_ingests 3 "$KS" ingest -q "$TMP/pl" "$P/selinux.log" "$P/audit_enriched.log"
expect_rc s4_ingests 0 "$KS" ingest -q "$TMP/s4" "$S/logs/RedHatEnterprise9/audit/audit.log" "$S/logs/CentOS9/audit/audit.log"

KS="$KS" python3 - "$TMP" "$F" "$P" "$S" <<'PY'
import json, os, subprocess, sys, glob, datetime, re
tmp, f, p, s4 = sys.argv[1:5]
ks = os.environ["KS"]
def q(case, sql):
    out = subprocess.run([ks, "query", case, sql, "--format", "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)
def ok(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + "corpus_auditd." + name + ("" if cond else ": " + str(why)[:600]))
def utc(ts):
    d = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:23]

for log in sorted(glob.glob(f + "/*.log")):
    exp = json.load(open(log + "-expected.json"))
    tag = os.path.basename(log).replace("-", "_").replace(".", "_")
    rows = q(tmp + "/fb", "SELECT a.*, e.raw, e.outcome AS ev_outcome, e.src_ip AS ev_src FROM auditd a JOIN events e ON e.id = a.event_id WHERE e.file = '%s' ORDER BY a.line" % log)
    errs = q(tmp + "/fb", "SELECT count(*) AS n FROM events WHERE error IS NOT NULL AND file = '%s'" % log)[0]["n"]
    nonblank = sum(1 for l in open(log, encoding="utf-8", errors="replace") if l.strip())
    ok(f"{tag}_nothing_dropped", len(rows) + errs == nonblank, f"{len(rows)} + {errs} vs {nonblank}")
    if len(exp) < 100:
        ok(f"{tag}_count", len(rows) == len(exp), f"{len(rows)} vs {len(exp)}")
    by_off = {r["offset"]: r for r in rows}
    bad = []
    for e in exp:
        g = by_off.get(e["log.offset"])
        if g is None:
            bad.append(("missing offset", e["log.offset"])); continue
        def chk(k, gv, ev):
            if gv != ev: bad.append((e["log.offset"], k, gv, ev))
        chk("raw", g["raw"], e["event.original"])
        chk("time", g["time"][:23], utc(e["@timestamp"]))
        chk("serial", g["serial"], e["auditd.log.sequence"])
        if "auditd.log.record_type" in e: chk("type", g["type"], e["auditd.log.record_type"])
        if "process.pid" in e: chk("pid", g["pid"], e["process.pid"])
        if "process.parent.pid" in e: chk("ppid", g["ppid"], e["process.parent.pid"])
        if "user.audit.id" in e: chk("auid", str(g["auid"]), e["user.audit.id"])
        # filebeat puts auid into user.id for user-space records; compare SYSCALL's only
        if "user.id" in e and g["type"] == "SYSCALL": chk("uid", str(g["uid"]), e["user.id"])
        if g["type"] != "EXECVE":
            if "process.executable" in e: chk("exe", g["exe"], e["process.executable"])
            if "process.name" in e: chk("comm", g["comm"], e["process.name"])
        if "process.working_directory" in e: chk("cwd", g["cwd"], e["process.working_directory"])
        # rare.log is synthetic: bare EXECVE values are hex by the audit format (a10=10 is
        # "\x10"); filebeat leaves them as written and invents a "truncated" marker
        if "process.args" in e and not log.endswith("rare.log"):
            chk("args", g["cmdline"] if g["type"] == "EXECVE" else g["cmd"], " ".join(e["process.args"]))
        if "process.args_count" in e and g["type"] == "EXECVE": chk("argc", g["argc"], e["process.args_count"])
        for a in ("a0", "a1", "a2", "a3"):
            if "auditd.log." + a in e: chk(a, g[a], e["auditd.log." + a])
        if "auditd.log.syscall" in e:
            sc = e["auditd.log.syscall"]
            chk("syscall", str(g["syscall_nr"]) if sc.isdigit() else g["syscall"], sc)
        if "auditd.log.node" in e: chk("node", g["node"], e["auditd.log.node"])
        if "auditd.log.proctitle" in e: chk("proctitle", g["proctitle"], e["auditd.log.proctitle"])
        if "auditd.log.key" in e: chk("key", g["key"], e["auditd.log.key"])
        if "source.ip" in e and " addr=" in e["event.original"]: chk("addr", g["ev_src"], e["source.ip"])
        if e.get("event.outcome") in ("success", "failure"): chk("outcome", g["ev_outcome"], e["event.outcome"])
    ok(f"{tag}_fields_match_expected", not bad, bad[:4])

oracle = json.load(open(p + "/../ORACLE_plaso_tests.json"))
for t in oracle:
    if not t["test_file"].endswith("text_plugins/selinux.py"):
        continue
    path = p + "/" + os.path.basename(t["staged_path"])
    tag = "plaso_" + t["method"]
    rows = q(tmp + "/pl", "SELECT a.*, e.error FROM events e LEFT JOIN auditd a ON a.event_id = e.id WHERE e.file = '%s' ORDER BY e.line" % path)
    good = [r for r in rows if not r["error"]]
    ok(f"{tag}_count", len(good) == t["expected_number_of_event_data"], f"{len(good)} vs {t['expected_number_of_event_data']}")
    if "expected_extraction_warnings" in t:
        ok(f"{tag}_rejected", len(rows) - len(good) == t["expected_extraction_warnings"], len(rows) - len(good))
    bad = []
    for c in t["checks"]:
        g, e = good[c["event_data_index"]], c["expected_event_values"]
        def chk(k, gv, ev):
            if gv != ev: bad.append((c["event_data_index"], k, gv, ev))
        m = {"audit_serial": "serial", "audit_type": "type", "executable": "exe", "process_name": "comm",
             "system_call": "syscall", "security_context": "subj", "success": "success", "exit_code": "exit"}
        if e.get("system_call", "").isdigit():
            m["system_call"] = "syscall_nr"  # RAW: plaso keeps the number, kanshiki also names it
        for k, col in m.items():
            if k in e: chk(k, g[col] if not isinstance(e[k], str) else str(g[col]), e[k])
        for k, col in {"pid": "pid", "user_identifier": "uid", "group_identifier": "gid",
                       "parent_process_identifier": "ppid", "audit_login_identifier": "auid",
                       "audit_session_identifier": "ses"}.items():
            if k in e: chk(k, str(g[col]), e[k])
        if "last_written_time" in e: chk("time", g["time"][:23], utc(e["last_written_time"]))
    ok(f"{tag}_values", not bad, bad[:4])

summ = open(s4 + "/ORACLE_s4_expected_summaries.txt").read()
block = summ.split("File: ./logs/RedHatEnterprise9/audit/audit.log\n", 1)[1].split("\nFile: ", 1)[0]
lines = int(re.search(r"Syslines\s+: (\d+)", block).group(1))
first = re.search(r"Datetime first: .*\((\S+ \S+) \+00:00\)", block).group(1)
last = re.search(r"Datetime last : .*\((\S+ \S+) \+00:00\)", block).group(1)
# s4 shows the epoch's UTC wall clock labelled with its own zone (+08:00): the first line's
# audit(1681160194.260:3932) is 2023-04-10T20:56:34.260Z, which s4 prints as "20:56:34 +08:00"
first = re.search(r"Datetime first: (\S+ \S+) ", block).group(1)
last = re.search(r"Datetime last : (\S+ \S+) ", block).group(1)
r = q(tmp + "/s4", "SELECT count(*) AS n, min(time) AS a, max(time) AS b FROM events WHERE file LIKE '%RedHatEnterprise9/audit/audit.log'")[0]
ok("s4_rhel9_count", r["n"] == lines, (r, lines))
ok("s4_rhel9_first_last", (r["a"][:19], r["b"][:19]) == (first.replace(" ", "T"), last.replace(" ", "T")), (r, first, last))
PY

# ENRICHED records: the translated names are kept and the syscall column gets the name
expect_eq enriched_syscall_name "$(q "$TMP/s4" "SELECT syscall || ' ' || syscall_nr || ' ' || uid_name FROM auditd WHERE type = 'SYSCALL' ORDER BY id LIMIT 1")" "sendto 44 root"
expect_eq enriched_json "$(q "$TMP/s4" "SELECT enriched ->> '\$.AUID' FROM auditd WHERE type = 'DAEMON_START' LIMIT 1")" "unset"
# RAW records: the syscall number is named from the x86_64 / i386 tables (selinux.log's i386 197)
expect_eq raw_syscall_named "$(q "$TMP/pl" "SELECT syscall || ' ' || syscall_nr FROM auditd WHERE type = 'SYSCALL' AND serial = 101")" "fstat64 197"
# records of one event share the serial
expect_eq serial_links_records "$(q "$TMP/pl" "SELECT group_concat(type, ',') FROM (SELECT type FROM auditd WHERE serial = 485 ORDER BY line)")" \
  "SYSCALL,EXECVE,CWD,PATH,PATH,PROCTITLE"
expect_eq execve_hex_argument_decoded "$(q "$TMP/pl" "SELECT cmdline FROM auditd WHERE type = 'EXECVE' AND serial = 735")" "/usr/bin/cat /tmp/my report.txt"
expect_eq user_cmd_is_sudo "$(q "$TMP/pl" "SELECT e.action || ' ' || e.actor || ' ' || e.target FROM events e JOIN auditd a ON a.event_id = e.id WHERE a.type = 'USER_CMD'")" "sudo root true"
expect_eq add_user_action "$(q "$TMP/pl" "SELECT e.action || ' ' || e.target || ' ' || e.outcome FROM events e JOIN auditd a ON a.event_id = e.id WHERE a.type = 'ADD_USER'")" "user_add specimenuser success"
expect_eq login_old_new_fields "$(q "$TMP/pl" "SELECT fields ->> '\$.new_auid' FROM auditd WHERE type = 'LOGIN' AND serial = 94983")" "0"

# SigmaHQ linux/auditd rules: the fields they use are columns (no "is not a column of auditd")
SIGMA=$CORPUS/sigma/rules/linux/auditd
if [ -d "$SIGMA" ]; then
  "$KS" hunt "$TMP/s4" --rules "$SIGMA" --verbose >"$TMP/hunt.txt" 2>&1
  rc=$?
  expect_eq sigma_auditd_hunt_runs "$rc" 0
  if grep -E "is not a column of auditd" "$TMP/hunt.txt" >"$TMP/unmapped.txt"; then
    fail sigma_auditd_fields_mapped "$(sort -u "$TMP/unmapped.txt" | head -5)"
  else
    pass sigma_auditd_fields_mapped
  fi
  grep -E '^rule set ' "$TMP/hunt.txt" | sed 's/^/    /'
else
  skip sigma_auditd "no Sigma corpus at $SIGMA"
fi
exit 0
