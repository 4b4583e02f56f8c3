/* commands.h — every command of the CLI. One file per command in src/cli/; each defines
 * its `const ks_cmd ks_cmd_NAME` and is listed in commands.c. */
#ifndef KS_COMMANDS_H
#define KS_COMMANDS_H

#include "cli/cli.h"

extern const ks_cmd ks_cmd_acquire;
extern const ks_cmd ks_cmd_fs;
extern const ks_cmd ks_cmd_db;
extern const ks_cmd ks_cmd_ingest;
extern const ks_cmd ks_cmd_hunt;
extern const ks_cmd ks_cmd_info;
extern const ks_cmd ks_cmd_query;
extern const ks_cmd ks_cmd_timeline;
extern const ks_cmd ks_cmd_verify;
extern const ks_cmd ks_cmd_custody;
extern const ks_cmd ks_cmd_investigate;
extern const ks_cmd ks_cmd_report;

/* NULL-terminated, in the order `kanshiki help` lists them. */
extern const ks_cmd *const ks_commands[];

#endif
