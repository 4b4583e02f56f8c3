/* journal.c — systemd journal files (*.journal) into `events` and `journal`, read with our
 * own code (no libsystemd: the file is evidence and may be hostile).
 *
 * Layout (https://systemd.io/JOURNAL_FILE_FORMAT/, all integers little-endian):
 * Header: 0 signature "LPKSHHRH", 8 compatible_flags u32, 12 incompatible_flags u32
 *   (COMPRESSED_XZ 1, COMPRESSED_LZ4 2, KEYED_HASH 4, COMPRESSED_ZSTD 8, COMPACT 16),
 *   16 state u8 (0 offline, 1 online, 2 archived), 24 file_id, 40 machine_id,
 *   56 tail_entry_boot_id, 72 seqnum_id, 88 header_size u64, 96 arena_size u64,
 *   ... 144 n_objects, 152 n_entries, ... (newer fields after; header_size says how many).
 * The arena starts at header_size and holds objects, each 8-byte aligned and starting
 *   with 0 type u8 (DATA 1, FIELD 2, ENTRY 3, DATA_HASH_TABLE 4, FIELD_HASH_TABLE 5,
 *   ENTRY_ARRAY 6, TAG 7), 1 flags u8 (payload COMPRESSED_XZ 1, LZ4 2, ZSTD 4),
 *   8 size u64 (header included).
 * DATA: 16 hash, 24 next_hash_offset, 32 next_field_offset, 40 entry_offset,
 *   48 entry_array_offset, 56 n_entries, then the payload "FIELD=value" at 64 (72 in
 *   COMPACT files, after two u32 tail_entry_array fields). A compressed payload is an xz
 *   stream, a zstd frame, or (LZ4) a u64 decompressed size followed by an LZ4 block.
 * ENTRY: 16 seqnum, 24 realtime (usec), 32 monotonic (usec), 40 boot_id[16], 56 xor_hash,
 *   64 items: {u64 object_offset, u64 hash} each, or u32 object_offset in COMPACT files.
 *
 * Walk: the arena is scanned object by object in file order (objects are only appended),
 * so entries come in the order journald wrote them, ONLINE (dirty, never closed) files
 * read like archived ones, and an entry written but never linked into the entry arrays is
 * still recovered. The scan is bounded by arena_size and the file size and always moves
 * forward; a bad object size ends it with an error record. Each entry item is looked up
 * directly (offset checked against the file, type DATA), so no chain is followed.
 * The file is read into memory whole (random access), at most KS_JOURNAL_MAX_BYTES.
 *
 * Event time: __REALTIME_TIMESTAMP (when journald received the entry; always present and
 * what journalctl shows). _SOURCE_REALTIME_TIMESTAMP, the sender's own time when it gave
 * one, is kept in the `source_realtime` column.
 */
#include "parsers/host/hostbin.h"

#include <lz4.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "core/escape.h"
#include "core/time.h"

#define J_HEADER_MIN 208        /* systemd 187+ (n_data, n_fields ...) — anything older: refuse */
#define J_FIELD_MAX ((size_t)64 << 20) /* decompressed DATA payload cap */
#define J_ITEMS_MAX 65536       /* items per entry considered */
#define J_FIELDS_JSON_MAX ((size_t)256 << 20)

enum { IF_XZ = 1, IF_LZ4 = 2, IF_KEYED = 4, IF_ZSTD = 8, IF_COMPACT = 16,
       IF_KNOWN = 31 };
enum { O_DATA = 1, O_ENTRY = 3 };

enum { J_REALTIME, J_MONOTONIC, J_BOOT_ID, J_SEQNUM, J_HOSTNAME, J_PROGRAM,
       J_SYSLOG_IDENTIFIER, J_COMM, J_EXE, J_CMDLINE, J_PID, J_UID, J_UNIT, J_PRIORITY,
       J_MESSAGE, J_TRANSPORT, J_SOURCE_REALTIME, J_FIELDS, J_NCOLS };

