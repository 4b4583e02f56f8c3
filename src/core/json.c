/* json.c — the validating JSON parser, its accessors and the writer.
 *
 * Layout of a parse: one array of fixed-size nodes in document (pre-)order. A container
 * node records its member/element count; each child links to its next sibling, so
 * iteration never allocates. In an object the children are the KEYS (strings); the value
 * of the key at index k is always node k + 1, because it is the very next value parsed.
 * Strings are spans of the source; only strings holding escapes or invalid UTF-8 are
 * decoded, once, into the doc's arena (addressed by offset because the arena may move).
 *
 * RFC 8259 strict: no comments, trailing commas, NaN/Infinity, leading zeros or raw
 * control characters in strings. The one tolerance is invalid UTF-8 inside strings
 * (evidence is often mis-encoded): it is kept in the raw text, replaced by U+FFFD when
 * decoded, and counted. The parser is iterative (explicit stack, depth-capped), so hostile
 * nesting cannot exhaust the C stack.
 */
#include "core/json.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/json_int.h"

#define JF_DECODED 1u /* string value lives in the arena */
#define JF_BADUTF8 2u
#define JF_KEY 4u     /* an object member's key; its value is the next node */

#define KS_JSON_DEFAULT_DEPTH 512u
#define KS_JSON_DEFAULT_NODES (16u << 20)
/* Inputs are addressed with 32-bit offsets; decoded strings can be 3x their source
 * (each invalid byte becomes a 3-byte U+FFFD), so 1 GiB keeps the arena addressable. */
#define KS_JSON_MAX_INPUT ((size_t)1 << 30)

typedef struct jnode {
    uint8_t type;
    uint8_t flags;
    uint16_t unused;
    uint32_t next;  /* next sibling (array element or object key), KS_JV_NONE at the end */
    uint32_t off;   /* first byte in the source */
    uint32_t len;   /* raw length (strings include their quotes) */
    uint32_t a;     /* containers: child count; decoded strings: arena offset */
    uint32_t b;     /* decoded strings: decoded length */
} jnode;

typedef struct jframe {
    uint32_t node; /* the container */
    uint32_t last; /* its last child so far (key for objects), KS_JV_NONE if none */
} jframe;

struct ks_json_doc {
    jnode *nodes;
    uint32_t n, cap;
    jframe *stack;
    uint32_t stack_cap;
    uint32_t max_depth, max_nodes;
    uint32_t depth_seen; /* deepest nesting of the last parse */
    char *arena;
    size_t arena_len, arena_cap;
    size_t bad_utf8;
    const char *src;
    size_t src_len;
};

int ks_json_doc_new(ks_json_doc **out, const ks_json_limits *limits)
{
    if (!out)
        return KS_EUSAGE;
    ks_json_doc *d = calloc(1, sizeof *d);
    if (!d)
        return KS_ENOMEM;
    d->max_depth = limits && limits->max_depth ? limits->max_depth : KS_JSON_DEFAULT_DEPTH;
    d->max_nodes = limits && limits->max_nodes ? limits->max_nodes : KS_JSON_DEFAULT_NODES;
    if (d->max_nodes > UINT32_MAX - 1)
        d->max_nodes = UINT32_MAX - 1;
    *out = d;
    return 0;
}

void ks_json_doc_free(ks_json_doc *doc)
{
    if (!doc)
        return;
    free(doc->nodes);
    free(doc->stack);
    free(doc->arena);
    free(doc);
}

/* ---- UTF-8 ------------------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0 if it is not one
 * (overlongs, surrogates and code points above U+10FFFF are rejected, per RFC 3629). */
size_t ks_utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    }
    if (c < 0xF0) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && p[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && p[1] >= 0xA0)
            return 0; /* UTF-16 surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90)
            return 0;
        if (c == 0xF4 && p[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

static size_t utf8_put(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- scanning helpers ------------------------------------------------------------- */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KS_SWAR 1
#endif
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define HASZERO(x) (((x) - ONES) & ~(x) & HIGHS)
#define HASLESS(x, n) (((x) - ONES * (n)) & ~(x) & HIGHS)

