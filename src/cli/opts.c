/* opts.c — declarative option parsing and help text for commands. */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/escape.h"

static int find_long(const ks_opt_spec *spec, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(spec[i].name) == len && !strncmp(spec[i].name, name, len))
            return (int)i;
    return -1;
}

static int find_short(const ks_opt_spec *spec, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (spec[i].shortc && spec[i].shortc == c)
            return (int)i;
    return -1;
}

static int store_val(ks_opts *o, int i, const char *v, const char *cmd)
{
    if (o->count[i] > 0 && !o->spec[i].repeat) {
        /* the last one wins for single-valued options, like most CLIs */
        o->val[i][0] = v;
        return 0;
    }
    if (o->count[i] >= KS_MAX_REPEAT) {
        ks_cli_errorf("%s: too many --%s options", cmd, o->spec[i].name);
        return KS_EXIT_USAGE;
    }
    o->val[i][o->count[i]++] = v;
    return 0;
}

int ks_opts_parse(ks_opts *o, const ks_opt_spec *spec, size_t nspec, int argc, char **argv,
                  const char *cmd)
{
    memset(o, 0, sizeof *o);
    o->spec = spec;
    o->nspec = nspec < KS_MAX_OPTS ? nspec : KS_MAX_OPTS;
    bool only_pos = false;
    for (int a = 1; a < argc; a++) {
        char *arg = argv[a];
        if (only_pos || arg[0] != '-' || !strcmp(arg, "-")) {
            if (o->npos >= KS_MAX_POS) {
                ks_cli_errorf("%s: too many arguments", cmd);
                return KS_EXIT_USAGE;
            }
            o->pos[o->npos++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_pos = true;
            continue;
        }
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            const ks_cmd *c = ks_cmd_find(cmd);
            if (c)
                ks_cmd_print_help(stdout, c);
            return -1;
        }
        int i;
        const char *val = NULL;
        if (arg[1] == '-') {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            i = find_long(o->spec, o->nspec, name, len);
            if (i < 0) {
                ks_cli_errorf("%s: unknown option '--%.*s' (see 'kanshiki help %s')", cmd,
                              (int)len, name, cmd);
                return KS_EXIT_USAGE;
            }
            if (eq) {
                if (!o->spec[i].arg) {
                    ks_cli_errorf("%s: option '--%s' takes no value", cmd, o->spec[i].name);
                    return KS_EXIT_USAGE;
                }
                val = eq + 1;
            }
        } else {
            i = find_short(o->spec, o->nspec, arg[1]);
            if (i < 0 || (arg[2] && !o->spec[i].arg)) {
                ks_cli_errorf("%s: unknown option '%s' (see 'kanshiki help %s')", cmd, arg, cmd);
                return KS_EXIT_USAGE;
            }
            if (arg[2])
                val = arg + 2;
        }
        if (o->spec[i].arg && !val) {
            if (a + 1 >= argc) {
                ks_cli_errorf("%s: option '--%s' needs a value (%s)", cmd, o->spec[i].name,
                              o->spec[i].arg);
                return KS_EXIT_USAGE;
            }
            val = argv[++a];
        }
        if (!o->spec[i].arg)
            val = "1";
        int rc = store_val(o, i, val, cmd);
        if (rc)
            return rc;
    }
    return 0;
}

static int idx(const ks_opts *o, const char *name)
{
    for (size_t i = 0; i < o->nspec; i++)
        if (!strcmp(o->spec[i].name, name))
            return (int)i;
    return -1;
}

bool ks_opt_flag(const ks_opts *o, const char *name)
{
    int i = idx(o, name);
    return i >= 0 && o->count[i] > 0;
}

const char *ks_opt_str(const ks_opts *o, const char *name)
{
    int i = idx(o, name);
    if (i < 0 || !o->count[i])
        return NULL;
    return o->val[i][o->count[i] - 1];
}

size_t ks_opt_all(const ks_opts *o, const char *name, const char *const **out)
{
    int i = idx(o, name);
    if (i < 0 || !o->count[i]) {
        *out = NULL;
        return 0;
    }
    *out = o->val[i];
    return (size_t)o->count[i];
}

void ks_cmd_print_help(FILE *f, const ks_cmd *c)
{
    fprintf(f, "usage: kanshiki %s %s\n\n%s\n", c->name, c->usage ? c->usage : "", c->summary);
    if (c->description && *c->description)
        fprintf(f, "\n%s\n", c->description);
    if (c->nopts) {
        fprintf(f, "\noptions:\n");
        for (size_t i = 0; i < c->nopts; i++) {
            const ks_opt_spec *s = &c->opts[i];
            char left[96];
            if (s->shortc)
                snprintf(left, sizeof left, "-%c, --%s%s%s", s->shortc, s->name, s->arg ? " " : "",
                         s->arg ? s->arg : "");
            else
                snprintf(left, sizeof left, "    --%s%s%s", s->name, s->arg ? " " : "",
                         s->arg ? s->arg : "");
            fprintf(f, "  %-28s %s%s\n", left, s->help, s->repeat ? " (repeatable)" : "");
        }
    }
    fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
}

/* ---- messages ---------------------------------------------------------------------- */
static void emit(const char *level, const char *text)
{
    ks_buf b;
    ks_buf_init(&b, 1 << 16);
    if (ks_escape_term(&b, text, strlen(text)) == 0)
        fprintf(stderr, "kanshiki: %s: %s\n", level, b.data ? b.data : "");
    else
        fprintf(stderr, "kanshiki: %s: (message could not be escaped)\n", level);
    ks_buf_free(&b);
}

void ks_cli_error(const ks_err *err)
{
    char msg[KS_ERR_MSG_MAX + KS_ERR_PATH_MAX + 64];
    ks_err_format(err, msg, sizeof msg);
    emit("error", msg);
}

void ks_cli_errorf(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    emit("error", msg);
}

void ks_cli_warnf(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    emit("warning", msg);
}

int ks_cli_exit_for(int status)
{
    switch (status) {
    case KS_OK: return KS_EXIT_OK;
    case KS_EUSAGE:
    case KS_EEXIST: return KS_EXIT_USAGE; /* refusing to overwrite: the user names another path */
    case KS_EIO:
    case KS_ECORRUPT:
    case KS_ENOTFOUND:
    case KS_EUNSUPPORTED:
    case KS_ELIMIT: return KS_EXIT_INPUT;
    default: return KS_EXIT_INTERNAL;
    }
}

bool ks_cli_tty(void)
{
    return isatty(STDERR_FILENO) == 1;
}
