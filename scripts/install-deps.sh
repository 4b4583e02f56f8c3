#!/usr/bin/env bash
# Installs the Debian 12 packages kanshiki needs to build, test, fuzz and benchmark.
# Idempotent: installs only what is missing, so `make demo` / `make check` can call it every time.
# Runs apt only as root; as another user it just reports what is missing.
set -euo pipefail

# Build: compiler, libraries (all from Debian; nothing vendored).
BUILD_PKGS="gcc make pkg-config libsqlite3-dev libarchive-dev zlib1g-dev libzstd-dev libbz2-dev
 liblzma-dev libssl-dev libyaml-dev libsodium-dev libewf-dev libqcow-dev libvmdk-dev libvhdi-dev libpcre2-dev
 liblz4-dev libyara-dev"
# Tests and oracles: jq (CloudTrail differential tests), python3 (fixture generators),
# clang (libFuzzer harnesses), sqlite3 CLI, gzip/zstd/bzip2/xz/zip/tar to build compressed fixtures,
# libjansson-dev (benchmark comparison against our JSON reader).
TEST_PKGS="jq python3 clang sqlite3 gzip zstd bzip2 xz-utils zip unzip tar libjansson-dev tzdata file time bc"
# Report tests: headless Chromium renders report.html (CSP, timeline filter, planted scripts).
TEST_PKGS="$TEST_PKGS chromium"
# Preservation tests and bench: dc3dd (bench/acquire.sh), dmsetup (device-mapper `error`
# target for bad-sector tests where the kernel allows it), util-linux (losetup, mount, script).
TEST_PKGS="$TEST_PKGS dc3dd dmsetup util-linux"
# File-system tests: mke2fs/debugfs fixtures, TSK (fls/mactime) oracles, LVM2 tools,
# ewfacquire (E01 fixtures); xfsprogs (mkfs.xfs, xfs_db oracles for the XFS reader).
TEST_PKGS="$TEST_PKGS e2fsprogs xfsprogs sleuthkit lvm2 ewf-tools"
# Host artifact tests: ssh-keygen (authorized_keys fingerprints), the yara CLI (--yara oracle).
TEST_PKGS="$TEST_PKGS openssh-client yara"
# Host binary logs: systemd (journalctl, the journal oracle), util-linux (utmpdump),
# acct (dump-acct, the pacct oracle).
TEST_PKGS="$TEST_PKGS systemd acct"
# Database tests (tests/cli/db_*.sh) start real servers: MariaDB with mysqlbinlog, mariadb-dump
# and the server_audit plugin; PostgreSQL 15 with pg_dump and pgaudit.
DB_PKGS="mariadb-server mariadb-client postgresql-15 postgresql-15-pgaudit postgresql-client-15"
EXTRA_PKGS="${KS_EXTRA_PKGS:-}"

missing=""
for p in $BUILD_PKGS $TEST_PKGS $DB_PKGS $EXTRA_PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install-deps: missing packages:$missing (run as root to install)" >&2
  exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing </dev/null >/dev/null
echo "install-deps: done"
