#!/usr/bin/env python3
"""fs_mkdisk.py — writes partition tables and containers for the fs tests.
  mbr IMG            MBR: 1 primary (LBA 2048, 16 MiB), 2 extended holding logical 5
                     (ext_start+2048, 8 MiB) and 6 (after it, 8 MiB), 4 primary (0x83)
  mbr-loop IMG       MBR whose extended chain links back to itself
  gpt IMG            protective MBR + GPT (1: BIOS boot LBA 2048..4095, 2: Linux fs LBA
                     4096..36863, named "root"), backup header and array at the end
  gpt-break-primary IMG   zeroes the primary GPT header's signature (backup must be used)
  vhd RAW OUT        fixed VHD: RAW followed by a 512-byte footer
  vmdk RAW OUT       monolithicFlat VMDK: a descriptor naming RAW
  qcow2 RAW OUT      qcow2 v2 with 64 KiB clusters, only non-zero clusters allocated
Partition contents are written afterwards with mke2fs -E offset=."""
import os, struct, sys, uuid, zlib

def put(f, off, data):
    f.seek(off); f.write(data)

def mbr_entry(boot, typ, lba, n):
    return struct.pack("<B3sB3sII", boot, b"\0\0\0", typ, b"\0\0\0", lba, n)

def mbr(path, loop=False):
    with open(path, "r+b") as f:
        ext_start, ext_n = 40960, 40960
        e = mbr_entry(0x80, 0x83, 2048, 32768) + mbr_entry(0, 0x05, ext_start, ext_n) + \
            b"\0" * 16 + mbr_entry(0, 0x83, 81920, 16384)
        put(f, 446, e + b"\x55\xaa")
        # EBR 1 at ext_start: logical 5 at +2048, link to EBR 2 at +20480
        ebr1 = mbr_entry(0, 0x83, 2048, 16384) + mbr_entry(0, 0x05, 0 if loop else 20480, 20480)
        if loop:
            ebr1 = mbr_entry(0, 0x83, 2048, 16384) + mbr_entry(0, 0x05, 20480, 20480)
        put(f, ext_start * 512 + 446, ebr1 + b"\0" * 32 + b"\x55\xaa")
        ebr2 = mbr_entry(0, 0x83, 2048, 16384) + (mbr_entry(0, 0x05, 20480, 20480) if loop else b"\0" * 16)
        put(f, (ext_start + 20480) * 512 + 446, ebr2 + b"\0" * 32 + b"\x55\xaa")

def guid_bytes(s):
    return uuid.UUID(s).bytes_le

def gpt(path):
    size = os.path.getsize(path)
    last = size // 512 - 1
    ents = bytearray(128 * 128)
    parts = [("21686148-6449-6e6f-744e-656564454649", 2048, 4095, "bios"),
             ("0fc63daf-8483-4772-8e79-3d69d8477de4", 4096, 36863, "root")]
    for i, (t, a, b, n) in enumerate(parts):
        ents[i * 128:(i + 1) * 128] = guid_bytes(t) + uuid.uuid4().bytes_le + struct.pack("<QQQ", a, b, 0) + \
            n.encode("utf-16-le").ljust(72, b"\0")
    acrc = zlib.crc32(bytes(ents))
    disk = uuid.uuid4().bytes_le
    def header(cur, backup, arr):
        h = struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, 0, cur, backup, 34, last - 33,
                        disk, arr, 128, 128, acrc)
        c = zlib.crc32(h)
        return h[:16] + struct.pack("<I", c) + h[20:]
    with open(path, "r+b") as f:
        put(f, 446, mbr_entry(0, 0xEE, 1, min(last, 0xFFFFFFFF)) + b"\0" * 48 + b"\x55\xaa")
        put(f, 512, header(1, last, 2))
        put(f, 1024, bytes(ents))
        put(f, (last - 32) * 512, bytes(ents))
        put(f, last * 512, header(last, 1, last - 32))

def vhd(raw, out):
    size = os.path.getsize(raw)
    cyl, heads, spt = min(size // 512 // (16 * 63), 65535), 16, 63
    foot = bytearray(struct.pack(">8sIIQI4sI4sQQHBBII16sB", b"conectix", 2, 0x10000, 0xFFFFFFFFFFFFFFFF,
                                 0, b"ksfs", 0x10000, b"Wi2k", size, size, cyl, heads, spt, 2, 0,
                                 uuid.uuid4().bytes, 0))
    foot = foot.ljust(512, b"\0")
    foot[64:68] = struct.pack(">I", (~sum(foot)) & 0xFFFFFFFF)
    with open(raw, "rb") as r, open(out, "wb") as o:
        while True:
            b = r.read(1 << 20)
            if not b: break
            o.write(b)
        o.write(foot)

def vmdk(raw, out):
    n = os.path.getsize(raw) // 512
    with open(out, "w") as o:
        o.write('# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\n\n'
                '# Extent description\nRW %d FLAT "%s" 0\n\n# The Disk Data Base\n#DDB\n\nddb.virtualHWVersion = "4"\n'
                'ddb.adapterType = "ide"\n' % (n, os.path.basename(raw)))

def qcow2(raw, out):
    cs = 1 << 16
    size = os.path.getsize(raw)
    nclus = (size + cs - 1) // cs
    l2_entries = cs // 8
    nl2 = (nclus + l2_entries - 1) // l2_entries
    data = open(raw, "rb").read()
    # layout: header (cluster 0), L1 (cluster 1), refcount table (2), refcount block (3), L2s, data
    l1_off, rt_off, rb_off = cs, 2 * cs, 3 * cs
    l2_base = 4 * cs
    next_off = l2_base + nl2 * cs
    l1 = [0] * nl2
    l2 = [[0] * l2_entries for _ in range(nl2)]
    chunks = []
    for c in range(nclus):
        blk = data[c * cs:(c + 1) * cs]
        if blk.strip(b"\0"):
            l2[c // l2_entries][c % l2_entries] = next_off | (1 << 63)
            chunks.append((next_off, blk))
            next_off += cs
    for i in range(nl2):
        l1[i] = (l2_base + i * cs) | (1 << 63)
    total = next_off // cs
    hdr = struct.pack(">IIQIIQIIQQIIQ", 0x514649fb, 2, 0, 0, 16, size, 0, nl2, l1_off, rt_off, 1, 0, 0)
    with open(out, "wb") as o:
        o.write(hdr.ljust(cs, b"\0"))
        o.write(b"".join(struct.pack(">Q", x) for x in l1).ljust(cs, b"\0"))
        o.write(struct.pack(">Q", rb_off).ljust(cs, b"\0"))
        o.write(b"".join(struct.pack(">H", 1) for _ in range(min(total, cs // 2))).ljust(cs, b"\0"))
        for t in l2:
            o.write(b"".join(struct.pack(">Q", x) for x in t).ljust(cs, b"\0"))
        for off, blk in chunks:
            o.seek(off); o.write(blk.ljust(cs, b"\0"))

cmd = sys.argv[1]
if cmd == "mbr": mbr(sys.argv[2])
elif cmd == "mbr-loop": mbr(sys.argv[2], loop=True)
elif cmd == "gpt": gpt(sys.argv[2])
elif cmd == "gpt-break-primary":
    with open(sys.argv[2], "r+b") as f: put(f, 512, b"XXXXXXXX")
elif cmd == "vhd": vhd(sys.argv[2], sys.argv[3])
elif cmd == "vmdk": vmdk(sys.argv[2], sys.argv[3])
elif cmd == "qcow2": qcow2(sys.argv[2], sys.argv[3])
else: sys.exit("unknown command " + cmd)
