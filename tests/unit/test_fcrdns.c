/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of scan_fcrdns_check(): canned reverse and forward zones fed
 * through the replay driver of records_zone.h.
 */
#include <criterion/criterion.h>

#include "scanner/checks/checks.h"
#include "scanner/targets/target.h"
#include "tests/unit/records_zone.h"

static int run_fcrdns(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_fcrdns_check(v, arg, out);
}

static struct scan_target target(const char *text)
{
    struct scan_target t;
    memset(&t, 0, sizeof(t));
    snprintf(t.text, sizeof(t.text), "%s", text);
    if (inet_pton(AF_INET, text, t.addr) == 1)
        t.type = SCAN_T_IP4;
    else if (inet_pton(AF_INET6, text, t.addr) == 1)
        t.type = SCAN_T_IP6;
    else
        cr_assert_fail("bad test address %s", text);
    return t;
}

static struct scan_report *run(const struct rz_rec *zone, const char *ip)
{
    struct scan_target t = target(ip);
    return rz_drive(zone, run_fcrdns, &t);
}

static const struct scan_fields *extra(struct scan_report *r)
{
    return &scan_report_result(r)->extra;
}

Test(fcrdns, pass)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {"mta10.example-esp.test"}},
        {"mta10.example-esp.test", SCAN_TYPE_A, .data = {"192.0.2.31", "192.0.2.30"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    const struct scan_result *res = scan_report_result(r);
    cr_expect_str_eq(res->target, "192.0.2.30");
    cr_expect_str_eq(res->check, "fcrdns");
    cr_expect_str_eq(rz_status(r), "pass");
    cr_expect_null(res->reason);
    cr_expect_eq(rz_strv_n(extra(r), "ptr"), 1);
    cr_expect_str_eq(rz_strv_at(extra(r), "ptr", 0), "mta10.example-esp.test");
    cr_expect_str_eq(rz_str(r, "confirmed"), "mta10.example-esp.test");
    cr_expect_null(rz_str(r, "cname"));
    const struct scan_field *g = rz_field(r, "generic");
    cr_assert_not_null(g);
    cr_expect_not(g->b, "mta10.example-esp.test is not generic");
    cr_expect_eq(rz_strv_n(extra(r), "warnings"), 0);
    cr_expect(rz_was_asked("30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR));
    cr_expect_not(rz_was_asked("mta10.example-esp.test", SCAN_TYPE_AAAA));
    scan_report_free(r);
}

Test(fcrdns, mismatch)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {"mail.example.test"}},
        {"mail.example.test", SCAN_TYPE_A, .data = {"198.51.100.7"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "fail");
    cr_expect_str_eq(rz_reason(r), "mismatch");
    cr_expect_null(rz_str(r, "confirmed"));
    cr_expect_str_eq(rz_strv_at(extra(r), "ptr", 0), "mail.example.test");
    scan_report_free(r);
}

Test(fcrdns, no_ptr)
{
    static const struct rz_rec zone[] = {{NULL}};
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "fail");
    cr_expect_str_eq(rz_reason(r), "no-ptr");
    cr_expect_eq(rz_strv_n(extra(r), "ptr"), 0);
    cr_expect_null(rz_str(r, "confirmed"));
    cr_expect_eq(rz_nasked, 1, "only the PTR question");
    scan_report_free(r);
}

Test(fcrdns, no_ptr_nodata)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "fail");
    cr_expect_str_eq(rz_reason(r), "no-ptr");
    scan_report_free(r);
}

Test(fcrdns, ptr_does_not_resolve)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {"gone.example.test"}},
        {NULL}, /* gone.example.test: NXDOMAIN */
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "fail");
    cr_expect_str_eq(rz_reason(r), "ptr-does-not-resolve");
    cr_expect(rz_was_asked("gone.example.test", SCAN_TYPE_A));
    scan_report_free(r);
}

Test(fcrdns, two_names_one_confirms)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR,
         .data = {"old.example.test", "mta.example.test", "OLD.example.test"}},
        {"old.example.test", SCAN_TYPE_A, .data = {"198.51.100.1"}},
        {"mta.example.test", SCAN_TYPE_A, .data = {"192.0.2.30"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "pass");
    cr_expect_str_eq(rz_str(r, "confirmed"), "mta.example.test");
    cr_expect_eq(rz_strv_n(extra(r), "ptr"), 2, "duplicates are dropped");
    cr_expect_str_eq(rz_strv_at(extra(r), "ptr", 0), "old.example.test", "answer order kept");
    cr_expect(rz_strv_has(extra(r), "warnings", "2 PTR names"));
    scan_report_free(r);
}

