#include "acquire/custody.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acquire/acquire.h"
#include "acquire/aj.h"
#include "acquire/digest.h"
#include "acquire/manifest.h"
#include "acquire/mhash.h"
#include "core/hash.h"

#define HASH_KEY ",\"hash\":\""
#define SIG_KEY "\",\"sig\":\""
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

void ks_custody_examiner(const char *given, char *out, size_t outsz)
{
    const char *e = given && *given ? given : getenv("KANSHIKI_EXAMINER");
    char login[256];
    if (!e || !*e) {
        if (getlogin_r(login, sizeof login) == 0 && login[0]) {
            e = login;
        } else {
            struct passwd *pw = getpwuid(geteuid());
            e = pw && pw->pw_name ? pw->pw_name : "unknown";
        }
    }
    snprintf(out, outsz, "%s", e);
}

void ks_custody_host(char *out, size_t outsz)
{
    if (gethostname(out, outsz) != 0 || !out[0])
        snprintf(out, outsz, "unknown");
    out[outsz - 1] = '\0';
}

static void sha256_hex(const void *p, size_t n, char hex[65])
{
    ks_digest *d = NULL;
    if (ks_digest_new(&d, KS_SHA256)) {
        memset(hex, '0', 64);
        hex[64] = '\0';
        return;
    }
    ks_digest_update(d, p, n);
    ks_digest_final_hex(d, hex);
    ks_digest_free(d);
}

static int path_join(ks_buf *b, const char *dir, const char *name)
{
    ks_buf_init(b, 1 << 16);
    return ks_buf_printf(b, "%s/%s", dir, name);
}

/* ---- appending ---------------------------------------------------------------------- */
static int put_field(ks_buf *b, const char *key, const char *val)
{
    if (!val || !*val)
        return 0;
    int rc = ks_buf_printf(b, ",\"%s\":", key);
    return rc ? rc : ks_aj_quote(b, val, strlen(val));
}

/* The last line of the log (under the caller's lock): its seq and the SHA-256 of its bytes. */
static int read_tail(int fd, const char *path, uint64_t *seq, char prev[65], ks_err *err)
{
    int rc = 0;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) != 0)
        return KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot stat: %s", strerror(errno));
    if (st.st_size == 0) {
        *seq = 0;
        memcpy(prev, ZERO_HASH, 65);
        return 0;
    }
    size_t want = (size_t)st.st_size < KS_CUSTODY_MAX_LINE + 1 ? (size_t)st.st_size : KS_CUSTODY_MAX_LINE + 1;
    uint64_t start = (uint64_t)st.st_size - want;
    buf = malloc(want);
    if (!buf)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    size_t have = 0;
    while (have < want) {
        ssize_t r = pread(fd, buf + have, want - have, (off_t)(start + have));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = KS_ERR_AT(err, KS_EIO, path, -1, (int64_t)(start + have), "cannot read the log's end");
            goto done;
        }
        have += (size_t)r;
    }
    if (buf[want - 1] != '\n') {
        rc = KS_CORRUPT(err, path, -1, st.st_size,
                        "the log ends in the middle of an entry (truncated?); run 'kanshiki custody verify'");
        goto done;
    }
    size_t ls = want - 1;
    while (ls > 0 && buf[ls - 1] != '\n')
        ls--;
    if (ls == 0 && start != 0) {
        rc = KS_CORRUPT(err, path, -1, (int64_t)start, "last entry is longer than %u bytes", KS_CUSTODY_MAX_LINE);
        goto done;
    }
    ks_str line = {buf + ls, want - 1 - ls};
    ks_str v;
    if (ks_aj_get(line, "seq", &v, NULL) || ks_aj_u64(v, seq)) {
        rc = KS_CORRUPT(err, path, -1, (int64_t)(start + ls),
                        "last entry has no valid seq; run 'kanshiki custody verify'");
        goto done;
    }
    sha256_hex(line.p, line.n, prev);
done:
    free(buf);
    return rc;
}

static int mkdir_p(const char *dir, ks_err *err)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : KS_ERR_AT(err, KS_EUSAGE, dir, -1, -1, "not a directory");
    /* one level is enough for a case directory; parents must exist */
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return KS_ERR_AT(err, KS_EIO, dir, -1, -1, "cannot create the case directory: %s", strerror(errno));
    return 0;
}

