/* fuzz_sigma — the Sigma rule loader (libyaml tree, detection, modifiers, correlation
 * sections), the condition parser, and compiling + running whatever loads on a small
 * in-memory case (web_access fixture), on arbitrary bytes.
 * Properties: no crash/UB/leak; a load either adds rules or records exactly one failure;
 * evaluation never fails, and reports each rule exactly once as DONE or NOT_APPLICABLE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sigma/sigma.h"
#include "analysis/sigma/sigma_int.h"
#include "store/store.h"

static const ks_column cols[] = {
    {"method", KS_COL_TEXT, ""}, {"path", KS_COL_TEXT, ""}, {"query", KS_COL_TEXT, ""},
    {"status", KS_COL_INT, ""},  {"client_ip", KS_COL_TEXT, ""}, {"extra", KS_COL_JSON, ""},
};
static const ks_table_def web = {"web_access", "fuzz fixture", cols, 6};

static ks_store *fixture(void)
{
    static ks_store *st;
    ks_sink *sink = NULL;
    if (st)
        return st;
    ks_evidence_info info = {"f.log", "/f.log", NULL, "00", 1, ""};
    if (ks_store_open_memory(&st, NULL) || ks_store_declare(st, &web, NULL) ||
        ks_store_member_begin(st, &info, "web_access", &sink, NULL))
        abort();
    for (int i = 0; i < 4; i++) {
        ks_event ev;
        ks_event_init(&ev);
        ev.time = 1795000000000000000LL + (int64_t)i * 60000000000LL;
        ev.raw = ks_str_c(i & 1 ? "GET /a?b=c 200" : "POST /x 500 sqlmap");
        ks_val v[6] = {ks_v_text(ks_str_c(i & 1 ? "GET" : "POST")), ks_v_text(ks_str_c("/a/b.php")),
                       ks_v_text(ks_str_c("id=1' or 1=1")), ks_v_int(200 + i * 100),
                       ks_v_text(ks_str_c(i & 2 ? "10.0.0.1" : "2001:db8::1")),
                       ks_v_text(ks_str_c("{\"a\":{\"b\":\"c\"},\"n\":3}"))};
        if (ks_sink_event(sink, &ev, &web, v, NULL))
            abort();
    }
    if (ks_store_member_end(st, sink, "parsed", NULL, NULL) || ks_store_commit(st, NULL))
        abort();
    return st;
}

typedef struct tally {
    size_t reported;
} tally;

static int on_result(void *ctx, const ks_sigma_result *r)
{
    tally *t = ctx;
    if (r->kind != KS_SIGMA_MATCH)
        t->reported++;
    if (r->kind == KS_SIGMA_NOT_APPLICABLE && (!r->reason || !r->reason_class))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the same bytes as a condition */
    sg_cond *c = NULL;
    if (sg_cond_parse(&c, (const char *)data, size, NULL) == 0)
        sg_cond_free(c);

    ks_sigma_ruleset *rs = NULL;
    if (ks_sigma_ruleset_new(&rs, NULL))
        abort();
    ks_err err;
    ks_err_clear(&err);
    int rc = ks_sigma_rule_load_mem(rs, "fuzz.yml", (const char *)data, size, &err);
    if (rc == 0 && (ks_sigma_ruleset_count(rs) == 0 || ks_sigma_ruleset_failures(rs) != 0))
        abort();
    if (rc != 0 && rc != KS_ENOMEM && (ks_sigma_ruleset_count(rs) != 0 || ks_sigma_ruleset_failures(rs) != 1))
        abort();
    if (rc == 0) {
        tally t = {0};
        if (ks_sigma_eval(fixture(), rs, on_result, &t, &err) != 0)
            abort();
        if (t.reported != ks_sigma_ruleset_count(rs))
            abort();
    }
    ks_sigma_ruleset_free(rs);
    return 0;
}
