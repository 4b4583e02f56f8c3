/* escape.h — making evidence text safe for where it goes.
 *
 * Attackers write the log lines we print. Nothing from evidence reaches a terminal, a CSV
 * cell, a JSON string or an HTML page without passing through one of these. All functions
 * append to a ks_buf and return 0 or a ks_status (KS_ELIMIT when the buffer max is hit).
 */
#ifndef KS_ESCAPE_H
#define KS_ESCAPE_H

#include <stddef.h>

#include "core/buf.h"

/* Terminal: C0/C1 controls, DEL, ESC and invalid UTF-8 bytes become visible escapes
 * (\n, \t, \r, \e, \xNN; invalid bytes \xNN); bidirectional overrides and other invisible
 * format characters (U+202A..U+202E, U+2066..U+2069, U+200B..U+200F, U+FEFF) become \u{XXXX}.
 * Valid printable UTF-8 (Japanese text) passes unchanged. A backslash becomes "\\".
 * C1 controls written as valid UTF-8 (U+0080..U+009F, e.g. CSI U+009B) and the other
 * invisible characters (U+00AD, U+061C, U+180E, U+2028..U+2029, U+2060..U+2064,
 * U+206A..U+206F, U+FFF9..U+FFFB, tags U+E0000..U+E007F) also become \u{XXXX}.
 * Overlong forms, surrogates and values above U+10FFFF are invalid: \xNN per byte.
 * The output never holds a byte < 0x20 or 0x7f and is always valid UTF-8. */
int ks_escape_term(ks_buf *out, const char *s, size_t n);
/* CSV (RFC 4180): quoted when needed; additionally, to defuse spreadsheet formula
 * injection, a cell starting with = + - @ TAB or CR gets a leading apostrophe.
 * Control characters are escaped as for the terminal (except inside-cell newlines, kept;
 * a backslash is doubled as there). Cells with , " CR LF or a leading/trailing space are
 * quoted. Lines are the caller's to end ("\n" in kanshiki's output). */
int ks_escape_csv(ks_buf *out, const char *s, size_t n);
/* JSON string literal including the quotes (same value as ks_json_quote): '"', '\\' and
 * controls escaped (\n \r \t \b \f, else \u00XX, DEL too), invalid UTF-8 bytes become
 * \ufffd; C1 and the invisible characters above are written as \uXXXX (a surrogate pair
 * above U+FFFF) so they show when the JSON is read on a screen. */
int ks_escape_json(ks_buf *out, const char *s, size_t n);
/* HTML text and attribute values: & < > " ' escaped; controls and invalid UTF-8 as in the
 * terminal escaping (a backslash is doubled, so escapes stay unambiguous). */
int ks_escape_html(ks_buf *out, const char *s, size_t n);

/* Display width on a terminal of already-escaped UTF-8 text (East Asian Wide and
 * Fullwidth characters count 2, combining marks 0). */
size_t ks_display_width(const char *s, size_t n);
/* Byte length of the longest prefix of s whose display width is <= cols
 * (never splits a UTF-8 sequence). */
size_t ks_display_prefix(const char *s, size_t n, size_t cols);

/* Validates UTF-8; returns the number of invalid bytes (0 = valid). */
size_t ks_utf8_invalid_count(const char *s, size_t n);

#endif
