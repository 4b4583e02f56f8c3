/* ext4.c — ext2/3/4 superblock, group descriptors, inodes and the inode scan.
 *
 * Layout (kernel Documentation/filesystems/ext4/, e2fsprogs ext2_fs.h). All fields are
 * little-endian. The superblock is the 1024 bytes at byte 1024. Block size is
 * 1024 << s_log_block_size. Blocks are grouped; group g starts at block
 * s_first_data_block + g * s_blocks_per_group. The group descriptor table follows the
 * superblock's block (block s_first_data_block + 1); descriptors are 32 bytes, or
 * s_desc_size (>= 64) with the 64bit feature, whose high halves extend each block number.
 * With meta_bg, descriptors for meta group m (groups m*D .. m*D+D-1, D descriptors per
 * block) live in the first block after the (optional) superblock backup of group m*D,
 * for m >= s_first_meta_bg. flex_bg only moves bitmaps and inode tables, which the
 * descriptors locate anyway.
 *
 * Inode n lives in group (n-1) / s_inodes_per_group at index (n-1) % s_inodes_per_group of
 * that group's inode table, records s_inode_size bytes long. The first 128 bytes are the
 * ext2 inode; i_extra_isize more bytes (large inodes) add the *_extra time words (2 epoch
 * bits + 30 nanosecond bits), crtime, and then in-inode extended attributes.
 */
#include "fs/ext4/ext4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint16_t ext4_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t ext4_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define le16 ext4_le16
#define le32 ext4_le32

static int probe(ks_img *img)
{
    uint8_t sb[1024];
    if (ks_img_size(img) < EXT4_SB_OFF + sizeof sb)
        return 0;
    if (ks_img_read(img, EXT4_SB_OFF, sb, sizeof sb, NULL) != 0)
        return 0;
    /* the magic alone: open() explains what else is wrong with a damaged superblock */
    return le16(sb + 0x38) == EXT4_MAGIC;
}

static void ext4_close(ks_fs *base)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    if (!fs)
        return;
    free(fs->gds);
    free(fs->bm);
    free(fs->runs);
    free(fs->blk);
    free(fs);
}

/* Whether group g holds a superblock backup (sparse_super: groups 0, 1 and powers of
 * 3, 5 and 7). */
static int has_super(const ks_ext4 *fs, uint32_t g)
{
    if (!(fs->ro_compat & EXT4_RO_COMPAT_SPARSE_SUPER) || g <= 1)
        return 1;
    if (!(g & 1))
        return 0;
    static const uint32_t bases[] = {3, 5, 7};
    for (int i = 0; i < 3; i++) {
        uint64_t p = bases[i];
        while (p < g)
            p *= bases[i];
        if (p == g)
            return 1;
    }
    return 0;
}

static int read_gds(ks_ext4 *fs, ks_err *err)
{
    const char *name = ks_img_name(fs->base.img);
    uint32_t per_block = fs->bs / fs->desc_size;
    /* the table follows the block holding the superblock (byte 1024): block 2 with 1 KiB
     * blocks even when s_first_data_block is 0 (bigalloc), else block 1 */
    uint64_t gdt_block = EXT4_SB_OFF / fs->bs + 1;
    uint32_t first_meta = (fs->incompat & EXT4_INCOMPAT_META_BG) ? le32(fs->sb + 0x104) : UINT32_MAX;
    fs->gds = calloc(fs->ngroups, sizeof *fs->gds);
    if (!fs->gds)
        return KS_ERR(err, KS_ENOMEM, "out of memory for %u group descriptors", fs->ngroups);
    uint8_t *blk = fs->blk;
    uint64_t cached = UINT64_MAX;
    for (uint32_t g = 0; g < fs->ngroups; g++) {
        uint32_t mg = g / per_block;
        uint64_t b;
        if (mg < first_meta) {
            b = gdt_block + mg;
        } else {
            uint32_t g0 = mg * per_block;
            b = (uint64_t)fs->first_data_block + (uint64_t)g0 * fs->bpg + (uint64_t)has_super(fs, g0);
            if (fs->bs == 1024 && g0 == 0 && fs->first_data_block == 0)
                b++; /* as the kernel's descriptor_loc: the superblock occupies block 1 */
        }
        if (b != cached) {
            int rc = ks_img_read(fs->base.img, b * fs->bs, blk, fs->bs, err);
            if (rc) {
                ks_err_locate(err, name, -1, (int64_t)(b * fs->bs));
                if (err)
                    snprintf(err->msg, sizeof err->msg,
                             "ext4 group descriptor block %llu (group %u) is past the end "
                             "of the image", (unsigned long long)b, g);
                return rc;
            }
            cached = b;
        }
        const uint8_t *d = blk + (size_t)(g % per_block) * fs->desc_size;
        ext4_gd *gd = &fs->gds[g];
        gd->block_bitmap = le32(d + 0x00);
        gd->inode_bitmap = le32(d + 0x04);
        gd->inode_table = le32(d + 0x08);
        gd->flags = le16(d + 0x12);
        gd->itable_unused = le16(d + 0x1c);
        if (fs->desc_size >= 64) {
            gd->block_bitmap |= (uint64_t)le32(d + 0x20) << 32;
            gd->inode_bitmap |= (uint64_t)le32(d + 0x24) << 32;
            gd->inode_table |= (uint64_t)le32(d + 0x28) << 32;
            gd->itable_unused |= (uint32_t)le16(d + 0x32) << 16;
        }
    }
    return 0;
}

