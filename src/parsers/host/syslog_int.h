/* syslog_int.h — shared by the syslog reader (syslog.c) and its normalisation of
 * authentication and account lines (syslog_norm.c): the `syslog` table's columns and small
 * helpers over ks_str (bounded views; nothing here reads past s.p + s.n). */
#ifndef KS_HOST_SYSLOG_INT_H
#define KS_HOST_SYSLOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store/store.h"

enum {
    C_TIME,
    C_HOST,
    C_PROGRAM,
    C_PID,
    C_PRIORITY,
    C_FACILITY,
    C_SEVERITY,
    C_VERSION,
    C_MSGID,
    C_SD,
    C_MESSAGE,
    C_REPEAT,
    C_EVENT,
    C_USER,
    C_BY_USER,
    C_TARGET_USER,
    C_SRC_IP,
    C_SRC_HOST,
    C_SRC_PORT,
    C_METHOD,
    C_OUTCOME,
    C_REASON,
    C_FINGERPRINT,
    C_TTY,
    C_PWD,
    C_COMMAND,
    C_SERVICE,
    C_UID,
    C_GID,
    C_GROUP,
    C_HOME,
    C_SHELL,
    C_UNIT,
    C_NCOLS
};

static inline bool sl_dig(char c)
{
    return c >= '0' && c <= '9';
}

static inline ks_str sl_sub(ks_str s, size_t from, size_t to)
{
    if (to > s.n)
        to = s.n;
    if (from > to)
        from = to;
    return (ks_str){s.p + from, to - from};
}

static inline bool sl_starts(ks_str s, const char *lit)
{
    size_t k = strlen(lit);
    return s.n >= k && !memcmp(s.p, lit, k);
}

static inline bool sl_ends(ks_str s, const char *lit)
{
    size_t k = strlen(lit);
    return s.n >= k && !memcmp(s.p + s.n - k, lit, k);
}

/* Index of the first occurrence of lit at or after `from`, or -1. */
static inline ptrdiff_t sl_find(ks_str s, size_t from, const char *lit)
{
    size_t k = strlen(lit);
    if (from > s.n || !k)
        return -1;
    const char *h = memmem(s.p + from, s.n - from, lit, k);
    return h ? h - s.p : -1;
}

/* Index of the last occurrence of lit, or -1. */
static inline ptrdiff_t sl_rfind(ks_str s, const char *lit)
{
    size_t k = strlen(lit);
    if (!k || k > s.n)
        return -1;
    for (size_t i = s.n - k + 1; i-- > 0;)
        if (!memcmp(s.p + i, lit, k))
            return (ptrdiff_t)i;
    return -1;
}

static inline ks_str sl_ltrim(ks_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    return s;
}

static inline ks_str sl_trim(ks_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

/* Up to the next space (or the end). */
static inline ks_str sl_word(ks_str s, size_t from)
{
    size_t e = from;
    while (e < s.n && s.p[e] != ' ')
        e++;
    return sl_sub(s, from, e);
}

static inline int sl_num(ks_str s, int64_t *out)
{
    if (!s.n || s.n > 18)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (!sl_dig(s.p[i]))
            return -1;
        x = x * 10 + (s.p[i] - '0');
    }
    *out = x;
    return 0;
}

/* What normalisation found: the columns it fills (n->v, C_* indexes) and the event's fields. */
typedef struct sl_norm {
    ks_val *v;
    ks_str action, actor, target, outcome, src_ip;
} sl_norm;

/* Fills the auth/account columns of v and the event's action/actor/target/outcome/src_ip
 * for one record (prog = the tag, msg = the message); leaves them empty for other lines. */
void ks_syslog_normalise(sl_norm *n, ks_str prog, ks_str msg);

#endif
