/* fuzz_decompress — arbitrary bytes as an evidence file (compressed stream, archive, or
 * both), walked through a memfd exactly like a file on disk.
 *
 * Properties checked (abort on violation):
 *  - every member's delivered length equals the sum of its reads and ks_walk_member_offset;
 *  - no member delivers more than max_member_size (the bomb guard holds);
 *  - head is at most 64 KiB and is exactly the first head_len bytes of the content;
 *  - every failure carries a status and a message; the walk ends in a bounded number of steps;
 *  - ks_open_fd on the same bytes delivers, within the bytes we read, the same content as
 *    the walker did for a non-archive input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evidence/evidence.h"

#define MAX_MEMBER (1u << 20)
#define HEAD_MAX (64u * 1024)

static uint8_t *content; /* the first MAX_MEMBER bytes of the current member */

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "property violated: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!content && !(content = malloc(MAX_MEMBER + 1)))
        return 0;
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    lseek(fd, 0, SEEK_SET);
    size_t chunk = 1 + (size * 2654435761u) % 70000; /* varied read sizes */
    ks_walk_opts opts = {.max_member_size = MAX_MEMBER, .max_nesting = 4};
    ks_walk *w = NULL;
    ks_err err;
    ks_err_clear(&err);
    uint64_t first_len = 0;
    int members = 0;
    bool first_plain = false;
    if (ks_walk_new_fd(&w, fd, "fuzz", &opts, &err) == 0) {
        int steps = 0;
        for (;; steps++) {
            check(steps < 100000, "walk ends");
            ks_member *m = NULL;
            ks_walk_skip sk = {0};
            ks_err_clear(&err);
            int rc = ks_walk_next(w, &m, &sk, &err);
            if (rc == KS_EOF)
                break;
            if (rc == 1) {
                check(sk.path && sk.reason && sk.reason[0], "skip has a reason");
                continue;
            }
            if (rc < 0) {
                check(err.code == rc && err.msg[0], "walk error has status and message");
                continue;
            }
            check(m->head_len <= HEAD_MAX, "head at most 64 KiB");
            uint64_t total = 0;
            for (int reads = 0;; reads++) {
                check(reads < 10000000, "member ends");
                size_t n = 0;
                size_t room = MAX_MEMBER + 1 - (size_t)total;
                size_t want = chunk < room ? chunk : room;
                ks_err_clear(&err);
                rc = m->input.read(m->input.ctx, content + total, want, &n, &err);
                if (rc != 0) {
                    check(err.code == rc && err.msg[0], "read error has status and message");
                    break;
                }
                if (n == 0)
                    break;
                check(n <= want, "read within the buffer");
                total += n;
                check(total <= MAX_MEMBER, "bomb guard holds");
            }
            check(total == ks_walk_member_offset(w), "offset equals bytes delivered");
            size_t cmp = m->head_len < total ? m->head_len : (size_t)total;
            check(cmp == m->head_len || rc != 0, "head is a prefix of the content");
            check(memcmp(m->head, content, cmp) == 0, "head equals the first bytes");
            if (members++ == 0) {
                first_len = total;
                first_plain = m->inner_path == NULL && rc == 0;
            }
        }
        ks_walk_free(w);
    }
    /* The single-file API must agree with the walker on a non-archive input. */
    if (members == 1 && first_plain) {
        ks_opened *o = NULL;
        ks_input *in = NULL;
        if (ks_open_fd(&o, &in, fd, "fuzz", &err) == 0) {
            uint64_t total = 0;
            uint8_t buf[4096];
            for (;;) {
                size_t n = 0;
                if (in->read(in->ctx, buf, sizeof buf, &n, &err) != 0 || n == 0)
                    break;
                if (total + n > first_len || memcmp(buf, content + total, n) != 0) {
                    /* ks_open_fd does not unpack archives; a walker member that is the whole
                     * file must read the same */
                    check(0, "ks_open_fd agrees with the walker");
                }
                total += n;
            }
            check(total == first_len, "ks_open_fd delivers the same length");
            ks_open_free(o);
        }
    }
    close(fd);
    return 0;
}
