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
    {"web_upload_exec", "a script uploaded and then requested from an upload directory", ks_an_web_upload_exec},
    {"webshell_cmd", "shell commands in web request parameters", ks_an_webshell_cmd},
    {"ssrf_metadata", "the instance metadata service requested through the site", ks_an_ssrf_metadata},
    {"sqli", "SQL injection payloads per client", ks_an_sqli},
    {"path_traversal", "path traversal and system files requested", ks_an_path_traversal},
    {"web_scanner", "scanning tools and bursts of client errors", ks_an_web_scanner},
    {"db_cli_client", "a database command-line client on an application host", ks_an_db_cli_client},
    {"db_unused_schema", "a user in schemas it never used", ks_an_db_unused_schema},
    {"db_bulk_read", "sensitive tables read whole or by new queries", ks_an_db_bulk_read},
    {"db_enum", "information_schema and account tables enumerated", ks_an_db_enum},
    {"db_file_io", "INTO OUTFILE, LOAD_FILE, COPY ... PROGRAM", ks_an_db_file_io},
    {"db_accounts", "database users created, grants given", ks_an_db_accounts},
    {"db_destruction", "DROP, TRUNCATE, DELETE or UPDATE without WHERE", ks_an_db_destruction},
    {"db_ransom", "ransom-note tables and texts", ks_an_db_ransom},
    {"db_auth_failures", "failed database logins per client, success after many", ks_an_db_auth_failures},
    {"host_persistence", "cron entries and systemd units that run downloaded or hidden code", ks_an_host_persistence},
    {"host_miner", "cryptocurrency miner configurations and processes", ks_an_host_miner},
    {"host_miner_config", "miner configuration files: pool and wallet", ks_an_host_miner_config},
    {"host_download_exec", "curl|sh and downloads to /tmp made executable", ks_an_host_download_exec},
    {"ssh_bruteforce", "SSH password guessing, and success after it", ks_an_ssh_bruteforce},
    {"host_accounts", "users and SSH keys added", ks_an_host_accounts},
    {NULL, NULL, NULL},
};

int ks_analyze_case(ks_store *st, int64_t from, int64_t to, ks_findings *out, ks_err *err)
{
    ks_ct_set *ct = NULL;
    ks_rows *web = NULL, *db = NULL, *host = NULL;
    int rc = ks_ct_load(st, from, to, &ct, err);
    if (!rc)
        rc = ks_an_web_load(st, from, to, &web, err);
    if (!rc)
        rc = ks_an_db_load(st, from, to, &db, err);
    if (!rc)
        rc = ks_an_host_load(st, from, to, &host, err);
    if (rc)
        goto done;
    ks_an_input in = {st, ct, from, to, web, db, host};
    for (const ks_analyzer *a = ks_analyzers; a->name; a++)
        if ((rc = a->run(&in, out, err)))
            goto done;
    ks_findings_sort(out);
done:
    ks_ct_set_free(ct);
    ks_rows_free(web);
    ks_rows_free(db);
    ks_rows_free(host);
    return rc;
}
