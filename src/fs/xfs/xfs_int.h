/* xfs_int.h — internals shared by the XFS reader's files (not for other modules).
 *
 * On-disk layout summary (all integers big-endian except CRCs, which are little-endian
 * CRC32C of the structure with the CRC field zeroed):
 *   volume = agcount allocation groups of agblocks blocks; AG n starts at n*agblocks*bsize.
 *   AG: sector 0 superblock (copy), sector 1 AGF, sector 2 AGI, sector 3 AGFL.
 *   inode number = agno << (agblklog+inopblog) | agbno << inopblog | index in block.
 *   fsblock     = agno << agblklog | agbno  (bmbt extents and bmbt pointers use these).
 *   inode = core (100 bytes v1/v2, 176 bytes v3) + data fork + attr fork at forkoff*8.
 * See docs/xfs.md for the details of every structure.
 */
#ifndef KS_XFS_INT_H
#define KS_XFS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "fs/xfs/xfs.h"

#define XFS_MAX_BTREE_DEPTH 9      /* XFS_BM_MAXLEVELS is 9 for 64-bit fork offsets */
#define XFS_MAX_DA_DEPTH 5         /* XFS_DA_NODE_MAXDEPTH */
#define XFS_DIR2_LEAF_OFFSET ((uint64_t)32 << 30) /* dir data space ends at 32 GiB */
#define XFS_MAX_INODE_SIZE 2048
#define XFS_SYMLINK_MAXLEN 1024

struct ks_xfs {
    ks_xfs_read_at_fn read_at;
    void *ctx;
    uint64_t vol_size;
    char name[256];
    ks_xfs_warn_fn warn;
    void *warn_ctx;
    uint64_t nwarn;
    uint64_t max_extents;
    ks_xfs_info info;
    /* geometry */
    uint32_t blocklog, agblklog, inopblog, inodelog;
    uint32_t inopblock;
    uint32_t dirblklog;
};

/* big-endian readers over a buffer the caller has already bounds-checked */
static inline uint16_t xfs_be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t xfs_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t xfs_be64(const uint8_t *p)
{
    return ((uint64_t)xfs_be32(p) << 32) | xfs_be32(p + 4);
}
static inline uint32_t xfs_le32(const uint8_t *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

/* Internal parsed inode: the public view plus the raw bytes (forks point into raw). */
typedef struct xfs_inode {
    ks_xfs_inode pub;
    uint64_t off;            /* byte offset in the volume */
    uint8_t raw[XFS_MAX_INODE_SIZE];
    uint32_t core_size;      /* 100 or 176 */
    const uint8_t *dfork;    /* data fork */
    uint32_t dfork_size;
    const uint8_t *afork;    /* attr fork or NULL */
    uint32_t afork_size;
} xfs_inode;

/* A fork's extent map, sorted by file block, non-overlapping. */
typedef struct xfs_map {
    ks_xfs_extent *v;
    size_t n;
} xfs_map;

/* xfs_sb.c */
uint32_t ks_xfs_crc32c(uint32_t crc, const void *p, size_t n);
/* true when the little-endian CRC at crc_off of buf[0..len) matches */
bool xfs_crc_ok(const uint8_t *buf, size_t len, size_t crc_off);
int xfs_read(ks_xfs *fs, uint64_t off, void *buf, size_t len, const char *what, ks_err *err);
void xfs_warn(ks_xfs *fs, int64_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* fsblock -> byte offset; fails when the AG or block part is out of range */
int xfs_fsb_to_off(const ks_xfs *fs, uint64_t fsb, uint64_t *out);
int xfs_agb_to_off(const ks_xfs *fs, uint32_t agno, uint64_t agbno, uint64_t *out);

/* xfs_inode.c */
int xfs_inode_load(ks_xfs *fs, uint64_t ino, xfs_inode *out, ks_err *err);
/* Builds the extent map of the data (attr=false) or attr fork. */
int xfs_fork_map(ks_xfs *fs, const xfs_inode *ip, bool attr, xfs_map *out, ks_err *err);
void xfs_map_free(xfs_map *m);
/* Finds the extent containing file block fb: index, or -1 when fb is in a hole. */
ptrdiff_t xfs_map_find(const xfs_map *m, uint64_t fb);
/* Reads len bytes of a fork at logical byte off through its map; holes/unwritten = 0. */
int xfs_map_read(ks_xfs *fs, const xfs_map *m, uint64_t ino, uint64_t off, void *buf,
                 size_t len, ks_err *err);

#endif
