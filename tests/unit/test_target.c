/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Target specs and the target stream: every kind of good and bad line with
 * its exact message, files, stdin, dedup, reserved space, range walks.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scanner/core/err.h"
#include "scanner/targets/target.h"

/* ---- helpers ------------------------------------------------------------ */

#define MAXMSG 256

static struct {
    int n, nerr, nwarn;
    char text[MAXMSG][600];
    bool err[MAXMSG];
} M;

static void collect(void *arg, bool is_error, const char *msg)
{
    (void)arg;
    if (M.n < MAXMSG) {
        snprintf(M.text[M.n], sizeof(M.text[M.n]), "%s", msg);
        M.err[M.n] = is_error;
    }
    M.n++;
    if (is_error)
        M.nerr++;
    else
        M.nwarn++;
}

/* A temporary file holding @p content (length @p n); caller unlinks and frees. */
static char *tmp_file_n(const char *content, size_t n)
{
    char *path = strdup("/tmp/test_target_XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, content, n), (ssize_t)n);
    close(fd);
    return path;
}

static char *tmp_file(const char *content)
{
    return tmp_file_n(content, strlen(content));
}

/* "@path" for @p path; static buffer per slot. */
static char *at(const char *path, int slot)
{
    static char buf[4][300];
    snprintf(buf[slot], sizeof(buf[slot]), "@%s", path);
    return buf[slot];
}

struct run {
    struct scan_targets *ts;
    int ret;
    uint64_t total;
};

static struct run prep(char **specs, size_t n, bool skip)
{
    struct scan_target_opts o = {.skip_invalid = skip, .msg = collect, .msg_arg = NULL};
    struct run r = {0};
    memset(&M, 0, sizeof(M));
    cr_assert_eq(scan_targets_new(specs, n, &o, &r.ts), 0);
    r.ret = scan_targets_prepare(r.ts, &r.total);
    return r;
}

/* Drain the stream into @p out (up to @p max texts); @return the count. */
static size_t drain(struct scan_targets *ts, char (*out)[64], size_t max)
{
    struct scan_target t;
    size_t n = 0;
    int ret;
    while ((ret = scan_targets_next(ts, &t)) == 0) {
        if (out && n < max)
            snprintf(out[n], 64, "%.63s", t.text);
        n++;
    }
    cr_assert_eq(ret, 1, "next() ended with %d", ret);
    return n;
}

/* Run @p specs, expect success and exactly the targets @p want (NULL-terminated). */
static void expect_targets(char **specs, size_t n, const char *const *want)
{
    char got[64][64];
    struct run r = prep(specs, n, false);
    cr_assert_eq(r.ret, 0, "prepare: %d (%s)", r.ret, M.n ? M.text[0] : "");
    size_t cnt = drain(r.ts, got, 64);
    size_t nw = 0;
    while (want[nw])
        nw++;
    cr_assert_eq(cnt, nw, "got %zu targets, want %zu", cnt, nw);
    cr_assert_eq(r.total, nw, "total %llu, want %zu", (unsigned long long)r.total, nw);
    for (size_t i = 0; i < nw; i++)
        cr_assert_str_eq(got[i], want[i], "target %zu", i);
    scan_targets_free(r.ts);
}

static void expect_parse(const char *s, enum scan_target_type type, unsigned prefix,
                         const char *domain)
{
    struct scan_spec sp;
    struct scan_diag diag = {0};
    int ret = scan_spec_parse(s, &sp, &diag);
    cr_assert_eq(ret, 0, "'%s': %s", s, diag.msg);
    cr_assert_str_empty(diag.msg, "'%s': success leaves the diag as it was", s);
    cr_assert_eq(sp.type, type, "'%s'", s);
    cr_assert_eq(sp.prefix, prefix, "'%s'", s);
    if (domain)
        cr_assert_str_eq(sp.domain, domain);
}

static void expect_bad(const char *s, const char *want)
{
    struct scan_spec sp;
    struct scan_diag diag = {0};
    cr_assert_eq(scan_spec_parse(s, &sp, &diag), SCAN_EPARSE, "'%s' parsed", s);
    cr_assert_str_eq(diag.msg, want, "'%s'", s);
    cr_assert_eq(sp.type, 0);
    cr_assert_eq(sp.prefix, 0);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stdin_from_pipe(const char *content);

/* ---- scan_spec_parse ---------------------------------------------------- */

Test(spec, good_ipv4)
{
    struct scan_spec sp;
    cr_assert_eq(scan_spec_parse("192.0.2.1", &sp, NULL), 0);
    cr_assert_eq(sp.type, SCAN_T_IP4);
    cr_assert_eq(sp.prefix, 32);
    cr_assert_eq(memcmp(sp.addr, "\xc0\x00\x02\x01", 4), 0);
    expect_parse("0.0.0.0", SCAN_T_IP4, 32, NULL);
    expect_parse("255.255.255.255", SCAN_T_IP4, 32, NULL);
    expect_parse("192.0.2.1/32", SCAN_T_IP4, 32, NULL);
    expect_parse("192.0.2.0/24", SCAN_T_IP4, 24, NULL);
    expect_parse("11.0.0.0/8", SCAN_T_IP4, 8, NULL);
    expect_parse("192.0.2.128/25", SCAN_T_IP4, 25, NULL);
    expect_parse("192.0.2.4/31", SCAN_T_IP4, 31, NULL);
    cr_assert_eq(scan_spec_count(&sp), 1);
    scan_spec_parse("11.0.0.0/8", &sp, NULL);
    cr_assert_eq(scan_spec_count(&sp), 16777216);
}

Test(spec, good_ipv6)
{
    struct scan_spec sp;
    expect_parse("2001:db8::1", SCAN_T_IP6, 128, NULL);
    expect_parse("2001:DB8::1", SCAN_T_IP6, 128, NULL);
    expect_parse("2001:db8::1/128", SCAN_T_IP6, 128, NULL);
    expect_parse("2001:db8::/112", SCAN_T_IP6, 112, NULL);
    expect_parse("2001:db8::100/120", SCAN_T_IP6, 120, NULL);
    expect_parse("::ffff:192.0.2.1", SCAN_T_IP6, 128, NULL);
    cr_assert_eq(scan_spec_parse("2001:db8::/112", &sp, NULL), 0);
    cr_assert_eq(scan_spec_count(&sp), 65536);
    cr_assert_eq(sp.addr[0], 0x20);
    cr_assert_eq(sp.addr[3], 0xb8);
}

Test(spec, good_domain)
{
    char name[300];
    expect_parse("example.com", SCAN_T_DOMAIN, 0, "example.com");
    expect_parse("Mail.Example.COM.", SCAN_T_DOMAIN, 0, "mail.example.com");
    expect_parse("_dmarc.example.com", SCAN_T_DOMAIN, 0, "_dmarc.example.com");
    expect_parse("xn--bcher-kva.example", SCAN_T_DOMAIN, 0, "xn--bcher-kva.example");
    expect_parse("a-b.c_d.example", SCAN_T_DOMAIN, 0, "a-b.c_d.example");
    expect_parse("1e100.net", SCAN_T_DOMAIN, 0, "1e100.net");
    expect_parse("192.0.2.1.example", SCAN_T_DOMAIN, 0, "192.0.2.1.example");
    expect_parse("123.com", SCAN_T_DOMAIN, 0, "123.com");
    /* 63-character label */
    memset(name, 'a', 63);
    strcpy(name + 63, ".example");
    expect_parse(name, SCAN_T_DOMAIN, 0, name);
    /* 253 characters: 3 x 63 + 3 dots + 61, plus a trailing dot */
    for (int i = 0; i < 253; i++)
        name[i] = (i % 64 == 63) ? '.' : 'a';
    name[253] = '\0';
    expect_parse(name, SCAN_T_DOMAIN, 0, name);
    name[253] = '.';
    name[254] = '\0';
    expect_parse(name, SCAN_T_DOMAIN, 0, NULL);
}

Test(spec, bad_ipv4)
{
    expect_bad("", "empty target");
    expect_bad("1.2.3", "not a valid IPv4 address (need four decimal octets)");
    expect_bad("1.2.3.4.5", "not a valid IPv4 address (need four decimal octets)");
    expect_bad("1..2.3", "not a valid IPv4 address (need four decimal octets)");
    expect_bad("1.2.3.4.", "not a valid IPv4 address (need four decimal octets)");
    expect_bad(".1.2.3", "not a valid IPv4 address (need four decimal octets)");
    expect_bad("1234", "not a valid IPv4 address (need four decimal octets)");
    expect_bad("256.1.1.1", "IPv4 octet greater than 255");
    expect_bad("1.2.3.1000", "IPv4 octet greater than 255");
    expect_bad("1.2.3.99999999999999999999", "IPv4 octet greater than 255");
    expect_bad("010.1.1.1", "leading zero in an IPv4 octet (octal or decimal?)");
    expect_bad("1.2.3.00", "leading zero in an IPv4 octet (octal or decimal?)");
}

Test(spec, bad_ipv4_range)
{
    expect_bad("192.0.2.5/24", "host bits set, did you mean 192.0.2.0/24");
    expect_bad("11.1.0.0/8", "host bits set, did you mean 11.0.0.0/8");
    expect_bad("192.0.2.1/31", "host bits set, did you mean 192.0.2.0/31");
    expect_bad("10.0.0.0/7", "IPv4 prefix shorter than /8");
    expect_bad("0.0.0.0/0", "IPv4 prefix shorter than /8");
    expect_bad("96.0.0.0/4", "IPv4 prefix shorter than /8");
    expect_bad("1.2.3.4/33", "IPv4 prefix longer than /32");
    expect_bad("1.2.3.4/", "missing prefix length after '/'");
    expect_bad("1.2.3.4/x", "bad prefix length");
    expect_bad("1.2.3.4/024", "bad prefix length");
    expect_bad("1.2.3.4/1000", "bad prefix length");
    expect_bad("1.2.3.4/24/5", "bad prefix length");
    expect_bad("1.2.3.4/-8", "bad prefix length");
    expect_bad("/24", "missing address before '/'");
    expect_bad("example.com/24", "a prefix length needs an IP address");
}

Test(spec, bad_ipv6)
{
    expect_bad("2001:db8::g", "not a valid IPv6 address");
    expect_bad("2001:db8:::1", "not a valid IPv6 address");
    expect_bad("[2001:db8::1]", "not a valid IPv6 address");
    expect_bad("1:2:3:4:5:6:7:8:9", "not a valid IPv6 address");
    expect_bad("example.com:25", "not a valid IPv6 address");
    expect_bad("fe80::1%eth0", "IPv6 zone index (%...) not allowed");
    expect_bad("2001:db8::/64", "IPv6 prefix shorter than /112");
    expect_bad("2001:db8::/111", "IPv6 prefix shorter than /112");
    expect_bad("2001:db8::/129", "IPv6 prefix longer than /128");
    expect_bad("2001:db8::1/112", "host bits set, did you mean 2001:db8::/112");
    expect_bad("2001:db8::1:1/112", "host bits set, did you mean 2001:db8::1:0/112");
    expect_parse("2001:db8::1:0/112", SCAN_T_IP6, 112, NULL);
    expect_bad("2001:db8::/", "missing prefix length after '/'");
}

Test(spec, bad_domain)
{
    char name[400];
    expect_bad("bücher.example", "IDN must be in A-label (xn--) form");
    expect_bad("xn--bcher-kva.b\xc3\xbc", "IDN must be in A-label (xn--) form");
    expect_bad("a..example", "empty label");
    expect_bad(".example.com", "empty label");
    expect_bad("example.com..", "empty label");
    expect_bad(".", "empty label");
    expect_bad("-a.example", "label starts or ends with a hyphen");
    expect_bad("a-.example", "label starts or ends with a hyphen");
    expect_bad("a.example-", "label starts or ends with a hyphen");
    expect_bad("exa mple.com", "blank inside a target (one target per line)");
    expect_bad("example.com\t", "blank inside a target (one target per line)");
    expect_bad("ex!ample.com", "invalid character '!' in a domain name");
    expect_bad("user@example.com", "invalid character '@' in a domain name");
    expect_bad("http://example.com", "a URL, not a host name");
    expect_bad("ex\x01mple.com", "invalid character 0x01 in a domain name");
    expect_bad("localhost", "single-label name (need at least two labels)");
    expect_bad("com.", "single-label name (need at least two labels)");
    expect_bad("example.123", "all-numeric top-level label");
    expect_bad("0x7f.1.1.1", "all-numeric top-level label");
    memset(name, 'a', 64);
    strcpy(name + 64, ".example");
    expect_bad(name, "label longer than 63 characters");
    for (int i = 0; i < 254; i++)
        name[i] = (i % 64 == 63) ? '.' : 'a';
    name[254] = '\0';
    expect_bad(name, "name longer than 253 characters");
}

Test(spec, null_diag)
{
    struct scan_spec sp;
    cr_assert_eq(scan_spec_parse("nonsense", &sp, NULL), SCAN_EPARSE);
    cr_assert_eq(scan_spec_parse("192.0.2.1/33", &sp, NULL), SCAN_EPARSE);
}

/* ---- reserved space ----------------------------------------------------- */

static bool reserved(const char *s)
{
    struct scan_spec sp;
    struct scan_diag diag = {0};
    cr_assert_eq(scan_spec_parse(s, &sp, &diag), 0, "'%s': %s", s, diag.msg);
    bool r = scan_spec_reserved(&sp) != NULL;
    if (sp.prefix == 32 || sp.prefix == 128)
        cr_assert_eq(scan_addr_reserved(sp.type, sp.addr), r, "'%s'", s);
    return r;
}

Test(reserved, ipv4)
{
    const char *yes[] = {"10.0.0.0",    "10.255.255.255",  "172.16.0.0", "172.31.255.255",
                         "192.168.0.1", "127.0.0.1",       "127.1.2.3",  "169.254.1.1",
                         "0.0.0.0",     "0.1.2.3",         "100.64.0.0", "100.127.255.255",
                         "224.0.0.1",   "239.255.255.255", "240.0.0.1",  "255.255.255.255",
                         "10.1.0.0/16", "0.0.0.0/8"};
    const char *no[] = {"9.255.255.255",   "11.0.0.0",        "172.15.255.255",  "172.32.0.0",
                        "192.167.255.255", "192.169.0.0",     "169.253.255.255", "100.63.255.255",
                        "100.128.0.0",     "223.255.255.255", "1.0.0.0",         "8.8.8.8",
                        "192.0.2.1",       "198.51.100.1",    "203.0.113.1",     "192.0.2.0/24",
                        "198.51.100.0/24", "203.0.113.0/24"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_assert(reserved(yes[i]), "%s should be reserved", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_assert(!reserved(no[i]), "%s should not be reserved", no[i]);
}

Test(reserved, ipv6)
{
    const char *yes[] = {"::",         "::1",     "fe80::1", "febf:ffff::1",     "fc00::1",
                         "fdff::1",    "ff02::1", "ff00::",  "::ffff:192.0.2.1", "::ffff:0:0",
                         "fe80::/112", "::/112",  "::/127"};
    const char *no[] = {"::2",        "2001:db8::1", "2001:db8::/112",
                        "fec0::1",    "fbff::1",     "2001:4860::8888",
                        "::fffe:0:0", "::1:0:0:0",   "64:ff9b::1"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_assert(reserved(yes[i]), "%s should be reserved", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_assert(!reserved(no[i]), "%s should not be reserved", no[i]);
}

Test(reserved, reasons_and_counts)
{
    struct scan_spec sp;
    scan_spec_parse("10.1.2.3", &sp, NULL);
    cr_assert_str_eq(scan_spec_reserved(&sp), "RFC 1918 private address");
    cr_assert_eq(scan_spec_reserved_count(&sp), 1);
    scan_spec_parse("172.0.0.0/8", &sp, NULL);
    cr_assert_str_eq(scan_spec_reserved(&sp), "RFC 1918 private address");
    cr_assert_eq(scan_spec_reserved_count(&sp), 1048576);
    scan_spec_parse("100.0.0.0/8", &sp, NULL);
    cr_assert_str_eq(scan_spec_reserved(&sp), "CGNAT shared address (100.64/10)");
    cr_assert_eq(scan_spec_reserved_count(&sp), 4194304);
    scan_spec_parse("192.0.0.0/8", &sp, NULL);
    cr_assert_eq(scan_spec_reserved_count(&sp), 65536);
    scan_spec_parse("10.0.0.0/8", &sp, NULL);
    cr_assert_eq(scan_spec_reserved_count(&sp), 16777216);
    scan_spec_parse("::/112", &sp, NULL);
    cr_assert_str_eq(scan_spec_reserved(&sp), "unspecified address");
    cr_assert_eq(scan_spec_reserved_count(&sp), 2);
    scan_spec_parse("192.0.2.0/24", &sp, NULL);
    cr_assert_null(scan_spec_reserved(&sp));
    cr_assert_eq(scan_spec_reserved_count(&sp), 0);
    scan_spec_parse("example.com", &sp, NULL);
    cr_assert_null(scan_spec_reserved(&sp));
    cr_assert_eq(scan_spec_reserved_count(&sp), 0);
}

/* ---- the stream: arguments, order, canonical text ------------------------ */

Test(targets, arguments_in_order_canonical)
{
    char *specs[] = {"192.0.2.1",      "Example.COM.", "2001:DB8:0:0::1",
                     " 198.51.100.7 ", "192.0.2.8/30", "2001:db8::10/127"};
    const char *want[] = {"192.0.2.1",    "example.com",  "2001:db8::1", "198.51.100.7",
                          "192.0.2.8",    "192.0.2.9",    "192.0.2.10",  "192.0.2.11",
                          "2001:db8::10", "2001:db8::11", NULL};
    expect_targets(specs, 6, want);
    cr_assert_eq(M.n, 0);
}

Test(targets, target_fields)
{
    char *specs[] = {"192.0.2.1", "2001:db8::1", "example.com"};
    struct run r = prep(specs, 3, false);
    struct scan_target t;
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(scan_targets_next(r.ts, &t), 0);
    cr_assert_eq(t.type, SCAN_T_IP4);
    cr_assert_eq(memcmp(t.addr, "\xc0\x00\x02\x01\0\0\0\0\0\0\0\0\0\0\0\0", 16), 0);
    cr_assert_eq(scan_targets_next(r.ts, &t), 0);
    cr_assert_eq(t.type, SCAN_T_IP6);
    cr_assert_eq(memcmp(t.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16), 0);
    cr_assert_eq(scan_targets_next(r.ts, &t), 0);
    cr_assert_eq(t.type, SCAN_T_DOMAIN);
    cr_assert_str_eq(t.text, "example.com");
    cr_assert_eq(scan_targets_next(r.ts, &t), 1);
    cr_assert_eq(scan_targets_next(r.ts, &t), 1);
    scan_targets_free(r.ts);
}

/* Job-file specs: messages name where each was written, and every target carries
 * the spec it first came from and that spec's pool (a duplicate keeps the first). */
Test(targets, origins_and_pools)
{
    char *path = tmp_file("198.51.100.7\n192.0.2.2\n");
    char *specs[] = {"192.0.2.0/30", at(path, 0), "203.0.113.1", "192.0.2.0/33"};
    const char *origins[] = {"job.yaml:2:31", "job.yaml:2:45", NULL, "job.yaml:4:16"};
    const char *pools[] = {"transactional", "marketing", NULL, "x"};
    struct scan_target_opts o = {.msg = collect, .origins = origins, .pools = pools};
    struct scan_targets *ts = NULL;
    struct scan_target t;
    uint64_t total = 0;

    memset(&M, 0, sizeof(M));
    cr_assert_eq(scan_targets_new(specs, 4, &o, &ts), 0);
    cr_assert_eq(scan_targets_prepare(ts, &total), SCAN_EPARSE);
    cr_assert_eq(M.nerr, 1);
    cr_assert_str_eq(M.text[0], "job.yaml:4:16: '192.0.2.0/33': IPv4 prefix longer than /32");
    scan_targets_free(ts);

    cr_assert_eq(scan_targets_new(specs, 3, &o, &ts), 0);
    cr_assert_eq(scan_targets_prepare(ts, &total), 0);
    static const struct {
        const char *text;
        size_t source;
        const char *pool;
    } want[] = {
        {"192.0.2.0", 0, "transactional"}, {"192.0.2.1", 0, "transactional"},
        {"192.0.2.2", 0, "transactional"}, {"192.0.2.3", 0, "transactional"},
        {"198.51.100.7", 1, "marketing"},  {"203.0.113.1", 2, NULL},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        cr_assert_eq(scan_targets_next(ts, &t), 0);
        cr_assert_str_eq(t.text, want[i].text);
        cr_assert_eq(t.source, want[i].source, "%s", t.text);
        if (want[i].pool)
            cr_assert_str_eq(t.pool, want[i].pool, "%s", t.text);
        else
            cr_assert_null(t.pool);
    }
    cr_assert_eq(scan_targets_next(ts, &t), 1);
    scan_targets_free(ts);
    unlink(path);
    free(path);
}

Test(targets, lifecycle)
{
    char *specs[] = {"192.0.2.1"};
    struct scan_targets *ts = NULL;
    struct scan_target t;
    uint64_t total = 9;
    scan_targets_free(NULL);
    cr_assert_eq(scan_targets_new(specs, 1, NULL, &ts), 0);
    cr_assert_eq(scan_targets_next(ts, &t), -EINVAL);
    cr_assert_eq(scan_targets_prepare(ts, &total), 0);
    cr_assert_eq(total, 1);
    cr_assert_eq(scan_targets_prepare(ts, &total), -EINVAL);
    cr_assert_eq(total, 0);
    scan_targets_free(ts);
    /* nothing at all */
    cr_assert_eq(scan_targets_new(NULL, 0, NULL, &ts), 0);
    cr_assert_eq(scan_targets_prepare(ts, &total), 0);
    cr_assert_eq(total, 0);
    cr_assert_eq(scan_targets_next(ts, &t), 1);
    scan_targets_free(ts);
    /* freed without prepare */
    cr_assert_eq(scan_targets_new(specs, 1, NULL, &ts), 0);
    scan_targets_free(ts);
}

/* ---- bad lines and messages --------------------------------------------- */

Test(messages, bad_arguments)
{
    char *specs[] = {"192.0.2.1", "192.0.2.5/24", "bücher.example", "", "@", "-", "-"};
    stdin_from_pipe("");
    struct run r = prep(specs, 7, false);
    cr_assert_eq(r.ret, SCAN_EPARSE);
    cr_assert_eq(r.total, 0);
    cr_assert_eq(M.nerr, 5, "%d errors", M.nerr);
    cr_assert_str_eq(M.text[0], "argument 2: '192.0.2.5/24': host bits set, did you mean "
                                "192.0.2.0/24");
    cr_assert_str_eq(M.text[1], "argument 3: 'bücher.example': IDN must be in A-label (xn--) "
                                "form");
    cr_assert_str_eq(M.text[2], "argument 4: '': empty target");
    cr_assert_str_eq(M.text[3], "argument 5: '@': missing file name after '@'");
    cr_assert_str_eq(M.text[4], "argument 7: '-': standard input named more than once");
    struct scan_target t;
    cr_assert_eq(scan_targets_next(r.ts, &t), -EINVAL);
    scan_targets_free(r.ts);
}

Test(messages, every_bad_line_of_a_file)
{
    char *path = tmp_file("192.0.2.1\n"
                          "192.0.2.5/24\n"
                          "# comment\n"
                          "\n"
                          "010.1.1.1   # octal?\n"
                          "2001:db8::/64\n"
                          "example.123\n"
                          "example.com\n"
                          "ex\x01mple.com\n");
    char *specs[] = {at(path, 0)};
    struct run r = prep(specs, 1, false);
    char want[5][400];
    cr_assert_eq(r.ret, SCAN_EPARSE);
    snprintf(want[0], 400, "%s:2: '192.0.2.5/24': host bits set, did you mean 192.0.2.0/24", path);
    snprintf(want[1], 400, "%s:5: '010.1.1.1': leading zero in an IPv4 octet (octal or decimal?)",
             path);
    snprintf(want[2], 400, "%s:6: '2001:db8::/64': IPv6 prefix shorter than /112", path);
    snprintf(want[3], 400, "%s:7: 'example.123': all-numeric top-level label", path);
    snprintf(want[4], 400, "%s:9: 'ex?mple.com': invalid character 0x01 in a domain name", path);
    cr_assert_eq(M.n, 5);
    for (int i = 0; i < 5; i++) {
        cr_assert(M.err[i]);
        cr_assert_str_eq(M.text[i], want[i]);
    }
    scan_targets_free(r.ts);
    unlink(path);
    free(path);
}

Test(messages, skip_invalid_warns_and_scans_the_rest)
{
    char *path = tmp_file("192.0.2.1\nnot_a_target\n192.0.2.5/24\nexample.com\n");
    char *specs[] = {at(path, 0), "1.2.3", "198.51.100.1"};
    const char *want[] = {"192.0.2.1", "example.com", "198.51.100.1"};
    char got[8][64];
    char w[400];
    struct run r = prep(specs, 3, true);
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(r.total, 3);
    cr_assert_eq(M.nerr, 0);
    cr_assert_eq(M.nwarn, 3);
    snprintf(w, sizeof(w), "%s:2: 'not_a_target': single-label name (need at least two labels)",
             path);
    cr_assert_str_eq(M.text[0], w);
    snprintf(w, sizeof(w), "%s:3: '192.0.2.5/24': host bits set, did you mean 192.0.2.0/24", path);
    cr_assert_str_eq(M.text[1], w);
    cr_assert_str_eq(M.text[2], "argument 2: '1.2.3': not a valid IPv4 address (need four "
                                "decimal octets)");
    cr_assert_eq(drain(r.ts, got, 8), 3);
    for (int i = 0; i < 3; i++)
        cr_assert_str_eq(got[i], want[i]);
    scan_targets_free(r.ts);
    unlink(path);
    free(path);
}

Test(messages, capped_at_100)
{
    size_t cap = 150 * 8 + 16;
    char *buf = malloc(cap), *p = buf;
    for (int i = 0; i < 150; i++)
        p += sprintf(p, "bad!%d\n", i);
    char *path = tmp_file(buf);
    char *specs[] = {at(path, 0)};
    char w[400];
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, SCAN_EPARSE);
    cr_assert_eq(M.n, 101);
    cr_assert_eq(M.nerr, 101);
    snprintf(w, sizeof(w), "%s:100: 'bad!99': invalid character '!' in a domain name", path);
    cr_assert_str_eq(M.text[99], w);
    cr_assert_str_eq(M.text[100], "... and 50 more");
    scan_targets_free(r.ts);
    /* skip_invalid: the same, as warnings */
    r = prep(specs, 1, true);
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(M.nwarn, 101);
    cr_assert_str_eq(M.text[100], "... and 50 more");
    scan_targets_free(r.ts);
    unlink(path);
    free(path);
    free(buf);
}

Test(messages, text_sanitized_and_truncated)
{
    char line[200];
    memset(line, 'x', 120);
    strcpy(line + 120, "!.com");
    char *specs[] = {line, "a\x1b[31m.com", "\xc3\xa9\xc2\x85.example"};
    char want[200];
    struct run r = prep(specs, 3, false);
    cr_assert_eq(r.ret, SCAN_EPARSE);
    memset(want, 0, sizeof(want));
    strcpy(want, "argument 1: '");
    memset(want + 13, 'x', 80);
    strcat(want, "...': invalid character '!' in a domain name");
    cr_assert_str_eq(M.text[0], want);
    cr_assert_str_eq(M.text[1], "argument 2: 'a?[31m.com': invalid character 0x1b in a domain "
                                "name");
    cr_assert_str_eq(M.text[2], "argument 3: '\xc3\xa9?.example': IDN must be in A-label "
                                "(xn--) form");
    scan_targets_free(r.ts);

    /* a cut never splits a UTF-8 sequence: 79 x 'a' then 'é' (2 bytes) */
    char idn[200];
    memset(idn, 'a', 79);
    strcpy(idn + 79, "\xc3\xa9\xc3\xa9.example");
    char *s2[] = {idn};
    r = prep(s2, 1, false);
    memset(want, 0, sizeof(want));
    strcpy(want, "argument 1: '");
    memset(want + 13, 'a', 79);
    strcat(want, "...': IDN must be in A-label (xn--) form");
    cr_assert_str_eq(M.text[0], want);
    scan_targets_free(r.ts);
}

Test(messages, unreadable_files)
{
    char *dir = strdup("/tmp/test_target_dir_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char *specs[] = {"@/nonexistent/targets.txt", "bad!", at(dir, 0), "192.0.2.1"};
    char w[400];
    struct run r = prep(specs, 4, false);
    cr_assert_eq(r.ret, -ENOENT);
    cr_assert_eq(r.total, 0);
    cr_assert_eq(M.nerr, 3);
    cr_assert_str_eq(M.text[0], "/nonexistent/targets.txt: cannot read: No such file or "
                                "directory");
    cr_assert_str_eq(M.text[1], "argument 2: 'bad!': invalid character '!' in a domain name");
    snprintf(w, sizeof(w), "%s: cannot read: Is a directory", dir);
    cr_assert_str_eq(M.text[2], w);
    scan_targets_free(r.ts);
    /* skip_invalid does not skip unreadable files */
    char *s2[] = {"@/nonexistent/targets.txt", "192.0.2.1"};
    r = prep(s2, 2, true);
    cr_assert_eq(r.ret, -ENOENT);
    scan_targets_free(r.ts);
    rmdir(dir);
    free(dir);
}

Test(messages, unreadable_permission)
{
    if (geteuid() == 0)
        cr_skip_test("root reads everything");
    char *path = tmp_file("192.0.2.1\n");
    chmod(path, 0);
    char *specs[] = {at(path, 0)};
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, -EACCES);
    unlink(path);
    free(path);
    scan_targets_free(r.ts);
}

/* ---- files -------------------------------------------------------------- */

Test(files, comments_blanks_crlf)
{
    char *path = tmp_file("# whole-line comment\r\n"
                          "\r\n"
                          "   \t \n"
                          "  192.0.2.1  \r\n"
                          "198.51.100.2# trailing, no blank\n"
                          "\texample.com.   # trailing comment\r\n"
                          "   # indented comment\n"
                          "2001:db8::1\r\n"
                          "203.0.113.3"); /* no final newline */
    char *specs[] = {at(path, 0)};
    const char *want[] = {"192.0.2.1",   "198.51.100.2", "example.com",
                          "2001:db8::1", "203.0.113.3",  NULL};
    expect_targets(specs, 1, want);
    cr_assert_eq(M.n, 0);
    unlink(path);
    free(path);
}

Test(files, utf8_bom)
{
    char *path = tmp_file("\xef\xbb\xbf"
                          "192.0.2.1\r\n\xef\xbb\xbf"
                          "example.com\r\n");
    char *specs[] = {at(path, 0)};
    char w[400];
    struct run r = prep(specs, 1, false);
    /* only at the very start of the file */
    cr_assert_eq(r.ret, SCAN_EPARSE);
    cr_assert_eq(M.n, 1);
    snprintf(w, sizeof(w),
             "%s:2: '\xef\xbb\xbf"
             "example.com': IDN must be in A-label (xn--) form",
             path);
    cr_assert_str_eq(M.text[0], w);
    scan_targets_free(r.ts);
    unlink(path);
    free(path);
}

Test(files, empty_and_comment_only)
{
    char *a = tmp_file(""), *b = tmp_file("# nothing\n\n#\n");
    char *specs[] = {at(a, 0), at(b, 1)};
    const char *want[] = {NULL};
    expect_targets(specs, 2, want);
    unlink(a);
    unlink(b);
    free(a);
    free(b);
}

Test(files, crlf_line_numbers_in_errors)
{
    char *path = tmp_file("192.0.2.1\r\n\r\nbad!\r\n");
    char *specs[] = {at(path, 0)};
    char w[400];
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, SCAN_EPARSE);
    snprintf(w, sizeof(w), "%s:3: 'bad!': invalid character '!' in a domain name", path);
    cr_assert_str_eq(M.text[0], w);
    scan_targets_free(r.ts);
    unlink(path);
    free(path);
}

Test(files, long_lines)
{
    /* a long comment is fine; a long line without one is not */
    size_t n = 10000;
    char *buf = malloc(2 * n + 100);
    int k = sprintf(buf, "192.0.2.1 # ");
    memset(buf + k, 'c', n);
    k += (int)n;
    k += sprintf(buf + k, "\n192.0.2.2\n");
    memset(buf + k, 'd', n);
    k += (int)n;
    k += sprintf(buf + k, "\n192.0.2.3\n");
    char *path = tmp_file_n(buf, (size_t)k);
    char *specs[] = {at(path, 0)};
    char w[400], d80[81];
    memset(d80, 'd', 80);
    d80[80] = '\0';
    struct run r = prep(specs, 1, true);
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(r.total, 3);
    cr_assert_eq(M.n, 1);
    snprintf(w, sizeof(w), "%s:3: '%s...': line too long", path, d80);
    cr_assert_str_eq(M.text[0], w);
    const char *want[] = {"192.0.2.1", "192.0.2.2", "192.0.2.3"};
    char got[4][64];
    cr_assert_eq(drain(r.ts, got, 4), 3);
    for (int i = 0; i < 3; i++)
        cr_assert_str_eq(got[i], want[i]);
    scan_targets_free(r.ts);
    unlink(path);
    free(path);
    free(buf);
}

Test(files, nul_byte)
{
    char *path = tmp_file_n("192.0.2.1\n192.0\0.2.2\nexample.com # a\0b\n", 36);
    char *specs[] = {at(path, 0)};
    char w[400];
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, SCAN_EPARSE);
    cr_assert_eq(M.n, 1);
    snprintf(w, sizeof(w), "%s:2: '192.0?.2.2': NUL byte in line", path);
    cr_assert_str_eq(M.text[0], w);
    scan_targets_free(r.ts);
    unlink(path);
    free(path);
}

Test(files, changed_between_passes)
{
    char *path = tmp_file("192.0.2.1\n192.0.2.2\n");
    char *specs[] = {at(path, 0)};
    struct scan_target t;
    char w[400];
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, 0);
    FILE *f = fopen(path, "a");
    fputs("192.0.2.3\n", f);
    fclose(f);
    cr_assert_eq(scan_targets_next(r.ts, &t), -EIO);
    snprintf(w, sizeof(w), "%s: cannot read: changed since it was checked", path);
    cr_assert_str_eq(M.text[M.n - 1], w);
    cr_assert_eq(scan_targets_next(r.ts, &t), -EIO);
    scan_targets_free(r.ts);
    unlink(path);
    free(path);
}

Test(files, same_file_twice)
{
    char *path = tmp_file("192.0.2.1\n192.0.2.2\n");
    char *specs[] = {at(path, 0), at(path, 1)};
    const char *want[] = {"192.0.2.1", "192.0.2.2", NULL};
    expect_targets(specs, 2, want);
    unlink(path);
    free(path);
}

/* ---- stdin and other unseekable input ----------------------------------- */

static void stdin_from_file(const char *content)
{
    char *path = tmp_file(content);
    int fd = open(path, O_RDONLY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(dup2(fd, 0), 0);
    close(fd);
    unlink(path);
    free(path);
    clearerr(stdin);
}

static void stdin_from_pipe(const char *content)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], content, strlen(content)), (ssize_t)strlen(content));
    close(p[1]);
    cr_assert_eq(dup2(p[0], 0), 0);
    close(p[0]);
    clearerr(stdin);
}

