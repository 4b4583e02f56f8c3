#include "acquire/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acquire/aj.h"
#include "acquire/digest.h"
#include "core/buf.h"

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int ks_write_new_file(const char *path, const void *data, size_t n, ks_err *err)
{
    int rc = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0)
        return KS_ERR_AT(err, errno == EEXIST ? KS_EEXIST : KS_EIO, path, -1, -1,
                         "cannot create: %s", strerror(errno));
    const char *p = data;
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, p + off, n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            rc = KS_ERR_AT(err, KS_EIO, path, -1, (int64_t)off, "write failed: %s", strerror(errno));
            goto done;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "fsync failed: %s", strerror(errno));
        goto done;
    }
    fchmod(fd, 0444);
done:
    if (close(fd) != 0 && !rc)
        rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "close failed: %s", strerror(errno));
    return rc;
}

int ks_read_small_file(const char *path, size_t max, ks_buf *out, ks_err *err)
{
    int rc = 0;
    char tmp[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return KS_ERR_AT(err, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, path, -1, -1,
                         "cannot open: %s", strerror(errno));
    ks_buf_init(out, max);
    for (;;) {
        ssize_t r = read(fd, tmp, sizeof tmp);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = KS_ERR_AT(err, KS_EIO, path, -1, (int64_t)out->len, "read failed: %s", strerror(errno));
            goto done;
        }
        if (r == 0)
            break;
        if (ks_buf_append(out, tmp, (size_t)r)) {
            rc = KS_ERR_AT(err, KS_ELIMIT, path, -1, (int64_t)out->len, "larger than %zu bytes", max);
            goto done;
        }
    }
    rc = ks_buf_reserve(out, 0) ? KS_ERR(err, KS_ENOMEM, "out of memory") : 0;
done:
    close(fd);
    if (rc)
        ks_buf_free(out);
    return rc;
}

static int kv_str(ks_buf *b, const char *indent, const char *key, const char *val, int last)
{
    int rc = ks_buf_printf(b, "%s\"%s\": ", indent, key);
    if (!rc)
        rc = val ? ks_aj_quote(b, val, strlen(val)) : ks_buf_puts(b, "null");
    if (!rc)
        rc = ks_buf_puts(b, last ? "\n" : ",\n");
    return rc;
}

