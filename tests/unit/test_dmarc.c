/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of scan_dmarc_check(): discovery, organizational-domain
 * fallback, tag syntax, external report authorization and DNS failures,
 * through the replay driver of records_zone.h.
 */
#include <criterion/criterion.h>

#include "scanner/checks/checks.h"
#include "tests/unit/records_zone.h"

static int run_dmarc(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_dmarc_check(v, arg, out);
}

static struct scan_report *run(const struct rz_rec *zone, const char *domain)
{
    return rz_drive(zone, run_dmarc, domain);
}

static const struct scan_fields *extra(struct scan_report *r)
{
    return &scan_report_result(r)->extra;
}

/*
 * Count problems with @p severity whose tag is @p tag (NULL: any tag) and
 * whose message contains @p needle (NULL: any message).
 */
static size_t problems(struct scan_report *r, const char *severity, const char *tag,
                       const char *needle)
{
    const struct scan_field *f = rz_field(r, "problems");
    size_t n = 0;
    if (!f)
        return 0;
    cr_assert_eq(f->type, SCAN_F_OBJV);
    for (size_t i = 0; i < f->n; i++) {
        const struct scan_fields *o = &f->objv[i];
        const char *sev = rz_str_in(o, "severity");
        const char *t = rz_str_in(o, "tag");
        const char *msg = rz_str_in(o, "message");
        cr_assert_not_null(sev);
        cr_assert_not_null(msg);
        if (strcmp(sev, severity) != 0)
            continue;
        if (tag && (!t || strcmp(t, tag) != 0))
            continue;
        if (needle && !strstr(msg, needle))
            continue;
        n++;
    }
    return n;
}

static int64_t pct(struct scan_report *r)
{
    const struct scan_field *f = rz_field(r, "pct");
    cr_assert_not_null(f);
    cr_assert_eq(f->type, SCAN_F_INT);
    return f->i;
}

Test(dmarc, valid)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; pct=100; fo=0:d; "
                  "rf=afrf; ri=86400; rua=mailto:dmarc@example.test!10m, "
                  "mailto:agg@sub.example.test; ruf=mailto:forensic@example.test"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    const struct scan_result *res = scan_report_result(r);
    cr_expect_str_eq(res->check, "dmarc");
    cr_expect_str_eq(res->target, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_null(res->reason);
    cr_expect_str_eq(rz_str(r, "policy_domain"), "example.test");
    cr_expect_str_eq(rz_str(r, "record"), zone[0].data[0]);
    cr_expect_str_eq(rz_str(r, "p"), "reject");
    cr_expect_str_eq(rz_str(r, "sp"), "quarantine");
    cr_expect_eq(pct(r), 100);
    cr_expect_eq(rz_strv_n(extra(r), "rua"), 2);
    cr_expect_str_eq(rz_strv_at(extra(r), "rua", 0), "mailto:dmarc@example.test!10m");
    cr_expect_str_eq(rz_strv_at(extra(r), "rua", 1), "mailto:agg@sub.example.test");
    cr_expect_eq(rz_strv_n(extra(r), "ruf"), 1);
    cr_expect_eq(rz_field(r, "problems")->n, 0, "no problems at all: an empty array");
    cr_expect_eq(rz_nasked, 1, "internal destinations need no authorization lookup");
    scan_report_free(r);
}

/* The record field shows every byte, none able to act on a terminal: the scanner's one
 * rule for record fields (scanner/core/text.h), as the SPF record's. */
Test(dmarc, record_field_escapes_bytes_as_spf_does)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=none; x=\x1b[2J\xff\\"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_str(r, "record"), "v=DMARC1; p=none; x=\\x1b[2J\\xff\\\\");
    scan_report_free(r);
}

Test(dmarc, missing_is_none)
{
    static const struct rz_rec zone[] = {{NULL}};
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect_null(rz_str(r, "record"));
    cr_expect_null(rz_str(r, "policy_domain"));
    cr_expect_eq(rz_nasked, 1, "example.test is its own organizational domain");
    scan_report_free(r);
}

Test(dmarc, org_domain_fallback)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=quarantine; rua=mailto:d@example.test"}},
        {NULL}, /* _dmarc.mail.example.test: NXDOMAIN */
    };
    struct scan_report *r = run(zone, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(scan_report_result(r)->target, "mail.example.test");
    cr_expect_str_eq(rz_str(r, "policy_domain"), "example.test");
    cr_expect_str_eq(rz_str(r, "p"), "quarantine");
    cr_expect(rz_was_asked("_dmarc.mail.example.test", SCAN_TYPE_TXT));
    cr_expect(rz_was_asked("_dmarc.example.test", SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(dmarc, org_domain_fallback_uk)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.co.uk", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=reject; rua=mailto:d@example.co.uk"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "a.b.example.co.uk");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "policy_domain"), "example.co.uk");
    cr_expect_not(rz_was_asked("_dmarc.b.example.co.uk", SCAN_TYPE_TXT), "no tree walk");
    scan_report_free(r);
}

