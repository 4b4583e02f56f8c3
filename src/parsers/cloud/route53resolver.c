/* route53resolver.c — Route 53 Resolver query logs into `events` and `route53_resolver`.
 *
 * Record reference ("Values that appear in Resolver query logs"): version, account_id,
 * region, vpc_id, query_timestamp, query_name, query_type, query_class, rcode, answers[
 * {Rdata,Type,Class}], srcaddr, srcport, transport, srcids{instance|resolver_endpoint|
 * resolver_network_interface}, and for DNS Firewall matches firewall_rule_action,
 * firewall_rule_group_id, firewall_domain_list_id, firewall_protection.
 */
#include "parsers/cloud/route53resolver.h"

#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/json.h"
#include "core/time.h"
#include "parsers/jsonrec.h"
#include "parsers/sniff.h"

enum {
    C_TIME, C_VERSION, C_ACCOUNT, C_REGION, C_VPC, C_QTS, C_QNAME, C_QTYPE, C_QCLASS, C_RCODE,
    C_ANSWERS, C_ANSWER_DATA, C_SRCADDR, C_SRCPORT, C_TRANSPORT, C_SRCIDS, C_INSTANCE,
    C_FW_ACTION, C_FW_GROUP, C_FW_LIST, C_EXTRA, C_N
};
static const char *const keys[] = {"version", "account_id", "region", "vpc_id", "query_timestamp",
                                   "query_name", "query_type", "query_class", "rcode", "answers",
                                   "srcaddr", "srcport", "transport", "srcids",
                                   "firewall_rule_action", "firewall_rule_group_id",
                                   "firewall_domain_list_id", NULL};
static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "query_timestamp (UTC)"},
    [C_VERSION] = {"version", KS_COL_TEXT, "log version"},
    [C_ACCOUNT] = {"account_id", KS_COL_TEXT, "account of the VPC"},
    [C_REGION] = {"region", KS_COL_TEXT, "region"},
    [C_VPC] = {"vpc_id", KS_COL_TEXT, "VPC the query came from"},
    [C_QTS] = {"query_timestamp", KS_COL_TEXT, "as written"},
    [C_QNAME] = {"query_name", KS_COL_TEXT, "queried name (with the trailing dot)"},
    [C_QTYPE] = {"query_type", KS_COL_TEXT, "A, AAAA, TXT, ..."},
    [C_QCLASS] = {"query_class", KS_COL_TEXT, "IN, ..."},
    [C_RCODE] = {"rcode", KS_COL_TEXT, "NOERROR, NXDOMAIN, SERVFAIL, ..."},
    [C_ANSWERS] = {"answers", KS_COL_JSON, "answers (JSON array of {Rdata, Type, Class})"},
    [C_ANSWER_DATA] = {"answer_data", KS_COL_TEXT, "the answers' Rdata joined with ','"},
    [C_SRCADDR] = {"srcaddr", KS_COL_TEXT, "querying address"},
    [C_SRCPORT] = {"srcport", KS_COL_INT, "querying port"},
    [C_TRANSPORT] = {"transport", KS_COL_TEXT, "UDP, TCP"},
    [C_SRCIDS] = {"srcids", KS_COL_JSON, "source ids (JSON: instance, resolver_endpoint, ...)"},
    [C_INSTANCE] = {"instance_id", KS_COL_TEXT, "srcids.instance"},
    [C_FW_ACTION] = {"firewall_rule_action", KS_COL_TEXT, "DNS Firewall action (BLOCK, ALERT, ALLOW)"},
    [C_FW_GROUP] = {"firewall_rule_group_id", KS_COL_TEXT, "DNS Firewall rule group"},
    [C_FW_LIST] = {"firewall_domain_list_id", KS_COL_TEXT, "DNS Firewall domain list"},
    [C_EXTRA] = {"extra", KS_COL_JSON, "other members (JSON object)"},
};
const ks_table_def ks_table_route53resolver = {"route53_resolver",
                                               "Route 53 Resolver query logs", cols, C_N};
static const int key_col[] = {C_VERSION, C_ACCOUNT, C_REGION, C_VPC, C_QTS, C_QNAME, C_QTYPE,
                              C_QCLASS, C_RCODE, C_ANSWERS, C_SRCADDR, C_SRCPORT, C_TRANSPORT,
                              C_SRCIDS, C_FW_ACTION, C_FW_GROUP, C_FW_LIST};

typedef struct rr_state {
    ks_json_doc *doc;
    ks_buf extra, ans, msg;
} rr_state;

