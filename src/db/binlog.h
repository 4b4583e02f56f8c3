/* binlog.h — MySQL / MariaDB binary log (v4) reader: events, table maps and typed rows.
 *
 * The reader pulls bytes through a pread-like callback, so a file, a memory buffer (tests,
 * fuzzers) or a decompressed stream can be read the same way; it holds one event at a time
 * (memory bounded by the largest event, itself bounded by the bytes that exist).
 *
 * Ownership: ks_binlog owns every pointer it hands out; an event's body and the decoded row
 * values stay valid until the next ks_binlog_next call (or ks_binlog_free).
 *
 * Damage handling: a bad checksum is reported (err, KS_ECORRUPT from ks_binlog_next with
 * the event still returned, ev->crc_ok == 0) and reading continues; an unknown event type is
 * returned as is; an event whose length runs past the end of the file or is shorter than a
 * header ends the stream with KS_ECORRUPT (there is no resynchronisation marker in the format).
 * Counters in ks_binlog_stats say how much was read, skipped and damaged.
 */
#ifndef KS_BINLOG_H
#define KS_BINLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* Event type codes (MySQL 8.0 binlog_event.h numbering; MariaDB's own from 160). */
enum {
    KS_BL_START_V3 = 1, KS_BL_QUERY = 2, KS_BL_STOP = 3, KS_BL_ROTATE = 4, KS_BL_INTVAR = 5,
    KS_BL_RAND = 13, KS_BL_USER_VAR = 14, KS_BL_FORMAT_DESCRIPTION = 15, KS_BL_XID = 16,
    KS_BL_BEGIN_LOAD_QUERY = 17, KS_BL_EXECUTE_LOAD_QUERY = 18, KS_BL_TABLE_MAP = 19,
    KS_BL_WRITE_ROWS_V1 = 23, KS_BL_UPDATE_ROWS_V1 = 24, KS_BL_DELETE_ROWS_V1 = 25,
    KS_BL_INCIDENT = 26, KS_BL_HEARTBEAT = 27, KS_BL_IGNORABLE = 28, KS_BL_ROWS_QUERY = 29,
    KS_BL_WRITE_ROWS = 30, KS_BL_UPDATE_ROWS = 31, KS_BL_DELETE_ROWS = 32, KS_BL_GTID = 33,
    KS_BL_ANONYMOUS_GTID = 34, KS_BL_PREVIOUS_GTIDS = 35, KS_BL_TRANSACTION_CONTEXT = 36,
    KS_BL_VIEW_CHANGE = 37, KS_BL_XA_PREPARE = 38, KS_BL_PARTIAL_UPDATE_ROWS = 39,
    KS_BL_TRANSACTION_PAYLOAD = 40, KS_BL_HEARTBEAT_V2 = 41,
    KS_BL_MARIA_ANNOTATE_ROWS = 160, KS_BL_MARIA_BINLOG_CHECKPOINT = 161, KS_BL_MARIA_GTID = 162,
    KS_BL_MARIA_GTID_LIST = 163, KS_BL_MARIA_START_ENCRYPTION = 164,
    KS_BL_MARIA_QUERY_COMPRESSED = 165, KS_BL_MARIA_WRITE_ROWS_COMPRESSED_V1 = 166,
    KS_BL_MARIA_UPDATE_ROWS_COMPRESSED_V1 = 167, KS_BL_MARIA_DELETE_ROWS_COMPRESSED_V1 = 168,
    KS_BL_MARIA_WRITE_ROWS_COMPRESSED = 169, KS_BL_MARIA_UPDATE_ROWS_COMPRESSED = 170,
    KS_BL_MARIA_DELETE_ROWS_COMPRESSED = 171
};

const char *ks_binlog_type_name(unsigned type); /* "Query", "Write_rows_v1"...; "Unknown" */

typedef int (*ks_binlog_read_fn)(void *ctx, uint64_t off, void *buf, size_t n, size_t *out_got);

