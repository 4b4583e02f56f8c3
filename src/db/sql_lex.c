/* sql_lex.c — tokenizer, classifier and object extractor for SQL from hostile logs.
 *
 * The tokenizer follows the lexical rules of MySQL 8.0 / MariaDB 10.x ("Schema Object
 * Names", "String Literals", "Comments" chapters of the MySQL manual) and PostgreSQL 15
 * ("Lexical Structure", sec. 4.1). It is a hand-written state machine over (s, n): every
 * token consumes >= 1 byte, so any loop over it ends after at most n iterations.
 */
#include "db/sql_lex.h"

#include <ctype.h>
#include <string.h>

void ks_sql_lexer_init(ks_sql_lexer *lx, const char *s, size_t n, ks_sql_dialect d)
{
    memset(lx, 0, sizeof *lx);
    lx->s = s ? s : "";
    lx->n = s ? n : 0;
    lx->dialect = d;
}

static int is_ident_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80 || c == '$';
}

static int is_ident_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c >= 0x80 || c == '$';
}

/* Quoted run starting at p (the quote char q at s[p]). Doubling the quote escapes it;
 * backslash escapes it too when `bs`. Returns the end offset (one past the closing quote)
 * or n with *unterminated set. */
static size_t scan_quoted(const char *s, size_t n, size_t p, char q, int bs, int *unterminated)
{
    size_t i = p + 1;
    while (i < n) {
        char c = s[i];
        if (bs && c == '\\') {
            i += 2;
            continue;
        }
        if (c == q) {
            if (i + 1 < n && s[i + 1] == q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
    *unterminated = 1;
    return n;
}

/* PostgreSQL dollar quote $tag$...$tag$ at p; returns 0 when s[p..] is not a dollar-quote
 * opener (e.g. the parameter $1). */
static int scan_dollar(const char *s, size_t n, size_t p, size_t *end, int *unterminated)
{
    size_t i = p + 1;
    while (i < n && s[i] != '$') {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || c == '_' || c >= 0x80) || (i == p + 1 && isdigit(c)))
            return 0;
        i++;
    }
    if (i >= n)
        return 0;
    size_t taglen = i - p + 1; /* "$tag$" */
    size_t j = i + 1;
    while (j < n) {
        if (s[j] == '$' && taglen <= n - j && memcmp(s + j, s + p, taglen) == 0) {
            *end = j + taglen;
            return 1;
        }
        j++;
    }
    *unterminated = 1;
    *end = n;
    return 1;
}

static size_t scan_number(const char *s, size_t n, size_t p)
{
    size_t i = p;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        if (j < n && isdigit((unsigned char)s[j])) {
            i = j;
            while (i < n && isdigit((unsigned char)s[i]))
                i++;
        }
    }
    return i;
}

