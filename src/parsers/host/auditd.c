/* auditd.c — /var/log/audit/audit.log into `events` and `auditd`.
 *
 * Record layout (auditd's RAW log_format, see auparse and audit.log(5)):
 *
 *   [node=NAME ]type=TYPE msg=audit(SECONDS.MILLIS:SERIAL): key=value key="value" ...
 *
 * Values are bare words, "double quoted" (never escaped inside), or, for the fields auditd
 * considers untrusted (proctitle, EXECVE aN, name, cmd, acct, exe, comm, cwd, key, ...),
 * hex when they hold a space, quote or control character: an unquoted even-length run of
 * hex digits in such a field is decoded (NULs in proctitle and arguments become spaces).
 * User-space records wrap their own fields in msg='k=v ...'; those are read too. LOGIN
 * records write "old auid=.. new auid=..": kept as old_auid / new_auid. EXECVE arguments
 * longer than the kernel's chunk size come as aN_len=L aN[0]=.. aN[1]=..; one execve may
 * be spread over several EXECVE records with the same serial; each record's arguments are
 * joined in `cmdline`.
 *
 * ENRICHED (log_format=ENRICHED, auditd >= 2.6): the RAW text, a 0x1d byte, then the
 * translations as UPPERCASE keys (UID="root" AUID="unset" SYSCALL=execve ARCH=x86_64).
 *
 * Times are UTC epoch seconds with milliseconds. A line without type=, or whose
 * msg=audit(...) is not SECONDS.MILLIS:SERIAL, is an error record (as plaso rejects them).
 */
#include "parsers/host/auditd.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/net.h"
#include "core/time.h"
#include "parsers/host/audit_syscalls.h"
#include "parsers/lineloop.h"

#define AU_MAX_LINE ((size_t)1 << 20)
#define AU_MAX_KV 8192
#define AU_MAX_JSON ((size_t)10 << 20) /* a 1 MiB line escaped (\u00XX) with keys */

enum {
    C_TIME, C_NODE, C_TYPE, C_SERIAL, C_AUDIT_ID, C_SYSCALL, C_SYSCALL_NR, C_ARCH, C_SUCCESS,
    C_EXIT, C_A0, C_A1, C_A2, C_A3, C_A4, C_A5, C_A6, C_A7, C_A8, C_A9, C_ARGC, C_CMDLINE,
    C_ITEMS, C_PPID, C_PID, C_AUID, C_UID, C_GID, C_EUID, C_SUID, C_FSUID, C_EGID, C_SGID,
    C_FSGID, C_TTY, C_SES, C_COMM, C_EXE, C_SUBJ, C_KEY, C_NAME, C_NAMETYPE, C_INODE, C_MODE,
    C_OUID, C_OGID, C_CWD, C_PROCTITLE, C_PROCTITLE_RAW, C_CMD, C_ACCT, C_ID, C_OP, C_ADDR,
    C_HOSTNAME, C_TERMINAL, C_RES, C_UNIT, C_AUID_NAME, C_UID_NAME, C_FIELDS, C_ENRICHED,
    C_NCOLS
};

