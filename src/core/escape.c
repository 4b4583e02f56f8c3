/* escape.c — terminal, CSV, JSON and HTML escaping of evidence text; display width.
 *
 * One UTF-8 decoder serves all of them. It accepts exactly the well-formed sequences of
 * Unicode 15 §3.9 Table 3-7: overlong forms (C0, C1, E0 80..9F, F0 80..8F), surrogates
 * (ED A0..BF) and values above U+10FFFF (F4 90.., F5..FF) are invalid, and each byte of
 * an invalid or truncated sequence is reported on its own (so the output shows every byte).
 */
#include "core/escape.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Length (1..4) of the valid UTF-8 sequence at s with its code point, or 0 when s[0]
 * does not start one. n >= 1. */
static size_t u8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* > U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    v = v << 6 | (s[1] & 0x3F);
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

/* Invisible format characters that can hide or reorder text on screen: bidirectional
 * embeddings/overrides/isolates (Trojan Source, CVE-2021-42574), zero-width characters,
 * line/paragraph separators, interlinear annotation and tag characters. */
static bool cp_invisible(uint32_t cp)
{
    return cp == 0x00AD || cp == 0x061C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x2066 && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
           (cp >= 0xE0000 && cp <= 0xE007F);
}

static bool cp_c1(uint32_t cp)
{
    return cp >= 0x80 && cp <= 0x9F;
}

static const char hexdig[] = "0123456789abcdef";
static const char HEXDIG[] = "0123456789ABCDEF";

static int put_xbyte(ks_buf *out, unsigned char c)
{
    char t[4] = {'\\', 'x', hexdig[c >> 4], hexdig[c & 15]};
    return ks_buf_append(out, t, 4);
}

/* "\u{202E}": at least four uppercase hex digits, like Rust and JavaScript write it. */
static int put_ubrace(ks_buf *out, uint32_t cp)
{
    char t[12];
    size_t k = 0;
    int digits = cp > 0xFFFFF ? 6 : cp > 0xFFFF ? 5 : 4;
    t[k++] = '\\';
    t[k++] = 'u';
    t[k++] = '{';
    for (int i = digits - 1; i >= 0; i--)
        t[k++] = HEXDIG[(cp >> (4 * i)) & 15];
    t[k++] = '}';
    return ks_buf_append(out, t, k);
}

typedef enum esc_mode { ESC_TERM, ESC_CSV, ESC_HTML } esc_mode;

/* The shared body of terminal, CSV and HTML escaping. Safe runs are appended in one go. */
static int escape_text(ks_buf *out, const char *s, size_t n, esc_mode mode)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0;
    int rc = 0;
    while (i < n) {
        unsigned char c = u[i];
        const char *rep = NULL;
        size_t adv = 1;
        uint32_t cp = c;
        bool hexbyte = false, ubrace = false;
        if (c >= 0x20 && c < 0x7f) {
            if (c == '\\')
                rep = "\\\\";
            else if (mode == ESC_CSV && c == '"')
                rep = "\"\"";
            else if (mode == ESC_HTML) {
                switch (c) {
                case '&': rep = "&amp;"; break;
                case '<': rep = "&lt;"; break;
                case '>': rep = "&gt;"; break;
                case '"': rep = "&quot;"; break;
                case '\'': rep = "&#39;"; break;
                default: break;
                }
            }
        } else if (c < 0x80) { /* C0 controls and DEL */
            if (mode == ESC_CSV && (c == '\n' || c == '\r')) {
                rep = NULL; /* newlines inside a quoted cell are data */
            } else if (c == '\n') {
                rep = "\\n";
            } else if (c == '\t') {
                rep = "\\t";
            } else if (c == '\r') {
                rep = "\\r";
            } else if (c == 0x1b) {
                rep = "\\e";
            } else {
                hexbyte = true;
            }
        } else {
            adv = u8_decode(u + i, n - i, &cp);
            if (adv == 0) {
                adv = 1;
                hexbyte = true;
            } else if (cp_c1(cp) || cp_invisible(cp)) {
                ubrace = true;
            }
        }
        if (!rep && !hexbyte && !ubrace) {
            run += adv;
            i += adv;
            continue;
        }
        if (run && (rc = ks_buf_append(out, s + i - run, run)) != 0)
            return rc;
        run = 0;
        if (rep)
            rc = ks_buf_puts(out, rep);
        else if (hexbyte)
            rc = put_xbyte(out, c);
        else
            rc = put_ubrace(out, cp);
        if (rc)
            return rc;
        i += adv;
    }
    if (run && (rc = ks_buf_append(out, s + n - run, run)) != 0)
        return rc;
    return ks_buf_append(out, "", 0); /* data is a NUL-terminated string even if n == 0 */
}

