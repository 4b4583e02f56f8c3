#include "analysis/sigma_findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"

#define MAX_EVENTS_ENRICHED 50

typedef struct sf_ctx {
    ks_store *st;
    ks_findings *fs;
    int64_t from, to;
    size_t added;
    int rc;
    ks_err *err;
    ks_finding *cur; /* enrichment target of the row callback */
} sf_ctx;

static ks_sev sev_of(const char *level)
{
    ks_sev s = KS_SEV_MEDIUM;
    if (!level)
        return s;
    if (!strcmp(level, "informational"))
        return KS_SEV_INFO;
    ks_sev_parse(level, &s);
    return s;
}

static const char *layer_of(const ks_sigma_info *r)
{
    const char *p = r->product ? r->product : "", *c = r->category ? r->category : "",
               *s = r->service ? r->service : "";
    if (!strcmp(c, "webserver") || !strcmp(c, "proxy") || !strcmp(p, "apache") ||
        !strcmp(p, "nginx"))
        return "web";
    if (!strcmp(p, "linux") || !strcmp(s, "auditd") || !strcmp(s, "sshd") || !strcmp(s, "cron") ||
        !strcmp(s, "syslog"))
        return "host";
    if (!strcmp(c, "database") || !strcmp(p, "sql") || !strcmp(p, "mysql") ||
        !strcmp(p, "postgresql"))
        return "database";
    return "cloud";
}

static bool looks_like_ip(const char *s, size_t n)
{
    bool digit = false, sep = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            digit = true;
        else if (c == '.' || c == ':')
            sep = true;
        else if (!((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return digit && sep;
}

/* One matched event: its provenance and who/where, from the normalized table. */
static int on_event_row(void *ctx, int ncols, const char *const *names, const char *const *v,
                        const size_t *lens, const char *types)
{
    sf_ctx *c = ctx;
    if (!v)
        return 0;
    ks_finding *f = c->cur;
    ks_ref r = {0};
    r.event_id = v[0] ? strtoll(v[0], NULL, 10) : -1;
    r.time = v[1] ? strtoll(v[1], NULL, 10) : KS_TIME_NONE;
    r.source = (char *)v[2];
    r.file = (char *)v[3];
    r.line = v[4] ? strtoll(v[4], NULL, 10) : -1;
    r.offset = v[5] ? strtoll(v[5], NULL, 10) : -1;
    if ((c->rc = ks_finding_ref(f, &r, c->err)))
        return 1;
    if (v[6])
        ks_finding_entity(f, KS_ENT_PRINCIPAL, KS_ROLE_ACTOR, v[6], lens[6], c->err);
    if (v[7] && looks_like_ip(v[7], lens[7]))
        ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, v[7], lens[7], c->err);
    if (v[8])
        ks_finding_entity(f, KS_ENT_REGION, KS_ROLE_TARGET, v[8], lens[8], c->err);
    return 0;
}

static int on_result(void *ctx, const ks_sigma_result *res)
{
    sf_ctx *c = ctx;
    if (res->kind != KS_SIGMA_MATCH || !res->nevents)
        return 0;
    /* the match belongs to the window when any of its events does */
    bool in = false;
    for (size_t i = 0; i < res->nevents && !in; i++) {
        int64_t t = res->events[i].time_ns;
        in = (c->from == KS_TIME_NONE || t >= c->from) && (c->to == KS_TIME_NONE || t < c->to);
    }
    if (!in)
        return 0;
    const ks_sigma_info *r = res->rule;
    char analyzer[256], title[600], expl[2048];
    snprintf(analyzer, sizeof analyzer, "sigma:%s", r->id ? r->id : r->title ? r->title : "?");
    snprintf(title, sizeof title, "%s%s%s", r->title ? r->title : "Sigma rule",
             res->group && res->group[0] ? " — " : "", res->group ? res->group : "");
    snprintf(expl, sizeof expl, "Sigma rule %s (%s, level %s)%s%s", r->id ? r->id : "",
             r->file ? r->file : "", r->level ? r->level : "medium",
             r->description ? ": " : "", r->description ? r->description : "");
    ks_finding *f = NULL;
    if ((c->rc = ks_findings_add(c->fs, analyzer, layer_of(r), sev_of(r->level), &f, c->err)) ||
        (c->rc = ks_finding_set_text(f, title, expl, c->err)))
        return 1;
    c->cur = f;
    size_t n = res->nevents < MAX_EVENTS_ENRICHED ? res->nevents : MAX_EVENTS_ENRICHED;
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)res->events[i].id);
        const char *params[1] = {id};
        int q = ks_store_query(c->st,
                               "SELECT id, time_ns, source, file, line, offset, actor, src_ip, "
                               "region FROM events WHERE id = ?1",
                               params, 1, on_event_row, c, c->err);
        if (q || c->rc) {
            if (!c->rc)
                c->rc = q;
            return 1;
        }
    }
    c->added++;
    return 0;
}

int ks_sigma_findings(ks_store *st, const ks_sigma_ruleset *rs, int64_t from, int64_t to,
                      ks_findings *fs, size_t *out_matches, ks_err *err)
{
    sf_ctx c = {st, fs, from, to, 0, 0, err, NULL};
    int rc = ks_sigma_eval(st, rs, on_result, &c, err);
    if (!rc)
        rc = c.rc;
    if (out_matches)
        *out_matches = c.added;
    return rc;
}
