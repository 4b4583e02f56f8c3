/* sigma_eval.c — compiling rules to SQL, running them over a case, and correlation.
 *
 * A rule becomes one SELECT over its logsource's table joined with events:
 *   SELECT e.id, e.time, e.time_ns, e.file, e.line, e.message [, correlation fields]
 *   FROM <table> t CROSS JOIN events e ON e.id = t.event_id WHERE <logsource filter> AND <cond>
 * Every value from the rule is a bound parameter (?N). Strings match case-insensitively
 * with LIKE ... ESCAPE '\' (SQLite's LIKE folds ASCII only), `cased` and the base64 forms
 * with GLOB (case-sensitive); a NULL field never matches, so each selection is wrapped in
 * coalesce(..., 0) and `not selection` is true for events without the field (as in Sigma).
 * What SQL cannot say — re, cidr, lt/lte/gt/gte — goes through ks_sigma_match(?id, value),
 * an SQL function registered on the store's connection for the duration of the run, whose
 * id picks a matcher (compiled PCRE2 regex, network, number) prepared for this rule.
 *
 * Rules referenced by a correlation also keep their matches, with the group-by / value
 * fields selected as extra columns, for sigma_corr.c. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <stdarg.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/sigma/sigma_int.h"

#define NA_RC 1 /* compile result: the rule is not applicable (ectx.rclass/reason say why) */
#define MAX_PARAMS 30000
#define MAX_SQL ((size_t)16 << 20)
#define RE_MATCH_LIMIT 1000000

typedef enum mkind { MK_RE, MK_CIDR, MK_NUM } mkind;
typedef struct matcher {
    mkind kind;
    pcre2_code *re;
    pcre2_match_data *md;
    unsigned char net[16];
    int fam, bits;
    unsigned op; /* SG_M_LT ... */
    double num;
} matcher;

typedef struct colset {
    char *table;
    char **cols;
    size_t ncols;
} colset;

typedef struct ectx {
    sg_run run;          /* what correlation shares (sigma_int.h) */
    ks_store *st;
    /* the rule being compiled */
    const sg_rule *rule;
    const sg_logsource *ls;
    const colset *cols;
    ks_buf sql;
    char **params;
    size_t nparams, capparams;
    matcher *m;
    size_t nm, capm;
    pcre2_match_context *mctx;
    /* tables seen */
    colset *tables;
    size_t ntables;
    int64_t nmatch;
} ectx;

