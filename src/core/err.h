/* err.h — status codes and the error object every fallible kanshiki function fills.
 *
 * Convention (libgit2-style): functions return 0 on success or a negative ks_status; the
 * detail goes into a caller-owned ks_err. The library never prints and never exits; only
 * src/cli/ talks to the user. An error names the evidence file and the line and/or byte
 * offset where it applies, so the CLI can always say "file:line (offset N): why".
 */
#ifndef KS_ERR_H
#define KS_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ks_status {
    KS_OK = 0,
    KS_ENOMEM = -1,       /* allocation failed */
    KS_EIO = -2,          /* the operating system refused a read/write/open */
    KS_ECORRUPT = -3,     /* input is malformed (hostile or damaged evidence) */
    KS_EUSAGE = -4,       /* caller/user supplied bad arguments */
    KS_ENOTFOUND = -5,    /* named thing does not exist */
    KS_EUNSUPPORTED = -6, /* valid but not handled (format variant, feature) */
    KS_ELIMIT = -7,       /* a safety limit was reached (size, depth, count) */
    KS_EEXIST = -8,       /* already present */
    KS_EDB = -9,          /* the case store failed */
    KS_EOF = -10          /* end of input (not an error for most callers) */
} ks_status;

#define KS_ERR_MSG_MAX 512
#define KS_ERR_PATH_MAX 1024

typedef struct ks_err {
    int code;                       /* a ks_status, 0 when no error recorded */
    char msg[KS_ERR_MSG_MAX];       /* human readable reason, already safe ASCII */
    char file[KS_ERR_PATH_MAX];     /* evidence file (display path) or "" */
    int64_t line;                   /* 1-based line, or -1 when not applicable */
    int64_t offset;                 /* byte offset in the (decompressed) stream, or -1 */
    const char *src_file;           /* kanshiki source file that detected it */
    int src_line;
} ks_err;

void ks_err_clear(ks_err *err);

/* Records an error and returns `code` so callers can `return ks_err_set(...)`.
 * `err` may be NULL (then only the code is returned). `file` may be NULL. */
int ks_err_setx(ks_err *err, int code, const char *file, int64_t line, int64_t offset,
                const char *src_file, int src_line, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

#define KS_ERR(err, code, ...) \
    ks_err_setx((err), (code), NULL, -1, -1, __FILE__, __LINE__, __VA_ARGS__)
/* Corruption in evidence at a position: like SQLite's SQLITE_CORRUPT_BKPT, records where. */
#define KS_CORRUPT(err, file, line, off, ...) \
    ks_err_setx((err), KS_ECORRUPT, (file), (line), (off), __FILE__, __LINE__, __VA_ARGS__)
#define KS_ERR_AT(err, code, file, line, off, ...) \
    ks_err_setx((err), (code), (file), (line), (off), __FILE__, __LINE__, __VA_ARGS__)

/* Sets the file/line/offset of an error that a lower layer recorded without them. */
void ks_err_locate(ks_err *err, const char *file, int64_t line, int64_t offset);

/* Formats "file:line: offset N: msg" into out (always NUL-terminated). */
void ks_err_format(const ks_err *err, char *out, size_t outsz);

const char *ks_status_name(int code);

#endif
