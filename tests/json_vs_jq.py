#!/usr/bin/env python3
"""Driver for tests/cli/json_vs_jq.sh: runs jsoncanon once over every file (batch mode,
which also checks that 1- and 7-byte reads give identical results) and jq once per file
(two at a time), canonicalises jq's output like jsoncanon does, and compares.

usage: json_vs_jq.py JSONCANON LISTFILE   (LISTFILE: one "kind<TAB>path" per line, kind is
       'any' (compare whatever jq decides), 'strict' (we must reject; jq not consulted))
Prints one line per mismatch and a final "compared N files: A accepted by both, R rejected
by both, S strict-rejected, M mismatches".
"""
import concurrent.futures
import json
import subprocess
import sys

ESC = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
JQ_SPLIT = ('if type=="object" and (.Records|type)=="array" then .Records[] '
            'elif type=="array" then .[] else . end')


def q(s):
    out = []
    for ch in s:
        if ch in ESC:
            out.append(ESC[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dump(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return "%.17g" % float(v)
    if isinstance(v, str):
        return q(v)
    if isinstance(v, list):
        return "[" + ",".join(dump(x) for x in v) + "]"
    keys = sorted(v, key=lambda k: k.encode("utf-8"))
    return "{" + ",".join(q(k) + ":" + dump(v[k]) for k in keys) + "}"


def run_jq(path):
    p = subprocess.run(["jq", "-c", "-S", JQ_SPLIT, path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        return None
    lines = []
    for line in p.stdout.split(b"\n"):
        if line.strip():
            lines.append(dump(json.loads(line.decode("utf-8"), parse_int=float)))
    return "".join(l + "\n" for l in lines)


def main():
    canon, listfile = sys.argv[1], sys.argv[2]
    items = []
    with open(listfile) as f:
        for line in f:
            kind, path = line.rstrip("\n").split("\t", 1)
            items.append((kind, path))
    paths = [p for _, p in items]
    r = subprocess.run([canon, "-R"] + paths, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ours = {}
    buf = []
    for line in r.stdout.split(b"\n"):
        if line.startswith(b"#END "):
            _, rc, path = line.decode("utf-8").split(" ", 2)
            ours[path] = (int(rc), b"".join(l + b"\n" for l in buf).decode("utf-8", "replace"))
            buf = []
        elif line:
            buf.append(line)
    jq_paths = [p for k, p in items if k == "any"]
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        theirs = dict(zip(jq_paths, ex.map(run_jq, jq_paths)))
    acc = rej = strict = bad = 0
    for kind, path in items:
        if path not in ours:
            print("MISMATCH %s: jsoncanon gave no result (%s)" % (path, r.stderr[-300:]))
            bad += 1
            continue
        rc, text = ours[path]
        if rc >= 2:
            print("MISMATCH %s: jsoncanon status %d" % (path, rc))
            bad += 1
        elif kind == "strict":
            if rc == 0:
                print("MISMATCH %s: accepted, but RFC 8259 forbids it" % path)
                bad += 1
            else:
                strict += 1
        else:
            t = theirs[path]
            if t is None and rc == 1:
                rej += 1
            elif t is None or rc == 1:
                print("MISMATCH %s: jq %s, we %s" % (path, "rejects" if t is None else "accepts",
                                                   "reject" if rc else "accept"))
                bad += 1
            elif t != text:
                a, b = text.splitlines(), t.splitlines()
                i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                print("MISMATCH %s: record %d differs:\n  ours %s\n  jq   %s" % (
                    path, i, a[i][:200] if i < len(a) else "(none)", b[i][:200] if i < len(b) else "(none)"))
                bad += 1
            else:
                acc += 1
    print("compared %d files: %d accepted by both, %d rejected by both, %d strict-rejected, %d mismatches"
          % (len(items), acc, rej, strict, bad))


main()
