#!/usr/bin/env bash
# fs_cli.sh — `kanshiki fs` find/timeline/extract/stat behaviour on a small image made with
# mke2fs -d, including hostile names written into a directory block by a byte patch.
source "$(dirname "$0")/../lib.sh"
if ! command -v mke2fs >/dev/null; then skip all "needs e2fsprogs"; exit 0; fi
cd "$TMP" || exit 1
mkdir -p s/logs s/d
printf 'one\n' > s/logs/a.log
head -c 5000 /dev/zero > s/logs/big.log
printf 'x' > s/d/AAAAAAAAA
printf 'esc' > "s/d/$(printf 'e\033[31mred')"
ln -s /etc/passwd s/d/to_passwd
ln -s ../../../../etc s/d/up
touch -d '2001-01-01 00:00:00' s/logs/big.log
mke2fs -q -F -t ext4 -b 4096 -d s img.raw 8M >/dev/null 2>&1
# mke2fs -d 1.47 drops nanoseconds and epoch bits: set a time past 2038 with debugfs
debugfs -w -f - img.raw >/dev/null 2>&1 <<'DBG'
sif /logs/a.log mtime @2214082496
sif /logs/a.log mtime_extra 493827157
DBG
# rename d/AAAAAAAAA to "../../pwn" inside its directory record (same length)
python3 - img.raw <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"AAAAAAAAA")
assert i > 0
d[i:i + 9] = b"../../pwn"
open(sys.argv[1], "wb").write(d)
PY

# ---- find
expect_eq find_by_name_glob "$("$KS" fs find img.raw --name '*.log' | sort | tr '\n' ' ')" "/logs/a.log /logs/big.log "
expect_eq find_by_type_dir "$("$KS" fs find img.raw --type d --live | sort | tr '\n' ' ')" "/ /d /logs /lost+found "
expect_eq find_by_min_size "$("$KS" fs find img.raw --type f --min-size 4K)" "/logs/big.log"
expect_eq find_by_mtime_range "$("$KS" fs find img.raw --time m --after 2040-01-01 --before 2041-01-01)" "/logs/a.log"
expect_eq find_by_path_glob "$("$KS" fs find img.raw --path '/d/*' --type l | sort | tr '\n' ' ')" "/d/to_passwd /d/up "
expect_rc find_bad_time_is_usage_error 2 "$KS" fs find img.raw --after yesterday

# ---- timeline (text): nanoseconds, MACB letters, sorted
"$KS" fs timeline img.raw > tl.txt
expect_grep timeline_text_has_ns_and_m_event '^2040-02-28T22:54:56\.123456789Z m\.\.\. r/rrw-r--r-- +[0-9]+ +4 /logs/a.log$' tl.txt
expect_grep timeline_text_groups_equal_times '^2001-01-01T00:00:00\.000000000Z ma\.\. ' tl.txt
expect_grep timeline_shows_slash_in_name_escaped ' /d/\.\.\\\\x2f\.\.\\\\x2fpwn$' tl.txt
expect_eq timeline_text_is_sorted "$(cut -c1-30 tl.txt | LC_ALL=C sort -c 2>&1 && echo sorted)" "sorted"
expect_grep timeline_escapes_terminal_controls '/d/e\\(e|x1b)\[31mred$' tl.txt
"$KS" fs timeline --format bodyfile img.raw > body.txt
if command -v mactime >/dev/null; then
  mactime -b body.txt -d -y > mac.csv 2>&1
  expect_grep bodyfile_read_by_mactime '^2040-02-28T22:54:56Z,4,m\.\.\.,r/rrw-r--r--,0,0,[0-9]+,"?/logs/a.log' mac.csv
fi

# ---- stat
"$KS" fs stat img.raw /d/to_passwd > st.txt
expect_grep stat_symlink_target '^link_target: /etc/passwd$' st.txt
expect_grep stat_mtime_ns '^mtime: 2040-02-28T22:54:56.123456789Z$' <("$KS" fs stat img.raw /logs/a.log)
expect_grep stat_sha256 '^sha256: 2c8b08da5ce60398e1f19af0e5dccc744df274b826abe585eaba68c525434806$' <("$KS" fs stat --sha256 img.raw /logs/a.log)
expect_rc stat_missing_path_exit_3 3 "$KS" fs stat img.raw /nope
expect_rc relative_path_is_usage_error 2 "$KS" fs ls img.raw logs

# ---- extract: never outside the target, links not followed or created, manifest kept
mkdir out_parent
"$KS" fs extract img.raw / -o out_parent/x > ex.out 2>&1
expect_eq extract_exit_0 "$?" "0"
expect_eq extract_wrote_nothing_outside_target "$(ls out_parent; ls "$TMP" | grep -c pwn)" "x
0"
expect_eq extract_hostile_name_escaped "$(ls -A out_parent/x/root/d | grep pwn)" "..%2F..%2Fpwn"
expect_eq extract_control_chars_escaped "$(ls out_parent/x/root/d | grep red)" "e%1B%5B31mred"
expect_eq extract_symlinks_not_created "$(find out_parent/x -type l | wc -l)" "0"
expect_grep extract_manifest_records_link_target '"path":"/d/up".*"link_target":"../../../../etc"' out_parent/x/kanshiki-manifest.jsonl
expect_grep extract_manifest_records_times_ns '"path":"/logs/a.log".*"mtime":"2040-02-28T22:54:56.123456789Z"' out_parent/x/kanshiki-manifest.jsonl
expect_grep extract_manifest_records_sha256 '"path":"/logs/a.log".*"sha256":"2c8b08da5ce60398e1f19af0e5dccc744df274b826abe585eaba68c525434806"' out_parent/x/kanshiki-manifest.jsonl
expect_eq extract_content_equal "$(cat out_parent/x/root/logs/a.log)" "one"
expect_eq extract_restores_mtime_ns "$(stat -c %y out_parent/x/root/logs/a.log)" "2040-02-28 22:54:56.123456789 +0000"
expect_rc extract_refuses_existing_manifest 2 "$KS" fs extract img.raw / -o out_parent/x
"$KS" fs extract img.raw /logs/a.log -o single >/dev/null 2>&1
expect_eq extract_single_file "$(cat single/a.log)" "one"
