/* yara_match.h — YARA matches over the files of a disk image as a source (`yara_match`):
 * one row and one event per (file, rule). The scan itself is src/fs/yara.h; the walk is
 * src/cli/ingest_image.c (`kanshiki ingest CASE disk.img --yara RULES`). */
#ifndef KS_YARA_MATCH_H
#define KS_YARA_MATCH_H

#include "fs/fs.h"
#include "fs/yara.h"
#include "parsers/parser.h"

extern const ks_table_def ks_table_yara_match;

/* Writes the row and event of one match of rule m on the file `path` (inode st) of
 * `volume`. */
int ks_yara_match_entry(ks_sink *sink, const char *volume, const char *path,
                        const ks_fs_inode *st, const char *host, const ks_yara_match *m,
                        ks_err *err);

#endif