static int na(ectx *x, const char *cls, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int na(ectx *x, const char *cls, const char *fmt, ...)
{
    va_list ap;
    snprintf(x->run.rclass, sizeof x->run.rclass, "%s", cls);
    va_start(ap, fmt);
    vsnprintf(x->run.reason, sizeof x->run.reason, fmt, ap);
    va_end(ap);
    return NA_RC;
}

/* ---- the SQL predicate ------------------------------------------------------------ */
static int pred(void *ctx, int argc, const ks_str *argv)
{
    ectx *x = ctx;
    if (!x || argc != 2 || !argv[0].p || !argv[1].p)
        return 0;
    size_t id = 0;
    for (size_t i = 0; i < argv[0].n; i++) {
        char c = argv[0].p[i];
        if (c < '0' || c > '9' || id > 1000000)
            return KS_EUSAGE;
        id = id * 10 + (size_t)(c - '0');
    }
    if (id >= x->nm)
        return KS_EUSAGE;
    matcher *m = &x->m[id];
    switch (m->kind) {
    case MK_RE: {
        int r = pcre2_match(m->re, (PCRE2_SPTR)argv[1].p, argv[1].n, 0, 0, m->md, x->mctx);
        return r >= 0; /* no match, or a limit reached on hostile text: not a match */
    }
    case MK_CIDR:
        return sg_cidr_match(m->net, m->fam, m->bits, argv[1].p, argv[1].n);
    case MK_NUM: {
        double d;
        if (!sg_num_parse(argv[1].p, argv[1].n, &d))
            return 0;
        return m->op == SG_M_LT ? d < m->num : m->op == SG_M_LTE ? d <= m->num
               : m->op == SG_M_GT ? d > m->num : d >= m->num;
    }
    }
    return 0;
}

static void matchers_reset(ectx *x)
{
    for (size_t i = 0; i < x->nm; i++) {
        pcre2_match_data_free(x->m[i].md);
        pcre2_code_free(x->m[i].re);
    }
    x->nm = 0;
}

static int matcher_add(ectx *x, matcher **out)
{
    if (x->nm == x->capm) {
        size_t nc = x->capm ? x->capm * 2 : 16;
        matcher *nm = realloc(x->m, nc * sizeof *nm);
        if (!nm)
            return KS_ENOMEM;
        x->m = nm;
        x->capm = nc;
    }
    *out = &x->m[x->nm++];
    memset(*out, 0, sizeof **out);
    return 0;
}

/* ---- SQL building ------------------------------------------------------------------- */
static int put(ectx *x, const char *s) { return ks_buf_puts(&x->sql, s); }

/* Appends ?N bound to s[0..n). */
static int param(ectx *x, const char *s, size_t n)
{
    if (x->nparams >= MAX_PARAMS)
        return KS_ELIMIT;
    if (x->nparams == x->capparams) {
        size_t nc = x->capparams ? x->capparams * 2 : 32;
        char **np = realloc(x->params, nc * sizeof *np);
        if (!np)
            return KS_ENOMEM;
        x->params = np;
        x->capparams = nc;
    }
    if (!(x->params[x->nparams] = strndup(s, n)))
        return KS_ENOMEM;
    x->nparams++;
    return ks_buf_printf(&x->sql, "?%zu", x->nparams);
}

static const colset *table_cols(ectx *x, const char *table)
{
    for (size_t i = 0; i < x->ntables; i++)
        if (!strcmp(x->tables[i].table, table))
            return &x->tables[i];
    return NULL;
}

static int on_col(void *ctx, int ncols, const char *const *names, const char *const *vals,
                  const size_t *lens, const char *types)
{
    colset *c = ctx;
    if (!vals || ncols < 1 || !vals[0])
        return 0;
    char **nc = realloc(c->cols, (c->ncols + 1) * sizeof *nc);
    if (!nc)
        return 1;
    c->cols = nc;
    if (!(c->cols[c->ncols] = strndup(vals[0], lens[0])))
        return 1;
    for (char *p = c->cols[c->ncols]; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    c->ncols++;
    return 0;
}

static int load_cols(ectx *x, const char *table, const colset **out)
{
    const colset *c = table_cols(x, table);
    if (c) {
        *out = c;
        return 0;
    }
    colset *nt = realloc(x->tables, (x->ntables + 1) * sizeof *nt);
    if (!nt)
        return KS_ERR(x->run.err, KS_ENOMEM, "out of memory");
    x->tables = nt;
    colset *s = &x->tables[x->ntables];
    memset(s, 0, sizeof *s);
    if (!(s->table = strdup(table)))
        return KS_ERR(x->run.err, KS_ENOMEM, "out of memory");
    x->ntables++;
    const char *p[1] = {table};
    int rc = ks_store_query(x->st, "SELECT name FROM pragma_table_info(?1)", p, 1, on_col, s,
                            x->run.err);
    if (rc)
        return rc;
    *out = s;
    return 0;
}

static bool has_col(const colset *c, const char *name)
{
    for (size_t i = 0; c && i < c->ncols; i++)
        if (!strcmp(c->cols[i], name))
            return true;
    return false;
}

static bool ident_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* Writes the SQL for field `f` (Sigma name) into x->sql, or returns NA_RC. */
static int field_expr(ectx *x, const char *f)
{
    const sg_logsource *ls = x->ls;
    for (const sg_fieldmap *m = ls->fields; m && m->sigma; m++) {
        if (strcasecmp(m->sigma, f))
            continue;
        if (!has_col(x->cols, m->column)) {
            if (ls->auto_columns && ls->table)
                break; /* an older case's layout of the table: try the generic rules */
            return na(x, "field not mapped", "field '%s' needs column %s, not in this case", f,
                      m->column);
        }
        if (m->expr)
            return put(x, m->expr);
        return ks_buf_printf(&x->sql, "t.\"%s\"", m->column);
    }
    if (!ls->auto_columns || !ls->table)
        return na(x, "field not mapped", "field '%s' has no mapping for this logsource", f);
    char low[256];
    size_t n = strlen(f);
    if (n == 0 || n >= sizeof low)
        return na(x, "field not mapped", "field '%.200s' has no mapping", f);
    for (size_t i = 0; i <= n; i++) {
        char c = (char)tolower((unsigned char)f[i]);
        low[i] = (c == '-' || c == '.') ? '_' : c;
    }
    if (ident_ok(low) && has_col(x->cols, low))
        return ks_buf_printf(&x->sql, "t.\"%s\"", low);
    const char *dot = strchr(f, '.');
    if (dot && dot > f && (size_t)(dot - f) < sizeof low) {
        size_t cn = (size_t)(dot - f);
        for (size_t i = 0; i < cn; i++)
            low[i] = (char)tolower((unsigned char)f[i]);
        low[cn] = 0;
        if (ident_ok(low) && has_col(x->cols, low)) {
            ks_buf path;
            ks_buf_init(&path, 4096);
            int rc = ks_buf_putc(&path, '$');
            for (const char *seg = dot + 1; !rc && seg;) {
                const char *nd = strchr(seg, '.');
                size_t sn = nd ? (size_t)(nd - seg) : strlen(seg);
                if (sn == 0 || memchr(seg, '"', sn) || memchr(seg, '\\', sn)) {
                    ks_buf_free(&path);
                    return na(x, "field not mapped", "field '%.200s' is not a usable JSON path",
                              f);
                }
                rc = ks_buf_printf(&path, ".\"%.*s\"", (int)sn, seg);
                seg = nd ? nd + 1 : NULL;
            }
            if (!rc)
                rc = ks_buf_printf(&x->sql, "(CASE WHEN json_valid(t.\"%s\") THEN t.\"%s\" ->> ", low,
                                   low);
            if (!rc)
                rc = param(x, path.data, path.len);
            if (!rc)
                rc = put(x, " END)");
            ks_buf_free(&path);
            return rc;
        }
    }
    return na(x, "field not mapped", "field '%.200s' is not a column of %s", f, ls->table);
}

/* The expression for the item's field into a separate string (used repeatedly). */
static int field_string(ectx *x, const char *f, char **out)
{
    size_t mark = x->sql.len;
    int rc = f ? field_expr(x, f) : put(x, "e.\"raw\"");
    if (rc)
        return rc;
    *out = strndup(x->sql.data + mark, x->sql.len - mark);
    x->sql.len = mark;
    if (x->sql.data)
        x->sql.data[mark] = 0;
    return *out ? 0 : KS_ENOMEM;
}

/* One string test: X LIKE/GLOB pattern. `text` is the (transformed) value. */
static int string_test(ectx *x, const char *X, const char *text, size_t n, bool wildcards,
                       bool pre, bool post, bool cased)
{
    sg_pat p;
    ks_buf pat;
    int rc = sg_pat_parse(&p, text, n, wildcards);
    if (rc)
        return rc;
    ks_buf_init(&pat, 0);
    if (pre)
        rc = ks_buf_putc(&pat, cased ? '*' : '%');
    if (!rc)
        rc = cased ? sg_pat_glob(&p, &pat) : sg_pat_like(&p, &pat);
    if (!rc && post)
        rc = ks_buf_putc(&pat, cased ? '*' : '%');
    if (!rc)
        rc = ks_buf_printf(&x->sql, "(%s %s ", X, cased ? "GLOB" : "LIKE");
    if (!rc)
        rc = param(x, pat.data ? pat.data : "", pat.len);
    if (!rc)
        rc = put(x, cased ? ")" : " ESCAPE '\\')");
    ks_buf_free(&pat);
    sg_pat_free(&p);
    return rc;
}

/* All spellings a string value stands for after windash/utf16/base64, each tested. */
static int string_value(ectx *x, const char *X, const sg_item *it, const sg_value *v)
{
    unsigned m = it->mods;
    char **vars = NULL;
    size_t nvars = 1;
    char *single[1] = {v->s};
    int rc = 0;
    if (m & SG_M_WINDASH) {
        if ((rc = sg_windash(v->s, v->n, &vars, &nvars, 1024)))
            return rc == KS_ELIMIT ? na(x, "unsupported feature",
                                        "windash value '%.100s' has too many dashes", v->s)
                                   : rc;
    }
    char **list = vars ? vars : single;
    bool pre = m & (SG_M_CONTAINS | SG_M_ENDSWITH), post = m & (SG_M_CONTAINS | SG_M_STARTSWITH);
    bool cased = m & SG_M_CASED;
    if ((rc = put(x, "(")))
        goto done;
    for (size_t k = 0; k < nvars && !rc; k++) {
        if (k && (rc = put(x, " OR ")))
            break;
        const char *s = list[k];
        size_t sn = strlen(s);
        if (m & (SG_M_BASE64 | SG_M_BASE64OFF)) {
            ks_buf raw, enc;
            ks_buf_init(&raw, 0);
            ks_buf_init(&enc, 0);
            if (m & (SG_M_UTF16 | SG_M_UTF16LE | SG_M_UTF16BE))
                rc = sg_utf16(s, sn, (m & SG_M_UTF16BE) != 0, (m & SG_M_UTF16) != 0, &raw);
            else
                rc = ks_buf_append(&raw, s, sn);
            if (!rc && (m & SG_M_BASE64)) {
                rc = sg_base64((const unsigned char *)(raw.data ? raw.data : ""), raw.len, &enc);
                if (!rc)
                    rc = string_test(x, X, enc.data ? enc.data : "", enc.len, false, pre, post, true);
            } else if (!rc) {
                char *off[3] = {NULL, NULL, NULL};
                rc = sg_base64_offsets((const unsigned char *)(raw.data ? raw.data : ""), raw.len, off);
                for (int i = 0; !rc && i < 3; i++) {
                    if (i)
                        rc = put(x, " OR ");
                    if (!rc)
                        rc = string_test(x, X, off[i], strlen(off[i]), false, true, true, true);
                }
                if (off[0])
                    for (int i = 0; i < 3; i++)
                        free(off[i]);
            }
            ks_buf_free(&raw);
            ks_buf_free(&enc);
        } else {
            rc = string_test(x, X, s, sn, true, pre, post, cased);
        }
    }
    if (!rc)
        rc = put(x, ")");
done:
    if (vars) {
        for (size_t k = 0; k < nvars; k++)
            free(vars[k]);
        free(vars);
    }
    return rc;
}

static int value_test(ectx *x, const char *X, const sg_item *it, const sg_value *v)
{
    unsigned m = it->mods;
    int rc;
    matcher *mt = NULL;
    char idb[24];
    if (m & SG_M_EXISTS) {
        if (v->kind != SG_V_BOOL)
            return na(x, "invalid rule", "exists needs true or false, not '%.100s'", v->s);
        return ks_buf_printf(&x->sql, "(%s IS %sNULL)", X, v->b ? "NOT " : "");
    }
    if (v->kind == SG_V_NULL)
        return ks_buf_printf(&x->sql, "(%s IS NULL)", X);
    if (m & SG_M_FIELDREF) {
        char *Y = NULL;
        if ((rc = field_string(x, v->s, &Y)))
            return rc;
        if (m & SG_M_CONTAINS)
            rc = ks_buf_printf(&x->sql, "(instr(lower(%s), lower(%s)) > 0)", X, Y);
        else if (m & SG_M_STARTSWITH)
            rc = ks_buf_printf(&x->sql, "(substr(lower(%s), 1, length(%s)) = lower(%s))", X, Y, Y);
        else if (m & SG_M_ENDSWITH)
            rc = ks_buf_printf(&x->sql,
                               "(length(%s) > 0 AND substr(lower(%s), -length(%s)) = lower(%s))", Y,
                               X, Y, Y);
        else if (m & SG_M_CASED)
            rc = ks_buf_printf(&x->sql, "(%s = %s)", X, Y);
        else
            rc = ks_buf_printf(&x->sql, "(lower(%s) = lower(%s))", X, Y);
        free(Y);
        return rc;
    }
    if (m & (SG_M_LT | SG_M_LTE | SG_M_GT | SG_M_GTE)) {
        double d;
        if (!v->s || !sg_num_parse(v->s, v->n, &d))
            return na(x, "invalid rule", "lt/lte/gt/gte needs a number, not '%.100s'", v->s);
        if ((rc = matcher_add(x, &mt)))
            return rc;
        mt->kind = MK_NUM;
        mt->num = d;
        mt->op = (m & SG_M_LT) ? SG_M_LT : (m & SG_M_LTE) ? SG_M_LTE : (m & SG_M_GT) ? SG_M_GT : SG_M_GTE;
    } else if (m & SG_M_CIDR) {
        if ((rc = matcher_add(x, &mt)))
            return rc;
        mt->kind = MK_CIDR;
        if (!v->s || sg_cidr_parse(v->s, mt->net, &mt->fam, &mt->bits)) {
            x->nm--;
            return na(x, "invalid rule", "'%.100s' is not a CIDR network", v->s);
        }
    } else if (m & SG_M_RE) {
        int ec;
        PCRE2_SIZE eo;
        uint32_t opt = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
        if (m & SG_M_RE_I)
            opt |= PCRE2_CASELESS;
        if (m & SG_M_RE_M)
            opt |= PCRE2_MULTILINE;
        if (m & SG_M_RE_S)
            opt |= PCRE2_DOTALL;
        if ((rc = matcher_add(x, &mt)))
            return rc;
        mt->kind = MK_RE;
        mt->re = pcre2_compile((PCRE2_SPTR)(v->s ? v->s : ""), v->n, opt, &ec, &eo, NULL);
        if (!mt->re) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(ec, msg, sizeof msg);
            x->nm--;
            return na(x, "invalid regular expression", "%.200s: %s", v->s, (const char *)msg);
        }
        /* JIT when the platform has it (pcre2_match then uses it; the match limit still
         * applies); without it the interpreter is used. */
        (void)pcre2_jit_compile(mt->re, PCRE2_JIT_COMPLETE);
        if (!(mt->md = pcre2_match_data_create_from_pattern(mt->re, NULL)))
            return KS_ENOMEM;
    } else if (v->kind == SG_V_BOOL) {
        return ks_buf_printf(&x->sql, "(lower(CAST(%s AS TEXT)) IN (%s))", X,
                             v->b ? "'true', '1'" : "'false', '0'");
    } else {
        return string_value(x, X, it, v);
    }
    snprintf(idb, sizeof idb, "%zu", x->nm - 1);
    if ((rc = put(x, "ks_sigma_match(")) || (rc = param(x, idb, strlen(idb))))
        return rc;
    return ks_buf_printf(&x->sql, ", %s)", X);
}

static int item_sql(ectx *x, const sg_item *it)
{
    char *X = NULL;
    int rc = field_string(x, it->field, &X);
    if (rc)
        return rc;
    /* keywords: the value may sit anywhere in the record */
    sg_item kw;
    if (!it->field && !(it->mods & (SG_M_RE | SG_M_STARTSWITH | SG_M_ENDSWITH))) {
        kw = *it;
        kw.mods |= SG_M_CONTAINS;
        it = &kw;
    }
    bool all = it->mods & SG_M_ALL;
    rc = put(x, "(");
    for (size_t i = 0; !rc && i < it->nvals; i++) {
        if (i)
            rc = put(x, all ? " AND " : " OR ");
        if (!rc)
            rc = value_test(x, X, it, &it->vals[i]);
    }
    if (!rc)
        rc = put(x, ")");
    free(X);
    return rc;
}

static int sel_sql(ectx *x, const sg_sel *s)
{
    int rc = put(x, "coalesce((");
    for (size_t g = 0; !rc && g < s->ngroups; g++) {
        if (g)
            rc = put(x, " OR ");
        if (!rc)
            rc = put(x, "(");
        for (size_t k = 0; !rc && k < s->groups[g].nitems; k++) {
            if (k)
                rc = put(x, " AND ");
            if (!rc)
                rc = item_sql(x, &s->groups[g].items[k]);
        }
        if (!rc && s->groups[g].nitems == 0)
            rc = put(x, "1");
        if (!rc)
            rc = put(x, ")");
    }
    return rc ? rc : put(x, "), 0)");
}

static int cond_sql(ectx *x, const sg_cond *c, int depth)
{
    const sg_rule *r = x->rule;
    int rc = 0;
    if (depth > KS_SIGMA_MAX_DEPTH * 4)
        return KS_ELIMIT;
    switch (c->op) {
    case SG_C_REF:
        for (size_t i = 0; i < r->nsels; i++)
            if (!strcmp(r->sels[i].name, c->name))
                return sel_sql(x, &r->sels[i]);
        return na(x, "invalid rule", "condition names unknown selection '%.100s'", c->name);
    case SG_C_NOT:
        if ((rc = put(x, "(NOT ")) || (rc = cond_sql(x, c->a, depth + 1)))
            return rc;
        return put(x, ")");
    case SG_C_AND:
    case SG_C_OR: {
        /* A chain "a or b or c" is a left spine in the AST; written flat, because nested
         * parentheses would overflow SQLite's parser stack on long chains. */
        size_t n = 0;
        const sg_cond *leftmost = c;
        while (leftmost->op == c->op) {
            n++;
            leftmost = leftmost->a;
        }
        const sg_cond **right = malloc(n * sizeof *right);
        if (!right)
            return KS_ENOMEM;
        size_t k = n;
        for (const sg_cond *p = c; p->op == c->op; p = p->a)
            right[--k] = p->b;
        rc = put(x, "(");
        if (!rc)
            rc = cond_sql(x, leftmost, depth + 1);
        for (size_t i = 0; i < n && !rc; i++) {
            rc = put(x, c->op == SG_C_AND ? " AND " : " OR ");
            if (!rc)
                rc = cond_sql(x, right[i], depth + 1);
        }
        free(right);
        return rc ? rc : put(x, ")");
    }
    case SG_C_ONE_OF:
    case SG_C_ALL_OF: {
        size_t n = 0;
        rc = put(x, "(");
        for (size_t i = 0; !rc && i < r->nsels; i++) {
            const char *nm = r->sels[i].name;
            if (c->name ? !sg_name_match(c->name, nm) : nm[0] == '_')
                continue;
            if (n++)
                rc = put(x, c->op == SG_C_ONE_OF ? " OR " : " AND ");
            if (!rc)
                rc = sel_sql(x, &r->sels[i]);
        }
        if (!rc && n == 0)
            rc = put(x, c->op == SG_C_ONE_OF ? "0" : "1");
        return rc ? rc : put(x, ")");
    }
    }
    return 0;
}

/* Builds x->sql and x->params for base rule r (index ri). 0, NA_RC or a ks_status. */
static int compile(ectx *x, const sg_rule *r, size_t ri)
{
    const char *why = NULL;
    int rc;
    x->rule = r;
    ks_buf_reset(&x->sql);
    for (size_t i = 0; i < x->nparams; i++)
        free(x->params[i]);
    x->nparams = 0;
    matchers_reset(x);
    if (r->unsupported)
        return na(x, "unsupported feature", "%s", r->unsupported);
    if (!(x->ls = sg_logsource_find(&r->info, &why)))
        return na(x, "logsource not mapped", "%s (%s)", why,
                  r->info.product ? r->info.product
                  : r->info.category ? r->info.category : r->info.service ? r->info.service : "-");
    if (!x->ls->table && !x->ls->source)
        return na(x, "no kanshiki source", "%s", x->ls->doc);
    x->cols = NULL;
    if (x->ls->table) {
        if ((rc = load_cols(x, x->ls->table, &x->cols)))
            return rc;
        if (x->cols->ncols == 0)
            return na(x, "table missing", "no table %s in this case (%s)", x->ls->table, x->ls->doc);
        if (!has_col(x->cols, "event_id"))
            return na(x, "table missing", "table %s has no event_id column", x->ls->table);
    }
    rc = put(x, "SELECT e.\"id\", e.\"time\", e.\"time_ns\", e.\"file\", e.\"line\", e.\"message\"");
    sg_rstate *st = &x->run.state[ri];
    for (size_t i = 0; !rc && i < st->nfields; i++) {
        rc = put(x, ", ");
        size_t mark = x->sql.len;
        int fr = rc ? rc : field_expr(x, st->fields[i]);
        if (fr == NA_RC) {
            x->sql.len = mark;
            st->unmapped[i] = true;
            rc = put(x, "NULL");
        } else {
            rc = fr;
        }
    }
    if (!rc && x->ls->table)
        /* CROSS JOIN keeps the source table as the outer loop: SQLite would otherwise
         * walk evidence -> events (wide rows with raw) and look the table up per event. */
        rc = ks_buf_printf(&x->sql,
                           " FROM \"%s\" t CROSS JOIN events e ON e.\"id\" = t.\"event_id\" WHERE ",
                           x->ls->table);
    else if (!rc) {
        rc = put(x, " FROM events e WHERE e.\"source\" = ");
        if (!rc)
            rc = param(x, x->ls->source, strlen(x->ls->source));
        if (!rc)
            rc = put(x, " AND ");
    }
    if (!rc && x->ls->where)
        rc = ks_buf_printf(&x->sql, "(%s) AND ", x->ls->where);
    if (!rc)
        rc = put(x, "(");
    for (size_t i = 0; !rc && i < r->nconds; i++) {
        if (i)
            rc = put(x, " OR ");
        if (!rc)
            rc = r->conds[i] ? cond_sql(x, r->conds[i], 0) : put(x, "0");
    }
    if (!rc)
        rc = put(x, ") ORDER BY e.\"time_ns\", e.\"id\"");
    if (rc == KS_ELIMIT)
        return na(x, "rule too large", "the rule compiles to more than the SQL limits");
    return rc;
}

/* ---- running --------------------------------------------------------------------- */
typedef struct runctx {
    ectx *x;
    const sg_rule *r;
    sg_rstate *st;
    bool emit;
    int rc;
} runctx;

static int64_t to_i64(const char *s)
{
    int64_t v = 0;
    bool neg = false;
    if (!s)
        return -1;
    if (*s == '-') {
        neg = true;
        s++;
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > INT64_MAX / 10 - 10)
            break;
        v = v * 10 + (*s - '0');
    }
    return neg ? -v : v;
}

