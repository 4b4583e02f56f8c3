/* cmd_fs.c — `kanshiki fs`: read file systems inside disk images without mounting. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/hash.h"
#include "fs/ext4/journal.h"
#include "fs/extract.h"
#include "fs/fs.h"
#include "fs/lvm.h"
#include "fs/volume.h"
#include "fs/walk.h"
#include "fs/yara.h"

static const ks_opt_spec opts[] = {
    {"inode", 'i', "INODE", "address a file by inode number instead of a path", false},
    {"recursive", 'r', NULL, "ls: list the whole tree below the directory", false},
    {"live", 0, NULL, "leave out deleted names and orphan inodes", false},
    {"format", 0, "FMT", "timeline/find: text (default) or bodyfile (TSK 3.x, for mactime)", false},
    {"mount", 'm', "PREFIX", "bodyfile: prefix for every path (like fls -m), default \"/\"", false},
    {"ns", 0, NULL, "bodyfile: append .nnnnnnnnn to the times (not read by mactime)", false},
    {"name", 0, "GLOB", "find: base name matches the glob", true},
    {"path", 0, "GLOB", "find: full path matches the glob", true},
    {"type", 0, "T", "find: f d l c b p s (file, dir, symlink, char, block, fifo, socket)", false},
    {"min-size", 0, "BYTES", "find: size at least (K/M/G suffixes)", false},
    {"max-size", 0, "BYTES", "find: size at most", false},
    {"after", 0, "TIME", "find: a chosen time is at or after (ISO 8601 UTC or @epoch)", false},
    {"before", 0, "TIME", "find: a chosen time is before", false},
    {"time", 0, "WHICH", "find: which times --after/--before test: any of m a c b (default macb)",
     false},
    {"deleted", 0, NULL, "find: only deleted names and orphans; extract: include deleted", false},
    {"output", 'o', "DIR", "extract: target directory (created; must not hold a manifest)", false},
    {"sha256", 0, NULL, "stat: also print the SHA-256 of the content", false},
    {"versions", 0, NULL, "journal: print the inode versions held in logged inode tables", false},
    {"rules", 0, "RULES", "yara: a directory of *.yar/*.yara files, or one rules file", false},
};
#define NOPTS (sizeof opts / sizeof opts[0])

/* ---- output helpers --------------------------------------------------------------------- */
static void out_escaped(const char *s, size_t n)
{
    ks_buf b;
    ks_buf_init(&b, 1 << 24);
    if (ks_escape_term(&b, s, n) == 0 && b.data)
        fwrite(b.data, 1, b.len, stdout);
    ks_buf_free(&b);
}

static int fail(const ks_err *err, int rc)
{
    ks_cli_error(err);
    return ks_cli_exit_for(rc);
}

static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    uint64_t mul = 1;
    if (*s == 'K' || *s == 'k')
        mul = 1024;
    else if (*s == 'M' || *s == 'm')
        mul = 1024 * 1024;
    else if (*s == 'G' || *s == 'g')
        mul = 1024ull * 1024 * 1024;
    else if (*s)
        return -1;
    if (mul > 1 && s[1])
        return -1;
    if (v > UINT64_MAX / mul)
        return -1;
    *out = v * mul;
    return 0;
}

/* "@SECONDS" or "YYYY-MM-DD[THH:MM:SS[.frac]][Z]" (UTC) into seconds + ns. */
static int parse_time(const char *s, ks_fs_time *out)
{
    memset(out, 0, sizeof *out);
    if (s[0] == '@') {
        int neg = s[1] == '-';
        uint64_t v;
        if (parse_u64(s + 1 + neg, &v) != 0 || v > INT64_MAX)
            return -1;
        out->sec = neg ? -(int64_t)v : (int64_t)v;
        out->set = true;
        return 0;
    }
    int f[6] = {0, 1, 1, 0, 0, 0};
    static const char sep[] = "--T::";
    const char *p = s;
    for (int i = 0; i < 6; i++) {
        int n = 0, v = 0;
        while (*p >= '0' && *p <= '9' && n < 4) {
            v = v * 10 + (*p - '0');
            p++;
            n++;
        }
        if (n == 0)
            return -1;
        f[i] = v;
        if (i == 5 || !*p || *p == 'Z' || *p == '.')
            break;
        if (*p != sep[i] && !(i == 2 && *p == ' '))
            return -1;
        p++;
    }
    uint32_t ns = 0;
    if (*p == '.') {
        p++;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (digits < 9) {
                ns = ns * 10 + (uint32_t)(*p - '0');
                digits++;
            }
            p++;
        }
        while (digits++ < 9)
            ns *= 10;
    }
    if (*p == 'Z')
        p++;
    if (*p)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = f[0] - 1900;
    tm.tm_mon = f[1] - 1;
    tm.tm_mday = f[2];
    tm.tm_hour = f[3];
    tm.tm_min = f[4];
    tm.tm_sec = f[5];
    if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
        return -1;
    out->sec = (int64_t)timegm(&tm);
    out->nsec = ns;
    out->set = true;
    return 0;
}

static int time_cmp(const ks_fs_time *a, const ks_fs_time *b)
{
    if (a->sec != b->sec)
        return a->sec < b->sec ? -1 : 1;
    return a->nsec < b->nsec ? -1 : a->nsec > b->nsec;
}

