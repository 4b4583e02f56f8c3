/* walk.c — path lookup, bounded recursive walks, bodyfile lines (see walk.h). */
#include "fs/walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/escape.h"

/* ---- a set of inode numbers (open addressing, grows by doubling) --------------------- */
typedef struct ino_set {
    uint64_t *slot; /* 0 = empty (inode 0 is never stored) */
    size_t cap, n;
} ino_set;

static size_t ino_hash(uint64_t v, size_t cap)
{
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdULL;
    v ^= v >> 33;
    return (size_t)v & (cap - 1);
}

/* 1 = inserted, 0 = already present, <0 = error */
static int ino_set_add(ino_set *s, uint64_t v)
{
    if (v == 0)
        return 0;
    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 1024;
        uint64_t *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return KS_ENOMEM;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i]) {
                size_t h = ino_hash(s->slot[i], nc);
                while (ns[h])
                    h = (h + 1) & (nc - 1);
                ns[h] = s->slot[i];
            }
        free(s->slot);
        s->slot = ns;
        s->cap = nc;
    }
    size_t h = ino_hash(v, s->cap);
    while (s->slot[h]) {
        if (s->slot[h] == v)
            return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->slot[h] = v;
    s->n++;
    return 1;
}

static int ino_set_has(const ino_set *s, uint64_t v)
{
    if (!s->cap || v == 0)
        return 0;
    size_t h = ino_hash(v, s->cap);
    while (s->slot[h]) {
        if (s->slot[h] == v)
            return 1;
        h = (h + 1) & (s->cap - 1);
    }
    return 0;
}

/* ---- directory listing into memory ----------------------------------------------------- */
typedef struct dent {
    ks_fs_dirent de;
    size_t name_off; /* into names */
} dent;

typedef struct dlist {
    dent *v;
    size_t n, cap;
    ks_buf names;
    bool deleted;
} dlist;

static int dlist_cb(void *ud, const ks_fs_dirent *e)
{
    dlist *l = ud;
    if (e->deleted && !l->deleted)
        return 0;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        dent *nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return KS_ENOMEM;
        l->v = nv;
        l->cap = nc;
    }
    dent *d = &l->v[l->n];
    d->de = *e;
    d->name_off = l->names.len;
    int rc = ks_buf_append(&l->names, e->name, e->name_len);
    if (rc == 0)
        rc = ks_buf_putc(&l->names, '\0');
    if (rc)
        return rc;
    l->n++;
    return 0;
}

static void dlist_free(dlist *l)
{
    free(l->v);
    ks_buf_free(&l->names);
}

