/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the catalog loader (scanner/catalog/catalog_load.c): the built-in default
 * catalog, every validation error with its exact FILE:LINE:COLUMN, folder
 * loading, keys (never shown), and delist URLs.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scanner/catalog/catalog.h"
#include "scanner/core/err.h"

/* The n-th test point with the given expectation, in catalog order. */
static const char *tp_at(const struct list_entry *e, bool listed, size_t n)
{
    for (size_t i = 0; i < e->ntps; i++)
        if (e->tps[i].listed == listed && n-- == 0)
            return e->tps[i].point;
    return "(none)";
}

static size_t tp_count(const struct list_entry *e, bool listed)
{
    size_t n = 0;
    for (size_t i = 0; i < e->ntps; i++)
        n += e->tps[i].listed == listed;
    return n;
}

static int load(const char *yaml, struct list_catalog **c, struct scan_diag *err)
{
    return list_catalog_load_buf("t.yaml", yaml, strlen(yaml), c, err);
}

static struct list_catalog *load_default(void)
{
    struct list_catalog *c = NULL;
    struct scan_diag err = {0};
    int ret =
        list_catalog_load_buf("default.yaml", list_default_yaml, list_default_yaml_len, &c, &err);
    cr_assert_eq(ret, 0, "default catalog: %d %s", ret, err.msg);
    return c;
}

/* ------------------------------------------------------------------ default */

Test(catalog, default_loads_and_validates)
{
    struct list_catalog *c = load_default();
    cr_assert_gt(list_catalog_count(c), 40);
    for (size_t i = 0; i < list_catalog_count(c); i++) {
        const struct list_entry *e = list_catalog_get(c, i);
        cr_assert_not_null(e);
        cr_expect_str_eq(e->file, "default.yaml");
        cr_expect_gt(e->line, 0);
        cr_expect_eq(e->zone, e->zone_template, "%s: zone is the template as written", e->id);
        cr_expect_eq(list_catalog_find(c, e->id), e, "%s", e->id);
        cr_expect_eq(list_catalog_find(c, e->zone), e, "%s", e->zone);
        if (e->dead)
            continue;
        cr_expect_gt(e->ncodes, 0, "%s: an active default list documents its codes", e->id);
        cr_expect(e->rate > 0, "%s: public lists are queried politely", e->id);
        /* Health, kind by kind: every kind has a negative point (a list that answers
         * everything, or a refusal, is caught), and a positive point or a note
         * saying why there is none. */
        for (unsigned kind = LIST_KIND_IP4; kind <= LIST_KIND_DOMAIN; kind <<= 1) {
            size_t pos = 0, neg = 0;
            for (size_t k = 0; k < e->ntps; k++) {
                cr_expect(e->tps[k].kind & e->kinds, "%s: a point of a kind it serves", e->id);
                if (e->tps[k].kind == kind && e->tps[k].listed)
                    pos++;
                else if (e->tps[k].kind == kind)
                    neg++;
            }
            const char *note = e->tp_note[list_kind_index(kind)];
            if (!(e->kinds & kind)) {
                cr_expect_eq(pos + neg, 0, "%s", e->id);
                cr_expect_null(note, "%s", e->id);
                continue;
            }
            cr_expect_gt(neg, 0, "%s %s: has a negative test point", e->id, list_kind_word(kind));
            cr_expect(pos > 0 || note, "%s %s: a positive test point or a note", e->id,
                      list_kind_word(kind));
        }
    }
    cr_assert_null(list_catalog_get(c, list_catalog_count(c)));
    list_catalog_free(c);
}

Test(catalog, default_has_the_required_lists)
{
    static const char *const zones[] = {
        "zen.spamhaus.org",
        "dbl.spamhaus.org",
        "{key}.zen.dq.spamhaus.net",
        "{key}.dbl.dq.spamhaus.net",
        "{key}.zrd.dq.spamhaus.net",
        "{key}.authbl.dq.spamhaus.net",
        "b.barracudacentral.org",
        "bl.spamcop.net",
        "psbl.surriel.com",
        "bl.mailspike.net",
        "dnsbl-1.uceprotect.net",
        "dnsbl-2.uceprotect.net",
        "dnsbl-3.uceprotect.net",
        "ips.backscatterer.org",
        "all.spamrats.com",
        "dnsbl.dronebl.org",
        "bl.spameatingmonkey.net",
        "multi.surbl.org",
        "multi.uribl.com",
        "list.dnswl.org",
        /* added from catalog-truth.md section 5 */
        "{key}.sbl.dq.spamhaus.net",
        "{key}.xbl.dq.spamhaus.net",
        "{key}.pbl.dq.spamhaus.net",
        "{key}.sbl-xbl.dq.spamhaus.net",
        "z.mailspike.net",
        "rep.mailspike.net",
        "wl.mailspike.net",
        "bl.ipv6.spameatingmonkey.net",
        "backscatter.spameatingmonkey.net",
        "uribl.spameatingmonkey.net",
        "fresh15.spameatingmonkey.net",
        "{key}.combined.mail.abusix.zone",
        "{key}.black.mail.abusix.zone",
        "{key}.exploit.mail.abusix.zone",
        "{key}.dynamic.mail.abusix.zone",
        "{key}.dblack.mail.abusix.zone",
        "bl.nordspam.com",
        "dbl.nordspam.com",
        "all.s5h.net",
        "bl.0spam.org",
        "nbl.0spam.org",
        "rbl.0spam.org",
        "bl.blocklist.de",
    };
    struct list_catalog *c = load_default();
    for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        const struct list_entry *e = list_catalog_find(c, zones[i]);
        cr_expect_not_null(e, "%s missing", zones[i]);
        if (e)
            cr_expect(!e->dead, "%s must be active", zones[i]);
    }
    list_catalog_free(c);
}

Test(catalog, default_dead_tombstones)
{
    static const char *const zones[] = {
        "dnsbl.sorbs.net",
        "spam.dnsbl.sorbs.net",
        "new.spam.dnsbl.sorbs.net",
        "recent.spam.dnsbl.sorbs.net",
        "ix.dnsbl.manitu.net",
        "dnsbl.ahbl.org",
        "rhsbl.ahbl.org",
        "ircbl.ahbl.org",
        "bl.spamcannibal.org",
        "spam.dnsbl.anonmails.de",
        "spamtrap.drbl.drand.net",
        "sbl.spamdown.org",
        "dnsbl.madavi.de",
        "cbl.abuseat.org",
        "list.dsbl.org",
        "db.wpbl.info",
        "virbl.bit.nl",
        "bl.score.senderscore.com",
        "score.senderscore.com",
        "cidr.bl.mcafee.com",
        "ubl.unsubscore.com",
        "spamrbl.imp.ch",
        "wormrbl.imp.ch",
    };
    struct list_catalog *c = load_default();
    size_t sorbs = 0;
    for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        const struct list_entry *e = list_catalog_find(c, zones[i]);
        cr_expect_not_null(e, "%s missing", zones[i]);
        if (!e)
            continue;
        cr_expect(e->dead, "%s must be dead", zones[i]);
        cr_expect_not_null(e->dead_since, "%s", zones[i]);
        cr_expect_not_null(e->dead_reason, "%s", zones[i]);
    }
    for (size_t i = 0; i < list_catalog_count(c); i++)
        if (strstr(list_catalog_get(c, i)->zone, "sorbs.net"))
            sorbs++;
    cr_expect_geq(sorbs, 4);
    const struct list_entry *e = list_catalog_find(c, "dnsbl.sorbs.net");
    cr_expect_str_eq(e->dead_since, "2024-06-05");
    e = list_catalog_find(c, "rhsbl.ahbl.org");
    cr_expect_eq(e->kinds, LIST_KIND_DOMAIN);
    cr_expect_str_eq(e->dead_since, "2015-01-01");
    list_catalog_free(c);
}

Test(catalog, default_access_modes_and_limits)
{
    struct list_catalog *c = load_default();
    const struct list_entry *e;

    e = list_catalog_find(c, "zen.spamhaus.org");
    cr_expect_eq(e->access, LIST_ACCESS_FREE);
    cr_expect_eq(e->kinds, LIST_KIND_IP4 | LIST_KIND_IP6);
    cr_expect_eq(e->daily_limit, 300000);
    cr_expect(e->txt);

    static const char *const dqs[] = {
        "spamhaus-zen-dqs", "spamhaus-dbl-dqs", "spamhaus-zrd-dqs", "spamhaus-authbl-dqs",
        "spamhaus-sbl-dqs", "spamhaus-xbl-dqs", "spamhaus-pbl-dqs", "spamhaus-sbl-xbl-dqs"};
    for (size_t i = 0; i < sizeof(dqs) / sizeof(dqs[0]); i++) {
        e = list_catalog_find(c, dqs[i]);
        cr_assert_not_null(e, "%s", dqs[i]);
        cr_expect_eq(e->access, LIST_ACCESS_KEY);
        cr_expect_str_eq(e->key_env, "SPAMHAUS_DQS_KEY");
        cr_expect_not_null(strstr(e->zone, "{key}."));
        cr_expect_eq(e->daily_limit, 300000);
    }

    e = list_catalog_find(c, "b.barracudacentral.org");
    cr_expect_eq(e->access, LIST_ACCESS_REGISTRATION);
    e = list_catalog_find(c, "bl.mailspike.net");
    cr_expect_eq(e->daily_limit, 100000);
    e = list_catalog_find(c, "list.dnswl.org");
    cr_expect_eq(e->daily_limit, 100000);
    cr_expect(list_is_allowlist(e));
    e = list_catalog_find(c, "bl.spameatingmonkey.net");
    cr_expect(e->rate == 5.0);
    cr_expect_eq(e->daily_limit, 100000);
    e = list_catalog_find(c, "multi.uribl.com");
    cr_expect_eq(e->domain_mode, LIST_DOMAIN_REGISTRABLE);
    cr_expect_eq(e->kinds, LIST_KIND_DOMAIN);
    e = list_catalog_find(c, "dbl.spamhaus.org");
    cr_expect_eq(e->domain_mode, LIST_DOMAIN_ASIS);
    e = list_catalog_find(c, "multi.surbl.org");
    cr_expect_eq(e->domain_mode, LIST_DOMAIN_BOTH);
    static const char *const abusix[] = {"abusix-combined", "abusix-black", "abusix-exploit",
                                         "abusix-dynamic", "abusix-dblack"};
    for (size_t i = 0; i < 5; i++) {
        e = list_catalog_find(c, abusix[i]);
        cr_assert_not_null(e, "%s", abusix[i]);
        cr_expect_eq(e->access, LIST_ACCESS_KEY);
        cr_expect_str_eq(e->key_env, "ABUSIX_API_KEY");
    }
    e = list_catalog_find(c, "bl.nordspam.com");
    cr_expect_eq(e->daily_limit, 10000);
    cr_expect_eq(e->kinds, LIST_KIND_IP4 | LIST_KIND_IP6);
    e = list_catalog_find(c, "bl.ipv6.spameatingmonkey.net");
    cr_expect_eq(e->kinds, LIST_KIND_IP6);
    cr_expect(e->rate == 5.0);
    cr_expect(list_catalog_find(c, "bl.blocklist.de")->informational);
    cr_expect(list_is_allowlist(list_catalog_find(c, "wl.mailspike.net")));

    cr_expect(!list_catalog_find(c, "dnsbl-1.uceprotect.net")->informational);
    cr_expect(list_catalog_find(c, "dnsbl-2.uceprotect.net")->informational);
    cr_expect(list_catalog_find(c, "dnsbl-3.uceprotect.net")->informational);
    list_catalog_free(c);
}

