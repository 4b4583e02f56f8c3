/* report_md.c — report.md (Markdown). Evidence text is escaped for Markdown: control
 * characters made visible (as on a terminal), the Markdown characters that could start
 * emphasis, code, links, tables or headings backslash-escaped, and < > & written as
 * entities, so no evidence string can open a link, an image or HTML. */
#include <stdio.h>
#include <string.h>

#include "core/escape.h"
#include "report/report.h"

static void md(ks_buf *b, const char *s)
{
    ks_buf t;
    ks_buf_init(&t, 1 << 26);
    if (s && ks_escape_term(&t, s, strlen(s)) == 0 && t.data) {
        for (size_t i = 0; i < t.len; i++) {
            char c = t.data[i];
            if (c == '<')
                ks_buf_puts(b, "&lt;");
            else if (c == '>')
                ks_buf_puts(b, "&gt;");
            else if (c == '&')
                ks_buf_puts(b, "&amp;");
            else if (strchr("\\`*_[]|~", c) || (i == 0 && strchr("#+-=>", c))) {
                ks_buf_putc(b, '\\');
                ks_buf_putc(b, c);
            } else
                ks_buf_putc(b, c);
        }
    }
    ks_buf_free(&t);
}

static void tm(ks_buf *b, int64_t ns, const ks_tz *tz)
{
    char t[48];
    if (ns == KS_TIME_NONE) {
        ks_buf_puts(b, "—");
        return;
    }
    ks_time_format(ns, NULL, 0, t, sizeof t);
    ks_buf_puts(b, t);
    if (tz) {
        ks_time_format(ns, tz, 0, t, sizeof t);
        ks_buf_printf(b, " (%s)", t);
    }
}

/* "first to last", or a plain statement when the source recorded no time at all. */
static void span(ks_buf *b, int64_t first, int64_t last, const ks_tz *tz)
{
    if (first == KS_TIME_NONE && last == KS_TIME_NONE) {
        ks_buf_puts(b, "time not recorded by the source");
        return;
    }
    tm(b, first, tz);
    ks_buf_puts(b, " to ");
    tm(b, last, tz);
}

static void ref(ks_buf *b, const ks_ref *r, const ks_tz *tz)
{
    ks_buf_puts(b, "  - ");
    tm(b, r->time, tz);
    ks_buf_puts(b, " — ");
    md(b, r->file);
    if (r->line >= 0)
        ks_buf_printf(b, ":%lld", (long long)r->line);
    ks_buf_printf(b, " (event %lld)\n", (long long)r->event_id);
}

static void ents(ks_buf *b, const ks_finding *f)
{
    for (int k = 0; k < KS_ENT_NKINDS; k++) {
        bool any = false;
        for (size_t i = 0; i < f->nents; i++) {
            if ((int)f->ents[i].kind != k)
                continue;
            ks_buf_puts(b, any ? ", " : "");
            if (!any)
                ks_buf_printf(b, "  - %s: ", ks_ent_kind_name((ks_ent_kind)k));
            any = true;
            md(b, f->ents[i].value);
            if (f->ents[i].role)
                ks_buf_printf(b, " (%s)", ks_ent_role_name(f->ents[i].role));
        }
        if (any)
            ks_buf_puts(b, "\n");
    }
}

