/* accounts.c — /etc/passwd, /etc/shadow, /etc/group and sudoers into `events` and the
 * tables `passwd`, `shadow`, `group`, `sudoers`.
 *
 * passwd(5): name:password:uid:gid:gecos:home:shell. Flagged: uid 0 under another name
 *   than root, and service accounts (uid 1..999) with a login shell.
 * shadow(5): name:hash:lastchg:min:max:warn:inactive:expire:reserved; lastchg and expire
 *   are days since 1970-01-01. The hash is NEVER stored: only its kind (crypt(5) prefixes
 *   $1$ md5, $2b$ bcrypt, $5$ sha256, $6$ sha512, $y$ yescrypt, ...; "!" locked, "*"
 *   disabled, "" no password). Raw text of every record (errors included) is masked too.
 * group(5): name:password:gid:members; groups that grant root-equivalent power (sudo,
 *   wheel, admin, docker, lxd, disk, ...) are flagged.
 * sudoers(5): logical lines (a trailing backslash continues); "#include"/"@include"
 *   directives, Defaults, *_Alias definitions, and user specifications
 *   "WHO HOSTS = (RUNAS) TAGS: COMMANDS" with NOPASSWD flagged. "#123" at the start of a
 *   line is a uid, not a comment.
 * None of these has a time of its own except shadow's last change: the file's mtime.
 */
#include <stdio.h>
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "parsers/host/hostcfg.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define AC_MAX_LINE ((size_t)1 << 16)
#define AC_MAX_FIELDS 12

/* ---- tables ------------------------------------------------------------------------- */
enum { P_NAME, P_UID, P_GID, P_GECOS, P_HOME, P_SHELL, P_PASSWORD, P_LOGIN, P_FLAG, P_NCOLS };
static const ks_column pcols[P_NCOLS] = {
    [P_NAME] = {"name", KS_COL_TEXT, "account name"},
    [P_UID] = {"uid", KS_COL_INT, "user id"},
    [P_GID] = {"gid", KS_COL_INT, "primary group id"},
    [P_GECOS] = {"gecos", KS_COL_TEXT, "full name / comment"},
    [P_HOME] = {"home", KS_COL_TEXT, "home directory"},
    [P_SHELL] = {"shell", KS_COL_TEXT, "login shell"},
    [P_PASSWORD] = {"password_field", KS_COL_TEXT, "x (in shadow), or the kind of hash found in passwd itself (never the hash)"},
    [P_LOGIN] = {"login_shell", KS_COL_INT, "1 when the shell allows logins (not nologin/false/sync/...)"},
    [P_FLAG] = {"flag", KS_COL_TEXT, "uid 0 not root; service account with a login shell; hash in passwd"},
};
const ks_table_def ks_table_passwd = {"passwd", "/etc/passwd accounts", pcols, P_NCOLS};

enum { S_NAME, S_HASH, S_LOCKED, S_NOPW, S_LASTCHG, S_MIN, S_MAX, S_WARN, S_INACTIVE, S_EXPIRE, S_NCOLS };
static const ks_column scols[S_NCOLS] = {
    [S_NAME] = {"name", KS_COL_TEXT, "account name"},
    [S_HASH] = {"hash_type", KS_COL_TEXT, "md5 bcrypt sha256 sha512 yescrypt gost-yescrypt scrypt des, empty, disabled (*), unknown; the hash itself is never stored"},
    [S_LOCKED] = {"locked", KS_COL_INT, "1 when the field starts with ! (password login locked)"},
    [S_NOPW] = {"no_password", KS_COL_INT, "1 when the field is empty (login without a password)"},
    [S_LASTCHG] = {"last_change", KS_COL_TIME, "date of the last password change (empty: not set; 1970-01-01: must change)"},
    [S_MIN] = {"min_days", KS_COL_INT, "minimum password age"},
    [S_MAX] = {"max_days", KS_COL_INT, "maximum password age"},
    [S_WARN] = {"warn_days", KS_COL_INT, "warning period"},
    [S_INACTIVE] = {"inactive_days", KS_COL_INT, "inactivity period"},
    [S_EXPIRE] = {"expire", KS_COL_TIME, "account expiration date"},
};
const ks_table_def ks_table_shadow = {"shadow", "/etc/shadow (hash kinds and ageing, no hashes)", scols, S_NCOLS};