int ks_escape_term(ks_buf *out, const char *s, size_t n)
{
    return escape_text(out, s, n, ESC_TERM);
}

int ks_escape_html(ks_buf *out, const char *s, size_t n)
{
    return escape_text(out, s, n, ESC_HTML);
}

int ks_escape_csv(ks_buf *out, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    /* Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV
     * injection"); a leading apostrophe makes them show it as text. */
    bool defuse = n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                            s[0] == '\t' || s[0] == '\r');
    if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
        quote = true; /* some readers trim unquoted spaces */
    int rc;
    if (quote && (rc = ks_buf_putc(out, '"')) != 0)
        return rc;
    if (defuse && (rc = ks_buf_putc(out, '\'')) != 0)
        return rc;
    if ((rc = escape_text(out, s, n, ESC_CSV)) != 0)
        return rc;
    if (quote && (rc = ks_buf_putc(out, '"')) != 0)
        return rc;
    return 0;
}

/* "\u2028", or a surrogate pair above U+FFFF (RFC 8259 §7). */
static int put_json_u(ks_buf *out, uint32_t cp)
{
    char t[12];
    size_t k = 0;
    uint32_t units[2];
    int nu = 0;
    if (cp > 0xFFFF) {
        cp -= 0x10000;
        units[nu++] = 0xD800 | (cp >> 10);
        units[nu++] = 0xDC00 | (cp & 0x3FF);
    } else {
        units[nu++] = cp;
    }
    for (int j = 0; j < nu; j++) {
        t[k++] = '\\';
        t[k++] = 'u';
        for (int i = 3; i >= 0; i--)
            t[k++] = hexdig[(units[j] >> (4 * i)) & 15];
    }
    return ks_buf_append(out, t, k);
}

int ks_escape_json(ks_buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    int rc = ks_buf_putc(out, '"');
    size_t i = 0, run = 0;
    while (rc == 0 && i < n) {
        unsigned char c = u[i];
        const char *rep = NULL;
        size_t adv = 1;
        uint32_t cp = c;
        bool uesc = false;
        if (c == '"') {
            rep = "\\\"";
        } else if (c == '\\') {
            rep = "\\\\";
        } else if (c < 0x20 || c == 0x7f) {
            switch (c) {
            case '\n': rep = "\\n"; break;
            case '\r': rep = "\\r"; break;
            case '\t': rep = "\\t"; break;
            case '\b': rep = "\\b"; break;
            case '\f': rep = "\\f"; break;
            default: uesc = true; break;
            }
        } else if (c >= 0x80) {
            adv = u8_decode(u + i, n - i, &cp);
            if (adv == 0) {
                adv = 1;
                rep = "\\ufffd"; /* invalid byte: U+FFFD, as ks_json_quote does */
            } else if (cp_c1(cp) || cp_invisible(cp)) {
                uesc = true; /* same value, but visible when the JSON is read on a screen */
            }
        }
        if (!rep && !uesc) {
            run += adv;
            i += adv;
            continue;
        }
        if (run)
            rc = ks_buf_append(out, s + i - run, run);
        run = 0;
        if (rc == 0)
            rc = rep ? ks_buf_puts(out, rep) : put_json_u(out, cp);
        i += adv;
    }
    if (rc == 0 && run)
        rc = ks_buf_append(out, s + n - run, run);
    if (rc == 0)
        rc = ks_buf_putc(out, '"');
    return rc;
}

/* ---- display width ----------------------------------------------------------------
 * Compact tables for the blocks evidence actually contains (after Unicode 15's
 * EastAsianWidth.txt W/F and the Mn/Me/Cf categories); anything else counts 1. */
typedef struct cp_range {
    uint32_t lo, hi;
} cp_range;

