#include "ktest.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/io.h"
#include "core/json.h"

static ks_json_doc *parse_ok(const char *t, int *failed_)
{
    ks_json_doc *d = NULL;
    ks_err e;
    ks_err_clear(&e);
    if (ks_json_doc_new(&d, NULL) != 0)
        return NULL;
    if (ks_json_parse(d, t, strlen(t), &e) != 0) {
        printf("    parse failed: %s at %lld\n", e.msg, (long long)e.offset);
        *failed_ = 1;
        ks_json_doc_free(d);
        return NULL;
    }
    return d;
}
#define PARSE_OK(t) parse_ok((t), ktest_failed_)

static void expect_str(int *ktest_failed_, ks_str s, const char *want, size_t wn)
{
    if (!s.p || s.n != wn || memcmp(s.p, want, wn) != 0)
        KT_FAIL_("string \"%.*s\" (%zu bytes), expected \"%s\"", (int)s.n, s.p ? s.p : "", s.n, want);
}
#define EXPECT_STR(s, lit) expect_str(ktest_failed_, (s), (lit), sizeof(lit) - 1)

KTEST(test_json_accessors_get_path_iterate_and_index)
{
    const char *t = " {\"eventName\":\"AssumeRole\",\"n\":3,\"userIdentity\":{\"type\":\"IAMUser\","
                    "\"sessionContext\":{\"sessionIssuer\":{\"arn\":\"arn:aws:iam::1:role/x\"}}},"
                    "\"resources\":[{\"a\":1},2,\"three\",null,true,false],\"e\":{},\"f\":[]} ";
    ks_json_doc *d = PARSE_OK(t);
    KT_REQUIRE(d);
    ks_jv r = ks_json_root(d);
    KT_EQ_INT(ks_json_type_of(d, r), KS_JSON_OBJECT);
    KT_EQ_INT(ks_json_count(d, r), 6);
    EXPECT_STR(ks_json_get_str(d, r, "eventName"), "AssumeRole");
    EXPECT_STR(ks_json_str(d, ks_json_path(d, r, "userIdentity.sessionContext.sessionIssuer.arn")),
               "arn:aws:iam::1:role/x");
    KT_CHECK(ks_json_path(d, r, "userIdentity.nope.arn") == KS_JV_NONE);
    KT_CHECK(ks_json_get(d, r, "eventname") == KS_JV_NONE); /* case-sensitive */
    ks_jv res = ks_json_get(d, r, "resources");
    KT_EQ_INT(ks_json_count(d, res), 6);
    static const ks_json_type want[6] = {KS_JSON_OBJECT, KS_JSON_NUMBER, KS_JSON_STRING,
                                         KS_JSON_NULL, KS_JSON_TRUE, KS_JSON_FALSE};
    size_t i = 0;
    for (ks_jv c = ks_json_first(d, res); c != KS_JV_NONE; c = ks_json_next(d, c), i++) {
        KT_REQUIRE(i < 6);
        KT_EQ_INT(ks_json_type_of(d, c), want[i]);
        KT_CHECK(ks_json_index(d, res, i) == c);
    }
    KT_EQ_INT(i, 6);
    KT_CHECK(ks_json_index(d, res, 6) == KS_JV_NONE);
    EXPECT_STR(ks_json_raw(d, ks_json_index(d, res, 0)), "{\"a\":1}");
    EXPECT_STR(ks_json_raw(d, ks_json_index(d, res, 2)), "\"three\"");
    /* members: keys in order, values via member_value */
    static const char *keys[6] = {"eventName", "n", "userIdentity", "resources", "e", "f"};
    i = 0;
    for (ks_jv k = ks_json_first(d, r); k != KS_JV_NONE; k = ks_json_next(d, k), i++) {
        KT_REQUIRE(i < 6);
        ks_str ks = ks_json_str(d, k);
        KT_EQ_MEM(ks.p, ks.n, keys[i]);
        KT_CHECK(ks_json_member_value(d, k) == ks_json_get(d, r, keys[i]));
    }
    KT_EQ_INT(ks_json_count(d, ks_json_get(d, r, "e")), 0);
    KT_CHECK(ks_json_first(d, ks_json_get(d, r, "f")) == KS_JV_NONE);
    /* KS_JV_NONE and non-containers are accepted everywhere */
    KT_EQ_INT(ks_json_type_of(d, KS_JV_NONE), KS_JSON_INVALID);
    KT_EQ_INT(ks_json_count(d, KS_JV_NONE), 0);
    KT_CHECK(ks_json_get(d, KS_JV_NONE, "x") == KS_JV_NONE);
    KT_CHECK(ks_json_get(d, ks_json_get(d, r, "n"), "x") == KS_JV_NONE);
    KT_CHECK(ks_json_str(d, ks_json_get(d, r, "n")).p == NULL);
    KT_CHECK(ks_json_member_value(d, ks_json_index(d, res, 2)) == KS_JV_NONE);
    ks_json_doc_free(d);
}

