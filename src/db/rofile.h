/* rofile.h — a file opened read-only (O_RDONLY, never written, never truncated) and read by
 * offset, for the db commands until the shared evidence layer lands.
 * Ownership: ks_rofile_close releases the descriptor. */
#ifndef KS_ROFILE_H
#define KS_ROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ks_rofile {
    int fd;
    uint64_t size;
    const char *path; /* not owned */
} ks_rofile;

int ks_rofile_open(ks_rofile *f, const char *path, ks_err *err);
void ks_rofile_close(ks_rofile *f);
/* pread loop; *out_got < n only at end of file. Signature matches ks_binlog_read_fn. */
int ks_rofile_read(void *f, uint64_t off, void *buf, size_t n, size_t *out_got);

#endif