/* 1 for bytes that end the plain-string fast path: '"', '\\', controls, non-ASCII. */
static const uint8_t str_stop[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
    [0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Index of the first byte in [p, end) that stops a plain string, or end. SSE2 (every x86-64)
 * looks at 16 bytes per step: a signed compare with 0x20 catches both the control bytes and
 * the bytes >= 0x80 (negative as signed). */
static inline const char *scan_plain(const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                   _mm_cmplt_epi8(v, space));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return p + __builtin_ctz(m);
        p += 16;
    }
#endif
#ifdef KS_SWAR
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t m = HASZERO(w ^ (ONES * '"')) | HASZERO(w ^ (ONES * '\\')) | HASLESS(w, 0x20) |
                     (w & HIGHS);
        if (m)
            return p + (__builtin_ctzll(m) >> 3);
        p += 8;
    }
#endif
    while (p < end && !str_stop[(uint8_t)*p])
        p++;
    return p;
}

static inline int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Reads 4 hex digits at p (p + 4 <= end checked by caller); -1 and *bad = offending byte. */
static int32_t hex4(const char *p, const char **bad)
{
    int32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval((uint8_t)p[i]);
        if (h < 0) {
            *bad = p + i;
            return -1;
        }
        v = (v << 4) | h;
    }
    return v;
}

/* ---- the parser ------------------------------------------------------------------- */

typedef struct pstate {
    ks_json_doc *d;
    const char *base;
    const char *end;
    ks_err *err;
} pstate;

static int perr(pstate *ps, const char *at, int code, const char *why)
{
    return ks_err_setx(ps->err, code, NULL, -1, (int64_t)(at - ps->base), __FILE__, __LINE__,
                       "%s", why);
}

static int arena_reserve(ks_json_doc *d, size_t extra)
{
    if (d->arena_cap - d->arena_len >= extra)
        return 0;
    size_t cap = d->arena_cap ? d->arena_cap : 4096;
    while (cap - d->arena_len < extra)
        cap *= 2;
    char *p = realloc(d->arena, cap);
    if (!p)
        return KS_ENOMEM;
    d->arena = p;
    d->arena_cap = cap;
    return 0;
}

static int node_new(pstate *ps, uint8_t type, const char *at, uint32_t *out)
{
    ks_json_doc *d = ps->d;
    if (d->n >= d->cap) {
        if (d->n >= d->max_nodes)
            return perr(ps, at, KS_ELIMIT, "too many JSON values (node limit)");
        uint32_t cap = d->cap ? d->cap * 2 : 256;
        if (cap > d->max_nodes || cap < d->cap)
            cap = d->max_nodes;
        jnode *p = realloc(d->nodes, (size_t)cap * sizeof *p);
        if (!p)
            return perr(ps, at, KS_ENOMEM, "out of memory for JSON nodes");
        d->nodes = p;
        d->cap = cap;
    }
    jnode *nd = &d->nodes[d->n];
    nd->type = type;
    nd->flags = 0;
    nd->unused = 0;
    nd->next = KS_JV_NONE;
    nd->off = (uint32_t)(at - ps->base);
    nd->len = 0;
    nd->a = 0;
    nd->b = 0;
    *out = d->n++;
    return 0;
}

/* Decodes the string whose opening quote is at q, starting from the first special byte
 * s (everything in (q, s) is plain ASCII). Returns the position after the closing quote
 * in *out_end. Writes the decoded text to the arena. */
