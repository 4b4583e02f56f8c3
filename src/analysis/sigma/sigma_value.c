/* sigma_value.c — Sigma string values: wildcards and escapes, the encoding modifiers
 * (base64, base64offset, utf16*, wide, windash) and the matchers behind the SQL predicate
 * (cidr, numbers).
 *
 * Wildcards (Sigma specification, "Wildcards"): '*' any run, '?' one character; '\'
 * escapes '*', '?' and '\' itself; a '\' before anything else is a literal backslash, so
 * Windows paths like C:\Windows\ need no doubling. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sigma/sigma_int.h"

int sg_pat_parse(sg_pat *out, const char *s, size_t n, bool wildcards)
{
    sg_pat p = {malloc(n + 1), malloc(n + 1), 0};
    if (!p.text || !p.wild) {
        sg_pat_free(&p);
        return KS_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (wildcards && c == '\\' && i + 1 < n &&
            (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
            p.text[p.n] = s[++i];
            p.wild[p.n++] = 0;
        } else if (wildcards && (c == '*' || c == '?')) {
            p.text[p.n] = c;
            p.wild[p.n++] = c;
        } else {
            p.text[p.n] = c;
            p.wild[p.n++] = 0;
        }
    }
    p.text[p.n] = 0;
    *out = p;
    return 0;
}

void sg_pat_free(sg_pat *p)
{
    free(p->text);
    free(p->wild);
    p->text = p->wild = NULL;
    p->n = 0;
}

int sg_pat_like(const sg_pat *p, ks_buf *out)
{
    int rc = 0;
    for (size_t i = 0; i < p->n && !rc; i++) {
        char c = p->text[i];
        if (p->wild[i])
            rc = ks_buf_putc(out, p->wild[i] == '*' ? '%' : '_');
        else if (c == '%' || c == '_' || c == '\\')
            rc = ks_buf_putc(out, '\\') ? KS_ENOMEM : ks_buf_putc(out, c);
        else
            rc = ks_buf_putc(out, c);
    }
    return rc ? rc : ks_buf_append(out, "", 0);
}

int sg_pat_glob(const sg_pat *p, ks_buf *out)
{
    int rc = 0;
    for (size_t i = 0; i < p->n && !rc; i++) {
        char c = p->text[i];
        if (p->wild[i])
            rc = ks_buf_putc(out, p->wild[i]);
        else if (c == '*' || c == '?' || c == '[') {
            char br[3] = {'[', c, ']'};
            rc = ks_buf_append(out, br, 3);
        } else
            rc = ks_buf_putc(out, c);
    }
    return rc ? rc : ks_buf_append(out, "", 0);
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sg_base64(const unsigned char *p, size_t n, ks_buf *out)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {b64chars[(v >> 18) & 63], b64chars[(v >> 12) & 63],
                     i + 1 < n ? b64chars[(v >> 6) & 63] : '=', i + 2 < n ? b64chars[v & 63] : '='};
        rc = ks_buf_append(out, q, 4);
    }
    return rc ? rc : ks_buf_append(out, "", 0);
}

/* base64offset: the value may sit at any of three byte offsets inside a larger encoded
 * blob; encoding it after 0, 1 or 2 filler bytes and dropping the characters that depend
 * on the filler (at the start) or on what follows (at the end) gives the three substrings
 * that appear in the blob whatever surrounds the value. */
int sg_base64_offsets(const unsigned char *p, size_t n, char *out[3])
{
    static const size_t start[3] = {0, 2, 3};
    static const size_t endcut[3] = {0, 3, 2}; /* indexed by (n + shift) % 3 */
    int rc = 0;
    ks_buf b;
    unsigned char *tmp = malloc(n + 2);
    out[0] = out[1] = out[2] = NULL;
    if (!tmp)
        return KS_ENOMEM;
    ks_buf_init(&b, 0);
    for (size_t shift = 0; shift < 3 && !rc; shift++) {
        memset(tmp, ' ', shift);
        memcpy(tmp + shift, p, n);
        ks_buf_reset(&b);
        if ((rc = sg_base64(tmp, n + shift, &b)))
            break;
        size_t len = b.len, s0 = start[shift], cut = endcut[(n + shift) % 3];
        size_t e = len >= cut ? len - cut : 0;
        if (e < s0)
            e = s0;
        if (s0 > len)
            s0 = e = len;
        if (!(out[shift] = strndup(b.data + s0, e - s0)))
            rc = KS_ENOMEM;
    }
    ks_buf_free(&b);
    free(tmp);
    if (rc)
        for (int i = 0; i < 3; i++) {
            free(out[i]);
            out[i] = NULL;
        }
    return rc;
}

