/* store_writer.c — batches of sink records applied by a writer thread (see store_writer.h). */
#include "store/store_writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* A batch is handed over at whichever limit comes first. Items are ~200 bytes; the arena
 * holds the strings (raw records dominate). */
#define BATCH_ITEMS 4096
#define BATCH_BYTES (4u << 20)
/* One record may be larger than BATCH_BYTES; the arena's hard ceiling. */
#define ARENA_MAX ((size_t)1 << 31)

typedef struct lane {
    ks_writer *w;
    int index;
    pthread_t thread;
    bool started;
    ks_writer_apply_fn fn;
    void *ctx;
    ks_wbatch *queue, *queue_tail;
    uint64_t done_seq; /* the last batch this lane applied (under mu) */
} lane;

struct ks_writer {
    pthread_mutex_t mu;
    pthread_cond_t work;  /* a batch was queued, or quit */
    pthread_cond_t space; /* a lane applied a batch */
    lane lanes[KS_WRITER_MAX_LANES];
    int nlanes;
    ks_wbatch *free_list;
    int inflight; /* batches queued or being applied by some lane */
    uint64_t seq; /* of the last batch handed over */
    bool quit;
    atomic_bool failed;
    ks_err err; /* the writers' first error (under mu) */
    ks_wbatch *cur; /* being filled by the producer */
};

static ks_wbatch *batch_new(void)
{
    ks_wbatch *b = calloc(1, sizeof *b);
    if (b)
        ks_buf_init(&b->arena, ARENA_MAX);
    return b;
}

static void batch_reset(ks_wbatch *b)
{
    ks_buf_reset(&b->arena);
    b->n = b->nv = 0;
    b->commit = false;
    b->seq = 0;
    b->left = 0;
    b->free_next = NULL;
    for (int i = 0; i < KS_WRITER_MAX_LANES; i++)
        b->next[i] = NULL;
}

static void batch_free(ks_wbatch *b)
{
    if (!b)
        return;
    ks_buf_free(&b->arena);
    free(b->items);
    free(b->vals);
    free(b);
}

int ks_wbatch_str(ks_wbatch *b, const char *p, size_t n, ks_wstr *out)
{
    if (!p) {
        out->off = -1;
        out->n = 0;
        return 0;
    }
    size_t off = b->arena.len;
    int rc = ks_buf_append(&b->arena, p, n);
    if (rc)
        return rc;
    out->off = (int64_t)off;
    out->n = n;
    return 0;
}

int ks_wbatch_reserve(ks_wbatch *b, size_t n)
{
    return ks_buf_reserve(&b->arena, n);
}

int ks_wbatch_item(ks_wbatch *b, ks_witem **out)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        ks_witem *p = realloc(b->items, cap * sizeof *p);
        if (!p)
            return KS_ENOMEM;
        b->items = p;
        b->cap = cap;
    }
    *out = &b->items[b->n++];
    return 0;
}

int ks_wbatch_vals(ks_wbatch *b, size_t n, size_t *out_first)
{
    if (n > ((size_t)1 << 20) || b->nv > SIZE_MAX / 2 - n)
        return KS_ELIMIT;
    if (b->nv + n > b->capv) {
        size_t cap = b->capv ? b->capv : 1024;
        while (cap < b->nv + n)
            cap *= 2;
        ks_wval *p = realloc(b->vals, cap * sizeof *p);
        if (!p)
            return KS_ENOMEM;
        b->vals = p;
        b->capv = cap;
    }
    *out_first = b->nv;
    b->nv += n;
    return 0;
}

static void *lane_main(void *arg)
{
    lane *l = arg;
    ks_writer *w = l->w;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!l->queue && !w->quit)
            pthread_cond_wait(&w->work, &w->mu);
        if (!l->queue)
            break; /* quit with nothing left */
        ks_wbatch *b = l->queue;
        l->queue = b->next[l->index];
        if (!l->queue)
            l->queue_tail = NULL;
        bool skip = atomic_load(&w->failed);
        pthread_mutex_unlock(&w->mu);

        ks_err e;
        ks_err_clear(&e);
        int rc = skip ? 0 : l->fn(l->ctx, b, &e);

        pthread_mutex_lock(&w->mu);
        if (rc && !atomic_load(&w->failed)) {
            w->err = e;
            if (!w->err.code)
                w->err.code = rc;
            atomic_store(&w->failed, true);
        }
        l->done_seq = b->seq;
        if (--b->left == 0) {
            batch_reset(b);
            b->free_next = w->free_list;
            w->free_list = b;
            w->inflight--;
        }
        pthread_cond_broadcast(&w->space);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void writer_free(ks_writer *w)
{
    while (w->free_list) {
        ks_wbatch *b = w->free_list;
        w->free_list = b->free_next;
        batch_free(b);
    }
    batch_free(w->cur);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->space);
    free(w);
}

