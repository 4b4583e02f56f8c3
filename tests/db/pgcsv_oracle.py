#!/usr/bin/env python3
"""Compares `kanshiki db log --format jsonl` on filebeat's PostgreSQL csvlog samples with
their -expected.json: same record count; per record the same user, database, SQLSTATE and
level, and the statement filebeat extracted (postgresql.log.query) equals ours.
Usage: pgcsv_oracle.py KS DIR"""
import glob
import json
import os
import subprocess
import sys

ks, d = sys.argv[1], sys.argv[2]
bad, n = 0, 0
for f in sorted(glob.glob(os.path.join(d, '*.csv.log'))):
    exp = json.load(open(f + '-expected.json'))
    out = subprocess.run([ks, 'db', 'log', '--log-format', 'pg_csv', '--format', 'jsonl', f],
                         capture_output=True).stdout
    got = [json.loads(l) for l in out.splitlines() if l.strip()]
    n += 1
    probs = []
    if len(got) != len(exp):
        probs.append(f"{len(got)} records, expected {len(exp)}")
    for i, (g, e) in enumerate(zip(got, exp)):
        for ek, gk in (('user.name', 'user'), ('postgresql.log.database', 'db'),
                       ('postgresql.log.sql_state_code', 'code'), ('log.level', 'severity')):
            if ek in e and str(e[ek]) != g.get(gk, ''):
                probs.append(f"record {i+1}: {gk} {g.get(gk)!r} != {e[ek]!r}")
        q = e.get('postgresql.log.query')
        if q and g.get('sql') != q:
            probs.append(f"record {i+1}: sql {g.get('sql')!r:.80} != {q!r:.80}")
    if probs:
        bad += 1
        print(os.path.basename(f) + ': ' + '; '.join(probs[:3]))
print(f"{n - bad}/{n} csvlog samples match")
sys.exit(1 if bad else 0)