int ks_sql_lex_next(ks_sql_lexer *lx, ks_sql_tok *out)
{
    const char *s = lx->s;
    size_t n = lx->n;
    size_t p = lx->pos;
    for (;;) {
        while (p < n && (isspace((unsigned char)s[p]) || s[p] == '\0'))
            p++;
        if (lx->in_exec_comment && p + 1 < n && s[p] == '*' && s[p + 1] == '/') {
            lx->in_exec_comment = 0;
            p += 2;
            continue;
        }
        break;
    }
    if (p >= n) {
        lx->pos = n;
        return KS_EOF;
    }
    ks_sql_tok t = {KS_SQL_T_OTHER, 0, p, 1};
    unsigned char c = (unsigned char)s[p];
    unsigned char c1 = p + 1 < n ? (unsigned char)s[p + 1] : 0;
    unsigned char c2 = p + 2 < n ? (unsigned char)s[p + 2] : 0;
    int unterm = 0;
    size_t e = p + 1;
    int pg = lx->dialect == KS_SQL_PG;

    if (c == '-' && c1 == '-' && (pg || c2 == 0 || isspace(c2) || lx->dialect == KS_SQL_ANY)) {
        e = p + 2;
        while (e < n && s[e] != '\n')
            e++;
        t.type = KS_SQL_T_COMMENT;
    } else if (c == '#' && !pg) {
        while (e < n && s[e] != '\n')
            e++;
        t.type = KS_SQL_T_COMMENT;
    } else if (c == '/' && c1 == '*') {
        if (!pg && !lx->in_exec_comment &&
            (c2 == '!' || (c2 == 'M' && p + 3 < n && s[p + 3] == '!'))) {
            /* MySQL executable comment (slash-star-bang 50001 body star-slash): the body is code. */
            e = p + (c2 == '!' ? 3 : 4);
            size_t k = 0;
            while (e < n && k < 6 && isdigit((unsigned char)s[e])) {
                e++;
                k++;
            }
            lx->in_exec_comment = 1;
            lx->pos = e;
            return ks_sql_lex_next(lx, out); /* depth 1: in_exec_comment blocks re-entry */
        }
        int depth = 1;
        e = p + 2;
        while (e < n && depth > 0) {
            if (s[e] == '*' && e + 1 < n && s[e + 1] == '/') {
                depth--;
                e += 2;
            } else if (pg && s[e] == '/' && e + 1 < n && s[e + 1] == '*') {
                if (depth < 1000)
                    depth++;
                e += 2;
            } else {
                e++;
            }
        }
        if (depth > 0) {
            unterm = 1;
            e = n;
        }
        t.type = KS_SQL_T_COMMENT;
    } else if (c == '\'') {
        e = scan_quoted(s, n, p, '\'', !pg, &unterm);
        t.type = KS_SQL_T_STRING;
    } else if (c == '"') {
        e = scan_quoted(s, n, p, '"', !pg, &unterm);
        t.type = pg ? KS_SQL_T_QIDENT : KS_SQL_T_STRING;
    } else if (c == '`' && !pg) {
        e = scan_quoted(s, n, p, '`', 0, &unterm);
        t.type = KS_SQL_T_QIDENT;
    } else if ((c == 'x' || c == 'X' || c == 'b' || c == 'B') && c1 == '\'') {
        e = scan_quoted(s, n, p + 1, '\'', 0, &unterm);
        t.type = KS_SQL_T_HEXBIT;
    } else if ((c == 'e' || c == 'E' || c == 'n' || c == 'N') && c1 == '\'') {
        e = scan_quoted(s, n, p + 1, '\'', c == 'e' || c == 'E' || !pg, &unterm);
        t.type = KS_SQL_T_STRING;
    } else if (c == '0' && (c1 == 'x' || c1 == 'X' || c1 == 'b' || c1 == 'B') && c2 &&
               isxdigit(c2)) {
        e = p + 2;
        while (e < n && isxdigit((unsigned char)s[e]))
            e++;
        t.type = KS_SQL_T_HEXBIT;
    } else if (isdigit(c) || (c == '.' && isdigit(c1))) {
        e = scan_number(s, n, p);
        /* MySQL allows identifiers starting with digits: 1abc */
        if (e < n && is_ident_start((unsigned char)s[e]) && s[e] != '$' && !pg) {
            while (e < n && is_ident_char((unsigned char)s[e]))
                e++;
            t.type = KS_SQL_T_WORD;
        } else {
            t.type = KS_SQL_T_NUMBER;
        }
    } else if (c == '$' && (lx->dialect != KS_SQL_MYSQL)) {
        size_t de;
        if (isdigit(c1)) {
            e = p + 1;
            while (e < n && isdigit((unsigned char)s[e]))
                e++;
            t.type = KS_SQL_T_PARAM;
        } else if (scan_dollar(s, n, p, &de, &unterm)) {
            e = de;
            t.type = KS_SQL_T_STRING;
        } else {
            while (e < n && is_ident_char((unsigned char)s[e]))
                e++;
            t.type = KS_SQL_T_WORD;
        }
    } else if (c == '_' && !pg) {
        /* _utf8mb4'abc' charset introducer, else an identifier */
        while (e < n && is_ident_char((unsigned char)s[e]))
            e++;
        if (e < n && s[e] == '\'') {
            e = scan_quoted(s, n, e, '\'', 1, &unterm);
            t.type = KS_SQL_T_STRING;
        } else {
            t.type = KS_SQL_T_WORD;
        }
    } else if (is_ident_start(c)) {
        while (e < n && is_ident_char((unsigned char)s[e]))
            e++;
        t.type = KS_SQL_T_WORD;
    } else if (c == '@') {
        e = p + 1;
        if (c1 == '@')
            e++;
        if (e < n && (s[e] == '\'' || s[e] == '"' || s[e] == '`')) {
            e = scan_quoted(s, n, e, s[e], s[e] != '`', &unterm);
        } else {
            while (e < n && (is_ident_char((unsigned char)s[e]) || s[e] == '.'))
                e++;
        }
        t.type = KS_SQL_T_VAR;
    } else if (c == '?') {
        t.type = KS_SQL_T_PARAM;
    } else if (c == ':' && is_ident_start(c1) && pg == 0 && lx->dialect == KS_SQL_ANY &&
               !(p > 0 && s[p - 1] == ':')) {
        while (e < n && is_ident_char((unsigned char)s[e]))
            e++;
        t.type = KS_SQL_T_PARAM;
    } else if (c == '(' || c == ')' || c == ',' || c == ';' || c == '.' || c == '[' ||
               c == ']' || c == '{' || c == '}') {
        t.type = KS_SQL_T_PUNCT;
    } else if (strchr("=<>!|&+-*/%^~:", c)) {
        static const char *const two[] = {"<=>", "->>", "<>", "!=", "<=", ">=", "||", "&&",
                                          "::", ":=", "->", "<<", ">>", "~*", "!~", "@>", "<@"};
        t.type = KS_SQL_T_OP;
        for (size_t k = 0; k < sizeof two / sizeof two[0]; k++) {
            size_t L = strlen(two[k]);
            if (L <= n - p && memcmp(s + p, two[k], L) == 0) {
                e = p + L;
                break;
            }
        }
    }
    if (e <= p)
        e = p + 1; /* progress guarantee */
    if (e > n)
        e = n;
    t.len = e - p;
    if (unterm)
        t.flags |= KS_SQL_TF_UNTERMINATED;
    lx->pos = e;
    *out = t;
    return 0;
}

int ks_sql_tok_is(const ks_sql_lexer *lx, const ks_sql_tok *t, const char *kw)
{
    size_t L = strlen(kw);
    if (t->type != KS_SQL_T_WORD || t->len != L)
        return 0;
    for (size_t i = 0; i < L; i++)
        if (toupper((unsigned char)lx->s[t->off + i]) != (unsigned char)kw[i])
            return 0;
    return 1;
}

const char *ks_sql_class_name(ks_sql_class c)
{
    switch (c) {
    case KS_SQL_C_READ: return "read";
    case KS_SQL_C_WRITE: return "write";
    case KS_SQL_C_DDL: return "ddl";
    case KS_SQL_C_DCL: return "dcl";
    case KS_SQL_C_ADMIN: return "admin";
    case KS_SQL_C_SESSION: return "session";
    default: return "unknown";
    }
}

