/* fuzz_textlogs.c — the line-based log readers on arbitrary bytes: web_access in automatic
 * mode, with an nginx log_format and with an Apache LogFormat, web_error, elb, vpcflow,
 * container_log,
 * s3access, cloudfront, cloudwatch, and the JSON waf, guardduty, k8s_audit, gcp_logging,
 * azure_activity, route53_resolver, aws_config readers (no line-count property
 * there: several records may share a line).
 * Properties: no crash/leak/hang; parsing never fails on content; every non-blank line of
 * an access log is either a record or an error record (nothing dropped), and the error-log
 * reader (which joins continuation lines) never reports more records than there are lines. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "parsers/azure/azure_activity.h"
#include "parsers/cloud/awsconfig.h"
#include "parsers/cloud/cloudfront.h"
#include "parsers/cloud/cloudwatch.h"
#include "parsers/cloud/elb.h"
#include "parsers/cloud/guardduty.h"
#include "parsers/cloud/route53resolver.h"
#include "parsers/cloud/s3access.h"
#include "parsers/cloud/vpcflow.h"
#include "parsers/cloud/waf.h"
#include "parsers/gcp/gcp_logging.h"
#include "parsers/k8s/container_log.h"
#include "parsers/k8s/k8s_audit.h"
#include "parsers/web/web.h"
#include "store/store.h"

static int64_t nonblank_lines(const uint8_t *d, size_t n)
{
    int64_t count = 0;
    size_t i = 0;
    while (i < n) {
        const uint8_t *nl = memchr(d + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - d) : n;
        size_t m = e;
        while (m > i && (d[m - 1] == ' ' || d[m - 1] == '\t' || d[m - 1] == '\r'))
            m--;
        count += m > i;
        i = e + 1;
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_store_open_memory(&st, &err) != 0)
        abort();
    static const char *const k_fmt[] = {"log-format"};
    static const char *const v_nginx[] = {
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
        "\"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\" $request_time $host"};
    static const char *const v_apache[] = {"%v:%p %h %l %u %t \\\"%r\\\" %>s %b %D \\\"%{X-Forwarded-For}i\\\""};
    static const char *const v_iso[] = {"$time_iso8601|$msec|$remote_addr|$request|$status"};
    const ks_parse_opts o_nginx = {k_fmt, v_nginx, 1}, o_apache = {k_fmt, v_apache, 1},
                        o_iso = {k_fmt, v_iso, 1};
    const struct {
        const ks_parser *p;
        const ks_parse_opts *o;
    } runs[] = {{&ks_parser_web_access, NULL},
                {&ks_parser_web_access, &o_nginx},
                {&ks_parser_web_access, &o_apache},
                {&ks_parser_web_access, &o_iso},
                {&ks_parser_web_error, NULL},
                {&ks_parser_elb, NULL},
                {&ks_parser_vpcflow, NULL},
                {&ks_parser_s3access, NULL},
                {&ks_parser_cloudfront, NULL},
                {&ks_parser_waf, NULL},
                {&ks_parser_guardduty, NULL},
                {&ks_parser_cloudwatch, NULL},
                {&ks_parser_k8s_audit, NULL},
                {&ks_parser_container_log, NULL},
                {&ks_parser_gcp_logging, NULL},
                {&ks_parser_azure_activity, NULL},
                {&ks_parser_route53resolver, NULL},
                {&ks_parser_aws_config, NULL},
                {&ks_parser_aws_config_snapshot, NULL}};
    int64_t lines = nonblank_lines(data, size);
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        ks_evidence_info ev = {"fuzz.log", "fuzz.log", NULL, "0", (int64_t)size, ""};
        ks_sink *sink = NULL;
        if (ks_store_member_begin(st, &ev, runs[i].p->name, &sink, &err) != 0)
            abort();
        ks_mem_input m;
        ks_input in;
        ks_input_mem(&in, &m, data, size, "fuzz.log");
        ks_parse_ctx ctx = {&in, "fuzz.log", sink, runs[i].o, 0};
        int rc = runs[i].p->parse(&ctx, &err);
        if (rc != 0)
            abort(); /* memory input cannot fail; content problems are error records */
        int64_t got = ks_sink_records(sink) + ks_sink_errors(sink);
        /* web_error and elb join continuation lines; vpcflow/cloudfront header lines are
         * not records */
        bool le = runs[i].p == &ks_parser_web_error || runs[i].p == &ks_parser_elb ||
                  runs[i].p == &ks_parser_vpcflow ||
                  runs[i].p == &ks_parser_cloudfront;
        bool json = runs[i].p == &ks_parser_waf || runs[i].p == &ks_parser_guardduty ||
                    runs[i].p == &ks_parser_cloudwatch || runs[i].p == &ks_parser_k8s_audit ||
                    runs[i].p == &ks_parser_gcp_logging || runs[i].p == &ks_parser_azure_activity ||
                    runs[i].p == &ks_parser_route53resolver || runs[i].p == &ks_parser_aws_config ||
                    runs[i].p == &ks_parser_aws_config_snapshot;
        if (!json && (le ? got > lines : got != lines))
            abort();
        if (ks_store_member_end(st, sink, "parsed", NULL, &err) != 0)
            abort();
    }
    ks_store_close(st);
    return 0;
}
