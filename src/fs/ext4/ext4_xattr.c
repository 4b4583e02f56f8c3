/* ext4_xattr.c — extended attributes, in the inode and in an attribute block, and inline
 * data (which ext4 keeps in i_block plus the "system.data" attribute).
 *
 * In-inode attributes follow the inode's extra fields (128 + i_extra_isize): a magic
 * 0xEA020000, then entries; value offsets count from the first entry. An attribute block
 * (i_file_acl) starts with a 32-byte header (magic 0xEA020000, refcount, h_blocks = 1,
 * hash, checksum); entries follow at 32 and value offsets count from the block start.
 * Entry: name_len u8, name_index u8, value_offs u16, value_inum u32 (ea_inode feature:
 * the value is that inode's content), value_size u32, hash u32, name; padded to 4 bytes.
 * The list ends with four zero bytes.
 */
#include "fs/ext4/ext4.h"

#include <stdlib.h>
#include <string.h>

#define le16 ext4_le16
#define le32 ext4_le32

#define XATTR_MAGIC 0xEA020000u
#define XATTR_MAX_ENTRIES 4096
#define XATTR_INODE_VALUE_MAX (64u << 20)

static const char *prefix(uint8_t idx)
{
    switch (idx) {
    case 1: return "user.";
    case 2: return "system.posix_acl_access";
    case 3: return "system.posix_acl_default";
    case 4: return "trusted.";
    case 6: return "security.";
    case 7: return "system.";
    case 8: return "system.richacl";
    default: return NULL;
    }
}

static int parse_entries(ks_ext4 *fs, const ext4_inode *owner, const uint8_t *reg, size_t len,
                         size_t start, size_t vbase, uint64_t reg_off, const char *where,
                         int allow_vinum, ks_fs_xattr_cb cb, void *ud, ks_err *err)
{
    const char *img = ks_img_name(fs->base.img);
    char name[300];
    size_t p = start;
    for (unsigned count = 0;; count++) {
        if (count >= XATTR_MAX_ENTRIES)
            return KS_ERR_AT(err, KS_ELIMIT, img, -1, E4B(fs) + (int64_t)(reg_off + p),
                             "ext4 inode %llu: more than %d extended attributes in the %s",
                             (unsigned long long)owner->ino, XATTR_MAX_ENTRIES, where);
        if (!ks_fits(p, 4, len) || le32(reg + p) == 0)
            return 0; /* end marker (or the region ends, which the kernel also accepts) */
        if (!ks_fits(p, 16, len))
            return KS_CORRUPT(err, img, -1, E4B(fs) + (int64_t)(reg_off + p),
                              "ext4 inode %llu: xattr entry in the %s is cut off",
                              (unsigned long long)owner->ino, where);
        uint8_t nl = reg[p], idx = reg[p + 1];
        uint16_t voff = le16(reg + p + 2);
        uint32_t vinum = le32(reg + p + 4), vsize = le32(reg + p + 8);
        if (!ks_fits(p + 16, nl, len))
            return KS_CORRUPT(err, img, -1, E4B(fs) + (int64_t)(reg_off + p),
                              "ext4 inode %llu: xattr name (%u bytes) runs past the %s",
                              (unsigned long long)owner->ino, nl, where);
        const char *pre = prefix(idx);
        size_t o = 0;
        if (pre) {
            o = strlen(pre);
            memcpy(name, pre, o);
        } else {
            /* unknown index: keep it visible rather than guessing a namespace */
            static const char hx[] = "0123456789abcdef";
            memcpy(name, "index", 5);
            name[5] = hx[idx >> 4];
            name[6] = hx[idx & 15];
            name[7] = '.';
            o = 8;
        }
        memcpy(name + o, reg + p + 16, nl);
        name[o + nl] = '\0';
        int rc;
        if (vinum && !allow_vinum) {
            /* inline data never lives in an EA inode; refusing also stops A->B->A loops */
            return KS_CORRUPT(err, img, -1, E4B(fs) + (int64_t)(reg_off + p + 4),
                              "ext4 inode %llu: inline data attribute points to inode %u",
                              (unsigned long long)owner->ino, vinum);
        }
        if (vinum) {
            if (vsize > XATTR_INODE_VALUE_MAX)
                return KS_ERR_AT(err, KS_ELIMIT, img, -1, E4B(fs) + (int64_t)(reg_off + p + 8),
                                 "ext4 inode %llu: xattr value of %u bytes in inode %u is over "
                                 "the limit", (unsigned long long)owner->ino, vsize, vinum);
            if (vinum == owner->ino)
                return KS_CORRUPT(err, img, -1, E4B(fs) + (int64_t)(reg_off + p + 4),
                                  "ext4 inode %llu: xattr value stored in the inode itself",
                                  (unsigned long long)owner->ino);
            uint8_t *v = malloc(vsize ? vsize : 1);
            if (!v)
                return KS_ERR(err, KS_ENOMEM, "out of memory");
            size_t got = 0;
            rc = ext4_read(&fs->base, vinum, 0, v, vsize, &got, err);
            if (rc == 0)
                rc = cb(ud, name, v, got);
            free(v);
        } else {
            if (!ks_fits((uint64_t)vbase + voff, vsize, len))
                return KS_CORRUPT(err, img, -1, E4B(fs) + (int64_t)(reg_off + p + 2),
                                  "ext4 inode %llu: xattr '%s' value (%u bytes at %u) lies "
                                  "outside the %s", (unsigned long long)owner->ino, name, vsize,
                                  voff, where);
            rc = cb(ud, name, reg + vbase + voff, vsize);
        }
        if (rc)
            return rc;
        p += (16 + (size_t)nl + 3) & ~(size_t)3;
    }
}