static const ks_column cols[J_NCOLS] = {
    [J_REALTIME] = {"realtime", KS_COL_TIME, "__REALTIME_TIMESTAMP: when journald received it"},
    [J_MONOTONIC] = {"monotonic", KS_COL_INT, "__MONOTONIC_TIMESTAMP: usec since boot_id's boot"},
    [J_BOOT_ID] = {"boot_id", KS_COL_TEXT, "_BOOT_ID of the entry header (32 hex digits)"},
    [J_SEQNUM] = {"seqnum", KS_COL_INT, "entry sequence number"},
    [J_HOSTNAME] = {"hostname", KS_COL_TEXT, "_HOSTNAME"},
    [J_PROGRAM] = {"program", KS_COL_TEXT, "SYSLOG_IDENTIFIER, else _COMM, else kernel for _TRANSPORT=kernel (as syslog's program)"},
    [J_SYSLOG_IDENTIFIER] = {"syslog_identifier", KS_COL_TEXT, "SYSLOG_IDENTIFIER"},
    [J_COMM] = {"comm", KS_COL_TEXT, "_COMM"},
    [J_EXE] = {"exe", KS_COL_TEXT, "_EXE"},
    [J_CMDLINE] = {"cmdline", KS_COL_TEXT, "_CMDLINE"},
    [J_PID] = {"pid", KS_COL_INT, "_PID (else SYSLOG_PID)"},
    [J_UID] = {"uid", KS_COL_INT, "_UID"},
    [J_UNIT] = {"systemd_unit", KS_COL_TEXT, "_SYSTEMD_UNIT"},
    [J_PRIORITY] = {"priority", KS_COL_INT, "PRIORITY 0 emerg .. 7 debug"},
    [J_MESSAGE] = {"message", KS_COL_TEXT, "MESSAGE"},
    [J_TRANSPORT] = {"transport", KS_COL_TEXT, "_TRANSPORT (kernel, syslog, journal, stdout, audit, driver)"},
    [J_SOURCE_REALTIME] = {"source_realtime", KS_COL_TIME, "_SOURCE_REALTIME_TIMESTAMP when present"},
    [J_FIELDS] = {"fields", KS_COL_JSON, "every field as a JSON object (repeated fields: arrays)"},
};

const ks_table_def ks_table_journal = {
    "journal", "systemd journal entries (every field in `fields`)", cols, J_NCOLS};

static int sniff(const uint8_t *head, size_t n, const char *name)
{
    if (n >= 8 && !memcmp(head, "LPKSHHRH", 8))
        return 100;
    /* a damaged file named like a journal goes to this reader, which says what is wrong,
     * rather than being skipped as unrecognised */
    size_t k = name ? strlen(name) : 0;
    if ((k > 8 && !strcmp(name + k - 8, ".journal")) || (k > 9 && !strcmp(name + k - 9, ".journal~")))
        return 50;
    return 0;
}

typedef struct jfile {
    const uint8_t *p;
    uint64_t len;  /* bytes of the file we may look at (min of file and arena end) */
    uint32_t incompat;
    bool compact;
    ks_buf scratch; /* decompressed payload */
    uint64_t budget; /* decompressed bytes left for this file (decompression bombs) */
} jfile;

static uint64_t le64(const uint8_t *p)
{
    return hb_u64(p, false);
}

/* One DATA object's payload at off: *out points into the file or jf->scratch. NULL and
 * *why on failure. */
