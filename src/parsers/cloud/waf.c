/* waf.c — AWS WAF logs into `events` and `waf`.
 *
 * Record reference: "Log fields for web ACL traffic" (AWS WAF Developer Guide). Every
 * top-level field has a column (nested ones as JSON text, Athena's names in lower case);
 * fields added later go to `extra`; httpRequest's scalar members and the Host and
 * User-Agent headers are flattened for convenience.
 */
#include "parsers/cloud/waf.h"

#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/json.h"
#include "core/time.h"
#include "parsers/jsonrec.h"
#include "parsers/sniff.h"

enum {
    C_TIME, C_TIMESTAMP, C_FORMATVERSION, C_WEBACLID, C_TERMRULEID, C_TERMRULETYPE, C_ACTION,
    C_TERMRULEMATCH, C_SOURCENAME, C_SOURCEID, C_RULEGROUPS, C_RATERULES, C_NONTERM,
    C_HDRSINSERTED, C_RESPCODE, C_HTTPREQUEST, C_LABELS, C_CAPTCHA, C_CHALLENGE, C_JA3, C_JA4,
    C_OVERSIZE, C_BODYSIZE, C_BODYINSPECTED,
    C_CLIENTIP, C_COUNTRY, C_URI, C_ARGS, C_METHOD, C_VERSION, C_REQID, C_HOST, C_UA,
    C_EXTRA, C_N
};
/* top-level keys for C_TIMESTAMP..C_BODYINSPECTED, in order */
static const char *const keys[] = {
    "timestamp", "formatVersion", "webaclId", "terminatingRuleId", "terminatingRuleType",
    "action", "terminatingRuleMatchDetails", "httpSourceName", "httpSourceId", "ruleGroupList",
    "rateBasedRuleList", "nonTerminatingMatchingRules", "requestHeadersInserted",
    "responseCodeSent", "httpRequest", "labels", "captchaResponse", "challengeResponse",
    "ja3Fingerprint", "ja4Fingerprint", "oversizeFields", "requestBodySize",
    "requestBodySizeInspectedByAWSWAF"};
#define N_KEYS (sizeof keys / sizeof keys[0])

static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "timestamp as UTC"},
    [C_TIMESTAMP] = {"timestamp", KS_COL_INT, "epoch milliseconds as written"},
    [C_FORMATVERSION] = {"formatversion", KS_COL_INT, "formatVersion"},
    [C_WEBACLID] = {"webaclid", KS_COL_TEXT, "web ACL ARN"},
    [C_TERMRULEID] = {"terminatingruleid", KS_COL_TEXT, "rule that decided (Default_Action when none)"},
    [C_TERMRULETYPE] = {"terminatingruletype", KS_COL_TEXT, "REGULAR, RATE_BASED, GROUP, MANAGED_RULE_GROUP"},
    [C_ACTION] = {"action", KS_COL_TEXT, "ALLOW, BLOCK, COUNT, CAPTCHA, CHALLENGE"},
    [C_TERMRULEMATCH] = {"terminatingrulematchdetails", KS_COL_JSON, "what matched (JSON: conditionType, location, matchedData)"},
    [C_SOURCENAME] = {"httpsourcename", KS_COL_TEXT, "CF, ALB, APIGW, APPSYNC, COGNITOIDP, ..."},
    [C_SOURCEID] = {"httpsourceid", KS_COL_TEXT, "the protected resource"},
    [C_RULEGROUPS] = {"rulegrouplist", KS_COL_JSON, "rule groups evaluated (JSON)"},
    [C_RATERULES] = {"ratebasedrulelist", KS_COL_JSON, "rate-based rules (JSON)"},
    [C_NONTERM] = {"nonterminatingmatchingrules", KS_COL_JSON, "COUNT matches (JSON)"},
    [C_HDRSINSERTED] = {"requestheadersinserted", KS_COL_JSON, "headers inserted (JSON)"},
    [C_RESPCODE] = {"responsecodesent", KS_COL_TEXT, "custom response code"},
    [C_HTTPREQUEST] = {"httprequest", KS_COL_JSON, "the request (JSON: clientIp, country, headers, uri, args, ...)"},
    [C_LABELS] = {"labels", KS_COL_JSON, "labels added (JSON)"},
    [C_CAPTCHA] = {"captcharesponse", KS_COL_JSON, "CAPTCHA result (JSON)"},
    [C_CHALLENGE] = {"challengeresponse", KS_COL_JSON, "challenge result (JSON)"},
    [C_JA3] = {"ja3fingerprint", KS_COL_TEXT, "JA3 TLS fingerprint"},
    [C_JA4] = {"ja4fingerprint", KS_COL_TEXT, "JA4 TLS fingerprint"},
    [C_OVERSIZE] = {"oversizefields", KS_COL_JSON, "fields over the inspection limit (JSON)"},
    [C_BODYSIZE] = {"requestbodysize", KS_COL_INT, "request body bytes"},
    [C_BODYINSPECTED] = {"requestbodysizeinspectedbyawswaf", KS_COL_INT, "bytes inspected"},
    [C_CLIENTIP] = {"client_ip", KS_COL_TEXT, "httpRequest.clientIp"},
    [C_COUNTRY] = {"country", KS_COL_TEXT, "httpRequest.country"},
    [C_URI] = {"uri", KS_COL_TEXT, "httpRequest.uri"},
    [C_ARGS] = {"args", KS_COL_TEXT, "httpRequest.args (query string)"},
    [C_METHOD] = {"http_method", KS_COL_TEXT, "httpRequest.httpMethod"},
    [C_VERSION] = {"http_version", KS_COL_TEXT, "httpRequest.httpVersion"},
    [C_REQID] = {"request_id", KS_COL_TEXT, "httpRequest.requestId"},
    [C_HOST] = {"host", KS_COL_TEXT, "Host header"},
    [C_UA] = {"user_agent", KS_COL_TEXT, "User-Agent header"},
    [C_EXTRA] = {"extra", KS_COL_JSON, "top-level fields not listed above (JSON object)"},
};
const ks_table_def ks_table_waf = {"waf", "AWS WAF web ACL logs", cols, C_N};

