/* net.c — IP address text and CIDR matching (see net.h). inet_pton does the address
 * grammar; this file only strips the decorations logs add (brackets, ports). */
#include "core/net.h"

#include <arpa/inet.h>
#include <string.h>

static int pton(ks_ip *out, const char *s, size_t n)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return KS_ECORRUPT;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    ks_ip ip = {{0}, false};
    struct in_addr a4;
    if (inet_pton(AF_INET, tmp, &a4) == 1) {
        ip.a[10] = 0xff;
        ip.a[11] = 0xff;
        memcpy(ip.a + 12, &a4, 4);
        ip.v4 = true;
        *out = ip;
        return 0;
    }
    if (inet_pton(AF_INET6, tmp, ip.a) == 1) {
        *out = ip;
        return 0;
    }
    return KS_ECORRUPT;
}

int ks_ip_parse(ks_ip *out, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n && s[0] == '[') { /* [v6] or [v6]:port */
        const char *close = memchr(s, ']', n);
        if (!close)
            return KS_ECORRUPT;
        return pton(out, s + 1, (size_t)(close - s - 1));
    }
    if (pton(out, s, n) == 0)
        return 0;
    /* a.b.c.d:port (one colon only: more colons means IPv6 without brackets) */
    const char *colon = memchr(s, ':', n);
    if (colon && !memchr(colon + 1, ':', n - (size_t)(colon - s) - 1))
        return pton(out, s, (size_t)(colon - s));
    return KS_ECORRUPT;
}

static int add(ks_cidr_list *l, const char *s, size_t n, ks_err *err)
{
    const char *slash = memchr(s, '/', n);
    size_t an = slash ? (size_t)(slash - s) : n;
    ks_ip ip;
    if (pton(&ip, s, an) != 0)
        return KS_ERR(err, KS_EUSAGE, "not an IP network: '%.*s'", (int)(n > 64 ? 64 : n), s);
    unsigned max = ip.v4 ? 32 : 128, bits = max;
    if (slash) {
        const char *p = slash + 1, *e = s + n;
        if (p == e || e - p > 3)
            return KS_ERR(err, KS_EUSAGE, "bad prefix length in '%.*s'", (int)n, s);
        bits = 0;
        for (; p < e; p++) {
            if (*p < '0' || *p > '9')
                return KS_ERR(err, KS_EUSAGE, "bad prefix length in '%.*s'", (int)n, s);
            bits = bits * 10 + (unsigned)(*p - '0');
        }
        if (bits > max)
            return KS_ERR(err, KS_EUSAGE, "prefix longer than the address in '%.*s'", (int)n, s);
    }
    if (l->n >= KS_CIDR_MAX)
        return KS_ERR(err, KS_EUSAGE, "more than %d networks", KS_CIDR_MAX);
    l->e[l->n].net = ip;
    l->e[l->n].bits = ip.v4 ? bits + 96 : bits;
    l->n++;
    return 0;
}

int ks_cidr_parse(ks_cidr_list *out, const char *s, ks_err *err)
{
    ks_cidr_list l;
    l.n = 0;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *q = p;
        while (n && (*q == ' ' || *q == '\t'))
            q++, n--;
        while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
            n--;
        if (n) {
            int rc = add(&l, q, n, err);
            if (rc)
                return rc;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = l;
    return 0;
}

void ks_cidr_default_private(ks_cidr_list *out)
{
    ks_err e;
    ks_err_clear(&e);
    /* cannot fail: fixed text */
    (void)ks_cidr_parse(out, "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8,::1/128,fc00::/7",
                        &e);
}

bool ks_cidr_match(const ks_cidr_list *l, const ks_ip *ip)
{
    for (size_t i = 0; i < l->n; i++) {
        const uint8_t *a = l->e[i].net.a, *b = ip->a;
        unsigned bits = l->e[i].bits, full = bits / 8, rest = bits % 8;
        if (memcmp(a, b, full))
            continue;
        if (rest) {
            uint8_t mask = (uint8_t)(0xff << (8 - rest));
            if ((a[full] & mask) != (b[full] & mask))
                continue;
        }
        return true;
    }
    return false;
}