static int on_match(void *ctx, int ncols, const char *const *names, const char *const *vals,
                    const size_t *lens, const char *types)
{
    runctx *rc = ctx;
    ectx *x = rc->x;
    if (!vals)
        return 0;
    ks_sigma_event ev = {to_i64(vals[0]), vals[1] ? vals[1] : "", to_i64(vals[2]),
                         vals[3] ? vals[3] : "", vals[4] ? to_i64(vals[4]) : -1,
                         vals[5] ? vals[5] : ""};
    if (rc->emit) {
        x->nmatch++;
        ks_sigma_result res = {KS_SIGMA_MATCH, &rc->r->info, NULL, NULL, &ev, 1, "", 0};
        if (x->run.fn(x->run.fnctx, &res)) {
            x->run.stop = true;
            return 1;
        }
    }
    sg_rstate *st = rc->st;
    if (!st->referenced)
        return 0;
    if (st->nrows >= KS_SIGMA_MAX_CORR_EVENTS) {
        st->truncated = true;
        return 0;
    }
    if (st->nrows == st->cap) {
        size_t nc = st->cap ? st->cap * 2 : 64;
        sg_stored *nr = realloc(st->rows, nc * sizeof *nr);
        if (!nr)
            goto oom;
        st->rows = nr;
        st->cap = nc;
    }
    sg_stored *s = &st->rows[st->nrows];
    memset(s, 0, sizeof *s);
    s->ev = ev;
    s->ev.time = strdup(ev.time);
    s->ev.file = strdup(ev.file);
    s->ev.message = strdup(ev.message);
    s->vals = calloc(st->nfields + 1, sizeof *s->vals);
    st->nrows++; /* counted now so that everything allocated is freed */
    if (!s->ev.time || !s->ev.file || !s->ev.message || !s->vals)
        goto oom;
    for (size_t i = 0; i < st->nfields && (int)(6 + i) < ncols; i++)
        if (vals[6 + i] && !(s->vals[i] = strndup(vals[6 + i], lens[6 + i])))
            goto oom;
    return 0;
oom:
    rc->rc = KS_ERR(x->run.err, KS_ENOMEM, "out of memory");
    return 1;
}

