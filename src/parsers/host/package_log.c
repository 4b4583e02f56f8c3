/* package_log.c — package manager logs into `events` and `package_log`.
 *
 * dpkg.log: "YYYY-MM-DD HH:MM:SS VERB ..." with VERB install/upgrade/remove/purge/
 *   configure/trigproc ("VERB PKG:ARCH OLD NEW"), status ("status STATE PKG:ARCH VER"),
 *   startup, conffile. Local time without a zone (--opt tz, default UTC).
 * apt history.log: blocks of "Start-Date:", "Commandline:", "Requested-By:", then
 *   "Install:"/"Upgrade:"/"Remove:"/"Purge:"/"Downgrade:"/"Reinstall:" lists of
 *   "PKG:ARCH (VERSION[, automatic])" or "PKG:ARCH (OLD, NEW)", "Error:", "End-Date:".
 *   Each package becomes a row at the block's Start-Date; End-Date and Error lines are rows
 *   of their own (action transaction_end / error).
 * yum.log: "Mmm DD HH:MM:SS Installed|Updated|Erased: [EPOCH:]NAME-VERSION-RELEASE.ARCH"
 *   (no year: the file's mtime gives it, as for syslog).
 * dnf.rpm.log / dnf.log: "YYYY-MM-DDTHH:MM:SS+ZZZZ LEVEL message"; "Installed: NEVRA",
 *   "Upgrade(d):", "Erase:", ... are package rows, other messages rows of action "log"
 *   ("Command: ..." sets command_line).
 */
#include <stdio.h>
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "parsers/host/hostcfg.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define PL_MAX_LINE ((size_t)16 << 20)

enum {
    C_TIME, C_TOOL, C_ACTION, C_PACKAGE, C_ARCH, C_VERSION, C_OLD_VERSION, C_STATE,
    C_AUTOMATIC, C_COMMAND_LINE, C_REQUESTED_BY, C_LEVEL, C_MESSAGE, C_NCOLS
};

static const ks_column cols[C_NCOLS] = {
    [C_TIME] = {"time", KS_COL_TIME, "when (local times converted with --opt tz; apt: the block's Start-Date)"},
    [C_TOOL] = {"tool", KS_COL_TEXT, "dpkg, apt, yum, dnf"},
    [C_ACTION] = {"action", KS_COL_TEXT, "install upgrade remove purge downgrade reinstall configure status trigproc startup conffile transaction_end error log ..."},
    [C_PACKAGE] = {"package", KS_COL_TEXT, "package name"},
    [C_ARCH] = {"arch", KS_COL_TEXT, "architecture"},
    [C_VERSION] = {"version", KS_COL_TEXT, "version installed (remove: the version removed)"},
    [C_OLD_VERSION] = {"old_version", KS_COL_TEXT, "version replaced (upgrade/downgrade)"},
    [C_STATE] = {"state", KS_COL_TEXT, "dpkg status state (installed, half-configured, ...)"},
    [C_AUTOMATIC] = {"automatic", KS_COL_INT, "apt: 1 when installed as a dependency"},
    [C_COMMAND_LINE] = {"command_line", KS_COL_TEXT, "apt Commandline / dnf Command"},
    [C_REQUESTED_BY] = {"requested_by", KS_COL_TEXT, "apt Requested-By (user (uid))"},
    [C_LEVEL] = {"level", KS_COL_TEXT, "dnf log level"},
    [C_MESSAGE] = {"message", KS_COL_TEXT, "the record's text after the time"},
};

const ks_table_def ks_table_package_log = {
    "package_log", "dpkg, apt history, yum and dnf logs: packages installed, upgraded, removed",
    cols, C_NCOLS};

typedef enum { PK_DPKG, PK_APT, PK_YUM, PK_DNF, PK_NONE } pk_kind;