KTEST(test_json_escapes_and_surrogates_decode)
{
    ks_json_doc *d = PARSE_OK("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u4e2d\\ud83d\\ude00\","
                              "\"x\\ud800y\", \"\\udc00\", \"\\ud800\\u0041\", \"\\u0000z\", \"plain\"]");
    KT_REQUIRE(d);
    ks_jv r = ks_json_root(d);
    EXPECT_STR(ks_json_str(d, ks_json_index(d, r, 0)), "a\"b\\c/d\b\f\n\r\t");
    EXPECT_STR(ks_json_str(d, ks_json_index(d, r, 1)), "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
    EXPECT_STR(ks_json_str(d, ks_json_index(d, r, 2)), "x\xef\xbf\xbdy"); /* lone high */
    EXPECT_STR(ks_json_str(d, ks_json_index(d, r, 3)), "\xef\xbf\xbd");   /* lone low */
    EXPECT_STR(ks_json_str(d, ks_json_index(d, r, 4)), "\xef\xbf\xbd" "A");
    EXPECT_STR(ks_json_str(d, ks_json_index(d, r, 5)), "\0z");
    EXPECT_STR(ks_json_str(d, ks_json_index(d, r, 6)), "plain");
    EXPECT_STR(ks_json_raw(d, ks_json_index(d, r, 5)), "\"\\u0000z\"");
    KT_EQ_INT(ks_json_doc_invalid_utf8(d), 0);
    ks_json_doc_free(d);
}

KTEST(test_json_invalid_utf8_is_tolerated_counted_and_replaced)
{
    /* bare continuation, truncated 2-byte, overlong '/', UTF-16 surrogate in UTF-8, > U+10FFFF */
    ks_json_doc *d = PARSE_OK("{\"k\\u0041\xff\":\"a\x80" "b\",\"c\":\"\xc3\",\"o\":\"\xc0\xaf\","
                              "\"s\":\"\xed\xa0\x80\",\"h\":\"\xf4\x90\x80\x80\",\"ok\":\"\xc3\xa9\"}");
    KT_REQUIRE(d);
    ks_jv r = ks_json_root(d);
    KT_EQ_INT(ks_json_doc_invalid_utf8(d), 6);
    EXPECT_STR(ks_json_get_str(d, r, "kA\xef\xbf\xbd"), "a\xef\xbf\xbd" "b");
    EXPECT_STR(ks_json_get_str(d, r, "ok"), "\xc3\xa9");
    ks_str o = ks_json_get_str(d, r, "o");
    KT_EQ_INT(o.n, 6); /* two replacement characters, one per bad byte */
    ks_buf b;
    ks_buf_init(&b, 0);
    KT_EQ_INT(ks_json_write(d, ks_json_get(d, r, "c"), &b), 0);
    KT_EQ_STR(b.data, "\"\xef\xbf\xbd\"");
    ks_buf_free(&b);
    /* a later clean parse resets the count */
    ks_err e;
    KT_EQ_INT(ks_json_parse(d, "\"ok\"", 4, &e), 0);
    KT_EQ_INT(ks_json_doc_invalid_utf8(d), 0);
    ks_json_doc_free(d);
}

KTEST(test_json_int_bounds_overflow_and_doubles)
{
    ks_json_doc *d = PARSE_OK("[9223372036854775807,-9223372036854775808,9223372036854775808,"
                              "-9223372036854775809,0,-0,1.5,1e3,2.50e1,1e400,-1e400,1e-400,"
                              "123456789012345678901234567890,0.1,\"7\"]");
    KT_REQUIRE(d);
    ks_jv r = ks_json_root(d);
    int64_t v = 0;
    double x = 0;
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 0), &v), 0);
    KT_CHECK(v == INT64_MAX);
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 1), &v), 0);
    KT_CHECK(v == INT64_MIN);
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 2), &v), KS_EUNSUPPORTED);
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 3), &v), KS_EUNSUPPORTED);
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 4), &v), 0);
    KT_EQ_INT(v, 0);
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 5), &v), 0);
    KT_EQ_INT(v, 0);
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 6), &v), KS_EUNSUPPORTED); /* 1.5 */
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 7), &v), 0);              /* 1e3 */
    KT_EQ_INT(v, 1000);
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 8), &v), 0); /* 25 */
    KT_EQ_INT(v, 25);
    KT_EQ_INT(ks_json_double(d, ks_json_index(d, r, 6), &x), 0);
    KT_CHECK(x == 1.5);
    KT_EQ_INT(ks_json_double(d, ks_json_index(d, r, 9), &x), KS_EUNSUPPORTED);
    KT_EQ_INT(ks_json_double(d, ks_json_index(d, r, 10), &x), KS_EUNSUPPORTED);
    KT_EQ_INT(ks_json_double(d, ks_json_index(d, r, 11), &x), 0); /* underflow to 0 is fine */
    KT_CHECK(x == 0.0);
    KT_EQ_INT(ks_json_double(d, ks_json_index(d, r, 12), &x), 0);
    KT_CHECK(x > 1.2e29 && x < 1.3e29);
    KT_EQ_INT(ks_json_double(d, ks_json_index(d, r, 13), &x), 0);
    KT_CHECK(x == 0.1);
    KT_EQ_INT(ks_json_int(d, ks_json_index(d, r, 14), &v), KS_EUNSUPPORTED); /* a string */
    KT_EQ_INT(ks_json_double(d, ks_json_index(d, r, 14), &x), KS_EUNSUPPORTED);
    KT_EQ_INT(ks_json_int(d, KS_JV_NONE, &v), KS_EUNSUPPORTED);
    ks_json_doc_free(d);
}

