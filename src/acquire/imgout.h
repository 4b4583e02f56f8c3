/* imgout.h — writing an acquired image: raw (optionally split into IMAGE.001, .002, ...),
 * zstd seekable (IMAGE as given), or E01 through libewf (IMAGE.E01, .E02, ...).
 *
 * Output files are created exclusively (an existing file is never overwritten: it may be
 * evidence) and made read-only (0444) when closed. Not thread-safe: one writer thread.
 */
#ifndef KS_IMGOUT_H
#define KS_IMGOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef enum ks_img_format { KS_IMG_RAW = 0, KS_IMG_ZSTD = 1, KS_IMG_EWF = 2 } ks_img_format;

const char *ks_img_format_name(ks_img_format f); /* "raw", "zstd-seekable", "ewf" */

typedef struct ks_imgout_opts {
    ks_img_format format;
    const char *path;       /* raw/zstd: the file (split: the stem); ewf: the stem */
    uint64_t split_size;    /* raw and ewf: max bytes per file; 0 = one file */
    int zstd_level;         /* 0 = 3 */
    uint32_t zstd_frame;    /* 0 = KS_ZSEEK_DEFAULT_FRAME */
    uint64_t media_size;    /* ewf: expected size, 0 = unknown */
    bool sync;              /* fsync files before close */
    /* ewf header values (may be NULL) */
    const char *examiner, *case_number, *description, *notes;
} ks_imgout_opts;

typedef struct ks_imgout ks_imgout;

int ks_imgout_open(ks_imgout **out, const ks_imgout_opts *o, ks_err *err);
int ks_imgout_write(ks_imgout *w, const uint8_t *p, size_t n, ks_err *err);
/* ewf stores the hashes inside the image; call before close (no-op for other formats). */
int ks_imgout_set_hashes(ks_imgout *w, const char *md5, const char *sha1, ks_err *err);
/* Finishes the files (zstd seek table, fsync, read-only mode). Also after a failed write:
 * what was written stays, readable. */
int ks_imgout_close(ks_imgout *w, ks_err *err);
/* Image bytes that reached the output files. */
uint64_t ks_imgout_written(const ks_imgout *w);
/* The files created so far, in order (valid until free). */
size_t ks_imgout_files(const ks_imgout *w, const char *const **names);
void ks_imgout_free(ks_imgout *w);

#endif
