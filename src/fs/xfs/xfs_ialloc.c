/* xfs_ialloc.c — every inode of every AG, from the AGI's inode b+tree.
 *
 * AGI (sector 2 of each AG): magic "XAGI" @0, seqno @8, length @12, count @16, root @20,
 * level @24, freecount @28; V5 crc @312 (LE). Inode btree blocks use the short-form header:
 * magic "IABT" (V4, 16 bytes: magic, level, numrecs, leftsib, rightsib) or "IAB3" (V5,
 * 56 bytes, adds blkno, lsn, uuid, owner, crc @52). Leaf records (16 bytes): startino be32,
 * then holemask be16 + count u8 + freecount u8 (sparse inode chunks) or freecount be32,
 * then the free bitmap be64 (bit i set = inode startino+i free). A holemask bit covers 4
 * inodes that were never allocated on disk. Nodes: keys (startino) [maxrecs] then
 * pointers (agbno) [maxrecs], maxrecs = (blocksize - header) / 8.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/xfs/xfs_int.h"

#define XAGI_MAGIC 0x58414749u
#define IABT_MAGIC 0x49414254u
#define IAB3_MAGIC 0x49414233u

typedef struct iter {
    ks_xfs *fs;
    uint32_t agno;
    ks_xfs_inode_iter_fn fn;
    void *ctx;
    ks_err *err;
    uint64_t blocks_seen;
} iter;

static int inobt_block(iter *it, uint32_t agbno, uint32_t want_level)
{
    ks_xfs *fs = it->fs;
    uint32_t bs = fs->info.block_size;
    uint64_t off;
    int rc = 0;
    if (xfs_agb_to_off(fs, it->agno, agbno, &off) < 0)
        return KS_CORRUPT(it->err, fs->name, -1, -1,
                          "XFS AG %u inode btree: pointer to block %u outside the AG", it->agno,
                          agbno);
    /* the tree cannot have more blocks than the AG: more means a cycle */
    if (++it->blocks_seen > fs->info.ag_blocks ||
        it->blocks_seen > (fs->vol_size >> fs->blocklog))
        return KS_CORRUPT(it->err, fs->name, -1, (int64_t)off,
                          "XFS AG %u inode btree visits more blocks than the AG has (a cycle?)",
                          it->agno);
    uint8_t *b = malloc(bs);
    if (!b)
        return KS_ERR(it->err, KS_ENOMEM, "out of memory");
    if ((rc = xfs_read(fs, off, b, bs, "inode btree block", it->err)) < 0)
        goto done;
    bool v5 = fs->info.crc;
    uint32_t hdr = v5 ? 56 : 16;
    if (xfs_be32(b) != (v5 ? IAB3_MAGIC : IABT_MAGIC)) {
        rc = KS_CORRUPT(it->err, fs->name, -1, (int64_t)off,
                        "XFS AG %u inode btree block %u at offset %llu has magic 0x%08x",
                        it->agno, agbno, (unsigned long long)off, xfs_be32(b));
        goto done;
    }
    if (v5 && !xfs_crc_ok(b, bs, 52))
        xfs_warn(fs, (int64_t)off + 52, "XFS AG %u inode btree block %u: CRC mismatch", it->agno,
                 agbno);
    uint32_t level = xfs_be16(b + 4), n = xfs_be16(b + 6);
    uint32_t maxrecs = level ? (bs - hdr) / 8 : (bs - hdr) / 16;
    if (level != want_level || n > maxrecs) {
        rc = KS_CORRUPT(it->err, fs->name, -1, (int64_t)off,
                        "XFS AG %u inode btree block %u: level %u (expected %u), %u records "
                        "(max %u)", it->agno, agbno, level, want_level, n, maxrecs);
        goto done;
    }
    if (level > 0) {
        const uint8_t *ptrs = b + hdr + (size_t)maxrecs * 4;
        for (uint32_t i = 0; i < n && rc == 0; i++)
            rc = inobt_block(it, xfs_be32(ptrs + (size_t)i * 4), level - 1);
        goto done;
    }
    uint64_t agshift = (uint64_t)fs->agblklog + fs->inopblog;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        const uint8_t *r = b + hdr + (size_t)i * 16;
        uint32_t start = xfs_be32(r);
        uint16_t hole = fs->info.sparse_inodes ? xfs_be16(r + 4) : 0;
        uint64_t freemask = xfs_be64(r + 8);
        /* chunks are aligned to sb_inoalignmt, not necessarily to 64 inodes (V4) */
        if ((((uint64_t)start + 63) >> fs->inopblog) >= fs->info.ag_blocks) {
            rc = KS_CORRUPT(it->err, fs->name, -1, (int64_t)(off + hdr + (uint64_t)i * 16),
                            "XFS AG %u inode btree record %u: start inode %u: chunk runs past the "
                            "end of the AG", it->agno, i, start);
            break;
        }
        for (uint32_t k = 0; k < 64 && rc == 0; k++) {
            if (hole & (1u << (k / 4)))
                continue; /* sparse chunk: these 4 inodes do not exist on disk */
            uint64_t ino = ((uint64_t)it->agno << agshift) | (start + k);
            rc = it->fn(it->ctx, ino, !((freemask >> k) & 1));
        }
    }
done:
    free(b);
    return rc;
}

int ks_xfs_inode_iter(ks_xfs *fs, ks_xfs_inode_iter_fn fn, void *ctx, ks_err *err)
{
    int rc = 0;
    uint32_t ss = fs->info.sector_size;
    uint8_t *agi = malloc(ss);
    if (!agi)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    for (uint32_t agno = 0; agno < fs->info.ag_count && rc == 0; agno++) {
        uint64_t agoff;
        xfs_agb_to_off(fs, agno, 0, &agoff);
        uint64_t off = agoff + 2 * (uint64_t)ss;
        if ((rc = xfs_read(fs, off, agi, ss, "AGI", err)) < 0)
            break;
        if (xfs_be32(agi) != XAGI_MAGIC) {
            rc = KS_CORRUPT(err, fs->name, -1, (int64_t)off,
                            "XFS AG %u: AGI at offset %llu has magic 0x%08x, expected \"XAGI\"",
                            agno, (unsigned long long)off, xfs_be32(agi));
            break;
        }
        if (fs->info.crc && !xfs_crc_ok(agi, ss, 312))
            xfs_warn(fs, (int64_t)off + 312, "XFS AG %u AGI: CRC mismatch", agno);
        if (xfs_be32(agi + 8) != agno)
            xfs_warn(fs, (int64_t)off + 8, "XFS AG %u AGI: seqno says %u", agno,
                     xfs_be32(agi + 8));
        uint32_t root = xfs_be32(agi + 20), level = xfs_be32(agi + 24);
        if (level == 0 || level > XFS_MAX_BTREE_DEPTH) {
            rc = KS_CORRUPT(err, fs->name, -1, (int64_t)off + 24,
                            "XFS AG %u AGI: inode btree level %u invalid", agno, level);
            break;
        }
        iter it = {fs, agno, fn, ctx, err, 0};
        rc = inobt_block(&it, root, level - 1);
    }
    free(agi);
    return rc;
}
