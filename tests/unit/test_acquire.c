/* Unit tests for src/acquire/: the JSON span scanner, digests, the buffer pipe, the zstd
 * seekable writer/reader (including hostile seek tables) and the custody chain. */
#include "ktest.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acquire/aj.h"
#include "acquire/custody.h"
#include "acquire/digest.h"
#include "acquire/pipe.h"
#include "acquire/zseek.h"

static ks_str S(const char *s)
{
    return (ks_str){s, strlen(s)};
}

KTEST(test_aj_quote_escapes_controls_quotes_and_invalid_utf8)
{
    ks_buf b;
    ks_buf_init(&b, 0);
    const char in[] = "a\"b\\c\n\x1b[31m\xff\xe9\x9b\xbb";
    KT_EQ_INT(ks_aj_quote(&b, in, sizeof in - 1), 0);
    KT_EQ_STR(b.data, "\"a\\\"b\\\\c\\u000a\\u001b[31m\\ufffd\xe9\x9b\xbb\"");
    ks_buf_free(&b);
}

KTEST(test_aj_get_finds_member_and_skips_nested_values)
{
    ks_str v;
    const char *doc = "{\"a\": [1, {\"x\": \"}\"}], \"hashes\": {\"md5\": \"ab\"}, \"n\": 42}";
    KT_EQ_INT(ks_aj_get(S(doc), "n", &v, NULL), 0);
    KT_EQ_MEM(v.p, v.n, "42");
    ks_str h;
    KT_EQ_INT(ks_aj_get(S(doc), "hashes", &h, NULL), 0);
    KT_EQ_INT(ks_aj_get(h, "md5", &v, NULL), 0);
    KT_EQ_MEM(v.p, v.n, "\"ab\"");
    KT_EQ_INT(ks_aj_get(S(doc), "x", &v, NULL), KS_ENOTFOUND); /* nested keys are not members */
}

KTEST(test_aj_rejects_unterminated_and_overdeep_input)
{
    size_t pos = 0;
    KT_EQ_INT(ks_aj_skip("{\"a\": \"open", 11, &pos), KS_ECORRUPT);
    char deep[200];
    memset(deep, '[', sizeof deep);
    pos = 0;
    KT_EQ_INT(ks_aj_skip(deep, sizeof deep, &pos), KS_ELIMIT);
    pos = 0;
    KT_EQ_INT(ks_aj_skip("[1,]", 4, &pos), KS_ECORRUPT);
    uint64_t u;
    KT_EQ_INT(ks_aj_u64(S("18446744073709551616"), &u), KS_ECORRUPT); /* 2^64 overflows */
    KT_EQ_INT(ks_aj_u64(S("18446744073709551615"), &u), 0);
}

KTEST(test_aj_string_decodes_escapes_and_surrogate_pairs)
{
    ks_buf b;
    ks_buf_init(&b, 0);
    KT_EQ_INT(ks_aj_string(S("\"a\\n\\u00e9\\ud83d\\ude00\\\"\""), &b), 0);
    KT_EQ_STR(b.data, "a\n\xc3\xa9\xf0\x9f\x98\x80\"");
    ks_buf_free(&b);
}

