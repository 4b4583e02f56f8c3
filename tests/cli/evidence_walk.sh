#!/usr/bin/env bash
# The evidence walker against fixtures made here with the real tools (gzip, zstd, bzip2, xz,
# zip, tar, python3): content hashes must equal what zcat/zstdcat/bzcat/xzcat produce,
# damage must be reported with file and offset after the decodable prefix, and the walk must
# leave the evidence exactly as it found it.
source "$(dirname "$0")/../lib.sh"
export XZ_OPT=-1
WD=${WALKDUMP:-$ROOT/build/asan/tools/walkdump}
E=$TMP/ev
mkdir -p "$E"

sha() { sha256sum | cut -d' ' -f1; }
# field N of the walkdump line whose path (field 2) is exactly $2
field() { awk -F'\t' -v p="$2" -v f="$1" '$2 == p { print $f; exit }' "$TMP/out"; }
hash_of() { field 5 "$1"; }

# ---- fixtures --------------------------------------------------------------------------
python3 - "$E/log.txt" <<'EOF'
import sys, random
r = random.Random(7)
with open(sys.argv[1], "w") as f:
    for i in range(15000):
        f.write('{"eventTime":"2024-01-01T00:00:%02dZ","n":%d,"src":"10.0.%d.%d","msg":"%s"}\n'
                % (i % 60, i, r.randrange(256), r.randrange(256), "x" * r.randrange(40)))
EOF
cp "$E/log.txt" "$E/b.txt"
gzip -k -9 "$E/b.txt"; mv "$E/b.txt.gz" "$E/log.gz"
zstd -q -k "$E/b.txt" -o "$E/log.zst"
bzip2 -k -c "$E/b.txt" > "$E/log.bz2"
xz -1 -k -c "$E/b.txt" > "$E/log.xz"
xz --format=lzma -1 -c "$E/b.txt" > "$E/log.lzma"
rm "$E/b.txt"
head -c 100000 "$E/log.txt" | gzip -c > "$E/multi.gz"
tail -c +100001 "$E/log.txt" | gzip -c >> "$E/multi.gz"
head -c 70000 "$E/log.txt" | zstd -q -c > "$E/multi.zst"
python3 -c 'import sys,struct; sys.stdout.buffer.write(struct.pack("<II",0x184D2A53,5)+b"skip!")' >> "$E/multi.zst"
tail -c +70001 "$E/log.txt" | zstd -q -c >> "$E/multi.zst"
{ head -c 5000 "$E/log.txt" | bzip2 -c; tail -c +5001 "$E/log.txt" | bzip2 -c; } > "$E/multi.bz2"
{ head -c 5000 "$E/log.txt" | xz -1 -c; tail -c +5001 "$E/log.txt" | xz -1 -c; } > "$E/multi.xz"
mkdir -p "$E/src/dir"
printf '{"a":1}\n' > "$E/src/dir/one.json"
printf 'second file\n' > "$E/src/two.txt"
cp "$E/log.txt" "$E/src/dir/inner.json"; gzip -9 "$E/src/dir/inner.json"
: > "$E/src/dir/zero"
(cd "$E/src" && zip -qr "$E/arch.zip" dir two.txt && tar cf "$E/arch.tar" dir two.txt &&
  tar czf "$E/arch.tgz" dir two.txt && tar --zstd -cf "$E/arch.tar.zst" dir two.txt &&
  tar cJf "$E/arch.tar.xz" dir two.txt && tar cjf "$E/arch.tar.bz2" dir two.txt)
(cd "$E/src" && zip -q -P secret "$E/enc.zip" two.txt)
: > "$E/empty"
# damage
head -c 60000 "$E/log.gz" > "$E/trunc.gz"
{ cat "$E/log.gz"; printf 'this is not gzip'; } > "$E/garbage.gz"
cp "$E/log.gz" "$E/flip.gz"
printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$E/flip.gz" bs=1 seek=40000 conv=notrunc status=none
head -c 3000 "$E/arch.tar" > "$E/trunc.tar"
cp "$E/arch.zip" "$E/bad.zip"; printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' |
  dd of="$E/bad.zip" bs=1 seek=30 conv=notrunc status=none
# a loop and a FIFO
mkdir -p "$TMP/tree/a/b"
printf 'in tree\n' > "$TMP/tree/a/b/f.txt"
ln -s ../.. "$TMP/tree/a/b/loop"
printf 'after\n' > "$TMP/tree/z.txt"
mkfifo "$TMP/tree/a/fifo"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$TMP/tree/a/sock"

