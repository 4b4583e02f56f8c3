/* dump_diff.c — streaming, memory-bounded comparison of two plain-SQL dumps.
 *
 * Reading: a statement splitter over 1 MiB reads, aware of '..' (backslash escapes in MySQL
 * dumps only), "..", `..`, $tag$..$tag$ (PostgreSQL), -- and block comments; after a
 * "COPY t (cols) FROM stdin;" it hands out data lines until "\.". Each dump is read twice:
 * pass 1 collects table definitions (CREATE TABLE and PostgreSQL's later
 * "ALTER TABLE ONLY t ADD CONSTRAINT .. PRIMARY KEY (..)"), pass 2 turns every row into a
 * record, sorted in memory-sized runs that spill to unlinked temporary files.
 *
 * Record (all integers big-endian so that byte order is the sort order where it matters):
 *   u32 total | u16 tlen | table | u32 klen | key | u32 ncols | ncols * value
 *   value = u8 kind (0 bare token text, 1 NULL, 2 string) | u32 len | bytes
 *   key   = the primary-key columns' values in the same encoding (the whole row without a PK)
 * Runs are merged per dump, and the two merged streams are compared in (table, key) order.
 */
#include "db/dump_diff.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/binlog.h" /* ks_db_json_str */
#include "db/sql_lex.h"

#define DD_READ 65536
#define DD_STMT_MAX ((size_t)256 << 20)
#define DD_MAX_TABLES 100000
#define DD_MAX_COLS 4096
#define DD_MAX_RUNS 1024

/* ---- table definitions -------------------------------------------------------------- */
typedef struct dd_table {
    char *name;
    size_t ncols;
    char **cols;
    size_t npk;
    int pk[64];  /* column indexes */
    int seen_rows;
} dd_table;

typedef struct dd_schema {
    dd_table *t;
    size_t n, cap;
} dd_schema;

static void schema_free(dd_schema *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->t[i].name);
        for (size_t c = 0; c < s->t[i].ncols; c++)
            free(s->t[i].cols[c]);
        free(s->t[i].cols);
    }
    free(s->t);
    memset(s, 0, sizeof *s);
}

static dd_table *schema_find(dd_schema *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->t[i].name, name))
            return &s->t[i];
    return NULL;
}

static dd_table *schema_add(dd_schema *s, const char *name)
{
    dd_table *t = schema_find(s, name);
    if (t)
        return t;
    if (s->n >= DD_MAX_TABLES)
        return NULL;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        dd_table *nt = realloc(s->t, nc * sizeof *nt);
        if (!nt)
            return NULL;
        s->t = nt;
        s->cap = nc;
    }
    t = &s->t[s->n];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    if (!t->name)
        return NULL;
    s->n++;
    return t;
}

/* ---- the statement reader ------------------------------------------------------------ */
typedef struct dd_reader {
    int fd;
    ks_input *in;      /* when the caller's opener is used (compressed dumps) */
    void *in_handle;
    const ks_dump_diff_opts *opts;
    ks_err in_err;     /* why a read through `in` failed */
    const char *path;
    char buf[DD_READ];
    size_t pos, len;
    uint64_t buf_off;
    int eof;
    int pg;
    ks_buf stmt;
    uint64_t stmt_off;
    int overflow;
    int in_copy;
    int copy_pending; /* the statement just returned was COPY ... FROM stdin */
} dd_reader;

static int rd_fill(dd_reader *r)
{
    if (r->eof)
        return 0;
    r->buf_off += r->len;
    ssize_t n;
    if (r->in) {
        size_t got = 0;
        if (r->in->read(r->in->ctx, r->buf, sizeof r->buf, &got, &r->in_err) != 0) {
            r->eof = 1;
            r->len = 0;
            r->pos = 0;
            errno = EIO;
            return -1;
        }
        n = (ssize_t)got;
    } else {
        do {
            n = read(r->fd, r->buf, sizeof r->buf);
        } while (n < 0 && errno == EINTR);
    }
    if (n <= 0) {
        r->eof = 1;
        r->len = 0;
        r->pos = 0;
        return n < 0 ? -1 : 0;
    }
    r->len = (size_t)n;
    r->pos = 0;
    return 1;
}

static int rd_getc(dd_reader *r)
{
    if (r->pos >= r->len) {
        int f = rd_fill(r);
        if (f <= 0)
            return -1;
    }
    return (unsigned char)r->buf[r->pos++];
}

static uint64_t rd_off(const dd_reader *r)
{
    return r->buf_off + r->pos;
}

static void rd_keep(dd_reader *r, int c)
{
    if (r->overflow)
        return;
    if (ks_buf_putc(&r->stmt, (char)c) != 0)
        r->overflow = 1;
}

/* After "COPY ... FROM stdin;" the data starts on the next line. */
static void rd_enter_copy(dd_reader *r)
{
    int c;
    while ((c = rd_getc(r)) >= 0 && c != '\n')
        ;
    r->in_copy = 1;
}

/* Next COPY data line (without the newline). Returns 1, 0 at "\." or EOF. */
static int rd_copy_line(dd_reader *r, ks_str *out, uint64_t *off)
{
    ks_buf_reset(&r->stmt);
    r->overflow = 0;
    r->stmt_off = rd_off(r);
    int c;
    int any = 0;
    while ((c = rd_getc(r)) >= 0) {
        any = 1;
        if (c == '\n')
            break;
        rd_keep(r, c);
    }
    if (!any) {
        r->in_copy = 0;
        return 0;
    }
    if (r->stmt.len == 2 && r->stmt.data[0] == '\\' && r->stmt.data[1] == '.') {
        r->in_copy = 0;
        return 0;
    }
    if (r->stmt.len && r->stmt.data[r->stmt.len - 1] == '\r')
        r->stmt.len--;
    out->p = r->stmt.data ? r->stmt.data : "";
    out->n = r->stmt.len;
    *off = r->stmt_off;
    return 1;
}

/* Next statement (text without the ';'). Returns 1, 0 at EOF. r->overflow set when the
 * statement was longer than the buffer's max (its text is then incomplete). */
static int rd_stmt(dd_reader *r, ks_str *out, uint64_t *off)
{
    ks_buf_reset(&r->stmt);
    r->overflow = 0;
    int st = 0; /* 0 code, 1 ', 2 ", 3 `, 4 -- line, 5 block, 6 dollar */
    char tag[72];
    size_t taglen = 0;
    int started = 0;
    int prev = 0;
    int c;
    while ((c = rd_getc(r)) >= 0) {
        if (!started) {
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
                continue;
            started = 1;
            r->stmt_off = rd_off(r) - 1;
        }
        switch (st) {
        case 0:
            if (c == ';') {
                out->p = r->stmt.data ? r->stmt.data : "";
                out->n = r->stmt.len;
                *off = r->stmt_off;
                return 1;
            }
            rd_keep(r, c);
            if (c == '\'')
                st = 1;
            else if (c == '"')
                st = 2;
            else if (c == '`' && !r->pg)
                st = 3;
            else if (c == '-' && prev == '-')
                st = 4;
            else if (c == '#' && !r->pg)
                st = 4;
            else if (c == '*' && prev == '/')
                st = 5;
            else if (c == '$' && r->pg && !r->overflow) {
                /* a dollar tag is complete when the previous '$' .. this '$' holds only
                 * identifier characters */
                size_t L = r->stmt.len;
                size_t k = L - 1;
                while (k > 0 && L - k < sizeof tag - 1) {
                    char ch = r->stmt.data[k - 1];
                    if (ch == '$')
                        break;
                    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
                          (ch >= '0' && ch <= '9')))
                        break;
                    k--;
                }
                if (k > 0 && r->stmt.data[k - 1] == '$' && L - (k - 1) <= sizeof tag - 1 &&
                    !(L - (k - 1) > 2 && r->stmt.data[k] >= '0' && r->stmt.data[k] <= '9')) {
                    taglen = L - (k - 1);
                    memcpy(tag, r->stmt.data + k - 1, taglen);
                    st = 6;
                }
            }
            if (st == 4 || st == 5)
                c = 0; /* "--" and "/ *" consumed: do not let them pair again */
            break;
        case 1:
        case 2:
        case 3:
            rd_keep(r, c);
            if (c == '\\' && !r->pg && st != 3) {
                int d = rd_getc(r);
                if (d < 0)
                    break;
                rd_keep(r, d);
                c = 0;
            } else if ((st == 1 && c == '\'') || (st == 2 && c == '"') || (st == 3 && c == '`')) {
                st = 0; /* a doubled quote re-enters the state on the next char */
                c = 0;
            }
            break;
        case 4:
            rd_keep(r, c);
            if (c == '\n')
                st = 0;
            break;
        case 5:
            rd_keep(r, c);
            if (c == '/' && prev == '*') {
                st = 0;
                c = 0;
            }
            break;
        case 6:
            rd_keep(r, c);
            if (c == '$' && !r->overflow && r->stmt.len >= taglen * 2 &&
                memcmp(r->stmt.data + r->stmt.len - taglen, tag, taglen) == 0)
                st = 0;
            break;
        }
        prev = c;
    }
    if (!started)
        return 0;
    /* text without a final ';' (end of file) is still a statement */
    out->p = r->stmt.data ? r->stmt.data : "";
    out->n = r->stmt.len;
    *off = r->stmt_off;
    return 1;
}

