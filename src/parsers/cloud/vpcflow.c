/* vpcflow.c — Amazon VPC Flow Logs (text, as delivered to S3 or exported from CloudWatch).
 *
 * A record is space-separated values in the order of the log's format: the default
 * (version 2) format "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr}
 * ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action}
 * ${log-status}", or a custom one with any of the v3..v8 fields. S3 delivery starts each
 * file with a header line naming the fields ("version account-id ..."); a header may also
 * appear mid-input (concatenated files) and switches the format from there on. Without a
 * header, `--opt flow-format='${version} ${vpc-id} ...'` (or the field names without ${})
 * gives it, else the default is assumed. "-" is a missing value (NODATA/SKIPDATA records
 * have only the interface, times and status).
 */
#include "parsers/cloud/vpcflow.h"

#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/time.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define VF_MAX_LINE ((size_t)1 << 16)
#define VF_MAX_FIELDS 64

/* Every documented field: its name in the log (lognames[i]) and its column (cols[i]),
 * in the same order; `extra` last. */
static const char *const lognames[] = {
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "region",
    "az-id",
    "sublocation-type",
    "sublocation-id",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
    "flow-direction",
    "traffic-path",
    "ecs-cluster-arn",
    "ecs-cluster-name",
    "ecs-container-instance-arn",
    "ecs-container-instance-id",
    "ecs-container-id",
    "ecs-second-container-id",
    "ecs-service-name",
    "ecs-task-definition-arn",
    "ecs-task-arn",
    "ecs-task-id",
    "reject-reason"};
#define N_FIELDS (sizeof lognames / sizeof lognames[0])
enum { F_VERSION, F_ACCOUNT, F_IFACE, F_SRC, F_DST, F_SPORT, F_DPORT, F_PROTO, F_PACKETS,
       F_BYTES, F_START, F_END, F_ACTION, F_STATUS, F_VPC, F_SUBNET, F_INSTANCE, F_FLAGS,
       F_TYPE, F_PKTSRC, F_PKTDST, F_REGION };
#define C_EXTRA N_FIELDS
#define C_NCOLS (N_FIELDS + 1)

static const ks_column cols[] = {
    {"version", KS_COL_INT, "flow log version (2..8)"},
    {"account_id", KS_COL_TEXT, "owner account of the interface"},
    {"interface_id", KS_COL_TEXT, "network interface (eni-...)"},
    {"srcaddr", KS_COL_TEXT, "source address (IPv4 or IPv6)"},
    {"dstaddr", KS_COL_TEXT, "destination address"},
    {"srcport", KS_COL_INT, "source port"},
    {"dstport", KS_COL_INT, "destination port"},
    {"protocol", KS_COL_INT, "IANA protocol number (6 TCP, 17 UDP, 1 ICMP)"},
    {"packets", KS_COL_INT, "packets in the window"},
    {"bytes", KS_COL_INT, "bytes in the window"},
    {"start_time", KS_COL_TIME, "window start (UTC; the log's `start`, epoch seconds)"},
    {"end_time", KS_COL_TIME, "window end (UTC; the log's `end`)"},
    {"action", KS_COL_TEXT, "ACCEPT or REJECT"},
    {"log_status", KS_COL_TEXT, "OK, NODATA (no traffic), SKIPDATA (records skipped)"},
    {"vpc_id", KS_COL_TEXT, "VPC (v3)"},
    {"subnet_id", KS_COL_TEXT, "subnet (v3)"},
    {"instance_id", KS_COL_TEXT, "instance (v3)"},
    {"tcp_flags", KS_COL_INT, "OR of TCP flags in the window: FIN 1, SYN 2, RST 4, SYN-ACK 18 (v3)"},
    {"type", KS_COL_TEXT, "IPv4, IPv6, EFA (v3)"},
    {"pkt_srcaddr", KS_COL_TEXT, "packet-level source (behind NAT/transit gateways) (v3)"},
    {"pkt_dstaddr", KS_COL_TEXT, "packet-level destination (v3)"},
    {"region", KS_COL_TEXT, "region (v4)"},
    {"az_id", KS_COL_TEXT, "availability zone id (v4)"},
    {"sublocation_type", KS_COL_TEXT, "wavelength, outpost, localzone (v4)"},
    {"sublocation_id", KS_COL_TEXT, "sublocation id (v4)"},
    {"pkt_src_aws_service", KS_COL_TEXT, "AWS service of pkt-srcaddr (v5)"},
    {"pkt_dst_aws_service", KS_COL_TEXT, "AWS service of pkt-dstaddr (v5)"},
    {"flow_direction", KS_COL_TEXT, "ingress or egress (v5)"},
    {"traffic_path", KS_COL_INT, "egress path 1..8 (v5)"},
    {"ecs_cluster_arn", KS_COL_TEXT, "ECS cluster (v7)"},
    {"ecs_cluster_name", KS_COL_TEXT, "(v7)"},
    {"ecs_container_instance_arn", KS_COL_TEXT, "(v7)"},
    {"ecs_container_instance_id", KS_COL_TEXT, "(v7)"},
    {"ecs_container_id", KS_COL_TEXT, "(v7)"},
    {"ecs_second_container_id", KS_COL_TEXT, "(v7)"},
    {"ecs_service_name", KS_COL_TEXT, "(v7)"},
    {"ecs_task_definition_arn", KS_COL_TEXT, "(v7)"},
    {"ecs_task_arn", KS_COL_TEXT, "(v7)"},
    {"ecs_task_id", KS_COL_TEXT, "(v7)"},
    {"reject_reason", KS_COL_TEXT, "why traffic was rejected, e.g. BPA (v8)"},
    {"extra", KS_COL_JSON, "fields of a custom format not listed here (JSON object)"}};

