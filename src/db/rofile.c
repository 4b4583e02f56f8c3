#include "db/rofile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ks_rofile_open(ks_rofile *f, const char *path, ks_err *err)
{
    f->fd = -1;
    f->size = 0;
    f->path = path;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return KS_ERR_AT(err, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, path, -1, -1,
                         "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        close(fd);
        return KS_ERR_AT(err, KS_EIO, path, -1, -1, "not a regular file%s%s", e ? ": " : "",
                         e ? strerror(e) : "");
    }
    f->fd = fd;
    f->size = (uint64_t)st.st_size;
    return 0;
}

void ks_rofile_close(ks_rofile *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

int ks_rofile_read(void *vf, uint64_t off, void *buf, size_t n, size_t *out_got)
{
    ks_rofile *f = vf;
    size_t got = 0;
    for (size_t guard = 0; got < n && guard < 1000000; guard++) {
        ssize_t r = pread(f->fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            *out_got = got;
            return KS_EIO;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    *out_got = got;
    return 0;
}
