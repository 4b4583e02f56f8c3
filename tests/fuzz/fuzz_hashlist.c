/* fuzz_hashlist — parsing md5sum/sha256sum/BSD hash lists that may be hostile.
 * Properties: never crashes; an accepted list has at least one entry, every name is
 * non-empty and unique, and every hash present is lowercase hex of its algorithm's length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acquire/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_buf b;
    ks_buf_init(&b, 0);
    if (ks_buf_append(&b, data, size)) {
        ks_buf_free(&b);
        return 0;
    }
    ks_hashlist_entry *v = NULL;
    size_t n = 0;
    ks_err e;
    if (ks_hashlist_parse(&b, &v, &n, "fuzz", &e) == 0) {
        if (!n)
            abort();
        for (size_t i = 0; i < n; i++) {
            if (!v[i].name[0])
                abort();
            for (size_t j = 0; j < i; j++)
                if (!strcmp(v[i].name, v[j].name))
                    abort();
            for (int a = 0; a < KS_DALG_COUNT; a++) {
                size_t l = strlen(v[i].hash[a]);
                if (l && l != ks_dalg_hexlen((ks_dalg)a))
                    abort();
                for (size_t k = 0; k < l; k++)
                    if (!strchr("0123456789abcdef", v[i].hash[a][k]))
                        abort();
            }
        }
        ks_hashlist_free(v, n);
    }
    ks_buf_free(&b);
    return 0;
}
