#include "acquire/acquire.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "acquire/digest.h"
#include "acquire/mhash.h"
#include "acquire/pipe.h"

#if defined(__SANITIZE_ADDRESS__) && !defined(KS_TEST_HOOKS)
#define KS_TEST_HOOKS 1
#endif

#define NSLOTS 8
#define MAX_BAD_RANGES 1000000
#define MAX_ERRORS 1000

const char *ks_acq_state_name(ks_acq_state s)
{
    switch (s) {
    case KS_ACQ_COMPLETE: return "complete";
    case KS_ACQ_INCOMPLETE: return "incomplete";
    case KS_ACQ_OUTPUT_FAILED: return "output-failed";
    default: return "?";
    }
}

int64_t ks_acq_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void ks_acq_time_fmt(int64_t ns, char *out, size_t outsz)
{
    /* core/time.h's formatter is being written in parallel; gmtime_r is enough here. */
    time_t sec = (time_t)(ns / 1000000000LL);
    struct tm tm;
    char base[32];
    if (!gmtime_r(&sec, &tm) || !strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm)) {
        snprintf(out, outsz, "1970-01-01T00:00:00.000Z");
        return;
    }
    snprintf(out, outsz, "%s.%03dZ", base, (int)((ns % 1000000000LL) / 1000000));
}

/* ---- test hooks --------------------------------------------------------------------- */
typedef struct faults {
    ks_range r[16];
    size_t n;
    long flaky; /* reads left to fail once */
} faults;

