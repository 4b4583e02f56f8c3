/* container_log.c — Docker json-file and CRI container logs into `events` and
 * `container_log`.
 *
 * One record per line in both. Docker: a JSON object with log (the bytes the process wrote,
 * newline included), stream, time (RFC 3339, ns) and optionally attrs (labels/env chosen by
 * --log-opt). CRI ("kubernetes/cri-api ... container log format"): RFC 3339 nano time,
 * stream, a tag (F full line, P partial: the line continues in the next record), the text.
 * Partial records are kept one per row, flagged, so counts match the file; the record that
 * ends a run of partial ones (per stream) also carries the whole line, joined, in `joined`
 * and as its event message. Docker splits lines longer than 16 KiB the same way: a `log`
 * without its final newline continues in the next record of its stream. The container id
 * (Docker) or namespace/pod/container (CRI under /var/log/pods or /var/log/containers)
 * come from the member's path when it has the standard layout.
 */
#include "parsers/k8s/container_log.h"

#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define CL_MAX_LINE ((size_t)1 << 20)

enum { C_TIME, C_RUNTIME, C_STREAM, C_PARTIAL, C_MESSAGE, C_CONTAINER_ID, C_NAMESPACE, C_POD,
       C_CONTAINER, C_ATTRS, C_JOINED, C_N };
static const ks_column cols[C_N] = {
    [C_TIME] = {"time", KS_COL_TIME, "when the runtime received the output (UTC, ns)"},
    [C_RUNTIME] = {"runtime", KS_COL_TEXT, "docker (json-file) or cri"},
    [C_STREAM] = {"stream", KS_COL_TEXT, "stdout or stderr"},
    [C_PARTIAL] = {"partial", KS_COL_INT, "1 when the line continues in the next record (CRI P tag)"},
    [C_MESSAGE] = {"message", KS_COL_TEXT, "the output as written (Docker keeps its newline)"},
    [C_CONTAINER_ID] = {"container_id", KS_COL_TEXT, "container id from a .../containers/ID/ path"},
    [C_NAMESPACE] = {"namespace", KS_COL_TEXT, "pod namespace from a /var/log/pods/NS_POD_UID/ path"},
    [C_POD] = {"pod", KS_COL_TEXT, "pod name from the path"},
    [C_CONTAINER] = {"container", KS_COL_TEXT, "container name from the path"},
    [C_ATTRS] = {"attrs", KS_COL_JSON, "Docker attrs (labels/env chosen with --log-opt), JSON"},
    [C_JOINED] = {"joined", KS_COL_TEXT,
                  "on the record that ends a run of partial ones: the whole line, parts joined"},
};

/* The parts of a line split over several records, per stream (stdout, stderr, other). */
#define CL_JOIN_MAX ((size_t)8 << 20)
typedef struct joiner {
    ks_buf part[3];
    bool over[3]; /* more than CL_JOIN_MAX: the joined text is cut there */
} joiner;

static int stream_index(ks_val stream)
{
    if (stream.kind != KS_V_TEXT)
        return 2;
    if (stream.s.n == 6 && !memcmp(stream.s.p, "stdout", 6))
        return 0;
    if (stream.s.n == 6 && !memcmp(stream.s.p, "stderr", 6))
        return 1;
    return 2;
}

/* Adds a record's text to its stream's run; when the record ends a run that had earlier
 * parts, *out gets the whole line (valid until the next call). */
static void join_part(joiner *j, ks_val stream, bool partial, ks_str text, ks_str *out)
{
    int k = stream_index(stream);
    ks_buf *b = &j->part[k];
    *out = KS_STR_NULL;
    if (!partial && !b->len)
        return;
    if (!j->over[k] && ks_buf_append(b, text.p, text.n) != 0)
        j->over[k] = true;
    if (partial)
        return;
    *out = (ks_str){b->data ? b->data : "", b->len};
    b->len = 0; /* the bytes stay valid until the next append */
    j->over[k] = false;
}
const ks_table_def ks_table_container_log = {"container_log",
                                             "Docker json-file and CRI container logs", cols, C_N};

