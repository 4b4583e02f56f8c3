/* ext4.h — the ext2/ext3/ext4 backend of the common file-system interface (fs/fs.h).
 * Only ks_ext4_ops is public; the rest of this header is shared between the files of
 * src/fs/ext4/ and is not for other modules. */
#ifndef KS_FS_EXT4_H
#define KS_FS_EXT4_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/fs.h"

extern const ks_fs_ops ks_ext4_ops;

/* ---- internal ------------------------------------------------------------------------ */
#define EXT4_SB_OFF 1024
#define EXT4_MAGIC 0xEF53
#define EXT4_INODE_MAX 4096 /* largest inode record accepted */
#define EXT4_N_BLOCKS_BYTES 60

/* feature bits (e2fsprogs lib/ext2fs/ext2_fs.h names) */
#define EXT4_COMPAT_HAS_JOURNAL 0x4
#define EXT4_COMPAT_EXT_ATTR 0x8
#define EXT4_COMPAT_DIR_INDEX 0x20
#define EXT4_INCOMPAT_FILETYPE 0x2
#define EXT4_INCOMPAT_RECOVER 0x4
#define EXT4_INCOMPAT_JOURNAL_DEV 0x8
#define EXT4_INCOMPAT_META_BG 0x10
#define EXT4_INCOMPAT_EXTENTS 0x40
#define EXT4_INCOMPAT_64BIT 0x80
#define EXT4_INCOMPAT_FLEX_BG 0x200
#define EXT4_INCOMPAT_INLINE_DATA 0x8000
#define EXT4_RO_COMPAT_SPARSE_SUPER 0x1
#define EXT4_RO_COMPAT_HUGE_FILE 0x8
#define EXT4_RO_COMPAT_BIGALLOC 0x200
#define EXT4_RO_COMPAT_GDT_CSUM 0x10
#define EXT4_RO_COMPAT_METADATA_CSUM 0x400

/* inode flags */
#define EXT4_INDEX_FL 0x1000
#define EXT4_HUGE_FILE_FL 0x40000
#define EXT4_EXTENTS_FL 0x80000
#define EXT4_EA_INODE_FL 0x200000
#define EXT4_INLINE_DATA_FL 0x10000000

/* group descriptor flags */
#define EXT4_BG_INODE_UNINIT 0x1

typedef struct ext4_gd {
    uint64_t block_bitmap, inode_bitmap, inode_table;
    uint32_t flags, itable_unused;
} ext4_gd;

typedef struct ext4_run {
    uint64_t lblk, pblk;
    uint32_t len;
    bool uninit;
} ext4_run;

typedef struct ext4_inode {
    uint64_t ino;
    uint64_t off; /* byte offset of the record in the image */
    uint8_t raw[EXT4_INODE_MAX];
    uint32_t len; /* inode record size */
    uint32_t extra; /* i_extra_isize accepted (0 when absent or invalid) */
    uint16_t mode;
    uint32_t flags;
    uint64_t size;
    uint64_t file_acl;
} ext4_inode;

typedef struct ks_ext4 {
    ks_fs base;
    uint8_t sb[1024];
    uint32_t bs, log_bs;
    uint64_t blocks;     /* s_blocks_count */
    uint64_t img_blocks; /* blocks actually present in the image */
    uint32_t first_data_block, bpg, ipg, inodes_count, inode_size, first_ino, desc_size;
    uint32_t ngroups;
    uint32_t compat, incompat, ro_compat;
    uint16_t min_extra;
    ext4_gd *gds;
    /* one cached inode bitmap */
    uint32_t bm_group;
    bool bm_valid;
    uint8_t *bm;
    /* one cached block map (the last file read) */
    uint64_t map_ino;
    ext4_run *runs;
    size_t nruns;
    /* scratch block buffer for the directory and xattr readers */
    uint8_t *blk;
} ks_ext4;

/* Offsets in messages are in the outermost image (a partition's start is added). */
#define E4B(fs) ((int64_t)ks_img_base((fs)->base.img))

uint16_t ext4_le16(const uint8_t *p);
uint32_t ext4_le32(const uint8_t *p);

int ext4_inode_read(ks_ext4 *fs, uint64_t ino, ext4_inode *out, ks_err *err);
/* Fills the decoded fields of an inode whose raw record is already in in->raw. */
void ext4_inode_parse(ks_ext4 *fs, ext4_inode *in, uint64_t ino, uint64_t off);
void ext4_fill_stat(ks_ext4 *fs, const ext4_inode *in, ks_fs_inode *st);
/* Builds (or reuses) the block map of an inode into fs->runs. */
int ext4_map(ks_ext4 *fs, const ext4_inode *in, ks_err *err);
int ext4_read(ks_fs *fs, uint64_t ino, uint64_t off, void *buf, size_t len, size_t *out_n,
              ks_err *err);
int ext4_read_inode_data(ks_ext4 *fs, const ext4_inode *in, uint64_t off, void *buf, size_t len,
                         size_t *out_n, ks_err *err);
int ext4_readlink(ks_fs *fs, uint64_t ino, ks_buf *out, ks_err *err);
int ext4_readdir(ks_fs *fs, uint64_t ino, ks_fs_dirent_cb cb, void *ud, ks_err *err);
int ext4_xattrs(ks_fs *fs, uint64_t ino, ks_fs_xattr_cb cb, void *ud, ks_err *err);
int ext4_xattrs_inode(ks_ext4 *fs, const ext4_inode *in, ks_fs_xattr_cb cb, void *ud,
                      ks_err *err);
/* The inline data of an inode (i_block, then the system.data xattr) into out. */
int ext4_inline_data(ks_ext4 *fs, const ext4_inode *in, ks_buf *out, ks_err *err);

#endif