static int build(ks_buf *bp, const ks_manifest_info *m, bool chunks)
{
    int rc = 0;
    ks_buf b = *bp;
    const ks_acq_result *r = m->res;
    char t0[40], t1[40];
    ks_acq_time_fmt(r->start_ns, t0, sizeof t0);
    ks_acq_time_fmt(r->end_ns, t1, sizeof t1);
    double secs = (double)(r->end_ns - r->start_ns) / 1e9;

#define TRY(x)             \
    do {                   \
        if ((rc = (x)) != 0) \
            goto done;     \
    } while (0)
    TRY(ks_buf_puts(&b, "{\n  \"kanshiki_manifest\": 1,\n"));
    TRY(kv_str(&b, "  ", "tool", "kanshiki", 0));
    TRY(kv_str(&b, "  ", "tool_version", m->tool_version, 0));
    TRY(ks_buf_puts(&b, "  \"command_line\": ["));
    for (int i = 0; i < m->argc; i++) {
        TRY(ks_aj_quote(&b, m->argv[i], strlen(m->argv[i])));
        if (i + 1 < m->argc)
            TRY(ks_buf_puts(&b, ", "));
    }
    TRY(ks_buf_puts(&b, "],\n"));
    TRY(kv_str(&b, "  ", "operator", m->operator_name, 0));
    TRY(kv_str(&b, "  ", "host", m->host, 0));
    TRY(kv_str(&b, "  ", "case", m->case_dir, 0));
    TRY(kv_str(&b, "  ", "note", m->note, 0));
    TRY(ks_buf_puts(&b, "  \"source\": {\n"));
    TRY(kv_str(&b, "    ", "path", m->source, 0));
    TRY(kv_str(&b, "    ", "kind", r->source_kind, 0));
    if (r->size_known)
        TRY(ks_buf_printf(&b, "    \"size\": %llu\n", (unsigned long long)r->source_size));
    else
        TRY(ks_buf_puts(&b, "    \"size\": null\n"));
    TRY(ks_buf_puts(&b, "  },\n  \"image\": {\n"));
    TRY(kv_str(&b, "    ", "path", m->image, 0));
    TRY(kv_str(&b, "    ", "format", ks_img_format_name(m->format), 0));
    if (m->format == KS_IMG_ZSTD)
        TRY(ks_buf_printf(&b, "    \"zstd_level\": %d,\n", m->zstd_level ? m->zstd_level : 3));
    TRY(ks_buf_printf(&b, "    \"split_size\": %llu,\n", (unsigned long long)m->split_size));
    TRY(ks_buf_puts(&b, "    \"files\": ["));
    for (size_t i = 0; i < r->nfiles; i++) {
        const char *bn = base_name(r->files[i]);
        TRY(ks_aj_quote(&b, bn, strlen(bn)));
        if (i + 1 < r->nfiles)
            TRY(ks_buf_puts(&b, ", "));
    }
    TRY(ks_buf_puts(&b, "]\n  },\n"));
    TRY(kv_str(&b, "  ", "start_utc", t0, 0));
    TRY(kv_str(&b, "  ", "end_utc", t1, 0));
    TRY(ks_buf_printf(&b, "  \"seconds\": %.3f,\n", secs));
    TRY(kv_str(&b, "  ", "status", ks_acq_state_name(r->state), 0));
    TRY(ks_buf_printf(&b, "  \"bytes\": %llu,\n  \"bytes_written\": %llu,\n",
                      (unsigned long long)r->bytes, (unsigned long long)r->written));
    if (r->state == KS_ACQ_OUTPUT_FAILED) {
        TRY(ks_buf_puts(&b, "  \"hashes\": null,\n"));
    } else {
        TRY(ks_buf_puts(&b, "  \"hashes\": {\n"));
        TRY(kv_str(&b, "    ", "md5", r->md5, 0));
        TRY(kv_str(&b, "    ", "sha1", r->sha1, 0));
        TRY(kv_str(&b, "    ", "sha256", r->sha256, 1));
        TRY(ks_buf_puts(&b, "  },\n"));
    }
    TRY(ks_buf_printf(&b, "  \"chunk_size\": %llu,\n  \"chunk_hash\": \"sha256\",\n  \"chunks\": [",
                      (unsigned long long)r->chunk_size));
    size_t nch = chunks ? r->nchunks : 0;
    for (size_t i = 0; i < nch; i++)
        TRY(ks_buf_printf(&b, "%s\n    \"%s\"", i ? "," : "", r->chunks[i]));
    TRY(ks_buf_puts(&b, nch ? "\n  ],\n" : "],\n"));
    TRY(ks_buf_puts(&b, "  \"bad_ranges\": ["));
    for (size_t i = 0; i < r->nbad; i++)
        TRY(ks_buf_printf(&b, "%s\n    {\"offset\": %llu, \"length\": %llu}", i ? "," : "",
                          (unsigned long long)r->bad[i].off, (unsigned long long)r->bad[i].len));
    TRY(ks_buf_puts(&b, r->nbad ? "\n  ],\n" : "],\n"));
    TRY(ks_buf_puts(&b, "  \"errors\": ["));
    for (size_t i = 0; i < r->nerrors; i++) {
        TRY(ks_buf_puts(&b, i ? ",\n    " : "\n    "));
        TRY(ks_aj_quote(&b, r->errors[i], strlen(r->errors[i])));
    }
    TRY(ks_buf_puts(&b, r->nerrors ? "\n  ]\n}\n" : "]\n}\n"));
#undef TRY
done:
    *bp = b;
    return rc;
}

int ks_manifest_begin(const char *path, const ks_manifest_info *m, ks_err *err)
{
    ks_buf b;
    int rc = 0;
    char t0[40];
    ks_buf_init(&b, KS_MANIFEST_RESERVE + 1);
    ks_acq_time_fmt(m->res->start_ns, t0, sizeof t0);
    rc = ks_buf_puts(&b, "{\n  \"kanshiki_manifest\": 1,\n  \"status\": \"in-progress\",\n  \"start_utc\": ");
    if (!rc)
        rc = ks_aj_quote(&b, t0, strlen(t0));
    if (!rc)
        rc = ks_buf_puts(&b, ",\n  \"source\": {\"path\": ");
    if (!rc)
        rc = ks_aj_quote(&b, m->source, strlen(m->source) < 1024 ? strlen(m->source) : 1024);
    if (!rc)
        rc = ks_buf_puts(&b, "}\n}\n");
    /* padding reserves the space the final (compact) manifest needs even on a full disk */
    while (!rc && b.len < KS_MANIFEST_RESERVE)
        rc = ks_buf_putc(&b, ' ');
    if (rc) {
        ks_buf_free(&b);
        return KS_ERR(err, rc, "cannot build the manifest");
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0) {
        ks_buf_free(&b);
        return KS_ERR_AT(err, errno == EEXIST ? KS_EEXIST : KS_EIO, path, -1, -1,
                         "cannot create: %s%s", strerror(errno),
                         errno == EEXIST ? " (kanshiki never overwrites; remove it or pick another name)" : "");
    }
    if (write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd) != 0)
        rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot write: %s", strerror(errno));
    close(fd);
    ks_buf_free(&b);
    if (rc)
        unlink(path);
    return rc;
}

