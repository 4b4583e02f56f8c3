/* cloud_init.c — cloud-init traces into `events` and `cloud_init`.
 *
 * /var/log/cloud-init.log: "YYYY-MM-DD HH:MM:SS,mmm - module.py[LEVEL]: message" (local
 *   time, UTC on most cloud images; --opt tz); lines that do not start like a record
 *   (Python tracebacks) continue the previous record.
 * /var/log/cloud-init-output.log: what the boot stages and user scripts printed; one row
 *   per line, timed by the last "Cloud-init v. N running 'STAGE' at <RFC 2822 date>" banner
 *   (before any banner: the file's mtime).
 * The instance user-data (/var/lib/cloud/instance/user-data.txt and the scripts directory): one record
 *   holding the whole text (up to 1 MiB) with its line count, flagged when a line fetches
 *   and executes (curl/wget ... | sh|bash|python...).
 */
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "parsers/host/hostcfg.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define CI_MAX_LINE ((size_t)1 << 20)
#define CI_MAX_REC ((size_t)1 << 20)

enum { C_TIME, C_KIND, C_MODULE, C_LEVEL, C_MESSAGE, C_FETCH_EXEC, C_LINES, C_NCOLS };

static const ks_column cols[C_NCOLS] = {
    [C_TIME] = {"time", KS_COL_TIME, "record time (log: its timestamp; output: the last stage banner; user data: file mtime)"},
    [C_KIND] = {"kind", KS_COL_TEXT, "log, output, user_data"},
    [C_MODULE] = {"module", KS_COL_TEXT, "log: the Python module (util.py, cc_scripts_user.py, ...)"},
    [C_LEVEL] = {"level", KS_COL_TEXT, "log: DEBUG INFO WARNING ERROR CRITICAL"},
    [C_MESSAGE] = {"message", KS_COL_TEXT, "the message, output line, or the whole user data"},
    [C_FETCH_EXEC] = {"fetch_exec", KS_COL_INT, "1 when a line downloads and runs code (curl/wget ... | sh)"},
    [C_LINES] = {"lines", KS_COL_INT, "user data: number of lines"},
};

const ks_table_def ks_table_cloud_init = {
    "cloud_init", "cloud-init logs, output and the instance user data", cols, C_NCOLS};

typedef enum { CI_LOG, CI_OUTPUT, CI_USERDATA, CI_NONE } ci_kind;

static bool dig(char c)
{
    return c >= '0' && c <= '9';
}

/* "2024-01-01 00:00:00,123 - " */
static bool log_start(const char *p, size_t n)
{
    return n >= 26 && dig(p[0]) && dig(p[3]) && p[4] == '-' && p[7] == '-' && p[10] == ' ' &&
           p[13] == ':' && p[16] == ':' && p[19] == ',' && !memcmp(p + 23, " - ", 3);
}

static ci_kind path_kind(const char *path)
{
    const char *b = ks_hc_base(path);
    const char *in = ks_hc_inner(path);
    if (!strncmp(b, "cloud-init-output.log", 21))
        return CI_OUTPUT;
    if (!strncmp(b, "cloud-init.log", 14))
        return CI_LOG;
    if (strstr(in, "/var/lib/cloud/") &&
        (!strncmp(b, "user-data.txt", 13) || !strncmp(b, "vendor-data.txt", 15) || strstr(in, "/scripts/")))
        return CI_USERDATA;
    return CI_NONE;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (!ks_hc_text(head, n))
        return 0;
    if (path_kind(name) != CI_NONE)
        return 85;
    if (log_start((const char *)head, n) && ks_sniff_has(head, n < 200 ? n : 200, ".py["))
        return 75;
    if (n >= 13 && !memcmp(head, "#cloud-config", 13))
        return 70;
    return 0;
}

/* A line that downloads and runs code: curl/wget, a pipe, then an interpreter. */
static bool fetch_exec(const char *p, size_t n)
{
    const char *c = memmem(p, n, "curl", 4);
    const char *w = memmem(p, n, "wget", 4);
    const char *f = c && (!w || c < w) ? c : w;
    if (!f)
        return false;
    for (const char *q = f; (q = memchr(q, '|', n - (size_t)(q - p))) != NULL; q++) {
        ks_str r = ks_hc_trim((ks_str){q + 1, n - (size_t)(q + 1 - p)});
        static const char *const sh[] = {"sh", "bash", "zsh", "dash", "python", "perl", "sudo", "/bin/", "/usr/bin/", NULL};
        for (const char *const *s = sh; *s; s++)
            if (r.n >= strlen(*s) && !memcmp(r.p, *s, strlen(*s)))
                return true;
    }
    return false;
}

