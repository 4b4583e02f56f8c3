/* gcp_logging.c — Cloud Logging LogEntry into `events` and `gcp_logging`.
 *
 * LogEntry reference (logging.googleapis.com v2): logName, resource{type,labels}, timestamp,
 * receiveTimestamp, severity, insertId, labels, operation, trace, spanId, sourceLocation and
 * one payload: textPayload, jsonPayload or protoPayload. Audit logs carry a protoPayload of
 * type google.cloud.audit.AuditLog: serviceName, methodName, resourceName,
 * authenticationInfo{principalEmail,principalSubject,serviceAccountDelegationInfo},
 * authorizationInfo[], requestMetadata{callerIp,callerSuppliedUserAgent}, status{code,
 * message}, request, response, metadata. Payloads are kept as JSON; the audit fields above
 * are flattened.
 */
#include "parsers/gcp/gcp_logging.h"

#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/json.h"
#include "core/time.h"
#include "core/url.h"
#include "parsers/jsonrec.h"
#include "parsers/sniff.h"

enum {
    C_TIME, C_RECEIVED, C_LOG_NAME, C_LOG_ID, C_INSERT_ID, C_SEVERITY, C_RESOURCE_TYPE,
    C_RESOURCE_LABELS, C_LABELS, C_OPERATION, C_TRACE, C_TEXT, C_JSON, C_PROTO, C_PROTO_TYPE,
    C_SERVICE, C_METHOD, C_RESOURCE_NAME, C_PRINCIPAL, C_SUBJECT, C_DELEGATION, C_CALLER_IP,
    C_UA, C_STATUS_CODE, C_STATUS_MSG, C_AUTHZ, C_REQUEST, C_RESPONSE, C_EXTRA, C_N
};
static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "timestamp (UTC, ns)"},
    [C_RECEIVED] = {"receive_timestamp", KS_COL_TEXT, "receiveTimestamp as written"},
    [C_LOG_NAME] = {"log_name", KS_COL_TEXT, "logName (projects/P/logs/ID, URL-encoded ID)"},
    [C_LOG_ID] = {"log_id", KS_COL_TEXT, "the log id decoded, e.g. cloudaudit.googleapis.com/activity"},
    [C_INSERT_ID] = {"insert_id", KS_COL_TEXT, "insertId"},
    [C_SEVERITY] = {"severity", KS_COL_TEXT, "DEFAULT, DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY"},
    [C_RESOURCE_TYPE] = {"resource_type", KS_COL_TEXT, "resource.type (gce_instance, gcs_bucket, service_account, ...)"},
    [C_RESOURCE_LABELS] = {"resource_labels", KS_COL_JSON, "resource.labels (JSON)"},
    [C_LABELS] = {"labels", KS_COL_JSON, "labels (JSON)"},
    [C_OPERATION] = {"operation", KS_COL_JSON, "operation (JSON: id, producer, first, last)"},
    [C_TRACE] = {"trace", KS_COL_TEXT, "trace"},
    [C_TEXT] = {"text_payload", KS_COL_TEXT, "textPayload"},
    [C_JSON] = {"json_payload", KS_COL_JSON, "jsonPayload (JSON)"},
    [C_PROTO] = {"proto_payload", KS_COL_JSON, "protoPayload (JSON)"},
    [C_PROTO_TYPE] = {"payload_type", KS_COL_TEXT, "protoPayload @type (type.googleapis.com/google.cloud.audit.AuditLog)"},
    [C_SERVICE] = {"service_name", KS_COL_TEXT, "protoPayload.serviceName"},
    [C_METHOD] = {"method_name", KS_COL_TEXT, "protoPayload.methodName"},
    [C_RESOURCE_NAME] = {"resource_name", KS_COL_TEXT, "protoPayload.resourceName"},
    [C_PRINCIPAL] = {"principal_email", KS_COL_TEXT, "authenticationInfo.principalEmail"},
    [C_SUBJECT] = {"principal_subject", KS_COL_TEXT, "authenticationInfo.principalSubject"},
    [C_DELEGATION] = {"delegation_info", KS_COL_JSON, "authenticationInfo.serviceAccountDelegationInfo (JSON)"},
    [C_CALLER_IP] = {"caller_ip", KS_COL_TEXT, "requestMetadata.callerIp"},
    [C_UA] = {"user_agent", KS_COL_TEXT, "requestMetadata.callerSuppliedUserAgent"},
    [C_STATUS_CODE] = {"status_code", KS_COL_INT, "status.code (google.rpc.Code; 7 PERMISSION_DENIED)"},
    [C_STATUS_MSG] = {"status_message", KS_COL_TEXT, "status.message"},
    [C_AUTHZ] = {"authorization_info", KS_COL_JSON, "authorizationInfo (JSON: permission, granted, resource)"},
    [C_REQUEST] = {"request", KS_COL_JSON, "protoPayload.request (JSON)"},
    [C_RESPONSE] = {"response", KS_COL_JSON, "protoPayload.response (JSON)"},
    [C_EXTRA] = {"extra", KS_COL_JSON, "other top-level members (JSON object)"},
};
const ks_table_def ks_table_gcp_logging = {"gcp_logging", "Google Cloud Logging entries (Cloud Audit Logs and others)", cols, C_N};

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