static const ks_column cols[C_NCOLS] = {
    [C_TIME] = {"time", KS_COL_TIME, "event time (the audit(...) seconds.millis, UTC)"},
    [C_NODE] = {"node", KS_COL_TEXT, "node= prefix (the host, when auditd adds it)"},
    [C_TYPE] = {"type", KS_COL_TEXT, "record type: SYSCALL, EXECVE, PATH, USER_LOGIN, ..."},
    [C_SERIAL] = {"serial", KS_COL_INT, "event serial: records of one event share it"},
    [C_AUDIT_ID] = {"audit_id", KS_COL_TEXT, "the audit(...) stamp as written (seconds.millis:serial)"},
    [C_SYSCALL] = {"syscall", KS_COL_TEXT, "system call name (ENRICHED, or from the x86_64/i386 table), else the number"},
    [C_SYSCALL_NR] = {"syscall_nr", KS_COL_INT, "system call number"},
    [C_ARCH] = {"arch", KS_COL_TEXT, "arch= (c000003e = x86_64)"},
    [C_SUCCESS] = {"success", KS_COL_TEXT, "SYSCALL success= (yes/no)"},
    [C_EXIT] = {"exit", KS_COL_TEXT, "SYSCALL exit="},
    [C_A0] = {"a0", KS_COL_TEXT, "SYSCALL argument 0 (hex) or EXECVE argv[0] (decoded)"},
    [C_A1] = {"a1", KS_COL_TEXT, "argument 1"},
    [C_A2] = {"a2", KS_COL_TEXT, "argument 2"},
    [C_A3] = {"a3", KS_COL_TEXT, "argument 3"},
    [C_A4] = {"a4", KS_COL_TEXT, "EXECVE argv[4]"},
    [C_A5] = {"a5", KS_COL_TEXT, "EXECVE argv[5]"},
    [C_A6] = {"a6", KS_COL_TEXT, "EXECVE argv[6]"},
    [C_A7] = {"a7", KS_COL_TEXT, "EXECVE argv[7]"},
    [C_A8] = {"a8", KS_COL_TEXT, "EXECVE argv[8]"},
    [C_A9] = {"a9", KS_COL_TEXT, "EXECVE argv[9]"},
    [C_ARGC] = {"argc", KS_COL_INT, "EXECVE argc"},
    [C_CMDLINE] = {"cmdline", KS_COL_TEXT, "EXECVE: this record's arguments joined with spaces (decoded)"},
    [C_ITEMS] = {"items", KS_COL_INT, "SYSCALL items (PATH records that follow)"},
    [C_PPID] = {"ppid", KS_COL_INT, "parent process id"},
    [C_PID] = {"pid", KS_COL_INT, "process id"},
    [C_AUID] = {"auid", KS_COL_INT, "audit (login) uid; 4294967295 = unset"},
    [C_UID] = {"uid", KS_COL_INT, "uid"},
    [C_GID] = {"gid", KS_COL_INT, "gid"},
    [C_EUID] = {"euid", KS_COL_INT, "effective uid"},
    [C_SUID] = {"suid", KS_COL_INT, "saved uid"},
    [C_FSUID] = {"fsuid", KS_COL_INT, "file-system uid"},
    [C_EGID] = {"egid", KS_COL_INT, "effective gid"},
    [C_SGID] = {"sgid", KS_COL_INT, "saved gid"},
    [C_FSGID] = {"fsgid", KS_COL_INT, "file-system gid"},
    [C_TTY] = {"tty", KS_COL_TEXT, "tty"},
    [C_SES] = {"ses", KS_COL_INT, "session id; 4294967295 = none"},
    [C_COMM] = {"comm", KS_COL_TEXT, "command name (decoded)"},
    [C_EXE] = {"exe", KS_COL_TEXT, "executable path (decoded)"},
    [C_SUBJ] = {"subj", KS_COL_TEXT, "security context of the subject"},
    [C_KEY] = {"key", KS_COL_TEXT, "audit rule key (-k)"},
    [C_NAME] = {"name", KS_COL_TEXT, "PATH name (decoded)"},
    [C_NAMETYPE] = {"nametype", KS_COL_TEXT, "PATH nametype (NORMAL, CREATE, DELETE, PARENT, ...)"},
    [C_INODE] = {"inode", KS_COL_INT, "PATH inode"},
    [C_MODE] = {"mode", KS_COL_TEXT, "PATH mode (octal)"},
    [C_OUID] = {"ouid", KS_COL_INT, "PATH owner uid"},
    [C_OGID] = {"ogid", KS_COL_INT, "PATH owner gid"},
    [C_CWD] = {"cwd", KS_COL_TEXT, "CWD / USER_CMD cwd (decoded)"},
    [C_PROCTITLE] = {"proctitle", KS_COL_TEXT, "PROCTITLE decoded (NULs between arguments as spaces)"},
    [C_PROCTITLE_RAW] = {"proctitle_raw", KS_COL_TEXT, "PROCTITLE as written (hex or quoted)"},
    [C_CMD] = {"cmd", KS_COL_TEXT, "USER_CMD command (decoded)"},
    [C_ACCT] = {"acct", KS_COL_TEXT, "account of user-space records (decoded)"},
    [C_ID] = {"acct_id", KS_COL_INT, "ADD_USER/DEL_USER/... id= (the uid acted on)"},
    [C_OP] = {"op", KS_COL_TEXT, "operation of user-space records"},
    [C_ADDR] = {"addr", KS_COL_TEXT, "remote address of user-space records"},
    [C_HOSTNAME] = {"hostname", KS_COL_TEXT, "remote host name of user-space records"},
    [C_TERMINAL] = {"terminal", KS_COL_TEXT, "terminal of user-space records"},
    [C_RES] = {"res", KS_COL_TEXT, "result of user-space records (success/failed)"},
    [C_UNIT] = {"unit", KS_COL_TEXT, "SERVICE_START/STOP unit"},
    [C_AUID_NAME] = {"auid_name", KS_COL_TEXT, "ENRICHED AUID (user name)"},
    [C_UID_NAME] = {"uid_name", KS_COL_TEXT, "ENRICHED UID (user name)"},
    [C_FIELDS] = {"fields", KS_COL_JSON, "every key=value of the record as written (msg='...' fields included)"},
    [C_ENRICHED] = {"enriched", KS_COL_JSON, "ENRICHED translations (UID, AUID, SYSCALL, ARCH, ...)"},
};

