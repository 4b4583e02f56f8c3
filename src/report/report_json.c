/* report_json.c — report.json: findings[], chains[], sources[], evidence[], answers{}.
 * Times are ISO 8601 UTC; every string goes through ks_escape_json. */
#include <stdio.h>
#include <string.h>

#include "core/escape.h"
#include "report/report.h"

static void jstr(ks_buf *b, const char *s)
{
    ks_escape_json(b, s ? s : "", s ? strlen(s) : 0);
}

static void jtime(ks_buf *b, int64_t ns)
{
    if (ns == KS_TIME_NONE) {
        ks_buf_puts(b, "null");
        return;
    }
    char t[48];
    ks_time_format(ns, NULL, -1, t, sizeof t);
    jstr(b, t);
}

static void jref(ks_buf *b, const ks_ref *r)
{
    ks_buf_printf(b, "{\"event_id\":%lld,\"time\":", (long long)r->event_id);
    jtime(b, r->time);
    ks_buf_puts(b, ",\"source\":");
    jstr(b, r->source);
    ks_buf_puts(b, ",\"file\":");
    jstr(b, r->file);
    if (r->line >= 0)
        ks_buf_printf(b, ",\"line\":%lld", (long long)r->line);
    if (r->offset >= 0)
        ks_buf_printf(b, ",\"offset\":%lld", (long long)r->offset);
    ks_buf_puts(b, "}");
}

/* {"ip":[...],"principal":[...]} from a list of entities (each value once per kind). */
static void jents(ks_buf *b, const ks_entity *ents, size_t n)
{
    ks_buf_puts(b, "{");
    bool firstk = true;
    for (int k = 0; k < KS_ENT_NKINDS; k++) {
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            if ((int)ents[i].kind != k)
                continue;
            bool dup = false;
            for (size_t j = 0; j < i; j++)
                if (ents[j].kind == ents[i].kind && !strcmp(ents[j].value, ents[i].value))
                    dup = true;
            if (dup)
                continue;
            if (!any) {
                ks_buf_printf(b, "%s\"%s\":[", firstk ? "" : ",", ks_ent_kind_name((ks_ent_kind)k));
                firstk = false;
            } else {
                ks_buf_puts(b, ",");
            }
            any = true;
            jstr(b, ents[i].value);
        }
        if (any)
            ks_buf_puts(b, "]");
    }
    ks_buf_puts(b, "}");
}

static void jrefs(ks_buf *b, const ks_finding *f)
{
    ks_buf_puts(b, "[");
    for (size_t i = 0; i < f->nrefs; i++) {
        if (i)
            ks_buf_puts(b, ",");
        jref(b, &f->refs[i]);
    }
    ks_buf_puts(b, "]");
}