#ifdef KS_TEST_HOOKS
static uint64_t parse_u64(const char **s)
{
    uint64_t v = 0;
    while (**s >= '0' && **s <= '9') {
        uint64_t d = (uint64_t)(**s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return UINT64_MAX;
        v = v * 10 + d;
        (*s)++;
    }
    return v;
}
#endif

static void faults_load(faults *f)
{
    memset(f, 0, sizeof *f);
#ifdef KS_TEST_HOOKS
    const char *s = getenv("KANSHIKI_TEST_BAD_RANGES");
    while (s && *s && f->n < 16) {
        uint64_t off = parse_u64(&s), len = 0;
        if (*s == '+') {
            s++;
            len = parse_u64(&s);
        }
        f->r[f->n].off = off;
        f->r[f->n].len = len;
        f->n++;
        if (*s != ',')
            break;
        s++;
    }
    const char *fl = getenv("KANSHIKI_TEST_FLAKY_READS");
    if (fl)
        f->flaky = (long)parse_u64(&fl);
#endif
}

static ssize_t src_pread(int fd, void *buf, size_t n, uint64_t off, faults *f)
{
    if (f->flaky > 0) {
        f->flaky--;
        errno = EIO;
        return -1;
    }
    for (size_t i = 0; i < f->n; i++) {
        uint64_t a = f->r[i].off, b = f->r[i].off + f->r[i].len;
        if (off < b && off + n > a) {
            errno = EIO;
            return -1;
        }
    }
    return pread(fd, buf, n, (off_t)off);
}

/* ---- consumers ---------------------------------------------------------------------- */
static int write_consume(void *ctx, const uint8_t *p, size_t n, uint64_t off, ks_err *err)
{
    return ks_imgout_write(ctx, p, n, err);
}

/* ---- result helpers ----------------------------------------------------------------- */
static void add_error(ks_acq_result *r, const ks_err *e)
{
    if (r->nerrors >= MAX_ERRORS)
        return;
    char msg[KS_ERR_MSG_MAX + KS_ERR_PATH_MAX + 64];
    ks_err_format(e, msg, sizeof msg);
    char **ne = realloc(r->errors, (r->nerrors + 1) * sizeof *ne);
    if (!ne)
        return;
    r->errors = ne;
    ne[r->nerrors] = strdup(msg);
    if (ne[r->nerrors])
        r->nerrors++;
}

static int add_bad(ks_acq_result *r, uint64_t off, uint64_t len, ks_err *err)
{
    if (r->nbad && r->bad[r->nbad - 1].off + r->bad[r->nbad - 1].len == off) {
        r->bad[r->nbad - 1].len += len;
        return 0;
    }
    if (r->nbad >= MAX_BAD_RANGES)
        return KS_ERR(err, KS_ELIMIT, "more than %d separate bad ranges: giving up on this device",
                      MAX_BAD_RANGES);
    ks_range *nb = realloc(r->bad, (r->nbad + 1) * sizeof *nb);
    if (!nb)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    r->bad = nb;
    nb[r->nbad].off = off;
    nb[r->nbad].len = len;
    r->nbad++;
    return 0;
}

/* ---- reading ------------------------------------------------------------------------ */
typedef struct src {
    int fd;
    const volatile sig_atomic_t *stop;
    bool seekable;
    const char *name;
    unsigned retries;
    uint32_t sector;
    faults f;
} src;

/* Sequential source (pipe, terminal, socket): read until `want` or the end. A read error
 * ends the acquisition (a pipe cannot be re-read). */
static int read_stream(src *s, uint8_t *buf, size_t want, uint64_t pos, size_t *got, ks_err *err)
{
    size_t have = 0;
    while (have < want) {
        ssize_t r = read(s->fd, buf + have, want - have);
        if (r < 0) {
            if (errno == EINTR && !(s->stop && *s->stop))
                continue;
            if (errno == EINTR)
                break; /* interrupted by the user: the caller records it */
            *got = have;
            return KS_ERR_AT(err, KS_EIO, s->name, -1, (int64_t)(pos + have), "read failed: %s",
                             strerror(errno));
        }
        if (r == 0)
            break;
        have += (size_t)r;
    }
    *got = have;
    return 0;
}

/* Reads [pos, pos+n) of a seekable source fully, or up to its end. */
static ssize_t pread_full(src *s, uint8_t *buf, size_t n, uint64_t pos)
{
    size_t have = 0;
    while (have < n) {
        ssize_t r = src_pread(s->fd, buf + have, n - have, pos + have, &s->f);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        have += (size_t)r;
    }
    return (ssize_t)have;
}

static int read_seekable(src *s, uint8_t *buf, size_t want, uint64_t pos, size_t *got,
                         ks_acq_result *res, ks_err *err)
{
    ssize_t r = -1;
    for (unsigned attempt = 0; attempt <= s->retries; attempt++) {
        r = pread_full(s, buf, want, pos);
        if (r >= 0) {
            *got = (size_t)r;
            return 0;
        }
        if (errno != EIO && errno != ENXIO && errno != EINVAL)
            break;
    }
    if (r < 0 && errno != EIO) {
        *got = 0;
        return KS_ERR_AT(err, KS_EIO, s->name, -1, (int64_t)pos, "read failed: %s", strerror(errno));
    }
    /* A block keeps failing: go sector by sector, zero-filling what stays unreadable. */
    size_t have = 0;
    while (have < want) {
        size_t n = want - have < s->sector ? want - have : s->sector;
        ssize_t sr = -1;
        for (unsigned attempt = 0; attempt <= s->retries && sr < 0; attempt++)
            sr = pread_full(s, buf + have, n, pos + have);
        if (sr < 0) {
            memset(buf + have, 0, n);
            int rc = add_bad(res, pos + have, n, err);
            if (rc)
                return rc;
            sr = (ssize_t)n;
        } else if ((size_t)sr < n) {
            have += (size_t)sr;
            break; /* end of the source */
        }
        have += (size_t)sr;
    }
    *got = have;
    return 0;
}

static int source_open(const ks_acq_opts *o, src *s, ks_acq_result *res, ks_err *err)
{
    struct stat st;
    s->name = o->source ? o->source : "-";
    if (o->source_fd >= 0) {
        s->fd = o->source_fd;
    } else if (!strcmp(o->source, "-")) {
        s->fd = STDIN_FILENO;
    } else {
        s->fd = open(o->source, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (s->fd < 0)
            return KS_ERR_AT(err, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, o->source, -1, -1,
                             "cannot open source: %s", strerror(errno));
    }
    if (fstat(s->fd, &st) != 0)
        return KS_ERR_AT(err, KS_EIO, s->name, -1, -1, "cannot stat source: %s", strerror(errno));
    const char *kind = "pipe";
    if (S_ISBLK(st.st_mode)) {
        uint64_t sz = 0;
        if (ioctl(s->fd, BLKGETSIZE64, &sz) == 0) {
            res->source_size = sz;
            res->size_known = true;
        }
        s->seekable = true;
        kind = "block-device";
    } else if (S_ISREG(st.st_mode)) {
        res->source_size = (uint64_t)st.st_size;
        res->size_known = true;
        s->seekable = lseek(s->fd, 0, SEEK_CUR) == 0;
        kind = "file";
    } else if (S_ISDIR(st.st_mode)) {
        return KS_ERR_AT(err, KS_EUSAGE, s->name, -1, -1, "source is a directory");
    }
    if (s->fd == STDIN_FILENO && o->source_fd < 0)
        kind = "stdin";
    snprintf(res->source_kind, sizeof res->source_kind, "%s", o->source_kind ? o->source_kind : kind);
    if (o->expect_size) {
        if (res->size_known && res->source_size != o->expect_size)
            return KS_ERR_AT(err, KS_EUSAGE, s->name, -1, -1,
                             "source has %llu bytes but --size says %llu",
                             (unsigned long long)res->source_size, (unsigned long long)o->expect_size);
        res->source_size = o->expect_size;
        res->size_known = true;
    }
    if (s->seekable)
        posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return 0;
}

int ks_acquire(const ks_acq_opts *o, ks_acq_result *res, ks_err *err)
{
    int rc = 0, src_rc = 0, out_rc = 0;
    src s = {.fd = -1};
    ks_imgout *out = NULL;
    ks_pipe *pipe = NULL;
    ks_mhash *mh = NULL;
    size_t ncons = 0;
    ks_pipe_consumer cons[KS_DALG_COUNT + 1];
    ks_err serr, oerr;
    bool own_fd = false;

    memset(res, 0, sizeof *res);
    memset(cons, 0, sizeof cons);
    ks_err_clear(&serr);
    ks_err_clear(&oerr);
    res->start_ns = ks_acq_now();
    res->chunk_size = o->chunk_size ? o->chunk_size : (64u << 20);
    size_t bs = o->block_size ? o->block_size : (4u << 20);
    s.retries = o->retries;
    s.stop = o->stop;
    s.sector = o->sector_size ? o->sector_size : 512;
    faults_load(&s.f);

    rc = source_open(o, &s, res, err);
    own_fd = o->source_fd < 0 && s.fd >= 0 && s.fd != STDIN_FILENO;
    if (rc)
        goto done;

    if ((rc = ks_mhash_new(&mh, KS_MHASH_ALL, res->chunk_size, err)) != 0)
        goto done;
    ncons = ks_mhash_consumers(mh, cons);

    ks_imgout_opts oo = o->out;
    if (!oo.media_size && res->size_known)
        oo.media_size = res->source_size;
    if ((rc = ks_imgout_open(&out, &oo, err)) != 0)
        goto done;
    cons[ncons].consume = write_consume;
    cons[ncons].ctx = out;
    ncons++;

    if ((rc = ks_pipe_start(&pipe, NSLOTS, bs, cons, ncons, err)) != 0)
        goto done;

    uint64_t pos = 0;
    for (;;) {
        size_t want = bs;
        if (res->size_known) {
            if (pos >= res->source_size)
                break;
            if (res->source_size - pos < want)
                want = (size_t)(res->source_size - pos);
        }
        uint8_t *buf = ks_pipe_slot(pipe);
        if (!buf)
            break; /* a consumer (the writer) failed */
        size_t got = 0;
        if (s.seekable)
            src_rc = read_seekable(&s, buf, want, pos, &got, res, &serr);
        else
            src_rc = read_stream(&s, buf, want, pos, &got, &serr);
        if (got)
            ks_pipe_publish(pipe, got);
        pos += got;
        if (o->progress)
            o->progress(o->progress_ctx, pos, res->size_known ? res->source_size : 0);
        if (src_rc || got < want)
            break;
        if (o->stop && *o->stop) {
            KS_ERR_AT(&serr, KS_EIO, s.name, -1, (int64_t)pos,
                      "interrupted by the user after %llu bytes", (unsigned long long)pos);
            src_rc = KS_EIO;
            break;
        }
    }
    if (!src_rc && o->stop && *o->stop) {
        KS_ERR_AT(&serr, KS_EIO, s.name, -1, (int64_t)pos,
                  "interrupted by the user after %llu bytes", (unsigned long long)pos);
        src_rc = KS_EIO;
    }
    res->bytes = pos;
    out_rc = ks_pipe_finish(pipe, 0);
    pipe = NULL;
    if (out_rc) {
        /* the writer failed (only it can fail short of memory) */
        for (size_t i = 0; i < ncons; i++)
            if (cons[i].rc) {
                oerr = cons[i].err;
                break;
            }
    }
    if (o->source_end && !src_rc) {
        ks_err e2;
        ks_err_clear(&e2);
        if (o->source_end(o->source_end_ctx, &e2)) {
            serr = e2;
            src_rc = e2.code ? e2.code : KS_EIO;
        }
    }
    if (!out_rc) {
        /* E01 keeps the hashes inside the image */
        int hrc = ks_imgout_set_hashes(out, ks_mhash_hex(mh, KS_MD5), ks_mhash_hex(mh, KS_SHA1), &oerr);
        if (hrc)
            out_rc = hrc;
    }
    int crc = ks_imgout_close(out, out_rc ? NULL : &oerr);
    if (crc && !out_rc)
        out_rc = crc;
    res->written = ks_imgout_written(out);

    for (size_t i = 0; i < res->nbad; i++) {
        ks_err be;
        ks_err_clear(&be);
        KS_ERR_AT(&be, KS_EIO, s.name, -1, (int64_t)res->bad[i].off,
                  "unreadable: %llu bytes zero-filled", (unsigned long long)res->bad[i].len);
        add_error(res, &be);
    }
    if (out_rc) {
        res->state = KS_ACQ_OUTPUT_FAILED;
        add_error(res, &oerr);
        if (err)
            *err = oerr;
        rc = out_rc;
    } else {
        memcpy(res->md5, ks_mhash_hex(mh, KS_MD5), sizeof res->md5);
        memcpy(res->sha1, ks_mhash_hex(mh, KS_SHA1), sizeof res->sha1);
        memcpy(res->sha256, ks_mhash_hex(mh, KS_SHA256), sizeof res->sha256);
        res->chunks = ks_mhash_take_chunks(mh, &res->nchunks);
        if (src_rc && res->size_known && pos < res->source_size && !(o->stop && *o->stop)) {
            /* keep the cause, and say how much arrived */
            add_error(res, &serr);
            ks_err_clear(&serr);
            KS_ERR_AT(&serr, KS_EIO, s.name, -1, (int64_t)pos,
                      "source ended early: %llu of %llu bytes received",
                      (unsigned long long)pos, (unsigned long long)res->source_size);
        }
        if (!src_rc && res->size_known && pos < res->source_size) {
            ks_err_clear(&serr);
            KS_ERR_AT(&serr, KS_EIO, s.name, -1, (int64_t)pos,
                      "source ended early: %llu of %llu bytes received",
                      (unsigned long long)pos, (unsigned long long)res->source_size);
            src_rc = KS_EIO;
        }
        if (src_rc) {
            res->state = KS_ACQ_INCOMPLETE;
            add_error(res, &serr);
            if (err)
                *err = serr;
            rc = src_rc;
        }
    }

done:
    if (pipe)
        ks_pipe_finish(pipe, 1);
    if (out) {
        if (rc && !res->nfiles)
            ks_imgout_close(out, NULL);
        const char *const *names;
        size_t nf = ks_imgout_files(out, &names);
        res->files = calloc(nf ? nf : 1, sizeof *res->files);
        for (size_t i = 0; res->files && i < nf; i++)
            if ((res->files[i] = strdup(names[i])) != NULL)
                res->nfiles = i + 1;
        ks_imgout_free(out);
    }
    ks_mhash_free(mh);
    if (own_fd)
        close(s.fd);
    res->end_ns = ks_acq_now();
    return rc;
}

void ks_acq_result_free(ks_acq_result *r)
{
    if (!r)
        return;
    free(r->chunks);
    free(r->bad);
    for (size_t i = 0; i < r->nfiles; i++)
        free(r->files[i]);
    free(r->files);
    for (size_t i = 0; i < r->nerrors; i++)
        free(r->errors[i]);
    free(r->errors);
    memset(r, 0, sizeof *r);
}
