/* xfs_dir.c — directories (version 2/3 formats), path lookup and a bounded recursive walk.
 *
 * Shortform (data fork LOCAL): count u8, i8count u8, parent ino (8 bytes if i8count else 4),
 * then entries: namelen u8, offset be16, name, [ftype u8 when the ftype feature is on],
 * ino (8 or 4 bytes). "." and ".." are not stored.
 *
 * Block, leaf, node and btree directories all keep their entries in data blocks of
 * dir_block_size bytes in the first 32 GiB of the directory's logical space (leaf, node
 * and free-index blocks live above 32 GiB and hold only hashes). So every multi-block form
 * is listed the same way: map the data fork, read each data-space directory block.
 * Data block header: magic "XD2B"/"XD2D" (V4, 16 bytes: magic + 3 bestfree pairs) or
 * "XDB3"/"XDD3" (V5, 64 bytes: magic, crc @4, blkno, lsn, uuid, owner, bestfree, pad).
 * "XD2B"/"XDB3" (single-block form) end with a leaf array and a tail (count, stale).
 * Entry: ino be64, namelen u8, name, [ftype u8], padding, tag be16; 8-byte aligned.
 * Free space: 0xffff, length be16, ..., tag be16.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/xfs/xfs_int.h"

#define XD2B 0x58443242u
#define XD2D 0x58443244u
#define XDB3 0x58444233u
#define XDD3 0x58444433u

static int emit(ks_xfs_dirent_fn fn, void *ctx, const uint8_t *name, size_t n, uint64_t ino,
                uint8_t ftype)
{
    char nb[256];
    memcpy(nb, name, n);
    nb[n] = '\0';
    ks_xfs_dirent e = {nb, n, ino, ftype};
    return fn(ctx, &e);
}

static int dir_sf(ks_xfs *fs, const xfs_inode *ip, ks_xfs_dirent_fn fn, void *ctx, ks_err *err)
{
    const uint8_t *p = ip->dfork;
    size_t len = (size_t)ip->pub.size; /* <= dfork_size, checked at load */
    int64_t base = (int64_t)(ip->off + ip->core_size);
    unsigned long long ino = (unsigned long long)ip->pub.ino;
    if (len < 6)
        return KS_CORRUPT(err, fs->name, -1, base,
                          "XFS inode %llu: shortform directory of %zu bytes is too short", ino,
                          len);
    uint32_t count = p[0], i8 = p[1];
    size_t isz = i8 ? 8 : 4, pos = 2 + isz;
    if (!ks_fits(2, isz, len))
        return KS_CORRUPT(err, fs->name, -1, base, "XFS inode %llu: shortform header truncated",
                          ino);
    uint64_t parent = i8 ? xfs_be64(p + 2) : xfs_be32(p + 2);
    int rc;
    if ((rc = emit(fn, ctx, (const uint8_t *)".", 1, ip->pub.ino, 2)) != 0)
        return rc;
    if ((rc = emit(fn, ctx, (const uint8_t *)"..", 2, parent, 2)) != 0)
        return rc;
    size_t ft = fs->info.ftype ? 1 : 0;
    uint32_t i;
    for (i = 0; i < count; i++) {
        if (!ks_fits(pos, 3, len))
            goto trunc;
        size_t nl = p[pos];
        if (nl == 0 || !ks_fits(pos + 3, nl + ft + isz, len))
            goto trunc;
        const uint8_t *name = p + pos + 3;
        uint8_t ftype = ft ? name[nl] : 0;
        const uint8_t *ip8 = name + nl + ft;
        uint64_t child = i8 ? xfs_be64(ip8) : xfs_be32(ip8);
        if ((rc = emit(fn, ctx, name, nl, child, ftype)) != 0)
            return rc;
        pos += 3 + nl + ft + isz;
    }
    return 0;
trunc:
    return KS_CORRUPT(err, fs->name, -1, base + (int64_t)pos,
                      "XFS inode %llu: shortform directory entry %u of %u runs past the %zu "
                      "bytes of the directory", ino, i + 1, count, len);
}

