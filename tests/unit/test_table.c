#include "ktest.h"

#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "core/err.h"

/* Writes `nrows` rows of `ncols` values (row-major, NULL = SQL NULL) in `fmt` and returns
 * the output (caller frees). types: one string of ncols letters for every row, or NULL. */
static char *render(ks_out_format fmt, const ks_out_opts *opts, int ncols,
                    const char *const *names, int nrows, const char *const *vals,
                    const char *types)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ks_out *o = NULL;
    if (!f)
        return NULL;
    int rc = ks_out_new(&o, f, fmt, opts);
    if (!rc)
        rc = ks_out_begin(o, ncols, names);
    for (int r = 0; r < nrows && !rc; r++)
        rc = ks_out_row(o, vals + (size_t)r * (size_t)ncols, NULL, types);
    if (!rc)
        rc = ks_out_end(o);
    ks_out_free(o);
    fclose(f);
    if (rc) {
        free(text);
        return NULL;
    }
    return text;
}

#define EXPECT_OUT(got, want)                                                  \
    do {                                                                       \
        char *g_ = (got);                                                      \
        KT_EQ_STR(g_, want);                                                   \
        free(g_);                                                              \
    } while (0)

KTEST(test_out_format_parse_names)
{
    ks_out_format f;
    KT_EQ_INT(ks_out_format_parse("table", &f), 0);
    KT_EQ_INT(f, KS_OUT_TABLE);
    KT_EQ_INT(ks_out_format_parse("jsonl", &f), 0);
    KT_EQ_INT(f, KS_OUT_JSONL);
    KT_EQ_INT(ks_out_format_parse("JSON", &f), KS_EUSAGE);
    KT_EQ_INT(ks_out_format_parse(NULL, &f), KS_EUSAGE);
}

KTEST(test_table_aligns_columns_and_right_aligns_numbers)
{
    const char *names[] = {"id", "user", "n"};
    const char *vals[] = {"1", "alice", "7", "22", "bob", "1234"};
    EXPECT_OUT(render(KS_OUT_TABLE, NULL, 3, names, 2, vals, "iti"),
               "id  user   n\n"
               "--  -----  ----\n"
               " 1  alice     7\n"
               "22  bob    1234\n");
}

KTEST(test_table_aligns_japanese_by_display_width)
{
    const char *names[] = {"ユーザー", "action"};
    const char *vals[] = {"管理者", "ログイン", "bob", "x"};
    /* "ユーザー" and "管理者" are 8 and 6 columns wide although 12 and 9 bytes long */
    EXPECT_OUT(render(KS_OUT_TABLE, NULL, 2, names, 2, vals, "tt"),
               "ユーザー  action\n"
               "--------  --------\n"
               "管理者    ログイン\n"
               "bob       x\n");
}

KTEST(test_table_escapes_ansi_sequences_in_cells_and_names)
{
    const char *names[] = {"msg\x1b[0m"};
    const char *vals[] = {"\x1b]0;pwned\a\x1b[31mred", "a\nb"};
    EXPECT_OUT(render(KS_OUT_TABLE, NULL, 1, names, 2, vals, "t"),
               "msg\\e[0m\n"
               "-----------------------\n"
               "\\e]0;pwned\\x07\\e[31mred\n"
               "a\\nb\n");
}

KTEST(test_table_cuts_long_cells_with_ellipsis)
{
    ks_out_opts opts = {true, 8, false};
    const char *names[] = {"text", "k"};
    const char *vals[] = {"abcdefghijkl", "1", "日本語テキスト", "2"};
    EXPECT_OUT(render(KS_OUT_TABLE, &opts, 2, names, 2, vals, "tt"),
               "text      k\n"
               "--------  -\n"
               "abcdefg…  1\n"
               "日本語…   2\n");
    /* --wide: no cap */
    ks_out_opts wide = {true, 8, true};
    EXPECT_OUT(render(KS_OUT_TABLE, &wide, 2, names, 1, vals, "tt"),
               "text          k\n"
               "------------  -\n"
               "abcdefghijkl  1\n");
}

KTEST(test_table_null_blob_and_no_header)
{
    ks_out_opts opts = {false, 0, false};
    const char *vals[] = {NULL, "\x01\xff", "x"};
    EXPECT_OUT(render(KS_OUT_TABLE, &opts, 3, NULL, 1, vals, "nbt"), "  01ff  x\n");
}

KTEST(test_table_with_no_rows_prints_header_only)
{
    const char *names[] = {"a", "bb"};
    EXPECT_OUT(render(KS_OUT_TABLE, NULL, 2, names, 0, NULL, NULL), "a  bb\n-  --\n");
}

KTEST(test_table_streams_after_buffer_limit_with_fixed_widths)
{
    /* 10,000 short rows fix the width at 1; a later long value is cut to it */
    enum { N = 10002 };
    const char **vals = calloc(N, sizeof *vals);
    KT_REQUIRE(vals);
    for (int i = 0; i < N; i++)
        vals[i] = "x";
    vals[N - 1] = "long value";
    const char *names[] = {"c"};
    char *out = render(KS_OUT_TABLE, NULL, 1, names, N, vals, "t");
    free(vals);
    KT_REQUIRE(out);
    size_t len = strlen(out);
    const char *tail = "x\nx\n…\n";
    KT_CHECK(len > strlen(tail) && strcmp(out + len - strlen(tail), tail) == 0);
    KT_CHECK(strncmp(out, "c\n-\nx\n", 6) == 0);
    free(out);
}