static const char *data_payload(jfile *jf, uint64_t off, ks_str *out)
{
    if (off % 8 || !ks_fits(off, 64, jf->len))
        return "entry item points outside the file";
    const uint8_t *o = jf->p + off;
    if (o[0] != O_DATA)
        return "entry item is not a DATA object";
    uint64_t size = le64(o + 8);
    uint64_t hdr = jf->compact ? 72 : 64;
    if (size < hdr || !ks_fits(off, size, jf->len))
        return "DATA object size out of range";
    const uint8_t *pl = o + hdr;
    size_t pn = (size_t)(size - hdr);
    uint8_t fl = o[1] & 7;
    if (!fl) {
        *out = (ks_str){(const char *)pl, pn};
        return NULL;
    }
    if (!jf->budget)
        return "decompression budget of this file used up (a compressed payload referenced "
               "over and over?): payload not decoded";
    ks_buf *b = &jf->scratch;
    ks_buf_reset(b);
    b->max = jf->budget < J_FIELD_MAX ? (size_t)jf->budget : J_FIELD_MAX;
    if (fl == 1) { /* xz */
        lzma_stream s = LZMA_STREAM_INIT;
        if (lzma_stream_decoder(&s, 256u << 20, 0) != LZMA_OK)
            return "xz decoder init failed";
        s.next_in = pl;
        s.avail_in = pn;
        const char *why = NULL;
        for (int guard = 0; guard < 1 << 20; guard++) {
            if (ks_buf_reserve(b, 65536)) {
                why = "xz payload larger than the field limit";
                break;
            }
            s.next_out = (uint8_t *)b->data + b->len;
            s.avail_out = b->cap - b->len - 1;
            size_t before = s.avail_out;
            lzma_ret r = lzma_code(&s, LZMA_FINISH);
            b->len += before - s.avail_out;
            if (r == LZMA_STREAM_END)
                break;
            if (r != LZMA_OK) {
                why = "corrupt xz payload";
                break;
            }
            if (before == s.avail_out && !s.avail_in) {
                why = "truncated xz payload";
                break;
            }
        }
        lzma_end(&s);
        if (why)
            return why;
    } else if (fl == 4) { /* zstd */
        ZSTD_DCtx *z = ZSTD_createDCtx();
        if (!z)
            return "zstd decoder init failed";
        ZSTD_inBuffer ib = {pl, pn, 0};
        const char *why = NULL;
        for (int guard = 0; guard < 1 << 20; guard++) {
            if (ks_buf_reserve(b, 65536)) {
                why = "zstd payload larger than the field limit";
                break;
            }
            ZSTD_outBuffer ob = {b->data + b->len, b->cap - b->len - 1, 0};
            size_t r = ZSTD_decompressStream(z, &ob, &ib);
            b->len += ob.pos;
            if (ZSTD_isError(r)) {
                why = "corrupt zstd payload";
                break;
            }
            if (r == 0)
                break;
            if (ib.pos == ib.size && ob.pos == 0) {
                why = "truncated zstd payload";
                break;
            }
        }
        ZSTD_freeDCtx(z);
        if (why)
            return why;
    } else if (fl == 2) { /* lz4: u64 size, then one block */
        if (pn < 8)
            return "truncated lz4 payload";
        uint64_t want = le64(pl);
        if (want > b->max || want > INT32_MAX || pn - 8 > INT32_MAX)
            return "lz4 payload larger than the field limit";
        if (ks_buf_reserve(b, (size_t)want + 1))
            return "lz4 payload larger than the field limit";
        int r = LZ4_decompress_safe((const char *)pl + 8, b->data, (int)(pn - 8), (int)want);
        if (r < 0 || (uint64_t)r != want)
            return "corrupt lz4 payload";
        b->len = (size_t)r;
    } else {
        return "DATA object with several compression flags";
    }
    jf->budget -= b->len < jf->budget ? b->len : jf->budget;
    b->data[b->len] = '\0';
    *out = (ks_str){b->data, b->len};
    return NULL;
}

typedef struct jfield {
    ks_str name, value;
} jfield;

static bool name_is(ks_str n, const char *lit)
{
    return ks_str_eq(n, lit);
}

static int64_t num_or(ks_str v, int64_t dflt)
{
    if (!v.n || v.n > 18)
        return dflt;
    int64_t x = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return dflt;
        x = x * 10 + (v.p[i] - '0');
    }
    return x;
}

static int cmp_name(const jfield *a, const jfield *b)
{
    size_t n = a->name.n < b->name.n ? a->name.n : b->name.n;
    int c = memcmp(a->name.p, b->name.p, n);
    return c ? c : (a->name.n > b->name.n) - (a->name.n < b->name.n);
}

static int by_name_then_pos(const void *x, const void *y, void *ctx)
{
    const jfield *f = ctx;
    uint32_t i = *(const uint32_t *)x, k = *(const uint32_t *)y;
    int c = cmp_name(&f[i], &f[k]);
    return c ? c : (i > k) - (i < k);
}

/* Appends fields as a JSON object in first-seen order; a name seen several times becomes an
 * array (as journalctl -o json does). `idx` and `first` have room for n entries; sorting
 * keeps this O(n log n) for hostile entries with thousands of items. */