/* Writes text over the reserved in-progress manifest without allocating space. */
static int write_in_place(const char *path, const ks_buf *b, ks_err *err)
{
    int rc = 0;
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot open: %s", strerror(errno));
    if (pwrite(fd, b->data, b->len, 0) != (ssize_t)b->len || ftruncate(fd, (off_t)b->len) != 0 ||
        fsync(fd) != 0)
        rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot write: %s", strerror(errno));
    fchmod(fd, 0444);
    close(fd);
    return rc;
}

int ks_manifest_write(const char *path, const ks_manifest_info *m, ks_err *err)
{
    int rc = 0;
    ks_buf b, tmp;
    ks_err e2;
    ks_buf_init(&b, KS_MANIFEST_MAX);
    ks_buf_init(&tmp, 1 << 16);
    if ((rc = build(&b, m, true)) != 0 || (rc = ks_buf_printf(&tmp, "%s.tmp", path)) != 0) {
        rc = KS_ERR_AT(err, rc, path, -1, -1, "cannot build the manifest");
        goto done;
    }
    unlink(tmp.data); /* a stale one from a crashed run */
    ks_err_clear(&e2);
    rc = ks_write_new_file(tmp.data, b.data, b.len, &e2);
    if (!rc && rename(tmp.data, path) != 0)
        rc = KS_ERR_AT(&e2, KS_EIO, path, -1, -1, "cannot rename into place: %s", strerror(errno));
    if (!rc)
        goto done;
    unlink(tmp.data);
    /* No room for a new file (the disk filled up): the compact form (no chunk list) goes
     * over the space reserved by ks_manifest_begin. */
    ks_buf_reset(&b);
    if (build(&b, m, false) == 0 && b.len <= KS_MANIFEST_RESERVE) {
        rc = write_in_place(path, &b, err);
        goto done;
    }
    if (err)
        *err = e2;
done:
    ks_buf_free(&b);
    ks_buf_free(&tmp);
    return rc;
}

