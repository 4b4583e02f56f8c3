/* ct_events.c — loading CloudTrail events for the analyzers (see ct_events.h). */
#include "analysis/ct_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/strmap.h"
#include "core/pool.h"
#include "core/time.h"

#define CT_MAX_EVENTS 20000000u /* memory bound: ~20 M events */

struct ks_ct_set {
    ks_ct_event *v;
    size_t n, cap;
    ks_pool pool;
    ks_strmap seen; /* eventID -> kept */
};

bool ks_ct_is_ip(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 45)
        return false;
    int dots = 0, colons = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.')
            dots++;
        else if (c == ':')
            colons++;
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    if (colons >= 2)
        return true;
    if (dots != 3 || colons)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '.' && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

void ks_ct_network(const char *ip, char *out, size_t outsz)
{
    size_t n = strlen(ip);
    if (strchr(ip, ':')) {
        /* first three groups of an IPv6 address (a /48), "::" shortening taken as written */
        size_t groups = 0, i = 0;
        for (; i < n && groups < 3; i++)
            if (ip[i] == ':' && ++groups == 3)
                break;
        snprintf(out, outsz, "%.*s::/48", (int)i, ip);
        return;
    }
    const char *last = strrchr(ip, '.');
    size_t k = last ? (size_t)(last - ip) : n;
    snprintf(out, outsz, "%.*s.0/24", (int)k, ip);
}

typedef struct load_ctx {
    ks_ct_set *s;
    ks_err *err;
    int rc;
} load_ctx;

enum { C_ID, C_NS, C_FILE, C_LINE, C_OFF, C_NAME, C_SVC, C_REGION, C_IP, C_UA, C_ARN, C_AKID,
       C_TYPE, C_ISSUER, C_INVOKED, C_ERR, C_REQ, C_RESP, C_VPCE, C_PID, C_UNAME, C_EVID, C_N };

static const char *col(load_ctx *c, const char *const *vals, const size_t *lens, int i)
{
    const char *p = ks_pool_dup(&c->s->pool, vals[i], vals[i] ? lens[i] : 0);
    if (!p)
        c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
    return p ? p : "";
}

static int64_t num(const char *v)
{
    return v ? strtoll(v, NULL, 10) : -1;
}

static int on_row(void *ctx, int ncols, const char *const *names, const char *const *vals,
                  const size_t *lens, const char *types)
{
    load_ctx *c = ctx;
    ks_ct_set *s = c->s;
    if (!vals || ncols < C_N)
        return 0;
    if (vals[C_EVID] && lens[C_EVID]) {
        ks_strmap_ent *d = ks_strmap_get(&s->seen, vals[C_EVID], c->err);
        if (!d) {
            c->rc = c->err->code ? c->err->code : KS_ENOMEM;
            return 1;
        }
        if (d->a++)
            return 0; /* the same record ingested twice (delivery file and export) */
    }
    if (s->n == s->cap) {
        if (s->cap >= CT_MAX_EVENTS) {
            c->rc = KS_ERR(c->err, KS_ELIMIT, "more than %u CloudTrail events to analyse; "
                           "narrow the time range", CT_MAX_EVENTS);
            return 1;
        }
        size_t nc = s->cap ? s->cap * 2 : 1024;
        ks_ct_event *nv = realloc(s->v, nc * sizeof *nv);
        if (!nv) {
            c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
            return 1;
        }
        s->v = nv;
        s->cap = nc;
    }
    ks_ct_event *e = &s->v[s->n];
    memset(e, 0, sizeof *e);
    e->id = num(vals[C_ID]);
    e->time = vals[C_NS] ? num(vals[C_NS]) : KS_TIME_NONE;
    e->line = num(vals[C_LINE]);
    e->offset = num(vals[C_OFF]);
    e->file = col(c, vals, lens, C_FILE);
    e->name = col(c, vals, lens, C_NAME);
    e->service = col(c, vals, lens, C_SVC);
    e->region = col(c, vals, lens, C_REGION);
    e->ip = col(c, vals, lens, C_IP);
    e->ua = col(c, vals, lens, C_UA);
    e->akid = col(c, vals, lens, C_AKID);
    e->type = col(c, vals, lens, C_TYPE);
    e->issuer = col(c, vals, lens, C_ISSUER);
    e->error = col(c, vals, lens, C_ERR);
    e->req = col(c, vals, lens, C_REQ);
    e->resp = col(c, vals, lens, C_RESP);
    e->vpce = col(c, vals, lens, C_VPCE);
    int pick = vals[C_ARN] && lens[C_ARN] ? C_ARN : vals[C_UNAME] && lens[C_UNAME] ? C_UNAME
               : vals[C_PID] && lens[C_PID] ? C_PID : C_INVOKED;
    e->principal = col(c, vals, lens, pick);
    e->session = "";
    if (!strcmp(e->type, "AssumedRole")) {
        const char *sl = strrchr(e->principal, '/');
        if (sl)
            e->session = sl + 1;
    }
    e->ip_is_addr = ks_ct_is_ip(e->ip);
    e->aws_service = !strcmp(e->type, "AWSService") || (*e->ip && !e->ip_is_addr);
    if (c->rc)
        return 1;
    s->n++;
    return 0;
}

