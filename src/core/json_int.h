/* json_int.h — helpers shared by json.c and json_split.c (not part of the public API). */
#ifndef KS_JSON_INT_H
#define KS_JSON_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the well-formed UTF-8 sequence at p, or 0 if it is not one. */
size_t ks_utf8_seq(const uint8_t *p, size_t n);
/* true when [p, p+n) is exactly an RFC 8259 number. */
bool ks_json_number_valid(const char *p, size_t n);
/* strtod in the C locale on a bounded NUL-terminated copy; KS_EUNSUPPORTED on overflow. */
int ks_json_number_to_double(const char *p, size_t n, double *out);

#endif