static const char *const known[] = {"logName", "resource", "timestamp", "receiveTimestamp",
                                    "severity", "insertId", "labels", "operation", "trace",
                                    "textPayload", "jsonPayload", "protoPayload", NULL};

typedef struct gl_state {
    ks_json_doc *doc;
    ks_buf extra, msg;
    char logid[4096];
} gl_state;

static const char *map(gl_state *st, ks_jv e, ks_val *v, ks_event *ev)
{
    const ks_json_doc *d = st->doc;
    for (int i = 0; i < C_N; i++)
        v[i] = ks_v_null();
    v[C_LOG_NAME] = at(d, e, "logName");
    ks_str ts = ks_json_get_str(d, e, "timestamp");
    if (!v[C_LOG_NAME].s.p || !ts.p)
        return "not a LogEntry (no logName/timestamp)";
    int64_t t;
    if (ks_time_parse_iso8601(ts.p, ts.n, NULL, &t))
        return "LogEntry timestamp is not RFC 3339";
    v[C_TIME] = ks_v_int(t);
    ks_str ln = v[C_LOG_NAME].s;
    const char *logs = memmem(ln.p, ln.n, "/logs/", 6);
    if (logs) {
        const char *id = logs + 6;
        size_t idn = (size_t)(ln.p + ln.n - id);
        if (idn <= sizeof st->logid) {
            size_t m = ks_url_decode(st->logid, id, idn);
            v[C_LOG_ID] = ks_v_text((ks_str){st->logid, m});
        }
    }
    v[C_RECEIVED] = at(d, e, "receiveTimestamp");
    v[C_INSERT_ID] = at(d, e, "insertId");
    v[C_SEVERITY] = at(d, e, "severity");
    v[C_RESOURCE_TYPE] = at(d, e, "resource.type");
    v[C_RESOURCE_LABELS] = at(d, e, "resource.labels");
    v[C_LABELS] = at(d, e, "labels");
    v[C_OPERATION] = at(d, e, "operation");
    v[C_TRACE] = at(d, e, "trace");
    v[C_TEXT] = at(d, e, "textPayload");
    v[C_JSON] = at(d, e, "jsonPayload");
    v[C_PROTO] = at(d, e, "protoPayload");
    ks_jv pp = ks_json_get(d, e, "protoPayload");
    v[C_PROTO_TYPE] = at(d, pp, "@type");
    v[C_SERVICE] = at(d, pp, "serviceName");
    v[C_METHOD] = at(d, pp, "methodName");
    v[C_RESOURCE_NAME] = at(d, pp, "resourceName");
    v[C_PRINCIPAL] = at(d, pp, "authenticationInfo.principalEmail");
    v[C_SUBJECT] = at(d, pp, "authenticationInfo.principalSubject");
    v[C_DELEGATION] = at(d, pp, "authenticationInfo.serviceAccountDelegationInfo");
    v[C_CALLER_IP] = at(d, pp, "requestMetadata.callerIp");
    v[C_UA] = at(d, pp, "requestMetadata.callerSuppliedUserAgent");
    int64_t code;
    ks_jv st_code = ks_json_path(d, pp, "status.code");
    if (ks_json_int(d, st_code, &code) == 0)
        v[C_STATUS_CODE] = ks_v_int(code);
    else if (ks_json_type_of(d, ks_json_get(d, pp, "status")) == KS_JSON_OBJECT)
        v[C_STATUS_CODE] = ks_v_int(0); /* {} is OK */
    v[C_STATUS_MSG] = at(d, pp, "status.message");
    v[C_AUTHZ] = at(d, pp, "authorizationInfo");
    v[C_REQUEST] = at(d, pp, "request");
    v[C_RESPONSE] = at(d, pp, "response");
    ks_buf_reset(&st->extra);
    for (ks_jv k = ks_json_first(d, e); k != KS_JV_NONE; k = ks_json_next(d, k)) {
        ks_str key = ks_json_str(d, k);
        bool kn = false;
        for (const char *const *s = known; *s && !kn; s++)
            kn = strlen(*s) == key.n && !memcmp(*s, key.p, key.n);
        if (kn)
            continue;
        ks_buf_putc(&st->extra, st->extra.len ? ',' : '{');
        ks_escape_json(&st->extra, key.p, key.n);
        ks_buf_putc(&st->extra, ':');
        ks_str raw = ks_json_raw(d, ks_json_member_value(d, k));
        ks_buf_append(&st->extra, raw.p, raw.n);
    }
    if (st->extra.len && !ks_buf_putc(&st->extra, '}'))
        v[C_EXTRA] = ks_v_text((ks_str){st->extra.data, st->extra.len});

    ks_event_init(ev);
    ev->time = t;
    ev->time_desc = "event";
    ev->actor = v[C_PRINCIPAL].s;
    ev->src_ip = v[C_CALLER_IP].s;
    ev->action = v[C_METHOD].kind ? v[C_METHOD].s : v[C_LOG_ID].s;
    ev->target = v[C_RESOURCE_NAME].s;
    if (v[C_STATUS_CODE].kind == KS_V_INT)
        ev->outcome = v[C_STATUS_CODE].i ? KS_STR_LIT("failure") : KS_STR_LIT("success");
    else if (v[C_PROTO_TYPE].kind && ks_str_eq(v[C_PROTO_TYPE].s, "type.googleapis.com/google.cloud.audit.AuditLog"))
        ev->outcome = KS_STR_LIT("success"); /* AuditLog without status: OK */
    if (ln.n > 9 && !memcmp(ln.p, "projects/", 9)) {
        const char *sl = memchr(ln.p + 9, '/', ln.n - 9);
        if (sl)
            ev->account = (ks_str){ln.p + 9, (size_t)(sl - ln.p - 9)};
    }
    ks_jv rl = ks_json_path(d, e, "resource.labels");
    static const char *const locs[] = {"location", "zone", "region", NULL};
    for (const char *const *l = locs; *l && !ev->region.p; l++)
        ev->region = ks_json_get_str(d, rl, *l);
    ks_buf_reset(&st->msg);
    if (v[C_TEXT].kind) {
        ev->message = v[C_TEXT].s;
    } else {
        if (v[C_METHOD].kind) {
            ks_buf_append(&st->msg, v[C_METHOD].s.p, v[C_METHOD].s.n);
            if (v[C_RESOURCE_NAME].kind) {
                ks_buf_putc(&st->msg, ' ');
                ks_buf_append(&st->msg, v[C_RESOURCE_NAME].s.p, v[C_RESOURCE_NAME].s.n);
            }
            if (v[C_STATUS_MSG].kind) {
                ks_buf_puts(&st->msg, ": ");
                ks_buf_append(&st->msg, v[C_STATUS_MSG].s.p, v[C_STATUS_MSG].s.n);
            }
        } else if (v[C_JSON].kind) {
            ks_buf_append(&st->msg, v[C_JSON].s.p, v[C_JSON].s.n > 2048 ? 2048 : v[C_JSON].s.n);
        }
        ev->message = (ks_str){st->msg.data ? st->msg.data : "", st->msg.len};
    }
    return NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    int c = ks_sniff_first_char(head, n);
    if (c != '{' && c != '[')
        return 0;
    if (!ks_sniff_has(head, n, "\"logName\""))
        return 0;
    if (ks_sniff_has(head, n, "\"protoPayload\"") || ks_sniff_has(head, n, "\"insertId\"") ||
        ks_sniff_has(head, n, "\"receiveTimestamp\""))
        return 85;
    return 0;
}

static const char *map_record(void *state, ks_json_doc *doc, ks_jv root, ks_val *v,
                              ks_event *ev)
{
    gl_state *st = state;
    st->doc = doc;
    return map(st, root, v, ev);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    gl_state *st = calloc(1, sizeof *st);
    if (!st)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_buf_init(&st->extra, 1 << 24);
    ks_buf_init(&st->msg, 1 << 13);
    ks_jsonrec_mapper m = {NULL, &ks_table_gcp_logging, "LogEntry is not a JSON object", map_record, st};
    int rc = ks_jsonrec_map_each(ctx, &m, err);
    ks_buf_free(&st->extra);
    ks_buf_free(&st->msg);
    free(st);
    return rc;
}

const ks_parser ks_parser_gcp_logging = {
    "gcp_logging",
    "Google Cloud Logging entries / Cloud Audit Logs (JSON lines or arrays)",
    (const ks_table_def *const[]){&ks_table_gcp_logging, NULL},
    sniff,
    parse,
};
