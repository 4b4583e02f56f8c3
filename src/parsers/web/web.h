/* web.h — web server logs: nginx and Apache httpd access and error logs.
 *
 * Access logs (`web_access`): NCSA common, combined, combined + extra quoted fields
 * ("$http_x_forwarded_for"), vhost-prefixed (Apache vhost_combined, filebeat's nginx
 * "host" variant, address lists written by realip setups), Apache's ssl_request_log, and
 * any custom format given with `--opt log-format=...` in nginx `log_format` syntax
 * ($remote_addr ... "$request" ...) or Apache `LogFormat` syntax (%h %l %u %t \"%r\" ...),
 * or a preset name (common, combined, vhost_combined, ssl_request).
 * Client IP: the chain X-Forwarded-For + remote address is walked from the right, skipping
 * trusted proxies (`--opt trusted-proxies=CIDR,...`, default RFC 1918 + loopback + ULA);
 * the first untrusted address is the client (all trusted: the leftmost).
 *
 * Error logs (`web_error`): nginx ("2016/10/25 14:49:34 [error] pid#tid: *cid ...") and
 * Apache 2.2/2.4 ("[Mon Dec 26 16:15:55.103522 2016] [core:notice] [pid N] ..."); their
 * times are local without a zone: `--opt tz=ZONE` (default UTC). Continuation lines
 * (multi-line FastCGI stderr) are joined to the record they follow.
 */
#ifndef KS_WEB_H
#define KS_WEB_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_web_access;
extern const ks_parser ks_parser_web_error;
extern const ks_table_def ks_table_web_access;
extern const ks_table_def ks_table_web_error;

#endif
