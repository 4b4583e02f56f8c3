/* xfs_attr.c — extended attributes in the inode's attr fork.
 *
 * Shortform (aformat LOCAL): totsize be16, count u8, pad u8, then entries namelen u8,
 * valuelen u8, flags u8, name, value.
 * Leaf/node (aformat EXTENTS/BTREE): logical attr block 0 is a leaf or the root of a
 * dabtree. Block info: forw be32 @0, back be32 @4, magic be16 @8 (leaf 0xfbee V4 / 0x3bee
 * V5, node 0xfebe / 0x3ebe); V5 adds crc @12 (LE), blkno, lsn, uuid, owner (56 bytes).
 * Leaf header: count @12/@56, usedbytes, firstused, holes, pad, freemap[3]; entries start
 * at 32 (V4) or 80 (V5): hashval be32, nameidx be16, flags u8, pad. At nameidx: local
 * (flags & 1): valuelen be16, namelen u8, name, value; remote: valueblk be32, valuelen
 * be32, namelen u8, name — the value lives in attr-fork blocks from valueblk, each V5 block
 * starting with a 56-byte "XARM" header (magic, offset, bytes, crc @12, uuid, owner, blkno,
 * lsn). Node: count be16 and level be16 after the block info, entries (hashval, before).
 * Namespace flags: 0x2 trusted (ROOT), 0x4 security (SECURE), 0x8 parent pointer, neither
 * = user; 0x80 INCOMPLETE.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/xfs/xfs_int.h"

#define ATTR_LEAF_V4 0xfbee
#define ATTR_LEAF_V5 0x3bee
#define DA_NODE_V4 0xfebe
#define DA_NODE_V5 0x3ebe
#define XARM_MAGIC 0x5841524du
#define XATTR_SIZE_MAX 65536

#define AF_LOCAL 0x1
#define AF_ROOT 0x2
#define AF_SECURE 0x4
#define AF_PARENT 0x8
#define AF_INCOMPLETE 0x80

static ks_xfs_ns flag_ns(uint8_t f)
{
    if (f & AF_PARENT)
        return KS_XFS_NS_PARENT;
    if (f & AF_SECURE)
        return KS_XFS_NS_SECURE;
    if (f & AF_ROOT)
        return KS_XFS_NS_TRUSTED;
    return KS_XFS_NS_USER;
}

static int emit(ks_xfs_xattr_fn fn, void *ctx, uint8_t flags, const uint8_t *name, size_t nl,
                const uint8_t *val, size_t vl)
{
    char nb[256];
    memcpy(nb, name, nl);
    nb[nl] = '\0';
    ks_xfs_xattr a = {flag_ns(flags), nb, nl, val, vl, (flags & AF_INCOMPLETE) != 0};
    return fn(ctx, &a);
}

static int attr_sf(ks_xfs *fs, const xfs_inode *ip, ks_xfs_xattr_fn fn, void *ctx, ks_err *err)
{
    const uint8_t *p = ip->afork;
    int64_t base = (int64_t)(ip->off + (uint64_t)(ip->afork - ip->raw));
    unsigned long long ino = (unsigned long long)ip->pub.ino;
    if (ip->afork_size < 4)
        return KS_CORRUPT(err, fs->name, -1, base, "XFS inode %llu: attr fork too small", ino);
    size_t tot = xfs_be16(p), count = p[2], pos = 4;
    if (tot > ip->afork_size || tot < 4)
        return KS_CORRUPT(err, fs->name, -1, base,
                          "XFS inode %llu: shortform attr totsize %zu exceeds the %u-byte fork",
                          ino, tot, ip->afork_size);
    for (size_t i = 0; i < count; i++) {
        if (!ks_fits(pos, 3, tot))
            goto bad;
        size_t nl = p[pos], vl = p[pos + 1];
        uint8_t fl = p[pos + 2];
        if (!ks_fits(pos + 3, nl + vl, tot))
            goto bad;
        int rc = emit(fn, ctx, fl, p + pos + 3, nl, p + pos + 3 + nl, vl);
        if (rc != 0)
            return rc;
        pos += 3 + nl + vl;
    }
    return 0;
bad:
    return KS_CORRUPT(err, fs->name, -1, base + (int64_t)pos,
                      "XFS inode %llu: shortform attr entry runs past totsize %zu", ino, tot);
}

typedef struct attr_ctx {
    ks_xfs *fs;
    const xfs_inode *ip;
    xfs_map m;
    uint8_t *blk;
    uint8_t *val;
    ks_xfs_xattr_fn fn;
    void *ctx;
    ks_err *err;
} attr_ctx;

static int read_ablock(attr_ctx *a, uint64_t blkno, uint64_t *boff)
{
    ks_xfs *fs = a->fs;
    uint32_t bs = fs->info.block_size;
    ptrdiff_t k = xfs_map_find(&a->m, blkno);
    if (k < 0)
        return KS_CORRUPT(a->err, fs->name, -1, (int64_t)a->ip->off,
                          "XFS inode %llu: attr block %llu is not mapped",
                          (unsigned long long)a->ip->pub.ino, (unsigned long long)blkno);
    *boff = a->m.v[k].byte_offset + ((blkno - a->m.v[k].file_block) << fs->blocklog);
    return xfs_map_read(fs, &a->m, a->ip->pub.ino, blkno << fs->blocklog, a->blk, bs, a->err);
}

/* Copies a remote value of vl bytes starting at attr block vblk into a->val. */
static int remote_value(attr_ctx *a, uint64_t vblk, size_t vl)
{
    ks_xfs *fs = a->fs;
    uint32_t bs = fs->info.block_size, hdr = fs->info.crc ? 56 : 0;
    uint8_t *tmp = malloc(bs);
    size_t got = 0;
    int rc = 0;
    if (!tmp)
        return KS_ERR(a->err, KS_ENOMEM, "out of memory");
    for (uint64_t b = vblk; got < vl; b++) {
        if (b - vblk > XATTR_SIZE_MAX) {
            rc = KS_CORRUPT(a->err, fs->name, -1, (int64_t)a->ip->off, "remote value too long");
            goto done;
        }
        if ((rc = xfs_map_read(fs, &a->m, a->ip->pub.ino, b << fs->blocklog, tmp, bs, a->err)) < 0)
            goto done;
        size_t avail = bs - hdr;
        if (hdr) {
            if (xfs_be32(tmp) != XARM_MAGIC) {
                ptrdiff_t k = xfs_map_find(&a->m, b);
                rc = KS_CORRUPT(a->err, fs->name, -1,
                                k >= 0 ? (int64_t)(a->m.v[k].byte_offset +
                                                   ((b - a->m.v[k].file_block) << fs->blocklog))
                                       : -1,
                                "XFS inode %llu: remote attr value block %llu has magic 0x%08x, "
                                "expected \"XARM\"", (unsigned long long)a->ip->pub.ino,
                                (unsigned long long)b, xfs_be32(tmp));
                goto done;
            }
            if (!xfs_crc_ok(tmp, bs, 12))
                xfs_warn(fs, -1, "XFS inode %llu remote attr block %llu: CRC mismatch",
                         (unsigned long long)a->ip->pub.ino, (unsigned long long)b);
            uint32_t bytes = xfs_be32(tmp + 8);
            if (bytes < avail)
                avail = bytes;
        }
        size_t c = vl - got < avail ? vl - got : avail;
        if (c == 0) {
            rc = KS_CORRUPT(a->err, fs->name, -1, -1, "XFS inode %llu: empty remote attr block",
                            (unsigned long long)a->ip->pub.ino);
            goto done;
        }
        memcpy(a->val + got, tmp + hdr, c);
        got += c;
    }
done:
    free(tmp);
    return rc;
}

