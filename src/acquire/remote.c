#include "acquire/remote.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/buf.h"

extern char **environ;

typedef enum comp { COMP_NONE, COMP_ZSTD, COMP_GZIP } comp;

struct ks_remote {
    pid_t pid;
    int ssh_fd;       /* ssh's stdout (compressed) */
    int out_fd;       /* what the acquisition reads */
    int feed_fd;      /* the decompressor's end of the socket pair */
    comp c;
    uint64_t size;
    pthread_t th;
    bool thread_started, finished;
    int drc;          /* decompressor result */
    ks_err derr;
    char url[1024];
};

static int ok_chars(const char *s, const char *extra)
{
    if (!*s)
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(extra, c)))
            return 0;
    }
    return 1;
}

int ks_remote_parse_url(const char *url, char *user, size_t usz, char *host, size_t hsz,
                        unsigned *port, char *path, size_t psz, ks_err *err)
{
    if (strncmp(url, "ssh://", 6))
        return KS_ERR(err, KS_EUSAGE, "not an ssh:// URL");
    const char *s = url + 6;
    const char *slash = strchr(s, '/');
    if (!slash)
        return KS_ERR(err, KS_EUSAGE, "ssh URL needs a path: ssh://[user@]host[:port]/dev/xvda");
    const char *at = memchr(s, '@', (size_t)(slash - s));
    user[0] = '\0';
    if (at) {
        if ((size_t)(at - s) >= usz)
            return KS_ERR(err, KS_EUSAGE, "ssh URL: user name too long");
        memcpy(user, s, (size_t)(at - s));
        user[at - s] = '\0';
        s = at + 1;
    }
    const char *colon = memchr(s, ':', (size_t)(slash - s));
    const char *hend = colon ? colon : slash;
    if ((size_t)(hend - s) >= hsz)
        return KS_ERR(err, KS_EUSAGE, "ssh URL: host name too long");
    memcpy(host, s, (size_t)(hend - s));
    host[hend - s] = '\0';
    *port = 0;
    if (colon) {
        unsigned p = 0;
        const char *c = colon + 1;
        if (c == slash)
            return KS_ERR(err, KS_EUSAGE, "ssh URL: empty port");
        for (; c < slash; c++) {
            if (*c < '0' || *c > '9' || p > 6553)
                return KS_ERR(err, KS_EUSAGE, "ssh URL: bad port");
            p = p * 10 + (unsigned)(*c - '0');
        }
        if (!p || p > 65535)
            return KS_ERR(err, KS_EUSAGE, "ssh URL: bad port");
        *port = p;
    }
    if (strlen(slash) >= psz)
        return KS_ERR(err, KS_EUSAGE, "ssh URL: path too long");
    snprintf(path, psz, "%s", slash);
    /* These strings reach a remote shell: allow only what device and file paths need. */
    if ((user[0] && !ok_chars(user, "._-")) || !ok_chars(host, ".-_") || host[0] == '-' ||
        !ok_chars(path, "/._-+:,") || strstr(path, ".."))
        return KS_ERR(err, KS_EUSAGE, "ssh URL: user, host or path holds characters kanshiki will not pass to a remote shell");
    return 0;
}

