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

#include "core/net.h"
#include "core/time.h"

#define SL_MAX_LINE ((size_t)1 << 20)
#define SL_MAX_REC ((size_t)1 << 20)
#define SL_MAX_TAG 192 /* a tag longer than this is not a tag (filebeat has no limit) */

enum {
    C_TIME,
    C_HOST,
    C_PROGRAM,
    C_PID,
    C_PRIORITY,
    C_FACILITY,
    C_SEVERITY,
    C_VERSION,
    C_MSGID,
    C_SD,
    C_MESSAGE,
    C_REPEAT,
    C_EVENT,
    C_USER,
    C_BY_USER,
    C_TARGET_USER,
    C_SRC_IP,
    C_SRC_HOST,
    C_SRC_PORT,
    C_METHOD,
    C_OUTCOME,
    C_REASON,
    C_FINGERPRINT,
    C_TTY,
    C_PWD,
    C_COMMAND,
    C_SERVICE,
    C_UID,
    C_GID,
    C_GROUP,
    C_HOME,
    C_SHELL,
    C_UNIT,
    C_NCOLS
};

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

/* ---- small text helpers over ks_str ------------------------------------------------- */
static bool dig(char c)
{
    return c >= '0' && c <= '9';
}

static bool alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static ks_str sub(ks_str s, size_t from, size_t to)
{
    if (to > s.n)
        to = s.n;
    if (from > to)
        from = to;
    return (ks_str){s.p + from, to - from};
}

static bool starts(ks_str s, const char *lit)
{
    size_t k = strlen(lit);
    return s.n >= k && !memcmp(s.p, lit, k);
}

static bool ends(ks_str s, const char *lit)
{
    size_t k = strlen(lit);
    return s.n >= k && !memcmp(s.p + s.n - k, lit, k);
}

/* Index of the first occurrence of lit at or after `from`, or -1. */
static ptrdiff_t find(ks_str s, size_t from, const char *lit)
{
    size_t k = strlen(lit);
    if (from > s.n || !k)
        return -1;
    const char *h = memmem(s.p + from, s.n - from, lit, k);
    return h ? h - s.p : -1;
}

/* Index of the last occurrence of lit, or -1. */
static ptrdiff_t rfind(ks_str s, const char *lit)
{
    size_t k = strlen(lit);
    if (!k || k > s.n)
        return -1;
    for (size_t i = s.n - k + 1; i-- > 0;)
        if (!memcmp(s.p + i, lit, k))
            return (ptrdiff_t)i;
    return -1;
}

static ks_str ltrim(ks_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    return s;
}

/* Only blanks (a line of spaces, tabs and CRs is skipped, as an empty one). */
static bool blank(ks_str s)
{
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != '\r')
            return false;
    return true;
}

static ks_str trim(ks_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

/* Up to the next space (or the end). */
static ks_str word(ks_str s, size_t from)
{
    size_t e = from;
    while (e < s.n && s.p[e] != ' ')
        e++;
    return sub(s, from, e);
}

static int num(ks_str s, int64_t *out)
{
    if (!s.n || s.n > 18)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (!dig(s.p[i]))
            return -1;
        x = x * 10 + (s.p[i] - '0');
    }
    *out = x;
    return 0;
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
    while (i < s.n && dig(s.p[i]) && i - d0 < 2)
        i++;
    if (i == d0 || i >= s.n || s.p[i] != ' ')
        return 0;
    i++;
    if (i + 8 > s.n || !dig(s.p[i]) || !dig(s.p[i + 1]) || s.p[i + 2] != ':' ||
        !dig(s.p[i + 3]) || !dig(s.p[i + 4]) || s.p[i + 5] != ':' || !dig(s.p[i + 6]) ||
        !dig(s.p[i + 7]))
        return 0;
    i += 8;
    if (i + 1 < s.n && s.p[i] == '.' && dig(s.p[i + 1])) {
        i++;
        while (i < s.n && dig(s.p[i]) && i < 40)
            i++;
    }
    return i;
}

