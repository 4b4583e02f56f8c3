/* ev_decomp.c — format sniffing and the decompression layers (zlib, libzstd, libbz2,
 * liblzma).
 *
 * Every codec is driven by one loop (dec_read) that knows about the things they share:
 *  - several concatenated streams ("members": `cat a.gz b.gz`, pigz/pbzip2 output, zstd
 *    frames, xz streams) are decoded one after the other; at each boundary the next bytes
 *    must start with the codec's magic, otherwise they are trailing data and are reported
 *    (gzip(1) warns "trailing garbage ignored"; we return KS_ECORRUPT after the content);
 *  - damage: every byte the codec could decode before it is delivered first, then the error
 *    names the codec, the compressed offset where decoding stopped, and how much came out;
 *  - truncation: input ends inside a stream (no progress possible at end of input).
 * Output goes straight into the caller's buffer; input is read in KS_EV_BUFSZ chunks.
 */
#include "evidence/ev_internal.h"

#include <bzlib.h>
#include <limits.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* ---- sniffing --------------------------------------------------------------------- */

static uint32_t rd_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* zstd frame magic 0xFD2FB528; skippable frames 0x184D2A50..0x184D2A5F (RFC 8878 §3.1). */
static bool zstd_magic(const uint8_t *p, size_t n)
{
    if (n < 4)
        return false;
    uint32_t m = rd_le32(p);
    return m == 0xFD2FB528u || (m & 0xFFFFFFF0u) == 0x184D2A50u;
}

static bool gzip_magic(const uint8_t *p, size_t n)
{
    /* RFC 1952 §2.3.1: ID1 ID2 = 1f 8b, CM = 8 (deflate), FLG bits 5-7 reserved (zero) */
    return n >= 4 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8 && (p[3] & 0xE0) == 0;
}

/* "BZh" + block size digit, then either a block header (the BCD digits of pi,
 * 31 41 59 26 53 59) or the end-of-stream marker (sqrt(pi), 17 72 45 38 50 90): ten bytes,
 * so a text file starting with "BZh1" is not mistaken for bzip2. */
static bool bzip2_magic(const uint8_t *p, size_t n)
{
    static const uint8_t blk[6] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
    static const uint8_t eos[6] = {0x17, 0x72, 0x45, 0x38, 0x50, 0x90};
    return n >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' &&
           p[3] <= '9' && (memcmp(p + 4, blk, 6) == 0 || memcmp(p + 4, eos, 6) == 0);
}

static bool xz_magic(const uint8_t *p, size_t n)
{
    static const uint8_t m[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
    return n >= 6 && memcmp(p, m, 6) == 0;
}

/* The legacy .lzma ("LZMA_Alone") header has no magic: properties byte, dictionary size
 * (LE32), uncompressed size (LE64, all ones = unknown). Accept only what lzma(1)/xz(1)
 * write: properties 0x5D (lc=3 lp=0 pb=2), a 2^n or 2^n+2^(n-1) dictionary, and a size that
 * is unknown or below 2^48, so that ordinary text is never taken for it. */
static bool lzma_magic(const uint8_t *p, size_t n)
{
    if (n < 13 || p[0] != 0x5D)
        return false;
    uint32_t d = rd_le32(p + 1);
    if (d < 4096)
        return false;
    uint32_t top = d & ~(d - 1); /* lowest set bit */
    if (d != top && d != top + (top << 1))
        return false;
    bool unknown = true, small = p[11] == 0 && p[12] == 0;
    for (int i = 5; i < 13; i++)
        unknown = unknown && p[i] == 0xFF;
    return unknown || small;
}

/* POSIX ustar / GNU / v7 tar: a 512-byte header whose checksum field (octal, offset 148)
 * equals the sum of the header bytes with the field itself counted as spaces. */
static bool tar_magic(const uint8_t *p, size_t n)
{
    if (n < 512)
        return false;
    uint64_t want = 0;
    size_t i = 148, digits = 0;
    while (i < 156 && p[i] == ' ')
        i++;
    for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++, digits++)
        want = want * 8 + (uint64_t)(p[i] - '0');
    if (!digits || (i < 156 && p[i] != ' ' && p[i] != 0))
        return false;
    uint64_t sum = 0;
    for (i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? (uint64_t)' ' : p[i];
    return sum == want && p[0] != 0;
}

static bool zip_magic(const uint8_t *p, size_t n)
{
    /* local file header, end of central directory (empty zip), spanning marker */
    return n >= 4 && p[0] == 'P' && p[1] == 'K' &&
           ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6) || (p[2] == 7 && p[3] == 8));
}