Test(stdin, from_file)
{
    stdin_from_file("# from stdin\n192.0.2.1\r\n\nexample.com # c\n");
    char *specs[] = {"198.51.100.1", "-", "203.0.113.1"};
    const char *want[] = {"198.51.100.1", "192.0.2.1", "example.com", "203.0.113.1", NULL};
    expect_targets(specs, 3, want);
}

Test(stdin, from_pipe_spooled)
{
    stdin_from_pipe("192.0.2.1\n192.0.2.4/30\n2001:db8::5\n");
    char *specs[] = {"-"};
    const char *want[] = {"192.0.2.1", "192.0.2.4",   "192.0.2.5", "192.0.2.6",
                          "192.0.2.7", "2001:db8::5", NULL};
    expect_targets(specs, 1, want);
}

Test(stdin, errors_name_stdin)
{
    stdin_from_pipe("192.0.2.1\n\nbad!\n10.0.0.1\n");
    char *specs[] = {"-"};
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, SCAN_EPARSE);
    cr_assert_eq(M.n, 2);
    cr_assert_str_eq(M.text[0], "<stdin>:3: 'bad!': invalid character '!' in a domain name");
    cr_assert_str_eq(M.text[1], "<stdin>:4: '10.0.0.1': reserved (RFC 1918 private address), "
                                "skipped");
    scan_targets_free(r.ts);
}

