/* Unit tests of the XFS reader over hand-built in-memory images. The layouts follow the
 * on-disk format described in docs/xfs.md; each image is 16 blocks of 4 KiB, one AG. */
#include "ktest.h"

#include <stdio.h>
#include <stdlib.h>

#include "fs/xfs/xfs.h"
#include "fs/xfs/xfs_int.h"

#define BS 4096
#define NBLK 16

typedef struct img {
    uint8_t b[BS * NBLK];
    unsigned warnings;
} img;

static void be16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }
static void be32(uint8_t *p, uint32_t v) { be16(p, v >> 16); be16(p + 2, (uint16_t)v); }
static void be64(uint8_t *p, uint64_t v) { be32(p, v >> 32); be32(p + 4, (uint32_t)v); }

static void set_crc(uint8_t *p, size_t len, size_t off)
{
    memset(p + off, 0, 4);
    uint32_t c = ks_xfs_crc32c(0, p, len);
    p[off] = (uint8_t)c;
    p[off + 1] = (uint8_t)(c >> 8);
    p[off + 2] = (uint8_t)(c >> 16);
    p[off + 3] = (uint8_t)(c >> 24);
}

static int rd(void *ctx, uint64_t off, void *buf, size_t len, ks_err *err)
{
    img *im = ctx;
    if (!ks_fits(off, len, sizeof im->b))
        return KS_ERR(err, KS_EIO, "out of range");
    memcpy(buf, im->b + off, len);
    return 0;
}

static void on_warn(void *ctx, const ks_err *w)
{
    (void)w;
    ((img *)ctx)->warnings++;
}

/* V5 superblock: 4 KiB blocks, 512-byte inodes, 1 AG of 16 blocks, bigtime+ftype+nrext64 */
static void make_sb(img *im)
{
    uint8_t *s = im->b;
    be32(s, 0x58465342);
    be32(s + 4, BS);
    be64(s + 8, NBLK);
    be64(s + 56, 64);
    be32(s + 84, NBLK);
    be32(s + 88, 1);
    be16(s + 100, 0xb4a5);
    be16(s + 102, 512);
    be16(s + 104, 512);
    be16(s + 106, 8);
    memcpy(s + 108, "unit", 4);
    s[120] = 12; s[121] = 9; s[122] = 9; s[123] = 3; s[124] = 4;
    be32(s + 216, 0x1 | 0x8 | 0x20);
    set_crc(s, 512, 224);
}

/* inode 64 (block 8, slot 0): a v3 regular file */
static uint8_t *make_inode(img *im, uint64_t flags2, uint64_t size)
{
    uint8_t *p = im->b + 8 * BS;
    memset(p, 0, 512);
    be16(p, 0x494e);
    be16(p + 2, 0100640);
    p[4] = 3;
    p[5] = KS_XFS_FMT_EXTENTS;
    be32(p + 8, 1000);
    be32(p + 12, 100);
    be32(p + 16, 1);
    be64(p + 56, size);
    be64(p + 120, flags2);
    be64(p + 152, 64);
    return p;
}

static void put_extent(uint8_t *rec, uint64_t off, uint64_t fsb, uint64_t count, int unwritten)
{
    be64(rec, ((uint64_t)unwritten << 63) | (off << 9) | (fsb >> 43));
    be64(rec + 8, (fsb << 21) | count);
}

static ks_xfs *open_img(img *im, ks_err *e)
{
    ks_xfs *fs = NULL;
    ks_xfs_opts o = {"unit.img", on_warn, im, 0};
    ks_err_clear(e);
    if (ks_xfs_open(&fs, rd, im, sizeof im->b, &o, e) < 0)
        return NULL;
    return fs;
}

KTEST(test_xfs_crc32c_check_value)
{
    KT_EQ_INT(ks_xfs_crc32c(0, "123456789", 9), 0xE3069283u);
}

