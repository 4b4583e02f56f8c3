#include "acquire/zseek.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int write_all(int fd, const void *p, size_t n, const char *path, uint64_t off, ks_err *err)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            return KS_ERR_AT(err, KS_EIO, path, -1, (int64_t)off, "%s: %s",
                             e == ENOSPC || e == EFBIG ? "output full" : "write failed",
                             strerror(e));
        }
        b += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

/* ---- writer -----------------------------------------------------------------------
 * Frames are independent, so they are compressed by a pool of worker threads (one per
 * online CPU, at most KS_ZSEEK_MAX_WORKERS) and written by the calling thread strictly in
 * order. A ring of 2 x workers jobs bounds memory; with one CPU (or workers == 0) frames
 * are compressed in the calling thread. */
enum { JOB_FREE, JOB_QUEUED, JOB_WORKING, JOB_DONE, JOB_FAILED };

typedef struct zjob {
    uint8_t *in, *out;
    size_t in_len, out_len;
    int state;
    size_t zerr; /* ZSTD error code when FAILED */
} zjob;

struct ks_zseek_w {
    int fd;
    const char *path;
    int level;
    uint32_t frame_size;
    size_t out_cap;
    zjob *jobs;
    size_t njobs;
    uint64_t submit_seq, write_seq; /* next job to submit / to write */
    ZSTD_CCtx *cctx0;               /* used when there are no workers */
    pthread_t *th;
    size_t nthreads;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    bool stopping, sync_ok;
    uint32_t *csize, *dsize; /* seek table being built */
    size_t nframes, cap;
    uint64_t file_off, committed;
    bool failed;
};

static ZSTD_CCtx *new_cctx(int level)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    if (c && (ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level)) ||
              ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)) ||
              ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1)))) {
        ZSTD_freeCCtx(c);
        return NULL;
    }
    return c;
}

static void compress_job(ZSTD_CCtx *c, zjob *j, size_t out_cap)
{
    size_t r = ZSTD_compress2(c, j->out, out_cap, j->in, j->in_len);
    if (ZSTD_isError(r)) {
        j->zerr = r;
        j->state = JOB_FAILED;
    } else {
        j->out_len = r;
        j->state = JOB_DONE;
    }
}

typedef struct worker_arg {
    ks_zseek_w *w;
    ZSTD_CCtx *c;
} worker_arg;

static void *zworker(void *arg)
{
    worker_arg *wa = arg;
    ks_zseek_w *w = wa->w;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        zjob *pick = NULL;
        /* the oldest queued job first, so the in-order writer is never starved */
        for (uint64_t q = w->write_seq; q < w->submit_seq; q++) {
            zjob *j = &w->jobs[q % w->njobs];
            if (j->state == JOB_QUEUED) {
                pick = j;
                break;
            }
        }
        if (!pick) {
            if (w->stopping)
                break;
            pthread_cond_wait(&w->cv_work, &w->mu);
            continue;
        }
        pick->state = JOB_WORKING;
        pthread_mutex_unlock(&w->mu);
        zjob tmp = *pick;
        compress_job(wa->c, &tmp, w->out_cap);
        pthread_mutex_lock(&w->mu);
        pick->out_len = tmp.out_len;
        pick->zerr = tmp.zerr;
        pick->state = tmp.state;
        pthread_cond_broadcast(&w->cv_done);
    }
    pthread_mutex_unlock(&w->mu);
    ZSTD_freeCCtx(wa->c);
    free(wa);
    return NULL;
}

static int grow_table(ks_zseek_w *w, ks_err *err)
{
    if (w->nframes < w->cap)
        return 0;
    size_t nc = w->cap ? w->cap * 2 : 1024;
    uint32_t *c = realloc(w->csize, nc * sizeof *c);
    if (!c)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    w->csize = c;
    uint32_t *d = realloc(w->dsize, nc * sizeof *d);
    if (!d)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    w->dsize = d;
    w->cap = nc;
    return 0;
}

