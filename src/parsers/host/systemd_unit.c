/* systemd_unit.c — systemd unit files into `events` and `systemd_unit`, one row per file.
 *
 * systemd.syntax(7): INI-like "[Section]" headers and "Key=Value" lines, '#' and ';'
 * comments, a trailing backslash continues the value on the next line. A key may repeat
 * (ExecStart= in a oneshot service, WantedBy=); an empty assignment resets the list, as
 * systemd does. Kept: Description, ExecStart/ExecStartPre/ExecStop, User, Restart,
 * WantedBy, and for timers OnCalendar/OnBootSec/OnUnitActiveSec/Unit. Where the file lives
 * says who made it: /etc/systemd/system (local), /usr/lib|/lib/systemd (vendor),
 * ~/.config/systemd/user (user), /run/systemd (runtime). Drop-ins (NAME.service.d/X.conf)
 * are rows of their own. Units have no time of their own: the file's mtime.
 */
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "parsers/host/hostcfg.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define SU_MAX_LINE ((size_t)1 << 16)
#define SU_MAX_VAL ((size_t)1 << 20)

enum {
    C_UNIT, C_TYPE, C_ORIGIN, C_DESCRIPTION, C_EXEC_START, C_EXEC_START_PRE, C_EXEC_STOP,
    C_USER, C_RESTART, C_WANTED_BY, C_ON_CALENDAR, C_ON_BOOT, C_ON_ACTIVE, C_TIMER_UNIT,
    C_NCOLS
};

static const ks_column cols[C_NCOLS] = {
    [C_UNIT] = {"unit", KS_COL_TEXT, "unit file name (a drop-in: the directory/name.conf)"},
    [C_TYPE] = {"unit_type", KS_COL_TEXT, "service, timer, socket, path, mount, target, ... (conf for drop-ins)"},
    [C_ORIGIN] = {"origin", KS_COL_TEXT, "local (/etc/systemd), vendor (/usr/lib, /lib), user (~/.config/systemd/user), runtime (/run), unknown"},
    [C_DESCRIPTION] = {"description", KS_COL_TEXT, "Description="},
    [C_EXEC_START] = {"exec_start", KS_COL_TEXT, "ExecStart= lines, newline-separated"},
    [C_EXEC_START_PRE] = {"exec_start_pre", KS_COL_TEXT, "ExecStartPre= lines"},
    [C_EXEC_STOP] = {"exec_stop", KS_COL_TEXT, "ExecStop= lines"},
    [C_USER] = {"user", KS_COL_TEXT, "User= (empty: root for system units)"},
    [C_RESTART] = {"restart", KS_COL_TEXT, "Restart="},
    [C_WANTED_BY] = {"wanted_by", KS_COL_TEXT, "WantedBy= (how it is started at boot)"},
    [C_ON_CALENDAR] = {"on_calendar", KS_COL_TEXT, "timer OnCalendar="},
    [C_ON_BOOT] = {"on_boot_sec", KS_COL_TEXT, "timer OnBootSec="},
    [C_ON_ACTIVE] = {"on_unit_active_sec", KS_COL_TEXT, "timer OnUnitActiveSec="},
    [C_TIMER_UNIT] = {"timer_unit", KS_COL_TEXT, "timer Unit= (the unit it starts)"},
};

const ks_table_def ks_table_systemd_unit = {
    "systemd_unit", "systemd unit files and timers (one row per file)", cols, C_NCOLS};

static const char *origin_of(const char *path)
{
    const char *in = ks_hc_inner(path);
    if (strstr(in, "/.config/systemd/user/"))
        return "user";
    if (strstr(in, "/etc/systemd/"))
        return "local";
    if (strstr(in, "/usr/lib/systemd/") || strstr(in, "/lib/systemd/"))
        return "vendor";
    if (strstr(in, "/run/systemd/"))
        return "runtime";
    return "unknown";
}

static const char *unit_suffix(const char *base)
{
    static const char *const types[] = {"service", "timer", "socket", "path", "mount",
                                        "automount", "target", "swap", "slice", "scope", NULL};
    const char *dot = strrchr(base, '.');
    if (!dot)
        return NULL;
    for (const char *const *t = types; *t; t++)
        if (!strcmp(dot + 1, *t))
            return *t;
    return NULL;
}

