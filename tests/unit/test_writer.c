/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the writers (output/writers/writer.h): exact JSON Lines and CSV
 * rows, text grouping and alignment, summary streaming and error capping,
 * list health in every format, the `lists` command's catalog listing, and write
 * failures on /dev/full.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/writers/writer.h"
#include "scanner/catalog/catalog.h"
#include "scanner/core/err.h"
#include "tests/unit/result_fixture.h"

/* Output captured in memory. Criterion forks each test, so the one capture of a
 * test is a file-scope variable that the suites' fini releases. */
struct capture {
    char *buf;
    size_t len;
    FILE *f;
    struct out_writer *w;
};

static struct capture cap;

static void cap_free(void)
{
    out_writer_free(cap.w);
    if (cap.f)
        fclose(cap.f);
    free(cap.buf);
    cap = (struct capture){0};
}

TestSuite(json, .fini = cap_free);
TestSuite(csv, .fini = cap_free);
TestSuite(text, .fini = cap_free);
TestSuite(summary, .fini = cap_free);
TestSuite(api, .fini = cap_free);

static void cap_open(struct capture *c, enum out_format fmt, unsigned flags)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    cr_assert_not_null(c->f);
    cr_assert_eq(out_writer_new(c->f, fmt, flags, &c->w), 0);
}

/* What has been written so far (the writer stays open). */
static const char *cap_peek(struct capture *c)
{
    cr_assert_eq(fflush(c->f), 0);
    return c->buf;
}

static const char *cap_finish(struct capture *c, const struct out_stats *st)
{
    cr_assert_eq(out_finish(c->w, st), 0);
    out_writer_free(c->w);
    c->w = NULL;
    cr_assert_eq(fclose(c->f), 0);
    c->f = NULL;
    return c->buf;
}

/* out_emit() of a fixture, typed as the scanner would have typed it. */
static int emit(struct out_writer *w, const struct scan_result *words)
{
    struct scan_result r = rf_typed(words);
    return out_emit(w, &r);
}

static const char *const zen_codes[] = {"127.0.0.2", "127.0.0.4"};
static const char *const zen_meanings[] = {"SBL", "XBL"};

static const struct scan_result zen_listed = {
    .target = "192.0.2.10",
    .check = "dnsbl",
    .list = "zen.spamhaus.org",
    .list_id = "spamhaus-zen",
    .status = "listed",
    .klass = SCAN_CLASS_LISTING,
    .ncodes = 2,
    .codes = zen_codes,
    .meanings = zen_meanings,
    .txt = "https://check.spamhaus.org/sbl/query/SBL1",
    .delist_url = "https://check.spamhaus.org/",
};

static struct scan_result dnsbl(const char *target, const char *list, const char *status,
                                const char *reason)
{
    return (struct scan_result){.target = target,
                                .check = "dnsbl",
                                .list = list,
                                .list_id = list,
                                .status = status,
                                .reason = reason};
}

static const struct scan_health zen_ok = {
    .list = "zen.spamhaus.org", .list_id = "spamhaus-zen", .kind = "ip4", .healthy = true};
static const struct scan_health zen_blocked = {
    .list = "zen.spamhaus.org",
    .list_id = "spamhaus-zen",
    .kind = "ip4",
    .healthy = false,
    .reason = "blocked",
    .detail = "zen.spamhaus.org refuses this resolver (127.255.255.254): query through your "
              "own recursive resolver or use a DQS key",
};

/* An SPF result with one field of every type. */
static const struct scan_field problem0[] = {
    {.name = "severity", .type = SCAN_F_STR, .str = "error"},
    {.name = "message", .type = SCAN_F_STR, .str = "11 DNS-querying terms (limit 10)"},
};
static const struct scan_field problem1[] = {
    {.name = "severity", .type = SCAN_F_STR, .str = "warning"},
    {.name = "message", .type = SCAN_F_STR, .str = "ptr is deprecated"},
};
static const struct scan_fields problems[] = {{2, problem0}, {2, problem1}};
static const char *const includes[] = {"_spf.example.net", "_spf.mail.test"};
static const struct scan_field spf_fields[] = {
    {.name = "record", .type = SCAN_F_STR, .str = "v=spf1 include:_spf.example.net ptr -all"},
    {.name = "lookups", .type = SCAN_F_INT, .i = 11},
    {.name = "redirect", .type = SCAN_F_STR, .str = NULL},
    {.name = "all_fail", .type = SCAN_F_BOOL, .b = true},
    {.name = "includes", .type = SCAN_F_STRV, .n = 2, .strv = includes},
    {.name = "problems", .type = SCAN_F_OBJV, .n = 2, .objv = problems},
};
static const struct scan_result spf_invalid = {
    .target = "example.test",
    .check = "spf",
    .status = "invalid",
    .reason = "too-many-lookups",
    .extra = {6, spf_fields},
};

/* An expanded address with a range-scoped listing: scope and via in every format. */
static const char *const two_vias[] = {"example.test mx mx1.example.test",
                                       "other.test spf ip4:192.0.2.0/24"};
/* The listing above rendered alone in @p fmt. */
static const char *render_scoped(enum out_format fmt)
{
    struct scan_result r = zen_listed;
    r.scope = "range";
    r.via = two_vias;
    r.nvia = 2;
    cap_open(&cap, fmt, 0);
    cr_assert_eq(emit(cap.w, &r), 0);
    return fmt == OUT_FMT_SUMMARY ? cap_peek(&cap) : cap_finish(&cap, NULL);
}

Test(json, scope_and_via)
{
    const char *out = render_scoped(OUT_FMT_JSON);
    cr_assert(strstr(out, ",\"scope\":\"range\",\"via\":[\"example.test mx mx1.example.test\","
                          "\"other.test spf ip4:192.0.2.0/24\"],\"pool\":null}\n"),
              "%s", out);
}

Test(csv, scope_and_via_in_details)
{
    const char *out = render_scoped(OUT_FMT_CSV);
    cr_assert(strstr(out, "scope=range; via=[example.test mx mx1.example.test, other.test spf "
                          "ip4:192.0.2.0/24]"),
              "%s", out);
}

Test(text, scope_says_neighbours_and_via)
{
    const char *out = render_scoped(OUT_FMT_TEXT);
    cr_assert(strstr(out, "range: the surrounding range is listed,"), "%s", out);
    cr_assert(strstr(out, "192.0.2.10 via example.test mx mx1.example.test; other.test spf"), "%s",
              out);
}

