/* cloudtrail.c — AWS CloudTrail records into `events` and the `cloudtrail` table.
 *
 * Record reference: AWS CloudTrail User Guide, "CloudTrail record contents" and
 * "userIdentity element". Every top-level field is kept: the well-known ones in their own
 * columns (Athena's names, lower case), anything else (new fields, exporter additions
 * such as Datadog's) in `extra` as a JSON object, and the whole record in events.raw.
 */
#include "parsers/cloud/cloudtrail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "parsers/jsonrec.h"
#include "parsers/sniff.h"

/* ---- the cloudtrail table ----------------------------------------------------------- */
enum {
    C_TIME,
    C_EVENTVERSION,
    C_USERIDENTITY,
    C_EVENTTIME,
    C_EVENTSOURCE,
    C_EVENTNAME,
    C_AWSREGION,
    C_SOURCEIPADDRESS,
    C_USERAGENT,
    C_ERRORCODE,
    C_ERRORMESSAGE,
    C_REQUESTPARAMETERS,
    C_RESPONSEELEMENTS,
    C_ADDITIONALEVENTDATA,
    C_REQUESTID,
    C_EVENTID,
    C_RESOURCES,
    C_EVENTTYPE,
    C_APIVERSION,
    C_READONLY,
    C_RECIPIENTACCOUNTID,
    C_SERVICEEVENTDETAILS,
    C_SHAREDEVENTID,
    C_VPCENDPOINTID,
    C_VPCENDPOINTACCOUNTID,
    C_EVENTCATEGORY,
    C_MANAGEMENTEVENT,
    C_TLSDETAILS,
    C_SESSIONCREDENTIALFROMCONSOLE,
    C_ADDENDUM,
    C_EDGEDEVICEDETAILS,
    C_INSIGHTDETAILS,
    C_UI_TYPE,
    C_UI_PRINCIPALID,
    C_UI_ARN,
    C_UI_ACCOUNTID,
    C_UI_ACCESSKEYID,
    C_UI_USERNAME,
    C_UI_INVOKEDBY,
    C_UI_IDENTITYPROVIDER,
    C_SI_TYPE,
    C_SI_ARN,
    C_SI_USERNAME,
    C_SI_ACCOUNTID,
    C_SESSION_MFA,
    C_SESSION_CREATED,
    C_SESSION_SOURCEIDENTITY,
    C_SESSION_EC2_INSTANCE,
    C_ONBEHALFOF_USERID,
    C_EXTRA,
    C_NCOLS
};

