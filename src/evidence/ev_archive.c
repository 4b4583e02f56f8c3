/* ev_archive.c — zip and tar archives through libarchive, read from our own stream layers.
 *
 * libarchive never opens a file itself: it pulls bytes through read_cb from a ks_input
 * (already decompressed by our layers, so "tar+gzip" damage is reported by our gzip layer
 * with its compressed offset), or, for an archive that is a raw file on disk, straight from
 * the file descriptor with a seek callback so that zip can use its central directory.
 * Only the zip and tar formats are enabled and no libarchive filters: anything else is not
 * an archive to us. Entry names are untrusted text; nothing is ever extracted or written.
 */
#include "evidence/ev_internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ks_ev_arch {
    struct archive *a;
    ks_ev_kind kind;
    ks_input *in;       /* the archive's bytes (not owned) */
    ks_ev_fd *seek_fd;  /* or the raw file (not owned) */
    uint8_t *buf;
    int in_rc;          /* an error from `in`, kept to report instead of libarchive's */
    ks_err in_err;
    bool dead;          /* libarchive returned ARCHIVE_FATAL: no more entries */
    ks_input data;      /* the current entry's content */
    uint64_t data_off;  /* bytes of the current entry delivered */
    const uint8_t *blk; /* the current data block (libarchive's buffer) */
    size_t blk_len, blk_pos;
    int64_t blk_off;    /* entry offset of blk[0] (sparse entries have holes) */
    const char *inner;
    const char *name;   /* the archive's display path */
};

static la_ssize_t read_cb(struct archive *a, void *client, const void **out)
{
    ks_ev_arch *x = client;
    size_t n = 0;
    *out = x->buf;
    if (x->in_rc)
        return -1;
    if (x->seek_fd) {
        ssize_t r;
        do {
            r = read(x->seek_fd->fd, x->buf, KS_EV_BUFSZ);
        } while (r < 0 && errno == EINTR);
        if (r < 0) {
            x->in_rc = KS_ERR_AT(&x->in_err, KS_EIO, x->name, -1, (int64_t)x->seek_fd->pos,
                                 "read failed: %s", strerror(errno));
            archive_set_error(a, EIO, "read failed");
            return -1;
        }
        x->seek_fd->pos += (uint64_t)r;
        return r;
    }
    ks_err_clear(&x->in_err);
    int rc = x->in->read(x->in->ctx, x->buf, KS_EV_BUFSZ, &n, &x->in_err);
    if (rc != 0) {
        x->in_rc = rc;
        archive_set_error(a, EIO, "the archive's stream failed");
        return -1;
    }
    return (la_ssize_t)n;
}

static la_int64_t seek_cb(struct archive *a, void *client, la_int64_t off, int whence)
{
    ks_ev_arch *x = client;
    int64_t r = ks_ev_fd_seek(x->seek_fd, off, whence);
    return r < 0 ? ARCHIVE_FATAL : r;
}

/* The error for a failure libarchive reported: our stream's own error if it was the cause
 * (it carries the precise compressed offset), else libarchive's words and the position. */
static int arch_error(ks_ev_arch *x, ks_err *err, const char *file, const char *what)
{
    if (x->in_rc) {
        if (err)
            *err = x->in_err;
        return x->in_rc;
    }
    const char *why = archive_error_string(x->a);
    int64_t off = archive_filter_bytes(x->a, 0);
    if (x->inner)
        return KS_ERR_AT(err, KS_ECORRUPT, file, -1, off,
                         "%s: %s in member \"%s\" near archive offset %lld after %llu bytes "
                         "of it: %s",
                         ks_ev_kind_name(x->kind), what, x->inner, (long long)off,
                         (unsigned long long)x->data_off, why ? why : "unknown error");
    return KS_ERR_AT(err, KS_ECORRUPT, file, -1, off, "%s: %s near archive offset %lld: %s",
                     ks_ev_kind_name(x->kind), what, (long long)off,
                     why ? why : "unknown error");
}

/* Entry data through archive_read_data_block, not archive_read_data: the latter drops the
 * bytes it already copied when a later block fails, and we deliver everything before damage.
 * Holes of sparse entries read as zeros, like archive_read_data does. */
static int data_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    ks_ev_arch *x = ctx;
    *out_n = 0;
    if (x->dead || !x->inner || len == 0)
        return 0;
    /* Empty blocks carry no bytes (a sparse entry's final hole, for instance); a hostile
     * archive must not keep us here, so their number is capped. */
    for (int empty = 0; x->blk_pos >= x->blk_len; empty++) {
        const void *b = NULL;
        size_t n = 0;
        la_int64_t off = 0;
        int r = archive_read_data_block(x->a, &b, &n, &off);
        if (r == ARCHIVE_EOF) {
            x->inner = NULL;
            return 0;
        }
        if (r < ARCHIVE_OK || empty > 1000) {
            if (r == ARCHIVE_FATAL)
                x->dead = true;
            int rc = arch_error(x, err, x->data.name, "cannot read data");
            x->inner = NULL; /* the entry is finished for us */
            return rc;
        }
        x->blk = b;
        x->blk_len = b ? n : 0;
        x->blk_pos = 0;
        x->blk_off = off < 0 ? (int64_t)x->data_off : off;
        if ((uint64_t)x->blk_off > x->data_off)
            break; /* a hole before this block: zeros first */
    }
    uint64_t next = (uint64_t)x->blk_off + x->blk_pos;
    size_t n;
    if (next > x->data_off) {
        uint64_t gap = next - x->data_off;
        n = gap < len ? (size_t)gap : len;
        memset(buf, 0, n);
    } else {
        n = x->blk_len - x->blk_pos;
        if (n > len)
            n = len;
        memcpy(buf, x->blk + x->blk_pos, n);
        x->blk_pos += n;
    }
    x->data_off += n;
    *out_n = n;
    return 0;
}