static int ext4_open(ks_fs **out, ks_img *img, ks_err *err)
{
    const char *name = ks_img_name(img);
    int64_t base = (int64_t)ks_img_base(img);
    ks_ext4 *fs = calloc(1, sizeof *fs);
    int rc = 0;
    if (!fs)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    fs->base.ops = &ks_ext4_ops;
    fs->base.img = img;
    rc = ks_img_read(img, EXT4_SB_OFF, fs->sb, sizeof fs->sb, err);
    if (rc)
        goto done;
    const uint8_t *sb = fs->sb;
#define SB_BAD(off, ...)                                                                    \
    do {                                                                                   \
        rc = KS_CORRUPT(err, name, -1, base + EXT4_SB_OFF + (off),                         \
                        "ext4 superblock: " __VA_ARGS__);                                  \
        goto done;                                                                         \
    } while (0)
    if (le16(sb + 0x38) != EXT4_MAGIC)
        SB_BAD(0x38, "magic 0x%04x is not 0xEF53", le16(sb + 0x38));
    fs->log_bs = le32(sb + 0x18);
    if (fs->log_bs > 6)
        SB_BAD(0x18, "s_log_block_size %u gives a block size above 64 KiB", fs->log_bs);
    fs->bs = 1024u << fs->log_bs;
    fs->inodes_count = le32(sb + 0x00);
    fs->blocks = le32(sb + 0x04);
    fs->first_data_block = le32(sb + 0x14);
    fs->bpg = le32(sb + 0x20);
    fs->ipg = le32(sb + 0x28);
    fs->compat = le32(sb + 0x5c);
    fs->incompat = le32(sb + 0x60);
    fs->ro_compat = le32(sb + 0x64);
    uint32_t rev = le32(sb + 0x4c);
    fs->inode_size = rev >= 1 ? le16(sb + 0x58) : 128;
    fs->first_ino = rev >= 1 ? le32(sb + 0x54) : 11;
    if (fs->incompat & EXT4_INCOMPAT_64BIT)
        fs->blocks |= (uint64_t)le32(sb + 0x150) << 32;
    fs->desc_size = (fs->incompat & EXT4_INCOMPAT_64BIT) ? le16(sb + 0xfe) : 32;
    fs->min_extra = le16(sb + 0x15c);
    if (fs->incompat & EXT4_INCOMPAT_JOURNAL_DEV) {
        rc = KS_ERR_AT(err, KS_EUNSUPPORTED, name, -1, base + EXT4_SB_OFF + 0x60,
                       "ext4: this is an external journal device, not a file system");
        goto done;
    }
    if (fs->inode_size < 128 || fs->inode_size > EXT4_INODE_MAX || fs->inode_size > fs->bs ||
        (fs->inode_size & (fs->inode_size - 1)))
        SB_BAD(0x58, "inode size %u is not a power of two in 128..%u", fs->inode_size,
               fs->bs < EXT4_INODE_MAX ? fs->bs : EXT4_INODE_MAX);
    if (fs->desc_size < 32 || fs->desc_size > 1024 || (fs->desc_size & (fs->desc_size - 1)) ||
        ((fs->incompat & EXT4_INCOMPAT_64BIT) && fs->desc_size < 64))
        SB_BAD(0xfe, "group descriptor size %u is invalid", fs->desc_size);
    /* bigalloc: the block bitmap counts clusters of 2^n blocks, so a group spans up to
     * 8 * block size clusters */
    uint64_t ratio = 1;
    if (fs->ro_compat & EXT4_RO_COMPAT_BIGALLOC) {
        uint32_t log_c = le32(sb + 0x1c);
        if (log_c < fs->log_bs || log_c > fs->log_bs + 16)
            SB_BAD(0x1c, "s_log_cluster_size %u is invalid for block size %u", log_c, fs->bs);
        ratio = (uint64_t)1 << (log_c - fs->log_bs);
    }
    if (fs->bpg == 0 || fs->bpg > 8ull * fs->bs * ratio)
        SB_BAD(0x20, "s_blocks_per_group %u is not in 1..%llu", fs->bpg,
               (unsigned long long)(8ull * fs->bs * ratio));
    if (fs->ipg == 0 || fs->ipg > 8u * fs->bs)
        SB_BAD(0x28, "s_inodes_per_group %u is not in 1..%u", fs->ipg, 8u * fs->bs);
    if (fs->first_data_block >= fs->blocks || fs->first_data_block > 1)
        SB_BAD(0x14, "s_first_data_block %u is invalid", fs->first_data_block);
    uint64_t ng = (fs->blocks - fs->first_data_block + fs->bpg - 1) / fs->bpg;
    if (ng == 0 || ng > UINT32_MAX || (uint64_t)ng * fs->ipg < fs->inodes_count ||
        fs->inodes_count == 0)
        SB_BAD(0x00, "inode count %u does not fit %llu groups of %u inodes", fs->inodes_count,
               (unsigned long long)ng, fs->ipg);
    if (fs->first_ino < 11 || fs->first_ino > fs->inodes_count)
        SB_BAD(0x54, "s_first_ino %u is invalid", fs->first_ino);
    fs->ngroups = (uint32_t)ng;
    fs->img_blocks = ks_img_size(img) / fs->bs;
    /* the descriptor table must be present in the image: bounds the allocation by the
     * input's size (a hostile block count cannot make us allocate more than it holds) */
    if ((uint64_t)fs->ngroups * fs->desc_size / fs->bs > fs->img_blocks)
        SB_BAD(0x04, "%u groups need a descriptor table larger than the image", fs->ngroups);
    fs->blk = malloc(fs->bs);
    if (!fs->blk) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    rc = read_gds(fs, err);
    if (rc)
        goto done;
    *out = &fs->base;
    fs = NULL;
#undef SB_BAD
done:
    ext4_close(fs ? &fs->base : NULL);
    return rc;
}