Test(summary, scope_and_first_via_on_the_listing_line)
{
    const char *out = render_scoped(OUT_FMT_SUMMARY);
    cr_assert(strstr(out, "  scope: range"), "%s", out);
    cr_assert(strstr(out, "  via: example.test mx mx1.example.test (and 1 more)"), "%s", out);
}

/* ---------------------------------------------------------------- JSON */

Test(json, dnsbl_listing_key_order)
{

    cap_open(&cap, OUT_FMT_JSON, 0);
    cr_assert_eq(emit(cap.w, &zen_listed), 0);
    cr_assert_str_eq(
        cap_finish(&cap, NULL),
        "{\"target\":\"192.0.2.10\",\"check\":\"dnsbl\",\"list\":\"zen.spamhaus.org\","
        "\"list_id\":\"spamhaus-zen\",\"catalog\":true,\"status\":\"listed\",\"reason\":null,"
        "\"class\":\"listing\","
        "\"codes\":[\"127.0.0.2\",\"127.0.0.4\"],\"meanings\":[\"SBL\",\"XBL\"],"
        "\"txt\":\"https://check.spamhaus.org/sbl/query/SBL1\","
        "\"delist_url\":\"https://check.spamhaus.org/"
        "\",\"matched\":null,\"detail\":null,\"scope\":null,\"via\":[],\"pool\":null}\n");
}

Test(json, dnsbl_clean_and_error_nulls)
{
    struct scan_result clean = dnsbl("192.0.2.1", "bl.spamcop.net", "clean", NULL);
    struct scan_result err = dnsbl("192.0.2.1", "bl.spamcop.net", "error", "timeout");

    cap_open(&cap, OUT_FMT_JSON, 0);
    cr_assert_eq(emit(cap.w, &clean), 0);
    cr_assert_eq(emit(cap.w, &err), 0);
    cr_assert_str_eq(
        cap_finish(&cap, NULL),
        "{\"target\":\"192.0.2.1\",\"check\":\"dnsbl\",\"list\":\"bl.spamcop.net\","
        "\"list_id\":\"bl.spamcop.net\",\"catalog\":true,\"status\":\"clean\",\"reason\":null,"
        "\"class\":null,"
        "\"codes\":[],\"meanings\":[],\"txt\":null,\"delist_url\":null,\"matched\":null,\"detail\":"
        "null,\"scope\":null,\"via\":[],\"pool\":null}\n"
        "{\"target\":\"192.0.2.1\",\"check\":\"dnsbl\",\"list\":\"bl.spamcop.net\","
        "\"list_id\":\"bl.spamcop.net\",\"catalog\":true,\"status\":\"error\",\"reason\":"
        "\"timeout\",\"class\":null,"
        "\"codes\":[],\"meanings\":[],\"txt\":null,\"delist_url\":null,\"matched\":null,\"detail\":"
        "null,\"scope\":null,\"via\":[],\"pool\":null}\n");
}

/* A zone the catalog lacks, used as a generic RFC 5782 list, says so. */
Test(json, generic_list_is_catalog_false)
{
    struct scan_result r = dnsbl("192.0.2.1", "bl.example.net", "clean", NULL);

    r.generic_list = true;
    cap_open(&cap, OUT_FMT_JSON, 0);
    cr_assert_eq(emit(cap.w, &r), 0);
    cr_assert(strstr(cap_finish(&cap, NULL), "\"list_id\":\"bl.example.net\",\"catalog\":false,"));
}

Test(json, hostile_txt_escaped)
{
    struct scan_result r = zen_listed;

    r.txt = "\x1b]0;pwned\x07\"x\"\n\xff";
    r.delist_url = NULL;
    r.ncodes = 1;
    cap_open(&cap, OUT_FMT_JSON, 0);
    cr_assert_eq(emit(cap.w, &r), 0);
    cr_assert_str_eq(
        cap_finish(&cap, NULL),
        "{\"target\":\"192.0.2.10\",\"check\":\"dnsbl\",\"list\":\"zen.spamhaus.org\","
        "\"list_id\":\"spamhaus-zen\",\"catalog\":true,\"status\":\"listed\",\"reason\":null,"
        "\"class\":\"listing\",\"codes\":[\"127.0.0.2\"],\"meanings\":[\"SBL\"],"
        "\"txt\":\"\\u001b]0;pwned\\u0007\\\"x\\\"\\u000a\xef\xbf\xbd\","
        "\"delist_url\":null,\"matched\":null,\"detail\":null,\"scope\":null,\"via\":["
        "],\"pool\":null}\n");
}

Test(json, record_check_extra_fields)
{

    cap_open(&cap, OUT_FMT_JSON, 0);
    cr_assert_eq(emit(cap.w, &spf_invalid), 0);
    cr_assert_str_eq(
        cap_finish(&cap, NULL),
        "{\"target\":\"example.test\",\"check\":\"spf\",\"status\":\"invalid\","
        "\"reason\":\"too-many-lookups\","
        "\"record\":\"v=spf1 include:_spf.example.net ptr -all\",\"lookups\":11,"
        "\"redirect\":null,\"all_fail\":true,"
        "\"includes\":[\"_spf.example.net\",\"_spf.mail.test\"],"
        "\"problems\":[{\"severity\":\"error\",\"message\":\"11 DNS-querying terms (limit 10)\"},"
        "{\"severity\":\"warning\",\"message\":\"ptr is deprecated\"}],\"pool\":null}\n");
}

/* A target from a job-file pool carries the pool's label in every format. */
Test(json, pool_label_in_every_format)
{
    static const struct {
        enum out_format fmt;
        const char *want;
    } formats[] = {
        {OUT_FMT_JSON, ",\"pool\":\"transactional\"}\n"},
        {OUT_FMT_CSV, ",pool=transactional\r\n"},
        {OUT_FMT_TEXT, "192.0.2.10 (pool transactional)\n"},
        {OUT_FMT_SUMMARY, "192.0.2.10 (pool transactional)  zen.spamhaus.org"},
    };
    struct scan_result r = zen_listed;

    r.pool = "transactional";
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        cap_open(&cap, formats[i].fmt, 0);
        cr_assert_eq(emit(cap.w, &r), 0);
        const char *got = cap_finish(&cap, NULL);
        cr_assert(strstr(got, formats[i].want), "format %d: %s", (int)formats[i].fmt, got);
        cap_free();
    }
}

