/* an_web.c — web analyzers over the HTTP requests of every web source: a script uploaded
 * and then requested from an upload directory, web-shell command parameters, and requests
 * for a cloud instance metadata service (SSRF).
 *
 * Requests come from web_access (nginx/Apache), alb, elb_classic, cloudfront and waf, read
 * into one time-ordered set (ks_an_web_load). The same request logged by a load balancer and
 * by the server behind it appears twice; the analyzers count requests only where the count
 * is a threshold, and there the double only makes them reach it sooner on the same client.
 * Text is matched after two rounds of percent-decoding and lower-casing (ks_an_norm). */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"
#include "core/time.h"

#define HOUR_NS (3600LL * KS_NS_PER_SEC)

static const char *const k_web_cols[KS_AN_W_N] = {
    [KS_AN_W_CLIENT] = "client_ip|request_ip|c_ip|remote_addr",
    [KS_AN_W_METHOD] = "method|request_verb|http_method",
    [KS_AN_W_PATH] = "path",
    [KS_AN_W_QUERY] = "query|query_string|args",
    [KS_AN_W_URL] = "url|request_url|uri",
    [KS_AN_W_STATUS] = "status|elb_status_code|elb_response_code|responsecodesent",
    [KS_AN_W_UA] = "user_agent|useragent",
    [KS_AN_W_HOST] = "vhost|host_header|host|domain_name",
};

int ks_an_web_load(ks_store *st, int64_t from, int64_t to, ks_rows **out, ks_err *err)
{
    static const char *const tables[] = {"web_access", "alb", "elb_classic", "cloudfront", "waf",
                                         NULL};
    ks_rows *r = NULL;
    int rc = ks_rows_new(&r, k_web_cols, KS_AN_W_N, err);
    char sql[512];
    for (const char *const *t = tables; !rc && *t; t++) {
        snprintf(sql, sizeof sql,
                 "SELECT " KS_ROWS_PROVENANCE ", t.* FROM %s t JOIN events e ON e.id = t.event_id "
                 "WHERE e.time_ns >= ?1 AND e.time_ns < ?2", *t);
        rc = ks_rows_add(r, st, sql, from, to, err);
    }
    if (rc) {
        ks_rows_free(r);
        return rc;
    }
    ks_rows_sort(r);
    *out = r;
    return 0;
}

void ks_an_web_split(const ks_row *w, char *path, size_t psz, char *query, size_t qsz)
{
    const char *p = w->v[KS_AN_W_PATH], *q = w->v[KS_AN_W_QUERY];
    char buf[KS_AN_TEXT_MAX];
    if (!*p) {
        /* a load balancer's full URL: scheme://host:port/path?query */
        const char *u = w->v[KS_AN_W_URL];
        const char *sch = strstr(u, "://");
        if (sch)
            u = strchr(sch + 3, '/') ? strchr(sch + 3, '/') : "/";
        const char *qm = strchr(u, '?');
        size_t pn = qm ? (size_t)(qm - u) : strlen(u);
        snprintf(buf, sizeof buf, "%.*s", (int)(pn < sizeof buf ? pn : sizeof buf - 1), u);
        ks_an_norm(buf, false, path, psz);
        ks_an_norm(qm && !*q ? qm + 1 : q, true, query, qsz);
        return;
    }
    ks_an_norm(p, false, path, psz);
    ks_an_norm(q, true, query, qsz);
}

/* The path as requested (percent-decoded once, case kept), for titles and entities. */
static void path_shown(const ks_row *w, char *out, size_t outsz)
{
    const char *p = w->v[KS_AN_W_PATH];
    size_t n = strlen(p);
    if (!*p) {
        const char *u = w->v[KS_AN_W_URL];
        const char *sch = strstr(u, "://");
        if (sch)
            u = strchr(sch + 3, '/') ? strchr(sch + 3, '/') : "/";
        p = u;
        n = strcspn(u, "?");
    }
    ks_an_pct_decode(p, n, out, outsz);
}