/* Resolves the file argument (path or --inode) to an inode number. */
static int target_ino(ks_fs *fs, const ks_opts *o, const char *path, uint64_t *ino, bool follow,
                      ks_err *err)
{
    const char *is = ks_opt_str(o, "inode");
    if (is) {
        if (parse_u64(is, ino) != 0 || *ino == 0)
            return KS_ERR(err, KS_EUSAGE, "bad inode number '%s'", is);
        return 0;
    }
    return ks_fs_lookup(fs, path ? path : "/", follow, ino, err);
}

/* ---- info, parts ------------------------------------------------------------------------ */
static void print_time_line(const char *k, const ks_fs_time *t)
{
    char iso[64];
    ks_fs_time_iso(t, iso, sizeof iso);
    printf("%s: %s\n", k, iso);
}

static int do_info(ks_fs_handle *h)
{
    ks_fs_info in;
    ks_fs_get_info(h->fs, &in);
    printf("image: ");
    out_escaped(ks_img_name(h->disk), strlen(ks_img_name(h->disk)));
    printf("\ncontainer: %s\n", ks_img_kind(h->disk));
    if (h->part_no)
        printf("partition: %u\n", h->part_no);
    if (h->lv_name[0]) {
        fputs("logical_volume: ", stdout);
        out_escaped(h->lv_name, strlen(h->lv_name));
        putchar('\n');
    }
    printf("offset: %llu\n", (unsigned long long)ks_img_base(h->vol));
    printf("type: %s\nlabel: ", in.type);
    out_escaped(in.label, strlen(in.label));
    printf("\nuuid: %s\nlast_mounted: ", in.uuid);
    out_escaped(in.last_mount, strlen(in.last_mount));
    printf("\nblock_size: %u\nblock_count: %llu\ninode_count: %llu\ngroup_count: %u\n",
           in.block_size, (unsigned long long)in.block_count,
           (unsigned long long)in.inode_count, in.group_count);
    print_time_line("mkfs_time", &in.mkfs_time);
    print_time_line("mount_time", &in.mtime);
    print_time_line("write_time", &in.wtime);
    printf("features: %s\n", in.features);
    printf("orphan_list:");
    for (unsigned i = 0; i < in.norphans; i++)
        printf(" %llu", (unsigned long long)in.orphans[i]);
    printf("%s\n", in.orphans_truncated ? " ..." : in.norphans ? "" : " (empty)");
    printf("needs_recovery: %s\n", in.needs_recovery ? "yes" : "no");
    return KS_EXIT_OK;
}

/* Lists the logical volumes of an LVM2 PV (the whole image or a partition). */
static void print_lvs(ks_img *pv, const char *where)
{
    ks_lvm l;
    ks_err err;
    ks_err_clear(&err);
    if (ks_lvm_read(&l, pv, &err) != 0) {
        ks_cli_error(&err);
        return;
    }
    printf("lvm volume group ");
    out_escaped(l.vg_name, strlen(l.vg_name));
    printf(" on %s (extent %llu bytes):\n", where, (unsigned long long)l.extent_bytes);
    for (unsigned i = 0; i < l.nlv; i++) {
        const ks_lvm_lv *lv = &l.lv[i];
        printf("  lv=");
        out_escaped(lv->name, strlen(lv->name));
        if (!lv->supported) {
            printf("  (not readable: %s)\n", lv->why);
            continue;
        }
        printf("  %llu bytes in %u segment%s", (unsigned long long)lv->size, lv->nseg,
               lv->nseg == 1 ? "" : "s");
        ks_img *w = NULL;
        const char *fsn = NULL;
        if (ks_lvm_open_lv(&w, pv, &l, lv, NULL) == 0 && ks_fs_probe(w, &fsn))
            printf(" [%s]", fsn);
        ks_img_close(w);
        putchar('\n');
    }
    ks_lvm_free(&l);
}

static int do_parts(const char *spec)
{
    ks_img *img = NULL;
    ks_err err;
    ks_err_clear(&err);
    ks_vs *vs = calloc(1, sizeof *vs);
    int rc = 0, ex = KS_EXIT_OK;
    if (!vs) {
        ks_cli_errorf("out of memory");
        return KS_EXIT_INTERNAL;
    }
    rc = ks_img_open(&img, spec, &err);
    if (rc) {
        ex = fail(&err, rc);
        goto done;
    }
    rc = ks_vs_read(vs, img, &err);
    if (rc == KS_ENOTFOUND) {
        const char *fsn = NULL;
        printf("scheme: none\n");
        if (ks_fs_probe(img, &fsn))
            printf("file system at offset 0: %s\n", fsn);
        else if (ks_lvm_probe(img))
            print_lvs(img, "the whole image");
        goto done;
    }
    if (rc) {
        ex = fail(&err, rc);
        goto done;
    }
    printf("scheme: %s\nsector_size: %u\n", ks_vs_scheme_name(vs->scheme), vs->sector_size);
    if (vs->scheme == KS_VS_GPT)
        printf("disk_guid: %s%s%s\n", vs->disk_guid, vs->gpt_backup_used ? " (backup header)" : "",
               vs->gpt_crc_bad ? " (checksum mismatch)" : "");
    printf("%-4s %14s %14s %14s  %-20s %s\n", "#", "start", "end", "bytes", "type", "name/fs");
    for (unsigned i = 0; i < vs->n; i++) {
        const ks_part *p = &vs->parts[i];
        char type[48];
        if (vs->scheme == KS_VS_MBR)
            snprintf(type, sizeof type, "0x%02x %s%s", p->mbr_type, p->type_desc,
                     p->logical ? " (logical)" : "");
        else
            snprintf(type, sizeof type, "%s", p->type_desc);
        printf("%-4u %14llu %14llu %14llu  %-20s ", p->index, (unsigned long long)p->start,
               (unsigned long long)(p->start + p->size), (unsigned long long)p->size, type);
        out_escaped(p->name, strlen(p->name));
        ks_img *w = NULL;
        const char *fsn = NULL;
        int lvm = 0;
        if (ks_img_window(&w, img, p->start, p->size, NULL) == 0) {
            if (ks_fs_probe(w, &fsn))
                printf("%s[%s]", p->name[0] ? " " : "", fsn);
            else if ((lvm = ks_lvm_probe(w)) != 0)
                printf("%s[lvm2 pv]", p->name[0] ? " " : "");
        }
        putchar('\n');
        if (lvm) {
            char where[32];
            snprintf(where, sizeof where, "partition %u", p->index);
            print_lvs(w, where);
        }
        ks_img_close(w);
    }
    if (vs->warnings)
        ks_cli_warnf("%u partition entries lie outside the usable area", vs->warnings);
done:
    ks_img_close(img);
    free(vs);
    return ex;
}

