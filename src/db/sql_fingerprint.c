/* sql_fingerprint.c — literal-free statement shapes, streamed: memory is the output only.
 *
 * Parenthesised literal lists are collapsed after the fact: '(' remembers where it was
 * written, and the ')' of a list that held only literals and commas truncates the output
 * back to that mark and writes "(?+)". A collapsed group preceded by another collapsed group
 * and a comma (the rows of a multi-row VALUES) is dropped entirely.
 */
#include "db/sql_fingerprint.h"

#include <ctype.h>
#include <string.h>

typedef struct fp {
    ks_buf *out;
    size_t base;         /* out->len at start: we never truncate before it */
    size_t mark;         /* out->len just before the innermost '(' */
    int mark_valid;      /* the innermost group holds only literals/commas so far */
    int mark_nlit;
    int prev_value;      /* previous token ends a value (for unary sign detection) */
    int pending_sign;    /* a unary + or - waiting to see if a number follows */
    char sign;
    int need_stmt_sep;
    int glue;            /* no space before the next token */
} fp;

static char last_char(const fp *f)
{
    return f->out->len > f->base ? f->out->data[f->out->len - 1] : '\0';
}

static int emit(fp *f, const char *s, size_t n, int lower, int is_open, int is_close_like)
{
    int rc = 0;
    if (f->need_stmt_sep) {
        rc = ks_buf_append(f->out, "; ", 2);
        if (rc)
            return rc;
        f->need_stmt_sep = 0;
    } else {
        char lc = last_char(f);
        int glue = f->glue;
        f->glue = 0;
        if (lc && lc != '(' && lc != '.' && lc != ' ' && !is_close_like && !is_open && !glue)
            rc = ks_buf_putc(f->out, ' ');
        if (rc)
            return rc;
    }
    if (!lower)
        return ks_buf_append(f->out, s, n);
    for (size_t i = 0; i < n; i++) {
        rc = ks_buf_putc(f->out, (char)tolower((unsigned char)s[i]));
        if (rc)
            return rc;
    }
    return 0;
}

static int is_keyword_before_value(const ks_sql_lexer *lx, const ks_sql_tok *t)
{
    static const char *const kws[] = {"SELECT", "WHERE", "AND", "OR", "NOT", "SET", "VALUES",
                                      "BY", "THEN", "ELSE", "WHEN", "RETURN", "IN", "LIKE",
                                      "BETWEEN", "IS", "LIMIT", "OFFSET", "INTERVAL", "ON",
                                      "HAVING", "CASE", "VALUE", "DEFAULT", NULL};
    for (size_t k = 0; kws[k]; k++)
        if (ks_sql_tok_is(lx, t, kws[k]))
            return 1;
    return 0;
}

static int emit_literal(fp *f)
{
    f->pending_sign = 0;
    int rc = emit(f, "?", 1, 0, 0, 0);
    if (f->mark_valid)
        f->mark_nlit++;
    f->prev_value = 1;
    return rc;
}

static int flush_sign(fp *f)
{
    if (!f->pending_sign)
        return 0;
    f->pending_sign = 0;
    f->mark_valid = 0;
    return emit(f, &f->sign, 1, 0, 0, 0);
}