static int rd_open(dd_reader *r, const char *path, size_t stmt_max, const ks_dump_diff_opts *o,
                   ks_err *err)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->path = path;
    r->opts = o;
    ks_buf_init(&r->stmt, stmt_max);
    if (o && o->open) {
        int rc = o->open(o->open_ctx, path, &r->in, &r->in_handle, err);
        if (rc)
            return rc;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (r->fd < 0)
            return KS_ERR_AT(err, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, path, -1, -1,
                             "cannot open: %s", strerror(errno));
    }
    if (rd_fill(r) < 0) {
        if (r->in) {
            *err = r->in_err;
            ks_err_locate(err, path, -1, 0);
            return err->code ? err->code : KS_EIO;
        }
        return KS_ERR_AT(err, KS_EIO, path, -1, 0, "read failed: %s", strerror(errno));
    }
    r->buf_off = 0;
    /* pg_dump says so in its header; PostgreSQL strings take no backslash escapes */
    size_t look = r->len < 4096 ? r->len : 4096;
    if (memmem(r->buf, look, "PostgreSQL database dump", 24))
        r->pg = 1;
    return 0;
}

/* Back to the start for the second pass: a plain file seeks, an opened (decompressing)
 * input is opened again. */
static int rd_rewind(dd_reader *r, ks_err *err)
{
    if (!r->in) {
        if (lseek(r->fd, 0, SEEK_SET) != 0)
            return KS_ERR_AT(err, KS_EIO, r->path, -1, -1, "cannot rewind: %s", strerror(errno));
        return 0;
    }
    r->opts->close(r->in_handle);
    r->in = NULL;
    r->in_handle = NULL;
    return r->opts->open(r->opts->open_ctx, r->path, &r->in, &r->in_handle, err);
}

static void rd_close(dd_reader *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    if (r->in_handle && r->opts && r->opts->close)
        r->opts->close(r->in_handle);
    r->in = NULL;
    r->in_handle = NULL;
    ks_buf_free(&r->stmt);
}

/* ---- statement analysis with the SQL lexer --------------------------------------------- */
#define DD_TOKS 64

typedef struct toks {
    ks_sql_lexer lx;
} toks;

static int next_sig(ks_sql_lexer *lx, ks_sql_tok *t)
{
    for (;;) {
        int rc = ks_sql_lex_next(lx, t);
        if (rc)
            return rc;
        if (t->type != KS_SQL_T_COMMENT)
            return 0;
    }
}

static int tok_punct(const ks_sql_lexer *lx, const ks_sql_tok *t, char c)
{
    return t->type == KS_SQL_T_PUNCT && lx->s[t->off] == c;
}

/* Unquoted identifier text appended to b. */
static int ident_append(ks_buf *b, const ks_sql_lexer *lx, const ks_sql_tok *t)
{
    const char *p = lx->s + t->off;
    size_t n = t->len;
    if ((t->type == KS_SQL_T_QIDENT || t->type == KS_SQL_T_STRING) && n >= 2) {
        char q = p[0];
        for (size_t i = 1; i + 1 < n; i++) {
            if (p[i] == q && i + 2 < n && p[i + 1] == q)
                i++;
            int rc = ks_buf_putc(b, p[i]);
            if (rc)
                return rc;
        }
        return 0;
    }
    return ks_buf_append(b, p, n);
}

static int is_name(const ks_sql_tok *t)
{
    return t->type == KS_SQL_T_WORD || t->type == KS_SQL_T_QIDENT;
}

/* Reads a possibly qualified name starting at *t; leaves *t on the token after it. */
static int read_name(ks_sql_lexer *lx, ks_sql_tok *t, ks_buf *name)
{
    ks_buf_reset(name);
    for (int part = 0; part < 3; part++) {
        if (!is_name(t))
            return -1;
        if (part && ks_buf_putc(name, '.'))
            return -1;
        if (ident_append(name, lx, t))
            return -1;
        if (next_sig(lx, t))
            return 1; /* end of statement right after the name */
        if (!tok_punct(lx, t, '.'))
            return 0;
        if (next_sig(lx, t))
            return -1;
    }
    return 0;
}

static int set_pk_by_names(dd_table *tb, char **names, size_t n)
{
    tb->npk = 0;
    for (size_t i = 0; i < n && tb->npk < 64; i++)
        for (size_t c = 0; c < tb->ncols; c++)
            if (!strcmp(tb->cols[c], names[i])) {
                tb->pk[tb->npk++] = (int)c;
                break;
            }
    return 0;
}

/* "( a, b )" → names; lexer positioned on '('. */
static size_t read_name_list(ks_sql_lexer *lx, ks_sql_tok *t, char **out, size_t max)
{
    size_t n = 0;
    ks_buf b;
    ks_buf_init(&b, 4096);
    for (size_t guard = 0; guard < 4096; guard++) {
        if (next_sig(lx, t))
            break;
        if (tok_punct(lx, t, ')'))
            break;
        if (tok_punct(lx, t, ','))
            continue;
        if (is_name(t) && n < max) {
            ks_buf_reset(&b);
            if (ident_append(&b, lx, t) == 0 && b.data) {
                out[n] = strdup(b.data);
                if (out[n])
                    n++;
            }
        } else if (tok_punct(lx, t, '(')) {
            /* prefix length: `name`(10) */
            while (!next_sig(lx, t) && !tok_punct(lx, t, ')'))
                ;
        }
    }
    ks_buf_free(&b);
    return n;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
}

/* CREATE TABLE [IF NOT EXISTS] name ( items ); ALTER TABLE [ONLY] name ADD [CONSTRAINT x]
 * PRIMARY KEY (cols). Unknown statements are ignored (not errors: dumps hold many). */
