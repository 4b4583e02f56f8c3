/* report_html.c — report.html: one self-contained file that works offline.
 *
 * Safety: a strict Content-Security-Policy in a <meta> tag (default-src 'none'; the one
 * inline script and the one stylesheet allowed by their SHA-256 hashes; no inline event
 * handlers anywhere). Every string from evidence goes through ks_escape_html; the timeline's
 * data is JSON inside <script type="application/json"> with < > & written as \u003c \u003e
 * \u0026, read by the script with textContent and rendered with textContent only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/strmap.h"
#include "core/escape.h"
#include "core/hash.h"
#include "report/report.h"
#include "report/report_html_assets.h"

#define RAW_SHOWN_MAX 16384
#define REFS_WITH_RAW 10
#define TIMELINE_MAX 50000

/* ---- small helpers ------------------------------------------------------------------ */
static void h(ks_buf *b, const char *s)
{
    if (s)
        ks_escape_html(b, s, strlen(s));
}

static void hn(ks_buf *b, const char *s, size_t n)
{
    if (s)
        ks_escape_html(b, s, n);
}

static void tm(ks_buf *b, int64_t ns, const ks_tz *tz)
{
    char t[48];
    if (ns == KS_TIME_NONE) {
        ks_buf_puts(b, "—");
        return;
    }
    ks_time_format(ns, NULL, 0, t, sizeof t);
    ks_buf_printf(b, "<time>%s</time>", t);
    if (tz) {
        ks_time_format(ns, tz, 0, t, sizeof t);
        ks_buf_printf(b, " <span class=\"meta\">(%s)</span>", t);
    }
}

/* "first to last", or a plain statement when the source recorded no time at all (a shell
 * history without timestamps): "— to —" read like a rendering fault. */
static void span(ks_buf *b, int64_t first, int64_t last, const ks_tz *tz)
{
    if (first == KS_TIME_NONE && last == KS_TIME_NONE) {
        ks_buf_puts(b, "<span class=\"meta\">time not recorded by the source</span>");
        return;
    }
    tm(b, first, tz);
    ks_buf_puts(b, " to ");
    tm(b, last, tz);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 'sha256-<base64>' of text, for the CSP. */
static int csp_hash(ks_buf *b, const char *text)
{
    ks_sha256 *hs = NULL;
    char hex[65];
    uint8_t d[32];
    if (ks_sha256_new(&hs))
        return KS_ENOMEM;
    ks_sha256_update(hs, text, strlen(text));
    ks_sha256_final_hex(hs, hex);
    ks_sha256_free(hs);
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex[2 * i + k];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        d[i] = (uint8_t)v;
    }
    ks_buf_puts(b, "'sha256-");
    for (int i = 0; i < 32; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < 32 ? (uint32_t)d[i + 1] << 8 : 0) |
                     (i + 2 < 32 ? d[i + 2] : 0);
        ks_buf_putc(b, b64[v >> 18 & 63]);
        ks_buf_putc(b, b64[v >> 12 & 63]);
        ks_buf_putc(b, i + 1 < 32 ? b64[v >> 6 & 63] : '=');
        ks_buf_putc(b, i + 2 < 32 ? b64[v & 63] : '=');
    }
    ks_buf_puts(b, "'");
    return 0;
}

int ks_report_html_csp(ks_buf *b, ks_err *err)
{
    ks_buf_puts(b, "default-src 'none'; script-src ");
    if (csp_hash(b, ks_report_js))
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_buf_puts(b, "; style-src ");
    if (csp_hash(b, ks_report_css))
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    ks_buf_puts(b, "; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'");
    return 0;
}

/* ---- raw records ----------------------------------------------------------------------- */
typedef struct raw_ctx {
    ks_buf *b;
} raw_ctx;

static int on_raw(void *ctx, int ncols, const char *const *names, const char *const *v,
                  const size_t *lens, const char *types)
{
    raw_ctx *c = ctx;
    if (!v || !v[0])
        return 0;
    size_t n = lens[0] > RAW_SHOWN_MAX ? RAW_SHOWN_MAX : lens[0];
    hn(c->b, v[0], n);
    if (n < lens[0])
        ks_buf_printf(c->b, "\n… (%zu more bytes in the case)", lens[0] - n);
    return 0;
}