int ks_sql_fingerprint(ks_buf *out, const char *s, size_t n, ks_sql_dialect d)
{
    ks_sql_lexer lx;
    ks_sql_lexer_init(&lx, s, n, d);
    fp f;
    memset(&f, 0, sizeof f);
    f.out = out;
    f.base = out->len;
    ks_sql_tok t;
    int rc = 0;
    int started = 0;
    while (ks_sql_lex_next(&lx, &t) == 0) {
        const char *p = lx.s + t.off;
        switch (t.type) {
        case KS_SQL_T_COMMENT:
            continue;
        case KS_SQL_T_STRING:
        case KS_SQL_T_NUMBER:
        case KS_SQL_T_HEXBIT:
        case KS_SQL_T_PARAM:
            rc = emit_literal(&f);
            break;
        case KS_SQL_T_PUNCT:
            if (*p == ';') {
                rc = flush_sign(&f);
                if (started && !rc)
                    f.need_stmt_sep = 1;
                f.mark_valid = 0;
                f.prev_value = 0;
                continue;
            }
            if (*p == '(') {
                rc = flush_sign(&f);
                if (rc)
                    break;
                rc = emit(&f, "(", 1, 0, 1, 0);
                if (rc)
                    break;
                f.mark = out->len - 1; /* where the '(' is */
                f.mark_valid = 1;
                f.mark_nlit = 0;
                f.prev_value = 0;
            } else if (*p == ')') {
                rc = flush_sign(&f);
                if (rc)
                    break;
                if (f.mark_valid && f.mark_nlit > 0 && f.mark >= f.base && f.mark <= out->len) {
                    out->len = f.mark;
                    out->data[out->len] = '\0';
                    /* VALUES (?+),(?+): drop repeated groups */
                    static const char grp[] = "(?+),";
                    size_t gl = sizeof grp - 1;
                    if (out->len >= f.base + gl &&
                        memcmp(out->data + out->len - gl, grp, gl) == 0) {
                        out->len -= 1;
                        out->data[out->len] = '\0';
                        f.mark_valid = 0;
                        f.prev_value = 1;
                        break;
                    }
                    rc = ks_buf_append(out, "(?+)", 4);
                } else {
                    rc = emit(&f, ")", 1, 0, 0, 1);
                }
                f.mark_valid = 0;
                f.prev_value = 1;
            } else if (*p == ',') {
                rc = flush_sign(&f);
                if (!rc)
                    rc = emit(&f, ",", 1, 0, 0, 1);
                f.prev_value = 0;
            } else if (*p == '.') {
                rc = emit(&f, ".", 1, 0, 0, 1);
                f.mark_valid = 0;
                f.prev_value = 0;
            } else {
                rc = flush_sign(&f);
                if (!rc)
                    rc = emit(&f, p, 1, 0, 0, 0);
                f.mark_valid = 0;
                f.prev_value = 0;
            }
            break;
        case KS_SQL_T_OP:
            rc = flush_sign(&f);
            if (rc)
                break;
            if (t.len == 1 && (*p == '-' || *p == '+') && !f.prev_value) {
                f.pending_sign = 1;
                f.sign = *p;
                continue;
            }
            if (t.len == 2 && p[0] == ':' && p[1] == ':') {
                /* casts stay glued: ?::int */
                rc = emit(&f, p, 2, 0, 0, 1);
                f.glue = 1;
            } else {
                rc = emit(&f, p, t.len, 0, 0, 0);
            }
            f.mark_valid = 0;
            f.prev_value = 0;
            break;
        case KS_SQL_T_QIDENT: {
            rc = flush_sign(&f);
            if (rc)
                break;
            size_t L = t.len;
            const char *q = p;
            if (L >= 2 && q[L - 1] == q[0]) {
                q++;
                L -= 2;
            } else if (L >= 1) {
                q++;
                L--;
            }
            rc = emit(&f, q, L, 1, 0, 0);
            f.mark_valid = 0;
            f.prev_value = 1;
            break;
        }
        case KS_SQL_T_WORD:
            rc = flush_sign(&f);
            if (rc)
                break;
            if (ks_sql_tok_is(&lx, &t, "NULL") || ks_sql_tok_is(&lx, &t, "TRUE") ||
                ks_sql_tok_is(&lx, &t, "FALSE")) {
                rc = emit_literal(&f);
                break;
            }
            rc = emit(&f, p, t.len, 1, 0, 0);
            f.mark_valid = 0;
            f.prev_value = !is_keyword_before_value(&lx, &t);
            break;
        default:
            rc = flush_sign(&f);
            if (!rc && t.type == KS_SQL_T_VAR && t.len >= 2 &&
                (p[1] == '\'' || p[1] == '"' || p[1] == '`')) {
                /* 'user'@'host': the host is a literal too */
                f.glue = 1;
                rc = emit(&f, "@?", 2, 0, 0, 0);
            } else if (!rc) {
                rc = emit(&f, p, t.len, t.type != KS_SQL_T_OTHER, 0, 0);
            }
            f.mark_valid = 0;
            f.prev_value = t.type == KS_SQL_T_VAR;
            break;
        }
        started = 1;
        if (rc)
            return rc;
    }
    if (!rc)
        rc = flush_sign(&f);
    if (!rc)
        rc = ks_buf_reserve(out, 0);
    return rc;
}

uint64_t ks_sql_fingerprint_id(const char *text, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ULL;
    }
    return h;
}
