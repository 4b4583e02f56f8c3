#!/usr/bin/env python3
"""Writes cryptocurrency miner configuration files in the layouts the miners read, for
kanshiki's miner_config tests and fuzz seeds (no hand-typed fixtures).

  gen-miner-configs.py OUTDIR

  xmrig-config.json    XMRig's config.json (keys as in xmrig/xmrig src/config.json): two pools,
                       one TLS with a rig id, one with a real-looking password; HTTP API on
  pools.txt            xmr-stak's pools.txt (fireice-uk/xmr-stak xmrstak/pools.tpl): a JSON
                       fragment with C comments and trailing commas; one entry is broken
  cpuminer.json        cpuminer/minerd -c FILE: the long options as keys, userpass
  srbminer.json        SRBMiner-style {"pools": [{"pool", "wallet", "password"}]}
  package.json         a JSON file with "url"/"user"/"pass" that is not a miner's (must not match)
  deep.json            an XMRig-looking config nested 5000 levels deep under "pools"
  huge.json            an XMRig config with a 1 MiB wallet
Wallets are made-up strings of the right shape, pool hosts under example.net.
"""
import json
import os
import sys

WALLET = "4" + "8AbCdEfGhJkLmNpQrStUvWxYz23456789" * 3  # 100 chars, Monero-address-like
WALLET = WALLET[:95]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    xmrig = {
        "api": {"id": None, "worker-id": None},
        "http": {"enabled": True, "host": "127.0.0.1", "port": 18088, "access-token": "api-token-123456", "restricted": True},
        "autosave": True, "background": True, "colors": False,
        "randomx": {"init": -1, "mode": "auto", "1gb-pages": False},
        "cpu": {"enabled": True, "huge-pages": True, "max-threads-hint": 75},
        "opencl": {"enabled": False}, "cuda": {"enabled": False},
        "donate-level": 0,
        "pools": [
            {"algo": "rx/0", "coin": "monero", "url": "stratum+ssl://xmr.moon-pool.example.net:443", "user": WALLET,
             "pass": "x", "rig-id": "web-a1", "nicehash": False, "keepalive": True, "enabled": True, "tls": True},
            {"algo": None, "coin": None, "url": "198.51.100.77:3333", "user": WALLET + ".backup",
             "pass": "s3cretWorkerPass", "rig-id": None, "nicehash": True, "enabled": True, "tls": False},
        ],
        "print-time": 60, "retries": 5,
    }
    with open(os.path.join(out, "xmrig-config.json"), "w") as f:
        json.dump(xmrig, f, indent=4)
        f.write("\n")
    entries = [
        '\t{"pool_address" : "pool.fast-pool.example.net:5555", "wallet_address" : "%s", "rig_id" : "", '
        '"pool_password" : "x", "use_nicehash" : false, "use_tls" : false, "tls_fingerprint" : "", "pool_weight" : 1 },' % WALLET,
        '\t{"pool_address" : "broken.example.net:1", "wallet_address" : %s },' % WALLET,  # unquoted: not JSON
        '\t{"pool_address" : "stratum+tls://eu.hash-pool.example.net:20128", "wallet_address" : "%s", '
        '"pool_password" : "rig7:me@example.org", "use_tls" : true, "pool_weight" : 2, },' % WALLET,
    ]
    with open(os.path.join(out, "pools.txt"), "w") as f:
        f.write("/*\n * pool_address    - Pool address should be in the form \"pool.supportxmr.com:3333\".\n"
                " * wallet_address  - Your wallet, or pool login.\n */\n\n\"pool_list\" :\n[\n")
        f.write("\n".join(entries) + "\n],\n\n// Currency to mine.\n\"currency\" : \"monero\",\n\n")
    with open(os.path.join(out, "cpuminer.json"), "w") as f:
        json.dump({"url": "stratum+tcp://ltc.gulf-pool.example.net:3333", "userpass": "Lwallet9:workerpw",
                   "algo": "scrypt", "threads": 2, "quiet": True}, f, indent=2)
    with open(os.path.join(out, "srbminer.json"), "w") as f:
        json.dump({"pools": [{"pool": "etc.moon-pool.example.net:1010", "wallet": "0x" + "ab" * 20, "password": "x"}]}, f)
    with open(os.path.join(out, "package.json"), "w") as f:
        json.dump({"name": "shop-frontend", "version": "1.2.3", "repository": {"type": "git", "url": "https://git.example.net/shop.git"},
                   "publishConfig": {"url": "https://registry.example.net", "user": "ci", "pass": "x"}}, f, indent=2)
    depth = 5000
    with open(os.path.join(out, "deep.json"), "w") as f:
        f.write('{"donate-level": 1, "cpu": {"enabled": true}, "pools": ' + "[" * depth + "]" * depth + "}\n")
    big = dict(xmrig)
    big["pools"] = [{"url": "huge.example.net:1", "user": "W" * (1 << 20), "pass": "x"}]
    with open(os.path.join(out, "huge.json"), "w") as f:
        json.dump(big, f)


if __name__ == "__main__":
    main()
