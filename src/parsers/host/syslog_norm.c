/* syslog_norm.c — what authentication and account lines in syslog say, as columns of the
 * `syslog` table and as the normalised action vocabulary of docs/formats.md ("Linux host
 * logs"): sshd, pam, sudo, su, login, useradd & co, cron, systemd, systemd-logind, and
 * "last message repeated". Message texts are those of OpenSSH, Linux-PAM, sudo, shadow-utils,
 * util-linux login, cron/cronie and systemd; anything else is left to the caller. */
#include "parsers/host/syslog_int.h"

#include "core/net.h"

static void set(sl_norm *n, int col, ks_str s)
{
    if (s.p)
        n->v[col] = ks_v_text(s);
}

static void set_int(sl_norm *n, int col, ks_str s)
{
    int64_t x;
    if (!sl_num(s, &x))
        n->v[col] = ks_v_int(x);
}

/* An address or host name: src_ip when it parses as an address, else src_host. */
static void set_remote(sl_norm *n, ks_str a)
{
    a = sl_trim(a);
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
    ptrdiff_t f = with_from ? sl_rfind(s, " from ") : -1;
    ks_str user, rest;
    if (with_from) {
        if (f < 0) {
            user = sl_trim(s);
            set(n, C_USER, user);
            return;
        }
        user = sl_sub(s, 0, (size_t)f);
        rest = sl_sub(s, (size_t)f + 6, s.n);
    } else {
        /* "USER ADDR port N": the address is the word before " port " */
        ptrdiff_t pp = sl_rfind(s, " port ");
        if (pp < 0) {
            ptrdiff_t sp = sl_rfind(sl_trim(s), " ");
            if (sp < 0)
                return;
            set(n, C_USER, sl_sub(s, 0, (size_t)sp));
            set_remote(n, sl_sub(sl_trim(s), (size_t)sp + 1, sl_trim(s).n));
            return;
        }
        ks_str head = sl_sub(s, 0, (size_t)pp);
        ptrdiff_t sp = sl_rfind(head, " ");
        if (sp < 0) {
            set_remote(n, head);
            rest = sl_sub(s, (size_t)pp + 1, s.n);
            goto port;
        }
        user = sl_sub(head, 0, (size_t)sp);
        set(n, C_USER, user);
        n->actor = user;
        set_remote(n, sl_sub(head, (size_t)sp + 1, head.n));
        rest = sl_sub(s, (size_t)pp + 1, s.n);
        goto port;
    }
    set(n, C_USER, user);
    n->actor = user;
    {
        ks_str a = sl_word(rest, 0);
        set_remote(n, a);
        rest = sl_sub(rest, a.n, rest.n);
        while (rest.n && rest.p[0] == ' ')
            rest = sl_sub(rest, 1, rest.n);
    }
port:
    if (sl_starts(rest, "port ")) {
        ks_str p = sl_word(rest, 5);
        while (p.n && !sl_dig(p.p[p.n - 1]))
            p.n--; /* "port 22:11:" */
        ks_str pd = p;
        size_t k = 0;
        while (k < pd.n && sl_dig(pd.p[k]))
            k++;
        set_int(n, C_SRC_PORT, sl_sub(pd, 0, k));
    }
}

static ks_str strip_prefix_users(ks_str s)
{
    if (sl_starts(s, "invalid user "))
        return sl_sub(s, 13, s.n);
    if (sl_starts(s, "authenticating user "))
        return sl_sub(s, 20, s.n);
    if (sl_starts(s, "user "))
        return sl_sub(s, 5, s.n);
    if (sl_starts(s, "illegal user "))
        return sl_sub(s, 13, s.n);
    return s;
}

/* "invalid user U" / "illegal user U" -> "U" (where the word "user" may be the name itself:
 * "Failed password for user from ..."). */
static ks_str strip_invalid(ks_str s)
{
    if (sl_starts(s, "invalid user ") || sl_starts(s, "illegal user "))
        return sl_sub(s, 13, s.n);
    return s;
}

/* The digits at the start of s ("44105:" -> 44105) into C_SRC_PORT. */
static void set_port(sl_norm *n, ks_str s)
{
    size_t k = 0;
    while (k < s.n && sl_dig(s.p[k]))
        k++;
    set_int(n, C_SRC_PORT, sl_sub(s, 0, k));
}

