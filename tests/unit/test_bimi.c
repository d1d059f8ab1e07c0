/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of scan_bimi_check() through the replay driver of
 * records_zone.h: discovery (selector, organizational-domain fallback), the
 * tags (l, a, declination), and the DMARC enforcement BIMI requires.
 */
#include <criterion/criterion.h>

#include "scanner/checks/checks.h"
#include "tests/unit/records_zone.h"

static const char *selector;

static int run_bimi(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_bimi_check(v, arg, selector, out);
}

static struct scan_report *run(const struct rz_rec *zone, const char *domain)
{
    return rz_drive(zone, run_bimi, domain);
}

#define LOGO     "v=BIMI1; l=https://brand.example.test/logo.svg; a=https://brand.example.test/vmc.pem"
#define ENFORCED "v=DMARC1; p=reject; rua=mailto:d@example.test"

Test(bimi, valid_with_enforcing_dmarc)
{
    static const struct rz_rec zone[] = {
        {"default._bimi.example.test", SCAN_TYPE_TXT, .data = {LOGO}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {ENFORCED}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    const struct scan_result *res = scan_report_result(r);
    cr_expect_str_eq(res->check, "bimi");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "selector"), "default");
    cr_expect_str_eq(rz_str(r, "record_domain"), "example.test");
    cr_expect_str_eq(rz_str(r, "l"), "https://brand.example.test/logo.svg");
    cr_expect_str_eq(rz_str(r, "a"), "https://brand.example.test/vmc.pem");
    cr_expect_str_eq(rz_str(r, "dmarc_policy"), "reject");
    cr_expect_eq(rz_field(r, "problems")->n, 0);
    scan_report_free(r);
}