KTEST(test_digest_known_vectors_for_abc)
{
    static const char *want[] = {"900150983cd24fb0d6963f7d28e17f72", "a9993e364706816aba3e25717850c26c9cd0d89d",
                                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"};
    for (int a = 0; a < KS_DALG_COUNT; a++) {
        ks_digest *d = NULL;
        char hex[65];
        KT_REQUIRE(ks_digest_new(&d, (ks_dalg)a) == 0);
        ks_digest_update(d, "abc", 3);
        ks_digest_final_hex(d, hex);
        KT_EQ_STR(hex, want[a]);
        ks_digest_free(d);
    }
    KT_EQ_INT(ks_dalg_from_name("SHA-256", 7), KS_SHA256);
    KT_EQ_INT(ks_dalg_from_hexlen(40), KS_SHA1);
}

typedef struct sum_ctx {
    uint64_t sum, bytes, next_off;
    int fail_at; /* consume call index that fails, -1 never */
    int calls;
    int order_ok;
} sum_ctx;

static int sum_consume(void *ctx, const uint8_t *p, size_t n, uint64_t off, ks_err *err)
{
    sum_ctx *c = ctx;
    if (off != c->next_off)
        c->order_ok = 0;
    c->next_off = off + n;
    for (size_t i = 0; i < n; i++)
        c->sum = c->sum * 31 + p[i];
    c->bytes += n;
    if (c->calls++ == c->fail_at)
        return KS_ERR(err, KS_EIO, "injected");
    return 0;
}

KTEST(test_pipe_every_consumer_sees_every_byte_in_order)
{
    sum_ctx c[3];
    ks_pipe_consumer cons[3];
    memset(cons, 0, sizeof cons);
    for (int i = 0; i < 3; i++) {
        memset(&c[i], 0, sizeof c[i]);
        c[i].fail_at = -1;
        c[i].order_ok = 1;
        cons[i].consume = sum_consume;
        cons[i].ctx = &c[i];
    }
    ks_pipe *p = NULL;
    KT_REQUIRE(ks_pipe_start(&p, 3, 1000, cons, 3, NULL) == 0);
    uint64_t expect = 0;
    for (int blk = 0; blk < 50; blk++) {
        uint8_t *b = ks_pipe_slot(p);
        KT_REQUIRE(b != NULL);
        size_t n = 1 + (size_t)(blk * 37) % 1000;
        for (size_t i = 0; i < n; i++) {
            b[i] = (uint8_t)(blk + i);
            expect = expect * 31 + b[i];
        }
        ks_pipe_publish(p, n);
    }
    KT_EQ_INT(ks_pipe_finish(p, 0), 0);
    for (int i = 0; i < 3; i++) {
        KT_CHECK(c[i].sum == expect);
        KT_CHECK(c[i].order_ok);
    }
}

KTEST(test_pipe_failing_consumer_stops_the_producer)
{
    sum_ctx c[2];
    ks_pipe_consumer cons[2];
    memset(cons, 0, sizeof cons);
    for (int i = 0; i < 2; i++) {
        memset(&c[i], 0, sizeof c[i]);
        c[i].fail_at = i == 1 ? 3 : -1;
        cons[i].consume = sum_consume;
        cons[i].ctx = &c[i];
    }
    ks_pipe *p = NULL;
    KT_REQUIRE(ks_pipe_start(&p, 2, 100, cons, 2, NULL) == 0);
    int produced = 0;
    for (int blk = 0; blk < 1000; blk++) {
        uint8_t *b = ks_pipe_slot(p);
        if (!b)
            break;
        memset(b, 1, 100);
        ks_pipe_publish(p, 100);
        produced++;
    }
    KT_EQ_INT(ks_pipe_finish(p, 0), KS_EIO);
    KT_CHECK(produced < 1000);
    KT_EQ_STR(cons[1].err.msg, "injected");
}

static char *tmpfile_path(const char *tag)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/ks_unit_%s_%d", tag, (int)getpid());
    unlink(path);
    return path;
}

static int write_zseek_mt(const char *path, const uint8_t *data, size_t n, uint32_t frame, size_t workers)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ks_zseek_w *w = NULL;
    int rc = ks_zseek_w_new_mt(&w, fd, path, 1, frame, workers, NULL);
    /* odd-sized writes so frames fill across calls */
    for (size_t off = 0; !rc && off < n; off += 7919)
        rc = ks_zseek_w_write(w, data + off, n - off < 7919 ? n - off : 7919, NULL);
    if (!rc)
        rc = ks_zseek_w_close(w, NULL);
    ks_zseek_w_free(w);
    close(fd);
    return rc;
}

static int write_zseek(const char *path, const uint8_t *data, size_t n, uint32_t frame)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ks_zseek_w *w = NULL;
    int rc = ks_zseek_w_new(&w, fd, path, 1, frame, NULL);
    if (!rc)
        rc = ks_zseek_w_write(w, data, n, NULL);
    if (!rc)
        rc = ks_zseek_w_close(w, NULL);
    ks_zseek_w_free(w);
    close(fd);
    return rc;
}

