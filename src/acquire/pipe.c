#include "acquire/pipe.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    uint8_t *data;
    size_t len;
    uint64_t off;     /* stream offset of data[0] */
    unsigned pending; /* consumers that have not released it yet */
} slot;

typedef struct worker {
    ks_pipe *pipe;
    ks_pipe_consumer *c;
    pthread_t th;
    bool started;
} worker;

struct ks_pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv_free, cv_data;
    slot *slots;
    size_t nslots, slotsz;
    uint64_t produced; /* slots published so far */
    uint64_t offset;   /* stream bytes published so far */
    bool eof, abort;
    worker w[KS_PIPE_MAX_CONSUMERS];
    size_t nw;
};

static void *worker_main(void *arg)
{
    worker *w = arg;
    ks_pipe *p = w->pipe;
    uint64_t next = 0;
    ks_err_clear(&w->c->err);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (next >= p->produced && !p->eof && !p->abort)
            pthread_cond_wait(&p->cv_data, &p->mu);
        if (p->abort || next >= p->produced) {
            bool ended = !p->abort;
            pthread_mutex_unlock(&p->mu);
            if (ended && w->c->finish)
                w->c->rc = w->c->finish(w->c->ctx, &w->c->err);
            break;
        }
        slot *s = &p->slots[next % p->nslots];
        pthread_mutex_unlock(&p->mu);

        int rc = w->c->consume(w->c->ctx, s->data, s->len, s->off, &w->c->err);

        pthread_mutex_lock(&p->mu);
        if (--s->pending == 0)
            pthread_cond_broadcast(&p->cv_free);
        if (rc) {
            w->c->rc = rc;
            p->abort = true;
            pthread_cond_broadcast(&p->cv_free);
            pthread_cond_broadcast(&p->cv_data);
        }
        pthread_mutex_unlock(&p->mu);
        if (rc)
            break;
        next++;
    }
    return NULL;
}

static void pipe_free(ks_pipe *p)
{
    for (size_t i = 0; i < p->nslots; i++)
        free(p->slots[i].data);
    free(p->slots);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_free);
    pthread_cond_destroy(&p->cv_data);
    free(p);
}

int ks_pipe_start(ks_pipe **out, size_t nslots, size_t slotsz, ks_pipe_consumer *cons,
                  size_t ncons, ks_err *err)
{
    int rc = 0;
    ks_pipe *p = NULL;
    if (ncons > KS_PIPE_MAX_CONSUMERS || nslots < 2 || !slotsz)
        return KS_ERR(err, KS_EUSAGE, "pipe: bad geometry");
    p = calloc(1, sizeof *p);
    if (!p)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_free, NULL);
    pthread_cond_init(&p->cv_data, NULL);
    p->nslots = nslots;
    p->slotsz = slotsz;
    p->slots = calloc(nslots, sizeof *p->slots);
    if (!p->slots) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nslots; i++) {
        if (posix_memalign((void **)&p->slots[i].data, 4096, slotsz)) {
            p->slots[i].data = NULL;
            rc = KS_ERR(err, KS_ENOMEM, "out of memory for %zu buffers of %zu bytes", nslots,
                        slotsz);
            goto done;
        }
    }
    for (size_t i = 0; i < ncons; i++) {
        p->w[i].pipe = p;
        p->w[i].c = &cons[i];
        cons[i].rc = 0;
        if (pthread_create(&p->w[i].th, NULL, worker_main, &p->w[i])) {
            rc = KS_ERR(err, KS_ENOMEM, "cannot start a thread");
            goto done;
        }
        p->w[i].started = true;
        p->nw = i + 1;
    }
done:
    if (rc) {
        if (p->nw) {
            ks_pipe_finish(p, 1);
            return rc;
        }
        pipe_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

uint8_t *ks_pipe_slot(ks_pipe *p)
{
    slot *s = &p->slots[p->produced % p->nslots];
    pthread_mutex_lock(&p->mu);
    while (s->pending && !p->abort)
        pthread_cond_wait(&p->cv_free, &p->mu);
    bool ab = p->abort;
    pthread_mutex_unlock(&p->mu);
    return ab ? NULL : s->data;
}

void ks_pipe_publish(ks_pipe *p, size_t n)
{
    pthread_mutex_lock(&p->mu);
    slot *s = &p->slots[p->produced % p->nslots];
    s->len = n;
    s->off = p->offset;
    s->pending = (unsigned)p->nw;
    p->offset += n;
    p->produced++;
    pthread_cond_broadcast(&p->cv_data);
    pthread_mutex_unlock(&p->mu);
}

int ks_pipe_aborted(ks_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    int ab = p->abort;
    pthread_mutex_unlock(&p->mu);
    return ab;
}

int ks_pipe_finish(ks_pipe *p, int abort)
{
    pthread_mutex_lock(&p->mu);
    p->eof = true;
    if (abort)
        p->abort = true;
    pthread_cond_broadcast(&p->cv_data);
    pthread_cond_broadcast(&p->cv_free);
    pthread_mutex_unlock(&p->mu);
    int rc = 0;
    for (size_t i = 0; i < p->nw; i++) {
        if (p->w[i].started)
            pthread_join(p->w[i].th, NULL);
        if (!rc && p->w[i].c->rc)
            rc = p->w[i].c->rc;
    }
    pipe_free(p);
    return rc;
}