typedef struct ks_binlog ks_binlog;

typedef struct ks_binlog_event {
    uint64_t pos;        /* byte offset of the event in the file */
    uint32_t when;       /* header timestamp, seconds since the epoch (UTC) */
    uint8_t type;
    uint32_t server_id;
    uint32_t size;       /* whole event, header and checksum included */
    uint32_t end_pos;    /* header's next-position field (0 in some relay logs) */
    uint16_t flags;
    int crc_ok;          /* 1 verified, 0 mismatch, -1 no checksum in this binlog */
    const uint8_t *post; /* post-header+body, checksum excluded */
    size_t post_len;
} ks_binlog_event;

typedef struct ks_binlog_stats {
    uint64_t events;
    uint64_t bad_checksum;
    uint64_t unknown_type;
    uint64_t bad_events;      /* events that could not be decoded (reported, skipped) */
    uint64_t rows;            /* row images decoded (an UPDATE row counts once) */
    uint64_t bytes_unread;    /* bytes after the last complete event (truncation) */
} ks_binlog_stats;

/* Opens a binlog of `size` bytes read through `rd`. Checks the magic. `path` is for
 * error messages (copied). size KS_BINLOG_SIZE_UNKNOWN reads a stream: `rd` is then called
 * with offsets that never go back before the current event, and a short read is the end. */
#define KS_BINLOG_SIZE_UNKNOWN UINT64_MAX
int ks_binlog_open(ks_binlog **out, ks_binlog_read_fn rd, void *ctx, uint64_t size,
                   const char *path, ks_err *err);
void ks_binlog_free(ks_binlog *b);
/* 0 with *out filled; KS_EOF at the clean end; KS_ECORRUPT / KS_EUNSUPPORTED with err
 * filled either with an event (bad checksum, unknown event type: *out valid, go on) or
 * without (fatal: *out untouched, stop). Use ks_binlog_fatal() to tell the two apart. */
int ks_binlog_next(ks_binlog *b, ks_binlog_event *out, ks_err *err);
int ks_binlog_fatal(const ks_binlog *b);
const ks_binlog_stats *ks_binlog_get_stats(const ks_binlog *b);

/* Description of the server/format, from the Format_description event. */
const char *ks_binlog_server_version(const ks_binlog *b);
/* Current GTID ("0-7-12" or "uuid:n"), "" when none; current session database. */
const char *ks_binlog_gtid(const ks_binlog *b);

/* Column names for a table (from a dump, a --schema file or the binlog's own CREATE TABLE):
 * used for rows of that table whose map carries no names, when the column counts agree.
 * db may be "" (matches any database). Names are copied. */
int ks_binlog_set_columns(ks_binlog *b, const char *db, const char *table,
                          const char *const *cols, size_t ncols);

/* Forgets the names of a table (after ALTER/DROP/RENAME TABLE they may no longer fit). */
void ks_binlog_forget_columns(ks_binlog *b, const char *db, const char *table);

/* ---- typed values and rows ----------------------------------------------------------- */
typedef enum ks_bv_kind {
    KS_BV_ABSENT = 0, /* column not part of this image */
    KS_BV_NULL,
    KS_BV_INT,        /* i (signed), u (the same bits unsigned), nbytes */
    KS_BV_FLOAT,      /* d, from a 4-byte FLOAT */
    KS_BV_DOUBLE,     /* d */
    KS_BV_DECIMAL,    /* text */
    KS_BV_STRING,     /* p, n: CHAR/VARCHAR/TEXT/BLOB/BINARY bytes */
    KS_BV_TEMPORAL,   /* text: DATE 'YYYY:MM:DD' (mysqlbinlog style), TIME, DATETIME */
    KS_BV_TIMESTAMP,  /* i seconds, u microseconds, nbytes = fsp digits; text = "sec[.frac]" */
    KS_BV_YEAR,       /* i */
    KS_BV_BIT,        /* text of '0'/'1' digits */
    KS_BV_ENUM,       /* u: 1-based index */
    KS_BV_SET,        /* u: bitmap, nbytes */
    KS_BV_JSON,       /* p, n: MySQL binary JSON; text: rendered JSON when decodable */
    KS_BV_OTHER       /* p, n: raw bytes of a type we do not decode (geometry...) */
} ks_bv_kind;