KTEST(test_csv_output_rfc4180_with_header_and_formula_defusing)
{
    const char *names[] = {"id", "note", "n"};
    const char *vals[] = {"1", "=cmd|' /C calc'!A0", "-5", "2", "a,\"b\"", NULL,
                          "3", "x\ny", "1.5"};
    EXPECT_OUT(render(KS_OUT_CSV, NULL, 3, names, 3, vals, "itr"),
               "id,note,n\n"
               "1,'=cmd|' /C calc'!A0,-5\n"
               "2,\"a,\"\"b\"\"\",\n"
               "3,\"x\ny\",1.5\n");
    ks_out_opts noh = {false, 0, false};
    const char *one[] = {"\x1b[31m"};
    EXPECT_OUT(render(KS_OUT_CSV, &noh, 1, names, 1, one, "t"), "\\e[31m\n");
}

KTEST(test_json_array_types_and_escaping)
{
    const char *names[] = {"id", "name", "score", "raw", "gone"};
    const char *vals[] = {"1", "鈴木 \"x\"\n", "2.5", "\xde\xad", NULL,
                          "2", "\x1b[31m", "Inf", "", NULL};
    EXPECT_OUT(render(KS_OUT_JSON, NULL, 5, names, 2, vals, "itrbn"),
               "[\n"
               "{\"id\":1,\"name\":\"鈴木 \\\"x\\\"\\n\",\"score\":2.5,"
               "\"raw\":\"dead\",\"gone\":null},\n"
               "{\"id\":2,\"name\":\"\\u001b[31m\",\"score\":\"Inf\",\"raw\":\"\",\"gone\":null}\n"
               "]\n");
    EXPECT_OUT(render(KS_OUT_JSON, NULL, 5, names, 0, NULL, NULL), "[]\n");
}

KTEST(test_jsonl_one_object_per_line)
{
    const char *names[] = {"a", "b\x01"};
    const char *vals[] = {"1", "x", "2", NULL};
    EXPECT_OUT(render(KS_OUT_JSONL, NULL, 2, names, 2, vals, "it"),
               "{\"a\":1,\"b\\u0001\":\"x\"}\n"
               "{\"a\":2,\"b\\u0001\":null}\n");
}

KTEST(test_out_rejects_misuse)
{
    ks_out *o = NULL;
    FILE *f = tmpfile();
    KT_REQUIRE(f);
    KT_EQ_INT(ks_out_new(&o, f, KS_OUT_CSV, NULL), 0);
    const char *v[] = {"x"};
    KT_EQ_INT(ks_out_row(o, v, NULL, NULL), KS_EUSAGE); /* before begin */
    KT_EQ_INT(ks_out_end(o), KS_EUSAGE);
    KT_EQ_INT(ks_out_begin(o, -1, NULL), KS_EUSAGE);
    ks_out_free(o);
    fclose(f);
}

KTEST(test_out_zero_columns_is_harmless)
{
    const char *none[1] = {NULL};
    EXPECT_OUT(render(KS_OUT_TABLE, NULL, 0, NULL, 3, none, NULL), "\n\n");
    EXPECT_OUT(render(KS_OUT_JSONL, NULL, 0, NULL, 2, none, NULL), "{}\n{}\n");
    EXPECT_OUT(render(KS_OUT_CSV, NULL, 0, NULL, 1, none, NULL), "\n\n");
}

KTEST(test_out_row_fn_adapter_begins_with_first_row_names)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    KT_REQUIRE(f);
    ks_out *o = NULL;
    KT_REQUIRE(ks_out_new(&o, f, KS_OUT_CSV, NULL) == 0);
    const char *names[] = {"k", "v"};
    const char *r1[] = {"a", "1"}, *r2[] = {"b", NULL};
    KT_CHECK(!ks_out_begun(o));
    KT_EQ_INT(ks_out_row_fn(o, 2, names, r1, NULL, "ti"), 0);
    KT_CHECK(ks_out_begun(o));
    KT_EQ_INT(ks_out_row_fn(o, 2, names, r2, NULL, "tn"), 0);
    KT_CHECK(ks_out_row_fn(o, 3, names, r2, NULL, "tnn") != 0); /* other column count */
    KT_EQ_INT(ks_out_end(o), KS_EUSAGE);                        /* the error is reported */
    ks_out_free(o);
    fclose(f);
    KT_EQ_STR(text, "k,v\na,1\nb,\n");
    free(text);
}

KTEST(test_table_huge_cap_and_huge_value_stay_bounded)
{
    ks_out_opts opts = {false, (size_t)-1 / 2, false};
    size_t n = (size_t)1 << 20;
    char *big = malloc(n + 1);
    KT_REQUIRE(big);
    memset(big, 'a', n);
    big[n] = '\0';
    const char *vals[] = {big};
    char *out = render(KS_OUT_TABLE, &opts, 1, NULL, 1, vals, "t");
    free(big);
    KT_REQUIRE(out);
    /* only the first 16 KiB of a 1 MiB value is shown, then the ellipsis */
    KT_EQ_INT(strlen(out), (16 << 10) + 3 + 1);
    KT_CHECK(strcmp(out + (16 << 10), "…\n") == 0);
    free(out);
}