static int decode_string(pstate *ps, jnode *nd, const char *q, const char *s, const char **out_end)
{
    ks_json_doc *d = ps->d;
    const char *p = s, *end = ps->end;
    /* Bound the decoded size by this string's raw extent: no source byte decodes to more
     * than 3 bytes (an invalid byte becomes U+FFFD; escapes only shrink). */
    size_t i = (size_t)(s - q), avail = (size_t)(end - q);
    while (i < avail && q[i] != '"')
        i += q[i] == '\\' ? 2 : 1;
    size_t rest = i < avail ? i : avail;
    if (rest > (SIZE_MAX - 16) / 3 || arena_reserve(d, rest * 3 + 4))
        return perr(ps, q, KS_ENOMEM, "out of memory decoding a JSON string");
    size_t start = d->arena_len;
    char *o = d->arena + start;
    size_t plain = (size_t)(s - (q + 1));
    memcpy(o, q + 1, plain);
    o += plain;
    bool bad = false;
    for (;;) {
        const char *t = scan_plain(p, end);
        memcpy(o, p, (size_t)(t - p));
        o += t - p;
        p = t;
        if (p >= end)
            return perr(ps, p, KS_ECORRUPT, "unterminated string");
        uint8_t c = (uint8_t)*p;
        if (c == '"')
            break;
        if (c == '\\') {
            if (p + 1 >= end)
                return perr(ps, p + 1, KS_ECORRUPT, "unterminated string");
            char e = p[1];
            const char *badp = NULL;
            switch (e) {
            case '"': *o++ = '"'; p += 2; break;
            case '\\': *o++ = '\\'; p += 2; break;
            case '/': *o++ = '/'; p += 2; break;
            case 'b': *o++ = '\b'; p += 2; break;
            case 'f': *o++ = '\f'; p += 2; break;
            case 'n': *o++ = '\n'; p += 2; break;
            case 'r': *o++ = '\r'; p += 2; break;
            case 't': *o++ = '\t'; p += 2; break;
            case 'u': {
                if (end - p < 6) {
                    const char *x = p + 2;
                    while (x < end && hexval((uint8_t)*x) >= 0)
                        x++;
                    return perr(ps, x, KS_ECORRUPT, "bad \\u escape");
                }
                int32_t u = hex4(p + 2, &badp);
                if (u < 0)
                    return perr(ps, badp, KS_ECORRUPT, "bad \\u escape");
                p += 6;
                uint32_t cp = (uint32_t)u;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    /* A high surrogate pairs only with an immediately following low one. */
                    if (end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                        int32_t lo = hex4(p + 2, &badp);
                        if (lo < 0)
                            return perr(ps, badp, KS_ECORRUPT, "bad \\u escape");
                        if (lo >= 0xDC00 && lo <= 0xDFFF) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                            p += 6;
                        } else {
                            cp = 0xFFFD; /* lone high; the next escape is decoded on its own */
                        }
                    } else {
                        cp = 0xFFFD;
                    }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    cp = 0xFFFD; /* lone low surrogate */
                }
                o += utf8_put(o, cp);
                break;
            }
            default:
                return perr(ps, p + 1, KS_ECORRUPT, "bad escape in string");
            }
            continue;
        }
        if (c < 0x20)
            return perr(ps, p, KS_ECORRUPT, "control character in string");
        size_t k = ks_utf8_seq((const uint8_t *)p, (size_t)(end - p));
        if (k == 0) {
            bad = true;
            o += utf8_put(o, 0xFFFD);
            p++;
        } else {
            memcpy(o, p, k);
            o += k;
            p += k;
        }
    }
    size_t dlen = (size_t)(o - (d->arena + start));
    nd->flags |= JF_DECODED | (bad ? JF_BADUTF8 : 0);
    nd->a = (uint32_t)start;
    nd->b = (uint32_t)dlen;
    d->arena_len = start + dlen;
    if (bad)
        d->bad_utf8++;
    *out_end = p + 1;
    return 0;
}

