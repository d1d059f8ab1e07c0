/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of scan_tlsrpt_check() (RFC 8460 section 3) through the replay
 * driver of records_zone.h: discovery, the version rule, rua URIs, tag-list
 * errors and DNS failures.
 */
#include <criterion/criterion.h>

#include "scanner/checks/checks.h"
#include "tests/unit/records_zone.h"

static int run_tlsrpt(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_tlsrpt_check(v, arg, out);
}

static struct scan_report *run(const struct rz_rec *zone)
{
    return rz_drive(zone, run_tlsrpt, "example.test");
}

#define AT "_smtp._tls.example.test"

Test(tlsrpt, valid_mailto_and_https)
{
    static const struct rz_rec zone[] = {
        {AT, SCAN_TYPE_TXT,
         .data = {"v=TLSRPTv1; rua=mailto:tls@example.test, https://reports.example.test/tls",
                  "some other text"}},
        {NULL},
    };
    struct scan_report *r = run(zone);
    const struct scan_result *res = scan_report_result(r);
    cr_expect_str_eq(res->check, "tls-rpt");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "record"), zone[0].data[0]);
    cr_assert_eq(rz_strv_n(&res->extra, "rua"), 2);
    cr_expect_str_eq(rz_strv_at(&res->extra, "rua", 1), "https://reports.example.test/tls");
    cr_expect(rz_problem(r, "warning", "not TLS-RPT records"));
    cr_expect(rz_was_asked(AT, SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(tlsrpt, extension_tags_ignored)
{
    static const struct rz_rec zone[] = {
        {AT, SCAN_TYPE_TXT, .data = {"v=TLSRPTv1;rua=mailto:a@example.test;ext=1;"}},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_eq(rz_field(r, "problems")->n, 0);
    scan_report_free(r);
}

Test(tlsrpt, none_when_absent_or_not_tlsrpt)
{
    static const struct rz_rec nx[] = {{NULL}};
    struct scan_report *r = run(nx);
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect_null(rz_str(r, "record"));
    scan_report_free(r);
    /* "v=TLSRPTv10" and a record that does not begin with the version are discarded */
    static const struct rz_rec other[] = {
        {AT, SCAN_TYPE_TXT,
         .data = {"v=TLSRPTv10; rua=mailto:a@example.test",
                  "rua=mailto:a@example.test; v=TLSRPTv1"}},
        {NULL},
    };
    r = run(other);
    cr_expect_str_eq(rz_status(r), "none");
    scan_report_free(r);
}

Test(tlsrpt, multiple_records_invalid)
{
    static const struct rz_rec zone[] = {
        {AT, SCAN_TYPE_TXT,
         .data = {"v=TLSRPTv1; rua=mailto:a@example.test",
                  "v=TLSRPTv1; rua=mailto:b@example.test"}},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "multiple-records");
    cr_expect_null(rz_str(r, "record"));
    scan_report_free(r);
}

Test(tlsrpt, rua_required_and_checked)
{
    static const struct rz_rec missing[] = {
        {AT, SCAN_TYPE_TXT, .data = {"v=TLSRPTv1; ruf=mailto:a@example.test"}},
        {NULL},
    };
    struct scan_report *r = run(missing);
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "missing-tag");
    scan_report_free(r);

    static const struct rz_rec bad[] = {
        {AT, SCAN_TYPE_TXT, .data = {"v=TLSRPTv1; rua=http://reports.example.test/, mailto:x"}},
        {NULL},
    };
    r = run(bad);
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "bad-report-uri");
    cr_expect(rz_problem(r, "error", "http://reports.example.test/"));
    cr_expect(rz_problem(r, "error", "'mailto:x'"));
    scan_report_free(r);

    static const struct rz_rec empty[] = {{AT, SCAN_TYPE_TXT, .data = {"v=TLSRPTv1; rua="}},
                                          {NULL}};
    r = run(empty);
    cr_expect_str_eq(rz_reason(r), "bad-report-uri");
    scan_report_free(r);
}

Test(tlsrpt, tag_list_errors)
{
    static const struct rz_rec zone[] = {
        {AT, SCAN_TYPE_TXT, .data = {"v=TLSRPTv1; rua=mailto:a@example.test; rua=mailto:b@x.test"}},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_expect_str_eq(rz_reason(r), "duplicate-tag");
    scan_report_free(r);
    static const struct rz_rec junk[] = {
        {AT, SCAN_TYPE_TXT, .data = {"v=TLSRPTv1; rua=mailto:a@example.test; junk"}},
        {NULL},
    };
    r = run(junk);
    cr_expect_str_eq(rz_reason(r), "malformed-tag");
    scan_report_free(r);
}

Test(tlsrpt, dns_failure_is_error_never_none)
{
    enum scan_dns_status fails[] = {SCAN_DNS_TIMEOUT, SCAN_DNS_SERVFAIL, SCAN_DNS_REFUSED,
                                    SCAN_DNS_BADRESP};
    const char *words[] = {"timeout", "servfail", "refused", "invalid-answer"};
    for (size_t i = 0; i < 4; i++) {
        struct rz_rec zone[] = {{AT, SCAN_TYPE_TXT, .status = fails[i]}, {NULL}};
        struct scan_report *r = run(zone);
        cr_expect_str_eq(rz_status(r), "error");
        cr_expect_str_eq(rz_reason(r), words[i]);
        scan_report_free(r);
    }
}