/* ---- ls ----------------------------------------------------------------------------------- */
static void print_entry_line(const ks_fs_walk_entry *e)
{
    char mode[13], mt[64];
    ks_fs_mode_string(e->de ? e->de->type : KS_FT_UNKNOWN, e->st, mode);
    ks_fs_time none = {0, 0, false};
    ks_fs_time_iso(e->st ? &e->st->mtime : &none, mt, sizeof mt);
    uint64_t ino = e->de ? e->de->ino : (e->st ? e->st->ino : 0);
    printf("%s %8llu %5u %5u %12llu %s ", mode, (unsigned long long)ino, e->st ? e->st->uid : 0,
           e->st ? e->st->gid : 0, (unsigned long long)(e->st ? e->st->size : 0), mt);
    out_escaped(e->path, e->path_len);
    if (e->deleted)
        fputs(e->realloc ? " (deleted-realloc)" : " (deleted)", stdout);
    putchar('\n');
}

static int ls_cb(void *ud, const ks_fs_walk_entry *e)
{
    (void)ud;
    print_entry_line(e);
    return 0;
}

/* A symlink's target for the bodyfile ("name -> target", as fls writes it). */
static const ks_buf *link_of(ks_fs *fs, const ks_fs_walk_entry *e, ks_buf *b)
{
    ks_buf_reset(b);
    if (!e->st || e->st->type != KS_FT_LNK || e->deleted)
        return NULL;
    if (ks_fs_readlink(fs, e->st->ino, b, NULL) != 0)
        return NULL;
    return b;
}

/* ---- find --------------------------------------------------------------------------------- */
typedef struct find_q {
    const char *const *names;
    size_t nnames;
    const char *const *paths;
    size_t npaths;
    int type; /* ks_ftype or -1 */
    uint64_t min_size, max_size;
    ks_fs_time after, before;
    const char *which;
    bool only_deleted;
    bool bodyfile, frac;
    const char *mount;
    ks_buf line, link;
    ks_fs *fs;
} find_q;

static int time_ok(const find_q *q, const ks_fs_inode *st)
{
    if (!q->after.set && !q->before.set)
        return 1;
    if (!st)
        return 0;
    const ks_fs_time *t[4] = {&st->mtime, &st->atime, &st->ctime, &st->crtime};
    static const char letters[] = "macb";
    for (int i = 0; i < 4; i++) {
        if (!strchr(q->which, letters[i]) || !t[i]->set)
            continue;
        if (q->after.set && time_cmp(t[i], &q->after) < 0)
            continue;
        if (q->before.set && time_cmp(t[i], &q->before) >= 0)
            continue;
        return 1;
    }
    return 0;
}

static int find_cb(void *ud, const ks_fs_walk_entry *e)
{
    find_q *q = ud;
    if (q->only_deleted && !e->deleted)
        return 0;
    const char *base = e->path + e->path_len;
    while (base > e->path && base[-1] != '/')
        base--;
    if (q->nnames) {
        int ok = 0;
        for (size_t i = 0; i < q->nnames && !ok; i++)
            ok = fnmatch(q->names[i], base, 0) == 0;
        if (!ok)
            return 0;
    }
    if (q->npaths) {
        int ok = 0;
        for (size_t i = 0; i < q->npaths && !ok; i++)
            ok = fnmatch(q->paths[i], e->path, 0) == 0;
        if (!ok)
            return 0;
    }
    ks_ftype t = e->st ? e->st->type : (e->de ? e->de->type : KS_FT_UNKNOWN);
    if (q->type >= 0 && (int)t != q->type)
        return 0;
    uint64_t size = e->st ? e->st->size : 0;
    if (size < q->min_size || size > q->max_size)
        return 0;
    if (!time_ok(q, e->st))
        return 0;
    if (q->bodyfile) {
        ks_buf_reset(&q->line);
        if (ks_bodyfile_line(&q->line, e, q->mount, q->frac, link_of(q->fs, e, &q->link)) == 0)
            fwrite(q->line.data, 1, q->line.len, stdout);
        return 0;
    }
    out_escaped(e->path, e->path_len);
    if (e->deleted)
        fputs(e->realloc ? " (deleted-realloc)" : " (deleted)", stdout);
    putchar('\n');
    return 0;
}