/* The one point of @p kind and expectation @p listed named @p point, or NULL. */
static const struct list_test_point *tp_find(const struct list_entry *e, unsigned kind, bool listed,
                                             const char *point)
{
    for (size_t i = 0; i < e->ntps; i++)
        if (e->tps[i].kind == kind && e->tps[i].listed == listed &&
            strcmp(e->tps[i].point, point) == 0)
            return &e->tps[i];
    return NULL;
}

static size_t tp_kind_count(const struct list_entry *e, unsigned kind, bool listed)
{
    size_t n = 0;
    for (size_t i = 0; i < e->ntps; i++)
        n += e->tps[i].kind == kind && e->tps[i].listed == listed;
    return n;
}

Test(catalog, default_test_points)
{
    struct list_catalog *c = load_default();
    const struct list_test_point *tp;

    /* Spamhaus serves IPv6 but documents no IPv6 test entry: no positive IPv6
     * probe, a negative one, and a note (catalog-truth.md 0.1). */
    static const char *const spamhaus[] = {
        "spamhaus-zen",     "spamhaus-zen-dqs",     "spamhaus-sbl-dqs",   "spamhaus-xbl-dqs",
        "spamhaus-pbl-dqs", "spamhaus-sbl-xbl-dqs", "spamhaus-authbl-dqs"};
    for (size_t i = 0; i < sizeof(spamhaus) / sizeof(spamhaus[0]); i++) {
        const struct list_entry *e = list_catalog_find(c, spamhaus[i]);
        cr_assert_not_null(e, "%s", spamhaus[i]);
        cr_expect_eq(tp_kind_count(e, LIST_KIND_IP6, true), 0, "%s", e->id);
        cr_expect_not_null(tp_find(e, LIST_KIND_IP6, false, "::FFFF:7F00:1"), "%s", e->id);
        cr_expect_str_eq(e->tp_note[1], "no documented IPv6 test entry", "%s", e->id);
        cr_expect_not_null(tp_find(e, LIST_KIND_IP4, false, "127.0.0.1"), "%s", e->id);
    }
    const struct list_entry *e = list_catalog_find(c, "zen.spamhaus.org");
    cr_expect_not_null(tp_find(e, LIST_KIND_IP4, true, "127.0.0.2"));
    cr_expect_null(e->tp_note[0]);
    e = list_catalog_find(c, "spamhaus-xbl-dqs");
    tp = tp_find(e, LIST_KIND_IP4, true, "127.0.0.2");
    cr_assert_not_null(tp);
    cr_expect(tp->has_code && tp->code == 0x7f000004);
    /* AuthBL and ZRD: no documented positive point at all. */
    e = list_catalog_find(c, "spamhaus-authbl-dqs");
    cr_expect_eq(tp_count(e, true), 0);
    cr_expect_not_null(e->tp_note[0]);
    e = list_catalog_find(c, "spamhaus-zrd-dqs");
    cr_expect_eq(tp_count(e, true), 0);
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, false, "INVALID"));
    cr_expect_not_null(e->tp_note[2]);

    /* DBL: TEST and dbltest.com answer 127.0.1.2. */
    e = list_catalog_find(c, "dbl.spamhaus.org");
    tp = tp_find(e, LIST_KIND_DOMAIN, true, "dbltest.com");
    cr_assert_not_null(tp);
    cr_expect(tp->has_code && tp->code == 0x7f000102);
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, true, "TEST"));
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, false, "INVALID"));
    cr_expect_eq(list_catalog_find(c, "spamhaus-dbl-dqs")->ntps, e->ntps);

    /* SURBL and URIBL: their documented points, the reversed 2.0.0.127 as a domain
     * point, and no bare TEST (catalog-truth.md 0.2). */
    e = list_catalog_find(c, "multi.surbl.org");
    cr_expect_eq(tp_count(e, true), 3);
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, true, "test.surbl.org"));
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, true, "surbl-org-permanent-test-point.com"));
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, true, "2.0.0.127"));
    cr_expect_null(tp_find(e, LIST_KIND_DOMAIN, true, "TEST"));
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, false, "INVALID"));
    e = list_catalog_find(c, "multi.uribl.com");
    cr_expect_eq(tp_count(e, true), 2);
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, true, "test.uribl.com"));
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, true, "2.0.0.127"));
    cr_expect_null(tp_find(e, LIST_KIND_DOMAIN, true, "TEST"));

    /* dnswl: 127.0.0.2 and ::2 answer 127.0.10.0; ::1 is not listed. */
    e = list_catalog_find(c, "list.dnswl.org");
    tp = tp_find(e, LIST_KIND_IP6, true, "::2");
    cr_assert_not_null(tp);
    cr_expect(tp->has_code && tp->code == 0x7f000a00);
    cr_expect_not_null(tp_find(e, LIST_KIND_IP6, false, "::1"));
    cr_expect_null(tp_find(e, LIST_KIND_IP6, true, "::FFFF:7F00:2"));
    tp = tp_find(e, LIST_KIND_IP4, true, "127.0.0.2");
    cr_assert_not_null(tp);
    cr_expect(tp->has_code && tp->code == 0x7f000a00);

    /* SEM: its own points for IP and URI lists. */
    e = list_catalog_find(c, "bl.spameatingmonkey.net");
    cr_expect_not_null(tp_find(e, LIST_KIND_IP4, true, "127.0.0.2"));
    cr_expect_not_null(tp_find(e, LIST_KIND_IP4, false, "127.0.0.1"));
    e = list_catalog_find(c, "uribl.spameatingmonkey.net");
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, true, "_DNSBL_.test"));
    cr_expect_not_null(tp_find(e, LIST_KIND_DOMAIN, false, "_DNSBLNEG_.test"));

    /* Every test point of the default catalog makes a query name. */
    for (size_t i = 0; i < list_catalog_count(c); i++) {
        e = list_catalog_get(c, i);
        for (size_t k = 0; k < e->ntps; k++) {
            char q[300];
            cr_expect_eq(list_test_point_qname(&e->tps[k], e->zone, q, sizeof(q)), 0, "%s %s",
                         e->id, e->tps[k].point);
        }
    }
    list_catalog_free(c);
}

Test(catalog, find_is_case_insensitive)
{
    struct list_catalog *c = load_default();
    const struct list_entry *e = list_catalog_find(c, "spamhaus-zen");
    cr_assert_not_null(e);
    cr_expect_eq(list_catalog_find(c, "ZEN.Spamhaus.ORG"), e);
    cr_expect_eq(list_catalog_find(c, "zen.spamhaus.org."), e);
    cr_expect_eq(list_catalog_find(c, "Spamhaus-Zen"), e);
    cr_expect_eq(list_catalog_find(c, "{KEY}.zen.dq.spamhaus.net"),
                 list_catalog_find(c, "spamhaus-zen-dqs"));
    cr_expect_null(list_catalog_find(c, "zen.spamhaus"));
    cr_expect_null(list_catalog_find(c, ""));
    cr_expect_null(list_catalog_find(c, "."));
    cr_expect_null(list_catalog_find(NULL, "zen.spamhaus.org"));
    list_catalog_free(c);
}

/* ------------------------------------------------------------------ schema */

Test(catalog, defaults_of_a_minimal_entry)
{
    struct list_catalog *c;
    struct scan_diag err = {0};
    cr_assert_eq(load("lists:\n  - id: a\n    zone: a.example\n", &c, &err), 0, "%s", err.msg);
    cr_assert_eq(list_catalog_count(c), 1);
    const struct list_entry *e = list_catalog_get(c, 0);
    cr_expect_str_eq(e->id, "a");
    cr_expect_str_eq(e->zone, "a.example");
    cr_expect_eq(e->kinds, LIST_KIND_IP4);
    cr_expect_eq(e->access, LIST_ACCESS_FREE);
    cr_expect_null(e->key_env);
    cr_expect_eq(e->domain_mode, LIST_DOMAIN_ASIS);
    cr_expect(!e->txt);
    cr_expect(!e->informational);
    cr_expect_null(e->delist);
    cr_expect(e->rate == 0);
    cr_expect_eq(e->daily_limit, 0);
    cr_expect_eq(e->ncodes, 0);
    cr_expect(!e->dead);
    cr_expect_eq(tp_count(e, true), 1);
    cr_expect_str_eq(tp_at(e, true, 0), "127.0.0.2");
    cr_expect_str_eq(tp_at(e, false, 0), "127.0.0.1");
    cr_expect_eq(e->line, 2);
    list_catalog_free(c);
}