# ---- the walk leaves evidence untouched (content, mtime, atime of files and directories) --
# The list is made once (find reads directories, which would itself touch their atimes);
# atimes are then pushed into the past so that any read without O_NOATIME would update them
# (relatime updates an atime older than the mtime).
(cd "$E" && find . | sort) > "$TMP/list"
before_sha=$(cd "$E" && find . -type f | sort | xargs sha256sum)
(cd "$E" && xargs -d '\n' touch -a -h -d '2020-01-01 00:00:00' < "$TMP/list")
before_stat=$(cd "$E" && xargs -d '\n' stat -c '%n %s %X %Y' < "$TMP/list")

timeout 60 "$WD" "$E" > "$TMP/out" 2> "$TMP/err"
expect_eq walk_exits_zero "$?" 0

after_stat=$(cd "$E" && xargs -d '\n' stat -c '%n %s %X %Y' < "$TMP/list")
after_sha=$(cd "$E" && find . -type f | sort | xargs sha256sum)
expect_eq walk_keeps_evidence_mtime_atime_size "$after_stat" "$before_stat"
expect_eq walk_keeps_evidence_content "$after_sha" "$before_sha"
[ -s "$TMP/err" ] && fail walk_prints_nothing_on_stderr "$(head -c 300 "$TMP/err")"
expect_eq member_offset_equals_bytes_delivered "$(grep -c '^BUG' "$TMP/out")" 0

# ---- formats ---------------------------------------------------------------------------
want=$(sha < "$E/log.txt")
expect_eq plain_file_hash "$(hash_of "$E/log.txt")" "$want"
expect_eq gzip_hash_equals_zcat "$(hash_of "$E/log.gz")" "$(zcat "$E/log.gz" | sha)"
expect_eq zstd_hash_equals_zstdcat "$(hash_of "$E/log.zst")" "$(zstdcat "$E/log.zst" | sha)"
expect_eq bzip2_hash_equals_bzcat "$(hash_of "$E/log.bz2")" "$(bzcat "$E/log.bz2" | sha)"
expect_eq xz_hash_equals_xzcat "$(hash_of "$E/log.xz")" "$(xzcat "$E/log.xz" | sha)"
expect_eq lzma_alone_hash_equals_xzcat "$(hash_of "$E/log.lzma")" "$(xzcat --format=lzma "$E/log.lzma" | sha)"
expect_eq lzma_compression_named "$(field 3 "$E/log.lzma")" lzma
expect_eq gzip_compression_named "$(field 3 "$E/log.gz")" gzip
expect_eq zstd_compression_named "$(field 3 "$E/log.zst")" zstd
expect_eq multi_member_gzip_equals_zcat "$(hash_of "$E/multi.gz")" "$(zcat "$E/multi.gz" | sha)"
expect_eq multi_member_gzip_is_whole_log "$(hash_of "$E/multi.gz")" "$want"
expect_eq zstd_frames_and_skippable_frame "$(hash_of "$E/multi.zst")" "$(zstdcat "$E/multi.zst" | sha)"
expect_eq bzip2_multi_stream "$(hash_of "$E/multi.bz2")" "$(bzcat "$E/multi.bz2" | sha)"
expect_eq xz_multi_stream "$(hash_of "$E/multi.xz")" "$(xzcat "$E/multi.xz" | sha)"
expect_eq empty_file_is_member_with_zero_bytes "$(field 4 "$E/empty")" 0
expect_eq head_is_64k_for_large_member "$(field 6 "$E/log.gz")" 65536

# ---- archives --------------------------------------------------------------------------
one=$(printf '{"a":1}\n' | sha); two=$(printf 'second file\n' | sha)
for a in arch.zip arch.tar arch.tgz arch.tar.zst arch.tar.xz arch.tar.bz2; do
  expect_eq "${a//./_}_member_one" "$(hash_of "$E/$a!dir/one.json")" "$one"
  expect_eq "${a//./_}_member_two" "$(hash_of "$E/$a!two.txt")" "$two"
  expect_eq "${a//./_}_gz_member_decompressed" "$(hash_of "$E/$a!dir/inner.json.gz")" "$want"
  expect_eq "${a//./_}_empty_member" "$(field 4 "$E/$a!dir/zero")" 0