static int fields_json(ks_buf *out, const jfield *f, size_t n, uint32_t *idx, uint32_t *first)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    if (n > 1)
        qsort_r(idx, n, sizeof *idx, by_name_then_pos, (void *)f);
    /* first[i]: for a field that starts its name's group, the position in idx where the
     * group starts + 1; 0 for later occurrences */
    for (size_t i = 0; i < n; i++)
        first[i] = 0;
    for (size_t g = 0; g < n; g++)
        if (g == 0 || cmp_name(&f[idx[g - 1]], &f[idx[g]]))
            first[idx[g]] = (uint32_t)g + 1;
    int rc = ks_buf_putc(out, '{');
    bool comma = false;
    for (size_t i = 0; i < n && !rc; i++) {
        if (!first[i])
            continue;
        size_t g = first[i] - 1, e = g + 1;
        while (e < n && !cmp_name(&f[idx[g]], &f[idx[e]]))
            e++;
        if (comma)
            rc = ks_buf_putc(out, ',');
        comma = true;
        rc = rc ? rc : ks_escape_json(out, f[i].name.p, f[i].name.n);
        rc = rc ? rc : ks_buf_putc(out, ':');
        if (e - g == 1) {
            rc = rc ? rc : ks_escape_json(out, f[i].value.p, f[i].value.n);
            continue;
        }
        rc = rc ? rc : ks_buf_putc(out, '[');
        for (size_t k = g; k < e && !rc; k++) {
            if (k > g)
                rc = ks_buf_putc(out, ',');
            rc = rc ? rc : ks_escape_json(out, f[idx[k]].value.p, f[idx[k]].value.n);
        }
        rc = rc ? rc : ks_buf_putc(out, ']');
    }
    return rc ? rc : ks_buf_putc(out, '}');
}

/* Copies of decompressed payloads must outlive the next decompression: kept in `store`. */
/* Per-entry scratch arrays, grown to the largest entry seen (at most J_ITEMS_MAX). */
typedef struct jitems {
    jfield *fields;
    uint32_t *work; /* 2 * cap */
    size_t cap;
} jitems;

static int items_reserve(jitems *it, size_t n)
{
    if (n <= it->cap)
        return 0;
    size_t cap = it->cap ? it->cap : 64;
    while (cap < n)
        cap *= 2;
    if (cap > J_ITEMS_MAX)
        cap = J_ITEMS_MAX;
    jfield *f = realloc(it->fields, cap * sizeof *f);
    if (!f)
        return KS_ENOMEM;
    it->fields = f;
    uint32_t *w = realloc(it->work, 2 * cap * sizeof *w);
    if (!w)
        return KS_ENOMEM;
    it->work = w;
    it->cap = cap;
    return 0;
}

