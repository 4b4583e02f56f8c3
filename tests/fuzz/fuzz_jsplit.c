/* fuzz_jsplit — the record splitter over a memory input. The first byte picks the read
 * size (1..16 bytes per read, so refills happen everywhere) and a small max_record.
 * Properties:
 *   - every returned record or error stretch lies within the input, and its bytes are
 *     exactly the input's bytes at its offset; its line number counts the newlines before;
 *   - offsets of good records strictly increase and indexes count them;
 *   - the run terminates in a bounded number of calls, ending in KS_EOF;
 *   - the results (status, offset, length, line, error offset) do not depend on the read
 *     size: a second run with one big read must give the same sequence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/json.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define MAXREC 4096

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

typedef struct item {
    int rc;
    int64_t off, line, err_off;
    size_t n;
} item;

static int64_t *lines_before; /* lines_before[i]: newlines in data[0..i) */

static size_t run(const uint8_t *data, size_t size, size_t step, size_t max_record, item *out,
                  size_t max_items)
{
    static const char *const wrap[] = {"Records", "a", NULL};
    step_input si;
    ks_input in;
    ks_input_mem(&in, &si.m, data, size, "fuzz");
    si.step = step;
    in.read = step_read;
    in.ctx = &si;
    ks_jsplit_opts o = {wrap, max_record};
    ks_jsplit *s = NULL;
    CHECK(ks_jsplit_new(&s, &in, &o) == 0);
    size_t n = 0;
    int64_t last_off = -1, good = 0;
    for (size_t calls = 0;; calls++) {
        CHECK(calls <= 2 * size + 8); /* progress on every call */
        ks_jrecord r;
        ks_err e;
        ks_err_clear(&e);
        int rc = ks_jsplit_next(s, &r, &e);
        if (rc == KS_EOF)
            break;
        CHECK(rc == 0 || rc == KS_ECORRUPT);
        CHECK(r.n <= max_record);
        if (r.n) {
            CHECK(r.offset >= 0 && (uint64_t)r.offset + r.n <= size);
            CHECK(memcmp(r.p, data + r.offset, r.n) == 0);
            CHECK(r.lineno == lines_before[r.offset] + 1);
        }
        if (rc == 0) {
            CHECK(r.n > 0);
            CHECK(r.offset > last_off);
            CHECK(r.index == good);
            last_off = r.offset;
            good++;
        } else {
            CHECK(e.offset >= 0 && (uint64_t)e.offset <= size);
        }
        if (n < max_items) {
            out[n].rc = rc;
            out[n].off = r.offset;
            out[n].n = r.n;
            out[n].line = r.lineno;
            out[n].err_off = rc ? e.offset : -1;
        }
        n++;
    }
    ks_jsplit_free(s);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t step = (size_t)(data[0] & 15) + 1;
    size_t max_record = data[0] & 16 ? 32 : MAXREC;
    data++;
    size--;
    lines_before = malloc((size + 1) * sizeof *lines_before);
    CHECK(lines_before);
    lines_before[0] = 0;
    for (size_t i = 0; i < size; i++)
        lines_before[i + 1] = lines_before[i] + (data[i] == '\n');
    static item a[512], b[512];
    size_t na = run(data, size, step, max_record, a, 512);
    size_t nb = run(data, size, size + 1, max_record, b, 512);
    CHECK(na == nb);
    for (size_t i = 0; i < na && i < 512; i++) {
        CHECK(a[i].rc == b[i].rc && a[i].off == b[i].off && a[i].n == b[i].n);
        CHECK(a[i].line == b[i].line && a[i].err_off == b[i].err_off);
    }
    free(lines_before);
    return 0;
}
