#!/usr/bin/env python3
"""gen-journal.py OUT.journal [--compress none|lz4|xz|zstd] [--compact] [--online]
[--entries N] [--cut BYTES] — writes a small systemd journal file from scratch, following
https://systemd.io/JOURNAL_FILE_FORMAT/, for the journal reader's tests and fuzz seeds:
the corpus has xz, zstd and compact files but no LZ4 one, and none cut short.

DATA payloads ("FIELD=value") are compressed with the real libraries (liblz4 through
ctypes, Python's lzma; zstd via the `zstd` tool) when --compress is given; every payload
of 16 bytes or more is compressed (journald's threshold is 512 bytes by default: a low one
puts the decoder on most fields). Entries carry MESSAGE,
PRIORITY, SYSLOG_IDENTIFIER, _PID, _UID, _HOSTNAME, _TRANSPORT, a repeated field and one
binary value. The file is linked like journald's (one entry array; data objects point to
their first entry) so that journalctl reads it: tests compare kanshiki against
`journalctl --file OUT -o json`. --online leaves state ONLINE with unused space after the
last object; --cut truncates the file to BYTES (journalctl then refuses it: a negative
test for kanshiki's partial reading)."""
import argparse
import ctypes
import lzma
import struct
import subprocess
import uuid

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--compress", default="none", choices=["none", "lz4", "xz", "zstd"])
ap.add_argument("--compact", action="store_true")
ap.add_argument("--online", action="store_true")
ap.add_argument("--entries", type=int, default=5)
ap.add_argument("--cut", type=int, default=0)
a = ap.parse_args()

INCOMPAT = {"none": 0, "xz": 1, "lz4": 2, "zstd": 8}[a.compress] | (16 if a.compact else 0)
OBJ_FLAG = {"none": 0, "xz": 1, "lz4": 2, "zstd": 4}[a.compress]
HEADER = 272 if a.compact else 264
ALIGN = lambda n: (n + 7) & ~7


def compress(b):
    if a.compress == "lz4":
        lib = ctypes.CDLL("liblz4.so.1")
        cap = lib.LZ4_compressBound(len(b))
        dst = ctypes.create_string_buffer(cap)
        n = lib.LZ4_compress_default(b, dst, len(b), cap)
        return struct.pack("<Q", len(b)) + dst.raw[:n]
    if a.compress == "xz":
        return lzma.compress(b, format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE)
    if a.compress == "zstd":
        return subprocess.run(["zstd", "-q", "-c", "--no-check", "--stream-size=%d" % len(b)], input=b, check=True,
                              capture_output=True).stdout
    return b


machine, boot, seqid, fileid = (uuid.UUID(int=i * 0x1111).bytes for i in (1, 2, 3, 4))
body = bytearray()          # the arena, starting at offset HEADER
objs = []                   # (offset, type)
data_at = {}                # payload -> offset of its DATA object


def put(obj):
    off = HEADER + len(body)
    body.extend(obj)
    body.extend(b"\0" * (ALIGN(len(obj)) - len(obj)))
    return off


def obj_header(typ, flags, size):
    return struct.pack("<BB6xQ", typ, flags, size)


def data(payload):
    if payload in data_at:
        return data_at[payload]
    stored, flags = payload, 0
    if OBJ_FLAG and len(payload) >= 16:
        stored, flags = compress(payload), OBJ_FLAG
    fixed = 72 if a.compact else 64
    size = fixed + len(stored)
    # hash, next_hash, next_field, entry_offset, entry_array_offset, n_entries (patched)
    o = obj_header(1, flags, size) + struct.pack("<QQQQQQ", 0, 0, 0, 0, 0, 0)
    if a.compact:
        o += struct.pack("<II", 0, 0)
    off = put(o + stored)
    data_at[payload] = off
    return off


entries = []
t0 = 1700000000000000
for i in range(a.entries):
    fields = [b"MESSAGE=entry %d says hello from the generator" % i, b"PRIORITY=%d" % (i % 8),
              b"SYSLOG_IDENTIFIER=gen", b"_PID=%d" % (100 + i), b"_UID=1000",
              b"_HOSTNAME=genhost", b"_TRANSPORT=journal", b"TAG=a", b"TAG=b%d" % i,
              b"BLOB=\x01\x02\xff"]
    items = [data(f) for f in fields]
    entries.append((i + 1, t0 + i * 1000000, 5000000 + i * 1000000, items))

entry_offs = []
for seq, rt, mono, items in entries:
    isz = 4 if a.compact else 16
    size = 64 + isz * len(items)
    o = obj_header(3, 0, size) + struct.pack("<QQQ", seq, rt, mono) + boot + struct.pack("<Q", 0)
    for it in items:
        o += struct.pack("<I", it) if a.compact else struct.pack("<QQ", it, 0)
    entry_offs.append(put(o))

isz = 4 if a.compact else 8
arr = obj_header(6, 0, 24 + isz * len(entry_offs)) + struct.pack("<Q", 0)
for e in entry_offs:
    arr += struct.pack("<I" if a.compact else "<Q", e)
arr_off = put(arr)
tail = arr_off

# data objects: first entry that uses them and how many
uses = {}
for off_e, (_, _, _, items) in zip(entry_offs, entries):
    for it in items:
        uses.setdefault(it, []).append(off_e)
for d, es in uses.items():
    rel = d - HEADER
    struct.pack_into("<Q", body, rel + 40, es[0])
    # n_entries = 1: entries beyond the first would need a per-data entry array, and
    # journalctl enumerates through the main array only, so the file stays consistent
    struct.pack_into("<Q", body, rel + 56, 1)

if a.online:
    body.extend(b"\0" * 4096)  # preallocated, unwritten
hdr = bytearray(HEADER)
hdr[0:8] = b"LPKSHHRH"
struct.pack_into("<II", hdr, 8, 0, INCOMPAT)
hdr[16] = 1 if a.online else 2
hdr[24:40], hdr[40:56], hdr[56:72], hdr[72:88] = fileid, machine, boot, seqid
struct.pack_into("<QQ", hdr, 88, HEADER, len(body))
# no hash tables (offset/size 0): readers enumerate through the entry array
struct.pack_into("<QQQQ", hdr, 104, 0, 0, 0, 0)
struct.pack_into("<QQQ", hdr, 136, tail, len(data_at) + len(entries) + 1, len(entries))
struct.pack_into("<QQQ", hdr, 160, len(entries), 1, arr_off)
struct.pack_into("<QQQ", hdr, 184, entries[0][1], entries[-1][1], entries[-1][2])
struct.pack_into("<QQQQ", hdr, 208, len(data_at), 0, 0, 1)
struct.pack_into("<QQ", hdr, 240, 0, 0)
if HEADER >= 264:
    struct.pack_into("<II", hdr, 256, arr_off if a.compact else 0, len(entries) if a.compact else 0)
if HEADER >= 272:
    struct.pack_into("<Q", hdr, 264, entry_offs[-1])
out = bytes(hdr) + bytes(body)
if a.cut:
    out = out[:a.cut]
open(a.out, "wb").write(out)
