#!/usr/bin/env python3
"""Measures detection against labelled real samples (tests/cli/detection_quality.sh).

usage: detection_quality.py fail2ban REPORT_JSON EVENTS_JSONL LOGFILE...
       detection_quality.py falco REPORT_JSON EVENTS_JSONL TESTS_YAML

REPORT_JSON is `kanshiki investigate`'s report.json (built-in analyzers and the Sigma rules it
ran); EVENTS_JSONL is `kanshiki query CASE "SELECT id, src_ip, file FROM events" --format jsonl`.
A finding "covers" the records behind it (its evidence references).

fail2ban: each log line is preceded by `# failJSON: {"match": true|false, "host": ...}`. An
attacking host (match true) is detected when a finding covers a record from it; a host only
ever labelled match false is benign, and a false detection when a finding above low covers it.
falco: falco_k8s_audit_tests.yaml says per test whether Falco detects something in a trace
file. A trace is detected here when a finding covers one of its records. Falco's "no detection"
cases often depend on allow-list rule files of that test, so the false count is indicative.

Prints one "quality ..." line per sample set and a final "counts fired/expected false" line.
"""
import json
import os
import re
import sys


def load(report, events):
    rep = json.load(open(report))
    ev = {}
    for line in open(events):
        line = line.strip()
        if line:
            r = json.loads(line)
            ev[int(r["id"])] = (r.get("src_ip") or "", r.get("file") or "")
    return rep, ev


def covered(rep, ev, min_sev=("info", "low", "medium", "high", "critical")):
    ips, files = set(), set()
    for f in rep["findings"]:
        if f["severity"] not in min_sev:
            continue
        for e in f.get("evidence", []):
            ip, fl = ev.get(int(e["event_id"]), ("", ""))
            ips.add(ip)
            files.add(os.path.basename(fl))
    return ips, files


def fail2ban(rep, ev, logs):
    any_ips, _ = covered(rep, ev)
    serious_ips, _ = covered(rep, ev, ("medium", "high", "critical"))
    tot_exp = tot_hit = tot_false = 0
    for path in logs:
        attack, benign = set(), set()
        for line in open(path, errors="replace"):
            m = re.match(r"#\s*failJSON:\s*(\{.*\})\s*$", line)
            if not m:
                continue
            try:
                j = json.loads(m.group(1))
            except ValueError:
                continue
            h = j.get("host")
            if not h:
                continue
            (attack if j.get("match") else benign).add(h)
        benign -= attack
        hit = attack & any_ips
        false = benign & serious_ips
        tot_exp += len(attack)
        tot_hit += len(hit)
        tot_false += len(false)
        print("quality fail2ban %s: %d/%d attacking hosts detected, %d of %d benign hosts in a finding above low"
              % (os.path.basename(path), len(hit), len(attack), len(false), len(benign)))
    print("counts %d/%d %d" % (tot_hit, tot_exp, tot_false))


def falco(rep, ev, tests_yaml):
    import yaml

    class Loader(yaml.SafeLoader):
        pass
    Loader.add_constructor("!mux", lambda l, n: l.construct_mapping(n))
    tests = yaml.load(open(tests_yaml), Loader=Loader)["trace_files"]
    _, files = covered(rep, ev)
    exp = hit = neg = false = 0
    for name, t in sorted(tests.items()):
        m = re.search(r"trace_files/k8s_audit/([^ ]+\.json)", t.get("addl_cmdline_opts", ""))
        if not m:
            continue
        det = m.group(1) in files
        if t.get("detect"):
            exp += 1
            hit += det
        else:
            neg += 1
            false += det
    print("quality falco k8s audit: %d/%d tests where Falco detects were detected; %d of %d tests where "
          "Falco does not detect had a finding" % (hit, exp, false, neg))
    print("counts %d/%d %d" % (hit, exp, false))


def main():
    mode, report, events = sys.argv[1:4]
    rep, ev = load(report, events)
    if mode == "fail2ban":
        fail2ban(rep, ev, sys.argv[4:])
    else:
        falco(rep, ev, sys.argv[4])


if __name__ == "__main__":
    main()