Test(stdin, closed)
{
    close(0);
    char *specs[] = {"-"};
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, -EBADF);
    cr_assert_str_eq(M.text[0], "<stdin>: cannot read: Bad file descriptor");
    scan_targets_free(r.ts);
}

Test(stdin, file_argument_that_is_a_pipe)
{
    int p[2];
    char arg[64];
    const char *content = "192.0.2.1\n192.0.2.1\nexample.com\n";
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], content, strlen(content)), (ssize_t)strlen(content));
    close(p[1]);
    snprintf(arg, sizeof(arg), "@/dev/fd/%d", p[0]);
    char *specs[] = {arg};
    const char *want[] = {"192.0.2.1", "example.com", NULL};
    expect_targets(specs, 1, want);
    close(p[0]);
}

/* ---- dedup -------------------------------------------------------------- */

Test(dedup, same_single_twice)
{
    char *specs[] = {"192.0.2.1",   "198.51.100.1",  "192.0.2.1/32", "192.0.2.1",
                     "2001:db8::1", "2001:DB8:0::1", "example.com",  "EXAMPLE.com."};
    const char *want[] = {"192.0.2.1", "198.51.100.1", "2001:db8::1", "example.com", NULL};
    expect_targets(specs, 8, want);
}

Test(dedup, single_inside_earlier_range)
{
    char *specs[] = {"192.0.2.0/30", "192.0.2.2", "192.0.2.9", "2001:db8::/126", "2001:db8::3"};
    const char *want[] = {"192.0.2.0",  "192.0.2.1",   "192.0.2.2",   "192.0.2.3",   "192.0.2.9",
                          "2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3", NULL};
    expect_targets(specs, 5, want);
}

