/* image.h — disk images behind one read-at interface.
 *
 * A ks_img is a random-access, read-only byte range: a raw file, a split raw set
 * (name.001, name.002, ... or name.aa, name.ab, ...), an in-memory buffer (tests, fuzzers),
 * or a window of another image (a partition). Container formats (E01, qcow2, VMDK, VHD)
 * plug in as further backends through the same ks_img_ops table.
 *
 * Ownership: ks_img_close frees the image and its backend; a window (ks_img_window) does
 * not own its parent, which must outlive it. Evidence files are opened O_RDONLY only.
 */
#ifndef KS_FS_IMAGE_H
#define KS_FS_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ks_img_ops {
    /* Reads exactly len bytes at off (the caller has checked the range against size). */
    int (*read_at)(void *ctx, uint64_t off, void *buf, size_t len, ks_err *err);
    void (*close)(void *ctx);
    const char *kind; /* "raw", "split", "mem", "window", "ewf", ... */
} ks_img_ops;

typedef struct ks_img ks_img;

/* Opens a disk image. Split sets are recognised from the first segment's name
 * (".001" or ".aa"); the following segments are found by incrementing the suffix. */
int ks_img_open(ks_img **out, const char *path, ks_err *err);
/* An image over caller memory (not copied; p must outlive the image). */
int ks_img_mem(ks_img **out, const void *p, size_t n, const char *name, ks_err *err);
/* A window [off, off+len) of parent, clipped to the parent's size. */
int ks_img_window(ks_img **out, ks_img *parent, uint64_t off, uint64_t len, ks_err *err);
/* A backend supplied by the caller (containers). On failure ops->close(ctx) is called. */
int ks_img_custom(ks_img **out, const ks_img_ops *ops, void *ctx, uint64_t size,
                  const char *name, ks_err *err);
void ks_img_close(ks_img *img);

/* Reads exactly len bytes at off. A range beyond the end is KS_ECORRUPT naming the
 * offset (hostile structures point past the end of truncated images). */
int ks_img_read(ks_img *img, uint64_t off, void *buf, size_t len, ks_err *err);
uint64_t ks_img_size(const ks_img *img);
const char *ks_img_name(const ks_img *img);
const char *ks_img_kind(const ks_img *img);
/* Offset of this image's byte 0 in the outermost image (windows add up). */
uint64_t ks_img_base(const ks_img *img);

#endif
