/* fuzz_table — the output writer on arbitrary cells in every format.
 * The writer lives in src/cli/, which the fuzz library does not include, so this harness
 * compiles it in directly (one binary per harness: no duplicate symbols).
 * Input: byte 0 picks the format and options, byte 1 the column count (1..6), the next
 * ncols bytes the column types; the rest is split at '\n' into cells (row-major).
 * Properties: no crash or leak; table output holds no control byte but '\n'; CSV none but
 * '\n'/'\r'; JSON/JSONL output is valid UTF-8 without raw control bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    ks_out_format fmt = (ks_out_format)(data[0] % 4);
    ks_out_opts opts = {(data[0] >> 2) & 1, (size_t)((data[0] >> 3) & 7) * 3, (data[0] >> 6) & 1};
    int ncols = 1 + data[1] % 6;
    if (size < 2 + (size_t)ncols)
        return 0;
    char types[6];
    static const char tl[] = "irtbn";
    for (int c = 0; c < ncols; c++)
        types[c] = tl[data[2 + c] % 5];
    const char *p = (const char *)data + 2 + ncols, *end = (const char *)data + size;

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return 0;
    ks_out *o = NULL;
    const char *names[6] = {"a", "名前", "c\x1b", "d", "e", "f"};
    if (ks_out_new(&o, f, fmt, &opts) != 0 || ks_out_begin(o, ncols, names) != 0)
        abort();
    const char *vals[6];
    size_t lens[6];
    while (p < end) {
        for (int c = 0; c < ncols; c++) {
            const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
            const char *e = nl ? nl : end;
            vals[c] = types[c] == 'n' ? NULL : p;
            lens[c] = (size_t)(e - p);
            p = nl ? nl + 1 : end;
        }
        if (ks_out_row(o, vals, lens, types) != 0)
            abort();
    }
    if (ks_out_end(o) != 0)
        abort();
    ks_out_free(o);
    fclose(f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        bool ok = c >= 0x20 && c != 0x7f;
        if (c == '\n')
            ok = true;
        if (c == '\r' && fmt == KS_OUT_CSV)
            ok = true;
        if (!ok)
            abort();
    }
    if (fmt != KS_OUT_CSV && ks_utf8_invalid_count(text, len) != 0)
        abort();
    free(text);
    return 0;
}
