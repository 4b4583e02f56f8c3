/* dblog.c — database server log readers (see dblog.h for the formats).
 *
 * Every reader is a small state machine over physical lines: a line either starts a record
 * (recognised by its header shape) or continues the current one (multi-line statements).
 * Header shapes are checked with explicit character tests, never sscanf or regexes.
 */
#include "db/dblog.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GUESS_LINES 8

struct ks_dblog {
    ks_dblog_format f;
    char prefix[256];
    /* PostgreSQL stderr with no log_line_prefix given: the first lines are held back until
     * the prefix is recognised from them (then replayed). */
    int guessing;
    char *held[GUESS_LINES];
    size_t held_n[GUESS_LINES];
    int64_t held_no[GUESS_LINES], held_off[GUESS_LINES];
    size_t nheld;
    ks_dblog_fn cb;
    void *ctx;
    int have;           /* a record is being collected */
    ks_dblog_rec rec;
    ks_buf text;        /* sql or message being collected */
    int text_is_sql;
    char last_time[48]; /* general log: lines without time inherit it */
    uint64_t nrec, nbad;
    /* audit: an open quote continues on the next line */
    int audit_open;
    ks_buf pending;     /* raw audit / CSV record text across lines */
    ks_buf csvstore;    /* unquoted CSV fields */
    int cont_sqlbuf;    /* continuation lines belong to sqlbuf (multi-line STATEMENT) */
    int pgaudit_open;   /* a pgaudit record's quoted field continues on the next line */
    ks_buf sqlbuf;      /* the statement of a record whose text is a message (PostgreSQL
                           ERROR + STATEMENT, csvlog query column) */
    int64_t pend_line, pend_off;
    /* slow log */
    int slow_in_query;
    /* general log: each connection's current database (Connect, Init DB, USE) */
    struct {
        int64_t id;
        char db[128];
    } conns[256];
    size_t nconn;
    int xml_open;       /* inside an AUDIT_RECORD */
};

const char *ks_dblog_format_name(ks_dblog_format f)
{
    switch (f) {
    case KS_DBLOG_MYSQL_GENERAL: return "mysql_general";
    case KS_DBLOG_MYSQL_SLOW: return "mysql_slow";
    case KS_DBLOG_MYSQL_ERROR: return "mysql_error";
    case KS_DBLOG_MYSQL_AUDIT: return "mysql_audit";
    case KS_DBLOG_PG_STDERR: return "pg_stderr";
    case KS_DBLOG_MYSQL_GENERAL_CSV: return "mysql_general_csv";
    case KS_DBLOG_PG_CSV: return "pg_csv";
    case KS_DBLOG_MYSQL_AUDIT_XML: return "mysql_audit_xml";
    case KS_DBLOG_PG_JSON: return "pg_json";
    default: return "unknown";
    }
}

ks_dblog_format ks_dblog_format_parse(const char *s)
{
    for (int f = KS_DBLOG_MYSQL_GENERAL; f <= KS_DBLOG_PG_JSON; f++)
        if (!strcmp(s, ks_dblog_format_name((ks_dblog_format)f)))
            return (ks_dblog_format)f;
    return KS_DBLOG_UNKNOWN;
}

/* ---- small text helpers -------------------------------------------------------------- */
static int dig(char c) { return c >= '0' && c <= '9'; }

static int all_digits(const char *p, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!dig(p[i]))
            return 0;
    return 1;
}

static int64_t to_i64(const char *p, size_t n)
{
    int64_t v = 0;
    for (size_t i = 0; i < n && dig(p[i]); i++) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static double to_dbl(const char *p, size_t n)
{
    char tmp[64];
    if (n >= sizeof tmp)
        n = sizeof tmp - 1;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    char *e = NULL;
    double d = strtod(tmp, &e);
    return e == tmp ? -1 : d;
}

static void cpy(char *dst, size_t cap, const char *p, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, p, n);
    dst[n] = '\0';
}

static size_t skip_sp(const char *p, size_t n, size_t i)
{
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return i;
}

static const char *find(const char *p, size_t n, const char *needle)
{
    return memmem(p, n, needle, strlen(needle));
}

/* "YYMMDD hh:mm:ss" (hour may be space-padded, several spaces allowed) at p; returns the
 * length consumed or 0. Writes ISO "20YY-MM-DDThh:mm:ss" (years < 70 are 20YY). */
static size_t old_time(const char *p, size_t n, char *iso, size_t cap)
{
    if (n < 14 || !all_digits(p, 6))
        return 0;
    size_t i = 6;
    if (p[i] != ' ')
        return 0;
    i = skip_sp(p, n, i);
    size_t h0 = i;
    while (i < n && dig(p[i]) && i - h0 < 2)
        i++;
    if (i == h0 || i + 6 > n || p[i] != ':' || !dig(p[i + 1]) || !dig(p[i + 2]) ||
        p[i + 3] != ':' || !dig(p[i + 4]) || !dig(p[i + 5]))
        return 0;
    int yy = (p[0] - '0') * 10 + (p[1] - '0');
    char hh[3] = {i - h0 == 1 ? '0' : p[h0], p[i - 1], 0};
    snprintf(iso, cap, "%s%.2s-%.2s-%.2sT%s:%.2s:%.2s", yy < 70 ? "20" : "19", p, p + 2, p + 4,
             hh, p + i + 1, p + i + 4);
    return i + 6;
}

/* ISO "YYYY-MM-DDThh:mm:ss[.frac][Z|+hh:mm]" or "YYYY-MM-DD hh:mm:ss[.frac]"; returns length.
 * MariaDB prints the hour with %2d, so "YYYY-MM-DD  h:mm:ss" (two spaces) before 10:00. */
static size_t iso_time(const char *p, size_t n, char *out, size_t cap)
{
    bool padded = n >= 19 && p[10] == ' ' && p[11] == ' ' && dig(p[12]);
    if (n < 19 || !all_digits(p, 4) || p[4] != '-' || !all_digits(p + 5, 2) || p[7] != '-' ||
        !all_digits(p + 8, 2) || (p[10] != 'T' && p[10] != ' ') ||
        !(padded || all_digits(p + 11, 2)) || p[13] != ':' || !all_digits(p + 14, 2) ||
        p[16] != ':' || !all_digits(p + 17, 2))
        return 0;
    size_t i = 19;
    if (i < n && p[i] == '.') {
        i++;
        while (i < n && dig(p[i]) && i < 30)
            i++;
    }
    if (i < n && p[i] == 'Z')
        i++;
    else if (i + 6 <= n && (p[i] == '+' || p[i] == '-') && dig(p[i + 1]) && dig(p[i + 2]) &&
             p[i + 3] == ':')
        i += 6;
    cpy(out, cap, p, i);
    if (out[10] == ' ')
        out[10] = 'T';
    if (padded && cap > 11)
        out[11] = '0';
    return i;
}

/* Microseconds since the epoch as ISO-8601 UTC (civil-from-days, H. Hinnant). */
static void epoch_iso(int64_t us, char *out, size_t cap)
{
    if (us < 0)
        us = 0;
    int64_t sec = us / 1000000;
    int64_t days = sec / 86400, rem = sec % 86400;
    int64_t z = days + 719468, era = z / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, cap, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06lldZ", (long long)y,
             (long long)m, (long long)d, (long long)(rem / 3600), (long long)(rem / 60 % 60),
             (long long)(rem % 60), (long long)(us % 1000000));
}

/* ---- record delivery ------------------------------------------------------------------- */
static void rec_start(ks_dblog *p, int64_t lineno, int64_t off)
{
    memset(&p->rec, 0, sizeof p->rec);
    p->rec.format = p->f;
    p->rec.line = lineno;
    p->rec.offset = off;
    p->rec.conn_id = -1;
    p->rec.query_time = -1;
    p->rec.lock_time = -1;
    p->rec.rows_sent = -1;
    p->rec.rows_examined = -1;
    ks_buf_reset(&p->text);
    ks_buf_reset(&p->sqlbuf);
    p->cont_sqlbuf = 0;
    p->pgaudit_open = 0;
    p->text_is_sql = 0;
    p->have = 1;
}

static void text_add(ks_dblog *p, const char *s, size_t n, int newline)
{
    if (p->rec.truncated)
        return;
    int rc = 0;
    if (newline && p->text.len)
        rc = ks_buf_putc(&p->text, '\n');
    if (!rc)
        rc = ks_buf_append(&p->text, s, n);
    if (rc)
        p->rec.truncated = 1;
}

static int emit(ks_dblog *p)
{
    if (!p->have)
        return 0;
    p->have = 0;
    /* a slow-log header block with no statement and no client (a trailing "# Time:") is
     * not an event */
    if (p->f == KS_DBLOG_MYSQL_SLOW && !p->text.len && !p->rec.user[0] && !p->rec.bad)
        return 0;
    /* trailing blanks of statements ("SELECT foo \n") are not part of them */
    size_t n = p->text.len;
    while (n && (p->text.data[n - 1] == ' ' || p->text.data[n - 1] == '\t' ||
                 p->text.data[n - 1] == '\r'))
        n--;
    ks_str t = {p->text.data ? p->text.data : "", n};
    if (p->text_is_sql) {
        p->rec.sql = t;
    } else {
        p->rec.message = t;
        if (p->sqlbuf.len)
            p->rec.sql = (ks_str){p->sqlbuf.data, p->sqlbuf.len};
    }
    p->nrec++;
    if (p->rec.bad)
        p->nbad++;
    return p->cb(p->ctx, &p->rec);
}

static int emit_bad(ks_dblog *p, const char *line, size_t n, int64_t lineno, int64_t off,
                    const char *why)
{
    int rc = emit(p);
    if (rc)
        return rc;
    rec_start(p, lineno, off);
    p->rec.bad = 1;
    p->rec.why = why;
    text_add(p, line, n, 0);
    return emit(p);
}

