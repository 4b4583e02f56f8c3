/* image.c — raw, split-raw, memory and window images (see image.h). */
#include "fs/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "fs/container.h"

/* A small direct-mapped page cache in front of file-backed backends: metadata walks read
 * many small records (inodes, directory blocks) that share pages, and one pread per
 * 64 KiB page instead of per record is most of a timeline's speed. Reads larger than a
 * page go straight to the backend. */
#define KS_IMG_PAGE ((uint64_t)64 * 1024)
#define KS_IMG_PAGES 64

typedef struct img_page {
    uint64_t no; /* page number + 1; 0 = empty */
    size_t len;
    uint8_t *data;
} img_page;

struct ks_img {
    const ks_img_ops *ops;
    void *ctx;
    uint64_t size;
    uint64_t base;
    img_page *cache; /* NULL: not cached (memory images, windows) */
    char name[KS_ERR_PATH_MAX];
};

/* ---- raw and split raw ---------------------------------------------------------------- */
#define KS_SPLIT_MAX 10000 /* segments in a split set (.001 .. .999 and beyond) */

typedef struct seg {
    int fd;
    uint64_t start, size;
} seg;

typedef struct raw_ctx {
    seg *segs;
    size_t n;
    const uint8_t *map; /* single regular file mapped read-only, or NULL */
    size_t map_len;
    char name[KS_ERR_PATH_MAX];
} raw_ctx;

static int raw_read(void *vctx, uint64_t off, void *buf, size_t len, ks_err *err)
{
    raw_ctx *c = vctx;
    uint8_t *p = buf;
    if (c->map) { /* the caller checked the range against the size, which is map_len */
        memcpy(buf, c->map + off, len);
        return 0;
    }
    /* binary search for the segment holding off */
    size_t lo = 0, hi = c->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->segs[mid].start <= off)
            lo = mid;
        else
            hi = mid;
    }
    size_t i = lo;
    while (len > 0) {
        if (i >= c->n)
            return KS_ERR_AT(err, KS_EIO, c->name, -1, (int64_t)off, "read past the last segment");
        seg *s = &c->segs[i];
        uint64_t in = off - s->start;
        if (in >= s->size) {
            i++;
            continue;
        }
        size_t want = len;
        if ((uint64_t)want > s->size - in)
            want = (size_t)(s->size - in);
        ssize_t r = pread(s->fd, p, want, (off_t)in);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return KS_ERR_AT(err, KS_EIO, c->name, -1, (int64_t)off, "read failed: %s",
                             strerror(errno));
        }
        if (r == 0)
            return KS_ERR_AT(err, KS_EIO, c->name, -1, (int64_t)off,
                             "segment %zu shrank while reading", i);
        p += r;
        off += (uint64_t)r;
        len -= (size_t)r;
    }
    return 0;
}

static void raw_close(void *vctx)
{
    raw_ctx *c = vctx;
    if (!c)
        return;
    if (c->map)
        munmap((void *)c->map, c->map_len);
    for (size_t i = 0; i < c->n; i++)
        if (c->segs[i].fd >= 0)
            close(c->segs[i].fd);
    free(c->segs);
    free(c);
}

static const ks_img_ops raw_ops = {raw_read, raw_close, "raw"};
static const ks_img_ops split_ops = {raw_read, raw_close, "split"};

/* Next name in a split set: "x.001" -> "x.002", "x.aa" -> "x.ab". 0 when there is none. */
static int split_next(char *name, size_t suffix_at, int numeric)
{
    size_t n = strlen(name);
    for (size_t i = n; i > suffix_at; i--) {
        char *c = &name[i - 1];
        if (numeric) {
            if (*c < '9') {
                (*c)++;
                return 1;
            }
            *c = '0';
        } else {
            if (*c < 'z') {
                (*c)++;
                return 1;
            }
            *c = 'a';
        }
    }
    return 0;
}