KTEST(test_xfs_superblock_fields_and_features)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    ks_xfs *fs = open_img(im, &e);
    KT_REQUIRE(fs);
    const ks_xfs_info *i = ks_xfs_info_get(fs);
    KT_EQ_INT(i->version, 5);
    KT_EQ_INT(i->block_size, 4096);
    KT_EQ_INT(i->root_ino, 64);
    KT_CHECK(i->bigtime && i->nrext64 && i->ftype && i->crc && i->sb_crc_ok);
    KT_CHECK(!i->reflink && !i->sparse_inodes);
    KT_EQ_STR(i->label, "unit");
    KT_EQ_INT(im->warnings, 0);
    ks_xfs_close(fs);
    free(im);
}

KTEST(test_xfs_bad_superblock_magic_is_corrupt_at_offset_0)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    im->b[0] = 'Y';
    KT_CHECK(open_img(im, &e) == NULL);
    KT_EQ_INT(e.code, KS_ECORRUPT);
    KT_EQ_INT(e.offset, 0);
    KT_CHECK(strstr(e.msg, "superblock") != NULL);
    free(im);
}

KTEST(test_xfs_bigtime_2100_and_nrext64_extent_count)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    uint8_t *p = make_inode(im, 0x8 | 0x10, 5);
    /* bigtime: ns since 1901-12-13T20:45:52Z; 2100-01-01T00:00:00.000000005Z */
    uint64_t raw = (uint64_t)(4102444800ull + 2147483648ull) * 1000000000ull + 5;
    be64(p + 32, raw);
    be64(p + 40, raw);
    be64(p + 48, (uint64_t)2147483648ull * 1000000000ull - 1); /* 1969-12-31T23:59:59.999999999 */
    be64(p + 144, 0); /* the bigtime epoch itself */
    be64(p + 24, 1);  /* di_big_nextents */
    put_extent(p + 176, 0, 10, 1, 0);
    memcpy(im->b + 10 * BS, "hello", 5);
    set_crc(p, 512, 100);
    ks_xfs *fs = open_img(im, &e);
    KT_REQUIRE(fs);
    ks_xfs_inode in;
    KT_EQ_INT(ks_xfs_inode_read(fs, 64, &in, &e), 0);
    KT_EQ_INT(in.atime_ns, 4102444800000000005LL);
    KT_EQ_INT(in.ctime_ns, -1);
    KT_EQ_INT(in.crtime_ns, -2147483648LL * 1000000000LL);
    KT_EQ_INT(in.nextents, 1);
    KT_EQ_INT(in.uid, 1000);
    KT_EQ_INT(in.mode, 0100640);
    KT_CHECK(in.crc_ok && in.bigtime && in.has_crtime);
    ks_xfs_file *f = NULL;
    KT_REQUIRE(ks_xfs_file_open(&f, fs, 64, &e) == 0);
    char buf[16];
    size_t n = 0;
    KT_EQ_INT(ks_xfs_file_read(f, 0, buf, sizeof buf, &n, &e), 0);
    KT_EQ_MEM(buf, n, "hello");
    ks_xfs_file_close(f);
    KT_EQ_INT(im->warnings, 0);
    ks_xfs_close(fs);
    free(im);
}

KTEST(test_xfs_classic_timestamps_signed_seconds_and_ns)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    uint8_t *p = make_inode(im, 0, 0);
    be32(p + 32, 0x7fffffff); be32(p + 36, 999999999);
    be32(p + 40, 0x80000000); be32(p + 44, 0);
    set_crc(p, 512, 100);
    ks_xfs *fs = open_img(im, &e);
    KT_REQUIRE(fs);
    ks_xfs_inode in;
    KT_EQ_INT(ks_xfs_inode_read(fs, 64, &in, &e), 0);
    KT_EQ_INT(in.atime_ns, 2147483647999999999LL);
    KT_EQ_INT(in.mtime_ns, -2147483648LL * 1000000000LL);
    KT_CHECK(!in.bigtime);
    ks_xfs_close(fs);
    free(im);
}

