/* main.c — `kanshiki <command> [options]`, git-style. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "parsers/parser.h"
#include "store/store.h"

static void print_formats(FILE *f)
{
    fprintf(f, "Evidence formats (recognised by content; force one with 'ingest --format NAME'):\n\n");
    for (const ks_parser *const *p = ks_parsers_all(); *p; p++) {
        fprintf(f, "  %-20s %s\n", (*p)->name, (*p)->summary);
        for (const ks_table_def *const *t = (*p)->tables; t && *t; t++)
            fprintf(f, "  %-20s   table %s: %s\n", "", (*t)->name, (*t)->doc);
    }
    fprintf(f, "\nContainers: gzip, zstd, bzip2, xz, zip and tar are opened transparently.\n");
}

static void print_usage(FILE *f)
{
    fprintf(f, "usage: kanshiki <command> [options]\n\n"
               "kanshiki (鑑識) — forensic examination of cloud incidents.\n\ncommands:\n");
    for (const ks_cmd *const *c = ks_commands; *c; c++)
        fprintf(f, "  %-12s %s\n", (*c)->name, (*c)->summary);
    fprintf(f, "\n'kanshiki help <command>' describes a command, 'kanshiki help formats' lists the evidence\n"
               "formats; 'kanshiki --version' prints the version.\n"
               "Exit codes: 0 success, 1 check failed, 2 usage error, 3 input error, 4 internal error.\n");
}

int main(int argc, char **argv)
{
    ks_store_global_init();
    if (argc < 2) {
        print_usage(stderr);
        return KS_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("kanshiki %s (%s)\n", KS_VERSION, KS_GIT_REV);
        return KS_EXIT_OK;
    }
    if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
        print_usage(stdout);
        return KS_EXIT_OK;
    }
    if (!strcmp(name, "help")) {
        if (argc < 3) {
            print_usage(stdout);
            return KS_EXIT_OK;
        }
        if (!strcmp(argv[2], "formats")) {
            print_formats(stdout);
            return KS_EXIT_OK;
        }
        const ks_cmd *c = ks_cmd_find(argv[2]);
        if (!c) {
            ks_cli_errorf("unknown command '%s' (see 'kanshiki help')", argv[2]);
            return KS_EXIT_USAGE;
        }
        ks_cmd_print_help(stdout, c);
        return KS_EXIT_OK;
    }
    const ks_cmd *c = ks_cmd_find(name);
    if (!c) {
        ks_cli_errorf("unknown command '%s' (see 'kanshiki help')", name);
        return KS_EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
