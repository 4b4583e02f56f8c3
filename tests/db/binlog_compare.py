#!/usr/bin/env python3
"""Compares the row images of `kanshiki db binlog` (text) with
`mysqlbinlog --verbose --base64-output=DECODE-ROWS` row for row.

kanshiki escapes its output for the terminal (backslash -> \\\\, bytes -> \\xNN, \\n, \\t,
\\r, \\e, \\u{XXXX}); that escaping is undone here to get back the mysqlbinlog-style bytes.
Only the '### ' lines are compared (trailing blanks trimmed: mysqlbinlog pads FLOATs).
Usage: binlog_compare.py KANSHIKI_OUT MYSQLBINLOG_OUT  -> exit 0 when equal."""
import re
import sys


def unescape(line: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(line):
        c = line[i]
        if c == 0x5C and i + 1 < len(line):
            n = line[i + 1]
            if n == 0x5C:
                out.append(0x5C); i += 2; continue
            if n == ord('x') and i + 3 < len(line) + 0:
                out.append(int(line[i + 2:i + 4], 16)); i += 4; continue
            if n == ord('n'):
                out.append(10); i += 2; continue
            if n == ord('t'):
                out.append(9); i += 2; continue
            if n == ord('r'):
                out.append(13); i += 2; continue
            if n == ord('e'):
                out.append(27); i += 2; continue
            if n == ord('u') and line[i + 2:i + 3] == b'{':
                j = line.index(b'}', i)
                out += chr(int(line[i + 3:j], 16)).encode('utf-8'); i = j + 1; continue
        out.append(c)
        i += 1
    return bytes(out)


def rows(path, ks):
    res = []
    with open(path, 'rb') as f:
        for line in f:
            line = line.rstrip(b'\n')
            if not line.startswith(b'### '):
                continue
            if ks:
                line = unescape(line)
            res.append(line.rstrip(b' '))
    return res


a = rows(sys.argv[1], True)
b = rows(sys.argv[2], False)
if a == b:
    print(f"{len(a)} row lines identical")
    sys.exit(0)
for i, (x, y) in enumerate(zip(a, b)):
    if x != y:
        print(f"first difference at row line {i + 1}:\n  kanshiki:    {x[:300]!r}\n  mysqlbinlog: {y[:300]!r}")
        break
else:
    print(f"length differs: kanshiki {len(a)} lines, mysqlbinlog {len(b)} lines")
sys.exit(1)