int ext4_xattrs_inode(ks_ext4 *fs, const ext4_inode *in, ks_fs_xattr_cb cb, void *ud,
                      ks_err *err)
{
    int rc = 0;
    uint8_t *blk = NULL;
    if (in->extra && 128 + in->extra + 4 <= in->len) {
        const uint8_t *reg = in->raw + 128 + in->extra;
        size_t len = in->len - 128 - in->extra;
        if (le32(reg) == XATTR_MAGIC) {
            rc = parse_entries(fs, in, reg + 4, len - 4, 0, 0, in->off + 128 + in->extra + 4,
                               "inode", 1, cb, ud, err);
            if (rc)
                return rc;
        }
    }
    if (in->file_acl) {
        const char *img = ks_img_name(fs->base.img);
        if (in->file_acl >= fs->blocks || in->file_acl < fs->first_data_block)
            return KS_CORRUPT(err, img, -1, E4B(fs) + (int64_t)in->off + 0x68,
                              "ext4 inode %llu: xattr block %llu is outside the file system",
                              (unsigned long long)in->ino, (unsigned long long)in->file_acl);
        blk = malloc(fs->bs);
        if (!blk)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        uint64_t off = in->file_acl * fs->bs;
        rc = ks_img_read(fs->base.img, off, blk, fs->bs, err);
        if (rc)
            goto done;
        if (le32(blk) != XATTR_MAGIC || le32(blk + 8) != 1) {
            rc = KS_CORRUPT(err, img, -1, E4B(fs) + (int64_t)off,
                            "ext4 inode %llu: xattr block %llu has magic 0x%08x, blocks %u",
                            (unsigned long long)in->ino, (unsigned long long)in->file_acl,
                            le32(blk), le32(blk + 8));
            goto done;
        }
        rc = parse_entries(fs, in, blk, fs->bs, 32, 0, off, "xattr block", 1, cb, ud, err);
    }
done:
    free(blk);
    return rc;
}

int ext4_xattrs(ks_fs *base, uint64_t ino, ks_fs_xattr_cb cb, void *ud, ks_err *err)
{
    ks_ext4 *fs = (ks_ext4 *)base;
    ext4_inode *in = malloc(sizeof *in);
    if (!in)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    int rc = ext4_inode_read(fs, ino, in, err);
    if (rc == 0)
        rc = ext4_xattrs_inode(fs, in, cb, ud, err);
    free(in);
    return rc;
}

typedef struct inline_ctx {
    ks_buf *out;
    int found;
} inline_ctx;

static int inline_cb(void *ud, const char *name, const uint8_t *v, size_t n)
{
    inline_ctx *c = ud;
    if (strcmp(name, "system.data") != 0 || c->found)
        return 0;
    c->found = 1;
    return ks_buf_append(c->out, v, n);
}

int ext4_inline_data(ks_ext4 *fs, const ext4_inode *in, ks_buf *out, ks_err *err)
{
    int rc = ks_buf_append(out, in->raw + 0x28, EXT4_N_BLOCKS_BYTES);
    if (rc)
        return KS_ERR(err, rc, "out of memory");
    inline_ctx c = {out, 0};
    /* only the in-inode attributes can hold system.data */
    if (in->extra && 128 + in->extra + 4 <= in->len) {
        const uint8_t *reg = in->raw + 128 + in->extra;
        if (le32(reg) == XATTR_MAGIC)
            rc = parse_entries(fs, in, reg + 4, in->len - 128 - in->extra - 4, 0, 0,
                               in->off + 128 + in->extra + 4, "inode", 0, inline_cb, &c, err);
    }
    return rc;
}
