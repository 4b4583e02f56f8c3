/* cmd_ingest.c — `kanshiki ingest CASE PATH...`: evidence -> parsers -> case store.
 *
 * For every member the walker yields: hash the on-disk file (recorded in the case; exact
 * duplicates are skipped), pick a parser (--format, else content sniffing), parse through
 * the store's sink, and account for it: records, records that failed to parse (kept as
 * error events), files skipped and why. The per-source summary is printed at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "acquire/custody.h"
#include "cli/ingest.h"
#include "fs/yara.h"
#include "core/prefetch.h"
#include "core/time.h"
#include "evidence/evidence.h"
#include "parsers/parser.h"
#include "store/store.h"

#define MAX_SOURCES 64

typedef struct src_count {
    const char *name;
    int64_t files, records, errors, skipped;
} src_count;

struct ks_ingest_stats {
    src_count src[MAX_SOURCES];
    size_t nsrc;
    int64_t files, duplicates, unrecognised, unreadable;
    bool input_problem;
    int64_t member_errors; /* error records of the current member */
    bool progress_line;    /* a progress line is on the terminal */
};

#define PREFETCH_MIN_SIZE (16 * 1024)
#define ERRORS_SHOWN_PER_FILE 5

/* Each record kept as an error is named on stderr (the first few per file). */
static void on_record_error(void *ctx, const char *path, int64_t line, int64_t offset,
                            const char *why)
{
    ks_ingest_stats *st = ctx;
    if (++st->member_errors > ERRORS_SHOWN_PER_FILE)
        return;
    if (st->progress_line) {
        fputs("\r\033[K", stderr);
    }
    ks_err e;
    ks_err_clear(&e);
    KS_ERR_AT(&e, KS_ECORRUPT, path, line, offset, "%s", why);
    ks_cli_error(&e);
}

/* Progress on a terminal: wraps the member's input to count bytes. */
struct ks_ingest_progress {
    bool on;
    ks_input *inner;
    uint64_t bytes_member, bytes_total;
    int64_t files;
    int64_t last_ns;
    const char *path;
};
typedef ks_ingest_progress progress;

static void progress_draw(progress *p, bool force)
{
    if (!p->on)
        return;
    int64_t now = ks_time_now();
    if (!force && now - p->last_ns < 200000000LL)
        return;
    p->last_ns = now;
    fprintf(stderr, "\r\033[K  ingesting: %lld files, %.1f MiB read", (long long)p->files,
            (double)p->bytes_total / (1024.0 * 1024.0));
    fflush(stderr);
}

static int progress_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    progress *p = ctx;
    int rc = p->inner->read(p->inner->ctx, buf, len, out_n, err);
    if (rc == 0) {
        p->bytes_member += *out_n;
        p->bytes_total += *out_n;
        progress_draw(p, false);
    }
    return rc;
}

static src_count *count_for(ks_ingest_stats *st, const char *name)
{
    for (size_t i = 0; i < st->nsrc; i++)
        if (!strcmp(st->src[i].name, name))
            return &st->src[i];
    if (st->nsrc >= MAX_SOURCES)
        return &st->src[MAX_SOURCES - 1];
    st->src[st->nsrc].name = name;
    return &st->src[st->nsrc++];
}

static void print_err_line(const char *prefix, const ks_err *e)
{
    ks_err copy = *e;
    char msg[KS_ERR_MSG_MAX + 64];
    snprintf(msg, sizeof msg, "%s%s", prefix, e->msg);
    snprintf(copy.msg, sizeof copy.msg, "%s", msg);
    ks_cli_error(&copy);
}

typedef struct hash_cache {
    char path[4096];
    char sha[65];
    int64_t size;
    bool registered; /* custody entry written for this disk file */
} hash_cache;

/* Chain of custody: every evidence file read into the case is registered once, with the
 * SHA-256 just computed (no second pass over the file). */
static void register_custody(ks_store *store, const ks_member *m, hash_cache *hc)
{
    if (hc->registered)
        return;
    hc->registered = true;
    char abs[4096];
    const char *loc = realpath(m->disk_path, abs) ? abs : m->disk_path;
    ks_custody_entry ce = {0};
    ce.action = "add";
    ce.item = m->inner_path ? m->disk_path : m->path;
    ce.source = loc;
    ce.location = loc;
    ce.sha256 = hc->sha;
    ce.size = hc->size;
    ce.has_size = true;
    ce.note = "ingested into the case (read-only)";
    ce.defer_sync = true; /* synced once when the ingest commits */
    ks_err e;
    ks_err_clear(&e);
    if (ks_custody_append(ks_store_dir(store), &ce, NULL, &e) != 0) {
        ks_err_locate(&e, ks_store_dir(store), -1, -1);
        ks_cli_warnf("custody log not updated: %s", e.msg);
    }
}

