#include "acquire/aj.h"

#include <string.h>

#include "core/err.h"

static const char hexd[] = "0123456789abcdef";

/* Length of a valid UTF-8 sequence at s (max n bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

int ks_aj_quote(ks_buf *out, const char *s, size_t n)
{
    int rc = ks_buf_putc(out, '"');
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n && !rc;) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            rc = ks_buf_append(out, e, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
            rc = ks_buf_append(out, e, 6);
            i++;
        } else {
            size_t l = utf8_len(u + i, n - i);
            if (!l) {
                rc = ks_buf_append(out, "\\ufffd", 6);
                i++;
            } else {
                rc = ks_buf_append(out, s + i, l);
                i += l;
            }
        }
    }
    if (!rc)
        rc = ks_buf_putc(out, '"');
    return rc;
}

static void ws(const char *t, size_t n, size_t *pos)
{
    while (*pos < n && (t[*pos] == ' ' || t[*pos] == '\t' || t[*pos] == '\n' || t[*pos] == '\r'))
        (*pos)++;
}

static int skip_string(const char *t, size_t n, size_t *pos)
{
    size_t i = *pos + 1; /* past the opening quote */
    while (i < n) {
        unsigned char c = (unsigned char)t[i];
        if (c == '"') {
            *pos = i + 1;
            return 0;
        }
        if (c < 0x20) {
            *pos = i;
            return KS_ECORRUPT;
        }
        if (c == '\\') {
            if (i + 1 >= n)
                break;
            char e = t[i + 1];
            if (e == 'u') {
                if (!ks_fits(i + 2, 4, n)) {
                    *pos = i;
                    return KS_ECORRUPT;
                }
                for (size_t k = 0; k < 4; k++) {
                    char h = t[i + 2 + k];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                        *pos = i;
                        return KS_ECORRUPT;
                    }
                }
                i += 6;
            } else if (e && strchr("\"\\/bfnrt", e)) {
                i += 2;
            } else {
                *pos = i;
                return KS_ECORRUPT;
            }
            continue;
        }
        i++;
    }
    *pos = n;
    return KS_ECORRUPT;
}

static int skip_value(const char *t, size_t n, size_t *pos, int depth)
{
    ws(t, n, pos);
    if (*pos >= n)
        return KS_ECORRUPT;
    if (depth > KS_AJ_MAX_DEPTH)
        return KS_ELIMIT;
    char c = t[*pos];
    if (c == '"')
        return skip_string(t, n, pos);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        (*pos)++;
        ws(t, n, pos);
        if (*pos < n && t[*pos] == close) {
            (*pos)++;
            return 0;
        }
        for (;;) {
            int rc;
            if (c == '{') {
                ws(t, n, pos);
                if (*pos >= n || t[*pos] != '"')
                    return KS_ECORRUPT;
                if ((rc = skip_string(t, n, pos)) != 0)
                    return rc;
                ws(t, n, pos);
                if (*pos >= n || t[*pos] != ':')
                    return KS_ECORRUPT;
                (*pos)++;
            }
            if ((rc = skip_value(t, n, pos, depth + 1)) != 0)
                return rc;
            ws(t, n, pos);
            if (*pos >= n)
                return KS_ECORRUPT;
            if (t[*pos] == ',') {
                (*pos)++;
                continue;
            }
            if (t[*pos] == close) {
                (*pos)++;
                return 0;
            }
            return KS_ECORRUPT;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        size_t i = *pos + (c == '-');
        size_t digits = 0;
        while (i < n && t[i] >= '0' && t[i] <= '9') {
            i++;
            digits++;
        }
        if (!digits)
            return KS_ECORRUPT;
        if (i < n && t[i] == '.') {
            i++;
            while (i < n && t[i] >= '0' && t[i] <= '9')
                i++;
        }
        if (i < n && (t[i] == 'e' || t[i] == 'E')) {
            i++;
            if (i < n && (t[i] == '+' || t[i] == '-'))
                i++;
            while (i < n && t[i] >= '0' && t[i] <= '9')
                i++;
        }
        *pos = i;
        return 0;
    }
    static const char *const lits[] = {"true", "false", "null"};
    for (size_t k = 0; k < 3; k++) {
        size_t l = strlen(lits[k]);
        if (ks_fits(*pos, l, n) && !memcmp(t + *pos, lits[k], l)) {
            *pos += l;
            return 0;
        }
    }
    return KS_ECORRUPT;
}

int ks_aj_skip(const char *text, size_t n, size_t *pos)
{
    return skip_value(text, n, pos, 0);
}