void sg_emit_na(sg_run *run, const sg_rule *r)
{
    ks_sigma_result res = {KS_SIGMA_NOT_APPLICABLE, &r->info, run->rclass, run->reason, NULL, 0, "", 0};
    if (run->fn(run->fnctx, &res))
        run->stop = true;
}

void sg_emit_done(sg_run *run, const sg_rule *r, int64_t n)
{
    ks_sigma_result res = {KS_SIGMA_DONE, &r->info, NULL, NULL, NULL, 0, "", n};
    if (run->fn(run->fnctx, &res))
        run->stop = true;
}

static int run_base(ectx *x, const sg_rule *r, size_t ri)
{
    int rc = compile(x, r, ri);
    if (rc == NA_RC)
        return (sg_emit_na(&x->run, r), 0);
    if (rc)
        return rc == KS_ENOMEM ? KS_ERR(x->run.err, rc, "out of memory") : rc;
    x->run.state[ri].applicable = true;
    runctx rcx = {x, r, &x->run.state[ri], !x->run.state[ri].referenced || r->generate || x->run.state[ri].generate, 0};
    x->nmatch = 0;
    ks_err qerr;
    ks_err_clear(&qerr);
    rc = ks_store_query(x->st, x->sql.data, (const char *const *)x->params, x->nparams, on_match,
                        &rcx, &qerr);
    if (rcx.rc)
        return rcx.rc;
    if (rc) {
        /* The case's tables are not what the mapping expected (a column type, a JSON
         * function on a non-JSON value): report the rule, keep hunting. */
        x->run.state[ri].applicable = false;
        snprintf(x->run.rclass, sizeof x->run.rclass, "query failed");
        snprintf(x->run.reason, sizeof x->run.reason, "%s", qerr.msg);
        return (sg_emit_na(&x->run, r), 0);
    }
    if (x->run.stop)
        return 0;
    return (sg_emit_done(&x->run, r, x->nmatch), 0);
}

