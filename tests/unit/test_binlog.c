/* Synthetic binlogs built in memory: a 5.5-style Format_description (no checksums), a
 * Table_map and a Write_rows_v1 event whose row image is written byte by byte from the
 * MySQL row-format rules, so each decoder case is checked against a known value. */
#include "ktest.h"

#include <stdlib.h>

#include "db/binlog.h"

typedef struct mem {
    uint8_t p[4096];
    size_t n;
} mem;

static int mem_read(void *ctx, uint64_t off, void *buf, size_t n, size_t *got)
{
    mem *m = ctx;
    size_t k = off >= m->n ? 0 : (m->n - (size_t)off < n ? m->n - (size_t)off : n);
    memcpy(buf, m->p + off, k);
    *got = k;
    return 0;
}

static void put(mem *m, const void *p, size_t n)
{
    memcpy(m->p + m->n, p, n);
    m->n += n;
}
static void put8(mem *m, unsigned v) { uint8_t b = (uint8_t)v; put(m, &b, 1); }
static void put16(mem *m, unsigned v) { put8(m, v & 0xff); put8(m, v >> 8); }
static void put32(mem *m, uint32_t v) { put16(m, v & 0xffff); put16(m, v >> 16); }

/* Appends an event: header with type/size/log_pos, then the body. */
static void event(mem *m, uint8_t type, const uint8_t *body, size_t n)
{
    uint32_t size = (uint32_t)(19 + n);
    put32(m, 1700000000);
    put8(m, type);
    put32(m, 42);
    put32(m, size);
    put32(m, (uint32_t)(m->n - 13 + size));
    put16(m, 0);
    put(m, body, n);
}

static void build(mem *m, const uint8_t *types, const uint8_t *meta, size_t mlen, size_t ncols,
                  const uint8_t *row, size_t rowlen)
{
    m->n = 0;
    put(m, "\xfe" "bin", 4);
    uint8_t fde[57 + 27];
    memset(fde, 0, sizeof fde);
    fde[0] = 4;
    memcpy(fde + 2, "5.5.33-log", 10);
    fde[56] = 19;
    for (int t = 1; t <= 27; t++)
        fde[57 + t - 1] = t == 2 ? 13 : t == 4 ? 8 : (t == 19 || (t >= 23 && t <= 25)) ? 8 : 0;
    event(m, 15, fde, sizeof fde);
    uint8_t tm[256];
    size_t k = 0;
    memcpy(tm, "\x07\0\0\0\0\0\x01\0", 8); /* table id 7, flags */
    k = 8;
    tm[k++] = 2; memcpy(tm + k, "db\0", 3); k += 3;
    tm[k++] = 1; memcpy(tm + k, "t\0", 2); k += 2;
    tm[k++] = (uint8_t)ncols;
    memcpy(tm + k, types, ncols); k += ncols;
    tm[k++] = (uint8_t)mlen;
    memcpy(tm + k, meta, mlen); k += mlen;
    tm[k++] = 0xff; /* nullable bitmap */
    event(m, 19, tm, k);
    uint8_t wr[512];
    k = 0;
    memcpy(wr, "\x07\0\0\0\0\0\x01\0", 8);
    k = 8;
    wr[k++] = (uint8_t)ncols;
    wr[k++] = 0xff; /* all columns present */
    memcpy(wr + k, row, rowlen);
    k += rowlen;
    event(m, 23, wr, k);
}

/* Decodes the single row and renders column i mysqlbinlog-style into out. */
static int first_row(mem *m, char out[][128], size_t ncols, ks_err *err)
{
    ks_binlog *b = NULL;
    int rc = ks_binlog_open(&b, mem_read, m, m->n, "synthetic", err);
    if (rc)
        return rc;
    ks_binlog_event ev;
    int result = KS_ENOTFOUND;
    while ((rc = ks_binlog_next(b, &ev, err)) == 0) {
        if (ev.type != 23)
            continue;
        rc = ks_binlog_rows_begin(b, &ev, err);
        if (rc) {
            result = rc;
            break;
        }
        ks_binlog_row r;
        rc = ks_binlog_rows_next(b, &r, err);
        if (rc) {
            result = rc;
            break;
        }
        for (size_t i = 0; i < ncols; i++) {
            ks_buf o;
            ks_buf_init(&o, 1024);
            ks_bv_format_mysqlbinlog(&o, &r.after[i]);
            snprintf(out[i], 128, "%s", o.data ? o.data : "");
            ks_buf_free(&o);
        }
        result = 0;
        break;
    }
    ks_binlog_free(b);
    return result;
}

