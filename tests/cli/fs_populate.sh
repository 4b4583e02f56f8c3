# fs_populate.sh — sourced by the fs tests: fills directory $1 with a tree exercising
# every ext4 directory and file form (htree, fragmented, sparse, long and short symlinks,
# xattrs in-inode and in a block, hard links, FIFO, odd names, times past 2038 and before
# 1970). With $2 = live, it also deletes victim_2 through the kernel (Linux >= 5.13 wipes
# the deleted record, so only the inode survives, as an orphan).
populate_tree() {
  local M=$1 mode=${2:-}
  mkdir -p "$M/dir/sub/deeper/deepest" "$M/many" "$M/empty_dir"
  printf 'hello\n' > "$M/small"
  : > "$M/empty"
  python3 - "$M" "$mode" <<'PY'
import os, random, sys
m = sys.argv[1]
r = random.Random(42)
with open(os.path.join(m, "medium"), "wb") as f:
    f.write(bytes(r.getrandbits(8) for _ in range(70000)))
# two files written in alternating chunks with fsync: interleaved (fragmented) extents
a = open(os.path.join(m, "frag_a"), "wb"); b = open(os.path.join(m, "frag_b"), "wb")
for i in range(24):
    a.write(bytes([i]) * 4096 + bytes(r.getrandbits(8) for _ in range(100))); a.flush(); os.fsync(a.fileno())
    b.write(bytes([255 - i]) * 4096); b.flush(); os.fsync(b.fileno())
a.close(); b.close()
# sparse: data islands in a large hole
with open(os.path.join(m, "sparse"), "wb") as f:
    f.seek(5 * 1024 * 1024); f.write(b"island one"); f.seek(9 * 1024 * 1024); f.write(b"island two")
with open(os.path.join(m, "sparse_tail"), "wb") as f:
    f.write(b"head"); f.truncate(3 * 1024 * 1024)
for i in range(1, 701):
    with open(os.path.join(m, "many", "entry_with_a_longish_name_%04d" % i), "w") as f:
        f.write("%d\n" % i)
os.symlink("x" * 59, os.path.join(m, "sym_59"))
os.symlink("y" * 60, os.path.join(m, "sym_60"))
os.symlink("/very/long/" + "segment/" * 40 + "end", os.path.join(m, "sym_long"))
os.symlink("small", os.path.join(m, "sym_short"))
os.symlink("../small", os.path.join(m, "dir", "sym_up"))
try:
    os.setxattr(os.path.join(m, "small"), "user.note", b"in-inode value")
    # a value too big for the inode goes to an xattr block (mke2fs -d 1.47.0 cannot
    # write those, so only through the kernel)
    if sys.argv[2] == "live":
        os.setxattr(os.path.join(m, "medium"), "user.big", b"B" * 1500)
    os.setxattr(os.path.join(m, "dir"), "user.dirattr", b"d")
except OSError:
    pass
names = ["名前 with space", "tab\tname", "quote\"and|pipe", "-dash", "emoji_\U0001F600"]
for n in names:
    with open(os.path.join(m, "dir", n), "w") as f:
        f.write(n)
for d in range(1, 6):
    with open(os.path.join(m, "dir", "victim_%d" % d), "w") as f:
        f.write("victim %d content\n" % d * 50)
with open(os.path.join(m, "dir/sub/deeper/deepest/leaf"), "w") as f:
    f.write("leaf\n")
PY
  ln "$M/small" "$M/dir/hardlink"
  mkfifo "$M/fifo"
  touch -d '2040-02-29 12:34:56.123456789' "$M/future"
  touch -d '1965-07-04 01:02:03.5' "$M/past"
  touch -d '2100-01-01 00:00:00.999999999' "$M/dir/sub/year2100"
  chown 1234:5678 "$M/dir/sub/year2100"
  chmod 4751 "$M/dir/sub/year2100"
  if [ "$mode" = live ]; then
    sync
    rm -f "$M/dir/victim_2"
    sync
  fi
}