static void put_time(ks_fs_time *t, int64_t sec, uint32_t nsec)
{
    t->sec = sec;
    t->nsec = nsec;
    t->set = true;
}

static void feature_names(const ks_ext4 *fs, char *out, size_t n)
{
    static const struct {
        int word;
        uint32_t bit;
        const char *name;
    } f[] = {
        {0, 0x4, "has_journal"}, {0, 0x8, "ext_attr"}, {0, 0x10, "resize_inode"},
        {0, 0x20, "dir_index"}, {0, 0x200, "sparse_super2"}, {1, 0x2, "filetype"},
        {1, 0x4, "needs_recovery"}, {1, 0x10, "meta_bg"}, {1, 0x40, "extent"},
        {1, 0x80, "64bit"}, {1, 0x100, "mmp"}, {1, 0x200, "flex_bg"}, {1, 0x400, "ea_inode"},
        {1, 0x1000, "dirdata"}, {1, 0x2000, "metadata_csum_seed"}, {1, 0x4000, "large_dir"},
        {1, 0x8000, "inline_data"}, {1, 0x10000, "encrypt"}, {1, 0x20000, "casefold"},
        {2, 0x1, "sparse_super"}, {2, 0x2, "large_file"}, {2, 0x8, "huge_file"},
        {2, 0x10, "uninit_bg"}, {2, 0x20, "dir_nlink"}, {2, 0x40, "extra_isize"},
        {2, 0x100, "quota"}, {2, 0x200, "bigalloc"}, {2, 0x400, "metadata_csum"},
        {2, 0x1000, "read-only"}, {2, 0x2000, "project"}, {2, 0x8000, "verity"},
        {2, 0x10000, "orphan_present"},
    };
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        uint32_t w = f[i].word == 0 ? fs->compat : f[i].word == 1 ? fs->incompat : fs->ro_compat;
        if (!(w & f[i].bit))
            continue;
        int k = snprintf(out + o, n - o, "%s%s", o ? " " : "", f[i].name);
        if (k < 0 || (size_t)k >= n - o)
            break;
        o += (size_t)k;
    }
}