/* One leaf entry i of the leaf block in a->blk (remote values use their own buffer). */
static int leaf_entry(attr_ctx *a, uint64_t blkno, uint64_t boff, size_t hdr, size_t i)
{
    ks_xfs *fs = a->fs;
    uint32_t bs = fs->info.block_size;
    const uint8_t *b = a->blk;
    unsigned long long ino = (unsigned long long)a->ip->pub.ino;
    const uint8_t *e = b + hdr + i * 8;
    size_t idx = xfs_be16(e + 4);
    uint8_t fl = e[6];
    if (fl & AF_LOCAL) {
        if (ks_fits(idx, 3, bs)) {
            size_t vl = xfs_be16(b + idx), nl = b[idx + 2];
            if (ks_fits(idx + 3, nl + vl, bs))
                return emit(a->fn, a->ctx, fl, b + idx + 3, nl, b + idx + 3 + nl, vl);
        }
    } else if (ks_fits(idx, 9, bs)) {
        uint64_t vblk = xfs_be32(b + idx);
        size_t vl = xfs_be32(b + idx + 4), nl = b[idx + 8];
        if (ks_fits(idx + 9, nl, bs)) {
            if (vl > XATTR_SIZE_MAX)
                return KS_CORRUPT(a->err, fs->name, -1, (int64_t)(boff + idx),
                                  "XFS inode %llu: remote attr value length %zu exceeds 64 KiB",
                                  ino, vl);
            int rc = remote_value(a, vblk, vl);
            if (rc < 0)
                return rc;
            return emit(a->fn, a->ctx, fl, b + idx + 9, nl, a->val, vl);
        }
    }
    return KS_CORRUPT(a->err, fs->name, -1, (int64_t)(boff + hdr + i * 8),
                      "XFS inode %llu: attr leaf block %llu entry %zu: name at block offset %zu "
                      "runs out of the block", ino, (unsigned long long)blkno, i, idx);
}

