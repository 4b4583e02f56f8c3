#!/usr/bin/env bash
# Package manager logs (package_log): plaso's dpkg.log and apt_history.log with the values
# its tests expect (ORACLE_plaso_tests.json), and yum/dnf logs written like the real ones.
source "$(dirname "$0")/../lib.sh"
P=$CORPUS/plaso
C=$TMP/case
if [ -f "$P/ORACLE_plaso_tests.json" ]; then
  python3 - "$P" > "$TMP/oracle.txt" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1] + "/ORACLE_plaso_tests.json")):
    name = (t.get("staged_path") or "").rsplit("/", 1)[-1]
    if name == "dpkg.log":
        v = t["checks"][0]["expected_event_values"]
        print("dpkg\t%d\t%s\t%s" % (t["expected_number_of_event_data"], v["added_time"], v["message_body"]))
    if name == "apt_history.log":
        v = t["checks"][0]["expected_event_values"]
        print("apt\t%d\t%s\t%s\t%s\t%s\t%s" % (t["expected_number_of_event_data"], v["start_time"], v["end_time"],
              v["command"].lower(), v["command_line"], v["packages"]))
PY
  expect_rc ingest_dpkg_apt 0 "$KS" ingest -q "$C" "$P/test_data/dpkg.log" "$P/test_data/apt_history.log"
  IFS=$'\t' read -r _ n t msg < <(grep '^dpkg' "$TMP/oracle.txt")
  expect_eq dpkg_count "$(q "$C" "SELECT count(*) FROM package_log WHERE tool='dpkg'")" "$n"
  expect_eq dpkg_first "$(q "$C" "SELECT substr(time,1,19) || '|' || message FROM package_log WHERE tool='dpkg' ORDER BY id LIMIT 1")" "$t|$msg"
  IFS=$'\t' read -r _ n st et cmd cl pk < <(grep '^apt' "$TMP/oracle.txt")
  # plaso: one event per (transaction, command); we keep one row per package
  expect_eq apt_transactions "$(q "$C" "SELECT count(*) FROM (SELECT DISTINCT time, action FROM package_log WHERE tool='apt' AND action NOT IN ('transaction_end','error'))")" "$n"
  expect_eq apt_block_packages "$(q "$C" "SELECT group_concat(message, ', ') FROM (SELECT message FROM package_log WHERE tool='apt' AND action='$cmd' AND substr(time,1,19)='$st' ORDER BY id)")" "$pk"
  expect_eq apt_command_line "$(q "$C" "SELECT DISTINCT command_line FROM package_log WHERE substr(time,1,19)='$st' AND action='$cmd'")" "$cl"
  expect_eq apt_end_date "$(q "$C" "SELECT substr(time,1,19) FROM package_log WHERE action='transaction_end' AND line=(SELECT min(line) FROM package_log WHERE action='transaction_end' AND substr(time,1,19) > '$st')")" "$et"
  expect_eq apt_upgrade_versions "$(q "$C" "SELECT old_version || ' -> ' || version || ' ' || automatic FROM package_log WHERE package='libssl1.1'")" "1.1.0j-1~deb9u1 -> 1.1.0k-1~deb9u1 0"
  expect_eq apt_automatic "$(q "$C" "SELECT automatic FROM package_log WHERE package='libmpc3'")" "1"
  expect_eq apt_event_target "$(q "$C" "SELECT action || ' ' || target FROM events WHERE source='package_log' AND target LIKE 'joe %'")" "package_install joe 4.4-1"
  expect_eq apt_error_kept "$(q "$C" "SELECT message FROM package_log WHERE action='error'")" "Sub-process /usr/bin/dpkg returned an error code (1)"
else
  skip plaso_corpus "no $P"
fi

H=$TMP/host; mkdir -p "$H/var/log/dnf"
printf 'Nov 20 10:00:01 Installed: 2:nmap-ncat-7.92-1.el9.x86_64\nNov 20 10:00:02 Updated: 1:openssl-libs-3.0.7-25.el9.x86_64\nNov 21 09:00:00 Erased: socat\n' > "$H/var/log/yum.log"
touch -d '2026-11-22 00:00:00' "$H/var/log/yum.log"
cat > "$H/var/log/dnf/dnf.rpm.log" <<'DNF'
2026-11-20T10:00:00+0000 SUBDEBUG Installed: nano-5.6.1-5.el9.x86_64
2026-11-20T10:00:01+0900 SUBDEBUG Upgraded: curl-7.76.1-26.el9.x86_64
2026-11-20T10:00:02+0000 INFO --- logging initialized ---
DNF
printf '2026-11-20T10:00:00+0000 DDEBUG Command: dnf install -y nano \n' > "$H/var/log/dnf/dnf.log"
C2=$TMP/case2
expect_rc ingest_yum_dnf 0 "$KS" ingest -q "$C2" "$H/var/log/yum.log" "$H/var/log/dnf/dnf.rpm.log" "$H/var/log/dnf/dnf.log"
expect_eq yum_rows "$(q "$C2" "SELECT group_concat(substr(time,1,19) || ' ' || action || ' ' || package || ' ' || coalesce(version,'-') || ' ' || coalesce(arch,'-'), '|') FROM package_log WHERE tool='yum'")" \
  "2026-11-20T10:00:01 Installed nmap-ncat 7.92-1.el9 x86_64|2026-11-20T10:00:02 Updated openssl-libs 3.0.7-25.el9 x86_64|2026-11-21T09:00:00 Erased socat - -"
expect_eq dnf_rows "$(q "$C2" "SELECT group_concat(time || ' ' || action || ' ' || coalesce(package,'-'), '|') FROM package_log WHERE tool='dnf' AND level='SUBDEBUG'")" \
  "2026-11-20T10:00:00.000000000Z install nano|2026-11-20T01:00:01.000000000Z upgrade curl"
expect_eq dnf_command "$(q "$C2" "SELECT command_line FROM package_log WHERE level='DDEBUG'")" "dnf install -y nano"
expect_eq yum_events "$(q "$C2" "SELECT group_concat(action, ' ') FROM events WHERE source='package_log' AND target LIKE '%ssl%' OR target LIKE 'socat%'")" "package_upgrade package_remove"