/* Writes the oldest submitted job (waiting for its compression) and frees its slot. */
static int write_oldest(ks_zseek_w *w, ks_err *err)
{
    zjob *j = &w->jobs[w->write_seq % w->njobs];
    if (w->nthreads) {
        pthread_mutex_lock(&w->mu);
        while (j->state == JOB_QUEUED || j->state == JOB_WORKING)
            pthread_cond_wait(&w->cv_done, &w->mu);
        pthread_mutex_unlock(&w->mu);
    }
    int rc = 0;
    if (j->state == JOB_FAILED) {
        rc = KS_ERR_AT(err, KS_EIO, w->path, -1, (int64_t)w->file_off, "zstd: %s", ZSTD_getErrorName(j->zerr));
    } else if (!w->failed) {
        if ((rc = grow_table(w, err)) == 0)
            rc = write_all(w->fd, j->out, j->out_len, w->path, w->file_off, err);
        if (rc) {
            /* a partly written frame would make the table lie: cut the file back */
            if (ftruncate(w->fd, (off_t)w->file_off) == 0)
                lseek(w->fd, (off_t)w->file_off, SEEK_SET);
        } else {
            w->csize[w->nframes] = (uint32_t)j->out_len;
            w->dsize[w->nframes] = (uint32_t)j->in_len;
            w->nframes++;
            w->file_off += j->out_len;
            w->committed += j->in_len;
        }
    }
    if (rc)
        w->failed = true;
    if (w->nthreads)
        pthread_mutex_lock(&w->mu); /* workers scan [write_seq, submit_seq) */
    j->state = JOB_FREE;
    j->in_len = 0;
    w->write_seq++;
    if (w->nthreads)
        pthread_mutex_unlock(&w->mu);
    return rc;
}

/* Hands the job being filled to the compressors. */
static int submit(ks_zseek_w *w, ks_err *err)
{
    zjob *j = &w->jobs[w->submit_seq % w->njobs];
    if (!j->in_len)
        return 0;
    if (w->nthreads) {
        pthread_mutex_lock(&w->mu);
        j->state = JOB_QUEUED;
        w->submit_seq++;
        pthread_cond_broadcast(&w->cv_work);
        pthread_mutex_unlock(&w->mu);
    } else {
        compress_job(w->cctx0, j, w->out_cap);
        w->submit_seq++;
    }
    /* the next slot must be free before it is filled */
    while (w->submit_seq - w->write_seq >= w->njobs) {
        int rc = write_oldest(w, err);
        if (rc)
            return rc;
    }
    return 0;
}

int ks_zseek_w_new(ks_zseek_w **out, int fd, const char *path, int level, uint32_t frame_size,
                   ks_err *err)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t workers = cpus > 1 ? (size_t)cpus : 0;
    if (workers > KS_ZSEEK_MAX_WORKERS)
        workers = KS_ZSEEK_MAX_WORKERS;
    return ks_zseek_w_new_mt(out, fd, path, level, frame_size, workers, err);
}

int ks_zseek_w_new_mt(ks_zseek_w **out, int fd, const char *path, int level, uint32_t frame_size,
                      size_t workers, ks_err *err)
{
    int rc = 0;
    ks_zseek_w *w = NULL;
    if (frame_size < 4096 || frame_size > KS_ZSEEK_MAX_FRAME)
        return KS_ERR(err, KS_EUSAGE, "zstd frame size must be 4 KiB .. 64 MiB");
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
        return KS_ERR(err, KS_EUSAGE, "zstd level must be %d .. %d", ZSTD_minCLevel(),
                      ZSTD_maxCLevel());
    if (workers > KS_ZSEEK_MAX_WORKERS)
        workers = KS_ZSEEK_MAX_WORKERS;
    w = calloc(1, sizeof *w);
    if (!w)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    w->fd = fd;
    w->path = path;
    w->level = level;
    w->frame_size = frame_size;
    w->out_cap = ZSTD_compressBound(frame_size);
    w->njobs = workers ? 2 * workers : 1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv_work, NULL);
    pthread_cond_init(&w->cv_done, NULL);
    w->sync_ok = true;
    w->jobs = calloc(w->njobs, sizeof *w->jobs);
    if (!w->jobs) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < w->njobs; i++) {
        w->jobs[i].in = malloc(frame_size);
        w->jobs[i].out = malloc(w->out_cap);
        if (!w->jobs[i].in || !w->jobs[i].out) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (!workers) {
        if (!(w->cctx0 = new_cctx(level))) {
            rc = KS_ERR(err, KS_EUSAGE, "zstd rejected the compression parameters");
            goto done;
        }
    } else {
        w->th = calloc(workers, sizeof *w->th);
        if (!w->th) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < workers; i++) {
            worker_arg *wa = malloc(sizeof *wa);
            if (wa)
                wa->c = new_cctx(level);
            if (!wa || !wa->c) {
                if (wa)
                    ZSTD_freeCCtx(wa->c);
                free(wa);
                rc = KS_ERR(err, KS_ENOMEM, "cannot set up zstd compressors");
                goto done;
            }
            wa->w = w;
            if (pthread_create(&w->th[i], NULL, zworker, wa)) {
                ZSTD_freeCCtx(wa->c);
                free(wa);
                rc = KS_ERR(err, KS_ENOMEM, "cannot start a compression thread");
                goto done;
            }
            w->nthreads = i + 1;
        }
    }