KTEST(test_binlog_decodes_decimal_datetime2_time2_and_bit)
{
    /* DECIMAL(10,2), DATETIME2(3), TIME2(0), BIT(10), VARCHAR(20), TINY */
    const uint8_t types[] = {246, 18, 19, 16, 15, 1};
    const uint8_t meta[] = {10, 2, 3, 0, 2, 1, 20, 0};
    /* -1234.56: intg 8 -> 0 full groups + 8 digits in 4 bytes; frac 2 in 1 byte.
     * 00001234 | 56, sign bit set for positive, all inverted for negative. */
    uint8_t dec[5] = {0x80, 0x00, 0x04, 0xd2, 0x38};
    for (int i = 0; i < 5; i++)
        dec[i] = (uint8_t)~dec[i];
    /* 2024-02-29 13:14:15.678: ym = 2024*13+2, packed per MySQL TIME_to_longlong_datetime_packed */
    uint64_t ym = 2024ull * 13 + 2, ymd = (ym << 5) | 29, hms = (13ull << 12) | (14 << 6) | 15;
    uint64_t dt = ((ymd << 17) | hms) + 0x8000000000ull;
    uint8_t row[64];
    size_t k = 0;
    row[k++] = 0; /* null bitmap: none NULL */
    memcpy(row + k, dec, 5); k += 5;
    for (int i = 4; i >= 0; i--)
        row[k++] = (uint8_t)(dt >> (8 * i));
    /* fsp 3 stores the fraction in 2 bytes, in units of 1/10000 s: .678 -> 6780 */
    row[k++] = (uint8_t)(6780 >> 8);
    row[k++] = (uint8_t)(6780 & 0xff);
    /* TIME2 -01:02:03: packed int part = 0x800000 - ((1<<12)|(2<<6)|3) */
    uint32_t t2 = 0x800000u - ((1u << 12) | (2u << 6) | 3u);
    row[k++] = (uint8_t)(t2 >> 16); row[k++] = (uint8_t)(t2 >> 8); row[k++] = (uint8_t)t2;
    row[k++] = 0x02; row[k++] = 0xaa; /* BIT(10) = 10 1010 1010 */
    row[k++] = 3; memcpy(row + k, "a\nb", 3); k += 3;
    row[k++] = 0xff; /* TINY -1 */
    mem m;
    build(&m, types, meta, sizeof meta, 6, row, k);
    char out[6][128];
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(first_row(&m, out, 6, &err) == 0);
    KT_EQ_STR(out[0], "-1234.56");
    KT_EQ_STR(out[1], "'2024-02-29 13:14:15.678'");
    KT_EQ_STR(out[2], "'-01:02:03'");
    KT_EQ_STR(out[3], "b'1010101010'");
    KT_EQ_STR(out[4], "'a\\x0ab'");
    KT_EQ_STR(out[5], "-1 (255)");
}

KTEST(test_binlog_row_image_not_matching_table_map_is_reported_with_offset)
{
    /* VARCHAR(20) whose length byte claims 50 bytes inside a 3-byte image */
    const uint8_t types[] = {15};
    const uint8_t meta[] = {20, 0};
    uint8_t row[] = {0, 50, 'a', 'b'};
    mem m;
    build(&m, types, meta, sizeof meta, 1, row, sizeof row);
    char out[1][128];
    ks_err err;
    ks_err_clear(&err);
    KT_EQ_INT(first_row(&m, out, 1, &err), KS_ECORRUPT);
    KT_CHECK(strstr(err.msg, "does not match its table map at column 1") != NULL);
    KT_CHECK(err.offset > 0);
}