const ks_table_def ks_table_vpcflow = {"vpcflow", "Amazon VPC Flow Logs (v2..v8 fields)", cols,
                                       sizeof cols / sizeof cols[0]};

/* ---- formats ---------------------------------------------------------------------- */
typedef struct vf_fmt {
    int map[VF_MAX_FIELDS]; /* index into lognames, or -1 (kept in extra under names[i]) */
    char names[VF_MAX_FIELDS][48];
    size_t n;
} vf_fmt;

static int lookup(const char *p, size_t n)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strlen(lognames[i]) == n && !memcmp(lognames[i], p, n))
            return (int)i;
    return -1;
}

static bool name_like(const char *p, size_t n)
{
    if (!n || p[0] < 'a' || p[0] > 'z')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
            return false;
    return true;
}

/* Reads "version account-id ..." or "${version} ${account-id} ...". Returns the number of
 * known names, or -1 when a token is not a field name (then `out` is unchanged). */
static int fmt_parse(vf_fmt *out, const char *p, size_t n)
{
    vf_fmt f;
    f.n = 0;
    int known = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i >= n)
            break;
        size_t b = i;
        while (i < n && p[i] != ' ' && p[i] != '\t')
            i++;
        const char *t = p + b;
        size_t tn = i - b;
        if (tn >= 3 && t[0] == '$' && t[1] == '{' && t[tn - 1] == '}')
            t += 2, tn -= 3;
        if (!name_like(t, tn) || f.n == VF_MAX_FIELDS)
            return -1;
        int k = lookup(t, tn);
        known += k >= 0;
        f.map[f.n] = k;
        size_t cn = tn < sizeof f.names[0] - 1 ? tn : sizeof f.names[0] - 1;
        memcpy(f.names[f.n], t, cn);
        f.names[f.n][cn] = '\0';
        f.n++;
    }
    if (!f.n)
        return -1;
    *out = f;
    return known;
}

static bool is_header(const char *p, size_t n, vf_fmt *out)
{
    vf_fmt f;
    int known = fmt_parse(&f, p, n);
    if (known < 1 || (size_t)known * 2 < f.n)
        return false;
    *out = f;
    return true;
}

static const char *const default_format =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
    "start end action log-status";

/* ---- records ---------------------------------------------------------------------- */
typedef struct vf_state {
    ks_parse_ctx *ctx; /* of the file being parsed (NULL for records from other containers) */
    vf_fmt fmt;
    ks_buf extra, msg, tgt;
} vf_state;

static bool dash(ks_str s)
{
    return s.n == 1 && s.p[0] == '-';
}