/* Runs `ssh ... user@host script`, stdout to a pipe; returns the pid. */
static int spawn_ssh(const char *ssh, const char *user, const char *host, unsigned port,
                     const char *script, pid_t *pid, int *out_fd, ks_err *err)
{
    int fds[2] = {-1, -1};
    char portstr[16], target[600];
    const char *argv[16];
    int a = 0, rc = 0;
    posix_spawn_file_actions_t fa;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return KS_ERR(err, KS_EIO, "pipe: %s", strerror(errno));
    snprintf(target, sizeof target, "%s%s%s", user, user[0] ? "@" : "", host);
    argv[a++] = ssh;
    argv[a++] = "-o";
    argv[a++] = "BatchMode=yes";
    if (port) {
        snprintf(portstr, sizeof portstr, "%u", port);
        argv[a++] = "-p";
        argv[a++] = portstr;
    }
    argv[a++] = "--";
    argv[a++] = target;
    argv[a++] = script;
    argv[a] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    int e = posix_spawnp(pid, ssh, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (e) {
        close(fds[0]);
        rc = KS_ERR(err, KS_EIO, "cannot run %s: %s", ssh, strerror(e));
    } else {
        *out_fd = fds[0];
    }
    return rc;
}

static int wait_status(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int send_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static void *decompress_main(void *arg)
{
    ks_remote *r = arg;
    size_t incap = 1 << 20, outcap = 1 << 20;
    uint8_t *in = malloc(incap), *out = malloc(outcap);
    ZSTD_DStream *zd = NULL;
    z_stream gz;
    bool gz_init = false;
    uint64_t cin = 0;
    size_t last = 0; /* zstd: nonzero while inside a frame */
    int zret = Z_OK;
    memset(&gz, 0, sizeof gz);
    if (!in || !out) {
        r->drc = KS_ERR(&r->derr, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (r->c == COMP_ZSTD) {
        zd = ZSTD_createDStream();
        if (!zd) {
            r->drc = KS_ERR(&r->derr, KS_ENOMEM, "out of memory");
            goto done;
        }
    } else if (r->c == COMP_GZIP) {
        if (inflateInit2(&gz, 16 + MAX_WBITS) != Z_OK) {
            r->drc = KS_ERR(&r->derr, KS_ENOMEM, "zlib init failed");
            goto done;
        }
        gz_init = true;
    }
    for (;;) {
        ssize_t n = read(r->ssh_fd, in, incap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r->drc = KS_ERR_AT(&r->derr, KS_EIO, r->url, -1, (int64_t)cin, "reading from ssh: %s", strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        cin += (uint64_t)n;
        if (r->c == COMP_NONE) {
            if (send_all(r->feed_fd, in, (size_t)n))
                goto done; /* the reader stopped */
            continue;
        }
        if (r->c == COMP_ZSTD) {
            ZSTD_inBuffer ib = {in, (size_t)n, 0};
            while (ib.pos < ib.size) {
                ZSTD_outBuffer ob = {out, outcap, 0};
                last = ZSTD_decompressStream(zd, &ob, &ib);
                if (ZSTD_isError(last)) {
                    r->drc = KS_CORRUPT(&r->derr, r->url, -1, (int64_t)cin, "zstd stream from the remote: %s",
                                        ZSTD_getErrorName(last));
                    goto done;
                }
                if (ob.pos && send_all(r->feed_fd, out, ob.pos))
                    goto done;
            }
            continue;
        }
        gz.next_in = in;
        gz.avail_in = (uInt)n;
        while (gz.avail_in) {
            gz.next_out = out;
            gz.avail_out = (uInt)outcap;
            zret = inflate(&gz, Z_NO_FLUSH);
            if (zret == Z_STREAM_END && gz.avail_in) {
                inflateReset(&gz); /* concatenated members */
                zret = Z_OK;
            } else if (zret != Z_OK && zret != Z_STREAM_END && zret != Z_BUF_ERROR) {
                r->drc = KS_CORRUPT(&r->derr, r->url, -1, (int64_t)cin, "gzip stream from the remote is damaged");
                goto done;
            }
            size_t have = outcap - gz.avail_out;
            if (have && send_all(r->feed_fd, out, have))
                goto done;
            if (zret == Z_BUF_ERROR && !have)
                break;
        }
    }
    if ((r->c == COMP_ZSTD && last != 0) || (r->c == COMP_GZIP && zret != Z_STREAM_END && cin))
        r->drc = KS_ERR(&r->derr, KS_EIO, "%s: the compressed stream from the remote was cut short after %llu compressed bytes",
                        r->url, (unsigned long long)cin);
done:
    /* end of stream for the reader */
    shutdown(r->feed_fd, SHUT_WR);
    ZSTD_freeDStream(zd);
    if (gz_init)
        inflateEnd(&gz);
    free(in);
    free(out);
    return NULL;
}

int ks_remote_start(ks_remote **out, const ks_remote_opts *o, ks_err *err)
{
    int rc = 0;
    char user[128], host[256], path[512], script[2048];
    unsigned port = 0;
    const char *ssh = o->ssh ? o->ssh : "ssh";
    const char *sudo = o->sudo ? "sudo -n " : "";
    ks_remote *r = NULL;
    pid_t ppid = -1;
    int pfd = -1;
    ks_buf probe;
    ks_buf_init(&probe, 4096);

    if ((rc = ks_remote_parse_url(o->url, user, sizeof user, host, sizeof host, &port, path,
                                  sizeof path, err)) != 0)
        goto done;
    r = calloc(1, sizeof *r);
    if (!r) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    r->pid = -1;
    r->ssh_fd = r->out_fd = r->feed_fd = -1;
    snprintf(r->url, sizeof r->url, "%s", o->url);

    /* 1. probe: compressor and size */
    snprintf(script, sizeof script,
             "if command -v zstd >/dev/null 2>&1; then echo zstd; elif command -v gzip >/dev/null 2>&1; "
             "then echo gzip; else echo none; fi; S=$(%sblockdev --getsize64 %s 2>/dev/null) || "
             "S=$(%sstat -Lc %%s %s 2>/dev/null) || S=0; echo \"$S\"",
             sudo, path, sudo, path);
    if ((rc = spawn_ssh(ssh, user, host, port, script, &ppid, &pfd, err)) != 0)
        goto done;
    char tmp[512];
    for (;;) {
        ssize_t n = read(pfd, tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (ks_buf_append(&probe, tmp, (size_t)n))
            break; /* more than 4 KiB of answer: not ours, decided below */
    }
    close(pfd);
    int st = wait_status(ppid);
    if (st != 0 || !probe.data) {
        rc = KS_ERR_AT(err, KS_EIO, o->url, -1, -1, "ssh probe failed (exit status %d)", st);
        goto done;
    }
    if (!strncmp(probe.data, "zstd\n", 5))
        r->c = COMP_ZSTD;
    else if (!strncmp(probe.data, "gzip\n", 5))
        r->c = COMP_GZIP;
    else if (!strncmp(probe.data, "none\n", 5))
        r->c = COMP_NONE;
    else {
        rc = KS_ERR_AT(err, KS_EIO, o->url, -1, -1, "unexpected answer from the ssh probe");
        goto done;
    }
    const char *sz = probe.data + 5;
    uint64_t size = 0;
    for (; *sz >= '0' && *sz <= '9'; sz++) {
        uint64_t d = (uint64_t)(*sz - '0');
        if (size > (UINT64_MAX - d) / 10)
            break;
        size = size * 10 + d;
    }
    r->size = size;

    /* 2. the read itself */
    snprintf(script, sizeof script, "%sdd if=%s bs=4M 2>/dev/null%s", sudo, path,
             r->c == COMP_ZSTD ? " | zstd -1 -c -q" : r->c == COMP_GZIP ? " | gzip -1 -c" : "");
    if ((rc = spawn_ssh(ssh, user, host, port, script, &r->pid, &r->ssh_fd, err)) != 0)
        goto done;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        rc = KS_ERR(err, KS_EIO, "socketpair: %s", strerror(errno));
        goto done;
    }
    r->out_fd = sv[0];
    r->feed_fd = sv[1];
    shutdown(r->out_fd, SHUT_WR);
    ks_err_clear(&r->derr);
    if (pthread_create(&r->th, NULL, decompress_main, r)) {
        rc = KS_ERR(err, KS_ENOMEM, "cannot start the decompressor thread");
        goto done;
    }
    r->thread_started = true;
done:
    ks_buf_free(&probe);
    if (rc) {
        ks_remote_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int ks_remote_fd(const ks_remote *r)
{
    return r->out_fd;
}

uint64_t ks_remote_size(const ks_remote *r)
{
    return r->size;
}

const char *ks_remote_compression(const ks_remote *r)
{
    return r->c == COMP_ZSTD ? "zstd" : r->c == COMP_GZIP ? "gzip" : "none";
}

int ks_remote_finish_cb(void *ctx, ks_err *err)
{
    ks_remote *r = ctx;
    if (r->finished)
        return 0;
    r->finished = true;
    if (r->thread_started) {
        pthread_join(r->th, NULL);
        r->thread_started = false;
    }
    int st = r->pid > 0 ? wait_status(r->pid) : 0;
    r->pid = -1;
    if (r->drc) {
        if (err)
            *err = r->derr;
        return r->drc;
    }
    if (st != 0)
        return KS_ERR_AT(err, KS_EIO, r->url, -1, -1,
                         "ssh exited with status %d: the remote read failed or the connection closed", st);
    return 0;
}

void ks_remote_free(ks_remote *r)
{
    if (!r)
        return;
    if (r->out_fd >= 0)
        close(r->out_fd); /* a decompressor still sending gets EPIPE (no signal) */
    r->out_fd = -1;
    if (r->pid > 0) {
        kill(r->pid, SIGTERM);
    }
    if (r->thread_started)
        pthread_join(r->th, NULL);
    if (r->pid > 0)
        wait_status(r->pid);
    if (r->ssh_fd >= 0)
        close(r->ssh_fd);
    if (r->feed_fd >= 0)
        close(r->feed_fd);
    free(r);
}
