/* fuzz_hostlogs.c — the host text-log readers on arbitrary bytes: syslog (with a file time,
 * without one, and with --opt tz) and auditd.
 * Properties: no crash/leak/hang; parsing never fails on content (memory input); nothing is
 * dropped: auditd makes exactly one record or error record per non-blank line; syslog
 * (which joins continuation lines) makes at least one and at most one per non-blank line. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "parsers/host/auditd.h"
#include "parsers/host/syslog.h"
#include "store/store.h"

/* Lines with something other than spaces, tabs and CRs (what both readers skip). */
static int64_t nonblank_lines(const uint8_t *d, size_t n)
{
    int64_t count = 0;
    size_t i = 0;
    while (i < n) {
        const uint8_t *nl = memchr(d + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - d) : n;
        bool blank = true;
        for (size_t k = i; k < e && blank; k++)
            blank = d[k] == ' ' || d[k] == '\t' || d[k] == '\r';
        count += !blank;
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
    static const char *const k_tz[] = {"tz"};
    static const char *const v_tz[] = {"Asia/Tokyo"};
    const ks_parse_opts o_tz = {k_tz, v_tz, 1};
    const struct {
        const ks_parser *p;
        const ks_parse_opts *o;
        int64_t ref;
    } runs[] = {{&ks_parser_syslog, NULL, 1735776000LL * KS_NS_PER_SEC}, /* 2025-01-02 */
                {&ks_parser_syslog, &o_tz, 951782400LL * KS_NS_PER_SEC}, /* 2000-02-29 */
                {&ks_parser_syslog, NULL, KS_TIME_NONE},
                {&ks_parser_auditd, NULL, KS_TIME_NONE}};
    int64_t lines = nonblank_lines(data, size);
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        ks_evidence_info ev = {"fuzz.log", "fuzz.log", NULL, "0", (int64_t)size, ""};
        ks_sink *sink = NULL;
        if (ks_store_member_begin(st, &ev, runs[i].p->name, &sink, &err) != 0)
            abort();
        ks_mem_input m;
        ks_input in;
        ks_input_mem(&in, &m, data, size, "fuzz.log");
        ks_parse_ctx ctx = {&in, "fuzz.log", sink, runs[i].o, runs[i].ref};
        if (runs[i].p->parse(&ctx, &err) != 0)
            abort(); /* memory input cannot fail; content problems are error records */
        int64_t got = ks_sink_records(sink) + ks_sink_errors(sink);
        if (runs[i].p == &ks_parser_auditd ? got != lines : (got > lines || (lines > 0 && got < 1)))
            abort();
        if (ks_store_member_end(st, sink, "parsed", NULL, &err) != 0)
            abort();
        /* sniffing is total on the same bytes */
        (void)runs[i].p->sniff(data, size, "fuzz.log");
    }
    ks_store_close(st);
    return 0;
}
