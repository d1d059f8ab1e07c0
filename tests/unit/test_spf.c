/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the SPF lint (scan_spf_check / spf_lint), check_host()
 * (spf_check_host / scan_spf_auth_check), the parser and macros. DNS answers
 * are built by hand with scan_answer_build() and put into a view; any
 * question a test did not answer is NXDOMAIN.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scanner/checks/checks.h"
#include "scanner/checks/report.h"
#include "scanner/checks/spf.h"

static struct scan_view *v;

static void setup(void)
{
    v = scan_view_new();
    cr_assert_not_null(v);
}

static void teardown(void)
{
    scan_view_free(v);
}

/* ---- building answers ------------------------------------------------------ */

static void put(const char *name, uint16_t type, struct scan_answer *a)
{
    cr_assert_not_null(a);
    cr_assert_eq(scan_view_put(v, name, type, a), 0);
}

static void put_status(const char *name, uint16_t type, enum scan_dns_status st)
{
    put(name, type, scan_answer_new_status(st, type));
}

/* TXT records; each string is one record, split into 255-byte character-strings. */
static void txt(const char *name, int n, ...)
{
    struct scan_rr rr[4];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        memset(&rr[i], 0, sizeof(rr[i]));
        rr[i].type = SCAN_TYPE_TXT;
        rr[i].owner = name;
        rr[i].txt = (const uint8_t *)s;
        rr[i].txt_len = strlen(s);
        rr[i].nstrings = rr[i].txt_len ? (rr[i].txt_len + 254) / 255 : 1;
    }
    va_end(ap);
    put(name, SCAN_TYPE_TXT, scan_answer_build(SCAN_DNS_OK, SCAN_TYPE_TXT, rr, (size_t)n));
}

static void a4(const char *name, const char *ip)
{
    struct scan_rr rr = {.type = SCAN_TYPE_A, .owner = name};
    cr_assert_eq(inet_pton(AF_INET, ip, rr.a4), 1);
    put(name, SCAN_TYPE_A, scan_answer_build(SCAN_DNS_OK, SCAN_TYPE_A, &rr, 1));
}

static void mx(const char *name, const char *host)
{
    struct scan_rr rr = {.type = SCAN_TYPE_MX, .owner = name, .pref = 10, .target = host};
    put(name, SCAN_TYPE_MX, scan_answer_build(SCAN_DNS_OK, SCAN_TYPE_MX, &rr, 1));
}

static struct scan_answer *nxdomain(void *arg, const char *name, uint16_t type, unsigned flags)
{
    (void)arg, (void)name, (void)flags;
    return scan_answer_new_status(SCAN_DNS_NXDOMAIN, type);
}

/* Run @p run over the view to the end (scan_view_drive(), which checks the replay
 * contract), every question not put in the view answered NXDOMAIN. @return what
 * the run handed back. */
static void *drive(scan_view_run_fn *run, void *arg)
{
    struct scan_view_driver d = {run, arg, nxdomain, NULL, 50};
    void *out = NULL;
    int ret = scan_view_drive(v, &d, &out);
    cr_assert_eq(ret, 0, "drive: %d", ret);
    cr_assert_not_null(out);
    return out;
}

/* spf_lint() as a scan_view_run_fn. */
struct lint_call {
    const char *domain;
    struct spf_lint *l;
};

static int run_lint(struct scan_view *view, void *call, void **out)
{
    struct lint_call *c = call;
    int ret = spf_lint(view, c->domain, c->l);
    *out = ret == 0 || c->l->record || c->l->problems ? c->l : NULL;
    return ret;
}

static void lint(const char *domain, struct spf_lint *l)
{
    struct lint_call c = {domain, l};
    cr_assert_eq(drive(run_lint, &c), l);
}

/* The first problem with keyword @p kw, or NULL. */
static const struct spf_lint_problem *problem(const struct spf_lint *l, const char *kw)
{
    for (size_t i = 0; i < l->nproblems; i++)
        if (!strcmp(l->problems[i].kw, kw))
            return &l->problems[i];
    return NULL;
}

