/* verify.h — re-hashing images and comparing with what was recorded at acquisition.
 *
 * A target is a manifest (IMAGE.manifest.json), an image that has one beside it, or a plain
 * hash list: md5sum/sha1sum/sha256sum output ("HEX  NAME", "HEX *NAME") or the BSD form
 * ("SHA256 (NAME) = HEX", as in IMAGE.hashes). Names in a list are resolved against the
 * list's directory; a name that has a manifest beside it is read through it (so split and
 * compressed images are checked by content), anything else is hashed as a plain file.
 * With per-chunk hashes (manifests) a mismatch is narrowed to the differing byte ranges.
 *
 * Ownership: the report owns its items; ks_verify_report_free releases them.
 */
#ifndef KS_VERIFY_H
#define KS_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acquire/acquire.h"
#include "acquire/digest.h"
#include "core/buf.h"
#include "core/err.h"

#define KS_VERIFY_MAX_LIST (16u << 20) /* a hash list larger than this is refused */

typedef struct ks_verify_item {
    char *name;              /* what was checked (display path) */
    char *format;            /* image format read */
    uint64_t bytes;          /* content bytes hashed */
    bool has_expect_bytes;
    uint64_t expect_bytes;
    char expect[KS_DALG_COUNT][65]; /* "" = not recorded */
    char got[KS_DALG_COUNT][65];
    bool chunks_checked;
    ks_range *bad;           /* differing byte ranges (from chunk hashes), coalesced */
    size_t nbad;
    bool partial;            /* the manifest records an incomplete acquisition */
    bool ok;                 /* everything recorded matched */
    bool unreadable;         /* could not be read: see error */
    char *error;
} ks_verify_item;

typedef struct ks_verify_report {
    ks_verify_item *items;
    size_t n;
    size_t failed;           /* mismatching items */
    size_t unreadable;       /* items that could not be read */
} ks_verify_report;

/* Runs the checks. Returns 0 when they ran (look at rep->failed / rep->unreadable), or a
 * negative status when the target itself is unusable (not found, malformed manifest or list). */
int ks_verify(const char *target, ks_verify_report *rep, ks_err *err);
void ks_verify_report_free(ks_verify_report *rep);

/* ---- hash lists (exposed for tests and fuzzing) ---- */
typedef struct ks_hashlist_entry {
    char *name;                     /* as written in the list */
    char hash[KS_DALG_COUNT][65];   /* lowercase hex by algorithm, "" when not listed */
} ks_hashlist_entry;

/* Parses md5sum/sha1sum/sha256sum output and BSD-style lines; '#' comments and blank
 * lines are skipped, a line of anything else is KS_ECORRUPT (err names the line). Entries
 * with the same name are merged. Free with ks_hashlist_free. */
int ks_hashlist_parse(const ks_buf *text, ks_hashlist_entry **out, size_t *n, const char *path,
                      ks_err *err);
void ks_hashlist_free(ks_hashlist_entry *v, size_t n);

#endif