/* Every rejection names the offending byte. */
KTEST(test_json_errors_point_at_the_offending_byte)
{
    static const struct {
        const char *text;
        int rc;
        int64_t off;
    } cases[] = {
        {"", KS_ECORRUPT, 0},
        {"   ", KS_ECORRUPT, 3},
        {"[1,]", KS_ECORRUPT, 3},           /* trailing comma */
        {"{\"a\":1,}", KS_ECORRUPT, 7},
        {"{\"a\" 1}", KS_ECORRUPT, 5},      /* missing ':' */
        {"{1:2}", KS_ECORRUPT, 1},          /* non-string key */
        {"[1 2]", KS_ECORRUPT, 3},
        {"[1,2", KS_ECORRUPT, 4},           /* truncated */
        {"{\"a\":", KS_ECORRUPT, 5},
        {"\"abc", KS_ECORRUPT, 4},          /* unterminated string */
        {"\"a\\qb\"", KS_ECORRUPT, 3},      /* bad escape letter */
        {"\"\\u12G4\"", KS_ECORRUPT, 5},    /* bad hex digit */
        {"\"\\u12\"", KS_ECORRUPT, 5},
        {"\"\\ud800\\u12x4\"", KS_ECORRUPT, 11},
        {"\"a\tb\"", KS_ECORRUPT, 2},       /* raw control character */
        {"\"a\nb\"", KS_ECORRUPT, 2},
        {"01", KS_ECORRUPT, 1},             /* leading zero */
        {"-01", KS_ECORRUPT, 2},
        {"-", KS_ECORRUPT, 1},
        {"-a", KS_ECORRUPT, 1},
        {"1.", KS_ECORRUPT, 2},
        {"1.e5", KS_ECORRUPT, 2},
        {"1e", KS_ECORRUPT, 2},
        {"1e+", KS_ECORRUPT, 3},
        {".5", KS_ECORRUPT, 0},
        {"+1", KS_ECORRUPT, 0},
        {"NaN", KS_ECORRUPT, 0},
        {"nan", KS_ECORRUPT, 1},
        {"Infinity", KS_ECORRUPT, 0},
        {"tru", KS_ECORRUPT, 3},
        {"trux", KS_ECORRUPT, 3},
        {"nul", KS_ECORRUPT, 3},
        {"truee", KS_ECORRUPT, 4},          /* trailing data */
        {"{} {}", KS_ECORRUPT, 3},
        {"[1]x", KS_ECORRUPT, 3},
        {"// c\n1", KS_ECORRUPT, 0},        /* no comments */
        {"[1,/*c*/2]", KS_ECORRUPT, 3},
        {"{\"a\":1]", KS_ECORRUPT, 6},      /* mismatched bracket */
        {"[}", KS_ECORRUPT, 1},
        {"\xef\xbb\xbf{}", KS_ECORRUPT, 0}, /* a BOM is not JSON */
    };
    ks_json_doc *d = NULL;
    KT_REQUIRE(ks_json_doc_new(&d, NULL) == 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ks_err e;
        ks_err_clear(&e);
        int rc = ks_json_parse(d, cases[i].text, strlen(cases[i].text), &e);
        if (rc != cases[i].rc || e.offset != cases[i].off)
            KT_FAIL_("case %zu [%s]: rc %d offset %lld (%s), expected rc %d offset %lld", i,
                     cases[i].text, rc, (long long)e.offset, e.msg, cases[i].rc,
                     (long long)cases[i].off);
        KT_CHECK(ks_json_root(d) == KS_JV_NONE);
    }
    ks_json_doc_free(d);
}

