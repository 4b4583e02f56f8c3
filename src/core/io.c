/* io.c — memory inputs, read-all, and the bounded line reader.
 *
 * The line reader keeps one buffer (1 MiB, or max_line + 2 when that is larger) and finds
 * terminators with memchr. A line longer than max_line is handed out cut, then the reader
 * discards input up to the next '\n' without buffering it, so memory never depends on
 * the evidence. Read errors are remembered and reported only after every buffered line
 * (including an unterminated last one) has been returned.
 */
#include "core/io.h"

#include <stdlib.h>
#include <string.h>

static int mem_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    (void)err;
    ks_mem_input *m = ctx;
    size_t left = m->len - m->pos;
    size_t n = len < left ? len : left;
    if (n)
        memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    *out_n = n;
    return 0;
}

void ks_input_mem(ks_input *in, ks_mem_input *m, const void *p, size_t len, const char *name)
{
    m->p = p;
    m->len = p ? len : 0;
    m->pos = 0;
    in->read = mem_read;
    in->ctx = m;
    in->name = name;
}

int ks_input_read_all(ks_input *in, ks_buf *out, ks_err *err)
{
    if (!out->max)
        out->max = KS_BUF_DEFAULT_MAX;
    for (;;) {
        size_t room = out->max - out->len;
        if (room == 0) {
            /* Full: one probe byte tells "exactly max" from "too big". */
            char probe;
            size_t n = 0;
            int rc = in->read(in->ctx, &probe, 1, &n, err);
            if (rc)
                return rc;
            if (n == 0)
                return 0;
            return KS_ERR_AT(err, KS_ELIMIT, in->name, -1, (int64_t)out->len,
                             "input larger than the %zu-byte limit", out->max);
        }
        size_t want = out->cap > out->len + 1 ? out->cap - out->len - 1 : 0;
        if (want == 0) {
            size_t grow = out->cap ? out->cap : 65536; /* doubles the buffer */
            if (grow > room)
                grow = room;
            int rc = ks_buf_reserve(out, grow);
            if (rc)
                return KS_ERR(err, rc, "cannot grow read buffer");
            want = out->cap - out->len - 1;
        }
        if (want > room)
            want = room;
        size_t n = 0;
        int rc = in->read(in->ctx, out->data + out->len, want, &n, err);
        if (rc)
            return rc;
        if (n == 0)
            return 0;
        out->len += n;
        out->data[out->len] = '\0';
    }
}

/* ---- line reader ---------------------------------------------------------------- */

#define KS_LINES_BUF ((size_t)1 << 20)

struct ks_lines {
    ks_input *in;
    char *buf;
    size_t cap;      /* allocated */
    size_t want_cap; /* max(1 MiB, max_line + 2) */
    size_t start;    /* first unconsumed byte */
    size_t end;      /* end of valid bytes */
    int64_t base;    /* input offset of buf[0] */
    int64_t lineno;  /* lines returned so far */
    size_t max_line;
    bool eof;
    bool skipping;   /* discarding the tail of an over-long line */
    int in_code;     /* saved input error, 0 if none */
    ks_err in_err;
};

int ks_lines_new(ks_lines **out, ks_input *in, size_t max_line)
{
    if (!out || !in || max_line == 0 || max_line > SIZE_MAX - 2)
        return KS_EUSAGE;
    ks_lines *l = calloc(1, sizeof *l);
    if (!l)
        return KS_ENOMEM;
    l->in = in;
    l->max_line = max_line;
    l->want_cap = max_line + 2 > KS_LINES_BUF ? max_line + 2 : KS_LINES_BUF;
    l->cap = KS_LINES_BUF; /* grows towards want_cap only for a long line */
    l->buf = malloc(l->cap);
    if (!l->buf) {
        free(l);
        return KS_ENOMEM;
    }
    ks_err_clear(&l->in_err);
    *out = l;
    return 0;
}

void ks_lines_free(ks_lines *l)
{
    if (!l)
        return;
    free(l->buf);
    free(l);
}

/* Moves unconsumed bytes to the front, grows if the buffer is full, reads once. */
static int lines_fill(ks_lines *l)
{
    if (l->start > 0) {
        size_t keep = l->end - l->start;
        if (keep)
            memmove(l->buf, l->buf + l->start, keep);
        l->base += (int64_t)l->start;
        l->start = 0;
        l->end = keep;
    }
    if (l->end == l->cap && l->cap < l->want_cap) {
        size_t ncap = l->cap > l->want_cap / 2 ? l->want_cap : l->cap * 2;
        char *p = realloc(l->buf, ncap);
        if (!p)
            return KS_ENOMEM;
        l->buf = p;
        l->cap = ncap;
    }
    size_t n = 0;
    int rc = l->in->read(l->in->ctx, l->buf + l->end, l->cap - l->end, &n, &l->in_err);
    if (rc) {
        l->in_code = rc;
        l->eof = true;
        return 0;
    }
    if (n == 0)
        l->eof = true;
    l->end += n;
    return 0;
}

static void emit(ks_lines *l, ks_line *out, size_t n, bool too_long, bool no_nl)
{
    out->p = l->buf + l->start;
    out->n = n;
    out->lineno = ++l->lineno;
    out->offset = l->base + (int64_t)l->start;
    out->too_long = too_long;
    out->no_newline = no_nl;
}

int ks_lines_next(ks_lines *l, ks_line *out, ks_err *err)
{
    int rc;
    for (;;) {
        if (l->skipping) {
            char *nl = memchr(l->buf + l->start, '\n', l->end - l->start);
            if (nl) {
                l->start = (size_t)(nl - l->buf) + 1;
                l->skipping = false;
            } else {
                l->start = l->end;
                if (l->eof) {
                    l->skipping = false;
                } else if ((rc = lines_fill(l)) != 0) {
                    return KS_ERR(err, rc, "line buffer");
                }
                continue;
            }
        }
        size_t avail = l->end - l->start;
        char *p = l->buf + l->start;
        char *nl = memchr(p, '\n', avail);
        if (nl) {
            size_t n = (size_t)(nl - p);
            if (n > 0 && p[n - 1] == '\r')
                n--;
            bool too_long = n > l->max_line;
            emit(l, out, too_long ? l->max_line : n, too_long, false);
            l->start += (size_t)(nl - p) + 1;
            return 0;
        }
        if (l->eof) {
            if (avail == 0) {
                if (l->in_code) {
                    /* Input failures (a truncated gzip is KS_ECORRUPT below us) are reported as
                 * KS_EIO so callers can tell them from a malformed record. */
                int code = l->in_code == KS_ENOMEM ? KS_ENOMEM : KS_EIO;
                    l->in_code = 0;
                    if (err)
                        *err = l->in_err;
                    return code;
                }
                return KS_EOF;
            }
            bool too_long = avail > l->max_line;
            emit(l, out, too_long ? l->max_line : avail, too_long, true);
            l->start = l->end;
            return 0;
        }
        /* max_line + 2 bytes without '\n': even with a CR terminator the content is
         * longer than max_line, so cut it now and skip the rest unbuffered. */
        if (avail >= l->max_line + 2) {
            emit(l, out, l->max_line, true, false);
            l->start += l->max_line; /* the returned bytes stay valid: no fill until next call */
            l->skipping = true;
            return 0;
        }
        if ((rc = lines_fill(l)) != 0)
            return KS_ERR(err, rc, "line buffer");
    }
}
