/* dblog.h — line-driven readers for database server logs:
 *   mysql_general  MySQL 5.x/8.0 and MariaDB general query log (file format: "YYMMDD hh:mm:ss"
 *                  or ISO-8601 time, or none on lines of the same second; multi-line queries)
 *   mysql_slow     slow query log (MySQL, Percona and MariaDB header variants)
 *   mysql_error    error log (5.5 "YYMMDD", 5.7 ISO, 8.0 "[MY-nnnnnn] [Server]", MariaDB)
 *   mysql_audit    MariaDB server_audit CSV as RDS for MySQL/MariaDB writes it, and Aurora's
 *                  advanced auditing (microsecond epoch time); quoted statements may span lines
 *   pg_stderr      PostgreSQL stderr log with any log_line_prefix (RDS default
 *                  "%t:%r:%u@%d:[%p]:"), including pgaudit "AUDIT:" records
 *   mysql_general_csv  the general_log table's CSV file (event_time, user_host, thread_id,
 *                  server_id, command_type, argument)
 *   pg_csv         PostgreSQL csvlog (quoted fields may span lines), pgaudit included
 *   mysql_audit_xml  MySQL Enterprise Audit and Percona audit_log XML, both styles:
 *                  <AUDIT_RECORD NAME="Query" ... SQLTEXT="..."/> and
 *                  <AUDIT_RECORD><NAME>Query</NAME>...</AUDIT_RECORD>
 *
 * The caller feeds physical lines (without terminators) in order; a record is delivered to
 * the callback when it is complete (the next record starts, or ks_dblog_finish). Records that
 * cannot be parsed are delivered with `bad` set and a reason, so nothing is lost silently.
 * Memory: a record's text is bounded (KS_DBLOG_MAX_RECORD); longer ones are cut and flagged.
 * Ownership: strings in a record are valid only during the callback.
 */
#ifndef KS_DBLOG_H
#define KS_DBLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

typedef enum ks_dblog_format {
    KS_DBLOG_UNKNOWN = 0,
    KS_DBLOG_MYSQL_GENERAL,
    KS_DBLOG_MYSQL_SLOW,
    KS_DBLOG_MYSQL_ERROR,
    KS_DBLOG_MYSQL_AUDIT,
    KS_DBLOG_PG_STDERR,
    KS_DBLOG_MYSQL_GENERAL_CSV, /* log_output=TABLE exported / the general_log CSV file */
    KS_DBLOG_PG_CSV,            /* PostgreSQL csvlog (PG 9.0 .. 15 column sets) */
    KS_DBLOG_MYSQL_AUDIT_XML,   /* MySQL Enterprise / Percona audit log, old (attributes)
                                   and new (elements) XML styles */
    KS_DBLOG_PG_JSON            /* PostgreSQL 15+ jsonlog: one flat JSON object per line */
} ks_dblog_format;

const char *ks_dblog_format_name(ks_dblog_format f);
ks_dblog_format ks_dblog_format_parse(const char *name); /* UNKNOWN when not a name */
/* Guesses the format from the first bytes of a file; UNKNOWN when unsure. */
ks_dblog_format ks_dblog_sniff(const char *head, size_t n);

#define KS_DBLOG_MAX_RECORD ((size_t)16 << 20)
#define KS_DBLOG_RDS_PG_PREFIX "%t:%r:%u@%d:[%p]:"

typedef struct ks_dblog_rec {
    ks_dblog_format format;
    int64_t line;        /* first line of the record (1-based) */
    int64_t offset;      /* byte offset of that line */
    char time[48];       /* as in the log, normalised to ISO-8601 where the form is known */
    char user[128];
    char host[256];
    char db[128];
    int64_t conn_id;     /* thread / connection id / PostgreSQL pid; -1 unknown */
    char command[48];    /* Query, Connect, QUERY, FAILED_CONNECT, LOG, ERROR, AUDIT... */
    char severity[16];   /* error logs: Note, Warning, ERROR, System; PG: LOG, FATAL... */
    char code[24];       /* MY-010055 / retcode / SQLSTATE, "" when none */
    ks_str sql;          /* the statement, when the record carries one */
    ks_str message;      /* free text (error log message, Connect argument...) */
    double query_time;   /* slow log; -1 unknown */
    double lock_time;
    int64_t rows_sent, rows_examined;
    int auth_failure;    /* access denied / password authentication failed */
    /* pgaudit */
    char audit_type[16]; /* SESSION / OBJECT */
    char audit_class[16];
    char object[256];
    int truncated;       /* the record was longer than the maximum and was cut */
    int bad;             /* could not be parsed: `why` says why, sql/message hold the text */
    const char *why;
} ks_dblog_rec;

typedef int (*ks_dblog_fn)(void *ctx, const ks_dblog_rec *r);

typedef struct ks_dblog ks_dblog;

/* pg_prefix: the server's log_line_prefix for pg_stderr (NULL = RDS default). */
int ks_dblog_new(ks_dblog **out, ks_dblog_format f, const char *pg_prefix, ks_dblog_fn cb,
                 void *ctx, ks_err *err);
/* Feeds one line. A non-zero return is the callback's (or KS_ENOMEM). */
int ks_dblog_line(ks_dblog *p, const char *line, size_t n, int64_t lineno, int64_t offset);
int ks_dblog_finish(ks_dblog *p);
void ks_dblog_free(ks_dblog *p);
uint64_t ks_dblog_records(const ks_dblog *p);
/* The first of the common log_line_prefix settings (RDS, Debian/Ubuntu, upstream...) that
 * reads all of the given first lines of a PostgreSQL stderr log, or NULL if none does. */
const char *ks_dblog_pg_guess_prefix(const char *const *lines, const size_t *lens, size_t n);
uint64_t ks_dblog_bad(const ks_dblog *p);

#endif