Test(json, health_lines)
{

    cap_open(&cap, OUT_FMT_JSON, 0);
    cr_assert_eq(out_health(cap.w, &zen_ok), 0);
    cr_assert_eq(out_health(cap.w, &zen_blocked), 0);
    cr_assert_str_eq(
        cap_finish(&cap, NULL),
        "{\"check\":\"list-health\",\"list\":\"zen.spamhaus.org\",\"list_id\":\"spamhaus-zen\","
        "\"kind\":\"ip4\",\"status\":\"healthy\",\"reason\":null,\"detail\":null}\n"
        "{\"check\":\"list-health\",\"list\":\"zen.spamhaus.org\",\"list_id\":\"spamhaus-zen\","
        "\"kind\":\"ip4\",\"status\":\"unhealthy\",\"reason\":\"blocked\",\"detail\":\"zen."
        "spamhaus.org refuses "
        "this resolver (127.255.255.254): query through your own recursive resolver or use a DQS "
        "key\"}\n");
}

Test(json, nothing_but_results)
{
    struct out_stats st = {.targets = 3, .results = 0, .seconds = 1.0};

    cap_open(&cap, OUT_FMT_JSON, 0);
    cr_assert_str_eq(cap_finish(&cap, &st), "");
}

/* ----------------------------------------------------------------- CSV */

#define CSV_HEADER "target,check,list,status,reason,class,codes,meanings,txt,delist_url,details\r\n"

Test(csv, header_only_when_empty)
{

    cap_open(&cap, OUT_FMT_CSV, 0);
    cr_assert_str_eq(cap_finish(&cap, NULL), CSV_HEADER);
}

Test(csv, dnsbl_rows)
{
    struct scan_result err = dnsbl("2001:db8::1", "bl.spamcop.net", "error", "timeout");

    cap_open(&cap, OUT_FMT_CSV, 0);
    cr_assert_eq(emit(cap.w, &zen_listed), 0);
    cr_assert_eq(emit(cap.w, &err), 0);
    cr_assert_str_eq(cap_finish(&cap, NULL), CSV_HEADER
                     "192.0.2.10,dnsbl,zen.spamhaus.org,listed,,listing,127.0.0.2 127.0.0.4,"
                     "SBL; XBL,https://check.spamhaus.org/sbl/query/SBL1,"
                     "https://check.spamhaus.org/,\r\n"
                     "2001:db8::1,dnsbl,bl.spamcop.net,error,timeout,,,,,,\r\n");
}

Test(csv, hostile_txt)
{
    struct scan_result r = zen_listed;

    r.ncodes = 1;
    r.txt = "=HYPERLINK(\"http://evil.test\",\"x\"),\x1b[31m\nnext";
    r.delist_url = "-1";
    cap_open(&cap, OUT_FMT_CSV, 0);
    cr_assert_eq(emit(cap.w, &r), 0);
    cr_assert_str_eq(cap_finish(&cap, NULL), CSV_HEADER
                     "192.0.2.10,dnsbl,zen.spamhaus.org,listed,,listing,127.0.0.2,SBL,"
                     "\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\"),\nnext\",'-1,\r\n");
}

Test(csv, record_check_details)
{

    cap_open(&cap, OUT_FMT_CSV, 0);
    cr_assert_eq(emit(cap.w, &spf_invalid), 0);
    cr_assert_str_eq(cap_finish(&cap, NULL), CSV_HEADER
                     "example.test,spf,,invalid,too-many-lookups,,,,,,"
                     "\"record=v=spf1 include:_spf.example.net ptr -all; lookups=11; redirect=; "
                     "all_fail=true; includes=[_spf.example.net, _spf.mail.test]; "
                     "problems=[{severity=error, message=11 DNS-querying terms (limit 10)}, "
                     "{severity=warning, message=ptr is deprecated}]\"\r\n");
}

Test(csv, health_rows)
{

    cap_open(&cap, OUT_FMT_CSV, 0);
    cr_assert_eq(out_health(cap.w, &zen_ok), 0);
    cr_assert_eq(out_health(cap.w, &zen_blocked), 0);
    cr_assert_str_eq(
        cap_finish(&cap, NULL), CSV_HEADER
        ",list-health,zen.spamhaus.org,healthy,,,,,,,kind=ip4\r\n"
        ",list-health,zen.spamhaus.org,unhealthy,blocked,,,,,,"
        "kind=ip4; detail=zen.spamhaus.org refuses this resolver (127.255.255.254): query "
        "through your own recursive resolver or use a DQS key\r\n");
}

/* ---------------------------------------------------------------- text */

/* Every line of @p out fits OUT_TEXT_WIDTH (100) columns. */
static void assert_fits(const char *out)
{
    for (const char *l = out; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        cr_assert_leq(len, 100, "a line of %zu columns: %.*s", len, (int)len, l);
        l += len + (nl ? 1 : 0);
    }
}

Test(text, one_line_per_list_listings_first_then_the_verdict)
{
    struct scan_health cop = {
        .list = "bl.spamcop.net", .list_id = "bl.spamcop.net", .healthy = true};
    struct scan_result a_cop = dnsbl("192.0.2.10", "bl.spamcop.net", "clean", NULL);
    struct scan_result b_cop = dnsbl("192.0.2.20", "bl.spamcop.net", "error", "timeout");
    struct scan_result b_zen = dnsbl("192.0.2.20", "zen.spamhaus.org", "clean", NULL);

    b_zen.list_id = "spamhaus-zen";
    cap_open(&cap, OUT_FMT_TEXT, 0);
    cr_assert_eq(out_health(cap.w, &zen_ok), 0);
    cr_assert_eq(out_health(cap.w, &cop), 0);
    /* answers arrive interleaved and out of catalog order */
    cr_assert_eq(emit(cap.w, &a_cop), 0);
    cr_assert_eq(emit(cap.w, &b_cop), 0);
    cr_assert_eq(emit(cap.w, &zen_listed), 0);
    cr_assert_eq(emit(cap.w, &b_zen), 0);
    cr_assert_str_eq(cap_peek(&cap), "", "text prints nothing before out_finish");
    cr_assert_str_eq(cap_finish(&cap, NULL),
                     "192.0.2.10\n"
                     "  listed  zen.spamhaus.org  127.0.0.2 SBL; 127.0.0.4 XBL;\n"
                     "                            TXT: https://check.spamhaus.org/sbl/query/SBL1;\n"
                     "                            delist: https://check.spamhaus.org/\n"
                     "  clean   bl.spamcop.net\n"
                     "  LISTED on 1 of 2 lists\n"
                     "\n"
                     "192.0.2.20\n"
                     "  error   bl.spamcop.net    timeout\n"
                     "  clean   zen.spamhaus.org\n"
                     "  clean on 1 list, 1 not checked\n");
}

