#!/usr/bin/env python3
"""Compares an investigate report.json with the generator's ground_truth.json.

usage: check_report.py REPORT_JSON GROUND_TRUTH_JSON EVENTS_JSONL [--host]
EVENTS_JSONL: `kanshiki query CASE "SELECT id, src_ip, file, line FROM events" --format jsonl`.
--host: host logs were parsed (host parsers present), so host detections are expected too.
Prints one "ok NAME" / "bad NAME: why" line per check and a detection-quality line.

A record is the attacker's when its source address is one of the attacker's or when the
ground truth lists its file and line among the attack records (gen-incident.py); findings
above low with any other record behind them count as false."""
import json
import sys

rep = json.load(open(sys.argv[1]))
gt = json.load(open(sys.argv[2]))
host_parsed = "--host" in sys.argv[4:]
ip_of, where = {}, {}
for line in open(sys.argv[3]):
    line = line.strip()
    if line:
        r = json.loads(line)
        ip_of[r["id"]] = r["src_ip"]
        where[r["id"]] = (r.get("file") or "", r.get("line"))
attack_records = gt.get("attack_records", {})
layers = gt.get("layers", {})


def attack_record(eid):
    if ip_of.get(eid) in set(gt["attacker_ips"]):
        return True
    f, ln = where.get(eid, ("", None))
    f = f.split("!")[0]
    for rel, lines in attack_records.items():
        if (f == rel or f.endswith("/" + rel)) and (lines == "all" or ln in lines):
            return True
    return False


def check(name, cond, why=""):
    print(("ok " if cond else "bad ") + name + ("" if cond else ": " + why))


A = rep["answers"]
ents = lambda a, k: set(A[a]["entities"].get(k, []))
attacker = set(gt["attacker_ips"])
stolen = gt["stolen_credential"]
first = gt["first_attacker_event"]
stages = {s["stage"]: s for s in gt["stages"]}
mining = stages["crypto-mining instances"]
persist = stages["IAM persistence"]

check("affected_since_first_attacker_event", first in A["affected"]["text"], A["affected"]["text"][:200])
check("chain_starts_at_first_attacker_event", rep["chains"] and rep["chains"][0]["first_seen"] == first,
      str(rep["chains"][0]["first_seen"] if rep["chains"] else None))
check("initial_access_ip", gt["attacker_ips"][0] in ents("initial_access", "ip"), str(ents("initial_access", "ip")))
if "web" in layers:
    # the way in was the web application; the stolen credentials come after it
    w = layers["web"]
    check("initial_access_web_shell", w["web_shell"] in ents("initial_access", "file"), str(ents("initial_access", "file")))
    check("initial_access_evidence_time", A["initial_access"]["evidence"] and
          A["initial_access"]["evidence"][0]["time"] == first, str(A["initial_access"]["evidence"][:1]))
    check("root_cause_names_web_shell", w["web_shell"] in A["root_cause"]["text"], A["root_cause"]["text"][:200])
    check("root_cause_key", stolen["access_key"] in ents("root_cause", "access_key"), str(ents("root_cause", "access_key")))
    check("root_cause_instance", stolen["instance"] in ents("root_cause", "instance"), str(ents("root_cause", "instance")))
    check("chain_web_to_cloud", rep["chains"] and "web" in rep["chains"][0]["layers"] and
          "cloud" in rep["chains"][0]["layers"], str([c["layers"] for c in rep["chains"]]))
    check("persistence_web_shell", w["web_shell"] in ents("persistence", "file"), str(ents("persistence", "file")))
    check("ssrf_role_named", any(w["ssrf_role"] in f["entities"].get("resource", []) for f in rep["findings"]
                                 if f["analyzer"] == "ssrf_metadata"), "")
else:
    check("initial_access_key", stolen["access_key"] in ents("initial_access", "access_key"),
          str(ents("initial_access", "access_key")))
    check("initial_access_instance", stolen["instance"] in ents("initial_access", "instance"),
          str(ents("initial_access", "instance")))
    check("initial_access_role", any(p.endswith(":role/" + stolen["role"]) for p in ents("initial_access", "principal")),
          str(ents("initial_access", "principal")))
    check("initial_access_evidence_time", A["initial_access"]["evidence"] and
          A["initial_access"]["evidence"][0]["time"] == first, str(A["initial_access"]["evidence"][:1]))
check("root_cause_names_instance_and_role", stolen["instance"] in A["root_cause"]["text"] and
      stolen["role"] in A["root_cause"]["text"], A["root_cause"]["text"][:200])
