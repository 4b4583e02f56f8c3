/* json.h — kanshiki's JSON reader: a validating parser into a reusable node array, and a
 * streaming splitter that cuts record streams into individual JSON values.
 *
 * Why our own: ingest parses hundreds of millions of CloudTrail-like records; jansson
 * (Debian's) builds a hashed object per node and copies every string, which dominates the
 * ingest profile. This reader keeps values as spans of the source text, decodes only
 * strings that contain escapes (into the document's own arena) and reuses its memory from
 * record to record. bench/ compares it against jansson; tests compare it against jq.
 *
 * Ownership: a ks_json_doc owns its nodes and decoded strings. Values (ks_jv) and the
 * ks_str views returned for them are valid until the next ks_json_parse on the same doc or
 * ks_json_doc_free. The source text must outlive the values too (views point into it).
 *
 * Hostile input: depth (default 512), node count and input size are bounded; numbers are
 * kept as text and converted with overflow checks; invalid UTF-8 inside strings is
 * tolerated (the raw bytes are kept, decoding replaces them with U+FFFD) and counted in
 * ks_json_doc_invalid_utf8() so parsers can report it.
 */
#ifndef KS_JSON_H
#define KS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/io.h"

typedef enum ks_json_type {
    KS_JSON_INVALID = 0, /* KS_JV_NONE or a bad handle */
    KS_JSON_NULL,
    KS_JSON_FALSE,
    KS_JSON_TRUE,
    KS_JSON_NUMBER,
    KS_JSON_STRING,
    KS_JSON_ARRAY,
    KS_JSON_OBJECT
} ks_json_type;

typedef uint32_t ks_jv;        /* a value handle inside one doc */
#define KS_JV_NONE UINT32_MAX  /* "no such value": every accessor accepts it */

typedef struct ks_json_doc ks_json_doc;

typedef struct ks_json_limits {
    uint32_t max_depth;  /* 0 = 512 */
    uint32_t max_nodes;  /* 0 = 16M */
} ks_json_limits;

int ks_json_doc_new(ks_json_doc **out, const ks_json_limits *limits); /* limits may be NULL */
void ks_json_doc_free(ks_json_doc *doc);

/* Parses exactly one JSON value (surrounding whitespace allowed). On failure returns
 * KS_ECORRUPT (or KS_ELIMIT) with err->offset = byte offset into `text` of the problem. */
int ks_json_parse(ks_json_doc *doc, const char *text, size_t len, ks_err *err);

ks_jv ks_json_root(const ks_json_doc *doc);
ks_json_type ks_json_type_of(const ks_json_doc *doc, ks_jv v);
/* Number of elements (array) or members (object); 0 for anything else. */
size_t ks_json_count(const ks_json_doc *doc, ks_jv v);
/* Member of an object by key (exact, case-sensitive; first match). KS_JV_NONE if absent. */
ks_jv ks_json_get(const ks_json_doc *doc, ks_jv obj, const char *key);
/* Dotted path of object keys, e.g. "userIdentity.sessionContext.sessionIssuer.arn". */
ks_jv ks_json_path(const ks_json_doc *doc, ks_jv v, const char *dotted);
/* Iteration over an array's elements or an object's members:
 *   for (ks_jv c = ks_json_first(d, v); c != KS_JV_NONE; c = ks_json_next(d, c)) ...
 * For objects the iterated handle is the member's KEY (a string); its value is
 * ks_json_member_value(d, key). */
ks_jv ks_json_first(const ks_json_doc *doc, ks_jv v);
ks_jv ks_json_next(const ks_json_doc *doc, ks_jv v);
ks_jv ks_json_member_value(const ks_json_doc *doc, ks_jv key);
ks_jv ks_json_index(const ks_json_doc *doc, ks_jv arr, size_t i);

/* The exact source text of the value (objects/arrays whole; strings WITH their quotes;
 * numbers as written). */
ks_str ks_json_raw(const ks_json_doc *doc, ks_jv v);
/* Decoded (unescaped) string value; KS_STR_NULL when v is not a string. */
ks_str ks_json_str(const ks_json_doc *doc, ks_jv v);
/* Convenience: decoded string of member `key` of `obj`, KS_STR_NULL if absent/not string. */
ks_str ks_json_get_str(const ks_json_doc *doc, ks_jv obj, const char *key);
/* Numbers: 0 on success; KS_EUNSUPPORTED if not a number or out of range/not integral. */
int ks_json_int(const ks_json_doc *doc, ks_jv v, int64_t *out);
int ks_json_double(const ks_json_doc *doc, ks_jv v, double *out);
/* Number of strings in the last parse that held invalid UTF-8. */
size_t ks_json_doc_invalid_utf8(const ks_json_doc *doc);

/* Writes `v` as compact JSON text (re-serialised from the parse, escapes normalised). */
int ks_json_write(const ks_json_doc *doc, ks_jv v, ks_buf *out);
/* Appends s as a JSON string literal (with quotes), escaping control chars, '"', '\\';
 * invalid UTF-8 bytes become \ufffd. */
int ks_json_quote(ks_buf *out, const char *s, size_t n);

/* ---- record splitter ---------------------------------------------------------------
 * Cuts a stream into JSON records without building a tree of the whole stream, so a 2 GB
 * file needs memory for one record only. Layouts, detected from the first non-space byte
 * and the first member key:
 *   - JSON Lines / concatenated values: each top-level value is a record
 *     (`{..}{..}` on one line and pretty-printed objects both work);
 *   - a top-level array: each element is a record;
 *   - a top-level object whose named member holds an array (`{"Records":[...]}`,
 *     `{"Findings":[...]}`, ...): each element of that array is a record. The member
 *     names to descend into are given by the caller (wrap_keys); the first one present
 *     wins. Other members are skipped. If the object has none of them, the object itself
 *     is the record.
 * A malformed record is reported (KS_ECORRUPT with offset and line) and the splitter
 * resynchronises at the next record boundary it can find (the next line that starts a
 * value for JSON Lines; the next element of the array otherwise, when possible), so one
 * broken record never hides the rest. */
typedef struct ks_jsplit ks_jsplit;

typedef struct ks_jsplit_opts {
    const char *const *wrap_keys; /* NULL-terminated list, may be NULL */
    size_t max_record;            /* 0 = 256 MiB */
} ks_jsplit_opts;

typedef struct ks_jrecord {
    const char *p;   /* the record's text; valid until the next call */
    size_t n;
    int64_t offset;  /* byte offset of its first byte in the input */
    int64_t lineno;  /* 1-based line of its first byte */
    int64_t index;   /* 0-based record number within the input */
    const char *wrap_key; /* the wrap key it came from, or NULL */
} ks_jrecord;

int ks_jsplit_new(ks_jsplit **out, ks_input *in, const ks_jsplit_opts *opts);
/* 0 and *out filled; KS_EOF at the end; KS_ECORRUPT for a malformed stretch (err has
 * offset/line, and *out is filled with the malformed bytes — at most max_record — so the
 * caller can keep them as an error record; call again to continue after it); KS_EIO
 * for a fatal input error such as a truncated gzip (err holds the input's message and
 * offset; everything before it was already returned); KS_ENOMEM. */
int ks_jsplit_next(ks_jsplit *s, ks_jrecord *out, ks_err *err);
void ks_jsplit_free(ks_jsplit *s);

#endif
