/* finding.c — the findings model (see finding.h). */
#include "analysis/finding.h"

#include <stdlib.h>
#include <string.h>

#include "core/time.h"

static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};
static const char *const kind_names[] = {"ip",   "principal", "access_key", "instance",
                                         "region", "file",    "db_object",  "user",
                                         "domain", "resource"};
static const char *const role_names[] = {"",        "actor",       "source", "credential",
                                         "created", "persistence", "data",   "target"};

const char *ks_sev_name(ks_sev s)
{
    return (unsigned)s <= KS_SEV_CRITICAL ? sev_names[s] : "info";
}

int ks_sev_parse(const char *s, ks_sev *out)
{
    for (int i = 0; i <= KS_SEV_CRITICAL; i++)
        if (!strcmp(s, sev_names[i])) {
            *out = (ks_sev)i;
            return 0;
        }
    return KS_EUSAGE;
}

const char *ks_ent_kind_name(ks_ent_kind k)
{
    return (unsigned)k < KS_ENT_NKINDS ? kind_names[k] : "resource";
}

const char *ks_ent_role_name(ks_ent_role r)
{
    return (unsigned)r < KS_ROLE_NROLES ? role_names[r] : "";
}

void ks_findings_init(ks_findings *fs)
{
    memset(fs, 0, sizeof *fs);
}

static void finding_free(ks_finding *f)
{
    if (!f)
        return;
    free(f->analyzer);
    free(f->layer);
    free(f->title);
    free(f->explanation);
    for (size_t i = 0; i < f->nents; i++)
        free(f->ents[i].value);
    free(f->ents);
    for (size_t i = 0; i < f->nrefs; i++) {
        free(f->refs[i].source);
        free(f->refs[i].file);
    }
    free(f->refs);
    free(f);
}

void ks_findings_free(ks_findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        finding_free(fs->v[i]);
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static char *dups(const char *s)
{
    return dupn(s ? s : "", s ? strlen(s) : 0);
}

int ks_findings_add(ks_findings *fs, const char *analyzer, const char *layer, ks_sev sev,
                    ks_finding **out, ks_err *err)
{
    ks_finding *f = NULL;
    if (fs->n == fs->cap) {
        size_t nc = fs->cap ? fs->cap * 2 : 16;
        ks_finding **nv = realloc(fs->v, nc * sizeof *nv);
        if (!nv)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        fs->v = nv;
        fs->cap = nc;
    }
    f = calloc(1, sizeof *f);
    if (!f)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    f->analyzer = dups(analyzer);
    f->layer = dups(layer);
    f->title = dups("");
    f->explanation = dups("");
    if (!f->analyzer || !f->layer || !f->title || !f->explanation) {
        finding_free(f);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    f->sev = sev;
    f->first_seen = f->last_seen = KS_TIME_NONE;
    fs->v[fs->n++] = f;
    *out = f;
    return 0;
}

void ks_findings_remove(ks_findings *fs, size_t i)
{
    if (i >= fs->n)
        return;
    finding_free(fs->v[i]);
    memmove(&fs->v[i], &fs->v[i + 1], (fs->n - i - 1) * sizeof *fs->v);
    fs->n--;
}

static int cmp_finding(const void *a, const void *b)
{
    const ks_finding *x = *(ks_finding *const *)a, *y = *(ks_finding *const *)b;
    if (x->first_seen != y->first_seen)
        return x->first_seen < y->first_seen ? -1 : 1;
    if (x->sev != y->sev)
        return x->sev > y->sev ? -1 : 1;
    return strcmp(x->title, y->title);
}

void ks_findings_sort(ks_findings *fs)
{
    if (fs->n > 1)
        qsort(fs->v, fs->n, sizeof *fs->v, cmp_finding);
}

int ks_finding_set_text(ks_finding *f, const char *title, const char *explanation, ks_err *err)
{
    char *t = dups(title), *e = dups(explanation);
    if (!t || !e) {
        free(t);
        free(e);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    free(f->title);
    free(f->explanation);
    f->title = t;
    f->explanation = e;
    return 0;
}

int ks_finding_entity(ks_finding *f, ks_ent_kind kind, ks_ent_role role, const char *v, size_t n,
                      ks_err *err)
{
    if (!v || !n || f->nents >= KS_FINDING_MAX_ENTS)
        return 0;
    for (size_t i = 0; i < f->nents; i++) {
        const ks_entity *e = &f->ents[i];
        if (e->kind == kind && e->role == role && strlen(e->value) == n && !memcmp(e->value, v, n))
            return 0;
    }
    if (f->nents == f->ents_cap) {
        size_t nc = f->ents_cap ? f->ents_cap * 2 : 8;
        ks_entity *ne = realloc(f->ents, nc * sizeof *ne);
        if (!ne)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        f->ents = ne;
        f->ents_cap = nc;
    }
    char *val = dupn(v, n);
    if (!val)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    f->ents[f->nents++] = (ks_entity){kind, role, val};
    return 0;
}

int ks_finding_ref(ks_finding *f, const ks_ref *r, ks_err *err)
{
    for (size_t i = 0; i < f->nrefs; i++)
        if (f->refs[i].event_id == r->event_id)
            return 0;
    if (r->time != KS_TIME_NONE) {
        if (f->first_seen == KS_TIME_NONE || r->time < f->first_seen)
            f->first_seen = r->time;
        if (f->last_seen == KS_TIME_NONE || r->time > f->last_seen)
            f->last_seen = r->time;
    }
    f->nrefs_total++;
    if (f->nrefs >= KS_FINDING_MAX_REFS)
        return 0;
    if (f->nrefs == f->refs_cap) {
        size_t nc = f->refs_cap ? f->refs_cap * 2 : 8;
        ks_ref *nr = realloc(f->refs, nc * sizeof *nr);
        if (!nr)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        f->refs = nr;
        f->refs_cap = nc;
    }
    ks_ref c = *r;
    c.source = dups(r->source);
    c.file = dups(r->file);
    if (!c.source || !c.file) {
        free(c.source);
        free(c.file);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    f->refs[f->nrefs++] = c;
    return 0;
}

const ks_entity *ks_finding_find_entity(const ks_finding *f, ks_ent_kind kind, ks_ent_role role)
{
    for (size_t i = 0; i < f->nents; i++)
        if (f->ents[i].kind == kind && (role == KS_ROLE_NROLES || f->ents[i].role == role))
            return &f->ents[i];
    return NULL;
}

bool ks_finding_has_entity(const ks_finding *f, ks_ent_kind kind, const char *value)
{
    for (size_t i = 0; i < f->nents; i++)
        if (f->ents[i].kind == kind && !strcmp(f->ents[i].value, value))
            return true;
    return false;
}
