/* parser.h — what every log-format reader provides, and the registry of them.
 *
 * A parser is a table entry: a name (also the source type and, by convention, its
 * per-source table), a sniff function that scores the first bytes of a member, and a
 * parse function that reads a ks_input and writes through a ks_sink. Parsers never open
 * files and never issue SQL.
 */
#ifndef KS_PARSER_H
#define KS_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/io.h"
#include "store/store.h"

/* Options given on the command line (`--opt key=value`, and named options like
 * --flow-format / --log-format that the CLI maps to keys). Not owned. */
typedef struct ks_parse_opts {
    const char *const *keys;
    const char *const *vals;
    size_t n;
} ks_parse_opts;
const char *ks_parse_opt(const ks_parse_opts *o, const char *key); /* NULL if absent */

typedef struct ks_parse_ctx {
    ks_input *in;
    const char *path;    /* display path of the member */
    ks_sink *sink;
    const ks_parse_opts *opts;
    int64_t ref_time;    /* ns: the file's mtime, for formats without a year; or NONE */
} ks_parse_ctx;

typedef struct ks_parser {
    const char *name;    /* "cloudtrail" */
    const char *summary; /* one line for `kanshiki help formats` */
    const ks_table_def *const *tables; /* NULL-terminated; declared before parsing */
    /* Confidence 0..100 that head (the first bytes of the decompressed member) is this
     * format; `name` is the display path (a hint only: content decides). */
    int (*sniff)(const uint8_t *head, size_t n, const char *name);
    /* Parses the whole input. Record-level problems go to ks_sink_error and do not stop
     * parsing; a non-zero return is a fatal input error (err filled, records written so
     * far are kept). */
    int (*parse)(ks_parse_ctx *ctx, ks_err *err);
} ks_parser;

/* NULL-terminated list of all parsers. */
const ks_parser *const *ks_parsers_all(void);
const ks_parser *ks_parser_find(const char *name);
/* Best parser for a member (score >= 50), or NULL. *out_score gets its score. */
const ks_parser *ks_parser_sniff(const uint8_t *head, size_t n, const char *name,
                                 int *out_score);

#endif