const char *ks_sql_action_name(ks_sql_action a)
{
    switch (a) {
    case KS_SQL_A_READ: return "read";
    case KS_SQL_A_WRITE: return "write";
    case KS_SQL_A_CREATE: return "create";
    case KS_SQL_A_ALTER: return "alter";
    case KS_SQL_A_DROP: return "drop";
    case KS_SQL_A_GRANT: return "grant";
    case KS_SQL_A_USE: return "use";
    default: return "?";
    }
}

/* ---- analysis over a token array --------------------------------------------------- */

typedef struct an {
    ks_sql_lexer lx;
    ks_sql_tok *tok;
    size_t nt;
    ks_sql_info *info;
} an;

static int is_kw(const an *a, size_t i, const char *kw)
{
    return i < a->nt && ks_sql_tok_is(&a->lx, &a->tok[i], kw);
}

static int is_punct(const an *a, size_t i, char c)
{
    return i < a->nt && a->tok[i].type == KS_SQL_T_PUNCT && a->lx.s[a->tok[i].off] == c;
}

static int is_op(const an *a, size_t i, const char *op)
{
    size_t L = strlen(op);
    return i < a->nt && a->tok[i].type == KS_SQL_T_OP && a->tok[i].len == L &&
           memcmp(a->lx.s + a->tok[i].off, op, L) == 0;
}

static int is_name_tok(const an *a, size_t i)
{
    return i < a->nt && (a->tok[i].type == KS_SQL_T_WORD || a->tok[i].type == KS_SQL_T_QIDENT ||
                         (a->tok[i].type == KS_SQL_T_STRING && a->lx.dialect != KS_SQL_PG &&
                          a->lx.s[a->tok[i].off] == '"'));
}

/* Copies an identifier token, unquoted (doubled quotes undone), into dst. */
static void copy_ident(const an *a, size_t i, char *dst, size_t cap, unsigned *flags)
{
    const ks_sql_tok *t = &a->tok[i];
    const char *p = a->lx.s + t->off;
    size_t L = t->len;
    size_t o = 0;
    if (t->type != KS_SQL_T_WORD && L >= 1) {
        char q = p[0];
        size_t end = (L >= 2 && p[L - 1] == q && !(t->flags & KS_SQL_TF_UNTERMINATED)) ? L - 1 : L;
        for (size_t k = 1; k < end; k++) {
            if (p[k] == q && k + 1 < end && p[k + 1] == q)
                k++;
            if (o + 1 >= cap) {
                *flags |= KS_SQL_F_TRUNCATED;
                break;
            }
            dst[o++] = p[k];
        }
    } else {
        for (size_t k = 0; k < L; k++) {
            if (o + 1 >= cap) {
                *flags |= KS_SQL_F_TRUNCATED;
                break;
            }
            dst[o++] = p[k];
        }
    }
    dst[o] = '\0';
}

static int streq_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static void note_system_schema(ks_sql_info *info, const char *schema)
{
    if (streq_ci(schema, "information_schema") || streq_ci(schema, "mysql") ||
        streq_ci(schema, "performance_schema") || streq_ci(schema, "pg_catalog") ||
        streq_ci(schema, "sys"))
        info->flags |= KS_SQL_F_INFOSCHEMA;
}

/* Reads a (possibly qualified) name at i and records it. Returns the index after it, or
 * i when there is no name there. */
static size_t take_name(an *a, size_t i, ks_sql_action act, int is_db)
{
    if (!is_name_tok(a, i) && !is_op(a, i, "*"))
        return i;
    char part[3][KS_SQL_NAME_MAX];
    size_t np = 0;
    unsigned fl = 0;
    size_t j = i;
    for (;;) {
        if (is_op(a, j, "*")) {
            if (np < 3) {
                part[np][0] = '*';
                part[np][1] = '\0';
                np++;
            }
            j++;
        } else if (is_name_tok(a, j)) {
            if (np < 3)
                copy_ident(a, j, part[np++], KS_SQL_NAME_MAX, &fl);
            j++;
        } else {
            break;
        }
        if (!is_punct(a, j, '.'))
            break;
        j++;
    }
    if (np == 0)
        return i;
    /* a function call, not a table: name( */
    if (is_punct(a, j, '(') && !is_db && act == KS_SQL_A_READ)
        return j;
    ks_sql_info *info = a->info;
    info->flags |= fl;
    if (np == 1 && !is_db && streq_ci(part[0], "dual"))
        return j; /* MySQL's placeholder table */
    if (info->nobj >= KS_SQL_MAX_OBJECTS) {
        info->flags |= KS_SQL_F_TRUNCATED;
        return j;
    }
    ks_sql_object *o = &info->obj[info->nobj];
    memset(o, 0, sizeof *o);
    /* db.table, or catalog.schema.table (PostgreSQL) where we keep schema.table */
    const char *sch = np >= 2 ? part[np - 2] : "";
    const char *nm = part[np - 1];
    if (is_db && np == 1) {
        sch = "";
    }
    memcpy(o->schema, sch, strlen(sch) + 1);
    memcpy(o->name, nm, strlen(nm) + 1);
    o->action = act;
    o->is_database = is_db;
    note_system_schema(info, o->schema);
    if (is_db)
        note_system_schema(info, o->name);
    /* dedupe identical entries */
    for (size_t k = 0; k < info->nobj; k++) {
        ks_sql_object *p = &info->obj[k];
        if (p->action == o->action && p->is_database == o->is_database &&
            !strcmp(p->schema, o->schema) && !strcmp(p->name, o->name))
            return j;
    }
    info->nobj++;
    return j;
}