/* "user[user] @ host [ip]" / "user@host on db using TCP/IP" helpers */
static void user_at_host(ks_dblog_rec *r, const char *p, size_t n)
{
    const char *at = memchr(p, '@', n);
    if (!at)
        return;
    size_t ul = (size_t)(at - p);
    const char *br = memchr(p, '[', ul);
    cpy(r->user, sizeof r->user, p, br ? (size_t)(br - p) : ul);
    size_t i = skip_sp(p, n, ul + 1);
    size_t h0 = i;
    while (i < n && p[i] != ' ' && p[i] != '[')
        i++;
    if (i > h0)
        cpy(r->host, sizeof r->host, p + h0, i - h0);
    i = skip_sp(p, n, i);
    if (i < n && p[i] == '[') {
        const char *e = memchr(p + i, ']', n - i);
        if (e && e > p + i + 1 && !r->host[0])
            cpy(r->host, sizeof r->host, p + i + 1, (size_t)(e - p - i - 1));
        else if (e && e > p + i + 1) {
            /* keep the IP: it is what an investigator matches against */
            cpy(r->host, sizeof r->host, p + i + 1, (size_t)(e - p - i - 1));
        }
    }
}

/* Whether the literal lit is at p[i] (within n bytes). */
static bool at(const char *p, size_t n, size_t i, const char *lit)
{
    size_t k = strlen(lit);
    return i <= n && n - i >= k && !memcmp(p + i, lit, k);
}

/* The server's message, and nothing after it on its line: "Access denied for user 'U'@'H'"
 * then " (using password: YES|NO)" or " to database 'D'" or nothing (MariaDB 10.3). A line
 * that goes on after that is not the server's (fail2ban's "match": false injection sample:
 * the phrase inside other text), so it is no authentication failure. */
static void access_denied(ks_dblog_rec *r, const char *p, size_t n)
{
    const char *a = find(p, n, "Access denied for user '");
    if (!a)
        return;
    size_t i = (size_t)(a - p) + 24;
    const char *q = memchr(p + i, '\'', n - i);
    if (!q)
        return;
    size_t u0 = i, un = (size_t)(q - p) - i;
    i = (size_t)(q - p) + 1;
    if (!(i + 2 < n && p[i] == '@' && p[i + 1] == '\''))
        return;
    const char *q2 = memchr(p + i + 2, '\'', n - i - 2);
    if (!q2)
        return;
    size_t h0 = i + 2, hn = (size_t)(q2 - p) - h0;
    i = (size_t)(q2 - p) + 1;
    if (at(p, n, i, " (using password: YES)"))
        i += 22;
    else if (at(p, n, i, " (using password: NO)"))
        i += 21;
    else if (at(p, n, i, " to database '")) {
        const char *q3 = memchr(p + i + 14, '\'', n - i - 14);
        if (!q3)
            return;
        i = (size_t)(q3 - p) + 1;
    }
    if (i < n && p[i] != '\n' && p[i] != '\r')
        return;
    r->auth_failure = 1;
    cpy(r->user, sizeof r->user, p + u0, un);
    cpy(r->host, sizeof r->host, p + h0, hn);
}

static char *conn_db(ks_dblog *p, int64_t id, int create)
{
    size_t n = p->nconn < 256 ? p->nconn : 256;
    for (size_t i = 0; i < n; i++)
        if (p->conns[i].id == id)
            return p->conns[i].db;
    if (!create)
        return NULL;
    size_t k = p->nconn++ % 256;
    p->conns[k].id = id;
    p->conns[k].db[0] = '\0';
    return p->conns[k].db;
}

/* "USE db" / "use `db`" at the start of a statement: the database it selects, else 0 */
static int use_db(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = skip_sp(s, n, 0);
    if (n - i < 4 || strncasecmp(s + i, "use", 3) || (s[i + 3] != ' ' && s[i + 3] != '\t'))
        return 0;
    i = skip_sp(s, n, i + 3);
    size_t e = n;
    while (e > i && (s[e - 1] == ';' || s[e - 1] == ' '))
        e--;
    if (e > i + 1 && s[i] == '`' && s[e - 1] == '`') {
        i++;
        e--;
    }
    if (e <= i)
        return 0;
    cpy(out, cap, s + i, e - i);
    return 1;
}

/* ---- general log -------------------------------------------------------------------------- */
static const char *const k_commands[] = {
    "Connect Out", "Init DB", "Close stmt", "Field List", "Change user", "Binlog Dump",
    "Table Dump", "Register Slave", "Reset stmt", "Set option", "Long Data", "Delayed insert",
    "Create DB", "Drop DB", "Binlog Dump GTID", "Connect", "Query", "Quit", "Prepare", "Execute",
    "Statistics", "Shutdown", "Kill", "Ping", "Fetch", "Daemon", "Error", "Processlist",
    "Refresh", "Debug", "Time", "Sleep", "Reset connection", NULL};

/* Parses "<time>\t<spaces><id> <Command>[\t ]<arg>"; returns 1 when the line is a header. */
static int general_header(ks_dblog *p, const char *s, size_t n, char *time, size_t tcap,
                          int64_t *id, const char **cmd, size_t *arg_off)
{
    size_t i = 0;
    time[0] = '\0';
    size_t t = old_time(s, n, time, tcap);
    if (!t)
        t = iso_time(s, n, time, tcap);
    /* after the time, or with no time at all (same second as the line before), blanks
     * (a tab in the server's own output, spaces in hand-edited or older logs) */
    i = t;
    if (i >= n || (s[i] != '\t' && s[i] != ' '))
        return 0;
    i = skip_sp(s, n, i);
    size_t d0 = i;
    while (i < n && dig(s[i]))
        i++;
    if (i == d0 || i >= n || s[i] != ' ')
        return 0;
    *id = to_i64(s + d0, i - d0);
    i = skip_sp(s, n, i);
    for (size_t k = 0; k_commands[k]; k++) {
        size_t L = strlen(k_commands[k]);
        if (L <= n - i && !memcmp(s + i, k_commands[k], L) &&
            (i + L == n || s[i + L] == '\t' || s[i + L] == ' ')) {
            *cmd = k_commands[k];
            *arg_off = skip_sp(s, n, i + L);
            (void)p;
            return 1;
        }
    }
    return 0;
}

/* "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS" or "YYYY-MM-DD  H:MM:SS" (MariaDB's %2d
 * hour) at the start of a line. */
static bool starts_with_datetime(const char *s, size_t n)
{
    static const char pat[] = "dddd-dd-dd?dd:dd:dd";
    if (n < sizeof pat - 1)
        return false;
    for (size_t i = 0; i < sizeof pat - 1; i++) {
        char c = s[i];
        if (i == 11 && c == ' ' && s[10] == ' ')
            continue;
        if (pat[i] == 'd' ? !(c >= '0' && c <= '9') : pat[i] == '?' ? (c != ' ' && c != 'T') : c != pat[i])
            return false;
    }
    return true;
}

static int general_line(ks_dblog *p, const char *s, size_t n, int64_t lineno, int64_t off)
{
    char time[48];
    int64_t id;
    const char *cmd;
    size_t a;
    if (general_header(p, s, n, time, sizeof time, &id, &cmd, &a)) {
        int rc = emit(p);
        if (rc)
            return rc;
        rec_start(p, lineno, off);
        if (time[0])
            memcpy(p->last_time, time, sizeof time);
        memcpy(p->rec.time, p->last_time, sizeof p->rec.time);
        p->rec.conn_id = id;
        cpy(p->rec.command, sizeof p->rec.command, cmd, strlen(cmd));
        const char *arg = s + a;
        size_t an = n - a;
        if (!strcmp(cmd, "Connect") || !strcmp(cmd, "Change user")) {
            /* "user@host on db [using TCP/IP]" or "Access denied for user ..." */
            access_denied(&p->rec, arg, an);
            if (!p->rec.auth_failure) {
                const char *on = find(arg, an, " on ");
                user_at_host(&p->rec, arg, on ? (size_t)(on - arg) : an);
                if (on) {
                    /* "on db using TCP/IP" / "on  using Socket" (no database) */
                    size_t j = skip_sp(arg, an, (size_t)(on - arg) + 4);
                    size_t k = j;
                    while (k < an && arg[k] != ' ')
                        k++;
                    if (!(k - j == 5 && !memcmp(arg + j, "using", 5)))
                        cpy(p->rec.db, sizeof p->rec.db, arg + j, k - j);
                }
                char *cd = conn_db(p, id, 1);
                memcpy(cd, p->rec.db, sizeof p->rec.db);
            }
            text_add(p, arg, an, 0);
        } else if (!strcmp(cmd, "Init DB")) {
            cpy(p->rec.db, sizeof p->rec.db, arg, an);
            memcpy(conn_db(p, id, 1), p->rec.db, sizeof p->rec.db);
            text_add(p, arg, an, 0);
        } else if (!strcmp(cmd, "Query") || !strcmp(cmd, "Prepare") || !strcmp(cmd, "Execute")) {
            p->text_is_sql = 1;
            char *cd = conn_db(p, id, 0);
            if (use_db(arg, an, p->rec.db, sizeof p->rec.db))
                memcpy(conn_db(p, id, 1), p->rec.db, sizeof p->rec.db);
            else if (cd)
                memcpy(p->rec.db, cd, sizeof p->rec.db);
            text_add(p, arg, an, 0);
        } else {
            text_add(p, arg, an, 0);
        }
        return 0;
    }
    /* server banners */
    if (find(s, n, ", Version: ") && find(s, n, "started with:"))
        return emit(p);
    if ((n >= 9 && !strncasecmp(s, "tcp port:", 9)) || (n >= 4 && !memcmp(s, "Time", 4) && find(s, n, "Id Command")))
        return emit(p);
    if (p->have && starts_with_datetime(s, n)) {
        /* Not the continuation of a query: a line of another log (an error log appended to
         * the same file, say). Merging it would hide it (access-denied lines are evidence):
         * keep it as a record of its own that we could not read as a general-log entry. */
        int rc = emit(p);
        if (rc)
            return rc;
        return emit_bad(p, s, n, lineno, off,
                        "timestamped line that is not a general-log entry (another log?)");
    }
    if (p->have) {
        /* continuation of a multi-line query: strip the log's indentation */
        size_t i = skip_sp(s, n, 0);
        text_add(p, s + i, n - i, 1);
        return 0;
    }
    if (n == 0)
        return 0;
    return emit_bad(p, s, n, lineno, off, "line is neither a general-log entry nor its continuation");
}