/* Parses one directory data block. */
static int dir_block(ks_xfs *fs, const xfs_inode *ip, const uint8_t *b, uint64_t db,
                     uint64_t boff, ks_xfs_dirent_fn fn, void *ctx, ks_err *err)
{
    uint32_t dbs = fs->info.dir_block_size;
    uint32_t magic = xfs_be32(b);
    unsigned long long ino = (unsigned long long)ip->pub.ino;
    size_t hdr, end = dbs;
    bool v5 = fs->info.crc;
    if (magic == (v5 ? XDB3 : XD2B) || magic == (v5 ? XDD3 : XD2D)) {
        hdr = v5 ? 64 : 16;
    } else {
        return KS_CORRUPT(err, fs->name, -1, (int64_t)boff,
                          "XFS inode %llu: directory data block %llu at offset %llu has magic "
                          "0x%08x", ino, (unsigned long long)db, (unsigned long long)boff, magic);
    }
    if (v5 && !xfs_crc_ok(b, dbs, 4))
        xfs_warn(fs, (int64_t)boff + 4, "XFS inode %llu directory block %llu: CRC mismatch", ino,
                 (unsigned long long)db);
    if (magic == XD2B || magic == XDB3) {
        uint32_t cnt = xfs_be32(b + dbs - 8);
        if ((uint64_t)cnt * 8 + 8 + hdr > dbs)
            return KS_CORRUPT(err, fs->name, -1, (int64_t)boff + dbs - 8,
                              "XFS inode %llu: block directory leaf count %u does not fit", ino,
                              cnt);
        end = dbs - 8 - (size_t)cnt * 8;
    }
    size_t ft = fs->info.ftype ? 1 : 0;
    size_t pos = hdr;
    int rc;
    while (pos < end) {
        if (end - pos < 8)
            goto bad;
        if (xfs_be16(b + pos) == 0xffff) {
            size_t fl = xfs_be16(b + pos + 2);
            if (fl < 8 || (fl & 7) || fl > end - pos)
                goto bad;
            pos += fl;
            continue;
        }
        if (end - pos < 16)
            goto bad;
        uint64_t child = xfs_be64(b + pos);
        size_t nl = b[pos + 8];
        size_t esz = (8 + 1 + nl + ft + 2 + 7) & ~(size_t)7;
        if (nl == 0 || esz > end - pos)
            goto bad;
        uint8_t ftype = ft ? b[pos + 9 + nl] : 0;
        if ((rc = emit(fn, ctx, b + pos + 9, nl, child, ftype)) != 0)
            return rc;
        pos += esz;
    }
    return 0;
bad:
    return KS_CORRUPT(err, fs->name, -1, (int64_t)(boff + pos),
                      "XFS inode %llu: directory block %llu: bad entry at block offset %zu", ino,
                      (unsigned long long)db, pos);
}

int ks_xfs_dir_list(ks_xfs *fs, uint64_t dir_ino, ks_xfs_dirent_fn fn, void *ctx, ks_err *err)
{
    int rc = 0;
    xfs_inode *ip = malloc(sizeof *ip);
    xfs_map m = {NULL, 0};
    uint8_t *b = NULL;
    if (!ip)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    if ((rc = xfs_inode_load(fs, dir_ino, ip, err)) < 0)
        goto done;
    if (ip->pub.type != KS_XFS_T_DIR) {
        rc = KS_ERR_AT(err, KS_EUSAGE, fs->name, -1, (int64_t)ip->off,
                       "XFS inode %llu is not a directory (mode 0%o)",
                       (unsigned long long)dir_ino, ip->pub.mode);
        goto done;
    }
    if (ip->pub.format == KS_XFS_FMT_LOCAL) {
        rc = dir_sf(fs, ip, fn, ctx, err);
        goto done;
    }
    if ((rc = xfs_fork_map(fs, ip, false, &m, err)) < 0)
        goto done;
    uint32_t dbs = fs->info.dir_block_size;
    uint32_t per = 1u << fs->dirblklog; /* fs blocks per directory block */
    uint64_t data_end = XFS_DIR2_LEAF_OFFSET >> fs->blocklog;
    b = malloc(dbs);
    if (!b) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    /* XFS: di_size is the end of the data space for multi-block directories; blocks past
     * it are not data blocks. A directory also cannot hold more blocks than the volume. */
    uint64_t size_end = (ip->pub.size + fs->info.block_size - 1) >> fs->blocklog;
    if (size_end < data_end)
        data_end = size_end;
    uint64_t budget = (fs->vol_size >> fs->blocklog) + 1, nread = 0;
    uint64_t last_db = UINT64_MAX;
    for (size_t i = 0; i < m.n; i++) {
        const ks_xfs_extent *e = &m.v[i];
        if (e->file_block >= data_end)
            break;
        uint64_t endb = e->file_block + e->count;
        if (endb > data_end)
            endb = data_end;
        for (uint64_t fb = e->file_block; fb < endb; fb += per - (fb & (per - 1))) {
            uint64_t db = fb >> fs->dirblklog;
            if (db == last_db)
                continue;
            last_db = db;
            if (++nread > budget) {
                rc = KS_CORRUPT(err, fs->name, -1, (int64_t)ip->off,
                                "XFS inode %llu: directory maps more blocks than the volume has",
                                (unsigned long long)dir_ino);
                goto done;
            }
            uint64_t loff = db << (fs->blocklog + fs->dirblklog);
            if ((rc = xfs_map_read(fs, &m, dir_ino, loff, b, dbs, err)) < 0)
                goto done;
            ptrdiff_t k = xfs_map_find(&m, db << fs->dirblklog);
            uint64_t boff = k >= 0 ? m.v[k].byte_offset +
                                         (((db << fs->dirblklog) - m.v[k].file_block) << fs->blocklog)
                                   : 0;
            if ((rc = dir_block(fs, ip, b, db, boff, fn, ctx, err)) != 0)
                goto done;
        }
    }
done:
    free(b);
    xfs_map_free(&m);
    free(ip);
    return rc;
}

