/* fuzz_escape — the escapers on arbitrary bytes, checking what each one promises:
 * terminal output has no byte < 0x20 or 0x7f and is valid UTF-8; HTML output has no '<'
 * (nor '>', '"', '\'', controls); JSON output is one well-formed string literal (scanned
 * here by a tiny independent checker); CSV output has no controls but newlines;
 * ks_display_prefix never exceeds its budget or splits a UTF-8 sequence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void check_json(const ks_buf *b)
{
    const unsigned char *p = (const unsigned char *)b->data;
    size_t n = b->len;
    if (n < 2 || p[0] != '"' || p[n - 1] != '"')
        abort();
    for (size_t i = 1; i < n - 1; i++) {
        if (p[i] < 0x20 || p[i] == '"')
            abort();
        if (p[i] != '\\')
            continue;
        if (++i >= n - 1)
            abort();
        if (strchr("\"\\/bfnrt", p[i]))
            continue;
        if (p[i] != 'u' || i + 4 >= n - 1)
            abort();
        unsigned u = 0;
        for (int k = 1; k <= 4; k++) {
            int h = hexval(p[i + k]);
            if (h < 0)
                abort();
            u = u << 4 | (unsigned)h;
        }
        i += 4;
        if (u >= 0xDC00 && u <= 0xDFFF)
            abort(); /* a low surrogate must follow a high one (consumed below) */
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 6 >= n - 1 || p[i + 1] != '\\' || p[i + 2] != 'u')
                abort();
            unsigned lo = 0;
            for (int k = 3; k <= 6; k++) {
                int h = hexval(p[i + k]);
                if (h < 0)
                    abort();
                lo = lo << 4 | (unsigned)h;
            }
            if (lo < 0xDC00 || lo > 0xDFFF)
                abort();
            i += 6;
        }
    }
    if (ks_utf8_invalid_count(b->data, b->len) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    ks_buf b;
    ks_buf_init(&b, 0);

    if (ks_escape_term(&b, s, size) != 0)
        abort();
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
            abort();
    if (ks_utf8_invalid_count(b.data, b.len) != 0)
        abort();
    size_t tw = ks_display_width(b.data, b.len);

    ks_buf_reset(&b);
    if (ks_escape_html(&b, s, size) != 0)
        abort();
    for (size_t i = 0; i < b.len; i++) {
        unsigned char c = (unsigned char)b.data[i];
        if (c == '<' || c == '>' || c == '"' || c == '\'' || c < 0x20 || c == 0x7f)
            abort();
    }

    ks_buf_reset(&b);
    if (ks_escape_json(&b, s, size) != 0)
        abort();
    check_json(&b);

    ks_buf_reset(&b);
    if (ks_escape_csv(&b, s, size) != 0)
        abort();
    for (size_t i = 0; i < b.len; i++) {
        unsigned char c = (unsigned char)b.data[i];
        if ((c < 0x20 && c != '\n' && c != '\r') || c == 0x7f)
            abort();
    }
    if (b.len && (b.data[0] == '=' || b.data[0] == '+' || b.data[0] == '-' || b.data[0] == '@'))
        abort();

    /* prefixes: within budget, on a character boundary, widths add up */
    size_t w = ks_display_width(s, size);
    const size_t budgets[] = {0, 1, 2, 3, 4, 7, 10, 20, 40, w ? w - 1 : 0, w, w + 1};
    for (size_t bi = 0; bi < sizeof budgets / sizeof budgets[0]; bi++) {
        size_t cols = budgets[bi];
        size_t k = ks_display_prefix(s, size, cols);
        if (k > size || ks_display_width(s, k) > cols)
            abort();
        if (ks_utf8_invalid_count(s, k) + ks_utf8_invalid_count(s + k, size - k) !=
            ks_utf8_invalid_count(s, size))
            abort();
        if (k < size && ks_display_prefix(s, size, cols + 3) < k)
            abort();
    }
    (void)tw;
    ks_buf_free(&b);
    return 0;
}
