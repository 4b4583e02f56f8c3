/* an_host.c — host analyzers over the normalized events of host sources: shell histories,
 * crontabs, systemd units, syslog/auth logs, auditd, the journal and cloud-init user data.
 *
 * Host parsers name their sources and actions (shell_history/shell_command,
 * crontab/cron_entry, systemd_unit, syslog with ssh_login, ssh_login_failed, cron_command,
 * user_add, ...). The analyzers read only the `events` view (source, action, actor, target,
 * message, raw, src_ip, host) and match the command text wherever a parser put it: target,
 * else message, else raw. Records without a time (shell histories) keep their file order and
 * are analysed only when the time range is open at both ends (they cannot be placed in one).
 * Nothing here depends on a host parser's own table. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"
#include "core/time.h"

#define CMD_MAX 4096
#define BRUTE_FAILS 10   /* failures before a success that make it a brute force */
#define NOISE_FAILS 20   /* failures alone worth a (low) finding */

static const char *const k_host_cols[KS_AN_H_N] = {
    [KS_AN_H_SOURCE] = "source", [KS_AN_H_ACTION] = "action",   [KS_AN_H_ACTOR] = "actor",
    [KS_AN_H_TARGET] = "target", [KS_AN_H_MESSAGE] = "message", [KS_AN_H_RAW] = "raw",
    [KS_AN_H_IP] = "src_ip",     [KS_AN_H_HOST] = "host",       [KS_AN_H_OUTCOME] = "outcome",
};

int ks_an_host_load(ks_store *st, int64_t from, int64_t to, ks_rows **out, ks_err *err)
{
    ks_rows *r = NULL;
    int rc = ks_rows_new(&r, k_host_cols, KS_AN_H_N, err);
    /* host sources by name; cloud, web and database sources never match these */
    if (!rc)
        rc = ks_rows_add(
            r, st,
            "SELECT " KS_ROWS_PROVENANCE ", e.source, e.action, e.actor, e.target, e.message, "
            "CASE WHEN length(e.raw) > 8192 THEN substr(e.raw, 1, 8192) ELSE e.raw END AS raw, "
            "e.src_ip, e.host, e.outcome FROM events e WHERE e.error IS NULL AND "
            "(e.source IN ('shell_history', 'bash_history', 'crontab', 'cron', 'systemd_unit', "
            "'syslog', 'auth_log', 'authlog', 'secure', 'auditd', 'journal', 'journald', "
            "'cloud_init', 'user_data', 'miner_config', 'host_file', 'messages') "
            "OR e.source LIKE 'host%' OR e.source LIKE '%history%' OR e.source LIKE '%cron%' "
            "OR e.source LIKE 'systemd%') AND "
            "((e.time_ns IS NULL AND ?1 = '-9223372036854775808' AND ?2 = '9223372036854775807') "
            "OR (e.time_ns >= ?1 AND e.time_ns < ?2))",
            from, to, err);
    if (rc) {
        ks_rows_free(r);
        return rc;
    }
    ks_rows_sort(r);
    *out = r;
    return 0;
}

