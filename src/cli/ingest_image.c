/* ingest_image.c — disk images in the ingest pipeline.
 *
 * A disk image (raw/split/E01/qcow2/VMDK/VHD; MBR, GPT, LVM, or a file system at offset 0)
 * is read with random access through src/fs, never mounted. For each file system found:
 *   1. the file-system timeline: every name, live and deleted, with its MACB times
 *      (source `filesystem`, one evidence member per file system: "disk.img@2");
 *   2. the host artifacts inside: files under the places where Linux keeps logs and
 *      traces (/var/log, cron, shell histories, SSH keys, cloud credentials, DB logs) are
 *      read out of the image, decompressed when compressed (rotated .gz logs), recognised by
 *      content like any other evidence and parsed by the same parsers, each as its own
 *      member named "disk.img@2:/var/log/nginx/access.log";
 *   3. the files under the web servers' document roots (source `web_root_file`);
 *   4. with --yara, a YARA scan of every live regular file (source `yara_match`).
 * Provenance: the member's disk_path is the image, inner_path names the partition and the
 * path inside it, and the image's SHA-256 is the evidence hash (as for archive members).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ingest.h"
#include "core/time.h"
#include "evidence/evidence.h"
#include "fs/fs.h"
#include "fs/walk.h"
#include "parsers/host/filesystem.h"
#include "parsers/host/webroot.h"
#include "parsers/host/yara_match.h"

#define MAX_ARTIFACTS 100000
#define MAX_FS 16
#define MAX_WEB_CONFIGS 256
#define MAX_WEB_CONFIG_SIZE ((size_t)1 << 20)
#define MAX_WEB_ROOTS 32
#define MAX_WEB_FILES 200000
#define YARA_DEFAULT_MAX ((uint64_t)64 << 20)

/* Quick check of the first bytes before the fs layer is asked: partition tables, file
 * system superblocks and container signatures. */
static bool looks_like_image(const uint8_t *h, size_t n)
{
    if (n >= 8 && (!memcmp(h, "EVF\x09\x0d\x0a\xff\x00", 8) || !memcmp(h, "LVF\x09\x0d\x0a\xff\x00", 8)))
        return true; /* E01 / L01 */
    if (n >= 4 && (!memcmp(h, "QFI\xfb", 4) || !memcmp(h, "KDMV", 4) || !memcmp(h, "XFSB", 4)))
        return true; /* qcow2, VMDK sparse, XFS */
    if (n >= 8 && (!memcmp(h, "vhdxfile", 8) || !memcmp(h, "conectix", 8)))
        return true;
    if (n >= 21 && !memcmp(h, "# Disk DescriptorFile", 21))
        return true;
    if (n >= 520 && !memcmp(h + 512, "EFI PART", 8))
        return true; /* GPT */
    if (n >= 1082 && h[1080] == 0x53 && h[1081] == 0xef)
        return true; /* ext2/3/4 */
    if (n >= 1024 && !memcmp(h + 536, "LVM2 001", 8))
        return true;
    if (n >= 512 && h[510] == 0x55 && h[511] == 0xaa) {
        /* an MBR: at least one partition entry with a type and a sane start */
        for (int i = 0; i < 4; i++) {
            const uint8_t *e = h + 446 + 16 * i;
            if (e[4] != 0 && (e[0] == 0 || e[0] == 0x80))
                return true;
        }
    }
    return false;
}

/* ---- reading a file out of the image as a ks_input ---------------------------------- */
typedef struct fs_input {
    ks_fs *fs;
    uint64_t ino, off, size;
} fs_input;

static int fs_input_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    fs_input *f = ctx;
    *out_n = 0;
    if (f->off >= f->size)
        return 0;
    if (len > f->size - f->off)
        len = (size_t)(f->size - f->off);
    size_t got = 0;
    int rc = ks_fs_read(f->fs, f->ino, f->off, buf, len, &got, err);
    if (rc)
        return rc;
    f->off += got;
    *out_n = got;
    return 0;
}

