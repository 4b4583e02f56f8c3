/* Unit tests of the findings model, correlation, the store side of findings and the
 * report's CSP. */
#include <stdlib.h>
#include <string.h>

#include "analysis/chain.h"
#include "analysis/ct_events.h"
#include "analysis/finding.h"
#include "analysis/finding_io.h"
#include "analysis/strmap.h"
#include "core/time.h"
#include "ktest.h"
#include "report/report.h"

static ks_finding *mk(ks_findings *fs, ks_sev sev, int64_t t, const char *key, const char *ip,
                      const char *region)
{
    ks_finding *f = NULL;
    ks_err err;
    ks_err_clear(&err);
    if (ks_findings_add(fs, "test", "cloud", sev, &f, &err))
        return NULL;
    ks_ref r = {t, t * 1000000000LL, "cloudtrail", "f.json", t, 0};
    ks_finding_ref(f, &r, &err);
    if (key)
        ks_finding_entity(f, KS_ENT_ACCESS_KEY, KS_ROLE_CREDENTIAL, key, strlen(key), &err);
    if (ip)
        ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, ip, strlen(ip), &err);
    if (region)
        ks_finding_entity(f, KS_ENT_REGION, KS_ROLE_TARGET, region, strlen(region), &err);
    return f;
}

KTEST(test_finding_entity_ignores_duplicates_and_empty_values)
{
    ks_findings fs;
    ks_findings_init(&fs);
    ks_finding *f = mk(&fs, KS_SEV_LOW, 1, "AKIA1", "192.0.2.1", NULL);
    KT_REQUIRE(f);
    ks_err err;
    ks_err_clear(&err);
    KT_EQ_INT(ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, "192.0.2.1", 9, &err), 0);
    KT_EQ_INT(ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, "", 0, &err), 0);
    KT_EQ_INT(f->nents, 2);
    KT_EQ_INT(ks_finding_entity(f, KS_ENT_IP, KS_ROLE_TARGET, "192.0.2.1", 9, &err), 0);
    KT_EQ_INT(f->nents, 3); /* another role is another entity */
    KT_CHECK(ks_finding_has_entity(f, KS_ENT_ACCESS_KEY, "AKIA1"));
    KT_CHECK(!ks_finding_has_entity(f, KS_ENT_PRINCIPAL, "AKIA1"));
    ks_findings_free(&fs);
}

KTEST(test_finding_ref_counts_an_event_once_and_widens_the_span)
{
    ks_findings fs;
    ks_findings_init(&fs);
    ks_finding *f = mk(&fs, KS_SEV_LOW, 10, NULL, NULL, NULL);
    KT_REQUIRE(f);
    ks_err err;
    ks_err_clear(&err);
    ks_ref again = {10, 10 * 1000000000LL, "cloudtrail", "f.json", 10, 0};
    ks_ref later = {11, 20 * 1000000000LL, "cloudtrail", "g.json", 3, 7};
    ks_ref earlier = {12, 5 * 1000000000LL, "cloudtrail", "h.json", 1, 0};
    ks_finding_ref(f, &again, &err);
    ks_finding_ref(f, &later, &err);
    ks_finding_ref(f, &earlier, &err);
    KT_EQ_INT(f->nrefs, 3);
    KT_EQ_INT(f->nrefs_total, 3);
    KT_EQ_INT(f->first_seen, 5 * 1000000000LL);
    KT_EQ_INT(f->last_seen, 20 * 1000000000LL);
    KT_EQ_STR(f->refs[1].file, "g.json");
    ks_findings_free(&fs);
}

KTEST(test_chain_links_through_shared_key_and_ip_but_not_region)
{
    ks_findings fs;
    ks_findings_init(&fs);
    mk(&fs, KS_SEV_CRITICAL, 100, "ASIA1", "203.0.113.9", "ap-northeast-1"); /* 0 */
    mk(&fs, KS_SEV_HIGH, 200, "AKIA2", "203.0.113.9", "us-east-1");          /* 1: same ip */
    mk(&fs, KS_SEV_HIGH, 300, "AKIA2", "203.0.113.10", "eu-west-1");         /* 2: same key as 1 */
    mk(&fs, KS_SEV_MEDIUM, 50, "AKIA3", "198.51.100.1", "us-east-1");        /* 3: region only */
    mk(&fs, KS_SEV_LOW, 60, "AKIA4", "198.51.100.2", NULL);                  /* 4: low alone */
    ks_findings_sort(&fs);
    ks_chains c;
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(ks_chains_build(&fs, &c, &err) == 0);
    KT_EQ_INT(c.n, 2); /* {3} (medium, alone) and {0,1,2}; the low one is in none */
    KT_EQ_INT(c.v[0].n, 1);
    KT_EQ_INT(c.v[0].first, 50 * 1000000000LL);
    KT_EQ_INT(c.v[1].n, 3);
    KT_EQ_INT(c.v[1].sev, KS_SEV_CRITICAL);
    KT_EQ_INT(c.v[1].first, 100 * 1000000000LL);
    KT_EQ_INT(c.v[1].first_ref->event_id, 100);
    KT_EQ_INT(c.v[1].scope[KS_SCOPE_CREDENTIALS].n, 2);
    KT_EQ_INT(c.v[1].scope[KS_SCOPE_SOURCES].n, 2);
    KT_EQ_STR(c.v[1].layers, "cloud");
    int low = -2;
    for (size_t i = 0; i < fs.n; i++)
        if (fs.v[i]->sev == KS_SEV_LOW)
            low = c.chain_of[i];
    KT_EQ_INT(low, -1);
    ks_chains_free(&c);
    ks_findings_free(&fs);
}

