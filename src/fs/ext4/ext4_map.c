/* ext4_map.c — from logical file blocks to disk blocks, and reading file content.
 *
 * Extent trees (EXT4_EXTENTS_FL): i_block holds a 12-byte header (magic 0xF30A, entries,
 * max, depth, generation) and up to 4 twelve-byte records. At depth 0 the records are
 * extents (first logical block u32, length u16 — above 32768 means "uninitialised",
 * reads as zeros —, start high u16, start low u32); above, index records (logical block
 * u32, child block low u32, high u16) point to blocks holding a header and more records,
 * one level lower. Depth is at most 5.
 *
 * Indirect maps (ext2/3): i_block[0..11] are direct block numbers, [12] a block of
 * numbers, [13] doubly and [14] triply indirect; 0 is a hole.
 *
 * Both are flattened into a sorted run list, cached for the last inode. Hostile maps are
 * bounded: every tree node read and every run costs from a budget proportional to the
 * number of blocks the image holds, so memory and time follow the input's size.
 */
#include "fs/ext4/ext4.h"

#include <stdlib.h>
#include <string.h>

#define le16 ext4_le16
#define le32 ext4_le32

typedef struct map_ctx {
    ks_ext4 *fs;
    const ext4_inode *in;
    ext4_run *runs;
    size_t n, cap;
    uint64_t budget;  /* nodes + runs still allowed */
    uint64_t nblocks; /* logical blocks covered by the size */
    ks_err *err;
} map_ctx;

static int add_run(map_ctx *m, uint64_t lblk, uint64_t pblk, uint32_t len, bool uninit)
{
    ks_ext4 *fs = m->fs;
    if (m->n && !uninit && !m->runs[m->n - 1].uninit) {
        ext4_run *last = &m->runs[m->n - 1];
        if (last->lblk + last->len == lblk && last->pblk + last->len == pblk &&
            (uint64_t)last->len + len <= UINT32_MAX) {
            last->len += len;
            return 0;
        }
    }
    if (m->budget == 0)
        return KS_ERR_AT(m->err, KS_ELIMIT, ks_img_name(m->fs->base.img), -1,
                         E4B(fs) + (int64_t)m->in->off,
                         "ext4 inode %llu: block map has more runs than the image has blocks",
                         (unsigned long long)m->in->ino);
    m->budget--;
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 16;
        ext4_run *r = realloc(m->runs, nc * sizeof *r);
        if (!r)
            return KS_ERR(m->err, KS_ENOMEM, "out of memory");
        m->runs = r;
        m->cap = nc;
    }
    m->runs[m->n++] = (ext4_run){lblk, pblk, len, uninit};
    return 0;
}