/* ---- slow log ----------------------------------------------------------------------------- */
/* "# Key: value  Key: value" pairs */
static void slow_pairs(ks_dblog_rec *r, const char *s, size_t n)
{
    size_t i = 1;
    for (size_t guard = 0; guard < 64 && i < n; guard++) {
        i = skip_sp(s, n, i);
        size_t k0 = i;
        while (i < n && s[i] != ':' && s[i] != ' ')
            i++;
        if (i >= n || s[i] != ':')
            break;
        const char *k = s + k0;
        size_t kl = i - k0;
        i = skip_sp(s, n, i + 1);
        size_t v0 = i;
        while (i < n && s[i] != ' ')
            i++;
        const char *v = s + v0;
        size_t vl = i - v0;
#define KEY(lit) (kl == sizeof(lit) - 1 && !memcmp(k, lit, kl))
        if (KEY("Query_time"))
            r->query_time = to_dbl(v, vl);
        else if (KEY("Lock_time"))
            r->lock_time = to_dbl(v, vl);
        else if (KEY("Rows_sent"))
            r->rows_sent = to_i64(v, vl);
        else if (KEY("Rows_examined"))
            r->rows_examined = to_i64(v, vl);
        else if (KEY("Thread_id") || KEY("Id"))
            r->conn_id = to_i64(v, vl);
        else if (KEY("Schema") && vl && v[vl - 1] != ':')
            cpy(r->db, sizeof r->db, v, vl);
        else if (KEY("Last_errno"))
            cpy(r->code, sizeof r->code, v, vl);
#undef KEY
    }
}

static int slow_line(ks_dblog *p, const char *s, size_t n, int64_t lineno, int64_t off)
{
    int is_time = n >= 7 && !memcmp(s, "# Time:", 7);
    int is_user = n >= 12 && !memcmp(s, "# User@Host:", 12);
    if (is_time || (is_user && (!p->have || p->slow_in_query || p->rec.user[0]))) {
        int rc = emit(p);
        if (rc)
            return rc;
        rec_start(p, lineno, off);
        cpy(p->rec.command, sizeof p->rec.command, "Query", 5);
        p->text_is_sql = 1;
        p->slow_in_query = 0;
    }
    if (is_time) {
        size_t i = skip_sp(s, n, 7);
        if (!iso_time(s + i, n - i, p->rec.time, sizeof p->rec.time))
            old_time(s + i, n - i, p->rec.time, sizeof p->rec.time);
        return 0;
    }
    if (is_user) {
        /* "# User@Host: user[user] @ host [ip]  Id: 12" */
        size_t i = skip_sp(s, n, 12);
        const char *id = find(s + i, n - i, "Id:");
        user_at_host(&p->rec, s + i, id ? (size_t)(id - s - i) : n - i);
        if (id) {
            size_t j = skip_sp(s, n, (size_t)(id - s) + 3);
            p->rec.conn_id = to_i64(s + j, n - j);
        }
        return 0;
    }
    if (find(s, n, ", Version: ") && find(s, n, "started with:"))
        return emit(p);
    if ((n >= 9 && !strncasecmp(s, "tcp port:", 9)) || (n >= 4 && !memcmp(s, "Time", 4) && find(s, n, "Id Command")))
        return 0;
    if (!p->have) {
        if (n == 0)
            return 0;
        /* a statement without a header (log start) still becomes a record */
        rec_start(p, lineno, off);
        cpy(p->rec.command, sizeof p->rec.command, "Query", 5);
        p->text_is_sql = 1;
    }
    if (n >= 1 && s[0] == '#' && !p->slow_in_query) {
        slow_pairs(&p->rec, s, n);
        return 0;
    }
    if (n >= 14 && !memcmp(s, "SET timestamp=", 14)) {
        if (!p->rec.time[0] && n > 15 && all_digits(s + 14, n - 15) && n - 15 <= 12)
            epoch_iso(to_i64(s + 14, n - 15) * 1000000, p->rec.time, sizeof p->rec.time);
        return 0;
    }
    if (n >= 4 && !memcmp(s, "use ", 4) && !p->slow_in_query) {
        size_t e = n;
        while (e > 4 && (s[e - 1] == ';' || s[e - 1] == ' '))
            e--;
        cpy(p->rec.db, sizeof p->rec.db, s + 4, e - 4);
        return 0;
    }
    if (n >= 1 && s[0] == '#' && p->slow_in_query) {
        /* a '#' line after the statement starts the next record's header block */
        int rc = emit(p);
        if (rc)
            return rc;
        rec_start(p, lineno, off);
        cpy(p->rec.command, sizeof p->rec.command, "Query", 5);
        p->text_is_sql = 1;
        slow_pairs(&p->rec, s, n);
        return 0;
    }
    p->slow_in_query = 1;
    text_add(p, s, n, 1);
    return 0;
}

/* ---- error log ---------------------------------------------------------------------------- */
static int error_line(ks_dblog *p, const char *s, size_t n, int64_t lineno, int64_t off)
{
    char time[48];
    size_t t = iso_time(s, n, time, sizeof time);
    if (!t)
        t = old_time(s, n, time, sizeof time);
    if (!t) {
        if (p->have) {
            text_add(p, s, n, 1);
            return 0;
        }
        if (n == 0)
            return 0;
        /* lines without time (mysqld_safe, InnoDB banners): records of their own */
        rec_start(p, lineno, off);
        text_add(p, s, n, 0);
        access_denied(&p->rec, s, n);
        return emit(p);
    }
    int rc = emit(p);
    if (rc)
        return rc;
    rec_start(p, lineno, off);
    memcpy(p->rec.time, time, sizeof time);
    size_t i = skip_sp(s, n, t);
    size_t d0 = i;
    while (i < n && dig(s[i]))
        i++;
    if (i > d0 && i < n && s[i] == ' ')
        p->rec.conn_id = to_i64(s + d0, i - d0);
    else
        i = d0;
    /* [Severity] [MY-nnnnnn] [Subsystem] */
    for (int k = 0; k < 3; k++) {
        i = skip_sp(s, n, i);
        if (i >= n || s[i] != '[')
            break;
        const char *e = memchr(s + i, ']', n - i);
        if (!e)
            break;
        const char *v = s + i + 1;
        size_t vl = (size_t)(e - v);
        if (k == 0)
            cpy(p->rec.severity, sizeof p->rec.severity, v, vl);
        else if (vl >= 3 && !memcmp(v, "MY-", 3))
            cpy(p->rec.code, sizeof p->rec.code, v, vl);
        else
            cpy(p->rec.command, sizeof p->rec.command, v, vl);
        i = (size_t)(e - s) + 1;
    }
    i = skip_sp(s, n, i);
    text_add(p, s + i, n - i, 0);
    access_denied(&p->rec, s + i, n - i);
    return 0;
}

/* ---- records that span lines (audit, CSV: quoted fields hold newlines) -------------------- */
/* record(p, at_eof) parses p->pending: 0 or an emit status when done, -1 when a quote is
 * still open and at_eof is 0 (with at_eof 1 the record is kept as it is, or as broken). */
typedef int (*pending_fn)(ks_dblog *p, int at_eof);

/* A line that starts a record (`starts`) completes the pending one; other lines join it
 * with '\n' until record() finds it complete, or until a quote left open has reached
 * KS_DBLOG_MAX_RECORD / 16. A line that neither starts nor continues a record is kept as
 * an error (why). */
static int pending_line(ks_dblog *p, const char *s, size_t n, int64_t lineno, int64_t off,
                        int starts, pending_fn record, const char *why)
{
    if (p->pending.len && starts) {
        /* a new record starts: the pending one is complete or broken */
        int rc = record(p, 1);
        if (rc)
            return rc;
    }
    if (!p->pending.len) {
        if (n == 0)
            return 0;
        if (!starts)
            return emit_bad(p, s, n, lineno, off, why);
        p->pend_line = lineno;
        p->pend_off = off;
    } else if (ks_buf_putc(&p->pending, '\n')) {
        return record(p, 1);
    }
    if (ks_buf_append(&p->pending, s, n))
        return record(p, 1);
    int rc = record(p, 0);
    if (rc == -1) {
        /* open quote: more lines follow; cap how far one record may reach */
        if (p->pending.len > KS_DBLOG_MAX_RECORD / 16)
            return record(p, 1);
        return 0;
    }
    return rc;
}

/* ---- MariaDB / RDS / Aurora audit --------------------------------------------------------- */
/* Whether a line starts like an audit record: "YYYYMMDD hh:mm:ss," or a 13-16 digit epoch. */
static int audit_start(const char *s, size_t n)
{
    if (n >= 18 && all_digits(s, 8) && s[8] == ' ' && dig(s[9]) && s[11] == ':' && s[17] == ',')
        return 1;
    size_t i = 0;
    while (i < n && dig(s[i]))
        i++;
    return i >= 10 && i <= 16 && i < n && s[i] == ',';
}

