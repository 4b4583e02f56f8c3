/* yara.c — libyara wrapper (yara.h). */
#include "fs/yara.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yara.h>

#include "core/buf.h"
#include "core/json.h"

#define YA_MAX_FILES 4096
#define YA_MAX_MATCHES_PER_STRING 16
#define YA_MAX_DATA 64
#define YA_TIMEOUT_SEC 60

struct ks_yara {
    YR_RULES *rules;
    size_t nrules;
};

static int g_users; /* libyara initialisations held (the CLI is single-threaded) */

typedef struct compile_ctx {
    char first[KS_ERR_MSG_MAX];
    int nerr;
} compile_ctx;

static void on_compile(int level, const char *file, int line, const YR_RULE *rule, const char *msg,
                       void *ud)
{
    (void)rule;
    compile_ctx *c = ud;
    if (level != YARA_ERROR_LEVEL_ERROR)
        return;
    if (!c->nerr++)
        snprintf(c->first, sizeof c->first, "%s:%d: %s", file ? file : "?", line, msg);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool rule_file(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && !strcmp(name + n - 4, ".yar")) || (n > 5 && !strcmp(name + n - 5, ".yara"));
}

static int add_file(YR_COMPILER *c, const char *path, compile_ctx *cc, ks_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return KS_ERR(err, KS_EIO, "cannot open rules file %s", path);
    const char *b = strrchr(path, '/');
    char ns[256];
    snprintf(ns, sizeof ns, "%s", b ? b + 1 : path);
    yr_compiler_add_file(c, f, ns, path);
    fclose(f);
    if (cc->nerr)
        return KS_ERR(err, KS_EUSAGE, "YARA rules: %s", cc->first);
    return 0;
}

int ks_yara_load(ks_yara **out, const char *path, ks_err *err)
{
    int rc = 0;
    YR_COMPILER *c = NULL;
    ks_yara *y = NULL;
    char **names = NULL;
    size_t nn = 0;
    DIR *d = NULL;
    compile_ctx cc = {"", 0};
    if (yr_initialize() != ERROR_SUCCESS)
        return KS_ERR(err, KS_ENOMEM, "libyara could not be initialised");
    g_users++;
    if (yr_compiler_create(&c) != ERROR_SUCCESS) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    yr_compiler_set_callback(c, on_compile, &cc);
    d = opendir(path);
    if (!d) {
        if ((rc = add_file(c, path, &cc, err)))
            goto done;
    } else {
        names = calloc(YA_MAX_FILES, sizeof *names);
        if (!names) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        struct dirent *de;
        while ((de = readdir(d)) != NULL && nn < YA_MAX_FILES) {
            if (de->d_name[0] == '.' || !rule_file(de->d_name))
                continue;
            size_t l = strlen(path) + strlen(de->d_name) + 2;
            names[nn] = malloc(l);
            if (!names[nn]) {
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                goto done;
            }
            snprintf(names[nn], l, "%s/%s", path, de->d_name);
            nn++;
        }
        if (!nn) {
            rc = KS_ERR(err, KS_EUSAGE, "no *.yar or *.yara rules files in %s", path);
            goto done;
        }
        qsort(names, nn, sizeof *names, cmp_str);
        for (size_t i = 0; i < nn; i++)
            if ((rc = add_file(c, names[i], &cc, err)))
                goto done;
    }
    y = calloc(1, sizeof *y);
    if (!y) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (yr_compiler_get_rules(c, &y->rules) != ERROR_SUCCESS) {
        rc = KS_ERR(err, KS_ENOMEM, "YARA rules could not be built");
        goto done;
    }
    YR_RULE *r;
    yr_rules_foreach(y->rules, r) y->nrules++;
    *out = y;
    y = NULL;
done:
    if (d)
        closedir(d);
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    if (c)
        yr_compiler_destroy(c);
    if (y) {
        free(y);
    }
    if (rc) {
        g_users--;
        yr_finalize();
    }
    return rc;
}

void ks_yara_free(ks_yara *y)
{
    if (!y)
        return;
    if (y->rules)
        yr_rules_destroy(y->rules);
    free(y);
    if (g_users > 0) {
        g_users--;
        yr_finalize();
    }
}

size_t ks_yara_rule_count(const ks_yara *y)
{
    return y ? y->nrules : 0;
}

typedef struct scan_ctx {
    ks_yara_cb cb;
    void *ud;
    int rc;
    ks_buf tags, meta, strs;
} scan_ctx;