Test(dedup, range_after_single)
{
    char *specs[] = {"192.0.2.2", "192.0.2.0/30", "2001:db8::1", "2001:db8::/127"};
    const char *want[] = {"192.0.2.2",   "192.0.2.0",  "192.0.2.1", "192.0.2.3",
                          "2001:db8::1", "2001:db8::", NULL};
    expect_targets(specs, 4, want);
}

Test(dedup, identical_ranges)
{
    char *specs[] = {"192.0.2.0/30", "198.51.100.0/31", "192.0.2.0/30"};
    const char *want[] = {"192.0.2.0",    "192.0.2.1",    "192.0.2.2", "192.0.2.3",
                          "198.51.100.0", "198.51.100.1", NULL};
    expect_targets(specs, 3, want);
}

Test(dedup, nested_ranges)
{
    /* bigger first: the smaller one adds nothing; smaller first: the bigger skips it */
    char *a[] = {"192.0.2.0/29", "192.0.2.4/30"};
    const char *wa[] = {"192.0.2.0", "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4",
                        "192.0.2.5", "192.0.2.6", "192.0.2.7", NULL};
    expect_targets(a, 2, wa);
    char *b[] = {"192.0.2.4/31", "192.0.2.1", "192.0.2.0/29", "192.0.2.6"};
    const char *wb[] = {"192.0.2.4", "192.0.2.5", "192.0.2.1", "192.0.2.0", "192.0.2.2",
                        "192.0.2.3", "192.0.2.6", "192.0.2.7", NULL};
    expect_targets(b, 4, wb);
}

