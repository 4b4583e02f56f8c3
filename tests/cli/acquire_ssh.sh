#!/usr/bin/env bash
# acquire ssh://: drives an ssh client (a local stand-in, tests/cli/fake-ssh), compressing
# on the "remote" side, decompressing and hashing here; a dropped connection is incomplete.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
FAKE="$ROOT/tests/cli/fake-ssh"
head -c 1500000 /dev/urandom > remote.bin
head -c 500000 /dev/zero >> remote.bin
SHA=$(sha256sum < remote.bin | cut -d' ' -f1)
export FAKE_SSH_LOG=$TMP/ssh.log

expect_rc ssh_acquire_exits_0 0 "$KS" acquire "ssh://analyst@host.example:2222$TMP/remote.bin" -o r.raw --ssh "$FAKE"
expect_grep ssh_acquire_hash_matches_remote_file "^sha256: $SHA\$" "$TMP/.out"
expect_eq ssh_image_is_byte_identical "$(cmp remote.bin r.raw && echo same)" same
expect_grep ssh_remote_read_is_compressed_with_zstd "dd if=$TMP/remote.bin bs=4M 2>/dev/null \| zstd -1 -c -q" ssh.log
expect_grep ssh_manifest_source_kind '"kind": "ssh"' r.raw.manifest.json
expect_grep ssh_manifest_records_remote_size '"size": 2000000' r.raw.manifest.json

FAKE_SSH_NO_ZSTD=1 "$KS" acquire "ssh://host$TMP/remote.bin" -o g.raw --ssh "$FAKE" > "$TMP/.out" 2>&1
expect_grep ssh_gzip_fallback_hash_matches "^sha256: $SHA\$" "$TMP/.out"
expect_grep ssh_gzip_fallback_used_gzip "gzip -1 -c" ssh.log

FAKE_SSH_CUT=300000 "$KS" acquire "ssh://host$TMP/remote.bin" -o cut.raw --ssh "$FAKE" > "$TMP/.out" 2>&1; rc=$?
expect_eq ssh_connection_drop_exits_3 "$rc" 3
expect_grep ssh_connection_drop_marks_incomplete '"status": "incomplete"' cut.raw.manifest.json
expect_grep ssh_connection_drop_names_the_cause "cut short|ssh exited with status 255|source ended early" "$TMP/.out"

expect_rc ssh_url_with_shell_metacharacters_is_refused 2 "$KS" acquire 'ssh://host/dev/sda;rm -rf ~' -o x.raw --ssh "$FAKE"
expect_rc ssh_url_without_path_is_refused 2 "$KS" acquire 'ssh://host' -o y.raw --ssh "$FAKE"
expect_eq refused_ssh_url_leaves_no_files "$(ls x.raw* y.raw* 2>/dev/null | wc -l)" 0
expect_rc ssh_unreachable_host_exits_3 3 "$KS" acquire "ssh://host$TMP/none" -o z.raw --ssh /bin/false
