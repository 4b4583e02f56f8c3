/* ewfin.h — reading E01 image content through Debian's libewf (internal to imgin.c). */
#ifndef KS_EWFIN_H
#define KS_EWFIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ks_ewfin ks_ewfin;

int ks_ewfin_open(ks_ewfin **out, char *const *paths, size_t npaths, ks_err *err);
int ks_ewfin_read(ks_ewfin *e, void *buf, size_t n, size_t *got, ks_err *err);
void ks_ewfin_close(ks_ewfin *e);

#endif
