/* fuzz_hostbin.c — the binary host log readers (utmp as wtmp and as btmp, lastlog, pacct,
 * journal) and their sniffers on arbitrary bytes. Properties: no crash/leak/hang; the
 * memory input never makes a reader fail except the journal's own refusals (not a journal,
 * unknown incompatible flags: KS_ECORRUPT / KS_EUNSUPPORTED); every record is written or
 * kept as an error, and there are never more than the bytes allow: pacct exactly one per
 * 64 bytes (rounded up), utmp at most one per 384, lastlog at most one per 292, journal at
 * most one per 16 (the smallest object); sniff scores stay within 0..100. */
#include <stdint.h>
#include <stdlib.h>

#include "core/io.h"
#include "parsers/host/hostbin.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        const ks_parser *p;
        const char *name;
        size_t unit;
        int exact;
    } runs[] = {{&ks_parser_utmp, "wtmp", 384, 0},      {&ks_parser_utmp, "btmp.1", 384, 0},
                {&ks_parser_lastlog, "lastlog", 292, 0}, {&ks_parser_pacct, "pacct", 64, 1},
                {&ks_parser_journal, "system.journal", 16, 0}};
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_store_open_memory(&st, &err) != 0)
        abort();
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        int s = runs[i].p->sniff(data, size, runs[i].name);
        if (s < 0 || s > 100)
            abort();
        ks_evidence_info ev = {runs[i].name, runs[i].name, NULL, "0", (int64_t)size, ""};
        ks_sink *sink = NULL;
        if (ks_store_member_begin(st, &ev, runs[i].p->name, &sink, &err) != 0)
            abort();
        ks_mem_input m;
        ks_input in;
        ks_input_mem(&in, &m, data, size, runs[i].name);
        ks_parse_ctx ctx = {&in, runs[i].name, sink, NULL, 0};
        ks_err_clear(&err);
        int rc = runs[i].p->parse(&ctx, &err);
        if (rc && !(runs[i].p == &ks_parser_journal &&
                    (rc == KS_ECORRUPT || rc == KS_EUNSUPPORTED)))
            abort();
        int64_t got = ks_sink_records(sink) + ks_sink_errors(sink);
        int64_t most = (int64_t)((size + runs[i].unit - 1) / runs[i].unit);
        if (runs[i].exact ? got != most : got > most)
            abort();
        if (ks_store_member_end(st, sink, rc ? "failed" : "parsed", NULL, &err) != 0)
            abort();
    }
    ks_store_close(st);
    return 0;
}