done
expect_eq zip_compression "$(field 3 "$E/arch.zip!two.txt")" zip
expect_eq json_gz_in_zip_chain "$(field 3 "$E/arch.zip!dir/inner.json.gz")" "zip>gzip"
expect_eq tgz_chain "$(field 3 "$E/arch.tgz!two.txt")" "tar+gzip"
expect_eq tar_zst_chain "$(field 3 "$E/arch.tar.zst!two.txt")" "tar+zstd"
expect_eq tgz_json_gz_chain "$(field 3 "$E/arch.tgz!dir/inner.json.gz")" "tar+gzip>gzip"
expect_eq archive_dirs_are_not_members "$(grep -c $'^MEMBER\t'"$E/arch.zip!dir/"$'\t' "$TMP/out")" 0
expect_grep encrypted_zip_member_skipped "^SKIP	$E/enc.zip!two.txt	encrypted" "$TMP/out"

# ---- damage ----------------------------------------------------------------------------
line=$(grep -F $'\t'"$E/trunc.gz"$'\t' "$TMP/out")
expect_grep truncated_gzip_reported_with_file_and_offset \
  "^ERROR	$E/trunc.gz	$E/trunc.gz: offset [0-9]+: gzip: truncated.*decompressed [0-9]+ bytes before the damage" "$TMP/out"
got_n=$(field 5 "$E/trunc.gz"); got_h=$(field 6 "$E/trunc.gz")
zcat "$E/trunc.gz" > "$TMP/zcat_prefix" 2>/dev/null
zn=$(wc -c < "$TMP/zcat_prefix")
expect_eq truncated_gzip_delivers_our_prefix_of_original "$(head -c "$got_n" "$E/log.txt" | sha)" "$got_h"
if [ "$got_n" -ge "$zn" ] && [ "$zn" -gt 0 ] && cmp -s "$TMP/zcat_prefix" <(head -c "$zn" "$E/log.txt"); then
  pass truncated_gzip_recovers_at_least_what_zcat_recovers
else fail truncated_gzip_recovers_at_least_what_zcat_recovers "ours $got_n, zcat $zn"; fi
expect_grep garbage_after_gzip_reported \
  "^ERROR	$E/garbage.gz	.*offset $(stat -c %s "$E/log.gz"): gzip: trailing data" "$TMP/out"
expect_eq garbage_after_gzip_delivers_everything "$(field 6 "$E/garbage.gz")" "$want"
expect_grep corrupt_gzip_reported "^ERROR	$E/flip.gz	.*offset [0-9]+: gzip: corrupt data" "$TMP/out"
expect_grep truncated_tar_reported "^(ERROR|WALKERR)	.*trunc.tar.*(offset [0-9]+)" "$TMP/out"
expect_grep corrupt_zip_reported "^(ERROR|WALKERR)	.*bad.zip" "$TMP/out"
"$WD" "$E/bad.zip" "$E/trunc.tar" "$E/trunc.gz" "$E/empty" > "$TMP/cont" 2>&1
expect_eq walk_continues_with_next_item_after_damage "$(tail -n 1 "$TMP/cont" | cut -f1,2)" "MEMBER	$E/empty"
# the member cut by the truncation: its bytes up to the damage still come out (decompressed)
tn=$(awk -F'\t' -v p="$E/trunc.tar!dir/inner.json.gz" '$1=="ERROR" && $2==p{print $5}' "$TMP/cont")
th=$(awk -F'\t' -v p="$E/trunc.tar!dir/inner.json.gz" '$1=="ERROR" && $2==p{print $6}' "$TMP/cont")
if [ -n "$tn" ] && [ "$tn" -gt 0 ] && [ "$(head -c "$tn" "$E/log.txt" | sha)" = "$th" ]; then
  pass truncated_tar_member_prefix_delivered
else fail truncated_tar_member_prefix_delivered "got ${tn:-nothing}: $(grep trunc.tar "$TMP/cont" | head -c 300)"; fi

