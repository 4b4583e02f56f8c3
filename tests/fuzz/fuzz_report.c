/* fuzz_report.c — CloudTrail bytes through the whole back half: parser -> store ->
 * built-in analyzers -> chains -> findings saved and loaded -> report model -> the three
 * writers. Properties: no crash/leak; report.json is valid JSON; report.html holds exactly
 * our two <script> elements (the data block and the hashed script) whatever the evidence
 * says, and no evidence-made tag. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze.h"
#include "analysis/chain.h"
#include "analysis/finding_io.h"
#include "core/io.h"
#include "core/json.h"
#include "parsers/cloud/cloudtrail.h"
#include "report/report.h"
#include "store/store.h"

static size_t count(const char *h, size_t n, const char *needle)
{
    size_t c = 0, k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(h + i, needle, k))
            c++;
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_store_open_memory(&st, &err) != 0)
        abort();
    ks_evidence_info ev = {"fuzz.json", "fuzz.json", NULL, "0", (int64_t)size, ""};
    ks_sink *sink = NULL;
    if (ks_store_member_begin(st, &ev, ks_parser_cloudtrail.name, &sink, &err) != 0)
        abort();
    ks_mem_input m;
    ks_input in;
    ks_input_mem(&in, &m, data, size, "fuzz.json");
    ks_parse_ctx ctx = {&in, "fuzz.json", sink, NULL, 0};
    ks_parser_cloudtrail.parse(&ctx, &err);
    if (ks_store_member_end(st, sink, "parsed", NULL, &err) != 0 || ks_store_commit(st, &err) != 0)
        abort();

    ks_findings fs;
    ks_findings_init(&fs);
    ks_chains ch;
    memset(&ch, 0, sizeof ch);
    ks_report *r = NULL;
    ks_buf b;
    ks_buf_init(&b, (size_t)1 << 28);
    ks_json_doc *doc = NULL;
    if (ks_analyze_case(st, KS_TIME_NONE, KS_TIME_NONE, &fs, &err) != 0 ||
        ks_chains_build(&fs, &ch, &err) != 0 || ks_findings_save(st, &fs, &ch, &err) != 0 ||
        ks_report_build(st, &r, &err) != 0)
        abort();
    if (ks_report_write_json(r, st, &b, &err) != 0 || ks_json_doc_new(&doc, NULL) != 0 ||
        ks_json_parse(doc, b.data, b.len, &err) != 0)
        abort();
    ks_buf_reset(&b);
    if (ks_report_write_md(r, st, NULL, &b, &err) != 0)
        abort();
    ks_buf_reset(&b);
    if (ks_report_write_html(r, st, NULL, &b, &err) != 0)
        abort();
    if (count(b.data, b.len, "<script") != 2 || count(b.data, b.len, "</script") != 2 ||
        count(b.data, b.len, "<img") != 0 || count(b.data, b.len, "<iframe") != 0)
        abort();
    ks_json_doc_free(doc);
    ks_buf_free(&b);
    ks_report_free(r);
    ks_chains_free(&ch);
    ks_findings_free(&fs);
    ks_store_close(st);
    return 0;
}