static void copy_text(char *out, size_t outsz, const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i < n && i + 1 < outsz && p[i]; i++)
        out[i] = (char)p[i];
    out[i] = '\0';
}

static void ext4_info(ks_fs *base, ks_fs_info *out)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    const uint8_t *sb = fs->sb;
    if (fs->incompat & (EXT4_INCOMPAT_EXTENTS | EXT4_INCOMPAT_64BIT | EXT4_INCOMPAT_FLEX_BG))
        snprintf(out->type, sizeof out->type, "ext4");
    else if (fs->compat & EXT4_COMPAT_HAS_JOURNAL)
        snprintf(out->type, sizeof out->type, "ext3");
    else
        snprintf(out->type, sizeof out->type, "ext2");
    copy_text(out->label, sizeof out->label, sb + 0x78, 16);
    copy_text(out->last_mount, sizeof out->last_mount, sb + 0x88, 64);
    const uint8_t *u = sb + 0x68;
    snprintf(out->uuid, sizeof out->uuid,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
    out->block_size = fs->bs;
    out->block_count = fs->blocks;
    out->inode_count = fs->inodes_count;
    out->root_ino = 2;
    out->first_ino = fs->first_ino;
    out->group_count = fs->ngroups;
    /* s_mtime/s_wtime/s_mkfs_time with their _hi bytes (0x274..0x276) */
    put_time(&out->mtime, (int64_t)le32(sb + 0x2c) + ((int64_t)sb[0x275] << 32), 0);
    put_time(&out->wtime, (int64_t)le32(sb + 0x30) + ((int64_t)sb[0x274] << 32), 0);
    put_time(&out->mkfs_time, (int64_t)le32(sb + 0x108) + ((int64_t)sb[0x276] << 32), 0);
    feature_names(fs, out->features, sizeof out->features);
    out->orphan_head = le32(sb + 0xe8);
    out->needs_recovery = (fs->incompat & EXT4_INCOMPAT_RECOVER) != 0;
    /* the orphan list: inodes unlinked (or truncated) while open, linked through i_dtime;
     * bounded by the array and by the inode count (a loop ends it) */
    uint64_t ino = out->orphan_head;
    uint8_t raw[4];
    while (ino) {
        if (out->norphans == sizeof out->orphans / sizeof out->orphans[0] || ino > fs->inodes_count) {
            out->orphans_truncated = true;
            break;
        }
        for (unsigned i = 0; i < out->norphans; i++)
            if (out->orphans[i] == ino) {
                out->orphans_truncated = true;
                return;
            }
        out->orphans[out->norphans++] = ino;
        uint32_t g = (uint32_t)((ino - 1) / fs->ipg), idx = (uint32_t)((ino - 1) % fs->ipg);
        uint64_t off = fs->gds[g].inode_table * fs->bs + (uint64_t)idx * fs->inode_size + 0x14;
        if (ks_img_read(fs->base.img, off, raw, 4, NULL) != 0) {
            out->orphans_truncated = true;
            break;
        }
        ino = le32(raw);
    }
}

int ext4_inode_read(ks_ext4 *fs, uint64_t ino, ext4_inode *out, ks_err *err)
{
    const char *name = ks_img_name(fs->base.img);
    if (ino < 1 || ino > fs->inodes_count)
        return KS_ERR_AT(err, KS_ENOTFOUND, name, -1, -1,
                         "ext4: inode %llu is outside 1..%u", (unsigned long long)ino,
                         fs->inodes_count);
    uint32_t g = (uint32_t)((ino - 1) / fs->ipg), idx = (uint32_t)((ino - 1) % fs->ipg);
    uint64_t tbl = fs->gds[g].inode_table;
    if (tbl == 0 || tbl >= fs->blocks)
        return KS_CORRUPT(err, name, -1, -1,
                          "ext4 group descriptor %u: inode table at block %llu is outside the "
                          "file system", g, (unsigned long long)tbl);
    uint64_t off = tbl * fs->bs + (uint64_t)idx * fs->inode_size;
    int rc = ks_img_read(fs->base.img, off, out->raw, fs->inode_size, err);
    if (rc)
        return rc;
    ext4_inode_parse(fs, out, ino, off);
    return 0;
}

