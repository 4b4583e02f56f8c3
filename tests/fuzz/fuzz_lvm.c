/* fuzz_lvm.c — the LVM2 label, metadata-area and metadata-text parsers on arbitrary bytes.
 * Properties: no crash; every readable logical volume's size is the sum of its segments;
 * reads inside a volume stay inside the input. Seeds: scripts/fs-fuzz-seeds.sh. */
#include <stdint.h>
#include <stdlib.h>

#include "fs/lvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_img *img = NULL;
    ks_lvm l;
    ks_err err;
    ks_err_clear(&err);
    if (ks_img_mem(&img, data, size, "fuzz", &err) != 0)
        return 0;
    if (ks_lvm_read(&l, img, &err) == 0) {
        for (unsigned i = 0; i < l.nlv; i++) {
            const ks_lvm_lv *lv = &l.lv[i];
            if (!lv->supported)
                continue;
            uint64_t sum = 0;
            for (unsigned k = 0; k < lv->nseg; k++)
                sum += lv->seg[k].extent_count;
            if (sum * l.extent_bytes != lv->size)
                abort();
            ks_img *v = NULL;
            uint8_t buf[512];
            if (ks_lvm_open_lv(&v, img, &l, lv, NULL) == 0) {
                if (ks_img_size(v) >= sizeof buf)
                    ks_img_read(v, 0, buf, sizeof buf, NULL);
                ks_img_close(v);
            }
        }
        ks_lvm_free(&l);
    } else if (err.code == 0) {
        abort();
    }
    ks_img_close(img);
    return 0;
}
