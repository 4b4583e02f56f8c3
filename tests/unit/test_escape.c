#include "ktest.h"

#include <string.h>

#include "core/escape.h"

typedef int (*esc_fn)(ks_buf *, const char *, size_t);

/* Runs an escaper on n bytes and returns the result in a static buffer. */
static const char *esc(esc_fn f, const char *s, size_t n)
{
    static char res[1024];
    ks_buf b;
    ks_buf_init(&b, 0);
    if (f(&b, s, n) != 0 || b.len >= sizeof res) {
        ks_buf_free(&b);
        return "(error)";
    }
    memcpy(res, b.data, b.len + 1);
    ks_buf_free(&b);
    return res;
}
#define TERM(lit) esc(ks_escape_term, lit, sizeof(lit) - 1)
#define CSV(lit) esc(ks_escape_csv, lit, sizeof(lit) - 1)
#define JSON(lit) esc(ks_escape_json, lit, sizeof(lit) - 1)
#define HTML(lit) esc(ks_escape_html, lit, sizeof(lit) - 1)

KTEST(test_term_escapes_osc_title_injection)
{
    /* an OSC sequence that would retitle the analyst's terminal */
    KT_EQ_STR(TERM("\x1b]0;pwned\a"), "\\e]0;pwned\\x07");
    KT_EQ_STR(TERM("\x1b[2J\x1b[31mred"), "\\e[2J\\e[31mred");
    KT_EQ_STR(TERM("a\nb\tc\rd\x7f" "e\x00" "f"), "a\\nb\\tc\\rd\\x7fe\\x00f");
    KT_EQ_STR(TERM("C:\\Windows"), "C:\\\\Windows");
}

KTEST(test_term_escapes_bidi_and_invisible_characters)
{
    KT_EQ_STR(TERM("\xe2\x80\xae" "exe.txt"), "\\u{202E}exe.txt");           /* RLO */
    KT_EQ_STR(TERM("a\xe2\x80\x8b" "b"), "a\\u{200B}b");                      /* ZWSP */
    KT_EQ_STR(TERM("\xef\xbb\xbf" "x"), "\\u{FEFF}x");                        /* BOM */
    KT_EQ_STR(TERM("\xe2\x81\xa6" "x\xe2\x81\xa9"), "\\u{2066}x\\u{2069}");    /* isolates */
    KT_EQ_STR(TERM("\xf3\xa0\x80\x81"), "\\u{E0001}");                        /* tag */
    KT_EQ_STR(TERM("\xc2\x9b" "31m"), "\\u{009B}31m");                        /* C1 CSI */
    KT_EQ_STR(TERM("\xe2\x80\xa8"), "\\u{2028}");                             /* LS */
}

KTEST(test_term_passes_japanese_and_valid_utf8)
{
    const char *jp = "管理者がログインしました。ﾃｽﾄ 🍣 é";
    KT_EQ_STR(esc(ks_escape_term, jp, strlen(jp)), jp);
    KT_EQ_STR(TERM(""), "");
}