Test(dedup, big_range_skips_many_singles)
{
    /* 1000 singles, then the /16 that holds them: total stays exact */
    char **specs = malloc(1001 * sizeof(*specs));
    for (int i = 0; i < 1000; i++) {
        specs[i] = malloc(32);
        snprintf(specs[i], 32, "11.1.%d.%d", i / 200, (i * 7) % 256);
    }
    specs[1000] = "11.1.0.0/16";
    struct run r = prep(specs, 1001, false);
    cr_assert_eq(r.ret, 0);
    uint64_t n = drain(r.ts, NULL, 0);
    /* (i*7)%256 repeats every 256: count the distinct singles */
    struct scan_spec sp;
    int distinct = 0;
    bool seen[5][256] = {{false}};
    for (int i = 0; i < 1000; i++) {
        cr_assert_eq(scan_spec_parse(specs[i], &sp, NULL), 0);
        if (!seen[sp.addr[2]][sp.addr[3]]) {
            seen[sp.addr[2]][sp.addr[3]] = true;
            distinct++;
        }
    }
    cr_assert_eq(n, 65536, "walked %llu", (unsigned long long)n);
    cr_assert_eq(r.total, 65536);
    cr_assert_gt(distinct, 256);
    scan_targets_free(r.ts);
    for (int i = 0; i < 1000; i++)
        free(specs[i]);
    free(specs);
}

