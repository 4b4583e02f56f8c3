/* binlog.c — the v4 binary log event stream of MySQL 5.0+ and MariaDB 5.3+.
 *
 * On-disk layout (MySQL Internals "Binary Log", MariaDB KB "Binary Log Event Formats"):
 *   file   = magic FE 'b' 'i' 'n', then events back to back
 *   event  = 19-byte header | post-header | body | [CRC32, 4 bytes, when checksums are on]
 *   header = timestamp u32 | type u8 | server_id u32 | event_size u32 | log_pos u32 | flags u16
 * All integers little-endian except inside packed DECIMAL and the temporal types (big-endian,
 * see decode_value). The first event is a Format_description (type 15): binlog version u16,
 * server version char[50], create timestamp u32, header length u8, then one post-header
 * length per event type, then — for servers that know checksums (MySQL >= 5.6.1, MariaDB >=
 * 5.3) — the checksum algorithm u8 (0 off, 1 CRC32) and the FDE's own CRC32.
 *
 * Rows events (types 23-25 v1, 30-32 v2, MariaDB 166-171 compressed): table id (6 bytes;
 * 4 when the post-header is 6 bytes), flags u16, [v2: extra-data length u16 incl. itself +
 * data], column count (packed int), columns-present bitmap, [update: after-image bitmap],
 * then rows, each a null bitmap over the present columns followed by the non-NULL values
 * in the binary formats of the table map's column types (see decode_value).
 */
#include "db/binlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define KS_BL_HEADER 19
#define KS_BL_MAX_EVENT ((uint32_t)1 << 30) /* max_allowed_packet's ceiling */
#define KS_BL_MAX_TABLES 4096
#define KS_BL_MAX_COLS 4096
#define KS_BL_MAX_UNCOMPRESSED ((size_t)1 << 30)

struct ks_binlog {
    ks_binlog_read_fn rd;
    void *ctx;
    uint64_t size;
    uint64_t pos;
    char path[1024];
    int fatal;
    int has_crc;         /* events carry a CRC32 trailer */
    int binlog_version;
    char server_version[51];
    uint8_t post_len[256];
    int have_fde;
    uint8_t *evbuf;
    size_t evcap;
    ks_binlog_stats st;
    char gtid[128];
    /* table maps */
    ks_binlog_table *tables[KS_BL_MAX_TABLES];
    size_t ntables;
    size_t evict;
    /* rows iteration */
    const ks_binlog_event *rows_ev;
    ks_binlog_table *rows_tbl;
    ks_binlog_op rows_op;
    const uint8_t *rp, *rend, *rbase;
    uint64_t rbase_off;   /* file offset corresponding to rbase (for messages) */
    uint8_t *cols_bi, *cols_ai;
    uint32_t rows_ncols;
    ks_bv *vals_before, *vals_after;
    size_t vals_cap;
    uint8_t *unz;          /* uncompressed rows / query of MariaDB compressed events */
    size_t unz_cap;
    /* known schemas: column names by (db, table) */
    struct bl_schema {
        char *db, *table;
        char **cols;
        size_t ncols;
    } *schemas;
    size_t nschemas, capschemas;
};

/* ---- little helpers ----------------------------------------------------------------- */
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t le24(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16); }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32); }
static uint64_t leN(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}
static uint64_t beN(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Bounded cursor over an event's bytes. */
typedef struct cur {
    const uint8_t *p;
    size_t n, i;
} cur;

static int cur_take(cur *c, size_t k, const uint8_t **out)
{
    if (!ks_fits(c->i, k, c->n))
        return -1;
    *out = c->p + c->i;
    c->i += k;
    return 0;
}

/* MySQL packed (length-encoded) integer. 251 is NULL in result sets, an error here. */
static int cur_packed(cur *c, uint64_t *out)
{
    const uint8_t *p;
    if (cur_take(c, 1, &p))
        return -1;
    if (*p < 251) {
        *out = *p;
        return 0;
    }
    int k = *p == 252 ? 2 : *p == 253 ? 3 : *p == 254 ? 8 : 0;
    if (!k || cur_take(c, (size_t)k, &p))
        return -1;
    *out = leN(p, k);
    return 0;
}

const char *ks_binlog_type_name(unsigned t)
{
    switch (t) {
    case KS_BL_START_V3: return "Start_v3";
    case KS_BL_QUERY: return "Query";
    case KS_BL_STOP: return "Stop";
    case KS_BL_ROTATE: return "Rotate";
    case KS_BL_INTVAR: return "Intvar";
    case 6: return "Load";
    case 7: return "Slave";
    case 8: return "Create_file";
    case 9: return "Append_block";
    case 10: return "Exec_load";
    case 11: return "Delete_file";
    case 12: return "New_load";
    case KS_BL_RAND: return "RAND";
    case KS_BL_USER_VAR: return "User_var";
    case KS_BL_FORMAT_DESCRIPTION: return "Format_desc";
    case KS_BL_XID: return "Xid";
    case KS_BL_BEGIN_LOAD_QUERY: return "Begin_load_query";
    case KS_BL_EXECUTE_LOAD_QUERY: return "Execute_load_query";
    case KS_BL_TABLE_MAP: return "Table_map";
    case 20: return "Write_rows_pre_ga";
    case 21: return "Update_rows_pre_ga";
    case 22: return "Delete_rows_pre_ga";
    case KS_BL_WRITE_ROWS_V1: return "Write_rows_v1";
    case KS_BL_UPDATE_ROWS_V1: return "Update_rows_v1";
    case KS_BL_DELETE_ROWS_V1: return "Delete_rows_v1";
    case KS_BL_INCIDENT: return "Incident";
    case KS_BL_HEARTBEAT: return "Heartbeat";
    case KS_BL_IGNORABLE: return "Ignorable";
    case KS_BL_ROWS_QUERY: return "Rows_query";
    case KS_BL_WRITE_ROWS: return "Write_rows";
    case KS_BL_UPDATE_ROWS: return "Update_rows";
    case KS_BL_DELETE_ROWS: return "Delete_rows";
    case KS_BL_GTID: return "Gtid";
    case KS_BL_ANONYMOUS_GTID: return "Anonymous_Gtid";
    case KS_BL_PREVIOUS_GTIDS: return "Previous_gtids";
    case KS_BL_TRANSACTION_CONTEXT: return "Transaction_context";
    case KS_BL_VIEW_CHANGE: return "View_change";
    case KS_BL_XA_PREPARE: return "XA_prepare";
    case KS_BL_PARTIAL_UPDATE_ROWS: return "Update_rows_partial";
    case KS_BL_TRANSACTION_PAYLOAD: return "Transaction_payload";
    case KS_BL_HEARTBEAT_V2: return "Heartbeat_v2";
    case KS_BL_MARIA_ANNOTATE_ROWS: return "Annotate_rows";
    case KS_BL_MARIA_BINLOG_CHECKPOINT: return "Binlog_checkpoint";
    case KS_BL_MARIA_GTID: return "Gtid";
    case KS_BL_MARIA_GTID_LIST: return "Gtid_list";
    case KS_BL_MARIA_START_ENCRYPTION: return "Start_encryption";
    case KS_BL_MARIA_QUERY_COMPRESSED: return "Query_compressed";
    case KS_BL_MARIA_WRITE_ROWS_COMPRESSED_V1: return "Write_rows_compressed_v1";
    case KS_BL_MARIA_UPDATE_ROWS_COMPRESSED_V1: return "Update_rows_compressed_v1";
    case KS_BL_MARIA_DELETE_ROWS_COMPRESSED_V1: return "Delete_rows_compressed_v1";
    case KS_BL_MARIA_WRITE_ROWS_COMPRESSED: return "Write_rows_compressed";
    case KS_BL_MARIA_UPDATE_ROWS_COMPRESSED: return "Update_rows_compressed";
    case KS_BL_MARIA_DELETE_ROWS_COMPRESSED: return "Delete_rows_compressed";
    default: return "Unknown";
    }
}

const char *ks_binlog_op_name(ks_binlog_op op)
{
    return op == KS_BL_OP_INSERT ? "insert" : op == KS_BL_OP_UPDATE ? "update" : "delete";
}

static int table_map(ks_binlog *b, const ks_binlog_event *ev, ks_err *err);

/* ---- opening and the event loop --------------------------------------------------- */
static int read_exact(ks_binlog *b, uint64_t off, void *buf, size_t n)
{
    size_t got = 0;
    if (b->rd(b->ctx, off, buf, n, &got) != 0 || got != n)
        return -1;
    return 0;
}

/* Bytes actually read at off (0 on a read error): for streams of unknown size the end of
 * the file is found by reading short. */
static size_t read_got(ks_binlog *b, uint64_t off, void *buf, size_t n)
{
    size_t got = 0;
    if (b->rd(b->ctx, off, buf, n, &got) != 0)
        return 0;
    return got < n ? got : n;
}

int ks_binlog_open(ks_binlog **out, ks_binlog_read_fn rd, void *ctx, uint64_t size,
                   const char *path, ks_err *err)
{
    ks_binlog *b = calloc(1, sizeof *b);
    int rc = 0;
    if (!b)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    b->rd = rd;
    b->ctx = ctx;
    b->size = size;
    b->has_crc = 0;
    snprintf(b->path, sizeof b->path, "%s", path ? path : "");
    uint8_t magic[4];
    if (size < 4 || read_exact(b, 0, magic, 4) != 0) {
        rc = size == KS_BINLOG_SIZE_UNKNOWN
                 ? KS_CORRUPT(err, b->path, -1, 0, "too short for a binary log (under 4 bytes)")
                 : KS_CORRUPT(err, b->path, -1, 0, "too short for a binary log (%llu bytes)",
                              (unsigned long long)size);
        goto done;
    }
    if (memcmp(magic, "\xfe" "bin", 4) != 0) {
        rc = KS_CORRUPT(err, b->path, -1, 0,
                        "not a binary log: magic is %02x %02x %02x %02x, expected fe 62 69 6e",
                        magic[0], magic[1], magic[2], magic[3]);
        goto done;
    }
    b->pos = 4;
    b->binlog_version = 4;
    /* defaults until a Format_description says otherwise (MySQL 5.0 lengths) */
    b->post_len[KS_BL_QUERY] = 13;
    b->post_len[KS_BL_ROTATE] = 8;
    b->post_len[KS_BL_TABLE_MAP] = 8;
    for (int t = 23; t <= 25; t++)
        b->post_len[t] = 8;
    for (int t = 30; t <= 32; t++)
        b->post_len[t] = 10;
    for (int t = 166; t <= 171; t++)
        b->post_len[t] = (uint8_t)(t <= 168 ? 8 : 8);
    b->post_len[KS_BL_MARIA_QUERY_COMPRESSED] = 13;
    b->post_len[KS_BL_MARIA_GTID] = 19;
done:
    if (rc) {
        free(b);
        return rc;
    }
    *out = b;
    return 0;
}

static void free_table(ks_binlog_table *t)
{
    if (!t)
        return;
    if (t->colnames) {
        for (uint32_t i = 0; i < t->ncols; i++)
            free(t->colnames[i]);
        free(t->colnames);
    }
    free(t->types);
    free(t->meta);
    free(t->unsigned_);
    free(t);
}

static void free_cols(char **cols, size_t n)
{
    if (!cols)
        return;
    for (size_t i = 0; i < n; i++)
        free(cols[i]);
    free(cols);
}

static char **dup_cols(const char *const *cols, size_t n)
{
    char **c = calloc(n ? n : 1, sizeof *c);
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        c[i] = strdup(cols[i] ? cols[i] : "");
        if (!c[i]) {
            free_cols(c, i);
            return NULL;
        }
    }
    return c;
}

