/* lvm.h — LVM2 physical volumes: the label, the text metadata, and linear logical volumes
 * exposed as images. A volume group spanning several disks needs all of them; only
 * logical volumes whose segments all lie on this physical volume are opened.
 *
 * Ownership: ks_lvm_read fills a caller-owned ks_lvm (freed with ks_lvm_free);
 * ks_lvm_open_lv returns an image that reads through `pv`, which must outlive it.
 */
#ifndef KS_FS_LVM_H
#define KS_FS_LVM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "fs/image.h"

#define KS_LVM_MAX_LVS 256
#define KS_LVM_MAX_SEGS 64

typedef struct ks_lvm_seg {
    uint64_t start_extent, extent_count;
    uint64_t pv_offset; /* bytes from the start of the PV */
} ks_lvm_seg;

typedef struct ks_lvm_lv {
    char name[128];
    unsigned nseg;
    ks_lvm_seg seg[KS_LVM_MAX_SEGS];
    uint64_t size; /* bytes */
    bool supported; /* linear, every segment on this PV */
    char why[96];   /* why not supported */
} ks_lvm_lv;

typedef struct ks_lvm {
    char vg_name[128];
    uint64_t extent_bytes;
    unsigned nlv;
    ks_lvm_lv *lv; /* nlv entries */
} ks_lvm;

/* 1 when the image starts with an LVM2 label (sectors 0-3). */
int ks_lvm_probe(ks_img *img);
/* Reads the label, the newest metadata copy and the logical volumes. */
int ks_lvm_read(ks_lvm *out, ks_img *pv, ks_err *err);
void ks_lvm_free(ks_lvm *l);
int ks_lvm_open_lv(ks_img **out, ks_img *pv, const ks_lvm *l, const ks_lvm_lv *lv, ks_err *err);

#endif
