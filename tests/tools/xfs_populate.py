#!/usr/bin/env python3
"""Populates a mounted XFS test file system with every structure form the reader must handle.

usage: xfs_populate.py MOUNTPOINT STATEDIR BIGDIR_ENTRIES

Writes STATEDIR/deleted.txt (inode numbers of files created then removed) and
STATEDIR/forms.txt ("relative-path expected-form" lines the test checks with xfs_db).
"""
import os
import socket
import struct
import subprocess
import sys

mnt, state, big = sys.argv[1], sys.argv[2], int(sys.argv[3])
P = lambda *a: os.path.join(mnt, *a)


def write(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def xfs_io(path, *cmds):
    args = ["xfs_io", "-f"]
    for c in cmds:
        args += ["-c", c]
    subprocess.run(args + [path], check=True, stdout=subprocess.DEVNULL)


def fill_dir(d, n, prefix, twin=None, twin_every=0):
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        open(os.path.join(d, "%s_%06d_%s" % (prefix, i, "x" * (i % 23))), "wb").close()
        if twin and twin_every and i % twin_every == 0:
            open(os.path.join(twin, "t_%06d_padding_to_take_space" % i), "wb").close()


forms = []
# directories in every form (XFS picks the form from the size)
os.makedirs(P("dirs", "shortform"))
for n in ("a", "bb", "ccc"):
    write(P("dirs", "shortform", n), n.encode())
forms.append(("dirs/shortform", "local"))
fill_dir(P("dirs", "block"), 40, "b")
forms.append(("dirs/block", "extents"))
fill_dir(P("dirs", "leaf"), 400, "l")
fill_dir(P("dirs", "node"), 3000, "n")
os.makedirs(P("dirs", "btree_twin"))
fill_dir(P("dirs", "btree"), big, "entry_with_a_longer_name", P("dirs", "btree_twin"), 3)
forms.append(("dirs/btree", "btree"))
os.rename(P("dirs", "block", "b_000007_xxxxxxx"), P("dirs", "block", "renamed"))
os.unlink(P("dirs", "leaf", "l_000010_xxxxxxxxxx"))  # leaves a free slot in a data block

# file data forks
os.makedirs(P("files"))
write(P("files", "empty"), b"")
write(P("files", "hello"), b"hello, world\n")
write(P("files", "random_1m"), os.urandom(1 << 20))
with open(P("files", "sparse"), "wb") as f:  # holes before, between and after data
    f.seek(5 << 20)
    f.write(b"middle" * 1000)
    f.seek(40 << 20)
    f.write(b"end")
    f.truncate(64 << 20)
# 300 separate preallocations, every third one partly written: a btree data fork with
# unwritten extents, written extents and holes
cmds = []
for i in range(300):
    cmds.append("falloc %d 4096" % (i * 8192))
    if i % 3 == 0:
        cmds.append("pwrite -S 0x%02x %d 1000" % (i % 251 + 1, i * 8192 + 100))
xfs_io(P("files", "fragmented"), *cmds)
forms.append(("files/fragmented", "btree"))
try:
    subprocess.run(["cp", "--reflink=always", P("files", "random_1m"), P("files", "reflinked")],
                   check=True, stderr=subprocess.DEVNULL)
    xfs_io(P("files", "reflinked"), "pwrite -S 0x42 8192 4096")  # unshare one block
except subprocess.CalledProcessError:
    pass  # no reflink on this file system (bigtime=0 variants still have it; V4 does not)
os.link(P("files", "hello"), P("files", "hello_hardlink"))
write(P("files", "setuid"), b"#!/bin/sh\n", 0o4755)
os.chown(P("files", "setuid"), 1234, 5678)
os.mknod(P("files", "chardev"), 0o620 | 0o020000, os.makedev(4, 64))
os.mknod(P("files", "blockdev"), 0o660 | 0o060000, os.makedev(8, 1))
os.mkfifo(P("files", "fifo"))
s = socket.socket(socket.AF_UNIX)
s.bind(P("files", "socket"))
s.close()

# symlinks: inline (local) and remote (longer than the data fork)
os.makedirs(P("links"))
os.symlink("../files/hello", P("links", "short"))
os.symlink("/" + "/".join(["long_component_%03d" % i for i in range(40)]), P("links", "long"))
forms.append(("links/long", "extents"))
os.symlink("x" * 1023, P("links", "max"))
os.lchown(P("links", "short"), 42, 43)

# timestamps: nanoseconds, beyond 2038 (clamped without bigtime), before 1970
os.makedirs(P("times"))
for name, a, m in (("ns", 1620284889123456789, 1620284889987654321),
                   ("y2100", 4102444800000000001, 4102444800999999999),
                   ("y1950", -631152000000000000, -631152000000000000)):
    write(P("times", name), name.encode())
    os.utime(P("times", name), ns=(a, m))

# extended attributes in shortform, leaf, node, remote values, all namespaces
os.makedirs(P("xattrs"))
write(P("xattrs", "sf"), b"sf")
os.setxattr(P("xattrs", "sf"), "user.small", b"1")
os.setxattr(P("xattrs", "sf"), "trusted.t", b"trusted value")
forms.append(("xattrs/sf", "alocal"))
write(P("xattrs", "leaf"), b"leaf")
for i in range(40):
    os.setxattr(P("xattrs", "leaf"), "user.attr%02d" % i, bytes([i]) * 50)
os.setxattr(P("xattrs", "leaf"), "security.selinux", b"system_u:object_r:etc_t:s0\0")
# VFS_CAP_REVISION_2 with the effective bit: cap_net_raw permitted
os.setxattr(P("xattrs", "leaf"), "security.capability",
            struct.pack("<IIIII", 0x02000001, 1 << 13, 0, 0, 0))
forms.append(("xattrs/leaf", "aextents"))
write(P("xattrs", "node"), b"node")
for i in range(1500):
    os.setxattr(P("xattrs", "node"), "user.many_attributes_%05d" % i, b"v" * (i % 97))
write(P("xattrs", "remote"), b"remote")
os.setxattr(P("xattrs", "remote"), "user.big", os.urandom(60000))
os.setxattr(P("xattrs", "remote"), "user.medium", os.urandom(3000))
os.makedirs(P("xattrs", "dir_with_attr"))
os.setxattr(P("xattrs", "dir_with_attr"), "user.on_dir", b"d")

# deleted files interleaved with kept ones, so their inode chunk stays allocated
os.makedirs(P("deleted"))
gone = []
for i in range(6):
    write(P("deleted", "keep%d" % i), b"keep")
    write(P("deleted", "gone%d" % i), b"secret %d\n" % i * 100)
    gone.append(os.stat(P("deleted", "gone%d" % i)).st_ino)
os.sync()
for i in range(6):
    os.unlink(P("deleted", "gone%d" % i))
with open(os.path.join(state, "deleted.txt"), "w") as f:
    f.write("".join("%d\n" % g for g in gone))
with open(os.path.join(state, "forms.txt"), "w") as f:
    f.write("".join("%s %s\n" % x for x in forms))