static int split_kind(const char *path, size_t *suffix_at)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return 0;
    size_t len = strlen(dot + 1);
    if (len >= 3 && len <= 4) {
        int all = 1;
        unsigned v = 0;
        for (size_t i = 1; i <= len; i++) {
            all &= dot[i] >= '0' && dot[i] <= '9';
            v = v * 10 + (unsigned)(dot[i] - '0'); /* at most 4 digits: no overflow */
        }
        if (all && v <= 1) {
            *suffix_at = (size_t)(dot + 1 - path);
            return 1;
        }
    }
    if (len == 2 && dot[1] == 'a' && dot[2] == 'a') {
        *suffix_at = (size_t)(dot + 1 - path);
        return 2;
    }
    return 0;
}

static int open_ro(const char *path, uint64_t *size, ks_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return KS_ERR_AT(err, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, path, -1, -1,
                         "cannot open image: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot stat image: %s", strerror(errno));
    }
    if (S_ISREG(st.st_mode)) {
        *size = (uint64_t)st.st_size;
    } else if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);
        *size = end > 0 ? (uint64_t)end : 0;
    } else {
        close(fd);
        return KS_ERR_AT(err, KS_EUSAGE, path, -1, -1, "not a regular file or block device");
    }
    return fd;
}

static int open_raw(ks_img **out, const char *path, ks_err *err)
{
    raw_ctx *c = calloc(1, sizeof *c);
    seg *segs = NULL;
    char *name = NULL;
    int rc = 0;
    if (!c)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    snprintf(c->name, sizeof c->name, "%s", path);
    size_t suffix_at = 0;
    int kind = split_kind(path, &suffix_at);
    size_t cap = 4;
    segs = malloc(cap * sizeof *segs);
    name = strdup(path);
    if (!segs || !name) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    c->segs = segs;
    uint64_t total = 0;
    for (;;) {
        uint64_t sz = 0;
        int fd = open_ro(name, &sz, err);
        if (fd < 0) {
            if (c->n > 0 && fd == KS_ENOTFOUND) {
                ks_err_clear(err);
                break; /* end of the split set */
            }
            rc = fd;
            goto done;
        }
        if (c->n == cap) {
            seg *ns = realloc(c->segs, cap * 2 * sizeof *ns);
            if (!ns) {
                close(fd);
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                goto done;
            }
            c->segs = ns;
            cap *= 2;
        }
        c->segs[c->n++] = (seg){fd, total, sz};
        total += sz;
        if (!kind || c->n >= KS_SPLIT_MAX || !split_next(name, suffix_at, kind == 1))
            break;
    }
    /* one regular file: map it read-only (no copies through the page cache); split sets
     * and block devices go through pread and the small page cache below */
    int mapped = 0;
    struct stat st;
    if (c->n == 1 && total > 0 && total <= SIZE_MAX && fstat(c->segs[0].fd, &st) == 0 &&
        S_ISREG(st.st_mode)) {
        void *m = mmap(NULL, (size_t)total, PROT_READ, MAP_SHARED, c->segs[0].fd, 0);
        if (m != MAP_FAILED) {
            c->map = m;
            c->map_len = (size_t)total;
            mapped = 1;
        }
    }
    rc = ks_img_custom(out, c->n > 1 ? &split_ops : &raw_ops, c, total, path, err);
    c = NULL; /* owned (or freed) by ks_img_custom */
    if (rc == 0 && !mapped)
        (*out)->cache = calloc(KS_IMG_PAGES, sizeof(img_page)); /* optional: NULL = uncached */
done:
    free(name);
    if (c)
        raw_close(c);
    return rc;
}

int ks_img_open(ks_img **out, const char *path, ks_err *err)
{
    int kind = ks_container_sniff(path);
    if (kind > 0) {
        int rc = ks_container_open(out, path, kind, err);
        if (rc == 0)
            (*out)->cache = calloc(KS_IMG_PAGES, sizeof(img_page));
        return rc;
    }
    return open_raw(out, path, err);
}

/* ---- memory ----------------------------------------------------------------------------- */
typedef struct mem_ctx {
    const uint8_t *p;
} mem_ctx;

static int mem_read(void *vctx, uint64_t off, void *buf, size_t len, ks_err *err)
{
    mem_ctx *m = vctx;
    memcpy(buf, m->p + off, len);
    return 0;
}

static void mem_close(void *vctx)
{
    free(vctx);
}

