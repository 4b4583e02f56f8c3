#!/usr/bin/env bash
# The HTML report in headless Chromium: it renders (the timeline rows exist after the script
# ran), the timeline filter driven by the URL hash works, the CSP allows exactly our one
# script and stylesheet, and markup planted in a user agent and in a request parameter never
# runs (no element it would create, no title it would set) and shows escaped.
source "$(dirname "$0")/../lib.sh"

CHROME=$(command -v chromium || command -v chromium-browser || true)
EV=$TMP/ev; C=$TMP/case
python3 "$ROOT/scripts/gen-cloudtrail.py" incident "$EV" >/dev/null
python3 "$ROOT/tests/tools/plant_xss.py" "$EV"
expect_rc investigate_planted_exits_0 0 "$KS" investigate "$EV/AWSLogs" -o "$C" --tz Asia/Tokyo
H=$C/report.html
NEV=$(q "$C" "SELECT count(*) FROM events WHERE error IS NULL AND time_ns IS NOT NULL")

# --- static checks on the file ----------------------------------------------------------
expect_grep csp_meta_present '<meta http-equiv="Content-Security-Policy" content="default-src '"'"'none'"'"'; script-src '"'"'sha256-' "$H"
check csp_has_no_unsafe_inline bash -c "! grep -q unsafe-inline '$H'"
check csp_hashes_match_the_inline_script_and_style python3 - "$H" <<'PY'
import base64, hashlib, re, sys
h = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', h).group(1)
scripts = re.findall(r'<script>(.*?)</script>', h, re.S)
styles = re.findall(r'<style>(.*?)</style>', h, re.S)
assert len(scripts) == 1 and len(styles) == 1, (len(scripts), len(styles))
for body, kind in ((scripts[0], "script-src"), (styles[0], "style-src")):
    d = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    assert "%s 'sha256-%s'" % (kind, d) in csp, (kind, d, csp)
assert not re.search(r'https?://', re.sub(r'<script type="application/json".*?</script>', '', h, flags=re.S).split('<main>')[0])
PY
check no_inline_event_handlers bash -c "! grep -Eiq '<[a-z]+[^>]* on[a-z]+=' '$H'"
check no_external_fetches bash -c "! grep -Eiq '<(script|link|img|iframe)[^>]* (src|href)=\"?(https?:)?//' '$H'"
check planted_ua_escaped_in_html grep -q '&lt;script&gt;document.title=&#39;PWNED-UA&#39;&lt;/script&gt;&lt;img src=x id=pwned-ua&gt;' "$H"
check planted_param_escaped_in_html grep -q '&lt;/script&gt;&lt;script&gt;document.title=&#39;PWNED-PARAM' "$H"
check planted_markup_never_raw bash -c "! grep -q \"<script>document.title\" '$H' && ! grep -q 'id=pwned' <(sed 's/&lt;[^&]*&gt;//g' '$H' | grep -o '<[^>]*id=pwned[^>]*>')"
check json_data_block_escapes_lt python3 - "$H" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="ks-data">(.*?)</script>', h, re.S)
body = m.group(1)
assert "<" not in body and ">" not in body, "raw < or > in data block"
assert "\\u003c/script\\u003e\\u003cscript\\u003edocument.title" in body, "planted parameter not found escaped"
PY

# --- in the browser -----------------------------------------------------------------------
if [ -z "$CHROME" ]; then
  skip chromium_checks "chromium is not installed (scripts/install-deps.sh installs it)"
  exit 0
fi
dom() { # dom OUT URL
  local ud; ud=$(mktemp -d "$TMP/chrome.XXXXXX")
  timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$ud" --virtual-time-budget=5000 --dump-dom "$2" >"$1" 2>"$1.err"
}
visible() { grep -o '<tr class="ev[^>]*>' "$1" | grep -vc hidden; }
dom "$TMP/all.html" "file://$H"
expect_eq renders_all_timeline_rows "$(grep -o '<tr class="ev' "$TMP/all.html" | wc -l)" "$NEV"
expect_eq all_rows_visible_without_filter "$(visible "$TMP/all.html")" "$NEV"
expect_grep script_ran_count_shown "id=\"tl-count\"[^>]*>$NEV of $NEV events shown<" "$TMP/all.html"
expect_grep title_not_set_by_evidence '<title>kanshiki report — ' "$TMP/all.html"
check no_pwned_title bash -c "! grep -q '<title>PWNED' '$TMP/all.html'"
check planted_elements_absent bash -c "! grep -Eq '<(img|b)[^>]* id=\"pwned-(ua|param)\"' '$TMP/all.html'"
check planted_text_visible_escaped grep -q '&lt;img src=x id=pwned-ua&gt;' "$TMP/all.html"
check no_csp_violation bash -c "! grep -qi 'Content Security Policy' '$TMP/all.html.err'"

dom "$TMP/f1.html" "file://$H#filter=GetSecretValue"
expect_eq text_filter_from_hash "$(visible "$TMP/f1.html")" "$(q "$C" "SELECT count(*) FROM events WHERE action='GetSecretValue'")"
dom "$TMP/f2.html" "file://$H#sev=critical"
want=$(jq '[.findings[]|select(.severity=="critical")|.evidence[].event_id]|unique|length' "$C/report.json")
expect_eq severity_filter_from_hash "$(visible "$TMP/f2.html")" "$want"
dom "$TMP/f3.html" "file://$H#entity=203.0.113.201&tz=zone"
expect_eq entity_filter_from_hash "$(visible "$TMP/f3.html")" "$(q "$C" "SELECT count(*) FROM events WHERE src_ip='203.0.113.201' AND error IS NULL")"
expect_grep zone_times_shown '<td>2026-11-21T22:[0-9:]+\+09:00</td>' "$TMP/f3.html"
dom "$TMP/f4.html" "file://$H#filter=pwned-param"
expect_eq planted_rows_found_by_text_filter "$(visible "$TMP/f4.html")" "2"
check planted_filter_still_no_element bash -c "! grep -Eq '<(img|b)[^>]* id=\"pwned-(ua|param)\"' '$TMP/f4.html'"