KTEST(test_zseek_roundtrip_random_reads_match_source)
{
    size_t n = 300000;
    uint8_t *data = malloc(n), *got = malloc(n);
    KT_REQUIRE(data && got);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245 + 12345;
        data[i] = (uint8_t)(i % 3 ? x >> 24 : 0);
    }
    char *path = tmpfile_path("zs");
    KT_REQUIRE(write_zseek(path, data, n, 4096) == 0);
    ks_zseek *z = NULL;
    ks_err e;
    KT_REQUIRE(ks_zseek_open(&z, path, &e) == 0);
    KT_EQ_INT(ks_zseek_size(z), n);
    KT_EQ_INT(ks_zseek_frames(z), (n + 4095) / 4096);
    static const uint64_t offs[] = {0, 1, 4095, 4096, 123457, 299990, 250000};
    for (size_t k = 0; k < sizeof offs / sizeof offs[0]; k++) {
        size_t want = 10000, got_n = 0;
        KT_EQ_INT(ks_zseek_pread(z, got, want, offs[k], &got_n, &e), 0);
        size_t expect = offs[k] + want <= n ? want : n - offs[k];
        KT_EQ_INT(got_n, expect);
        KT_CHECK(memcmp(got, data + offs[k], got_n) == 0);
    }
    size_t g = 1;
    KT_EQ_INT(ks_zseek_pread(z, got, 10, n, &g, &e), 0);
    KT_EQ_INT(g, 0);
    ks_zseek_close(z);
    unlink(path);
    free(data);
    free(got);
}

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static int open_bytes(const uint8_t *p, size_t n, ks_err *e)
{
    char *path = tmpfile_path("zh");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (write(fd, p, n) != (ssize_t)n) {
        close(fd);
        return -99;
    }
    close(fd);
    ks_zseek *z = NULL;
    int rc = ks_zseek_open(&z, path, e);
    ks_zseek_close(z);
    unlink(path);
    return rc;
}

KTEST(test_zseek_rejects_hostile_seek_tables)
{
    ks_err e;
    uint8_t f[64];
    memset(f, 0, sizeof f);
    /* a footer claiming 2^32-1 frames in a 17-byte file: refused before allocating */
    le32(f, 0x184D2A5E);
    le32(f + 4, 9);
    le32(f + 8, 0xffffffffu);
    f[12] = 0;
    le32(f + 13, 0x8F92EAB1);
    KT_EQ_INT(open_bytes(f, 17, &e), KS_ECORRUPT);
    KT_CHECK(strstr(e.msg, "more than the file can hold") != NULL);
    /* reserved descriptor bits */
    le32(f + 8, 0);
    f[12] = 0x04;
    KT_EQ_INT(open_bytes(f, 17, &e), KS_ECORRUPT);
    /* one entry whose compressed size does not add up to where the table starts */
    memset(f, 0, sizeof f);
    le32(f, 0x184D2A5E);
    le32(f + 4, 17);
    le32(f + 8, 100);   /* compressed */
    le32(f + 12, 4096); /* decompressed */
    le32(f + 16, 1);
    f[20] = 0;
    le32(f + 21, 0x8F92EAB1);
    KT_EQ_INT(open_bytes(f, 25, &e), KS_ECORRUPT);
    /* no magic at all */
    KT_EQ_INT(open_bytes((const uint8_t *)"hello world, not zstd", 21, &e), KS_ECORRUPT);
    /* an empty table is a valid empty image */
    memset(f, 0, sizeof f);
    le32(f, 0x184D2A5E);
    le32(f + 4, 9);
    le32(f + 13, 0x8F92EAB1);
    KT_EQ_INT(open_bytes(f, 17, &e), 0);
}

KTEST(test_zseek_frame_with_wrong_content_is_corrupt_not_crash)
{
    uint8_t data[10000];
    memset(data, 'A', sizeof data);
    char *path = tmpfile_path("zc");
    KT_REQUIRE(write_zseek(path, data, sizeof data, 4096) == 0);
    /* flip a byte inside frame 0's compressed data */
    int fd = open(path, O_RDWR);
    uint8_t b;
    KT_REQUIRE(pread(fd, &b, 1, 8) == 1);
    b ^= 0x55;
    KT_REQUIRE(pwrite(fd, &b, 1, 8) == 1);
    close(fd);
    ks_zseek *z = NULL;
    ks_err e;
    KT_REQUIRE(ks_zseek_open(&z, path, &e) == 0);
    uint8_t out[100];
    size_t got = 0;
    KT_EQ_INT(ks_zseek_pread(z, out, sizeof out, 0, &got, &e), KS_ECORRUPT);
    KT_EQ_INT(e.offset, 0);
    /* the other frames still read */
    KT_EQ_INT(ks_zseek_pread(z, out, sizeof out, 5000, &got, &e), 0);
    KT_EQ_INT(got, 100);
    ks_zseek_close(z);
    unlink(path);
}

static int count_cb(void *ctx, size_t seq, ks_str line)
{
    (*(size_t *)ctx)++;
    return 0;
}

