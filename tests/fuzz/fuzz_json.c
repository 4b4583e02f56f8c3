/* fuzz_json — ks_json_parse on arbitrary bytes. Properties checked on every valid parse:
 *   - write(parse(x)) reparses, and writing that again gives the identical text;
 *   - the reparse has the same shape (types and counts, value by value);
 *   - iteration visits exactly ks_json_count children, ks_json_index agrees with it, and
 *     every object member's ks_json_get finds a value with the same key;
 *   - the raw text of the root is the input without surrounding whitespace.
 *   - the splitter agrees: a valid text that is not an array is exactly one record (its
 *     raw text); a valid array gives its elements' raw texts, in order.
 * Invalid input must fail with an error offset inside [0, len]. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/json.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void walk(const ks_json_doc *d, ks_jv v, int depth)
{
    ks_json_type t = ks_json_type_of(d, v);
    CHECK(t >= KS_JSON_NULL && t <= KS_JSON_OBJECT);
    ks_str raw = ks_json_raw(d, v);
    CHECK(raw.p && raw.n > 0);
    if (t == KS_JSON_NUMBER) {
        int64_t i;
        double x;
        (void)ks_json_int(d, v, &i);
        (void)ks_json_double(d, v, &x);
    }
    if (t == KS_JSON_STRING) {
        ks_str s = ks_json_str(d, v);
        CHECK(s.p != NULL || s.n == 0);
        CHECK(raw.p[0] == '"' && raw.p[raw.n - 1] == '"');
    }
    if (t != KS_JSON_ARRAY && t != KS_JSON_OBJECT) {
        CHECK(ks_json_count(d, v) == 0 && ks_json_first(d, v) == KS_JV_NONE);
        return;
    }
    size_t n = 0;
    for (ks_jv c = ks_json_first(d, v); c != KS_JV_NONE; c = ks_json_next(d, c), n++) {
        CHECK(n < ks_json_count(d, v));
        if (t == KS_JSON_ARRAY) {
            CHECK(ks_json_index(d, v, n) == c);
            walk(d, c, depth + 1);
        } else {
            CHECK(ks_json_type_of(d, c) == KS_JSON_STRING);
            ks_jv val = ks_json_member_value(d, c);
            CHECK(val != KS_JV_NONE);
            walk(d, val, depth + 1);
            /* ks_json_get returns the FIRST member with that key */
            ks_str k = ks_json_str(d, c);
            if (n < 64 && k.n < 64 && !memchr(k.p, 0, k.n)) { /* bounded: lookups are linear */
                char key[64];
                memcpy(key, k.p, k.n);
                key[k.n] = '\0';
                ks_jv g = ks_json_get(d, v, key);
                CHECK(g != KS_JV_NONE && g <= val);
            }
        }
    }
    CHECK(n == ks_json_count(d, v));
}

static void same_shape(const ks_json_doc *a, ks_jv x, const ks_json_doc *b, ks_jv y)
{
    ks_json_type t = ks_json_type_of(a, x);
    CHECK(t == ks_json_type_of(b, y));
    CHECK(ks_json_count(a, x) == ks_json_count(b, y));
    if (t == KS_JSON_STRING) {
        ks_str s = ks_json_str(a, x), u = ks_json_str(b, y);
        /* decoded text is identical, except that invalid UTF-8 became U+FFFD */
        if (ks_json_doc_invalid_utf8(a) == 0)
            CHECK(s.n == u.n && (s.n == 0 || memcmp(s.p, u.p, s.n) == 0));
    }
    if (t == KS_JSON_ARRAY || t == KS_JSON_OBJECT) {
        ks_jv c = ks_json_first(a, x), e = ks_json_first(b, y);
        for (; c != KS_JV_NONE; c = ks_json_next(a, c), e = ks_json_next(b, e)) {
            CHECK(e != KS_JV_NONE);
            if (t == KS_JSON_OBJECT) {
                same_shape(a, c, b, e);
                same_shape(a, ks_json_member_value(a, c), b, ks_json_member_value(b, e));
            } else {
                same_shape(a, c, b, e);
            }
        }
        CHECK(e == KS_JV_NONE);
    }
}

/* Cross-check of ks_jsplit (no wrap keys) against the parse of the same bytes. */
static void split_agrees(const ks_json_doc *d, const uint8_t *data, size_t size)
{
    ks_mem_input m;
    ks_input in;
    ks_input_mem(&in, &m, data, size, "fuzz");
    ks_jsplit *s = NULL;
    CHECK(ks_jsplit_new(&s, &in, NULL) == 0);
    ks_jv r = ks_json_root(d);
    bool arr = ks_json_type_of(d, r) == KS_JSON_ARRAY;
    ks_jv want = arr ? ks_json_first(d, r) : r;
    ks_jrecord rec;
    ks_err e;
    int rc;
    while ((rc = ks_jsplit_next(s, &rec, &e)) == 0) {
        CHECK(want != KS_JV_NONE);
        ks_str raw = ks_json_raw(d, want);
        CHECK(rec.p && rec.n == raw.n && memcmp(rec.p, raw.p, raw.n) == 0);
        CHECK(rec.offset == raw.p - (const char *)data);
        want = arr ? ks_json_next(d, want) : KS_JV_NONE;
    }
    CHECK(rc == KS_EOF);
    CHECK(want == KS_JV_NONE);
    ks_jsplit_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ks_json_doc *d1, *d2;
    if (!d1 && (ks_json_doc_new(&d1, NULL) || ks_json_doc_new(&d2, NULL)))
        abort();
    ks_err e;
    ks_err_clear(&e);
    int rc = ks_json_parse(d1, (const char *)data, size, &e);
    if (rc) {
        CHECK(rc == KS_ECORRUPT || rc == KS_ELIMIT);
        CHECK(e.offset >= 0 && (size_t)e.offset <= size);
        CHECK(ks_json_root(d1) == KS_JV_NONE);
        return 0;
    }
    ks_jv r = ks_json_root(d1);
    CHECK(r != KS_JV_NONE);
    walk(d1, r, 0);
    ks_str raw = ks_json_raw(d1, r);
    CHECK(raw.p >= (const char *)data && raw.p + raw.n <= (const char *)data + size);
    split_agrees(d1, data, size);

    ks_buf w1, w2;
    ks_buf_init(&w1, 0);
    ks_buf_init(&w2, 0);
    CHECK(ks_json_write(d1, r, &w1) == 0);
    rc = ks_json_parse(d2, w1.data, w1.len, &e);
    CHECK(rc == 0);
    CHECK(ks_json_doc_invalid_utf8(d2) == 0);
    same_shape(d1, r, d2, ks_json_root(d2));
    CHECK(ks_json_write(d2, ks_json_root(d2), &w2) == 0);
    CHECK(w1.len == w2.len && memcmp(w1.data, w2.data, w1.len) == 0);
    ks_buf_free(&w1);
    ks_buf_free(&w2);
    return 0;
}
