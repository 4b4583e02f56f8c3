/* cmd_custody.c — `kanshiki custody SUBCOMMAND`: the chain-of-custody log of a case. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquire/custody.h"
#include "acquire/mhash.h"
#include "cli/cli_acq.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "core/escape.h"

static const ks_opt_spec opts[] = {
    {"item", 'i', "ID", "add/log/handover: evidence item name (add: default the file's base name)", false},
    {"action", 'a', "ACTION", "log: export, note, seal, transfer, ... (free word)", false},
    {"source", 0, "WHERE", "add/log: where the item came from", false},
    {"location", 0, "WHERE", "add/log/handover: where the item is kept now", false},
    {"to", 0, "PERSON", "handover: who receives the item", false},
    {"sha256", 0, "HEX", "log/handover: the item's SHA-256 when known", false},
    {"note", 'n', "TEXT", "free text for the entry", false},
    {"examiner", 'e', "NAME", "who acts (default $KANSHIKI_EXAMINER, else login name)", false},
    {"key", 'k', "FILE", "sign the entry with this Ed25519 key (default $KANSHIKI_KEY)", false},
    {"output", 'o', "FILE", "keygen: secret key file to create (FILE.pub gets the public key)", false},
    {"trusted-key", 't', "PUBFILE", "verify: accept signatures only from these public keys", true},
    {"require-signed", 0, NULL, "verify: every entry must be signed", false},
    {"expect-head", 0, "HASH", "verify: hash the last entry must have (detects removal at the end)", false},
    {"expect-count", 0, "N", "verify: number of entries the log must have", false},
    {"format", 'f', "FMT", "show: text (default) or jsonl (the verified lines as they are)", false},
};

static void put(const char *label, const char *s, size_t n)
{
    ks_buf b;
    ks_buf_init(&b, 1 << 20);
    if (ks_escape_term(&b, s, n) == 0)
        printf("%s%s\n", label, b.data ? b.data : "");
    ks_buf_free(&b);
}

static int append(const ks_opts *o, const char *case_dir, ks_custody_entry *e)
{
    char examiner[256];
    ks_err err;
    ks_err_clear(&err);
    ks_custody_examiner(ks_opt_str(o, "examiner"), examiner, sizeof examiner);
    e->examiner = examiner;
    if (!e->note)
        e->note = ks_opt_str(o, "note");
    if (ks_cli_custody_append(case_dir, e, ks_opt_str(o, "key"), &err)) {
        ks_cli_error(&err);
        return err.code == KS_ECORRUPT ? KS_EXIT_FAIL : ks_cli_exit_for(err.code);
    }
    printf("recorded: %s %s\n", e->action, e->item);
    return KS_EXIT_OK;
}

static int sub_add(const ks_opts *o)
{
    if (o->npos != 3) {
        ks_cli_errorf("custody add: usage: kanshiki custody add CASE PATH [--item ID] [--source WHERE]");
        return KS_EXIT_USAGE;
    }
    char examiner[256], sha[65];
    ks_custody_key key;
    ks_err err;
    ks_err_clear(&err);
    ks_custody_examiner(ks_opt_str(o, "examiner"), examiner, sizeof examiner);
    ks_custody_entry e;
    memset(&e, 0, sizeof e);
    e.item = ks_opt_str(o, "item");
    e.source = ks_opt_str(o, "source");
    e.location = ks_opt_str(o, "location");
    e.note = ks_opt_str(o, "note");
    e.examiner = examiner;
    const char *kp = ks_opt_str(o, "key");
    if (!kp || !*kp)
        kp = getenv("KANSHIKI_KEY");
    if (kp && *kp) {
        if (ks_custody_key_load(kp, &key, &err)) {
            ks_cli_error(&err);
            return KS_EXIT_USAGE;
        }
        e.key = &key;
    }
    int rc = ks_custody_register_file(o->pos[1], o->pos[2], &e, sha, &err);
    sodium_memzero(&key, sizeof key);
    if (rc) {
        ks_cli_error(&err);
        return rc == KS_ECORRUPT ? KS_EXIT_FAIL : ks_cli_exit_for(rc);
    }
    put("recorded: add ", e.item ? e.item : o->pos[2], strlen(e.item ? e.item : o->pos[2]));
    printf("sha256: %s\n", sha);
    return KS_EXIT_OK;
}

static int sub_log(const ks_opts *o, const char *action)
{
    if (o->npos != 2 || !ks_opt_str(o, "item") || !action) {
        ks_cli_errorf("custody %s: usage: kanshiki custody %s CASE --item ID%s", o->pos[0], o->pos[0],
                      action ? (strcmp(action, "handover") ? "" : " --to PERSON") : " --action ACTION");
        return KS_EXIT_USAGE;
    }
    const char *sha = ks_opt_str(o, "sha256");
    if (sha && (strlen(sha) != 64 || !ks_is_hex(sha, 64))) {
        ks_cli_errorf("custody: --sha256 needs 64 hex digits");
        return KS_EXIT_USAGE;
    }
    if (!strcmp(action, "handover") && !ks_opt_str(o, "to")) {
        ks_cli_errorf("custody handover: --to PERSON is required");
        return KS_EXIT_USAGE;
    }
    ks_custody_entry e;
    memset(&e, 0, sizeof e);
    e.action = action;
    e.item = ks_opt_str(o, "item");
    e.source = ks_opt_str(o, "source");
    e.location = ks_opt_str(o, "location");
    e.to = ks_opt_str(o, "to");
    e.sha256 = sha;
    return append(o, o->pos[1], &e);
}

static int load_trusted(const ks_opts *o, uint8_t (**out)[32], size_t *n)
{
    const char *const *files;
    size_t nf = ks_opt_all(o, "trusted-key", &files);
    *out = NULL;
    *n = 0;
    if (!nf)
        return 0;
    uint8_t(*keys)[32] = calloc(nf, sizeof *keys);
    if (!keys)
        return KS_EXIT_INTERNAL;
    for (size_t i = 0; i < nf; i++) {
        ks_err err;
        ks_err_clear(&err);
        if (ks_custody_pubkey_load(files[i], keys[i], &err)) {
            ks_cli_error(&err);
            free(keys);
            return KS_EXIT_USAGE;
        }
    }
    *out = keys;
    *n = nf;
    return 0;
}

typedef struct show_ctx {
    bool jsonl;
    ks_buf f;
} show_ctx;

static void show_field(show_ctx *c, ks_str line, const char *key, const char *label)
{
    if (ks_custody_field(line, key, &c->f) == 0 && c->f.len)
        put(label, c->f.data, c->f.len);
}

static int show_cb(void *ctx, size_t seq, ks_str line)
{
    show_ctx *c = ctx;
    if (c->jsonl) {
        put("", line.p, line.n);
        return 0;
    }
    ks_buf t, a, i;
    ks_buf_init(&t, 1 << 16);
    ks_buf_init(&a, 1 << 16);
    ks_buf_init(&i, 1 << 20);
    ks_custody_field(line, "time", &t);
    ks_custody_field(line, "action", &a);
    ks_custody_field(line, "item", &i);
    ks_buf head;
    ks_buf_init(&head, 1 << 21);
    /* every field comes from the log file, which may be hostile: all of it is escaped */
    ks_buf_printf(&head, "#%zu  ", seq);
    ks_escape_term(&head, t.data ? t.data : "", t.len);
    ks_buf_puts(&head, "  ");
    ks_escape_term(&head, a.data ? a.data : "", a.len);
    ks_buf_puts(&head, "  ");
    ks_escape_term(&head, i.data ? i.data : "", i.len);
    printf("%s\n", head.data ? head.data : "");
    ks_buf_free(&head);
    ks_buf_free(&t);
    ks_buf_free(&a);
    ks_buf_free(&i);
    show_field(c, line, "examiner", "    person:    ");
    show_field(c, line, "host", "    host:      ");
    show_field(c, line, "to", "    to:        ");
    show_field(c, line, "source", "    from:      ");
    show_field(c, line, "location", "    location:  ");
    show_field(c, line, "size", "    size:      ");
    show_field(c, line, "status", "    status:    ");
    show_field(c, line, "md5", "    md5:       ");
    show_field(c, line, "sha1", "    sha1:      ");
    show_field(c, line, "sha256", "    sha256:    ");
    show_field(c, line, "note", "    note:      ");
    if (ks_custody_field(line, "sig", &c->f) == 0 && c->f.len) {
        show_field(c, line, "pubkey", "    signed by: ");
    }
    return 0;
}

