/* fuzz_cloudtrail.c — the CloudTrail parser (splitter + JSON + mapping + store) on arbitrary
 * bytes. Properties: no crash/leak; the parser never fails on malformed content (only the
 * store may fail); every record is accounted for as an event or an error record. */
#include <stdint.h>
#include <stdlib.h>

#include "core/io.h"
#include "parsers/cloud/cloudtrail.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_store_open_memory(&st, &err) != 0)
        abort();
    const ks_parser *parsers[] = {&ks_parser_cloudtrail, &ks_parser_cloudtrail_digest};
    for (int i = 0; i < 2; i++) {
        ks_evidence_info ev = {"fuzz.json", "fuzz.json", NULL, "0", (int64_t)size, ""};
        ks_sink *sink = NULL;
        if (ks_store_member_begin(st, &ev, parsers[i]->name, &sink, &err) != 0)
            abort();
        ks_mem_input m;
        ks_input in;
        ks_input_mem(&in, &m, data, size, "fuzz.json");
        ks_parse_ctx ctx = {&in, "fuzz.json", sink, NULL, 0};
        int rc = parsers[i]->parse(&ctx, &err);
        if (rc != 0 && rc != KS_ELIMIT && rc != KS_ECORRUPT)
            abort(); /* memory input cannot fail to read; only limits may stop a parse */
        if (ks_store_member_end(st, sink, "parsed", NULL, &err) != 0)
            abort();
    }
    ks_store_close(st);
    return 0;
}
