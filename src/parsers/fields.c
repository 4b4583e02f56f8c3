#include "parsers/fields.h"

#include <float.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"

const char *ks_fields_split(ks_fields *out, const char *p, size_t n, unsigned flags)
{
    size_t nf = 0; /* out->n, kept in a register; stored before every return */
    out->n = 0;
    out->scrn = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && p[i] == ' ')
            i++;
        if (i >= n)
            break;
        ks_str s;
        bool bracket = (flags & KS_FIELDS_BRACKETS) && p[i] == '[';
        if (p[i] == '"' || bracket) {
            /* the closing byte; inside quotes a backslash takes the next byte with it */
            char close = bracket ? ']' : '"';
            char esc = bracket ? ']' : '\\';
            bool escaped = false;
            size_t j = i + 1;
            for (;;) {
                j = ks_fields_scan2(p, j, n, close, esc);
                if (j >= n) {
                    out->n = nf;
                    return bracket ? "unterminated [time]" : "unterminated quoted field";
                }
                if (p[j] == close)
                    break;
                escaped = true; /* the first backslash of the field is always met here */
                j += j + 1 < n ? 2 : 1;
            }
            s = (ks_str){p + i + 1, j - i - 1};
            if (escaped && ks_fits(out->scrn, s.n, sizeof out->scr)) {
                char *o = out->scr + out->scrn;
                size_t m = ks_log_unescape(o, s.p, s.n);
                out->scrn += m;
                s = (ks_str){o, m};
            }
            i = j + 1;
        } else {
            size_t b = i;
            i = ks_fields_scan2(p, i, n, ' ', ' ');
            s = (ks_str){p + b, i - b};
        }
        if (nf == KS_FIELDS_MAX) {
            out->n = nf;
            return "more than 64 fields";
        }
        out->f[nf++] = s;
    }
    out->n = nf;
    return NULL;
}

/* Powers of ten that doubles hold exactly (10^22 < 2^53 * 2^22 needs no rounding). */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int ks_fields_decimal(const char *p, size_t n, double *out)
{
    if (n == 0 || n > 47)
        return -1;
#if FLT_EVAL_METHOD == 0
    /* Clinger's fast path: a mantissa below 2^53 and 10^k with k <= 22 are both exact
     * doubles, so m / 10^k is one correctly rounded operation: the same double as the
     * correctly rounded strtod. */
    /* -?DIGITS[.DIGITS], at most 18 digits (the mantissa may wrap before that is
     * checked: unsigned, and then not used) */
    size_t i = p[0] == '-', start = i, frac = 0;
    uint64_t m = 0;
    while (i < n && (unsigned)(unsigned char)p[i] - '0' <= 9)
        m = m * 10 + (uint64_t)(p[i++] - '0');
    size_t idigits = i - start;
    if (idigits && i + 1 < n && p[i] == '.') {
        size_t f0 = ++i;
        while (i < n && (unsigned)(unsigned char)p[i] - '0' <= 9)
            m = m * 10 + (uint64_t)(p[i++] - '0');
        frac = i - f0;
    }
    bool ok = i == n && idigits && idigits + frac <= 18;
    if (ok && m <= ((uint64_t)1 << 53) && frac <= 22) {
        double d = (double)m / pow10_exact[frac];
        *out = p[0] == '-' ? -d : d;
        return 0;
    }
#endif
    char tmp[48];
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    char *e = NULL;
    double d = strtod(tmp, &e);
    if (e != tmp + n)
        return -1;
    *out = d;
    return 0;
}
