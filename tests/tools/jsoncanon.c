/* jsoncanon — test tool: splits a file into records with ks_jsplit (wrap key "Records"),
 * parses each with ks_json_parse and prints it in a canonical form that a jq pipeline can
 * reproduce (tests/cli/json_vs_jq.sh):
 *   - object keys sorted bytewise, duplicate keys: last one wins (as jq);
 *   - numbers as doubles printed "%.17g" (jq 1.6 holds numbers as doubles; overflow
 *     saturates to +-DBL_MAX like jq);
 *   - strings escaped: '"' '\\' \b \f \n \r \t, other controls and DEL as \u00xx,
 *     everything else as UTF-8.
 * Usage: jsoncanon [-r READSIZE] [-o] FILE
 *   -r N  feed the splitter N bytes per read (exercises refills)
 *   -o    print "index offset line length" per record instead of the canonical text
 * Exit 0 when every record was valid, 1 when some record was malformed (details on
 * stderr), 2 on usage or I/O errors.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/json.h"

typedef struct slow_input {
    ks_mem_input m;
    size_t step;
} slow_input;

static int slow_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    (void)err;
    slow_input *s = ctx;
    size_t left = s->m.len - s->m.pos;
    size_t n = len < left ? len : left;
    if (n > s->step)
        n = s->step;
    memcpy(buf, s->m.p + s->m.pos, n);
    s->m.pos += n;
    *out_n = n;
    return 0;
}

static void put_str(FILE *f, ks_str s)
{
    fputc('"', f);
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

static const ks_json_doc *g_doc;

static int key_cmp(const void *a, const void *b)
{
    ks_jv x = *(const ks_jv *)a, y = *(const ks_jv *)b;
    ks_str sx = ks_json_str(g_doc, x), sy = ks_json_str(g_doc, y);
    size_t n = sx.n < sy.n ? sx.n : sy.n;
    int c = n ? memcmp(sx.p, sy.p, n) : 0;
    if (c)
        return c;
    if (sx.n != sy.n)
        return sx.n < sy.n ? -1 : 1;
    return x < y ? -1 : x > y; /* stable: document order */
}

static void put_value(FILE *f, const ks_json_doc *d, ks_jv v)
{
    switch (ks_json_type_of(d, v)) {
    case KS_JSON_NULL: fputs("null", f); break;
    case KS_JSON_TRUE: fputs("true", f); break;
    case KS_JSON_FALSE: fputs("false", f); break;
    case KS_JSON_NUMBER: {
        double x;
        if (ks_json_double(d, v, &x) != 0) {
            ks_str r = ks_json_raw(d, v);
            x = r.n && r.p[0] == '-' ? -DBL_MAX : DBL_MAX;
        }
        fprintf(f, "%.17g", x);
        break;
    }
    case KS_JSON_STRING: put_str(f, ks_json_str(d, v)); break;
    case KS_JSON_ARRAY: {
        fputc('[', f);
        int first = 1;
        for (ks_jv c = ks_json_first(d, v); c != KS_JV_NONE; c = ks_json_next(d, c)) {
            if (!first)
                fputc(',', f);
            first = 0;
            put_value(f, d, c);
        }
        fputc(']', f);
        break;
    }
    case KS_JSON_OBJECT: {
        size_t n = ks_json_count(d, v), i = 0;
        ks_jv *keys = malloc((n ? n : 1) * sizeof *keys);
        if (!keys)
            exit(2);
        for (ks_jv c = ks_json_first(d, v); c != KS_JV_NONE && i < n; c = ks_json_next(d, c))
            keys[i++] = c;
        g_doc = d;
        qsort(keys, i, sizeof *keys, key_cmp);
        fputc('{', f);
        int first = 1;
        for (size_t k = 0; k < i; k++) {
            if (k + 1 < i) { /* duplicates: only the last (in document order) is kept */
                ks_str a = ks_json_str(d, keys[k]), b = ks_json_str(d, keys[k + 1]);
                if (a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0))
                    continue;
            }
            if (!first)
                fputc(',', f);
            first = 0;
            put_str(f, ks_json_str(d, keys[k]));
            fputc(':', f);
            put_value(f, d, ks_json_member_value(d, keys[k]));
        }
        fputc('}', f);
        free(keys);
        break;
    }
    default: fputs("?", f);
    }
}

/* Splits and canonicalises one file's bytes, feeding `step` bytes per read (0 = all).
 * Canonical records go to `out`; with `offsets`, "index offset line length" lines instead.
 * Malformed stretches add "BAD offset line length" lines to `bad` and details to `log`.
 * Returns 0 (all valid), 1 (something malformed) or 2 (fatal). */
static size_t g_max_record;

