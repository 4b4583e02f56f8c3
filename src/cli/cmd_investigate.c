/* cmd_investigate.c — `kanshiki investigate EVIDENCE... -o CASE`: ingest, hunt, correlate,
 * report, in one go. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyze.h"
#include "analysis/chain.h"
#include "analysis/finding_io.h"
#include "analysis/sigma_findings.h"
#include "cli/commands.h"
#include "cli/ingest.h"
#include "cli/report_out.h"
#include "core/time.h"
#include "report/report.h"
#include "store/store.h"

static const ks_opt_spec opts[] = {
    {"output", 'o', "CASE", "the case directory to create or add to (required)", false},
    {"tz", 0, "ZONE", "show times in ZONE besides UTC in the reports (Asia/Tokyo, JST, +09:00)", false},
    {"from", 0, "TIME", "analyse only records at or after TIME (ISO 8601; without offset read in --tz)", false},
    {"to", 0, "TIME", "analyse only records before TIME", false},
    {"quiet", 'q', NULL, "print only the summary and errors", false},
    {"rules", 'r', "DIR", "Sigma rules to hunt with (default: kanshiki's rules/)", true},
    {"no-sigma", 0, NULL, "run the built-in analyzers only", false},
    {"opt", 0, "KEY=VALUE", "parser option, as for ingest (flow-format=..., log-format=...)", true},
    {"schema", 0, "FILE", "CREATE TABLE statements (or a dump) naming binlog columns", true},
};

static int parse_bound(const char *s, const ks_tz *tz, int64_t *out)
{
    if (ks_time_parse_iso8601(s, strlen(s), tz, out) == 0)
        return 0;
    return ks_time_parse_epoch(s, strlen(s), 0, out);
}

static void step(bool on, const char *what)
{
    if (on) {
        fprintf(stderr, "  %s\n", what);
        fflush(stderr);
    }
}

static int run(int argc, char **argv)
{
    ks_opts o;
    int rc = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "investigate");
    if (rc)
        return rc < 0 ? KS_EXIT_OK : rc;
    const char *case_dir = ks_opt_str(&o, "output");
    if (o.npos < 1 || !case_dir) {
        ks_cli_errorf("investigate: usage: kanshiki investigate EVIDENCE... -o CASE [--tz ZONE] [--from T --to T]");
        return KS_EXIT_USAGE;
    }
    ks_err err;
    ks_err_clear(&err);
    ks_tz *tz = NULL;
    ks_store *st = NULL;
    ks_ingest_stats *stats = NULL;
    ks_report *r = NULL;
    ks_findings fs;
    ks_chains chains = {0};
    ks_findings_init(&fs);
    int code = KS_EXIT_OK;
    int64_t from = KS_TIME_NONE, to = KS_TIME_NONE;
    const char *keys[KS_MAX_REPEAT], *vals[KS_MAX_REPEAT];
    ks_buf schema;
    ks_buf_init(&schema, KS_INGEST_SCHEMA_MAX);
    bool quiet = ks_opt_flag(&o, "quiet");
    bool progress = !quiet && ks_cli_tty();
    char path[4096];
    static const char *const fmts[] = {"html", "json", "md"};

    const char *zone = ks_opt_str(&o, "tz");
    if (zone && ks_tz_load(&tz, zone, &err) != 0) {
        ks_cli_error(&err);
        code = KS_EXIT_USAGE;
        goto done;
    }
    const char *names[2] = {"from", "to"};
    int64_t *bounds[2] = {&from, &to};
    for (int i = 0; i < 2; i++) {
        const char *s = ks_opt_str(&o, names[i]);
        if (s && parse_bound(s, tz, bounds[i]) != 0) {
            ks_cli_errorf("investigate: --%s: cannot read '%s' as a time (e.g. 2026-11-01T09:00:00+09:00)",
                          names[i], s);
            code = KS_EXIT_USAGE;
            goto done;
        }
    }
    if ((rc = ks_store_open(&st, case_dir, KS_STORE_CREATE, &err)))
        goto done;
    step(progress, "1/4 ingesting evidence");
    ks_ingest_opts io = {0};
    io.quiet = quiet;
    if ((code = ks_ingest_parse_popts(&o, keys, vals, KS_MAX_REPEAT, &io.popts.n)) ||
        (code = ks_ingest_schema_opt(&o, &schema, keys, vals, KS_MAX_REPEAT, &io.popts.n)))
        goto done;
    io.popts.keys = keys;
    io.popts.vals = vals;
    if ((rc = ks_ingest_run(st, o.pos, o.npos, &io, &stats, &err)))
        goto done;
    if (!quiet)
        ks_ingest_print(stdout, stats);
    step(progress, "2/4 running the built-in analyzers");
    if ((rc = ks_analyze_case(st, from, to, &fs, &err)))
        goto done;
    /* Sigma rules: matches become findings beside the built-in analyzers' ones. */
    if (!ks_opt_flag(&o, "no-sigma")) {
        const char *const *dirs = NULL;
        size_t ndirs = ks_opt_all(&o, "rules", &dirs);
        char defdir[4096];
        const char *one[1];
        if (!ndirs && ks_cli_default_rules(defdir, sizeof defdir) == 0) {
            one[0] = defdir;
            dirs = one;
            ndirs = 1;
        }
        for (size_t i = 0; i < ndirs; i++) {
            ks_sigma_ruleset *rs = NULL;
            size_t added = 0;
            ks_err se;
            ks_err_clear(&se);
            if (ks_sigma_ruleset_load(&rs, dirs[i], &se) != 0) {
                ks_cli_error(&se);
                code = KS_EXIT_INPUT;
                ks_sigma_ruleset_free(rs);
                continue;
            }
            rc = ks_sigma_findings(st, rs, from, to, &fs, &added, &err);
            if (!quiet)
                printf("sigma: %s: %zu rules, %zu matches as findings\n", dirs[i],
                       ks_sigma_ruleset_count(rs), added);
            ks_sigma_ruleset_free(rs);
            if (rc)
                goto done;
        }
        ks_findings_sort(&fs);
    }
    step(progress, "3/4 correlating findings into attack chains");
    if ((rc = ks_chains_build(&fs, &chains, &err)) || (rc = ks_findings_save(st, &fs, &chains, &err)))
        goto done;
    step(progress, "4/4 writing the reports");
    if ((rc = ks_report_build(st, &r, &err)))
        goto done;
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/report.%s", case_dir, fmts[i]);
        if ((rc = ks_cli_render_report(r, st, tz, fmts[i], path, &err)))
            goto done;
    }
    int nsev[KS_SEV_CRITICAL + 1] = {0};
    for (size_t i = 0; i < r->findings.n; i++)
        nsev[r->findings.v[i]->sev]++;
    printf("findings: %d critical, %d high, %d medium, %d low, %d info; attack chains: %zu\n",
           nsev[KS_SEV_CRITICAL], nsev[KS_SEV_HIGH], nsev[KS_SEV_MEDIUM], nsev[KS_SEV_LOW],
           nsev[KS_SEV_INFO], r->chains.n);
    if (r->chains.n) {
        char t[48];
        ks_time_format(r->chains.v[0].first, NULL, 0, t, sizeof t);
        printf("first attacker event: %s UTC\n", t);
    }
    printf("reports: %s/report.html  %s/report.json  %s/report.md\n", case_dir, case_dir, case_dir);
    code = ks_ingest_had_problems(stats) ? KS_EXIT_INPUT : KS_EXIT_OK;
done:
    if (rc) {
        ks_cli_error(&err);
        code = ks_cli_exit_for(rc);
    }
    ks_report_free(r);
    ks_chains_free(&chains);
    ks_findings_free(&fs);
    ks_ingest_stats_free(stats);
    ks_store_close(st);
    ks_tz_free(tz);
    ks_buf_free(&schema);
    return code;
}

const ks_cmd ks_cmd_investigate = {
    "investigate",
    run,
    "ingest evidence, run the analyzers, correlate, write the reports",
    "EVIDENCE... -o CASE [--tz ZONE] [--from TIME] [--to TIME]",
    "Ingests every EVIDENCE path into CASE (as `ingest` does), runs the built-in analyzers\n"
    "(docs/analyzers.md) over the records in --from/--to, correlates the findings into attack\n"
    "chains, saves them in the case (tables findings, finding_entities, finding_events) and\n"
    "writes CASE/report.html, CASE/report.json and CASE/report.md. Progress is shown on a\n"
    "terminal. Exit status 3 when some input could not be read (everything else was done).",
    opts,
    sizeof opts / sizeof opts[0],
};
