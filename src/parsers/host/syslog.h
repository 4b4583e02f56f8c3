/* syslog.h — Linux host text logs written by syslog daemons (rsyslog, syslog-ng, sysklogd):
 * /var/log/{syslog,messages,secure,auth.log,cron,kern.log,maillog,...}, one parser for
 * all of them, recognised by content.
 *
 * Line forms: RFC 3164 "Mmm dd hh:mm:ss host tag[pid]: msg" (no year: inferred from the
 * member's reference time, its mtime), rsyslog's high-precision RFC 3339 time in place of
 * the BSD one, RFC 5424 "<PRI>1 TIME HOST APP PROCID MSGID [SD] MSG", an optional <PRI>
 * prefix on all of them, lines without host or tag, and continuation lines (a line that
 * does not start like a record is joined to the record before it).
 *
 * Authentication and account lines (sshd, sudo, su, pam, useradd & co, cron, systemd
 * units) are normalised to a small action vocabulary (docs/formats.md, "Host logs").
 */
#ifndef KS_HOST_SYSLOG_H
#define KS_HOST_SYSLOG_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_syslog;
extern const ks_table_def ks_table_syslog;

#endif