int ks_custody_append(const char *case_dir, const ks_custody_entry *e, char out_hash[65], ks_err *err)
{
    int rc = 0, fd = -1;
    ks_buf path, line;
    char prev[65], hash[65], when[40], examiner[256], host[256];
    uint64_t seq = 0;
    ks_buf_init(&line, KS_CUSTODY_MAX_LINE);
    if (path_join(&path, case_dir, KS_CUSTODY_FILE)) {
        ks_buf_free(&path);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    if (!e->action || !*e->action || !e->item || !*e->item) {
        rc = KS_ERR(err, KS_EUSAGE, "a custody entry needs an action and an item");
        goto done;
    }
    if ((rc = mkdir_p(case_dir, err)) != 0)
        goto done;
    fd = open(path.data, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0) {
        rc = KS_ERR_AT(err, KS_EIO, path.data, -1, -1, "cannot open the custody log: %s", strerror(errno));
        goto done;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            rc = KS_ERR_AT(err, KS_EIO, path.data, -1, -1, "cannot lock: %s", strerror(errno));
            goto done;
        }
    }
    if ((rc = read_tail(fd, path.data, &seq, prev, err)) != 0)
        goto done;
    ks_acq_time_fmt(e->time_ns ? e->time_ns : ks_acq_now(), when, sizeof when);
    ks_custody_examiner(e->examiner, examiner, sizeof examiner);
    if (e->host)
        snprintf(host, sizeof host, "%s", e->host);
    else
        ks_custody_host(host, sizeof host);

#define TRY(x)                                                                                  \
    do {                                                                                        \
        if ((rc = (x)) != 0) {                                                                  \
            rc = KS_ERR(err, rc, "custody entry too large (over %u bytes)", KS_CUSTODY_MAX_LINE); \
            goto done;                                                                          \
        }                                                                                       \
    } while (0)
    TRY(ks_buf_printf(&line, "{\"seq\":%llu,\"prev\":\"%s\"", (unsigned long long)(seq + 1), prev));
    TRY(put_field(&line, "time", when));
    TRY(put_field(&line, "action", e->action));
    TRY(put_field(&line, "item", e->item));
    TRY(put_field(&line, "source", e->source));
    TRY(put_field(&line, "location", e->location));
    TRY(put_field(&line, "md5", e->md5));
    TRY(put_field(&line, "sha1", e->sha1));
    TRY(put_field(&line, "sha256", e->sha256));
    if (e->has_size && e->size >= 0)
        TRY(ks_buf_printf(&line, ",\"size\":%lld", (long long)e->size));
    TRY(put_field(&line, "status", e->status));
    TRY(put_field(&line, "examiner", examiner));
    TRY(put_field(&line, "host", host));
    TRY(put_field(&line, "to", e->to));
    TRY(put_field(&line, "note", e->note));
    if (e->key) {
        char pk[65];
        ks_hex_encode(e->key->pk, 32, pk);
        TRY(put_field(&line, "pubkey", pk));
    }
    /* hash (and signature) over the entry as an object without them */
    size_t body = line.len;
    TRY(ks_buf_putc(&line, '}'));
    sha256_hex(line.data, line.len, hash);
    char sighex[129] = "";
    if (e->key) {
        uint8_t sig[crypto_sign_BYTES];
        if (crypto_sign_detached(sig, NULL, (const uint8_t *)line.data, line.len, e->key->sk) != 0) {
            rc = KS_ERR(err, KS_EUSAGE, "signing failed");
            goto done;
        }
        ks_hex_encode(sig, sizeof sig, sighex);
    }
    line.len = body;
    TRY(ks_buf_printf(&line, HASH_KEY "%s\"", hash));
    if (e->key)
        TRY(ks_buf_printf(&line, ",\"sig\":\"%s\"", sighex));
    TRY(ks_buf_puts(&line, "}\n"));
#undef TRY
    size_t off = 0;
    while (off < line.len) {
        ssize_t w = write(fd, line.data + off, line.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int e2 = errno;
            /* never leave half an entry: cut back what this call wrote */
            if (off) {
                struct stat st;
                if (fstat(fd, &st) == 0 && (size_t)st.st_size >= off &&
                    ftruncate(fd, st.st_size - (off_t)off) != 0) {
                    /* reported below; verify will name the damaged line */
                }
            }
            rc = KS_ERR_AT(err, KS_EIO, path.data, -1, -1, "cannot append: %s", strerror(e2));
            goto done;
        }
        off += (size_t)w;
    }
    if (!e->defer_sync && fsync(fd) != 0) {
        rc = KS_ERR_AT(err, KS_EIO, path.data, -1, -1, "fsync failed: %s", strerror(errno));
        goto done;
    }
    if (out_hash)
        memcpy(out_hash, hash, 65);
done:
    if (fd >= 0)
        close(fd); /* releases the lock */
    ks_buf_free(&path);
    ks_buf_free(&line);
    return rc;
}