static int sub_check(const ks_opts *o, bool show)
{
    if (o->npos != 2) {
        ks_cli_errorf("custody %s: usage: kanshiki custody %s CASE", show ? "show" : "verify",
                      show ? "show" : "verify");
        return KS_EXIT_USAGE;
    }
    ks_custody_verify_opts vo;
    memset(&vo, 0, sizeof vo);
    vo.expect_count = -1;
    uint8_t(*keys)[32] = NULL;
    size_t nkeys = 0;
    int ex = load_trusted(o, &keys, &nkeys);
    if (ex)
        return ex;
    vo.trusted = (const uint8_t(*)[32])keys;
    vo.ntrusted = nkeys;
    vo.require_signed = ks_opt_flag(o, "require-signed");
    vo.expect_head = ks_opt_str(o, "expect-head");
    int64_t cnt;
    if (ks_opt_str(o, "expect-count")) {
        if (ks_cli_int_opt(o, "expect-count", 0, INT64_MAX / 2, &cnt)) {
            free(keys);
            return KS_EXIT_USAGE;
        }
        vo.expect_count = cnt;
    }
    show_ctx sc;
    memset(&sc, 0, sizeof sc);
    ks_buf_init(&sc.f, 1 << 20);
    const char *fmt = ks_opt_str(o, "format");
    sc.jsonl = fmt && !strcmp(fmt, "jsonl");
    if (fmt && !sc.jsonl && strcmp(fmt, "text")) {
        ks_cli_errorf("custody show: --format is text or jsonl");
        free(keys);
        ks_buf_free(&sc.f);
        return KS_EXIT_USAGE;
    }
    ks_custody_report rep;
    ks_err err;
    ks_err_clear(&err);
    int rc = ks_custody_verify(o->pos[1], &vo, show ? show_cb : NULL, &sc, &rep, &err);
    free(keys);
    ks_buf_free(&sc.f);
    if (rc) {
        fflush(stdout);
        ks_cli_error(&err);
        if (rc == KS_ECORRUPT) {
            printf("custody log: TAMPERED or damaged (see the error)\n");
            return KS_EXIT_FAIL;
        }
        return ks_cli_exit_for(rc);
    }
    if (!show || !sc.jsonl)
        printf("custody log: intact, %zu entries (%zu signed), head %s\n", rep.entries,
               rep.signed_entries, rep.entries ? rep.head : "-");
    return KS_EXIT_OK;
}

