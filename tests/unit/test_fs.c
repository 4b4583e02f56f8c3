/* test_fs.c — image, partition-table and rendering units on memory images. */
#include <stdlib.h>
#include <string.h>

#include "fs/extract.h"
#include "fs/fs.h"
#include "fs/volume.h"
#include "fs/walk.h"
#include "ktest.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void entry(uint8_t *sec, int i, uint8_t status, uint8_t type, uint32_t lba, uint32_t n)
{
    uint8_t *e = sec + 446 + 16 * i;
    e[0] = status;
    e[4] = type;
    put32(e + 8, lba);
    put32(e + 12, n);
    sec[510] = 0x55;
    sec[511] = 0xaa;
}

/* A 1 MiB disk: primary 1 at LBA 10, extended 2 at LBA 100 (1000 sectors) holding two
 * logical partitions through a two-link EBR chain (EBR at 100 and at 100+200). */
static uint8_t *mbr_disk(int loop)
{
    uint8_t *d = calloc(1, 1 << 20);
    if (!d)
        return NULL;
    entry(d, 0, 0x80, 0x83, 10, 50);
    entry(d, 1, 0x00, 0x05, 100, 1000);
    entry(d + 100 * 512, 0, 0, 0x83, 10, 50);
    entry(d + 100 * 512, 1, 0, 0x05, 200, 100);
    entry(d + 300 * 512, 0, 0, 0x83, 10, 60);
    if (loop)
        entry(d + 300 * 512, 1, 0, 0x05, 200, 100); /* links back to itself */
    return d;
}

KTEST(test_mbr_logical_partitions_numbered_from_5_with_absolute_starts)
{
    uint8_t *d = mbr_disk(0);
    KT_REQUIRE(d);
    ks_img *img = NULL;
    ks_vs *vs = calloc(1, sizeof *vs);
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(vs && ks_img_mem(&img, d, 1 << 20, "mem", &err) == 0);
    KT_EQ_INT(ks_vs_read(vs, img, &err), 0);
    KT_EQ_INT(vs->scheme, KS_VS_MBR);
    KT_EQ_INT(vs->n, 4);
    KT_EQ_INT(vs->parts[0].index, 1);
    KT_EQ_INT(vs->parts[0].start, 10 * 512);
    KT_CHECK(vs->parts[0].bootable);
    KT_EQ_INT(vs->parts[2].index, 5);
    KT_EQ_INT(vs->parts[2].start, 110 * 512);
    KT_CHECK(vs->parts[2].logical);
    KT_EQ_INT(vs->parts[3].index, 6);
    KT_EQ_INT(vs->parts[3].start, 310 * 512);
    KT_EQ_INT(vs->parts[3].size, 60 * 512);
    ks_img_close(img);
    free(vs);
    free(d);
}

KTEST(test_mbr_ebr_chain_loop_is_corruption_with_offset)
{
    uint8_t *d = mbr_disk(1);
    KT_REQUIRE(d);
    ks_img *img = NULL;
    ks_vs *vs = calloc(1, sizeof *vs);
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(vs && ks_img_mem(&img, d, 1 << 20, "mem", &err) == 0);
    KT_EQ_INT(ks_vs_read(vs, img, &err), KS_ECORRUPT);
    KT_EQ_INT(err.offset, 300 * 512);
    KT_CHECK(strstr(err.msg, "loops") != NULL);
    ks_img_close(img);
    free(vs);
    free(d);
}

KTEST(test_boot_sector_with_bad_status_byte_is_not_a_partition_table)
{
    uint8_t *d = calloc(1, 4096);
    KT_REQUIRE(d);
    entry(d, 0, 0x12, 0x83, 10, 50);
    ks_img *img = NULL;
    ks_vs *vs = calloc(1, sizeof *vs);
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(vs && ks_img_mem(&img, d, 4096, "mem", &err) == 0);
    KT_EQ_INT(ks_vs_read(vs, img, &err), KS_ENOTFOUND);
    ks_img_close(img);
    free(vs);
    free(d);
}