const ks_table_def ks_table_auditd = {"auditd", "Linux audit records (audit.log, RAW and ENRICHED)",
                                      cols, C_NCOLS};

/* Simple value columns: the key and the column it fills. */
static const struct {
    const char *key;
    int col;
    bool num;
} simple[] = {
    {"arch", C_ARCH, false},     {"success", C_SUCCESS, false}, {"exit", C_EXIT, false},
    {"items", C_ITEMS, true},    {"ppid", C_PPID, true},        {"pid", C_PID, true},
    {"auid", C_AUID, true},      {"uid", C_UID, true},          {"gid", C_GID, true},
    {"euid", C_EUID, true},      {"suid", C_SUID, true},        {"fsuid", C_FSUID, true},
    {"egid", C_EGID, true},      {"sgid", C_SGID, true},        {"fsgid", C_FSGID, true},
    {"tty", C_TTY, false},       {"ses", C_SES, true},          {"comm", C_COMM, false},
    {"exe", C_EXE, false},       {"subj", C_SUBJ, false},       {"key", C_KEY, false},
    {"name", C_NAME, false},     {"nametype", C_NAMETYPE, false}, {"inode", C_INODE, true},
    {"mode", C_MODE, false},     {"ouid", C_OUID, true},        {"ogid", C_OGID, true},
    {"cwd", C_CWD, false},       {"cmd", C_CMD, false},         {"acct", C_ACCT, false},
    {"id", C_ID, true},          {"op", C_OP, false},           {"addr", C_ADDR, false},
    {"hostname", C_HOSTNAME, false}, {"terminal", C_TERMINAL, false}, {"res", C_RES, false},
    {"unit", C_UNIT, false},     {"argc", C_ARGC, true},
};

/* Fields auditd writes hex-encoded when the value is untrusted (auparse's "encoded"). */
static bool encodable(ks_str k, bool execve)
{
    static const char *const names[] = {"proctitle", "name", "cmd", "acct", "exe", "comm", "cwd",
                                        "path", "key", "data", "old", "new", "grp", "new_group",
                                        "new-chardev", "old-chardev", NULL};
    for (const char *const *p = names; *p; p++)
        if (k.n == strlen(*p) && !memcmp(k.p, *p, k.n))
            return true;
    if (execve && k.n >= 2 && k.p[0] == 'a' && k.p[1] >= '0' && k.p[1] <= '9')
        return !memchr(k.p, '_', k.n); /* aN, aN[i]; not aN_len */
    return false;
}

typedef struct au_kv {
    ks_str k, v;   /* v is decoded when it was hex */
    ks_str raw;    /* as written (without quotes) */
    int prefix;    /* 0, 1 "old ", 2 "new " */
    bool quoted;
} au_kv;

typedef struct au_state {
    ks_parse_ctx *ctx;
    au_kv *kv;
    size_t nkv;
    au_kv *en;
    size_t nen;
    ks_buf arena;  /* decoded values; reserved per record so pointers stay valid */
    ks_buf json, ejson;
    bool truncated;
} au_state;

