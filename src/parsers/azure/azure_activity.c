/* azure_activity.c — Azure Activity Log and sign-in records into `events` and
 * `azure_activity`.
 *
 * Three spellings of the same event exist: the diagnostic-settings schema ("Azure Activity
 * Log event schema": time, resourceId, operationName, category, resultType, callerIpAddress,
 * identity, properties), the REST/`az` EventData (eventTimestamp, operationName{value},
 * caller, httpRequest{clientIpAddress}, status{value}, subscriptionId, ...) and the Python
 * SDK's snake_case rendering of EventData (event_timestamp, operation_name, http_request,
 * ...). Each column is looked up under every spelling; LocalizableString members
 * ({"value","localizedValue"}) give their value. Sign-in logs (category SignInLogs and
 * its non-interactive / service-principal variants) add the user, application and error
 * code from properties.
 */
#include "parsers/azure/azure_activity.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "parsers/jsonrec.h"
#include "parsers/sniff.h"

enum {
    C_TIME, C_OPERATION, C_CATEGORY, C_EVENT_NAME, C_STATUS, C_SUB_STATUS, C_LEVEL, C_CALLER,
    C_CALLER_IP, C_CORRELATION, C_OPERATION_ID, C_EVENT_DATA_ID, C_SUBSCRIPTION, C_TENANT,
    C_RESOURCE_GROUP, C_PROVIDER, C_RESOURCE_TYPE, C_RESOURCE_ID, C_HTTP_METHOD, C_UPN,
    C_APP, C_ERROR_CODE, C_FAILURE, C_LOCATION, C_SUBMITTED, C_AUTHORIZATION, C_CLAIMS,
    C_IDENTITY, C_PROPERTIES, C_N
};
static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "eventTimestamp / time (UTC)"},
    [C_OPERATION] = {"operation_name", KS_COL_TEXT, "operationName (Microsoft.Compute/disks/delete, Sign-in activity, ...)"},
    [C_CATEGORY] = {"category", KS_COL_TEXT, "Administrative, Security, Policy, ServiceHealth, SignInLogs, ..."},
    [C_EVENT_NAME] = {"event_name", KS_COL_TEXT, "BeginRequest, EndRequest"},
    [C_STATUS] = {"status", KS_COL_TEXT, "status / resultType (Started, Accepted, Succeeded, Failed)"},
    [C_SUB_STATUS] = {"sub_status", KS_COL_TEXT, "subStatus / resultSignature"},
    [C_LEVEL] = {"level", KS_COL_TEXT, "Critical, Error, Warning, Informational, Verbose"},
    [C_CALLER] = {"caller", KS_COL_TEXT, "caller (UPN or object id); identity.claims name for exports"},
    [C_CALLER_IP] = {"caller_ip", KS_COL_TEXT, "httpRequest.clientIpAddress / callerIpAddress / properties.ipAddress"},
    [C_CORRELATION] = {"correlation_id", KS_COL_TEXT, "correlationId"},
    [C_OPERATION_ID] = {"operation_id", KS_COL_TEXT, "operationId"},
    [C_EVENT_DATA_ID] = {"event_data_id", KS_COL_TEXT, "eventDataId"},
    [C_SUBSCRIPTION] = {"subscription_id", KS_COL_TEXT, "subscriptionId (else from resourceId)"},
    [C_TENANT] = {"tenant_id", KS_COL_TEXT, "tenantId"},
    [C_RESOURCE_GROUP] = {"resource_group", KS_COL_TEXT, "resourceGroupName"},
    [C_PROVIDER] = {"resource_provider", KS_COL_TEXT, "resourceProviderName"},
    [C_RESOURCE_TYPE] = {"resource_type", KS_COL_TEXT, "resourceType"},
    [C_RESOURCE_ID] = {"resource_id", KS_COL_TEXT, "resourceId"},
    [C_HTTP_METHOD] = {"http_method", KS_COL_TEXT, "httpRequest.method"},
    [C_UPN] = {"user_principal_name", KS_COL_TEXT, "sign-ins: properties.userPrincipalName"},
    [C_APP] = {"app_display_name", KS_COL_TEXT, "sign-ins: properties.appDisplayName"},
    [C_ERROR_CODE] = {"error_code", KS_COL_INT, "sign-ins: properties.status.errorCode (0 = success)"},
    [C_FAILURE] = {"failure_reason", KS_COL_TEXT, "sign-ins: properties.status.failureReason"},
    [C_LOCATION] = {"location", KS_COL_TEXT, "sign-ins: city, country from properties.location; else the event location"},
    [C_SUBMITTED] = {"submission_timestamp", KS_COL_TEXT, "submissionTimestamp as written"},
    [C_AUTHORIZATION] = {"authorization", KS_COL_JSON, "authorization (JSON: action, scope, role)"},
    [C_CLAIMS] = {"claims", KS_COL_JSON, "claims (JSON)"},
    [C_IDENTITY] = {"identity", KS_COL_JSON, "identity (JSON, diagnostic exports)"},
    [C_PROPERTIES] = {"properties", KS_COL_JSON, "properties (JSON)"},
};
const ks_table_def ks_table_azure_activity = {"azure_activity",
                                              "Azure Activity Log events and Entra ID sign-ins",
                                              cols, C_N};