/* ---- reserved skipping --------------------------------------------------- */

Test(reserved_stream, warnings_once_per_line)
{
    char *path = tmp_file("192.0.2.1\n"
                          "10.1.2.3\n"
                          "127.0.0.1\n"
                          "10.0.0.0/8\n"
                          "::1\n"
                          "fe80::/112\n"
                          "255.255.255.255\n"
                          "198.51.100.1\n"
                          "10.1.2.3\n");
    char *specs[] = {at(path, 0)};
    const char *want[] = {"192.0.2.1", "198.51.100.1", NULL};
    char w[7][400];
    expect_targets(specs, 1, want);
    cr_assert_eq(M.nerr, 0);
    cr_assert_eq(M.nwarn, 7);
    snprintf(w[0], 400, "%s:2: '10.1.2.3': reserved (RFC 1918 private address), skipped", path);
    snprintf(w[1], 400, "%s:3: '127.0.0.1': reserved (loopback address), skipped", path);
    snprintf(w[2], 400, "%s:4: '10.0.0.0/8': reserved (RFC 1918 private address), skipped", path);
    snprintf(w[3], 400, "%s:5: '::1': reserved (loopback address), skipped", path);
    snprintf(w[4], 400, "%s:6: 'fe80::/112': reserved (link-local address), skipped", path);
    snprintf(w[5], 400,
             "%s:7: '255.255.255.255': reserved (reserved or broadcast address (240/4)), "
             "skipped",
             path);
    snprintf(w[6], 400, "%s:9: '10.1.2.3': reserved (RFC 1918 private address), skipped", path);
    for (int i = 0; i < 7; i++)
        cr_assert_str_eq(M.text[i], w[i]);
    unlink(path);
    free(path);
}

