#include "cli/commands.h"

#include <string.h>

const ks_cmd *const ks_commands[] = {
    &ks_cmd_investigate,
    &ks_cmd_ingest,
    &ks_cmd_info,
    &ks_cmd_query,
    &ks_cmd_timeline,
    &ks_cmd_hunt,
    &ks_cmd_report,
    &ks_cmd_fs,
    &ks_cmd_db,
    &ks_cmd_acquire,
    &ks_cmd_verify,
    &ks_cmd_custody,
    NULL,
};

const ks_cmd *ks_cmd_find(const char *name)
{
    for (const ks_cmd *const *c = ks_commands; *c; c++)
        if (!strcmp((*c)->name, name))
            return *c;
    return NULL;
}