ks_ev_kind ks_ev_sniff(const uint8_t *p, size_t n)
{
    if (gzip_magic(p, n))
        return KS_EV_GZIP;
    if (zstd_magic(p, n))
        return KS_EV_ZSTD;
    if (bzip2_magic(p, n))
        return KS_EV_BZIP2;
    if (xz_magic(p, n))
        return KS_EV_XZ;
    if (zip_magic(p, n))
        return KS_EV_ZIP;
    if (tar_magic(p, n))
        return KS_EV_TAR;
    if (lzma_magic(p, n))
        return KS_EV_LZMA;
    return KS_EV_PLAIN;
}

const char *ks_ev_kind_name(ks_ev_kind k)
{
    switch (k) {
    case KS_EV_GZIP: return "gzip";
    case KS_EV_ZSTD: return "zstd";
    case KS_EV_BZIP2: return "bzip2";
    case KS_EV_XZ: return "xz";
    case KS_EV_LZMA: return "lzma";
    case KS_EV_ZIP: return "zip";
    case KS_EV_TAR: return "tar";
    case KS_EV_PLAIN: break;
    }
    return "";
}

/* ---- the shared decoding loop ------------------------------------------------------- */

enum { STEP_MORE = 0, STEP_END = 1, STEP_CORRUPT = -1, STEP_NOMEM = -2, STEP_LIMIT = -3 };

typedef struct ks_ev_dec {
    ks_ev_layer base;
    ks_ev_kind kind;
    const char *cname;
    ks_input *below;
    uint8_t *inbuf;
    size_t in_pos, in_len; /* unconsumed input is inbuf[in_pos, in_len) */
    uint64_t in_base;      /* compressed offset of inbuf[0] */
    bool in_eof;
    bool at_boundary;      /* before a stream/member: expect magic, or the end */
    bool initialized;      /* codec state allocated */
    uint64_t streams;      /* streams/members finished */
    uint64_t out_total;
    bool done;             /* end of input returned or error returned */
    int pend_rc;           /* error to return on the next read (after delivering data) */
    ks_err pend_err;
    const char *detail;    /* codec's words for the last failure */
    union {
        z_stream z;
        ZSTD_DCtx *zs;
        bz_stream bz;
        lzma_stream lz;
    } u;
} ks_ev_dec;

static uint64_t dec_offset(const ks_ev_dec *d) { return d->in_base + d->in_pos; }

/* Reads more compressed input, keeping the unconsumed tail. */
static int dec_refill(ks_ev_dec *d, ks_err *err)
{
    if (d->in_eof)
        return 0;
    if (d->in_pos > 0) {
        size_t keep = d->in_len - d->in_pos;
        memmove(d->inbuf, d->inbuf + d->in_pos, keep);
        d->in_base += d->in_pos;
        d->in_len = keep;
        d->in_pos = 0;
    }
    if (d->in_len == KS_EV_BUFSZ)
        return 0;
    size_t n = 0;
    int rc = d->below->read(d->below->ctx, d->inbuf + d->in_len, KS_EV_BUFSZ - d->in_len, &n, err);
    if (rc != 0)
        return rc;
    if (n == 0)
        d->in_eof = true;
    d->in_len += n;
    return 0;
}

