/* net.h — IP addresses and CIDR lists for log fields (client IPs, proxy chains).
 *
 * Addresses are parsed from text as written in logs: IPv4 dotted quad, IPv6 (any RFC 4291
 * text form), optionally in brackets and/or with a ":port" suffix ("1.2.3.4:5678",
 * "[2001:db8::1]:443"). IPv4 is held as an IPv4-mapped IPv6 address so one matcher serves
 * both families. No allocation; everything is bounded by the input length.
 */
#ifndef KS_NET_H
#define KS_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ks_ip {
    uint8_t a[16]; /* network order; IPv4 as ::ffff:a.b.c.d */
    bool v4;
} ks_ip;

/* 0 and *out when s[0..n) is an address (port/brackets allowed, see above), else
 * KS_ECORRUPT. */
int ks_ip_parse(ks_ip *out, const char *s, size_t n);

#define KS_CIDR_MAX 64
typedef struct ks_cidr_list {
    size_t n;
    struct {
        ks_ip net;
        unsigned bits; /* prefix length on the 128-bit form (IPv4 /8 is 104) */
    } e[KS_CIDR_MAX];
} ks_cidr_list;

/* Parses "10.0.0.0/8,192.168.0.0/16,::1" (a bare address is a /32 or /128). Blanks around
 * items are ignored. KS_EUSAGE (err says which item) for a malformed item or more than
 * KS_CIDR_MAX of them. */
int ks_cidr_parse(ks_cidr_list *out, const char *s, ks_err *err);
/* RFC 1918 private ranges plus loopback (127.0.0.0/8, ::1) and IPv6 unique local
 * (fc00::/7): the proxies a default deployment's own load balancers use. */
void ks_cidr_default_private(ks_cidr_list *out);
bool ks_cidr_match(const ks_cidr_list *l, const ks_ip *ip);

#endif