/* ---- timeline ------------------------------------------------------------------------------ */
typedef struct tl_item {
    ks_fs_time t[4]; /* m a c b */
    uint64_t ino, size;
    size_t path_off, path_len;
    char mode[13];
    bool deleted, realloc;
} tl_item;

typedef struct tl_ev {
    int64_t sec;
    uint32_t nsec;
    uint8_t macb;
    size_t item;
} tl_ev;

typedef struct tl_ctx {
    tl_item *items;
    size_t n, cap;
    ks_buf paths;
    bool bodyfile, frac;
    const char *mount;
    ks_buf line, link;
    ks_fs *fs;
} tl_ctx;

static int tl_cb(void *ud, const ks_fs_walk_entry *e)
{
    tl_ctx *c = ud;
    if (c->bodyfile) {
        ks_buf_reset(&c->line);
        int rc = ks_bodyfile_line(&c->line, e, c->mount, c->frac, link_of(c->fs, e, &c->link));
        if (rc)
            return rc;
        fwrite(c->line.data, 1, c->line.len, stdout);
        return 0;
    }
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 1024;
        tl_item *ni = realloc(c->items, nc * sizeof *ni);
        if (!ni)
            return KS_ENOMEM;
        c->items = ni;
        c->cap = nc;
    }
    tl_item *it = &c->items[c->n];
    memset(it, 0, sizeof *it);
    if (e->st) {
        it->t[0] = e->st->mtime;
        it->t[1] = e->st->atime;
        it->t[2] = e->st->ctime;
        it->t[3] = e->st->crtime;
        it->size = e->st->size;
    }
    it->ino = e->de ? e->de->ino : (e->st ? e->st->ino : 0);
    ks_fs_mode_string(e->de ? e->de->type : KS_FT_UNKNOWN, e->st, it->mode);
    it->deleted = e->deleted;
    it->realloc = e->realloc;
    it->path_off = c->paths.len;
    it->path_len = e->path_len;
    int rc = ks_buf_append(&c->paths, e->path, e->path_len);
    if (!rc)
        rc = ks_buf_putc(&c->paths, '\0');
    if (rc)
        return rc;
    c->n++;
    return 0;
}

static int ev_cmp(const void *a, const void *b)
{
    const tl_ev *x = a, *y = b;
    if (x->sec != y->sec)
        return x->sec < y->sec ? -1 : 1;
    if (x->nsec != y->nsec)
        return x->nsec < y->nsec ? -1 : 1;
    return x->item < y->item ? -1 : x->item > y->item;
}

static int tl_print(tl_ctx *c)
{
    tl_ev *ev = NULL;
    size_t nev = 0;
    if (c->n) {
        ev = malloc(c->n * 4 * sizeof *ev);
        if (!ev)
            return KS_ENOMEM;
    }
    for (size_t i = 0; i < c->n; i++) {
        /* equal times of one item make one event with several MACB letters */
        for (int k = 0; k < 4; k++) {
            const ks_fs_time *t = &c->items[i].t[k];
            if (!t->set)
                continue;
            int dup = 0;
            for (int j = 0; j < k && !dup; j++)
                dup = c->items[i].t[j].set && time_cmp(&c->items[i].t[j], t) == 0;
            if (dup)
                continue;
            uint8_t m = 0;
            for (int j = k; j < 4; j++)
                if (c->items[i].t[j].set && time_cmp(&c->items[i].t[j], t) == 0)
                    m |= (uint8_t)(1u << j);
            ev[nev++] = (tl_ev){t->sec, t->nsec, m, i};
        }
    }
    if (nev)
        qsort(ev, nev, sizeof *ev, ev_cmp);
    for (size_t i = 0; i < nev; i++) {
        const tl_item *it = &c->items[ev[i].item];
        ks_fs_time t = {ev[i].sec, ev[i].nsec, true};
        char iso[64], macb[5] = "....";
        ks_fs_time_iso(&t, iso, sizeof iso);
        for (int k = 0; k < 4; k++)
            if (ev[i].macb & (1u << k))
                macb[k] = "macb"[k];
        printf("%s %s %s %8llu %12llu ", iso, macb, it->mode, (unsigned long long)it->ino,
               (unsigned long long)it->size);
        out_escaped(c->paths.data + it->path_off, it->path_len);
        if (it->deleted)
            fputs(it->realloc ? " (deleted-realloc)" : " (deleted)", stdout);
        putchar('\n');
    }
    free(ev);
    return 0;
}

/* ---- stat ------------------------------------------------------------------------------------ */
static int xattr_print(void *ud, const char *name, const uint8_t *v, size_t n)
{
    (void)ud;
    fputs("xattr: ", stdout);
    out_escaped(name, strlen(name));
    fputs(" = ", stdout);
    out_escaped((const char *)v, n);
    printf(" (%zu bytes)\n", n);
    return 0;
}