static bool hex64(const char *p, size_t n)
{
    if (n != 64)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return false;
    return true;
}

/* Fills container id / namespace / pod / container from the display path. */
static void from_path(const char *path, ks_val *v)
{
    if (!path)
        return;
    size_t n = strlen(path);
    const char *c = NULL;
    for (const char *p = path; (p = memmem(p, n - (size_t)(p - path), "containers/", 11)); p += 11)
        c = p + 11;
    if (c && ks_fits((uint64_t)(c - path), 64, n) && hex64(c, 64))
        v[C_CONTAINER_ID] = ks_v_text((ks_str){c, 64});
    const char *pods = memmem(path, n, "/pods/", 6);
    if (pods) { /* /var/log/pods/NS_POD_UID/CONTAINER/N.log */
        const char *a = pods + 6, *e = path + n;
        const char *s1 = memchr(a, '/', (size_t)(e - a));
        const char *u1 = s1 ? memchr(a, '_', (size_t)(s1 - a)) : NULL;
        const char *u2 = u1 ? memchr(u1 + 1, '_', (size_t)(s1 - u1 - 1)) : NULL;
        if (u1 && u2) {
            v[C_NAMESPACE] = ks_v_text((ks_str){a, (size_t)(u1 - a)});
            v[C_POD] = ks_v_text((ks_str){u1 + 1, (size_t)(u2 - u1 - 1)});
            const char *s2 = memchr(s1 + 1, '/', (size_t)(e - s1 - 1));
            if (s2)
                v[C_CONTAINER] = ks_v_text((ks_str){s1 + 1, (size_t)(s2 - s1 - 1)});
        }
    }
}

static size_t cri_prefix(const char *p, size_t n, ks_str *stream, bool *partial, int64_t *t)
{
    const char *sp = memchr(p, ' ', n < 48 ? n : 48);
    if (!sp || ks_time_parse_iso8601(p, (size_t)(sp - p), NULL, t))
        return 0;
    size_t i = (size_t)(sp - p) + 1;
    if (n - i >= 8 && (!memcmp(p + i, "stdout ", 7) || !memcmp(p + i, "stderr ", 7)))
        *stream = (ks_str){p + i, 6};
    else
        return 0;
    i += 7;
    if (i >= n || (p[i] != 'F' && p[i] != 'P'))
        return 0;
    *partial = p[i] == 'P';
    i++;
    if (i < n && p[i] == ' ')
        i++;
    else if (i != n)
        return 0;
    return i;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    const char *p = (const char *)head;
    const char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    if (len && p[0] == '{')
        return ks_sniff_has(head, len, "\"log\":") && ks_sniff_has(head, len, "\"stream\":") &&
                       ks_sniff_has(head, len, "\"time\":")
                   ? 85
                   : 0;
    ks_str st;
    bool part;
    int64_t t;
    return cri_prefix(p, len, &st, &part, &t) ? 85 : 0;
}

typedef struct cl_state {
    ks_parse_ctx *ctx;
    ks_json_doc *doc;
    joiner jn;
    ks_val base[C_N]; /* the columns the path gives (namespace, pod, container) */
} cl_state;

