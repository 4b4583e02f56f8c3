/* an_ec2_role.c — EC2 instance-role credentials used from outside the instance.
 *
 * Credentials delivered to an instance through its metadata service create role sessions
 * named after the instance ("i-0123456789abcdef0"). Such a session is normally used from the
 * instance's own address(es). Baseline, per (role, session): the addresses it is used from,
 * and how often; the "home" addresses are the most used one and any used at least a quarter
 * as often. Use from any other address that is an IP (not an AWS service name, not through a
 * VPC endpoint) is critical: the credentials were taken off the instance (SSRF to the
 * metadata service, a compromised host, leaked environment). */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"

static bool instance_session(const char *s)
{
    size_t n = strlen(s);
    if (n < 10 || n > 19 || s[0] != 'i' || s[1] != '-')
        return false;
    for (size_t i = 2; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static bool candidate(const ks_ct_event *e)
{
    return !strcmp(e->type, "AssumedRole") && instance_session(e->session) && e->ip_is_addr &&
           !e->vpce[0];
}

int ks_an_ec2_role_outside(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap per_ip, per_sess, groups;
    ks_strmap_init(&per_ip);
    ks_strmap_init(&per_sess);
    ks_strmap_init(&groups);
    int rc = 0;
    char key[2048];
    size_t n = ks_ct_count(in->ct);

    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (!candidate(e))
            continue;
        snprintf(key, sizeof key, "%s|%s|%s", e->issuer, e->session, e->ip);
        ks_strmap_ent *a = ks_strmap_get(&per_ip, key, err);
        snprintf(key, sizeof key, "%s|%s", e->issuer, e->session);
        ks_strmap_ent *b = ks_strmap_get(&per_sess, key, err);
        if (!a || !b) {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
        a->a++;
        if (a->a > b->a)
            b->a = a->a; /* the most-used address's count */
        b->b++;
    }
    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (!candidate(e))
            continue;
        snprintf(key, sizeof key, "%s|%s|%s", e->issuer, e->session, e->ip);
        int64_t c = ks_strmap_find(&per_ip, key)->a;
        snprintf(key, sizeof key, "%s|%s", e->issuer, e->session);
        const ks_strmap_ent *s = ks_strmap_find(&per_sess, key);
        if (c * 4 >= s->a)
            continue; /* a home address of this session */
        ks_finding *f = NULL;
        snprintf(key, sizeof key, "%s|%s|%s", e->issuer, e->session, e->ip);
        bool fresh = !ks_strmap_find(&groups, key);
        if ((rc = ks_an_group(&groups, key, out, "ec2_role_outside", KS_SEV_CRITICAL, &f, err)))
            goto done;
        if (fresh) {
            char role[256], title[1024], expl[2048];
            ks_an_arn_tail(e->issuer, role, sizeof role);
            snprintf(title, sizeof title,
                     "Instance-role credentials of %s (role %s) used from %s, outside the instance",
                     e->session, role, e->ip);
            snprintf(expl, sizeof expl,
                     "The role session %s is named after EC2 instance %s: its credentials come from "
                     "that instance's metadata service. In this evidence the session is used %lld "
                     "times, mostly from its home address (%lld calls from the most used one); "
                     "%s used it %lld times. Credentials used away from their instance were taken "
                     "off it (SSRF to the metadata service, a compromised host or leaked "
                     "environment variables).",
                     e->principal, e->session, (long long)s->b, (long long)s->a, e->ip,
                     (long long)c);
            if ((rc = ks_finding_set_text(f, title, expl, err)) ||
                (rc = ks_finding_entity(f, KS_ENT_INSTANCE, KS_ROLE_TARGET, e->session,
                                        strlen(e->session), err)) ||
                (rc = ks_finding_entity(f, KS_ENT_PRINCIPAL, KS_ROLE_CREDENTIAL, e->issuer,
                                        strlen(e->issuer), err)))
                goto done;
        }
        if ((rc = ks_ct_add_actor(f, e, err)) ||
            (rc = ks_finding_entity(f, KS_ENT_REGION, KS_ROLE_TARGET, e->region, strlen(e->region), err)))
            goto done;
    }
done:
    ks_strmap_free(&per_ip);
    ks_strmap_free(&per_sess);
    ks_strmap_free(&groups);
    return rc;
}