static bool dig(char c)
{
    return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD HH:MM:SS" */
static bool dpkg_time_at(const char *p, size_t n)
{
    return n >= 20 && dig(p[0]) && dig(p[3]) && p[4] == '-' && p[7] == '-' && p[10] == ' ' &&
           p[13] == ':' && p[16] == ':' && p[19] == ' ';
}

/* "YYYY-MM-DDTHH:MM:SS" */
static bool dnf_time_at(const char *p, size_t n)
{
    return n >= 20 && dig(p[0]) && dig(p[3]) && p[4] == '-' && p[7] == '-' && p[10] == 'T' &&
           p[13] == ':' && p[16] == ':';
}

static bool yum_line(const char *p, size_t n)
{
    static const char *const verbs[] = {" Installed: ", " Updated: ", " Erased: ", NULL};
    if (n < 16 || p[3] != ' ' || p[9] != ':' || p[12] != ':')
        return false;
    for (const char *const *v = verbs; *v; v++)
        if (n > 15 && !memcmp(p + 15, *v, strlen(*v)))
            return true;
    return false;
}

static pk_kind kind_of(const uint8_t *head, size_t n, const char *name, int *score)
{
    const char *b = ks_hc_base(name);
    const char *p = (const char *)head;
    size_t i = 0;
    while (i < n && (p[i] == '\n' || p[i] == '\r'))
        i++;
    const char *nl = memchr(p + i, '\n', n - i);
    size_t len = nl ? (size_t)(nl - p - (ptrdiff_t)i) : n - i;
    const char *l = p + i;
    *score = 0;
    if (len >= 12 && !memcmp(l, "Start-Date: ", 12)) {
        *score = 90;
        return PK_APT;
    }
    if (dpkg_time_at(l, len)) {
        static const char *const verbs[] = {"install ", "upgrade ", "remove ", "purge ", "status ",
                                            "configure ", "trigproc ", "startup ", "conffile ", NULL};
        for (const char *const *v = verbs; *v; v++)
            if (len > 20 && !strncmp(l + 20, *v, strlen(*v))) {
                *score = strstr(b, "dpkg") ? 90 : 75;
                return PK_DPKG;
            }
    }
    if (yum_line(l, len)) {
        *score = strstr(b, "yum") ? 90 : 70;
        return PK_YUM;
    }
    if (dnf_time_at(l, len) && (strstr(b, "dnf") || strstr(b, "hawkey"))) {
        *score = 85;
        return PK_DNF;
    }
    if (strstr(b, "dpkg.log"))
        return (*score = 60), PK_DPKG;
    if (strstr(b, "history.log") && strstr(ks_hc_inner(name), "apt"))
        return (*score = 60), PK_APT;
    if (!strncmp(b, "yum.log", 7))
        return (*score = 60), PK_YUM;
    if (!strncmp(b, "dnf.rpm.log", 11) || !strncmp(b, "dnf.log", 7))
        return (*score = 60), PK_DNF;
    return PK_NONE;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (!ks_hc_text(head, n))
        return 0;
    int score;
    kind_of(head, n, name, &score);
    return score;
}

typedef struct pk_state {
    ks_parse_ctx *ctx;
    pk_kind kind;
    ks_tz *tz;
    int64_t block_time;
    ks_buf cmdline, reqby;
    bool decided; /* the log's kind, from its first line */
} pk_state;

typedef struct pk_rec {
    ks_val v[C_NCOLS];
    int64_t time;
} pk_rec;

static void rec_init(pk_rec *r, const char *tool)
{
    for (int i = 0; i < C_NCOLS; i++)
        r->v[i] = ks_v_null();
    r->v[C_TOOL] = ks_v_text(ks_str_c(tool));
    r->time = KS_TIME_NONE;
}

static int emit(pk_state *st, pk_rec *r, const ks_line *ln, ks_err *err)
{
    if (r->time != KS_TIME_NONE)
        r->v[C_TIME] = ks_v_int(r->time);
    ks_event ev;
    ks_event_init(&ev);
    ev.time = r->time;
    ev.time_desc = r->time != KS_TIME_NONE ? "logged" : NULL;
    ev.line = ln->lineno;
    ev.offset = ln->offset;
    ks_str a = r->v[C_ACTION].s;
    char act[64];
    const char *norm = ks_str_eq(a, "install") || ks_str_eq(a, "reinstall") || ks_str_eq(a, "Installed") ? "package_install"
                       : ks_str_eq(a, "upgrade") || ks_str_eq(a, "Updated") || ks_str_eq(a, "Upgraded") ? "package_upgrade"
                       : ks_str_eq(a, "remove") || ks_str_eq(a, "purge") || ks_str_eq(a, "Erased") ? "package_remove"
                       : ks_str_eq(a, "downgrade") ? "package_downgrade"
                                                   : NULL;
    if (!norm) {
        size_t k = a.n < 40 ? a.n : 40;
        memcpy(act, "package_", 8);
        for (size_t i = 0; i < k; i++)
            act[8 + i] = (a.p[i] >= 'A' && a.p[i] <= 'Z') ? (char)(a.p[i] + 32) : a.p[i];
        act[8 + k] = '\0';
        norm = act;
    }
    ev.action = ks_str_c(norm);
    char target[512];
    ks_str pkg = r->v[C_PACKAGE].s, ver = r->v[C_VERSION].s;
    if (pkg.p) {
        int tn = ver.p ? snprintf(target, sizeof target, "%.*s %.*s", (int)(pkg.n > 200 ? 200 : pkg.n), pkg.p,
                                  (int)(ver.n > 200 ? 200 : ver.n), ver.p)
                       : snprintf(target, sizeof target, "%.*s", (int)(pkg.n > 400 ? 400 : pkg.n), pkg.p);
        ev.target = (ks_str){target, (size_t)(tn > 0 ? tn : 0)};
    }
    ev.actor = r->v[C_REQUESTED_BY].s;
    ev.message = r->v[C_MESSAGE].s;
    ev.raw = (ks_str){ln->p, ln->n};
    return ks_sink_event(st->ctx->sink, &ev, &ks_table_package_log, r->v, err);
}

/* "name:arch" -> name, arch */
static void split_arch(ks_str s, ks_str *name, ks_str *arch)
{
    const char *c = memchr(s.p, ':', s.n);
    *name = c ? (ks_str){s.p, (size_t)(c - s.p)} : s;
    *arch = c ? (ks_str){c + 1, s.n - (size_t)(c + 1 - s.p)} : KS_STR_NULL;
}

static ks_str word(ks_str l, size_t *i)
{
    while (*i < l.n && l.p[*i] == ' ')
        (*i)++;
    size_t b = *i;
    while (*i < l.n && l.p[*i] != ' ')
        (*i)++;
    return (ks_str){l.p + b, *i - b};
}

/* "2019-07-10  16:38:08" (apt pads with two spaces) or "2009-02-25 11:45:23", local time. */
static int64_t local_time(const ks_tz *tz, const char *p, size_t n)
{
    char b[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof b; i++)
        if (!(p[i] == ' ' && k && b[k - 1] == ' '))
            b[k++] = p[i];
    int64_t t;
    if (k >= sizeof b || ks_time_parse_iso8601(b, k, tz, &t))
        return KS_TIME_NONE;
    return t;
}

static int line_dpkg(pk_state *st, const ks_line *ln, ks_str l, ks_err *err)
{
    if (!dpkg_time_at(l.p, l.n))
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, "not a dpkg.log line", ln->p, ln->n, err);
    pk_rec r;
    rec_init(&r, "dpkg");
    r.time = local_time(st->tz, l.p, 19);
    if (r.time == KS_TIME_NONE)
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, "bad dpkg.log time", ln->p, ln->n, err);
    ks_str rest = {l.p + 20, l.n - 20};
    size_t i = 0;
    ks_str verb = word(rest, &i);
    r.v[C_ACTION] = ks_v_text(verb);
    r.v[C_MESSAGE] = ks_v_text(rest);
    ks_str name, arch;
    if (ks_str_eq(verb, "status")) {
        r.v[C_STATE] = ks_v_text(word(rest, &i));
        split_arch(word(rest, &i), &name, &arch);
        r.v[C_PACKAGE] = ks_v_text(name);
        r.v[C_ARCH] = ks_v_text(arch);
        r.v[C_VERSION] = ks_v_text(word(rest, &i));
    } else if (ks_str_eq(verb, "install") || ks_str_eq(verb, "upgrade") || ks_str_eq(verb, "remove") ||
               ks_str_eq(verb, "purge") || ks_str_eq(verb, "configure") || ks_str_eq(verb, "trigproc")) {
        split_arch(word(rest, &i), &name, &arch);
        ks_str a = word(rest, &i), b = word(rest, &i);
        r.v[C_PACKAGE] = ks_v_text(name);
        r.v[C_ARCH] = ks_v_text(arch);
        bool gone = ks_str_eq(verb, "remove") || ks_str_eq(verb, "purge");
        /* install/upgrade: OLD NEW; remove/purge: VERSION <none> */
        if (gone) {
            r.v[C_VERSION] = ks_v_text(a);
        } else {
            if (a.n && !ks_str_eq(a, "<none>"))
                r.v[C_OLD_VERSION] = ks_v_text(a);
            r.v[C_VERSION] = ks_v_text(b.n && !ks_str_eq(b, "<none>") ? b : a);
        }
    }
    return emit(st, &r, ln, err);
}