int ks_sigma_eval(ks_store *st, const ks_sigma_ruleset *rs, ks_sigma_fn fn, void *ctx,
                  ks_err *err)
{
    ectx x;
    int rc = 0;
    memset(&x, 0, sizeof x);
    x.st = st;
    x.run.rs = rs;
    x.run.fn = fn;
    x.run.fnctx = ctx;
    x.run.err = err;
    ks_buf_init(&x.sql, MAX_SQL);
    if (!(x.mctx = pcre2_match_context_create(NULL))) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    pcre2_set_match_limit(x.mctx, RE_MATCH_LIMIT);
    pcre2_set_depth_limit(x.mctx, 10000);
    if ((rc = ks_store_register_predicate(st, "ks_sigma_match", 2, pred, &x, err)) ||
        (rc = sg_corr_prepare(&x.run)))
        goto done;
    for (size_t i = 0; i < rs->nrules && !rc && !x.run.stop; i++)
        if (!rs->rules[i]->info.correlation)
            rc = run_base(&x, rs->rules[i], i);
    for (size_t i = 0; i < rs->nrules && !rc && !x.run.stop; i++)
        if (rs->rules[i]->info.correlation)
            rc = sg_corr_run(&x.run, rs->rules[i]);
done:
    matchers_reset(&x);
    free(x.m);
    pcre2_match_context_free(x.mctx);
    for (size_t i = 0; i < x.nparams; i++)
        free(x.params[i]);
    free(x.params);
    ks_buf_free(&x.sql);
    for (size_t i = 0; i < x.ntables; i++) {
        for (size_t k = 0; k < x.tables[i].ncols; k++)
            free(x.tables[i].cols[k]);
        free(x.tables[i].cols);
        free(x.tables[i].table);
    }
    free(x.tables);
    sg_corr_free(&x.run);
    /* The predicate's ctx (x) dies here: replace it so a later query cannot reach it. */
    ks_store_register_predicate(st, "ks_sigma_match", 2, pred, NULL, NULL);
    return rc;
}
