/* registry_list.h — every parser, one line each (X-macro used by registry.c).
 * Order matters only for equal sniff scores: the earlier wins. */
#ifndef KS_REGISTRY_LIST_H
#define KS_REGISTRY_LIST_H

#include "parsers/cloud/cloudtrail.h"
#include "parsers/azure/azure_activity.h"
#include "parsers/cloud/awsconfig.h"
#include "parsers/cloud/cloudfront.h"
#include "parsers/cloud/cloudwatch.h"
#include "parsers/cloud/elb.h"
#include "parsers/cloud/guardduty.h"
#include "parsers/cloud/route53resolver.h"
#include "parsers/cloud/s3access.h"
#include "parsers/cloud/vpcflow.h"
#include "parsers/cloud/waf.h"
#include "parsers/db/binlog_parser.h"
#include "parsers/db/db_parsers.h"
#include "parsers/db/dump_parser.h"
#include "parsers/gcp/gcp_logging.h"
#include "parsers/host/auditd.h"
#include "parsers/host/filesystem.h"
#include "parsers/host/hostbin.h"
#include "parsers/host/syslog.h"
#include "parsers/host/hostcfg.h"
#include "parsers/k8s/container_log.h"
#include "parsers/k8s/k8s_audit.h"
#include "parsers/web/web.h"

#define KS_PARSER_LIST                        \
    KS_PARSER_ENTRY(ks_parser_cloudtrail)     \
    KS_PARSER_ENTRY(ks_parser_cloudtrail_digest) \
    KS_PARSER_ENTRY(ks_parser_filesystem) \
    KS_PARSER_ENTRY(ks_parser_binlog) \
    KS_PARSER_ENTRY(ks_parser_db_dump) \
    KS_PARSER_ENTRY(ks_parser_mysql_general) \
    KS_PARSER_ENTRY(ks_parser_mysql_general_csv) \
    KS_PARSER_ENTRY(ks_parser_mysql_slow) \
    KS_PARSER_ENTRY(ks_parser_mysql_error) \
    KS_PARSER_ENTRY(ks_parser_mysql_audit) \
    KS_PARSER_ENTRY(ks_parser_mysql_audit_xml) \
    KS_PARSER_ENTRY(ks_parser_mysql_audit_json) \
    KS_PARSER_ENTRY(ks_parser_pg_stderr) \
    KS_PARSER_ENTRY(ks_parser_pg_csv) \
    KS_PARSER_ENTRY(ks_parser_pg_json) \
    KS_PARSER_ENTRY(ks_parser_web_access)     \
    KS_PARSER_ENTRY(ks_parser_web_error)      \
    KS_PARSER_ENTRY(ks_parser_elb)            \
    KS_PARSER_ENTRY(ks_parser_vpcflow)        \
    KS_PARSER_ENTRY(ks_parser_s3access)       \
    KS_PARSER_ENTRY(ks_parser_cloudfront)     \
    KS_PARSER_ENTRY(ks_parser_waf)            \
    KS_PARSER_ENTRY(ks_parser_guardduty)      \
    KS_PARSER_ENTRY(ks_parser_cloudwatch)     \
    KS_PARSER_ENTRY(ks_parser_k8s_audit)      \
    KS_PARSER_ENTRY(ks_parser_container_log)  \
    KS_PARSER_ENTRY(ks_parser_gcp_logging)    \
    KS_PARSER_ENTRY(ks_parser_azure_activity) \
    KS_PARSER_ENTRY(ks_parser_route53resolver) \
    KS_PARSER_ENTRY(ks_parser_aws_config)     \
    KS_PARSER_ENTRY(ks_parser_aws_config_snapshot) \
    KS_PARSER_ENTRY(ks_parser_utmp)           \
    KS_PARSER_ENTRY(ks_parser_lastlog)        \
    KS_PARSER_ENTRY(ks_parser_pacct)          \
    KS_PARSER_ENTRY(ks_parser_journal)        \
    KS_PARSER_ENTRY(ks_parser_syslog)        \
    KS_PARSER_ENTRY(ks_parser_auditd)        \
    KS_PARSER_ENTRY(ks_parser_shell_history) \
    KS_PARSER_ENTRY(ks_parser_crontab) \
    KS_PARSER_ENTRY(ks_parser_ssh_authorized_key) \
    KS_PARSER_ENTRY(ks_parser_passwd) \
    KS_PARSER_ENTRY(ks_parser_shadow) \
    KS_PARSER_ENTRY(ks_parser_group) \
    KS_PARSER_ENTRY(ks_parser_sudoers) \
    KS_PARSER_ENTRY(ks_parser_cloud_credential) \
    KS_PARSER_ENTRY(ks_parser_systemd_unit) \
    KS_PARSER_ENTRY(ks_parser_package_log) \
    KS_PARSER_ENTRY(ks_parser_cloud_init) \
    KS_PARSER_ENTRY(ks_parser_miner_config)

#endif
