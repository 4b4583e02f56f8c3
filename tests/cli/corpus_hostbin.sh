#!/usr/bin/env bash
# Binary host logs (systemd journal, utmp/wtmp/btmp, lastlog, pacct) against the real tools
# that read them and against published expectations:
#  - journal: every field of every entry against `journalctl --file F -o json --all`, on
#    s4's four journals (xz, zstd + keyed hash, compact; online and archived) and on files
#    scripts/gen-journal.py writes (LZ4, none, an ONLINE file, a file cut short); s4's
#    ORACLE_s4_journal_constants.json counts and first/last times; invalid.journal.
#  - utmp: util-linux utmpdump on every native (384-byte LE) file; the 400-byte aarch64
#    files against the utmpdump rendering made on their machine; plaso's expectations for
#    its samples (x86_64, aarch64, s390 big-endian, corrupted).
#  - lastlog: s4's lastlog.txt (shadow's lastlog on the source machine), 292 and 296 bytes.
#  - pacct: dump-acct (package acct) field by field.
source "$(dirname "$0")/../lib.sh"
[ -d "$CORPUS" ] || { skip corpus_present "no corpus at $CORPUS"; exit 0; }
S=$CORPUS/s4-super-speedy-syslog-searcher/logs
P=$CORPUS/plaso
CMP=$ROOT/tests/cli/hostbin_compare.py
JCMP=$ROOT/tests/cli/journal_compare.py

