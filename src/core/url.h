/* url.h — decoding the escapes web logs and URLs carry.
 *
 * Both decoders write at most n bytes to out (decoding only shrinks), so a caller can give
 * an output buffer as large as the input; they never fail: malformed escapes are copied
 * as written (a forensic tool keeps what the attacker sent).
 */
#ifndef KS_URL_H
#define KS_URL_H

#include <stddef.h>

/* Percent-decoding (RFC 3986 %XX). '+' is kept as '+' (it only means a space in form
 * bodies, and the raw request is kept anyway). Returns the decoded length. */
size_t ks_url_decode(char *out, const char *s, size_t n);
/* Web-server log string escapes: nginx writes '"', '\\' and bytes < 0x20 / >= 0x7f as
 * \xHH; Apache writes \" \\ \n \t and \xHH. Both are undone. Returns the length. */
size_t ks_log_unescape(char *out, const char *s, size_t n);

#endif
