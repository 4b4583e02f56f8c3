/* an_iam.c — IAM persistence: what an intruder leaves to come back.
 *
 * Calls, successful or not (an attempt is evidence too), grouped into one finding per acting
 * principal:
 *   CreateUser (medium); CreateAccessKey for another user, CreateLoginProfile,
 *   UpdateLoginProfile (high; a key for oneself is medium);
 *   Attach{User,Role,Group}Policy with an administrator policy (AdministratorAccess,
 *   IAMFullAccess, PowerUserAccess) and Put{User,Role,Group}Policy whose document allows
 *   "Action": "*" (high; other policies low); UpdateAssumeRolePolicy (high: who may assume
 *   the role changed).
 * Users, keys and login profiles created successfully become "persistence" entities: the
 * user's name and ARN and the new access key id, so that later use of them correlates. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"

static bool admin_policy(const char *req)
{
    return strstr(req, "AdministratorAccess") || strstr(req, "IAMFullAccess") ||
           strstr(req, "PowerUserAccess");
}

/* A policy document in requestParameters is a JSON string holding JSON, so its quotes are
 * escaped: look for "Action":"*" written either way (with or without spaces). */
static bool wildcard_document(const char *req)
{
    static const char *const pats[] = {"\\\"Action\\\":\\\"*\\\"", "\\\"Action\\\": \\\"*\\\"",
                                       "\"Action\":\"*\"", "\"Action\": \"*\"", NULL};
    for (const char *const *p = pats; *p; p++)
        if (strstr(req, *p))
            return true;
    return false;
}

int ks_an_iam_persistence(const ks_an_input *in, ks_findings *out, ks_err *err)
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
        const char *nm = e->name;
        char user[512], self[512], what[160];
        ks_an_json_first(doc, e->req, "userName", user, sizeof user);
        ks_an_arn_tail(e->principal, self, sizeof self);
        ks_sev sev;
        if (!strcmp(nm, "CreateUser")) {
            sev = KS_SEV_MEDIUM;
        } else if (!strcmp(nm, "CreateAccessKey")) {
            sev = user[0] && strcmp(user, self) ? KS_SEV_HIGH : KS_SEV_MEDIUM;
        } else if (!strcmp(nm, "CreateLoginProfile") || !strcmp(nm, "UpdateLoginProfile") ||
                   !strcmp(nm, "UpdateAssumeRolePolicy")) {
            sev = KS_SEV_HIGH;
        } else if (!strcmp(nm, "AttachUserPolicy") || !strcmp(nm, "AttachRolePolicy") ||
                   !strcmp(nm, "AttachGroupPolicy")) {
            sev = admin_policy(e->req) ? KS_SEV_HIGH : KS_SEV_LOW;
        } else if (!strcmp(nm, "PutUserPolicy") || !strcmp(nm, "PutRolePolicy") ||
                   !strcmp(nm, "PutGroupPolicy")) {
            sev = wildcard_document(e->req) ? KS_SEV_HIGH : KS_SEV_LOW;
        } else {
            continue;
        }
        if (!ks_an_ok(e) && sev > KS_SEV_MEDIUM)
            sev = KS_SEV_MEDIUM; /* refused: an attempt */
        bool fresh = !ks_strmap_find(&groups, e->principal);
        ks_finding *f = NULL;
        if ((rc = ks_an_group(&groups, e->principal, out, "iam_persistence", sev, &f, err)))
            goto done;
        if (fresh) {
            char title[1024], expl[1024];
            snprintf(title, sizeof title, "IAM persistence by %s", e->principal);
            snprintf(expl, sizeof expl,
                     "%s created or changed IAM identities and permissions: new users, access "
                     "keys, console passwords, administrator policies or role trust policies are "
                     "how an intruder keeps access after the first credential is revoked.",
                     e->principal);
            if ((rc = ks_finding_set_text(f, title, expl, err)))
                goto done;
        }
        /* the title lists what was done, in order */
        snprintf(what, sizeof what, "%s%s%s%s", nm, user[0] ? " " : "", user,
                 ks_an_ok(e) ? "" : " (refused)");
        if (!strstr(f->title, what) && strlen(f->title) < 400) {
            char t[1024];
            snprintf(t, sizeof t, "%s%s%s", f->title, strchr(f->title, ':') ? ", " : ": ", what);
            if ((rc = ks_finding_set_text(f, t, f->explanation, err)))
                goto done;
        }
        if ((rc = ks_ct_add_actor(f, e, err)))
            goto done;
        if (!ks_an_ok(e) || !user[0])
            continue;
        if (strcmp(nm, "CreateUser") == 0 || strcmp(nm, "CreateAccessKey") == 0 ||
            strcmp(nm, "CreateLoginProfile") == 0 || strcmp(nm, "UpdateLoginProfile") == 0 ||
            sev == KS_SEV_HIGH) {
            char arn[1024], key[256];
            if ((rc = ks_finding_entity(f, KS_ENT_USER, KS_ROLE_PERSISTENCE, user, strlen(user), err)))
                goto done;
            ks_an_json_first(doc, e->resp, "arn", arn, sizeof arn);
            if (arn[0] && (rc = ks_finding_entity(f, KS_ENT_PRINCIPAL, KS_ROLE_PERSISTENCE, arn,
                                                  strlen(arn), err)))
                goto done;
            ks_an_json_first(doc, e->resp, "accessKeyId", key, sizeof key);
            if (key[0] && (rc = ks_finding_entity(f, KS_ENT_ACCESS_KEY, KS_ROLE_PERSISTENCE, key,
                                                  strlen(key), err)))
                goto done;
        }
    }
done:
    ks_strmap_free(&groups);
    ks_json_doc_free(doc);
    return rc;
}