static uint64_t pair_hash(const dlist *l, const dent *d)
{
    uint64_t h = 1469598103934665603ULL ^ (d->de.ino * 0x9E3779B97F4A7C15ULL);
    const unsigned char *p = (const unsigned char *)l->names.data + d->name_off;
    for (size_t i = 0; i < d->de.name_len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h | 1;
}

/* ---- lookup ------------------------------------------------------------------------------ */
typedef struct find_ctx {
    const char *name;
    size_t len;
    uint64_t ino;
} find_ctx;

static int find_cb(void *ud, const ks_fs_dirent *e)
{
    find_ctx *f = ud;
    if (!e->deleted && e->name_len == f->len && !memcmp(e->name, f->name, f->len)) {
        f->ino = e->ino;
        return 1;
    }
    return 0;
}

int ks_fs_lookup(ks_fs *fs, const char *path, bool follow_last, uint64_t *out_ino, ks_err *err)
{
    ks_fs_info info;
    ks_buf cur, link;
    int rc = 0;
    unsigned links = 0;
    ks_fs_get_info(fs, &info);
    ks_buf_init(&cur, 1 << 20);
    ks_buf_init(&link, 1 << 20);
    if (ks_buf_puts(&cur, path)) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    uint64_t dir = info.root_ino;
    size_t pos = 0;
    for (;;) {
        const char *s = cur.data;
        while (pos < cur.len && s[pos] == '/')
            pos++;
        if (pos >= cur.len)
            break;
        size_t end = pos;
        while (end < cur.len && s[end] != '/')
            end++;
        bool last = true;
        for (size_t k = end; k < cur.len; k++)
            if (s[k] != '/')
                last = false;
        find_ctx f = {s + pos, end - pos, 0};
        if (f.len == 1 && f.name[0] == '.') {
            pos = end;
            continue;
        }
        ks_err_clear(err);
        rc = ks_fs_readdir(fs, dir, find_cb, &f, err);
        if (rc < 0 && !f.ino)
            goto done;
        rc = 0;
        if (!f.ino) {
            rc = KS_ERR(err, KS_ENOTFOUND, "no such file or directory: %.*s", (int)(end), s);
            goto done;
        }
        ks_fs_inode st;
        rc = ks_fs_stat(fs, f.ino, &st, err);
        if (rc)
            goto done;
        if (st.type == KS_FT_LNK && (!last || follow_last)) {
            if (++links > KS_LOOKUP_MAX_LINKS) {
                rc = KS_ERR(err, KS_ELIMIT, "too many levels of symbolic links at %.*s",
                            (int)end, s);
                goto done;
            }
            ks_buf_reset(&link);
            rc = ks_fs_readlink(fs, f.ino, &link, err);
            if (rc)
                goto done;
            /* new path = target + rest; absolute targets restart at the root */
            ks_buf nb;
            ks_buf_init(&nb, 1 << 20);
            rc = ks_buf_append(&nb, link.data ? link.data : "", link.len);
            if (!rc)
                rc = ks_buf_putc(&nb, '/');
            if (!rc)
                rc = ks_buf_append(&nb, s + end, cur.len - end);
            if (rc) {
                ks_buf_free(&nb);
                rc = KS_ERR(err, KS_ELIMIT, "symbolic link expansion too long");
                goto done;
            }
            if (link.len && link.data[0] == '/')
                dir = info.root_ino;
            ks_buf_free(&cur);
            cur = nb;
            pos = 0;
            continue;
        }
        if (!last && st.type != KS_FT_DIR) {
            rc = KS_ERR(err, KS_ENOTFOUND, "not a directory: %.*s", (int)end, s);
            goto done;
        }
        dir = f.ino;
        pos = end;
    }
    *out_ino = dir;
done:
    ks_buf_free(&cur);
    ks_buf_free(&link);
    return rc;
}

/* ---- walk -------------------------------------------------------------------------------- */
/* Inodes reached by a name: a bitmap when the file system numbers inodes densely
 * (ext4: 1..inode_count), else the hash set. */
typedef struct seen_set {
    uint8_t *bits;
    uint64_t nbits;
    ino_set set;
} seen_set;

static int seen_add(seen_set *s, uint64_t v)
{
    if (s->bits && v < s->nbits) {
        s->bits[v >> 3] |= (uint8_t)(1u << (v & 7));
        return 0;
    }
    return ino_set_add(&s->set, v) < 0 ? KS_ENOMEM : 0;
}

static int seen_has(const seen_set *s, uint64_t v)
{
    if (s->bits && v < s->nbits)
        return (s->bits[v >> 3] >> (v & 7)) & 1;
    return ino_set_has(&s->set, v);
}

typedef struct walk_ctx {
    ks_fs *fs;
    const ks_fs_walk_opts *o;
    ks_fs_walk_cb cb;
    void *ud;
    ks_buf path;
    ino_set dirs; /* directories already listed */
    seen_set seen; /* inodes reached by any name */
    int first_err;
    ks_err e1;
    unsigned max_depth;
} walk_ctx;

static void walk_note(walk_ctx *w, int rc, const ks_err *e)
{
    if (!w->first_err) {
        w->first_err = rc;
        if (e)
            w->e1 = *e;
    }
}

static int walk_dir(walk_ctx *w, uint64_t ino, unsigned depth)
{
    dlist l;
    ks_err e;
    int rc = 0;
    memset(&l, 0, sizeof l);
    ks_buf_init(&l.names, 0);
    l.deleted = w->o->deleted;
    ks_err_clear(&e);
    int r = ks_fs_readdir(w->fs, ino, dlist_cb, &l, &e);
    if (r == KS_ENOMEM) {
        rc = r;
        goto done;
    }
    if (r)
        walk_note(w, r, &e);
    /* htree splits and in-block compaction leave copies of live records in slack: a
     * recovered (inode, name) pair that is still live in this directory is not a deletion */
    if (l.deleted) {
        ino_set live;
        memset(&live, 0, sizeof live);
        for (size_t i = 0; i < l.n; i++)
            if (!l.v[i].de.deleted &&
                ino_set_add(&live, pair_hash(&l, &l.v[i])) < 0) {
                free(live.slot);
                rc = KS_ENOMEM;
                goto done;
            }
        size_t k = 0;
        for (size_t i = 0; i < l.n; i++)
            if (!l.v[i].de.deleted || !ino_set_has(&live, pair_hash(&l, &l.v[i])))
                l.v[k++] = l.v[i];
        l.n = k;
        free(live.slot);
    }
    size_t base_len = w->path.len;
    for (size_t i = 0; i < l.n; i++) {
        dent *d = &l.v[i];
        const char *name = l.names.data + d->name_off;
        d->de.name = name;
        if (!d->de.deleted && ((d->de.name_len == 1 && name[0] == '.') ||
                               (d->de.name_len == 2 && name[0] == '.' && name[1] == '.')))
            continue;
        w->path.len = base_len;
        if ((base_len == 0 || w->path.data[base_len - 1] != '/') && ks_buf_putc(&w->path, '/')) {
            rc = KS_ENOMEM;
            goto done;
        }
        /* a '/' inside a name (only hostile or damaged records have one) would make the
         * path lie about the tree: it is written as the text \x2f */
        for (size_t k = 0; k < d->de.name_len && !rc; k++)
            rc = name[k] == '/' ? ks_buf_puts(&w->path, "\\x2f") : ks_buf_putc(&w->path, name[k]);
        if (rc) {
            rc = KS_ELIMIT;
            goto done;
        }
        ks_fs_inode st;
        bool have = false;
        if (d->de.ino) {
            ks_err_clear(&e);
            r = ks_fs_stat(w->fs, d->de.ino, &st, &e);
            if (r == 0)
                have = true;
            else if (!d->de.deleted)
                walk_note(w, r, &e);
            if (seen_add(&w->seen, d->de.ino) < 0) {
                rc = KS_ENOMEM;
                goto done;
            }
        }
        ks_fs_walk_entry we = {w->path.data, w->path.len, &d->de, have ? &st : NULL,
                            d->de.deleted, d->de.deleted && have && st.allocated, false, depth};
        rc = w->cb(w->ud, &we);
        if (rc)
            goto done;
        if (!d->de.deleted && have && st.type == KS_FT_DIR && !w->o->shallow) {
            if (depth + 1 >= w->max_depth) {
                ks_err_clear(&e);
                KS_ERR(&e, KS_ELIMIT, "directory depth over %u at inode %llu", w->max_depth,
                       (unsigned long long)d->de.ino);
                walk_note(w, KS_ELIMIT, &e);
                continue;
            }
            int added = ino_set_add(&w->dirs, d->de.ino);
            if (added < 0) {
                rc = KS_ENOMEM;
                goto done;
            }
            if (added == 0) {
                ks_err_clear(&e);
                KS_ERR(&e, KS_ECORRUPT,
                       "directory inode %llu is reached twice (a directory cycle or a hard "
                       "link to a directory); listed once", (unsigned long long)d->de.ino);
                walk_note(w, KS_ECORRUPT, &e);
                continue;
            }
            rc = walk_dir(w, d->de.ino, depth + 1);
            if (rc)
                goto done;
        }
    }
    w->path.len = base_len;
    if (w->path.data)
        w->path.data[base_len] = '\0';
done:
    dlist_free(&l);
    return rc;
}

typedef struct orphan_ctx {
    walk_ctx *w;
} orphan_ctx;

static int orphan_cb(void *ud, const ks_fs_inode *st)
{
    walk_ctx *w = ud;
    if (st->allocated || !st->has_metadata || seen_has(&w->seen, st->ino))
        return 0;
    char name[64];
    snprintf(name, sizeof name, "/$OrphanFiles/OrphanFile-%llu", (unsigned long long)st->ino);
    ks_fs_walk_entry we = {name, strlen(name), NULL, st, true, false, true, 1};
    return w->cb(w->ud, &we);
}

int ks_fs_walk(ks_fs *fs, uint64_t start_ino, const char *start_path, const ks_fs_walk_opts *o,
               ks_fs_walk_cb cb, void *ud, ks_err *err)
{
    walk_ctx w;
    int rc = 0;
    memset(&w, 0, sizeof w);
    w.fs = fs;
    w.o = o;
    w.cb = cb;
    w.ud = ud;
    w.max_depth = o->max_depth ? o->max_depth : KS_WALK_MAX_DEPTH;
    ks_err_clear(&w.e1);
    ks_buf_init(&w.path, 1 << 20);
    const char *sp = start_path && *start_path ? start_path : "/";
    size_t sl = strlen(sp);
    while (sl > 1 && sp[sl - 1] == '/')
        sl--;
    if (ks_buf_append(&w.path, sp, sl)) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    ks_fs_inode st;
    rc = ks_fs_stat(fs, start_ino, &st, err);
    if (rc)
        goto done;
    ks_fs_info info;
    ks_fs_get_info(fs, &info);
    if (info.inode_count && info.inode_count < ((uint64_t)1 << 32)) {
        w.seen.nbits = info.inode_count + 1;
        w.seen.bits = calloc((size_t)(w.seen.nbits / 8 + 1), 1);
    }
    seen_add(&w.seen, start_ino);
    if (o->include_start) {
        ks_fs_walk_entry we = {w.path.data, w.path.len, NULL, &st, false, false, false, 0};
        rc = cb(ud, &we);
        if (rc)
            goto done;
    }
    if (st.type == KS_FT_DIR) {
        if (ino_set_add(&w.dirs, start_ino) < 0) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        if (!strcmp(sp, "/"))
            w.path.len = 0; /* children become "/name" */
        rc = walk_dir(&w, start_ino, 1);
        if (rc < 0 && !w.first_err) {
            rc = KS_ERR(err, rc, "walk stopped: %s", ks_status_name(rc));
            goto done;
        }
        if (rc)
            goto done;
    }
    if (o->orphans) {
        ks_err e;
        ks_err_clear(&e);
        int r = ks_fs_inodes(fs, orphan_cb, &w, &e);
        if (r > 0) {
            rc = r;
            goto done;
        }
        if (r < 0)
            walk_note(&w, r, &e);
    }
    if (w.first_err) {
        rc = w.first_err;
        if (err)
            *err = w.e1;
    }
done:
    ks_buf_free(&w.path);
    free(w.dirs.slot);
    free(w.seen.bits);
    free(w.seen.set.slot);
    return rc;
}

/* ---- renderings -------------------------------------------------------------------------- */
void ks_fs_mode_string(ks_ftype name_type, const ks_fs_inode *st, char out[13])
{
    out[0] = name_type != KS_FT_UNKNOWN ? ks_fs_ftype_char(name_type)
                                        : (st ? ks_fs_ftype_char(st->type) : '-');
    out[1] = '/';
    if (!st) {
        memcpy(out + 2, "----------", 11);
        return;
    }
    uint32_t m = st->mode;
    out[2] = ks_fs_ftype_char(st->type);
    static const char rwx[] = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        out[3 + i] = (m >> (8 - i)) & 1 ? rwx[i] : '-';
    if (m & 04000)
        out[5] = out[5] == 'x' ? 's' : 'S';
    if (m & 02000)
        out[8] = out[8] == 'x' ? 's' : 'S';
    if (m & 01000)
        out[11] = out[11] == 'x' ? 't' : 'T';
    out[12] = '\0';
}

size_t ks_fs_time_iso(const ks_fs_time *t, char *out, size_t outsz)
{
    if (!t->set) {
        snprintf(out, outsz, "-");
        return 1;
    }
    time_t s = (time_t)t->sec;
    struct tm tm;
    if (!gmtime_r(&s, &tm)) {
        int n = snprintf(out, outsz, "@%lld.%09u", (long long)t->sec, t->nsec);
        return n > 0 ? (size_t)n : 0;
    }
    int n = snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, t->nsec);
    return n > 0 ? (size_t)n : 0;
}