/* ---- lookup ---------------------------------------------------------------------------- */
typedef struct find_ctx {
    const char *name;
    size_t n;
    uint64_t ino;
    bool found;
} find_ctx;

static int find_cb(void *ctx, const ks_xfs_dirent *e)
{
    find_ctx *f = ctx;
    if (e->name_len == f->n && memcmp(e->name, f->name, f->n) == 0) {
        f->ino = e->ino;
        f->found = true;
        return 1;
    }
    return 0;
}

#define LOOKUP_PATH_MAX 8192

int ks_xfs_lookup(ks_xfs *fs, const char *path, bool follow_last, uint64_t *out, ks_err *err)
{
    int rc = 0, links = 0;
    char *rest = malloc(LOOKUP_PATH_MAX), *tmp = malloc(LOOKUP_PATH_MAX);
    char target[XFS_SYMLINK_MAXLEN + 1];
    uint64_t cur = fs->info.root_ino;
    if (!rest || !tmp) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    size_t plen = strlen(path);
    if (plen >= LOOKUP_PATH_MAX) {
        rc = KS_ERR(err, KS_ELIMIT, "path too long");
        goto done;
    }
    memcpy(rest, path, plen + 1);
    size_t pos = 0;
    for (;;) {
        while (rest[pos] == '/')
            pos++;
        if (!rest[pos])
            break;
        size_t s = pos;
        while (rest[pos] && rest[pos] != '/')
            pos++;
        size_t cl = pos - s;
        size_t after = pos;
        while (rest[after] == '/')
            after++;
        bool last = rest[after] == '\0';
        if (cl == 1 && rest[s] == '.')
            continue;
        if (cl > 255) {
            rc = KS_ERR(err, KS_ENOTFOUND, "XFS path component too long");
            goto done;
        }
        find_ctx f = {rest + s, cl, 0, false};
        rc = ks_xfs_dir_list(fs, cur, find_cb, &f, err);
        if (rc < 0)
            goto done;
        rc = 0;
        if (!f.found) {
            rc = KS_ERR(err, KS_ENOTFOUND, "XFS: \"%.*s\" not found in directory inode %llu",
                        (int)cl, rest + s, (unsigned long long)cur);
            goto done;
        }
        ks_xfs_inode ci;
        if ((rc = ks_xfs_inode_read(fs, f.ino, &ci, err)) < 0)
            goto done;
        if (ci.type == KS_XFS_T_LNK && (!last || follow_last)) {
            size_t tl;
            if (++links > 40) {
                rc = KS_ERR(err, KS_ELIMIT, "XFS: more than 40 symbolic links in \"%s\"", path);
                goto done;
            }
            if ((rc = ks_xfs_readlink(fs, f.ino, target, sizeof target, &tl, err)) < 0)
                goto done;
            size_t rl = strlen(rest + pos);
            if (tl + 1 + rl + 1 > LOOKUP_PATH_MAX) {
                rc = KS_ERR(err, KS_ELIMIT, "XFS: path too long after following links");
                goto done;
            }
            memcpy(tmp, target, tl);
            tmp[tl] = '/';
            memcpy(tmp + tl + 1, rest + pos, rl + 1);
            memcpy(rest, tmp, tl + 1 + rl + 1);
            pos = 0;
            if (target[0] == '/')
                cur = fs->info.root_ino;
            continue;
        }
        if (!last && ci.type != KS_XFS_T_DIR) {
            rc = KS_ERR(err, KS_ENOTFOUND, "XFS: \"%.*s\" is not a directory", (int)cl, rest + s);
            goto done;
        }
        cur = f.ino;
    }
    *out = cur;
done:
    free(rest);
    free(tmp);
    return rc;
}

