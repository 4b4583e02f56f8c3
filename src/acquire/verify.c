#include "acquire/verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "acquire/imgin.h"
#include "acquire/manifest.h"
#include "acquire/mhash.h"
#include "acquire/pipe.h"
#include "core/buf.h"

#define BLOCK (4u << 20)
#define NSLOTS 6
#define MAX_LIST_ENTRIES 100000
#define NAME_SLOTS (1u << 18) /* > 2 x MAX_LIST_ENTRIES, a power of two */

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

static char *dir_of(const char *path)
{
    const char *s = strrchr(path, '/');
    if (!s)
        return strdup(".");
    if (s == path)
        return strdup("/");
    return strndup(path, (size_t)(s - path));
}

static char *join(const char *dir, const char *name)
{
    ks_buf b;
    ks_buf_init(&b, 1 << 16);
    if (name[0] == '/' ? ks_buf_puts(&b, name) : ks_buf_printf(&b, "%s/%s", dir, name)) {
        ks_buf_free(&b);
        return NULL;
    }
    return ks_buf_detach(&b, NULL);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static ks_verify_item *new_item(ks_verify_report *rep, const char *name, ks_err *err)
{
    ks_verify_item *ni = realloc(rep->items, (rep->n + 1) * sizeof *ni);
    if (!ni) {
        KS_ERR(err, KS_ENOMEM, "out of memory");
        return NULL;
    }
    rep->items = ni;
    ks_verify_item *it = &ni[rep->n];
    memset(it, 0, sizeof *it);
    it->name = strdup(name);
    if (!it->name) {
        KS_ERR(err, KS_ENOMEM, "out of memory");
        return NULL;
    }
    rep->n++;
    return it;
}

static void set_error(ks_verify_item *it, const ks_err *e)
{
    char msg[KS_ERR_MSG_MAX + KS_ERR_PATH_MAX + 64];
    ks_err_format(e, msg, sizeof msg);
    free(it->error);
    it->error = strdup(msg);
    it->unreadable = true;
}

static int add_range(ks_verify_item *it, uint64_t off, uint64_t len)
{
    if (!len)
        return 0;
    if (it->nbad && it->bad[it->nbad - 1].off + it->bad[it->nbad - 1].len == off) {
        it->bad[it->nbad - 1].len += len;
        return 0;
    }
    ks_range *nb = realloc(it->bad, (it->nbad + 1) * sizeof *nb);
    if (!nb)
        return KS_ENOMEM;
    it->bad = nb;
    nb[it->nbad].off = off;
    nb[it->nbad].len = len;
    it->nbad++;
    return 0;
}

/* Hashes the content of an image (format + files) and fills it->got, it->bytes; compares
 * chunk hashes when given. */
static int hash_content(ks_verify_item *it, const char *format, char *const *paths, size_t npaths,
                        unsigned mask, uint64_t chunk_size, char (*chunks)[65], size_t nchunks)
{
    int rc = 0;
    ks_err e;
    ks_imgin *in = NULL;
    ks_mhash *mh = NULL;
    ks_pipe *pipe = NULL;
    ks_pipe_consumer cons[KS_DALG_COUNT];
    char(*got)[65] = NULL;
    size_t ngot = 0;
    uint64_t total = 0;
    ks_err_clear(&e);
    it->format = strdup(format);
    if ((rc = ks_imgin_open(&in, format, paths, npaths, &e)) != 0)
        goto done;
    if (!strcmp(format, "ewf") && it->has_expect_bytes)
        ks_imgin_limit(in, it->expect_bytes);
    if ((rc = ks_mhash_new(&mh, mask, nchunks ? chunk_size : 0, &e)) != 0)
        goto done;
    size_t nc = ks_mhash_consumers(mh, cons);
    if ((rc = ks_pipe_start(&pipe, NSLOTS, BLOCK, cons, nc, &e)) != 0)
        goto done;
    for (;;) {
        uint8_t *buf = ks_pipe_slot(pipe);
        if (!buf)
            break;
        size_t n = 0;
        rc = ks_imgin_read(in, buf, BLOCK, &n, &e);
        if (n)
            ks_pipe_publish(pipe, n);
        total += n;
        if (rc || n < BLOCK)
            break;
    }
    int prc = ks_pipe_finish(pipe, rc != 0);
    pipe = NULL;
    if (rc)
        goto done;
    if (prc) {
        rc = KS_ERR(&e, prc, "hashing failed");
        goto done;
    }
    it->bytes = total;
    for (int a = 0; a < KS_DALG_COUNT; a++)
        if (mask & (1u << a))
            snprintf(it->got[a], sizeof it->got[a], "%s", ks_mhash_hex(mh, (ks_dalg)a));
    if (nchunks) {
        got = ks_mhash_take_chunks(mh, &ngot);
        it->chunks_checked = true;
        size_t common = ngot < nchunks ? ngot : nchunks;
        for (size_t i = 0; i < common; i++) {
            if (memcmp(got[i], chunks[i], 64)) {
                uint64_t off = (uint64_t)i * chunk_size;
                uint64_t end = off + chunk_size;
                if (end > total)
                    end = total;
                if (add_range(it, off, end - off)) {
                    rc = KS_ERR(&e, KS_ENOMEM, "out of memory");
                    goto done;
                }
            }
        }
        if (it->has_expect_bytes && total != it->expect_bytes) {
            uint64_t lo = total < it->expect_bytes ? total : it->expect_bytes;
            uint64_t hi = total < it->expect_bytes ? it->expect_bytes : total;
            /* the last common chunk may already be listed; extend from where it ends */
            uint64_t from = it->nbad ? it->bad[it->nbad - 1].off + it->bad[it->nbad - 1].len : lo;
            if (from < lo)
                from = lo;
            if (hi > from)
                add_range(it, from, hi - from);
        }
    }
done:
    if (pipe)
        ks_pipe_finish(pipe, 1);
    if (rc)
        set_error(it, &e);
    free(got);
    ks_mhash_free(mh);
    ks_imgin_close(in);
    return rc;
}

static void judge(ks_verify_report *rep, ks_verify_item *it)
{
    if (it->unreadable) {
        rep->unreadable++;
        it->ok = false;
        return;
    }
    bool ok = true;
    for (int a = 0; a < KS_DALG_COUNT; a++)
        if (it->expect[a][0] && strcmp(it->expect[a], it->got[a]))
            ok = false;
    if (it->has_expect_bytes && it->bytes != it->expect_bytes)
        ok = false;
    if (it->nbad)
        ok = false;
    it->ok = ok;
    if (!ok)
        rep->failed++;
}

static int verify_manifest(const char *mpath, const char *display, ks_verify_report *rep,
                           const char (*override)[65], ks_err *err)
{
    int rc = 0;
    ks_manifest m;
    char *dir = NULL;
    char **paths = NULL;
    if ((rc = ks_manifest_read(mpath, &m, err)) != 0)
        return rc;
    ks_verify_item *it = new_item(rep, display, err);
    if (!it) {
        rc = KS_ENOMEM;
        goto done;
    }
    /* hashes of a partial image still describe it; the caller says it was partial */
    it->partial = strcmp(m.status, "complete") != 0;
    unsigned mask = 0;
    for (int a = 0; a < KS_DALG_COUNT; a++) {
        const char *h = override && override[a][0] ? override[a] : m.hash[a];
        if (h[0]) {
            snprintf(it->expect[a], sizeof it->expect[a], "%s", h);
            mask |= 1u << a;
        }
    }
    if (!mask) {
        rc = KS_CORRUPT(err, mpath, -1, -1, "the manifest records no hashes (the acquisition failed?)");
        goto done;
    }
    it->has_expect_bytes = true;
    it->expect_bytes = m.bytes;
    dir = dir_of(mpath);
    paths = calloc(m.nfiles ? m.nfiles : 1, sizeof *paths);
    if (!dir || !paths) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < m.nfiles; i++)
        if (!(paths[i] = join(dir, m.files[i]))) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
    hash_content(it, m.format, paths, m.nfiles, mask, m.chunk_size, m.chunks, m.nchunks);
    judge(rep, it);
done:
    if (paths)
        for (size_t i = 0; i < m.nfiles; i++)
            free(paths[i]);
    free(paths);
    free(dir);
    ks_manifest_free(&m);
    return rc;
}