static bool in_systemd_dir(const char *path)
{
    const char *in = ks_hc_inner(path);
    return strstr(in, "/systemd/system/") || strstr(in, "/systemd/user/") ||
           strstr(in, "/systemd/system.control/");
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (!ks_hc_text(head, n))
        return 0;
    const char *b = ks_hc_base(name);
    size_t bl = strlen(b);
    bool dropin = bl > 5 && !strcmp(b + bl - 5, ".conf") && strstr(ks_hc_inner(name), ".d/");
    if (in_systemd_dir(name) && (unit_suffix(b) || dropin))
        return 80;
    /* content: the first section header */
    const char *p = (const char *)head;
    size_t i = 0;
    for (int guard = 0; guard < 64 && i < n; guard++) {
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i < n && (p[i] == '#' || p[i] == ';')) {
            const char *nl = memchr(p + i, '\n', n - i);
            if (!nl)
                return 0;
            i = (size_t)(nl - p) + 1;
            continue;
        }
        break;
    }
    static const char *const hdr[] = {"[Unit]", "[Service]", "[Timer]", "[Install]", "[Socket]", NULL};
    for (const char *const *h = hdr; *h; h++)
        if (n - i >= strlen(*h) && !memcmp(p + i, *h, strlen(*h)))
            return unit_suffix(b) ? 75 : 55;
    return 0;
}