Test(dmarc, fallback_none)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.mail.example.test", SCAN_TYPE_TXT, .data = {"v=spf1 -all"}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    struct scan_report *r = run(zone, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "none", "an SPF record at _dmarc is not a policy");
    cr_expect(rz_was_asked("_dmarc.example.test", SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(dmarc, servfail_is_error)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.mail.example.test", SCAN_TYPE_TXT, .status = SCAN_DNS_SERVFAIL},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=reject"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "servfail");
    cr_expect_not(rz_was_asked("_dmarc.example.test", SCAN_TYPE_TXT),
                  "no fallback after a failure: the first name may hold the policy");
    scan_report_free(r);
}

Test(dmarc, fallback_timeout_is_error)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT, .status = SCAN_DNS_TIMEOUT},
        {NULL},
    };
    struct scan_report *r = run(zone, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    scan_report_free(r);
}

/* One record at _dmarc.example.test; expect invalid with @p reason and an error on @p tag. */
static void expect_invalid(const char *record, const char *reason, const char *tag)
{
    struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {record}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid", "%s", record);
    cr_expect_str_eq(rz_reason(r), reason, "%s", record);
    cr_expect_geq(problems(r, "error", tag, NULL), 1, "%s: no error on tag %s", record,
                  tag ? tag : "(any)");
    cr_expect_str_eq(rz_str(r, "record"), record);
    scan_report_free(r);
}

Test(dmarc, bad_policy_value)
{
    expect_invalid("v=DMARC1; p=block; rua=mailto:d@example.test", "invalid-value", "p");
}

Test(dmarc, pct_out_of_range)
{
    expect_invalid("v=DMARC1; p=reject; pct=150; rua=mailto:d@example.test", "invalid-value",
                   "pct");
    expect_invalid("v=DMARC1; p=reject; pct=5x; rua=mailto:d@example.test", "invalid-value", "pct");
}

Test(dmarc, duplicate_tag)
{
    expect_invalid("v=DMARC1; p=reject; rua=mailto:d@example.test; p=none", "duplicate-tag", "p");
    expect_invalid("v=DMARC1; p=reject; P=reject", "duplicate-tag", "p");
}

Test(dmarc, version_not_first)
{
    expect_invalid("p=reject; v=DMARC1; rua=mailto:d@example.test", "version-not-first", NULL);
}

Test(dmarc, missing_policy)
{
    expect_invalid("v=DMARC1; rua=mailto:d@example.test", "missing-policy", "p");
}

Test(dmarc, other_bad_values)
{
    expect_invalid("v=DMARC1; p=none; adkim=x", "invalid-value", "adkim");
    expect_invalid("v=DMARC1; p=none; aspf=relaxed", "invalid-value", "aspf");
    expect_invalid("v=DMARC1; p=none; fo=0:2", "invalid-value", "fo");
    expect_invalid("v=DMARC1; p=none; rf=iodef", "invalid-value", "rf");
    expect_invalid("v=DMARC1; p=none; ri=1h", "invalid-value", "ri");
    expect_invalid("v=DMARC1; p=none; sp=all", "invalid-value", "sp");
}

Test(dmarc, bad_report_uris)
{
    expect_invalid("v=DMARC1; p=none; rua=dmarc@example.test", "bad-report-uri", "rua");
    expect_invalid("v=DMARC1; p=none; rua=https://example.test/r", "bad-report-uri", "rua");
    expect_invalid("v=DMARC1; p=none; rua=mailto:example.test", "bad-report-uri", "rua");
    expect_invalid("v=DMARC1; p=none; rua=mailto:d@example.test!ten", "bad-report-uri", "rua");
    expect_invalid("v=DMARC1; p=none; ruf=mailto:d@example.test,", "bad-report-uri", "ruf");
    /* ';' between URIs leaves a segment that is not tag=value */
    expect_invalid("v=DMARC1; p=none; rua=mailto:a@example.test;mailto:b@example.test",
                   "malformed-tag", NULL);
}

Test(dmarc, two_records)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=reject", "v=DMARC1; p=none"}},
        {"_dmarc.mail.example.test", SCAN_TYPE_TXT, .status = SCAN_DNS_NXDOMAIN},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "multiple-records");
    cr_expect_null(rz_str(r, "record"));
    cr_expect_str_eq(rz_str(r, "policy_domain"), "example.test");
    cr_expect_eq(problems(r, "error", NULL, "2 DMARC records"), 1);
    scan_report_free(r);

    /* Found at the first name: no fallback. */
    static const struct rz_rec zone2[] = {
        {"_dmarc.mail.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=reject", "v=DMARC1; p=none"}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=reject"}},
        {NULL},
    };
    r = run(zone2, "mail.example.test");
    cr_expect_str_eq(rz_reason(r), "multiple-records");
    cr_expect_not(rz_was_asked("_dmarc.example.test", SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(dmarc, external_rua_unauthorized)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data =
             {"v=DMARC1; p=reject; rua=mailto:d@example.test,mailto:agg@reports.dmarc-svc.test"}},
        {NULL}, /* no authorization record */
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "unauthorized-external-report");
    cr_expect(rz_was_asked("example.test._report._dmarc.reports.dmarc-svc.test", SCAN_TYPE_TXT));
    cr_expect_eq(problems(r, "error", "rua", "mailto:agg@reports.dmarc-svc.test"), 1);
    cr_expect_eq(rz_strv_n(extra(r), "rua"), 2, "the URI is still listed");
    scan_report_free(r);
}

