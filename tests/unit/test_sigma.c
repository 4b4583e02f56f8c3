/* Sigma engine: the condition grammar, every value modifier, wildcard semantics, the
 * loader's refusals and correlation, evaluated end to end on an in-memory case whose
 * `web_access` table is a fixture written here (the web parsers fill the real one). */
#include "ktest.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/sigma/sigma.h"
#include "analysis/sigma/sigma_int.h"
#include "core/time.h"
#include "store/store.h"

static const ks_column web_cols[] = {
    {"method", KS_COL_TEXT, ""},     {"path", KS_COL_TEXT, ""},
    {"query", KS_COL_TEXT, ""},      {"status", KS_COL_INT, ""},
    {"client_ip", KS_COL_TEXT, ""},  {"user_agent", KS_COL_TEXT, ""},
    {"referer", KS_COL_TEXT, ""},    {"extra", KS_COL_JSON, ""},
    {"blob", KS_COL_TEXT, ""},
};
static const ks_table_def web_table = {"web_access", "fixture", web_cols, 9};

/* Row i is event id i+1, one minute apart. NULL = SQL NULL. */
static const char *const rows[][10] = {
    /* method, path, query, status, client_ip, user_agent, referer, extra, blob, raw */
    {"GET", "/index.php", "id=1", "200", "192.168.1.10", "Mozilla/5.0", NULL,
     "{\"user\":{\"name\":\"Alice\"},\"n\":5}", "YWIgd2hvYW1pIGNk", "GET /index.php?id=1 200"},
    {"POST", "/admin/login.php", "user=admin' OR 1=1--", "403", "10.1.2.3", "sqlmap/1.7", NULL,
     "{\"user\":{\"name\":\"bob\"},\"n\":50}", "WHdob2FtaQ==", "POST /admin/login.php sqlmap"},
    {"GET", "/files/a*b.txt", NULL, "404", "2001:db8::5", "curl/8.0", "http://x/", "{}",
     "d2hvYW1p", "GET /files/a*b.txt 404"},
    {"GET", "/C:\\Windows\\system32", "cmd /c whoami", "200", "203.0.113.9",
     "MOZILLA/5.0 (X11)", NULL, "{\"n\":7}",
     "cABvAHcAZQByAHMAaABlAGwAbAAgAC0AYwAgAHcAaABvAGEAbQBpAA==", "GET C:\\Windows"},
    {"PUT", "/50%_off", "a_b", "500", "10.9.9.9", "", "/50%_off", "{}", "//53AGgAbwBhAG0AaQA=",
     "PUT /50%_off"},
    {"GET", "/50xx_off", "axb", "503", "10.1.2.3", "Wget", "http://y/", "{}", "AHcAaABvAGEAbQBp",
     "GET /50xx_off"},
    {"GET", "/multi", NULL, "200", "10.1.2.3", "line1\nline2", NULL, "{}", "D2HVYW1P",
     "GET /multi"},
};
#define NROWS 7

static ks_store *fixture(void)
{
    ks_store *st = NULL;
    ks_sink *sink = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_store_open_memory(&st, &err) || ks_store_declare(st, &web_table, &err))
        return NULL;
    ks_evidence_info info = {"fixture.log", "/fixture.log", NULL, "00", 1, ""};
    if (ks_store_member_begin(st, &info, "web_access", &sink, &err))
        return NULL;
    for (int i = 0; i < NROWS; i++) {
        ks_event ev;
        ks_event_init(&ev);
        ev.time = 1795000000LL * KS_NS_PER_SEC + (int64_t)i * 60 * KS_NS_PER_SEC;
        ev.time_desc = "event";
        ev.message = ks_str_c(rows[i][9]);
        ev.raw = ks_str_c(rows[i][9]);
        ev.line = i + 1;
        ks_val v[9];
        for (int c = 0; c < 9; c++) {
            if (c == 3)
                v[c] = ks_v_int(strtol(rows[i][3], NULL, 10));
            else
                v[c] = ks_v_text(ks_str_c(rows[i][c]));
        }
        if (ks_sink_event(sink, &ev, &web_table, v, &err))
            return NULL;
    }
    if (ks_store_member_end(st, sink, "parsed", NULL, &err) || ks_store_commit(st, &err))
        return NULL;
    return st;
}