static const char *map_record(vf_state *st, const char *p, size_t n, ks_val *v, ks_event *ev)
{
    ks_str tok[VF_MAX_FIELDS];
    size_t nt = 0, i = 0;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i >= n)
            break;
        size_t b = i;
        while (i < n && p[i] != ' ' && p[i] != '\t')
            i++;
        if (nt == VF_MAX_FIELDS)
            return "more than 64 values";
        tok[nt++] = (ks_str){p + b, i - b};
    }
    if (nt != st->fmt.n)
        return "number of values differs from the format's fields (see --opt flow-format)";
    for (size_t c = 0; c < C_NCOLS; c++)
        v[c] = ks_v_null();
    ks_buf_reset(&st->extra);
    for (size_t k = 0; k < nt; k++) {
        int f = st->fmt.map[k];
        ks_str t = tok[k];
        if (f < 0) {
            ks_buf_putc(&st->extra, st->extra.len ? ',' : '{');
            ks_escape_json(&st->extra, st->fmt.names[k], strlen(st->fmt.names[k]));
            ks_buf_putc(&st->extra, ':');
            ks_escape_json(&st->extra, t.p, t.n);
            continue;
        }
        if (dash(t))
            continue;
        if (cols[f].type == KS_COL_TEXT) {
            v[f] = ks_v_text(t);
            continue;
        }
        if (t.n > 18)
            return "number too long";
        int64_t x = 0;
        for (size_t j = 0; j < t.n; j++) {
            if (t.p[j] < '0' || t.p[j] > '9')
                return "a numeric field is not a number";
            x = x * 10 + (t.p[j] - '0');
        }
        if (cols[f].type == KS_COL_TIME) {
            if (x > 9000000000LL)
                return "time out of range";
            x *= KS_NS_PER_SEC;
        }
        v[f] = ks_v_int(x);
    }
    if (st->extra.len && !ks_buf_putc(&st->extra, '}'))
        v[C_EXTRA] = ks_v_text((ks_str){st->extra.data, st->extra.len});

    ks_event_init(ev);
    ev->time = v[F_END].kind == KS_V_INT ? v[F_END].i
               : v[F_START].kind == KS_V_INT ? v[F_START].i : KS_TIME_NONE;
    ev->time_desc = v[F_END].kind == KS_V_INT ? "flow window end" : "flow window start";
    ev->src_ip = v[F_SRC].s;
    ks_str action = v[F_ACTION].s, status = v[F_STATUS].s;
    ev->action = action.p ? action : status.p ? status : KS_STR_LIT("flow");
    if (action.p)
        ev->outcome = ks_str_eq(action, "REJECT") ? KS_STR_LIT("failure") : KS_STR_LIT("success");
    ev->account = v[F_ACCOUNT].s;
    ev->region = v[F_REGION].s;
    ev->host = v[F_INSTANCE].s.p ? v[F_INSTANCE].s : v[F_IFACE].s;
    ks_buf_reset(&st->tgt);
    if (v[F_DST].s.p) {
        ks_buf_append(&st->tgt, v[F_DST].s.p, v[F_DST].s.n);
        if (v[F_DPORT].kind == KS_V_INT)
            ks_buf_printf(&st->tgt, ":%lld", (long long)v[F_DPORT].i);
        ev->target = (ks_str){st->tgt.data, st->tgt.len};
    }
    ks_buf_reset(&st->msg);
    if (v[F_SRC].s.p) {
        ks_buf_append(&st->msg, v[F_SRC].s.p, v[F_SRC].s.n);
        if (v[F_SPORT].kind == KS_V_INT)
            ks_buf_printf(&st->msg, ":%lld", (long long)v[F_SPORT].i);
        ks_buf_puts(&st->msg, " -> ");
        if (st->tgt.len)
            ks_buf_append(&st->msg, st->tgt.data, st->tgt.len);
        if (v[F_PROTO].kind == KS_V_INT)
            ks_buf_printf(&st->msg, " proto %lld", (long long)v[F_PROTO].i);
        if (v[F_PACKETS].kind == KS_V_INT && v[F_BYTES].kind == KS_V_INT)
            ks_buf_printf(&st->msg, " %lld packets %lld bytes", (long long)v[F_PACKETS].i,
                          (long long)v[F_BYTES].i);
        if (action.p) {
            ks_buf_putc(&st->msg, ' ');
            ks_buf_append(&st->msg, action.p, action.n);
        }
    } else if (status.p) {
        ks_buf_puts(&st->msg, "log status ");
        ks_buf_append(&st->msg, status.p, status.n);
    }
    const size_t m0 = 0;
    ev->message = st->msg.len ? (ks_str){st->msg.data + m0, st->msg.len - m0} : KS_STR_NULL;
    return NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    const char *p = (const char *)head;
    const char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    if (len && p[len - 1] == '\r')
        len--;
    vf_fmt f;
    int known = fmt_parse(&f, p, len);
    if (known >= 3 && (size_t)known * 2 >= f.n)
        return 90;
    /* a default-format record: "2 123456789012 eni-... " */
    if (len > 20 && p[0] >= '2' && p[0] <= '9' && p[1] == ' ' && memmem(p, len < 40 ? len : 40, " eni-", 5))
        return 80;
    return 0;
}