/* Lists that were not checked: one line per reason in the target's block, the why
 * once after the last target, lists that failed the same way on one line. */
Test(text, unhealthy_lists_gathered_with_the_advice_once)
{
    struct scan_health zen6 = zen_blocked, sbl = zen_blocked,
                       park = {.list = "psbl.surriel.com",
                               .list_id = "psbl",
                               .kind = "ip4",
                               .healthy = false,
                               .reason = "unhealthy",
                               .detail = "psbl.surriel.com test point 127.0.0.1: parked"};
    struct scan_result z4 = dnsbl("192.0.2.10", "zen.spamhaus.org", "error", "blocked");
    struct scan_result z6 = dnsbl("2001:db8::1", "zen.spamhaus.org", "error", "blocked");
    struct scan_result s4 = dnsbl("192.0.2.10", "sbl.spamhaus.org", "error", "blocked");
    struct scan_result p4 = dnsbl("192.0.2.10", "psbl.surriel.com", "error", "unhealthy");
    struct scan_result c4 = dnsbl("192.0.2.10", "bl.spamcop.net", "clean", NULL);

    zen6.kind = "ip6";
    sbl.list = sbl.list_id = "sbl.spamhaus.org";
    sbl.detail = "sbl.spamhaus.org refuses this resolver (127.255.255.254): query through your "
                 "own recursive resolver or use a DQS key";
    cap_open(&cap, OUT_FMT_TEXT, 0);
    cr_assert_eq(out_health(cap.w, &zen_blocked), 0);
    cr_assert_eq(out_health(cap.w, &zen6), 0);
    cr_assert_eq(out_health(cap.w, &sbl), 0);
    cr_assert_eq(out_health(cap.w, &park), 0);
    const struct scan_result *all[] = {&z4, &z6, &s4, &p4, &c4};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        cr_assert_eq(emit(cap.w, all[i]), 0);
    const char *out = cap_finish(&cap, NULL);
    cr_assert_str_eq(out,
                     "192.0.2.10\n"
                     "  clean      bl.spamcop.net\n"
                     "  blocked    zen.spamhaus.org, sbl.spamhaus.org: not checked, see below\n"
                     "  unhealthy  psbl.surriel.com: not checked, see below\n"
                     "  clean on 1 list, 3 not checked\n"
                     "\n"
                     "2001:db8::1\n"
                     "  blocked    zen.spamhaus.org: not checked, see below\n"
                     "  no verdict: no list answered\n"
                     "\n"
                     "not checked\n"
                     "  blocked    zen.spamhaus.org (ip4), zen.spamhaus.org (ip6), "
                     "sbl.spamhaus.org (ip4): refuses this\n"
                     "             resolver (127.255.255.254): query through your own recursive "
                     "resolver or use a DQS key\n"
                     "  unhealthy  psbl.surriel.com (ip4): test point 127.0.0.1: parked\n");
    assert_fits(out);
}

/* Record checks: one line each with their key facts and first problem. */
Test(text, record_checks_one_line_of_key_facts)
{
    static const char *const no_ptr[] = {NULL};
    static const char *const ptr[] = {"mta10.example.test"};
    static const struct scan_field fcr_fields[] = {
        {.name = "ptr", .type = SCAN_F_STRV, .n = 1, .strv = ptr},
        {.name = "cname", .type = SCAN_F_STR, .str = NULL},
        {.name = "confirmed", .type = SCAN_F_STR, .str = "mta10.example.test"},
        {.name = "generic", .type = SCAN_F_BOOL, .b = false},
        {.name = "warnings", .type = SCAN_F_STRV, .n = 0, .strv = no_ptr},
    };
    static const struct scan_field dmarc_fields[] = {
        {.name = "record", .type = SCAN_F_STR, .str = "v=DMARC1; p=none"},
        {.name = "policy_domain", .type = SCAN_F_STR, .str = "example.test"},
        {.name = "p", .type = SCAN_F_STR, .str = "none"},
        {.name = "sp", .type = SCAN_F_STR, .str = NULL},
        {.name = "pct", .type = SCAN_F_INT, .i = 50},
        {.name = "problems", .type = SCAN_F_OBJV, .n = 1, .objv = problems + 1},
    };
    static const struct scan_field h0[] = {
        {.name = "pref", .type = SCAN_F_INT, .i = 10},
        {.name = "host", .type = SCAN_F_STR, .str = "mx1.example.test"},
        {.name = "problem", .type = SCAN_F_STR, .str = NULL}};
    static const struct scan_field h1[] = {
        {.name = "pref", .type = SCAN_F_INT, .i = 20},
        {.name = "host", .type = SCAN_F_STR, .str = "mx2.example.test"},
        {.name = "problem", .type = SCAN_F_STR, .str = "no A or AAAA record"}};
    static const struct scan_fields hosts[] = {{3, h0}, {3, h1}};
    static const struct scan_field mx_fields[] = {
        {.name = "hosts", .type = SCAN_F_OBJV, .n = 2, .objv = hosts},
        {.name = "fallback", .type = SCAN_F_STRV, .n = 0, .strv = no_ptr},
    };
    struct scan_result fcr = {
        .target = "192.0.2.10", .check = "fcrdns", .status = "pass", .extra = {5, fcr_fields}};
    struct scan_result dm = {
        .target = "example.test", .check = "dmarc", .status = "valid", .extra = {6, dmarc_fields}};
    struct scan_result mx = {.target = "example.test",
                             .check = "mx",
                             .status = "invalid",
                             .reason = "unresolvable",
                             .extra = {2, mx_fields}};

    cap_open(&cap, OUT_FMT_TEXT, 0);
    cr_assert_eq(emit(cap.w, &fcr), 0);
    cr_assert_eq(emit(cap.w, &mx), 0);
    cr_assert_eq(emit(cap.w, &dm), 0);
    cr_assert_eq(emit(cap.w, &spf_invalid), 0);
    cr_assert_str_eq(cap_finish(&cap, NULL),
                     "192.0.2.10\n"
                     "  pass     fcrdns  confirmed by mta10.example.test\n"
                     "  records: no problem found\n"
                     "\n"
                     "example.test\n"
                     "  invalid  spf     too-many-lookups; 11/10 lookups; 11 DNS-querying terms "
                     "(limit 10)\n"
                     "  valid    dmarc   p=none pct=50; warning: ptr is deprecated\n"
                     "  invalid  mx      unresolvable; 10 mx1.example.test, 20 mx2.example.test; "
                     "no A or AAAA record\n"
                     "  records: 2 record problems (spf, mx)\n");
}

