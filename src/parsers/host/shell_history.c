/* shell_history.c — shell and client histories into `events` and `shell_history`.
 *
 * bash: one command per line; with HISTTIMEFORMAT set, a "#EPOCH" line precedes each
 *   command, and every line up to the next "#EPOCH" belongs to it (multi-line commands).
 *   Lines before the first "#EPOCH" (a history written before timestamps were enabled,
 *   the "desynchronised" file) are single commands without a time.
 * zsh: plain lines, or EXTENDED_HISTORY ": START:ELAPSED;command"; a line ending in a
 *   backslash continues on the next one. Bytes >= 0x83 are "metafied" (0x83, byte ^ 32).
 * fish: YAML-like "- cmd: COMMAND" / "  when: EPOCH" / "  paths:" / "    - PATH"; the
 *   command escapes newline as "\n" and backslash as "\\".
 * mysql / psql (libedit or readline): one line per command; libedit files start with
 *   "_HiStOrY_V2_" and escape characters as octal "\040".
 * Commands without a time have time NONE; their order is kept in `seq` and the line.
 * The user is taken from the home directory in the path (/root, /home/NAME).
 */
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "parsers/host/hostcfg.h"
#include "parsers/lineloop.h"
#include "parsers/sniff.h"

#define SH_MAX_LINE ((size_t)1 << 20)
#define SH_MAX_REC ((size_t)1 << 20)

enum { C_TIME, C_USER, C_SHELL, C_COMMAND, C_SEQ, C_ELAPSED, C_PATHS, C_NCOLS };

static const ks_column cols[C_NCOLS] = {
    [C_TIME] = {"time", KS_COL_TIME, "when the command was run (bash #EPOCH, zsh start, fish when); empty when the file has none"},
    [C_USER] = {"user", KS_COL_TEXT, "owner of the home directory the file is in (/root -> root, /home/NAME -> NAME)"},
    [C_SHELL] = {"shell", KS_COL_TEXT, "bash, zsh, fish, sh, mysql, psql, python"},
    [C_COMMAND] = {"command", KS_COL_TEXT, "the command (multi-line commands joined with newlines)"},
    [C_SEQ] = {"seq", KS_COL_INT, "1-based position of the command in the file"},
    [C_ELAPSED] = {"elapsed", KS_COL_INT, "zsh extended history: seconds the command ran"},
    [C_PATHS] = {"paths", KS_COL_TEXT, "fish: paths named by the command, newline-separated"},
};

const ks_table_def ks_table_shell_history = {
    "shell_history", "shell and database client histories (bash, zsh, fish, sh, mysql, psql)",
    cols, C_NCOLS};

typedef enum { SH_BASH, SH_ZSH, SH_FISH, SH_SH, SH_MYSQL, SH_PSQL, SH_PYTHON } sh_kind;
static const char *const shell_names[] = {"bash", "zsh", "fish", "sh", "mysql", "psql", "python"};

static bool dig(char c)
{
    return c >= '0' && c <= '9';
}

/* "#1380630977": bash's timestamp line. */
/* Epoch seconds as nanoseconds, or KS_TIME_NONE when they do not fit (after 2262). */
static int64_t epoch_ns(int64_t sec)
{
    return sec >= 0 && sec <= INT64_MAX / KS_NS_PER_SEC ? sec * KS_NS_PER_SEC : KS_TIME_NONE;
}

static bool bash_ts(const char *p, size_t n, int64_t *out)
{
    if (n < 2 || n > 20 || p[0] != '#')
        return false;
    int64_t v;
    if (ks_hc_num(p + 1, n - 1, &v))
        return false;
    *out = v;
    return true;
}

/* ": 1457771210:0;cmd" — returns bytes of the header (up to and including ';'), or 0. */
static size_t zsh_ext(const char *p, size_t n, int64_t *start, int64_t *elapsed)
{
    if (n < 5 || p[0] != ':' || p[1] != ' ')
        return 0;
    size_t i = 2, b = i;
    while (i < n && dig(p[i]))
        i++;
    if (i >= n || p[i] != ':' || ks_hc_num(p + b, i - b, start))
        return 0;
    b = ++i;
    while (i < n && dig(p[i]))
        i++;
    if (i >= n || p[i] != ';' || ks_hc_num(p + b, i - b, elapsed))
        return 0;
    return i + 1;
}

/* Whether a line holds nothing but blanks (such lines are not commands). */
static bool blank_line(const char *p, size_t n)
{
    return ks_hc_trim((ks_str){p, n}).n == 0;
}

