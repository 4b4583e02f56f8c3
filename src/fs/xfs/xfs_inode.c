/* xfs_inode.c — inode cores, fork extent maps (extent lists and bmbt b+trees), file
 * contents and symlink targets.
 *
 * Inode core (offsets): magic "IN" @0, mode @2, version @4, format @5, onlink @6 (v1),
 * uid @8, gid @12, nlink @16 (v2+), projid lo/hi @20/@22, big_nextents @24 (nrext64),
 * atime/mtime/ctime @32/@40/@48, size @56, nblocks @64, extsize @72, nextents @76 (or
 * big_anextents), anextents @80, forkoff @82 (8-byte units), aformat @83, flags @90,
 * gen @92, next_unlinked @96; v3 adds crc @100 (LE), changecount @104, lsn @112, flags2 @120,
 * cowextsize @128, crtime @144, ino @152, uuid @160; the data fork follows the core.
 *
 * Timestamps: classic = s32 seconds + s32 nanoseconds since 1970; bigtime (flags2 bit 3) =
 * u64 nanoseconds since 1901-12-13T20:45:52Z (the s32 epoch minimum), so
 * unix_ns = raw - 2^31 * 1e9.
 *
 * Extent record (128 bits): bit 127 unwritten flag, 126..73 file offset (54 bits),
 * 72..21 start fsblock (52 bits), 20..0 block count (21 bits).
 */
#include <stdlib.h>
#include <string.h>

#include "fs/xfs/xfs_int.h"

#define BMAP_MAGIC 0x424d4150u  /* "BMAP" v4 long-form bmbt block */
#define BMA3_MAGIC 0x424d4133u  /* "BMA3" v5 */
#define XSLM_MAGIC 0x58534c4du  /* "XSLM" v5 remote symlink block */
#define DIFLAG_REALTIME 0x1
#define DIFLAG2_BIGTIME 0x8
#define DIFLAG2_NREXT64 0x10

int ks_xfs_inode_offset(const ks_xfs *fs, uint64_t ino, uint64_t *out, ks_err *err)
{
    uint32_t shift = fs->agblklog + fs->inopblog;
    uint64_t agno = shift >= 64 ? 0 : ino >> shift;
    uint64_t agbno = (ino >> fs->inopblog) & (((uint64_t)1 << fs->agblklog) - 1);
    uint64_t idx = ino & (fs->inopblock - 1);
    uint64_t off;
    if (agno >= fs->info.ag_count || agbno >= fs->info.ag_blocks)
        return KS_CORRUPT(err, fs->name, -1, -1,
                          "XFS inode number %llu is outside the file system (AG %llu of %u, "
                          "block %llu of %u)",
                          (unsigned long long)ino, (unsigned long long)agno, fs->info.ag_count,
                          (unsigned long long)agbno, fs->info.ag_blocks);
    xfs_agb_to_off(fs, (uint32_t)agno, agbno, &off);
    *out = off + (idx << fs->inodelog);
    return 0;
}

/* Converts an on-disk timestamp (8 bytes at p) to Unix nanoseconds. */
static int64_t ts_ns(const uint8_t *p, bool bigtime, bool *bad)
{
    if (bigtime) {
        /* XFS_BIGTIME_EPOCH_OFFSET: 2^31 s; kernel max is year 2486, far below INT64 */
        uint64_t raw = xfs_be64(p);
        const uint64_t off = (uint64_t)2147483648u * 1000000000u;
        if (raw < off)
            return -(int64_t)(off - raw);
        uint64_t v = raw - off;
        if (v > (uint64_t)INT64_MAX) {
            *bad = true;
            return INT64_MAX;
        }
        return (int64_t)v;
    }
    int32_t s = (int32_t)xfs_be32(p);
    int32_t ns = (int32_t)xfs_be32(p + 4);
    if (ns < 0 || ns >= 1000000000)
        *bad = true;
    return (int64_t)s * 1000000000 + ns;
}

static ks_xfs_type mode_type(uint16_t mode)
{
    switch (mode & 0170000) {
    case 0100000: return KS_XFS_T_REG;
    case 0040000: return KS_XFS_T_DIR;
    case 0020000: return KS_XFS_T_CHR;
    case 0060000: return KS_XFS_T_BLK;
    case 0010000: return KS_XFS_T_FIFO;
    case 0140000: return KS_XFS_T_SOCK;
    case 0120000: return KS_XFS_T_LNK;
    default: return KS_XFS_T_UNKNOWN;
    }
}