static int raw(ks_buf *b, ks_store *st, int64_t event_id, ks_err *err)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)event_id);
    const char *p[] = {id};
    raw_ctx c = {b};
    return ks_store_query(st, "SELECT raw FROM events WHERE id = CAST(?1 AS INTEGER)", p, 1, on_raw,
                          &c, err);
}

static int records(ks_buf *b, ks_store *st, const ks_finding *f, const ks_tz *tz, const char *what,
                   ks_err *err)
{
    if (!f->nrefs)
        return 0;
    ks_buf_printf(b, "<details><summary>%s: %lld record(s)%s</summary>", what,
                  (long long)(f->nrefs_total > (int64_t)f->nrefs ? f->nrefs_total : (int64_t)f->nrefs),
                  f->nrefs > REFS_WITH_RAW ? ", the first shown with their raw JSON" : ", with their raw JSON");
    for (size_t i = 0; i < f->nrefs; i++) {
        const ks_ref *r = &f->refs[i];
        ks_buf_puts(b, "<div class=\"rec\"><div class=\"meta mono\">");
        tm(b, r->time, tz);
        ks_buf_puts(b, " · ");
        h(b, r->file);
        if (r->line >= 0)
            ks_buf_printf(b, ":%lld", (long long)r->line);
        if (r->offset >= 0)
            ks_buf_printf(b, " (offset %lld)", (long long)r->offset);
        ks_buf_printf(b, " · event %lld · ", (long long)r->event_id);
        h(b, r->source);
        ks_buf_puts(b, "</div>");
        if (i < REFS_WITH_RAW) {
            ks_buf_puts(b, "<pre>");
            int rc = raw(b, st, r->event_id, err);
            if (rc)
                return rc;
            ks_buf_puts(b, "</pre>");
        }
        ks_buf_puts(b, "</div>");
    }
    ks_buf_puts(b, "</details>");
    return 0;
}

static void chips(ks_buf *b, const ks_entity *const *ents, size_t n)
{
    if (!n)
        return;
    ks_buf_puts(b, "<div class=\"ents\">");
    for (size_t i = 0; i < n; i++) {
        ks_buf_puts(b, "<a class=\"ent\" href=\"#timeline\" data-ent=\"");
        h(b, ents[i]->value);
        ks_buf_printf(b, "\" title=\"show in the timeline\"><b>%s%s%s</b> ", ks_ent_kind_name(ents[i]->kind),
                      ents[i]->role ? " · " : "", ks_ent_role_name(ents[i]->role));
        h(b, ents[i]->value);
        ks_buf_puts(b, "</a>");
    }
    ks_buf_puts(b, "</div>");
}

static int finding_chips(ks_buf *b, const ks_finding *f, ks_err *err)
{
    const ks_entity **v = malloc((f->nents ? f->nents : 1) * sizeof *v);
    if (!v)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < f->nents; i++)
        v[i] = &f->ents[i];
    chips(b, v, f->nents);
    free(v);
    return 0;
}

/* ---- timeline data ---------------------------------------------------------------------- */
typedef struct tl_ctx {
    ks_buf *j; /* the JSON being built */
    const ks_tz *tz;
    ks_strmap *sev; /* event id -> severity + 1 */
    int64_t n, skipped;
    ks_err *err;
    int rc;
} tl_ctx;

static void jstr(ks_buf *b, const char *s, size_t n)
{
    ks_escape_json(b, s ? s : "", s ? n : 0);
}

static int on_tl(void *ctx, int ncols, const char *const *names, const char *const *v,
                 const size_t *lens, const char *types)
{
    tl_ctx *c = ctx;
    if (!v)
        return 0;
    const ks_strmap_ent *s = ks_strmap_find(c->sev, v[0]);
    int sev = s ? (int)s->a - 1 : -1;
    if (c->n >= TIMELINE_MAX && sev < 0) {
        c->skipped++;
        return 0;
    }
    ks_buf *j = c->j;
    int64_t ns = v[1] ? strtoll(v[1], NULL, 10) : KS_TIME_NONE;
    char t1[48], t2[48];
    ks_time_format(ns, NULL, 0, t1, sizeof t1);
    ks_time_format(ns, c->tz, 0, t2, sizeof t2);
    ks_buf_printf(j, "%s[%s,\"%s\",\"%s\"", c->n ? ",\n" : "", v[0], t1, t2);
    for (int k = 2; k <= 8; k++) { /* source actor ip action target outcome region */
        ks_buf_putc(j, ',');
        jstr(j, v[k], lens[k]);
    }
    ks_buf_putc(j, ',');
    ks_buf t;
    ks_buf_init(&t, 1 << 16);
    ks_buf_printf(&t, "%.*s", (int)(lens[9] < 4096 ? lens[9] : 4096), v[9] ? v[9] : "");
    if (v[10])
        ks_buf_printf(&t, ":%s", v[10]);
    jstr(j, t.data ? t.data : "", t.len);
    ks_buf_free(&t);
    ks_buf_printf(j, ",%d,", sev);
    jstr(j, v[11], lens[11] > 2048 ? 2048 : lens[11]);
    ks_buf_putc(j, ']');
    c->n++;
    return 0;
}

