/* json_split.c — the streaming record splitter (ks_jsplit_*), see json.h.
 *
 * The splitter holds a window of the input in one buffer. Only bytes that may still be
 * returned are kept (the record being cut, or a malformed stretch); everything else is
 * dropped when the buffer is refilled, so a 2 GB file of small records needs a few MiB and
 * a single record needs about its own size (up to max_record).
 *
 * Record extents are found by a resumable structural scanner (vscan): it follows the JSON
 * grammar at token level (brackets, strings, ',' and ':' placement) without building
 * anything, so it can stop at the end of the buffer and continue after a refill. The full
 * validation of a record (escapes, numbers, UTF-8) is left to ks_json_parse. Because the
 * scanner knows the grammar, a broken record is caught where it breaks — e.g. a `{` that
 * follows a value with no ',' — instead of swallowing the records after it.
 *
 * Recovery: at top level (JSON Lines) the malformed stretch runs to the end of the line
 * where the error was seen, and scanning resumes at the next line starting with '{' or
 * '['. Inside an array, brackets are counted from the error on to the next ',' or ']' at
 * the element's level, which ends the bad element; if that fails (end of input, or quotes
 * no longer balance), the rest of the array is given up and JSON Lines resync takes over.
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/json.h"
#include "core/json_int.h"

#define SPLIT_CHUNK ((size_t)1 << 20)
#define SPLIT_DEFAULT_MAX ((size_t)256 << 20)
#define VS_MAXD 4096u /* splitter nesting cap (the parser's own default is 512) */

enum { VS_MORE = 0, VS_DONE = 1, VS_ERR = 2 };
/* grammar states between tokens */
enum { V_VALUE, V_VALUE_OR_CLOSE, V_KEY_OR_CLOSE, V_KEY, V_COLON, V_AFTER };

typedef struct vscan {
    uint32_t depth;
    uint8_t st;
    uint8_t in_str; /* 0, 1 = value string, 2 = key string */
    uint8_t esc;    /* a backslash was the last byte seen in the string */
    uint8_t in_tok; /* inside a number or literal */
    uint8_t was_tok; /* the value at depth 0 was a number/literal */
    uint64_t is_obj[VS_MAXD / 64];
} vscan;

enum {
    M_TOP,        /* between top-level values */
    M_REC,        /* scanning a record (top-level value or array element) */
    M_SKIPREC,    /* scanning the rest of an over-long record without keeping it */
    M_ARR,        /* in an array, expecting an element (or ']' if arr_first) */
    M_ARR_SEP,    /* after an element: ',' or ']' */
    M_OBJ_KEY,    /* wrap-object: expecting a key (or '}' if obj_first) */
    M_OBJ_KEYSCAN,
    M_OBJ_COLON,
    M_OBJ_VALUE,
    M_OBJ_SKIPVAL,
    M_OBJ_SEP,
    M_BADLINE,    /* collecting a malformed stretch up to the end of its line */
    M_RESYNC,     /* skipping to the next line starting with '{' or '[' */
    M_RECOVER,    /* counting brackets to the end of a bad array element */
    M_DONE
};

enum { CTX_TOP = 0, CTX_ARR = 1, CTX_WRAP = 2 };

struct ks_jsplit {
    ks_input *in;
    const char *const *wrap_keys;
    size_t n_wrap;
    size_t *wrap_len;  /* strlen of each wrap key */
    char *wrap_pat;    /* "\"key\"" patterns, NUL-separated, for the plain-object fast path */
    size_t max_record;
    char *buf;
    size_t cap, fill, pos;
    int64_t base;       /* input offset of buf[0] */
    int64_t line;       /* 1-based line of buf[pos] */
    int64_t line_start; /* input offset where the current line starts */
    int64_t anchor;     /* first input offset that must stay buffered, -1 for none */
    bool eof;
    int in_code;
    ks_err in_err;
    int mode;
    int ctx;            /* CTX_TOP, or the kind of array the records come from */
    bool arr_first, obj_first, obj_keep, wrap_found, silent;
    const char *cur_wrap;  /* wrap key of the array being split */
    const char *cand_wrap; /* the key just read names a wrap array */
    int64_t index;
    int64_t rec_start, rec_line;
    int64_t obj_start, obj_line;
    int64_t key_start;
    int64_t err_off, err_line;
    const char *err_msg;
    int64_t rdepth;        /* recovery bracket depth */
    uint8_t r_in_str, r_esc;
    vscan vs;
};

static inline int64_t abs_pos(const ks_jsplit *s) { return s->base + (int64_t)s->pos; }
static inline char *at_abs(ks_jsplit *s, int64_t off) { return s->buf + (off - s->base); }

