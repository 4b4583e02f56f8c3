/* walk.c — the evidence walker: paths -> directories (sorted, loop-safe) -> files ->
 * decompression chains -> archives (nested) -> members.
 *
 * State is explicit (no recursion): a stack of open directories, a stack of open archives,
 * and the current member. Every directory's (dev, ino) is remembered, so a directory
 * reached again — through a symlink or a bind mount, on the current path or elsewhere — is
 * reported as a skip instead of being walked twice or forever.
 */
#include "evidence/evidence.h"
#include "evidence/ev_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KS_WALK_MAX_DIR_DEPTH 4096
#define KS_WALK_MAX_DIR_ENTRIES ((size_t)10 * 1000 * 1000) /* names held per directory */

typedef struct dir_frame {
    char *path;
    char **names; /* sorted */
    size_t n, i;
    dev_t dev;
    ino_t ino;
} dir_frame;

typedef struct arch_frame {
    ks_ev_arch *arch;
    ks_ev_chain chain;  /* the layers producing the archive's bytes (owned) */
    char *display;      /* the archive's display path: members are display!inner */
    char *inner_base;   /* "" for an archive on disk, "outer/inner.zip!" when nested */
    char *comp;         /* compression description of the archive, e.g. "tar+gzip" */
    int depth;          /* nesting used by this archive and everything around it */
} arch_frame;

typedef struct seen_entry {
    dev_t dev;
    ino_t ino;
    bool used;
} seen_entry;

typedef struct top_item {
    char *path;
    int fd; /* -1, or a descriptor given to ks_walk_new_fd (owned) */
} top_item;

struct ks_walk {
    ks_walk_opts opts;
    top_item *items;
    size_t nitems, next_item;

    dir_frame *dirs;
    size_t ndirs, capdirs;

    seen_entry *seen; /* every directory walked: open addressing, capacity a power of 2 */
    size_t nseen, capseen;

    arch_frame arch[KS_EV_NESTING_CAP + 1];
    size_t narch;

    char *disk_path;   /* the on-disk file currently being read */
    uint64_t disk_size;

    bool have_member;
    ks_ev_chain mchain;
    ks_member member;
    char *m_path, *m_inner;
    char m_comp[KS_EV_COMP_MAX];
    char *skip_path;
};

/* ---- small helpers ---------------------------------------------------------------- */

static char *str_join3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    if (la > SIZE_MAX / 4 || lb > SIZE_MAX / 4 || lc > SIZE_MAX / 4)
        return NULL;
    char *s = malloc(la + lb + lc + 1);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc);
    s[la + lb + lc] = '\0';
    return s;
}

static size_t seen_slot(const ks_walk *w, dev_t dev, ino_t ino)
{
    uint64_t h = ((uint64_t)dev * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)ino * 0xC2B2AE3D27D4EB4Full);
    size_t mask = w->capseen - 1, i = (size_t)(h ^ (h >> 29)) & mask;
    while (w->seen[i].used && !(w->seen[i].dev == dev && w->seen[i].ino == ino))
        i = (i + 1) & mask;
    return i;
}

/* Returns 1 if (dev, ino) was already there, 0 if added, or KS_ENOMEM. */
static int seen_add(ks_walk *w, dev_t dev, ino_t ino)
{
    if (w->capseen == 0 || (w->nseen + 1) * 2 > w->capseen) {
        size_t ncap = w->capseen ? w->capseen * 2 : 64;
        if (ncap > SIZE_MAX / sizeof *w->seen)
            return KS_ENOMEM;
        seen_entry *old = w->seen;
        size_t ocap = w->capseen;
        w->seen = calloc(ncap, sizeof *w->seen);
        if (!w->seen) {
            w->seen = old;
            return KS_ENOMEM;
        }
        w->capseen = ncap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].used)
                w->seen[seen_slot(w, old[i].dev, old[i].ino)] = old[i];
        free(old);
    }
    size_t i = seen_slot(w, dev, ino);
    if (w->seen[i].used)
        return 1;
    w->seen[i].used = true;
    w->seen[i].dev = dev;
    w->seen[i].ino = ino;
    w->nseen++;
    return 0;
}

