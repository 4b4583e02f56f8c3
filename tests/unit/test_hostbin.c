/* test_hostbin.c — the binary host log readers on records built here from the documented
 * layouts (see the block comments of src/parsers/host/{utmp,pacct,journal}.c): the cases
 * the corpus does not have (384-byte big-endian utmp, comp_t exponents, journal objects
 * that point where they should not). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "parsers/host/hostbin.h"
#include "store/store.h"

static void put16(uint8_t *p, uint16_t v, int be)
{
    p[be ? 0 : 1] = (uint8_t)(v >> 8);
    p[be ? 1 : 0] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v, int be)
{
    for (int i = 0; i < 4; i++)
        p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

typedef struct qres {
    char text[512];
} qres;

static int first_col(void *ctx, int ncols, const char *const *names, const char *const *vals,
                     const size_t *lens, const char *types)
{
    qres *r = ctx;
    if (!vals)
        return 0;
    size_t n = strlen(r->text);
    snprintf(r->text + n, sizeof r->text - n, "%s%s", n ? ";" : "", vals[0] ? vals[0] : "NULL");
    return 0;
}

/* Parses buf as `name` with parser p into a fresh memory store; returns the store. */
static ks_store *run(const ks_parser *p, const char *name, const void *buf, size_t n,
                     int *out_rc, int64_t *out_errors)
{
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_store_open_memory(&st, &err))
        return NULL;
    for (const ks_table_def *const *t = p->tables; *t; t++)
        ks_store_declare(st, *t, &err);
    ks_evidence_info ev = {name, name, NULL, "0", (int64_t)n, ""};
    ks_sink *sink = NULL;
    if (ks_store_member_begin(st, &ev, p->name, &sink, &err)) {
        ks_store_close(st);
        return NULL;
    }
    ks_mem_input m;
    ks_input in;
    ks_input_mem(&in, &m, buf, n, name);
    ks_parse_ctx ctx = {&in, name, sink, NULL, 0};
    *out_rc = p->parse(&ctx, &err);
    *out_errors = ks_sink_errors(sink);
    ks_store_member_end(st, sink, *out_rc ? "failed" : "parsed", NULL, &err);
    return st;
}

static const char *q(ks_store *st, const char *sql, qres *r)
{
    ks_err err;
    r->text[0] = '\0';
    if (ks_store_query(st, sql, NULL, 0, first_col, r, &err))
        return "(query failed)";
    return r->text;
}

KTEST(test_hostbin_utmp_384_big_endian_detected)
{
    uint8_t f[3 * 384];
    memset(f, 0, sizeof f);
    for (int i = 0; i < 3; i++) {
        uint8_t *r = f + 384 * i;
        put16(r, i == 0 ? 2 : 7, 1);
        put32(r + 4, 100 + (uint32_t)i, 1);
        memcpy(r + 8, "pts/1", 5);
        memcpy(r + 44, i == 0 ? "reboot" : "bob", i == 0 ? 6 : 3);
        put32(r + 340, 1700000000u + (uint32_t)i, 1);
        put32(r + 344, 250000, 1);
        r[348] = 192, r[349] = 0, r[350] = 2, r[351] = 1;
    }
    int rc;
    int64_t errors;
    ks_store *st = run(&ks_parser_utmp, "var/log/wtmp", f, sizeof f, &rc, &errors);
    KT_REQUIRE(st);
    qres r;
    KT_EQ_INT(rc, 0);
    KT_EQ_INT(errors, 0);
    KT_EQ_STR(q(st, "SELECT layout||','||pid||','||user||','||addr||','||time FROM utmp ORDER BY id", &r),
              "384be,100,reboot,192.0.2.1,2023-11-14T22:13:20.250000000Z;"
              "384be,101,bob,192.0.2.1,2023-11-14T22:13:21.250000000Z;"
              "384be,102,bob,192.0.2.1,2023-11-14T22:13:22.250000000Z");
    KT_EQ_STR(q(st, "SELECT action FROM events ORDER BY id", &r), "boot;login;login");
    ks_store_close(st);
    KT_EQ_INT(ks_parser_utmp.sniff(f, sizeof f, "x"), 70);
}

KTEST(test_hostbin_pacct_comp_t_and_float)
{
    uint8_t f[64];
    memset(f, 0, sizeof f);
    f[0] = 0x10; /* AXSIG */
    f[1] = 3;
    put32(f + 8, 1000, 0);
    put32(f + 16, 4242, 0);
    put32(f + 20, 1, 0);
    put32(f + 24, 1700000000u, 0);
    put32(f + 28, 0x449a4000u, 0); /* 1234.0f ticks */
    put16(f + 32, 0x2001, 0);      /* mantissa 1, exponent 1: 8 ticks */
    put16(f + 36, 0x4005, 0);      /* 5 << 6 = 320 KiB */
    memcpy(f + 48, "sixteen-chars-xx", 16); /* a full-length comm has no NUL */
    int rc;
    int64_t errors;
    ks_store *st = run(&ks_parser_pacct, "pacct", f, sizeof f, &rc, &errors);
    KT_REQUIRE(st);
    qres r;
    KT_EQ_INT(rc, 0);
    KT_EQ_STR(q(st, "SELECT comm||','||etime||','||utime||','||mem||','||flags||','||pid FROM pacct", &r),
              "sixteen-chars-xx,12.34,0.08,320,X,4242");
    KT_EQ_STR(q(st, "SELECT actor||','||outcome||','||time FROM events", &r),
              "1000,killed,2023-11-14T22:13:20.000000000Z");
    ks_store_close(st);
}

/* A journal with one ENTRY whose items point at the entry itself, at the header, past the
 * end and at a DATA object; then an object whose size runs past the arena. */
KTEST(test_hostbin_journal_hostile_items_and_sizes)
{
    enum { H = 264 };
    uint8_t f[H + 72 + 128 + 16];
    memset(f, 0, sizeof f);
    memcpy(f, "LPKSHHRH", 8);
    put64(f + 88, H);
    put64(f + 96, sizeof f - H);
    put64(f + 152, 1);
    uint8_t *d = f + H; /* DATA "A=b" */
    d[0] = 1;
    put64(d + 8, 64 + 3);
    memcpy(d + 64, "A=b", 3);
    uint8_t *e = f + H + 72; /* ENTRY, 4 items: self, header, beyond, data */
    e[0] = 3;
    put64(e + 8, 64 + 4 * 16);
    put64(e + 16, 7);
    put64(e + 24, 1700000000000000ull);
    put64(e + 64, H + 72);
    put64(e + 80, 8);
    put64(e + 96, 1u << 30);
    put64(e + 112, H);
    uint8_t *bad = e + 128; /* object claiming 4 GiB */
    bad[0] = 6;
    put64(bad + 8, 1ull << 32);
    int rc;
    int64_t errors;
    ks_store *st = run(&ks_parser_journal, "x.journal", f, sizeof f, &rc, &errors);
    KT_REQUIRE(st);
    qres r;
    KT_EQ_INT(rc, 0);
    KT_EQ_INT(errors, 1);
    KT_EQ_STR(q(st, "SELECT seqnum||','||realtime||','||fields FROM journal", &r),
              "7,2023-11-14T22:13:20.000000000Z,{\"A\":\"b\"}");
    ks_store_close(st);
    /* not a journal at all: a clear refusal */
    st = run(&ks_parser_journal, "y.journal", "INVALID\n", 8, &rc, &errors);
    KT_REQUIRE(st);
    KT_EQ_INT(rc, KS_ECORRUPT);
    ks_store_close(st);
}