/* ---- which files are host artifacts ------------------------------------------------- */
static bool has_prefix(const char *p, const char *pre)
{
    return !strncmp(p, pre, strlen(pre));
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Places where Linux hosts keep logs and traces of what happened on them. */
static bool is_artifact(const char *path)
{
    static const char *const prefixes[] = {
        "/var/log/", "/var/spool/cron/", "/etc/cron.d/", "/etc/sudoers.d/",
        "/var/lib/cloud/instance/", "/var/lib/mysql/", "/var/lib/pgsql/", "/var/lib/postgresql/",
        "/etc/systemd/system/",
        /* process accounting where it is not under /var/log (RHEL: /var/account/pacct);
         * /var/log/{wtmp,btmp,lastlog,journal/} and /var/log/account/ are covered above,
         * /run/utmp and /run/log/journal/ live on tmpfs and are never in an image */
        "/var/account/", NULL};
    static const char *const files[] = {"/etc/crontab", "/etc/anacrontab", "/etc/passwd",
                                        "/etc/group", "/etc/shadow", "/etc/sudoers",
                                        "/etc/hostname", "/etc/hosts", NULL};
    /* Names distinctive enough to be read wherever they are: service accounts have homes
     * outside /home (/var/www/.bash_history, /var/lib/postgresql/.ssh/authorized_keys). */
    static const char *const anywhere[] = {
        ".bash_history", ".zsh_history", ".zhistory", ".ash_history", ".sh_history",
        ".mysql_history", ".psql_history", ".python_history", "fish_history", ".viminfo",
        "authorized_keys", "authorized_keys2", NULL};
    /* Cloud CLI files, only inside the CLI's own directory under a home. */
    static const char *const home_files[] = {
        "/.aws/credentials", "/.aws/config", "/.config/gcloud/application_default_credentials.json",
        "/.config/gcloud/configurations/config_", "/.config/gcloud/legacy_credentials/",
        "/.azure/azureProfile.json", "/.azure/msal_token_cache.json", "/.config/systemd/user/",
        NULL};
    /* Miner configurations: where a dropper put its miner (/var/tmp/.x/, /dev/shm/, /opt/...).
     * Packaged software's own config.json files (under /usr, node_modules) are left out:
     * there are many and none is a dropped miner's. The content sniff decides the rest. */
    static const char *const miner_files[] = {"config.json", "pools.txt", "xmrig.json",
                                              "config_background.json", "cpuminer-conf.json", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (has_prefix(path, *p))
            return true;
    if (!has_prefix(path, "/usr/") && !has_prefix(path, "/snap/") && !strstr(path, "/node_modules/"))
        for (const char *const *f = miner_files; *f; f++)
            if (!strcmp(base_name(path), *f))
                return true;
    for (const char *const *f = files; *f; f++)
        if (!strcmp(path, *f))
            return true;
    const char *b = base_name(path);
    for (const char *const *f = anywhere; *f; f++)
        if (!strcmp(b, *f))
            return true;
    if (has_prefix(path, "/root/") || has_prefix(path, "/home/"))
        for (const char *const *f = home_files; *f; f++)
            if (strstr(path, *f))
                return true;
    return false;
}

typedef struct artifact {
    char *path;
    uint64_t ino;
    int64_t mtime_ns;
} artifact;

typedef struct walk_ctx {
    ks_sink *sink;
    ks_fs *fs;
    const char *volume;
    const char *host;
    artifact *arts;
    size_t narts;
    bool arts_truncated;
    uint64_t web_cfg[MAX_WEB_CONFIGS]; /* nginx/Apache configuration files (inodes) */
    size_t nweb_cfg;
    ks_buf link;
    ks_err *err;
} walk_ctx;

static int on_entry(void *ud, const ks_fs_walk_entry *e)
{
    walk_ctx *w = ud;
    const char *link = NULL;
    ks_err le;
    ks_err_clear(&le);
    if (e->st && e->st->type == KS_FT_LNK && !e->deleted &&
        ks_fs_readlink(w->fs, e->st->ino, &w->link, &le) == 0)
        link = w->link.data;
    int rc = ks_filesystem_entry(w->sink, e, w->volume, w->host, link, w->err);
    if (rc)
        return rc;
    if (e->st && e->st->type == KS_FT_REG && !e->deleted && e->st->size > 0 &&
        e->st->size <= MAX_WEB_CONFIG_SIZE && w->nweb_cfg < MAX_WEB_CONFIGS &&
        (has_prefix(e->path, "/etc/nginx/") || has_prefix(e->path, "/etc/apache2/") ||
         has_prefix(e->path, "/etc/httpd/")))
        w->web_cfg[w->nweb_cfg++] = e->st->ino;
    if (e->st && e->st->type == KS_FT_REG && !e->deleted && e->st->size > 0 &&
        is_artifact(e->path)) {
        if (w->narts >= MAX_ARTIFACTS) {
            w->arts_truncated = true;
            return 0;
        }
        char *p = strndup(e->path, e->path_len);
        if (!p)
            return KS_ENOMEM;
        w->arts[w->narts].path = p;
        w->arts[w->narts].ino = e->st->ino;
        w->arts[w->narts].mtime_ns =
            e->st->mtime.set ? e->st->mtime.sec * KS_NS_PER_SEC + e->st->mtime.nsec : KS_TIME_NONE;
        w->narts++;
    }
    return 0;
}

/* The host name recorded in the image (/etc/hostname), printable ASCII only. */
static void read_hostname(ks_fs *fs, char *out, size_t outsz)
{
    out[0] = '\0';
    uint64_t ino;
    ks_err e;
    ks_err_clear(&e);
    if (ks_fs_lookup(fs, "/etc/hostname", true, &ino, &e) != 0)
        return;
    char buf[256];
    size_t n = 0;
    if (ks_fs_read(fs, ino, 0, buf, sizeof buf - 1, &n, &e) != 0)
        return;
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < outsz; i++) {
        char c = buf[i];
        if (c == '\n' || c == '\r')
            break;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_')
            out[k++] = c;
    }
    out[k] = '\0';
}

static int ingest_artifact(ks_store *store, const ks_evidence_info *img, ks_fs *fs,
                           const char *volume, const char *tag, const artifact *a,
                           const ks_ingest_opts *o, ks_ingest_stats *stats, int64_t *unrec,
                           ks_err *err)
{
    int rc = 0;
    ks_fs_inode st;
    ks_err e;
    ks_err_clear(&e);
    ks_buf disp, inner;
    ks_opened *op = NULL;
    ks_buf_init(&disp, 1 << 16);
    ks_buf_init(&inner, 1 << 16);
    ks_buf_printf(&disp, "%s:%s", volume, a->path);
    ks_buf_printf(&inner, "%s:%s", tag, a->path);
    char *dup = NULL;
    if (ks_store_evidence_find(store, img->sha256, inner.data, &dup, &e) == 0) {
        free(dup);
        goto done; /* the image was ingested before: reported once for the image */
    }
    if (ks_fs_stat(fs, a->ino, &st, &e) != 0) {
        ks_err_locate(&e, disp.data, -1, -1);
        ks_cli_error(&e);
        ks_ingest_problem(stats);
        goto done;
    }
    fs_input fi = {fs, a->ino, 0, st.size};
    ks_input raw = {fs_input_read, &fi, disp.data};
    ks_input *in = NULL;
    if (ks_open_input(&op, &in, &raw, disp.data, &e) != 0) {
        ks_cli_error(&e);
        ks_ingest_problem(stats);
        goto done;
    }
    const uint8_t *head = NULL;
    size_t head_len = 0;
    ks_open_head(op, &head, &head_len);
    ks_evidence_info info = {disp.data, img->disk_path, inner.data, img->sha256, img->size,
                             ks_open_compression(op)};
    ks_ingest_opts so = *o;
    so.quiet_unrecognised = true; /* most files under /var/log are not logs we read yet */
    if (!ks_parser_sniff(head, head_len, disp.data, NULL)) {
        (*unrec)++;
        goto done;
    }
    rc = ks_ingest_stream(store, &info, in, head, head_len, a->mtime_ns, &so, NULL, stats, err);
done:
    ks_open_free(op);
    ks_buf_free(&disp);
    ks_buf_free(&inner);
    return rc;
}

/* ---- files under the web servers' document roots ------------------------------------ */
typedef struct web_roots {
    char *dir[MAX_WEB_ROOTS];
    size_t n;
} web_roots;

static void web_root_add(void *ud, const char *d, size_t n)
{
    web_roots *r = ud;
    while (n > 1 && d[n - 1] == '/')
        n--;
    if (r->n >= MAX_WEB_ROOTS || n >= 4096)
        return;
    for (size_t i = 0; i < r->n; i++)
        if (strlen(r->dir[i]) == n && !memcmp(r->dir[i], d, n))
            return;
    char *c = strndup(d, n);
    if (c)
        r->dir[r->n++] = c;
}

/* Whether dir lies under (or is) another root of the list: it is then listed with it. */
static bool web_root_covered(const web_roots *r, size_t k)
{
    const char *d = r->dir[k];
    for (size_t i = 0; i < r->n; i++) {
        size_t l = strlen(r->dir[i]);
        if (i == k || l > strlen(d))
            continue;
        if (!strncmp(d, r->dir[i], l) && (d[l] == '/' || (d[l] == '\0' && i < k) || l == 1))
            return true;
    }
    return false;
}

typedef struct web_walk {
    ks_sink *sink;
    const char *volume, *root, *host;
    int64_t files;
    bool truncated;
    ks_err *err;
} web_walk;

static int on_web_entry(void *ud, const ks_fs_walk_entry *e)
{
    web_walk *w = ud;
    if (!e->st || e->deleted || e->st->type != KS_FT_REG)
        return 0;
    if (w->files >= MAX_WEB_FILES) {
        w->truncated = true;
        return 0;
    }
    w->files++;
    return ks_webroot_entry(w->sink, e, w->volume, w->root, w->host, w->err);
}

static int ingest_web_roots(ks_store *store, const ks_evidence_info *img, ks_fs *fs,
                            const char *volume, const char *tag, const char *host,
                            const uint64_t *cfg, size_t ncfg, const ks_ingest_opts *o,
                            ks_ingest_stats *stats, ks_err *err)
{
    int rc = 0;
    web_roots roots = {{0}, 0};
    ks_sink *sink = NULL;
    char *buf = NULL;
    ks_err e;
    ks_err_clear(&e);
    static const char *const defaults[] = {"/var/www", "/usr/share/nginx/html", "/srv/www", NULL};
    for (const char *const *d = defaults; *d; d++)
        web_root_add(&roots, *d, strlen(*d));
    buf = malloc(MAX_WEB_CONFIG_SIZE);
    if (!buf)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < ncfg; i++) {
        size_t n = 0;
        if (ks_fs_read(fs, cfg[i], 0, buf, MAX_WEB_CONFIG_SIZE, &n, &e) == 0)
            ks_webroot_dirs(buf, n, web_root_add, &roots, MAX_WEB_ROOTS);
    }
    char inner[64];
    snprintf(inner, sizeof inner, "%s#web_root_file", tag);
    char disp[4200];
    snprintf(disp, sizeof disp, "%s#web_root_file", volume);
    ks_evidence_info info = *img;
    info.path = disp;
    info.inner_path = inner;
    info.compression = "image";
    char *dup = NULL;
    if (ks_store_evidence_find(store, img->sha256, inner, &dup, &e) == 0) {
        free(dup);
        goto done;
    }
    if ((rc = ks_store_declare(store, &ks_table_web_root_file, err)) ||
        (rc = ks_store_member_begin(store, &info, "web_root_file", &sink, err)))
        goto done;
    web_walk ww = {sink, volume, NULL, host, 0, false, err};
    for (size_t i = 0; i < roots.n && !rc; i++) {
        if (web_root_covered(&roots, i))
            continue;
        uint64_t ino;
        ks_fs_inode st;
        ks_err_clear(&e);
        if (ks_fs_lookup(fs, roots.dir[i], true, &ino, &e) != 0 || ks_fs_stat(fs, ino, &st, &e) != 0 ||
            st.type != KS_FT_DIR)
            continue;
        ww.root = roots.dir[i];
        ks_fs_walk_opts wo = {.deleted = false, .orphans = false, .include_start = false};
        int wrc = ks_fs_walk(fs, ino, roots.dir[i], &wo, on_web_entry, &ww, &e);
        if (wrc == KS_EDB || wrc == KS_ENOMEM)
            rc = wrc;
    }
    if (ww.truncated && !o->quiet)
        ks_cli_warnf("%s: more than %d files under the web roots; the rest are in the timeline only",
                     volume, MAX_WEB_FILES);
    ks_ingest_account(stats, "web_root_file", ks_sink_records(sink), ks_sink_errors(sink), false);
    if (rc) {
        ks_store_member_end(store, sink, "failed", err->msg, NULL);
        goto done;
    }
    rc = ks_store_member_end(store, sink, "parsed", NULL, err);
done:
    for (size_t i = 0; i < roots.n; i++)
        free(roots.dir[i]);
    free(buf);
    return rc;
}