/* Whether s contains needle (lower case) ignoring the case of s. */
static bool ci_contains(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++) {
        size_t k = 0;
        while (k < n && s[k] && (s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]) == needle[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

/* The command or text of a record with blanks squeezed, lower-cased when lower (matching);
 * the case-kept text has the same length and offsets (for showing paths as written). */
static void cmd_text_as(const ks_row *w, char *out, size_t outsz, bool lower)
{
    const char *s = *w->v[KS_AN_H_TARGET] ? w->v[KS_AN_H_TARGET]
                    : *w->v[KS_AN_H_MESSAGE] ? w->v[KS_AN_H_MESSAGE] : w->v[KS_AN_H_RAW];
    size_t o = 0;
    bool blank = true;
    for (size_t i = 0; s[i] && o + 1 < outsz; i++) {
        int c = (unsigned char)s[i];
        if (c == '\t' || c == '\r' || c == '\f' || c == '\v')
            c = ' ';
        if (c == ' ' && blank)
            continue;
        blank = c == ' ';
        if (lower && c >= 'A' && c <= 'Z')
            c += 32;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    /* a unit file or a record's message may hold the command when target is only a name */
    if (!ci_contains(out, "execstart") && *w->v[KS_AN_H_TARGET] && *w->v[KS_AN_H_MESSAGE] &&
        o + 2 < outsz) {
        out[o++] = '\n';
        const char *m = w->v[KS_AN_H_MESSAGE];
        for (size_t i = 0; m[i] && o + 1 < outsz; i++)
            out[o++] = lower && m[i] >= 'A' && m[i] <= 'Z' ? (char)(m[i] + 32) : m[i];
        out[o] = '\0';
    }
}

static void cmd_text(const ks_row *w, char *out, size_t outsz)
{
    cmd_text_as(w, out, outsz, true);
}

/* The n bytes at p (inside lower, w's lower-cased text) as written in the record. */
static void as_written(const ks_row *w, const char *lower, const char *p, size_t n, char *out,
                       size_t outsz)
{
    char orig[CMD_MAX];
    cmd_text_as(w, orig, sizeof orig, false);
    size_t off = (size_t)(p - lower);
    const char *src = strlen(orig) == strlen(lower) && off + n <= strlen(orig) ? orig + off : p;
    snprintf(out, outsz, "%.*s", (int)(n < outsz - 1 ? n : outsz - 1), src);
}

static bool is(const ks_row *w, int col, const char *v)
{
    return !strcmp(w->v[col], v);
}

static bool downloads(const char *s)
{
    static const char *const dl[] = {"curl ", "wget ", "fetch ", "tftp ", "lwp-download",
                                     "invoke-webrequest", "python -c", "python3 -c", NULL};
    return ks_an_has_any(s, dl);
}

static bool pipes_to_shell(const char *s)
{
    static const char *const p[] = {"| sh", "|sh", "| bash", "|bash", "| /bin/sh", "| /bin/bash",
                                    "| sudo sh", "| sudo bash", "bash <(", "sh <(", "sh -c \"$(",
                                    "bash -c \"$(", "| python", NULL};
    return ks_an_has_any(s, p);
}

/* A staging place: world-writable temporary directories and hidden directories. */
static bool staging_path(const char *s)
{
    static const char *const tmp[] = {"/tmp/", "/dev/shm/", "/var/tmp/", "/run/shm/", NULL};
    if (ks_an_has_any(s, tmp))
        return true;
    /* a hidden directory or file: "/." followed by a name (not "./" or "../") */
    for (const char *p = strstr(s, "/."); p; p = strstr(p + 1, "/.")) {
        char c = p[2];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
            return true;
    }
    return false;
}

static bool suspicious_command(const char *s)
{
    static const char *const bad[] = {"base64 -d", "base64 --decode", "/dev/tcp/", "nc -e",
                                      "ncat -e", "bash -i", "python -c", "perl -e", "xmrig",
                                      "stratum+", NULL};
    return pipes_to_shell(s) || ks_an_has_any(s, bad) ||
           (staging_path(s) && (downloads(s) || strstr(s, "chmod") || strstr(s, "nohup") ||
                                strstr(s, "exec") || s[0] == '/'));
}

/* The first URL's host in s ("http://h:p/..."), into out. */
static void url_host(const char *s, char *out, size_t outsz)
{
    out[0] = '\0';
    const char *u = strstr(s, "://");
    if (!u)
        return;
    u += 3;
    size_t k = strcspn(u, "/:'\" ;|)");
    snprintf(out, outsz, "%.*s", (int)(k < outsz - 1 ? k : outsz - 1), u);
}

/* The first staging path in s (a word starting with /tmp/, /dev/shm/, ...): its start and
 * length, NULL when none. */
static const char *staging_span(const char *s, size_t *len)
{
    static const char *const tmp[] = {"/tmp/", "/dev/shm/", "/var/tmp/", "/run/shm/", NULL};
    const char *best = NULL;
    for (const char *const *t = tmp; *t; t++) {
        const char *p = strstr(s, *t);
        if (p && (!best || p < best))
            best = p;
    }
    *len = best ? strcspn(best, " ;|&'\")>\n") : 0;
    return best;
}

/* The first staging path in s, into out (lower case, as in s). */
static void staging_file(const char *s, char *out, size_t outsz)
{
    static const char *const tmp[] = {"/tmp/", "/dev/shm/", "/var/tmp/", "/run/shm/", NULL};
    out[0] = '\0';
    const char *best = NULL;
    for (const char *const *t = tmp; *t; t++) {
        const char *p = strstr(s, *t);
        if (p && (!best || p < best))
            best = p;
    }
    if (!best)
        return;
    size_t k = strcspn(best, " ;|&'\")>\n");
    snprintf(out, outsz, "%.*s", (int)(k < outsz - 1 ? k : outsz - 1), best);
}

static int add_host_entities(ks_finding *f, const ks_row *w, const char *cmd, ks_ent_role file_role,
                             ks_err *err)
{
    char host[512], file[512];
    ks_ref r = ks_row_ref(w);
    int rc = ks_finding_ref(f, &r, err);
    const char *h = w->v[KS_AN_H_HOST];
    if (!rc && *h)
        rc = ks_finding_entity(f, !strncmp(h, "i-", 2) ? KS_ENT_INSTANCE : KS_ENT_RESOURCE,
                               KS_ROLE_TARGET, h, strlen(h), err);
    const char *actor = w->v[KS_AN_H_ACTOR];
    if (!rc && *actor)
        rc = ks_finding_entity(f, KS_ENT_USER, KS_ROLE_ACTOR, actor, strlen(actor), err);
    url_host(cmd, host, sizeof host);
    if (!rc && *host)
        rc = ks_finding_entity(f, ks_ct_is_ip(host) ? KS_ENT_IP : KS_ENT_DOMAIN, KS_ROLE_SOURCE,
                               host, strlen(host), err);
    size_t flen = 0;
    const char *fp = staging_span(cmd, &flen);
    file[0] = '\0';
    if (fp)
        as_written(w, cmd, fp, flen, file, sizeof file);
    if (!rc && *file)
        rc = ks_finding_entity(f, KS_ENT_FILE, file_role, file, strlen(file), err);
    return rc;
}

/* One finding per key (host + what). */
static int host_group(ks_strmap *m, const char *key, ks_findings *out, const char *analyzer,
                      ks_sev sev, const char *title, const char *expl, ks_finding **f, ks_err *err)
{
    ks_strmap_ent *g = ks_strmap_get(m, key, err);
    if (!g)
        return err->code ? err->code : KS_ENOMEM;
    int rc;
    if (!g->p) {
        ks_finding *nf = NULL;
        if ((rc = ks_findings_add(out, analyzer, "host", sev, &nf, err)) ||
            (rc = ks_finding_set_text(nf, title, expl, err)))
            return rc;
        g->p = nf;
    }
    *f = g->p;
    if (sev > (*f)->sev)
        (*f)->sev = sev;
    return 0;
}

/* ---- cron and systemd persistence ---- */

static bool cron_record(const ks_row *w, const char *s)
{
    return is(w, KS_AN_H_SOURCE, "crontab") || is(w, KS_AN_H_ACTION, "cron_entry") ||
           is(w, KS_AN_H_ACTION, "cron_command") || strstr(w->v[KS_AN_H_SOURCE], "cron") ||
           strstr(s, "crontab ") || strstr(s, "/etc/cron") || strstr(s, "/var/spool/cron");
}

static bool unit_record(const ks_row *w, const char *s)
{
    return is(w, KS_AN_H_SOURCE, "systemd_unit") || is(w, KS_AN_H_ACTION, "systemd_unit") ||
           strstr(s, "execstart=") || (strstr(s, "systemctl enable") && strstr(s, ".service"));
}

/* ExecStart's program outside the system's own directories. */
static bool exec_outside_usr(const char *s, char *prog, size_t progsz)
{
    const char *e = strstr(s, "execstart=");
    prog[0] = '\0';
    if (!e)
        return false;
    e += 10;
    while (*e == '-' || *e == '@' || *e == '+' || *e == '!' || *e == ':' || *e == ' ')
        e++;
    size_t k = strcspn(e, " \n;");
    snprintf(prog, progsz, "%.*s", (int)(k < progsz - 1 ? k : progsz - 1), e);
    static const char *const sys[] = {"/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/opt/",
                                      "/snap/", NULL};
    for (const char *const *p = sys; *p; p++)
        if (!strncmp(prog, *p, strlen(*p)))
            return false;
    return *prog != '\0';
}

int ks_an_host_persistence(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap groups;
    ks_strmap_init(&groups);
    int rc = 0;
    size_t n = ks_rows_count(in->host);
    char s[CMD_MAX], key[1200], prog[512];
    for (size_t i = 0; i < n && !rc; i++) {
        const ks_row *w = ks_rows_at(in->host, i);
        cmd_text(w, s, sizeof s);
        bool cron = cron_record(w, s), unit = !cron && unit_record(w, s);
        if (!cron && !unit)
            continue;
        bool bad = suspicious_command(s);
        bool outside = unit && exec_outside_usr(s, prog, sizeof prog);
        if (outside) {
            const char *at = strstr(s, prog);
            if (at)
                as_written(w, s, at, strlen(prog), prog, sizeof prog);
        }
        if (!bad && !outside)
            continue;
        ks_sev sev = bad ? KS_SEV_HIGH : KS_SEV_MEDIUM;
        const char *kind = cron ? "cron" : "systemd";
        snprintf(key, sizeof key, "%s|%.500s", kind, w->v[KS_AN_H_HOST]);
        char title[1024], expl[6000];
        snprintf(title, sizeof title, "%s persistence on %s", cron ? "Cron" : "Systemd",
                 *w->v[KS_AN_H_HOST] ? w->v[KS_AN_H_HOST] : "the host");
        snprintf(expl, sizeof expl,
                 "A %s runs a command that downloads code, runs it from a temporary or hidden "
                 "directory or decodes base64 into a shell (high)%s. First: %.2000s",
                 cron ? "cron entry" : "systemd unit",
                 unit ? ", or starts a program outside the system directories (medium)" : "", s);
        ks_finding *f = NULL;
        if ((rc = host_group(&groups, key, out, "host_persistence", sev, title, expl, &f, err)))
            break;
        rc = add_host_entities(f, w, s, KS_ROLE_PERSISTENCE, err);
        if (!rc && outside)
            rc = ks_finding_entity(f, KS_ENT_FILE, KS_ROLE_PERSISTENCE, prog, strlen(prog), err);
    }
    ks_strmap_free(&groups);
    return rc;
}

/* ---- cryptocurrency miners ---- */

/* A mining pool's host:port after "stratum+...://" or in a "url"/"-o" value, into out. */
static void pool_host(const char *s, char *out, size_t outsz)
{
    out[0] = '\0';
    const char *p = strstr(s, "stratum");
    if (p && (p = strstr(p, "://")))
        p += 3;
    if (!p) {
        /* a host name with "pool" in it followed by a port */
        for (const char *q = strstr(s, "pool"); q; q = strstr(q + 1, "pool")) {
            const char *st = q;
            /* back to the start of the host name (at most 253 characters: DNS) */
            while (st > s && q - st < 253 && (st[-1] == '.' || st[-1] == '-' || (st[-1] >= 'a' && st[-1] <= 'z') ||
                              (st[-1] >= '0' && st[-1] <= '9')))
                st--;
            size_t k = strcspn(st, ":\"' /,");
            if (st[k] == ':' && st[k + 1] >= '0' && st[k + 1] <= '9' && memchr(st, '.', k)) {
                p = st;
                break;
            }
        }
    }
    if (!p)
        return;
    if (*p == '[') { /* an IPv6 literal: stratum+tcp://[2001:db8::1]:3333 */
        const char *e = strchr(p, ']');
        if (e)
            snprintf(out, outsz, "%.*s", (int)((size_t)(e - p - 1) < outsz - 1 ? (size_t)(e - p - 1) : outsz - 1), p + 1);
        return;
    }
    size_t k = strcspn(p, ":/\"' ,");
    snprintf(out, outsz, "%.*s", (int)(k < outsz - 1 ? k : outsz - 1), p);
}

int ks_an_host_miner(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    static const char *const marks[] = {
        "xmrig", "stratum+tcp://", "stratum+ssl://", "stratum2+tcp://", "stratum+tls://",
        "donate-level", "donate_level", "cryptonight", "randomx", "\"rx/0\"", "minerd",
        "cpuminer", "nicehash", "moneroocean", "nanopool", "minexmr", "supportxmr", "hashvault",
        "c3pool", "xmr-stak", "ethminer", "nbminer", "lolminer", "phoenixminer", "--coin", NULL};
    ks_strmap groups;
    ks_strmap_init(&groups);
    int rc = 0;
    size_t n = ks_rows_count(in->host);
    char s[CMD_MAX], key[1200], pool[512];
    for (size_t i = 0; i < n && !rc; i++) {
        const ks_row *w = ks_rows_at(in->host, i);
        if (!strcmp(w->v[KS_AN_H_ACTION], "miner_pool"))
            continue; /* a pool of a configuration file is host_miner_config's finding */
        cmd_text(w, s, sizeof s);
        pool_host(s, pool, sizeof pool);
        if (!ks_an_has_any(s, marks) && !*pool)
            continue;
        if (!ks_an_has_any(s, marks) && !strstr(s, "\"url\"") && !strstr(s, " -o "))
            continue; /* "pool" in a host name alone is not enough */
        snprintf(key, sizeof key, "%.500s", w->v[KS_AN_H_HOST]);
        char title[1024], expl[6000];
        snprintf(title, sizeof title, "Cryptocurrency miner on %s",
                 *w->v[KS_AN_H_HOST] ? w->v[KS_AN_H_HOST] : "the host");
        snprintf(expl, sizeof expl,
                 "Miner names (xmrig, cpuminer...), pool protocols (stratum+tcp://), mining "
                 "algorithms (RandomX, CryptoNight) or miner options (donate-level) appear in "
                 "%s records: the host's CPU or GPU is being sold off. First: %.2000s",
                 w->v[KS_AN_H_SOURCE], s);
        ks_finding *f = NULL;
        if ((rc = host_group(&groups, key, out, "host_miner", KS_SEV_HIGH, title, expl, &f, err)))
            break;
        rc = add_host_entities(f, w, s, KS_ROLE_CREATED, err);
        if (!rc && *pool)
            rc = ks_finding_entity(f, ks_ct_is_ip(pool) ? KS_ENT_IP : KS_ENT_DOMAIN,
                                   KS_ROLE_TARGET, pool, strlen(pool), err);
    }
    ks_strmap_free(&groups);
    return rc;
}

/* ---- miner configuration files ---- */

/* The host of a pool address as the miner_config reader writes it ("stratum+tcp://h:p",
 * "h:p", "[v6]:p"), into out. */
static void pool_addr_host(const char *url, char *out, size_t outsz)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *at = strchr(p, '@');
    if (at && at < p + strcspn(p, "/"))
        p = at + 1;
    size_t k;
    if (*p == '[') {
        p++;
        k = strcspn(p, "]");
    } else {
        k = strcspn(p, ":/?");
    }
    snprintf(out, outsz, "%.*s", (int)(k < outsz - 1 ? k : outsz - 1), p);
}

int ks_an_host_miner_config(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap groups;
    ks_strmap_init(&groups);
    int rc = 0;
    size_t n = ks_rows_count(in->host);
    char key[1200], pool[512];
    for (size_t i = 0; i < n && !rc; i++) {
        const ks_row *w = ks_rows_at(in->host, i);
        if (!is(w, KS_AN_H_SOURCE, "miner_config") || !is(w, KS_AN_H_ACTION, "miner_pool"))
            continue;
        const char *url = w->v[KS_AN_H_TARGET], *wallet = w->v[KS_AN_H_ACTOR];
        const char *h = w->v[KS_AN_H_HOST];
        pool_addr_host(url, pool, sizeof pool);
        snprintf(key, sizeof key, "%.500s|%.500s", h, w->file ? w->file : "");
        bool first = !ks_strmap_find(&groups, key);
        char title[1024], expl[3000];
        snprintf(title, sizeof title, "Cryptominer configuration %.300s mines for %.200s at %.200s",
                 w->file ? w->file : "", *wallet ? wallet : "an unnamed account", *pool ? pool : url);
        snprintf(expl, sizeof expl,
                 "A miner configuration file (XMRig, xmr-stak, cpuminer...) names the pools the "
                 "miner connects to and the wallet the pools pay: the host's CPU or GPU is being "
                 "sold off, and the wallet and pool are the attacker's. Pools: %.1000s%s%.500s",
                 url, *wallet ? " for " : "", wallet);
        ks_finding *f = NULL;
        if ((rc = host_group(&groups, key, out, "host_miner_config", KS_SEV_HIGH, title, expl, &f,
                             err)))
            break;
        if (!first && !strstr(f->explanation, url)) {
            /* further pools of the same file: listed in the explanation */
            snprintf(expl, sizeof expl, "%.2500s, %.200s", f->explanation, url);
            if ((rc = ks_finding_set_text(f, f->title, expl, err)))
                break;
        }
        ks_ref r = ks_row_ref(w);
        rc = ks_finding_ref(f, &r, err);
        if (!rc && *pool)
            rc = ks_finding_entity(f, ks_ct_is_ip(pool) ? KS_ENT_IP : KS_ENT_DOMAIN, KS_ROLE_TARGET,
                                   pool, strlen(pool), err);
        if (!rc && *wallet)
            rc = ks_finding_entity(f, KS_ENT_RESOURCE, KS_ROLE_TARGET, wallet, strlen(wallet), err);
        if (!rc && w->file && *w->file)
            rc = ks_finding_entity(f, KS_ENT_FILE, KS_ROLE_CREATED, w->file, strlen(w->file), err);
        if (!rc && *h)
            rc = ks_finding_entity(f, !strncmp(h, "i-", 2) ? KS_ENT_INSTANCE : KS_ENT_RESOURCE,
                                   KS_ROLE_TARGET, h, strlen(h), err);
    }
    ks_strmap_free(&groups);
    return rc;
}

/* ---- curl | sh, downloads to /tmp made executable ---- */

int ks_an_host_download_exec(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap groups, staged;
    ks_strmap_init(&groups);
    ks_strmap_init(&staged);
    int rc = 0;
    size_t n = ks_rows_count(in->host);
    char s[CMD_MAX], key[1200], file[512];
    for (size_t i = 0; i < n && !rc; i++) {
        const ks_row *w = ks_rows_at(in->host, i);
        if (is(w, KS_AN_H_ACTION, "ssh_login") || is(w, KS_AN_H_ACTION, "ssh_login_failed"))
            continue;
        cmd_text(w, s, sizeof s);
        const char *h = w->v[KS_AN_H_HOST];
        bool dl = downloads(s);
        staging_file(s, file, sizeof file);
        ks_sev sev;
        const char *what;
        if (dl && pipes_to_shell(s)) {
            sev = KS_SEV_HIGH;
            what = "downloaded and piped into a shell";
        } else if (dl && *file) {
            /* remember the staged file; made executable or run later, it is high */
            snprintf(key, sizeof key, "%.500s|%.500s", h, file);
            ks_strmap_ent *e = ks_strmap_get(&staged, key, err);
            if (!e) {
                rc = err->code ? err->code : KS_ENOMEM;
                break;
            }
            e->a = (int64_t)i + 1;
            continue;
        } else if (*file && (strstr(s, "chmod") || !strncmp(s, file, strlen(file)) ||
                             strstr(s, "nohup ") || strstr(s, "./"))) {
            snprintf(key, sizeof key, "%.500s|%.500s", h, file);
            const ks_strmap_ent *e = ks_strmap_find(&staged, key);
            if (!e || !e->a)
                continue;
            sev = KS_SEV_HIGH;
            what = "downloaded to a temporary directory and made executable or run";
            ks_finding *f = NULL;
            char title[1024], expl[3000];
            snprintf(key, sizeof key, "staged|%.500s|%.500s", h, file);
            snprintf(title, sizeof title, "File %s %s on %s", file, what, *h ? h : "the host");
            snprintf(expl, sizeof expl,
                     "A file was downloaded into a world-writable temporary directory and then "
                     "made executable or started: how droppers install miners and backdoors.");
            if ((rc = host_group(&groups, key, out, "host_download_exec", sev, title, expl, &f,
                                 err)))
                break;
            const ks_row *dw = ks_rows_at(in->host, (size_t)(e->a - 1));
            char ds[CMD_MAX];
            cmd_text(dw, ds, sizeof ds);
            if ((rc = add_host_entities(f, dw, ds, KS_ROLE_CREATED, err)))
                break;
            rc = add_host_entities(f, w, s, KS_ROLE_CREATED, err);
            continue;
        } else {
            continue;
        }
        char title[1024], expl[6000];
        snprintf(key, sizeof key, "pipe|%.500s", h);
        snprintf(title, sizeof title, "Code %s on %s", what, *h ? h : "the host");
        snprintf(expl, sizeof expl,
                 "A command fetched a script and ran it at once (curl/wget ... | sh): whatever "
                 "the server sent was executed without being kept. First: %.2000s", s);
        ks_finding *f = NULL;
        if ((rc = host_group(&groups, key, out, "host_download_exec", sev, title, expl, &f, err)))
            break;
        rc = add_host_entities(f, w, s, KS_ROLE_CREATED, err);
    }
    ks_strmap_free(&groups);
    ks_strmap_free(&staged);
    return rc;
}

/* ---- SSH brute force ---- */

static bool ssh_failed(const ks_row *w)
{
    const char *m = w->v[KS_AN_H_MESSAGE];
    return is(w, KS_AN_H_ACTION, "ssh_login_failed") ||
           (strstr(w->v[KS_AN_H_ACTION], "ssh") && is(w, KS_AN_H_OUTCOME, "failure")) ||
           (!*w->v[KS_AN_H_ACTION] && (strstr(m, "Failed password") || strstr(m, "Invalid user")));
}

static bool ssh_ok(const ks_row *w)
{
    const char *m = w->v[KS_AN_H_MESSAGE];
    return is(w, KS_AN_H_ACTION, "ssh_login") ||
           (!*w->v[KS_AN_H_ACTION] && (strstr(m, "Accepted password") ||
                                       strstr(m, "Accepted publickey")));
}

/* The address of an SSH record: src_ip, else the word after " from " in the message. */
static void ssh_ip(const ks_row *w, char *out, size_t outsz)
{
    out[0] = '\0';
    if (*w->v[KS_AN_H_IP]) {
        snprintf(out, outsz, "%s", w->v[KS_AN_H_IP]);
        return;
    }
    const char *f = strstr(w->v[KS_AN_H_MESSAGE], " from ");
    if (f) {
        f += 6;
        size_t k = strcspn(f, " ");
        snprintf(out, outsz, "%.*s", (int)(k < outsz - 1 ? k : outsz - 1), f);
    }
}

int ks_an_ssh_bruteforce(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap fails, groups;
    ks_strmap_init(&fails);
    ks_strmap_init(&groups);
    int rc = 0;
    size_t n = ks_rows_count(in->host);
    char ip[256];
    for (size_t i = 0; i < n && !rc; i++) {
        const ks_row *w = ks_rows_at(in->host, i);
        bool failed = ssh_failed(w), ok = !failed && ssh_ok(w);
        if (!failed && !ok)
            continue;
        ssh_ip(w, ip, sizeof ip);
        if (!*ip)
            continue;
        ks_strmap_ent *c = ks_strmap_get(&fails, ip, err);
        if (!c) {
            rc = err->code ? err->code : KS_ENOMEM;
            break;
        }
        if (failed)
            c->a++;
        bool success_after = ok && c->a >= BRUTE_FAILS;
        ks_strmap_ent *g = ks_strmap_find(&groups, ip);
        if (!success_after && !(failed && c->a >= NOISE_FAILS) && !(g && g->p)) {
            continue;
        }
        if (!success_after && !failed && !(g && g->p))
            continue;
        char title[1024], expl[3000];
        snprintf(title, sizeof title, "SSH password guessing from %s%s", ip,
                 success_after ? ", then a successful login" : "");
        snprintf(expl, sizeof expl,
                 "%s failed to log in over SSH many times. Guessing alone is background noise "
                 "on any internet-facing host (low); a successful login from the same address "
                 "after %d or more failures means a password was guessed (critical).",
                 ip, BRUTE_FAILS);
        ks_finding *f = NULL;
        if ((rc = host_group(&groups, ip, out, "ssh_bruteforce",
                             success_after ? KS_SEV_CRITICAL : KS_SEV_LOW, title, expl, &f, err)))
            break;
        if (success_after && !strstr(f->title, "then a successful"))
            rc = ks_finding_set_text(f, title, f->explanation, err);
        ks_ref r = ks_row_ref(w);
        if (!rc)
            rc = ks_finding_ref(f, &r, err);
        if (!rc && ks_ct_is_ip(ip))
            rc = ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, ip, strlen(ip), err);
        const char *user = *w->v[KS_AN_H_TARGET] ? w->v[KS_AN_H_TARGET] : w->v[KS_AN_H_ACTOR];
        if (!rc && success_after && *user)
            rc = ks_finding_entity(f, KS_ENT_USER, KS_ROLE_CREDENTIAL, user, strlen(user), err);
    }
    ks_strmap_free(&fails);
    ks_strmap_free(&groups);
    return rc;
}

/* ---- users and SSH keys added ---- */

int ks_an_host_accounts(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap groups;
    ks_strmap_init(&groups);
    int rc = 0;
    size_t n = ks_rows_count(in->host);
    char s[CMD_MAX], key[1200];
    for (size_t i = 0; i < n && !rc; i++) {
        const ks_row *w = ks_rows_at(in->host, i);
        cmd_text(w, s, sizeof s);
        const char *a = w->v[KS_AN_H_ACTION];
        ks_sev sev;
        const char *what;
        if (strstr(s, "authorized_keys") &&
            (strstr(s, ">>") || strstr(s, "tee ") || strstr(s, "echo ") || strstr(s, "cp ") ||
             strstr(s, "curl ") || strstr(s, "wget "))) {
            sev = KS_SEV_HIGH;
            what = "SSH key added";
        } else if (strstr(s, "/etc/sudoers") && (strstr(s, ">>") || strstr(s, "nopasswd"))) {
            sev = KS_SEV_HIGH;
            what = "sudoers changed";
        } else if (!strcmp(a, "user_add") || !strcmp(a, "useradd") || !strcmp(a, "adduser") ||
                   !strncmp(s, "useradd ", 8) || !strncmp(s, "adduser ", 8) ||
                   strstr(s, " useradd ") || strstr(s, "sudo useradd")) {
            sev = strstr(s, "-u 0") || strstr(s, "uid=0") ? KS_SEV_CRITICAL : KS_SEV_MEDIUM;
            what = "user added";
        } else {
            continue;
        }
        snprintf(key, sizeof key, "%s|%.500s", what, w->v[KS_AN_H_HOST]);
        char title[1024], expl[6000];
        snprintf(title, sizeof title, "%s on %s", what,
                 *w->v[KS_AN_H_HOST] ? w->v[KS_AN_H_HOST] : "the host");
        snprintf(expl, sizeof expl,
                 "New accounts (medium; critical with uid 0), keys appended to authorized_keys "
                 "and sudoers edits (high) are how an intruder keeps access to a host. "
                 "Administrators add users too: judge by who and when. First: %.2000s", s);
        ks_finding *f = NULL;
        if ((rc = host_group(&groups, key, out, "host_accounts", sev, title, expl, &f, err)))
            break;
        rc = add_host_entities(f, w, s, KS_ROLE_PERSISTENCE, err);
    }
    ks_strmap_free(&groups);
    return rc;
}
