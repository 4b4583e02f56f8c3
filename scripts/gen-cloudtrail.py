#!/usr/bin/env python3
"""Generates kanshiki's own synthetic CloudTrail evidence (no hand-typed JSON).

  gen-cloudtrail.py incident OUTDIR   the example incident: benign activity plus an attack
                                      (stolen instance-role credentials -> IAM persistence ->
                                      crypto-mining instances in unused regions -> tampering),
                                      in the S3 delivery layout, plus a digest file, a
                                      lookup-events export and a JSON-lines export; writes
                                      OUTDIR/ground_truth.json describing what happened.
  gen-cloudtrail.py bulk OUTDIR --records N [--per-file K]
                                      N realistic records in gzip'd delivery files (benchmarks).

Deterministic: the same arguments give the same bytes (seeded PRNG, fixed gzip mtime).
All addresses are documentation ranges (RFC 5737 / RFC 3849) and the account ids are fake.
"""
import argparse
import datetime as dt
import gzip
import io
import json
import os
import random
import uuid

ACCOUNT = "111122223333"
HOME_REGION = "ap-northeast-1"
UTC = dt.timezone.utc


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def uid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def hexid(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def akid(self, prefix="AKIA"):
        return prefix + "".join(self.r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))

    def iam_user(self, name, key):
        return {"type": "IAMUser", "principalId": "AIDA" + self.hexid(16).upper(),
                "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "accountId": ACCOUNT,
                "accessKeyId": key, "userName": name}

    def role_session(self, role, session, key, created, ec2=False):
        ui = {"type": "AssumedRole", "principalId": f"AROA{self.hexid(16).upper()}:{session}",
              "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}", "accountId": ACCOUNT,
              "accessKeyId": key,
              "sessionContext": {
                  "sessionIssuer": {"type": "Role", "principalId": "AROA" + self.hexid(16).upper(),
                                    "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}", "accountId": ACCOUNT,
                                    "userName": role},
                  "webIdFederationData": {},
                  "attributes": {"creationDate": iso(created), "mfaAuthenticated": "false"}}}
        if ec2:
            ui["sessionContext"]["ec2RoleDelivery"] = "2.0"
        return ui

    def service(self, svc):
        return {"type": "AWSService", "invokedBy": svc}

    def record(self, t, ui, source, name, ip, ua, region=HOME_REGION, req=None, resp=None,
               error=None, read_only=None, event_type="AwsApiCall", resources=None, extra=None):
        rec = {"eventVersion": "1.09", "userIdentity": ui, "eventTime": iso(t),
               "eventSource": source, "eventName": name, "awsRegion": region,
               "sourceIPAddress": ip, "userAgent": ua, "requestParameters": req,
               "responseElements": resp, "requestID": self.uid(), "eventID": self.uid(),
               "readOnly": bool(read_only) if read_only is not None else name.startswith(("Get", "List", "Describe", "Head")),
               "eventType": event_type, "managementEvent": True,
               "recipientAccountId": ACCOUNT, "eventCategory": "Management"}
        if error:
            rec["errorCode"], rec["errorMessage"] = error
        if resources:
            rec["resources"] = resources
        if ip and ip[0].isdigit():
            rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                                 "clientProvidedHostHeader": source.replace(".amazonaws.com", "") + "." + region + ".amazonaws.com"}
        if extra:
            rec.update(extra)
        return rec


UA_CONSOLE = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
UA_SDK = "aws-sdk-php/3.295.0 OS/Linux/6.1.0 lang/php#8.2.7 GuzzleHttp/7"
UA_CLI_ADMIN = "aws-cli/2.15.10 Python/3.11.6 Darwin/23.2.0 exe/x86_64 prompt/off command/ec2.describe-instances"
UA_ATTACK = "aws-cli/1.29.2 Python/3.10.12 Linux/5.15.0-91-generic botocore/1.31.2"
UA_ATTACK2 = "Boto3/1.34.14 md/Botocore#1.34.14 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.6"

OFFICE_IPS = ["198.51.100.10", "198.51.100.11"]
WEB_INSTANCE = "i-0a1b2c3d4e5f60718"
WEB_IP = "192.0.2.44"          # the web server's public address (Elastic IP)
ATTACKER_IP = "203.0.113.77"
ATTACKER_IP2 = "203.0.113.201"
ATTACKER_IP6 = "2001:db8:dead:beef::17"


