/* crontab.c — cron tables into `events` and `crontab`.
 *
 * System tables (/etc/crontab, files in /etc/cron.d): "MIN HOUR DOM MON DOW USER COMMAND" or
 *   "@reboot USER COMMAND" (@yearly @annually @monthly @weekly @daily @midnight @hourly).
 * User tables (/var/spool/cron/USER, /var/spool/cron/crontabs/USER): the same without
 *   the user field; the user is the file name.
 * anacrontab: "PERIOD DELAY JOB-ID COMMAND" (PERIOD in days or @monthly...).
 * Which kind a file is comes from its path (--opt cron=system|user|anacron overrides).
 * "NAME=value" lines set the environment (rows of kind "env"); '#' lines are comments.
 * Entries carry no time of their own: they get the file's mtime ("file modified").
 */
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "parsers/host/hostcfg.h"
#include "parsers/sniff.h"

#define CR_MAX_LINE ((size_t)1 << 20)

enum { C_USER, C_SCHEDULE, C_COMMAND, C_KIND, C_JOB, C_NCOLS };

static const ks_column cols[C_NCOLS] = {
    [C_USER] = {"user", KS_COL_TEXT, "user the command runs as (system tables: the user field; user tables: the file name)"},
    [C_SCHEDULE] = {"schedule", KS_COL_TEXT, "the five time fields, an @special, or anacron's period and delay"},
    [C_COMMAND] = {"command", KS_COL_TEXT, "command line (kind env: NAME=value)"},
    [C_KIND] = {"kind", KS_COL_TEXT, "system, user, anacron, or env (an environment assignment)"},
    [C_JOB] = {"job", KS_COL_TEXT, "anacron job identifier"},
};

const ks_table_def ks_table_crontab = {
    "crontab", "cron and anacron tables (/etc/crontab, /etc/cron.d, /var/spool/cron, anacrontab)",
    cols, C_NCOLS};

typedef enum { CR_SYSTEM, CR_USER, CR_ANACRON } cr_kind;