typedef struct az_state {
    ks_json_doc *doc;
    ks_buf msg, loc;
} az_state;

/* First present member among the names (NULL-terminated); LocalizableString -> value. */
static ks_val any(const ks_json_doc *d, ks_jv o, const char *const *names)
{
    for (; *names; names++) {
        ks_jv x = ks_json_path(d, o, *names);
        switch (ks_json_type_of(d, x)) {
        case KS_JSON_INVALID:
        case KS_JSON_NULL: continue;
        case KS_JSON_STRING: return ks_v_text(ks_json_str(d, x));
        case KS_JSON_OBJECT: {
            ks_jv val = ks_json_get(d, x, "value");
            if (ks_json_type_of(d, val) == KS_JSON_STRING)
                return ks_v_text(ks_json_str(d, val));
            return ks_v_text(ks_json_raw(d, x));
        }
        default: return ks_v_text(ks_json_raw(d, x));
        }
    }
    return ks_v_null();
}
#define ANY(...) any(d, e, (const char *const[]){__VA_ARGS__, NULL})

static bool starts(ks_val v, const char *lit)
{
    size_t n = strlen(lit);
    return v.kind == KS_V_TEXT && v.s.n >= n && !memcmp(v.s.p, lit, n);
}

static const char *map(az_state *st, ks_jv e, ks_val *v, ks_event *ev)
{
    const ks_json_doc *d = st->doc;
    for (int i = 0; i < C_N; i++)
        v[i] = ks_v_null();
    ks_val ts = ANY("event_timestamp", "eventTimestamp", "time");
    v[C_OPERATION] = ANY("operation_name", "operationName");
    if (ts.kind != KS_V_TEXT || v[C_OPERATION].kind != KS_V_TEXT)
        return "not an Azure activity/sign-in record (no time/operationName)";
    int64_t t;
    if (ks_time_parse_iso8601(ts.s.p, ts.s.n, NULL, &t))
        return "Azure event time is not ISO 8601";
    v[C_TIME] = ks_v_int(t);
    v[C_CATEGORY] = ANY("category");
    v[C_EVENT_NAME] = ANY("event_name", "eventName");
    v[C_STATUS] = ANY("status", "resultType");
    v[C_SUB_STATUS] = ANY("sub_status", "subStatus", "resultSignature");
    v[C_LEVEL] = ANY("level");
    v[C_CALLER] = ANY("caller", "identity.claims.name",
                      "identity.claims.http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn");
    v[C_CALLER_IP] = ANY("http_request.client_ip_address", "httpRequest.clientIpAddress",
                         "callerIpAddress", "properties.ipAddress");
    v[C_CORRELATION] = ANY("correlation_id", "correlationId");
    v[C_OPERATION_ID] = ANY("operation_id", "operationId");
    v[C_EVENT_DATA_ID] = ANY("event_data_id", "eventDataId");
    v[C_SUBSCRIPTION] = ANY("subscription_id", "subscriptionId");
    v[C_TENANT] = ANY("tenant_id", "tenantId");
    v[C_RESOURCE_GROUP] = ANY("resource_group_name", "resourceGroupName");
    v[C_PROVIDER] = ANY("resource_provider_name", "resourceProviderName");
    v[C_RESOURCE_TYPE] = ANY("resource_type", "resourceType");
    v[C_RESOURCE_ID] = ANY("resource_id", "resourceId");
    v[C_HTTP_METHOD] = ANY("http_request.method", "httpRequest.method");
    v[C_UPN] = ANY("properties.userPrincipalName");
    v[C_APP] = ANY("properties.appDisplayName");
    int64_t ec;
    if (ks_json_int(d, ks_json_path(d, e, "properties.status.errorCode"), &ec) == 0)
        v[C_ERROR_CODE] = ks_v_int(ec);
    v[C_FAILURE] = ANY("properties.status.failureReason");
    ks_jv loc = ks_json_path(d, e, "properties.location");
    ks_buf_reset(&st->loc);
    if (ks_json_type_of(d, loc) == KS_JSON_OBJECT) {
        ks_str city = ks_json_get_str(d, loc, "city"), cc = ks_json_get_str(d, loc, "countryOrRegion");
        if (city.p)
            ks_buf_append(&st->loc, city.p, city.n);
        if (cc.p) {
            if (st->loc.len)
                ks_buf_puts(&st->loc, ", ");
            ks_buf_append(&st->loc, cc.p, cc.n);
        }
        if (st->loc.len)
            v[C_LOCATION] = ks_v_text((ks_str){st->loc.data, st->loc.len});
    }
    if (v[C_LOCATION].kind == KS_V_NULL)
        v[C_LOCATION] = ANY("location");
    v[C_SUBMITTED] = ANY("submission_timestamp", "submissionTimestamp");
    v[C_AUTHORIZATION] = ANY("authorization");
    v[C_CLAIMS] = ANY("claims");
    v[C_IDENTITY] = ANY("identity");
    v[C_PROPERTIES] = ANY("properties");
    /* subscription from /subscriptions/ID/... when not given */
    ks_val rid = v[C_RESOURCE_ID];
    if (v[C_SUBSCRIPTION].kind == KS_V_NULL && rid.kind == KS_V_TEXT && rid.s.n > 15 &&
        !strncasecmp(rid.s.p, "/subscriptions/", 15)) {
        const char *a = rid.s.p + 15, *sl = memchr(a, '/', rid.s.n - 15);
        v[C_SUBSCRIPTION] = ks_v_text((ks_str){a, sl ? (size_t)(sl - a) : rid.s.n - 15});
    }

    ks_event_init(ev);
    ev->time = t;
    ev->time_desc = "event";
    ev->actor = v[C_UPN].kind ? v[C_UPN].s : v[C_CALLER].s;
    ev->src_ip = v[C_CALLER_IP].s;
    ev->action = v[C_OPERATION].s;
    ev->target = v[C_RESOURCE_ID].kind ? v[C_RESOURCE_ID].s : v[C_APP].s;
    if (v[C_ERROR_CODE].kind == KS_V_INT)
        ev->outcome = v[C_ERROR_CODE].i ? KS_STR_LIT("failure") : KS_STR_LIT("success");
    else if (starts(v[C_STATUS], "Fail"))
        ev->outcome = KS_STR_LIT("failure");
    else if (starts(v[C_STATUS], "Succe") || starts(v[C_STATUS], "Start") ||
             starts(v[C_STATUS], "Accept"))
        ev->outcome = KS_STR_LIT("success");
    ev->account = v[C_SUBSCRIPTION].s;
    ev->region = v[C_LOCATION].s;
    ks_buf_reset(&st->msg);
    ks_buf_append(&st->msg, v[C_OPERATION].s.p, v[C_OPERATION].s.n);
    if (v[C_STATUS].kind) {
        ks_buf_puts(&st->msg, " -> ");
        ks_buf_append(&st->msg, v[C_STATUS].s.p, v[C_STATUS].s.n);
    }
    if (v[C_FAILURE].kind) {
        ks_buf_puts(&st->msg, ": ");
        ks_buf_append(&st->msg, v[C_FAILURE].s.p, v[C_FAILURE].s.n);
    }
    ev->message = (ks_str){st->msg.data, st->msg.len};
    return NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    int c = ks_sniff_first_char(head, n);
    if (c != '{' && c != '[')
        return 0;
    /* The operation must be a member of the records themselves, not a value quoted deeper. */
    int d1 = ks_sniff_has(head, n, "\"operation_name\"") ? ks_sniff_key_depth(head, n, "operation_name") : -1,
        d2 = ks_sniff_has(head, n, "\"operationName\"") ? ks_sniff_key_depth(head, n, "operationName") : -1;
    bool op = (d1 > 0 && d1 <= 3) || (d2 > 0 && d2 <= 3);
    if (!op)
        return 0;
    if (ks_sniff_has(head, n, "\"correlation_id\"") || ks_sniff_has(head, n, "\"correlationId\"") ||
        ks_sniff_has(head, n, "\"resourceId\"") || ks_sniff_has(head, n, "/subscriptions/"))
        return 80;
    return 0;
}

static const char *const wrap_keys[] = {"records", "value", NULL};

static const char *map_record(void *state, ks_json_doc *doc, ks_jv root, ks_val *v,
                              ks_event *ev)
{
    az_state *st = state;
    st->doc = doc;
    return map(st, root, v, ev);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    az_state *st = calloc(1, sizeof *st);
    if (!st)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_buf_init(&st->msg, 1 << 13);
    ks_buf_init(&st->loc, 1 << 12);
    ks_jsonrec_mapper m = {wrap_keys, &ks_table_azure_activity, "Azure record is not a JSON object", map_record, st};
    int rc = ks_jsonrec_map_each(ctx, &m, err);
    ks_buf_free(&st->msg);
    ks_buf_free(&st->loc);
    free(st);
    return rc;
}

const ks_parser ks_parser_azure_activity = {
    "azure_activity",
    "Azure Activity Log and Entra ID sign-in records (diagnostic exports, REST, SDK form)",
    (const ks_table_def *const[]){&ks_table_azure_activity, NULL},
    sniff,
    parse,
};
