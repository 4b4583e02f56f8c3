/* cloud_credential.c — cloud CLI credential and configuration files into `events` and
 * `cloud_credential`.
 *
 * AWS ~/.aws/credentials and ~/.aws/config: INI, "[default]", "[profile NAME]",
 *   "[sso-session NAME]" sections of "key = value". One row per section. The access key id
 *   is kept (it is what to search CloudTrail for); aws_secret_access_key,
 *   aws_session_token and aws_security_token are masked.
 * GCP ~/.config/gcloud: application_default_credentials.json / legacy adc.json
 *   (authorized_user: client_id, client_secret, refresh_token; service_account:
 *   client_email, private_key_id, private_key) and configurations/config_NAME (INI:
 *   account, project). Private keys, client secrets and refresh tokens are masked.
 * Azure ~/.azure/azureProfile.json (one row per subscription: user, tenant) and
 *   msal_token_cache.json (Account entries: username, tenant; AccessToken/RefreshToken/
 *   IdToken entries: client, tenant, expiry; the secret masked).
 * "Masked" means only the first 4 characters and the length are stored: no secret is
 * written to the case, not in the table, the event, its raw text, nor an error record.
 * Rows carry the file's mtime ("file modified"); MSAL tokens their cached_at time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/json.h"
#include "core/time.h"
#include "parsers/host/hostcfg.h"
#include "parsers/sniff.h"

#define CC_MAX_FILE ((size_t)64 << 20)
#define CC_MAX_LINE ((size_t)1 << 16)
#define CC_MAX_ROWS 100000

enum {
    C_PROVIDER, C_FILE_KIND, C_PROFILE, C_KEY_ID, C_SECRET, C_SESSION_TOKEN, C_ACCOUNT,
    C_TENANT, C_ROLE_ARN, C_SOURCE_PROFILE, C_REGION, C_TYPE, C_EXTRA, C_NCOLS
};

static const ks_column cols[C_NCOLS] = {
    [C_PROVIDER] = {"provider", KS_COL_TEXT, "aws, gcp, azure"},
    [C_FILE_KIND] = {"file_kind", KS_COL_TEXT, "aws_credentials, aws_config, gcloud_adc, gcloud_config, azure_profile, msal_cache"},
    [C_PROFILE] = {"profile", KS_COL_TEXT, "AWS profile / gcloud configuration / Azure subscription name / MSAL entry kind"},
    [C_KEY_ID] = {"key_id", KS_COL_TEXT, "aws_access_key_id, GCP client_id or private_key_id, Azure subscription id or MSAL client id"},
    [C_SECRET] = {"secret", KS_COL_TEXT, "MASKED secret key / private key / client secret / token: first 4 chars and length only"},
    [C_SESSION_TOKEN] = {"session_token", KS_COL_TEXT, "MASKED aws_session_token or refresh token: first 4 chars and length only"},
    [C_ACCOUNT] = {"account", KS_COL_TEXT, "GCP account / client_email, Azure user name, AWS sso_account_id"},
    [C_TENANT] = {"tenant", KS_COL_TEXT, "Azure tenant id, GCP project"},
    [C_ROLE_ARN] = {"role_arn", KS_COL_TEXT, "AWS role_arn (assumed role) or sso_role_name"},
    [C_SOURCE_PROFILE] = {"source_profile", KS_COL_TEXT, "AWS source_profile"},
    [C_REGION] = {"region", KS_COL_TEXT, "region"},
    [C_TYPE] = {"type", KS_COL_TEXT, "credential type (authorized_user, service_account, AccessToken, ...)"},
    [C_EXTRA] = {"extra", KS_COL_TEXT, "other keys as key=value lines (values of secret-looking keys masked)"},
};

const ks_table_def ks_table_cloud_credential = {
    "cloud_credential", "AWS/GCP/Azure CLI credential files (secrets masked)", cols, C_NCOLS};

typedef enum { K_AWS_CRED, K_AWS_CONFIG, K_GC_ADC, K_GC_CONFIG, K_AZ_PROFILE, K_MSAL, K_NONE } cc_kind;
static const char *const kind_names[] = {"aws_credentials", "aws_config", "gcloud_adc",
                                         "gcloud_config", "azure_profile", "msal_cache"};
static const char *const kind_provider[] = {"aws", "aws", "gcp", "gcp", "azure", "azure"};

static cc_kind path_kind(const char *path)
{
    const char *in = ks_hc_inner(path);
    const char *b = ks_hc_base(path);
    if (strstr(in, ".aws/") && !strcmp(b, "credentials"))
        return K_AWS_CRED;
    if (strstr(in, ".aws/") && !strcmp(b, "config"))
        return K_AWS_CONFIG;
    if (!strcmp(b, "application_default_credentials.json") || (strstr(in, "gcloud/") && !strcmp(b, "adc.json")))
        return K_GC_ADC;
    if (strstr(in, "gcloud/configurations/") && !strncmp(b, "config_", 7))
        return K_GC_CONFIG;
    if (!strcmp(b, "azureProfile.json"))
        return K_AZ_PROFILE;
    if (!strcmp(b, "msal_token_cache.json"))
        return K_MSAL;
    return K_NONE;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (!ks_hc_text(head, n) && !(n >= 3 && head[0] == 0xef)) /* azureProfile has a BOM */
        return 0;
    if (path_kind(name) != K_NONE)
        return 85;
    if (ks_sniff_has(head, n, "aws_access_key_id") && ks_sniff_has(head, n, "["))
        return 70;
    return 0;
}