int ks_hashfile_write(const char *path, const char *image_name, const ks_acq_result *r, ks_err *err)
{
    ks_buf b;
    int rc;
    const char *bn = base_name(image_name);
    ks_buf_init(&b, 1 << 16);
    rc = ks_buf_printf(&b, "MD5 (%s) = %s\nSHA1 (%s) = %s\nSHA256 (%s) = %s\n", bn, r->md5, bn,
                       r->sha1, bn, r->sha256);
    if (rc)
        rc = KS_ERR(err, rc, "cannot build the hash file");
    else
        rc = ks_write_new_file(path, b.data, b.len, err);
    ks_buf_free(&b);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------ */
static int get_string(ks_str obj, const char *key, char **out, bool required, const char *path,
                      ks_err *err)
{
    ks_str v;
    size_t bad = 0;
    int rc = ks_aj_get(obj, key, &v, &bad);
    if (rc == KS_ENOTFOUND && !required)
        return 0;
    if (rc)
        return KS_CORRUPT(err, path, -1, (int64_t)bad,
                          rc == KS_ENOTFOUND ? "manifest has no \"%s\"" : "malformed JSON near \"%s\"", key);
    if (v.n == 4 && !memcmp(v.p, "null", 4) && !required)
        return 0;
    ks_buf s;
    ks_buf_init(&s, 1 << 20);
    if (ks_aj_string(v, &s)) {
        ks_buf_free(&s);
        return KS_CORRUPT(err, path, -1, -1, "manifest \"%s\" is not a string", key);
    }
    *out = ks_buf_detach(&s, NULL);
    return 0;
}

static int get_hex(ks_str obj, const char *key, char *out, size_t hexlen, const char *path, ks_err *err)
{
    ks_str v;
    if (ks_aj_get(obj, key, &v, NULL))
        return 0; /* absent */
    if (v.n != hexlen + 2 || v.p[0] != '"' || !ks_is_hex(v.p + 1, hexlen))
        return KS_CORRUPT(err, path, -1, -1, "manifest hash \"%s\" is not %zu hex digits", key, hexlen);
    for (size_t i = 0; i < hexlen; i++) {
        char c = v.p[1 + i];
        out[i] = (char)(c >= 'A' && c <= 'F' ? c + 32 : c);
    }
    out[hexlen] = '\0';
    return 0;
}

int ks_manifest_read(const char *path, ks_manifest *out, ks_err *err)
{
    int rc = 0;
    ks_buf text;
    ks_manifest m;
    memset(&m, 0, sizeof m);
    if ((rc = ks_read_small_file(path, KS_MANIFEST_MAX, &text, err)) != 0)
        return rc;
    ks_str root = {text.data, text.len};
    size_t pos = 0;
    if (ks_aj_skip(text.data, text.len, &pos)) {
        rc = KS_CORRUPT(err, path, -1, (int64_t)pos, "manifest is not valid JSON");
        goto done;
    }
    ks_str v, img, hashes;
    if (ks_aj_get(root, "kanshiki_manifest", &v, NULL)) {
        rc = KS_CORRUPT(err, path, -1, -1, "not a kanshiki manifest (no \"kanshiki_manifest\")");
        goto done;
    }
    if ((rc = get_string(root, "status", &m.status, true, path, err)) != 0)
        goto done;
    if (ks_aj_get(root, "image", &img, NULL)) {
        rc = KS_CORRUPT(err, path, -1, -1, "manifest has no \"image\"");
        goto done;
    }
    if ((rc = get_string(img, "path", &m.image, false, path, err)) != 0 ||
        (rc = get_string(img, "format", &m.format, true, path, err)) != 0)
        goto done;
    if (ks_aj_get(img, "files", &v, NULL) == 0) {
        size_t ap = 0;
        ks_str e;
        int r;
        while ((r = ks_aj_next(v, &ap, &e)) == 0) {
            ks_buf s;
            ks_buf_init(&s, 4096);
            if (ks_aj_string(e, &s) || !s.len || memchr(s.data, '/', s.len)) {
                ks_buf_free(&s);
                rc = KS_CORRUPT(err, path, -1, (int64_t)(e.p - text.data),
                                "image file names must be plain base names");
                goto done;
            }
            if (m.nfiles >= KS_MANIFEST_MAX_FILES) {
                ks_buf_free(&s);
                rc = KS_CORRUPT(err, path, -1, (int64_t)(e.p - text.data), "more than %d image files",
                                KS_MANIFEST_MAX_FILES);
                goto done;
            }
            char **nf = realloc(m.files, (m.nfiles + 1) * sizeof *nf);
            if (!nf) {
                ks_buf_free(&s);
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                goto done;
            }
            m.files = nf;
            m.files[m.nfiles++] = ks_buf_detach(&s, NULL);
        }
        if (r != KS_EOF) {
            rc = KS_CORRUPT(err, path, -1, -1, "malformed \"files\"");
            goto done;
        }
    }
    if (ks_aj_get(root, "bytes", &v, NULL) || ks_aj_u64(v, &m.bytes)) {
        rc = KS_CORRUPT(err, path, -1, -1, "manifest has no valid \"bytes\"");
        goto done;
    }
    if (ks_aj_get(root, "hashes", &hashes, NULL) == 0 && hashes.n && hashes.p[0] == '{') {
        for (int a = 0; a < KS_DALG_COUNT; a++)
            if ((rc = get_hex(hashes, ks_dalg_name((ks_dalg)a), m.hash[a], ks_dalg_hexlen((ks_dalg)a),
                              path, err)) != 0)
                goto done;
    }
    if (ks_aj_get(root, "chunk_size", &v, NULL) == 0 && ks_aj_u64(v, &m.chunk_size) == 0 &&
        m.chunk_size && ks_aj_get(root, "chunks", &v, NULL) == 0) {
        size_t ap = 0, cap = 0;
        ks_str e;
        int r;
        while ((r = ks_aj_next(v, &ap, &e)) == 0) {
            if (e.n != 66 || e.p[0] != '"' || !ks_is_hex(e.p + 1, 64)) {
                rc = KS_CORRUPT(err, path, -1, (int64_t)(e.p - text.data), "chunk hash is not 64 hex digits");
                goto done;
            }
            if (m.nchunks == cap) {
                cap = cap ? cap * 2 : 256;
                char(*nc)[65] = realloc(m.chunks, cap * sizeof *nc);
                if (!nc) {
                    rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                    goto done;
                }
                m.chunks = nc;
            }
            memcpy(m.chunks[m.nchunks], e.p + 1, 64);
            m.chunks[m.nchunks][64] = '\0';
            m.nchunks++;
        }
        if (r != KS_EOF) {
            rc = KS_CORRUPT(err, path, -1, -1, "malformed \"chunks\"");
            goto done;
        }
    }
done:
    ks_buf_free(&text);
    if (rc) {
        ks_manifest_free(&m);
        return rc;
    }
    *out = m;
    return 0;
}

void ks_manifest_free(ks_manifest *m)
{
    free(m->image);
    free(m->format);
    free(m->status);
    for (size_t i = 0; i < m->nfiles; i++)
        free(m->files[i]);
    free(m->files);
    free(m->chunks);
    memset(m, 0, sizeof *m);
}