Test(dmarc, external_rua_authorized)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=reject; rua=mailto:agg@reports.dmarc-svc.test; "
                  "ruf=mailto:f@dmarc-svc.test"}},
        {"example.test._report._dmarc.reports.dmarc-svc.test", SCAN_TYPE_TXT, .data = {"v=DMARC1"}},
        {"example.test._report._dmarc.dmarc-svc.test", SCAN_TYPE_TXT, .data = {"v=DMARC1;"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_eq(rz_field(r, "problems")->n, 0);
    scan_report_free(r);
}

Test(dmarc, external_authorization_uses_policy_domain)
{
    /* Found at the organizational domain: the authorization names that domain. */
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=reject; rua=mailto:agg@dmarc-svc.test"}},
        {"example.test._report._dmarc.dmarc-svc.test", SCAN_TYPE_TXT, .data = {"v=DMARC1"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_not(rz_was_asked("mail.example.test._report._dmarc.dmarc-svc.test", SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(dmarc, external_authorization_timeout_is_error)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=reject; rua=mailto:agg@dmarc-svc.test"}},
        {"example.test._report._dmarc.dmarc-svc.test", SCAN_TYPE_TXT, .status = SCAN_DNS_TIMEOUT},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    cr_expect_eq(problems(r, "warning", "rua", "could not verify"), 1);
    scan_report_free(r);
}

Test(dmarc, external_authorization_wrong_record)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=reject; rua=mailto:agg@dmarc-svc.test"}},
        {"example.test._report._dmarc.dmarc-svc.test", SCAN_TYPE_TXT, .data = {"v=spf1 -all"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_reason(r), "unauthorized-external-report");
    scan_report_free(r);
}

Test(dmarc, authorization_lookups_in_one_round)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=reject; rua=mailto:a@one.test,mailto:b@two.test; "
                  "ruf=mailto:c@three.test"}},
        {NULL},
    };
    struct scan_view *v = scan_view_new();
    struct scan_report *r = NULL;
    cr_assert_eq(scan_dmarc_check(v, "example.test", &r), -EAGAIN);
    scan_view_put(v, "_dmarc.example.test", SCAN_TYPE_TXT,
                  rz_answer(zone, "_dmarc.example.test", SCAN_TYPE_TXT));
    scan_view_missing_clear(v);
    cr_assert_eq(scan_dmarc_check(v, "example.test", &r), -EAGAIN);
    cr_expect_eq(scan_view_missing_count(v), 3);
    cr_expect_null(r);
    scan_view_free(v);
}

Test(dmarc, p_none_warning)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=none"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "p"), "none");
    cr_expect_eq(problems(r, "warning", "p", "p=none"), 1);
    cr_expect_eq(problems(r, "warning", "rua", "no rua"), 1);
    cr_expect_eq(problems(r, "error", NULL, NULL), 0);
    scan_report_free(r);
}

Test(dmarc, posture_warnings)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; p=reject; sp=none; pct=50; fo=1; rua=mailto:d@example.test"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_eq(pct(r), 50);
    cr_expect_eq(problems(r, "warning", "pct", NULL), 1);
    cr_expect_eq(problems(r, "warning", "sp", NULL), 1);
    cr_expect_eq(problems(r, "warning", "fo", "ruf"), 1);
    cr_expect_eq(problems(r, "warning", "rua", NULL), 0);
    scan_report_free(r);
}

Test(dmarc, tolerated_variants)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v = dmarc1 ;P=Reject;;rua=mailto:d@example.test; future=yes;", "v=spf1 -all"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "p"), "reject");
    cr_expect_eq(problems(r, "warning", "future", "unknown tag"), 1);
    cr_expect_eq(problems(r, "warning", "v", "DMARC1"), 1);
    cr_expect_eq(problems(r, "warning", NULL, "not DMARC records"), 1);
    cr_expect_eq(problems(r, "error", NULL, NULL), 0);
    scan_report_free(r);
}

Test(dmarc, p_not_second_warning)
{
    static const struct rz_rec zone[] = {
        {"_dmarc.example.test", SCAN_TYPE_TXT,
         .data = {"v=DMARC1; rua=mailto:d@example.test; p=reject"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_eq(problems(r, "warning", "p", "directly follow"), 1);
    scan_report_free(r);
}

Test(dmarc, bad_input)
{
    struct scan_view *v = scan_view_new();
    struct scan_report *r = (struct scan_report *)1;
    cr_expect_eq(scan_dmarc_check(v, "", &r), -EINVAL);
    cr_expect_null(r);
    scan_view_free(v);
}
