/* an_web_attack.c — web analyzers for attacks seen across many requests: SQL injection,
 * path traversal and scanners (see an_web.c for the request set and decoding).
 *
 * SigmaHQ's webserver rules match single requests by keywords; these analyzers normalise
 * first (two rounds of percent-decoding, lower case, SQL comments as spaces), group per
 * client, and grade by what the responses say (2xx to a payload) and by volume. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"
#include "core/time.h"

#define MIN_NS (60LL * KS_NS_PER_SEC)

/* SQL comments become spaces and runs of blanks one space, so that "union", a comment and
 * "select" match as "union select". */
static void squeeze(char *s)
{
    size_t o = 0;
    bool blank = false;
    for (size_t i = 0; s[i];) {
        if (s[i] == '/' && s[i + 1] == '*') {
            const char *end = strstr(s + i + 2, "*/");
            i = end ? (size_t)(end - s) + 2 : strlen(s);
            if (!blank && o)
                s[o++] = ' ';
            blank = true;
            continue;
        }
        char c = s[i++];
        if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            c = ' ';
        if (c == ' ' && blank)
            continue;
        blank = c == ' ';
        s[o++] = c;
    }
    s[o] = '\0';
}

/* One finding per client per analyzer; the explanation is set when it is made. */
static int group_for(ks_strmap *m, const ks_row *w, ks_findings *out, const char *analyzer,
                     ks_sev sev, const char *title, const char *expl, ks_finding **f, ks_err *err)
{
    const char *client = w->v[KS_AN_W_CLIENT];
    ks_strmap_ent *g = ks_strmap_get(m, client, err);
    if (!g)
        return err->code ? err->code : KS_ENOMEM;
    int rc;
    if (!g->p) {
        ks_finding *nf = NULL;
        if ((rc = ks_findings_add(out, analyzer, "web", sev, &nf, err)) ||
            (rc = ks_finding_set_text(nf, title, expl, err)))
            return rc;
        g->p = nf;
    }
    *f = g->p;
    if (sev > (*f)->sev)
        (*f)->sev = sev;
    g->a++;
    return ks_an_web_ref(*f, w, err);
}

/* ---- SQL injection ---- */

