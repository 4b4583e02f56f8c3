/* route53resolver.h — Amazon Route 53 Resolver query logs (VPC DNS queries; JSON objects,
 * one per line, as delivered to S3, Firehose or CloudWatch Logs). Rows go to
 * `route53_resolver`. */
#ifndef KS_ROUTE53RESOLVER_H
#define KS_ROUTE53RESOLVER_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_route53resolver;
extern const ks_table_def ks_table_route53resolver;

#endif
