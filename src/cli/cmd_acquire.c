/* cmd_acquire.c — `kanshiki acquire SOURCE -o IMAGE`: image a device, file, stdin or a remote
 * disk over ssh, hashing in the same pass, and leave a manifest and a hash file beside it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "acquire/acquire.h"
#include "acquire/custody.h"
#include "acquire/manifest.h"
#include "acquire/remote.h"
#include "cli/cli_acq.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "core/escape.h"

static const ks_opt_spec opts[] = {
    {"output", 'o', "IMAGE", "image to write (never overwritten)", false},
    {"format", 'f', "FMT", "raw (default), zstd (seekable, .zst) or e01; guessed from IMAGE's extension", false},
    {"split", 0, "SIZE", "raw/e01: at most SIZE bytes per file (IMAGE.001, .002, ...); K/M/G/T suffixes", false},
    {"level", 0, "N", "zstd compression level (default 3)", false},
    {"zstd-frame", 0, "SIZE", "zstd: decompressed bytes per seekable frame (default 1M)", false},
    {"size", 0, "SIZE", "expected source size (for stdin or pipes: less is recorded as incomplete)", false},
    {"chunk-size", 0, "SIZE", "per-chunk SHA-256 granularity recorded in the manifest (default 64M)", false},
    {"retries", 0, "N", "re-reads of a failing block before going sector by sector (default 2)", false},
    {"sector-size", 0, "N", "granularity of zero-filled bad ranges (default 512)", false},
    {"examiner", 'e', "NAME", "who performs the acquisition (default $KANSHIKI_EXAMINER, else login name)", false},
    {"case", 'c', "DIR", "record the acquisition in this case's custody log", false},
    {"item", 0, "ID", "evidence item name for the custody log (default: IMAGE's base name)", false},
    {"note", 0, "TEXT", "free text kept in the manifest and custody entry", false},
    {"key", 0, "FILE", "sign the custody entry with this Ed25519 key (default $KANSHIKI_KEY)", false},
    {"ssh", 0, "PROGRAM", "ssh client to run for ssh:// sources (default ssh)", false},
    {"sudo", 0, NULL, "ssh:// sources: read the remote device through sudo -n", false},
    {"no-sync", 0, NULL, "do not fsync the image (benchmarks only)", false},
    {"quiet", 'q', NULL, "no progress display", false},
};

typedef struct progress {
    bool on;
    struct timespec t0, last;
} progress;

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void human(double v, char *out, size_t n)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    snprintf(out, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    progress *p = ctx;
    if (!p->on)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (since(&p->last, &now) < 0.5 && !(total && done >= total))
        return;
    p->last = now;
    double el = since(&p->t0, &now);
    double rate = el > 0 ? (double)done / el : 0;
    char d[32], t[32], r[32];
    human((double)done, d, sizeof d);
    human(rate, r, sizeof r);
    if (total) {
        human((double)total, t, sizeof t);
        double eta = rate > 0 ? (double)(total - done) / rate : 0;
        fprintf(stderr, "\r%s / %s (%.1f%%)  %s/s  ETA %d:%02d:%02d   ", d, t,
                100.0 * (double)done / (double)total, r, (int)(eta / 3600), (int)eta / 60 % 60,
                (int)eta % 60);
    } else {
        fprintf(stderr, "\r%s  %s/s   ", d, r);
    }
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcasecmp(s + a - b, suf);
}

static void print_escaped(FILE *f, const char *label, const char *s)
{
    ks_buf b;
    ks_buf_init(&b, 1 << 16);
    if (ks_escape_term(&b, s, strlen(s)) == 0)
        fprintf(f, "%s%s\n", label, b.data ? b.data : "");
    ks_buf_free(&b);
}

static int run(int argc, char **argv)
{
    ks_opts o;
    int ex = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "acquire");
    if (ex)
        return ex < 0 ? KS_EXIT_OK : ex;
    if (o.npos != 1 || !ks_opt_str(&o, "output")) {
        ks_cli_errorf("acquire: usage: kanshiki acquire SOURCE -o IMAGE (see 'kanshiki help acquire')");
        return KS_EXIT_USAGE;
    }
    const char *source = o.pos[0];
    const char *image = ks_opt_str(&o, "output");
    int rc = 0, exit_code = KS_EXIT_OK;
    ks_err err;
    ks_acq_result res;
    ks_remote *remote = NULL;
    char *mpath = NULL, *hpath = NULL;
    ks_err_clear(&err);
    memset(&res, 0, sizeof res);

    ks_acq_opts ao;
    memset(&ao, 0, sizeof ao);
    ao.source = source;
    ao.source_fd = -1;
    ao.out.path = image;
    ao.out.sync = !ks_opt_flag(&o, "no-sync");
    const char *fmt = ks_opt_str(&o, "format");
    if (!fmt)
        fmt = ends_with(image, ".zst") ? "zstd" : ends_with(image, ".e01") ? "e01" : "raw";
    if (!strcmp(fmt, "raw"))
        ao.out.format = KS_IMG_RAW;
    else if (!strcmp(fmt, "zstd"))
        ao.out.format = KS_IMG_ZSTD;
    else if (!strcasecmp(fmt, "e01") || !strcmp(fmt, "ewf"))
        ao.out.format = KS_IMG_EWF;
    else {
        ks_cli_errorf("acquire: unknown --format '%s' (raw, zstd, e01)", fmt);
        return KS_EXIT_USAGE;
    }
    uint64_t v;
    int64_t lv;
    if (ks_cli_size_opt(&o, "split", &ao.out.split_size) || ks_cli_size_opt(&o, "size", &ao.expect_size) ||
        ks_cli_size_opt(&o, "chunk-size", &ao.chunk_size))
        return KS_EXIT_USAGE;
    if (ks_opt_str(&o, "zstd-frame")) {
        if (ks_cli_size_opt(&o, "zstd-frame", &v) || v > UINT32_MAX) {
            ks_cli_errorf("acquire: bad --zstd-frame");
            return KS_EXIT_USAGE;
        }
        ao.out.zstd_frame = (uint32_t)v;
    }
    if (ks_opt_str(&o, "level")) {
        if (ks_cli_int_opt(&o, "level", -7, 22, &lv))
            return KS_EXIT_USAGE;
        ao.out.zstd_level = (int)lv;
    }
    ao.retries = 2;
    if (ks_opt_str(&o, "retries")) {
        if (ks_cli_int_opt(&o, "retries", 0, 100, &lv))
            return KS_EXIT_USAGE;
        ao.retries = (unsigned)lv;
    }
    if (ks_opt_str(&o, "sector-size")) {
        if (ks_cli_int_opt(&o, "sector-size", 1, 1 << 20, &lv))
            return KS_EXIT_USAGE;
        ao.sector_size = (uint32_t)lv;
    }
    char examiner[256], host[256];
    ks_custody_examiner(ks_opt_str(&o, "examiner"), examiner, sizeof examiner);
    ks_custody_host(host, sizeof host);
    ao.out.examiner = examiner;
    ao.out.notes = ks_opt_str(&o, "note");
    const char *case_dir = ks_opt_str(&o, "case");
    ao.out.case_number = case_dir;

    progress pr;
    memset(&pr, 0, sizeof pr);
    pr.on = ks_cli_tty() && !ks_opt_flag(&o, "quiet");
    clock_gettime(CLOCK_MONOTONIC, &pr.t0);
    ao.progress = on_progress;
    ao.progress_ctx = &pr;

    /* The manifest exists from the start ("in-progress"), so an interrupted acquisition
     * leaves a marked image, and it reserves room for the final record on a full disk. */
    ks_buf p;
    ks_buf_init(&p, 1 << 16);
    ks_buf_printf(&p, "%s%s", image, KS_MANIFEST_SUFFIX);
    mpath = ks_buf_detach(&p, NULL);
    ks_buf_printf(&p, "%s%s", image, KS_HASHFILE_SUFFIX);
    hpath = ks_buf_detach(&p, NULL);
    if (!mpath || !hpath) {
        ks_cli_errorf("acquire: out of memory");
        return KS_EXIT_INTERNAL;
    }
    if (access(hpath, F_OK) == 0) {
        ks_cli_errorf("acquire: %s exists (kanshiki never overwrites; remove it or pick another name)", hpath);
        free(mpath);
        free(hpath);
        return KS_EXIT_USAGE;
    }
    {
        ks_acq_result r0;
        memset(&r0, 0, sizeof r0);
        r0.start_ns = ks_acq_now();
        ks_manifest_info m0 = {.res = &r0, .source = source};
        if ((rc = ks_manifest_begin(mpath, &m0, &err)) != 0) {
            ks_cli_error(&err);
            free(mpath);
            free(hpath);
            return rc == KS_EEXIST ? ks_cli_exit_for(rc) : KS_EXIT_INTERNAL;
        }
    }
    bool manifest_started = true;

    if (!strncmp(source, "ssh://", 6)) {
        ks_remote_opts ro = {.url = source,
                             .ssh = ks_opt_str(&o, "ssh"),
                             .sudo = ks_opt_flag(&o, "sudo")};
        if ((rc = ks_remote_start(&remote, &ro, &err)) != 0) {
            ks_cli_error(&err);
            exit_code = rc == KS_EUSAGE ? KS_EXIT_USAGE : KS_EXIT_INPUT;
            goto done;
        }
        ao.source_fd = ks_remote_fd(remote);
        ao.source_kind = "ssh";
        if (!ao.expect_size)
            ao.expect_size = ks_remote_size(remote);
        ao.source_end = ks_remote_finish_cb;
        ao.source_end_ctx = remote;
    }

    /* Ctrl-C / SIGTERM: stop after the current block and record what was imaged. */
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    ao.stop = &stop_flag;
    rc = ks_acquire(&ao, &res, &err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (pr.on)
        fputc('\n', stderr);
    if (remote) {
        ks_remote_free(remote);
        remote = NULL;
    }
    if (rc && !res.nfiles) {
        ks_cli_error(&err);
        unlink(mpath); /* nothing was imaged: the in-progress manifest we made goes */
        manifest_started = false;
        exit_code = ks_cli_exit_for(rc);
        goto done;
    }
    if (rc)
        ks_cli_error(&err);
    for (size_t i = 0; i < res.nbad; i++)
        ks_cli_warnf("bad range at offset %llu, %llu bytes: zero-filled in the image",
                     (unsigned long long)res.bad[i].off, (unsigned long long)res.bad[i].len);

    /* the final manifest and the hash file */
    char version[64];
    snprintf(version, sizeof version, "%s (%s)", KS_VERSION, KS_GIT_REV);
    ks_manifest_info mi = {.res = &res,
                           .source = source,
                           .image = image,
                           .format = ao.out.format,
                           .split_size = ao.out.split_size,
                           .zstd_level = ao.out.zstd_level,
                           .operator_name = examiner,
                           .host = host,
                           .tool_version = version,
                           .case_dir = case_dir,
                           .note = ks_opt_str(&o, "note"),
                           .argc = argc,
                           .argv = argv};
    mi.argv = argv - 1; /* include the program name and command */
    mi.argc = argc + 1;
    ks_err merr;
    ks_err_clear(&merr);
    if (ks_manifest_write(mpath, &mi, &merr)) {
        ks_cli_error(&merr);
        exit_code = KS_EXIT_INTERNAL;
    }
    if (res.state != KS_ACQ_OUTPUT_FAILED) {
        ks_err_clear(&merr);
        if (ks_hashfile_write(hpath, image, &res, &merr)) {
            ks_cli_error(&merr);
            exit_code = KS_EXIT_INTERNAL;
        }
    }
    if (case_dir) {
        char where[4096];
        ks_custody_entry ce;
        memset(&ce, 0, sizeof ce);
        const char *item = ks_opt_str(&o, "item");
        const char *bn = strrchr(image, '/');
        ce.action = "acquire";
        ce.item = item ? item : (bn ? bn + 1 : image);
        ce.source = source;
        ks_cli_abspath(image, where, sizeof where);
        ce.location = where;
        ce.md5 = res.state != KS_ACQ_OUTPUT_FAILED ? res.md5 : NULL;
        ce.sha1 = res.state != KS_ACQ_OUTPUT_FAILED ? res.sha1 : NULL;
        ce.sha256 = res.state != KS_ACQ_OUTPUT_FAILED ? res.sha256 : NULL;
        ce.size = (int64_t)res.bytes;
        ce.has_size = true;
        ce.status = ks_acq_state_name(res.state);
        ce.note = ks_opt_str(&o, "note");
        ce.examiner = examiner;
        ce.host = host;
        ks_err_clear(&merr);
        if (ks_cli_custody_append(case_dir, &ce, ks_opt_str(&o, "key"), &merr)) {
            ks_cli_error(&merr);
            exit_code = KS_EXIT_INTERNAL;
        }
    }

    printf("status: %s\n", ks_acq_state_name(res.state));
    printf("bytes: %llu\n", (unsigned long long)res.bytes);
    if (res.size_known)
        printf("source size: %llu\n", (unsigned long long)res.source_size);
    if (res.state != KS_ACQ_OUTPUT_FAILED) {
        printf("md5: %s\nsha1: %s\nsha256: %s\n", res.md5, res.sha1, res.sha256);
    } else {
        printf("bytes written: %llu\n", (unsigned long long)res.written);
    }
    printf("bad ranges: %zu\n", res.nbad);
    for (size_t i = 0; i < res.nfiles; i++)
        print_escaped(stdout, "image file: ", res.files[i]);
    print_escaped(stdout, "manifest: ", mpath);
    if (res.state != KS_ACQ_OUTPUT_FAILED)
        print_escaped(stdout, "hash file: ", hpath);
    double secs = (double)(res.end_ns - res.start_ns) / 1e9;
    if (secs > 0) {
        char r[32];
        human((double)res.bytes / secs, r, sizeof r);
        printf("time: %.2f s (%s/s)\n", secs, r);
    }
    if (exit_code == KS_EXIT_OK) {
        if (res.state == KS_ACQ_INCOMPLETE)
            exit_code = KS_EXIT_INPUT;
        else if (res.state == KS_ACQ_OUTPUT_FAILED)
            exit_code = KS_EXIT_INTERNAL;
        else if (res.nbad)
            exit_code = KS_EXIT_INPUT;
    }
done:
    if (manifest_started && exit_code != KS_EXIT_OK && !res.nfiles)
        unlink(mpath);
    ks_remote_free(remote);
    ks_acq_result_free(&res);
    free(mpath);
    free(hpath);
    return exit_code;
}

const ks_cmd ks_cmd_acquire = {
    "acquire", run, "image a disk, file, stdin or ssh:// source with MD5/SHA-1/SHA-256 and a manifest",
    "SOURCE -o IMAGE [options]",
    "SOURCE is a block device, a file, '-' for standard input (e.g. an ssh pipe), or\n"
    "ssh://[user@]host[:port]/dev/xvda (runs the system ssh client; the remote read is\n"
    "compressed with zstd or gzip when the remote has them). The source is opened read-only.\n"
    "MD5, SHA-1 and SHA-256 are computed in the same pass as the copy, plus a SHA-256 per\n"
    "chunk so that 'kanshiki verify' can name the damaged range of a tampered image.\n"
    "Writes IMAGE (or IMAGE.001... with --split), IMAGE.manifest.json and IMAGE.hashes.\n"
    "Unreadable sectors of a device are retried, zero-filled and recorded as bad ranges.\n"
    "Exit: 0 complete; 3 source ended early/failed or bad ranges (the manifest says\n"
    "\"incomplete\" with the bytes received); 4 the output could not be written (disk full:\n"
    "the manifest says \"output-failed\"); 2 usage.",
    opts, sizeof opts / sizeof opts[0]};
