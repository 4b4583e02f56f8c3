/* volume.h — volume systems: MBR (with extended/logical partitions), GPT, and the
 * "no table" case (a file system at offset 0).
 *
 * ks_vs_read fills a caller-owned ks_vs (fixed arrays, no allocation). Partitions are
 * numbered from 1 in table order (primary 1-4, then logical partitions 5.. for MBR; GPT
 * entries in order, skipping unused ones), which is what `image@N` refers to.
 */
#ifndef KS_FS_VOLUME_H
#define KS_FS_VOLUME_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "fs/image.h"

#define KS_VS_MAX_PARTS 256
#define KS_VS_MAX_LOGICAL 128 /* logical partitions followed in an extended chain */

typedef enum { KS_VS_NONE = 0, KS_VS_MBR, KS_VS_GPT } ks_vs_scheme;

typedef struct ks_part {
    unsigned index;        /* 1-based number used by image@N */
    uint64_t start;        /* byte offset in the image */
    uint64_t size;         /* bytes */
    uint8_t mbr_type;      /* MBR type byte (0 for GPT) */
    bool logical;          /* MBR logical partition inside an extended one */
    bool bootable;
    char type_guid[37];    /* GPT type GUID, lowercase text */
    char guid[37];         /* GPT unique GUID */
    char name[108];        /* GPT name as UTF-8 (from UTF-16LE), may hold anything */
    const char *type_desc; /* short description of the type ("Linux", "BIOS boot", ...) */
    uint64_t table_off;    /* where the entry describing it lies (for messages) */
} ks_part;

typedef struct ks_vs {
    ks_vs_scheme scheme;
    uint32_t sector_size;
    unsigned n;
    ks_part parts[KS_VS_MAX_PARTS];
    bool gpt_backup_used;  /* primary GPT header damaged, backup read */
    bool gpt_crc_bad;      /* header or entry array checksum mismatch */
    char disk_guid[37];
    unsigned warnings;     /* entries skipped as implausible */
} ks_vs;

/* Reads the partition table. KS_ENOTFOUND (err filled) when there is none. */
int ks_vs_read(ks_vs *out, ks_img *img, ks_err *err);
const char *ks_vs_scheme_name(ks_vs_scheme s);
/* Formats a GUID stored in GPT's mixed-endian layout. */
void ks_guid_format(const uint8_t g[16], char out[37]);

#endif
