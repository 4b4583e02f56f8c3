/* cmd_verify.c — `kanshiki verify IMAGE|MANIFEST|HASHFILE`: re-hash and compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquire/custody.h"
#include "acquire/verify.h"
#include "cli/cli_acq.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "core/escape.h"

static const ks_opt_spec opts[] = {
    {"case", 'c', "DIR", "record the verification in this case's custody log", false},
    {"item", 0, "ID", "evidence item name for the custody log (default: the image's base name)", false},
    {"examiner", 'e', "NAME", "who verifies (default $KANSHIKI_EXAMINER, else login name)", false},
    {"note", 0, "TEXT", "free text for the custody entry", false},
    {"key", 0, "FILE", "sign the custody entry with this Ed25519 key (default $KANSHIKI_KEY)", false},
    {"quiet", 'q', NULL, "print only failures and the result line", false},
};

static void put(const char *label, const char *s)
{
    ks_buf b;
    ks_buf_init(&b, 1 << 16);
    if (ks_escape_term(&b, s, strlen(s)) == 0)
        printf("%s%s\n", label, b.data ? b.data : "");
    ks_buf_free(&b);
}

static int run(int argc, char **argv)
{
    ks_opts o;
    int ex = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "verify");
    if (ex)
        return ex < 0 ? KS_EXIT_OK : ex;
    if (o.npos != 1) {
        ks_cli_errorf("verify: usage: kanshiki verify IMAGE|MANIFEST|HASHFILE");
        return KS_EXIT_USAGE;
    }
    bool quiet = ks_opt_flag(&o, "quiet");
    ks_err err;
    ks_verify_report rep;
    ks_err_clear(&err);
    int rc = ks_verify(o.pos[0], &rep, &err);
    if (rc) {
        ks_cli_error(&err);
        return rc == KS_ENOTFOUND ? KS_EXIT_INPUT : ks_cli_exit_for(rc);
    }
    for (size_t i = 0; i < rep.n; i++) {
        const ks_verify_item *it = &rep.items[i];
        if (!quiet || !it->ok) {
            put("image: ", it->name);
            if (it->format)
                put("format: ", it->format); /* from the manifest: escaped */
        }
        if (it->unreadable) {
            put("error: ", it->error ? it->error : "unreadable");
            printf("result: UNREADABLE\n");
            continue;
        }
        if (!quiet || !it->ok) {
            printf("bytes: %llu", (unsigned long long)it->bytes);
            if (it->has_expect_bytes && it->bytes != it->expect_bytes)
                printf(" (expected %llu)", (unsigned long long)it->expect_bytes);
            printf("\n");
            for (int a = 0; a < KS_DALG_COUNT; a++) {
                if (!it->expect[a][0])
                    continue;
                bool same = !strcmp(it->expect[a], it->got[a]);
                printf("%-7s %s %s", ks_dalg_name((ks_dalg)a), same ? "ok      " : "MISMATCH", it->got[a]);
                if (!same)
                    printf(" (expected %s)", it->expect[a]);
                printf("\n");
            }
        }
        for (size_t k = 0; k < it->nbad && k < 20; k++) {
            uint64_t end = it->bad[k].off + it->bad[k].len;
            printf("%s differing range: bytes %llu..%llu (%llu bytes)\n", k ? "next" : "first",
                   (unsigned long long)it->bad[k].off, (unsigned long long)(end ? end - 1 : 0),
                   (unsigned long long)it->bad[k].len);
        }
        if (it->nbad > 20)
            printf("... %zu differing ranges in all\n", it->nbad);
        if (!it->ok && !it->nbad && !it->chunks_checked)
            printf("(no chunk hashes recorded: the differing range cannot be named)\n");
        if (it->partial)
            printf("note: the manifest records this acquisition as incomplete\n");
        if (!quiet || !it->ok)
            printf("result: %s\n", it->ok ? "OK" : "FAILED");
    }
    int exit_code = rep.unreadable ? KS_EXIT_INPUT : rep.failed ? KS_EXIT_FAIL : KS_EXIT_OK;
    printf("%zu checked, %zu ok, %zu failed, %zu unreadable\n", rep.n, rep.n - rep.failed - rep.unreadable,
           rep.failed, rep.unreadable);

    const char *case_dir = ks_opt_str(&o, "case");
    if (case_dir) {
        for (size_t i = 0; i < rep.n; i++) {
            const ks_verify_item *it = &rep.items[i];
            char examiner[256];
            ks_custody_examiner(ks_opt_str(&o, "examiner"), examiner, sizeof examiner);
            const char *item = ks_opt_str(&o, "item");
            const char *bn = strrchr(it->name, '/');
            ks_custody_entry ce;
            memset(&ce, 0, sizeof ce);
            ce.action = "verify";
            ce.item = item ? item : bn ? bn + 1 : it->name;
            char where[4096];
            ks_cli_abspath(it->name, where, sizeof where);
            ce.location = where;
            ce.md5 = it->got[KS_MD5];
            ce.sha1 = it->got[KS_SHA1];
            ce.sha256 = it->got[KS_SHA256];
            ce.size = (int64_t)it->bytes;
            ce.has_size = !it->unreadable;
            ce.status = it->unreadable ? "unreadable" : it->ok ? "ok" : "mismatch";
            ce.note = ks_opt_str(&o, "note");
            ce.examiner = examiner;
            ks_err_clear(&err);
            if (ks_cli_custody_append(case_dir, &ce, ks_opt_str(&o, "key"), &err)) {
                ks_cli_error(&err);
                exit_code = KS_EXIT_INTERNAL;
                break;
            }
        }
    }
    ks_verify_report_free(&rep);
    return exit_code;
}

const ks_cmd ks_cmd_verify = {
    "verify", run, "re-hash an image and compare with its manifest or a hash list",
    "IMAGE|MANIFEST|HASHFILE [--case DIR]",
    "IMAGE is checked against IMAGE.manifest.json (or IMAGE.hashes); a MANIFEST names its\n"
    "image files; a HASHFILE is md5sum/sha1sum/sha256sum output or BSD-style lines\n"
    "(\"SHA256 (NAME) = HEX\"), names relative to the list's directory. Split and zstd images\n"
    "are checked by content. When the manifest has per-chunk hashes, a mismatch names the\n"
    "differing byte ranges. Exit: 0 all match, 1 a mismatch, 3 an image could not be read.",
    opts, sizeof opts / sizeof opts[0]};
