/* utmp.c — utmp, wtmp and btmp login records into `events` and `utmp`.
 *
 * Layout (glibc <bits/utmp.h>; no header, a file is a sequence of fixed-size records):
 *   0 ut_type int16 (+2 pad)   4 ut_pid int32      8 ut_line[32]   40 ut_id[4]
 *  44 ut_user[32]             76 ut_host[256]    332 ut_exit {int16 termination, int16 exit}
 * 384-byte records (x86_64, i386, arm, aarch64 and riscv64 glibc: time kept 32-bit there
 * for compatibility): 336 ut_session int32, 340 tv_sec int32, 344 tv_usec int32,
 * 348 ut_addr_v6 int32[4], 364 unused[20].
 * 400-byte records (64-bit ABIs with a native 64-bit struct timeval, e.g. s390x, ppc64,
 * and plaso's aarch64 sample): 336 ut_session int64, 344 tv_sec int64, 352 tv_usec int64,
 * 360 ut_addr_v6[4], 376 unused[20], 4 bytes padding.
 * Byte order is the writer's (s390 is big-endian). Layout and byte order are chosen by
 * plausibility over the first records (type 0..9, time and usec in range, pid in range,
 * text fields printable), ties going to 384 little-endian. ut_addr_v6 holds an IPv4
 * address in its first word (network order) when the other three words are zero.
 *
 * utmp, wtmp and btmp share the format; which one it is comes from the file name (btmp
 * and btmp.1 are failed logins: every record with a user becomes "login failed"), or from
 * `--opt utmp_kind=utmp|wtmp|btmp`.
 */
#include "parsers/host/hostbin.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/net.h"
#include "core/time.h"

enum { U_TYPE, U_TYPE_NAME, U_PID, U_LINE, U_ID, U_USER, U_HOST, U_EXIT_TERM, U_EXIT_STATUS,
       U_SESSION, U_TIME, U_ADDR, U_KIND, U_LAYOUT, U_NCOLS };

static const ks_column cols[U_NCOLS] = {
    [U_TYPE] = {"type", KS_COL_INT, "ut_type: 0 EMPTY .. 9 ACCOUNTING"},
    [U_TYPE_NAME] = {"type_name", KS_COL_TEXT, "EMPTY RUN_LVL BOOT_TIME NEW_TIME OLD_TIME INIT_PROCESS LOGIN_PROCESS USER_PROCESS DEAD_PROCESS ACCOUNTING"},
    [U_PID] = {"pid", KS_COL_INT, "ut_pid (RUN_LVL: new level + 256 * previous level)"},
    [U_LINE] = {"terminal", KS_COL_TEXT, "terminal (tty1, pts/0; ~ for boot and run level)"},
    [U_ID] = {"ut_id", KS_COL_TEXT, "inittab id or short terminal name"},
    [U_USER] = {"user", KS_COL_TEXT, "user name (reboot, shutdown, runlevel for system records)"},
    [U_HOST] = {"host", KS_COL_TEXT, "remote host name, or kernel release for boot records"},
    [U_EXIT_TERM] = {"exit_termination", KS_COL_INT, "DEAD_PROCESS: termination status"},
    [U_EXIT_STATUS] = {"exit_status", KS_COL_INT, "DEAD_PROCESS: exit status"},
    [U_SESSION] = {"session", KS_COL_INT, "session id"},
    [U_TIME] = {"time", KS_COL_TIME, "ut_tv: record time"},
    [U_ADDR] = {"addr", KS_COL_TEXT, "ut_addr_v6 as IPv4 or IPv6 (NULL when zero)"},
    [U_KIND] = {"file_kind", KS_COL_TEXT, "utmp, wtmp or btmp (from the file name)"},
    [U_LAYOUT] = {"layout", KS_COL_TEXT, "record layout detected: 384le, 384be, 400le, 400be"},
};

const ks_table_def ks_table_utmp = {
    "utmp", "utmp/wtmp/btmp login, logout, boot and run-level records", cols, U_NCOLS};

static const char *const type_names[10] = {
    "EMPTY", "RUN_LVL", "BOOT_TIME", "NEW_TIME", "OLD_TIME", "INIT_PROCESS", "LOGIN_PROCESS",
    "USER_PROCESS", "DEAD_PROCESS", "ACCOUNTING"};