# zstd, bzip2, xz: truncation delivers at least what the reference tool recovers, then an
# error with the offset; trailing garbage after a complete stream is reported at its offset.
for z in "zst zstdcat 0.6" "bz2 bzcat 0.9" "xz xzcat 0.6"; do
  set -- $z; ext=$1; tool=$2; frac=$3
  full=$(stat -c %s "$E/log.$ext")
  cut=$(python3 -c "print(int($full * $frac))")
  head -c "$cut" "$E/log.$ext" > "$TMP/t.$ext"
  { cat "$E/log.$ext"; printf 'JUNK after the stream'; } > "$TMP/g.$ext"
  "$WD" "$TMP/t.$ext" "$TMP/g.$ext" > "$TMP/z.out" 2>&1
  expect_grep "${ext}_truncation_reported_with_offset" \
    "^ERROR	$TMP/t.$ext	$TMP/t.$ext: offset $cut: [a-z0-9]+: truncated" "$TMP/z.out"
  tn=$(awk -F'\t' -v p="$TMP/t.$ext" '$2==p{print $5}' "$TMP/z.out")
  th=$(awk -F'\t' -v p="$TMP/t.$ext" '$2==p{print $6}' "$TMP/z.out")
  rn=$("$tool" "$TMP/t.$ext" 2>/dev/null | wc -c)
  if [ -n "$tn" ] && [ "$tn" -ge "$rn" ] && [ "$tn" -gt 0 ] && [ "$(head -c "$tn" "$E/log.txt" | sha)" = "$th" ]; then
    pass "${ext}_truncation_delivers_prefix_at_least_${tool}s"
  else fail "${ext}_truncation_delivers_prefix_at_least_${tool}s" "ours ${tn:-none}, $tool $rn"; fi
  expect_grep "${ext}_trailing_garbage_reported" \
    "^ERROR	$TMP/g.$ext	.*offset $full: [a-z0-9]+: trailing data" "$TMP/z.out"
  expect_eq "${ext}_trailing_garbage_content_complete" \
    "$(awk -F'\t' -v p="$TMP/g.$ext" '$2==p{print $6}' "$TMP/z.out")" "$want"
done

# damage after the last tar entry, inside the gzip layer under the tar, is still reported
{ cat "$E/arch.tgz"; printf 'garbage after the tgz'; } > "$TMP/after.tgz"
head -c $(( $(stat -c %s "$E/arch.tgz") - 4 )) "$E/arch.tgz" > "$TMP/cut.tgz"
"$WD" "$TMP/after.tgz" "$TMP/cut.tgz" > "$TMP/tgz.out" 2>&1
expect_grep tgz_trailing_garbage_after_last_entry_reported "^WALKERR	$TMP/after.tgz: offset [0-9]+: gzip: trailing data" "$TMP/tgz.out"
expect_grep tgz_cut_in_gzip_trailer_reported "^WALKERR	$TMP/cut.tgz: offset [0-9]+: gzip: truncated" "$TMP/tgz.out"
expect_eq tgz_with_damaged_tail_still_yields_members "$(grep -c '^MEMBER' "$TMP/tgz.out")" 8

# ---- small reads give the same content -------------------------------------------------
"$WD" -c 7 "$E/multi.gz" "$E/multi.zst" "$E/arch.tgz" > "$TMP/small" 2>&1
expect_eq small_reads_multi_gzip "$(awk -F'\t' -v p="$E/multi.gz" '$2==p{print $5}' "$TMP/small")" "$want"
expect_eq small_reads_tgz "$(awk -F'\t' -v p="$E/arch.tgz!dir/inner.json.gz" '$2==p{print $5}' "$TMP/small")" "$want"

# members left unread after one small read: the walker skips the rest, same members follow
"$WD" -s -c 10 "$E" > "$TMP/partial" 2>&1
expect_eq partially_read_members_are_skipped_cleanly \
  "$(grep -E '^(MEMBER|ERROR|SKIP)' "$TMP/partial" | cut -f2)" \
  "$(grep -E '^(MEMBER|ERROR|SKIP)' "$TMP/out" | cut -f2)"

# ---- limits ----------------------------------------------------------------------------
"$WD" -m 100000 "$E/log.gz" "$E/arch.zip" > "$TMP/lim" 2>&1
"$WD" -m 10 "$E/log.gz" > "$TMP/lim10" 2>&1
expect_eq head_never_longer_than_member_limit "$(cut -f1,5 "$TMP/lim10")" "ERROR	10"
expect_grep bomb_guard_names_member "^ERROR	$E/log.gz	.*exceeds the limit of 100000 bytes.*limit reached	100000" "$TMP/lim"
expect_grep bomb_guard_in_archive_member "^ERROR	$E/arch.zip!dir/inner.json.gz	.*limit reached" "$TMP/lim"
(cd "$E/src" && zip -q "$TMP/nest.zip" "$E/arch.tgz" -j)
"$WD" "$TMP/nest.zip" > "$TMP/nest" 2>&1
expect_eq nested_tgz_in_zip "$(awk -F'\t' -v p="$TMP/nest.zip!arch.tgz!dir/inner.json.gz" '$2==p{print $3" "$5}' "$TMP/nest")" "zip>tar+gzip>gzip $want"
mkdir -p "$TMP/zt"; cp "$E/arch.zip" "$TMP/zt/"; (cd "$TMP/zt" && tar czf "$TMP/zip-in.tgz" arch.zip)
"$WD" "$TMP/zip-in.tgz" > "$TMP/zipin" 2>&1
expect_eq zip_streamed_inside_tgz "$(awk -F'\t' -v p="$TMP/zip-in.tgz!arch.zip!dir/inner.json.gz" '$2==p{print $3" "$5}' "$TMP/zipin")" "tar+gzip>zip>gzip $want"
"$WD" -n 2 "$TMP/nest.zip" > "$TMP/nest2" 2>&1
expect_grep nesting_limit_reported "^WALKERR	$TMP/nest.zip!arch.tgz.*nesting limit" "$TMP/nest2"

