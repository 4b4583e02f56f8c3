#include "core/prefetch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NBUF 3

typedef struct slot {
    char *data;
    size_t len;  /* bytes filled */
    size_t pos;  /* bytes consumed */
    bool full;   /* ready for the consumer */
} slot;

struct ks_prefetch {
    ks_input *inner;
    size_t chunk;
    slot s[NBUF];
    int prod, cons;      /* next slot to fill / to read */
    bool done;           /* producer reached the end or an error */
    bool stop;           /* consumer is going away */
    int err_code;        /* inner error, delivered after the data */
    ks_err err;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    bool started;
};

static void *producer(void *arg)
{
    ks_prefetch *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->s[p->prod].full && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        slot *sl = &p->s[p->prod];
        pthread_mutex_unlock(&p->mu);

        /* Fill the slot outside the lock: this is the slow part (decompression). */
        size_t len = 0;
        int rc = 0;
        ks_err e;
        ks_err_clear(&e);
        while (len < p->chunk) {
            size_t n = 0;
            rc = p->inner->read(p->inner->ctx, sl->data + len, p->chunk - len, &n, &e);
            if (rc || n == 0)
                break;
            len += n;
        }
        pthread_mutex_lock(&p->mu);
        sl->len = len;
        sl->pos = 0;
        bool end = rc != 0 || len < p->chunk;
        if (len)
            sl->full = true;
        if (end) {
            p->done = true;
            p->err_code = rc;
            p->err = e;
        }
        p->prod = (p->prod + 1) % NBUF;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (end)
            return NULL;
    }
}

static int pf_read(void *ctx, void *buf, size_t want, size_t *out_n, ks_err *err)
{
    ks_prefetch *p = ctx;
    *out_n = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        slot *sl = &p->s[p->cons];
        if (sl->full) {
            size_t n = sl->len - sl->pos;
            if (n > want)
                n = want;
            memcpy(buf, sl->data + sl->pos, n);
            sl->pos += n;
            if (sl->pos == sl->len) {
                sl->full = false;
                p->cons = (p->cons + 1) % NBUF;
                pthread_cond_broadcast(&p->cv);
            }
            *out_n = n;
            pthread_mutex_unlock(&p->mu);
            return 0;
        }
        if (p->done) {
            int rc = p->err_code;
            if (rc && err)
                *err = p->err;
            p->err_code = 0; /* report it once, then end of input */
            pthread_mutex_unlock(&p->mu);
            return rc;
        }
        pthread_cond_wait(&p->cv, &p->mu);
    }
}

int ks_prefetch_new(ks_prefetch **out, ks_input *inner, size_t chunk, ks_input *out_in)
{
    ks_prefetch *p = calloc(1, sizeof *p);
    if (!p)
        return KS_ENOMEM;
    p->inner = inner;
    p->chunk = chunk ? chunk : (size_t)1 << 20;
    for (int i = 0; i < NBUF; i++) {
        p->s[i].data = malloc(p->chunk);
        if (!p->s[i].data) {
            ks_prefetch_free(p);
            return KS_ENOMEM;
        }
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->th, NULL, producer, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        for (int i = 0; i < NBUF; i++)
            free(p->s[i].data);
        free(p);
        return KS_ENOMEM;
    }
    pthread_setname_np(p->th, "ks-prefetch"); /* shows in top -H and perf */
    p->started = true;
    out_in->read = pf_read;
    out_in->ctx = p;
    out_in->name = inner->name;
    *out = p;
    return 0;
}

void ks_prefetch_free(ks_prefetch *p)
{
    if (!p)
        return;
    if (p->started) {
        pthread_mutex_lock(&p->mu);
        p->stop = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->th, NULL);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
    }
    for (int i = 0; i < NBUF; i++)
        free(p->s[i].data);
    free(p);
}
