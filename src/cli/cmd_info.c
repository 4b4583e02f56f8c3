/* cmd_info.c — `kanshiki info CASE`: what the case holds and what could not be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/table.h"
#include "core/buf.h"
#include "core/escape.h"
#include "parsers/parser.h"
#include "store/store.h"

static const ks_opt_spec opts[] = {
    {"format", 'f', "FMT", "table (default) or json", false},
    {"no-evidence", 0, NULL, "omit the evidence list", false},
};

static const char *SOURCES_SQL =
    "SELECT COALESCE(source, '(' || status || ')') AS source,"
    " SUM(status IN ('parsed','partial')) AS files, SUM(records) AS records,"
    " SUM(errors) AS errors, SUM(status NOT IN ('parsed','partial')) AS skipped,"
    " MIN(first_time) AS first_time, MAX(last_time) AS last_time"
    " FROM evidence GROUP BY 1 ORDER BY 1";
static const char *EVIDENCE_SQL =
    "SELECT path, sha256, size, compression, source, status, records, errors, note"
    " FROM evidence ORDER BY id";

/* Rows collected as text, so the sources table can get its `table` column added. */
typedef struct rows {
    int ncols;
    const char *names[16];
    char *names_own[16];
    char **cells; /* nrows * ncols, NULL for SQL NULL */
    char *types;
    size_t nrows, cap;
} rows;

static int collect(void *ctx, int ncols, const char *const *names, const char *const *vals,
                   const size_t *lens, const char *types)
{
    rows *r = ctx;
    if (ncols > 16)
        return 1;
    if (!vals) {
        r->ncols = ncols;
        for (int i = 0; i < ncols; i++) {
            r->names_own[i] = strdup(names[i]);
            r->names[i] = r->names_own[i];
        }
        return 0;
    }
    if (r->nrows == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        char **c = realloc(r->cells, cap * (size_t)ncols * sizeof *c);
        char *t = realloc(r->types, cap * (size_t)ncols);
        if (!c || !t) {
            free(c ? c : r->cells);
            free(t ? t : r->types);
            r->cells = NULL;
            r->types = NULL;
            return 1;
        }
        r->cells = c;
        r->types = t;
        r->cap = cap;
    }
    for (int i = 0; i < ncols; i++) {
        size_t k = r->nrows * (size_t)ncols + (size_t)i;
        r->cells[k] = vals[i] ? strndup(vals[i], lens[i]) : NULL;
        r->types[k] = types[i];
    }
    r->nrows++;
    return 0;
}

static void rows_free(rows *r)
{
    for (size_t i = 0; i < r->nrows * (size_t)r->ncols; i++)
        free(r->cells[i]);
    for (int i = 0; i < r->ncols; i++)
        free(r->names_own[i]);
    free(r->cells);
    free(r->types);
}

static const char *table_of(const char *source)
{
    const ks_parser *p = source ? ks_parser_find(source) : NULL;
    return p && p->tables && p->tables[0] ? p->tables[0]->name : NULL;
}

/* Sources with the per-source table name inserted as the second column. */
static int print_sources_table(const rows *r, bool json, ks_buf *jb)
{
    if (json) {
        ks_buf_puts(jb, "\"sources\":[");
        for (size_t i = 0; i < r->nrows; i++) {
            char **c = &r->cells[i * (size_t)r->ncols];
            const char *tbl = table_of(c[0]);
            ks_buf_puts(jb, i ? ",{" : "{");
            ks_buf_puts(jb, "\"type\":");
            ks_escape_json(jb, c[0], strlen(c[0]));
            ks_buf_puts(jb, ",\"table\":");
            if (tbl)
                ks_escape_json(jb, tbl, strlen(tbl));
            else
                ks_buf_puts(jb, "null");
            ks_buf_printf(jb, ",\"files\":%s,\"records\":%s,\"errors\":%s,\"skipped\":%s",
                          c[1] ? c[1] : "0", c[2] ? c[2] : "0", c[3] ? c[3] : "0",
                          c[4] ? c[4] : "0");
            ks_buf_puts(jb, ",\"first_time\":");
            if (c[5]) ks_escape_json(jb, c[5], strlen(c[5])); else ks_buf_puts(jb, "null");
            ks_buf_puts(jb, ",\"last_time\":");
            if (c[6]) ks_escape_json(jb, c[6], strlen(c[6])); else ks_buf_puts(jb, "null");
            ks_buf_puts(jb, "}");
        }
        ks_buf_puts(jb, "]");
        return 0;
    }
    ks_out *o = NULL;
    ks_out_opts oo = {true, 0, false};
    if (ks_out_new(&o, stdout, KS_OUT_TABLE, &oo))
        return KS_ENOMEM;
    static const char *const names[] = {"source", "table", "files", "records", "errors",
                                        "skipped", "first_time", "last_time"};
    ks_out_begin(o, 8, names);
    for (size_t i = 0; i < r->nrows; i++) {
        char **c = &r->cells[i * (size_t)r->ncols];
        const char *tbl = table_of(c[0]);
        const char *v[8] = {c[0], tbl, c[1], c[2], c[3], c[4], c[5], c[6]};
        size_t l[8];
        char t[8] = {'t', tbl ? 't' : 'n', 'i', 'i', 'i', 'i', c[5] ? 't' : 'n', c[6] ? 't' : 'n'};
        for (int k = 0; k < 8; k++)
            l[k] = v[k] ? strlen(v[k]) : 0;
        ks_out_row(o, v, l, t);
    }
    ks_out_end(o);
    ks_out_free(o);
    return 0;
}