int ks_jsplit_new(ks_jsplit **out, ks_input *in, const ks_jsplit_opts *opts)
{
    if (!out || !in)
        return KS_EUSAGE;
    ks_jsplit *s = calloc(1, sizeof *s);
    if (!s)
        return KS_ENOMEM;
    s->in = in;
    s->wrap_keys = opts ? opts->wrap_keys : NULL;
    if (s->wrap_keys && !s->wrap_keys[0])
        s->wrap_keys = NULL;
    size_t pat_total = 0;
    for (const char *const *w = s->wrap_keys; w && *w && s->n_wrap < 64; w++) {
        s->n_wrap++;
        pat_total += strlen(*w) + 3;
    }
    if (s->n_wrap) {
        s->wrap_len = calloc(s->n_wrap, sizeof *s->wrap_len);
        s->wrap_pat = malloc(pat_total);
        if (!s->wrap_len || !s->wrap_pat) {
            free(s->wrap_len);
            free(s->wrap_pat);
            free(s);
            return KS_ENOMEM;
        }
        char *pp = s->wrap_pat;
        for (size_t i = 0; i < s->n_wrap; i++) {
            size_t n = strlen(s->wrap_keys[i]);
            s->wrap_len[i] = n;
            pp[0] = '"';
            memcpy(pp + 1, s->wrap_keys[i], n);
            pp[n + 1] = '"';
            pp[n + 2] = '\0';
            pp += n + 3;
        }
    }
    s->max_record = opts && opts->max_record ? opts->max_record : SPLIT_DEFAULT_MAX;
    if (s->max_record > ((size_t)1 << 40))
        s->max_record = (size_t)1 << 40;
    s->cap = SPLIT_CHUNK;
    s->buf = malloc(s->cap);
    if (!s->buf) {
        free(s->wrap_len);
        free(s->wrap_pat);
        free(s);
        return KS_ENOMEM;
    }
    s->line = 1;
    s->anchor = -1;
    s->mode = M_TOP;
    ks_err_clear(&s->in_err);
    *out = s;
    return 0;
}

void ks_jsplit_free(ks_jsplit *s)
{
    if (!s)
        return;
    free(s->buf);
    free(s->wrap_len);
    free(s->wrap_pat);
    free(s);
}

/* Makes more input available: drops bytes no longer needed, grows the buffer if the
 * kept bytes fill it, reads. 1 = new bytes, 0 = end of input (or a remembered input
 * error), negative = out of memory. */
static int more(ks_jsplit *s)
{
    if (s->eof)
        return 0;
    size_t drop = s->pos;
    if (s->anchor >= 0 && s->anchor - s->base < (int64_t)drop)
        drop = (size_t)(s->anchor - s->base);
    if (drop) {
        memmove(s->buf, s->buf + drop, s->fill - drop);
        s->fill -= drop;
        s->pos -= drop;
        s->base += (int64_t)drop;
    }
    if (s->fill == s->cap) {
        size_t limit = s->max_record + SPLIT_CHUNK + 1;
        size_t ncap = s->cap * 2 < limit ? s->cap * 2 : limit;
        if (ncap <= s->cap)
            ncap = s->cap + SPLIT_CHUNK; /* the caller enforces max_record */
        char *p = realloc(s->buf, ncap);
        if (!p)
            return KS_ENOMEM;
        s->buf = p;
        s->cap = ncap;
    }
    for (;;) {
        size_t n = 0;
        int rc = s->in->read(s->in->ctx, s->buf + s->fill, s->cap - s->fill, &n, &s->in_err);
        if (rc) {
            s->in_code = rc;
            s->eof = true;
            return 0;
        }
        if (n == 0) {
            s->eof = true;
            return 0;
        }
        s->fill += n;
        return 1;
    }
}

/* Skips whitespace at pos, counting lines. true when a non-space byte is at pos. */
static inline bool skip_ws(ks_jsplit *s)
{
    const char *p = s->buf + s->pos, *end = s->buf + s->fill;
    while (p < end) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
        } else if (c == '\n') {
            p++;
            s->line++;
            s->line_start = s->base + (p - s->buf);
        } else {
            break;
        }
    }
    s->pos = (size_t)(p - s->buf);
    return p < end;
}

/* ---- the structural scanner --------------------------------------------------------- */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KS_SWAR 1
#endif
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define HASZERO(x) (((x) - ONES) & ~(x) & HIGHS)

/* First '"', '\\' or '\n' in [p, end), or end (16 bytes per step with SSE2). */
static inline const char *scan_str(const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  nl = _mm_set1_epi8('\n');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                   _mm_cmpeq_epi8(v, nl));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return p + __builtin_ctz(m);
        p += 16;
    }
#endif
#ifdef KS_SWAR
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t m = HASZERO(w ^ (ONES * '"')) | HASZERO(w ^ (ONES * '\\')) | HASZERO(w ^ (ONES * '\n'));
        if (m)
            return p + (__builtin_ctzll(m) >> 3);
        p += 8;
    }