int ks_binlog_set_columns(ks_binlog *b, const char *db, const char *table,
                          const char *const *cols, size_t ncols)
{
    if (ncols == 0 || ncols > KS_BL_MAX_COLS)
        return KS_EUSAGE;
    char **c = dup_cols(cols, ncols);
    if (!c)
        return KS_ENOMEM;
    for (size_t i = 0; i < b->nschemas; i++)
        if (!strcmp(b->schemas[i].db, db) && !strcmp(b->schemas[i].table, table)) {
            free_cols(b->schemas[i].cols, b->schemas[i].ncols);
            b->schemas[i].cols = c;
            b->schemas[i].ncols = ncols;
            return 0;
        }
    if (b->nschemas >= 100000) {
        free_cols(c, ncols);
        return KS_ELIMIT;
    }
    if (b->nschemas == b->capschemas) {
        size_t nc = b->capschemas ? b->capschemas * 2 : 16;
        struct bl_schema *ns = realloc(b->schemas, nc * sizeof *ns);
        if (!ns) {
            free_cols(c, ncols);
            return KS_ENOMEM;
        }
        b->schemas = ns;
        b->capschemas = nc;
    }
    struct bl_schema *e = &b->schemas[b->nschemas];
    e->db = strdup(db);
    e->table = strdup(table);
    if (!e->db || !e->table) {
        free(e->db);
        free(e->table);
        free_cols(c, ncols);
        return KS_ENOMEM;
    }
    e->cols = c;
    e->ncols = ncols;
    b->nschemas++;
    return 0;
}

void ks_binlog_forget_columns(ks_binlog *b, const char *db, const char *table)
{
    for (size_t i = 0; i < b->nschemas;) {
        struct bl_schema *e = &b->schemas[i];
        if (!strcmp(e->table, table) && (!strcmp(e->db, db) || !e->db[0] || !db[0])) {
            free(e->db);
            free(e->table);
            free_cols(e->cols, e->ncols);
            b->schemas[i] = b->schemas[--b->nschemas];
            continue;
        }
        i++;
    }
}

/* Names for a freshly mapped table without optional metadata. */
static void attach_schema(ks_binlog *b, ks_binlog_table *t)
{
    struct bl_schema *hit = NULL;
    for (size_t i = 0; i < b->nschemas; i++) {
        struct bl_schema *e = &b->schemas[i];
        if (strcmp(e->table, t->name) || e->ncols != t->ncols)
            continue;
        if (!strcmp(e->db, t->db)) {
            hit = e;
            break;
        }
        if (!e->db[0] && !hit)
            hit = e;
    }
    if (hit)
        t->colnames = dup_cols((const char *const *)hit->cols, hit->ncols);
}

void ks_binlog_free(ks_binlog *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nschemas; i++) {
        free(b->schemas[i].db);
        free(b->schemas[i].table);
        free_cols(b->schemas[i].cols, b->schemas[i].ncols);
    }
    free(b->schemas);
    for (size_t i = 0; i < b->ntables; i++)
        free_table(b->tables[i]);
    free(b->evbuf);
    free(b->cols_bi);
    free(b->cols_ai);
    free(b->vals_before);
    free(b->vals_after);
    free(b->unz);
    free(b);
}

int ks_binlog_fatal(const ks_binlog *b) { return b->fatal; }
const ks_binlog_stats *ks_binlog_get_stats(const ks_binlog *b) { return &b->st; }
const char *ks_binlog_server_version(const ks_binlog *b) { return b->server_version; }
const char *ks_binlog_gtid(const ks_binlog *b) { return b->gtid; }

static void parse_version(const char *s, int v[3])
{
    v[0] = v[1] = v[2] = 0;
    for (int k = 0; k < 3; k++) {
        int x = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 6) {
            x = x * 10 + (*s - '0');
            s++;
            digits++;
        }
        v[k] = x;
        if (*s != '.')
            break;
        s++;
    }
}

/* Whether a server of this version writes the checksum-algorithm byte in its FDE. */
static int version_has_checksum(const char *ver)
{
    int v[3];
    parse_version(ver, v);
    int split[3] = {5, 6, 1};
    if (strstr(ver, "MariaDB")) {
        split[0] = 5;
        split[1] = 3;
        split[2] = 0;
    }
    long a = (long)v[0] * 1000000 + v[1] * 1000 + v[2];
    long s = (long)split[0] * 1000000 + split[1] * 1000 + split[2];
    return a >= s;
}

static int handle_fde(ks_binlog *b, const uint8_t *ev, size_t n, ks_err *err, uint64_t pos)
{
    /* body starts at 19: version u16, server version [50], timestamp u32, header len u8 */
    if (n < KS_BL_HEADER + 57)
        return KS_CORRUPT(err, b->path, -1, (int64_t)pos,
                          "Format_description event too short (%zu bytes)", n);
    const uint8_t *p = ev + KS_BL_HEADER;
    b->binlog_version = le16(p);
    memcpy(b->server_version, p + 2, 50);
    b->server_version[50] = '\0';
    uint8_t hlen = p[56];
    if (hlen != KS_BL_HEADER)
        return KS_ERR_AT(err, KS_EUNSUPPORTED, b->path, -1, (int64_t)pos,
                         "event header length %u (only 19 is defined for binlog v4)", hlen);
    size_t npost = n - KS_BL_HEADER - 57;
    int has_alg = version_has_checksum(b->server_version);
    if (has_alg) {
        if (npost < 5)
            return KS_CORRUPT(err, b->path, -1, (int64_t)pos,
                              "Format_description event too short for its checksum fields");
        npost -= 5;
        uint8_t alg = ev[n - 5];
        if (alg == 1)
            b->has_crc = 1;
        else if (alg == 0 || alg == 0xff) /* 0xff: undefined, treat as none */
            b->has_crc = 0;
        else
            return KS_ERR_AT(err, KS_EUNSUPPORTED, b->path, -1, (int64_t)pos,
                             "unknown binlog checksum algorithm %u", alg);
    } else {
        b->has_crc = 0;
    }
    memset(b->post_len, 0, sizeof b->post_len);
    for (size_t i = 0; i < npost && i < 255; i++)
        b->post_len[i + 1] = p[57 + i];
    b->have_fde = 1;
    return 0;
}