int ks_an_status(const ks_row *w)
{
    const char *s = w->v[KS_AN_W_STATUS];
    int v = 0;
    for (int i = 0; i < 4 && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int ks_an_web_ref(ks_finding *f, const ks_row *w, ks_err *err)
{
    ks_ref r = ks_row_ref(w);
    int rc = ks_finding_ref(f, &r, err);
    const char *ip = w->v[KS_AN_W_CLIENT];
    if (!rc && ks_ct_is_ip(ip))
        rc = ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, ip, strlen(ip), err);
    return rc;
}

/* ---- a script uploaded, then requested from an upload directory ---- */

static bool script_ext(const char *path)
{
    static const char *const ext[] = {".php", ".phtml", ".php3", ".php4", ".php5", ".php7",
                                      ".phar", ".jsp", ".jspx", ".asp", ".aspx", ".ashx",
                                      ".asmx", ".cgi", ".pl", ".py", ".sh", ".cfm", NULL};
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return false;
    for (const char *const *e = ext; *e; e++)
        if (!strcmp(dot, *e))
            return true;
    return false;
}

/* A directory where a site keeps what users send or static files it never executes. */
static bool upload_dir(const char *path)
{
    static const char *const dirs[] = {"upload", "/files/", "/file/", "/media/", "attach",
                                       "/tmp/", "/temp/", "/images/", "/img/", "/static/",
                                       "/assets/", "/avatar", "/documents/", "/userfiles/",
                                       "/content/", "/storage/", "/public/", NULL};
    const char *sl = strrchr(path, '/');
    if (!sl || sl == path)
        return false;
    char dir[KS_AN_TEXT_MAX];
    snprintf(dir, sizeof dir, "%.*s", (int)(sl - path + 1), path);
    return ks_an_has_any(dir, dirs);
}

static bool is_ok(int status)
{
    return status == 0 || (status >= 200 && status < 400);
}

int ks_an_web_upload_exec(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap paths, posts;
    ks_strmap_init(&paths);
    ks_strmap_init(&posts);
    int rc = 0;
    size_t n = ks_rows_count(in->web);
    int64_t t0, tb;
    ks_an_rows_window(in->web, &t0, &tb);
    char path[2048], query[2048];
    for (size_t i = 0; i < n; i++) {
        const ks_row *w = ks_rows_at(in->web, i);
        const char *client = w->v[KS_AN_W_CLIENT];
        ks_an_web_split(w, path, sizeof path, query, sizeof query);
        int st = ks_an_status(w);
        if (!strcmp(w->v[KS_AN_W_METHOD], "POST") || !strcmp(w->v[KS_AN_W_METHOD], "PUT")) {
            if (is_ok(st) && *client) {
                ks_strmap_ent *p = ks_strmap_get(&posts, client, err);
                if (!p) {
                    rc = err->code ? err->code : KS_ENOMEM;
                    goto done;
                }
                p->a = w->time;
                p->b = (int64_t)i + 1;
            }
        }
        if (!script_ext(path) || !upload_dir(path))
            continue;
        ks_strmap_ent *pe = ks_strmap_find(&paths, path);
        if (pe) {
            if (pe->p && (rc = ks_an_web_ref(pe->p, w, err)))
                goto done;
            continue;
        }
        if (!(pe = ks_strmap_get(&paths, path, err))) {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
        pe->a = w->time;
        /* First request of this script. Served before the window ends: the site's own. */
        if (w->time < tb && w->time != KS_TIME_NONE)
            continue;
        const ks_strmap_ent *post = *client ? ks_strmap_find(&posts, client) : NULL;
        bool uploaded = post && post->b && w->time - post->a <= HOUR_NS;
        ks_finding *f = NULL;
        if ((rc = ks_findings_add(out, "web_upload_exec", "web",
                                  uploaded ? KS_SEV_HIGH : KS_SEV_MEDIUM, &f, err)))
            goto done;
        pe->p = f;
        char title[2600], expl[6000], shown[2048];
        path_shown(w, shown, sizeof shown);
        snprintf(title, sizeof title, "Script %s %s from an upload directory by %s", shown,
                 uploaded ? "uploaded and then requested" : "first requested", client);
        if (uploaded) {
            const ks_row *pw = ks_rows_at(in->web, (size_t)(post->b - 1));
            char pp[2048], pq[2048];
            ks_an_web_split(pw, pp, sizeof pp, pq, sizeof pq);
            snprintf(expl, sizeof expl,
                     "%s sent %s %s and then requested %s, a script under a directory that "
                     "holds uploaded or static files, which no one had requested before. A "
                     "server that executes what was uploaded runs the sender's code: a web "
                     "shell.", client, pw->v[KS_AN_W_METHOD], pp, shown);
            if ((rc = ks_an_web_ref(f, pw, err)))
                goto done;
        } else {
            snprintf(expl, sizeof expl,
                     "%s is a script under a directory that holds uploaded or static files and "
                     "was first requested after the learning window (by %s). Scripts there are "
                     "usually uploaded web shells.", shown, client);
        }
        if ((rc = ks_finding_set_text(f, title, expl, err)) ||
            (rc = ks_finding_entity(f, KS_ENT_FILE, KS_ROLE_CREATED, shown, strlen(shown), err)) ||
            (rc = ks_an_web_ref(f, w, err)))
            goto done;
    }
done:
    ks_strmap_free(&paths);
    ks_strmap_free(&posts);
    return rc;
}

/* ---- web-shell command parameters ---- */

static bool b64_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=' || c == '-' || c == '_';
}

static int b64_val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Decodes base64 text (standard or URL alphabet) into lower-case printable out; false when
 * it is not base64 of mostly printable text. */
static bool b64_text(const char *s, size_t n, char *out, size_t outsz)
{
    if (n < 8 || outsz < 2)
        return false;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0, printable = 0;
    for (size_t i = 0; i < n && o + 1 < outsz; i++) {
        if (s[i] == '=')
            break;
        int v = b64_val((unsigned char)s[i]);
        if (v < 0)
            return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            int c = (int)((acc >> bits) & 0xff);
            if ((c >= 32 && c < 127) || c == '\n' || c == '\t')
                printable++;
            if (c >= 'A' && c <= 'Z')
                c += 32;
            out[o++] = (char)(c ? c : ' ');
        }
    }
    out[o] = '\0';
    return o >= 4 && printable * 10 >= o * 9;
}