enum { G_NAME, G_GID, G_MEMBERS, G_PRIV, G_NCOLS };
static const ks_column gcols[G_NCOLS] = {
    [G_NAME] = {"name", KS_COL_TEXT, "group name"},
    [G_GID] = {"gid", KS_COL_INT, "group id"},
    [G_MEMBERS] = {"members", KS_COL_TEXT, "comma-separated members"},
    [G_PRIV] = {"privileged", KS_COL_INT, "1 for groups granting root-equivalent power (root sudo wheel admin docker lxd libvirt disk shadow adm)"},
};
const ks_table_def ks_table_group = {"unix_group", "/etc/group groups and members", gcols, G_NCOLS};

enum { U_KIND, U_PRINCIPAL, U_HOSTS, U_RUNAS, U_TAGS, U_COMMANDS, U_NOPASSWD, U_ALL, U_NCOLS };
static const ks_column ucols[U_NCOLS] = {
    [U_KIND] = {"kind", KS_COL_TEXT, "rule, defaults, alias, include"},
    [U_PRINCIPAL] = {"principal", KS_COL_TEXT, "user, %group, #uid or alias the rule is for (alias: its name; include: the path)"},
    [U_HOSTS] = {"hosts", KS_COL_TEXT, "host list of the rule"},
    [U_RUNAS] = {"runas", KS_COL_TEXT, "(runas user:group) of the rule"},
    [U_TAGS] = {"tags", KS_COL_TEXT, "tags such as NOPASSWD: SETENV:"},
    [U_COMMANDS] = {"commands", KS_COL_TEXT, "command list (defaults/alias: the definition)"},
    [U_NOPASSWD] = {"nopasswd", KS_COL_INT, "1 when the rule has NOPASSWD"},
    [U_ALL] = {"all_commands", KS_COL_INT, "1 when the command list is ALL"},
};
const ks_table_def ks_table_sudoers = {"sudoers", "sudoers rules, defaults, aliases, includes", ucols, U_NCOLS};

/* ---- shared ------------------------------------------------------------------------- */
static size_t split_colon(ks_str l, ks_str *f, size_t max)
{
    size_t k = 0, b = 0;
    for (size_t i = 0; i <= l.n && k < max; i++) {
        if (i == l.n || l.p[i] == ':') {
            f[k++] = (ks_str){l.p + b, i - b};
            b = i + 1;
        }
    }
    return k;
}

/* Colons in the first line, counted up to 9 (no format here has more than 8). */
static int64_t colons_in_first_line(const uint8_t *h, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n && h[i] != '\n' && c < 9; i++)
        c += h[i] == ':';
    return c;
}

static bool base_is(const char *path, const char *a)
{
    const char *b = ks_hc_base(path);
    size_t k = strlen(a);
    return !strncmp(b, a, k) && (b[k] == '\0' || !strcmp(b + k, "-") || !strcmp(b + k, ".bak"));
}

typedef int (*line_fn)(ks_parse_ctx *ctx, const ks_line *ln, ks_str l, ks_buf *scratch, ks_err *err);

typedef struct ac_loop {
    ks_parse_ctx *ctx;
    line_fn fn;
    ks_buf scratch;
} ac_loop;

static int ac_line(void *arg, const ks_line *ln, ks_str l, ks_err *err)
{
    ac_loop *a = arg;
    return a->fn(a->ctx, ln, l, &a->scratch, err);
}

static int each_line(ks_parse_ctx *ctx, line_fn fn, ks_err *err)
{
    ac_loop a = {ctx, fn, {0}};
    ks_buf_init(&a.scratch, AC_MAX_LINE * 2 + 256);
    int rc = ks_hc_each_line(ctx, AC_MAX_LINE, "#", ac_line, &a, err);
    ks_buf_free(&a.scratch);
    return rc;
}