#define INO_BAD(...) KS_CORRUPT(err, fs->name, -1, (int64_t)ip->off, __VA_ARGS__)

int xfs_inode_load(ks_xfs *fs, uint64_t ino, xfs_inode *ip, ks_err *err)
{
    int rc;
    uint32_t isz = fs->info.inode_size;
    memset(&ip->pub, 0, sizeof ip->pub);
    if ((rc = ks_xfs_inode_offset(fs, ino, &ip->off, err)) < 0)
        return rc;
    if ((rc = xfs_read(fs, ip->off, ip->raw, isz, "inode", err)) < 0)
        return rc;
    const uint8_t *r = ip->raw;
    ks_xfs_inode *p = &ip->pub;
    p->ino = ino;
    if (xfs_be16(r) != 0x494e)
        return INO_BAD("XFS inode %llu at offset %llu: magic 0x%04x is not \"IN\"",
                       (unsigned long long)ino, (unsigned long long)ip->off, xfs_be16(r));
    p->mode = xfs_be16(r + 2);
    p->type = mode_type(p->mode);
    p->version = r[4];
    p->format = r[5];
    if (p->version < 1 || p->version > 3 || (p->version == 3) != fs->info.crc)
        return INO_BAD("XFS inode %llu at offset %llu: version %u invalid on a V%d file system",
                       (unsigned long long)ino, (unsigned long long)ip->off, p->version,
                       fs->info.version);
    p->uid = xfs_be32(r + 8);
    p->gid = xfs_be32(r + 12);
    if (p->version == 1) {
        p->nlink = xfs_be16(r + 6);
    } else {
        p->nlink = xfs_be32(r + 16);
        p->projid = (uint32_t)xfs_be16(r + 22) << 16 | xfs_be16(r + 20);
    }
    ip->core_size = p->version == 3 ? 176 : 100;
    p->crc_ok = true;
    if (p->version == 3) {
        p->flags2 = xfs_be64(r + 120);
        p->crc_ok = xfs_crc_ok(r, isz, 100);
        if (!p->crc_ok)
            xfs_warn(fs, (int64_t)ip->off + 100, "XFS inode %llu: CRC mismatch",
                     (unsigned long long)ino);
        else if (xfs_be64(r + 152) != ino)
            xfs_warn(fs, (int64_t)ip->off + 152,
                     "XFS inode %llu: di_ino says %llu", (unsigned long long)ino,
                     (unsigned long long)xfs_be64(r + 152));
    }
    bool tbad = false;
    p->bigtime = p->version == 3 && (p->flags2 & DIFLAG2_BIGTIME);
    p->atime_ns = ts_ns(r + 32, p->bigtime, &tbad);
    p->mtime_ns = ts_ns(r + 40, p->bigtime, &tbad);
    p->ctime_ns = ts_ns(r + 48, p->bigtime, &tbad);
    if (p->version == 3) {
        p->crtime_ns = ts_ns(r + 144, p->bigtime, &tbad);
        p->has_crtime = true;
    }
    if (tbad)
        xfs_warn(fs, (int64_t)ip->off + 32, "XFS inode %llu: timestamp out of range",
                 (unsigned long long)ino);
    p->size = xfs_be64(r + 56);
    p->nblocks = xfs_be64(r + 64);
    if (p->version == 3 && (p->flags2 & DIFLAG2_NREXT64)) {
        p->nextents = xfs_be64(r + 24);
        p->anextents = xfs_be32(r + 76);
    } else {
        p->nextents = xfs_be32(r + 76);
        p->anextents = xfs_be16(r + 80);
    }
    uint32_t forkoff = r[82];
    p->aformat = r[83];
    p->flags = xfs_be16(r + 90);
    p->generation = xfs_be32(r + 92);
    p->next_unlinked = xfs_be32(r + 96);
    uint32_t lit = isz - ip->core_size;
    /* XFS: di_forkoff is in 8-byte units from the end of the core */
    if (forkoff * 8 >= lit)
        return INO_BAD("XFS inode %llu at offset %llu: fork offset %u*8 (offset 82) beyond the "
                       "%u-byte literal area", (unsigned long long)ino,
                       (unsigned long long)ip->off, forkoff, lit);
    ip->dfork = r + ip->core_size;
    ip->dfork_size = forkoff ? forkoff * 8 : lit;
    if (forkoff) {
        p->has_xattr_fork = true;
        ip->afork = r + ip->core_size + forkoff * 8;
        ip->afork_size = lit - forkoff * 8;
    } else {
        ip->afork = NULL;
        ip->afork_size = 0;
    }
    if (p->format == KS_XFS_FMT_DEV)
        p->rdev = xfs_be32(ip->dfork);
    if ((p->type == KS_XFS_T_DIR || p->type == KS_XFS_T_LNK) && p->format == KS_XFS_FMT_LOCAL &&
        p->size > ip->dfork_size)
        return INO_BAD("XFS inode %llu at offset %llu: inline size %llu exceeds the %u-byte data "
                       "fork", (unsigned long long)ino, (unsigned long long)ip->off,
                       (unsigned long long)p->size, ip->dfork_size);
    if (p->type == KS_XFS_T_DIR && p->size > XFS_DIR2_LEAF_OFFSET)
        return INO_BAD("XFS inode %llu at offset %llu: directory size %llu exceeds the 32 GiB "
                       "data space", (unsigned long long)ino, (unsigned long long)ip->off,
                       (unsigned long long)p->size);
    return 0;
}

