/* awsconfig.c — AWS Config configuration items into `aws_config` (and `events` for history
 * and change notifications).
 *
 * Item reference ("Components of a configuration item"): configurationItemCaptureTime,
 * configurationItemStatus (OK, ResourceDiscovered, ResourceNotRecorded, ResourceDeleted,
 * ResourceDeletedNotRecorded), resourceType, resourceId, resourceName, ARN, awsAccountId,
 * awsRegion, availabilityZone, resourceCreationTime, configurationStateId,
 * configurationStateMd5Hash, configurationItemVersion, configuration,
 * supplementaryConfiguration, tags, relationships, relatedEvents (CloudTrail event ids).
 * A snapshot is the inventory at one instant, so its items are rows without events: the
 * timeline holds changes, not the state of every resource.
 */
#include "parsers/cloud/awsconfig.h"

#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "parsers/jsonrec.h"
#include "parsers/sniff.h"

enum {
    C_TIME, C_KIND, C_CAPTURE, C_STATUS, C_RTYPE, C_RID, C_RNAME, C_ARN, C_ACCOUNT, C_REGION,
    C_AZ, C_CREATED, C_STATE_ID, C_MD5, C_VERSION, C_CONFIG, C_SUPPL, C_TAGS, C_RELS,
    C_RELATED, C_N
};
static const char *const keys[C_N] = {
    NULL, NULL, "configurationItemCaptureTime", "configurationItemStatus", "resourceType",
    "resourceId", "resourceName", "ARN", "awsAccountId", "awsRegion", "availabilityZone",
    "resourceCreationTime", "configurationStateId", "configurationStateMd5Hash",
    "configurationItemVersion", "configuration", "supplementaryConfiguration", "tags",
    "relationships", "relatedEvents"};
static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "configurationItemCaptureTime (UTC)"},
    [C_KIND] = {"kind", KS_COL_TEXT, "history, snapshot or notification"},
    [C_CAPTURE] = {"capture_time", KS_COL_TEXT, "configurationItemCaptureTime as written"},
    [C_STATUS] = {"status", KS_COL_TEXT, "OK, ResourceDiscovered, ResourceDeleted, ResourceNotRecorded, ..."},
    [C_RTYPE] = {"resource_type", KS_COL_TEXT, "AWS::EC2::SecurityGroup, ..."},
    [C_RID] = {"resource_id", KS_COL_TEXT, "resource id"},
    [C_RNAME] = {"resource_name", KS_COL_TEXT, "resource name"},
    [C_ARN] = {"arn", KS_COL_TEXT, "ARN"},
    [C_ACCOUNT] = {"account_id", KS_COL_TEXT, "awsAccountId"},
    [C_REGION] = {"region", KS_COL_TEXT, "awsRegion"},
    [C_AZ] = {"availability_zone", KS_COL_TEXT, "availabilityZone"},
    [C_CREATED] = {"resource_creation_time", KS_COL_TEXT, "resourceCreationTime"},
    [C_STATE_ID] = {"state_id", KS_COL_TEXT, "configurationStateId"},
    [C_MD5] = {"state_md5", KS_COL_TEXT, "configurationStateMd5Hash"},
    [C_VERSION] = {"item_version", KS_COL_TEXT, "configurationItemVersion"},
    [C_CONFIG] = {"configuration", KS_COL_JSON, "configuration (JSON)"},
    [C_SUPPL] = {"supplementary_configuration", KS_COL_JSON, "supplementaryConfiguration (JSON)"},
    [C_TAGS] = {"tags", KS_COL_JSON, "tags (JSON)"},
    [C_RELS] = {"relationships", KS_COL_JSON, "relationships (JSON)"},
    [C_RELATED] = {"related_events", KS_COL_JSON, "relatedEvents: CloudTrail eventIDs that caused the change (JSON)"},
};
const ks_table_def ks_table_aws_config = {"aws_config", "AWS Config configuration items", cols,
                                          C_N};

static ks_val val_of(const ks_json_doc *d, ks_jv x)
{
    switch (ks_json_type_of(d, x)) {
    case KS_JSON_STRING: return ks_v_text(ks_json_str(d, x));
    case KS_JSON_INVALID:
    case KS_JSON_NULL: return ks_v_null();
    default: return ks_v_text(ks_json_raw(d, x));
    }
}

