/* url.c — percent-decoding and web-log unescaping (see url.h). */
#include "core/url.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t ks_url_decode(char *out, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < n && (h = hexval(s[i + 1])) >= 0 && (l = hexval(s[i + 2])) >= 0) {
            out[o++] = (char)(h * 16 + l);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}

size_t ks_log_unescape(char *out, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] != '\\' || i + 1 >= n) {
            out[o++] = s[i];
            continue;
        }
        char c = s[i + 1];
        if (c == 'x' && i + 3 < n && (h = hexval(s[i + 2])) >= 0 && (l = hexval(s[i + 3])) >= 0) {
            out[o++] = (char)(h * 16 + l);
            i += 3;
        } else if (c == '"' || c == '\\') {
            out[o++] = c;
            i++;
        } else if (c == 'n') {
            out[o++] = '\n';
            i++;
        } else if (c == 't') {
            out[o++] = '\t';
            i++;
        } else if (c == 'r') {
            out[o++] = '\r';
            i++;
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}
