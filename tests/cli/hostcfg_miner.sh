#!/usr/bin/env bash
# Cryptominer configuration files (miner_config) made by scripts/gen-miner-configs.py: XMRig
# config.json, xmr-stak pools.txt (a JSON fragment with a broken entry), cpuminer and SRBMiner
# JSON; a package.json with url/user/pass keys not taken; hostile files (5000-deep nesting, a
# 1 MiB wallet) kept as error records or rows; no pool password or API token in the case;
# the host_miner_config finding names pool and wallet; the same config read out of a disk image.
source "$(dirname "$0")/../lib.sh"
G=$TMP/gen
python3 "$ROOT/scripts/gen-miner-configs.py" "$G"
touch -d '2026-11-21 03:04:05' "$G/xmrig-config.json"
C=$TMP/case
expect_rc ingest_miner_configs_with_error_records 3 "$KS" ingest -q "$C" "$G"
expect_eq miner_sources "$(q "$C" "SELECT group_concat(b, ' ') FROM (SELECT DISTINCT replace(file, '$G/', '') AS b FROM events WHERE source='miner_config' ORDER BY b)")" \
  "cpuminer.json deep.json huge.json pools.txt srbminer.json xmrig-config.json"
expect_eq package_json_not_a_miner "$(q "$C" "SELECT count(*) FROM events WHERE file LIKE '%package.json'")" "0"
expect_eq miner_pool_rows "$(q "$C" "SELECT group_concat(file_kind || ':' || pool_index || ':' || m.host || ':' || port || ':' || coalesce(tls,'-') || ':' || password, ' ') FROM (SELECT m.* FROM miner_config m JOIN events e ON e.id=m.id WHERE e.file NOT LIKE '%huge.json' ORDER BY e.file, pool_index) m")" \
  "cpuminer:0:ltc.gulf-pool.example.net:3333:-:work...(8 chars) xmr_stak:0:pool.fast-pool.example.net:5555:0:x xmr_stak:2:eu.hash-pool.example.net:20128:1:rig7...(19 chars) srbminer:0:etc.moon-pool.example.net:1010:-:x xmrig:0:xmr.moon-pool.example.net:443:1:x xmrig:1:198.51.100.77:3333:0:s3cr...(16 chars)"
WALLET=$(jq -r '.pools[0].user' "$G/xmrig-config.json")
expect_eq xmrig_wallet_and_options "$(q "$C" "SELECT wallet || ' ' || rig_id || ' ' || algo || ' ' || coin || ' ' || donate_level || ' ' || background || ' ' || http_api FROM miner_config WHERE file_kind='xmrig' AND rig_id IS NOT NULL")" \
  "$WALLET web-a1 rx/0 monero 0 1 127.0.0.1:18088"
expect_eq xmrig_event "$(q "$C" "SELECT action || ' ' || target || ' ' || actor || ' ' || time || ' ' || time_desc FROM events WHERE file LIKE '%xmrig-config.json' ORDER BY id LIMIT 1")" \
  "miner_pool stratum+ssl://xmr.moon-pool.example.net:443 $WALLET 2026-11-21T03:04:05.000000000Z file modified"
expect_eq xmrig_config_column_is_json "$(q "$C" "SELECT config ->> '\$.cpu.\"max-threads-hint\"' FROM miner_config WHERE file_kind='xmrig' AND pool_index=0 AND rig_id IS NOT NULL")" "75"
expect_eq xmr_stak_broken_entry_is_error "$(q "$C" "SELECT line || ' ' || error FROM events WHERE error IS NOT NULL AND file LIKE '%pools.txt'")" \
  "9 xmr-stak pool entry is not a JSON object"
expect_eq deep_nesting_is_error "$(q "$C" "SELECT count(*) || ' ' || count(error) FROM events WHERE file LIKE '%deep.json'")" "1 1"
expect_eq huge_wallet_kept "$(q "$C" "SELECT length(wallet) FROM miner_config m JOIN events e ON e.id=m.id WHERE e.file LIKE '%huge.json'")" "1048576"
for secret in s3cretWorkerPass api-token-123456 'rig7:me@example.org' workerpw; do
  expect_eq "secret_not_stored_${secret%%[:@]*}" "$(cat "$C"/*.db | grep -c -F "$secret")" "0"
done
# not JSON at all under a miner's name: not taken by content
printf 'hello\n' > "$TMP/config.json"
expect_rc plain_text_config_json_not_taken 0 "$KS" ingest -q "$TMP/c0" "$TMP/config.json"
expect_eq plain_text_config_json_no_rows "$(q "$TMP/c0" "SELECT count(*) FROM events WHERE source='miner_config'")" "0"

# the finding: pool host and wallet, linked to each pool's event
expect_rc report_exits_0 0 "$KS" report "$C" --format json -o "$TMP/r.json"
expect_eq miner_config_findings "$(jq '[.findings[] | select(.analyzer=="host_miner_config")] | length' "$TMP/r.json")" "5"
expect_eq miner_config_finding_high "$(jq -r '[.findings[] | select(.analyzer=="host_miner_config") | .severity] | unique | join(",")' "$TMP/r.json")" "high"
F='.findings[] | select(.analyzer=="host_miner_config" and (.title | contains("xmrig-config.json")))'
expect_eq xmrig_finding_pool_hosts "$(jq -c "[$F | .entities.domain[]?, .entities.ip[]?] | sort" "$TMP/r.json")" '["198.51.100.77","xmr.moon-pool.example.net"]'
expect_eq xmrig_finding_wallet "$(jq -r "$F | .entities.resource | index(\"$WALLET\") != null" "$TMP/r.json")" "true"
expect_eq xmrig_finding_linked_to_pool_events "$(q "$C" "SELECT group_concat(id, ',') FROM (SELECT id FROM events WHERE file LIKE '%xmrig-config.json' AND action='miner_pool' ORDER BY id)")" \
  "$(jq -r "[$F | .evidence[].event_id] | sort | map(tostring) | join(\",\")" "$TMP/r.json")"
expect_eq xmrig_pool_lines "$(q "$C" "SELECT group_concat(line, ',') FROM (SELECT line FROM events WHERE file LIKE '%xmrig-config.json' ORDER BY id)")" \
  "$(grep -n '"algo"' "$G/xmrig-config.json" | cut -d: -f1 | awk '{printf "%s%d", (NR>1 ? "," : ""), $1-1}')"

# inside a disk image, where a dropper leaves it
if command -v mke2fs >/dev/null; then
  T=$TMP/tree
  mkdir -p "$T/var/tmp/.x" "$T/usr/share/app"
  cp "$G/xmrig-config.json" "$T/var/tmp/.x/config.json"
  cp "$G/xmrig-config.json" "$T/usr/share/app/config.json" # packaged software's: not looked at
  if mke2fs -q -t ext4 -d "$T" "$TMP/disk.img" 16M; then
    expect_rc ingest_image_with_miner_config 0 "$KS" ingest -q "$TMP/ci" "$TMP/disk.img"
    expect_eq miner_config_in_image "$(q "$TMP/ci" "SELECT group_concat(DISTINCT file) FROM events WHERE source='miner_config'")" "$TMP/disk.img:/var/tmp/.x/config.json"
    expect_eq miner_config_in_image_rows "$(q "$TMP/ci" "SELECT count(*) FROM miner_config")" "2"
  else
    skip mke2fs_d "mke2fs -d failed"
  fi
else
  skip miner_image "e2fsprogs not installed"
fi
