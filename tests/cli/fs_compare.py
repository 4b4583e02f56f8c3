#!/usr/bin/env python3
"""fs_compare.py PREFIX IMAGE MOUNTDIR BODYFILE MANIFEST — compares kanshiki's view of an
ext2/3/4 image (bodyfile with --ns, extract manifest) with the kernel's (a read-only loop
mount: lstat, readlink, SHA-256 of content) and with debugfs (crtime, size, owner).
Prints PASS/FAIL lines in the tests/lib.sh format."""
import hashlib, json, os, re, stat, subprocess, sys

prefix, image, mnt, bodyfile, manifest = sys.argv[1:6]
# paths below this prefix are left out (fscrypt names: the kernel shows an encoding of the
# ciphertext without the key, kanshiki the raw ciphertext bytes, escaped)
skip = sys.argv[6].encode() if len(sys.argv) > 6 else None
T = os.environ.get("KS_T_NAME", "fs_ext4_kernel")


def report(name, problems, n):
    if problems:
        print("FAIL %s.%s_%s: %d of %d differ, e.g. %s" % (T, prefix, name, len(problems), n, problems[:3]))
    else:
        print("PASS %s.%s_%s" % (T, prefix, name))


def unescape(s):
    """Undoes the terminal escaping kanshiki applies to names (\\xNN, \\\\, \\t, \\u{X})."""
    out = bytearray()
    i = 0
    b = s.encode("utf-8", "surrogateescape")
    simple = {ord("t"): 9, ord("n"): 10, ord("r"): 13, ord("e"): 27, ord("\\"): 92}
    while i < len(b):
        c = b[i]
        if c == 92 and i + 1 < len(b):
            n = b[i + 1]
            if n == ord("x") and i + 3 < len(b):
                out.append(int(b[i + 2:i + 4], 16)); i += 4; continue
            if n == ord("u") and b[i + 2:i + 3] == b"{":
                j = b.index(b"}", i)
                out += chr(int(b[i + 3:j], 16)).encode(); i = j + 1; continue
            if n in simple:
                out.append(simple[n]); i += 2; continue
        out.append(c); i += 1
    return bytes(out)


def ns(t):
    s, _, f = t.partition(".")
    return int(s) * 10**9 + (int(f.ljust(9, "0")) if f else 0)

# ---- kanshiki --------------------------------------------------------------------------
ks = {}
deleted = set()
with open(bodyfile, "rb") as f:
    for line in f:
        parts = line.decode("utf-8", "surrogateescape").rstrip("\n").split("|")
        if len(parts) != 11:
            print("FAIL %s.%s_bodyfile_has_11_columns: %r" % (T, prefix, line[:200])); continue
        name = unescape(parts[1])
        if parts[3].startswith("l/") and b" -> " in name:
            name = name.split(b" -> ", 1)[0]
        if skip and name.startswith(skip):
            continue
        if name.endswith(b" (deleted)") or name.endswith(b" (deleted-realloc)"):
            deleted.add(name.rsplit(b" (deleted", 1)[0]); continue
        ks[name] = parts

mani = {}
with open(manifest) as f:
    for line in f:
        o = json.loads(line)
        mani[o["path"].encode("latin-1")] = o

# ---- kernel ----------------------------------------------------------------------------
kern = {}
for root, dirs, files in os.walk(mnt.encode()):
    for n in dirs + files:
        p = os.path.join(root, n)
        rel = b"/" + os.path.relpath(p, mnt.encode())
        if not (skip and rel.startswith(skip)):
            kern[rel] = p
kern[b"/"] = mnt.encode()
birth = {}
paths = list(kern.values())
for i in range(0, len(paths), 500):
    out = subprocess.run(["stat", "--printf", "%i %W\\n", "--"] + [p.decode("utf-8", "surrogateescape") for p in paths[i:i + 500]],
                         capture_output=True).stdout.decode()
    for l in out.splitlines():
        ino, w = l.split()
        birth[int(ino)] = int(w) if w != "-" else 0

kpaths = set(kern)
missing = sorted(kpaths - set(ks))
extra = sorted(set(ks) - kpaths)
report("same_paths_as_kernel", [("missing", m) for m in missing[:5]] + [("extra", e) for e in extra[:5]], len(kpaths))

