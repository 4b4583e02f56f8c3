/* test_hostcfg.c — the host configuration readers' helpers and a few records end to end
 * through an in-memory store (the CLI tests in tests/cli/hostcfg_*.sh hold the oracles). */
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "ktest.h"
#include "parsers/host/hostcfg.h"
#include "parsers/host/webroot.h"
#include "store/store.h"

/* Parses `text` as `p` under display name `path` into a fresh memory store, then returns
 * the first column of `sql`'s rows joined with '|' (caller frees). */
typedef struct qacc {
    char buf[4096];
    size_t n;
} qacc;

static int on_row(void *ctx, int ncols, const char *const *names, const char *const *vals,
                  const size_t *lens, const char *types)
{
    (void)ncols, (void)names, (void)types;
    qacc *a = ctx;
    if (!vals)
        return 0;
    if (a->n && a->n < sizeof a->buf - 1)
        a->buf[a->n++] = '|';
    size_t k = vals[0] ? lens[0] : 0;
    if (k > sizeof a->buf - 1 - a->n)
        k = sizeof a->buf - 1 - a->n;
    memcpy(a->buf + a->n, vals[0] ? vals[0] : "", k);
    a->n += k;
    a->buf[a->n] = '\0';
    return 0;
}

static int parse_then(const ks_parser *p, const char *path, const char *text, const char *sql,
                      qacc *out)
{
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    memset(out, 0, sizeof *out);
    if (ks_store_open_memory(&st, &err))
        return -1;
    int rc = 0;
    for (const ks_table_def *const *t = p->tables; *t && !rc; t++)
        rc = ks_store_declare(st, *t, &err);
    ks_evidence_info ev = {path, path, NULL, "0", (int64_t)strlen(text), ""};
    ks_sink *sink = NULL;
    if (!rc)
        rc = ks_store_member_begin(st, &ev, p->name, &sink, &err);
    if (!rc) {
        ks_mem_input m;
        ks_input in;
        ks_input_mem(&in, &m, text, strlen(text), path);
        ks_parse_ctx ctx = {&in, path, sink, NULL, 1700000000LL * 1000000000LL};
        rc = p->parse(&ctx, &err);
        if (!rc)
            rc = ks_store_member_end(st, sink, "parsed", NULL, &err);
    }
    if (!rc)
        rc = ks_store_query(st, sql, NULL, 0, on_row, out, &err);
    ks_store_close(st);
    return rc;
}

KTEST(test_hostcfg_home_user_from_image_and_loose_paths)
{
    ks_str u = ks_hc_home_user("disk.img@2:/home/alice/.bash_history");
    KT_EQ_MEM(u.p, u.n, "alice");
    u = ks_hc_home_user("/cases/x/root/.zsh_history");
    KT_EQ_MEM(u.p, u.n, "root");
    u = ks_hc_home_user("home/bob/.ssh/authorized_keys");
    KT_EQ_MEM(u.p, u.n, "bob");
    u = ks_hc_home_user("/var/www/.bash_history");
    KT_CHECK(u.p == NULL);
    KT_EQ_STR(ks_hc_base("disk.img@2:/etc/cron.d/x"), "x");
    KT_EQ_STR(ks_hc_inner("disk.img@2:/etc/cron.d/x"), "/etc/cron.d/x");
}

