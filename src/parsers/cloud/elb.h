/* elb.h — Elastic Load Balancing access logs: Application (ALB), Network (NLB, TLS
 * listeners) and Classic load balancers.
 *
 * All three are space-separated lines with double-quoted strings, told apart by their
 * first field: an ALB line starts with the request type (http, https, h2, grpcs, ws, wss),
 * an NLB line with "tls" and the log version, a Classic line with its ISO time. Rows go to
 * `alb`, `nlb` and `elb_classic` (Athena's alb_logs / nlb_tls_logs / elb_logs column
 * names); fields AWS adds after the documented ones are kept in `extra` (a JSON array), so
 * newer logs lose nothing.
 */
#ifndef KS_ELB_H
#define KS_ELB_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_elb;
extern const ks_table_def ks_table_alb;
extern const ks_table_def ks_table_nlb;
extern const ks_table_def ks_table_elb_classic;

#endif