int ks_xfs_inode_read(ks_xfs *fs, uint64_t ino, ks_xfs_inode *out, ks_err *err)
{
    xfs_inode *ip = malloc(sizeof *ip);
    if (!ip)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    int rc = xfs_inode_load(fs, ino, ip, err);
    if (rc == 0)
        *out = ip->pub;
    free(ip);
    return rc;
}

/* ---- extent maps -------------------------------------------------------------------- */
typedef struct map_build {
    ks_xfs *fs;
    const xfs_inode *ip;
    const char *fork;
    xfs_map m;
    size_t cap;
    uint64_t declared;   /* nextents from the inode */
    uint64_t blocks_seen, blocks_max;
} map_build;

static int map_add(map_build *b, const uint8_t *rec, uint64_t rec_off, ks_err *err)
{
    ks_xfs *fs = b->fs;
    uint64_t l0 = xfs_be64(rec), l1 = xfs_be64(rec + 8);
    ks_xfs_extent e;
    e.unwritten = l0 >> 63;
    e.file_block = (l0 >> 9) & (((uint64_t)1 << 54) - 1);
    e.fs_block = ((l0 & 0x1ff) << 43) | (l1 >> 21);
    e.count = l1 & ((1u << 21) - 1);
    unsigned long long ino = (unsigned long long)b->ip->pub.ino;
    if (e.count == 0)
        return KS_CORRUPT(err, fs->name, -1, (int64_t)rec_off,
                          "XFS inode %llu %s fork: extent record with zero length", ino, b->fork);
    uint64_t agbno = e.fs_block & (((uint64_t)1 << fs->agblklog) - 1);
    if (xfs_fsb_to_off(fs, e.fs_block, &e.byte_offset) < 0 ||
        agbno + e.count > fs->info.ag_blocks)
        return KS_CORRUPT(err, fs->name, -1, (int64_t)rec_off,
                          "XFS inode %llu %s fork: extent at file block %llu points to fs block "
                          "%llu+%llu outside the file system",
                          ino, b->fork, (unsigned long long)e.file_block,
                          (unsigned long long)e.fs_block, (unsigned long long)e.count);
    if (b->m.n > 0) {
        const ks_xfs_extent *prev = &b->m.v[b->m.n - 1];
        if (e.file_block < prev->file_block + prev->count)
            return KS_CORRUPT(err, fs->name, -1, (int64_t)rec_off,
                              "XFS inode %llu %s fork: extent at file block %llu overlaps or "
                              "precedes the previous one (%llu+%llu)",
                              ino, b->fork, (unsigned long long)e.file_block,
                              (unsigned long long)prev->file_block,
                              (unsigned long long)prev->count);
    }
    if (b->m.n >= b->declared || b->m.n >= fs->max_extents) {
        if (b->m.n >= fs->max_extents)
            return KS_ERR_AT(err, KS_ELIMIT, fs->name, -1, (int64_t)rec_off,
                             "XFS inode %llu %s fork: more than %llu extents", ino, b->fork,
                             (unsigned long long)fs->max_extents);
        return KS_CORRUPT(err, fs->name, -1, (int64_t)rec_off,
                          "XFS inode %llu %s fork: more extent records than the %llu the inode "
                          "declares", ino, b->fork, (unsigned long long)b->declared);
    }
    if (b->m.n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 16;
        ks_xfs_extent *nv = realloc(b->m.v, nc * sizeof *nv);
        if (!nv)
            return KS_ERR(err, KS_ENOMEM, "out of memory for extent map");
        b->m.v = nv;
        b->cap = nc;
    }
    b->m.v[b->m.n++] = e;
    return 0;
}

