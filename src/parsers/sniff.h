/* sniff.h — small helpers for content sniffing shared by the parsers. */
#ifndef KS_SNIFF_H
#define KS_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether `needle` occurs in the first n bytes of head. */
bool ks_sniff_has(const uint8_t *head, size_t n, const char *needle);
/* First byte that is not JSON whitespace (or a UTF-8 BOM), or -1. */
int ks_sniff_first_char(const uint8_t *head, size_t n);
/* Smallest nesting depth at which "key" is an object member in the head (1: a top-level
 * object's member; 2: records of a top-level array; 3: records under a wrapper key such as
 * {"records":[...]}), or -1. Tells a record's own keys from values quoted deep inside
 * another document (a test-expectation file that mentions them, say). */
int ks_sniff_key_depth(const uint8_t *head, size_t n, const char *key);

#endif