/* Parses one complete audit record text. Returns 0 ok, 1 unterminated quote. */
static int audit_parse(ks_dblog *p, const char *s, size_t n)
{
    ks_dblog_rec *r = &p->rec;
    /* 8 plain fields */
    const char *f[8];
    size_t fl[8];
    size_t i = 0;
    for (int k = 0; k < 8; k++) {
        size_t j = i;
        while (j < n && s[j] != ',')
            j++;
        f[k] = s + i;
        fl[k] = j - i;
        if (j >= n)
            return 2; /* the object and retcode fields are missing */
        i = j + 1;
    }
    /* time */
    if (fl[0] >= 17 && f[0][8] == ' ') {
        snprintf(r->time, sizeof r->time, "%.4s-%.2s-%.2sT%.8s", f[0], f[0] + 4, f[0] + 6, f[0] + 9);
    } else if (all_digits(f[0], fl[0])) {
        /* Aurora: microseconds since the epoch */
        int64_t us = to_i64(f[0], fl[0]);
        if (fl[0] <= 13)
            us *= 1000; /* milliseconds */
        epoch_iso(us, r->time, sizeof r->time);
    } else {
        cpy(r->time, sizeof r->time, f[0], fl[0]);
    }
    cpy(r->user, sizeof r->user, f[2], fl[2]);
    cpy(r->host, sizeof r->host, f[3], fl[3]);
    r->conn_id = all_digits(f[4], fl[4]) ? to_i64(f[4], fl[4]) : -1;
    cpy(r->command, sizeof r->command, f[6], fl[6]);
    cpy(r->db, sizeof r->db, f[7], fl[7]);
    /* object: quoted with ' and backslash escapes, or plain up to the next comma */
    ks_buf_reset(&p->text);
    if (i < n && s[i] == '\'') {
        size_t j = i + 1;
        int closed = 0;
        while (j < n) {
            if (s[j] == '\\' && j + 1 < n) {
                char c = s[j + 1];
                char o = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
                if (ks_buf_putc(&p->text, o))
                    r->truncated = 1;
                j += 2;
                continue;
            }
            if (s[j] == '\'') {
                closed = 1;
                j++;
                break;
            }
            if (ks_buf_putc(&p->text, s[j]))
                r->truncated = 1;
            j++;
        }
        if (!closed)
            return 1;
        i = j;
    } else {
        size_t j = i;
        while (j < n && s[j] != ',')
            j++;
        if (ks_buf_append(&p->text, s + i, j - i))
            r->truncated = 1;
        i = j;
    }
    if (i < n && s[i] == ',') {
        size_t j = i + 1;
        while (j < n && s[j] != ',')
            j++;
        cpy(r->code, sizeof r->code, s + i + 1, j - i - 1);
    }
    int is_query = !strcmp(r->command, "QUERY") || !strncmp(r->command, "QUERY_", 6);
    p->text_is_sql = is_query;
    if (!strcmp(r->command, "FAILED_CONNECT") ||
        (!strcmp(r->command, "CONNECT") && r->code[0] && strcmp(r->code, "0")))
        r->auth_failure = 1;
    if (!is_query && p->text.len && strcmp(r->command, "CONNECT") && strcmp(r->command, "DISCONNECT"))
        cpy(r->object, sizeof r->object, p->text.data, p->text.len);
    return 0;
}

static int audit_flush(ks_dblog *p, int at_eof)
{
    if (!p->pending.len)
        return 0;
    rec_start(p, p->pend_line, p->pend_off);
    int prc = audit_parse(p, p->pending.data, p->pending.len);
    if (prc == 1 && !at_eof) {
        p->have = 0;
        return -1; /* the quoted statement goes on: keep collecting */
    }
    if (prc) {
        rec_start(p, p->pend_line, p->pend_off);
        p->rec.bad = 1;
        p->rec.why = prc == 1 ? "audit record has an unterminated quoted statement"
                              : "audit record has fewer than 10 fields";
        if (ks_buf_append(&p->text, p->pending.data, p->pending.len))
            p->rec.truncated = 1;
    }
    ks_buf_reset(&p->pending);
    return emit(p);
}

static int audit_line(ks_dblog *p, const char *s, size_t n, int64_t lineno, int64_t off)
{
    /* CloudWatch Logs exports (to S3) put "ISO-time SPACE" before each message */
    {
        char t[48];
        size_t L = iso_time(s, n, t, sizeof t);
        if (L && L < n && s[L] == ' ' && audit_start(s + L + 1, n - L - 1)) {
            s += L + 1;
            n -= L + 1;
            off += (int64_t)L + 1;
        }
    }
    return pending_line(p, s, n, lineno, off, audit_start(s, n), audit_flush,
                        "line does not start an audit record");
}

/* ---- PostgreSQL stderr with log_line_prefix ----------------------------------------------- */
/* Matches the prefix format against the line; fills the record; returns the offset after the
 * prefix or 0 when the line does not start with it. */
static size_t pg_prefix(ks_dblog *p, const char *s, size_t n, ks_dblog_rec *r)
{
    const char *f = p->prefix;
    size_t i = 0;
    size_t q_pos = 0;
    int have_q = 0;
    for (size_t k = 0; f[k]; k++) {
        if (f[k] != '%') {
            if (f[k] == ' ' && i < n && s[i] == ' ') {
                i = skip_sp(s, n, i);
                continue;
            }
            if (i >= n || s[i] != f[k])
                goto fail;
            i++;
            continue;
        }
        char e = f[++k];
        if (!e)
            goto fail;
        if (e == 'q') {
            /* %q: non-session processes stop the prefix here */
            have_q = 1;
            q_pos = i;
            continue;
        }
        if (e == '%') {
            if (i >= n || s[i] != '%')
                goto fail;
            i++;
            continue;
        }
        if (e == 't' || e == 'm' || e == 'n') {
            char t[48];
            size_t L = iso_time(s + i, n - i, t, sizeof t);
            if (!L && e == 'n') {
                size_t j = i;
                while (j < n && (dig(s[j]) || s[j] == '.'))
                    j++;
                L = j - i;
                cpy(t, sizeof t, s + i, L);
            }
            if (!L)
                goto fail;
            i += L;
            /* " UTC" / " CEST" zone name */
            if (i + 1 < n && s[i] == ' ' && isupper((unsigned char)s[i + 1])) {
                size_t j = i + 1;
                while (j < n && (isupper((unsigned char)s[j]) || dig(s[j]) || s[j] == '+' || s[j] == '-'))
                    j++;
                size_t tl = strlen(t);
                if (j - i - 1 == 3 && !memcmp(s + i + 1, "UTC", 3) && tl + 1 < sizeof t)
                    memcpy(t + tl, "Z", 2);
                else if (tl + (j - i) < sizeof t)
                    cpy(t + tl, sizeof t - tl, s + i, j - i);
                i = j;
            }
            memcpy(r->time, t, sizeof r->time);
            continue;
        }
        /* other escapes: up to the next literal of the format */
        char stop = f[k + 1];
        size_t j = i;
        if (e == 'r' || e == 'h') {
            /* host(port) / [local]: may contain ':' (IPv6), so stop on "stop" after ')' */
            if (j < n && s[j] == '[') {
                const char *c = memchr(s + j, ']', n - j);
                if (c)
                    j = (size_t)(c - s) + 1;
            } else {
                const char *par = memchr(s + j, '(', n - j);
                const char *st = stop ? memchr(s + j, stop, n - j) : NULL;
                /* an IPv6 host holds ':' before its "(port)": accept the parenthesis when
                 * only address characters precede it */
                int addr_only = par != NULL && par > s + j;
                for (const char *q = s + j; addr_only && q < par; q++)
                    if (!(isxdigit((unsigned char)*q) || *q == ':' || *q == '.'))
                        addr_only = 0;
                if (par && (!st || par < st || (e == 'r' && addr_only))) {
                    const char *c = memchr(par, ')', n - (size_t)(par - s));
                    j = c ? (size_t)(c - s) + 1 : j;
                    if (!c)
                        while (j < n && s[j] != stop)
                            j++;
                } else {
                    while (j < n && s[j] != stop)
                        j++;
                }
            }
        } else if (stop && stop != '%') {
            while (j < n && s[j] != stop)
                j++;
        } else {
            while (j < n && s[j] != ' ')
                j++;
        }
        const char *v = s + i;
        size_t vl = j - i;
        switch (e) {
        case 'u': cpy(r->user, sizeof r->user, v, vl); break;
        case 'd': cpy(r->db, sizeof r->db, v, vl); break;
        case 'p': r->conn_id = all_digits(v, vl) ? to_i64(v, vl) : -1; break;
        case 'r': case 'h': {
            const char *par = memchr(v, '(', vl);
            cpy(r->host, sizeof r->host, v, par ? (size_t)(par - v) : vl);
            break;
        }
        case 'e': cpy(r->code, sizeof r->code, v, vl); break;
        default: break;
        }
        i = j;
    }
    return i;
fail:
    return have_q ? q_pos : 0;
}


static const char *const k_pg_levels[] = {"LOG", "ERROR", "FATAL", "PANIC", "WARNING", "NOTICE",
                                           "INFO", "DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4",
                                           "DEBUG5", "DETAIL", "HINT", "STATEMENT", "CONTEXT",
                                           "QUERY", "LOCATION", NULL};

/* CSV fields of a pgaudit record: "SESSION,1,1,READ,SELECT,TABLE,public.t,stmt,params" */
static void pgaudit(ks_dblog *p, const char *s, size_t n)
{
    ks_dblog_rec *r = &p->rec;
    size_t i = 0;
    ks_buf_reset(&p->text);
    for (int k = 0; k < 9 && i <= n; k++) {
        ks_buf fld;
        ks_buf_init(&fld, KS_DBLOG_MAX_RECORD);
        if (i < n && s[i] == '"') {
            size_t j = i + 1;
            while (j < n) {
                if (s[j] == '"' && j + 1 < n && s[j + 1] == '"') {
                    ks_buf_putc(&fld, '"');
                    j += 2;
                    continue;
                }
                if (s[j] == '"') {
                    j++;
                    break;
                }
                ks_buf_putc(&fld, s[j]);
                j++;
            }
            i = j;
        } else {
            size_t j = i;
            /* the statement field (7) may hold commas when unquoted only if the last field
             * is "<not logged>" or a quoted list: take up to the last comma instead */
            if (k == 7) {
                const char *last = NULL;
                for (size_t q = n; q > i; q--)
                    if (s[q - 1] == ',') {
                        last = s + q - 1;
                        break;
                    }
                j = last ? (size_t)(last - s) : n;
            } else {
                while (j < n && s[j] != ',')
                    j++;
            }
            ks_buf_append(&fld, s + i, j - i);
            i = j;
        }
        const char *v = fld.data ? fld.data : "";
        switch (k) {
        case 0: cpy(r->audit_type, sizeof r->audit_type, v, fld.len); break;
        case 3: cpy(r->audit_class, sizeof r->audit_class, v, fld.len); break;
        case 4: cpy(r->command, sizeof r->command, v, fld.len); break;
        case 6: cpy(r->object, sizeof r->object, v, fld.len); break;
        case 7:
            if (ks_buf_append(&p->text, v, fld.len))
                r->truncated = 1;
            p->text_is_sql = 1;
            break;
        default: break;
        }
        ks_buf_free(&fld);
        if (i < n && s[i] == ',')
            i++;
        else
            i = n + 1;
    }
}

