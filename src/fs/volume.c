/* volume.c — MBR and GPT partition tables.
 *
 * MBR (sector 0): boot code, four 16-byte entries at 446 (status, CHS first, type, CHS
 * last, LBA start u32 LE, sector count u32 LE), signature 0x55 0xAA at 510. Types 0x05,
 * 0x0F and 0x85 are extended partitions: their first sector is an EBR with the same layout,
 * whose entry 1 is a logical partition (start relative to that EBR) and entry 2 links to
 * the next EBR (start relative to the first extended partition). Type 0xEE is GPT's
 * protective MBR.
 *
 * GPT (UEFI 2.x §5.3): header at LBA 1 ("EFI PART", revision, header size, header CRC32,
 * reserved, current LBA, backup LBA, first/last usable LBA, disk GUID, entry array LBA,
 * entry count, entry size, entry array CRC32); the backup header sits in the last sector.
 * Entries: type GUID, unique GUID, first LBA, last LBA (inclusive), attributes, name
 * (36 UTF-16LE code units). Sector size is 512 or 4096; both are tried.
 */
#include "fs/volume.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

const char *ks_vs_scheme_name(ks_vs_scheme s)
{
    switch (s) {
    case KS_VS_MBR: return "mbr";
    case KS_VS_GPT: return "gpt";
    default: return "none";
    }
}