/* ---- recursive walk --------------------------------------------------------------------- */
typedef struct walk_ctx {
    ks_xfs *fs;
    ks_xfs_walk_fn fn;
    void *ctx;
    unsigned max_depth;
    uint64_t max_entries, nentries;
    uint64_t *stack; /* inode numbers of the directories being listed (ancestors) */
    unsigned depth;
    ks_buf path;
    ks_err *err;
    int stop;
} walk_ctx;

static int walk_dir(walk_ctx *w, uint64_t ino);

static int walk_cb(void *ctx, const ks_xfs_dirent *e)
{
    walk_ctx *w = ctx;
    if ((e->name_len == 1 && e->name[0] == '.') ||
        (e->name_len == 2 && e->name[0] == '.' && e->name[1] == '.'))
        return 0;
    if (++w->nentries > w->max_entries)
        return KS_ERR(w->err, KS_ELIMIT, "XFS walk: more than %llu entries",
                      (unsigned long long)w->max_entries);
    size_t save = w->path.len;
    int rc;
    if ((save && (rc = ks_buf_putc(&w->path, '/')) < 0) ||
        (rc = ks_buf_append(&w->path, e->name, e->name_len)) < 0)
        return KS_ERR(w->err, rc, "XFS walk: path too long");
    rc = w->fn(w->ctx, w->path.data, e, (int)w->depth);
    if (rc != 0) {
        w->stop = 1;
        goto out;
    }
    bool isdir = e->ftype == 2;
    if (e->ftype == 0) {
        ks_xfs_inode in;
        ks_err e2;
        ks_err_clear(&e2);
        isdir = ks_xfs_inode_read(w->fs, e->ino, &in, &e2) == 0 && in.type == KS_XFS_T_DIR;
    }
    if (isdir) {
        bool cycle = false;
        for (unsigned i = 0; i < w->depth; i++)
            cycle |= w->stack[i] == e->ino;
        if (cycle)
            xfs_warn(w->fs, -1, "XFS walk: directory cycle at \"%s\" (inode %llu is its own "
                     "ancestor); not entered", w->path.data, (unsigned long long)e->ino);
        else if (w->depth >= w->max_depth)
            xfs_warn(w->fs, -1, "XFS walk: depth limit %u reached at \"%s\"", w->max_depth,
                     w->path.data);
        else
            rc = walk_dir(w, e->ino);
    }
out:
    w->path.len = save;
    if (w->path.data)
        w->path.data[save] = '\0';
    return rc;
}

static int walk_dir(walk_ctx *w, uint64_t ino)
{
    w->stack[w->depth++] = ino;
    ks_err sub;
    ks_err_clear(&sub);
    int rc = ks_xfs_dir_list(w->fs, ino, walk_cb, w, &sub);
    w->depth--;
    if (rc < 0 && w->depth > 0 && rc != KS_ELIMIT && rc != KS_ENOMEM) {
        /* a damaged subdirectory does not end the walk */
        xfs_warn(w->fs, sub.offset, "XFS walk: \"%s\": %s", w->path.data ? w->path.data : "",
                 sub.msg);
        return 0;
    }
    if (rc < 0 && w->err && sub.code)
        *w->err = sub;
    return rc;
}

int ks_xfs_walk(ks_xfs *fs, uint64_t dir_ino, unsigned max_depth, uint64_t max_entries,
                ks_xfs_walk_fn fn, void *ctx, ks_err *err)
{
    walk_ctx w;
    memset(&w, 0, sizeof w);
    w.fs = fs;
    w.fn = fn;
    w.ctx = ctx;
    w.max_depth = max_depth ? max_depth : 256;
    w.max_entries = max_entries ? max_entries : (uint64_t)100 << 20;
    w.err = err;
    ks_buf_init(&w.path, 1 << 20);
    w.stack = calloc(w.max_depth + 1, sizeof *w.stack);
    int rc;
    if (!w.stack) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    rc = walk_dir(&w, dir_ino);
done:
    free(w.stack);
    ks_buf_free(&w.path);
    return rc;
}