/* After a table name in a FROM/UPDATE list: skip an alias ([AS] name) and index hints. */
static int is_clause_kw(const an *a, size_t i)
{
    static const char *const kws[] = {
        "WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "STRAIGHT_JOIN",
        "ON", "USING", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "EXCEPT", "INTERSECT",
        "SET", "VALUES", "VALUE", "SELECT", "FOR", "INTO", "WINDOW", "PARTITION", "USE", "FORCE",
        "IGNORE", "LOCK", "PROCEDURE", "OFFSET", "FETCH", "RETURNING", "READ", "WRITE", "LOW_PRIORITY",
        "TO", "FROM", "WITH", "OUTER", "LATERAL", "AS", "DEFAULT", "ON", "TABLESAMPLE", NULL};
    for (size_t k = 0; kws[k]; k++)
        if (is_kw(a, i, kws[k]))
            return 1;
    return 0;
}

static size_t skip_alias(an *a, size_t j)
{
    if (is_kw(a, j, "AS"))
        j++;
    if (is_name_tok(a, j) && !is_clause_kw(a, j))
        j++;
    return j;
}

/* A comma-separated list of tables, as after FROM: each [name [alias]] or a subquery. */
static size_t take_table_list(an *a, size_t i, ks_sql_action act)
{
    size_t j = i;
    for (size_t guard = 0; guard < a->nt; guard++) {
        if (is_kw(a, j, "ONLY"))
            j++;
        if (is_kw(a, j, "LATERAL"))
            j++;
        size_t k = take_name(a, j, act, 0);
        if (k == j)
            return j;
        j = skip_alias(a, k);
        if (!is_punct(a, j, ','))
            return j;
        j++;
    }
    return j;
}

static void set_verb(ks_sql_info *info, const an *a, size_t i, size_t count)
{
    size_t o = 0;
    for (size_t k = 0; k < count && i + k < a->nt; k++) {
        const ks_sql_tok *t = &a->tok[i + k];
        if (t->type != KS_SQL_T_WORD)
            break;
        if (o && o + 1 < sizeof info->verb)
            info->verb[o++] = ' ';
        for (size_t c = 0; c < t->len && o + 1 < sizeof info->verb; c++)
            info->verb[o++] = (char)toupper((unsigned char)a->lx.s[t->off + c]);
    }
    info->verb[o] = '\0';
}

static size_t skip_words(an *a, size_t j, const char *const *w)
{
    for (size_t guard = 0; guard < 8; guard++) {
        int hit = 0;
        for (size_t k = 0; w[k]; k++)
            if (is_kw(a, j, w[k])) {
                j++;
                hit = 1;
                break;
            }
        if (!hit)
            break;
    }
    return j;
}

