/* evidence.h — opening evidence read-only and turning it into byte streams for parsers.
 *
 * The walker takes the paths a user gives (files and directories, recursive) and yields
 * "members": each readable stream of content. A plain file is one member; a compressed
 * file (gzip incl. multi-member, zstd, bzip2, xz — detected by magic bytes, not by name)
 * is one member of decompressed bytes; zip and tar archives (also .tar.gz etc., through
 * libarchive) yield one member per regular file inside, named "archive.zip!dir/file".
 * Nested archives/compression are followed up to a fixed depth (e.g. a .json.gz in a zip).
 *
 * Integrity: files are opened O_RDONLY|O_CLOEXEC|O_NOCTTY, with O_NOATIME when the kernel
 * allows it, with O_NOFOLLOW for entries found inside directories unless follow_symlinks,
 * and with O_NONBLOCK until fstat confirms a regular file (a FIFO never blocks the walk).
 * Nothing is ever written, locked, or re-timed. Each on-disk file's SHA-256 and size are
 * computed by ks_evidence_hash (same careful open), so the case can record them and skip
 * exact duplicates.
 *
 * Damage: a member's input delivers every byte decodable before damage, then returns
 * KS_ECORRUPT naming the member (err->file), the codec, and err->offset = the offset in the
 * compressed input where decoding stopped. Trailing non-stream data after a valid gzip/zstd/
 * bzip2/xz stream is KS_ECORRUPT too, after all content. A decoded member larger than
 * max_member_size returns KS_ELIMIT after exactly max_member_size bytes. Errors about an
 * archive's structure carry the archive offset (approximate: libarchive's read position).
 *
 * Compression strings: steps outermost first, joined by ">": "gzip", "zip>gzip" (a .gz
 * inside a zip), "gzip>gzip"; an archive that is itself compressed is written "tar+gzip"
 * (and "tar+xz+gzip" for xz inside gzip); "" for plain content.
 *
 * Safety: symlink loops and directory cycles are detected (device+inode of every directory
 * on the current path, and of every directory already walked: skip "directory loop ..."),
 * special files (FIFOs, devices, sockets) are skipped with a reason, decoded size is bounded
 * per layer (max_member_size, default 64 GiB; an archive's own decompressed stream too)
 * against decompression bombs, and member names from archives are untrusted text (never
 * used as paths, not escaped here: escape them when printing). A plain file's own bytes
 * are not limited.
 */
#ifndef KS_EVIDENCE_H
#define KS_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/io.h"

typedef struct ks_walk ks_walk;

typedef struct ks_walk_opts {
    bool follow_symlinks;      /* follow symlinks to files/dirs (default true for files
                                  given on the command line, this flag for ones found
                                  while walking); loops are detected either way */
    uint64_t max_member_size;  /* decompressed bytes per member; 0 = 64 GiB */
    int max_nesting;           /* archive/compression nesting; 0 = 4, at most 10 */
} ks_walk_opts;

/* One stream of content. Owned by the walker; valid until the next ks_walk_next call. */
typedef struct ks_member {
    const char *path;        /* display path: "logs/a.json.gz" or "b.zip!x/y.json" */
    const char *disk_path;   /* the on-disk file that holds it */
    const char *inner_path;  /* path inside the archive, or NULL for a plain file */
    const char *compression; /* outermost->innermost filters, e.g. "gzip", "zip", "tar+gzip", or "" */
    uint64_t disk_size;      /* size of disk_path */
    ks_input input;          /* the decompressed content */
    const uint8_t *head;     /* the first head_len bytes of the content, for sniffing; the */
    size_t head_len;         /* input still returns them (reading starts at offset 0) */
} ks_member;

/* Something the walker did not turn into a member, to be reported to the user. */
typedef struct ks_walk_skip {
    const char *path;
    const char *reason; /* "directory loop", "not a regular file", "permission denied"... */
} ks_walk_skip;

int ks_walk_new(ks_walk **out, const char *const *paths, size_t npaths,
                const ks_walk_opts *opts, ks_err *err);
/* Returns 0 with *out_member set; or 1 with *out_skip set (an entry was skipped: report it,
 * then call again); or KS_EOF when done; or a negative status with err filled for an
 * entry that failed (report it, then call again: the walk continues with the next entry). */
int ks_walk_next(ks_walk *w, ks_member **out_member, ks_walk_skip *out_skip, ks_err *err);
/* Bytes of the current member's content read so far (the decompressed offset). */
uint64_t ks_walk_member_offset(const ks_walk *w);
void ks_walk_free(ks_walk *w);

/* Convenience for a single file: open one path as a decompressed ks_input without the
 * walk (used by `fs`/`db` commands that take one file). Compression layers are removed
 * (same detection, damage reporting and 64 GiB limit as the walker); archives are NOT
 * unpacked: a .tar.gz reads as the tar's bytes. The input and its name live until
 * ks_open_free. */
typedef struct ks_opened ks_opened;
int ks_open_file(ks_opened **out, ks_input **out_input, const char *path, ks_err *err);
void ks_open_free(ks_opened *o);

/* SHA-256 (64 hex digits) and byte size of a file as stored on disk, opened like evidence
 * (read-only, no atime change, symlinks followed as for a path the user named). */
int ks_evidence_hash(const char *path, char hex[65], uint64_t *out_size, ks_err *err);

/* ---- additions for tools, tests and fuzzers ---------------------------------------- */

/* Like ks_walk_new over one already-open regular file (e.g. a memfd in a fuzzer); the
 * walker reads a duplicate of fd from offset 0 (the file offset is shared with fd and
 * moves) and leaves closing fd to the caller. `name` is the display path. */
int ks_walk_new_fd(ks_walk **out, int fd, const char *name, const ks_walk_opts *opts,
                   ks_err *err);
/* Like ks_open_file over an already-open file (a duplicate of fd is read from offset 0). */
int ks_open_fd(ks_opened **out, ks_input **out_input, int fd, const char *name, ks_err *err);
/* The filters ks_open_file found, outermost first ("gzip", "gzip>xz", "" for none). */
const char *ks_open_compression(const ks_opened *o);
/* Like ks_open_file over any input, e.g. a file read out of a disk image: compression
 * layers are detected and removed the same way. `base` must outlive the result. */
int ks_open_input(ks_opened **out, ks_input **out_input, ks_input *base, const char *name,
                  ks_err *err);
/* The first bytes of the (decompressed) content, for sniffing; reading still starts at 0. */
void ks_open_head(const ks_opened *o, const uint8_t **out_p, size_t *out_n);

#endif
