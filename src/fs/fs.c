/* fs.c — backend registry, generic wrappers, and image@partition specifications. */
#include "fs/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/ext4/ext4.h"
#include "fs/volume.h"

/* Backends in probe order. An XFS backend adds its ks_fs_ops here. */
static const ks_fs_ops *const backends[] = {
    &ks_ext4_ops,
    NULL,
};

int ks_fs_probe(ks_img *img, const char **out_name)
{
    for (const ks_fs_ops *const *b = backends; *b; b++)
        if ((*b)->probe(img) == 1) {
            if (out_name)
                *out_name = (*b)->name;
            return 1;
        }
    return 0;
}

int ks_fs_open(ks_fs **out, ks_img *img, ks_err *err)
{
    for (const ks_fs_ops *const *b = backends; *b; b++)
        if ((*b)->probe(img) == 1)
            return (*b)->open(out, img, err);
    return KS_ERR_AT(err, KS_EUNSUPPORTED, ks_img_name(img), -1, (int64_t)ks_img_base(img),
                     "no supported file system found (known: ext2/3/4)");
}

void ks_fs_close(ks_fs *fs)
{
    if (fs)
        fs->ops->close(fs);
}

void ks_fs_get_info(ks_fs *fs, ks_fs_info *out)
{
    memset(out, 0, sizeof *out);
    fs->ops->info(fs, out);
}

int ks_fs_stat(ks_fs *fs, uint64_t ino, ks_fs_inode *out, ks_err *err)
{
    return fs->ops->stat(fs, ino, out, err);
}

int ks_fs_readdir(ks_fs *fs, uint64_t ino, ks_fs_dirent_cb cb, void *ud, ks_err *err)
{
    return fs->ops->readdir(fs, ino, cb, ud, err);
}

int ks_fs_read(ks_fs *fs, uint64_t ino, uint64_t off, void *buf, size_t len, size_t *out_n,
               ks_err *err)
{
    return fs->ops->read(fs, ino, off, buf, len, out_n, err);
}

int ks_fs_readlink(ks_fs *fs, uint64_t ino, ks_buf *out, ks_err *err)
{
    return fs->ops->readlink(fs, ino, out, err);
}

int ks_fs_xattrs(ks_fs *fs, uint64_t ino, ks_fs_xattr_cb cb, void *ud, ks_err *err)
{
    return fs->ops->xattrs(fs, ino, cb, ud, err);
}

int ks_fs_inodes(ks_fs *fs, ks_fs_inode_cb cb, void *ud, ks_err *err)
{
    return fs->ops->inodes(fs, cb, ud, err);
}

ks_ftype ks_fs_ftype_from_mode(uint32_t mode)
{
    switch (mode & 0170000) {
    case 0100000: return KS_FT_REG;
    case 0040000: return KS_FT_DIR;
    case 0120000: return KS_FT_LNK;
    case 0020000: return KS_FT_CHR;
    case 0060000: return KS_FT_BLK;
    case 0010000: return KS_FT_FIFO;
    case 0140000: return KS_FT_SOCK;
    default: return KS_FT_UNKNOWN;
    }
}

char ks_fs_ftype_char(ks_ftype t)
{
    static const char c[] = {'-', 'r', 'd', 'c', 'b', 'p', 's', 'l'};
    return (unsigned)t < sizeof c ? c[t] : '-';
}

const char *ks_fs_ftype_name(ks_ftype t)
{
    static const char *const n[] = {"unknown", "file", "directory", "chardev",
                                    "blockdev", "fifo", "socket", "symlink"};
    return (unsigned)t < sizeof n / sizeof n[0] ? n[t] : "unknown";
}

/* ---- image specifications ------------------------------------------------------------ */
static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

void ks_fs_handle_close(ks_fs_handle *h)
{
    ks_fs_close(h->fs);
    if (h->vol != h->disk)
        ks_img_close(h->vol);
    ks_img_close(h->disk);
    memset(h, 0, sizeof *h);
}