/* "ADDR port N[: reason]" (the words after "with", "from", "for"). */
static void addr_port(sl_norm *n, ks_str rest)
{
    ks_str a = sl_word(rest, 0);
    while (a.n && (a.p[a.n - 1] == ':' || a.p[a.n - 1] == ','))
        a.n--;
    set_remote(n, a);
    ks_str r2 = sl_trim(sl_sub(rest, sl_word(rest, 0).n, rest.n));
    if (sl_starts(r2, "port "))
        set_port(n, sl_sub(r2, 5, r2.n));
    ptrdiff_t c = sl_find(r2, 0, ": ");
    if (c >= 0)
        set(n, C_REASON, sl_trim(sl_sub(r2, (size_t)c + 2, r2.n)));
}

static bool norm_sshd(sl_norm *n, ks_str m)
{
    if (sl_ends(m, " [preauth]"))
        m.n -= 10;
    m = sl_trim(m);
    if (sl_starts(m, "[ID ")) { /* Solaris: "[ID 800047 auth.info] Failed ..." */
        ptrdiff_t e = sl_find(m, 0, "] ");
        if (e > 0)
            m = sl_trim(sl_sub(m, (size_t)e + 2, m.n));
    }
    if (sl_starts(m, "error: ") || sl_starts(m, "fatal: "))
        m = sl_trim(sl_sub(m, 7, m.n));
    if (sl_starts(m, "banner exchange: ") || sl_starts(m, "ssh_dispatch_run_fatal: "))
        m = sl_trim(sl_sub(m, (size_t)sl_find(m, 0, ": ") + 2, m.n));
    if (sl_starts(m, "Accepted ") || sl_starts(m, "Failed ") || sl_starts(m, "Postponed ")) {
        bool ok = sl_starts(m, "Accepted ");
        if (sl_starts(m, "Postponed "))
            return false;
        ks_str meth = sl_word(m, ok ? 9 : 7);
        set(n, C_METHOD, meth);
        ks_str rest = sl_sub(m, (ok ? 9 : 7) + meth.n, m.n);
        if (!sl_starts(rest, " for "))
            return false;
        rest = sl_sub(rest, 5, rest.n);
        /* key fingerprint after "ssh2: " */
        ptrdiff_t fp = sl_find(rest, 0, ": ");
        if (fp > 0) {
            set(n, C_FINGERPRINT, sl_trim(sl_sub(rest, (size_t)fp + 2, rest.n)));
            rest.n = (size_t)fp;
        }
        bool invalid = sl_starts(rest, "invalid user ") || sl_starts(rest, "illegal user ");
        user_from(n, strip_invalid(rest), true);
        n->action = ok ? KS_STR_LIT("ssh_login") : KS_STR_LIT("ssh_login_failed");
        n->outcome = ok ? KS_STR_LIT("success") : KS_STR_LIT("failure");
        if (invalid)
            set(n, C_REASON, KS_STR_LIT("invalid user"));
        return true;
    }
    if (sl_starts(m, "Invalid user ") || sl_starts(m, "input_userauth_request: invalid user ")) {
        ks_str rest = sl_sub(m, sl_starts(m, "Invalid") ? 13 : 37, m.n);
        user_from(n, rest, true);
        n->action = KS_STR_LIT("ssh_invalid_user");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    ptrdiff_t il = sl_find(m, 0, " for illegal user ");
    if (il >= 0) {
        user_from(n, sl_sub(m, (size_t)il + 18, m.n), true);
        n->action = KS_STR_LIT("ssh_invalid_user");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (sl_starts(m, "maximum authentication attempts exceeded for ")) {
        user_from(n, strip_invalid(sl_sub(m, 45, m.n)), true);
        n->action = KS_STR_LIT("ssh_max_attempts");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (sl_starts(m, "Disconnecting: Too many authentication failures")) {
        ptrdiff_t f = sl_find(m, 0, " for ");
        if (f > 0)
            set(n, C_USER, strip_prefix_users(sl_trim(sl_sub(m, (size_t)f + 5, m.n))));
        n->actor = n->v[C_USER].s;
        n->action = KS_STR_LIT("ssh_max_attempts");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (sl_starts(m, "Disconnecting ") && sl_find(m, 0, " user ") > 0) {
        /* "Disconnecting (authenticating|invalid) user U ADDR port N: reason" */
        ptrdiff_t c = sl_find(m, 0, ": ");
        if (c <= 0)
            return false;
        user_from(n, strip_prefix_users(sl_sub(m, 14, (size_t)c)), false);
        set(n, C_REASON, sl_trim(sl_sub(m, (size_t)c + 2, m.n)));
        bool many = sl_find(m, 0, "Too many authentication failures") > 0;
        n->action = many ? KS_STR_LIT("ssh_max_attempts") : KS_STR_LIT("ssh_disconnect");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (sl_starts(m, "PAM: ") && (sl_find(m, 0, "uthentication failure for ") > 0 ||
                                  sl_find(m, 0, "uthentication error for ") > 0)) {
        /* "PAM: Authentication failure for U from H[ via LOCAL]" (macOS, older OpenSSH) */
        ptrdiff_t f = sl_find(m, 0, " for ");
        ks_str rest = sl_sub(m, (size_t)f + 5, m.n);
        ptrdiff_t via = sl_find(rest, 0, " via ");
        if (via > 0)
            rest.n = (size_t)via;
        user_from(n, strip_invalid(rest), true);
        n->action = KS_STR_LIT("auth_failure");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (sl_starts(m, "ROOT LOGIN REFUSED FROM ")) {
        set(n, C_USER, KS_STR_LIT("root"));
        n->actor = KS_STR_LIT("root");
        addr_port(n, sl_sub(m, 24, m.n));
        set(n, C_REASON, KS_STR_LIT("root login refused"));
        n->action = KS_STR_LIT("ssh_login_failed");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (sl_starts(m, "User ") && sl_find(m, 0, " not allowed because ") > 0) {
        /* "User U from H not allowed because not listed in AllowUsers" */
        ptrdiff_t na = sl_find(m, 0, " not allowed because ");
        ks_str head = sl_sub(m, 5, (size_t)na);
        user_from(n, head, true);
        set(n, C_REASON, sl_sub(m, (size_t)na + 1, m.n));
        n->action = KS_STR_LIT("ssh_login_failed");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (sl_starts(m, "Unable to negotiate with ")) {
        addr_port(n, sl_sub(m, 25, m.n));
        n->action = KS_STR_LIT("ssh_negotiation_failed");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    if (sl_starts(m, "Timeout before authentication for ")) {
        ks_str rest = sl_sub(m, 34, m.n);
        if (sl_starts(rest, "connection from "))
            rest = sl_sub(rest, 16, rest.n);
        addr_port(n, rest);
        set(n, C_REASON, KS_STR_LIT("timeout before authentication"));
        n->action = KS_STR_LIT("ssh_disconnect");
        return true;
    }
    if (sl_starts(m, "Bad protocol version identification ")) {
        ptrdiff_t f = sl_rfind(m, " from ");
        if (f > 0)
            addr_port(n, sl_sub(m, (size_t)f + 6, m.n));
        n->action = KS_STR_LIT("ssh_no_identification");
        return true;
    }
    if (sl_starts(m, "Disconnected from ") || sl_starts(m, "Connection closed by ") ||
        sl_starts(m, "Connection reset by ")) {
        /* the three prefixes are 18, 21 and 20 bytes long */
        ks_str rest = sl_sub(m, sl_starts(m, "Dis") ? 18 : sl_starts(m, "Connection closed") ? 21 : 20, m.n);
        if (sl_starts(rest, "user ") || sl_starts(rest, "invalid user ") ||
            sl_starts(rest, "authenticating user ")) {
            if (sl_starts(rest, "invalid user "))
                set(n, C_REASON, KS_STR_LIT("invalid user"));
            else if (sl_starts(rest, "authenticating user "))
                set(n, C_REASON, KS_STR_LIT("during authentication"));
            user_from(n, strip_prefix_users(rest), false);
        } else {
            ks_str a = sl_word(rest, 0);
            set_remote(n, a);
            ks_str r2 = sl_trim(sl_sub(rest, a.n, rest.n));
            if (sl_starts(r2, "port "))
                user_from(n, rest, false), n->v[C_USER] = ks_v_null(), n->actor = KS_STR_NULL;
        }
        n->action = KS_STR_LIT("ssh_disconnect");
        return true;
    }
    if (sl_starts(m, "Received disconnect from ")) {
        addr_port(n, sl_sub(m, 25, m.n));
        n->action = KS_STR_LIT("ssh_disconnect");
        return true;
    }
    if (sl_starts(m, "Connection from ")) {
        addr_port(n, sl_sub(m, 16, m.n));
        n->action = KS_STR_LIT("ssh_connection");
        return true;
    }
    if (sl_starts(m, "Did not receive identification string from ")) {
        addr_port(n, sl_sub(m, 43, m.n));
        n->action = KS_STR_LIT("ssh_no_identification");
        return true;
    }
    return false;
}

/* "pam_unix(SERVICE:TYPE): ..." and other pam modules' lines, any program. */
static bool norm_pam(sl_norm *n, ks_str m)
{
    /* "pam_unix(SERVICE:TYPE): ", old Linux-PAM "(pam_unix) ", and "pam_unix: " */
    ptrdiff_t lp = sl_find(m, 0, "(");
    ptrdiff_t rp = sl_find(m, 0, "): ");
    ptrdiff_t sp = sl_find(m, 0, " ");
    if (sl_starts(m, "pam_") && lp > 0 && rp > lp && (sp < 0 || sp > rp)) {
        ks_str inner = sl_sub(m, (size_t)lp + 1, (size_t)rp);
        ptrdiff_t c = sl_find(inner, 0, ":");
        if (c > 0)
            set(n, C_SERVICE, sl_sub(inner, 0, (size_t)c));
        m = sl_sub(m, (size_t)rp + 3, m.n);
    } else if (sl_starts(m, "(pam_")) {
        ptrdiff_t e = sl_find(m, 0, ") ");
        if (e > 0)
            m = sl_sub(m, (size_t)e + 2, m.n);
    } else if (sl_starts(m, "pam_")) {
        ptrdiff_t c = sl_find(m, 0, ": ");
        if (c > 0 && (sp < 0 || sp > c))
            m = sl_sub(m, (size_t)c + 2, m.n);
    }
    if (sl_starts(m, "session opened for user ") || sl_starts(m, "session closed for user ")) {
        bool open = m.p[8] == 'o';
        ks_str rest = sl_sub(m, 24, m.n);
        ptrdiff_t by = sl_find(rest, 0, " by ");
        ks_str user = by >= 0 ? sl_sub(rest, 0, (size_t)by) : sl_trim(rest);
        ptrdiff_t up = sl_find(user, 0, "(uid=");
        if (up > 0) {
            ks_str uid = sl_sub(user, (size_t)up + 5, user.n);
            if (sl_ends(uid, ")"))
                uid.n--;
            set_int(n, C_UID, uid);
            user.n = (size_t)up;
        }
        set(n, C_USER, user);
        n->actor = user;
        if (by >= 0) {
            ks_str b = sl_trim(sl_sub(rest, (size_t)by + 4, rest.n));
            ptrdiff_t bp = sl_find(b, 0, "(");
            if (bp >= 0)
                b.n = (size_t)bp;
            if (b.n)
                set(n, C_BY_USER, b);
        }
        n->action = open ? KS_STR_LIT("session_open") : KS_STR_LIT("session_close");
        return true;
    }
    if (sl_starts(m, "authentication failure;") || (sl_starts(m, "PAM ") &&
                                                  sl_find(m, 0, "more authentication failure") > 0)) {
        /* "logname= uid=0 euid=0 tty=ssh ruser=R rhost=1.2.3.4  user=U": R and U are the
         * client's words and may hold "rhost=..." themselves, so the address is the last
         * rhost= before the first " user=" (or the last one when there is no user) */
        ptrdiff_t us = sl_find(m, 0, " user=");
        ks_str upto = us >= 0 ? sl_sub(m, 0, (size_t)us) : m;
        ptrdiff_t rh = sl_rfind(upto, "rhost=");
        if (rh < 0)
            rh = sl_rfind(m, "rhost=");
        if (rh >= 0)
            set_remote(n, sl_word(m, (size_t)rh + 6));
        if (us >= 0) {
            ks_str u = sl_word(m, (size_t)us + 6);
            if (u.n) {
                set(n, C_USER, u);
                n->actor = u;
            }
        }
        n->action = KS_STR_LIT("auth_failure");
        n->outcome = KS_STR_LIT("failure");
        return true;
    }
    ptrdiff_t pc = sl_find(m, 0, "password changed for ");
    if (pc >= 0) {
        ks_str u = sl_trim(sl_sub(m, (size_t)pc + 21, m.n));
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
    ks_str t = sl_ltrim(m); /* the command keeps its trailing blanks (sudo cuts long ones) */
    ptrdiff_t c = sl_find(t, 0, " : ");
    if (c <= 0 || sl_find(t, 0, "COMMAND=") < 0)
        return false;
    ks_str user = sl_trim(sl_sub(t, 0, (size_t)c));
    set(n, C_USER, user);
    n->actor = user;
    ks_str rest = sl_sub(t, (size_t)c + 3, t.n);
    ptrdiff_t cmd = sl_find(rest, 0, "COMMAND=");
    if (cmd < 0)
        return false;
    ks_str command = sl_sub(rest, (size_t)cmd + 8, rest.n);
    ks_str pre = sl_sub(rest, 0, (size_t)cmd);
    /* ';'-separated KEY=value items before COMMAND; an item without '=' is the reason */
    for (size_t k = 0, guard = 0; k < pre.n && guard < 64; guard++) {
        ptrdiff_t sc = sl_find(pre, k, " ;");
        size_t e = sc >= 0 ? (size_t)sc : pre.n;
        ks_str it = sl_trim(sl_sub(pre, k, e));
        if (sl_starts(it, "TTY="))
            set(n, C_TTY, sl_sub(it, 4, it.n));
        else if (sl_starts(it, "PWD="))
            set(n, C_PWD, sl_sub(it, 4, it.n));
        else if (sl_starts(it, "USER="))
            set(n, C_TARGET_USER, sl_sub(it, 5, it.n));
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
    m = sl_trim(m);
    if (sl_starts(m, "(to ")) { /* "(to root) alice on pts/0" */
        ptrdiff_t rp = sl_find(m, 0, ") ");
        if (rp < 0)
            return false;
        set(n, C_TARGET_USER, sl_sub(m, 4, (size_t)rp));
        ks_str rest = sl_sub(m, (size_t)rp + 2, m.n);
        ptrdiff_t on = sl_find(rest, 0, " on ");
        ks_str u = on >= 0 ? sl_sub(rest, 0, (size_t)on) : rest;
        set(n, C_USER, u);
        n->actor = u;
        if (on >= 0)
            set(n, C_TTY, sl_sub(rest, (size_t)on + 4, rest.n));
        n->target = n->v[C_TARGET_USER].s;
        n->action = KS_STR_LIT("su");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (sl_starts(m, "Successful su for ") || sl_starts(m, "FAILED su for ") ||
        sl_starts(m, "FAILED SU (to ")) {
        bool ok = m.p[0] == 'S';
        ks_str rest = sl_sub(m, ok ? 18 : 14, m.n);
        ptrdiff_t by = sl_find(rest, 0, " by ");
        if (sl_starts(m, "FAILED SU (to ")) {
            ptrdiff_t rp = sl_find(rest, 0, ") ");
            if (rp < 0)
                return false;
            set(n, C_TARGET_USER, sl_sub(rest, 0, (size_t)rp));
            ks_str u = sl_word(rest, (size_t)rp + 2);
            set(n, C_USER, u);
        } else if (by >= 0) {
            set(n, C_TARGET_USER, sl_sub(rest, 0, (size_t)by));
            set(n, C_USER, sl_trim(sl_sub(rest, (size_t)by + 4, rest.n)));
        } else {
            return false;
        }
        n->actor = n->v[C_USER].s;
        n->target = n->v[C_TARGET_USER].s;
        n->action = KS_STR_LIT("su");
        n->outcome = ok ? KS_STR_LIT("success") : KS_STR_LIT("failure");
        return true;
    }
    if ((sl_starts(m, "+ ") || sl_starts(m, "- ")) && sl_find(m, 0, ":") > 0) { /* "+ pts/0 alice:root" */
        ks_str tty = sl_word(m, 2);
        ks_str ut = sl_word(m, 2 + tty.n + 1);
        ptrdiff_t c = sl_find(ut, 0, ":");
        if (!tty.n || c <= 0)
            return false;
        set(n, C_TTY, tty);
        set(n, C_USER, sl_sub(ut, 0, (size_t)c));
        set(n, C_TARGET_USER, sl_sub(ut, (size_t)c + 1, ut.n));
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
        ptrdiff_t c = sl_find(s, k, ", ");
        size_t e = c >= 0 ? (size_t)c : s.n;
        ks_str it = sl_trim(sl_sub(s, k, e));
        if (sl_starts(it, "name="))
            set(n, C_USER, sl_sub(it, 5, it.n));
        else if (sl_starts(it, "UID="))
            set_int(n, C_UID, sl_sub(it, 4, it.n));
        else if (sl_starts(it, "GID="))
            set_int(n, C_GID, sl_sub(it, 4, it.n));
        else if (sl_starts(it, "home="))
            set(n, C_HOME, sl_sub(it, 5, it.n));
        else if (sl_starts(it, "shell="))
            set(n, C_SHELL, sl_sub(it, 6, it.n));
        k = e + 2;
    }
}

/* The text between the first pair of single quotes from `from`, or NULL. */
static ks_str quoted(ks_str s, size_t from, size_t *after)
{
    ptrdiff_t a = sl_find(s, from, "'");
    if (a < 0)
        return KS_STR_NULL;
    ptrdiff_t b = sl_find(s, (size_t)a + 1, "'");
    if (b < 0)
        return KS_STR_NULL;
    if (after)
        *after = (size_t)b + 1;
    return sl_sub(s, (size_t)a + 1, (size_t)b);
}

static bool norm_account(sl_norm *n, ks_str prog, ks_str m)
{
    m = sl_trim(m);
    if (sl_starts(m, "new user: ")) {
        kv_commas(n, sl_sub(m, 10, m.n));
        n->target = n->v[C_USER].s;
        n->action = KS_STR_LIT("user_add");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (sl_starts(m, "new group: ")) {
        kv_commas(n, sl_sub(m, 11, m.n));
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
    if (sl_starts(m, "delete user ")) {
        ks_str u = quoted(m, 12, NULL);
        set(n, C_USER, u);
        n->target = u;
        n->action = KS_STR_LIT("user_delete");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (sl_starts(m, "removed group ") || (sl_starts(m, "group ") && sl_ends(m, " removed")) ||
        (sl_starts(m, "group ") && sl_find(m, 0, "' removed") > 0)) {
        ks_str g = quoted(m, 0, NULL);
        set(n, C_GROUP, g);
        n->target = g;
        n->action = KS_STR_LIT("group_delete");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (sl_starts(m, "add ") || sl_starts(m, "delete ")) { /* "add 'bob' to group 'sudo'" */
        ks_str u = quoted(m, 0, &after);
        ks_str g = quoted(m, after, NULL);
        if (!u.p || !g.p || sl_find(m, 0, " group ") < 0)
            return false;
        set(n, C_USER, u);
        set(n, C_GROUP, g);
        n->target = u;
        n->action = KS_STR_LIT("user_modify");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (sl_starts(m, "change user ") || sl_starts(m, "lock user ") || sl_starts(m, "unlock user ")) {
        ks_str u = quoted(m, 0, &after);
        set(n, C_USER, u);
        n->target = u;
        n->action = sl_ends(m, " password") ? KS_STR_LIT("password_change") : KS_STR_LIT("user_modify");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (sl_starts(m, "password for ") && sl_find(m, 0, "' changed by '") > 0) {
        /* shadow-utils passwd: "password for 'U' changed by 'B'" */
        ks_str u = quoted(m, 13, &after);
        ks_str b = quoted(m, after, NULL);
        set(n, C_USER, u);
        set(n, C_BY_USER, b);
        n->target = u;
        n->actor = b;
        n->action = KS_STR_LIT("password_change");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (sl_starts(m, "changed password expiry for ")) { /* chage */
        ks_str u = sl_sub(m, 28, m.n);
        set(n, C_USER, u);
        n->target = u;
        n->action = KS_STR_LIT("user_modify");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (sl_starts(m, "user ") && sl_find(m, 0, " added by ") > 0 && sl_find(m, 0, " to group ") > 0) {
        /* gpasswd: "user U added by B to group G" */
        ptrdiff_t ab = sl_find(m, 0, " added by "), tg = sl_find(m, 0, " to group ");
        if (tg > ab) {
            ks_str u = sl_sub(m, 5, (size_t)ab);
            set(n, C_USER, u);
            set(n, C_BY_USER, sl_sub(m, (size_t)ab + 10, (size_t)tg));
            set(n, C_GROUP, sl_sub(m, (size_t)tg + 10, m.n));
            n->target = u;
            n->actor = n->v[C_BY_USER].s;
            n->action = KS_STR_LIT("user_modify");
            n->outcome = KS_STR_LIT("success");
            return true;
        }
    }
    if (ks_str_eq(prog, "chpasswd") || ks_str_eq(prog, "passwd")) {
        ptrdiff_t pc = sl_find(m, 0, "password changed for ");
        if (pc >= 0)
            return norm_pam(n, m);
    }
    return false;
}

static bool norm_cron(sl_norm *n, ks_str m)
{
    m = sl_trim(m);
    /* "(root) CMD (command)"; crond also logs "(root) CMDOUT (...)", "(root) CMDEND (...)" */
    if (!sl_starts(m, "("))
        return false;
    ptrdiff_t rp = sl_find(m, 0, ") CMD (");
    if (rp <= 0)
        return false;
    ks_str user = sl_sub(m, 1, (size_t)rp);
    ks_str cmd = sl_sub(m, (size_t)rp + 7, m.n);
    if (sl_ends(cmd, ")"))
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
    m = sl_trim(m);
    static const struct {
        const char *pre, *action;
    } forms[] = {{"Started ", "service_start"},
                 {"Stopped ", "service_stop"},
                 {"Failed to start ", "service_failed"},
                 {NULL, NULL}};
    for (int i = 0; forms[i].pre; i++) {
        if (sl_starts(m, forms[i].pre)) {
            ks_str u = sl_sub(m, strlen(forms[i].pre), m.n);
            if (sl_ends(u, "."))
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
    m = sl_trim(m);
    if (sl_starts(m, "New session ")) {
        ptrdiff_t of = sl_find(m, 0, " of user ");
        if (of < 0)
            return false;
        ks_str u = sl_sub(m, (size_t)of + 9, m.n);
        if (sl_ends(u, "."))
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
    m = sl_trim(m);
    if (sl_starts(m, "ROOT LOGIN ON ") || sl_starts(m, "LOGIN ON ")) {
        bool root = m.p[0] == 'R';
        ks_str rest = sl_sub(m, root ? 14 : 9, m.n);
        set(n, C_TTY, sl_word(rest, 0));
        ptrdiff_t by = sl_find(rest, 0, " BY ");
        if (root)
            set(n, C_USER, KS_STR_LIT("root"));
        else if (by >= 0)
            set(n, C_USER, sl_word(rest, (size_t)by + 4));
        ptrdiff_t fr = sl_find(rest, 0, " FROM ");
        if (fr >= 0)
            set_remote(n, sl_word(rest, (size_t)fr + 6));
        n->actor = n->v[C_USER].s;
        n->action = KS_STR_LIT("login");
        n->outcome = KS_STR_LIT("success");
        return true;
    }
    if (sl_starts(m, "FAILED LOGIN ")) {
        ptrdiff_t fo = sl_find(m, 0, " FOR ");
        if (fo >= 0) {
            ks_str u = sl_word(m, (size_t)fo + 5);
            if (u.n && u.p[0] == '\'' ) {
                u = quoted(m, (size_t)fo, NULL);
            } else if (u.n && u.p[u.n - 1] == ',') {
                u.n--;
            }
            set(n, C_USER, u);
        }
        ptrdiff_t fr = sl_find(m, 0, " FROM ");
        if (fr >= 0) {
            ks_str a = sl_word(m, (size_t)fr + 6);
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
    m = sl_trim(m);
    if (sl_starts(m, "--- "))
        m = sl_sub(m, 4, m.n);
    if (sl_starts(m, "last message repeated ") || sl_starts(m, "message repeated ")) {
        ks_str w = sl_word(m, sl_starts(m, "last") ? 22 : 17);
        int64_t x;
        if (sl_num(w, &x))
            return false;
        n->v[C_REPEAT] = ks_v_int(x);
        n->action = KS_STR_LIT("message_repeated");
        return true;
    }
    return false;
}

/* Fills the auth/account columns and the event's action/actor/target/outcome. */
void ks_syslog_normalise(sl_norm *n, ks_str prog, ks_str msg)
{
    if (norm_repeat(n, msg))
        return;
    bool done = false;
    if (ks_str_eq(prog, "sshd") || sl_starts(prog, "sshd-"))
        done = norm_sshd(n, msg);
    else if (ks_str_eq(prog, "sudo"))
        done = norm_sudo(n, msg);
    else if (ks_str_eq(prog, "su"))
        done = norm_su(n, msg);
    else if (ks_str_eq(prog, "CRON") || ks_str_eq(prog, "cron") || ks_str_eq(prog, "crond") ||
             ks_str_eq(prog, "CROND") ||
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
        done = norm_pam(n, sl_trim(msg));
    (void)done;
}