/* Integer formatting without printf: the bodyfile of a large image is millions of numbers. */
static int put_u64(ks_buf *b, uint64_t v)
{
    char t[24];
    size_t i = sizeof t;
    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return ks_buf_append(b, t + i, sizeof t - i);
}

static int put_i64(ks_buf *b, int64_t v)
{
    if (v < 0) {
        int rc = ks_buf_putc(b, '-');
        return rc ? rc : put_u64(b, (uint64_t)0 - (uint64_t)v);
    }
    return put_u64(b, (uint64_t)v);
}

static int put_time(ks_buf *b, const ks_fs_time *t, bool frac)
{
    if (!t->set)
        return ks_buf_putc(b, '0');
    int rc = put_i64(b, t->sec);
    if (!rc && frac) {
        char f[10];
        uint32_t n = t->nsec;
        f[0] = '.';
        for (int i = 9; i >= 1; i--) {
            f[i] = (char)('0' + n % 10);
            n /= 10;
        }
        rc = ks_buf_append(b, f, 10);
    }
    return rc;
}

static int escape_field(ks_buf *b, const char *p, size_t n)
{
    int rc = 0;
    size_t i = 0;
    while (!rc && i < n) {
        size_t j = i;
        int plain = 1;
        while (j < n && p[j] != '|') {
            unsigned char c = (unsigned char)p[j];
            plain &= c >= 0x20 && c < 0x7f && c != '\\';
            j++;
        }
        /* printable ASCII needs no escaping: copy it whole */
        rc = plain ? ks_buf_append(b, p + i, j - i) : ks_escape_term(b, p + i, j - i);
        if (!rc && j < n)
            rc = ks_buf_puts(b, "\\x7c");
        i = j + 1;
    }
    return rc;
}

