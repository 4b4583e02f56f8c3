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

/* ---- miner_config ---- */

static int miner_sniff(const char *text)
{
    return ks_parser_miner_config.sniff((const uint8_t *)text, strlen(text), "x/config.json");
}

KTEST(test_miner_config_sniff_takes_miners_not_json_with_url)
{
    KT_CHECK(miner_sniff("{\"donate-level\": 1, \"pools\": [{\"url\": \"p.example:3333\", \"user\": \"4W\", \"pass\": \"x\"}]}") >= 50);
    KT_CHECK(miner_sniff("{\"autosave\": true, \"donate-level\": 5, \"cpu\": {\"enabled\": true}}") >= 50);
    KT_CHECK(miner_sniff("/* c */\n\"pool_list\" :\n[\n{\"pool_address\" : \"p:1\", \"wallet_address\" : \"w\"},\n],\n") >= 50);
    KT_CHECK(miner_sniff("{\"url\": \"stratum+tcp://p.example:3333\", \"user\": \"w\", \"algo\": \"scrypt\"}") >= 50);
    KT_CHECK(miner_sniff("{\"pools\": [{\"pool\": \"p.example:3333\", \"wallet\": \"w\", \"password\": \"x\"}]}") >= 50);
    /* JSON with the same key names that is not a miner's */
    KT_EQ_INT(miner_sniff("{\"name\": \"a\", \"url\": \"https://example.com\", \"user\": \"bob\", \"pass\": \"p\"}"), 0);
    KT_EQ_INT(miner_sniff("{\"pools\": [{\"url\": \"https://db.example\", \"user\": \"app\"}]}"), 0);
    KT_EQ_INT(miner_sniff("{\"Records\": [{\"eventName\": \"x\", \"url\": \"stratum+tcp://a:1\"}]}"), 0);
    KT_EQ_INT(miner_sniff("{\"repository\": {\"url\": \"git+https://x\"}, \"donate-level\": 1}"), 0);
    KT_EQ_INT(miner_sniff("-o stratum+tcp://p.example:3333 -u w --donate-level 1"), 0);
}

KTEST(test_miner_config_xmrig_pool_rows_and_masked_password)
{
    qacc a;
    const char *cfg = "{\"donate-level\": 2, \"background\": true,\n"
                      " \"http\": {\"enabled\": true, \"host\": \"0.0.0.0\", \"port\": 8181, \"access-token\": \"tok-SECRET-9\"},\n"
                      " \"pools\": [{\"url\": \"stratum+ssl://p1.example:443\", \"user\": \"4Wal\", \"pass\": \"hunter2\", \"rig-id\": \"r1\", \"algo\": \"rx/0\"},\n"
                      "           {\"url\": \"p2.example:3333\", \"user\": \"4Wal\", \"pass\": \"x\", \"tls\": false}, 7]}";
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "img@1:/tmp/.k/config.json", cfg,
                          "SELECT host || ':' || port || ':' || tls || ':' || wallet || ':' || password || ':' || "
                          "coalesce(rig_id, '-') || ':' || donate_level || ':' || background || ':' || http_api "
                          "FROM miner_config ORDER BY pool_index", &a) == 0);
    KT_EQ_STR(a.buf, "p1.example:443:1:4Wal:hunt...(7 chars):r1:2:1:0.0.0.0:8181|"
                     "p2.example:3333:0:4Wal:x:-:2:1:0.0.0.0:8181");
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "config.json", cfg,
                          "SELECT count(*) FROM events WHERE coalesce(raw, '') || coalesce(message, '') "
                          "LIKE '%hunter2%' OR coalesce(raw, '') LIKE '%tok-SECRET%'", &a) == 0);
    KT_EQ_STR(a.buf, "0");
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "config.json", cfg,
                          "SELECT count(*) FROM miner_config WHERE config LIKE '%hunter2%' OR config LIKE '%tok-SECRET%'", &a) == 0);
    KT_EQ_STR(a.buf, "0");
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "config.json", cfg,
                          "SELECT action || coalesce(':' || actor || ':' || target || ':' || time_desc, '') FROM events ORDER BY id", &a) == 0);
    KT_EQ_STR(a.buf, "miner_pool:4Wal:stratum+ssl://p1.example:443:file modified|"
                     "miner_pool:4Wal:p2.example:3333:file modified|parse_error");
}

