#!/usr/bin/env python3
"""Small CloudTrail scenarios on both sides of each analyzer's thresholds (tests only).
usage: gen_thresholds.py OUTDIR  -> OUTDIR/trail.json ({"Records": [...]})"""
import datetime as dt
import json
import os
import sys

ACCT = "444455556666"
T0 = dt.datetime(2030, 3, 1, tzinfo=dt.timezone.utc)
recs = []
n = 0


def rec(t, who, name, ip, region="eu-central-1", svc="ec2", req=None, resp=None, ua="aws-cli/2.0", error=None,
        role=None):
    global n
    n += 1
    if role:
        ui = {"type": "AssumedRole", "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, role, who),
              "accessKeyId": "ASIA" + who.upper().replace("-", "")[:16].ljust(16, "X"), "accountId": ACCT,
              "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::%s:role/%s" % (ACCT, role)}}}
    else:
        ui = {"type": "IAMUser", "arn": "arn:aws:iam::%s:user/%s" % (ACCT, who), "userName": who,
              "accessKeyId": "AKIA" + who.upper().replace("-", "")[:16].ljust(16, "X"), "accountId": ACCT}
    r = {"eventVersion": "1.09", "userIdentity": ui, "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "eventSource": svc + ".amazonaws.com", "eventName": name, "awsRegion": region, "sourceIPAddress": ip,
         "userAgent": ua, "requestParameters": req, "responseElements": resp, "eventID": "ev-%06d" % n,
         "recipientAccountId": ACCT}
    if error:
        r["errorCode"] = error
    recs.append(r)


def at(day, minute, sec=0):
    return T0 + dt.timedelta(days=day, minutes=minute, seconds=sec)


def run(day, minute, who, ip, itype, count, region="eu-central-1"):
    ids = ["i-%017x" % (n * 1000 + k) for k in range(count)]
    rec(at(day, minute), who, "RunInstances", ip, region, req={"instanceType": itype, "instancesSet": {"items": [
        {"imageId": "ami-1", "minCount": count, "maxCount": count}]}},
        resp={"instancesSet": {"items": [{"instanceId": i} for i in ids]}})


for day in range(4):
    for m in range(0, 480, 20):
        rec(at(day, m), "ops", "DescribeInstances", "198.51.100.5")
    for m in range(0, 1440, 30):  # the app's own instance role, from its two NAT addresses
        rec(at(day, m), "i-0123456789abcdef0", "GetObject", "192.0.2.10", svc="s3", role="app-role",
            req={"bucketName": "b", "key": "k"})
        if m % 120 == 0:
            rec(at(day, m, 30), "i-0123456789abcdef0", "GetObject", "192.0.2.11", svc="s3", role="app-role",
                req={"bucketName": "b", "key": "k"})
    run(day, 60, "pipeline", "198.51.100.20", "t3.micro", 20)
# day 3: the scenarios
D = 3
for k in range(4):
    rec(at(D, 100, k * 30), "app4", "GetSecretValue", "198.51.100.30", svc="secretsmanager", req={"secretId": "s%d" % k})
for k in range(5):
    rec(at(D, 100, k * 30), "app5", "GetSecretValue", "198.51.100.31", svc="secretsmanager", req={"secretId": "s%d" % k})
for k in range(50):
    rec(at(D, 100, k * 5), "apprepeat", "GetSecretValue", "198.51.100.32", svc="secretsmanager", req={"secretId": "one"})
run(D, 200, "dev2", "198.51.100.40", "t3.micro", 2)
run(D, 200, "dev6", "198.51.100.41", "t3.micro", 6)
run(D, 200, "ml", "198.51.100.42", "g5.xlarge", 1)
sg = lambda cidr: {"groupId": "sg-1", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                                                                   "ipRanges": {"items": [{"cidrIp": cidr}]}}]}}
rec(at(D, 300), "net1", "AuthorizeSecurityGroupIngress", "198.51.100.50", req=sg("10.0.0.0/8"))
rec(at(D, 300), "net2", "AuthorizeSecurityGroupIngress", "198.51.100.51", req=sg("0.0.0.0/0"))
rec(at(D, 301), "net3", "ModifySnapshotAttribute", "198.51.100.52",
    req={"snapshotId": "snap-1", "createVolumePermission": {"add": {"items": [{"group": "all"}]}}})
rec(at(D, 310), "adm1", "AttachUserPolicy", "198.51.100.60", svc="iam", region="us-east-1",
    req={"userName": "x", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
rec(at(D, 311), "adm2", "PutUserPolicy", "198.51.100.61", svc="iam", region="us-east-1",
    req={"userName": "y", "policyName": "p", "policyDocument": json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, separators=(",", ":"))})
rec(at(D, 320), "i-0123456789abcdef0", "ListBuckets", "203.0.113.50", svc="s3", role="app-role")
rec(at(D, 330), "ops", "DescribeInstances", "203.0.113.99")   # new network
rec(at(D, 331), "ops", "DescribeVolumes", "198.51.100.6")     # new address, known network
rec(at(D, 340), "log1", "UpdateTrail", "198.51.100.70", svc="cloudtrail", req={"name": "t"})
rec(at(D, 341), "log2", "DeleteTrail", "198.51.100.71", svc="cloudtrail", req={"name": "t"})
rec(at(D, 350), "ops", "DescribeInstances", "198.51.100.5", region="ap-south-1")  # read only in an unused region
recs.sort(key=lambda r: (r["eventTime"], r["eventID"]))
os.makedirs(sys.argv[1], exist_ok=True)
json.dump({"Records": recs}, open(os.path.join(sys.argv[1], "trail.json"), "w"))