static int attr_leaf(attr_ctx *a, uint64_t blkno, uint64_t boff)
{
    ks_xfs *fs = a->fs;
    bool v5 = fs->info.crc;
    size_t hdr = v5 ? 80 : 32;
    size_t count = xfs_be16(a->blk + (v5 ? 56 : 12));
    if (hdr + count * 8 > fs->info.block_size)
        return KS_CORRUPT(a->err, fs->name, -1, (int64_t)boff,
                          "XFS inode %llu: attr leaf block %llu has %zu entries, more than fit",
                          (unsigned long long)a->ip->pub.ino, (unsigned long long)blkno, count);
    for (size_t i = 0; i < count; i++) {
        int rc = leaf_entry(a, blkno, boff, hdr, i);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int attr_tree(attr_ctx *a)
{
    ks_xfs *fs = a->fs;
    bool v5 = fs->info.crc;
    unsigned long long ino = (unsigned long long)a->ip->pub.ino;
    uint64_t blkno = 0, boff = 0;
    int rc;
    uint32_t want_level = UINT32_MAX;
    /* descend along the leftmost pointers to the first leaf */
    for (int depth = 0;; depth++) {
        if (depth > XFS_MAX_DA_DEPTH)
            return KS_CORRUPT(a->err, fs->name, -1, (int64_t)boff,
                              "XFS inode %llu: attr dabtree deeper than %d levels", ino,
                              XFS_MAX_DA_DEPTH);
        if ((rc = read_ablock(a, blkno, &boff)) < 0)
            return rc;
        uint16_t magic = xfs_be16(a->blk + 8);
        if (v5 && (magic == ATTR_LEAF_V5 || magic == DA_NODE_V5) &&
            !xfs_crc_ok(a->blk, fs->info.block_size, 12))
            xfs_warn(fs, (int64_t)boff + 12, "XFS inode %llu attr block %llu: CRC mismatch", ino,
                     (unsigned long long)blkno);
        if (magic == (v5 ? ATTR_LEAF_V5 : ATTR_LEAF_V4))
            break;
        if (magic != (v5 ? DA_NODE_V5 : DA_NODE_V4))
            return KS_CORRUPT(a->err, fs->name, -1, (int64_t)boff,
                              "XFS inode %llu: attr block %llu at offset %llu has magic 0x%04x",
                              ino, (unsigned long long)blkno, (unsigned long long)boff, magic);
        /* node header: block info, count, level (+ pad on V5); entries (hash, before) */
        size_t nh = v5 ? 56 : 12, ents = v5 ? 64 : 16;
        uint32_t cnt = xfs_be16(a->blk + nh), level = xfs_be16(a->blk + nh + 2);
        if (cnt == 0 || level == 0 || level > XFS_MAX_DA_DEPTH || level >= want_level ||
            ents + (size_t)cnt * 8 > fs->info.block_size)
            return KS_CORRUPT(a->err, fs->name, -1, (int64_t)boff,
                              "XFS inode %llu: attr node block %llu: count %u level %u invalid",
                              ino, (unsigned long long)blkno, cnt, level);
        want_level = level;
        blkno = xfs_be32(a->blk + ents + 4);
    }
    /* walk the leaf chain; a chain longer than the mapped blocks is a cycle */
    uint64_t total = 0;
    for (size_t i = 0; i < a->m.n; i++)
        total += a->m.v[i].count;
    if (total > (fs->vol_size >> fs->blocklog))
        total = fs->vol_size >> fs->blocklog;
    for (uint64_t seen = 0;; seen++) {
        if (seen > total)
            return KS_CORRUPT(a->err, fs->name, -1, (int64_t)boff,
                              "XFS inode %llu: attr leaf chain longer than the fork (a cycle?)",
                              ino);
        if ((rc = attr_leaf(a, blkno, boff)) != 0)
            return rc;
        uint64_t next = xfs_be32(a->blk);
        if (next == 0)
            return 0;
        blkno = next;
        if ((rc = read_ablock(a, blkno, &boff)) < 0)
            return rc;
        uint16_t magic = xfs_be16(a->blk + 8);
        if (magic != (v5 ? ATTR_LEAF_V5 : ATTR_LEAF_V4))
            return KS_CORRUPT(a->err, fs->name, -1, (int64_t)boff,
                              "XFS inode %llu: attr leaf sibling %llu has magic 0x%04x", ino,
                              (unsigned long long)blkno, magic);
        if (v5 && !xfs_crc_ok(a->blk, fs->info.block_size, 12))
            xfs_warn(fs, (int64_t)boff + 12, "XFS inode %llu attr block %llu: CRC mismatch", ino,
                     (unsigned long long)blkno);
    }
}

int ks_xfs_xattr_list(ks_xfs *fs, uint64_t ino, ks_xfs_xattr_fn fn, void *ctx, ks_err *err)
{
    int rc = 0;
    attr_ctx a;
    memset(&a, 0, sizeof a);
    xfs_inode *ip = malloc(sizeof *ip);
    if (!ip)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    if ((rc = xfs_inode_load(fs, ino, ip, err)) < 0)
        goto done;
    if (!ip->afork)
        goto done;
    if (ip->pub.aformat == KS_XFS_FMT_LOCAL) {
        rc = attr_sf(fs, ip, fn, ctx, err);
        goto done;
    }
    if (ip->pub.aformat != KS_XFS_FMT_EXTENTS && ip->pub.aformat != KS_XFS_FMT_BTREE) {
        rc = KS_CORRUPT(err, fs->name, -1, (int64_t)ip->off + 83,
                        "XFS inode %llu: attr fork format %u invalid", (unsigned long long)ino,
                        ip->pub.aformat);
        goto done;
    }
    if (ip->pub.anextents == 0)
        goto done;
    a.fs = fs;
    a.ip = ip;
    a.fn = fn;
    a.ctx = ctx;
    a.err = err;
    if ((rc = xfs_fork_map(fs, ip, true, &a.m, err)) < 0)
        goto done;
    a.blk = malloc(fs->info.block_size);
    a.val = malloc(XATTR_SIZE_MAX);
    if (!a.blk || !a.val) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    rc = attr_tree(&a);
done:
    free(a.blk);
    free(a.val);
    xfs_map_free(&a.m);
    free(ip);
    return rc;
}