typedef struct ut_layout {
    size_t size;
    bool be;
    const char *name;
} ut_layout;

static const ut_layout layouts[4] = {
    {384, false, "384le"}, {384, true, "384be"}, {400, false, "400le"}, {400, true, "400be"}};

typedef struct ut_rec {
    int type;
    int64_t pid, session, sec, usec;
    int term, status;
    ks_str line, id, user, host;
    uint8_t addr[16];
} ut_rec;

static void decode(const uint8_t *p, const ut_layout *L, ut_rec *r)
{
    bool be = L->be;
    r->type = (int16_t)hb_u16(p, be);
    r->pid = (int32_t)hb_u32(p + 4, be);
    r->line = hb_field(p + 8, 32);
    r->id = hb_field(p + 40, 4);
    r->user = hb_field(p + 44, 32);
    r->host = hb_field(p + 76, 256);
    r->term = (int16_t)hb_u16(p + 332, be);
    r->status = (int16_t)hb_u16(p + 334, be);
    if (L->size == 384) {
        r->session = (int32_t)hb_u32(p + 336, be);
        /* glibc keeps these int32; read unsigned so the 2038 wrap still gives a time */
        r->sec = hb_u32(p + 340, be);
        r->usec = hb_u32(p + 344, be);
        memcpy(r->addr, p + 348, 16);
    } else {
        r->session = (int64_t)hb_u64(p + 336, be);
        r->sec = (int64_t)hb_u64(p + 344, be);
        r->usec = (int64_t)hb_u64(p + 352, be);
        memcpy(r->addr, p + 360, 16);
    }
}

/* Whether the record makes sense in this layout (all-zero records count as plausible but
 * carry no weight: the caller skips them). */
static bool plausible(const uint8_t *p, const ut_layout *L)
{
    ut_rec r;
    decode(p, L, &r);
    if (r.type < 0 || r.type > 9)
        return false;
    if (r.pid < 0 || r.pid > (1 << 22))
        return false;
    /* time: 1970 .. 2106 (boot records on clockless boards sit near 0) */
    if (r.sec < 0 || r.sec > 0xffffffffLL || r.usec < 0 || r.usec >= 1000000)
        return false;
    if (r.type != 0 && r.sec == 0 && r.usec == 0) /* every writer stamps the record */
        return false;
    return hb_field_text(p + 8, 32) && hb_field_text(p + 44, 32) && hb_field_text(p + 76, 256);
}

/* Scores each layout over the records in p[0..n): plausible non-empty records count up,
 * implausible ones count down twice. Returns the best layout index, or -1 when none has a
 * plausible non-empty record and no implausible one. */
static int pick_layout(const uint8_t *p, size_t n, int *out_good, int *out_bad)
{
    int best = -1, best_score = INT_MIN, best_good = 0, best_bad = 0;
    for (int li = 0; li < 4; li++) {
        const ut_layout *L = &layouts[li];
        int good = 0, bad = 0;
        for (size_t off = 0; ks_fits(off, L->size, n) && off / L->size < 32; off += L->size) {
            if (hb_all_zero(p + off, L->size))
                continue;
            if (plausible(p + off, L))
                good += p[off] || p[off + 1]; /* a free slot (EMPTY) says little */
            else
                bad++;
        }
        int score = good - 2 * bad;
        if (good > 0 && score > best_score) {
            best = li;
            best_score = score;
            best_good = good;
            best_bad = bad;
        }
    }
    if (out_good)
        *out_good = best_good;
    if (out_bad)
        *out_bad = best_bad;
    return best;
}

static const char *kind_of(const ks_parse_ctx *ctx)
{
    const char *o = ks_parse_opt(ctx->opts, "utmp_kind");
    if (o && (!strcmp(o, "utmp") || !strcmp(o, "wtmp") || !strcmp(o, "btmp")))
        return o;
    const char *b = ks_hostbin_base(ctx->path);
    if (strstr(b, "btmp"))
        return "btmp";
    if (strstr(b, "wtmp"))
        return "wtmp";
    if (strstr(b, "utmp"))
        return "utmp";
    return "wtmp"; /* unnamed: read as a login history */
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    int good = 0, bad = 0;
    int li = pick_layout(head, n, &good, &bad);
    const char *b = ks_hostbin_base(name);
    bool named = strstr(b, "utmp") || strstr(b, "wtmp") || strstr(b, "btmp");
    if (li < 0 || good < bad || (!named && good == bad))
        return 0;
    /* content decides; the file name only adds confidence (and lets a damaged file in) */
    if (named)
        return 90;
    if (!bad)
        return good >= 2 ? 70 : 45;
    return good >= 4 && bad * 4 <= good ? 60 : 0;
}

