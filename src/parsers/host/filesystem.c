#include "parsers/host/filesystem.h"

#include <stdio.h>
#include <string.h>

#include "core/time.h"

enum { F_VOLUME, F_PATH, F_INODE, F_TYPE, F_MODE, F_UID, F_GID, F_SIZE, F_ATIME, F_MTIME,
       F_CTIME, F_CRTIME, F_DELETED, F_ORPHAN, F_LINK, F_NCOLS };

static const ks_column cols[F_NCOLS] = {
    [F_VOLUME] = {"volume", KS_COL_TEXT, "image and partition, e.g. disk.img@2"},
    [F_PATH] = {"path", KS_COL_TEXT, "full path; a '/' inside a name is written \\x2f"},
    [F_INODE] = {"inode", KS_COL_INT, "inode number"},
    [F_TYPE] = {"mode_string", KS_COL_TEXT, "TSK-style type and permissions, e.g. r/rrw-r--r--"},
    [F_MODE] = {"mode", KS_COL_INT, "st_mode (type and permission bits)"},
    [F_UID] = {"uid", KS_COL_INT, "owner"},
    [F_GID] = {"gid", KS_COL_INT, "group"},
    [F_SIZE] = {"size", KS_COL_INT, "size in bytes"},
    [F_ATIME] = {"atime", KS_COL_TEXT, "access time, ISO 8601 UTC with nanoseconds"},
    [F_MTIME] = {"mtime", KS_COL_TEXT, "modification time"},
    [F_CTIME] = {"ctime", KS_COL_TEXT, "inode change time"},
    [F_CRTIME] = {"crtime", KS_COL_TEXT, "birth time, where the file system records it"},
    [F_DELETED] = {"deleted", KS_COL_INT, "1 for a deleted name or orphan inode"},
    [F_ORPHAN] = {"orphan", KS_COL_INT, "1 for an unallocated inode no name reaches"},
    [F_LINK] = {"link_target", KS_COL_TEXT, "symbolic link target"},
};

const ks_table_def ks_table_filesystem = {
    "filesystem", "file-system timeline of disk images (names, inodes, MACB times)", cols,
    F_NCOLS};

static int parse_stream(ks_parse_ctx *ctx, ks_err *err)
{
    return KS_ERR_AT(err, KS_EUNSUPPORTED, ctx->path, -1, -1,
                     "the filesystem source is read from disk images by ingest itself, not "
                     "from a stream");
}

const ks_parser ks_parser_filesystem = {
    "filesystem",
    "file systems in disk images (ext2/3/4, XFS; raw, split, E01, qcow2, VMDK, VHD; MBR, GPT, "
    "LVM): MACB timeline of every name, deleted ones marked; host logs inside are ingested too",
    (const ks_table_def *const[]){&ks_table_filesystem, NULL},
    NULL, /* recognised by the pipeline (random access), not by sniffing a stream */
    parse_stream,
};

static int64_t to_ns(const ks_fs_time *t)
{
    if (!t->set)
        return KS_TIME_NONE;
    /* int64 ns covers 1678..2261; ext4 and XFS bigtime reach further: those stay text only */
    if (t->sec > INT64_MAX / KS_NS_PER_SEC - 1 || t->sec < INT64_MIN / KS_NS_PER_SEC + 1)
        return KS_TIME_NONE;
    return t->sec * KS_NS_PER_SEC + (int64_t)t->nsec;
}

int ks_filesystem_entry(ks_sink *sink, const ks_fs_walk_entry *e, const char *volume,
                        const char *host, const char *link_target, ks_err *err)
{
    const ks_fs_inode *st = e->st;
    char ts[4][48], mode[13], msg[4096], raw[4096];
    ks_val v[F_NCOLS];
    for (int i = 0; i < F_NCOLS; i++)
        v[i] = ks_v_null();
    v[F_VOLUME] = ks_v_text(ks_str_c(volume));
    v[F_PATH] = ks_v_text((ks_str){e->path, e->path_len});
    v[F_DELETED] = ks_v_int(e->deleted);
    v[F_ORPHAN] = ks_v_int(e->orphan);
    if (link_target)
        v[F_LINK] = ks_v_text(ks_str_c(link_target));
    const ks_fs_time *times[4] = {NULL, NULL, NULL, NULL};
    if (st) {
        ks_fs_mode_string(e->de ? e->de->type : st->type, st, mode);
        v[F_INODE] = ks_v_int((int64_t)st->ino);
        v[F_TYPE] = ks_v_text(ks_str_c(mode));
        v[F_MODE] = ks_v_int(st->mode);
        v[F_UID] = ks_v_int(st->uid);
        v[F_GID] = ks_v_int(st->gid);
        v[F_SIZE] = ks_v_int((int64_t)st->size);
        times[0] = &st->mtime;
        times[1] = &st->atime;
        times[2] = &st->ctime;
        times[3] = &st->crtime;
        for (int i = 0; i < 4; i++)
            if (times[i]->set) {
                ks_fs_time_iso(times[i], ts[i], sizeof ts[i]);
                v[(int[]){F_MTIME, F_ATIME, F_CTIME, F_CRTIME}[i]] = ks_v_text(ks_str_c(ts[i]));
            }
    } else {
        snprintf(mode, sizeof mode, "-/----------");
    }
    static const char *const desc[4] = {"modified", "accessed", "changed", "created"};
    static const char *const action[4] = {"file modified", "file accessed",
                                          "inode changed", "file created"};
    const char *del = e->orphan ? " (orphan)" : e->deleted ? " (deleted)" : "";
    snprintf(raw, sizeof raw, "%s|%.*s|%llu|%s|%u|%u|%llu", volume, (int)e->path_len, e->path,
             st ? (unsigned long long)st->ino : 0ULL, mode, st ? st->uid : 0, st ? st->gid : 0,
             st ? (unsigned long long)st->size : 0ULL);
    bool row_written = false;
    for (int i = 0; i < 4; i++) {
        if (!times[i] || !times[i]->set)
            continue;
        ks_event ev;
        ks_event_init(&ev);
        ev.time = to_ns(times[i]);
        ev.time_desc = desc[i];
        ev.host = ks_str_c(host);
        ev.action = ks_str_c(action[i]);
        ev.target = (ks_str){e->path, e->path_len};
        snprintf(msg, sizeof msg, "%s %.*s%s (%s, %llu bytes, uid %u)", desc[i],
                 (int)e->path_len, e->path, del, mode, (unsigned long long)st->size, st->uid);
        ev.message = ks_str_c(msg);
        ev.outcome = e->deleted ? KS_STR_LIT("deleted") : KS_STR_NULL;
        ev.raw = ks_str_c(raw);
        int rc = ks_sink_event(sink, &ev, row_written ? NULL : &ks_table_filesystem,
                               row_written ? NULL : v, err);
        if (rc)
            return rc;
        row_written = true;
    }
    if (!row_written)
        return ks_sink_row(sink, &ks_table_filesystem, v, err);
    return 0;
}