static bool secret_key(ks_str k)
{
    static const char *const words[] = {"secret", "token", "password", "private_key", "credential_process_secret", NULL};
    if (ks_str_eq(k, "private_key_id"))
        return false;
    for (const char *const *w = words; *w; w++)
        if (memmem(k.p, k.n, *w, strlen(*w)))
            return true;
    return false;
}

/* One row being built. Its text is copied into `text` (the input line buffer is reused
 * from line to line) and referenced by offset until emit. */
typedef struct cc_row {
    ks_buf text, extra;
    size_t off[C_NCOLS], len[C_NCOLS];
    bool set[C_NCOLS];
    bool open;
    int64_t line, offset, time;
} cc_row;

static void row_reset(cc_row *r)
{
    memset(r->set, 0, sizeof r->set);
    ks_buf_reset(&r->text);
    ks_buf_reset(&r->extra);
    r->open = false;
    r->time = KS_TIME_NONE;
}

static void row_set(cc_row *r, int col, ks_str v)
{
    if (!v.p)
        return;
    size_t o = r->text.len;
    if (ks_buf_append(&r->text, v.p, v.n))
        return;
    r->off[col] = o;
    r->len[col] = v.n;
    r->set[col] = true;
}

static void row_set_masked(cc_row *r, int col, ks_str v)
{
    char m[64];
    if (!v.p)
        return;
    ks_hc_mask(v, m, sizeof m);
    row_set(r, col, ks_str_c(m));
}

static void extra_add(cc_row *r, ks_str k, ks_str v)
{
    char m[64];
    if (secret_key(k)) {
        ks_hc_mask(v, m, sizeof m);
        v = ks_str_c(m);
    }
    if (r->extra.len)
        ks_buf_putc(&r->extra, '\n');
    ks_buf_append(&r->extra, k.p, k.n);
    ks_buf_putc(&r->extra, '=');
    ks_buf_append(&r->extra, v.p, v.n);
}

static int emit(ks_parse_ctx *ctx, cc_kind kind, cc_row *r, ks_err *err)
{
    if (!r->open)
        return 0;
    r->open = false;
    ks_val v[C_NCOLS];
    for (int i = 0; i < C_NCOLS; i++)
        v[i] = r->set[i] ? ks_v_text((ks_str){r->text.data + r->off[i], r->len[i]}) : ks_v_null();
    v[C_PROVIDER] = ks_v_text(ks_str_c(kind_provider[kind]));
    v[C_FILE_KIND] = ks_v_text(ks_str_c(kind_names[kind]));
    if (r->extra.len)
        v[C_EXTRA] = ks_v_text((ks_str){r->extra.data, r->extra.len});
    ks_event ev;
    ks_hc_event_init(&ev, ctx, r->line, r->offset);
    if (r->time != KS_TIME_NONE) {
        ev.time = r->time;
        ev.time_desc = "token cached";
    }
    ev.action = KS_STR_LIT("cloud_credential_file");
    ev.target = v[C_KEY_ID].s;
    ev.actor = v[C_ACCOUNT].kind ? v[C_ACCOUNT].s : ks_hc_home_user(ctx->path);
    ev.account = v[C_TENANT].s;
    ev.region = v[C_REGION].s;
    ev.message = v[C_PROFILE].s;
    /* no raw text: it would hold the secrets */
    return ks_sink_event(ctx->sink, &ev, &ks_table_cloud_credential, v, err);
}