/* The on-disk file as an absolute path (the working directory before a relative one; links
 * are kept as given), so that a later run can read it again from anywhere (dump diffs). */
static const char *absolute_path(const char *p, char *buf, size_t cap)
{
    if (p[0] == '/' || !getcwd(buf, cap))
        return p;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    size_t n = strlen(buf);
    if (n + 1 + strlen(p) + 1 > cap)
        return p;
    snprintf(buf + n, cap - n, "%s%s", n && buf[n - 1] == '/' ? "" : "/", p);
    return buf;
}

static int ingest_member(ks_store *store, ks_member *m, const ks_ingest_opts *o,
                         hash_cache *hc, progress *prog, ks_ingest_stats *stats, ks_err *err)
{
    int rc = 0;
    ks_err e;
    ks_err_clear(&e);

    if (strcmp(hc->path, m->disk_path) != 0) {
        uint64_t size = 0;
        if (ks_evidence_hash(m->disk_path, hc->sha, &size, &e) != 0) {
            ks_cli_error(&e);
            stats->unreadable++;
            stats->input_problem = true;
            hc->path[0] = '\0';
            return 0;
        }
        hc->size = (int64_t)size;
        hc->registered = false;
        snprintf(hc->path, sizeof hc->path, "%s", m->disk_path);
    }
    char absdisk[4096];
    ks_evidence_info info = {m->path, absolute_path(m->disk_path, absdisk, sizeof absdisk),
                             m->inner_path, hc->sha, hc->size, m->compression};
    char *dup = NULL;
    if (ks_store_evidence_find(store, hc->sha, m->inner_path, &dup, &e) == 0) {
        if (!o->quiet)
            ks_cli_warnf("%s: already in the case (same SHA-256 as %s); skipped", m->path, dup);
        free(dup);
        stats->duplicates++;
        return 0;
    }

    /* A disk image is read with random access, not as a stream. */
    if (!o->format && !m->inner_path && !m->compression[0]) {
        int img = ks_ingest_image(store, &info, m->head, m->head_len, o, stats, err);
        if (img < 0)
            return img;
        if (img == 1)
            register_custody(store, m, hc);
        if (img == 2)
            stats->duplicates++;
        if (img)
            return 0;
    }
    register_custody(store, m, hc);
    struct stat sb;
    int64_t ref = KS_TIME_NONE;
    if (stat(m->disk_path, &sb) == 0)
        ref = (int64_t)sb.st_mtim.tv_sec * KS_NS_PER_SEC + sb.st_mtim.tv_nsec;
    rc = ks_ingest_stream(store, &info, &m->input, m->head, m->head_len, ref, o, prog, stats,
                          err);
    if (!rc)
        prog->files++;
    return rc;
}

