#include "ktest.h"

#include <string.h>

#include "core/net.h"
#include "core/url.h"

static int in_list(const char *list, const char *addr)
{
    ks_cidr_list l;
    ks_err e;
    ks_err_clear(&e);
    if (ks_cidr_parse(&l, list, &e) != 0)
        return -1;
    ks_ip ip;
    if (ks_ip_parse(&ip, addr, strlen(addr)) != 0)
        return -2;
    return ks_cidr_match(&l, &ip);
}

KTEST(test_ip_parse_accepts_log_decorations)
{
    ks_ip ip;
    KT_EQ_INT(ks_ip_parse(&ip, "1.2.3.4", 7), 0);
    KT_CHECK(ip.v4 && ip.a[12] == 1 && ip.a[15] == 4);
    KT_EQ_INT(ks_ip_parse(&ip, "1.2.3.4:8080", 12), 0);
    KT_CHECK(ip.v4 && ip.a[15] == 4);
    KT_EQ_INT(ks_ip_parse(&ip, "[2001:db8::1]:443", 17), 0);
    KT_CHECK(!ip.v4 && ip.a[0] == 0x20 && ip.a[15] == 1);
    KT_EQ_INT(ks_ip_parse(&ip, " ::1 ", 5), 0);
    KT_EQ_INT(ks_ip_parse(&ip, "localhost", 9), KS_ECORRUPT);
    KT_EQ_INT(ks_ip_parse(&ip, "unix:", 5), KS_ECORRUPT);
    KT_EQ_INT(ks_ip_parse(&ip, "", 0), KS_ECORRUPT);
    KT_EQ_INT(ks_ip_parse(&ip, "1.2.3.4.5", 9), KS_ECORRUPT);
    char big[200];
    memset(big, '1', sizeof big);
    KT_EQ_INT(ks_ip_parse(&ip, big, sizeof big), KS_ECORRUPT);
}

KTEST(test_cidr_match_prefix_boundaries)
{
    KT_EQ_INT(in_list("10.0.0.0/8", "10.255.255.255"), 1);
    KT_EQ_INT(in_list("10.0.0.0/8", "11.0.0.0"), 0);
    KT_EQ_INT(in_list("172.16.0.0/12", "172.31.255.1"), 1);
    KT_EQ_INT(in_list("172.16.0.0/12", "172.32.0.1"), 0);
    KT_EQ_INT(in_list("192.168.1.7", "192.168.1.7"), 1);
    KT_EQ_INT(in_list("192.168.1.7", "192.168.1.8"), 0);
    KT_EQ_INT(in_list("fc00::/7", "fdff::1"), 1);
    KT_EQ_INT(in_list("fc00::/7", "fe00::1"), 0);
    KT_EQ_INT(in_list("0.0.0.0/0", "8.8.8.8"), 1);
    KT_EQ_INT(in_list("0.0.0.0/0", "::1"), 0); /* an IPv4 /0 is not every IPv6 address */
    KT_EQ_INT(in_list(" 10.0.0.0/8 , ::1 ", "::1"), 1);
}

KTEST(test_cidr_parse_rejects_bad_items)
{
    ks_cidr_list l;
    ks_err e;
    ks_err_clear(&e);
    KT_EQ_INT(ks_cidr_parse(&l, "10.0.0.0/33", &e), KS_EUSAGE);
    KT_EQ_INT(ks_cidr_parse(&l, "10.0.0.0/", &e), KS_EUSAGE);
    KT_EQ_INT(ks_cidr_parse(&l, "10.0.0.0/8x", &e), KS_EUSAGE);
    KT_EQ_INT(ks_cidr_parse(&l, "example.com", &e), KS_EUSAGE);
    KT_EQ_INT(ks_cidr_parse(&l, "::/129", &e), KS_EUSAGE);
    KT_EQ_INT(ks_cidr_parse(&l, "", &e), 0);
    KT_EQ_INT((int)l.n, 0);
}

KTEST(test_default_private_covers_rfc1918_loopback_ula)
{
    ks_cidr_list l;
    ks_cidr_default_private(&l);
    const char *yes[] = {"10.1.2.3", "172.20.0.1", "192.168.0.1", "127.0.0.1", "::1", "fd00::5"};
    const char *no[] = {"8.8.8.8", "172.32.0.1", "2001:db8::1", "100.64.0.1"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        ks_ip ip;
        KT_REQUIRE(ks_ip_parse(&ip, yes[i], strlen(yes[i])) == 0);
        KT_CHECK(ks_cidr_match(&l, &ip));
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        ks_ip ip;
        KT_REQUIRE(ks_ip_parse(&ip, no[i], strlen(no[i])) == 0);
        KT_CHECK(!ks_cidr_match(&l, &ip));
    }
}

KTEST(test_url_decode_keeps_malformed_escapes)
{
    char out[64];
    size_t n = ks_url_decode(out, "/a%20b%2Fc%zz%4", 15);
    KT_EQ_INT((int)n, 11);
    KT_CHECK(!memcmp(out, "/a b/c%zz%4", 11));
    n = ks_url_decode(out, "x=1+2%00", 8);
    KT_EQ_INT((int)n, 6);
    KT_CHECK(!memcmp(out, "x=1+2\0", 6));
}

KTEST(test_log_unescape_nginx_and_apache_forms)
{
    char out[64];
    size_t n = ks_log_unescape(out, "a\\x22b\\\"c\\\\d\\x1", 15);
    KT_EQ_INT((int)n, 10);
    KT_CHECK(!memcmp(out, "a\"b\"c\\d\\x1", 10));
    n = ks_log_unescape(out, "\\n\\t\\q\\", 7);
    KT_EQ_INT((int)n, 5);
    KT_CHECK(!memcmp(out, "\n\t\\q\\", 5));
}
