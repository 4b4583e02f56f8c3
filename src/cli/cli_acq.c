#include "cli/cli_acq.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ks_cli_parse_size(const char *s, uint64_t *out)
{
    uint64_t v = 0, mul = 1;
    const char *p = s;
    if (!*p)
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (p == s)
        return -1;
    switch (*p) {
    case '\0': break;
    case 'k': case 'K': mul = 1ull << 10; p++; break;
    case 'm': case 'M': mul = 1ull << 20; p++; break;
    case 'g': case 'G': mul = 1ull << 30; p++; break;
    case 't': case 'T': mul = 1ull << 40; p++; break;
    default: return -1;
    }
    if (*p == 'i' || *p == 'I')
        p++;
    if (*p == 'b' || *p == 'B')
        p++;
    if (*p || (v && mul > UINT64_MAX / v))
        return -1;
    *out = v * mul;
    return 0;
}

int ks_cli_size_opt(const ks_opts *o, const char *name, uint64_t *out)
{
    const char *s = ks_opt_str(o, name);
    if (!s)
        return 0;
    uint64_t v;
    if (ks_cli_parse_size(s, &v) || !v) {
        ks_cli_errorf("--%s: '%s' is not a size (e.g. 4096, 64M, 2G)", name, s);
        return KS_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

int ks_cli_int_opt(const ks_opts *o, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
    const char *s = ks_opt_str(o, name);
    if (!s)
        return 0;
    const char *p = s;
    bool neg = *p == '-';
    if (neg)
        p++;
    int64_t v = 0;
    if (!*p)
        goto bad;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
            goto bad;
        v = v * 10 + (*p - '0');
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        goto bad;
    *out = v;
    return 0;
bad:
    ks_cli_errorf("--%s: '%s' is not a number in %lld..%lld", name, s, (long long)lo, (long long)hi);
    return KS_EXIT_USAGE;
}

int ks_cli_custody_append(const char *case_dir, ks_custody_entry *e, const char *key_path, ks_err *err)
{
    ks_custody_key key;
    int rc = 0;
    if (!key_path || !*key_path)
        key_path = getenv("KANSHIKI_KEY");
    if (key_path && *key_path) {
        if ((rc = ks_custody_key_load(key_path, &key, err)) != 0)
            return rc;
        e->key = &key;
    }
    rc = ks_custody_append(case_dir, e, NULL, err);
    e->key = NULL;
    sodium_memzero(&key, sizeof key);
    return rc;
}

void ks_cli_abspath(const char *path, char *out, size_t outsz)
{
    char dir[PATH_MAX], res[PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir)
            goto plain;
        memcpy(dir, path, n);
        dir[n] = '\0';
        if (!n)
            snprintf(dir, sizeof dir, "/");
    } else {
        snprintf(dir, sizeof dir, ".");
    }
    if (!realpath(dir, res))
        goto plain;
    snprintf(out, outsz, "%s%s%s", res, strcmp(res, "/") ? "/" : "", name);
    return;
plain:
    snprintf(out, outsz, "%s", path);
}