static int bmbt_walk(map_build *b, uint64_t fsb, uint32_t want_level, uint8_t *blk,
                     ks_err *err);

/* Walks keys/pointers of one node (root in the inode or a block): pointers at p. */
static int bmbt_ptrs(map_build *b, const uint8_t *ptrs, uint32_t n, uint32_t child_level,
                     ks_err *err)
{
    int rc = 0;
    uint8_t *blk = malloc(b->fs->info.block_size);
    if (!blk)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        if ((rc = bmbt_walk(b, xfs_be64(ptrs + (size_t)i * 8), child_level, blk, err)) < 0)
            break;
    }
    free(blk);
    return rc;
}

static int bmbt_walk(map_build *b, uint64_t fsb, uint32_t want_level, uint8_t *blk, ks_err *err)
{
    ks_xfs *fs = b->fs;
    uint64_t off;
    int rc;
    unsigned long long ino = (unsigned long long)b->ip->pub.ino;
    if (xfs_fsb_to_off(fs, fsb, &off) < 0)
        return KS_CORRUPT(err, fs->name, -1, (int64_t)b->ip->off,
                          "XFS inode %llu %s fork: bmbt pointer to fs block %llu outside the file "
                          "system", ino, b->fork, (unsigned long long)fsb);
    /* every block holds at least one record, so a tree larger than this is a cycle */
    if (++b->blocks_seen > b->blocks_max)
        return KS_CORRUPT(err, fs->name, -1, (int64_t)off,
                          "XFS inode %llu %s fork: bmbt has more blocks than its %llu extents "
                          "need (a cycle?)", ino, b->fork, (unsigned long long)b->declared);
    uint32_t bs = fs->info.block_size;
    if ((rc = xfs_read(fs, off, blk, bs, "bmbt block", err)) < 0)
        return rc;
    uint32_t magic = xfs_be32(blk);
    uint32_t hdr = fs->info.crc ? 72 : 24;
    if (magic != (fs->info.crc ? BMA3_MAGIC : BMAP_MAGIC))
        return KS_CORRUPT(err, fs->name, -1, (int64_t)off,
                          "XFS inode %llu %s fork: bmbt block at offset %llu has magic 0x%08x",
                          ino, b->fork, (unsigned long long)off, magic);
    if (fs->info.crc && !xfs_crc_ok(blk, bs, 64))
        xfs_warn(fs, (int64_t)off + 64, "XFS inode %llu bmbt block: CRC mismatch", ino);
    uint32_t level = xfs_be16(blk + 4), n = xfs_be16(blk + 6);
    if (level != want_level)
        return KS_CORRUPT(err, fs->name, -1, (int64_t)off,
                          "XFS inode %llu %s fork: bmbt block at offset %llu has level %u, "
                          "expected %u (a cycle or a misplaced block)",
                          ino, b->fork, (unsigned long long)off, level, want_level);
    uint32_t maxrecs = (bs - hdr) / 16;
    if (n == 0 || n > maxrecs)
        return KS_CORRUPT(err, fs->name, -1, (int64_t)off,
                          "XFS inode %llu %s fork: bmbt block at offset %llu has %u records "
                          "(1..%u allowed)", ino, b->fork, (unsigned long long)off, n, maxrecs);
    if (level == 0) {
        for (uint32_t i = 0; i < n; i++)
            if ((rc = map_add(b, blk + hdr + (size_t)i * 16, off + hdr + (uint64_t)i * 16, err)) < 0)
                return rc;
        return 0;
    }
    /* node: keys[maxrecs] then pointers[maxrecs]; copy pointers before the buffer is reused */
    uint8_t *ptrs = malloc((size_t)n * 8);
    if (!ptrs)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    memcpy(ptrs, blk + hdr + (size_t)maxrecs * 8, (size_t)n * 8);
    rc = bmbt_ptrs(b, ptrs, n, level - 1, err);
    free(ptrs);
    return rc;
}

