#!/usr/bin/env python3
"""Writes web-server log fixtures with edge cases into DIR (tests/cli/web_fixture.sh).

Every file is generated here so the tests need no checked-in blobs. Expected values are
stated next to each line in tests/cli/web_fixture.sh.
"""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def w(name, lines, end="\n"):
    with open(os.path.join(out, name), "wb") as f:
        f.write(end.join(lines).encode("latin-1") if isinstance(lines[0], str) else b"\n".join(lines))
        if end == "\n":
            f.write(b"\n")


UA = "Mozilla/5.0 (X11; Linux x86_64)"
access = [
    # 1: local offset +0900, percent-encoding in path and query, a user
    f'203.0.113.5 - alice [22/Nov/2026:18:21:59 +0900] "GET /a%20b/c.php?x=%41&y=1+2 HTTP/1.1" 200 12 "-" "{UA}"',
    # 2: nginx escapes a quote as \x22 (attacker-controlled request and user agent)
    r'198.51.100.7 - - [22/Nov/2026:10:00:00 +0000] "GET /\x22onmouseover=alert(1)\x22 HTTP/1.1" 404 0 "-" "Mozilla \x22evil\x22"',
    # 3: Apache escapes a quote as \"
    r'198.51.100.8 - - [22/Nov/2026:10:00:01 +0000] "GET /q?s=\"x\" HTTP/1.0" 404 - "-" "sqlmap/1.7"',
    # 4: behind a proxy: the X-Forwarded-For chain in a trailing field
    f'10.0.0.5 - - [22/Nov/2026:10:00:02 +0000] "POST /login HTTP/1.1" 401 17 "https://example.com/" "{UA}" "203.0.113.9, 10.1.2.3"',
    # 5: a spoofed leftmost X-Forwarded-For entry must not become the client
    f'10.0.0.5 - - [22/Nov/2026:10:00:03 +0000] "GET /admin HTTP/1.1" 403 5 "-" "{UA}" "1.1.1.1, 203.0.113.66"',
    # 6: TLS handshake bytes sent to the plain-HTTP port
    r'192.0.2.50 - - [22/Nov/2026:10:00:04 -0500] "\x16\x03\x01\x00\xA5\x01\x00\x00\xA1\x03\x03" 400 157 "-" "-"',
    # 7: IPv6 client, empty request
    '2001:db8::1 - - [22/Nov/2026:10:00:05 +0000] "" 400 0 "-" "-"',
    # 8: not an access log line at all
    "this line is not a web log line",
    # 9: unescaped quotes inside the request (old Apache): the request ends at '" 404'
    '192.0.2.51 - - [22/Nov/2026:10:00:06 +0000] "GET /x?t=<script>alert("a")</script> HTTP/1.1" 404 9 "-" "-"',
    # 10: vhost:port prefix (vhost_combined) and fractional seconds in the time
    f'www.example.com:443 192.0.2.52 - - [22/Nov/2026:10:00:07.250 +0000] "HEAD / HTTP/2.0" 200 - "-" "{UA}"',
    # 11: a too-long line (1.1 MiB request)
    '192.0.2.53 - - [22/Nov/2026:10:00:08 +0000] "GET /' + "A" * (1100 * 1024) + ' HTTP/1.1" 414 0 "-" "-"',
    # 12: last line without a newline
    '192.0.2.54 - - [22/Nov/2026:10:00:09 +0000] "GET /end HTTP/1.1" 200 1',
]
with open(os.path.join(out, "access_edge.log"), "wb") as f:
    f.write(("\n".join(access)).encode("latin-1"))