/* ---- hash lists --------------------------------------------------------------------- */
typedef ks_hashlist_entry lentry;

static void lower(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'F')
            s[i] = (char)(s[i] + 32);
}

/* One line of a hash list: 0 and fills alg/hex/name, 1 for blank/comment, KS_ECORRUPT. */
static int parse_line(const char *p, size_t n, int *alg, char *hex, char *name, size_t namesz)
{
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    if (!n || p[0] == '#')
        return 1;
    /* BSD: ALG (NAME) = HEX */
    const char *paren = memchr(p, '(', n);
    if (paren && paren > p && paren[-1] == ' ') {
        int a = ks_dalg_from_name(p, (size_t)(paren - 1 - p));
        const char *close = NULL;
        for (const char *q = p + n; q > paren; q--)
            if (q[-1] == ')' && q + 3 <= p + n && !memcmp(q, " = ", 3)) {
                close = q - 1;
                break;
            }
        if (a >= 0 && close) {
            const char *h = close + 4;
            size_t hl = (size_t)(p + n - h);
            size_t nl = (size_t)(close - paren - 1);
            if (hl != ks_dalg_hexlen((ks_dalg)a) || !ks_is_hex(h, hl) || !nl || nl >= namesz ||
                memchr(paren + 1, '\0', nl))
                return KS_ECORRUPT;
            memcpy(hex, h, hl);
            hex[hl] = '\0';
            memcpy(name, paren + 1, nl);
            name[nl] = '\0';
            *alg = a;
            return 0;
        }
    }
    /* GNU: HEX  NAME or HEX *NAME */
    size_t hl = 0;
    while (hl < n && p[hl] != ' ')
        hl++;
    int a = ks_dalg_from_hexlen(hl);
    if (a < 0 || !ks_is_hex(p, hl) || hl + 2 > n || (p[hl + 1] != ' ' && p[hl + 1] != '*'))
        return KS_ECORRUPT;
    size_t nl = n - hl - 2;
    /* a NUL would cut the name short of what the line says (fuzz: crash-0c78f719...) */
    if (!nl || nl >= namesz || p[hl + 2] == '\\' || memchr(p + hl + 2, '\0', nl))
        return KS_ECORRUPT;
    memcpy(hex, p, hl);
    hex[hl] = '\0';
    memcpy(name, p + hl + 2, nl);
    name[nl] = '\0';
    *alg = a;
    return 0;
}

