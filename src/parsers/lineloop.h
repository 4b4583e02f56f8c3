/* lineloop.h — the line loop every line-based parser shares, and the joiner of multi-line
 * records.
 *
 * ks_lineloop owns a ks_lines reader over the input: it trims each line's trailing bytes by
 * a rule the parser chooses, optionally skips the lines left empty, and hands the rest to
 * the parser's callback with the line's number and offset (ks_line). An input failure (e.g.
 * a truncated gzip) ends the loop with KS_EIO after every line read before it was handed
 * over, so a parser's error records keep their order.
 *
 * ks_linejoin keeps one record made of a header line and the continuation lines after it
 * (syslog, web server error logs, cloud-init.log), joined with '\n' and bounded: a record
 * that would grow past max is cut (the lines after the cut are dropped) and flagged.
 */
#ifndef KS_LINELOOP_H
#define KS_LINELOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/io.h"
#include "store/store.h"

/* Trimming rule: which trailing bytes are not part of a line (any mix of them: "x \r\r" with
 * CR and SPACE is "x"), and whether lines left empty are skipped. */
enum {
    KS_LL_TRIM_CR = 1,    /* trailing '\r' (ks_lines already took one before the '\n') */
    KS_LL_TRIM_SPACE = 2, /* trailing ' ' */
    KS_LL_TRIM_TAB = 4,   /* trailing '\t' */
    KS_LL_SKIP_EMPTY = 8, /* lines empty after trimming never reach the callback */
    KS_LL_TRIM_WS = KS_LL_TRIM_CR | KS_LL_TRIM_SPACE | KS_LL_TRIM_TAB,
};

/* Called for each line; ln->p[0..n) is the line trimmed (ln->n is its untrimmed length, for
 * error records that keep the raw bytes). ln is valid during the call only. Returns 0 to go
 * on, or a non-zero status that ends the loop and is returned (store errors). */
typedef int (*ks_lineloop_fn)(void *arg, const ks_line *ln, size_t n, ks_err *err);

/* Reads `in` to its end in lines of at most max_line bytes (longer ones come cut, with
 * too_long set). Returns 0 at the end of input, KS_ENOMEM, the reader's input failure
 * (KS_EIO, err filled), or the callback's status. */
int ks_lineloop(ks_input *in, size_t max_line, unsigned flags, ks_lineloop_fn fn, void *arg,
                ks_err *err);
/* The same, telling an input failure (*input_failed) from the callback's status. */
int ks_lineloop_ex(ks_input *in, size_t max_line, unsigned flags, ks_lineloop_fn fn, void *arg,
                   bool *input_failed, ks_err *err);
/* For a parser that holds a record across lines: after ks_lineloop_ex returned rc, emits the
 * record held through flush(arg) — at the end of input, and after an input failure too (its
 * lines were read: nothing read is dropped), then with a warning at its first line (held,
 * line, offset say whether one is held and where). Returns the loop's status (an input
 * failure stays in err) or flush's error; a callback error is returned as it was. */
int ks_lineloop_finish(int rc, bool input_failed, ks_sink *sink, bool held, int64_t line,
                       int64_t offset, int (*flush)(void *arg, ks_err *err), void *arg,
                       ks_err *err);

/* ---- multi-line records --------------------------------------------------------------- */
typedef struct ks_linejoin {
    ks_buf rec;            /* the record: its lines joined with '\n' (owned) */
    size_t max;            /* bound of rec.len; a record that would pass it is cut */
    const char *cut_why;   /* the warning for a cut record (static text) */
    int64_t line, offset;  /* of the record's first line */
    bool pending;          /* a record is held */
    bool cut;              /* lines were dropped (or a line was too long) */
} ks_linejoin;

void ks_linejoin_init(ks_linejoin *j, size_t max, const char *cut_why);
void ks_linejoin_free(ks_linejoin *j);
/* Starts a record with line p[0..n) (the caller took the one held before). */
void ks_linejoin_start(ks_linejoin *j, const ks_line *ln, const char *p, size_t n);
/* Adds a continuation line to the held record (one must be held). */
void ks_linejoin_add(ks_linejoin *j, const ks_line *ln, const char *p, size_t n);
/* Hands over the held record: false if none. The record stays valid until the next start;
 * a cut record is reported to sink as a warning at its first line. */
bool ks_linejoin_take(ks_linejoin *j, ks_sink *sink, ks_str *out);

#endif
