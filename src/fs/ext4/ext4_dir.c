/* ext4_dir.c — directories: linear blocks, htree, inline; deleted names in slack.
 *
 * A directory block is a chain of records: inode u32, rec_len u16, name_len u8 (u16 without
 * the filetype feature), file_type u8, name. rec_len covers the record and any slack up
 * to the next one; the last record reaches the end of the block. Deleting a name merges
 * its record into the previous one (rec_len grows), so the old record — inode number,
 * name — stays in the slack until overwritten; deleting the first record of a block just
 * clears its inode field. Both are reported as deleted.
 *
 * htree (dir_index, EXT4_INDEX_FL): block 0 holds "." and a ".." record whose rec_len
 * spans the dx_root (hash info, then hash/block pairs); interior dx_node blocks are one
 * empty record spanning the block. Leaf blocks are ordinary directory blocks, so reading
 * every block in order lists the directory; the index areas are not scanned for slack.
 * metadata_csum adds a 12-byte tail record (inode 0, rec_len 12, name_len 0, type 0xDE).
 *
 * Inline directories (inline_data): i_block starts with the parent's inode number (4
 * bytes), then records fill the rest of i_block and, separately, the system.data value.
 */
#include "fs/ext4/ext4.h"

#include <stdlib.h>
#include <string.h>

#define le16 ext4_le16
#define le32 ext4_le32

#define EXT4_DIR_MAX_BLOCKS (1u << 24) /* a directory larger than 64 GiB at 4 KiB blocks */

typedef struct dir_ctx {
    ks_ext4 *fs;
    uint64_t dir_ino;
    ks_fs_dirent_cb cb;
    void *ud;
    int first_err;
    ks_err e1;
} dir_ctx;

static ks_ftype dirent_type(uint8_t t)
{
    static const ks_ftype m[] = {KS_FT_UNKNOWN, KS_FT_REG, KS_FT_DIR, KS_FT_CHR,
                                 KS_FT_BLK, KS_FT_FIFO, KS_FT_SOCK, KS_FT_LNK};
    return t < 8 ? m[t] : KS_FT_UNKNOWN;
}

static uint32_t rec_len_decode(uint16_t v, uint32_t bs)
{
    /* ext4_rec_len_from_disk: 64 KiB blocks store 65536 as 65535 (or 0), and the low 2
     * bits carry bits 16-17 */
    if (bs >= 65536 && (v == 65535 || v == 0))
        return bs;
    return (uint32_t)(v & 65532) | ((uint32_t)(v & 3) << 16);
}

static int emit(dir_ctx *d, uint64_t ino, uint8_t ft, const uint8_t *name, size_t nl,
                bool deleted, uint64_t off)
{
    ks_fs_dirent e;
    e.ino = ino;
    e.type = (d->fs->incompat & EXT4_INCOMPAT_FILETYPE) ? dirent_type(ft) : KS_FT_UNKNOWN;
    e.name = (const char *)name;
    e.name_len = nl;
    e.deleted = deleted;
    e.offset = off;
    return d->cb(d->ud, &e);
}

static void note(dir_ctx *d, int rc)
{
    if (!d->first_err)
        d->first_err = rc;
}

/* Looks for old records in the slack [start, end) of a record. A candidate must look
 * like a record the kernel wrote: 4-aligned, inode in range, name without NUL or '/',
 * a known file type, and a rec_len that fits the block. */
static int scan_slack(dir_ctx *d, const uint8_t *b, size_t blen, size_t start, size_t end,
                      uint64_t base_off)
{
    ks_ext4 *fs = d->fs;
    int ft_feature = (fs->incompat & EXT4_INCOMPAT_FILETYPE) != 0;
    size_t q = start;
    while (q + 8 <= end) {
        uint32_t ino = le32(b + q);
        uint32_t rl = rec_len_decode(le16(b + q + 4), fs->bs);
        size_t nl = ft_feature ? b[q + 6] : le16(b + q + 6);
        uint8_t ft = ft_feature ? b[q + 7] : 0;
        int ok = ino >= 1 && ino <= fs->inodes_count && nl > 0 && 8 + nl <= end - q &&
                 (!ft_feature || (ft >= 1 && ft <= 7)) && rl >= 8 + nl && rl % 4 == 0 &&
                 q + rl <= blen;
        for (size_t i = 0; ok && i < nl; i++)
            ok = b[q + 8 + i] != 0 && b[q + 8 + i] != '/';
        if (ok) {
            int rc = emit(d, ino, ft, b + q + 8, nl, true, base_off + q);
            if (rc)
                return rc;
            q += (8 + nl + 3) & ~(size_t)3;
        } else {
            q += 4;
        }
    }
    return 0;
}

