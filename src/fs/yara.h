/* yara.h — YARA rules over file contents, through Debian's libyara (4.2).
 *
 * Rules are compiled once from a directory of *.yar / *.yara files (or one file); each file
 * is its own namespace (its base name). Scanning is over a memory buffer: the caller reads
 * the file (out of a disk image, bounded by its own size limit) and hands the bytes over.
 * Ownership: a ks_yara owns the compiled rules; the match strings handed to the callback
 * are valid during the call only. libyara's global state is initialised by the first load
 * and finalised by the last free.
 */
#ifndef KS_YARA_H
#define KS_YARA_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ks_yara ks_yara;

/* Compiles the rules at path (a directory: its *.yar and *.yara files, sorted; or a file).
 * Compile errors: KS_EUSAGE with "file:line: message" of the first. */
int ks_yara_load(ks_yara **out, const char *path, ks_err *err);
void ks_yara_free(ks_yara *y);
/* Number of rules compiled. */
size_t ks_yara_rule_count(const ks_yara *y);

typedef struct ks_yara_match {
    const char *rule;    /* rule identifier */
    const char *ns;      /* namespace (the rules file's base name) */
    const char *tags;    /* space-separated, "" when none */
    const char *meta;    /* JSON object of the rule's meta fields */
    const char *strings; /* JSON array [{"id":"$a","offset":N,"length":N,"data":"..."}]:
                            at most 16 matches per string, data cut at 64 bytes */
} ks_yara_match;

typedef int (*ks_yara_cb)(void *ud, const ks_yara_match *m);

/* Scans p[0..n) and calls cb for each matching rule (a non-zero return stops the scan and
 * is returned). A scan that times out (60 s) or fails is KS_ELIMIT / KS_ECORRUPT. */
int ks_yara_scan(ks_yara *y, const uint8_t *p, size_t n, ks_yara_cb cb, void *ud, ks_err *err);

#endif