/* ---- passwd ------------------------------------------------------------------------- */
static bool login_shell(ks_str sh)
{
    static const char *const no[] = {"/usr/sbin/nologin", "/sbin/nologin", "/bin/false",
                                     "/usr/bin/false", "/bin/sync", "/sbin/halt",
                                     "/sbin/shutdown", "/usr/bin/nologin", "/bin/nologin", NULL};
    if (!sh.n)
        return true; /* login(1): an empty shell means /bin/sh */
    for (const char *const *p = no; *p; p++)
        if (ks_str_eq(sh, *p))
            return false;
    return true;
}

static int passwd_line(ks_parse_ctx *ctx, const ks_line *ln, ks_str l, ks_buf *sc, ks_err *err)
{
    ks_str f[AC_MAX_FIELDS];
    size_t nf = split_colon(l, f, AC_MAX_FIELDS);
    int64_t uid, gid;
    if (l.p[0] == '+' || l.p[0] == '-') /* NIS compat entries: keep as rows, no ids */
        uid = gid = -1;
    else if (nf != 7 || !f[0].n || ks_hc_num(f[2].p, f[2].n, &uid) || ks_hc_num(f[3].p, f[3].n, &gid))
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset,
                             "not a passwd line (name:pw:uid:gid:gecos:home:shell)", ln->p, ln->n, err);
    ks_val v[P_NCOLS];
    for (int i = 0; i < P_NCOLS; i++)
        v[i] = ks_v_null();
    ks_str sh = nf >= 7 ? f[6] : KS_STR_NULL;
    bool login = login_shell(sh);
    const char *pwk = "x";
    ks_str pw = nf > 1 ? f[1] : KS_STR_NULL;
    if (!ks_str_eq(pw, "x")) {
        pwk = pw.n == 0 ? "empty (no password)" : (pw.p[0] == '*' || pw.p[0] == '!') ? "locked" : "hash in passwd";
    }
    ks_buf_reset(sc);
    if (uid == 0 && !ks_str_eq(f[0], "root"))
        ks_buf_puts(sc, "uid 0 not root; ");
    if (uid > 0 && uid < 1000 && login && nf == 7)
        ks_buf_puts(sc, "service account with a login shell; ");
    if (strcmp(pwk, "x") && strcmp(pwk, "locked"))
        ks_buf_printf(sc, "%s; ", pwk);
    if (sc->len >= 2)
        sc->len -= 2;
    v[P_NAME] = ks_v_text(f[0]);
    if (uid >= 0) {
        v[P_UID] = ks_v_int(uid);
        v[P_GID] = ks_v_int(gid);
    }
    if (nf >= 7) {
        v[P_GECOS] = ks_v_text(f[4]);
        v[P_HOME] = ks_v_text(f[5]);
        v[P_SHELL] = ks_v_text(sh);
        v[P_LOGIN] = ks_v_int(login);
    }
    v[P_PASSWORD] = ks_v_text(ks_str_c(pwk));
    if (sc->len)
        v[P_FLAG] = ks_v_text((ks_str){sc->data, sc->len});
    /* the raw line, with the password field masked (a hash may sit there) */
    char masked[AC_MAX_LINE + 64];
    size_t mn = 0;
    if (nf >= 2) {
        mn = (size_t)snprintf(masked, sizeof masked, "%.*s:%s", (int)f[0].n, f[0].p,
                              ks_str_eq(pw, "x") ? "x" : "<masked>");
        size_t rest = (size_t)(f[1].p + f[1].n - l.p);
        if (mn < sizeof masked && l.n - rest < sizeof masked - mn) {
            memcpy(masked + mn, l.p + rest, l.n - rest);
            mn += l.n - rest;
        }
    }
    ks_event ev;
    ks_hc_event_init(&ev, ctx, ln->lineno, ln->offset);
    ev.actor = f[0];
    ev.action = KS_STR_LIT("account");
    ev.target = sh;
    ev.message = v[P_FLAG].s;
    ev.raw = (ks_str){masked, mn};
    return ks_sink_event(ctx->sink, &ev, &ks_table_passwd, v, err);
}

