/* ev_file.c — opening evidence read-only and reading it as a raw layer.
 *
 * Evidence is never written, locked, or touched: O_RDONLY, O_NOATIME when the kernel allows
 * it (it requires owning the file or CAP_FOWNER; EPERM means retry without), O_NONBLOCK so
 * that a FIFO swapped in after lstat cannot hang the walk (fstat then rejects it), and
 * O_NOFOLLOW for entries found inside directories unless symlinks are to be followed.
 */
#include "evidence/ev_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    ks_ev_fd *f = ctx;
    *out_n = 0;
    if (len > ((size_t)1 << 30))
        len = (size_t)1 << 30;
    for (int tries = 0;; tries++) {
        ssize_t n = read(f->fd, buf, len);
        if (n >= 0) {
            *out_n = (size_t)n;
            f->pos += (uint64_t)n;
            return 0;
        }
        if (errno == EINTR && tries < 100)
            continue;
        return KS_ERR_AT(err, KS_EIO, f->base.in.name, -1, (int64_t)f->pos, "read failed: %s",
                         strerror(errno));
    }
}

static void fd_destroy(ks_ev_layer *l)
{
    ks_ev_fd *f = (ks_ev_fd *)l;
    if (f->fd >= 0)
        close(f->fd);
    free(f);
}

int ks_ev_fd_new(ks_ev_fd **out, int fd, const char *name, ks_err *err)
{
    ks_ev_fd *f = calloc(1, sizeof *f);
    if (!f) {
        close(fd);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    f->fd = fd;
    f->base.in.read = fd_read;
    f->base.in.ctx = f;
    f->base.in.name = name;
    f->base.destroy = fd_destroy;
    /* Advice only: the page cache reads ahead harder; nothing on disk changes. */
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    *out = f;
    return 0;
}

int64_t ks_ev_fd_seek(ks_ev_fd *f, int64_t off, int whence)
{
    off_t r = lseek(f->fd, (off_t)off, whence);
    if (r < 0)
        return -1;
    f->pos = (uint64_t)r;
    return (int64_t)r;
}

const char *ks_ev_type_reason(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "not a regular file (FIFO)";
    if (S_ISSOCK(mode))
        return "not a regular file (socket)";
    if (S_ISCHR(mode))
        return "not a regular file (character device)";
    if (S_ISBLK(mode))
        return "not a regular file (block device)";
    if (S_ISLNK(mode))
        return "symbolic link (not followed)";
    if (S_ISDIR(mode))
        return "directory";
    return "not a regular file";
}

static int open_noatime(const char *path, int flags)
{
    int fd = open(path, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = open(path, flags);
    return fd;
}

static int open_error(ks_err *err, const char *path, const char *what)
{
    int e = errno;
    int code = (e == ENOENT || e == ENOTDIR) ? KS_ENOTFOUND : KS_EIO;
    return KS_ERR_AT(err, code, path, -1, -1, "cannot open %s: %s", what, strerror(e));
}

int ks_ev_open_file(int *out_fd, struct stat *out_st, const char **out_skip, const char *path,
                    bool follow, ks_err *err)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW);
    int fd = open_noatime(path, flags);
    struct stat st;
    if (fd < 0) {
        if (!follow && errno == ELOOP) {
            *out_skip = ks_ev_type_reason(S_IFLNK);
            return 1;
        }
        return open_error(err, path, "file");
    }
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot stat: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        *out_skip = ks_ev_type_reason(st.st_mode);
        return 1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        return KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot set blocking mode: %s", strerror(e));
    }
    *out_fd = fd;
    *out_st = st;
    return 0;
}

int ks_ev_open_dir(int *out_fd, struct stat *out_st, const char *path, bool follow, ks_err *err)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_DIRECTORY |
                (follow ? 0 : O_NOFOLLOW);
    int fd = open_noatime(path, flags);
    if (fd < 0)
        return open_error(err, path, "directory");
    if (fstat(fd, out_st) != 0) {
        int e = errno;
        close(fd);
        return KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot stat: %s", strerror(e));
    }
    *out_fd = fd;
    return 0;
}
