/* journal.h — the ext3/ext4 journal (JBD2) as history: which metadata blocks each
 * transaction logged, when it committed, and the logged copies themselves (old versions
 * of inodes, directory blocks, bitmaps). Nothing is replayed; the image is not changed.
 * Only for file systems opened by the ext4 backend. */
#ifndef KS_FS_EXT4_JOURNAL_H
#define KS_FS_EXT4_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/fs.h"

typedef struct ks_jbd2_info {
    uint64_t inode;          /* journal inode (s_journal_inum) */
    uint32_t block_size, maxlen, first, sequence, start;
    uint32_t incompat;       /* JBD2 incompat features */
    bool clean;              /* s_start == 0: nothing to replay */
} ks_jbd2_info;

typedef struct ks_jbd2_block {
    uint32_t seq;            /* transaction */
    uint64_t fs_block;       /* where the copy belongs in the file system */
    uint64_t journal_block;  /* where the copy is in the journal */
    const uint8_t *data;     /* the logged copy (escape undone), block_size bytes */
} ks_jbd2_block;

typedef struct ks_jbd2_commit {
    uint32_t seq;
    uint64_t journal_block;
    ks_fs_time time;         /* commit time (seconds + ns), unset in old journals */
} ks_jbd2_commit;

typedef struct ks_jbd2_cbs {
    int (*block)(void *ud, const ks_jbd2_block *b);
    int (*commit)(void *ud, const ks_jbd2_commit *c);
    void *ud;
} ks_jbd2_cbs;

/* 1 when fs is an ext2/3/4 file system with an internal journal. */
int ks_ext4_has_journal(ks_fs *fs);
/* Scans every block of the journal in order, reporting descriptor-tagged copies and
 * commit records (also of old transactions still in the log). KS_ENOTFOUND without one. */
int ks_ext4_journal_scan(ks_fs *fs, ks_jbd2_info *info, const ks_jbd2_cbs *cbs, ks_err *err);

/* What a file-system block is: "superblock", "group descriptors", "block bitmap 3",
 * "inode bitmap 3", "inode table 3 (inodes 8193-8208)" or "data". For inode-table blocks
 * *first_ino and *count give the inodes it holds (else 0). */
void ks_ext4_block_kind(ks_fs *fs, uint64_t blk, char *out, size_t outsz, uint64_t *first_ino,
                        unsigned *count);
/* Decodes one inode record (inode_size bytes at raw) as stat would; allocation unknown. */
void ks_ext4_inode_decode(ks_fs *fs, uint64_t ino, const uint8_t *raw, ks_fs_inode *out);
uint32_t ks_ext4_inode_size(ks_fs *fs);

#endif
