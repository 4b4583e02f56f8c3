/* fuzz_manifest — reading IMAGE.manifest.json files that may be hostile.
 * Properties: never crashes; when a manifest is accepted, its file names are plain base
 * names (no '/'), its chunk hashes are 64 hex digits, and the hashes present have the
 * length of their algorithm. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acquire/digest.h"
#include "acquire/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_manifest_%d.manifest.json", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    ks_manifest m;
    ks_err e;
    if (ks_manifest_read(path, &m, &e) == 0) {
        for (size_t i = 0; i < m.nfiles; i++)
            if (strchr(m.files[i], '/') || !m.files[i][0])
                abort();
        for (size_t i = 0; i < m.nchunks; i++)
            if (strlen(m.chunks[i]) != 64 || !ks_is_hex(m.chunks[i], 64))
                abort();
        for (int a = 0; a < KS_DALG_COUNT; a++)
            if (m.hash[a][0] && strlen(m.hash[a]) != ks_dalg_hexlen((ks_dalg)a))
                abort();
        if (!m.format || !m.status)
            abort();
        ks_manifest_free(&m);
    }
    return 0;
}