static const ks_column cols[C_NCOLS] = {
    [C_TIME] = {"time", KS_COL_TIME, "eventTime normalised to UTC with nanoseconds"},
    [C_EVENTVERSION] = {"eventversion", KS_COL_TEXT, "eventVersion"},
    [C_USERIDENTITY] = {"useridentity", KS_COL_JSON, "userIdentity (JSON; e.g. useridentity->>'userName')"},
    [C_EVENTTIME] = {"eventtime", KS_COL_TEXT, "eventTime as written by AWS (like Athena's string)"},
    [C_EVENTSOURCE] = {"eventsource", KS_COL_TEXT, "eventSource, e.g. ec2.amazonaws.com"},
    [C_EVENTNAME] = {"eventname", KS_COL_TEXT, "eventName, e.g. RunInstances"},
    [C_AWSREGION] = {"awsregion", KS_COL_TEXT, "awsRegion"},
    [C_SOURCEIPADDRESS] = {"sourceipaddress", KS_COL_TEXT, "sourceIPAddress (an IP or an AWS service name)"},
    [C_USERAGENT] = {"useragent", KS_COL_TEXT, "userAgent"},
    [C_ERRORCODE] = {"errorcode", KS_COL_TEXT, "errorCode"},
    [C_ERRORMESSAGE] = {"errormessage", KS_COL_TEXT, "errorMessage"},
    [C_REQUESTPARAMETERS] = {"requestparameters", KS_COL_JSON, "requestParameters (JSON)"},
    [C_RESPONSEELEMENTS] = {"responseelements", KS_COL_JSON, "responseElements (JSON)"},
    [C_ADDITIONALEVENTDATA] = {"additionaleventdata", KS_COL_JSON, "additionalEventData (JSON)"},
    [C_REQUESTID] = {"requestid", KS_COL_TEXT, "requestID"},
    [C_EVENTID] = {"eventid", KS_COL_TEXT, "eventID"},
    [C_RESOURCES] = {"resources", KS_COL_JSON, "resources (JSON array of {ARN, accountId, type})"},
    [C_EVENTTYPE] = {"eventtype", KS_COL_TEXT, "eventType (AwsApiCall, AwsConsoleSignIn, AwsServiceEvent, AwsCloudTrailInsight...)"},
    [C_APIVERSION] = {"apiversion", KS_COL_TEXT, "apiVersion"},
    [C_READONLY] = {"readonly", KS_COL_TEXT, "readOnly ('true'/'false' as in Athena)"},
    [C_RECIPIENTACCOUNTID] = {"recipientaccountid", KS_COL_TEXT, "recipientAccountId"},
    [C_SERVICEEVENTDETAILS] = {"serviceeventdetails", KS_COL_JSON, "serviceEventDetails (JSON)"},
    [C_SHAREDEVENTID] = {"sharedeventid", KS_COL_TEXT, "sharedEventID"},
    [C_VPCENDPOINTID] = {"vpcendpointid", KS_COL_TEXT, "vpcEndpointId"},
    [C_VPCENDPOINTACCOUNTID] = {"vpcendpointaccountid", KS_COL_TEXT, "vpcEndpointAccountId"},
    [C_EVENTCATEGORY] = {"eventcategory", KS_COL_TEXT, "eventCategory (Management, Data, Insight, NetworkActivity)"},
    [C_MANAGEMENTEVENT] = {"managementevent", KS_COL_TEXT, "managementEvent ('true'/'false')"},
    [C_TLSDETAILS] = {"tlsdetails", KS_COL_JSON, "tlsDetails (JSON)"},
    [C_SESSIONCREDENTIALFROMCONSOLE] = {"sessioncredentialfromconsole", KS_COL_TEXT, "sessionCredentialFromConsole"},
    [C_ADDENDUM] = {"addendum", KS_COL_JSON, "addendum (JSON)"},
    [C_EDGEDEVICEDETAILS] = {"edgedevicedetails", KS_COL_JSON, "edgeDeviceDetails (JSON)"},
    [C_INSIGHTDETAILS] = {"insightdetails", KS_COL_JSON, "insightDetails (JSON, Insight events)"},
    [C_UI_TYPE] = {"useridentity_type", KS_COL_TEXT, "userIdentity.type (IAMUser, AssumedRole, Root, AWSService, FederatedUser, AWSAccount, IdentityCenterUser...)"},
    [C_UI_PRINCIPALID] = {"useridentity_principalid", KS_COL_TEXT, "userIdentity.principalId"},
    [C_UI_ARN] = {"useridentity_arn", KS_COL_TEXT, "userIdentity.arn"},
    [C_UI_ACCOUNTID] = {"useridentity_accountid", KS_COL_TEXT, "userIdentity.accountId"},
    [C_UI_ACCESSKEYID] = {"useridentity_accesskeyid", KS_COL_TEXT, "userIdentity.accessKeyId"},
    [C_UI_USERNAME] = {"useridentity_username", KS_COL_TEXT, "userIdentity.userName"},
    [C_UI_INVOKEDBY] = {"useridentity_invokedby", KS_COL_TEXT, "userIdentity.invokedBy"},
    [C_UI_IDENTITYPROVIDER] = {"useridentity_identityprovider", KS_COL_TEXT, "userIdentity.identityProvider"},
    [C_SI_TYPE] = {"session_issuer_type", KS_COL_TEXT, "userIdentity.sessionContext.sessionIssuer.type"},
    [C_SI_ARN] = {"session_issuer_arn", KS_COL_TEXT, "userIdentity.sessionContext.sessionIssuer.arn"},
    [C_SI_USERNAME] = {"session_issuer_username", KS_COL_TEXT, "userIdentity.sessionContext.sessionIssuer.userName (the role name)"},
    [C_SI_ACCOUNTID] = {"session_issuer_accountid", KS_COL_TEXT, "userIdentity.sessionContext.sessionIssuer.accountId"},
    [C_SESSION_MFA] = {"session_mfa_authenticated", KS_COL_TEXT, "userIdentity.sessionContext.attributes.mfaAuthenticated"},
    [C_SESSION_CREATED] = {"session_creation_date", KS_COL_TEXT, "userIdentity.sessionContext.attributes.creationDate"},
    [C_SESSION_SOURCEIDENTITY] = {"session_source_identity", KS_COL_TEXT, "userIdentity.sessionContext.sourceIdentity"},
    [C_SESSION_EC2_INSTANCE] = {"session_ec2_role_delivery", KS_COL_TEXT, "userIdentity.sessionContext.ec2RoleDelivery (instance credentials)"},
    [C_ONBEHALFOF_USERID] = {"onbehalfof_userid", KS_COL_TEXT, "userIdentity.onBehalfOf.userId (IAM Identity Center)"},
    [C_EXTRA] = {"extra", KS_COL_JSON, "top-level fields not listed above (JSON object), so nothing is lost"},
};