static int on_scan(YR_SCAN_CONTEXT *context, int message, void *data, void *ud)
{
    scan_ctx *s = ud;
    if (message != CALLBACK_MSG_RULE_MATCHING)
        return CALLBACK_CONTINUE;
    YR_RULE *rule = data;
    ks_buf_reset(&s->tags);
    ks_buf_reset(&s->meta);
    ks_buf_reset(&s->strs);
    const char *tag;
    yr_rule_tags_foreach(rule, tag)
    {
        if (s->tags.len)
            ks_buf_putc(&s->tags, ' ');
        ks_buf_puts(&s->tags, tag);
    }
    ks_buf_putc(&s->meta, '{');
    YR_META *m;
    bool first = true;
    yr_rule_metas_foreach(rule, m)
    {
        if (!first)
            ks_buf_putc(&s->meta, ',');
        first = false;
        ks_json_quote(&s->meta, m->identifier, strlen(m->identifier));
        ks_buf_putc(&s->meta, ':');
        if (m->type == META_TYPE_INTEGER)
            ks_buf_printf(&s->meta, "%lld", (long long)m->integer);
        else if (m->type == META_TYPE_BOOLEAN)
            ks_buf_puts(&s->meta, m->integer ? "true" : "false");
        else
            ks_json_quote(&s->meta, m->string ? m->string : "", m->string ? strlen(m->string) : 0);
    }
    ks_buf_putc(&s->meta, '}');
    ks_buf_putc(&s->strs, '[');
    YR_STRING *str;
    first = true;
    yr_rule_strings_foreach(rule, str)
    {
        /* libyara 4.2 keeps matches in a packed arena: YR_MATCH may sit at an unaligned
         * address, so each is copied out before its fields are read (UBSan: alignment) */
        const YR_MATCH *mp = context->matches[str->idx].head;
        int k = 0;
        for (int guard = 0; mp && guard < 1000000 && k < YA_MAX_MATCHES_PER_STRING; guard++) {
            YR_MATCH mm;
            memcpy(&mm, mp, sizeof mm);
            mp = mm.next;
            if (mm.is_private)
                continue;
            k++;
            if (!first)
                ks_buf_putc(&s->strs, ',');
            first = false;
            ks_buf_puts(&s->strs, "{\"id\":");
            ks_json_quote(&s->strs, str->identifier, strlen(str->identifier));
            ks_buf_printf(&s->strs, ",\"offset\":%lld,\"length\":%d,\"data\":",
                          (long long)(mm.base + mm.offset), (int)mm.match_length);
            size_t dl = mm.data_length > 0 ? (size_t)mm.data_length : 0;
            ks_json_quote(&s->strs, (const char *)mm.data, dl > YA_MAX_DATA ? YA_MAX_DATA : dl);
            ks_buf_putc(&s->strs, '}');
        }
    }
    ks_buf_putc(&s->strs, ']');
    ks_yara_match ym = {rule->identifier, rule->ns && rule->ns->name ? rule->ns->name : "",
                        s->tags.data ? s->tags.data : "", s->meta.data, s->strs.data};
    s->rc = s->cb(s->ud, &ym);
    return s->rc ? CALLBACK_ABORT : CALLBACK_CONTINUE;
}

int ks_yara_scan(ks_yara *y, const uint8_t *p, size_t n, ks_yara_cb cb, void *ud, ks_err *err)
{
    scan_ctx s = {cb, ud, 0, {0}, {0}, {0}};
    ks_buf_init(&s.tags, 1 << 16);
    ks_buf_init(&s.meta, 1 << 20);
    ks_buf_init(&s.strs, 1 << 22);
    int yrc = yr_rules_scan_mem(y->rules, p, n, 0, on_scan, &s, YA_TIMEOUT_SEC);
    int rc = s.rc;
    if (!rc && yrc == ERROR_SCAN_TIMEOUT)
        rc = KS_ERR(err, KS_ELIMIT, "YARA scan timed out after %d s", YA_TIMEOUT_SEC);
    else if (!rc && yrc == ERROR_TOO_MANY_MATCHES)
        rc = KS_ERR(err, KS_ELIMIT, "YARA: too many matches");
    else if (!rc && yrc != ERROR_SUCCESS)
        rc = KS_ERR(err, KS_ECORRUPT, "YARA scan failed (libyara error %d)", yrc);
    ks_buf_free(&s.tags);
    ks_buf_free(&s.meta);
    ks_buf_free(&s.strs);
    return rc;
}
