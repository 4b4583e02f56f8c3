/* webroot.c — document-root files of a disk image (webroot.h). */
#include "parsers/host/webroot.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/time.h"

enum {
    C_VOLUME, C_ROOT, C_PATH, C_SIZE, C_MODE_STRING, C_MODE, C_UID, C_GID, C_MTIME, C_CTIME,
    C_CRTIME, C_EXT, C_SERVER_EXEC, C_UPLOAD_DIR, C_NCOLS
};

static const ks_column cols[C_NCOLS] = {
    [C_VOLUME] = {"volume", KS_COL_TEXT, "image and partition (disk.img@2)"},
    [C_ROOT] = {"root", KS_COL_TEXT, "the document root the file is under"},
    [C_PATH] = {"path", KS_COL_TEXT, "path of the file inside the image"},
    [C_SIZE] = {"size", KS_COL_INT, "size in bytes"},
    [C_MODE_STRING] = {"mode_string", KS_COL_TEXT, "TSK-style type and permissions"},
    [C_MODE] = {"mode", KS_COL_INT, "st_mode"},
    [C_UID] = {"uid", KS_COL_INT, "owner uid"},
    [C_GID] = {"gid", KS_COL_INT, "owner gid"},
    [C_MTIME] = {"mtime", KS_COL_TEXT, "modified (ISO 8601 UTC, ns)"},
    [C_CTIME] = {"ctime", KS_COL_TEXT, "inode changed"},
    [C_CRTIME] = {"crtime", KS_COL_TEXT, "created (ext4, XFS v5)"},
    [C_EXT] = {"ext", KS_COL_TEXT, "file name extension, lower case"},
    [C_SERVER_EXEC] = {"server_exec", KS_COL_INT, "1 when the web server may execute it (php, phtml, jsp, cgi, pl, py, ...)"},
    [C_UPLOAD_DIR] = {"upload_dir", KS_COL_INT, "1 when a directory on its path looks like a place for uploaded or static files (upload, images, files, media, tmp, cache, static, assets)"},
};

const ks_table_def ks_table_web_root_file = {
    "web_root_file", "files under web server document roots in disk images", cols, C_NCOLS};

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int ks_webroot_dirs(const char *text, size_t n, ks_webroot_cb cb, void *ud, int max)
{
    int found = 0;
    size_t i = 0;
    while (i < n && found < max) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - text) : n;
        size_t p = i;
        i = e + 1;
        /* nginx allows several directives on one line: split at ';' and '{' '}' */
        while (p < e && found < max) {
            while (p < e && (blank(text[p]) || text[p] == ';' || text[p] == '{' || text[p] == '}'))
                p++;
            if (p >= e || text[p] == '#')
                break;
            size_t ws = p;
            while (p < e && !blank(text[p]) && text[p] != ';' && text[p] != '{')
                p++;
            size_t wn = p - ws;
            const char *w = text + ws;
            int nargs = 0;
            if ((wn == 4 && !strncasecmp(w, "root", 4)) || (wn == 12 && !strncasecmp(w, "DocumentRoot", 12)))
                nargs = 1;
            else if (wn == 5 && !strncasecmp(w, "alias", 5))
                nargs = 2; /* nginx: alias PATH; Apache: Alias URL PATH */
            /* the arguments up to ';' or the end of the line */
            size_t as = p;
            while (p < e && text[p] != ';' && text[p] != '{' && text[p] != '}')
                p++;
            if (!nargs)
                continue;
            /* take the last argument: nginx "alias PATH", Apache "Alias /url PATH" */
            size_t ae = p;
            while (ae > as && blank(text[ae - 1]))
                ae--;
            size_t b = ae;
            bool quoted = ae > as && text[ae - 1] == '"';
            if (quoted) {
                ae--;
                b = ae;
                while (b > as && text[b - 1] != '"')
                    b--;
            } else {
                while (b > as && !blank(text[b - 1]))
                    b--;
            }
            if (ae <= b || text[b] != '/' || memchr(text + b, '$', ae - b))
                continue;
            cb(ud, text + b, ae - b);
            found++;
        }
    }
    return found;
}

static const char *const exec_exts[] = {"php", "php3", "php4", "php5", "php7", "php8", "phtml", "pht",
                                        "phar", "inc", "jsp", "jspx", "jsw", "jsv", "jspf", "asp",
                                        "aspx", "ashx", "asmx", "cer", "cgi", "pl", "py", "rb", "sh",
                                        "cfm", "cfml", "shtml", "war", NULL};

static bool exec_ext(const char *p, size_t n)
{
    for (const char *const *x = exec_exts; *x; x++)
        if (strlen(*x) == n && !strncasecmp(p, *x, n))
            return true;
    return false;
}

