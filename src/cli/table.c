/* table.c — writes result rows as a table, CSV, JSON or JSON Lines (see table.h). */
#include "cli/table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"

#define KS_OUT_BUFFER_ROWS 10000
#define KS_OUT_BUFFER_BYTES ((size_t)64 << 20)
#define KS_OUT_BUFFER_CELLS ((size_t)1 << 20)
#define KS_OUT_DEFAULT_CAP 60
/* Input bytes of one value that a table cell looks at: enough to fill any cap (even with
 * escapes and combining marks), bounded so a 1 GB value costs nothing. */
#define KS_OUT_WIDE_INPUT ((size_t)16 << 10)
#define KS_OUT_MAX_COLS 32767 /* SQLite's hard limit on result columns */

static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026, one column */

typedef struct cell {
    size_t off, len; /* in o->arena */
    size_t width;
    bool right;      /* numbers are right-aligned */
} cell;

struct ks_out {
    FILE *f;
    ks_out_format fmt;
    bool header;
    size_t cap; /* 0 = no cap */
    int ncols;
    bool begun, ended;
    int status;     /* sticky first error */
    int64_t nrows;
    ks_buf line;    /* the line being built */
    ks_buf scratch; /* one escaped value */
    ks_buf keys;    /* JSON: the quoted column names, back to back */
    size_t *key_off, *key_len;
    /* table */
    size_t *widths;
    cell *hdr;       /* header cells (in arena) */
    cell *cells;     /* buffered rows, ncols per row */
    size_t ncells, cells_cap;
    ks_buf arena;    /* text of header and buffered cells */
    bool streaming;  /* widths fixed, rows printed as they come */
};

int ks_out_format_parse(const char *name, ks_out_format *out)
{
    static const struct {
        const char *name;
        ks_out_format fmt;
    } names[] = {{"table", KS_OUT_TABLE}, {"csv", KS_OUT_CSV}, {"json", KS_OUT_JSON},
                 {"jsonl", KS_OUT_JSONL}};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].fmt;
            return 0;
        }
    }
    return KS_EUSAGE;
}

int ks_out_new(ks_out **out, FILE *f, ks_out_format fmt, const ks_out_opts *opts)
{
    if (!out || !f || fmt < KS_OUT_TABLE || fmt > KS_OUT_JSONL)
        return KS_EUSAGE;
    ks_out *o = calloc(1, sizeof *o);
    if (!o)
        return KS_ENOMEM;
    o->f = f;
    o->fmt = fmt;
    o->header = opts ? opts->header : true;
    o->cap = KS_OUT_DEFAULT_CAP;
    if (opts && opts->wide)
        o->cap = 0;
    else if (opts && opts->max_width)
        o->cap = opts->max_width;
    if (o->cap && o->cap < 2)
        o->cap = 2; /* room for one column and the ellipsis */
    ks_buf_init(&o->line, 0);
    ks_buf_init(&o->scratch, 0);
    ks_buf_init(&o->keys, 0);
    ks_buf_init(&o->arena, 0);
    *out = o;
    return 0;
}

void ks_out_free(ks_out *o)
{
    if (!o)
        return;
    ks_buf_free(&o->line);
    ks_buf_free(&o->scratch);
    ks_buf_free(&o->keys);
    ks_buf_free(&o->arena);
    free(o->key_off);
    free(o->key_len);
    free(o->widths);
    free(o->hdr);
    free(o->cells);
    free(o);
}

static int fail(ks_out *o, int rc)
{
    if (!o->status)
        o->status = rc;
    return rc;
}

static int emit(ks_out *o, const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, o->f) != n)
        return fail(o, KS_EIO);
    return 0;
}

/* Writes o->line and empties it. */
static int emit_line(ks_out *o)
{
    int rc = emit(o, o->line.data, o->line.len);
    ks_buf_reset(&o->line);
    return rc;
}

static int put_hex(ks_buf *b, const char *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    char chunk[256];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        chunk[k++] = hx[c >> 4];
        chunk[k++] = hx[c & 15];
        if (k == sizeof chunk || i + 1 == n) {
            int rc = ks_buf_append(b, chunk, k);
            if (rc)
                return rc;
            k = 0;
        }
    }
    return ks_buf_append(b, "", 0);
}

/* RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json_number_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n)
        return false;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return false;
    }
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    return i == n;
}

static char type_of(const char *types, const char *const *vals, int i)
{
    if (!vals[i])
        return 'n';
    if (!types)
        return 't';
    char t = types[i];
    return t == 'i' || t == 'r' || t == 'b' || t == 't' ? t : 't';
}

static size_t len_of(const size_t *lens, const char *const *vals, int i)
{
    return lens ? lens[i] : strlen(vals[i]);
}

/* ---- table ------------------------------------------------------------------------ */