KTEST(test_json_depth_and_node_limits)
{
    ks_json_limits lim = {8, 0};
    ks_json_doc *d = NULL;
    KT_REQUIRE(ks_json_doc_new(&d, &lim) == 0);
    ks_err e;
    ks_err_clear(&e);
    KT_EQ_INT(ks_json_parse(d, "[[[[[[[[1]]]]]]]]", 17, &e), 0); /* depth 8 */
    KT_EQ_INT(ks_json_parse(d, "[[[[[[[[[1]]]]]]]]]", 19, &e), KS_ELIMIT);
    KT_EQ_INT(e.offset, 8);
    ks_json_doc_free(d);
    /* default depth 512: 100000 '[' must fail cleanly, not recurse */
    size_t n = 100000;
    char *deep = malloc(n);
    KT_REQUIRE(deep);
    memset(deep, '[', n);
    KT_REQUIRE(ks_json_doc_new(&d, NULL) == 0);
    KT_EQ_INT(ks_json_parse(d, deep, n, &e), KS_ELIMIT);
    KT_EQ_INT(e.offset, 512);
    memset(deep, '{', 1);
    ks_json_doc_free(d);
    free(deep);
    ks_json_limits nl = {0, 4};
    KT_REQUIRE(ks_json_doc_new(&d, &nl) == 0);
    KT_EQ_INT(ks_json_parse(d, "[1,2,3]", 7, &e), 0);
    KT_EQ_INT(ks_json_parse(d, "[1,2,3,4]", 9, &e), KS_ELIMIT);
    KT_EQ_INT(e.offset, 7);
    ks_json_doc_free(d);
}

KTEST(test_json_write_is_compact_and_normalises_escapes)
{
    ks_json_doc *d = PARSE_OK(" { \"a\" : [ 1 , -2.5e+3 , \"x\\u0041\\/\\u001f\" ] ,\n \"b\":{\"c\":null},"
                              "\"\\u00e9\":true,\"e\":[],\"f\":{}} ");
    KT_REQUIRE(d);
    ks_buf b;
    ks_buf_init(&b, 0);
    KT_EQ_INT(ks_json_write(d, ks_json_root(d), &b), 0);
    KT_EQ_STR(b.data, "{\"a\":[1,-2.5e+3,\"xA/\\u001f\"],\"b\":{\"c\":null},\"\xc3\xa9\":true,\"e\":[],\"f\":{}}");
    ks_buf_reset(&b);
    KT_EQ_INT(ks_json_write(d, ks_json_get(d, ks_json_root(d), "b"), &b), 0);
    KT_EQ_STR(b.data, "{\"c\":null}");
    ks_buf_free(&b);
    ks_json_doc_free(d);
}

KTEST(test_json_quote_escapes_controls_and_bad_utf8)
{
    ks_buf b;
    ks_buf_init(&b, 0);
    KT_EQ_INT(ks_json_quote(&b, "a\"\\\n\x01\x7f\xc3\xa9\xff", 9), 0);
    KT_EQ_STR(b.data, "\"a\\\"\\\\\\n\\u0001\x7f\xc3\xa9\\ufffd\"");
    ks_buf_free(&b);
}

KTEST(test_json_doc_reuse_across_parses)
{
    ks_json_doc *d = NULL;
    KT_REQUIRE(ks_json_doc_new(&d, NULL) == 0);
    ks_err e;
    char text[64];
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(text, sizeof text, "{\"i\":%d,\"s\":\"v\\u0031%d\"}", i, i);
        KT_REQUIRE(ks_json_parse(d, text, (size_t)n, &e) == 0);
        int64_t v = -1;
        KT_REQUIRE(ks_json_int(d, ks_json_get(d, ks_json_root(d), "i"), &v) == 0);
        KT_REQUIRE(v == i);
        ks_str s = ks_json_get_str(d, ks_json_root(d), "s");
        KT_REQUIRE(s.n >= 3 && s.p[0] == 'v' && s.p[1] == '1');
    }
    ks_json_doc_free(d);
}

/* ---- splitter --------------------------------------------------------------------- */

typedef struct split_item {
    int rc;
    char text[128];
    int64_t offset, lineno, index, err_off, err_line;
    const char *wrap;
} split_item;

typedef struct chunk_input {
    ks_mem_input m;
    size_t step;
    size_t fail_at;
} chunk_input;

static int chunk_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    chunk_input *s = ctx;
    if (s->fail_at && s->m.pos >= s->fail_at)
        return KS_CORRUPT(err, "x.gz", -1, (int64_t)s->m.pos, "truncated gzip member");
    size_t left = s->m.len - s->m.pos;
    size_t n = len < left ? len : left;
    if (n > s->step)
        n = s->step;
    if (s->fail_at && s->m.pos + n > s->fail_at)
        n = s->fail_at - s->m.pos;
    memcpy(buf, s->m.p + s->m.pos, n);
    s->m.pos += n;
    *out_n = n;
    return 0;
}

/* Splits `t` feeding `step` bytes per read; fills up to 32 items; returns the count
 * (the final KS_EOF is not an item; a fatal error is). */