static void writer_join(ks_writer *w)
{
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_broadcast(&w->work);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < w->nlanes; i++)
        if (w->lanes[i].started)
            pthread_join(w->lanes[i].thread, NULL);
}

int ks_writer_start(ks_writer **out, const ks_writer_lane *lanes, int nlanes, ks_err *err)
{
    if (nlanes < 1 || nlanes > KS_WRITER_MAX_LANES)
        return KS_ERR(err, KS_EUSAGE, "case writer: %d lanes", nlanes);
    ks_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->cur = batch_new())) {
        free(w);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    atomic_init(&w->failed, false);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->space, NULL);
    w->nlanes = nlanes;
    for (int i = 0; i < nlanes; i++) {
        lane *l = &w->lanes[i];
        l->w = w;
        l->index = i;
        l->fn = lanes[i].fn;
        l->ctx = lanes[i].ctx;
        if (pthread_create(&l->thread, NULL, lane_main, l) != 0) {
            writer_join(w);
            writer_free(w);
            return KS_ERR(err, KS_EIO, "cannot start the case writer thread");
        }
        l->started = true;
        pthread_setname_np(l->thread, lanes[i].name ? lanes[i].name : "ks-writer");
    }
    *out = w;
    return 0;
}

ks_wbatch *ks_writer_batch(ks_writer *w)
{
    return w->cur;
}

static int sticky(ks_writer *w, ks_err *err)
{
    pthread_mutex_lock(&w->mu);
    int rc = w->err.code ? w->err.code : KS_EDB;
    if (err)
        *err = w->err;
    pthread_mutex_unlock(&w->mu);
    return rc;
}

int ks_writer_wait_lane(ks_writer *w, int lane_index, uint64_t seq, ks_err *err)
{
    if (lane_index < 0 || lane_index >= w->nlanes)
        return 0;
    pthread_mutex_lock(&w->mu);
    while (w->lanes[lane_index].done_seq < seq && !atomic_load(&w->failed))
        pthread_cond_wait(&w->space, &w->mu);
    pthread_mutex_unlock(&w->mu);
    return atomic_load(&w->failed) ? sticky(w, err) : 0;
}

/* Queues the current batch on every lane (waiting for room) and takes an empty one. */
static int hand_over(ks_writer *w, ks_err *err)
{
    pthread_mutex_lock(&w->mu);
    while (w->inflight >= KS_WRITER_INFLIGHT)
        pthread_cond_wait(&w->space, &w->mu);
    ks_wbatch *b = w->cur;
    b->seq = ++w->seq;
    b->left = w->nlanes;
    for (int i = 0; i < w->nlanes; i++) {
        lane *l = &w->lanes[i];
        b->next[i] = NULL;
        if (l->queue_tail)
            l->queue_tail->next[i] = b;
        else
            l->queue = b;
        l->queue_tail = b;
    }
    w->inflight++;
    pthread_cond_broadcast(&w->work);
    ks_wbatch *fresh = w->free_list;
    if (!fresh) {
        pthread_mutex_unlock(&w->mu);
        fresh = batch_new();
        pthread_mutex_lock(&w->mu);
        /* Out of memory: one of the queued batches comes back when applied. */
        while (!fresh && !w->free_list)
            pthread_cond_wait(&w->space, &w->mu);
    }
    if (!fresh) {
        fresh = w->free_list;
        w->free_list = fresh->free_next;
    } else if (fresh == w->free_list) {
        w->free_list = fresh->free_next;
    }
    pthread_mutex_unlock(&w->mu);
    fresh->free_next = NULL;
    w->cur = fresh;
    (void)err;
    return 0;
}

int ks_writer_commit_item(ks_writer *w, ks_err *err)
{
    if (atomic_load(&w->failed))
        return sticky(w, err);
    if (w->cur->n < BATCH_ITEMS && w->cur->arena.len < BATCH_BYTES)
        return 0;
    return hand_over(w, err);
}

int ks_writer_sync(ks_writer *w, ks_err *err)
{
    if (!w)
        return 0;
    if (w->cur && (w->cur->n || w->cur->commit)) {
        int rc = hand_over(w, err);
        if (rc)
            return rc;
    }
    pthread_mutex_lock(&w->mu);
    while (w->inflight > 0)
        pthread_cond_wait(&w->space, &w->mu);
    pthread_mutex_unlock(&w->mu);
    if (atomic_load(&w->failed))
        return sticky(w, err);
    return 0;
}

int ks_writer_stop(ks_writer *w, ks_err *err)
{
    if (!w)
        return 0;
    int rc = ks_writer_sync(w, err);
    writer_join(w);
    writer_free(w);
    return rc;
}