static void release_member(ks_walk *w)
{
    if (!w->have_member)
        return;
    ks_ev_chain_free(&w->mchain);
    free(w->m_path);
    free(w->m_inner);
    w->m_path = w->m_inner = NULL;
    memset(&w->member, 0, sizeof w->member);
    w->have_member = false;
}

static void pop_arch(ks_walk *w)
{
    arch_frame *f = &w->arch[--w->narch];
    ks_ev_arch_free(f->arch);
    ks_ev_chain_free(&f->chain);
    free(f->display);
    free(f->inner_base);
    free(f->comp);
    memset(f, 0, sizeof *f);
}

static void pop_dir(ks_walk *w)
{
    dir_frame *d = &w->dirs[--w->ndirs];
    for (size_t i = 0; i < d->n; i++)
        free(d->names[i]);
    free(d->names);
    free(d->path);
}

static int set_skip(ks_walk *w, ks_walk_skip *out_skip, const char *path, const char *reason)
{
    free(w->skip_path);
    w->skip_path = strdup(path);
    out_skip->path = w->skip_path ? w->skip_path : "(out of memory)";
    out_skip->reason = reason;
    return 1;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- directories ---------------------------------------------------------------- */

/* Opens and lists a directory. 0 = pushed, 1 = skipped (loop), or an error. */
static int push_dir(ks_walk *w, const char *path, bool follow, ks_walk_skip *out_skip,
                    ks_err *err)
{
    int rc = 0, fd = -1;
    DIR *dir = NULL;
    struct stat st;
    char **names = NULL;
    size_t n = 0, cap = 0;

    if (w->ndirs >= KS_WALK_MAX_DIR_DEPTH) {
        rc = KS_ERR_AT(err, KS_ELIMIT, path, -1, -1, "directories nested deeper than %d",
                       KS_WALK_MAX_DIR_DEPTH);
        goto done;
    }
    if ((rc = ks_ev_open_dir(&fd, &st, path, follow, err)) != 0)
        goto done;
    for (size_t i = 0; i < w->ndirs; i++) {
        if (w->dirs[i].dev == st.st_dev && w->dirs[i].ino == st.st_ino) {
            rc = set_skip(w, out_skip, path, "directory loop (already on the current path)");
            goto done;
        }
    }
    int s = seen_add(w, st.st_dev, st.st_ino);
    if (s < 0) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (s == 1) {
        rc = set_skip(w, out_skip, path, "directory loop (directory already walked)");
        goto done;
    }
    if (!(dir = fdopendir(fd))) {
        rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot list directory: %s", strerror(errno));
        goto done;
    }
    fd = -1; /* owned by dir now */
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(dir);
        if (!de) {
            if (errno) {
                rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot list directory: %s",
                               strerror(errno));
                goto done;
            }
            break;
        }
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (n >= KS_WALK_MAX_DIR_ENTRIES) {
            rc = KS_ERR_AT(err, KS_ELIMIT, path, -1, -1,
                           "directory has more than %zu entries; not walked",
                           KS_WALK_MAX_DIR_ENTRIES);
            goto done;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            char **nn = ncap < SIZE_MAX / sizeof *nn ? realloc(names, ncap * sizeof *nn) : NULL;
            if (!nn) {
                rc = KS_ERR(err, KS_ENOMEM, "out of memory listing %s", path);
                goto done;
            }
            names = nn;
            cap = ncap;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory listing %s", path);
            goto done;
        }
        n++;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_names);
    if (w->ndirs == w->capdirs) {
        size_t ncap = w->capdirs ? w->capdirs * 2 : 16;
        dir_frame *nd = realloc(w->dirs, ncap * sizeof *nd);
        if (!nd) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        w->dirs = nd;
        w->capdirs = ncap;
    }
    dir_frame *f = &w->dirs[w->ndirs];
    if (!(f->path = strdup(path))) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    f->names = names;
    f->n = n;
    f->i = 0;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    w->ndirs++;
    names = NULL;
    n = 0;
done:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (dir)
        closedir(dir);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* ---- streams: members or archives ------------------------------------------------- */

