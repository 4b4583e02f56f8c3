/* authorized_keys.c — OpenSSH authorized_keys files into `events` and `ssh_authorized_key`.
 *
 * sshd(8) AUTHORIZED_KEYS FILE FORMAT: "[options] keytype base64-key [comment]"; options
 * are comma-separated, may hold double-quoted values with spaces (command="...",
 * from="...", environment="..."), and are present when the first field is not a key type.
 * The fingerprint is what `ssh-keygen -lf` prints: "SHA256:" + base64 (no padding) of the
 * SHA-256 of the decoded key blob. The key type named inside the blob must match the
 * one in the line; a mismatch or undecodable base64 makes the line an error record.
 * Keys have no time of their own: the file's mtime ("file modified").
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/io.h"
#include "core/time.h"
#include "parsers/host/hostcfg.h"
#include "parsers/sniff.h"

#define AK_MAX_LINE ((size_t)1 << 20)

enum { C_USER, C_KEY_TYPE, C_FINGERPRINT, C_COMMENT, C_OPTIONS, C_COMMAND, C_FROM, C_KEY, C_NCOLS };

static const ks_column cols[C_NCOLS] = {
    [C_USER] = {"user", KS_COL_TEXT, "account whose file it is (from the home directory in the path)"},
    [C_KEY_TYPE] = {"key_type", KS_COL_TEXT, "ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, sk-..., ...-cert-v01@openssh.com"},
    [C_FINGERPRINT] = {"fingerprint", KS_COL_TEXT, "SHA256:... as printed by ssh-keygen -lf"},
    [C_COMMENT] = {"comment", KS_COL_TEXT, "comment after the key (often user@host)"},
    [C_OPTIONS] = {"options", KS_COL_TEXT, "the options field as written (command=, from=, no-pty, restrict...)"},
    [C_COMMAND] = {"forced_command", KS_COL_TEXT, "value of command=\"...\" (a forced command)"},
    [C_FROM] = {"from_hosts", KS_COL_TEXT, "value of from=\"...\" (allowed source patterns)"},
    [C_KEY] = {"key", KS_COL_TEXT, "the public key (base64), a searchable entity"},
};

const ks_table_def ks_table_ssh_authorized_key = {
    "ssh_authorized_key", "OpenSSH authorized_keys entries with their SHA-256 fingerprints", cols,
    C_NCOLS};

static bool key_type(ks_str t)
{
    static const char *const types[] = {"ssh-rsa", "ssh-dss", "ssh-ed25519", "ssh-ed448",
                                        "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                                        "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
                                        "sk-ecdsa-sha2-nistp256@openssh.com", NULL};
    for (const char *const *p = types; *p; p++)
        if (ks_str_eq(t, *p))
            return true;
    /* certificates: "<type>-cert-v01@openssh.com" */
    return t.n > 21 && t.n < 64 && !memcmp(t.p + t.n - 21, "-cert-v01@openssh.com", 21);
}