Test(reserved_stream, warnings_capped)
{
    char buf[250 * 16], *p = buf;
    for (int i = 0; i < 250; i++)
        p += sprintf(p, "10.0.%d.%d\n", i / 250, i % 250);
    char *path = tmp_file(buf);
    char *specs[] = {at(path, 0)};
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(r.total, 0);
    cr_assert_eq(M.nwarn, 101);
    cr_assert_str_eq(M.text[100], "... and 150 more lines with reserved addresses skipped");
    scan_targets_free(r.ts);
    unlink(path);
    free(path);
}

Test(reserved_stream, documentation_ranges_scanned)
{
    char *specs[] = {"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/112"};
    struct run r = prep(specs, 4, false);
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(M.n, 0);
    cr_assert_eq(r.total, 3 * 256 + 65536);
    cr_assert_eq(drain(r.ts, NULL, 0), 3 * 256 + 65536);
    scan_targets_free(r.ts);
}

Test(reserved_stream, partly_reserved_ipv4_range)
{
    char *specs[] = {"172.0.0.0/8"};
    struct run r = prep(specs, 1, false);
    struct scan_target t;
    uint64_t n = 0;
    char prev[64] = "";
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(r.total, 16777216 - 1048576);
    cr_assert_eq(M.nwarn, 1);
    cr_assert_str_eq(M.text[0], "argument 1: '172.0.0.0/8': 1048576 reserved addresses skipped "
                                "(RFC 1918 private address)");
    while (scan_targets_next(r.ts, &t) == 0) {
        cr_assert(!(t.addr[1] >= 16 && t.addr[1] < 32), "%s is reserved", t.text);
        if (strcmp(prev, "172.15.255.255") == 0)
            cr_assert_str_eq(t.text, "172.32.0.0");
        snprintf(prev, sizeof(prev), "%.63s", t.text);
        n++;
    }
    cr_assert_eq(n, 16777216 - 1048576);
    cr_assert_str_eq(prev, "172.255.255.255");
    scan_targets_free(r.ts);
}

