/* io.h — the byte-stream interface every parser reads through, and a bounded line reader.
 *
 * A ks_input is a pull source of bytes (a decompressed evidence member, a memory buffer in
 * tests and fuzzers). Parsers never open files themselves: the evidence layer hands them a
 * ks_input, so the same parser code runs on files, archive members and fuzz inputs.
 */
#ifndef KS_IO_H
#define KS_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct ks_input {
    /* Reads up to len bytes into buf. Sets *out_n (0 = end of input) and returns 0, or a
     * negative ks_status with err filled (e.g. a truncated gzip: KS_ECORRUPT, with the
     * bytes decoded before the damage already delivered by earlier calls). */
    int (*read)(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err);
    void *ctx;
    const char *name; /* display path for messages, not owned */
} ks_input;

/* A memory-backed input (tests, fuzzers). `m` must outlive `in`. */
typedef struct ks_mem_input {
    const uint8_t *p;
    size_t len;
    size_t pos;
} ks_mem_input;
void ks_input_mem(ks_input *in, ks_mem_input *m, const void *p, size_t len, const char *name);

/* Reads the whole input into out (bounded by out->max). */
int ks_input_read_all(ks_input *in, ks_buf *out, ks_err *err);

/* ---- line reader ------------------------------------------------------------------
 * Splits an input into lines ("\n" or "\r\n"; the terminator is not part of the line).
 * Memory is bounded by max_line: a longer line is returned truncated with `too_long` set,
 * and the reader skips to the next newline without buffering the rest. A last line without
 * a newline is returned (with `no_newline` set) so truncated files lose nothing. */
typedef struct ks_lines ks_lines;

typedef struct ks_line {
    const char *p;   /* valid until the next call; not NUL-terminated */
    size_t n;
    int64_t lineno;  /* 1-based */
    int64_t offset;  /* byte offset of the line's first byte in the input */
    bool too_long;   /* the line exceeded max_line and was cut to max_line bytes */
    bool no_newline; /* last line of the input had no terminator */
} ks_line;

int ks_lines_new(ks_lines **out, ks_input *in, size_t max_line);
/* 0 with *out filled, KS_EOF at the end, or KS_EIO for an input error such as a
 * truncated gzip (err filled with the input's own message and offset; every complete line
 * before the error was returned first). */
int ks_lines_next(ks_lines *l, ks_line *out, ks_err *err);
void ks_lines_free(ks_lines *l);

#endif
