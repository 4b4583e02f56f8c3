/* walkdump — walks evidence paths and prints one line per member, skip or error:
 *
 *   MEMBER <path>\t<compression or ->\t<content length>\t<sha256 of content>\t<head_len>
 *   ERROR  <path>\t<formatted ks_err>\t<status name>\t<bytes delivered before it>\t<sha256 of them>
 *   SKIP   <path>\t<reason>
 *   WALKERR <formatted ks_err>\t<status name>
 *
 * Options: -L follow symlinks inside directories; -m N max member size; -n N max nesting;
 * -c N read in chunks of N bytes (to exercise small reads); -s read one chunk of each member
 * only, then move on (the walker must skip the rest). Exit 0 when the walk finished
 * (whatever it reported), 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "evidence/evidence.h"

static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    ks_walk_opts opts = {0};
    size_t chunk = 1 << 20;
    bool one_chunk = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        uint64_t v = 0;
        if (!strcmp(argv[i], "-L"))
            opts.follow_symlinks = true;
        else if (!strcmp(argv[i], "-s"))
            one_chunk = true;
        else if (i + 1 < argc && !strcmp(argv[i], "-m") && !parse_u64(argv[i + 1], &v))
            opts.max_member_size = v, i++;
        else if (i + 1 < argc && !strcmp(argv[i], "-n") && !parse_u64(argv[i + 1], &v) && v < 100)
            opts.max_nesting = (int)v, i++;
        else if (i + 1 < argc && !strcmp(argv[i], "-c") && !parse_u64(argv[i + 1], &v) && v > 0 &&
                 v < (1u << 30))
            chunk = (size_t)v, i++;
        else {
            fprintf(stderr, "usage: walkdump [-L] [-s] [-m max] [-n nesting] [-c chunk] path...\n");
            return 2;
        }
    }
    ks_err err;
    ks_err_clear(&err);
    ks_walk *w = NULL;
    char msg[2048], hex[65];
    if (ks_walk_new(&w, (const char *const *)argv + i, (size_t)(argc - i), &opts, &err) != 0) {
        ks_err_format(&err, msg, sizeof msg);
        fprintf(stderr, "walkdump: %s\n", msg);
        return 1;
    }
    uint8_t *buf = malloc(chunk);
    ks_sha256 *h = NULL;
    if (!buf || ks_sha256_new(&h) != 0)
        return 1;
    for (;;) {
        ks_member *m = NULL;
        ks_walk_skip sk = {0};
        ks_err_clear(&err);
        int rc = ks_walk_next(w, &m, &sk, &err);
        if (rc == KS_EOF)
            break;
        if (rc == 1) {
            printf("SKIP\t%s\t%s\n", sk.path, sk.reason);
            continue;
        }
        if (rc < 0) {
            ks_err_format(&err, msg, sizeof msg);
            printf("WALKERR\t%s\t%s\n", msg, ks_status_name(rc));
            continue;
        }
        uint64_t total = 0;
        int rrc = 0;
        for (;;) {
            size_t n = 0;
            ks_err_clear(&err);
            rrc = m->input.read(m->input.ctx, buf, chunk, &n, &err);
            if (rrc != 0 || n == 0)
                break;
            ks_sha256_update(h, buf, n);
            total += n;
            if (one_chunk)
                break;
        }
        ks_sha256_final_hex(h, hex);
        if (total != ks_walk_member_offset(w)) {
            printf("BUG\t%s\toffset %llu != delivered %llu\n", m->path,
                   (unsigned long long)ks_walk_member_offset(w), (unsigned long long)total);
        }
        if (rrc != 0) {
            ks_err_format(&err, msg, sizeof msg);
            printf("ERROR\t%s\t%s\t%s\t%llu\t%s\n", m->path, msg, ks_status_name(rrc),
                   (unsigned long long)total, hex);
        } else {
            printf("MEMBER\t%s\t%s\t%llu\t%s\t%zu\n", m->path,
                   m->compression[0] ? m->compression : "-", (unsigned long long)total, hex,
                   m->head_len);
        }
    }
    ks_sha256_free(h);
    free(buf);
    ks_walk_free(w);
    return 0;
}
