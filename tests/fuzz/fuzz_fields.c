/* fuzz_fields — the access-log field splitter, its vector scanner and the decimal parser
 * on arbitrary bytes, each against the plain code it replaced.
 * Properties: no crash/over-read (the input is copied to an exact-size buffer); the
 * splitter gives the same fields (same positions in the line, same unescaped text) and the
 * same error as the byte-at-a-time splitter, with and without brackets; ks_fields_scan2
 * finds the first match; ks_fields_decimal gives strtod's double bit for bit. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "parsers/fields.h"
#include "fields_ref.h"

static void same_split(const char *line, size_t n, unsigned flags, ks_fields *a, ks_fields *b)
{
    const char *wa = ks_fields_split(a, line, n, flags);
    const char *wb = ref_split(b, line, n, flags);
    if ((wa == NULL) != (wb == NULL) || (wa && strcmp(wa, wb)))
        abort();
    if (wa)
        return;
    if (a->n != b->n || a->scrn != b->scrn)
        abort();
    for (size_t k = 0; k < a->n; k++) {
        bool a_in = a->f[k].p >= line && a->f[k].p <= line + n;
        bool b_in = b->f[k].p >= line && b->f[k].p <= line + n;
        if (a->f[k].n != b->f[k].n || a_in != b_in || (a_in && a->f[k].p != b->f[k].p) ||
            memcmp(a->f[k].p, b->f[k].p, a->f[k].n))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ks_fields *a, *b;
    if (!a && (!(a = malloc(sizeof *a)) || !(b = malloc(sizeof *b))))
        abort();
    char *line = calloc(size ? size : 1, 1);
    if (!line)
        abort();
    if (size)
        memcpy(line, data, size);
    same_split(line, size, 0, a, b);
    same_split(line, size, KS_FIELDS_BRACKETS, a, b);

    /* the scanner, for the first two bytes as the pair, from every third offset */
    char c1 = size ? line[0] : '"', c2 = size > 1 ? line[1] : '\\';
    for (size_t from = 0; from <= size; from += 3) {
        size_t want = from;
        while (want < size && line[want] != c1 && line[want] != c2)
            want++;
        if (ks_fields_scan2(line, from, size, c1, c2) != want)
            abort();
    }

    /* the decimal parser on each blank-separated piece */
    for (size_t i = 0; i < size;) {
        size_t e = i;
        while (e < size && line[e] != ' ')
            e++;
        size_t n = e - i;
        double got = 1.5, want = 1.5;
        int rg = ks_fields_decimal(line + i, n, &got), rw = -1;
        if (n && n <= 47) {
            char tmp[48];
            memcpy(tmp, line + i, n);
            tmp[n] = '\0';
            char *end = NULL;
            double d = strtod(tmp, &end);
            if (end == tmp + n) {
                rw = 0;
                want = d;
            }
        }
        if (rg != rw || (rg == 0 && memcmp(&got, &want, sizeof got)))
            abort();
        i = e + 1;
    }
    free(line);
    return 0;
}