void ks_guid_format(const uint8_t g[16], char out[37])
{
    snprintf(out, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", le32(g), le16(g + 4),
             le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

static const char *mbr_desc(uint8_t t)
{
    switch (t) {
    case 0x01: case 0x04: case 0x06: case 0x0b: case 0x0c: case 0x0e: return "FAT";
    case 0x05: case 0x0f: case 0x85: return "Extended";
    case 0x07: return "NTFS/exFAT";
    case 0x82: return "Linux swap";
    case 0x83: return "Linux";
    case 0x8e: return "Linux LVM";
    case 0xfd: return "Linux RAID";
    case 0xee: return "GPT protective";
    case 0xef: return "EFI system";
    default: return "unknown";
    }
}

static const struct {
    const char *guid, *desc;
} gpt_types[] = {
    {"0fc63daf-8483-4772-8e79-3d69d8477de4", "Linux filesystem"},
    {"21686148-6449-6e6f-744e-656564454649", "BIOS boot"},
    {"c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "EFI system"},
    {"e6d6d379-f507-44c2-a23c-238f2a3df928", "Linux LVM"},
    {"0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", "Linux swap"},
    {"4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "Linux root (x86-64)"},
    {"a19d880f-05fc-4d3b-a006-743f0f84911e", "Linux RAID"},
    {"ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", "Microsoft basic data"},
    {"e3c9e316-0b5c-4db8-817d-f92df00215ae", "Microsoft reserved"},
    {"bc13c2ff-59e6-4262-a352-b275fd6f7172", "Linux extended boot"},
};

static const char *gpt_desc(const char *guid)
{
    for (size_t i = 0; i < sizeof gpt_types / sizeof gpt_types[0]; i++)
        if (!strcmp(gpt_types[i].guid, guid))
            return gpt_types[i].desc;
    return "unknown";
}

static int is_extended(uint8_t t)
{
    return t == 0x05 || t == 0x0f || t == 0x85;
}

static int add_part(ks_vs *vs, uint64_t start, uint64_t size, uint64_t table_off)
{
    if (vs->n >= KS_VS_MAX_PARTS)
        return 0;
    ks_part *p = &vs->parts[vs->n];
    memset(p, 0, sizeof *p);
    p->index = vs->n + 1;
    p->start = start;
    p->size = size;
    p->table_off = table_off;
    vs->n++;
    return 1;
}

/* Follows the EBR chain of an extended partition. The chain is bounded by
 * KS_VS_MAX_LOGICAL links and each EBR must lie inside the extended partition and not
 * be visited twice (a loop is reported as corruption). */
static int read_extended(ks_vs *vs, ks_img *img, uint64_t ext_lba, uint64_t ext_sectors,
                         ks_err *err)
{
    const uint64_t ss = 512;
    uint64_t ebr_rel = 0; /* relative to ext_lba */
    uint64_t seen[KS_VS_MAX_LOGICAL];
    uint8_t sec[512];
    for (unsigned link = 0; link < KS_VS_MAX_LOGICAL; link++) {
        for (unsigned i = 0; i < link; i++)
            if (seen[i] == ebr_rel)
                return KS_ERR_AT(err, KS_ECORRUPT, ks_img_name(img), -1,
                                 (int64_t)((ext_lba + ebr_rel) * ss),
                                 "MBR: extended partition chain loops back to an earlier EBR");
        seen[link] = ebr_rel;
        uint64_t ebr_off = (ext_lba + ebr_rel) * ss;
        int rc = ks_img_read(img, ebr_off, sec, sizeof sec, err);
        if (rc)
            return rc;
        if (sec[510] != 0x55 || sec[511] != 0xaa)
            return KS_ERR_AT(err, KS_ECORRUPT, ks_img_name(img), -1, (int64_t)ebr_off + 510,
                             "MBR: extended boot record without the 0x55AA signature");
        const uint8_t *e1 = sec + 446, *e2 = sec + 462;
        uint32_t s1 = le32(e1 + 8), n1 = le32(e1 + 12);
        if (e1[4] != 0 && n1 != 0) {
            uint64_t start = (ext_lba + ebr_rel + s1) * ss;
            if (add_part(vs, start, (uint64_t)n1 * ss, ebr_off + 446)) {
                ks_part *p = &vs->parts[vs->n - 1];
                p->mbr_type = e1[4];
                p->logical = true;
                p->bootable = e1[0] == 0x80;
                p->type_desc = mbr_desc(e1[4]);
            }
        }
        if (e2[4] == 0 || !is_extended(e2[4]))
            return 0;
        uint64_t next = le32(e2 + 8);
        if (next == 0 || next >= ext_sectors)
            return KS_ERR_AT(err, KS_ECORRUPT, ks_img_name(img), -1, (int64_t)ebr_off + 462,
                             "MBR: next EBR at sector %llu lies outside the extended partition",
                             (unsigned long long)(ext_lba + next));
        ebr_rel = next;
    }
    return KS_ERR_AT(err, KS_ELIMIT, ks_img_name(img), -1, -1,
                     "MBR: more than %d logical partitions", KS_VS_MAX_LOGICAL);
}

static void utf16_name(const uint8_t *p, size_t units, char *out, size_t outsz)
{
    size_t o = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t c = le16(p + 2 * i);
        if (c == 0)
            break;
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < units) {
            uint32_t lo = le16(p + 2 * i + 2);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                i++;
            }
        }
        if (c >= 0xd800 && c <= 0xdfff)
            c = 0xfffd;
        char tmp[4];
        size_t k;
        if (c < 0x80) {
            tmp[0] = (char)c;
            k = 1;
        } else if (c < 0x800) {
            tmp[0] = (char)(0xc0 | c >> 6);
            tmp[1] = (char)(0x80 | (c & 0x3f));
            k = 2;
        } else if (c < 0x10000) {
            tmp[0] = (char)(0xe0 | c >> 12);
            tmp[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            tmp[2] = (char)(0x80 | (c & 0x3f));
            k = 3;
        } else {
            tmp[0] = (char)(0xf0 | c >> 18);
            tmp[1] = (char)(0x80 | ((c >> 12) & 0x3f));
            tmp[2] = (char)(0x80 | ((c >> 6) & 0x3f));
            tmp[3] = (char)(0x80 | (c & 0x3f));
            k = 4;
        }
        if (o + k >= outsz)
            break;
        memcpy(out + o, tmp, k);
        o += k;
    }
    out[o] = '\0';
}

#define GPT_MAX_ENTRIES 1024
#define GPT_MAX_ENTRY_SIZE 4096

/* Reads one GPT header at lba and its entries. 1 = parsed, 0 = no header there. */
static int read_gpt_at(ks_vs *vs, ks_img *img, uint32_t ss, uint64_t lba, ks_err *err)
{
    uint8_t h[512];
    uint8_t *arr = NULL;
    int rc = 0;
    uint64_t hoff = lba * ss;
    if (!ks_fits(hoff, sizeof h, ks_img_size(img)))
        return 0;
    rc = ks_img_read(img, hoff, h, sizeof h, err);
    if (rc)
        return rc;
    if (memcmp(h, "EFI PART", 8) != 0)
        return 0;
    uint32_t hsize = le32(h + 12);
    if (hsize < 92 || hsize > sizeof h)
        return KS_ERR_AT(err, KS_ECORRUPT, ks_img_name(img), -1, (int64_t)hoff + 12,
                         "GPT header: header size %u is not in 92..512", hsize);
    uint32_t want_crc = le32(h + 16);
    uint8_t hc[512];
    memcpy(hc, h, hsize);
    memset(hc + 16, 0, 4);
    if ((uint32_t)crc32(0, hc, hsize) != want_crc)
        vs->gpt_crc_bad = true;
    uint64_t first_usable = le64(h + 40), last_usable = le64(h + 48);
    ks_guid_format(h + 56, vs->disk_guid);
    uint64_t arr_lba = le64(h + 72);
    uint32_t count = le32(h + 80), esize = le32(h + 84), arr_crc = le32(h + 88);
    if (esize < 128 || esize > GPT_MAX_ENTRY_SIZE || esize % 8)
        return KS_ERR_AT(err, KS_ECORRUPT, ks_img_name(img), -1, (int64_t)hoff + 84,
                         "GPT header: partition entry size %u is not a multiple of 8 in "
                         "128..%d", esize, GPT_MAX_ENTRY_SIZE);
    if (count > GPT_MAX_ENTRIES)
        return KS_ERR_AT(err, KS_ELIMIT, ks_img_name(img), -1, (int64_t)hoff + 80,
                         "GPT header: %u partition entries (limit %d)", count, GPT_MAX_ENTRIES);
    size_t arr_len = (size_t)count * esize;
    if (arr_lba > UINT64_MAX / ss || !ks_fits(arr_lba * ss, arr_len, ks_img_size(img)))
        return KS_ERR_AT(err, KS_ECORRUPT, ks_img_name(img), -1, (int64_t)hoff + 72,
                         "GPT header: entry array at LBA %llu lies past the end of the image",
                         (unsigned long long)arr_lba);
    arr = malloc(arr_len ? arr_len : 1);
    if (!arr)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    rc = ks_img_read(img, arr_lba * ss, arr, arr_len, err);
    if (rc)
        goto done;
    if ((uint32_t)crc32(0, arr, (uInt)arr_len) != arr_crc)
        vs->gpt_crc_bad = true;
    vs->scheme = KS_VS_GPT;
    vs->sector_size = ss;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = arr + (size_t)i * esize;
        static const uint8_t zero[16];
        if (!memcmp(e, zero, 16))
            continue;
        uint64_t first = le64(e + 32), last = le64(e + 40);
        if (last < first || first > UINT64_MAX / ss || last >= UINT64_MAX / ss ||
            (last_usable && (first < first_usable || last > last_usable))) {
            vs->warnings++;
            if (last < first || first > UINT64_MAX / ss || last >= UINT64_MAX / ss)
                continue;
        }
        if (!add_part(vs, first * ss, (last - first + 1) * ss, arr_lba * ss + (uint64_t)i * esize))
            break;
        ks_part *p = &vs->parts[vs->n - 1];
        ks_guid_format(e, p->type_guid);
        ks_guid_format(e + 16, p->guid);
        utf16_name(e + 56, 36, p->name, sizeof p->name);
        p->type_desc = gpt_desc(p->type_guid);
    }
    rc = 1;
done:
    free(arr);
    return rc;
}

static int read_gpt(ks_vs *vs, ks_img *img, ks_err *err)
{
    static const uint32_t sizes[] = {512, 4096};
    for (size_t k = 0; k < 2; k++) {
        uint32_t ss = sizes[k];
        int rc = read_gpt_at(vs, img, ss, 1, err);
        if (rc == 1)
            return 0;
        if (rc < 0 && rc != KS_ECORRUPT)
            return rc;
        /* primary missing or damaged: try the backup header in the last sector */
        ks_err saved;
        ks_err_clear(&saved);
        if (rc < 0 && err)
            saved = *err;
        uint64_t sectors = ks_img_size(img) / ss;
        if (sectors >= 2) {
            vs->n = 0;
            int rb = read_gpt_at(vs, img, ss, sectors - 1, err);
            if (rb == 1) {
                vs->gpt_backup_used = true;
                return 0;
            }
        }
        if (rc < 0) {
            if (err)
                *err = saved;
            return rc;
        }
    }
    return KS_ERR_AT(err, KS_ECORRUPT, ks_img_name(img), -1, 512,
                     "GPT: protective MBR present but no GPT header found");
}

int ks_vs_read(ks_vs *out, ks_img *img, ks_err *err)
{
    uint8_t mbr[512];
    int rc;
    memset(out, 0, sizeof *out);
    out->sector_size = 512;
    if (ks_img_size(img) < 512)
        return KS_ERR_AT(err, KS_ENOTFOUND, ks_img_name(img), -1, 0,
                         "image too small for a partition table");
    rc = ks_img_read(img, 0, mbr, sizeof mbr, err);
    if (rc)
        return rc;
    /* a GPT header at LBA 1 counts even without a protective MBR (some tools omit it) */
    uint8_t sig[8];
    int has_gpt = ks_img_size(img) >= 1024 && ks_img_read(img, 512, sig, 8, NULL) == 0 &&
                  !memcmp(sig, "EFI PART", 8);
    int has_gpt4k = ks_img_size(img) >= 8192 && ks_img_read(img, 4096, sig, 8, NULL) == 0 &&
                    !memcmp(sig, "EFI PART", 8);
    int mbr_sig = mbr[510] == 0x55 && mbr[511] == 0xaa;
    int protective = 0;
    if (mbr_sig)
        for (int i = 0; i < 4; i++)
            protective |= mbr[446 + 16 * i + 4] == 0xee;
    if (has_gpt || has_gpt4k || protective)
        return read_gpt(out, img, err);
    if (!mbr_sig)
        return KS_ERR_AT(err, KS_ENOTFOUND, ks_img_name(img), -1, 510,
                         "no partition table (no MBR signature, no GPT header)");
    /* An MBR signature alone is ambiguous (FAT/NTFS boot sectors carry it too): the status
     * bytes must be 0x00/0x80 and every used entry must have a nonzero size. */
    int used = 0;
    for (int i = 0; i < 4; i++) {
        const uint8_t *e = mbr + 446 + 16 * i;
        if (e[0] != 0 && e[0] != 0x80)
            return KS_ERR_AT(err, KS_ENOTFOUND, ks_img_name(img), -1, 446 + 16 * i,
                             "sector 0 has the 0x55AA signature but entry %d's status 0x%02x "
                             "is not a partition table's", i + 1, e[0]);
        if (e[4] != 0 && le32(e + 12) != 0)
            used++;
    }
    if (!used)
        return KS_ERR_AT(err, KS_ENOTFOUND, ks_img_name(img), -1, 446,
                         "MBR has no partition entries");
    out->scheme = KS_VS_MBR;
    /* primaries keep their slot numbers 1-4 (like Linux's sdaN); logical ones follow */
    uint64_t ext_lba = 0, ext_n = 0;
    for (int i = 0; i < 4; i++) {
        const uint8_t *e = mbr + 446 + 16 * i;
        ks_part *p = &out->parts[out->n];
        memset(p, 0, sizeof *p);
        p->index = (unsigned)i + 1;
        if (e[4] == 0 || le32(e + 12) == 0)
            continue;
        p->start = (uint64_t)le32(e + 8) * 512;
        p->size = (uint64_t)le32(e + 12) * 512;
        p->mbr_type = e[4];
        p->bootable = e[0] == 0x80;
        p->type_desc = mbr_desc(e[4]);
        p->table_off = 446 + 16 * (uint64_t)i;
        out->n++;
        if (is_extended(e[4]) && !ext_lba) {
            ext_lba = le32(e + 8);
            ext_n = le32(e + 12);
        }
    }
    if (ext_lba) {
        unsigned before = out->n;
        rc = read_extended(out, img, ext_lba, ext_n, err);
        for (unsigned i = before; i < out->n; i++)
            out->parts[i].index = 5 + (i - before);
        if (rc)
            return rc;
    }
    return 0;
}
