/* placeholder until the HTML writer is in */
#include "report/report.h"
int ks_report_write_html(const ks_report *r, ks_store *st, const ks_tz *tz, ks_buf *out, ks_err *err)
{
    return KS_ERR(err, KS_EUNSUPPORTED, "html not yet");
}
int ks_report_html_csp(ks_buf *out, ks_err *err) { return 0; }
