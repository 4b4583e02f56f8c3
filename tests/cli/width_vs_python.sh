#!/usr/bin/env bash
# Differential test: ks_display_width of every assigned code point in the blocks evidence
# mostly holds (CJK, kana, Hangul, fullwidth forms, emoji, combining marks) against
# python3's unicodedata: East Asian Width W/F -> 2, Mn/Me/Cf -> 0, else 1.
source "$(dirname "$0")/../lib.sh"
TOOL=$ROOT/build/asan/tools/uwidth
if [ ! -x "$TOOL" ]; then fail tool_built "missing $TOOL (make asan)"; exit 1; fi

python3 - "$TMP/cps" "$TMP/expected" <<'PY'
import sys, unicodedata
blocks = [(0x20, 0x7E), (0xA0, 0x2FF), (0x300, 0x36F), (0x1100, 0x115F), (0x2E80, 0x2FDF),
          (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x31FF), (0x3200, 0x33FF),
          (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF),
          (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x1F300, 0x1F5FF), (0x1F600, 0x1F64F),
          (0x1F680, 0x1F6FF), (0x1F900, 0x1F9FF), (0x20000, 0x2A6DF)]
with open(sys.argv[1], "w") as c, open(sys.argv[2], "w") as e:
    for lo, hi in blocks:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            cat = unicodedata.category(ch)
            if cat == "Cn":
                continue  # unassigned in python's Unicode version
            if cat in ("Mn", "Me", "Cf"):
                # only the marks our compact table lists are promised to be 0
                if not (0x300 <= cp <= 0x36F or 0x3099 <= cp <= 0x309A or cp in (0x200B, 0xFEFF)
                        or 0x302A <= cp <= 0x302D):
                    continue
                w = 0
            elif unicodedata.east_asian_width(ch) in ("W", "F"):
                w = 2
            else:
                w = 1
            if cp == 0xAD:
                continue  # soft hyphen: escaped before display anyway
            c.write(f"{cp:x}\n")
            e.write(f"{w}\n")
PY
"$TOOL" < "$TMP/cps" > "$TMP/actual"
expect_eq tool_exit "$?" 0
if cmp -s "$TMP/expected" "$TMP/actual"; then
  pass matches_python_unicodedata
else
  fail matches_python_unicodedata "$(paste -d' ' "$TMP/cps" "$TMP/expected" "$TMP/actual" | awk '$2 != $3' | head -8 | tr '\n' ';')"
fi
