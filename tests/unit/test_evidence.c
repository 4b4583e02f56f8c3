/* Unit tests of the evidence layers with small inputs: the peek/head buffer, sniffing,
 * decompression through ks_open_fd and the walker over a memfd. Compressed inputs are made
 * here with zlib itself, not typed in. */
#include "ktest.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "core/hash.h"
#include "evidence/ev_internal.h"
#include "evidence/evidence.h"

/* A source that hands out `data` at most `chunk` bytes per read, then optionally fails. */
typedef struct trickle {
    const char *data;
    size_t len, pos, chunk;
    int fail_rc; /* returned once data is exhausted, or 0 for end of input */
} trickle;

static int trickle_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    trickle *t = ctx;
    size_t n = t->len - t->pos;
    if (n == 0 && t->fail_rc)
        return KS_ERR_AT(err, t->fail_rc, "trickle", -1, (int64_t)t->pos, "source failed");
    if (n > t->chunk)
        n = t->chunk;
    if (n > len)
        n = len;
    memcpy(buf, t->data + t->pos, n);
    t->pos += n;
    *out_n = n;
    return 0;
}

/* Reads everything from `in` in `chunk`-byte reads; returns the final status. */
static int drain(ks_input *in, char *out, size_t cap, size_t chunk, size_t *out_len, ks_err *err)
{
    size_t total = 0;
    for (int guard = 0; guard < 1000000; guard++) {
        size_t n = 0;
        size_t want = chunk < cap - total ? chunk : cap - total;
        if (want == 0)
            want = 1; /* must still see end of input or an error */
        char tmp[1];
        char *dst = total < cap ? out + total : tmp;
        int rc = in->read(in->ctx, dst, want, &n, err);
        if (rc != 0 || n == 0) {
            *out_len = total;
            return rc;
        }
        if (total >= cap)
            return -999; /* more content than expected */
        total += n;
    }
    return -998;
}

KTEST(test_peek_head_then_reads_start_at_offset_zero)
{
    trickle t = {"hello world", 11, 0, 3, 0};
    ks_input src = {trickle_read, &t, "t"};
    ks_ev_peek *p = NULL;
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(ks_ev_peek_new(&p, &src, 5, 0, "t", &err) == 0);
    KT_EQ_INT(ks_ev_peek_fill(p, &err), 0);
    KT_EQ_MEM(p->buf, p->len, "hello");
    char out[64];
    size_t n = 0;
    KT_EQ_INT(drain(&p->base.in, out, sizeof out, 4, &n, &err), 0);
    KT_EQ_MEM(out, n, "hello world");
    KT_EQ_INT(p->delivered, 11);
    p->base.destroy(&p->base);
}

KTEST(test_peek_head_is_whole_input_when_shorter_than_cap)
{
    trickle t = {"abc", 3, 0, 1, 0};
    ks_input src = {trickle_read, &t, "t"};
    ks_ev_peek *p = NULL;
    KT_REQUIRE(ks_ev_peek_new(&p, &src, KS_EV_HEAD_MAX, 0, "t", NULL) == 0);
    KT_EQ_INT(ks_ev_peek_fill(p, NULL), 0);
    KT_EQ_MEM(p->buf, p->len, "abc");
    char out[8];
    size_t n = 0;
    KT_EQ_INT(drain(&p->base.in, out, sizeof out, 100, &n, NULL), 0);
    KT_EQ_MEM(out, n, "abc");
    p->base.destroy(&p->base);
}

KTEST(test_peek_error_while_filling_comes_after_buffered_bytes)
{
    trickle t = {"abcdef", 6, 0, 2, KS_ECORRUPT};
    ks_input src = {trickle_read, &t, "t"};
    ks_ev_peek *p = NULL;
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(ks_ev_peek_new(&p, &src, 100, 0, "t", &err) == 0);
    KT_EQ_INT(ks_ev_peek_fill(p, &err), 0); /* the error is kept, not returned */
    KT_EQ_MEM(p->buf, p->len, "abcdef");
    char out[16];
    size_t n = 0;
    KT_EQ_INT(drain(&p->base.in, out, sizeof out, 4, &n, &err), KS_ECORRUPT);
    KT_EQ_MEM(out, n, "abcdef");
    KT_EQ_INT(err.offset, 6);
    p->base.destroy(&p->base);
}

KTEST(test_peek_limit_stops_delivery_with_elimit)
{
    trickle t = {"0123456789", 10, 0, 10, 0};
    ks_input src = {trickle_read, &t, "t"};
    ks_ev_peek *p = NULL;
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(ks_ev_peek_new(&p, &src, 2, 4, "t", &err) == 0);
    KT_EQ_INT(ks_ev_peek_fill(p, &err), 0);
    char out[16];
    size_t n = 0;
    KT_EQ_INT(drain(&p->base.in, out, sizeof out, 3, &n, &err), KS_ELIMIT);
    KT_EQ_MEM(out, n, "0123");
    KT_CHECK(strstr(err.msg, "limit of 4 bytes") != NULL);
    p->base.destroy(&p->base);
}