static int split_all(const char *t, size_t len, size_t step, size_t fail_at, size_t max_record,
                     split_item *it)
{
    static const char *const wrap[] = {"Records", "Findings", NULL};
    chunk_input ci;
    ks_input in;
    ks_input_mem(&in, &ci.m, t, len, "t.json");
    ci.step = step;
    ci.fail_at = fail_at;
    in.read = chunk_read;
    in.ctx = &ci;
    ks_jsplit_opts o = {wrap, max_record};
    ks_jsplit *s = NULL;
    if (ks_jsplit_new(&s, &in, &o))
        return -1;
    int n = 0;
    for (int guard = 0; guard < 1000; guard++) {
        ks_jrecord r;
        memset(&r, 0, sizeof r);
        ks_err e;
        ks_err_clear(&e);
        int rc = ks_jsplit_next(s, &r, &e);
        if (rc == KS_EOF)
            break;
        if (n < 32) {
            split_item *x = &it[n];
            x->rc = rc;
            size_t k = r.n < sizeof x->text - 1 ? r.n : sizeof x->text - 1;
            if (rc == 0 || rc == KS_ECORRUPT) {
                if (k)
                    memcpy(x->text, r.p, k);
                x->text[k] = '\0';
                x->offset = r.offset;
                x->lineno = r.lineno;
                x->index = r.index;
                x->wrap = r.wrap_key;
            } else {
                x->text[0] = '\0';
            }
            x->err_off = e.offset;
            x->err_line = e.line;
        }
        n++;
        if (rc != 0 && rc != KS_ECORRUPT)
            break;
    }
    ks_jsplit_free(s);
    return n;
}

#define STEPS_FOR_EACH(step) for (size_t step = 1; step <= 4096; step = step < 8 ? step + 1 : step * 8)

KTEST(test_jsplit_json_lines_concatenated_and_pretty_printed)
{
    const char *t = "{\"a\":1}\n{\"b\":\"x}\"}{\"c\":[1,{}]}\r\n\n{\n  \"d\": {\n    \"e\": 2\n  }\n}\n"
                    "  [1, 2]\n\"str\" 42 true\n";
    STEPS_FOR_EACH(step) {
        split_item it[32];
        int n = split_all(t, strlen(t), step, 0, 0, it);
        KT_REQUIRE(n == 9);
        KT_EQ_STR(it[0].text, "{\"a\":1}");
        KT_EQ_INT(it[0].offset, 0);
        KT_EQ_INT(it[0].lineno, 1);
        KT_EQ_STR(it[1].text, "{\"b\":\"x}\"}");
        KT_EQ_INT(it[1].offset, 8);
        KT_EQ_INT(it[1].lineno, 2);
        KT_EQ_STR(it[2].text, "{\"c\":[1,{}]}");
        KT_EQ_INT(it[2].offset, 18);
        KT_EQ_INT(it[2].lineno, 2);
        KT_EQ_STR(it[3].text, "{\n  \"d\": {\n    \"e\": 2\n  }\n}");
        KT_EQ_INT(it[3].lineno, 4);
        KT_EQ_INT(it[3].offset, 33);
        /* a top-level array is split into its elements */
        KT_EQ_STR(it[4].text, "1");
        KT_EQ_INT(it[4].lineno, 9);
        KT_EQ_STR(it[5].text, "2");
        KT_EQ_STR(it[6].text, "\"str\"");
        KT_EQ_INT(it[6].lineno, 10);
        KT_EQ_STR(it[7].text, "42");
        KT_EQ_STR(it[8].text, "true");
        for (int i = 0; i < n; i++) {
            KT_EQ_INT(it[i].rc, 0);
            KT_EQ_INT(it[i].index, i);
            KT_CHECK(it[i].wrap == NULL);
        }
    }
}

KTEST(test_jsplit_wrap_key_with_members_before_and_after)
{
    const char *t = "{\"meta\":{\"Records\":[9]},\"big\":\"" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" "\",\n"
                    " \"Records\" : [ {\"eventName\":\"A\"} ,\n  {\"eventName\":\"B\"}\n ],\n"
                    " \"Findings\":[{\"no\":1}], \"tail\":[1,2,3]}\n"
                    "{\"Findings\":[{\"f\":1}]}\n{\"other\":1}";
    STEPS_FOR_EACH(step) {
        split_item it[32];
        int n = split_all(t, strlen(t), step, 0, 0, it);
        KT_REQUIRE(n == 4);
        KT_EQ_STR(it[0].text, "{\"eventName\":\"A\"}");
        KT_EQ_STR(it[0].wrap, "Records");
        KT_EQ_INT(it[0].lineno, 2);
        KT_EQ_INT(it[0].offset, (int64_t)(strstr(t, "{\"eventName\":\"A") - t));
        KT_EQ_STR(it[1].text, "{\"eventName\":\"B\"}");
        KT_EQ_INT(it[1].lineno, 3);
        KT_EQ_STR(it[2].text, "{\"f\":1}");
        KT_EQ_STR(it[2].wrap, "Findings");
        KT_EQ_INT(it[2].lineno, 6);
        KT_EQ_STR(it[3].text, "{\"other\":1}"); /* no wrap key: the object is the record */
        KT_CHECK(it[3].wrap == NULL);
        KT_EQ_INT(it[3].lineno, 7);
        for (int i = 0; i < n; i++)
            KT_EQ_INT(it[i].rc, 0);
    }
}