/* Long values wrap on word boundaries under their column; a word too long for the
 * column (a URL) gets a line of its own from column 4; nothing passes 100. */
Test(text, long_values_wrap_within_100_columns)
{
    struct scan_result r = zen_listed;
    static const char *const long_meaning[] = {
        "SBL: Spamhaus Block List, a list of addresses from which Spamhaus does not "
        "recommend the acceptance of electronic mail, with more words to wrap"};

    r.ncodes = 1;
    r.meanings = long_meaning;
    r.txt = NULL;
    r.delist_url = "https://check.spamhaus.org/results/?query=192.0.2.10&and=a-long-query";
    cap_open(&cap, OUT_FMT_TEXT, 0);
    cr_assert_eq(emit(cap.w, &r), 0);
    const char *out = cap_finish(&cap, NULL);
    cr_assert_str_eq(out,
                     "192.0.2.10\n"
                     "  listed  zen.spamhaus.org  127.0.0.2 SBL: Spamhaus Block List, a list of "
                     "addresses from which\n"
                     "                            Spamhaus does not recommend the acceptance of "
                     "electronic mail, with more\n"
                     "                            words to wrap;\n"
                     "    delist: https://check.spamhaus.org/results/?query=192.0.2.10&and="
                     "a-long-query\n"
                     "  LISTED on 1 of 1 list\n");
    assert_fits(out);
}

Test(text, hostile_strings_sanitized)
{
    struct scan_result r = zen_listed;
    struct scan_health h = zen_blocked;

    r.target = "192.0.2.10\x1b[2J";
    r.ncodes = 1;
    r.txt = "spam\x1b]0;pwned\x07 source\nsee \x1b[31mhttp://x\x1b[0m \xff";
    r.delist_url = NULL;
    h.detail = "zen.spamhaus.org blocked\x1b]0;x\x07\r\nnow\xe2\x80\xae";
    cap_open(&cap, OUT_FMT_TEXT, 0);
    cr_assert_eq(out_health(cap.w, &h), 0);
    cr_assert_eq(emit(cap.w, &r), 0);
    cr_assert_str_eq(cap_finish(&cap, NULL),
                     "192.0.2.10\n"
                     "  listed   zen.spamhaus.org  127.0.0.2 SBL; TXT: spam source see http://x ?\n"
                     "  LISTED on 1 of 1 list\n"
                     "\n"
                     "not checked\n"
                     "  blocked  zen.spamhaus.org (ip4): blocked  now\n");
}

Test(text, colour)
{
    struct scan_result info = dnsbl("192.0.2.10", "dnsbl-2.uceprotect.net", "listed", NULL);
    struct scan_result clean = dnsbl("192.0.2.10", "bl.spamcop.net", "clean", NULL);

    info.klass = SCAN_CLASS_INFO;
    cap_open(&cap, OUT_FMT_TEXT, OUT_COLOR);
    cr_assert_eq(emit(cap.w, &info), 0);
    cr_assert_eq(emit(cap.w, &clean), 0);
    cr_assert_str_eq(cap_finish(&cap, NULL), "\x1b[1m192.0.2.10\x1b[0m\n"
                                             "  \x1b[36minfo\x1b[0m   dnsbl-2.uceprotect.net\n"
                                             "  \x1b[32mclean\x1b[0m  bl.spamcop.net\n"
                                             "  \x1b[32mclean\x1b[0m on 2 lists, 1 "
                                             "informational\n");
}

/* ------------------------------------------------------------- summary */

Test(summary, listings_stream_and_table)
{
    struct scan_result clean = dnsbl("192.0.2.11", "zen.spamhaus.org", "clean", NULL);
    struct scan_result pass = {.target = "example.test", .check = "spf", .status = "valid"};
    struct out_stats st = {.targets = 2, .results = 3, .listed = 1, .seconds = 2.0, .queries = 10};

    clean.list_id = "spamhaus-zen";
    cap_open(&cap, OUT_FMT_SUMMARY, 0);
    cr_assert_eq(out_health(cap.w, &zen_ok), 0);
    cr_assert_eq(emit(cap.w, &zen_listed), 0);
    cr_assert_str_eq(cap_peek(&cap),
                     "LISTED  192.0.2.10  zen.spamhaus.org  127.0.0.2 SBL; 127.0.0.4 XBL  "
                     "delist: https://check.spamhaus.org/\n",
                     "a listing is printed as it arrives");
    cr_assert_eq(emit(cap.w, &clean), 0);
    cr_assert_eq(emit(cap.w, &pass), 0);
    cr_assert_str_eq(cap_finish(&cap, &st),
                     "LISTED  192.0.2.10  zen.spamhaus.org  127.0.0.2 SBL; 127.0.0.4 XBL  "
                     "delist: https://check.spamhaus.org/\n"
                     "\n"
                     "list              listed  informational  clean  errors  health\n"
                     "zen.spamhaus.org       1              0      1       0  ok\n"
                     "spf               valid 1\n"
                     "\n"
                     "listings by /24 (IPv6: /64)  addresses  listings  neighbourhood  lists\n"
                     "192.0.2.0/24                         1         1              0  "
                     "zen.spamhaus.org 1\n"
                     "listings by AS        addresses  listings  neighbourhood  /24s\n"
                     "(origin not checked)          1         1              0  192.0.2.0/24\n"
                     "2 targets, 3 results in 2.0 s (5 queries/s): 1 listed, 0 informational, "
                     "0 errors\n");
}