static int extent_node(map_ctx *m, const uint8_t *node, size_t len, int want_depth,
                       uint64_t node_off)
{
    ks_ext4 *fs = m->fs;
    const char *name = ks_img_name(fs->base.img);
    uint8_t *child = NULL;
    int rc = 0;
    if (len < 12 || le16(node) != 0xF30A)
        return KS_CORRUPT(m->err, name, -1, E4B(fs) + (int64_t)node_off,
                          "ext4 inode %llu: extent header magic 0x%04x is not 0xF30A",
                          (unsigned long long)m->in->ino, len >= 2 ? le16(node) : 0);
    uint16_t entries = le16(node + 2), max = le16(node + 4), depth = le16(node + 6);
    if (entries > max || max > (len - 12) / 12)
        return KS_CORRUPT(m->err, name, -1, E4B(fs) + (int64_t)node_off + 2,
                          "ext4 inode %llu: extent header has %u entries, max %u, room for %zu",
                          (unsigned long long)m->in->ino, entries, max, (len - 12) / 12);
    if (depth > 5 || (want_depth >= 0 && depth != want_depth))
        return KS_CORRUPT(m->err, name, -1, E4B(fs) + (int64_t)node_off + 6,
                          "ext4 inode %llu: extent node depth %u (expected %d, at most 5)",
                          (unsigned long long)m->in->ino, depth, want_depth < 0 ? 5 : want_depth);
    for (uint16_t i = 0; i < entries; i++) {
        const uint8_t *e = node + 12 + 12 * (size_t)i;
        uint64_t eoff = node_off + 12 + 12 * (uint64_t)i;
        if (depth == 0) {
            uint32_t lblk = le32(e);
            uint32_t l = le16(e + 4);
            bool uninit = l > 32768;
            if (uninit)
                l -= 32768;
            uint64_t pblk = (uint64_t)le16(e + 6) << 32 | le32(e + 8);
            if (l == 0)
                continue;
            if (pblk >= fs->blocks || l > fs->blocks - pblk) {
                rc = KS_CORRUPT(m->err, name, -1, E4B(fs) + (int64_t)eoff,
                                "ext4 inode %llu: extent (logical %u, %u blocks) points to "
                                "block %llu, past the end of the file system (%llu blocks)",
                                (unsigned long long)m->in->ino, lblk, l,
                                (unsigned long long)pblk, (unsigned long long)fs->blocks);
                goto done;
            }
            rc = add_run(m, lblk, pblk, l, uninit);
            if (rc)
                goto done;
        } else {
            uint64_t cb = (uint64_t)le16(e + 8) << 32 | le32(e + 4);
            if (cb >= fs->blocks || cb < fs->first_data_block) {
                rc = KS_CORRUPT(m->err, name, -1, E4B(fs) + (int64_t)eoff,
                                "ext4 inode %llu: extent index points to block %llu outside "
                                "the file system", (unsigned long long)m->in->ino,
                                (unsigned long long)cb);
                goto done;
            }
            if (m->budget == 0) {
                rc = KS_ERR_AT(m->err, KS_ELIMIT, name, -1, E4B(fs) + (int64_t)eoff,
                               "ext4 inode %llu: extent tree visits more nodes than the image "
                               "has blocks", (unsigned long long)m->in->ino);
                goto done;
            }
            m->budget--;
            if (!child) {
                child = malloc(fs->bs);
                if (!child) {
                    rc = KS_ERR(m->err, KS_ENOMEM, "out of memory");
                    goto done;
                }
            }
            rc = ks_img_read(fs->base.img, cb * fs->bs, child, fs->bs, m->err);
            if (rc)
                goto done;
            /* depth strictly decreases, so recursion is at most 5 deep */
            rc = extent_node(m, child, fs->bs, depth - 1, cb * fs->bs);
            if (rc)
                goto done;
        }
    }
done:
    free(child);
    return rc;
}

/* One level of indirect pointers: `level` 0 = the block numbers are data blocks. */
static int indirect(map_ctx *m, uint64_t blk, int level, uint64_t *lblk, uint64_t ptr_off)
{
    ks_ext4 *fs = m->fs;
    const char *name = ks_img_name(fs->base.img);
    uint32_t per = fs->bs / 4;
    uint64_t span = 1;
    for (int i = 0; i < level; i++)
        span *= per;
    if (blk == 0) {
        *lblk += span * per;
        return 0;
    }
    if (blk >= fs->blocks)
        return KS_CORRUPT(m->err, name, -1, E4B(fs) + (int64_t)ptr_off,
                          "ext4 inode %llu: indirect block %llu is outside the file system",
                          (unsigned long long)m->in->ino, (unsigned long long)blk);
    if (m->budget == 0)
        return KS_ERR_AT(m->err, KS_ELIMIT, name, -1, E4B(fs) + (int64_t)ptr_off,
                         "ext4 inode %llu: more indirect blocks than the image has",
                         (unsigned long long)m->in->ino);
    m->budget--;
    uint8_t *b = malloc(fs->bs);
    int rc = 0;
    if (!b)
        return KS_ERR(m->err, KS_ENOMEM, "out of memory");
    rc = ks_img_read(fs->base.img, blk * fs->bs, b, fs->bs, m->err);
    if (rc)
        goto done;
    for (uint32_t i = 0; i < per && *lblk < m->nblocks; i++) {
        uint32_t p = le32(b + 4 * (size_t)i);
        if (level == 0) {
            if (p) {
                if (p >= fs->blocks) {
                    rc = KS_CORRUPT(m->err, name, -1, E4B(fs) + (int64_t)(blk * fs->bs + 4 * i),
                                    "ext4 inode %llu: block pointer %u is outside the file "
                                    "system", (unsigned long long)m->in->ino, p);
                    goto done;
                }
                rc = add_run(m, *lblk, p, 1, false);
                if (rc)
                    goto done;
            }
            (*lblk)++;
        } else {
            rc = indirect(m, p, level - 1, lblk, blk * fs->bs + 4 * (uint64_t)i);
            if (rc)
                goto done;
        }
    }
done:
    free(b);
    return rc;
}