static const cp_range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x061C, 0x061C}, {0x064B, 0x065F},
    {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED},
    {0x0711, 0x0711}, {0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x0900, 0x0902}, {0x093A, 0x093A},
    {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957}, {0x0962, 0x0963},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1160, 0x11FF}, {0x180B, 0x180F},
    {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x206F},
    {0x20D0, 0x20FF}, {0x302A, 0x302D}, {0x3099, 0x309A}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
    {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB}, {0x1D167, 0x1D169}, {0x1D173, 0x1D182},
    {0xE0000, 0xE007F}, {0xE0100, 0xE01EF},
};

static const cp_range wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x3247},   {0x3250, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
    {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
    {0x16FE0, 0x16FE4},  {0x17000, 0x18CFF},  {0x1B000, 0x1B16F},  {0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF},  {0x1F18E, 0x1F18E},  {0x1F191, 0x1F19A},  {0x1F200, 0x1F202},
    {0x1F210, 0x1F23B},  {0x1F240, 0x1F248},  {0x1F250, 0x1F251},  {0x1F260, 0x1F265},
    {0x1F300, 0x1F320},  {0x1F32D, 0x1F335},  {0x1F337, 0x1F37C},  {0x1F37E, 0x1F393},
    {0x1F3A0, 0x1F3CA},  {0x1F3CF, 0x1F3D3},  {0x1F3E0, 0x1F3F0},  {0x1F3F4, 0x1F3F4},
    {0x1F3F8, 0x1F43E},  {0x1F440, 0x1F440},  {0x1F442, 0x1F4FC},  {0x1F4FF, 0x1F53D},
    {0x1F54B, 0x1F54E},  {0x1F550, 0x1F567},  {0x1F57A, 0x1F57A},  {0x1F595, 0x1F596},
    {0x1F5A4, 0x1F5A4},  {0x1F5FB, 0x1F64F},  {0x1F680, 0x1F6C5},  {0x1F6CC, 0x1F6CC},
    {0x1F6D0, 0x1F6D2},  {0x1F6D5, 0x1F6D7},  {0x1F6DC, 0x1F6DF},  {0x1F6EB, 0x1F6EC},
    {0x1F6F4, 0x1F6FC},  {0x1F7E0, 0x1F7EB},  {0x1F7F0, 0x1F7F0},  {0x1F90C, 0x1F93A},
    {0x1F93C, 0x1F945},  {0x1F947, 0x1F9FF},  {0x1FA70, 0x1FAFF},  {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

static bool in_table(const cp_range *t, size_t n, uint32_t cp)
{
    if (cp < t[0].lo || cp > t[n - 1].hi)
        return false;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp > t[mid].hi)
            lo = mid + 1;
        else if (cp < t[mid].lo)
            hi = mid;
        else
            return true;
    }
    return false;
}

static size_t cp_width(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7f || cp_c1(cp))
        return 0;
    if (cp < 0x300)
        return 1;
    if (in_table(zero_width, sizeof zero_width / sizeof zero_width[0], cp))
        return 0;
    if (in_table(wide, sizeof wide / sizeof wide[0], cp))
        return 2;
    return 1;
}

/* Advances over one character at s: its byte length and width (an invalid byte is one
 * column: terminals show a replacement character for it). */
static size_t next_char(const unsigned char *s, size_t n, size_t *width)
{
    uint32_t cp;
    size_t len = u8_decode(s, n, &cp);
    if (len == 0) {
        *width = 1;
        return 1;
    }
    *width = cp_width(cp);
    return len;
}

size_t ks_display_width(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t w = 0, i = 0;
    while (i < n) {
        size_t cw;
        i += next_char(u + i, n - i, &cw);
        w += cw;
    }
    return w;
}

size_t ks_display_prefix(const char *s, size_t n, size_t cols)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t w = 0, i = 0;
    while (i < n) {
        size_t cw;
        size_t len = next_char(u + i, n - i, &cw);
        if (cw > cols - w)
            break;
        w += cw;
        i += len;
    }
    return i;
}

size_t ks_utf8_invalid_count(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t bad = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = u8_decode(u + i, n - i, &cp);
        if (len == 0) {
            bad++;
            len = 1;
        }
        i += len;
    }
    return bad;
}