bool ks_webroot_server_exec(const char *name, size_t n)
{
    /* every dot-separated part after the first: "shell.php.jpg" counts */
    const char *p = memchr(name, '.', n);
    while (p) {
        const char *s = p + 1;
        const char *q = memchr(s, '.', n - (size_t)(s - name));
        size_t k = (size_t)((q ? q : name + n) - s);
        if (exec_ext(s, k))
            return true;
        p = q;
    }
    return false;
}

static bool upload_dir(const char *path, size_t n)
{
    static const char *const dirs[] = {"upload", "image", "img", "files", "media", "tmp", "temp",
                                       "cache", "static", "assets", "attachments", NULL};
    const char *last = NULL;
    for (size_t i = n; i-- > 0;)
        if (path[i] == '/') {
            last = path + i;
            break;
        }
    for (size_t i = 0; path + i < (last ? last : path); i++) {
        if (path[i] != '/')
            continue;
        const char *s = path + i + 1;
        const char *e = memchr(s, '/', (size_t)(last - s) + 1);
        size_t k = (size_t)((e ? e : last) - s);
        for (const char *const *d = dirs; *d; d++) {
            size_t dl = strlen(*d);
            for (size_t j = 0; j + dl <= k; j++)
                if (!strncasecmp(s + j, *d, dl))
                    return true;
        }
    }
    return false;
}

int ks_webroot_entry(ks_sink *sink, const ks_fs_walk_entry *e, const char *volume,
                     const char *root, const char *host, ks_err *err)
{
    if (!e->st)
        return 0;
    const ks_fs_inode *st = e->st;
    char mode[13], mt[48], ct[48], crt[48];
    ks_fs_mode_string(e->de ? e->de->type : st->type, st, mode);
    ks_fs_time_iso(&st->mtime, mt, sizeof mt);
    ks_fs_time_iso(&st->ctime, ct, sizeof ct);
    ks_fs_time_iso(&st->crtime, crt, sizeof crt);
    const char *base = e->path;
    for (size_t i = e->path_len; i-- > 0;)
        if (e->path[i] == '/') {
            base = e->path + i + 1;
            break;
        }
    size_t bn = e->path_len - (size_t)(base - e->path);
    const char *dot = NULL;
    for (size_t i = bn; i-- > 1;)
        if (base[i] == '.') {
            dot = base + i;
            break;
        }
    char ext[16] = "";
    if (dot && bn - (size_t)(dot + 1 - base) < sizeof ext) {
        size_t k = bn - (size_t)(dot + 1 - base);
        for (size_t i = 0; i < k; i++)
            ext[i] = (dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ? (char)(dot[1 + i] + 32) : dot[1 + i];
        ext[k] = '\0';
    }
    bool sx = ks_webroot_server_exec(base, bn);
    bool up = upload_dir(e->path, e->path_len);
    ks_val v[C_NCOLS];
    v[C_VOLUME] = ks_v_text(ks_str_c(volume));
    v[C_ROOT] = ks_v_text(ks_str_c(root));
    v[C_PATH] = ks_v_text((ks_str){e->path, e->path_len});
    v[C_SIZE] = ks_v_int((int64_t)(st->size > INT64_MAX ? INT64_MAX : st->size));
    v[C_MODE_STRING] = ks_v_text(ks_str_c(mode));
    v[C_MODE] = ks_v_int(st->mode);
    v[C_UID] = ks_v_int(st->uid);
    v[C_GID] = ks_v_int(st->gid);
    v[C_MTIME] = st->mtime.set ? ks_v_text(ks_str_c(mt)) : ks_v_null();
    v[C_CTIME] = st->ctime.set ? ks_v_text(ks_str_c(ct)) : ks_v_null();
    v[C_CRTIME] = st->crtime.set ? ks_v_text(ks_str_c(crt)) : ks_v_null();
    v[C_EXT] = ext[0] ? ks_v_text(ks_str_c(ext)) : ks_v_null();
    v[C_SERVER_EXEC] = ks_v_int(sx);
    v[C_UPLOAD_DIR] = ks_v_int(up);
    if (!sx)
        return ks_sink_row(sink, &ks_table_web_root_file, v, err);
    ks_event ev;
    ks_event_init(&ev);
    /* within the int64 ns range (1678..2261); otherwise the time stays in the text column */
    if (st->mtime.set && st->mtime.sec > -9223372036LL && st->mtime.sec < 9223372035LL) {
        ev.time = st->mtime.sec * KS_NS_PER_SEC + st->mtime.nsec;
        ev.time_desc = "modified";
    }
    ev.host = ks_str_c(host);
    ev.action = up ? KS_STR_LIT("web_script_in_upload_dir") : KS_STR_LIT("web_script");
    ev.target = (ks_str){e->path, e->path_len};
    ev.message = ks_str_c(root);
    return ks_sink_event(sink, &ev, &ks_table_web_root_file, v, err);
}