def incident(out):
    g = Gen(20261122)
    recs = []
    start = dt.datetime(2026, 11, 20, 0, 0, 0, tzinfo=UTC)
    alice_key, bob_key = g.akid(), g.akid()
    alice = g.iam_user("alice-admin", alice_key)
    bob = g.iam_user("bob-ops", bob_key)
    role_key = g.akid("ASIA")
    web_sess_created = start - dt.timedelta(hours=2)
    web_role = g.role_session("web-app-role", WEB_INSTANCE, role_key, web_sess_created, ec2=True)

    # --- benign background over three days ---------------------------------------------
    for day in range(3):
        base = start + dt.timedelta(days=day)
        # admins at work (09:00-18:00 JST = 00:00-09:00 UTC)
        for who, key, ip in ((alice, alice_key, OFFICE_IPS[0]), (bob, bob_key, OFFICE_IPS[1])):
            t = base + dt.timedelta(minutes=g.r.randint(0, 60))
            recs.append(g.record(t, dict(who, accessKeyId=""), "signin.amazonaws.com", "ConsoleLogin", ip,
                                 UA_CONSOLE, region="us-east-1", event_type="AwsConsoleSignIn",
                                 resp={"ConsoleLogin": "Success"},
                                 extra={"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/",
                                                                "MobileVersion": "No", "MFAUsed": "Yes"}}))
            for _ in range(40):
                t = base + dt.timedelta(minutes=g.r.randint(0, 540), seconds=g.r.randint(0, 59))
                name = g.r.choice(["DescribeInstances", "DescribeSecurityGroups", "DescribeVolumes",
                                   "ListBuckets", "GetBucketPolicy", "DescribeDBInstances",
                                   "ListUsers", "GetMetricData"])
                src = {"DescribeInstances": "ec2", "DescribeSecurityGroups": "ec2", "DescribeVolumes": "ec2",
                       "ListBuckets": "s3", "GetBucketPolicy": "s3", "DescribeDBInstances": "rds",
                       "ListUsers": "iam", "GetMetricData": "monitoring"}[name] + ".amazonaws.com"
                req = {"bucketName": "example-web-assets"} if name == "GetBucketPolicy" else None
                recs.append(g.record(t, who, src, name, ip, UA_CLI_ADMIN, req=req))
        # the web application reading its assets with the instance role, from the instance
        for _ in range(120):
            t = base + dt.timedelta(seconds=g.r.randint(0, 86399))
            recs.append(g.record(t, web_role, "s3.amazonaws.com", "GetObject", WEB_IP, UA_SDK,
                                 req={"bucketName": "example-web-assets", "key": f"img/{g.r.randint(1, 500)}.png"},
                                 resources=[{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::example-web-assets/img"}],
                                 extra={"eventCategory": "Data", "managementEvent": False}))
        # AWS services acting on their own
        for _ in range(20):
            t = base + dt.timedelta(seconds=g.r.randint(0, 86399))
            recs.append(g.record(t, g.service("autoscaling.amazonaws.com"), "ec2.amazonaws.com",
                                 "DescribeInstanceStatus", "autoscaling.amazonaws.com",
                                 "autoscaling.amazonaws.com"))
            recs.append(g.record(t + dt.timedelta(seconds=3), g.service("ec2.amazonaws.com"), "sts.amazonaws.com",
                                 "AssumeRole", "ec2.amazonaws.com", "ec2.amazonaws.com",
                                 req={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/web-app-role",
                                      "roleSessionName": WEB_INSTANCE},
                                 resources=[{"ARN": f"arn:aws:iam::{ACCOUNT}:role/web-app-role",
                                             "accountId": ACCOUNT, "type": "AWS::IAM::Role"}]))

    truth = {"account": ACCOUNT, "home_region": HOME_REGION, "attacker_ips": [ATTACKER_IP, ATTACKER_IP2, ATTACKER_IP6],
             "stolen_credential": {"type": "instance role", "role": "web-app-role", "access_key": role_key,
                                   "instance": WEB_INSTANCE},
             "stages": []}

    # --- the attack (day 2) ------------------------------------------------------------
    t0 = start + dt.timedelta(days=1, hours=13, minutes=7, seconds=31)
    t = t0

    def step(delta_s):
        nonlocal t
        t = t + dt.timedelta(seconds=delta_s)
        return t

    # recon with the instance role's stolen credentials, from outside
    recs.append(g.record(step(0), web_role, "sts.amazonaws.com", "GetCallerIdentity", ATTACKER_IP, UA_ATTACK,
                         region="us-east-1"))
    truth["stages"].append({"stage": "credential use from outside", "first_seen": iso(t), "ip": ATTACKER_IP})
    for name, src in (("ListBuckets", "s3"), ("ListUsers", "iam"), ("ListRoles", "iam"),
                      ("DescribeInstances", "ec2"), ("ListSecrets", "secretsmanager")):
        recs.append(g.record(step(g.r.randint(2, 20)), web_role, src + ".amazonaws.com", name, ATTACKER_IP, UA_ATTACK))
    recs.append(g.record(step(5), web_role, "iam.amazonaws.com", "ListAttachedUserPolicies", ATTACKER_IP, UA_ATTACK,
                         req={"userName": "alice-admin"}, error=("AccessDenied",
                         f"User: arn:aws:sts::{ACCOUNT}:assumed-role/web-app-role/{WEB_INSTANCE} is not authorized to perform: iam:ListAttachedUserPolicies")))
    secrets = [f"prod/db/{n}" for n in ("master", "app", "readonly", "replica", "backup", "reporting")]
    for s in secrets:
        recs.append(g.record(step(g.r.randint(1, 4)), web_role, "secretsmanager.amazonaws.com", "GetSecretValue",
                             ATTACKER_IP, UA_ATTACK, req={"secretId": s}))
    truth["stages"].append({"stage": "secrets read in bulk", "count": len(secrets), "last_seen": iso(t)})
    # IAM persistence
    new_user, new_key = "backup-svc", g.akid()
    recs.append(g.record(step(40), web_role, "iam.amazonaws.com", "CreateUser", ATTACKER_IP, UA_ATTACK,
                         region="us-east-1", req={"userName": new_user},
                         resp={"user": {"userName": new_user, "path": "/", "arn": f"arn:aws:iam::{ACCOUNT}:user/{new_user}"}}))
    recs.append(g.record(step(6), web_role, "iam.amazonaws.com", "AttachUserPolicy", ATTACKER_IP, UA_ATTACK,
                         region="us-east-1", req={"userName": new_user,
                                                  "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}))
    recs.append(g.record(step(4), web_role, "iam.amazonaws.com", "CreateAccessKey", ATTACKER_IP, UA_ATTACK,
                         region="us-east-1", req={"userName": new_user},
                         resp={"accessKey": {"accessKeyId": new_key, "status": "Active", "userName": new_user}}))
    recs.append(g.record(step(9), web_role, "iam.amazonaws.com", "CreateLoginProfile", ATTACKER_IP, UA_ATTACK,
                         region="us-east-1", req={"userName": new_user, "passwordResetRequired": False}))
    truth["stages"].append({"stage": "IAM persistence", "user": new_user, "access_key": new_key, "first_seen": iso(t)})
    # switch to the new user, another address
    attacker = g.iam_user(new_user, new_key)
    recs.append(g.record(step(300), attacker, "sts.amazonaws.com", "GetCallerIdentity", ATTACKER_IP2, UA_ATTACK2,
                         region="us-east-1"))
    # tampering with logging: StopLogging denied? (admin policy: allowed)
    recs.append(g.record(step(20), attacker, "cloudtrail.amazonaws.com", "StopLogging", ATTACKER_IP2, UA_ATTACK2,
                         req={"name": f"arn:aws:cloudtrail:{HOME_REGION}:{ACCOUNT}:trail/management-trail"},
                         error=("TrailNotFoundException", "Unknown trail for this account.")))
    recs.append(g.record(step(15), attacker, "ec2.amazonaws.com", "DeleteFlowLogs", ATTACKER_IP2, UA_ATTACK2,
                         req={"DeleteFlowLogsRequest": {"FlowLogId": {"tag": 1, "content": "fl-0123456789abcdef0"}}}))
    truth["stages"].append({"stage": "logging tampering", "first_seen": iso(t)})
    # mining: GPU instances in regions the account never uses
    mined = []
    for region in ("us-east-1", "eu-west-1", "sa-east-1"):
        sg = "sg-" + g.hexid(17)
        recs.append(g.record(step(30), attacker, "ec2.amazonaws.com", "CreateSecurityGroup", ATTACKER_IP2, UA_ATTACK2,
                             region=region, req={"groupName": "default-ssh", "groupDescription": "ssh"},
                             resp={"_return": True, "groupId": sg}))
        recs.append(g.record(step(4), attacker, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", ATTACKER_IP2,
                             UA_ATTACK2, region=region,
                             req={"groupId": sg, "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                                  "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}))
        recs.append(g.record(step(6), attacker, "ec2.amazonaws.com", "ImportKeyPair", ATTACKER_IP2, UA_ATTACK2,
                             region=region, req={"keyName": "k1"}))
        ids = ["i-" + g.hexid(17) for _ in range(8)]
        mined += [(region, i) for i in ids]
        recs.append(g.record(step(5), attacker, "ec2.amazonaws.com", "RunInstances", ATTACKER_IP2, UA_ATTACK2,
                             region=region,
                             req={"instancesSet": {"items": [{"imageId": "ami-" + g.hexid(17), "minCount": 8, "maxCount": 8,
                                                              "keyName": "k1"}]},
                                  "instanceType": "p3.16xlarge", "groupSet": {"items": [{"groupId": sg}]}},
                             resp={"requestId": g.uid(), "reservationId": "r-" + g.hexid(17), "ownerId": ACCOUNT,
                                   "instancesSet": {"items": [{"instanceId": i, "instanceType": "p3.16xlarge",
                                                               "currentState": {"code": 0, "name": "pending"}} for i in ids]}}))
    truth["stages"].append({"stage": "crypto-mining instances", "regions": ["us-east-1", "eu-west-1", "sa-east-1"],
                            "instances": [i for _, i in mined], "instance_type": "p3.16xlarge",
                            "created_by": f"arn:aws:iam::{ACCOUNT}:user/{new_user}"})
    # a failed attempt in a region that is opted out
    recs.append(g.record(step(12), attacker, "ec2.amazonaws.com", "RunInstances", ATTACKER_IP6, UA_ATTACK2,
                         region="ap-east-1", req={"instanceType": "p3.16xlarge"},
                         error=("UnauthorizedOperation", "You are not authorized to perform this operation.")))
    truth["first_attacker_event"] = iso(t0)
    truth["rogue_instance_count"] = len(mined)

    recs.sort(key=lambda r: (r["eventTime"], r["eventID"]))
    write_delivery(out, recs, g)
    write_exports(out, recs, g)
    with open(os.path.join(out, "ground_truth.json"), "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")
    return len(recs)


def gz_bytes(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=6) as z:
        z.write(data)
    return buf.getvalue()


def write_delivery(out, recs, g, per_window=300):
    """S3 layout: one gzip'd {"Records":[...]} per region and 5-minute window."""
    files = {}
    for r in recs:
        t = dt.datetime.strptime(r["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        w = t - dt.timedelta(minutes=t.minute % 5, seconds=t.second)
        files.setdefault((r["awsRegion"], w), []).append(r)
    for (region, w), rs in sorted(files.items()):
        d = os.path.join(out, "AWSLogs", ACCOUNT, "CloudTrail", region, w.strftime("%Y"), w.strftime("%m"), w.strftime("%d"))
        os.makedirs(d, exist_ok=True)
        name = f"{ACCOUNT}_CloudTrail_{region}_{w.strftime('%Y%m%dT%H%MZ')}_{g.hexid(16)}.json.gz"
        with open(os.path.join(d, name), "wb") as f:
            f.write(gz_bytes(json.dumps({"Records": rs}, separators=(",", ":")).encode()))
    # one digest file for the home region's first hour
    d = os.path.join(out, "AWSLogs", ACCOUNT, "CloudTrail-Digest", HOME_REGION, "2026", "11", "20")
    os.makedirs(d, exist_ok=True)
    digest = {"awsAccountId": ACCOUNT, "digestStartTime": "2026-11-20T00:00:00Z", "digestEndTime": "2026-11-20T01:00:00Z",
              "digestS3Bucket": "example-trail-bucket",
              "digestS3Object": f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/{HOME_REGION}/2026/11/20/{ACCOUNT}_CloudTrail-Digest_{HOME_REGION}_management-trail_{HOME_REGION}_20261120T010000Z.json.gz",
              "digestPublicKeyFingerprint": g.hexid(32), "digestSignatureAlgorithm": "SHA256withRSA",
              "newestEventTime": "2026-11-20T00:59:12Z", "oldestEventTime": "2026-11-20T00:00:41Z",
              "previousDigestS3Bucket": None, "previousDigestS3Object": None, "previousDigestHashValue": None,
              "previousDigestHashAlgorithm": None, "previousDigestSignature": None,
              "logFiles": [{"s3Bucket": "example-trail-bucket", "s3Object": "AWSLogs/...json.gz", "hashValue": g.hexid(64),
                            "hashAlgorithm": "SHA-256", "newestEventTime": "2026-11-20T00:59:12Z",
                            "oldestEventTime": "2026-11-20T00:00:41Z"}]}
    with open(os.path.join(d, f"{ACCOUNT}_CloudTrail-Digest_{HOME_REGION}_management-trail_{HOME_REGION}_20261120T010000Z.json.gz"), "wb") as f:
        f.write(gz_bytes(json.dumps(digest).encode()))


def write_exports(out, recs, g):
    """The same incident's IAM events as `aws cloudtrail lookup-events` output (a responder's
    quick pull), kept beside the delivery files in exports/."""
    d = os.path.join(out, "exports")
    os.makedirs(d, exist_ok=True)
    iam = [r for r in recs if r["eventSource"] == "iam.amazonaws.com" and r["userIdentity"].get("type") != "IAMUser"]
    events = []
    for r in iam:
        events.append({"EventId": r["eventID"], "EventName": r["eventName"], "ReadOnly": str(r["readOnly"]).lower(),
                       "AccessKeyId": r["userIdentity"].get("accessKeyId", ""),
                       "EventTime": r["eventTime"].replace("Z", "+00:00"), "EventSource": r["eventSource"],
                       "Username": r["userIdentity"].get("userName", ""), "Resources": [],
                       "CloudTrailEvent": json.dumps(r, separators=(",", ":"))})
    with open(os.path.join(d, "lookup-events-iam.json"), "w") as f:
        json.dump({"Events": events}, f, indent=4)
        f.write("\n")


def bulk(out, n, per_file):
    g = Gen(7)
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    users = [g.iam_user(f"user{i:03d}", g.akid()) for i in range(50)]
    names = [("ec2.amazonaws.com", "DescribeInstances"), ("s3.amazonaws.com", "GetObject"),
             ("s3.amazonaws.com", "PutObject"), ("sts.amazonaws.com", "AssumeRole"),
             ("kms.amazonaws.com", "Decrypt"), ("ec2.amazonaws.com", "RunInstances"),
             ("iam.amazonaws.com", "ListUsers"), ("logs.amazonaws.com", "PutLogEvents"),
             ("lambda.amazonaws.com", "Invoke"), ("dynamodb.amazonaws.com", "GetItem")]
    # Build a few hundred record templates once, then vary time/ids per record (fast).
    templates = []
    for i in range(400):
        src, name = names[i % len(names)]
        u = users[i % len(users)]
        req = {"bucketName": f"bucket-{i % 17}", "key": f"path/to/object-{i}.bin"} if src.startswith("s3") else \
              {"instancesSet": {"items": [{"imageId": "ami-" + g.hexid(17), "minCount": 1, "maxCount": 1}]},
               "instanceType": "t3.micro"} if name == "RunInstances" else {"maxResults": 100}
        templates.append(g.record(start, u, src, name, f"198.51.100.{i % 250}", UA_CLI_ADMIN, req=req,
                                  resp={"credentials": {"accessKeyId": g.akid("ASIA")}} if name == "AssumeRole" else None))
    os.makedirs(out, exist_ok=True)
    written = 0
    fileno = 0
    while written < n:
        k = min(per_file, n - written)
        rs = []
        for j in range(k):
            r = dict(templates[(written + j) % len(templates)])
            t = start + dt.timedelta(seconds=(written + j) // 3)
            r["eventTime"] = iso(t)
            r["eventID"] = g.uid()
            r["requestID"] = g.uid()
            rs.append(r)
        path = os.path.join(out, f"{ACCOUNT}_CloudTrail_{HOME_REGION}_{fileno:06d}.json.gz")
        with open(path, "wb") as f:
            f.write(gz_bytes(json.dumps({"Records": rs}, separators=(",", ":")).encode()))
        written += k
        fileno += 1
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("incident")
    a.add_argument("out")
    b = sub.add_parser("bulk")
    b.add_argument("out")
    b.add_argument("--records", type=int, required=True)
    b.add_argument("--per-file", type=int, default=2000)
    args = ap.parse_args()
    if args.cmd == "incident":
        n = incident(args.out)
    else:
        n = bulk(args.out, args.records, args.per_file)
    print(f"{n} records written under {args.out}")


if __name__ == "__main__":
    main()
