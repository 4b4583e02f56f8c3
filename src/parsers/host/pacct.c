/* pacct.c — BSD process accounting (acct(5), /var/account/pacct, /var/log/account/pacct)
 * into `events` and `pacct`.
 *
 * One 64-byte record per process that ended, in end order. Version 3 (Linux >= 2.6.8,
 * CONFIG_BSD_PROCESS_ACCT_V3; what current distributions write):
 *   0 ac_flag u8 (AFORK 1, ASU 2, ACOMPAT 4, ACORE 8, AXSIG 0x10)
 *   1 ac_version u8 (3; 0x80 set = big-endian writer, ACCT_BYTEORDER)
 *   2 ac_tty u16 (old_encode_dev: major << 8 | minor)   4 ac_exitcode u32
 *   8 ac_uid u32  12 ac_gid u32  16 ac_pid u32  20 ac_ppid u32  24 ac_btime u32 (epoch s)
 *  28 ac_etime float (AHZ ticks)  32..46 comp_t utime, stime, mem (KiB), io, rw, minflt,
 *     majflt, swaps  48 ac_comm[16] (not always NUL-terminated)
 * comp_t: 13-bit mantissa, 3-bit base-8 exponent: (c & 0x1fff) << 3 * (c >> 13).
 * Linux's AHZ is 100 (ticks per second in these fields).
 * Versions 0..2 (the 16-bit uid `struct acct` of older kernels and some architectures)
 * are kept as error records saying so, so nothing is dropped silently.
 */
#include "parsers/host/hostbin.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"

#define PA_SIZE 64
#define PA_AHZ 100.0

enum { P_FLAGS, P_VERSION, P_TTY, P_EXITCODE, P_UID, P_GID, P_PID, P_PPID, P_BTIME, P_ETIME,
       P_UTIME, P_STIME, P_MEM, P_IO, P_RW, P_MINFLT, P_MAJFLT, P_SWAPS, P_COMM, P_NCOLS };

static const ks_column cols[P_NCOLS] = {
    [P_FLAGS] = {"flags", KS_COL_TEXT, "F fork without exec, S superuser, C compat, D core dumped, X killed by signal"},
    [P_VERSION] = {"version", KS_COL_INT, "record version (3)"},
    [P_TTY] = {"tty", KS_COL_TEXT, "controlling terminal as major:minor (NULL when none)"},
    [P_EXITCODE] = {"exitcode", KS_COL_INT, "termination status (wait(2) encoding)"},
    [P_UID] = {"uid", KS_COL_INT, "real user id (names need the host's /etc/passwd)"},
    [P_GID] = {"gid", KS_COL_INT, "real group id"},
    [P_PID] = {"pid", KS_COL_INT, "process id"},
    [P_PPID] = {"ppid", KS_COL_INT, "parent process id"},
    [P_BTIME] = {"btime", KS_COL_TIME, "process start time (1 s resolution)"},
    [P_ETIME] = {"etime", KS_COL_REAL, "elapsed seconds"},
    [P_UTIME] = {"utime", KS_COL_REAL, "user CPU seconds"},
    [P_STIME] = {"stime", KS_COL_REAL, "system CPU seconds"},
    [P_MEM] = {"mem", KS_COL_INT, "average memory use, KiB"},
    [P_IO] = {"io", KS_COL_INT, "characters transferred"},
    [P_RW] = {"rw", KS_COL_INT, "blocks read or written"},
    [P_MINFLT] = {"minflt", KS_COL_INT, "minor page faults"},
    [P_MAJFLT] = {"majflt", KS_COL_INT, "major page faults"},
    [P_SWAPS] = {"swaps", KS_COL_INT, "swaps"},
    [P_COMM] = {"comm", KS_COL_TEXT, "command name (first 15 or 16 bytes of the executable's name)"},
};

const ks_table_def ks_table_pacct = {
    "pacct", "process accounting records (acct v3): one per process that ended", cols,
    P_NCOLS};

static uint64_t comp(uint16_t c)
{
    return (uint64_t)(c & 0x1fff) << (3 * (c >> 13));
}

/* IEEE-754 single precision from its bits, without relying on the host's float layout. */
static double f32(uint32_t b)
{
    int e = (int)(b >> 23 & 0xff);
    double m = (double)(b & 0x7fffff);
    double v;
    if (e == 0)
        v = m * 0x1p-149;
    else if (e == 255)
        v = -1; /* inf/NaN: not a duration */
    else {
        v = ldexp(m + 0x1p23, e - 150);
    }
    return (b >> 31) && v >= 0 ? -v : v;
}

static bool plausible(const uint8_t *p)
{
    if ((p[1] & 0x7f) != 3 || p[0] & 0xe0)
        return false;
    bool be = p[1] & 0x80;
    if (hb_u32(p + 16, be) > (1u << 22) || hb_u32(p + 20, be) > (1u << 22))
        return false;
    /* comm: text, NUL-padded (16 bytes, a full-length name has no NUL) */
    return p[48] != 0 && hb_field_text(p + 48, 16);
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    const char *b = ks_hostbin_base(name);
    bool named = strstr(b, "acct") != NULL;
    int good = 0, old = 0;
    for (size_t off = 0; ks_fits(off, PA_SIZE, n) && good + old < 64; off += PA_SIZE) {
        if (plausible(head + off))
            good++;
        else if ((head[off + 1] & 0x7f) < 3) /* v0..v2: recognised, not read */
            old++;
        else
            return 0;
    }
    if (named && (good || old))
        return good ? 90 : 60; /* older versions: the reader says they are not supported */
    if (old || !good)
        return 0;
    return good >= 4 && (n >= 65536 || n % PA_SIZE == 0) ? 65 : 40;
}