int ks_report_write_json(const ks_report *r, ks_store *st, ks_buf *b, ks_err *err)
{
    ks_buf_puts(b, "{\"kanshiki_report\":1,\"case\":");
    jstr(b, r->case_dir);
    ks_buf_puts(b, ",\"generated\":");
    jtime(b, r->generated);
    ks_buf_printf(b, ",\"events\":%lld,\"first_event\":", (long long)r->nevents);
    jtime(b, r->first_event);
    ks_buf_puts(b, ",\"last_event\":");
    jtime(b, r->last_event);

    ks_buf_puts(b, ",\n\"answers\":{");
    for (int i = 0; i < KS_ANS_N; i++) {
        const ks_report_answer *a = &r->ans[i];
        ks_buf_printf(b, "%s\n\"%s\":{\"question\":", i ? "," : "", a->key);
        jstr(b, a->question);
        ks_buf_puts(b, ",\"text\":");
        jstr(b, a->ev->explanation);
        ks_buf_puts(b, ",\"items\":[");
        for (size_t k = 0; k < a->nitems; k++) {
            ks_buf_puts(b, k ? ",{\"phase\":" : "{\"phase\":");
            jstr(b, a->items[k].phase);
            ks_buf_puts(b, ",\"text\":");
            jstr(b, a->items[k].text);
            ks_buf_puts(b, "}");
        }
        ks_buf_puts(b, "],\"entities\":");
        jents(b, a->ev->ents, a->ev->nents);
        ks_buf_puts(b, ",\"evidence\":");
        jrefs(b, a->ev);
        ks_buf_puts(b, "}");
    }
    ks_buf_puts(b, "},\n\"chains\":[");
    for (size_t ci = 0; ci < r->chains.n; ci++) {
        const ks_chain *c = &r->chains.v[ci];
        ks_buf_printf(b, "%s\n{\"id\":%zu,\"severity\":\"%s\",\"first_seen\":", ci ? "," : "", ci + 1,
                      ks_sev_name(c->sev));
        jtime(b, c->first);
        ks_buf_puts(b, ",\"last_seen\":");
        jtime(b, c->last);
        ks_buf_puts(b, ",\"layers\":");
        jstr(b, c->layers);
        ks_buf_puts(b, ",\"first_event\":");
        if (c->first_ref)
            jref(b, c->first_ref);
        else
            ks_buf_puts(b, "null");
        ks_buf_puts(b, ",\"findings\":[");
        for (size_t k = 0; k < c->n; k++)
            ks_buf_printf(b, "%s%zu", k ? "," : "", c->members[k] + 1);
        ks_buf_puts(b, "],\"scope\":{");
        for (int s = 0; s < KS_SCOPE_N; s++) {
            ks_buf_printf(b, "%s\"%s\":", s ? "," : "", ks_scope_name(s));
            ks_entity tmp[KS_FINDING_MAX_ENTS];
            size_t n = 0;
            for (size_t k = 0; k < c->scope[s].n && n < KS_FINDING_MAX_ENTS; k++)
                tmp[n++] = *c->scope[s].v[k];
            jents(b, tmp, n);
        }
        ks_buf_puts(b, "}}");
    }
    ks_buf_puts(b, "],\n\"findings\":[");
    for (size_t i = 0; i < r->findings.n; i++) {
        const ks_finding *f = r->findings.v[i];
        ks_buf_printf(b, "%s\n{\"id\":%zu,\"analyzer\":", i ? "," : "", i + 1);
        jstr(b, f->analyzer);
        ks_buf_puts(b, ",\"layer\":");
        jstr(b, f->layer);
        ks_buf_printf(b, ",\"severity\":\"%s\",\"title\":", ks_sev_name(f->sev));
        jstr(b, f->title);
        ks_buf_puts(b, ",\"explanation\":");
        jstr(b, f->explanation);
        ks_buf_puts(b, ",\"first_seen\":");
        jtime(b, f->first_seen);
        ks_buf_puts(b, ",\"last_seen\":");
        jtime(b, f->last_seen);
        int chain = r->chains.chain_of ? r->chains.chain_of[i] : -1;
        ks_buf_printf(b, ",\"records\":%lld,\"chain\":", (long long)f->nrefs_total);
        if (chain >= 0)
            ks_buf_printf(b, "%d", chain + 1);
        else
            ks_buf_puts(b, "null");
        ks_buf_puts(b, ",\"entities\":");
        jents(b, f->ents, f->nents);
        ks_buf_puts(b, ",\"entity_roles\":[");
        for (size_t k = 0; k < f->nents; k++) {
            ks_buf_printf(b, "%s{\"kind\":\"%s\",\"role\":\"%s\",\"value\":", k ? "," : "",
                          ks_ent_kind_name(f->ents[k].kind), ks_ent_role_name(f->ents[k].role));
            jstr(b, f->ents[k].value);
            ks_buf_puts(b, "}");
        }
        ks_buf_puts(b, "],\"evidence\":");
        jrefs(b, f);
        ks_buf_puts(b, "}");
    }
    ks_buf_puts(b, "],\n\"sources\":[");
    for (size_t i = 0; i < r->nsources; i++) {
        const ks_report_source *s = &r->sources[i];
        ks_buf_puts(b, i ? ",{\"type\":" : "{\"type\":");
        jstr(b, s->type);
        ks_buf_printf(b, ",\"files\":%lld,\"records\":%lld,\"errors\":%lld}", (long long)s->files,
                      (long long)s->records, (long long)s->errors);
    }
    ks_buf_printf(b, "],\n\"evidence_total\":%lld,\"evidence\":[", (long long)r->evidence_total);
    for (size_t i = 0; i < r->nevidence; i++) {
        const ks_report_evidence *e = &r->evidence[i];
        ks_buf_puts(b, i ? ",\n{\"path\":" : "\n{\"path\":");
        jstr(b, e->path);
        ks_buf_puts(b, ",\"sha256\":");
        jstr(b, e->sha256);
        ks_buf_printf(b, ",\"size\":%lld,\"source\":", (long long)e->size);
        jstr(b, e->source);
        ks_buf_puts(b, ",\"status\":");
        jstr(b, e->status);
        ks_buf_printf(b, ",\"records\":%lld,\"errors\":%lld}", (long long)e->records,
                      (long long)e->errors);
    }
    /* a failed append (size limit, memory) would show as a missing end */
    if (ks_buf_puts(b, "]}\n") != 0 || !b->data || b->len < 3 || memcmp(b->data + b->len - 3, "]}\n", 3))
        return KS_ERR(err, KS_ELIMIT, "report.json larger than the output limit");
    return 0;
}