/* Parses the string at q (the opening quote) into a new node. */
static int parse_string(pstate *ps, const char *q, const char **out_end, uint32_t *out_idx)
{
    uint32_t idx;
    int rc = node_new(ps, KS_JSON_STRING, q, &idx);
    if (rc)
        return rc;
    const char *p = q + 1, *end = ps->end;
    for (;;) {
        p = scan_plain(p, end);
        if (p >= end)
            return perr(ps, p, KS_ECORRUPT, "unterminated string");
        uint8_t c = (uint8_t)*p;
        if (c == '"') {
            p++;
            break;
        }
        if (c >= 0x80) {
            size_t k = ks_utf8_seq((const uint8_t *)p, (size_t)(end - p));
            if (k) {
                p += k;
                continue;
            }
        } else if (c < 0x20) {
            return perr(ps, p, KS_ECORRUPT, "control character in string");
        }
        /* An escape or invalid UTF-8: decode the whole string into the arena. */
        rc = decode_string(ps, &ps->d->nodes[idx], q, p, &p);
        if (rc)
            return rc;
        break;
    }
    jnode *nd = &ps->d->nodes[idx];
    nd->len = (uint32_t)(p - q);
    *out_end = p;
    *out_idx = idx;
    return 0;
}

/* number = [ minus ] int [ frac ] [ exp ] (RFC 8259 §6). */
static const char *scan_number(const char *p, const char *end, const char **bad)
{
    if (p < end && *p == '-')
        p++;
    if (p >= end || (unsigned)(*p - '0') > 9) {
        *bad = p;
        return NULL;
    }
    if (*p == '0') {
        p++;
        if (p < end && (unsigned)(*p - '0') <= 9) {
            *bad = p; /* leading zero */
            return NULL;
        }
    } else {
        while (p < end && (unsigned)(*p - '0') <= 9)
            p++;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || (unsigned)(*p - '0') > 9) {
            *bad = p;
            return NULL;
        }
        while (p < end && (unsigned)(*p - '0') <= 9)
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || (unsigned)(*p - '0') > 9) {
            *bad = p;
            return NULL;
        }
        while (p < end && (unsigned)(*p - '0') <= 9)
            p++;
    }
    return p;
}

bool ks_json_number_valid(const char *p, size_t n)
{
    const char *bad = NULL;
    const char *e = scan_number(p, p + n, &bad);
    return e == p + n;
}

static inline const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

static int push(pstate *ps, uint32_t node, const char *at, uint32_t *depth)
{
    ks_json_doc *d = ps->d;
    if (*depth >= d->max_depth)
        return perr(ps, at, KS_ELIMIT, "JSON nesting too deep");
    if (*depth >= d->stack_cap) {
        uint32_t cap = d->stack_cap ? d->stack_cap * 2 : 64;
        if (cap > d->max_depth)
            cap = d->max_depth;
        jframe *f = realloc(d->stack, (size_t)cap * sizeof *f);
        if (!f)
            return perr(ps, at, KS_ENOMEM, "out of memory for JSON nesting");
        d->stack = f;
        d->stack_cap = cap;
    }
    d->stack[*depth].node = node;
    d->stack[*depth].last = KS_JV_NONE;
    (*depth)++;
    if (*depth > d->depth_seen)
        d->depth_seen = *depth;
    return 0;
}

/* Links the new child `c` into the frame on top of the stack. */
static inline void link_child(ks_json_doc *d, jframe *f, uint32_t c)
{
    if (f->last != KS_JV_NONE)
        d->nodes[f->last].next = c;
    f->last = c;
    d->nodes[f->node].a++;
}