/* JSON text made safe inside a <script> element: no '<', '>' or '&' survive. */
static void script_safe(ks_buf *b, const ks_buf *j)
{
    for (size_t i = 0; i < j->len; i++) {
        char ch = j->data[i];
        if (ch == '<')
            ks_buf_puts(b, "\\u003c");
        else if (ch == '>')
            ks_buf_puts(b, "\\u003e");
        else if (ch == '&')
            ks_buf_puts(b, "\\u0026");
        else
            ks_buf_putc(b, ch);
    }
}

static int timeline(ks_buf *b, const ks_report *r, ks_store *st, const ks_tz *tz, ks_err *err)
{
    ks_strmap sev;
    ks_strmap_init(&sev);
    ks_buf j;
    ks_buf_init(&j, (size_t)1 << 30);
    int rc = 0;
    char id[32];
    for (size_t i = 0; i < r->findings.n; i++) {
        const ks_finding *f = r->findings.v[i];
        for (size_t k = 0; k < f->nrefs; k++) {
            snprintf(id, sizeof id, "%lld", (long long)f->refs[k].event_id);
            ks_strmap_ent *e = ks_strmap_get(&sev, id, err);
            if (!e) {
                rc = err->code ? err->code : KS_ENOMEM;
                goto done;
            }
            if ((int64_t)f->sev + 1 > e->a)
                e->a = (int64_t)f->sev + 1;
        }
    }
    tl_ctx c = {&j, tz, &sev, 0, 0, err, 0};
    ks_buf_puts(&j, "{\"tz\":");
    if (tz)
        jstr(&j, ks_tz_name(tz), strlen(ks_tz_name(tz)));
    else
        ks_buf_puts(&j, "null");
    ks_buf_puts(&j, ",\"rows\":[\n");
    if ((rc = ks_store_query(st, "SELECT id, time_ns, source, actor, src_ip, action, target, outcome, "
                             "region, file, line, message FROM events WHERE error IS NULL AND "
                             "time_ns IS NOT NULL ORDER BY time_ns, id", NULL, 0, on_tl, &c, err)))
        goto done;
    ks_buf_printf(&j, "],\"omitted\":%lld}", (long long)c.skipped);
    ks_buf_puts(b, "<section id=\"timeline\"><h2>Timeline</h2>"
                   "<p class=\"nojs\">The interactive timeline needs JavaScript.</p>"
                   "<div class=\"controls\"><label>Text <input id=\"f-q\" type=\"search\" placeholder=\"any field\"></label>"
                   "<label>Source <select id=\"f-src\"><option value=\"\">all</option></select></label>"
                   "<label>Severity at least <select id=\"f-sev\"><option value=\"\">any (all events)</option>"
                   "<option value=\"info\">in a finding</option><option value=\"low\">low</option>"
                   "<option value=\"medium\">medium</option><option value=\"high\">high</option>"
                   "<option value=\"critical\">critical</option></select></label>"
                   "<label>Entity <input id=\"f-ent\" type=\"search\" placeholder=\"ip, principal, key...\"></label>"
                   "<label>Times <select id=\"f-tz\"><option value=\"utc\">UTC</option></select></label>"
                   "<span id=\"tl-count\" class=\"meta\"></span></div>");
    if (c.skipped)
        ks_buf_printf(b, "<p class=\"meta\">%lld events not in any finding are left out (the timeline "
                      "holds at most %d); use <code>kanshiki timeline</code> for all of them.</p>",
                      (long long)c.skipped, TIMELINE_MAX);
    ks_buf_puts(b, "<div class=\"tlwrap\"><table id=\"tl\"><thead><tr><th>Time</th><th>Source</th>"
                   "<th>Actor</th><th>Source IP</th><th>Action</th><th>Target</th><th>Outcome</th>"
                   "<th>Region</th><th>Severity</th><th>Record</th></tr></thead><tbody id=\"tl-body\">"
                   "</tbody></table></div></section>\n<script type=\"application/json\" id=\"ks-data\">");
    script_safe(b, &j);
    ks_buf_puts(b, "</script>\n");
done:
    ks_strmap_free(&sev);
    ks_buf_free(&j);
    return rc;
}

