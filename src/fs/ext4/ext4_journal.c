/* ext4_journal.c — reading the JBD2 journal as a log of metadata history.
 *
 * JBD2 (Documentation/filesystems/ext4/journal.rst) is big-endian. Every special block
 * starts with magic 0xC03B3998, a block type (1 descriptor, 2 commit, 3/4 superblock,
 * 5 revoke) and a sequence number. The journal superblock (journal block 0) gives the
 * block size, length, first log block, the sequence and start of the live part, and
 * features (64bit tags, csum v2/v3). A descriptor block is followed by one data block per
 * tag; a tag holds the file-system block number (low, flags, high with 64bit), and unless
 * SAME_UUID a 16-byte UUID; ESCAPE means the copy's first 4 bytes were the magic and were
 * zeroed. A commit block seals the transaction; since ext4 its commit_sec (u64 at 0x30)
 * and commit_nsec (u32 at 0x38) say when. The log is circular, so blocks of older
 * transactions remain until reused: scanning all blocks finds them too.
 */
#include "fs/ext4/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext4/ext4.h"

#define JBD2_MAGIC 0xC03B3998u
#define JBD2_INCOMPAT_64BIT 0x2
#define JBD2_INCOMPAT_CSUM_V2 0x8
#define JBD2_INCOMPAT_CSUM_V3 0x10
#define JBD2_FLAG_ESCAPE 1
#define JBD2_FLAG_SAME_UUID 2
#define JBD2_FLAG_LAST_TAG 8

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

int ks_ext4_has_journal(ks_fs *base)
{
    if (base->ops != &ks_ext4_ops)
        return 0;
    ks_ext4 *fs = (ks_ext4 *)base;
    return (fs->compat & EXT4_COMPAT_HAS_JOURNAL) && ext4_le32(fs->sb + 0xe0) != 0;
}

uint32_t ks_ext4_inode_size(ks_fs *base)
{
    return base->ops == &ks_ext4_ops ? ((ks_ext4 *)base)->inode_size : 0;
}

static int read_jblock(ks_fs *fs, uint64_t ino, uint64_t jb, uint32_t bs, uint8_t *buf,
                       ks_err *err)
{
    size_t got = 0;
    int rc = ks_fs_read(fs, ino, jb * bs, buf, bs, &got, err);
    if (rc == 0 && got != bs)
        rc = KS_ERR(err, KS_ECORRUPT, "journal block %llu is past the journal's end",
                    (unsigned long long)jb);
    return rc;
}