Test(fcrdns, forward_lookups_asked_together)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR,
         .data = {"a.example.test", "b.example.test", "c.example.test"}},
        {"c.example.test", SCAN_TYPE_A, .data = {"192.0.2.30"}},
        {NULL},
    };
    struct scan_view *v = scan_view_new();
    struct scan_target t = target("192.0.2.30");
    struct scan_report *r = NULL;
    cr_assert_eq(scan_fcrdns_check(v, &t, &r), -EAGAIN);
    cr_assert_eq(scan_view_missing_count(v), 1);
    const char *name;
    uint16_t type;
    scan_view_missing_get(v, 0, &name, &type);
    scan_view_put(v, name, type, rz_answer(zone, name, type));
    scan_view_missing_clear(v);
    cr_assert_eq(scan_fcrdns_check(v, &t, &r), -EAGAIN);
    cr_expect_eq(scan_view_missing_count(v), 3, "all three A lookups in one round");
    cr_expect_null(r);
    scan_view_free(v);
}

Test(fcrdns, classless_delegation)
{
    /* RFC 2317: 30.2.0.192.in-addr.arpa CNAME 30.0/25.2.0.192.in-addr.arpa */
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {"mta.example.test"},
         .canon = "30.0/25.2.0.192.in-addr.arpa"},
        {"mta.example.test", SCAN_TYPE_A, .data = {"192.0.2.30"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "pass");
    cr_expect_str_eq(rz_str(r, "cname"), "30.0/25.2.0.192.in-addr.arpa");
    cr_expect_str_eq(rz_str(r, "confirmed"), "mta.example.test");
    scan_report_free(r);
}

Test(fcrdns, ipv6_pass)
{
    static const struct rz_rec zone[] = {
        {"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", SCAN_TYPE_PTR,
         .data = {"mx6.example.test"}},
        {"mx6.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"mx6.example.test", SCAN_TYPE_AAAA, .data = {"2001:db8::1"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "2001:db8::1");
    cr_expect_str_eq(rz_status(r), "pass");
    cr_expect_str_eq(rz_str(r, "confirmed"), "mx6.example.test");
    cr_expect(rz_was_asked("mx6.example.test", SCAN_TYPE_AAAA));
    cr_expect_not(rz_was_asked("mx6.example.test", SCAN_TYPE_A), "AAAA only for IPv6");
    scan_report_free(r);
}

Test(fcrdns, ipv6_only_a_record_is_not_confirmation)
{
    static const struct rz_rec zone[] = {
        {"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", SCAN_TYPE_PTR,
         .data = {"mx6.example.test"}},
        {"mx6.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"mx6.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    struct scan_report *r = run(zone, "2001:db8::1");
    cr_expect_str_eq(rz_status(r), "fail");
    cr_expect_str_eq(rz_reason(r), "ptr-does-not-resolve");
    scan_report_free(r);
}

Test(fcrdns, ptr_timeout_is_error)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .status = SCAN_DNS_TIMEOUT},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    scan_report_free(r);
}

Test(fcrdns, ptr_servfail_is_error)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .status = SCAN_DNS_SERVFAIL},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "servfail");
    scan_report_free(r);
}

Test(fcrdns, forward_timeout_is_error_not_fail)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {"a.example.test", "b.example.test"}},
        {"a.example.test", SCAN_TYPE_A, .data = {"198.51.100.1"}},
        {"b.example.test", SCAN_TYPE_A, .status = SCAN_DNS_TIMEOUT},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    cr_expect_eq(rz_strv_n(extra(r), "ptr"), 2);
    scan_report_free(r);
}

Test(fcrdns, forward_timeout_but_other_confirms)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {"a.example.test", "b.example.test"}},
        {"a.example.test", SCAN_TYPE_A, .status = SCAN_DNS_TIMEOUT},
        {"b.example.test", SCAN_TYPE_A, .data = {"192.0.2.30"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "pass");
    cr_expect_str_eq(rz_str(r, "confirmed"), "b.example.test");
    scan_report_free(r);
}

Test(fcrdns, forward_cname_loop_is_not_error)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {"loop.example.test"}},
        {"loop.example.test", SCAN_TYPE_A, .status = SCAN_DNS_CNAMELOOP},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "fail");
    cr_expect_str_eq(rz_reason(r), "ptr-does-not-resolve");
    scan_report_free(r);
}