typedef struct ks_bv {
    ks_bv_kind kind;
    int nbytes;
    int64_t i;
    uint64_t u;
    double d;
    const uint8_t *p;
    size_t n;
    char text[96];
} ks_bv;

typedef struct ks_binlog_table {
    uint64_t id;
    char db[256];
    char name[256];
    uint32_t ncols;
    uint8_t *types;     /* ncols */
    uint16_t *meta;     /* ncols */
    uint8_t *unsigned_; /* ncols: 1 when the optional metadata says UNSIGNED */
    char **colnames;    /* ncols or NULL: from optional metadata or a known schema */
} ks_binlog_table;

typedef enum ks_binlog_op { KS_BL_OP_INSERT = 1, KS_BL_OP_UPDATE, KS_BL_OP_DELETE } ks_binlog_op;
const char *ks_binlog_op_name(ks_binlog_op op); /* "insert", "update", "delete" */

typedef struct ks_binlog_row {
    const ks_binlog_table *table;
    ks_binlog_op op;
    const ks_bv *before; /* ncols values, or NULL (insert) */
    const ks_bv *after;  /* ncols values, or NULL (delete) */
    uint64_t offset;     /* file offset of the row image, for error messages */
} ks_binlog_row;

/* For a rows event: iterates its rows. Call ks_binlog_rows_begin once, then
 * ks_binlog_rows_next until KS_EOF. KS_ECORRUPT when the image does not match the table map
 * (err says where); the remaining rows of that event are then skipped. KS_ENOTFOUND when no
 * table map was seen for the event's table id. */
int ks_binlog_is_rows(unsigned type);
int ks_binlog_rows_begin(ks_binlog *b, const ks_binlog_event *ev, ks_err *err);
int ks_binlog_rows_next(ks_binlog *b, ks_binlog_row *out, ks_err *err);

/* For a Query / Annotate_rows / Rows_query event: the statement and default database
 * (valid until the next ks_binlog_next). Returns KS_ENOTFOUND for other events. */
int ks_binlog_query(ks_binlog *b, const ks_binlog_event *ev, ks_str *out_db, ks_str *out_sql,
                    ks_err *err);

/* A short human description of the event's own fields ("Rotate to binlog.000002 pos 4",
 * "Xid = 9", "GTID 0-7-5 trans", ...), appended to out, not escaped (may contain names
 * from evidence: the caller escapes). */
int ks_binlog_describe(ks_binlog *b, const ks_binlog_event *ev, ks_buf *out);

/* Appends the mysqlbinlog --verbose rendering of a value ("12", "'abc'", "-1 (255)"...);
 * string bytes below 0x20 become \xNN as mysqlbinlog does, others are copied (the caller
 * escapes for the terminal). */
int ks_bv_format_mysqlbinlog(ks_buf *out, const ks_bv *v);
/* Appends a JSON value: numbers as numbers (decimals and unsigned 64-bit as strings), text
 * as strings (invalid UTF-8 as {"hex":"..."}), NULL as null. */
int ks_bv_format_json(ks_buf *out, const ks_bv *v);
/* Renders MySQL's binary JSON (column type 245) as JSON text ("{"a": 1}", MySQL's spacing).
 * KS_ECORRUPT (out unchanged) when the bytes are not a valid document. */
int ks_mysql_json_render(ks_buf *out, const uint8_t *p, size_t n);
/* JSON string literal of arbitrary bytes (invalid UTF-8 bytes as \u00XX of the byte). */
int ks_db_json_str(ks_buf *out, const char *s, size_t n);

#endif
