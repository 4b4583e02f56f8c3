/* sigma_int.h — the Sigma engine's internal model, shared by its files:
 *   sigma_yaml.c   YAML text -> a small tree (libyaml's event parser, bounded)
 *   sigma_load.c   tree -> rules (metadata, detection, modifiers, correlation)
 *   sigma_cond.c   the condition grammar -> an AST
 *   sigma_value.c  value transforms (wildcards, base64/base64offset, utf16, windash)
 *   sigma_map.c    logsource and field mapping onto kanshiki's tables (one table)
 *   sigma_eval.c   compiling to SQL and running rules
 *   sigma_corr.c   correlation rules over the matches kept by sigma_eval.c
 * Memory: every string and node of a rule set lives in the rule set's arena-like lists and
 * is freed with it. */
#ifndef KS_SIGMA_INT_H
#define KS_SIGMA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/sigma/sigma.h"
#include "core/buf.h"

/* ---- YAML tree ------------------------------------------------------------------- */
typedef enum sy_kind { SY_SCALAR, SY_SEQ, SY_MAP } sy_kind;
typedef struct sy_node {
    sy_kind kind;
    bool plain;               /* scalar written without quotes (null/bool/number typing) */
    char *s;                  /* scalar text, NUL-terminated */
    size_t n;
    int line;                 /* 1-based */
    struct sy_node **kids;    /* SEQ: items; MAP: key, value, key, value ... */
    size_t nkids, cap;
} sy_node;

typedef struct sy_docs {
    sy_node **docs;
    size_t ndocs;
    sy_node **all;            /* every node, for freeing */
    size_t nall, capall;
} sy_docs;

int sy_parse(sy_docs *out, const char *text, size_t n, ks_err *err);
void sy_free(sy_docs *d);
sy_node *sy_get(const sy_node *map, const char *key); /* exact key */
bool sy_is_null(const sy_node *n);                    /* ~, null, empty plain scalar */

/* ---- values and modifiers -------------------------------------------------------- */
enum {
    SG_M_CONTAINS = 1u << 0,
    SG_M_STARTSWITH = 1u << 1,
    SG_M_ENDSWITH = 1u << 2,
    SG_M_ALL = 1u << 3,
    SG_M_RE = 1u << 4,
    SG_M_CIDR = 1u << 5,
    SG_M_BASE64 = 1u << 6,
    SG_M_BASE64OFF = 1u << 7,
    SG_M_UTF16LE = 1u << 8,
    SG_M_UTF16BE = 1u << 9,
    SG_M_UTF16 = 1u << 10,   /* with BOM, little endian */
    SG_M_WINDASH = 1u << 11,
    SG_M_EXISTS = 1u << 12,
    SG_M_LT = 1u << 13,
    SG_M_LTE = 1u << 14,
    SG_M_GT = 1u << 15,
    SG_M_GTE = 1u << 16,
    SG_M_FIELDREF = 1u << 17,
    SG_M_CASED = 1u << 18,
    SG_M_EXPAND = 1u << 19,
    SG_M_RE_I = 1u << 20,
    SG_M_RE_M = 1u << 21,
    SG_M_RE_S = 1u << 22
};

typedef enum sg_vkind { SG_V_STR, SG_V_NUM, SG_V_BOOL, SG_V_NULL } sg_vkind;
typedef struct sg_value {
    sg_vkind kind;
    char *s;     /* text as written (numbers too); NULL for null */
    size_t n;
    bool b;
} sg_value;

typedef struct sg_item {
    char *field;         /* NULL: keywords (full-text over the record) */
    unsigned mods;
    sg_value *vals;
    size_t nvals;
} sg_item;

typedef struct sg_group { /* AND of items */
    sg_item *items;
    size_t nitems;
} sg_group;

typedef struct sg_sel {   /* OR of groups */
    char *name;
    sg_group *groups;
    size_t ngroups;
} sg_sel;

/* ---- condition AST ---------------------------------------------------------------- */
typedef enum sg_op { SG_C_REF, SG_C_AND, SG_C_OR, SG_C_NOT, SG_C_ONE_OF, SG_C_ALL_OF } sg_op;
typedef struct sg_cond {
    sg_op op;
    char *name;            /* REF: selection; *_OF: pattern, NULL = them */
    struct sg_cond *a, *b;
} sg_cond;

/* Parses `text` into *out (nodes allocated with malloc, freed by sg_cond_free). On error
 * returns KS_ECORRUPT with a message naming the position. Nesting is capped at
 * KS_SIGMA_MAX_DEPTH. */
int sg_cond_parse(sg_cond **out, const char *text, size_t n, ks_err *err);
void sg_cond_free(sg_cond *c);
/* Glob of condition patterns: only '*' is special. */
bool sg_name_match(const char *pattern, const char *name);

/* ---- rules ------------------------------------------------------------------------ */
typedef enum sg_ctype { SG_CORR_NONE, SG_CORR_EVENT_COUNT, SG_CORR_VALUE_COUNT, SG_CORR_TEMPORAL } sg_ctype;