int ks_hashlist_parse(const ks_buf *t, ks_hashlist_entry **out, size_t *nout, const char *path, ks_err *err)
{
    lentry *v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    char hex[65], name[4096];
    uint32_t *tab = calloc(NAME_SLOTS, sizeof *tab);
    if (!tab)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    size_t pos = 0;
    int64_t lineno = 0;
    while (pos < t->len) {
        const char *ls = t->data + pos;
        const char *nl = memchr(ls, '\n', t->len - pos);
        size_t len = nl ? (size_t)(nl - ls) : t->len - pos;
        pos += len + (nl ? 1 : 0);
        lineno++;
        int alg;
        int r = parse_line(ls, len, &alg, hex, name, sizeof name);
        if (r == 1)
            continue;
        if (r) {
            rc = KS_CORRUPT(err, path, lineno, (int64_t)(ls - t->data), "not a hash list line");
            goto done;
        }
        lower(hex, strlen(hex));
        /* names are found through a hash table: a hostile list of 100k names must not
         * cost 100k^2 comparisons */
        uint32_t hsh = 2166136261u;
        for (const char *c = name; *c; c++)
            hsh = (hsh ^ (uint8_t)*c) * 16777619u;
        size_t slot = hsh & (NAME_SLOTS - 1);
        while (tab[slot] && strcmp(v[tab[slot] - 1].name, name))
            slot = (slot + 1) & (NAME_SLOTS - 1);
        size_t i;
        if (tab[slot]) {
            i = tab[slot] - 1;
        } else {
            if (n >= MAX_LIST_ENTRIES) {
                rc = KS_ERR_AT(err, KS_ELIMIT, path, lineno, -1, "more than %d names", MAX_LIST_ENTRIES);
                goto done;
            }
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 16;
                lentry *nv = realloc(v, nc * sizeof *nv);
                if (!nv) {
                    rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                    goto done;
                }
                v = nv;
                cap = nc;
            }
            memset(&v[n], 0, sizeof v[n]);
            if (!(v[n].name = strdup(name))) {
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                goto done;
            }
            i = n++;
            tab[slot] = (uint32_t)n;
        }
        snprintf(v[i].hash[alg], sizeof v[i].hash[alg], "%s", hex);
    }
    if (!n)
        rc = KS_CORRUPT(err, path, -1, -1, "no hash lines");
done:
    free(tab);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            free(v[i].name);
        free(v);
        return rc;
    }
    *out = v;
    *nout = n;
    return 0;
}