/* Classifies a statement starting at token s0 (first significant token). */
static void classify(an *a, size_t s0, ks_sql_info *info, int first)
{
    size_t i = s0;
    /* leading parentheses: (SELECT ...) */
    while (is_punct(a, i, '('))
        i++;
    ks_sql_class cls = KS_SQL_C_UNKNOWN;
    size_t verbw = 1;
    if (is_kw(a, i, "WITH")) {
        /* WITH cte AS (...) <main>: the main verb is the first of these at depth 0 */
        int depth = 0;
        size_t k = i + 1;
        for (; k < a->nt; k++) {
            if (is_punct(a, k, '('))
                depth++;
            else if (is_punct(a, k, ')'))
                depth--;
            else if (is_punct(a, k, ';'))
                break;
            else if (depth == 0 && (is_kw(a, k, "SELECT") || is_kw(a, k, "INSERT") ||
                                    is_kw(a, k, "UPDATE") || is_kw(a, k, "DELETE")))
                break;
        }
        if (k < a->nt && !is_punct(a, k, ';'))
            i = k;
    }
    if (is_kw(a, i, "SELECT") || is_kw(a, i, "SHOW") || is_kw(a, i, "DESCRIBE") ||
        is_kw(a, i, "DESC") || is_kw(a, i, "EXPLAIN") || is_kw(a, i, "TABLE") ||
        is_kw(a, i, "VALUES") || is_kw(a, i, "HANDLER") || is_kw(a, i, "HELP")) {
        cls = KS_SQL_C_READ;
        if (is_kw(a, i, "SHOW"))
            verbw = 2;
    } else if (is_kw(a, i, "INSERT") || is_kw(a, i, "UPDATE") || is_kw(a, i, "DELETE") ||
               is_kw(a, i, "REPLACE") || is_kw(a, i, "MERGE") || is_kw(a, i, "CALL") ||
               is_kw(a, i, "DO") || is_kw(a, i, "UPSERT")) {
        cls = KS_SQL_C_WRITE;
    } else if (is_kw(a, i, "LOAD") || is_kw(a, i, "COPY")) {
        cls = KS_SQL_C_WRITE;
        verbw = is_kw(a, i, "LOAD") ? 2 : 1;
        if (is_kw(a, i, "COPY")) {
            /* COPY t TO ... reads; COPY t FROM ... writes */
            for (size_t k = i + 1; k < a->nt && !is_punct(a, k, ';'); k++) {
                if (is_kw(a, k, "TO")) {
                    cls = KS_SQL_C_READ;
                    break;
                }
                if (is_kw(a, k, "FROM"))
                    break;
            }
        }
    } else if (is_kw(a, i, "CREATE") || is_kw(a, i, "ALTER") || is_kw(a, i, "DROP") ||
               is_kw(a, i, "RENAME")) {
        size_t k = i + 1;
        static const char *const mods[] = {"OR", "REPLACE", "TEMPORARY", "TEMP", "UNIQUE",
                                           "DEFINER", "ALGORITHM", "SQL", "SECURITY",
                                           "GLOBAL", "LOCAL", "UNLOGGED", "ONLINE", "IF",
                                           "EXISTS", "NOT", "FULLTEXT", "SPATIAL", NULL};
        k = skip_words(a, k, mods);
        if (is_kw(a, k, "USER") || is_kw(a, k, "ROLE"))
            cls = KS_SQL_C_DCL;
        else if (is_kw(a, k, "SERVER") || is_kw(a, k, "TABLESPACE"))
            cls = KS_SQL_C_ADMIN;
        else
            cls = KS_SQL_C_DDL;
        verbw = 2;
        set_verb(info, a, i, 1);
        if (first) {
            size_t o = strlen(info->verb);
            if (k < a->nt && a->tok[k].type == KS_SQL_T_WORD) {
                info->verb[o++] = ' ';
                for (size_t c = 0; c < a->tok[k].len && o + 1 < sizeof info->verb; c++)
                    info->verb[o++] = (char)toupper((unsigned char)a->lx.s[a->tok[k].off + c]);
                info->verb[o] = '\0';
            }
            info->cls = cls;
        }
        return;
    } else if (is_kw(a, i, "TRUNCATE") || is_kw(a, i, "COMMENT")) {
        cls = KS_SQL_C_DDL;
    } else if (is_kw(a, i, "GRANT") || is_kw(a, i, "REVOKE")) {
        cls = KS_SQL_C_DCL;
    } else if (is_kw(a, i, "SET")) {
        if (is_kw(a, i + 1, "PASSWORD") || is_kw(a, i + 1, "ROLE") ||
            (is_kw(a, i + 1, "DEFAULT") && is_kw(a, i + 2, "ROLE"))) {
            cls = KS_SQL_C_DCL;
            verbw = 2;
        } else if (is_kw(a, i + 1, "GLOBAL") || is_kw(a, i + 1, "PERSIST") ||
                   (i + 1 < a->nt && a->tok[i + 1].type == KS_SQL_T_VAR &&
                    a->tok[i + 1].len > 2 && a->lx.s[a->tok[i + 1].off + 1] == '@' &&
                    a->tok[i + 1].len >= 9 &&
                    !strncmp(a->lx.s + a->tok[i + 1].off, "@@global.", 9))) {
            cls = KS_SQL_C_ADMIN;
        } else {
            cls = KS_SQL_C_SESSION;
        }
    } else if (is_kw(a, i, "USE") || is_kw(a, i, "BEGIN") || is_kw(a, i, "START") ||
               is_kw(a, i, "COMMIT") || is_kw(a, i, "ROLLBACK") || is_kw(a, i, "SAVEPOINT") ||
               is_kw(a, i, "RELEASE") || is_kw(a, i, "LOCK") || is_kw(a, i, "UNLOCK") ||
               is_kw(a, i, "PREPARE") || is_kw(a, i, "EXECUTE") || is_kw(a, i, "DEALLOCATE") ||
               is_kw(a, i, "XA") || is_kw(a, i, "END") || is_kw(a, i, "ABORT") ||
               is_kw(a, i, "DISCARD") || is_kw(a, i, "RESET") || is_kw(a, i, "LISTEN") ||
               is_kw(a, i, "NOTIFY") || is_kw(a, i, "DECLARE") || is_kw(a, i, "CLOSE") ||
               is_kw(a, i, "FETCH") || is_kw(a, i, "MOVE")) {
        cls = KS_SQL_C_SESSION;
        if (is_kw(a, i, "START") && (is_kw(a, i + 1, "SLAVE") || is_kw(a, i + 1, "REPLICA")))
            cls = KS_SQL_C_ADMIN;
        if (is_kw(a, i, "RESET") && (is_kw(a, i + 1, "MASTER") || is_kw(a, i + 1, "SLAVE") ||
                                     is_kw(a, i + 1, "REPLICA") || is_kw(a, i + 1, "QUERY")))
            cls = KS_SQL_C_ADMIN;
        if (is_kw(a, i, "START") || is_kw(a, i, "LOCK") || is_kw(a, i, "UNLOCK"))
            verbw = 2;
    } else if (is_kw(a, i, "KILL") || is_kw(a, i, "FLUSH") || is_kw(a, i, "SHUTDOWN") ||
               is_kw(a, i, "INSTALL") || is_kw(a, i, "UNINSTALL") || is_kw(a, i, "PURGE") ||
               is_kw(a, i, "CHANGE") || is_kw(a, i, "STOP") || is_kw(a, i, "OPTIMIZE") ||
               is_kw(a, i, "ANALYZE") || is_kw(a, i, "CHECK") || is_kw(a, i, "REPAIR") ||
               is_kw(a, i, "CHECKSUM") || is_kw(a, i, "CACHE") || is_kw(a, i, "VACUUM") ||
               is_kw(a, i, "CHECKPOINT") || is_kw(a, i, "REINDEX") || is_kw(a, i, "CLUSTER") ||
               is_kw(a, i, "BINLOG") || is_kw(a, i, "RESTART") || is_kw(a, i, "CLONE") ||
               is_kw(a, i, "LOAD_FILE") || is_kw(a, i, "SECURITY") || is_kw(a, i, "REFRESH") ||
               is_kw(a, i, "BACKUP") || is_kw(a, i, "IMPORT") || is_kw(a, i, "ALTER_SYSTEM")) {
        cls = KS_SQL_C_ADMIN;
        if (is_kw(a, i, "INSTALL") || is_kw(a, i, "UNINSTALL") || is_kw(a, i, "CHANGE") ||
            is_kw(a, i, "STOP"))
            verbw = 2;
    }
    if (first) {
        info->cls = cls;
        set_verb(info, a, i, verbw);
    }
}