static int passwd_sniff(const uint8_t *h, size_t n, const char *name)
{
    if (!ks_hc_text(h, n))
        return 0;
    int64_t c = colons_in_first_line(h, n);
    if (base_is(name, "passwd") && c == 6)
        return 85;
    if (n > 11 && !memcmp(h, "root:x:0:0:", 11) && c == 6)
        return 75;
    return 0;
}

static int passwd_parse(ks_parse_ctx *ctx, ks_err *err)
{
    return each_line(ctx, passwd_line, err);
}

/* ---- shadow ------------------------------------------------------------------------- */
static const char *hash_kind(ks_str h, bool *locked, bool *nopw)
{
    *locked = false;
    *nopw = false;
    while (h.n && h.p[0] == '!') {
        *locked = true;
        h.p++;
        h.n--;
    }
    if (!h.n) {
        if (*locked)
            return "none (locked)";
        *nopw = true;
        return "empty";
    }
    if (h.p[0] == '*')
        return "disabled";
    static const struct {
        const char *pfx, *kind;
    } k[] = {{"$1$", "md5"},     {"$2a$", "bcrypt"}, {"$2b$", "bcrypt"}, {"$2y$", "bcrypt"},
             {"$5$", "sha256"},  {"$6$", "sha512"},  {"$y$", "yescrypt"},
             {"$gy$", "gost-yescrypt"}, {"$7$", "scrypt"}, {"$sha1$", "sha1"},
             {"$md5", "sun-md5"}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (h.n > strlen(k[i].pfx) && !memcmp(h.p, k[i].pfx, strlen(k[i].pfx)))
            return k[i].kind;
    if (h.n == 13)
        return "des";
    return "unknown";
}

/* Copies l with the second colon field replaced by "<masked>" (the whole line when it has
 * no colon) into sc. */
static ks_str mask_line(ks_buf *sc, const char *p, size_t n)
{
    ks_buf_reset(sc);
    const char *c1 = memchr(p, ':', n);
    if (!c1) {
        ks_buf_printf(sc, "<masked %zu bytes>", n);
    } else {
        const char *c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - p));
        ks_buf_append(sc, p, (size_t)(c1 - p) + 1);
        ks_buf_puts(sc, "<masked>");
        if (c2)
            ks_buf_append(sc, c2, n - (size_t)(c2 - p));
    }
    return (ks_str){sc->data ? sc->data : "", sc->len};
}

static int days_field(ks_str f, int64_t *out)
{
    if (!f.n)
        return 1; /* empty: not set */
    return ks_hc_num(f.p, f.n, out) ? -1 : 0;
}

static int shadow_line(ks_parse_ctx *ctx, const ks_line *ln, ks_str l, ks_buf *sc, ks_err *err)
{
    ks_str f[AC_MAX_FIELDS];
    size_t nf = split_colon(l, f, AC_MAX_FIELDS);
    ks_str raw = mask_line(sc, ln->p, ln->n);
    int64_t d[7];
    int st[7] = {1, 1, 1, 1, 1, 1, 1};
    bool bad = nf < 8 || nf > 9 || !f[0].n;
    for (int i = 0; i < 6 && !bad; i++)
        if ((st[i] = days_field(f[2 + i], &d[i])) < 0)
            bad = true;
    if (bad)
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset,
                             "not a shadow line (name:hash:lastchg:min:max:warn:inactive:expire:)",
                             raw.p, raw.n, err);
    bool locked, nopw;
    const char *kind = hash_kind(f[1], &locked, &nopw);
    ks_val v[S_NCOLS];
    for (int i = 0; i < S_NCOLS; i++)
        v[i] = ks_v_null();
    v[S_NAME] = ks_v_text(f[0]);
    v[S_HASH] = ks_v_text(ks_str_c(kind));
    v[S_LOCKED] = ks_v_int(locked);
    v[S_NOPW] = ks_v_int(nopw);
    const int64_t day = 86400 * KS_NS_PER_SEC;
    int64_t changed = KS_TIME_NONE;
    if (st[0] == 0 && d[0] < INT64_MAX / day) {
        changed = d[0] * day;
        v[S_LASTCHG] = ks_v_int(changed);
    }
    for (int i = 1; i <= 4; i++)
        if (st[i] == 0)
            v[S_LASTCHG + i] = ks_v_int(d[i]);
    if (st[5] == 0 && d[5] < INT64_MAX / day)
        v[S_EXPIRE] = ks_v_int(d[5] * day);
    ks_event ev;
    ks_hc_event_init(&ev, ctx, ln->lineno, ln->offset);
    if (changed != KS_TIME_NONE && changed > 0) {
        ev.time = changed;
        ev.time_desc = "password changed";
        ev.action = KS_STR_LIT("password_changed");
    } else {
        ev.action = KS_STR_LIT("shadow_entry");
    }
    ev.actor = f[0];
    ev.target = f[0];
    ev.message = ks_str_c(kind);
    ev.raw = raw;
    return ks_sink_event(ctx->sink, &ev, &ks_table_shadow, v, err);
}

