/* an_run_instances.c — bursts of RunInstances, large or accelerated instance types.
 *
 * RunInstances calls of one principal are grouped into bursts (calls within an hour of the
 * burst's first call). A burst is reported when it asks for accelerated or very large
 * instances (GPU and ML families p, g, inf, trn, dl, f, vt; memory families x, u-, hpc; sizes
 * of 8xlarge and above or metal), or for many instances: at least five, and more than three
 * times the most that principal launched in any hour of the learning window (so a deployment
 * pipeline that always launches twenty is its own normal). High when instances were actually
 * created (instance ids in the response) with such a type or ten or more of them; medium
 * otherwise. The created instance ids are the finding's "created" entities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"
#include "core/time.h"

#define BURST_GAP_NS (3600LL * KS_NS_PER_SEC)

static bool large_type(const char *t)
{
    static const char *const fam[] = {"p", "g", "inf", "trn", "dl", "f", "vt", "x", "u-", "hpc", NULL};
    if (!t[0])
        return false;
    const char *dot = strchr(t, '.');
    size_t fl = dot ? (size_t)(dot - t) : strlen(t);
    for (const char *const *f = fam; *f; f++) {
        size_t n = strlen(*f);
        /* the family is the prefix followed by a generation digit (p3, g5, inf2, x2iedn) */
        if (fl > n && !strncmp(t, *f, n) && ((t[n] >= '0' && t[n] <= '9') || (*f)[n - 1] == '-'))
            return true;
    }
    if (dot) {
        const char *sz = dot + 1;
        if (strstr(sz, "metal"))
            return true;
        char *end = NULL;
        long m = strtol(sz, &end, 10);
        if (end != sz && m >= 8 && !strcmp(end, "xlarge"))
            return true;
    }
    return false;
}

typedef struct burst {
    ks_finding *f;
    int64_t start;
    int64_t base; /* most instances requested in one hour of the learning window */
    int64_t created, requested;
    bool large, large_created;
    char type[64];
} burst;

typedef struct inst_ctx {
    ks_finding *f;
    int64_t n;
    int rc;
    ks_err *err;
} inst_ctx;

static int add_instance(void *ctx, const char *s, size_t n)
{
    inst_ctx *c = ctx;
    if (n > 2 && s[0] == 'i' && s[1] == '-') {
        c->n++;
        c->rc = ks_finding_entity(c->f, KS_ENT_INSTANCE, KS_ROLE_CREATED, s, n, c->err);
    }
    return c->rc != 0;
}

static int finish(burst *b, ks_err *err)
{
    if (!b->f)
        return 0;
    int64_t n = b->requested > b->created ? b->requested : b->created;
    int64_t many = 3 * b->base + 1 > 5 ? 3 * b->base + 1 : 5;
    bool report = b->large || n >= many;
    if (!report) {
        b->f->sev = KS_SEV_INFO; /* dropped by the caller */
        return 0;
    }
    b->f->sev = (b->large_created || b->created >= 10) ? KS_SEV_HIGH : KS_SEV_MEDIUM;
    char title[512], expl[1024];
    snprintf(title, sizeof title, "RunInstances burst: %lld instance(s) created%s%s",
             (long long)b->created, b->type[0] ? ", type " : "", b->type);
    snprintf(expl, sizeof expl,
             "%lld instance(s) requested, %lld created within an hour by one principal (at most "
             "%lld in an hour during the learning window)%s. Bursts of large or GPU instances are how stolen cloud credentials are "
             "turned into crypto-mining.",
             (long long)b->requested, (long long)b->created, (long long)b->base,
             b->large ? ", of an accelerated or very large instance type" : "");
    return ks_finding_set_text(b->f, title, expl, err);
}

static int64_t requested(ks_json_doc *doc, const ks_ct_event *e)
{
    char count[32];
    ks_an_json_first(doc, e->req, "maxCount", count, sizeof count);
    long req = count[0] ? strtol(count, NULL, 10) : 1;
    return req > 0 && req < 100000 ? req : 1;
}

