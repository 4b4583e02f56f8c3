/* vpcflow.h — Amazon VPC Flow Logs (default and custom formats, NODATA/SKIPDATA, IPv6).
 * Rows go to `vpcflow` (one column per documented field, `-` as NULL, start/end as UTC
 * times; fields a format names that are not documented go to `extra`). */
#ifndef KS_VPCFLOW_H
#define KS_VPCFLOW_H

#include <stdbool.h>

#include "parsers/parser.h"

extern const ks_parser ks_parser_vpcflow;
extern const ks_table_def ks_table_vpcflow;

/* Flow-log records carried inside another container (CloudWatch Logs events): maps one
 * record text in `flow_format` (NULL: the default v2 format) into `vpcflow` and an event
 * with the caller's provenance. *out_done is false (and nothing is written) when the text
 * is not a record of that format. The ks_vpcflow_rec is owned by the caller. */
typedef struct ks_vpcflow_rec ks_vpcflow_rec;
int ks_vpcflow_rec_new(ks_vpcflow_rec **out, const char *flow_format, ks_err *err);
int ks_vpcflow_rec_emit(ks_vpcflow_rec *r, ks_sink *sink, const char *p, size_t n, int64_t line,
                        int64_t offset, bool *out_done, ks_err *err);
void ks_vpcflow_rec_free(ks_vpcflow_rec *r);

#endif