/* ---- entity table ------------------------------------------------------------------------ */
typedef struct ent_row {
    const ks_entity *e;
    ks_buf roles, findings;
    int64_t first;
} ent_row;

static int entity_table(ks_buf *b, const ks_report *r, const ks_tz *tz, ks_err *err)
{
    ks_strmap m;
    ks_strmap_init(&m);
    ent_row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    char key[4096];
    for (size_t i = 0; i < r->findings.n; i++) {
        const ks_finding *f = r->findings.v[i];
        for (size_t k = 0; k < f->nents; k++) {
            const ks_entity *e = &f->ents[k];
            snprintf(key, sizeof key, "%d|%s", (int)e->kind, e->value);
            ks_strmap_ent *s = ks_strmap_get(&m, key, err);
            if (!s) {
                rc = err->code ? err->code : KS_ENOMEM;
                goto done;
            }
            if (!s->a) {
                if (n == cap) {
                    size_t nc = cap ? cap * 2 : 64;
                    ent_row *nr = realloc(rows, nc * sizeof *nr);
                    if (!nr) {
                        rc = KS_ERR(err, KS_ENOMEM, "out of memory");
                        goto done;
                    }
                    rows = nr;
                    cap = nc;
                }
                s->a = (int64_t)++n;
                ent_row *er = &rows[n - 1];
                er->e = e;
                ks_buf_init(&er->roles, 1 << 16);
                ks_buf_init(&er->findings, 1 << 16);
                er->first = f->first_seen;
            }
            ent_row *er = &rows[s->a - 1];
            const char *role = ks_ent_role_name(e->role);
            if (role[0] && (!er->roles.data || !strstr(er->roles.data, role)))
                ks_buf_printf(&er->roles, "%s%s", er->roles.len ? ", " : "", role);
            char fl[32];
            snprintf(fl, sizeof fl, "#f-%zu\"", i + 1);
            if (!er->findings.data || !strstr(er->findings.data, fl))
                ks_buf_printf(&er->findings, "<a href=\"#f-%zu\">%zu</a> ", i + 1, i + 1);
            if (f->first_seen != KS_TIME_NONE && (er->first == KS_TIME_NONE || f->first_seen < er->first))
                er->first = f->first_seen;
        }
    }
    ks_buf_puts(b, "<section id=\"entities\"><h2>Entities</h2><table><thead><tr><th>Kind</th><th>Value</th>"
                   "<th>Roles</th><th>Findings</th><th>First seen</th></tr></thead><tbody>");
    for (int k = 0; k < KS_ENT_NKINDS; k++)
        for (size_t i = 0; i < n; i++) {
            if ((int)rows[i].e->kind != k)
                continue;
            ks_buf_printf(b, "<tr><td>%s</td><td class=\"mono\"><a class=\"ent\" href=\"#timeline\" data-ent=\"",
                          ks_ent_kind_name(rows[i].e->kind));
            h(b, rows[i].e->value);
            ks_buf_puts(b, "\">");
            h(b, rows[i].e->value);
            ks_buf_printf(b, "</a></td><td>%s</td><td>%s</td><td>", rows[i].roles.data ? rows[i].roles.data : "",
                          rows[i].findings.data ? rows[i].findings.data : "");
            tm(b, rows[i].first, tz);
            ks_buf_puts(b, "</td></tr>");
        }
    ks_buf_puts(b, "</tbody></table></section>\n");
done:
    for (size_t i = 0; i < n; i++) {
        ks_buf_free(&rows[i].roles);
        ks_buf_free(&rows[i].findings);
    }
    free(rows);
    ks_strmap_free(&m);
    return rc;
}

