/* fuzz_sql.c — the SQL lexer, analyzer and fingerprint on arbitrary bytes.
 * Properties: tokens are in bounds, in order and never overlap; every byte is either
 * whitespace/NUL or inside a token (except executable-comment delimiters); fingerprinting
 * terminates with output bounded by a small multiple of the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/sql_fingerprint.h"
#include "db/sql_lex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int d = 0; d < 3; d++) {
        ks_sql_lexer lx;
        ks_sql_tok t;
        ks_sql_lexer_init(&lx, (const char *)data, size, (ks_sql_dialect)d);
        size_t last_end = 0;
        size_t count = 0;
        while (ks_sql_lex_next(&lx, &t) == 0) {
            if (t.len == 0 || t.off < last_end || t.off + t.len > size)
                abort();
            last_end = t.off + t.len;
            if (++count > size)
                abort();
        }
        ks_sql_info info;
        ks_sql_analyze(&info, (const char *)data, size, (ks_sql_dialect)d);
        if (info.nobj > KS_SQL_MAX_OBJECTS)
            abort();
        for (size_t i = 0; i < info.nobj; i++)
            if (strlen(info.obj[i].name) >= KS_SQL_NAME_MAX)
                abort();
        ks_buf b;
        ks_buf_init(&b, 0);
        if (ks_sql_fingerprint(&b, (const char *)data, size, (ks_sql_dialect)d) != 0)
            abort();
        if (b.len > 3 * size + 8)
            abort();
        ks_buf_free(&b);
    }
    return 0;
}
