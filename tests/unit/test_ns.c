/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of scan_ns_check() through the replay driver of records_zone.h:
 * the zone walk, the number of name servers, each name server's host rules,
 * the /24 warning, the SOA and its RFC 1912 advice, DNS failures.
 */
#include <criterion/criterion.h>

#include "scanner/checks/checks.h"
#include "tests/unit/records_zone.h"

static int run_ns(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_ns_check(v, arg, out);
}

static struct scan_report *run(const struct rz_rec *zone, const char *domain)
{
    return rz_drive(zone, run_ns, domain);
}

#define GOOD_SOA "ns1.example.test hostmaster.example.test 2026010101 7200 900 1209600 3600"

static size_t nhosts(struct scan_report *r)
{
    const struct scan_field *f = rz_field(r, "hosts");
    cr_assert_not_null(f);
    return f->n;
}

static const struct scan_fields *host(struct scan_report *r, size_t i)
{
    const struct scan_field *f = rz_field(r, "hosts");
    cr_assert_lt(i, f->n);
    return &f->objv[i];
}

Test(ns, valid_two_networks)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_NS, .data = {"ns2.example.test", "ns1.example.test"}},
        {"example.test", SCAN_TYPE_SOA, .data = {GOOD_SOA}},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"ns1.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
        {"ns2.example.test", SCAN_TYPE_A, .data = {"198.51.100.1"}},
        {"ns2.example.test", SCAN_TYPE_AAAA, .data = {"2001:db8::53"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(scan_report_result(r)->check, "ns");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "zone"), "example.test");
    cr_assert_eq(nhosts(r), 2);
    cr_expect_str_eq(rz_str_in(host(r, 0), "host"), "ns1.example.test", "sorted by name");
    cr_expect_eq(rz_strv_n(host(r, 1), "addresses"), 2);
    cr_expect_null(rz_str_in(host(r, 0), "problem"));
    cr_expect_str_eq(rz_str(r, "soa"),
                     "ns1.example.test. hostmaster.example.test. 2026010101 7200 900 1209600 3600");
    cr_expect_eq(rz_field(r, "problems")->n, 0);
    scan_report_free(r);
}

Test(ns, walks_up_to_the_zone_but_not_past_the_org_domain)
{
    static const struct rz_rec zone[] = {
        {"mail.example.test", SCAN_TYPE_NS, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_NS, .data = {"ns1.example.test", "ns2.example.test"}},
        {"example.test", SCAN_TYPE_SOA, .data = {GOOD_SOA}},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"ns2.example.test", SCAN_TYPE_A, .data = {"198.51.100.1"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "zone"), "example.test");
    cr_expect_str_eq(scan_report_result(r)->target, "mail.example.test");
    scan_report_free(r);

    static const struct rz_rec none[] = {
        {"mail.example.test", SCAN_TYPE_NS, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_NS, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    r = run(none, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect_not(rz_was_asked("test", SCAN_TYPE_NS), "never above the organizational domain");
    scan_report_free(r);
}

Test(ns, nxdomain_is_invalid)
{
    static const struct rz_rec zone[] = {{NULL}};
    struct scan_report *r = run(zone, "gone.example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "nxdomain");
    scan_report_free(r);
}

Test(ns, one_name_server_is_too_few)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_NS, .data = {"ns1.example.test"}},
        {"example.test", SCAN_TYPE_SOA, .data = {GOOD_SOA}},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "too-few-ns");
    cr_expect(rz_problem(r, "error", "at least two"));
    scan_report_free(r);
}

Test(ns, host_rules)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_NS,
         .data = {"192.0.2.7", "alias.example.test", "gone.example.test", "ns1.example.test"}},
        {"example.test", SCAN_TYPE_SOA, .data = {GOOD_SOA}},
        {"alias.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}, .canon = "ns1.example.test"},
        {"alias.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA,
         .canon = "ns1.example.test"},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "ip-literal", "the first bad name in name order");
    cr_assert_eq(nhosts(r), 4);
    cr_expect(strstr(rz_str_in(host(r, 0), "problem"), "IP address literal"));
    cr_expect(strstr(rz_str_in(host(r, 1), "problem"), "alias (CNAME) for ns1.example.test"));
    cr_expect(strstr(rz_str_in(host(r, 2), "problem"), "does not exist"));
    cr_expect_null(rz_str_in(host(r, 3), "problem"));
    cr_expect_not(rz_was_asked("192.0.2.7", SCAN_TYPE_A), "a literal is not looked up");
    scan_report_free(r);

    static const struct rz_rec cname[] = {
        {"example.test", SCAN_TYPE_NS, .data = {"alias.example.test", "ns1.example.test"}},
        {"example.test", SCAN_TYPE_SOA, .data = {GOOD_SOA}},
        {"alias.example.test", SCAN_TYPE_A, .data = {"198.51.100.1"}, .canon = "x.example.test"},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {NULL},
    };
    r = run(cname, "example.test");
    cr_expect_str_eq(rz_reason(r), "cname");
    scan_report_free(r);
    static const struct rz_rec dangling[] = {
        {"example.test", SCAN_TYPE_NS, .data = {"gone.example.test", "ns1.example.test"}},
        {"example.test", SCAN_TYPE_SOA, .data = {GOOD_SOA}},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {NULL},
    };
    r = run(dangling, "example.test");
    cr_expect_str_eq(rz_reason(r), "unresolvable");
    scan_report_free(r);
}