typedef struct got {
    char ids[256];
    char na[600];
    char group[256];
} got;

static int collect(void *ctx, const ks_sigma_result *r)
{
    got *g = ctx;
    if (r->kind == KS_SIGMA_NOT_APPLICABLE) {
        snprintf(g->na, sizeof g->na, "NA:%s: %s", r->reason_class, r->reason);
        return 0;
    }
    if (r->kind != KS_SIGMA_MATCH)
        return 0;
    size_t n = strlen(g->ids);
    snprintf(g->ids + n, sizeof g->ids - n, "%s[", n ? " " : "");
    for (size_t i = 0; i < r->nevents; i++) {
        n = strlen(g->ids);
        snprintf(g->ids + n, sizeof g->ids - n, "%s%lld", i ? "," : "", (long long)r->events[i].id);
    }
    n = strlen(g->ids);
    snprintf(g->ids + n, sizeof g->ids - n, "]");
    if (r->group && *r->group)
        snprintf(g->group, sizeof g->group, "%s", r->group);
    return 0;
}

/* Evaluates a rule text (web logsource prepended unless it has one) on the fixture:
 * "[1] [3]" for matches (one bracket per match), "NA:class: why", or "LOAD:why". */
static char result[1024];
static const char *run_text(const char *text)
{
    static ks_store *st;
    ks_sigma_ruleset *rs = NULL;
    ks_err err;
    got g;
    memset(&g, 0, sizeof g);
    ks_err_clear(&err);
    if (!st && !(st = fixture()))
        return "FIXTURE FAILED";
    if (ks_sigma_ruleset_new(&rs, &err))
        return "OOM";
    if (ks_sigma_rule_load_mem(rs, "t.yml", text, strlen(text), &err)) {
        snprintf(result, sizeof result, "LOAD:%s", err.msg);
        ks_sigma_ruleset_free(rs);
        return result;
    }
    int rc = ks_sigma_eval(st, rs, collect, &g, &err);
    ks_sigma_ruleset_free(rs);
    if (rc) {
        snprintf(result, sizeof result, "EVAL:%s", err.msg);
        return result;
    }
    snprintf(result, sizeof result, "%s", g.na[0] ? g.na : g.ids);
    if (g.group[0]) {
        size_t n = strlen(result);
        snprintf(result + n, sizeof result - n, " {%s}", g.group);
    }
    return result;
}

/* A web rule with one selection `sel` given as YAML lines (indented 8). */
static const char *web(const char *sel)
{
    static char text[4096];
    snprintf(text, sizeof text,
             "title: t\nlogsource:\n    category: webserver\ndetection:\n    sel:\n%s"
             "    condition: sel\n",
             sel);
    return run_text(text);
}

static const char *webc(const char *sels, const char *cond)
{
    static char text[4096];
    snprintf(text, sizeof text,
             "title: t\nlogsource:\n    category: webserver\ndetection:\n%s    condition: %s\n",
             sels, cond);
    return run_text(text);
}

#define IDS(got, want) KT_EQ_STR(got, want)

KTEST(test_sigma_plain_strings_match_whole_value_case_insensitively)
{
    IDS(web("        path: /index.php\n"), "[1]");
    IDS(web("        path: /INDEX.PHP\n"), "[1]");
    IDS(web("        path: /index\n"), "");
    IDS(web("        method:\n            - post\n            - put\n"), "[2] [5]");
    IDS(web("        status: 404\n"), "[3]");
}

KTEST(test_sigma_wildcards_star_question_and_escapes)
{
    IDS(web("        path: '/files/a*'\n"), "[3]");
    IDS(web("        path: '/files/a?b.txt'\n"), "[3]");
    IDS(web("        path: '/files/a\\*b.txt'\n"), "[3]");
    IDS(web("        path: '/fil\\?s/*'\n"), "");
    IDS(web("        path: '/index.ph?'\n"), "[1]");
    /* SQL LIKE metacharacters are literal in Sigma */
    IDS(web("        path: '/50%_off'\n"), "[5]");
    IDS(web("        query: 'a_b'\n"), "[5]");
    /* a lone backslash is literal; \\ is one backslash */
    IDS(web("        path|contains: 'C:\\Windows\\'\n"), "[4]");
    IDS(web("        path|contains: 'C:\\\\Windows'\n"), "[4]");
}