static int quotes_open(const char *s, size_t n)
{
    size_t q = 0;
    for (size_t i = 0; i < n; i++)
        q += s[i] == '"';
    return (int)(q & 1);
}

/* The message part of a PostgreSQL record (after "LEVEL:  "), for stderr and csvlog. */
static void pg_message(ks_dblog *p, const char *lvl, const char *m, size_t mn)
{
    cpy(p->rec.severity, sizeof p->rec.severity, lvl, strlen(lvl));
    cpy(p->rec.command, sizeof p->rec.command, lvl, strlen(lvl));
    const char *st;
    if (mn >= 7 && !memcmp(m, "AUDIT: ", 7)) {
        /* a quoted statement with newlines continues on the next lines: keep the raw
         * record and parse it again once its quotes balance */
        ks_buf_reset(&p->pending);
        if (ks_buf_append(&p->pending, m + 7, mn - 7))
            p->rec.truncated = 1;
        p->pgaudit_open = quotes_open(p->pending.data, p->pending.len);
        pgaudit(p, m + 7, mn - 7);
        return;
    }
    if ((st = find(m, mn, "statement: ")) != NULL && (st == m || find(m, mn, "duration: ") == m)) {
        if (find(m, mn, "duration: ") == m)
            p->rec.query_time = to_dbl(m + 10, mn - 10) / 1000.0;
        cpy(p->rec.command, sizeof p->rec.command, "statement", 9);
        p->text_is_sql = 1;
        size_t k = (size_t)(st - m) + 11;
        text_add(p, m + k, mn - k, 0);
        return;
    }
    if (find(m, mn, "execute ") == m || find(m, mn, "duration: ") == m) {
        const char *c = find(m, mn, ": ");
        const char *c2 = c ? find(c + 2, mn - (size_t)(c + 2 - m), ": ") : NULL;
        if (find(m, mn, "duration: ") == m)
            p->rec.query_time = to_dbl(m + 10, mn - 10) / 1000.0;
        if (c2) {
            p->text_is_sql = 1;
            text_add(p, c2 + 2, mn - (size_t)(c2 + 2 - m), 0);
            return;
        }
    }
    if (find(m, mn, "connection authorized: ") == m || find(m, mn, "connection received: ") == m ||
        find(m, mn, "disconnection: ") == m) {
        cpy(p->rec.command, sizeof p->rec.command, m, (size_t)((const char *)memchr(m, ':', mn) - m));
        const char *u = find(m, mn, "user=");
        if (u && !p->rec.user[0]) {
            size_t k = (size_t)(u - m) + 5, e = k;
            while (e < mn && m[e] != ' ')
                e++;
            cpy(p->rec.user, sizeof p->rec.user, m + k, e - k);
        }
        const char *d = find(m, mn, "database=");
        if (d && !p->rec.db[0]) {
            size_t k = (size_t)(d - m) + 9, e = k;
            while (e < mn && m[e] != ' ')
                e++;
            cpy(p->rec.db, sizeof p->rec.db, m + k, e - k);
        }
        const char *h = find(m, mn, "host=");
        if (h && !p->rec.host[0]) {
            size_t k = (size_t)(h - m) + 5, e = k;
            while (e < mn && m[e] != ' ')
                e++;
            cpy(p->rec.host, sizeof p->rec.host, m + k, e - k);
        }
    }
    if (find(m, mn, "password authentication failed for user") ||
        find(m, mn, "no pg_hba.conf entry for host") ||
        find(m, mn, "authentication failed for user")) {
        p->rec.auth_failure = 1;
        const char *q = find(m, mn, "user \"");
        if (q) {
            size_t k = (size_t)(q - m) + 6;
            const char *e = memchr(m + k, '"', mn - k);
            if (e)
                cpy(p->rec.user, sizeof p->rec.user, m + k, (size_t)(e - m - k));
        }
    }
    text_add(p, m, mn, 0);
}


static int pg_line(ks_dblog *p, const char *s, size_t n, int64_t lineno, int64_t off)
{
    ks_dblog_rec r;
    memset(&r, 0, sizeof r);
    r.conn_id = -1;
    size_t i = pg_prefix(p, s, n, &r);
    size_t lvl_end = 0;
    const char *lvl = NULL;
    if (i) {
        size_t j = skip_sp(s, n, i);
        for (size_t k = 0; k_pg_levels[k]; k++) {
            size_t L = strlen(k_pg_levels[k]);
            if (L + 1 <= n - j && !memcmp(s + j, k_pg_levels[k], L) && s[j + L] == ':') {
                lvl = k_pg_levels[k];
                lvl_end = j + L + 1;
                break;
            }
        }
    }
    if (!lvl) {
        if (p->have && (n == 0 || s[0] == '\t' || s[0] == ' ' || !i)) {
            size_t j = n && s[0] == '\t' ? 1 : 0;
            if (p->pgaudit_open) {
                if (ks_buf_putc(&p->pending, '\n') || ks_buf_append(&p->pending, s + j, n - j))
                    p->rec.truncated = 1;
                p->pgaudit_open = quotes_open(p->pending.data, p->pending.len);
                if (!p->pgaudit_open)
                    pgaudit(p, p->pending.data, p->pending.len);
            } else if (p->cont_sqlbuf) {
                if (ks_buf_putc(&p->sqlbuf, '\n') || ks_buf_append(&p->sqlbuf, s + j, n - j))
                    p->rec.truncated = 1;
            } else {
                text_add(p, s + j, n - j, 1);
            }
            return 0;
        }
        if (n == 0)
            return 0;
        return emit_bad(p, s, n, lineno, off, "line does not match log_line_prefix");
    }
    const char *m = s + skip_sp(s, n, lvl_end);
    size_t mn = n - (size_t)(m - s);
    /* DETAIL/STATEMENT/HINT lines belong to the record before them */
    if (p->have && (!strcmp(lvl, "STATEMENT") || !strcmp(lvl, "DETAIL") || !strcmp(lvl, "HINT") ||
                    !strcmp(lvl, "CONTEXT") || !strcmp(lvl, "QUERY") || !strcmp(lvl, "LOCATION"))) {
        if (!strcmp(lvl, "STATEMENT") && !p->text_is_sql) {
            /* the statement that caused an ERROR: the error stays the message */
            if (ks_buf_append(&p->sqlbuf, m, mn))
                p->rec.truncated = 1;
            p->cont_sqlbuf = 1;
            return 0;
        } else {
            p->cont_sqlbuf = 0;
            text_add(p, lvl, strlen(lvl), 1);
            text_add(p, ": ", 2, 0);
        }
        text_add(p, m, mn, 0);
        return 0;
    }
    int rc = emit(p);
    if (rc)
        return rc;
    rec_start(p, lineno, off);
    int64_t l = p->rec.line, o = p->rec.offset;
    p->rec = r;
    p->rec.format = p->f;
    p->rec.line = l;
    p->rec.offset = o;
    p->rec.query_time = -1;
    p->rec.lock_time = -1;
    p->rec.rows_sent = p->rec.rows_examined = -1;
    pg_message(p, lvl, m, mn);
    return 0;
}

/* ---- CSV logs (general_log table file, PostgreSQL csvlog) -------------------------------- */
#define DBLOG_CSV_FIELDS 32

/* Splits one CSV record; fields are unquoted into `store` (offsets in st/ln). Doubled quotes
 * and, when `bs`, backslash escapes (\" \\ \n \r \t, the CSV engine's) are undone. Returns
 * the field count, or -1 when a quoted field is still open at the end (the record goes on
 * on the next line). */
static int csv_split(const char *s, size_t n, ks_buf *store, size_t *st, size_t *ln, int bs)
{
    ks_buf_reset(store);
    int nf = 0;
    size_t i = 0;
    for (;;) {
        if (nf >= DBLOG_CSV_FIELDS)
            return nf;
        st[nf] = store->len;
        if (i < n && s[i] == '"') {
            size_t j = i + 1;
            int closed = 0;
            while (j < n) {
                char c = s[j];
                if (bs && c == '\\' && j + 1 < n) {
                    char d = s[j + 1];
                    ks_buf_putc(store, d == 'n' ? '\n' : d == 'r' ? '\r' : d == 't' ? '\t' : d == '0' ? '\0' : d);
                    j += 2;
                    continue;
                }
                if (c == '"') {
                    if (j + 1 < n && s[j + 1] == '"') {
                        ks_buf_putc(store, '"');
                        j += 2;
                        continue;
                    }
                    closed = 1;
                    j++;
                    break;
                }
                ks_buf_putc(store, c);
                j++;
            }
            if (!closed)
                return -1;
            i = j;
        } else {
            size_t j = i;
            while (j < n && s[j] != ',')
                j++;
            ks_buf_append(store, s + i, j - i);
            i = j;
        }
        ln[nf] = store->len - st[nf];
        nf++;
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        return nf;
    }
}

