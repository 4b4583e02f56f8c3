/* guardduty.c — GuardDuty findings into `events` and `guardduty`.
 *
 * Finding reference: "Finding details" (GuardDuty User Guide) and the API's Finding
 * structure. The API returns PascalCase members (AccountId, Service.Action.ActionType), the
 * EventBridge and S3-export forms camelCase (accountId, service.action.actionType): names
 * are matched without regard to the case of letters, so one mapping reads all forms. The
 * whole Resource and Service objects are kept as JSON, plus flattened columns for what a
 * responder filters on (type, severity, resource, remote IP, API, domain).
 */
#include "parsers/cloud/guardduty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/escape.h"
#include "core/json.h"
#include "core/time.h"
#include "parsers/jsonrec.h"
#include "parsers/sniff.h"

enum {
    C_TIME, C_ID, C_TYPE, C_TITLE, C_DESCRIPTION, C_SEVERITY, C_SEVERITY_LABEL, C_ACCOUNT,
    C_REGION, C_ARN, C_PARTITION, C_SCHEMA, C_CREATED, C_UPDATED, C_FIRST_SEEN, C_LAST_SEEN,
    C_COUNT, C_ARCHIVED, C_DETECTOR, C_RESOURCE_TYPE, C_INSTANCE_ID, C_ACCESS_KEY,
    C_USER_NAME, C_PRINCIPAL, C_ACTION_TYPE, C_REMOTE_IP, C_REMOTE_COUNTRY, C_API,
    C_API_SERVICE, C_DOMAIN, C_LOCAL_PORT, C_RESOURCE, C_SERVICE, C_EXTRA, C_N
};
static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "when the activity was first seen (Service.EventFirstSeen, else CreatedAt), UTC"},
    [C_ID] = {"finding_id", KS_COL_TEXT, "finding id (Id)"},
    [C_TYPE] = {"type", KS_COL_TEXT, "finding type, e.g. Recon:IAMUser/UserPermissions"},
    [C_TITLE] = {"title", KS_COL_TEXT, "title"},
    [C_DESCRIPTION] = {"description", KS_COL_TEXT, "description"},
    [C_SEVERITY] = {"severity", KS_COL_REAL, "severity 1.0..10.0"},
    [C_SEVERITY_LABEL] = {"severity_label", KS_COL_TEXT, "Low (<4), Medium (<7), High (<9), Critical"},
    [C_ACCOUNT] = {"account_id", KS_COL_TEXT, "account"},
    [C_REGION] = {"region", KS_COL_TEXT, "region"},
    [C_ARN] = {"arn", KS_COL_TEXT, "finding ARN"},
    [C_PARTITION] = {"partition", KS_COL_TEXT, "aws, aws-cn, aws-us-gov"},
    [C_SCHEMA] = {"schema_version", KS_COL_TEXT, "schema version"},
    [C_CREATED] = {"created_at", KS_COL_TEXT, "CreatedAt as written"},
    [C_UPDATED] = {"updated_at", KS_COL_TEXT, "UpdatedAt as written"},
    [C_FIRST_SEEN] = {"event_first_seen", KS_COL_TEXT, "Service.EventFirstSeen"},
    [C_LAST_SEEN] = {"event_last_seen", KS_COL_TEXT, "Service.EventLastSeen"},
    [C_COUNT] = {"count", KS_COL_INT, "Service.Count: occurrences aggregated"},
    [C_ARCHIVED] = {"archived", KS_COL_TEXT, "Service.Archived"},
    [C_DETECTOR] = {"detector_id", KS_COL_TEXT, "Service.DetectorId"},
    [C_RESOURCE_TYPE] = {"resource_type", KS_COL_TEXT, "Resource.ResourceType (Instance, AccessKey, S3Bucket, EKSCluster, ...)"},
    [C_INSTANCE_ID] = {"instance_id", KS_COL_TEXT, "Resource.InstanceDetails.InstanceId"},
    [C_ACCESS_KEY] = {"access_key_id", KS_COL_TEXT, "Resource.AccessKeyDetails.AccessKeyId"},
    [C_USER_NAME] = {"user_name", KS_COL_TEXT, "Resource.AccessKeyDetails.UserName"},
    [C_PRINCIPAL] = {"principal_id", KS_COL_TEXT, "Resource.AccessKeyDetails.PrincipalId"},
    [C_ACTION_TYPE] = {"action_type", KS_COL_TEXT, "Service.Action.ActionType (AWS_API_CALL, NETWORK_CONNECTION, PORT_PROBE, DNS_REQUEST, ...)"},
    [C_REMOTE_IP] = {"remote_ip", KS_COL_TEXT, "the action's RemoteIpDetails.IpAddressV4 (first port probe for PORT_PROBE)"},
    [C_REMOTE_COUNTRY] = {"remote_country", KS_COL_TEXT, "RemoteIpDetails.Country.CountryName"},
    [C_API] = {"api", KS_COL_TEXT, "AwsApiCallAction.Api"},
    [C_API_SERVICE] = {"api_service", KS_COL_TEXT, "AwsApiCallAction.ServiceName"},
    [C_DOMAIN] = {"domain", KS_COL_TEXT, "DnsRequestAction.Domain"},
    [C_LOCAL_PORT] = {"local_port", KS_COL_INT, "LocalPortDetails.Port (network connection / port probe)"},
    [C_RESOURCE] = {"resource", KS_COL_JSON, "Resource (JSON, as written)"},
    [C_SERVICE] = {"service", KS_COL_JSON, "Service (JSON, as written)"},
    [C_EXTRA] = {"extra", KS_COL_JSON, "other top-level members (JSON object)"},
};
const ks_table_def ks_table_guardduty = {"guardduty", "Amazon GuardDuty findings", cols, C_N};

