/* sql_lex.h — a real SQL tokenizer for MySQL/MariaDB and PostgreSQL text, and the
 * statement classifier / object extractor built on it.
 *
 * Attackers write the SQL we read: the lexer never reads past `n`, never allocates, and
 * always makes progress (every call consumes at least one byte or returns KS_EOF), so a
 * loop over tokens is bounded by the input length. Unterminated strings, quoted
 * identifiers and comments become one token reaching the end, flagged KS_SQL_TF_UNTERMINATED.
 *
 * Dialect differences handled:
 *  - MySQL: `backtick` identifiers, "double" strings (ANSI_QUOTES off), backslash escapes
 *    in strings, # and "-- " comments, executable comments (slash-star-bang 50001 ... star-slash) whose body is code,
 *    @user and @@system variables, x'..' / b'..' / 0x.. / _charset'..' literals.
 *  - PostgreSQL: "double" identifiers, E'..' escapes, $tag$..$tag$ dollar quoting, nested
 *    block comments, $1 parameters, :: casts.
 * KS_SQL_ANY (the default) accepts both where they do not conflict: "..." is read as a
 * string in MySQL mode and as an identifier in PostgreSQL mode; in ANY mode as a string
 * unless the statement came from PostgreSQL.
 */
#ifndef KS_SQL_LEX_H
#define KS_SQL_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

typedef enum ks_sql_dialect { KS_SQL_ANY = 0, KS_SQL_MYSQL = 1, KS_SQL_PG = 2 } ks_sql_dialect;

typedef enum ks_sql_tok_type {
    KS_SQL_T_WORD = 1,     /* keyword or bare identifier */
    KS_SQL_T_QIDENT,       /* `quoted` or "quoted" identifier (quotes included) */
    KS_SQL_T_STRING,       /* string literal incl. prefix and quotes ('..', E'..', $$..$$, N'..') */
    KS_SQL_T_NUMBER,       /* 12, 1.5e3, .5 */
    KS_SQL_T_HEXBIT,       /* 0xFF, x'FF', b'01', 0b01 */
    KS_SQL_T_PARAM,        /* ?, $1, :name */
    KS_SQL_T_VAR,          /* @name, @@global.name, @'q' */
    KS_SQL_T_OP,           /* operators: = <> != <= >= || :: -> ->> etc. */
    KS_SQL_T_PUNCT,        /* ( ) , ; . */
    KS_SQL_T_COMMENT,      /* -- .., # .., block comments (not executable ones) */
    KS_SQL_T_OTHER         /* a byte that starts nothing (kept, one byte) */
} ks_sql_tok_type;

#define KS_SQL_TF_UNTERMINATED 0x1u /* string/ident/comment ran to end of input */

typedef struct ks_sql_tok {
    ks_sql_tok_type type;
    unsigned flags;
    size_t off; /* into the lexer's input */
    size_t len;
} ks_sql_tok;

typedef struct ks_sql_lexer {
    const char *s;
    size_t n;
    size_t pos;
    ks_sql_dialect dialect;
    int in_exec_comment; /* inside MySQL's executable comment: its closing is whitespace */
} ks_sql_lexer;

void ks_sql_lexer_init(ks_sql_lexer *lx, const char *s, size_t n, ks_sql_dialect d);
/* Next token, whitespace skipped (comments are returned as tokens). Returns 0, or KS_EOF
 * when the input is exhausted. Never fails otherwise. */
int ks_sql_lex_next(ks_sql_lexer *lx, ks_sql_tok *out);

/* Case-insensitive comparison of a WORD token with an ASCII keyword. */
int ks_sql_tok_is(const ks_sql_lexer *lx, const ks_sql_tok *t, const char *kw);

/* ---- classification and objects ------------------------------------------------- */
typedef enum ks_sql_class {
    KS_SQL_C_UNKNOWN = 0,
    KS_SQL_C_READ,    /* SELECT, SHOW, DESCRIBE, EXPLAIN, TABLE, VALUES */
    KS_SQL_C_WRITE,   /* INSERT, UPDATE, DELETE, REPLACE, MERGE, LOAD DATA, COPY, CALL */
    KS_SQL_C_DDL,     /* CREATE, ALTER, DROP, RENAME, TRUNCATE, COMMENT ON */
    KS_SQL_C_DCL,     /* GRANT, REVOKE, users and roles, SET PASSWORD */
    KS_SQL_C_ADMIN,   /* KILL, FLUSH, SHUTDOWN, INSTALL PLUGIN, replication, VACUUM... */
    KS_SQL_C_SESSION  /* USE, SET, BEGIN/COMMIT/ROLLBACK, LOCK, PREPARE/EXECUTE */
} ks_sql_class;

const char *ks_sql_class_name(ks_sql_class c); /* "read", "write", ... */

/* Statement properties an investigator cares about. */
#define KS_SQL_F_OUTFILE     0x0001u /* SELECT ... INTO OUTFILE/DUMPFILE, COPY ... TO 'file'/PROGRAM */
#define KS_SQL_F_INFOSCHEMA  0x0002u /* touches information_schema / mysql / pg_catalog / performance_schema */
#define KS_SQL_F_MULTI       0x0004u /* more than one statement in the text */
#define KS_SQL_F_UNTERMINATED 0x0008u /* an unterminated string/identifier/comment */
#define KS_SQL_F_COMMENT     0x0010u /* contains comments (injection often does) */
#define KS_SQL_F_NO_WHERE    0x0020u /* UPDATE/DELETE without WHERE (mass change) */
#define KS_SQL_F_LOADFILE    0x0040u /* LOAD DATA [LOCAL] INFILE, LOAD_FILE(), COPY ... FROM file/PROGRAM */
#define KS_SQL_F_SELECT_STAR 0x0080u /* SELECT * */
#define KS_SQL_F_TRUNCATED   0x0100u /* more objects than fit, or a name longer than fits */
#define KS_SQL_F_SLEEP       0x0200u /* SLEEP(), BENCHMARK(), pg_sleep(): time-based probing */

typedef enum ks_sql_action {
    KS_SQL_A_READ = 1,  /* the statement reads the object */
    KS_SQL_A_WRITE,     /* changes its rows */
    KS_SQL_A_CREATE,
    KS_SQL_A_ALTER,
    KS_SQL_A_DROP,
    KS_SQL_A_GRANT,     /* privileges on it change */
    KS_SQL_A_USE        /* USE db / \c */
} ks_sql_action;

const char *ks_sql_action_name(ks_sql_action a);

#define KS_SQL_NAME_MAX 128 /* bytes incl. NUL; longer names are cut and flagged */
#define KS_SQL_MAX_OBJECTS 32

typedef struct ks_sql_object {
    char schema[KS_SQL_NAME_MAX]; /* "" when unqualified */
    char name[KS_SQL_NAME_MAX];   /* table/view/database name; "*" for db.* grants */
    ks_sql_action action;
    int is_database;              /* the object is a database/schema (DROP DATABASE, USE) */
} ks_sql_object;

typedef struct ks_sql_info {
    ks_sql_class cls;
    char verb[32];   /* first keywords, upper case: "SELECT", "DROP TABLE", "GRANT" */
    unsigned flags;  /* KS_SQL_F_* */
    size_t nobj;
    ks_sql_object obj[KS_SQL_MAX_OBJECTS];
} ks_sql_info;

/* Classifies the first statement of `s` (the rest sets KS_SQL_F_MULTI) and extracts the
 * objects of all statements in it (up to KS_SQL_MAX_OBJECTS). Never fails. */
void ks_sql_analyze(ks_sql_info *out, const char *s, size_t n, ks_sql_dialect d);

#endif
