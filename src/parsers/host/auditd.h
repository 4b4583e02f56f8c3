/* auditd.h — the Linux audit daemon's log (/var/log/audit/audit.log), RAW and ENRICHED.
 *
 * One row per record ("[node=N ]type=T msg=audit(SEC.MS:SERIAL): k=v ..."); the records of
 * one kernel event share the serial. Hex-encoded values (proctitle, EXECVE arguments, name,
 * cmd, acct, ...) are decoded into the columns and kept as written in `fields`; the
 * ENRICHED format's translations (after the 0x1d separator: UID="root" SYSCALL=execve ...)
 * go to `enriched` and fill `syscall` with the name.
 */
#ifndef KS_HOST_AUDITD_H
#define KS_HOST_AUDITD_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_auditd;
extern const ks_table_def ks_table_auditd;

#endif
