/* ewfout.h — E01 (EnCase 6 / EWF) image output through Debian's libewf.
 * Internal to imgout.c; files are IMAGE.E01, IMAGE.E02, ... (libewf names the segments). */
#ifndef KS_EWFOUT_H
#define KS_EWFOUT_H

#include <stddef.h>
#include <stdint.h>

#include "acquire/imgout.h"
#include "core/err.h"

typedef struct ks_ewfout ks_ewfout;

int ks_ewfout_open(ks_ewfout **out, const ks_imgout_opts *o, ks_err *err);
int ks_ewfout_write(ks_ewfout *e, const uint8_t *p, size_t n, ks_err *err);
int ks_ewfout_set_hashes(ks_ewfout *e, const char *md5, const char *sha1, ks_err *err);
int ks_ewfout_close(ks_ewfout *e, ks_err *err);
uint64_t ks_ewfout_written(const ks_ewfout *e);
size_t ks_ewfout_nfiles(const ks_ewfout *e);
const char *ks_ewfout_file(const ks_ewfout *e, size_t i);
void ks_ewfout_free(ks_ewfout *e);

#endif
