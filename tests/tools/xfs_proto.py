#!/usr/bin/env python3
"""Makes a source tree and an mkfs.xfs protofile for V4 images (which this kernel cannot
mount), plus the listing xfsls must produce for it.

usage: xfs_proto.py SRCDIR PROTOFILE EXPECTED

EXPECTED lines: path type perms uid gid size target sha256 (directories' size is "D":
XFS-specific, not known from the source tree).
"""
import hashlib
import os
import sys

src, proto, expected = sys.argv[1:4]
lines, exp = ["boot", "0 0"], []
EMPTY = hashlib.sha256(b"").hexdigest()


def add_file(rel, depth, name, data, perm="644", uid=0, gid=0, flags="--"):
    path = os.path.join(src, rel.strip("/").replace("/", "_") + "_" + name)
    with open(path, "wb") as f:
        f.write(data)
    lines.append("%s%s -%s%s %d %d %s" % (" " * depth, name, flags, perm, uid, gid, path))
    mode = int(perm, 8) | (0o4000 if "u" in flags else 0) | (0o2000 if "g" in flags else 0)
    exp.append([rel + "/" + name if rel != "/" else "/" + name,
                "regular file" if data else "regular empty file", "%o" % mode, str(uid),
                str(gid), str(len(data)), "-", hashlib.sha256(data).hexdigest()])


def add_dir(rel, depth, name, perm="755"):
    lines.append("%s%s d--%s 0 0" % (" " * depth, name, perm))
    p = (rel.rstrip("/") + "/" + name)
    exp.append([p, "directory", "%o" % int(perm, 8), "0", "0", "D", "-", "-"])
    return p


lines.append("d--755 0 0")
exp.append(["/", "directory", "755", "0", "0", "D", "-", "-"])
for dname, count in (("sf", 3), ("block", 40), ("leaf", 400), ("node", 3000)):
    p = add_dir("/", 1, dname)
    for i in range(count):
        add_file(p, 2, "%s_entry_%05d" % (dname, i), b"" if i % 2 else b"x%d" % i)
    lines.append(" $")
add_file("/", 1, "data", os.urandom(300000), "640", 1000, 100)
add_file("/", 1, "setuid", b"#!/bin/sh\n", "755", 0, 0, "u-")
long_target = "/".join("component_%03d" % i for i in range(60))
for name, target in (("short", "data"), ("long", long_target)):
    lines.append(" %s l--777 0 0 %s" % (name, target))
    exp.append(["/" + name, "symbolic link", "777", "0", "0", str(len(target)), target, "-"])
lines.append(" cdev c--600 0 0 4 1")
exp.append(["/cdev", "character special file", "600", "0", "0", "0", "-", "-"])
lines.append(" fifo p--644 0 0")
exp.append(["/fifo", "fifo", "644", "0", "0", "0", "-", "-"])
lines.append("$")
with open(proto, "w") as f:
    f.write("\n".join(lines) + "\n")
with open(expected, "w") as f:
    f.write("".join("\t".join(e) + "\n" for e in exp))