static const char *map(rr_state *st, ks_jv e, ks_val *v, ks_event *ev)
{
    const ks_json_doc *d = st->doc;
    for (int i = 0; i < C_N; i++)
        v[i] = ks_v_null();
    ks_buf_reset(&st->extra);
    for (ks_jv k = ks_json_first(d, e); k != KS_JV_NONE; k = ks_json_next(d, k)) {
        ks_str key = ks_json_str(d, k);
        ks_jv val = ks_json_member_value(d, k);
        int i = 0;
        for (; keys[i]; i++)
            if (strlen(keys[i]) == key.n && !memcmp(keys[i], key.p, key.n))
                break;
        if (!keys[i]) {
            ks_buf_putc(&st->extra, st->extra.len ? ',' : '{');
            ks_escape_json(&st->extra, key.p, key.n);
            ks_buf_putc(&st->extra, ':');
            ks_str raw = ks_json_raw(d, val);
            ks_buf_append(&st->extra, raw.p, raw.n);
            continue;
        }
        int c = key_col[i];
        ks_json_type ty = ks_json_type_of(d, val);
        if (ty == KS_JSON_NULL)
            continue;
        if (cols[c].type == KS_COL_INT) {
            int64_t x;
            if (ks_json_int(d, val, &x) == 0)
                v[c] = ks_v_int(x);
            else if (ty == KS_JSON_STRING) {
                ks_str s = ks_json_str(d, val);
                int64_t y = 0;
                size_t j = 0;
                for (; j < s.n && j < 18 && s.p[j] >= '0' && s.p[j] <= '9'; j++)
                    y = y * 10 + (s.p[j] - '0');
                if (j == s.n && j)
                    v[c] = ks_v_int(y);
            }
        } else {
            v[c] = ty == KS_JSON_STRING ? ks_v_text(ks_json_str(d, val)) : ks_v_text(ks_json_raw(d, val));
        }
    }
    if (st->extra.len && !ks_buf_putc(&st->extra, '}'))
        v[C_EXTRA] = ks_v_text((ks_str){st->extra.data, st->extra.len});
    if (v[C_QTS].kind != KS_V_TEXT || v[C_QNAME].kind != KS_V_TEXT)
        return "not a Resolver query log record (no query_timestamp/query_name)";
    int64_t t;
    if (ks_time_parse_iso8601(v[C_QTS].s.p, v[C_QTS].s.n, NULL, &t))
        return "query_timestamp is not ISO 8601";
    v[C_TIME] = ks_v_int(t);
    ks_buf_reset(&st->ans);
    ks_jv answers = ks_json_get(d, e, "answers");
    for (ks_jv a = ks_json_first(d, answers); a != KS_JV_NONE; a = ks_json_next(d, a)) {
        ks_str rd = ks_json_get_str(d, a, "Rdata");
        if (!rd.p)
            continue;
        if (st->ans.len)
            ks_buf_putc(&st->ans, ',');
        ks_buf_append(&st->ans, rd.p, rd.n);
    }
    if (st->ans.len)
        v[C_ANSWER_DATA] = ks_v_text((ks_str){st->ans.data, st->ans.len});
    ks_str inst = ks_json_get_str(d, ks_json_get(d, e, "srcids"), "instance");
    if (inst.p)
        v[C_INSTANCE] = ks_v_text(inst);

    ks_event_init(ev);
    ev->time = t;
    ev->time_desc = "query";
    ev->src_ip = v[C_SRCADDR].s;
    ev->action = KS_STR_LIT("dns query");
    ev->target = v[C_QNAME].s;
    ev->outcome = v[C_FW_ACTION].kind && ks_str_eq(v[C_FW_ACTION].s, "BLOCK")
                      ? KS_STR_LIT("failure")
                      : v[C_RCODE].kind && !ks_str_eq(v[C_RCODE].s, "NOERROR") ? KS_STR_LIT("failure")
                                                                               : KS_STR_LIT("success");
    ev->host = v[C_INSTANCE].kind ? v[C_INSTANCE].s : v[C_VPC].s;
    ev->account = v[C_ACCOUNT].s;
    ev->region = v[C_REGION].s;
    ks_buf_reset(&st->msg);
    if (v[C_QTYPE].kind) {
        ks_buf_append(&st->msg, v[C_QTYPE].s.p, v[C_QTYPE].s.n);
        ks_buf_putc(&st->msg, ' ');
    }
    ks_buf_append(&st->msg, v[C_QNAME].s.p, v[C_QNAME].s.n > 1024 ? 1024 : v[C_QNAME].s.n);
    if (v[C_RCODE].kind) {
        ks_buf_puts(&st->msg, " -> ");
        ks_buf_append(&st->msg, v[C_RCODE].s.p, v[C_RCODE].s.n);
    }
    if (st->ans.len) {
        ks_buf_putc(&st->msg, ' ');
        ks_buf_append(&st->msg, st->ans.data, st->ans.len > 1024 ? 1024 : st->ans.len);
    }
    if (v[C_FW_ACTION].kind) {
        ks_buf_puts(&st->msg, " firewall ");
        ks_buf_append(&st->msg, v[C_FW_ACTION].s.p, v[C_FW_ACTION].s.n);
    }
    ev->message = (ks_str){st->msg.data, st->msg.len};
    return NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (ks_sniff_first_char(head, n) != '{')
        return 0;
    return ks_sniff_has(head, n, "\"query_timestamp\"") && ks_sniff_has(head, n, "\"query_name\"")
               ? 90
               : 0;
}

static const char *map_record(void *state, ks_json_doc *doc, ks_jv root, ks_val *v,
                              ks_event *ev)
{
    rr_state *st = state;
    st->doc = doc;
    return map(st, root, v, ev);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    rr_state *st = calloc(1, sizeof *st);
    if (!st)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_buf_init(&st->extra, 1 << 20);
    ks_buf_init(&st->ans, 1 << 20);
    ks_buf_init(&st->msg, 1 << 13);
    ks_jsonrec_mapper m = {NULL, &ks_table_route53resolver, "record is not a JSON object", map_record, st};
    int rc = ks_jsonrec_map_each(ctx, &m, err);
    ks_buf_free(&st->extra);
    ks_buf_free(&st->ans);
    ks_buf_free(&st->msg);
    free(st);
    return rc;
}

const ks_parser ks_parser_route53resolver = {
    "route53_resolver",
    "Amazon Route 53 Resolver query logs (JSON lines; DNS Firewall fields)",
    (const ks_table_def *const[]){&ks_table_route53resolver, NULL},
    sniff,
    parse,
};