int xfs_fork_map(ks_xfs *fs, const xfs_inode *ip, bool attr, xfs_map *out, ks_err *err)
{
    int rc = 0;
    map_build b;
    memset(&b, 0, sizeof b);
    b.fs = fs;
    b.ip = ip;
    b.fork = attr ? "attr" : "data";
    const uint8_t *fk = attr ? ip->afork : ip->dfork;
    uint32_t fsz = attr ? ip->afork_size : ip->dfork_size;
    uint8_t fmt = attr ? ip->pub.aformat : ip->pub.format;
    b.declared = attr ? ip->pub.anextents : ip->pub.nextents;
    uint64_t fork_off = ip->off + (uint64_t)(fk ? (size_t)(fk - ip->raw) : 0);
    unsigned long long ino = (unsigned long long)ip->pub.ino;
    if (!fk) {
        out->v = NULL;
        out->n = 0;
        return 0;
    }
    if (fmt == KS_XFS_FMT_EXTENTS) {
        if (b.declared > fsz / 16) {
            rc = KS_CORRUPT(err, fs->name, -1, (int64_t)fork_off,
                            "XFS inode %llu %s fork: %llu extents do not fit in the %u-byte fork",
                            ino, b.fork, (unsigned long long)b.declared, fsz);
            goto done;
        }
        for (uint64_t i = 0; i < b.declared; i++)
            if ((rc = map_add(&b, fk + i * 16, fork_off + i * 16, err)) < 0)
                goto done;
    } else if (fmt == KS_XFS_FMT_BTREE) {
        /* in-inode root (bmdr): level, numrecs, keys[maxrecs], ptrs[maxrecs] */
        uint32_t level = xfs_be16(fk), n = xfs_be16(fk + 2);
        uint32_t maxrecs = (fsz - 4) / 16;
        if (level == 0 || level > XFS_MAX_BTREE_DEPTH || n == 0 || n > maxrecs) {
            rc = KS_CORRUPT(err, fs->name, -1, (int64_t)fork_off,
                            "XFS inode %llu %s fork: bmbt root level %u with %u records invalid",
                            ino, b.fork, level, n);
            goto done;
        }
        uint64_t cap = b.declared < fs->max_extents ? b.declared : fs->max_extents;
        b.blocks_max = cap * 2 + 2 * XFS_MAX_BTREE_DEPTH;
        rc = bmbt_ptrs(&b, fk + 4 + (size_t)maxrecs * 8, n, level - 1, err);
        if (rc < 0)
            goto done;
    } else {
        rc = KS_CORRUPT(err, fs->name, -1, (int64_t)ip->off,
                        "XFS inode %llu %s fork: format %u has no extent map", ino, b.fork, fmt);
        goto done;
    }
    *out = b.m;
    b.m.v = NULL;
done:
    free(b.m.v);
    return rc;
}

void xfs_map_free(xfs_map *m)
{
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

ptrdiff_t xfs_map_find(const xfs_map *m, uint64_t fb)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid].file_block <= fb)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return -1;
    const ks_xfs_extent *e = &m->v[lo - 1];
    return fb - e->file_block < e->count ? (ptrdiff_t)(lo - 1) : -1;
}

static uint64_t sat_shl(uint64_t v, uint32_t s)
{
    return v > (UINT64_MAX >> s) ? UINT64_MAX : v << s;
}