int ks_json_parse(ks_json_doc *doc, const char *text, size_t len, ks_err *err)
{
    if (!doc || (!text && len))
        return KS_ERR(err, KS_EUSAGE, "ks_json_parse: bad arguments");
    if (!text)
        text = "";
    doc->n = 0;
    doc->arena_len = 0;
    doc->bad_utf8 = 0;
    doc->depth_seen = 0;
    doc->src = NULL;
    doc->src_len = 0;
    pstate ps = {doc, text, text + len, err};
    if (len > KS_JSON_MAX_INPUT)
        return perr(&ps, text, KS_ELIMIT, "JSON text larger than 1 GiB");
    const char *p = skip_ws(text, ps.end), *end = ps.end;
    uint32_t depth = 0, idx = 0;
    int rc = 0;
    const char *bad = NULL;

value:
    /* Expecting a value at p. In an object, the key and ':' were already consumed. */
    if (p >= end) {
        rc = perr(&ps, p, KS_ECORRUPT, len ? "unexpected end of JSON text" : "empty JSON text");
        goto fail;
    }
    switch (*p) {
    case '{':
    case '[': {
        uint8_t t = *p == '{' ? KS_JSON_OBJECT : KS_JSON_ARRAY;
        if ((rc = node_new(&ps, t, p, &idx)) != 0)
            goto fail;
        if (depth && doc->nodes[doc->stack[depth - 1].node].type == KS_JSON_ARRAY)
            link_child(doc, &doc->stack[depth - 1], idx);
        if ((rc = push(&ps, idx, p, &depth)) != 0)
            goto fail;
        p = skip_ws(p + 1, end);
        if (p < end && *p == (t == KS_JSON_OBJECT ? '}' : ']'))
            goto close;
        if (t == KS_JSON_ARRAY)
            goto value;
        goto key;
    }
    case '"':
        if ((rc = parse_string(&ps, p, &p, &idx)) != 0)
            goto fail;
        break;
    case 't':
    case 'f':
    case 'n': {
        static const char *const lit[3] = {"true", "false", "null"};
        static const uint8_t lt[3] = {KS_JSON_TRUE, KS_JSON_FALSE, KS_JSON_NULL};
        int w = *p == 't' ? 0 : *p == 'f' ? 1 : 2;
        size_t ln = w == 1 ? 5 : 4;
        for (size_t i = 1; i < ln; i++) {
            if (p + i >= end || p[i] != lit[w][i]) {
                rc = perr(&ps, p + i, KS_ECORRUPT, "invalid literal");
                goto fail;
            }
        }
        if ((rc = node_new(&ps, lt[w], p, &idx)) != 0)
            goto fail;
        doc->nodes[idx].len = (uint32_t)ln;
        p += ln;
        break;
    }
    default: {
        if (*p != '-' && (unsigned)(*p - '0') > 9) {
            rc = perr(&ps, p, KS_ECORRUPT, "expected a JSON value");
            goto fail;
        }
        const char *e = scan_number(p, end, &bad);
        if (!e) {
            rc = perr(&ps, bad, KS_ECORRUPT, "invalid number");
            goto fail;
        }
        if ((rc = node_new(&ps, KS_JSON_NUMBER, p, &idx)) != 0)
            goto fail;
        doc->nodes[idx].len = (uint32_t)(e - p);
        p = e;
        break;
    }
    }
    /* A scalar: link it to its container (object values were linked via their key). */
    if (depth && doc->nodes[doc->stack[depth - 1].node].type == KS_JSON_ARRAY)
        link_child(doc, &doc->stack[depth - 1], idx);

after:
    if (depth == 0)
        goto done;
    p = skip_ws(p, end);
    if (p >= end) {
        rc = perr(&ps, p, KS_ECORRUPT, "unexpected end of JSON text");
        goto fail;
    }
    {
        jframe *f = &doc->stack[depth - 1];
        bool obj = doc->nodes[f->node].type == KS_JSON_OBJECT;
        if (*p == ',') {
            p = skip_ws(p + 1, end);
            if (obj)
                goto key;
            goto value;
        }
        if (*p == (obj ? '}' : ']'))
            goto close;
        rc = perr(&ps, p, KS_ECORRUPT, obj ? "expected ',' or '}'" : "expected ',' or ']'");
        goto fail;
    }

key:
    /* p at the member's key (whitespace already skipped). */
    if (p >= end || *p != '"') {
        rc = perr(&ps, p, KS_ECORRUPT,
                  p >= end ? "unexpected end of JSON text" : "expected a string key");
        goto fail;
    }
    if ((rc = parse_string(&ps, p, &p, &idx)) != 0)
        goto fail;
    doc->nodes[idx].flags |= JF_KEY;
    link_child(doc, &doc->stack[depth - 1], idx);
    p = skip_ws(p, end);
    if (p >= end || *p != ':') {
        rc = perr(&ps, p, KS_ECORRUPT, p >= end ? "unexpected end of JSON text" : "expected ':'");
        goto fail;
    }
    p = skip_ws(p + 1, end);
    goto value;

close:
    /* p at the closing bracket of the container on top of the stack. */
    {
        jnode *c = &doc->nodes[doc->stack[depth - 1].node];
        c->len = (uint32_t)(p + 1 - text) - c->off;
        depth--;
        p++;
        goto after;
    }

done:
    p = skip_ws(p, end);
    if (p < end) {
        rc = perr(&ps, p, KS_ECORRUPT, "unexpected data after the JSON value");
        goto fail;
    }
    doc->src = text;
    doc->src_len = len;
    return 0;

fail:
    doc->n = 0;
    doc->arena_len = 0;
    return rc;
}

