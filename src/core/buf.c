#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ks_buf_init(ks_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : KS_BUF_DEFAULT_MAX;
}

void ks_buf_free(ks_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void ks_buf_reset(ks_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int ks_buf_reserve(ks_buf *b, size_t extra)
{
    if (!b->max)
        b->max = KS_BUF_DEFAULT_MAX;
    if (extra > b->max || b->len > b->max - extra)
        return KS_ELIMIT;
    size_t need = b->len + extra + 1; /* +1 for the NUL */
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return KS_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int ks_buf_append(ks_buf *b, const void *p, size_t n)
{
    int rc = ks_buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int ks_buf_putc(ks_buf *b, char c)
{
    return ks_buf_append(b, &c, 1);
}

int ks_buf_puts(ks_buf *b, const char *s)
{
    return ks_buf_append(b, s, strlen(s));
}

int ks_buf_printf(ks_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return KS_EUSAGE;
    int rc = ks_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *ks_buf_detach(ks_buf *b, size_t *out_len)
{
    char *p = b->data;
    if (out_len)
        *out_len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

ks_str ks_str_c(const char *s)
{
    ks_str r = {s, s ? strlen(s) : 0};
    return r;
}

int ks_str_eq(ks_str a, const char *lit)
{
    size_t n = strlen(lit);
    return a.p && a.n == n && memcmp(a.p, lit, n) == 0;
}