# ---- directories: loops, FIFOs, missing paths ------------------------------------------
timeout 20 "$WD" -L "$TMP/tree" > "$TMP/tree.out" 2>&1
expect_eq walk_with_loop_and_fifo_finishes "$?" 0
expect_eq directory_loop_reported_once "$(grep -c 'directory loop' "$TMP/tree.out")" 1
expect_grep fifo_skipped "^SKIP	$TMP/tree/a/fifo	not a regular file \(FIFO\)" "$TMP/tree.out"
expect_grep socket_skipped "^SKIP	$TMP/tree/a/sock	not a regular file \(socket\)" "$TMP/tree.out"
expect_grep walk_completes_after_loop "^MEMBER	$TMP/tree/z.txt	" "$TMP/tree.out"
timeout 20 "$WD" "$TMP/tree" > "$TMP/tree2.out" 2>&1
expect_grep symlink_not_followed_by_default "^SKIP	$TMP/tree/a/b/loop	symbolic link" "$TMP/tree2.out"
timeout 20 "$WD" "$TMP/tree/a/fifo" > "$TMP/fifo.out" 2>&1
expect_grep fifo_on_command_line_skipped "^SKIP	$TMP/tree/a/fifo	not a regular file" "$TMP/fifo.out"
"$WD" "$TMP/does-not-exist" "$E/empty" > "$TMP/missing" 2>&1
expect_grep missing_path_reported "^WALKERR	$TMP/does-not-exist: cannot access: No such file.*not found" "$TMP/missing"
expect_grep walk_continues_after_missing_path "^MEMBER	$E/empty	" "$TMP/missing"
ln -s "$E/log.gz" "$TMP/cmdline-link"
"$WD" "$TMP/cmdline-link" > "$TMP/link" 2>&1
expect_eq symlink_on_command_line_followed "$(awk -F'\t' '{print $1" "$5}' "$TMP/link")" "MEMBER $want"
# sorted (byte order) whatever the creation order; -L follows a symlinked file; a directory
# reached twice through symlinks (not a loop) is walked once and the second visit reported
mkdir -p "$TMP/order/c" "$TMP/order/shared"
for n in b a B c/x shared/s; do printf '%s\n' "$n" > "$TMP/order/$n"; done
ln -s shared "$TMP/order/link1"; ln -s shared "$TMP/order/link2"; ln -s a "$TMP/order/zlink"
"$WD" -L "$TMP/order" > "$TMP/order.out" 2>&1
expect_eq walk_order_is_sorted_and_links_followed "$(cut -f1,2 "$TMP/order.out" | sed "s|$TMP/order/||")" \
"MEMBER	B
MEMBER	a
MEMBER	b
MEMBER	c/x
MEMBER	link1/s
SKIP	link2
SKIP	shared
MEMBER	zlink"
expect_grep directory_reached_twice_reported "^SKIP	$TMP/order/link2	directory loop \(directory already walked\)" "$TMP/order.out"
# unreadable entries: reported, and the walk goes on (as root, drop to nobody to test it)
AS=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "$(id -u)" != 0 ] || [ ${#AS[@]} -gt 0 ]; then
  P=$(mktemp -d /tmp/ks-evperm.XXXXXX); chmod 755 "$P"
  printf 'readable\n' > "$P/ok.txt"; printf 'secret\n' > "$P/noread.txt"; chmod 000 "$P/noread.txt"
  mkdir "$P/closed"; printf 'x\n' > "$P/closed/f"; chmod 000 "$P/closed"
  chmod 644 "$P/ok.txt"
  "${AS[@]}" "$WD" "$P" > "$TMP/perm" 2>&1
  expect_grep unreadable_file_reported "^WALKERR	$P/noread.txt: cannot open file: Permission denied" "$TMP/perm"
  expect_grep unreadable_directory_reported "^WALKERR	$P/closed: cannot open directory: Permission denied" "$TMP/perm"
  expect_grep walk_continues_after_unreadable "^MEMBER	$P/ok.txt	" "$TMP/perm"
  chmod 755 "$P/closed"; rm -rf "$P"
else
  skip unreadable_file_reported "running as root without setpriv: permissions do not apply"
fi
