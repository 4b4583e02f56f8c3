/* fuzz_hostcfg.c — the host configuration readers (hostcfg.h) on arbitrary bytes, each under
 * the display paths that select its variants: shell_history as bash/zsh/fish/mysql,
 * crontab as system/user/anacron table, authorized_keys, passwd, shadow, group, sudoers,
 * systemd_unit, package_log as dpkg/apt/yum/dnf, cloud_init as log/output/user data,
 * cloud_credential as AWS INI / gcloud / Azure / MSAL JSON, miner_config (XMRig/cpuminer JSON,
 * xmr-stak pools.txt fragment); and the nginx/Apache document
 * root reader of web_root_file (roots absolute, without variables, at most the limit).
 * Properties: no crash/leak/hang; parsing never fails on content; readers with one record
 * per line account for every non-blank, non-comment line (a record or an error record);
 * readers that join lines (histories, sudoers) never report more records than lines and
 * report at least one when there is a line to read; miner_config always reports at least one
 * record (a pool row or an error record), whatever the bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "parsers/host/hostcfg.h"
#include "parsers/host/webroot.h"
#include "store/store.h"

/* Lines as the readers see them: split at '\n', trimmed of blanks/CR; `comments` counts
 * lines starting with '#' as nothing. */
static int64_t count_lines(const uint8_t *d, size_t n, bool comments)
{
    int64_t count = 0;
    size_t i = 0;
    while (i < n) {
        const uint8_t *nl = memchr(d + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - d) : n, b = i;
        while (b < e && (d[b] == ' ' || d[b] == '\t' || d[b] == '\r'))
            b++;
        size_t m = e;
        while (m > b && (d[m - 1] == ' ' || d[m - 1] == '\t' || d[m - 1] == '\r'))
            m--;
        if (m > b && !(comments && d[b] == '#'))
            count++;
        i = e + 1;
    }
    return count;
}

/* EXACT: one record per line (comments skipped); LINES: one record per line, '#' lines
 * included (package logs: no comments there); JOINED: lines may be joined; ANY: no count;
 * SOME: at least one record or error record. */
/* Document roots read from nginx/Apache configuration: absolute, no variables. */
static void on_root(void *ud, const char *d, size_t n)
{
    (void)ud;
    if (!n || d[0] != '/' || memchr(d, '$', n))
        abort();
    (void)ks_webroot_server_exec(d, n);
}

typedef enum { EXACT, LINES, JOINED, ANY, SOME } prop;

/* Whether the first non-blank line starts with `lit` (the package log reader then picks
 * the format by content, and apt history makes several rows of one line). */