/* Makes at least `want` unconsumed bytes available unless the input ends first. */
static int dec_ensure(ks_ev_dec *d, size_t want, ks_err *err)
{
    for (int i = 0; i < 64 && d->in_len - d->in_pos < want && !d->in_eof; i++) {
        int rc = dec_refill(d, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* One codec call: consume from inbuf[in_pos..), write to out. */
static int codec_step(ks_ev_dec *d, uint8_t *out, size_t outlen, size_t *produced, bool eof)
{
    const uint8_t *in = d->inbuf + d->in_pos;
    size_t avail = d->in_len - d->in_pos;
    *produced = 0;
    switch (d->kind) {
    case KS_EV_GZIP: {
        z_stream *z = &d->u.z;
        z->next_in = (Bytef *)(uintptr_t)in;
        z->avail_in = avail > UINT_MAX ? UINT_MAX : (uInt)avail;
        z->next_out = out;
        z->avail_out = outlen > UINT_MAX ? UINT_MAX : (uInt)outlen;
        uInt ain = z->avail_in, aout = z->avail_out;
        int r = inflate(z, Z_NO_FLUSH);
        d->in_pos += ain - z->avail_in;
        *produced = aout - z->avail_out;
        if (r == Z_STREAM_END)
            return STEP_END;
        if (r == Z_OK || r == Z_BUF_ERROR)
            return STEP_MORE;
        if (r == Z_MEM_ERROR)
            return STEP_NOMEM;
        d->detail = z->msg ? z->msg : "invalid deflate data";
        return STEP_CORRUPT;
    }
    case KS_EV_ZSTD: {
        ZSTD_inBuffer ib = {in, avail, 0};
        ZSTD_outBuffer ob = {out, outlen, 0};
        size_t r = ZSTD_decompressStream(d->u.zs, &ob, &ib);
        d->in_pos += ib.pos;
        *produced = ob.pos;
        if (ZSTD_isError(r)) {
            d->detail = ZSTD_getErrorName(r);
            if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
                return STEP_NOMEM;
            if (ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge)
                return STEP_LIMIT;
            return STEP_CORRUPT;
        }
        return r == 0 ? STEP_END : STEP_MORE;
    }
    case KS_EV_BZIP2: {
        bz_stream *b = &d->u.bz;
        unsigned ain = avail > UINT_MAX ? UINT_MAX : (unsigned)avail;
        unsigned aout = outlen > UINT_MAX ? UINT_MAX : (unsigned)outlen;
        b->next_in = (char *)(uintptr_t)in;
        b->avail_in = ain;
        b->next_out = (char *)out;
        b->avail_out = aout;
        int r = BZ2_bzDecompress(b);
        d->in_pos += ain - b->avail_in;
        *produced = aout - b->avail_out;
        if (r == BZ_STREAM_END)
            return STEP_END;
        if (r == BZ_OK)
            return STEP_MORE;
        if (r == BZ_MEM_ERROR)
            return STEP_NOMEM;
        d->detail = r == BZ_DATA_ERROR_MAGIC ? "bad stream magic" : "data integrity error";
        return STEP_CORRUPT;
    }
    case KS_EV_XZ:
    case KS_EV_LZMA: {
        lzma_stream *s = &d->u.lz;
        s->next_in = in;
        s->avail_in = avail;
        s->next_out = out;
        s->avail_out = outlen;
        lzma_ret r = lzma_code(s, eof ? LZMA_FINISH : LZMA_RUN);
        d->in_pos += avail - s->avail_in;
        *produced = outlen - s->avail_out;
        switch (r) {
        case LZMA_STREAM_END: return STEP_END;
        case LZMA_OK:
        case LZMA_BUF_ERROR:
        case LZMA_NO_CHECK:
        case LZMA_UNSUPPORTED_CHECK:
        case LZMA_GET_CHECK: return STEP_MORE;
        case LZMA_MEM_ERROR: return STEP_NOMEM;
        case LZMA_MEMLIMIT_ERROR: d->detail = "needs more memory than allowed"; return STEP_LIMIT;
        case LZMA_FORMAT_ERROR: d->detail = "not a valid stream header"; return STEP_CORRUPT;
        case LZMA_OPTIONS_ERROR: d->detail = "unsupported options"; return STEP_CORRUPT;
        case LZMA_DATA_ERROR: d->detail = "corrupt data"; return STEP_CORRUPT;
        default: d->detail = "decoder error"; return STEP_CORRUPT;
        }
    }
    default:
        d->detail = "no codec";
        return STEP_CORRUPT;
    }
}

/* xz -9 needs 65 MiB to decode; a header asking for more than this is refused rather than
 * letting a few hostile bytes allocate gigabytes. */
#define KS_EV_XZ_MEMLIMIT ((uint64_t)256 << 20)

static void codec_end(ks_ev_dec *d)
{
    if (!d->initialized)
        return;
    switch (d->kind) {
    case KS_EV_GZIP: inflateEnd(&d->u.z); break;
    case KS_EV_ZSTD: ZSTD_freeDCtx(d->u.zs); break;
    case KS_EV_BZIP2: BZ2_bzDecompressEnd(&d->u.bz); break;
    case KS_EV_XZ:
    case KS_EV_LZMA: lzma_end(&d->u.lz); break;
    default: break;
    }
    d->initialized = false;
}

/* Prepares the codec for the next stream (keeping state that can be reset cheaply). */
static int codec_start(ks_ev_dec *d)
{
    switch (d->kind) {
    case KS_EV_GZIP:
        if (d->initialized)
            return inflateReset(&d->u.z) == Z_OK ? 0 : KS_ENOMEM;
        memset(&d->u.z, 0, sizeof d->u.z);
        if (inflateInit2(&d->u.z, 15 + 16) != Z_OK) /* gzip wrapper only, CRC checked */
            return KS_ENOMEM;
        break;
    case KS_EV_ZSTD:
        if (d->initialized)
            return 0; /* the streaming decoder continues with the next frame itself */
        if (!(d->u.zs = ZSTD_createDCtx()))
            return KS_ENOMEM;
        break;
    case KS_EV_BZIP2:
        codec_end(d);
        memset(&d->u.bz, 0, sizeof d->u.bz);
        if (BZ2_bzDecompressInit(&d->u.bz, 0, 0) != BZ_OK)
            return KS_ENOMEM;
        break;
    case KS_EV_XZ:
    case KS_EV_LZMA: {
        codec_end(d);
        lzma_stream init = LZMA_STREAM_INIT;
        d->u.lz = init;
        lzma_ret r = d->kind == KS_EV_XZ
                         ? lzma_stream_decoder(&d->u.lz, KS_EV_XZ_MEMLIMIT, 0)
                         : lzma_alone_decoder(&d->u.lz, KS_EV_XZ_MEMLIMIT);
        if (r != LZMA_OK)
            return KS_ENOMEM;
        break;
    }
    default:
        return KS_EUNSUPPORTED;
    }
    d->initialized = true;
    return 0;
}

static bool next_magic_ok(ks_ev_dec *d)
{
    const uint8_t *p = d->inbuf + d->in_pos;
    size_t n = d->in_len - d->in_pos;
    switch (d->kind) {
    case KS_EV_GZIP: return gzip_magic(p, n);
    case KS_EV_ZSTD: return zstd_magic(p, n);
    case KS_EV_BZIP2: return bzip2_magic(p, n);
    case KS_EV_XZ: return xz_magic(p, n);
    default: return false; /* .lzma has a single stream */
    }
}

/* Records an error to be returned (now if nothing was produced, else on the next read). */
static int dec_fail(ks_ev_dec *d, ks_err *err, size_t produced, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int dec_fail(ks_ev_dec *d, ks_err *err, size_t produced, int code, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    ks_err_clear(&d->pend_err);
    d->pend_rc = KS_ERR_AT(&d->pend_err, code, d->base.in.name, -1, (int64_t)dec_offset(d),
                           "%s: %s at compressed offset %llu; decompressed %llu bytes before "
                           "the damage",
                           d->cname, why, (unsigned long long)dec_offset(d),
                           (unsigned long long)(d->out_total + produced));
    if (produced)
        return 0;
    d->done = true;
    if (err)
        *err = d->pend_err;
    return d->pend_rc;
}

/* An error from the layer below (already located there): pass it on unchanged. */
static int dec_pass(ks_ev_dec *d, ks_err *err, size_t produced, int rc)
{
    if (err)
        d->pend_err = *err;
    else
        ks_err_clear(&d->pend_err);
    d->pend_rc = rc;
    if (produced)
        return 0; /* caller returns the data; the error comes next time */
    d->done = true;
    return rc;
}

static int dec_read(void *ctx, void *buf, size_t len, size_t *out_n, ks_err *err)
{
    ks_ev_dec *d = ctx;
    size_t produced = 0;
    int rc = 0;
    *out_n = 0;
    if (d->done || len == 0)
        return 0;
    if (d->pend_rc) {
        d->done = true;
        if (err)
            *err = d->pend_err;
        return d->pend_rc;
    }
    /* Bounded: every pass consumes input, produces output, reads more input, or ends. */
    bool stalled = false;
    while (produced == 0) {
        if (d->at_boundary) {
            /* xz stream padding: NUL bytes in multiples of four (xz file format §2.2) */
            for (;;) {
                if ((rc = dec_ensure(d, 10, err)) != 0) {
                    rc = dec_pass(d, err, 0, rc);
                    goto done;
                }
                size_t avail = d->in_len - d->in_pos;
                if (d->kind != KS_EV_XZ || d->streams == 0 || avail < 4 ||
                    rd_le32(d->inbuf + d->in_pos) != 0)
                    break;
                d->in_pos += 4;
            }
            if (d->in_pos == d->in_len && d->in_eof) {
                d->done = true; /* clean end at a stream boundary */
                goto done;
            }
            if (d->streams > 0 && !next_magic_ok(d)) {
                rc = dec_fail(d, err, 0, KS_ECORRUPT,
                              "trailing data that is not %s after the end of stream %llu "
                              "(not decompressed)",
                              d->cname, (unsigned long long)d->streams);
                goto done;
            }
            if ((rc = codec_start(d)) != 0) {
                rc = dec_fail(d, err, 0, rc, "cannot initialize the decoder");
                goto done;
            }
            d->at_boundary = false;
        }
        if ((d->in_pos == d->in_len || stalled) && !d->in_eof) {
            if (stalled && d->in_pos == 0 && d->in_len == KS_EV_BUFSZ) {
                rc = dec_fail(d, err, produced, KS_ECORRUPT, "decoder makes no progress");
                goto done;
            }
            if ((rc = dec_refill(d, err)) != 0) {
                rc = dec_pass(d, err, produced, rc);
                goto done;
            }
        }
        bool eof = d->in_eof;
        size_t before = d->in_pos, n = 0;
        int st = codec_step(d, (uint8_t *)buf + produced, len - produced, &n, eof);
        produced += n;
        if (st == STEP_END) {
            d->streams++;
            d->at_boundary = true;
        } else if (st == STEP_NOMEM) {
            rc = dec_fail(d, err, produced, KS_ENOMEM, "out of memory");
            goto done;
        } else if (st == STEP_LIMIT) {
            rc = dec_fail(d, err, produced, KS_ELIMIT, "%s", d->detail);
            goto done;
        } else if (st == STEP_CORRUPT) {
            rc = dec_fail(d, err, produced, KS_ECORRUPT, "corrupt data (%s)", d->detail);
            goto done;
        } else if (n == 0 && d->in_pos == before && eof) {
            rc = dec_fail(d, err, produced, KS_ECORRUPT,
                          "truncated: compressed data ends inside stream %llu",
                          (unsigned long long)d->streams + 1);
            goto done;
        }
        stalled = n == 0 && d->in_pos == before;
    }
done:
    if (rc != 0)
        return rc;
    d->out_total += produced;
    *out_n = produced;
    return 0;
}

static void dec_destroy(ks_ev_layer *l)
{
    ks_ev_dec *d = (ks_ev_dec *)l;
    codec_end(d);
    free(d->inbuf);
    free(d);
}

int ks_ev_dec_new(ks_ev_layer **out, ks_ev_kind kind, ks_input *below, const char *name,
                  ks_err *err)
{
    if (!ks_ev_is_compression(kind))
        return KS_ERR(err, KS_EUSAGE, "not a compression format");
    ks_ev_dec *d = calloc(1, sizeof *d);
    if (!d || !(d->inbuf = malloc(KS_EV_BUFSZ))) {
        free(d);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    d->kind = kind;
    d->cname = ks_ev_kind_name(kind);
    d->below = below;
    d->at_boundary = true;
    d->base.in.read = dec_read;
    d->base.in.ctx = d;
    d->base.in.name = name;
    d->base.destroy = dec_destroy;
    *out = &d->base;
    return 0;
}