static int apt_packages(pk_state *st, const ks_line *ln, ks_str verb, ks_str list, ks_err *err)
{
    /* "a:amd64 (1.0, automatic), b:amd64 (1.0, 2.0)" — split at ", " outside parentheses */
    size_t i = 0;
    int rc = 0;
    char act[32];
    size_t an = verb.n < sizeof act - 1 ? verb.n : sizeof act - 1;
    for (size_t k = 0; k < an; k++)
        act[k] = (verb.p[k] >= 'A' && verb.p[k] <= 'Z') ? (char)(verb.p[k] + 32) : verb.p[k];
    act[an] = '\0';
    while (i < list.n && !rc) {
        while (i < list.n && (list.p[i] == ' ' || list.p[i] == ','))
            i++;
        size_t b = i;
        int depth = 0;
        while (i < list.n && (depth > 0 || list.p[i] != ',')) {
            depth += list.p[i] == '(' ? 1 : list.p[i] == ')' ? -1 : 0;
            i++;
        }
        ks_str ent = ks_hc_trim((ks_str){list.p + b, i - b});
        if (!ent.n)
            continue;
        pk_rec r;
        rec_init(&r, "apt");
        r.time = st->block_time;
        r.v[C_ACTION] = ks_v_text(ks_str_c(act));
        const char *op = memchr(ent.p, '(', ent.n);
        ks_str pkg = op ? ks_hc_trim((ks_str){ent.p, (size_t)(op - ent.p)}) : ent;
        ks_str name, arch;
        split_arch(pkg, &name, &arch);
        r.v[C_PACKAGE] = ks_v_text(name);
        r.v[C_ARCH] = ks_v_text(arch);
        if (op) {
            const char *cp = memchr(op, ')', ent.n - (size_t)(op - ent.p));
            ks_str in = {op + 1, (size_t)((cp ? cp : ent.p + ent.n) - op - 1)};
            const char *c1 = memchr(in.p, ',', in.n);
            ks_str v1 = ks_hc_trim(c1 ? (ks_str){in.p, (size_t)(c1 - in.p)} : in);
            ks_str v2 = c1 ? ks_hc_trim((ks_str){c1 + 1, in.n - (size_t)(c1 + 1 - in.p)}) : KS_STR_NULL;
            if (ks_str_eq(v2, "automatic")) {
                r.v[C_AUTOMATIC] = ks_v_int(1);
                v2 = KS_STR_NULL;
            }
            if (v2.p && v2.n) {
                r.v[C_OLD_VERSION] = ks_v_text(v1);
                r.v[C_VERSION] = ks_v_text(v2);
            } else {
                r.v[C_VERSION] = ks_v_text(v1);
            }
            if (!r.v[C_AUTOMATIC].kind)
                r.v[C_AUTOMATIC] = ks_v_int(0);
        }
        if (st->cmdline.len)
            r.v[C_COMMAND_LINE] = ks_v_text((ks_str){st->cmdline.data, st->cmdline.len});
        if (st->reqby.len)
            r.v[C_REQUESTED_BY] = ks_v_text((ks_str){st->reqby.data, st->reqby.len});
        r.v[C_MESSAGE] = ks_v_text(ent);
        rc = emit(st, &r, ln, err);
    }
    return rc;
}

