/* registry.c — the list of parsers and content sniffing. Add a parser here and nowhere else. */
#include <string.h>

#include "parsers/parser.h"
#include "parsers/registry_list.h"

static const ks_parser *const all[] = {
#define KS_PARSER_ENTRY(sym) &sym,
    KS_PARSER_LIST
#undef KS_PARSER_ENTRY
    NULL,
};

const ks_parser *const *ks_parsers_all(void)
{
    return all;
}

const ks_parser *ks_parser_find(const char *name)
{
    for (const ks_parser *const *p = all; *p; p++)
        if (!strcmp((*p)->name, name))
            return *p;
    return NULL;
}

const ks_parser *ks_parser_sniff(const uint8_t *head, size_t n, const char *name, int *out_score)
{
    const ks_parser *best = NULL;
    int best_score = 0;
    for (const ks_parser *const *p = all; *p; p++) {
        if (!(*p)->sniff)
            continue;
        int s = (*p)->sniff(head, n, name);
        if (s > best_score) {
            best_score = s;
            best = *p;
        }
    }
    if (out_score)
        *out_score = best_score;
    return best_score >= 50 ? best : NULL;
}

const char *ks_parse_opt(const ks_parse_opts *o, const char *key)
{
    if (!o)
        return NULL;
    for (size_t i = o->n; i-- > 0;)
        if (!strcmp(o->keys[i], key))
            return o->vals[i];
    return NULL;
}
