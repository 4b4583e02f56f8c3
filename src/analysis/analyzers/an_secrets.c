/* an_secrets.c — secrets read in bulk.
 *
 * Successful GetSecretValue (secretId), GetParameter (name), GetParameters (names) and
 * GetParametersByPath (path) calls, per principal: when five or more distinct secrets or
 * parameters are read within ten minutes, the window is reported (high). An application that
 * reads its own few secrets again and again stays below the threshold. The secrets read are
 * "data" entities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzers/analyzers.h"
#include "analysis/strmap.h"
#include "core/time.h"

#define WINDOW_NS (600LL * KS_NS_PER_SEC)
#define MIN_DISTINCT 5

static bool secret_read(const char *n)
{
    return !strcmp(n, "GetSecretValue") || !strcmp(n, "GetParameter") ||
           !strcmp(n, "GetParameters") || !strcmp(n, "GetParametersByPath") ||
           !strcmp(n, "BatchGetSecretValue");
}

/* Each event's names are counted into `live` (delta +1 or -1) as it enters or leaves the
 * ten-minute window; *distinct follows the number of names with a non-zero count. */
typedef struct name_ctx {
    ks_strmap *live;
    int delta;
    size_t *distinct;
    int rc;
    ks_err *err;
} name_ctx;

static int count_name(void *ctx, const char *s, size_t n)
{
    name_ctx *c = ctx;
    char k[1024];
    snprintf(k, sizeof k, "%.*s", (int)(n < 1000 ? n : 1000), s);
    ks_strmap_ent *e = ks_strmap_get(c->live, k, c->err);
    if (!e) {
        c->rc = c->err->code ? c->err->code : KS_ENOMEM;
        return 1;
    }
    if (c->delta > 0 && e->a++ == 0)
        (*c->distinct)++;
    else if (c->delta < 0 && e->a > 0 && --e->a == 0)
        (*c->distinct)--;
    return 0;
}

static int names_of(ks_json_doc *doc, const ks_ct_event *e, ks_strmap *live, int delta,
                    size_t *distinct, ks_err *err)
{
    name_ctx c = {live, delta, distinct, 0, err};
    static const char *const keys[] = {"secretId", "name", "names", "path", "secretIdList", NULL};
    for (const char *const *k = keys; *k && !c.rc; k++)
        ks_an_json_strings(doc, e->req, *k, count_name, &c);
    return c.rc;
}

typedef struct idx_list {
    size_t *v;
    size_t n, cap;
} idx_list;

int ks_an_secrets_bulk(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap actors;
    ks_strmap_init(&actors);
    ks_json_doc *doc = NULL;
    int rc = ks_json_doc_new(&doc, NULL);
    size_t n = ks_ct_count(in->ct);
    if (rc) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    /* one pass: each principal's secret reads, in time order */
    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (!secret_read(e->name) || !ks_an_ok(e))
            continue;
        ks_strmap_ent *a = ks_strmap_get(&actors, e->principal, err);
        if (!a) {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
        idx_list *l = a->p;
        if (!l && !(l = a->p = calloc(1, sizeof *l))) {
            rc = KS_ERR(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        if (l->n == l->cap) {
            size_t nc = l->cap ? l->cap * 2 : 16;
            size_t *nv = realloc(l->v, nc * sizeof *nv);
            if (!nv) {
                rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                goto done;
            }
            l->v = nv;
            l->cap = nc;
        }
        l->v[l->n++] = i;
    }
    for (size_t a = 0; a < actors.cap; a++) {
        const char *who = actors.v[a].key;
        const idx_list *l = actors.v[a].p;
        if (!who || !l)
            continue;
        ks_strmap live;
        ks_strmap_init(&live);
        size_t start = 0, distinct = 0, reported = 0; /* events [0, reported) are in f */
        ks_finding *f = NULL;
        for (size_t j = 0; j < l->n && !rc; j++) {
            const ks_ct_event *e = ks_ct_at(in->ct, l->v[j]);
            rc = names_of(doc, e, &live, +1, &distinct, err);
            while (!rc && e->time - ks_ct_at(in->ct, l->v[start])->time > WINDOW_NS)
                rc = names_of(doc, ks_ct_at(in->ct, l->v[start++]), &live, -1, &distinct, err);
            if (rc || distinct < MIN_DISTINCT)
                continue;
            if (!f || start > reported) { /* windows that do not overlap are separate findings */
                if ((rc = ks_findings_add(out, "secrets_bulk", "cloud", KS_SEV_HIGH, &f, err)))
                    break;
                char title[1024], expl[512];
                snprintf(title, sizeof title, "Secrets read in bulk by %s", who);
                snprintf(expl, sizeof expl,
                         "%d or more distinct secrets or parameters were read within ten "
                         "minutes. Reading every secret in sight is what an intruder does to "
                         "move on to databases and other systems: rotate them.", MIN_DISTINCT);
                if ((rc = ks_finding_set_text(f, title, expl, err)))
                    break;
                reported = start;
            }
            for (size_t k = reported; k <= j && !rc; k++) {
                const ks_ct_event *x = ks_ct_at(in->ct, l->v[k]);
                char nm[1024];
                ks_an_json_first(doc, x->req, "secretId", nm, sizeof nm);
                if (!nm[0])
                    ks_an_json_first(doc, x->req, "name", nm, sizeof nm);
                if (!(rc = ks_ct_add_actor(f, x, err)))
                    rc = ks_finding_entity(f, KS_ENT_RESOURCE, KS_ROLE_DATA, nm, strlen(nm), err);
            }
            reported = j + 1;
        }
        ks_strmap_free(&live);
        if (rc)
            goto done;
    }
done:
    for (size_t a = 0; a < actors.cap; a++) {
        idx_list *l = actors.v[a].p;
        if (l)
            free(l->v);
        free(l);
    }
    ks_strmap_free(&actors);
    ks_json_doc_free(doc);
    return rc;
}
