#!/usr/bin/env python3
"""hostbin_compare.py KIND KS CASE FILE — one binary host log as kanshiki read it, against
a real tool or a published expectation:
  utmp    util-linux `utmpdump FILE` (native 384-byte little-endian layout only)
  utmptxt FILE.txt, a utmpdump rendering made on the machine that wrote FILE
  plaso   plaso's own test expectations (ORACLE_plaso_tests.json) for FILE
  pacct   `dump-acct FILE` from the acct package (TZ=UTC)
  lastlog s4's lastlog.txt next to FILE (shadow's `lastlog` rendering of it)
Prints "ok N" or the differences and exits 1."""
import datetime
import json
import os
import re
import subprocess
import sys

kind, ks, case, path = sys.argv[1:5]


def rows(sql):
    out = subprocess.run([ks, "query", case, sql, "-p", path, "--format", "jsonl"], check=True,
                         capture_output=True).stdout.splitlines()
    return [json.loads(x) for x in out]


def iso_us(t):
    """kanshiki time text -> (epoch seconds, microseconds)."""
    d = datetime.datetime.strptime(t[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc)
    return int(d.timestamp()), d.microsecond


JOIN = " FROM {t} x JOIN evidence v ON v.id = x.evidence_id WHERE v.path = ?1 ORDER BY x.id"
bad = []
n = 0
if kind in ("utmp", "utmptxt"):
    exp = []
    if kind == "utmp":
        dump = subprocess.run(["utmpdump", path], check=True, capture_output=True,
                              text=True, errors="replace").stdout
    else:
        dump = open(path + ".txt", errors="replace").read()
    for line in dump.splitlines():
        if not line.startswith("["):
            continue
        f = [x.rstrip() for x in line[1:-1].split("] [")]
        exp.append(f)
    got = []
    for r in rows("SELECT type, pid, ut_id, user, terminal, host, addr, time" + JOIN.format(t="utmp")):
        s, us = iso_us(r["time"])
        t = datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        got.append([str(r["type"]), "%05d" % r["pid"], r["ut_id"] or "", r["user"] or "",
                    r["terminal"] or "", r["host"] or "", r["addr"] or "0.0.0.0",
                    "%s,%06d+00:00" % (t, us)])
    n = len(got)
    if len(got) != len(exp):
        bad.append(f"records: kanshiki {len(got)}, utmpdump {len(exp)}")
    for i, (g, e) in enumerate(zip(got, exp)):
        if kind == "utmptxt":
            # s4's renderings beside the 400-byte files print ut_host again in the address
            # column; the bytes hold another address: compare the rest
            g, e = g[:6] + g[7:], e[:6] + e[7:]
        if g != e:
            bad.append(f"record {i}: {g} != {e}")
elif kind == "plaso":
    oracle = json.load(open(sys.argv[5]))
    test = [t for t in oracle if t.get("staged_path", "").endswith("/" + os.path.basename(path))
            and "utmp" in t["test_file"]][0]
    got = rows("SELECT x.offset, type, pid, ut_id, user, terminal, addr, time" + JOIN.format(t="utmp"))
    n = len(got)
    if len(got) != test["expected_number_of_event_data"]:
        bad.append(f"records: kanshiki {len(got)}, plaso {test['expected_number_of_event_data']}")
    be = "s390" in path
    for c in test["checks"]:
        g, e = got[c["event_data_index"]], c["expected_event_values"]
        s, us = iso_us(g["time"])
        wt = datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%S") + ".%06d+00:00" % us
        idb = (g["ut_id"] or "").encode().ljust(4, b"\0")
        mine = {"offset": g["offset"], "login_type": g["type"], "pid": g["pid"],
                "terminal": g["terminal"], "username": g["user"], "written_time": wt,
                "ip_address": g["addr"] or "0.0.0.0",
                "terminal_identifier": int.from_bytes(idb, "big" if be else "little")}
        for k, v in e.items():
            if k in mine and mine[k] != v:
                bad.append(f"index {c['event_data_index']}: {k} {mine[k]!r} != {v!r}")
elif kind == "pacct":
    env = dict(os.environ, TZ="UTC")
    exp = []
    for line in subprocess.run(["dump-acct", path], check=True, capture_output=True, env=env,
                               text=True, errors="replace").stdout.splitlines():
        f = [x.strip() for x in line.split("|")]
        # comm|v3|utime|stime|etime|uid|gid|mem|io|pid|ppid|flags|exitcode|tty|btime
        exp.append([f[0], f[4], f[5], f[6], f[7], f[9], f[10], f[14]])
    got = []
    for r in rows("SELECT comm, etime, uid, gid, mem, pid, ppid, btime" + JOIN.format(t="pacct")):
        s, _ = iso_us(r["btime"])
        bt = datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%a %b %e %H:%M:%S %Y")
        got.append([r["comm"], "%.2f" % (r["etime"] * 100), str(r["uid"]), str(r["gid"]),
                    "%.2f" % r["mem"], str(r["pid"]), str(r["ppid"]), bt])
    n = len(got)
    if len(got) != len(exp):
        bad.append(f"records: kanshiki {len(got)}, dump-acct {len(exp)}")
    for i, (g, e) in enumerate(zip(got, exp)):
        # etime: a float of ticks; both print it with 2 decimals but from different
        # precisions, so compare to 6 significant digits
        if g[1] != e[1] and abs(float(g[1]) - float(e[1])) <= 1e-6 * max(1.0, abs(float(e[1]))):
            g[1] = e[1]
        if g != e:
            bad.append(f"record {i}: {g} != {e}")
elif kind == "lastlog":
    txt = os.path.join(os.path.dirname(path), "lastlog.txt")
    exp = []
    for line in open(txt, errors="replace").read().splitlines()[1:]:
        if "**Never logged in**" in line or not line.strip():
            continue
        # "root  pts/0  host.net  Sun Mar  3 02:03:58 -0500 2024"
        m = re.match(r"^(\S+)\s+(\S+)\s+(.*?)\s*(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d [+-]\d{4} \d{4})$", line)
        if not m:
            bad.append(f"unparsed oracle line {line!r}")
            continue
        t = datetime.datetime.strptime(m.group(4), "%a %b %d %H:%M:%S %z %Y")
        exp.append([m.group(2), m.group(3), int(t.timestamp())])
    got = [[r["terminal"], r["host"] or "", iso_us(r["time"])[0]]
           for r in rows("SELECT terminal, host, time" + JOIN.format(t="lastlog"))]
    n = len(got)
    if sorted(got) != sorted(exp):
        bad.append(f"kanshiki {sorted(got)} != lastlog.txt {sorted(exp)}")
if bad:
    print("\n".join(bad[:6]))
    sys.exit(1)
print(f"ok {n}")
