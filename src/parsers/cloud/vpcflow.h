/* vpcflow.h — Amazon VPC Flow Logs (default and custom formats, NODATA/SKIPDATA, IPv6).
 * Rows go to `vpcflow` (one column per documented field, `-` as NULL, start/end as UTC
 * times; fields a format names that are not documented go to `extra`). */
#ifndef KS_VPCFLOW_H
#define KS_VPCFLOW_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_vpcflow;
extern const ks_table_def ks_table_vpcflow;

#endif