static bool has_pfx(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && !memcmp(p, lit, k);
}

static int name_kind(const char *path)
{
    const char *b = ks_hc_base(path);
    static const struct {
        const char *needle;
        sh_kind k;
    } names[] = {{"bash_history", SH_BASH},  {"zsh_history", SH_ZSH},   {"zhistory", SH_ZSH},
                 {"zsh_extended_history", SH_ZSH},
                 {"fish_history", SH_FISH},  {"mysql_history", SH_MYSQL},
                 {"psql_history", SH_PSQL},  {"python_history", SH_PYTHON},
                 {"ash_history", SH_SH},     {"sh_history", SH_SH}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strstr(b, names[i].needle))
            return (int)names[i].k;
    return -1;
}

/* The first non-blank line of head. */
static ks_str first_line(const uint8_t *head, size_t n)
{
    const char *p = (const char *)head;
    size_t i = 0;
    while (i < n && (p[i] == '\n' || p[i] == '\r' || p[i] == ' '))
        i++;
    const char *nl = memchr(p + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - p) : n;
    while (e > i && p[e - 1] == '\r')
        e--;
    return (ks_str){p + i, e - i};
}

static int content_kind(const uint8_t *head, size_t n, int *score)
{
    ks_str l = first_line(head, n);
    int64_t a, b;
    *score = 0;
    if (has_pfx(l.p, l.n, "- cmd: ")) {
        *score = ks_sniff_has(head, n, "\n  when: ") ? 85 : 60;
        return SH_FISH;
    }
    if (zsh_ext(l.p, l.n, &a, &b)) {
        *score = 80;
        return SH_ZSH;
    }
    if (bash_ts(l.p, l.n, &a) && l.n >= 9) {
        *score = 60;
        return SH_BASH;
    }
    if (has_pfx(l.p, l.n, "_HiStOrY_V2_")) {
        *score = 55;
        return SH_MYSQL;
    }
    return -1;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (!ks_hc_text(head, n))
        return 0;
    int score;
    int ck = content_kind(head, n, &score);
    int nk = name_kind(name);
    if (nk >= 0)
        return score > 85 ? score : 85;
    (void)ck;
    return score;
}

typedef struct sh_state {
    ks_parse_ctx *ctx;
    sh_kind kind;
    ks_str user;
    ks_buf cmd, paths, tmp;
    bool pending, cut, cont, ts_mode, ts_only;
    int64_t time, elapsed, line, offset, seq;
    bool has_elapsed;
    bool decided;  /* the shell, from the first line that has content (or --opt shell) */
    int name_kind; /* the shell the file name says, or -1 */
} sh_state;

/* Decodes zsh metafied bytes or libedit/fish escapes into st->tmp. */
static ks_str decode(sh_state *st, const char *p, size_t n)
{
    ks_buf_reset(&st->tmp);
    bool bad = false;
    for (size_t i = 0; i < n && !bad; i++) {
        unsigned char c = (unsigned char)p[i];
        if (st->kind == SH_ZSH && c == 0x83 && i + 1 < n) {
            bad = ks_buf_putc(&st->tmp, (char)(p[++i] ^ 32)) != 0;
        } else if ((st->kind == SH_MYSQL || st->kind == SH_PSQL) && c == '\\' && i + 3 < n &&
                   p[i + 1] >= '0' && p[i + 1] <= '3' && p[i + 2] >= '0' && p[i + 2] <= '7' &&
                   p[i + 3] >= '0' && p[i + 3] <= '7') {
            int v = (p[i + 1] - '0') * 64 + (p[i + 2] - '0') * 8 + (p[i + 3] - '0');
            bad = ks_buf_putc(&st->tmp, (char)v) != 0;
            i += 3;
        } else if ((st->kind == SH_MYSQL || st->kind == SH_PSQL) && c == '\\' && i + 1 < n &&
                   p[i + 1] == '\\') {
            bad = ks_buf_putc(&st->tmp, '\\') != 0;
            i++;
        } else if (st->kind == SH_FISH && c == '\\' && i + 1 < n &&
                   (p[i + 1] == 'n' || p[i + 1] == '\\')) {
            bad = ks_buf_putc(&st->tmp, p[i + 1] == 'n' ? '\n' : '\\') != 0;
            i++;
        } else {
            bad = ks_buf_putc(&st->tmp, (char)c) != 0;
        }
    }
    if (bad)
        st->cut = true;
    return (ks_str){st->tmp.data ? st->tmp.data : "", st->tmp.len};
}

