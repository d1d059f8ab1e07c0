/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests for --resolver parsing (the one pure function of the resolver core).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/err.h"
#include "scanner/resolver.h"

Test(resolver, good_addresses)
{
    struct {
        const char *in, *want;
    } t[] = {{"127.0.0.1", "127.0.0.1:53"},
             {"127.0.0.1:5353", "127.0.0.1:5353"},
             {"[::1]:5353", "[::1]:5353"},
             {"[::1]", "[::1]:53"},
             {"::1", "[::1]:53"},
             {"2001:db8::53", "[2001:db8::53]:53"},
             {"192.0.2.53:65535", "192.0.2.53:65535"}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char buf[64];
        const char *why = NULL;
        cr_assert_eq(scan_resolver_parse_addr(t[i].in, buf, sizeof(buf), &why), 0, "%s", t[i].in);
        cr_assert_str_eq(buf, t[i].want);
    }
}

Test(resolver, bad_addresses_say_why)
{
    const char *bad[] = {
        "dns.example", "127.0.0.1:0", "127.0.0.1:65536", "[::1", "[::1]x", "[127.0.0.1]:53", "",
        "127.0.0.1:",  "1.2.3:53",    "[::1]:port"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char buf[64];
        const char *why = NULL;
        cr_assert_eq(scan_resolver_parse_addr(bad[i], buf, sizeof(buf), &why), SCAN_EPARSE,
                     "'%s' should be rejected", bad[i]);
        cr_assert_not_null(why);
        cr_assert_gt(strlen(why), 5);
    }
}
