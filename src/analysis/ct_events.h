/* ct_events.h — CloudTrail events loaded from the case for the built-in analyzers.
 *
 * One pass over `cloudtrail JOIN events` (read through ks_store_query) fills an array of
 * flat records in time order; duplicate records (the same eventID ingested from a delivery
 * file and from an export) are kept once. Strings are NUL-terminated copies held by the set
 * (never NULL: absent values are ""). Ownership: ks_ct_set_free releases everything.
 */
#ifndef KS_CT_EVENTS_H
#define KS_CT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/finding.h"
#include "core/err.h"
#include "store/store.h"

typedef struct ks_ct_event {
    int64_t id, time, line, offset;
    const char *file;
    const char *name, *service, *region, *ip, *ua;
    const char *principal;  /* ARN, else user name, else principal id, else invoking service */
    const char *akid, *type, *issuer, *session; /* session: role session name (assumed roles) */
    const char *error;      /* errorCode or "" */
    const char *req, *resp; /* requestParameters / responseElements JSON text or "" */
    const char *vpce;
    bool ip_is_addr;        /* sourceIPAddress is an IP address (not a service name) */
    bool aws_service;       /* made by an AWS service on the account's behalf */
} ks_ct_event;

typedef struct ks_ct_set ks_ct_set;

/* Loads events with from <= time < to (KS_TIME_NONE = open). A case without CloudTrail
 * gives an empty set. */
int ks_ct_load(ks_store *st, int64_t from, int64_t to, ks_ct_set **out, ks_err *err);
void ks_ct_set_free(ks_ct_set *s);
size_t ks_ct_count(const ks_ct_set *s);
const ks_ct_event *ks_ct_at(const ks_ct_set *s, size_t i);

/* Reference to the event for a finding. */
ks_ref ks_ct_ref(const ks_ct_event *e);
/* Adds e as a reference plus its actor, credential and source address as entities. */
int ks_ct_add_actor(ks_finding *f, const ks_ct_event *e, ks_err *err);
/* Whether s looks like an IPv4 or IPv6 address. */
bool ks_ct_is_ip(const char *s);
/* The network of an address as text: IPv4 /24, IPv6 /48 ("203.0.113.0/24"). */
void ks_ct_network(const char *ip, char *out, size_t outsz);

#endif