Test(summary, errors_capped_per_list_and_reason)
{
    struct scan_result err = dnsbl("192.0.2.1", "bl.spamcop.net", "error", "timeout");
    struct scan_result refused = dnsbl("192.0.2.99", "bl.spamcop.net", "error", "refused");
    char expect[4096] = "";
    char target[32];

    cap_open(&cap, OUT_FMT_SUMMARY, 0);
    for (int i = 1; i <= 15; i++) {
        snprintf(target, sizeof(target), "192.0.2.%d", i);
        err.target = target;
        cr_assert_eq(emit(cap.w, &err), 0);
        if (i <= 10) {
            size_t n = strlen(expect);
            snprintf(expect + n, sizeof(expect) - n,
                     "ERROR   192.0.2.%d  bl.spamcop.net  timeout\n", i);
        }
    }
    cr_assert_eq(emit(cap.w, &refused), 0);
    strcat(expect, "ERROR   192.0.2.99  bl.spamcop.net  refused\n"
                   "... and 5 more errors for bl.spamcop.net (timeout)\n"
                   "\n"
                   "list            listed  informational  clean  errors  health\n"
                   "bl.spamcop.net       0              0      0      16  -\n"
                   "0 targets, 0 results in 0.0 s: 0 listed, 0 informational, 0 errors\n");
    cr_assert_str_eq(cap_finish(&cap, NULL), expect);
}

Test(summary, unhealthy_printed_at_once)
{

    cap_open(&cap, OUT_FMT_SUMMARY, 0);
    cr_assert_eq(out_health(cap.w, &zen_blocked), 0);
    cr_assert_str_eq(cap_peek(&cap),
                     "UNHEALTHY  zen.spamhaus.org  ip4  zen.spamhaus.org refuses this "
                     "resolver (127.255.255.254): query through your own "
                     "recursive resolver or use a DQS key\n");
    cr_assert_str_eq(cap_finish(&cap, NULL),
                     "UNHEALTHY  zen.spamhaus.org  ip4  zen.spamhaus.org refuses this resolver "
                     "(127.255.255.254): query through your own recursive resolver or use a DQS "
                     "key\n"
                     "\n"
                     "list              listed  informational  clean  errors  health\n"
                     "zen.spamhaus.org       0              0      0       0  ip4 blocked\n"
                     "0 targets, 0 results in 0.0 s: 0 listed, 0 informational, 0 errors\n");
}

/* Health is per (list, kind): an IPv6 error on a list blocked for IPv6 only gets
 * no line (the UNHEALTHY line said why), an IPv4 error on the same list does; a
 * report without a kind covers every kind. */
Test(summary, health_per_kind)
{
    struct scan_health ip6 = {.list = "zen.spamhaus.org",
                              .list_id = "spamhaus-zen",
                              .kind = "ip6",
                              .healthy = false,
                              .reason = "blocked"};
    struct scan_health cop = {
        .list = "bl.spamcop.net", .list_id = "bl.spamcop.net", .healthy = false};
    struct scan_result e6 = dnsbl("2001:db8::1", "zen.spamhaus.org", "error", "blocked");
    struct scan_result e4 = dnsbl("192.0.2.1", "zen.spamhaus.org", "error", "timeout");
    struct scan_result c4 = dnsbl("192.0.2.1", "bl.spamcop.net", "error", "unhealthy");
    struct scan_result c6 = dnsbl("2001:db8::1", "bl.spamcop.net", "error", "unhealthy");

    e6.list_id = e4.list_id = "spamhaus-zen";
    cap_open(&cap, OUT_FMT_SUMMARY, 0);
    cr_assert_eq(out_health(cap.w, &zen_ok), 0);
    cr_assert_eq(out_health(cap.w, &ip6), 0);
    cr_assert_eq(out_health(cap.w, &cop), 0);
    cr_assert_eq(emit(cap.w, &e6), 0);
    cr_assert_eq(emit(cap.w, &e4), 0);
    cr_assert_eq(emit(cap.w, &c4), 0);
    cr_assert_eq(emit(cap.w, &c6), 0);
    cr_assert_str_eq(cap_finish(&cap, NULL),
                     "UNHEALTHY  zen.spamhaus.org  ip6  blocked\n"
                     "UNHEALTHY  bl.spamcop.net  unhealthy\n"
                     "ERROR   192.0.2.1  zen.spamhaus.org  timeout\n"
                     "\n"
                     "list              listed  informational  clean  errors  health\n"
                     "zen.spamhaus.org       0              0      0       2  ip6 blocked\n"
                     "bl.spamcop.net         0              0      0       2  unhealthy\n"
                     "0 targets, 0 results in 0.0 s: 0 listed, 0 informational, 0 errors\n");
}

Test(summary, record_checks_counted_not_streamed)
{
    static const struct scan_field auth_fields[] = {
        {.name = "domain", .type = SCAN_F_STR, .str = "example.test"},
        {.name = "result", .type = SCAN_F_STR, .str = "fail"},
    };
    struct scan_result fail = {
        .target = "192.0.2.10", .check = "spf-auth", .status = "fail", .extra = {2, auth_fields}};
    struct scan_result pass = {.target = "192.0.2.11", .check = "spf-auth", .status = "pass"};
    struct scan_result fcr = {.target = "192.0.2.10", .check = "fcrdns", .status = "pass"};

    cap_open(&cap, OUT_FMT_SUMMARY, 0);
    cr_assert_eq(emit(cap.w, &pass), 0);
    cr_assert_eq(emit(cap.w, &fail), 0);
    cr_assert_str_eq(cap_peek(&cap), "", "record-check findings wait for the end");
    cr_assert_eq(emit(cap.w, &fcr), 0);
    cr_assert_eq(emit(cap.w, &pass), 0);
    cr_assert_str_eq(cap_finish(&cap, NULL),
                     "record checks  status  reason  targets  examples (every target: --format "
                     "json)\n"
                     "spf-auth       fail    -             1  192.0.2.10\n"
                     "\n"
                     "spf-auth  pass 2  fail 1\n"
                     "fcrdns    pass 1\n"
                     "0 targets, 0 results in 0.0 s: 0 listed, 0 informational, 0 errors\n");
}

/* A finding shared by hundreds of targets is one line with five examples, never a
 * line per target; errors (temperror) and problems alike, each (status, reason)
 * on its own line. */
