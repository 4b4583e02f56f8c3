/* extract.c — see extract.h. */
#include "fs/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"
#include "fs/walk.h"

#define EXTRACT_CHUNK (1u << 20)
#define EXTRACT_NAME_MAX 200

int ks_extract_safe_name(ks_buf *out, const char *name, size_t n)
{
    static const char hx[] = "0123456789ABCDEF";
    int rc = 0;
    size_t start = out->len;
    if ((n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.'))
        return ks_buf_puts(out, n == 1 ? "%2E" : "%2E%2E");
    if (n == 0)
        return ks_buf_puts(out, "%00");
    for (size_t i = 0; i < n && !rc; i++) {
        unsigned char c = (unsigned char)name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 strchr("._+,=@~-", c) != NULL;
        if (c == 0)
            ok = 0;
        if (ok) {
            rc = ks_buf_putc(out, (char)c);
        } else {
            char t[3] = {'%', hx[c >> 4], hx[c & 15]};
            rc = ks_buf_append(out, t, 3);
        }
        if (out->len - start > EXTRACT_NAME_MAX) {
            out->len = start + EXTRACT_NAME_MAX;
            out->data[out->len] = '\0';
            rc = ks_buf_puts(out, "~cut");
            break;
        }
    }
    return rc;
}

static int json_str(ks_buf *b, const char *s, size_t n)
{
    int rc = ks_buf_putc(b, '"');
    for (size_t i = 0; i < n && !rc; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char t[2] = {'\\', (char)c};
            rc = ks_buf_append(b, t, 2);
        } else if (c < 0x20 || c == 0x7f || c >= 0x80) {
            /* raw bytes from the image are not necessarily UTF-8: keep them exact as
             * \u00XX (each byte a code point; the manifest says "bytes") */
            rc = ks_buf_printf(b, "\\u%04x", c);
        } else {
            rc = ks_buf_putc(b, (char)c);
        }
    }
    if (!rc)
        rc = ks_buf_putc(b, '"');
    return rc;
}

typedef struct ex_ctx {
    ks_fs *fs;
    const ks_extract_opts *o;
    ks_extract_stats *stats;
    int dirfds[KS_WALK_MAX_DEPTH + 2]; /* [d] = directory holding entries of depth d */
    int manifest;
    ks_buf line, name;
    uint8_t *chunk;
    int first_err;
    ks_err e1;
} ex_ctx;

static void ex_note(ex_ctx *x, int rc, const ks_err *e)
{
    x->stats->errors++;
    if (!x->first_err) {
        x->first_err = rc;
        if (e)
            x->e1 = *e;
    }
}

static int put_times(ks_buf *b, const ks_fs_inode *st)
{
    const ks_fs_time *t[4] = {&st->atime, &st->mtime, &st->ctime, &st->crtime};
    static const char *const k[4] = {"atime", "mtime", "ctime", "crtime"};
    int rc = 0;
    for (int i = 0; i < 4 && !rc; i++) {
        char iso[64];
        ks_fs_time_iso(t[i], iso, sizeof iso);
        if (t[i]->set)
            rc = ks_buf_printf(b, ",\"%s\":\"%s\"", k[i], iso);
        else
            rc = ks_buf_printf(b, ",\"%s\":null", k[i]);
    }
    return rc;
}

/* Copies the content of st into fd, hashing it. */
static int copy_out(ex_ctx *x, const ks_fs_inode *st, int fd, char hex[65], ks_err *err)
{
    ks_sha256 *h = NULL;
    int rc = ks_sha256_new(&h);
    if (rc)
        return KS_ERR(err, rc, "out of memory");
    uint64_t off = 0;
    while (off < st->size) {
        size_t want = st->size - off < EXTRACT_CHUNK ? (size_t)(st->size - off) : EXTRACT_CHUNK;
        size_t got = 0;
        rc = ks_fs_read(x->fs, st->ino, off, x->chunk, want, &got, err);
        if (rc)
            goto done;
        if (got == 0)
            break;
        ks_sha256_update(h, x->chunk, got);
        size_t w = 0;
        while (w < got) {
            ssize_t k = write(fd, x->chunk + w, got - w);
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                rc = KS_ERR(err, KS_EIO, "write failed: %s", strerror(errno));
                goto done;
            }
            w += (size_t)k;
        }
        off += got;
        x->stats->bytes += got;
    }
    ks_sha256_final_hex(h, hex);
done:
    ks_sha256_free(h);
    return rc;
}

