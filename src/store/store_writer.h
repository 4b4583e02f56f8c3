/* store_writer.h — internal to src/store/: hands the sink's records to writer threads.
 *
 * Ingest is parse-bound on one core and SQLite-bound on another: the parser thread copies
 * each event and source row into a batch (one arena of bytes plus fixed-size items that
 * refer to it by offset), and full batches go to writer threads that bind and step the
 * prepared statements. At most KS_WRITER_INFLIGHT batches are queued, so memory stays
 * bounded whatever the input size; the parser waits when the writers fall behind.
 *
 * Lanes: a writer has one or two lanes, each a thread with its own apply function (and its
 * own database connection). Every batch goes to every lane, in order; each lane applies its
 * part of it (events in one, source rows in the other), and the batch is reused once all
 * lanes are done with it. Batches are numbered from 1 in the order handed over; a lane may
 * wait in its apply function until another lane has applied a given batch
 * (ks_writer_wait_lane), which is how commits are ordered across two database files.
 *
 * Protocol: the store's connections belong to the lanes while batches are in flight.
 * Every other use of them (declare, evidence rows, queries, commit, close) calls
 * ks_writer_sync first, which hands over the partial batch and waits until every lane is
 * idle. A writer error is sticky: later sink calls and syncs return it.
 *
 * Ownership: the ks_writer owns its batches and threads; ks_writer_stop frees them.
 */
#ifndef KS_STORE_WRITER_H
#define KS_STORE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"

#define KS_WRITER_INFLIGHT 3
#define KS_WRITER_MAX_LANES 2

/* A string in a batch's arena; off < 0 is NULL. */
typedef struct ks_wstr {
    int64_t off;
    size_t n;
} ks_wstr;

enum {
    KS_WF_TIME_DESC,
    KS_WF_HOST,
    KS_WF_ACTOR,
    KS_WF_SRC_IP,
    KS_WF_ACTION,
    KS_WF_TARGET,
    KS_WF_OUTCOME,
    KS_WF_ACCOUNT,
    KS_WF_REGION,
    KS_WF_MESSAGE,
    KS_WF_RAW,
    KS_WF_ERROR,
    KS_WF_N
};

/* EVENT: an event, plus a row when slot >= 0; ROW: a row alone. The evidence items keep
 * the order of evidence rows and records without making the parser wait for the writer:
 * EVIDENCE_ADD inserts an evidence row with id n[0] (and, when n[1] is 1, makes it the
 * member the following records belong to; f[] holds its text columns in the order of the
 * KS_WE_ names), EVIDENCE_END updates it with counts n[1..3] and f[] texts. */
typedef enum ks_witem_kind {
    KS_WI_EVENT,
    KS_WI_ROW,
    KS_WI_EVIDENCE_ADD,
    KS_WI_EVIDENCE_END
} ks_witem_kind;

enum { /* f[] of evidence items */
    KS_WE_PATH,
    KS_WE_DISK_PATH,
    KS_WE_INNER_PATH,
    KS_WE_SHA256,
    KS_WE_COMPRESSION,
    KS_WE_SOURCE,
    KS_WE_STATUS,
    KS_WE_NOTE,
    KS_WE_TIME,      /* ingested_at (ADD) */
    KS_WE_FIRST = KS_WE_TIME, /* first_time (END) */
    KS_WE_LAST       /* last_time (END) */
};

typedef struct ks_witem {
    ks_witem_kind kind;
    int slot;           /* the store's table slot, or -1 */
    int64_t time, line, offset;
    int64_t id;         /* EVENT, ROW: the event's (and its row's) or the row's id */
    int64_t n[4];       /* evidence items */
    ks_wstr f[KS_WF_N];
    size_t vals;        /* first of the slot's ncols values in the batch's vals */
} ks_witem;

typedef struct ks_wval {
    int kind; /* ks_val_kind */
    int64_t i;
    double d;
    ks_wstr s;
} ks_wval;

typedef struct ks_wbatch {
    ks_buf arena;
    ks_witem *items;
    size_t n, cap;
    ks_wval *vals;
    size_t nv, capv;
    uint64_t seq;   /* set when handed over: 1, 2, ... */
    bool commit;    /* lanes commit their transaction after applying this batch */
    int left;       /* lanes that have not applied it yet */
    struct ks_wbatch *next[KS_WRITER_MAX_LANES]; /* each lane's queue */
    struct ks_wbatch *free_next;
} ks_wbatch;

/* Copies s into the arena (NULL stays NULL). */
int ks_wbatch_str(ks_wbatch *b, const char *p, size_t n, ks_wstr *out);
/* Makes room for n more bytes of strings in the arena, for ks_wbatch_put. */
int ks_wbatch_reserve(ks_wbatch *b, size_t n);
/* Copies s into room made by ks_wbatch_reserve (NULL stays NULL). */
static inline ks_wstr ks_wbatch_put(ks_wbatch *b, const char *p, size_t n)
{
    if (!p)
        return (ks_wstr){-1, 0};
    size_t off = b->arena.len;
    if (n)
        memcpy(b->arena.data + off, p, n);
    b->arena.len += n;
    b->arena.data[b->arena.len] = '\0';
    return (ks_wstr){(int64_t)off, n};
}
/* Appends an item / n values; pointers stay valid until the next append. */
int ks_wbatch_item(ks_wbatch *b, ks_witem **out);
int ks_wbatch_vals(ks_wbatch *b, size_t n, size_t *out_first);
/* The bytes of a string (NULL when off < 0). */
static inline const char *ks_wbatch_ptr(const ks_wbatch *b, ks_wstr s)
{
    return s.off < 0 ? NULL : b->arena.data + s.off;
}

/* Applies a batch on the writer thread; returns 0 or a ks_status with err filled. */
typedef int (*ks_writer_apply_fn)(void *ctx, const ks_wbatch *b, ks_err *err);

typedef struct ks_writer ks_writer;

typedef struct ks_writer_lane {
    ks_writer_apply_fn fn;
    void *ctx;
    const char *name; /* thread name (shows in top -H and perf), at most 15 bytes */
} ks_writer_lane;

/* Starts one thread per lane (1 or KS_WRITER_MAX_LANES). */
int ks_writer_start(ks_writer **out, const ks_writer_lane *lanes, int nlanes, ks_err *err);
/* From a lane's apply function: waits until `lane` has applied batch `seq` (or a lane
 * failed: then returns the sticky error). */
int ks_writer_wait_lane(ks_writer *w, int lane, uint64_t seq, ks_err *err);
/* The batch being filled by the caller's thread. */
ks_wbatch *ks_writer_batch(ks_writer *w);
/* Hands the current batch over when it is full; returns the sticky writer error if any.
 * Call after each item added to ks_writer_batch(). */
int ks_writer_commit_item(ks_writer *w, ks_err *err);
/* Hands over the partial batch and waits until everything is applied. */
int ks_writer_sync(ks_writer *w, ks_err *err);
/* Syncs, ends the thread and frees everything. Safe on NULL. Returns the sync's status. */
int ks_writer_stop(ks_writer *w, ks_err *err);

#endif
