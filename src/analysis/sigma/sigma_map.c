/* sigma_map.c — where Sigma's logsources and fields live in a kanshiki case.
 *
 * ONE table (below) decides it; docs/sigma.md mirrors it. An entry matches a rule when each
 * of its product/category/service is NULL or equals the rule's (case-insensitively); the
 * first match wins, so specific entries come first. An entry's `table` is a per-source
 * table joined with `events` on event_id (columns seen as t.x, events as e.x); with no
 * table, `source` filters `events` by source type. A NULL table and source means "known
 * logsource, no kanshiki source for it" and `doc` says why — the rule is reported as not
 * applicable with that text.
 *
 * Fields: the entry's explicit list first (SQL over t./e.; `column` must exist in the
 * case's table, else the field counts as unmapped); then, with auto_columns, a field whose
 * lower-cased name (with '-' and '.' as '_') is a column of the table; then a dotted path
 * whose first part is a JSON column (`requestParameters.bucketName` ->
 * requestparameters ->> '$."bucketName"'). Anything else is an unmapped field, and the rule
 * is reported as not applicable naming it. */
#include <strings.h>

#include "analysis/sigma/sigma_int.h"

/* web_access: the access-log table the web parsers fill (method, path, query, status,
 * client_ip, user_agent, referer, ...). The W3C extended-log names Sigma uses: */
static const sg_fieldmap web_fields[] = {
    {"cs-method", "method", NULL},
    {"cs-uri-stem", "path", NULL},
    {"cs-uri-query", "query", NULL},
    {"cs-uri", "path",
     "(t.\"path\" || CASE WHEN t.\"query\" IS NOT NULL AND t.\"query\" <> '' "
     "THEN '?' || t.\"query\" ELSE '' END)"},
    {"sc-status", "status", NULL},
    {"c-ip", "client_ip", NULL},
    {"cs-user-agent", "user_agent", NULL},
    {"cs-referer", "referer", NULL},
    {"cs-host", "host", NULL},
    {"cs-version", "protocol", NULL},
    {"sc-bytes", "bytes", NULL},
    {NULL, NULL, NULL},
};

/* k8s_audit keeps objectRef, user and responseStatus flattened into columns. */
static const sg_fieldmap k8s_fields[] = {
    {"objectRef.resource", "resource", NULL},
    {"objectRef.subresource", "subresource", NULL},
    {"objectRef.namespace", "namespace", NULL},
    {"objectRef.name", "name", NULL},
    {"objectRef.apiGroup", "api_group", NULL},
    {"objectRef.apiVersion", "api_version", NULL},
    {"user.username", "username", NULL},
    {"user.uid", "user_uid", NULL},
    {"userAgent", "user_agent", NULL},
    {"requestURI", "request_uri", NULL},
    {"sourceIPs", "source_ips", NULL},
    {"responseStatus.code", "response_code", NULL},
    {"impersonatedUser.username", "impersonated_user", NULL},
    {NULL, NULL, NULL},
};

static const sg_fieldmap no_fields[] = {{NULL, NULL, NULL}};

static const sg_logsource sources[] = {
    /* cloud */
    {"aws", NULL, "cloudtrail", "cloudtrail", NULL, NULL, no_fields, true,
     "CloudTrail records: the cloudtrail table (Athena column names) joined with events"},
    /* web */
    {NULL, "webserver", NULL, "web_access", NULL, NULL, web_fields, true,
     "web server access logs: web_access"},
    {NULL, NULL, "apache", "web_error", NULL, NULL, no_fields, true,
     "Apache error log keywords: web_error (not yet written by a parser)"},
    {NULL, NULL, "nginx", "web_error", NULL, NULL, no_fields, true,
     "nginx error log keywords: web_error (not yet written by a parser)"},
    {NULL, "proxy", NULL, NULL, NULL, NULL, no_fields, false,
     "forward-proxy logs (c-uri, cs-host as a client sees them): no kanshiki source yet"},
    /* kubernetes */
    {"kubernetes", NULL, "audit", "k8s_audit", NULL, NULL, k8s_fields, true,
     "Kubernetes API server audit log: k8s_audit (objectRef.*, user.*, responseStatus.code "
     "mapped to its flat columns)"},
    /* linux */
    {"linux", NULL, "auditd", "auditd", NULL, NULL, no_fields, true,
     "Linux audit records: auditd (type, syscall, a0..a3, exe, comm, key, name, ...)"},
    {"linux", NULL, "sshd", "syslog", NULL, "t.\"program\" = 'sshd'", no_fields, true,
     "syslog lines from sshd"},
    {"linux", NULL, "cron", "syslog", NULL, "t.\"program\" IN ('cron', 'CRON', 'crond', 'CROND', 'anacron')", no_fields,
     true, "syslog lines from cron"},
    {"linux", NULL, "vsftpd", "syslog", NULL, "t.\"program\" = 'vsftpd'", no_fields, true,
     "syslog lines from vsftpd"},
    {"linux", NULL, "clamav", "syslog", NULL, "t.\"program\" IN ('clamd', 'freshclam')", no_fields,
     true, "syslog lines from ClamAV"},
    {"linux", NULL, "guacamole", "syslog", NULL, "t.\"program\" LIKE 'guac%'", no_fields, true,
     "syslog lines from Apache Guacamole"},
    {"linux", NULL, "auth", "syslog", NULL, NULL, no_fields, true, "auth.log lines"},
    {"linux", NULL, "syslog", "syslog", NULL, NULL, no_fields, true, "syslog lines"},
    {"linux", "process_creation", NULL, NULL, NULL, NULL, no_fields, false,
     "process-creation telemetry (Sysmon for Linux / EDR): no kanshiki source"},
    {"linux", "file_event", NULL, NULL, NULL, NULL, no_fields, false,
     "file-event telemetry (Sysmon for Linux / EDR): no kanshiki source"},
    {"linux", "network_connection", NULL, NULL, NULL, NULL, no_fields, false,
     "network-connection telemetry (Sysmon for Linux / EDR): no kanshiki source"},
    {"linux", NULL, NULL, "syslog", NULL, NULL, no_fields, true,
     "generic Linux log keywords: syslog"},
};

static bool eq_or_any(const char *want, const char *have)
{
    return !want || (have && !strcasecmp(want, have));
}

const sg_logsource *sg_logsource_find(const ks_sigma_info *r, const char **why)
{
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        const sg_logsource *s = &sources[i];
        if (eq_or_any(s->product, r->product) && eq_or_any(s->category, r->category) &&
            eq_or_any(s->service, r->service))
            return s;
    }
    *why = (!r->product && !r->category && !r->service) ? "the rule has no logsource"
                                                         : "no mapping for this logsource";
    return NULL;
}

const sg_logsource *sg_logsource_table(size_t *n)
{
    *n = sizeof sources / sizeof sources[0];
    return sources;
}
