/* fuzz_lines — the bounded line reader. The first byte picks the read size (1..16) and
 * max_line (1..64). Properties: every line's bytes are the input's bytes at its offset;
 * line numbers count up from 1; a line is never longer than max_line; when not too long,
 * the line ends at a '\n' (or "\r\n") or at the end of input (no_newline); the next line
 * starts right after that terminator (after a too-long line: after the next '\n'). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

typedef struct step_input {
    ks_mem_input m;
    size_t step;
} step_input;

static int step_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    (void)err;
    step_input *s = ctx;
    size_t left = s->m.len - s->m.pos;
    size_t n = len < left ? len : left;
    if (n > s->step)
        n = s->step;
    memcpy(buf, s->m.p + s->m.pos, n);
    s->m.pos += n;
    *out_n = n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t step = (size_t)(data[0] & 15) + 1;
    size_t max_line = (size_t)(data[0] >> 2) + 1;
    data++;
    size--;
    step_input si;
    ks_input in;
    ks_input_mem(&in, &si.m, data, size, "fuzz");
    si.step = step;
    in.read = step_read;
    in.ctx = &si;
    ks_lines *l = NULL;
    CHECK(ks_lines_new(&l, &in, max_line) == 0);
    ks_line ln;
    ks_err e;
    int rc;
    size_t expect_off = 0;
    int64_t lineno = 0;
    while ((rc = ks_lines_next(l, &ln, &e)) == 0) {
        CHECK(ln.lineno == ++lineno);
        CHECK(ln.offset == (int64_t)expect_off);
        CHECK(ln.n <= max_line);
        CHECK(ln.offset >= 0 && (size_t)ln.offset + ln.n <= size);
        CHECK(ln.n == 0 || memcmp(ln.p, data + ln.offset, ln.n) == 0);
        size_t end = (size_t)ln.offset + ln.n; /* first byte after the returned text */
        if (ln.too_long) {
            const uint8_t *nl = memchr(data + end, '\n', size - end);
            expect_off = nl ? (size_t)(nl - data) + 1 : size;
            CHECK(!ln.no_newline || !nl);
        } else if (ln.no_newline) {
            CHECK(end == size && !memchr(data + ln.offset, '\n', ln.n));
            expect_off = size;
        } else {
            if (end < size && data[end] == '\r')
                end++;
            CHECK(end < size && data[end] == '\n');
            CHECK(!memchr(data + ln.offset, '\n', ln.n));
            expect_off = end + 1;
        }
    }
    CHECK(rc == KS_EOF);
    CHECK(expect_off == size);
    ks_lines_free(l);
    return 0;
}