const ks_table_def ks_table_cloudtrail = {
    "cloudtrail", "AWS CloudTrail events, Athena-compatible column names", cols, C_NCOLS};

/* Top-level keys with their own column (anything else goes to `extra`). */
static const char *const known_keys[] = {
    "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
    "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
    "responseElements", "additionalEventData", "requestID", "eventID", "resources", "eventType",
    "apiVersion", "readOnly", "recipientAccountId", "serviceEventDetails", "sharedEventID",
    "vpcEndpointId", "vpcEndpointAccountId", "eventCategory", "managementEvent", "tlsDetails",
    "sessionCredentialFromConsole", "addendum", "edgeDeviceDetails", "insightDetails"};
#define N_KNOWN (sizeof known_keys / sizeof known_keys[0])
/* Column of each known key (same order as known_keys). */
static const int known_col[N_KNOWN] = {
    C_EVENTVERSION, C_USERIDENTITY, C_EVENTTIME, C_EVENTSOURCE, C_EVENTNAME, C_AWSREGION,
    C_SOURCEIPADDRESS, C_USERAGENT, C_ERRORCODE, C_ERRORMESSAGE, C_REQUESTPARAMETERS,
    C_RESPONSEELEMENTS, C_ADDITIONALEVENTDATA, C_REQUESTID, C_EVENTID, C_RESOURCES, C_EVENTTYPE,
    C_APIVERSION, C_READONLY, C_RECIPIENTACCOUNTID, C_SERVICEEVENTDETAILS, C_SHAREDEVENTID,
    C_VPCENDPOINTID, C_VPCENDPOINTACCOUNTID, C_EVENTCATEGORY, C_MANAGEMENTEVENT, C_TLSDETAILS,
    C_SESSIONCREDENTIALFROMCONSOLE, C_ADDENDUM, C_EDGEDEVICEDETAILS, C_INSIGHTDETAILS};
static const char *const ui_keys[] = {"type", "principalId", "arn", "accountId", "accessKeyId",
                                      "userName", "invokedBy", "identityProvider",
                                      "sessionContext", "onBehalfOf"};
#define N_UI (sizeof ui_keys / sizeof ui_keys[0])
static const int ui_col[N_UI] = {C_UI_TYPE, C_UI_PRINCIPALID, C_UI_ARN, C_UI_ACCOUNTID,
                                 C_UI_ACCESSKEYID, C_UI_USERNAME, C_UI_INVOKEDBY,
                                 C_UI_IDENTITYPROVIDER, -1, -1};

/* ---- value helpers ----------------------------------------------------------------- */
/* The value of a member as text: strings decoded, other scalars as written, objects and
 * arrays as their JSON source text. */
static ks_val val_of(const ks_json_doc *d, ks_jv v)
{
    switch (ks_json_type_of(d, v)) {
    case KS_JSON_STRING: return ks_v_text(ks_json_str(d, v));
    case KS_JSON_INVALID:
    case KS_JSON_NULL: return ks_v_null();
    default: return ks_v_text(ks_json_raw(d, v));
    }
}