static const ks_img_ops mem_ops = {mem_read, mem_close, "mem"};

int ks_img_mem(ks_img **out, const void *p, size_t n, const char *name, ks_err *err)
{
    mem_ctx *m = malloc(sizeof *m);
    if (!m)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    m->p = p;
    return ks_img_custom(out, &mem_ops, m, n, name ? name : "(memory)", err);
}

/* ---- window ----------------------------------------------------------------------------- */
typedef struct win_ctx {
    ks_img *parent;
    uint64_t off;
} win_ctx;

static int win_read(void *vctx, uint64_t off, void *buf, size_t len, ks_err *err)
{
    win_ctx *w = vctx;
    return ks_img_read(w->parent, w->off + off, buf, len, err);
}

static const ks_img_ops win_ops = {win_read, mem_close, "window"};

int ks_img_window(ks_img **out, ks_img *parent, uint64_t off, uint64_t len, ks_err *err)
{
    if (off > parent->size)
        return KS_ERR_AT(err, KS_ECORRUPT, parent->name, -1, (int64_t)off,
                         "partition starts past the end of the image (%llu bytes)",
                         (unsigned long long)parent->size);
    if (len > parent->size - off)
        len = parent->size - off;
    win_ctx *w = malloc(sizeof *w);
    if (!w)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    w->parent = parent;
    w->off = off;
    int rc = ks_img_custom(out, &win_ops, w, len, parent->name, err);
    if (rc == 0)
        (*out)->base = parent->base + off;
    return rc;
}

/* ---- common ----------------------------------------------------------------------------- */
int ks_img_custom(ks_img **out, const ks_img_ops *ops, void *ctx, uint64_t size,
                  const char *name, ks_err *err)
{
    ks_img *img = calloc(1, sizeof *img);
    if (!img) {
        ops->close(ctx);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    img->ops = ops;
    img->ctx = ctx;
    img->size = size;
    snprintf(img->name, sizeof img->name, "%s", name ? name : "");
    *out = img;
    return 0;
}

void ks_img_close(ks_img *img)
{
    if (!img)
        return;
    if (img->cache) {
        for (size_t i = 0; i < KS_IMG_PAGES; i++)
            free(img->cache[i].data);
        free(img->cache);
    }
    img->ops->close(img->ctx);
    free(img);
}

int ks_img_read(ks_img *img, uint64_t off, void *buf, size_t len, ks_err *err)
{
    if (!ks_fits(off, len, img->size))
        return KS_ERR_AT(err, KS_ECORRUPT, img->name, -1, (int64_t)(img->base + off),
                         "read of %zu bytes at offset %llu is past the end of the image "
                         "(%llu bytes)", len, (unsigned long long)(img->base + off),
                         (unsigned long long)(img->base + img->size));
    if (len == 0)
        return 0;
    if (!img->cache || len > KS_IMG_PAGE)
        return img->ops->read_at(img->ctx, off, buf, len, err);
    uint8_t *p = buf;
    while (len > 0) {
        uint64_t no = off / KS_IMG_PAGE, in = off % KS_IMG_PAGE;
        img_page *pg = &img->cache[no % KS_IMG_PAGES];
        if (pg->no != no + 1) {
            if (!pg->data && !(pg->data = malloc(KS_IMG_PAGE)))
                return img->ops->read_at(img->ctx, off, p, len, err);
            uint64_t start = no * KS_IMG_PAGE;
            size_t plen = (size_t)(img->size - start < KS_IMG_PAGE ? img->size - start : KS_IMG_PAGE);
            pg->no = 0;
            int rc = img->ops->read_at(img->ctx, start, pg->data, plen, err);
            if (rc)
                return rc;
            pg->no = no + 1;
            pg->len = plen;
        }
        size_t n = pg->len - (size_t)in < len ? pg->len - (size_t)in : len;
        memcpy(p, pg->data + in, n);
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

uint64_t ks_img_size(const ks_img *img)
{
    return img->size;
}

const char *ks_img_name(const ks_img *img)
{
    return img->name;
}

const char *ks_img_kind(const ks_img *img)
{
    return img->ops->kind;
}

uint64_t ks_img_base(const ks_img *img)
{
    return img->base;
}