done:
    if (rc) {
        ks_zseek_w_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int ks_zseek_w_write(ks_zseek_w *w, const void *p, size_t n, ks_err *err)
{
    const uint8_t *b = p;
    if (w->failed)
        return KS_ERR_AT(err, KS_EIO, w->path, -1, (int64_t)w->file_off, "earlier write failed");
    while (n) {
        zjob *j = &w->jobs[w->submit_seq % w->njobs];
        size_t take = w->frame_size - j->in_len;
        if (take > n)
            take = n;
        memcpy(j->in + j->in_len, b, take);
        j->in_len += take;
        b += take;
        n -= take;
        if (j->in_len == w->frame_size) {
            int rc = submit(w, err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int ks_zseek_w_close(ks_zseek_w *w, ks_err *err)
{
    int rc = 0;
    uint8_t *tab = NULL;
    if (!w->failed)
        rc = submit(w, err);
    /* write (or, after a failure, discard) everything still in flight, in order */
    while (w->write_seq < w->submit_seq) {
        int r2 = write_oldest(w, rc ? NULL : err);
        if (r2 && !rc)
            rc = r2;
    }
    /* The seek table is written even after a failure, for the frames that made it. */
    size_t tsize = w->nframes * 8 + KS_ZSEEK_FOOTER;
    tab = malloc(tsize + 8);
    if (!tab)
        return rc ? rc : KS_ERR(err, KS_ENOMEM, "out of memory");
    le32(tab, KS_ZSEEK_SKIPPABLE_MAGIC);
    le32(tab + 4, (uint32_t)tsize);
    for (size_t i = 0; i < w->nframes; i++) {
        le32(tab + 8 + i * 8, w->csize[i]);
        le32(tab + 12 + i * 8, w->dsize[i]);
    }
    uint8_t *f = tab + 8 + w->nframes * 8;
    le32(f, (uint32_t)w->nframes);
    f[4] = 0;
    le32(f + 5, KS_ZSEEK_MAGIC);
    ks_err e2;
    int rc2 = write_all(w->fd, tab, tsize + 8, w->path, w->file_off, rc ? &e2 : err);
    if (rc2 && w->failed && ftruncate(w->fd, (off_t)w->file_off) == 0) {
        /* not even the table fits: leave plain zstd frames, still decompressible */
    }
    if (!rc)
        rc = rc2;
    free(tab);
    return rc;
}

uint64_t ks_zseek_w_committed(const ks_zseek_w *w)
{
    return w->committed;
}

void ks_zseek_w_free(ks_zseek_w *w)
{
    if (!w)
        return;
    if (w->nthreads) {
        pthread_mutex_lock(&w->mu);
        w->stopping = true;
        pthread_cond_broadcast(&w->cv_work);
        pthread_mutex_unlock(&w->mu);
        for (size_t i = 0; i < w->nthreads; i++)
            pthread_join(w->th[i], NULL);
    }
    free(w->th);
    ZSTD_freeCCtx(w->cctx0);
    for (size_t i = 0; w->jobs && i < w->njobs; i++) {
        free(w->jobs[i].in);
        free(w->jobs[i].out);
    }
    free(w->jobs);
    free(w->csize);
    free(w->dsize);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv_work);
    pthread_cond_destroy(&w->cv_done);
    free(w);
}

/* ---- reader ----------------------------------------------------------------------- */
struct ks_zseek {
    int fd;
    char *path;
    uint64_t nframes;
    uint64_t *coff; /* compressed offset of frame i; coff[n] = end of frames */
    uint64_t *doff; /* decompressed offset of frame i; doff[n] = total size */
    ZSTD_DCtx *dctx;
    uint8_t *cbuf, *dbuf;
    size_t cbuf_cap, dbuf_cap;
    uint64_t cached; /* frame in dbuf, or UINT64_MAX */
};

static int pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    uint8_t *b = buf;
    while (n) {
        ssize_t r = pread(fd, b, n, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

int ks_zseek_sniff(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return 0;
    struct stat st;
    uint8_t f[KS_ZSEEK_FOOTER];
    int ok = fstat(fd, &st) == 0 && st.st_size >= 8 + KS_ZSEEK_FOOTER &&
             pread_all(fd, f, sizeof f, (uint64_t)st.st_size - KS_ZSEEK_FOOTER) == 0 &&
             rd32(f + 5) == KS_ZSEEK_MAGIC;
    close(fd);
    return ok;
}

int ks_zseek_open(ks_zseek **out, const char *path, ks_err *err)
{
    int rc = 0;
    ks_zseek *z = NULL;
    uint8_t *tab = NULL;
    struct stat st;
    uint8_t foot[KS_ZSEEK_FOOTER];

    z = calloc(1, sizeof *z);
    if (!z)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    z->fd = -1;
    z->cached = UINT64_MAX;
    z->path = strdup(path);
    if (!z->path) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    z->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (z->fd < 0 || fstat(z->fd, &st) != 0) {
        rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot open: %s", strerror(errno));
        goto done;
    }
    uint64_t fsize = (uint64_t)st.st_size;
    if (fsize < 8 + KS_ZSEEK_FOOTER || pread_all(z->fd, foot, sizeof foot, fsize - KS_ZSEEK_FOOTER)) {
        rc = KS_CORRUPT(err, path, -1, 0, "too short for a zstd seek table");
        goto done;
    }
    if (rd32(foot + 5) != KS_ZSEEK_MAGIC) {
        rc = KS_CORRUPT(err, path, -1, (int64_t)(fsize - 4), "no zstd seekable magic at the end");
        goto done;
    }
    if (foot[4] & 0x7c) {
        rc = KS_CORRUPT(err, path, -1, (int64_t)(fsize - 5), "seek table descriptor has reserved bits set");
        goto done;
    }
    uint64_t n = rd32(foot);
    uint64_t esz = (foot[4] & 0x80) ? 12 : 8;
    /* the table must fit in the file before we allocate for it */
    if (n > (fsize - 8 - KS_ZSEEK_FOOTER) / esz) {
        rc = KS_CORRUPT(err, path, -1, (int64_t)(fsize - KS_ZSEEK_FOOTER),
                        "seek table claims %llu frames, more than the file can hold",
                        (unsigned long long)n);
        goto done;
    }
    uint64_t tsize = n * esz + KS_ZSEEK_FOOTER;
    uint64_t tstart = fsize - tsize - 8; /* skippable header */
    tab = malloc(tsize + 8);
    if (!tab) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (pread_all(z->fd, tab, tsize + 8, tstart)) {
        rc = KS_ERR_AT(err, KS_EIO, path, -1, (int64_t)tstart, "cannot read the seek table");
        goto done;
    }
    if (rd32(tab) != KS_ZSEEK_SKIPPABLE_MAGIC || rd32(tab + 4) != tsize) {
        rc = KS_CORRUPT(err, path, -1, (int64_t)tstart, "seek table frame header does not match its footer");
        goto done;
    }
    z->nframes = n;
    z->coff = malloc((n + 1) * sizeof *z->coff);
    z->doff = malloc((n + 1) * sizeof *z->doff);
    if (!z->coff || !z->doff) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    uint64_t c = 0, d = 0;
    uint32_t maxc = 0, maxd = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t cs = rd32(tab + 8 + i * esz), ds = rd32(tab + 12 + i * esz);
        if (ds > KS_ZSEEK_MAX_FRAME || !ds || cs > ZSTD_compressBound(KS_ZSEEK_MAX_FRAME) || !cs) {
            rc = KS_CORRUPT(err, path, -1, (int64_t)(tstart + 8 + i * esz),
                            "seek table entry %llu has implausible sizes", (unsigned long long)i);
            goto done;
        }
        z->coff[i] = c;
        z->doff[i] = d;
        c += cs;
        d += ds;
        if (cs > maxc)
            maxc = cs;
        if (ds > maxd)
            maxd = ds;
    }
    z->coff[n] = c;
    z->doff[n] = d;
    if (c != tstart) {
        rc = KS_CORRUPT(err, path, -1, (int64_t)tstart,
                        "frames add up to %llu bytes but the seek table starts at %llu",
                        (unsigned long long)c, (unsigned long long)tstart);
        goto done;
    }
    z->cbuf_cap = maxc;
    z->dbuf_cap = maxd;
    z->cbuf = malloc(maxc ? maxc : 1);
    z->dbuf = malloc(maxd ? maxd : 1);
    z->dctx = ZSTD_createDCtx();
    if (!z->cbuf || !z->dbuf || !z->dctx) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
done:
    free(tab);
    if (rc) {
        ks_zseek_close(z);
        return rc;
    }
    *out = z;
    return 0;
}

uint64_t ks_zseek_size(const ks_zseek *z)
{
    return z->doff[z->nframes];
}

uint64_t ks_zseek_frames(const ks_zseek *z)
{
    return z->nframes;
}

static int load_frame(ks_zseek *z, uint64_t i, ks_err *err)
{
    if (z->cached == i)
        return 0;
    size_t cs = (size_t)(z->coff[i + 1] - z->coff[i]);
    size_t ds = (size_t)(z->doff[i + 1] - z->doff[i]);
    if (pread_all(z->fd, z->cbuf, cs, z->coff[i]))
        return KS_ERR_AT(err, KS_EIO, z->path, -1, (int64_t)z->coff[i], "cannot read frame %llu",
                         (unsigned long long)i);
    z->cached = UINT64_MAX;
    size_t r = ZSTD_decompressDCtx(z->dctx, z->dbuf, ds, z->cbuf, cs);
    if (ZSTD_isError(r) || r != ds)
        return KS_CORRUPT(err, z->path, -1, (int64_t)z->coff[i], "frame %llu: %s",
                          (unsigned long long)i,
                          ZSTD_isError(r) ? ZSTD_getErrorName(r) : "decompressed size differs from the seek table");
    z->cached = i;
    return 0;
}

int ks_zseek_pread(ks_zseek *z, void *buf, size_t n, uint64_t off, size_t *out_n, ks_err *err)
{
    uint8_t *b = buf;
    size_t got = 0;
    uint64_t total = z->doff[z->nframes];
    while (got < n && off < total) {
        /* binary search: last frame with doff <= off */
        uint64_t lo = 0, hi = z->nframes;
        while (hi - lo > 1) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (z->doff[mid] <= off)
                lo = mid;
            else
                hi = mid;
        }
        int rc = load_frame(z, lo, err);
        if (rc)
            return rc;
        size_t in = (size_t)(off - z->doff[lo]);
        size_t avail = (size_t)(z->doff[lo + 1] - off);
        size_t take = n - got < avail ? n - got : avail;
        memcpy(b + got, z->dbuf + in, take);
        got += take;
        off += take;
    }
    *out_n = got;
    return 0;
}

void ks_zseek_close(ks_zseek *z)
{
    if (!z)
        return;
    if (z->fd >= 0)
        close(z->fd);
    ZSTD_freeDCtx(z->dctx);
    free(z->cbuf);
    free(z->dbuf);
    free(z->coff);
    free(z->doff);
    free(z->path);
    free(z);
}
