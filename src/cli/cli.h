/* cli.h — the command-line layer: command table, option parsing, exit codes, messages.
 * Only this layer prints to the user or exits. */
#ifndef KS_CLI_H
#define KS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

/* Exit codes (documented in docs/cli.md). */
enum {
    KS_EXIT_OK = 0,       /* success */
    KS_EXIT_FAIL = 1,     /* the operation ran and its answer is "no" (verify mismatch,
                             tampered custody log) */
    KS_EXIT_USAGE = 2,    /* bad command line */
    KS_EXIT_INPUT = 3,    /* evidence could not be read or held malformed records; what
                             could be read was still processed and counted */
    KS_EXIT_INTERNAL = 4  /* the case store or the program failed */
};

/* ---- declarative options --------------------------------------------------------- */
typedef struct ks_opt_spec {
    const char *name;  /* long name without dashes */
    char shortc;       /* 0 = none */
    const char *arg;   /* NULL for a flag, else the argument's placeholder ("ZONE") */
    const char *help;
    bool repeat;       /* may be given several times */
} ks_opt_spec;

#define KS_MAX_OPTS 32
#define KS_MAX_REPEAT 64
#define KS_MAX_POS 4096

typedef struct ks_opts {
    const ks_opt_spec *spec;
    size_t nspec;
    int count[KS_MAX_OPTS];
    const char *val[KS_MAX_OPTS][KS_MAX_REPEAT];
    const char *pos[KS_MAX_POS];
    size_t npos;
} ks_opts;

/* Parses argv (argv[0] is the command name). Returns 0, or prints a usage error and
 * returns KS_EXIT_USAGE. `--help`/`-h` prints help and returns -1 (caller exits 0). */
int ks_opts_parse(ks_opts *o, const ks_opt_spec *spec, size_t nspec, int argc, char **argv,
                  const char *cmd);
bool ks_opt_flag(const ks_opts *o, const char *name);
const char *ks_opt_str(const ks_opts *o, const char *name); /* last value or NULL */
size_t ks_opt_all(const ks_opts *o, const char *name, const char *const **out);

/* ---- commands -------------------------------------------------------------------- */
typedef struct ks_cmd {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] = command name */
    const char *summary;
    const char *usage;       /* "CASE PATH..." */
    const char *description; /* paragraphs for `kanshiki help CMD` */
    const ks_opt_spec *opts;
    size_t nopts;
} ks_cmd;

const ks_cmd *ks_cmd_find(const char *name);
void ks_cmd_print_help(FILE *f, const ks_cmd *c);

/* ---- messages -------------------------------------------------------------------- */
/* "kanshiki: error: <file>:<line>: offset N: msg" on stderr, escaped for the terminal. */
void ks_cli_error(const ks_err *err);
void ks_cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ks_cli_warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exit code for a ks_status from a failed operation. */
int ks_cli_exit_for(int status);
/* The rules/ directory shipped with kanshiki ($KS_RULES, else beside the program). 0 when
 * found. */
int ks_cli_default_rules(char *out, size_t outsz);
/* Whether stderr is a terminal (progress displays only then). */
bool ks_cli_tty(void);

#endif