KTEST(test_chain_orders_layers_web_host_cloud_database)
{
    ks_findings fs;
    ks_findings_init(&fs);
    ks_err err;
    ks_err_clear(&err);
    const char *layers[] = {"database", "cloud", "web", "host"};
    for (int i = 0; i < 4; i++) {
        ks_finding *f = NULL;
        KT_REQUIRE(ks_findings_add(&fs, "t", layers[i], KS_SEV_HIGH, &f, &err) == 0);
        ks_finding_entity(f, KS_ENT_IP, KS_ROLE_SOURCE, "203.0.113.5", 11, &err);
    }
    ks_chains c;
    KT_REQUIRE(ks_chains_build(&fs, &c, &err) == 0);
    KT_EQ_INT(c.n, 1);
    KT_EQ_STR(c.v[0].layers, "web -> host -> cloud -> database");
    ks_chains_free(&c);
    ks_findings_free(&fs);
}

KTEST(test_findings_remove_keeps_order)
{
    ks_findings fs;
    ks_findings_init(&fs);
    mk(&fs, KS_SEV_LOW, 1, NULL, NULL, NULL);
    mk(&fs, KS_SEV_LOW, 2, NULL, NULL, NULL);
    mk(&fs, KS_SEV_LOW, 3, NULL, NULL, NULL);
    ks_findings_remove(&fs, 1);
    KT_EQ_INT(fs.n, 2);
    KT_EQ_INT(fs.v[1]->first_seen, 3 * 1000000000LL);
    ks_findings_free(&fs);
}

KTEST(test_ct_address_and_network)
{
    char net[64];
    KT_CHECK(ks_ct_is_ip("203.0.113.7"));
    KT_CHECK(ks_ct_is_ip("2001:db8::1"));
    KT_CHECK(!ks_ct_is_ip("ec2.amazonaws.com"));
    KT_CHECK(!ks_ct_is_ip("AWS Internal"));
    KT_CHECK(!ks_ct_is_ip("1.2.3"));
    ks_ct_network("203.0.113.7", net, sizeof net);
    KT_EQ_STR(net, "203.0.113.0/24");
    ks_ct_network("2001:db8:dead:beef::17", net, sizeof net);
    KT_EQ_STR(net, "2001:db8:dead::/48");
}

KTEST(test_strmap_grows_and_finds)
{
    ks_strmap m;
    ks_strmap_init(&m);
    ks_err err;
    ks_err_clear(&err);
    char k[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(k, sizeof k, "key%d", i);
        ks_strmap_ent *e = ks_strmap_get(&m, k, &err);
        KT_REQUIRE(e);
        e->a = i;
    }
    KT_EQ_INT(m.n, 1000);
    KT_EQ_INT(ks_strmap_find(&m, "key777")->a, 777);
    KT_CHECK(!ks_strmap_find(&m, "key1000"));
    ks_strmap_free(&m);
}

KTEST(test_findings_saved_and_loaded_through_the_store)
{
    ks_store *st = NULL;
    ks_err err;
    ks_err_clear(&err);
    KT_REQUIRE(ks_store_open_memory(&st, &err) == 0);
    ks_findings fs, back;
    ks_findings_init(&fs);
    ks_findings_init(&back);
    ks_finding *f = mk(&fs, KS_SEV_HIGH, 7, "AKIA'; DROP TABLE findings;--", "192.0.2.9", NULL);
    KT_REQUIRE(f);
    ks_finding_set_text(f, "title <b>", "why", &err);
    KT_EQ_INT(ks_findings_save(st, &fs, NULL, &err), 0);
    bool saved = false;
    KT_EQ_INT(ks_findings_load(st, &back, &saved, &err), 0);
    KT_CHECK(saved);
    KT_REQUIRE(back.n == 1);
    KT_EQ_STR(back.v[0]->title, "title <b>");
    KT_EQ_INT(back.v[0]->sev, KS_SEV_HIGH);
    KT_EQ_INT(back.v[0]->first_seen, 7 * 1000000000LL);
    KT_CHECK(ks_finding_has_entity(back.v[0], KS_ENT_ACCESS_KEY, "AKIA'; DROP TABLE findings;--"));
    /* saving again replaces */
    KT_EQ_INT(ks_findings_save(st, &fs, NULL, &err), 0);
    ks_findings_free(&back);
    ks_findings_init(&back);
    KT_EQ_INT(ks_findings_load(st, &back, &saved, &err), 0);
    KT_EQ_INT(back.n, 1);
    ks_findings_free(&back);
    ks_findings_free(&fs);
    ks_store_close(st);
}

KTEST(test_report_csp_allows_only_hashed_script_and_style)
{
    ks_buf b;
    ks_buf_init(&b, 1 << 16);
    ks_err err;
    ks_err_clear(&err);
    KT_EQ_INT(ks_report_html_csp(&b, &err), 0);
    KT_REQUIRE(b.data);
    KT_CHECK(!strncmp(b.data, "default-src 'none'; script-src 'sha256-", 39));
    KT_CHECK(strstr(b.data, "; style-src 'sha256-") != NULL);
    KT_CHECK(strstr(b.data, "unsafe") == NULL);
    /* base64 of 32 bytes is 44 characters ending in '=' */
    const char *s = strstr(b.data, "'sha256-") + 8;
    KT_EQ_INT(strchr(s, '\'') - s, 44);
    KT_CHECK(s[43] == '=');
    ks_buf_free(&b);
}
