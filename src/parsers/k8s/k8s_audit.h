/* k8s_audit.h — Kubernetes API server audit logs (audit.k8s.io Event objects, v1 and
 * v1beta1): the log backend's JSON lines, webhook batches ({"kind":"EventList",
 * "items":[...]}), concatenated or pretty-printed objects. Rows go to `k8s_audit`. */
#ifndef KS_K8S_AUDIT_H
#define KS_K8S_AUDIT_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_k8s_audit;
extern const ks_table_def ks_table_k8s_audit;

#endif