/* ---- accessors -------------------------------------------------------------------- */

static inline const jnode *node_at(const ks_json_doc *d, ks_jv v)
{
    return d && v < d->n ? &d->nodes[v] : NULL;
}

ks_jv ks_json_root(const ks_json_doc *doc)
{
    return doc && doc->n ? 0 : KS_JV_NONE;
}

ks_json_type ks_json_type_of(const ks_json_doc *doc, ks_jv v)
{
    const jnode *n = node_at(doc, v);
    return n ? (ks_json_type)n->type : KS_JSON_INVALID;
}

size_t ks_json_count(const ks_json_doc *doc, ks_jv v)
{
    const jnode *n = node_at(doc, v);
    return n && (n->type == KS_JSON_ARRAY || n->type == KS_JSON_OBJECT) ? n->a : 0;
}

ks_jv ks_json_first(const ks_json_doc *doc, ks_jv v)
{
    const jnode *n = node_at(doc, v);
    if (!n || (n->type != KS_JSON_ARRAY && n->type != KS_JSON_OBJECT) || n->a == 0)
        return KS_JV_NONE;
    return v + 1;
}

ks_jv ks_json_next(const ks_json_doc *doc, ks_jv v)
{
    const jnode *n = node_at(doc, v);
    return n ? n->next : KS_JV_NONE;
}

ks_jv ks_json_member_value(const ks_json_doc *doc, ks_jv key)
{
    const jnode *n = node_at(doc, key);
    if (!n || !(n->flags & JF_KEY) || key + 1 >= doc->n)
        return KS_JV_NONE;
    return key + 1;
}

ks_str ks_json_raw(const ks_json_doc *doc, ks_jv v)
{
    const jnode *n = node_at(doc, v);
    if (!n)
        return KS_STR_NULL;
    ks_str r = {doc->src + n->off, n->len};
    return r;
}

ks_str ks_json_str(const ks_json_doc *doc, ks_jv v)
{
    const jnode *n = node_at(doc, v);
    if (!n || n->type != KS_JSON_STRING)
        return KS_STR_NULL;
    ks_str r;
    if (n->flags & JF_DECODED) {
        r.p = doc->arena + n->a;
        r.n = n->b;
    } else {
        r.p = doc->src + n->off + 1;
        r.n = n->len - 2;
    }
    return r;
}

/* Member lookup by a key given as bytes (first match, like ks_json_get). */
static ks_jv get_n(const ks_json_doc *doc, ks_jv obj, const char *key, size_t kl)
{
    const jnode *o = node_at(doc, obj);
    if (!o || o->type != KS_JSON_OBJECT)
        return KS_JV_NONE;
    for (ks_jv k = o->a ? obj + 1 : KS_JV_NONE; k != KS_JV_NONE; k = doc->nodes[k].next) {
        const jnode *kn = &doc->nodes[k];
        const char *p;
        size_t n;
        if (kn->flags & JF_DECODED) {
            p = doc->arena + kn->a;
            n = kn->b;
        } else {
            p = doc->src + kn->off + 1;
            n = kn->len - 2;
        }
        if (n == kl && memcmp(p, key, kl) == 0)
            return k + 1;
    }
    return KS_JV_NONE;
}