static int cmp_run(const void *a, const void *b)
{
    const ext4_run *x = a, *y = b;
    return x->lblk < y->lblk ? -1 : x->lblk > y->lblk;
}

int ext4_map(ks_ext4 *fs, const ext4_inode *in, ks_err *err)
{
    if (fs->map_ino == in->ino && fs->map_ino != 0)
        return 0;
    fs->map_ino = 0;
    map_ctx m = {fs, in, fs->runs, 0, 0, 0, 0, err};
    fs->runs = NULL;
    fs->nruns = 0;
    m.budget = fs->img_blocks + 64;
    m.nblocks = (in->size + fs->bs - 1) / fs->bs;
    int rc;
    if (in->flags & EXT4_EXTENTS_FL) {
        rc = extent_node(&m, in->raw + 0x28, EXT4_N_BLOCKS_BYTES, -1, in->off + 0x28);
    } else {
        uint64_t lblk = 0;
        rc = 0;
        for (int i = 0; i < 12 && !rc && lblk < m.nblocks; i++, lblk++) {
            uint32_t p = le32(in->raw + 0x28 + 4 * i);
            if (!p)
                continue;
            if (p >= fs->blocks)
                rc = KS_CORRUPT(err, ks_img_name(fs->base.img), -1, E4B(fs) + (int64_t)(in->off + 0x28 + 4 * i),
                                "ext4 inode %llu: block pointer %u is outside the file system",
                                (unsigned long long)in->ino, p);
            else
                rc = add_run(&m, lblk, p, 1, false);
        }
        for (int lv = 0; lv < 3 && !rc && lblk < m.nblocks; lv++)
            rc = indirect(&m, le32(in->raw + 0x28 + 4 * (12 + lv)), lv, &lblk,
                          in->off + 0x28 + 4 * (12 + (uint64_t)lv));
    }
    if (rc) {
        free(m.runs);
        return rc;
    }
    qsort(m.runs, m.n, sizeof *m.runs, cmp_run);
    fs->runs = m.runs;
    fs->nruns = m.n;
    fs->map_ino = in->ino;
    return 0;
}

/* Largest size a file can have with this map type (ext4: 2^32 logical blocks; indirect:
 * 12 + p + p^2 + p^3 blocks, p = block size / 4). */
static uint64_t max_size(const ks_ext4 *fs, const ext4_inode *in)
{
    uint64_t bs = fs->bs;
    if (in->flags & EXT4_EXTENTS_FL)
        return bs << 32;
    uint64_t p = bs / 4;
    return (12 + p + p * p + p * p * p) * bs;
}

int ext4_inline_data(ks_ext4 *fs, const ext4_inode *in, ks_buf *out, ks_err *err);

