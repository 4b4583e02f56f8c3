/* report_out.h — writing a report to a file, shared by `report` and `investigate`. */
#ifndef KS_CLI_REPORT_OUT_H
#define KS_CLI_REPORT_OUT_H

#include "core/time.h"
#include "report/report.h"
#include "store/store.h"

/* fmt: "html", "json" or "md"; path NULL = standard output. */
int ks_cli_render_report(const ks_report *r, ks_store *st, const ks_tz *tz, const char *fmt,
                         const char *path, ks_err *err);

#endif