KTEST(test_binlog_rows_without_columns_do_not_loop)
{
    /* fuzz finding: a rows event whose column bitmap is empty has rows of zero bytes */
    const uint8_t types[] = {1};
    const uint8_t meta[] = {0};
    mem m;
    build(&m, types, meta, 0, 1, (const uint8_t *)"", 0);
    /* patch the rows event's present-columns bitmap (last byte before the row) to 0 and
     * add one byte of "row" */
    m.p[m.n - 1] = 0;
    m.p[m.n++] = 0;
    /* fix the event size field of the last event (+1) */
    size_t last = m.n - 1 - (19 + 8 + 1 + 1);
    m.p[last + 9] = (uint8_t)(m.p[last + 9] + 1);
    char out[1][128];
    ks_err err;
    ks_err_clear(&err);
    KT_EQ_INT(first_row(&m, out, 1, &err), KS_ECORRUPT);
}

KTEST(test_binlog_mysql_binary_json_renders_nested_document)
{
    /* {"a": 1, "b": [true, "x"]} in MySQL's binary form (small object / small array),
     * written by hand from json_binary.h: offsets relative to each container's count */
    static const uint8_t doc[] = {
        0x00,                                     /* small object */
        0x02, 0x00, 0x20, 0x00,                   /* 2 members, 32 bytes */
        0x12, 0x00, 0x01, 0x00, 0x13, 0x00, 0x01, 0x00, /* keys at 18 and 19, length 1 */
        0x05, 0x01, 0x00,                         /* int16 1, inlined */
        0x02, 0x14, 0x00,                         /* small array at 20 */
        'a', 'b',
        0x02, 0x00, 0x0c, 0x00,                   /* 2 elements, 12 bytes */
        0x04, 0x01, 0x00,                         /* literal true, inlined */
        0x0c, 0x0a, 0x00,                         /* string at 10 */
        0x01, 'x'};
    ks_buf b;
    ks_buf_init(&b, 4096);
    KT_EQ_INT(ks_mysql_json_render(&b, doc, sizeof doc), 0);
    KT_EQ_STR(b.data, "{\"a\": 1, \"b\": [true, \"x\"]}");
    ks_buf_reset(&b);
    /* the same with a lying size field: reported, not read past the value */
    uint8_t bad[sizeof doc];
    memcpy(bad, doc, sizeof doc);
    bad[3] = 0xff;
    KT_EQ_INT(ks_mysql_json_render(&b, bad, sizeof bad), KS_ECORRUPT);
    KT_EQ_INT(b.len, 0);
    ks_buf_free(&b);
}

/* `levels` nested single-element small arrays around a literal null */
static size_t nested_arrays(uint8_t *doc, int levels)
{
    size_t k = 0;
    doc[k++] = 0x02;
    for (int i = 0; i < levels; i++) {
        size_t remaining = (size_t)(levels - 1 - i) * 7 + 7;
        doc[k++] = 1;
        doc[k++] = 0;
        doc[k++] = (uint8_t)remaining;
        doc[k++] = (uint8_t)(remaining >> 8);
        doc[k++] = i < levels - 1 ? 0x02 : 0x04; /* nested array at offset 7, or null */
        doc[k++] = i < levels - 1 ? 7 : 0;
        doc[k++] = 0;
    }
    return k;
}

KTEST(test_binlog_mysql_binary_json_depth_is_capped)
{
    static uint8_t doc[1 + 200 * 7];
    ks_buf b;
    ks_buf_init(&b, 1 << 20);
    size_t k = nested_arrays(doc, 50);
    KT_EQ_INT(ks_mysql_json_render(&b, doc, k), 0);
    KT_CHECK(b.len == 50 * 2 + 4 && !memcmp(b.data, "[[[[", 4));
    ks_buf_reset(&b);
    k = nested_arrays(doc, 200);
    KT_EQ_INT(ks_mysql_json_render(&b, doc, k), KS_ECORRUPT);
    ks_buf_free(&b);
}