/* ---- the page ----------------------------------------------------------------------------- */
int ks_report_write_html(const ks_report *r, ks_store *st, const ks_tz *tz, ks_buf *b, ks_err *err)
{
    int rc = 0;
    ks_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"");
    if ((rc = ks_report_html_csp(b, err)))
        return rc;
    ks_buf_puts(b, "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<meta name=\"referrer\" content=\"no-referrer\"><title>kanshiki report — ");
    h(b, r->case_dir);
    ks_buf_printf(b, "</title>\n<style>%s</style></head><body>\n<header><h1>kanshiki report</h1><p>Case ",
                  ks_report_css);
    h(b, r->case_dir);
    ks_buf_puts(b, " · generated ");
    tm(b, r->generated, tz);
    ks_buf_printf(b, "</p><p>%lld events", (long long)r->nevents);
    if (r->first_event == KS_TIME_NONE && r->last_event == KS_TIME_NONE) {
        ks_buf_puts(b, ", none with a recorded time");
    } else {
        ks_buf_puts(b, " from ");
        span(b, r->first_event, r->last_event, tz);
    }
    ks_buf_puts(b, " · times in UTC");
    if (tz) {
        ks_buf_puts(b, " and ");
        h(b, ks_tz_name(tz));
    }
    ks_buf_puts(b, "</p></header>\n<nav><a href=\"#answers\">Answers</a><a href=\"#chains\">Attack chains</a>"
                   "<a href=\"#findings\">Findings</a><a href=\"#entities\">Entities</a>"
                   "<a href=\"#timeline\">Timeline</a><a href=\"#sources\">Sources</a>"
                   "<a href=\"#evidence\">Evidence</a></nav>\n<main>\n");

    /* answers */
    ks_buf_puts(b, "<section id=\"answers\"><h2>Answers</h2>");
    for (int i = 0; i < KS_ANS_N; i++) {
        const ks_report_answer *a = &r->ans[i];
        ks_buf_printf(b, "<div class=\"card answer\" id=\"a-%s\"><h3>", a->key);
        h(b, a->question);
        ks_buf_puts(b, "</h3><p>");
        h(b, a->ev->explanation);
        ks_buf_puts(b, "</p>");
        if (a->nitems) {
            ks_buf_puts(b, "<ol class=\"actions\">");
            for (size_t k = 0; k < a->nitems; k++) {
                ks_buf_puts(b, "<li><span class=\"phase\">");
                h(b, a->items[k].phase);
                ks_buf_puts(b, "</span> ");
                h(b, a->items[k].text);
                ks_buf_puts(b, "</li>");
            }
            ks_buf_puts(b, "</ol>");
        }
        if ((rc = finding_chips(b, a->ev, err)) || (rc = records(b, st, a->ev, tz, "Evidence", err)))
            return rc;
        ks_buf_puts(b, "</div>\n");
    }
    ks_buf_puts(b, "</section>\n");

    /* chains */
    ks_buf_puts(b, "<section id=\"chains\"><h2>Attack chains</h2>");
    if (!r->chains.n)
        ks_buf_puts(b, "<p>No findings of medium severity or above correlate into a chain.</p>");
    for (size_t ci = 0; ci < r->chains.n; ci++) {
        const ks_chain *c = &r->chains.v[ci];
        ks_buf_printf(b, "<div class=\"card chain %s\"><h3><span class=\"sev %s\">%s</span>Chain %zu · ",
                      ks_sev_name(c->sev), ks_sev_name(c->sev), ks_sev_name(c->sev), ci + 1);
        h(b, c->layers);
        ks_buf_puts(b, "</h3><p class=\"meta\">");
        if (c->first != KS_TIME_NONE || c->last != KS_TIME_NONE)
            ks_buf_puts(b, "From ");
        span(b, c->first, c->last, tz);
        if (c->first_ref) {
            ks_buf_puts(b, " · first attacker record ");
            h(b, c->first_ref->file);
            if (c->first_ref->line >= 0)
                ks_buf_printf(b, ":%lld", (long long)c->first_ref->line);
        }
        ks_buf_puts(b, "</p><ol>");
        for (size_t k = 0; k < c->n; k++) {
            const ks_finding *f = r->findings.v[c->members[k]];
            ks_buf_puts(b, "<li>");
            tm(b, f->first_seen, tz);
            ks_buf_printf(b, " <span class=\"sev %s\">%s</span><a href=\"#f-%zu\">", ks_sev_name(f->sev),
                          ks_sev_name(f->sev), c->members[k] + 1);
            h(b, f->title);
            ks_buf_puts(b, "</a></li>");
        }
        ks_buf_puts(b, "</ol><table><tbody>");
        for (int s = 0; s < KS_SCOPE_N; s++) {
            if (!c->scope[s].n)
                continue;
            ks_buf_printf(b, "<tr><th>%s</th><td>", ks_scope_name(s));
            chips(b, c->scope[s].v, c->scope[s].n);
            ks_buf_puts(b, "</td></tr>");
        }
        ks_buf_puts(b, "</tbody></table></div>\n");
    }
    ks_buf_puts(b, "</section>\n");

    /* findings */
    ks_buf_puts(b, "<section id=\"findings\"><h2>Findings</h2>");
    if (!r->findings.n)
        ks_buf_puts(b, "<p>No findings.</p>");
    for (size_t i = 0; i < r->findings.n; i++) {
        const ks_finding *f = r->findings.v[i];
        ks_buf_printf(b, "<article class=\"card finding %s\" id=\"f-%zu\"><h3><span class=\"sev %s\">%s</span>%zu. ",
                      ks_sev_name(f->sev), i + 1, ks_sev_name(f->sev), ks_sev_name(f->sev), i + 1);
        h(b, f->title);
        ks_buf_puts(b, "</h3><p class=\"meta\">");
        h(b, f->analyzer);
        ks_buf_puts(b, " · ");
        h(b, f->layer);
        ks_buf_printf(b, " · %lld record(s) · ", (long long)f->nrefs_total);
        span(b, f->first_seen, f->last_seen, tz);
        if (r->chains.chain_of && r->chains.chain_of[i] >= 0)
            ks_buf_printf(b, " · <a href=\"#chains\">chain %d</a>", r->chains.chain_of[i] + 1);
        ks_buf_puts(b, "</p><p>");
        h(b, f->explanation);
        ks_buf_puts(b, "</p>");
        if ((rc = finding_chips(b, f, err)) || (rc = records(b, st, f, tz, "Records", err)))
            return rc;
        ks_buf_puts(b, "</article>\n");
    }
    ks_buf_puts(b, "</section>\n");

    if ((rc = entity_table(b, r, tz, err)) || (rc = timeline(b, r, st, tz, err)))
        return rc;

    /* sources and evidence */
    ks_buf_puts(b, "<section id=\"sources\"><h2>Sources</h2><table><thead><tr><th>Source type</th><th>Files</th>"
                   "<th>Records</th><th>Records that failed to parse</th></tr></thead><tbody>");
    for (size_t i = 0; i < r->nsources; i++) {
        ks_buf_puts(b, "<tr><td>");
        h(b, r->sources[i].type);
        ks_buf_printf(b, "</td><td>%lld</td><td>%lld</td><td>%lld</td></tr>", (long long)r->sources[i].files,
                      (long long)r->sources[i].records, (long long)r->sources[i].errors);
    }
    ks_buf_puts(b, "</tbody></table></section>\n<section id=\"evidence\"><h2>Evidence</h2><table><thead><tr>"
                   "<th>File</th><th>SHA-256 (on-disk file)</th><th>Size</th><th>Source</th><th>Status</th>"
                   "<th>Records</th><th>Errors</th></tr></thead><tbody>");
    for (size_t i = 0; i < r->nevidence; i++) {
        const ks_report_evidence *e = &r->evidence[i];
        ks_buf_puts(b, "<tr><td class=\"mono\">");
        h(b, e->path);
        ks_buf_puts(b, "</td><td class=\"mono\">");
        h(b, e->sha256);
        ks_buf_printf(b, "</td><td>%lld</td><td>", (long long)e->size);
        h(b, e->source);
        ks_buf_puts(b, "</td><td>");
        h(b, e->status);
        if (e->note[0]) {
            ks_buf_puts(b, " (");
            h(b, e->note);
            ks_buf_puts(b, ")");
        }
        ks_buf_printf(b, "</td><td>%lld</td><td>%lld</td></tr>", (long long)e->records, (long long)e->errors);
    }
    ks_buf_puts(b, "</tbody></table>");
    if (r->evidence_total > (int64_t)r->nevidence)
        ks_buf_printf(b, "<p class=\"meta\">%lld more files are in the case (table evidence).</p>",
                      (long long)(r->evidence_total - (int64_t)r->nevidence));
    if (ks_buf_printf(b, "</section>\n</main>\n<script>%s</script>\n</body></html>\n", ks_report_js) != 0)
        return KS_ERR(err, KS_ELIMIT, "report.html larger than the output limit");
    return 0;
}