Test(fcrdns, at_most_ten_names)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR,
         .data = {"n1.example.test", "n2.example.test", "n3.example.test", "n4.example.test",
                  "n5.example.test", "n6.example.test", "n7.example.test", "n8.example.test",
                  "n9.example.test", "n10.example.test", "n11.example.test"}},
        {"n11.example.test", SCAN_TYPE_A, .data = {"192.0.2.30"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "fail", "the 11th name is not evaluated");
    cr_expect_eq(rz_strv_n(extra(r), "ptr"), 10);
    cr_expect_not(rz_was_asked("n11.example.test", SCAN_TYPE_A));
    cr_expect(rz_strv_has(extra(r), "warnings", "only the first 10"));
    cr_expect(rz_strv_has(extra(r), "warnings", "11 PTR names"));
    scan_report_free(r);
}

Test(fcrdns, domain_target_is_einval)
{
    struct scan_target t;
    memset(&t, 0, sizeof(t));
    t.type = SCAN_T_DOMAIN;
    snprintf(t.text, sizeof(t.text), "example.test");
    struct scan_view *v = scan_view_new();
    struct scan_report *r = (struct scan_report *)1;
    cr_expect_eq(scan_fcrdns_check(v, &t, &r), -EINVAL);
    cr_expect_null(r);
    scan_view_free(v);
}

/* Generic-name heuristic: each case is a PTR name for 192.0.2.30 that confirms. */
struct generic_case {
    const char *name;
    bool generic;
};

static void check_generic(const struct generic_case *c)
{
    struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {c->name}},
        {c->name, SCAN_TYPE_A, .data = {"192.0.2.30"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "pass", "%s", c->name);
    const struct scan_field *g = rz_field(r, "generic");
    cr_assert_not_null(g);
    cr_expect_eq(g->b, c->generic, "%s: generic should be %d", c->name, c->generic);
    cr_expect_eq(rz_strv_has(extra(r), "warnings", "looks generic"), c->generic, "%s warning",
                 c->name);
    scan_report_free(r);
}

Test(fcrdns, generic_names_positive)
{
    static const struct generic_case cases[] = {
        {"192-0-2-30.dynamic.isp.test", true},
        {"30-2-0-192.isp.test", true},
        {"30.2.0.192.broadband.isp.test", true},
        {"host192_0_2_30.isp.test", true},
        {"c000021e.isp.test", true},
        {"ip-192-000-002-030.isp.test", true},
        {"192000002030.isp.test", true},
        {"dsl-0-2-30.isp.test", true},
        {"dyn123.isp.test", true},
        {"ppp-7.isp.test", true},
        {"pool-a.isp.test", true},
        {"adsl.isp.test", true},
        {"cust44.isp.test", true},
        {"dhcp.x.isp.test", true},
        {"static-192-0-2-30.isp.test", true},
        {"client7.example.co.uk", true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_generic(&cases[i]);
}

Test(fcrdns, generic_names_negative)
{
    static const struct generic_case cases[] = {
        {"mta10.example-esp.test", false},       {"mail.example.test", false},
        {"mailhost.example.test", false},        {"smtp-out-30.example.test", false},
        {"mx1.cable-isp.test", false}, /* the token is in the registrable domain */
        {"o1.ptr192.example-esp.test", false},   {"static.example.test", false},
        {"12-192-0-2-301.example.test", false}, /* digits run on: not this address */
        {"outbound.hostingcompany.test", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_generic(&cases[i]);
}

Test(fcrdns, generic_ipv6)
{
    static const struct rz_rec zone[] = {
        {"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", SCAN_TYPE_PTR,
         .data = {"2001-db8--1.cust.isp.test"}},
        {"2001-db8--1.cust.isp.test", SCAN_TYPE_AAAA, .data = {"2001:db8::1"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "2001:db8::1");
    cr_expect_str_eq(rz_status(r), "pass");
    cr_expect(rz_field(r, "generic")->b);
    scan_report_free(r);
}

Test(fcrdns, ipv4_mapped_is_checked_as_ipv4)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {"mta.example.test"}},
        {"mta.example.test", SCAN_TYPE_A, .data = {"192.0.2.30"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "::ffff:192.0.2.30");
    cr_expect_str_eq(rz_status(r), "pass");
    cr_expect_str_eq(scan_report_result(r)->target, "::ffff:192.0.2.30");
    cr_expect_not(rz_was_asked("mta.example.test", SCAN_TYPE_AAAA));
    scan_report_free(r);
}

Test(fcrdns, unaskable_ptr_name)
{
    static const struct rz_rec zone[] = {
        {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR,
         .data = {""}}, /* the root, as dnsmsg stores it */
        {NULL},
    };
    struct scan_report *r = run(zone, "192.0.2.30");
    cr_expect_str_eq(rz_status(r), "fail");
    cr_expect_str_eq(rz_reason(r), "ptr-does-not-resolve");
    cr_expect(rz_strv_has(extra(r), "warnings", "not a valid host name"));
    scan_report_free(r);
}
