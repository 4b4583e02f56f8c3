/* xfs.h — a read-only XFS reader (V4 and V5 file systems) over a read-at callback.
 *
 * The reader never writes and never trusts the image: every on-disk field is read with
 * big-endian helpers from bounds-checked buffers, every loop is bounded by the count the
 * format declares and by the bytes present, b+tree descents are depth-capped and must
 * strictly decrease in level. Corruption is returned as KS_ECORRUPT with `err->offset` set
 * to the byte offset (in the volume) of the structure that was wrong and a message naming
 * it. CRC mismatches (V5 superblock, inodes, directory blocks, btree blocks) are warnings,
 * never fatal: they go to the optional warning callback and are counted.
 *
 * Ownership: a ks_xfs owns its superblock copy and caches and is freed by ks_xfs_close;
 * the read-at context is borrowed and must outlive it. Structures filled through `out`
 * parameters belong to the caller. Pointers handed to callbacks (names, values, paths)
 * are valid only during the callback. A ks_xfs_file is owned by the caller and freed with
 * ks_xfs_file_close, which must happen before ks_xfs_close. A ks_xfs is not thread-safe.
 *
 * Times are int64 nanoseconds since 1970-01-01 UTC (bigtime and classic timestamps both
 * converted exactly). See docs/xfs.md for the structures read.
 */
#ifndef KS_XFS_H
#define KS_XFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Reads exactly len bytes at byte offset off of the volume, or fails with err filled. */
typedef int (*ks_xfs_read_at_fn)(void *ctx, uint64_t off, void *buf, size_t len, ks_err *err);

/* A warning (CRC mismatch, recoverable oddity): `w` is valid only during the call. */
typedef void (*ks_xfs_warn_fn)(void *ctx, const ks_err *w);

typedef struct ks_xfs_opts {
    const char *name;      /* display name for error messages (copied), may be NULL */
    ks_xfs_warn_fn warn;   /* may be NULL: warnings are then only counted */
    void *warn_ctx;
    uint64_t max_extents;  /* per fork map; 0 = default (4 Mi) */
} ks_xfs_opts;

typedef struct ks_xfs ks_xfs;

typedef struct ks_xfs_info {
    int version;               /* 4 or 5 */
    uint32_t block_size;
    uint32_t sector_size;
    uint32_t inode_size;
    uint32_t dir_block_size;   /* block_size << dirblklog */
    uint32_t ag_count;
    uint32_t ag_blocks;
    uint64_t data_blocks;
    uint64_t root_ino;
    uint64_t icount, ifree;    /* superblock counters (may be stale) */
    uint8_t uuid[16];
    uint8_t meta_uuid[16];     /* equals uuid unless the meta_uuid feature is set */
    char label[13];            /* NUL-terminated, raw bytes (may be non-ASCII) */
    uint16_t versionnum;
    uint32_t features2, features_compat, features_ro_compat, features_incompat,
        features_log_incompat;
    bool crc;                  /* V5: metadata checksums, v3 inodes */
    bool bigtime, nrext64, ftype, sparse_inodes, reflink, finobt, rmapbt, meta_uuid_feat;
    bool sb_crc_ok;            /* true on V4 (nothing to check) */
} ks_xfs_info;

/* Opens the file system whose primary superblock is at offset 0 of the volume. */
int ks_xfs_open(ks_xfs **out, ks_xfs_read_at_fn read_at, void *ctx, uint64_t volume_size,
                const ks_xfs_opts *opts, ks_err *err);
void ks_xfs_close(ks_xfs *fs);
const ks_xfs_info *ks_xfs_info_get(const ks_xfs *fs);
uint64_t ks_xfs_warning_count(const ks_xfs *fs);

/* ---- inodes ---------------------------------------------------------------------- */
typedef enum ks_xfs_type {
    KS_XFS_T_UNKNOWN = 0, /* mode 0 (freed inode) or an invalid type */
    KS_XFS_T_REG,
    KS_XFS_T_DIR,
    KS_XFS_T_CHR,
    KS_XFS_T_BLK,
    KS_XFS_T_FIFO,
    KS_XFS_T_SOCK,
    KS_XFS_T_LNK
} ks_xfs_type;
const char *ks_xfs_type_name(ks_xfs_type t); /* "regular file", "directory", ... like stat %F */

/* Fork formats (di_format / di_aformat). */
enum { KS_XFS_FMT_DEV = 0, KS_XFS_FMT_LOCAL = 1, KS_XFS_FMT_EXTENTS = 2, KS_XFS_FMT_BTREE = 3 };

typedef struct ks_xfs_inode {
    uint64_t ino;
    ks_xfs_type type;
    uint16_t mode;           /* full di_mode incl. S_IFMT bits */
    uint8_t version;         /* 1, 2 or 3 */
    uint8_t format;          /* data fork format */
    uint8_t aformat;         /* attr fork format, meaningful when has_xattr_fork */
    uint32_t uid, gid, nlink, projid;
    uint64_t size, nblocks;
    int64_t atime_ns, mtime_ns, ctime_ns;
    int64_t crtime_ns;       /* only when has_crtime (v3 inodes) */
    bool has_crtime;
    bool bigtime;            /* timestamps were in bigtime encoding */
    uint32_t generation;
    uint16_t flags;          /* di_flags */
    uint64_t flags2;         /* di_flags2 (v3) */
    uint64_t nextents, anextents;
    uint32_t rdev;           /* device number for char/block devices (raw XFS encoding) */
    uint32_t next_unlinked;
    bool has_xattr_fork;     /* di_forkoff != 0 */
    bool crc_ok;             /* v3 inode CRC matched (true for v1/v2) */
} ks_xfs_inode;