static bool dig(char c)
{
    return c >= '0' && c <= '9';
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int num(ks_str s, int64_t *out)
{
    bool neg = s.n && s.p[0] == '-';
    size_t i = neg ? 1 : 0;
    if (s.n <= i || s.n - i > 18)
        return -1;
    int64_t x = 0;
    for (; i < s.n; i++) {
        if (!dig(s.p[i]))
            return -1;
        x = x * 10 + (s.p[i] - '0');
    }
    *out = neg ? -x : x;
    return 0;
}

static bool keq(ks_str k, const char *lit)
{
    return k.n == strlen(lit) && !memcmp(k.p, lit, k.n);
}

/* Decodes hex v into the arena (reserved by the caller); NULs become spaces when asked. */
static ks_str unhex(au_state *st, ks_str v, bool nul_space)
{
    if (v.n < 2 || v.n % 2)
        return v;
    for (size_t i = 0; i < v.n; i++)
        if (hexv(v.p[i]) < 0)
            return v;
    if (st->arena.len + v.n / 2 + 1 > st->arena.cap)
        return v; /* cannot happen: reserved; stay safe */
    char *o = st->arena.data + st->arena.len;
    size_t n = v.n / 2;
    for (size_t i = 0; i < n; i++) {
        char c = (char)(hexv(v.p[2 * i]) * 16 + hexv(v.p[2 * i + 1]));
        o[i] = (c == '\0' && nul_space) ? ' ' : c;
    }
    while (nul_space && n && o[n - 1] == ' ')
        n--; /* proctitle ends with the last argument's NUL */
    st->arena.len += v.n / 2;
    st->arena.data[st->arena.len] = '\0';
    return (ks_str){o, n};
}

/* Splits "k=v k="v" k='...' word ..." into pairs; msg='...' is read as more pairs. */
static void split_kv(au_state *st, ks_str s, au_kv *out, size_t *n, size_t max, bool execve,
                     int depth)
{
    size_t i = 0;
    int prefix = 0;
    while (i < s.n) {
        while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
            i++;
        if (i >= s.n)
            break;
        size_t k0 = i;
        while (i < s.n && s.p[i] != '=' && s.p[i] != ' ')
            i++;
        if (i >= s.n || s.p[i] != '=') { /* a bare word: "old", "new", "avc:", "denied", ... */
            ks_str w = {s.p + k0, i - k0};
            prefix = keq(w, "old") ? 1 : keq(w, "new") ? 2 : 0;
            continue;
        }
        ks_str k = {s.p + k0, i - k0};
        i++; /* '=' */
        ks_str v;
        bool quoted = false;
        if (i < s.n && (s.p[i] == '"' || s.p[i] == '\'')) {
            char q = s.p[i++];
            const char *e = memchr(s.p + i, q, s.n - i);
            size_t ve = e ? (size_t)(e - s.p) : s.n;
            v = (ks_str){s.p + i, ve - i};
            i = e ? ve + 1 : s.n;
            quoted = true;
            if (q == '\'' && keq(k, "msg") && depth == 0) {
                split_kv(st, v, out, n, max, execve, 1);
                prefix = 0;
                continue;
            }
        } else {
            size_t v0 = i;
            while (i < s.n && s.p[i] != ' ')
                i++;
            v = (ks_str){s.p + v0, i - v0};
        }
        if (!k.n)
            continue;
        if (*n >= max) {
            st->truncated = true;
            return;
        }
        au_kv *kv = &out[(*n)++];
        kv->k = k;
        kv->raw = v;
        kv->v = v;
        kv->quoted = quoted;
        kv->prefix = prefix;
        prefix = 0;
        if (!quoted && encodable(k, execve))
            kv->v = unhex(st, v, keq(k, "proctitle") || (execve && k.p[0] == 'a'));
    }
}

static const au_kv *get(const au_kv *kv, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!kv[i].prefix && keq(kv[i].k, key))
            return &kv[i];
    return NULL;
}

/* A JSON object of the pairs (the first of repeated keys); non-zero when it did not fit. */
static int json_obj(ks_buf *b, const au_kv *kv, size_t n, bool raw)
{
    int bad = ks_buf_putc(b, '{');
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        /* repeated keys are rare (user-space msg='...' fields over the kernel's); the check is
         * quadratic, so records with hundreds of fields (EXECVE) keep them all */
        for (size_t j = 0; j < i && !dup && n <= 256; j++)
            dup = kv[j].prefix == kv[i].prefix && kv[j].k.n == kv[i].k.n &&
                  !memcmp(kv[j].k.p, kv[i].k.p, kv[i].k.n);
        if (dup)
            continue;
        if (w++)
            bad |= ks_buf_putc(b, ',');
        if (kv[i].prefix) {
            char key[80];
            size_t kn = kv[i].k.n < 64 ? kv[i].k.n : 64;
            const char *pre = kv[i].prefix == 1 ? "old_" : "new_";
            memcpy(key, pre, 4);
            memcpy(key + 4, kv[i].k.p, kn);
            bad |= ks_escape_json(b, key, kn + 4);
        } else {
            bad |= ks_escape_json(b, kv[i].k.p, kv[i].k.n);
        }
        bad |= ks_buf_putc(b, ':');
        ks_str v = raw ? kv[i].raw : kv[i].v;
        bad |= ks_escape_json(b, v.p, v.n);
    }
    bad |= ks_buf_putc(b, '}');
    return bad;
}

