/* an_region.c — activity in regions the account does not otherwise use.
 *
 * Global services (IAM, STS's global endpoint, sign-in, CloudFront, Organizations, Route 53,
 * ...) log in us-east-1 whatever the account uses, so only regional services count. A region
 * is one the account uses ("home") when it has regional activity on at least half of the
 * days the evidence covers (evidence of three days or more), or holds at least a fifth of
 * all regional events. Activity elsewhere is one finding per region: high when something was
 * changed or created there successfully, medium when changes were attempted and failed,
 * low for reads only. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"
#include "core/time.h"

static bool global_service(const char *svc)
{
    static const char *const g[] = {"iam.", "sts.", "signin.", "cloudfront.", "organizations.",
                                    "route53.", "route53domains.", "support.", "health.",
                                    "budgets.", "ce.", "account.", "billingconsole.",
                                    "globalaccelerator.", "shield.", "trustedadvisor.",
                                    "notifications.", "sso.", "waf.", "s3.", NULL};
    /* s3: ListBuckets and other account-level calls log in us-east-1; buckets themselves
     * are regional, but the region recorded for S3 calls is not where the account "lives". */
    for (const char *const *p = g; *p; p++)
        if (!strncmp(svc, *p, strlen(*p)))
            return true;
    return false;
}

#define DAY_NS (86400LL * KS_NS_PER_SEC)

int ks_an_unused_region(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap regions, days, alldays, groups;
    ks_strmap_init(&regions);
    ks_strmap_init(&days);
    ks_strmap_init(&alldays);
    ks_strmap_init(&groups);
    int rc = 0;
    char key[512];
    size_t n = ks_ct_count(in->ct);
    int64_t total = 0;

    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        long long day = (long long)(e->time / DAY_NS);
        snprintf(key, sizeof key, "%lld", day);
        if (!ks_strmap_get(&alldays, key, err))
            {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
        if (!e->region[0] || global_service(e->service))
            continue;
        ks_strmap_ent *r = ks_strmap_get(&regions, e->region, err);
        snprintf(key, sizeof key, "%s|%lld", e->region, day);
        ks_strmap_ent *d = ks_strmap_get(&days, key, err);
        if (!r || !d)
            {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
        r->a++;
        if (!d->a++)
            r->b++; /* distinct days */
        total++;
    }
    int64_t ndays = (int64_t)alldays.n;
    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (!e->region[0] || global_service(e->service))
            continue;
        const ks_strmap_ent *r = ks_strmap_find(&regions, e->region);
        if ((ndays >= 3 && r->b * 2 >= ndays) || r->a * 5 >= total)
            continue;
        bool write = !ks_an_readonly_name(e->name);
        ks_sev sev = !write ? KS_SEV_LOW : ks_an_ok(e) ? KS_SEV_HIGH : KS_SEV_MEDIUM;
        bool fresh = !ks_strmap_find(&groups, e->region);
        ks_finding *f = NULL;
        if ((rc = ks_an_group(&groups, e->region, out, "unused_region", sev, &f, err)))
            goto done;
        if (fresh) {
            char title[512], expl[1024];
            snprintf(title, sizeof title, "Activity in region %s, which the account does not otherwise use",
                     e->region);
            snprintf(expl, sizeof expl,
                     "%s holds %lld of %lld regional events, on %lld of the %lld days the evidence "
                     "covers. Attackers launch resources in regions nobody watches; an unused "
                     "region with writes in it deserves a look.",
                     e->region, (long long)r->a, (long long)total, (long long)r->b, (long long)ndays);
            if ((rc = ks_finding_set_text(f, title, expl, err)) ||
                (rc = ks_finding_entity(f, KS_ENT_REGION, KS_ROLE_TARGET, e->region,
                                        strlen(e->region), err)))
                goto done;
        }
        if ((rc = ks_ct_add_actor(f, e, err)))
            goto done;
    }
done:
    ks_strmap_free(&regions);
    ks_strmap_free(&days);
    ks_strmap_free(&alldays);
    ks_strmap_free(&groups);
    return rc;
}
