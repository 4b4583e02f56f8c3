/* evcat — streams every member's decompressed content to stdout, like zcat(1), through the
 * evidence walker. Used to measure ingest speed against zcat/zstdcat. Errors go to stderr;
 * exit 1 if any member or entry failed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "evidence/evidence.h"

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv)
{
    ks_err err;
    ks_err_clear(&err);
    ks_walk *w = NULL;
    char msg[2048];
    int status = 0;
    const size_t bufsz = (size_t)1 << 20;
    ks_walk_opts opts = {0};
    if (ks_walk_new(&w, (const char *const *)argv + 1, (size_t)(argc - 1), &opts, &err) != 0)
        return 1;
    uint8_t *buf = malloc(bufsz);
    if (!buf)
        return 1;
    for (;;) {
        ks_member *m = NULL;
        ks_walk_skip sk = {0};
        int rc = ks_walk_next(w, &m, &sk, &err);
        if (rc == KS_EOF)
            break;
        if (rc == 1) {
            fprintf(stderr, "evcat: %s: skipped: %s\n", sk.path, sk.reason);
            continue;
        }
        if (rc < 0) {
            ks_err_format(&err, msg, sizeof msg);
            fprintf(stderr, "evcat: %s\n", msg);
            status = 1;
            continue;
        }
        for (;;) {
            size_t n = 0;
            rc = m->input.read(m->input.ctx, buf, bufsz, &n, &err);
            if (rc != 0) {
                ks_err_format(&err, msg, sizeof msg);
                fprintf(stderr, "evcat: %s\n", msg);
                status = 1;
                break;
            }
            if (n == 0)
                break;
            if (write_all(1, buf, n) != 0) {
                fprintf(stderr, "evcat: write error\n");
                free(buf);
                ks_walk_free(w);
                return 1;
            }
        }
    }
    free(buf);
    ks_walk_free(w);
    return status;
}