#endif
    while (p < end && *p != '"' && *p != '\\' && *p != '\n')
        p++;
    return p;
}

static const uint8_t tok_char[256] = {
    ['0'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ['-'] = 1, ['+'] = 1, ['.'] = 1,
    ['a'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['A'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static void vs_init(vscan *v)
{
    v->depth = 0;
    v->st = V_VALUE;
    v->in_str = v->esc = v->in_tok = v->was_tok = 0;
}

static inline bool vs_top_obj(const vscan *v)
{
    uint32_t d = v->depth - 1;
    return (v->is_obj[d >> 6] >> (d & 63)) & 1;
}

/* Runs the scanner from pos, at most up to input offset `limit` (-1: no limit), so that
 * size limits are decided by scan position, never by how much a read happened to bring.
 * VS_DONE: pos is just past the value. VS_ERR: pos is at the offending byte and err_msg
 * says why. VS_MORE: the buffer (or the limit) is exhausted. */
static int vs_run(ks_jsplit *s, vscan *v, int64_t limit)
{
    const char *p = s->buf + s->pos, *end = s->buf + s->fill;
    if (limit >= 0 && limit - s->base < (int64_t)s->fill)
        end = s->buf + (limit > abs_pos(s) ? limit - s->base : (int64_t)s->pos);
    int r = VS_MORE;
    for (;;) {
        if (v->in_str) {
            if (v->esc) {
                if (p >= end)
                    break;
                if (*p == '\n') {
                    s->err_msg = "newline inside a string";
                    r = VS_ERR;
                    break;
                }
                v->esc = 0;
                p++;
            }
            p = scan_str(p, end);
            if (p >= end)
                break;
            if (*p == '\\') {
                v->esc = 1;
                p++;
                continue;
            }
            if (*p == '\n') {
                s->err_msg = "newline inside a string (unterminated string?)";
                r = VS_ERR;
                break;
            }
            p++; /* closing quote */
            if (v->in_str == 2) {
                v->st = V_COLON;
            } else {
                v->st = V_AFTER;
                if (v->depth == 0) {
                    v->in_str = 0;
                    r = VS_DONE;
                    break;
                }
            }
            v->in_str = 0;
            continue;
        }
        if (v->in_tok) {
            while (p < end && tok_char[(uint8_t)*p])
                p++;
            if (p >= end)
                break;
            v->in_tok = 0;
            v->st = V_AFTER;
            if (v->depth == 0) {
                r = VS_DONE;
                break;
            }
            continue;
        }
        while (p < end) {
            char c = *p;
            if (c == ' ' || c == '\t' || c == '\r') {
                p++;
            } else if (c == '\n') {
                p++;
                s->line++;
                s->line_start = s->base + (p - s->buf);
            } else {
                break;
            }
        }
        if (p >= end)
            break;
        char c = *p;
        switch (v->st) {
        case V_AFTER:
            if (c == ',') {
                v->st = vs_top_obj(v) ? V_KEY : V_VALUE;
                p++;
                continue;
            }
            if (c == '}' || c == ']') {
                if ((c == '}') != vs_top_obj(v)) {
                    s->err_msg = "mismatched closing bracket";
                    r = VS_ERR;
                    goto out;
                }
                goto close;
            }
            s->err_msg = vs_top_obj(v) ? "expected ',' or '}'" : "expected ',' or ']'";
            r = VS_ERR;
            goto out;
        case V_COLON:
            if (c == ':') {
                v->st = V_VALUE;
                p++;
                continue;
            }
            s->err_msg = "expected ':'";
            r = VS_ERR;
            goto out;
        case V_KEY_OR_CLOSE:
            if (c == '}')
                goto close;
            /* fall through */
        case V_KEY:
            if (c == '"') {
                v->in_str = 2;
                p++;
                continue;
            }
            s->err_msg = "expected a string key";
            r = VS_ERR;
            goto out;
        case V_VALUE_OR_CLOSE:
            if (c == ']')
                goto close;
            /* fall through */
        default: /* V_VALUE */
            if (c == '{' || c == '[') {
                if (v->depth >= VS_MAXD) {
                    s->err_msg = "JSON nesting too deep";
                    r = VS_ERR;
                    goto out;
                }
                uint32_t d = v->depth++;
                uint64_t bit = (uint64_t)1 << (d & 63);
                if (c == '{') {
                    v->is_obj[d >> 6] |= bit;
                    v->st = V_KEY_OR_CLOSE;
                } else {
                    v->is_obj[d >> 6] &= ~bit;
                    v->st = V_VALUE_OR_CLOSE;
                }
                p++;
                continue;
            }
            if (c == '"') {
                v->in_str = 1;
                p++;
                continue;
            }
            if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
                v->in_tok = 1;
                if (v->depth == 0)
                    v->was_tok = 1;
                p++;
                continue;
            }
            s->err_msg = "expected a JSON value";
            r = VS_ERR;
            goto out;
        }
    close:
        v->depth--;
        p++;
        v->st = V_AFTER;
        if (v->depth == 0) {
            r = VS_DONE;
            break;
        }
    }
out:
    s->pos = (size_t)(p - s->buf);
    return r;
}

/* ---- errors and records ------------------------------------------------------------- */

/* Scanning a kept stretch stops one byte past max_record: that byte proves it too big. */
static inline int64_t rec_limit(const ks_jsplit *s, int64_t start)
{
    return start + (int64_t)s->max_record + 1;
}

static void set_err(ks_jsplit *s, int64_t off, int64_t line, const char *msg)
{
    s->err_off = off;
    s->err_line = line;
    s->err_msg = msg;
}

static int report(ks_jsplit *s, ks_jrecord *out, ks_err *err, int64_t from, int64_t to,
                  const char *extra)
{
    if (to < from)
        to = from;
    if ((uint64_t)(to - from) > s->max_record)
        to = from + (int64_t)s->max_record;
    out->p = from >= s->base ? at_abs(s, from) : NULL;
    out->n = out->p ? (size_t)(to - from) : 0;
    out->offset = from;
    out->lineno = s->rec_line;
    out->index = s->index;
    out->wrap_key = s->ctx != CTX_TOP ? s->cur_wrap : NULL;
    return KS_CORRUPT(err, s->in->name, s->err_line, s->err_off, "%s%s", s->err_msg,
                      extra ? extra : "");
}

/* A malformed stretch at the offending byte pos (or at end of input). */
static void go_bad(ks_jsplit *s, int64_t stretch_start, int64_t stretch_line)
{
    if (s->err_msg == NULL)
        s->err_msg = "malformed JSON";
    set_err(s, abs_pos(s), s->line, s->err_msg);
    s->rec_start = stretch_start;
    s->rec_line = stretch_line;
    if (s->ctx == CTX_TOP) {
        s->anchor = stretch_start;
        s->mode = M_BADLINE;
    } else {
        s->anchor = stretch_start;
        s->rdepth = s->vs.depth;
        s->r_in_str = s->r_esc = 0;
        s->mode = M_RECOVER;
    }
}

static bool wrap_match(ks_jsplit *s, const char *k, size_t n, const char **out)
{
    for (size_t i = 0; i < s->n_wrap; i++) {
        if (s->wrap_len[i] == n && memcmp(s->wrap_keys[i], k, n) == 0) {
            *out = s->wrap_keys[i];
            return true;
        }
    }
    return false;
}

static bool emit_rec(ks_jsplit *s, ks_jrecord *out);

/* Fast path for JSON Lines of objects when wrap keys are set: if the whole object at pos
 * is already buffered, is well formed as far as the scanner sees, fits max_record and
 * does not even contain any wrap key as a quoted string, it is a plain record — exactly
 * what the member-by-member path would return, without its per-member work. Otherwise
 * nothing is consumed and the caller takes the general path. */
static bool plain_object(ks_jsplit *s, ks_jrecord *out)
{
    size_t pos0 = s->pos;
    int64_t line0 = s->line, ls0 = s->line_start;
    s->rec_start = abs_pos(s);
    s->rec_line = s->line;
    vs_init(&s->vs);
    int r = vs_run(s, &s->vs, rec_limit(s, s->rec_start));
    if (r == VS_DONE) {
        const char *t = at_abs(s, s->rec_start);
        size_t n = (size_t)(abs_pos(s) - s->rec_start);
        bool wrap = n > s->max_record;
        const char *pp = s->wrap_pat;
        for (size_t i = 0; i < s->n_wrap && !wrap; i++) {
            wrap = memmem(t, n, pp, s->wrap_len[i] + 2) != NULL;
            pp += s->wrap_len[i] + 3;
        }
        if (!wrap && emit_rec(s, out))
            return true;
    }
    s->pos = pos0;
    s->line = line0;
    s->line_start = ls0;
    return false;
}

static void start_rec(ks_jsplit *s, int mode)
{
    s->rec_start = abs_pos(s);
    s->rec_line = s->line;
    s->anchor = s->rec_start;
    vs_init(&s->vs);
    s->mode = mode;
}

/* Where to go once the current element/value is finished. */
static void after_value(ks_jsplit *s)
{
    s->anchor = -1;
    s->mode = s->ctx == CTX_TOP ? M_TOP : M_ARR_SEP;
}

/* Hands out the value [rec_start, pos) as a record. false when it is a top-level
 * number/literal that is not valid JSON (then the caller treats it as malformed). */
static bool emit_rec(ks_jsplit *s, ks_jrecord *out)
{
    int64_t endo = abs_pos(s);
    const char *t = at_abs(s, s->rec_start);
    size_t n = (size_t)(endo - s->rec_start);
    if (s->ctx == CTX_TOP && s->vs.was_tok) {
        bool ok = (n == 4 && (!memcmp(t, "true", 4) || !memcmp(t, "null", 4))) ||
                  (n == 5 && !memcmp(t, "false", 5)) || ks_json_number_valid(t, n);
        if (!ok)
            return false;
    }
    out->p = t;
    out->n = n;
    out->offset = s->rec_start;
    out->lineno = s->rec_line;
    out->index = s->index++;
    out->wrap_key = s->ctx == CTX_WRAP ? s->cur_wrap : NULL;
    after_value(s);
    return true;
}

/* Drops trailing whitespace from a stretch [from, to) held in the buffer. */
static int64_t trim_end(ks_jsplit *s, int64_t from, int64_t to)
{
    while (to > from) {
        char t = *at_abs(s, to - 1);
        if (t != ' ' && t != '\t' && t != '\r' && t != '\n')
            break;
        to--;
    }
    return to;
}

int ks_jsplit_next(ks_jsplit *s, ks_jrecord *out, ks_err *err)
{
    int rc = 0;
    for (;;) {
        switch (s->mode) {
        case M_TOP: {
            s->ctx = CTX_TOP;
            s->anchor = -1;
            if (!skip_ws(s)) {
                if ((rc = more(s)) < 0)
                    return KS_ERR(err, rc, "splitter buffer");
                if (rc == 0)
                    s->mode = M_DONE;
                continue;
            }
            /* A UTF-8 byte order mark at the very start is not part of the data. */
            if (abs_pos(s) == 0 && (uint8_t)s->buf[s->pos] == 0xEF) {
                if (s->fill - s->pos < 3 && !s->eof) {
                    if ((rc = more(s)) < 0)
                        return KS_ERR(err, rc, "splitter buffer");
                    continue;
                }
                if (s->fill - s->pos >= 3 && memcmp(s->buf + s->pos, "\xEF\xBB\xBF", 3) == 0) {
                    s->pos += 3;
                    continue;
                }
            }
            char c = s->buf[s->pos];
            if (c == ',' && s->index > 0) {
                /* values separated by commas without the enclosing brackets: the elements
                 * of an array whose '[' was cut off (MySQL's JSON audit log as excerpted,
                 * or rotated) */
                s->pos++;
                continue;
            }
            if (c == '[') {
                s->ctx = CTX_ARR;
                s->cur_wrap = NULL;
                s->arr_first = true;
                s->rec_line = s->line;
                s->pos++;
                s->mode = M_ARR;
            } else if (c == '{' && s->wrap_keys) {
                if (plain_object(s, out))
                    return 0;
                s->obj_start = abs_pos(s);
                s->obj_line = s->line;
                s->obj_keep = true;
                s->obj_first = true;
                s->wrap_found = false;
                s->anchor = s->obj_start;
                s->pos++;
                s->mode = M_OBJ_KEY;
            } else {
                start_rec(s, M_REC);
            }
            continue;
        }
        case M_REC: {
            int r = vs_run(s, &s->vs, rec_limit(s, s->rec_start));
            if (r == VS_MORE && s->vs.in_tok && s->vs.depth == 0 && s->eof && s->pos == s->fill) {
                s->vs.in_tok = 0; /* a number or literal ends the input */
                r = VS_DONE;
            }
            if (r == VS_DONE && (uint64_t)(abs_pos(s) - s->rec_start) > s->max_record) {
                s->err_msg = "record larger than max_record";
                set_err(s, s->rec_start + (int64_t)s->max_record, s->rec_line, s->err_msg);
                rc = report(s, out, err, s->rec_start, s->rec_start + (int64_t)s->max_record,
                            NULL);
                after_value(s);
                return rc;
            }
            if (r == VS_DONE) {
                if (emit_rec(s, out))
                    return 0;
                s->pos = (size_t)(s->rec_start - s->base);
                s->err_msg = "not a JSON value";
                go_bad(s, s->rec_start, s->rec_line);
                continue;
            }
            if (r == VS_ERR) {
                go_bad(s, s->rec_start, s->rec_line);
                continue;
            }
            if ((uint64_t)(abs_pos(s) - s->rec_start) > s->max_record) {
                s->err_msg = "record larger than max_record";
                set_err(s, s->rec_start + (int64_t)s->max_record, s->line, s->err_msg);
                rc = report(s, out, err, s->rec_start, s->rec_start + (int64_t)s->max_record,
                            NULL);
                s->anchor = -1;
                s->mode = M_SKIPREC;
                return rc;
            }
            if ((rc = more(s)) < 0)
                return KS_ERR(err, rc, "splitter buffer");
            if (rc == 0 && !(s->vs.in_tok && s->vs.depth == 0)) {
                s->err_msg = "truncated record (input ends inside it)";
                go_bad(s, s->rec_start, s->rec_line);
            }
            continue;
        }
        case M_SKIPREC: {
            int r = vs_run(s, &s->vs, -1);
            if (r == VS_DONE) {
                after_value(s);
                continue;
            }
            if (r == VS_ERR || (rc = more(s)) == 0) {
                /* Already reported as too large: recover silently. */
                s->silent = true;
                if (s->ctx == CTX_TOP) {
                    s->mode = M_RESYNC;
                } else {
                    set_err(s, abs_pos(s), s->line, r == VS_ERR ? s->err_msg : "truncated record");
                    s->rec_start = abs_pos(s);
                    s->rec_line = s->line;
                    s->anchor = s->rec_start;
                    s->rdepth = s->vs.depth;
                    s->r_in_str = s->r_esc = 0;
                    s->mode = M_RECOVER;
                }
                continue;
            }
            if (rc < 0)
                return KS_ERR(err, rc, "splitter buffer");
            continue;
        }
        case M_ARR:
        case M_ARR_SEP: {
            if (!skip_ws(s)) {
                if ((rc = more(s)) < 0)
                    return KS_ERR(err, rc, "splitter buffer");
                if (rc == 0) {
                    s->err_msg = "truncated array (input ends inside it)";
                    set_err(s, abs_pos(s), s->line, s->err_msg);
                    s->rec_line = s->line;
                    s->mode = M_DONE;
                    s->ctx = CTX_TOP;
                    return report(s, out, err, abs_pos(s), abs_pos(s), NULL);
                }
                continue;
            }
            char c = s->buf[s->pos];
            if (c == ']' && (s->mode == M_ARR_SEP || s->arr_first)) {
                s->pos++;
                if (s->ctx == CTX_WRAP) {
                    s->mode = M_OBJ_SEP;
                } else {
                    s->mode = M_TOP;
                }
                continue;
            }
            if (s->mode == M_ARR_SEP) {
                if (c == ',') {
                    s->pos++;
                    s->arr_first = false;
                    s->mode = M_ARR;
                    continue;
                }
                /* Not a separator: treat what follows as a bad element. */
                s->err_msg = "expected ',' or ']' between array elements";
                vs_init(&s->vs);
                go_bad(s, abs_pos(s), s->line);
                continue;
            }
            s->arr_first = false;
            start_rec(s, M_REC);
            continue;
        }
        case M_OBJ_KEY:
        case M_OBJ_COLON:
        case M_OBJ_VALUE:
        case M_OBJ_SEP: {
            s->ctx = CTX_TOP; /* between members of a top-level object */
            bool have = skip_ws(s);
            if (s->obj_keep && (uint64_t)(abs_pos(s) - s->obj_start) > s->max_record) {
                s->obj_keep = false;
                s->anchor = -1;
            }
            if (!have) {
                if ((rc = more(s)) < 0)
                    return KS_ERR(err, rc, "splitter buffer");
                if (rc == 0) {
                    s->err_msg = "truncated object (input ends inside it)";
                    vs_init(&s->vs);
                    go_bad(s, s->obj_keep ? s->obj_start : abs_pos(s),
                           s->obj_keep ? s->obj_line : s->line);
                }
                continue;
            }
            char c = s->buf[s->pos];
            if (s->mode == M_OBJ_KEY) {
                if (c == '}' && s->obj_first)
                    goto obj_close;
                if (c != '"') {
                    s->err_msg = "expected a string key";
                    goto obj_bad;
                }
                s->obj_first = false;
                s->key_start = abs_pos(s);
                if (!s->obj_keep)
                    s->anchor = s->key_start;
                vs_init(&s->vs);
                s->mode = M_OBJ_KEYSCAN;
                continue;
            }
            if (s->mode == M_OBJ_COLON) {
                if (c != ':') {
                    s->err_msg = "expected ':'";
                    goto obj_bad;
                }
                s->pos++;
                s->mode = M_OBJ_VALUE;
                continue;
            }
            if (s->mode == M_OBJ_VALUE) {
                if (s->cand_wrap && c == '[') {
                    s->wrap_found = true;
                    s->cur_wrap = s->cand_wrap;
                    s->cand_wrap = NULL;
                    s->obj_keep = false;
                    s->anchor = -1;
                    s->ctx = CTX_WRAP;
                    s->arr_first = true;
                    s->pos++;
                    s->mode = M_ARR;
                    continue;
                }
                vs_init(&s->vs);
                s->anchor = s->obj_keep ? s->obj_start : -1;
                s->mode = M_OBJ_SKIPVAL;
                continue;
            }
            /* M_OBJ_SEP */
            if (c == ',') {
                s->pos++;
                s->mode = M_OBJ_KEY;
                continue;
            }
            if (c == '}')
                goto obj_close;
            s->err_msg = "expected ',' or '}'";
            goto obj_bad;
        obj_close:
            s->pos++;
            s->ctx = CTX_TOP;
            if (s->wrap_found) {
                s->mode = M_TOP;
                continue;
            }
            if (s->obj_keep && (uint64_t)(abs_pos(s) - s->obj_start) > s->max_record) {
                s->err_msg = "record larger than max_record";
                set_err(s, s->obj_start + (int64_t)s->max_record, s->obj_line, s->err_msg);
                s->rec_line = s->obj_line;
                s->anchor = -1;
                s->mode = M_TOP;
                return report(s, out, err, s->obj_start, s->obj_start + (int64_t)s->max_record,
                              NULL);
            }
            if (s->obj_keep) {
                /* No wrap array: the object itself is the record. */
                out->p = at_abs(s, s->obj_start);
                out->n = (size_t)(abs_pos(s) - s->obj_start);
                out->offset = s->obj_start;
                out->lineno = s->obj_line;
                out->index = s->index++;
                out->wrap_key = NULL;
                s->anchor = -1;
                s->mode = M_TOP;
                return 0;
            }
            /* It outgrew max_record before we knew it had no wrap array: its bytes are
             * gone, so the error stretch is empty. */
            s->err_msg = "record larger than max_record";
            set_err(s, s->obj_start + (int64_t)s->max_record, s->obj_line, s->err_msg);
            s->rec_line = s->obj_line;
            s->mode = M_TOP;
            return report(s, out, err, s->obj_start, s->obj_start, NULL);
        obj_bad:
            s->ctx = CTX_TOP;
            vs_init(&s->vs);
            go_bad(s, s->obj_keep ? s->obj_start : abs_pos(s), s->obj_keep ? s->obj_line : s->line);
            continue;
        }
        case M_OBJ_KEYSCAN:
        case M_OBJ_SKIPVAL: {
            /* While the object may still be the record, it is kept up to max_record. */
            int64_t lim = s->obj_keep ? rec_limit(s, s->obj_start)
                          : (s->mode == M_OBJ_KEYSCAN && s->key_start >= 0 ? rec_limit(s, s->key_start) : -1);
            int r = vs_run(s, &s->vs, lim);
            if (r == VS_DONE) {
                if (s->mode == M_OBJ_KEYSCAN) {
                    s->cand_wrap = NULL;
                    if (!s->wrap_found && s->key_start >= s->base) {
                        const char *k = at_abs(s, s->key_start) + 1;
                        size_t n = (size_t)(abs_pos(s) - s->key_start) - 2;
                        wrap_match(s, k, n, &s->cand_wrap);
                    }
                    s->anchor = s->obj_keep ? s->obj_start : -1;
                    s->mode = M_OBJ_COLON;
                } else {
                    s->mode = M_OBJ_SEP;
                }
                continue;
            }
            if (r == VS_ERR) {
                s->ctx = CTX_TOP;
                go_bad(s, s->obj_keep ? s->obj_start : abs_pos(s),
                       s->obj_keep ? s->obj_line : s->line);
                continue;
            }
            if (lim >= 0 && abs_pos(s) >= lim) {
                if (s->obj_keep) {
                    s->obj_keep = false; /* too big to be a record: stop keeping it */
                    s->anchor = s->mode == M_OBJ_KEYSCAN ? s->key_start : -1;
                } else {
                    s->anchor = -1; /* an absurdly long key: cannot be a wrap key anyway */
                    s->key_start = -1;
                }
                continue;
            }
            if ((rc = more(s)) < 0)
                return KS_ERR(err, rc, "splitter buffer");
            if (rc == 0) {
                s->err_msg = "truncated object (input ends inside it)";
                s->ctx = CTX_TOP;
                go_bad(s, s->obj_keep ? s->obj_start : abs_pos(s),
                       s->obj_keep ? s->obj_line : s->line);
            }
            continue;
        }
        case M_BADLINE: {
            /* pos is at the offending byte (or end of input). The stretch ends before it
             * when it begins a new line with '{' or '[' (a new record), else at the end of
             * its line. */
            int64_t here = abs_pos(s);
            if (s->pos < s->fill && here == s->line_start && here > s->rec_start &&
                (s->buf[s->pos] == '{' || s->buf[s->pos] == '[')) {
                int64_t to = trim_end(s, s->rec_start, here);
                s->anchor = -1;
                s->mode = M_TOP;
                return report(s, out, err, s->rec_start, to, NULL);
            }
            /* Search for the line end only within max_record of the stretch start, so the
             * outcome never depends on how much the last read brought. */
            int64_t lim = rec_limit(s, s->rec_start);
            size_t stop = lim - s->base < (int64_t)s->fill ? (size_t)(lim - s->base) : s->fill;
            if (stop < s->pos)
                stop = s->pos;
            const char *nl = memchr(s->buf + s->pos, '\n', stop - s->pos);
            if (nl) {
                s->pos = (size_t)(nl - s->buf);
                int64_t to = trim_end(s, s->rec_start, abs_pos(s));
                s->anchor = -1;
                s->mode = M_RESYNC;
                return report(s, out, err, s->rec_start, to, NULL);
            }
            s->pos = stop;
            if (abs_pos(s) >= lim) {
                s->anchor = -1;
                s->mode = M_RESYNC;
                return report(s, out, err, s->rec_start, s->rec_start + (int64_t)s->max_record, NULL);
            }
            if ((rc = more(s)) < 0)
                return KS_ERR(err, rc, "splitter buffer");
            if (rc == 0) {
                s->anchor = -1;
                s->mode = M_DONE;
                return report(s, out, err, s->rec_start, trim_end(s, s->rec_start, abs_pos(s)), NULL);
            }
            continue;
        }
        case M_RESYNC: {
            s->ctx = CTX_TOP;
            s->anchor = -1;
            s->silent = false;
            for (;;) {
                if (s->pos < s->fill && abs_pos(s) == s->line_start &&
                    (s->buf[s->pos] == '{' || s->buf[s->pos] == '[')) {
                    s->mode = M_TOP;
                    break;
                }
                if (s->pos >= s->fill)
                    break;
                const char *nl = memchr(s->buf + s->pos, '\n', s->fill - s->pos);
                if (!nl) {
                    s->pos = s->fill;
                    break;
                }
                s->pos = (size_t)(nl - s->buf) + 1;
                s->line++;
                s->line_start = abs_pos(s);
            }
            if (s->mode == M_TOP)
                continue;
            if ((rc = more(s)) < 0)
                return KS_ERR(err, rc, "splitter buffer");
            if (rc == 0)
                s->mode = M_DONE;
            continue;
        }
        case M_RECOVER: {
            const char *p = s->buf + s->pos, *end = s->buf + s->fill;
            int64_t lim = rec_limit(s, s->rec_start);
            if (lim - s->base < (int64_t)s->fill)
                end = s->buf + (lim > abs_pos(s) ? lim - s->base : (int64_t)s->pos);
            bool done = false, failed = false;
            while (p < end) {
                char c = *p;
                if (s->r_in_str) {
                    if (s->r_esc) {
                        s->r_esc = 0;
                        if (c == '\n') {
                            failed = true;
                            break;
                        }
                        p++;
                        continue;
                    }
                    p = scan_str(p, end);
                    if (p >= end)
                        break;
                    if (*p == '\\') {
                        s->r_esc = 1;
                    } else if (*p == '"') {
                        s->r_in_str = 0;
                    } else {
                        failed = true; /* newline: quotes no longer balance */
                        break;
                    }
                    p++;
                    continue;
                }
                if (c == '"') {
                    s->r_in_str = 1;
                } else if (c == '{' || c == '[') {
                    s->rdepth++;
                } else if (c == '}' || c == ']') {
                    if (s->rdepth == 0) {
                        if (c == ']') {
                            done = true;
                            break;
                        }
                        failed = true;
                        break;
                    }
                    s->rdepth--;
                } else if (c == ',' && s->rdepth == 0) {
                    done = true;
                    break;
                } else if (c == '\n') {
                    s->line++;
                    s->line_start = s->base + (p + 1 - s->buf);
                }
                p++;
            }
            s->pos = (size_t)(p - s->buf);
            if (done) {
                /* The bad element is [rec_start, pos) without trailing space. */
                int64_t to = trim_end(s, s->rec_start, abs_pos(s));
                s->anchor = -1;
                s->mode = M_ARR_SEP;
                if (s->silent) {
                    s->silent = false;
                    continue;
                }
                return report(s, out, err, s->rec_start, to, NULL);
            }
            if (!failed) {
                if (abs_pos(s) >= lim) {
                    failed = true; /* no end within max_record bytes */
                } else {
                    if ((rc = more(s)) < 0)
                        return KS_ERR(err, rc, "splitter buffer");
                    if (rc == 1)
                        continue;
                    failed = true;
                }
            }
            /* Give up on the rest of this array; JSON Lines resync takes over. */
            int64_t to = abs_pos(s);
            s->anchor = -1;
            s->mode = M_RESYNC;
            s->silent = false;
            rc = report(s, out, err, s->rec_start, to, "; the rest of the array is skipped");
            s->ctx = CTX_TOP;
            return rc;
        }
        case M_DONE:
        default:
            if (s->in_code) {
                /* Input failures (a truncated gzip is KS_ECORRUPT below us) are reported as
                 * KS_EIO so callers can tell them from a malformed record. */
                int code = s->in_code == KS_ENOMEM ? KS_ENOMEM : KS_EIO;
                s->in_code = 0;
                if (err)
                    *err = s->in_err;
                return code;
            }
            return KS_EOF;
        }
    }
}