int ks_ingest_stream(ks_store *store, const ks_evidence_info *info, ks_input *input,
                     const uint8_t *head, size_t head_len, int64_t ref, const ks_ingest_opts *o,
                     progress *prog, ks_ingest_stats *stats, ks_err *err)
{
    int rc = 0;
    ks_err e;
    ks_err_clear(&e);
    const ks_parser *p = NULL;
    if (o->format) {
        p = ks_parser_find(o->format);
    } else {
        int score = 0;
        p = ks_parser_sniff(head, head_len, info->path, &score);
    }
    if (!p) {
        char why[160];
        if (!head_len)
            snprintf(why, sizeof why, "empty file: no records");
        else
            snprintf(why, sizeof why, "format not recognised (use --format NAME to force one)");
        if ((rc = ks_store_evidence_skip(store, info, head_len ? "unrecognised" : "empty", why,
                                         err)))
            return rc;
        if (!o->quiet && !o->quiet_unrecognised)
            ks_cli_warnf("%s: %s; skipped", info->path, why);
        stats->unrecognised++;
        return 0;
    }
    for (const ks_table_def *const *t = p->tables; t && *t; t++)
        if ((rc = ks_store_declare(store, *t, err)))
            return rc;

    ks_sink *sink = NULL;
    if ((rc = ks_store_member_begin(store, info, p->name, &sink, err)))
        return rc;

    /* Decompression runs on a second thread, ahead of the parser; not worth a thread for
     * tiny files (a CloudTrail delivery is often 1 KiB), where starting it costs more. */
    ks_prefetch *pf = NULL;
    ks_input in = *input, pfin;
    if ((info->size < 0 || info->size >= PREFETCH_MIN_SIZE) &&
        ks_prefetch_new(&pf, input, 0, &pfin) == 0)
        in = pfin;
    ks_input counted = in;
    if (prog && prog->on) {
        prog->inner = &counted;
        prog->bytes_member = 0;
        prog->path = info->path;
        in.read = progress_read;
        in.ctx = prog;
    }
    ks_parse_ctx ctx = {&in, info->path, sink, &o->popts, ref};
    stats->member_errors = 0;
    int prc = p->parse(&ctx, &e);
    ks_prefetch_free(pf);
    if (stats->member_errors > ERRORS_SHOWN_PER_FILE)
        ks_cli_errorf("%s: %lld more records could not be parsed (kept as error events: "
                      "kanshiki query CASE \"SELECT line, offset, error FROM events WHERE error "
                      "IS NOT NULL\")",
                      info->path, (long long)(stats->member_errors - ERRORS_SHOWN_PER_FILE));
    const char *status = "parsed";
    char note[KS_ERR_MSG_MAX + 128] = "";
    if (prc == KS_EDB) {
        ks_store_member_end(store, sink, "failed", e.msg, NULL);
        *err = e;
        return prc;
    }
    if (prc) {
        ks_err_locate(&e, info->path, -1, -1);
        print_err_line("", &e);
        status = ks_sink_records(sink) || ks_sink_errors(sink) ? "partial" : "failed";
        ks_err_format(&e, note, sizeof note);
        stats->input_problem = true;
    }
    ks_ingest_account(stats, p->name, ks_sink_records(sink), ks_sink_errors(sink),
                      prc && !ks_sink_records(sink));
    if ((rc = ks_store_member_end(store, sink, status, note[0] ? note : NULL, err)))
        return rc;
    return 0;
}

void ks_ingest_account(ks_ingest_stats *stats, const char *source, int64_t records,
                       int64_t errors, bool skipped)
{
    src_count *c = count_for(stats, source);
    c->files++;
    c->records += records;
    c->errors += errors;
    if (errors)
        stats->input_problem = true;
    if (skipped)
        c->skipped++;
    stats->files++;
}

void ks_ingest_problem(ks_ingest_stats *stats)
{
    stats->input_problem = true;
}

static int max_id_row(void *ctx, int ncols, const char *const *names, const char *const *vals,
                      const size_t *lens, const char *types)
{
    if (vals && vals[0])
        *(int64_t *)ctx = strtoll(vals[0], NULL, 10);
    return 0;
}

int ks_ingest_run(ks_store *store, const char *const *paths, size_t npaths,
                  const ks_ingest_opts *o, ks_ingest_stats **out_stats, ks_err *err)
{
    int rc = 0;
    ks_walk *w = NULL;
    ks_ingest_stats *stats = calloc(1, sizeof *stats);
    hash_cache *hc = calloc(1, sizeof *hc);
    progress prog = {0};
    prog.on = !o->quiet && ks_cli_tty();

    if (!stats || !hc) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (o->format && !ks_parser_find(o->format)) {
        rc = KS_ERR(err, KS_EUSAGE, "unknown format '%s' (see 'kanshiki help formats')",
                    o->format);
        goto done;
    }
    stats->progress_line = prog.on;
    ks_store_set_error_hook(store, on_record_error, stats);
    int64_t first_evidence = 0;
    ks_store_query(store, "SELECT coalesce(max(id), 0) FROM evidence", NULL, 0, max_id_row,
                   &first_evidence, NULL);
    ks_walk_opts wo = {0};
    wo.follow_symlinks = o->follow_symlinks;
    if ((rc = ks_walk_new(&w, paths, npaths, &wo, err)))
        goto done;
    for (;;) {
        ks_member *m = NULL;
        ks_walk_skip skip = {0};
        ks_err e;
        ks_err_clear(&e);
        int s = ks_walk_next(w, &m, &skip, &e);
        if (s == KS_EOF)
            break;
        if (s == 1) {
            if (!o->quiet)
                ks_cli_warnf("%s: %s; skipped", skip.path, skip.reason);
            stats->unreadable++;
            continue;
        }
        if (s < 0) {
            ks_cli_error(&e);
            stats->unreadable++;
            stats->input_problem = true;
            continue;
        }
        if ((rc = ingest_member(store, m, o, hc, &prog, stats, err)))
            goto done;
    }
    if (prog.on) {
        progress_draw(&prog, true);
        fputc('\n', stderr);
    }
    if ((rc = ks_ingest_dumps(store, first_evidence, o, stats, err)))
        goto done;
    if ((rc = ks_store_commit(store, err)))
        goto done;
    ks_err serr;
    ks_err_clear(&serr);
    if (ks_custody_sync(ks_store_dir(store), &serr) != 0)
        ks_cli_warnf("custody log not synced to disk: %s", serr.msg);
    *out_stats = stats;
    stats = NULL;
done:
    ks_store_set_error_hook(store, NULL, NULL);
    ks_walk_free(w);
    free(stats);
    free(hc);
    return rc;
}