KTEST(test_image_read_past_end_names_offset_and_window_adds_base)
{
    static uint8_t d[4096];
    ks_img *img = NULL, *w = NULL;
    ks_err err;
    uint8_t b[16];
    ks_err_clear(&err);
    KT_REQUIRE(ks_img_mem(&img, d, sizeof d, "mem", &err) == 0);
    KT_EQ_INT(ks_img_read(img, 4090, b, 16, &err), KS_ECORRUPT);
    KT_EQ_INT(err.offset, 4090);
    KT_EQ_INT(ks_img_read(img, UINT64_MAX - 4, b, 16, &err), KS_ECORRUPT);
    KT_REQUIRE(ks_img_window(&w, img, 1024, 1 << 30, &err) == 0);
    KT_EQ_INT(ks_img_size(w), 3072);
    ks_err_clear(&err);
    KT_EQ_INT(ks_img_read(w, 3070, b, 4, &err), KS_ECORRUPT);
    KT_EQ_INT(err.offset, 1024 + 3070);
    ks_img_close(w);
    ks_img_close(img);
}

KTEST(test_extract_safe_name_neutralises_dots_slashes_and_controls)
{
    ks_buf b;
    ks_buf_init(&b, 0);
    KT_EQ_INT(ks_extract_safe_name(&b, "..", 2), 0);
    KT_EQ_STR(b.data, "%2E%2E");
    ks_buf_reset(&b);
    KT_EQ_INT(ks_extract_safe_name(&b, "a/../b\n\x1b", 8), 0);
    KT_EQ_STR(b.data, "a%2F..%2Fb%0A%1B");
    ks_buf_reset(&b);
    KT_EQ_INT(ks_extract_safe_name(&b, "ok-name_1.txt", 13), 0);
    KT_EQ_STR(b.data, "ok-name_1.txt");
    ks_buf_free(&b);
}

KTEST(test_mode_string_shows_setuid_setgid_sticky_like_tsk)
{
    ks_fs_inode st;
    memset(&st, 0, sizeof st);
    st.type = KS_FT_REG;
    st.mode = 0106755;
    char m[13];
    ks_fs_mode_string(KS_FT_REG, &st, m);
    KT_EQ_STR(m, "r/rrwsr-sr-x");
    st.type = KS_FT_DIR;
    st.mode = 041777;
    ks_fs_mode_string(KS_FT_DIR, &st, m);
    KT_EQ_STR(m, "d/drwxrwxrwt");
    ks_fs_mode_string(KS_FT_LNK, NULL, m);
    KT_EQ_STR(m, "l/----------");
}

KTEST(test_time_iso_keeps_nanoseconds_beyond_2038_and_before_1970)
{
    char s[64];
    ks_fs_time t = {(int64_t)1 << 33, 123456789, true};
    ks_fs_time_iso(&t, s, sizeof s);
    KT_EQ_STR(s, "2242-03-16T12:56:32.123456789Z");
    ks_fs_time n = {-1, 500000000, true};
    ks_fs_time_iso(&n, s, sizeof s);
    KT_EQ_STR(s, "1969-12-31T23:59:59.500000000Z");
    ks_fs_time u = {0, 0, false};
    ks_fs_time_iso(&u, s, sizeof s);
    KT_EQ_STR(s, "-");
}

KTEST(test_bodyfile_line_marks_deleted_and_escapes_pipe)
{
    ks_fs_inode st;
    memset(&st, 0, sizeof st);
    st.ino = 14;
    st.type = KS_FT_REG;
    st.mode = 0100644;
    st.size = 5;
    st.mtime = (ks_fs_time){1700000000, 1, true};
    ks_fs_dirent de = {14, KS_FT_REG, "a|b", 3, true, 0};
    ks_fs_walk_entry e = {"/d/a|b", 6, &de, &st, true, false, false, 2};
    ks_buf b;
    ks_buf_init(&b, 0);
    KT_EQ_INT(ks_bodyfile_line(&b, &e, "/", false, NULL), 0);
    KT_EQ_STR(b.data, "0|/d/a\\x7cb (deleted)|14|r/rrw-r--r--|0|0|5|0|1700000000|0|0\n");
    ks_buf_free(&b);
}