static int key_col(ks_str sect, ks_str k)
{
    static const struct {
        const char *sect, *key;
        int col;
    } map[] = {{"Unit", "Description", C_DESCRIPTION},     {"Service", "ExecStart", C_EXEC_START},
               {"Service", "ExecStartPre", C_EXEC_START_PRE}, {"Service", "ExecStop", C_EXEC_STOP},
               {"Service", "User", C_USER},                {"Service", "Restart", C_RESTART},
               {"Install", "WantedBy", C_WANTED_BY},       {"Timer", "OnCalendar", C_ON_CALENDAR},
               {"Timer", "OnBootSec", C_ON_BOOT},          {"Timer", "OnUnitActiveSec", C_ON_ACTIVE},
               {"Timer", "Unit", C_TIMER_UNIT},            {"Socket", "ExecStartPre", C_EXEC_START_PRE}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (ks_str_eq(sect, map[i].sect) && ks_str_eq(k, map[i].key))
            return map[i].col;
    return -1;
}

typedef struct su_state {
    ks_buf val[C_NCOLS];
    ks_buf sect, logical;
    int64_t first_line, first_off, lline, loff;
    bool any, cut;
    bool cont; /* the last line ended in '\\': the next one continues its value */
    ks_parse_ctx *ctx;
} su_state;

static int assign(ks_parse_ctx *ctx, su_state *st, ks_err *err)
{
    ks_str l = ks_hc_trim((ks_str){st->logical.data ? st->logical.data : "", st->logical.len});
    if (!l.n)
        return 0;
    const char *eq = memchr(l.p, '=', l.n);
    if (!eq)
        return ks_sink_error(ctx->sink, st->lline, st->loff, "not Key=Value or [Section]", l.p,
                             l.n, err);
    ks_str k = ks_hc_trim((ks_str){l.p, (size_t)(eq - l.p)});
    ks_str v = ks_hc_trim((ks_str){eq + 1, l.n - (size_t)(eq + 1 - l.p)});
    int col = key_col((ks_str){st->sect.data ? st->sect.data : "", st->sect.len}, k);
    st->any = true;
    if (col < 0)
        return 0;
    ks_buf *b = &st->val[col];
    if (!v.n) { /* "ExecStart=" resets the list */
        ks_buf_reset(b);
        return 0;
    }
    bool multi = col == C_EXEC_START || col == C_EXEC_START_PRE || col == C_EXEC_STOP ||
                 col == C_WANTED_BY || col == C_ON_CALENDAR;
    if (!multi)
        ks_buf_reset(b);
    if ((b->len && ks_buf_putc(b, '\n')) || ks_buf_append(b, v.p, v.n))
        st->cut = true;
    return 0;
}

static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    su_state *st = arg;
    ks_parse_ctx *ctx = st->ctx;
    ks_str l = ks_hc_trim((ks_str){ln->p, n});
    if (!st->cont) {
        if (!l.n || l.p[0] == '#' || l.p[0] == ';')
            return 0;
        if (st->first_line < 0) {
            st->first_line = ln->lineno;
            st->first_off = ln->offset;
        }
        if (l.p[0] == '[') {
            const char *e = memchr(l.p, ']', l.n);
            if (!e)
                return ks_sink_error(ctx->sink, ln->lineno, ln->offset, "unterminated [section]",
                                     ln->p, ln->n, err);
            ks_buf_reset(&st->sect);
            ks_buf_append(&st->sect, l.p + 1, (size_t)(e - l.p - 1));
            st->any = true;
            return 0;
        }
        ks_buf_reset(&st->logical);
        st->lline = ln->lineno;
        st->loff = ln->offset;
    } else if (l.n && (l.p[0] == '#' || l.p[0] == ';')) {
        return 0; /* comments inside a continued value are skipped by systemd too */
    }
    st->cont = l.n && l.p[l.n - 1] == '\\';
    if (st->cont)
        l.n--;
    if ((st->logical.len && ks_buf_putc(&st->logical, ' ')) ||
        ks_buf_append(&st->logical, l.p, l.n))
        st->cut = true;
    return st->cont ? 0 : assign(ctx, st, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    su_state st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    for (int i = 0; i < C_NCOLS; i++)
        ks_buf_init(&st.val[i], SU_MAX_VAL);
    ks_buf_init(&st.sect, 256);
    ks_buf_init(&st.logical, SU_MAX_VAL);
    st.first_line = -1;
    if ((rc = ks_lineloop(ctx->in, SU_MAX_LINE, KS_LL_TRIM_WS, on_line, &st, err)))
        goto done;
    if (st.cont && (rc = assign(ctx, &st, err)))
        goto done;
    if (!st.any)
        goto done; /* comments only: nothing to report */
    if (st.cut)
        ks_sink_warn(ctx->sink, st.first_line, st.first_off, "value longer than 1 MiB: cut");
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = st.val[i].len ? ks_v_text((ks_str){st.val[i].data, st.val[i].len}) : ks_v_null();
    const char *base = ks_hc_base(ctx->path);
    const char *in = ks_hc_inner(ctx->path);
    const char *unit = base;
    /* a drop-in: "name.service.d/override.conf" */
    if (base > in + 1 && base[-1] == '/') {
        const char *d = base - 1;
        while (d > in && d[-1] != '/')
            d--;
        if (base - d > 3 && !memcmp(base - 3, ".d/", 3))
            unit = d;
    }
    const char *type = unit_suffix(base);
    v[C_UNIT] = ks_v_text(ks_str_c(unit));
    v[C_TYPE] = ks_v_text(ks_str_c(type ? type : unit != base ? "conf" : "unknown"));
    v[C_ORIGIN] = ks_v_text(ks_str_c(origin_of(ctx->path)));
    ks_event ev;
    ks_hc_event_init(&ev, ctx, st.first_line, st.first_off);
    ev.action = KS_STR_LIT("systemd_unit");
    ev.target = v[C_EXEC_START].kind ? v[C_EXEC_START].s
                : v[C_TIMER_UNIT].kind ? v[C_TIMER_UNIT].s
                                       : ks_str_c(unit);
    ev.actor = v[C_USER].s;
    ev.message = v[C_DESCRIPTION].s;
    rc = ks_sink_event(ctx->sink, &ev, &ks_table_systemd_unit, v, err);
done:
    for (int i = 0; i < C_NCOLS; i++)
        ks_buf_free(&st.val[i]);
    ks_buf_free(&st.sect);
    ks_buf_free(&st.logical);
    return rc;
}

const ks_parser ks_parser_systemd_unit = {
    "systemd_unit",
    "systemd units, timers and drop-ins (ExecStart, User, WantedBy, OnCalendar; local/vendor/user)",
    (const ks_table_def *const[]){&ks_table_systemd_unit, NULL},
    sniff,
    parse,
};
