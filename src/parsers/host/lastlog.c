/* lastlog.c — /var/log/lastlog into `events` and `lastlog`.
 *
 * Layout (glibc <bits/utmp.h> struct lastlog, 292 bytes on every glibc ABI that keeps
 * ll_time 32-bit, i.e. all common Linux ones): 0 ll_time int32, 4 ll_line[32],
 * 36 ll_host[256]. Record i belongs to uid i: the file is sparse (a uid of 1000000 puts a
 * record at 292 MB) and the holes read as zeros, which are skipped (a user who never
 * logged in). The byte order is little-endian unless `--opt lastlog_be=1`. The 296-byte
 * variant (64-bit ll_time) is not read.
 */
#include "parsers/host/hostbin.h"

#include <stdio.h>
#include <string.h>

#include "core/net.h"
#include "core/time.h"

#define LL_SIZE 292

enum { L_UID, L_TIME, L_LINE, L_HOST, L_NCOLS };

static const ks_column cols[L_NCOLS] = {
    [L_UID] = {"uid", KS_COL_INT, "user id (the record's index in the file)"},
    [L_TIME] = {"time", KS_COL_TIME, "last login time"},
    [L_LINE] = {"terminal", KS_COL_TEXT, "terminal of the last login"},
    [L_HOST] = {"host", KS_COL_TEXT, "remote host of the last login"},
};

const ks_table_def ks_table_lastlog = {
    "lastlog", "last login per uid (/var/log/lastlog); uid is the record index", cols,
    L_NCOLS};

static bool plausible(const uint8_t *p, bool be)
{
    uint32_t t = hb_u32(p, be);
    return t != 0 && hb_field_text(p + 4, 32) && hb_field_text(p + 36, 256);
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (n < LL_SIZE)
        return 0;
    int good = 0;
    for (size_t off = 0; ks_fits(off, LL_SIZE, n); off += LL_SIZE) {
        if (hb_all_zero(head + off, LL_SIZE))
            continue;
        if (!plausible(head + off, false))
            return 0;
        good++;
    }
    if (!good)
        return 0;
    if (!strncmp(ks_hostbin_base(name), "lastlog", 7))
        return 90;
    /* mostly zeros with a few login records is weak evidence without the name, and a
     * whole small file should be a multiple of the record size */
    return n < 65536 && n % LL_SIZE ? 0 : 40;
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    const char *o = ks_parse_opt(ctx->opts, "lastlog_be");
    bool be = o && !strcmp(o, "1");
    uint8_t rec[LL_SIZE];
    for (int64_t uid = 0;; uid++) {
        size_t got = 0;
        int rc = ks_hostbin_read_full(ctx->in, rec, LL_SIZE, &got, err);
        if (rc)
            return rc;
        int64_t off = uid * LL_SIZE;
        if (!got)
            return 0;
        if (got < LL_SIZE) {
            if (hb_all_zero(rec, got))
                return 0;
            return ks_sink_error(ctx->sink, -1, off, "truncated lastlog record",
                                 (const char *)rec, got, err);
        }
        if (hb_all_zero(rec, LL_SIZE))
            continue;
        if (!hb_field_text(rec + 4, 32) || !hb_field_text(rec + 36, 256)) {
            if ((rc = ks_sink_error(ctx->sink, -1, off, "lastlog record with binary text fields",
                                    (const char *)rec, LL_SIZE, err)))
                return rc;
            continue;
        }
        int64_t t = (int64_t)hb_u32(rec, be) * KS_NS_PER_SEC;
        ks_str line = hb_field(rec + 4, 32), host = hb_field(rec + 36, 256);
        ks_val v[L_NCOLS];
        v[L_UID] = ks_v_int(uid);
        v[L_TIME] = ks_v_int(t);
        v[L_LINE] = ks_v_text(line);
        v[L_HOST] = ks_v_text(host);
        char uidtxt[24], msg[400], raw[400], ts[48];
        snprintf(uidtxt, sizeof uidtxt, "%lld", (long long)uid);
        ks_time_format(t, NULL, 0, ts, sizeof ts);
        snprintf(msg, sizeof msg, "last login of uid %lld on %.*s%s%.*s", (long long)uid,
                 (int)line.n, line.p, host.n ? " from " : "", (int)host.n, host.p);
        snprintf(raw, sizeof raw, "%lld|%s|%.*s|%.*s", (long long)uid, ts, (int)line.n, line.p,
                 (int)host.n, host.p);
        ks_event ev;
        ks_event_init(&ev);
        ev.time = t;
        ev.time_desc = "last login";
        ev.actor = ks_str_c(uidtxt);
        ev.action = KS_STR_LIT("last login");
        ev.target = line;
        ev.message = ks_str_c(msg);
        ev.raw = ks_str_c(raw);
        ev.offset = off;
        /* a host that is an address is the source address too */
        ks_ip ip;
        if (host.n && ks_ip_parse(&ip, host.p, host.n) == 0)
            ev.src_ip = host;
        if ((rc = ks_sink_event(ctx->sink, &ev, &ks_table_lastlog, v, err)))
            return rc;
    }
}

const ks_parser ks_parser_lastlog = {
    "lastlog",
    "lastlog (292-byte records indexed by uid; never-logged-in holes skipped)",
    (const ks_table_def *const[]){&ks_table_lastlog, NULL},
    sniff,
    parse,
};