static int line_apt(pk_state *st, const ks_line *ln, ks_str l, ks_err *err)
{
    const char *colon = memchr(l.p, ':', l.n);
    if (!colon || colon == l.p)
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, "not an apt history line (Key: value)", ln->p, ln->n, err);
    ks_str key = {l.p, (size_t)(colon - l.p)};
    ks_str val = ks_hc_trim((ks_str){colon + 1, l.n - (size_t)(colon + 1 - l.p)});
    if (ks_str_eq(key, "Start-Date")) {
        st->block_time = local_time(st->tz, val.p, val.n);
        ks_buf_reset(&st->cmdline);
        ks_buf_reset(&st->reqby);
        if (st->block_time == KS_TIME_NONE)
            return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, "bad Start-Date", ln->p, ln->n, err);
        return 0; /* the block's rows carry it */
    }
    if (ks_str_eq(key, "Commandline")) {
        ks_buf_reset(&st->cmdline);
        ks_buf_append(&st->cmdline, val.p, val.n);
        return 0;
    }
    if (ks_str_eq(key, "Requested-By")) {
        ks_buf_reset(&st->reqby);
        ks_buf_append(&st->reqby, val.p, val.n);
        return 0;
    }
    static const char *const verbs[] = {"Install", "Upgrade", "Remove", "Purge", "Downgrade", "Reinstall", NULL};
    for (const char *const *v = verbs; *v; v++)
        if (ks_str_eq(key, *v))
            return apt_packages(st, ln, key, val, err);
    pk_rec r;
    rec_init(&r, "apt");
    if (ks_str_eq(key, "End-Date")) {
        r.time = local_time(st->tz, val.p, val.n);
        r.v[C_ACTION] = ks_v_text(KS_STR_LIT("transaction_end"));
    } else if (ks_str_eq(key, "Error")) {
        r.time = st->block_time;
        r.v[C_ACTION] = ks_v_text(KS_STR_LIT("error"));
    } else {
        r.time = st->block_time;
        r.v[C_ACTION] = ks_v_text(key);
    }
    if (st->cmdline.len)
        r.v[C_COMMAND_LINE] = ks_v_text((ks_str){st->cmdline.data, st->cmdline.len});
    r.v[C_MESSAGE] = ks_v_text(val);
    return emit(st, &r, ln, err);
}