int ks_report_write_md(const ks_report *r, ks_store *st, const ks_tz *tz, ks_buf *b, ks_err *err)
{
    ks_buf_puts(b, "# kanshiki report — ");
    md(b, r->case_dir);
    ks_buf_puts(b, "\n\nGenerated ");
    tm(b, r->generated, tz);
    ks_buf_printf(b, ". %lld events", (long long)r->nevents);
    if (r->first_event == KS_TIME_NONE && r->last_event == KS_TIME_NONE) {
        ks_buf_puts(b, ", none with a recorded time");
    } else {
        ks_buf_puts(b, " from ");
        span(b, r->first_event, r->last_event, tz);
    }
    ks_buf_puts(b, ". Times are UTC");
    if (tz)
        ks_buf_printf(b, " (and %s)", ks_tz_name(tz));
    ks_buf_puts(b, ".\n\n## Answers\n");
    for (int i = 0; i < KS_ANS_N; i++) {
        const ks_report_answer *a = &r->ans[i];
        ks_buf_puts(b, "\n### ");
        md(b, a->question);
        ks_buf_puts(b, "\n\n");
        md(b, a->ev->explanation);
        ks_buf_puts(b, "\n\n");
        for (size_t k = 0; k < a->nitems; k++) {
            ks_buf_printf(b, "%zu. **%s**: ", k + 1, a->items[k].phase);
            md(b, a->items[k].text);
            ks_buf_puts(b, "\n");
        }
        if (a->ev->nents) {
            ks_buf_puts(b, "\n- Entities:\n");
            ents(b, a->ev);
        }
        if (a->ev->nrefs) {
            ks_buf_puts(b, "- Evidence:\n");
            for (size_t k = 0; k < a->ev->nrefs; k++)
                ref(b, &a->ev->refs[k], tz);
        }
    }
    ks_buf_puts(b, "\n## Attack chains\n");
    if (!r->chains.n)
        ks_buf_puts(b, "\nNone.\n");
    for (size_t ci = 0; ci < r->chains.n; ci++) {
        const ks_chain *c = &r->chains.v[ci];
        ks_buf_printf(b, "\n### Chain %zu — %s (%s)\n\n", ci + 1, ks_sev_name(c->sev), c->layers);
        if (c->first != KS_TIME_NONE || c->last != KS_TIME_NONE)
            ks_buf_puts(b, "From ");
        span(b, c->first, c->last, tz);
        ks_buf_puts(b, ".\n\n");
        for (size_t k = 0; k < c->n; k++) {
            const ks_finding *f = r->findings.v[c->members[k]];
            ks_buf_printf(b, "%zu. ", k + 1);
            tm(b, f->first_seen, tz);
            ks_buf_printf(b, " — **%s** — ", ks_sev_name(f->sev));
            md(b, f->title);
            ks_buf_printf(b, " (finding %zu)\n", c->members[k] + 1);
        }
        ks_buf_puts(b, "\n");
        for (int s = 0; s < KS_SCOPE_N; s++) {
            if (!c->scope[s].n)
                continue;
            ks_buf_printf(b, "- %s: ", ks_scope_name(s));
            for (size_t k = 0; k < c->scope[s].n; k++) {
                ks_buf_printf(b, "%s%s ", k ? "," : "", ks_ent_kind_name(c->scope[s].v[k]->kind));
                md(b, c->scope[s].v[k]->value);
            }
            ks_buf_puts(b, "\n");
        }
    }
    ks_buf_puts(b, "\n## Findings\n");
    for (size_t i = 0; i < r->findings.n; i++) {
        const ks_finding *f = r->findings.v[i];
        ks_buf_printf(b, "\n### %zu. [%s] ", i + 1, ks_sev_name(f->sev));
        md(b, f->title);
        ks_buf_puts(b, "\n\n");
        md(b, f->explanation);
        ks_buf_printf(b, "\n\n- analyzer: %s; %lld record(s); ", f->analyzer, (long long)f->nrefs_total);
        span(b, f->first_seen, f->last_seen, tz);
        ks_buf_puts(b, "\n");
        ents(b, f);
        ks_buf_puts(b, "- Records:\n");
        for (size_t k = 0; k < f->nrefs && k < 20; k++)
            ref(b, &f->refs[k], tz);
        if (f->nrefs_total > 20)
            ks_buf_printf(b, "  - … %lld more in report.json / the case\n", (long long)(f->nrefs_total - 20));
    }
    ks_buf_puts(b, "\n## Sources\n\n| source | files | records | errors |\n|---|---:|---:|---:|\n");
    for (size_t i = 0; i < r->nsources; i++) {
        ks_buf_puts(b, "| ");
        md(b, r->sources[i].type);
        ks_buf_printf(b, " | %lld | %lld | %lld |\n", (long long)r->sources[i].files,
                      (long long)r->sources[i].records, (long long)r->sources[i].errors);
    }
    ks_buf_puts(b, "\n## Evidence\n\n| file | SHA-256 | size | source | status | records |\n|---|---|---:|---|---|---:|\n");
    for (size_t i = 0; i < r->nevidence; i++) {
        const ks_report_evidence *e = &r->evidence[i];
        ks_buf_puts(b, "| ");
        md(b, e->path);
        ks_buf_printf(b, " | `%s` | %lld | ", e->sha256, (long long)e->size);
        md(b, e->source);
        ks_buf_puts(b, " | ");
        md(b, e->status);
        ks_buf_printf(b, " | %lld |\n", (long long)e->records);
    }
    if (r->evidence_total > (int64_t)r->nevidence)
        ks_buf_printf(b, "\n(%lld more files in the case.)\n", (long long)(r->evidence_total - (int64_t)r->nevidence));
    return 0;
}
