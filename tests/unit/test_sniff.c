#include "ktest.h"

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