static void start(sh_state *st, const ks_line *ln, int64_t t)
{
    ks_buf_reset(&st->cmd);
    ks_buf_reset(&st->paths);
    st->pending = true;
    st->cut = ln->too_long;
    st->time = t;
    st->elapsed = 0;
    st->has_elapsed = false;
    st->line = ln->lineno;
    st->offset = ln->offset;
    st->ts_only = false;
}

static void add_text(sh_state *st, const char *p, size_t n, bool newline)
{
    ks_str d = decode(st, p, n);
    if ((newline && ks_buf_putc(&st->cmd, '\n')) || ks_buf_append(&st->cmd, d.p, d.n))
        st->cut = true;
}

static int flush(sh_state *st, ks_err *err)
{
    if (!st->pending)
        return 0;
    st->pending = false;
    ks_parse_ctx *ctx = st->ctx;
    if (st->ts_only)
        return ks_sink_error(ctx->sink, st->line, st->offset, "timestamp line without a command",
                             "#", 1, err);
    /* bash keeps trailing blank lines of a multi-line command; they are not part of it */
    while (st->cmd.len && st->cmd.data[st->cmd.len - 1] == '\n')
        st->cmd.len--;
    if (st->cut)
        ks_sink_warn(ctx->sink, st->line, st->offset, "command longer than 1 MiB: cut");
    ks_str cmd = {st->cmd.data ? st->cmd.data : "", st->cmd.len};
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = ks_v_null();
    st->seq++;
    if (st->time != KS_TIME_NONE)
        v[C_TIME] = ks_v_int(st->time);
    v[C_USER] = ks_v_text(st->user);
    v[C_SHELL] = ks_v_text(ks_str_c(shell_names[st->kind]));
    v[C_COMMAND] = ks_v_text(cmd);
    v[C_SEQ] = ks_v_int(st->seq);
    if (st->has_elapsed)
        v[C_ELAPSED] = ks_v_int(st->elapsed);
    if (st->paths.len)
        v[C_PATHS] = ks_v_text((ks_str){st->paths.data, st->paths.len});
    ks_event ev;
    ks_event_init(&ev);
    ev.time = st->time;
    ev.time_desc = st->time != KS_TIME_NONE ? "command run" : NULL;
    ev.actor = st->user;
    ev.action = KS_STR_LIT("shell_command");
    ev.target = cmd;
    ev.message = ks_str_c(shell_names[st->kind]);
    ev.raw = cmd;
    ev.line = st->line;
    ev.offset = st->offset;
    return ks_sink_event(ctx->sink, &ev, &ks_table_shell_history, v, err);
}

static int line_bash(sh_state *st, const ks_line *ln, size_t n, ks_err *err)
{
    int64_t t;
    int rc;
    if (bash_ts(ln->p, n, &t)) {
        if ((rc = flush(st, err)))
            return rc;
        start(st, ln, epoch_ns(t));
        st->ts_only = true;
        st->ts_mode = true;
        return 0;
    }
    if (st->ts_mode && st->pending) {
        add_text(st, ln->p, n, !st->ts_only);
        st->ts_only = false;
        st->cut |= ln->too_long;
        return 0;
    }
    if (blank_line(ln->p, n))
        return 0;
    if ((rc = flush(st, err)))
        return rc;
    start(st, ln, KS_TIME_NONE);
    add_text(st, ln->p, n, false);
    return 0;
}

static int line_zsh(sh_state *st, const ks_line *ln, size_t n, ks_err *err)
{
    int64_t t, el;
    int rc;
    size_t h = zsh_ext(ln->p, n, &t, &el);
    if (st->pending && st->cont && !h) {
        add_text(st, ln->p, n, true);
        st->cut |= ln->too_long;
    } else {
        if (blank_line(ln->p, n))
            return 0;
        if ((rc = flush(st, err)))
            return rc;
        start(st, ln, h ? epoch_ns(t) : KS_TIME_NONE);
        if (h) {
            st->elapsed = el;
            st->has_elapsed = true;
        }
        add_text(st, ln->p + h, n - h, false);
    }
    st->cont = n && ln->p[n - 1] == '\\';
    return 0;
}