static ks_val val_of(const ks_json_doc *d, ks_jv v, ks_col_type t)
{
    switch (ks_json_type_of(d, v)) {
    case KS_JSON_STRING: return ks_v_text(ks_json_str(d, v));
    case KS_JSON_INVALID:
    case KS_JSON_NULL: return ks_v_null();
    default: break;
    }
    if (t == KS_COL_INT) {
        int64_t x;
        if (ks_json_int(d, v, &x) == 0)
            return ks_v_int(x);
    }
    return ks_v_text(ks_json_raw(d, v));
}

typedef struct waf_state {
    ks_json_doc *doc;
    ks_buf extra, msg, tgt;
} waf_state;

static const char *map(waf_state *st, ks_jv rec, ks_val *v, ks_event *ev)
{
    const ks_json_doc *d = st->doc;
    for (int i = 0; i < C_N; i++)
        v[i] = ks_v_null();
    ks_buf_reset(&st->extra);
    for (ks_jv k = ks_json_first(d, rec); k != KS_JV_NONE; k = ks_json_next(d, k)) {
        ks_str key = ks_json_str(d, k);
        ks_jv val = ks_json_member_value(d, k);
        size_t i = 0;
        for (; i < N_KEYS; i++)
            if (strlen(keys[i]) == key.n && !memcmp(keys[i], key.p, key.n))
                break;
        if (i < N_KEYS) {
            v[C_TIMESTAMP + i] = val_of(d, val, cols[C_TIMESTAMP + i].type);
            continue;
        }
        ks_buf_putc(&st->extra, st->extra.len ? ',' : '{');
        ks_escape_json(&st->extra, key.p, key.n);
        ks_buf_putc(&st->extra, ':');
        ks_str raw = ks_json_raw(d, val);
        ks_buf_append(&st->extra, raw.p, raw.n);
    }
    if (st->extra.len && !ks_buf_putc(&st->extra, '}'))
        v[C_EXTRA] = ks_v_text((ks_str){st->extra.data, st->extra.len});
    if (v[C_TIMESTAMP].kind != KS_V_INT)
        return "WAF record without a numeric timestamp";
    int64_t ms = v[C_TIMESTAMP].i;
    if (ms < -9000000000000LL || ms > 9000000000000LL)
        return "WAF timestamp out of range";
    v[C_TIME] = ks_v_int(ms * 1000000);
    ks_jv req = ks_json_get(d, rec, "httpRequest");
    static const struct {
        const char *k;
        int c;
    } rq[] = {{"clientIp", C_CLIENTIP}, {"country", C_COUNTRY}, {"uri", C_URI},
              {"args", C_ARGS}, {"httpMethod", C_METHOD}, {"httpVersion", C_VERSION},
              {"requestId", C_REQID}};
    for (size_t i = 0; i < sizeof rq / sizeof rq[0]; i++) {
        ks_str s = ks_json_get_str(d, req, rq[i].k);
        if (s.p)
            v[rq[i].c] = ks_v_text(s);
    }
    ks_jv hs = ks_json_get(d, req, "headers");
    for (ks_jv h = ks_json_first(d, hs); h != KS_JV_NONE; h = ks_json_next(d, h)) {
        ks_str name = ks_json_get_str(d, h, "name");
        ks_str value = ks_json_get_str(d, h, "value");
        if (!name.p || !value.p)
            continue;
        if (name.n == 4 && !strncasecmp(name.p, "host", 4) && v[C_HOST].kind == KS_V_NULL)
            v[C_HOST] = ks_v_text(value);
        else if (name.n == 10 && !strncasecmp(name.p, "user-agent", 10) &&
                 v[C_UA].kind == KS_V_NULL)
            v[C_UA] = ks_v_text(value);
    }
    ks_event_init(ev);
    ev->time = v[C_TIME].i;
    ev->time_desc = "request";
    ev->src_ip = v[C_CLIENTIP].s;
    ev->action = v[C_ACTION].kind ? v[C_ACTION].s : KS_STR_LIT("request");
    ev->host = v[C_HOST].s;
    ks_buf_reset(&st->tgt);
    if (v[C_URI].kind)
        ks_buf_append(&st->tgt, v[C_URI].s.p, v[C_URI].s.n);
    if (v[C_ARGS].kind && v[C_ARGS].s.n) {
        ks_buf_putc(&st->tgt, '?');
        ks_buf_append(&st->tgt, v[C_ARGS].s.p, v[C_ARGS].s.n);
    }
    if (st->tgt.len)
        ev->target = (ks_str){st->tgt.data, st->tgt.len};
    ev->outcome = v[C_ACTION].kind && ks_str_eq(v[C_ACTION].s, "BLOCK") ? KS_STR_LIT("failure")
                                                                       : KS_STR_LIT("success");
    /* arn:aws:wafv2:REGION:ACCOUNT:... */
    ks_str arn = v[C_WEBACLID].s;
    if (arn.p && arn.n > 10 && !memcmp(arn.p, "arn:", 4)) {
        const char *c[5] = {0};
        int k = 0;
        for (const char *q = arn.p; q < arn.p + arn.n && k < 5; q++)
            if (*q == ':')
                c[k++] = q;
        if (k == 5) {
            if (c[3] > c[2] + 1)
                ev->region = (ks_str){c[2] + 1, (size_t)(c[3] - c[2] - 1)};
            if (c[4] > c[3] + 1)
                ev->account = (ks_str){c[3] + 1, (size_t)(c[4] - c[3] - 1)};
        }
    }
    ks_buf_reset(&st->msg);
    ks_buf_append(&st->msg, ev->action.p, ev->action.n);
    if (v[C_TERMRULEID].kind) {
        ks_buf_puts(&st->msg, " by ");
        ks_buf_append(&st->msg, v[C_TERMRULEID].s.p, v[C_TERMRULEID].s.n);
    }
    if (v[C_METHOD].kind) {
        ks_buf_puts(&st->msg, ": ");
        ks_buf_append(&st->msg, v[C_METHOD].s.p, v[C_METHOD].s.n);
    }
    if (st->tgt.len) {
        ks_buf_putc(&st->msg, ' ');
        ks_buf_append(&st->msg, st->tgt.data, st->tgt.len > 2048 ? 2048 : st->tgt.len);
    }
    ev->message = (ks_str){st->msg.data, st->msg.len};
    return NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (ks_sniff_first_char(head, n) != '{')
        return 0;
    return ks_sniff_has(head, n, "\"webaclId\"") && ks_sniff_has(head, n, "\"httpRequest\"") ? 90
                                                                                           : 0;
}

static const char *map_record(void *state, ks_json_doc *doc, ks_jv root, ks_val *v,
                              ks_event *ev)
{
    waf_state *st = state;
    st->doc = doc;
    return map(st, root, v, ev);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    waf_state *st = calloc(1, sizeof *st);
    if (!st)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_buf_init(&st->extra, 1 << 24);
    ks_buf_init(&st->msg, 1 << 13);
    ks_buf_init(&st->tgt, 1 << 24);
    ks_jsonrec_mapper m = {NULL, &ks_table_waf, "WAF record is not a JSON object", map_record, st};
    int rc = ks_jsonrec_map_each(ctx, &m, err);
    ks_buf_free(&st->extra);
    ks_buf_free(&st->msg);
    ks_buf_free(&st->tgt);
    free(st);
    return rc;
}

const ks_parser ks_parser_waf = {
    "waf",
    "AWS WAF web ACL logs (JSON lines; every field kept, request flattened)",
    (const ks_table_def *const[]){&ks_table_waf, NULL},
    sniff,
    parse,
};