KTEST(test_term_escapes_each_byte_of_broken_utf8)
{
    KT_EQ_STR(TERM("\xff\xfe"), "\\xff\\xfe");
    KT_EQ_STR(TERM("\xc0\xaf"), "\\xc0\\xaf");                 /* overlong '/' */
    KT_EQ_STR(TERM("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");        /* overlong 3-byte */
    KT_EQ_STR(TERM("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf"); /* overlong 4-byte */
    KT_EQ_STR(TERM("\xed\xa0\x80"), "\\xed\\xa0\\x80");        /* surrogate D800 */
    KT_EQ_STR(TERM("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
    KT_EQ_STR(TERM("\xe3\x81"), "\\xe3\\x81");                 /* truncated */
    KT_EQ_STR(TERM("\xe3\x81" "A"), "\\xe3\\x81A");
    KT_EQ_STR(TERM("\x80"), "\\x80");                          /* lone continuation */
    KT_EQ_STR(TERM("\xc2\xa0"), "\xc2\xa0");                   /* NBSP is valid, kept */
    KT_EQ_STR(TERM("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");   /* U+10FFFF is valid */
}

KTEST(test_term_reports_limit)
{
    ks_buf b;
    ks_buf_init(&b, 8);
    KT_EQ_INT(ks_escape_term(&b, "\x1b\x1b\x1b\x1b\x1b", 5), KS_ELIMIT);
    ks_buf_free(&b);
}

KTEST(test_csv_quotes_per_rfc4180)
{
    KT_EQ_STR(CSV("plain"), "plain");
    KT_EQ_STR(CSV(""), "");
    KT_EQ_STR(CSV("a,b"), "\"a,b\"");
    KT_EQ_STR(CSV("say \"hi\""), "\"say \"\"hi\"\"\"");
    KT_EQ_STR(CSV("line1\nline2"), "\"line1\nline2\"");
    KT_EQ_STR(CSV("crlf\r\nx"), "\"crlf\r\nx\"");
    KT_EQ_STR(CSV(" padded "), "\" padded \"");
    KT_EQ_STR(CSV("東京,大阪"), "\"東京,大阪\"");
}

KTEST(test_csv_defuses_formula_injection)
{
    KT_EQ_STR(CSV("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    KT_EQ_STR(CSV("+1+1"), "'+1+1");
    KT_EQ_STR(CSV("-2+3"), "'-2+3");
    KT_EQ_STR(CSV("@SUM(A1)"), "'@SUM(A1)");
    KT_EQ_STR(CSV("\t=1"), "'\\t=1");
    KT_EQ_STR(CSV("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    KT_EQ_STR(CSV("a=b"), "a=b");
}

KTEST(test_csv_escapes_controls_but_keeps_newlines)
{
    KT_EQ_STR(CSV("\x1b]0;pwned\a"), "\\e]0;pwned\\x07");
    KT_EQ_STR(CSV("\xff"), "\\xff");
    KT_EQ_STR(CSV("\xe2\x80\xae"), "\\u{202E}");
}

KTEST(test_json_string_escaping)
{
    KT_EQ_STR(JSON("plain"), "\"plain\"");
    KT_EQ_STR(JSON(""), "\"\"");
    KT_EQ_STR(JSON("a\"b\\c"), "\"a\\\"b\\\\c\"");
    KT_EQ_STR(JSON("\n\r\t\b\f\x01\x1b\x7f"), "\"\\n\\r\\t\\b\\f\\u0001\\u001b\\u007f\"");
    KT_EQ_STR(JSON("日本語"), "\"日本語\"");
    KT_EQ_STR(JSON("\xff" "a"), "\"\\ufffda\"");
    KT_EQ_STR(JSON("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    KT_EQ_STR(JSON("\xe2\x80\xae"), "\"\\u202e\"");
    KT_EQ_STR(JSON("\xe2\x80\xa8"), "\"\\u2028\"");
    KT_EQ_STR(JSON("\xf3\xa0\x80\x81"), "\"\\udb40\\udc01\""); /* U+E0001 as a pair */
    KT_EQ_STR(JSON("</script>"), "\"</script>\"");
}

KTEST(test_html_escapes_markup_and_controls)
{
    KT_EQ_STR(HTML("<script>alert('x')</script>"),
              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    KT_EQ_STR(HTML("a & b \"c\""), "a &amp; b &quot;c&quot;");
    KT_EQ_STR(HTML("\x1b[31m\xff"), "\\e[31m\\xff");
    KT_EQ_STR(HTML("\xe2\x80\xae"), "\\u{202E}");
    KT_EQ_STR(HTML("ログ"), "ログ");
}

KTEST(test_display_width_counts_cjk_double)
{
    KT_EQ_INT(ks_display_width("abc", 3), 3);
    KT_EQ_INT(ks_display_width("日本語", strlen("日本語")), 6);
    KT_EQ_INT(ks_display_width("ｶﾀｶﾅ", strlen("ｶﾀｶﾅ")), 4);     /* halfwidth katakana */
    KT_EQ_INT(ks_display_width("ＡＢ", strlen("ＡＢ")), 4);       /* fullwidth Latin */
    KT_EQ_INT(ks_display_width("한국", strlen("한국")), 4);
    KT_EQ_INT(ks_display_width("🍣", strlen("🍣")), 2);
    KT_EQ_INT(ks_display_width("e\xcc\x81", 3), 1);              /* e + combining acute */
    KT_EQ_INT(ks_display_width("か\xe3\x82\x99", 6), 2);         /* か + combining dakuten */
    KT_EQ_INT(ks_display_width("\xff\xfe", 2), 2);
    KT_EQ_INT(ks_display_width("", 0), 0);
    KT_EQ_INT(ks_display_width("\xf0\xa0\x80\x80", 4), 2);       /* CJK Ext B */
}

KTEST(test_display_prefix_never_splits_characters)
{
    const char *s = "日本語abc";
    KT_EQ_INT(ks_display_prefix(s, strlen(s), 0), 0);
    KT_EQ_INT(ks_display_prefix(s, strlen(s), 1), 0);  /* half a wide char does not fit */
    KT_EQ_INT(ks_display_prefix(s, strlen(s), 2), 3);
    KT_EQ_INT(ks_display_prefix(s, strlen(s), 5), 6);
    KT_EQ_INT(ks_display_prefix(s, strlen(s), 7), 10);
    KT_EQ_INT(ks_display_prefix(s, strlen(s), 100), strlen(s));
    /* combining marks stay with their base character */
    KT_EQ_INT(ks_display_prefix("e\xcc\x81x", 4, 1), 3);
    /* a truncated sequence at the end counts byte by byte */
    KT_EQ_INT(ks_display_prefix("ab\xe3\x81", 4, 3), 3);
}

KTEST(test_utf8_invalid_count)
{
    KT_EQ_INT(ks_utf8_invalid_count("日本語", strlen("日本語")), 0);
    KT_EQ_INT(ks_utf8_invalid_count("a\xff" "b\xc0\xaf", 5), 3);
    KT_EQ_INT(ks_utf8_invalid_count("\xed\xbf\xbf", 3), 3);
    KT_EQ_INT(ks_utf8_invalid_count("\xe3\x81", 2), 2);
    KT_EQ_INT(ks_utf8_invalid_count("", 0), 0);
}

/* Exhaustive cross-check of the decoder: every 1..3-byte sequence over a set of
 * interesting bytes is valid exactly when the terminal escaper passes it unchanged
 * (for code points that are not controls/invisible) — and the escaped output never
 * contains a control byte. */
KTEST(test_term_output_never_contains_controls)
{
    static const unsigned char bytes[] = {0x00, 0x07, 0x1b, 0x41, 0x5c, 0x7f, 0x80, 0x8f,
                                          0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
                                          0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
    size_t nb = sizeof bytes;
    ks_buf b;
    ks_buf_init(&b, 0);
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < nb; j++)
            for (size_t k = 0; k < nb; k++) {
                char in[3] = {(char)bytes[i], (char)bytes[j], (char)bytes[k]};
                ks_buf_reset(&b);
                KT_REQUIRE(ks_escape_term(&b, in, 3) == 0);
                for (size_t m = 0; m < b.len; m++) {
                    unsigned char c = (unsigned char)b.data[m];
                    if (c < 0x20 || c == 0x7f) {
                        KT_FAIL_("control byte in output for %02x %02x %02x", bytes[i],
                                 bytes[j], bytes[k]);
                        ks_buf_free(&b);
                        return;
                    }
                }
                KT_REQUIRE(ks_utf8_invalid_count(b.data, b.len) == 0);
            }
    ks_buf_free(&b);
}
