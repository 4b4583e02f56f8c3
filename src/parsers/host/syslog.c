/* syslog.c — syslog text files into `events` and `syslog`.
 *
 * A record starts with a header, in one of these forms (optionally after "<PRI>", RFC 3164
 * section 4.1.1: PRI = facility * 8 + severity, 0..191):
 *
 *   BSD (RFC 3164)   "Mar  7 04:02:16[.frac] host tag[pid]: message"
 *   RFC 3339 time    "2024-03-07T04:02:16.123456+09:00 host tag[pid]: message" (rsyslog's
 *                    RSYSLOG_FileFormat; ChromeOS writes a severity word where the host is)
 *   RFC 5424         "<34>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] message"
 *
 * Variants seen in real files: no host ("Nov 18 08:30:20 kernel: ..."), an empty host (two
 * spaces), no tag at all ("Mar 11 09:39:39: --- last message repeated 5 times ---"), a tag
 * without a colon (logger -t; the first word is the tag), tags with spaces ("Google
 * Chrome[85294]:", "com.apple.xpc.launchd[1] (com.apple.quicklook[21498]):" — as filebeat:
 * the tag runs to the first ": "), macOS "tag[pid] <Level>:".
 *
 * The BSD form has no year and no zone: the zone is --opt tz (default UTC) and the year is
 * the latest one that does not put the line more than a day after the member's reference
 * time (its mtime; ks_time_parse_syslog), so a file written across New Year gets December
 * lines in the previous year. Without a reference time such lines keep no time (warned).
 *
 * A line that does not start like a record continues the one before it (multi-line
 * messages, macOS tab-indented dumps), unless it looks like a broken header ("MMM 22 ...",
 * "<13>garbage"), which is an error record, as is anything before the first record.
 */
#include "parsers/host/syslog.h"

#include <stdbool.h>
#include <string.h>

#include "core/time.h"
#include "parsers/host/syslog_int.h"
#include "parsers/lineloop.h"

#define SL_MAX_LINE ((size_t)1 << 20)
#define SL_MAX_REC ((size_t)1 << 20)
#define SL_MAX_TAG 192 /* a tag longer than this is not a tag (filebeat has no limit) */

static const ks_column cols[C_NCOLS] = {
    [C_TIME] = {"time", KS_COL_TIME, "record time in UTC (BSD lines: year inferred, zone --opt tz)"},
    [C_HOST] = {"host", KS_COL_TEXT, "host name in the header"},
    [C_PROGRAM] = {"program", KS_COL_TEXT, "tag / APP-NAME without the [pid] (sshd, sudo, CRON, kernel, ...)"},
    [C_PID] = {"pid", KS_COL_INT, "process id from tag[pid] or the RFC 5424 PROCID"},
    [C_PRIORITY] = {"priority", KS_COL_INT, "<PRI> value when the line has one"},
    [C_FACILITY] = {"facility", KS_COL_TEXT, "facility name from PRI (kern, user, auth, authpriv, cron, local0, ...)"},
    [C_SEVERITY] = {"severity", KS_COL_TEXT, "severity from PRI or a ChromeOS/macOS level word (emerg .. debug)"},
    [C_VERSION] = {"version", KS_COL_INT, "RFC 5424 version"},
    [C_MSGID] = {"msgid", KS_COL_TEXT, "RFC 5424 MSGID"},
    [C_SD] = {"structured_data", KS_COL_TEXT, "RFC 5424 STRUCTURED-DATA as written"},
    [C_MESSAGE] = {"message", KS_COL_TEXT, "the message (continuation lines joined with newlines)"},
    [C_REPEAT] = {"repeat_count", KS_COL_INT, "N of 'last message repeated N times'"},
    [C_EVENT] = {"event", KS_COL_TEXT, "normalised kind (ssh_login, sudo, user_add, ...; docs/formats.md)"},
    [C_USER] = {"user", KS_COL_TEXT, "the account the event is about (login user, sudo caller, new user)"},
    [C_BY_USER] = {"by_user", KS_COL_TEXT, "pam session lines: the user that opened it ('by X(uid=N)')"},
    [C_TARGET_USER] = {"target_user", KS_COL_TEXT, "sudo USER= / su target account"},
    [C_SRC_IP] = {"src_ip", KS_COL_TEXT, "remote address (sshd 'from', pam rhost=)"},
    [C_SRC_HOST] = {"src_host", KS_COL_TEXT, "remote host when it is a name, not an address"},
    [C_SRC_PORT] = {"src_port", KS_COL_INT, "remote port"},
    [C_METHOD] = {"auth_method", KS_COL_TEXT, "sshd method: password, publickey, keyboard-interactive/pam, ..."},
    [C_OUTCOME] = {"outcome", KS_COL_TEXT, "success or failure when the line says"},
    [C_REASON] = {"reason", KS_COL_TEXT, "why it failed (sudo 'user NOT in sudoers', ...)"},
    [C_FINGERPRINT] = {"key_fingerprint", KS_COL_TEXT, "sshd public key type and fingerprint"},
    [C_TTY] = {"tty", KS_COL_TEXT, "sudo TTY= / su terminal"},
    [C_PWD] = {"pwd", KS_COL_TEXT, "sudo PWD="},
    [C_COMMAND] = {"command", KS_COL_TEXT, "sudo COMMAND= / cron CMD"},
    [C_SERVICE] = {"pam_service", KS_COL_TEXT, "pam_unix(SERVICE:type) service"},
    [C_UID] = {"uid", KS_COL_INT, "UID= of useradd / uid= of pam lines"},
    [C_GID] = {"gid", KS_COL_INT, "GID= of useradd/groupadd"},
    [C_GROUP] = {"group_name", KS_COL_TEXT, "group name (groupadd, usermod add to group)"},
    [C_HOME] = {"home", KS_COL_TEXT, "useradd home="},
    [C_SHELL] = {"shell", KS_COL_TEXT, "useradd shell="},
    [C_UNIT] = {"unit", KS_COL_TEXT, "systemd: the unit (description) started or stopped"},
};