static int ex_cb(void *ud, const ks_fs_walk_entry *e)
{
    ex_ctx *x = ud;
    const ks_fs_inode *st = e->st;
    ks_err fe;
    ks_err_clear(&fe);
    int rc = 0, frc = 0;
    unsigned d = e->depth;
    if (d > KS_WALK_MAX_DEPTH || x->dirfds[d] < 0)
        return 0; /* parent could not be created: already reported */
    int parent = x->dirfds[d];
    /* base name of the path */
    size_t b = e->path_len;
    while (b > 0 && e->path[b - 1] != '/')
        b--;
    const char *bn = e->path + b;
    size_t bl = e->path_len - b;
    if (e->de) { /* the record's own name: the path may hold an escaped '/' */
        bn = e->de->name;
        bl = e->de->name_len;
    }
    if (bl == 0) {
        bn = "root";
        bl = 4;
    }
    ks_buf_reset(&x->name);
    rc = ks_extract_safe_name(&x->name, bn, bl);
    if (!rc && e->deleted && st)
        rc = ks_buf_printf(&x->name, ".deleted-%llu", (unsigned long long)st->ino);
    if (rc)
        return rc;
    char hex[65] = "";
    const char *kind = st ? ks_fs_ftype_name(st->type) : "unknown";
    ks_buf target;
    ks_buf_init(&target, 1 << 16);
    int made = 0;
    if (x->dirfds[d + 1] >= 0) {
        close(x->dirfds[d + 1]);
        x->dirfds[d + 1] = -1;
    }
    if (!st) {
        x->stats->others++;
    } else if (st->type == KS_FT_DIR && !e->deleted) {
        if (mkdirat(parent, x->name.data, 0700) != 0 && errno != EEXIST) {
            frc = KS_ERR(&fe, KS_EIO, "mkdir failed: %s", strerror(errno));
        } else {
            int fd = openat(parent, x->name.data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                frc = KS_ERR(&fe, KS_EIO, "cannot open created directory: %s", strerror(errno));
            else
                x->dirfds[d + 1] = fd;
            made = 1;
            x->stats->dirs++;
        }
    } else if (st->type == KS_FT_REG) {
        int fd = openat(parent, x->name.data,
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            frc = KS_ERR(&fe, KS_EIO, "cannot create file: %s", strerror(errno));
        } else {
            frc = copy_out(x, st, fd, hex, &fe);
            if (st->atime.set && st->mtime.set) {
                struct timespec ts[2] = {{(time_t)st->atime.sec, (long)st->atime.nsec},
                                         {(time_t)st->mtime.sec, (long)st->mtime.nsec}};
                if (ts[0].tv_nsec < 1000000000L && ts[1].tv_nsec < 1000000000L)
                    (void)futimens(fd, ts);
            }
            close(fd);
            made = 1;
            x->stats->files++;
        }
    } else {
        if (st->type == KS_FT_LNK) {
            ks_err le;
            ks_err_clear(&le);
            if (ks_fs_readlink(x->fs, st->ino, &target, &le) != 0)
                frc = KS_ERR(&fe, le.code, "%s", le.msg);
        }
        x->stats->others++;
    }
    if (frc && frc != KS_ENOMEM)
        ex_note(x, frc, &fe);
    /* manifest line */
    ks_buf_reset(&x->line);
    rc = ks_buf_puts(&x->line, "{\"path\":");
    if (!rc)
        rc = json_str(&x->line, e->path, e->path_len);
    if (!rc && made) {
        rc = ks_buf_puts(&x->line, ",\"extracted_as\":");
        if (!rc)
            rc = json_str(&x->line, x->name.data, x->name.len);
    }
    if (!rc)
        rc = ks_buf_printf(&x->line, ",\"type\":\"%s\",\"deleted\":%s", kind,
                           e->deleted ? "true" : "false");
    if (!rc && st)
        rc = ks_buf_printf(&x->line,
                           ",\"inode\":%llu,\"mode\":\"0%o\",\"uid\":%u,\"gid\":%u,\"size\":%llu",
                           (unsigned long long)st->ino, st->mode & 07777, st->uid, st->gid,
                           (unsigned long long)st->size);
    if (!rc && st)
        rc = put_times(&x->line, st);
    if (!rc && hex[0] && !frc)
        rc = ks_buf_printf(&x->line, ",\"sha256\":\"%s\"", hex);
    if (!rc && target.len) {
        rc = ks_buf_puts(&x->line, ",\"link_target\":");
        if (!rc)
            rc = json_str(&x->line, target.data, target.len);
    }
    if (!rc && frc) {
        rc = ks_buf_puts(&x->line, ",\"error\":");
        if (!rc)
            rc = json_str(&x->line, fe.msg, strlen(fe.msg));
    }
    if (!rc)
        rc = ks_buf_puts(&x->line, "}\n");
    ks_buf_free(&target);
    if (rc)
        return rc;
    size_t w = 0;
    while (w < x->line.len) {
        ssize_t k = write(x->manifest, x->line.data + w, x->line.len - w);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return KS_EIO;
        }
        w += (size_t)k;
    }
    return frc == KS_ENOMEM ? KS_ENOMEM : 0;
}

