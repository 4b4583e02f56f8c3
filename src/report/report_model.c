/* report_model.c — building the report model: findings, chains, answers, sources. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze.h"
#include "analysis/finding_io.h"
#include "report/report.h"

#define EVIDENCE_LIST_MAX 10000
#define ANSWER_REFS 8

static const char *const ans_keys[KS_ANS_N] = {"affected", "initial_access", "rogue_resources",
                                               "data_accessed", "persistence", "root_cause",
                                               "actions"};
static const char *const ans_questions[KS_ANS_N] = {
    "Is the environment affected? How, and since when?",
    "How did the attacker get in: first activity, credential, address?",
    "What rogue resources were created, when, by whom, from where, with which credential?",
    "What data was read or changed?",
    "What persistence was left behind?",
    "What is the root cause?",
    "What should be done now? (NIST SP 800-61: containment, eradication, recovery, post-incident)",
};

static char *dupz(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* ---- sources and evidence ----------------------------------------------------------- */
typedef struct q_ctx {
    ks_report *r;
    ks_err *err;
    int rc;
} q_ctx;

static int64_t num(const char *v)
{
    return v ? strtoll(v, NULL, 10) : 0;
}

static int on_source(void *ctx, int ncols, const char *const *names, const char *const *v,
                     const size_t *lens, const char *types)
{
    q_ctx *c = ctx;
    if (!v)
        return 0;
    ks_report_source *ns = realloc(c->r->sources, (c->r->nsources + 1) * sizeof *ns);
    if (!ns) {
        c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
        return 1;
    }
    c->r->sources = ns;
    ks_report_source *s = &ns[c->r->nsources++];
    s->type = dupz(v[0] ? v[0] : "(none)");
    s->files = num(v[1]);
    s->records = num(v[2]);
    s->errors = num(v[3]);
    if (!s->type) {
        c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
        return 1;
    }
    return 0;
}

static int on_evidence(void *ctx, int ncols, const char *const *names, const char *const *v,
                       const size_t *lens, const char *types)
{
    q_ctx *c = ctx;
    if (!v)
        return 0;
    ks_report_evidence *ne = realloc(c->r->evidence, (c->r->nevidence + 1) * sizeof *ne);
    if (!ne) {
        c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
        return 1;
    }
    c->r->evidence = ne;
    ks_report_evidence *e = &ne[c->r->nevidence++];
    e->path = dupz(v[0]);
    e->sha256 = dupz(v[1]);
    e->size = num(v[2]);
    e->source = dupz(v[3]);
    e->status = dupz(v[4]);
    e->note = dupz(v[5]);
    e->records = num(v[6]);
    e->errors = num(v[7]);
    if (!e->path || !e->sha256 || !e->source || !e->status || !e->note) {
        c->rc = KS_ERR(c->err, KS_ENOMEM, "out of memory");
        return 1;
    }
    return 0;
}

static int on_span(void *ctx, int ncols, const char *const *names, const char *const *v,
                   const size_t *lens, const char *types)
{
    q_ctx *c = ctx;
    if (!v)
        return 0;
    c->r->nevents = num(v[0]);
    c->r->first_event = v[1] ? num(v[1]) : KS_TIME_NONE;
    c->r->last_event = v[2] ? num(v[2]) : KS_TIME_NONE;
    c->r->evidence_total = num(v[3]);
    return 0;
}

/* ---- answers -------------------------------------------------------------------------- */
static int item(ks_report_answer *a, const char *phase, ks_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int item(ks_report_answer *a, const char *phase, ks_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[4096];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (a->nitems == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 8;
        ks_report_item *ni = realloc(a->items, nc * sizeof *ni);
        if (!ni)
            return KS_ERR(err, KS_ENOMEM, "out of memory");
        a->items = ni;
        a->cap = nc;
    }
    ks_report_item *it = &a->items[a->nitems];
    it->phase = dupz(phase ? phase : "");
    it->text = dupz(tmp);
    if (!it->phase || !it->text) {
        free(it->phase);
        free(it->text);
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    }
    a->nitems++;
    return 0;
}

/* Appends the values of the entities in l (of kind k, or all when k < 0) to b, joined. */
static void join_ents(ks_buf *b, const ks_entlist *l, int k, size_t max)
{
    size_t shown = 0, total = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (k >= 0 && (int)l->v[i]->kind != k)
            continue;
        total++;
        if (shown < max) {
            ks_buf_printf(b, "%s%s", shown ? ", " : "", l->v[i]->value);
            shown++;
        }
    }
    if (total > shown)
        ks_buf_printf(b, " and %zu more", total - shown);
}

