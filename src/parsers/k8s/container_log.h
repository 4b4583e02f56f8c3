/* container_log.h — container stdout/stderr logs: Docker's json-file driver
 * ({"log":"...","stream":"stdout","time":"..."} per line, /var/lib/docker/containers/ID/
 * ID-json.log) and the CRI format kubelet/containerd/CRI-O write (/var/log/pods/NS_POD_UID/
 * CONTAINER/N.log: "TIME STREAM P|F message"). Rows go to `container_log`. */
#ifndef KS_CONTAINER_LOG_H
#define KS_CONTAINER_LOG_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_container_log;
extern const ks_table_def ks_table_container_log;

#endif