int ks_fs_extract(ks_fs *fs, const char *path, const char *dest_dir, const ks_extract_opts *o,
                  ks_extract_stats *stats, ks_err *err)
{
    ex_ctx x;
    int rc = 0;
    memset(&x, 0, sizeof x);
    memset(stats, 0, sizeof *stats);
    x.fs = fs;
    x.o = o;
    x.stats = stats;
    x.manifest = -1;
    for (size_t i = 0; i < KS_WALK_MAX_DEPTH + 2; i++)
        x.dirfds[i] = -1;
    ks_buf_init(&x.line, 1 << 22);
    ks_buf_init(&x.name, 4096);
    ks_err_clear(&x.e1);
    x.chunk = malloc(EXTRACT_CHUNK);
    if (!x.chunk) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    uint64_t ino = 0;
    rc = ks_fs_lookup(fs, path, false, &ino, err);
    if (rc)
        goto done;
    if (mkdir(dest_dir, 0700) != 0 && errno != EEXIST) {
        rc = KS_ERR_AT(err, KS_EIO, dest_dir, -1, -1, "cannot create target directory: %s",
                       strerror(errno));
        goto done;
    }
    x.dirfds[0] = open(dest_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (x.dirfds[0] < 0) {
        rc = KS_ERR_AT(err, KS_EIO, dest_dir, -1, -1, "cannot open target directory: %s",
                       strerror(errno));
        goto done;
    }
    x.manifest = openat(x.dirfds[0], KS_EXTRACT_MANIFEST,
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (x.manifest < 0) {
        rc = KS_ERR_AT(err, KS_EUSAGE, dest_dir, -1, -1,
                       "cannot create %s (extract into a new directory): %s",
                       KS_EXTRACT_MANIFEST, strerror(errno));
        goto done;
    }
    /* the start item arrives at depth 0 and is created in dest (dirfds[0]) */
    ks_fs_walk_opts wo = {o->deleted, false, true, KS_WALK_MAX_DEPTH, false};
    rc = ks_fs_walk(fs, ino, path[0] == '/' ? path : "/", &wo, ex_cb, &x, err);
    if (rc > 0)
        rc = KS_ERR(err, rc, "extract stopped");
    if (rc == 0 && x.first_err) {
        rc = x.first_err;
        if (err)
            *err = x.e1;
    }
done:
    for (size_t i = 0; i < KS_WALK_MAX_DEPTH + 2; i++)
        if (x.dirfds[i] >= 0)
            close(x.dirfds[i]);
    if (x.manifest >= 0)
        close(x.manifest);
    free(x.chunk);
    ks_buf_free(&x.line);
    ks_buf_free(&x.name);
    return rc;
}
