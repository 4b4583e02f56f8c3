#!/usr/bin/env python3
"""Compares kanshiki's db_log rows of a MySQL Enterprise JSON audit log (jsonl from
`kanshiki query --format jsonl`, one row per record with line offset user host sql code)
with filebeat's expected documents for the same file: per record (matched by byte offset),
the user (server.user.name), the client address (client.ip, else client.domain), the
statement (general_data.query / table_access_data.query) and the status."""
import json
import sys

exp = {d["log.offset"]: d for d in json.load(open(sys.argv[2], encoding="utf-8"))}
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
bad = []
for g in got:
    e = exp.pop(g["offset"], None)
    if e is None:
        bad.append("offset %s not in filebeat's output" % g["offset"])
        continue
    want = {
        "user": e.get("server.user.name", ""),
        "host": e.get("client.ip", e.get("client.domain", "")),
        "sql": e.get("mysqlenterprise.audit.general_data.query",
                     e.get("mysqlenterprise.audit.table_access_data.query")),
        "code": str(e.get("mysqlenterprise.audit.general_data.status",
                          e.get("mysqlenterprise.audit.connection_data.status", ""))),
    }
    for k, v in want.items():
        if (g.get(k) or "") != (v or ""):
            bad.append("offset %s %s: got %r want %r" % (g["offset"], k, g.get(k), v))
if exp:
    bad.append("records not read at offsets %s" % sorted(exp))
print("\n".join(bad[:20]) if bad else "%d records agree" % len(got))
sys.exit(1 if bad else 0)