/* Reads any inode, allocated or not (a freed inode has mode 0 but keeps times etc.). */
int ks_xfs_inode_read(ks_xfs *fs, uint64_t ino, ks_xfs_inode *out, ks_err *err);

/* Byte offset of an inode in the volume (validates the number's AG/block parts). */
int ks_xfs_inode_offset(const ks_xfs *fs, uint64_t ino, uint64_t *out, ks_err *err);

/* Calls fn for every inode of every inode chunk recorded in each AG's inode btree (sparse
 * chunk holes are not on disk and are skipped). A nonzero return from fn stops the walk
 * and is returned. */
typedef int (*ks_xfs_inode_iter_fn)(void *ctx, uint64_t ino, bool allocated);
int ks_xfs_inode_iter(ks_xfs *fs, ks_xfs_inode_iter_fn fn, void *ctx, ks_err *err);

/* ---- file contents --------------------------------------------------------------- */
typedef struct ks_xfs_extent {
    uint64_t file_block;   /* logical block in the file */
    uint64_t fs_block;     /* XFS fsblock number (AG-encoded) */
    uint64_t byte_offset;  /* byte offset of fs_block in the volume */
    uint64_t count;        /* blocks */
    bool unwritten;        /* preallocated: reads as zeros */
} ks_xfs_extent;

typedef struct ks_xfs_file ks_xfs_file;
/* Opens an inode's data fork for reading (regular files, directories, symlinks). */
int ks_xfs_file_open(ks_xfs_file **out, ks_xfs *fs, uint64_t ino, ks_err *err);
const ks_xfs_inode *ks_xfs_file_inode(const ks_xfs_file *f);
/* Reads up to len bytes at off (stops at di_size). Holes and unwritten extents read as
 * zeros. *out_n is the number of bytes stored. */
int ks_xfs_file_read(ks_xfs_file *f, uint64_t off, void *buf, size_t len, size_t *out_n,
                     ks_err *err);
size_t ks_xfs_file_extent_count(const ks_xfs_file *f);
int ks_xfs_file_extent(const ks_xfs_file *f, size_t i, ks_xfs_extent *out);
void ks_xfs_file_close(ks_xfs_file *f);

/* Symlink target (inline or remote). Writes at most cap bytes, NUL-terminates when room;
 * *out_len is the target length (at most 1024 in XFS). */
int ks_xfs_readlink(ks_xfs *fs, uint64_t ino, char *buf, size_t cap, size_t *out_len,
                    ks_err *err);

/* ---- directories ----------------------------------------------------------------- */
typedef struct ks_xfs_dirent {
    const char *name;   /* NUL-terminated copy; name_len is authoritative */
    size_t name_len;
    uint64_t ino;
    uint8_t ftype;      /* XFS_DIR3_FT_*: 0 unknown/absent, 1 reg, 2 dir, ... 7 symlink */
} ks_xfs_dirent;
typedef int (*ks_xfs_dirent_fn)(void *ctx, const ks_xfs_dirent *e);

/* Lists a directory in on-disk order, "." and ".." first for shortform directories (they
 * are stored entries in block form and reported as stored). Shortform, block, leaf, node
 * and btree forms. A nonzero return from fn stops and is returned. */
int ks_xfs_dir_list(ks_xfs *fs, uint64_t dir_ino, ks_xfs_dirent_fn fn, void *ctx, ks_err *err);

/* Resolves an absolute path ("/a/b") from the root, following symlinks in intermediate
 * components and, if follow_last, in the last one (at most 40 links). */
int ks_xfs_lookup(ks_xfs *fs, const char *path, bool follow_last, uint64_t *out, ks_err *err);

/* Recursive walk from dir_ino: fn gets each entry except "." and ".." with its path
 * relative to the start ("a/b"). Depth and total-entry caps (0 = defaults 256 and
 * 100 Mi); a directory that is its own ancestor is reported as a warning and not
 * entered. Errors listing one subdirectory are warnings; the walk continues. */
typedef int (*ks_xfs_walk_fn)(void *ctx, const char *path, const ks_xfs_dirent *e, int depth);
int ks_xfs_walk(ks_xfs *fs, uint64_t dir_ino, unsigned max_depth, uint64_t max_entries,
                ks_xfs_walk_fn fn, void *ctx, ks_err *err);

/* ---- extended attributes ---------------------------------------------------------- */
typedef enum ks_xfs_ns {
    KS_XFS_NS_USER = 0,
    KS_XFS_NS_TRUSTED,
    KS_XFS_NS_SECURE,
    KS_XFS_NS_PARENT /* parent pointers (XFS_ATTR_PARENT) */
} ks_xfs_ns;
const char *ks_xfs_ns_prefix(ks_xfs_ns ns); /* "user.", "trusted.", "security.", "parent." */

typedef struct ks_xfs_xattr {
    ks_xfs_ns ns;
    const char *name;      /* without the namespace prefix, NUL-terminated copy */
    size_t name_len;
    const uint8_t *value;
    size_t value_len;
    bool incomplete;       /* XFS_ATTR_INCOMPLETE: a set that never finished */
} ks_xfs_xattr;
typedef int (*ks_xfs_xattr_fn)(void *ctx, const ks_xfs_xattr *a);

/* Lists attributes: shortform, leaf, and node (with remote values) forms. */
int ks_xfs_xattr_list(ks_xfs *fs, uint64_t ino, ks_xfs_xattr_fn fn, void *ctx, ks_err *err);

#endif