static int shadow_sniff(const uint8_t *h, size_t n, const char *name)
{
    if (!ks_hc_text(h, n))
        return 0;
    int64_t c = colons_in_first_line(h, n);
    if (base_is(name, "shadow") && (c == 8 || c == 7))
        return 85;
    if (n > 6 && !memcmp(h, "root:", 5) && (h[5] == '$' || h[5] == '!' || h[5] == '*') && c == 8)
        return 70;
    return 0;
}

static int shadow_parse(ks_parse_ctx *ctx, ks_err *err)
{
    return each_line(ctx, shadow_line, err);
}

/* ---- group -------------------------------------------------------------------------- */
static int group_line(ks_parse_ctx *ctx, const ks_line *ln, ks_str l, ks_buf *sc, ks_err *err)
{
    ks_str f[AC_MAX_FIELDS];
    size_t nf = split_colon(l, f, AC_MAX_FIELDS);
    int64_t gid;
    if (nf != 4 || !f[0].n || ks_hc_num(f[2].p, f[2].n, &gid))
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset,
                             "not a group line (name:pw:gid:members)", ln->p, ln->n, err);
    static const char *const priv[] = {"root", "sudo", "wheel", "admin", "docker", "lxd",
                                       "libvirt", "disk", "shadow", "adm", NULL};
    bool pv = false;
    for (const char *const *p = priv; *p; p++)
        pv |= ks_str_eq(f[0], *p);
    ks_val v[G_NCOLS];
    v[G_NAME] = ks_v_text(f[0]);
    v[G_GID] = ks_v_int(gid);
    v[G_MEMBERS] = ks_v_text(f[3]);
    v[G_PRIV] = ks_v_int(pv);
    ks_event ev;
    ks_hc_event_init(&ev, ctx, ln->lineno, ln->offset);
    ev.action = pv && f[3].n ? KS_STR_LIT("privileged_group") : KS_STR_LIT("group");
    ev.target = f[0];
    ev.actor = f[3];
    ev.raw = mask_line(sc, ln->p, ln->n);
    return ks_sink_event(ctx->sink, &ev, &ks_table_group, v, err);
}

static int group_sniff(const uint8_t *h, size_t n, const char *name)
{
    if (!ks_hc_text(h, n))
        return 0;
    int64_t c = colons_in_first_line(h, n);
    if (base_is(name, "group") && c == 3)
        return 85;
    if (n > 9 && !memcmp(h, "root:x:0:", 9) && c == 3)
        return 70;
    return 0;
}

static int group_parse(ks_parse_ctx *ctx, ks_err *err)
{
    return each_line(ctx, group_line, err);
}

/* ---- sudoers ------------------------------------------------------------------------ */
static bool word_pfx(ks_str l, const char *w)
{
    size_t k = strlen(w);
    return l.n >= k && !memcmp(l.p, w, k) && (l.n == k || l.p[k] == ' ' || l.p[k] == '\t' ||
                                               l.p[k] == ':' || l.p[k] == '!' || l.p[k] == '@' ||
                                               l.p[k] == '>');
}