static ks_val get_val(const ks_json_doc *d, ks_jv obj, const char *key)
{
    return val_of(d, ks_json_get(d, obj, key));
}

static bool has_str(ks_str s)
{
    return s.p && s.n > 0;
}

/* One pass over an object's members filling out[i] for names[i] (KS_JV_NONE when absent):
 * a CloudTrail record has ~20 members and we want ~30 of them, so this replaces hundreds
 * of string comparisons per record with one length check per member and name.
 * Returns the number of members that matched no name. */
static size_t fields(const ks_json_doc *d, ks_jv obj, const char *const *names,
                     const size_t *lens, size_t n, ks_jv *out)
{
    size_t unknown = 0;
    for (size_t i = 0; i < n; i++)
        out[i] = KS_JV_NONE;
    for (ks_jv k = ks_json_first(d, obj); k != KS_JV_NONE; k = ks_json_next(d, k)) {
        ks_str key = ks_json_str(d, k);
        size_t i = 0;
        for (; i < n; i++)
            if (lens[i] == key.n && !memcmp(names[i], key.p, key.n))
                break;
        if (i < n) {
            if (out[i] == KS_JV_NONE)
                out[i] = ks_json_member_value(d, k);
        } else {
            unknown++;
        }
    }
    return unknown;
}

static void lens_of(const char *const *names, size_t *lens, size_t n)
{
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(names[i]);
}

/* ---- sniffing ---------------------------------------------------------------------- */
static int sniff_events(const uint8_t *head, size_t n, const char *name)
{
    int c = ks_sniff_first_char(head, n);
    if (c != '{' && c != '[')
        return 0;
    if (ks_sniff_has(head, n, "\"digestStartTime\"") && ks_sniff_has(head, n, "\"digestS3Object\""))
        return 0;
    if (ks_sniff_has(head, n, "\"CloudTrailEvent\""))
        return 90;
    bool version = ks_sniff_has(head, n, "\"eventVersion\"");
    bool source = ks_sniff_has(head, n, "\"eventSource\"");
    bool ename = ks_sniff_has(head, n, "\"eventName\"");
    if (version && (source || ename))
        return 90;
    if (source && ename && ks_sniff_has(head, n, "\"awsRegion\""))
        return 80;
    if (ks_sniff_has(head, n, "{\"Records\":[]") || ks_sniff_has(head, n, "{\"Records\": []"))
        return 60; /* an empty delivery file still is CloudTrail's */
    return 0;
}

static int sniff_digest(const uint8_t *head, size_t n, const char *name)
{
    if (ks_sniff_first_char(head, n) != '{')
        return 0;
    return ks_sniff_has(head, n, "\"digestStartTime\"") && ks_sniff_has(head, n, "\"digestS3Object\"")
               ? 95
               : 0;
}

/* ---- mapping one record ------------------------------------------------------------- */
/* requestParameters members that name what a call acted on, in order of preference. */
static const char *const target_keys[] = {
    "bucketName", "instanceId", "userName", "roleName", "groupName", "policyArn",
    "functionName", "dBInstanceIdentifier", "dBClusterIdentifier", "snapshotId",
    "dBSnapshotIdentifier", "imageId", "keyName", "secretId", "name", "trailName",
    "detectorId", "groupId", "logGroupName", "accessKeyId", "roleArn", "keyId",
    "clusterName", "repositoryName", "tableName", "stackName", "topicArn", "queueUrl",
    "volumeId", "vpcId", "subnetId", "hostedZoneId", "certificateArn"};
#define N_TARGET (sizeof target_keys / sizeof target_keys[0])

typedef struct ct_state {
    size_t klens[N_KNOWN], uilens[N_UI], tlens[N_TARGET];
    ks_json_doc *inner; /* lookup-events: CloudTrailEvent parsed again */
    ks_buf extra;
    ks_buf msg;
    ks_buf target;
} ct_state;