void ks_ingest_print(FILE *f, const ks_ingest_stats *s)
{
    fprintf(f, "%-22s %8s %12s %10s %8s\n", "source", "files", "records", "errors", "skipped");
    int64_t tf = 0, tr = 0, te = 0;
    for (size_t i = 0; i < s->nsrc; i++) {
        const src_count *c = &s->src[i];
        fprintf(f, "%-22s %8lld %12lld %10lld %8lld\n", c->name, (long long)c->files,
                (long long)c->records, (long long)c->errors, (long long)c->skipped);
        tf += c->files;
        tr += c->records;
        te += c->errors;
    }
    fprintf(f, "%-22s %8lld %12lld %10lld\n", "total", (long long)tf, (long long)tr, (long long)te);
    if (s->unrecognised)
        fprintf(f, "skipped: %lld file(s) in no recognised format\n", (long long)s->unrecognised);
    if (s->duplicates)
        fprintf(f, "skipped: %lld file(s) already in the case\n", (long long)s->duplicates);
    if (s->unreadable)
        fprintf(f, "skipped: %lld path(s) unreadable or not regular files (see messages above)\n",
                (long long)s->unreadable);
}

bool ks_ingest_had_problems(const ks_ingest_stats *s)
{
    return s->input_problem;
}

void ks_ingest_stats_free(ks_ingest_stats *s)
{
    free(s);
}

/* ---- the command ------------------------------------------------------------------- */
static const ks_opt_spec opts[] = {
    {"format", 'f', "NAME", "parse every file as NAME instead of sniffing (see 'kanshiki help formats')", false},
    {"opt", 0, "KEY=VALUE", "parser option (e.g. flow-format=..., log-format=...)", true},
    {"schema", 0, "FILE", "CREATE TABLE statements (or a dump) naming binlog columns", true},
    {"follow-symlinks", 0, NULL, "follow symbolic links found inside directories (loops are detected)", false},
    {"quiet", 'q', NULL, "print only the summary and errors", false},
    {"yara", 0, "RULES", "disk images: scan every file with the YARA rules in RULES (a directory of *.yar/*.yara, or a file)", false},
    {"yara-max-size", 0, "BYTES", "disk images: skip files larger than BYTES in the YARA scan (K/M/G suffixes; default 64M)", false},
};

/* "64M", "1048576", "2G": bytes, with overflow checks. 0 ok, -1 otherwise. */
static int parse_size(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (!i)
        return -1;
    unsigned shift = 0;
    if (s[i] == 'K' || s[i] == 'k')
        shift = 10;
    else if (s[i] == 'M' || s[i] == 'm')
        shift = 20;
    else if (s[i] == 'G' || s[i] == 'g')
        shift = 30;
    if (shift)
        i++;
    if (s[i] || v > (UINT64_MAX >> shift))
        return -1;
    *out = v << shift;
    return 0;
}

