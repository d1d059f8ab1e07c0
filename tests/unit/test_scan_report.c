/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the report builder's several-results contract
 * (scan_report_add()): a check that yields one result per item (dkim: per
 * selector) hands every result to the engine, in order, with its own fields.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/report.h"

Test(report, one_result_by_default)
{
    struct scan_report *r = scan_report_new("example.test", SCAN_CHECK_SPF);
    cr_assert_not_null(r);
    cr_assert_eq(scan_report_count(r), 1);
    const struct scan_result *res = scan_report_result_at(r, 0);
    cr_assert_not_null(res);
    cr_expect_str_eq(res->status, "error");
    cr_expect_str_eq(res->reason, "internal");
    scan_report_free(r);
}

Test(report, several_results_in_order_with_their_own_fields)
{
    struct scan_report *r = scan_report_new("example.test", SCAN_CHECK_DKIM);
    scan_report_status(r, SCAN_ST_VALID, SCAN_R_NONE);
    scan_report_str(r, "selector", "s1");
    struct scan_report *b = scan_report_add(r);
    cr_assert_not_null(b);
    scan_report_status(b, SCAN_ST_REVOKED, SCAN_R_NONE);
    scan_report_str(b, "selector", "s2");
    struct scan_report *c = scan_report_add(r);
    scan_report_status(c, SCAN_ST_INVALID, SCAN_R_WEAK_KEY);
    cr_assert_null(scan_report_add(b), "only the head starts further results");
    cr_assert_eq(scan_report_count(r), 3);
    const char *want[][2] = {{"valid", "s1"}, {"revoked", "s2"}, {"invalid", NULL}};
    for (size_t i = 0; i < 3; i++) {
        const struct scan_result *res = scan_report_result_at(r, i);
        cr_assert_not_null(res);
        cr_expect_str_eq(res->target, "example.test");
        cr_expect_str_eq(res->check, "dkim");
        cr_expect_str_eq(res->status, want[i][0]);
        if (want[i][1]) {
            cr_assert_eq(res->extra.n, 1);
            cr_expect_str_eq(res->extra.f[0].str, want[i][1]);
        } else {
            cr_expect_eq(res->extra.n, 0);
            cr_expect_str_eq(res->reason, "weak-key");
        }
    }
    cr_expect_null(scan_report_result_at(r, 3));
    cr_expect_str_eq(scan_report_result(r)->status, "valid", "the head is result 0");
    scan_report_free(r);
}