if "database" in layers:
    d = layers["database"]
    check("persistence_db_user", d["new_user"] in ents("persistence", "user"), str(ents("persistence", "user")))
    check("data_accessed_tables", all(any(o.endswith("." + t) for o in ents("data_accessed", "db_object"))
                                      for t in d["tables_read"]), str(ents("data_accessed", "db_object")))
got_inst = ents("rogue_resources", "instance") - {stolen["instance"]}
check("rogue_instances_all_found", set(mining["instances"]) <= got_inst,
      "missing %s" % sorted(set(mining["instances"]) - got_inst)[:3])
check("rogue_instances_none_extra", got_inst <= set(mining["instances"]), str(sorted(got_inst - set(mining["instances"]))[:3]))
check("rogue_instance_count", len(set(mining["instances"])) == gt["rogue_instance_count"] and
      ("In all: %d instance" % gt["rogue_instance_count"]) in A["rogue_resources"]["text"], A["rogue_resources"]["text"][-80:])
check("rogue_created_by", mining["created_by"] in ents("rogue_resources", "principal"), str(ents("rogue_resources", "principal")))
check("rogue_regions", set(mining["regions"]) <= ents("rogue_resources", "region"), str(ents("rogue_resources", "region")))
check("rogue_from_attacker_ip", ents("rogue_resources", "ip") and ents("rogue_resources", "ip") <= attacker,
      str(ents("rogue_resources", "ip")))
check("rogue_with_new_key", persist["access_key"] in ents("rogue_resources", "access_key"), str(ents("rogue_resources", "access_key")))
check("persistence_user", persist["user"] in ents("persistence", "user"), str(ents("persistence", "user")))
check("persistence_key", persist["access_key"] in ents("persistence", "access_key"), str(ents("persistence", "access_key")))
check("data_accessed_secrets", len(ents("data_accessed", "resource")) == stages["secrets read in bulk"]["count"],
      str(ents("data_accessed", "resource")))
phases = [i["phase"] for i in A["actions"]["items"]]
order = ["containment", "eradication", "recovery", "post-incident"]
check("actions_in_nist_order", phases and all(p in order for p in phases) and
      [order.index(p) for p in phases] == sorted(order.index(p) for p in phases), str(phases))
check("actions_revoke_new_key", any(persist["access_key"] in i["text"] for i in A["actions"]["items"]), "")
for a in ("affected", "initial_access", "rogue_resources", "data_accessed", "persistence", "root_cause", "actions"):
    check("answer_%s_has_text" % a, bool(A[a]["text"]), "")
    if a not in ("actions",):
        check("answer_%s_has_evidence" % a, all("file" in e and "line" in e for e in A[a]["evidence"]) and A[a]["evidence"], "")
all_ips = set()
for f in rep["findings"]:
    all_ips |= set(f["entities"].get("ip", []))
check("all_attacker_ips_found", attacker <= all_ips, str(attacker - all_ips))
check("sources_listed", any(s["type"] == "cloudtrail" and s["records"] > 0 for s in rep["sources"]), str(rep["sources"]))
check("evidence_hashes", rep["evidence"] and all(len(e["sha256"]) == 64 for e in rep["evidence"]), "")

# detection quality: which expected detections fired; findings above low on benign records
expected = gt.get("expected") or ["ec2_role_outside", "new_source", "secrets_bulk", "iam_persistence",
                                   "logging_tamper", "unused_region", "run_instances", "exposure"]
if host_parsed and "host" in layers:
    expected = expected + layers["host"]["expected"]
fired = {f["analyzer"] for f in rep["findings"] if f["severity"] in ("medium", "high", "critical")}
false_pos = []
for f in rep["findings"]:
    if f["severity"] in ("info", "low"):
        continue
    benign = [e for e in f["evidence"] if not attack_record(e["event_id"])]
    if benign:
        false_pos.append((f["title"], len(benign)))
check("no_finding_above_low_on_benign_records", not false_pos, str(false_pos[:3]))
check("every_expected_detection_fired", set(expected) <= fired, str(set(expected) - fired))
sev = {}
for f in rep["findings"]:
    sev[f["severity"]] = sev.get(f["severity"], 0) + 1
print("detection quality: %d/%d expected detections fired, %d false finding(s) above low; findings by severity %s"
      % (len(set(expected) & fired), len(expected), len(false_pos), json.dumps(sev, sort_keys=True)))
