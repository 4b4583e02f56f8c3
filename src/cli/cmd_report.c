/* cmd_report.c — `kanshiki report CASE --format html|json|md [-o FILE] [--tz ZONE]`, and the
 * report-writing step shared with `investigate` (ks_cli_write_reports). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/report_out.h"
#include "core/buf.h"
#include "core/time.h"
#include "report/report.h"
#include "store/store.h"

#define REPORT_MAX ((size_t)1 << 31)

static const ks_opt_spec opts[] = {
    {"format", 'f', "FMT", "html, json or md (default html)", false},
    {"output", 'o', "FILE", "write to FILE (default: standard output)", false},
    {"tz", 0, "ZONE", "show times in ZONE besides UTC (Asia/Tokyo, JST, +09:00; default UTC)", false},
};

int ks_cli_render_report(const ks_report *r, ks_store *st, const ks_tz *tz, const char *fmt,
                         const char *path, ks_err *err)
{
    ks_buf b;
    ks_buf_init(&b, REPORT_MAX);
    int rc;
    FILE *f = NULL;
    if (!strcmp(fmt, "json"))
        rc = ks_report_write_json(r, st, &b, err);
    else if (!strcmp(fmt, "md"))
        rc = ks_report_write_md(r, st, tz, &b, err);
    else if (!strcmp(fmt, "html"))
        rc = ks_report_write_html(r, st, tz, &b, err);
    else
        rc = KS_ERR(err, KS_EUSAGE, "unknown report format '%s' (html, json, md)", fmt);
    if (rc)
        goto done;
    f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        rc = KS_ERR(err, KS_EIO, "cannot write %s", path);
        goto done;
    }
    if (b.len && fwrite(b.data, 1, b.len, f) != b.len)
        rc = KS_ERR(err, KS_EIO, "writing %s failed", path ? path : "standard output");
done:
    if (f && f != stdout && fclose(f) != 0 && !rc)
        rc = KS_ERR(err, KS_EIO, "writing %s failed", path);
    ks_buf_free(&b);
    return rc;
}

static int run(int argc, char **argv)
{
    ks_opts o;
    int rc = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "report");
    if (rc)
        return rc < 0 ? KS_EXIT_OK : rc;
    if (o.npos != 1) {
        ks_cli_errorf("report: usage: kanshiki report CASE [--format html|json|md] [-o FILE] [--tz ZONE]");
        return KS_EXIT_USAGE;
    }
    const char *fmt = ks_opt_str(&o, "format");
    if (!fmt)
        fmt = "html";
    if (strcmp(fmt, "html") && strcmp(fmt, "json") && strcmp(fmt, "md")) {
        ks_cli_errorf("report: unknown --format '%s' (html, json, md)", fmt);
        return KS_EXIT_USAGE;
    }
    ks_err err;
    ks_err_clear(&err);
    ks_tz *tz = NULL;
    ks_store *st = NULL;
    ks_report *r = NULL;
    int code = KS_EXIT_OK;
    const char *zone = ks_opt_str(&o, "tz");
    if (zone && ks_tz_load(&tz, zone, &err) != 0) {
        ks_cli_error(&err);
        code = KS_EXIT_USAGE;
        goto done;
    }
    if ((rc = ks_store_open(&st, o.pos[0], KS_STORE_READ, &err)) ||
        (rc = ks_report_build(st, &r, &err)) ||
        (rc = ks_cli_render_report(r, st, tz, fmt, ks_opt_str(&o, "output"), &err))) {
        ks_cli_error(&err);
        code = ks_cli_exit_for(rc);
    }
done:
    ks_report_free(r);
    ks_store_close(st);
    ks_tz_free(tz);
    return code;
}

const ks_cmd ks_cmd_report = {
    "report",
    run,
    "write the case's report (HTML, JSON or Markdown)",
    "CASE [--format html|json|md] [-o FILE] [--tz ZONE]",
    "Writes the report of a case: the answers a responder is asked (affected? since when?\n"
    "the rogue resources and who created them; root cause; data read; persistence; actions by\n"
    "NIST SP 800-61 phase) with the records behind each, attack chains, findings, entities, a\n"
    "filterable timeline (HTML), ingest statistics and the evidence list with hashes.\n"
    "The findings are those saved by `investigate`; for a case that was only ingested the\n"
    "built-in analyzers are run (without changing the case). The HTML report is one file that\n"
    "works offline. Times are UTC, and also shown in --tz.",
    opts,
    sizeof opts / sizeof opts[0],
};
