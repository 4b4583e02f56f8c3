#!/usr/bin/env python3
"""Checks (for the events the result file covers) `kanshiki db binlog` text output against a mysqlbinlog result file: the same event
positions ('# at N'), the same end_log_pos values, and every SQL statement mysqlbinlog
printed (lines that are not comments or its SET/DELIMITER boilerplate) present in ours.
Usage: binlog_oracle.py KANSHIKI_OUT MYSQLBINLOG_OUT"""
import re
import sys

ks = open(sys.argv[1], 'rb').read().decode('utf-8', 'replace')
ref = open(sys.argv[2], 'rb').read().decode('utf-8', 'replace')
at = lambda t: re.findall(r'^# at (\d+)$', t, re.M)
end = lambda t: re.findall(r'end_log_pos (\d+)', t)
errs = []
# a result file may cover a prefix of the binlog (mysqlbinlog --stop-position)
if at(ks)[:len(at(ref))] != at(ref) or not at(ref):
    errs.append(f"positions differ: {at(ks)[:20]} vs {at(ref)[:20]}")
if end(ks)[:len(end(ref))] != end(ref):
    errs.append(f"end_log_pos differ: {end(ks)[:20]} vs {end(ref)[:20]}")
stmts = []
for line in ref.splitlines():
    if not line or line.startswith('#') or line.startswith('/*') or line.startswith('SET ') \
       or line.startswith('DELIMITER') or line.startswith('use ') or line.startswith('BINLOG') \
       or line.startswith("'") or line.startswith('ROLLBACK') or line.startswith('COMMIT') \
       or re.match(r'^[A-Za-z0-9+/=]+$', line):
        continue
    stmts.append(line)
missing = [s for s in stmts if s not in ks]
if missing:
    errs.append(f"{len(missing)} statements missing, first: {missing[0][:200]!r}")
if errs:
    print("; ".join(errs))
    sys.exit(1)
print(f"{len(at(ref))} events and {len(stmts)} statement lines match")