bool ks_an_shell_command(const char *v)
{
    static const char *const first[] = {
        "id", "whoami", "uname", "ls", "cat", "pwd", "wget", "curl", "bash", "sh", "nc", "ncat",
        "python", "python3", "perl", "php", "echo", "base64", "chmod", "rm", "ps", "netstat",
        "ifconfig", "ip", "hostname", "env", "printenv", "crontab", "sudo", "find", "tar", "awk",
        "export", "kill", "mkdir", "cd", "nohup", "powershell", "cmd", "cmd.exe", "net", "dir",
        "type", "mysql", "mysqldump", "ss", "head", "tail", "cp", "mv", "touch", "useradd",
        "systemctl", "/bin/sh", "/bin/bash", "busybox", NULL};
    while (*v == ' ' || *v == '\t' || *v == ';' || *v == '|' || *v == '`' || *v == '(')
        v++;
    size_t k = 0;
    while (v[k] && v[k] != ' ' && v[k] != '\t' && v[k] != ';' && v[k] != '|' && v[k] != '&' &&
           v[k] != '>' && v[k] != '<' && v[k] != '`' && v[k] != ')')
        k++;
    if (!k)
        return false;
    for (const char *const *f = first; *f; f++)
        if (strlen(*f) == k && !strncmp(v, *f, k))
            return true;
    return strstr(v, "/etc/passwd") || strstr(v, "| sh") || strstr(v, "|sh") ||
           strstr(v, "| bash") || strstr(v, "base64 -d");
}

static bool cmd_param(const char *name, size_t n)
{
    static const char *const names[] = {"cmd", "exec", "execute", "command", "c", "shell", "run",
                                        "system", "passthru", "e", "x", "code", "cmdline", NULL};
    for (const char *const *p = names; *p; p++)
        if (strlen(*p) == n && !strncmp(name, *p, n))
            return true;
    return false;
}

