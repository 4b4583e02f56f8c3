/* ev_internal.h — the layers an evidence stream is stacked from (private to src/evidence).
 *
 * A member's content is a stack of ks_input "layers", bottom to top:
 *
 *     fd (raw file) | archive entry data
 *       -> peek  (first bytes buffered, to sniff the format by magic)
 *       -> decompressor (gzip / zstd / bzip2 / xz / lzma)
 *       -> peek  (sniff again: nested compression, or an archive to open)
 *       -> ...   (bounded by max_nesting)
 *
 * The top peek is the member's input; its buffer is ks_member.head. A peek passes reads
 * straight through once its buffer is drained, and a decompressor writes straight into the
 * caller's buffer, so the hot path has no extra copy: read(2) -> inbuf -> inflate -> caller.
 *
 * Ownership: a ks_ev_chain owns the layers pushed on it and destroys them top-down. A
 * chain's base input (an archive entry) may belong to someone else (the archive frame).
 */
#ifndef KS_EV_INTERNAL_H
#define KS_EV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/io.h"

#define KS_EV_BUFSZ ((size_t)256 * 1024)  /* compressed-input buffer per decompressor */
#define KS_EV_HEAD_MAX ((size_t)64 * 1024) /* bytes peeked per layer (ks_member.head) */
#define KS_EV_MAX_LAYERS 24                /* hard cap whatever max_nesting says */
#define KS_EV_COMP_MAX 256                 /* length of a compression description */
#define KS_EV_DEFAULT_MAX_MEMBER ((uint64_t)64 << 30)
#define KS_EV_DEFAULT_NESTING 4
#define KS_EV_NESTING_CAP 10

typedef struct ks_ev_layer ks_ev_layer;
struct ks_ev_layer {
    ks_input in; /* this layer's output; in.ctx points to the layer itself */
    void (*destroy)(ks_ev_layer *l);
};

/* ---- raw file ------------------------------------------------------------------- */
typedef struct ks_ev_fd {
    ks_ev_layer base;
    int fd;
    uint64_t pos; /* file offset of the next read */
} ks_ev_fd;

/* Takes ownership of fd (closed by destroy). */
int ks_ev_fd_new(ks_ev_fd **out, int fd, const char *name, ks_err *err);
/* Repositions a raw file (only for libarchive's seek callback). */
int64_t ks_ev_fd_seek(ks_ev_fd *f, int64_t off, int whence);

/* Opens an evidence file read-only without blocking, never following a symlink unless
 * `follow`, and never changing its atime when the kernel lets us (O_NOATIME).
 * Returns 0 with *out_fd and *out_st set; 1 with *out_skip set (not a regular file); or an error. */
int ks_ev_open_file(int *out_fd, struct stat *out_st, const char **out_skip, const char *path,
                    bool follow, ks_err *err);
/* Same for a directory (O_DIRECTORY); returns 0 or an error. */
int ks_ev_open_dir(int *out_fd, struct stat *out_st, const char *path, bool follow, ks_err *err);
/* The reason string for a file type that is not walked ("FIFO", "socket", ...). */
const char *ks_ev_type_reason(mode_t mode);

/* ---- peek ----------------------------------------------------------------------- */
typedef struct ks_ev_peek {
    ks_ev_layer base;
    ks_input *below;
    uint8_t *buf;
    size_t cap, len, pos; /* buffered [0,len), next unread at pos */
    bool below_done;      /* below returned end of input or an error */
    int pend_rc;          /* error met while filling, returned once the buffer is drained */
    ks_err pend_err;
    bool failed;          /* an error was returned: further reads return end of input */
    uint64_t delivered;   /* bytes returned by read so far (the member offset) */
    uint64_t limit;       /* max bytes to deliver (bomb guard); 0 = none */
} ks_ev_peek;

int ks_ev_peek_new(ks_ev_peek **out, ks_input *below, size_t cap, uint64_t limit,
                   const char *name, ks_err *err);