KTEST(test_xfs_holes_and_unwritten_extents_read_as_zeros)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    uint8_t *p = make_inode(im, 0, 3 * BS);
    be32(p + 76, 2);
    put_extent(p + 176, 1, 10, 1, 1); /* unwritten */
    put_extent(p + 192, 2, 11, 1, 0);
    memset(im->b + 10 * BS, 'U', BS);
    memset(im->b + 11 * BS, 'D', BS);
    set_crc(p, 512, 100);
    ks_xfs *fs = open_img(im, &e);
    KT_REQUIRE(fs);
    ks_xfs_file *f = NULL;
    KT_REQUIRE(ks_xfs_file_open(&f, fs, 64, &e) == 0);
    uint8_t *buf = malloc(3 * BS);
    size_t n = 0;
    KT_EQ_INT(ks_xfs_file_read(f, 0, buf, 3 * BS, &n, &e), 0);
    KT_EQ_INT(n, 3 * BS);
    int zeros = 1;
    for (size_t i = 0; i < 2 * BS; i++)
        zeros &= buf[i] == 0;
    KT_CHECK(zeros);
    KT_CHECK(buf[2 * BS] == 'D' && buf[3 * BS - 1] == 'D');
    KT_EQ_INT(ks_xfs_file_extent_count(f), 2);
    free(buf);
    ks_xfs_file_close(f);
    ks_xfs_close(fs);
    free(im);
}

KTEST(test_xfs_extent_past_ag_end_is_corrupt_naming_the_record)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    uint8_t *p = make_inode(im, 0, BS);
    be32(p + 76, 1);
    put_extent(p + 176, 0, 15, 5, 0);
    set_crc(p, 512, 100);
    ks_xfs *fs = open_img(im, &e);
    KT_REQUIRE(fs);
    ks_xfs_file *f = NULL;
    KT_EQ_INT(ks_xfs_file_open(&f, fs, 64, &e), KS_ECORRUPT);
    KT_EQ_INT(e.offset, 8 * BS + 176);
    KT_CHECK(strstr(e.msg, "outside the file system") != NULL);
    ks_xfs_close(fs);
    free(im);
}

KTEST(test_xfs_inode_crc_mismatch_is_a_warning_not_an_error)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    uint8_t *p = make_inode(im, 0, 0);
    set_crc(p, 512, 100);
    p[92] ^= 1; /* generation changed after the CRC */
    ks_xfs *fs = open_img(im, &e);
    KT_REQUIRE(fs);
    ks_xfs_inode in;
    KT_EQ_INT(ks_xfs_inode_read(fs, 64, &in, &e), 0);
    KT_CHECK(!in.crc_ok);
    KT_EQ_INT(im->warnings, 1);
    KT_EQ_INT(ks_xfs_warning_count(fs), 1);
    ks_xfs_close(fs);
    free(im);
}

KTEST(test_xfs_inode_number_outside_ag_rejected)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    ks_xfs *fs = open_img(im, &e);
    KT_REQUIRE(fs);
    ks_xfs_inode in;
    KT_EQ_INT(ks_xfs_inode_read(fs, (uint64_t)1 << 40, &in, &e), KS_ECORRUPT);
    KT_CHECK(strstr(e.msg, "outside the file system") != NULL);
    ks_xfs_close(fs);
    free(im);
}

static int collect(void *ctx, const ks_xfs_dirent *d)
{
    char *out = ctx;
    size_t l = strlen(out);
    snprintf(out + l, 256 - l, "%s=%llu/%u ", d->name, (unsigned long long)d->ino, d->ftype);
    return 0;
}