void ext4_inode_parse(ks_ext4 *fs, ext4_inode *in, uint64_t ino, uint64_t off)
{
    const uint8_t *r = in->raw;
    in->ino = ino;
    in->off = off;
    in->len = fs->inode_size;
    in->mode = le16(r + 0x00);
    in->flags = le32(r + 0x20);
    in->size = le32(r + 0x04) | (uint64_t)le32(r + 0x6c) << 32;
    in->file_acl = le32(r + 0x68) | (uint64_t)le16(r + 0x76) << 32;
    in->extra = 0;
    if (fs->inode_size > 128) {
        uint32_t ex = le16(r + 0x80);
        /* i_extra_isize must keep the record within the inode and be 4-aligned */
        if (ex >= 4 && ex % 4 == 0 && 128 + ex <= fs->inode_size)
            in->extra = ex;
    }
}

/* Decodes an ext4 time: a signed 32-bit seconds field plus, when present, an extra word
 * whose low 2 bits extend the seconds (epoch bits, up to year 2446) and whose upper 30 bits
 * are nanoseconds. */
static void decode_time(ks_fs_time *t, const ext4_inode *in, uint32_t sec_off, uint32_t extra_off)
{
    int64_t sec = (int32_t)le32(in->raw + sec_off);
    uint32_t nsec = 0;
    if (extra_off && 128 + in->extra >= extra_off + 4) {
        uint32_t x = le32(in->raw + extra_off);
        sec += (int64_t)(x & 3) << 32;
        nsec = x >> 2;
    }
    put_time(t, sec, nsec);
}

static int inode_allocated(ks_ext4 *fs, uint64_t ino, bool *out, ks_err *err)
{
    uint32_t g = (uint32_t)((ino - 1) / fs->ipg), idx = (uint32_t)((ino - 1) % fs->ipg);
    const ext4_gd *gd = &fs->gds[g];
    int csum = (fs->ro_compat & (EXT4_RO_COMPAT_GDT_CSUM | EXT4_RO_COMPAT_METADATA_CSUM)) != 0;
    if (csum && (gd->flags & EXT4_BG_INODE_UNINIT)) {
        *out = false;
        return 0;
    }
    if (!fs->bm_valid || fs->bm_group != g) {
        if (!fs->bm) {
            fs->bm = malloc(fs->bs);
            if (!fs->bm)
                return KS_ERR(err, KS_ENOMEM, "out of memory");
        }
        fs->bm_valid = false;
        if (gd->inode_bitmap == 0 || gd->inode_bitmap >= fs->blocks)
            return KS_CORRUPT(err, ks_img_name(fs->base.img), -1, -1,
                              "ext4 group descriptor %u: inode bitmap block %llu is outside "
                              "the file system", g, (unsigned long long)gd->inode_bitmap);
        int rc = ks_img_read(fs->base.img, gd->inode_bitmap * fs->bs, fs->bm, fs->bs, err);
        if (rc)
            return rc;
        fs->bm_valid = true;
        fs->bm_group = g;
    }
    *out = (fs->bm[idx / 8] >> (idx % 8)) & 1;
    return 0;
}

void ext4_fill_stat(ks_ext4 *fs, const ext4_inode *in, ks_fs_inode *st)
{
    const uint8_t *r = in->raw;
    memset(st, 0, sizeof *st);
    st->ino = in->ino;
    st->mode = in->mode;
    st->type = ks_fs_ftype_from_mode(in->mode);
    st->uid = le16(r + 0x02) | (uint32_t)le16(r + 0x78) << 16;
    st->gid = le16(r + 0x18) | (uint32_t)le16(r + 0x7a) << 16;
    st->size = in->size;
    st->nlink = le16(r + 0x1a);
    st->flags = in->flags;
    st->generation = le32(r + 0x64);
    uint64_t blocks = le32(r + 0x1c) | (uint64_t)le16(r + 0x74) << 32;
    if ((fs->ro_compat & EXT4_RO_COMPAT_HUGE_FILE) && (in->flags & EXT4_HUGE_FILE_FL))
        blocks *= fs->bs / 512;
    st->blocks512 = blocks;
    decode_time(&st->atime, in, 0x08, 0x8c);
    decode_time(&st->ctime, in, 0x0c, 0x84);
    decode_time(&st->mtime, in, 0x10, 0x88);
    if (128 + in->extra >= 0x94)
        decode_time(&st->crtime, in, 0x90, 0x94);
    uint32_t dt = le32(r + 0x14);
    if (dt)
        put_time(&st->dtime, dt, 0);
}

