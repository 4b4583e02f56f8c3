/* fields_ref.h — the access-log field splitter as it was before the vector scan, one byte
 * at a time: the reference that tests/unit/test_fields.c and fuzz_fields compare
 * ks_fields_split against. Test code only. */
#ifndef KS_TESTS_FIELDS_REF_H
#define KS_TESTS_FIELDS_REF_H

#include <stdbool.h>
#include <string.h>

#include "core/url.h"
#include "parsers/fields.h"

static inline const char *ref_split(ks_fields *out, const char *p, size_t n, unsigned flags)
{
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
            char close = bracket ? ']' : '"';
            size_t j = i + 1;
            while (j < n && p[j] != close)
                j += (!bracket && p[j] == '\\' && j + 1 < n) ? 2 : 1;
            if (j >= n)
                return bracket ? "unterminated [time]" : "unterminated quoted field";
            s = (ks_str){p + i + 1, j - i - 1};
            if (!bracket && memchr(s.p, '\\', s.n) && ks_fits(out->scrn, s.n, sizeof out->scr)) {
                char *o = out->scr + out->scrn;
                size_t m = ks_log_unescape(o, s.p, s.n);
                out->scrn += m;
                s = (ks_str){o, m};
            }
            i = j + 1;
        } else {
            size_t b = i;
            while (i < n && p[i] != ' ')
                i++;
            s = (ks_str){p + b, i - b};
        }
        if (out->n == KS_FIELDS_MAX)
            return "more than 64 fields";
        out->f[out->n++] = s;
    }
    return NULL;
}

#endif