static size_t count_kind(const ks_entlist *l, int k)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if ((int)l->v[i]->kind == k)
            n++;
    return n;
}

static int add_ents(ks_finding *dst, const ks_entlist *l, ks_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < l->n && !rc; i++)
        rc = ks_finding_entity(dst, l->v[i]->kind, l->v[i]->role, l->v[i]->value,
                               strlen(l->v[i]->value), err);
    return rc;
}

static int add_finding_ents(ks_finding *dst, const ks_finding *f, int only_role, ks_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < f->nents && !rc; i++)
        if (only_role < 0 || (int)f->ents[i].role == only_role)
            rc = ks_finding_entity(dst, f->ents[i].kind, f->ents[i].role, f->ents[i].value,
                                   strlen(f->ents[i].value), err);
    return rc;
}

static int add_refs(ks_finding *dst, const ks_finding *f, size_t max, ks_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < f->nrefs && i < max && !rc; i++)
        rc = ks_finding_ref(dst, &f->refs[i], err);
    return rc;
}

static void fmt_time(ks_buf *b, int64_t ns)
{
    char t[48];
    ks_time_format(ns, NULL, 0, t, sizeof t);
    ks_buf_puts(b, t);
}

static int set_text(ks_report_answer *a, ks_buf *b, ks_err *err)
{
    return ks_finding_set_text(a->ev, a->question, b->data ? b->data : "", err);
}

static bool in_list(const ks_entlist *l, const ks_entity *e)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i]->kind == e->kind && !strcmp(l->v[i]->value, e->value))
            return true;
    return false;
}

static bool any_analyzer(const ks_report *r, const ks_chain *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(r->findings.v[c->members[i]]->analyzer, name))
            return true;
    return false;
}

