/* analyze.c — the analyzer table and the driver. */
#include "analysis/analyze.h"

#include "analysis/analyzers/analyzers.h"

const ks_analyzer ks_analyzers[] = {
    {"ec2_role_outside", "EC2 instance-role credentials used from outside the instance", ks_an_ec2_role_outside},
    {"new_source", "principal used from a new address, network or user agent", ks_an_new_source},
    {"unused_region", "activity in regions the account does not otherwise use", ks_an_unused_region},
    {"run_instances", "bursts of RunInstances, large or GPU instance types", ks_an_run_instances},
    {"iam_persistence", "users, keys, login profiles, admin policies, trust policies", ks_an_iam_persistence},
    {"logging_tamper", "CloudTrail, flow logs, GuardDuty, Config turned off or changed", ks_an_logging_tamper},
    {"exposure", "security groups, snapshots, images and buckets opened to the world", ks_an_exposure},
    {"secrets_bulk", "many distinct secrets or parameters read in a short window", ks_an_secrets_bulk},
    {NULL, NULL, NULL},
};

int ks_analyze_case(ks_store *st, int64_t from, int64_t to, ks_findings *out, ks_err *err)
{
    ks_ct_set *ct = NULL;
    int rc = ks_ct_load(st, from, to, &ct, err);
    if (rc)
        goto done;
    ks_an_input in = {st, ct, from, to};
    for (const ks_analyzer *a = ks_analyzers; a->name; a++)
        if ((rc = a->run(&in, out, err)))
            goto done;
    ks_findings_sort(out);
done:
    ks_ct_set_free(ct);
    return rc;
}