# nginx log_format with extra variables
w("nginx_custom.log", [
    '203.0.113.10 - bob [22/Nov/2026:11:00:00 +0100] "GET /api/v1/items?id=7 HTTP/1.1" 200 321 "-" "curl/8.5" "-" rt=0.012 host=api.example.com',
    '10.2.0.1 - - [22/Nov/2026:11:00:01 +0100] "DELETE /api/v1/items/7 HTTP/1.1" 204 0 "-" "python-requests/2.31" "198.51.100.99" rt=1.500 host=api.example.com',
    'garbage that does not follow the format',
])
# Apache LogFormat with %D (microseconds) and the X-Forwarded-For header
w("apache_custom.log", [
    '10.3.0.9 - - [22/Nov/2026:12:00:00 +0000] "GET /wp-login.php HTTP/1.1" 200 4521 250000 "198.51.100.200, 10.3.0.1"',
])
# nginx with $time_iso8601 and $msec
w("nginx_iso.log", [
    '2026-11-22T12:30:00+09:00 192.0.2.60 "GET /iso HTTP/1.1" 302',
])
w("nginx_msec.log", [
    '1763814600.123 192.0.2.61 "GET /msec HTTP/1.1" 200',
])
# error logs: nginx multi-line FastCGI stderr, and Apache 2.4 with an IPv6 client
w("nginx_error.log", [
    '2026/11/22 09:00:00 [error] 100#100: *5 FastCGI sent in stderr: "PHP message: first',
    'PHP message: second" while reading response header from upstream, client: 203.0.113.7, server: example.com, request: "GET /x.php HTTP/1.1", upstream: "fastcgi://unix:/run/php.sock:", host: "example.com"',
    '2026/11/22 09:00:01 [crit] 100#100: *6 SSL_do_handshake() failed while SSL handshaking, client: 198.51.100.3, server: 0.0.0.0:443',
])
w("apache_error.log", [
    '[Sun Nov 22 09:00:02.123456 2026] [authz_core:error] [pid 77:tid 140000] [client [2001:db8::7]:40000] AH01630: client denied by server configuration: /srv/www/secret',
    'orphan continuation line',
])
w("orphan_error.log", [
    'a continuation without a record',
    '2026/11/22 09:00:03 [warn] 1#1: an upstream response is buffered',
])

# ---- ELB ----------------------------------------------------------------------------
TG = "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:targetgroup/web/0123456789abcdef"
CERT = "arn:aws:acm:ap-northeast-1:111122223333:certificate/11111111-2222-3333-4444-555555555555"
alb = [
    # 1: every field of the current format incl. classification and conn_trace_id
    f'https 2026-11-22T10:00:00.123456Z app/web/abc 203.0.113.5:51000 10.0.1.10:8080 0.001 0.020 0.000 200 200 512 2048 '
    f'"GET https://www.example.com:443/login?next=%2Fadmin HTTP/1.1" "Mozilla/5.0 \\"quoted\\"" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 {TG} '
    f'"Root=1-6740-abc" "www.example.com" "{CERT}" 10 2026-11-22T10:00:00.100000Z "waf,forward" "-" "-" "10.0.1.10:8080" "200" '
    f'"Ambiguous" "UndefinedContentLengthSemantics" TID_1234abcd',
    # 2: two fields AWS might add later: kept in extra
    f'http 2026-11-22T10:00:01.000000Z app/web/abc 2001:db8::5:40000 - -1 -1 -1 503 - 100 300 "GET http://www.example.com:80/ HTTP/1.1" "curl/8" - - {TG} '
    f'"Root=1-6740-def" "-" "-" 0 2026-11-22T10:00:00.900000Z "forward" "-" "-" "-" "-" "-" "-" TID_5678 "future1" future2',
    # 3: a redirect and an authentication error reason
    f'https 2026-11-22T10:00:02.000000Z app/web/abc 198.51.100.9:1234 - -1 -1 -1 302 - 80 150 "GET https://www.example.com:443/old HTTP/2.0" "-" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.3 - '
    f'"Root=1-6740-ghi" "www.example.com" "{CERT}" 5 2026-11-22T10:00:02.000000Z "redirect" "https://www.example.com:443/new" "AuthInvalidCookie"',
    # 4: too few fields
    'https 2026-11-22T10:00:03.000000Z app/web/abc 198.51.100.9:1234',
    # 5: a bad time
    f'http 2026-13-45T99:00:00.000000Z app/web/abc 198.51.100.9:1234 - -1 -1 -1 400 - 0 0 "- - - " "-" - -',
    # 6: unterminated quoted field
    f'http 2026-11-22T10:00:05.000000Z app/web/abc 198.51.100.9:1234 - -1 -1 -1 400 - 0 0 "GET /x HTTP/1.1',
]
w("alb_edge.log", alb)

