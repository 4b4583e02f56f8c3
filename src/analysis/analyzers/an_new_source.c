/* an_new_source.c — a principal used from a new address, network or user agent.
 *
 * Baseline: the first third of the evidence span (at least a day when the evidence covers
 * two days or more; see ks_an_baseline_window). For each principal seen acting from an IP
 * address during it, the addresses, their networks (IPv4 /24, IPv6 /48) and user agents are
 * learned. After the window, calls from a network the principal never used are medium; a
 * new address inside a known network or a new user agent alone are low. A principal that
 * first appears after the window is reported as low ("first seen"), so that it can be
 * correlated with the activity that created it. AWS services and calls made through
 * services are ignored. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"

int ks_an_new_source(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap base, groups;
    ks_strmap_init(&base);
    ks_strmap_init(&groups);
    int rc = 0;
    char key[4096], net[128];
    size_t n = ks_ct_count(in->ct);
    int64_t t0, tb;
    ks_an_baseline_window(in->ct, &t0, &tb);

    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (e->time >= tb)
            break;
        if (e->aws_service || !e->ip_is_addr || !e->principal[0])
            continue;
        ks_ct_network(e->ip, net, sizeof net);
        const char *parts[4][2] = {{"P", ""}, {"I", e->ip}, {"N", net}, {"U", e->ua}};
        for (int k = 0; k < 4; k++) {
            snprintf(key, sizeof key, "%s|%s|%s", parts[k][0], e->principal, parts[k][1]);
            if (!ks_strmap_get(&base, key, err)) {
                rc = err->code ? err->code : KS_ENOMEM;
                goto done;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (e->time < tb || e->aws_service || !e->ip_is_addr || !e->principal[0])
            continue;
        ks_ct_network(e->ip, net, sizeof net);
        snprintf(key, sizeof key, "P|%s|", e->principal);
        bool known = ks_strmap_find(&base, key) != NULL;
        snprintf(key, sizeof key, "I|%s|%s", e->principal, e->ip);
        bool ip_known = ks_strmap_find(&base, key) != NULL;
        snprintf(key, sizeof key, "N|%s|%s", e->principal, net);
        bool net_known = ks_strmap_find(&base, key) != NULL;
        snprintf(key, sizeof key, "U|%s|%s", e->principal, e->ua);
        bool ua_known = ks_strmap_find(&base, key) != NULL;
        ks_sev sev;
        const char *what;
        if (!known) {
            sev = KS_SEV_LOW;
            what = "first seen";
            snprintf(key, sizeof key, "new|%s", e->principal);
        } else if (!net_known) {
            sev = KS_SEV_MEDIUM;
            what = "new network";
            snprintf(key, sizeof key, "ip|%s|%s", e->principal, e->ip);
        } else if (!ip_known) {
            sev = KS_SEV_LOW;
            what = "new address";
            snprintf(key, sizeof key, "ip|%s|%s", e->principal, e->ip);
        } else if (!ua_known) {
            sev = KS_SEV_LOW;
            what = "new user agent";
            snprintf(key, sizeof key, "ua|%s|%s", e->principal, e->ua);
        } else {
            continue;
        }
        bool fresh = !ks_strmap_find(&groups, key);
        ks_finding *f = NULL;
        if ((rc = ks_an_group(&groups, key, out, "new_source", sev, &f, err)))
            goto done;
        if (fresh) {
            char title[2048], expl[2048];
            if (!known) {
                snprintf(title, sizeof title, "Principal %s first seen, from %s", e->principal, e->ip);
                snprintf(expl, sizeof expl,
                         "%s does not act during the learning window (the first part of the "
                         "evidence) and appears later, first from %s. New principals are "
                         "expected after changes; one created during an incident is the "
                         "attacker's.", e->principal, e->ip);
            } else if (!strcmp(what, "new user agent")) {
                snprintf(title, sizeof title, "%s used with a new user agent", e->principal);
                snprintf(expl, sizeof expl,
                         "During the learning window %s never used this user agent: %s.",
                         e->principal, e->ua);
            } else {
                snprintf(title, sizeof title, "%s used from a %s: %s", e->principal, what, e->ip);
                snprintf(expl, sizeof expl,
                         "During the learning window %s acted only from other %s. %s (network %s) "
                         "is new for it; user agent: %s%s.",
                         e->principal, !net_known ? "networks" : "addresses", e->ip, net, e->ua,
                         ua_known ? "" : " (also new)");
            }
            if ((rc = ks_finding_set_text(f, title, expl, err)))
                goto done;
        }
        if ((rc = ks_ct_add_actor(f, e, err)))
            goto done;
    }
done:
    ks_strmap_free(&base);
    ks_strmap_free(&groups);
    return rc;
}
