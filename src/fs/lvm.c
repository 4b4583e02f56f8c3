/* lvm.c — LVM2 on-disk format (lib/format_text in LVM2, "LVM2 on-disk layout" docs).
 *
 * Label: in one of sectors 0-3, "LABELONE", sector number u64, CRC u32, offset u32 (of the
 * PV header from the label sector), type "LVM2 001". PV header: UUID (32 chars), device
 * size u64, then a zero-terminated list of data areas and one of metadata areas, each
 * {offset u64, size u64}. A metadata area starts with a 512-byte mda_header: checksum u32,
 * magic " LVM2 x[5A%r0N*>", version u32, start u64, size u64, then raw_locn entries
 * {offset u64, size u64, checksum u32, flags u32}; the first names the current metadata
 * text (offset from the area's start; it may wrap around to just after the header).
 * The text is LVM's config syntax: `vg { extent_size = 8192 physical_volumes { pv0 {
 * id = "..." pe_start = 2048 } } logical_volumes { lv { segment1 { start_extent = 0
 * extent_count = 4 type = "striped" stripe_count = 1 stripes = ["pv0", 0] } } } }`.
 * Sizes are in 512-byte sectors.
 */
#include "fs/lvm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define LVM_TEXT_MAX ((size_t)16 << 20)
#define LVM_DEPTH_MAX 16

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

static int find_label(ks_img *img, uint64_t *label_off)
{
    uint8_t s[512];
    for (uint64_t i = 0; i < 4; i++) {
        if (ks_img_read(img, i * 512, s, sizeof s, NULL) != 0)
            return 0;
        if (!memcmp(s, "LABELONE", 8) && !memcmp(s + 24, "LVM2 001", 8)) {
            *label_off = i * 512;
            return 1;
        }
    }
    return 0;
}

int ks_lvm_probe(ks_img *img)
{
    uint64_t off;
    return ks_img_size(img) >= 2048 && find_label(img, &off);
}

void ks_lvm_free(ks_lvm *l)
{
    free(l->lv);
    memset(l, 0, sizeof *l);
}

/* ---- the metadata text ------------------------------------------------------------------ */
typedef struct tok {
    int kind; /* '{' '}' '[' ']' '=' ',' 's' (string) 'w' (word), 0 = end, -1 = error */
    const char *p;
    size_t n;
} tok;

typedef struct lexer {
    const char *s;
    size_t n, i;
} lexer;

static tok next_tok(lexer *lx)
{
    for (;;) {
        while (lx->i < lx->n && (lx->s[lx->i] == ' ' || lx->s[lx->i] == '\t' ||
                                 lx->s[lx->i] == '\n' || lx->s[lx->i] == '\r'))
            lx->i++;
        if (lx->i < lx->n && lx->s[lx->i] == '#') {
            while (lx->i < lx->n && lx->s[lx->i] != '\n')
                lx->i++;
            continue;
        }
        break;
    }
    tok t = {0, lx->s + lx->i, 0};
    if (lx->i >= lx->n || lx->s[lx->i] == '\0')
        return t;
    char c = lx->s[lx->i];
    if (strchr("{}[]=,", c)) {
        t.kind = c;
        t.n = 1;
        lx->i++;
        return t;
    }
    if (c == '"') {
        size_t j = ++lx->i;
        while (j < lx->n && lx->s[j] != '"') {
            if (lx->s[j] == '\\' && j + 1 < lx->n)
                j++;
            j++;
        }
        if (j >= lx->n) {
            t.kind = -1;
            return t;
        }
        t.kind = 's';
        t.p = lx->s + lx->i;
        t.n = j - lx->i;
        lx->i = j + 1;
        return t;
    }
    size_t j = lx->i;
    while (j < lx->n && (strchr("_.+-", lx->s[j]) || (lx->s[j] >= '0' && lx->s[j] <= '9') ||
                         (lx->s[j] >= 'a' && lx->s[j] <= 'z') || (lx->s[j] >= 'A' && lx->s[j] <= 'Z')))
        j++;
    if (j == lx->i) {
        t.kind = -1;
        return t;
    }
    t.kind = 'w';
    t.n = j - lx->i;
    lx->i = j;
    return t;
}

typedef struct stripe_ref {
    char pv[64];
    uint64_t pe;
    int set;
} stripe_ref;

typedef struct pvinfo {
    char name[64];
    char id[64];
    uint64_t pe_start;
} pvinfo;

typedef struct meta {
    ks_lvm *out;
    char path[LVM_DEPTH_MAX][128];
    int depth;
    pvinfo pvs[64];
    unsigned npv;
    stripe_ref stripes[KS_LVM_MAX_LVS][KS_LVM_MAX_SEGS];
    uint64_t stripe_count[KS_LVM_MAX_LVS][KS_LVM_MAX_SEGS];
    char seg_type[KS_LVM_MAX_LVS][KS_LVM_MAX_SEGS][24];
} meta;

