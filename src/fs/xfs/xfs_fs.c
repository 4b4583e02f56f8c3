/* xfs_fs.c — the XFS backend of the common file-system interface (fs/fs.h).
 *
 * A thin adapter: the XFS reader (xfs.h) has its own API over a read-at callback; this
 * file maps it onto ks_fs_ops so `kanshiki fs` and ingest treat XFS and ext4 alike. The
 * last opened file is kept so sequential reads of one file do not rebuild its extent map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fs.h"
#include "fs/xfs/xfs.h"
#include "fs/xfs/xfs_fs.h"

typedef struct xfs_fs {
    ks_fs base;          /* first: ks_fs* and xfs_fs* are interchangeable */
    ks_xfs *x;
    ks_xfs_file *cur;    /* last opened file, for sequential reads */
    uint64_t cur_ino;
} xfs_fs;

static int read_at(void *ctx, uint64_t off, void *buf, size_t len, ks_err *err)
{
    return ks_img_read((ks_img *)ctx, off, buf, len, err);
}

/* XFS: the superblock starts at byte 0 with "XFSB" (big-endian magic 0x58465342). */
static int probe(ks_img *img)
{
    uint8_t m[4];
    ks_err e;
    ks_err_clear(&e);
    if (ks_img_size(img) < 512 || ks_img_read(img, 0, m, 4, &e) != 0)
        return 0;
    return memcmp(m, "XFSB", 4) == 0;
}

static int xfs_open(ks_fs **out, ks_img *img, ks_err *err)
{
    xfs_fs *fs = calloc(1, sizeof *fs);
    if (!fs)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_xfs_opts o = {ks_img_name(img), NULL, NULL, 0};
    int rc = ks_xfs_open(&fs->x, read_at, img, ks_img_size(img), &o, err);
    if (rc) {
        free(fs);
        return rc;
    }
    fs->base.ops = &ks_xfs_ops;
    fs->base.img = img;
    *out = &fs->base;
    return 0;
}

static void xfs_close(ks_fs *base)
{
    xfs_fs *fs = (xfs_fs *)base;
    ks_xfs_file_close(fs->cur);
    ks_xfs_close(fs->x);
    free(fs);
}

static void set_time(ks_fs_time *t, int64_t ns)
{
    /* floor division: times before 1970 keep 0 <= nsec < 1e9 */
    int64_t sec = ns / 1000000000LL, nsec = ns % 1000000000LL;
    if (nsec < 0) {
        nsec += 1000000000LL;
        sec--;
    }
    t->sec = sec;
    t->nsec = (uint32_t)nsec;
    t->set = true;
}

