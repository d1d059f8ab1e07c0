/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of scan_mx_check(): sorting, null MX, implicit MX, CNAME and
 * IP-literal exchanges, unresolvable hosts and DNS failures, through the
 * replay driver of records_zone.h.
 */
#include <criterion/criterion.h>

#include "scanner/checks/checks.h"
#include "tests/unit/records_zone.h"

static int run_mx(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_mx_check(v, arg, out);
}

static struct scan_report *run(const struct rz_rec *zone, const char *domain)
{
    return rz_drive(zone, run_mx, domain);
}

static const struct scan_fields *extra(struct scan_report *r)
{
    return &scan_report_result(r)->extra;
}

/* The hosts array: its size, and host @p i. */
static size_t nhosts(struct scan_report *r)
{
    const struct scan_field *f = rz_field(r, "hosts");
    if (!f)
        return 0;
    cr_assert_eq(f->type, SCAN_F_OBJV);
    return f->n;
}

static const struct scan_fields *host(struct scan_report *r, size_t i)
{
    const struct scan_field *f = rz_field(r, "hosts");
    cr_assert_not_null(f);
    cr_assert_lt(i, f->n);
    return &f->objv[i];
}

static int64_t pref(const struct scan_fields *h)
{
    const struct scan_field *f = rz_field_in(h, "pref");
    cr_assert_not_null(f);
    cr_assert_eq(f->type, SCAN_F_INT);
    return f->i;
}

Test(mx, sorted_by_preference_then_name)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX,
         .data = {"20 mx3.example.test", "10 mx2.example.test", "10 mx1.example.test"}},
        {"mx1.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"mx1.example.test", SCAN_TYPE_AAAA, .data = {"2001:db8::1"}},
        {"mx2.example.test", SCAN_TYPE_A, .data = {"192.0.2.2", "192.0.2.22"}},
        {"mx2.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
        {"mx3.example.test", SCAN_TYPE_AAAA, .data = {"2001:db8::3"}},
        {"mx3.example.test", SCAN_TYPE_A, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    const struct scan_result *res = scan_report_result(r);
    cr_expect_str_eq(res->check, "mx");
    cr_expect_str_eq(res->target, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_null(res->reason);
    cr_assert_eq(nhosts(r), 3);
    cr_expect_str_eq(rz_str_in(host(r, 0), "host"), "mx1.example.test");
    cr_expect_str_eq(rz_str_in(host(r, 1), "host"), "mx2.example.test");
    cr_expect_str_eq(rz_str_in(host(r, 2), "host"), "mx3.example.test");
    cr_expect_eq(pref(host(r, 0)), 10);
    cr_expect_eq(pref(host(r, 2)), 20);
    cr_expect_eq(rz_strv_n(host(r, 0), "addresses"), 2);
    cr_expect_str_eq(rz_strv_at(host(r, 0), "addresses", 0), "192.0.2.1");
    cr_expect_str_eq(rz_strv_at(host(r, 0), "addresses", 1), "2001:db8::1");
    cr_expect_eq(rz_strv_n(host(r, 1), "addresses"), 2);
    cr_expect_str_eq(rz_strv_at(host(r, 2), "addresses", 0), "2001:db8::3");
    for (size_t i = 0; i < 3; i++)
        cr_expect_null(rz_str_in(host(r, i), "problem"));
    cr_assert_not_null(rz_field(r, "fallback"), "every line has fallback, [] here");
    cr_expect_eq(rz_field(r, "fallback")->n, 0);
    scan_report_free(r);
}

Test(mx, host_lookups_in_one_round)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .data = {"10 a.example.test", "20 b.example.test"}},
        {NULL},
    };
    struct scan_view *v = scan_view_new();
    struct scan_report *r = NULL;
    cr_assert_eq(scan_mx_check(v, "example.test", &r), -EAGAIN);
    scan_view_put(v, "example.test", SCAN_TYPE_MX, rz_answer(zone, "example.test", SCAN_TYPE_MX));
    scan_view_missing_clear(v);
    cr_assert_eq(scan_mx_check(v, "example.test", &r), -EAGAIN);
    cr_expect_eq(scan_view_missing_count(v), 4, "A and AAAA of both hosts at once");
    cr_expect_null(r);
    scan_view_free(v);
}

Test(mx, null_mx)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .data = {"0 ."}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "null");
    cr_expect_null(scan_report_result(r)->reason);
    cr_assert_eq(nhosts(r), 1);
    cr_expect_str_eq(rz_str_in(host(r, 0), "host"), ".");
    cr_expect_eq(pref(host(r, 0)), 0);
    cr_expect_eq(rz_nasked, 1, "no address lookups for a null MX");
    scan_report_free(r);
}

Test(mx, null_mx_mixed)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .data = {"10 mx.example.test", "0 ."}},
        {"mx.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "null-mx-mixed");
    cr_assert_eq(nhosts(r), 2);
    cr_expect_str_eq(rz_str_in(host(r, 0), "host"), ".");
    cr_expect_not_null(rz_str_in(host(r, 0), "problem"));
    cr_expect_str_eq(rz_str_in(host(r, 1), "host"), "mx.example.test");
    cr_expect_null(rz_str_in(host(r, 1), "problem"));
    scan_report_free(r);
}