static int sudo_emit(ks_parse_ctx *ctx, int64_t line, int64_t off, ks_str l, ks_err *err)
{
    ks_val v[U_NCOLS];
    for (int i = 0; i < U_NCOLS; i++)
        v[i] = ks_v_null();
    ks_event ev;
    ks_hc_event_init(&ev, ctx, line, off);
    ev.raw = l;
    static const char *const aliases[] = {"User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias", "Cmd_Alias", NULL};
    size_t i = 0;
    while (i < l.n && l.p[i] != ' ' && l.p[i] != '\t')
        i++;
    ks_str first = {l.p, i};
    ks_str rest = ks_hc_trim((ks_str){l.p + i, l.n - i});
    const char *kind = NULL;
    if (word_pfx(l, "#include") || word_pfx(l, "#includedir") || word_pfx(l, "@include") ||
        word_pfx(l, "@includedir")) {
        kind = "include";
        v[U_PRINCIPAL] = ks_v_text(rest);
        ev.target = rest;
    } else if (word_pfx(l, "Defaults")) {
        kind = "defaults";
        v[U_PRINCIPAL] = ks_v_text(first);
        v[U_COMMANDS] = ks_v_text(rest);
        ev.target = rest;
    } else {
        for (const char *const *a = aliases; *a && !kind; a++)
            if (word_pfx(l, *a)) {
                kind = "alias";
                const char *eq = memchr(rest.p, '=', rest.n);
                ks_str name = eq ? ks_hc_trim((ks_str){rest.p, (size_t)(eq - rest.p)}) : rest;
                v[U_PRINCIPAL] = ks_v_text(name);
                v[U_HOSTS] = ks_v_text(first); /* the alias type */
                v[U_COMMANDS] = ks_v_text(eq ? ks_hc_trim((ks_str){eq + 1, rest.n - (size_t)(eq + 1 - rest.p)}) : KS_STR_NULL);
                ev.target = v[U_COMMANDS].s;
            }
    }
    if (!kind) {
        const char *eq = memchr(rest.p, '=', rest.n);
        if (!first.n || !eq)
            return ks_sink_error(ctx->sink, line, off, "not a sudoers rule (WHO HOSTS = COMMANDS)",
                                 l.p, l.n, err);
        kind = "rule";
        ks_str hosts = ks_hc_trim((ks_str){rest.p, (size_t)(eq - rest.p)});
        ks_str r = ks_hc_trim((ks_str){eq + 1, rest.n - (size_t)(eq + 1 - rest.p)});
        ks_str runas = KS_STR_NULL;
        if (r.n && r.p[0] == '(') {
            const char *cp = memchr(r.p, ')', r.n);
            if (cp) {
                runas = (ks_str){r.p + 1, (size_t)(cp - r.p - 1)};
                r = ks_hc_trim((ks_str){cp + 1, r.n - (size_t)(cp + 1 - r.p)});
            }
        }
        /* TAG: TAG: ... — upper-case words followed by ':' */
        size_t t = 0;
        for (int guard = 0; guard < 16; guard++) {
            size_t j = t;
            while (j < r.n && ((r.p[j] >= 'A' && r.p[j] <= 'Z') || r.p[j] == '_'))
                j++;
            if (j == t || j >= r.n || r.p[j] != ':')
                break;
            t = j + 1;
            while (t < r.n && (r.p[t] == ' ' || r.p[t] == '\t'))
                t++;
        }
        ks_str tags = ks_hc_trim((ks_str){r.p, t});
        ks_str cmds = ks_hc_trim((ks_str){r.p + t, r.n - t});
        v[U_PRINCIPAL] = ks_v_text(first);
        v[U_HOSTS] = ks_v_text(hosts);
        v[U_RUNAS] = ks_v_text(runas);
        v[U_TAGS] = ks_v_text(tags);
        v[U_COMMANDS] = ks_v_text(cmds);
        v[U_NOPASSWD] = ks_v_int(memmem(r.p, r.n, "NOPASSWD:", 9) != NULL);
        v[U_ALL] = ks_v_int(ks_str_eq(cmds, "ALL"));
        ev.actor = first;
        ev.target = cmds;
        ev.message = tags;
    }
    v[U_KIND] = ks_v_text(ks_str_c(kind));
    ev.action = !strcmp(kind, "rule") ? KS_STR_LIT("sudoers_rule") : !strcmp(kind, "defaults") ? KS_STR_LIT("sudoers_defaults")
              : !strcmp(kind, "alias") ? KS_STR_LIT("sudoers_alias") : KS_STR_LIT("sudoers_include");
    return ks_sink_event(ctx->sink, &ev, &ks_table_sudoers, v, err);
}

