/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the report builder's several-results contract
 * (scan_report_add()): a check that yields one result per item (dkim: per
 * selector) hands every result to the engine, in order, with its own fields;
 * and scan_check_call_run(), the adapter the replay drivers call checks through.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "scanner/checks/report.h"

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

Test(report, fields_and_objects)
{
    struct scan_report *r = scan_report_new("example.test", SCAN_CHECK_SPF);
    scan_report_status(r, SCAN_ST_INVALID, SCAN_R_TOO_MANY_LOOKUPS);
    scan_report_str(r, "record", "v=spf1 -all");
    scan_report_int(r, "lookups", 11);
    struct scan_report_obj *p = scan_report_obj_add(r, "problems");
    scan_report_obj_str(p, "severity", "error");
    scan_report_strv_add(r, "ptr", "a.test");
    scan_report_strv_add(r, "ptr", "b.test");
    struct scan_report_obj *q = scan_report_obj_add(r, "problems");
    scan_report_obj_str(q, "severity", "warning");
    const struct scan_result *res = scan_report_result(r);
    cr_assert_not_null(res);
    cr_assert_str_eq(res->check, "spf");
    cr_assert_str_eq(res->status, "invalid");
    cr_assert_str_eq(res->reason, "too-many-lookups");
    cr_assert_eq(res->outcome, SCAN_OUT_PROBLEM);
    cr_assert_eq(res->extra.n, 4);
    cr_assert_str_eq(res->extra.f[0].str, "v=spf1 -all");
    cr_assert_eq(res->extra.f[1].i, 11);
    cr_assert_eq(res->extra.f[2].type, SCAN_F_OBJV);
    cr_assert_eq(res->extra.f[2].n, 2);
    cr_assert_str_eq(res->extra.f[2].objv[1].f[0].str, "warning");
    cr_assert_eq(res->extra.f[3].n, 2);
    cr_assert_str_eq(res->extra.f[3].strv[1], "b.test");
    scan_report_free(r);
}

Test(report, undecided_is_an_internal_error)
{
    struct scan_report *r = scan_report_new("192.0.2.1", SCAN_CHECK_FCRDNS);
    const struct scan_result *res = scan_report_result(r);
    cr_assert_not_null(res);
    cr_assert_str_eq(res->status, "error");
    cr_assert_str_eq(res->reason, "internal");
    cr_assert_eq(res->outcome, SCAN_OUT_ERROR);
    scan_report_free(r);
}

/* ---- scan_check_call_run() ---------------------------------------------------- */

/* A check that reads one TXT answer: a report when it is there, -EAGAIN before. */
static int txt_check(struct scan_view *v, const void *arg, struct scan_report **out)
{
    const struct scan_answer *a;
    *out = NULL;
    int ret = scan_view_get(v, arg, SCAN_TYPE_TXT, &a);
    if (ret != 0)
        return ret;
    *out = scan_report_new(arg, SCAN_CHECK_SPF);
    scan_report_status(*out, a->status == SCAN_DNS_OK ? SCAN_ST_VALID : SCAN_ST_NONE, SCAN_R_NONE);
    return *out ? 0 : -ENOMEM;
}

static struct scan_answer *nodata(void *arg, const char *name, uint16_t type, unsigned flags)
{
    (void)arg, (void)name, (void)flags;
    return scan_answer_new_status(SCAN_DNS_NODATA, type);
}

Test(check_call, hands_the_report_through_the_driver)
{
    struct scan_view *v = scan_view_new();
    struct scan_check_call call = {txt_check, "example.test"};
    void *out = &call;
    cr_assert_eq(scan_check_call_run(v, &call, &out), -EAGAIN);
    cr_assert_null(out, "no report with -EAGAIN");
    cr_assert_eq(scan_view_missing_count(v), 1);

    struct scan_view_driver d = {scan_check_call_run, &call, nodata, NULL, 2};
    cr_assert_eq(scan_view_drive(v, &d, &out), 0);
    struct scan_report *r = out;
    cr_assert_not_null(r);
    const struct scan_result *res = scan_report_result(r);
    cr_assert_str_eq(res->target, "example.test");
    cr_assert_str_eq(res->status, "none");
    scan_report_free(r);

    call.arg = "bad..name";
    cr_assert_eq(scan_check_call_run(v, &call, &out), -EINVAL, "the check's error as is");
    cr_assert_null(out);
    scan_view_free(v);
}