/* Error records of credential files keep only a masked form of the bytes. */
static int masked_error(ks_parse_ctx *ctx, int64_t line, int64_t off, const char *why,
                        const char *p, size_t n, ks_err *err)
{
    char m[64];
    ks_hc_mask((ks_str){p, n}, m, sizeof m);
    return ks_sink_error(ctx->sink, line, off, why, m, strlen(m), err);
}

/* ---- INI (AWS files, gcloud configurations) ------------------------------------------ */
typedef struct cc_loop {
    ks_parse_ctx *ctx;
    cc_kind kind;
    cc_row r;       /* the section being read */
    ks_str cfgname; /* a gcloud configuration's name (its file's, after "config_") */
} cc_loop;

static int ini_line(void *arg, const ks_line *ln, ks_str l, ks_err *err)
{
    cc_loop *c = arg;
    ks_parse_ctx *ctx = c->ctx;
    cc_row *r = &c->r;
    if (l.p[0] == '[') {
        if (l.p[l.n - 1] != ']')
            return masked_error(ctx, ln->lineno, ln->offset, "unterminated [section]", ln->p,
                                ln->n, err);
        /* a gcloud configuration is one row over all its sections */
        if (c->kind == K_GC_CONFIG && r->open)
            return 0;
        int rc = emit(ctx, c->kind, r, err);
        if (rc)
            return rc;
        row_reset(r);
        r->open = true;
        r->line = ln->lineno;
        r->offset = ln->offset;
        ks_str name = ks_hc_trim((ks_str){l.p + 1, l.n - 2});
        if (c->kind == K_AWS_CONFIG && name.n > 8 && !memcmp(name.p, "profile ", 8))
            name = ks_hc_trim((ks_str){name.p + 8, name.n - 8});
        row_set(r, C_PROFILE, c->kind == K_GC_CONFIG ? c->cfgname : name);
        return 0;
    }
    const char *eq = memchr(l.p, '=', l.n);
    if (!eq)
        return masked_error(ctx, ln->lineno, ln->offset, "not key = value", ln->p, ln->n, err);
    if (!r->open) { /* keys before any section */
        row_reset(r);
        r->open = true;
        r->line = ln->lineno;
        r->offset = ln->offset;
        if (c->kind == K_GC_CONFIG)
            row_set(r, C_PROFILE, c->cfgname);
    }
    ks_str k = ks_hc_trim((ks_str){l.p, (size_t)(eq - l.p)});
    ks_str v = ks_hc_trim((ks_str){eq + 1, l.n - (size_t)(eq + 1 - l.p)});
    if (ks_str_eq(k, "aws_secret_access_key")) {
        row_set_masked(r, C_SECRET, v);
        return 0;
    }
    if (ks_str_eq(k, "aws_session_token") || ks_str_eq(k, "aws_security_token")) {
        row_set_masked(r, C_SESSION_TOKEN, v);
        return 0;
    }
    int col = -1;
    if (ks_str_eq(k, "aws_access_key_id"))
        col = C_KEY_ID;
    else if (ks_str_eq(k, "role_arn") || ks_str_eq(k, "sso_role_name"))
        col = C_ROLE_ARN;
    else if (ks_str_eq(k, "source_profile"))
        col = C_SOURCE_PROFILE;
    else if (ks_str_eq(k, "region"))
        col = C_REGION;
    else if (ks_str_eq(k, "account") || ks_str_eq(k, "sso_account_id"))
        col = C_ACCOUNT;
    else if (ks_str_eq(k, "project"))
        col = C_TENANT;
    if (col >= 0)
        row_set(r, col, v);
    else
        extra_add(r, k, v);
    return 0;
}