typedef struct au_arg {
    int64_t idx, part;
    ks_str v;
} au_arg;

static int arg_cmp(const void *a, const void *b)
{
    const au_arg *x = a, *y = b;
    if (x->idx != y->idx)
        return x->idx < y->idx ? -1 : 1;
    return x->part < y->part ? -1 : x->part > y->part;
}

/* "aN" or "aN[i]": 0 and the numbers, else -1. */
static int arg_key(ks_str k, int64_t *idx, int64_t *part)
{
    if (k.n < 2 || k.p[0] != 'a')
        return -1;
    size_t i = 1;
    while (i < k.n && dig(k.p[i]))
        i++;
    if (num((ks_str){k.p + 1, i - 1}, idx))
        return -1;
    *part = -1;
    if (i == k.n)
        return 0;
    if (k.p[i] != '[' || k.p[k.n - 1] != ']')
        return -1;
    return num((ks_str){k.p + i + 1, k.n - i - 2}, part);
}

static bool outcome_of(ks_str v, ks_str *out)
{
    if (keq(v, "success") || keq(v, "yes") || keq(v, "1")) {
        *out = KS_STR_LIT("success");
        return true;
    }
    if (keq(v, "failed") || keq(v, "no") || keq(v, "0") || keq(v, "failure")) {
        *out = KS_STR_LIT("failure");
        return true;
    }
    return false;
}

static ks_str action_of(ks_str type, const au_kv *exe, bool failed)
{
    static const struct {
        const char *type, *ok, *fail;
    } map[] = {
        {"USER_LOGIN", "login", "login_failed"},
        {"USER_AUTH", "auth", "auth_failure"},
        {"USER_ACCT", "account_check", "account_check"},
        {"USER_START", "session_open", "session_open"},
        {"USER_END", "session_close", "session_close"},
        {"USER_LOGOUT", "logout", "logout"},
        {"ADD_USER", "user_add", "user_add"},
        {"DEL_USER", "user_delete", "user_delete"},
        {"USER_MGMT", "user_modify", "user_modify"},
        {"ADD_GROUP", "group_add", "group_add"},
        {"DEL_GROUP", "group_delete", "group_delete"},
        {"GRP_MGMT", "group_modify", "group_modify"},
        {"USER_CHAUTHTOK", "password_change", "password_change"},
        {"GRP_CHAUTHTOK", "password_change", "password_change"},
        {"USER_ROLE_CHANGE", "user_modify", "user_modify"},
        {"SERVICE_START", "service_start", "service_failed"},
        {"SERVICE_STOP", "service_stop", "service_stop"},
        {"EXECVE", "exec", "exec"},
        {"SYSCALL", "syscall", "syscall"},
        {"AVC", "avc", "avc"},
        {"USER_AVC", "avc", "avc"},
        {"CONFIG_CHANGE", "audit_config_change", "audit_config_change"},
        {"DAEMON_START", "audit_start", "audit_start"},
        {"DAEMON_END", "audit_stop", "audit_stop"},
        {NULL, NULL, NULL},
    };
    if (keq(type, "USER_CMD")) {
        bool sudo = exe && exe->v.n >= 5 && !memcmp(exe->v.p + exe->v.n - 5, "/sudo", 5);
        return sudo ? KS_STR_LIT("sudo") : KS_STR_LIT("user_command");
    }
    for (int i = 0; map[i].type; i++)
        if (keq(type, map[i].type))
            return ks_str_c(failed ? map[i].fail : map[i].ok);
    return type;
}

static bool unset_id(ks_str v)
{
    return keq(v, "4294967295") || keq(v, "-1") || keq(v, "unset");
}

