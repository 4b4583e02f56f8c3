#!/usr/bin/env bash
# Binary host logs inside a disk image are found and read without --format: wtmp, btmp and
# lastlog under /var/log, a journal under /var/log/journal/<machine-id>/, and pacct under
# /var/account (RHEL's place, outside /var/log). Made with mke2fs -d (no root needed); the
# files come from the fuzz seed generator and scripts/gen-journal.py.
source "$(dirname "$0")/../lib.sh"
command -v mke2fs >/dev/null || { skip mke2fs "e2fsprogs not installed"; exit 0; }
T=$TMP/tree
mkdir -p "$T/etc" "$T/var/log/journal/0123456789abcdef0123456789abcdef" "$T/var/account"
echo db01 > "$T/etc/hostname"
bash "$ROOT/tests/fuzz/seed_fuzz_hostbin.sh" "$TMP/seeds" >/dev/null
cp "$TMP/seeds/wtmp_384le" "$T/var/log/wtmp"
cp "$TMP/seeds/wtmp_384le" "$T/var/log/btmp"
cp "$TMP/seeds/lastlog_292" "$T/var/log/lastlog"
cp "$TMP/seeds/pacct_v3" "$T/var/account/pacct"
python3 "$ROOT/scripts/gen-journal.py" "$T/var/log/journal/0123456789abcdef0123456789abcdef/system.journal" --compress lz4 --entries 4
I=$TMP/disk.img
mke2fs -q -t ext4 -d "$T" "$I" 16M || { skip mke2fs_d "mke2fs -d failed"; exit 0; }
expect_rc ingest_image_exits_0 0 "$KS" ingest "$TMP/c" "$I"
expect_eq image_hostbin_sources "$(q "$TMP/c" "SELECT group_concat(source||'='||n, ' ') FROM (SELECT source, count(*) n FROM events WHERE source <> 'filesystem' GROUP BY source ORDER BY source)")" \
  "journal=4 lastlog=2 pacct=3 utmp=6"
expect_eq image_btmp_by_name "$(q "$TMP/c" "SELECT count(*) FROM events WHERE source='utmp' AND file LIKE '%/var/log/btmp' AND action='login failed'")" "1"
expect_eq image_wtmp_login "$(q "$TMP/c" "SELECT actor||'|'||src_ip FROM events WHERE source='utmp' AND file LIKE '%/var/log/wtmp' AND action='login'")" "alice|198.51.100.7"
