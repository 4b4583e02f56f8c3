/* ewfout.c — E01 output and input through Debian's libewf (no EWF code of our own).
 *
 * Output: EnCase 6 format, fast deflate compression with empty-block compression, the
 * examiner/case/description/notes header values, and the MD5 and SHA-1 computed by the
 * acquisition stored in the image's hash sections (so other tools' ewfverify agrees). */
#include "acquire/ewfout.h"

#include <libewf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "acquire/ewfin.h"

#define MAX_SEGMENTS 10000

struct ks_ewfout {
    libewf_handle_t *h;
    char *stem;
    uint64_t written;
    char **files;
    size_t nfiles;
    int open;
};

static int ewf_err(ks_err *err, int code, const char *path, libewf_error_t **e, const char *what)
{
    char msg[256] = "";
    if (e && *e) {
        libewf_error_sprint(*e, msg, sizeof msg);
        libewf_error_free(e);
    }
    for (char *p = msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return KS_ERR_AT(err, code, path, -1, -1, "%s%s%s", what, msg[0] ? ": " : "", msg);
}

static void set_header(libewf_handle_t *h, const char *key, const char *val)
{
    libewf_error_t *e = NULL;
    if (!val || !*val)
        return;
    if (libewf_handle_set_utf8_header_value(h, (const uint8_t *)key, strlen(key), (const uint8_t *)val,
                                            strlen(val), &e) != 1)
        libewf_error_free(&e); /* a missing header value is not worth failing the image */
}

int ks_ewfout_open(ks_ewfout **out, const ks_imgout_opts *o, ks_err *err)
{
    int rc = 0;
    libewf_error_t *e = NULL;
    ks_ewfout *w = calloc(1, sizeof *w);
    if (!w)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    size_t n = strlen(o->path);
    /* "img.E01" and "img" both mean the segment files img.E01, img.E02, ... */
    if (n > 4 && (!strcmp(o->path + n - 4, ".E01") || !strcmp(o->path + n - 4, ".e01")))
        n -= 4;
    w->stem = strndup(o->path, n);
    if (!w->stem) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    char e01[4200];
    snprintf(e01, sizeof e01, "%s.E01", w->stem);
    FILE *probe = fopen(e01, "rb");
    if (probe) {
        fclose(probe);
        rc = KS_ERR_AT(err, KS_EEXIST, e01, -1, -1,
                       "cannot create output: File exists (kanshiki never overwrites; remove it or pick another name)");
        goto done;
    }
    if (libewf_handle_initialize(&w->h, &e) != 1) {
        rc = ewf_err(err, KS_ENOMEM, o->path, &e, "libewf could not start");
        goto done;
    }
    char *names[1] = {w->stem};
    if (libewf_handle_open(w->h, names, 1, libewf_get_access_flags_write(), &e) != 1) {
        rc = ewf_err(err, KS_EIO, o->path, &e, "cannot create E01 image");
        goto done;
    }
    w->open = 1;
    if (libewf_handle_set_format(w->h, LIBEWF_FORMAT_ENCASE6, &e) != 1 ||
        libewf_handle_set_compression_values(w->h, LIBEWF_COMPRESSION_FAST,
                                             LIBEWF_COMPRESS_FLAG_USE_EMPTY_BLOCK_COMPRESSION, &e) != 1 ||
        (o->media_size && libewf_handle_set_media_size(w->h, (o->media_size + 511) / 512 * 512, &e) != 1) ||
        (o->split_size && libewf_handle_set_maximum_segment_size(w->h, o->split_size, &e) != 1)) {
        rc = ewf_err(err, KS_EUSAGE, o->path, &e, "libewf rejected the image parameters");
        goto done;
    }
    set_header(w->h, "examiner_name", o->examiner);
    set_header(w->h, "case_number", o->case_number);
    set_header(w->h, "description", o->description);
    set_header(w->h, "notes", o->notes);
done:
    if (rc) {
        ks_ewfout_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int ks_ewfout_write(ks_ewfout *w, const uint8_t *p, size_t n, ks_err *err)
{
    libewf_error_t *e = NULL;
    while (n) {
        ssize_t r = libewf_handle_write_buffer(w->h, p, n, &e);
        if (r <= 0)
            return ewf_err(err, KS_EIO, w->stem, &e, "E01 write failed (output full?)");
        p += r;
        n -= (size_t)r;
        w->written += (uint64_t)r;
    }
    return 0;
}

int ks_ewfout_set_hashes(ks_ewfout *w, const char *md5, const char *sha1, ks_err *err)
{
    libewf_error_t *e = NULL;
    if (md5 && *md5 &&
        libewf_handle_set_utf8_hash_value(w->h, (const uint8_t *)"MD5", 3, (const uint8_t *)md5, strlen(md5), &e) != 1)
        return ewf_err(err, KS_EIO, w->stem, &e, "cannot store MD5 in the E01 image");
    if (sha1 && *sha1 &&
        libewf_handle_set_utf8_hash_value(w->h, (const uint8_t *)"SHA1", 4, (const uint8_t *)sha1, strlen(sha1), &e) != 1)
        return ewf_err(err, KS_EIO, w->stem, &e, "cannot store SHA-1 in the E01 image");
    return 0;
}

int ks_ewfout_close(ks_ewfout *w, ks_err *err)
{
    int rc = 0;
    libewf_error_t *e = NULL;
    char **names = NULL;
    int nn = 0;
    if (!w->open)
        return 0;
    /* EWF stores whole 512-byte sectors: pad a partial last one with zeros (not counted in
     * `written`; the manifest's byte count tells readers where the content ends). */
    if (w->written % 512) {
        uint8_t zeros[512] = {0};
        size_t pad = 512 - (size_t)(w->written % 512);
        if (libewf_handle_write_buffer(w->h, zeros, pad, &e) != (ssize_t)pad)
            rc = ewf_err(err, KS_EIO, w->stem, &e, "cannot pad the last E01 sector");
    }
    if (libewf_handle_write_finalize(w->h, &e) < 0 && !rc)
        rc = ewf_err(err, KS_EIO, w->stem, &e, "cannot finish the E01 image");
    if (libewf_handle_close(w->h, &e) != 0 && !rc)
        rc = ewf_err(err, KS_EIO, w->stem, &e, "cannot close the E01 image");
    else if (e)
        libewf_error_free(&e);
    w->open = 0;
    char e01[4200];
    snprintf(e01, sizeof e01, "%s.E01", w->stem);
    if (libewf_glob(e01, strlen(e01), LIBEWF_FORMAT_UNKNOWN, &names, &nn, &e) == 1) {
        for (int i = 0; i < nn && i < MAX_SEGMENTS; i++) {
            char **nf = realloc(w->files, (w->nfiles + 1) * sizeof *nf);
            if (!nf)
                break;
            w->files = nf;
            if ((nf[w->nfiles] = strdup(names[i])) != NULL)
                w->nfiles++;
            chmod(names[i], 0444); /* evidence copies are not edited in place */
        }
        libewf_glob_free(names, nn, &e);
    }
    if (e)
        libewf_error_free(&e);
    return rc;
}

uint64_t ks_ewfout_written(const ks_ewfout *w)
{
    return w->written;
}

size_t ks_ewfout_nfiles(const ks_ewfout *w)
{
    return w->nfiles;
}

const char *ks_ewfout_file(const ks_ewfout *w, size_t i)
{
    return i < w->nfiles ? w->files[i] : "";
}

void ks_ewfout_free(ks_ewfout *w)
{
    libewf_error_t *e = NULL;
    if (!w)
        return;
    if (w->open)
        libewf_handle_close(w->h, &e);
    if (w->h)
        libewf_handle_free(&w->h, &e);
    if (e)
        libewf_error_free(&e);
    for (size_t i = 0; i < w->nfiles; i++)
        free(w->files[i]);
    free(w->files);
    free(w->stem);
    free(w);
}

/* ---- reading ------------------------------------------------------------------------ */
struct ks_ewfin {
    libewf_handle_t *h;
    int open;
    char name[1024];
    uint64_t off;
};

int ks_ewfin_open(ks_ewfin **out, char *const *paths, size_t npaths, ks_err *err)
{
    int rc = 0;
    libewf_error_t *e = NULL;
    ks_ewfin *r = calloc(1, sizeof *r);
    if (!r)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    snprintf(r->name, sizeof r->name, "%s", npaths ? paths[0] : "");
    if (!npaths || npaths > MAX_SEGMENTS) {
        rc = KS_ERR(err, KS_EUSAGE, "bad number of E01 segment files");
        goto done;
    }
    if (libewf_handle_initialize(&r->h, &e) != 1) {
        rc = ewf_err(err, KS_ENOMEM, r->name, &e, "libewf could not start");
        goto done;
    }
    if (libewf_handle_open(r->h, paths, (int)npaths, libewf_get_access_flags_read(), &e) != 1) {
        rc = ewf_err(err, KS_EIO, r->name, &e, "cannot open E01 image");
        goto done;
    }
    r->open = 1;
done:
    if (rc) {
        ks_ewfin_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int ks_ewfin_read(ks_ewfin *r, void *buf, size_t n, size_t *got, ks_err *err)
{
    libewf_error_t *e = NULL;
    *got = 0;
    while (*got < n) {
        ssize_t x = libewf_handle_read_buffer(r->h, (uint8_t *)buf + *got, n - *got, &e);
        if (x < 0) {
            int rc = ewf_err(err, KS_ECORRUPT, r->name, &e, "E01 read failed");
            if (err)
                err->offset = (int64_t)(r->off + *got);
            return rc;
        }
        if (x == 0)
            break;
        *got += (size_t)x;
    }
    r->off += *got;
    return 0;
}

void ks_ewfin_close(ks_ewfin *r)
{
    libewf_error_t *e = NULL;
    if (!r)
        return;
    if (r->open)
        libewf_handle_close(r->h, &e);
    if (r->h)
        libewf_handle_free(&r->h, &e);
    if (e)
        libewf_error_free(&e);
    free(r);
}
