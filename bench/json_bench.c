/* json_bench — throughput of kanshiki's JSON reader against jansson (Debian's libjansson)
 * on the same records. Built and run by bench/json.sh.
 *
 * usage: json_bench FILE   (JSON Lines or a Records wrapper)
 * Passes, each the best of 3 runs:
 *   split : ks_jsplit over the whole file in memory (record boundaries only)
 *   parse : ks_json_parse of every record + one member lookup ("eventName")
 *   jansson: json_loadb of every record + json_object_get("eventName") + json_decref
 * Prints MB/s (1 MB = 10^6 bytes of record text) and the parse/jansson ratio.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/io.h"
#include "core/json.h"

typedef struct span {
    size_t off, n;
} span;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: fair on a shared machine */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: json_bench FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (sz <= 0)
        return 2;
    char *data = malloc((size_t)sz);
    if (!data || fread(data, 1, (size_t)sz, f) != (size_t)sz)
        return 2;
    fclose(f);

    static const char *const wrap[] = {"Records", NULL};
    size_t cap = 1 << 20, nrec = 0;
    span *recs = malloc(cap * sizeof *recs);
    double best_split = 1e9;
    size_t rec_bytes = 0;
    for (int rep = 0; rep < 3; rep++) {
        ks_mem_input m;
        ks_input in;
        ks_input_mem(&in, &m, data, (size_t)sz, argv[1]);
        ks_jsplit_opts o = {wrap, 0};
        ks_jsplit *s = NULL;
        if (ks_jsplit_new(&s, &in, &o))
            return 2;
        ks_jrecord r;
        ks_err e;
        nrec = 0;
        rec_bytes = 0;
        double t0 = now();
        int rc;
        while ((rc = ks_jsplit_next(s, &r, &e)) == 0) {
            if (nrec == cap) {
                cap *= 2;
                recs = realloc(recs, cap * sizeof *recs);
                if (!recs)
                    return 2;
            }
            recs[nrec].off = (size_t)r.offset;
            recs[nrec].n = r.n;
            rec_bytes += r.n;
            nrec++;
        }
        double t = now() - t0;
        if (rc != KS_EOF) {
            fprintf(stderr, "split failed: %s\n", e.msg);
            return 1;
        }
        if (t < best_split)
            best_split = t;
        ks_jsplit_free(s);
    }

    ks_json_doc *doc = NULL;
    if (ks_json_doc_new(&doc, NULL))
        return 2;
    double best_ks = 1e9;
    size_t found = 0;
    for (int rep = 0; rep < 3; rep++) {
        ks_err e;
        found = 0;
        double t0 = now();
        for (size_t i = 0; i < nrec; i++) {
            if (ks_json_parse(doc, data + recs[i].off, recs[i].n, &e)) {
                fprintf(stderr, "parse failed at record %zu: %s\n", i, e.msg);
                return 1;
            }
            found += ks_json_get_str(doc, ks_json_root(doc), "eventName").n != 0;
        }
        double t = now() - t0;
        if (t < best_ks)
            best_ks = t;
    }
    ks_json_doc_free(doc);

    double best_jn = 1e9;
    size_t found_jn = 0;
    for (int rep = 0; rep < 3; rep++) {
        found_jn = 0;
        double t0 = now();
        for (size_t i = 0; i < nrec; i++) {
            json_error_t je;
            json_t *root = json_loadb(data + recs[i].off, recs[i].n, 0, &je);
            if (!root) {
                fprintf(stderr, "jansson failed at record %zu: %s\n", i, je.text);
                return 1;
            }
            found_jn += json_is_string(json_object_get(root, "eventName"));
            json_decref(root);
        }
        double t = now() - t0;
        if (t < best_jn)
            best_jn = t;
    }
    if (found != found_jn)
        fprintf(stderr, "warning: eventName found %zu (ks) vs %zu (jansson)\n", found, found_jn);

    double mb = (double)rec_bytes / 1e6, fmb = (double)sz / 1e6;
    printf("records: %zu (%.1f MB of record text, file %.1f MB)\n", nrec, mb, fmb);
    printf("ks_jsplit          : %8.1f MB/s\n", fmb / best_split);
    printf("ks_json_parse      : %8.1f MB/s\n", mb / best_ks);
    printf("jansson json_loadb : %8.1f MB/s\n", mb / best_jn);
    printf("split+parse        : %8.1f MB/s\n", fmb / (best_split + best_ks));
    printf("ratio parse/jansson: %8.2fx\n", best_jn / best_ks);
    free(recs);
    free(data);
    return 0;
}