static void xfs_info(ks_fs *base, ks_fs_info *out)
{
    xfs_fs *fs = (xfs_fs *)base;
    const ks_xfs_info *i = ks_xfs_info_get(fs->x);
    snprintf(out->type, sizeof out->type, "xfs");
    /* the label is raw bytes: keep printable ASCII only */
    size_t k = 0;
    for (size_t j = 0; j < sizeof i->label && i->label[j] && k + 1 < sizeof out->label; j++)
        out->label[k++] = (i->label[j] >= 0x20 && i->label[j] < 0x7f) ? i->label[j] : '?';
    out->label[k] = '\0';
    const uint8_t *u = i->uuid;
    snprintf(out->uuid, sizeof out->uuid,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
    out->block_size = i->block_size;
    out->block_count = i->data_blocks;
    out->inode_count = i->icount;
    out->root_ino = i->root_ino;
    out->first_ino = i->root_ino;
    out->group_count = i->ag_count;
    snprintf(out->features, sizeof out->features, "v%d%s%s%s%s%s%s%s", i->version,
             i->crc ? " crc" : "", i->bigtime ? " bigtime" : "", i->nrext64 ? " nrext64" : "",
             i->ftype ? " ftype" : "", i->sparse_inodes ? " sparse_inodes" : "",
             i->reflink ? " reflink" : "", i->finobt ? " finobt" : "");
}

static ks_ftype ftype_of(ks_xfs_type t)
{
    switch (t) {
    case KS_XFS_T_REG: return KS_FT_REG;
    case KS_XFS_T_DIR: return KS_FT_DIR;
    case KS_XFS_T_CHR: return KS_FT_CHR;
    case KS_XFS_T_BLK: return KS_FT_BLK;
    case KS_XFS_T_FIFO: return KS_FT_FIFO;
    case KS_XFS_T_SOCK: return KS_FT_SOCK;
    case KS_XFS_T_LNK: return KS_FT_LNK;
    default: return KS_FT_UNKNOWN;
    }
}

static void fill_inode(const ks_xfs_inode *x, bool allocated, ks_fs_inode *out)
{
    memset(out, 0, sizeof *out);
    out->ino = x->ino;
    out->type = ftype_of(x->type);
    out->mode = x->mode;
    out->uid = x->uid;
    out->gid = x->gid;
    out->size = x->size;
    out->nlink = x->nlink;
    out->generation = x->generation;
    out->flags = x->flags;
    set_time(&out->atime, x->atime_ns);
    set_time(&out->mtime, x->mtime_ns);
    set_time(&out->ctime, x->ctime_ns);
    if (x->has_crtime)
        set_time(&out->crtime, x->crtime_ns);
    out->allocated = allocated;
    out->has_metadata = !allocated && (x->mode != 0 || x->mtime_ns != 0 || x->ctime_ns != 0);
}

static int xfs_stat(ks_fs *base, uint64_t ino, ks_fs_inode *out, ks_err *err)
{
    xfs_fs *fs = (xfs_fs *)base;
    ks_xfs_inode x;
    int rc = ks_xfs_inode_read(fs->x, ino, &x, err);
    if (rc)
        return rc;
    /* A freed XFS inode keeps mode 0 (the kernel clears it on free). */
    uint64_t blocks = x.nblocks;
    fill_inode(&x, x.mode != 0, out);
    out->blocks512 = blocks * (ks_xfs_info_get(fs->x)->block_size / 512);
    return 0;
}

typedef struct dir_ctx {
    ks_fs_dirent_cb cb;
    void *ud;
} dir_ctx;

static int dir_cb(void *ctx, const ks_xfs_dirent *e)
{
    dir_ctx *d = ctx;
    static const ks_ftype ft[] = {KS_FT_UNKNOWN, KS_FT_REG, KS_FT_DIR, KS_FT_CHR,
                                  KS_FT_BLK,     KS_FT_FIFO, KS_FT_SOCK, KS_FT_LNK};
    ks_fs_dirent de = {0};
    de.ino = e->ino;
    de.type = e->ftype < sizeof ft / sizeof ft[0] ? ft[e->ftype] : KS_FT_UNKNOWN;
    de.name = e->name;
    de.name_len = e->name_len;
    return d->cb(d->ud, &de);
}

static int xfs_readdir(ks_fs *base, uint64_t ino, ks_fs_dirent_cb cb, void *ud, ks_err *err)
{
    xfs_fs *fs = (xfs_fs *)base;
    dir_ctx d = {cb, ud};
    return ks_xfs_dir_list(fs->x, ino, dir_cb, &d, err);
}

static int xfs_read(ks_fs *base, uint64_t ino, uint64_t off, void *buf, size_t len,
                    size_t *out_n, ks_err *err)
{
    xfs_fs *fs = (xfs_fs *)base;
    if (!fs->cur || fs->cur_ino != ino) {
        ks_xfs_file_close(fs->cur);
        fs->cur = NULL;
        int rc = ks_xfs_file_open(&fs->cur, fs->x, ino, err);
        if (rc)
            return rc;
        fs->cur_ino = ino;
    }
    return ks_xfs_file_read(fs->cur, off, buf, len, out_n, err);
}

static int xfs_readlink(ks_fs *base, uint64_t ino, ks_buf *out, ks_err *err)
{
    xfs_fs *fs = (xfs_fs *)base;
    char tmp[4096 + 1]; /* XFS symlink targets are at most 1024 bytes (XFS_SYMLINK_MAXLEN) */
    size_t n = 0;
    int rc = ks_xfs_readlink(fs->x, ino, tmp, sizeof tmp, &n, err);
    if (rc)
        return rc;
    ks_buf_reset(out);
    return ks_buf_append(out, tmp, n < sizeof tmp ? n : sizeof tmp);
}

typedef struct xattr_ctx {
    ks_fs_xattr_cb cb;
    void *ud;
    ks_buf name;
} xattr_ctx;

static int xattr_cb(void *ctx, const ks_xfs_xattr *a)
{
    xattr_ctx *x = ctx;
    ks_buf_reset(&x->name);
    ks_buf_puts(&x->name, ks_xfs_ns_prefix(a->ns));
    if (ks_buf_append(&x->name, a->name, a->name_len) != 0)
        return KS_ELIMIT;
    return x->cb(x->ud, x->name.data, a->value, a->value_len);
}

static int xfs_xattrs(ks_fs *base, uint64_t ino, ks_fs_xattr_cb cb, void *ud, ks_err *err)
{
    xfs_fs *fs = (xfs_fs *)base;
    xattr_ctx x = {cb, ud, {0}};
    ks_buf_init(&x.name, 1 << 16);
    int rc = ks_xfs_xattr_list(fs->x, ino, xattr_cb, &x, err);
    ks_buf_free(&x.name);
    return rc;
}

typedef struct inode_ctx {
    xfs_fs *fs;
    ks_fs_inode_cb cb;
    void *ud;
} inode_ctx;

static int inode_cb(void *ctx, uint64_t ino, bool allocated)
{
    inode_ctx *c = ctx;
    ks_xfs_inode x;
    ks_err e;
    ks_err_clear(&e);
    if (ks_xfs_inode_read(c->fs->x, ino, &x, &e) != 0)
        return 0; /* an unreadable inode record: skipped here, reported by stat */
    ks_fs_inode st;
    fill_inode(&x, allocated, &st);
    st.blocks512 = x.nblocks * (ks_xfs_info_get(c->fs->x)->block_size / 512);
    if (!allocated && !st.has_metadata)
        return 0;
    return c->cb(c->ud, &st);
}

static int xfs_inodes(ks_fs *base, ks_fs_inode_cb cb, void *ud, ks_err *err)
{
    inode_ctx c = {(xfs_fs *)base, cb, ud};
    return ks_xfs_inode_iter(c.fs->x, inode_cb, &c, err);
}

const ks_fs_ops ks_xfs_ops = {
    .name = "xfs",
    .probe = probe,
    .open = xfs_open,
    .close = xfs_close,
    .info = xfs_info,
    .stat = xfs_stat,
    .readdir = xfs_readdir,
    .read = xfs_read,
    .readlink = xfs_readlink,
    .xattrs = xfs_xattrs,
    .inodes = xfs_inodes,
};
