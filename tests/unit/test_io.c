#include "ktest.h"

#include <stdlib.h>

#include "core/io.h"

/* An input that hands out at most `step` bytes per read and can fail after `fail_at`. */
typedef struct step_input {
    ks_mem_input m;
    size_t step;
    size_t fail_at; /* 0 = never */
} step_input;

static int step_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    step_input *s = ctx;
    if (s->fail_at && s->m.pos >= s->fail_at)
        return KS_CORRUPT(err, "x.gz", -1, (int64_t)s->m.pos, "truncated gzip member");
    size_t left = s->m.len - s->m.pos;
    size_t n = len < left ? len : left;
    if (n > s->step)
        n = s->step;
    if (s->fail_at && s->m.pos + n > s->fail_at)
        n = s->fail_at - s->m.pos;
    memcpy(buf, s->m.p + s->m.pos, n);
    s->m.pos += n;
    *out_n = n;
    return 0;
}

static void step_init(ks_input *in, step_input *s, const char *text, size_t len, size_t step)
{
    ks_input_mem(in, &s->m, text, len, "mem");
    s->step = step;
    s->fail_at = 0;
    in->read = step_read;
    in->ctx = s;
}

KTEST(test_input_read_all_reads_everything_in_small_steps)
{
    const char *t = "hello, world";
    ks_input in;
    step_input s;
    step_init(&in, &s, t, strlen(t), 3);
    ks_buf b;
    ks_buf_init(&b, 0);
    ks_err e;
    ks_err_clear(&e);
    KT_EQ_INT(ks_input_read_all(&in, &b, &e), 0);
    KT_EQ_MEM(b.data, b.len, "hello, world");
    ks_buf_free(&b);
}

KTEST(test_input_read_all_stops_at_buffer_max)
{
    const char *t = "0123456789";
    ks_input in;
    ks_mem_input m;
    ks_buf b;
    ks_err e;
    ks_input_mem(&in, &m, t, 10, "mem");
    ks_buf_init(&b, 10);
    KT_EQ_INT(ks_input_read_all(&in, &b, &e), 0); /* exactly max is fine */
    KT_EQ_INT(b.len, 10);
    ks_buf_free(&b);
    ks_input_mem(&in, &m, t, 10, "mem");
    ks_buf_init(&b, 9);
    KT_EQ_INT(ks_input_read_all(&in, &b, &e), KS_ELIMIT);
    ks_buf_free(&b);
}

typedef struct got_line {
    char text[64];
    int64_t lineno, offset;
    bool too_long, no_newline;
} got_line;

/* Reads all lines (at most 16); returns the final status (KS_EOF or an error). */
static int read_lines(ks_input *in, size_t max_line, got_line *g, int *count)
{
    ks_lines *l = NULL;
    ks_err e;
    ks_err_clear(&e);
    int rc = ks_lines_new(&l, in, max_line);
    if (rc)
        return rc;
    *count = 0;
    ks_line ln;
    while ((rc = ks_lines_next(l, &ln, &e)) == 0) {
        if (*count < 16) {
            got_line *x = &g[*count];
            size_t n = ln.n < sizeof x->text - 1 ? ln.n : sizeof x->text - 1;
            memcpy(x->text, ln.p, n);
            x->text[n] = '\0';
            x->lineno = ln.lineno;
            x->offset = ln.offset;
            x->too_long = ln.too_long;
            x->no_newline = ln.no_newline;
        }
        (*count)++;
    }
    ks_lines_free(l);
    return rc;
}

KTEST(test_lines_crlf_lf_and_last_line_without_newline)
{
    const char *t = "a\r\nbb\n\nccc";
    for (size_t step = 1; step <= 4; step++) {
        ks_input in;
        step_input s;
        step_init(&in, &s, t, strlen(t), step);
        got_line g[16];
        int n = 0;
        KT_EQ_INT(read_lines(&in, 100, g, &n), KS_EOF);
        KT_REQUIRE(n == 4);
        KT_EQ_STR(g[0].text, "a");
        KT_EQ_INT(g[0].offset, 0);
        KT_EQ_STR(g[1].text, "bb");
        KT_EQ_INT(g[1].offset, 3);
        KT_EQ_INT(g[1].lineno, 2);
        KT_EQ_STR(g[2].text, "");
        KT_EQ_INT(g[2].offset, 6);
        KT_EQ_STR(g[3].text, "ccc");
        KT_EQ_INT(g[3].offset, 7);
        KT_EQ_INT(g[3].lineno, 4);
        KT_CHECK(g[3].no_newline);
        KT_CHECK(!g[2].no_newline);
    }
}

