/* ev_hash.c — SHA-256 and size of an evidence file as it is on disk, read the same careful
 * way as the walker reads it (read-only, no atime update, never blocking on a FIFO). */
#include "evidence/ev_internal.h"
#include "evidence/evidence.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hash.h"

int ks_evidence_hash(const char *path, char hex[65], uint64_t *out_size, ks_err *err)
{
    int rc = 0, fd = -1;
    struct stat st;
    const char *skip = NULL;
    ks_sha256 *h = NULL;
    uint8_t *buf = NULL;
    uint64_t total = 0;

    rc = ks_ev_open_file(&fd, &st, &skip, path, true, err);
    if (rc == 1) {
        rc = KS_ERR_AT(err, KS_EUNSUPPORTED, path, -1, -1, "%s", skip);
        goto done;
    }
    if (rc != 0)
        goto done;
    if (!(buf = malloc(KS_EV_BUFSZ)) || ks_sha256_new(&h) != 0) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    /* Bounded by the file: each pass reads >= 1 byte or ends (EINTR retries capped). */
    for (int eintr = 0;;) {
        ssize_t n = read(fd, buf, KS_EV_BUFSZ);
        if (n < 0 && errno == EINTR && ++eintr < 100)
            continue;
        if (n < 0) {
            rc = KS_ERR_AT(err, KS_EIO, path, -1, (int64_t)total, "read failed: %s",
                           strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        ks_sha256_update(h, buf, (size_t)n);
        total += (uint64_t)n;
    }
    ks_sha256_final_hex(h, hex);
    if (out_size)
        *out_size = total;
done:
    ks_sha256_free(h);
    free(buf);
    if (fd >= 0)
        close(fd);
    return rc;
}