/* Walks the tokens of one statement [b, e) and extracts objects and flags. */
static void extract(an *a, size_t b, size_t e)
{
    ks_sql_info *info = a->info;
    size_t saved = a->nt;
    a->nt = e; /* bound lookups to this statement */
    size_t i = b;
    while (is_punct(a, i, '('))
        i++;
    size_t first = i;
    int is_select_stmt = is_kw(a, first, "SELECT") || is_kw(a, first, "WITH") ||
                         is_kw(a, first, "TABLE");
    int has_where = 0;
    int is_upd_del = is_kw(a, first, "UPDATE") || is_kw(a, first, "DELETE");
    ks_sql_action dml_write = KS_SQL_A_WRITE;

    /* statement-specific heads */
    if (is_kw(a, first, "CREATE") || is_kw(a, first, "ALTER") || is_kw(a, first, "DROP")) {
        ks_sql_action act = is_kw(a, first, "CREATE") ? KS_SQL_A_CREATE
                            : is_kw(a, first, "ALTER") ? KS_SQL_A_ALTER : KS_SQL_A_DROP;
        static const char *const mods[] = {"OR", "REPLACE", "TEMPORARY", "TEMP", "UNIQUE",
                                           "GLOBAL", "LOCAL", "UNLOGGED", "ONLINE", "FULLTEXT",
                                           "SPATIAL", "MATERIALIZED", "OFFLINE", NULL};
        size_t k = skip_words(a, first + 1, mods);
        /* CREATE ALGORITHM=... DEFINER=... SQL SECURITY ... VIEW */
        for (size_t g = 0; g < 16 && k < e; g++) {
            if (is_kw(a, k, "ALGORITHM") || is_kw(a, k, "DEFINER")) {
                k++;
                if (is_op(a, k, "="))
                    k++;
                k++;
                if (k < e && a->tok[k].type == KS_SQL_T_VAR)
                    k++;
            } else if (is_kw(a, k, "SQL") && is_kw(a, k + 1, "SECURITY")) {
                k += 3;
            } else {
                break;
            }
        }
        int is_db = is_kw(a, k, "DATABASE") || is_kw(a, k, "SCHEMA");
        int is_table = is_kw(a, k, "TABLE") || is_kw(a, k, "VIEW") || is_kw(a, k, "SEQUENCE");
        int is_index = is_kw(a, k, "INDEX");
        int is_user = is_kw(a, k, "USER") || is_kw(a, k, "ROLE");
        if (is_db || is_table || is_index || is_user) {
            k++;
            static const char *const ifx[] = {"IF", "NOT", "EXISTS", "CONCURRENTLY", NULL};
            k = skip_words(a, k, ifx);
            if (is_user) {
                /* users are not objects; they show in the statement's verb */
            } else if (is_index) {
                /* CREATE INDEX name ON table */
                for (size_t q = k; q < e; q++)
                    if (is_kw(a, q, "ON")) {
                        take_name(a, q + 1 + (is_kw(a, q + 1, "ONLY") ? 1 : 0),
                                  act == KS_SQL_A_DROP ? KS_SQL_A_ALTER : act == KS_SQL_A_CREATE ? KS_SQL_A_ALTER : act, 0);
                        break;
                    }
            } else {
                for (size_t g = 0; g < KS_SQL_MAX_OBJECTS; g++) {
                    size_t q = take_name(a, k, act, is_db);
                    if (q == k)
                        break;
                    k = q;
                    if (act != KS_SQL_A_DROP || !is_punct(a, k, ','))
                        break;
                    k++;
                }
                if (act == KS_SQL_A_CREATE && is_table) {
                    /* CREATE TABLE x LIKE y / AS SELECT ... FROM y: read sources below */
                    if (is_kw(a, k, "LIKE"))
                        take_name(a, k + 1, KS_SQL_A_READ, 0);
                }
            }
            i = k;
        } else {
            i = k;
        }
    } else if (is_kw(a, first, "RENAME")) {
        size_t k = first + 1;
        if (is_kw(a, k, "TABLE") || is_kw(a, k, "TABLES"))
            k++;
        for (size_t g = 0; g < KS_SQL_MAX_OBJECTS && k < e; g++) {
            size_t q = take_name(a, k, KS_SQL_A_DROP, 0);
            if (q == k || !is_kw(a, q, "TO"))
                break;
            k = take_name(a, q + 1, KS_SQL_A_CREATE, 0);
            if (!is_punct(a, k, ','))
                break;
            k++;
        }
        i = k;
    } else if (is_kw(a, first, "TRUNCATE")) {
        size_t k = first + 1;
        if (is_kw(a, k, "TABLE"))
            k++;
        if (is_kw(a, k, "ONLY"))
            k++;
        take_table_list(a, k, KS_SQL_A_WRITE);
        info->flags |= KS_SQL_F_NO_WHERE;
        i = e;
    } else if (is_kw(a, first, "GRANT") || is_kw(a, first, "REVOKE")) {
        for (size_t k = first + 1; k < e; k++) {
            if (is_kw(a, k, "ON")) {
                size_t q = k + 1;
                if (is_kw(a, q, "TABLE") || is_kw(a, q, "FUNCTION") || is_kw(a, q, "PROCEDURE"))
                    q++;
                if (is_kw(a, q, "ALL") && is_kw(a, q + 1, "TABLES") && is_kw(a, q + 2, "IN") &&
                    is_kw(a, q + 3, "SCHEMA")) {
                    size_t r = take_name(a, q + 4, KS_SQL_A_GRANT, 1);
                    (void)r;
                } else if (is_kw(a, q, "SCHEMA") || is_kw(a, q, "DATABASE")) {
                    take_name(a, q + 1, KS_SQL_A_GRANT, 1);
                } else {
                    take_table_list(a, q, KS_SQL_A_GRANT);
                }
                break;
            }
        }
        i = e;
    } else if (is_kw(a, first, "USE")) {
        take_name(a, first + 1, KS_SQL_A_USE, 1);
        i = e;
    } else if (is_kw(a, first, "LOCK")) {
        size_t k = first + 1;
        if (is_kw(a, k, "TABLES") || is_kw(a, k, "TABLE"))
            k++;
        for (size_t g = 0; g < KS_SQL_MAX_OBJECTS && k < e; g++) {
            size_t q = take_name(a, k, KS_SQL_A_READ, 0);
            if (q == k)
                break;
            q = skip_alias(a, q);
            while (q < e && !is_punct(a, q, ','))
                q++;
            if (q >= e)
                break;
            k = q + 1;
        }
        i = e;
    } else if (is_kw(a, first, "DESCRIBE") || is_kw(a, first, "DESC") ||
               (is_kw(a, first, "EXPLAIN") && is_name_tok(a, first + 1) &&
                !is_kw(a, first + 1, "SELECT") && !is_kw(a, first + 1, "ANALYZE") &&
                !is_kw(a, first + 1, "EXTENDED") && !is_kw(a, first + 1, "FORMAT") &&
                !is_kw(a, first + 1, "UPDATE") && !is_kw(a, first + 1, "DELETE") &&
                !is_kw(a, first + 1, "INSERT") && !is_kw(a, first + 1, "PARTITIONS"))) {
        take_name(a, first + 1, KS_SQL_A_READ, 0);
        i = e;
    } else if (is_kw(a, first, "SHOW")) {
        for (size_t k = first + 1; k < e; k++)
            if (is_kw(a, k, "FROM") || is_kw(a, k, "IN") ||
                (is_kw(a, k, "TABLE") && k == first + 2)) {
                take_name(a, k + 1, KS_SQL_A_READ, !is_kw(a, k, "TABLE") &&
                                                       (is_kw(a, first + 1, "TABLES") ||
                                                        is_kw(a, first + 2, "TABLES")));
                break;
            }
        i = e;
    } else if (is_kw(a, first, "COPY")) {
        size_t k = first + 1;
        int to = 0;
        for (size_t q = k; q < e; q++) {
            if (is_kw(a, q, "TO")) {
                to = 1;
                info->flags |= KS_SQL_F_OUTFILE;
                break;
            }
            if (is_kw(a, q, "FROM")) {
                if (is_kw(a, q + 1, "PROGRAM") ||
                    (q + 1 < e && a->tok[q + 1].type == KS_SQL_T_STRING))
                    info->flags |= KS_SQL_F_LOADFILE;
                break;
            }
        }
        if (!is_punct(a, k, '('))
            take_name(a, k, to ? KS_SQL_A_READ : KS_SQL_A_WRITE, 0);
    } else if (is_kw(a, first, "LOAD")) {
        info->flags |= KS_SQL_F_LOADFILE;
    }

    /* general walk: FROM / JOIN / INTO / UPDATE lists, flags */
    /* from_depth: paren depth of the FROM clause we are in (-1 none), so that a comma
     * after "JOIN t ON a=b" continues the table list but one inside f(a, b) does not */
    int depth = 0;
    int from_depth = -1;
    for (; i < e; i++) {
        const ks_sql_tok *t = &a->tok[i];
        if (t->type == KS_SQL_T_PUNCT) {
            char pc = a->lx.s[t->off];
            if (pc == '(' && depth < 1000000)
                depth++;
            else if (pc == ')' && depth > 0) {
                depth--;
                if (from_depth > depth)
                    from_depth = -1;
            } else if (pc == ',' && depth == from_depth) {
                size_t k = take_table_list(a, i + 1, KS_SQL_A_READ);
                i = k > i ? k - 1 : i;
            }
            continue;
        }
        if (t->type != KS_SQL_T_WORD)
            continue;
        if (is_kw(a, i, "WHERE") || is_kw(a, i, "GROUP") || is_kw(a, i, "ORDER") ||
            is_kw(a, i, "HAVING") || is_kw(a, i, "LIMIT") || is_kw(a, i, "UNION") ||
            is_kw(a, i, "SELECT") || is_kw(a, i, "SET") || is_kw(a, i, "VALUES") ||
            is_kw(a, i, "WINDOW") || is_kw(a, i, "INTO"))
            if (from_depth == depth)
                from_depth = -1;
        if (is_kw(a, i, "FROM") || is_kw(a, i, "JOIN") || is_kw(a, i, "STRAIGHT_JOIN")) {
            ks_sql_action act = KS_SQL_A_READ;
            if (is_kw(a, i, "FROM") && is_kw(a, first, "DELETE") && i < first + 6)
                act = dml_write;
            else
                from_depth = depth;
            size_t k = take_table_list(a, i + 1, act);
            i = k > i ? k - 1 : i;
        } else if (is_kw(a, i, "INTO")) {
            if (is_kw(a, i + 1, "OUTFILE") || is_kw(a, i + 1, "DUMPFILE")) {
                info->flags |= KS_SQL_F_OUTFILE;
                i++;
                continue;
            }
            if (is_select_stmt && !is_kw(a, i + 1, "TABLE"))
                continue; /* SELECT ... INTO @var */
            size_t q = i + 1;
            if (is_kw(a, q, "TABLE"))
                q++;
            size_t k = take_name(a, q, KS_SQL_A_WRITE, 0);
            i = k > i ? k - 1 : i;
        } else if (is_kw(a, i, "UPDATE") && i == first) {
            size_t q = i + 1;
            static const char *const mods[] = {"LOW_PRIORITY", "IGNORE", "ONLY", NULL};
            q = skip_words(a, q, mods);
            size_t k = take_table_list(a, q, KS_SQL_A_WRITE);
            i = k > i ? k - 1 : i;
        } else if (is_kw(a, i, "DELETE") && i == first) {
            /* DELETE t1, t2 FROM ... (multi-table) or DELETE FROM t */
            size_t q = i + 1;
            static const char *const mods[] = {"LOW_PRIORITY", "QUICK", "IGNORE", NULL};
            q = skip_words(a, q, mods);
            if (!is_kw(a, q, "FROM")) {
                size_t k = take_table_list(a, q, KS_SQL_A_WRITE);
                dml_write = KS_SQL_A_READ;
                i = k > i ? k - 1 : i;
            }
        } else if (is_kw(a, i, "WHERE")) {
            has_where = 1;
        } else if (is_kw(a, i, "SLEEP") || is_kw(a, i, "BENCHMARK") ||
                   is_kw(a, i, "PG_SLEEP")) {
            if (is_punct(a, i + 1, '('))
                info->flags |= KS_SQL_F_SLEEP;
        } else if (is_kw(a, i, "LOAD_FILE") || is_kw(a, i, "PG_READ_FILE") ||
                   is_kw(a, i, "LO_IMPORT") || is_kw(a, i, "PG_READ_BINARY_FILE")) {
            if (is_punct(a, i + 1, '('))
                info->flags |= KS_SQL_F_LOADFILE;
        } else if (is_kw(a, i, "SELECT") && is_op(a, i + 1, "*")) {
            info->flags |= KS_SQL_F_SELECT_STAR;
        } else if (is_kw(a, i, "SELECT") &&
                   (is_kw(a, i + 1, "DISTINCT") || is_kw(a, i + 1, "ALL")) &&
                   is_op(a, i + 2, "*")) {
            info->flags |= KS_SQL_F_SELECT_STAR;
        }
    }
    if (is_upd_del && !has_where)
        info->flags |= KS_SQL_F_NO_WHERE;
    a->nt = saved;
}