static void make_tar_header(uint8_t h[512])
{
    memset(h, 0, 512);
    memcpy(h, "a.txt", 5);
    memcpy(h + 100, "0000644", 7);
    memcpy(h + 124, "00000000000", 11);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    unsigned sum = 0;
    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
}

KTEST(test_sniff_detects_formats_by_magic_bytes)
{
    static const uint8_t gz[] = {0x1f, 0x8b, 8, 0};
    static const uint8_t gz_reserved_flag[] = {0x1f, 0x8b, 8, 0x80};
    static const uint8_t zs[] = {0x28, 0xb5, 0x2f, 0xfd};
    static const uint8_t skippable[] = {0x5a, 0x2a, 0x4d, 0x18};
    static const uint8_t xz[] = {0xfd, '7', 'z', 'X', 'Z', 0};
    uint8_t tar[512];
    make_tar_header(tar);
    KT_EQ_INT(ks_ev_sniff(gz, sizeof gz), KS_EV_GZIP);
    KT_EQ_INT(ks_ev_sniff(zs, sizeof zs), KS_EV_ZSTD);
    KT_EQ_INT(ks_ev_sniff(skippable, sizeof skippable), KS_EV_ZSTD);
    KT_EQ_INT(ks_ev_sniff((const uint8_t *)"BZh91AY&SY", 10), KS_EV_BZIP2);
    KT_EQ_INT(ks_ev_sniff((const uint8_t *)"BZh1 is a log line", 18), KS_EV_PLAIN);
    KT_EQ_INT(ks_ev_sniff((const uint8_t *)"BZh01AY&SY", 10), KS_EV_PLAIN);
    KT_EQ_INT(ks_ev_sniff(xz, sizeof xz), KS_EV_XZ);
    KT_EQ_INT(ks_ev_sniff((const uint8_t *)"PK\3\4", 4), KS_EV_ZIP);
    KT_EQ_INT(ks_ev_sniff(tar, sizeof tar), KS_EV_TAR);
    tar[0] ^= 1; /* checksum no longer matches */
    KT_EQ_INT(ks_ev_sniff(tar, sizeof tar), KS_EV_PLAIN);
    KT_EQ_INT(ks_ev_sniff((const uint8_t *)"{\"a\":1}", 7), KS_EV_PLAIN);
    KT_EQ_INT(ks_ev_sniff(gz, 2), KS_EV_PLAIN); /* too short to be sure */
    KT_EQ_INT(ks_ev_sniff(gz_reserved_flag, 4), KS_EV_PLAIN);
    KT_EQ_INT(ks_ev_sniff(NULL, 0), KS_EV_PLAIN);
}

/* gzip member of `s` made with zlib (windowBits 31 = gzip wrapper). */
static size_t gzip_mem(const char *s, uint8_t *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    z.next_in = (Bytef *)(uintptr_t)s;
    z.avail_in = (uInt)strlen(s);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int r = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return r == Z_STREAM_END ? n : 0;
}

