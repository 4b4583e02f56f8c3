/* xfs_sb.c — opening an XFS volume: the primary superblock, geometry, CRC32C, reads.
 *
 * Superblock (sector 0, big-endian): magic "XFSB" @0, blocksize @4, dblocks @8, uuid @32,
 * rootino @56, agblocks @84, agcount @88, versionnum @100, sectsize @102, inodesize @104,
 * inopblock @106, fname @108, blocklog @120, sectlog @121, inodelog @122, inopblog @123,
 * agblklog @124, icount @128, ifree @136, dirblklog @192, features2 @200, V5 only:
 * features_compat @208, ro_compat @212, incompat @216, log_incompat @220, crc @224 (LE),
 * meta_uuid @248.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/xfs/xfs_int.h"

/* ---- CRC32C (Castagnoli, reflected 0x82F63B78), table built once ------------------- */
static uint32_t crc_table[256];
static bool crc_ready;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_table[i] = c;
    }
    crc_ready = true;
}

/* Standard CRC32C: pass 0 to start, the previous result to continue. */
uint32_t ks_xfs_crc32c(uint32_t crc, const void *p, size_t n)
{
    if (!crc_ready)
        crc_init();
    const uint8_t *b = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ b[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* XFS: the checksum covers the whole structure with its own 4-byte field taken as zero and
 * is stored little-endian. */
bool xfs_crc_ok(const uint8_t *buf, size_t len, size_t crc_off)
{
    if (!ks_fits(crc_off, 4, len))
        return false;
    static const uint8_t zero[4];
    uint32_t c = ks_xfs_crc32c(0, buf, crc_off);
    c = ks_xfs_crc32c(c, zero, 4);
    c = ks_xfs_crc32c(c, buf + crc_off + 4, len - crc_off - 4);
    return c == xfs_le32(buf + crc_off);
}

int xfs_read(ks_xfs *fs, uint64_t off, void *buf, size_t len, const char *what, ks_err *err)
{
    if (!ks_fits(off, len, fs->vol_size))
        return KS_CORRUPT(err, fs->name, -1, (int64_t)(off > INT64_MAX ? -1 : (int64_t)off),
                          "XFS %s: %zu bytes at offset %llu lie beyond the end of the volume "
                          "(%llu bytes)",
                          what, len, (unsigned long long)off, (unsigned long long)fs->vol_size);
    int rc = fs->read_at(fs->ctx, off, buf, len, err);
    if (rc < 0)
        ks_err_locate(err, fs->name, -1, (int64_t)off);
    return rc;
}

void xfs_warn(ks_xfs *fs, int64_t off, const char *fmt, ...)
{
    fs->nwarn++;
    if (!fs->warn)
        return;
    ks_err w;
    ks_err_clear(&w);
    char msg[KS_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ks_err_setx(&w, KS_ECORRUPT, fs->name, -1, off, __FILE__, __LINE__, "%s", msg);
    fs->warn(fs->warn_ctx, &w);
}

int xfs_agb_to_off(const ks_xfs *fs, uint32_t agno, uint64_t agbno, uint64_t *out)
{
    if (agno >= fs->info.ag_count || agbno >= fs->info.ag_blocks)
        return KS_ECORRUPT;
    *out = ((uint64_t)agno * fs->info.ag_blocks + agbno) << fs->blocklog;
    return 0;
}

int xfs_fsb_to_off(const ks_xfs *fs, uint64_t fsb, uint64_t *out)
{
    uint64_t agno = fsb >> fs->agblklog;
    uint64_t agbno = fsb & (((uint64_t)1 << fs->agblklog) - 1);
    if (agno >= fs->info.ag_count)
        return KS_ECORRUPT;
    return xfs_agb_to_off(fs, (uint32_t)agno, agbno, out);
}

static bool is_pow2(uint64_t v) { return v && !(v & (v - 1)); }
static uint32_t log2u(uint64_t v)
{
    uint32_t l = 0;
    while (v > 1) {
        v >>= 1;
        l++;
    }
    return l;
}

#define SB_BAD(...) KS_CORRUPT(err, fs->name, -1, 0, "XFS superblock: " __VA_ARGS__)

static int sb_parse(ks_xfs *fs, const uint8_t *sb, size_t sblen, ks_err *err)
{
    ks_xfs_info *in = &fs->info;
    if (xfs_be32(sb) != 0x58465342u)
        return SB_BAD("magic at offset 0 is 0x%08x, expected 0x58465342 (\"XFSB\")",
                      xfs_be32(sb));
    in->block_size = xfs_be32(sb + 4);
    in->data_blocks = xfs_be64(sb + 8);
    memcpy(in->uuid, sb + 32, 16);
    in->root_ino = xfs_be64(sb + 56);
    in->ag_blocks = xfs_be32(sb + 84);
    in->ag_count = xfs_be32(sb + 88);
    in->versionnum = xfs_be16(sb + 100);
    in->sector_size = xfs_be16(sb + 102);
    in->inode_size = xfs_be16(sb + 104);
    uint32_t inopblock = xfs_be16(sb + 106);
    memcpy(in->label, sb + 108, 12);
    in->label[12] = '\0';
    fs->blocklog = sb[120];
    uint32_t sectlog = sb[121];
    fs->inodelog = sb[122];
    fs->inopblog = sb[123];
    fs->agblklog = sb[124];
    in->icount = xfs_be64(sb + 128);
    in->ifree = xfs_be64(sb + 136);
    fs->dirblklog = sb[192];
    in->features2 = xfs_be32(sb + 200);
    in->version = in->versionnum & 0xf;

    if (in->version != 4 && in->version != 5)
        return SB_BAD("version %d in versionnum 0x%04x (offset 100) is not 4 or 5", in->version,
                      in->versionnum);
    /* XFS: block size is a power of two from 512 to 64 KiB, blocklog its log2 */
    if (!is_pow2(in->block_size) || in->block_size < 512 || in->block_size > 65536 ||
        log2u(in->block_size) != fs->blocklog)
        return SB_BAD("block size %u / blocklog %u (offsets 4, 120) invalid", in->block_size,
                      fs->blocklog);
    if (!is_pow2(in->sector_size) || in->sector_size < 512 || in->sector_size > 32768 ||
        log2u(in->sector_size) != sectlog || in->sector_size > in->block_size)
        return SB_BAD("sector size %u / sectlog %u (offsets 102, 121) invalid", in->sector_size,
                      sectlog);
    if (!is_pow2(in->inode_size) || in->inode_size < 256 || in->inode_size > 2048 ||
        log2u(in->inode_size) != fs->inodelog || in->inode_size > in->block_size)
        return SB_BAD("inode size %u / inodelog %u (offsets 104, 122) invalid", in->inode_size,
                      fs->inodelog);
    if (inopblock != in->block_size / in->inode_size || log2u(inopblock) != fs->inopblog)
        return SB_BAD("inopblock %u / inopblog %u (offsets 106, 123) do not match block and "
                      "inode size", inopblock, fs->inopblog);
    fs->inopblock = inopblock;
    if (in->ag_count == 0 || in->ag_blocks < 8 || fs->agblklog > 31 ||
        ((uint64_t)1 << fs->agblklog) < in->ag_blocks ||
        (fs->agblklog > 0 && ((uint64_t)1 << (fs->agblklog - 1)) >= in->ag_blocks))
        return SB_BAD("AG geometry agcount %u agblocks %u agblklog %u (offsets 88, 84, 124) "
                      "invalid", in->ag_count, in->ag_blocks, fs->agblklog);
    if (fs->blocklog + fs->dirblklog > 16)
        return SB_BAD("directory block log %u (offset 192) gives blocks over 64 KiB",
                      fs->dirblklog);
    in->dir_block_size = in->block_size << fs->dirblklog;

    bool morebits = in->versionnum & 0x8000;
    if (in->version == 5) {
        in->features_compat = xfs_be32(sb + 208);
        in->features_ro_compat = xfs_be32(sb + 212);
        in->features_incompat = xfs_be32(sb + 216);
        in->features_log_incompat = xfs_be32(sb + 220);
        in->crc = true;
        in->ftype = in->features_incompat & 0x1;
        in->sparse_inodes = in->features_incompat & 0x2;
        in->meta_uuid_feat = in->features_incompat & 0x4;
        in->bigtime = in->features_incompat & 0x8;
        in->nrext64 = in->features_incompat & 0x20;
        in->finobt = in->features_ro_compat & 0x1;
        in->rmapbt = in->features_ro_compat & 0x2;
        in->reflink = in->features_ro_compat & 0x4;
        if (in->meta_uuid_feat)
            memcpy(in->meta_uuid, sb + 248, 16);
        else
            memcpy(in->meta_uuid, in->uuid, 16);
        in->sb_crc_ok = xfs_crc_ok(sb, sblen, 224);
        if (!in->sb_crc_ok)
            xfs_warn(fs, 224, "XFS superblock CRC mismatch (stored 0x%08x at offset 224)",
                     xfs_le32(sb + 224));
    } else {
        /* V4: ftype lives in features2 (XFS_SB_VERSION2_FTYPE), valid with MOREBITS */
        in->ftype = morebits && (in->features2 & 0x200);
        memcpy(in->meta_uuid, in->uuid, 16);
        in->sb_crc_ok = true;
    }
    uint64_t sz = in->data_blocks << fs->blocklog;
    if ((in->data_blocks >> (64 - fs->blocklog)) != 0 ||
        (uint64_t)in->ag_count * in->ag_blocks < in->data_blocks)
        return SB_BAD("dblocks %llu (offset 8) inconsistent with %u AGs of %u blocks",
                      (unsigned long long)in->data_blocks, in->ag_count, in->ag_blocks);
    if (sz > fs->vol_size)
        xfs_warn(fs, 8, "XFS superblock: file system is %llu bytes but the volume has only "
                 "%llu (truncated image?)", (unsigned long long)sz,
                 (unsigned long long)fs->vol_size);
    return 0;
}

int ks_xfs_open(ks_xfs **out, ks_xfs_read_at_fn read_at, void *ctx, uint64_t volume_size,
                const ks_xfs_opts *opts, ks_err *err)
{
    int rc = 0;
    ks_xfs *fs = NULL;
    uint8_t *sb = NULL;
    if (!out || !read_at)
        return KS_ERR(err, KS_EUSAGE, "ks_xfs_open: missing output or read callback");
    fs = calloc(1, sizeof *fs);
    if (!fs) {
        rc = KS_ERR(err, KS_ENOMEM, "ks_xfs_open: out of memory");
        goto done;
    }
    fs->read_at = read_at;
    fs->ctx = ctx;
    fs->vol_size = volume_size;
    fs->max_extents = (uint64_t)4 << 20;
    if (opts) {
        if (opts->name)
            snprintf(fs->name, sizeof fs->name, "%s", opts->name);
        fs->warn = opts->warn;
        fs->warn_ctx = opts->warn_ctx;
        if (opts->max_extents)
            fs->max_extents = opts->max_extents;
    }
    sb = malloc(32768);
    if (!sb) {
        rc = KS_ERR(err, KS_ENOMEM, "ks_xfs_open: out of memory");
        goto done;
    }
    if ((rc = xfs_read(fs, 0, sb, 512, "superblock", err)) < 0)
        goto done;
    size_t sblen = 512;
    uint32_t sect = xfs_be16(sb + 102);
    if (is_pow2(sect) && sect > 512 && sect <= 32768 && ks_fits(0, sect, volume_size)) {
        if ((rc = xfs_read(fs, 0, sb, sect, "superblock", err)) < 0)
            goto done;
        sblen = sect;
    }
    if ((rc = sb_parse(fs, sb, sblen, err)) < 0)
        goto done;
    *out = fs;
    fs = NULL;
done:
    free(sb);
    free(fs);
    return rc;
}

void ks_xfs_close(ks_xfs *fs) { free(fs); }
const ks_xfs_info *ks_xfs_info_get(const ks_xfs *fs) { return &fs->info; }
uint64_t ks_xfs_warning_count(const ks_xfs *fs) { return fs->nwarn; }

const char *ks_xfs_type_name(ks_xfs_type t)
{
    switch (t) {
    case KS_XFS_T_REG: return "regular file";
    case KS_XFS_T_DIR: return "directory";
    case KS_XFS_T_CHR: return "character special file";
    case KS_XFS_T_BLK: return "block special file";
    case KS_XFS_T_FIFO: return "fifo";
    case KS_XFS_T_SOCK: return "socket";
    case KS_XFS_T_LNK: return "symbolic link";
    default: return "unknown";
    }
}

const char *ks_xfs_ns_prefix(ks_xfs_ns ns)
{
    switch (ns) {
    case KS_XFS_NS_TRUSTED: return "trusted.";
    case KS_XFS_NS_SECURE: return "security.";
    case KS_XFS_NS_PARENT: return "parent.";
    default: return "user.";
    }
}
