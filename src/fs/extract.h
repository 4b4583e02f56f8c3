/* extract.h — copying files and trees out of an image into a directory.
 *
 * Safety: every file is created with openat() relative to an already-open directory
 * descriptor using one sanitised name component (O_EXCL|O_NOFOLLOW), so nothing is
 * written outside the target and no link is followed. Symbolic links, devices, FIFOs and
 * sockets are not recreated: the manifest records them (with the link target). Names are
 * made safe byte-wise: anything but [A-Za-z0-9._+,=@~-] and UTF-8 letters becomes %XX,
 * "." and ".." become "%2E" and "%2E%2E". The manifest (kanshiki-manifest.jsonl in the
 * target) lists each item with its original path, inode, mode, owner, size, SHA-256 and
 * the four times with nanoseconds; extracted files also get their atime/mtime back.
 */
#ifndef KS_FS_EXTRACT_H
#define KS_FS_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "fs/fs.h"

#define KS_EXTRACT_MANIFEST "kanshiki-manifest.jsonl"

typedef struct ks_extract_opts {
    bool deleted; /* also recover deleted names (content where it can still be mapped) */
} ks_extract_opts;

typedef struct ks_extract_stats {
    uint64_t files, dirs, others, bytes, errors;
} ks_extract_stats;

/* Extracts `path` (a file or a directory tree) from fs into dest_dir (created if missing;
 * the manifest must not exist yet). Per-file read errors are counted and recorded in the
 * manifest; the first one is also returned (err filled) after everything else was done. */
int ks_fs_extract(ks_fs *fs, const char *path, const char *dest_dir, const ks_extract_opts *o,
                  ks_extract_stats *stats, ks_err *err);

/* The safe local name for a name from an image (exposed for tests). */
int ks_extract_safe_name(ks_buf *out, const char *name, size_t n);

#endif
