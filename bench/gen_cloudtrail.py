#!/usr/bin/env python3
"""Writes CloudTrail-like JSON Lines (about SIZE_MB megabytes) to OUT for bench/json.sh.
Records follow the CloudTrail event shape (userIdentity, requestParameters, ...) with varied
values, a few escapes and non-ASCII strings, so both parsers see realistic text."""
import json
import random
import sys

out, size_mb = sys.argv[1], float(sys.argv[2])
rnd = random.Random(42)
names = ["AssumeRole", "GetObject", "PutObject", "ListBuckets", "ConsoleLogin", "CreateUser",
         "AttachRolePolicy", "DescribeInstances", "RunInstances", "GetSecretValue", "DeleteTrail"]
sources = ["sts.amazonaws.com", "s3.amazonaws.com", "iam.amazonaws.com", "ec2.amazonaws.com",
           "signin.amazonaws.com", "secretsmanager.amazonaws.com", "cloudtrail.amazonaws.com"]
agents = ["aws-cli/2.13.0 Python/3.11.4 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/s3.ls",
          "Boto3/1.28.0 md/Botocore#1.31.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117",
          "console.amazonaws.com", "terraform/1.5.7 (+https://www.terraform.io) \"quoted\" é"]
target = int(size_mb * 1e6)
written = 0
with open(out, "w", encoding="utf-8") as f:
    i = 0
    while written < target:
        acct = "%012d" % rnd.randint(10**11, 10**12 - 1)
        user = "user-%d" % rnd.randint(1, 5000)
        ev = {
            "eventVersion": "1.08",
            "userIdentity": {
                "type": rnd.choice(["IAMUser", "AssumedRole", "Root", "AWSService"]),
                "principalId": "AIDA%016X" % rnd.getrandbits(64),
                "arn": "arn:aws:iam::%s:user/%s" % (acct, user),
                "accountId": acct,
                "accessKeyId": "AKIA%016X" % rnd.getrandbits(64),
                "userName": user,
                "sessionContext": {
                    "sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::%s:role/Admin" % acct,
                                      "accountId": acct, "userName": "Admin"},
                    "attributes": {"creationDate": "2024-03-%02dT%02d:%02d:%02dZ" % (
                        rnd.randint(1, 28), rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59)),
                        "mfaAuthenticated": rnd.choice(["true", "false"])},
                },
            },
            "eventTime": "2024-03-%02dT%02d:%02d:%02dZ" % (rnd.randint(1, 28), rnd.randint(0, 23),
                                                         rnd.randint(0, 59), rnd.randint(0, 59)),
            "eventSource": rnd.choice(sources),
            "eventName": rnd.choice(names),
            "awsRegion": rnd.choice(["us-east-1", "eu-west-1", "ap-northeast-1"]),
            "sourceIPAddress": "%d.%d.%d.%d" % tuple(rnd.randint(1, 254) for _ in range(4)),
            "userAgent": rnd.choice(agents),
            "requestParameters": {
                "bucketName": "bucket-%d" % rnd.randint(1, 300),
                "key": "logs/%d/%s.json.gz" % (rnd.randint(2019, 2024), "".join(rnd.choice("abcdef0123456789") for _ in range(16))),
                "maxResults": rnd.randint(1, 1000),
                "filters": [{"name": "tag:Name", "values": ["web-%d" % rnd.randint(1, 9)]}],
            },
            "responseElements": None if rnd.random() < 0.5 else {
                "credentials": {"accessKeyId": "ASIA%016X" % rnd.getrandbits(64),
                                "expiration": "Mar %d, 2024, 1:02:03 PM" % rnd.randint(1, 28)}},
            "requestID": "%08x-%04x-%04x-%04x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16),
                                                        rnd.getrandbits(16), rnd.getrandbits(16), rnd.getrandbits(48)),
            "eventID": "%08x-%04x-%04x-%04x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16),
                                                      rnd.getrandbits(16), rnd.getrandbits(16), rnd.getrandbits(48)),
            "readOnly": rnd.random() < 0.7,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": acct,
            "eventCategory": "Management",
            "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                           "clientProvidedHostHeader": "sts.amazonaws.com"},
        }
        line = json.dumps(ev, ensure_ascii=(i % 3 == 0)) + "\n"
        f.write(line)
        written += len(line.encode("utf-8"))
        i += 1
