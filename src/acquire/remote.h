/* remote.h — reading a remote disk through the system's ssh client (no SSH code of our own).
 *
 * `ssh://[user@]host[:port]/dev/xvda` runs two ssh commands: a probe (which compressor the
 * remote has — zstd, else gzip, else none — and the device's size via blockdev/stat), then
 * `dd if=DEV bs=4M | zstd -1 -c` (or gzip). The compressed stream is decompressed here in a
 * thread (libzstd / zlib) and handed to the acquisition as a plain byte stream (a socket
 * pair, so a reader that stops early never raises SIGPIPE in this process).
 *
 * Host, user and path are checked against a conservative character set before they reach
 * a remote shell (no quoting games). ssh runs with BatchMode=yes: no password prompts.
 */
#ifndef KS_REMOTE_H
#define KS_REMOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ks_remote ks_remote;

typedef struct ks_remote_opts {
    const char *url;   /* ssh://[user@]host[:port]/path */
    const char *ssh;   /* client program, NULL = "ssh" */
    bool sudo;         /* run the remote read as `sudo -n` */
} ks_remote_opts;

int ks_remote_start(ks_remote **out, const ks_remote_opts *o, ks_err *err);
/* The decompressed stream to read. */
int ks_remote_fd(const ks_remote *r);
/* The remote source's size from the probe, 0 when unknown. */
uint64_t ks_remote_size(const ks_remote *r);
/* Compressor used on the remote side: "zstd", "gzip" or "none". */
const char *ks_remote_compression(const ks_remote *r);
/* ks_acq_opts.source_end: waits for ssh and the decompressor; nonzero (err filled) when the
 * remote command failed, the connection dropped or the compressed stream was cut short. */
int ks_remote_finish_cb(void *ctx, ks_err *err);
void ks_remote_free(ks_remote *r);

/* Parses the URL (exposed for tests). Buffers receive NUL-terminated parts; port 0 = default. */
int ks_remote_parse_url(const char *url, char *user, size_t usz, char *host, size_t hsz,
                        unsigned *port, char *path, size_t psz, ks_err *err);

#endif