static int answers(ks_report *r, ks_err *err)
{
    int rc = 0;
    ks_buf b;
    ks_buf_init(&b, 1 << 22);
    ks_entlist all[KS_SCOPE_N];
    memset(all, 0, sizeof all);
    for (int i = 0; i < KS_ANS_N; i++) {
        ks_report_answer *a = &r->ans[i];
        a->key = ans_keys[i];
        a->question = ans_questions[i];
        if ((rc = ks_findings_add(&r->ans_store, "answer", "", KS_SEV_INFO, &a->ev, err)))
            goto done;
    }
    for (size_t ci = 0; ci < r->chains.n; ci++)
        for (int s = 0; s < KS_SCOPE_N; s++)
            if ((rc = add_ents(r->ans[0].ev, &r->chains.v[ci].scope[s], err)))
                goto done;
    for (size_t ci = 0; ci < r->chains.n; ci++)
        for (int s = 0; s < KS_SCOPE_N; s++)
            for (size_t k = 0; k < r->chains.v[ci].scope[s].n; k++)
                if ((rc = ks_entlist_add(&all[s], r->chains.v[ci].scope[s].v[k], err)))
                    goto done;
    /* the affected answer's entities: who and from where only */
    {
        ks_finding *ev = r->ans[KS_ANS_AFFECTED].ev;
        for (size_t i = 0; i < ev->nents; i++)
            free(ev->ents[i].value);
        ev->nents = 0;
        if ((rc = add_ents(ev, &all[KS_SCOPE_ACTORS], err)) ||
            (rc = add_ents(ev, &all[KS_SCOPE_SOURCES], err)) ||
            (rc = add_ents(ev, &all[KS_SCOPE_CREDENTIALS], err)))
            goto done;
    }

    const ks_chain *c0 = r->chains.n ? &r->chains.v[0] : NULL; /* the earliest chain */
    ks_sev top = KS_SEV_INFO;
    for (size_t i = 0; i < r->findings.n; i++)
        if (r->findings.v[i]->sev > top)
            top = r->findings.v[i]->sev;

    /* affected */
    ks_report_answer *a = &r->ans[KS_ANS_AFFECTED];
    ks_buf_reset(&b);
    if (!c0) {
        ks_buf_printf(&b, "No attack chain was found: %zu finding(s), the highest %s. Nothing "
                      "above low correlates into an attack across the evidence.",
                      r->findings.n, ks_sev_name(top));
    } else {
        ks_buf_printf(&b, "Yes. %zu attack chain(s), highest severity %s, since ", r->chains.n,
                      ks_sev_name(top));
        fmt_time(&b, c0->first);
        ks_buf_puts(&b, " (UTC; the first attacker record). How: ");
        size_t shown = 0;
        for (size_t ci = 0; ci < r->chains.n; ci++)
            for (size_t k = 0; k < r->chains.v[ci].n; k++) {
                const ks_finding *f = r->findings.v[r->chains.v[ci].members[k]];
                if (f->sev < KS_SEV_HIGH || shown >= 6)
                    continue;
                ks_buf_printf(&b, "%s%s", shown++ ? "; " : "", f->title);
            }
        ks_buf_puts(&b, ". Last attacker activity: ");
        int64_t last = c0->last;
        for (size_t ci = 0; ci < r->chains.n; ci++)
            if (r->chains.v[ci].last > last)
                last = r->chains.v[ci].last;
        fmt_time(&b, last);
        ks_buf_puts(&b, ".");
        for (size_t ci = 0; ci < r->chains.n && !rc; ci++)
            if (r->chains.v[ci].first_ref)
                rc = ks_finding_ref(a->ev, r->chains.v[ci].first_ref, err);
        /* and the first record of each high or critical finding */
        for (size_t ci = 0; ci < r->chains.n && !rc; ci++)
            for (size_t k = 0; k < r->chains.v[ci].n && !rc; k++) {
                const ks_finding *f = r->findings.v[r->chains.v[ci].members[k]];
                if (f->sev >= KS_SEV_HIGH)
                    rc = add_refs(a->ev, f, 1, err);
            }
        if (rc)
            goto done;
    }
    if ((rc = set_text(a, &b, err)))
        goto done;

    /* initial access and root cause: the chain's earliest finding */
    const ks_finding *fi = c0 ? r->findings.v[c0->first_finding] : NULL;
    /* prefer the credential-theft finding when it starts within the same minute */
    if (c0)
        for (size_t k = 0; k < c0->n; k++) {
            const ks_finding *f = r->findings.v[c0->members[k]];
            if (!strcmp(f->analyzer, "ec2_role_outside") && f->first_seen - c0->first < 60000000000LL)
                fi = f;
        }
    a = &r->ans[KS_ANS_INITIAL_ACCESS];
    ks_buf_reset(&b);
    if (!fi) {
        ks_buf_puts(&b, "No initial access was identified.");
    } else {
        ks_buf_puts(&b, "First attacker activity at ");
        fmt_time(&b, c0->first);
        ks_buf_printf(&b, ": %s.", fi->title);
        const ks_entity *cred = ks_finding_find_entity(fi, KS_ENT_ACCESS_KEY, KS_ROLE_NROLES);
        const ks_entity *ip = ks_finding_find_entity(fi, KS_ENT_IP, KS_ROLE_SOURCE);
        const ks_entity *who = ks_finding_find_entity(fi, KS_ENT_PRINCIPAL, KS_ROLE_ACTOR);
        if (who)
            ks_buf_printf(&b, " Acting as %s", who->value);
        if (cred)
            ks_buf_printf(&b, " with access key %s", cred->value);
        if (ip)
            ks_buf_printf(&b, " from %s", ip->value);
        if (who || cred || ip)
            ks_buf_puts(&b, ".");
        if (c0->first_ref)
            rc = ks_finding_ref(a->ev, c0->first_ref, err);
        if (rc || (rc = add_finding_ents(a->ev, fi, -1, err)) || (rc = add_refs(a->ev, fi, 4, err)))
            goto done;
    }
    if ((rc = set_text(a, &b, err)))
        goto done;

    a = &r->ans[KS_ANS_ROOT_CAUSE];
    ks_buf_reset(&b);
    if (!fi) {
        ks_buf_puts(&b, "Not determined: no attack chain.");
    } else if (!strcmp(fi->analyzer, "ec2_role_outside")) {
        const ks_entity *inst = ks_finding_find_entity(fi, KS_ENT_INSTANCE, KS_ROLE_TARGET);
        const ks_entity *role = ks_finding_find_entity(fi, KS_ENT_PRINCIPAL, KS_ROLE_CREDENTIAL);
        ks_buf_printf(&b, "The temporary credentials of instance %s (role %s) were stolen from the "
                      "instance and used from outside it. The usual causes are server-side request "
                      "forgery in the application on that instance reaching the metadata service "
                      "(IMDSv1), or code execution on the instance. The instance and its "
                      "application are the root cause to examine (web and host logs); the role's "
                      "permissions (IAM and EC2 write access) let the attacker escalate.",
                      inst ? inst->value : "?", role ? role->value : "?");
        if ((rc = add_finding_ents(a->ev, fi, -1, err)) || (rc = add_refs(a->ev, fi, 2, err)))
            goto done;
    } else if (!strcmp(fi->layer, "web") || !strcmp(fi->layer, "host")) {
        /* the way in was the application or the host; say what it led to in the cloud */
        ks_buf_printf(&b, "The attack starts %s: %s. %s Fix the flaw that let it in, remove "
                      "what was left behind, and treat everything the server could reach as "
                      "exposed.", !strcmp(fi->layer, "web") ? "in the web application"
                                                            : "on a host", fi->title,
                      fi->explanation);
        if ((rc = add_finding_ents(a->ev, fi, -1, err)) || (rc = add_refs(a->ev, fi, 2, err)))
            goto done;
        for (size_t k = 0; k < c0->n; k++) {
            const ks_finding *f = r->findings.v[c0->members[k]];
            if (strcmp(f->analyzer, "ec2_role_outside"))
                continue;
            const ks_entity *inst = ks_finding_find_entity(f, KS_ENT_INSTANCE, KS_ROLE_TARGET);
            const ks_entity *role = ks_finding_find_entity(f, KS_ENT_PRINCIPAL, KS_ROLE_CREDENTIAL);
            ks_buf_printf(&b, " Through it the temporary credentials of instance %s (role %s) "
                          "were taken and used from outside the instance.",
                          inst ? inst->value : "?", role ? role->value : "?");
            if ((rc = add_finding_ents(a->ev, f, -1, err)) || (rc = add_refs(a->ev, f, 2, err)))
                goto done;
            break;
        }
    } else {
        ks_buf_printf(&b, "The attack starts with: %s. %s A credential used this way was leaked "
                      "or stolen; find where it was stored or typed.", fi->title, fi->explanation);
        if ((rc = add_finding_ents(a->ev, fi, -1, err)) || (rc = add_refs(a->ev, fi, 2, err)))
            goto done;
    }
    if ((rc = set_text(a, &b, err)))
        goto done;

    /* rogue resources: findings with created entities */
    a = &r->ans[KS_ANS_ROGUE_RESOURCES];
    ks_buf_reset(&b);
    size_t nres = 0;
    for (size_t ci = 0; ci < r->chains.n; ci++)
        for (size_t k = 0; k < r->chains.v[ci].n; k++) {
            const ks_finding *f = r->findings.v[r->chains.v[ci].members[k]];
            if (!ks_finding_find_entity(f, KS_ENT_INSTANCE, KS_ROLE_CREATED) &&
                !ks_finding_find_entity(f, KS_ENT_RESOURCE, KS_ROLE_CREATED))
                continue;
            ks_buf_printf(&b, "%s%s, ", nres++ ? " " : "", f->title);
            fmt_time(&b, f->first_seen);
            ks_buf_puts(&b, " to ");
            fmt_time(&b, f->last_seen);
            ks_buf_puts(&b, " UTC");
            const ks_entity *who = ks_finding_find_entity(f, KS_ENT_PRINCIPAL, KS_ROLE_ACTOR);
            const ks_entity *key = ks_finding_find_entity(f, KS_ENT_ACCESS_KEY, KS_ROLE_CREDENTIAL);
            if (who)
                ks_buf_printf(&b, ", by %s", who->value);
            ks_buf_puts(&b, ", from ");
            size_t nip = 0;
            for (size_t e = 0; e < f->nents; e++)
                if (f->ents[e].kind == KS_ENT_IP)
                    ks_buf_printf(&b, "%s%s", nip++ ? ", " : "", f->ents[e].value);
            if (key)
                ks_buf_printf(&b, ", with access key %s", key->value);
            ks_buf_puts(&b, "; regions ");
            size_t nr = 0;
            for (size_t e = 0; e < f->nents; e++)
                if (f->ents[e].kind == KS_ENT_REGION)
                    ks_buf_printf(&b, "%s%s", nr++ ? ", " : "", f->ents[e].value);
            ks_buf_puts(&b, ".");
            if ((rc = add_finding_ents(a->ev, f, -1, err)) || (rc = add_refs(a->ev, f, ANSWER_REFS, err)))
                goto done;
        }
    if (!nres)
        ks_buf_puts(&b, "No resource creation was detected.");
    else
        ks_buf_printf(&b, " In all: %zu instance(s).", count_kind(&all[KS_SCOPE_CREATED], KS_ENT_INSTANCE));
    if ((rc = set_text(a, &b, err)))
        goto done;

    /* data */
    a = &r->ans[KS_ANS_DATA_ACCESSED];
    ks_buf_reset(&b);
    if (all[KS_SCOPE_DATA].n) {
        ks_buf_puts(&b, "Read by the attacker: ");
        join_ents(&b, &all[KS_SCOPE_DATA], -1, 30);
        ks_buf_puts(&b, ". Treat every secret read as disclosed: rotate it and check where it "
                        "grants access (databases, third parties).");
        if ((rc = add_ents(a->ev, &all[KS_SCOPE_DATA], err)))
            goto done;
        for (size_t ci = 0; ci < r->chains.n; ci++)
            for (size_t k = 0; k < r->chains.v[ci].n; k++) {
                const ks_finding *f = r->findings.v[r->chains.v[ci].members[k]];
                if (ks_finding_find_entity(f, KS_ENT_RESOURCE, KS_ROLE_DATA) &&
                    (rc = add_refs(a->ev, f, ANSWER_REFS, err)))
                    goto done;
            }
    } else {
        ks_buf_puts(&b, "No reads of secrets or data were detected. CloudTrail management events "
                        "do not show object reads unless data events were logged.");
    }
    if ((rc = set_text(a, &b, err)))
        goto done;

    /* persistence */
    a = &r->ans[KS_ANS_PERSISTENCE];
    ks_buf_reset(&b);
    size_t np = all[KS_SCOPE_PERSISTENCE].n;
    if (np) {
        ks_buf_puts(&b, "Left behind: ");
        if (count_kind(&all[KS_SCOPE_PERSISTENCE], KS_ENT_USER)) {
            ks_buf_puts(&b, "accounts (IAM, database or host users) ");
            join_ents(&b, &all[KS_SCOPE_PERSISTENCE], KS_ENT_USER, 20);
            ks_buf_puts(&b, "; ");
        }
        if (count_kind(&all[KS_SCOPE_PERSISTENCE], KS_ENT_ACCESS_KEY)) {
            ks_buf_puts(&b, "access key(s) ");
            join_ents(&b, &all[KS_SCOPE_PERSISTENCE], KS_ENT_ACCESS_KEY, 20);
            ks_buf_puts(&b, "; ");
        }
        if (count_kind(&all[KS_SCOPE_PERSISTENCE], KS_ENT_FILE)) {
            ks_buf_puts(&b, "files (web shells, cron entries, units, programs) ");
            join_ents(&b, &all[KS_SCOPE_PERSISTENCE], KS_ENT_FILE, 20);
            ks_buf_puts(&b, "; ");
        }
        if (count_kind(&all[KS_SCOPE_PERSISTENCE], KS_ENT_PRINCIPAL)) {
            ks_buf_puts(&b, "identities ");
            join_ents(&b, &all[KS_SCOPE_PERSISTENCE], KS_ENT_PRINCIPAL, 20);
            ks_buf_puts(&b, ". ");
        }
        if ((rc = add_ents(a->ev, &all[KS_SCOPE_PERSISTENCE], err)))
            goto done;
    } else {
        ks_buf_puts(&b, "No persistence was detected. ");
    }
    for (size_t ci = 0; ci < r->chains.n; ci++)
        for (size_t k = 0; k < r->chains.v[ci].n; k++) {
            const ks_finding *f = r->findings.v[r->chains.v[ci].members[k]];
            if (!strcmp(f->analyzer, "iam_persistence") || !strcmp(f->analyzer, "exposure")) {
                ks_buf_printf(&b, "%s. ", f->title);
                if ((rc = add_refs(a->ev, f, ANSWER_REFS, err)) ||
                    (!strcmp(f->analyzer, "exposure") && (rc = add_finding_ents(a->ev, f, KS_ROLE_TARGET, err))))
                    goto done;
            }
        }
    if ((rc = set_text(a, &b, err)))
        goto done;

    /* actions, by NIST SP 800-61 phase, most urgent first */
    a = &r->ans[KS_ANS_ACTIONS];
    ks_buf_reset(&b);
    if (!c0) {
        ks_buf_puts(&b, "No attack chain: review the findings below; no containment is indicated.");
        rc = item(a, "post-incident", err, "Review the low-severity findings and keep the case for reference.");
        if (rc || (rc = set_text(a, &b, err)))
            goto done;
        goto done;
    }
    ks_buf_puts(&b, "Preserve the case (evidence hashes are listed at the end) before changing "
                    "anything, then act in this order.");
    for (size_t i = 0; i < all[KS_SCOPE_PERSISTENCE].n && !rc; i++) {
        const ks_entity *e = all[KS_SCOPE_PERSISTENCE].v[i];
        if (e->kind == KS_ENT_ACCESS_KEY)
            rc = item(a, "containment", err, "Deactivate, then delete, the attacker's access key %s.", e->value);
        else if (e->kind == KS_ENT_USER)
            rc = item(a, "containment", err, "Disable IAM user %s: delete its login profile and access keys, detach its policies; delete the user once evidence is preserved.", e->value);
    }
    for (size_t i = 0; i < all[KS_SCOPE_CREDENTIALS].n && !rc; i++) {
        const ks_entity *e = all[KS_SCOPE_CREDENTIALS].v[i];
        if (e->kind == KS_ENT_PRINCIPAL && strstr(e->value, ":role/"))
            rc = item(a, "containment", err, "Revoke the active sessions of role %s (a deny policy on aws:TokenIssueTime, \"Revoke active sessions\" in the console).", e->value);
        else if (e->kind == KS_ENT_ACCESS_KEY && !strncmp(e->value, "AKIA", 4) &&
                 !in_list(&all[KS_SCOPE_PERSISTENCE], e))
            rc = item(a, "containment", err, "Deactivate long-term access key %s, used by the attacker.", e->value);
    }
    if (!rc && all[KS_SCOPE_TARGETS].n)
        for (size_t i = 0; i < all[KS_SCOPE_TARGETS].n && !rc; i++) {
            const ks_entity *e = all[KS_SCOPE_TARGETS].v[i];
            if (e->kind == KS_ENT_INSTANCE)
                rc = item(a, "containment", err, "Isolate instance %s (its credentials were stolen): snapshot its volumes and capture memory first, then move it to an isolating security group.", e->value);
        }
    if (!rc && count_kind(&all[KS_SCOPE_CREATED], KS_ENT_INSTANCE)) {
        ks_buf t;
        ks_buf_init(&t, 1 << 20);
        join_ents(&t, &all[KS_SCOPE_CREATED], KS_ENT_INSTANCE, 50);
        rc = item(a, "containment", err, "Stop the rogue instances (snapshot one for analysis), then terminate them: %s.", t.data ? t.data : "");
        ks_buf_free(&t);
    }
    if (!rc && count_kind(&all[KS_SCOPE_SOURCES], KS_ENT_IP)) {
        ks_buf t;
        ks_buf_init(&t, 1 << 20);
        join_ents(&t, &all[KS_SCOPE_SOURCES], KS_ENT_IP, 20);
        rc = item(a, "containment", err, "Block the attacker's addresses where possible (network ACLs, WAF) and watch for them: %s.", t.data ? t.data : "");
        ks_buf_free(&t);
    }
    for (size_t ci = 0; ci < r->chains.n && !rc; ci++)
        if (any_analyzer(r, &r->chains.v[ci], "exposure"))
            rc = item(a, "containment", err, "Revoke the security-group rules, snapshot and image shares opened by the attacker (see the exposure findings).");
    if (!rc && fi && !strcmp(fi->analyzer, "ec2_role_outside"))
        rc = item(a, "eradication", err, "Find how the instance's credentials were taken (web server and host logs of the instance: SSRF, web shells); fix it, rebuild the instance from a known-good image, require IMDSv2 (HttpTokens=required) and a hop limit of 1.");
    if (!rc)
        rc = item(a, "eradication", err, "Remove everything the attacker created: key pairs, security groups, users, policies, instances in every region (including regions the account does not use).");
    for (size_t ci = 0; ci < r->chains.n && !rc; ci++)
        if (any_analyzer(r, &r->chains.v[ci], "logging_tamper")) {
            rc = item(a, "recovery", err, "Re-enable and verify logging that was stopped or deleted (trails, flow logs, detectors); look for gaps in the evidence around the tampering.");
            break;
        }
    if (!rc && all[KS_SCOPE_DATA].n)
        rc = item(a, "recovery", err, "Rotate every secret read by the attacker and review the systems they open (databases: look for logins from the attacker's addresses).");
    if (!rc)
        rc = item(a, "recovery", err, "Reduce the role's permissions to what the application needs; check billing for the cost of the rogue resources and open a case with AWS.");
    if (!rc)
        rc = item(a, "post-incident", err, "Deny unused regions with a service control policy; alert on the detections that fired here (instance credentials used off-instance, IAM persistence, logging changes); hold a lessons-learned review.");
    if (rc || (rc = set_text(a, &b, err)))
        goto done;
done:
    for (int s = 0; s < KS_SCOPE_N; s++)
        ks_entlist_free(&all[s]);
    ks_buf_free(&b);
    return rc;
}

