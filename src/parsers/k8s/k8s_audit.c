/* k8s_audit.c — Kubernetes audit events into `events` and `k8s_audit`.
 *
 * Event reference: k8s.io/apiserver/pkg/apis/audit (v1): level, auditID, stage, requestURI,
 * verb, user{username,uid,groups,extra}, impersonatedUser, sourceIPs, userAgent,
 * objectRef{resource,namespace,name,uid,apiGroup,apiVersion,resourceVersion,subresource},
 * responseStatus{code,...}, requestObject, responseObject, requestReceivedTimestamp,
 * stageTimestamp, annotations. v1beta1 adds `timestamp` and `metadata.creationTimestamp`.
 * Objects are kept whole as JSON; what a responder filters on is flattened.
 */
#include "parsers/k8s/k8s_audit.h"

#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/json.h"
#include "core/time.h"
#include "parsers/jsonrec.h"
#include "parsers/sniff.h"

enum {
    C_TIME, C_AUDIT_ID, C_STAGE, C_LEVEL, C_VERB, C_URI, C_USER, C_UID, C_GROUPS, C_IMPERSONATED,
    C_SOURCE_IPS, C_SOURCE_IP, C_UA, C_RESOURCE, C_SUBRESOURCE, C_NAMESPACE, C_NAME,
    C_API_GROUP, C_API_VERSION, C_CODE, C_STATUS, C_DECISION, C_REASON, C_REQUEST_OBJ,
    C_RESPONSE_OBJ, C_ANNOTATIONS, C_RECEIVED, C_STAGE_TS, C_EVENT_API, C_N
};
static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "stageTimestamp, else requestReceivedTimestamp, else timestamp (v1beta1), UTC with us"},
    [C_AUDIT_ID] = {"audit_id", KS_COL_TEXT, "auditID (shared by the stages of one request)"},
    [C_STAGE] = {"stage", KS_COL_TEXT, "RequestReceived, ResponseStarted, ResponseComplete, Panic"},
    [C_LEVEL] = {"level", KS_COL_TEXT, "Metadata, Request, RequestResponse"},
    [C_VERB] = {"verb", KS_COL_TEXT, "get, list, watch, create, update, patch, delete, ..."},
    [C_URI] = {"request_uri", KS_COL_TEXT, "requestURI"},
    [C_USER] = {"username", KS_COL_TEXT, "user.username"},
    [C_UID] = {"user_uid", KS_COL_TEXT, "user.uid"},
    [C_GROUPS] = {"user_groups", KS_COL_JSON, "user.groups (JSON array)"},
    [C_IMPERSONATED] = {"impersonated_user", KS_COL_TEXT, "impersonatedUser.username"},
    [C_SOURCE_IPS] = {"source_ips", KS_COL_JSON, "sourceIPs (JSON array; X-Forwarded-For chain first)"},
    [C_SOURCE_IP] = {"source_ip", KS_COL_TEXT, "sourceIPs[0]"},
    [C_UA] = {"user_agent", KS_COL_TEXT, "userAgent"},
    [C_RESOURCE] = {"resource", KS_COL_TEXT, "objectRef.resource (pods, secrets, clusterroles, ...)"},
    [C_SUBRESOURCE] = {"subresource", KS_COL_TEXT, "objectRef.subresource (exec, attach, log, ...)"},
    [C_NAMESPACE] = {"namespace", KS_COL_TEXT, "objectRef.namespace"},
    [C_NAME] = {"name", KS_COL_TEXT, "objectRef.name"},
    [C_API_GROUP] = {"api_group", KS_COL_TEXT, "objectRef.apiGroup"},
    [C_API_VERSION] = {"api_version", KS_COL_TEXT, "objectRef.apiVersion"},
    [C_CODE] = {"response_code", KS_COL_INT, "responseStatus.code"},
    [C_STATUS] = {"response_status", KS_COL_JSON, "responseStatus (JSON)"},
    [C_DECISION] = {"authorization_decision", KS_COL_TEXT, "annotations[authorization.k8s.io/decision]"},
    [C_REASON] = {"authorization_reason", KS_COL_TEXT, "annotations[authorization.k8s.io/reason]"},
    [C_REQUEST_OBJ] = {"request_object", KS_COL_JSON, "requestObject (JSON)"},
    [C_RESPONSE_OBJ] = {"response_object", KS_COL_JSON, "responseObject (JSON)"},
    [C_ANNOTATIONS] = {"annotations", KS_COL_JSON, "annotations (JSON)"},
    [C_RECEIVED] = {"request_received", KS_COL_TEXT, "requestReceivedTimestamp as written"},
    [C_STAGE_TS] = {"stage_timestamp", KS_COL_TEXT, "stageTimestamp as written"},
    [C_EVENT_API] = {"event_api_version", KS_COL_TEXT, "apiVersion of the Event (audit.k8s.io/v1, v1beta1)"},
};
const ks_table_def ks_table_k8s_audit = {"k8s_audit", "Kubernetes API server audit events",
                                         cols, C_N};

