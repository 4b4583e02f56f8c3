/* pipe.h — a ring of large buffers read once and consumed by several threads in parallel.
 *
 * Why: imaging must read the source once while MD5, SHA-1, SHA-256 and the image writer all
 * see every byte; each of those runs at a different speed, and on a machine with SHA-NI the
 * reader, the hashes and the writer together keep several cores busy. The producer (the
 * caller's thread) fills slots in order; every consumer thread sees every slot in order;
 * a slot is reused only after all consumers released it, so memory stays at nslots*slotsz.
 *
 * Ownership: the pipe owns its slots; consumers' contexts are owned by the caller and must
 * outlive ks_pipe_finish.
 */
#ifndef KS_PIPE_H
#define KS_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KS_PIPE_MAX_CONSUMERS 8

typedef struct ks_pipe ks_pipe;

typedef struct ks_pipe_consumer {
    /* Called for every filled slot in order: data starts at byte `off` of the stream.
     * A nonzero return aborts the whole pipe (the error goes into `err`). */
    int (*consume)(void *ctx, const uint8_t *p, size_t n, uint64_t off, ks_err *err);
    /* Called once after the last slot (not after an abort); may be NULL. */
    int (*finish)(void *ctx, ks_err *err);
    void *ctx;
    ks_err err; /* filled by the consumer thread when it fails */
    int rc;
} ks_pipe_consumer;

/* Starts one thread per consumer. `cons` must stay valid until ks_pipe_finish. */
int ks_pipe_start(ks_pipe **out, size_t nslots, size_t slotsz, ks_pipe_consumer *cons,
                  size_t ncons, ks_err *err);
/* Producer: the next free slot (waits until all consumers released it). NULL when the pipe
 * was aborted by a consumer. */
uint8_t *ks_pipe_slot(ks_pipe *p);
/* Producer: hands the slot obtained from ks_pipe_slot to the consumers with n bytes. */
void ks_pipe_publish(ks_pipe *p, size_t n);
/* 1 when a consumer failed (the producer should stop reading). */
int ks_pipe_aborted(ks_pipe *p);
/* Producer: ends the stream (abort=1: consumers stop without finish), joins the threads
 * and frees the pipe. Returns the first consumer error code (its ks_err in cons[i].err). */
int ks_pipe_finish(ks_pipe *p, int abort);

#endif