static void addr_text(const uint8_t a[16], char *out, size_t outsz)
{
    out[0] = '\0';
    if (hb_all_zero(a, 16))
        return;
    if (hb_all_zero(a + 4, 12))
        inet_ntop(AF_INET, a, out, (socklen_t)outsz);
    else
        inet_ntop(AF_INET6, a, out, (socklen_t)outsz);
}

static int emit(ks_parse_ctx *ctx, const uint8_t *p, const ut_layout *L, const char *kind,
                int64_t off, ks_err *err)
{
    ut_rec r;
    decode(p, L, &r);
    if (!plausible(p, L)) {
        char why[96];
        snprintf(why, sizeof why, "implausible %s record (type %d)", L->name, r.type);
        return ks_sink_error(ctx->sink, -1, off, why, (const char *)p, L->size, err);
    }
    char addr[INET6_ADDRSTRLEN + 1];
    addr_text(r.addr, addr, sizeof addr);
    int64_t t = r.sec * KS_NS_PER_SEC + r.usec * 1000;
    ks_val v[U_NCOLS];
    for (int i = 0; i < U_NCOLS; i++)
        v[i] = ks_v_null();
    v[U_TYPE] = ks_v_int(r.type);
    v[U_TYPE_NAME] = ks_v_text(ks_str_c(type_names[r.type]));
    v[U_PID] = ks_v_int(r.pid);
    v[U_LINE] = ks_v_text(r.line);
    v[U_ID] = ks_v_text(r.id);
    v[U_USER] = ks_v_text(r.user);
    v[U_HOST] = ks_v_text(r.host);
    v[U_EXIT_TERM] = ks_v_int(r.term);
    v[U_EXIT_STATUS] = ks_v_int(r.status);
    v[U_SESSION] = ks_v_int(r.session);
    v[U_TIME] = ks_v_int(t);
    if (addr[0])
        v[U_ADDR] = ks_v_text(ks_str_c(addr));
    v[U_KIND] = ks_v_text(ks_str_c(kind));
    v[U_LAYOUT] = ks_v_text(ks_str_c(L->name));
    if (r.type == 0) /* a free utmp slot: kept as a row, no event */
        return ks_sink_row(ctx->sink, &ks_table_utmp, v, err);

    bool btmp = !strcmp(kind, "btmp");
    const char *action = NULL, *outcome = NULL, *desc = "event";
    switch (r.type) {
    case 1:
        action = ks_str_eq(r.user, "shutdown") ? "shutdown" : "runlevel change";
        break;
    case 2: action = "boot"; desc = "boot"; break;
    case 3: action = "clock changed (new time)"; break;
    case 4: action = "clock changed (old time)"; break;
    case 5: action = "init process"; break;
    case 6: action = "login prompt"; break;
    case 7: action = "login"; desc = "login"; outcome = "success"; break;
    case 8: action = "logout"; desc = "logout"; break;
    default: action = "accounting"; break;
    }
    if (btmp && (r.type == 6 || r.type == 7)) {
        action = "login failed";
        desc = "login";
        outcome = "failure";
    }
    char msg[640], raw[720];
    if (r.type == 1 || r.type == 2) {
        /* system records: ut_host holds the kernel release; RUN_LVL's ut_pid is the new
         * run level's character plus 256 times the previous one's */
        char lvl[48] = "";
        int now = (int)(r.pid & 0xff), prev = (int)((r.pid >> 8) & 0xff);
        bool pok = prev > 0x20 && prev < 0x7f;
        if (r.type == 1 && now > 0x20 && now < 0x7f && pok)
            snprintf(lvl, sizeof lvl, " to %c from %c", now, prev);
        else if (r.type == 1 && now > 0x20 && now < 0x7f)
            snprintf(lvl, sizeof lvl, " to %c", now);
        snprintf(msg, sizeof msg, "%s%s%s%.*s%s", action, lvl, r.host.n ? " (kernel " : "",
                 (int)r.host.n, r.host.p, r.host.n ? ")" : "");
    } else {
        snprintf(msg, sizeof msg, "%s%s%.*s on %.*s%s%.*s%s%s (pid %lld)", action,
                 r.user.n ? " " : "", (int)r.user.n, r.user.p, (int)r.line.n, r.line.p,
                 r.host.n ? " from " : "", (int)r.host.n, r.host.p, addr[0] ? " " : "", addr,
                 (long long)r.pid);
    }
    /* utmpdump's rendering, so the record reads like the tool's output */
    char ts[48];
    ks_time_format(t, NULL, 6, ts, sizeof ts);
    snprintf(raw, sizeof raw, "[%d] [%05lld] [%-4.*s] [%-8.*s] [%-12.*s] [%-20.*s] [%-15s] [%s]",
             r.type, (long long)r.pid, (int)r.id.n, r.id.p, (int)r.user.n, r.user.p,
             (int)r.line.n, r.line.p, (int)r.host.n, r.host.p, addr[0] ? addr : "0.0.0.0", ts);
    ks_event ev;
    ks_event_init(&ev);
    ev.time = t;
    ev.time_desc = desc;
    ev.actor = r.user;
    ev.src_ip = addr[0] ? ks_str_c(addr) : KS_STR_NULL;
    ks_ip ip;
    if (!addr[0] && r.type != 1 && r.type != 2 && r.host.n && ks_ip_parse(&ip, r.host.p, r.host.n) == 0)
        ev.src_ip = r.host; /* no ut_addr_v6, but ut_host is an address literal */
    ev.action = ks_str_c(action);
    ev.target = r.line;
    ev.outcome = ks_str_c(outcome);
    ev.message = ks_str_c(msg);
    ev.raw = ks_str_c(raw);
    ev.offset = off;
    return ks_sink_event(ctx->sink, &ev, &ks_table_utmp, v, err);
}