typedef struct ci_state {
    ks_parse_ctx *ctx;
    ks_tz *tz;
    ks_linejoin join; /* cloud-init.log: a record and its continuation lines */
    ks_buf text;      /* user data: the whole file */
    bool text_cut;
    int64_t text_lines, banner_time;
    bool fetch_exec;
} ci_state;

static int flush_log(ci_state *st, ks_err *err)
{
    ks_str rec;
    if (!ks_linejoin_take(&st->join, st->ctx->sink, &rec))
        return 0;
    const char *p = rec.p;
    size_t n = rec.n;
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    int64_t t;
    if (ks_time_parse_iso8601(p, 23, st->tz, &t))
        return ks_sink_error(st->ctx->sink, st->join.line, st->join.offset, "bad cloud-init.log time", p, n, err);
    /* "module.py[LEVEL]: message" */
    ks_str rest = {p + 26, n - 26};
    const char *lb = memchr(rest.p, '[', rest.n);
    const char *rb = lb ? memchr(lb, ']', rest.n - (size_t)(lb - rest.p)) : NULL;
    ks_str msg = rest;
    if (lb && rb && rb + 1 < rest.p + rest.n && rb[1] == ':' && !memchr(rest.p, ' ', (size_t)(lb - rest.p))) {
        v[C_MODULE] = ks_v_text((ks_str){rest.p, (size_t)(lb - rest.p)});
        v[C_LEVEL] = ks_v_text((ks_str){lb + 1, (size_t)(rb - lb - 1)});
        msg = ks_hc_trim((ks_str){rb + 2, rest.n - (size_t)(rb + 2 - rest.p)});
    }
    v[C_TIME] = ks_v_int(t);
    v[C_KIND] = ks_v_text(KS_STR_LIT("log"));
    v[C_MESSAGE] = ks_v_text(msg);
    v[C_FETCH_EXEC] = ks_v_int(fetch_exec(msg.p, msg.n));
    ks_event ev;
    ks_event_init(&ev);
    ev.time = t;
    ev.time_desc = "logged";
    ev.line = st->join.line;
    ev.offset = st->join.offset;
    ev.action = KS_STR_LIT("cloud_init_log");
    ev.target = v[C_MODULE].s;
    ev.outcome = v[C_LEVEL].s;
    ev.message = msg;
    ev.raw = (ks_str){p, n};
    return ks_sink_event(st->ctx->sink, &ev, &ks_table_cloud_init, v, err);
}

/* "Cloud-init v. 23.1.2 running 'init' at Mon, 01 Jan 2024 00:00:05 +0000. Up 5.1 seconds." */
static void banner(ci_state *st, ks_str l)
{
    if (l.n < 20 || memcmp(l.p, "Cloud-init v. ", 14))
        return;
    const char *at = memmem(l.p, l.n, " at ", 4);
    if (!at)
        return;
    const char *d = at + 4, *e = l.p + l.n;
    const char *comma = memchr(d, ',', (size_t)(e - d));
    if (comma && comma - d <= 3)
        d = comma + 2;
    /* "01 Jan 2024 00:00:05 +0000" */
    if (e - d < 26)
        return;
    static const char *const m = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int mo = 0;
    for (int i = 0; i < 12; i++)
        if (!memcmp(d + 3, m + 3 * i, 3))
            mo = i + 1;
    int64_t day, y, h, mi, s, oh, om;
    if (!mo || ks_hc_num(d, 2, &day) || ks_hc_num(d + 7, 4, &y) || ks_hc_num(d + 12, 2, &h) ||
        ks_hc_num(d + 15, 2, &mi) || ks_hc_num(d + 18, 2, &s) || (d[21] != '+' && d[21] != '-') ||
        ks_hc_num(d + 22, 2, &oh) || ks_hc_num(d + 24, 2, &om))
        return;
    int64_t t = ks_time_from_civil(y, mo, (int)day, (int)h, (int)mi, (int)s, 0);
    if (t == KS_TIME_NONE)
        return;
    int64_t off = (oh * 3600 + om * 60) * KS_NS_PER_SEC;
    st->banner_time = d[21] == '+' ? t - off : t + off;
}

static int output_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    ci_state *st = arg;
    ks_str l = ks_hc_trim((ks_str){ln->p, n});
    banner(st, l);
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    ks_event ev;
    ks_hc_event_init(&ev, st->ctx, ln->lineno, ln->offset);
    if (st->banner_time != KS_TIME_NONE) {
        ev.time = st->banner_time;
        ev.time_desc = "stage started";
    }
    if (ev.time != KS_TIME_NONE)
        v[C_TIME] = ks_v_int(ev.time);
    v[C_KIND] = ks_v_text(KS_STR_LIT("output"));
    v[C_MESSAGE] = ks_v_text(l);
    v[C_FETCH_EXEC] = ks_v_int(fetch_exec(l.p, l.n));
    ev.action = KS_STR_LIT("cloud_init_output");
    ev.message = l;
    ev.raw = (ks_str){ln->p, ln->n};
    return ks_sink_event(st->ctx->sink, &ev, &ks_table_cloud_init, v, err);
}