static int parse_ini(ks_parse_ctx *ctx, cc_kind kind, ks_err *err)
{
    cc_loop c = {.ctx = ctx, .kind = kind, .cfgname = KS_STR_NULL};
    ks_buf_init(&c.r.text, 1 << 20);
    ks_buf_init(&c.r.extra, 1 << 20);
    row_reset(&c.r);
    if (kind == K_GC_CONFIG)
        c.cfgname = ks_str_c(ks_hc_base(ctx->path) + 7);
    int rc = ks_hc_each_line(ctx, CC_MAX_LINE, "#;", ini_line, &c, err);
    if (!rc)
        rc = emit(ctx, kind, &c.r, err);
    ks_buf_free(&c.r.text);
    ks_buf_free(&c.r.extra);
    return rc;
}

/* ---- JSON (gcloud ADC, Azure profile, MSAL cache) ------------------------------------ */
static void json_extra(cc_row *r, const ks_json_doc *d, ks_jv obj, const char *const *skip)
{
    for (ks_jv k = ks_json_first(d, obj); k != KS_JV_NONE; k = ks_json_next(d, k)) {
        ks_str key = ks_json_str(d, k);
        bool sk = false;
        for (const char *const *s = skip; *s && !sk; s++)
            sk = ks_str_eq(key, *s);
        if (sk)
            continue;
        ks_jv v = ks_json_member_value(d, k);
        ks_json_type t = ks_json_type_of(d, v);
        /* nested values are not copied: they may hold secrets under other names */
        ks_str val = t == KS_JSON_STRING                           ? ks_json_str(d, v)
                     : (t == KS_JSON_OBJECT || t == KS_JSON_ARRAY) ? KS_STR_LIT("<nested>")
                                                                   : ks_json_raw(d, v);
        extra_add(r, key, val);
    }
}

/* JSON files are one record each: rows point at the start of the file. */
static void row_begin(cc_row *r)
{
    row_reset(r);
    r->open = true;
    r->line = 1;
    r->offset = 0;
}