int ks_binlog_next(ks_binlog *b, ks_binlog_event *out, ks_err *err)
{
    if (b->fatal)
        return KS_EOF;
    b->rows_ev = NULL;
    if (b->pos >= b->size)
        return KS_EOF;
    uint64_t pos = b->pos;
    uint8_t h[KS_BL_HEADER];
    if (b->size == KS_BINLOG_SIZE_UNKNOWN) {
        /* a stream: the end is where a read comes back short */
        size_t got = read_got(b, pos, h, KS_BL_HEADER);
        if (got == 0)
            return KS_EOF;
        if (got < KS_BL_HEADER) {
            b->fatal = 1;
            b->st.bytes_unread = got;
            return KS_CORRUPT(err, b->path, -1, (int64_t)pos,
                              "truncated: %zu bytes left, less than an event header", got);
        }
    } else if (!ks_fits(pos, KS_BL_HEADER, b->size) || read_exact(b, pos, h, KS_BL_HEADER) != 0) {
        b->fatal = 1;
        b->st.bytes_unread = b->size - pos;
        return KS_CORRUPT(err, b->path, -1, (int64_t)pos,
                          "truncated: %llu bytes left, less than an event header",
                          (unsigned long long)(b->size - pos));
    }
    uint32_t size = le32(h + 9);
    if (size < KS_BL_HEADER || size > KS_BL_MAX_EVENT) {
        b->fatal = 1;
        b->st.bytes_unread = b->size == KS_BINLOG_SIZE_UNKNOWN ? 0 : b->size - pos;
        return KS_CORRUPT(err, b->path, -1, (int64_t)pos,
                          "event length %u is impossible (type %u); cannot find the next event",
                          size, h[4]);
    }
    if (!ks_fits(pos, size, b->size)) {
        b->fatal = 1;
        b->st.bytes_unread = b->size - pos;
        return KS_CORRUPT(err, b->path, -1, (int64_t)pos,
                          "truncated %s event: %u bytes declared, %llu present",
                          ks_binlog_type_name(h[4]), size, (unsigned long long)(b->size - pos));
    }
    if (b->size == KS_BINLOG_SIZE_UNKNOWN) {
        /* a stream: the declared length is not yet known to exist, so the buffer grows with
         * the bytes that arrive (a damaged length costs memory only for what is there) */
        size_t have = 0;
        while (have < size) {
            size_t chunk = size - have, step = have > 65536 ? have : 65536;
            if (chunk > step)
                chunk = step;
            if (have + chunk > b->evcap) {
                size_t cap = b->evcap ? b->evcap : 4096;
                while (cap < have + chunk)
                    cap *= 2;
                uint8_t *nb = realloc(b->evbuf, cap);
                if (!nb)
                    return KS_ERR(err, KS_ENOMEM, "out of memory for a %u-byte event", size);
                b->evbuf = nb;
                b->evcap = cap;
            }
            size_t got = read_got(b, pos + have, b->evbuf + have, chunk);
            have += got;
            if (got < chunk) {
                b->fatal = 1;
                b->st.bytes_unread = have;
                return KS_CORRUPT(err, b->path, -1, (int64_t)pos,
                                  "truncated %s event: %u bytes declared, %zu present",
                                  ks_binlog_type_name(h[4]), size, have);
            }
        }
    } else if (size > b->evcap) {
        size_t cap = b->evcap ? b->evcap : 4096;
        while (cap < size)
            cap *= 2;
        uint8_t *nb = realloc(b->evbuf, cap);
        if (!nb)
            return KS_ERR(err, KS_ENOMEM, "out of memory for a %u-byte event", size);
        b->evbuf = nb;
        b->evcap = cap;
    }
    if (b->size == KS_BINLOG_SIZE_UNKNOWN) {
        /* read above */
    } else if (read_exact(b, pos, b->evbuf, size) != 0) {
        b->fatal = 1;
        return KS_ERR_AT(err, KS_EIO, b->path, -1, (int64_t)pos, "read failed");
    }
    const uint8_t *ev = b->evbuf;
    b->pos = pos + size;
    b->st.events++;
    memset(out, 0, sizeof *out);
    out->pos = pos;
    out->when = le32(ev);
    out->type = ev[4];
    out->server_id = le32(ev + 5);
    out->size = size;
    out->end_pos = le32(ev + 13);
    out->flags = le16(ev + 17);
    out->crc_ok = -1;
    int rc = 0;
    if (out->type == KS_BL_FORMAT_DESCRIPTION) {
        rc = handle_fde(b, ev, size, err, pos);
        if (rc) {
            b->st.bad_events++;
            if (rc == KS_EUNSUPPORTED)
                b->fatal = 1;
        }
    }
    size_t body = size;
    if (b->has_crc && size >= KS_BL_HEADER + 4) {
        body = size - 4;
        uint32_t want = le32(ev + body);
        uint32_t got;
        if (out->type == KS_BL_FORMAT_DESCRIPTION && (ev[17] & 1)) {
            /* MySQL log_event.cc: the FDE checksum is computed with LOG_EVENT_BINLOG_IN_USE_F
             * (flags bit 0, set while the server has the binlog open) cleared */
            uint8_t fl = (uint8_t)(ev[17] & ~1u);
            uLong c = crc32(0L, ev, 17);
            c = crc32(c, &fl, 1);
            got = (uint32_t)crc32(c, ev + 18, (uInt)(body - 18));
        } else {
            got = (uint32_t)crc32(0L, ev, (uInt)body);
        }
        out->crc_ok = want == got;
        if (!out->crc_ok && !rc) {
            b->st.bad_checksum++;
            rc = KS_CORRUPT(err, b->path, -1, (int64_t)pos,
                            "%s event: CRC32 mismatch (stored 0x%08x, computed 0x%08x)",
                            ks_binlog_type_name(out->type), want, got);
        }
    }
    out->post = ev + KS_BL_HEADER;
    out->post_len = body - KS_BL_HEADER;
    if (!strcmp(ks_binlog_type_name(out->type), "Unknown")) {
        /* listed and skipped (its length is known), but reported: it was not decoded */
        b->st.unknown_type++;
        if (!rc)
            rc = KS_ERR_AT(err, KS_EUNSUPPORTED, b->path, -1, (int64_t)pos,
                           "unknown event type %u (%u bytes) skipped", out->type, size);
    }
    /* GTID bookkeeping */
    if (out->type == KS_BL_MARIA_GTID && out->post_len >= 13) {
        snprintf(b->gtid, sizeof b->gtid, "%u-%u-%llu", le32(out->post + 8), out->server_id,
                 (unsigned long long)le64(out->post));
    } else if (out->type == KS_BL_GTID && out->post_len >= 25) {
        const uint8_t *s = out->post + 1;
        snprintf(b->gtid, sizeof b->gtid,
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x:%llu",
                 s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11],
                 s[12], s[13], s[14], s[15], (unsigned long long)le64(out->post + 17));
    } else if (out->type == KS_BL_ANONYMOUS_GTID) {
        b->gtid[0] = '\0';
    }
    if (out->type == KS_BL_TABLE_MAP) {
        /* table map problems are reported, the stream goes on */
        int trc = table_map(b, out, rc ? NULL : err);
        if (trc && !rc)
            rc = trc;
    }
    return rc;
}

/* ---- table maps ----------------------------------------------------------------------- */
static ks_binlog_table *find_table(ks_binlog *b, uint64_t id)
{
    for (size_t i = 0; i < b->ntables; i++)
        if (b->tables[i]->id == id)
            return b->tables[i];
    return NULL;
}

static int meta_len(uint8_t type)
{
    switch (type) {
    case 4: case 5: case 17: case 18: case 19: case 245: case 249: case 250: case 251:
    case 252: case 255: case 20:
        return 1;
    case 15: case 16: case 246: case 247: case 248: case 253: case 254: case 0:
        return 2;
    default:
        return 0;
    }
}

static int str_dup_n(char *dst, size_t cap, const uint8_t *p, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, p, n);
    dst[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (dst[i] == '\0')
            dst[i] = '?';
    return 0;
}

