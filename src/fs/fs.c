/* fs.c — backend registry, generic wrappers, and image@partition specifications. */
#include "fs/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/ext4/ext4.h"
#include "fs/xfs/xfs_fs.h"
#include "fs/lvm.h"
#include "fs/volume.h"

/* Backends in probe order. */
static const ks_fs_ops *const backends[] = {
    &ks_ext4_ops,
    &ks_xfs_ops,
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
                     "no supported file system found (known: ext2/3/4, xfs)");
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
    ks_img_close(h->lv);
    ks_img_close(h->part);
    ks_img_close(h->disk);
    memset(h, 0, sizeof *h);
}

/* Opens logical volume `name` (or, with name NULL, the only one holding a known file
 * system: *found counts them) of the PV `pv` into h->lv. */
static int open_lv(ks_fs_handle *h, ks_img *pv, const char *name, unsigned *found, ks_err *err)
{
    ks_lvm l;
    int rc = ks_lvm_read(&l, pv, err);
    if (rc)
        return rc;
    for (unsigned i = 0; i < l.nlv; i++) {
        const ks_lvm_lv *lv = &l.lv[i];
        if (name && strcmp(lv->name, name) != 0)
            continue;
        ks_img *img = NULL;
        if (ks_lvm_open_lv(&img, pv, &l, lv, name ? err : NULL) != 0) {
            if (name) {
                rc = KS_EUNSUPPORTED;
                goto done;
            }
            continue;
        }
        if (!name && !ks_fs_probe(img, NULL)) {
            ks_img_close(img);
            continue;
        }
        if (found)
            (*found)++;
        if (h->lv) { /* a second candidate: keep the first, the caller reports ambiguity */
            ks_img_close(img);
            continue;
        }
        h->lv = img;
        snprintf(h->lv_name, sizeof h->lv_name, "%s", lv->name);
    }
    if (name && !h->lv)
        rc = KS_ERR_AT(err, KS_ENOTFOUND, ks_img_name(pv), -1, -1,
                       "no logical volume '%s' in volume group %s", name, l.vg_name);
done:
    ks_lvm_free(&l);
    return rc;
}

int ks_fs_handle_open(ks_fs_handle *h, const char *spec, ks_err *err)
{
    char *path = NULL;
    int rc = 0;
    ks_vs *vs = NULL;
    memset(h, 0, sizeof *h);
    path = strdup(spec);
    vs = calloc(1, sizeof *vs);
    if (!path || !vs) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
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
    if (sel) {
        /* [N | offset=BYTES | sSECTOR] [,lv=NAME]  or  lv=NAME */
        char *s = (char *)sel;
        char *lvname = NULL;
        char *comma = strchr(s, ',');
        if (!strncmp(s, "lv=", 3)) {
            lvname = s + 3;
            s = NULL;
        } else if (comma && !strncmp(comma + 1, "lv=", 3)) {
            *comma = '\0';
            lvname = comma + 4;
        }
        uint64_t off = 0, num = 0;
        if (s && !strncmp(s, "offset=", 7) && parse_u64(s + 7, &off) == 0) {
            rc = ks_img_window(&h->part, h->disk, off, UINT64_MAX, err);
        } else if (s && s[0] == 's' && parse_u64(s + 1, &num) == 0 && num <= UINT64_MAX / 512) {
            rc = ks_img_window(&h->part, h->disk, num * 512, UINT64_MAX, err);
        } else if (s && parse_u64(s, &num) == 0 && num > 0) {
            rc = ks_vs_read(vs, h->disk, err);
            if (rc)
                goto done;
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
            h->part_no = p->index;
            rc = ks_img_window(&h->part, h->disk, p->start, p->size, err);
        } else if (s) {
            rc = KS_ERR(err, KS_EUSAGE,
                        "bad selector '@%s' (use @N, @offset=BYTES, @sSECTOR, @lv=NAME or "
                        "@N,lv=NAME)", sel);
        }
        if (rc)
            goto done;
        ks_img *base = h->part ? h->part : h->disk;
        if (lvname) {
            if (!ks_lvm_probe(base)) {
                rc = KS_ERR_AT(err, KS_ENOTFOUND, path, -1, (int64_t)ks_img_base(base),
                               "no LVM2 physical volume there");
                goto done;
            }
            rc = open_lv(h, base, lvname, NULL, err);
            if (rc)
                goto done;
        }
        h->vol = h->lv ? h->lv : base;
        rc = ks_fs_open(&h->fs, h->vol, err);
        goto done;
    }
    /* No selector: a file system at offset 0, else the one partition or logical volume
     * that holds one. */
    if (ks_fs_probe(h->disk, NULL)) {
        h->vol = h->disk;
        rc = ks_fs_open(&h->fs, h->vol, err);
        goto done;
    }
    unsigned found = 0;
    if (ks_lvm_probe(h->disk)) {
        ks_err lerr;
        ks_err_clear(&lerr);
        if (open_lv(h, h->disk, NULL, &found, &lerr) != 0) {
            if (err)
                *err = lerr;
            rc = lerr.code ? lerr.code : KS_ECORRUPT;
            goto done;
        }
    } else {
        ks_err verr;
        ks_err_clear(&verr);
        if (ks_vs_read(vs, h->disk, &verr) != 0) {
            rc = KS_ERR_AT(err, KS_EUNSUPPORTED, path, -1, 0,
                           "no known file system at offset 0 and no usable partition table "
                           "or LVM label (%s)", verr.msg);
            goto done;
        }
        for (unsigned i = 0; i < vs->n; i++) {
            ks_img *w = NULL;
            if (ks_img_window(&w, h->disk, vs->parts[i].start, vs->parts[i].size, NULL) != 0)
                continue;
            int keep = 0;
            if (ks_fs_probe(w, NULL)) {
                found++;
                keep = !h->part && !h->lv;
            } else if (ks_lvm_probe(w)) {
                unsigned before = found;
                ks_img *had = h->lv;
                open_lv(h, w, NULL, &found, NULL);
                keep = found > before && !had && h->lv;
            }
            if (keep && !h->part) {
                h->part = w;
                h->part_no = vs->parts[i].index;
            } else {
                ks_img_close(w);
            }
        }
    }
    if (found != 1) {
        rc = KS_ERR_AT(err, found ? KS_EUSAGE : KS_EUNSUPPORTED, path, -1, -1,
                       "%u partitions or logical volumes hold a known file system; name one "
                       "as IMAGE@N or IMAGE@lv=NAME (see 'kanshiki fs parts')", found);
        goto done;
    }
    h->vol = h->lv ? h->lv : h->part ? h->part : h->disk;
    rc = ks_fs_open(&h->fs, h->vol, err);
done:
    free(vs);
    free(path);
    if (rc)
        ks_fs_handle_close(h);
    return rc;
}