int ks_report_build(ks_store *st, ks_report **out, ks_err *err)
{
    int rc = 0;
    ks_report *r = calloc(1, sizeof *r);
    if (!r)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_findings_init(&r->findings);
    ks_findings_init(&r->ans_store);
    r->generated = ks_time_now();
    r->case_dir = dupz(ks_store_dir(st));
    if (!r->case_dir) {
        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    q_ctx c = {r, err, 0};
    if ((rc = ks_store_query(st, "SELECT (SELECT count(*) FROM events WHERE error IS NULL), "
                             "(SELECT min(time_ns) FROM events), (SELECT max(time_ns) FROM events), "
                             "(SELECT count(*) FROM evidence)", NULL, 0, on_span, &c, err)))
        goto done;
    /* findings saved by investigate; else run the analyzers now (read-only case) */
    bool saved = false;
    if ((rc = ks_findings_load(st, &r->findings, &saved, err)))
        goto done;
    if (!saved) {
        /* a case that was ingested but never investigated */
        if ((rc = ks_analyze_case(st, KS_TIME_NONE, KS_TIME_NONE, &r->findings, err)))
            goto done;
    }
    if ((rc = ks_chains_build(&r->findings, &r->chains, err)))
        goto done;
    if ((rc = answers(r, err)))
        goto done;
    if ((rc = ks_store_query(st, "SELECT source, count(*), sum(records), sum(errors) FROM evidence "
                             "WHERE source IS NOT NULL AND source != '' GROUP BY source ORDER BY source",
                             NULL, 0, on_source, &c, err)) || (rc = c.rc))
        goto done;
    char lim[32];
    snprintf(lim, sizeof lim, "%d", EVIDENCE_LIST_MAX);
    const char *p[] = {lim};
    if ((rc = ks_store_query(st, "SELECT path, sha256, size, source, status, note, records, errors "
                             "FROM evidence ORDER BY path LIMIT CAST(?1 AS INTEGER)", p, 1,
                             on_evidence, &c, err)) || (rc = c.rc))
        goto done;
    *out = r;
    r = NULL;
done:
    ks_report_free(r);
    return rc;
}

void ks_report_free(ks_report *r)
{
    if (!r)
        return;
    ks_chains_free(&r->chains);
    ks_findings_free(&r->findings);
    ks_findings_free(&r->ans_store);
    for (int i = 0; i < KS_ANS_N; i++) {
        for (size_t k = 0; k < r->ans[i].nitems; k++) {
            free(r->ans[i].items[k].phase);
            free(r->ans[i].items[k].text);
        }
        free(r->ans[i].items);
    }
    for (size_t i = 0; i < r->nsources; i++)
        free(r->sources[i].type);
    free(r->sources);
    for (size_t i = 0; i < r->nevidence; i++) {
        free(r->evidence[i].path);
        free(r->evidence[i].sha256);
        free(r->evidence[i].source);
        free(r->evidence[i].status);
        free(r->evidence[i].note);
    }
    free(r->evidence);
    free(r->case_dir);
    free(r);
}
