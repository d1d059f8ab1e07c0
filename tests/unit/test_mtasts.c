/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of scan_mtasts_check() (RFC 8461) through the replay driver of
 * records_zone.h: the record, the policy host, the fetch outcomes (canned as
 * the engine hands them over, scanner/dns/fetch.h), the policy syntax and MX
 * coverage, --no-fetch, and DNS failures.
 */
#include <criterion/criterion.h>

#include "scanner/checks/checks.h"
#include "scanner/dns/fetch.h"
#include "tests/unit/records_zone.h"

static bool fetch = true;

static int run_sts(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_mtasts_check(v, arg, fetch, out);
}

#define REC  "_mta-sts.example.test"
#define HOST "mta-sts.example.test"
#define GOOD                                                                                       \
    "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: "                              \
    "*.mail.example.test\r\nmax_age: 604800\r\n"

/* The record, the host, the MX set and a policy answer. */
static struct scan_report *with_policy(const char *record, const char *body, int http,
                                       enum scan_dns_status st, const char *ctype)
{
    struct rz_rec zone[] = {
        {REC, SCAN_TYPE_TXT, .data = {record}},
        {HOST, SCAN_TYPE_A, .data = {"192.0.2.80"}},
        {HOST, SCAN_TYPE_AAAA, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_MX, .data = {"10 mx1.example.test", "20 a.mail.example.test"}},
        {HOST, SCAN_TYPE_MTA_STS_POLICY, .status = st, .data = {body, ctype}, .rcode = http},
        {NULL},
    };
    return rz_drive(zone, run_sts, "example.test");
}

static struct scan_report *policy(const char *body)
{
    return with_policy("v=STSv1; id=20260101", body, 200, SCAN_DNS_OK, "text/plain");
}

Test(mtasts, valid_enforce_covers_every_mx)
{
    struct scan_report *r = policy(GOOD);
    const struct scan_result *res = scan_report_result(r);
    cr_expect_str_eq(res->check, "mta-sts");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "id"), "20260101");
    cr_expect_str_eq(rz_str(r, "policy_host"), HOST);
    cr_expect(rz_field(r, "fetched")->b);
    cr_expect_str_eq(rz_str(r, "mode"), "enforce");
    cr_expect_eq(rz_field(r, "max_age")->i, 604800);
    cr_expect_eq(rz_strv_n(&res->extra, "mx"), 2);
    cr_expect_eq(rz_strv_n(&res->extra, "uncovered"), 0);
    cr_expect_eq(rz_field(r, "problems")->n, 0);
    cr_expect(rz_was_asked(HOST, SCAN_TYPE_MTA_STS_POLICY));
    scan_report_free(r);
}

Test(mtasts, mx_not_covered)
{
    /* *.mail.example.test matches one label only: deep.a.mail.example.test is not covered */
    struct rz_rec zone[] = {
        {REC, SCAN_TYPE_TXT, .data = {"v=STSv1; id=1"}},
        {HOST, SCAN_TYPE_A, .data = {"192.0.2.80"}},
        {"example.test", SCAN_TYPE_MX,
         .data = {"10 mx1.example.test", "20 deep.a.mail.example.test", "30 mail.example.test"}},
        {HOST, SCAN_TYPE_MTA_STS_POLICY, .data = {GOOD, "text/plain"}, .rcode = 200},
        {NULL},
    };
    struct scan_report *r = rz_drive(zone, run_sts, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "mx-not-covered");
    const struct scan_fields *x = &scan_report_result(r)->extra;
    cr_assert_eq(rz_strv_n(x, "uncovered"), 2);
    cr_expect_str_eq(rz_strv_at(x, "uncovered", 0), "deep.a.mail.example.test");
    cr_expect_str_eq(rz_strv_at(x, "uncovered", 1), "mail.example.test");
    scan_report_free(r);
}

Test(mtasts, policy_syntax)
{
    static const char *const bad[] = {
        "version: STSv2\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n",
        "version: STSv1\nmode: block\nmx: mx1.example.test\nmax_age: 86400\n",
        "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 31557601\n",
        "version: STSv1\nmode: enforce\nmx: mx1.example.test\n",
        "version: STSv1\nmode: enforce\nmax_age: 86400\n",
        "version: STSv1\nmode: enforce\nmx: mx_1..test\nmax_age: 86400\n",
        "mode: enforce\nmx: mx1.example.test\nmax_age: 86400\n",
        "version STSv1\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct scan_report *r = policy(bad[i]);
        cr_expect_str_eq(rz_status(r), "invalid", "%s", bad[i]);
        cr_expect_str_eq(rz_reason(r), "policy-syntax", "%s", bad[i]);
        scan_report_free(r);
    }
}

Test(mtasts, warnings_keep_valid)
{
    struct scan_report *r =
        policy("version: STSv1\nmode: testing\nmx: *.example.test\nmx: *.mail.example.test\n"
               "max_age: 3600\nmode: enforce\nfuture: x\n");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "mode"), "testing", "the first mode counts");
    cr_expect(rz_problem(r, "warning", "mode testing"));
    cr_expect(rz_problem(r, "warning", "under a day"));
    cr_expect(rz_problem(r, "warning", "mode appears more than once"));
    scan_report_free(r);
    r = with_policy("v=STSv1; id=1", "version: STSv1\nmode: none\nmax_age: 86400\n", 200,
                    SCAN_DNS_OK, "text/html");
    cr_expect_str_eq(rz_status(r), "valid", "mode none needs no mx");
    cr_expect(rz_problem(r, "warning", "switched off"));
    cr_expect(rz_problem(r, "warning", "not text/plain"));
    scan_report_free(r);
}