Test(reserved_stream, partly_reserved_cgnat_and_singles)
{
    char *specs[] = {"100.64.0.1", "100.0.0.5", "100.0.0.0/8", "100.200.0.0/16"};
    struct run r = prep(specs, 4, false);
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(M.nwarn, 2);
    cr_assert_str_eq(M.text[0], "argument 1: '100.64.0.1': reserved (CGNAT shared address "
                                "(100.64/10)), skipped");
    cr_assert_str_eq(M.text[1], "argument 3: '100.0.0.0/8': 4194304 reserved addresses skipped "
                                "(CGNAT shared address (100.64/10))");
    cr_assert_eq(r.total, 16777216 - 4194304);
    cr_assert_eq(drain(r.ts, NULL, 0), 16777216 - 4194304);
    scan_targets_free(r.ts);
}

Test(reserved_stream, partly_reserved_ipv6_range)
{
    char *specs[] = {"::/112"};
    char got[2][64];
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(r.total, 65534);
    cr_assert_eq(M.nwarn, 1);
    cr_assert_str_eq(M.text[0], "argument 1: '::/112': 2 reserved addresses skipped "
                                "(unspecified address, loopback address)");
    cr_assert_eq(drain(r.ts, got, 2), 65534);
    cr_assert_str_eq(got[0], "::2");
    cr_assert_str_eq(got[1], "::3");
    scan_targets_free(r.ts);
}

/* ---- walks -------------------------------------------------------------- */

Test(walk, slash8_first_last_count, .timeout = 30)
{
    char *specs[] = {"11.0.0.0/8"};
    struct run r = prep(specs, 1, false);
    struct scan_target t;
    uint64_t n = 0;
    char first[64] = "";
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(r.total, 16777216);
    double a = now();
    while (scan_targets_next(r.ts, &t) == 0) {
        if (n == 0)
            snprintf(first, sizeof(first), "%.63s", t.text);
        n++;
    }
    double s = now() - a;
    cr_log_info("walked 11.0.0.0/8: %llu targets in %.3f s (%.1f ns each)", (unsigned long long)n,
                s, s * 1e9 / (double)n);
    cr_assert_eq(n, 16777216);
    cr_assert_str_eq(first, "11.0.0.0");
    cr_assert_str_eq(t.text, "11.255.255.255");
    cr_assert_eq(memcmp(t.addr, "\x0b\xff\xff\xff", 4), 0);
    cr_assert_eq(t.type, SCAN_T_IP4);
    scan_targets_free(r.ts);
}

Test(walk, ipv6_slash112)
{
    char *specs[] = {"2001:db8:1::/112"};
    struct run r = prep(specs, 1, false);
    struct scan_target t;
    uint64_t n = 0;
    char first[64] = "", second[64] = "";
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(r.total, 65536);
    while (scan_targets_next(r.ts, &t) == 0) {
        if (n == 0)
            snprintf(first, sizeof(first), "%.63s", t.text);
        if (n == 1)
            snprintf(second, sizeof(second), "%.63s", t.text);
        n++;
    }
    cr_assert_eq(n, 65536);
    cr_assert_str_eq(first, "2001:db8:1::");
    cr_assert_str_eq(second, "2001:db8:1::1");
    cr_assert_str_eq(t.text, "2001:db8:1::ffff");
    cr_assert_eq(t.addr[14], 0xff);
    cr_assert_eq(t.addr[15], 0xff);
    scan_targets_free(r.ts);
}

Test(walk, ipv6_slash120_not_aligned_to_zero)
{
    char *specs[] = {"2001:db8::ab00/120"};
    char got[256][64];
    struct run r = prep(specs, 1, false);
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(drain(r.ts, got, 256), 256);
    cr_assert_str_eq(got[0], "2001:db8::ab00");
    cr_assert_str_eq(got[255], "2001:db8::abff");
    scan_targets_free(r.ts);
}

Test(walk, many_small_ranges_total)
{
    /* 300 /24s and 300 singles inside them, half before, half after */
    char **specs = malloc(900 * sizeof(*specs));
    size_t n = 0;
    for (int i = 0; i < 300; i++) {
        specs[n] = malloc(32);
        snprintf(specs[n++], 32, "45.%d.%d.7", i / 200, i % 200);
    }
    for (int i = 0; i < 300; i++) {
        specs[n] = malloc(32);
        snprintf(specs[n++], 32, "45.%d.%d.0/24", i / 200, i % 200);
    }
    for (int i = 0; i < 300; i++) {
        specs[n] = malloc(32);
        snprintf(specs[n++], 32, "45.%d.%d.9", i / 200, i % 200);
    }
    struct run r = prep(specs, n, false);
    cr_assert_eq(r.ret, 0);
    cr_assert_eq(r.total, 300 * 256);
    cr_assert_eq(drain(r.ts, NULL, 0), 300 * 256);
    scan_targets_free(r.ts);
    for (size_t i = 0; i < n; i++)
        free(specs[i]);
    free(specs);
}

Test(target, count_by_type)
{
    char *specs[] = {"192.0.2.0/30", "192.0.2.1",      "2001:db8::/126",
                     "example.test", "a.example.test", "10.0.0.1"};
    struct scan_target_opts o = {0};
    struct scan_targets *ts = NULL;
    uint64_t total = 0, by[3];
    cr_assert_eq(scan_targets_new(specs, 6, &o, &ts), 0);
    cr_assert_eq(scan_targets_prepare(ts, &total), 0);
    scan_targets_count_by_type(ts, by);
    cr_assert_eq(by[SCAN_T_IP4], 4, "the single inside the range counts once, 10/8 is skipped");
    cr_assert_eq(by[SCAN_T_IP6], 4);
    cr_assert_eq(by[SCAN_T_DOMAIN], 2);
    cr_assert_eq(total, 10);
    scan_targets_free(ts);
}