static int path_kind(const char *path)
{
    const char *in = ks_hc_inner(path);
    const char *b = ks_hc_base(path);
    if (strstr(b, "anacrontab"))
        return CR_ANACRON;
    if (strstr(in, "/cron.d/") || !strcmp(b, "crontab") || strstr(in, "/etc/crontab"))
        return CR_SYSTEM;
    /* at(1) jobs are shell scripts, not tables */
    if ((strstr(in, "/spool/cron/") || strstr(in, "/cron/tabs/")) && !strstr(in, "/atjobs/") &&
        !strstr(in, "/atspool/"))
        return CR_USER;
    return -1;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (!ks_hc_text(head, n))
        return 0;
    if (path_kind(name) >= 0)
        return 75;
    if (ks_sniff_has(head, n, "# m h dom mon dow") ||
        ks_sniff_has(head, n, "# Example of job definition:"))
        return 70;
    return 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Next blank-separated field from *i; empty when none. */
static ks_str field(const char *p, size_t n, size_t *i)
{
    while (*i < n && is_blank(p[*i]))
        (*i)++;
    size_t b = *i;
    while (*i < n && !is_blank(p[*i]))
        (*i)++;
    return (ks_str){p + b, *i - b};
}

static bool is_env(const char *p, size_t n)
{
    size_t i = 0;
    if (i < n && p[i] == '"')
        return memchr(p, '=', n) != NULL;
    if (!(i < n && ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') || p[i] == '_')))
        return false;
    while (i < n && ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') ||
                     (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
        i++;
    while (i < n && is_blank(p[i]))
        i++;
    return i < n && p[i] == '=';
}

/* A cron time field: digits, '*', ranges, steps, lists, month/day names. */
static bool time_field(ks_str f)
{
    if (!f.n)
        return false;
    for (size_t i = 0; i < f.n; i++) {
        char c = f.p[i];
        if (!((c >= '0' && c <= '9') || c == '*' || c == '-' || c == ',' || c == '/' ||
              (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '?' || c == 'L' || c == '#'))
            return false;
    }
    return true;
}

typedef struct cr_loop {
    ks_parse_ctx *ctx;
    int kind;          /* CR_SYSTEM, CR_USER or CR_ANACRON */
    ks_str file_user;  /* a user crontab's owner: its file name */
} cr_loop;

static int on_line(void *arg, const ks_line *ln, ks_str l, ks_err *err)
{
    static const char *const kinds[] = {"system", "user", "anacron"};
    cr_loop *c = arg;
    ks_parse_ctx *ctx = c->ctx;
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    ks_event ev;
    ks_hc_event_init(&ev, ctx, ln->lineno, ln->offset);
    ev.raw = (ks_str){ln->p, ln->n};
    ev.action = KS_STR_LIT("cron_entry");
    const char *why = NULL;
    if (is_env(l.p, l.n)) {
        v[C_KIND] = ks_v_text(KS_STR_LIT("env"));
        v[C_COMMAND] = ks_v_text(l);
        ev.action = KS_STR_LIT("cron_env");
        ev.target = l;
    } else {
        size_t i = 0, sched_b = 0, sched_e;
        ks_str f = field(l.p, l.n, &i);
        if (c->kind == CR_ANACRON) {
            ks_str delay = field(l.p, l.n, &i);
            sched_e = i;
            ks_str job = field(l.p, l.n, &i);
            if (!job.n || !time_field(delay) || !(f.p[0] == '@' || time_field(f)))
                why = "not an anacrontab entry (PERIOD DELAY JOB-ID COMMAND)";
            v[C_JOB] = ks_v_text(job);
        } else if (f.p[0] == '@') {
            sched_e = i;
            if (f.n < 2)
                why = "bad @special";
        } else {
            bool ok = time_field(f);
            for (int k = 0; k < 4 && ok; k++)
                ok = time_field(field(l.p, l.n, &i));
            sched_e = i;
            if (!ok)
                why = "not a cron entry (five time fields or @special expected)";
        }
        ks_str user = c->file_user;
        if (!why && c->kind == CR_SYSTEM) {
            user = field(l.p, l.n, &i);
            if (!user.n)
                why = "system crontab entry without a user field";
        } else if (c->kind == CR_ANACRON) {
            user = KS_STR_LIT("root");
        }
        while (i < l.n && is_blank(l.p[i]))
            i++;
        ks_str cmd = {l.p + i, l.n - i};
        if (!why && !cmd.n)
            why = "cron entry without a command";
        if (why)
            return ks_sink_error(ctx->sink, ln->lineno, ln->offset, why, ln->p, ln->n, err);
        v[C_KIND] = ks_v_text(ks_str_c(kinds[c->kind]));
        v[C_USER] = ks_v_text(user);
        v[C_SCHEDULE] = ks_v_text((ks_str){l.p + sched_b, sched_e - sched_b});
        v[C_COMMAND] = ks_v_text(cmd);
        ev.actor = user;
        ev.target = cmd;
        ev.message = (ks_str){l.p + sched_b, sched_e - sched_b};
    }
    return ks_sink_event(ctx->sink, &ev, &ks_table_crontab, v, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int kind = path_kind(ctx->path);
    const char *o = ks_parse_opt(ctx->opts, "cron");
    if (o)
        kind = !strcmp(o, "user") ? CR_USER : !strcmp(o, "anacron") ? CR_ANACRON : CR_SYSTEM;
    if (kind < 0)
        kind = CR_SYSTEM;
    cr_loop c = {ctx, kind, ks_str_c(ks_hc_base(ctx->path))};
    return ks_hc_each_line(ctx, CR_MAX_LINE, "#", on_line, &c, err);
}

const ks_parser ks_parser_crontab = {
    "crontab",
    "cron tables: /etc/crontab, /etc/cron.d/*, /var/spool/cron[/crontabs]/USER, anacrontab "
    "(--opt cron=system|user|anacron)",
    (const ks_table_def *const[]){&ks_table_crontab, NULL},
    sniff,
    parse,
};
