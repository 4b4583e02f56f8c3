#!/usr/bin/env bash
# Seeds for fuzz_hostcfg: plaso's history test files and host files written like the ones
# the CLI tests make (crontab, passwd, shadow, group, sudoers, authorized_keys from
# ssh-keygen, AWS/gcloud/Azure credential files with documentation example keys, miner configs
# written by scripts/gen-miner-configs.py).
set -eu
out=${1:?usage: seed_fuzz_hostcfg.sh OUTDIR}
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
P=$here/../../../shared/corpus/plaso/test_data
for f in bash_history bash_history_desync zsh_extended_history.txt fish_history; do
  [ -f "$P/$f" ] && cp "$P/$f" "$out/$f"
done
printf 'SHELL=/bin/sh\n# m h dom mon dow user command\n17 * * * * root cd / && run-parts /etc/cron.hourly\n@reboot root /tmp/x\n1\t5\tcron.daily\trun-parts /etc/cron.daily\n' > "$out/crontab"
printf 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n+@nis\n' > "$out/passwd"
printf 'root:$y$j9T$abc$def:20000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nx::1:::::\n' > "$out/shadow"
printf 'root:x:0:\nsudo:x:27:alice,bob\n' > "$out/group"
printf 'Defaults env_reset\n%%sudo ALL=(ALL:ALL) NOPASSWD: ALL\nCmnd_Alias X = /a, \\\n /b\n#includedir /etc/sudoers.d\n' > "$out/sudoers"
if command -v ssh-keygen >/dev/null; then
  t=$(mktemp -d); ssh-keygen -q -t ed25519 -N '' -C c -f "$t/k"
  { cat "$t/k.pub"; echo "command=\"x \\\"y\\\"\",no-pty $(cat "$t/k.pub")"; } > "$out/authorized_keys"
  rm -rf "$t"
fi
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n[profile a]\nrole_arn = arn:aws:iam::1:role/A\n' > "$out/aws_credentials"
printf '{"type":"authorized_user","client_id":"1.apps","client_secret":"s","refresh_token":"r"}' > "$out/adc.json"
printf '\xef\xbb\xbf{"subscriptions":[{"id":"s","name":"n","user":{"name":"u","type":"user"},"tenantId":"t"}]}' > "$out/azureProfile.json"
printf '{"AccessToken":{"k":{"secret":"x","client_id":"c","realm":"r","cached_at":"1700000000"}},"Account":{"a":{"username":"u"}}}' > "$out/msal.json"
printf '[Unit]\nDescription=x\n[Service]\nExecStart=/bin/a \\\n -b\nExecStart=\nUser=nobody\n[Timer]\nOnCalendar=daily\n' > "$out/unit.service"
printf '2009-02-25 11:45:23 conffile /etc/X11/Xsession keep\n2016-08-06 17:35:39 install base-passwd:amd64 <none> 3.5.33\n# x\nStart-Date: 2019-07-10  16:38:08\n' > "$out/dpkg.log"
printf 'Start-Date: 2019-07-10  16:38:08\nCommandline: apt-get install x\nInstall: a:amd64 (1.0, automatic), b:amd64 (1:2.0-1)\nUpgrade: c:amd64 (1, 2)\nEnd-Date: 2019-07-10  16:38:10\n\n' > "$out/apt_history.log"
printf 'Nov 20 10:00:01 Installed: 2:nmap-ncat-7.92-1.el9.x86_64\n2026-11-20T10:00:00+0000 SUBDEBUG Installed: nano-5.6.1-5.el9.x86_64\n' > "$out/yum_dnf.log"
printf "2017-08-08 20:05:07,147 - util.py[DEBUG]: Cloud-init v. 0.7.9 running 'init-local' at Tue, 08 Aug 2017 20:05:07 +0000. Up 6.26 seconds.\nTraceback (most recent call last):\n2017-08-08 20:05:09,100 - subp.py[DEBUG]: Running command ['sh', '-c', 'curl -fsSL http://x/i.sh | bash']\n" > "$out/cloud-init.log"
printf 'server {\n root /var/www/a; location /b { alias /srv/b/; }\n root $x;\n}\nDocumentRoot "/srv/site"\nAlias /icons/ "/usr/share/apache2/icons/"\n' > "$out/nginx.conf"
python3 "$here/../../scripts/gen-miner-configs.py" "$out/miner" >/dev/null 2>&1 && {
  rm -f "$out/miner/huge.json" # over the fuzzers' 64 KiB inputs
  for f in "$out"/miner/*; do mv "$f" "$out/miner_$(basename "$f")"; done; rmdir "$out/miner"; } || true