Test(summary, a_finding_shared_by_many_is_one_line)
{
    struct scan_result noptr = {.check = "fcrdns", .status = "fail", .reason = "no-ptr"};
    struct scan_result temp = {
        .target = "192.0.2.10", .check = "spf-auth", .status = "temperror", .reason = "servfail"};
    struct scan_result nullmx = {.target = "example.test", .check = "mx", .status = "null"};
    char target[32];

    cap_open(&cap, OUT_FMT_SUMMARY, 0);
    for (int i = 1; i <= 300; i++) {
        snprintf(target, sizeof(target), "198.51.%d.%d", i / 200, i % 200);
        noptr.target = target;
        cr_assert_eq(emit(cap.w, &noptr), 0);
    }
    cr_assert_eq(emit(cap.w, &temp), 0);
    cr_assert_eq(emit(cap.w, &nullmx), 0);
    const char *out = cap_finish(&cap, NULL);
    cr_assert_str_eq(out, "record checks  status     reason    targets  examples (every target: "
                          "--format json)\n"
                          "fcrdns         fail       no-ptr        300  198.51.0.1, 198.51.0.2, "
                          "198.51.0.3, 198.51.0.4,\n"
                          "                                             198.51.0.5, ...\n"
                          "spf-auth       temperror  servfail        1  192.0.2.10\n"
                          "mx             null       -               1  example.test\n"
                          "\n"
                          "fcrdns    fail 300\n"
                          "spf-auth  temperror 1\n"
                          "mx        null 1\n"
                          "0 targets, 0 results in 0.0 s: 0 listed, 0 informational, 0 errors\n");
}

Test(summary, hostile_strings_sanitized)
{
    struct scan_result r = zen_listed;
    struct scan_health h = zen_blocked;

    r.ncodes = 1;
    r.meanings = (const char *const[]){"SBL\x1b[8m\n"};
    r.delist_url = NULL;
    h.detail = "blocked\x1b]0;x\x07\r\nnow";
    cap_open(&cap, OUT_FMT_SUMMARY, 0);
    cr_assert_eq(out_health(cap.w, &h), 0);
    cr_assert_eq(emit(cap.w, &r), 0);
    cr_assert_str_eq(cap_peek(&cap), "UNHEALTHY  zen.spamhaus.org  ip4  blocked  now\n"
                                     "LISTED  192.0.2.10  zen.spamhaus.org  127.0.0.2 SBL \n");
}

/* ------------------------------------------------------------ failures */

static FILE *dev_full(bool unbuffered)
{
    FILE *f = fopen("/dev/full", "w");

    cr_assert_not_null(f);
    if (unbuffered)
        setvbuf(f, NULL, _IONBF, 0);
    return f;
}

Test(io, every_format_reports_eio)
{
    static const enum out_format fmts[] = {OUT_FMT_JSON, OUT_FMT_CSV, OUT_FMT_SUMMARY};

    for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        FILE *f = dev_full(true);
        struct out_writer *w = NULL;

        cr_assert_eq(out_writer_new(f, fmts[i], 0, &w), 0);
        cr_assert_eq(emit(w, &zen_listed), -EIO, "format %d", (int)fmts[i]);
        cr_assert_eq(emit(w, &zen_listed), -EIO, "the error is sticky");
        cr_assert_eq(out_finish(w, NULL), -EIO);
        out_writer_free(w);
        fclose(f);
    }
}

Test(io, health_reports_eio)
{
    FILE *f = dev_full(true);
    struct out_writer *w = NULL;

    cr_assert_eq(out_writer_new(f, OUT_FMT_JSON, 0, &w), 0);
    cr_assert_eq(out_health(w, &zen_ok), -EIO);
    out_writer_free(w);
    fclose(f);
}

Test(io, text_fails_at_finish)
{
    FILE *f = dev_full(true);
    struct out_writer *w = NULL;

    cr_assert_eq(out_writer_new(f, OUT_FMT_TEXT, 0, &w), 0);
    cr_assert_eq(emit(w, &zen_listed), 0, "text only buffers");
    cr_assert_eq(out_finish(w, NULL), -EIO);
    out_writer_free(w);
    fclose(f);
}

Test(io, buffered_stream_fails_at_finish)
{
    FILE *f = dev_full(false);
    struct out_writer *w = NULL;

    cr_assert_eq(out_writer_new(f, OUT_FMT_JSON, 0, &w), 0);
    cr_assert_eq(emit(w, &zen_listed), 0, "still in the stdio buffer");
    cr_assert_eq(out_finish(w, NULL), -EIO, "the flush fails");
    out_writer_free(w);
    fclose(f);
}

/* ------------------------------------------------------------ lists */

/* A keyed list with every kind, a test point code and a note with a quote, a
 * backslash and non-ASCII text; a registration list; two dead ones. */
static const char lists_yaml[] =
    "lists:\n"
    "  - id: weird-one\n"
    "    zone: \"{key}.bl.weird.example\"\n"
    "    kinds: [ip4, ip6, domain]\n"
    "    access: key\n"
    "    key_env: WEIRD_KEY\n"
    "    domain_mode: both\n"
    "    codes: [{code: 127.0.0.2, meaning: x}]\n"
    "    test_points:\n"
    "      ip4: {listed: [{point: 127.0.0.2, code: 127.0.10.200}], unlisted: [127.0.0.1]}\n"
    "      ip6: {listed: [], unlisted: [], note: \"quote \\\" back\\\\slash caf\xc3\xa9\"}\n"
    "      domain: {listed: [test.example], unlisted: []}\n"
    "  - id: reg-one\n"
    "    zone: bl.reg.example\n"
    "    access: registration\n"
    "    kinds: [domain]\n"
    "    domain_mode: registrable\n"
    "  - id: dead-one\n"
    "    zone: bl.dead.example\n"
    "    status: dead\n"
    "    dead_since: 2024-06\n"
    "    dead_reason: \"gone \\\"for\\\" good\"\n";

static struct list_catalog *lists_cat;

static void lists_load(void)
{
    struct scan_diag d = {0};

    cr_assert_eq(
        list_catalog_load_buf("t.yaml", lists_yaml, sizeof(lists_yaml) - 1, &lists_cat, &d), 0,
        "%s", d.msg);
}

static void lists_free(void)
{
    list_catalog_free(lists_cat);
    lists_cat = NULL;
    cap_free();
}

TestSuite(lists, .init = lists_load, .fini = lists_free);

static const char *lists_out(enum out_format fmt)
{
    cap.f = open_memstream(&cap.buf, &cap.len);
    cr_assert_not_null(cap.f);
    cr_assert_eq(out_catalog_lists(cap.f, lists_cat, fmt), 0);
    cr_assert_eq(fflush(cap.f), 0);
    return cap.buf;
}

/* One object per list, keys in a fixed order, strings through the JSON encoder,
 * test points only for active lists. */