int ks_custody_sync(const char *case_dir, ks_err *err)
{
    ks_buf path;
    ks_buf_init(&path, 1 << 16);
    int rc = path_join(&path, case_dir, KS_CUSTODY_FILE);
    if (rc) {
        ks_buf_free(&path);
        return KS_ERR(err, rc, "path too long");
    }
    int fd = open(path.data, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = errno == ENOENT ? 0 /* nothing appended */
                             : KS_ERR_AT(err, KS_EIO, path.data, -1, -1, "cannot open: %s",
                                         strerror(errno));
    } else {
        if (fsync(fd) != 0)
            rc = KS_ERR_AT(err, KS_EIO, path.data, -1, -1, "fsync failed: %s", strerror(errno));
        close(fd);
    }
    ks_buf_free(&path);
    return rc;
}

int ks_custody_register_file(const char *case_dir, const char *path, const ks_custody_entry *e,
                             char out_sha256[65], ks_err *err)
{
    char hex[KS_DALG_COUNT][65], abs[PATH_MAX + 1];
    uint64_t size = 0;
    int rc = ks_mhash_file(path, hex, &size, err);
    if (rc)
        return rc;
    ks_custody_entry c = *e;
    const char *bn = strrchr(path, '/');
    if (!c.action)
        c.action = "add";
    if (!c.item)
        c.item = bn ? bn + 1 : path;
    if (!c.location)
        c.location = realpath(path, abs) ? abs : path;
    c.md5 = hex[KS_MD5];
    c.sha1 = hex[KS_SHA1];
    c.sha256 = hex[KS_SHA256];
    c.size = (int64_t)size;
    c.has_size = true;
    rc = ks_custody_append(case_dir, &c, NULL, err);
    if (!rc && out_sha256)
        memcpy(out_sha256, hex[KS_SHA256], 65);
    return rc;
}