int ks_ev_arch_open(ks_ev_arch **out, ks_ev_kind kind, ks_input *in, ks_ev_fd *seek_fd,
                    const char *name, ks_err *err)
{
    int rc = 0;
    ks_ev_arch *x = calloc(1, sizeof *x);
    if (!x || !(x->buf = malloc(KS_EV_BUFSZ)) || !(x->a = archive_read_new())) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    x->kind = kind;
    x->in = in;
    x->seek_fd = seek_fd;
    x->name = name;
    x->data.read = data_read;
    x->data.ctx = x;
    x->data.name = name;
    int r = kind == KS_EV_ZIP ? archive_read_support_format_zip(x->a)
                              : archive_read_support_format_tar(x->a);
    if (r != ARCHIVE_OK) {
        rc = KS_ERR_AT(err, KS_EUNSUPPORTED, name, -1, -1, "libarchive lacks %s support",
                       ks_ev_kind_name(kind));
        goto done;
    }
    if (seek_fd) {
        if (ks_ev_fd_seek(seek_fd, 0, SEEK_SET) != 0) {
            rc = KS_ERR_AT(err, KS_EIO, name, -1, 0, "cannot seek: %s", strerror(errno));
            goto done;
        }
        archive_read_set_seek_callback(x->a, seek_cb);
    }
    archive_read_set_read_callback(x->a, read_cb);
    archive_read_set_callback_data(x->a, x);
    if (archive_read_open1(x->a) != ARCHIVE_OK) {
        rc = arch_error(x, err, x->name, "cannot open archive");
        goto done;
    }
    *out = x;
    x = NULL;
done:
    ks_ev_arch_free(x);
    return rc;
}

/* At the archive's end: libarchive stops at the end-of-archive marker, but the stream under
 * it may still hold a compression trailer (CRC), damage, or trailing data. Read it to its
 * end so that nothing after the last entry is lost silently. */
static int arch_finish(ks_ev_arch *x, ks_err *err)
{
    x->dead = true;
    if (x->in_rc) {
        if (err)
            *err = x->in_err;
        return x->in_rc;
    }
    if (x->seek_fd)
        return KS_EOF; /* a raw file: nothing under it to verify */
    /* Bounded: every read returns bytes of a finite stream (its peek enforces the size
     * limit), or ends, or fails. */
    for (;;) {
        size_t n = 0;
        int rc = x->in->read(x->in->ctx, x->buf, KS_EV_BUFSZ, &n, err);
        if (rc != 0)
            return rc;
        if (n == 0)
            return KS_EOF;
    }
}

int ks_ev_arch_next(ks_ev_arch *x, const char **out_inner, ks_input **out_data,
                    const char **out_skip_reason, ks_err *err)
{
    x->inner = NULL;
    x->data.name = x->name; /* the previous member's display path is gone */
    x->data_off = 0;
    x->blk = NULL;
    x->blk_len = x->blk_pos = 0;
    x->blk_off = 0;
    /* Bounded: libarchive advances at least one header per call; RETRY is capped. */
    for (int retries = 0;;) {
        if (x->dead)
            return KS_EOF;
        x->inner = NULL; /* the previous entry's name dies in archive_read_next_header */
        struct archive_entry *e = NULL;
        int r = archive_read_next_header(x->a, &e);
        if (r == ARCHIVE_EOF)
            return arch_finish(x, err);
        if (r == ARCHIVE_RETRY && ++retries < 8)
            continue;
        if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
            x->dead = true;
            return arch_error(x, err, x->name, "cannot read the next entry");
        }
        const char *nm = archive_entry_pathname(e);
        if (!nm)
            nm = archive_entry_pathname_utf8(e);
        if (!nm)
            nm = "(unnamed entry)";
        x->inner = nm;
        if (r == ARCHIVE_FAILED)
            return arch_error(x, err, x->name, "cannot read entry header");
        if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
            continue; /* directories, links, devices are not content */
        if (archive_entry_is_encrypted(e)) {
            *out_inner = nm;
            *out_skip_reason = "encrypted archive member (not decrypted)";
            return 1;
        }
        *out_inner = nm;
        *out_data = &x->data;
        return 0;
    }
}

bool ks_ev_arch_dead(const ks_ev_arch *x)
{
    return x->dead;
}

void ks_ev_arch_free(ks_ev_arch *x)
{
    if (!x)
        return;
    if (x->a)
        archive_read_free(x->a);
    free(x->buf);
    free(x);
}
