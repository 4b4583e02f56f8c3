#!/usr/bin/env python3
"""Lists a mounted file system the way tests/tools/xfsls.c lists an image, from the kernel.

usage: xfs_kernel_list.py MOUNTPOINT [--xattrs]

One tab-separated line per path: path ino type(stat %F) perms uid gid nlink size atime mtime
ctime crtime target sha256. Birth times come from stat(1) (statx). With --xattrs, each
path is followed by "xattr NAME LEN SHA256" lines.
"""
import hashlib
import os
import stat
import subprocess
import sys

mnt = sys.argv[1].rstrip("/")
xattrs = "--xattrs" in sys.argv[2:]


def t(ns):
    s, r = divmod(ns, 1000000000)
    return "%d.%09d" % (s, r)


def kind(st):
    m = st.st_mode
    if stat.S_ISREG(m):
        return "regular empty file" if st.st_size == 0 else "regular file"
    for test, name in ((stat.S_ISDIR, "directory"), (stat.S_ISLNK, "symbolic link"),
                       (stat.S_ISFIFO, "fifo"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character special file"),
                       (stat.S_ISBLK, "block special file")):
        if test(m):
            return name
    return "unknown"


paths = [mnt]
for root, dirs, files in os.walk(mnt):
    for n in dirs + files:
        paths.append(os.path.join(root, n))

birth = {}
out = subprocess.run(["xargs", "-0", "stat", "--printf", "%n\\0%.9W\\0"],
                     input=b"\0".join(p.encode() for p in paths), capture_output=True,
                     check=True).stdout.split(b"\0")
for i in range(0, len(out) - 1, 2):
    w = out[i + 1].decode()
    s, _, frac = w.partition(".")
    birth[out[i].decode()] = "%s.%s" % (s, (frac + "000000000")[:9])

lines = []
for p in paths:
    st = os.lstat(p)
    rel = p[len(mnt):] or "/"
    target = os.readlink(p) if stat.S_ISLNK(st.st_mode) else "-"
    digest = "-"
    if stat.S_ISREG(st.st_mode):
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        digest = h.hexdigest()
    lines.append("\t".join([rel, str(st.st_ino), kind(st), "%o" % (st.st_mode & 0o7777),
                            str(st.st_uid), str(st.st_gid), str(st.st_nlink), str(st.st_size),
                            t(st.st_atime_ns), t(st.st_mtime_ns), t(st.st_ctime_ns),
                            birth[p], target, digest]))
    if xattrs and not stat.S_ISLNK(st.st_mode):
        for name in os.listxattr(p, follow_symlinks=False):
            v = os.getxattr(p, name, follow_symlinks=False)
            lines.append("xattr\t%s\t%d\t%s" % (name, len(v), hashlib.sha256(v).hexdigest()))
sys.stdout.write("\n".join(lines) + "\n")
