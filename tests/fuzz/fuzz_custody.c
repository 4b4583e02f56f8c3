/* fuzz_custody — custody log verification on arbitrary files, and the JSON span scanner.
 * Properties: never crashes; a log that verifies has exactly one entry per line; appending
 * to a log that verified keeps it verifying with one more entry; quoting any bytes gives
 * JSON that the scanner accepts as one value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acquire/aj.h"
#include "acquire/custody.h"

static char dir[64], file[96];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz_custody_%d", (int)getpid());
        mkdir(dir, 0700);
        snprintf(file, sizeof file, "%s/custody.jsonl", dir);
    }
    FILE *f = fopen(file, "wb");
    if (!f || fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    ks_err e;
    ks_custody_report rep;
    if (ks_custody_verify(dir, NULL, NULL, NULL, &rep, &e) == 0) {
        size_t lines = 0;
        for (size_t i = 0; i < size; i++)
            lines += data[i] == '\n';
        if (rep.entries != lines)
            abort();
        ks_custody_entry ce;
        memset(&ce, 0, sizeof ce);
        ce.action = "note";
        ce.item = "fuzz";
        ce.examiner = "f";
        ce.host = "h";
        if (ks_custody_append(dir, &ce, NULL, &e) != 0)
            abort();
        ks_custody_report rep2;
        if (ks_custody_verify(dir, NULL, NULL, NULL, &rep2, &e) != 0 || rep2.entries != lines + 1)
            abort();
    }
    ks_buf b;
    ks_buf_init(&b, 0);
    if (ks_aj_quote(&b, (const char *)data, size) == 0) {
        size_t pos = 0;
        if (ks_aj_skip(b.data, b.len, &pos) != 0 || pos != b.len)
            abort();
    }
    ks_buf_free(&b);
    size_t pos = 0;
    (void)ks_aj_skip((const char *)data, size, &pos);
    if (pos > size)
        abort();
    return 0;
}