const ks_table_def ks_table_syslog = {"syslog", "syslog text lines (auth.log, secure, messages, ...)",
                                      cols, C_NCOLS};

static bool alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Only blanks (a line of spaces, tabs and CRs is skipped, as an empty one). */
static bool blank(ks_str s)
{
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != '\r')
            return false;
    return true;
}


/* ---- header ------------------------------------------------------------------------- */
typedef struct sl_head {
    int64_t time;
    bool needs_year; /* BSD time but no reference time: time left NONE */
    int pri;         /* -1 none */
    int version;     /* RFC 5424 VERSION, 0 otherwise */
    bool bsd;        /* the time is the BSD one */
    ks_str host, tag, pid, msgid, sd, level;
    size_t msg; /* offset of the message in the line */
    bool has_tag_colon;
} sl_head;

static const char *const facilities[24] = {
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
    "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
static const char *const severities[8] = {"emerg", "alert", "crit", "err",
                                          "warning", "notice", "info", "debug"};

/* Level words written in place of a host (ChromeOS) or after the tag (macOS "<Info>"). */
static bool level_word(ks_str w)
{
    static const char *const lv[] = {"EMERG", "ALERT", "CRIT", "ERR", "ERROR", "WARNING",
                                     "WARN", "NOTICE", "INFO", "DEBUG", NULL};
    for (const char *const *p = lv; *p; p++)
        if (w.n == strlen(*p) && !memcmp(w.p, *p, w.n))
            return true;
    return false;
}

/* "Mmm d hh:mm:ss[.frac]" at s: its length, or 0. */
static size_t bsd_time_len(ks_str s)
{
    static const char *const m = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (s.n < 14)
        return 0;
    bool mo = false;
    for (int i = 0; i < 12 && !mo; i++)
        mo = !memcmp(s.p, m + 3 * i, 3);
    if (!mo || s.p[3] != ' ')
        return 0;
    size_t i = 4;
    if (s.p[i] == ' ')
        i++;
    size_t d0 = i;
    while (i < s.n && sl_dig(s.p[i]) && i - d0 < 2)
        i++;
    if (i == d0 || i >= s.n || s.p[i] != ' ')
        return 0;
    i++;
    if (i + 8 > s.n || !sl_dig(s.p[i]) || !sl_dig(s.p[i + 1]) || s.p[i + 2] != ':' ||
        !sl_dig(s.p[i + 3]) || !sl_dig(s.p[i + 4]) || s.p[i + 5] != ':' || !sl_dig(s.p[i + 6]) ||
        !sl_dig(s.p[i + 7]))
        return 0;
    i += 8;
    if (i + 1 < s.n && s.p[i] == '.' && sl_dig(s.p[i + 1])) {
        i++;
        while (i < s.n && sl_dig(s.p[i]) && i < 40)
            i++;
    }
    return i;
}

/* The tag and message after the host, from offset i of line s. */
static void tag_and_message(ks_str s, size_t i, sl_head *h)
{
    while (i < s.n && s.p[i] == ' ')
        i++;
    ks_str rest = sl_sub(s, i, s.n);
    if (!rest.n || sl_starts(rest, "---") || sl_starts(rest, "last message repeated")) {
        h->msg = i;
        return;
    }
    /* The tag runs to the first ": " (or a ':' ending the line) when that is near; else the
     * first word is the tag (logger -t without a colon, "Job `cron.daily' terminated"). */
    size_t lim = rest.n < SL_MAX_TAG ? rest.n : SL_MAX_TAG;
    size_t e = 0;
    bool colon = false;
    for (size_t k = 0; k < lim; k++) {
        if (rest.p[k] == ':' && (k + 1 == rest.n || rest.p[k + 1] == ' ')) {
            e = k;
            colon = true;
            break;
        }
    }
    if (!colon || e == 0) {
        ks_str w = sl_word(rest, 0);
        e = w.n;
        colon = false;
    }
    ks_str tag = sl_sub(rest, 0, e);
    h->msg = i + e + (colon ? 1 : 0);
    h->has_tag_colon = colon;
    /* macOS "tag[pid] <Level>" */
    if (sl_ends(tag, ">")) {
        ptrdiff_t lt = sl_rfind(tag, " <");
        if (lt > 0) {
            h->level = sl_sub(tag, (size_t)lt + 2, tag.n - 1);
            tag.n = (size_t)lt;
        }
    }
    if (sl_ends(tag, "]")) {
        ptrdiff_t lb = sl_rfind(tag, "[");
        int64_t pid;
        if (lb > 0 && !sl_num(sl_sub(tag, (size_t)lb + 1, tag.n - 1), &pid)) {
            h->pid = sl_sub(tag, (size_t)lb + 1, tag.n - 1);
            tag.n = (size_t)lb;
        }
    }
    h->tag = tag;
}

/* Parses the header of line s. 0 and *h on success, -1 when the line is not a record start. */
static int parse_head(ks_str s, int64_t ref, const ks_tz *tz, sl_head *h)
{
    memset(h, 0, sizeof *h);
    h->time = KS_TIME_NONE;
    h->pri = -1;
    size_t i = 0;
    if (s.n && s.p[0] == '<') {
        int64_t pri = 0;
        size_t k = 1;
        while (k < s.n && k < 5 && sl_dig(s.p[k]))
            pri = pri * 10 + (s.p[k++] - '0');
        if (k == 1 || k >= s.n || s.p[k] != '>' || pri > 191)
            return -1;
        h->pri = (int)pri;
        i = k + 1;
    }
    ks_str r = sl_sub(s, i, s.n);
    /* RFC 5424: VERSION SP TIMESTAMP ... (only after a PRI) */
    bool version = r.n >= 3 && sl_dig(r.p[0]) &&
                   (r.p[1] == ' ' || (sl_dig(r.p[1]) && r.n > 3 && r.p[2] == ' '));
    if (h->pri >= 0 && version) {
        size_t k = 0;
        int64_t ver;
        ks_str vw = sl_word(r, 0);
        if (sl_num(vw, &ver) || ver < 1)
            return -1;
        h->version = (int)ver;
        k = vw.n + 1;
        ks_str ts = sl_word(r, k);
        if (!ts.n)
            return -1;
        if (!(ts.n == 1 && ts.p[0] == '-') &&
            ks_time_parse_iso8601(ts.p, ts.n, tz, &h->time))
            return -1;
        k += ts.n + 1;
        ks_str f[4]; /* host, app, procid, msgid */
        for (int j = 0; j < 4; j++) {
            if (k > r.n)
                return -1;
            f[j] = sl_word(r, k);
            if (!f[j].n)
                return -1;
            k += f[j].n + 1;
            if (f[j].n == 1 && f[j].p[0] == '-')
                f[j] = KS_STR_NULL;
        }
        h->host = f[0];
        h->tag = f[1];
        if (f[2].p) {
            int64_t pid;
            if (!sl_num(f[2], &pid))
                h->pid = f[2];
        }
        h->msgid = f[3];
        if (k > r.n)
            return -1;
        /* STRUCTURED-DATA: "-" or one or more [id k="v"...] (values escape \" \\ \]) */
        size_t sd0 = k;
        if (k < r.n && r.p[k] == '-') {
            k++;
        } else {
            while (k < r.n && r.p[k] == '[') {
                bool q = false;
                k++;
                while (k < r.n && (q || r.p[k] != ']')) {
                    if (q && r.p[k] == '\\' && k + 1 < r.n)
                        k++;
                    else if (r.p[k] == '"')
                        q = !q;
                    k++;
                }
                if (k >= r.n)
                    return -1;
                k++;
            }
            if (k == sd0)
                return -1;
            h->sd = sl_sub(r, sd0, k);
        }
        if (k < r.n && r.p[k] != ' ')
            return -1;
        if (k < r.n)
            k++;
        if (k + 3 <= r.n && !memcmp(r.p + k, "\xef\xbb\xbf", 3))
            k += 3; /* RFC 5424 6.4: BOM before a UTF-8 MSG */
        h->msg = i + k;
        return 0;
    }
    size_t k;
    bool iso = false;
    if (r.n >= 19 && sl_dig(r.p[0]) && sl_dig(r.p[1]) && sl_dig(r.p[2]) && sl_dig(r.p[3]) && r.p[4] == '-' &&
        r.p[10] == 'T') {
        ks_str ts = sl_word(r, 0);
        if (ks_time_parse_iso8601(ts.p, ts.n, tz, &h->time))
            return -1;
        k = ts.n;
        iso = true;
    } else {
        k = bsd_time_len(r);
        if (!k)
            return -1;
        h->bsd = true;
        if (ref == KS_TIME_NONE)
            h->needs_year = true;
        else if (ks_time_parse_syslog(r.p, k, ref, tz, &h->time))
            return -1;
    }
    i += k;
    if (i < s.n && s.p[i] == ':') { /* "Nov 18 01:15:43: --- last message repeated ---" */
        i++;
        while (i < s.n && s.p[i] == ' ')
            i++;
        h->msg = i;
        return 0;
    }
    if (i < s.n && s.p[i] != ' ')
        return -1;
    if (i >= s.n) {
        h->msg = s.n;
        return 0;
    }
    i++;
    if (i < s.n && s.p[i] == ' ') { /* empty host field */
        tag_and_message(s, i, h);
        return 0;
    }
    ks_str t = sl_word(s, i);
    if (sl_starts(t, "---") || sl_ends(t, ":")) {
        tag_and_message(s, i, h); /* no host: "kernel: ..." */
        return 0;
    }
    if (iso && level_word(t)) { /* ChromeOS: "TIME INFO tag[pid]: msg" */
        h->level = t;
        tag_and_message(s, i + t.n, h);
        return 0;
    }
    h->host = t;
    tag_and_message(s, i + t.n, h);
    return 0;
}

/* Whether a line that failed parse_head was meant as a header (an error, not a continuation). */
static bool looks_like_header(ks_str s)
{
    if (s.n >= 2 && s.p[0] == '<' && sl_dig(s.p[1]))
        return true;
    if (s.n >= 5 && sl_dig(s.p[0]) && sl_dig(s.p[1]) && sl_dig(s.p[2]) && sl_dig(s.p[3]) && s.p[4] == '-')
        return true;
    /* plaso's rule: three word characters, blanks, a 1-2 digit day, a blank */
    if (s.n >= 6 && alpha(s.p[0]) && alpha(s.p[1]) && alpha(s.p[2]) && s.p[3] == ' ') {
        size_t i = 4;
        while (i < s.n && s.p[i] == ' ')
            i++;
        size_t d = i;
        while (i < s.n && sl_dig(s.p[i]))
            i++;
        return i > d && i - d <= 2 && i < s.n && s.p[i] == ' ';
    }
    return false;
}

/* ---- records ------------------------------------------------------------------------ */
typedef struct sl_state {
    ks_parse_ctx *ctx;
    ks_linejoin join; /* the record: a header line and its continuation lines */
    bool warned_year;
    ks_tz *tz;
} sl_state;

/* journalctl's text output marks file and boot boundaries with "-- Logs begin at ... --",
 * "-- Reboot --", "-- Boot 0f3c... --", "-- No entries --". */
static bool journal_marker(ks_str s)
{
    return s.n >= 6 && !memcmp(s.p, "-- ", 3) && !memcmp(s.p + s.n - 3, " --", 3);
}

/* A journalctl marker becomes an event without a time (a reboot is worth seeing). */
static int emit_marker(ks_parse_ctx *ctx, ks_str s, int64_t line, int64_t offset, ks_err *err)
{
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    bool boot = sl_starts(s, "-- Reboot --") || sl_starts(s, "-- Boot ");
    ks_str action = boot ? KS_STR_LIT("reboot") : KS_STR_LIT("journal_marker");
    v[C_MESSAGE] = ks_v_text(s);
    v[C_EVENT] = ks_v_text(action);
    ks_event ev;
    ks_event_init(&ev);
    ev.time_desc = "logged";
    ev.action = action;
    ev.message = s;
    ev.raw = s;
    ev.line = line;
    ev.offset = offset;
    return ks_sink_event(ctx->sink, &ev, &ks_table_syslog, v, err);
}

static int flush(sl_state *st, ks_err *err)
{
    ks_parse_ctx *ctx = st->ctx;
    ks_str all;
    if (!ks_linejoin_take(&st->join, ctx->sink, &all))
        return 0;
    const char *nl = memchr(all.p, '\n', all.n);
    ks_str first = {all.p, nl ? (size_t)(nl - all.p) : all.n};
    sl_head h;
    if (parse_head(first, ctx->ref_time, st->tz, &h))
        return ks_sink_error(ctx->sink, st->join.line, st->join.offset, "not a syslog line", all.p, all.n,
                             err);
    if (h.needs_year && !st->warned_year) {
        st->warned_year = true;
        ks_sink_warn(ctx->sink, st->join.line, st->join.offset,
                     "syslog times without a year and no file time to infer it: times left empty");
    }
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    ks_str msg = sl_sub(all, h.msg, all.n);
    while (msg.n && msg.p[0] == ' ')
        msg = sl_sub(msg, 1, msg.n);
    if (h.time != KS_TIME_NONE)
        v[C_TIME] = ks_v_int(h.time);
    if (h.host.n)
        v[C_HOST] = ks_v_text(h.host);
    if (h.tag.n)
        v[C_PROGRAM] = ks_v_text(h.tag);
    int64_t pid;
    if (h.pid.p && !sl_num(h.pid, &pid))
        v[C_PID] = ks_v_int(pid);
    if (h.pri >= 0) {
        v[C_PRIORITY] = ks_v_int(h.pri);
        v[C_FACILITY] = ks_v_text(ks_str_c(facilities[h.pri / 8]));
        v[C_SEVERITY] = ks_v_text(ks_str_c(severities[h.pri % 8]));
    } else if (h.level.n) {
        v[C_SEVERITY] = ks_v_text(h.level);
    }
    if (h.version)
        v[C_VERSION] = ks_v_int(h.version);
    if (h.msgid.p)
        v[C_MSGID] = ks_v_text(h.msgid);
    if (h.sd.p)
        v[C_SD] = ks_v_text(h.sd);
    v[C_MESSAGE] = ks_v_text(msg.p ? msg : KS_STR_LIT(""));
    sl_norm n;
    memset(&n, 0, sizeof n);
    n.v = v;
    ks_syslog_normalise(&n, h.tag, msg);
    if (n.action.p)
        v[C_EVENT] = ks_v_text(n.action);
    if (n.outcome.p)
        v[C_OUTCOME] = ks_v_text(n.outcome);
    ks_event ev;
    ks_event_init(&ev);
    ev.time = h.time;
    ev.time_desc = "logged";
    ev.host = h.host;
    ev.actor = n.actor.n ? n.actor : KS_STR_NULL;
    ev.src_ip = n.src_ip;
    ev.action = n.action.p ? n.action : h.tag.n ? h.tag : KS_STR_LIT("syslog");
    ev.target = n.target.n ? n.target : KS_STR_NULL;
    ev.outcome = n.outcome;
    ev.message = msg;
    ev.raw = all;
    ev.line = st->join.line;
    ev.offset = st->join.offset;
    return ks_sink_event(ctx->sink, &ev, &ks_table_syslog, v, err);
}

/* Content sniffing: the first non-blank line is a syslog header, and most of the first lines
 * are headers or continuations. A fixed reference time is enough to check the syntax. */
/* The score a header earns: BSD and RFC 5424 headers are distinctive; an RFC 3339 time
 * followed by two words also starts container and database logs, so those need a tag ending
 * in ':' without blanks and a host that is not a number (a CloudWatch export line "TIME Feb
 * 20 07:01:01 host prog: msg" would otherwise read as host "Feb", tag "20 07:01:01 host
 * prog"). 0: not convincing on its own. */
static int head_score(const sl_head *h)
{
    int64_t x;
    if (h->version)
        return 90;
    if (h->bsd) /* "Mar 07 04:02:16 Installed: x" (yum.log) has no host */
        return h->host.n && h->tag.n ? 85 : 60;
    if (h->tag.n && h->has_tag_colon && !(h->host.n && !sl_num(h->host, &x)) &&
        h->tag.p[0] != '[' && !memchr(h->tag.p, ' ', h->tag.n))
        return 75;
    return 0;
}

/* Content sniffing over the first lines: the first convincing header sets the score; most
 * lines must be headers or continuations. A first line that is not a header (a rotated file
 * cut inside a multi-line message, junk) costs 15 and needs three headers after it. A fixed
 * reference time is enough to check the syntax. */
static int sniff(const uint8_t *head, size_t n, const char *name)
{
    (void)name;
    const char *p = (const char *)head;
    size_t i = 0;
    int lines = 0, heads = 0, bad = 0, score = 0;
    bool first_ok = false;
    while (i < n && lines < 20) {
        const char *nl = memchr(p + i, '\n', n - i);
        if (!nl)
            break; /* the last, possibly cut line is not judged */
        ks_str ln = {p + i, (size_t)(nl - p) - i};
        i = (size_t)(nl - p) + 1;
        if (ln.n && ln.p[ln.n - 1] == '\r')
            ln.n--;
        if (blank(ln) || journal_marker(ln))
            continue;
        lines++;
        sl_head h;
        bool ok = !parse_head(ln, 946684800LL * KS_NS_PER_SEC, NULL, &h);
        if (ok && !score) {
            score = head_score(&h);
            if (!score && heads == 0 && lines == 1)
                return 0; /* the first line is a header, but one other formats share */
            if (lines == 1)
                first_ok = true;
        }
        if (ok)
            heads++;
        else if (looks_like_header(ln))
            bad++;
    }
    if (!lines || !score || bad * 2 > lines)
        return 0;
    if (!first_ok)
        return heads >= 3 && heads * 2 >= lines ? score - 15 : 0;
    return heads * 2 >= lines || heads >= 3 ? score : score - 30;
}

/* One line: a journalctl marker, a header that starts a record, a continuation of the
 * record held, or (no record held, or a line that looks like a broken header) an error. */
static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    sl_state *st = arg;
    ks_parse_ctx *ctx = st->ctx;
    int rc;
    ks_str line = {ln->p, n};
    if (blank(line))
        return 0;
    if (journal_marker(line)) {
        if ((rc = flush(st, err)))
            return rc;
        return emit_marker(ctx, line, ln->lineno, ln->offset, err);
    }
    sl_head h;
    if (!parse_head(line, ctx->ref_time, st->tz, &h)) {
        if ((rc = flush(st, err)))
            return rc;
        ks_linejoin_start(&st->join, ln, ln->p, n);
        return 0;
    }
    if (!st->join.pending || looks_like_header(line)) {
        if ((rc = flush(st, err)))
            return rc;
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset,
                             st->join.line ? "not a syslog line"
                                           : "not a syslog line (before the first record)",
                             ln->p, ln->n, err);
    }
    ks_linejoin_add(&st->join, ln, ln->p, n);
    return 0;
}

/* ks_lineloop_finish's view of flush */
static int flush_held(void *arg, ks_err *err)
{
    return flush(arg, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    sl_state st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    ks_linejoin_init(&st.join, SL_MAX_REC, "record longer than 1 MiB: cut");
    const char *zone = ks_parse_opt(ctx->opts, "tz");
    if (zone && (rc = ks_tz_load(&st.tz, zone, err)))
        goto done;
    bool failed = false;
    rc = ks_lineloop_ex(ctx->in, SL_MAX_LINE, KS_LL_TRIM_CR, on_line, &st, &failed, err);
    rc = ks_lineloop_finish(rc, failed, ctx->sink, st.join.pending, st.join.line,
                            st.join.offset, flush_held, &st, err);
done:
    ks_linejoin_free(&st.join);
    ks_tz_free(st.tz);
    return rc;
}

const ks_parser ks_parser_syslog = {
    "syslog",
    "syslog text logs: auth.log, secure, messages, syslog, cron, kern.log (BSD, RFC 3339, RFC 5424; "
    "year from the file time, --opt tz=ZONE for local times)",
    (const ks_table_def *const[]){&ks_table_syslog, NULL},
    sniff,
    parse,
};