enum { OPEN_MEMBER = 0, OPEN_ARCHIVE = 2 };

/* Builds the layers over `base`. The result is a member (w->member ready) or a pushed
 * archive frame. `chain` may already hold the raw file layer; it is consumed either way.
 * `display`/`inner` are taken over (freed on failure). */
static int open_stream(ks_walk *w, ks_ev_chain *chain, ks_input *base, char *display,
                       char *inner, const char *comp_prefix, int depth, ks_err *err)
{
    int rc = 0;
    arch_frame *f = NULL;
    int budget = w->opts.max_nesting - depth;

    base->name = display;
    rc = ks_ev_chain_build(chain, base, display, budget, w->opts.max_member_size, true, err);
    if (rc != 0)
        goto done;
    if (chain->archive != KS_EV_PLAIN) {
        if (depth + chain->depth + 1 > w->opts.max_nesting || w->narch >= KS_EV_NESTING_CAP) {
            rc = KS_ERR_AT(err, KS_ELIMIT, display, -1, -1,
                           "%s archive nested deeper than the nesting limit (%d); not unpacked",
                           ks_ev_kind_name(chain->archive), w->opts.max_nesting);
            goto done;
        }
        f = &w->arch[w->narch];
        memset(f, 0, sizeof *f);
        char comp[KS_EV_COMP_MAX];
        snprintf(comp, sizeof comp, "%s%s%s%s%s", comp_prefix, comp_prefix[0] ? ">" : "",
                 ks_ev_kind_name(chain->archive), chain->comp_rev[0] ? "+" : "",
                 chain->comp_rev);
        f->display = display;
        display = NULL;
        f->inner_base = inner ? str_join3(inner, "!", "") : strdup("");
        f->comp = strdup(comp);
        f->depth = depth + chain->depth + 1;
        f->chain = *chain;
        ks_ev_chain_init(chain);
        w->narch++;
        if (!f->inner_base || !f->comp) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            pop_arch(w);
            goto done;
        }
        /* An archive that is the raw file itself is read with seeks (zip central dir). */
        ks_ev_fd *seek_fd = (f->chain.raw && f->chain.depth == 0) ? f->chain.raw : NULL;
        rc = ks_ev_arch_open(&f->arch, f->chain.archive, &f->chain.top->base.in, seek_fd,
                             f->display, err);
        if (rc != 0) {
            pop_arch(w);
            goto done;
        }
        rc = OPEN_ARCHIVE;
        goto done;
    }
    w->mchain = *chain;
    ks_ev_chain_init(chain);
    w->have_member = true;
    w->m_path = display;
    w->m_inner = inner;
    display = inner = NULL;
    snprintf(w->m_comp, sizeof w->m_comp, "%s%s%s", comp_prefix,
             comp_prefix[0] && w->mchain.comp[0] ? ">" : "", w->mchain.comp);
    ks_member *m = &w->member;
    m->path = w->m_path;
    m->disk_path = w->disk_path;
    m->inner_path = w->m_inner;
    m->compression = w->m_comp;
    m->disk_size = w->disk_size;
    m->input = w->mchain.top->base.in;
    m->head = w->mchain.top->buf;
    m->head_len = w->mchain.top->len; /* never more than the member may deliver: */
    if (m->head_len > w->opts.max_member_size)
        m->head_len = (size_t)w->opts.max_member_size;
    rc = OPEN_MEMBER;
done:
    ks_ev_chain_free(chain);
    free(display);
    free(inner);
    return rc;
}

/* A regular file on disk (already opened): a member, or an archive to walk. */
static int open_disk_file(ks_walk *w, int fd, const struct stat *st, const char *path,
                          ks_err *err)
{
    int rc = 0;
    ks_ev_chain chain;
    ks_ev_fd *raw = NULL;
    char *display = NULL;
    ks_ev_chain_init(&chain);
    free(w->disk_path);
    w->disk_path = strdup(path);
    w->disk_size = (uint64_t)st->st_size;
    display = strdup(path);
    if (!w->disk_path || !display) {
        close(fd);
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = ks_ev_fd_new(&raw, fd, display, err)) != 0)
        goto done;
    chain.raw = raw;
    if ((rc = ks_ev_chain_push(&chain, &raw->base, err)) != 0)
        goto done;
    rc = open_stream(w, &chain, &raw->base.in, display, NULL, "", 0, err);
    display = NULL;