static bool first_line_is(const uint8_t *d, size_t n, const char *lit)
{
    size_t i = 0, k = strlen(lit);
    while (i < n && (d[i] == '\n' || d[i] == '\r' || d[i] == ' ' || d[i] == '\t'))
        i++;
    return n - i >= k && !memcmp(d + i, lit, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_store_open_memory(&st, &err) != 0)
        abort();
    const struct {
        const ks_parser *p;
        const char *path;
        prop prop;
    } runs[] = {
        {&ks_parser_shell_history, "img@1:/home/u/.bash_history", JOINED},
        {&ks_parser_shell_history, "img@1:/root/.zsh_history", JOINED},
        {&ks_parser_shell_history, "/home/u/.local/share/fish/fish_history", ANY},
        {&ks_parser_shell_history, "/root/.mysql_history", JOINED},
        {&ks_parser_crontab, "img@1:/etc/crontab", EXACT},
        {&ks_parser_crontab, "img@1:/var/spool/cron/crontabs/bob", EXACT},
        {&ks_parser_crontab, "/etc/anacrontab", EXACT},
        {&ks_parser_ssh_authorized_key, "/root/.ssh/authorized_keys", EXACT},
        {&ks_parser_passwd, "/etc/passwd", EXACT},
        {&ks_parser_shadow, "/etc/shadow", EXACT},
        {&ks_parser_group, "/etc/group", EXACT},
        {&ks_parser_sudoers, "/etc/sudoers", JOINED},
        {&ks_parser_systemd_unit, "img@1:/etc/systemd/system/x.service", ANY},
        {&ks_parser_package_log, "/var/log/dpkg.log", LINES},
        {&ks_parser_package_log, "/var/log/apt/history.log", ANY},
        {&ks_parser_package_log, "/var/log/yum.log", LINES},
        {&ks_parser_package_log, "/var/log/dnf.rpm.log", LINES},
        {&ks_parser_cloud_init, "img@1:/var/log/cloud-init.log", JOINED},
        {&ks_parser_cloud_init, "img@1:/var/log/cloud-init-output.log", LINES},
        {&ks_parser_cloud_init, "img@1:/var/lib/cloud/instance/user-data.txt", ANY},
        {&ks_parser_cloud_credential, "/home/u/.aws/credentials", ANY},
        {&ks_parser_cloud_credential, "/home/u/.aws/config", ANY},
        {&ks_parser_cloud_credential, "/root/.config/gcloud/configurations/config_default", ANY},
        {&ks_parser_cloud_credential, "/root/.config/gcloud/application_default_credentials.json", ANY},
        {&ks_parser_cloud_credential, "/home/u/.azure/azureProfile.json", ANY},
        {&ks_parser_cloud_credential, "/home/u/.azure/msal_token_cache.json", ANY},
        {&ks_parser_miner_config, "img@1:/var/tmp/.x/config.json", SOME},
        {&ks_parser_miner_config, "/opt/xmr-stak/pools.txt", SOME},
    };
    int64_t lines = count_lines(data, size, true);
    int64_t all_lines = count_lines(data, size, false);
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        ks_evidence_info ev = {runs[i].path, runs[i].path, NULL, "0", (int64_t)size, ""};
        ks_sink *sink = NULL;
        for (const ks_table_def *const *t = runs[i].p->tables; *t; t++)
            if (ks_store_declare(st, *t, &err) != 0)
                abort();
        if (ks_store_member_begin(st, &ev, runs[i].p->name, &sink, &err) != 0)
            abort();
        ks_mem_input m;
        ks_input in;
        ks_input_mem(&in, &m, data, size, runs[i].path);
        ks_parse_ctx ctx = {&in, runs[i].path, sink, NULL, 1700000000LL * 1000000000LL};
        if (runs[i].p->parse(&ctx, &err) != 0)
            abort(); /* memory input cannot fail; content problems are error records */
        int64_t got = ks_sink_records(sink) + ks_sink_errors(sink);
        /* histories count '#EPOCH' lines, sudoers '#UID' rules: not comments there */
        bool hist = runs[i].p == &ks_parser_shell_history || runs[i].p == &ks_parser_cloud_init;
        int64_t want = hist || runs[i].p == &ks_parser_sudoers ? all_lines : lines;
        int64_t least = hist ? all_lines : lines;
        bool libedit = size >= 12 && !memcmp(data, "_HiStOrY_V2_", 12);
        if (runs[i].prop == EXACT && got != want)
            abort();
        if (runs[i].prop == SOME && got < 1)
            abort();
        if (runs[i].prop == LINES && !first_line_is(data, size, "Start-Date: ") && got != all_lines)
            abort();
        if (runs[i].prop == JOINED && (got > want || (least > 0 && got == 0 && !libedit))) {
            fprintf(stderr, "fuzz_hostcfg: %s as %s: %lld records, %lld..%lld expected\n",
                    runs[i].p->name, runs[i].path, (long long)got, (long long)(least > 0), (long long)want);
            abort();
        }
        if (ks_store_member_end(st, sink, "parsed", NULL, &err) != 0)
            abort();
    }
    if (ks_webroot_dirs((const char *)data, size, on_root, NULL, 32) > 32)
        abort();
    ks_store_close(st);
    return 0;
}
