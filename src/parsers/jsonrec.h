/* jsonrec.h — the record loop every JSON-based parser shares: split the input into JSON
 * records (ks_jsplit), parse each into a reusable document, and hand it to the parser's
 * callback. Malformed stretches and records that are not valid JSON become error records
 * (ks_sink_error, with line and offset); an input failure (e.g. a truncated gzip) ends the
 * loop with KS_EIO after everything before it was delivered. */
#ifndef KS_JSONREC_H
#define KS_JSONREC_H

#include "core/json.h"
#include "parsers/parser.h"

/* Called for each record that parsed as JSON. `doc`'s root is the record; `r` has its
 * text, offset and line. Return 0 to continue, or a negative status to stop (store errors). */
typedef int (*ks_jsonrec_fn)(void *arg, ks_parse_ctx *ctx, ks_json_doc *doc,
                             const ks_jrecord *r, ks_err *err);

/* One step of the loop, for parsers that keep their own: the next record of the stream.
 * A malformed stretch is kept as an error record (named at the record's first line when the
 * splitter returned its bytes) and skipped. Returns 0 with *r filled, KS_EOF at the end, or
 * a negative status: an input failure (KS_EIO, err filled) or a store error. */
int ks_jsonrec_next(ks_jsplit *sp, ks_parse_ctx *ctx, ks_jrecord *r, ks_err *err);

/* wrap_keys: NULL-terminated member names whose array holds the records ({"Records":[..]}),
 * or NULL. Returns 0 at the end of input, KS_EIO for an input failure, or the callback's
 * or the store's error. */
int ks_jsonrec_each(ks_parse_ctx *ctx, const char *const *wrap_keys, ks_jsonrec_fn fn,
                    void *arg, ks_err *err);

/* The whole loop of a parser that maps each JSON object record to one event and one row of
 * its table: records that are not objects, or that `map` rejects (it returns why), become
 * error records; the others are stored with their text as raw and their line and offset. */
typedef const char *(*ks_jsonrec_map_fn)(void *state, ks_json_doc *doc, ks_jv root,
                                         ks_val *v, ks_event *ev);
typedef struct ks_jsonrec_mapper {
    const char *const *wrap_keys; /* as for ks_jsonrec_each */
    const ks_table_def *table;    /* `map` fills table->ncols values */
    const char *not_object;       /* why, for a record that is not a JSON object */
    ks_jsonrec_map_fn map;
    void *state;                  /* the parser's, passed to map */
} ks_jsonrec_mapper;

int ks_jsonrec_map_each(ks_parse_ctx *ctx, const ks_jsonrec_mapper *m, ks_err *err);

#endif