static int entry(ks_parse_ctx *ctx, jfile *jf, uint64_t off, uint64_t size, ks_buf *store,
                 jitems *items, ks_buf *json, ks_err *err)
{
    const uint8_t *o = jf->p + off;
    if (size < 64)
        return ks_sink_error(ctx->sink, -1, (int64_t)off, "ENTRY object too small",
                             (const char *)o, (size_t)size, err);
    uint64_t seqnum = le64(o + 16), realtime = le64(o + 24), monotonic = le64(o + 32);
    char boot[33];
    for (int i = 0; i < 16; i++)
        snprintf(boot + 2 * i, 3, "%02x", o[40 + i]);
    size_t isz = jf->compact ? 4 : 16;
    uint64_t nitems = (size - 64) / isz;
    if (nitems > J_ITEMS_MAX) {
        ks_sink_warn(ctx->sink, -1, (int64_t)off, "entry with more than 65536 items: cut");
        nitems = J_ITEMS_MAX;
    }
    if (items_reserve(items, (size_t)nitems))
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    jfield *fields = items->fields;
    ks_buf_reset(store);
    /* first pass: payload bytes into store, remembering offsets (pointers move on growth) */
    size_t nf = 0;
    const char *bad = NULL;
    for (uint64_t i = 0; i < nitems; i++) {
        const uint8_t *it = o + 64 + i * isz;
        uint64_t doff = jf->compact ? hb_u32(it, false) : le64(it);
        if (!doff)
            continue; /* an unused slot (never in a sane file; tolerated) */
        ks_str pl;
        const char *why = data_payload(jf, doff, &pl);
        if (why) {
            bad = why;
            continue;
        }
        const char *eq = memchr(pl.p, '=', pl.n);
        if (!eq || eq == pl.p) {
            bad = "DATA payload without FIELD=";
            continue;
        }
        size_t at = store->len;
        if (ks_buf_append(store, pl.p, pl.n)) {
            bad = "entry larger than the memory limit";
            break;
        }
        fields[nf].name = (ks_str){NULL, (size_t)(eq - pl.p)};
        fields[nf].value = (ks_str){(const char *)(uintptr_t)at, pl.n};
        nf++;
    }
    for (size_t i = 0; i < nf; i++) {
        size_t at = (size_t)(uintptr_t)fields[i].value.p, total = fields[i].value.n;
        size_t nl = fields[i].name.n;
        fields[i].name = (ks_str){store->data + at, nl};
        fields[i].value = (ks_str){store->data + at + nl + 1, total - nl - 1};
    }
    if (bad)
        ks_sink_warn(ctx->sink, -1, (int64_t)off, bad);

    ks_val v[J_NCOLS];
    for (int i = 0; i < J_NCOLS; i++)
        v[i] = ks_v_null();
    int64_t t = realtime <= (uint64_t)(INT64_MAX / 1000) ? (int64_t)realtime * 1000 : KS_TIME_NONE;
    v[J_REALTIME] = ks_v_int(t);
    v[J_MONOTONIC] = ks_v_int(monotonic > INT64_MAX ? -1 : (int64_t)monotonic);
    v[J_BOOT_ID] = ks_v_text(ks_str_c(boot));
    v[J_SEQNUM] = ks_v_int(seqnum > INT64_MAX ? -1 : (int64_t)seqnum);
    ks_str sysid = KS_STR_NULL, comm = KS_STR_NULL, syslog_pid = KS_STR_NULL;
    for (size_t i = 0; i < nf; i++) {
        ks_str n = fields[i].name, val = fields[i].value;
        if (name_is(n, "_HOSTNAME"))
            v[J_HOSTNAME] = ks_v_text(val);
        else if (name_is(n, "SYSLOG_IDENTIFIER"))
            sysid = val;
        else if (name_is(n, "_COMM"))
            comm = val;
        else if (name_is(n, "_EXE"))
            v[J_EXE] = ks_v_text(val);
        else if (name_is(n, "_CMDLINE"))
            v[J_CMDLINE] = ks_v_text(val);
        else if (name_is(n, "_PID") && num_or(val, -1) >= 0)
            v[J_PID] = ks_v_int(num_or(val, -1));
        else if (name_is(n, "SYSLOG_PID"))
            syslog_pid = val;
        else if (name_is(n, "_UID") && num_or(val, -1) >= 0)
            v[J_UID] = ks_v_int(num_or(val, -1));
        else if (name_is(n, "_SYSTEMD_UNIT"))
            v[J_UNIT] = ks_v_text(val);
        else if (name_is(n, "PRIORITY") && num_or(val, -1) >= 0)
            v[J_PRIORITY] = ks_v_int(num_or(val, -1));
        else if (name_is(n, "MESSAGE"))
            v[J_MESSAGE] = ks_v_text(val);
        else if (name_is(n, "_TRANSPORT"))
            v[J_TRANSPORT] = ks_v_text(val);
        else if (name_is(n, "_SOURCE_REALTIME_TIMESTAMP")) {
            int64_t us = num_or(val, -1);
            if (us >= 0 && us <= INT64_MAX / 1000)
                v[J_SOURCE_REALTIME] = ks_v_int(us * 1000);
        }
    }
    if (v[J_PID].kind == KS_V_NULL && num_or(syslog_pid, -1) >= 0)
        v[J_PID] = ks_v_int(num_or(syslog_pid, -1));
    v[J_SYSLOG_IDENTIFIER] = ks_v_text(sysid);
    v[J_COMM] = ks_v_text(comm);
    /* as journalctl's short output names the sender: kernel messages may carry neither */
    ks_str program = sysid.p ? sysid : comm;
    if (!program.p && v[J_TRANSPORT].kind && ks_str_eq(v[J_TRANSPORT].s, "kernel"))
        program = KS_STR_LIT("kernel");
    v[J_PROGRAM] = ks_v_text(program);
    ks_buf_reset(json);
    int rc = fields_json(json, fields, nf, items->work, items->work + items->cap);
    if (rc)
        return ks_sink_error(ctx->sink, -1, (int64_t)off, "entry fields too large for JSON",
                             NULL, 0, err);
    v[J_FIELDS] = ks_v_text((ks_str){json->data, json->len});

    ks_event ev;
    ks_event_init(&ev);
    ev.time = t;
    ev.time_desc = "logged";
    ev.host = v[J_HOSTNAME].s;
    ev.action = program;
    ev.message = v[J_MESSAGE].s;
    char uidtxt[24];
    if (v[J_UID].kind == KS_V_INT) {
        snprintf(uidtxt, sizeof uidtxt, "%lld", (long long)v[J_UID].i);
        ev.actor = ks_str_c(uidtxt);
    }
    ev.target = v[J_UNIT].s;
    ev.raw = (ks_str){json->data, json->len};
    ev.offset = (int64_t)off;
    return ks_sink_event(ctx->sink, &ev, &ks_table_journal, v, err);
}

