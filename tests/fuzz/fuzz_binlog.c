/* fuzz_binlog.c — the binlog reader on arbitrary bytes (the magic is prepended when absent,
 * so the fuzzer reaches the event decoder). Properties: events are reported in strictly
 * increasing, in-bounds positions; every row value of a string kind lies inside the
 * event buffer's declared length; formatting every value succeeds. The `binlog` source of
 * ingest reads the same bytes as a stream delivered in small pieces: it never fails on
 * content beyond a fatal (truncated) end, which leaves an error record, and it writes
 * exactly one record per decoded row and per statement event the decoder gives cleanly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "db/binlog.h"
#include "parsers/db/binlog_parser.h"
#include "store/store.h"

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

/* a stream handing out at most 7 bytes per read: the parser's window must cope */
typedef struct drip {
    const uint8_t *p;
    size_t n, pos;
} drip;

static int drip_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    (void)err;
    drip *d = ctx;
    size_t k = d->n - d->pos;
    if (k > 7)
        k = 7;
    if (k > len)
        k = len;
    memcpy(buf, d->p + d->pos, k);
    d->pos += k;
    *out_n = k;
    return 0;
}

static void parse_as_source(const uint8_t *buf, size_t n, int64_t want_records, int fatal)
{
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_store_open_memory(&st, &err) != 0)
        abort();
    ks_evidence_info ev = {"fuzz.bin", "fuzz.bin", NULL, "0", (int64_t)n, ""};
    ks_sink *sink = NULL;
    if (ks_store_declare(st, ks_parser_binlog.tables[0], &err) != 0 ||
        ks_store_member_begin(st, &ev, "binlog", &sink, &err) != 0)
        abort();
    drip d = {buf, n, 0};
    ks_input in = {drip_read, &d, "fuzz.bin"};
    ks_parse_ctx ctx = {&in, "fuzz.bin", sink, NULL, 0};
    int rc = ks_parser_binlog.parse(&ctx, &err);
    if (rc != 0 && rc != KS_ECORRUPT && rc != KS_EUNSUPPORTED && rc != KS_ENOMEM)
        abort();
    if (rc == KS_ECORRUPT && ks_sink_errors(sink) == 0 && ks_sink_records(sink) == 0 && n > 4 &&
        fatal)
        abort(); /* a fatal end leaves an error record */
    if (rc == 0 && want_records >= 0 && ks_sink_records(sink) != want_records)
        abort();
    ks_store_member_end(st, sink, "parsed", NULL, &err);
    ks_store_close(st);
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
    int64_t records = 0;
    int fatal = 0;
    ks_buf out;
    ks_buf_init(&out, 1 << 24);
    for (int guard = 0; guard < 100000; guard++) {
        int rc = ks_binlog_next(b, &ev, &err);
        if (rc == KS_EOF)
            break;
        if (rc && ks_binlog_fatal(b)) {
            fatal = 1;
            break;
        }
        if (rc == KS_ENOMEM)
            break;
        if (ev.pos < 4 || ev.pos < last || ev.pos + ev.size > n || ev.size < 19)
            abort();
        last = ev.pos + ev.size;
        ks_buf_reset(&out);
        ks_binlog_describe(b, &ev, &out);
        ks_str db, sql;
        int qrc = ks_binlog_query(b, &ev, &db, &sql, &err);
        if (!rc && !qrc && ev.type != KS_BL_MARIA_ANNOTATE_ROWS && ev.type != KS_BL_ROWS_QUERY)
            records++;
        if (ks_binlog_is_rows(ev.type) && ks_binlog_rows_begin(b, &ev, &err) == 0) {
            ks_binlog_row r;
            while (ks_binlog_rows_next(b, &r, &err) == 0) {
                records += !rc;
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
    /* the direct loop stops at 100000 events; the source does not */
    int complete = ks_binlog_get_stats(b)->events < 100000;
    ks_binlog_free(b);
    parse_as_source(buf, n, complete ? records : -1, fatal);
    free(buf);
    return 0;
}