Test(mx, cname_target)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .data = {"10 mail.example.test", "20 mx2.example.test"}},
        {"mail.example.test", SCAN_TYPE_A, .data = {"192.0.2.5"},
         .canon = "mailhost.provider.test"},
        {"mail.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA,
         .canon = "mailhost.provider.test"},
        {"mx2.example.test", SCAN_TYPE_A, .data = {"192.0.2.6"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "cname");
    const char *p = rz_str_in(host(r, 0), "problem");
    cr_assert_not_null(p);
    cr_expect(strstr(p, "mailhost.provider.test") != NULL, "problem: %s", p);
    cr_expect_str_eq(rz_strv_at(host(r, 0), "addresses", 0), "192.0.2.5");
    cr_expect_null(rz_str_in(host(r, 1), "problem"));
    scan_report_free(r);
}

Test(mx, ip_literal)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .data = {"10 192.0.2.1", "20 mx.example.test"}},
        {"mx.example.test", SCAN_TYPE_A, .data = {"192.0.2.2"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "ip-literal");
    cr_expect_str_eq(rz_str_in(host(r, 0), "host"), "192.0.2.1");
    cr_expect_not_null(rz_str_in(host(r, 0), "problem"));
    cr_expect_eq(rz_strv_n(host(r, 0), "addresses"), 0);
    cr_expect_not(rz_was_asked("192.0.2.1", SCAN_TYPE_A), "a literal is not looked up");
    scan_report_free(r);
}

Test(mx, unresolvable_host)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .data = {"10 gone.example.test", "20 mx.example.test"}},
        {"mx.example.test", SCAN_TYPE_A, .data = {"192.0.2.2"}},
        {NULL}, /* gone.example.test: NXDOMAIN for A and AAAA */
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "unresolvable");
    const char *p = rz_str_in(host(r, 0), "problem");
    cr_assert_not_null(p);
    cr_expect(strstr(p, "NXDOMAIN") != NULL, "problem: %s", p);
    cr_expect(rz_was_asked("gone.example.test", SCAN_TYPE_A));
    cr_expect(rz_was_asked("gone.example.test", SCAN_TYPE_AAAA));
    scan_report_free(r);
}

Test(mx, host_without_addresses)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .data = {"10 empty.example.test"}},
        {"empty.example.test", SCAN_TYPE_A, .status = SCAN_DNS_NODATA},
        {"empty.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "unresolvable");
    scan_report_free(r);
}

Test(mx, no_mx_falls_back)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_A, .data = {"192.0.2.80"}},
        {"example.test", SCAN_TYPE_AAAA, .data = {"2001:db8::80"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect_null(scan_report_result(r)->reason);
    cr_expect_eq(rz_strv_n(extra(r), "fallback"), 2);
    cr_expect_str_eq(rz_strv_at(extra(r), "fallback", 0), "192.0.2.80");
    cr_expect_str_eq(rz_strv_at(extra(r), "fallback", 1), "2001:db8::80");
    cr_assert_not_null(rz_field(r, "hosts"), "every line has hosts, [] here");
    cr_expect_eq(rz_field(r, "hosts")->n, 0);
    scan_report_free(r);
}

Test(mx, no_mx_no_address)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_A, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect_str_eq(rz_reason(r), "no-address");
    cr_expect_eq(rz_strv_n(extra(r), "fallback"), 0);
    scan_report_free(r);
}

Test(mx, no_mx_fallback_timeout_is_error)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_A, .status = SCAN_DNS_TIMEOUT},
        {"example.test", SCAN_TYPE_AAAA, .data = {"2001:db8::80"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    scan_report_free(r);
}

Test(mx, nxdomain)
{
    static const struct rz_rec zone[] = {{NULL}};
    struct scan_report *r = run(zone, "nowhere.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "nxdomain");
    cr_expect_eq(rz_nasked, 1);
    scan_report_free(r);
}

Test(mx, servfail_is_error)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .status = SCAN_DNS_SERVFAIL},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "servfail");
    scan_report_free(r);
}

/* A garbage reply is the same reason word for every check (scan_reason_of_dns()). */
Test(mx, bad_response_is_invalid_answer)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .status = SCAN_DNS_BADRESP},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "invalid-answer");
    cr_expect_eq(scan_report_result(r)->outcome, SCAN_OUT_ERROR);
    scan_report_free(r);
}

Test(mx, host_timeout_is_error)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .data = {"10 mx.example.test"}},
        {"mx.example.test", SCAN_TYPE_A, .data = {"192.0.2.1"}},
        {"mx.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_TIMEOUT},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    const char *p = rz_str_in(host(r, 0), "problem");
    cr_assert_not_null(p);
    cr_expect(strstr(p, "AAAA lookup failed: timeout") != NULL, "problem: %s", p);
    scan_report_free(r);
}

Test(mx, invalid_beats_error)
{
    static const struct rz_rec zone[] = {
        {"example.test", SCAN_TYPE_MX, .data = {"10 slow.example.test", "20 gone.example.test"}},
        {"slow.example.test", SCAN_TYPE_A, .status = SCAN_DNS_SERVFAIL},
        {"slow.example.test", SCAN_TYPE_AAAA, .status = SCAN_DNS_SERVFAIL},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "unresolvable");
    scan_report_free(r);
}

Test(mx, bad_input)
{
    struct scan_view *v = scan_view_new();
    struct scan_report *r = (struct scan_report *)1;
    cr_expect_eq(scan_mx_check(v, "", &r), -EINVAL);
    cr_expect_null(r);
    cr_expect_eq(scan_mx_check(v, "a..b", &r), -EINVAL);
    scan_view_free(v);
}
