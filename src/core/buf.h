/* buf.h — a growable byte buffer with a hard maximum (curl's dynbuf idea).
 *
 * Ownership: the ks_buf owns `data`; ks_buf_free releases it. `data` is always
 * NUL-terminated after a successful append (the NUL is not counted in `len`), so text
 * can be handed to C string functions. Appends beyond `max` fail with KS_ELIMIT, which is
 * how hostile input (a 10 GB "line") is kept from exhausting memory.
 */
#ifndef KS_BUF_H
#define KS_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ks_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* 0 = default (1 GiB) */
} ks_buf;

#define KS_BUF_DEFAULT_MAX ((size_t)1 << 30)

void ks_buf_init(ks_buf *b, size_t max);
void ks_buf_free(ks_buf *b);
void ks_buf_reset(ks_buf *b); /* len = 0, keeps memory */
int ks_buf_reserve(ks_buf *b, size_t extra);
int ks_buf_append(ks_buf *b, const void *p, size_t n);
int ks_buf_putc(ks_buf *b, char c);
int ks_buf_puts(ks_buf *b, const char *s);
int ks_buf_printf(ks_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Detaches the data (caller frees with free()); the buffer is left empty. */
char *ks_buf_detach(ks_buf *b, size_t *out_len);

/* A non-owning, not necessarily NUL-terminated view of bytes. */
typedef struct ks_str {
    const char *p;
    size_t n;
} ks_str;

#define KS_STR_NULL ((ks_str){NULL, 0})
#define KS_STR_LIT(s) ((ks_str){(s), sizeof(s) - 1})
ks_str ks_str_c(const char *s); /* from a C string; NULL gives KS_STR_NULL */
int ks_str_eq(ks_str a, const char *lit);

/* Overflow-safe range check used for every hostile offset: [off, off+size) within len. */
static inline int ks_fits(uint64_t off, uint64_t size, uint64_t len)
{
    return size <= len && off <= len - size;
}

#endif
