/* an_logging.c — logging and detection turned off or changed.
 *
 * CloudTrail (StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors,
 * PutInsightSelectors), VPC flow logs (DeleteFlowLogs), GuardDuty (DeleteDetector,
 * UpdateDetector, DisassociateFromMasterAccount, DisassociateFromAdministratorAccount,
 * DeleteMembers), Security Hub (DisableSecurityHub), Config (StopConfigurationRecorder,
 * DeleteConfigurationRecorder, DeleteDeliveryChannel), CloudWatch Logs (DeleteLogGroup,
 * DeleteLogStream, PutRetentionPolicy), Macie and Access Analyzer deletion. One finding per
 * acting principal: high for stopping or deleting, medium for changing settings (admins do
 * that too) and for refused attempts. */
#include <stdio.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"

static int tamper_kind(const char *n) /* 2 stop/delete, 1 change, 0 not ours */
{
    static const char *const stop[] = {"StopLogging", "DeleteTrail", "DeleteFlowLogs", "DeleteDetector",
                                       "DisassociateFromMasterAccount", "DisassociateFromAdministratorAccount",
                                       "DeleteMembers", "DisableSecurityHub", "StopConfigurationRecorder",
                                       "DeleteConfigurationRecorder", "DeleteDeliveryChannel",
                                       "DeleteLogGroup", "DeleteLogStream", "DisableMacie", "DeleteAnalyzer",
                                       "DisableOrganizationAdminAccount", NULL};
    static const char *const change[] = {"UpdateTrail", "PutEventSelectors", "PutInsightSelectors",
                                         "UpdateDetector", "PutRetentionPolicy", NULL};
    for (const char *const *p = stop; *p; p++)
        if (!strcmp(n, *p))
            return 2;
    for (const char *const *p = change; *p; p++)
        if (!strcmp(n, *p))
            return 1;
    return 0;
}

int ks_an_logging_tamper(const ks_an_input *in, ks_findings *out, ks_err *err)
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
        int k = tamper_kind(e->name);
        if (!k)
            continue;
        ks_sev sev = k == 2 && ks_an_ok(e) ? KS_SEV_HIGH : KS_SEV_MEDIUM;
        bool fresh = !ks_strmap_find(&groups, e->principal);
        ks_finding *f = NULL;
        if ((rc = ks_an_group(&groups, e->principal, out, "logging_tamper", sev, &f, err)))
            goto done;
        if (fresh) {
            char title[1024], expl[512];
            snprintf(title, sizeof title, "Logging or detection tampered with by %s", e->principal);
            snprintf(expl, sizeof expl,
                     "Stopping trails, deleting flow logs or detectors blinds the responders; an "
                     "attempt that was refused still shows intent.");
            if ((rc = ks_finding_set_text(f, title, expl, err)))
                goto done;
        }
        char what[160];
        snprintf(what, sizeof what, "%s%s", e->name, ks_an_ok(e) ? "" : " (refused)");
        if (!strstr(f->title, what) && strlen(f->title) < 400) {
            char t[1024];
            snprintf(t, sizeof t, "%s%s%s", f->title, strchr(f->title, ':') ? ", " : ": ", what);
            if ((rc = ks_finding_set_text(f, t, f->explanation, err)))
                goto done;
        }
        char target[512];
        static const char *const keys[] = {"name", "trailName", "FlowLogId", "content", "detectorId",
                                           "logGroupName", "configurationRecorderName", NULL};
        for (const char *const *kk = keys; *kk; kk++) {
            ks_an_json_first(doc, e->req, *kk, target, sizeof target);
            if (target[0]) {
                if ((rc = ks_finding_entity(f, KS_ENT_RESOURCE, KS_ROLE_TARGET, target, strlen(target), err)))
                    goto done;
                break;
            }
        }
        if ((rc = ks_ct_add_actor(f, e, err)))
            goto done;
    }
done:
    ks_strmap_free(&groups);
    ks_json_doc_free(doc);
    return rc;
}