/* ---- YARA over every file of the file system (--yara) -------------------------------- */
typedef struct yara_walk {
    ks_sink *sink;
    ks_fs *fs;
    ks_yara *rules;
    const char *volume, *host;
    const char *path;
    const ks_fs_inode *st;
    uint8_t *buf;
    uint64_t max;
    int64_t scanned, too_large, unreadable, matches;
    ks_err *err;
} yara_walk;

static int on_yara_match(void *ud, const ks_yara_match *m)
{
    yara_walk *w = ud;
    w->matches++;
    return ks_yara_match_entry(w->sink, w->volume, w->path, w->st, w->host, m, w->err);
}

static int on_yara_entry(void *ud, const ks_fs_walk_entry *e)
{
    yara_walk *w = ud;
    /* regular live files only: links are never followed, devices never read */
    if (!e->st || e->deleted || e->st->type != KS_FT_REG || e->st->size == 0)
        return 0;
    if (e->st->size > w->max) {
        w->too_large++;
        return 0;
    }
    size_t n = (size_t)e->st->size, got = 0;
    ks_err re;
    ks_err_clear(&re);
    while (got < n) {
        size_t k = 0;
        if (ks_fs_read(w->fs, e->st->ino, got, w->buf + got, n - got, &k, &re) != 0 || k == 0)
            break;
        got += k;
    }
    if (got < n) {
        w->unreadable++;
        return 0;
    }
    w->scanned++;
    w->path = e->path;
    w->st = e->st;
    ks_err se;
    ks_err_clear(&se);
    int rc = ks_yara_scan(w->rules, w->buf, n, on_yara_match, w, &se);
    if (rc == KS_ELIMIT || rc == KS_ECORRUPT) {
        /* one file the scanner gave up on: say so in the case and go on */
        return ks_sink_error(w->sink, -1, -1, se.msg, e->path, e->path_len, w->err);
    }
    return rc;
}

