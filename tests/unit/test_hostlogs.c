/* The syslog and auditd readers: content sniffing against the neighbouring text formats, and
 * records read from memory into an in-memory case. */
#include "ktest.h"

#include <stdio.h>
#include <string.h>

#include "core/io.h"
#include "core/time.h"
#include "parsers/host/auditd.h"
#include "parsers/host/syslog.h"
#include "parsers/parser.h"

static const char *sniffed(const char *head)
{
    int score = 0;
    const ks_parser *p = ks_parser_sniff((const uint8_t *)head, strlen(head), "x", &score);
    return p ? p->name : "(none)";
}

KTEST(test_hostlogs_sniff_syslog_forms)
{
    KT_EQ_STR(sniffed("Mar  7 04:02:16 host sshd[1]: Accepted publickey for root from 10.0.0.1 port 2 ssh2\n"
                      "Mar  7 04:02:17 host sshd[1]: pam_unix(sshd:session): session opened for user root\n"),
              "syslog");
    KT_EQ_STR(sniffed("2024-03-07T04:02:16.123456+09:00 web1 systemd[1]: Started Session 3.\n"), "syslog");
    KT_EQ_STR(sniffed("<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - 'su root' failed\n"), "syslog");
    KT_EQ_STR(sniffed("<13>Mar  7 04:02:16 host logger: hello\n"), "syslog");
}

KTEST(test_hostlogs_sniff_rotated_file_starting_inside_a_message)
{
    KT_EQ_STR(sniffed("\tat java.lang.Thread.run(Thread.java:748)\n"
                      "Mar  7 04:02:16 host sshd[1]: Connection from 192.0.2.1 port 22\n"
                      "Mar  7 04:02:17 host sshd[1]: Accepted password for a from 192.0.2.1 port 22 ssh2\n"
                      "Mar  7 04:02:18 host CRON[2]: (root) CMD (true)\n"),
              "syslog");
    /* one header after junk is not enough */
    KT_EQ_STR(sniffed("hello world\nsomething else\nMar  7 04:02:16 host sshd[1]: x\n"), "(none)");
}

KTEST(test_hostlogs_sniff_audit_raw_and_node)
{
    KT_EQ_STR(sniffed("type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=2\n"), "auditd");
    KT_EQ_STR(sniffed("node=h1 type=USER_LOGIN msg=audit(1364481363.243:1): pid=1\n"), "auditd");
}

KTEST(test_hostlogs_sniff_neighbours_are_not_syslog)
{
    /* a CloudWatch export of syslog lines, a CRI container log, MySQL and PostgreSQL logs */
    KT_CHECK(strcmp(sniffed("2020-02-20T07:01:01.000Z Feb 20 07:01:01 ip-1 systemd: Stopping x.\n"), "syslog"));
    KT_CHECK(strcmp(sniffed("2016-10-06T00:17:09.669794202Z stdout F hello: world\n"), "syslog"));
    KT_CHECK(strcmp(sniffed("2024-03-07T04:02:16.123456Z 0 [System] [MY-010116] [Server] mysqld: ready\n"),
                    "syslog"));
    KT_CHECK(strcmp(sniffed("2024-03-07 04:02:16.123 UTC [123] LOG:  statement: SELECT 1\n"), "syslog"));
    KT_EQ_STR(sniffed("{\"type\":\"x\"}\n"), "(none)");
}

typedef struct rows {
    int n;
    char v[16][256];
} rows;

static int collect(void *ctx, int ncols, const char *const *names, const char *const *vals,
                   const size_t *lens, const char *types)
{
    (void)names, (void)types;
    rows *r = ctx;
    if (!vals || r->n >= 16)
        return 0;
    size_t k = 0;
    r->v[r->n][0] = '\0';
    for (int i = 0; i < ncols && k + 2 < sizeof r->v[0]; i++) {
        int w = snprintf(r->v[r->n] + k, sizeof r->v[0] - k, "%s%.*s", i ? "|" : "",
                         vals[i] ? (int)lens[i] : 0, vals[i] ? vals[i] : "");
        if (w < 0 || (size_t)w >= sizeof r->v[0] - k)
            break;
        k += (size_t)w;
    }
    r->n++;
    return 0;
}