KTEST(test_xfs_v4_v1_inode_onlink_and_shortform_dir_with_ftype)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    uint8_t *s = im->b;
    be16(s + 100, 0x8004);  /* V4 with MOREBITS */
    be32(s + 200, 0x200);   /* features2: ftype */
    be32(s + 216, 0);       /* no V5 fields on V4 */
    uint8_t *p = im->b + 8 * BS;
    memset(p, 0, 1024);
    be16(p, 0x494e);
    be16(p + 2, 040755);
    p[4] = 1;
    p[5] = KS_XFS_FMT_LOCAL;
    be16(p + 6, 7);         /* di_onlink: v1 link count */
    be32(p + 32, 1000000000); be32(p + 36, 42);
    /* shortform: count 1, i8count 0, parent 64, "a" ftype 1 -> 65 */
    uint8_t sf[] = {1, 0, 0, 0, 0, 64, 1, 0, 0x60, 'a', 1, 0, 0, 0, 65};
    memcpy(p + 100, sf, sizeof sf);
    be64(p + 56, sizeof sf);
    ks_xfs *fs = open_img(im, &e);
    KT_REQUIRE(fs);
    KT_EQ_INT(ks_xfs_info_get(fs)->version, 4);
    KT_CHECK(ks_xfs_info_get(fs)->ftype && !ks_xfs_info_get(fs)->crc);
    ks_xfs_inode in;
    KT_EQ_INT(ks_xfs_inode_read(fs, 64, &in, &e), 0);
    KT_EQ_INT(in.nlink, 7);
    KT_EQ_INT(in.type, KS_XFS_T_DIR);
    KT_EQ_INT(in.atime_ns, 1000000000000000042LL);
    KT_CHECK(!in.has_crtime);
    char out[256] = "";
    KT_EQ_INT(ks_xfs_dir_list(fs, 64, collect, out, &e), 0);
    KT_EQ_STR(out, ".=64/2 ..=64/2 a=65/1 ");
    /* an entry claiming more bytes than the directory has */
    p[100 + 6] = 200;
    KT_EQ_INT(ks_xfs_dir_list(fs, 64, collect, out, &e), KS_ECORRUPT);
    KT_CHECK(strstr(e.msg, "shortform directory entry 1 of 1") != NULL);
    ks_xfs_close(fs);
    free(im);
}

typedef struct iter_log {
    unsigned n, allocated;
    uint64_t first, last;
} iter_log;

static int count_inodes(void *ctx, uint64_t ino, bool allocated)
{
    iter_log *l = ctx;
    if (l->n++ == 0)
        l->first = ino;
    l->last = ino;
    l->allocated += allocated;
    return 0;
}

KTEST(test_xfs_sparse_inode_chunk_holes_are_skipped)
{
    img *im = calloc(1, sizeof *im);
    ks_err e;
    make_sb(im);
    be32(im->b + 216, 0x1 | 0x2 | 0x8); /* ftype, sparse inodes, bigtime */
    set_crc(im->b, 512, 224);
    uint8_t *agi = im->b + 1024;        /* sector 2 */
    be32(agi, 0x58414749);
    be32(agi + 20, 3);                  /* inobt root block */
    be32(agi + 24, 1);                  /* one level */
    set_crc(agi, 512, 312);
    uint8_t *b = im->b + 3 * BS;
    be32(b, 0x49414233);                /* IAB3 leaf, one record */
    be16(b + 6, 1);
    uint8_t *r = b + 56;
    be32(r, 64);                        /* startino */
    be16(r + 4, 0xff00);                /* inodes 96..127 are a hole */
    r[6] = 32;
    r[7] = 30;
    be64(r + 8, ~(uint64_t)3);          /* 64 and 65 in use */
    set_crc(b, BS, 52);
    ks_xfs *fs = open_img(im, &e);
    KT_REQUIRE(fs);
    iter_log l = {0, 0, 0, 0};
    KT_EQ_INT(ks_xfs_inode_iter(fs, count_inodes, &l, &e), 0);
    KT_EQ_INT(l.n, 32);
    KT_EQ_INT(l.allocated, 2);
    KT_EQ_INT(l.first, 64);
    KT_EQ_INT(l.last, 95);
    KT_EQ_INT(im->warnings, 0);
    ks_xfs_close(fs);
    free(im);
}