static int ingest_yara(ks_store *store, const ks_evidence_info *img, ks_fs *fs,
                       const char *volume, const char *tag, const char *host, ks_yara *rules,
                       const ks_ingest_opts *o, ks_ingest_stats *stats, ks_err *err)
{
    int rc = 0;
    ks_sink *sink = NULL;
    ks_err e;
    ks_err_clear(&e);
    char inner[64], disp[4200];
    snprintf(inner, sizeof inner, "%s#yara_match", tag);
    snprintf(disp, sizeof disp, "%s#yara_match", volume);
    ks_evidence_info info = *img;
    info.path = disp;
    info.inner_path = inner;
    info.compression = "image";
    char *dup = NULL;
    if (ks_store_evidence_find(store, img->sha256, inner, &dup, &e) == 0) {
        free(dup);
        return 0;
    }
    yara_walk w = {0};
    w.max = o->yara_max_size ? o->yara_max_size : YARA_DEFAULT_MAX;
    if (w.max > SIZE_MAX / 2)
        w.max = SIZE_MAX / 2;
    w.buf = malloc(w.max ? (size_t)w.max : 1);
    if (!w.buf)
        return KS_ERR(err, KS_ENOMEM, "out of memory for a %llu-byte YARA scan buffer",
                      (unsigned long long)w.max);
    if ((rc = ks_store_declare(store, &ks_table_yara_match, err)) ||
        (rc = ks_store_member_begin(store, &info, "yara_match", &sink, err)))
        goto done;
    w.sink = sink;
    w.fs = fs;
    w.rules = rules;
    w.volume = volume;
    w.host = host;
    w.err = err;
    ks_fs_info fi;
    ks_fs_get_info(fs, &fi);
    ks_fs_walk_opts wo = {.deleted = false, .orphans = false, .include_start = false};
    int wrc = ks_fs_walk(fs, fi.root_ino, "/", &wo, on_yara_entry, &w, &e);
    if (wrc == KS_EDB || wrc == KS_ENOMEM) {
        ks_store_member_end(store, sink, "failed", err->msg, NULL);
        rc = wrc;
        goto done;
    }
    ks_ingest_account(stats, "yara_match", ks_sink_records(sink), ks_sink_errors(sink), false);
    if (!o->quiet)
        ks_cli_warnf("%s: YARA (%zu rules): %lld files scanned, %lld matches; %lld larger than "
                     "%llu bytes not scanned, %lld unreadable",
                     volume, ks_yara_rule_count(rules), (long long)w.scanned, (long long)w.matches,
                     (long long)w.too_large, (unsigned long long)w.max, (long long)w.unreadable);
    rc = ks_store_member_end(store, sink, "parsed", NULL, err);
done:
    free(w.buf);
    return rc;
}

