/* sigma_cond.c — the Sigma condition grammar (Sigma specification, "Condition"):
 *
 *   expr    := and ("or" and)*
 *   and     := unary ("and" unary)*
 *   unary   := "not" unary | primary
 *   primary := "(" expr ")" | ("1" | "any" | "all") "of" (NAME | "them") | NAME
 *
 * Precedence: not > and > or; keywords are matched case-insensitively. NAME is a
 * selection identifier, or in `x of` a pattern where `*` matches any run of characters.
 * The deprecated aggregation suffix ("| count() by x > 5") is refused as unsupported with
 * the hint to use a correlation rule. Recursion is capped at KS_SIGMA_MAX_DEPTH. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/sigma/sigma_int.h"

typedef enum tok_kind { T_END, T_NAME, T_LP, T_RP, T_AND, T_OR, T_NOT, T_OF, T_THEM, T_ONE, T_ALL, T_PIPE, T_BAD } tok_kind;

typedef struct lexer {
    const char *p, *end, *start;
    tok_kind kind;
    const char *tp;  /* token text */
    size_t tn;
    ks_err *err;
} lexer;

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '*' || c == '-' || c == '.';
}

static bool word_is(const lexer *lx, const char *w)
{
    return strlen(w) == lx->tn && !strncasecmp(lx->tp, w, lx->tn);
}

static void next(lexer *lx)
{
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r'))
        lx->p++;
    lx->tp = lx->p;
    lx->tn = 0;
    if (lx->p >= lx->end) {
        lx->kind = T_END;
        return;
    }
    char c = *lx->p;
    if (c == '(' || c == ')' || c == '|') {
        lx->kind = c == '(' ? T_LP : c == ')' ? T_RP : T_PIPE;
        lx->p++;
        lx->tn = 1;
        return;
    }
    if (!name_char(c)) {
        lx->kind = T_BAD;
        lx->tn = 1;
        return;
    }
    while (lx->p < lx->end && name_char(*lx->p))
        lx->p++;
    lx->tn = (size_t)(lx->p - lx->tp);
    lx->kind = word_is(lx, "and")    ? T_AND
               : word_is(lx, "or")   ? T_OR
               : word_is(lx, "not")  ? T_NOT
               : word_is(lx, "of")   ? T_OF
               : word_is(lx, "them") ? T_THEM
               : word_is(lx, "1") || word_is(lx, "any") ? T_ONE
               : word_is(lx, "all") ? T_ALL
                                    : T_NAME;
}

static int fail(lexer *lx, const char *what)
{
    return KS_ERR(lx->err, KS_ECORRUPT, "condition, column %zu: %s%s%.*s%s",
                  (size_t)(lx->tp - lx->start) + 1, what, lx->kind == T_END ? "" : " at '",
                  (int)(lx->tn > 40 ? 40 : lx->tn), lx->tp, lx->kind == T_END ? " at the end" : "'");
}

static sg_cond *mk(sg_op op, sg_cond *a, sg_cond *b)
{
    sg_cond *c = calloc(1, sizeof *c);
    if (c) {
        c->op = op;
        c->a = a;
        c->b = b;
    }
    return c;
}

static int parse_or(lexer *lx, sg_cond **out, int depth);

static int parse_primary(lexer *lx, sg_cond **out, int depth)
{
    int rc;
    if (depth > KS_SIGMA_MAX_DEPTH)
        return KS_ERR(lx->err, KS_ELIMIT, "condition nested deeper than %d", KS_SIGMA_MAX_DEPTH);
    switch (lx->kind) {
    case T_LP:
        next(lx);
        if ((rc = parse_or(lx, out, depth + 1)))
            return rc;
        if (lx->kind != T_RP) {
            sg_cond_free(*out);
            *out = NULL;
            return fail(lx, "expected ')'");
        }
        next(lx);
        return 0;
    case T_ONE:
    case T_ALL: {
        sg_op op = lx->kind == T_ONE ? SG_C_ONE_OF : SG_C_ALL_OF;
        next(lx);
        if (lx->kind != T_OF)
            return fail(lx, "expected 'of'");
        next(lx);
        if (lx->kind != T_NAME && lx->kind != T_THEM)
            return fail(lx, "expected a selection pattern or 'them'");
        sg_cond *c = mk(op, NULL, NULL);
        if (!c)
            return KS_ERR(lx->err, KS_ENOMEM, "out of memory");
        if (lx->kind == T_NAME && !(c->name = strndup(lx->tp, lx->tn))) {
            free(c);
            return KS_ERR(lx->err, KS_ENOMEM, "out of memory");
        }
        next(lx);
        *out = c;
        return 0;
    }
    case T_NAME: {
        if (memchr(lx->tp, '*', lx->tn))
            return fail(lx, "a pattern needs '1 of' or 'all of'");
        sg_cond *c = mk(SG_C_REF, NULL, NULL);
        if (!c || !(c->name = strndup(lx->tp, lx->tn))) {
            free(c);
            return KS_ERR(lx->err, KS_ENOMEM, "out of memory");
        }
        next(lx);
        *out = c;
        return 0;
    }
    case T_PIPE:
        return KS_ERR(lx->err, KS_EUNSUPPORTED,
                      "aggregation expressions ('| count() ...') are deprecated in Sigma; "
                      "write a correlation rule");
    default:
        return fail(lx, "expected a selection, 'not', '(' or 'x of'");
    }
}