void ks_sql_analyze(ks_sql_info *out, const char *s, size_t n, ks_sql_dialect d)
{
    memset(out, 0, sizeof *out);
    ks_sql_tok toks[256];
    an a;
    memset(&a, 0, sizeof a);
    ks_sql_lexer_init(&a.lx, s, n, d);
    a.tok = toks;
    a.info = out;
    /* One statement at a time in a fixed window of 256 significant tokens: statements
     * longer than that are analyzed on their first 256 tokens (the head holds the verb
     * and the target tables; the tail of a long INSERT is its VALUES). */
    int nstmt = 0;
    int done = 0;
    size_t guard = 0;
    while (!done && guard++ <= n) {
        a.nt = 0;
        int eos = 0;
        int overflow = 0;
        ks_sql_tok t;
        for (;;) {
            if (ks_sql_lex_next(&a.lx, &t) != 0) {
                done = 1;
                break;
            }
            if (t.flags & KS_SQL_TF_UNTERMINATED)
                out->flags |= KS_SQL_F_UNTERMINATED;
            if (t.type == KS_SQL_T_COMMENT) {
                out->flags |= KS_SQL_F_COMMENT;
                continue;
            }
            if (t.type == KS_SQL_T_PUNCT && a.lx.s[t.off] == ';') {
                eos = 1;
                break;
            }
            if (t.type == KS_SQL_T_STRING || t.type == KS_SQL_T_QIDENT) {
                /* information_schema as a string in a WHERE clause is still enumeration */
                ks_str v = {a.lx.s + t.off, t.len};
                if (v.n >= 20 && (memmem(v.p, v.n, "information_schema", 18) ||
                                  memmem(v.p, v.n, "INFORMATION_SCHEMA", 18)))
                    out->flags |= KS_SQL_F_INFOSCHEMA;
            }
            if (a.nt < sizeof toks / sizeof toks[0])
                toks[a.nt++] = t;
            else
                overflow = 1;
        }
        (void)overflow;
        (void)eos;
        if (a.nt == 0)
            continue;
        nstmt++;
        classify(&a, 0, out, nstmt == 1);
        extract(&a, 0, a.nt);
    }
    if (nstmt > 1)
        out->flags |= KS_SQL_F_MULTI;
}