/* The first command parameter of a query whose value is a shell command (or base64 of one):
 * the command into cmd. */
static bool query_command(const char *raw_query, char *cmd, size_t cmdsz)
{
    /* split on the raw (not yet decoded) query so that encoded '&' and '=' stay in values */
    const char *p = raw_query;
    for (int guard = 0; *p && guard < 256; guard++) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq) {
            char name[64], val[KS_AN_TEXT_MAX], dec[KS_AN_TEXT_MAX];
            size_t nn = (size_t)(eq - p);
            snprintf(name, sizeof name, "%.*s", (int)(nn < 63 ? nn : 63), p);
            for (char *c = name; *c; c++)
                if (*c >= 'A' && *c <= 'Z')
                    *c += 32;
            size_t vn = len - nn - 1;
            snprintf(val, sizeof val, "%.*s", (int)(vn < sizeof val - 1 ? vn : sizeof val - 1),
                     eq + 1);
            if (cmd_param(name, strlen(name)) && vn) {
                ks_an_norm(val, true, dec, sizeof dec);
                if (ks_an_shell_command(dec)) {
                    snprintf(cmd, cmdsz, "%s", dec);
                    return true;
                }
                /* base64 of a command: decode the value as sent (case matters) */
                char raw[KS_AN_TEXT_MAX], b64[KS_AN_TEXT_MAX];
                size_t rn = ks_an_pct_decode(val, strlen(val), raw, sizeof raw);
                bool allb64 = rn >= 8;
                for (size_t i = 0; i < rn && allb64; i++)
                    allb64 = b64_char((unsigned char)raw[i]);
                if (allb64 && b64_text(raw, rn, b64, sizeof b64) && ks_an_shell_command(b64)) {
                    snprintf(cmd, cmdsz, "%s (base64)", b64);
                    return true;
                }
            }
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    return false;
}

