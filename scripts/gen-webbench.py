#!/usr/bin/env python3
"""Bulk gzip'd web logs for bench/web.sh: ALB access logs and nginx combined logs.

usage: gen-webbench.py DIR [--lines N]   (N lines of each kind, split over a few files)
Deterministic (seeded), so runs compare."""
import gzip
import os
import random
import sys

out = sys.argv[1]
n = int(sys.argv[sys.argv.index("--lines") + 1]) if "--lines" in sys.argv else 300000
os.makedirs(out, exist_ok=True)
rnd = random.Random(4)
clients = [f"198.51.{rnd.randrange(256)}.{rnd.randrange(256)}" for _ in range(2000)]
paths = ["/", "/login", "/api/v1/items?id=%d", "/static/app.js", "/wp-login.php", "/admin", "/search?q=%d"]
uas = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36", "curl/8.5.0", "python-requests/2.31", "sqlmap/1.7"]
statuses = [200] * 12 + [301, 302, 304, 400, 401, 403, 404, 404, 404, 500, 503]
TG = "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:targetgroup/web/0123456789abcdef"
files = 4
per = n // files
for k in range(files):
    with gzip.open(os.path.join(out, f"alb-{k}.log.gz"), "wt", compresslevel=6) as f:
        for i in range(per):
            c = rnd.choice(clients)
            p = rnd.choice(paths)
            p = p % i if "%d" in p else p
            st = rnd.choice(statuses)
            s = 1763805600 + k * per + i
            hh, mm, ss = (s // 3600) % 24, (s // 60) % 60, s % 60
            f.write(f'https 2025-11-22T{hh:02d}:{mm:02d}:{ss:02d}.{i % 1000000:06d}Z app/web/abc {c}:{40000 + i % 20000} 10.0.1.{i % 250}:8080 '
                    f'0.001 0.012 0.000 {st} {st} {200 + i % 700} {1000 + i % 9000} "GET https://www.example.com:443{p} HTTP/1.1" '
                    f'"{rnd.choice(uas)}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 {TG} "Root=1-{i:08x}-abc" "www.example.com" '
                    f'"arn:aws:acm:ap-northeast-1:111122223333:certificate/x" 0 2025-11-22T{hh:02d}:{mm:02d}:{ss:02d}.000000Z "forward" "-" "-" '
                    f'"10.0.1.{i % 250}:8080" "{st}" "-" "-" TID_{i:x}\n')
    with gzip.open(os.path.join(out, f"nginx-{k}.log.gz"), "wt", compresslevel=6) as f:
        for i in range(per):
            c = rnd.choice(clients)
            p = rnd.choice(paths)
            p = p % i if "%d" in p else p
            st = rnd.choice(statuses)
            s = i
            f.write(f'{c} - - [22/Nov/2025:{(s // 3600) % 24:02d}:{(s // 60) % 60:02d}:{s % 60:02d} +0900] "GET {p} HTTP/1.1" {st} {100 + i % 5000} '
                    f'"-" "{rnd.choice(uas)}"\n')
