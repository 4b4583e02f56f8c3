#include "acquire/imgin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acquire/ewfin.h"
#include "acquire/zseek.h"

struct ks_imgin {
    int kind; /* 0 raw, 1 zstd, 2 ewf */
    char **paths;
    size_t npaths, cur;
    int fd;
    uint64_t off; /* content offset */
    uint64_t file_off;
    ks_zseek *z;
    ks_ewfin *e;
    uint64_t limit; /* 0 = none */
};

void ks_imgin_limit(ks_imgin *r, uint64_t bytes)
{
    r->limit = bytes;
}

int ks_imgin_open(ks_imgin **out, const char *format, char *const *paths, size_t npaths, ks_err *err)
{
    int rc = 0;
    ks_imgin *r = calloc(1, sizeof *r);
    if (!r)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    r->fd = -1;
    if (!npaths) {
        rc = KS_ERR(err, KS_EUSAGE, "the image has no files");
        goto done;
    }
    r->paths = calloc(npaths, sizeof *r->paths);
    if (!r->paths) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < npaths; i++) {
        /* names come from manifests and hash lists, which may be hostile: reading a FIFO or
         * /dev/zero named there would hang us */
        struct stat st;
        if (stat(paths[i], &st) == 0 && !S_ISREG(st.st_mode)) {
            rc = KS_ERR_AT(err, KS_EUNSUPPORTED, paths[i], -1, -1, "not a regular file: refusing to read it as an image");
            goto done;
        }
        if (!(r->paths[i] = strdup(paths[i]))) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        r->npaths = i + 1;
    }
    if (!strcmp(format, "raw")) {
        r->kind = 0;
        r->fd = open(paths[0], O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (r->fd < 0) {
            rc = KS_ERR_AT(err, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, paths[0], -1, -1,
                           "cannot open image: %s", strerror(errno));
            goto done;
        }
        posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    } else if (!strcmp(format, "zstd-seekable")) {
        r->kind = 1;
        if (npaths != 1) {
            rc = KS_ERR(err, KS_EUNSUPPORTED, "a zstd image is one file");
            goto done;
        }
        rc = ks_zseek_open(&r->z, paths[0], err);
    } else if (!strcmp(format, "ewf")) {
        r->kind = 2;
        rc = ks_ewfin_open(&r->e, paths, npaths, err);
    } else {
        rc = KS_ERR(err, KS_EUNSUPPORTED, "unknown image format '%s'", format);
    }
done:
    if (rc) {
        ks_imgin_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int ks_imgin_read(ks_imgin *r, void *buf, size_t n, size_t *got, ks_err *err)
{
    int rc = 0;
    *got = 0;
    if (r->kind == 1) {
        rc = ks_zseek_pread(r->z, buf, n, r->off, got, err);
        r->off += *got;
        return rc;
    }
    if (r->kind == 2) {
        if (r->limit) {
            if (r->off >= r->limit)
                return 0;
            if (n > r->limit - r->off)
                n = (size_t)(r->limit - r->off);
        }
        rc = ks_ewfin_read(r->e, buf, n, got, err);
        r->off += *got;
        return rc;
    }
    uint8_t *b = buf;
    while (*got < n) {
        ssize_t x = read(r->fd, b + *got, n - *got);
        if (x < 0) {
            if (errno == EINTR)
                continue;
            return KS_ERR_AT(err, KS_EIO, r->paths[r->cur], -1, (int64_t)r->file_off, "read failed: %s",
                             strerror(errno));
        }
        if (x == 0) {
            if (r->cur + 1 >= r->npaths)
                break;
            close(r->fd);
            r->cur++;
            r->file_off = 0;
            r->fd = open(r->paths[r->cur], O_RDONLY | O_CLOEXEC | O_NOCTTY);
            if (r->fd < 0)
                return KS_ERR_AT(err, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, r->paths[r->cur], -1, -1,
                                 "cannot open image piece: %s", strerror(errno));
            continue;
        }
        *got += (size_t)x;
        r->file_off += (uint64_t)x;
    }
    r->off += *got;
    return 0;
}

void ks_imgin_close(ks_imgin *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    ks_zseek_close(r->z);
    ks_ewfin_close(r->e);
    for (size_t i = 0; i < r->npaths; i++)
        free(r->paths[i]);
    free(r->paths);
    free(r);
}