fields = {"inode": [], "type_mode": [], "owner": [], "size": [], "atime_ns": [], "mtime_ns": [], "ctime_ns": [], "crtime_sec": [], "sha256": [], "symlink_target": []}
for p in sorted(kpaths & set(ks)):
    st = os.lstat(kern[p])
    k = ks[p]
    if int(k[2]) != st.st_ino: fields["inode"].append((p, k[2], st.st_ino))
    tm = {"r": "-", "d": "d", "l": "l", "c": "c", "b": "b", "p": "p", "s": "s"}.get(k[3][2], "?") + k[3][3:]
    if tm != stat.filemode(st.st_mode): fields["type_mode"].append((p, k[3], stat.filemode(st.st_mode)))
    if (int(k[4]), int(k[5])) != (st.st_uid, st.st_gid): fields["owner"].append((p, k[4], k[5]))
    if int(k[6]) != st.st_size: fields["size"].append((p, k[6], st.st_size))
    if ns(k[7]) != st.st_atime_ns: fields["atime_ns"].append((p, k[7], st.st_atime_ns))
    if ns(k[8]) != st.st_mtime_ns: fields["mtime_ns"].append((p, k[8], st.st_mtime_ns))
    if ns(k[9]) != st.st_ctime_ns: fields["ctime_ns"].append((p, k[9], st.st_ctime_ns))
    if int(k[10].split(".")[0]) != birth.get(st.st_ino, 0): fields["crtime_sec"].append((p, k[10], birth.get(st.st_ino)))
    m = mani.get(p)
    if stat.S_ISREG(st.st_mode):
        h = hashlib.sha256(open(kern[p], "rb").read()).hexdigest()
        if not m or m.get("sha256") != h: fields["sha256"].append((p, m and m.get("sha256"), h))
    if stat.S_ISLNK(st.st_mode):
        t = os.readlink(kern[p])
        if not m or m.get("link_target", "").encode("latin-1") != t: fields["symlink_target"].append((p, m and m.get("link_target"), t))
for name, probs in fields.items():
    report(name + "_matches_kernel", probs, len(kpaths))

# ---- debugfs ---------------------------------------------------------------------------
inos = sorted({os.lstat(kern[p]).st_ino for p in kpaths})
cmds = "".join("stat <%d>\n" % i for i in inos)
out = subprocess.run(["debugfs", "-f", "-", image], input=cmds.encode(), capture_output=True).stdout.decode("utf-8", "replace")
dbg = {}
cur = None
for l in out.splitlines():
    m = re.match(r"Inode: (\d+)\s+Type: (\S+)", l)
    if m:
        cur = int(m.group(1)); dbg[cur] = {}; continue
    if cur is None: continue
    m = re.search(r"User:\s+(\d+)\s+Group:\s+(\d+).*Size: (\d+)", l)
    if m: dbg[cur]["owner_size"] = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.match(r"\s*crtime: 0x([0-9a-f]+):([0-9a-f]+)", l)
    if m:
        sec = int(m.group(1), 16); sec -= (1 << 32) if sec >= 1 << 31 else 0
        x = int(m.group(2), 16)
        dbg[cur]["crtime"] = (sec + ((x & 3) << 32)) * 10**9 + (x >> 2)
byino = {}
for p, k in ks.items():
    byino.setdefault(int(k[2]), k)
probs = []
for i in inos:
    k = byino.get(i); d = dbg.get(i, {})
    if not k: continue
    if "owner_size" in d and d["owner_size"] != (int(k[4]), int(k[5]), int(k[6])): probs.append((i, d["owner_size"], k[4:7]))
    if "crtime" in d and d["crtime"] != ns(k[10]): probs.append((i, "crtime", d["crtime"], k[10]))
report("owner_size_crtime_match_debugfs", probs, len(inos))
print("INFO deleted names: %s" % sorted(deleted), file=sys.stderr)
with open(bodyfile + ".deleted", "wb") as f:
    for d in sorted(deleted):  # C-locale order, like sort with LC_ALL=C
        f.write(d + b"\n")