static int csv_record(ks_dblog *p, int at_eof)
{
    if (!p->pending.len)
        return 0;
    size_t st[DBLOG_CSV_FIELDS], ln[DBLOG_CSV_FIELDS];
    int bs = p->f == KS_DBLOG_MYSQL_GENERAL_CSV;
    int nf = csv_split(p->pending.data, p->pending.len, &p->csvstore, st, ln, bs);
    if (nf < 0 && !at_eof)
        return -1;
    rec_start(p, p->pend_line, p->pend_off);
    int need = p->f == KS_DBLOG_PG_CSV ? 14 : 6;
    if (nf < need) {
        p->rec.bad = 1;
        p->rec.why = nf < 0 ? "CSV record has an unterminated quoted field"
                            : "CSV record has too few fields";
        text_add(p, p->pending.data, p->pending.len, 0);
        ks_buf_reset(&p->pending);
        return emit(p);
    }
    const char *b = p->csvstore.data ? p->csvstore.data : "";
#define F(k) (b + st[k]), ln[k]
    if (p->f == KS_DBLOG_MYSQL_GENERAL_CSV) {
        if (!iso_time(F(0), p->rec.time, sizeof p->rec.time))
            cpy(p->rec.time, sizeof p->rec.time, F(0));
        user_at_host(&p->rec, F(1));
        p->rec.conn_id = all_digits(F(2)) ? to_i64(F(2)) : -1;
        cpy(p->rec.command, sizeof p->rec.command, F(4));
        const char *arg = b + st[5];
        size_t an = ln[5];
        if (!strcmp(p->rec.command, "Query") || !strcmp(p->rec.command, "Execute") ||
            !strcmp(p->rec.command, "Prepare")) {
            p->text_is_sql = 1;
            char *cd = conn_db(p, p->rec.conn_id, 0);
            if (use_db(arg, an, p->rec.db, sizeof p->rec.db))
                memcpy(conn_db(p, p->rec.conn_id, 1), p->rec.db, sizeof p->rec.db);
            else if (cd)
                memcpy(p->rec.db, cd, sizeof p->rec.db);
        } else if (!strcmp(p->rec.command, "Connect")) {
            access_denied(&p->rec, arg, an);
            const char *on = find(arg, an, " on ");
            if (!p->rec.auth_failure)
                user_at_host(&p->rec, arg, on ? (size_t)(on - arg) : an);
            if (on) {
                size_t j = skip_sp(arg, an, (size_t)(on - arg) + 4), k = j;
                while (k < an && arg[k] != ' ')
                    k++;
                if (!(k - j == 5 && !memcmp(arg + j, "using", 5)))
                    cpy(p->rec.db, sizeof p->rec.db, arg + j, k - j);
                memcpy(conn_db(p, p->rec.conn_id, 1), p->rec.db, sizeof p->rec.db);
            }
        } else if (!strcmp(p->rec.command, "Init DB")) {
            cpy(p->rec.db, sizeof p->rec.db, arg, an);
            memcpy(conn_db(p, p->rec.conn_id, 1), p->rec.db, sizeof p->rec.db);
        }
        text_add(p, arg, an, 0);
    } else {
        char t[48];
        size_t L = iso_time(F(0), t, sizeof t);
        if (L) {
            const char *z = b + st[0] + L;
            size_t zl = ln[0] - L;
            if (zl == 4 && !memcmp(z, " UTC", 4) && strlen(t) + 1 < sizeof t)
                memcpy(t + strlen(t), "Z", 2);
            memcpy(p->rec.time, t, sizeof t);
        } else {
            cpy(p->rec.time, sizeof p->rec.time, F(0));
        }
        cpy(p->rec.user, sizeof p->rec.user, F(1));
        cpy(p->rec.db, sizeof p->rec.db, F(2));
        p->rec.conn_id = all_digits(F(3)) ? to_i64(F(3)) : -1;
        /* connection_from: "host:port" (IPv6 hosts hold ':' too: cut at the last one) */
        const char *cf = b + st[4];
        size_t cl = ln[4];
        size_t cut = cl;
        for (size_t k = cl; k > 0; k--)
            if (cf[k - 1] == ':') {
                cut = k - 1;
                break;
            }
        cpy(p->rec.host, sizeof p->rec.host, cf, cut);
        cpy(p->rec.code, sizeof p->rec.code, F(12));
        char lvl[16];
        cpy(lvl, sizeof lvl, F(11));
        pg_message(p, lvl, F(13));
        if (nf > 14 && ln[14]) {
            text_add(p, "DETAIL: ", 8, 1);
            text_add(p, F(14), 0);
        }
        if (nf > 19 && ln[19] && !p->text_is_sql && ks_buf_append(&p->sqlbuf, F(19)))
            p->rec.truncated = 1;
    }
#undef F
    ks_buf_reset(&p->pending);
    return emit(p);
}

static int csv_start(const ks_dblog *p, const char *s, size_t n)
{
    if (p->f == KS_DBLOG_PG_CSV) {
        char t[48];
        return iso_time(s, n, t, sizeof t) > 0;
    }
    return n > 20 && s[0] == '"' && dig(s[1]);
}

static int csv_line(ks_dblog *p, const char *s, size_t n, int64_t lineno, int64_t off)
{
    return pending_line(p, s, n, lineno, off, csv_start(p, s, n), csv_record,
                        "line does not start a CSV log record");
}

/* ---- MySQL Enterprise / Percona audit XML --------------------------------------------- */
/* Appends the XML-unescaped text to b (&lt; &gt; &amp; &quot; &apos; &#N; &#xH;). */
static void xml_unescape(ks_buf *b, const char *s, size_t n, int *trunc)
{
    for (size_t i = 0; i < n; i++) {
        int rc;
        if (s[i] == '&') {
            const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
            if (semi) {
                const char *e = s + i + 1;
                size_t el = (size_t)(semi - e);
                int ch = -1;
                if (el == 2 && !memcmp(e, "lt", 2)) ch = '<';
                else if (el == 2 && !memcmp(e, "gt", 2)) ch = '>';
                else if (el == 3 && !memcmp(e, "amp", 3)) ch = '&';
                else if (el == 4 && !memcmp(e, "quot", 4)) ch = '"';
                else if (el == 4 && !memcmp(e, "apos", 4)) ch = '\'';
                else if (el >= 2 && e[0] == '#') {
                    long v = 0;
                    int hex = e[1] == 'x' || e[1] == 'X';
                    for (size_t k = hex ? 2 : 1; k < el && v < 0x110000; k++) {
                        char c = e[k];
                        int d = dig(c) ? c - '0' : hex && isxdigit((unsigned char)c) ? (c | 32) - 'a' + 10 : -1;
                        if (d < 0) { v = -1; break; }
                        v = v * (hex ? 16 : 10) + d;
                    }
                    if (v >= 0 && v < 0x80)
                        ch = (int)v;
                }
                if (ch >= 0) {
                    if (ks_buf_putc(b, (char)ch))
                        *trunc = 1;
                    i = (size_t)(semi - s);
                    continue;
                }
            }
        }
        rc = ks_buf_putc(b, s[i]);
        if (rc)
            *trunc = 1;
    }
}

/* Value of field `name` in a record: attribute NAME="v" or element <NAME>v</NAME>. */
static int xml_field(const char *r, size_t n, const char *name, const char **v, size_t *vl)
{
    size_t L = strlen(name);
    for (const char *p = r; p && p < r + n;) {
        const char *hit = memmem(p, (size_t)(r + n - p), name, L);
        if (!hit)
            return 0;
        const char *after = hit + L;
        char before = hit > r ? hit[-1] : ' ';
        if ((before == ' ' || before == '\n' || before == '\t' || before == '\r') &&
            after + 1 < r + n && after[0] == '=' && after[1] == '"') {
            const char *q = memchr(after + 2, '"', (size_t)(r + n - after - 2));
            if (!q)
                return 0;
            *v = after + 2;
            *vl = (size_t)(q - after - 2);
            return 1;
        }
        if (before == '<' && after < r + n && after[0] == '>') {
            const char *e = memmem(after + 1, (size_t)(r + n - after - 1), "</", 2);
            if (!e)
                return 0;
            *v = after + 1;
            *vl = (size_t)(e - after - 1);
            return 1;
        }
        p = hit + 1;
    }
    return 0;
}

static void xml_to(const char *r, size_t n, const char *name, char *dst, size_t cap)
{
    const char *v;
    size_t vl;
    dst[0] = '\0';
    if (!xml_field(r, n, name, &v, &vl))
        return;
    ks_buf b;
    ks_buf_init(&b, cap);
    int tr = 0;
    xml_unescape(&b, v, vl, &tr);
    cpy(dst, cap, b.data ? b.data : "", b.len);
    ks_buf_free(&b);
}

static int xml_record(ks_dblog *p)
{
    const char *r = p->pending.data ? p->pending.data : "";
    size_t n = p->pending.len;
    rec_start(p, p->pend_line, p->pend_off);
    char tmp[256];
    xml_to(r, n, "NAME", p->rec.command, sizeof p->rec.command);
    xml_to(r, n, "TIMESTAMP", tmp, sizeof tmp);
    size_t L = iso_time(tmp, strlen(tmp), p->rec.time, sizeof p->rec.time);
    if (L && !strcmp(tmp + L, " UTC") && strlen(p->rec.time) + 1 < sizeof p->rec.time)
        memcpy(p->rec.time + strlen(p->rec.time), "Z", 2);
    else if (!L)
        cpy(p->rec.time, sizeof p->rec.time, tmp, strlen(tmp));
    xml_to(r, n, "CONNECTION_ID", tmp, sizeof tmp);
    p->rec.conn_id = all_digits(tmp, strlen(tmp)) ? to_i64(tmp, strlen(tmp)) : -1;
    xml_to(r, n, "USER", tmp, sizeof tmp);
    if (strchr(tmp, '@'))
        user_at_host(&p->rec, tmp, strlen(tmp));
    else
        cpy(p->rec.user, sizeof p->rec.user, tmp, strlen(tmp));
    xml_to(r, n, "HOST", tmp, sizeof tmp);
    if (tmp[0])
        cpy(p->rec.host, sizeof p->rec.host, tmp, strlen(tmp));
    xml_to(r, n, "IP", tmp, sizeof tmp);
    if (tmp[0])
        cpy(p->rec.host, sizeof p->rec.host, tmp, strlen(tmp)); /* the address, when logged */
    xml_to(r, n, "DB", p->rec.db, sizeof p->rec.db);
    xml_to(r, n, "STATUS", p->rec.code, sizeof p->rec.code);
    xml_to(r, n, "COMMAND_CLASS", p->rec.audit_class, sizeof p->rec.audit_class);
    if (!strcmp(p->rec.command, "Connect") && p->rec.code[0] && strcmp(p->rec.code, "0"))
        p->rec.auth_failure = 1;
    const char *v;
    size_t vl;
    if (xml_field(r, n, "SQLTEXT", &v, &vl)) {
        int tr = 0;
        p->text_is_sql = 1;
        xml_unescape(&p->text, v, vl, &tr);
        if (tr)
            p->rec.truncated = 1;
    }
    ks_buf_reset(&p->pending);
    p->xml_open = 0;
    return emit(p);
}

