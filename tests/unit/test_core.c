#include <stdint.h>

#include "ktest.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/pool.h"

KTEST(test_buf_append_respects_max)
{
    ks_buf b;
    ks_buf_init(&b, 8);
    KT_EQ_INT(ks_buf_append(&b, "1234", 4), 0);
    KT_EQ_INT(ks_buf_append(&b, "5678", 4), 0);
    KT_EQ_INT(ks_buf_append(&b, "9", 1), KS_ELIMIT);
    KT_EQ_STR(b.data, "12345678");
    ks_buf_free(&b);
}

KTEST(test_fits_rejects_overflowing_ranges)
{
    KT_CHECK(ks_fits(0, 10, 10));
    KT_CHECK(!ks_fits(1, 10, 10));
    KT_CHECK(!ks_fits(UINT64_MAX, 2, 10));
    KT_CHECK(!ks_fits(2, UINT64_MAX, 10));
}

KTEST(test_err_format_names_file_line_offset_and_sanitizes)
{
    ks_err e;
    ks_err_clear(&e);
    KS_CORRUPT(&e, "a/b.json", 3, 17, "bad byte \x1b[31m");
    char out[256];
    ks_err_format(&e, out, sizeof out);
    KT_EQ_STR(out, "a/b.json:3: offset 17: bad byte ?[31m");
}

KTEST(test_pool_dup_and_alloc_keep_contents_and_alignment)
{
    ks_pool p = {0};
    const char *a = ks_pool_dup(&p, "abc", 3);
    KT_EQ_STR(a, "abc");
    KT_EQ_STR(ks_pool_dup(&p, NULL, 0), "");
    /* an allocation bigger than a chunk gets its own */
    static char big[(1 << 20) + 10];
    memset(big, 'x', sizeof big);
    const char *b = ks_pool_dup(&p, big, sizeof big);
    KT_REQUIRE(b != NULL);
    KT_CHECK(b[0] == 'x' && b[sizeof big - 1] == 'x' && b[sizeof big] == '\0');
    for (int i = 0; i < 1000; i++) {
        (void)ks_pool_dup(&p, "odd", 1 + (size_t)(i % 3));
        void **v = ks_pool_alloc(&p, 3 * sizeof(void *));
        KT_REQUIRE(v != NULL);
        KT_CHECK(((uintptr_t)v % sizeof(void *)) == 0);
        v[2] = v;
    }
    KT_EQ_STR(a, "abc"); /* earlier strings stay put */
    ks_pool_free(&p);
    KT_CHECK(p.chunks == NULL);
}
