/* ev_peek.c — a layer that buffers the first bytes of a stream so they can be sniffed,
 * then returns them again: readers always start at offset 0. Once the buffer is drained,
 * reads go straight to the layer below (no copy). It also counts what it delivers (the
 * member offset) and enforces the decompression-bomb limit.
 */
#include "evidence/ev_internal.h"

#include <stdlib.h>
#include <string.h>

static int peek_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    ks_ev_peek *p = ctx;
    size_t n = 0;
    int rc = 0;
    *out_n = 0;
    if (p->failed || len == 0)
        return 0;
    if (p->limit && p->delivered >= p->limit) {
        p->failed = true;
        return KS_ERR_AT(err, KS_ELIMIT, p->base.in.name, -1, (int64_t)p->delivered,
                         "content exceeds the limit of %llu bytes (decompression bomb guard); "
                         "the rest was not read",
                         (unsigned long long)p->limit);
    }
    if (p->limit && len > p->limit - p->delivered)
        len = (size_t)(p->limit - p->delivered);
    if (p->pos < p->len) {
        n = p->len - p->pos;
        if (n > len)
            n = len;
        memcpy(buf, p->buf + p->pos, n);
        p->pos += n;
    } else if (p->pend_rc) {
        p->failed = true;
        if (err)
            *err = p->pend_err;
        return p->pend_rc;
    } else if (!p->below_done) {
        rc = p->below->read(p->below->ctx, buf, len, &n, err);
        if (rc != 0) {
            p->failed = true;
            return rc;
        }
        if (n == 0)
            p->below_done = true;
    }
    p->delivered += n;
    *out_n = n;
    return 0;
}

static void peek_destroy(ks_ev_layer *l)
{
    ks_ev_peek *p = (ks_ev_peek *)l;
    free(p->buf);
    free(p);
}

int ks_ev_peek_new(ks_ev_peek **out, ks_input *below, size_t cap, uint64_t limit,
                   const char *name, ks_err *err)
{
    ks_ev_peek *p = calloc(1, sizeof *p);
    if (!p || !(p->buf = malloc(cap ? cap : 1))) {
        free(p);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    p->below = below;
    p->cap = cap;
    p->limit = limit;
    p->base.in.read = peek_read;
    p->base.in.ctx = p;
    p->base.in.name = name;
    p->base.destroy = peek_destroy;
    *out = p;
    return 0;
}

int ks_ev_peek_fill(ks_ev_peek *p, ks_err *err)
{
    /* Each read either makes progress or ends the loop, so at most cap + 1 iterations. */
    while (p->len < p->cap && !p->below_done && !p->pend_rc) {
        size_t n = 0;
        ks_err_clear(&p->pend_err);
        int rc = p->below->read(p->below->ctx, p->buf + p->len, p->cap - p->len, &n,
                                &p->pend_err);
        if (rc != 0) {
            p->pend_rc = rc;
            p->below_done = true;
            if (rc == KS_ENOMEM) {
                if (err)
                    *err = p->pend_err;
                return rc;
            }
            break;
        }
        if (n == 0)
            p->below_done = true;
        p->len += n;
    }
    return 0;
}