static int xml_line(ks_dblog *p, const char *s, size_t n, int64_t lineno, int64_t off)
{
    if (!p->xml_open) {
        const char *st = find(s, n, "<AUDIT_RECORD");
        if (!st) {
            size_t i = skip_sp(s, n, 0);
            if (i == n || find(s, n, "<?xml") || find(s, n, "<AUDIT>") || find(s, n, "</AUDIT>"))
                return 0;
            return emit_bad(p, s, n, lineno, off, "line is outside any AUDIT_RECORD");
        }
        size_t k = (size_t)(st - s);
        p->xml_open = 1;
        p->pend_line = lineno;
        p->pend_off = off + (int64_t)k;
        ks_buf_reset(&p->pending);
        s += k;
        n -= k;
    } else if (ks_buf_putc(&p->pending, '\n')) {
        p->rec.truncated = 1;
    }
    if (ks_buf_append(&p->pending, s, n) || p->pending.len > KS_DBLOG_MAX_RECORD / 16) {
        int rc = emit_bad(p, "", 0, p->pend_line, p->pend_off, "AUDIT_RECORD too long or never closed");
        ks_buf_reset(&p->pending);
        p->xml_open = 0;
        return rc;
    }
    const char *d = p->pending.data;
    size_t dl = p->pending.len;
    /* old style ends with "/>", new style with "</AUDIT_RECORD>" */
    int new_style = dl > 13 && d[13] == '>';
    if ((new_style && find(d, dl, "</AUDIT_RECORD>")) || (!new_style && find(d, dl, "/>")))
        return xml_record(p);
    return 0;
}

/* ---- PostgreSQL jsonlog ------------------------------------------------------------------
 * One flat JSON object per line (PostgreSQL 15 "jsonlog": timestamp, user, dbname, pid,
 * remote_host, remote_port, session_id, error_severity, state_code, message, detail,
 * statement, ...). The values are strings and numbers only, so a flat reader suffices here;
 * nested values are skipped whole. (When core/json lands this can move onto it.) */
typedef struct jfield {
    const char *k;
    size_t kl;
    const char *v; /* raw value text: for strings, between the quotes (still escaped) */
    size_t vl;
    int is_str;
} jfield;

static size_t json_skip_string(const char *s, size_t n, size_t i)
{
    /* s[i] == '"'; returns the index after the closing quote, or n */
    for (i++; i < n; i++) {
        if (s[i] == '\\') {
            i++;
            continue;
        }
        if (s[i] == '"')
            return i + 1;
    }
    return n;
}

/* Splits a flat object into fields; returns the count, -1 when malformed. */
static int json_flat(const char *s, size_t n, jfield *f, int max)
{
    size_t i = skip_sp(s, n, 0);
    if (i >= n || s[i] != '{')
        return -1;
    i++;
    int nf = 0;
    for (int guard = 0; guard < 4096; guard++) {
        i = skip_sp(s, n, i);
        if (i < n && s[i] == '}')
            return nf;
        if (i >= n || s[i] != '"')
            return -1;
        size_t ke = json_skip_string(s, n, i);
        if (ke >= n)
            return -1;
        jfield cur = {s + i + 1, ke - i - 2, NULL, 0, 0};
        i = skip_sp(s, n, ke);
        if (i >= n || s[i] != ':')
            return -1;
        i = skip_sp(s, n, i + 1);
        if (i >= n)
            return -1;
        size_t v0 = i;
        if (s[i] == '"') {
            size_t ve = json_skip_string(s, n, i);
            if (ve > n || s[ve - 1] != '"' || ve == i + 1)
                return -1;
            cur.v = s + i + 1;
            cur.vl = ve - i - 2;
            cur.is_str = 1;
            i = ve;
        } else if (s[i] == '{' || s[i] == '[') {
            int depth = 0;
            for (; i < n; i++) {
                if (s[i] == '"') {
                    i = json_skip_string(s, n, i) - 1;
                    continue;
                }
                if (s[i] == '{' || s[i] == '[')
                    depth++;
                else if ((s[i] == '}' || s[i] == ']') && --depth == 0) {
                    i++;
                    break;
                }
            }
            if (depth)
                return -1;
            cur.v = s + v0;
            cur.vl = i - v0;
        } else {
            while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ' ')
                i++;
            cur.v = s + v0;
            cur.vl = i - v0;
        }
        if (nf < max)
            f[nf++] = cur;
        i = skip_sp(s, n, i);
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i < n && s[i] == '}')
            return nf;
        return -1;
    }
    return -1;
}

/* JSON string unescaping (\" \\ \/ \b \f \n \r \t \uXXXX incl. surrogate pairs) into b. */
static void json_unescape(ks_buf *b, const char *s, size_t n, int *trunc)
{
    for (size_t i = 0; i < n; i++) {
        int rc = 0;
        if (s[i] != '\\' || i + 1 >= n) {
            rc = ks_buf_putc(b, s[i]);
        } else {
            char c = s[++i];
            if (c == 'u' && i + 4 < n) {
                uint32_t cp = 0;
                int ok = 1;
                for (int k = 1; k <= 4; k++) {
                    char h = s[i + k];
                    int d = dig(h) ? h - '0' : isxdigit((unsigned char)h) ? (h | 32) - 'a' + 10 : -1;
                    if (d < 0)
                        ok = 0;
                    cp = cp * 16 + (uint32_t)(d < 0 ? 0 : d);
                }
                if (!ok) {
                    rc = ks_buf_putc(b, '?');
                } else {
                    i += 4;
                    if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < n && s[i + 1] == '\\' && s[i + 2] == 'u') {
                        uint32_t lo = 0;
                        for (int k = 3; k <= 6; k++) {
                            char h = s[i + k];
                            lo = lo * 16 + (uint32_t)(dig(h) ? h - '0' : isxdigit((unsigned char)h) ? (h | 32) - 'a' + 10 : 0);
                        }
                        if (lo >= 0xdc00 && lo < 0xe000) {
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                            i += 6;
                        }
                    }
                    char u[4];
                    size_t ul;
                    if (cp < 0x80) { u[0] = (char)cp; ul = 1; }
                    else if (cp < 0x800) { u[0] = (char)(0xc0 | cp >> 6); u[1] = (char)(0x80 | (cp & 63)); ul = 2; }
                    else if (cp < 0x10000) { u[0] = (char)(0xe0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 63)); u[2] = (char)(0x80 | (cp & 63)); ul = 3; }
                    else { u[0] = (char)(0xf0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 63)); u[2] = (char)(0x80 | ((cp >> 6) & 63)); u[3] = (char)(0x80 | (cp & 63)); ul = 4; }
                    rc = ks_buf_append(b, u, ul);
                }
            } else {
                char o = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
                rc = ks_buf_putc(b, o);
            }
        }
        if (rc)
            *trunc = 1;
    }
}

static void jf_to(const jfield *f, int nf, const char *key, char *dst, size_t cap)
{
    dst[0] = '\0';
    size_t kl = strlen(key);
    for (int i = 0; i < nf; i++)
        if (f[i].kl == kl && !memcmp(f[i].k, key, kl)) {
            ks_buf b;
            ks_buf_init(&b, cap);
            int tr = 0;
            if (f[i].is_str)
                json_unescape(&b, f[i].v, f[i].vl, &tr);
            else
                ks_buf_append(&b, f[i].v, f[i].vl);
            cpy(dst, cap, b.data ? b.data : "", b.len);
            ks_buf_free(&b);
            return;
        }
}

static const jfield *jf_get(const jfield *f, int nf, const char *key)
{
    size_t kl = strlen(key);
    for (int i = 0; i < nf; i++)
        if (f[i].kl == kl && !memcmp(f[i].k, key, kl))
            return &f[i];
    return NULL;
}

static int pgjson_line(ks_dblog *p, const char *s, size_t n, int64_t lineno, int64_t off)
{
    if (skip_sp(s, n, 0) == n)
        return 0;
    jfield f[64];
    int nf = json_flat(s, n, f, 64);
    if (nf < 0)
        return emit_bad(p, s, n, lineno, off, "line is not a flat JSON object");
    rec_start(p, lineno, off);
    char tmp[256];
    jf_to(f, nf, "timestamp", tmp, sizeof tmp);
    size_t L = iso_time(tmp, strlen(tmp), p->rec.time, sizeof p->rec.time);
    if (L && !strcmp(tmp + L, " UTC") && strlen(p->rec.time) + 1 < sizeof p->rec.time)
        memcpy(p->rec.time + strlen(p->rec.time), "Z", 2);
    else if (!L)
        cpy(p->rec.time, sizeof p->rec.time, tmp, strlen(tmp));
    jf_to(f, nf, "user", p->rec.user, sizeof p->rec.user);
    jf_to(f, nf, "dbname", p->rec.db, sizeof p->rec.db);
    jf_to(f, nf, "remote_host", p->rec.host, sizeof p->rec.host);
    jf_to(f, nf, "state_code", p->rec.code, sizeof p->rec.code);
    jf_to(f, nf, "pid", tmp, sizeof tmp);
    p->rec.conn_id = all_digits(tmp, strlen(tmp)) ? to_i64(tmp, strlen(tmp)) : -1;
    char lvl[16];
    jf_to(f, nf, "error_severity", lvl, sizeof lvl);
    ks_buf msg;
    ks_buf_init(&msg, KS_DBLOG_MAX_RECORD);
    int tr = 0;
    const jfield *m = jf_get(f, nf, "message");
    if (m && m->is_str)
        json_unescape(&msg, m->v, m->vl, &tr);
    pg_message(p, lvl[0] ? lvl : "LOG", msg.data ? msg.data : "", msg.len);
    ks_buf_free(&msg);
    const jfield *d = jf_get(f, nf, "detail");
    if (d && d->is_str) {
        text_add(p, "DETAIL: ", 8, 1);
        json_unescape(&p->text, d->v, d->vl, &tr);
    }
    const jfield *st = jf_get(f, nf, "statement");
    if (st && st->is_str && !p->text_is_sql)
        json_unescape(&p->sqlbuf, st->v, st->vl, &tr);
    if (tr)
        p->rec.truncated = 1;
    return emit(p);
}