static int parse_json(ks_parse_ctx *ctx, cc_kind kind, ks_err *err)
{
    int rc = 0;
    ks_buf all;
    ks_json_doc *d = NULL;
    cc_row r;
    ks_buf_init(&all, CC_MAX_FILE);
    ks_buf_init(&r.text, 1 << 20);
    ks_buf_init(&r.extra, 1 << 20);
    row_reset(&r);
    if ((rc = ks_input_read_all(ctx->in, &all, err)))
        goto done;
    if ((rc = ks_json_doc_new(&d, NULL))) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    const char *p = all.data ? all.data : "";
    size_t n = all.len;
    if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) { /* azureProfile.json has a BOM */
        p += 3;
        n -= 3;
    }
    ks_err je;
    ks_err_clear(&je);
    if (ks_json_parse(d, p, n, &je) || ks_json_type_of(d, ks_json_root(d)) != KS_JSON_OBJECT) {
        rc = masked_error(ctx, 1, 0, "not a JSON object", p, n, err);
        goto done;
    }
    ks_jv root = ks_json_root(d);
    int64_t rows = 0;
    if (kind == K_AZ_PROFILE) {
        ks_jv subs = ks_json_get(d, root, "subscriptions");
        static const char *const skip[] = {"id", "name", "tenantId", "user", NULL};
        for (ks_jv s = ks_json_first(d, subs); s != KS_JV_NONE && rows < CC_MAX_ROWS;
             s = ks_json_next(d, s), rows++) {
            row_begin(&r);
            row_set(&r, C_PROFILE, ks_json_get_str(d, s, "name"));
            row_set(&r, C_KEY_ID, ks_json_get_str(d, s, "id"));
            row_set(&r, C_TENANT, ks_json_get_str(d, s, "tenantId"));
            ks_jv u = ks_json_get(d, s, "user");
            row_set(&r, C_ACCOUNT, ks_json_get_str(d, u, "name"));
            row_set(&r, C_TYPE, ks_json_get_str(d, u, "type"));
            json_extra(&r, d, s, skip);
            if ((rc = emit(ctx, kind, &r, err)))
                goto done;
        }
    } else if (kind == K_MSAL) {
        static const char *const skip[] = {"secret", "client_id", "realm", "username",
                                           "credential_type", "authority_type", "home_account_id",
                                           NULL};
        for (ks_jv sk = ks_json_first(d, root); sk != KS_JV_NONE; sk = ks_json_next(d, sk)) {
            ks_str section = ks_json_str(d, sk);
            ks_jv sec = ks_json_member_value(d, sk);
            if (ks_json_type_of(d, sec) != KS_JSON_OBJECT)
                continue;
            for (ks_jv ek = ks_json_first(d, sec); ek != KS_JV_NONE && rows < CC_MAX_ROWS;
                 ek = ks_json_next(d, ek), rows++) {
                ks_jv e = ks_json_member_value(d, ek);
                row_begin(&r);
                row_set(&r, C_PROFILE, section);
                ks_str ct = ks_json_get_str(d, e, "credential_type");
                row_set(&r, C_TYPE, ct.p ? ct : ks_json_get_str(d, e, "authority_type"));
                ks_str cid = ks_json_get_str(d, e, "client_id");
                row_set(&r, C_KEY_ID, cid.p ? cid : ks_json_get_str(d, e, "local_account_id"));
                ks_str un = ks_json_get_str(d, e, "username");
                row_set(&r, C_ACCOUNT, un.p ? un : ks_json_get_str(d, e, "home_account_id"));
                row_set(&r, C_TENANT, ks_json_get_str(d, e, "realm"));
                ks_str sec_v = ks_json_get_str(d, e, "secret");
                if (ks_str_eq(section, "RefreshToken"))
                    row_set_masked(&r, C_SESSION_TOKEN, sec_v);
                else
                    row_set_masked(&r, C_SECRET, sec_v);
                ks_str ca = ks_json_get_str(d, e, "cached_at");
                int64_t t;
                if (ca.p && ks_time_parse_epoch(ca.p, ca.n, KS_NS_PER_SEC, &t) == 0)
                    r.time = t;
                json_extra(&r, d, e, skip);
                if ((rc = emit(ctx, kind, &r, err)))
                    goto done;
            }
        }
    } else {
        static const char *const skip[] = {"client_id", "client_secret", "refresh_token",
                                           "private_key", "private_key_id", "client_email",
                                           "account", "type", "project_id", "quota_project_id",
                                           NULL};
        row_begin(&r);
        row_set(&r, C_TYPE, ks_json_get_str(d, root, "type"));
        ks_str pkid = ks_json_get_str(d, root, "private_key_id");
        row_set(&r, C_KEY_ID, pkid.p ? pkid : ks_json_get_str(d, root, "client_id"));
        ks_str em = ks_json_get_str(d, root, "client_email");
        row_set(&r, C_ACCOUNT, em.p ? em : ks_json_get_str(d, root, "account"));
        ks_str pj = ks_json_get_str(d, root, "project_id");
        row_set(&r, C_TENANT, pj.p ? pj : ks_json_get_str(d, root, "quota_project_id"));
        ks_str pk = ks_json_get_str(d, root, "private_key");
        row_set_masked(&r, C_SECRET, pk.p ? pk : ks_json_get_str(d, root, "client_secret"));
        row_set_masked(&r, C_SESSION_TOKEN, ks_json_get_str(d, root, "refresh_token"));
        if (pkid.p) {
            ks_str ci = ks_json_get_str(d, root, "client_id");
            if (ci.p)
                extra_add(&r, KS_STR_LIT("client_id"), ci);
        }
        json_extra(&r, d, root, skip);
        rc = emit(ctx, kind, &r, err);
    }
done:
    ks_json_doc_free(d);
    ks_buf_free(&all);
    ks_buf_free(&r.text);
    ks_buf_free(&r.extra);
    return rc;
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    cc_kind kind = path_kind(ctx->path);
    const char *o = ks_parse_opt(ctx->opts, "credential-kind");
    if (o)
        for (int i = 0; i < K_NONE; i++)
            if (!strcmp(o, kind_names[i]))
                kind = (cc_kind)i;
    if (kind == K_NONE)
        kind = K_AWS_CRED;
    if (kind == K_GC_ADC || kind == K_AZ_PROFILE || kind == K_MSAL)
        return parse_json(ctx, kind, err);
    return parse_ini(ctx, kind, err);
}

const ks_parser ks_parser_cloud_credential = {
    "cloud_credential",
    "AWS ~/.aws/credentials+config, gcloud ADC and configurations, Azure azureProfile.json and "
    "msal_token_cache.json (secrets masked; --opt credential-kind=aws_config|...)",
    (const ks_table_def *const[]){&ks_table_cloud_credential, NULL},
    sniff,
    parse,
};
