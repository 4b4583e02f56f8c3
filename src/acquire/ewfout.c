/* ewfout.c — placeholder until E01 output through libewf lands. */
#include "acquire/ewfout.h"

int ks_ewfout_open(ks_ewfout **out, const ks_imgout_opts *o, ks_err *err)
{
    (void)out;
    (void)o;
    return KS_ERR(err, KS_EUNSUPPORTED, "E01 output is not implemented yet");
}
int ks_ewfout_write(ks_ewfout *e, const uint8_t *p, size_t n, ks_err *err)
{
    return KS_ERR(err, KS_EUNSUPPORTED, "E01 output is not implemented yet");
}
int ks_ewfout_set_hashes(ks_ewfout *e, const char *md5, const char *sha1, ks_err *err)
{
    return 0;
}
int ks_ewfout_close(ks_ewfout *e, ks_err *err)
{
    return 0;
}
uint64_t ks_ewfout_written(const ks_ewfout *e)
{
    return 0;
}
size_t ks_ewfout_nfiles(const ks_ewfout *e)
{
    return 0;
}
const char *ks_ewfout_file(const ks_ewfout *e, size_t i)
{
    return "";
}
void ks_ewfout_free(ks_ewfout *e)
{
}

/* ---- reading (placeholder) ---- */
#include "acquire/ewfin.h"

int ks_ewfin_open(ks_ewfin **out, char *const *paths, size_t npaths, ks_err *err)
{
    return KS_ERR(err, KS_EUNSUPPORTED, "E01 input is not implemented yet");
}
int ks_ewfin_read(ks_ewfin *e, void *buf, size_t n, size_t *got, ks_err *err)
{
    return KS_ERR(err, KS_EUNSUPPORTED, "E01 input is not implemented yet");
}
void ks_ewfin_close(ks_ewfin *e)
{
}
