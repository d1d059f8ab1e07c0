/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests for the origin check (scanner/checks/origin.c): Team Cymru's answers as
 * canned TXT records (tests/unit/records_zone.h), the question per /24 (IPv6:
 * /48), the longest covering prefix, MOAS, and every failure path.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "records_zone.h"
#include "scanner/checks/checks.h"
#include "scanner/targets/target.h"

static int origin_fn(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_origin_check(v, arg, out);
}

static struct scan_report *run(const struct rz_rec *zone, const char *ip)
{
    static struct scan_target t;
    struct scan_spec sp;
    cr_assert_eq(scan_spec_parse(ip, &sp, NULL), 0);
    memset(&t, 0, sizeof(t));
    t.type = sp.type;
    memcpy(t.addr, sp.addr, sizeof(t.addr));
    snprintf(t.text, sizeof(t.text), "%s", ip);
    return rz_drive(zone, origin_fn, &t);
}

static int64_t int_field(struct scan_report *r, const char *name)
{
    const struct scan_field *f = rz_field(r, name);
    cr_assert_not_null(f);
    cr_assert_eq(f->type, SCAN_F_INT, "%s is not an integer", name);
    return f->i;
}

static const struct rz_rec zone[] = {
    {"0.2.0.192.origin.asn.cymru.com", SCAN_TYPE_TXT,
     .data = {"64499 | 192.0.0.0/16 | ZZ | arin | 2009-06-01",
              "64500 | 192.0.2.0/24 | ZZ | arin | 2010-01-01"}},
    {"0.113.0.203.origin.asn.cymru.com", SCAN_TYPE_TXT,
     .data = {"64502 64503 | 203.0.113.0/24 | ZZ | apnic | 2012-03-04"}},
    {"0.9.0.192.origin.asn.cymru.com", SCAN_TYPE_TXT, .data = {"not | a | cymru | answer"}},
    {"0.10.0.192.origin.asn.cymru.com", SCAN_TYPE_TXT,
     .data = {"64500 | 198.51.100.0/24 | ZZ | arin | 2010-01-01"}}, /* covers another block */
    {"0.11.0.192.origin.asn.cymru.com", SCAN_TYPE_TXT, .status = SCAN_DNS_SERVFAIL},
    {"0.12.0.192.origin.asn.cymru.com", SCAN_TYPE_TXT,
     .data = {"64599 | 192.0.12.0/24 | ZZ | arin | 2010-01-01"}},
    {"AS64599.asn.cymru.com", SCAN_TYPE_TXT, .status = SCAN_DNS_TIMEOUT},
    {"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.origin6.asn.cymru.com",
     SCAN_TYPE_TXT, .data = {"64500 | 2001:db8::/32 | ZZ | arin | 2010-01-01"}},
    {"AS64500.asn.cymru.com", SCAN_TYPE_TXT,
     .data = {"64500 | ZZ | arin | 2010-01-01 | EXAMPLE-ESP - Example ESP, ZZ"}},
    {"AS64502.asn.cymru.com", SCAN_TYPE_TXT,
     .data = {"64502 | ZZ | apnic | 2012-03-04 | EXAMPLE-TRANSIT - Example Transit, ZZ"}},
    {NULL},
};

Test(origin, longest_prefix_and_as_name)
{
    struct scan_report *r = run(zone, "192.0.2.37");
    cr_assert_str_eq(rz_status(r), "valid");
    cr_assert_eq(int_field(r, "asn"), 64500);
    cr_assert_str_eq(rz_str(r, "prefix"), "192.0.2.0/24");
    cr_assert_str_eq(rz_str(r, "as_name"), "EXAMPLE-ESP - Example ESP, ZZ");
    cr_assert_str_eq(rz_str(r, "country"), "ZZ");
    cr_assert_str_eq(rz_str(r, "registry"), "arin");
    cr_assert_str_eq(rz_str(r, "allocated"), "2010-01-01");
    cr_assert(rz_was_asked("0.2.0.192.origin.asn.cymru.com", SCAN_TYPE_TXT),
              "asked for the /24, not the address");
    cr_assert_not(rz_was_asked("37.2.0.192.origin.asn.cymru.com", SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(origin, moas_reports_the_first_as)
{
    struct scan_report *r = run(zone, "203.0.113.5");
    cr_assert_str_eq(rz_status(r), "valid");
    cr_assert_eq(int_field(r, "asn"), 64502);
    cr_assert_str_eq(rz_str(r, "as_name"), "EXAMPLE-TRANSIT - Example Transit, ZZ");
    scan_report_free(r);
}

Test(origin, ipv6_asks_for_the_48)
{
    struct scan_report *r = run(zone, "2001:db8:1:2::25");
    cr_assert_str_eq(rz_status(r), "valid");
    cr_assert_str_eq(rz_str(r, "prefix"), "2001:db8::/32");
    scan_report_free(r);
}

Test(origin, no_record_is_not_announced)
{
    struct scan_report *r = run(zone, "192.0.3.1");
    cr_assert_str_eq(rz_status(r), "none");
    cr_assert_str_eq(rz_reason(r), "not-announced");
    cr_assert_null(rz_field(r, "asn")->str, "asn is null");
    cr_assert_null(rz_str(r, "prefix"));
    cr_assert_not(rz_was_asked("AS0.asn.cymru.com", SCAN_TYPE_TXT));
    scan_report_free(r);
}

Test(origin, garbage_or_a_prefix_that_does_not_cover_is_invalid_answer)
{
    const char *ips[] = {"192.0.9.1", "192.0.10.1"};
    for (size_t i = 0; i < 2; i++) {
        struct scan_report *r = run(zone, ips[i]);
        cr_assert_str_eq(rz_status(r), "error", "%s", ips[i]);
        cr_assert_str_eq(rz_reason(r), "invalid-answer", "%s", ips[i]);
        scan_report_free(r);
    }
}

Test(origin, dns_failures_are_errors)
{
    struct scan_report *r = run(zone, "192.0.11.1");
    cr_assert_str_eq(rz_status(r), "error");
    cr_assert_str_eq(rz_reason(r), "servfail");
    scan_report_free(r);
    /* The AS name failed: the origin is known, the verdict is still open. */
    r = run(zone, "192.0.12.1");
    cr_assert_str_eq(rz_status(r), "error");
    cr_assert_str_eq(rz_reason(r), "timeout");
    cr_assert_eq(int_field(r, "asn"), 64599);
    cr_assert_null(rz_str(r, "as_name"));
    scan_report_free(r);
}