static int parse_unary(lexer *lx, sg_cond **out, int depth)
{
    if (depth > KS_SIGMA_MAX_DEPTH)
        return KS_ERR(lx->err, KS_ELIMIT, "condition nested deeper than %d", KS_SIGMA_MAX_DEPTH);
    if (lx->kind == T_NOT) {
        next(lx);
        sg_cond *a = NULL;
        int rc = parse_unary(lx, &a, depth + 1);
        if (rc)
            return rc;
        if (!(*out = mk(SG_C_NOT, a, NULL))) {
            sg_cond_free(a);
            return KS_ERR(lx->err, KS_ENOMEM, "out of memory");
        }
        return 0;
    }
    return parse_primary(lx, out, depth);
}

static int parse_and(lexer *lx, sg_cond **out, int depth)
{
    sg_cond *left = NULL;
    int rc = parse_unary(lx, &left, depth);
    if (rc)
        return rc;
    while (lx->kind == T_AND) {
        next(lx);
        sg_cond *right = NULL;
        if ((rc = parse_unary(lx, &right, depth))) {
            sg_cond_free(left);
            return rc;
        }
        sg_cond *c = mk(SG_C_AND, left, right);
        if (!c) {
            sg_cond_free(left);
            sg_cond_free(right);
            return KS_ERR(lx->err, KS_ENOMEM, "out of memory");
        }
        left = c;
    }
    *out = left;
    return 0;
}

static int parse_or(lexer *lx, sg_cond **out, int depth)
{
    sg_cond *left = NULL;
    int rc = parse_and(lx, &left, depth);
    if (rc)
        return rc;
    while (lx->kind == T_OR) {
        next(lx);
        sg_cond *right = NULL;
        if ((rc = parse_and(lx, &right, depth))) {
            sg_cond_free(left);
            return rc;
        }
        sg_cond *c = mk(SG_C_OR, left, right);
        if (!c) {
            sg_cond_free(left);
            sg_cond_free(right);
            return KS_ERR(lx->err, KS_ENOMEM, "out of memory");
        }
        left = c;
    }
    *out = left;
    return 0;
}

int sg_cond_parse(sg_cond **out, const char *text, size_t n, ks_err *err)
{
    lexer lx = {text, text + n, text, T_END, text, 0, err};
    sg_cond *c = NULL;
    next(&lx);
    if (lx.kind == T_END)
        return KS_ERR(err, KS_ECORRUPT, "empty condition");
    int rc = parse_or(&lx, &c, 0);
    if (rc)
        return rc;
    if (lx.kind == T_PIPE) {
        sg_cond_free(c);
        return KS_ERR(err, KS_EUNSUPPORTED,
                      "aggregation expressions ('| count() ...') are deprecated in Sigma; "
                      "write a correlation rule");
    }
    if (lx.kind != T_END) {
        sg_cond_free(c);
        return fail(&lx, "unexpected");
    }
    *out = c;
    return 0;
}

void sg_cond_free(sg_cond *c)
{
    /* Right-leaning chains are short (depth-capped); left chains of and/or can be long,
     * so walk the left spine iteratively. */
    while (c) {
        sg_cond *left = c->a;
        sg_cond_free(c->b);
        free(c->name);
        free(c);
        c = left;
    }
}

bool sg_name_match(const char *pat, const char *name)
{
    /* Iterative glob with one backtrack point: linear in practice, no recursion. */
    const char *star = NULL, *resume = NULL;
    while (*name) {
        if (*pat == '*') {
            star = pat++;
            resume = name;
        } else if (*pat == *name) {
            pat++;
            name++;
        } else if (star) {
            pat = star + 1;
            name = ++resume;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == 0;
}
