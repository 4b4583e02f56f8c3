/* fuzz_zseek — the zstd seekable reader on arbitrary files.
 * Properties: opening never crashes; when it succeeds, reading the whole content either
 * fails with an error or returns exactly ks_zseek_size() bytes; and our own writer's output
 * for the input bytes reads back identical (roundtrip). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acquire/zseek.h"

static char path[64];

static void put(const uint8_t *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, p, n) != (ssize_t)n)
        abort();
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_zseek_%d", (int)getpid());
    ks_err e;
    ks_zseek *z = NULL;
    put(data, size);
    if (ks_zseek_open(&z, path, &e) == 0) {
        uint64_t total = ks_zseek_size(z), got_total = 0;
        uint8_t buf[65536];
        int rc = 0;
        while (got_total < total && got_total < (64u << 20)) {
            size_t got = 0;
            if ((rc = ks_zseek_pread(z, buf, sizeof buf, got_total, &got, &e)) != 0)
                break;
            if (!got)
                abort(); /* short of the declared size without an error */
            got_total += got;
        }
        if (!rc && got_total < (64u << 20) && got_total != total)
            abort();
        ks_zseek_close(z);
    }
    /* roundtrip through our writer */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ks_zseek_w *w = NULL;
    if (ks_zseek_w_new(&w, fd, path, 1, 4096, &e) || ks_zseek_w_write(w, data, size, &e) ||
        ks_zseek_w_close(w, &e))
        abort();
    ks_zseek_w_free(w);
    close(fd);
    if (ks_zseek_open(&z, path, &e))
        abort();
    uint8_t *back = malloc(size ? size : 1);
    size_t got = 0;
    if (ks_zseek_size(z) != size || ks_zseek_pread(z, back, size, 0, &got, &e) || got != size ||
        memcmp(back, data, size))
        abort();
    free(back);
    ks_zseek_close(z);
    return 0;
}
