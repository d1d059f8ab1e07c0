/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * scan_qname() and scan_reverse_name(): RFC 5782 forms, registrable-domain
 * mode, length limits.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "scanner/core/err.h"
#include "scanner/dns/qname.h"

static struct scan_target ip(const char *text)
{
    struct scan_target t;
    memset(&t, 0, sizeof(t));
    if (strchr(text, ':')) {
        t.type = SCAN_T_IP6;
        cr_assert_eq(inet_pton(AF_INET6, text, t.addr), 1);
    } else {
        t.type = SCAN_T_IP4;
        cr_assert_eq(inet_pton(AF_INET, text, t.addr), 1);
    }
    snprintf(t.text, sizeof(t.text), "%s", text);
    return t;
}

static struct scan_target dom(const char *name)
{
    struct scan_target t;
    memset(&t, 0, sizeof(t));
    t.type = SCAN_T_DOMAIN;
    snprintf(t.text, sizeof(t.text), "%s", name);
    return t;
}

Test(qname, ipv4_reversed_octets)
{
    char buf[256];
    struct scan_target t = ip("192.0.2.99");
    cr_assert_eq(scan_qname(&t, "zen.example", 0, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "99.2.0.192.zen.example");
    t = ip("0.10.100.255");
    cr_assert_eq(scan_qname(&t, "bl.example.", 0, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "255.100.10.0.bl.example");
    /* registrable is for domains only */
    t = ip("203.0.113.7");
    cr_assert_eq(scan_qname(&t, "bl.example", 1, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "7.113.0.203.bl.example");
}

Test(qname, ipv6_nibbles_spamhaus_example)
{
    char buf[256];
    struct scan_target t = ip("2001:db8:7ca6:22::45");
    cr_assert_eq(scan_qname(&t, "zone", 0, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "5.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.2.0.0.6.a.c.7.8.b.d.0.1.0.0.2.zone");
    t = ip("::1");
    cr_assert_eq(scan_reverse_name(&t, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0");
    t = ip("FFFF:EEEE::ABCD");
    cr_assert_eq(scan_reverse_name(&t, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.e.e.e.e.f.f.f.f");
}

Test(qname, reverse_name)
{
    char buf[64];
    struct scan_target t = ip("192.0.2.1");
    cr_assert_eq(scan_reverse_name(&t, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "1.2.0.192");
    /* exactly fits */
    cr_assert_eq(scan_reverse_name(&t, buf, 10), 0);
    cr_assert_str_eq(buf, "1.2.0.192");
    cr_assert_eq(scan_reverse_name(&t, buf, 9), -ENAMETOOLONG);
    cr_assert_str_eq(buf, "");
    t = ip("2001:db8::1");
    cr_assert_eq(scan_reverse_name(&t, buf, 64), 0);
    cr_assert_eq(strlen(buf), 63);
    cr_assert_eq(scan_reverse_name(&t, buf, 63), -ENAMETOOLONG);
    t = dom("example.com");
    cr_assert_eq(scan_reverse_name(&t, buf, sizeof(buf)), -EINVAL);
}

Test(qname, domain_as_is)
{
    char buf[256];
    struct scan_target t = dom("a.b.example.co.uk");
    cr_assert_eq(scan_qname(&t, "dbl.example", 0, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "a.b.example.co.uk.dbl.example");
}

Test(qname, domain_registrable)
{
    char buf[256];
    struct scan_target t = dom("a.b.example.co.uk");
    cr_assert_eq(scan_qname(&t, "dbl.example", 1, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "example.co.uk.dbl.example");
    t = dom("www.example.com");
    cr_assert_eq(scan_qname(&t, "uribl.example", 1, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "example.com.uribl.example");
    t = dom("example.com");
    cr_assert_eq(scan_qname(&t, "uribl.example", 1, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "example.com.uribl.example");
    /* unknown TLD: the last two labels */
    t = dom("x.y.example-esp.test");
    cr_assert_eq(scan_qname(&t, "uribl.example", 1, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "example-esp.test.uribl.example");
}

Test(qname, domain_public_suffix_used_as_is)
{
    char buf[256];
    struct scan_target t = dom("co.uk");
    cr_assert_eq(scan_qname(&t, "dbl.example", 1, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "co.uk.dbl.example");
}

Test(qname, bad_zone)
{
    char buf[256];
    struct scan_target t = ip("192.0.2.1");
    cr_assert_eq(scan_qname(&t, "", 0, buf, sizeof(buf)), -EINVAL);
    cr_assert_eq(scan_qname(&t, ".", 0, buf, sizeof(buf)), -EINVAL);
    cr_assert_eq(scan_qname(&t, NULL, 0, buf, sizeof(buf)), -EINVAL);
    cr_assert_str_eq(buf, "");
    t.type = (enum scan_target_type)42;
    cr_assert_eq(scan_qname(&t, "zone", 0, buf, sizeof(buf)), -EINVAL);
}

/* A name of @p n characters made of 63-character labels. */
static void long_name(char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (i % 64 == 63) ? '.' : 'a';
    out[n] = '\0';
}

Test(qname, too_long)
{
    char buf[512], zone[64], name[256];
    struct scan_target t;

    /* 241 + 1 + 11 = 253: fits exactly */
    long_name(name, 241);
    t = dom(name);
    cr_assert_eq(scan_qname(&t, "dbl.example", 0, buf, sizeof(buf)), 0);
    cr_assert_eq(strlen(buf), 253);
    /* one more: 254 */
    long_name(name, 242);
    t = dom(name);
    cr_assert_eq(scan_qname(&t, "dbl.example", 0, buf, sizeof(buf)), -ENAMETOOLONG);
    cr_assert_str_eq(buf, "");

    /* an IPv6 name is 63 + 1 + zone: a 190-character zone fits, 191 does not */
    t = ip("2001:db8::1");
    char bigzone[256];
    long_name(bigzone, 189);
    cr_assert_eq(scan_qname(&t, bigzone, 0, buf, sizeof(buf)), 0);
    long_name(bigzone, 190);
    cr_assert_eq(scan_qname(&t, bigzone, 0, buf, sizeof(buf)), -ENAMETOOLONG);

    /* the caller's buffer counts too */
    t = ip("192.0.2.99");
    snprintf(zone, sizeof(zone), "zen.example");
    cr_assert_eq(scan_qname(&t, zone, 0, buf, strlen("99.2.0.192.zen.example") + 1), 0);
    cr_assert_eq(scan_qname(&t, zone, 0, buf, strlen("99.2.0.192.zen.example")), -ENAMETOOLONG);
    cr_assert_eq(scan_qname(&t, zone, 0, buf, 0), -ENAMETOOLONG);
}

Test(qname, speed)
{
    char buf[256];
    struct scan_target t4 = ip("192.0.2.99"), t6 = ip("2001:db8:7ca6:22::45");
    struct timespec a, b;
    const int n = 1000000;
    unsigned sink = 0;

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++) {
        t4.addr[3] = (uint8_t)i;
        cr_assert_eq(scan_qname(&t4, "zen.example", 0, buf, sizeof(buf)), 0);
        sink += (unsigned char)buf[0];
        cr_assert_eq(scan_qname(&t6, "zen.example", 0, buf, sizeof(buf)), 0);
        sink += (unsigned char)buf[0];
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    cr_log_info("qname: %d IPv4 + %d IPv6 names in %.3f s (%u)", n, n, s, sink);
    cr_assert_lt(s, 5.0);
}