static int parse(ks_parse_ctx *ctx, ks_err *err)
{
    int rc = 0;
    ks_buf file, store, json;
    ks_buf_init(&file, KS_JOURNAL_MAX_BYTES);
    ks_buf_init(&store, J_FIELDS_JSON_MAX);
    ks_buf_init(&json, J_FIELDS_JSON_MAX);
    jfile jf;
    memset(&jf, 0, sizeof jf);
    ks_buf_init(&jf.scratch, J_FIELD_MAX);
    jitems items = {NULL, NULL, 0};
    if ((rc = ks_input_read_all(ctx->in, &file, err)))
        goto done;
    const uint8_t *p = (const uint8_t *)file.data;
    uint64_t n = file.len;
    if (n < J_HEADER_MIN || memcmp(p, "LPKSHHRH", 8)) {
        rc = KS_CORRUPT(err, ctx->path, -1, 0,
                        n >= 8 && !memcmp(p, "LPKSHHRH", 8)
                            ? "journal header truncated (%llu bytes)"
                            : "not a journal file (no LPKSHHRH signature; %llu bytes)",
                        (unsigned long long)n);
        goto done;
    }
    jf.incompat = hb_u32(p + 12, false);
    if (jf.incompat & ~(uint32_t)IF_KNOWN) {
        rc = KS_ERR_AT(err, KS_EUNSUPPORTED, ctx->path, -1, 12,
                       "journal uses unknown incompatible flags 0x%x", jf.incompat);
        goto done;
    }
    jf.compact = jf.incompat & IF_COMPACT;
    uint64_t hsize = le64(p + 88), arena = le64(p + 96), n_entries = le64(p + 152);
    if (hsize < J_HEADER_MIN || hsize % 8 || hsize > n) {
        rc = KS_CORRUPT(err, ctx->path, -1, 88, "journal header_size %llu out of range",
                        (unsigned long long)hsize);
        goto done;
    }
    jf.p = p;
    jf.len = n;
    /* journald compresses only payloads above a threshold and most are referenced by one
     * entry: 16 times the file plus 256 MiB is far more than a real file decompresses */
    jf.budget = 16 * n + ((uint64_t)256 << 20);
    uint64_t end = arena <= n - hsize ? hsize + arena : n;
    if (arena > n - hsize)
        ks_sink_warn(ctx->sink, -1, 96, "journal arena_size beyond the end of the file "
                                         "(truncated copy?): reading what is there");
    uint64_t off = hsize, seen = 0;
    /* every step moves off forward by at least 16 bytes: bounded by the file size */
    while (off < end) {
        if (!ks_fits(off, 16, end)) {
            rc = ks_sink_error(ctx->sink, -1, (int64_t)off, "object header cut by the end of the arena",
                               (const char *)p + off, (size_t)(end - off), err);
            break;
        }
        uint8_t type = p[off];
        uint64_t size = le64(p + off + 8);
        if (type == 0 && size == 0)
            break; /* the unwritten tail of an ONLINE file */
        if (size < 16 || !ks_fits(off, size, end)) {
            char why[96];
            snprintf(why, sizeof why, "journal object (type %u) with bad size %llu: scan stops",
                     type, (unsigned long long)size);
            rc = ks_sink_error(ctx->sink, -1, (int64_t)off, why, (const char *)p + off, 16, err);
            break;
        }
        if (type == O_ENTRY) {
            seen++;
            if ((rc = entry(ctx, &jf, off, size, &store, &items, &json, err)))
                break;
        }
        uint64_t next = off + ((size + 7) & ~(uint64_t)7);
        if (next <= off)
            break;
        off = next;
    }
    if (!rc && seen != n_entries) {
        char why[128];
        snprintf(why, sizeof why, "header says %llu entries, the arena holds %llu",
                 (unsigned long long)n_entries, (unsigned long long)seen);
        ks_sink_warn(ctx->sink, -1, 152, why);
    }
done:
    free(items.work);
    free(items.fields);
    ks_buf_free(&jf.scratch);
    ks_buf_free(&json);
    ks_buf_free(&store);
    ks_buf_free(&file);
    return rc;
}

const ks_parser ks_parser_journal = {
    "journal",
    "systemd journal files (own reader: xz/lz4/zstd payloads, keyed hash, compact; online "
    "and archived files; whole file in memory, at most 1 GiB)",
    (const ks_table_def *const[]){&ks_table_journal, NULL},
    sniff,
    parse,
};