Test(bimi, other_selector)
{
    static const struct rz_rec zone[] = {
        {"brand._bimi.example.test", SCAN_TYPE_TXT, .data = {LOGO}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {ENFORCED}},
        {NULL},
    };
    selector = "brand";
    struct scan_report *r = run(zone, "example.test");
    selector = NULL;
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "selector"), "brand");
    cr_expect_not(rz_was_asked("default._bimi.example.test", SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(bimi, none_and_org_fallback)
{
    static const struct rz_rec nx[] = {{NULL}};
    struct scan_report *r = run(nx, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect(rz_was_asked("default._bimi.mail.example.test", SCAN_TYPE_TXT));
    cr_expect(rz_was_asked("default._bimi.example.test", SCAN_TYPE_TXT));
    cr_expect_null(rz_str(r, "record_domain"));
    scan_report_free(r);

    static const struct rz_rec zone[] = {
        {"default._bimi.example.test", SCAN_TYPE_TXT, .data = {LOGO}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {ENFORCED}},
        {NULL},
    };
    r = run(zone, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "record_domain"), "example.test");
    scan_report_free(r);
}

Test(bimi, declination_needs_no_dmarc)
{
    static const struct rz_rec zone[] = {
        {"default._bimi.example.test", SCAN_TYPE_TXT, .data = {"v=BIMI1; l=; a=;"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    const struct scan_field *d = rz_field(r, "declined");
    cr_assert_not_null(d);
    cr_expect(d->b);
    cr_expect_not(rz_was_asked("_dmarc.example.test", SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(bimi, dmarc_not_enforced)
{
    static const char *const weak[] = {
        "v=DMARC1; p=none; rua=mailto:d@example.test",
        "v=DMARC1; p=quarantine; pct=50; rua=mailto:d@example.test",
        "v=DMARC1; p=block",
    };
    for (size_t i = 0; i < 3; i++) {
        struct rz_rec zone[] = {
            {"default._bimi.example.test", SCAN_TYPE_TXT, .data = {LOGO}},
            {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {weak[i]}},
            {NULL},
        };
        struct scan_report *r = run(zone, "example.test");
        cr_expect_str_eq(rz_status(r), "invalid", "%s", weak[i]);
        cr_expect_str_eq(rz_reason(r), "dmarc-not-enforced", "%s", weak[i]);
        scan_report_free(r);
    }
    static const struct rz_rec none[] = {
        {"default._bimi.example.test", SCAN_TYPE_TXT, .data = {LOGO}},
        {NULL},
    };
    struct scan_report *r = run(none, "example.test");
    cr_expect_str_eq(rz_reason(r), "dmarc-not-enforced");
    cr_expect(rz_problem(r, "error", "no DMARC record"));
    scan_report_free(r);
}

Test(bimi, subdomain_policy_and_org_domain_enforcement)
{
    /* The subdomain inherits sp=none from its organizational domain. */
    static const struct rz_rec sp_none[] = {
        {"default._bimi.mail.example.test", SCAN_TYPE_TXT, .data = {LOGO}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=reject; sp=none"}},
        {NULL},
    };
    struct scan_report *r = run(sp_none, "mail.example.test");
    cr_expect_str_eq(rz_reason(r), "dmarc-not-enforced");
    cr_expect_str_eq(rz_str(r, "dmarc_policy"), "none");
    scan_report_free(r);
    /* Its own record enforces, but the organizational domain's does not. */
    static const struct rz_rec org_weak[] = {
        {"default._bimi.mail.example.test", SCAN_TYPE_TXT, .data = {LOGO}},
        {"_dmarc.mail.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=reject"}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=none"}},
        {NULL},
    };
    r = run(org_weak, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "dmarc-not-enforced");
    cr_expect(rz_problem(r, "error", "organizational domain example.test"));
    scan_report_free(r);
    static const struct rz_rec both[] = {
        {"default._bimi.mail.example.test", SCAN_TYPE_TXT, .data = {LOGO}},
        {"_dmarc.mail.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=reject"}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {"v=DMARC1; p=quarantine"}},
        {NULL},
    };
    r = run(both, "mail.example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    scan_report_free(r);
}

Test(bimi, tags)
{
    static const struct {
        const char *rec, *reason;
    } cases[] = {
        {"v=BIMI1; a=https://brand.example.test/vmc.pem", "missing-tag"},
        {"v=BIMI1; l=http://brand.example.test/logo.svg", "bad-uri"},
        {"v=BIMI1; l=https://brand.example.test/logo.svg; a=ftp://x.example.test/a.pem", "bad-uri"},
        {"v=BIMI1; l=https://brand.example.test/logo.svg; l=https://b.example.test/x.svg",
         "duplicate-tag"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rz_rec zone[] = {
            {"default._bimi.example.test", SCAN_TYPE_TXT, .data = {cases[i].rec}},
            {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {ENFORCED}},
            {NULL},
        };
        struct scan_report *r = run(zone, "example.test");
        cr_expect_str_eq(rz_status(r), "invalid", "%s", cases[i].rec);
        cr_expect_str_eq(rz_reason(r), cases[i].reason, "%s", cases[i].rec);
        scan_report_free(r);
    }
    static const struct rz_rec warn[] = {
        {"default._bimi.example.test", SCAN_TYPE_TXT,
         .data = {"v=BIMI1; l=https://brand.example.test/logo.png, "
                  "https://brand.example.test/b.svg"}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .data = {ENFORCED}},
        {NULL},
    };
    struct scan_report *r = run(warn, "example.test");
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect(rz_problem(r, "warning", ".svg"));
    cr_expect(rz_problem(r, "warning", "no mark certificate"));
    cr_expect_str_eq(rz_str(r, "l"),
                     "https://brand.example.test/logo.png, https://brand.example.test/b.svg");
    scan_report_free(r);
}

Test(bimi, multiple_records)
{
    static const struct rz_rec zone[] = {
        {"default._bimi.example.test", SCAN_TYPE_TXT, .data = {LOGO, "v=BIMI1; l=; a=;"}},
        {NULL},
    };
    struct scan_report *r = run(zone, "example.test");
    cr_expect_str_eq(rz_reason(r), "multiple-records");
    scan_report_free(r);
}

Test(bimi, dns_failure_is_error)
{
    static const struct rz_rec fail[] = {
        {"default._bimi.example.test", SCAN_TYPE_TXT, .status = SCAN_DNS_SERVFAIL},
        {NULL},
    };
    struct scan_report *r = run(fail, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "servfail");
    scan_report_free(r);
    static const struct rz_rec dmarc_fail[] = {
        {"default._bimi.example.test", SCAN_TYPE_TXT, .data = {LOGO}},
        {"_dmarc.example.test", SCAN_TYPE_TXT, .status = SCAN_DNS_TIMEOUT},
        {NULL},
    };
    r = run(dmarc_fail, "example.test");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    scan_report_free(r);
}