static int print_rows(const rows *r, bool json, const char *key, ks_buf *jb)
{
    if (json) {
        ks_buf_printf(jb, "\"%s\":[", key);
        for (size_t i = 0; i < r->nrows; i++) {
            ks_buf_puts(jb, i ? ",{" : "{");
            for (int k = 0; k < r->ncols; k++) {
                const char *v = r->cells[i * (size_t)r->ncols + (size_t)k];
                char t = r->types[i * (size_t)r->ncols + (size_t)k];
                ks_buf_printf(jb, "%s\"%s\":", k ? "," : "", r->names[k]);
                if (!v)
                    ks_buf_puts(jb, "null");
                else if (t == 'i' || t == 'r')
                    ks_buf_puts(jb, v);
                else
                    ks_escape_json(jb, v, strlen(v));
            }
            ks_buf_puts(jb, "}");
        }
        ks_buf_puts(jb, "]");
        return 0;
    }
    ks_out *o = NULL;
    ks_out_opts oo = {true, 0, false};
    if (ks_out_new(&o, stdout, KS_OUT_TABLE, &oo))
        return KS_ENOMEM;
    ks_out_begin(o, r->ncols, r->names);
    for (size_t i = 0; i < r->nrows; i++) {
        const char *v[16];
        size_t l[16];
        for (int k = 0; k < r->ncols; k++) {
            v[k] = r->cells[i * (size_t)r->ncols + (size_t)k];
            l[k] = v[k] ? strlen(v[k]) : 0;
        }
        ks_out_row(o, v, l, &r->types[i * (size_t)r->ncols]);
    }
    ks_out_end(o);
    ks_out_free(o);
    return 0;
}

static int run(int argc, char **argv)
{
    ks_opts o;
    int rc = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "info");
    if (rc)
        return rc < 0 ? KS_EXIT_OK : rc;
    if (o.npos != 1) {
        ks_cli_errorf("info: usage: kanshiki info CASE [--format json]");
        return KS_EXIT_USAGE;
    }
    const char *fmt = ks_opt_str(&o, "format");
    bool json = fmt && !strcmp(fmt, "json");
    if (fmt && !json && strcmp(fmt, "table")) {
        ks_cli_errorf("info: unknown --format '%s' (table, json)", fmt);
        return KS_EXIT_USAGE;
    }
    ks_err err;
    ks_err_clear(&err);
    ks_store *st = NULL;
    rows src = {0}, ev = {0};
    ks_buf jb;
    ks_buf_init(&jb, 0);
    int code = KS_EXIT_OK;
    char *ver = NULL, *created = NULL;
    if ((rc = ks_store_open(&st, o.pos[0], KS_STORE_READ, &err)) ||
        (rc = ks_store_query(st, SOURCES_SQL, NULL, 0, collect, &src, &err)) ||
        (!ks_opt_flag(&o, "no-evidence") &&
         (rc = ks_store_query(st, EVIDENCE_SQL, NULL, 0, collect, &ev, &err)))) {
        ks_cli_error(&err);
        code = ks_cli_exit_for(rc);
        goto done;
    }
    ks_store_meta_get(st, "schema_version", &ver, NULL);
    ks_store_meta_get(st, "created_at", &created, NULL);
    if (json) {
        ks_buf_puts(&jb, "{\"case\":{\"path\":");
        ks_escape_json(&jb, o.pos[0], strlen(o.pos[0]));
        ks_buf_printf(&jb, ",\"schema_version\":%s,\"created_at\":", ver ? ver : "null");
        if (created)
            ks_escape_json(&jb, created, strlen(created));
        else
            ks_buf_puts(&jb, "null");
        ks_buf_puts(&jb, "},");
        print_sources_table(&src, true, &jb);
        if (!ks_opt_flag(&o, "no-evidence")) {
            ks_buf_puts(&jb, ",");
            print_rows(&ev, true, "evidence", &jb);
        }
        ks_buf_puts(&jb, "}\n");
        fwrite(jb.data, 1, jb.len, stdout);
    } else {
        ks_buf esc;
        ks_buf_init(&esc, 0);
        ks_escape_term(&esc, o.pos[0], strlen(o.pos[0]));
        printf("case: %s (schema %s, created %s)\n\nsources:\n", esc.data ? esc.data : "",
               ver ? ver : "?", created ? created : "?");
        ks_buf_free(&esc);
        print_sources_table(&src, false, NULL);
        if (!ks_opt_flag(&o, "no-evidence")) {
            printf("\nevidence:\n");
            print_rows(&ev, false, NULL, NULL);
        }
    }
done:
    free(ver);
    free(created);
    rows_free(&src);
    rows_free(&ev);
    ks_buf_free(&jb);
    ks_store_close(st);
    return code;
}

const ks_cmd ks_cmd_info = {
    "info",
    run,
    "show what a case holds: sources, counts, errors, evidence and hashes",
    "CASE [--format json]",
    "Prints, for each source type: its name, its table, files, records, records that failed\n"
    "to parse, files skipped, and the time range; then every evidence file with its SHA-256,\n"
    "size, compression, source type, status and counts (skipped files say why).",
    opts,
    sizeof opts / sizeof opts[0],
};