/* ---- case-insensitive member access ----------------------------------------------- */
static ks_jv ci_get(const ks_json_doc *d, ks_jv obj, const char *key, size_t kn)
{
    if (ks_json_type_of(d, obj) != KS_JSON_OBJECT)
        return KS_JV_NONE;
    for (ks_jv k = ks_json_first(d, obj); k != KS_JV_NONE; k = ks_json_next(d, k)) {
        ks_str s = ks_json_str(d, k);
        if (s.n == kn && !strncasecmp(s.p, key, kn))
            return ks_json_member_value(d, k);
    }
    return KS_JV_NONE;
}

/* "Service.Action.PortProbeAction.PortProbeDetails.0.RemoteIpDetails" */
static ks_jv ci_path(const ks_json_doc *d, ks_jv v, const char *path)
{
    const char *p = path;
    while (*p && v != KS_JV_NONE) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n == 1 && *p >= '0' && *p <= '9')
            v = ks_json_index(d, v, (size_t)(*p - '0'));
        else
            v = ci_get(d, v, p, n);
        p += n + (dot ? 1 : 0);
    }
    return v;
}

static ks_val text_at(const ks_json_doc *d, ks_jv v, const char *path)
{
    ks_jv x = ci_path(d, v, path);
    switch (ks_json_type_of(d, x)) {
    case KS_JSON_STRING: return ks_v_text(ks_json_str(d, x));
    case KS_JSON_INVALID:
    case KS_JSON_NULL: return ks_v_null();
    default: return ks_v_text(ks_json_raw(d, x));
    }
}

static const char *const top_known[] = {"AccountId", "Arn", "CreatedAt", "Description", "Id",
                                        "Partition", "Region", "Resource", "SchemaVersion",
                                        "Service", "Severity", "Title", "Type", "UpdatedAt",
                                        NULL};

typedef struct gd_state {
    ks_json_doc *doc;
    ks_buf extra, tgt;
} gd_state;

