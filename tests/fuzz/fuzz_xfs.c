/* fuzz_xfs — the XFS reader over a memory image.
 *
 * Two input forms. Raw: the start of a volume; the volume is 16 MiB (or the input length if
 * larger) and reads past the input return zeros. Packed: "KSXFSPK1", a be64 volume size, then
 * records of (be32 block number in KiB, 1 KiB of data), everything else zero — so a sparse
 * 16 MiB mkfs.xfs image with directory blocks and remote symlinks far from its start fits in
 * a 64 KiB seed. Seeds come from tests/fuzz/make_xfs_seed.sh. Everything is exercised with small caps: superblock,
 * inode-btree iteration with inode reads, a depth/entry-capped walk with file reads,
 * symlinks and xattrs. Properties checked, besides no crash/leak/UB: lengths returned never
 * exceed what was asked or what the inode declares, names are 1..255 bytes, symlink targets
 * at most 1024 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/xfs/xfs.h"

typedef struct mem {
    const uint8_t *p;
    size_t n;
    /* packed mode: records of (be32 block number in KiB, 1024 bytes) after the header */
    const uint8_t *recs;
    size_t nrecs;
} mem;

#define PACK_MAGIC "KSXFSPK1"
#define PACK_REC 1028

static int read_at(void *ctx, uint64_t off, void *buf, size_t len, ks_err *err)
{
    mem *m = ctx;
    (void)err;
    memset(buf, 0, len);
    if (m->recs) {
        for (size_t i = 0; i < m->nrecs; i++) {
            const uint8_t *r = m->recs + i * PACK_REC;
            uint64_t b = ((uint64_t)r[0] << 24 | (uint64_t)r[1] << 16 | (uint64_t)r[2] << 8 | r[3]) * 1024;
            if (b + 1024 <= off || b >= off + len)
                continue;
            uint64_t s = b > off ? b : off, e = b + 1024 < off + len ? b + 1024 : off + len;
            memcpy((uint8_t *)buf + (s - off), r + 4 + (s - b), (size_t)(e - s));
        }
        return 0;
    }
    if (off < m->n) {
        size_t c = m->n - off < len ? (size_t)(m->n - off) : len;
        memcpy(buf, m->p + off, c);
    }
    return 0;
}

static ks_xfs *fs;
static unsigned inodes_seen;

static int ino_cb(void *ctx, uint64_t ino, bool allocated)
{
    (void)ctx;
    (void)allocated;
    ks_xfs_inode in;
    ks_err e;
    ks_xfs_inode_read(fs, ino, &in, &e);
    return ++inodes_seen >= 512 ? 1 : 0;
}

static int xattr_cb(void *ctx, const ks_xfs_xattr *a)
{
    (void)ctx;
    if (a->name_len > 255 || a->value_len > 65536)
        abort();
    return 0;
}

static int walk_cb(void *ctx, const char *path, const ks_xfs_dirent *d, int depth)
{
    (void)ctx;
    (void)path;
    (void)depth;
    if (d->name_len == 0 || d->name_len > 255 || strlen(d->name) > d->name_len)
        abort();
    ks_xfs_inode in;
    ks_err e;
    if (ks_xfs_inode_read(fs, d->ino, &in, &e) < 0)
        return 0;
    if (in.type == KS_XFS_T_REG) {
        ks_xfs_file *f = NULL;
        if (ks_xfs_file_open(&f, fs, d->ino, &e) == 0) {
            static uint8_t buf[4096];
            uint64_t off = 0;
            for (int i = 0; i < 16; i++) {
                size_t n = 0;
                if (ks_xfs_file_read(f, off, buf, sizeof buf, &n, &e) < 0 || n == 0)
                    break;
                if (n > sizeof buf || off + n > in.size)
                    abort();
                off += n;
            }
            /* a read far into the declared size must also respect it */
            size_t n = 0;
            if (in.size > 10 && ks_xfs_file_read(f, in.size - 10, buf, sizeof buf, &n, &e) == 0 &&
                n != 10)
                abort();
            ks_xfs_file_close(f);
        }
    } else if (in.type == KS_XFS_T_LNK) {
        char t[2048];
        size_t tl = 0;
        if (ks_xfs_readlink(fs, d->ino, t, sizeof t, &tl, &e) == 0 && tl > 1024)
            abort();
    }
    if (in.has_xattr_fork)
        ks_xfs_xattr_list(fs, d->ino, xattr_cb, NULL, &e);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mem m = {data, size, NULL, 0};
    ks_err e;
    ks_xfs_opts o = {"fuzz", NULL, NULL, 1024};
    uint64_t vol = size > (16u << 20) ? size : (16u << 20);
    if (size >= 16 && memcmp(data, PACK_MAGIC, 8) == 0) {
        vol = 0;
        for (int i = 8; i < 16; i++)
            vol = vol << 8 | data[i];
        if (vol > ((uint64_t)1 << 40))
            return 0;
        m.recs = data + 16;
        m.nrecs = (size - 16) / PACK_REC;
    }
    if (ks_xfs_open(&fs, read_at, &m, vol, &o, &e) < 0)
        return 0;
    inodes_seen = 0;
    ks_xfs_inode_iter(fs, ino_cb, NULL, &e);
    uint64_t root = ks_xfs_info_get(fs)->root_ino;
    ks_xfs_walk(fs, root, 16, 2000, walk_cb, NULL, &e);
    uint64_t ino;
    ks_xfs_lookup(fs, "/sub/link", true, &ino, &e);
    ks_xfs_close(fs);
    fs = NULL;
    return 0;
}
