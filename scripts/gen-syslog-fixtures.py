#!/usr/bin/env python3
"""Writes syslog edge-case fixtures into DIR (tests/cli/syslog_edge.sh sets their mtimes).

rollover.log   BSD lines across New Year (file time 2025-01-02): December is 2024
later.log      a month after the file time's month (file time 2025-06-15): previous year
variants.log   one line per header form and per normalised event kind, in a known order
"""
import os, sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

def write(name, lines):
    with open(os.path.join(out, name), "w", encoding="utf-8", newline="\n") as f:
        for l in lines:
            f.write(l + "\n")

write("rollover.log", [
    "Dec 30 23:59:59 web1 sshd[100]: Accepted password for alice from 203.0.113.5 port 50000 ssh2",
    "Dec 31 12:00:00 web1 CRON[101]: (root) CMD (run-parts /etc/cron.daily)",
    "Jan  1 00:00:01 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id",
    "Jan  2 09:30:00 web1 su[102]: (to root) alice on pts/0",
])
write("later.log", [
    "Sep  1 10:00:00 db1 systemd[1]: Started Session 1 of user bob.",
    "Jun 15 08:00:00 db1 systemd[1]: Stopped Daily apt upgrade and clean activities.",
])
# Each line: a header form or event kind (the test reads them back by line number).
write("variants.log", [
    "<38>Mar  7 04:02:16 host1 sshd[7]: Failed password for invalid user admin from 198.51.100.7 port 4242 ssh2",
    "2024-03-07T04:02:16.123456+09:00 host1 sshd[8]: Accepted publickey for deploy from 2001:db8::1 port 22 ssh2: ED25519 SHA256:abcdef",
    "<86>1 2024-03-07T04:02:17.5Z host1 sudo 9 ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"App\\]x\"] \ufeffbob : TTY=pts/1 ; PWD=/root ; USER=root ; COMMAND=/bin/bash",
    "Mar  7 04:02:18 host1 kernel: [12345.678901] usb 1-1: new high-speed USB device",
    "Mar  7 04:02:19 host1 useradd[10]: new user: name=mallory, UID=1001, GID=1001, home=/home/mallory, shell=/bin/bash",
    "Mar  7 04:02:20 host1 userdel[11]: delete user 'mallory'",
    "Mar  7 04:02:21 host1 usermod[12]: add 'eve' to group 'sudo'",
    "Mar  7 04:02:22 host1 passwd[13]: pam_unix(passwd:chauthtok): password changed for eve",
    "Mar  7 04:02:23 host1 sshd[14]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.9  user=root",
    "Mar  7 04:02:24 host1 sshd[15]: Disconnected from invalid user oracle 192.0.2.10 port 5555 [preauth]",
    "Mar  7 04:02:25 host1 sshd[16]: error: maximum authentication attempts exceeded for root from 192.0.2.11 port 6666 ssh2 [preauth]",
    "Mar  7 04:02:26 host1 sshd[16]: message repeated 3 times: [ Failed password for root from 192.0.2.11 port 6666 ssh2]",
    "Mar  7 04:02:27 host1 su: FAILED su for root by eve",
    "Mar  7 04:02:28 host1 groupadd[17]: new group: name=ops, GID=2000",
    "Mar  7 04:02:29 host1 anacron: Job `cron.daily' terminated",
    "Mar  7 04:02:30 host1 python3[18]: Traceback (most recent call last):",
    "  File \"x.py\", line 1, in <module>",
    "Mar  7 04:02:31 host1 login[19]: FAILED LOGIN (1) on '/dev/tty1' FOR 'root', Authentication failure",
    "Mar  7 04:02:32 host1 sshd[20]: pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)",
])
