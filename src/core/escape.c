/* escape.c — PLACEHOLDER: only ks_escape_term (minimal) until the full module lands. */
#include "core/escape.h"

#include <stdio.h>

int ks_escape_term(ks_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        if (c < 0x20 || c == 0x7f || c >= 0x80) {
            char tmp[8];
            snprintf(tmp, sizeof tmp, "\\x%02x", c);
            rc = ks_buf_puts(out, tmp);
        } else if (c == '\\') {
            rc = ks_buf_puts(out, "\\\\");
        } else {
            rc = ks_buf_putc(out, (char)c);
        }
        if (rc)
            return rc;
    }
    return ks_buf_reserve(out, 0);
}
