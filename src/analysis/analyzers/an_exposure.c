/* an_exposure.c — resources opened to the world or to other accounts.
 *
 *   AuthorizeSecurityGroupIngress / ModifySecurityGroupRules with 0.0.0.0/0 or ::/0: medium;
 *   ModifySnapshotAttribute / ModifyImageAttribute adding group "all": high, adding another
 *   account (userId): medium; ModifyDBSnapshotAttribute / ModifyDBClusterSnapshotAttribute
 *   with "all": high; PutBucketPolicy with a "*" principal, PutBucketAcl granting AllUsers or
 *   AuthenticatedUsers: high; DeleteBucketPublicAccessBlock / DeletePublicAccessBlock: medium.
 * Only successful calls; one finding per acting principal. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"

static ks_sev exposure(const ks_ct_event *e)
{
    const char *n = e->name, *r = e->req;
    if (!strcmp(n, "AuthorizeSecurityGroupIngress") || !strcmp(n, "ModifySecurityGroupRules"))
        return strstr(r, "\"0.0.0.0/0\"") || strstr(r, "\"::/0\"") ? KS_SEV_MEDIUM : KS_SEV_INFO;
    if (!strcmp(n, "ModifySnapshotAttribute") || !strcmp(n, "ModifyImageAttribute")) {
        if (strstr(r, "\"group\":\"all\"") || strstr(r, "\"group\": \"all\""))
            return KS_SEV_HIGH;
        return strstr(r, "\"add\"") && strstr(r, "\"userId\"") ? KS_SEV_MEDIUM : KS_SEV_INFO;
    }
    if (!strcmp(n, "ModifyDBSnapshotAttribute") || !strcmp(n, "ModifyDBClusterSnapshotAttribute"))
        return strstr(r, "\"all\"") ? KS_SEV_HIGH : KS_SEV_INFO;
    if (!strcmp(n, "PutBucketPolicy"))
        return strstr(r, "\\\"Principal\\\":\\\"*\\\"") || strstr(r, "\\\"AWS\\\":\\\"*\\\"") ||
                       strstr(r, "\"Principal\":\"*\"") || strstr(r, "\"AWS\":\"*\"")
                   ? KS_SEV_HIGH : KS_SEV_INFO;
    if (!strcmp(n, "PutBucketAcl"))
        return strstr(r, "AllUsers") || strstr(r, "AuthenticatedUsers") ? KS_SEV_HIGH : KS_SEV_INFO;
    if (!strcmp(n, "DeleteBucketPublicAccessBlock") || !strcmp(n, "DeletePublicAccessBlock"))
        return KS_SEV_MEDIUM;
    return KS_SEV_INFO;
}

int ks_an_exposure(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap groups;
    ks_strmap_init(&groups);
    ks_json_doc *doc = NULL;
    int rc = ks_json_doc_new(&doc, NULL);
    size_t n = ks_ct_count(in->ct);
    if (rc) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (!ks_an_ok(e))
            continue;
        ks_sev sev = exposure(e);
        if (sev == KS_SEV_INFO)
            continue;
        bool fresh = !ks_strmap_find(&groups, e->principal);
        ks_finding *f = NULL;
        if ((rc = ks_an_group(&groups, e->principal, out, "exposure", sev, &f, err)))
            goto done;
        if (fresh) {
            char title[1024];
            snprintf(title, sizeof title, "Resources exposed by %s", e->principal);
            if ((rc = ks_finding_set_text(f, title,
                     "Security groups open to any address, snapshots or images shared publicly or "
                     "with other accounts, and public bucket policies let the intruder in or let "
                     "data out.", err)))
                goto done;
        }
        char target[512];
        static const char *const keys[] = {"groupId", "snapshotId", "imageId", "bucketName",
                                           "dBSnapshotIdentifier", "groupName", NULL};
        for (const char *const *k = keys; *k; k++) {
            ks_an_json_first(doc, e->req, *k, target, sizeof target);
            if (target[0]) {
                if ((rc = ks_finding_entity(f, KS_ENT_RESOURCE, KS_ROLE_TARGET, target, strlen(target), err)))
                    goto done;
                break;
            }
        }
        char what[512];
        snprintf(what, sizeof what, "%s %s", e->name, target);
        if (!strstr(f->title, what) && strlen(f->title) < 400) {
            char t[1024];
            snprintf(t, sizeof t, "%s%s%s", f->title, strchr(f->title, ':') ? ", " : ": ", what);
            if ((rc = ks_finding_set_text(f, t, f->explanation, err)))
                goto done;
        }
        if ((rc = ks_ct_add_actor(f, e, err)) ||
            (rc = ks_finding_entity(f, KS_ENT_REGION, KS_ROLE_TARGET, e->region, strlen(e->region), err)))
            goto done;
    }
done:
    ks_strmap_free(&groups);
    ks_json_doc_free(doc);
    return rc;
}
