#!/usr/bin/env python3
"""Writes a Percona Server audit log in its JSON format (audit_log_format=JSON, layout from
Percona's "Audit Log Plugin" documentation) holding the same activity as a MySQL Enterprise
JSON audit log (the filebeat sample in the corpus): connections, disconnections and
statements, one {"audit_record": {...}} object per line. The kanshiki test then checks that
both readers report the same users, hosts, connection ids, statements and statuses.
Usage: make_percona_audit_json.py ENTERPRISE.log > percona.json"""
import json
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
dec = json.JSONDecoder()
i, n = 0, 0
while i < len(text):
    while i < len(text) and text[i] in " \t\r\n,[]":
        i += 1
    if i >= len(text):
        break
    rec, i = dec.raw_decode(text, i)
    cls, ev = rec.get("class"), rec.get("event")
    if cls == "connection":
        name = {"connect": "Connect", "disconnect": "Quit"}.get(ev)
        data = rec.get("connection_data", {})
    elif cls == "general":
        name = rec["general_data"].get("command", "Query")
        data = rec["general_data"]
    else:
        continue
    if not name:
        continue
    n += 1
    acc, login = rec.get("account", {}), rec.get("login", {})
    ts = rec["timestamp"].replace(" ", "T") + " UTC"
    out = {"name": name, "record": "%d_%s" % (n, ts[:19]), "timestamp": ts}
    if "query" in data:
        out["command_class"] = data.get("sql_command", "")
    out["connection_id"] = str(rec.get("connection_id", 0))
    out["status"] = data.get("status", 0)
    if "query" in data:
        out["sqltext"] = data["query"]
        out["user"] = "%s[%s] @ %s [%s]" % (acc.get("user", ""), acc.get("user", ""),
                                            acc.get("host", ""), login.get("ip", ""))
    else:
        out["user"] = acc.get("user", "")
        out["priv_user"] = acc.get("user", "")
        out["os_login"] = ""
        out["proxy_user"] = ""
    out["host"] = acc.get("host", "")
    out["os_user"] = ""
    out["ip"] = login.get("ip", "")
    out["db"] = data.get("db", "")
    print(json.dumps({"audit_record": out}, ensure_ascii=False, separators=(",", ":")))