static ks_val at(const ks_json_doc *d, ks_jv v, const char *path)
{
    ks_jv x = ks_json_path(d, v, path);
    switch (ks_json_type_of(d, x)) {
    case KS_JSON_STRING: return ks_v_text(ks_json_str(d, x));
    case KS_JSON_INVALID:
    case KS_JSON_NULL: return ks_v_null();
    default: return ks_v_text(ks_json_raw(d, x));
    }
}

typedef struct ka_state {
    ks_json_doc *doc;
    ks_buf tgt, msg;
} ka_state;

static const char *map(ka_state *st, ks_jv e, ks_val *v, ks_event *ev)
{
    const ks_json_doc *d = st->doc;
    ks_str kind = ks_json_get_str(d, e, "kind");
    ks_str api = ks_json_get_str(d, e, "apiVersion");
    /* some exporters (falco's traces) drop apiVersion: kind Event + auditID is enough */
    bool audit_api = api.p && api.n >= 13 && !memcmp(api.p, "audit.k8s.io/", 13);
    if (!ks_str_eq(kind, "Event") || (api.p && !audit_api) ||
        ks_json_get(d, e, "auditID") == KS_JV_NONE)
        return "not an audit.k8s.io Event (kind, apiVersion, auditID)";
    for (int i = 0; i < C_N; i++)
        v[i] = ks_v_null();
    v[C_EVENT_API] = ks_v_text(api);
    v[C_AUDIT_ID] = at(d, e, "auditID");
    v[C_STAGE] = at(d, e, "stage");
    v[C_LEVEL] = at(d, e, "level");
    v[C_VERB] = at(d, e, "verb");
    v[C_URI] = at(d, e, "requestURI");
    v[C_USER] = at(d, e, "user.username");
    v[C_UID] = at(d, e, "user.uid");
    v[C_GROUPS] = at(d, e, "user.groups");
    v[C_IMPERSONATED] = at(d, e, "impersonatedUser.username");
    v[C_SOURCE_IPS] = at(d, e, "sourceIPs");
    ks_jv ips = ks_json_get(d, e, "sourceIPs");
    ks_jv ip0 = ks_json_index(d, ips, 0);
    if (ks_json_type_of(d, ip0) == KS_JSON_STRING)
        v[C_SOURCE_IP] = ks_v_text(ks_json_str(d, ip0));
    v[C_UA] = at(d, e, "userAgent");
    v[C_RESOURCE] = at(d, e, "objectRef.resource");
    v[C_SUBRESOURCE] = at(d, e, "objectRef.subresource");
    v[C_NAMESPACE] = at(d, e, "objectRef.namespace");
    v[C_NAME] = at(d, e, "objectRef.name");
    v[C_API_GROUP] = at(d, e, "objectRef.apiGroup");
    v[C_API_VERSION] = at(d, e, "objectRef.apiVersion");
    int64_t code;
    if (ks_json_int(d, ks_json_path(d, e, "responseStatus.code"), &code) == 0)
        v[C_CODE] = ks_v_int(code);
    v[C_STATUS] = at(d, e, "responseStatus");
    ks_jv ann = ks_json_get(d, e, "annotations");
    ks_str dec = ks_json_get_str(d, ann, "authorization.k8s.io/decision");
    ks_str why = ks_json_get_str(d, ann, "authorization.k8s.io/reason");
    if (dec.p)
        v[C_DECISION] = ks_v_text(dec);
    if (why.p)
        v[C_REASON] = ks_v_text(why);
    v[C_REQUEST_OBJ] = at(d, e, "requestObject");
    v[C_RESPONSE_OBJ] = at(d, e, "responseObject");
    v[C_ANNOTATIONS] = at(d, e, "annotations");
    v[C_RECEIVED] = at(d, e, "requestReceivedTimestamp");
    v[C_STAGE_TS] = at(d, e, "stageTimestamp");
    ks_val ts = v[C_STAGE_TS].kind ? v[C_STAGE_TS]
                : v[C_RECEIVED].kind ? v[C_RECEIVED] : at(d, e, "timestamp");
    int64_t t = KS_TIME_NONE;
    if (ts.kind == KS_V_TEXT && ks_time_parse_iso8601(ts.s.p, ts.s.n, NULL, &t))
        return "audit event time is not RFC 3339";
    if (t != KS_TIME_NONE)
        v[C_TIME] = ks_v_int(t);

    ks_event_init(ev);
    ev->time = t;
    ev->time_desc = "stage";
    ev->actor = v[C_USER].s;
    ev->src_ip = v[C_SOURCE_IP].s;
    ev->action = v[C_VERB].kind ? v[C_VERB].s : KS_STR_LIT("request");
    ks_buf_reset(&st->tgt);
    if (v[C_RESOURCE].kind) {
        ks_buf_append(&st->tgt, v[C_RESOURCE].s.p, v[C_RESOURCE].s.n);
        if (v[C_SUBRESOURCE].kind) {
            ks_buf_putc(&st->tgt, '/');
            ks_buf_append(&st->tgt, v[C_SUBRESOURCE].s.p, v[C_SUBRESOURCE].s.n);
        }
        ks_buf_putc(&st->tgt, ' ');
        if (v[C_NAMESPACE].kind) {
            ks_buf_append(&st->tgt, v[C_NAMESPACE].s.p, v[C_NAMESPACE].s.n);
            ks_buf_putc(&st->tgt, '/');
        }
        if (v[C_NAME].kind)
            ks_buf_append(&st->tgt, v[C_NAME].s.p, v[C_NAME].s.n);
        ev->target = (ks_str){st->tgt.data, st->tgt.len};
    } else {
        ev->target = v[C_URI].s;
    }
    if (v[C_CODE].kind == KS_V_INT)
        ev->outcome = v[C_CODE].i >= 400 ? KS_STR_LIT("failure") : KS_STR_LIT("success");
    ev->account = v[C_NAMESPACE].s;
    ks_buf_reset(&st->msg);
    ks_buf_append(&st->msg, ev->action.p, ev->action.n);
    if (v[C_URI].kind) {
        ks_buf_putc(&st->msg, ' ');
        ks_buf_append(&st->msg, v[C_URI].s.p, v[C_URI].s.n > 2048 ? 2048 : v[C_URI].s.n);
    }
    if (v[C_CODE].kind == KS_V_INT)
        ks_buf_printf(&st->msg, " -> %lld", (long long)v[C_CODE].i);
    ev->message = (ks_str){st->msg.data, st->msg.len};
    return NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    int c = ks_sniff_first_char(head, n);
    if (c != '{' && c != '[')
        return 0;
    if (!ks_sniff_has(head, n, "\"auditID\""))
        return 0;
    if (ks_sniff_has(head, n, "\"audit.k8s.io/v1"))
        return 90;
    if (ks_sniff_has(head, n, "\"kind\":\"Event\"") || ks_sniff_has(head, n, "\"kind\": \"Event\""))
        return 85;
    return 0;
}

static const char *const wrap_keys[] = {"items", NULL};

static const char *map_record(void *state, ks_json_doc *doc, ks_jv root, ks_val *v,
                              ks_event *ev)
{
    ka_state *st = state;
    st->doc = doc;
    return map(st, root, v, ev);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    ka_state *st = calloc(1, sizeof *st);
    if (!st)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_buf_init(&st->tgt, 1 << 16);
    ks_buf_init(&st->msg, 1 << 13);
    ks_jsonrec_mapper m = {wrap_keys, &ks_table_k8s_audit, "audit event is not a JSON object", map_record, st};
    int rc = ks_jsonrec_map_each(ctx, &m, err);
    ks_buf_free(&st->tgt);
    ks_buf_free(&st->msg);
    free(st);
    return rc;
}

const ks_parser ks_parser_k8s_audit = {
    "k8s_audit",
    "Kubernetes audit events (audit.k8s.io v1/v1beta1; JSON lines, EventList batches)",
    (const ks_table_def *const[]){&ks_table_k8s_audit, NULL},
    sniff,
    parse,
};