/* Escapes one value into o->scratch for a table cell and cuts it to `limit` columns
 * (0 = no limit) with an ellipsis. Sets *width. */
static int table_cell_text(ks_out *o, const char *v, size_t n, char type, size_t limit,
                           size_t *width)
{
    ks_buf_reset(&o->scratch);
    size_t in = n;
    size_t budget = o->cap && o->cap < 1000 ? o->cap * 16 + 64 : KS_OUT_WIDE_INPUT;
    bool cut = false;
    int rc;
    if (type == 'b') {
        size_t bytes = budget / 2;
        if (in > bytes) {
            in = bytes;
            cut = true;
        }
        rc = put_hex(&o->scratch, v, in);
    } else {
        if (in > budget) {
            in = budget;
            /* back up to the start of a UTF-8 sequence so the cut is not shown as junk */
            for (int k = 0; k < 3 && in > 0 && ((unsigned char)v[in] & 0xC0) == 0x80; k++)
                in--;
            cut = true;
        }
        rc = v ? ks_escape_term(&o->scratch, v, in) : ks_buf_append(&o->scratch, "", 0);
    }
    if (rc)
        return fail(o, rc);
    size_t w = ks_display_width(o->scratch.data, o->scratch.len);
    if ((limit && w > limit) || cut) {
        size_t room = limit && w > limit - 1 ? limit - 1 : w;
        size_t keep = ks_display_prefix(o->scratch.data, o->scratch.len, room);
        o->scratch.len = keep;
        if ((rc = ks_buf_append(&o->scratch, ellipsis, sizeof ellipsis - 1)) != 0)
            return fail(o, rc);
        w = ks_display_width(o->scratch.data, o->scratch.len);
    }
    *width = w;
    return 0;
}

static int pad(ks_buf *b, size_t n)
{
    static const char spaces[] = "                                ";
    while (n) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        int rc = ks_buf_append(b, spaces, k);
        if (rc)
            return rc;
        n -= k;
    }
    return 0;
}

/* Appends one cell to o->line, aligned to its column. */
static int table_put_cell(ks_out *o, int col, const char *text, size_t len, size_t width,
                          bool right)
{
    size_t w = o->widths[col];
    size_t fill = width < w ? w - width : 0;
    bool last = col == o->ncols - 1;
    int rc = 0;
    if (col > 0)
        rc = ks_buf_append(&o->line, "  ", 2);
    if (!rc && right)
        rc = pad(&o->line, fill);
    if (!rc)
        rc = ks_buf_append(&o->line, text, len);
    if (!rc && !right && !last)
        rc = pad(&o->line, fill);
    return rc ? fail(o, rc) : 0;
}

static int table_put_row(ks_out *o, const cell *row)
{
    int rc = 0;
    for (int c = 0; c < o->ncols && !rc; c++)
        rc = table_put_cell(o, c, o->arena.data + row[c].off, row[c].len, row[c].width,
                            row[c].right);
    if (!rc)
        rc = ks_buf_putc(&o->line, '\n');
    if (rc)
        return fail(o, rc);
    return emit_line(o);
}

/* Prints the header and the buffered rows, then switches to streaming. */
static int table_flush(ks_out *o)
{
    int rc = 0;
    if (o->streaming)
        return 0;
    o->streaming = true;
    if (o->header) {
        if ((rc = table_put_row(o, o->hdr)) != 0)
            return rc;
        for (int c = 0; c < o->ncols && !rc; c++) {
            if (c > 0)
                rc = ks_buf_append(&o->line, "  ", 2);
            for (size_t k = 0; k < o->widths[c] && !rc; k++)
                rc = ks_buf_putc(&o->line, '-');
        }
        if (!rc)
            rc = ks_buf_putc(&o->line, '\n');
        if (rc)
            return fail(o, rc);
        if ((rc = emit_line(o)) != 0)
            return rc;
    }
    for (size_t r = 0; r + (size_t)o->ncols <= o->ncells && o->ncols > 0; r += (size_t)o->ncols)
        if ((rc = table_put_row(o, o->cells + r)) != 0)
            return rc;
    o->ncells = 0;
    free(o->cells);
    o->cells = NULL;
    o->cells_cap = 0;
    return 0;
}

