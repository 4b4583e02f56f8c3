/* sql_fingerprint.h — a statement's shape: literals replaced so that the 100k queries an
 * application sends group into a few dozen shapes and an attacker's one-offs stand out.
 *
 * Rules (in the spirit of pt-query-digest's fingerprint, implemented on our lexer):
 *  - comments dropped, whitespace collapsed to one space, keywords and bare identifiers
 *    lower-cased, quoted identifiers unquoted and lower-cased;
 *  - strings, numbers, hex/bit literals, parameters ($1, ?, :x) become "?";
 *    a sign directly before a number folds into it;
 *  - a parenthesised list of only literals becomes "(?+)", and the repeated row groups of
 *    VALUES (..),(..) become one "(?+)";
 *  - trailing semicolons dropped; the fingerprint of several statements joins them by "; ".
 * The 64-bit id is FNV-1a over the fingerprint, printed as 16 hex digits.
 */
#ifndef KS_SQL_FINGERPRINT_H
#define KS_SQL_FINGERPRINT_H

#include <stdint.h>

#include "core/buf.h"
#include "db/sql_lex.h"

/* Appends the fingerprint of s to out (which may have a max: KS_ELIMIT then). */
int ks_sql_fingerprint(ks_buf *out, const char *s, size_t n, ks_sql_dialect d);
uint64_t ks_sql_fingerprint_id(const char *text, size_t n);

#endif