int ks_ingest_parse_popts(const ks_opts *o, const char **keys, const char **vals, size_t max,
                          size_t *out_n)
{
    const char *const *all = NULL;
    size_t n = ks_opt_all(o, "opt", &all);
    if (n > max)
        n = max;
    static char storage[KS_MAX_REPEAT][256];
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(all[i], '=');
        if (!eq || eq == all[i] || (size_t)(eq - all[i]) >= sizeof storage[i]) {
            ks_cli_errorf("--opt expects KEY=VALUE, got '%s'", all[i]);
            return KS_EXIT_USAGE;
        }
        memcpy(storage[i], all[i], (size_t)(eq - all[i]));
        storage[i][eq - all[i]] = '\0';
        keys[i] = storage[i];
        vals[i] = eq + 1;
    }
    *out_n = n;
    return 0;
}

static int run(int argc, char **argv)
{
    ks_opts o;
    int rc = ks_opts_parse(&o, opts, sizeof opts / sizeof opts[0], argc, argv, "ingest");
    if (rc)
        return rc < 0 ? KS_EXIT_OK : rc;
    if (o.npos < 2) {
        ks_cli_errorf("ingest: usage: kanshiki ingest CASE PATH... (see 'kanshiki help ingest')");
        return KS_EXIT_USAGE;
    }
    const char *keys[KS_MAX_REPEAT], *vals[KS_MAX_REPEAT];
    ks_ingest_opts io = {0};
    if ((rc = ks_ingest_parse_popts(&o, keys, vals, KS_MAX_REPEAT, &io.popts.n)))
        return rc;
    ks_buf schema;
    ks_buf_init(&schema, KS_INGEST_SCHEMA_MAX);
    if ((rc = ks_ingest_schema_opt(&o, &schema, keys, vals, KS_MAX_REPEAT, &io.popts.n))) {
        ks_buf_free(&schema);
        return rc;
    }
    io.popts.keys = keys;
    io.popts.vals = vals;
    io.format = ks_opt_str(&o, "format");
    io.quiet = ks_opt_flag(&o, "quiet");
    io.follow_symlinks = ks_opt_flag(&o, "follow-symlinks");
    io.yara_rules = ks_opt_str(&o, "yara");
    const char *ymax = ks_opt_str(&o, "yara-max-size");
    if (ymax && parse_size(ymax, &io.yara_max_size)) {
        ks_cli_errorf("--yara-max-size expects a size in bytes (64M, 1G, 1048576), got '%s'", ymax);
        return KS_EXIT_USAGE;
    }
    if (io.yara_rules) { /* rules that do not compile are a usage error, before any work */
        ks_yara *y = NULL;
        ks_err yerr;
        ks_err_clear(&yerr);
        if ((rc = ks_yara_load(&y, io.yara_rules, &yerr))) {
            ks_cli_error(&yerr);
            return ks_cli_exit_for(rc);
        }
        ks_yara_free(y);
    }

    ks_err err;
    ks_err_clear(&err);
    ks_store *store = NULL;
    ks_ingest_stats *stats = NULL;
    if ((rc = ks_store_open(&store, o.pos[0], KS_STORE_CREATE, &err))) {
        ks_cli_error(&err);
        ks_buf_free(&schema);
        return ks_cli_exit_for(rc);
    }
    rc = ks_ingest_run(store, o.pos + 1, o.npos - 1, &io, &stats, &err);
    if (rc) {
        ks_cli_error(&err);
        ks_store_close(store);
        ks_buf_free(&schema);
        return ks_cli_exit_for(rc);
    }
    ks_ingest_print(stdout, stats);
    printf("case: %s\n", o.pos[0]);
    int code = ks_ingest_had_problems(stats) ? KS_EXIT_INPUT : KS_EXIT_OK;
    ks_ingest_stats_free(stats);
    ks_store_close(store);
    ks_buf_free(&schema);
    return code;
}

const ks_cmd ks_cmd_ingest = {
    "ingest",
    run,
    "parse evidence files and directories into a case",
    "CASE PATH...",
    "Reads every file under each PATH (recursively; gzip, zstd, bzip2, xz, zip and tar are\n"
    "opened transparently), recognises its format by content, and stores its records in the\n"
    "case directory CASE (created when missing; CASE/case.db). Evidence is opened read-only;\n"
    "each file's SHA-256 is recorded and files already in the case are skipped. Records that\n"
    "fail to parse are kept as error events with their file and offset.\n"
    "Prints, per source type: files, records, records that failed to parse, files skipped.\n"
    "Exit status 3 when some input could not be read or held malformed records (everything\n"
    "readable was still ingested).",
    opts,
    sizeof opts / sizeof opts[0],
};