static int do_stat(ks_fs *fs, const ks_opts *o, const char *path)
{
    ks_err err;
    ks_err_clear(&err);
    uint64_t ino;
    int rc = target_ino(fs, o, path, &ino, false, &err);
    if (rc)
        return fail(&err, rc);
    ks_fs_inode st;
    rc = ks_fs_stat(fs, ino, &st, &err);
    if (rc)
        return fail(&err, rc);
    char mode[13];
    ks_fs_mode_string(KS_FT_UNKNOWN, &st, mode);
    if (path && !ks_opt_str(o, "inode")) {
        fputs("path: ", stdout);
        out_escaped(path, strlen(path));
        putchar('\n');
    }
    printf("inode: %llu\ntype: %s\nmode: 0%o (%c%s)\nuid: %u\ngid: %u\nsize: %llu\nlinks: %u\n"
           "blocks512: %llu\n",
           (unsigned long long)st.ino, ks_fs_ftype_name(st.type), st.mode,
           st.type == KS_FT_REG ? '-' : mode[2], mode + 3, st.uid,
           st.gid, (unsigned long long)st.size, st.nlink, (unsigned long long)st.blocks512);
    (void)mode;
    print_time_line("atime", &st.atime);
    print_time_line("mtime", &st.mtime);
    print_time_line("ctime", &st.ctime);
    print_time_line("crtime", &st.crtime);
    print_time_line("dtime", &st.dtime);
    printf("allocated: %s\nflags: 0x%x\ngeneration: %u\n", st.allocated ? "yes" : "no (deleted)",
           st.flags, st.generation);
    int ex = KS_EXIT_OK;
    if (st.type == KS_FT_LNK) {
        ks_buf t;
        ks_buf_init(&t, 1 << 20);
        rc = ks_fs_readlink(fs, ino, &t, &err);
        if (rc) {
            ex = fail(&err, rc);
        } else {
            fputs("link_target: ", stdout);
            out_escaped(t.data ? t.data : "", t.len);
            putchar('\n');
        }
        ks_buf_free(&t);
    }
    ks_err_clear(&err);
    rc = ks_fs_xattrs(fs, ino, xattr_print, NULL, &err);
    if (rc)
        ex = fail(&err, rc);
    if (ks_opt_flag(o, "sha256") && st.type == KS_FT_REG) {
        ks_sha256 *h = NULL;
        uint8_t *buf = malloc(1 << 20);
        if (!buf || ks_sha256_new(&h) != 0) {
            free(buf);
            ks_cli_errorf("out of memory");
            return KS_EXIT_INTERNAL;
        }
        uint64_t off = 0;
        rc = 0;
        while (off < st.size && !rc) {
            size_t want = st.size - off < (1u << 20) ? (size_t)(st.size - off) : (1u << 20);
            size_t got = 0;
            rc = ks_fs_read(fs, ino, off, buf, want, &got, &err);
            if (!rc && got == 0)
                break;
            if (!rc)
                ks_sha256_update(h, buf, got);
            off += got;
        }
        if (rc) {
            ex = fail(&err, rc);
        } else {
            char hex[65];
            ks_sha256_final_hex(h, hex);
            printf("sha256: %s\n", hex);
        }
        ks_sha256_free(h);
        free(buf);
    }
    return ex;
}

static int do_cat(ks_fs *fs, const ks_opts *o, const char *path)
{
    ks_err err;
    ks_err_clear(&err);
    uint64_t ino;
    int rc = target_ino(fs, o, path, &ino, true, &err);
    if (rc)
        return fail(&err, rc);
    ks_fs_inode st;
    rc = ks_fs_stat(fs, ino, &st, &err);
    if (rc)
        return fail(&err, rc);
    if (st.type == KS_FT_DIR) {
        ks_cli_errorf("fs cat: inode %llu is a directory", (unsigned long long)ino);
        return KS_EXIT_USAGE;
    }
    uint8_t *buf = malloc(1 << 20);
    if (!buf) {
        ks_cli_errorf("out of memory");
        return KS_EXIT_INTERNAL;
    }
    uint64_t off = 0;
    while (off < st.size) {
        size_t want = st.size - off < (1u << 20) ? (size_t)(st.size - off) : (1u << 20);
        size_t got = 0;
        rc = ks_fs_read(fs, ino, off, buf, want, &got, &err);
        if (rc || got == 0)
            break;
        if (fwrite(buf, 1, got, stdout) != got)
            break;
        off += got;
    }
    free(buf);
    if (rc)
        return fail(&err, rc);
    return KS_EXIT_OK;
}

static int do_inodes(ks_fs *fs);

static int inode_line(void *ud, const ks_fs_inode *st)
{
    (void)ud;
    char mode[13], mt[64], dt[64];
    ks_fs_mode_string(KS_FT_UNKNOWN, st, mode);
    ks_fs_time_iso(&st->mtime, mt, sizeof mt);
    ks_fs_time_iso(&st->dtime, dt, sizeof dt);
    printf("%llu %s %s %u %u %llu %u %s %s\n", (unsigned long long)st->ino,
           st->allocated ? "alloc" : "deleted", mode + 2, st->uid, st->gid,
           (unsigned long long)st->size, st->nlink, mt, dt);
    return 0;
}

static int do_inodes(ks_fs *fs)
{
    ks_err err;
    ks_err_clear(&err);
    int rc = ks_fs_inodes(fs, inode_line, NULL, &err);
    return rc ? fail(&err, rc) : KS_EXIT_OK;
}