static const char *map(gd_state *st, ks_jv f, ks_val *v, ks_event *ev)
{
    const ks_json_doc *d = st->doc;
    for (int i = 0; i < C_N; i++)
        v[i] = ks_v_null();
    v[C_ID] = text_at(d, f, "Id");
    v[C_TYPE] = text_at(d, f, "Type");
    if (v[C_TYPE].kind == KS_V_NULL)
        return "not a GuardDuty finding (no Type)";
    v[C_TITLE] = text_at(d, f, "Title");
    v[C_DESCRIPTION] = text_at(d, f, "Description");
    double sev;
    ks_jv sj = ci_get(d, f, "Severity", 8);
    if (ks_json_double(d, sj, &sev) == 0) {
        v[C_SEVERITY] = ks_v_real(sev);
        const char *label = sev < 4 ? "Low" : sev < 7 ? "Medium" : sev < 9 ? "High" : "Critical";
        v[C_SEVERITY_LABEL] = ks_v_text(ks_str_c(label));
    }
    v[C_ACCOUNT] = text_at(d, f, "AccountId");
    v[C_REGION] = text_at(d, f, "Region");
    v[C_ARN] = text_at(d, f, "Arn");
    v[C_PARTITION] = text_at(d, f, "Partition");
    v[C_SCHEMA] = text_at(d, f, "SchemaVersion");
    v[C_CREATED] = text_at(d, f, "CreatedAt");
    v[C_UPDATED] = text_at(d, f, "UpdatedAt");
    v[C_FIRST_SEEN] = text_at(d, f, "Service.EventFirstSeen");
    v[C_LAST_SEEN] = text_at(d, f, "Service.EventLastSeen");
    int64_t cnt;
    if (ks_json_int(d, ci_path(d, f, "Service.Count"), &cnt) == 0)
        v[C_COUNT] = ks_v_int(cnt);
    v[C_ARCHIVED] = text_at(d, f, "Service.Archived");
    v[C_DETECTOR] = text_at(d, f, "Service.DetectorId");
    v[C_RESOURCE_TYPE] = text_at(d, f, "Resource.ResourceType");
    v[C_INSTANCE_ID] = text_at(d, f, "Resource.InstanceDetails.InstanceId");
    v[C_ACCESS_KEY] = text_at(d, f, "Resource.AccessKeyDetails.AccessKeyId");
    v[C_USER_NAME] = text_at(d, f, "Resource.AccessKeyDetails.UserName");
    v[C_PRINCIPAL] = text_at(d, f, "Resource.AccessKeyDetails.PrincipalId");
    v[C_ACTION_TYPE] = text_at(d, f, "Service.Action.ActionType");
    static const char *const remotes[] = {
        "Service.Action.AwsApiCallAction.RemoteIpDetails",
        "Service.Action.NetworkConnectionAction.RemoteIpDetails",
        "Service.Action.PortProbeAction.PortProbeDetails.0.RemoteIpDetails",
        "Service.Action.KubernetesApiCallAction.RemoteIpDetails",
        "Service.Action.RdsLoginAttemptAction.RemoteIpDetails", NULL};
    for (const char *const *r = remotes; *r && v[C_REMOTE_IP].kind == KS_V_NULL; r++) {
        ks_jv rd = ci_path(d, f, *r);
        if (rd == KS_JV_NONE)
            continue;
        v[C_REMOTE_IP] = text_at(d, rd, "IpAddressV4");
        if (v[C_REMOTE_IP].kind == KS_V_NULL)
            v[C_REMOTE_IP] = text_at(d, rd, "IpAddressV6");
        v[C_REMOTE_COUNTRY] = text_at(d, rd, "Country.CountryName");
    }
    v[C_API] = text_at(d, f, "Service.Action.AwsApiCallAction.Api");
    v[C_API_SERVICE] = text_at(d, f, "Service.Action.AwsApiCallAction.ServiceName");
    v[C_DOMAIN] = text_at(d, f, "Service.Action.DnsRequestAction.Domain");
    int64_t port;
    if (ks_json_int(d, ci_path(d, f, "Service.Action.NetworkConnectionAction.LocalPortDetails.Port"), &port) == 0 ||
        ks_json_int(d, ci_path(d, f, "Service.Action.PortProbeAction.PortProbeDetails.0.LocalPortDetails.Port"), &port) == 0)
        v[C_LOCAL_PORT] = ks_v_int(port);
    v[C_RESOURCE] = text_at(d, f, "Resource");
    v[C_SERVICE] = text_at(d, f, "Service");
    ks_buf_reset(&st->extra);
    for (ks_jv k = ks_json_first(d, f); k != KS_JV_NONE; k = ks_json_next(d, k)) {
        ks_str key = ks_json_str(d, k);
        bool known = false;
        for (const char *const *t = top_known; *t && !known; t++)
            known = strlen(*t) == key.n && !strncasecmp(*t, key.p, key.n);
        if (known)
            continue;
        ks_buf_putc(&st->extra, st->extra.len ? ',' : '{');
        ks_escape_json(&st->extra, key.p, key.n);
        ks_buf_putc(&st->extra, ':');
        ks_str raw = ks_json_raw(d, ks_json_member_value(d, k));
        ks_buf_append(&st->extra, raw.p, raw.n);
    }
    if (st->extra.len && !ks_buf_putc(&st->extra, '}'))
        v[C_EXTRA] = ks_v_text((ks_str){st->extra.data, st->extra.len});

    int64_t t = KS_TIME_NONE;
    ks_val ts = v[C_FIRST_SEEN].kind == KS_V_TEXT ? v[C_FIRST_SEEN] : v[C_CREATED];
    if (ts.kind == KS_V_TEXT && ks_time_parse_iso8601(ts.s.p, ts.s.n, NULL, &t))
        return "finding time is not ISO 8601";
    v[C_TIME] = t == KS_TIME_NONE ? ks_v_null() : ks_v_int(t);

    ks_event_init(ev);
    ev->time = t;
    ev->time_desc = v[C_FIRST_SEEN].kind == KS_V_TEXT ? "first seen" : "created";
    ev->actor = v[C_USER_NAME].kind ? v[C_USER_NAME].s : v[C_PRINCIPAL].s;
    ev->src_ip = v[C_REMOTE_IP].s;
    ev->action = v[C_TYPE].s;
    ks_buf_reset(&st->tgt);
    ks_val tg = v[C_INSTANCE_ID].kind ? v[C_INSTANCE_ID]
                : v[C_ACCESS_KEY].kind ? v[C_ACCESS_KEY] : v[C_RESOURCE_TYPE];
    ev->target = tg.s;
    ev->host = v[C_INSTANCE_ID].s;
    ev->outcome = v[C_SEVERITY_LABEL].s;
    ev->account = v[C_ACCOUNT].s;
    ev->region = v[C_REGION].s;
    ev->message = v[C_TITLE].s;
    return NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    int c = ks_sniff_first_char(head, n);
    if (c != '{' && c != '[')
        return 0;
    if (ks_sniff_has(head, n, "\"Findings\"") && ks_sniff_has(head, n, "\"Severity\""))
        return 90;
    if (ks_sniff_has(head, n, "\"GuardDuty Finding\"") || ks_sniff_has(head, n, "\"aws.guardduty\""))
        return 90;
    if (ks_sniff_has(head, n, "\"schemaVersion\"") && ks_sniff_has(head, n, "\"severity\"") &&
        ks_sniff_has(head, n, "arn:aws:guardduty:"))
        return 85;
    return 0;
}

static const char *const wrap_keys[] = {"Findings", "findings", NULL};

static const char *map_record(void *state, ks_json_doc *doc, ks_jv root, ks_val *v,
                              ks_event *ev)
{
    gd_state *st = state;
    st->doc = doc;
    ks_jv detail = ci_get(doc, root, "detail", 6); /* EventBridge envelope */
    if (detail != KS_JV_NONE && ks_json_type_of(doc, detail) == KS_JSON_OBJECT)
        root = detail;
    return map(st, root, v, ev);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    gd_state *st = calloc(1, sizeof *st);
    if (!st)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_buf_init(&st->extra, 1 << 24);
    ks_buf_init(&st->tgt, 1 << 12);
    ks_jsonrec_mapper m = {wrap_keys, &ks_table_guardduty, "finding is not a JSON object", map_record, st};
    int rc = ks_jsonrec_map_each(ctx, &m, err);
    ks_buf_free(&st->extra);
    ks_buf_free(&st->tgt);
    free(st);
    return rc;
}

const ks_parser ks_parser_guardduty = {
    "guardduty",
    "Amazon GuardDuty findings: get-findings output, EventBridge events, S3 exports",
    (const ks_table_def *const[]){&ks_table_guardduty, NULL},
    sniff,
    parse,
};
