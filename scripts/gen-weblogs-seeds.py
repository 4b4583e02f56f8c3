#!/usr/bin/env python3
"""Writes small seed inputs for tests/fuzz/fuzz_textlogs.c into DIR (one per layout)."""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
seeds = {
    "combined.log": '203.0.113.5 - alice [22/Nov/2026:18:21:59 +0900] "GET /a%20b?x=%41 HTTP/1.1" 200 12 "-" "curl/8" "198.51.100.1, 10.0.0.1"\n',
    "escapes.log": '198.51.100.7 - - [22/Nov/2026:10:00:00 +0000] "GET /\\x22a\\\\b\\"c HTTP/1.1" 404 - "-" "\\x16\\x03"\n',
    "vhost.log": 'www.example.com:443 "10.5.1.1, 175.16.199.1" 10.2.1.185 - - [22/Jan/2016:13:18:29 +0000] "GET /x?q=1 HTTP/1.1" 200 5 "-" "ua"\n',
    "ssl_request.log": '[10/Aug/2018:09:45:56 +0200] 172.30.0.119 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "GET /x HTTP/1.1" 1375\n',
    "nginx_custom.log": '10.0.0.1 - - [22/Nov/2026:11:00:01 +0100] "GET / HTTP/1.1" 200 0 "-" "ua" "1.2.3.4" 0.001 example.com\n',
    "apache_custom.log": 'example.com:80 10.3.0.9 - - [22/Nov/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 1 250 "198.51.100.200"\n',
    "iso.log": '2026-11-22T12:30:00+09:00|1763814600.123|192.0.2.60|GET /iso HTTP/1.1|302\n',
    "nginx_error.log": '2026/11/22 09:00:00 [error] 100#100: *5 FastCGI sent in stderr: "x\ny", client: 203.0.113.7, server: s, request: "GET / HTTP/1.1", host: "h"\n',
    "apache_error.log": '[Sun Nov 22 09:00:02.123456 2026] [authz_core:error] [pid 77:tid 1] [client [2001:db8::7]:40000] AH01630: denied\n[Mon Dec 26 16:22:08 2016] [error] [client 192.168.33.1] File does not exist\n',
    "alb.log": 'https 2026-11-22T10:00:00.123456Z app/web/abc 203.0.113.5:51000 10.0.1.10:8080 0.001 0.020 0.000 200 200 512 2048 "GET https://h:443/?a HTTP/1.1" "ua \\"q\\"" C TLSv1.2 arn:aws:elasticloadbalancing:r:1:tg "Root=1" "h" "-" 10 2026-11-22T10:00:00.100000Z "waf,forward" "-" "-" "10.0.1.10:8080" "200" "-" "-" TID_1 "x"\n',
    "nlb.log": 'tls 2.0 2018-12-20T02:59:40 net/n/c6 g3 89.160.20.112:51341 172.100.100.185:443 5 2 98 246 - arn:aws:acm:r:1:c - ECDHE tlsv12 - d.example h2 h2 "h2","http/1.1" 2018-12-20T02:59:30\n',
    "clb.log": '2015-05-13T23:39:43.945958Z my-lb 192.168.131.39:2817 - -1 -1 -1 503 - 0 0 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -\n',
    "vpcflow.log": 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 123456789010 eni-1 2001:db8::1 10.0.0.1 1 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n2 1 eni-2 - - - - - - - 1431280876 1431280934 - NODATA\nversion vpc-id tcp-flags x-unknown\n3 vpc-1 2 y\n',
    "s3access.log": '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be bkt [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - 3E57 REST.GET.OBJECT a%20b.txt "GET /bkt/a%20b.txt HTTP/1.1" 403 AccessDenied 243 - 7 - "-" "curl" - hid SigV4 ECDHE AuthHeader bkt.s3.amazonaws.com TLSv1.2 - Yes new1\n',
    "cloudfront.log": '#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status future-field\n2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td1.cloudfront.net\t/a%20b\t200\tx\t\n',
    "waf.log": '{"timestamp":1763805600123,"formatVersion":1,"webaclId":"arn:aws:wafv2:r:1:regional/webacl/a/b","terminatingRuleId":"Default_Action","action":"BLOCK","httpRequest":{"clientIp":"1.2.3.4","headers":[{"name":"Host","value":"h"}],"uri":"/","args":"a=b"},"x":[1]}{"timestamp":"bad"}\n',
    "guardduty.json": '{"Findings":[{"Id":"a","Type":"Recon:IAMUser/UserPermissions","Severity":5,"AccountId":"1","Region":"r","CreatedAt":"2020-05-26T22:02:24Z","Resource":{"ResourceType":"AccessKey","AccessKeyDetails":{"UserName":"u"}},"Service":{"EventFirstSeen":"2020-05-26T22:02:24Z","Count":5,"Action":{"ActionType":"PORT_PROBE","PortProbeAction":{"PortProbeDetails":[{"LocalPortDetails":{"Port":80},"RemoteIpDetails":{"IpAddressV4":"198.51.100.0"}}]}}}},{"detail":{"type":"T","severity":9.5}}]}\n',
    "cloudwatch.json": '{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"/g","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1645164142837,"message":"2 1 eni-1 - - - - - - - 1 2 - NODATA"},{"id":"2","timestamp":"x"}]}{"events":[{"timestamp":1,"message":"m","ingestionTime":2}]}\n',
    "cloudwatch_export.log": '2020-02-20T07:01:01.000Z Feb 20 07:01:01 host systemd: x\nno time here\n',
    "k8s_audit.json": '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a","stage":"ResponseComplete","verb":"create","user":{"username":"u"},"sourceIPs":["1.2.3.4"],"objectRef":{"resource":"pods","subresource":"exec","namespace":"n","name":"p"},"responseStatus":{"code":101},"stageTimestamp":"2018-10-25T14:09:12.581541Z","annotations":{"authorization.k8s.io/decision":"allow"}},{"kind":0}]}\n',
    "cri.log": '2016-10-06T00:17:09.669794202Z stdout P log content 1\n2016-10-06T00:17:09Z stderr F\nbad\n',
    "docker.log": '{"log":"\\u001b]0;root\\r\\n","stream":"stdout","time":"2016-01-07T16:49:10.000000Z","attrs":{"a":"b"}}\n{"log":1}\n',
    "gcp.jsonl": '{"insertId":"x","logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","status":{"code":7,"message":"denied"},"authenticationInfo":{"principalEmail":"a@b"},"requestMetadata":{"callerIp":"1.2.3.4"},"methodName":"m","resourceName":"r"},"resource":{"type":"t","labels":{"zone":"z"}},"timestamp":"2021-10-19T02:57:47.339377Z","x":1}\n{"logName":"l","timestamp":"bad"}\n',
    "azure.json": '{"records":[{"time":"2026-11-22T10:00:00.1234567Z","resourceId":"/subscriptions/s/x","operationName":{"value":"op"},"category":"SignInLogs","resultType":"Failed","properties":{"userPrincipalName":"a@b","status":{"errorCode":50126},"location":{"city":"T"}}},{"operationName":1}]}\n',
    "r53.log": '{"query_timestamp":"2026-11-22T10:00:00Z","query_name":"a.","rcode":"NOERROR","answers":[{"Rdata":"1.2.3.4"}],"srcport":"53","srcids":{"instance":"i"},"firewall_rule_action":"BLOCK","x":[]}\n{"query_name":1}\n',
    "config.json": '{"fileVersion":"1.0","configSnapshotId":"x","configurationItems":[{"configurationItemCaptureTime":"2022-05-05T01:36:21.252Z","configurationItemStatus":"OK","resourceType":"AWS::EC2::Instance","resourceId":"i-1","ARN":"arn","configuration":{"a":1},"relatedEvents":["e"]},{"resourceType":1}]}\n{"configurationItem":{"configurationItemCaptureTime":"2022-05-05T01:36:21Z","resourceType":"T"},"messageType":"ConfigurationItemChangeNotification"}\n',
}
for name, text in seeds.items():
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
