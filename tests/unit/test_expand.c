/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests for --expand (scanner/checks/expand.c): MX, A and SPF walked over canned
 * answers (tests/unit/records_zone.h), the via of every block, the cap on wide
 * SPF ranges, what is noted instead of expanded, and DNS failures; and the run's
 * set of expanded addresses (each once, in order, with its vias).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "records_zone.h"
#include "scanner/checks/expand.h"

static struct scan_expand_opts opts;
static struct scan_expansion *last;

static int expand_fn(struct scan_view *v, const void *arg, struct scan_report **out)
{
    struct scan_expansion *x = NULL;
    int ret = scan_expand_check(v, arg, &opts, out, &x);
    if (ret == 0) {
        scan_expansion_free(last);
        last = x;
    }
    return ret;
}

static struct scan_report *run(const struct rz_rec *zone, unsigned what, const char *domain)
{
    opts = (struct scan_expand_opts){.what = what};
    return rz_drive(zone, expand_fn, domain);
}

static void fini(void)
{
    scan_expansion_free(last);
    last = NULL;
}

TestSuite(expand, .fini = fini);

/* Is there a block @p text (address or CIDR) found by @p via? */
static bool has_block(const char *text, const char *via)
{
    char buf[64];
    for (size_t i = 0; last && i < last->n; i++) {
        const struct scan_expanded *e = &last->v[i];
        char a[46];
        inet_ntop(e->type == SCAN_T_IP4 ? AF_INET : AF_INET6, e->addr, a, sizeof(a));
        if (e->plen == (e->type == SCAN_T_IP4 ? 32u : 128u))
            snprintf(buf, sizeof(buf), "%s", a);
        else
            snprintf(buf, sizeof(buf), "%s/%u", a, e->plen);
        if (strcmp(buf, text) == 0 && strcmp(e->via, via) == 0)
            return true;
    }
    return false;
}

static int64_t addresses(struct scan_report *r)
{
    const struct scan_field *f = rz_field(r, "addresses");
    cr_assert_not_null(f);
    return f->i;
}