static int sub_keygen(const ks_opts *o)
{
    const char *out = ks_opt_str(o, "output");
    if (!out || o->npos != 1) {
        ks_cli_errorf("custody keygen: usage: kanshiki custody keygen -o FILE");
        return KS_EXIT_USAGE;
    }
    ks_custody_key k;
    ks_err err;
    ks_err_clear(&err);
    int rc = ks_custody_keygen(&k, &err);
    if (!rc)
        rc = ks_custody_key_save(out, &k, &err);
    sodium_memzero(&k, sizeof k);
    if (rc) {
        ks_cli_error(&err);
        return rc == KS_EEXIST ? ks_cli_exit_for(rc) : KS_EXIT_INTERNAL;
    }
    put("secret key: ", out, strlen(out));
    printf("public key: %s.pub (give it to whoever verifies: --trusted-key)\n", out);
    return KS_EXIT_OK;
}

static int run(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        ks_cmd_print_help(argc < 2 ? stderr : stdout, &ks_cmd_custody);
        return argc < 2 ? KS_EXIT_USAGE : KS_EXIT_OK;
    }
    ks_opts o;
    int ex = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "custody");
    if (ex)
        return ex < 0 ? KS_EXIT_OK : ex;
    const char *sub = o.npos ? o.pos[0] : "";
    if (!strcmp(sub, "add"))
        return sub_add(&o);
    if (!strcmp(sub, "log"))
        return sub_log(&o, ks_opt_str(&o, "action"));
    if (!strcmp(sub, "handover"))
        return sub_log(&o, "handover");
    if (!strcmp(sub, "show"))
        return sub_check(&o, true);
    if (!strcmp(sub, "verify"))
        return sub_check(&o, false);
    if (!strcmp(sub, "keygen"))
        return sub_keygen(&o);
    ks_cli_errorf("custody: unknown subcommand '%s' (add, log, handover, show, verify, keygen)", sub);
    return KS_EXIT_USAGE;
}

const ks_cmd ks_cmd_custody = {
    "custody", run, "chain of custody: register evidence, record actions, show and verify the log",
    "add CASE PATH | log CASE --item ID --action A | handover CASE --item ID --to P |\n"
    "       show CASE | verify CASE | keygen -o FILE",
    "Each case directory keeps an append-only, hash-chained log CASE/custody.jsonl; acquire\n"
    "--case and verify --case add to it. Entries can be signed with the examiner's Ed25519 key\n"
    "(--key FILE or $KANSHIKI_KEY; create one with 'custody keygen'). 'custody verify' detects\n"
    "an edited, inserted, removed or reordered entry and a truncated file, and names the entry;\n"
    "it prints the head hash and count: keep them, --expect-head/--expect-count then also catch\n"
    "entries removed from the end. 'custody show' prints item, date and time (UTC), person,\n"
    "action, location and hashes of every entry. Exit: 0 intact, 1 tampered, 3 no log.",
    opts, sizeof opts / sizeof opts[0]};