/* Parses one block (or inline region). `htree_root`: block 0 of an indexed directory. */
static int parse_block(dir_ctx *d, const uint8_t *b, size_t blen, uint64_t base_off,
                       bool htree_root, bool htree)
{
    ks_ext4 *fs = d->fs;
    const char *img = ks_img_name(fs->base.img);
    int ft_feature = (fs->incompat & EXT4_INCOMPAT_FILETYPE) != 0;
    size_t p = 0;
    /* an htree interior node: a single empty record spanning the block */
    if (htree && !htree_root && blen >= 8 && le32(b) == 0 &&
        rec_len_decode(le16(b + 4), fs->bs) == blen && b[6] == 0)
        return 0;
    unsigned rec = 0;
    while (p + 8 <= blen) {
        uint32_t ino = le32(b + p);
        uint32_t rl = rec_len_decode(le16(b + p + 4), fs->bs);
        size_t nl = ft_feature ? b[p + 6] : le16(b + p + 6);
        uint8_t ft = ft_feature ? b[p + 7] : 0;
        if (rl < 12 || rl % 4 || rl > blen - p || 8 + nl > rl) {
            ks_err *e = d->first_err ? NULL : &d->e1;
            note(d, KS_CORRUPT(e, img, -1, E4B(fs) + (int64_t)(base_off + p),
                               "ext4 directory inode %llu: record with rec_len %u, name_len %zu "
                               "does not fit the block (%zu bytes left)",
                               (unsigned long long)d->dir_ino, rl, nl, blen - p));
            return 0;
        }
        if (ino == 0 && rl == 12 && nl == 0 && ft == 0xDE && p + 12 == blen)
            break; /* metadata_csum tail */
        int rc = 0;
        if (ino != 0 && nl > 0) {
            if (ino > fs->inodes_count) {
                ks_err *e = d->first_err ? NULL : &d->e1;
                note(d, KS_CORRUPT(e, img, -1, E4B(fs) + (int64_t)(base_off + p),
                                   "ext4 directory inode %llu: entry names inode %u, beyond the "
                                   "%u inodes", (unsigned long long)d->dir_ino, ino,
                                   fs->inodes_count));
            } else {
                rc = emit(d, ino, ft, b + p + 8, nl, false, base_off + p);
            }
        } else if (ino == 0 && nl > 0) {
            rc = emit(d, 0, ft, b + p + 8, nl, true, base_off + p);
        }
        if (rc)
            return rc;
        size_t need = (8 + nl + 3) & ~(size_t)3;
        bool index_area = htree_root && rec == 1; /* ".." of a dx_root covers the index */
        if (!index_area && need < rl) {
            rc = scan_slack(d, b, blen, p + need, p + rl, base_off);
            if (rc)
                return rc;
        }
        p += rl;
        rec++;
    }
    return 0;
}

int ext4_readdir(ks_fs *base, uint64_t ino, ks_fs_dirent_cb cb, void *ud, ks_err *err)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    const char *img = ks_img_name(fs->base.img);
    ext4_inode *in = malloc(sizeof *in);
    uint8_t *blk = malloc(fs->bs);
    ks_buf inl;
    ks_buf_init(&inl, 1 << 20);
    dir_ctx d = {fs, ino, cb, ud, 0, {0}};
    ks_err_clear(&d.e1);
    int rc = 0;
    if (!in || !blk) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    rc = ext4_inode_read(fs, ino, in, err);
    if (rc)
        goto done;
    if ((in->mode & 0170000) != 0040000) {
        rc = KS_ERR_AT(err, KS_EUSAGE, img, -1, E4B(fs) + (int64_t)in->off,
                       "ext4 inode %llu is not a directory (mode 0%o)", (unsigned long long)ino,
                       in->mode);
        goto done;
    }
    if (in->flags & EXT4_INLINE_DATA_FL) {
        rc = ext4_inline_data(fs, in, &inl, err);
        if (rc)
            goto done;
        static const uint8_t dot[] = ".", dotdot[] = "..";
        rc = emit(&d, ino, 2, dot, 1, false, in->off);
        if (!rc)
            rc = emit(&d, le32((const uint8_t *)inl.data), 2, dotdot, 2, false, in->off + 0x28);
        if (!rc)
            rc = parse_block(&d, (const uint8_t *)inl.data + 4, EXT4_N_BLOCKS_BYTES - 4,
                             in->off + 0x28 + 4, false, false);
        if (!rc && inl.len > EXT4_N_BLOCKS_BYTES)
            rc = parse_block(&d, (const uint8_t *)inl.data + EXT4_N_BLOCKS_BYTES,
                             inl.len - EXT4_N_BLOCKS_BYTES, in->off + 128 + in->extra, false,
                             false);
        goto done;
    }
    uint64_t nblocks = (in->size + fs->bs - 1) / fs->bs;
    if (nblocks > EXT4_DIR_MAX_BLOCKS || nblocks > fs->img_blocks) {
        rc = KS_CORRUPT(err, img, -1, E4B(fs) + (int64_t)in->off + 4,
                        "ext4 directory inode %llu: size %llu is larger than the image allows",
                        (unsigned long long)ino, (unsigned long long)in->size);
        goto done;
    }
    bool htree = (in->flags & EXT4_INDEX_FL) != 0;
    for (uint64_t lb = 0; lb < nblocks; lb++) {
        size_t got = 0;
        ks_err be;
        ks_err_clear(&be);
        int r = ext4_read_inode_data(fs, in, lb * fs->bs, blk, fs->bs, &got, &be);
        if (r) {
            if (r == KS_ENOMEM) {
                rc = KS_ERR(err, r, "out of memory");
                goto done;
            }
            if (!d.first_err) {
                d.first_err = r;
                d.e1 = be;
            }
            if (lb == 0 && fs->nruns == 0 && fs->map_ino != ino)
                break; /* the map itself is unreadable */
            continue;
        }
        /* physical offset of the block for reports (0 for a hole) */
        uint64_t phys = 0;
        size_t lo = 0, hi = fs->nruns; /* last run starting at or before lb */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (fs->runs[mid].lblk <= lb)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo && lb < fs->runs[lo - 1].lblk + fs->runs[lo - 1].len)
            phys = (fs->runs[lo - 1].pblk + lb - fs->runs[lo - 1].lblk) * fs->bs;
        if (!phys)
            continue; /* holes in directories hold no entries */
        rc = parse_block(&d, blk, got, phys, htree && lb == 0,
                         htree);
        if (rc)
            goto done;
    }
done:
    if (!rc && d.first_err) {
        rc = d.first_err;
        if (err)
            *err = d.e1;
    }
    ks_buf_free(&inl);
    free(blk);
    free(in);
    return rc;
}