static size_t nerrors(const struct spf_lint *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->nproblems; i++)
        n += l->problems[i].error;
    return n;
}

/* ---- the lint --------------------------------------------------------------- */

TestSuite(spf_lint, .init = setup, .fini = teardown);

Test(spf_lint, valid_record)
{
    struct spf_lint l;
    txt("example.test", 2, "google-site-verification=abc",
        "v=spf1 ip4:192.0.2.0/24 include:_spf.example.test mx -all");
    txt("_spf.example.test", 1, "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/32 -all");
    mx("example.test", "mail.example.test");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_VALID);
    cr_assert_eq(l.reason, SCAN_R_NONE);
    cr_assert_str_eq(l.record, "v=spf1 ip4:192.0.2.0/24 include:_spf.example.test mx -all");
    cr_assert_eq(l.lookups, 2);
    cr_assert_eq(l.voids, 0);
    cr_assert_eq(l.nproblems, 0, "unexpected: %s", l.nproblems ? l.problems[0].msg : "");
    spf_lint_deinit(&l);
}

Test(spf_lint, eleven_lookups_through_includes)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 include:a.example.test include:b.example.test -all");
    txt("a.example.test", 1, "v=spf1 a:h1.x.test a:h2.x.test a:h3.x.test a:h4.x.test a:h5.x.test");
    txt("b.example.test", 1, "v=spf1 a:h6.x.test a:h7.x.test a:h8.x.test a:h9.x.test");
    const char *hosts[] = {"h1.x.test", "h2.x.test", "h3.x.test", "h4.x.test", "h5.x.test",
                           "h6.x.test", "h7.x.test", "h8.x.test", "h9.x.test"};
    for (size_t i = 0; i < 9; i++)
        a4(hosts[i], "192.0.2.1");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_INVALID);
    cr_assert_eq(l.reason, SCAN_R_TOO_MANY_LOOKUPS);
    cr_assert_eq(l.lookups, 11);
    const struct spf_lint_problem *p = problem(&l, "too-many-lookups");
    cr_assert_not_null(p);
    cr_assert(p->error);
    cr_assert_str_eq(p->term, "include:b.example.test");
    cr_assert_str_eq(p->msg, "include:b.example.test: 11 DNS-querying terms in total, the limit "
                             "is 10: flatten or drop an include");
    spf_lint_deinit(&l);
}

Test(spf_lint, ten_lookups_is_fine)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 a mx a mx a mx a mx a mx -all");
    a4("example.test", "192.0.2.1");
    mx("example.test", "example.test");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_VALID);
    cr_assert_eq(l.lookups, 10);
    spf_lint_deinit(&l);
}

Test(spf_lint, three_void_lookups)
{
    struct spf_lint l;
    txt("example.test", 1,
        "v=spf1 a:gone1.example.test a:gone2.example.test mx:gone3.example.test -all");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_INVALID);
    cr_assert_eq(l.reason, SCAN_R_TOO_MANY_VOID_LOOKUPS);
    cr_assert_eq(l.voids, 3);
    cr_assert_eq(l.lookups, 3);
    const struct spf_lint_problem *p = problem(&l, "too-many-void-lookups");
    cr_assert_not_null(p);
    cr_assert_str_eq(p->term, "mx:gone3.example.test");
    cr_assert(strstr(p->msg, "a:gone1.example.test, a:gone2.example.test, mx:gone3.example.test"),
              "%s", p->msg);
    spf_lint_deinit(&l);
}

Test(spf_lint, two_void_lookups_are_fine)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 a:gone1.example.test a:gone2.example.test -all");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_VALID);
    cr_assert_eq(l.voids, 2);
    spf_lint_deinit(&l);
}

Test(spf_lint, two_records)
{
    struct spf_lint l;
    txt("example.test", 2, "v=spf1 -all", "v=spf1 ip4:192.0.2.1 -all");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_INVALID);
    cr_assert_eq(l.reason, SCAN_R_MULTIPLE_RECORDS);
    cr_assert_not_null(problem(&l, "multiple-records"));
    spf_lint_deinit(&l);
}