Test(catalog, every_field_parsed)
{
    static const char yaml[] = "lists:\n"
                               "  - id: full\n"
                               "    zone: \"{key}.full.example\"\n"
                               "    kinds: [ip4, domain]\n"
                               "    access: key\n"
                               "    key_env: FULL_KEY\n"
                               "    domain_mode: registrable\n"
                               "    txt: true\n"
                               "    informational: yes\n"
                               "    delist: \"https://full.example/check?q={target}\"\n"
                               "    rate: 2.5\n"
                               "    daily_limit: 18446744073709551615\n"
                               "    codes:\n"
                               "      - {code: 127.0.0.2, meaning: two}\n"
                               "      - {net: 127.0.3.0/24, meaning: three, class: allow}\n"
                               "      - {mask: 24, meaning: bits, class: informational}\n"
                               "      - {code: 127.255.255.254, meaning: no, class: refusal}\n"
                               "    test_points:\n"
                               "      listed: [127.0.0.2, test.example, _DNSBL_.test]\n"
                               "      unlisted: []\n"
                               "  - id: gone\n"
                               "    zone: gone.example\n"
                               "    kinds: domain\n"
                               "    status: dead\n"
                               "    dead_since: \"2024\"\n"
                               "    dead_reason: went away\n";
    struct list_catalog *c;
    struct scan_diag err = {0};
    cr_assert_eq(load(yaml, &c, &err), 0, "%s", err.msg);
    const struct list_entry *e = list_catalog_get(c, 0);
    cr_expect_str_eq(e->zone, "{key}.full.example");
    cr_expect_eq(e->kinds, LIST_KIND_IP4 | LIST_KIND_DOMAIN);
    cr_expect_eq(e->access, LIST_ACCESS_KEY);
    cr_expect_str_eq(e->key_env, "FULL_KEY");
    cr_expect_eq(e->domain_mode, LIST_DOMAIN_REGISTRABLE);
    cr_expect(e->txt);
    cr_expect(e->informational);
    cr_expect_str_eq(e->delist, "https://full.example/check?q={target}");
    cr_expect(e->rate == 2.5);
    cr_expect_eq(e->daily_limit, UINT64_MAX);
    cr_assert_eq(e->ncodes, 4);
    cr_expect(!e->codes[0].is_mask);
    cr_expect_eq(e->codes[0].value, 0x7f000002);
    cr_expect_eq(e->codes[0].prefix, 32);
    cr_expect_eq(e->codes[0].klass, LIST_CODE_LISTING);
    cr_expect_str_eq(e->codes[0].meaning, "two");
    cr_expect_eq(e->codes[1].value, 0x7f000300);
    cr_expect_eq(e->codes[1].prefix, 24);
    cr_expect_eq(e->codes[1].klass, LIST_CODE_ALLOW);
    cr_expect(e->codes[2].is_mask);
    cr_expect_eq(e->codes[2].value, 24);
    cr_expect_eq(e->codes[2].klass, LIST_CODE_INFO);
    cr_expect_eq(e->codes[3].klass, LIST_CODE_REFUSAL);
    cr_expect_eq(tp_count(e, true), 3);
    cr_expect_str_eq(tp_at(e, true, 2), "_DNSBL_.test");
    cr_expect_eq(tp_count(e, false), 0);

    e = list_catalog_get(c, 1);
    cr_expect(e->dead);
    cr_expect_eq(e->kinds, LIST_KIND_DOMAIN);
    cr_expect_str_eq(e->dead_since, "2024");
    cr_expect_str_eq(e->dead_reason, "went away");
    cr_expect_str_eq(tp_at(e, true, 0), "TEST");
    cr_expect_str_eq(tp_at(e, false, 0), "INVALID");
    cr_expect_eq(e->line, 21);
    list_catalog_free(c);
}

/* The test points of one kind, in catalog order. */
static size_t tps_of(const struct list_entry *e, unsigned kind, const struct list_test_point **v,
                     size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < e->ntps; i++)
        if (e->tps[i].kind == kind && n < cap)
            v[n++] = &e->tps[i];
    return n;
}

Test(catalog, per_kind_test_points)
{
    static const char yaml[] =
        "lists:\n"
        "  - id: all\n"
        "    zone: all.example\n"
        "    kinds: [ip4, ip6, domain]\n"
        "    domain_mode: both\n"
        "    test_points:\n"
        "      ip4:\n"
        "        listed: [127.0.0.2, {point: 127.0.0.3, code: 127.0.0.11}]\n"
        "      ip6:\n"
        "        listed: []\n"
        "        unlisted: [\"::1\"]\n"
        "        note: no documented IPv6 test entry\n"
        "      domain: {listed: [test.example, 2.0.0.127], unlisted: []}\n"
        "  - id: defaults\n"
        "    zone: defaults.example\n"
        "    kinds: [ip4, ip6, domain]\n"
        "    test_points:\n"
        "      ip6: {note: \"the RFC points, documented\"}\n"
        "      domain: {unlisted: [_DNSBLNEG_.test]}\n"
        "  - id: quiet\n"
        "    zone: quiet.example\n"
        "    test_points:\n"
        "      ip4: {listed: [], unlisted: [], note: no test entry at all}\n";
    struct list_catalog *c;
    struct scan_diag err = {0};
    const struct list_test_point *v[8];
    cr_assert_eq(load(yaml, &c, &err), 0, "%s", err.msg);

    const struct list_entry *e = list_catalog_get(c, 0);
    cr_expect_eq(e->domain_mode, LIST_DOMAIN_BOTH);
    cr_assert_eq(e->ntps, 6);
    /* Kind by kind, listed before unlisted. */
    cr_assert_eq(tps_of(e, LIST_KIND_IP4, v, 8), 3);
    cr_expect_str_eq(v[0]->point, "127.0.0.2");
    cr_expect(v[0]->listed && !v[0]->has_code);
    cr_expect_str_eq(v[1]->point, "127.0.0.3");
    cr_expect(v[1]->listed && v[1]->has_code);
    cr_expect_eq(v[1]->code, 0x7f00000b);
    cr_expect_str_eq(v[2]->point, "127.0.0.1", "the unlisted half keeps its default");
    cr_expect(!v[2]->listed);
    cr_assert_eq(tps_of(e, LIST_KIND_IP6, v, 8), 1);
    cr_expect_str_eq(v[0]->point, "::1");
    cr_expect(!v[0]->listed);
    cr_assert_eq(tps_of(e, LIST_KIND_DOMAIN, v, 8), 2);
    cr_expect_str_eq(v[0]->point, "test.example");
    cr_expect_str_eq(v[1]->point, "2.0.0.127", "an IPv4-looking name is a domain point here");
    cr_expect(v[1]->listed);
    cr_expect_null(e->tp_note[0]);
    cr_expect_str_eq(e->tp_note[1], "no documented IPv6 test entry");
    cr_expect_null(e->tp_note[2]);
    cr_expect_eq(e->tps[0].kind, LIST_KIND_IP4);
    cr_expect_eq(e->tps[5].kind, LIST_KIND_DOMAIN);

    /* A kind not mentioned, or with only a note, keeps the RFC 5782 points. */
    e = list_catalog_get(c, 1);
    cr_expect_eq(e->domain_mode, LIST_DOMAIN_ASIS);
    cr_assert_eq(e->ntps, 6);
    cr_expect_str_eq(e->tps[0].point, "127.0.0.2");
    cr_expect_str_eq(e->tps[1].point, "127.0.0.1");
    cr_expect_str_eq(e->tps[2].point, "::FFFF:7F00:2");
    cr_expect(e->tps[2].listed);
    cr_expect_str_eq(e->tps[3].point, "::FFFF:7F00:1");
    cr_expect_str_eq(e->tp_note[1], "the RFC points, documented");
    cr_expect_str_eq(e->tps[4].point, "TEST");
    cr_expect(e->tps[4].listed);
    cr_expect_str_eq(e->tps[5].point, "_DNSBLNEG_.test");
    cr_expect(!e->tps[5].listed);

    /* No point at all is allowed when the note says why. */
    e = list_catalog_get(c, 2);
    cr_expect_eq(e->ntps, 0);
    cr_expect_str_eq(e->tp_note[0], "no test entry at all");
    list_catalog_free(c);
}

Test(catalog, flat_test_points_still_read)
{
    /* The older form: each point goes to the kind its form names; an IPv4 address
     * on a list without ip4 is a domain point queried as written. */
    static const char yaml[] = "lists:\n"
                               "  - id: uri\n"
                               "    zone: uri.example\n"
                               "    kinds: [domain]\n"
                               "    test_points:\n"
                               "      listed: [2.0.0.127, test.uri.example]\n"
                               "  - id: mixed\n"
                               "    zone: mixed.example\n"
                               "    kinds: [ip4, ip6]\n"
                               "    test_points:\n"
                               "      listed: [\"::2\", 127.0.0.2]\n"
                               "      unlisted: [127.0.0.1, \"::1\"]\n";
    struct list_catalog *c;
    struct scan_diag err = {0};
    char q[256];
    cr_assert_eq(load(yaml, &c, &err), 0, "%s", err.msg);
    const struct list_entry *e = list_catalog_get(c, 0);
    cr_assert_eq(e->ntps, 3);
    cr_expect_eq(e->tps[0].kind, LIST_KIND_DOMAIN);
    cr_expect_str_eq(e->tps[0].point, "2.0.0.127");
    cr_expect_eq(list_test_point_qname(&e->tps[0], "uri.example", q, sizeof(q)), 0);
    cr_expect_str_eq(q, "2.0.0.127.uri.example");
    cr_expect_str_eq(e->tps[2].point, "INVALID");
    cr_expect(!e->tps[2].listed);

    e = list_catalog_get(c, 1);
    cr_assert_eq(e->ntps, 4);
    cr_expect_str_eq(e->tps[0].point, "127.0.0.2");
    cr_expect_str_eq(e->tps[1].point, "127.0.0.1");
    cr_expect_str_eq(e->tps[2].point, "::2");
    cr_expect_eq(e->tps[2].kind, LIST_KIND_IP6);
    cr_expect_str_eq(e->tps[3].point, "::1");
    cr_expect(!e->tps[3].listed);
    for (int k = 0; k < 3; k++)
        cr_expect_null(e->tp_note[k]);
    list_catalog_free(c);
}

Test(catalog, test_point_query_names)
{
    char q[256];
    struct list_test_point tp = {.point = "127.0.0.2", .kind = LIST_KIND_IP4, .listed = true};
    cr_expect_eq(list_test_point_qname(&tp, "bl.example", q, sizeof(q)), 0);
    cr_expect_str_eq(q, "2.0.0.127.bl.example");
    tp = (struct list_test_point){.point = "::2", .kind = LIST_KIND_IP6};
    cr_expect_eq(list_test_point_qname(&tp, "list.dnswl.org", q, sizeof(q)), 0);
    cr_expect_str_eq(q, "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
                        "list.dnswl.org");
    tp = (struct list_test_point){.point = "::FFFF:7F00:2", .kind = LIST_KIND_IP6};
    cr_expect_eq(list_test_point_qname(&tp, "z", q, sizeof(q)), 0);
    cr_expect_str_eq(q, "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.z");
    /* Domain points are queried as written, whatever they look like. */
    tp = (struct list_test_point){.point = "2.0.0.127", .kind = LIST_KIND_DOMAIN};
    cr_expect_eq(list_test_point_qname(&tp, "multi.surbl.org", q, sizeof(q)), 0);
    cr_expect_str_eq(q, "2.0.0.127.multi.surbl.org");
    tp = (struct list_test_point){.point = "TEST", .kind = LIST_KIND_DOMAIN};
    cr_expect_eq(list_test_point_qname(&tp, "dbl.spamhaus.org", q, sizeof(q)), 0);
    cr_expect_str_eq(q, "TEST.dbl.spamhaus.org");
    /* A point not of its kind's form, a bad kind, too long. */
    tp = (struct list_test_point){.point = "TEST", .kind = LIST_KIND_IP4};
    cr_expect_eq(list_test_point_qname(&tp, "z", q, sizeof(q)), -EINVAL);
    tp = (struct list_test_point){.point = "::2", .kind = LIST_KIND_IP4 | LIST_KIND_IP6};
    cr_expect_eq(list_test_point_qname(&tp, "z", q, sizeof(q)), -EINVAL);
    tp = (struct list_test_point){.point = "127.0.0.2", .kind = LIST_KIND_IP4};
    cr_expect_eq(list_test_point_qname(&tp, "bl.example", q, 20), -ENAMETOOLONG);
    cr_expect_str_eq(q, "");
    cr_expect_eq(list_test_point_qname(&tp, "bl.example", q, 21), 0);
}

