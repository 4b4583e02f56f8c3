#!/usr/bin/env python3
"""journal_compare.py KS CASE JOURNAL [EVIDENCE] — every field of every entry kanshiki read
from one journal file (ingested as EVIDENCE, default JOURNAL: e.g. the .xz it came in)
against `journalctl --file JOURNAL -o json --all` (systemd's own reader).
Prints "ok N" or the first differences and exits 1."""
import datetime
import json
import subprocess
import sys

ks, case, path = sys.argv[1:4]
evidence = sys.argv[4] if len(sys.argv) > 4 else path


def norm(v):
    """journalctl prints binary values as arrays of byte numbers; kanshiki keeps text with
    invalid UTF-8 as U+FFFD. Compare both as text with runs of U+FFFD folded."""
    if isinstance(v, list) and v and all(isinstance(x, int) for x in v):
        v = bytes(v).decode("utf-8", "replace")
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, str):
        out, prev = [], ""
        for c in v:
            if c == "\ufffd" and prev == "\ufffd":
                continue
            out.append(c)
            prev = c
        return "".join(out)
    return v


exp = []
for line in subprocess.run(["journalctl", "--file", path, "-o", "json", "--all", "--no-pager"],
                           check=True, capture_output=True).stdout.splitlines():
    exp.append(json.loads(line))
got = []
q = ("SELECT j.realtime, j.monotonic, j.boot_id, j.fields FROM journal j JOIN evidence v "
     "ON v.id = j.evidence_id WHERE v.path = ?1 ORDER BY j.id")
for line in subprocess.run([ks, "query", case, q, "-p", evidence, "--format", "jsonl"], check=True,
                           capture_output=True).stdout.splitlines():
    got.append(json.loads(line))

bad = []
if len(got) != len(exp):
    bad.append(f"entries: kanshiki {len(got)}, journalctl {len(exp)}")
for i, (g, e) in enumerate(zip(got, exp)):
    t = datetime.datetime.strptime(g["realtime"][:26], "%Y-%m-%dT%H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc)
    us = int(t.timestamp()) * 1000000 + t.microsecond
    if str(us) != e["__REALTIME_TIMESTAMP"]:
        bad.append(f"entry {i}: realtime {us} != {e['__REALTIME_TIMESTAMP']}")
    if str(g["monotonic"]) != e["__MONOTONIC_TIMESTAMP"]:
        bad.append(f"entry {i}: monotonic {g['monotonic']} != {e['__MONOTONIC_TIMESTAMP']}")
    if g["boot_id"] != e.get("_BOOT_ID"):
        bad.append(f"entry {i}: boot_id {g['boot_id']} != {e.get('_BOOT_ID')}")
    ef = {k: norm(v) for k, v in e.items() if not k.startswith("__")}
    gf = {k: norm(v) for k, v in json.loads(g["fields"]).items()}
    # journalctl prints the entry header's boot id as _BOOT_ID even when no such field exists
    if "_BOOT_ID" not in gf and "_BOOT_ID" in ef:
        gf["_BOOT_ID"] = g["boot_id"]
    if gf != ef:
        keys = sorted(set(gf) | set(ef))
        diff = [k for k in keys if gf.get(k) != ef.get(k)]
        bad.append(f"entry {i}: fields differ: " +
                   "; ".join(f"{k}: {gf.get(k)!r} != {ef.get(k)!r}" for k in diff[:3]))
    if len(bad) > 5:
        break
if bad:
    print("\n".join(bad[:6]))
    sys.exit(1)
print(f"ok {len(got)}")