KTEST(test_jsplit_resyncs_after_broken_record_inside_records_array)
{
    const char *t = "{\"Records\":[\n {\"a\":1},\n {\"b\":2 \"oops\":3},\n {\"c\":[1,2}},\n {\"d\":4}\n]}";
    STEPS_FOR_EACH(step) {
        split_item it[32];
        int n = split_all(t, strlen(t), step, 0, 0, it);
        KT_REQUIRE(n == 4);
        KT_EQ_INT(it[0].rc, 0);
        KT_EQ_STR(it[0].text, "{\"a\":1}");
        KT_EQ_INT(it[1].rc, KS_ECORRUPT);
        KT_EQ_STR(it[1].text, "{\"b\":2 \"oops\":3}");
        KT_EQ_INT(it[1].err_off, (int64_t)(strstr(t, "\"oops") - t));
        KT_EQ_INT(it[1].err_line, 3);
        KT_EQ_INT(it[1].lineno, 3);
        KT_EQ_INT(it[2].rc, KS_ECORRUPT);
        KT_EQ_STR(it[2].text, "{\"c\":[1,2}}");
        KT_EQ_INT(it[2].err_line, 4);
        KT_EQ_INT(it[3].rc, 0);
        KT_EQ_STR(it[3].text, "{\"d\":4}");
        KT_EQ_INT(it[3].lineno, 5);
        KT_EQ_INT(it[3].index, 1);
    }
}

KTEST(test_jsplit_json_lines_resync_at_next_line_starting_a_value)
{
    const char *t = "{\"a\":1\n{\"b\":2}\ngarbage here\n  {\"indented\":\"skipped\"}\n{\"c\":\"x\ny\"}\n[3]\n";
    STEPS_FOR_EACH(step) {
        split_item it[32];
        int n = split_all(t, strlen(t), step, 0, 0, it);
        KT_REQUIRE(n == 5);
        KT_EQ_INT(it[0].rc, KS_ECORRUPT); /* unterminated: caught at the next line's '{' */
        KT_EQ_STR(it[0].text, "{\"a\":1");
        KT_EQ_INT(it[0].err_off, 7);
        KT_EQ_INT(it[0].err_line, 2);
        KT_EQ_INT(it[1].rc, 0);
        KT_EQ_STR(it[1].text, "{\"b\":2}");
        KT_EQ_INT(it[1].lineno, 2);
        KT_EQ_INT(it[2].rc, KS_ECORRUPT);
        KT_EQ_STR(it[2].text, "garbage here");
        KT_EQ_INT(it[2].err_line, 3);
        KT_EQ_INT(it[3].rc, KS_ECORRUPT); /* newline inside a string */
        KT_EQ_STR(it[3].text, "{\"c\":\"x");
        KT_EQ_INT(it[3].err_line, 5);
        KT_EQ_INT(it[4].rc, 0);
        KT_EQ_STR(it[4].text, "3");
        KT_EQ_INT(it[4].lineno, 7);
    }
}

KTEST(test_jsplit_truncated_last_record_is_corrupt_not_a_hang)
{
    const char *cases[] = {"{\"a\":1}\n{\"b\":[1,2", "{\"a\":1}\n{\"b\":\"abc", "[{\"a\":1},{\"b\":",
                           "{\"Records\":[{\"a\":1},{\"b\"", "{\"a\":1}\n{\"b\":\"x\\"};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        STEPS_FOR_EACH(step) {
            split_item it[32];
            int n = split_all(cases[c], strlen(cases[c]), step, 0, 0, it);
            KT_REQUIRE(n == 2);
            KT_EQ_INT(it[0].rc, 0);
            KT_EQ_STR(it[0].text, "{\"a\":1}");
            KT_EQ_INT(it[1].rc, KS_ECORRUPT);
            KT_EQ_INT(it[1].err_off, (int64_t)strlen(cases[c]));
        }
    }
}

KTEST(test_jsplit_empty_and_whitespace_input_is_eof)
{
    split_item it[32];
    KT_EQ_INT(split_all("", 0, 1, 0, 0, it), 0);
    KT_EQ_INT(split_all(" \n\r\n\t ", 6, 1, 0, 0, it), 0);
    KT_EQ_INT(split_all("[]", 2, 1, 0, 0, it), 0);
    KT_EQ_INT(split_all("{\"Records\":[]}", 14, 1, 0, 0, it), 0);
}