/* Decodes one UTF-8 sequence; invalid bytes give U+FFFD and advance by one. */
static unsigned utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned c = s[*i];
    size_t need = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
    if (need == 0) {
        (*i)++;
        return c;
    }
    if (need == 9 || !ks_fits(*i + 1, need, n)) {
        (*i)++;
        return 0xFFFD;
    }
    unsigned v = c & (0x3F >> need);
    for (size_t k = 1; k <= need; k++) {
        unsigned cc = s[*i + k];
        if ((cc & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        v = (v << 6) | (cc & 0x3F);
    }
    static const unsigned minv[4] = {0, 0x80, 0x800, 0x10000};
    if (v < minv[need] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        (*i)++;
        return 0xFFFD;
    }
    *i += need + 1;
    return v;
}

static int put16(ks_buf *out, unsigned u, bool be)
{
    char b[2] = {(char)(be ? u >> 8 : u & 0xFF), (char)(be ? u & 0xFF : u >> 8)};
    return ks_buf_append(out, b, 2);
}

int sg_utf16(const char *s, size_t n, bool big_endian, bool bom, ks_buf *out)
{
    int rc = 0;
    const unsigned char *u = (const unsigned char *)s;
    if (bom)
        rc = put16(out, 0xFEFF, big_endian);
    for (size_t i = 0; i < n && !rc;) {
        unsigned c = utf8_next(u, n, &i);
        if (c >= 0x10000) {
            c -= 0x10000;
            rc = put16(out, 0xD800 | (c >> 10), big_endian);
            if (!rc)
                rc = put16(out, 0xDC00 | (c & 0x3FF), big_endian);
        } else {
            rc = put16(out, c, big_endian);
        }
    }
    return rc;
}

int sg_windash(const char *s, size_t n, char ***out, size_t *nout, size_t max)
{
    static const char *const dash[] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};
    size_t pos[16], npos = 0;
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        if ((s[i] == '-' || s[i] == '/') && (i == 0 || s[i - 1] == ' ')) {
            if (npos == 16 || total > max / 5)
                return KS_ELIMIT;
            pos[npos++] = i;
            total *= 5;
        }
    char **v = calloc(total, sizeof *v);
    if (!v)
        return KS_ENOMEM;
    ks_buf b;
    ks_buf_init(&b, 0);
    int rc = 0;
    for (size_t k = 0; k < total && !rc; k++) {
        ks_buf_reset(&b);
        size_t code = k, last = 0;
        for (size_t j = 0; j < npos && !rc; j++) {
            rc = ks_buf_append(&b, s + last, pos[j] - last);
            if (!rc)
                rc = ks_buf_puts(&b, dash[code % 5]);
            code /= 5;
            last = pos[j] + 1;
        }
        if (!rc)
            rc = ks_buf_append(&b, s + last, n - last);
        if (!rc && !(v[k] = strndup(b.data ? b.data : "", b.len)))
            rc = KS_ENOMEM;
    }
    ks_buf_free(&b);
    if (rc) {
        for (size_t k = 0; k < total; k++)
            free(v[k]);
        free(v);
        return rc;
    }
    *out = v;
    *nout = total;
    return 0;
}

int sg_cidr_parse(const char *s, unsigned char net[16], int *family, int *bits)
{
    char addr[64];
    const char *slash = strchr(s, '/');
    size_t an = slash ? (size_t)(slash - s) : strlen(s);
    if (an == 0 || an >= sizeof addr)
        return KS_ECORRUPT;
    memcpy(addr, s, an);
    addr[an] = 0;
    int fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
    memset(net, 0, 16);
    if (inet_pton(fam, addr, net) != 1)
        return KS_ECORRUPT;
    int maxb = fam == AF_INET ? 32 : 128, b = maxb;
    if (slash) {
        const char *p = slash + 1;
        if (!*p)
            return KS_ECORRUPT;
        b = 0;
        for (; *p; p++) {
            if (*p < '0' || *p > '9' || b > maxb)
                return KS_ECORRUPT;
            b = b * 10 + (*p - '0');
        }
        if (b > maxb)
            return KS_ECORRUPT;
    }
    *family = fam;
    *bits = b;
    return 0;
}

bool sg_cidr_match(const unsigned char net[16], int family, int bits, const char *ip, size_t n)
{
    char a[64];
    unsigned char v[16];
    if (n == 0 || n >= sizeof a)
        return false;
    memcpy(a, ip, n);
    a[n] = 0;
    if (inet_pton(family, a, v) != 1)
        return false;
    int full = bits / 8, rest = bits % 8;
    if (memcmp(v, net, (size_t)full) != 0)
        return false;
    if (rest) {
        unsigned char m = (unsigned char)(0xFF << (8 - rest));
        if ((v[full] & m) != (net[full] & m))
            return false;
    }
    return true;
}

bool sg_num_parse(const char *s, size_t n, double *out)
{
    char b[64];
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= sizeof b)
        return false;
    memcpy(b, s, n);
    b[n] = 0;
    char *end = NULL;
    errno = 0;
    double d = strtod(b, &end);
    if (errno || end != b + n || isnan(d) || isinf(d))
        return false;
    /* strtod also takes hex floats and "inf"/"nan" words; logs mean decimal */
    for (size_t i = 0; i < n; i++)
        if (!((b[i] >= '0' && b[i] <= '9') || b[i] == '.' || b[i] == '-' || b[i] == '+' ||
              b[i] == 'e' || b[i] == 'E'))
            return false;
    *out = d;
    return true;
}
