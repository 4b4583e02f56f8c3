#!/usr/bin/env bash
# Differential test: UTC offsets, formatted local times and local->UTC conversions from
# src/core/time.c (through tests/tools/tzconv) against python3's zoneinfo, which reads the
# same tzdata files but is an independent implementation (including the POSIX footer rules).
source "$(dirname "$0")/../lib.sh"
TOOL=$ROOT/build/asan/tools/tzconv
if [ ! -x "$TOOL" ]; then fail tool_built "missing $TOOL (make asan)"; exit 1; fi
if ! python3 -c 'import zoneinfo; zoneinfo.ZoneInfo("Asia/Tokyo")' 2>/dev/null; then
  skip zoneinfo "python3 zoneinfo/tzdata unavailable"; exit 0
fi

python3 - "$TMP/queries" "$TMP/expected" <<'PY'
import random, sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo
zones = ["Asia/Tokyo", "America/New_York", "Europe/London", "Australia/Lord_Howe",
         "Europe/Dublin", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Chatham",
         "America/Santiago", "Africa/Casablanca", "Antarctica/Troll", "America/Nuuk",
         "Asia/Jerusalem", "Etc/UTC"]
rng = random.Random(20261122)
epoch = datetime(1970, 1, 1)
lo = int(datetime(1900, 1, 1, tzinfo=timezone.utc).timestamp())
hi = int(datetime(2200, 1, 1, tzinfo=timezone.utc).timestamp())
with open(sys.argv[1], "w") as q, open(sys.argv[2], "w") as e:
    for z in zones:
        zi = ZoneInfo(z)
        for i in range(250):
            # half uniform over 1900..2200, half near the present and the footer era
            t = rng.randrange(lo, hi) if i % 2 else rng.randrange(946684800, 4102444800)
            d = datetime.fromtimestamp(t, zi)
            off = int(d.utcoffset().total_seconds())
            q.write(f"{z} U {t}\n")
            e.write(f"{off} {d.isoformat()}\n")
            loc = t + rng.randrange(-7200, 7200)
            naive = epoch + timedelta(seconds=loc)
            u = int(naive.replace(tzinfo=zi, fold=0).timestamp())
            q.write(f"{z} L {loc}\n")
            e.write(f"{u}\n")
        # wall times around the usual transition days (gaps and repeated hours), now and
        # in 2100 (after the last TZif transition: the POSIX footer rule decides)
        for y in (2024, 2100):
            for mon in (3, 4, 9, 10, 11):
                for day in range(1, 32, 1):
                    try:
                        base = datetime(y, mon, day)
                    except ValueError:
                        continue
                    if base.weekday() not in (4, 5, 6) and not (z.startswith("Asia/J") and day > 20):
                        continue
                    for half in range(0, 8):
                        naive = base + timedelta(minutes=30 * half)
                        loc = int((naive - epoch).total_seconds())
                        u = int(naive.replace(tzinfo=zi, fold=0).timestamp())
                        q.write(f"{z} L {loc}\n")
                        e.write(f"{u}\n")
                        d = datetime.fromtimestamp(loc, zi)
                        q.write(f"{z} U {loc}\n")
                        e.write(f"{int(d.utcoffset().total_seconds())} {d.isoformat()}\n")
        # ISO 8601 text in the forms evidence uses, parsed by python's fromisoformat
        for i in range(150):
            t = rng.randrange(lo, hi)
            us = rng.randrange(0, 1000000)
            d = datetime.fromtimestamp(t, zi).replace(microsecond=us)
            text = d.isoformat(sep=rng.choice("T "), timespec=rng.choice(
                ["seconds", "milliseconds", "microseconds"]))
            if rng.random() < 0.3:
                text = text[:-6] if text[-6] in "+-" else text  # naive: zone assumed
            if rng.random() < 0.2 and text.endswith("+00:00"):
                text = text[:-6] + rng.choice("Zz")
            if rng.random() < 0.2 and text[-6] in "+-" and text[-3] == ":":
                text = text[:-3] + text[-2:]  # +0900
            pd = datetime.fromisoformat(text.replace("z", "Z"))
            if pd.tzinfo is None:
                pd = pd.replace(tzinfo=zi, fold=0)
            ns = ((pd - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)) * 1000
            q.write(f"{z} P {text}\n")
            e.write(f"{ns}\n")
PY
"$TOOL" < "$TMP/queries" > "$TMP/actual" 2>"$TMP/err"
rc=$?
expect_eq tool_exit "$rc" 0
n=$(wc -l < "$TMP/queries")
expect_eq answers_all_queries "$(wc -l < "$TMP/actual")" "$n"
if cmp -s "$TMP/expected" "$TMP/actual"; then
  pass matches_python_zoneinfo
else
  fail matches_python_zoneinfo "$(paste -d'|' "$TMP/queries" "$TMP/expected" "$TMP/actual" | awk -F'|' '$2 != $3' | head -5)"
fi