/* "[EPOCH:]NAME-VERSION-RELEASE.ARCH" */
static void nevra(ks_str s, pk_rec *r)
{
    const char *dot = NULL, *d1 = NULL, *d2 = NULL;
    for (size_t i = s.n; i-- > 0;) {
        if (!dot && s.p[i] == '.' && !d1)
            dot = s.p + i;
        else if (s.p[i] == '-' && !d1)
            d1 = s.p + i;
        else if (s.p[i] == '-' && d1 && !d2) {
            d2 = s.p + i;
            break;
        }
    }
    if (!d1 || !d2) {
        r->v[C_PACKAGE] = ks_v_text(s);
        return;
    }
    ks_str name = {s.p, (size_t)(d2 - s.p)};
    const char *ec = memchr(name.p, ':', name.n);
    if (ec)
        name = (ks_str){ec + 1, name.n - (size_t)(ec + 1 - name.p)};
    const char *vend = dot && dot > d1 ? dot : s.p + s.n;
    r->v[C_PACKAGE] = ks_v_text(name);
    r->v[C_VERSION] = ks_v_text((ks_str){d2 + 1, (size_t)(vend - d2 - 1)});
    if (dot && dot > d1)
        r->v[C_ARCH] = ks_v_text((ks_str){dot + 1, s.n - (size_t)(dot + 1 - s.p)});
}

static int line_yum(pk_state *st, const ks_line *ln, ks_str l, ks_err *err)
{
    pk_rec r;
    rec_init(&r, "yum");
    const char *c = l.n > 15 ? memchr(l.p + 15, ':', l.n - 15) : NULL;
    if (l.n < 16 || !c || ks_time_parse_syslog(l.p, 15, st->ctx->ref_time, st->tz, &r.time))
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, "not a yum.log line", ln->p, ln->n, err);
    r.v[C_ACTION] = ks_v_text(ks_hc_trim((ks_str){l.p + 15, (size_t)(c - l.p - 15)}));
    ks_str pk = ks_hc_trim((ks_str){c + 1, l.n - (size_t)(c + 1 - l.p)});
    r.v[C_MESSAGE] = ks_v_text(pk);
    nevra(pk, &r);
    return emit(st, &r, ln, err);
}