KTEST(test_sigma_contains_startswith_endswith_all)
{
    IDS(web("        path|contains: admin\n"), "[2]");
    IDS(web("        path|startswith: /FILES\n"), "[3]");
    IDS(web("        path|endswith: .php\n"), "[1] [2]");
    IDS(web("        user_agent|contains|all:\n            - mozilla\n            - x11\n"), "[4]");
    IDS(web("        user_agent|contains:\n            - mozilla\n            - x11\n"), "[1] [4]");
}

KTEST(test_sigma_field_names_web_and_json_paths)
{
    IDS(web("        cs-method: POST\n        sc-status: 403\n        c-ip: 10.1.2.3\n"), "[2]");
    IDS(web("        cs-uri-query|contains: whoami\n        cs-user-agent|contains: x11\n"), "[4]");
    IDS(web("        cs-uri: /index.php?id=1\n"), "[1]");
    IDS(web("        extra.user.name: alice\n"), "[1]");
    KT_CHECK(strncmp(web("        nosuchfield: x\n"), "NA:field not mapped", 19) == 0);
}

KTEST(test_sigma_re_and_its_flags)
{
    IDS(web("        user_agent|re: '^sqlmap/[0-9.]+$'\n"), "[2]");
    IDS(web("        user_agent|re: '^SQLMAP'\n"), "");
    IDS(web("        user_agent|re|i: '^SQLMAP'\n"), "[2]");
    IDS(web("        user_agent|re: 'map'\n"), "[2]"); /* unanchored search */
    IDS(web("        user_agent|re: '^line2$'\n"), "");
    IDS(web("        user_agent|re|m: '^line2$'\n"), "[7]");
    IDS(web("        user_agent|re: 'line1.line2'\n"), "");
    IDS(web("        user_agent|re|s: 'line1.line2'\n"), "[7]");
    KT_CHECK(strncmp(web("        user_agent|re: '(unclosed'\n"), "NA:invalid regular expression", 29) == 0);
}

KTEST(test_sigma_cidr_ipv4_and_ipv6)
{
    IDS(web("        client_ip|cidr: 10.0.0.0/8\n"), "[2] [5] [6] [7]");
    IDS(web("        client_ip|cidr: 10.1.2.0/24\n"), "[2] [6] [7]");
    IDS(web("        client_ip|cidr:\n            - 192.168.0.0/16\n            - 2001:db8::/32\n"),
        "[1] [3]");
    KT_CHECK(strncmp(web("        client_ip|cidr: 10.0.0.0/33\n"), "NA:invalid rule", 15) == 0);
}

KTEST(test_sigma_base64_base64offset_and_utf16)
{
    IDS(web("        blob|base64: whoami\n"), "[3]"); /* cased: D2HVYW1P is not it */
    IDS(web("        blob|base64offset|contains: whoami\n"), "[1] [2] [3]");
    IDS(web("        blob|utf16le|base64offset|contains: whoami\n"), "[4] [5]");
    IDS(web("        blob|wide|base64offset|contains: whoami\n"), "[4] [5]");
    IDS(web("        blob|utf16|base64offset|contains: whoami\n"), "[5]");
    IDS(web("        blob|utf16be|base64offset|contains: whoami\n"), "[4] [6]");
    KT_CHECK(strncmp(web("        blob|utf16le: whoami\n"), "NA:unsupported feature", 22) == 0);
}

KTEST(test_sigma_windash_expands_dash_and_slash)
{
    IDS(web("        query|windash|contains: ' -c '\n"), "[4]");
    IDS(web("        query|contains: ' -c '\n"), "");
}

KTEST(test_sigma_exists_null_and_comparisons)
{
    IDS(web("        referer|exists: true\n"), "[3] [5] [6]");
    IDS(web("        referer|exists: false\n"), "[1] [2] [4] [7]");
    IDS(web("        referer: null\n"), "[1] [2] [4] [7]");
    IDS(web("        status|gte: 500\n"), "[5] [6]");
    IDS(web("        status|gt: 500\n"), "[6]");
    IDS(web("        status|lt: 300\n"), "[1] [4] [7]");
    IDS(web("        status|lte: 403\n"), "[1] [2] [4] [7]");
    IDS(web("        extra.n|lt: 10\n"), "[1] [4]");
    IDS(web("        user_agent: ''\n"), "[5]");
}

