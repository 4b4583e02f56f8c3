/* webroot.h — files under the web servers' document roots in a disk image (`web_root_file`).
 *
 * A script dropped where a web server executes it (a PHP shell in an upload directory) is
 * one of the first things a responder looks for. Ingest of a disk image lists every live
 * file under the default roots (/var/www, /usr/share/nginx/html, /srv/www) and under the
 * roots named by nginx `root`/`alias` and Apache `DocumentRoot`/`Alias` directives in the
 * image's /etc/nginx, /etc/apache2 and /etc/httpd. This file owns the table, the directive
 * reader (pure text, so it is fuzzed) and the row mapping; src/cli/ingest_image.c walks.
 */
#ifndef KS_WEBROOT_H
#define KS_WEBROOT_H

#include <stdbool.h>

#include "fs/walk.h"
#include "parsers/parser.h"

extern const ks_table_def ks_table_web_root_file;

/* Calls cb for each absolute directory named by a root/alias/DocumentRoot/Alias directive
 * in config text (quotes removed; values with variables such as $document_root skipped).
 * At most `max` calls. Returns the number of calls. */
typedef void (*ks_webroot_cb)(void *ud, const char *dir, size_t n);
int ks_webroot_dirs(const char *text, size_t n, ks_webroot_cb cb, void *ud, int max);

/* Whether a file name has an extension a web server may execute (php, phtml, phar, jsp,
 * asp, aspx, cgi, pl, py, sh, cfm, shtml...), also as an inner extension ("x.php.jpg",
 * which Apache's AddHandler executes). */
bool ks_webroot_server_exec(const char *name, size_t n);

/* Writes the row (and, for server-executable files, an event at the file's mtime) of one
 * walk entry under document root `root` of `volume`. */
int ks_webroot_entry(ks_sink *sink, const ks_fs_walk_entry *e, const char *volume,
                     const char *root, const char *host, ks_err *err);

#endif