KTEST(test_miner_config_xmr_stak_fragment_keeps_good_pools_and_errors_the_rest)
{
    qacc a;
    const char *txt = "/*\n * pool_address - \"pool.example:3333\"\n */\n\"pool_list\" :\n[\n"
                      "  {\"pool_address\" : \"a.example:5555\", \"wallet_address\" : \"WA\", \"pool_password\" : \"x\", \"use_tls\" : false, },\n"
                      "  {\"pool_address\" : \"b.example:1\", \"wallet_address\" : 4 4 },\n"
                      "  {\"pool_address\" : \"stratum+tls://c.example:20128\", \"wallet_address\" : \"WC\", \"pool_password\" : \"secretpw\"},\n"
                      "],\n// mine\n\"currency\" : \"monero\",\n";
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "pools.txt", txt,
                          "SELECT pool_index || ':' || host || ':' || tls || ':' || wallet || ':' || password || ':' || coin "
                          "FROM miner_config ORDER BY pool_index", &a) == 0);
    KT_EQ_STR(a.buf, "0:a.example:0:WA:x:monero|2:c.example:1:WC:secr...(8 chars):monero");
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "pools.txt", txt,
                          "SELECT line || ':' || error FROM events WHERE error IS NOT NULL", &a) == 0);
    KT_EQ_STR(a.buf, "7:xmr-stak pool entry is not a JSON object");
}

KTEST(test_miner_config_hostile_input_is_error_records)
{
    qacc a;
    /* 100 000 nested arrays under "pools": past the depth cap, one error record */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 64);
    KT_REQUIRE(deep != NULL);
    size_t o = (size_t)sprintf(deep, "{\"donate-level\":1,\"cpu\":{},\"pools\":");
    memset(deep + o, '[', depth);
    memset(deep + o + depth, ']', depth);
    strcpy(deep + o + 2 * depth, "}");
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "config.json", deep,
                          "SELECT count(*) || ':' || count(error) FROM events", &a) == 0);
    KT_EQ_STR(a.buf, "1:1");
    free(deep);
    /* a 4 MiB wallet is kept whole; a 4 MiB password is masked to its length */
    size_t big = (size_t)4 << 20;
    char *huge = malloc(2 * big + 256);
    KT_REQUIRE(huge != NULL);
    o = (size_t)sprintf(huge, "{\"donate-level\":1,\"pools\":[{\"url\":\"p.example:1\",\"user\":\"");
    memset(huge + o, 'W', big);
    o += big;
    o += (size_t)sprintf(huge + o, "\",\"pass\":\"");
    memset(huge + o, 'P', big);
    o += big;
    strcpy(huge + o, "\"}]}");
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "config.json", huge,
                          "SELECT length(wallet) || ':' || password FROM miner_config", &a) == 0);
    KT_EQ_STR(a.buf, "4194304:PPPP...(4194304 chars)");
    free(huge);
    /* not JSON at all, and an xmr-stak fragment without its list */
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "config.json", "{\"donate-level\": 1, \"cpu\": {",
                          "SELECT count(*) || ':' || count(error) FROM events", &a) == 0);
    KT_EQ_STR(a.buf, "1:1");
    KT_REQUIRE(parse_then(&ks_parser_miner_config, "pools.txt", "\"pool_list\" : \"none\", \"pool_address\" : 1",
                          "SELECT count(*) || ':' || count(error) FROM events", &a) == 0);
    KT_EQ_STR(a.buf, "1:1");
}