# ---- journal -----------------------------------------------------------------------
J=("$S"/programs/journal/*.journal.xz "$S"/Ubuntu16/*/system.journal "$S"/OpenSUSE15/journal/*/*.journal)
expect_rc journal_ingest 0 "$KS" ingest -q "$TMP/j" "${J[@]}"
if command -v journalctl >/dev/null; then
  for f in "${J[@]}"; do
    plain=$f
    case "$f" in *.xz) plain="$TMP/$(basename "$f" .xz)"; xz -dc "$f" > "$plain" ;; esac
    out=$(python3 "$JCMP" "$KS" "$TMP/j" "$plain" "$f" 2>&1)
    expect_eq "journal_vs_journalctl_$(basename "$(dirname "$f")")_$(basename "$f" | cut -c1-20)" "${out%% *}" "ok"
    [ "${out%% *}" = ok ] || echo "    $out" | head -5
  done
else
  skip journal_vs_journalctl "journalctl not installed"
fi
# s4's constants: entry count and first/last entry time of the xz journals
for name in RHE_91_system Ubuntu22-user-1000x3; do
  exp=$(jq -r --arg k "logs/programs/journal/$name.journal.xz" '.[$k] | "\(.event_count)|\(.first_entry_datetime_utc)|\(.last_entry_datetime_utc)"' "$S/../ORACLE_s4_journal_constants.json")
  got=$(q "$TMP/j" "SELECT count(*)||'|'||substr(min(j.realtime),1,26)||'Z|'||substr(max(j.realtime),1,26)||'Z' FROM journal j JOIN evidence v ON v.id = j.evidence_id WHERE v.path LIKE '%$name.journal.xz'")
  expect_eq "journal_s4_constants_$name" "$got" "$exp"
done
expect_eq journal_event_mapping "$(q "$TMP/j" "SELECT host||'|'||action||'|'||substr(message,1,13)||'|'||time_desc FROM events WHERE source = 'journal' ORDER BY id LIMIT 1")" \
  "drano|kernel|Linux version|logged"
expect_eq journal_columns "$(q "$TMP/j" "SELECT count(*) FROM journal WHERE program IS NULL OR boot_id IS NULL OR seqnum IS NULL OR realtime IS NULL")" "0"
# a damaged file named *.journal reaches the reader, which says what is wrong (no crash)
expect_rc journal_invalid_fails 3 "$KS" ingest "$TMP/inv" "$S/other/tests/invalid.journal"
expect_grep journal_invalid_message "not a journal file .no LPKSHHRH signature; 8 bytes" "$TMP/.out"

# generated journals: LZ4 (no corpus sample), plain, ONLINE compact zstd, and cut short
G=$TMP/gen; mkdir -p "$G"
for c in none lz4 xz zstd; do python3 "$ROOT/scripts/gen-journal.py" "$G/$c.journal" --compress "$c" --entries 7; done
python3 "$ROOT/scripts/gen-journal.py" "$G/online.journal" --compress zstd --compact --online --entries 7
python3 "$ROOT/scripts/gen-journal.py" "$G/cut.journal" --compress lz4 --entries 7 --cut=-40
expect_rc journal_gen_ingest 0 "$KS" ingest -q "$TMP/g" "$G"/{none,lz4,xz,zstd,online}.journal
if command -v journalctl >/dev/null; then
  for c in none lz4 xz zstd online; do
    out=$(python3 "$JCMP" "$KS" "$TMP/g" "$G/$c.journal" 2>&1)
    expect_eq "journal_gen_vs_journalctl_$c" "$out" "ok 7"
  done
fi
"$KS" ingest -q "$TMP/c" "$G/cut.journal" > "$TMP/cut.out" 2>&1
expect_eq journal_cut_keeps_entries_and_error "$(q "$TMP/c" "SELECT sum(error IS NULL)>0 AND sum(error IS NOT NULL)=1 FROM events")" "1"

# ---- utmp / wtmp / btmp ------------------------------------------------------------
U=(); for f in $(find "$S" -type f \( -name utmp -o -name wtmp -o -name btmp \) | sort); do U+=("$f"); done
# exit 3: plaso's utmp_corrupted has records kept as errors (checked below)
expect_rc utmp_ingest 3 "$KS" ingest -q "$TMP/u" "${U[@]}" "$P"/test_data/utmp/*
for f in "${U[@]}"; do
  id=$(echo "${f#$S/}" | tr '/' '_')
  if [ -e "$f.txt" ]; then kind=utmptxt; else kind=utmp; fi
  if [ $kind = utmp ] && ! command -v utmpdump >/dev/null; then skip "utmp_$id" "utmpdump not installed"; continue; fi
  out=$(python3 "$CMP" $kind "$KS" "$TMP/u" "$f" 2>&1)
  expect_eq "utmp_vs_utmpdump_$id" "${out%% *}" "ok"
  [ "${out%% *}" = ok ] || echo "    $out" | head -5
done
for f in "$P"/test_data/utmp/*; do
  out=$(python3 "$CMP" plaso "$KS" "$TMP/u" "$f" "$P/ORACLE_plaso_tests.json" 2>&1)
  expect_eq "utmp_vs_plaso_$(basename "$f")" "${out%% *}" "ok"
  [ "${out%% *}" = ok ] || echo "    $out" | head -5
done
expect_eq utmp_layouts "$(q "$TMP/u" "SELECT group_concat(DISTINCT layout) FROM (SELECT layout FROM utmp ORDER BY layout)")" "384le,400be,400le"
expect_eq btmp_failed_logins "$(q "$TMP/u" "SELECT count(*)||'|'||group_concat(DISTINCT outcome) FROM events WHERE file LIKE '%/CentOS7/x86_64/btmp' AND action = 'login failed'")" "3|failure"
# (s4's utmpdump.txt beside this file shows another address than the bytes hold; the
# utmpdump run above agrees with the bytes)
expect_eq wtmp_login_mapping "$(q "$TMP/u" "SELECT actor||'|'||src_ip||'|'||target||'|'||time FROM events WHERE file LIKE '%/CentOS7/x86_64/utmp' AND action = 'login' AND src_ip IS NOT NULL")" \
  "root|192.168.124.180|pts/0|2024-03-03T07:03:58.068556000Z"
expect_eq utmp_corrupted_kept_as_errors "$(q "$TMP/u" "SELECT count(*) FROM events WHERE file LIKE '%utmp_corrupted' AND error IS NOT NULL")" "3"

# ---- lastlog -----------------------------------------------------------------------
L=($(find "$S" -type f -name lastlog | sort))
expect_rc lastlog_ingest 0 "$KS" ingest -q "$TMP/l" "${L[@]}"
for f in "${L[@]}"; do
  id=$(echo "${f#$S/}" | tr '/' '_')
  out=$(python3 "$CMP" lastlog "$KS" "$TMP/l" "$f" 2>&1)
  expect_eq "lastlog_vs_txt_$id" "${out%% *}" "ok"
  [ "${out%% *}" = ok ] || echo "    $out" | head -5
done
expect_eq lastlog_uid_index "$(q "$TMP/l" "SELECT group_concat(uid||':'||offset) FROM (SELECT uid, offset FROM lastlog WHERE uid > 0 ORDER BY offset)")" "1000:292000,1000:292000,1001:292292,1000:296000"

# ---- pacct ---------------------------------------------------------------------------
A=($(find "$S" -type f -name pacct | sort))
expect_rc pacct_ingest 0 "$KS" ingest -q "$TMP/p" "${A[@]}"
for f in "${A[@]}"; do
  id=$(echo "${f#$S/}" | tr '/' '_')
  expect_eq "pacct_records_by_size_$id" "$(q "$TMP/p" "SELECT count(*) FROM pacct x JOIN evidence v ON v.id = x.evidence_id WHERE v.path = '$f'")" "$(( $(stat -c %s "$f") / 64 ))"
  if command -v dump-acct >/dev/null; then
    out=$(python3 "$CMP" pacct "$KS" "$TMP/p" "$f" 2>&1)
    expect_eq "pacct_vs_dump_acct_$id" "${out%% *}" "ok"
    [ "${out%% *}" = ok ] || echo "    $out" | head -5
  else
    skip "pacct_vs_dump_acct_$id" "dump-acct (package acct) not installed"
  fi
done
expect_eq pacct_event_mapping "$(q "$TMP/p" "SELECT actor||'|'||action||'|'||time_desc||'|'||time FROM events WHERE file LIKE '%CentOS7/pacct' ORDER BY id LIMIT 1")" \
  "0|accton|process start|2024-03-03T07:05:14.000000000Z"

# ---- generated: layouts the corpus lacks (seeds of fuzz_hostbin, from the documented
# structures): 400-byte big-endian utmp, lastlog whose first byte is zero and 296-byte
# lastlog, big-endian and version 2 pacct records ---------------------------------------
bash "$ROOT/tests/fuzz/seed_fuzz_hostbin.sh" "$TMP/seeds" >/dev/null
Z=$TMP/seeds
"$KS" ingest -q "$TMP/z" "$Z"/wtmp_400be "$Z"/lastlog_292 "$Z"/lastlog_296 "$Z"/pacct_v3 "$Z"/pacct_v2 >/dev/null 2>&1
expect_eq gen_utmp_400be "$(q "$TMP/z" "SELECT group_concat(layout||':'||type_name||':'||coalesce(user,'')||':'||coalesce(addr,''),' ') FROM utmp")" \
  "400be:BOOT_TIME:reboot: 400be:USER_PROCESS:alice:198.51.100.7 400be:DEAD_PROCESS::"
expect_eq gen_lastlog_layouts "$(q "$TMP/z" "SELECT group_concat(uid||'@'||offset||':'||terminal,' ') FROM lastlog")" "0@0:pts/0 2@584:tty1 0@0:pts/0 1@296:tty1"
expect_eq gen_pacct_byte_orders "$(q "$TMP/z" "SELECT group_concat(comm||':'||pid||':'||etime||':'||tty,' ') FROM pacct")" "bash:100:2.5:136:0 curl:101:2.5:136:0 sh:102:2.5:136:0"
expect_eq gen_pacct_v2_is_error "$(q "$TMP/z" "SELECT error FROM events WHERE file LIKE '%pacct_v2'")" "acct record version 2 not supported (only v3)"

# ---- sniffing: the text renderings beside the binaries (utmp.utmpdump.txt, lastlog.txt,
# wtmp.last.txt) share their names but are not claimed by the binary readers -------------
"$KS" ingest -q "$TMP/s" "$S/CentOS7" "$S/Debian11" "$S/Debian13" >/dev/null 2>&1
expect_eq sniff_text_renderings_not_binary "$(q "$TMP/s" "SELECT count(*) FROM evidence v WHERE v.path LIKE '%.txt' AND EXISTS (SELECT 1 FROM events e WHERE e.evidence_id = v.id AND e.source IN ('utmp','lastlog','pacct','journal'))")" "0"
expect_eq sniff_binaries_found "$(q "$TMP/s" "SELECT group_concat(source||'='||n,' ') FROM (SELECT e.source, count(DISTINCT e.evidence_id) n FROM events e WHERE e.source IN ('utmp','lastlog','pacct','journal') GROUP BY 1 ORDER BY 1)")" \
  "lastlog=4 pacct=2 utmp=9"