static int line_fish(sh_state *st, const ks_line *ln, size_t n, ks_err *err)
{
    int rc;
    int64_t t;
    if (has_pfx(ln->p, n, "- cmd: ") || (n == 6 && has_pfx(ln->p, n, "- cmd:"))) {
        if ((rc = flush(st, err)))
            return rc;
        start(st, ln, KS_TIME_NONE);
        size_t k = n >= 7 ? 7 : 6;
        add_text(st, ln->p + k, n - k, false);
        return 0;
    }
    if (st->pending && has_pfx(ln->p, n, "  when: ")) {
        ks_str v = ks_hc_trim((ks_str){ln->p + 8, n - 8});
        if (!ks_hc_num(v.p, v.n, &t) && t <= INT64_MAX / KS_NS_PER_SEC) {
            st->time = t * KS_NS_PER_SEC;
            return 0;
        }
    } else if (st->pending && n == 8 && has_pfx(ln->p, n, "  paths:")) {
        return 0;
    } else if (st->pending && has_pfx(ln->p, n, "    - ")) {
        if ((st->paths.len && ks_buf_putc(&st->paths, '\n')) ||
            ks_buf_append(&st->paths, ln->p + 6, n - 6))
            st->cut = true;
        return 0;
    } else if (!ks_hc_trim((ks_str){ln->p, n}).n) {
        return 0;
    }
    return ks_sink_error(st->ctx->sink, ln->lineno, ln->offset, "not a fish history line", ln->p,
                         ln->n, err);
}

static int line_plain(sh_state *st, const ks_line *ln, size_t n, ks_err *err)
{
    int rc;
    if (blank_line(ln->p, n))
        return 0;
    if (ln->lineno == 1 && n == 12 && has_pfx(ln->p, n, "_HiStOrY_V2_"))
        return 0; /* libedit's file header */
    if ((rc = flush(st, err)))
        return rc;
    start(st, ln, KS_TIME_NONE);
    add_text(st, ln->p, n, false);
    return 0;
}

static int on_line(void *arg, const ks_line *ln, size_t n, ks_err *err)
{
    sh_state *st = arg;
    if (!st->decided && n) {
        /* strong content signatures win over the file name (fish/zsh/bash copied
         * under another name) */
        int sc;
        int ck = content_kind((const uint8_t *)ln->p, n, &sc);
        if (ck == SH_FISH || ck == SH_ZSH || (ck == SH_BASH && st->name_kind < 0))
            st->kind = (sh_kind)ck;
        else if (ck == SH_MYSQL && st->name_kind < 0)
            st->kind = SH_MYSQL;
        st->decided = true;
    }
    switch (st->kind) {
    case SH_BASH: return line_bash(st, ln, n, err);
    case SH_ZSH: return line_zsh(st, ln, n, err);
    case SH_FISH: return line_fish(st, ln, n, err);
    default: return line_plain(st, ln, n, err);
    }
}

/* ks_lineloop_finish's view of flush */
static int flush_held(void *arg, ks_err *err)
{
    return flush(arg, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    sh_state st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    st.user = ks_hc_home_user(ctx->path);
    ks_buf_init(&st.cmd, SH_MAX_REC);
    ks_buf_init(&st.paths, SH_MAX_REC);
    ks_buf_init(&st.tmp, SH_MAX_LINE + 16);
    const char *forced = ks_parse_opt(ctx->opts, "shell");
    st.name_kind = name_kind(ctx->path);
    st.kind = st.name_kind >= 0 ? (sh_kind)st.name_kind : SH_BASH;
    if (forced) {
        for (int i = 0; i < (int)(sizeof shell_names / sizeof shell_names[0]); i++)
            if (!strcmp(forced, shell_names[i]))
                st.kind = (sh_kind)i;
    }
    st.decided = forced != NULL;
    bool failed = false;
    rc = ks_lineloop_ex(ctx->in, SH_MAX_LINE, KS_LL_TRIM_CR, on_line, &st, &failed, err);
    rc = ks_lineloop_finish(rc, failed, ctx->sink, st.pending, st.line,
                            st.offset, flush_held, &st, err);
    ks_buf_free(&st.cmd);
    ks_buf_free(&st.paths);
    ks_buf_free(&st.tmp);
    return rc;
}

const ks_parser ks_parser_shell_history = {
    "shell_history",
    "shell and DB client histories: bash (#EPOCH lines), zsh (extended), fish, sh, mysql, psql "
    "(--opt shell=NAME to force)",
    (const ks_table_def *const[]){&ks_table_shell_history, NULL},
    sniff,
    parse,
};