static int b64v(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Strict base64 (padding optional) into out (size >= n*3/4+3). -1 on bad input. */
static int b64_decode(const char *p, size_t n, uint8_t *out, size_t *out_n)
{
    while (n && p[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return -1;
    uint32_t acc = 0;
    int bits = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64v((unsigned char)p[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    *out_n = k;
    return 0;
}

/* "SHA256:..." of the blob into out[64]. */
static int fingerprint(const uint8_t *blob, size_t n, char *out)
{
    unsigned char md[32];
    unsigned int mdn = 0;
    if (!EVP_Digest(blob, n, md, &mdn, EVP_sha256(), NULL) || mdn != 32)
        return -1;
    unsigned char b64[48];
    int bn = EVP_EncodeBlock(b64, md, 32); /* 44 chars with one '=' */
    while (bn > 0 && b64[bn - 1] == '=')
        bn--;
    memcpy(out, "SHA256:", 7);
    memcpy(out + 7, b64, (size_t)bn);
    out[7 + bn] = '\0';
    return 0;
}

/* The value of option `name="..."` inside opts (quotes removed; escapes kept). */
static ks_str opt_value(ks_str opts, const char *name)
{
    size_t k = strlen(name);
    size_t i = 0;
    while (i < opts.n) {
        size_t b = i;
        bool q = false;
        while (i < opts.n && (q || opts.p[i] != ',')) {
            if (opts.p[i] == '\\' && q && i + 1 < opts.n)
                i++;
            else if (opts.p[i] == '"')
                q = !q;
            i++;
        }
        ks_str o = {opts.p + b, i - b};
        if (o.n > k + 1 && !strncasecmp(o.p, name, k) && o.p[k] == '=') {
            ks_str v = {o.p + k + 1, o.n - k - 1};
            if (v.n >= 2 && v.p[0] == '"' && v.p[v.n - 1] == '"')
                v = (ks_str){v.p + 1, v.n - 2};
            return v;
        }
        i++;
    }
    return KS_STR_NULL;
}

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (!ks_hc_text(head, n))
        return 0;
    const char *b = ks_hc_base(name);
    if (!strcmp(b, "authorized_keys") || !strcmp(b, "authorized_keys2"))
        return 85;
    static const char *const starts[] = {"ssh-rsa AAAA", "ssh-ed25519 AAAA", "ecdsa-sha2-nistp",
                                         "ssh-dss AAAA", "sk-ssh-ed25519@openssh.com AAAA", NULL};
    int c = ks_sniff_first_char(head, n);
    if (c < 0)
        return 0;
    for (const char *const *s = starts; *s; s++)
        if (n >= strlen(*s) && !memcmp(head, *s, strlen(*s)))
            return 60;
    return 0;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

static const char *parse_line(ks_str l, ks_str *opts, ks_str *type, ks_str *key, ks_str *comment)
{
    size_t i = 0;
    size_t b = 0;
    while (i < l.n && !blank(l.p[i]))
        i++;
    *opts = KS_STR_NULL;
    ks_str first = {l.p, i};
    if (!key_type(first)) {
        /* options: up to the first blank outside double quotes */
        bool q = false;
        i = 0;
        while (i < l.n && (q || !blank(l.p[i]))) {
            if (l.p[i] == '\\' && q && i + 1 < l.n)
                i++;
            else if (l.p[i] == '"')
                q = !q;
            i++;
        }
        if (q)
            return "unterminated quote in options";
        *opts = (ks_str){l.p, i};
        while (i < l.n && blank(l.p[i]))
            i++;
        b = i;
        while (i < l.n && !blank(l.p[i]))
            i++;
        first = (ks_str){l.p + b, i - b};
        if (!key_type(first))
            return "no known key type";
    }
    *type = first;
    while (i < l.n && blank(l.p[i]))
        i++;
    b = i;
    while (i < l.n && !blank(l.p[i]))
        i++;
    *key = (ks_str){l.p + b, i - b};
    if (!key->n)
        return "key type without a key";
    while (i < l.n && blank(l.p[i]))
        i++;
    *comment = i < l.n ? (ks_str){l.p + i, l.n - i} : KS_STR_NULL;
    return NULL;
}

typedef struct ak_loop {
    ks_parse_ctx *ctx;
    uint8_t *blob; /* a key decoded */
    ks_str user;   /* the home directory's owner */
} ak_loop;

static int on_line(void *arg, const ks_line *ln, ks_str l, ks_err *err)
{
    ak_loop *k = arg;
    ks_parse_ctx *ctx = k->ctx;
    uint8_t *blob = k->blob;
    ks_str user = k->user;
    ks_str opts, type, key, comment;
    const char *why = ln->too_long ? "line longer than 1 MiB" : parse_line(l, &opts, &type, &key, &comment);
    size_t bn = 0;
    char fp[64];
    if (!why && b64_decode(key.p, key.n, blob, &bn))
        why = "key is not base64";
    if (!why) {
        /* RFC 4253 6.6: the blob starts with the key type as an SSH string */
        uint32_t tl = bn >= 4 ? ((uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
                                 (uint32_t)blob[2] << 8 | blob[3])
                              : UINT32_MAX;
        if (!ks_fits(4, tl, bn) || tl != type.n || memcmp(blob + 4, type.p, tl))
            why = "key blob does not name the key type of the line";
    }
    if (!why && fingerprint(blob, bn, fp))
        why = "SHA-256 failed";
    if (why)
        return ks_sink_error(ctx->sink, ln->lineno, ln->offset, why, ln->p, ln->n, err);
    ks_val v[C_NCOLS];
    v[C_USER] = ks_v_text(user);
    v[C_KEY_TYPE] = ks_v_text(type);
    v[C_FINGERPRINT] = ks_v_text(ks_str_c(fp));
    v[C_COMMENT] = ks_v_text(comment);
    v[C_OPTIONS] = ks_v_text(opts);
    v[C_COMMAND] = ks_v_text(opt_value(opts, "command"));
    v[C_FROM] = ks_v_text(opt_value(opts, "from"));
    v[C_KEY] = ks_v_text(key);
    ks_event ev;
    ks_hc_event_init(&ev, ctx, ln->lineno, ln->offset);
    ev.actor = user;
    ev.action = KS_STR_LIT("ssh_authorized_key");
    ev.target = ks_str_c(fp);
    ev.message = comment;
    ev.raw = (ks_str){ln->p, ln->n};
    return ks_sink_event(ctx->sink, &ev, &ks_table_ssh_authorized_key, v, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    ak_loop k = {ctx, malloc(AK_MAX_LINE / 4 * 3 + 8), ks_hc_home_user(ctx->path)};
    if (!k.blob)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    int rc = ks_hc_each_line(ctx, AK_MAX_LINE, "#", on_line, &k, err);
    free(k.blob);
    return rc;
}

const ks_parser ks_parser_ssh_authorized_key = {
    "ssh_authorized_key",
    "OpenSSH authorized_keys (options, key type, comment, SHA256 fingerprint as ssh-keygen -lf)",
    (const ks_table_def *const[]){&ks_table_ssh_authorized_key, NULL},
    sniff,
    parse,
};