/* The tag and message after the host, from offset i of line s. */
static void tag_and_message(ks_str s, size_t i, sl_head *h)
{
    while (i < s.n && s.p[i] == ' ')
        i++;
    ks_str rest = sub(s, i, s.n);
    if (!rest.n || starts(rest, "---") || starts(rest, "last message repeated")) {
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
        ks_str w = word(rest, 0);
        e = w.n;
        colon = false;
    }
    ks_str tag = sub(rest, 0, e);
    h->msg = i + e + (colon ? 1 : 0);
    h->has_tag_colon = colon;
    /* macOS "tag[pid] <Level>" */
    if (ends(tag, ">")) {
        ptrdiff_t lt = rfind(tag, " <");
        if (lt > 0) {
            h->level = sub(tag, (size_t)lt + 2, tag.n - 1);
            tag.n = (size_t)lt;
        }
    }
    if (ends(tag, "]")) {
        ptrdiff_t lb = rfind(tag, "[");
        int64_t pid;
        if (lb > 0 && !num(sub(tag, (size_t)lb + 1, tag.n - 1), &pid)) {
            h->pid = sub(tag, (size_t)lb + 1, tag.n - 1);
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
        while (k < s.n && k < 5 && dig(s.p[k]))
            pri = pri * 10 + (s.p[k++] - '0');
        if (k == 1 || k >= s.n || s.p[k] != '>' || pri > 191)
            return -1;
        h->pri = (int)pri;
        i = k + 1;
    }
    ks_str r = sub(s, i, s.n);
    /* RFC 5424: VERSION SP TIMESTAMP ... (only after a PRI) */
    if (h->pri >= 0 && r.n >= 3 && dig(r.p[0]) && (r.p[1] == ' ' || (dig(r.p[1]) && r.n > 3 && r.p[2] == ' '))) {
        size_t k = 0;
        int64_t ver;
        ks_str vw = word(r, 0);
        if (num(vw, &ver) || ver < 1)
            return -1;
        h->version = (int)ver;
        k = vw.n + 1;
        ks_str ts = word(r, k);
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
            f[j] = word(r, k);
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
            if (!num(f[2], &pid))
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
            h->sd = sub(r, sd0, k);
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
    if (r.n >= 19 && dig(r.p[0]) && dig(r.p[1]) && dig(r.p[2]) && dig(r.p[3]) && r.p[4] == '-' &&
        r.p[10] == 'T') {
        ks_str ts = word(r, 0);
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
    ks_str t = word(s, i);
    if (starts(t, "---") || ends(t, ":")) {
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
    if (s.n >= 2 && s.p[0] == '<' && dig(s.p[1]))
        return true;
    if (s.n >= 5 && dig(s.p[0]) && dig(s.p[1]) && dig(s.p[2]) && dig(s.p[3]) && s.p[4] == '-')
        return true;
    /* plaso's rule: three word characters, blanks, a 1-2 digit day, a blank */
    if (s.n >= 6 && alpha(s.p[0]) && alpha(s.p[1]) && alpha(s.p[2]) && s.p[3] == ' ') {
        size_t i = 4;
        while (i < s.n && s.p[i] == ' ')
            i++;
        size_t d = i;
        while (i < s.n && dig(s.p[i]))
            i++;
        return i > d && i - d <= 2 && i < s.n && s.p[i] == ' ';
    }
    return false;
}

/* ---- normalisation -------------------------------------------------------------------- */
typedef struct sl_norm {
    ks_val *v;
    ks_str action, actor, target, outcome, src_ip;
} sl_norm;

static void set(sl_norm *n, int col, ks_str s)
{
    if (s.p)
        n->v[col] = ks_v_text(s);
}

static void set_int(sl_norm *n, int col, ks_str s)
{
    int64_t x;
    if (!num(s, &x))
        n->v[col] = ks_v_int(x);
}

/* An address or host name: src_ip when it parses as an address, else src_host. */
static void set_remote(sl_norm *n, ks_str a)
{
    a = trim(a);
    if (!a.n)
        return;
    ks_ip ip;
    if (ks_ip_parse(&ip, a.p, a.n) == 0) {
        set(n, C_SRC_IP, a);
        n->src_ip = a;
    } else {
        set(n, C_SRC_HOST, a);
    }
}

/* "USER from ADDR[ port N][ ...]" or "USER ADDR port N" tails of sshd messages. */
static void user_from(sl_norm *n, ks_str s, bool with_from)
{
    ptrdiff_t f = with_from ? rfind(s, " from ") : -1;
    ks_str user, rest;
    if (with_from) {
        if (f < 0) {
            user = trim(s);
            set(n, C_USER, user);
            return;
        }
        user = sub(s, 0, (size_t)f);
        rest = sub(s, (size_t)f + 6, s.n);
    } else {
        /* "USER ADDR port N": the address is the word before " port " */
        ptrdiff_t pp = rfind(s, " port ");
        if (pp < 0) {
            ptrdiff_t sp = rfind(trim(s), " ");
            if (sp < 0)
                return;
            set(n, C_USER, sub(s, 0, (size_t)sp));
            set_remote(n, sub(trim(s), (size_t)sp + 1, trim(s).n));
            return;
        }
        ks_str head = sub(s, 0, (size_t)pp);
        ptrdiff_t sp = rfind(head, " ");
        if (sp < 0) {
            set_remote(n, head);
            rest = sub(s, (size_t)pp + 1, s.n);
            goto port;
        }
        user = sub(head, 0, (size_t)sp);
        set(n, C_USER, user);
        n->actor = user;
        set_remote(n, sub(head, (size_t)sp + 1, head.n));
        rest = sub(s, (size_t)pp + 1, s.n);
        goto port;
    }
    set(n, C_USER, user);
    n->actor = user;
    {
        ks_str a = word(rest, 0);
        set_remote(n, a);
        rest = sub(rest, a.n, rest.n);
        while (rest.n && rest.p[0] == ' ')
            rest = sub(rest, 1, rest.n);
    }
port:
    if (starts(rest, "port ")) {
        ks_str p = word(rest, 5);
        while (p.n && !dig(p.p[p.n - 1]))
            p.n--; /* "port 22:11:" */
        ks_str pd = p;
        size_t k = 0;
        while (k < pd.n && dig(pd.p[k]))
            k++;
        set_int(n, C_SRC_PORT, sub(pd, 0, k));
    }
}

static ks_str strip_prefix_users(ks_str s)
{
    if (starts(s, "invalid user "))
        return sub(s, 13, s.n);
    if (starts(s, "authenticating user "))
        return sub(s, 20, s.n);
    if (starts(s, "user "))
        return sub(s, 5, s.n);
    if (starts(s, "illegal user "))
        return sub(s, 13, s.n);
    return s;
}

static bool norm_sshd(sl_norm *n, ks_str m)
{
    if (ends(m, " [preauth]"))
        m.n -= 10;
    m = trim(m);
    if (starts(m, "Accepted ") || starts(m, "Failed ") || starts(m, "Postponed ")) {
        bool ok = starts(m, "Accepted ");
        if (starts(m, "Postponed "))
            return false;
        ks_str meth = word(m, ok ? 9 : 7);
        set(n, C_METHOD, meth);
        ks_str rest = sub(m, (ok ? 9 : 7) + meth.n, m.n);
        if (!starts(rest, " for "))
            return false;
        rest = sub(rest, 5, rest.n);
        /* key fingerprint after "ssh2: " */
        ptrdiff_t fp = find(rest, 0, ": ");
        if (fp > 0) {
            set(n, C_FINGERPRINT, trim(sub(rest, (size_t)fp + 2, rest.n)));
            rest.n = (size_t)fp;
        }
        bool invalid = starts(rest, "invalid user ");
        user_from(n, strip_prefix_users(rest), true);
        n->action = ok ? KS_STR_LIT("ssh_login") : KS_STR_LIT("ssh_login_failed");
        n->outcome = ok ? KS_STR_LIT("success") : KS_STR_LIT("failure");
        if (invalid)
            set(n, C_REASON, KS_STR_LIT("invalid user"));
        return true;
    }
    if (starts(m, "Invalid user ") || starts(m, "input_userauth_request: invalid user ")) {
        ks_str rest = sub(m, starts(m, "Invalid") ? 13 : 37, m.n);
        user_from(n, rest, true);
        n->action = KS_STR_LIT("ssh_invalid_user");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    ptrdiff_t il = find(m, 0, " for illegal user ");
    if (il >= 0) {
        user_from(n, sub(m, (size_t)il + 18, m.n), true);
        n->action = KS_STR_LIT("ssh_invalid_user");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (starts(m, "error: maximum authentication attempts exceeded for ")) {
        user_from(n, strip_prefix_users(sub(m, 52, m.n)), true);
        n->action = KS_STR_LIT("ssh_max_attempts");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (starts(m, "Disconnecting: Too many authentication failures")) {
        ptrdiff_t f = find(m, 0, " for ");
        if (f > 0)
            set(n, C_USER, strip_prefix_users(trim(sub(m, (size_t)f + 5, m.n))));
        n->actor = n->v[C_USER].s;
        n->action = KS_STR_LIT("ssh_max_attempts");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (starts(m, "Disconnecting ") && find(m, 0, "Too many authentication failures") > 0) {
        ptrdiff_t c = find(m, 0, ": ");
        if (c > 0)
            user_from(n, strip_prefix_users(sub(m, 14, (size_t)c)), false);
        n->action = KS_STR_LIT("ssh_max_attempts");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (starts(m, "Disconnected from ") || starts(m, "Connection closed by ")) {
        ks_str rest = sub(m, starts(m, "Dis") ? 18 : 21, m.n);
        if (starts(rest, "user ") || starts(rest, "invalid user ") ||
            starts(rest, "authenticating user ")) {
            if (starts(rest, "invalid user "))
                set(n, C_REASON, KS_STR_LIT("invalid user"));
            else if (starts(rest, "authenticating user "))
                set(n, C_REASON, KS_STR_LIT("during authentication"));
            user_from(n, strip_prefix_users(rest), false);
        } else {
            ks_str a = word(rest, 0);
            set_remote(n, a);
            ks_str r2 = trim(sub(rest, a.n, rest.n));
            if (starts(r2, "port "))
                user_from(n, rest, false), n->v[C_USER] = ks_v_null(), n->actor = KS_STR_NULL;
        }
        n->action = KS_STR_LIT("ssh_disconnect");
        return true;
    }
    if (starts(m, "Received disconnect from ")) {
        ks_str rest = sub(m, 25, m.n);
        ks_str a = word(rest, 0);
        while (a.n && a.p[a.n - 1] == ':')
            a.n--;
        set_remote(n, a);
        ks_str r2 = trim(sub(rest, word(rest, 0).n, rest.n));
        if (starts(r2, "port ")) {
            ks_str p = word(r2, 5);
            size_t k = 0;
            while (k < p.n && dig(p.p[k]))
                k++;
            set_int(n, C_SRC_PORT, sub(p, 0, k));
        }
        n->action = KS_STR_LIT("ssh_disconnect");
        return true;
    }
    if (starts(m, "Connection from ")) {
        ks_str rest = sub(m, 16, m.n);
        ks_str a = word(rest, 0);
        set_remote(n, a);
        ks_str r2 = trim(sub(rest, a.n, rest.n));
        if (starts(r2, "port ")) {
            ks_str p = word(r2, 5);
            set_int(n, C_SRC_PORT, p);
        }
        n->action = KS_STR_LIT("ssh_connection");
        return true;
    }
    if (starts(m, "Did not receive identification string from ")) {
        ks_str rest = sub(m, 43, m.n);
        set_remote(n, word(rest, 0));
        n->action = KS_STR_LIT("ssh_no_identification");
        return true;
    }
    return false;
}

/* "pam_unix(SERVICE:TYPE): ..." and other pam modules' lines, any program. */
static bool norm_pam(sl_norm *n, ks_str m)
{
    ptrdiff_t lp = find(m, 0, "(");
    ptrdiff_t rp = find(m, 0, "): ");
    if (starts(m, "pam_") && lp > 0 && rp > lp) {
        ks_str inner = sub(m, (size_t)lp + 1, (size_t)rp);
        ptrdiff_t c = find(inner, 0, ":");
        if (c > 0)
            set(n, C_SERVICE, sub(inner, 0, (size_t)c));
        m = sub(m, (size_t)rp + 3, m.n);
    }
    if (starts(m, "session opened for user ") || starts(m, "session closed for user ")) {
        bool open = m.p[8] == 'o';
        ks_str rest = sub(m, 24, m.n);
        ptrdiff_t by = find(rest, 0, " by ");
        ks_str user = by >= 0 ? sub(rest, 0, (size_t)by) : trim(rest);
        ptrdiff_t up = find(user, 0, "(uid=");
        if (up > 0) {
            ks_str uid = sub(user, (size_t)up + 5, user.n);
            if (ends(uid, ")"))
                uid.n--;
            set_int(n, C_UID, uid);
            user.n = (size_t)up;
        }
        set(n, C_USER, user);
        n->actor = user;
        if (by >= 0) {
            ks_str b = trim(sub(rest, (size_t)by + 4, rest.n));
            ptrdiff_t bp = find(b, 0, "(");
            if (bp >= 0)
                b.n = (size_t)bp;
            if (b.n)
                set(n, C_BY_USER, b);
        }
        n->action = open ? KS_STR_LIT("session_open") : KS_STR_LIT("session_close");
        return true;
    }
    if (starts(m, "authentication failure;") || (starts(m, "PAM ") &&
                                                  find(m, 0, "more authentication failure") > 0)) {
        /* "logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root" */
        ptrdiff_t rh = find(m, 0, "rhost=");
        if (rh >= 0)
            set_remote(n, word(m, (size_t)rh + 6));
        ptrdiff_t us = find(m, 0, " user=");
        if (us >= 0) {
            ks_str u = word(m, (size_t)us + 6);
            if (u.n) {
                set(n, C_USER, u);
                n->actor = u;
            }
        }
        n->action = KS_STR_LIT("auth_failure");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    ptrdiff_t pc = find(m, 0, "password changed for ");
    if (pc >= 0) {
        ks_str u = trim(sub(m, (size_t)pc + 21, m.n));
        set(n, C_USER, u);
        n->target = u;
        n->action = KS_STR_LIT("password_change");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    return false;
}

/* sudo: "USER : [REASON ; ]TTY=pts/0 ; PWD=/home/x ; USER=root ; [ENV=... ; ]COMMAND=cmd" */
static bool norm_sudo(sl_norm *n, ks_str m)
{
    ks_str t = ltrim(m); /* the command keeps its trailing blanks (sudo cuts long ones) */
    ptrdiff_t c = find(t, 0, " : ");
    if (c <= 0 || find(t, 0, "COMMAND=") < 0)
        return false;
    ks_str user = trim(sub(t, 0, (size_t)c));
    set(n, C_USER, user);
    n->actor = user;
    ks_str rest = sub(t, (size_t)c + 3, t.n);
    ptrdiff_t cmd = find(rest, 0, "COMMAND=");
    ks_str command = sub(rest, (size_t)cmd + 8, rest.n);
    ks_str pre = sub(rest, 0, (size_t)cmd);
    /* ';'-separated KEY=value items before COMMAND; an item without '=' is the reason */
    for (size_t k = 0, guard = 0; k < pre.n && guard < 64; guard++) {
        ptrdiff_t sc = find(pre, k, " ;");
        size_t e = sc >= 0 ? (size_t)sc : pre.n;
        ks_str it = trim(sub(pre, k, e));
        if (starts(it, "TTY="))
            set(n, C_TTY, sub(it, 4, it.n));
        else if (starts(it, "PWD="))
            set(n, C_PWD, sub(it, 4, it.n));
        else if (starts(it, "USER="))
            set(n, C_TARGET_USER, sub(it, 5, it.n));
        else if (it.n && !memchr(it.p, '=', it.n))
            set(n, C_REASON, it);
        k = e + 2;
    }
    set(n, C_COMMAND, command);
    n->target = command;
    n->action = KS_STR_LIT("sudo");
    n->outcome = n->v[C_REASON].kind ? KS_STR_LIT("failure") : KS_STR_LIT("success");
    return true;
}

static bool norm_su(sl_norm *n, ks_str m)
{
    m = trim(m);
    if (starts(m, "(to ")) { /* "(to root) alice on pts/0" */
        ptrdiff_t rp = find(m, 0, ") ");
        if (rp < 0)
            return false;
        set(n, C_TARGET_USER, sub(m, 4, (size_t)rp));
        ks_str rest = sub(m, (size_t)rp + 2, m.n);
        ptrdiff_t on = find(rest, 0, " on ");
        ks_str u = on >= 0 ? sub(rest, 0, (size_t)on) : rest;
        set(n, C_USER, u);
        n->actor = u;
        if (on >= 0)
            set(n, C_TTY, sub(rest, (size_t)on + 4, rest.n));
        n->target = n->v[C_TARGET_USER].s;
        n->action = KS_STR_LIT("su");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (starts(m, "Successful su for ") || starts(m, "FAILED su for ") ||
        starts(m, "FAILED SU (to ")) {
        bool ok = m.p[0] == 'S';
        ks_str rest = sub(m, ok ? 18 : 14, m.n);
        ptrdiff_t by = find(rest, 0, " by ");
        if (starts(m, "FAILED SU (to ")) {
            ptrdiff_t rp = find(rest, 0, ") ");
            if (rp < 0)
                return false;
            set(n, C_TARGET_USER, sub(rest, 0, (size_t)rp));
            ks_str u = word(rest, (size_t)rp + 2);
            set(n, C_USER, u);
        } else if (by >= 0) {
            set(n, C_TARGET_USER, sub(rest, 0, (size_t)by));
            set(n, C_USER, trim(sub(rest, (size_t)by + 4, rest.n)));
        } else {
            return false;
        }
        n->actor = n->v[C_USER].s;
        n->target = n->v[C_TARGET_USER].s;
        n->action = KS_STR_LIT("su");
        n->outcome = ok ? KS_STR_LIT("success") : KS_STR_LIT("failure");
        return true;
    }
    if ((starts(m, "+ ") || starts(m, "- ")) && find(m, 0, ":") > 0) { /* "+ pts/0 alice:root" */
        ks_str tty = word(m, 2);
        ks_str ut = word(m, 2 + tty.n + 1);
        ptrdiff_t c = find(ut, 0, ":");
        if (!tty.n || c <= 0)
            return false;
        set(n, C_TTY, tty);
        set(n, C_USER, sub(ut, 0, (size_t)c));
        set(n, C_TARGET_USER, sub(ut, (size_t)c + 1, ut.n));
        n->actor = n->v[C_USER].s;
        n->target = n->v[C_TARGET_USER].s;
        n->action = KS_STR_LIT("su");
        n->outcome = m.p[0] == '+' ? KS_STR_LIT("success") : KS_STR_LIT("failure");
        return true;
    }
    return false;
}

/* "name=apache, UID=48, GID=48, home=/usr/share/httpd, shell=/sbin/nologin" */
static void kv_commas(sl_norm *n, ks_str s)
{
    for (size_t k = 0, guard = 0; k < s.n && guard < 32; guard++) {
        ptrdiff_t c = find(s, k, ", ");
        size_t e = c >= 0 ? (size_t)c : s.n;
        ks_str it = trim(sub(s, k, e));
        if (starts(it, "name="))
            set(n, C_USER, sub(it, 5, it.n));
        else if (starts(it, "UID="))
            set_int(n, C_UID, sub(it, 4, it.n));
        else if (starts(it, "GID="))
            set_int(n, C_GID, sub(it, 4, it.n));
        else if (starts(it, "home="))
            set(n, C_HOME, sub(it, 5, it.n));
        else if (starts(it, "shell="))
            set(n, C_SHELL, sub(it, 6, it.n));
        k = e + 2;
    }
}

/* The text between the first pair of single quotes from `from`, or NULL. */
static ks_str quoted(ks_str s, size_t from, size_t *after)
{
    ptrdiff_t a = find(s, from, "'");
    if (a < 0)
        return KS_STR_NULL;
    ptrdiff_t b = find(s, (size_t)a + 1, "'");
    if (b < 0)
        return KS_STR_NULL;
    if (after)
        *after = (size_t)b + 1;
    return sub(s, (size_t)a + 1, (size_t)b);
}

static bool norm_account(sl_norm *n, ks_str prog, ks_str m)
{
    m = trim(m);
    if (starts(m, "new user: ")) {
        kv_commas(n, sub(m, 10, m.n));
        n->target = n->v[C_USER].s;
        n->action = KS_STR_LIT("user_add");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (starts(m, "new group: ")) {
        kv_commas(n, sub(m, 11, m.n));
        if (n->v[C_USER].kind) { /* name= is the group here */
            n->v[C_GROUP] = n->v[C_USER];
            n->v[C_USER] = ks_v_null();
        }
        n->target = n->v[C_GROUP].s;
        n->action = KS_STR_LIT("group_add");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    size_t after = 0;
    if (starts(m, "delete user ")) {
        ks_str u = quoted(m, 12, NULL);
        set(n, C_USER, u);
        n->target = u;
        n->action = KS_STR_LIT("user_delete");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (starts(m, "removed group ") || (starts(m, "group ") && ends(m, " removed")) ||
        (starts(m, "group ") && find(m, 0, "' removed") > 0)) {
        ks_str g = quoted(m, 0, NULL);
        set(n, C_GROUP, g);
        n->target = g;
        n->action = KS_STR_LIT("group_delete");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (starts(m, "add ") || starts(m, "delete ")) { /* "add 'bob' to group 'sudo'" */
        ks_str u = quoted(m, 0, &after);
        ks_str g = quoted(m, after, NULL);
        if (!u.p || !g.p || find(m, 0, " group ") < 0)
            return false;
        set(n, C_USER, u);
        set(n, C_GROUP, g);
        n->target = u;
        n->action = KS_STR_LIT("user_modify");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (starts(m, "change user ") || starts(m, "lock user ") || starts(m, "unlock user ")) {
        ks_str u = quoted(m, 0, &after);
        set(n, C_USER, u);
        n->target = u;
        n->action = ends(m, " password") ? KS_STR_LIT("password_change") : KS_STR_LIT("user_modify");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (ks_str_eq(prog, "chpasswd") || ks_str_eq(prog, "passwd")) {
        ptrdiff_t pc = find(m, 0, "password changed for ");
        if (pc >= 0)
            return norm_pam(n, m);
    }
    return false;
}

static bool norm_cron(sl_norm *n, ks_str m)
{
    m = trim(m);
    /* "(root) CMD (command)"; crond also logs "(root) CMDOUT (...)", "(root) CMDEND (...)" */
    if (!starts(m, "("))
        return false;
    ptrdiff_t rp = find(m, 0, ") CMD (");
    if (rp <= 0)
        return false;
    ks_str user = sub(m, 1, (size_t)rp);
    ks_str cmd = sub(m, (size_t)rp + 7, m.n);
    if (ends(cmd, ")"))
        cmd.n--;
    set(n, C_USER, user);
    set(n, C_COMMAND, cmd);
    n->actor = user;
    n->target = cmd;
    n->action = KS_STR_LIT("cron_command");
    return true;
}

static bool norm_systemd(sl_norm *n, ks_str m)
{
    m = trim(m);
    static const struct {
        const char *pre, *action;
    } forms[] = {{"Started ", "service_start"},
                 {"Stopped ", "service_stop"},
                 {"Failed to start ", "service_failed"},
                 {NULL, NULL}};
    for (int i = 0; forms[i].pre; i++) {
        if (starts(m, forms[i].pre)) {
            ks_str u = sub(m, strlen(forms[i].pre), m.n);
            if (ends(u, "."))
                u.n--;
            set(n, C_UNIT, u);
            n->target = u;
            n->action = ks_str_c(forms[i].action);
            n->outcome = i == 2 ? KS_STR_LIT("failure") : KS_STR_LIT("success");
            return true;
        }
    }
    return false;
}

static bool norm_logind(sl_norm *n, ks_str m)
{
    /* systemd-logind: "New session 12 of user alice." */
    m = trim(m);
    if (starts(m, "New session ")) {
        ptrdiff_t of = find(m, 0, " of user ");
        if (of < 0)
            return false;
        ks_str u = sub(m, (size_t)of + 9, m.n);
        if (ends(u, "."))
            u.n--;
        set(n, C_USER, u);
        n->actor = u;
        n->action = KS_STR_LIT("session_open");
        return true;
    }
    return false;
}

static bool norm_login(sl_norm *n, ks_str m)
{
    m = trim(m);
    if (starts(m, "ROOT LOGIN ON ") || starts(m, "LOGIN ON ")) {
        bool root = m.p[0] == 'R';
        ks_str rest = sub(m, root ? 14 : 9, m.n);
        set(n, C_TTY, word(rest, 0));
        ptrdiff_t by = find(rest, 0, " BY ");
        if (root)
            set(n, C_USER, KS_STR_LIT("root"));
        else if (by >= 0)
            set(n, C_USER, word(rest, (size_t)by + 4));
        ptrdiff_t fr = find(rest, 0, " FROM ");
        if (fr >= 0)
            set_remote(n, word(rest, (size_t)fr + 6));
        n->actor = n->v[C_USER].s;
        n->action = KS_STR_LIT("login");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (starts(m, "FAILED LOGIN ")) {
        ptrdiff_t fo = find(m, 0, " FOR ");
        if (fo >= 0) {
            ks_str u = word(m, (size_t)fo + 5);
            if (u.n && u.p[0] == '\'' ) {
                u = quoted(m, (size_t)fo, NULL);
            } else if (u.n && u.p[u.n - 1] == ',') {
                u.n--;
            }
            set(n, C_USER, u);
        }
        ptrdiff_t fr = find(m, 0, " FROM ");
        if (fr >= 0) {
            ks_str a = word(m, (size_t)fr + 6);
            if (a.n && a.p[0] == '\'')
                a = quoted(m, (size_t)fr, NULL);
            set_remote(n, a);
        }
        n->actor = n->v[C_USER].s;
        n->action = KS_STR_LIT("login_failed");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    return false;
}

static bool norm_repeat(sl_norm *n, ks_str m)
{
    m = trim(m);
    if (starts(m, "--- "))
        m = sub(m, 4, m.n);
    if (starts(m, "last message repeated ") || starts(m, "message repeated ")) {
        ks_str w = word(m, starts(m, "last") ? 22 : 17);
        int64_t x;
        if (num(w, &x))
            return false;
        n->v[C_REPEAT] = ks_v_int(x);
        n->action = KS_STR_LIT("message_repeated");
        return true;
    }
    return false;
}

/* Fills the auth/account columns and the event's action/actor/target/outcome. */
static void normalise(sl_norm *n, ks_str prog, ks_str msg)
{
    if (norm_repeat(n, msg))
        return;
    bool done = false;
    if (ks_str_eq(prog, "sshd") || starts(prog, "sshd-"))
        done = norm_sshd(n, msg);
    else if (ks_str_eq(prog, "sudo"))
        done = norm_sudo(n, msg);
    else if (ks_str_eq(prog, "su"))
        done = norm_su(n, msg);
    else if (ks_str_eq(prog, "CRON") || ks_str_eq(prog, "cron") || ks_str_eq(prog, "crond") ||
             ks_str_eq(prog, "/usr/sbin/cron"))
        done = norm_cron(n, msg);
    else if (ks_str_eq(prog, "systemd"))
        done = norm_systemd(n, msg);
    else if (ks_str_eq(prog, "systemd-logind"))
        done = norm_logind(n, msg);
    else if (ks_str_eq(prog, "login"))
        done = norm_login(n, msg);
    else if (ks_str_eq(prog, "useradd") || ks_str_eq(prog, "userdel") || ks_str_eq(prog, "usermod") ||
             ks_str_eq(prog, "groupadd") || ks_str_eq(prog, "groupdel") ||
             ks_str_eq(prog, "groupmod") || ks_str_eq(prog, "gpasswd") ||
             ks_str_eq(prog, "passwd") || ks_str_eq(prog, "chpasswd") || ks_str_eq(prog, "chage"))
        done = norm_account(n, prog, msg);
    if (!done)
        done = norm_pam(n, trim(msg));
    (void)done;
}

/* ---- records ------------------------------------------------------------------------ */
typedef struct sl_state {
    ks_buf rec;
    bool pending, cut, warned_year;
    int64_t line, offset;
    ks_tz *tz;
} sl_state;

static int flush(ks_parse_ctx *ctx, sl_state *st, ks_err *err)
{
    if (!st->pending)
        return 0;
    st->pending = false;
    ks_str all = {st->rec.data, st->rec.len};
    const char *nl = memchr(all.p, '\n', all.n);
    ks_str first = {all.p, nl ? (size_t)(nl - all.p) : all.n};
    if (st->cut)
        ks_sink_warn(ctx->sink, st->line, st->offset, "record longer than 1 MiB: cut");
    sl_head h;
    if (parse_head(first, ctx->ref_time, st->tz, &h))
        return ks_sink_error(ctx->sink, st->line, st->offset, "not a syslog line", all.p, all.n,
                             err);
    if (h.needs_year && !st->warned_year) {
        st->warned_year = true;
        ks_sink_warn(ctx->sink, st->line, st->offset,
                     "syslog times without a year and no file time to infer it: times left empty");
    }
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    ks_str msg = sub(all, h.msg, all.n);
    while (msg.n && msg.p[0] == ' ')
        msg = sub(msg, 1, msg.n);
    if (h.time != KS_TIME_NONE)
        v[C_TIME] = ks_v_int(h.time);
    if (h.host.n)
        v[C_HOST] = ks_v_text(h.host);
    if (h.tag.n)
        v[C_PROGRAM] = ks_v_text(h.tag);
    int64_t pid;
    if (h.pid.p && !num(h.pid, &pid))
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
    normalise(&n, h.tag, msg);
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
    ev.line = st->line;
    ev.offset = st->offset;
    return ks_sink_event(ctx->sink, &ev, &ks_table_syslog, v, err);
}

/* Content sniffing: the first non-blank line is a syslog header, and most of the first lines
 * are headers or continuations. A fixed reference time is enough to check the syntax. */
static int sniff(const uint8_t *head, size_t n, const char *name)
{
    (void)name;
    const char *p = (const char *)head;
    size_t i = 0;
    int lines = 0, heads = 0, bad = 0, score = 0;
    bool first = true;
    while (i < n && lines < 20) {
        const char *nl = memchr(p + i, '\n', n - i);
        if (!nl)
            break; /* the last, possibly cut line is not judged */
        ks_str ln = {p + i, (size_t)(nl - p) - i};
        i = (size_t)(nl - p) + 1;
        if (ln.n && ln.p[ln.n - 1] == '\r')
            ln.n--;
        if (blank(ln))
            continue;
        lines++;
        sl_head h;
        bool ok = !parse_head(ln, 946684800LL * KS_NS_PER_SEC, NULL, &h);
        if (first) {
            first = false;
            if (!ok)
                return 0;
            /* BSD and RFC 5424 headers are distinctive; an RFC 3339 time followed by two
             * words also starts container and database logs, so those need a tag ending
             * in ':' and a host that is not a number. */
            int64_t x;
            if (h.version)
                score = 90;
            else if (h.bsd)
                score = h.tag.n ? 85 : 70;
            else if (h.tag.n && h.has_tag_colon && !(h.host.n && !num(h.host, &x)) &&
                     h.tag.p[0] != '[' && !memchr(h.tag.p, ' ', h.tag.n))
                /* (a CloudWatch export line "TIME Feb 20 07:01:01 host prog: msg" would
                 * otherwise read as host "Feb", tag "20 07:01:01 host prog") */
                score = 75;
            else
                return 0;
        }
        if (ok)
            heads++;
        else if (looks_like_header(ln))
            bad++;
    }
    if (!lines)
        return 0;
    return bad * 2 > lines ? 0 : heads * 2 >= lines || heads >= 3 ? score : score - 30;
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    sl_state st;
    memset(&st, 0, sizeof st);
    ks_lines *lr = NULL;
    ks_buf_init(&st.rec, SL_MAX_REC + 16);
    const char *zone = ks_parse_opt(ctx->opts, "tz");
    if (zone && (rc = ks_tz_load(&st.tz, zone, err)))
        goto done;
    if ((rc = ks_lines_new(&lr, ctx->in, SL_MAX_LINE))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    for (;;) {
        ks_line ln;
        int s = ks_lines_next(lr, &ln, err);
        if (s == KS_EOF)
            break;
        if (s) {
            rc = s;
            goto done;
        }
        size_t n = ln.n;
        while (n && ln.p[n - 1] == '\r')
            n--;
        ks_str line = {ln.p, n};
        if (blank(line))
            continue;
        sl_head h;
        if (!parse_head(line, ctx->ref_time, st.tz, &h)) {
            if ((rc = flush(ctx, &st, err)))
                goto done;
            ks_buf_reset(&st.rec);
            st.pending = true;
            st.line = ln.lineno;
            st.offset = ln.offset;
            st.cut = ln.too_long;
            if (ks_buf_append(&st.rec, ln.p, n))
                st.cut = true;
            continue;
        }
        if (!st.pending || looks_like_header(line)) {
            if ((rc = flush(ctx, &st, err)))
                goto done;
            if ((rc = ks_sink_error(ctx->sink, ln.lineno, ln.offset,
                                    st.line ? "not a syslog line" : "not a syslog line (before the first record)",
                                    ln.p, ln.n, err)))
                goto done;
            continue;
        }
        if (st.cut || st.rec.len + n + 1 > SL_MAX_REC || ln.too_long ||
            ks_buf_putc(&st.rec, '\n') || ks_buf_append(&st.rec, ln.p, n))
            st.cut = true;
    }
    rc = flush(ctx, &st, err);
done:
    ks_lines_free(lr);
    ks_buf_free(&st.rec);
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