# ---- VPC Flow Logs --------------------------------------------------------------------
# 1: a v5 custom format given on the command line (no header), one unknown field name
w("vpcflow_custom.log", [
    "5 123456789012 ap-northeast-1 vpc-0a1 eni-0b2 2001:db8::10 2001:db8::20 443 51515 6 10 5000 1763805600 1763805660 ACCEPT OK egress 8 s3 - future-x",
    "5 123456789012 ap-northeast-1 vpc-0a1 eni-0b2 198.51.100.7 10.0.0.5 55555 22 6 3 180 1763805600 1763805660 REJECT OK ingress - - - -",
    "5 123456789012 ap-northeast-1 vpc-0a1 eni-0b2 - - - - - - - 1763805600 1763805660 - NODATA - - - - -",
    "5 123456789012 too few values",
    "5 123456789012 ap-northeast-1 vpc-0a1 eni-0b2 198.51.100.7 10.0.0.5 http 22 6 3 180 1763805600 1763805660 REJECT OK ingress - - - -",
])
# 2: two delivery files concatenated: the second header changes the format
w("vpcflow_two_headers.log", [
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
    "2 123456789012 eni-0c3 203.0.113.9 10.0.0.6 40000 3389 6 4 240 1763805700 1763805760 REJECT OK",
    "version vpc-id srcaddr dstaddr tcp-flags reject-reason log-status",
    "8 vpc-0a1 203.0.113.10 10.0.0.7 2 BPA OK",
])

# ---- S3 server access ------------------------------------------------------------------
OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
w("s3access_edge.log", [
    # 1: anonymous requester, encoded key, access denied, fields added after aclrequired
    f'{OWNER} bkt [22/Nov/2026:10:00:00 +0000] 198.51.100.4 - REQ1 REST.GET.OBJECT secret%20plans.pdf "GET /bkt/secret%20plans.pdf HTTP/1.1" 403 AccessDenied 243 - 7 - "-" "curl/8" - HID1 SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader bkt.s3.ap-northeast-1.amazonaws.com TLSv1.3 - - future1 future2',
    # 2: presigned URL download by an assumed role, a quote escaped in the user agent
    f'{OWNER} bkt [22/Nov/2026:19:00:01 +0900] 203.0.113.8 arn:aws:sts::111122223333:assumed-role/exfil/s1 REQ2 REST.GET.OBJECT data.csv "GET /bkt/data.csv?X-Amz-Signature=abc HTTP/1.1" 200 - 1048576 1048576 120 20 "-" "python \\"x\\"" - HID2 SigV4 ECDHE-RSA-AES128-GCM-SHA256 QueryString bkt.s3.amazonaws.com TLSv1.2 - -',
    # 3: an old line that stops after the user agent
    f'{OWNER} bkt [06/Feb/2014:00:00:38 +0000] 192.0.2.3 - REQ3 REST.HEAD.OBJECT k "HEAD /bkt/k HTTP/1.1" 200 - - 5 1 1 "-" "aws-cli"',
    # 4: a broken line
    f'{OWNER} bkt [22/Nov/2026:10:00:00 +0000] 198.51.100.4 - REQ4 "unterminated',
])

# ---- WAF -----------------------------------------------------------------------------
import json as _json
ACL = "arn:aws:wafv2:ap-northeast-1:111122223333:regional/webacl/shop/abcd"
def waf(ts, action, rule, ip, uri, args, extra=None):
    d = {"timestamp": ts, "formatVersion": 1, "webaclId": ACL, "terminatingRuleId": rule,
         "terminatingRuleType": "MANAGED_RULE_GROUP" if action == "BLOCK" else "REGULAR", "action": action,
         "terminatingRuleMatchDetails": [{"conditionType": "SQL_INJECTION", "location": "QUERY_STRING", "matchedData": ["1", "OR", "1=1"]}] if action == "BLOCK" else [],
         "httpSourceName": "ALB", "httpSourceId": "111122223333-app/shop/1", "ruleGroupList": [], "rateBasedRuleList": [],
         "nonTerminatingMatchingRules": [], "requestHeadersInserted": None, "responseCodeSent": None,
         "httpRequest": {"clientIp": ip, "country": "JP", "headers": [{"name": "Host", "value": "shop.example.com"}, {"name": "User-Agent", "value": "sqlmap/1.7"}],
                         "uri": uri, "args": args, "httpVersion": "HTTP/1.1", "httpMethod": "GET", "requestId": "rid-" + str(ts)},
         "labels": [{"name": "awswaf:managed:aws:sql-database:SQLi_QueryArguments"}] if action == "BLOCK" else None}
    if extra:
        d.update(extra)
    return _json.dumps(d, separators=(",", ":"))
