#!/usr/bin/env python3
"""Adds hostile CloudTrail records to a generated incident: markup planted in a user agent
and in a request parameter, used with the stolen instance-role credentials from the
attacker's address one second before the attack, so they land in findings, answers and the
timeline of the report.  usage: plant_xss.py INCIDENT_DIR"""
import gzip
import json
import os
import sys

d = sys.argv[1]
gt = json.load(open(os.path.join(d, "ground_truth.json")))
# take one real attacker record as a template (same identity, same address)
rec = None
for root, _, files in os.walk(os.path.join(d, "AWSLogs")):
    for f in files:
        if f.endswith(".json.gz") and "Digest" not in root:
            for r in json.load(gzip.open(os.path.join(root, f)))["Records"]:
                if r["eventTime"] == gt["first_attacker_event"]:
                    rec = r
assert rec, "no first attacker record"
ua = "<script>document.title='PWNED-UA'</script><img src=x id=pwned-ua>"
param = "</script><script>document.title='PWNED-PARAM'</script><b id=pwned-param>x</b>"
a = dict(rec, eventTime=gt["first_attacker_event"].replace(":31Z", ":29Z"), eventID="11111111-2222-4333-8444-555555555555",
         eventName="GetBucketPolicy", eventSource="s3.amazonaws.com", userAgent=ua,
         requestParameters={"bucketName": param})
b = dict(a, eventTime=gt["first_attacker_event"].replace(":31Z", ":30Z"), eventID="11111111-2222-4333-8444-555555555556",
         eventName="GetBucketAcl")
out = os.path.join(d, "AWSLogs", "planted")
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "planted.json"), "w") as f:
    json.dump({"Records": [a, b]}, f)
