#include "ktest.h"

#include <stdio.h>

#include "parsers/lineloop.h"

/* What the callback saw, as "LINENO@OFFSET[trimmed]/RAWLEN " per line. */
typedef struct seen {
    char s[512];
    size_t n;
    int stop_at; /* return an error at this line number (0 = never) */
} seen;

static int collect(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    seen *w = arg;
    int k = snprintf(w->s + w->n, sizeof w->s - w->n, "%lld@%lld[%.*s]/%zu ", (long long)ln->lineno,
                     (long long)ln->offset, (int)n, ln->p, ln->n);
    if (k > 0 && (size_t)k < sizeof w->s - w->n)
        w->n += (size_t)k;
    if (w->stop_at && ln->lineno == w->stop_at)
        return KS_ERR(err, KS_EDB, "store failed");
    return 0;
}

static int run(const char *text, unsigned flags, seen *w, ks_err *e)
{
    ks_input in;
    ks_mem_input m;
    ks_input_mem(&in, &m, text, strlen(text), "mem");
    ks_err_clear(e);
    return ks_lineloop(&in, 64, flags, collect, w, e);
}

KTEST(test_lineloop_trims_the_bytes_its_flags_name_and_keeps_the_raw_length)
{
    const char *t = "a \t\r\r\nb\r\n  \n\t\nc";
    ks_err e;
    seen w = {0};
    KT_EQ_INT(run(t, KS_LL_TRIM_CR | KS_LL_TRIM_SPACE, &w, &e), 0);
    KT_EQ_STR(w.s, "1@0[a \t]/4 2@6[b]/1 3@9[]/2 4@12[\t]/1 5@14[c]/1 ");
    seen w2 = {0};
    KT_EQ_INT(run(t, 0, &w2, &e), 0);
    KT_EQ_STR(w2.s, "1@0[a \t\r]/4 2@6[b]/1 3@9[  ]/2 4@12[\t]/1 5@14[c]/1 ");
}

KTEST(test_lineloop_skip_empty_drops_lines_left_empty_by_the_trimming)
{
    ks_err e;
    seen w = {0};
    KT_EQ_INT(run("a \t\r\n\n \t \r\nb\n", KS_LL_TRIM_WS | KS_LL_SKIP_EMPTY, &w, &e), 0);
    KT_EQ_STR(w.s, "1@0[a]/3 4@11[b]/1 ");
}

KTEST(test_lineloop_callback_error_ends_the_loop_and_is_returned)
{
    ks_err e;
    seen w = {0};
    w.stop_at = 2;
    KT_EQ_INT(run("a\nb\nc\n", KS_LL_TRIM_CR, &w, &e), KS_EDB);
    KT_EQ_STR(w.s, "1@0[a]/1 2@2[b]/1 ");
}

/* An input that fails after `fail_at` bytes, like a gzip member cut short. */
typedef struct failing_input {
    ks_mem_input m;
    size_t fail_at;
} failing_input;

static int failing_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    failing_input *f = ctx;
    if (f->m.pos >= f->fail_at)
        return KS_CORRUPT(err, "x.gz", -1, (int64_t)f->m.pos, "truncated gzip member");
    size_t n = f->fail_at - f->m.pos < len ? f->fail_at - f->m.pos : len;
    memcpy(buf, f->m.p + f->m.pos, n);
    f->m.pos += n;
    *out_n = n;
    return 0;
}

KTEST(test_lineloop_input_error_comes_after_every_line_read_before_it)
{
    const char *t = "one\ntwo\nthr";
    ks_input in;
    failing_input f;
    ks_input_mem(&in, &f.m, t, strlen(t), "x.gz");
    f.fail_at = strlen(t);
    in.read = failing_read;
    in.ctx = &f;
    seen w = {0};
    ks_err e;
    ks_err_clear(&e);
    KT_EQ_INT(ks_lineloop(&in, 64, KS_LL_TRIM_CR, collect, &w, &e), KS_EIO);
    KT_CHECK(strstr(e.msg, "truncated gzip member") != NULL);
    KT_EQ_STR(w.s, "1@0[one]/3 2@4[two]/3 3@8[thr]/3 ");
}

KTEST(test_linejoin_joins_continuations_and_cuts_at_max_on_a_line_boundary)
{
    ks_linejoin j;
    ks_linejoin_init(&j, 12, "record too long: cut");
    ks_line h = {"head", 4, 3, 40, false, false};
    ks_line c1 = {"  c1", 4, 4, 45, false, false};
    ks_line c2 = {"  c2", 4, 5, 50, false, false};
    ks_line c3 = {"x", 1, 6, 55, false, false};
    ks_linejoin_start(&j, &h, h.p, h.n);
    ks_linejoin_add(&j, &c1, c1.p, c1.n);
    KT_CHECK(j.pending && !j.cut);
    KT_EQ_MEM(j.rec.data, j.rec.len, "head\n  c1");
    ks_linejoin_add(&j, &c2, c2.p, c2.n); /* 9 + 1 + 4 > 12: dropped, and so is what follows */
    ks_linejoin_add(&j, &c3, c3.p, c3.n);
    KT_CHECK(j.cut);
    KT_EQ_MEM(j.rec.data, j.rec.len, "head\n  c1");
    KT_EQ_INT(j.line, 3);
    KT_EQ_INT(j.offset, 40);
    /* a new record starts clean */
    ks_linejoin_start(&j, &c3, c3.p, c3.n);
    KT_CHECK(!j.cut);
    ks_str r;
    KT_CHECK(ks_linejoin_take(&j, NULL, &r)); /* not cut: no warning, no sink needed */
    KT_EQ_MEM(r.p, r.n, "x");
    KT_CHECK(!ks_linejoin_take(&j, NULL, &r));
    ks_linejoin_free(&j);
}

KTEST(test_linejoin_a_too_long_first_line_marks_the_record_cut)
{
    ks_linejoin j;
    ks_linejoin_init(&j, 100, "record too long: cut");
    ks_line h = {"head", 4, 1, 0, true, false};
    ks_linejoin_start(&j, &h, h.p, h.n);
    KT_CHECK(j.cut);
    ks_linejoin_free(&j);
}