done:
    ks_ev_chain_free(&chain);
    free(display);
    if (rc < 0)
        ks_err_locate(err, path, -1, -1);
    return rc;
}

/* ---- the walk ----------------------------------------------------------------------- */

int ks_walk_new(ks_walk **out, const char *const *paths, size_t npaths,
                const ks_walk_opts *opts, ks_err *err)
{
    int rc = 0;
    ks_walk *w = calloc(1, sizeof *w);
    if (!w || (npaths && !(w->items = calloc(npaths, sizeof *w->items)))) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (opts)
        w->opts = *opts;
    if (!w->opts.max_member_size)
        w->opts.max_member_size = KS_EV_DEFAULT_MAX_MEMBER;
    if (w->opts.max_nesting <= 0)
        w->opts.max_nesting = KS_EV_DEFAULT_NESTING;
    if (w->opts.max_nesting > KS_EV_NESTING_CAP)
        w->opts.max_nesting = KS_EV_NESTING_CAP;
    ks_ev_chain_init(&w->mchain);
    for (size_t i = 0; i < npaths; i++) {
        w->items[i].fd = -1;
        if (!paths[i] || !(w->items[i].path = strdup(paths[i]))) {
            w->nitems = i;
            rc = paths[i] ? KS_ERR(err, KS_ENOMEM, "out of memory")
                          : KS_ERR(err, KS_EUSAGE, "NULL path");
            goto done;
        }
    }
    w->nitems = npaths;
    *out = w;
    w = NULL;
done:
    ks_walk_free(w);
    return rc;
}

int ks_walk_new_fd(ks_walk **out, int fd, const char *name, const ks_walk_opts *opts,
                   ks_err *err)
{
    const char *paths[1] = {name};
    ks_walk *w = NULL;
    int rc = ks_walk_new(&w, paths, 1, opts, err);
    if (rc != 0)
        return rc;
    w->items[0].fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (w->items[0].fd < 0) {
        ks_walk_free(w);
        return KS_ERR_AT(err, KS_EIO, name, -1, -1, "cannot duplicate descriptor: %s",
                         strerror(errno));
    }
    *out = w;
    return 0;
}