static int verify_list(const char *lpath, const lentry *v, size_t n, ks_verify_report *rep, ks_err *err)
{
    int rc = 0;
    char *dir = dir_of(lpath);
    if (!dir)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        char *path = join(dir, v[i].name);
        char *mpath = NULL;
        ks_buf mb;
        ks_buf_init(&mb, 1 << 16);
        if (!path || ks_buf_printf(&mb, "%s%s", path, KS_MANIFEST_SUFFIX)) {
            free(path);
            ks_buf_free(&mb);
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            break;
        }
        mpath = mb.data;
        if (exists(mpath)) {
            /* the list's hashes are the expectation; the manifest says how to read it */
            rc = verify_manifest(mpath, path, rep, (const char(*)[65])v[i].hash, err);
        } else {
            ks_verify_item *it = new_item(rep, path, err);
            if (!it) {
                rc = KS_ENOMEM;
            } else {
                unsigned mask = 0;
                for (int a = 0; a < KS_DALG_COUNT; a++)
                    if (v[i].hash[a][0]) {
                        memcpy(it->expect[a], v[i].hash[a], 65);
                        mask |= 1u << a;
                    }
                char *paths[1] = {path};
                hash_content(it, "raw", paths, 1, mask, 0, NULL, 0);
                judge(rep, it);
            }
        }
        free(path);
        ks_buf_free(&mb);
    }
    free(dir);
    return rc;
}

int ks_verify(const char *target, ks_verify_report *rep, ks_err *err)
{
    int rc = 0;
    ks_buf mp, text;
    lentry *list = NULL;
    size_t nlist = 0;
    memset(rep, 0, sizeof *rep);
    ks_buf_init(&mp, 1 << 16);
    ks_buf_init(&text, 0);
    struct stat st;
    if (ends_with(target, KS_MANIFEST_SUFFIX)) {
        char *img = strndup(target, strlen(target) - strlen(KS_MANIFEST_SUFFIX));
        if (!img) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        rc = verify_manifest(target, img, rep, NULL, err);
        free(img);
        goto done;
    }
    if (ks_buf_printf(&mp, "%s%s", target, KS_MANIFEST_SUFFIX)) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (exists(mp.data)) {
        rc = verify_manifest(mp.data, target, rep, NULL, err);
        goto done;
    }
    if (stat(target, &st) != 0) {
        rc = KS_ERR_AT(err, KS_ENOTFOUND, target, -1, -1, "cannot open: %s", strerror(errno));
        goto done;
    }
    /* a hash list? (small text that parses line by line) */
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size <= KS_VERIFY_MAX_LIST &&
        ks_read_small_file(target, KS_VERIFY_MAX_LIST, &text, NULL) == 0) {
        ks_err le;
        ks_err_clear(&le);
        if (ks_hashlist_parse(&text, &list, &nlist, target, &le) == 0) {
            rc = verify_list(target, list, nlist, rep, err);
            goto done;
        }
        if (ends_with(target, KS_HASHFILE_SUFFIX) || ends_with(target, ".md5") ||
            ends_with(target, ".sha1") || ends_with(target, ".sha256") || ends_with(target, "sums")) {
            if (err)
                *err = le;
            rc = le.code;
            goto done;
        }
    }
    ks_buf_reset(&mp);
    if (ks_buf_printf(&mp, "%s%s", target, KS_HASHFILE_SUFFIX) == 0 && exists(mp.data)) {
        ks_buf_free(&text);
        if ((rc = ks_read_small_file(mp.data, KS_VERIFY_MAX_LIST, &text, err)) != 0)
            goto done;
        if ((rc = ks_hashlist_parse(&text, &list, &nlist, mp.data, err)) != 0)
            goto done;
        rc = verify_list(mp.data, list, nlist, rep, err);
        goto done;
    }
    rc = KS_ERR_AT(err, KS_ENOTFOUND, target, -1, -1,
                   "no %s or %s beside it, and it is not a hash list: nothing to compare with",
                   KS_MANIFEST_SUFFIX, KS_HASHFILE_SUFFIX);
done:
    for (size_t i = 0; i < nlist; i++)
        free(list[i].name);
    free(list);
    ks_buf_free(&mp);
    ks_buf_free(&text);
    return rc;
}

void ks_hashlist_free(ks_hashlist_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}

void ks_verify_report_free(ks_verify_report *rep)
{
    for (size_t i = 0; i < rep->n; i++) {
        free(rep->items[i].name);
        free(rep->items[i].format);
        free(rep->items[i].bad);
        free(rep->items[i].error);
    }
    free(rep->items);
    memset(rep, 0, sizeof *rep);
}