/* The principal a responder would name: the ARN when there is one (for assumed roles it
 * carries role and session name), else the user name, the invoking service, the id.
 * uiv: userIdentity's members in ui_keys order; behalf: onBehalfOf.userId. */
static ks_str actor_of(const ks_json_doc *d, const ks_jv *uiv, ks_val behalf)
{
    static const int order[] = {2 /* arn */, 5 /* userName */, 6 /* invokedBy */,
                                1 /* principalId */, 3 /* accountId */, 0 /* type */};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        ks_str s = ks_json_str(d, uiv[order[i]]);
        if (has_str(s))
            return s;
    }
    return behalf.kind == KS_V_TEXT ? behalf.s : KS_STR_NULL;
}

/* What the call acted on: the resources list, else the created instances, else the
 * first well-known identifier among the request parameters. */
static ks_str target_of(const ks_json_doc *d, ct_state *cs, ks_jv res, ks_jv resp, ks_jv rp)
{
    ks_buf *out = &cs->target;
    ks_buf_reset(out);
    for (ks_jv r = ks_json_first(d, res); r != KS_JV_NONE; r = ks_json_next(d, r)) {
        ks_str arn = ks_json_get_str(d, r, "ARN");
        if (!has_str(arn))
            arn = ks_json_get_str(d, r, "arn");
        if (!has_str(arn))
            continue;
        if (out->len)
            ks_buf_putc(out, ',');
        ks_buf_append(out, arn.p, arn.n);
        if (out->len > 512)
            break;
    }
    if (out->len)
        return (ks_str){out->data, out->len};

    ks_jv items = ks_json_path(d, resp, "instancesSet.items");
    for (ks_jv it = ks_json_first(d, items); it != KS_JV_NONE; it = ks_json_next(d, it)) {
        ks_str id = ks_json_get_str(d, it, "instanceId");
        if (!has_str(id))
            continue;
        if (out->len)
            ks_buf_putc(out, ',');
        ks_buf_append(out, id.p, id.n);
        if (out->len > 512)
            break;
    }
    if (out->len)
        return (ks_str){out->data, out->len};

    ks_jv tv[N_TARGET];
    fields(d, rp, target_keys, cs->tlens, N_TARGET, tv);
    for (size_t k = 0; k < N_TARGET; k++)
        if (ks_json_type_of(d, tv[k]) == KS_JSON_STRING)
            return ks_json_str(d, tv[k]);
    ks_jv inst = ks_json_path(d, rp, "instancesSet.items");
    ks_jv first = ks_json_first(d, inst);
    if (first != KS_JV_NONE) {
        ks_str id = ks_json_get_str(d, first, "instanceId");
        if (has_str(id))
            return id;
    }
    return KS_STR_NULL;
}

static void build_extra(const ks_json_doc *d, ks_jv rec, const size_t *klens, ks_buf *out)
{
    ks_buf_reset(out);
    for (ks_jv k = ks_json_first(d, rec); k != KS_JV_NONE; k = ks_json_next(d, k)) {
        ks_str key = ks_json_str(d, k);
        bool known = false;
        for (size_t i = 0; i < N_KNOWN && !known; i++)
            known = klens[i] == key.n && !memcmp(known_keys[i], key.p, key.n);
        if (known)
            continue;
        ks_buf_putc(out, out->len ? ',' : '{');
        ks_str rawkey = ks_json_raw(d, k);
        ks_buf_append(out, rawkey.p, rawkey.n);
        ks_buf_putc(out, ':');
        ks_str rawv = ks_json_raw(d, ks_json_member_value(d, k));
        ks_buf_append(out, rawv.p, rawv.n);
    }
    if (out->len)
        ks_buf_putc(out, '}');
}

static void append_clean(ks_buf *b, ks_str s, size_t max)
{
    if (!s.p)
        return;
    ks_buf_append(b, s.p, s.n < max ? s.n : max);
}