static int table_map(ks_binlog *b, const ks_binlog_event *ev, ks_err *err)
{
    cur c = {ev->post, ev->post_len, 0};
    const uint8_t *p;
    ks_binlog_table *t = NULL;
    int rc = 0;
    size_t idlen = b->post_len[KS_BL_TABLE_MAP] == 6 ? 4 : 6;
    int64_t off = (int64_t)ev->pos;
    if (cur_take(&c, idlen, &p))
        goto bad;
    uint64_t id = leN(p, (int)idlen);
    if (cur_take(&c, 2, &p))
        goto bad;
    t = calloc(1, sizeof *t);
    if (!t)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    t->id = id;
    if (cur_take(&c, 1, &p))
        goto bad;
    size_t dl = *p;
    if (cur_take(&c, dl + 1, &p))
        goto bad;
    str_dup_n(t->db, sizeof t->db, p, dl);
    if (cur_take(&c, 1, &p))
        goto bad;
    size_t tl = *p;
    if (cur_take(&c, tl + 1, &p))
        goto bad;
    str_dup_n(t->name, sizeof t->name, p, tl);
    uint64_t ncols;
    if (cur_packed(&c, &ncols) || ncols == 0 || ncols > KS_BL_MAX_COLS)
        goto bad;
    t->ncols = (uint32_t)ncols;
    t->types = calloc(ncols, 1);
    t->meta = calloc(ncols, sizeof *t->meta);
    t->unsigned_ = calloc(ncols, 1);
    if (!t->types || !t->meta || !t->unsigned_) {
        free_table(t);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    if (cur_take(&c, ncols, &p))
        goto bad;
    memcpy(t->types, p, ncols);
    uint64_t mlen;
    if (cur_packed(&c, &mlen) || cur_take(&c, mlen, &p))
        goto bad;
    {
        cur m = {p, (size_t)mlen, 0};
        for (uint32_t i = 0; i < t->ncols; i++) {
            int k = meta_len(t->types[i]);
            const uint8_t *q;
            if (k == 0)
                continue;
            if (cur_take(&m, (size_t)k, &q))
                goto bad;
            if (k == 1)
                t->meta[i] = q[0];
            else if (t->types[i] == 254 || t->types[i] == 247 || t->types[i] == 248 ||
                     t->types[i] == 246 || t->types[i] == 0)
                t->meta[i] = (uint16_t)((q[0] << 8) | q[1]); /* (real_type|precision) << 8 | len/scale */
            else
                t->meta[i] = le16(q);
        }
    }
    if (cur_take(&c, (ncols + 7) / 8, &p))
        goto bad;
    /* optional metadata (MySQL 8.0 binlog_row_metadata, MariaDB 10.5+): TLV fields */
    for (size_t guard = 0; c.i < c.n && guard < 64; guard++) {
        const uint8_t *tp;
        uint64_t len;
        if (cur_take(&c, 1, &tp) || cur_packed(&c, &len) || cur_take(&c, len, &p))
            break; /* optional: ignore a damaged tail */
        if (*tp == 1) { /* SIGNEDNESS: one bit per numeric column, MSB first */
            uint32_t k = 0;
            for (uint32_t i = 0; i < t->ncols; i++) {
                uint8_t ty = t->types[i];
                int numeric = ty == 1 || ty == 2 || ty == 3 || ty == 8 || ty == 9 || ty == 4 ||
                              ty == 5 || ty == 246 || ty == 0;
                if (!numeric)
                    continue;
                if (k / 8 < len)
                    t->unsigned_[i] = (p[k / 8] >> (7 - k % 8)) & 1;
                k++;
            }
        } else if (*tp == 4 && !t->colnames) { /* COLUMN_NAME: packed length + name each */
            cur nc = {p, (size_t)len, 0};
            t->colnames = calloc(t->ncols, sizeof *t->colnames);
            if (!t->colnames)
                break;
            for (uint32_t i = 0; i < t->ncols; i++) {
                uint64_t L;
                const uint8_t *np;
                if (cur_packed(&nc, &L) || L > 1024 || cur_take(&nc, L, &np))
                    break;
                t->colnames[i] = malloc(L + 1);
                if (!t->colnames[i])
                    break;
                str_dup_n(t->colnames[i], L + 1, np, L);
            }
        }
    }
    if (!t->colnames)
        attach_schema(b, t);
    /* replace a previous map for the same id, else append (bounded: evict round-robin) */
    for (size_t i = 0; i < b->ntables; i++)
        if (b->tables[i]->id == id) {
            free_table(b->tables[i]);
            b->tables[i] = t;
            return 0;
        }
    if (b->ntables < KS_BL_MAX_TABLES) {
        b->tables[b->ntables++] = t;
    } else {
        size_t k = b->evict++ % KS_BL_MAX_TABLES;
        free_table(b->tables[k]);
        b->tables[k] = t;
    }
    return 0;
bad:
    free_table(t);
    b->st.bad_events++;
    rc = KS_CORRUPT(err, b->path, -1, off + KS_BL_HEADER + (int64_t)c.i,
                    "Table_map event is malformed (ends or overflows at byte %zu of %zu)", c.i,
                    c.n);
    return rc;
}

/* ---- rows ----------------------------------------------------------------------------- */
int ks_binlog_is_rows(unsigned t)
{
    return (t >= 23 && t <= 25) || (t >= 30 && t <= 32) || (t >= 166 && t <= 171);
}

static ks_binlog_op rows_op(unsigned t)
{
    switch (t) {
    case 23: case 30: case 166: case 169: return KS_BL_OP_INSERT;
    case 24: case 31: case 167: case 170: return KS_BL_OP_UPDATE;
    default: return KS_BL_OP_DELETE;
    }
}

/* MariaDB compressed payload: header byte 0x80 | (alg << 4) | lenlen, then the
 * uncompressed length big-endian in lenlen bytes, then a zlib stream (alg 0). */
static int mariadb_uncompress(ks_binlog *b, const uint8_t *src, size_t n, const uint8_t **out,
                              size_t *out_n)
{
    if (n < 1 || !(src[0] & 0x80) || ((src[0] >> 4) & 7) != 0)
        return -1;
    int lenlen = src[0] & 7;
    if (lenlen < 1 || lenlen > 4 || (size_t)lenlen + 1 > n)
        return -1;
    uint64_t ulen = beN(src + 1, lenlen);
    if (ulen > KS_BL_MAX_UNCOMPRESSED || ulen > (uint64_t)n * 1032 + 64)
        return -1; /* zlib cannot expand more than ~1032:1 */
    if (ulen + 1 > b->unz_cap) {
        uint8_t *nb = realloc(b->unz, ulen + 1);
        if (!nb)
            return -1;
        b->unz = nb;
        b->unz_cap = ulen + 1;
    }
    uLongf dl = (uLongf)ulen;
    if (uncompress(b->unz, &dl, src + 1 + lenlen, (uLong)(n - 1 - (size_t)lenlen)) != Z_OK ||
        dl != ulen)
        return -1;
    *out = b->unz;
    *out_n = (size_t)dl;
    return 0;
}

int ks_binlog_rows_begin(ks_binlog *b, const ks_binlog_event *ev, ks_err *err)
{
    b->rows_ev = NULL;
    if (!ks_binlog_is_rows(ev->type))
        return KS_ERR(err, KS_EUSAGE, "not a rows event");
    cur c = {ev->post, ev->post_len, 0};
    const uint8_t *p;
    int64_t off = (int64_t)ev->pos + KS_BL_HEADER;
    size_t idlen = b->post_len[ev->type] == 6 ? 4 : 6;
    if (cur_take(&c, idlen, &p))
        goto bad;
    uint64_t id = leN(p, (int)idlen);
    if (cur_take(&c, 2, &p))
        goto bad;
    if (ev->type >= 30 && ev->type <= 32) {
        if (cur_take(&c, 2, &p))
            goto bad;
        uint16_t xl = le16(p);
        if (xl < 2 || cur_take(&c, xl - 2u, &p))
            goto bad;
    }
    ks_binlog_table *t = find_table(b, id);
    if (!t) {
        b->st.bad_events++;
        return KS_ERR_AT(err, KS_ENOTFOUND, b->path, -1, (int64_t)ev->pos,
                         "%s event for table id %llu without a preceding Table_map",
                         ks_binlog_type_name(ev->type), (unsigned long long)id);
    }
    uint64_t width;
    if (cur_packed(&c, &width) || width > KS_BL_MAX_COLS)
        goto bad;
    if (width != t->ncols) {
        b->st.bad_events++;
        return KS_CORRUPT(err, b->path, -1, off + (int64_t)c.i,
                          "rows event has %llu columns, its table map `%s`.`%s` has %u",
                          (unsigned long long)width, t->db, t->name, t->ncols);
    }
    size_t bm = (width + 7) / 8;
    uint8_t *bi = realloc(b->cols_bi, bm + 1), *ai;
    if (!bi)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    b->cols_bi = bi;
    ai = realloc(b->cols_ai, bm + 1);
    if (!ai)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    b->cols_ai = ai;
    if (cur_take(&c, bm, &p))
        goto bad;
    memcpy(bi, p, bm);
    ks_binlog_op op = rows_op(ev->type);
    if (op == KS_BL_OP_UPDATE) {
        if (cur_take(&c, bm, &p))
            goto bad;
        memcpy(ai, p, bm);
    } else {
        memcpy(ai, bi, bm);
    }
    if (width > b->vals_cap) {
        ks_bv *v1 = realloc(b->vals_before, width * sizeof *v1);
        if (!v1)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        b->vals_before = v1;
        ks_bv *v2 = realloc(b->vals_after, width * sizeof *v2);
        if (!v2)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        b->vals_after = v2;
        b->vals_cap = width;
    }
    const uint8_t *rows = c.p + c.i;
    size_t nrows = c.n - c.i;
    b->rbase_off = (uint64_t)off + c.i;
    if (ev->type >= 166) {
        const uint8_t *u;
        size_t un;
        if (mariadb_uncompress(b, rows, nrows, &u, &un) != 0) {
            b->st.bad_events++;
            return KS_CORRUPT(err, b->path, -1, (int64_t)b->rbase_off,
                              "compressed rows of %s could not be uncompressed",
                              ks_binlog_type_name(ev->type));
        }
        rows = u;
        nrows = un;
    }
    b->rows_ev = ev;
    b->rows_tbl = t;
    b->rows_op = op;
    b->rows_ncols = (uint32_t)width;
    b->rbase = rows;
    b->rp = rows;
    b->rend = rows + nrows;
    return 0;
bad:
    b->st.bad_events++;
    return KS_CORRUPT(err, b->path, -1, off + (int64_t)c.i, "%s event header is malformed",
                      ks_binlog_type_name(ev->type));
}

/* ---- value decoding ------------------------------------------------------------------ */
/* Writes v in decimal, zero-padded to `width` digits, at dst; returns the digits written.
 * (The decoder formats millions of values: snprintf dominated the profile.) */
static size_t put_digits(char *dst, uint64_t v, int width)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof tmp);
    while ((int)n < width && n < sizeof tmp)
        tmp[n++] = '0';
    for (size_t i = 0; i < n; i++)
        dst[i] = tmp[n - 1 - i];
    return n;
}

static const int dig2bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

/* Packed DECIMAL (MySQL decimal2bin): integer part then fraction, groups of 9 digits in
 * 4 big-endian bytes, leftover digits in dig2bytes[] bytes; the sign is the top bit of the
 * first byte inverted, and negative numbers have every byte inverted. */
static int decode_decimal(const uint8_t *p, size_t avail, int prec, int scale, char *out,
                          size_t cap, size_t *used)
{
    if (prec < 1 || prec > 65 || scale < 0 || scale > 30 || scale > prec)
        return -1;
    int intg = prec - scale;
    int intg0 = intg / 9, intg0x = intg % 9, frac0 = scale / 9, frac0x = scale % 9;
    size_t size = (size_t)(intg0 * 4 + dig2bytes[intg0x] + frac0 * 4 + dig2bytes[frac0x]);
    if (size > avail || size > 40)
        return -1;
    uint8_t buf[40];
    memcpy(buf, p, size);
    int neg = !(buf[0] & 0x80);
    buf[0] ^= 0x80;
    if (neg)
        for (size_t i = 0; i < size; i++)
            buf[i] = (uint8_t)~buf[i];
    char digits[80];
    size_t nd = 0;
    size_t i = 0;
    if (intg0x) {
        int k = dig2bytes[intg0x];
        uint64_t v = beN(buf + i, k);
        i += (size_t)k;
        if (put_digits(digits + nd, v, intg0x) != (size_t)intg0x)
            return -1; /* more digits than the precision allows: damaged */
        nd += (size_t)intg0x;
    }
    for (int g = 0; g < intg0; g++) {
        uint64_t v = beN(buf + i, 4);
        i += 4;
        if (v > 999999999 || put_digits(digits + nd, v, 9) != 9)
            return -1;
        nd += 9;
    }
    /* strip leading zeros of the integer part, keep one */
    size_t lead = 0;
    while (lead + 1 < nd && digits[lead] == '0')
        lead++;
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (nd == 0) {
        out[o++] = '0';
    } else {
        memcpy(out + o, digits + lead, nd - lead);
        o += nd - lead;
    }
    if (scale > 0) {
        out[o++] = '.';
        for (int g = 0; g < frac0; g++) {
            uint64_t v = beN(buf + i, 4);
            i += 4;
            if (v > 999999999 || o + 9 >= cap)
                return -1;
            o += put_digits(out + o, v, 9);
        }
        if (frac0x) {
            int k = dig2bytes[frac0x];
            uint64_t v = beN(buf + i, k);
            i += (size_t)k;
            char tmp[24];
            if (put_digits(tmp, v, frac0x) != (size_t)frac0x || o + (size_t)frac0x >= cap)
                return -1;
            memcpy(out + o, tmp, (size_t)frac0x);
            o += (size_t)frac0x;
        }
    }
    out[o] = '\0';
    *used = size;
    return 0;
}

