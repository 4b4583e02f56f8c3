/* cmd_ingest.c — placeholder until the command lands. */
#include "cli/commands.h"

static int run(int argc, char **argv)
{
    ks_cli_errorf("ingest: not implemented yet");
    return KS_EXIT_INTERNAL;
}

const ks_cmd ks_cmd_ingest = {"ingest", run, "(not implemented yet)", "", "", NULL, 0};