ks_jv ks_json_get(const ks_json_doc *doc, ks_jv obj, const char *key)
{
    return key ? get_n(doc, obj, key, strlen(key)) : KS_JV_NONE;
}

ks_jv ks_json_path(const ks_json_doc *doc, ks_jv v, const char *dotted)
{
    if (!dotted)
        return KS_JV_NONE;
    const char *s = dotted;
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        v = get_n(doc, v, s, n);
        if (v == KS_JV_NONE || !dot)
            return v;
        s = dot + 1;
    }
}

ks_jv ks_json_index(const ks_json_doc *doc, ks_jv arr, size_t i)
{
    const jnode *a = node_at(doc, arr);
    if (!a || a->type != KS_JSON_ARRAY || i >= a->a)
        return KS_JV_NONE;
    ks_jv c = arr + 1;
    while (i-- && c != KS_JV_NONE)
        c = doc->nodes[c].next;
    return c;
}

ks_str ks_json_get_str(const ks_json_doc *doc, ks_jv obj, const char *key)
{
    return ks_json_str(doc, ks_json_get(doc, obj, key));
}

size_t ks_json_doc_invalid_utf8(const ks_json_doc *doc)
{
    return doc ? doc->bad_utf8 : 0;
}

/* ---- numbers ---------------------------------------------------------------------- */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

int ks_json_number_to_double(const char *p, size_t n, double *out)
{
    char small[128];
    char *s = small;
    if (n >= sizeof small) {
        s = malloc(n + 1);
        if (!s)
            return KS_ENOMEM;
    }
    memcpy(s, p, n);
    s[n] = '\0';
    pthread_once(&c_locale_once, c_locale_init);
    char *e = NULL;
    errno = 0;
    double x = c_locale ? strtod_l(s, &e, c_locale) : strtod(s, &e);
    int rc = 0;
    if (e != s + n || isinf(x) || isnan(x))
        rc = KS_EUNSUPPORTED; /* overflow (ERANGE to +-HUGE_VAL); underflow to 0 is fine */
    if (s != small)
        free(s);
    if (rc == 0)
        *out = x;
    return rc;
}

int ks_json_double(const ks_json_doc *doc, ks_jv v, double *out)
{
    const jnode *n = node_at(doc, v);
    if (!n || n->type != KS_JSON_NUMBER)
        return KS_EUNSUPPORTED;
    return ks_json_number_to_double(doc->src + n->off, n->len, out);
}

int ks_json_int(const ks_json_doc *doc, ks_jv v, int64_t *out)
{
    const jnode *n = node_at(doc, v);
    if (!n || n->type != KS_JSON_NUMBER)
        return KS_EUNSUPPORTED;
    const char *p = doc->src + n->off, *end = p + n->len;
    bool neg = *p == '-';
    const char *q = p + neg;
    uint64_t acc = 0;
    const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; q < end && (unsigned)(*q - '0') <= 9; q++) {
        uint64_t dgt = (uint64_t)(*q - '0');
        if (acc > (lim - dgt) / 10)
            return KS_EUNSUPPORTED;
        acc = acc * 10 + dgt;
    }
    if (q == end) {
        *out = neg ? (acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc) : (int64_t)acc;
        return 0;
    }
    /* Fraction or exponent: accept only exactly integral values a double holds exactly. */
    double x;
    if (ks_json_number_to_double(p, n->len, &x) != 0)
        return KS_EUNSUPPORTED;
    if (x != floor(x) || fabs(x) > 9007199254740992.0)
        return KS_EUNSUPPORTED;
    *out = (int64_t)x;
    return 0;
}

/* ---- writing ---------------------------------------------------------------------- */