int xfs_map_read(ks_xfs *fs, const xfs_map *m, uint64_t ino, uint64_t off, void *buf,
                 size_t len, ks_err *err)
{
    uint8_t *o = buf;
    uint32_t bl = fs->blocklog;
    while (len > 0) {
        uint64_t fb = off >> bl;
        ptrdiff_t i = xfs_map_find(m, fb);
        size_t chunk;
        if (i >= 0) {
            const ks_xfs_extent *e = &m->v[i];
            uint64_t end = sat_shl(e->file_block + e->count, bl);
            chunk = end - off < len ? (size_t)(end - off) : len;
            if (e->unwritten) {
                memset(o, 0, chunk);
            } else {
                uint64_t phys = e->byte_offset + (off - (e->file_block << bl));
                int rc = xfs_read(fs, phys, o, chunk, "file data extent", err);
                if (rc < 0) {
                    ks_err_setx(err, rc, fs->name, -1, (int64_t)phys, __FILE__, __LINE__,
                                "XFS inode %llu: extent at file block %llu (fs block %llu) "
                                "cannot be read at offset %llu: %s",
                                (unsigned long long)ino, (unsigned long long)e->file_block,
                                (unsigned long long)e->fs_block, (unsigned long long)phys,
                                rc == KS_ECORRUPT ? "past the end of the volume" : "I/O error");
                    return rc;
                }
            }
        } else {
            /* hole up to the next extent */
            size_t lo = 0, hi = m->n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (m->v[mid].file_block <= fb)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            uint64_t end = lo < m->n ? sat_shl(m->v[lo].file_block, bl) : UINT64_MAX;
            chunk = end - off < len ? (size_t)(end - off) : len;
            memset(o, 0, chunk);
        }
        o += chunk;
        off += chunk;
        len -= chunk;
    }
    return 0;
}

/* ---- files ------------------------------------------------------------------------- */
struct ks_xfs_file {
    ks_xfs *fs;
    xfs_inode ip;
    xfs_map map;
};

int ks_xfs_file_open(ks_xfs_file **out, ks_xfs *fs, uint64_t ino, ks_err *err)
{
    int rc = 0;
    ks_xfs_file *f = calloc(1, sizeof *f);
    if (!f)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    f->fs = fs;
    if ((rc = xfs_inode_load(fs, ino, &f->ip, err)) < 0)
        goto done;
    uint8_t fmt = f->ip.pub.format;
    if (fmt == KS_XFS_FMT_EXTENTS || fmt == KS_XFS_FMT_BTREE) {
        if ((rc = xfs_fork_map(fs, &f->ip, false, &f->map, err)) < 0)
            goto done;
    } else if (fmt == KS_XFS_FMT_LOCAL) {
        if (f->ip.pub.size > f->ip.dfork_size) {
            rc = KS_CORRUPT(err, fs->name, -1, (int64_t)f->ip.off,
                            "XFS inode %llu: inline size %llu exceeds the %u-byte data fork",
                            (unsigned long long)ino, (unsigned long long)f->ip.pub.size,
                            f->ip.dfork_size);
            goto done;
        }
    } else if (fmt != KS_XFS_FMT_DEV) {
        rc = KS_ERR_AT(err, KS_EUNSUPPORTED, fs->name, -1, (int64_t)f->ip.off,
                       "XFS inode %llu: data fork format %u not readable", (unsigned long long)ino,
                       fmt);
        goto done;
    }
    *out = f;
    f = NULL;
done:
    if (f) {
        xfs_map_free(&f->map);
        free(f);
    }
    return rc;
}

const ks_xfs_inode *ks_xfs_file_inode(const ks_xfs_file *f) { return &f->ip.pub; }

int ks_xfs_file_read(ks_xfs_file *f, uint64_t off, void *buf, size_t len, size_t *out_n,
                     ks_err *err)
{
    const ks_xfs_inode *p = &f->ip.pub;
    *out_n = 0;
    if (off >= p->size || len == 0)
        return 0;
    if (p->size - off < len)
        len = (size_t)(p->size - off);
    int rc = 0;
    switch (p->format) {
    case KS_XFS_FMT_LOCAL:
        memcpy(buf, f->ip.dfork + off, len);
        break;
    case KS_XFS_FMT_EXTENTS:
    case KS_XFS_FMT_BTREE:
        if (p->flags & DIFLAG_REALTIME)
            return KS_ERR_AT(err, KS_EUNSUPPORTED, f->fs->name, -1, (int64_t)f->ip.off,
                             "XFS inode %llu: realtime-device data is not supported",
                             (unsigned long long)p->ino);
        rc = xfs_map_read(f->fs, &f->map, p->ino, off, buf, len, err);
        break;
    default:
        memset(buf, 0, len);
        break;
    }
    if (rc == 0)
        *out_n = len;
    return rc;
}

size_t ks_xfs_file_extent_count(const ks_xfs_file *f) { return f->map.n; }