static int map_record(ks_parse_ctx *ctx, ct_state *cs, const ks_json_doc *d, ks_jv rec,
                      ks_str raw, int64_t line, int64_t offset, ks_err *err)
{
    ks_val v[C_NCOLS];
    ks_event ev;
    ks_event_init(&ev);
    ev.line = line;
    ev.offset = offset;
    ev.time_desc = "event";
    ev.raw = raw;

    ks_jv top[N_KNOWN], uiv[N_UI];
    size_t unknown = fields(d, rec, known_keys, cs->klens, N_KNOWN, top);
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    for (size_t i = 0; i < N_KNOWN; i++)
        v[known_col[i]] = val_of(d, top[i]);

    ks_str etime = ks_json_type_of(d, top[2]) == KS_JSON_STRING ? ks_json_str(d, top[2]) : KS_STR_NULL;
    int64_t t = KS_TIME_NONE;
    if (!has_str(etime) || ks_time_parse_iso8601(etime.p, etime.n, NULL, &t) != 0) {
        t = KS_TIME_NONE;
        ks_sink_warn(ctx->sink, line, offset,
                     has_str(etime) ? "unparseable eventTime" : "record without eventTime");
    }
    ev.time = t;
    v[C_TIME] = ks_v_int(t);

    ks_jv ui = top[1];
    fields(d, ui, ui_keys, cs->uilens, N_UI, uiv);
    for (size_t i = 0; i < N_UI; i++)
        if (ui_col[i] >= 0)
            v[ui_col[i]] = val_of(d, uiv[i]);
    ks_jv sc = uiv[8];
    ks_jv si = ks_json_get(d, sc, "sessionIssuer");
    ks_jv attrs = ks_json_get(d, sc, "attributes");
    v[C_SI_TYPE] = get_val(d, si, "type");
    v[C_SI_ARN] = get_val(d, si, "arn");
    v[C_SI_USERNAME] = get_val(d, si, "userName");
    v[C_SI_ACCOUNTID] = get_val(d, si, "accountId");
    v[C_SESSION_MFA] = get_val(d, attrs, "mfaAuthenticated");
    v[C_SESSION_CREATED] = get_val(d, attrs, "creationDate");
    v[C_SESSION_SOURCEIDENTITY] = get_val(d, sc, "sourceIdentity");
    v[C_SESSION_EC2_INSTANCE] = get_val(d, sc, "ec2RoleDelivery");
    v[C_ONBEHALFOF_USERID] = get_val(d, uiv[9], "userId");
    if (unknown)
        build_extra(d, rec, cs->klens, &cs->extra);
    else
        ks_buf_reset(&cs->extra);
    v[C_EXTRA] = cs->extra.len ? ks_v_text((ks_str){cs->extra.data, cs->extra.len}) : ks_v_null();

    ks_str ename = v[C_EVENTNAME].s, esrc = v[C_EVENTSOURCE].s;
    ks_str ecode = v[C_ERRORCODE].s;
    ev.actor = actor_of(d, uiv, v[C_ONBEHALFOF_USERID]);
    ev.src_ip = v[C_SOURCEIPADDRESS].s;
    ev.action = ename;
    ev.target = target_of(d, cs, top[15], top[11], top[10]);
    ev.account = has_str(v[C_RECIPIENTACCOUNTID].s) ? v[C_RECIPIENTACCOUNTID].s : v[C_UI_ACCOUNTID].s;
    ev.region = v[C_AWSREGION].s;
    if (has_str(ecode)) {
        ev.outcome = KS_STR_LIT("failure");
    } else {
        ks_str console = val_of(d, ks_json_get(d, top[11], "ConsoleLogin")).s;
        if (ks_str_eq(console, "Failure"))
            ev.outcome = KS_STR_LIT("failure");
        else
            ev.outcome = KS_STR_LIT("success");
    }

    ks_buf *m = &cs->msg;
    ks_buf_reset(m);
    append_clean(m, esrc, 128);
    if (m->len)
        ks_buf_putc(m, ' ');
    append_clean(m, ename, 128);
    if (has_str(ev.actor)) {
        ks_buf_puts(m, " by ");
        append_clean(m, ev.actor, 256);
    }
    if (has_str(ev.src_ip)) {
        ks_buf_puts(m, " from ");
        append_clean(m, ev.src_ip, 128);
    }
    if (has_str(ev.target)) {
        ks_buf_puts(m, " on ");
        append_clean(m, ev.target, 256);
    }
    if (has_str(ecode)) {
        ks_buf_puts(m, ": ");
        append_clean(m, ecode, 128);
        ks_str emsg = v[C_ERRORMESSAGE].s;
        if (has_str(emsg)) {
            ks_buf_puts(m, " ");
            append_clean(m, emsg, 256);
        }
    }
    ev.message = (ks_str){m->data, m->len};
    return ks_sink_event(ctx->sink, &ev, &ks_table_cloudtrail, v, err);
}

