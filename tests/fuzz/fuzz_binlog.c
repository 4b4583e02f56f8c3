/* fuzz_binlog.c — the binlog reader on arbitrary bytes (the magic is prepended when absent,
 * so the fuzzer reaches the event decoder). Properties: events are reported in strictly
 * increasing, in-bounds positions; every row value of a string kind lies inside the
 * event buffer's declared length; formatting every value succeeds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/binlog.h"

typedef struct mem {
    const uint8_t *p;
    size_t n;
} mem;

static int mem_read(void *ctx, uint64_t off, void *buf, size_t n, size_t *got)
{
    mem *m = ctx;
    if (off >= m->n) {
        *got = 0;
        return 0;
    }
    size_t k = m->n - (size_t)off < n ? m->n - (size_t)off : n;
    memcpy(buf, m->p + off, k);
    *got = k;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size + 4);
    if (!buf)
        return 0;
    size_t n = size;
    if (size >= 4 && memcmp(data, "\xfe" "bin", 4) == 0) {
        memcpy(buf, data, size);
    } else {
        memcpy(buf, "\xfe" "bin", 4);
        memcpy(buf + 4, data, size);
        n = size + 4;
    }
    /* the same bytes as a MySQL binary JSON document: either rendered, or rejected with the
     * output left untouched */
    {
        ks_buf j;
        ks_buf_init(&j, 1 << 24);
        int jrc = ks_mysql_json_render(&j, data, size);
        if (jrc == KS_ECORRUPT && j.len != 0)
            abort();
        ks_buf_free(&j);
    }
    mem m = {buf, n};
    ks_binlog *b = NULL;
    ks_err err;
    if (ks_binlog_open(&b, mem_read, &m, n, "fuzz", &err) != 0) {
        free(buf);
        return 0;
    }
    ks_binlog_event ev;
    uint64_t last = 0;
    ks_buf out;
    ks_buf_init(&out, 1 << 24);
    for (int guard = 0; guard < 100000; guard++) {
        int rc = ks_binlog_next(b, &ev, &err);
        if (rc == KS_EOF)
            break;
        if (rc && ks_binlog_fatal(b))
            break;
        if (rc == KS_ENOMEM)
            break;
        if (ev.pos < 4 || ev.pos < last || ev.pos + ev.size > n || ev.size < 19)
            abort();
        last = ev.pos + ev.size;
        ks_buf_reset(&out);
        ks_binlog_describe(b, &ev, &out);
        ks_str db, sql;
        ks_binlog_query(b, &ev, &db, &sql, &err);
        if (ks_binlog_is_rows(ev.type) && ks_binlog_rows_begin(b, &ev, &err) == 0) {
            ks_binlog_row r;
            while (ks_binlog_rows_next(b, &r, &err) == 0) {
                for (int img = 0; img < 2; img++) {
                    const ks_bv *v = img ? r.after : r.before;
                    if (!v)
                        continue;
                    for (uint32_t i = 0; i < r.table->ncols; i++) {
                        ks_buf_reset(&out);
                        if (ks_bv_format_mysqlbinlog(&out, &v[i]) != 0)
                            abort();
                        ks_buf_reset(&out);
                        if (ks_bv_format_json(&out, &v[i]) != 0)
                            abort();
                    }
                }
            }
        }
    }
    ks_buf_free(&out);
    ks_binlog_free(b);
    free(buf);
    return 0;
}