Test(catalog, kind_words)
{
    cr_expect_eq(list_kind_index(LIST_KIND_IP4), 0);
    cr_expect_eq(list_kind_index(LIST_KIND_IP6), 1);
    cr_expect_eq(list_kind_index(LIST_KIND_DOMAIN), 2);
    cr_expect_eq(list_kind_index(LIST_KIND_IP4 | LIST_KIND_IP6), -1);
    cr_expect_eq(list_kind_index(0), -1);
    cr_expect_str_eq(list_kind_word(LIST_KIND_IP6), "ip6");
    cr_expect_str_eq(list_kind_word(LIST_KIND_DOMAIN), "domain");
    cr_expect_null(list_kind_word(8));
}

Test(catalog, kinds_text_and_the_words_of_access_and_domain_mode)
{
    char k[LIST_KINDS_TEXT];

    cr_expect_str_eq(list_kinds_text(LIST_KIND_IP4 | LIST_KIND_IP6 | LIST_KIND_DOMAIN, k),
                     "ip4,ip6,domain");
    cr_expect_str_eq(list_kinds_text(LIST_KIND_DOMAIN | LIST_KIND_IP4, k), "ip4,domain");
    cr_expect_str_eq(list_kinds_text(LIST_KIND_IP6, k), "ip6");
    cr_expect_str_eq(list_kinds_text(0, k), "");
    cr_expect_str_eq(list_kinds_text(8 | LIST_KIND_IP6, k), "ip6", "unknown bits ignored");
    cr_expect_eq(list_kinds_text(LIST_KIND_IP4, k), k);
    cr_expect_str_eq(list_access_word(LIST_ACCESS_FREE), "free");
    cr_expect_str_eq(list_access_word(LIST_ACCESS_REGISTRATION), "registration");
    cr_expect_str_eq(list_access_word(LIST_ACCESS_KEY), "key");
    cr_expect_null(list_access_word((enum list_access)3));
    cr_expect_str_eq(list_domain_mode_word(LIST_DOMAIN_ASIS), "as-is");
    cr_expect_str_eq(list_domain_mode_word(LIST_DOMAIN_REGISTRABLE), "registrable");
    cr_expect_str_eq(list_domain_mode_word(LIST_DOMAIN_BOTH), "both");
    cr_expect_null(list_domain_mode_word((enum list_domain_mode)3));
}