static int table_row(ks_out *o, const char *const *vals, const size_t *lens, const char *types)
{
    int rc = 0;
    if (o->streaming && o->ncols > 0) {
        /* widths are fixed now: cut to them (unless --wide) to keep the columns aligned */
        for (int c = 0; c < o->ncols; c++) {
            char t = type_of(types, vals, c);
            size_t w;
            size_t limit = !o->cap ? 0 : o->widths[c] ? o->widths[c] : 1;
            if ((rc = table_cell_text(o, vals[c], vals[c] ? len_of(lens, vals, c) : 0, t,
                                      limit, &w)) != 0)
                return rc;
            if ((rc = table_put_cell(o, c, o->scratch.data, o->scratch.len, w,
                                     t == 'i' || t == 'r')) != 0)
                return rc;
        }
        if ((rc = ks_buf_putc(&o->line, '\n')) != 0)
            return fail(o, rc);
        return emit_line(o);
    }
    size_t nc = (size_t)o->ncols;
    if (nc == 0)
        return 0; /* nothing to show for a row without columns */
    if (o->ncells + nc > o->cells_cap) {
        size_t want = o->cells_cap ? o->cells_cap * 2 : nc * 64;
        if (want < o->ncells + nc)
            want = o->ncells + nc;
        cell *p = realloc(o->cells, want * sizeof *p);
        if (!p)
            return fail(o, KS_ENOMEM);
        o->cells = p;
        o->cells_cap = want;
    }
    cell *row = o->cells + o->ncells;
    for (int c = 0; c < o->ncols; c++) {
        char t = type_of(types, vals, c);
        size_t w;
        if ((rc = table_cell_text(o, vals[c], vals[c] ? len_of(lens, vals, c) : 0, t, o->cap,
                                  &w)) != 0)
            return rc;
        row[c].off = o->arena.len;
        row[c].len = o->scratch.len;
        row[c].width = w;
        row[c].right = t == 'i' || t == 'r';
        if ((rc = ks_buf_append(&o->arena, o->scratch.data, o->scratch.len)) != 0)
            return fail(o, rc);
        if (w > o->widths[c])
            o->widths[c] = w;
    }
    o->ncells += nc;
    if (o->ncells / nc >= KS_OUT_BUFFER_ROWS || o->ncells >= KS_OUT_BUFFER_CELLS ||
        o->arena.len >= KS_OUT_BUFFER_BYTES)
        return table_flush(o);
    return 0;
}

static int table_begin(ks_out *o, const char *const *names)
{
    o->widths = calloc((size_t)o->ncols ? (size_t)o->ncols : 1, sizeof *o->widths);
    o->hdr = calloc((size_t)o->ncols ? (size_t)o->ncols : 1, sizeof *o->hdr);
    if (!o->widths || !o->hdr)
        return fail(o, KS_ENOMEM);
    for (int c = 0; c < o->ncols; c++) {
        const char *nm = names && names[c] ? names[c] : "";
        size_t w;
        int rc = table_cell_text(o, nm, strlen(nm), 't', o->cap, &w);
        if (rc)
            return rc;
        o->hdr[c].off = o->arena.len;
        o->hdr[c].len = o->scratch.len;
        o->hdr[c].width = w;
        if ((rc = ks_buf_append(&o->arena, o->scratch.data, o->scratch.len)) != 0)
            return fail(o, rc);
        if (o->header)
            o->widths[c] = w;
    }
    return 0;
}

/* ---- CSV ---------------------------------------------------------------------------- */

static int csv_value(ks_out *o, const char *v, size_t n, char t)
{
    switch (t) {
    case 'n':
        return 0;
    case 'b':
        return put_hex(&o->line, v, n);
    case 'i':
    case 'r':
        if (json_number_ok(v, n))
            return ks_buf_append(&o->line, v, n); /* "-5" is a number, not a formula */
        return ks_escape_csv(&o->line, v, n);
    default:
        return ks_escape_csv(&o->line, v, n);
    }
}

static int csv_row(ks_out *o, const char *const *vals, const size_t *lens, const char *types)
{
    int rc = 0;
    for (int c = 0; c < o->ncols && !rc; c++) {
        if (c > 0)
            rc = ks_buf_putc(&o->line, ',');
        char t = type_of(types, vals, c);
        if (!rc)
            rc = csv_value(o, vals[c], vals[c] ? len_of(lens, vals, c) : 0, t);
    }
    if (!rc)
        rc = ks_buf_putc(&o->line, '\n');
    if (rc)
        return fail(o, rc);
    return emit_line(o);
}

/* ---- JSON --------------------------------------------------------------------------- */

static int json_begin(ks_out *o, const char *const *names)
{
    size_t nc = (size_t)o->ncols ? (size_t)o->ncols : 1;
    o->key_off = calloc(nc, sizeof *o->key_off);
    o->key_len = calloc(nc, sizeof *o->key_len);
    if (!o->key_off || !o->key_len)
        return fail(o, KS_ENOMEM);
    for (int c = 0; c < o->ncols; c++) {
        const char *nm = names && names[c] ? names[c] : "";
        o->key_off[c] = o->keys.len;
        int rc = ks_escape_json(&o->keys, nm, strlen(nm));
        if (!rc)
            rc = ks_buf_putc(&o->keys, ':');
        if (rc)
            return fail(o, rc);
        o->key_len[c] = o->keys.len - o->key_off[c];
    }
    return 0;
}