/* ---- journal ---------------------------------------------------------------------------- */
typedef struct jr_ctx {
    ks_fs *fs;
    bool versions;
    uint64_t commits, blocks;
} jr_ctx;

static int jr_block(void *ud, const ks_jbd2_block *b)
{
    jr_ctx *c = ud;
    char kind[96];
    uint64_t first = 0;
    unsigned count = 0;
    ks_ext4_block_kind(c->fs, b->fs_block, kind, sizeof kind, &first, &count);
    printf("seq %u block %llu (journal block %llu): %s\n", b->seq,
           (unsigned long long)b->fs_block, (unsigned long long)b->journal_block, kind);
    c->blocks++;
    uint32_t isz = ks_ext4_inode_size(c->fs);
    if (!c->versions || !count || !isz)
        return 0;
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *raw = b->data + (size_t)i * isz;
        if (raw[0] == 0 && raw[1] == 0)
            continue; /* mode 0: never used */
        ks_fs_inode st;
        ks_ext4_inode_decode(c->fs, first + i, raw, &st);
        char mode[13], mt[64], ct[64], dt[64];
        ks_fs_mode_string(KS_FT_UNKNOWN, &st, mode);
        ks_fs_time_iso(&st.mtime, mt, sizeof mt);
        ks_fs_time_iso(&st.ctime, ct, sizeof ct);
        ks_fs_time_iso(&st.dtime, dt, sizeof dt);
        printf("  inode %llu %s %u:%u size %llu links %u mtime %s ctime %s dtime %s\n",
               (unsigned long long)st.ino, mode + 2, st.uid, st.gid,
               (unsigned long long)st.size, st.nlink, mt, ct, dt);
    }
    return 0;
}

static int jr_commit(void *ud, const ks_jbd2_commit *cm)
{
    jr_ctx *c = ud;
    char t[64];
    ks_fs_time_iso(&cm->time, t, sizeof t);
    printf("seq %u commit %s (journal block %llu)\n", cm->seq, t,
           (unsigned long long)cm->journal_block);
    c->commits++;
    return 0;
}

static int do_journal(ks_fs *fs, const ks_opts *o)
{
    ks_err err;
    ks_err_clear(&err);
    if (!ks_ext4_has_journal(fs)) {
        ks_cli_errorf("fs journal: this file system has no internal journal");
        return KS_EXIT_INPUT;
    }
    jr_ctx c = {fs, ks_opt_flag(o, "versions"), 0, 0};
    ks_jbd2_cbs cbs = {jr_block, jr_commit, &c};
    ks_jbd2_info info;
    int rc = ks_ext4_journal_scan(fs, &info, &cbs, &err);
    printf("journal: inode %llu, %u blocks of %u bytes, first %u, sequence %u, %s; "
           "%llu commit records, %llu logged blocks\n",
           (unsigned long long)info.inode, info.maxlen, info.block_size, info.first,
           info.sequence, info.clean ? "clean" : "needs recovery",
           (unsigned long long)c.commits, (unsigned long long)c.blocks);
    return rc ? fail(&err, rc) : KS_EXIT_OK;
}

/* ---- yara: scan live regular files with YARA rules ---------------------------------- */
typedef struct yara_q {
    ks_fs *fs;
    ks_yara *rules;
    uint8_t *buf;
    uint64_t max;
    const char *path;
    int64_t matches, skipped;
} yara_q;

static int yara_match_cb(void *ud, const ks_yara_match *m)
{
    yara_q *q = ud;
    q->matches++;
    /* like the yara CLI: "RULE PATH", then the strings as JSON */
    out_escaped(m->rule, strlen(m->rule));
    putchar(' ');
    out_escaped(q->path, strlen(q->path));
    putchar(' ');
    out_escaped(m->strings, strlen(m->strings));
    putchar('\n');
    return 0;
}

static int yara_cb(void *ud, const ks_fs_walk_entry *e)
{
    yara_q *q = ud;
    if (!e->st || e->deleted || e->st->type != KS_FT_REG || !e->st->size)
        return 0;
    if (e->st->size > q->max) {
        q->skipped++;
        return 0;
    }
    size_t n = (size_t)e->st->size, got = 0;
    ks_err re;
    ks_err_clear(&re);
    while (got < n) {
        size_t k = 0;
        if (ks_fs_read(q->fs, e->st->ino, got, q->buf + got, n - got, &k, &re) || !k)
            break;
        got += k;
    }
    if (got < n) {
        q->skipped++;
        return 0;
    }
    q->path = e->path;
    ks_err se;
    ks_err_clear(&se);
    if (ks_yara_scan(q->rules, q->buf, n, yara_match_cb, q, &se))
        ks_cli_warnf("%s: %s", e->path, se.msg);
    return 0;
}