static int memfd_with(const void *p, size_t n)
{
    int fd = memfd_create("ks_unit", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (n && write(fd, p, n) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

KTEST(test_open_fd_decodes_multi_member_gzip_in_one_byte_reads)
{
    uint8_t gz[512];
    size_t a = gzip_mem("first member\n", gz, sizeof gz);
    size_t b = gzip_mem("second member\n", gz + a, sizeof gz - a);
    KT_REQUIRE(a > 0 && b > 0);
    int fd = memfd_with(gz, a + b);
    KT_REQUIRE(fd >= 0);
    ks_opened *o = NULL;
    ks_input *in = NULL;
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(ks_open_fd(&o, &in, fd, "mem.gz", &err) == 0);
    close(fd);
    KT_EQ_STR(ks_open_compression(o), "gzip");
    char out[64];
    size_t n = 0;
    KT_EQ_INT(drain(in, out, sizeof out, 1, &n, &err), 0);
    KT_EQ_MEM(out, n, "first member\nsecond member\n");
    ks_open_free(o);
}

KTEST(test_open_fd_truncated_gzip_reports_compressed_offset_after_prefix)
{
    char text[4000];
    for (size_t i = 0; i < sizeof text - 1; i++)
        text[i] = (char)('a' + (i * 7 % 26));
    text[sizeof text - 1] = '\0';
    uint8_t gz[8192];
    size_t n = gzip_mem(text, gz, sizeof gz);
    KT_REQUIRE(n > 20);
    size_t cut = n - 10; /* lose the trailer and some data */
    int fd = memfd_with(gz, cut);
    KT_REQUIRE(fd >= 0);
    ks_opened *o = NULL;
    ks_input *in = NULL;
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(ks_open_fd(&o, &in, fd, "cut.gz", &err) == 0);
    close(fd);
    char out[8192];
    size_t got = 0;
    KT_EQ_INT(drain(in, out, sizeof out, 100, &got, &err), KS_ECORRUPT);
    KT_CHECK(got <= strlen(text));
    KT_CHECK(memcmp(out, text, got) == 0);
    KT_EQ_INT(err.offset, (int64_t)cut);
    KT_EQ_STR(err.file, "cut.gz");
    KT_CHECK(strstr(err.msg, "gzip: truncated") != NULL);
    ks_open_free(o);
}

KTEST(test_walk_fd_head_is_first_64k_and_reading_starts_at_zero)
{
    size_t len = 100000;
    char *data = malloc(len);
    KT_REQUIRE(data != NULL);
    for (size_t i = 0; i < len; i++)
        data[i] = (char)('0' + i % 10);
    int fd = memfd_with(data, len);
    KT_REQUIRE(fd >= 0);
    ks_walk *w = NULL;
    ks_member *m = NULL;
    ks_walk_skip sk;
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(ks_walk_new_fd(&w, fd, "mem.txt", NULL, &err) == 0);
    close(fd);
    KT_REQUIRE(ks_walk_next(w, &m, &sk, &err) == 0);
    KT_EQ_INT(m->head_len, KS_EV_HEAD_MAX);
    KT_CHECK(memcmp(m->head, data, m->head_len) == 0);
    KT_EQ_STR(m->compression, "");
    KT_EQ_STR(m->path, "mem.txt");
    KT_EQ_INT(m->disk_size, len);
    KT_EQ_INT(ks_walk_member_offset(w), 0);
    char *out = malloc(len + 1);
    size_t got = 0;
    KT_REQUIRE(out != NULL);
    KT_EQ_INT(drain(&m->input, out, len + 1, 7000, &got, &err), 0);
    KT_EQ_INT(got, len);
    KT_CHECK(memcmp(out, data, len) == 0);
    KT_EQ_INT(ks_walk_member_offset(w), len);
    KT_EQ_INT(ks_walk_next(w, &m, &sk, &err), KS_EOF);
    free(out);
    free(data);
    ks_walk_free(w);
}

KTEST(test_walk_fd_empty_file_is_member_without_head)
{
    int fd = memfd_with(NULL, 0);
    KT_REQUIRE(fd >= 0);
    ks_walk *w = NULL;
    ks_member *m = NULL;
    ks_walk_skip sk;
    KT_REQUIRE(ks_walk_new_fd(&w, fd, "empty", NULL, NULL) == 0);
    close(fd);
    KT_REQUIRE(ks_walk_next(w, &m, &sk, NULL) == 0);
    KT_EQ_INT(m->head_len, 0);
    char buf[4];
    size_t n = 99;
    KT_EQ_INT(m->input.read(m->input.ctx, buf, sizeof buf, &n, NULL), 0);
    KT_EQ_INT(n, 0);
    KT_EQ_INT(ks_walk_next(w, &m, &sk, NULL), KS_EOF);
    ks_walk_free(w);
}

KTEST(test_walk_gzip_head_is_decompressed_content)
{
    uint8_t gz[256];
    size_t n = gzip_mem("{\"eventName\":\"x\"}\n", gz, sizeof gz);
    int fd = memfd_with(gz, n);
    KT_REQUIRE(fd >= 0);
    ks_walk *w = NULL;
    ks_member *m = NULL;
    ks_walk_skip sk;
    KT_REQUIRE(ks_walk_new_fd(&w, fd, "x.gz", NULL, NULL) == 0);
    close(fd);
    KT_REQUIRE(ks_walk_next(w, &m, &sk, NULL) == 0);
    KT_EQ_MEM(m->head, m->head_len, "{\"eventName\":\"x\"}\n");
    KT_EQ_STR(m->compression, "gzip");
    ks_walk_free(w);
}

KTEST(test_evidence_hash_matches_core_sha256_of_the_file)
{
    const char *text = "evidence bytes\n";
    int fd = memfd_with(text, strlen(text));
    KT_REQUIRE(fd >= 0);
    char path[64], hex[65], want[65];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    uint64_t size = 0;
    int64_t want_size = 0;
    ks_err err;
    ks_err_clear(&err);
    KT_EQ_INT(ks_evidence_hash(path, hex, &size, &err), 0);
    KT_EQ_INT(ks_sha256_file(path, want, &want_size, &err), 0);
    KT_EQ_STR(hex, want);
    KT_EQ_INT(size, strlen(text));
    close(fd);
}

KTEST(test_open_file_decompresses_by_magic_not_name)
{
    uint8_t gz[256];
    size_t n = gzip_mem("plain words\n", gz, sizeof gz);
    int fd = memfd_with(gz, n);
    KT_REQUIRE(fd >= 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd); /* no .gz in the name */
    ks_opened *o = NULL;
    ks_input *in = NULL;
    KT_REQUIRE(ks_open_file(&o, &in, path, NULL) == 0);
    char out[64];
    size_t got = 0;
    KT_EQ_INT(drain(in, out, sizeof out, 64, &got, NULL), 0);
    KT_EQ_MEM(out, got, "plain words\n");
    KT_EQ_STR(ks_open_compression(o), "gzip");
    ks_open_free(o);
    close(fd);
}
