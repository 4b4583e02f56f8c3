/* lineloop.c — the shared line loop and multi-line record joiner (see lineloop.h). */
#include "parsers/lineloop.h"

int ks_lineloop(ks_input *in, size_t max_line, unsigned flags, ks_lineloop_fn fn, void *arg,
                ks_err *err)
{
    return ks_lineloop_ex(in, max_line, flags, fn, arg, NULL, err);
}

int ks_lineloop_finish(int rc, bool input_failed, ks_sink *sink, bool held, int64_t line,
                       int64_t offset, int (*flush)(void *arg, ks_err *err), void *arg,
                       ks_err *err)
{
    if (rc && !input_failed)
        return rc;
    if (rc && held)
        ks_sink_warn(sink, line, offset,
                     "the input failed after this record's lines: its end may be missing");
    ks_err ferr;
    ks_err_clear(&ferr);
    int frc = flush(arg, &ferr);
    if (!frc)
        return rc; /* 0, or the input failure (err keeps it) */
    if (err)
        *err = ferr;
    return frc;
}

int ks_lineloop_ex(ks_input *in, size_t max_line, unsigned flags, ks_lineloop_fn fn, void *arg,
                   bool *input_failed, ks_err *err)
{
    if (input_failed)
        *input_failed = false;
    ks_lines *lr = NULL;
    int rc = ks_lines_new(&lr, in, max_line);
    if (rc)
        return KS_ERR(err, rc, "out of memory");
    bool cr = flags & KS_LL_TRIM_CR, sp = flags & KS_LL_TRIM_SPACE, tab = flags & KS_LL_TRIM_TAB;
    for (;;) {
        ks_line ln;
        rc = ks_lines_next(lr, &ln, err);
        if (rc == KS_EOF) {
            rc = 0;
            break;
        }
        if (rc) {
            if (input_failed)
                *input_failed = true;
            break;
        }
        size_t n = ln.n;
        while (n && ((cr && ln.p[n - 1] == '\r') || (sp && ln.p[n - 1] == ' ') ||
                     (tab && ln.p[n - 1] == '\t')))
            n--;
        if (!n && (flags & KS_LL_SKIP_EMPTY))
            continue;
        if ((rc = fn(arg, &ln, n, err)))
            break;
    }
    ks_lines_free(lr);
    return rc;
}

void ks_linejoin_init(ks_linejoin *j, size_t max, const char *cut_why)
{
    *j = (ks_linejoin){.max = max, .cut_why = cut_why};
    /* room for the record and its NUL; the explicit bound in add() is what cuts */
    ks_buf_init(&j->rec, max + 16);
}

void ks_linejoin_free(ks_linejoin *j)
{
    ks_buf_free(&j->rec);
}

void ks_linejoin_start(ks_linejoin *j, const ks_line *ln, const char *p, size_t n)
{
    ks_buf_reset(&j->rec);
    j->pending = true;
    j->line = ln->lineno;
    j->offset = ln->offset;
    j->cut = ln->too_long;
    if (ks_buf_append(&j->rec, p, n))
        j->cut = true;
}

void ks_linejoin_add(ks_linejoin *j, const ks_line *ln, const char *p, size_t n)
{
    /* once cut, later lines are dropped too: a record never has a hole in the middle */
    if (j->cut || j->rec.len + n + 1 > j->max || ln->too_long || ks_buf_putc(&j->rec, '\n') ||
        ks_buf_append(&j->rec, p, n))
        j->cut = true;
}

bool ks_linejoin_take(ks_linejoin *j, ks_sink *sink, ks_str *out)
{
    if (!j->pending)
        return false;
    j->pending = false;
    if (j->cut)
        ks_sink_warn(sink, j->line, j->offset, j->cut_why);
    *out = (ks_str){j->rec.data, j->rec.len};
    return true;
}
