/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of scan_dkim_check() through the replay driver of records_zone.h:
 * selector sources (given, inferred from SPF and MX, common), the _domainkey
 * existence test, CNAMEs, one result per selector, and the key rules of
 * RFC 6376, RFC 8301 and RFC 8463 with real keys decoded by libcrypto.
 */
#include <criterion/criterion.h>

#include "scanner/checks/checks.h"
#include "tests/unit/records_zone.h"

/* Public keys only (generated with openssl genpkey; the private halves were discarded). */
#define RSA512                                                                                     \
    "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALZEzYxcJzVWcC6xqNwAlu7JkXK3BUpmn89POT+"                      \
    "UJh5FvOkM7Pe885QCIiA8UA5Oaguy7cweF7+Qt8l2c9Z3stsCAwEAAQ=="
#define RSA1024                                                                                    \
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDqtn+A9iS2MAZ0M+bQL4GC5iAiTra00y9x+"                    \
    "HpEwH3U0xercehPnmLNYzQkl+qqL98gubKLrHiC7WsW0ONBX8faEqbjhj9dVwTGdFKGpolzXkl/"                  \
    "3jmLTcBhoUDFbhZHfqHGbujRXOFTTJdmpv7d2TI2im1wzS+ufLdOios61YVxLwIDAQAB"
#define RSA2048                                                                                    \
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuMDQSDLgxqZyok9K0FPwe2uhNt2kmIxQDfltjH3S5tA3vamO" \
    "/aGQwllgxb2Wxw9eFWtVrjf8U873XBWr5xYxS7IQ+y0T6Dw3fNksHIXOVR0sV5+8VlckcVywL/"                   \
    "1S9B6hGkd0wxV4GTEAC+1Ub6"                                                                     \
    "xZCVRZ4LQODm2kx7a2OCY0wkXAVhF0Ub8Nn6ab+CSqahkKog1X8Mi70zg87OGwPxMm2SE5VO593hfXg3a+sX/"        \
    "GerHCrcVCkNsixDJ7X2qwzNtu4HrMenRgOYFHo+aUiz/0Mv/"                                             \
    "POiMJ1MyXXgXmVGYOjCwoqmVrZF3YLyuAvBHWlD5JklCtlF/xUm5TE2tZ5KnDKwIDAQAB"
#define RSA1024_PKCS1                                                                              \
    "MIGJAoGBAOq2f4D2JLYwBnQz5tAvgYLmICJOtrTTL3H4ekTAfdTTF6tx6E+"                                  \
    "eYs1jNCSX6qov3yC5souseILtaxbQ40Ffx9oSpuOGP11XBMZ0UoamiXNeSX/"                                 \
    "eOYtNwGGhQMVuFkd+ocZu6NFc4VNMl2am/t3ZMjaKbXDNL658t06KizrVhXEvAgMBAAE="
#define ED25519      "oihojDT4DpenCs48wWAZZjP4kaR5zIq7W1TZgK25qqI="
#define ED25519_SPKI "MCowBQYDK2VwAyEAoihojDT4DpenCs48wWAZZjP4kaR5zIq7W1TZgK25qqI="

static const char *const common[] = {"google", "selector1", "selector2", "k1", "s1"};
static const char *const ms_spf[] = {"spf.protection.outlook.com"};
static const char *const ms_mx[] = {"mail.protection.outlook.com"};
static const char *const ms_sel[] = {"selector1", "selector2"};
static const char *const g_spf[] = {"_spf.google.com"};
static const char *const g_mx[] = {"google.com"};
static const char *const g_sel[] = {"google"};
static const struct scan_dkim_provider providers[] = {
    {"Microsoft 365", ms_spf, 1, ms_mx, 1, ms_sel, 2},
    {"Google", g_spf, 1, g_mx, 1, g_sel, 1},
};
static struct scan_dkim_selectors sel = {NULL, 0, common, 5, providers, 2};

static int run_dkim(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_dkim_check(v, arg, &sel, out);
}

static struct scan_report *run(const struct rz_rec *zone)
{
    return rz_drive(zone, run_dkim, "example.test");
}

/* Result @p i of the report, and a field of it. */
static const struct scan_result *res(struct scan_report *r, size_t i)
{
    cr_assert_lt(i, scan_report_count(r));
    return scan_report_result_at(r, i);
}

