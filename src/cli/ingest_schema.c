/* ingest_schema.c — `ingest --schema FILE`: table definitions for sources that lack column
 * names (binary logs). The CLI reads the files; parsers get their text as an option. */
#include <stdio.h>
#include <string.h>

#include "cli/ingest.h"
#include "db/rofile.h"

int ks_ingest_schema_opt(const ks_opts *o, ks_buf *text, const char **keys, const char **vals,
                         size_t max, size_t *n)
{
    const char *const *files = NULL;
    size_t nf = ks_opt_all(o, "schema", &files);
    if (!nf)
        return 0;
    if (*n >= max) {
        ks_cli_errorf("ingest: too many options");
        return KS_EXIT_USAGE;
    }
    for (size_t i = 0; i < nf; i++) {
        ks_rofile f;
        ks_err err;
        ks_err_clear(&err);
        if (ks_rofile_open(&f, files[i], &err) != 0) {
            ks_cli_error(&err);
            return KS_EXIT_USAGE;
        }
        char chunk[65536];
        uint64_t off = 0;
        int rc = 0;
        for (;;) {
            size_t got = 0;
            if (ks_rofile_read(&f, off, chunk, sizeof chunk, &got) != 0 || !got)
                break;
            /* a NUL would end the option string: schema text has none */
            for (size_t k = 0; k < got; k++)
                if (!chunk[k])
                    chunk[k] = ' ';
            if ((rc = ks_buf_append(text, chunk, got)) != 0)
                break;
            off += got;
        }
        ks_rofile_close(&f);
        if (rc) {
            ks_cli_errorf("ingest: --schema files larger than %zu MiB in all: %s",
                          KS_INGEST_SCHEMA_MAX >> 20, files[i]);
            return KS_EXIT_USAGE;
        }
        if (ks_buf_append(text, ";\n", 2) != 0) {
            ks_cli_errorf("ingest: --schema files too large");
            return KS_EXIT_USAGE;
        }
    }
    if (ks_buf_putc(text, '\0') != 0) {
        ks_cli_errorf("ingest: --schema files too large");
        return KS_EXIT_USAGE;
    }
    keys[*n] = "schema_sql";
    vals[*n] = text->data;
    (*n)++;
    return 0;
}