/* ---- public ------------------------------------------------------------------------------- */
int ks_dblog_new(ks_dblog **out, ks_dblog_format f, const char *pg_prefix, ks_dblog_fn cb,
                 void *ctx, ks_err *err)
{
    if (f == KS_DBLOG_UNKNOWN)
        return KS_ERR(err, KS_EUSAGE, "no log format given");
    ks_dblog *p = calloc(1, sizeof *p);
    if (!p)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    p->f = f;
    p->cb = cb;
    p->ctx = ctx;
    snprintf(p->prefix, sizeof p->prefix, "%s", pg_prefix ? pg_prefix : KS_DBLOG_RDS_PG_PREFIX);
    p->guessing = f == KS_DBLOG_PG_STDERR && !pg_prefix;
    ks_buf_init(&p->text, KS_DBLOG_MAX_RECORD);
    ks_buf_init(&p->pending, KS_DBLOG_MAX_RECORD);
    ks_buf_init(&p->csvstore, KS_DBLOG_MAX_RECORD);
    ks_buf_init(&p->sqlbuf, KS_DBLOG_MAX_RECORD);
    *out = p;
    return 0;
}

static int dispatch_line(ks_dblog *p, const char *line, size_t n, int64_t lineno,
                         int64_t offset);

/* Decides the PostgreSQL prefix from the held lines and replays them. */
static int guess_and_replay(ks_dblog *p)
{
    p->guessing = 0;
    const char *g = ks_dblog_pg_guess_prefix((const char *const *)p->held, p->held_n, p->nheld);
    if (g)
        snprintf(p->prefix, sizeof p->prefix, "%s", g);
    int rc = 0;
    for (size_t i = 0; i < p->nheld; i++) {
        if (!rc)
            rc = dispatch_line(p, p->held[i], p->held_n[i], p->held_no[i], p->held_off[i]);
        free(p->held[i]);
        p->held[i] = NULL;
    }
    p->nheld = 0;
    return rc;
}

int ks_dblog_line(ks_dblog *p, const char *line, size_t n, int64_t lineno, int64_t offset)
{
    if (n && line[n - 1] == '\r')
        n--;
    if (p->guessing) {
        char *copy = malloc(n ? n : 1);
        if (!copy)
            return KS_ENOMEM;
        memcpy(copy, line, n);
        p->held[p->nheld] = copy;
        p->held_n[p->nheld] = n;
        p->held_no[p->nheld] = lineno;
        p->held_off[p->nheld] = offset;
        if (++p->nheld < GUESS_LINES)
            return 0;
        return guess_and_replay(p);
    }
    return dispatch_line(p, line, n, lineno, offset);
}

static int dispatch_line(ks_dblog *p, const char *line, size_t n, int64_t lineno,
                         int64_t offset)
{
    switch (p->f) {
    case KS_DBLOG_MYSQL_GENERAL: return general_line(p, line, n, lineno, offset);
    case KS_DBLOG_MYSQL_SLOW: return slow_line(p, line, n, lineno, offset);
    case KS_DBLOG_MYSQL_ERROR: return error_line(p, line, n, lineno, offset);
    case KS_DBLOG_MYSQL_AUDIT: return audit_line(p, line, n, lineno, offset);
    case KS_DBLOG_PG_STDERR: return pg_line(p, line, n, lineno, offset);
    case KS_DBLOG_MYSQL_GENERAL_CSV:
    case KS_DBLOG_PG_CSV: return csv_line(p, line, n, lineno, offset);
    case KS_DBLOG_MYSQL_AUDIT_XML: return xml_line(p, line, n, lineno, offset);
    case KS_DBLOG_PG_JSON: return pgjson_line(p, line, n, lineno, offset);
    default: return 0;
    }
}

int ks_dblog_finish(ks_dblog *p)
{
    if (p->guessing) {
        int rc = guess_and_replay(p);
        if (rc)
            return rc;
    }
    if (p->f == KS_DBLOG_MYSQL_AUDIT)
        return audit_flush(p, 1);
    if (p->f == KS_DBLOG_MYSQL_GENERAL_CSV || p->f == KS_DBLOG_PG_CSV)
        return csv_record(p, 1);
    if (p->f == KS_DBLOG_MYSQL_AUDIT_XML && p->xml_open) {
        p->xml_open = 0;
        ks_buf_reset(&p->pending);
        return emit_bad(p, "", 0, p->pend_line, p->pend_off,
                        "AUDIT_RECORD not closed at the end of the file");
    }
    return emit(p);
}

void ks_dblog_free(ks_dblog *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nheld; i++)
        free(p->held[i]);
    ks_buf_free(&p->text);
    ks_buf_free(&p->pending);
    ks_buf_free(&p->csvstore);
    ks_buf_free(&p->sqlbuf);
    free(p);
}

uint64_t ks_dblog_records(const ks_dblog *p) { return p->nrec; }
uint64_t ks_dblog_bad(const ks_dblog *p) { return p->nbad; }

ks_dblog_format ks_dblog_sniff(const char *h, size_t n)
{
    if (find(h, n, "<AUDIT_RECORD"))
        return KS_DBLOG_MYSQL_AUDIT_XML;
    if (n > 2 && h[0] == '{' && find(h, n, "\"error_severity\":"))
        return KS_DBLOG_PG_JSON;
    {
        char t[48];
        size_t L = iso_time(h, n, t, sizeof t);
        if (L && (find(h, n, ",LOG,") || find(h, n, ",ERROR,") || find(h, n, ",FATAL,")) &&
            memchr(h + L, ',', n - L) && (const char *)memchr(h + L, ',', n - L) - h - (long)L < 8)
            return KS_DBLOG_PG_CSV;
        if (n > 22 && h[0] == '"' && iso_time(h + 1, n - 1, t, sizeof t) &&
            (find(h, n, ",\"Query\",\"") || find(h, n, ",\"Connect\",\"")))
            return KS_DBLOG_MYSQL_GENERAL_CSV;
    }
    if (find(h, n, "# User@Host:") || find(h, n, "# Query_time:") || find(h, n, "# Time: "))
        return KS_DBLOG_MYSQL_SLOW;
    /* a line with a general-log header shape */
    for (size_t i = 0, ln = 0; i < n && ln < 50; ln++) {
        const char *e = memchr(h + i, '\n', n - i);
        size_t L = e ? (size_t)(e - h - i) : n - i;
        char t[48];
        int64_t id;
        const char *cmd;
        size_t a;
        if (general_header(NULL, h + i, L, t, sizeof t, &id, &cmd, &a))
            return KS_DBLOG_MYSQL_GENERAL;
        i += L + 1;
    }
    if (find(h, n, "Id Command    Argument") || find(h, n, "\tQuery\t") ||
        find(h, n, " Connect\t") || find(h, n, "\tConnect\t") || find(h, n, " Query\t"))
        return KS_DBLOG_MYSQL_GENERAL;
    if (find(h, n, ",QUERY,") || find(h, n, ",CONNECT,") || find(h, n, ",DISCONNECT,"))
        return KS_DBLOG_MYSQL_AUDIT;
    if (find(h, n, "[Note]") || find(h, n, "[Warning]") || find(h, n, "[ERROR]") ||
        find(h, n, "[System]"))
        return KS_DBLOG_MYSQL_ERROR;
    /* the RDS prefix "%t:%r:%u@%d:[%p]:" puts a ':' right before the level */
    if (find(h, n, " LOG:  ") || find(h, n, " FATAL:  ") || find(h, n, " ERROR:  ") ||
        find(h, n, "]:LOG:  ") || find(h, n, "]:FATAL:  ") || find(h, n, "]:ERROR:  "))
        return KS_DBLOG_PG_STDERR;
    return KS_DBLOG_UNKNOWN;
}

/* ---- log_line_prefix detection ---------------------------------------------------------- */
typedef struct guess_ctx {
    int good, bad;
} guess_ctx;

static int guess_cb(void *ctx, const ks_dblog_rec *r)
{
    guess_ctx *g = ctx;
    if (r->bad)
        g->bad++;
    else
        g->good++;
    return 0;
}

const char *ks_dblog_pg_guess_prefix(const char *const *lines, const size_t *lens, size_t n)
{
    /* Common settings: RDS, Debian/Ubuntu's packaged default, upstream's default since 10,
     * Debian's before 10, and pgBadger's recommended one. */
    static const char *const candidates[] = {
        KS_DBLOG_RDS_PG_PREFIX,
        "%m [%p] %q%u@%d ",
        "%m [%p] ",
        "%t [%p-%l] %q%u@%d ",
        "%m [%p-%l] %q%u@%d ",
        "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
        "%t ",
        NULL};
    const char *best = NULL;
    int best_good = 0;
    for (const char *const *c = candidates; *c; c++) {
        guess_ctx g = {0, 0};
        ks_dblog *p = NULL;
        if (ks_dblog_new(&p, KS_DBLOG_PG_STDERR, *c, guess_cb, &g, NULL) != 0)
            continue;
        for (size_t i = 0; i < n; i++)
            ks_dblog_line(p, lines[i], lens[i], (int64_t)i + 1, 0);
        ks_dblog_finish(p);
        ks_dblog_free(p);
        if (g.good > best_good && g.bad == 0) {
            best_good = g.good;
            best = *c;
        }
    }
    return best;
}