/* ---- verifying ---------------------------------------------------------------------- */
static int hex_decode(const char *h, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n / 2; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = h[2 * i + (size_t)k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int is_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int ks_custody_field(ks_str line, const char *key, ks_buf *out)
{
    ks_str v;
    ks_buf_reset(out);
    if (ks_aj_get(line, key, &v, NULL))
        return ks_buf_reserve(out, 0);
    if (v.n && v.p[0] == '"')
        return ks_aj_string(v, out);
    return ks_buf_append(out, v.p, v.n); /* numbers as written */
}

int ks_custody_verify(const char *case_dir, const ks_custody_verify_opts *o, ks_custody_cb cb,
                      void *ctx, ks_custody_report *rep, ks_err *err)
{
    int rc = 0;
    ks_buf path, text;
    char prev[65] = ZERO_HASH, hash[65];
    size_t seq = 0, signed_n = 0;
    memset(rep, 0, sizeof *rep);
    ks_buf_init(&text, 0);
    if (path_join(&path, case_dir, KS_CUSTODY_FILE)) {
        ks_buf_free(&path);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    const char *p = path.data;
    if ((rc = ks_read_small_file(p, KS_CUSTODY_MAX_FILE, &text, err)) != 0)
        goto done;
    size_t pos = 0;
    while (pos < text.len) {
        size_t lineno = seq + 1;
        const char *nl = memchr(text.data + pos, '\n', text.len - pos);
        if (!nl) {
            rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos,
                            "entry %zu: cut short (no end of line): the log was truncated", lineno);
            goto done;
        }
        ks_str line = {text.data + pos, (size_t)(nl - (text.data + pos))};
        size_t lpos = 0;
        if (!line.n || ks_aj_skip(line.p, line.n, &lpos) || lpos != line.n || line.p[0] != '{') {
            rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)(pos + lpos),
                            "entry %zu: not a valid JSON object (edited or truncated)", lineno);
            goto done;
        }
        /* locate ,"hash":"H"} or ,"hash":"H","sig":"S"} at the very end */
        size_t body = 0;
        const char *hp = NULL, *sp = NULL;
        size_t tail1 = sizeof HASH_KEY - 1 + 64 + 2, tail2 = sizeof HASH_KEY - 1 + 64 + sizeof SIG_KEY - 1 + 128 + 2;
        if (line.n > tail2 && !memcmp(line.p + line.n - tail2, HASH_KEY, sizeof HASH_KEY - 1) &&
            !memcmp(line.p + line.n - tail2 + sizeof HASH_KEY - 1 + 64, SIG_KEY, sizeof SIG_KEY - 1)) {
            body = line.n - tail2;
            hp = line.p + body + sizeof HASH_KEY - 1;
            sp = hp + 64 + sizeof SIG_KEY - 1;
        } else if (line.n > tail1 && !memcmp(line.p + line.n - tail1, HASH_KEY, sizeof HASH_KEY - 1)) {
            body = line.n - tail1;
            hp = line.p + body + sizeof HASH_KEY - 1;
        }
        if (!hp || !is_lower_hex(hp, 64) || (sp && !is_lower_hex(sp, 128)) ||
            line.p[line.n - 1] != '}' || line.p[line.n - 2] != '"') {
            rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos,
                            "entry %zu: does not end with its hash (edited)", lineno);
            goto done;
        }
        /* the hashed bytes: body + "}" */
        ks_buf hb;
        ks_buf_init(&hb, KS_CUSTODY_MAX_LINE + 2);
        if (ks_buf_append(&hb, line.p, body) || ks_buf_putc(&hb, '}')) {
            ks_buf_free(&hb);
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        sha256_hex(hb.data, hb.len, hash);
        if (memcmp(hash, hp, 64)) {
            ks_buf_free(&hb);
            rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos,
                            "entry %zu: content does not match its hash: the entry was edited", lineno);
            goto done;
        }
        ks_str bodys = {hb.data, hb.len};
        ks_str v;
        uint64_t eseq = 0;
        if (ks_aj_get(bodys, "seq", &v, NULL) || ks_aj_u64(v, &eseq)) {
            ks_buf_free(&hb);
            rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos, "entry %zu: no valid seq", lineno);
            goto done;
        }
        if (ks_aj_get(bodys, "prev", &v, NULL) || v.n != 66 || memcmp(v.p + 1, prev, 64)) {
            ks_buf_free(&hb);
            rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos,
                            "entry %zu (seq %llu): does not chain to the entry before it: an entry "
                            "was removed, inserted or reordered here", lineno, (unsigned long long)eseq);
            goto done;
        }
        if (eseq != lineno) {
            ks_buf_free(&hb);
            rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos,
                            "entry %zu: has seq %llu: entries were removed or reordered", lineno,
                            (unsigned long long)eseq);
            goto done;
        }
        bool has_pk = ks_aj_get(bodys, "pubkey", &v, NULL) == 0;
        if (sp || has_pk) {
            uint8_t pk[32], sig[64];
            if (!sp || !has_pk || v.n != 66 || hex_decode(v.p + 1, 64, pk) || hex_decode(sp, 128, sig)) {
                ks_buf_free(&hb);
                rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos,
                                "entry %zu: signature or public key missing or malformed", lineno);
                goto done;
            }
            if (crypto_sign_verify_detached(sig, (const uint8_t *)hb.data, hb.len, pk) != 0) {
                ks_buf_free(&hb);
                rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos,
                                "entry %zu: bad signature: the entry was altered or re-signed", lineno);
                goto done;
            }
            if (o && o->trusted) {
                bool ok = false;
                for (size_t k = 0; k < o->ntrusted && !ok; k++)
                    ok = !memcmp(o->trusted[k], pk, 32);
                if (!ok) {
                    char pkh[17];
                    memcpy(pkh, v.p + 1, 16);
                    pkh[16] = '\0';
                    ks_buf_free(&hb);
                    rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos,
                                    "entry %zu: signed by a key that is not trusted (pubkey %s...)",
                                    lineno, pkh);
                    goto done;
                }
            }
            signed_n++;
        } else if (o && o->require_signed) {
            ks_buf_free(&hb);
            rc = KS_CORRUPT(err, p, (int64_t)lineno, (int64_t)pos, "entry %zu: not signed", lineno);
            goto done;
        }
        ks_buf_free(&hb);
        sha256_hex(line.p, line.n, prev);
        seq = lineno;
        if (cb && (rc = cb(ctx, seq, line)) != 0)
            goto done;
        pos += line.n + 1;
    }
    if (o && o->expect_count >= 0 && (int64_t)seq != o->expect_count) {
        rc = KS_CORRUPT(err, p, (int64_t)seq, (int64_t)text.len,
                        "the log has %zu entries, %lld expected: entries were removed from the end "
                        "or added", seq, (long long)o->expect_count);
        goto done;
    }
    if (o && o->expect_head && (seq == 0 || strcmp(o->expect_head, prev))) {
        rc = KS_CORRUPT(err, p, (int64_t)seq, (int64_t)text.len,
                        "the last entry (%zu) is not the expected head %.16s...: entries were "
                        "removed from the end or added", seq, o->expect_head);
        goto done;
    }
    rep->entries = seq;
    rep->signed_entries = signed_n;
    if (seq)
        memcpy(rep->head, prev, 65);
