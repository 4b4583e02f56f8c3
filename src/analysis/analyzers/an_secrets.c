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

typedef struct name_ctx {
    ks_strmap *names;
    int rc;
    ks_err *err;
} name_ctx;

static int add_name(void *ctx, const char *s, size_t n)
{
    name_ctx *c = ctx;
    char k[1024];
    snprintf(k, sizeof k, "%.*s", (int)(n < 1000 ? n : 1000), s);
    if (!ks_strmap_get(c->names, k, c->err))
        c->rc = c->err->code ? c->err->code : KS_ENOMEM;
    return c->rc != 0;
}

static int names_of(ks_json_doc *doc, const ks_ct_event *e, ks_strmap *m, ks_err *err)
{
    name_ctx c = {m, 0, err};
    static const char *const keys[] = {"secretId", "name", "names", "path", "secretIdList", NULL};
    for (const char *const *k = keys; *k && !c.rc; k++)
        ks_an_json_strings(doc, e->req, *k, add_name, &c);
    return c.rc;
}

int ks_an_secrets_bulk(const ks_an_input *in, ks_findings *out, ks_err *err)
{
    ks_strmap actors;
    ks_strmap_init(&actors);
    ks_json_doc *doc = NULL;
    size_t *idx = NULL;
    int rc = ks_json_doc_new(&doc, NULL);
    size_t n = ks_ct_count(in->ct);
    if (rc) {
        rc = KS_ERR(err, rc, "out of memory");
        goto done;
    }
    /* principals with secret reads, then a window scan per principal */
    for (size_t i = 0; i < n; i++) {
        const ks_ct_event *e = ks_ct_at(in->ct, i);
        if (secret_read(e->name) && ks_an_ok(e) && !ks_strmap_get(&actors, e->principal, err)) {
            rc = err->code ? err->code : KS_ENOMEM;
            goto done;
        }
    }
    if (!(idx = malloc((n ? n : 1) * sizeof *idx))) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t a = 0; a < actors.cap; a++) {
        const char *who = actors.v[a].key;
        if (!who)
            continue;
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            const ks_ct_event *e = ks_ct_at(in->ct, i);
            if (secret_read(e->name) && ks_an_ok(e) && !strcmp(e->principal, who))
                idx[m++] = i;
        }
        size_t start = 0;
        ks_finding *f = NULL;
        int64_t f_end = 0;
        for (size_t j = 0; j < m; j++) {
            const ks_ct_event *e = ks_ct_at(in->ct, idx[j]);
            while (e->time - ks_ct_at(in->ct, idx[start])->time > WINDOW_NS)
                start++;
            ks_strmap names;
            ks_strmap_init(&names);
            for (size_t k = start; k <= j && !rc; k++)
                rc = names_of(doc, ks_ct_at(in->ct, idx[k]), &names, err);
            size_t distinct = names.n;
            ks_strmap_free(&names);
            if (rc)
                goto done;
            if (distinct < MIN_DISTINCT)
                continue;
            if (!f || ks_ct_at(in->ct, idx[start])->time > f_end) {
                if ((rc = ks_findings_add(out, "secrets_bulk", "cloud", KS_SEV_HIGH, &f, err)))
                    goto done;
                char title[1024], expl[512];
                snprintf(title, sizeof title, "Secrets read in bulk by %s", who);
                snprintf(expl, sizeof expl,
                         "%zu or more distinct secrets or parameters were read within ten "
                         "minutes. Reading every secret in sight is what an intruder does to "
                         "move on to databases and other systems: rotate them.", distinct);
                if ((rc = ks_finding_set_text(f, title, expl, err)))
                    goto done;
            }
            for (size_t k = start; k <= j; k++) {
                const ks_ct_event *x = ks_ct_at(in->ct, idx[k]);
                char nm[1024];
                ks_an_json_first(doc, x->req, "secretId", nm, sizeof nm);
                if (!nm[0])
                    ks_an_json_first(doc, x->req, "name", nm, sizeof nm);
                if ((rc = ks_ct_add_actor(f, x, err)) ||
                    (rc = ks_finding_entity(f, KS_ENT_RESOURCE, KS_ROLE_DATA, nm, strlen(nm), err)))
                    goto done;
            }
            f_end = e->time;
        }
    }
done:
    free(idx);
    ks_strmap_free(&actors);
    ks_json_doc_free(doc);
    return rc;
}