Test(lists, json_lines)
{
    cr_assert_str_eq(
        lists_out(OUT_FMT_JSON),
        "{\"id\":\"weird-one\",\"zone\":\"{key}.bl.weird.example\",\"kinds\":\"ip4,ip6,domain\","
        "\"access\":\"key\",\"key_env\":\"WEIRD_KEY\",\"domain_mode\":\"both\",\"test_points\":{"
        "\"ip4\":{\"listed\":[{\"point\":\"127.0.0.2\",\"code\":\"127.0.10.200\"}],"
        "\"unlisted\":[{\"point\":\"127.0.0.1\"}]},"
        "\"ip6\":{\"listed\":[],\"unlisted\":[],\"note\":\"quote \\\" back\\\\slash caf\xc3\xa9\"},"
        "\"domain\":{\"listed\":[{\"point\":\"test.example\"}],\"unlisted\":[]}},"
        "\"status\":\"active\"}\n"
        "{\"id\":\"reg-one\",\"zone\":\"bl.reg.example\",\"kinds\":\"domain\","
        "\"access\":\"registration\",\"domain_mode\":\"registrable\",\"test_points\":{"
        "\"domain\":{\"listed\":[{\"point\":\"TEST\"}],\"unlisted\":[{\"point\":\"INVALID\"}]}},"
        "\"status\":\"active\"}\n"
        "{\"id\":\"dead-one\",\"zone\":\"bl.dead.example\",\"kinds\":\"ip4\",\"access\":\"free\","
        "\"status\":\"dead\",\"dead_since\":\"2024-06\",\"dead_reason\":\"gone \\\"for\\\" "
        "good\"}\n");
}

/* The table: a header, one row per list, test points per kind under active ones. */
Test(lists, table)
{
    cr_assert_str_eq(
        lists_out(OUT_FMT_TEXT),
        "ID                           ZONE                               KINDS            ACCESS "
        "       STATUS\n"
        "weird-one                    {key}.bl.weird.example             ip4,ip6,domain   key "
        "$WEIRD_KEY active\n"
        "    test points ip4     listed: 127.0.0.2 (answers 127.0.10.200); unlisted: 127.0.0.1\n"
        "    test points ip6     listed: none; unlisted: none -- quote \" back\\slash caf\xc3\xa9\n"
        "    test points domain  listed: test.example; unlisted: none\n"
        "reg-one                      bl.reg.example                     domain           "
        "registration  active\n"
        "    test points domain  listed: TEST; unlisted: INVALID\n"
        "dead-one                     bl.dead.example                    ip4              free  "
        "        dead since 2024-06: gone \"for\" good\n");
}

Test(lists, failures)
{
    FILE *f = dev_full(true);

    cr_assert_eq(out_catalog_lists(f, lists_cat, OUT_FMT_JSON), -EIO);
    cr_assert_eq(out_catalog_lists(f, lists_cat, OUT_FMT_TEXT), -EIO);
    cr_assert_eq(out_catalog_lists(NULL, lists_cat, OUT_FMT_TEXT), -EINVAL);
    cr_assert_eq(out_catalog_lists(f, NULL, OUT_FMT_TEXT), -EINVAL);
    fclose(f);
}

Test(api, misuse_is_einval)
{

    cap_open(&cap, OUT_FMT_JSON, 0);
    cr_assert_eq(out_emit(cap.w, NULL), -EINVAL);
    cr_assert_eq(out_health(cap.w, NULL), -EINVAL);
    cr_assert_eq(emit(NULL, &zen_listed), -EINVAL);
    cr_assert_eq(out_finish(cap.w, NULL), 0);
    cr_assert_eq(emit(cap.w, &zen_listed), -EINVAL, "no result after finish");
    out_writer_free(NULL);
}

/* The summary groups listings by /24 and by AS (output/writers/fmt_networks.c): the AS from
 * the origin results of the same run, the neighbourhood column from the scope. */
static struct scan_field origin_fields(int64_t asn, const char *name, struct scan_field *f)
{
    f[0] = (struct scan_field){.name = "asn", .type = SCAN_F_INT, .i = asn};
    f[1] = (struct scan_field){.name = "as_name", .type = SCAN_F_STR, .str = name};
    return f[0];
}

Test(summary, listings_by_network_and_as)
{
    struct scan_field f1[2], f2[2];
    origin_fields(64500, "EXAMPLE-ESP", f1);
    origin_fields(64501, "EXAMPLE-POOL", f2);
    struct scan_result o1 = {
        .target = "192.0.2.77", .check = "origin", .status = "valid", .extra = {2, f1}};
    struct scan_result o2 = {
        .target = "198.51.100.9", .check = "origin", .status = "valid", .extra = {2, f2}};
    struct scan_result a = dnsbl("192.0.2.10", "zen.spamhaus.org", "listed", NULL);
    struct scan_result b = dnsbl("192.0.2.10", "bl.spamcop.net", "listed", NULL);
    struct scan_result c = dnsbl("192.0.2.11", "zen.spamhaus.org", "listed", NULL);
    struct scan_result d = dnsbl("198.51.100.7", "dnsbl-2.uceprotect.net", "listed", NULL);
    struct scan_result e = dnsbl("203.0.113.5", "bl.spamcop.net", "listed", NULL);
    struct scan_result clean = dnsbl("192.0.2.12", "zen.spamhaus.org", "clean", NULL);
    a.klass = b.klass = c.klass = e.klass = SCAN_CLASS_LISTING;
    d.klass = SCAN_CLASS_INFO;
    a.scope = "range";
    b.scope = c.scope = e.scope = "ip";
    d.scope = "range";
    cap_open(&cap, OUT_FMT_SUMMARY, 0);
    const struct scan_result *all[] = {&a, &o1, &b, &c, &d, &e, &clean, &o2};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        cr_assert_eq(emit(cap.w, all[i]), 0);
    const char *out = cap_finish(&cap, NULL);
    cr_assert(strstr(out, "listings by /24 (IPv6: /64)  addresses  listings  neighbourhood  lists\n"
                          "192.0.2.0/24                         2         3              1  "
                          "zen.spamhaus.org 2, bl.spamcop.net 1\n"
                          "198.51.100.0/24                      1         1              1  "
                          "dnsbl-2.uceprotect.net 1\n"
                          "203.0.113.0/24                       1         1              0  "
                          "bl.spamcop.net 1\n"),
              "%s", out);
    cr_assert(strstr(out, "listings by AS        addresses  listings  neighbourhood  /24s\n"
                          "AS64500 EXAMPLE-ESP           2         3              1  "
                          "192.0.2.0/24\n"
                          "AS64501 EXAMPLE-POOL          1         1              1  "
                          "198.51.100.0/24\n"
                          "(origin not checked)          1         1              0  "
                          "203.0.113.0/24\n"),
              "%s", out);
}