int ks_json_quote(ks_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    int rc = ks_buf_reserve(out, n + 2);
    if (rc)
        return rc;
    if ((rc = ks_buf_putc(out, '"')) != 0)
        return rc;
    const uint8_t *p = (const uint8_t *)s, *end = p + n;
    while (p < end) {
        const uint8_t *t = (const uint8_t *)scan_plain((const char *)p, (const char *)end);
        if (t > p && (rc = ks_buf_append(out, p, (size_t)(t - p))) != 0)
            return rc;
        p = t;
        if (p >= end)
            break;
        uint8_t c = *p;
        char esc[6];
        size_t el = 2;
        esc[0] = '\\';
        if (c >= 0x80) {
            size_t k = ks_utf8_seq(p, (size_t)(end - p));
            if (k) {
                rc = ks_buf_append(out, p, k);
                p += k;
            } else {
                rc = ks_buf_append(out, "\\ufffd", 6);
                p++;
            }
            if (rc)
                return rc;
            continue;
        }
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        }
        if ((rc = ks_buf_append(out, esc, el)) != 0)
            return rc;
        p++;
    }
    return ks_buf_putc(out, '"');
}

static int write_scalar(const ks_json_doc *d, ks_jv v, ks_buf *out)
{
    const jnode *n = &d->nodes[v];
    switch (n->type) {
    case KS_JSON_STRING: {
        ks_str s = ks_json_str(d, v);
        return ks_json_quote(out, s.p, s.n);
    }
    default:
        return ks_buf_append(out, d->src + n->off, n->len);
    }
}

typedef struct wframe {
    uint32_t cont; /* the container */
    uint32_t cur;  /* current element, or key of the current member */
} wframe;

int ks_json_write(const ks_json_doc *doc, ks_jv v, ks_buf *out)
{
    if (!node_at(doc, v))
        return KS_EUSAGE;
    /* Iterative walk bounded by the parse's own depth, so no recursion on hostile input. */
    size_t cap = (size_t)doc->depth_seen + 1;
    wframe *stack = malloc(cap * sizeof *stack);
    if (!stack)
        return KS_ENOMEM;
    size_t depth = 0;
    int rc = 0;
    for (;;) {
        const jnode *n = &doc->nodes[v];
        bool opened = false;
        if (n->type == KS_JSON_OBJECT || n->type == KS_JSON_ARRAY) {
            bool obj = n->type == KS_JSON_OBJECT;
            if ((rc = ks_buf_putc(out, obj ? '{' : '[')) != 0)
                goto done;
            if (n->a == 0) {
                if ((rc = ks_buf_putc(out, obj ? '}' : ']')) != 0)
                    goto done;
            } else {
                if (depth >= cap) { /* cannot happen: depth_seen bounds the nesting */
                    rc = KS_ELIMIT;
                    goto done;
                }
                stack[depth].cont = v;
                stack[depth].cur = v + 1;
                depth++;
                v = v + 1;
                opened = true;
            }
        } else if ((rc = write_scalar(doc, v, out)) != 0) {
            goto done;
        }
        if (!opened) {
            /* A value is complete: move to the next sibling, closing finished containers. */
            for (;;) {
                if (depth == 0)
                    goto done;
                wframe *f = &stack[depth - 1];
                uint32_t nx = doc->nodes[f->cur].next;
                if (nx != KS_JV_NONE) {
                    f->cur = nx;
                    v = nx;
                    if ((rc = ks_buf_putc(out, ',')) != 0)
                        goto done;
                    break;
                }
                bool obj = doc->nodes[f->cont].type == KS_JSON_OBJECT;
                if ((rc = ks_buf_putc(out, obj ? '}' : ']')) != 0)
                    goto done;
                depth--;
            }
        }
        /* v is the next element, or the key of the next member. */
        if (doc->nodes[stack[depth - 1].cont].type == KS_JSON_OBJECT) {
            if ((rc = write_scalar(doc, v, out)) != 0 || (rc = ks_buf_putc(out, ':')) != 0)
                goto done;
            v = v + 1;
        }
    }
done:
    free(stack);
    return rc;
}
