#include "acquire/imgout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acquire/ewfout.h"
#include "acquire/zseek.h"
#include "core/buf.h"

#define MAX_FILES 100000

struct ks_imgout {
    ks_imgout_opts o;
    int fd;
    uint64_t in_file;  /* bytes in the current raw file */
    uint64_t written;  /* image bytes accepted by the files */
    char **files;
    size_t nfiles;
    ks_zseek_w *zw;
    ks_ewfout *ew;
    bool closed;
};

const char *ks_img_format_name(ks_img_format f)
{
    switch (f) {
    case KS_IMG_RAW: return "raw";
    case KS_IMG_ZSTD: return "zstd-seekable";
    case KS_IMG_EWF: return "ewf";
    default: return "?";
    }
}

static int add_file(ks_imgout *w, const char *name, ks_err *err)
{
    char **f = realloc(w->files, (w->nfiles + 1) * sizeof *f);
    if (!f)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    w->files = f;
    f[w->nfiles] = strdup(name);
    if (!f[w->nfiles])
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    w->nfiles++;
    return 0;
}

static int finish_fd(ks_imgout *w, ks_err *err)
{
    int rc = 0;
    if (w->fd < 0)
        return 0;
    const char *name = w->nfiles ? w->files[w->nfiles - 1] : w->o.path;
    if (w->o.sync && fsync(w->fd) != 0)
        rc = KS_ERR_AT(err, KS_EIO, name, -1, -1, "fsync failed: %s", strerror(errno));
    fchmod(w->fd, 0444); /* evidence copies are not edited in place */
    if (close(w->fd) != 0 && !rc)
        rc = KS_ERR_AT(err, KS_EIO, name, -1, -1, "close failed: %s", strerror(errno));
    w->fd = -1;
    return rc;
}

static int open_next(ks_imgout *w, ks_err *err)
{
    char name[4096];
    if (w->o.split_size) {
        if (w->nfiles >= MAX_FILES - 1)
            return KS_ERR(err, KS_ELIMIT, "too many split files (use a larger --split)");
        snprintf(name, sizeof name, "%s.%03zu", w->o.path, w->nfiles + 1);
    } else {
        snprintf(name, sizeof name, "%s", w->o.path);
    }
    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0)
        return KS_ERR_AT(err, errno == EEXIST ? KS_EEXIST : KS_EIO, name, -1, -1,
                         "cannot create output: %s%s", strerror(errno),
                         errno == EEXIST ? " (kanshiki never overwrites; remove it or pick another name)" : "");
    int rc = add_file(w, name, err);
    if (rc) {
        close(fd);
        return rc;
    }
    w->fd = fd;
    w->in_file = 0;
    return 0;
}

int ks_imgout_open(ks_imgout **out, const ks_imgout_opts *o, ks_err *err)
{
    int rc = 0;
    ks_imgout *w = calloc(1, sizeof *w);
    if (!w)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    w->o = *o;
    w->fd = -1;
    switch (o->format) {
    case KS_IMG_RAW:
        rc = open_next(w, err);
        break;
    case KS_IMG_ZSTD:
        if (o->split_size) {
            rc = KS_ERR(err, KS_EUSAGE, "--split is for raw and E01 output");
            break;
        }
        if ((rc = open_next(w, err)) != 0)
            break;
        rc = ks_zseek_w_new(&w->zw, w->fd, w->files[0], o->zstd_level ? o->zstd_level : 3,
                            o->zstd_frame ? o->zstd_frame : KS_ZSEEK_DEFAULT_FRAME, err);
        break;
    case KS_IMG_EWF:
        rc = ks_ewfout_open(&w->ew, o, err);
        break;
    default:
        rc = KS_ERR(err, KS_EUSAGE, "unknown image format");
    }
    if (rc) {
        if (w->fd >= 0) {
            close(w->fd);
            w->fd = -1;
            /* we created it a moment ago and it holds nothing */
            if (w->nfiles)
                unlink(w->files[0]);
        }
        ks_imgout_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

static int write_all(ks_imgout *w, const uint8_t *p, size_t n, ks_err *err)
{
    while (n) {
        ssize_t r = write(w->fd, p, n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            return KS_ERR_AT(err, KS_EIO, w->files[w->nfiles - 1], -1, (int64_t)w->in_file,
                             "%s: %s (image offset %llu)",
                             e == ENOSPC || e == EFBIG || e == EDQUOT ? "output full" : "write failed",
                             strerror(e), (unsigned long long)w->written);
        }
        p += r;
        n -= (size_t)r;
        w->in_file += (uint64_t)r;
        w->written += (uint64_t)r;
    }
    return 0;
}

int ks_imgout_write(ks_imgout *w, const uint8_t *p, size_t n, ks_err *err)
{
    int rc = 0;
    switch (w->o.format) {
    case KS_IMG_ZSTD:
        rc = ks_zseek_w_write(w->zw, p, n, err);
        w->written = ks_zseek_w_committed(w->zw);
        return rc;
    case KS_IMG_EWF:
        rc = ks_ewfout_write(w->ew, p, n, err);
        w->written = ks_ewfout_written(w->ew);
        return rc;
    default:
        break;
    }
    while (n) {
        size_t take = n;
        if (w->o.split_size) {
            if (w->in_file == w->o.split_size) {
                if ((rc = finish_fd(w, err)) != 0 || (rc = open_next(w, err)) != 0)
                    return rc;
            }
            uint64_t room = w->o.split_size - w->in_file;
            if (take > room)
                take = (size_t)room;
        }
        if ((rc = write_all(w, p, take, err)) != 0)
            return rc;
        p += take;
        n -= take;
    }
    return 0;
}

int ks_imgout_set_hashes(ks_imgout *w, const char *md5, const char *sha1, ks_err *err)
{
    if (w->o.format != KS_IMG_EWF)
        return 0;
    return ks_ewfout_set_hashes(w->ew, md5, sha1, err);
}

int ks_imgout_close(ks_imgout *w, ks_err *err)
{
    int rc = 0;
    if (w->closed)
        return 0;
    w->closed = true;
    if (w->zw) {
        rc = ks_zseek_w_close(w->zw, err);
        w->written = ks_zseek_w_committed(w->zw);
    }
    if (w->ew) {
        rc = ks_ewfout_close(w->ew, err);
        w->written = ks_ewfout_written(w->ew);
        for (size_t i = 0; i < ks_ewfout_nfiles(w->ew); i++)
            if (!rc)
                rc = add_file(w, ks_ewfout_file(w->ew, i), err);
    }
    int rc2 = finish_fd(w, rc ? NULL : err);
    return rc ? rc : rc2;
}

uint64_t ks_imgout_written(const ks_imgout *w)
{
    return w->written;
}

size_t ks_imgout_files(const ks_imgout *w, const char *const **names)
{
    *names = (const char *const *)w->files;
    return w->nfiles;
}

void ks_imgout_free(ks_imgout *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    ks_zseek_w_free(w->zw);
    ks_ewfout_free(w->ew);
    for (size_t i = 0; i < w->nfiles; i++)
        free(w->files[i]);
    free(w->files);
    free(w);
}