with open(os.path.join(out, "waf_edge.log"), "w") as f:
    f.write(waf(1763805600123, "BLOCK", "AWS-AWSManagedRulesSQLiRuleSet", "198.51.100.66", "/search", "q=1%20OR%201=1", {"ja3Fingerprint": "abc123", "futureField": {"x": 1}}) + "\n")
    # two records on one line (Firehose concatenation)
    f.write(waf(1763805601000, "ALLOW", "Default_Action", "203.0.113.1", "/", "") + waf(1763805602000, "COUNT", "Default_Action", "203.0.113.2", "/a", "b=c") + "\n")
    f.write('{"webaclId": "x", "httpRequest": {}, "action": "ALLOW"}\n')  # no timestamp
    f.write('{"timestamp": 1763805603000, "webaclId": "x", "httpRequest": {"clientIp": "1.2.3.4"\n')  # truncated

# ---- CloudWatch Logs -------------------------------------------------------------------
flow = "2 123456789012 eni-0b2 198.51.100.7 10.0.0.5 55555 22 6 3 180 1763805600 1763805660 REJECT OK"
with open(os.path.join(out, "cw_filter.json"), "w") as f:
    _json.dump({"events": [
        {"logStreamName": "eni-0b2-all", "timestamp": 1763805660000, "message": flow, "ingestionTime": 1763805665000, "eventId": "e1"},
        {"logStreamName": "web-1", "timestamp": 1763805661000, "message": '203.0.113.5 - - [22/Nov/2026:10:01:01 +0000] "GET /x HTTP/1.1" 404 1 "-" "ua"', "ingestionTime": 1763805662000, "eventId": "e2"},
        {"logStreamName": "app", "timestamp": 1763805662000, "message": "plain application text\nsecond line", "ingestionTime": 1763805663000, "eventId": "e3"},
        {"logStreamName": "app", "timestamp": "not-a-number", "message": "bad", "eventId": "e4"},
    ], "searchedLogStreams": []}, f, indent=2)

# ---- Route 53 Resolver query logs --------------------------------------------------------
def r53(ts, name, qtype, rcode, answers, src, extra=None):
    d = {"version": "1.100000", "account_id": "111122223333", "region": "ap-northeast-1", "vpc_id": "vpc-0a1",
         "query_timestamp": ts, "query_name": name, "query_type": qtype, "query_class": "IN", "rcode": rcode,
         "answers": [{"Rdata": a, "Type": qtype, "Class": "IN"} for a in answers], "srcaddr": src, "srcport": "53155",
         "transport": "UDP", "srcids": {"instance": "i-0abc", "resolver_endpoint": "rslvr-in-1"}}
    if extra:
        d.update(extra)
    return _json.dumps(d)
with open(os.path.join(out, "r53.log"), "w") as f:
    f.write(r53("2026-11-22T10:00:00Z", "example.com.", "A", "NOERROR", ["93.184.216.34"], "10.0.0.5") + "\n")
    f.write(r53("2026-11-22T10:00:01Z", "c2.evil.example.", "TXT", "NOERROR", [], "10.0.0.5",
                {"firewall_rule_action": "BLOCK", "firewall_rule_group_id": "rslvr-frg-1", "firewall_domain_list_id": "rslvr-fdl-1", "future": 1}) + "\n")
    f.write(r53("2026-11-22T10:00:02Z", "nosuch.example.", "AAAA", "NXDOMAIN", [], "10.0.0.6") + "\n")
    f.write('{"query_name": "x.", "query_timestamp": "yesterday"}\n')