static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    vf_state *st = arg;
    if (!ln->too_long && is_header(ln->p, n, &st->fmt))
        return 0; /* the format for the lines that follow */
    ks_val v[C_NCOLS];
    ks_event ev;
    const char *why = ln->too_long ? "line longer than 64 KiB (kept truncated)"
                                   : map_record(st, ln->p, n, v, &ev);
    if (why)
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, why, ln->p, ln->n, err);
    ev.raw = (ks_str){ln->p, n};
    ev.line = ln->lineno;
    ev.offset = ln->offset;
    return ks_sink_event(st->ctx->sink, &ev, &ks_table_vpcflow, v, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    vf_state *st = calloc(1, sizeof *st);
    if (!st) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    st->ctx = ctx;
    ks_buf_init(&st->extra, 1 << 20);
    ks_buf_init(&st->msg, 1 << 18);
    ks_buf_init(&st->tgt, 1 << 17);
    const char *ff = ks_parse_opt(ctx->opts, "flow-format");
    const char *fs = ff ? ff : default_format;
    if (fmt_parse(&st->fmt, fs, strlen(fs)) < 0) {
        rc = KS_ERR(err, KS_EUSAGE, "flow-format: expected field names like '${version} ${srcaddr}'");
        goto done;
    }
    rc = ks_lineloop(ctx->in, VF_MAX_LINE, KS_LL_TRIM_CR | KS_LL_TRIM_SPACE | KS_LL_SKIP_EMPTY,
                     on_line, st, err);
done:
    if (st) {
        ks_buf_free(&st->extra);
        ks_buf_free(&st->msg);
        ks_buf_free(&st->tgt);
        free(st);
    }
    return rc;
}

const ks_parser ks_parser_vpcflow = {
    "vpcflow",
    "Amazon VPC Flow Logs: default v2 and custom v3..v8 formats (header line or --opt flow-format)",
    (const ks_table_def *const[]){&ks_table_vpcflow, NULL},
    sniff,
    parse,
};

/* ---- records carried by other containers (CloudWatch Logs events) ------------------- */
struct ks_vpcflow_rec {
    vf_state st;
};

int ks_vpcflow_rec_new(ks_vpcflow_rec **out, const char *flow_format, ks_err *err)
{
    ks_vpcflow_rec *r = calloc(1, sizeof *r);
    if (!r)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_buf_init(&r->st.extra, 1 << 20);
    ks_buf_init(&r->st.msg, 1 << 18);
    ks_buf_init(&r->st.tgt, 1 << 17);
    const char *fs = flow_format ? flow_format : default_format;
    if (fmt_parse(&r->st.fmt, fs, strlen(fs)) < 0) {
        ks_vpcflow_rec_free(r);
        return KS_ERR(err, KS_EUSAGE, "flow-format: expected field names like '${version} ${srcaddr}'");
    }
    *out = r;
    return 0;
}

int ks_vpcflow_rec_emit(ks_vpcflow_rec *r, ks_sink *sink, const char *p, size_t n, int64_t line,
                        int64_t offset, bool *out_done, ks_err *err)
{
    *out_done = false;
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\n'))
        n--;
    if (!n || n > VF_MAX_LINE || is_header(p, n, &r->st.fmt))
        return 0;
    ks_val v[C_NCOLS];
    ks_event ev;
    if (map_record(&r->st, p, n, v, &ev))
        return 0; /* not a record of this format: the caller keeps it as it is */
    ev.raw = (ks_str){p, n};
    ev.line = line;
    ev.offset = offset;
    *out_done = true;
    return ks_sink_event(sink, &ev, &ks_table_vpcflow, v, err);
}

void ks_vpcflow_rec_free(ks_vpcflow_rec *r)
{
    if (!r)
        return;
    ks_buf_free(&r->st.extra);
    ks_buf_free(&r->st.msg);
    ks_buf_free(&r->st.tgt);
    free(r);
}