int ks_bodyfile_line(ks_buf *out, const ks_fs_walk_entry *e, const char *mount_prefix, bool frac,
                     const ks_buf *link)
{
    ks_buf name;
    int rc;
    ks_buf_init(&name, 1 << 20);
    const char *pre = mount_prefix ? mount_prefix : "";
    size_t pl = strlen(pre);
    while (pl > 0 && pre[pl - 1] == '/')
        pl--;
    /* controls and backslashes escaped as for the terminal, and the column separator */
    rc = ks_buf_append(&name, pre, pl);
    if (!rc)
        rc = escape_field(&name, e->path, e->path_len);
    if (!rc && link && link->len) {
        rc = ks_buf_puts(&name, " -> ");
        if (!rc)
            rc = escape_field(&name, link->data, link->len);
    }
    if (!rc && e->deleted)
        rc = ks_buf_puts(&name, e->realloc ? " (deleted-realloc)" : " (deleted)");
    if (rc)
        goto done;
    char mode[13];
    ks_fs_mode_string(e->de ? e->de->type : KS_FT_UNKNOWN, e->st, mode);
    if (e->orphan)
        mode[0] = '-'; /* no name, so no name type (as fls writes orphans) */
    const ks_fs_inode *st = e->st;
    uint64_t ino = e->de ? e->de->ino : (st ? st->ino : 0);
    rc = ks_buf_puts(out, "0|");
    if (!rc)
        rc = ks_buf_append(out, name.data ? name.data : "", name.len);
    if (!rc)
        rc = ks_buf_putc(out, '|');
    if (!rc)
        rc = put_u64(out, ino);
    if (!rc)
        rc = ks_buf_putc(out, '|');
    if (!rc)
        rc = ks_buf_append(out, mode, 12);
    if (!rc)
        rc = ks_buf_putc(out, '|');
    if (!rc)
        rc = put_u64(out, st ? st->uid : 0);
    if (!rc)
        rc = ks_buf_putc(out, '|');
    if (!rc)
        rc = put_u64(out, st ? st->gid : 0);
    if (!rc)
        rc = ks_buf_putc(out, '|');
    if (!rc)
        rc = put_u64(out, st ? st->size : 0);
    ks_fs_time none = {0, 0, false};
    const ks_fs_time *times[4] = {st ? &st->atime : &none, st ? &st->mtime : &none,
                                  st ? &st->ctime : &none, st ? &st->crtime : &none};
    for (int i = 0; i < 4 && !rc; i++) {
        rc = ks_buf_putc(out, '|');
        if (!rc)
            rc = put_time(out, times[i], frac);
    }
    if (!rc)
        rc = ks_buf_putc(out, '\n');
done:
    ks_buf_free(&name);
    return rc;
}