Test(ns, one_slash24_warns)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_NS, .data = {"ns1.example.test", "ns2.example.test"}},
        {"example.test", SCAN_TYPE_SOA, .data = {GOOD_SOA}},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"ns2.example.test", SCAN_TYPE_A, .data = {"192.0.2.200"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect(rz_problem(r, "warning", "one /24"));
    scan_report_free(r);
}

Test(ns, soa_missing_and_advice)
{
    static const struct rz_rec nosoa[] = {
        {"example.test", SCAN_TYPE_NS, .data = {"ns1.example.test", "ns2.example.test"}},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"ns2.example.test", SCAN_TYPE_A, .data = {"198.51.100.1"}},
        {"example.test", SCAN_TYPE_SOA, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    struct scan_report *r = run(nosoa, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "no-soa");
    cr_expect_null(rz_str(r, "soa"));
    scan_report_free(r);

    static const struct rz_rec odd[] = {
        {"example.test", SCAN_TYPE_NS, .data = {"ns1.example.test", "ns2.example.test"}},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"ns2.example.test", SCAN_TYPE_A, .data = {"198.51.100.1"}},
        {"example.test", SCAN_TYPE_SOA,
         .data = {"ns1.example.test h.example.test 1 600 600 86400 0"}},
        {NULL},
    };
    r = run(odd, "example.test");
    cr_expect_str_eq(rz_status(r), "valid", "RFC 1912 advice is a warning");
    cr_expect(rz_problem(r, "warning", "SOA refresh 600"));
    cr_expect(rz_problem(r, "warning", "SOA retry 600 s is not below refresh"));
    cr_expect(rz_problem(r, "warning", "SOA expire 86400"));
    cr_expect(rz_problem(r, "warning", "negative-caching TTL) 0"));
    scan_report_free(r);
}

Test(ns, dns_failures_are_errors)
{
    static const struct rz_rec nsfail[] = {
        {"example.test", SCAN_TYPE_NS, .status = SCAN_DNS_SERVFAIL},
        {NULL},
    };
    struct scan_report *r = run(nsfail, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "servfail");
    scan_report_free(r);
    static const struct rz_rec hostfail[] = {
        {"example.test", SCAN_TYPE_NS, .data = {"ns1.example.test", "ns2.example.test"}},
        {"example.test", SCAN_TYPE_SOA, .data = {GOOD_SOA}},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"ns2.example.test", SCAN_TYPE_A, .status = SCAN_DNS_TIMEOUT},
        {"ns2.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    r = run(hostfail, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    scan_report_free(r);
    static const struct rz_rec soafail[] = {
        {"example.test", SCAN_TYPE_NS, .data = {"ns1.example.test", "ns2.example.test"}},
        {"example.test", SCAN_TYPE_SOA, .status = SCAN_DNS_REFUSED},
        {"ns1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"ns2.example.test", SCAN_TYPE_A, .data = {"198.51.100.1"}},
        {NULL},
    };
    r = run(soafail, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "refused");
    scan_report_free(r);
}