static int schema_statement(dd_schema *s, const char *text, size_t n, int pg, int *out_bad)
{
    ks_sql_lexer lx;
    ks_sql_lexer_init(&lx, text, n, pg ? KS_SQL_PG : KS_SQL_MYSQL);
    ks_sql_tok t;
    ks_buf name;
    ks_buf_init(&name, 4096);
    int rc = 0;
    if (next_sig(&lx, &t))
        goto done;
    int create = ks_sql_tok_is(&lx, &t, "CREATE"), alter = ks_sql_tok_is(&lx, &t, "ALTER");
    if (!create && !alter)
        goto done;
    for (int g = 0; g < 4; g++) { /* TEMPORARY / UNLOGGED ... */
        if (next_sig(&lx, &t))
            goto done;
        if (ks_sql_tok_is(&lx, &t, "TABLE"))
            break;
        if (!(ks_sql_tok_is(&lx, &t, "TEMPORARY") || ks_sql_tok_is(&lx, &t, "UNLOGGED") ||
              ks_sql_tok_is(&lx, &t, "GLOBAL") || ks_sql_tok_is(&lx, &t, "LOCAL")))
            goto done;
    }
    if (!ks_sql_tok_is(&lx, &t, "TABLE"))
        goto done;
    if (next_sig(&lx, &t))
        goto done;
    while (ks_sql_tok_is(&lx, &t, "IF") || ks_sql_tok_is(&lx, &t, "NOT") ||
           ks_sql_tok_is(&lx, &t, "EXISTS") || ks_sql_tok_is(&lx, &t, "ONLY"))
        if (next_sig(&lx, &t))
            goto done;
    if (read_name(&lx, &t, &name) != 0 || !name.data)
        goto done;
    if (alter) {
        dd_table *tb = schema_find(s, name.data);
        if (!tb)
            goto done;
        /* scan for PRIMARY KEY ( */
        for (size_t guard = 0; guard < 64; guard++) {
            if (ks_sql_tok_is(&lx, &t, "PRIMARY")) {
                if (next_sig(&lx, &t) || !ks_sql_tok_is(&lx, &t, "KEY"))
                    goto done;
                if (next_sig(&lx, &t) || !tok_punct(&lx, &t, '('))
                    goto done;
                char *names[64];
                size_t nn = read_name_list(&lx, &t, names, 64);
                set_pk_by_names(tb, names, nn);
                free_names(names, nn);
                goto done;
            }
            if (next_sig(&lx, &t))
                goto done;
        }
        goto done;
    }
    if (!tok_punct(&lx, &t, '('))
        goto done; /* CREATE TABLE .. AS SELECT / LIKE */
    dd_table *tb = schema_add(s, name.data);
    if (!tb) {
        rc = KS_ENOMEM;
        goto done;
    }
    for (size_t c = 0; c < tb->ncols; c++)
        free(tb->cols[c]);
    free(tb->cols);
    tb->cols = NULL;
    tb->ncols = 0;
    tb->npk = 0;
    size_t cap = 0;
    /* items at depth 1 */
    for (size_t guard = 0; guard < DD_MAX_COLS * 4; guard++) {
        if (next_sig(&lx, &t))
            break;
        if (tok_punct(&lx, &t, ')'))
            break;
        if (tok_punct(&lx, &t, ','))
            continue;
        int is_pk_item = 0, skip_item = 0;
        if (ks_sql_tok_is(&lx, &t, "CONSTRAINT")) {
            /* CONSTRAINT [name] PRIMARY KEY / UNIQUE / FOREIGN / CHECK */
            if (next_sig(&lx, &t))
                break;
            if (!ks_sql_tok_is(&lx, &t, "PRIMARY") && next_sig(&lx, &t))
                break;
        }
        if (ks_sql_tok_is(&lx, &t, "PRIMARY"))
            is_pk_item = 1;
        else if (ks_sql_tok_is(&lx, &t, "KEY") || ks_sql_tok_is(&lx, &t, "INDEX") ||
                 ks_sql_tok_is(&lx, &t, "UNIQUE") || ks_sql_tok_is(&lx, &t, "FOREIGN") ||
                 ks_sql_tok_is(&lx, &t, "CHECK") || ks_sql_tok_is(&lx, &t, "FULLTEXT") ||
                 ks_sql_tok_is(&lx, &t, "SPATIAL") || ks_sql_tok_is(&lx, &t, "EXCLUDE") ||
                 ks_sql_tok_is(&lx, &t, "PERIOD"))
            skip_item = 1;
        if (is_pk_item) {
            if (next_sig(&lx, &t) || !ks_sql_tok_is(&lx, &t, "KEY"))
                break;
            if (next_sig(&lx, &t) || !tok_punct(&lx, &t, '('))
                break;
            char *names[64];
            size_t nn = read_name_list(&lx, &t, names, 64);
            set_pk_by_names(tb, names, nn);
            free_names(names, nn);
            skip_item = 1; /* skip to the item's end */
        } else if (!skip_item && is_name(&t)) {
            if (tb->ncols >= DD_MAX_COLS)
                break;
            if (tb->ncols == cap) {
                size_t nc = cap ? cap * 2 : 16;
                char **ncl = realloc(tb->cols, nc * sizeof *ncl);
                if (!ncl) {
                    rc = KS_ENOMEM;
                    goto done;
                }
                tb->cols = ncl;
                cap = nc;
            }
            ks_buf_reset(&name);
            if (ident_append(&name, &lx, &t) || !name.data) {
                rc = KS_ENOMEM;
                goto done;
            }
            tb->cols[tb->ncols] = strdup(name.data);
            if (!tb->cols[tb->ncols]) {
                rc = KS_ENOMEM;
                goto done;
            }
            tb->ncols++;
        }
        /* to the end of the item: ',' or ')' at this depth; note inline PRIMARY KEY */
        int depth = 0;
        int prev_primary = 0;
        for (size_t g2 = 0; g2 < 100000; g2++) {
            if (next_sig(&lx, &t)) {
                goto done;
            }
            if (tok_punct(&lx, &t, '('))
                depth++;
            else if (tok_punct(&lx, &t, ')')) {
                if (depth == 0)
                    goto done; /* end of the column list */
                depth--;
            } else if (depth == 0 && tok_punct(&lx, &t, ','))
                break;
            if (!skip_item && !is_pk_item && prev_primary && ks_sql_tok_is(&lx, &t, "KEY")) {
                tb->npk = 1;
                tb->pk[0] = (int)tb->ncols - 1;
            }
            prev_primary = ks_sql_tok_is(&lx, &t, "PRIMARY");
        }
    }
done:
    (void)out_bad;
    ks_buf_free(&name);
    return rc;
}

int ks_sql_create_table_columns(const char *sql, size_t n, int pg, char **out_table,
                                char ***out_cols, size_t *out_ncols)
{
    dd_schema s = {0};
    int rc = schema_statement(&s, sql, n, pg, NULL);
    if (rc || s.n != 1 || s.t[0].ncols == 0) {
        schema_free(&s);
        return rc ? rc : KS_ENOTFOUND;
    }
    *out_table = s.t[0].name;
    *out_cols = s.t[0].cols;
    *out_ncols = s.t[0].ncols;
    free(s.t);
    return 0;
}

/* ---- rows ------------------------------------------------------------------------------ */
typedef struct dd_val {
    uint8_t kind; /* 0 bare, 1 NULL, 2 string */
    const char *p;
    size_t n;
} dd_val;

/* Unescapes a string literal token into b (MySQL backslash escapes unless pg; '' always;
 * E'' in pg with C escapes). Handles the _charset'..' / N'..' prefixes. */