int ks_fs_handle_open(ks_fs_handle *h, const char *spec, ks_err *err)
{
    char *path = NULL;
    int rc = 0;
    ks_vs *vs = NULL;
    memset(h, 0, sizeof *h);
    path = strdup(spec);
    if (!path)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    const char *sel = NULL;
    struct stat st;
    char *at = strrchr(path, '@');
    if (at && stat(path, &st) != 0) {
        *at = '\0';
        sel = at + 1;
    }
    rc = ks_img_open(&h->disk, path, err);
    if (rc)
        goto done;
    h->vol = h->disk;
    vs = calloc(1, sizeof *vs);
    if (!vs) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    uint64_t off = 0, num = 0;
    if (sel) {
        if (!strncmp(sel, "offset=", 7) && parse_u64(sel + 7, &off) == 0) {
            /* byte offset */
        } else if (sel[0] == 's' && parse_u64(sel + 1, &num) == 0 && num <= UINT64_MAX / 512) {
            off = num * 512;
        } else if (parse_u64(sel, &num) == 0 && num > 0) {
            ks_err verr;
            ks_err_clear(&verr);
            rc = ks_vs_read(vs, h->disk, &verr);
            if (rc) {
                if (err)
                    *err = verr;
                goto done;
            }
            const ks_part *p = NULL;
            for (unsigned i = 0; i < vs->n; i++)
                if (vs->parts[i].index == num)
                    p = &vs->parts[i];
            if (!p) {
                rc = KS_ERR_AT(err, KS_ENOTFOUND, path, -1, -1,
                               "no partition %llu in the %s table (see 'kanshiki fs parts')",
                               (unsigned long long)num, ks_vs_scheme_name(vs->scheme));
                goto done;
            }
            h->part = p->index;
            rc = ks_img_window(&h->vol, h->disk, p->start, p->size, err);
            if (rc) {
                h->vol = h->disk;
                goto done;
            }
            rc = ks_fs_open(&h->fs, h->vol, err);
            goto done;
        } else {
            rc = KS_ERR(err, KS_EUSAGE,
                        "bad partition selector '@%s' (use @N, @offset=BYTES or @sSECTOR)", sel);
            goto done;
        }
        rc = ks_img_window(&h->vol, h->disk, off, UINT64_MAX, err);
        if (rc) {
            h->vol = h->disk;
            goto done;
        }
        rc = ks_fs_open(&h->fs, h->vol, err);
        goto done;
    }
    /* No selector: a file system at offset 0, else the one partition that holds one. */
    if (ks_fs_probe(h->disk, NULL)) {
        rc = ks_fs_open(&h->fs, h->disk, err);
        goto done;
    }
    ks_err verr;
    ks_err_clear(&verr);
    if (ks_vs_read(vs, h->disk, &verr) != 0) {
        rc = KS_ERR_AT(err, KS_EUNSUPPORTED, path, -1, 0,
                       "no known file system at offset 0 and no usable partition table (%s)",
                       verr.msg);
        goto done;
    }
    unsigned found = 0, which = 0;
    for (unsigned i = 0; i < vs->n; i++) {
        ks_img *w = NULL;
        if (ks_img_window(&w, h->disk, vs->parts[i].start, vs->parts[i].size, NULL) != 0)
            continue;
        if (ks_fs_probe(w, NULL)) {
            found++;
            which = i;
        }
        ks_img_close(w);
    }
    if (found != 1) {
        rc = KS_ERR_AT(err, found ? KS_EUSAGE : KS_EUNSUPPORTED, path, -1, -1,
                       "%u partitions hold a known file system; name one as IMAGE@N "
                       "(see 'kanshiki fs parts')", found);
        goto done;
    }
    h->part = vs->parts[which].index;
    rc = ks_img_window(&h->vol, h->disk, vs->parts[which].start, vs->parts[which].size, err);
    if (rc) {
        h->vol = h->disk;
        goto done;
    }
    rc = ks_fs_open(&h->fs, h->vol, err);
done:
    free(vs);
    free(path);
    if (rc)
        ks_fs_handle_close(h);
    return rc;
}