/* Parses one line into a record; returns NULL or why it is not one. */
static const char *record(ks_parse_ctx *ctx, au_state *st, ks_str s, int64_t line,
                          int64_t offset, ks_err *err, int *rc)
{
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    size_t i = 0;
    ks_str node = KS_STR_NULL;
    if (s.n >= 5 && !memcmp(s.p, "node=", 5)) {
        size_t b = 5;
        i = b;
        while (i < s.n && s.p[i] != ' ')
            i++;
        node = (ks_str){s.p + b, i - b};
        while (i < s.n && s.p[i] == ' ')
            i++;
    }
    if (s.n - i < 5 || memcmp(s.p + i, "type=", 5))
        return "no type= (not an audit record)";
    i += 5;
    size_t t0 = i;
    while (i < s.n && s.p[i] != ' ')
        i++;
    ks_str type = {s.p + t0, i - t0};
    if (!type.n)
        return "empty record type";
    while (i < s.n && s.p[i] == ' ')
        i++;
    if (s.n - i < 10 || memcmp(s.p + i, "msg=audit(", 10))
        return "no msg=audit(...) stamp";
    i += 10;
    size_t a0 = i;
    int64_t sec = 0, frac = 0, serial = 0;
    size_t k = i;
    while (k < s.n && dig(s.p[k]) && k - a0 < 13)
        sec = sec * 10 + (s.p[k++] - '0');
    if (k == a0 || k >= s.n || s.p[k] != '.')
        return "audit stamp is not SECONDS.MILLIS:SERIAL";
    size_t f0 = ++k;
    int64_t scale = 100000000;
    while (k < s.n && dig(s.p[k]) && k - f0 < 9) {
        frac += (s.p[k++] - '0') * scale;
        scale /= 10;
    }
    if (k == f0 || k >= s.n || s.p[k] != ':')
        return "audit stamp is not SECONDS.MILLIS:SERIAL";
    size_t s0 = ++k;
    while (k < s.n && dig(s.p[k]) && k - s0 < 18)
        serial = serial * 10 + (s.p[k++] - '0');
    if (k == s0 || k >= s.n || s.p[k] != ')')
        return "audit stamp is not SECONDS.MILLIS:SERIAL";
    ks_str stamp = {s.p + a0, k - a0};
    k++;
    if (k < s.n && s.p[k] == ':')
        k++;
    ks_str body = {s.p + k, s.n - k};
    ks_str enr = KS_STR_NULL;
    const char *gs = memchr(body.p, 0x1d, body.n);
    if (gs) {
        enr = (ks_str){gs + 1, body.n - (size_t)(gs - body.p) - 1};
        body.n = (size_t)(gs - body.p);
    }
    /* reserve the arena so decoded values never move: hex halves, argv joins <= the line */
    ks_buf_reset(&st->arena);
    ks_buf_reset(&st->json);
    ks_buf_reset(&st->ejson);
    if (ks_buf_reserve(&st->arena, 2 * s.n + 64)) {
        *rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        return NULL;
    }
    st->nkv = st->nen = 0;
    st->truncated = false;
    bool execve = keq(type, "EXECVE");
    split_kv(st, body, st->kv, &st->nkv, AU_MAX_KV, execve, 0);
    if (enr.p)
        split_kv(st, enr, st->en, &st->nen, 256, false, 1);
    if (st->truncated)
        ks_sink_warn(ctx->sink, line, offset, "more than 8192 fields in a record: the rest kept only in raw");

    int64_t t = KS_TIME_NONE;
    if (sec <= INT64_MAX / KS_NS_PER_SEC - 1)
        t = sec * KS_NS_PER_SEC + frac;
    v[C_TIME] = ks_v_int(t);
    if (node.p)
        v[C_NODE] = ks_v_text(node);
    v[C_TYPE] = ks_v_text(type);
    v[C_SERIAL] = ks_v_int(serial);
    v[C_AUDIT_ID] = ks_v_text(stamp);
    for (size_t j = 0; j < sizeof simple / sizeof simple[0]; j++) {
        const au_kv *kv = get(st->kv, st->nkv, simple[j].key);
        if (!kv)
            continue;
        int64_t x;
        if (simple[j].num)
            v[simple[j].col] = num(kv->v, &x) ? ks_v_text(kv->v) : ks_v_int(x);
        else
            v[simple[j].col] = ks_v_text(kv->v);
    }
    const au_kv *sc = get(st->kv, st->nkv, "syscall");
    const au_kv *esc = get(st->en, st->nen, "SYSCALL");
    int64_t x;
    if (sc && !num(sc->v, &x))
        v[C_SYSCALL_NR] = ks_v_int(x);
    const char *scname = NULL;
    const au_kv *arch = get(st->kv, st->nkv, "arch");
    if (!esc && sc && !num(sc->v, &x) && arch && arch->v.n && arch->v.n <= 8) {
        uint32_t a = 0;
        bool hex = true;
        for (size_t j = 0; j < arch->v.n && hex; j++) {
            int d = hexv(arch->v.p[j]);
            hex = d >= 0;
            a = a * 16 + (uint32_t)(d < 0 ? 0 : d);
        }
        if (hex)
            scname = ks_audit_syscall_name(a, x);
    }
    if (esc)
        v[C_SYSCALL] = ks_v_text(esc->v);
    else if (scname)
        v[C_SYSCALL] = ks_v_text(ks_str_c(scname));
    else if (sc)
        v[C_SYSCALL] = ks_v_text(sc->v);
    const au_kv *pt = get(st->kv, st->nkv, "proctitle");
    if (pt) {
        v[C_PROCTITLE] = ks_v_text(pt->v);
        v[C_PROCTITLE_RAW] = ks_v_text(pt->raw);
    }
    const au_kv *e_uid = get(st->en, st->nen, "UID"), *e_auid = get(st->en, st->nen, "AUID");
    if (e_uid)
        v[C_UID_NAME] = ks_v_text(e_uid->v);
    if (e_auid)
        v[C_AUID_NAME] = ks_v_text(e_auid->v);

    /* a0..a3 of SYSCALL are the raw (hex) registers; EXECVE's are the decoded arguments */
    ks_str cmdline = KS_STR_NULL;
    if (execve) {
        au_arg *args = NULL;
        size_t na = 0;
        if (st->nkv)
            args = malloc(st->nkv * sizeof *args);
        if (st->nkv && !args) {
            *rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            return NULL;
        }
        for (size_t j = 0; j < st->nkv; j++) {
            int64_t idx, part;
            if (!st->kv[j].prefix && !arg_key(st->kv[j].k, &idx, &part))
                args[na++] = (au_arg){idx, part, st->kv[j].v};
        }
        qsort(args, na, sizeof *args, arg_cmp);
        char *o = st->arena.data + st->arena.len;
        size_t on = 0, room = st->arena.cap - st->arena.len - 1;
        for (size_t j = 0; j < na; j++) {
            if (j && args[j].idx != args[j - 1].idx && on < room)
                o[on++] = ' ';
            size_t c = args[j].v.n < room - on ? args[j].v.n : room - on;
            memcpy(o + on, args[j].v.p, c);
            on += c;
            if (args[j].part < 0 && args[j].idx <= 9)
                v[C_A0 + args[j].idx] = ks_v_text(args[j].v);
        }
        free(args);
        st->arena.len += on;
        st->arena.data[st->arena.len] = '\0';
        cmdline = (ks_str){o, on};
        if (na)
            v[C_CMDLINE] = ks_v_text(cmdline);
    } else {
        static const char *const an[] = {"a0", "a1", "a2", "a3"};
        for (int j = 0; j < 4; j++) {
            const au_kv *kv = get(st->kv, st->nkv, an[j]);
            if (kv)
                v[C_A0 + j] = ks_v_text(kv->v);
        }
    }
    if (!json_obj(&st->json, st->kv, st->nkv, true))
        v[C_FIELDS] = ks_v_text((ks_str){st->json.data, st->json.len});
    else
        ks_sink_warn(ctx->sink, line, offset, "fields too large for the fields column");
    if (enr.p && !json_obj(&st->ejson, st->en, st->nen, false))
        v[C_ENRICHED] = ks_v_text((ks_str){st->ejson.data, st->ejson.len});

    /* the normalised event */
    ks_str outcome = KS_STR_NULL;
    const au_kv *res = get(st->kv, st->nkv, "res");
    const au_kv *succ = get(st->kv, st->nkv, "success");
    if (res)
        outcome_of(res->v, &outcome);
    else if (succ)
        outcome_of(succ->v, &outcome);
    const au_kv *exe = get(st->kv, st->nkv, "exe");
    const au_kv *acct = get(st->kv, st->nkv, "acct");
    const au_kv *auid = get(st->kv, st->nkv, "auid");
    const au_kv *uid = get(st->kv, st->nkv, "uid");
    ks_str action = action_of(type, exe, keq(outcome, "failure"));
    ks_str actor = KS_STR_NULL, target = KS_STR_NULL;
    bool about_acct = keq(type, "USER_LOGIN") || keq(type, "USER_AUTH") || keq(type, "USER_ACCT") ||
                      keq(type, "USER_START") || keq(type, "USER_END") || keq(type, "USER_LOGOUT") ||
                      keq(type, "CRED_ACQ") || keq(type, "CRED_DISP") || keq(type, "CRED_REFR");
    const au_kv *new_auid = NULL; /* LOGIN: "old auid=.. new auid=.." */
    for (size_t j = 0; j < st->nkv && !new_auid; j++)
        if (st->kv[j].prefix == 2 && keq(st->kv[j].k, "auid") && !unset_id(st->kv[j].v))
            new_auid = &st->kv[j];
    if (about_acct && acct && acct->v.n && !keq(acct->v, "?"))
        actor = acct->v;
    else if (new_auid)
        actor = new_auid->v;
    else if (e_auid && !unset_id(e_auid->v))
        actor = e_auid->v;
    else if (auid && !unset_id(auid->v))
        actor = auid->v;
    else if (e_uid)
        actor = e_uid->v;
    else if (uid)
        actor = uid->v;
    if (execve)
        target = cmdline;
    else if (keq(type, "USER_CMD"))
        target = v[C_CMD].s;
    else if (keq(type, "PATH"))
        target = v[C_NAME].s;
    else if (keq(type, "PROCTITLE"))
        target = v[C_PROCTITLE].s;
    else if (keq(type, "CWD"))
        target = v[C_CWD].s;
    else if (keq(type, "SERVICE_START") || keq(type, "SERVICE_STOP"))
        target = v[C_UNIT].s;
    else if (!about_acct && acct)
        target = acct->v;
    else if (exe)
        target = exe->v;
    ks_str src = KS_STR_NULL;
    const au_kv *addr = get(st->kv, st->nkv, "addr");
    ks_ip ip;
    if (addr && addr->v.n && ks_ip_parse(&ip, addr->v.p, addr->v.n) == 0)
        src = addr->v;
    ks_event ev;
    ks_event_init(&ev);
    ev.time = t;
    ev.time_desc = "event";
    ev.host = node;
    ev.actor = actor;
    ev.src_ip = src;
    ev.action = action;
    ev.target = target;
    ev.outcome = outcome;
    ev.message = body;
    ev.raw = s;
    ev.line = line;
    ev.offset = offset;
    *rc = ks_sink_event(ctx->sink, &ev, &ks_table_auditd, v, err);
    return NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    (void)name;
    const char *p = (const char *)head;
    size_t i = 0;
    while (i < n && (p[i] == '\n' || p[i] == '\r' || p[i] == ' '))
        i++;
    const char *nl = memchr(p + i, '\n', n - i);
    size_t len = nl ? (size_t)(nl - p) - i : n - i;
    ks_str l = {p + i, len};
    if (l.n >= 5 && !memcmp(l.p, "node=", 5)) {
        const char *sp = memchr(l.p, ' ', l.n);
        if (!sp)
            return 0;
        l = (ks_str){sp + 1, l.n - (size_t)(sp + 1 - l.p)};
    }
    if (l.n < 5 || memcmp(l.p, "type=", 5))
        return 0;
    return memmem(l.p, l.n, " msg=audit(", 11) ? 95 : 0;
}