static int unescape_literal(ks_buf *b, const char *p, size_t n, int pg)
{
    size_t i = 0;
    while (i < n && p[i] != '\'' && p[i] != '"')
        i++;
    int esc = !pg || (i > 0 && (p[i - 1] == 'E' || p[i - 1] == 'e'));
    if (i >= n)
        return ks_buf_append(b, p, n);
    char q = p[i];
    size_t end = n;
    if (end > i + 1 && p[end - 1] == q)
        end--;
    for (size_t k = i + 1; k < end; k++) {
        char c = p[k];
        int rc;
        if (c == q && k + 1 < end && p[k + 1] == q) {
            rc = ks_buf_putc(b, q);
            k++;
        } else if (esc && c == '\\' && k + 1 < end) {
            char d = p[++k];
            char o = d == '0' ? '\0' : d == 'n' ? '\n' : d == 'r' ? '\r' : d == 't' ? '\t'
                   : d == 'b' ? '\b' : d == 'Z' ? '\x1a' : d;
            if (!pg && (d == '%' || d == '_')) {
                rc = ks_buf_putc(b, '\\');
                if (!rc)
                    rc = ks_buf_putc(b, d);
            } else {
                rc = ks_buf_putc(b, o);
            }
        } else {
            rc = ks_buf_putc(b, c);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* COPY text format field unescaping (PostgreSQL "COPY" docs, Text Format). */
static int unescape_copy(ks_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        int rc;
        if (c == '\\' && i + 1 < n) {
            char d = p[++i];
            if (d >= '0' && d <= '7') {
                int v = d - '0';
                for (int k = 0; k < 2 && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7'; k++)
                    v = v * 8 + (p[++i] - '0');
                rc = ks_buf_putc(b, (char)v);
            } else if (d == 'x' && i + 1 < n) {
                int v = 0, k = 0;
                while (k < 2 && i + 1 < n &&
                       ((p[i + 1] >= '0' && p[i + 1] <= '9') || ((p[i + 1] | 32) >= 'a' && (p[i + 1] | 32) <= 'f'))) {
                    char h = p[++i];
                    v = v * 16 + (h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
                    k++;
                }
                rc = ks_buf_putc(b, (char)v);
            } else {
                char o = d == 'n' ? '\n' : d == 'r' ? '\r' : d == 't' ? '\t' : d == 'b' ? '\b'
                       : d == 'f' ? '\f' : d == 'v' ? '\v' : d;
                rc = ks_buf_putc(b, o);
            }
        } else {
            rc = ks_buf_putc(b, c);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- runs: record buffer, sort, spill ---------------------------------------------------- */
typedef struct dd_runs {
    char *arena;
    size_t used, cap;
    size_t *recs;   /* offsets into arena */
    size_t nrec, caprec;
    FILE *files[DD_MAX_RUNS];
    size_t nfiles;
    const char *tmpdir;
} dd_runs;

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* (table, key) order of two records */
static int rec_cmp(const uint8_t *a, const uint8_t *b)
{
    size_t ta = ((size_t)a[4] << 8) | a[5], tb = ((size_t)b[4] << 8) | b[5];
    size_t m = ta < tb ? ta : tb;
    int c = memcmp(a + 6, b + 6, m);
    if (c)
        return c;
    if (ta != tb)
        return ta < tb ? -1 : 1;
    const uint8_t *ka = a + 6 + ta, *kb = b + 6 + tb;
    size_t la = be32(ka), lb = be32(kb);
    m = la < lb ? la : lb;
    c = memcmp(ka + 4, kb + 4, m);
    if (c)
        return c;
    return la == lb ? 0 : la < lb ? -1 : 1;
}

static const char *g_arena; /* qsort has no context argument in C17 */
static int off_cmp(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    int c = rec_cmp((const uint8_t *)g_arena + a, (const uint8_t *)g_arena + b);
    if (c)
        return c;
    return a < b ? -1 : a > b; /* stable */
}

static int runs_spill(dd_runs *r, ks_err *err)
{
    if (r->nrec == 0)
        return 0;
    g_arena = r->arena;
    qsort(r->recs, r->nrec, sizeof *r->recs, off_cmp);
    if (r->nfiles >= DD_MAX_RUNS)
        return KS_ERR(err, KS_ELIMIT, "db diff: more than %d sorted runs; give --memory-mb more",
                      DD_MAX_RUNS);
    char tmpl[1100];
    snprintf(tmpl, sizeof tmpl, "%s/kanshiki-diff-XXXXXX", r->tmpdir);
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return KS_ERR(err, KS_EIO, "db diff: cannot create a temporary file in %s: %s",
                      r->tmpdir, strerror(errno));
    unlink(tmpl);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        close(fd);
        return KS_ERR(err, KS_EIO, "db diff: fdopen failed");
    }
    for (size_t i = 0; i < r->nrec; i++) {
        const uint8_t *p = (const uint8_t *)r->arena + r->recs[i];
        if (fwrite(p, 1, be32(p), f) != be32(p)) {
            fclose(f);
            return KS_ERR(err, KS_EIO, "db diff: writing a temporary file failed (disk full?)");
        }
    }
    if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return KS_ERR(err, KS_EIO, "db diff: writing a temporary file failed (disk full?)");
    }
    r->files[r->nfiles++] = f;
    r->used = 0;
    r->nrec = 0;
    return 0;
}

static int runs_add(dd_runs *r, const ks_buf *rec, ks_err *err)
{
    if (rec->len > r->cap)
        return KS_ERR(err, KS_ELIMIT, "db diff: one row is larger than the sort memory");
    if (r->used + rec->len > r->cap) {
        int rc = runs_spill(r, err);
        if (rc)
            return rc;
    }
    if (r->nrec == r->caprec) {
        size_t nc = r->caprec ? r->caprec * 2 : 4096;
        size_t *nr = realloc(r->recs, nc * sizeof *nr);
        if (!nr)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        r->recs = nr;
        r->caprec = nc;
    }
    memcpy(r->arena + r->used, rec->data, rec->len);
    r->recs[r->nrec++] = r->used;
    r->used += rec->len;
    return 0;
}

static void runs_free(dd_runs *r)
{
    for (size_t i = 0; i < r->nfiles; i++)
        fclose(r->files[i]);
    free(r->arena);
    free(r->recs);
    memset(r, 0, sizeof *r);
}

/* ---- a merged, sorted stream over one dump's runs ---------------------------------------- */
typedef struct dd_stream {
    dd_runs *runs;
    size_t mem_i;             /* next in-memory record */
    uint8_t *cur[DD_MAX_RUNS + 1]; /* head record of each file, NULL when exhausted */
    size_t curcap[DD_MAX_RUNS + 1];
    int mem_src;              /* index used for the in-memory run */
} dd_stream;

static int stream_load(dd_stream *s, size_t i, ks_err *err)
{
    FILE *f = s->runs->files[i];
    uint8_t h[4];
    if (fread(h, 1, 4, f) != 4) {
        free(s->cur[i]);
        s->cur[i] = NULL;
        s->curcap[i] = 0;
        return 0;
    }
    uint32_t L = be32(h);
    if (L < 14)
        return KS_ERR(err, KS_EIO, "db diff: temporary run damaged");
    if (L > s->curcap[i]) {
        uint8_t *nb = realloc(s->cur[i], L);
        if (!nb)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        s->cur[i] = nb;
        s->curcap[i] = L;
    }
    memcpy(s->cur[i], h, 4);
    if (fread(s->cur[i] + 4, 1, L - 4, f) != L - 4)
        return KS_ERR(err, KS_EIO, "db diff: temporary run truncated");
    return 0;
}

static int stream_init(dd_stream *s, dd_runs *r, ks_err *err)
{
    memset(s, 0, sizeof *s);
    s->runs = r;
    g_arena = r->arena;
    if (r->nrec)
        qsort(r->recs, r->nrec, sizeof *r->recs, off_cmp);
    for (size_t i = 0; i < r->nfiles; i++) {
        int rc = stream_load(s, i, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Smallest head: returns a pointer valid until stream_pop, or NULL at the end. */
static const uint8_t *stream_peek(dd_stream *s, size_t *src)
{
    const uint8_t *best = NULL;
    size_t bi = 0;
    for (size_t i = 0; i < s->runs->nfiles; i++)
        if (s->cur[i] && (!best || rec_cmp(s->cur[i], best) < 0)) {
            best = s->cur[i];
            bi = i;
        }
    if (s->mem_i < s->runs->nrec) {
        const uint8_t *m = (const uint8_t *)s->runs->arena + s->runs->recs[s->mem_i];
        if (!best || rec_cmp(m, best) < 0) {
            best = m;
            bi = (size_t)-1;
        }
    }
    *src = bi;
    return best;
}

static int stream_pop(dd_stream *s, size_t src, ks_err *err)
{
    if (src == (size_t)-1) {
        s->mem_i++;
        return 0;
    }
    return stream_load(s, src, err);
}

static void stream_free(dd_stream *s)
{
    for (size_t i = 0; i <= DD_MAX_RUNS; i++)
        free(s->cur[i]);
}

/* ---- building records ------------------------------------------------------------------ */
typedef struct dd_ctx {
    const ks_dump_diff_opts *opts;
    ks_dump_change_fn cb;
    void *cbctx;
    ks_dump_diff_stats *st;
    ks_buf rec, tmp, key;
} dd_ctx;

static int put_val(ks_buf *b, uint8_t kind, const char *p, size_t n)
{
    uint8_t h[5];
    /* a bare 12 and a quoted '12' (pg_dump COPY vs --inserts, or mysqldump's quoting of
     * decimals) are the same value: only NULL is kept apart */
    h[0] = kind == 1 ? 1 : 2;
    put_be32(h + 1, (uint32_t)n);
    int rc = ks_buf_append(b, h, 5);
    return rc ? rc : ks_buf_append(b, p, n);
}

/* Builds the record for one row of table tb from vals (already in column order). */
static int make_record(dd_ctx *c, const char *table, const dd_table *tb, const dd_val *vals,
                       size_t n)
{
    ks_buf *r = &c->rec, *k = &c->key;
    ks_buf_reset(r);
    ks_buf_reset(k);
    int rc = 0;
    if (tb && tb->npk) {
        for (size_t i = 0; i < tb->npk && !rc; i++) {
            size_t ci = (size_t)tb->pk[i];
            if (ci < n)
                rc = put_val(k, vals[ci].kind, vals[ci].p, vals[ci].n);
        }
    } else {
        for (size_t i = 0; i < n && !rc; i++)
            rc = put_val(k, vals[i].kind, vals[i].p, vals[i].n);
    }
    size_t tl = strlen(table);
    if (tl > 65535)
        tl = 65535;
    uint8_t h[6] = {0, 0, 0, 0, (uint8_t)(tl >> 8), (uint8_t)tl};
    if (!rc)
        rc = ks_buf_append(r, h, 6);
    if (!rc)
        rc = ks_buf_append(r, table, tl);
    uint8_t kl[4];
    put_be32(kl, (uint32_t)k->len);
    if (!rc)
        rc = ks_buf_append(r, kl, 4);
    if (!rc && k->len)
        rc = ks_buf_append(r, k->data, k->len);
    uint8_t nc[4];
    put_be32(nc, (uint32_t)n);
    if (!rc)
        rc = ks_buf_append(r, nc, 4);
    for (size_t i = 0; i < n && !rc; i++)
        rc = put_val(r, vals[i].kind, vals[i].p, vals[i].n);
    if (!rc)
        put_be32((uint8_t *)r->data, (uint32_t)r->len);
    return rc;
}

static int report_bad(dd_ctx *c, const char *file, uint64_t off, const char *msg)
{
    c->st->bad_statements++;
    ks_dump_change ch;
    memset(&ch, 0, sizeof ch);
    ch.kind = KS_DUMP_BAD_STATEMENT;
    ch.jsonl = c->opts->jsonl;
    ch.file = file;
    ch.offset = off;
    ch.msg = msg;
    return c->cb(c->cbctx, &ch);
}

/* INSERT [IGNORE] INTO name [(cols)] VALUES (..),(..) */
static int insert_rows(dd_ctx *c, dd_schema *s, dd_runs *runs, const char *text, size_t n,
                       int pg, const char *file, uint64_t off, uint64_t *rows, ks_err *err)
{
    ks_sql_lexer lx;
    ks_sql_lexer_init(&lx, text, n, pg ? KS_SQL_PG : KS_SQL_MYSQL);
    ks_sql_tok t;
    ks_buf name;
    ks_buf_init(&name, 4096);
    dd_val *vals = NULL;
    int *map = NULL;
    int rc = 0;
    if (next_sig(&lx, &t) || !(ks_sql_tok_is(&lx, &t, "INSERT") || ks_sql_tok_is(&lx, &t, "REPLACE")))
        goto done;
    do {
        if (next_sig(&lx, &t))
            goto bad;
    } while (ks_sql_tok_is(&lx, &t, "IGNORE") || ks_sql_tok_is(&lx, &t, "LOW_PRIORITY") ||
             ks_sql_tok_is(&lx, &t, "DELAYED") || ks_sql_tok_is(&lx, &t, "HIGH_PRIORITY"));
    if (!ks_sql_tok_is(&lx, &t, "INTO"))
        goto bad;
    if (next_sig(&lx, &t) || read_name(&lx, &t, &name) != 0 || !name.data)
        goto bad;
    dd_table *tb = schema_find(s, name.data);
    size_t ncols = tb ? tb->ncols : 0;
    vals = calloc(DD_MAX_COLS, sizeof *vals);
    map = calloc(DD_MAX_COLS, sizeof *map);
    if (!vals || !map) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    size_t nmap = 0;
    if (tok_punct(&lx, &t, '(')) {
        char *names[DD_MAX_COLS > 512 ? 512 : DD_MAX_COLS];
        size_t nn = read_name_list(&lx, &t, names, 512);
        for (size_t i = 0; i < nn; i++) {
            int idx = (int)i;
            if (tb)
                for (size_t k = 0; k < tb->ncols; k++)
                    if (!strcmp(tb->cols[k], names[i]))
                        idx = (int)k;
            map[nmap++] = idx;
        }
        free_names(names, nn);
        if (next_sig(&lx, &t))
            goto bad;
    }
    if (!ks_sql_tok_is(&lx, &t, "VALUES") && !ks_sql_tok_is(&lx, &t, "VALUE"))
        goto bad;
    /* values are unescaped into one scratch buffer; pointers are fixed up after */
    for (size_t guard = 0; guard <= n; guard++) {
        if (next_sig(&lx, &t))
            break;
        if (tok_punct(&lx, &t, ','))
            continue;
        if (ks_sql_tok_is(&lx, &t, "ON"))
            break; /* ON DUPLICATE KEY UPDATE */
        if (!tok_punct(&lx, &t, '('))
            goto bad;
        ks_buf_reset(&c->tmp);
        size_t nv = 0;
        int closed = 0;
        for (size_t g2 = 0; g2 <= n && nv < DD_MAX_COLS; g2++) {
            if (next_sig(&lx, &t))
                goto bad;
            if (tok_punct(&lx, &t, ')')) {
                closed = 1;
                break;
            }
            if (tok_punct(&lx, &t, ','))
                continue;
            dd_val v = {0, NULL, 0};
            size_t start = c->tmp.len;
            if (t.type == KS_SQL_T_STRING) {
                if (t.flags & KS_SQL_TF_UNTERMINATED)
                    goto bad;
                v.kind = 2;
                rc = unescape_literal(&c->tmp, text + t.off, t.len, pg);
            } else if (ks_sql_tok_is(&lx, &t, "NULL")) {
                v.kind = 1;
            } else {
                /* bare value: number, hex/bit literal, TRUE, a signed number, or an
                 * expression up to the next ',' / ')' at depth 0 (kept as its text) */
                size_t b0 = t.off, e0 = t.off + t.len;
                int depth = 0;
                ks_sql_lexer save = lx;
                ks_sql_tok nt;
                for (size_t g3 = 0; g3 <= n; g3++) {
                    save = lx;
                    if (next_sig(&lx, &nt)) {
                        lx = save;
                        break;
                    }
                    if (depth == 0 && (tok_punct(&lx, &nt, ',') || tok_punct(&lx, &nt, ')'))) {
                        lx = save;
                        break;
                    }
                    if (tok_punct(&lx, &nt, '('))
                        depth++;
                    else if (tok_punct(&lx, &nt, ')'))
                        depth--;
                    e0 = nt.off + nt.len;
                }
                if (t.type == KS_SQL_T_PUNCT && text[t.off] == '(')
                    goto bad;
                rc = ks_buf_append(&c->tmp, text + b0, e0 - b0);
            }
            if (rc) {
                rc = KS_ERR(err, rc, "row too large");
                goto done;
            }
            v.p = (const char *)(uintptr_t)start; /* offset until fix-up */
            v.n = c->tmp.len - start;
            size_t dst = nmap ? (nv < nmap ? (size_t)map[nv] : nv) : nv;
            if (dst < DD_MAX_COLS)
                vals[dst] = v;
            nv++;
        }
        if (!closed)
            goto bad;
        size_t width = nmap ? (ncols > nv ? ncols : nv) : nv;
        if (width > DD_MAX_COLS)
            width = DD_MAX_COLS;
        for (size_t i = 0; i < width; i++)
            vals[i].p = c->tmp.data ? c->tmp.data + (size_t)(uintptr_t)vals[i].p : "";
        rc = make_record(c, name.data, tb, vals, width);
        if (!rc)
            rc = runs_add(runs, &c->rec, err);
        if (rc == KS_ELIMIT) {
            /* one row larger than the sort memory: reported, the rest still compared */
            ks_err_clear(err);
            rc = report_bad(c, file, off, "a row is larger than the sort memory (--memory-mb); "
                                          "it is not compared");
            if (rc) {
                rc = KS_ERR(err, rc, "output failed");
                goto done;
            }
            memset(vals, 0, width * sizeof *vals);
            continue;
        }
        if (rc)
            goto done;
        memset(vals, 0, width * sizeof *vals);
        (*rows)++;
    }
    goto done;
bad:
    rc = report_bad(c, file, off, "INSERT statement could not be parsed; its rows are not compared");
    if (rc)
        rc = KS_ERR(err, rc, "output failed");
done:
    free(vals);
    free(map);
    ks_buf_free(&name);
    return rc;
}

/* COPY name (cols) FROM stdin: remembers the table and column order. */
static int copy_head(dd_schema *s, const char *text, size_t n, ks_buf *table, int *map,
                     size_t *nmap)
{
    ks_sql_lexer lx;
    ks_sql_lexer_init(&lx, text, n, KS_SQL_PG);
    ks_sql_tok t;
    *nmap = 0;
    if (next_sig(&lx, &t) || !ks_sql_tok_is(&lx, &t, "COPY"))
        return 0;
    if (next_sig(&lx, &t) || read_name(&lx, &t, table) != 0 || !table->data)
        return 0;
    dd_table *tb = schema_find(s, table->data);
    if (tok_punct(&lx, &t, '(')) {
        char *names[512];
        size_t nn = read_name_list(&lx, &t, names, 512);
        for (size_t i = 0; i < nn; i++) {
            int idx = (int)i;
            if (tb)
                for (size_t k = 0; k < tb->ncols; k++)
                    if (!strcmp(tb->cols[k], names[i]))
                        idx = (int)k;
            map[(*nmap)++] = idx;
        }
        free_names(names, nn);
        if (next_sig(&lx, &t))
            return 0;
    }
    if (!ks_sql_tok_is(&lx, &t, "FROM"))
        return 0;
    if (next_sig(&lx, &t) || !ks_sql_tok_is(&lx, &t, "STDIN"))
        return 0;
    return 1;
}

static int copy_row(dd_ctx *c, dd_schema *s, dd_runs *runs, const char *table, const int *map,
                    size_t nmap, ks_str line, ks_err *err)
{
    dd_table *tb = schema_find(s, table);
    dd_val vals[512];
    size_t nv = 0;
    ks_buf_reset(&c->tmp);
    size_t starts[512];
    size_t i = 0, width = 0;
    int rc = 0;
    memset(vals, 0, sizeof vals);
    memset(starts, 0, sizeof starts);
    while (nv < 512) {
        size_t j = i;
        while (j < line.n && line.p[j] != '\t')
            j++;
        size_t dst = nv < nmap ? (size_t)map[nv] : nv;
        if (dst >= 512)
            dst = nv;
        starts[dst] = c->tmp.len;
        if (j - i == 2 && line.p[i] == '\\' && line.p[i + 1] == 'N') {
            vals[dst].kind = 1;
        } else {
            vals[dst].kind = 2;
            rc = unescape_copy(&c->tmp, line.p + i, j - i);
            if (rc)
                return KS_ERR(err, rc, "row too large");
        }
        vals[dst].n = c->tmp.len - starts[dst];
        if (dst + 1 > width)
            width = dst + 1;
        nv++;
        if (j >= line.n)
            break;
        i = j + 1;
    }
    for (size_t k = 0; k < width; k++)
        vals[k].p = c->tmp.data ? c->tmp.data + starts[k] : "";
    rc = make_record(c, table, tb, vals, width);
    if (!rc)
        rc = runs_add(runs, &c->rec, err);
    return rc;
}

/* Reads one dump: schema pass, then rows pass into runs. */
static int read_dump(dd_ctx *c, const char *path, dd_schema *s, dd_runs *runs, uint64_t *rows,
                     ks_err *err)
{
    dd_reader r;
    ks_str st;
    uint64_t off;
    int rc = rd_open(&r, path, DD_STMT_MAX, c->opts, err);
    int map[512];
    size_t nmap = 0;
    ks_buf table;
    ks_buf_init(&table, 4096);
    if (rc)
        goto done;
    /* pass 1: schema */
    for (;;) {
        if (r.in_copy) {
            if (!rd_copy_line(&r, &st, &off))
                continue;
            continue;
        }
        if (!rd_stmt(&r, &st, &off))
            break;
        if (r.overflow)
            continue;
        rc = schema_statement(s, st.p, st.n, r.pg, NULL);
        if (rc) {
            rc = KS_ERR_AT(err, rc, path, -1, (int64_t)off, "out of memory reading the schema");
            goto done;
        }
        if (r.pg) {
            ks_sql_lexer lx1;
            ks_sql_tok t1;
            ks_sql_lexer_init(&lx1, st.p, st.n, KS_SQL_PG);
            if (!next_sig(&lx1, &t1) && ks_sql_tok_is(&lx1, &t1, "COPY")) {
                ks_buf_reset(&table);
                if (copy_head(s, st.p + t1.off, st.n - t1.off, &table, map, &nmap))
                    rd_enter_copy(&r);
            }
        }
    }
    if ((rc = rd_rewind(&r, err)))
        goto done;
    {
        int pg = r.pg;
        r.eof = 0;
        r.len = 0;
        r.pos = 0;
        r.buf_off = 0;
        r.in_copy = 0;
        if (rd_fill(&r) < 0) {
            rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "read failed");
            goto done;
        }
        r.buf_off = 0;
        r.pg = pg;
    }
    /* pass 2: rows */
    for (;;) {
        if (r.in_copy) {
            if (!rd_copy_line(&r, &st, &off))
                continue;
            if (r.overflow) {
                rc = report_bad(c, path, off, "COPY data line longer than the limit; skipped");
                if (rc)
                    goto done;
                continue;
            }
            rc = copy_row(c, s, runs, table.data ? table.data : "", map, nmap, st, err);
            if (rc == KS_ELIMIT) {
                ks_err_clear(err);
                rc = report_bad(c, path, off, "a COPY row is larger than the sort memory "
                                              "(--memory-mb); it is not compared");
                if (rc)
                    goto done;
                continue;
            }
            if (rc) {
                ks_err_locate(err, path, -1, (int64_t)off);
                goto done;
            }
            (*rows)++;
            continue;
        }
        if (!rd_stmt(&r, &st, &off))
            break;
        if (r.overflow) {
            rc = report_bad(c, path, off, "statement longer than the limit; skipped");
            if (rc)
                goto done;
            continue;
        }
        /* skip leading comments to find the verb cheaply */
        ks_sql_lexer lx;
        ks_sql_tok t;
        ks_sql_lexer_init(&lx, st.p, st.n, r.pg ? KS_SQL_PG : KS_SQL_MYSQL);
        if (next_sig(&lx, &t))
            continue;
        if (ks_sql_tok_is(&lx, &t, "INSERT") || ks_sql_tok_is(&lx, &t, "REPLACE")) {
            rc = insert_rows(c, s, runs, st.p + t.off, st.n - t.off, r.pg, path, off, rows, err);
            if (rc)
                goto done;
        } else if (ks_sql_tok_is(&lx, &t, "COPY")) {
            ks_buf_reset(&table);
            if (copy_head(s, st.p + t.off, st.n - t.off, &table, map, &nmap))
                rd_enter_copy(&r);
        }
    }
done:
    ks_buf_free(&table);
    rd_close(&r);
    return rc;
}

/* ---- comparing ------------------------------------------------------------------------- */
typedef struct dd_rec {
    const char *table;
    size_t tlen;
    const uint8_t *key;
    size_t klen;
    size_t ncols;
    const uint8_t *vals;
    size_t vlen;
} dd_rec;

static void rec_parse(const uint8_t *p, dd_rec *r)
{
    uint32_t total = be32(p);
    r->tlen = ((size_t)p[4] << 8) | p[5];
    r->table = (const char *)p + 6;
    r->klen = be32(p + 6 + r->tlen);
    r->key = p + 10 + r->tlen;
    r->ncols = be32(p + 10 + r->tlen + r->klen);
    r->vals = p + 14 + r->tlen + r->klen;
    r->vlen = total - (14 + r->tlen + r->klen);
}

/* Splits n values from an encoded run into strs (text for display: NULL, 'str', bare). */
static int vals_render(const uint8_t *p, size_t len, size_t n, ks_str *out, ks_buf *store,
                       int *is_null, int *is_str)
{
    size_t o = 0;
    ks_buf_reset(store);
    size_t *starts = calloc(n ? n : 1, sizeof *starts);
    if (!starts)
        return KS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!ks_fits(o, 5, len))
            break;
        uint8_t kind = p[o];
        uint32_t L = be32(p + o + 1);
        o += 5;
        if (!ks_fits(o, L, len))
            break;
        starts[i] = store->len;
        is_null[i] = kind == 1;
        is_str[i] = kind == 2;
        int rc = 0;
        if (kind == 1)
            rc = ks_buf_puts(store, "NULL");
        else
            rc = ks_buf_append(store, p + o, L);
        if (rc) {
            free(starts);
            return rc;
        }
        out[i].n = store->len - starts[i];
        o += L;
    }
    for (size_t i = 0; i < n; i++)
        out[i].p = store->data ? store->data + starts[i] : "";
    free(starts);
    return 0;
}

static int emit_row(dd_ctx *c, ks_dump_change_kind kind, dd_schema *sch, const dd_rec *b,
                    const dd_rec *a)
{
    const dd_rec *any = a ? a : b;
    char *table = strndup(any->table, any->tlen);
    size_t n = any->ncols;
    if (b && a && b->ncols > n)
        n = b->ncols;
    ks_str *bv = calloc(n ? n : 1, sizeof *bv), *av = calloc(n ? n : 1, sizeof *av);
    int *bn = calloc(n ? n : 1, sizeof(int) * 4);
    const char **cols = calloc(n ? n : 1, sizeof *cols);
    char (*auto_names)[16] = calloc(n ? n : 1, 16);
    ks_buf sb, sa, key;
    ks_buf_init(&sb, 0);
    ks_buf_init(&sa, 0);
    ks_buf_init(&key, 1 << 20);
    int rc = 0;
    if (!table || !bv || !av || !bn || !cols || !auto_names) {
        rc = KS_ENOMEM;
        goto done;
    }
    int *b_null = bn, *b_str = bn + n, *a_null = bn + 2 * n, *a_str = bn + 3 * n;
    if (b)
        rc = vals_render(b->vals, b->vlen, b->ncols, bv, &sb, b_null, b_str);
    if (!rc && a)
        rc = vals_render(a->vals, a->vlen, a->ncols, av, &sa, a_null, a_str);
    if (rc)
        goto done;
    dd_table *tb = schema_find(sch, table);
    for (size_t i = 0; i < n; i++) {
        if (tb && i < tb->ncols) {
            cols[i] = tb->cols[i];
        } else {
            snprintf(auto_names[i], 16, "@%zu", i + 1);
            cols[i] = auto_names[i];
        }
    }
    /* key text */
    if (tb && tb->npk) {
        const ks_str *v = a ? av : bv;
        const int *isn = a ? a_null : b_null;
        for (size_t i = 0; i < tb->npk && !rc; i++) {
            size_t ci = (size_t)tb->pk[i];
            if (ci >= n)
                continue;
            rc = ks_buf_printf(&key, "%s%s=", i ? "," : "", cols[ci]);
            if (!rc)
                rc = isn[ci] ? ks_buf_puts(&key, "NULL") : ks_buf_append(&key, v[ci].p, v[ci].n);
        }
    } else {
        rc = ks_buf_puts(&key, "(no primary key: whole row)");
    }
    if (rc)
        goto done;
    /* mark NULL vs string for display: encode NULL as a NULL pointer */
    for (size_t i = 0; i < n; i++) {
        if (b && i < b->ncols && b_null[i])
            bv[i].p = NULL;
        if (a && i < a->ncols && a_null[i])
            av[i].p = NULL;
    }
    ks_dump_change ch;
    memset(&ch, 0, sizeof ch);
    ch.kind = kind;
    ch.jsonl = c->opts->jsonl;
    ch.table = table;
    ch.key = key.data ? key.data : "";
    ch.ncols = n;
    ch.cols = cols;
    ch.before = b ? bv : NULL;
    ch.after = a ? av : NULL;
    if (tb && tb->npk) {
        ch.pk = tb->pk;
        ch.npk = tb->npk;
    }
    rc = c->cb(c->cbctx, &ch);
done:
    free(table);
    free(bv);
    free(av);
    free(bn);
    free(cols);
    free(auto_names);
    ks_buf_free(&sb);
    ks_buf_free(&sa);
    ks_buf_free(&key);
    return rc;
}

static int compare_streams(dd_ctx *c, dd_stream *sb, dd_stream *sa, dd_schema *before,
                           dd_schema *after, ks_err *err)
{
    for (;;) {
        size_t ib, ia;
        const uint8_t *pb = stream_peek(sb, &ib), *pa = stream_peek(sa, &ia);
        if (!pb && !pa)
            return 0;
        int cmp = !pb ? 1 : !pa ? -1 : rec_cmp(pb, pa);
        dd_rec rb, ra;
        int rc = 0;
        if (cmp < 0) {
            rec_parse(pb, &rb);
            c->st->rows_deleted++;
            rc = emit_row(c, KS_DUMP_ROW_DELETED, before, &rb, NULL);
            if (!rc)
                rc = stream_pop(sb, ib, err);
        } else if (cmp > 0) {
            rec_parse(pa, &ra);
            c->st->rows_added++;
            rc = emit_row(c, KS_DUMP_ROW_ADDED, after, NULL, &ra);
            if (!rc)
                rc = stream_pop(sa, ia, err);
        } else {
            rec_parse(pb, &rb);
            rec_parse(pa, &ra);
            if (rb.ncols != ra.ncols || rb.vlen != ra.vlen || memcmp(rb.vals, ra.vals, rb.vlen)) {
                c->st->rows_changed++;
                rc = emit_row(c, KS_DUMP_ROW_CHANGED, after, &rb, &ra);
            }
            if (!rc)
                rc = stream_pop(sb, ib, err);
            if (!rc)
                rc = stream_pop(sa, ia, err);
        }
        if (rc)
            return err && err->code ? rc : KS_ERR(err, rc, "db diff: output failed");
    }
}

int ks_dump_diff(const char *before, const char *after, const ks_dump_diff_opts *opts,
                 ks_dump_change_fn cb, void *ctx, ks_dump_diff_stats *st, ks_err *err)
{
    dd_ctx c;
    memset(&c, 0, sizeof c);
    c.opts = opts;
    c.cb = cb;
    c.cbctx = ctx;
    c.st = st;
    ks_buf_init(&c.rec, DD_STMT_MAX);
    ks_buf_init(&c.tmp, DD_STMT_MAX);
    ks_buf_init(&c.key, DD_STMT_MAX);
    dd_schema sb = {0}, sa = {0};
    dd_runs rb, ra;
    memset(&rb, 0, sizeof rb);
    memset(&ra, 0, sizeof ra);
    dd_stream xb, xa;
    memset(&xb, 0, sizeof xb);
    memset(&xa, 0, sizeof xa);
    int rc = 0;
    size_t mem = opts->memory_bytes ? opts->memory_bytes : ((size_t)64 << 20);
    const char *tmpdir = opts->tmpdir ? opts->tmpdir : getenv("TMPDIR");
    if (!tmpdir || !*tmpdir)
        tmpdir = "/tmp";
    /* half the budget for each dump's run buffer */
    rb.cap = ra.cap = mem / 2;
    rb.tmpdir = ra.tmpdir = tmpdir;
    rb.arena = malloc(rb.cap);
    ra.arena = malloc(ra.cap);
    if (!rb.arena || !ra.arena) {
        rc = KS_ERR(err, KS_ENOMEM, "db diff: cannot allocate %zu bytes of sort memory", mem);
        goto done;
    }
    rc = read_dump(&c, before, &sb, &rb, &st->rows_before, err);
    if (!rc)
        rc = read_dump(&c, after, &sa, &ra, &st->rows_after, err);
    if (rc)
        goto done;
    st->spilled_runs = rb.nfiles + ra.nfiles;
    /* tables created / dropped */
    for (size_t i = 0; i < sb.n && !rc; i++)
        if (!schema_find(&sa, sb.t[i].name)) {
            st->tables_dropped++;
            ks_dump_change ch;
            memset(&ch, 0, sizeof ch);
            ch.kind = KS_DUMP_TABLE_DROPPED;
            ch.jsonl = opts->jsonl;
            ch.table = sb.t[i].name;
            ch.ncols = sb.t[i].ncols;
            ch.cols = (const char *const *)sb.t[i].cols;
            rc = cb(ctx, &ch);
        }
    for (size_t i = 0; i < sa.n && !rc; i++)
        if (!schema_find(&sb, sa.t[i].name)) {
            st->tables_created++;
            ks_dump_change ch;
            memset(&ch, 0, sizeof ch);
            ch.kind = KS_DUMP_TABLE_CREATED;
            ch.jsonl = opts->jsonl;
            ch.table = sa.t[i].name;
            ch.ncols = sa.t[i].ncols;
            ch.cols = (const char *const *)sa.t[i].cols;
            rc = cb(ctx, &ch);
        }
    if (rc) {
        rc = KS_ERR(err, rc, "db diff: output failed");
        goto done;
    }
    rc = stream_init(&xb, &rb, err);
    if (!rc)
        rc = stream_init(&xa, &ra, err);
    if (!rc)
        rc = compare_streams(&c, &xb, &xa, &sb, &sa, err);
done:
    stream_free(&xb);
    stream_free(&xa);
    runs_free(&rb);
    runs_free(&ra);
    schema_free(&sb);
    schema_free(&sa);
    ks_buf_free(&c.rec);
    ks_buf_free(&c.tmp);
    ks_buf_free(&c.key);
    return rc;
}

/* ---- formatting ------------------------------------------------------------------------- */
static int val_text(ks_buf *o, const ks_str *v)
{
    if (!v->p)
        return ks_buf_puts(o, "NULL");
    int rc = ks_buf_putc(o, '\'');
    for (size_t i = 0; i < v->n && !rc; i++) {
        char ch = v->p[i];
        rc = ch == '\'' ? ks_buf_puts(o, "''") : ks_buf_putc(o, ch);
    }
    return rc ? rc : ks_buf_putc(o, '\'');
}

static int val_json(ks_buf *o, const ks_str *v)
{
    if (!v->p)
        return ks_buf_puts(o, "null");
    return ks_db_json_str(o, v->p, v->n);
}

static int row_json(ks_buf *o, const ks_dump_change *c, const ks_str *v)
{
    int rc = ks_buf_putc(o, '{');
    for (size_t i = 0; i < c->ncols && !rc; i++) {
        if (i)
            rc = ks_buf_putc(o, ',');
        if (!rc)
            rc = ks_db_json_str(o, c->cols[i], strlen(c->cols[i]));
        if (!rc)
            rc = ks_buf_putc(o, ':');
        if (!rc)
            rc = val_json(o, &v[i]);
    }
    return rc ? rc : ks_buf_putc(o, '}');
}

static int same(const ks_str *a, const ks_str *b)
{
    if (!a->p || !b->p)
        return !a->p && !b->p;
    return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

int ks_dump_change_row_json(ks_buf *out, const ks_dump_change *c, const ks_str *vals)
{
    return vals ? row_json(out, c, vals) : ks_buf_puts(out, "null");
}

int ks_dump_change_col_differs(const ks_dump_change *c, size_t i)
{
    if (!c->before || !c->after || i >= c->ncols)
        return 0;
    return !same(&c->before[i], &c->after[i]);
}

int ks_dump_change_format(ks_buf *o, const ks_dump_change *c, int jsonl)
{
    int rc = 0;
    static const char *const kinds[] = {"", "row_added", "row_deleted", "row_changed",
                                        "table_created", "table_dropped", "bad_statement"};
    if (jsonl) {
        rc = ks_buf_printf(o, "{\"change\":\"%s\"", kinds[c->kind]);
        if (!rc && c->kind == KS_DUMP_BAD_STATEMENT) {
            rc = ks_buf_puts(o, ",\"file\":");
            if (!rc)
                rc = ks_db_json_str(o, c->file, strlen(c->file));
            if (!rc)
                rc = ks_buf_printf(o, ",\"offset\":%llu,\"message\":", (unsigned long long)c->offset);
            if (!rc)
                rc = ks_db_json_str(o, c->msg, strlen(c->msg));
            return rc ? rc : ks_buf_puts(o, "}\n");
        }
        if (!rc)
            rc = ks_buf_puts(o, ",\"table\":");
        if (!rc)
            rc = ks_db_json_str(o, c->table, strlen(c->table));
        if (!rc && (c->kind == KS_DUMP_TABLE_CREATED || c->kind == KS_DUMP_TABLE_DROPPED)) {
            rc = ks_buf_puts(o, ",\"columns\":[");
            for (size_t i = 0; i < c->ncols && !rc; i++) {
                if (i)
                    rc = ks_buf_putc(o, ',');
                if (!rc)
                    rc = ks_db_json_str(o, c->cols[i], strlen(c->cols[i]));
            }
            return rc ? rc : ks_buf_puts(o, "]}\n");
        }
        if (!rc)
            rc = ks_buf_puts(o, ",\"key\":");
        if (!rc)
            rc = ks_db_json_str(o, c->key, strlen(c->key));
        if (!rc && c->kind == KS_DUMP_ROW_CHANGED) {
            rc = ks_buf_puts(o, ",\"changes\":{");
            int first = 1;
            for (size_t i = 0; i < c->ncols && !rc; i++) {
                if (same(&c->before[i], &c->after[i]))
                    continue;
                if (!first)
                    rc = ks_buf_putc(o, ',');
                first = 0;
                if (!rc)
                    rc = ks_db_json_str(o, c->cols[i], strlen(c->cols[i]));
                if (!rc)
                    rc = ks_buf_puts(o, ":{\"before\":");
                if (!rc)
                    rc = val_json(o, &c->before[i]);
                if (!rc)
                    rc = ks_buf_puts(o, ",\"after\":");
                if (!rc)
                    rc = val_json(o, &c->after[i]);
                if (!rc)
                    rc = ks_buf_putc(o, '}');
            }
            if (!rc)
                rc = ks_buf_putc(o, '}');
        }
        if (!rc && c->before) {
            rc = ks_buf_puts(o, ",\"before\":");
            if (!rc)
                rc = row_json(o, c, c->before);
        }
        if (!rc && c->after) {
            rc = ks_buf_puts(o, ",\"after\":");
            if (!rc)
                rc = row_json(o, c, c->after);
        }
        return rc ? rc : ks_buf_puts(o, "}\n");
    }
    switch (c->kind) {
    case KS_DUMP_BAD_STATEMENT:
        return ks_buf_printf(o, "! %s: offset %llu: %s", c->file, (unsigned long long)c->offset,
                             c->msg);
    case KS_DUMP_TABLE_CREATED:
        return ks_buf_printf(o, "+ table %s created (%zu columns)", c->table, c->ncols);
    case KS_DUMP_TABLE_DROPPED:
        return ks_buf_printf(o, "- table %s dropped (%zu columns)", c->table, c->ncols);
    case KS_DUMP_ROW_ADDED:
    case KS_DUMP_ROW_DELETED: {
        const ks_str *v = c->kind == KS_DUMP_ROW_ADDED ? c->after : c->before;
        rc = ks_buf_printf(o, "%c %s %s: (", c->kind == KS_DUMP_ROW_ADDED ? '+' : '-', c->table,
                           c->key);
        for (size_t i = 0; i < c->ncols && !rc; i++) {
            if (i)
                rc = ks_buf_puts(o, ", ");
            if (!rc)
                rc = val_text(o, &v[i]);
        }
        return rc ? rc : ks_buf_putc(o, ')');
    }
    case KS_DUMP_ROW_CHANGED:
        rc = ks_buf_printf(o, "~ %s %s:", c->table, c->key);
        for (size_t i = 0; i < c->ncols && !rc; i++) {
            if (same(&c->before[i], &c->after[i]))
                continue;
            rc = ks_buf_printf(o, " %s: ", c->cols[i]);
            if (!rc)
                rc = val_text(o, &c->before[i]);
            if (!rc)
                rc = ks_buf_puts(o, " -> ");
            if (!rc)
                rc = val_text(o, &c->after[i]);
            if (!rc)
                rc = ks_buf_putc(o, ';');
        }
        return rc;
    }
    return 0;
}