/* One syntax error in an otherwise fine record: invalid, and the term is named. */
static void expect_syntax(const char *record, const char *term, const char *words)
{
    struct spf_lint l;
    txt("example.test", 1, record);
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_INVALID, "%s", record);
    cr_assert_eq(l.reason, SCAN_R_SYNTAX, "%s", record);
    const struct spf_lint_problem *p = problem(&l, "syntax");
    cr_assert_not_null(p);
    cr_assert(p->error);
    cr_assert_str_eq(p->term, term);
    cr_assert(strstr(p->msg, words), "'%s' lacks '%s'", p->msg, words);
    spf_lint_deinit(&l);
}

Test(spf_lint, syntax_bad_ip4)
{
    expect_syntax("v=spf1 ip4:192.0.2.300 -all", "ip4:192.0.2.300", "not an IPv4 address");
}

Test(spf_lint, syntax_unknown_mechanism)
{
    expect_syntax("v=spf1 foo:bar -all", "foo:bar", "unknown mechanism 'foo'");
}

Test(spf_lint, syntax_empty_domain)
{
    expect_syntax("v=spf1 a: -all", "a:", "needs a domain");
}

Test(spf_lint, syntax_bad_cidr)
{
    expect_syntax("v=spf1 a/33 -all", "a/33", "/33 is not a valid IPv4 prefix length");
}

Test(spf_lint, syntax_duplicate_redirect)
{
    expect_syntax("v=spf1 redirect=a.example.test redirect=b.example.test",
                  "redirect=b.example.test", "more than once");
}

Test(spf_lint, syntax_all_errors_listed)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 ip4:192.0.2.300 foo:bar a: a/33 -all");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_INVALID);
    cr_assert_eq(nerrors(&l), 4);
    spf_lint_deinit(&l);
}

Test(spf_lint, include_loop)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 include:a.example.test -all");
    txt("a.example.test", 1, "v=spf1 include:b.example.test -all");
    txt("b.example.test", 1, "v=spf1 include:a.example.test -all");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_INVALID);
    cr_assert_eq(l.reason, SCAN_R_LOOP);
    const struct spf_lint_problem *p = problem(&l, "loop");
    cr_assert_str_eq(p->term, "include:a.example.test");
    cr_assert(strstr(p->msg, "a.example.test -> b.example.test -> a.example.test"), "%s", p->msg);
    spf_lint_deinit(&l);
}

Test(spf_lint, redirect_to_self_is_a_loop)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 ip4:192.0.2.1 redirect=example.test");
    lint("example.test", &l);
    cr_assert_eq(l.reason, SCAN_R_LOOP);
    spf_lint_deinit(&l);
}

Test(spf_lint, include_without_spf)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 include:nospf.example.test include:gone.example.test -all");
    txt("nospf.example.test", 1, "some other text");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_INVALID);
    cr_assert_eq(l.reason, SCAN_R_INCLUDE_NONE);
    cr_assert_eq(nerrors(&l), 2);
    cr_assert(strstr(l.problems[0].msg, "has no SPF record"), "%s", l.problems[0].msg);
    cr_assert(strstr(l.problems[1].msg, "does not exist"), "%s", l.problems[1].msg);
    spf_lint_deinit(&l);
}

Test(spf_lint, include_of_invalid_record)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 include:bad.example.test -all");
    txt("bad.example.test", 1, "v=spf1 ip4:1.2.3 -all");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_INVALID);
    const struct spf_lint_problem *p = problem(&l, "syntax");
    cr_assert_str_eq(p->term, "include:bad.example.test");
    spf_lint_deinit(&l);
}

static void expect_warning(const char *record, const char *kw, const char *term)
{
    struct spf_lint l;
    txt("example.test", 1, record);
    a4("example.test", "192.0.2.1");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_VALID, "%s", record);
    const struct spf_lint_problem *p = problem(&l, kw);
    cr_assert_not_null(p, "%s: no %s warning", record, kw);
    cr_assert_not(p->error);
    if (term)
        cr_assert_str_eq(p->term, term);
    else
        cr_assert_null(p->term);
    spf_lint_deinit(&l);
}