static int parse_kind(ks_parse_ctx *ctx, bool snapshot, ks_err *err)
{
    static const char *const wrap_keys[] = {"configurationItems", NULL};
    int rc = 0;
    ks_json_doc *doc = NULL;
    ks_jsplit *sp = NULL;
    ks_buf msg;
    ks_buf_init(&msg, 1 << 13);
    if ((rc = ks_json_doc_new(&doc, NULL)) ||
        (rc = ks_jsplit_new(&sp, ctx->in, &(ks_jsplit_opts){wrap_keys, 0}))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    for (;;) {
        ks_jrecord r;
        int s = ks_jsonrec_next(sp, ctx, &r, err);
        if (s == KS_EOF)
            break;
        if (s) {
            rc = s;
            goto done;
        }
        ks_err perr;
        ks_err_clear(&perr);
        const char *why = NULL;
        ks_val v[C_N];
        int64_t t = KS_TIME_NONE;
        const char *kind = snapshot ? "snapshot" : "history";
        if (ks_json_parse(doc, r.p, r.n, &perr) != 0) {
            why = perr.msg[0] ? perr.msg : "invalid JSON";
        } else {
            ks_jv item = ks_json_root(doc);
            ks_jv inner = ks_json_get(doc, item, "configurationItem"); /* change notification */
            if (inner != KS_JV_NONE) {
                item = inner;
                kind = "notification";
            }
            for (int i = 0; i < C_N; i++)
                v[i] = keys[i] ? val_of(doc, ks_json_get(doc, item, keys[i])) : ks_v_null();
            v[C_KIND] = ks_v_text(ks_str_c(kind));
            if (ks_json_type_of(doc, item) != KS_JSON_OBJECT || v[C_CAPTURE].kind != KS_V_TEXT ||
                v[C_RTYPE].kind != KS_V_TEXT)
                why = "not a configuration item (no capture time / resource type)";
            else if (ks_time_parse_iso8601(v[C_CAPTURE].s.p, v[C_CAPTURE].s.n, NULL, &t))
                why = "configurationItemCaptureTime is not ISO 8601";
            else
                v[C_TIME] = ks_v_int(t);
        }
        if (why) {
            if ((rc = ks_sink_error(ctx->sink, r.lineno, r.offset, why, r.p, r.n, err)))
                goto done;
            continue;
        }
        if (snapshot && strcmp(kind, "notification")) {
            if ((rc = ks_sink_row(ctx->sink, &ks_table_aws_config, v, err)))
                goto done;
            continue;
        }
        ks_event ev;
        ks_event_init(&ev);
        ev.time = t;
        ev.time_desc = "captured";
        ev.action = v[C_STATUS].kind ? v[C_STATUS].s : KS_STR_LIT("configuration item");
        ev.target = v[C_ARN].kind ? v[C_ARN].s : v[C_RID].s;
        ev.account = v[C_ACCOUNT].s;
        ev.region = v[C_REGION].s;
        ks_buf_reset(&msg);
        ks_buf_append(&msg, v[C_RTYPE].s.p, v[C_RTYPE].s.n);
        if (v[C_RID].kind) {
            ks_buf_putc(&msg, ' ');
            ks_buf_append(&msg, v[C_RID].s.p, v[C_RID].s.n);
        }
        if (v[C_STATUS].kind) {
            ks_buf_puts(&msg, ": ");
            ks_buf_append(&msg, v[C_STATUS].s.p, v[C_STATUS].s.n);
        }
        ev.message = (ks_str){msg.data, msg.len};
        ev.raw = (ks_str){r.p, r.n};
        ev.line = r.lineno;
        ev.offset = r.offset;
        if ((rc = ks_sink_event(ctx->sink, &ev, &ks_table_aws_config, v, err)))
            goto done;
    }
done:
    ks_jsplit_free(sp);
    ks_json_doc_free(doc);
    ks_buf_free(&msg);
    return rc;
}

static int parse_history(ks_parse_ctx *ctx, ks_err *err)
{
    return parse_kind(ctx, false, err);
}

static int parse_snapshot(ks_parse_ctx *ctx, ks_err *err)
{
    return parse_kind(ctx, true, err);
}

static bool config_like(const uint8_t *head, size_t n)
{
    int c = ks_sniff_first_char(head, n);
    return (c == '{' || c == '[') && ks_sniff_has(head, n, "\"configurationItem") &&
           (ks_sniff_has(head, n, "\"configurationItemCaptureTime\"") ||
            ks_sniff_has(head, n, "\"fileVersion\""));
}

static int sniff_history(const uint8_t *head, size_t n, const char *name)
{
    return config_like(head, n) && !ks_sniff_has(head, n, "\"configSnapshotId\"") ? 90 : 0;
}

static int sniff_snapshot(const uint8_t *head, size_t n, const char *name)
{
    return config_like(head, n) && ks_sniff_has(head, n, "\"configSnapshotId\"") ? 92 : 0;
}

const ks_parser ks_parser_aws_config = {
    "aws_config",
    "AWS Config history files and change notifications (configuration item changes as events)",
    (const ks_table_def *const[]){&ks_table_aws_config, NULL},
    sniff_history,
    parse_history,
};

const ks_parser ks_parser_aws_config_snapshot = {
    "aws_config_snapshot",
    "AWS Config snapshot files (inventory rows in aws_config; not events)",
    (const ks_table_def *const[]){&ks_table_aws_config, NULL},
    sniff_snapshot,
    parse_snapshot,
};