KTEST(test_hostcfg_mask_keeps_four_chars_and_length)
{
    char m[64];
    ks_hc_mask(KS_STR_LIT("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), m, sizeof m);
    KT_EQ_STR(m, "wJal...(40 chars)");
    ks_hc_mask(KS_STR_LIT("ab"), m, sizeof m);
    KT_EQ_STR(m, "ab...(2 chars)");
    ks_hc_mask((ks_str){"\x01\nxy", 4}, m, sizeof m);
    KT_EQ_STR(m, "??xy...(4 chars)");
}

KTEST(test_hostcfg_webroot_exec_extensions)
{
    KT_CHECK(ks_webroot_server_exec("a.php", 5));
    KT_CHECK(ks_webroot_server_exec("a.PHTML", 7));
    KT_CHECK(ks_webroot_server_exec("avatar.php.jpg", 14));
    KT_CHECK(!ks_webroot_server_exec("style.css", 9));
    KT_CHECK(!ks_webroot_server_exec("php", 3));
    KT_CHECK(!ks_webroot_server_exec("a.phpx", 6));
}

typedef struct dirs {
    char all[512];
} dirs;

static void on_dir(void *ud, const char *d, size_t n)
{
    dirs *x = ud;
    size_t l = strlen(x->all);
    if (l + n + 2 < sizeof x->all) {
        if (l)
            x->all[l++] = ' ';
        memcpy(x->all + l, d, n);
        x->all[l + n] = '\0';
    }
}

KTEST(test_hostcfg_webroot_directives)
{
    const char *cfg = "server { root /var/www/a; # root /commented;\n"
                      "  location /i { alias /srv/i/; } root $document_root;\n}\n"
                      "\tDocumentRoot \"/srv/my site\"\nAlias /icons/ \"/usr/share/icons/\"\n"
                      "ServerRoot \"/etc/httpd\"\n";
    dirs d = {""};
    KT_EQ_INT(ks_webroot_dirs(cfg, strlen(cfg), on_dir, &d, 32), 4);
    KT_EQ_STR(d.all, "/var/www/a /srv/i/ /srv/my site /usr/share/icons/");
}

KTEST(test_hostcfg_bash_timestamps_and_multiline)
{
    qacc a;
    const char *h = "ls\n#1700000000\nfor i in 1 2; do\n  echo $i\ndone\n#1700000060\nid\n";
    KT_REQUIRE(parse_then(&ks_parser_shell_history, "/home/u/.bash_history", h,
                          "SELECT seq || ':' || coalesce(substr(time,1,19),'-') || ':' || replace(command, char(10), '/') FROM shell_history ORDER BY seq",
                          &a) == 0);
    KT_EQ_STR(a.buf, "1:-:ls|2:2023-11-14T22:13:20:for i in 1 2; do/  echo $i/done|3:2023-11-14T22:14:20:id");
}

KTEST(test_hostcfg_shadow_never_stores_the_hash)
{
    qacc a;
    const char *s = "root:$6$salt$SECRETHASHVALUE:19700:0:99999:7:::\nbad:$y$SECRETHASHVALUE\n";
    KT_REQUIRE(parse_then(&ks_parser_shadow, "/etc/shadow", s,
                          "SELECT count(*) FROM events WHERE raw LIKE '%SECRETHASH%' OR message LIKE '%SECRETHASH%'",
                          &a) == 0);
    KT_EQ_STR(a.buf, "0");
    KT_REQUIRE(parse_then(&ks_parser_shadow, "/etc/shadow", s,
                          "SELECT coalesce(raw, '') FROM events ORDER BY id", &a) == 0);
    KT_EQ_STR(a.buf, "root:<masked>:19700:0:99999:7:::|bad:<masked>");
}

KTEST(test_hostcfg_crontab_user_from_spool_name)
{
    qacc a;
    KT_REQUIRE(parse_then(&ks_parser_crontab, "img@1:/var/spool/cron/crontabs/www-data",
                          "# c\nMAILTO=x\n*/5 * * * * /tmp/k\n@reboot /tmp/r\n",
                          "SELECT kind || ':' || coalesce(user,'') || ':' || command FROM crontab ORDER BY id", &a) == 0);
    KT_EQ_STR(a.buf, "env::MAILTO=x|user:www-data:/tmp/k|user:www-data:/tmp/r");
}

KTEST(test_hostcfg_sudoers_nopasswd_and_uid)
{
    qacc a;
    KT_REQUIRE(parse_then(&ks_parser_sudoers, "/etc/sudoers.d/x",
                          "#1001 ALL=(ALL) NOPASSWD: /usr/bin/vi\n# just a comment\n",
                          "SELECT principal || ' ' || runas || ' ' || tags || ' ' || commands || ' ' || nopasswd FROM sudoers", &a) == 0);
    KT_EQ_STR(a.buf, "#1001 ALL NOPASSWD: /usr/bin/vi 1");
}

KTEST(test_hostcfg_zsh_metafied_bytes_and_continuation)
{
    qacc a;
    /* zsh writes bytes >= 0x83 as 0x83, byte ^ 32: "é" (C3 A9) is 83 E3 83 89 */
    const char *h = ": 1700000000:3;echo \x83\xe3\x83\x89 \\\nnext\n: 1700000001:0;ls\n";
    KT_REQUIRE(parse_then(&ks_parser_shell_history, "/root/.zsh_history", h,
                          "SELECT elapsed || ':' || replace(command, char(10), '/') FROM shell_history ORDER BY seq", &a) == 0);
    KT_EQ_STR(a.buf, "3:echo \xc3\xa9 \\/next|0:ls");
}