static const struct rz_rec zone[] = {
    {"example.test", SCAN_TYPE_MX, .data = {"10 mx1.example.test.", "20 mx2.example.test."}},
    {"mx1.example.test", SCAN_TYPE_A, .data = {"192.0.2.50"}},
    {"mx1.example.test", SCAN_TYPE_AAAA, .data = {"2001:db8::50"}},
    {"mx2.example.test", SCAN_TYPE_A, .data = {"192.0.2.51"}},
    {"mx2.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
    {"example.test", SCAN_TYPE_A, .data = {"192.0.2.60"}},
    {"example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
    {"example.test", SCAN_TYPE_TXT,
     .data = {"v=spf1 ip4:192.0.2.0/28 ip4:10.0.0.0/8 a:relay.example.test/31 "
              "include:_spf.provider.test -ip4:203.0.113.9 ptr ~all"}},
    {"relay.example.test", SCAN_TYPE_A, .data = {"198.51.100.20"}},
    {"relay.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
    {"_spf.provider.test", SCAN_TYPE_TXT,
     .data = {"v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:1::/120 ip6:2001:db8:2::/64 mx "
              "exists:%{i}.x.test redirect=_spf2.provider.test"}},
    {"_spf.provider.test", SCAN_TYPE_MX, .data = {"10 out.provider.test."}},
    {"out.provider.test", SCAN_TYPE_A, .data = {"203.0.113.25"}},
    {"out.provider.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
    {"_spf2.provider.test", SCAN_TYPE_TXT, .data = {"v=spf1 ip4:203.0.113.77 -all"}},
    {NULL},
};

Test(expand, mx_hosts_with_via)
{
    struct scan_report *r = run(zone, SCAN_EXPAND_MX, "example.test");
    cr_assert_str_eq(rz_status(r), "valid");
    cr_assert(has_block("192.0.2.50", "example.test mx mx1.example.test"));
    cr_assert(has_block("2001:db8::50", "example.test mx mx1.example.test"));
    cr_assert(has_block("192.0.2.51", "example.test mx mx2.example.test"));
    cr_assert_eq(addresses(r), 3);
    cr_assert_not(rz_was_asked("example.test", SCAN_TYPE_TXT), "only what was asked for");
    scan_report_free(r);
}

Test(expand, a_is_the_domain_itself)
{
    struct scan_report *r = run(zone, SCAN_EXPAND_A, "example.test");
    cr_assert(has_block("192.0.2.60", "example.test a"));
    cr_assert_eq(addresses(r), 1);
    scan_report_free(r);
}

Test(expand, spf_through_include_and_redirect_with_caps_and_notes)
{
    struct scan_report *r = run(zone, SCAN_EXPAND_SPF, "example.test");
    cr_assert_str_eq(rz_status(r), "valid");
    cr_assert(has_block("192.0.2.0/28", "example.test spf ip4:192.0.2.0/28"));
    cr_assert(has_block("198.51.100.20/31", "example.test spf a:relay.example.test/31"));
    cr_assert(has_block("198.51.100.0/24",
                        "example.test spf include:_spf.provider.test ip4:198.51.100.0/24"));
    cr_assert(has_block("2001:db8:1::/120",
                        "example.test spf include:_spf.provider.test ip6:2001:db8:1::/120"));
    cr_assert(has_block("203.0.113.25",
                        "example.test spf include:_spf.provider.test mx out.provider.test"));
    cr_assert(has_block("203.0.113.77", "example.test spf include:_spf.provider.test "
                                        "redirect=_spf2.provider.test ip4:203.0.113.77"));
    cr_assert_not(has_block("203.0.113.9", "example.test spf -ip4:203.0.113.9"),
                  "a fail mechanism authorizes nothing");
    const struct scan_fields *f = &scan_report_result(r)->extra;
    cr_assert(rz_strv_has(f, "skipped", "ip4:10.0.0.0/8 10.0.0.0/8: wider than /24, not walked"));
    cr_assert(rz_strv_has(f, "skipped", "ip6:2001:db8:2::/64 2001:db8:2::/64: wider than /120"));
    cr_assert(rz_strv_has(f, "skipped", "ptr: depends on the connecting address"));
    cr_assert(rz_strv_has(f, "skipped", "exists:%{i}.x.test: depends on the connecting address"));
    /* 16 + 256 + 256 + 1 + 1: the /31 lies inside the /24 and counts once */
    cr_assert_eq(addresses(r), 530);
    scan_report_free(r);
}

Test(expand, cap_is_an_option_and_never_wider_than_16_or_112)
{
    opts = (struct scan_expand_opts){.what = SCAN_EXPAND_SPF, .cap4 = 28, .cap6 = 64};
    struct scan_report *r = rz_drive(zone, expand_fn, "example.test");
    cr_assert(has_block("192.0.2.0/28", "example.test spf ip4:192.0.2.0/28"));
    const struct scan_fields *f = &scan_report_result(r)->extra;
    cr_assert(rz_strv_has(f, "skipped", "198.51.100.0/24: wider than /28, not walked"));
    cr_assert(rz_strv_has(f, "skipped", "2001:db8:2::/64: wider than /112, not walked"),
              "a /64 is never walked");
    scan_report_free(r);
}

Test(expand, nothing_found_is_none_and_nxdomain_says_so)
{
    static const struct rz_rec empty[] = {
        {"bare.test", SCAN_TYPE_MX, .status = SCAN_DNS_NODATA},
        {"bare.test", SCAN_TYPE_A, .status = SCAN_DNS_NODATA},
        {"bare.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
        {"bare.test", SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    unsigned all = SCAN_EXPAND_MX | SCAN_EXPAND_SPF | SCAN_EXPAND_A;
    struct scan_report *r = run(empty, all, "bare.test");
    cr_assert_str_eq(rz_status(r), "none");
    cr_assert_str_eq(rz_reason(r), "(null)");
    cr_assert_eq(addresses(r), 0);
    scan_report_free(r);
    r = run(empty, all, "gone.test");
    cr_assert_str_eq(rz_status(r), "none");
    cr_assert_str_eq(rz_reason(r), "nxdomain");
    scan_report_free(r);
}

/* --resolve is SCAN_EXPAND_A with one rule changed: a host name that does not exist
 * is an error (its addresses could not be checked); one without addresses is none. */
Test(expand, resolve_makes_a_missing_host_an_error)
{
    static const struct rz_rec z[] = {
        {"host.test", SCAN_TYPE_A, .data = {"192.0.2.80"}},
        {"host.test", SCAN_TYPE_AAAA, .data = {"2001:db8::80"}},
        {"noaddr.test", SCAN_TYPE_A, .status = SCAN_DNS_NODATA},
        {"noaddr.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    opts = (struct scan_expand_opts){.what = SCAN_EXPAND_A, .resolve = true};
    struct scan_report *r = rz_drive(z, expand_fn, "host.test");
    cr_assert_str_eq(rz_status(r), "valid");
    cr_assert(has_block("192.0.2.80", "host.test a"));
    cr_assert(has_block("2001:db8::80", "host.test a"));
    scan_report_free(r);
    r = rz_drive(z, expand_fn, "gone.test");
    cr_assert_str_eq(rz_status(r), "error");
    cr_assert_str_eq(rz_reason(r), "nxdomain");
    scan_report_free(r);
    r = rz_drive(z, expand_fn, "noaddr.test");
    cr_assert_str_eq(rz_status(r), "none");
    cr_assert(rz_strv_has(&scan_report_result(r)->extra, "skipped",
                          "noaddr.test a: noaddr.test has no A or AAAA record"));
    scan_report_free(r);
    /* without --resolve, --expand a keeps its rule */
    r = run(z, SCAN_EXPAND_A, "gone.test");
    cr_assert_str_eq(rz_status(r), "none");
    cr_assert_str_eq(rz_reason(r), "nxdomain");
    scan_report_free(r);
}

Test(expand, dns_failure_is_an_error_with_what_was_found)
{
    static const struct rz_rec z[] = {
        {"part.test", SCAN_TYPE_MX, .data = {"10 ok.part.test.", "20 slow.part.test."}},
        {"ok.part.test", SCAN_TYPE_A, .data = {"192.0.2.70"}},
        {"slow.part.test", SCAN_TYPE_A, .status = SCAN_DNS_TIMEOUT},
        {NULL},
    };
    struct scan_report *r = run(z, SCAN_EXPAND_MX, "part.test");
    cr_assert_str_eq(rz_status(r), "error");
    cr_assert_str_eq(rz_reason(r), "timeout");
    cr_assert(has_block("192.0.2.70", "part.test mx ok.part.test"));
    cr_assert(rz_strv_has(&scan_report_result(r)->extra, "skipped",
                          "slow.part.test A: lookup failed (timeout)"));
    scan_report_free(r);
    /* A name that does not resolve is said. */
    static const struct rz_rec dangling[] = {
        {"d.test", SCAN_TYPE_MX, .data = {"10 gone.d.test."}},
        {NULL},
    };
    r = run(dangling, SCAN_EXPAND_MX, "d.test");
    cr_assert_str_eq(rz_status(r), "none");
    cr_assert(rz_strv_has(&scan_report_result(r)->extra, "skipped",
                          "d.test mx gone.d.test: gone.d.test has no A or AAAA record (it does "
                          "not exist)"));
    scan_report_free(r);
}

Test(expand, reserved_addresses_and_ip_literals_are_noted)
{
    static const struct rz_rec z[] = {
        {"odd.test", SCAN_TYPE_MX, .data = {"10 192.0.2.1.", "20 lan.odd.test."}},
        {"lan.odd.test", SCAN_TYPE_A, .data = {"10.1.2.3"}},
        {NULL},
    };
    struct scan_report *r = run(z, SCAN_EXPAND_MX, "odd.test");
    const struct scan_fields *f = &scan_report_result(r)->extra;
    cr_assert(rz_strv_has(f, "skipped", "192.0.2.1: an IP literal"));
    cr_assert(rz_strv_has(f, "skipped", "10.1.2.3: a reserved address"));
    cr_assert_eq(addresses(r), 0);
    scan_report_free(r);
}

Test(expand, spf_loops_and_the_lookup_limit)
{
    static const struct rz_rec z[] = {
        {"loop.test", SCAN_TYPE_TXT, .data = {"v=spf1 include:b.loop.test -all"}},
        {"b.loop.test", SCAN_TYPE_TXT, .data = {"v=spf1 ip4:192.0.2.80 include:loop.test -all"}},
        {NULL},
    };
    struct scan_report *r = run(z, SCAN_EXPAND_SPF, "loop.test");
    cr_assert(has_block("192.0.2.80", "loop.test spf include:b.loop.test ip4:192.0.2.80"));
    cr_assert(rz_strv_has(&scan_report_result(r)->extra, "skipped", "(a loop)"));
    scan_report_free(r);
}

Test(expand, parse_words)
{
    cr_assert_eq(scan_expand_parse("mx,spf,a"), SCAN_EXPAND_MX | SCAN_EXPAND_SPF | SCAN_EXPAND_A);
    cr_assert_eq(scan_expand_parse("a"), SCAN_EXPAND_A);
    cr_assert_eq(scan_expand_parse("spf,mx"), SCAN_EXPAND_MX | SCAN_EXPAND_SPF);
    cr_assert_eq(scan_expand_parse(""), 0);
    cr_assert_eq(scan_expand_parse("mx,"), 0);
    cr_assert_eq(scan_expand_parse("mx,ns"), 0);
    cr_assert_eq(scan_expand_parse("MX"), 0);
}

/* ---- the run's set of expanded addresses ------------------------------------ */

/* An expansion of the blocks "text/plen via" (caller frees with scan_expansion_free()). */
static struct scan_expansion *blocks(const char *const *spec, size_t n)
{
    struct scan_expansion *x = calloc(1, sizeof(*x));
    cr_assert_not_null(x);
    x->v = calloc(n, sizeof(*x->v));
    cr_assert_not_null(x->v);
    for (size_t i = 0; i < n; i += 3) {
        struct scan_expanded *e = &x->v[x->n++];
        e->type = strchr(spec[i], ':') ? SCAN_T_IP6 : SCAN_T_IP4;
        cr_assert_eq(inet_pton(e->type == SCAN_T_IP4 ? AF_INET : AF_INET6, spec[i], e->addr), 1);
        e->plen = (unsigned)atoi(spec[i + 1]);
        e->via = strdup(spec[i + 2]);
    }
    return x;
}

static long find_text(const struct scan_expand_set *s, const char *text)
{
    struct scan_target t = {.type = strchr(text, ':') ? SCAN_T_IP6 : SCAN_T_IP4};
    cr_assert_eq(inet_pton(t.type == SCAN_T_IP4 ? AF_INET : AF_INET6, text, t.addr), 1);
    return scan_expand_set_find(s, &t);
}

/* Every address once, in the order first found, reserved ones left out, each
 * with the vias that found it once each (compared by text: the set keeps its own
 * copies, valid after the expansions are freed). */
Test(expand, set_keeps_each_address_once_with_its_vias)
{
    static const char *const one[] = {"192.0.2.0",   "30",  "mx example.test",
                                      "2001:db8::7", "128", "spf example.test",
                                      "10.0.0.0",    "31",  "spf example.test"};
    static const char *const two[] = {"192.0.2.2", "31", "mx example.test",
                                      "192.0.2.3", "32", "a other.test"};
    struct scan_expand_set *s = NULL;
    struct scan_expansion *x;
    uint64_t by_type[3];

    cr_assert_eq(scan_expand_set_new(&s), 0);
    cr_expect_eq(scan_expand_set_count(s, by_type), 0);
    cr_expect_eq(find_text(s, "192.0.2.0"), -1, "an empty set finds nothing");
    x = blocks(one, sizeof(one) / sizeof(one[0]));
    cr_assert_eq(scan_expand_set_add(s, x), 0);
    scan_expansion_free(x);
    x = blocks(two, sizeof(two) / sizeof(two[0]));
    cr_assert_eq(scan_expand_set_add(s, x), 0);
    scan_expansion_free(x);

    cr_assert_eq(scan_expand_set_count(s, by_type), 5);
    cr_expect_eq(by_type[SCAN_T_IP4], 4);
    cr_expect_eq(by_type[SCAN_T_IP6], 1);
    static const char *const order[] = {"192.0.2.0", "192.0.2.1", "192.0.2.2", "192.0.2.3",
                                        "2001:db8::7"};
    for (size_t i = 0; i < 5; i++) {
        struct scan_target t;
        const char *const *via;
        size_t nvia;
        cr_assert_eq(find_text(s, order[i]), (long)i, "%s", order[i]);
        cr_assert_eq(scan_expand_set_get(s, i, &t, &via, &nvia), 0);
        cr_expect_str_eq(t.text, order[i]);
        if (i == 3) {
            cr_assert_eq(nvia, 2);
            cr_expect_str_eq(via[0], "mx example.test");
            cr_expect_str_eq(via[1], "a other.test");
        } else {
            cr_assert_eq(nvia, 1, "%s: the same via twice is kept once", order[i]);
            cr_expect_str_eq(via[0], i == 4 ? "spf example.test" : "mx example.test");
        }
    }
    cr_expect_eq(find_text(s, "10.0.0.0"), -1, "a reserved address is left out");
    cr_expect_eq(find_text(s, "192.0.2.4"), -1);
    cr_expect_eq(find_text(s, "::ffff:192.0.2.0"), -1, "the family is part of the key");
    struct scan_target dom = {.type = SCAN_T_DOMAIN};
    cr_expect_eq(scan_expand_set_find(s, &dom), -1);
    cr_expect_not(scan_expand_set_take(s, 2));
    cr_expect(scan_expand_set_take(s, 2), "taken once");
    scan_expand_set_free(s);
    scan_expand_set_free(NULL);
}

/* A wide block (4,096 addresses, past the index's first sizes), and an address
 * found by more vias than are kept. */
Test(expand, set_grows_and_counts_vias_past_the_limit)
{
    enum { NVIA = SCAN_EXPAND_VIA_MAX + 8 };
    static const char *const wide[] = {"198.51.96.0", "20", "spf wide.test"};
    static char vias[NVIA][16];
    static const char *spec[3 * NVIA];
    struct scan_expand_set *s = NULL;
    struct scan_expansion *x;

    cr_assert_eq(scan_expand_set_new(&s), 0);
    x = blocks(wide, 3);
    cr_assert_eq(scan_expand_set_add(s, x), 0);
    scan_expansion_free(x);
    for (size_t i = 0; i < NVIA; i++) {
        snprintf(vias[i], sizeof(vias[i]), "via %zu", i);
        spec[3 * i] = "198.51.100.1";
        spec[3 * i + 1] = "32";
        spec[3 * i + 2] = vias[i];
    }
    x = blocks(spec, 3 * NVIA);
    cr_assert_eq(scan_expand_set_add(s, x), 0);
    scan_expansion_free(x);

    cr_assert_eq(scan_expand_set_count(s, NULL), 4096);
    for (unsigned i = 0; i < 4096; i++) {
        char a[32];
        snprintf(a, sizeof(a), "198.51.%u.%u", 96 + i / 256, i % 256);
        cr_assert_eq(find_text(s, a), (long)i, "%s", a);
    }
    long i = find_text(s, "198.51.100.1");
    struct scan_target t;
    const char *const *via;
    size_t nvia;
    cr_assert_eq(scan_expand_set_get(s, (size_t)i, &t, &via, &nvia), 0);
    cr_assert_eq(nvia, SCAN_EXPAND_VIA_MAX + 1, "the vias kept, then how many more");
    cr_expect_str_eq(via[0], "spf wide.test");
    cr_expect_str_eq(via[1], "via 0");
    cr_expect_str_eq(via[SCAN_EXPAND_VIA_MAX - 1], "via 30");
    cr_expect_str_eq(via[SCAN_EXPAND_VIA_MAX], "... and 9 more");
    scan_expand_set_free(s);
}