int ks_an_webshell_cmd(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap groups;
    ks_strmap_init(&groups);
    int rc = 0;
    size_t n = ks_rows_count(in->web);
    char path[2048], query[2048], cmd[1024], key[4200];
    for (size_t i = 0; i < n; i++) {
        const ks_row *w = ks_rows_at(in->web, i);
        const char *rq = w->v[KS_AN_W_QUERY];
        const char *u = w->v[KS_AN_W_URL], *qm = strchr(u, '?');
        if (qm && (!*rq || !strcmp(w->source, "web_access")))
            rq = qm + 1; /* the query as sent: encoded separators intact */
        if (!*rq || !query_command(rq, cmd, sizeof cmd))
            continue;
        ks_an_web_split(w, path, sizeof path, query, sizeof query);
        int st = ks_an_status(w);
        ks_sev sev = st >= 200 && st < 300 ? KS_SEV_CRITICAL : KS_SEV_HIGH;
        snprintf(key, sizeof key, "%s|%s", w->v[KS_AN_W_CLIENT], path);
        bool fresh = !ks_strmap_find(&groups, key);
        ks_finding *f = NULL;
        ks_strmap_ent *g = ks_strmap_get(&groups, key, err);
        if (!g) {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
        if (fresh) {
            if ((rc = ks_findings_add(out, "webshell_cmd", "web", sev, &f, err)))
                goto done;
            g->p = f;
            char title[3200], expl[4000], shown[2048];
            path_shown(w, shown, sizeof shown);
            snprintf(title, sizeof title, "Web shell commands through %s from %s", shown,
                     w->v[KS_AN_W_CLIENT]);
            snprintf(expl, sizeof expl,
                     "Requests to %s carry a command parameter whose value is a shell command "
                     "(first: %s). A server answering 200 to them is running the commands: a web "
                     "shell. Commands are listed in the records.", shown, cmd);
            if ((rc = ks_finding_set_text(f, title, expl, err)) ||
                (rc = ks_finding_entity(f, KS_ENT_FILE, KS_ROLE_PERSISTENCE, shown, strlen(shown),
                                        err)))
                goto done;
        }
        f = g->p;
        if (sev > f->sev)
            f->sev = sev;
        if ((rc = ks_an_web_ref(f, w, err)))
            goto done;
    }
done:
    ks_strmap_free(&groups);
    return rc;
}

/* ---- instance metadata service requested through the site (SSRF) ---- */

int ks_an_ssrf_metadata(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const char *const md[] = {
        "169.254.169.254", "fd00:ec2::254", "metadata.google.internal", "169.254.170.2",
        "2852039166", "0xa9fea9fe", "0xa9.0xfe.0xa9.0xfe", "0251.0376.0251.0376",
        "::ffff:a9fe:a9fe", "::ffff:169.254.169.254", "instance-data", "/latest/meta-data",
        "/computemetadata/v1", "/metadata/instance?api-version", "/latest/api/token", NULL};
    ks_strmap groups;
    ks_strmap_init(&groups);
    int rc = 0;
    size_t n = ks_rows_count(in->web);
    char path[2048], query[2048], host[512], text[5000];
    for (size_t i = 0; i < n; i++) {
        const ks_row *w = ks_rows_at(in->web, i);
        ks_an_web_split(w, path, sizeof path, query, sizeof query);
        ks_an_norm(w->v[KS_AN_W_HOST], false, host, sizeof host);
        snprintf(text, sizeof text, "%s %s?%s", host, path, query);
        if (!ks_an_has_any(text, md))
            continue;
        /* the site's own path /latest/meta-data is not SSRF unless the address appears */
        const char *client = w->v[KS_AN_W_CLIENT];
        int st = ks_an_status(w);
        bool creds = strstr(text, "security-credentials") || strstr(text, "/identity-credentials") ||
                     strstr(text, "service-accounts/default/token");
        ks_sev sev = creds && st >= 200 && st < 300 ? KS_SEV_CRITICAL : KS_SEV_HIGH;
        bool fresh = !ks_strmap_find(&groups, client);
        ks_strmap_ent *g = ks_strmap_get(&groups, client, err);
        if (!g) {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
        ks_finding *f = NULL;
        if (fresh) {
            if ((rc = ks_findings_add(out, "ssrf_metadata", "web", sev, &f, err)))
                goto done;
            g->p = f;
            char title[1024], expl[6000];
            snprintf(title, sizeof title, "Instance metadata service requested through the site by %s",
                     client);
            snprintf(expl, sizeof expl,
                     "%s sent requests naming the cloud instance metadata service (first: %s "
                     "%.1500s%s%.1500s). A server that fetches URLs for its users (SSRF) hands "
                     "out the instance role's temporary credentials this way; critical when a "
                     "credentials path was answered with 2xx. Look for the role's session used "
                     "from outside the instance in CloudTrail.",
                     client, w->v[KS_AN_W_METHOD], path, *query ? "?" : "", query);
            if ((rc = ks_finding_set_text(f, title, expl, err)))
                goto done;
        }
        f = g->p;
        if (sev > f->sev)
            f->sev = sev;
        char once[KS_AN_TEXT_MAX], twice[KS_AN_TEXT_MAX];
        snprintf(text, sizeof text, "%s %s", w->v[KS_AN_W_URL], w->v[KS_AN_W_QUERY]);
        ks_an_pct_decode(text, strlen(text), once, sizeof once);
        ks_an_pct_decode(once, strlen(once), twice, sizeof twice);
        const char *sc = strstr(twice, "security-credentials/");
        if (sc) {
            /* the role name follows: it names the credentials handed out */
            sc += strlen("security-credentials/");
            size_t k = strcspn(sc, "/?&# ");
            if (k && (rc = ks_finding_entity(f, KS_ENT_RESOURCE, KS_ROLE_CREDENTIAL, sc, k, err)))
                goto done;
        }
        if ((rc = ks_an_web_ref(f, w, err)))
            goto done;
    }
done:
    ks_strmap_free(&groups);
    return rc;
}
