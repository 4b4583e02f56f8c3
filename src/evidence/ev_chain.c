/* ev_chain.c — stacking decompressors over a stream until its content is not compressed,
 * and the single-file API (ks_open_file) built on it.
 */
#include "evidence/ev_internal.h"
#include "evidence/evidence.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ks_ev_chain_init(ks_ev_chain *c)
{
    memset(c, 0, sizeof *c);
}

int ks_ev_chain_push(ks_ev_chain *c, ks_ev_layer *l, ks_err *err)
{
    if (c->n >= KS_EV_MAX_LAYERS) {
        l->destroy(l);
        return KS_ERR(err, KS_ELIMIT, "too many stream layers");
    }
    c->layers[c->n++] = l;
    return 0;
}

void ks_ev_chain_free(ks_ev_chain *c)
{
    while (c->n > 0) {
        ks_ev_layer *l = c->layers[--c->n];
        l->destroy(l);
    }
    ks_ev_chain_init(c);
}

static void comp_append(char *dst, const char *sep, const char *name, bool prepend)
{
    char tmp[KS_EV_COMP_MAX];
    if (!dst[0])
        snprintf(tmp, sizeof tmp, "%s", name);
    else if (prepend)
        snprintf(tmp, sizeof tmp, "%s%s%s", name, sep, dst);
    else
        snprintf(tmp, sizeof tmp, "%s%s%s", dst, sep, name);
    memcpy(dst, tmp, KS_EV_COMP_MAX);
}

int ks_ev_chain_build(ks_ev_chain *c, ks_input *base, const char *name, int budget,
                      uint64_t limit, bool detect_archives, ks_err *err)
{
    int rc = 0;
    ks_input *cur = base;
    /* Each pass stacks one decompressor; the layer cap bounds the loop too. */
    for (;;) {
        ks_ev_peek *p = NULL;
        /* The bomb guard bounds what decoders produce; a raw file is bounded by the disk. */
        bool raw = c->raw && cur == &c->raw->base.in;
        if ((rc = ks_ev_peek_new(&p, cur, KS_EV_HEAD_MAX, raw ? 0 : limit, name, err)) != 0)
            goto done;
        if ((rc = ks_ev_chain_push(c, &p->base, err)) != 0)
            goto done;
        if (raw)
            c->raw_peek = p;
        c->top = p;
        if ((rc = ks_ev_peek_fill(p, err)) != 0)
            goto done;
        ks_ev_kind k = ks_ev_sniff(p->buf, p->len);
        if (ks_ev_is_archive(k) && detect_archives) {
            c->archive = k;
            break;
        }
        if (!ks_ev_is_compression(k))
            break;
        if (budget <= 0) {
            rc = KS_ERR_AT(err, KS_ELIMIT, name, -1, -1,
                           "%s data nested deeper than the nesting limit; not unpacked",
                           ks_ev_kind_name(k));
            goto done;
        }
        ks_ev_layer *d = NULL;
        if ((rc = ks_ev_dec_new(&d, k, &p->base.in, name, err)) != 0)
            goto done;
        if ((rc = ks_ev_chain_push(c, d, err)) != 0)
            goto done;
        comp_append(c->comp, ">", ks_ev_kind_name(k), false);
        comp_append(c->comp_rev, "+", ks_ev_kind_name(k), true);
        c->depth++;
        budget--;
        cur = &d->in;
    }
done:
    return rc;
}

/* ---- ks_open_file ------------------------------------------------------------------ */

struct ks_opened {
    ks_ev_chain chain;
    char *name;
};

void ks_open_free(ks_opened *o)
{
    if (!o)
        return;
    ks_ev_chain_free(&o->chain);
    free(o->name);
    free(o);
}

static int open_fd_common(ks_opened **out, ks_input **out_input, int fd, const char *name,
                          ks_err *err)
{
    int rc = 0;
    ks_opened *o = calloc(1, sizeof *o);
    ks_ev_fd *f = NULL;
    if (!o || !(o->name = strdup(name))) {
        close(fd);
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    ks_ev_chain_init(&o->chain);
    if ((rc = ks_ev_fd_new(&f, fd, o->name, err)) != 0)
        goto done;
    o->chain.raw = f;
    if ((rc = ks_ev_chain_push(&o->chain, &f->base, err)) != 0)
        goto done;
    rc = ks_ev_chain_build(&o->chain, &f->base.in, o->name, KS_EV_DEFAULT_NESTING,
                           KS_EV_DEFAULT_MAX_MEMBER, false, err);
    if (rc != 0)
        goto done;
    *out_input = &o->chain.top->base.in;
    *out = o;
    o = NULL;
done:
    ks_open_free(o);
    return rc;
}

int ks_open_file(ks_opened **out, ks_input **out_input, const char *path, ks_err *err)
{
    int fd = -1;
    struct stat st;
    const char *skip = NULL;
    int rc = ks_ev_open_file(&fd, &st, &skip, path, true, err);
    if (rc == 1)
        return KS_ERR_AT(err, KS_EUNSUPPORTED, path, -1, -1, "%s", skip);
    if (rc != 0)
        return rc;
    return open_fd_common(out, out_input, fd, path, err);
}

int ks_open_fd(ks_opened **out, ks_input **out_input, int fd, const char *name, ks_err *err)
{
    int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dfd < 0)
        return KS_ERR_AT(err, KS_EIO, name, -1, -1, "cannot duplicate descriptor");
    if (lseek(dfd, 0, SEEK_SET) != 0) {
        close(dfd);
        return KS_ERR_AT(err, KS_EIO, name, -1, -1, "cannot seek to the start");
    }
    return open_fd_common(out, out_input, dfd, name, err);
}

const char *ks_open_compression(const ks_opened *o)
{
    return o->chain.comp;
}

int ks_open_input(ks_opened **out, ks_input **out_input, ks_input *base, const char *name,
                  ks_err *err)
{
    int rc = 0;
    ks_opened *o = calloc(1, sizeof *o);
    if (!o || !(o->name = strdup(name))) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    ks_ev_chain_init(&o->chain);
    rc = ks_ev_chain_build(&o->chain, base, o->name, KS_EV_DEFAULT_NESTING,
                           KS_EV_DEFAULT_MAX_MEMBER, false, err);
    if (rc != 0)
        goto done;
    *out_input = &o->chain.top->base.in;
    *out = o;
    o = NULL;
done:
    ks_open_free(o);
    return rc;
}

void ks_open_head(const ks_opened *o, const uint8_t **out_p, size_t *out_n)
{
    *out_p = o->chain.top->buf;
    *out_n = o->chain.top->len;
}