Test(spf_lint, pass_all_warning)
{
    expect_warning("v=spf1 +all", "pass-all", "+all");
}

Test(spf_lint, bare_all_warning)
{
    expect_warning("v=spf1 a all", "pass-all", "all");
}

Test(spf_lint, neutral_all_warning)
{
    expect_warning("v=spf1 a ?all", "neutral-all", "?all");
}

Test(spf_lint, ptr_warning)
{
    expect_warning("v=spf1 ptr -all", "ptr", "ptr");
}

Test(spf_lint, no_all_warning)
{
    expect_warning("v=spf1 a", "no-all", NULL);
}

Test(spf_lint, long_record_warning)
{
    char rec[600] = "v=spf1";
    for (int i = 0; strlen(rec) < 460; i++)
        snprintf(rec + strlen(rec), sizeof(rec) - strlen(rec), " ip4:198.51.100.%d", i);
    strcat(rec, " -all");
    cr_assert_gt(strlen(rec), 450);
    expect_warning(rec, "size", NULL);
}

Test(spf_lint, long_string_warning)
{
    char rec[300] = "v=spf1";
    for (int i = 0; strlen(rec) < 240; i++)
        snprintf(rec + strlen(rec), sizeof(rec) - strlen(rec), " ip4:198.51.100.%d", i);
    strcat(rec, " -all");
    cr_assert_lt(strlen(rec), 256); /* one character-string */
    expect_warning(rec, "string-size", NULL);
}

Test(spf_lint, terms_after_all_warning)
{
    expect_warning("v=spf1 -all a mx", "after-all", "a");
}

Test(spf_lint, timeout_is_error_not_none)
{
    struct spf_lint l;
    put_status("example.test", SCAN_TYPE_TXT, SCAN_DNS_TIMEOUT);
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_ERROR);
    cr_assert_eq(l.reason, SCAN_R_TIMEOUT);
    cr_assert_null(l.record);
    cr_assert_eq(l.nproblems, 1);
    spf_lint_deinit(&l);
}

Test(spf_lint, include_timeout_is_error)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 include:slow.example.test -all");
    put_status("slow.example.test", SCAN_TYPE_TXT, SCAN_DNS_SERVFAIL);
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_ERROR);
    cr_assert_eq(l.reason, SCAN_R_SERVFAIL);
    spf_lint_deinit(&l);
}

Test(spf_lint, none)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf10 not spf");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_NONE);
    spf_lint_deinit(&l);
    lint("gone.example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_NONE);
    cr_assert_eq(l.reason, SCAN_R_NXDOMAIN);
    spf_lint_deinit(&l);
}

Test(spf_lint, too_many_mx)
{
    struct spf_lint l;
    struct scan_rr rr[11];
    for (int i = 0; i < 11; i++)
        rr[i] = (struct scan_rr){.type = SCAN_TYPE_MX, .pref = (uint16_t)i, .target = "m.x.test"};
    txt("example.test", 1, "v=spf1 mx -all");
    put("example.test", SCAN_TYPE_MX, scan_answer_build(SCAN_DNS_OK, SCAN_TYPE_MX, rr, 11));
    lint("example.test", &l);
    cr_assert_eq(l.reason, SCAN_R_TOO_MANY_MX);
    spf_lint_deinit(&l);
}

Test(spf_lint, macros_counted_not_followed)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 exists:%{i}._spf.%{d} include:_spf.%{d} -all");
    txt("_spf.example.test", 1, "v=spf1 a:h.example.test -all");
    a4("h.example.test", "192.0.2.1");
    lint("example.test", &l);
    cr_assert_eq(l.status, SCAN_ST_VALID);
    cr_assert_eq(l.lookups, 3); /* exists, include, and the a inside the %{d} include */
    spf_lint_deinit(&l);
}

