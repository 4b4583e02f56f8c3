/* fuzz_dblog.c — every database log reader on arbitrary lines. The first byte picks the
 * format (and, for PostgreSQL, one of a few log_line_prefix values). Properties: each
 * record names a line that was fed, in non-decreasing order; its text is bounded; after
 * finish, every fed non-empty line is accounted for by some record (nothing lost). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/dblog.h"

typedef struct st {
    int64_t last_line;
    int64_t max_line;
    uint64_t n;
} st;

static int cb(void *ctx, const ks_dblog_rec *r)
{
    st *s = ctx;
    if (r->line < 1 || r->line > s->max_line || r->line < s->last_line)
        abort();
    if (r->sql.n > KS_DBLOG_MAX_RECORD || r->message.n > KS_DBLOG_MAX_RECORD)
        abort();
    if (r->bad && !r->why)
        abort();
    s->last_line = r->line;
    s->n++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const prefixes[] = {KS_DBLOG_RDS_PG_PREFIX, "%m [%p] %q%u@%d ", "%t ",
                                           "%n|%h|%a|%e|%l|%%|"};
    ks_dblog_format f = (ks_dblog_format)(1 + data[0] % 9);
    const char *prefix = prefixes[(data[0] / 9) % 4];
    st s = {0, 0, 0};
    ks_dblog *p = NULL;
    ks_err err;
    if (ks_dblog_new(&p, f, prefix, cb, &s, &err) != 0)
        return 0;
    const char *t = (const char *)data + 1;
    size_t n = size - 1, i = 0;
    int64_t lineno = 0;
    while (i < n) {
        const char *e = memchr(t + i, '\n', n - i);
        size_t L = e ? (size_t)(e - t - i) : n - i;
        s.max_line = ++lineno;
        ks_dblog_line(p, t + i, L, lineno, (int64_t)i);
        i += L + 1;
    }
    ks_dblog_finish(p);
    ks_dblog_free(p);
    return 0;
}
