/* custody.h — the chain-of-custody log of a case: CASE/custody.jsonl, append-only.
 *
 * Every evidence item is registered (what, where from, who, when, hashes) and every action
 * on it (acquire, add, verify, export, handover, note) is one JSON line:
 *   {"seq":N,"prev":"<sha256 of the previous line>","time":"...Z","action":"...","item":"...",
 *    ...optional fields..., ["pubkey":"<ed25519 public key>",] "hash":"<sha256>"[,"sig":"..."]}
 * `hash` is the SHA-256 of the line's text up to (not including) `,"hash":` followed by
 * "}" — i.e. of the entry as a JSON object without hash and sig; `sig` is the Ed25519
 * signature (libsodium) of those same bytes by the key whose public half is in `pubkey`.
 * `prev` chains each line to the exact bytes of the one before (the first: 64 zeros), and
 * `seq` counts from 1, so an edited, inserted, removed or reordered entry, or a line cut
 * short, is detected and named by ks_custody_verify. Removing whole entries from the END
 * leaves a shorter valid chain: compare the head hash and count (printed by
 * `custody verify`, recorded in reports) with --expect-head/--expect-count to catch that.
 *
 * Appends take an exclusive flock on the log, so ingest, acquire and examiners' commands
 * can add entries concurrently. Nothing else in the case directory is written.
 */
#ifndef KS_CUSTODY_H
#define KS_CUSTODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define KS_CUSTODY_FILE "custody.jsonl"
#define KS_CUSTODY_MAX_LINE (1u << 20)
#define KS_CUSTODY_MAX_FILE ((size_t)1 << 30)

typedef struct ks_custody_key {
    uint8_t sk[64]; /* libsodium Ed25519 secret key (seed + public key) */
    uint8_t pk[32];
} ks_custody_key;

typedef struct ks_custody_entry {
    const char *action;   /* required: acquire, register, add, verify, export, handover, note */
    const char *item;     /* required: evidence item name */
    const char *source;   /* where it came from */
    const char *location; /* where it is kept now */
    const char *md5, *sha1, *sha256; /* NULL or "" when unknown */
    int64_t size;         /* bytes; < 0 unknown (0 in a zeroed struct is a size of 0 only
                             when has_size is set) */
    bool has_size;
    const char *status;   /* e.g. "complete", "incomplete", "ok", "mismatch" */
    const char *examiner; /* NULL = ks_custody_examiner(NULL) */
    const char *host;     /* NULL = this host */
    const char *to;       /* handover: receiving person */
    const char *note;
    int64_t time_ns;      /* 0 = now */
    const ks_custody_key *key; /* sign when not NULL */
    bool defer_sync;      /* the caller calls ks_custody_sync later (ingest: once for all
                             the files it registers, not one fsync per file) */
} ks_custody_entry;

/* Flushes CASE/custody.jsonl to stable storage (after appends with defer_sync). */
int ks_custody_sync(const char *case_dir, ks_err *err);

/* Appends one entry to CASE/custody.jsonl (the directory is created when missing).
 * out_hash (may be NULL) receives the new entry's hash. KS_ECORRUPT when the log's last
 * line is damaged (nothing is appended to a broken chain). */
int ks_custody_append(const char *case_dir, const ks_custody_entry *e, char out_hash[65],
                      ks_err *err);

/* Registers a file as evidence: hashes it (MD5, SHA-1, SHA-256 in one pass, read-only)
 * and appends an entry with action e->action (NULL = "add"), the hashes, the size and
 * location = the file's absolute path unless e->location is set. The other fields of e
 * are used as given (e->item NULL = the file's base name). This is the call for `ingest`
 * and `investigate` to register what they read. out_sha256 (may be NULL) receives the
 * file's SHA-256. */
int ks_custody_register_file(const char *case_dir, const char *path, const ks_custody_entry *e,
                             char out_sha256[65], ks_err *err);

typedef struct ks_custody_verify_opts {
    const uint8_t (*trusted)[32]; /* public keys whose signatures are accepted; NULL = any */
    size_t ntrusted;
    bool require_signed;          /* every entry must carry a valid signature */
    const char *expect_head;      /* hash the last entry must have, or NULL */
    int64_t expect_count;         /* number of entries, or -1 */
} ks_custody_verify_opts;

typedef struct ks_custody_report {
    size_t entries, signed_entries;
    char head[65];                /* hash of the last entry ("" when empty) */
} ks_custody_report;

/* Called for each entry whose hash, chain and signature checked out, in order. */
typedef int (*ks_custody_cb)(void *ctx, size_t seq, ks_str line);

/* Checks the whole log. 0 when intact; KS_ECORRUPT when not, with err naming the entry
 * (err->line = line number, err->offset = byte offset of the line) and what is wrong;
 * KS_ENOTFOUND when the case has no custody log. cb may be NULL. */
int ks_custody_verify(const char *case_dir, const ks_custody_verify_opts *o, ks_custody_cb cb,
                      void *ctx, ks_custody_report *rep, ks_err *err);

/* Decoded string field of an entry line (empty buffer when absent). */
int ks_custody_field(ks_str line, const char *key, ks_buf *out);

/* Keys: generate, save (secret 0600 + FILE.pub), load. */
int ks_custody_keygen(ks_custody_key *out, ks_err *err);
int ks_custody_key_save(const char *path, const ks_custody_key *k, ks_err *err);
int ks_custody_key_load(const char *path, ks_custody_key *out, ks_err *err);
/* A public key file (FILE.pub as written by save, or the bare 64 hex digits). */
int ks_custody_pubkey_load(const char *path, uint8_t out[32], ks_err *err);

/* Examiner name: `given` if set, else $KANSHIKI_EXAMINER, else the login name. */
void ks_custody_examiner(const char *given, char *out, size_t outsz);
void ks_custody_host(char *out, size_t outsz);

#endif