int ks_ext4_journal_scan(ks_fs *base, ks_jbd2_info *info, const ks_jbd2_cbs *cbs, ks_err *err)
{
    if (!ks_ext4_has_journal(base))
        return KS_ERR(err, KS_ENOTFOUND, "no internal journal");
    ks_ext4 *fs = (ks_ext4 *)base;
    const char *img = ks_img_name(base->img);
    uint8_t *b = NULL, *d = NULL;
    int rc = 0;
    memset(info, 0, sizeof *info);
    info->inode = ext4_le32(fs->sb + 0xe0);
    ks_fs_inode jst;
    rc = ks_fs_stat(base, info->inode, &jst, err);
    if (rc)
        return rc;
    b = malloc(fs->bs);
    d = malloc(fs->bs);
    if (!b || !d) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    rc = read_jblock(base, info->inode, 0, fs->bs, b, err);
    if (rc)
        goto done;
    uint32_t type = be32(b + 4);
    if (be32(b) != JBD2_MAGIC || (type != 3 && type != 4)) {
        rc = KS_CORRUPT(err, img, -1, -1, "journal superblock: magic 0x%08x type %u", be32(b),
                        type);
        goto done;
    }
    info->block_size = be32(b + 0x0c);
    info->maxlen = be32(b + 0x10);
    info->first = be32(b + 0x14);
    info->sequence = be32(b + 0x18);
    info->start = be32(b + 0x1c);
    info->incompat = type == 4 ? be32(b + 0x28) : 0;
    info->clean = info->start == 0;
    if (info->block_size != fs->bs) {
        rc = KS_ERR(err, KS_EUNSUPPORTED, "journal block size %u differs from the file "
                    "system's %u", info->block_size, fs->bs);
        goto done;
    }
    uint64_t jblocks = jst.size / fs->bs;
    if (info->maxlen > jblocks || info->first == 0 || info->first >= info->maxlen) {
        rc = KS_CORRUPT(err, img, -1, -1, "journal superblock: length %u / first %u do not fit "
                        "the journal inode's %llu blocks", info->maxlen, info->first,
                        (unsigned long long)jblocks);
        goto done;
    }
    int csum3 = (info->incompat & JBD2_INCOMPAT_CSUM_V3) != 0;
    int csum2 = (info->incompat & JBD2_INCOMPAT_CSUM_V2) != 0;
    int is64 = (info->incompat & JBD2_INCOMPAT_64BIT) != 0;
    size_t tag_bytes = csum3 ? 16 : (size_t)(12 + (csum2 ? 2 : 0) - (is64 ? 0 : 4));
    size_t tail = (csum2 || csum3) ? 4 : 0;
    for (uint64_t jb = info->first; jb < info->maxlen;) {
        rc = read_jblock(base, info->inode, jb, fs->bs, b, err);
        if (rc)
            goto done;
        if (be32(b) != JBD2_MAGIC) {
            jb++;
            continue;
        }
        uint32_t bt = be32(b + 4), seq = be32(b + 8);
        if (bt == 2) {
            ks_jbd2_commit c = {seq, jb, {0, 0, false}};
            uint64_t sec = be64(b + 0x30);
            uint32_t ns = be32(b + 0x38);
            if (sec && sec < ((uint64_t)1 << 62) && ns < 1000000000u)
                c.time = (ks_fs_time){(int64_t)sec, ns, true};
            if (cbs->commit && (rc = cbs->commit(cbs->ud, &c)) != 0)
                goto done;
            jb++;
            continue;
        }
        if (bt != 1) {
            jb++;
            continue;
        }
        /* descriptor: tags, each followed in the log by its data block */
        size_t p = 12;
        uint64_t data_jb = jb + 1;
        for (unsigned ntag = 0; p + tag_bytes <= fs->bs - tail && ntag < fs->bs / 8; ntag++) {
            const uint8_t *t = b + p;
            uint64_t blk = be32(t);
            uint32_t flags = csum3 ? be32(t + 4) : (uint32_t)(t[6] << 8 | t[7]);
            if (is64)
                blk |= (uint64_t)be32(t + 8) << 32;
            p += tag_bytes;
            if (!(flags & JBD2_FLAG_SAME_UUID))
                p += 16;
            if (data_jb >= info->maxlen)
                break;
            rc = read_jblock(base, info->inode, data_jb, fs->bs, d, err);
            if (rc)
                goto done;
            if (flags & JBD2_FLAG_ESCAPE) {
                d[0] = 0xC0;
                d[1] = 0x3B;
                d[2] = 0x39;
                d[3] = 0x98;
            }
            ks_jbd2_block jbk = {seq, blk, data_jb, d};
            if (cbs->block && (rc = cbs->block(cbs->ud, &jbk)) != 0)
                goto done;
            data_jb++;
            if (flags & JBD2_FLAG_LAST_TAG)
                break;
        }
        jb = data_jb > jb + 1 ? data_jb : jb + 1;
    }
done:
    free(b);
    free(d);
    return rc;
}

void ks_ext4_block_kind(ks_fs *base, uint64_t blk, char *out, size_t outsz, uint64_t *first_ino,
                        unsigned *count)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    *first_ino = 0;
    *count = 0;
    if (blk == fs->first_data_block) {
        snprintf(out, outsz, "superblock");
        return;
    }
    uint32_t itb = (uint32_t)(((uint64_t)fs->ipg * fs->inode_size + fs->bs - 1) / fs->bs);
    uint32_t per = fs->bs / fs->inode_size;
    for (uint32_t g = 0; g < fs->ngroups; g++) {
        const ext4_gd *gd = &fs->gds[g];
        if (blk == gd->block_bitmap) {
            snprintf(out, outsz, "block bitmap %u", g);
            return;
        }
        if (blk == gd->inode_bitmap) {
            snprintf(out, outsz, "inode bitmap %u", g);
            return;
        }
        if (blk >= gd->inode_table && blk < gd->inode_table + itb) {
            *first_ino = (uint64_t)g * fs->ipg + (blk - gd->inode_table) * per + 1;
            *count = per;
            snprintf(out, outsz, "inode table %u (inodes %llu-%llu)", g,
                     (unsigned long long)*first_ino,
                     (unsigned long long)(*first_ino + per - 1));
            return;
        }
    }
    uint32_t dpb = fs->bs / fs->desc_size;
    uint64_t gdt_blocks = (fs->ngroups + dpb - 1) / dpb;
    if (blk > fs->first_data_block && blk <= fs->first_data_block + gdt_blocks) {
        snprintf(out, outsz, "group descriptors");
        return;
    }
    snprintf(out, outsz, "data");
}

void ks_ext4_inode_decode(ks_fs *base, uint64_t ino, const uint8_t *raw, ks_fs_inode *out)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    ext4_inode *in = calloc(1, sizeof *in);
    memset(out, 0, sizeof *out);
    if (!in)
        return;
    memcpy(in->raw, raw, fs->inode_size);
    ext4_inode_parse(fs, in, ino, 0);
    ext4_fill_stat(fs, in, out);
    free(in);
}
