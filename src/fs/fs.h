/* fs.h — the common file-system interface every backend (ext2/3/4 now, XFS later)
 * implements, and the generic functions callers use.
 *
 * A backend fills a ks_fs_ops table; ks_fs_open probes each registered backend on an
 * image. Inode numbers are the backend's own (ext4: 1-based; XFS: 64-bit encoded).
 * Times are kept exact: seconds (64-bit, beyond 2038) plus nanoseconds, never rounded.
 *
 * Ownership: ks_fs_open's result is freed with ks_fs_close; it does not own the image.
 * Callback data (names, xattr values) is only valid during the callback.
 */
#ifndef KS_FS_FS_H
#define KS_FS_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "fs/image.h"

typedef enum ks_ftype {
    KS_FT_UNKNOWN = 0,
    KS_FT_REG,
    KS_FT_DIR,
    KS_FT_CHR,
    KS_FT_BLK,
    KS_FT_FIFO,
    KS_FT_SOCK,
    KS_FT_LNK
} ks_ftype;

typedef struct ks_fs_time {
    int64_t sec;   /* seconds since the Unix epoch (may be negative or past 2038) */
    uint32_t nsec; /* 0..999999999 */
    bool set;      /* the format stores this time for this inode */
} ks_fs_time;

typedef struct ks_fs_inode {
    uint64_t ino;
    ks_ftype type;
    uint32_t mode;   /* st_mode as stored (type and permission bits) */
    uint32_t uid, gid;
    uint64_t size;
    uint32_t nlink;
    uint64_t blocks512; /* allocated space in 512-byte units */
    ks_fs_time atime, mtime, ctime, crtime, dtime;
    uint32_t flags;     /* backend's inode flags */
    uint32_t generation;
    bool allocated;     /* marked in use in the allocation bitmap */
    bool has_metadata;  /* an unallocated inode whose fields survive (mode/times non-zero) */
} ks_fs_inode;

typedef struct ks_fs_dirent {
    uint64_t ino;       /* 0 when a deleted entry's inode field was cleared */
    ks_ftype type;      /* from the entry when the format stores it, else KS_FT_UNKNOWN */
    const char *name;   /* not NUL-terminated; may hold any bytes except '/' and NUL */
    size_t name_len;
    bool deleted;       /* recovered from directory slack or a cleared entry */
    uint64_t offset;    /* byte offset of the entry in the image, for reports */
} ks_fs_dirent;

/* Callbacks return 0 to continue, nonzero to stop (that value is then returned). */
typedef int (*ks_fs_dirent_cb)(void *ud, const ks_fs_dirent *e);
typedef int (*ks_fs_inode_cb)(void *ud, const ks_fs_inode *st);
typedef int (*ks_fs_xattr_cb)(void *ud, const char *name, const uint8_t *value, size_t len);

typedef struct ks_fs ks_fs;

typedef struct ks_fs_info {
    char type[16];     /* "ext4", "ext3", "ext2", "xfs" */
    char label[64];
    char uuid[37];
    char last_mount[80];
    uint32_t block_size;
    uint64_t block_count;
    uint64_t inode_count;
    uint64_t root_ino;
    uint64_t first_ino;   /* lowest regular (non-reserved) inode */
    uint32_t group_count;
    ks_fs_time mtime, wtime, mkfs_time;
    char features[512];   /* space-separated feature names */
    uint64_t orphan_head; /* first inode on the orphan list, 0 = none */
    uint64_t orphans[16]; /* the list (linked through dtime), first 16 */
    unsigned norphans;
    bool orphans_truncated; /* longer than 16, or a loop/bad link stopped the walk */
    bool needs_recovery;  /* the journal holds unreplayed transactions */
} ks_fs_info;