static void frac_text(char *dst, size_t cap, uint64_t usec, int fsp)
{
    if (fsp <= 0 || fsp > 6 || cap < 8) {
        dst[0] = '\0';
        return;
    }
    char six[8];
    put_digits(six, usec % 1000000, 6);
    dst[0] = '.';
    memcpy(dst + 1, six, (size_t)fsp);
    dst[1 + fsp] = '\0';
}

/* Decodes one non-NULL value of column type `type` / metadata `meta` at p (avail bytes).
 * Returns the bytes used, or 0 when the value does not fit or is malformed. */
static size_t decode_value(ks_bv *v, uint8_t type, uint16_t meta, int is_unsigned,
                           const uint8_t *p, size_t avail)
{
    memset(v, 0, sizeof *v);
    size_t used = 0;
    uint8_t real = type;
    uint32_t length = 0;
    if (type == 254 && meta >= 256) {
        uint8_t b0 = (uint8_t)(meta >> 8), b1 = (uint8_t)(meta & 0xff);
        if ((b0 & 0x30) != 0x30) { /* long CHAR: length bits folded into the type byte */
            length = b1 | ((uint32_t)((b0 & 0x30) ^ 0x30) << 4);
            real = (uint8_t)(b0 | 0x30);
        } else {
            real = b0;
            length = b1;
        }
    } else if (type == 254) {
        length = meta;
    }
    switch (real) {
    case 1: case 2: case 9: case 3: case 8: { /* TINY SHORT INT24 LONG LONGLONG */
        int k = real == 1 ? 1 : real == 2 ? 2 : real == 9 ? 3 : real == 3 ? 4 : 8;
        if ((size_t)k > avail)
            return 0;
        uint64_t u = leN(p, k);
        int64_t s;
        if (k == 8)
            s = (int64_t)u;
        else if (u & ((uint64_t)1 << (8 * k - 1)))
            s = (int64_t)(u - ((uint64_t)1 << (8 * k)));
        else
            s = (int64_t)u;
        v->kind = KS_BV_INT;
        v->i = s;
        v->u = u;
        v->nbytes = is_unsigned ? -k : k; /* negative: the column is known UNSIGNED */
        return (size_t)k;
    }
    case 4: { /* FLOAT */
        if (avail < 4)
            return 0;
        uint32_t bits = le32(p);
        float f;
        memcpy(&f, &bits, 4);
        v->kind = KS_BV_FLOAT;
        v->d = f;
        return 4;
    }
    case 5: { /* DOUBLE */
        if (avail < 8)
            return 0;
        uint64_t bits = le64(p);
        double d;
        memcpy(&d, &bits, 8);
        v->kind = KS_BV_DOUBLE;
        v->d = d;
        return 8;
    }
    case 246: { /* NEWDECIMAL: meta = precision << 8 | scale */
        if (decode_decimal(p, avail, meta >> 8, meta & 0xff, v->text, sizeof v->text, &used))
            return 0;
        v->kind = KS_BV_DECIMAL;
        return used;
    }
    case 13: /* YEAR */
        if (avail < 1)
            return 0;
        v->kind = KS_BV_YEAR;
        v->i = p[0] ? 1900 + p[0] : 0;
        return 1;
    case 10: case 14: { /* DATE, NEWDATE: 3 bytes, day 5 bits, month 4, year 15 */
        if (avail < 3)
            return 0;
        uint32_t x = le24(p);
        v->kind = KS_BV_TEMPORAL;
        snprintf(v->text, sizeof v->text, "%04u:%02u:%02u", x >> 9, (x >> 5) & 15, x & 31);
        return 3;
    }
    case 11: { /* old TIME: HHMMSS as a signed 3-byte integer */
        if (avail < 3)
            return 0;
        uint32_t x = le24(p);
        int32_t s = (x & 0x800000) ? (int32_t)(x | 0xff000000u) : (int32_t)x;
        uint32_t a = s < 0 ? (uint32_t)(-(int64_t)s) : (uint32_t)s;
        v->kind = KS_BV_TEMPORAL;
        snprintf(v->text, sizeof v->text, "%s%02u:%02u:%02u", s < 0 ? "-" : "", a / 10000,
                 (a / 100) % 100, a % 100);
        return 3;
    }
    case 12: { /* old DATETIME: YYYYMMDDhhmmss as an 8-byte integer */
        if (avail < 8)
            return 0;
        uint64_t x = le64(p);
        uint64_t d = x / 1000000, t = x % 1000000;
        v->kind = KS_BV_TEMPORAL;
        snprintf(v->text, sizeof v->text, "%04llu-%02llu-%02llu %02llu:%02llu:%02llu",
                 (unsigned long long)(d / 10000), (unsigned long long)(d / 100 % 100),
                 (unsigned long long)(d % 100), (unsigned long long)(t / 10000),
                 (unsigned long long)(t / 100 % 100), (unsigned long long)(t % 100));
        return 8;
    }
    case 7: /* old TIMESTAMP: seconds u32 LE */
        if (avail < 4)
            return 0;
        v->kind = KS_BV_TIMESTAMP;
        v->i = le32(p);
        snprintf(v->text, sizeof v->text, "%lld", (long long)v->i);
        return 4;
    case 17: { /* TIMESTAMP2: seconds u32 BE + fraction BE ((fsp+1)/2 bytes) */
        int fsp = meta;
        if (fsp > 6)
            return 0;
        size_t fb = (size_t)(fsp + 1) / 2;
        if (avail < 4 + fb)
            return 0;
        uint64_t sec = beN(p, 4);
        uint64_t frac = beN(p + 4, (int)fb);
        uint64_t usec = fsp <= 0 ? 0 : fsp <= 2 ? frac * 10000 : fsp <= 4 ? frac * 100 : frac;
        v->kind = KS_BV_TIMESTAMP;
        v->i = (int64_t)sec;
        v->u = usec;
        v->nbytes = fsp;
        char fr[16];
        frac_text(fr, sizeof fr, usec, fsp);
        snprintf(v->text, sizeof v->text, "%llu%s", (unsigned long long)sec, fr);
        return 4 + fb;
    }
    case 18: { /* DATETIME2: 5 bytes BE, sign bit, year*13+month 17 bits, day 5, h 5, m 6, s 6 */
        int fsp = meta;
        if (fsp > 6)
            return 0;
        size_t fb = (size_t)(fsp + 1) / 2;
        if (avail < 5 + fb)
            return 0;
        int64_t ip = (int64_t)beN(p, 5) - (int64_t)0x8000000000LL;
        uint64_t frac = beN(p + 5, (int)fb);
        uint64_t usec = fsp <= 0 ? 0 : fsp <= 2 ? frac * 10000 : fsp <= 4 ? frac * 100 : frac;
        uint64_t a = ip < 0 ? (uint64_t)(-ip) : (uint64_t)ip;
        uint64_t ymd = a >> 17, ym = ymd >> 5, hms = a & 0x1ffff;
        char fr[16];
        frac_text(fr, sizeof fr, usec, fsp);
        v->kind = KS_BV_TEMPORAL;
        char *o = v->text;
        if (ip < 0)
            *o++ = '-';
        o += put_digits(o, ym / 13, 4);
        *o++ = '-';
        o += put_digits(o, ym % 13, 2);
        *o++ = '-';
        o += put_digits(o, ymd & 31, 2);
        *o++ = ' ';
        o += put_digits(o, hms >> 12, 2);
        *o++ = ':';
        o += put_digits(o, (hms >> 6) & 63, 2);
        *o++ = ':';
        o += put_digits(o, hms & 63, 2);
        memcpy(o, fr, strlen(fr) + 1);
        return 5 + fb;
    }
    case 19: { /* TIME2: 3 bytes BE + fraction; packed as (int << 24) + frac, see MySQL
                * my_time_packed_from_binary */
        int fsp = meta;
        if (fsp > 6)
            return 0;
        size_t fb = (size_t)(fsp + 1) / 2;
        if (avail < 3 + fb)
            return 0;
        int64_t packed;
        if (fsp == 0) {
            packed = ((int64_t)beN(p, 3) - 0x800000) * ((int64_t)1 << 24);
        } else if (fsp <= 2) {
            int64_t ip = (int64_t)beN(p, 3) - 0x800000;
            int64_t fr = (int8_t)p[3];
            if (ip < 0 && fr) {
                ip++;
                fr -= 0x100;
            }
            packed = ip * ((int64_t)1 << 24) + fr * 10000;
        } else if (fsp <= 4) {
            int64_t ip = (int64_t)beN(p, 3) - 0x800000;
            int64_t fr = (int64_t)beN(p + 3, 2);
            if (ip < 0 && fr) {
                ip++;
                fr -= 0x10000;
            }
            packed = ip * ((int64_t)1 << 24) + fr * 100;
        } else {
            packed = (int64_t)beN(p, 6) - (int64_t)0x800000000000LL;
        }
        int neg = packed < 0;
        uint64_t a = neg ? (uint64_t)(-packed) : (uint64_t)packed;
        uint64_t hms = a >> 24, usec = a % ((uint64_t)1 << 24);
        char fr[16];
        frac_text(fr, sizeof fr, usec, fsp);
        v->kind = KS_BV_TEMPORAL;
        snprintf(v->text, sizeof v->text, "%s%02llu:%02llu:%02llu%s", neg ? "-" : "",
                 (unsigned long long)((hms >> 12) % 1024), (unsigned long long)((hms >> 6) % 64),
                 (unsigned long long)(hms % 64), fr);
        return 3 + fb;
    }
    case 16: { /* BIT: meta = bytes << 8 | bits%8 */
        uint32_t nbits = (meta >> 8) * 8u + (meta & 0xff);
        size_t nb = (nbits + 7) / 8;
        if (nb > avail || nbits > 64 || nbits == 0)
            return 0;
        uint64_t x = beN(p, (int)nb);
        v->kind = KS_BV_BIT;
        for (uint32_t i = 0; i < nbits; i++)
            v->text[i] = (char)('0' + ((x >> (nbits - 1 - i)) & 1));
        v->text[nbits] = '\0';
        v->u = x;
        return nb;
    }
    case 247: { /* ENUM: 1 or 2 bytes */
        size_t k = type == 254 ? length : (meta & 0xff);
        if (k != 1 && k != 2)
            return 0;
        if (avail < k)
            return 0;
        v->kind = KS_BV_ENUM;
        v->u = leN(p, (int)k);
        return k;
    }
    case 248: { /* SET: 1..8 bytes bitmap */
        size_t k = type == 254 ? length : (meta & 0xff);
        if (k < 1 || k > 8 || avail < k)
            return 0;
        v->kind = KS_BV_SET;
        v->u = leN(p, (int)k);
        v->nbytes = (int)k;
        return k;
    }
    case 15: case 253: { /* VARCHAR / VAR_STRING: 1 or 2 length bytes by max length */
        size_t lb = meta > 255 ? 2 : 1;
        if (avail < lb)
            return 0;
        size_t L = (size_t)leN(p, (int)lb);
        if (!ks_fits(lb, L, avail))
            return 0;
        v->kind = KS_BV_STRING;
        v->p = p + lb;
        v->n = L;
        return lb + L;
    }
    case 254: { /* CHAR/BINARY: length prefix of 1 byte, 2 when the max is > 255 */
        size_t lb = length > 255 ? 2 : 1;
        if (avail < lb)
            return 0;
        size_t L = (size_t)leN(p, (int)lb);
        if (!ks_fits(lb, L, avail))
            return 0;
        v->kind = KS_BV_STRING;
        v->p = p + lb;
        v->n = L;
        return lb + L;
    }
    case 249: case 250: case 251: case 252: case 245: case 255: { /* BLOBs, JSON, GEOMETRY */
        size_t lb = meta;
        if (lb < 1 || lb > 4 || avail < lb)
            return 0;
        size_t L = (size_t)leN(p, (int)lb);
        if (!ks_fits(lb, L, avail))
            return 0;
        v->kind = real == 245 ? KS_BV_JSON : real == 255 ? KS_BV_OTHER : KS_BV_STRING;
        v->p = p + lb;
        v->n = L;
        return lb + L;
    }
    case 0: { /* old DECIMAL (pre-5.0): ASCII digits; meta = precision << 8 | scale */
        return 0;
    }
    default:
        return 0;
    }
}

