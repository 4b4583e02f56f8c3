/* acquire.h — imaging a source (block device, file, standard input, a child's pipe) into an
 * image while computing MD5, SHA-1, SHA-256 and per-chunk SHA-256 in the same single read.
 *
 * Threads: the caller's thread reads; one thread per digest and one writer thread consume a
 * ring of 4 MiB buffers (acquire/pipe.h), so reading, hashing and writing overlap.
 *
 * Read errors of a seekable source (a failing disk): the block is re-read `retries` times,
 * then read sector by sector; sectors that still fail are filled with zeros, recorded as
 * bad ranges, and imaging continues. A source that ends before its known or expected size
 * (an SSH pipe that closed) makes the result KS_ACQ_INCOMPLETE with the bytes received.
 *
 * Test hook (only in builds with AddressSanitizer, i.e. the test build, or when compiled
 * with -DKS_TEST_HOOKS; release builds ignore it): KANSHIKI_TEST_BAD_RANGES="OFF+LEN,..."
 * makes every read of a seekable source that touches those byte ranges fail with EIO, and
 * KANSHIKI_TEST_FLAKY_READS=N makes the first N reads fail once each. The machine this was
 * written on has no device-mapper, so an `error` target could not be used.
 */
#ifndef KS_ACQUIRE_H
#define KS_ACQUIRE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acquire/imgout.h"
#include "core/err.h"

typedef struct ks_range {
    uint64_t off, len;
} ks_range;

typedef enum ks_acq_state {
    KS_ACQ_COMPLETE = 0,
    KS_ACQ_INCOMPLETE = 1,    /* the source ended early or failed: image holds what came */
    KS_ACQ_OUTPUT_FAILED = 2  /* the output could not be written (disk full): image partial */
} ks_acq_state;

const char *ks_acq_state_name(ks_acq_state s); /* "complete", "incomplete", "output-failed" */

typedef struct ks_acq_opts {
    const char *source;    /* path or "-"; with source_fd >= 0 only the label for records */
    int source_fd;         /* -1: open `source` read-only; else read this fd (not closed) */
    const char *source_kind; /* label when source_fd is given ("ssh"); NULL = detect */
    uint64_t expect_size;  /* 0 = take it from the source when it has one */
    ks_imgout_opts out;
    uint64_t chunk_size;   /* per-chunk SHA-256 granularity; 0 = 64 MiB */
    size_t block_size;     /* read size; 0 = 4 MiB */
    unsigned retries;      /* re-reads of a failing block */
    uint32_t sector_size;  /* granularity of bad ranges; 0 = 512 */
    /* Called from the reading thread after every block (may be NULL). */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
    /* Called once the source reached its end, before the result is decided: a remote
     * reader returns nonzero (with err filled) when the remote side failed (may be NULL). */
    int (*source_end)(void *ctx, ks_err *err);
    void *source_end_ctx;
    /* When not NULL and it becomes nonzero (a signal handler sets it), reading stops after
     * the current block and the result is KS_ACQ_INCOMPLETE ("interrupted"). */
    const volatile sig_atomic_t *stop;
} ks_acq_opts;

typedef struct ks_acq_result {
    ks_acq_state state;
    char source_kind[16];  /* "block-device", "file", "stdin", "pipe", "ssh", ... */
    uint64_t source_size;  /* when size_known */
    bool size_known;
    uint64_t bytes;        /* bytes of image content read (bad ranges count, as zeros) */
    uint64_t written;      /* bytes of image content that reached the output */
    char md5[33], sha1[41], sha256[65]; /* over `bytes` (empty when output failed) */
    uint64_t chunk_size;
    char (*chunks)[65];    /* SHA-256 of each chunk_size piece, the last one may be short */
    size_t nchunks;
    ks_range *bad;         /* unreadable ranges, zero-filled in the image */
    size_t nbad;
    char **files;          /* output files created */
    size_t nfiles;
    int64_t start_ns, end_ns; /* UTC, ns since the epoch */
    char **errors;         /* every problem met, formatted "file: offset N: why" */
    size_t nerrors;
} ks_acq_result;

/* Runs an acquisition. Returns 0 when complete; otherwise a negative status with err set,
 * and — unlike most kanshiki functions — `res` is filled anyway (as far as the image got),
 * because the manifest of a partial image is exactly what the examiner needs.
 * KS_EUSAGE/KS_EEXIST/KS_ENOTFOUND before anything was read leave res->state COMPLETE with
 * no files; check res->nfiles. res must be released with ks_acq_result_free. */
int ks_acquire(const ks_acq_opts *o, ks_acq_result *res, ks_err *err);
void ks_acq_result_free(ks_acq_result *r);

/* Current UTC time in ns, and its ISO 8601 form "2026-11-22T18:21:59.123Z" (out >= 32). */
int64_t ks_acq_now(void);
void ks_acq_time_fmt(int64_t ns, char *out, size_t outsz);

#endif