static const char *str(struct scan_report *r, size_t i, const char *name)
{
    return rz_str_in(&res(r, i)->extra, name);
}

static int64_t bits(struct scan_report *r, size_t i)
{
    const struct scan_field *f = rz_field_in(&res(r, i)->extra, "key_bits");
    cr_assert_not_null(f);
    return f->type == SCAN_F_INT ? f->i : -1;
}

#define DK     "_domainkey.example.test"
#define KEY(s) s "._domainkey.example.test"

/* One key at selector "s1", everything else absent. */
static struct scan_report *one_key(const char *record)
{
    struct rz_rec zone[] = {
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {KEY("s1"), SCAN_TYPE_TXT, .data = {record}},
        {NULL},
    };
    return run(zone);
}

Test(dkim, one_line_per_selector_found_with_sources)
{
    static const struct rz_rec zone[] = {
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_TXT, .data = {"v=spf1 include:spf.protection.outlook.com -all"}},
        {KEY("selector1"), SCAN_TYPE_TXT, .data = {"v=DKIM1; k=rsa; p=" RSA2048}},
        {KEY("k1"), SCAN_TYPE_TXT, .data = {"v=DKIM1; k=ed25519; p=" ED25519}},
        {KEY("mine"), SCAN_TYPE_TXT, .data = {"k=rsa; p=" RSA1024}},
        {NULL},
    };
    static const char *const given[] = {"mine", "absent"};
    sel.given = given;
    sel.ngiven = 2;
    struct scan_report *r = run(zone);
    sel.given = NULL;
    sel.ngiven = 0;
    cr_assert_eq(scan_report_count(r), 4, "mine, absent (given), selector1 (inferred), k1");
    cr_expect_str_eq(res(r, 0)->check, "dkim");
    cr_expect_str_eq(str(r, 0, "selector"), "mine");
    cr_expect_str_eq(str(r, 0, "source"), "given");
    cr_expect_str_eq(res(r, 0)->status, "valid");
    cr_expect_eq(bits(r, 0), 1024);
    cr_expect(rz_problem_in(&res(r, 0)->extra, "warning", "2048 bits or more"));
    cr_expect_str_eq(str(r, 1, "selector"), "absent");
    cr_expect_str_eq(res(r, 1)->status, "none", "a given selector that is not there says so");
    cr_expect_str_eq(str(r, 2, "selector"), "selector1");
    cr_expect_str_eq(str(r, 2, "source"), "inferred");
    cr_expect_str_eq(str(r, 2, "key_type"), "rsa");
    cr_expect_eq(bits(r, 2), 2048);
    cr_expect_str_eq(res(r, 2)->status, "valid");
    cr_expect_str_eq(str(r, 3, "selector"), "k1");
    cr_expect_str_eq(str(r, 3, "source"), "common");
    cr_expect_str_eq(str(r, 3, "key_type"), "ed25519");
    cr_expect_eq(bits(r, 3), 256);
    cr_expect_str_eq(res(r, 3)->status, "valid");
    scan_report_free(r);
}

Test(dkim, inferred_from_mx)
{
    static const struct rz_rec zone[] = {
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_MX, .data = {"10 aspmx.l.google.com"}},
        {KEY("google"), SCAN_TYPE_TXT, .data = {"v=DKIM1; p=" RSA2048}},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_assert_eq(scan_report_count(r), 1);
    cr_expect_str_eq(str(r, 0, "source"), "inferred");
    scan_report_free(r);
}

Test(dkim, none_when_domainkey_does_not_exist)
{
    static const struct rz_rec zone[] = {{NULL}};
    struct scan_report *r = run(zone);
    cr_assert_eq(scan_report_count(r), 1);
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect_null(rz_str(r, "selector"));
    const struct scan_field *e = rz_field(r, "domainkey_exists");
    cr_assert_not_null(e);
    cr_expect_eq(e->type, SCAN_F_BOOL);
    cr_expect_not(e->b);
    cr_expect_not(rz_was_asked(KEY("google"), SCAN_TYPE_TXT), "RFC 8020: nothing below");
    cr_expect_eq(rz_strv_n(&scan_report_result(r)->extra, "selectors_tried"), 0);
    scan_report_free(r);
}

