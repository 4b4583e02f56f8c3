#!/usr/bin/env bash
# Installs the Debian 12 packages kanshiki needs to build, test, fuzz and benchmark.
# Idempotent: installs only what is missing, so `make demo` / `make check` can call it every time.
# Runs apt only as root; as another user it just reports what is missing.
set -euo pipefail

# Build: compiler, libraries (all from Debian; nothing vendored).
BUILD_PKGS="gcc make pkg-config libsqlite3-dev libarchive-dev zlib1g-dev libzstd-dev libbz2-dev
 liblzma-dev libssl-dev libyaml-dev libsodium-dev"
# Tests and oracles: jq (CloudTrail differential tests), python3 (fixture generators),
# clang (libFuzzer harnesses), sqlite3 CLI, gzip/zstd/bzip2/xz/zip/tar to build compressed fixtures,
# libjansson-dev (benchmark comparison against our JSON reader).
TEST_PKGS="jq python3 clang sqlite3 gzip zstd bzip2 xz-utils zip unzip tar libjansson-dev tzdata file time bc chromium"
EXTRA_PKGS="${KS_EXTRA_PKGS:-}"

missing=""
for p in $BUILD_PKGS $TEST_PKGS $EXTRA_PKGS; do
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
