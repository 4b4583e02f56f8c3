/* yara_match.c — rows and events of YARA matches (yara_match.h). */
#include "parsers/host/yara_match.h"

#include <string.h>

#include "core/time.h"
#include "fs/walk.h"

enum { C_VOLUME, C_PATH, C_INODE, C_SIZE, C_MTIME, C_RULE, C_NAMESPACE, C_TAGS, C_META, C_STRINGS, C_NCOLS };

static const ks_column cols[C_NCOLS] = {
    [C_VOLUME] = {"volume", KS_COL_TEXT, "image and partition (disk.img@2)"},
    [C_PATH] = {"path", KS_COL_TEXT, "path of the file inside the image"},
    [C_INODE] = {"inode", KS_COL_INT, "inode number"},
    [C_SIZE] = {"size", KS_COL_INT, "file size in bytes"},
    [C_MTIME] = {"mtime", KS_COL_TEXT, "file modified (ISO 8601 UTC, ns)"},
    [C_RULE] = {"rule", KS_COL_TEXT, "YARA rule identifier"},
    [C_NAMESPACE] = {"namespace", KS_COL_TEXT, "rules file the rule came from"},
    [C_TAGS] = {"tags", KS_COL_TEXT, "rule tags, space-separated"},
    [C_META] = {"meta", KS_COL_JSON, "rule meta fields (JSON object)"},
    [C_STRINGS] = {"strings", KS_COL_JSON, "matched strings: [{id, offset, length, data}] (16 per string, 64 bytes of data)"},
};

const ks_table_def ks_table_yara_match = {
    "yara_match", "YARA rule matches on the files of disk images (ingest --yara)", cols, C_NCOLS};

int ks_yara_match_entry(ks_sink *sink, const char *volume, const char *path,
                        const ks_fs_inode *st, const char *host, const ks_yara_match *m,
                        ks_err *err)
{
    char mt[48];
    ks_fs_time_iso(&st->mtime, mt, sizeof mt);
    ks_val v[C_NCOLS];
    v[C_VOLUME] = ks_v_text(ks_str_c(volume));
    v[C_PATH] = ks_v_text(ks_str_c(path));
    v[C_INODE] = ks_v_int((int64_t)(st->ino > INT64_MAX ? INT64_MAX : st->ino));
    v[C_SIZE] = ks_v_int((int64_t)(st->size > INT64_MAX ? INT64_MAX : st->size));
    v[C_MTIME] = st->mtime.set ? ks_v_text(ks_str_c(mt)) : ks_v_null();
    v[C_RULE] = ks_v_text(ks_str_c(m->rule));
    v[C_NAMESPACE] = ks_v_text(ks_str_c(m->ns));
    v[C_TAGS] = m->tags[0] ? ks_v_text(ks_str_c(m->tags)) : ks_v_null();
    v[C_META] = ks_v_text(ks_str_c(m->meta));
    v[C_STRINGS] = ks_v_text(ks_str_c(m->strings));
    ks_event ev;
    ks_event_init(&ev);
    if (st->mtime.set && st->mtime.sec > -9223372036LL && st->mtime.sec < 9223372035LL) {
        ev.time = st->mtime.sec * KS_NS_PER_SEC + st->mtime.nsec;
        ev.time_desc = "modified";
    }
    ev.host = ks_str_c(host);
    ev.action = KS_STR_LIT("yara_match");
    ev.target = ks_str_c(path);
    ev.outcome = ks_str_c(m->rule);
    ev.message = m->tags[0] ? ks_str_c(m->tags) : KS_STR_NULL;
    return ks_sink_event(sink, &ev, &ks_table_yara_match, v, err);
}
