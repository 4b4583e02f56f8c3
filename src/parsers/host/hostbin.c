/* hostbin.c — helpers shared by the binary host log readers (hostbin.h). */
#include "parsers/host/hostbin.h"

#include <string.h>

const char *ks_hostbin_base(const char *path)
{
    if (!path)
        return "";
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

int ks_hostbin_read_full(ks_input *in, uint8_t *buf, size_t n, size_t *out_n, ks_err *err)
{
    size_t got = 0;
    /* each read returns at least one byte or ends the input: bounded by n reads */
    while (got < n) {
        size_t k = 0;
        int rc = in->read(in->ctx, buf + got, n - got, &k, err);
        if (rc)
            return rc;
        if (!k)
            break;
        got += k;
    }
    *out_n = got;
    return 0;
}
