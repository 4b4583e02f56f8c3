/* fuzz_ext4.c — the ext2/3/4 metadata parser on arbitrary bytes: open, info, a full walk
 * with deleted names and orphans, and for every inode met: stat, xattrs, readlink and a
 * bounded content read. Properties: no crash, reads never report more than requested,
 * every failure carries a status and a message. The journal scan runs too.
 * Seeds: scripts/fs-fuzz-seeds.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext4/journal.h"
#include "fs/fs.h"
#include "fs/walk.h"

static uint8_t buf[8192];

static int xa_cb(void *ud, const char *name, const uint8_t *v, size_t n)
{
    (void)ud;
    if (!name || (n && !v))
        abort();
    return 0;
}

static int walk_cb(void *ud, const ks_fs_walk_entry *e)
{
    ks_fs *fs = ud;
    /* names may hold NUL bytes (hostile directory records): consumers use path_len */
    if (!e->path || e->path_len < strlen(e->path) || e->path[e->path_len] != '\0')
        abort();
    if (!e->st)
        return 0;
    ks_err err;
    ks_err_clear(&err);
    size_t got = 0;
    if (e->st->type == KS_FT_REG) {
        int rc = ks_fs_read(fs, e->st->ino, 0, buf, sizeof buf, &got, &err);
        if (rc == 0 && got > sizeof buf)
            abort();
        if (rc != 0 && (err.code == 0 || !err.msg[0]))
            abort();
    }
    if (e->st->type == KS_FT_LNK) {
        ks_buf b;
        ks_buf_init(&b, 1 << 20);
        ks_fs_readlink(fs, e->st->ino, &b, &err);
        ks_buf_free(&b);
    }
    ks_fs_xattrs(fs, e->st->ino, xa_cb, NULL, &err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_img *img = NULL;
    ks_fs *fs = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_img_mem(&img, data, size, "fuzz", &err) != 0)
        return 0;
    if (ks_fs_open(&fs, img, &err) == 0) {
        ks_fs_info info;
        ks_fs_get_info(fs, &info);
        ks_fs_walk_opts o = {true, true, true, 0, false};
        ks_fs_walk(fs, info.root_ino, "/", &o, walk_cb, fs, &err);
        if (ks_ext4_has_journal(fs)) {
            ks_jbd2_info ji;
            ks_jbd2_cbs cbs = {NULL, NULL, NULL};
            ks_ext4_journal_scan(fs, &ji, &cbs, &err);
        }
        ks_fs_close(fs);
    } else if (err.code == 0) {
        abort();
    }
    ks_img_close(img);
    return 0;
}