static int json_row(ks_out *o, const char *const *vals, const size_t *lens, const char *types)
{
    int rc = 0;
    if (o->fmt == KS_OUT_JSON)
        rc = ks_buf_puts(&o->line, o->nrows ? ",\n" : "\n");
    if (!rc)
        rc = ks_buf_putc(&o->line, '{');
    for (int c = 0; c < o->ncols && !rc; c++) {
        if (c > 0)
            rc = ks_buf_putc(&o->line, ',');
        if (!rc)
            rc = ks_buf_append(&o->line, o->keys.data + o->key_off[c], o->key_len[c]);
        if (rc)
            break;
        char t = type_of(types, vals, c);
        size_t n = vals[c] ? len_of(lens, vals, c) : 0;
        if (t == 'n') {
            rc = ks_buf_append(&o->line, "null", 4);
        } else if ((t == 'i' || t == 'r') && json_number_ok(vals[c], n)) {
            rc = ks_buf_append(&o->line, vals[c], n);
        } else if (t == 'b') {
            rc = ks_buf_putc(&o->line, '"');
            if (!rc)
                rc = put_hex(&o->line, vals[c], n);
            if (!rc)
                rc = ks_buf_putc(&o->line, '"');
        } else {
            rc = ks_escape_json(&o->line, vals[c], n); /* also Inf/NaN reals */
        }
    }
    if (!rc)
        rc = ks_buf_putc(&o->line, '}');
    if (!rc && o->fmt == KS_OUT_JSONL)
        rc = ks_buf_putc(&o->line, '\n');
    if (rc)
        return fail(o, rc);
    return emit_line(o);
}

/* ---- entry points ------------------------------------------------------------------- */

int ks_out_begin(ks_out *o, int ncols, const char *const *names)
{
    if (!o || o->begun || ncols < 0 || ncols > KS_OUT_MAX_COLS)
        return KS_EUSAGE;
    o->begun = true;
    o->ncols = ncols;
    int rc = 0;
    switch (o->fmt) {
    case KS_OUT_TABLE:
        rc = table_begin(o, names);
        break;
    case KS_OUT_CSV:
        if (!o->header)
            break;
        for (int c = 0; c < ncols && !rc; c++) {
            const char *nm = names && names[c] ? names[c] : "";
            if (c > 0)
                rc = ks_buf_putc(&o->line, ',');
            if (!rc)
                rc = ks_escape_csv(&o->line, nm, strlen(nm));
        }
        if (!rc)
            rc = ks_buf_putc(&o->line, '\n');
        if (rc)
            return fail(o, rc);
        rc = emit_line(o);
        break;
    case KS_OUT_JSON:
        rc = json_begin(o, names);
        if (!rc)
            rc = emit(o, "[", 1);
        break;
    case KS_OUT_JSONL:
        rc = json_begin(o, names);
        break;
    }
    return rc;
}

int ks_out_row(ks_out *o, const char *const *vals, const size_t *lens, const char *types)
{
    if (!o || !o->begun || o->ended || (!vals && o->ncols > 0))
        return KS_EUSAGE;
    if (o->status)
        return o->status;
    int rc = 0;
    switch (o->fmt) {
    case KS_OUT_TABLE:
        rc = table_row(o, vals, lens, types);
        break;
    case KS_OUT_CSV:
        rc = csv_row(o, vals, lens, types);
        break;
    case KS_OUT_JSON:
    case KS_OUT_JSONL:
        rc = json_row(o, vals, lens, types);
        break;
    }
    if (!rc)
        o->nrows++;
    return rc;
}

int ks_out_row_fn(void *ctx, int ncols, const char *const *names, const char *const *vals,
                  const size_t *lens, const char *types)
{
    ks_out *o = ctx;
    int rc = 0;
    if (!o)
        return KS_EUSAGE;
    if (!o->begun)
        rc = ks_out_begin(o, ncols, names);
    else if (ncols != o->ncols)
        rc = fail(o, KS_EUSAGE); /* a second statement with other columns */
    if (!rc)
        rc = ks_out_row(o, vals, lens, types);
    if (rc)
        fail(o, rc);
    return rc;
}

bool ks_out_begun(const ks_out *o)
{
    return o && o->begun;
}

int ks_out_end(ks_out *o)
{
    if (!o || !o->begun || o->ended)
        return KS_EUSAGE;
    o->ended = true;
    if (o->status)
        return o->status;
    int rc = 0;
    if (o->fmt == KS_OUT_TABLE)
        rc = table_flush(o);
    else if (o->fmt == KS_OUT_JSON)
        rc = o->nrows ? emit(o, "\n]\n", 3) : emit(o, "]\n", 2);
    if (!rc && fflush(o->f) != 0)
        rc = fail(o, KS_EIO);
    if (!rc && ferror(o->f))
        rc = fail(o, KS_EIO);
    return rc;
}