static int popcount_bits(const uint8_t *bm, uint32_t n)
{
    int c = 0;
    for (uint32_t i = 0; i < n; i++)
        c += (bm[i / 8] >> (i % 8)) & 1;
    return c;
}

static int read_image(ks_binlog *b, const uint8_t *present, ks_bv *vals, ks_err *err)
{
    ks_binlog_table *t = b->rows_tbl;
    uint32_t n = b->rows_ncols;
    size_t avail = (size_t)(b->rend - b->rp);
    int npresent = popcount_bits(present, n);
    size_t nb = ((size_t)npresent + 7) / 8;
    if (nb > avail)
        return KS_CORRUPT(err, b->path, -1, (int64_t)(b->rbase_off + (size_t)(b->rp - b->rbase)),
                          "row image of `%s`.`%s` ends inside its NULL bitmap", t->db, t->name);
    const uint8_t *nulls = b->rp;
    size_t off = nb;
    int k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!((present[i / 8] >> (i % 8)) & 1)) {
            memset(&vals[i], 0, sizeof vals[i]);
            vals[i].kind = KS_BV_ABSENT;
            continue;
        }
        int isnull = (nulls[k / 8] >> (k % 8)) & 1;
        k++;
        if (isnull) {
            memset(&vals[i], 0, sizeof vals[i]);
            vals[i].kind = KS_BV_NULL;
            continue;
        }
        size_t used = decode_value(&vals[i], t->types[i], t->meta[i], t->unsigned_[i],
                                   b->rp + off, avail - off);
        if (used == 0)
            return KS_CORRUPT(err, b->path, -1,
                              (int64_t)(b->rbase_off + (size_t)(b->rp - b->rbase) + off),
                              "row image of `%s`.`%s` does not match its table map at column "
                              "%u (type %u, metadata 0x%x): value runs past the event or is "
                              "malformed",
                              t->db, t->name, i + 1, t->types[i], t->meta[i]);
        off += used;
    }
    b->rp += off;
    return 0;
}

int ks_binlog_rows_next(ks_binlog *b, ks_binlog_row *out, ks_err *err)
{
    if (!b->rows_ev || b->rp >= b->rend)
        return KS_EOF;
    ks_binlog_row r;
    memset(&r, 0, sizeof r);
    r.table = b->rows_tbl;
    r.op = b->rows_op;
    r.offset = b->rbase_off + (size_t)(b->rp - b->rbase);
    int rc;
    if (b->rows_op == KS_BL_OP_INSERT) {
        rc = read_image(b, b->cols_bi, b->vals_after, err);
        r.after = b->vals_after;
    } else {
        rc = read_image(b, b->cols_bi, b->vals_before, err);
        r.before = b->vals_before;
        if (!rc && b->rows_op == KS_BL_OP_UPDATE) {
            rc = read_image(b, b->cols_ai, b->vals_after, err);
            r.after = b->vals_after;
        }
    }
    if (!rc && b->rp == b->rbase + (r.offset - b->rbase_off))
        rc = KS_CORRUPT(err, b->path, -1, (int64_t)r.offset,
                        "rows event of `%s`.`%s` names no columns: its rows take no bytes",
                        b->rows_tbl->db, b->rows_tbl->name);
    if (rc) {
        b->rows_ev = NULL; /* the rest of this event cannot be located */
        b->st.bad_events++;
        return rc;
    }
    b->st.rows++;
    *out = r;
    return 0;
}

/* ---- queries and descriptions -------------------------------------------------------- */
int ks_binlog_query(ks_binlog *b, const ks_binlog_event *ev, ks_str *out_db, ks_str *out_sql,
                    ks_err *err)
{
    cur c = {ev->post, ev->post_len, 0};
    const uint8_t *p;
    if (ev->type == KS_BL_MARIA_ANNOTATE_ROWS) {
        *out_db = KS_STR_NULL;
        out_sql->p = (const char *)ev->post;
        out_sql->n = ev->post_len;
        return 0;
    }
    if (ev->type == KS_BL_ROWS_QUERY) {
        /* 1-byte length (ignored: truncated at 255), then the text to the end */
        if (ev->post_len < 1)
            return KS_CORRUPT(err, b->path, -1, (int64_t)ev->pos, "empty Rows_query event");
        *out_db = KS_STR_NULL;
        out_sql->p = (const char *)ev->post + 1;
        out_sql->n = ev->post_len - 1;
        return 0;
    }
    if (ev->type != KS_BL_QUERY && ev->type != KS_BL_MARIA_QUERY_COMPRESSED &&
        ev->type != KS_BL_EXECUTE_LOAD_QUERY)
        return KS_ENOTFOUND;
    size_t ph = b->post_len[ev->type] ? b->post_len[ev->type] : 13;
    if (ph < 11 || cur_take(&c, ph, &p))
        goto bad;
    size_t dblen = p[8];
    size_t svlen = ph >= 13 ? le16(p + 11) : 0;
    if (cur_take(&c, svlen, &p))
        goto bad;
    if (cur_take(&c, dblen + 1, &p))
        goto bad;
    out_db->p = (const char *)p;
    out_db->n = dblen;
    out_sql->p = (const char *)c.p + c.i;
    out_sql->n = c.n - c.i;
    if (ev->type == KS_BL_MARIA_QUERY_COMPRESSED) {
        const uint8_t *u;
        size_t un;
        if (mariadb_uncompress(b, c.p + c.i, c.n - c.i, &u, &un) != 0)
            return KS_CORRUPT(err, b->path, -1, (int64_t)(ev->pos + KS_BL_HEADER + c.i),
                              "compressed query could not be uncompressed");
        out_sql->p = (const char *)u;
        out_sql->n = un;
    }
    return 0;
bad:
    return KS_CORRUPT(err, b->path, -1, (int64_t)(ev->pos + KS_BL_HEADER + c.i),
                      "%s event is malformed", ks_binlog_type_name(ev->type));
}

static void uuid_text(const uint8_t *s, char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12],
             s[13], s[14], s[15]);
}