/* ---- the parser loop ---------------------------------------------------------------- */
static int handle_record(void *arg, ks_parse_ctx *ctx, ks_json_doc *doc, const ks_jrecord *r,
                         ks_err *err)
{
    ct_state *cs = arg;
    ks_jv rec = ks_json_root(doc);
    if (ks_json_type_of(doc, rec) != KS_JSON_OBJECT)
        return ks_sink_error(ctx->sink, r->lineno, r->offset, "record is not a JSON object", r->p,
                             r->n, err);
    /* lookup-events: the CloudTrail record is a JSON string inside. */
    ks_jv inner = ks_json_get(doc, rec, "CloudTrailEvent");
    if (ks_json_type_of(doc, inner) == KS_JSON_STRING) {
        ks_str s = ks_json_str(doc, inner);
        ks_err perr;
        ks_err_clear(&perr);
        if (ks_json_parse(cs->inner, s.p, s.n, &perr) != 0 ||
            ks_json_type_of(cs->inner, ks_json_root(cs->inner)) != KS_JSON_OBJECT) {
            char why[KS_ERR_MSG_MAX + 64];
            snprintf(why, sizeof why, "invalid CloudTrailEvent JSON string: %s",
                     perr.msg[0] ? perr.msg : "not an object");
            return ks_sink_error(ctx->sink, r->lineno, r->offset, why, r->p, r->n, err);
        }
        return map_record(ctx, cs, cs->inner, ks_json_root(cs->inner), s, r->lineno, r->offset,
                          err);
    }
    if (ks_json_get(doc, rec, "eventTime") == KS_JV_NONE &&
        ks_json_get(doc, rec, "eventName") == KS_JV_NONE)
        return ks_sink_error(ctx->sink, r->lineno, r->offset,
                             "JSON object is not a CloudTrail record (no eventTime/eventName)",
                             r->p, r->n, err);
    return map_record(ctx, cs, doc, rec, (ks_str){r->p, r->n}, r->lineno, r->offset, err);
}

static const char *const wrap_keys[] = {"Records", "Events", NULL};

static int parse_events(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    ct_state cs = {0};
    ks_buf_init(&cs.extra, 1 << 26);
    ks_buf_init(&cs.msg, 1 << 16);
    ks_buf_init(&cs.target, 1 << 16);
    lens_of(known_keys, cs.klens, N_KNOWN);
    lens_of(ui_keys, cs.uilens, N_UI);
    lens_of(target_keys, cs.tlens, N_TARGET);
    if ((rc = ks_json_doc_new(&cs.inner, NULL)))
        rc = KS_ERR(err, rc, "out of memory");
    else
        rc = ks_jsonrec_each(ctx, wrap_keys, handle_record, &cs, err);
    ks_json_doc_free(cs.inner);
    ks_buf_free(&cs.extra);
    ks_buf_free(&cs.msg);
    ks_buf_free(&cs.target);
    return rc;
}

const ks_parser ks_parser_cloudtrail = {
    "cloudtrail",
    "AWS CloudTrail: S3 delivery {\"Records\":[...]}, JSON lines, arrays, lookup-events output",
    (const ks_table_def *const[]){&ks_table_cloudtrail, NULL},
    sniff_events,
    parse_events,
};

