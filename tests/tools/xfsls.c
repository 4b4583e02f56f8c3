/* xfsls — test tool over the XFS reader (not part of the product).
 *
 *   xfsls IMAGE                 recursive walk: one line per path (root first)
 *   xfsls IMAGE --xattrs        ... plus one "xattr" line per attribute after each path
 *   xfsls IMAGE --inodes        every inode of every inode chunk (allocated and free)
 *   xfsls IMAGE --info          superblock summary
 *   xfsls IMAGE --cat PATH      file content (symlinks followed) to stdout
 *   xfsls IMAGE --stat PATH     one walk-style line for PATH (last symlink not followed)
 *   xfsls IMAGE --inode INO     one walk-style line for inode INO (path "-")
 *   xfsls IMAGE --ls PATH       directory entries in on-disk order: name ino ftype
 *
 * Walk line, tab-separated, in the field order of the kernel comparison in
 * tests/cli/xfs_vs_kernel.sh: path ino type(stat %F) mode(%a) uid gid nlink size atime mtime
 * ctime crtime (sec.nsec; "-" when the inode has none) target("-") sha256("-").
 * Warnings go to stderr as "warning: ..."; the exit status is 1 on any error, 2 on usage.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"
#include "fs/xfs/xfs.h"

typedef struct img {
    int fd;
} img;

static int read_at(void *ctx, uint64_t off, void *buf, size_t len, ks_err *err)
{
    img *im = ctx;
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(im->fd, p, len, (off_t)off);
        if (n <= 0)
            return KS_ERR(err, KS_EIO, "read failed at %" PRIu64, off);
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

static void warn_cb(void *ctx, const ks_err *w)
{
    (void)ctx;
    char b[1200];
    ks_err_format(w, b, sizeof b);
    fprintf(stderr, "warning: %s\n", b);
}

static void print_time(int64_t ns)
{
    int64_t s = ns / 1000000000, r = ns % 1000000000;
    if (r < 0) {
        r += 1000000000;
        s -= 1;
    }
    printf("%" PRId64 ".%09" PRId64, s, r);
}

static void print_esc(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

static ks_xfs *g_fs;
static int g_errors;
static int g_xattrs;
#define HASH_LIMIT ((uint64_t)4 << 30)

static void report(const char *what, const ks_err *e)
{
    char b[1200];
    ks_err_format(e, b, sizeof b);
    fprintf(stderr, "error: %s: %s\n", what, b);
    g_errors++;
}

static int xattr_cb(void *ctx, const ks_xfs_xattr *a)
{
    (void)ctx;
    char hex[65];
    ks_sha256 *h = NULL;
    if (ks_sha256_new(&h) < 0)
        return -1;
    ks_sha256_update(h, a->value, a->value_len);
    ks_sha256_final_hex(h, hex);
    ks_sha256_free(h);
    printf("xattr\t%s", ks_xfs_ns_prefix(a->ns));
    print_esc(a->name, a->name_len);
    printf("\t%zu\t%s%s\n", a->value_len, hex, a->incomplete ? "\tincomplete" : "");
    return 0;
}

static void print_entry(const char *path, uint64_t ino)
{
    ks_xfs_inode in;
    ks_err e;
    ks_err_clear(&e);
    if (ks_xfs_inode_read(g_fs, ino, &in, &e) < 0) {
        report(path, &e);
        return;
    }
    const char *tn = ks_xfs_type_name(in.type);
    if (in.type == KS_XFS_T_REG && in.size == 0)
        tn = "regular empty file";
    print_esc(path, strlen(path));
    printf("\t%" PRIu64 "\t%s\t%o\t%u\t%u\t%u\t%" PRIu64 "\t", in.ino, tn, in.mode & 07777,
           in.uid, in.gid, in.nlink, in.size);
    print_time(in.atime_ns);
    putchar('\t');
    print_time(in.mtime_ns);
    putchar('\t');
    print_time(in.ctime_ns);
    putchar('\t');
    if (in.has_crtime)
        print_time(in.crtime_ns);
    else
        putchar('-');
    putchar('\t');
    if (in.type == KS_XFS_T_LNK) {
        char t[1100];
        size_t tl;
        if (ks_xfs_readlink(g_fs, ino, t, sizeof t, &tl, &e) < 0) {
            report(path, &e);
            printf("?");
        } else {
            print_esc(t, tl);
        }
    } else {
        putchar('-');
    }
    putchar('\t');
    if (in.type == KS_XFS_T_REG) {
        ks_xfs_file *f = NULL;
        ks_sha256 *h = NULL;
        static uint8_t *buf;
        if (!buf)
            buf = malloc(1 << 20);
        int ok = 0;
        if (buf && ks_sha256_new(&h) == 0 && ks_xfs_file_open(&f, g_fs, ino, &e) == 0) {
            if (in.size > HASH_LIMIT) {
                KS_ERR(&e, KS_ELIMIT, "size %" PRIu64 " over the test tool's hash limit", in.size);
            } else {
                uint64_t off = 0;
                ok = 1;
                while (off < in.size) {
                    size_t n = 0;
                    if (ks_xfs_file_read(f, off, buf, 1 << 20, &n, &e) < 0 || n == 0) {
                        ok = 0;
                        break;
                    }
                    ks_sha256_update(h, buf, n);
                    off += n;
                }
            }
        }
        if (ok) {
            char hex[65];
            ks_sha256_final_hex(h, hex);
            printf("%s", hex);
        } else {
            report(path, &e);
            printf("?");
        }
        ks_xfs_file_close(f);
        ks_sha256_free(h);
    } else {
        putchar('-');
    }
    putchar('\n');
    if (g_xattrs && in.has_xattr_fork) {
        if (ks_xfs_xattr_list(g_fs, ino, xattr_cb, NULL, &e) < 0)
            report(path, &e);
    }
}

static int walk_cb(void *ctx, const char *path, const ks_xfs_dirent *d, int depth)
{
    (void)ctx;
    (void)depth;
    size_t n = strlen(path);
    char *p = malloc(n + 2);
    if (!p)
        return -1;
    p[0] = '/';
    memcpy(p + 1, path, n + 1);
    print_entry(p, d->ino);
    free(p);
    return 0;
}

static int ino_cb(void *ctx, uint64_t ino, bool allocated)
{
    (void)ctx;
    ks_xfs_inode in;
    ks_err e;
    ks_err_clear(&e);
    printf("%" PRIu64 "\t%s\t", ino, allocated ? "alloc" : "free");
    if (ks_xfs_inode_read(g_fs, ino, &in, &e) < 0) {
        printf("unreadable\t%s\n", e.msg);
        return 0;
    }
    printf("%o\t%u\t%" PRIu64 "\t", in.mode, in.nlink, in.size);
    print_time(in.atime_ns);
    putchar('\t');
    print_time(in.mtime_ns);
    putchar('\t');
    print_time(in.ctime_ns);
    printf("\t%" PRIu64 "\t%u\n", in.nextents, in.generation);
    return 0;
}

static int cat_file(const char *path, bool follow)
{
    uint64_t ino;
    ks_err e;
    ks_err_clear(&e);
    if (ks_xfs_lookup(g_fs, path, follow, &ino, &e) < 0) {
        report(path, &e);
        return 1;
    }
    if (!follow) {
        print_entry(path, ino);
        return g_errors ? 1 : 0;
    }
    ks_xfs_file *f = NULL;
    if (ks_xfs_file_open(&f, g_fs, ino, &e) < 0) {
        report(path, &e);
        return 1;
    }
    uint8_t buf[65536];
    uint64_t off = 0;
    for (;;) {
        size_t n = 0;
        if (ks_xfs_file_read(f, off, buf, sizeof buf, &n, &e) < 0) {
            report(path, &e);
            break;
        }
        if (n == 0)
            break;
        fwrite(buf, 1, n, stdout);
        off += n;
    }
    ks_xfs_file_close(f);
    return g_errors ? 1 : 0;
}

static int ls_cb(void *ctx, const ks_xfs_dirent *d)
{
    (void)ctx;
    print_esc(d->name, d->name_len);
    printf("\t%" PRIu64 "\t%u\n", d->ino, d->ftype);
    return 0;
}

/* Directory entries in on-disk order, "." and ".." included. */
static int list_dir(const char *path)
{
    uint64_t ino;
    ks_err e;
    ks_err_clear(&e);
    if (ks_xfs_lookup(g_fs, path, true, &ino, &e) < 0 ||
        ks_xfs_dir_list(g_fs, ino, ls_cb, NULL, &e) < 0) {
        report(path, &e);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: xfsls IMAGE [--xattrs|--inodes|--info|--cat PATH|--stat PATH]\n");
        return 2;
    }
    img im;
    im.fd = open(argv[1], O_RDONLY);
    if (im.fd < 0) {
        perror(argv[1]);
        return 1;
    }
    struct stat st;
    if (fstat(im.fd, &st) < 0) {
        perror(argv[1]);
        return 1;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(im.fd, 0, SEEK_END);
        size = end > 0 ? (uint64_t)end : 0;
    }
    ks_xfs_opts o = {argv[1], warn_cb, NULL, 0};
    ks_err e;
    ks_err_clear(&e);
    if (ks_xfs_open(&g_fs, read_at, &im, size, &o, &e) < 0) {
        report("open", &e);
        close(im.fd);
        return 1;
    }
    int rc = 0;
    const char *mode = argc > 2 ? argv[2] : "";
    if (!strcmp(mode, "--info")) {
        const ks_xfs_info *i = ks_xfs_info_get(g_fs);
        char u[33];
        ks_hex_encode(i->uuid, 16, u);
        printf("version %d\nblock_size %u\nsector_size %u\ninode_size %u\ndir_block_size %u\n"
               "ag_count %u\nag_blocks %u\ndata_blocks %" PRIu64 "\nroot_ino %" PRIu64
               "\nuuid %s\nlabel %s\ncrc %d\nbigtime %d\nnrext64 %d\nftype %d\nsparse %d\n"
               "reflink %d\nfinobt %d\nsb_crc_ok %d\n",
               i->version, i->block_size, i->sector_size, i->inode_size, i->dir_block_size,
               i->ag_count, i->ag_blocks, i->data_blocks, i->root_ino, u, i->label, i->crc,
               i->bigtime, i->nrext64, i->ftype, i->sparse_inodes, i->reflink, i->finobt,
               i->sb_crc_ok);
    } else if (!strcmp(mode, "--inodes")) {
        if (ks_xfs_inode_iter(g_fs, ino_cb, NULL, &e) < 0)
            report("inode iteration", &e);
    } else if (!strcmp(mode, "--cat") && argc > 3) {
        rc = cat_file(argv[3], true);
    } else if (!strcmp(mode, "--inode") && argc > 3) {
        print_entry("-", strtoull(argv[3], NULL, 10));
    } else if (!strcmp(mode, "--ls") && argc > 3) {
        rc = list_dir(argv[3]);
    } else if (!strcmp(mode, "--stat") && argc > 3) {
        rc = cat_file(argv[3], false);
    } else if (!*mode || !strcmp(mode, "--xattrs")) {
        g_xattrs = !strcmp(mode, "--xattrs");
        uint64_t root = ks_xfs_info_get(g_fs)->root_ino;
        print_entry("/", root);
        if (ks_xfs_walk(g_fs, root, 0, 0, walk_cb, NULL, &e) < 0)
            report("walk", &e);
    } else {
        fprintf(stderr, "xfsls: unknown mode %s\n", mode);
        rc = 2;
    }
    if (g_errors && rc == 0)
        rc = 1;
    ks_xfs_close(g_fs);
    close(im.fd);
    return rc;
}