static void copyz(char *dst, size_t dn, const char *s, size_t n)
{
    if (n >= dn)
        n = dn - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static int to_u64(const tok *t, uint64_t *v)
{
    uint64_t x = 0;
    if (t->kind != 'w' || t->n == 0)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        if (t->p[i] < '0' || t->p[i] > '9')
            return -1;
        unsigned d = (unsigned)(t->p[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *v = x;
    return 0;
}

static ks_lvm_lv *cur_lv(meta *m)
{
    ks_lvm *o = m->out;
    if (o->nlv && !strcmp(o->lv[o->nlv - 1].name, m->path[2]))
        return &o->lv[o->nlv - 1];
    if (o->nlv >= KS_LVM_MAX_LVS)
        return NULL;
    ks_lvm_lv *lv = &o->lv[o->nlv++];
    memset(lv, 0, sizeof *lv);
    copyz(lv->name, sizeof lv->name, m->path[2], strlen(m->path[2]));
    lv->supported = true;
    return lv;
}

/* key = value inside the current section path */
static void assign(meta *m, const char *key, const tok *vals, size_t nv)
{
    uint64_t v = 0;
    int num = nv == 1 && to_u64(&vals[0], &v) == 0;
    if (m->depth == 1 && !strcmp(key, "extent_size") && num)
        m->out->extent_bytes = v * 512;
    if (m->depth == 3 && !strcmp(m->path[1], "physical_volumes")) {
        pvinfo *pv = NULL;
        for (unsigned i = 0; i < m->npv; i++)
            if (!strcmp(m->pvs[i].name, m->path[2]))
                pv = &m->pvs[i];
        if (!pv && m->npv < 64) {
            pv = &m->pvs[m->npv++];
            memset(pv, 0, sizeof *pv);
            copyz(pv->name, sizeof pv->name, m->path[2], strlen(m->path[2]));
        }
        if (pv && !strcmp(key, "id") && nv == 1 && vals[0].kind == 's') {
            size_t k = 0; /* the id without its dashes, to compare with the PV header */
            for (size_t i = 0; i < vals[0].n && k + 1 < sizeof pv->id; i++)
                if (vals[0].p[i] != '-')
                    pv->id[k++] = vals[0].p[i];
            pv->id[k] = '\0';
        }
        if (pv && !strcmp(key, "pe_start") && num)
            pv->pe_start = v;
    }
    if (m->depth == 4 && !strcmp(m->path[1], "logical_volumes") &&
        !strncmp(m->path[3], "segment", 7)) {
        ks_lvm_lv *lv = cur_lv(m);
        if (!lv)
            return;
        uint64_t k = 0;
        tok st = {'w', m->path[3] + 7, strlen(m->path[3] + 7)};
        if (to_u64(&st, &k) != 0 || k == 0 || k > KS_LVM_MAX_SEGS) {
            lv->supported = false;
            snprintf(lv->why, sizeof lv->why, "more than %d segments", KS_LVM_MAX_SEGS);
            return;
        }
        unsigned si = (unsigned)k - 1;
        if (si + 1 > lv->nseg)
            lv->nseg = si + 1;
        size_t li = (size_t)(lv - m->out->lv);
        if (!strcmp(key, "start_extent") && num)
            lv->seg[si].start_extent = v;
        else if (!strcmp(key, "extent_count") && num)
            lv->seg[si].extent_count = v;
        else if (!strcmp(key, "stripe_count") && num)
            m->stripe_count[li][si] = v;
        else if (!strcmp(key, "type") && nv == 1)
            copyz(m->seg_type[li][si], sizeof m->seg_type[li][si], vals[0].p, vals[0].n);
        else if (!strcmp(key, "stripes") && nv == 2 && vals[0].kind == 's' &&
                 to_u64(&vals[1], &v) == 0) {
            copyz(m->stripes[li][si].pv, sizeof m->stripes[li][si].pv, vals[0].p, vals[0].n);
            m->stripes[li][si].pe = v;
            m->stripes[li][si].set = 1;
        } else if (!strcmp(key, "stripes")) {
            m->stripes[li][si].set = -1; /* several stripes: not linear */
        }
    }
}

static int parse_text(meta *m, const char *s, size_t n, ks_err *err, const char *img,
                      uint64_t off)
{
    lexer lx = {s, n, 0};
    tok vals[8];
    for (;;) {
        tok t = next_tok(&lx);
        if (t.kind == 0)
            return m->depth == 0 ? 0
                                 : KS_CORRUPT(err, img, -1, (int64_t)off,
                                              "LVM metadata: unterminated section");
        if (t.kind == '}') {
            if (m->depth == 0)
                return KS_CORRUPT(err, img, -1, (int64_t)(off + lx.i),
                                  "LVM metadata: '}' without a section");
            m->depth--;
            continue;
        }
        if (t.kind != 'w')
            return KS_CORRUPT(err, img, -1, (int64_t)(off + lx.i),
                              "LVM metadata: expected a name at text offset %zu", lx.i);
        char key[128];
        copyz(key, sizeof key, t.p, t.n);
        tok op = next_tok(&lx);
        if (op.kind == '{') {
            if (m->depth >= LVM_DEPTH_MAX)
                return KS_ERR_AT(err, KS_ELIMIT, img, -1, (int64_t)(off + lx.i),
                                 "LVM metadata: sections nested deeper than %d", LVM_DEPTH_MAX);
            if (m->depth == 0 && !m->out->vg_name[0])
                copyz(m->out->vg_name, sizeof m->out->vg_name, key, strlen(key));
            snprintf(m->path[m->depth], sizeof m->path[m->depth], "%s", key);
            m->depth++;
            continue;
        }
        if (op.kind != '=')
            return KS_CORRUPT(err, img, -1, (int64_t)(off + lx.i),
                              "LVM metadata: expected '=' or '{' after '%s'", key);
        tok v = next_tok(&lx);
        size_t nv = 0;
        if (v.kind == '[') {
            for (;;) {
                tok e = next_tok(&lx);
                if (e.kind == ']')
                    break;
                if (e.kind == ',')
                    continue;
                if (e.kind != 's' && e.kind != 'w')
                    return KS_CORRUPT(err, img, -1, (int64_t)(off + lx.i),
                                      "LVM metadata: bad array value for '%s'", key);
                if (nv < 8)
                    vals[nv] = e;
                nv++;
            }
            if (nv > 8)
                nv = 3; /* long arrays (status flags) only matter as "not linear" */
        } else if (v.kind == 's' || v.kind == 'w') {
            vals[0] = v;
            nv = 1;
        } else {
            return KS_CORRUPT(err, img, -1, (int64_t)(off + lx.i),
                              "LVM metadata: bad value for '%s'", key);
        }
        assign(m, key, vals, nv);
    }
}

int ks_lvm_read(ks_lvm *out, ks_img *pv, ks_err *err)
{
    const char *img = ks_img_name(pv);
    uint64_t lab;
    uint8_t s[512], mh[512];
    char *text = NULL;
    meta *m = NULL;
    int rc = 0;
    memset(out, 0, sizeof *out);
    if (!find_label(pv, &lab))
        return KS_ERR_AT(err, KS_ENOTFOUND, img, -1, 0, "no LVM2 label in sectors 0-3");
    rc = ks_img_read(pv, lab, s, sizeof s, err);
    if (rc)
        return rc;
    uint32_t hoff = le32(s + 20);
    if (hoff < 32 || hoff > 512 - 40)
        return KS_CORRUPT(err, img, -1, (int64_t)lab + 20, "LVM label: PV header offset %u", hoff);
    const uint8_t *ph = s + hoff;
    char pv_uuid[33];
    memcpy(pv_uuid, ph, 32);
    pv_uuid[32] = '\0';
    /* skip the data area list, then take the first metadata area */
    size_t p = hoff + 40;
    unsigned lists = 0;
    uint64_t mda_off = 0, mda_size = 0;
    while (p + 16 <= sizeof s) {
        uint64_t o = le64(s + p), z = le64(s + p + 8);
        p += 16;
        if (o == 0) {
            if (++lists == 2)
                break;
            continue;
        }
        if (lists == 1 && !mda_off) {
            mda_off = o;
            mda_size = z;
        }
    }
    if (!mda_off)
        return KS_CORRUPT(err, img, -1, (int64_t)lab + hoff, "LVM PV header: no metadata area");
    rc = ks_img_read(pv, mda_off, mh, sizeof mh, err);
    if (rc)
        return rc;
    if (memcmp(mh + 4, " LVM2 x[5A%r0N*>", 16) != 0)
        return KS_CORRUPT(err, img, -1, (int64_t)mda_off + 4, "LVM metadata area: bad magic");
    uint64_t tsz = le64(mh + 48), toff = le64(mh + 40);
    if (mda_size < 1024 || tsz == 0 || tsz > LVM_TEXT_MAX || tsz > mda_size - 512 ||
        toff < 512 || toff >= mda_size)
        return KS_CORRUPT(err, img, -1, (int64_t)mda_off + 40,
                          "LVM metadata area: text at %llu (%llu bytes) outside the area",
                          (unsigned long long)toff, (unsigned long long)tsz);
    text = malloc((size_t)tsz + 1);
    m = calloc(1, sizeof *m);
    out->lv = calloc(KS_LVM_MAX_LVS, sizeof *out->lv);
    if (!text || !m || !out->lv) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    /* the text is in a circular buffer after the 512-byte header */
    uint64_t first = tsz <= mda_size - toff ? tsz : mda_size - toff;
    rc = ks_img_read(pv, mda_off + toff, text, (size_t)first, err);
    if (!rc && first < tsz)
        rc = ks_img_read(pv, mda_off + 512, text + first, (size_t)(tsz - first), err);
    if (rc)
        goto done;
    text[tsz] = '\0';
    m->out = out;
    rc = parse_text(m, text, (size_t)tsz, err, img, mda_off + toff);
    if (rc)
        goto done;
    if (!out->extent_bytes) {
        rc = KS_CORRUPT(err, img, -1, (int64_t)(mda_off + toff), "LVM metadata: no extent_size");
        goto done;
    }
    const pvinfo *me = NULL;
    for (unsigned i = 0; i < m->npv; i++)
        if (!strcmp(m->pvs[i].id, pv_uuid))
            me = &m->pvs[i];
    for (unsigned l = 0; l < out->nlv; l++) {
        ks_lvm_lv *lv = &out->lv[l];
        uint64_t next = 0;
        for (unsigned k = 0; k < lv->nseg && lv->supported; k++) {
            const stripe_ref *sr = &m->stripes[l][k];
            if (strcmp(m->seg_type[l][k], "striped") != 0 || m->stripe_count[l][k] != 1 ||
                sr->set != 1) {
                lv->supported = false;
                snprintf(lv->why, sizeof lv->why, "segment %u is %s, not linear", k + 1,
                         m->seg_type[l][k][0] ? m->seg_type[l][k] : "unknown");
            } else if (!me || strcmp(sr->pv, me->name) != 0) {
                lv->supported = false;
                snprintf(lv->why, sizeof lv->why, "segment %u lies on another PV (%s)", k + 1,
                         sr->pv);
            } else if (lv->seg[k].start_extent != next ||
                       sr->pe > UINT64_MAX / out->extent_bytes ||
                       lv->seg[k].extent_count > UINT64_MAX / out->extent_bytes) {
                lv->supported = false;
                snprintf(lv->why, sizeof lv->why, "segment %u does not follow the previous one",
                         k + 1);
            } else {
                lv->seg[k].pv_offset = me->pe_start * 512 + sr->pe * out->extent_bytes;
                next += lv->seg[k].extent_count;
            }
        }
        lv->size = lv->supported ? next * out->extent_bytes : 0;
    }
done:
    free(text);
    free(m);
    if (rc)
        ks_lvm_free(out);
    return rc;
}

/* ---- an LV as an image ------------------------------------------------------------------ */
typedef struct lv_ctx {
    ks_img *pv;
    uint64_t ext;
    unsigned nseg;
    ks_lvm_seg seg[KS_LVM_MAX_SEGS];
} lv_ctx;

static int lv_read(void *vctx, uint64_t off, void *buf, size_t len, ks_err *err)
{
    lv_ctx *c = vctx;
    uint8_t *p = buf;
    while (len > 0) {
        uint64_t e = off / c->ext;
        const ks_lvm_seg *sg = NULL;
        for (unsigned i = 0; i < c->nseg; i++)
            if (e >= c->seg[i].start_extent && e - c->seg[i].start_extent < c->seg[i].extent_count)
                sg = &c->seg[i];
        if (!sg)
            return KS_ERR(err, KS_ECORRUPT, "LV offset %llu is in no segment",
                          (unsigned long long)off);
        uint64_t seg_end = (sg->start_extent + sg->extent_count) * c->ext;
        size_t n = seg_end - off < len ? (size_t)(seg_end - off) : len;
        int rc = ks_img_read(c->pv, sg->pv_offset + (off - sg->start_extent * c->ext), p, n, err);
        if (rc)
            return rc;
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

static void lv_close(void *vctx)
{
    free(vctx);
}

static const ks_img_ops lv_ops = {lv_read, lv_close, "lvm"};

int ks_lvm_open_lv(ks_img **out, ks_img *pv, const ks_lvm *l, const ks_lvm_lv *lv, ks_err *err)
{
    if (!lv->supported)
        return KS_ERR(err, KS_EUNSUPPORTED, "LVM volume %s: %s", lv->name, lv->why);
    lv_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    c->pv = pv;
    c->ext = l->extent_bytes;
    c->nseg = lv->nseg;
    memcpy(c->seg, lv->seg, sizeof c->seg);
    return ks_img_custom(out, &lv_ops, c, lv->size, ks_img_name(pv), err);
}
