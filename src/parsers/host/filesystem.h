/* filesystem.h — the file-system timeline of a disk image as a source: one `filesystem` row
 * per name (live or deleted) and one event per timestamp the inode has (modified, accessed,
 * changed, created), with the path as target. Disk images are recognised by the ingest
 * pipeline itself (they need random access, not a stream); this file owns the table and
 * the mapping so the schema stays in one place with the other sources. */
#ifndef KS_PARSERS_FILESYSTEM_H
#define KS_PARSERS_FILESYSTEM_H

#include "fs/walk.h"
#include "parsers/parser.h"

extern const ks_parser ks_parser_filesystem;
extern const ks_table_def ks_table_filesystem;

/* Writes the row and events of one walk entry. `volume` names the image and partition
 * ("disk.img@2"), `host` the host name read from the image (may be NULL). */
int ks_filesystem_entry(ks_sink *sink, const ks_fs_walk_entry *e, const char *volume,
                        const char *host, const char *link_target, ks_err *err);

#endif