int ks_binlog_describe(ks_binlog *b, const ks_binlog_event *ev, ks_buf *out)
{
    const uint8_t *p = ev->post;
    size_t n = ev->post_len;
    switch (ev->type) {
    case KS_BL_FORMAT_DESCRIPTION:
        return ks_buf_printf(out, "Start: binlog v %d, server v %s%s", b->binlog_version,
                             b->server_version,
                             (ev->flags & 1) ? " (in use or not closed properly)" : "");
    case KS_BL_QUERY:
        if (n < 11)
            return ks_buf_puts(out, "Query (malformed)");
        return ks_buf_printf(out, "Query thread_id=%u exec_time=%u error_code=%u", le32(p),
                             le32(p + 4), le16(p + 9));
    case KS_BL_ROTATE: {
        size_t ph = b->post_len[KS_BL_ROTATE] ? b->post_len[KS_BL_ROTATE] : 8;
        if (n < ph || ph < 8)
            return ks_buf_puts(out, "Rotate (malformed)");
        int rc = ks_buf_puts(out, "Rotate to ");
        if (!rc)
            rc = ks_buf_append(out, p + ph, n - ph);
        if (!rc)
            rc = ks_buf_printf(out, "  pos: %llu", (unsigned long long)le64(p));
        return rc;
    }
    case KS_BL_XID:
        if (n < 8)
            return ks_buf_puts(out, "Xid (malformed)");
        return ks_buf_printf(out, "Xid = %llu", (unsigned long long)le64(p));
    case KS_BL_INTVAR:
        if (n < 9)
            return ks_buf_puts(out, "Intvar (malformed)");
        return ks_buf_printf(out, "Intvar %s=%llu",
                             p[0] == 1 ? "LAST_INSERT_ID" : p[0] == 2 ? "INSERT_ID" : "?",
                             (unsigned long long)le64(p + 1));
    case KS_BL_RAND:
        if (n < 16)
            return ks_buf_puts(out, "Rand (malformed)");
        return ks_buf_printf(out, "Rand seed1=%llu seed2=%llu", (unsigned long long)le64(p),
                             (unsigned long long)le64(p + 8));
    case KS_BL_USER_VAR: {
        if (n < 4)
            return ks_buf_puts(out, "User_var (malformed)");
        uint32_t L = le32(p);
        if (!ks_fits(4, L, n))
            return ks_buf_puts(out, "User_var (malformed)");
        int rc = ks_buf_puts(out, "User_var @`");
        if (!rc)
            rc = ks_buf_append(out, p + 4, L);
        if (!rc)
            rc = ks_buf_puts(out, "`");
        if (!rc && ks_fits(4 + (uint64_t)L, 1, n) && p[4 + L])
            rc = ks_buf_puts(out, "=NULL");
        return rc;
    }
    case KS_BL_MARIA_GTID:
        if (n < 13)
            return ks_buf_puts(out, "GTID (malformed)");
        return ks_buf_printf(out, "GTID %s%s", b->gtid, (p[12] & 1) ? " ddl" : " trans");
    case KS_BL_GTID:
        return ks_buf_printf(out, "GTID %s", b->gtid);
    case KS_BL_ANONYMOUS_GTID:
        return ks_buf_puts(out, "Anonymous GTID");
    case KS_BL_MARIA_GTID_LIST: {
        if (n < 4)
            return ks_buf_puts(out, "Gtid list (malformed)");
        uint32_t cnt = le32(p) & 0x0fffffff;
        int rc = ks_buf_puts(out, "Gtid list [");
        for (uint32_t i = 0; i < cnt && !rc && ks_fits(4 + (uint64_t)i * 16, 16, n); i++) {
            const uint8_t *q = p + 4 + (size_t)i * 16;
            rc = ks_buf_printf(out, "%s%u-%u-%llu", i ? ",\n# " : "", le32(q), le32(q + 4),
                               (unsigned long long)le64(q + 8));
        }
        if (!rc)
            rc = ks_buf_puts(out, "]");
        return rc;
    }
    case KS_BL_PREVIOUS_GTIDS: {
        if (n < 8)
            return ks_buf_puts(out, "Previous-GTIDs (malformed)");
        uint64_t ns = le64(p);
        size_t o = 8;
        int rc = ks_buf_puts(out, "Previous-GTIDs ");
        for (uint64_t i = 0; i < ns && !rc && ks_fits(o, 24, n); i++) {
            char u[37];
            uuid_text(p + o, u);
            uint64_t ni = le64(p + o + 16);
            o += 24;
            rc = ks_buf_printf(out, "%s%s", i ? "," : "", u);
            for (uint64_t k = 0; k < ni && !rc && ks_fits(o, 16, n); k++) {
                uint64_t s = le64(p + o), e = le64(p + o + 8);
                o += 16;
                if (e == s + 1)
                    rc = ks_buf_printf(out, ":%llu", (unsigned long long)s);
                else
                    rc = ks_buf_printf(out, ":%llu-%llu", (unsigned long long)s,
                                       (unsigned long long)(e - 1));
            }
        }
        return rc;
    }
    case KS_BL_MARIA_BINLOG_CHECKPOINT: {
        if (n < 4 || !ks_fits(4, le32(p), n))
            return ks_buf_puts(out, "Binlog checkpoint (malformed)");
        int rc = ks_buf_puts(out, "Binlog checkpoint ");
        return rc ? rc : ks_buf_append(out, p + 4, le32(p));
    }
    case KS_BL_INCIDENT: {
        if (n < 3)
            return ks_buf_puts(out, "Incident (malformed)");
        int rc = ks_buf_printf(out, "Incident %u ", le16(p));
        size_t L = p[2];
        if (!rc && ks_fits(3, L, n))
            rc = ks_buf_append(out, p + 3, L);
        return rc;
    }
    case KS_BL_HEARTBEAT:
        return ks_buf_puts(out, "Heartbeat");
    case KS_BL_TABLE_MAP: {
        size_t idlen = b->post_len[KS_BL_TABLE_MAP] == 6 ? 4 : 6;
        if (n < idlen)
            return ks_buf_puts(out, "Table_map (malformed)");
        uint64_t id = leN(p, (int)idlen);
        ks_binlog_table *t = find_table(b, id);
        if (!t)
            return ks_buf_printf(out, "Table_map: table id %llu (malformed)",
                                 (unsigned long long)id);
        return ks_buf_printf(out, "Table_map: `%s`.`%s` mapped to number %llu", t->db, t->name,
                             (unsigned long long)id);
    }
    default:
        if (ks_binlog_is_rows(ev->type)) {
            size_t idlen = b->post_len[ev->type] == 6 ? 4 : 6;
            if (n < idlen + 2)
                return ks_buf_printf(out, "%s (malformed)", ks_binlog_type_name(ev->type));
            return ks_buf_printf(out, "%s: table id %llu%s", ks_binlog_type_name(ev->type),
                                 (unsigned long long)leN(p, (int)idlen),
                                 (le16(p + idlen) & 1) ? " flags: STMT_END_F" : "");
        }
        return ks_buf_puts(out, ks_binlog_type_name(ev->type));
    }
}

/* ---- MySQL binary JSON ---------------------------------------------------------------
 * MySQL 5.7+ stores JSON columns in a binary form (sql-common/json_binary.h, WL#8132):
 *   value   = type byte + data
 *   object  = count, size, key entries (offset, u16 length), value entries, keys, values
 *   array   = count, size, value entries, values
 * count/size/offsets are u16 in the small forms (types 0x00, 0x02) and u32 in the large
 * ones (0x01, 0x03), little-endian, offsets relative to the object's count field. A value
 * entry is a type byte and either an offset or, for literals and 16-bit integers (and 32-bit
 * ones in large forms), the value itself. Strings carry a 7-bit varint length. */
#define KS_JSON_MAX_DEPTH 100

static int json_num_double(ks_buf *out, double d)
{
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return ks_buf_puts(out, tmp);
}

static int json_bin_value(ks_buf *out, uint8_t type, const uint8_t *p, size_t n, int depth);

static int json_varlen(const uint8_t *p, size_t n, size_t *len, size_t *used)
{
    size_t v = 0;
    for (size_t i = 0; i < 5 && i < n; i++) {
        v |= (size_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *len = v;
            *used = i + 1;
            return 0;
        }
    }
    return -1;
}

static int json_bin_container(ks_buf *out, int is_obj, int large, const uint8_t *p, size_t n,
                              int depth)
{
    size_t w = large ? 4 : 2;
    if (n < 2 * w)
        return -1;
    size_t count = (size_t)leN(p, (int)w), size = (size_t)leN(p + w, (int)w);
    if (size > n)
        return -1;
    size_t key_entry = w + 2, val_entry = 1 + w;
    size_t hdr = 2 * w;
    if (count > size)
        return -1;
    if (is_obj)
        hdr += count * key_entry;
    size_t vstart = hdr;
    hdr += count * val_entry;
    if (hdr > size)
        return -1;
    int rc = ks_buf_putc(out, is_obj ? '{' : '[');
    for (size_t i = 0; i < count && !rc; i++) {
        if (i)
            rc = ks_buf_puts(out, ", ");
        if (!rc && is_obj) {
            const uint8_t *ke = p + 2 * w + i * key_entry;
            size_t ko = (size_t)leN(ke, (int)w), kl = le16(ke + w);
            if (!ks_fits(ko, kl, size))
                return -1;
            rc = ks_db_json_str(out, (const char *)p + ko, kl);
            if (!rc)
                rc = ks_buf_puts(out, ": ");
        }
        if (rc)
            break;
        const uint8_t *ve = p + vstart + i * val_entry;
        uint8_t t = ve[0];
        int inlined = t == 0x04 || t == 0x05 || t == 0x06 || (large && (t == 0x07 || t == 0x08));
        if (inlined) {
            rc = json_bin_value(out, t, ve + 1, w, depth + 1);
        } else {
            size_t vo = (size_t)leN(ve + 1, (int)w);
            if (vo >= size)
                return -1;
            rc = json_bin_value(out, t, p + vo, size - vo, depth + 1);
        }
    }
    if (rc)
        return rc;
    return ks_buf_putc(out, is_obj ? '}' : ']');
}