KTEST(test_jsplit_input_error_after_complete_records)
{
    const char *t = "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n";
    split_item it[32];
    int n = split_all(t, strlen(t), 3, 18, 0, it); /* fails inside the third record */
    KT_REQUIRE(n == 4);
    KT_EQ_INT(it[0].rc, 0);
    KT_EQ_INT(it[1].rc, 0);
    KT_EQ_INT(it[2].rc, KS_ECORRUPT); /* the cut third record */
    KT_EQ_STR(it[2].text, "{\"");
    KT_EQ_INT(it[3].rc, KS_EIO); /* then the input's own error, fatal, told apart as KS_EIO */
    KT_EQ_INT(it[3].err_off, 18);
}

KTEST(test_jsplit_oversized_record_is_reported_and_skipped)
{
    const char *t = "{\"a\":1}\n{\"big\":\"0123456789012345678901234567890123456789\"}\n{\"c\":3}\n"
                    "[{\"d\":\"0123456789012345678901234567890123456789\"},{\"e\":5}]";
    STEPS_FOR_EACH(step) {
        split_item it[32];
        int n = split_all(t, strlen(t), step, 0, 16, it);
        KT_REQUIRE(n == 5);
        KT_EQ_INT(it[0].rc, 0);
        KT_EQ_INT(it[1].rc, KS_ECORRUPT);
        /* the first max_record bytes, or nothing when the object outgrew the limit before
         * the splitter knew it had no wrap array */
        KT_CHECK(!strcmp(it[1].text, "{\"big\":\"01234567") || !strcmp(it[1].text, ""));
        KT_EQ_INT(it[1].err_off, 8 + 16);
        KT_EQ_INT(it[2].rc, 0);
        KT_EQ_STR(it[2].text, "{\"c\":3}");
        KT_EQ_INT(it[3].rc, KS_ECORRUPT);
        KT_EQ_INT(it[4].rc, 0);
        KT_EQ_STR(it[4].text, "{\"e\":5}");
    }
}

KTEST(test_jsplit_single_large_record_and_many_small_records)
{
    /* One 20 MB record, then 200000 small ones: both come out whole. */
    size_t big = 20u << 20, n_small = 200000;
    size_t cap = big + 64 + n_small * 16;
    char *t = malloc(cap);
    KT_REQUIRE(t);
    size_t len = 0;
    memcpy(t, "{\"k\":\"", 6);
    len = 6;
    memset(t + len, 'x', big);
    len += big;
    memcpy(t + len, "\"}\n", 3);
    len += 3;
    for (size_t i = 0; i < n_small; i++) {
        memcpy(t + len, "{\"i\":1}\n", 8);
        len += 8;
    }
    ks_input in;
    ks_mem_input m;
    ks_input_mem(&in, &m, t, len, "big");
    ks_jsplit *s = NULL;
    KT_REQUIRE(ks_jsplit_new(&s, &in, NULL) == 0);
    ks_jrecord r;
    ks_err e;
    KT_EQ_INT(ks_jsplit_next(s, &r, &e), 0);
    KT_EQ_INT(r.n, big + 8);
    size_t count = 0;
    int rc;
    int64_t last_off = 0;
    while ((rc = ks_jsplit_next(s, &r, &e)) == 0) {
        if (r.n != 7 || r.offset <= last_off)
            break;
        last_off = r.offset;
        count++;
    }
    KT_EQ_INT(rc, KS_EOF);
    KT_EQ_INT(count, n_small);
    KT_EQ_INT(r.lineno, (int64_t)n_small + 1);
    ks_jsplit_free(s);
    free(t);
}

/* Fuzz reproducers (tests/fuzz/fuzz_jsplit, max_record 32): the results must not depend on
 * how many bytes each read brings. The first broke when recovery gave up by buffer fill
 * instead of scan position; the second when a silent recovery forgot to keep its bytes. */
KTEST(test_jsplit_fuzz_reproducers_are_read_size_independent)
{
    static const char crash1[] = "[1,2,\n{\"x\":[1,2}}\0\0\0\0\0\0\0hhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
                                 "hhhhhhhhhh\x10,3]";
    static const char crash2[] = "[1,2,\n{\"x\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf"
                                 "\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf"
                                 "\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\xcf\0\0\0\0" "3,2,\x0e\n{\"x\":[&1,2}}&1,*}},3]";
    /* third: a junk line longer than max_record ending in CRs was trimmed differently */
    static const char crash3[] = "\r\r\r\r\r\r\x8d\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r"
                                 "\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\n\r\r"
                                 "\r\r\xf1\r\r\r\r\r\0\0\0\0\0\0\0\r\r\r\r\x95\x95";
    const struct {
        const char *t;
        size_t n;
    } cases[] = {{crash1, sizeof crash1 - 1}, {crash2, sizeof crash2 - 1}, {crash3, sizeof crash3 - 1}};
    for (size_t c = 0; c < 3; c++) {
        split_item a[32], b[32];
        int na = split_all(cases[c].t, cases[c].n, 2, 0, 32, a);
        int nb = split_all(cases[c].t, cases[c].n, 4096, 0, 32, b);
        KT_EQ_INT(na, nb);
        for (int i = 0; i < na && i < nb && i < 32; i++) {
            KT_EQ_INT(a[i].rc, b[i].rc);
            KT_EQ_INT(a[i].offset, b[i].offset);
            KT_EQ_STR(a[i].text, b[i].text);
            KT_EQ_INT(a[i].err_off, b[i].err_off);
        }
    }
}

