/* lastlog.c — /var/log/lastlog into `events` and `lastlog`.
 *
 * Layout (glibc <bits/utmp.h> struct lastlog, 292 bytes on every glibc ABI that keeps
 * ll_time 32-bit, i.e. all common Linux ones): 0 ll_time int32, 4 ll_line[32],
 * 36 ll_host[256]. Record i belongs to uid i: the file is sparse (a uid of 1000000 puts a
 * record at 292 MB) and the holes read as zeros, which are skipped (a user who never
 * logged in). Some 64-bit ABIs (Debian's aarch64 rockchip builds, musl) write 296-byte
 * records with a 64-bit ll_time (line at 8, host at 40); the size is told from where the
 * first login record starts (its uid times 292 or 296) and, where both fit, from the four
 * zero high bytes of a 64-bit time. The byte order is little-endian unless
 * `--opt lastlog_be=1`.
 */
#include "parsers/host/hostbin.h"

#include <stdio.h>
#include <stdlib.h>
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

static bool plausible(const uint8_t *p, size_t size)
{
    size_t lo = size == LL_SIZE ? 4 : 8;
    uint64_t t = size == LL_SIZE ? hb_u32(p, false) : hb_u64(p, false);
    return t != 0 && t < ((uint64_t)1 << 33) && hb_field_text(p + lo, 32) &&
           hb_field_text(p + lo + 32, 256);
}

/* Login records in the head under one record size, or -1 when one is implausible. */
static int head_records(const uint8_t *head, size_t n, size_t size)
{
    int good = 0;
    for (size_t off = 0; ks_fits(off, size, n); off += size) {
        if (hb_all_zero(head + off, size))
            continue;
        if (!plausible(head + off, size))
            return -1;
        good++;
    }
    return good;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    bool named = !strncmp(ks_hostbin_base(name), "lastlog", 7);
    if (n < LL_SIZE)
        return 0;
    /* every record pads its line and host with NULs: a head without one is not lastlog */
    if (!memchr(head, 0, n < 4096 ? n : 4096))
        return 0;
    /* the head of a sparse lastlog is often all holes (uid 0 never logged in): then only
     * the name can tell */
    if (hb_all_zero(head, n))
        return named ? 60 : 0;
    int g292 = head_records(head, n, LL_SIZE), g296 = head_records(head, n, LL_SIZE + 4);
    int good = g292 > g296 ? g292 : g296;
    if (good <= 0)
        return 0; /* lastlog.txt and the like: a name is not enough */
    if (named)
        return 90;
    /* mostly zeros with a few login records is weak evidence without the name, and a
     * whole small file should be a multiple of the record size */
    return n < 65536 && n % LL_SIZE && n % (LL_SIZE + 4) ? 0 : 40;
}

/* Input with a look-ahead block, so the record size can be decided from the first login
 * record before records are cut. */
typedef struct ll_in {
    ks_input *in;
    uint8_t blk[65536];
    size_t bi, bn;
    bool eof;
    uint8_t back[2 * (LL_SIZE + 4)]; /* pushed back: read before blk */
    size_t backi, backn;
} ll_in;

static int ll_fill(ll_in *r, ks_err *err)
{
    if (r->bi < r->bn || r->eof)
        return 0;
    r->bi = r->bn = 0;
    int rc = ks_hostbin_read_full(r->in, r->blk, sizeof r->blk, &r->bn, err);
    if (!rc && r->bn < sizeof r->blk)
        r->eof = true;
    return rc;
}

/* Up to n bytes into out; *got < n only at the end. */
static int ll_read(ll_in *r, uint8_t *out, size_t n, size_t *got, ks_err *err)
{
    *got = 0;
    while (*got < n && r->backi < r->backn)
        out[(*got)++] = r->back[r->backi++];
    while (*got < n) {
        int rc = ll_fill(r, err);
        if (rc)
            return rc;
        if (r->bi == r->bn)
            break;
        size_t k = r->bn - r->bi < n - *got ? r->bn - r->bi : n - *got;
        memcpy(out + *got, r->blk + r->bi, k);
        r->bi += k;
        *got += k;
    }
    return 0;
}