int ext4_read_inode_data(ks_ext4 *fs, const ext4_inode *in, uint64_t off, void *buf, size_t len,
                         size_t *out_n, ks_err *err)
{
    const char *name = ks_img_name(fs->base.img);
    *out_n = 0;
    if (off >= in->size)
        return 0;
    if (len > in->size - off)
        len = (size_t)(in->size - off);
    if (in->flags & EXT4_INLINE_DATA_FL) {
        ks_buf b;
        ks_buf_init(&b, 1 << 20);
        int rc = ext4_inline_data(fs, in, &b, err);
        if (rc == 0) {
            size_t have = b.len > off ? b.len - (size_t)off : 0;
            size_t n = have < len ? have : len;
            if (n)
                memcpy(buf, b.data + off, n);
            memset((uint8_t *)buf + n, 0, len - n);
            *out_n = len;
        }
        ks_buf_free(&b);
        return rc;
    }
    if ((in->mode & 0170000) == 0120000 && in->size < EXT4_N_BLOCKS_BYTES &&
        !(in->flags & EXT4_EXTENTS_FL)) {
        /* fast symlink: the target is i_block itself */
        memcpy(buf, in->raw + 0x28 + off, len);
        *out_n = len;
        return 0;
    }
    if (in->size > max_size(fs, in))
        return KS_CORRUPT(err, name, -1, E4B(fs) + (int64_t)in->off + 0x04,
                          "ext4 inode %llu: size %llu exceeds the largest file this block map "
                          "can describe (%llu)", (unsigned long long)in->ino,
                          (unsigned long long)in->size, (unsigned long long)max_size(fs, in));
    int rc = ext4_map(fs, in, err);
    if (rc)
        return rc;
    uint8_t *p = buf;
    size_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        uint64_t lblk = pos / fs->bs;
        uint32_t in_blk = (uint32_t)(pos % fs->bs);
        /* binary search: last run with run.lblk <= lblk */
        size_t lo = 0, hi = fs->nruns;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (fs->runs[mid].lblk <= lblk)
                lo = mid + 1;
            else
                hi = mid;
        }
        const ext4_run *r = lo ? &fs->runs[lo - 1] : NULL;
        size_t chunk;
        if (r && lblk < r->lblk + r->len) {
            uint64_t left = (r->lblk + r->len - lblk) * fs->bs - in_blk;
            chunk = len - done < left ? len - done : (size_t)left;
            if (r->uninit) {
                memset(p + done, 0, chunk);
            } else {
                rc = ks_img_read(fs->base.img, (r->pblk + (lblk - r->lblk)) * fs->bs + in_blk,
                                 p + done, chunk, err);
                if (rc)
                    return rc;
            }
        } else {
            /* hole up to the next run */
            uint64_t next = lo < fs->nruns ? fs->runs[lo].lblk : UINT64_MAX;
            uint64_t left = next == UINT64_MAX ? UINT64_MAX : (next - lblk) * fs->bs - in_blk;
            chunk = len - done < left ? len - done : (size_t)left;
            memset(p + done, 0, chunk);
        }
        done += chunk;
    }
    *out_n = len;
    return 0;
}

int ext4_read(ks_fs *base, uint64_t ino, uint64_t off, void *buf, size_t len, size_t *out_n,
              ks_err *err)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    ext4_inode *in = malloc(sizeof *in);
    if (!in)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    int rc = ext4_inode_read(fs, ino, in, err);
    if (rc == 0)
        rc = ext4_read_inode_data(fs, in, off, buf, len, out_n, err);
    free(in);
    return rc;
}

#define EXT4_SYMLINK_MAX 65536

int ext4_readlink(ks_fs *base, uint64_t ino, ks_buf *out, ks_err *err)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    ext4_inode *in = malloc(sizeof *in);
    uint8_t *tmp = NULL;
    int rc;
    if (!in)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    rc = ext4_inode_read(fs, ino, in, err);
    if (rc)
        goto done;
    if ((in->mode & 0170000) != 0120000) {
        rc = KS_ERR(err, KS_EUSAGE, "inode %llu is not a symbolic link", (unsigned long long)ino);
        goto done;
    }
    if (in->size > EXT4_SYMLINK_MAX) {
        rc = KS_CORRUPT(err, ks_img_name(fs->base.img), -1, E4B(fs) + (int64_t)in->off + 4,
                        "ext4 inode %llu: symlink length %llu is over %d",
                        (unsigned long long)ino, (unsigned long long)in->size, EXT4_SYMLINK_MAX);
        goto done;
    }
    tmp = malloc(in->size + 1);
    if (!tmp) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    size_t n = 0;
    rc = ext4_read_inode_data(fs, in, 0, tmp, (size_t)in->size, &n, err);
    if (rc)
        goto done;
    rc = ks_buf_append(out, tmp, n);
done:
    free(tmp);
    free(in);
    return rc;
}