typedef struct ks_fs_ops {
    const char *name;
    /* Returns 1 when the image holds this file system, 0 when not (no error). */
    int (*probe)(ks_img *img);
    int (*open)(ks_fs **out, ks_img *img, ks_err *err);
    void (*close)(ks_fs *fs);
    void (*info)(ks_fs *fs, ks_fs_info *out);
    int (*stat)(ks_fs *fs, uint64_t ino, ks_fs_inode *out, ks_err *err);
    /* Every entry of a directory, live ones first per block, deleted ones marked. A damaged
     * block is reported (KS_ECORRUPT) after the readable blocks were delivered. */
    int (*readdir)(ks_fs *fs, uint64_t ino, ks_fs_dirent_cb cb, void *ud, ks_err *err);
    /* Reads file content [off, off+len) (clipped to the size); holes read as zeros. */
    int (*read)(ks_fs *fs, uint64_t ino, uint64_t off, void *buf, size_t len, size_t *out_n,
                ks_err *err);
    int (*readlink)(ks_fs *fs, uint64_t ino, ks_buf *out, ks_err *err);
    int (*xattrs)(ks_fs *fs, uint64_t ino, ks_fs_xattr_cb cb, void *ud, ks_err *err);
    /* Every inode the tables hold: allocated ones, and unallocated ones whose metadata
     * survives (allocated=false, has_metadata=true). Never-used inodes are skipped. */
    int (*inodes)(ks_fs *fs, ks_fs_inode_cb cb, void *ud, ks_err *err);
} ks_fs_ops;

/* Every backend's private state starts with this header. */
struct ks_fs {
    const ks_fs_ops *ops;
    ks_img *img;
};

/* Probes the registered backends; KS_EUNSUPPORTED when none recognises the image. */
int ks_fs_open(ks_fs **out, ks_img *img, ks_err *err);
/* 1 when some backend recognises the image. */
int ks_fs_probe(ks_img *img, const char **out_name);
void ks_fs_close(ks_fs *fs);

void ks_fs_get_info(ks_fs *fs, ks_fs_info *out);
int ks_fs_stat(ks_fs *fs, uint64_t ino, ks_fs_inode *out, ks_err *err);
int ks_fs_readdir(ks_fs *fs, uint64_t ino, ks_fs_dirent_cb cb, void *ud, ks_err *err);
int ks_fs_read(ks_fs *fs, uint64_t ino, uint64_t off, void *buf, size_t len, size_t *out_n,
               ks_err *err);
int ks_fs_readlink(ks_fs *fs, uint64_t ino, ks_buf *out, ks_err *err);
int ks_fs_xattrs(ks_fs *fs, uint64_t ino, ks_fs_xattr_cb cb, void *ud, ks_err *err);
int ks_fs_inodes(ks_fs *fs, ks_fs_inode_cb cb, void *ud, ks_err *err);

ks_ftype ks_fs_ftype_from_mode(uint32_t mode);
char ks_fs_ftype_char(ks_ftype t); /* 'r' 'd' 'l' 'c' 'b' 'p' 's' '-' (TSK's letters) */
const char *ks_fs_ftype_name(ks_ftype t);

/* ---- image specifications -------------------------------------------------------------
 * "disk.raw" (file system at offset 0, else the only partition or LVM logical volume
 * holding a known file system), "disk.raw@2" (partition 2 as `fs parts` numbers it),
 * "disk.raw@offset=1048576" (bytes), "disk.raw@s2048" (512-byte sectors),
 * "disk.raw@lv=root" (logical volume of an LVM2 PV at offset 0), "disk.raw@3,lv=root"
 * (of the PV in partition 3). A path that exists as given is never split. */
typedef struct ks_fs_handle {
    ks_img *disk;  /* the whole image */
    ks_img *part;  /* partition or offset window, or NULL */
    ks_img *lv;    /* LVM logical volume, or NULL */
    ks_img *vol;   /* the innermost of the above: where the file system is */
    ks_fs *fs;
    unsigned part_no;   /* partition number used, 0 = none */
    char lv_name[128];  /* logical volume used, "" = none */
} ks_fs_handle;

int ks_fs_handle_open(ks_fs_handle *h, const char *spec, ks_err *err);
void ks_fs_handle_close(ks_fs_handle *h);

#endif