static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    cl_state *cs = arg;
    ks_parse_ctx *ctx = cs->ctx;
    ks_json_doc *doc = cs->doc;
    /* untrimmed: a CRI line's '\r' is its message's; a JSON line's is not */
    if (n && ln->p[n - 1] == '\r' && ln->p[0] == '{')
        n--;
    if (!n)
        return 0;
    ks_val v[C_N];
    memcpy(v, cs->base, sizeof v);
    const char *why = ln->too_long ? "line longer than 1 MiB (kept truncated)" : NULL;
    int64_t t = KS_TIME_NONE;
    if (!why && ln->p[0] == '{') {
        ks_err perr;
        ks_err_clear(&perr);
        if (ks_json_parse(doc, ln->p, n, &perr) != 0) {
            why = "invalid JSON";
        } else {
            ks_jv r = ks_json_root(doc);
            ks_jv lg = ks_json_get(doc, r, "log");
            ks_str ts = ks_json_get_str(doc, r, "time");
            if (ks_json_type_of(doc, lg) != KS_JSON_STRING || !ts.p ||
                ks_time_parse_iso8601(ts.p, ts.n, NULL, &t)) {
                why = "Docker log line without log/time";
            } else {
                v[C_RUNTIME] = ks_v_text(KS_STR_LIT("docker"));
                v[C_MESSAGE] = ks_v_text(ks_json_str(doc, lg));
                ks_str stream = ks_json_get_str(doc, r, "stream");
                if (stream.p)
                    v[C_STREAM] = ks_v_text(stream);
                ks_str lt = v[C_MESSAGE].s;
                v[C_PARTIAL] = ks_v_int(lt.n == 0 || lt.p[lt.n - 1] != '\n');
                ks_jv at = ks_json_get(doc, r, "attrs");
                if (at != KS_JV_NONE)
                    v[C_ATTRS] = ks_v_text(ks_json_raw(doc, at));
            }
        }
    } else if (!why) {
        ks_str stream;
        bool partial;
        size_t off = cri_prefix(ln->p, n, &stream, &partial, &t);
        if (!off) {
            why = "not a CRI log line (TIME STREAM F|P message)";
        } else {
            v[C_RUNTIME] = ks_v_text(KS_STR_LIT("cri"));
            v[C_STREAM] = ks_v_text(stream);
            v[C_PARTIAL] = ks_v_int(partial);
            v[C_MESSAGE] = ks_v_text((ks_str){ln->p + off, n - off});
        }
    }
    if (why)
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset, why, ln->p, ln->n, err);
    v[C_TIME] = ks_v_int(t);
    ks_event ev;
    ks_event_init(&ev);
    ev.time = t;
    ev.time_desc = "written";
    ev.action = v[C_STREAM].kind ? v[C_STREAM].s : KS_STR_LIT("output");
    ev.host = v[C_POD].kind ? v[C_POD].s : v[C_CONTAINER_ID].s;
    ev.target = v[C_CONTAINER].kind ? v[C_CONTAINER].s : v[C_CONTAINER_ID].s;
    ev.account = v[C_NAMESPACE].s;
    ks_str whole;
    join_part(&cs->jn, v[C_STREAM], v[C_PARTIAL].i != 0, v[C_MESSAGE].s, &whole);
    if (whole.p)
        v[C_JOINED] = ks_v_text(whole);
    ev.message = whole.p ? whole : v[C_MESSAGE].s;
    ev.raw = (ks_str){ln->p, n};
    ev.line = ln->lineno;
    ev.offset = ln->offset;
    return ks_sink_event(ctx->sink, &ev, &ks_table_container_log, v, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    cl_state cs = {.ctx = ctx};
    for (int k = 0; k < 3; k++) {
        ks_buf_init(&cs.jn.part[k], CL_JOIN_MAX);
        cs.jn.over[k] = false;
    }
    if ((rc = ks_json_doc_new(&cs.doc, NULL))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    for (int i = 0; i < C_N; i++)
        cs.base[i] = ks_v_null();
    from_path(ctx->path, cs.base);
    rc = ks_lineloop(ctx->in, CL_MAX_LINE, 0, on_line, &cs, err);
done:
    ks_json_doc_free(cs.doc);
    for (int k = 0; k < 3; k++)
        ks_buf_free(&cs.jn.part[k]);
    return rc;
}

const ks_parser ks_parser_container_log = {
    "container_log",
    "container stdout/stderr: Docker json-file and CRI (kubelet/containerd/CRI-O) logs",
    (const ks_table_def *const[]){&ks_table_container_log, NULL},
    sniff,
    parse,
};