Test(spf_lint, replay_asks_siblings_together)
{
    struct spf_lint l;
    txt("example.test", 1, "v=spf1 include:a.example.test include:b.example.test -all");
    cr_assert_eq(spf_lint(v, "example.test", &l), -EAGAIN);
    cr_assert_eq(scan_view_missing_count(v), 2); /* both includes in one round */
}

static int run_spf(struct scan_view *view, const void *domain, struct scan_report **out)
{
    return scan_spf_check(view, domain, out);
}

Test(spf_lint, report_fields)
{
    txt("example.test", 1, "v=spf1 ptr +all");
    struct scan_check_call call = {run_spf, "example.test"};
    struct scan_report *r = drive(scan_check_call_run, &call);
    const struct scan_result *res = scan_report_result(r);
    cr_assert_str_eq(res->check, "spf");
    cr_assert_str_eq(res->target, "example.test");
    cr_assert_str_eq(res->status, "valid");
    const char *names[] = {"record", "lookups", "void_lookups", "problems"};
    cr_assert_eq(res->extra.n, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(res->extra.f[i].name, names[i]);
    cr_assert_eq(res->extra.f[1].i, 1);
    const struct scan_field *p = &res->extra.f[3];
    cr_assert_eq(p->type, SCAN_F_OBJV);
    cr_assert_eq(p->n, 2);
    cr_assert_str_eq(p->objv[0].f[0].name, "severity");
    cr_assert_str_eq(p->objv[0].f[0].str, "warning");
    cr_assert_str_eq(p->objv[0].f[1].str, "ptr");
    scan_report_free(r);
}

/* ---- check_host ------------------------------------------------------------- */

TestSuite(spf_eval, .init = setup, .fini = teardown);

static struct spf_outcome check(const char *ip, const char *domain)
{
    struct spf_query q = {.domain = domain};
    struct spf_outcome o;
    struct spf_host_call call = {&q, &o};
    cr_assert_eq(spf_ip_parse(ip, &q.ip), 0);
    cr_assert_eq(drive(spf_check_host_run, &call), &o);
    return o;
}

Test(spf_eval, pass_fail_and_mechanism)
{
    txt("example.test", 1, "v=spf1 ip4:192.0.2.0/24 -all");
    struct spf_outcome o = check("192.0.2.7", "example.test");
    cr_assert_eq(o.result, SPF_PASS);
    cr_assert_str_eq(o.mechanism, "ip4:192.0.2.0/24");
    spf_outcome_deinit(&o);
    o = check("198.51.100.1", "example.test");
    cr_assert_eq(o.result, SPF_FAIL);
    cr_assert_str_eq(o.mechanism, "-all");
    cr_assert_str_eq(o.explanation,
                     "example.test does not designate 198.51.100.1 as permitted sender");
    spf_outcome_deinit(&o);
}

Test(spf_eval, temperror_and_none)
{
    put_status("slow.example.test", SCAN_TYPE_TXT, SCAN_DNS_TIMEOUT);
    struct spf_outcome o = check("192.0.2.7", "slow.example.test");
    cr_assert_eq(o.result, SPF_TEMPERROR);
    cr_assert_eq(o.reason, SCAN_R_TIMEOUT);
    spf_outcome_deinit(&o);
    o = check("192.0.2.7", "gone.example.test");
    cr_assert_eq(o.result, SPF_NONE);
    spf_outcome_deinit(&o);
}

Test(spf_eval, include_and_void_limit)
{
    txt("example.test", 1,
        "v=spf1 a:g1.example.test a:g2.example.test include:i.example.test -all");
    txt("i.example.test", 1, "v=spf1 a:g3.example.test ip4:192.0.2.0/24 -all");
    struct spf_outcome o = check("192.0.2.7", "example.test");
    cr_assert_eq(o.result, SPF_PERMERROR);
    cr_assert_eq(o.reason, SCAN_R_TOO_MANY_VOID_LOOKUPS);
    cr_assert_eq(o.voids, 3);
    spf_outcome_deinit(&o);
}

Test(spf_eval, mx_hosts_asked_in_one_round)
{
    struct scan_rr rr[3] = {
        {.type = SCAN_TYPE_MX, .pref = 10, .target = "m1.example.test"},
        {.type = SCAN_TYPE_MX, .pref = 20, .target = "m2.example.test"},
        {.type = SCAN_TYPE_MX, .pref = 30, .target = "m3.example.test"},
    };
    txt("example.test", 1, "v=spf1 mx -all");
    put("example.test", SCAN_TYPE_MX, scan_answer_build(SCAN_DNS_OK, SCAN_TYPE_MX, rr, 3));
    struct spf_query q = {.domain = "example.test"};
    struct spf_outcome o;
    spf_ip_parse("192.0.2.3", &q.ip);
    cr_assert_eq(spf_check_host(v, &q, &o), -EAGAIN);
    cr_assert_eq(scan_view_missing_count(v), 3);
    scan_view_missing_clear(v);
    a4("m1.example.test", "192.0.2.1");
    a4("m2.example.test", "192.0.2.2");
    a4("m3.example.test", "192.0.2.3");
    cr_assert_eq(spf_check_host(v, &q, &o), 0);
    cr_assert_eq(o.result, SPF_PASS);
    cr_assert_eq(o.lookups, 1);
    spf_outcome_deinit(&o);
}

/* spf_check_host_run() hands the outcome back only when the run finished. */
Test(spf_eval, check_host_run_hands_back_the_outcome)
{
    txt("example.test", 1, "v=spf1 a:h.example.test -all");
    struct spf_query q = {.domain = "example.test"};
    struct spf_outcome o;
    struct spf_host_call call = {&q, &o};
    void *out = &o;
    cr_assert_eq(spf_ip_parse("192.0.2.1", &q.ip), 0);
    cr_assert_eq(spf_check_host_run(v, &call, &out), -EAGAIN);
    cr_assert_null(out);
    cr_assert_eq(scan_view_missing_count(v), 1);
    scan_view_missing_clear(v);
    a4("h.example.test", "192.0.2.1");
    cr_assert_eq(spf_check_host_run(v, &call, &out), 0);
    cr_assert_eq(out, &o);
    cr_assert_eq(o.result, SPF_PASS);
    cr_assert_str_eq(o.mechanism, "a:h.example.test");
    spf_outcome_deinit(&o);
}

/* scan_spf_auth_check() of example.test for the target @p t. */
static int run_auth(struct scan_view *view, const void *t, struct scan_report **out)
{
    return scan_spf_auth_check(view, t, "example.test", out);
}

Test(spf_eval, auth_report)
{
    struct scan_target t = {.type = SCAN_T_IP4, .addr = {192, 0, 2, 7}, .text = "192.0.2.7"};
    txt("example.test", 1, "v=spf1 include:_spf.example.test ~all");
    txt("_spf.example.test", 1, "v=spf1 ip4:192.0.2.0/28 -all");
    struct scan_check_call call = {run_auth, &t};
    struct scan_report *r = drive(scan_check_call_run, &call);
    const struct scan_result *res = scan_report_result(r);
    cr_assert_str_eq(res->check, "spf-auth");
    cr_assert_str_eq(res->target, "192.0.2.7");
    cr_assert_str_eq(res->status, "pass");
    cr_assert_str_eq(res->extra.f[0].name, "domain");
    cr_assert_str_eq(res->extra.f[0].str, "example.test");
    cr_assert_str_eq(res->extra.f[1].name, "result");
    cr_assert_str_eq(res->extra.f[1].str, "pass");
    cr_assert_str_eq(res->extra.f[2].name, "mechanism");
    cr_assert_str_eq(res->extra.f[2].str, "include:_spf.example.test");
    cr_assert_str_eq(res->extra.f[3].name, "lookups");
    cr_assert_eq(res->extra.f[3].i, 1);
    scan_report_free(r);
}

Test(spf_eval, auth_rejects_domain_target)
{
    struct scan_target t = {.type = SCAN_T_DOMAIN, .text = "example.test"};
    struct scan_report *r = NULL;
    cr_assert_eq(scan_spf_auth_check(v, &t, "example.test", &r), -EINVAL);
    cr_assert_null(r);
}

/* ---- parser and macros ----------------------------------------------------- */

static struct spf_record *parse(const char *s)
{
    struct spf_record *r = NULL;
    cr_assert_eq(spf_record_parse((const uint8_t *)s, strlen(s), &r), 0);
    return r;
}

Test(spf_parse, terms)
{
    struct spf_record *r = parse("v=spf1  a:x.test/24//64 ~mx ip6:2001:db8::/32 exp=e.%{d} -all ");
    cr_assert_eq(r->nerrors, 0);
    cr_assert_eq(r->nterms, 5);
    cr_assert_eq(r->terms[0].mech, SPF_MECH_A);
    cr_assert_str_eq(r->terms[0].arg, "x.test");
    cr_assert_eq(r->terms[0].cidr4, 24);
    cr_assert_eq(r->terms[0].cidr6, 64);
    cr_assert_eq(r->terms[1].qual, '~');
    cr_assert_null(r->terms[1].arg);
    cr_assert_eq(r->terms[2].cidr6, 32);
    cr_assert_eq(r->exp, 3);
    cr_assert_eq(r->all, 4);
    spf_record_free(r);
}

Test(spf_parse, is_record)
{
    cr_assert(spf_is_record((const uint8_t *)"v=spf1", 6));
    cr_assert(spf_is_record((const uint8_t *)"V=SPF1 -all", 11));
    cr_assert_not(spf_is_record((const uint8_t *)"v=spf10", 7));
    cr_assert_not(spf_is_record((const uint8_t *)"v=spf1-all", 10));
}

Test(spf_macro, expansion)
{
    struct spf_macro_env env = {.s = "strong-bad@email.example.com",
                                .l = "strong-bad",
                                .o = "email.example.com",
                                .d = "email.example.com",
                                .i = "192.0.2.3",
                                .v = "in-addr",
                                .h = "mx.example.org"};
    /* the examples of RFC 7208 section 7.4 */
    const char *cases[][2] = {
        {"%{s}", "strong-bad@email.example.com"},
        {"%{o}", "email.example.com"},
        {"%{d4}", "email.example.com"},
        {"%{d2}", "example.com"},
        {"%{d1}", "com"},
        {"%{dr}", "com.example.email"},
        {"%{d2r}", "example.email"},
        {"%{l}", "strong-bad"},
        {"%{l-}", "strong.bad"},
        {"%{lr}", "strong-bad"},
        {"%{lr-}", "bad.strong"},
        {"%{l1r-}", "strong"},
        {"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
        {"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
        {"%%%_%-", "% %20"},
        {"%{S}", "strong-bad%40email.example.com"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL;
        cr_assert_eq(spf_macro_expand(&env, cases[i][0], strlen(cases[i][0]), false, false, &out),
                     0);
        cr_assert_str_eq(out, cases[i][1], "%s", cases[i][0]);
        free(out);
    }
    const char *why;
    cr_assert_neq(spf_macro_check("%{d0}", 5, false, NULL, &why), 0);
    cr_assert_neq(spf_macro_check("%{c}", 4, false, NULL, &why), 0);
    cr_assert_eq(spf_macro_check("%{c}", 4, true, NULL, &why), 0);
    cr_assert_neq(spf_macro_check("50%", 3, true, NULL, &why), 0);
}

Test(spf_parse, domain_spec)
{
    const char *why;
    const char *good[] = {"example.com", "example.com.", "%{d}",
                          "_spf.%{d2}",  "a.xn--zckzah", "foo:bar/baz.example.com",
                          "x.%%"};
    const char *bad[] = {"museum",           "museum.",   "abc.123", "example.-com",
                         "example.com:8080", "x.test/24", ""};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        cr_assert_eq(spf_domain_spec_check(good[i], strlen(good[i]), &why), 0, "%s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_neq(spf_domain_spec_check(bad[i], strlen(bad[i]), &why), 0, "%s", bad[i]);
}