#define UT_PROBE (32 * 400) /* records examined to pick the layout */

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    uint8_t probe[UT_PROBE];
    size_t have = 0;
    int rc = ks_hostbin_read_full(ctx->in, probe, sizeof probe, &have, err);
    if (rc)
        return rc;
    if (!have)
        return 0;
    int li = pick_layout(probe, have, NULL, NULL);
    if (li < 0) {
        /* all-zero file, or nothing plausible: say so on every record */
        li = 0;
        if (!hb_all_zero(probe, have))
            ks_sink_warn(ctx->sink, -1, 0, "no plausible utmp record layout; reading as 384le");
    }
    const ut_layout *L = &layouts[li];
    const char *kind = kind_of(ctx);
    int64_t base = 0;
    uint8_t rec[400];
    size_t pos = 0;                    /* consumed within probe */
    bool more = have == sizeof probe;  /* the input may hold more than the probe */
    for (;;) {
        size_t got = have - pos < L->size ? have - pos : L->size;
        memcpy(rec, probe + pos, got);
        pos += got;
        if (got < L->size && more) {
            size_t k = 0;
            if ((rc = ks_hostbin_read_full(ctx->in, rec + got, L->size - got, &k, err)))
                return rc;
            more = k == L->size - got;
            got += k;
        }
        if (!got)
            break;
        if (got < L->size) {
            char why[96];
            snprintf(why, sizeof why, "truncated utmp record: %zu of %zu bytes", got, L->size);
            return ks_sink_error(ctx->sink, -1, base, why, (const char *)rec, got, err);
        }
        if ((rc = emit(ctx, rec, L, kind, base, err)))
            return rc;
        base += (int64_t)L->size;
    }
    return 0;
}

const ks_parser ks_parser_utmp = {
    "utmp",
    "utmp, wtmp, btmp (glibc struct utmp, 384- or 400-byte records, either byte order): "
    "logins, logouts, failed logins (btmp), boots, run levels",
    (const ks_table_def *const[]){&ks_table_utmp, NULL},
    sniff,
    parse,
};
