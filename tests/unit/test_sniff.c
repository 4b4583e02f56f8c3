#include "ktest.h"

#include "parsers/fields.h"
#include "parsers/parser.h"
#include "parsers/sniff.h"

static const char *sniffed(const char *head)
{
    int score = 0;
    const ks_parser *p = ks_parser_sniff((const uint8_t *)head, strlen(head), "x", &score);
    return p ? p->name : "(none)";
}

KTEST(test_sniff_cloudtrail_s3_delivery_file)
{
    KT_EQ_STR(sniffed("{\"Records\":[{\"eventVersion\":\"1.08\",\"userIdentity\":{},"
                      "\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventSource\":\"s3.amazonaws.com\""),
              "cloudtrail");
}

KTEST(test_sniff_cloudtrail_pretty_printed_with_bom)
{
    KT_EQ_STR(sniffed("\xef\xbb\xbf\n  {\n  \"Records\": [\n {\n \"eventVersion\": \"1.0\",\n"
                      " \"eventName\": \"RunInstances\""),
              "cloudtrail");
}

KTEST(test_sniff_cloudtrail_empty_delivery_file)
{
    KT_EQ_STR(sniffed("{\"Records\":[]}"), "cloudtrail");
}

KTEST(test_sniff_cloudtrail_lookup_events_output)
{
    KT_EQ_STR(sniffed("{\n    \"Events\": [\n        {\n            \"EventId\": \"1\",\n"
                      "            \"CloudTrailEvent\": \"{\\\"eventVersion\\\":\\\"1.08\\\"}\""),
              "cloudtrail");
}

KTEST(test_sniff_cloudtrail_digest_is_not_events)
{
    KT_EQ_STR(sniffed("{\"awsAccountId\":\"1\",\"digestStartTime\":\"2020-09-11T18:36:49Z\","
                      "\"digestS3Object\":\"AWSLogs/x\",\"logFiles\":[]}"),
              "cloudtrail_digest");
}

KTEST(test_sniff_other_json_is_not_cloudtrail)
{
    KT_EQ_STR(sniffed("{\"Findings\":[{\"SchemaVersion\":\"2.0\",\"Type\":\"Recon:EC2/PortProbe\"}]}"),
              "(none)");
    KT_EQ_STR(sniffed("{\"eventName\":\"x\"}"), "(none)"); /* one key is not enough */
}

KTEST(test_sniff_text_and_binary_are_not_json_formats)
{
    KT_EQ_STR(sniffed("Nov 22 18:21:59 host sshd[1]: Accepted publickey for root"), "(none)");
    KT_EQ_STR(sniffed("\x7f" "ELF\x02\x01\x01"), "(none)");
    KT_EQ_STR(sniffed(""), "(none)");
}

KTEST(test_sniff_first_char_skips_space_and_bom)
{
    KT_EQ_INT(ks_sniff_first_char((const uint8_t *)"\xef\xbb\xbf \r\n[", 7), '[');
    KT_EQ_INT(ks_sniff_first_char((const uint8_t *)"   ", 3), -1);
}

KTEST(test_sniff_key_depth_tells_record_members_from_quoted_values)
{
    const char *lines = "{\"operationName\":\"x\"}\n";
    KT_EQ_INT(ks_sniff_key_depth((const uint8_t *)lines, strlen(lines), "operationName"), 1);
    const char *wrapped = "{\"records\":[{\"operationName\":\"x\"}]}";
    KT_EQ_INT(ks_sniff_key_depth((const uint8_t *)wrapped, strlen(wrapped), "operationName"), 3);
    /* a test-expectation file quoting the key deep inside, and as a string value */
    const char *deep = "[{\"checks\":[{\"values\":{\"operationName\":1}}],\"k\":\"operationName\"}]";
    KT_EQ_INT(ks_sniff_key_depth((const uint8_t *)deep, strlen(deep), "operationName"), 5);
    const char *escaped = "{\"a\":\"\\\"operationName\\\": \"}";
    KT_EQ_INT(ks_sniff_key_depth((const uint8_t *)escaped, strlen(escaped), "operationName"), -1);
}

KTEST(test_fields_split_quotes_brackets_and_escapes)
{
    static ks_fields f; /* large: not on the stack */
    const char *l = "a \"b c\" [01/Jan/2026:00:00:00 +0000] \"say \\\"hi\\\"\" -";
    KT_CHECK(ks_fields_split(&f, l, strlen(l), KS_FIELDS_BRACKETS) == NULL);
    KT_EQ_INT(f.n, 5);
    KT_EQ_MEM(f.f[1].p, f.f[1].n, "b c");
    KT_EQ_MEM(f.f[2].p, f.f[2].n, "01/Jan/2026:00:00:00 +0000");
    KT_EQ_MEM(f.f[3].p, f.f[3].n, "say \"hi\"");
    KT_CHECK(ks_fields_split(&f, l, strlen(l), 0) == NULL); /* brackets are plain text */
    KT_EQ_INT(f.n, 6);
    KT_EQ_STR(ks_fields_split(&f, "a \"open", 7, 0), "unterminated quoted field");
    KT_EQ_STR(ks_fields_split(&f, "[open", 5, KS_FIELDS_BRACKETS), "unterminated [time]");
    char many[200];
    size_t k = 0;
    for (int i = 0; i < 65; i++) {
        many[k++] = 'x';
        many[k++] = ' ';
    }
    KT_EQ_STR(ks_fields_split(&f, many, k, 0), "more than 64 fields");
}