KTEST(test_sigma_fieldref_and_cased)
{
    IDS(web("        path|fieldref: referer\n"), "[5]");
    IDS(web("        referer|fieldref|startswith: path\n"), "[5]");
    IDS(web("        user_agent|cased: mozilla/5.0\n"), "");
    IDS(web("        user_agent|cased: Mozilla/5.0\n"), "[1]");
    IDS(web("        user_agent|cased|startswith: MOZ\n"), "[4]");
}

KTEST(test_sigma_unsupported_and_unknown_modifiers_are_reported)
{
    KT_CHECK(strstr(web("        path|expand: '%admin_paths%'\n"), "expand") != NULL);
    KT_CHECK(strstr(web("        path|frobnicate: x\n"), "unknown modifier 'frobnicate'") != NULL);
    KT_CHECK(strstr(webc("    sel:\n        path: x\n", "sel | count() > 5"), "correlation rule") != NULL);
}

KTEST(test_sigma_keywords_search_the_raw_record)
{
    IDS(webc("    keywords:\n        - sqlmap\n        - WINDOWS\n", "keywords"), "[2] [4]");
    IDS(webc("    keywords: 'multi'\n", "keywords"), "[7]");
}

KTEST(test_sigma_condition_precedence_and_negation)
{
    const char *sels = "    a:\n        method: GET\n    b:\n        status: 404\n"
                       "    c:\n        client_ip|startswith: '10.'\n";
    IDS(webc(sels, "a and not b"), "[1] [4] [6] [7]");
    IDS(webc(sels, "not a and c"), "[2] [5]");          /* (not a) and c */
    IDS(webc(sels, "b or a and c"), "[3] [6] [7]");     /* b or (a and c) */
    IDS(webc(sels, "(b or a) and c"), "[6] [7]");
    IDS(webc(sels, "not (a or c)"), "");
    IDS(webc(sels, "NOT b AND NOT a"), "[2] [5]");      /* keywords case-insensitive */
    /* a field that is NULL makes a selection false, so `not` of it is true */
    IDS(webc("    r:\n        referer|contains: http\n", "not r"), "[1] [2] [4] [5] [7]");
}

KTEST(test_sigma_condition_x_of_patterns_and_them)
{
    const char *sels = "    sel_get:\n        method: GET\n    sel_404:\n        status: 404\n"
                       "    filter_ip:\n        client_ip: 10.1.2.3\n    _hidden:\n        method: PUT\n";
    IDS(webc(sels, "all of sel_*"), "[3]");
    IDS(webc(sels, "1 of sel_*"), "[1] [3] [4] [6] [7]");
    IDS(webc(sels, "1 of sel_* and not 1 of filter*"), "[1] [3] [4]");
    IDS(webc(sels, "1 of them"), "[1] [2] [3] [4] [6] [7]"); /* _hidden is not in them */
    IDS(webc(sels, "all of them"), "");
    IDS(webc(sels, "any of sel_*"), "[1] [3] [4] [6] [7]");
    /* a list of conditions is their OR */
    IDS(webc(sels, "\n        - sel_404\n        - _hidden"), "[3] [5]");
}

KTEST(test_sigma_long_or_chain_evaluates)
{
    char cond[4096];
    size_t n = 0;
    for (int i = 0; i < 500; i++)
        n += (size_t)snprintf(cond + n, sizeof cond - n, "%s", i ? " or b" : "a");
    IDS(webc("    a:\n        status: 404\n    b:\n        method: PUT\n", cond), "[3] [5]");
}

KTEST(test_sigma_selection_list_of_maps_is_or)
{
    IDS(web("        - method: POST\n        - status: 404\n          client_ip|cidr: 2001:db8::/32\n"),
        "[2] [3]");
}

