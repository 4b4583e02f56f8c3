#include "ktest.h"

#include "core/buf.h"
#include "core/err.h"

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