/* Buffers up to cap bytes; a read error is kept and delivered after the buffered bytes. */
int ks_ev_peek_fill(ks_ev_peek *p, ks_err *err);

/* ---- format sniffing -------------------------------------------------------------- */
typedef enum ks_ev_kind {
    KS_EV_PLAIN = 0,
    KS_EV_GZIP,
    KS_EV_ZSTD,
    KS_EV_BZIP2,
    KS_EV_XZ,
    KS_EV_LZMA,
    KS_EV_ZIP,
    KS_EV_TAR,
} ks_ev_kind;

ks_ev_kind ks_ev_sniff(const uint8_t *p, size_t n);
const char *ks_ev_kind_name(ks_ev_kind k);
static inline bool ks_ev_is_compression(ks_ev_kind k) { return k >= KS_EV_GZIP && k <= KS_EV_LZMA; }
static inline bool ks_ev_is_archive(ks_ev_kind k) { return k == KS_EV_ZIP || k == KS_EV_TAR; }

/* ---- decompressors ---------------------------------------------------------------- */
/* A layer that decompresses `below` (which the caller keeps alive). Damage is reported as
 * KS_ECORRUPT after every byte decodable before it was delivered; err->offset is the
 * offset in the compressed input where decoding stopped. */
int ks_ev_dec_new(ks_ev_layer **out, ks_ev_kind kind, ks_input *below, const char *name,
                  ks_err *err);

/* ---- chains ----------------------------------------------------------------------- */
typedef struct ks_ev_chain {
    ks_ev_layer *layers[KS_EV_MAX_LAYERS]; /* owned, destroyed top-down */
    size_t n;
    ks_ev_peek *top;                        /* the last peek: the content and its head */
    ks_ev_fd *raw;                          /* the raw file at the bottom, if owned here */
    ks_ev_peek *raw_peek;                   /* the peek directly above raw (or NULL) */
    char comp[KS_EV_COMP_MAX];              /* filters outermost first, joined by ">" */
    char comp_rev[KS_EV_COMP_MAX];          /* the same innermost first, joined by "+" */
    int depth;                              /* filters pushed */
    ks_ev_kind archive;                     /* KS_EV_ZIP/KS_EV_TAR when top sniffs so */
} ks_ev_chain;

void ks_ev_chain_init(ks_ev_chain *c);
/* Takes ownership of the layer (destroys it on failure). */
int ks_ev_chain_push(ks_ev_chain *c, ks_ev_layer *l, ks_err *err);
/* Stacks peek + decompressors over `base` until the content is not compressed. `budget` is
 * how many more filters may be stacked; more nesting than that is KS_ELIMIT. When
 * detect_archives, a zip/tar top is recorded in c->archive (not opened here). */
int ks_ev_chain_build(ks_ev_chain *c, ks_input *base, const char *name, int budget,
                      uint64_t limit, bool detect_archives, ks_err *err);
void ks_ev_chain_free(ks_ev_chain *c);

/* ---- archives (libarchive) -------------------------------------------------------- */
typedef struct ks_ev_arch ks_ev_arch;

/* Opens an archive over `in` (not owned). When `seek_fd` is given the archive is read
 * from that raw file directly (seekable: zip central directory). */
int ks_ev_arch_open(ks_ev_arch **out, ks_ev_kind kind, ks_input *in, ks_ev_fd *seek_fd,
                    const char *name, ks_err *err);
/* Next regular-file entry: 0 with *out_inner (entry name, valid until the next call) and
 * *out_data (its content); 1 with *out_skip_reason for an entry reported as skipped
 * (encrypted...); KS_EOF at the end; or an error (the archive is then unusable). */
int ks_ev_arch_next(ks_ev_arch *a, const char **out_inner, ks_input **out_data,
                    const char **out_skip_reason, ks_err *err);
/* True once libarchive failed fatally: the archive yields nothing more. */
bool ks_ev_arch_dead(const ks_ev_arch *a);
void ks_ev_arch_free(ks_ev_arch *a);

#endif