KTEST(test_custody_append_chains_and_verify_detects_edit)
{
    char dir[256];
    snprintf(dir, sizeof dir, "/tmp/ks_unit_case_%d", (int)getpid());
    ks_err e;
    ks_custody_entry ce;
    memset(&ce, 0, sizeof ce);
    ce.action = "add";
    ce.item = "disk \"1\"";
    ce.examiner = "unit";
    ce.host = "h";
    ce.note = "line1\nline2";
    char h1[65], h2[65];
    KT_REQUIRE(ks_custody_append(dir, &ce, h1, &e) == 0);
    ce.action = "handover";
    ce.to = "bob";
    ks_custody_key key;
    KT_REQUIRE(ks_custody_keygen(&key, &e) == 0);
    ce.key = &key;
    KT_REQUIRE(ks_custody_append(dir, &ce, h2, &e) == 0);
    ks_custody_report rep;
    size_t n = 0;
    KT_EQ_INT(ks_custody_verify(dir, NULL, count_cb, &n, &rep, &e), 0);
    KT_EQ_INT(rep.entries, 2);
    KT_EQ_INT(rep.signed_entries, 1);
    KT_EQ_INT(n, 2);
    /* edit one byte of entry 1's note */
    char path[300];
    snprintf(path, sizeof path, "%s/custody.jsonl", dir);
    int fd = open(path, O_RDWR);
    char buf[4096];
    ssize_t len = pread(fd, buf, sizeof buf, 0);
    KT_REQUIRE(len > 0);
    char *p = memmem(buf, (size_t)len, "line1", 5);
    KT_REQUIRE(p != NULL);
    KT_REQUIRE(pwrite(fd, "LINE1", 5, p - buf) == 5);
    close(fd);
    KT_EQ_INT(ks_custody_verify(dir, NULL, NULL, NULL, &rep, &e), KS_ECORRUPT);
    KT_EQ_INT(e.line, 1);
    KT_CHECK(strstr(e.msg, "edited") != NULL);
    unlink(path);
    rmdir(dir);
}

KTEST(test_custody_field_decodes_json_strings)
{
    ks_buf b;
    ks_buf_init(&b, 0);
    KT_EQ_INT(ks_custody_field(S("{\"seq\":3,\"item\":\"a\\\"b\"}"), "item", &b), 0);
    KT_EQ_STR(b.data, "a\"b");
    KT_EQ_INT(ks_custody_field(S("{\"seq\":3}"), "seq", &b), 0);
    KT_EQ_STR(b.data, "3");
    KT_EQ_INT(ks_custody_field(S("{\"seq\":3}"), "none", &b), 0);
    KT_EQ_INT(b.len, 0);
    ks_buf_free(&b);
}

#include "acquire/remote.h"

KTEST(test_remote_url_parses_user_host_port_path)
{
    char u[64], h[64], p[128];
    unsigned port = 0;
    ks_err e;
    KT_EQ_INT(ks_remote_parse_url("ssh://ec2-user@10.0.1.5:2222/dev/nvme1n1", u, sizeof u, h, sizeof h,
                                  &port, p, sizeof p, &e), 0);
    KT_EQ_STR(u, "ec2-user");
    KT_EQ_STR(h, "10.0.1.5");
    KT_EQ_INT(port, 2222);
    KT_EQ_STR(p, "/dev/nvme1n1");
    KT_EQ_INT(ks_remote_parse_url("ssh://host/dev/xvda", u, sizeof u, h, sizeof h, &port, p, sizeof p, &e), 0);
    KT_EQ_STR(u, "");
    KT_EQ_INT(port, 0);
}

KTEST(test_remote_url_refuses_shell_metacharacters_and_options)
{
    char u[64], h[64], p[128];
    unsigned port;
    ks_err e;
    static const char *bad[] = {
        "ssh://host/dev/sda;reboot", "ssh://host/dev/$(id)", "ssh://-oProxyCommand=x/dev/sda",
        "ssh://host/dev/../etc/shadow", "ssh://host:99999/dev/sda", "ssh://host:/dev/sda",
        "ssh://us'er@host/dev/sda", "ssh://host", "ssh://host/dev/sd a", "http://host/dev/sda",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = ks_remote_parse_url(bad[i], u, sizeof u, h, sizeof h, &port, p, sizeof p, &e);
        if (rc != KS_EUSAGE)
            KT_FAIL_("accepted %s", bad[i]);
    }
}

#include "acquire/verify.h"