static int ext4_stat(ks_fs *base, uint64_t ino, ks_fs_inode *out, ks_err *err)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    ext4_inode *in = malloc(sizeof *in);
    int rc;
    bool alloc = false;
    if (!in)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    rc = ext4_inode_read(fs, ino, in, err);
    if (rc)
        goto done;
    rc = inode_allocated(fs, ino, &alloc, err);
    if (rc)
        goto done;
    ext4_fill_stat(fs, in, out);
    out->allocated = alloc;
    out->has_metadata = in->mode != 0 || out->dtime.set;
done:
    free(in);
    return rc;
}

/* Scans every group's inode table in whole blocks. Groups whose table was never
 * initialised (INODE_UNINIT) and the never-used tail (bg_itable_unused) are skipped. */
static int ext4_inodes(ks_fs *base, ks_fs_inode_cb cb, void *ud, ks_err *err)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    const char *name = ks_img_name(fs->base.img);
    int csum = (fs->ro_compat & (EXT4_RO_COMPAT_GDT_CSUM | EXT4_RO_COMPAT_METADATA_CSUM)) != 0;
    ext4_inode *in = malloc(sizeof *in);
    uint8_t *tbl = malloc(fs->bs);
    int rc = 0, first_err = 0;
    ks_err e1;
    ks_err_clear(&e1);
    if (!in || !tbl) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    uint32_t per_block = fs->bs / fs->inode_size;
    for (uint32_t g = 0; g < fs->ngroups; g++) {
        const ext4_gd *gd = &fs->gds[g];
        if (csum && (gd->flags & EXT4_BG_INODE_UNINIT))
            continue;
        uint32_t used = fs->ipg;
        if (csum && gd->itable_unused <= fs->ipg)
            used = fs->ipg - gd->itable_unused;
        if (gd->inode_table == 0 || gd->inode_table >= fs->blocks) {
            if (!first_err)
                first_err = KS_CORRUPT(&e1, name, -1, -1,
                                       "ext4 group descriptor %u: inode table at block %llu is "
                                       "outside the file system", g,
                                       (unsigned long long)gd->inode_table);
            continue;
        }
        for (uint32_t i = 0; i < used; i++) {
            uint64_t ino = (uint64_t)g * fs->ipg + i + 1;
            if (ino > fs->inodes_count)
                break;
            if (i % per_block == 0) {
                uint64_t b = gd->inode_table + i / per_block;
                int r = ks_img_read(fs->base.img, b * fs->bs, tbl, fs->bs, &e1);
                if (r) {
                    if (!first_err)
                        first_err = r;
                    i += per_block - 1; /* skip the unreadable block */
                    continue;
                }
            }
            const uint8_t *rec = tbl + (size_t)(i % per_block) * fs->inode_size;
            bool alloc = false;
            rc = inode_allocated(fs, ino, &alloc, err);
            if (rc)
                goto done;
            uint16_t mode = le16(rec);
            uint32_t dtime = le32(rec + 0x14), ctime = le32(rec + 0x0c);
            if (!alloc && mode == 0 && dtime == 0 && ctime == 0)
                continue; /* never used */
            /* reserved inodes other than the root are internal (journal, resize, ...) */
            memcpy(in->raw, rec, fs->inode_size);
            ext4_inode_parse(fs, in, ino,
                             (gd->inode_table + i / per_block) * fs->bs +
                                 (uint64_t)(i % per_block) * fs->inode_size);
            ks_fs_inode st;
            ext4_fill_stat(fs, in, &st);
            st.allocated = alloc;
            st.has_metadata = mode != 0 || dtime != 0;
            rc = cb(ud, &st);
            if (rc)
                goto done;
        }
    }
    if (first_err) {
        if (err)
            *err = e1;
        rc = first_err;
    }
done:
    free(in);
    free(tbl);
    return rc;
}

const ks_fs_ops ks_ext4_ops = {
    .name = "ext4",
    .probe = probe,
    .open = ext4_open,
    .close = ext4_close,
    .info = ext4_info,
    .stat = ext4_stat,
    .readdir = ext4_readdir,
    .read = ext4_read,
    .readlink = ext4_readlink,
    .xattrs = ext4_xattrs,
    .inodes = ext4_inodes,
};