Test(mtasts, fetch_outcomes)
{
    static const struct {
        int http;
        enum scan_dns_status st;
        const char *status, *reason;
    } cases[] = {
        {404, SCAN_DNS_OK, "invalid", "policy-http-status"},
        {301, SCAN_DNS_OK, "invalid", "policy-http-status"},
        {SCAN_FETCH_CERT, SCAN_DNS_BADRESP, "invalid", "policy-certificate"},
        {SCAN_FETCH_TOO_LARGE, SCAN_DNS_BADRESP, "invalid", "policy-too-large"},
        {SCAN_FETCH_TRANSPORT, SCAN_DNS_BADRESP, "error", "fetch-failed"},
        {SCAN_FETCH_TRANSPORT, SCAN_DNS_TIMEOUT, "error", "timeout"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct scan_report *r =
            with_policy("v=STSv1; id=1", "some text", cases[i].http, cases[i].st, "text/plain");
        cr_expect_str_eq(rz_status(r), cases[i].status, "case %zu", i);
        cr_expect_str_eq(rz_reason(r), cases[i].reason, "case %zu", i);
        cr_expect_not(rz_field(r, "fetched")->b);
        scan_report_free(r);
    }
}

Test(mtasts, policy_host_must_resolve)
{
    static const struct rz_rec zone[] = {
        {REC, SCAN_TYPE_TXT, .data = {"v=STSv1; id=1"}},
        {NULL},
    };
    struct scan_report *r = rz_drive(zone, run_sts, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "no-policy-host");
    cr_expect_not(rz_was_asked(HOST, SCAN_TYPE_MTA_STS_POLICY), "nothing to connect to");
    scan_report_free(r);
}

Test(mtasts, record_rules)
{
    static const struct {
        const char *rec, *status, *reason;
    } cases[] = {
        {"v=STSv1;", "invalid", "missing-tag"},
        {"v=STSv1; id=this-has-dashes", "invalid", "invalid-value"},
        {"v=STSv1; id=123456789012345678901234567890123", "invalid", "invalid-value"},
        {"v=STSv1; id=1; id=2", "invalid", "duplicate-tag"},
        {"id=1; v=STSv1", "none", NULL},
        {"v=STSv10; id=1", "none", NULL},
    };
    fetch = false;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rz_rec zone[] = {{REC, SCAN_TYPE_TXT, .data = {cases[i].rec}}, {NULL}};
        struct scan_report *r = rz_drive(zone, run_sts, "example.test");
        cr_expect_str_eq(rz_status(r), cases[i].status, "%s", cases[i].rec);
        if (cases[i].reason)
            cr_expect_str_eq(rz_reason(r), cases[i].reason, "%s", cases[i].rec);
        scan_report_free(r);
    }
    static const struct rz_rec two[] = {
        {REC, SCAN_TYPE_TXT, .data = {"v=STSv1; id=1", "v=STSv1; id=2"}},
        {NULL},
    };
    struct scan_report *r = rz_drive(two, run_sts, "example.test");
    cr_expect_str_eq(rz_reason(r), "multiple-records");
    scan_report_free(r);
    fetch = true;
}

Test(mtasts, no_fetch_judges_the_record_only)
{
    static const struct rz_rec zone[] = {
        {REC, SCAN_TYPE_TXT, .data = {"v=STSv1; id=20260101"}},
        {NULL},
    };
    fetch = false;
    struct scan_report *r = rz_drive(zone, run_sts, "example.test");
    fetch = true;
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_not(rz_field(r, "fetched")->b);
    cr_expect_null(rz_str(r, "mode"));
    cr_expect_eq(rz_nasked, 1, "one query: the record");
    scan_report_free(r);
}

Test(mtasts, dns_failures_are_errors)
{
    static const struct rz_rec rec[] = {{REC, SCAN_TYPE_TXT, .status = SCAN_DNS_SERVFAIL}, {NULL}};
    struct scan_report *r = rz_drive(rec, run_sts, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "servfail");
    scan_report_free(r);
    static const struct rz_rec host[] = {
        {REC, SCAN_TYPE_TXT, .data = {"v=STSv1; id=1"}},
        {HOST, SCAN_TYPE_A, .status = SCAN_DNS_TIMEOUT},
        {NULL},
    };
    r = rz_drive(host, run_sts, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    scan_report_free(r);
    static const struct rz_rec mx[] = {
        {REC, SCAN_TYPE_TXT, .data = {"v=STSv1; id=1"}},
        {HOST, SCAN_TYPE_A, .data = {"192.0.2.80"}},
        {"example.test", SCAN_TYPE_MX, .status = SCAN_DNS_REFUSED},
        {HOST, SCAN_TYPE_MTA_STS_POLICY, .data = {GOOD, "text/plain"}, .rcode = 200},
        {NULL},
    };
    r = rz_drive(mx, run_sts, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "refused");
    scan_report_free(r);
}