int ks_xfs_file_extent(const ks_xfs_file *f, size_t i, ks_xfs_extent *out)
{
    if (i >= f->map.n)
        return KS_ENOTFOUND;
    *out = f->map.v[i];
    return 0;
}

void ks_xfs_file_close(ks_xfs_file *f)
{
    if (!f)
        return;
    xfs_map_free(&f->map);
    free(f);
}

/* ---- symlinks ------------------------------------------------------------------------ */
int ks_xfs_readlink(ks_xfs *fs, uint64_t ino, char *buf, size_t cap, size_t *out_len,
                    ks_err *err)
{
    int rc = 0;
    xfs_inode *ip = malloc(sizeof *ip);
    xfs_map m = {NULL, 0};
    uint8_t *blk = NULL;
    char target[XFS_SYMLINK_MAXLEN];
    if (!ip)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    if ((rc = xfs_inode_load(fs, ino, ip, err)) < 0)
        goto done;
    uint64_t len = ip->pub.size;
    if (ip->pub.type != KS_XFS_T_LNK) {
        rc = KS_ERR(err, KS_EUSAGE, "XFS inode %llu is not a symbolic link",
                    (unsigned long long)ino);
        goto done;
    }
    if (len == 0 || len > XFS_SYMLINK_MAXLEN) {
        rc = KS_CORRUPT(err, fs->name, -1, (int64_t)ip->off,
                        "XFS inode %llu: symlink length %llu (offset 56) not in 1..1024",
                        (unsigned long long)ino, (unsigned long long)len);
        goto done;
    }
    if (ip->pub.format == KS_XFS_FMT_LOCAL) {
        memcpy(target, ip->dfork, (size_t)len);   /* len <= dfork_size checked at load */
    } else if (ip->pub.format == KS_XFS_FMT_EXTENTS || ip->pub.format == KS_XFS_FMT_BTREE) {
        if ((rc = xfs_fork_map(fs, ip, false, &m, err)) < 0)
            goto done;
        uint32_t bs = fs->info.block_size, hdr = fs->info.crc ? 56 : 0;
        size_t got = 0;
        blk = malloc(bs);
        if (!blk) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        /* each remote block carries its own header on V5 (XFS_SYMLINK_BUF_SPACE) */
        for (size_t i = 0; i < m.n && got < len; i++) {
            for (uint64_t k = 0; k < m.v[i].count && got < len; k++) {
                uint64_t off = m.v[i].byte_offset + k * bs;
                if ((rc = xfs_read(fs, off, blk, bs, "symlink block", err)) < 0)
                    goto done;
                size_t want = (size_t)len - got, avail = bs - hdr;
                if (hdr) {
                    if (xfs_be32(blk) != XSLM_MAGIC) {
                        rc = KS_CORRUPT(err, fs->name, -1, (int64_t)off,
                                        "XFS inode %llu: remote symlink block at offset %llu "
                                        "has magic 0x%08x, expected \"XSLM\"",
                                        (unsigned long long)ino, (unsigned long long)off,
                                        xfs_be32(blk));
                        goto done;
                    }
                    if (!xfs_crc_ok(blk, bs, 12))
                        xfs_warn(fs, (int64_t)off + 12, "XFS inode %llu symlink block: CRC "
                                 "mismatch", (unsigned long long)ino);
                    uint32_t bytes = xfs_be32(blk + 8);
                    if (bytes < avail)
                        avail = bytes;
                }
                size_t c = want < avail ? want : avail;
                memcpy(target + got, blk + hdr, c);
                got += c;
            }
        }
        if (got < len) {
            rc = KS_CORRUPT(err, fs->name, -1, (int64_t)ip->off,
                            "XFS inode %llu: remote symlink blocks hold %zu of %llu bytes",
                            (unsigned long long)ino, got, (unsigned long long)len);
            goto done;
        }
    } else {
        rc = KS_CORRUPT(err, fs->name, -1, (int64_t)ip->off,
                        "XFS inode %llu: symlink data fork format %u invalid",
                        (unsigned long long)ino, ip->pub.format);
        goto done;
    }
    size_t c = cap ? ((size_t)len < cap - 1 ? (size_t)len : cap - 1) : 0;
    if (cap) {
        memcpy(buf, target, c);
        buf[c] = '\0';
    }
    *out_len = (size_t)len;
done:
    free(blk);
    xfs_map_free(&m);
    free(ip);
    return rc;
}