static int emit(ks_parse_ctx *ctx, const uint8_t *p, int64_t off, ks_err *err)
{
    int ver = p[1] & 0x7f;
    if (ver != 3) {
        char why[96];
        snprintf(why, sizeof why, "acct record version %d not supported (only v3)", ver);
        return ks_sink_error(ctx->sink, -1, off, why, (const char *)p, PA_SIZE, err);
    }
    if (!plausible(p))
        return ks_sink_error(ctx->sink, -1, off, "implausible acct v3 record",
                             (const char *)p, PA_SIZE, err);
    bool be = p[1] & 0x80;
    char flags[8];
    size_t nf = 0;
    static const struct {
        uint8_t bit;
        char c;
    } fl[] = {{1, 'F'}, {2, 'S'}, {4, 'C'}, {8, 'D'}, {0x10, 'X'}};
    for (size_t k = 0; k < sizeof fl / sizeof fl[0]; k++)
        if (p[0] & fl[k].bit)
            flags[nf++] = fl[k].c;
    flags[nf] = '\0';
    uint16_t tty = hb_u16(p + 2, be);
    char ttys[16];
    snprintf(ttys, sizeof ttys, "%u:%u", tty >> 8, tty & 0xff);
    uint32_t uid = hb_u32(p + 8, be), pid = hb_u32(p + 16, be);
    int64_t bt = (int64_t)hb_u32(p + 24, be) * KS_NS_PER_SEC;
    double etime = f32(hb_u32(p + 28, be));
    ks_str comm = hb_field(p + 48, 16);
    ks_val v[P_NCOLS];
    v[P_FLAGS] = ks_v_text(ks_str_c(flags));
    v[P_VERSION] = ks_v_int(ver);
    v[P_TTY] = tty ? ks_v_text(ks_str_c(ttys)) : ks_v_null();
    v[P_EXITCODE] = ks_v_int(hb_u32(p + 4, be));
    v[P_UID] = ks_v_int(uid);
    v[P_GID] = ks_v_int(hb_u32(p + 12, be));
    v[P_PID] = ks_v_int(pid);
    v[P_PPID] = ks_v_int(hb_u32(p + 20, be));
    v[P_BTIME] = ks_v_int(bt);
    v[P_ETIME] = etime >= 0 ? ks_v_real(etime / PA_AHZ) : ks_v_null();
    v[P_UTIME] = ks_v_real((double)comp(hb_u16(p + 32, be)) / PA_AHZ);
    v[P_STIME] = ks_v_real((double)comp(hb_u16(p + 34, be)) / PA_AHZ);
    v[P_MEM] = ks_v_int((int64_t)comp(hb_u16(p + 36, be)));
    v[P_IO] = ks_v_int((int64_t)comp(hb_u16(p + 38, be)));
    v[P_RW] = ks_v_int((int64_t)comp(hb_u16(p + 40, be)));
    v[P_MINFLT] = ks_v_int((int64_t)comp(hb_u16(p + 42, be)));
    v[P_MAJFLT] = ks_v_int((int64_t)comp(hb_u16(p + 44, be)));
    v[P_SWAPS] = ks_v_int((int64_t)comp(hb_u16(p + 46, be)));
    v[P_COMM] = ks_v_text(comm);
    char uidtxt[16], msg[160], raw[200];
    snprintf(uidtxt, sizeof uidtxt, "%u", uid);
    snprintf(msg, sizeof msg, "process %.*s (pid %u, ppid %u) by uid %u ran %.2f s, exit %u%s%s",
             (int)comm.n, comm.p, pid, hb_u32(p + 20, be), uid, etime >= 0 ? etime / PA_AHZ : 0,
             hb_u32(p + 4, be), nf ? ", flags " : "", flags);
    snprintf(raw, sizeof raw, "%.*s|v3|%u|%u|%u|%u|%s|%u|%s", (int)comm.n, comm.p, uid,
             hb_u32(p + 12, be), pid, hb_u32(p + 20, be), flags, hb_u32(p + 4, be),
             tty ? ttys : "");
    ks_event ev;
    ks_event_init(&ev);
    ev.time = bt;
    ev.time_desc = "process start";
    ev.actor = ks_str_c(uidtxt);
    ev.action = comm;
    ev.target = comm;
    ev.outcome = p[0] & 0x18 ? KS_STR_LIT("killed") : KS_STR_NULL;
    ev.message = ks_str_c(msg);
    ev.raw = ks_str_c(raw);
    ev.offset = off;
    return ks_sink_event(ctx->sink, &ev, &ks_table_pacct, v, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    uint8_t rec[PA_SIZE];
    for (int64_t off = 0;; off += PA_SIZE) {
        size_t got = 0;
        int rc = ks_hostbin_read_full(ctx->in, rec, PA_SIZE, &got, err);
        if (rc)
            return rc;
        if (!got)
            return 0;
        if (got < PA_SIZE)
            return ks_sink_error(ctx->sink, -1, off, "truncated acct record",
                                 (const char *)rec, got, err);
        if ((rc = emit(ctx, rec, off, err)))
            return rc;
    }
}

const ks_parser ks_parser_pacct = {
    "pacct",
    "process accounting (acct v3, 64-byte records, either byte order): one event per "
    "process, at its start time",
    (const ks_table_def *const[]){&ks_table_pacct, NULL},
    sniff,
    parse,
};
