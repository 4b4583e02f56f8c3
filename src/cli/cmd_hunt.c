/* cmd_hunt.c — `kanshiki hunt CASE [--rules DIR]...`: Sigma rules over a case.
 *
 * Matches go to stdout through the table writer (table, csv, json, jsonl); the summary per
 * rule set (files, rules loaded, load failures, applicable, not applicable grouped by
 * reason, matched) follows the table on stdout, or goes to stderr with a machine format so
 * that stdout stays parseable. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/sigma/sigma.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "core/buf.h"
#include "core/escape.h"
#include "store/store.h"

static const ks_opt_spec opts[] = {
    {"rules", 'r', "DIR", "a directory (or file) of Sigma rules; default: kanshiki's rules/", true},
    {"format", 'f', "FMT", "table (default), csv, json or jsonl", false},
    {"no-header", 0, NULL, "omit the header line (table, csv)", false},
    {"wide", 'w', NULL, "do not cut long cells in table output", false},
    {"verbose", 'v', NULL, "list every rule that is not applicable or failed to load", false},
};

#define NCOLS 9
static const char *const colnames[NCOLS] = {"rule", "level", "time", "event", "location",
                                            "message", "group", "rule_id", "tags"};

typedef struct reason {
    char *cls, *why;
    size_t n;
} reason;

typedef struct hctx {
    ks_out *out;
    int rc;
    size_t applicable, na, matched;
    int64_t hits;
    reason *reasons;
    size_t nreasons;
    char **fired;  /* "title (level): N" lines */
    size_t nfired;
    bool verbose;
    FILE *sum;
    char **na_lines;
    size_t nna_lines;
} hctx;

static void put_esc(FILE *f, const char *s)
{
    ks_buf b;
    ks_buf_init(&b, 1 << 16);
    if (s && ks_escape_term(&b, s, strlen(s)) == 0 && b.data)
        fputs(b.data, f);
    ks_buf_free(&b);
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

static int add_reason(hctx *h, const char *cls, const char *why)
{
    for (size_t i = 0; i < h->nreasons; i++)
        if (!strcmp(h->reasons[i].cls, cls) && !strcmp(h->reasons[i].why, why)) {
            h->reasons[i].n++;
            return 0;
        }
    reason *nr = realloc(h->reasons, (h->nreasons + 1) * sizeof *nr);
    if (!nr)
        return KS_ENOMEM;
    h->reasons = nr;
    reason *r = &h->reasons[h->nreasons];
    r->cls = strdup(cls);
    r->why = strdup(why);
    r->n = 1;
    if (!r->cls || !r->why) {
        free(r->cls);
        free(r->why);
        return KS_ENOMEM;
    }
    h->nreasons++;
    return 0;
}

static int push(char ***list, size_t *n, char *s)
{
    if (!s)
        return KS_ENOMEM;
    char **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl) {
        free(s);
        return KS_ENOMEM;
    }
    *list = nl;
    (*list)[(*n)++] = s;
    return 0;
}

static int on_result(void *ctx, const ks_sigma_result *r)
{
    hctx *h = ctx;
    const ks_sigma_info *ri = r->rule;
    if (r->kind == KS_SIGMA_NOT_APPLICABLE) {
        h->na++;
        if (add_reason(h, r->reason_class, r->reason)) {
            h->rc = KS_ENOMEM;
            return 1;
        }
        if (h->verbose) {
            char *a = join(ri->file, ": ", ri->title);
            char *l = a ? join(a, " -- ", r->reason) : NULL;
            free(a);
            if (push(&h->na_lines, &h->nna_lines, l)) {
                h->rc = KS_ENOMEM;
                return 1;
            }
        }
        return 0;
    }
    if (r->kind == KS_SIGMA_DONE) {
        h->applicable++;
        if (r->nmatches > 0) {
            char num[32];
            h->matched++;
            snprintf(num, sizeof num, "): %lld", (long long)r->nmatches);
            char *a = join(ri->title, " (", ri->level ? ri->level : "-");
            if (push(&h->fired, &h->nfired, a ? join(a, num, "") : NULL)) {
                free(a);
                h->rc = KS_ENOMEM;
                return 1;
            }
            free(a);
        }
        return 0;
    }
    ks_buf tags; /* ATT&CK and other tags, comma-separated */
    ks_buf_init(&tags, 1 << 16);
    for (size_t i = 0; i < ri->ntags; i++)
        if (ks_buf_printf(&tags, "%s%s", i ? "," : "", ri->tags[i])) {
            ks_buf_free(&tags);
            h->rc = KS_ENOMEM;
            return 1;
        }
    for (size_t i = 0; i < r->nevents; i++) {
        const ks_sigma_event *e = &r->events[i];
        char id[32], loc[PATH_MAX + 64];
        snprintf(id, sizeof id, "%lld", (long long)e->id);
        if (e->line >= 0)
            snprintf(loc, sizeof loc, "%s:%lld", e->file, (long long)e->line);
        else
            snprintf(loc, sizeof loc, "%s", e->file);
        const char *vals[NCOLS] = {ri->title, ri->level ? ri->level : "", e->time, id, loc,
                                   e->message, r->group ? r->group : "", ri->id ? ri->id : "",
                                   tags.data ? tags.data : ""};
        h->hits++;
        if ((h->rc = ks_out_row(h->out, vals, NULL, NULL)))
            break;
    }
    ks_buf_free(&tags);
    return h->rc != 0;
}