Test(catalog, aliases_and_unterminated_buffer)
{
    /* The default catalog shares DBL's code table with an anchor; make sure aliases
     * work, and that the buffer need not be NUL-terminated. */
    static const char yaml[] = "lists:\n"
                               "  - {id: a, zone: a.example, codes: &c [{code: 127.0.0.2, "
                               "meaning: x}]}\n"
                               "  - {id: b, zone: b.example, codes: *c}\n"
                               "GARBAGE THAT IS NOT PART OF THE BUFFER";
    size_t len = strstr(yaml, "GARBAGE") - yaml;
    struct list_catalog *c;
    struct scan_diag err = {0};
    cr_assert_eq(list_catalog_load_buf("t.yaml", yaml, len, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(list_catalog_count(c), 2);
    cr_expect_str_eq(list_catalog_get(c, 1)->codes[0].meaning, "x");
    list_catalog_free(c);
}

/* ------------------------------------------------------------------ errors */

struct bad {
    const char *yaml;
    int ret;
    const char *msg;
};

#define H "lists:\n  - id: a\n    zone: a.example\n"

static const struct bad bad_cases[] = {
    /* malformed YAML */
    {"lists: [\n", SCAN_EPARSE,
     "t.yaml:2:1: YAML syntax error: did not find expected node content while parsing a flow "
     "node"},
    {"lists:\n  - id: a\n    zone: a.example\n  bad\n", SCAN_EPARSE,
     "t.yaml:5:1: YAML syntax error: could not find expected ':' while scanning a simple key "
     "(started at line 4, column 3)"},
    {"lists:\n  - id: a\n\tzone: x\n", SCAN_EPARSE,
     "t.yaml:3:1: YAML syntax error: found a tab character that violates indentation while "
     "scanning a plain scalar (started at line 2, column 9)"},
    {"lists:\n  - id: a\n    zone: \"a\xff.example\"\n", SCAN_EPARSE,
     "t.yaml:3:13: YAML syntax error: invalid leading UTF-8 octet"},
    {"lists: []\n---\nlists: []\n", SCAN_EPARSE,
     "t.yaml:2:1: a second YAML document: a catalog file holds one"},
    /* top level */
    {"", SCAN_ECONFIG, "t.yaml:1:1: empty catalog: expected a map with 'lists:'"},
    {"- a\n- b\n", SCAN_ECONFIG, "t.yaml:1:1: the top level must be a map with 'lists:'"},
    {"foo: 1\n", SCAN_ECONFIG, "t.yaml:1:1: unknown key 'foo' in the top level (expected lists)"},
    {"lists: {}\n", SCAN_ECONFIG, "t.yaml:1:8: 'lists' must be a list of entries"},
    {"lists:\n  - just-a-string\n", SCAN_ECONFIG,
     "t.yaml:2:5: a list entry must be a map, not a single value"},
    /* entry keys */
    {"lists:\n  - id: a\n    zonee: a.example\n", SCAN_ECONFIG,
     "t.yaml:3:5: unknown key 'zonee' in a list entry"},
    {H "    zone: b.example\n", SCAN_ECONFIG, "t.yaml:4:5: duplicate key 'zone' (first at line 3)"},
    {"lists:\n  - zone: a.example\n", SCAN_ECONFIG, "t.yaml:2:5: list entry has no 'id'"},
    {"lists:\n  - id: a\n", SCAN_ECONFIG, "t.yaml:2:5: list entry has no 'zone'"},
    {"lists:\n  - id: a\n    zone:\n", SCAN_ECONFIG, "t.yaml:3:10: 'zone' is empty"},
    {"lists:\n  - id: a\n    zone: [a]\n", SCAN_ECONFIG,
     "t.yaml:3:11: 'zone' must be a single value, not a list"},
    {"lists:\n  - id: a\n    zone: \"a\\0b\"\n", SCAN_ECONFIG,
     "t.yaml:3:11: 'zone' contains a NUL character"},
    {"lists:\n  - id: a\n    zone: \"a\\e[31mb\"\n", SCAN_ECONFIG,
     "t.yaml:3:11: 'zone' contains a control character"},
    /* id and zone; a C1 control (U+009B, a terminal's CSI) is shown as '?' */
    {"lists:\n  - id: \"a\\x9bb\"\n    zone: a.example\n", SCAN_ECONFIG,
     "t.yaml:2:9: bad id 'a?b' (use a-z, 0-9 and '-', starting with a letter or digit, at most "
     "63)"},
    {"lists:\n  - id: A_b\n    zone: a.example\n", SCAN_ECONFIG,
     "t.yaml:2:9: bad id 'A_b' (use a-z, 0-9 and '-', starting with a letter or digit, at most "
     "63)"},
    {"lists:\n  - id: -a\n    zone: a.example\n", SCAN_ECONFIG,
     "t.yaml:2:9: bad id '-a' (use a-z, 0-9 and '-', starting with a letter or digit, at most "
     "63)"},
    {H "  - id: a\n    zone: b.example\n", SCAN_ECONFIG,
     "t.yaml:4:9: duplicate id 'a' (first at t.yaml:2)"},
    {H "  - id: b\n    zone: A.Example\n", SCAN_ECONFIG,
     "t.yaml:5:11: duplicate zone 'A.Example' (first at t.yaml:2, id a)"},
    {"lists:\n  - id: a\n    zone: a..example\n", SCAN_ECONFIG,
     "t.yaml:3:11: bad zone 'a..example': it has an empty label (a leading, trailing or double "
     "dot)"},
    {"lists:\n  - id: a\n    zone: a.example.\n", SCAN_ECONFIG,
     "t.yaml:3:11: bad zone 'a.example.': it has an empty label (a leading, trailing or double "
     "dot)"},
    {"lists:\n  - id: a\n    zone: a/b.example\n", SCAN_ECONFIG,
     "t.yaml:3:11: bad zone 'a/b.example': it has a character other than letters, digits, '-', "
     "'_' and '.'"},
    {"lists:\n  - id: a\n    zone: \"{key}x.example\"\n    access: key\n    key_env: K\n",
     SCAN_ECONFIG, "t.yaml:3:11: bad zone '{key}x.example': {key} must be a whole label"},
    {"lists:\n  - id: a\n    zone: \"{key}.{key}.example\"\n    access: key\n    key_env: K\n",
     SCAN_ECONFIG, "t.yaml:3:11: bad zone '{key}.{key}.example': it has {key} twice"},
    /* kinds */
    {H "    kinds: [ip4, ipv6]\n", SCAN_ECONFIG,
     "t.yaml:4:18: bad kinds value 'ipv6' (expected ip4, ip6 or domain)"},
    {H "    kinds: []\n", SCAN_ECONFIG, "t.yaml:4:12: 'kinds' is empty"},
    {H "    kinds: {ip4: 1}\n", SCAN_ECONFIG,
     "t.yaml:4:12: 'kinds' must be a list such as [ip4, ip6]"},
    /* access and keys */
    {H "    access: paid\n", SCAN_ECONFIG,
     "t.yaml:4:13: bad access 'paid' (expected free, registration or key)"},
    {"lists:\n  - id: a\n    zone: \"{key}.a.example\"\n    access: key\n", SCAN_ECONFIG,
     "t.yaml:4:13: access: key needs key_env (the variable that holds the key)"},
    {H "    access: key\n    key_env: K\n", SCAN_ECONFIG,
     "t.yaml:3:11: access: key needs {key} in the zone, e.g. \"{key}.zen.dq.spamhaus.net\""},
    {"lists:\n  - id: a\n    zone: \"{key}.a.example\"\n    key_env: K\n", SCAN_ECONFIG,
     "t.yaml:3:11: the zone has {key} but access is not key"},
    {H "    key_env: K\n", SCAN_ECONFIG, "t.yaml:4:5: key_env is only for access: key"},
    {"lists:\n  - id: a\n    zone: \"{key}.a.example\"\n    access: key\n    key_env: 1BAD\n",
     SCAN_ECONFIG, "t.yaml:5:14: bad key_env '1BAD' (expected an environment variable name)"},
    /* domain_mode, booleans, delist */
    {H "    domain_mode: registrable\n", SCAN_ECONFIG,
     "t.yaml:4:5: domain_mode is only for lists whose kinds include domain"},
    {H "    kinds: [domain]\n    domain_mode: psl\n", SCAN_ECONFIG,
     "t.yaml:5:18: bad domain_mode 'psl' (expected as-is, registrable or both)"},
    {H "    txt: maybe\n", SCAN_ECONFIG, "t.yaml:4:10: bad txt 'maybe' (expected true or false)"},
    {H "    informational: 1\n", SCAN_ECONFIG,
     "t.yaml:4:20: bad informational '1' (expected true or false)"},
    {H "    delist: \"https://x.example/?q={key}\"\n", SCAN_ECONFIG,
     "t.yaml:4:13: unknown placeholder '{key}' in delist (use {ip}, {domain} or {target})"},
    {H "    delist: \"https://x.example/?q={ip\"\n", SCAN_ECONFIG,
     "t.yaml:4:13: unterminated '{' in delist"},
    {H "    delist: \"ftp://x.example/\"\n", SCAN_ECONFIG,
     "t.yaml:4:13: delist must be an http:// or https:// URL, not 'ftp://x.example/'"},
    {H "    delist: \"https://x.example/a b\"\n", SCAN_ECONFIG,
     "t.yaml:4:13: delist must not contain spaces"},
    /* rate and daily limit */
    {H "    rate: -1\n", SCAN_ECONFIG, "t.yaml:4:11: rate must not be negative (0 means no limit)"},
    {H "    rate: fast\n", SCAN_ECONFIG,
     "t.yaml:4:11: bad rate 'fast' (expected queries per second, 0 = no limit)"},
    {H "    rate: 1e999\n", SCAN_ECONFIG,
     "t.yaml:4:11: bad rate '1e999' (expected queries per second, 0 = no limit)"},
    {H "    daily_limit: -5\n", SCAN_ECONFIG,
     "t.yaml:4:18: daily_limit must not be negative (0 means no limit)"},
    {H "    daily_limit: 1.5\n", SCAN_ECONFIG,
     "t.yaml:4:18: bad daily_limit '1.5' (expected a whole number of queries, 0 = no limit)"},
    {H "    daily_limit: 18446744073709551616\n", SCAN_ECONFIG,
     "t.yaml:4:18: bad daily_limit '18446744073709551616' (expected a whole number of queries, 0 "
     "= no limit)"},
    /* codes */
    {H "    codes: {code: 127.0.0.2}\n", SCAN_ECONFIG,
     "t.yaml:4:12: 'codes' must be a list of code rows"},
    {H "    codes:\n      - 127.0.0.2\n", SCAN_ECONFIG,
     "t.yaml:5:9: a code row must be a map such as {code: 127.0.0.2, meaning: ...}"},
    {H "    codes:\n      - {code: 127.0.0.256, meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:16: bad code address '127.0.0.256' (expected an IPv4 address such as 127.0.0.2)"},
    {H "    codes:\n      - {code: \"::1\", meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:16: bad code address '::1' (expected an IPv4 address such as 127.0.0.2)"},
    {H "    codes:\n      - {code: 127.0.0.2, meaning: x, class: blocked}\n", SCAN_ECONFIG,
     "t.yaml:5:46: bad class 'blocked' (expected listing, allow, informational or refusal)"},
    {H "    codes:\n      - {mask: 0, meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:16: mask '0' is out of range (expected 1..255)"},
    {H "    codes:\n      - {mask: 256, meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:16: mask '256' is out of range (expected 1..255)"},
    {H "    codes:\n      - {mask: 0x08, meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:16: mask '0x08' is out of range (expected 1..255)"},
    {H "    codes:\n      - {net: 127.0.3.1/24, meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:15: net '127.0.3.1/24' has host bits set after the prefix"},
    {H "    codes:\n      - {net: 127.0.3.0/33, meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:15: bad net '127.0.3.0/33' (expected address/prefix such as 127.0.3.0/24)"},
    {H "    codes:\n      - {net: 127.0.3.0, meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:15: bad net '127.0.3.0' (expected address/prefix such as 127.0.3.0/24)"},
    {H "    codes:\n      - {code: 127.0.0.2, mask: 2, meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:9: a code row needs exactly one of code, net or mask"},
    {H "    codes:\n      - {meaning: x}\n", SCAN_ECONFIG,
     "t.yaml:5:9: a code row needs exactly one of code, net or mask"},
    {H "    codes:\n      - {code: 127.0.0.2}\n", SCAN_ECONFIG,
     "t.yaml:5:9: a code row needs a meaning"},
    {H "    codes:\n      - {code: 127.0.0.2, meaning: \"\"}\n", SCAN_ECONFIG,
     "t.yaml:5:36: 'meaning' is empty"},
    {H "    codes:\n      - {code: 127.0.0.2, meaning: x, colour: red}\n", SCAN_ECONFIG,
     "t.yaml:5:39: unknown key 'colour' in a code row (expected code, net, mask, meaning, "
     "class or scope)"},
    {H "    codes:\n      - {code: 127.0.0.2, meaning: x, scope: block}\n", SCAN_ECONFIG,
     "t.yaml:5:46: bad scope 'block' (expected ip, range or asn)"},
    {H "    codes:\n      - {code: 127.0.0.2, meaning: x}\n      - {code: 127.0.0.2, meaning: "
       "y}\n",
     SCAN_ECONFIG, "t.yaml:6:9: duplicate code row (same value as line 5)"},
    {H "    codes:\n      - {mask: 8, meaning: x}\n      - {mask: 8, meaning: y}\n", SCAN_ECONFIG,
     "t.yaml:6:9: duplicate code row (same value as line 5)"},
    /* status and dates */
    {H "    status: gone\n", SCAN_ECONFIG,
     "t.yaml:4:13: bad status 'gone' (expected active or dead)"},
    {H "    status: dead\n    dead_reason: gone\n", SCAN_ECONFIG,
     "t.yaml:4:13: status: dead needs dead_since (the date it stopped)"},
    {H "    status: dead\n    dead_since: 2024-06-05\n", SCAN_ECONFIG,
     "t.yaml:4:13: status: dead needs dead_reason"},
    {H "    status: dead\n    dead_since: 2024-02-30\n    dead_reason: gone\n", SCAN_ECONFIG,
     "t.yaml:5:17: bad date '2024-02-30' (expected YYYY-MM-DD, or YYYY-MM / YYYY)"},
    {H "    status: dead\n    dead_since: 2023-02-29\n    dead_reason: gone\n", SCAN_ECONFIG,
     "t.yaml:5:17: bad date '2023-02-29' (expected YYYY-MM-DD, or YYYY-MM / YYYY)"},
    {H "    status: dead\n    dead_since: 2024-13\n    dead_reason: gone\n", SCAN_ECONFIG,
     "t.yaml:5:17: bad date '2024-13' (expected YYYY-MM-DD, or YYYY-MM / YYYY)"},
    {H "    status: dead\n    dead_since: June 2024\n    dead_reason: gone\n", SCAN_ECONFIG,
     "t.yaml:5:17: bad date 'June 2024' (expected YYYY-MM-DD, or YYYY-MM / YYYY)"},
    {H "    dead_since: 2024-02-03\n", SCAN_ECONFIG,
     "t.yaml:4:5: dead_since is only for status: dead"},
    {H "    status: active\n    dead_reason: x\n", SCAN_ECONFIG,
     "t.yaml:5:5: dead_reason is only for status: dead"},
    /* test points, the older flat form */
    {H "    kinds: [ip6]\n    test_points:\n      listed: [127.0.0.2]\n", SCAN_ECONFIG,
     "t.yaml:6:16: test point '127.0.0.2' is an IPv4 address, but the list's kinds have no ip4"},
    {H "    test_points:\n      listed: [TEST]\n", SCAN_ECONFIG,
     "t.yaml:5:16: test point 'TEST' is a domain, but the list's kinds have no domain"},
    {H "    test_points:\n      unlisted: [\"::FFFF:7F00:1\"]\n", SCAN_ECONFIG,
     "t.yaml:5:18: test point '::FFFF:7F00:1' is an IPv6 address, but the list's kinds have no "
     "ip6"},
    {H "    test_points:\n      listed: [\"127.0.0\"]\n", SCAN_ECONFIG,
     "t.yaml:5:16: bad test point '127.0.0' (expected an IPv4 or IPv6 address or a domain)"},
    {H "    test_points:\n      listed: [\"::g\"]\n", SCAN_ECONFIG,
     "t.yaml:5:16: bad test point '::g' (expected an IPv4 or IPv6 address or a domain)"},
    {H "    test_points:\n      positive: [127.0.0.2]\n", SCAN_ECONFIG,
     "t.yaml:5:7: unknown key 'positive' in test_points (expected ip4, ip6, domain, or the older "
     "listed and unlisted)"},
    {H "    test_points: [127.0.0.2]\n", SCAN_ECONFIG,
     "t.yaml:4:18: 'test_points' must be a map with ip4:, ip6: or domain: (or the older listed: "
     "and unlisted:)"},
    {H "    test_points:\n      listed: 127.0.0.2\n", SCAN_ECONFIG,
     "t.yaml:5:15: 'listed' must be a list of test points"},
    {H "    kinds: [ip4, ip6]\n    test_points:\n      listed: [127.0.0.2]\n      unlisted: "
       "[127.0.0.1]\n",
     SCAN_ECONFIG,
     "t.yaml:6:7: test_points leaves ip6 without any test point (a flat listed: / unlisted: "
     "replaces the defaults of every kind): give one, or use ip6: {listed: [], unlisted: [], "
     "note: \"why\"}"},
    {H "    test_points:\n      listed: [127.0.0.2]\n      ip4: {unlisted: [127.0.0.1]}\n",
     SCAN_ECONFIG,
     "t.yaml:6:7: test_points mixes the older flat listed: / unlisted: with ip4:; write every "
     "point under its kind"},
    {H "    test_points:\n      listed: [127.0.0.2, 127.0.0.2]\n", SCAN_ECONFIG,
     "t.yaml:5:27: test point '127.0.0.2' is given twice for ip4 (first at line 5)"},
    /* test points, per kind */
    {H "    test_points:\n      ip6: {listed: [\"::2\"]}\n", SCAN_ECONFIG,
     "t.yaml:5:7: test_points has ip6, but the list's kinds have no ip6"},
    {H "    kinds: [ip4, domain]\n    test_points:\n      domain: [TEST]\n", SCAN_ECONFIG,
     "t.yaml:6:15: 'domain' in test_points must be a map with listed:, unlisted: and note:"},
    {H "    test_points:\n      ip4: {positive: [127.0.0.2]}\n", SCAN_ECONFIG,
     "t.yaml:5:13: unknown key 'positive' in test_points ip4 (expected listed, unlisted or "
     "note)"},
    {H "    test_points:\n      ip4: {listed: [TEST]}\n", SCAN_ECONFIG,
     "t.yaml:5:22: bad ip4 test point 'TEST' (expected an IPv4 address such as 127.0.0.2)"},
    {H "    test_points:\n      ip4: {listed: [\"::FFFF:7F00:2\"]}\n", SCAN_ECONFIG,
     "t.yaml:5:22: bad ip4 test point '::FFFF:7F00:2' (expected an IPv4 address such as "
     "127.0.0.2)"},
    {H "    kinds: [ip4, ip6]\n    test_points:\n      ip6: {listed: [127.0.0.2]}\n", SCAN_ECONFIG,
     "t.yaml:6:22: bad ip6 test point '127.0.0.2' (expected an IPv6 address such as "
     "::FFFF:7F00:2)"},
    {H "    kinds: [domain]\n    test_points:\n      domain: {listed: [\"a..b\"]}\n", SCAN_ECONFIG,
     "t.yaml:6:25: bad domain test point 'a..b': it has an empty label (a leading, trailing or "
     "double dot)"},
    {H "    kinds: [domain]\n    test_points:\n      domain: {unlisted: [\"{key}.x\"]}\n",
     SCAN_ECONFIG, "t.yaml:6:27: bad domain test point '{key}.x': it has a '{'"},
    {H "    test_points:\n      ip4: {listed: [], unlisted: []}\n", SCAN_ECONFIG,
     "t.yaml:5:7: ip4 has no test point (listed and unlisted are both empty): add a note saying "
     "why, e.g. note: \"no documented test entry\""},
    {H "    test_points:\n      ip4: {listed: [], unlisted: [], note: \"\"}\n", SCAN_ECONFIG,
     "t.yaml:5:45: 'note' is empty"},
    {H "    test_points:\n      ip4: {note: [a]}\n", SCAN_ECONFIG,
     "t.yaml:5:19: 'note' must be a single value, not a list"},
    {H "    test_points:\n      ip4:\n        listed: []\n        listed: []\n", SCAN_ECONFIG,
     "t.yaml:7:9: duplicate key 'listed' (first at line 6)"},
    {H "    test_points:\n      ip4: {listed: 127.0.0.2}\n", SCAN_ECONFIG,
     "t.yaml:5:21: 'listed' must be a list of test points"},
    {H "    test_points:\n      ip4: {listed: [[127.0.0.2]]}\n", SCAN_ECONFIG,
     "t.yaml:5:22: a test point must be a single value or a map such as {point: \"::2\", code: "
     "127.0.10.0}, not a list"},
    {H "    test_points:\n      ip4: {listed: [\"\"]}\n", SCAN_ECONFIG,
     "t.yaml:5:22: 'test point' is empty"},
    {H "    test_points:\n      ip4: {listed: [{code: 127.0.0.2}]}\n", SCAN_ECONFIG,
     "t.yaml:5:22: a test point map needs 'point'"},
    {H "    test_points:\n      ip4: {listed: [{point: 127.0.0.2, colour: red}]}\n", SCAN_ECONFIG,
     "t.yaml:5:41: unknown key 'colour' in a test point (expected point or code)"},
    {H "    test_points:\n      ip4: {listed: [{point: 127.0.0.2, code: 127.0.0}]}\n", SCAN_ECONFIG,
     "t.yaml:5:47: bad code address '127.0.0' (expected an IPv4 address such as 127.0.0.2)"},
    {H "    test_points:\n      ip4: {unlisted: [{point: 127.0.0.1, code: 127.0.0.2}]}\n",
     SCAN_ECONFIG,
     "t.yaml:5:43: 'code' is only for listed points (an unlisted point must not answer at "
     "all)"},
    {H "    test_points:\n      ip4: {listed: [127.0.0.1]}\n", SCAN_ECONFIG,
     "t.yaml:5:22: test point '127.0.0.1' is also the RFC 5782 default unlisted ip4 point: give "
     "unlisted for ip4 too"},
    {H "    kinds: [ip6]\n    test_points:\n      ip6: {listed: [\"::FFFF:7F00:2\", "
       "\"::ffff:127.0.0.2\"]}\n",
     SCAN_ECONFIG,
     "t.yaml:6:39: test point '::ffff:127.0.0.2' is given twice for ip6 (first at line 6)"},
    {H "    kinds: [domain]\n    test_points:\n      domain:\n        listed: [TEST]\n"
       "        unlisted: [test]\n",
     SCAN_ECONFIG, "t.yaml:8:20: test point 'test' is given twice for domain (first at line 7)"},
};

Test(catalog, every_error_with_its_position)
{
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        struct list_catalog *c = (struct list_catalog *)1;
        struct scan_diag err = {0};
        memset(err.msg, 'x', sizeof(err.msg));
        int ret = load(bad_cases[i].yaml, &c, &err);
        cr_expect_eq(ret, bad_cases[i].ret, "case %zu: ret %d, want %d (%s)", i, ret,
                     bad_cases[i].ret, err.msg);
        cr_expect_null(c, "case %zu: out is NULL on error", i);
        cr_expect_str_eq(err.msg, bad_cases[i].msg, "case %zu: got \"%s\"", i, err.msg);
    }
}

Test(catalog, error_pointer_may_be_null)
{
    struct list_catalog *c;
    cr_expect_eq(load("lists: {}\n", &c, NULL), SCAN_ECONFIG);
    cr_expect_null(c);
}

/* ------------------------------------------------------------- files/folders */

static char tmpdir[64];

static void mk_tmp(void)
{
    strcpy(tmpdir, "/tmp/test_catalog.XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", tmpdir);
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    cr_assert_eq(fclose(f), 0);
}

static char *path_of(const char *name)
{
    static char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return path;
}

/* Load @p name from the test folder, expect @p ret, and return the seconds it took. */
static double load_timed(const char *name, int ret, struct scan_diag *err)
{
    struct list_catalog *c = NULL;
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(list_catalog_load(path_of(name), &c, err), ret, "%s", err->msg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert_null(c);
    return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* The two shapes that used to take 18 s and more (quadratic in the depth inside
 * libyaml): refused at the limit with a position, in well under a second. */
Test(catalog, hostile_files_are_refused_quickly, .init = mk_tmp, .fini = rm_tmp)
{
    struct scan_diag err = {0};
    char want[512];
    size_t n = 100000;
    char *s = malloc(8u << 20), *p = s;

    cr_assert_not_null(s);
    p += sprintf(p, "lists: ");
    memset(p, '[', n);
    p[n] = '\0';
    write_file("deep.yaml", s);
    cr_assert_lt(load_timed("deep.yaml", SCAN_EPARSE, &err), 0.5);
    snprintf(want, sizeof(want),
             "%s:1:71: nesting deeper than 64 levels (the limit for YAML files)",
             path_of("deep.yaml"));
    cr_assert_str_eq(err.msg, want);

    /* 8 MiB: a valid start, then comment lines. */
    p = s + sprintf(s, "lists: []\n");
    while (p + 64 < s + (8u << 20))
        p += sprintf(p, "# %060d\n", 0);
    write_file("big.yaml", s);
    cr_assert_lt(load_timed("big.yaml", -EFBIG, &err), 0.5);
    snprintf(want, sizeof(want),
             "%s:16645:58: the file is larger than 1 MiB (1048576 bytes), the limit for YAML files",
             path_of("big.yaml"));
    cr_assert_str_eq(err.msg, want);
    free(s);
}

Test(catalog, file_errors_name_the_file, .init = mk_tmp, .fini = rm_tmp)
{
    struct list_catalog *c;
    struct scan_diag err = {0};
    char want[512];
    write_file("bad.yaml", "lists:\n  - id: a\n    zone: a.example\n    kinds: [ip5]\n");
    cr_expect_eq(list_catalog_load(path_of("bad.yaml"), &c, &err), SCAN_ECONFIG);
    snprintf(want, sizeof(want),
             "%s/bad.yaml:4:13: bad kinds value 'ip5' (expected ip4, ip6 or "
             "domain)",
             tmpdir);
    cr_expect_str_eq(err.msg, want);

    write_file("good.yaml", "lists:\n  - id: a\n    zone: a.example\n");
    cr_assert_eq(list_catalog_load(path_of("good.yaml"), &c, &err), 0, "%s", err.msg);
    snprintf(want, sizeof(want), "%s/good.yaml", tmpdir);
    cr_expect_str_eq(list_catalog_get(c, 0)->file, want);
    list_catalog_free(c);

    cr_expect_eq(list_catalog_load(path_of("missing.yaml"), &c, &err), -ENOENT);
    cr_expect_null(c);
    snprintf(want, sizeof(want), "%s/missing.yaml: No such file or directory", tmpdir);
    cr_expect_str_eq(err.msg, want);
}

Test(catalog, folder_sorted_by_name, .init = mk_tmp, .fini = rm_tmp)
{
    struct list_catalog *c;
    struct scan_diag err = {0};
    write_file("20-b.yml", "lists:\n  - id: b\n    zone: b.example\n");
    write_file("10-a.yaml", "lists:\n  - id: a\n    zone: a.example\n");
    write_file("30-c.yaml", "lists:\n  - id: c\n    zone: c.example\n  - id: d\n    zone: "
                            "d.example\n");
    write_file("notes.txt", "not a catalog");
    write_file(".hidden.yaml", "this: is: not: yaml");
    cr_assert_eq(list_catalog_load(tmpdir, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(list_catalog_count(c), 4);
    cr_expect_str_eq(list_catalog_get(c, 0)->id, "a");
    cr_expect_str_eq(list_catalog_get(c, 1)->id, "b");
    cr_expect_str_eq(list_catalog_get(c, 2)->id, "c");
    cr_expect_str_eq(list_catalog_get(c, 3)->id, "d");
    cr_expect_eq(list_catalog_get(c, 3)->line, 4);
    cr_expect_not_null(strstr(list_catalog_get(c, 1)->file, "/20-b.yml"));
    list_catalog_free(c);
}

Test(catalog, folder_duplicates_across_files, .init = mk_tmp, .fini = rm_tmp)
{
    struct list_catalog *c;
    struct scan_diag err = {0};
    char want[512];
    write_file("a.yaml", "lists:\n  - id: a\n    zone: a.example\n");
    write_file("b.yaml", "lists:\n  - id: b\n    zone: b.example\n  - id: a\n    zone: "
                         "x.example\n");
    cr_expect_eq(list_catalog_load(tmpdir, &c, &err), SCAN_ECONFIG);
    cr_expect_null(c);
    snprintf(want, sizeof(want), "%s/b.yaml:4:9: duplicate id 'a' (first at %s/a.yaml:2)", tmpdir,
             tmpdir);
    cr_expect_str_eq(err.msg, want);
}

Test(catalog, folder_without_catalogs, .init = mk_tmp, .fini = rm_tmp)
{
    struct list_catalog *c;
    struct scan_diag err = {0};
    char want[512];
    write_file("readme.txt", "nothing here");
    cr_expect_eq(list_catalog_load(tmpdir, &c, &err), SCAN_ECONFIG);
    snprintf(want, sizeof(want), "%s: no *.yaml or *.yml files in this folder", tmpdir);
    cr_expect_str_eq(err.msg, want);
}

Test(catalog, folder_error_in_second_file, .init = mk_tmp, .fini = rm_tmp)
{
    struct list_catalog *c;
    struct scan_diag err = {0};
    char want[512];
    write_file("1.yaml", "lists:\n  - id: a\n    zone: a.example\n");
    write_file("2.yaml", "lists:\n  - id: b\n    zone: b.example\n    rate: -3\n");
    cr_expect_eq(list_catalog_load(tmpdir, &c, &err), SCAN_ECONFIG);
    snprintf(want, sizeof(want), "%s/2.yaml:4:11: rate must not be negative (0 means no limit)",
             tmpdir);
    cr_expect_str_eq(err.msg, want);
}

/* ------------------------------------------------------------------ keys */

#define SECRET "s3cretkey0123456789abcdefg"

Test(catalog, query_zone_needs_the_key)
{
    struct list_catalog *c = load_default();
    const struct list_entry *e = list_catalog_find(c, "spamhaus-zen-dqs");
    char buf[256];
    cr_assert_not_null(e);

    unsetenv("SPAMHAUS_DQS_KEY");
    cr_expect_eq(list_query_zone(e, buf, sizeof(buf)), -ENOKEY);
    cr_expect_str_eq(buf, "");
    setenv("SPAMHAUS_DQS_KEY", "", 1);
    cr_expect_eq(list_query_zone(e, buf, sizeof(buf)), -ENOKEY);

    setenv("SPAMHAUS_DQS_KEY", SECRET, 1);
    cr_expect_eq(list_query_zone(e, buf, sizeof(buf)), 0);
    cr_expect_str_eq(buf, SECRET ".zen.dq.spamhaus.net");
    cr_expect_eq(list_query_zone(e, buf, 10), -ENAMETOOLONG);
    cr_expect_str_eq(buf, "");

    /* A key that is not one DNS label would redirect the query: refused. */
    setenv("SPAMHAUS_DQS_KEY", "evil.example.", 1);
    cr_expect_eq(list_query_zone(e, buf, sizeof(buf)), -EINVAL);
    setenv("SPAMHAUS_DQS_KEY", "a b", 1);
    cr_expect_eq(list_query_zone(e, buf, sizeof(buf)), -EINVAL);

    /* Free lists need no key at all. */
    unsetenv("SPAMHAUS_DQS_KEY");
    cr_expect_eq(list_query_zone(list_catalog_find(c, "spamhaus-zen"), buf, sizeof(buf)), 0);
    cr_expect_str_eq(buf, "zen.spamhaus.org");
    cr_expect_eq(list_query_zone(list_catalog_find(c, "spamhaus-zen"), buf, 16), -ENAMETOOLONG);
    cr_expect_eq(list_query_zone(list_catalog_find(c, "spamhaus-zen"), buf, 17), 0);
    list_catalog_free(c);
}

Test(catalog, key_never_shown)
{
    setenv("SPAMHAUS_DQS_KEY", SECRET, 1);
    setenv("MY_KEY", SECRET, 1);
    struct list_catalog *c = load_default();
    for (size_t i = 0; i < list_catalog_count(c); i++) {
        const struct list_entry *e = list_catalog_get(c, i);
        cr_expect_null(strstr(e->zone, SECRET), "%s", e->id);
        cr_expect_null(strstr(e->zone_template, SECRET), "%s", e->id);
        if (e->delist)
            cr_expect_null(strstr(e->delist, SECRET), "%s", e->id);
    }
    const struct list_entry *e = list_catalog_find(c, "spamhaus-dbl-dqs");
    cr_expect_str_eq(e->zone, "{key}.dbl.dq.spamhaus.net");
    list_catalog_free(c);

    /* Errors about keyed entries show the template, never the key. */
    static const char *const bad[] = {
        "lists:\n  - id: k\n    zone: \"{key}.k.example\"\n    access: key\n",
        "lists:\n  - id: k\n    zone: \"{key}.k.example\"\n    access: key\n    key_env: MY_KEY\n"
        "    rate: -1\n",
        "lists:\n  - id: k\n    zone: \"{key}.k.example\"\n    access: key\n    key_env: MY_KEY\n"
        "  - id: j\n    zone: \"{KEY}.k.example\"\n    access: key\n    key_env: MY_KEY\n",
    };
    for (size_t i = 0; i < 3; i++) {
        struct scan_diag err = {0};
        cr_expect_lt(load(bad[i], &c, &err), 0);
        cr_expect_null(strstr(err.msg, SECRET), "%s", err.msg);
    }
}

/* ------------------------------------------------------------------ redaction */

static struct list_catalog *keyed_catalog(void)
{
    static const char yaml[] =
        "lists:\n"
        "  - {id: k, zone: \"{key}.zen.dq.example\", access: key, key_env: K}\n"
        "  - {id: mid, zone: \"a.{key}.b.example\", access: key, key_env: K}\n"
        "  - {id: free, zone: zen.example}\n";
    struct list_catalog *c;
    struct scan_diag err = {0};
    cr_assert_eq(load(yaml, &c, &err), 0, "%s", err.msg);
    return c;
}

static const char *redacted(const struct list_entry *e, const char *zone, const char *in,
                            size_t cap)
{
    static char buf[256];
    cr_assert_lt(strlen(in), sizeof(buf));
    strcpy(buf, in);
    int ret = list_redact_key(e, zone, buf, cap);
    cr_expect_eq(ret, 0, "%s", in);
    cr_expect_lt(strlen(buf), cap);
    return buf;
}

Test(catalog, redact_key_in_echoed_text)
{
    struct list_catalog *c = keyed_catalog();
    const struct list_entry *k = list_catalog_get(c, 0);
    const char *zone = SECRET ".zen.dq.example";

    /* A TXT that echoes the whole query name. */
    cr_expect_str_eq(redacted(k, zone, "2.0.0.127." SECRET ".zen.dq.example is listed", 256),
                     "2.0.0.127.{key}.zen.dq.example is listed");
    /* Several occurrences, in another letter case, next to each other. */
    cr_expect_str_eq(redacted(k, zone, "S3CRETKEY0123456789ABCDEFG/" SECRET SECRET "!", 256),
                     "{key}/{key}{key}!");
    /* Nothing to hide: unchanged; the key's first letters alone are not the key
     * (except at the very end, below). */
    cr_expect_str_eq(redacted(k, zone, "s3cretkey0123 and more", 256), "s3cretkey0123 and more");
    cr_expect_str_eq(redacted(k, zone, "", 1), "");
    /* The zone as queried may differ in case from the template. */
    cr_expect_str_eq(redacted(k, SECRET ".ZEN.DQ.Example", "key=" SECRET, 256), "key={key}");
    /* A key in the middle of the template. */
    const struct list_entry *mid = list_catalog_get(c, 1);
    cr_expect_str_eq(redacted(mid, "a.Zz9.b.example", "q a.zz9.b.example zZ9", 256),
                     "q a.{key}.b.example {key}");
    /* Unkeyed entries: a no-op, the zone may even be NULL. */
    const struct list_entry *free_list = list_catalog_get(c, 2);
    cr_expect_str_eq(redacted(free_list, NULL, SECRET, 256), SECRET);
    list_catalog_free(c);
}

Test(catalog, redact_key_lengths_and_truncation)
{
    struct list_catalog *c = keyed_catalog();
    const struct list_entry *k = list_catalog_get(c, 0);

    /* Exactly as long as "{key}", and shorter: the text grows. */
    cr_expect_str_eq(redacted(k, "abcde.zen.dq.example", "x abcde y ABCDE", 256),
                     "x {key} y {key}");
    cr_expect_str_eq(redacted(k, "ab.zen.dq.example", "ab-ab.ab", 256), "{key}-{key}.{key}");
    cr_expect_str_eq(redacted(k, "q.zen.dq.example", "aqa", 256), "a{key}a");
    /* Growth cut off at the buffer's end: never a key, always a NUL. */
    cr_expect_str_eq(redacted(k, "ab.zen.dq.example", "ab-ab.ab", 12), "{key}-{key}");
    cr_expect_str_eq(redacted(k, "ab.zen.dq.example", "ab-ab.ab", 10), "{key}-{ke");
    cr_expect_str_eq(redacted(k, "ab.zen.dq.example", "xab", 4), "x{k");
    cr_expect_str_eq(redacted(k, "ab.zen.dq.example", "ab", 3), "{k");
    /* A key cut off by an earlier truncation, at the very end of the text. */
    cr_expect_str_eq(redacted(k, SECRET ".zen.dq.example", "listed via s3cretkey01", 256),
                     "listed via {key}");
    cr_expect_str_eq(
        redacted(k, SECRET ".zen.dq.example", "listed via S3CRETKEY0123456789ABCDEF", 256),
        "listed via {key}");
    /* Seven characters are too few to tell from ordinary text. */
    cr_expect_str_eq(redacted(k, SECRET ".zen.dq.example", "see s3cretk", 256), "see s3cretk");
    list_catalog_free(c);
}

Test(catalog, redact_key_errors_empty_the_text)
{
    struct list_catalog *c = keyed_catalog();
    const struct list_entry *k = list_catalog_get(c, 0);
    char buf[64];

    /* A zone that does not fit the template: the key cannot be found, so the
     * text is not shown at all. */
    static const char *const bad_zones[] = {"zen.dq.example", ".zen.dq.example", "x.zen.dq.other",
                                            "x.dq.example"};
    for (size_t i = 0; i < 4; i++) {
        strcpy(buf, "text " SECRET);
        cr_expect_eq(list_redact_key(k, bad_zones[i], buf, sizeof(buf)), -EINVAL, "%s",
                     bad_zones[i]);
        cr_expect_str_eq(buf, "");
    }
    strcpy(buf, "text");
    cr_expect_eq(list_redact_key(k, NULL, buf, sizeof(buf)), -EINVAL);
    cr_expect_str_eq(buf, "");
    /* No NUL within cap. */
    memset(buf, 'a', sizeof(buf));
    cr_expect_eq(list_redact_key(k, "a.zen.dq.example", buf, 8), -EINVAL);
    cr_expect_eq(buf[0], '\0');
    cr_expect_eq(list_redact_key(k, "a.zen.dq.example", buf, 0), -EINVAL);
    cr_expect_eq(list_redact_key(NULL, "a.zen.dq.example", buf, 8), -EINVAL);
    cr_expect_eq(list_redact_key(k, "a.zen.dq.example", NULL, 8), -EINVAL);
    list_catalog_free(c);
}

/* ------------------------------------------------------------------ delist */

Test(catalog, delist_url_filling)
{
    struct list_catalog *c = load_default();
    char buf[256];
    const struct list_entry *zen = list_catalog_find(c, "zen.spamhaus.org");

    cr_expect_eq(list_delist_url(zen, "192.0.2.1", buf, sizeof(buf)), 0);
    cr_expect_str_eq(buf, "https://check.spamhaus.org/results/?query=192.0.2.1");
    cr_expect_eq(list_delist_url(zen, "2001:db8::1", buf, sizeof(buf)), 0);
    cr_expect_str_eq(buf, "https://check.spamhaus.org/results/?query=2001:db8::1");
    /* Anything outside an IP or a host name is escaped. */
    cr_expect_eq(list_delist_url(zen, "a&b=c#d e", buf, sizeof(buf)), 0);
    cr_expect_str_eq(buf, "https://check.spamhaus.org/results/?query=a%26b%3Dc%23d%20e");

    const struct list_entry *b = list_catalog_find(c, "barracuda");
    cr_expect_eq(list_delist_url(b, "198.51.100.7", buf, sizeof(buf)), 0);
    cr_expect_str_eq(buf, "https://www.barracudacentral.org/rbl/removal-request/198.51.100.7");

    /* Exactly fitting, one byte short. */
    size_t need = strlen("https://www.barracudacentral.org/rbl/removal-request/198.51.100.7") + 1;
    cr_expect_eq(list_delist_url(b, "198.51.100.7", buf, need), 0);
    cr_expect_eq(list_delist_url(b, "198.51.100.7", buf, need - 1), -ENAMETOOLONG);
    cr_expect_str_eq(buf, "");
    cr_expect_eq(list_delist_url(b, "198.51.100.7", buf, 0), -ENAMETOOLONG);

    /* No template: empty string. */
    const struct list_entry *bs = list_catalog_find(c, "backscatterer");
    cr_expect_null(bs->delist);
    strcpy(buf, "junk");
    cr_expect_eq(list_delist_url(bs, "192.0.2.1", buf, sizeof(buf)), 0);
    cr_expect_str_eq(buf, "");
    list_catalog_free(c);

    struct scan_diag err = {0};
    cr_assert_eq(load("lists:\n  - id: a\n    zone: a.example\n    kinds: [ip4, domain]\n"
                      "    delist: \"https://x.example/{domain}/{ip}?t={target}&k={other\"\n",
                      &c, &err),
                 SCAN_ECONFIG);
    cr_assert_eq(load("lists:\n  - id: a\n    zone: a.example\n    kinds: [ip4, domain]\n"
                      "    delist: \"https://x.example/{domain}/{ip}?t={target}\"\n",
                      &c, &err),
                 0, "%s", err.msg);
    cr_expect_eq(list_delist_url(list_catalog_get(c, 0), "example.com", buf, sizeof(buf)), 0);
    cr_expect_str_eq(buf, "https://x.example/example.com/example.com?t=example.com");
    list_catalog_free(c);
}

/* ---------------------------------------------------------- generic lists */

static struct list_catalog *default_catalog(void)
{
    struct list_catalog *c = NULL;
    struct scan_diag err = {0};
    cr_assert_eq(
        list_catalog_load_buf("default.yaml", list_default_yaml, list_default_yaml_len, &c, &err),
        0, "%s", err.msg);
    return c;
}

Test(catalog, generic_kinds_from_the_name)
{
    static const struct {
        const char *zone;
        unsigned kinds;
    } cases[] = {
        {"bl.example.net", LIST_KIND_IP4},      {"dnsbl.example.net", LIST_KIND_IP4},
        {"dnsblchile.org", LIST_KIND_IP4},      {"ubl.unsubscore.com", LIST_KIND_IP4},
        {"dbl.example.net", LIST_KIND_DOMAIN},  {"black.uribl.com", LIST_KIND_DOMAIN},
        {"multi.SURBL.org", LIST_KIND_DOMAIN},  {"0spamurl.fusionzero.com", LIST_KIND_DOMAIN},
        {"url.0spam.org", LIST_KIND_DOMAIN},    {"rhsbl.example.org", LIST_KIND_DOMAIN},
        {"uri.example.org", LIST_KIND_DOMAIN},  {"bl.ipv6.example.net", LIST_KIND_IP6},
        {"v6.example.net", LIST_KIND_IP6},      {"ip6.bl.example", LIST_KIND_IP6},
        {"dbl.ipv6.example", LIST_KIND_DOMAIN}, /* domain wins: names are not addresses */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_expect_eq(list_generic_kinds(cases[i].zone), cases[i].kinds, "%s", cases[i].zone);
}

Test(catalog, generic_list_entry)
{
    struct list_catalog *c = default_catalog();
    struct scan_diag err = {0};
    const struct list_entry *e = NULL;
    size_t before = list_catalog_count(c);

    cr_assert_eq(list_catalog_add_generic(c, "BL.Example.NET.", &e, &err), 0, "%s", err.msg);
    cr_assert_eq(list_catalog_count(c), before + 1);
    cr_expect_str_eq(e->id, "bl.example.net");
    cr_expect_str_eq(e->zone, "bl.example.net");
    cr_expect(e->generic);
    cr_expect_eq(e->kinds, LIST_KIND_IP4);
    cr_expect(e->txt);
    cr_expect_eq(e->rate, 0);
    cr_expect_eq(e->ntps, 2);
    cr_expect_str_eq(tp_at(e, true, 0), "127.0.0.2");
    cr_expect_str_eq(tp_at(e, false, 0), "127.0.0.1");
    cr_expect_eq(list_catalog_find(c, "bl.example.net"), e);

    /* The same zone again: the same entry, no second one. */
    const struct list_entry *again = NULL;
    cr_expect_eq(list_catalog_add_generic(c, "bl.example.net", &again, &err), 1);
    cr_expect_eq(again, e);
    cr_expect_eq(list_catalog_add_generic(c, "bl.example.net:ip4", &again, &err), 1);
    cr_expect_eq(list_catalog_add_generic(c, "bl.example.net:ip6", &again, &err), SCAN_ECONFIG);
    cr_expect(strstr(err.msg, "different kinds"), "%s", err.msg);

    /* A catalog list is the catalog's, by zone or by id; its kinds are not ours to give. */
    cr_expect_eq(list_catalog_add_generic(c, "zen.spamhaus.org", &again, &err), 1);
    cr_expect_not(again->generic);
    cr_expect_eq(list_catalog_add_generic(c, "spamhaus-zen", &again, &err), 1);
    cr_expect_eq(list_catalog_add_generic(c, "zen.spamhaus.org:ip4", &again, &err), SCAN_ECONFIG);
    cr_expect(strstr(err.msg, "in the catalog"), "%s", err.msg);

    /* Kinds given: every one of them, with its RFC 5782 points. */
    cr_assert_eq(list_catalog_add_generic(c, "rbl.example.org:ip4,ip6,domain", &e, &err), 0, "%s",
                 err.msg);
    cr_expect_eq(e->kinds, LIST_KIND_IP4 | LIST_KIND_IP6 | LIST_KIND_DOMAIN);
    cr_expect_eq(e->ntps, 6);
    cr_expect_str_eq(tp_at(e, true, 1), "::FFFF:7F00:2");
    cr_expect_str_eq(tp_at(e, true, 2), "TEST");
    cr_expect_str_eq(tp_at(e, false, 2), "INVALID");
    list_catalog_free(c);
}

Test(catalog, generic_list_bad_specs)
{
    static const char *const bad[] = {
        "",
        "nodots",
        "bl..example.net",
        "192.0.2.1",
        "bl.example.net:ip5",
        "a.b:",
        "bl.example.net:ip4,",
        "bad zone.net",
        "bl.ex\x01.net",
        ".",
    };
    struct list_catalog *c = default_catalog();
    struct scan_diag err = {0};
    const struct list_entry *e = NULL;
    size_t before = list_catalog_count(c);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err.msg[0] = '\0';
        cr_expect_eq(list_catalog_add_generic(c, bad[i], &e, &err), SCAN_ECONFIG, "'%s'", bad[i]);
        cr_expect(err.msg[0], "'%s' without a message", bad[i]);
        cr_expect_null(strchr(err.msg, '\x01'), "a control byte reached the message");
    }
    cr_expect_eq(list_catalog_count(c), before);
    list_catalog_free(c);
}

/* What a generic list's answers mean: RFC 5782, with the generic refusal codes. */
Test(catalog, generic_list_codes)
{
    struct list_catalog *c = default_catalog();
    struct scan_diag err = {0};
    const struct list_entry *ip = NULL, *dom = NULL;
    struct list_interp in;
    cr_assert_eq(list_catalog_add_generic(c, "bl.example.net", &ip, &err), 0);
    cr_assert_eq(list_catalog_add_generic(c, "dbl.example.net", &dom, &err), 0);
    const struct list_entry *ipl = list_catalog_find(c, "bl.example.net");

    uint32_t a2 = 0x7f000002, a1 = 0x7f000001, a_err = 0x7fffff01, a_odd = 0x7f0a0b0c,
             outside = 0x5bc3f075;
    cr_expect_eq(list_interpret(ipl, &a2, 1, &in), 0);
    cr_expect_eq(in.verdict, LIST_V_LISTED);
    cr_expect_eq(list_interpret(ipl, &a_odd, 1, &in), 0);
    cr_expect_eq(in.verdict, LIST_V_LISTED);
    cr_expect_eq(list_interpret(ipl, &a1, 1, &in), 0);
    cr_expect_eq(in.verdict, LIST_V_LISTED, "127.0.0.1 is a refusal on domain lists only");
    cr_expect_eq(list_interpret(ipl, &a_err, 1, &in), 0);
    cr_expect_eq(in.verdict, LIST_V_REFUSAL);
    cr_expect_eq(list_interpret(ipl, &outside, 1, &in), 0);
    cr_expect_eq(in.verdict, LIST_V_INVALID);
    dom = list_catalog_find(c, "dbl.example.net");
    cr_expect_eq(list_interpret(dom, &a1, 1, &in), 0);
    cr_expect_eq(in.verdict, LIST_V_REFUSAL);
    cr_expect_eq(list_interpret(dom, &a2, 1, &in), 0);
    cr_expect_eq(in.verdict, LIST_V_LISTED);
    list_catalog_free(c);
}