static int emit(ks_parse_ctx *ctx, const uint8_t *rec, size_t size, bool be, int64_t uid,
                int64_t off, ks_err *err)
{
    size_t lo = size == LL_SIZE ? 4 : 8; /* where ll_line starts */
    if (!hb_field_text(rec + lo, 32) || !hb_field_text(rec + lo + 32, 256))
        return ks_sink_error(ctx->sink, -1, off, "lastlog record with binary text fields",
                             (const char *)rec, size, err);
    int64_t t = size == LL_SIZE ? (int64_t)hb_u32(rec, be) : (int64_t)hb_u64(rec, be);
    if (t < 0 || t > INT64_MAX / KS_NS_PER_SEC)
        return ks_sink_error(ctx->sink, -1, off, "lastlog time out of range",
                             (const char *)rec, size, err);
    t *= KS_NS_PER_SEC;
    ks_str line = hb_field(rec + lo, 32), host = hb_field(rec + lo + 32, 256);
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
    return ks_sink_event(ctx->sink, &ev, &ks_table_lastlog, v, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    const char *o = ks_parse_opt(ctx->opts, "lastlog_be");
    bool be = o && !strcmp(o, "1");
    int rc = 0;
    ll_in *r = calloc(1, sizeof *r);
    if (!r)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    r->in = ctx->in;
    /* Holes before the first login record are zeros: skip them (bounded by the input). */
    uint64_t z = 0;
    for (;;) {
        if ((rc = ll_fill(r, err)))
            goto done;
        if (r->bi == r->bn)
            goto done; /* only zeros: nobody ever logged in */
        while (r->bi < r->bn && !r->blk[r->bi]) {
            r->bi++;
            z++;
        }
        if (r->bi < r->bn)
            break;
    }
    /* Bytes before z are zero, so the first login record starts at the last multiple of
     * the record size at or before z: try both sizes on a window rebuilt from there (the
     * zeros, then the bytes from z) and keep the one whose record reads as a login;
     * where both start at the same place, a 64-bit ll_time shows as four zero bytes
     * before ll_line. */
    uint64_t s292 = z - z % LL_SIZE, s296 = z - z % (LL_SIZE + 4);
    uint64_t base = s292 < s296 ? s292 : s296;
    size_t lead = (size_t)(z - base), got = 0; /* lead < 296 */
    memset(r->back, 0, sizeof r->back);
    if ((rc = ll_read(r, r->back + lead, sizeof r->back - lead, &got, err)))
        goto done;
    got += lead;
    const uint8_t *w292 = r->back + (s292 - base), *w296 = r->back + (s296 - base);
    bool ok292 = ks_fits(s292 - base, LL_SIZE, got) && plausible(w292, LL_SIZE);
    bool ok296 = ks_fits(s296 - base, LL_SIZE + 4, got) && plausible(w296, LL_SIZE + 4);
    size_t size = LL_SIZE;
    if (ok296 && (!ok292 || (s292 == s296 && hb_all_zero(w296 + 4, 4) && w296[8])))
        size = LL_SIZE + 4;
    if (!ok292 && !ok296)
        ks_sink_warn(ctx->sink, -1, (int64_t)z,
                     "first lastlog record fits neither layout: read as 292-byte records");
    uint64_t start = size == LL_SIZE ? s292 : s296;
    r->backi = (size_t)(start - base);
    r->backn = got;
    int64_t uid = (int64_t)(start / size), off = (int64_t)start;
    uint8_t rec[LL_SIZE + 4];
    for (;;) {
        if ((rc = ll_read(r, rec, size, &got, err)))
            goto done;
        if (got < size) {
            if (!hb_all_zero(rec, got))
                rc = ks_sink_error(ctx->sink, -1, off, "truncated lastlog record",
                                   (const char *)rec, got, err);
            goto done;
        }
        if (!hb_all_zero(rec, size) && (rc = emit(ctx, rec, size, be, uid, off, err)))
            goto done;
        uid++;
        off += (int64_t)size;
    }
done:
    free(r);
    return rc;
}

const ks_parser ks_parser_lastlog = {
    "lastlog",
    "lastlog (292-byte records indexed by uid; never-logged-in holes skipped)",
    (const ks_table_def *const[]){&ks_table_lastlog, NULL},
    sniff,
    parse,
};