static int do_yara(ks_fs *fs, const ks_opts *o, const char *path)
{
    ks_err err;
    ks_err_clear(&err);
    const char *rules = ks_opt_str(o, "rules");
    const char *mx = ks_opt_str(o, "max-size");
    yara_q q = {fs, NULL, NULL, (uint64_t)64 << 20, NULL, 0, 0};
    if (!rules || (mx && parse_u64(mx, &q.max)) || q.max > SIZE_MAX / 2) {
        ks_cli_errorf("fs yara: needs --rules RULES (and --max-size BYTES, default 64M)");
        return KS_EXIT_USAGE;
    }
    int rc = ks_yara_load(&q.rules, rules, &err);
    if (rc)
        return fail(&err, rc);
    q.buf = malloc(q.max ? (size_t)q.max : 1);
    uint64_t ino;
    if (!q.buf) {
        ks_yara_free(q.rules);
        ks_cli_errorf("out of memory");
        return KS_EXIT_INTERNAL;
    }
    int ex = KS_EXIT_OK;
    rc = target_ino(fs, o, path, &ino, true, &err);
    if (!rc) {
        ks_fs_walk_opts wo = {false, false, true, 0, false};
        rc = ks_fs_walk(fs, ino, path ? path : "/", &wo, yara_cb, &q, &err);
    }
    if (rc)
        ex = fail(&err, rc);
    fprintf(stderr, "kanshiki: %lld matches; %lld files larger than %llu bytes or unreadable not scanned\n",
            (long long)q.matches, (long long)q.skipped, (unsigned long long)q.max);
    free(q.buf);
    ks_yara_free(q.rules);
    return ex;
}

static int parse_type(const char *s)
{
    if (!s)
        return -1;
    switch (s[0]) {
    case 'f': return KS_FT_REG;
    case 'd': return KS_FT_DIR;
    case 'l': return KS_FT_LNK;
    case 'c': return KS_FT_CHR;
    case 'b': return KS_FT_BLK;
    case 'p': return KS_FT_FIFO;
    case 's': return KS_FT_SOCK;
    default: return -2;
    }
}

static int run(int argc, char **argv)
{
    ks_opts o;
    ks_fs_handle h;
    ks_err err;
    int ex = KS_EXIT_OK, rc;
    memset(&h, 0, sizeof h);
    ks_err_clear(&err);
    if (argc < 2) {
        ks_cmd_print_help(stderr, &ks_cmd_fs);
        return KS_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        ks_cmd_print_help(stdout, &ks_cmd_fs);
        return KS_EXIT_OK;
    }
    rc = ks_opts_parse(&o, opts, NOPTS, argc - 1, argv + 1, "fs");
    if (rc < 0)
        return KS_EXIT_OK;
    if (rc)
        return rc;
    static const char *const subs[] = {"info", "parts", "ls", "stat", "cat", "find",
                                       "timeline", "extract", "inodes", "journal", "yara", NULL};
    int known = 0;
    for (int i = 0; subs[i]; i++)
        known |= !strcmp(sub, subs[i]);
    if (!known) {
        ks_cli_errorf("fs: unknown subcommand '%s' (see 'kanshiki help fs')", sub);
        return KS_EXIT_USAGE;
    }
    if (o.npos < 1) {
        ks_cli_errorf("fs %s: an IMAGE argument is required", sub);
        return KS_EXIT_USAGE;
    }
    const char *path = o.npos >= 2 ? o.pos[1] : NULL;
    if (path && path[0] != '/') {
        ks_cli_errorf("fs %s: paths inside the image start with '/'", sub);
        return KS_EXIT_USAGE;
    }
    if (!strcmp(sub, "parts"))
        return do_parts(o.pos[0]);
    rc = ks_fs_handle_open(&h, o.pos[0], &err);
    if (rc)
        return fail(&err, rc);
    ks_fs *fs = h.fs;
    const char *fmt = ks_opt_str(&o, "format");
    bool bodyfile = fmt && !strcmp(fmt, "bodyfile");
    if (fmt && !bodyfile && strcmp(fmt, "text") != 0) {
        ks_cli_errorf("fs %s: unknown --format '%s' (text, bodyfile)", sub, fmt);
        ex = KS_EXIT_USAGE;
        goto done;
    }
    bool live = ks_opt_flag(&o, "live");
    if (!strcmp(sub, "info")) {
        ex = do_info(&h);
    } else if (!strcmp(sub, "stat")) {
        ex = do_stat(fs, &o, path);
    } else if (!strcmp(sub, "cat")) {
        ex = do_cat(fs, &o, path);
    } else if (!strcmp(sub, "inodes")) {
        ex = do_inodes(fs);
    } else if (!strcmp(sub, "journal")) {
        ex = do_journal(fs, &o);
    } else if (!strcmp(sub, "yara")) {
        ex = do_yara(fs, &o, path);
    } else if (!strcmp(sub, "ls")) {
        uint64_t ino;
        rc = target_ino(fs, &o, path, &ino, true, &err);
        if (rc) {
            ex = fail(&err, rc);
            goto done;
        }
        ks_fs_walk_opts wo = {!live, false, false, 0, !ks_opt_flag(&o, "recursive")};
        rc = ks_fs_walk(fs, ino, path ? path : "/", &wo, ls_cb, NULL, &err);
        if (rc)
            ex = fail(&err, rc);
    } else if (!strcmp(sub, "find") || !strcmp(sub, "timeline")) {
        uint64_t ino;
        rc = target_ino(fs, &o, path, &ino, true, &err);
        if (rc) {
            ex = fail(&err, rc);
            goto done;
        }
        bool whole = !path || !strcmp(path, "/");
        ks_fs_walk_opts wo = {!live, !live && whole, whole, 0, false};
        const char *mount = ks_opt_str(&o, "mount");
        if (!mount)
            mount = "/";
        if (!strcmp(sub, "timeline")) {
            tl_ctx c;
            memset(&c, 0, sizeof c);
            ks_buf_init(&c.paths, 0);
            ks_buf_init(&c.line, 1 << 22);
            ks_buf_init(&c.link, 1 << 20);
            c.fs = fs;
            c.bodyfile = bodyfile;
            c.frac = ks_opt_flag(&o, "ns");
            c.mount = mount;
            rc = ks_fs_walk(fs, ino, path ? path : "/", &wo, tl_cb, &c, &err);
            int prc = bodyfile ? 0 : tl_print(&c);
            if (prc) {
                ks_cli_errorf("out of memory");
                ex = KS_EXIT_INTERNAL;
            }
            if (rc)
                ex = fail(&err, rc);
            free(c.items);
            ks_buf_free(&c.paths);
            ks_buf_free(&c.line);
            ks_buf_free(&c.link);
        } else {
            find_q q;
            memset(&q, 0, sizeof q);
            q.nnames = ks_opt_all(&o, "name", &q.names);
            q.npaths = ks_opt_all(&o, "path", &q.paths);
            q.type = parse_type(ks_opt_str(&o, "type"));
            q.max_size = UINT64_MAX;
            q.which = ks_opt_str(&o, "time") ? ks_opt_str(&o, "time") : "macb";
            q.only_deleted = ks_opt_flag(&o, "deleted");
            q.bodyfile = bodyfile;
            q.frac = ks_opt_flag(&o, "ns");
            q.mount = mount;
            ks_buf_init(&q.line, 1 << 22);
            ks_buf_init(&q.link, 1 << 20);
            q.fs = fs;
            const char *a = ks_opt_str(&o, "after"), *b = ks_opt_str(&o, "before");
            const char *mn = ks_opt_str(&o, "min-size"), *mx = ks_opt_str(&o, "max-size");
            if (q.type == -2 || (a && parse_time(a, &q.after)) || (b && parse_time(b, &q.before)) ||
                (mn && parse_u64(mn, &q.min_size)) || (mx && parse_u64(mx, &q.max_size))) {
                ks_cli_errorf("fs find: bad --type, --after, --before, --min-size or --max-size");
                ks_buf_free(&q.line);
                ks_buf_free(&q.link);
                ex = KS_EXIT_USAGE;
                goto done;
            }
            rc = ks_fs_walk(fs, ino, path ? path : "/", &wo, find_cb, &q, &err);
            if (rc)
                ex = fail(&err, rc);
            ks_buf_free(&q.line);
            ks_buf_free(&q.link);
        }
    } else if (!strcmp(sub, "extract")) {
        const char *dest = ks_opt_str(&o, "output");
        if (!dest || !path) {
            ks_cli_errorf("fs extract: needs IMAGE PATH and -o DIR");
            ex = KS_EXIT_USAGE;
            goto done;
        }
        ks_extract_opts eo = {ks_opt_flag(&o, "deleted")};
        ks_extract_stats es;
        rc = ks_fs_extract(fs, path, dest, &eo, &es, &err);
        fprintf(stderr, "kanshiki: extracted %llu files, %llu directories, %llu other items, "
                        "%llu bytes; %llu errors\n",
                (unsigned long long)es.files, (unsigned long long)es.dirs,
                (unsigned long long)es.others, (unsigned long long)es.bytes,
                (unsigned long long)es.errors);
        if (rc)
            ex = fail(&err, rc);
    }
done:
    fflush(stdout);
    ks_fs_handle_close(&h);
    return ex;
}

