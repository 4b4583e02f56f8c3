/* manifest.h — IMAGE.manifest.json and IMAGE.hashes: what an acquisition leaves beside the
 * image so that anyone can check it later (docs/preservation.md describes both formats).
 *
 * The manifest names image files by their base names: images move between disks, and
 * verify resolves the names against the manifest's own directory.
 */
#ifndef KS_MANIFEST_H
#define KS_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acquire/acquire.h"
#include "core/buf.h"
#include "core/err.h"

#define KS_MANIFEST_SUFFIX ".manifest.json"
#define KS_HASHFILE_SUFFIX ".hashes"
#define KS_MANIFEST_MAX (256u << 20) /* a manifest larger than this is not ours */
#define KS_MANIFEST_MAX_FILES 100000   /* split pieces / segments (imgout's limit) */

typedef struct ks_manifest_info {
    const ks_acq_result *res;
    const char *source;        /* as given: path, "-", ssh://... */
    const char *image;         /* as given */
    ks_img_format format;
    uint64_t split_size;
    int zstd_level;
    const char *operator_name; /* who ran it */
    const char *host;          /* where it ran */
    const char *tool_version;
    const char *case_dir;      /* NULL when no case */
    const char *note;          /* NULL or free text */
    int argc;
    char *const *argv;
} ks_manifest_info;

#define KS_MANIFEST_RESERVE 8192

/* Creates the manifest at the start, marked "in-progress" and padded to
 * KS_MANIFEST_RESERVE bytes (KS_EEXIST when it exists): an interrupted acquisition leaves
 * its image marked, and a disk that fills up still has room for the final record. */
int ks_manifest_begin(const char *path, const ks_manifest_info *m, ks_err *err);
/* Replaces it with the full manifest (read-only when done); when the disk has no room for
 * that, writes the compact form (without the chunk list) into the reserved space. */
int ks_manifest_write(const char *path, const ks_manifest_info *m, ks_err *err);
/* Writes the hash file: "MD5 (NAME) = hex", "SHA1 (...)", "SHA256 (...)" lines (the BSD
 * form that `md5sum -c`/`sha256sum -c` also accept), NAME being the image's base name. */
int ks_hashfile_write(const char *path, const char *image_name, const ks_acq_result *r, ks_err *err);

/* What verify needs from a manifest. Owned by the struct; ks_manifest_free releases it. */
typedef struct ks_manifest {
    char *image;      /* as recorded */
    char *format;     /* "raw", "zstd-seekable", "ewf" */
    char *status;     /* "complete", ... */
    char **files;     /* base names, in order */
    size_t nfiles;
    uint64_t bytes;
    char hash[3][65]; /* by ks_dalg; "" when absent */
    uint64_t chunk_size;
    char (*chunks)[65];
    size_t nchunks;
} ks_manifest;

int ks_manifest_read(const char *path, ks_manifest *out, ks_err *err);
void ks_manifest_free(ks_manifest *m);

/* Reads a whole small file (bounded by max) into out. */
int ks_read_small_file(const char *path, size_t max, ks_buf *out, ks_err *err);
/* Writes data to a new file (O_EXCL), mode 0444 when done. */
int ks_write_new_file(const char *path, const void *data, size_t n, ks_err *err);

#endif