/* User data is one record: every line as it is (a script's blank lines included). */
static int userdata_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    (void)n;
    ci_state *st = arg;
    st->text_lines++;
    st->fetch_exec |= fetch_exec(ln->p, ln->n);
    if ((st->text_lines > 1 && ks_buf_putc(&st->text, '\n')) ||
        ks_buf_append(&st->text, ln->p, ln->n) || ln->too_long)
        st->text_cut = true;
    return 0;
}

static int emit_userdata(ci_state *st, ks_err *err)
{
    if (!st->text_lines)
        return 0;
    if (st->text_cut)
        ks_sink_warn(st->ctx->sink, 1, 0, "user data longer than 1 MiB: the text kept is cut");
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    ks_event ev;
    ks_hc_event_init(&ev, st->ctx, 1, 0);
    if (ev.time != KS_TIME_NONE)
        v[C_TIME] = ks_v_int(ev.time);
    ks_str text = {st->text.data ? st->text.data : "", st->text.len};
    v[C_KIND] = ks_v_text(KS_STR_LIT("user_data"));
    v[C_MESSAGE] = ks_v_text(text);
    v[C_FETCH_EXEC] = ks_v_int(st->fetch_exec);
    v[C_LINES] = ks_v_int(st->text_lines);
    ev.action = KS_STR_LIT("cloud_init_user_data");
    ev.target = ks_str_c(ks_hc_inner(st->ctx->path));
    ev.outcome = st->fetch_exec ? KS_STR_LIT("fetch_exec") : KS_STR_NULL;
    ev.raw = text;
    return ks_sink_event(st->ctx->sink, &ev, &ks_table_cloud_init, v, err);
}

/* cloud-init.log: a line with the log's time starts a record, the lines after it continue
 * it (tracebacks). */
static int log_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    ci_state *st = arg;
    if (log_start(ln->p, n)) {
        int rc = flush_log(st, err);
        if (rc)
            return rc;
        ks_linejoin_start(&st->join, ln, ln->p, n);
        return 0;
    }
    if (!ks_hc_trim((ks_str){ln->p, n}).n)
        return 0;
    if (!st->join.pending)
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, "not a cloud-init.log line",
                             ln->p, ln->n, err);
    ks_linejoin_add(&st->join, ln, ln->p, n);
    return 0;
}

/* ks_lineloop_finish's view of the two record holders */
static int log_flush_held(void *arg, ks_err *err)
{
    return flush_log(arg, err);
}

static int userdata_flush_held(void *arg, ks_err *err)
{
    return emit_userdata(arg, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    ci_state st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    st.banner_time = KS_TIME_NONE;
    ks_linejoin_init(&st.join, CI_MAX_REC, "record longer than 1 MiB: cut");
    ks_buf_init(&st.text, CI_MAX_REC + 16);
    ci_kind kind = path_kind(ctx->path);
    const char *zone = ks_parse_opt(ctx->opts, "tz");
    if (zone && (rc = ks_tz_load(&st.tz, zone, err)))
        goto done;
    /* After an input failure the record held (user data, a log record) is emitted too, with
     * a warning: its lines were read. */
    if (kind == CI_OUTPUT) {
        rc = ks_lineloop(ctx->in, CI_MAX_LINE, KS_LL_TRIM_WS | KS_LL_SKIP_EMPTY, output_line, &st,
                         err);
    } else if (kind == CI_USERDATA) {
        bool failed = false;
        rc = ks_lineloop_ex(ctx->in, CI_MAX_LINE, 0, userdata_line, &st, &failed, err);
        rc = ks_lineloop_finish(rc, failed, ctx->sink, st.text_lines, 1,
                                0, userdata_flush_held, &st, err);
    } else {
        bool failed = false;
        rc = ks_lineloop_ex(ctx->in, CI_MAX_LINE, KS_LL_TRIM_CR | KS_LL_TRIM_SPACE, log_line, &st,
                            &failed, err);
        rc = ks_lineloop_finish(rc, failed, ctx->sink, st.join.pending, st.join.line,
                                st.join.offset, log_flush_held, &st, err);
    }
done:
    ks_linejoin_free(&st.join);
    ks_buf_free(&st.text);
    ks_tz_free(st.tz);
    return rc;
}

const ks_parser ks_parser_cloud_init = {
    "cloud_init",
    "cloud-init.log, cloud-init-output.log and instance user data (curl|sh flagged; --opt tz)",
    (const ks_table_def *const[]){&ks_table_cloud_init, NULL},
    sniff,
    parse,
};