/* The rules/ directory shipped with kanshiki: $KS_RULES, else next to the program
 * (build/kanshiki -> rules/, build/asan/kanshiki -> rules/, PREFIX/bin -> share/kanshiki). */
int ks_cli_default_rules(char *out, size_t outsz)
{
    const char *env = getenv("KS_RULES");
    struct stat sb;
    if (env && *env) {
        snprintf(out, outsz, "%s", env);
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = 0;
    static const char *const rel[] = {"/../rules", "/../../rules", "/../share/kanshiki/rules"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(out, outsz, "%s%s", exe, rel[i]);
        if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode))
            return 0;
    }
    return -1;
}

static void free_hctx(hctx *h)
{
    for (size_t i = 0; i < h->nreasons; i++) {
        free(h->reasons[i].cls);
        free(h->reasons[i].why);
    }
    free(h->reasons);
    for (size_t i = 0; i < h->nfired; i++)
        free(h->fired[i]);
    free(h->fired);
    for (size_t i = 0; i < h->nna_lines; i++)
        free(h->na_lines[i]);
    free(h->na_lines);
    h->reasons = NULL;
    h->fired = h->na_lines = NULL;
    h->nreasons = h->nfired = h->nna_lines = 0;
}

static void summary(const hctx *h, const ks_sigma_ruleset *rs, const char *dir, FILE *f,
                    bool verbose)
{
    fputs("\nrule set ", f);
    put_esc(f, dir);
    fprintf(f, ": %zu files, %zu rules loaded, %zu files failed to load; %zu applicable, "
               "%zu not applicable; %zu matched (%lld hits)\n",
            ks_sigma_ruleset_files(rs), ks_sigma_ruleset_count(rs), ks_sigma_ruleset_failures(rs),
            h->applicable, h->na, h->matched, (long long)h->hits);
    size_t nf = ks_sigma_ruleset_failures(rs);
    for (size_t i = 0; i < nf && (verbose || i < 20); i++) {
        const char *file, *why;
        ks_sigma_ruleset_failure(rs, i, &file, &why);
        fputs("  load failed: ", f);
        put_esc(f, file);
        fputs(": ", f);
        put_esc(f, why);
        fputc('\n', f);
    }
    if (nf > 20 && !verbose)
        fprintf(f, "  ... %zu more load failures (--verbose lists them)\n", nf - 20);
    /* not applicable, grouped by class, then the distinct reasons (most frequent first) */
    bool *done = calloc(h->nreasons + 1, 1);
    for (size_t i = 0; done && i < h->nreasons; i++) {
        if (done[i])
            continue;
        size_t total = 0;
        for (size_t k = i; k < h->nreasons; k++)
            if (!strcmp(h->reasons[k].cls, h->reasons[i].cls))
                total += h->reasons[k].n;
        fputs("  not applicable: ", f);
        put_esc(f, h->reasons[i].cls);
        fprintf(f, ": %zu rules\n", total);
        size_t shown = 0;
        for (;;) {
            size_t best = SIZE_MAX;
            for (size_t k = i; k < h->nreasons; k++)
                if (!done[k] && !strcmp(h->reasons[k].cls, h->reasons[i].cls) &&
                    (best == SIZE_MAX || h->reasons[k].n > h->reasons[best].n))
                    best = k;
            if (best == SIZE_MAX)
                break;
            done[best] = true;
            if (shown++ < 8 || verbose) {
                fprintf(f, "    %4zu  ", h->reasons[best].n);
                put_esc(f, h->reasons[best].why);
                fputc('\n', f);
            } else if (shown == 9) {
                fputs("    ...   (--verbose lists every reason)\n", f);
            }
        }
    }
    free(done);
    for (size_t i = 0; i < h->nna_lines; i++) {
        fputs("  skipped: ", f);
        put_esc(f, h->na_lines[i]);
        fputc('\n', f);
    }
    for (size_t i = 0; i < h->nfired; i++) {
        fputs("  fired: ", f);
        put_esc(f, h->fired[i]);
        fputc('\n', f);
    }
}

