/* chain.c — attack chains from findings (see chain.h). Union-find over shared entities. */
#include "analysis/chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/strmap.h"
#include "core/time.h"

static const char *const scope_names[] = {"created", "credentials", "persistence", "data",
                                          "sources", "actors", "targets"};

const char *ks_scope_name(int s)
{
    return s >= 0 && s < KS_SCOPE_N ? scope_names[s] : "";
}

int ks_entlist_add(ks_entlist *l, const ks_entity *e, ks_err *err)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i]->kind == e->kind && !strcmp(l->v[i]->value, e->value))
            return 0;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 8;
        const ks_entity **nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = e;
    return 0;
}

void ks_entlist_free(ks_entlist *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

static bool links(ks_ent_kind k)
{
    return k == KS_ENT_PRINCIPAL || k == KS_ENT_ACCESS_KEY || k == KS_ENT_IP ||
           k == KS_ENT_INSTANCE || k == KS_ENT_USER || k == KS_ENT_DOMAIN || k == KS_ENT_FILE ||
           k == KS_ENT_DB_OBJECT;
}

static size_t find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static int scope_of(const ks_entity *e)
{
    switch (e->role) {
    case KS_ROLE_CREATED: return KS_SCOPE_CREATED;
    case KS_ROLE_CREDENTIAL: return KS_SCOPE_CREDENTIALS;
    case KS_ROLE_PERSISTENCE: return KS_SCOPE_PERSISTENCE;
    case KS_ROLE_DATA: return KS_SCOPE_DATA;
    case KS_ROLE_SOURCE: return KS_SCOPE_SOURCES;
    case KS_ROLE_ACTOR: return KS_SCOPE_ACTORS;
    case KS_ROLE_TARGET: return KS_SCOPE_TARGETS;
    default: return -1;
    }
}

static int cmp_chain(const void *a, const void *b)
{
    const ks_chain *x = a, *y = b;
    /* a chain whose records carry no time (a shell history without #epoch lines) cannot
     * be the earliest: it goes after every dated one */
    bool xn = x->first == KS_TIME_NONE, yn = y->first == KS_TIME_NONE;
    if (xn != yn)
        return xn ? 1 : -1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return 0;
}

int ks_chains_build(const ks_findings *fs, ks_chains *out, ks_err *err)
{
    int rc = 0;
    size_t n = fs->n;
    size_t *parent = malloc((n ? n : 1) * sizeof *parent);
    int *root_chain = malloc((n ? n : 1) * sizeof *root_chain);
    bool *serious = calloc(n ? n : 1, sizeof *serious);
    ks_strmap seen;
    ks_strmap_init(&seen);
    memset(out, 0, sizeof *out);
    out->chain_of = malloc((n ? n : 1) * sizeof *out->chain_of);
    out->v = calloc(n ? n : 1, sizeof *out->v);
    if (!parent || !root_chain || !serious || !out->chain_of || !out->v) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        parent[i] = i;
        root_chain[i] = -1;
        out->chain_of[i] = -1;
    }
    char key[4096];
    for (size_t i = 0; i < n; i++) {
        const ks_finding *f = fs->v[i];
        for (size_t j = 0; j < f->nents; j++) {
            if (!links(f->ents[j].kind))
                continue;
            snprintf(key, sizeof key, "%d|%s", f->ents[j].kind == KS_ENT_USER ? KS_ENT_USER
                     : (int)f->ents[j].kind, f->ents[j].value);
            ks_strmap_ent *s = ks_strmap_get(&seen, key, err);
            if (!s) {
                rc = err->code ? err->code : KS_ENOMEM;
                goto done;
            }
            if (!s->a) {
                s->a = 1;
                s->b = (int64_t)i;
            } else {
                size_t ra = find(parent, i), rb = find(parent, (size_t)s->b);
                if (ra != rb)
                    parent[ra] = rb;
            }
        }
    }
    /* a component becomes a chain when something in it is medium or worse */
    for (size_t i = 0; i < n; i++)
        if (fs->v[i]->sev >= KS_SEV_MEDIUM)
            serious[find(parent, i)] = true;
    for (size_t i = 0; i < n; i++) { /* findings are sorted by time: members stay in order */
        size_t r = find(parent, i);
        if (!serious[r])
            continue;
        if (root_chain[r] < 0) {
            root_chain[r] = (int)out->n;
            ks_chain *c = &out->v[out->n++];
            c->first = c->last = KS_TIME_NONE;
        }
        ks_chain *c = &out->v[root_chain[r]];
        const ks_finding *f = fs->v[i];
        if ((c->n & (c->n - 1)) == 0) { /* grows at 0, 1, 2, 4, 8, ... members */
            size_t *nm = realloc(c->members, (c->n ? c->n * 2 : 1) * sizeof *nm);
            if (!nm) {
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                goto done;
            }
            c->members = nm;
        }
        c->members[c->n++] = i;
        if (f->sev > c->sev)
            c->sev = f->sev;
        for (size_t k = 0; k < f->nrefs; k++) {
            const ks_ref *ref = &f->refs[k];
            if (ref->time != KS_TIME_NONE && (c->first == KS_TIME_NONE || ref->time < c->first)) {
                c->first = ref->time;
                c->first_ref = ref;
                c->first_finding = i;
            }
        }
        if (f->last_seen != KS_TIME_NONE && (c->last == KS_TIME_NONE || f->last_seen > c->last))
            c->last = f->last_seen;
        for (size_t k = 0; k < f->nents; k++) {
            int s = scope_of(&f->ents[k]);
            if (s >= 0 && (rc = ks_entlist_add(&c->scope[s], &f->ents[k], err)))
                goto done;
        }
        static const char *const order[] = {"web", "host", "cloud", "database", NULL};
        for (int o = 0; order[o]; o++) {
            if (strcmp(f->layer, order[o]) || strstr(c->layers, order[o]))
                continue;
            /* rebuild in pipeline order */
            char nl[64] = "";
            for (int p = 0; order[p]; p++)
                if (strstr(c->layers, order[p]) || p == o)
                    snprintf(nl + strlen(nl), sizeof nl - strlen(nl), "%s%s", nl[0] ? " -> " : "",
                             order[p]);
            memcpy(c->layers, nl, sizeof nl);
        }
    }
    /* chain order: by first record; chain_of follows */
    qsort(out->v, out->n, sizeof *out->v, cmp_chain);
    for (size_t ci = 0; ci < out->n; ci++)
        for (size_t k = 0; k < out->v[ci].n; k++)
            out->chain_of[out->v[ci].members[k]] = (int)ci;
done:
    free(serious);
    free(parent);
    free(root_chain);
    ks_strmap_free(&seen);
    if (rc)
        ks_chains_free(out);
    return rc;
}

void ks_chains_free(ks_chains *c)
{
    for (size_t i = 0; c->v && i < c->n; i++) {
        free(c->v[i].members);
        for (int s = 0; s < KS_SCOPE_N; s++)
            ks_entlist_free(&c->v[i].scope[s]);
    }
    free(c->v);
    free(c->chain_of);
    memset(c, 0, sizeof *c);
}
