/* fuzz_dump_diff.c — the dump reader and comparer on arbitrary "dumps". The input is written
 * to a memory file and compared with itself, with a tiny sort budget so runs spill.
 * Property: a dump compared with itself has no added, deleted or changed rows and no
 * created or dropped tables, however broken its statements are. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "db/dump_diff.h"

static int cb(void *ctx, const ks_dump_change *c)
{
    ks_buf o;
    ks_buf_init(&o, 1 << 24);
    if (ks_dump_change_format(&o, c, c->jsonl) != 0 && o.len < (1 << 23))
        abort();
    ks_buf_free(&o);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("dump", 0);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ks_dump_diff_opts o;
    memset(&o, 0, sizeof o);
    o.memory_bytes = 4096;
    o.jsonl = size & 1;
    o.tmpdir = "/tmp";
    ks_dump_diff_stats st;
    memset(&st, 0, sizeof st);
    ks_err err;
    int rc = ks_dump_diff(path, path, &o, cb, NULL, &st, &err);
    if (rc == 0 && (st.rows_added || st.rows_deleted || st.rows_changed || st.tables_created ||
                    st.tables_dropped || st.rows_before != st.rows_after))
        abort();
    close(fd);
    return 0;
}
