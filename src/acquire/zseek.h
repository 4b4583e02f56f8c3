/* zseek.h — zstd "seekable format" images: writing them, and reading any decompressed range.
 *
 * Layout (the zstd project's contrib/seekable_format description; our own implementation
 * on top of libzstd):
 *   frame 0 .. frame N-1     independent zstd frames, each holding `frame_size`
 *                            decompressed bytes (the last may hold fewer); each carries its
 *                            content size and zstd's own XXH64 checksum;
 *   skippable frame          magic 0x184D2A5E (LE32), content size (LE32), then
 *     N entries              compressed size (LE32), decompressed size (LE32)
 *                            (no per-entry checksum: descriptor bit 7 is 0)
 *     footer                 number of frames (LE32), descriptor (u8, bits 2..6 reserved=0),
 *                            seekable magic 0x8F92EAB1 (LE32).
 * Plain `zstd -d` decompresses such a file to the raw image (it skips the skippable frame),
 * and a reader seeks by summing the table, so fs commands read the image without inflating it.
 *
 * Ownership: the writer does not own the fd it writes to; the reader owns its fd.
 * The reader treats the file as hostile: the table is checked against the file size before
 * anything is allocated, frames are capped at KS_ZSEEK_MAX_FRAME decompressed bytes, and a
 * frame that does not decompress to its declared size is KS_ECORRUPT at its file offset.
 */
#ifndef KS_ZSEEK_H
#define KS_ZSEEK_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KS_ZSEEK_SKIPPABLE_MAGIC 0x184D2A5Eu
#define KS_ZSEEK_MAGIC 0x8F92EAB1u
#define KS_ZSEEK_FOOTER 9
#define KS_ZSEEK_MAX_FRAME (64u << 20)
#define KS_ZSEEK_DEFAULT_FRAME (1u << 20)

/* ---- writer ---- */
typedef struct ks_zseek_w ks_zseek_w;

#define KS_ZSEEK_MAX_WORKERS 16

/* `path` is only used in messages. frame_size: 4 KiB .. KS_ZSEEK_MAX_FRAME. Frames are
 * compressed by one worker thread per online CPU (none on a single CPU) and written in
 * order by the calling thread. */
int ks_zseek_w_new(ks_zseek_w **out, int fd, const char *path, int level, uint32_t frame_size,
                   ks_err *err);
/* The same with an explicit number of compression threads (0 = in the calling thread). */
int ks_zseek_w_new_mt(ks_zseek_w **out, int fd, const char *path, int level, uint32_t frame_size,
                      size_t workers, ks_err *err);
int ks_zseek_w_write(ks_zseek_w *w, const void *p, size_t n, ks_err *err);
/* Compresses what is buffered and appends the seek table. After a write error the table
 * is still written for the frames already on disk (best effort), so a partial image stays
 * readable up to its last complete frame. */
int ks_zseek_w_close(ks_zseek_w *w, ks_err *err);
/* Decompressed bytes in frames completely written to the file. */
uint64_t ks_zseek_w_committed(const ks_zseek_w *w);
void ks_zseek_w_free(ks_zseek_w *w);

/* ---- reader ---- */
typedef struct ks_zseek ks_zseek;

int ks_zseek_open(ks_zseek **out, const char *path, ks_err *err);
/* Total decompressed size. */
uint64_t ks_zseek_size(const ks_zseek *z);
uint64_t ks_zseek_frames(const ks_zseek *z);
/* Reads up to n decompressed bytes at off; *out_n < n only at the end. */
int ks_zseek_pread(ks_zseek *z, void *buf, size_t n, uint64_t off, size_t *out_n, ks_err *err);
void ks_zseek_close(ks_zseek *z);
/* Whether the file ends with a seek table (cheap sniff, for format detection). */
int ks_zseek_sniff(const char *path);

#endif