/* One top-level path: followed if a symlink (the user named it). */
static int next_top(ks_walk *w, ks_walk_skip *out_skip, ks_err *err)
{
    top_item *it = &w->items[w->next_item++];
    struct stat st;
    if (it->fd >= 0) {
        int fd = it->fd;
        it->fd = -1;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || lseek(fd, 0, SEEK_SET) != 0) {
            close(fd);
            return set_skip(w, out_skip, it->path, "not a regular file");
        }
        return open_disk_file(w, fd, &st, it->path, err);
    }
    if (stat(it->path, &st) != 0) {
        int e = errno;
        return KS_ERR_AT(err, e == ENOENT || e == ENOTDIR ? KS_ENOTFOUND : KS_EIO, it->path, -1,
                         -1, "cannot access: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode))
        return push_dir(w, it->path, true, out_skip, err);
    if (!S_ISREG(st.st_mode))
        return set_skip(w, out_skip, it->path, ks_ev_type_reason(st.st_mode));
    int fd = -1;
    const char *reason = NULL;
    int rc = ks_ev_open_file(&fd, &st, &reason, it->path, true, err);
    if (rc == 1)
        return set_skip(w, out_skip, it->path, reason);
    if (rc != 0)
        return rc;
    return open_disk_file(w, fd, &st, it->path, err);
}

/* The next name in the innermost open directory (the caller checked there is one). */
static int next_in_dir(ks_walk *w, ks_walk_skip *out_skip, ks_err *err)
{
    dir_frame *d = &w->dirs[w->ndirs - 1];
    const char *name = d->names[d->i++];
    bool follow = w->opts.follow_symlinks;
    size_t plen = strlen(d->path);
    char *path = str_join3(d->path, plen && d->path[plen - 1] == '/' ? "" : "/", name);
    int rc = 0, fd = -1;
    struct stat st;
    if (!path)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    if (lstat(path, &st) != 0) {
        rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot stat: %s", strerror(errno));
        goto done;
    }
    if (S_ISLNK(st.st_mode)) {
        if (!follow) {
            rc = set_skip(w, out_skip, path, "symbolic link (not followed)");
            goto done;
        }
        if (stat(path, &st) != 0) {
            rc = set_skip(w, out_skip, path, "broken symbolic link");
            goto done;
        }
    }
    if (S_ISDIR(st.st_mode)) {
        rc = push_dir(w, path, follow, out_skip, err);
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = set_skip(w, out_skip, path, ks_ev_type_reason(st.st_mode));
        goto done;
    }
    const char *reason = NULL;
    rc = ks_ev_open_file(&fd, &st, &reason, path, follow, err);
    if (rc == 1) {
        rc = set_skip(w, out_skip, path, reason);
        goto done;
    }
    if (rc == 0)
        rc = open_disk_file(w, fd, &st, path, err);
done:
    free(path);
    return rc;
}

/* The next entry of the innermost open archive. */
static int next_in_archive(ks_walk *w, ks_walk_skip *out_skip, ks_err *err)
{
    arch_frame *f = &w->arch[w->narch - 1];
    const char *inner = NULL, *reason = NULL;
    ks_input *data = NULL;
    int rc = ks_ev_arch_next(f->arch, &inner, &data, &reason, err);
    if (rc == KS_EOF) {
        pop_arch(w);
        return OPEN_ARCHIVE; /* nothing to report: go on */
    }
    if (rc < 0) {
        ks_err_locate(err, f->display, -1, -1);
        if (ks_ev_arch_dead(f->arch))
            pop_arch(w);
        return rc;
    }
    char *full_inner = str_join3(f->inner_base, inner, "");
    char *display = str_join3(f->display, "!", inner);
    if (!full_inner || !display) {
        free(full_inner);
        free(display);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    if (rc == 1) {
        rc = set_skip(w, out_skip, display, reason);
        free(full_inner);
        free(display);
        return rc;
    }
    ks_ev_chain chain;
    ks_ev_chain_init(&chain);
    return open_stream(w, &chain, data, display, full_inner, f->comp, f->depth, err);
}

int ks_walk_next(ks_walk *w, ks_member **out_member, ks_walk_skip *out_skip, ks_err *err)
{
    ks_walk_skip dummy;
    if (!out_skip)
        out_skip = &dummy;
    release_member(w);
    /* Each pass either returns or consumes one archive entry / directory name / path, or
     * pops a finished frame; all of those are finite. */
    for (;;) {
        int rc;
        if (w->narch > 0)
            rc = next_in_archive(w, out_skip, err);
        else if (w->ndirs > 0 && w->dirs[w->ndirs - 1].i >= w->dirs[w->ndirs - 1].n) {
            pop_dir(w);
            continue;
        } else if (w->ndirs > 0)
            rc = next_in_dir(w, out_skip, err);
        else if (w->next_item < w->nitems)
            rc = next_top(w, out_skip, err);
        else
            return KS_EOF;
        if (rc == OPEN_MEMBER && w->have_member) {
            *out_member = &w->member;
            return 0;
        }
        if (rc == OPEN_MEMBER || rc == OPEN_ARCHIVE)
            continue; /* a directory or an archive was entered */
        return rc; /* 1 = skip, or an error for this entry */
    }
}

uint64_t ks_walk_member_offset(const ks_walk *w)
{
    return w->have_member ? w->mchain.top->delivered : 0;
}

void ks_walk_free(ks_walk *w)
{
    if (!w)
        return;
    release_member(w);
    while (w->narch > 0)
        pop_arch(w);
    while (w->ndirs > 0)
        pop_dir(w);
    free(w->dirs);
    for (size_t i = 0; i < w->nitems; i++) {
        free(w->items[i].path);
        if (w->items[i].fd >= 0)
            close(w->items[i].fd);
    }
    free(w->items);
    free(w->seen);
    free(w->disk_path);
    free(w->skip_path);
    free(w);
}