Test(dkim, none_lists_selectors_tried)
{
    static const struct rz_rec zone[] = {
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        /* wildcard-like TXT records that are not keys do not count for a guessed selector */
        {KEY("s1"), SCAN_TYPE_TXT, .data = {"hello"}},
        {KEY("k1"), SCAN_TYPE_TXT,
         .data = {"v=spf1 -all", "v=DMARC1; p=reject; rua=mailto:d@example.test"}},
        {KEY("google"), SCAN_TYPE_TXT, .data = {"p=reject"}},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_assert_eq(scan_report_count(r), 1);
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect(rz_field(r, "domainkey_exists")->b);
    cr_expect_eq(rz_strv_n(&scan_report_result(r)->extra, "selectors_tried"), 5);
    scan_report_free(r);
}

Test(dkim, cname_followed)
{
    static const struct rz_rec zone[] = {
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {KEY("s1"), SCAN_TYPE_TXT, .data = {"p=" RSA2048}, .canon = "s1.domainkey.esp.test"},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_expect_str_eq(rz_status(r), "valid");
    cr_expect_str_eq(rz_str(r, "cname"), "s1.domainkey.esp.test");
    scan_report_free(r);
}

Test(dkim, key_rules)
{
    static const struct {
        const char *rec, *status, *reason;
    } cases[] = {
        {"v=DKIM1; p=" RSA512, "invalid", "weak-key"},
        {"v=DKIM1; p=", "revoked", NULL},
        {"v=DKIM1; p= ", "revoked", NULL},
        {"v=DKIM1; h=sha1; p=" RSA2048, "invalid", "weak-hash"},
        {"v=DKIM1; h=sha1:sha256; p=" RSA2048, "valid", NULL},
        {"v=DKIM1; s=tlsrpt; p=" RSA2048, "invalid", "not-for-email"},
        {"v=DKIM1; s=email:tlsrpt; p=" RSA2048, "valid", NULL},
        {"v=DKIM1; s=*; p=" RSA2048, "valid", NULL},
        {"v=DKIM1; k=dsa; p=" RSA2048, "invalid", "unknown-key-type"},
        {"v=DKIM1; k=ed25519; p=" ED25519_SPKI, "invalid", "bad-key"},
        {"v=DKIM1; k=rsa; p=" ED25519, "invalid", "bad-key"},
        {"v=DKIM1; p=not*base64", "invalid", "bad-key"},
        {"v=DKIM2; p=" RSA2048, "invalid", "invalid-version"},
        {"k=rsa; v=DKIM1; p=" RSA2048, "invalid", "version-not-first"},
        {"v=DKIM1; k=rsa", "invalid", "missing-tag"},
        {"v=DKIM1; p=" RSA2048 "; p=" RSA2048, "invalid", "duplicate-tag"},
        {"v=DKIM1; P=x; p=" RSA2048, "valid", NULL}, /* names are case-sensitive: P is unknown */
        {"v=DKIM1; t=y; p=" RSA2048, "valid", NULL},
        {"v=DKIM1; p=" RSA1024_PKCS1, "valid", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct scan_report *r = one_key(cases[i].rec);
        cr_assert_eq(scan_report_count(r), 1, "%s", cases[i].rec);
        cr_expect_str_eq(rz_status(r), cases[i].status, "%s", cases[i].rec);
        if (cases[i].reason)
            cr_expect_str_eq(rz_reason(r), cases[i].reason, "%s", cases[i].rec);
        scan_report_free(r);
    }
}

Test(dkim, testing_flag_and_pkcs1_warnings)
{
    struct scan_report *r = one_key("v=DKIM1; t=y:s:q; p=" RSA2048);
    cr_expect(rz_field(r, "testing")->b);
    cr_expect(rz_problem(r, "warning", "t=y"));
    cr_expect(rz_problem(r, "warning", "unknown t= flag 'q'"));
    scan_report_free(r);
    r = one_key("v=DKIM1; p=" RSA1024_PKCS1);
    cr_expect_eq(bits(r, 0), 1024);
    cr_expect(rz_problem(r, "warning", "bare RSAPublicKey"));
    scan_report_free(r);
}

Test(dkim, multiple_records_at_a_selector)
{
    static const struct rz_rec zone[] = {
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {KEY("s1"), SCAN_TYPE_TXT, .data = {"p=" RSA2048, "p=" RSA1024}},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_expect_str_eq(rz_status(r), "invalid");
    cr_expect_str_eq(rz_reason(r), "multiple-records");
    cr_expect_null(rz_str(r, "record"));
    scan_report_free(r);
}

Test(dkim, dns_failures_are_errors_never_none)
{
    /* The existence test fails: every selector is asked; one fails, none is found. */
    static const struct rz_rec zone[] = {
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_SERVFAIL},
        {KEY("k1"), SCAN_TYPE_TXT, .status = SCAN_DNS_TIMEOUT},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_assert_eq(scan_report_count(r), 1, "only the failed selector gets a line");
    cr_expect_str_eq(rz_status(r), "error");
    cr_expect_str_eq(rz_reason(r), "timeout");
    cr_expect_str_eq(rz_str(r, "selector"), "k1");
    cr_expect(rz_was_asked(KEY("google"), SCAN_TYPE_TXT));
    scan_report_free(r);
    /* A failure beside a found key: both lines. */
    static const struct rz_rec both[] = {
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {KEY("k1"), SCAN_TYPE_TXT, .status = SCAN_DNS_REFUSED},
        {KEY("s1"), SCAN_TYPE_TXT, .data = {"p=" RSA2048}},
        {NULL},
    };
    r = run(both);
    cr_assert_eq(scan_report_count(r), 2);
    cr_expect_str_eq(res(r, 0)->status, "error");
    cr_expect_str_eq(res(r, 0)->reason, "refused");
    cr_expect_str_eq(res(r, 1)->status, "valid");
    scan_report_free(r);
}

/* The wildcard probe's selector (scanner/checks/dkim.c DKIM_PROBE). */
#define PROBE KEY("dnsbl-scan-probe-q7z3k9x2")

/* How many questions of the last drive were under _domainkey. */
static size_t asked_under_domainkey(void)
{
    size_t n = 0;
    for (size_t k = 0; k < rz_nasked; k++)
        n += strstr(rz_asked_name[k], "_domainkey.") != NULL;
    return n;
}

Test(dkim, no_domainkey_costs_one_question)
{
    static const struct rz_rec zone[] = {{NULL}};
    scan_report_free(run(zone));
    cr_expect_eq(asked_under_domainkey(), 1, "only _domainkey itself");
    cr_expect_not(rz_was_asked(PROBE, SCAN_TYPE_TXT));
}

Test(dkim, txt_wildcard_asks_no_common_selector)
{
    /* bulk.test's shape: "*" TXT at the zone answers every name under the domain. */
    static const struct rz_rec zone[] = {
        {"*.example.test", SCAN_TYPE_TXT,
         .data = {"v=spf1 -all", "v=DMARC1; p=reject; rua=mailto:d@example.test"}},
        {"example.test", SCAN_TYPE_TXT, .data = {"v=spf1 include:spf.protection.outlook.com -all"}},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_assert_eq(scan_report_count(r), 1);
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect(rz_field(r, "domainkey_exists")->b);
    const struct scan_fields *f = &scan_report_result(r)->extra;
    cr_assert_eq(rz_strv_n(f, "selectors_tried"), 2, "the inferred pair only");
    cr_expect_str_eq(rz_strv_at(f, "selectors_tried", 0), "selector1");
    cr_expect_str_eq(rz_strv_at(f, "selectors_tried", 1), "selector2");
    cr_expect(rz_problem(r, "warning", "a wildcard answers every selector"));
    cr_expect(rz_problem(r, "warning", "has TXT records"));
    cr_expect(rz_was_asked(PROBE, SCAN_TYPE_TXT));
    cr_expect_not(rz_was_asked(KEY("k1"), SCAN_TYPE_TXT), "a guess proves nothing here");
    cr_expect_eq(asked_under_domainkey(), 4, "_domainkey, the probe, selector1, selector2");
    scan_report_free(r);
}

Test(dkim, key_wildcard_reports_given_and_inferred_only)
{
    static const struct rz_rec zone[] = {
        {"*._domainkey.example.test", SCAN_TYPE_TXT, .data = {"v=DKIM1; p=" RSA2048}},
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_MX, .data = {"10 aspmx.l.google.com"}},
        {NULL},
    };
    static const char *const given[] = {"mine"};
    sel.given = given;
    sel.ngiven = 1;
    struct scan_report *r = run(zone);
    sel.given = NULL;
    sel.ngiven = 0;
    cr_assert_eq(scan_report_count(r), 2, "mine (given) and google (inferred), no common guess");
    cr_expect_str_eq(str(r, 0, "selector"), "mine");
    cr_expect_str_eq(res(r, 0)->status, "valid");
    cr_expect(rz_problem_in(&res(r, 0)->extra, "warning", "a wildcard publishes this record"));
    cr_expect_str_eq(str(r, 1, "selector"), "google");
    cr_expect_str_eq(str(r, 1, "source"), "inferred");
    cr_expect(rz_problem_in(&res(r, 1)->extra, "warning", "a wildcard publishes this record"));
    cr_expect_not(rz_was_asked(KEY("s1"), SCAN_TYPE_TXT));
    scan_report_free(r);
    /* Nothing given or inferred: the none line says the wildcard holds a key. */
    static const struct rz_rec bare[] = {
        {"*._domainkey.example.test", SCAN_TYPE_TXT, .data = {"v=DKIM1; p=" RSA2048}},
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {NULL},
    };
    r = run(bare);
    cr_assert_eq(scan_report_count(r), 1);
    cr_expect_str_eq(rz_status(r), "none");
    cr_expect(rz_problem(r, "warning", "has a DKIM key record"));
    cr_expect_eq(rz_strv_n(&scan_report_result(r)->extra, "selectors_tried"), 0);
    scan_report_free(r);
}

Test(dkim, explicit_key_beside_a_wildcard)
{
    /* A revoked key for every selector ("*._domainkey") beside explicit keys: the one at
     * an inferred selector is found, and is not the wildcard's; the one at a selector
     * only the common list has is not asked (the documented cost); selector1 gets the
     * wildcard's revoked key. */
    static const struct rz_rec zone[] = {
        {"*._domainkey.example.test", SCAN_TYPE_TXT, .data = {"v=DKIM1; p="}},
        {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
        {"example.test", SCAN_TYPE_TXT, .data = {"v=spf1 include:spf.protection.outlook.com -all"}},
        {KEY("selector2"), SCAN_TYPE_TXT, .data = {"v=DKIM1; p=" RSA2048}},
        {KEY("k1"), SCAN_TYPE_TXT, .data = {"v=DKIM1; k=ed25519; p=" ED25519}},
        {NULL},
    };
    struct scan_report *r = run(zone);
    cr_assert_eq(scan_report_count(r), 2);
    cr_expect_str_eq(str(r, 0, "selector"), "selector1");
    cr_expect_str_eq(res(r, 0)->status, "revoked");
    cr_expect(rz_problem_in(&res(r, 0)->extra, "warning", "a wildcard publishes this record"));
    cr_expect_str_eq(str(r, 1, "selector"), "selector2");
    cr_expect_str_eq(res(r, 1)->status, "valid");
    cr_expect_not(rz_problem_in(&res(r, 1)->extra, "warning", "wildcard"));
    cr_expect_not(rz_was_asked(KEY("k1"), SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(dkim, probe_without_txt_keeps_the_common_guesses)
{
    /* NODATA at the probe (a wildcard of other types, "* A") and a failed probe prove no
     * TXT wildcard: the common selectors are asked. */
    static const enum scan_dns_status st[] = {SCAN_DNS_NODATA, SCAN_DNS_SERVFAIL,
                                              SCAN_DNS_NXDOMAIN};
    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
        struct rz_rec zone[] = {
            {DK, SCAN_TYPE_TXT, .status = SCAN_DNS_NODATA},
            {PROBE, SCAN_TYPE_TXT, .status = st[i]},
            {KEY("k1"), SCAN_TYPE_TXT, .data = {"v=DKIM1; k=ed25519; p=" ED25519}},
            {NULL},
        };
        struct scan_report *r = run(zone);
        cr_assert_eq(scan_report_count(r), 1, "probe status %d", st[i]);
        cr_expect_str_eq(rz_str(r, "selector"), "k1");
        cr_expect_str_eq(rz_str(r, "source"), "common");
        cr_expect_str_eq(rz_status(r), "valid");
        cr_expect_not(rz_problem(r, "warning", "wildcard"));
        cr_expect(rz_was_asked(PROBE, SCAN_TYPE_TXT));
        cr_expect_eq(asked_under_domainkey(), 2 + 5, "_domainkey, the probe, 5 common");
        scan_report_free(r);
    }
}