typedef struct sg_rule {
    ks_sigma_info info;
    char **tags;
    size_t ntags;
    sg_sel *sels;
    size_t nsels;
    sg_cond **conds;       /* several (legacy list form) are ORed */
    size_t nconds;
    char *unsupported;     /* set when the rule loaded but uses something not supported */
    bool generate;         /* correlation's referenced rules: still report own matches */
    /* correlation */
    sg_ctype ctype;
    char **refs;
    size_t nrefs;
    char **group_by;
    size_t ngroup;
    int64_t timespan_ns;
    char *vc_field;        /* value_count */
    int64_t cmp[5];        /* gt, gte, lt, lte, eq thresholds */
    bool has_cmp[5];
} sg_rule;

struct ks_sigma_ruleset {
    sg_rule **rules;
    size_t nrules, cap;
    char **fail_file, **fail_why;
    size_t nfail, capfail;
    size_t nfiles;
};

void sg_rule_free(sg_rule *r);

/* ---- values (sigma_value.c) -------------------------------------------------------- */
/* One Sigma string after escape processing: text with wildcard markers. wild[i] is '*' or
 * '?' when text[i] is a wildcard, 0 for a literal character. */
typedef struct sg_pat {
    char *text;
    char *wild;
    size_t n;
} sg_pat;

int sg_pat_parse(sg_pat *out, const char *s, size_t n, bool wildcards);
void sg_pat_free(sg_pat *p);
/* SQL LIKE pattern with '\' as escape: * -> %, ? -> _, literal % _ \ escaped. */
int sg_pat_like(const sg_pat *p, ks_buf *out);
/* SQL GLOB pattern (case-sensitive): * and ? kept, literal * ? [ as [*] [?] [[]. */
int sg_pat_glob(const sg_pat *p, ks_buf *out);

int sg_base64(const unsigned char *p, size_t n, ks_buf *out);
/* The three shifted encodings used by base64offset (out[0..2], caller frees each). */
int sg_base64_offsets(const unsigned char *p, size_t n, char *out[3]);
/* UTF-8 -> UTF-16 code units in bytes; bom adds FF FE (little endian only). */
int sg_utf16(const char *s, size_t n, bool big_endian, bool bom, ks_buf *out);
/* windash: every '-' or '/' at the start of a word in all five spellings (- / – — ―);
 * at most `max` variants, KS_ELIMIT beyond. out[] entries are malloc'd. */
int sg_windash(const char *s, size_t n, char ***out, size_t *nout, size_t max);

/* ---- matchers for the SQL predicate (sigma_value.c) ------------------------------- */
int sg_cidr_parse(const char *s, unsigned char net[16], int *family, int *bits);
bool sg_cidr_match(const unsigned char net[16], int family, int bits, const char *ip, size_t n);
bool sg_num_parse(const char *s, size_t n, double *out);

/* ---- mapping (sigma_map.c) -------------------------------------------------------- */
typedef struct sg_fieldmap {
    const char *sigma;   /* Sigma field name (case-insensitive) */
    const char *column;  /* the table column it needs (must exist in the case) */
    const char *expr;    /* SQL over t.(source table) / e.(events); NULL = t."column" */
} sg_fieldmap;

typedef struct sg_logsource {
    const char *product, *category, *service; /* NULL = any */
    const char *table;                        /* source table joined with events, or NULL */
    const char *source;                       /* events.source filter when no table */
    const char *where;                        /* extra SQL filter, or NULL */
    const sg_fieldmap *fields;                /* explicit mappings, {NULL} terminated */
    bool auto_columns;   /* other fields: a column of the table with the lower-cased name,
                            dotted paths as JSON inside such a column */
    const char *doc;
} sg_logsource;

/* The mapping for a rule's logsource, or NULL (then *why says so). */
const sg_logsource *sg_logsource_find(const ks_sigma_info *r, const char **why);
const sg_logsource *sg_logsource_table(size_t *n);

/* ---- a run of ks_sigma_eval (sigma_eval.c), shared with sigma_corr.c --------------- */
typedef struct sg_stored { /* a match kept for correlation */
    ks_sigma_event ev;     /* strings owned */
    char **vals;           /* extra field values, per sg_rstate.fields (NULL = none) */
} sg_stored;

typedef struct sg_rstate { /* per base rule of the set */
    char **fields;         /* extra fields its correlations need (group-by, value_count) */
    size_t nfields;
    bool *unmapped;        /* per field: no mapping in the rule's logsource */
    sg_stored *rows;
    size_t nrows, cap;
    bool applicable;       /* compiled and ran */
    bool referenced;       /* some correlation of the set refers to this rule */
    bool generate;         /* ... and one of them says generate: true */
    bool truncated;        /* more than KS_SIGMA_MAX_CORR_EVENTS matches */
} sg_rstate;

typedef struct sg_run {
    const ks_sigma_ruleset *rs;
    sg_rstate *state;      /* one per rule of rs */
    ks_sigma_fn fn;
    void *fnctx;
    ks_err *err;
    bool stop;             /* the callback asked to stop */
    char rclass[64];       /* the last not-applicable reason */
    char reason[512];
} sg_run;

/* Reports r as not applicable with run->rclass/reason, or as done with n matches. */
void sg_emit_na(sg_run *run, const sg_rule *r);
void sg_emit_done(sg_run *run, const sg_rule *r, int64_t n);

/* Allocates run->state, marks referenced rules and lists the fields they must select. */
int sg_corr_prepare(sg_run *run);
/* Evaluates correlation rule r over the kept matches; reports through run->fn. */
int sg_corr_run(sg_run *run, const sg_rule *r);
void sg_corr_free(sg_run *run);

#endif