int ks_an_sqli(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const char *const pats[] = {
        "union select", "union all select", "union distinct select", "' or '1'='1",
        "' or 1=1", "\" or 1=1", " or 1=1--", " or 1=1#", "' or 'a'='a", "') or ('1'='1",
        "sleep(", "benchmark(", "pg_sleep(", "waitfor delay", "information_schema",
        "@@version", "extractvalue(", "updatexml(", "load_file(", "into outfile",
        "into dumpfile", "concat(0x", "char(", "';--", "'--", "' and 1=1", "' and 1=2",
        "' and '1'='1", " and 1=1--", "order by 1--", "group_concat(", "xp_cmdshell",
        "select * from", "select count(*) from", "' having ", "dbms_pipe", "utl_inaddr", NULL};
    ks_strmap groups, payloads;
    ks_strmap_init(&groups);
    ks_strmap_init(&payloads);
    int rc = 0;
    size_t n = ks_rows_count(in->web);
    char path[2048], query[2048], text[4200], key[4300];
    for (size_t i = 0; i < n; i++) {
        const ks_row *w = ks_rows_at(in->web, i);
        ks_an_web_split(w, path, sizeof path, query, sizeof query);
        snprintf(text, sizeof text, "%s?%s", path, query);
        squeeze(text);
        if (!ks_an_has_any(text, pats))
            continue;
        int st = ks_an_status(w);
        snprintf(key, sizeof key, "%s|%s", w->v[KS_AN_W_CLIENT], text);
        bool new_payload = !ks_strmap_find(&payloads, key);
        if (new_payload && !ks_strmap_get(&payloads, key, err)) {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
        char title[1024], expl[6000];
        snprintf(title, sizeof title, "SQL injection attempts from %s", w->v[KS_AN_W_CLIENT]);
        snprintf(expl, sizeof expl,
                 "%s sent requests with SQL injection payloads (first: %.2000s). Medium for "
                 "attempts; high when ten or more distinct payloads were sent (a tool such as "
                 "sqlmap) and some were answered 2xx. Check the database log for the same "
                 "statements.", w->v[KS_AN_W_CLIENT], text);
        ks_finding *f = NULL;
        if ((rc = group_for(&groups, w, out, "sqli", KS_SEV_MEDIUM, title, expl, &f, err)))
            goto done;
        ks_strmap_ent *g = ks_strmap_find(&groups, w->v[KS_AN_W_CLIENT]);
        if (new_payload)
            g->b++;
        if (st >= 200 && st < 300 && g->b >= 10)
            f->sev = KS_SEV_HIGH;
    }
done:
    ks_strmap_free(&groups);
    ks_strmap_free(&payloads);
    return rc;
}

/* ---- path traversal ---- */

/* A parameter whose value is a URL ending in '?' (or a text file with '?'): the classic remote
 * file inclusion probe, which makes PHP's include() fetch the attacker's code. */
static bool remote_include(const char *query)
{
    static const char *const schemes[] = {"=http://", "=https://", "=ftp://", NULL};
    for (const char *const *s = schemes; *s; s++)
        for (const char *p = strstr(query, *s); p; p = strstr(p + 1, *s)) {
            size_t k = strcspn(p + 1, "&");
            if (k > 1 && (p[k] == '?' || strstr(p, ".txt?")))
                return true;
        }
    return false;
}

int ks_an_path_traversal(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const char *const dots[] = {"../", "..\\", "..;/", "%c0%ae", "%c0%af", "%e0%80%ae",
                                       "..%c0", "..%5c", NULL};
    static const char *const targets[] = {
        "etc/passwd", "etc/shadow", "etc/hosts", "win.ini", "boot.ini", "proc/self/environ",
        "proc/self/cmdline", ".aws/credentials", ".ssh/id_rsa", ".ssh/authorized_keys",
        "web.config", "wp-config.php", ".env", ".git/config", "etc/issue", NULL};
    ks_strmap groups;
    ks_strmap_init(&groups);
    int rc = 0;
    size_t n = ks_rows_count(in->web);
    char path[2048], query[2048], text[4200];
    for (size_t i = 0; i < n; i++) {
        const ks_row *w = ks_rows_at(in->web, i);
        ks_an_web_split(w, path, sizeof path, query, sizeof query);
        snprintf(text, sizeof text, "%s?%s", path, query);
        bool trav = ks_an_has_any(text, dots) || strstr(query, "=/etc/") ||
                    strstr(query, "file:///") || strstr(query, "=c:\\") || remote_include(query);
        if (!trav) {
            char raw[4200];
            ks_an_norm(w->v[KS_AN_W_URL], false, raw, sizeof raw);
            trav = ks_an_has_any(raw, dots);
        }
        if (!trav)
            continue;
        int st = ks_an_status(w);
        bool sensitive = ks_an_has_any(text, targets);
        char title[1024], expl[6000];
        snprintf(title, sizeof title, "Path traversal attempts from %s", w->v[KS_AN_W_CLIENT]);
        snprintf(expl, sizeof expl,
                 "%s requested paths that climb out of the web root or name system files "
                 "(first: %.2000s). Medium for attempts; high when a request for a system file "
                 "(passwd, credentials, keys, configuration) was answered 2xx.",
                 w->v[KS_AN_W_CLIENT], text);
        ks_finding *f = NULL;
        ks_sev sev = sensitive && st >= 200 && st < 300 ? KS_SEV_HIGH : KS_SEV_MEDIUM;
        if ((rc = group_for(&groups, w, out, "path_traversal", sev, title, expl, &f, err)))
            goto done;
    }
done:
    ks_strmap_free(&groups);
    return rc;
}

/* ---- scanners ---- */

#define BURST_WINDOW (10 * MIN_NS)
#define BURST_MIN 50

int ks_an_web_scanner(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const char *const uas[] = {
        "sqlmap", "nikto", "nmap", "masscan", "zgrab", "nuclei", "gobuster", "dirbuster",
        "dirb/", "wpscan", "feroxbuster", "ffuf", "acunetix", "nessus", "openvas", "w3af",
        "wfuzz", "whatweb", "jaeles", "arachni", "netsparker", "burp", "hydra", "zmeu",
        "morfeus", "havij", "appscan", "webinspect", "qualys", "censys", "l9explore",
        "fuzz faster", NULL};
    static const char *const probes[] = {
        "phpmyadmin", "/pma/", "/myadmin/", "/mysqladmin/", "setup.php", "wp-login.php",
        "xmlrpc.php", "/.env", "/.git/", "/cgi-bin/", "/manager/html", "/actuator",
        "eval-stdin.php", "/boaform", "/hnap1", "/.aws/", "/server-status", "/.ds_store",
        "/vendor/phpunit", "/solr/admin", "/wp-admin", "/administrator/", "/shell.php",
        "/cmd.php", "/.svn/", "/config.php.bak", "/backup.zip", NULL};
    ks_strmap clients, groups;
    ks_strmap_init(&clients);
    ks_strmap_init(&groups);
    int rc = 0;
    size_t n = ks_rows_count(in->web);
    char ua[1024];
    /* per client: a = 4xx in the current window, b = start of that window */
    for (size_t i = 0; i < n; i++) {
        const ks_row *w = ks_rows_at(in->web, i);
        const char *client = w->v[KS_AN_W_CLIENT];
        ks_an_norm(w->v[KS_AN_W_UA], false, ua, sizeof ua);
        bool tool = ks_an_has_any(ua, uas);
        int st = ks_an_status(w);
        char path[2048], query[2048];
        ks_an_web_split(w, path, sizeof path, query, sizeof query);
        /* paths bots try on every site: refused (4xx) they are a probe, served they are the
         * site's own */
        bool probe = st >= 400 && st < 500 && ks_an_has_any(path, probes);
        bool burst = false;
        if (st >= 400 && st < 500 && *client) {
            ks_strmap_ent *c = ks_strmap_get(&clients, client, err);
            if (!c) {
                rc = err->code ? err->code : KS_ENOMEM;
                goto done;
            }
            if (!c->a || w->time - c->b > BURST_WINDOW) {
                c->a = 0;
                c->b = w->time;
            }
            burst = ++c->a >= BURST_MIN;
        }
        ks_strmap_ent *g = *client ? ks_strmap_find(&groups, client) : NULL;
        if (!tool && !burst && !probe) {
            /* a scanning client's later errors are part of its finding */
            if (g && g->p && st >= 400 && st < 500 && (rc = ks_an_web_ref(g->p, w, err)))
                goto done;
            continue;
        }
        char title[1024], expl[3000];
        snprintf(title, sizeof title, "Web scanner at %s", client);
        snprintf(expl, sizeof expl,
                 "%s %s. Scanning is common background noise on the internet (low); it matters "
                 "when the same address appears in other findings, which the attack chain "
                 "shows. User agent: %s",
                 client, tool ? "announces a scanning tool in its user agent"
                         : burst ? "received a burst of client errors (50 or more 4xx within 10 "
                                   "minutes), the trace of a tool guessing paths"
                                 : "was refused paths that bots probe on every site (database "
                                   "admin tools, CMS logins, exposed configuration, known "
                                   "vulnerable scripts)",
                 w->v[KS_AN_W_UA]);
        ks_finding *f = NULL;
        if ((rc = group_for(&groups, w, out, "web_scanner", KS_SEV_LOW, title, expl, &f, err)))
            goto done;
        if (tool && f->nents < 3)
            rc = ks_finding_entity(f, KS_ENT_RESOURCE, KS_ROLE_NONE, w->v[KS_AN_W_UA],
                                   strlen(w->v[KS_AN_W_UA]) < 200 ? strlen(w->v[KS_AN_W_UA]) : 200,
                                   err);
        if (rc)
            goto done;
    }
done:
    ks_strmap_free(&clients);
    ks_strmap_free(&groups);
    return rc;
}
