/* fuzz_volume.c — MBR (with extended chains) and GPT readers on arbitrary bytes.
 * Properties: no crash; every partition lies where the reader says (windows clipped to
 * the image); the count never exceeds the table's bound. */
#include <stdint.h>
#include <stdlib.h>

#include "fs/fs.h"
#include "fs/volume.h"

static ks_vs vs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_img *img = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_img_mem(&img, data, size, "fuzz", &err) != 0)
        return 0;
    int rc = ks_vs_read(&vs, img, &err);
    if (rc == 0) {
        if (vs.n > KS_VS_MAX_PARTS)
            abort();
        for (unsigned i = 0; i < vs.n; i++) {
            ks_img *w = NULL;
            if (ks_img_window(&w, img, vs.parts[i].start, vs.parts[i].size, NULL) == 0) {
                if (ks_img_size(w) > size)
                    abort();
                ks_fs_probe(w, NULL);
                ks_img_close(w);
            }
        }
    } else if (err.code == 0) {
        abort();
    }
    ks_img_close(img);
    return 0;
}