KTEST(test_lines_empty_input_is_eof_at_once)
{
    ks_input in;
    ks_mem_input m;
    ks_input_mem(&in, &m, "", 0, "mem");
    got_line g[16];
    int n = -1;
    KT_EQ_INT(read_lines(&in, 10, g, &n), KS_EOF);
    KT_EQ_INT(n, 0);
}

KTEST(test_lines_too_long_line_is_cut_and_rest_skipped)
{
    const char *t = "short\n0123456789abcdef\nnext\n0123456789\r\n";
    for (size_t step = 1; step <= 7; step += 3) {
        ks_input in;
        step_input s;
        step_init(&in, &s, t, strlen(t), step);
        got_line g[16];
        int n = 0;
        KT_EQ_INT(read_lines(&in, 10, g, &n), KS_EOF);
        KT_REQUIRE(n == 4);
        KT_EQ_STR(g[0].text, "short");
        KT_EQ_STR(g[1].text, "0123456789");
        KT_CHECK(g[1].too_long);
        KT_EQ_INT(g[1].offset, 6);
        KT_EQ_STR(g[2].text, "next");
        KT_EQ_INT(g[2].lineno, 3);
        KT_EQ_INT(g[2].offset, 23);
        KT_CHECK(!g[2].too_long);
        KT_EQ_STR(g[3].text, "0123456789"); /* exactly max_line before CRLF: not too long */
        KT_CHECK(!g[3].too_long);
    }
}

KTEST(test_lines_long_line_memory_is_bounded_by_max_line)
{
    /* 5 MB line with max_line 100: returned cut; the next line still comes out. */
    size_t big = 5u << 20;
    char *t = malloc(big + 8);
    KT_REQUIRE(t);
    memset(t, 'x', big);
    memcpy(t + big, "\nok\n", 4);
    ks_input in;
    ks_mem_input m;
    ks_input_mem(&in, &m, t, big + 4, "mem");
    got_line g[16];
    int n = 0;
    KT_EQ_INT(read_lines(&in, 100, g, &n), KS_EOF);
    KT_REQUIRE(n == 2);
    KT_CHECK(g[0].too_long);
    KT_EQ_STR(g[1].text, "ok");
    KT_EQ_INT(g[1].offset, (int64_t)big + 1);
    KT_EQ_INT(g[1].lineno, 2);
    free(t);
}

KTEST(test_lines_input_error_comes_after_the_complete_lines)
{
    const char *t = "one\ntwo\nthr";
    ks_input in;
    step_input s;
    step_init(&in, &s, t, strlen(t), 2);
    s.fail_at = 10; /* "one\ntwo\nth" delivered, then the input fails */
    ks_lines *l = NULL;
    KT_REQUIRE(ks_lines_new(&l, &in, 64) == 0);
    ks_line ln;
    ks_err e;
    ks_err_clear(&e);
    KT_EQ_INT(ks_lines_next(l, &ln, &e), 0);
    KT_EQ_MEM(ln.p, ln.n, "one");
    KT_EQ_INT(ks_lines_next(l, &ln, &e), 0);
    KT_EQ_MEM(ln.p, ln.n, "two");
    KT_EQ_INT(ks_lines_next(l, &ln, &e), 0);
    KT_EQ_MEM(ln.p, ln.n, "th");
    KT_CHECK(ln.no_newline);
    KT_EQ_INT(ks_lines_next(l, &ln, &e), KS_EIO); /* input failure, told apart from a bad line */
    KT_EQ_STR(e.msg, "truncated gzip member");
    KT_EQ_INT(ks_lines_next(l, &ln, &e), KS_EOF);
    ks_lines_free(l);
}

KTEST(test_lines_lone_cr_is_content_not_a_terminator)
{
    const char *t = "a\rb\r\nc\r";
    ks_input in;
    ks_mem_input m;
    ks_input_mem(&in, &m, t, strlen(t), "mem");
    got_line g[16];
    int n = 0;
    KT_EQ_INT(read_lines(&in, 100, g, &n), KS_EOF);
    KT_REQUIRE(n == 2);
    KT_EQ_STR(g[0].text, "a\rb");
    KT_EQ_STR(g[1].text, "c\r"); /* no '\n' follows: the CR is data */
    KT_CHECK(g[1].no_newline);
    KT_EQ_INT(g[1].offset, 5);
}