static int line_dnf(pk_state *st, const ks_line *ln, ks_str l, ks_err *err)
{
    pk_rec r;
    rec_init(&r, "dnf");
    const char *sp = memchr(l.p, ' ', l.n);
    if (!dnf_time_at(l.p, l.n) || !sp || ks_time_parse_iso8601(l.p, (size_t)(sp - l.p), st->tz, &r.time))
        return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, "not a dnf log line", ln->p, ln->n, err);
    ks_str rest = {sp + 1, l.n - (size_t)(sp + 1 - l.p)};
    size_t i = 0;
    ks_str level = word(rest, &i);
    r.v[C_LEVEL] = ks_v_text(level);
    while (i < rest.n && rest.p[i] == ' ')
        i++;
    ks_str msg = {rest.p + i, rest.n - i};
    r.v[C_MESSAGE] = ks_v_text(msg);
    static const char *const verbs[] = {"Installed", "Upgrade", "Upgraded", "Erase", "Erased", "Reinstall",
                                        "Reinstalled", "Downgrade", "Downgraded", "Obsoleted", "Obsolete", NULL};
    const char *c = memchr(msg.p, ':', msg.n);
    bool pkg = false;
    if (c)
        for (const char *const *v = verbs; *v && !pkg; v++)
            pkg = ks_str_eq((ks_str){msg.p, (size_t)(c - msg.p)}, *v);
    if (pkg) {
        ks_str verb = {msg.p, (size_t)(c - msg.p)};
        const char *norm = verb.p[0] == 'I' ? "install" : verb.p[0] == 'U' ? "upgrade"
                           : verb.p[0] == 'E' ? "remove" : verb.p[0] == 'R' ? "reinstall"
                           : verb.p[0] == 'D' ? "downgrade" : "obsolete";
        r.v[C_ACTION] = ks_v_text(ks_str_c(norm));
        nevra(ks_hc_trim((ks_str){c + 1, msg.n - (size_t)(c + 1 - msg.p)}), &r);
    } else {
        r.v[C_ACTION] = ks_v_text(KS_STR_LIT("log"));
        if (msg.n > 9 && !memcmp(msg.p, "Command: ", 9))
            r.v[C_COMMAND_LINE] = ks_v_text((ks_str){msg.p + 9, msg.n - 9});
    }
    return emit(st, &r, ln, err);
}

static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    pk_state *st = arg;
    ks_parse_ctx *ctx = st->ctx;
    ks_str l = ks_hc_trim((ks_str){ln->p, n});
    if (!st->decided) {
        int score;
        pk_kind k = kind_of((const uint8_t *)l.p, l.n, ctx->path, &score);
        if (k != PK_NONE)
            st->kind = k;
        st->decided = true;
    }
    if (ln->too_long)
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset, "line longer than 16 MiB", ln->p,
                             ln->n, err);
    switch (st->kind) {
    case PK_APT: return line_apt(st, ln, l, err);
    case PK_YUM: return line_yum(st, ln, l, err);
    case PK_DNF: return line_dnf(st, ln, l, err);
    default: return line_dpkg(st, ln, l, err);
    }
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    pk_state st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    st.block_time = KS_TIME_NONE;
    st.kind = PK_DPKG;
    ks_buf_init(&st.cmdline, 1 << 20);
    ks_buf_init(&st.reqby, 4096);
    const char *zone = ks_parse_opt(ctx->opts, "tz");
    if (zone && (rc = ks_tz_load(&st.tz, zone, err)))
        goto done;
    rc = ks_lineloop(ctx->in, PL_MAX_LINE, KS_LL_TRIM_WS | KS_LL_SKIP_EMPTY, on_line, &st, err);
done:
    ks_buf_free(&st.cmdline);
    ks_buf_free(&st.reqby);
    ks_tz_free(st.tz);
    return rc;
}

const ks_parser ks_parser_package_log = {
    "package_log",
    "package manager logs: dpkg.log, apt history.log, yum.log, dnf.rpm.log/dnf.log (--opt tz=ZONE)",
    (const ks_table_def *const[]){&ks_table_package_log, NULL},
    sniff,
    parse,
};