/* ---- digest files ------------------------------------------------------------------- */
enum {
    D_ACCOUNT,
    D_START,
    D_END,
    D_BUCKET,
    D_OBJECT,
    D_FINGERPRINT,
    D_SIGALG,
    D_NEWEST,
    D_OLDEST,
    D_PREV_BUCKET,
    D_PREV_OBJECT,
    D_PREV_HASH,
    D_PREV_HASHALG,
    D_PREV_SIG,
    D_NLOGFILES,
    D_LOGFILES,
    D_NCOLS
};
static const ks_column dcols[D_NCOLS] = {
    [D_ACCOUNT] = {"awsaccountid", KS_COL_TEXT, "awsAccountId"},
    [D_START] = {"digeststarttime", KS_COL_TEXT, "digestStartTime"},
    [D_END] = {"digestendtime", KS_COL_TEXT, "digestEndTime"},
    [D_BUCKET] = {"digests3bucket", KS_COL_TEXT, "digestS3Bucket"},
    [D_OBJECT] = {"digests3object", KS_COL_TEXT, "digestS3Object"},
    [D_FINGERPRINT] = {"digestpublickeyfingerprint", KS_COL_TEXT, "digestPublicKeyFingerprint"},
    [D_SIGALG] = {"digestsignaturealgorithm", KS_COL_TEXT, "digestSignatureAlgorithm"},
    [D_NEWEST] = {"newesteventtime", KS_COL_TEXT, "newestEventTime"},
    [D_OLDEST] = {"oldesteventtime", KS_COL_TEXT, "oldestEventTime"},
    [D_PREV_BUCKET] = {"previousdigests3bucket", KS_COL_TEXT, "previousDigestS3Bucket"},
    [D_PREV_OBJECT] = {"previousdigests3object", KS_COL_TEXT, "previousDigestS3Object"},
    [D_PREV_HASH] = {"previousdigesthashvalue", KS_COL_TEXT, "previousDigestHashValue"},
    [D_PREV_HASHALG] = {"previousdigesthashalgorithm", KS_COL_TEXT, "previousDigestHashAlgorithm"},
    [D_PREV_SIG] = {"previousdigestsignature", KS_COL_TEXT, "previousDigestSignature"},
    [D_NLOGFILES] = {"logfile_count", KS_COL_INT, "number of log files the digest covers"},
    [D_LOGFILES] = {"logfiles", KS_COL_JSON, "logFiles (JSON: s3Bucket, s3Object, hashValue, ...)"},
};
const ks_table_def ks_table_cloudtrail_digest = {
    "cloudtrail_digest", "CloudTrail digest files (log file integrity chain); not events", dcols,
    D_NCOLS};

static int digest_record(void *arg, ks_parse_ctx *ctx, ks_json_doc *doc, const ks_jrecord *r,
                         ks_err *err)
{
    static const char *const keys[D_NCOLS] = {
        "awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object",
        "digestPublicKeyFingerprint", "digestSignatureAlgorithm", "newestEventTime",
        "oldestEventTime", "previousDigestS3Bucket", "previousDigestS3Object",
        "previousDigestHashValue", "previousDigestHashAlgorithm", "previousDigestSignature", NULL,
        "logFiles"};
    ks_jv d = ks_json_root(doc);
    if (ks_json_type_of(doc, d) != KS_JSON_OBJECT)
        return ks_sink_error(ctx->sink, r->lineno, r->offset, "digest is not a JSON object",
                             r->p, r->n, err);
    ks_val v[D_NCOLS];
    for (int i = 0; i < D_NCOLS; i++)
        v[i] = keys[i] ? get_val(doc, d, keys[i]) : ks_v_null();
    v[D_NLOGFILES] = ks_v_int((int64_t)ks_json_count(doc, ks_json_get(doc, d, "logFiles")));
    return ks_sink_row(ctx->sink, &ks_table_cloudtrail_digest, v, err);
}

static int parse_digest(ks_parse_ctx *ctx, ks_err *err)
{
    return ks_jsonrec_each(ctx, NULL, digest_record, NULL, err);
}

const ks_parser ks_parser_cloudtrail_digest = {
    "cloudtrail_digest",
    "AWS CloudTrail digest files (integrity chain; recorded, not counted as events)",
    (const ks_table_def *const[]){&ks_table_cloudtrail_digest, NULL},
    sniff_digest,
    parse_digest,
};