KTEST(test_hashlist_parses_gnu_binary_and_bsd_lines_and_merges_names)
{
    const char *text = "# made by hand\n"
                       "d41d8cd98f00b204e9800998ecf8427e  disk.raw\n"
                       "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709 *disk.raw\r\n"
                       "\n"
                       "SHA256 (other (1).raw) = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n";
    ks_buf b;
    ks_buf_init(&b, 0);
    ks_buf_puts(&b, text);
    ks_hashlist_entry *v = NULL;
    size_t n = 0;
    ks_err e;
    KT_REQUIRE(ks_hashlist_parse(&b, &v, &n, "list", &e) == 0);
    KT_EQ_INT(n, 2);
    KT_EQ_STR(v[0].name, "disk.raw");
    KT_EQ_STR(v[0].hash[KS_MD5], "d41d8cd98f00b204e9800998ecf8427e");
    KT_EQ_STR(v[0].hash[KS_SHA1], "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    KT_EQ_STR(v[1].name, "other (1).raw");
    KT_EQ_INT(strlen(v[1].hash[KS_SHA256]), 64);
    ks_hashlist_free(v, n);
    ks_buf_free(&b);
}

KTEST(test_hashlist_rejects_wrong_length_and_names_the_line)
{
    ks_buf b;
    ks_buf_init(&b, 0);
    ks_buf_puts(&b, "d41d8cd98f00b204e9800998ecf8427e  a\nd41d8cd98f00b204e9800998ecf8427  b\n");
    ks_hashlist_entry *v = NULL;
    size_t n = 0;
    ks_err e;
    KT_EQ_INT(ks_hashlist_parse(&b, &v, &n, "list", &e), KS_ECORRUPT);
    KT_EQ_INT(e.line, 2);
    ks_buf_reset(&b);
    ks_buf_puts(&b, "MD5 (x) = d41d8cd98f00b204e9800998ecf8427e00\n");
    KT_EQ_INT(ks_hashlist_parse(&b, &v, &n, "list", &e), KS_ECORRUPT);
    ks_buf_free(&b);
}

KTEST(test_hashlist_rejects_nul_in_names_fuzz_crash_0c78f719)
{
    /* tests/fuzz/corpus/fuzz_hashlist/crash-0c78f719...: a name of NUL bytes then "a.raw"
     * was accepted as an empty name */
    static const char line[] = "d41d41D8cd98f00D89800998ecf8427e *\0\0\0\0\0\0\0\0\0\0\0a.raw\n";
    ks_buf b;
    ks_buf_init(&b, 0);
    ks_buf_append(&b, line, sizeof line - 1);
    ks_hashlist_entry *v = NULL;
    size_t n = 0;
    ks_err e;
    KT_EQ_INT(ks_hashlist_parse(&b, &v, &n, "list", &e), KS_ECORRUPT);
    ks_buf_free(&b);
}

KTEST(test_zseek_parallel_and_inline_writers_produce_identical_files)
{
    size_t n = 1000000;
    uint8_t *data = malloc(n);
    KT_REQUIRE(data != NULL);
    uint32_t x = 777;
    for (size_t i = 0; i < n; i++) {
        x = x * 1664525 + 1013904223;
        data[i] = (uint8_t)(i & 1024 ? x >> 24 : i);
    }
    char a[300], b[300];
    snprintf(a, sizeof a, "%s", tmpfile_path("mt0"));
    snprintf(b, sizeof b, "%s", tmpfile_path("mt3"));
    KT_REQUIRE(write_zseek_mt(a, data, n, 4096, 0) == 0);
    KT_REQUIRE(write_zseek_mt(b, data, n, 4096, 3) == 0);
    ks_buf fa, fb;
    ks_buf_init(&fa, 0);
    ks_buf_init(&fb, 0);
    int fda = open(a, O_RDONLY), fdb = open(b, O_RDONLY);
    char tmp[65536];
    ssize_t r;
    while ((r = read(fda, tmp, sizeof tmp)) > 0)
        ks_buf_append(&fa, tmp, (size_t)r);
    while ((r = read(fdb, tmp, sizeof tmp)) > 0)
        ks_buf_append(&fb, tmp, (size_t)r);
    close(fda);
    close(fdb);
    KT_CHECK(fa.len > 0 && fa.len == fb.len && memcmp(fa.data, fb.data, fa.len) == 0);
    ks_zseek *z = NULL;
    ks_err e;
    KT_REQUIRE(ks_zseek_open(&z, b, &e) == 0);
    uint8_t *back = malloc(n);
    size_t got = 0;
    KT_EQ_INT(ks_zseek_pread(z, back, n, 0, &got, &e), 0);
    KT_EQ_INT(got, n);
    KT_CHECK(memcmp(back, data, n) == 0);
    ks_zseek_close(z);
    free(back);
    ks_buf_free(&fa);
    ks_buf_free(&fb);
    unlink(a);
    unlink(b);
    free(data);
}