static int run(int argc, char **argv)
{
    ks_opts o;
    int rc = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "hunt");
    if (rc)
        return rc < 0 ? KS_EXIT_OK : rc;
    if (o.npos != 1) {
        ks_cli_errorf("hunt: usage: kanshiki hunt CASE [--rules DIR]...");
        return KS_EXIT_USAGE;
    }
    ks_out_format fmt = KS_OUT_TABLE;
    const char *fs = ks_opt_str(&o, "format");
    if (fs && ks_out_format_parse(fs, &fmt) != 0) {
        ks_cli_errorf("hunt: unknown --format '%s' (table, csv, json, jsonl)", fs);
        return KS_EXIT_USAGE;
    }
    const char *const *dirs = NULL;
    size_t ndirs = ks_opt_all(&o, "rules", &dirs);
    char defdir[PATH_MAX];
    const char *one[1];
    if (ndirs == 0) {
        if (ks_cli_default_rules(defdir, sizeof defdir)) {
            ks_cli_errorf("hunt: cannot find kanshiki's rules/ directory; give --rules DIR "
                          "or set KS_RULES");
            return KS_EXIT_USAGE;
        }
        one[0] = defdir;
        dirs = one;
        ndirs = 1;
    }
    ks_err err;
    ks_err_clear(&err);
    ks_store *st = NULL;
    if ((rc = ks_store_open(&st, o.pos[0], KS_STORE_READ, &err))) {
        ks_cli_error(&err);
        return ks_cli_exit_for(rc);
    }
    ks_out_opts oo = {!ks_opt_flag(&o, "no-header"), 0, ks_opt_flag(&o, "wide")};
    hctx h;
    memset(&h, 0, sizeof h);
    h.verbose = ks_opt_flag(&o, "verbose");
    h.sum = fmt == KS_OUT_TABLE ? stdout : stderr;
    int code = KS_EXIT_OK;
    if (ks_out_new(&h.out, stdout, fmt, &oo) || ks_out_begin(h.out, NCOLS, colnames)) {
        code = KS_EXIT_INTERNAL;
        goto done;
    }
    /* Load every set first, so a bad --rules fails before any output. */
    ks_sigma_ruleset **sets = calloc(ndirs, sizeof *sets);
    if (!sets) {
        code = KS_EXIT_INTERNAL;
        goto done;
    }
    for (size_t i = 0; i < ndirs && code == KS_EXIT_OK; i++) {
        struct stat sb;
        if (stat(dirs[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
            if ((rc = ks_sigma_ruleset_new(&sets[i], &err)) == 0)
                (void)ks_sigma_rule_load(sets[i], dirs[i], NULL);
        } else {
            rc = ks_sigma_ruleset_load(&sets[i], dirs[i], &err);
        }
        if (rc) {
            ks_cli_error(&err);
            code = rc == KS_EIO || rc == KS_ENOTFOUND ? KS_EXIT_USAGE : KS_EXIT_INTERNAL;
        }
    }
    /* One output document for all sets; the summaries (per set) after it. */
    hctx *per = code == KS_EXIT_OK ? calloc(ndirs, sizeof *per) : NULL;
    if (code == KS_EXIT_OK && !per)
        code = KS_EXIT_INTERNAL;
    for (size_t i = 0; i < ndirs && code == KS_EXIT_OK; i++) {
        per[i].out = h.out;
        per[i].verbose = h.verbose;
        rc = ks_sigma_eval(st, sets[i], on_result, &per[i], &err);
        if (rc || per[i].rc) {
            if (rc)
                ks_cli_error(&err);
            else
                ks_cli_errorf("hunt: writing output failed");
            code = KS_EXIT_INTERNAL;
        }
    }
    if (code == KS_EXIT_OK && ks_out_end(h.out) != 0) {
        ks_cli_errorf("hunt: writing output failed");
        code = KS_EXIT_INTERNAL;
    }
    for (size_t i = 0; per && i < ndirs; i++) {
        if (code == KS_EXIT_OK || code == KS_EXIT_INPUT) {
            summary(&per[i], sets[i], dirs[i], h.sum, h.verbose);
            if (ks_sigma_ruleset_failures(sets[i]))
                code = KS_EXIT_INPUT;
        }
        free_hctx(&per[i]);
    }
    free(per);
    for (size_t i = 0; i < ndirs; i++)
        ks_sigma_ruleset_free(sets[i]);
    free(sets);
done:
    ks_out_free(h.out);
    free_hctx(&h);
    ks_store_close(st);
    return code;
}

const ks_cmd ks_cmd_hunt = {
    "hunt",
    run,
    "run Sigma rules over a case",
    "CASE [--rules DIR]...",
    "Loads Sigma rules (SigmaHQ YAML format) from each --rules DIR (recursively; a file is\n"
    "accepted too), or kanshiki's own rules/ without --rules, and evaluates them over\n"
    "CASE opened read-only. Prints one row per matching event: rule, level, time, event\n"
    "id, file:line, message, the correlation group, rule id and tags. Then, per rule set, a\n"
    "summary: rules loaded, files that failed to load and why, rules applicable, rules not\n"
    "applicable to this case grouped by reason (no such table, unmapped field, unsupported\n"
    "feature), and which rules fired. With --format csv/json/jsonl the summary goes to\n"
    "stderr. Exit 3 when some rule file could not be loaded (the others still ran).\n"
    "Logsource and field mappings: docs/sigma.md.",
    opts,
    sizeof opts / sizeof opts[0],
};
