/* walk.h — paths over the common file-system interface: lookup, recursive walks with
 * deleted names and orphan inodes, and the renderings the CLI and the ingest share
 * (TSK bodyfile 3.x lines, mode strings, times with nanoseconds).
 *
 * Walks are bounded: a depth cap, each directory inode listed once (a corrupted tree
 * whose directories link in a cycle is walked once, not forever), and a damaged
 * directory is reported after everything readable was delivered.
 */
#ifndef KS_FS_WALK_H
#define KS_FS_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "fs/fs.h"

#define KS_WALK_MAX_DEPTH 256
#define KS_LOOKUP_MAX_LINKS 40

typedef struct ks_fs_walk_entry {
    const char *path;         /* "/dir/name": raw name bytes from the image (NUL-terminated;
                                 a '/' inside a name is written as the text \x2f) */
    size_t path_len;
    const ks_fs_dirent *de;   /* the name's entry; NULL for the start directory and orphans */
    const ks_fs_inode *st;    /* NULL when the inode could not be read */
    bool deleted;             /* deleted name, or orphan inode */
    bool realloc;             /* deleted name whose inode now belongs to a live file */
    bool orphan;              /* unallocated inode reached by no name */
    unsigned depth;
} ks_fs_walk_entry;

typedef int (*ks_fs_walk_cb)(void *ud, const ks_fs_walk_entry *e);

typedef struct ks_fs_walk_opts {
    bool deleted;       /* include names recovered from directory slack */
    bool orphans;       /* include unallocated inodes no name reaches ($OrphanFiles) */
    bool include_start; /* deliver the start directory itself first */
    unsigned max_depth; /* 0 = KS_WALK_MAX_DEPTH */
    bool shallow;       /* list the start directory only (no descent, not an error) */
} ks_fs_walk_opts;

/* Resolves an absolute path from the root. Intermediate symlinks are followed (at most
 * KS_LOOKUP_MAX_LINKS); the last component's only when follow_last. */
int ks_fs_lookup(ks_fs *fs, const char *path, bool follow_last, uint64_t *out_ino, ks_err *err);

/* Walks the tree below start_ino (whose path is start_path, "/" for the root). The
 * callback's nonzero return stops the walk and is returned. A damaged directory does not
 * stop the walk; the first such error is returned (err filled) at the end. */
int ks_fs_walk(ks_fs *fs, uint64_t start_ino, const char *start_path, const ks_fs_walk_opts *o,
               ks_fs_walk_cb cb, void *ud, ks_err *err);

/* "r/rrw-r--r--": the name's type, '/', the inode's type and permission bits (TSK). */
void ks_fs_mode_string(ks_ftype name_type, const ks_fs_inode *st, char out[13]);
/* "2026-11-22T18:21:59.123456789Z" (nanoseconds always), or "-" when unset. */
size_t ks_fs_time_iso(const ks_fs_time *t, char *out, size_t outsz);

/* One TSK bodyfile 3.x line (MD5|name|inode|mode|UID|GID|size|atime|mtime|ctime|crtime)
 * with the path escaped for '|' and controls; deleted names end in " (deleted)"
 * (" (deleted-realloc)" when the inode is in use again), as fls -m writes them.
 * frac: append ".nnnnnnnnn" to the times (mactime does not read these; off by default).
 * link: a symlink's target, written as "name -> target" like fls does (NULL = none). */
int ks_bodyfile_line(ks_buf *out, const ks_fs_walk_entry *e, const char *mount_prefix, bool frac,
                     const ks_buf *link);

#endif