/* Per principal, the most instances requested within one hour (of the first call of the
 * hour) during the learning window: a. = count in the current hour, b. = its start, p unused;
 * the maximum goes to `max` keyed the same way with a "max|" prefix. */
static int learn(const ks_an_input *in, ks_json_doc *doc, ks_strmap *m, ks_err *err)
{
    int64_t t0, tb;
    char key[2048];
    ks_an_baseline_window(in->ct, &t0, &tb);
    size_t n = ks_ct_count(in->ct);
    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (e->time >= tb)
            break;
        if (strcmp(e->name, "RunInstances") != 0)
            continue;
        ks_strmap_ent *cur = ks_strmap_get(m, e->principal, err);
        snprintf(key, sizeof key, "max|%s", e->principal);
        ks_strmap_ent *mx = ks_strmap_get(m, key, err);
        if (!cur || !mx)
            return err->code ? err->code : KS_ENOMEM;
        if (!cur->a || e->time - cur->b > BURST_GAP_NS) {
            cur->a = 0;
            cur->b = e->time;
        }
        cur->a += requested(doc, e);
        if (cur->a > mx->a)
            mx->a = cur->a;
    }
    return 0;
}

int ks_an_run_instances(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap by_actor, base;
    ks_strmap_init(&by_actor);
    ks_strmap_init(&base);
    ks_json_doc *doc = NULL;
    int rc = ks_json_doc_new(&doc, NULL);
    size_t n = ks_ct_count(in->ct);
    size_t first_new = out->n;
    char key[2048];
    if (rc) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    if ((rc = learn(in, doc, &base, err)))
        goto done;
    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (strcmp(e->name, "RunInstances") != 0)
            continue;
        ks_strmap_ent *a = ks_strmap_get(&by_actor, e->principal, err);
        if (!a) {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
        burst *b = a->p;
        if (!b) {
            if (!(b = calloc(1, sizeof *b))) {
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                goto done;
            }
            a->p = b;
            snprintf(key, sizeof key, "max|%s", e->principal);
            const ks_strmap_ent *mx = ks_strmap_find(&base, key);
            b->base = mx ? mx->a : 0;
        }
        if (b->f && e->time - b->start > BURST_GAP_NS) {
            if ((rc = finish(b, err)))
                goto done;
            int64_t learned = b->base;
            memset(b, 0, sizeof *b);
            b->base = learned;
        }
        if (!b->f) {
            if ((rc = ks_findings_add(out, "run_instances", "cloud", KS_SEV_MEDIUM, &b->f, err)))
                goto done;
            b->start = e->time;
        }
        char type[64];
        ks_an_json_first(doc, e->req, "instanceType", type, sizeof type);
        b->requested += requested(doc, e);
        if (large_type(type)) {
            b->large = true;
            snprintf(b->type, sizeof b->type, "%s", type);
        } else if (!b->type[0]) {
            snprintf(b->type, sizeof b->type, "%s", type);
        }
        inst_ctx ic = {b->f, 0, 0, err};
        if (ks_an_ok(e))
            ks_an_json_strings(doc, e->resp, "instanceId", add_instance, &ic);
        if ((rc = ic.rc))
            goto done;
        b->created += ic.n;
        if (ic.n && large_type(type))
            b->large_created = true;
        if ((rc = ks_ct_add_actor(b->f, e, err)) ||
            (rc = ks_finding_entity(b->f, KS_ENT_REGION, KS_ROLE_TARGET, e->region, strlen(e->region), err)))
            goto done;
    }
    for (size_t i = 0; i < by_actor.cap; i++)
        if (by_actor.v[i].key && (rc = finish(by_actor.v[i].p, err)))
            goto done;
    /* bursts that turned out ordinary are removed */
    for (size_t i = out->n; i > first_new; i--)
        if (out->v[i - 1]->sev == KS_SEV_INFO)
            ks_findings_remove(out, i - 1);
done:
    for (size_t i = 0; i < by_actor.cap; i++)
        free(by_actor.v[i].p);
    ks_strmap_free(&by_actor);
    ks_strmap_free(&base);
    ks_json_doc_free(doc);
    return rc;
}