static int run(const char *path, const ks_buf *data, size_t step, int offsets, FILE *out, FILE *bad,
               FILE *log)
{
    slow_input si;
    ks_input in;
    ks_input_mem(&in, &si.m, data->data, data->len, path);
    if (step) {
        si.step = step;
        in.read = slow_read;
        in.ctx = &si;
    }
    static const char *const wrap[] = {"Records", NULL};
    ks_jsplit_opts o = {wrap, g_max_record};
    ks_jsplit *sp = NULL;
    ks_json_doc *doc = NULL;
    if (ks_jsplit_new(&sp, &in, &o) || ks_json_doc_new(&doc, NULL))
        return 2;
    int status = 0;
    ks_err err;
    ks_err_clear(&err);
    char msg[2048];
    for (;;) {
        ks_jrecord r;
        int rc = ks_jsplit_next(sp, &r, &err);
        if (rc == KS_EOF)
            break;
        if (rc == KS_ECORRUPT) {
            ks_err_format(&err, msg, sizeof msg);
            if (log)
                fprintf(log, "split: %s (stretch at %lld, %zu bytes)\n", msg, (long long)r.offset, r.n);
            fprintf(bad, "BAD %lld %lld %zu %lld\n", (long long)r.offset, (long long)r.lineno, r.n,
                    (long long)err.offset);
            status = 1;
            continue;
        }
        if (rc) {
            ks_err_format(&err, msg, sizeof msg);
            if (log)
                fprintf(log, "input: %s\n", msg);
            status = 2;
            break;
        }
        if (offsets) {
            fprintf(out, "%lld %lld %lld %zu\n", (long long)r.index, (long long)r.offset,
                    (long long)r.lineno, r.n);
            continue;
        }
        rc = ks_json_parse(doc, r.p, r.n, &err);
        if (rc) {
            ks_err_format(&err, msg, sizeof msg);
            if (log)
                fprintf(log, "parse: record %lld at offset %lld: %s\n", (long long)r.index,
                        (long long)r.offset, msg);
            fprintf(bad, "BADPARSE %lld %lld\n", (long long)r.offset, (long long)err.offset);
            status = 1;
            continue;
        }
        put_value(out, doc, ks_json_root(doc));
        fputc('\n', out);
    }
    ks_jsplit_free(sp);
    ks_json_doc_free(doc);
    return status;
}

static int load(const char *path, ks_buf *data)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (ks_buf_append(data, chunk, n)) {
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

/* Output of one run as a string (canonical text + BAD lines), for comparing read sizes. */
static char *run_capture(const char *path, const ks_buf *data, size_t step, int offsets, int *status)
{
    char *p = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&p, &n);
    if (!m)
        exit(2);
    *status = run(path, data, step, offsets, m, m, NULL);
    fclose(m);
    return p;
}

int main(int argc, char **argv)
{
    size_t step = 0;
    int offsets = 0, multi = 0;
    int first_file = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc) {
            step = (size_t)strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "-m") && i + 1 < argc) {
            g_max_record = (size_t)strtoul(argv[++i], NULL, 10); /* splitter max_record */
        } else if (!strcmp(argv[i], "-o")) {
            offsets = 1;
        } else if (!strcmp(argv[i], "-R")) {
            multi = 1;
        } else {
            first_file = i;
            break;
        }
    }
    if (!first_file) {
        fprintf(stderr, "usage: jsoncanon [-r N] [-m MAXREC] [-o] FILE\n"
                        "       jsoncanon -R FILE...   (batch: '#END rc path' after each file;\n"
                        "                               also checks read sizes 1 and 7 agree)\n");
        return 2;
    }
    if (!multi) {
        ks_buf data;
        ks_buf_init(&data, 0);
        if (load(argv[first_file], &data)) {
            perror(argv[first_file]);
            return 2;
        }
        int st = run(argv[first_file], &data, step, offsets, stdout, offsets ? stdout : stderr, stderr);
        ks_buf_free(&data);
        return st;
    }
    for (int i = first_file; i < argc; i++) {
        ks_buf data;
        ks_buf_init(&data, 0);
        int st;
        if (load(argv[i], &data)) {
            st = 2;
        } else {
            int s1, s7, so, so1;
            FILE *bad = tmpfile();
            st = run(argv[i], &data, 0, 0, stdout, bad ? bad : stderr, stderr);
            if (bad)
                fclose(bad);
            /* Read-size independence: 1- and 7-byte reads give the same records, errors
             * and offsets as one big read. */
            char *a = run_capture(argv[i], &data, 0, 0, &so);
            char *b = run_capture(argv[i], &data, 1, 0, &s1);
            char *c = run_capture(argv[i], &data, 7, 0, &s7);
            char *d = run_capture(argv[i], &data, 0, 1, &so);
            char *e = run_capture(argv[i], &data, 3, 1, &so1);
            if (strcmp(a, b) || strcmp(a, c) || strcmp(d, e) || so != so1) {
                fprintf(stderr, "%s: results depend on the read size\n", argv[i]);
                st = 3;
            }
            free(a);
            free(b);
            free(c);
            free(d);
            free(e);
        }
        printf("#END %d %s\n", st, argv[i]);
        fflush(stdout);
        ks_buf_free(&data);
    }
    return 0;
}
