#include "db/dump_diff.h"

int ks_dump_diff(const char *before, const char *after, const ks_dump_diff_opts *opts,
                 ks_dump_change_fn cb, void *ctx, ks_dump_diff_stats *st, ks_err *err)
{
    return KS_ERR(err, KS_EUNSUPPORTED, "db diff: not implemented yet");
}

int ks_dump_change_format(ks_buf *out, const ks_dump_change *c, int jsonl)
{
    return 0;
}