KTEST(test_sigma_condition_parser_refuses_bad_grammar)
{
    static const char *const bad[] = {"", "a and", "(a", "a)", "1 of", "all sel", "a b",
                                      "sel*", "a & b", "not"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sg_cond *c = NULL;
        ks_err err;
        ks_err_clear(&err);
        int rc = sg_cond_parse(&c, bad[i], strlen(bad[i]), &err);
        if (rc == 0) {
            KT_FAIL_("condition '%s' parsed", bad[i]);
            sg_cond_free(c);
        }
    }
    /* deep nesting stops at the cap instead of exhausting the stack */
    char deep[4096];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        deep[n++] = '(';
    deep[n++] = 'a';
    for (int i = 0; i < 1000; i++)
        deep[n++] = ')';
    sg_cond *c = NULL;
    ks_err err;
    ks_err_clear(&err);
    KT_EQ_INT(sg_cond_parse(&c, deep, n, &err), KS_ELIMIT);
    /* a long flat chain is fine and frees without recursion */
    n = 0;
    for (int i = 0; i < 600 && n + 8 < sizeof deep; i++) {
        memcpy(deep + n, i ? " or a" : "a", i ? 5 : 1);
        n += i ? 5 : 1;
    }
    KT_EQ_INT(sg_cond_parse(&c, deep, n, &err), 0);
    sg_cond_free(c);
}

KTEST(test_sigma_loader_refuses_broken_rules_with_reasons)
{
    KT_CHECK(strstr(run_text("title: [unclosed\n"), "LOAD:YAML") != NULL);
    KT_CHECK(strstr(run_text("title: t\nlogsource: {category: webserver}\n"), "no detection") != NULL);
    KT_CHECK(strstr(run_text("title: t\ndetection:\n    sel: {a: b}\n"), "no condition") != NULL);
    KT_CHECK(strstr(run_text("title: t\ndetection:\n    sel: {a: b}\n    condition: other\n"),
                    "matches no selection") != NULL);
    KT_CHECK(strstr(run_text("title: t\ndetection:\n    sel: &x {a: b}\n    s2: *x\n    condition: sel\n"),
                    "LOAD:") != NULL);
    KT_CHECK(strstr(run_text("title: t\ndetection:\n    sel:\n        a:\n            b: c\n"
                             "    condition: sel\n"),
                    "LOAD:") != NULL);
    char deep[2048];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "title: t\nx: ");
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    deep[n] = 0;
    KT_CHECK(strstr(run_text(deep), "LOAD:") != NULL);
}

KTEST(test_sigma_logsource_and_table_reasons)
{
    KT_CHECK(strncmp(run_text("title: t\nlogsource: {product: aws, service: cloudtrail}\n"
                              "detection:\n    sel: {eventName: x}\n    condition: sel\n"),
                     "NA:table missing: no table cloudtrail", 37) == 0);
    KT_CHECK(strncmp(run_text("title: t\nlogsource: {product: windows}\n"
                              "detection:\n    sel: {a: x}\n    condition: sel\n"),
                     "NA:logsource not mapped", 23) == 0);
    KT_CHECK(strncmp(run_text("title: t\nlogsource: {product: linux, category: process_creation}\n"
                              "detection:\n    sel: {Image: x}\n    condition: sel\n"),
                     "NA:no kanshiki source", 21) == 0);
}

static const char *corr(const char *c)
{
    static char text[4096];
    snprintf(text, sizeof text,
             "title: base\nname: base_rule\nlogsource: {category: webserver}\n"
             "detection:\n    sel:\n        client_ip|startswith: '10.'\n    condition: sel\n"
             "---\n"
             "title: other\nname: other_rule\nlogsource: {category: webserver}\n"
             "detection:\n    sel:\n        path: /multi\n    condition: sel\n"
             "---\n"
             "title: corr\ncorrelation:\n%s",
             c);
    return run_text(text);
}

