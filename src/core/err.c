#include "core/err.h"

#include <stdio.h>
#include <string.h>

void ks_err_clear(ks_err *err)
{
    if (!err)
        return;
    err->code = 0;
    err->msg[0] = '\0';
    err->file[0] = '\0';
    err->line = -1;
    err->offset = -1;
    err->src_file = NULL;
    err->src_line = 0;
}

/* Error text may quote evidence; keep it printable ASCII so it is safe on any terminal. */
static void sanitize(char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7f)
            *s = '?';
    }
}

int ks_err_setx(ks_err *err, int code, const char *file, int64_t line, int64_t offset,
                const char *src_file, int src_line, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    sanitize(err->msg);
    err->code = code;
    if (file) {
        snprintf(err->file, sizeof err->file, "%s", file);
    } else {
        err->file[0] = '\0';
    }
    err->line = line;
    err->offset = offset;
    err->src_file = src_file;
    err->src_line = src_line;
    return code;
}

void ks_err_locate(ks_err *err, const char *file, int64_t line, int64_t offset)
{
    if (!err)
        return;
    if (file && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", file);
    if (line >= 0 && err->line < 0)
        err->line = line;
    if (offset >= 0 && err->offset < 0)
        err->offset = offset;
}

void ks_err_format(const ks_err *err, char *out, size_t outsz)
{
    if (!outsz)
        return;
    out[0] = '\0';
    size_t n = 0;
#define APPEND(...)                                                        \
    do {                                                                   \
        int w_ = snprintf(out + n, outsz - n, __VA_ARGS__);                \
        if (w_ > 0)                                                        \
            n = (size_t)w_ < outsz - n ? n + (size_t)w_ : outsz - 1;       \
    } while (0)
    if (err->file[0])
        APPEND("%s:", err->file);
    if (err->line > 0)
        APPEND("%lld:", (long long)err->line);
    if (err->offset >= 0)
        APPEND(" offset %lld:", (long long)err->offset);
    if (n)
        APPEND(" ");
    APPEND("%s", err->msg[0] ? err->msg : ks_status_name(err->code));
#undef APPEND
}

const char *ks_status_name(int code)
{
    switch (code) {
    case KS_OK: return "ok";
    case KS_ENOMEM: return "out of memory";
    case KS_EIO: return "I/O error";
    case KS_ECORRUPT: return "malformed input";
    case KS_EUSAGE: return "usage error";
    case KS_ENOTFOUND: return "not found";
    case KS_EUNSUPPORTED: return "unsupported";
    case KS_ELIMIT: return "limit reached";
    case KS_EEXIST: return "already exists";
    case KS_EDB: return "case store error";
    case KS_EOF: return "end of input";
    default: return "unknown error";
    }
}