int ks_ct_load(ks_store *st, int64_t from, int64_t to, ks_ct_set **out, ks_err *err)
{
    int rc = 0;
    ks_ct_set *s = calloc(1, sizeof *s);
    char pf[32], pt[32];
    if (!s)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_strmap_init(&s->seen);
    load_ctx lc = {s, err, 0};
    snprintf(pf, sizeof pf, "%lld", (long long)(from == KS_TIME_NONE ? INT64_MIN : from));
    snprintf(pt, sizeof pt, "%lld", (long long)(to == KS_TIME_NONE ? INT64_MAX : to));
    const char *params[2] = {pf, pt};
    rc = ks_store_query(st,
        "SELECT e.id, e.time_ns, e.file, e.line, e.offset, c.eventname, c.eventsource, "
        "c.awsregion, c.sourceipaddress, c.useragent, c.useridentity_arn, "
        "c.useridentity_accesskeyid, c.useridentity_type, c.session_issuer_arn, "
        "c.useridentity_invokedby, c.errorcode, c.requestparameters, c.responseelements, "
        "c.vpcendpointid, c.useridentity_principalid, c.useridentity_username, c.eventid "
        "FROM cloudtrail c JOIN events e ON e.id = c.event_id "
        "WHERE e.time_ns IS NOT NULL AND e.time_ns >= ?1 AND e.time_ns < ?2 "
        "ORDER BY e.time_ns, e.id",
        params, 2, on_row, &lc, err);
    /* No cloudtrail table: nothing to analyse. */
    if (rc == KS_EUSAGE && strstr(err->msg, "no such table")) {
        ks_err_clear(err);
        rc = 0;
    }
    if (!rc)
        rc = lc.rc;
    if (rc)
        goto done;
    *out = s;
    s = NULL;
done:
    ks_ct_set_free(s);
    return rc;
}

void ks_ct_set_free(ks_ct_set *s)
{
    if (!s)
        return;
    ks_pool_free(&s->pool);
    ks_strmap_free(&s->seen);
    free(s->v);
    free(s);
}

size_t ks_ct_count(const ks_ct_set *s)
{
    return s->n;
}

const ks_ct_event *ks_ct_at(const ks_ct_set *s, size_t i)
{
    return &s->v[i];
}

ks_ref ks_ct_ref(const ks_ct_event *e)
{
    ks_ref r = {e->id, e->time, (char *)"cloudtrail", (char *)e->file, e->line, e->offset};
    return r;
}

int ks_ct_add_actor(ks_finding *f, const ks_ct_event *e, ks_err *err)
{
    ks_ref r = ks_ct_ref(e);
    int rc = ks_finding_ref(f, &r, err);
    if (!rc)
        rc = ks_finding_entity(f, KS_ENT_PRINCIPAL, KS_ROLE_ACTOR, e->principal,
                               strlen(e->principal), err);
    if (!rc)
        rc = ks_finding_entity(f, KS_ENT_ACCESS_KEY, KS_ROLE_CREDENTIAL, e->akid, strlen(e->akid),
                               err);
    if (!rc && e->ip_is_addr)
        rc = ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, e->ip, strlen(e->ip), err);
    return rc;
}