KTEST(test_sigma_correlation_event_value_temporal)
{
    /* 10.x: rows 2 (10.1.2.3, t+1m), 5 (10.9.9.9, t+4m), 6 and 7 (10.1.2.3, t+5m, t+6m) */
    IDS(corr("    type: event_count\n    rules: [base_rule]\n    group-by: [client_ip]\n"
             "    timespan: 10m\n    condition: {gte: 3}\n"),
        "[7] [2,6,7] {client_ip=10.1.2.3}"); /* [7]: other_rule, not referenced, reports itself */
    IDS(corr("    type: event_count\n    rules: [base_rule]\n    group-by: [client_ip]\n"
             "    timespan: 4m\n    condition: {gte: 3}\n"),
        "[7]");
    IDS(corr("    type: event_count\n    rules: [base_rule]\n    timespan: 1h\n"
             "    condition: {gte: 4}\n"),
        "[7] [2,5,6,7]");
    IDS(corr("    type: value_count\n    rules: [base_rule]\n    timespan: 1h\n"
             "    condition: {field: client_ip, gte: 2}\n"),
        "[7] [2,5]");
    IDS(corr("    type: temporal\n    rules: [base_rule, other_rule]\n    group-by: [client_ip]\n"
             "    timespan: 2m\n"),
        "[6,7] {client_ip=10.1.2.3}");
    IDS(corr("    type: event_count\n    rules: [base_rule]\n    group-by: [client_ip]\n"
             "    timespan: 1h\n    condition: {lt: 2}\n"),
        "[7] [5] {client_ip=10.9.9.9}");
    KT_CHECK(strstr(corr("    type: event_count\n    rules: [nope]\n    timespan: 1h\n"
                         "    condition: {gte: 1}\n"),
                    "not in this rule set") != NULL);
    KT_CHECK(strstr(corr("    type: event_count\n    rules: [base_rule]\n    group-by: [bogus]\n"
                         "    timespan: 1h\n    condition: {gte: 1}\n"),
                    "group-by field 'bogus'") != NULL);
    KT_CHECK(strstr(corr("    type: event_count\n    rules: [base_rule]\n    timespan: 1 hour\n"
                         "    condition: {gte: 1}\n"),
                    "LOAD:") != NULL);
}

KTEST(test_sigma_value_helpers)
{
    char **v = NULL;
    size_t n = 0;
    KT_REQUIRE(sg_windash("-a /b", 5, &v, &n, 100) == 0);
    KT_EQ_INT(n, 25);
    KT_EQ_STR(v[0], "-a -b");
    KT_EQ_STR(v[1], "/a -b");
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    char *off[3];
    KT_REQUIRE(sg_base64_offsets((const unsigned char *)"whoami", 6, off) == 0);
    KT_EQ_STR(off[0], "d2hvYW1p");
    KT_EQ_STR(off[1], "dob2Fta");
    KT_EQ_STR(off[2], "3aG9hbW");
    for (int i = 0; i < 3; i++)
        free(off[i]);
    unsigned char net[16];
    int fam, bits;
    KT_EQ_INT(sg_cidr_parse("192.168.0.0/16", net, &fam, &bits), 0);
    KT_CHECK(sg_cidr_match(net, fam, bits, "192.168.255.1", 13));
    KT_CHECK(!sg_cidr_match(net, fam, bits, "192.169.0.1", 11));
    KT_CHECK(!sg_cidr_match(net, fam, bits, "not an ip", 9));
    KT_CHECK(sg_name_match("selection_*", "selection_a"));
    KT_CHECK(!sg_name_match("selection_*", "filter_a"));
    KT_CHECK(sg_name_match("*", ""));
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

KTEST(test_sigma_ruleset_load_walks_dirs_and_records_failures)
{
    char dir[] = "/tmp/ks-sigma-XXXXXX";
    KT_REQUIRE(mkdtemp(dir) != NULL);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    KT_REQUIRE(mkdir(sub, 0700) == 0);
    const char *ok = "title: t\nlogsource: {category: webserver}\ndetection:\n"
                     "    s: {path: x}\n    condition: s\n";
    write_file(dir, "a.yml", ok);
    write_file(sub, "b.yaml", ok);
    write_file(sub, "notes.txt", "not a rule");
    write_file(sub, "broken.yml", "title: [x\n");
    ks_sigma_ruleset *rs = NULL;
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(ks_sigma_ruleset_load(&rs, dir, &err) == 0);
    KT_EQ_INT(ks_sigma_ruleset_files(rs), 3);
    KT_EQ_INT(ks_sigma_ruleset_count(rs), 2);
    KT_EQ_INT(ks_sigma_ruleset_failures(rs), 1);
    const char *file = NULL, *why = NULL;
    ks_sigma_ruleset_failure(rs, 0, &file, &why);
    KT_CHECK(file && strstr(file, "sub/broken.yml"));
    KT_CHECK(why && strstr(why, "YAML line"));
    ks_sigma_ruleset_free(rs);
    KT_CHECK(ks_sigma_ruleset_load(&rs, "/nonexistent/rules", &err) == KS_EIO);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    KT_CHECK(system(cmd) == 0);
}