int ks_aj_get(ks_str obj, const char *key, ks_str *out, size_t *bad)
{
    const char *t = obj.p;
    size_t n = obj.n, pos = 0, klen = strlen(key);
    int rc = KS_ECORRUPT;
    ws(t, n, &pos);
    if (pos >= n || t[pos] != '{')
        goto done;
    pos++;
    ws(t, n, &pos);
    if (pos < n && t[pos] == '}') {
        rc = KS_ENOTFOUND;
        goto done;
    }
    for (;;) {
        ws(t, n, &pos);
        if (pos >= n || t[pos] != '"') {
            rc = KS_ECORRUPT;
            goto done;
        }
        size_t ks = pos;
        if ((rc = skip_string(t, n, &pos)) != 0)
            goto done;
        /* Keys we look for never need escapes; compare the raw text. */
        int match = pos - ks == klen + 2 && !memcmp(t + ks + 1, key, klen);
        ws(t, n, &pos);
        if (pos >= n || t[pos] != ':') {
            rc = KS_ECORRUPT;
            goto done;
        }
        pos++;
        ws(t, n, &pos);
        size_t vs = pos;
        if ((rc = skip_value(t, n, &pos, 1)) != 0)
            goto done;
        if (match) {
            out->p = t + vs;
            out->n = pos - vs;
            return 0;
        }
        ws(t, n, &pos);
        if (pos < n && t[pos] == ',') {
            pos++;
            continue;
        }
        if (pos < n && t[pos] == '}') {
            rc = KS_ENOTFOUND;
            goto done;
        }
        rc = KS_ECORRUPT;
        goto done;
    }
done:
    if (bad)
        *bad = pos;
    return rc;
}

int ks_aj_next(ks_str arr, size_t *pos, ks_str *out)
{
    const char *t = arr.p;
    size_t n = arr.n;
    if (*pos == 0) {
        ws(t, n, pos);
        if (*pos >= n || t[*pos] != '[')
            return KS_ECORRUPT;
        (*pos)++;
        ws(t, n, pos);
        if (*pos < n && t[*pos] == ']') {
            *pos = n;
            return KS_EOF;
        }
    } else {
        ws(t, n, pos);
        if (*pos >= n)
            return KS_EOF;
        if (t[*pos] == ']') {
            *pos = n;
            return KS_EOF;
        }
        if (t[*pos] != ',')
            return KS_ECORRUPT;
        (*pos)++;
    }
    ws(t, n, pos);
    size_t vs = *pos;
    int rc = skip_value(t, n, pos, 1);
    if (rc)
        return rc;
    out->p = t + vs;
    out->n = *pos - vs;
    return 0;
}

static int hexval(char h)
{
    if (h >= '0' && h <= '9')
        return h - '0';
    if (h >= 'a' && h <= 'f')
        return h - 'a' + 10;
    if (h >= 'A' && h <= 'F')
        return h - 'A' + 10;
    return -1;
}

static int put_utf8(ks_buf *out, uint32_t cp)
{
    char u[4];
    size_t l;
    if (cp < 0x80) {
        u[0] = (char)cp;
        l = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        l = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        l = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        l = 4;
    }
    return ks_buf_append(out, u, l);
}

int ks_aj_string(ks_str v, ks_buf *out)
{
    size_t pos = 0;
    if (!v.n || v.p[0] != '"' || skip_string(v.p, v.n, &pos) || pos != v.n)
        return KS_ECORRUPT;
    int rc = ks_buf_reserve(out, 0);
    for (size_t i = 1; i + 1 < v.n && !rc;) {
        char c = v.p[i];
        if (c != '\\') {
            rc = ks_buf_putc(out, c);
            i++;
            continue;
        }
        char e = v.p[i + 1];
        if (e != 'u') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *f = strchr(from, e);
            rc = ks_buf_putc(out, f ? to[f - from] : '?');
            i += 2;
            continue;
        }
        uint32_t cp = 0;
        for (size_t k = 0; k < 4; k++)
            cp = (cp << 4) | (uint32_t)hexval(v.p[i + 2 + k]);
        i += 6;
        if (cp >= 0xd800 && cp <= 0xdbff && i + 6 < v.n && v.p[i] == '\\' && v.p[i + 1] == 'u') {
            uint32_t lo = 0;
            for (size_t k = 0; k < 4; k++)
                lo = (lo << 4) | (uint32_t)hexval(v.p[i + 2 + k]);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i += 6;
            }
        }
        if (cp >= 0xd800 && cp <= 0xdfff)
            cp = 0xfffd;
        rc = put_utf8(out, cp);
    }
    return rc;
}

int ks_aj_u64(ks_str v, uint64_t *out)
{
    if (!v.n || v.n > 20)
        return KS_ECORRUPT;
    uint64_t x = 0;
    for (size_t i = 0; i < v.n; i++) {
        char c = v.p[i];
        if (c < '0' || c > '9')
            return KS_ECORRUPT;
        uint64_t d = (uint64_t)(c - '0');
        if (x > (UINT64_MAX - d) / 10)
            return KS_ECORRUPT;
        x = x * 10 + d;
    }
    *out = x;
    return 0;
}