KTEST(test_jsplit_gives_up_on_array_when_bad_element_has_no_end_then_resyncs)
{
    /* The raw newline breaks the string; counting from it, quotes never balance again on
     * that line, so the element's end cannot be found: the rest of the array is skipped
     * and the next top-level document (a line starting with '{') still comes out. */
    const char *t = "{\"Records\":[{\"a\":1},{\"b\":\"x\ny\"}, {\"c\":2}]}\n{\"next\":1}\n";
    STEPS_FOR_EACH(step) {
        split_item it[32];
        int n = split_all(t, strlen(t), step, 0, 0, it);
        KT_REQUIRE(n == 3);
        KT_EQ_INT(it[0].rc, 0);
        KT_EQ_STR(it[0].text, "{\"a\":1}");
        KT_EQ_INT(it[1].rc, KS_ECORRUPT);
        KT_EQ_INT(it[1].err_off, 27); /* the newline inside the string */
        KT_EQ_INT(it[1].offset, 20);
        KT_EQ_INT(it[2].rc, 0);
        KT_EQ_STR(it[2].text, "{\"next\":1}");
        KT_EQ_INT(it[2].lineno, 3);
        KT_CHECK(it[2].wrap == NULL);
    }
}

KTEST(test_jsplit_wrap_key_that_is_not_an_array_keeps_the_object_whole)
{
    const char *t = "{\"Records\":{\"a\":1},\"x\":2}\n{\"Records\":null}";
    split_item it[32];
    int n = split_all(t, strlen(t), 3, 0, 0, it);
    KT_REQUIRE(n == 2);
    KT_EQ_STR(it[0].text, "{\"Records\":{\"a\":1},\"x\":2}");
    KT_EQ_STR(it[1].text, "{\"Records\":null}");
    KT_EQ_INT(it[1].lineno, 2);
}

KTEST(test_json_every_lone_high_byte_is_invalid_utf8_and_every_control_rejected)
{
    ks_json_doc *d = NULL;
    KT_REQUIRE(ks_json_doc_new(&d, NULL) == 0);
    ks_err e;
    for (int c = 0; c < 256; c++) {
        /* long enough that the 8-byte scanning path sees the byte too */
        char t[24] = "\"abcdefghijklmno_x\"";
        t[16] = (char)c;
        int rc = ks_json_parse(d, t, 19, &e);
        if (c < 0x20) {
            KT_EQ_INT(rc, KS_ECORRUPT);
            KT_EQ_INT(e.offset, 16);
        } else if (c == '"' || c == '\\') {
            KT_EQ_INT(rc, KS_ECORRUPT); /* ends the string early / a bad escape */
        } else {
            KT_EQ_INT(rc, 0);
            KT_EQ_INT(ks_json_doc_invalid_utf8(d), c >= 0x80 ? 1 : 0);
        }
    }
    ks_json_doc_free(d);
}

KTEST(test_json_get_matches_decoded_keys_and_returns_first_duplicate)
{
    ks_json_doc *d = PARSE_OK("{\"a\\u002eb\":{\"c\":1},\"dup\":1,\"dup\":2,\"k\\\"q\":true,\"\":\"empty\"}");
    KT_REQUIRE(d);
    ks_jv r = ks_json_root(d);
    int64_t v = 0;
    KT_EQ_INT(ks_json_int(d, ks_json_get(d, r, "dup"), &v), 0);
    KT_EQ_INT(v, 1);
    KT_CHECK(ks_json_get(d, r, "a.b") != KS_JV_NONE);          /* decoded key "a.b" */
    KT_CHECK(ks_json_path(d, r, "a.b.c") == KS_JV_NONE);       /* paths split on '.' */
    KT_EQ_INT(ks_json_type_of(d, ks_json_get(d, r, "k\"q")), KS_JSON_TRUE);
    EXPECT_STR(ks_json_get_str(d, r, ""), "empty");
    KT_CHECK(ks_json_get_str(d, r, "dup").p == NULL);          /* not a string */
    ks_json_doc_free(d);
}

KTEST(test_jsplit_input_ending_after_records_array_is_a_truncated_object)
{
    const char *t = "{\"Records\":[{\"a\":1}]";
    split_item it[32];
    int n = split_all(t, strlen(t), 4, 0, 0, it);
    KT_REQUIRE(n == 2);
    KT_EQ_INT(it[0].rc, 0);
    KT_EQ_STR(it[0].wrap, "Records");
    KT_EQ_INT(it[1].rc, KS_ECORRUPT);
    KT_EQ_INT(it[1].err_off, (int64_t)strlen(t));
    KT_CHECK(it[1].wrap == NULL);
}