/* Parses text with p (ref = file time) into a fresh memory case and runs sql over it. */
static int run(const ks_parser *p, const char *text, int64_t ref, const char *sql, rows *out)
{
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    memset(out, 0, sizeof *out);
    if (ks_store_open_memory(&st, &err))
        return -1;
    int rc = -1;
    for (const ks_table_def *const *t = p->tables; *t; t++)
        if (ks_store_declare(st, *t, &err))
            goto done;
    ks_evidence_info ev = {"mem.log", "mem.log", NULL, "0", (int64_t)strlen(text), ""};
    ks_sink *sink = NULL;
    if (ks_store_member_begin(st, &ev, p->name, &sink, &err))
        goto done;
    ks_mem_input m;
    ks_input in;
    ks_input_mem(&in, &m, text, strlen(text), "mem.log");
    ks_parse_ctx ctx = {&in, "mem.log", sink, NULL, ref};
    if (p->parse(&ctx, &err) || ks_store_member_end(st, sink, "parsed", NULL, &err))
        goto done;
    rc = ks_store_query(st, sql, NULL, 0, collect, out, &err);
done:
    ks_store_close(st);
    return rc;
}

KTEST(test_hostlogs_syslog_year_rolls_back_across_new_year)
{
    rows r;
    int64_t ref = ks_time_from_civil(2025, 1, 2, 0, 0, 0, 0);
    KT_REQUIRE(run(&ks_parser_syslog,
                   "Dec 31 23:59:59 h sshd[1]: Invalid user x from 192.0.2.1 port 22\n"
                   "Jan  1 00:00:01 h CRON[2]: (root) CMD (true)\n",
                   ref, "SELECT time, action, actor, src_ip FROM events ORDER BY line", &r) == 0);
    KT_EQ_INT(r.n, 2);
    KT_EQ_STR(r.v[0], "2024-12-31T23:59:59.000000000Z|ssh_invalid_user|x|192.0.2.1");
    KT_EQ_STR(r.v[1], "2025-01-01T00:00:01.000000000Z|cron_command|root|");
}

KTEST(test_hostlogs_syslog_without_file_time_keeps_lines_without_time)
{
    rows r;
    KT_REQUIRE(run(&ks_parser_syslog, "Mar  7 04:02:16 h kernel: x\n", KS_TIME_NONE,
                   "SELECT coalesce(time, 'none'), action, (SELECT warnings FROM evidence) FROM events", &r) == 0);
    KT_EQ_INT(r.n, 1);
    KT_EQ_STR(r.v[0], "none|kernel|1");
}

KTEST(test_hostlogs_syslog_junk_before_first_record_is_an_error)
{
    rows r;
    KT_REQUIRE(run(&ks_parser_syslog, "junk\nMar  7 04:02:16 h su: (to root) bob on pts/0\n  more\n",
                   ks_time_from_civil(2025, 6, 1, 0, 0, 0, 0),
                   "SELECT line, coalesce(error, action), CASE WHEN error IS NULL THEN message ELSE raw END FROM events ORDER BY line", &r) == 0);
    KT_EQ_INT(r.n, 2);
    KT_EQ_STR(r.v[0], "1|not a syslog line (before the first record)|junk");
    KT_EQ_STR(r.v[1], "2|su|(to root) bob on pts/0\n  more");
}

KTEST(test_hostlogs_auditd_hex_and_enriched)
{
    rows r;
    KT_REQUIRE(run(&ks_parser_auditd,
                   "type=PROCTITLE msg=audit(1700000000.5:7): proctitle=6C73002D6C61\n"
                   "type=SYSCALL msg=audit(1700000000.5:7): syscall=59 auid=1000 exe=\"/bin/ls\""
                   "\x1dSYSCALL=execve AUID=\"alice\"\n"
                   "type=PATH msg=audit(1): no millis\n",
                   KS_TIME_NONE,
                   "SELECT e.line, coalesce(e.error, a.type || ' ' || a.serial || ' ' || coalesce(a.proctitle, a.syscall) "
                   "|| ' ' || coalesce(e.actor, '') || ' ' || e.time) FROM events e LEFT JOIN auditd a ON a.event_id = e.id "
                   "ORDER BY e.line", &r) == 0);
    KT_EQ_INT(r.n, 3);
    KT_EQ_STR(r.v[0], "1|PROCTITLE 7 ls -la  2023-11-14T22:13:20.500000000Z");
    KT_EQ_STR(r.v[1], "2|SYSCALL 7 execve alice 2023-11-14T22:13:20.500000000Z");
    KT_EQ_STR(r.v[2], "3|audit stamp is not SECONDS.MILLIS:SERIAL");
}