static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    au_state *st = arg;
    ks_parse_ctx *ctx = st->ctx;
    int rc = 0;
    if (ln->too_long)
        ks_sink_warn(ctx->sink, ln->lineno, ln->offset, "record longer than 1 MiB: cut");
    const char *why = record(ctx, st, (ks_str){ln->p, n}, ln->lineno, ln->offset, err, &rc);
    if (rc)
        return rc;
    if (why)
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset, why, ln->p, ln->n, err);
    return 0;
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    au_state st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    ks_buf_init(&st.arena, 2 * AU_MAX_LINE + 128);
    ks_buf_init(&st.json, AU_MAX_JSON);
    ks_buf_init(&st.ejson, AU_MAX_JSON);
    st.kv = malloc(AU_MAX_KV * sizeof *st.kv);
    st.en = malloc(256 * sizeof *st.en);
    if (!st.kv || !st.en) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    rc = ks_lineloop(ctx->in, AU_MAX_LINE, KS_LL_TRIM_WS | KS_LL_SKIP_EMPTY, on_line, &st, err);
done:
    ks_buf_free(&st.arena);
    ks_buf_free(&st.json);
    ks_buf_free(&st.ejson);
    free(st.kv);
    free(st.en);
    return rc;
}

const ks_parser ks_parser_auditd = {
    "auditd",
    "Linux audit log (audit.log): RAW and ENRICHED records, hex fields decoded, EXECVE joined",
    (const ks_table_def *const[]){&ks_table_auditd, NULL},
    sniff,
    parse,
};