done:
    ks_buf_free(&path);
    ks_buf_free(&text);
    return rc;
}

/* ---- keys --------------------------------------------------------------------------- */
int ks_custody_keygen(ks_custody_key *out, ks_err *err)
{
    if (sodium_init() < 0)
        return KS_ERR(err, KS_EUNSUPPORTED, "libsodium could not initialise");
    crypto_sign_keypair(out->pk, out->sk);
    return 0;
}

int ks_custody_key_save(const char *path, const ks_custody_key *k, ks_err *err)
{
    int rc = 0, fd = -1;
    char sk[129], pk[65], text[256];
    ks_buf pub;
    ks_buf_init(&pub, 1 << 16);
    ks_hex_encode(k->sk, 64, sk);
    ks_hex_encode(k->pk, 32, pk);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        rc = KS_ERR_AT(err, errno == EEXIST ? KS_EEXIST : KS_EIO, path, -1, -1, "cannot create key: %s",
                       strerror(errno));
        goto done;
    }
    int n = snprintf(text, sizeof text, "kanshiki-ed25519-secret %s\n", sk);
    if (write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
        rc = KS_ERR_AT(err, KS_EIO, path, -1, -1, "cannot write key: %s", strerror(errno));
        goto done;
    }
    sodium_memzero(text, sizeof text);
    sodium_memzero(sk, sizeof sk);
    if (ks_buf_printf(&pub, "%s.pub", path)) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    n = snprintf(text, sizeof text, "kanshiki-ed25519-public %s\n", pk);
    rc = ks_write_new_file(pub.data, text, (size_t)n, err);
done:
    if (fd >= 0)
        close(fd);
    ks_buf_free(&pub);
    return rc;
}

/* Finds `label` followed by exactly `hexlen` hex digits in a small key file. */
static int key_file_hex(const char *path, const char *label, size_t hexlen, uint8_t *out, ks_err *err)
{
    ks_buf t;
    int rc = ks_read_small_file(path, 4096, &t, err);
    if (rc)
        return rc;
    const char *s = t.data;
    size_t n = t.len, ll = strlen(label);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    if (n == ll + 1 + hexlen && !memcmp(s, label, ll) && s[ll] == ' ')
        s += ll + 1;
    else if (n != hexlen)
        s = NULL;
    if (!s || hex_decode(s, hexlen, out))
        rc = KS_ERR_AT(err, KS_EUSAGE, path, -1, -1, "not a kanshiki %s key file", label);
    sodium_memzero(t.data, t.len);
    ks_buf_free(&t);
    return rc;
}

int ks_custody_key_load(const char *path, ks_custody_key *out, ks_err *err)
{
    if (sodium_init() < 0)
        return KS_ERR(err, KS_EUNSUPPORTED, "libsodium could not initialise");
    int rc = key_file_hex(path, "kanshiki-ed25519-secret", 128, out->sk, err);
    if (rc)
        return rc;
    crypto_sign_ed25519_sk_to_pk(out->pk, out->sk);
    return 0;
}

int ks_custody_pubkey_load(const char *path, uint8_t out[32], ks_err *err)
{
    return key_file_hex(path, "kanshiki-ed25519-public", 64, out, err);
}