const ks_cmd ks_cmd_fs = {
    "fs",
    run,
    "read ext2/3/4 and XFS file systems in disk images (raw, split, E01, qcow2, VMDK, VHD) without mounting",
    "info|parts|ls|stat|cat|find|timeline|extract|inodes|journal|yara IMAGE[@N|@offset=BYTES] [PATH] [options]",
    "Subcommands:\n"
    "  info      file system summary (type, UUID, label, sizes, features, times)\n"
    "  parts     the partition table (MBR with logical partitions, GPT) and what each holds\n"
    "  ls        a directory (-r: the tree); deleted names are marked (deleted)\n"
    "  stat      one inode: type, mode, owner, size, times with nanoseconds, link, xattrs\n"
    "  cat       file content to stdout (also deleted inodes by -i when still mapped)\n"
    "  find      names matching --name/--path/--type/--min-size/--max-size/--after/--before\n"
    "  timeline  MACB events sorted by time with nanoseconds, or --format bodyfile for mactime\n"
    "  extract   copy a file or tree into -o DIR, never outside it; times in a manifest\n"
    "  inodes    every inode in the tables, allocated or deleted with surviving metadata\n"
    "  journal   ext3/4 journal history: logged blocks per transaction, commit times;\n"
    "            --versions prints the older inode copies the journal still holds\n"
    "  yara      scan live regular files (below PATH) with --rules RULES: \"RULE PATH STRINGS\"\n"
    "IMAGE may name a partition: disk.raw@2, disk.raw@offset=1048576 or disk.raw@s2048, and\n"
    "an LVM2 logical volume: disk.raw@lv=root (PV at offset 0) or disk.raw@3,lv=root.\n"
    "Without one, a file system at offset 0 or the only partition or logical volume holding\n"
    "one is used.",
    opts,
    NOPTS,
};