static int sudoers_sniff(const uint8_t *h, size_t n, const char *name)
{
    if (!ks_hc_text(h, n))
        return 0;
    if (base_is(name, "sudoers") || strstr(ks_hc_inner(name), "/sudoers.d/"))
        return 85;
    if (ks_sniff_has(h, n, "\nDefaults") && ks_sniff_has(h, n, "ALL"))
        return 60;
    return 0;
}

/* sudoers: a line ending in '\\' continues on the next; the entry is the lines joined. */
typedef struct sd_loop {
    ks_parse_ctx *ctx;
    ks_buf acc;            /* the entry so far */
    int64_t line, off;     /* of its first line */
    bool pending;          /* the last line ended in '\\' */
} sd_loop;

static int sudoers_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    sd_loop *u = arg;
    ks_parse_ctx *ctx = u->ctx;
    ks_str l = ks_hc_trim((ks_str){ln->p, n});
    if (!u->pending) {
        if (!l.n)
            return 0;
        bool directive = word_pfx(l, "#include") || word_pfx(l, "#includedir") ||
                         (l.n > 1 && l.p[0] == '#' && l.p[1] >= '0' && l.p[1] <= '9');
        if (l.p[0] == '#' && !directive)
            return 0;
        ks_buf_reset(&u->acc);
        u->line = ln->lineno;
        u->off = ln->offset;
    }
    bool cont = l.n && l.p[l.n - 1] == '\\';
    if (cont)
        l.n--;
    if ((u->pending && ks_buf_putc(&u->acc, ' ')) || ks_buf_append(&u->acc, l.p, l.n))
        ks_sink_warn(ctx->sink, u->line, u->off, "sudoers entry longer than 64 KiB: cut");
    u->pending = cont;
    if (cont)
        return 0;
    return sudo_emit(ctx, u->line, u->off, ks_hc_trim((ks_str){u->acc.data, u->acc.len}), err);
}

/* ks_lineloop_finish's view of flush */
static int sudo_flush_held(void *arg, ks_err *err)
{
    sd_loop *u = arg;
    return u->pending ? sudo_emit(u->ctx, u->line, u->off,
                                  ks_hc_trim((ks_str){u->acc.data, u->acc.len}), err)
                      : 0;
}

static int sudoers_parse(ks_parse_ctx *ctx, ks_err *err)
{
    sd_loop u = {.ctx = ctx};
    ks_buf_init(&u.acc, AC_MAX_LINE);
    int rc = 0;
    bool failed = false;
    rc = ks_lineloop_ex(ctx->in, AC_MAX_LINE, KS_LL_TRIM_WS, sudoers_line, &u, &failed, err);
    rc = ks_lineloop_finish(rc, failed, ctx->sink, u.pending, u.line,
                            u.off, sudo_flush_held, &u, err);
    ks_buf_free(&u.acc);
    return rc;
}

const ks_parser ks_parser_passwd = {
    "passwd", "/etc/passwd accounts (uid 0 and service accounts with login shells flagged)",
    (const ks_table_def *const[]){&ks_table_passwd, NULL}, passwd_sniff, passwd_parse};
const ks_parser ks_parser_shadow = {
    "shadow", "/etc/shadow: hash kind (never the hash), last change, ageing and expiry",
    (const ks_table_def *const[]){&ks_table_shadow, NULL}, shadow_sniff, shadow_parse};
const ks_parser ks_parser_group = {
    "unix_group", "/etc/group: members, privileged groups (sudo wheel docker ...) flagged",
    (const ks_table_def *const[]){&ks_table_group, NULL}, group_sniff, group_parse};
const ks_parser ks_parser_sudoers = {
    "sudoers", "sudoers and sudoers.d: rules (NOPASSWD flagged), Defaults, aliases, includes",
    (const ks_table_def *const[]){&ks_table_sudoers, NULL}, sudoers_sniff, sudoers_parse};