static int json_bin_value(ks_buf *out, uint8_t type, const uint8_t *p, size_t n, int depth)
{
    if (depth > KS_JSON_MAX_DEPTH)
        return -1;
    switch (type) {
    case 0x00: case 0x01: case 0x02: case 0x03:
        return json_bin_container(out, type < 2, type & 1, p, n, depth);
    case 0x04:
        if (n < 1)
            return -1;
        return ks_buf_puts(out, p[0] == 0 ? "null" : p[0] == 1 ? "true" : p[0] == 2 ? "false" : "null");
    case 0x05: case 0x06:
        if (n < 2)
            return -1;
        return type == 0x05 ? ks_buf_printf(out, "%d", (int16_t)le16(p)) : ks_buf_printf(out, "%u", le16(p));
    case 0x07: case 0x08:
        if (n < 4)
            return -1;
        return type == 0x07 ? ks_buf_printf(out, "%d", (int32_t)le32(p)) : ks_buf_printf(out, "%u", le32(p));
    case 0x09: case 0x0a:
        if (n < 8)
            return -1;
        return type == 0x09 ? ks_buf_printf(out, "%lld", (long long)(int64_t)le64(p))
                            : ks_buf_printf(out, "%llu", (unsigned long long)le64(p));
    case 0x0b: {
        if (n < 8)
            return -1;
        uint64_t bits = le64(p);
        double d;
        memcpy(&d, &bits, 8);
        return json_num_double(out, d);
    }
    case 0x0c: {
        size_t len, used;
        if (json_varlen(p, n, &len, &used) || !ks_fits(used, len, n))
            return -1;
        return ks_db_json_str(out, (const char *)p + used, len);
    }
    case 0x0f: { /* opaque: MySQL field type, varint length, data */
        if (n < 1)
            return -1;
        size_t len, used;
        if (json_varlen(p + 1, n - 1, &len, &used) || !ks_fits(1 + used, len, n))
            return -1;
        const uint8_t *d = p + 1 + used;
        if (p[0] == 246 && len >= 2) { /* DECIMAL: precision, scale, packed */
            char txt[96];
            size_t u;
            if (decode_decimal(d + 2, len - 2, d[0], d[1], txt, sizeof txt, &u) == 0)
                return ks_buf_puts(out, txt);
        }
        int rc = ks_buf_printf(out, "\"base64:type%u:", p[0]);
        static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (size_t i = 0; i < len && !rc; i += 3) {
            uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < len ? (uint32_t)d[i + 1] << 8 : 0) |
                         (i + 2 < len ? d[i + 2] : 0);
            char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], i + 1 < len ? b64[(v >> 6) & 63] : '=',
                         i + 2 < len ? b64[v & 63] : '='};
            rc = ks_buf_append(out, q, 4);
        }
        return rc ? rc : ks_buf_putc(out, '"');
    }
    default:
        return -1;
    }
}

int ks_mysql_json_render(ks_buf *out, const uint8_t *p, size_t n)
{
    if (n == 0)
        return ks_buf_puts(out, "null");
    size_t mark = out->len;
    int rc = json_bin_value(out, p[0], p + 1, n - 1, 0);
    if (rc == -1) {
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
        return KS_ECORRUPT;
    }
    return rc;
}

/* ---- value rendering ----------------------------------------------------------------- */
int ks_bv_format_mysqlbinlog(ks_buf *out, const ks_bv *v)
{
    switch (v->kind) {
    case KS_BV_ABSENT: return 0;
    case KS_BV_NULL: return ks_buf_puts(out, "NULL");
    case KS_BV_INT: {
        /* mysqlbinlog -v prints the signed reading and, when negative, the unsigned one in
         * parentheses, whatever the column's signedness */
        if (v->i >= 0) {
            char d[24];
            size_t nd = 0;
            uint64_t x = (uint64_t)v->i;
            do {
                d[sizeof d - 1 - nd++] = (char)('0' + x % 10);
                x /= 10;
            } while (x);
            return ks_buf_append(out, d + sizeof d - nd, nd);
        }
        return ks_buf_printf(out, "%lld (%llu)", (long long)v->i, (unsigned long long)v->u);
    }
    case KS_BV_FLOAT: return ks_buf_printf(out, "%-20g", v->d);
    case KS_BV_DOUBLE: return ks_buf_printf(out, "%-.20g", v->d);
    case KS_BV_DECIMAL: return ks_buf_puts(out, v->text);
    case KS_BV_TIMESTAMP: return ks_buf_puts(out, v->text);
    case KS_BV_YEAR: return ks_buf_printf(out, "%lld", (long long)v->i);
    case KS_BV_ENUM: return ks_buf_printf(out, "%llu", (unsigned long long)v->u);
    case KS_BV_BIT: return ks_buf_printf(out, "b'%s'", v->text);
    case KS_BV_SET: {
        int rc = ks_buf_puts(out, "b'");
        for (int i = v->nbytes * 8 - 1; i >= 0 && !rc; i--)
            rc = ks_buf_putc(out, (char)('0' + ((v->u >> i) & 1)));
        return rc ? rc : ks_buf_putc(out, '\'');
    }
    case KS_BV_TEMPORAL: return ks_buf_printf(out, "'%s'", v->text);
    case KS_BV_JSON: {
        /* mysqlbinlog -v prints the JSON text in quotes */
        size_t mark = out->len;
        int rc = ks_buf_putc(out, '\'');
        if (!rc)
            rc = ks_mysql_json_render(out, v->p, v->n);
        if (!rc)
            return ks_buf_putc(out, '\'');
        if (rc != KS_ECORRUPT)
            return rc;
        out->len = mark; /* not decodable: fall back to the bytes */
    }
    /* fall through */
    case KS_BV_STRING: case KS_BV_OTHER: {
        int rc = ks_buf_putc(out, '\'');
        for (size_t i = 0; i < v->n && !rc; i++) {
            uint8_t c = v->p[i];
            if (c < 0x20)
                rc = ks_buf_printf(out, "\\x%02x", c);
            else
                rc = ks_buf_putc(out, (char)c);
        }
        return rc ? rc : ks_buf_putc(out, '\'');
    }
    }
    return 0;
}

static size_t utf8_valid_prefix(const uint8_t *s, size_t n, size_t i)
{
    /* length of the valid UTF-8 sequence at i, 0 when invalid */
    uint8_t c = s[i];
    size_t L;
    uint32_t min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        L = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        L = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        L = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (!ks_fits(i, L, n))
        return 0;
    uint32_t cp = c & (L == 2 ? 0x1f : L == 3 ? 0x0f : 0x07);
    for (size_t k = 1; k < L; k++) {
        if ((s[i + k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return L;
}

int ks_db_json_str(ks_buf *out, const char *s, size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    int rc = ks_buf_putc(out, '"');
    for (size_t i = 0; i < n && !rc;) {
        uint8_t c = u[i];
        /* runs of plain ASCII go in one append */
        size_t r = i;
        while (r < n && u[r] >= 0x20 && u[r] < 0x7f && u[r] != '"' && u[r] != '\\')
            r++;
        if (r > i) {
            rc = ks_buf_append(out, s + i, r - i);
            i = r;
            continue;
        }
        if (c == '"' || c == '\\') {
            rc = ks_buf_putc(out, '\\');
            if (!rc)
                rc = ks_buf_putc(out, (char)c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            rc = ks_buf_printf(out, "\\u%04x", c);
            i++;
        } else {
            size_t L = utf8_valid_prefix(u, n, i);
            if (L == 0) {
                rc = ks_buf_printf(out, "\\u%04x", c); /* the byte as U+00XX */
                i++;
            } else {
                /* U+2028/2029 break JavaScript consumers; escape them */
                if (L == 3 && c == 0xe2 && u[i + 1] == 0x80 && (u[i + 2] == 0xa8 || u[i + 2] == 0xa9))
                    rc = ks_buf_printf(out, "\\u%04x", 0x2000 | (u[i + 2] == 0xa8 ? 0x28 : 0x29));
                else
                    rc = ks_buf_append(out, s + i, L);
                i += L;
            }
        }
    }
    return rc ? rc : ks_buf_putc(out, '"');
}

static int utf8_valid(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t L = utf8_valid_prefix(s, n, i);
        if (!L)
            return 0;
        i += L;
    }
    return 1;
}

/* Decimal integer without printf (rows are mostly integers; printf dominated the profile). */
static int put_int(ks_buf *out, int neg, uint64_t mag)
{
    char d[24];
    size_t n = 0;
    if (neg)
        d[n++] = '-';
    n += put_digits(d + n, mag, 1);
    return ks_buf_append(out, d, n);
}

int ks_bv_format_json(ks_buf *out, const ks_bv *v)
{
    switch (v->kind) {
    case KS_BV_ABSENT:
    case KS_BV_NULL: return ks_buf_puts(out, "null");
    case KS_BV_INT:
        if (v->nbytes < 0)
            return put_int(out, 0, v->u);
        return v->i < 0 ? put_int(out, 1, (uint64_t)0 - (uint64_t)v->i)
                        : put_int(out, 0, (uint64_t)v->i);
    case KS_BV_FLOAT:
    case KS_BV_DOUBLE:
        if (v->d != v->d || v->d > 1.7976931348623157e308 || v->d < -1.7976931348623157e308)
            return ks_buf_puts(out, "null");
        /* shortest digits that round-trip: 9 for a 4-byte float, 17 for a double */
        return ks_buf_printf(out, v->kind == KS_BV_FLOAT ? "%.9g" : "%.17g", v->d);
    case KS_BV_YEAR:
        return v->i < 0 ? put_int(out, 1, (uint64_t)0 - (uint64_t)v->i)
                        : put_int(out, 0, (uint64_t)v->i);
    case KS_BV_ENUM: return put_int(out, 0, v->u);
    case KS_BV_SET: return put_int(out, 0, v->u);
    case KS_BV_DECIMAL: case KS_BV_TIMESTAMP: case KS_BV_TEMPORAL: case KS_BV_BIT:
        return ks_db_json_str(out, v->text, strlen(v->text));
    case KS_BV_JSON: {
        /* the document as a JSON string (its text), so consumers need not trust it */
        ks_buf tmp;
        ks_buf_init(&tmp, out->max ? out->max : 0);
        int rc = ks_mysql_json_render(&tmp, v->p, v->n);
        if (rc == 0)
            rc = ks_db_json_str(out, tmp.data ? tmp.data : "", tmp.len);
        ks_buf_free(&tmp);
        if (rc != KS_ECORRUPT)
            return rc;
    }
    /* fall through */
    case KS_BV_STRING: case KS_BV_OTHER:
        if (utf8_valid(v->p, v->n))
            return ks_db_json_str(out, (const char *)v->p, v->n);
        {
            int rc = ks_buf_puts(out, "{\"hex\":\"");
            for (size_t i = 0; i < v->n && !rc; i++)
                rc = ks_buf_printf(out, "%02x", v->p[i]);
            return rc ? rc : ks_buf_puts(out, "\"}");
        }
    }
    return 0;
}