static int ingest_fs(ks_store *store, const ks_evidence_info *img, ks_fs *fs, const char *tag,
                     ks_yara *rules, const ks_ingest_opts *o, ks_ingest_stats *stats, ks_err *err)
{
    int rc = 0;
    char volume[4096], host[256];
    ks_sink *sink = NULL;
    walk_ctx w = {0};
    ks_err e;
    ks_err_clear(&e);
    snprintf(volume, sizeof volume, "%s%s", img->path, tag);
    read_hostname(fs, host, sizeof host);

    ks_evidence_info info = *img;
    info.path = volume;
    info.inner_path = tag[0] ? tag : "@0";
    info.compression = "image";
    char *dup = NULL;
    if (ks_store_evidence_find(store, img->sha256, info.inner_path, &dup, &e) == 0) {
        if (!o->quiet)
            ks_cli_warnf("%s: already in the case (same SHA-256 as %s); skipped", volume, dup);
        free(dup);
        return 2;
    }
    if ((rc = ks_store_declare(store, &ks_table_filesystem, err)) ||
        (rc = ks_store_member_begin(store, &info, "filesystem", &sink, err)))
        return rc;
    w.arts = calloc(MAX_ARTIFACTS, sizeof *w.arts);
    if (!w.arts) {
        ks_store_member_end(store, sink, "failed", "out of memory", NULL);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    w.sink = sink;
    w.fs = fs;
    w.volume = volume;
    w.host = host[0] ? host : NULL;
    w.err = err;
    ks_buf_init(&w.link, 1 << 16);
    ks_fs_info fi;
    ks_fs_get_info(fs, &fi);
    ks_fs_walk_opts wo = {.deleted = true, .orphans = true, .include_start = true};
    int wrc = ks_fs_walk(fs, fi.root_ino, "/", &wo, on_entry, &w, &e);
    const char *status = "parsed";
    char note[KS_ERR_MSG_MAX + 128] = "";
    if (wrc == KS_EDB || wrc == KS_ENOMEM) {
        ks_store_member_end(store, sink, "failed", err->msg, NULL);
        rc = wrc;
        goto done;
    }
    if (wrc) {
        /* a damaged directory: the walk went on; say where */
        ks_err_locate(&e, volume, -1, -1);
        ks_cli_error(&e);
        ks_err_format(&e, note, sizeof note);
        status = "partial";
        ks_ingest_problem(stats);
    }
    ks_ingest_account(stats, "filesystem", ks_sink_records(sink), ks_sink_errors(sink), false);
    if ((rc = ks_store_member_end(store, sink, status, note[0] ? note : NULL, err)))
        goto done;
    if (!o->quiet)
        ks_cli_warnf("%s: %s file system%s%s: %zu host artifact file(s) to read", volume, fi.type,
                     host[0] ? " of host " : "", host, w.narts);
    if (w.arts_truncated)
        ks_cli_warnf("%s: more than %d artifact files; the rest are in the timeline only", volume,
                     MAX_ARTIFACTS);
    int64_t unrec = 0;
    for (size_t i = 0; i < w.narts && !rc; i++)
        rc = ingest_artifact(store, img, fs, volume, info.inner_path, &w.arts[i], o, stats,
                             &unrec, err);
    if (unrec && !o->quiet)
        ks_cli_warnf("%s: %lld host file(s) in no format kanshiki reads yet (they are in the "
                     "file-system timeline)",
                     volume, (long long)unrec);
    if (!rc)
        rc = ingest_web_roots(store, img, fs, volume, info.inner_path, w.host, w.web_cfg,
                              w.nweb_cfg, o, stats, err);
    if (!rc && rules)
        rc = ingest_yara(store, img, fs, volume, info.inner_path, w.host, rules, o, stats, err);
done:
    for (size_t i = 0; i < w.narts; i++)
        free(w.arts[i].path);
    free(w.arts);
    ks_buf_free(&w.link);
    return rc;
}

static int ingest_image_fs(ks_store *store, const ks_evidence_info *info, const ks_ingest_opts *o,
                           ks_ingest_stats *stats, ks_yara *rules, ks_err *err);

int ks_ingest_image(ks_store *store, const ks_evidence_info *info, const uint8_t *head,
                    size_t head_len, const ks_ingest_opts *o, ks_ingest_stats *stats,
                    ks_err *err)
{
    if (!looks_like_image(head, head_len))
        return 0;
    ks_yara *rules = NULL;
    if (o->yara_rules) {
        int yrc = ks_yara_load(&rules, o->yara_rules, err);
        if (yrc)
            return yrc;
    }
    int ret = ingest_image_fs(store, info, o, stats, rules, err);
    ks_yara_free(rules);
    return ret;
}

static int ingest_image_fs(ks_store *store, const ks_evidence_info *info, const ks_ingest_opts *o,
                           ks_ingest_stats *stats, ks_yara *rules, ks_err *err)
{
    ks_err e;
    ks_err_clear(&e);
    ks_fs_handle h = {0};
    if (ks_fs_handle_open(&h, info->disk_path, &e) == 0) {
        char tag[32] = "";
        if (h.part_no)
            snprintf(tag, sizeof tag, "@%u", h.part_no);
        int rc = ingest_fs(store, info, h.fs, tag, rules, o, stats, err);
        ks_fs_handle_close(&h);
        return rc < 0 ? rc : rc == 2 ? 2 : 1;
    }
    /* Several file systems (or none at the default place): try each partition. */
    int found = 0, fresh = 0, rc = 0;
    for (unsigned n = 1; n <= MAX_FS && rc >= 0; n++) {
        char spec[4200], tag[32];
        snprintf(spec, sizeof spec, "%s@%u", info->disk_path, n);
        snprintf(tag, sizeof tag, "@%u", n);
        ks_fs_handle ph = {0};
        ks_err pe;
        ks_err_clear(&pe);
        if (ks_fs_handle_open(&ph, spec, &pe) != 0)
            continue;
        found++;
        rc = ingest_fs(store, info, ph.fs, tag, rules, o, stats, err);
        if (rc == 0)
            fresh++;
        ks_fs_handle_close(&ph);
    }
    if (rc < 0)
        return rc;
    if (found)
        return fresh ? 1 : 2;
    /* It looked like an image but holds no file system we read: say why, then let the
     * parsers have a look (an MBR-like header can start other data). */
    if (!o->quiet)
        ks_cli_warnf("%s: looks like a disk image but no readable file system was found (%s)",
                     info->path, e.msg);
    return 0;
}
