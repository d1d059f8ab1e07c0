/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests for the resolver core: --resolver parsing (its one pure function), what
 * its set-up and the fetcher's say when they fail, and query names on the wire.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/dns/fetch.h"
#include "scanner/dns/resolver.h"

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
        struct scan_diag diag = {0};
        cr_assert_eq(scan_resolver_parse_addr(t[i].in, buf, sizeof(buf), &diag), 0, "%s", t[i].in);
        cr_assert_str_eq(buf, t[i].want);
        cr_assert_str_empty(diag.msg, "success leaves the diag as it was");
    }
}

Test(resolver, bad_addresses_say_why)
{
    const char *bad[] = {
        "dns.example", "127.0.0.1:0", "127.0.0.1:65536", "[::1", "[::1]x", "[127.0.0.1]:53", "",
        "127.0.0.1:",  "1.2.3:53",    "[::1]:port"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char buf[64], head[80];
        struct scan_diag diag = {0};
        cr_assert_eq(scan_resolver_parse_addr(bad[i], buf, sizeof(buf), &diag), SCAN_EPARSE,
                     "'%s' should be rejected", bad[i]);
        /* "--resolver 'VALUE': why", as the command line prints it. */
        int n = snprintf(head, sizeof(head), "--resolver '%s': ", bad[i]);
        cr_assert_eq(strncmp(diag.msg, head, (size_t)n), 0, "%s", diag.msg);
        cr_assert_gt(strlen(diag.msg + n), 5, "%s", diag.msg);
        cr_assert_eq(scan_resolver_parse_addr(bad[i], buf, sizeof(buf), NULL), SCAN_EPARSE);
    }
}

/* The whole sentence scan_resolver_new() gives for a bad server, byte for byte. */
Test(resolver, bad_server_list_says_which)
{
    const char *servers[] = {"127.0.0.1", "127.0.0.1:65536"};
    struct scan_resolver_opts o = {.servers = servers, .nservers = 2, .channels = 1};
    struct scan_resolver *r = NULL;
    struct scan_diag diag = {0};
    cr_assert_eq(scan_resolver_new(&o, &r, &diag), SCAN_EPARSE);
    cr_assert_null(r);
    cr_assert_str_eq(diag.msg, "--resolver '127.0.0.1:65536': port must be 1-65535");
    cr_assert_eq(scan_resolver_new(&o, &r, NULL), SCAN_EPARSE);
}

/* The fetcher's set-up says what is wrong the same way (no transfer starts). */
Test(resolver, fetch_new_names_a_bad_connect_to)
{
    struct scan_fetch *f = NULL;
    struct scan_diag diag = {0};
    struct scan_fetch_opts fo = {.connect_to = "127.0.0.1"};
    cr_assert_eq(scan_fetch_new(&fo, &f, &diag), -EINVAL);
    cr_assert_null(f);
    cr_assert_str_eq(diag.msg, "--https-connect '127.0.0.1': expected HOST:PORT");
    cr_assert_eq(scan_fetch_new(&fo, &f, NULL), -EINVAL);
    fo.connect_to = "127.0.0.1:8443";
    diag.msg[0] = '\0';
    cr_assert_eq(scan_fetch_new(&fo, &f, &diag), 0, "%s", diag.msg);
    cr_assert_str_empty(diag.msg);
    scan_fetch_free(f);
}

/* Queries are encoded by us, so a name read from a reply is asked under exactly
 * its own wire name: "\DDD" and "\." are the bytes they stand for. */
Test(resolver, query_names_keep_their_wire_form)
{
    static const struct {
        const char *name;
        const char *wire; /* the wire name, length-prefixed, as a C string */
        size_t wlen;
    } t[] = {
        {"a.example.test", "\001a\007example\004test", 15},
        {"a\\.b.test", "\003a.b\004test", 9},
        {"\\065bc.test.", "\003Abc\004test", 9},
        {"x\\000y.test", "\003x\000y\004test", 9},
        {"x\\\\y.test", "\003x\\y\004test", 9},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        uint8_t q[300];
        size_t n = 0;
        cr_assert_eq(scan_query_encode(t[i].name, SCAN_TYPE_A, q, sizeof(q), &n), 0, "%s",
                     t[i].name);
        cr_assert_eq(n, 12 + t[i].wlen + 1 + 4, "%s: length", t[i].name);
        cr_assert_eq(memcmp(q + 12, t[i].wire, t[i].wlen), 0, "%s: wire name", t[i].name);
        cr_assert_eq(q[12 + t[i].wlen], 0, "%s: root label", t[i].name);
        cr_assert_eq(q[2], 0x01, "RD set");
        cr_assert_eq(q[5], 1, "one question");
    }
}

Test(resolver, query_names_without_wire_form_are_rejected)
{
    char long_label[80];
    memset(long_label, 'a', 64);
    strcpy(long_label + 64, ".test");
    char long_name[300];
    for (int i = 0; i < 130; i++)
        memcpy(long_name + 2 * i, "a.", 2);
    strcpy(long_name + 260, "test");
    const char *bad[] = {"a..test", ".a.test",  "a\\25.test", "a\\256.test",
                         "a\\",     long_label, long_name};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t q[600];
        size_t n = 0;
        cr_expect_eq(scan_query_encode(bad[i], SCAN_TYPE_A, q, sizeof(q), &n), -EINVAL, "%s",
                     bad[i]);
    }
}

/* What the decoder prints is what the encoder reads back: a round trip. */
Test(resolver, decoded_names_round_trip)
{
    const char *names[] = {"a\\046b.example.test", "\\001\\255x.test", "plain.test"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        uint8_t q[300];
        size_t n = 0;
        cr_assert_eq(scan_query_encode(names[i], SCAN_TYPE_A, q, sizeof(q), &n), 0);
        q[2] |= 0x80; /* make it a reply: NOERROR, no records */
        struct scan_answer *a = NULL;
        cr_assert_eq(scan_answer_parse(q, n, SCAN_TYPE_A, &a), 0);
        cr_assert_eq(a->status, SCAN_DNS_NODATA);
        cr_expect_str_eq(a->canon, names[i]);
        scan_answer_free(a);
    }
}

static void count_cb(void *arg, struct scan_answer *ans, int cancelled)
{
    (*(int *)arg)++;
    scan_answer_free(ans);
    (void)cancelled;
}

/* c-ares 1.18's ares_send() keeps the ID it is given: the resolver must choose
 * random, distinct IDs itself (an ID of 0 for every query lets an off-path
 * forger guess answers). A UDP socket on loopback stands in for the server. */
Test(resolver, query_ids_are_random_and_distinct)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, alen), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    char server[64];
    snprintf(server, sizeof(server), "127.0.0.1:%u", ntohs(a.sin_port));
    const char *servers[] = {server};
    struct scan_resolver_opts o = {
        .servers = servers, .nservers = 1, .timeout_ms = 5000, .tries = 1, .channels = 1};
    struct scan_resolver *r = NULL;
    struct scan_diag diag = {0};
    cr_assert_eq(scan_resolver_new(&o, &r, &diag), 0, "%s", diag.msg);
    enum { N = 64 };
    int done = 0;
    for (int i = 0; i < N; i++) {
        char name[64];
        snprintf(name, sizeof(name), "q%d.example.test", i);
        cr_assert_eq(scan_resolver_query(r, name, SCAN_TYPE_A, count_cb, &done), 0);
    }
    unsigned ids[N];
    int n = 0;
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (n < N) {
        uint8_t buf[512];
        scan_resolver_poll(r, 10);
        ssize_t got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (got < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                break;
            continue;
        }
        cr_assert_geq(got, 12);
        ids[n++] = (unsigned)buf[0] << 8 | buf[1];
    }
    cr_assert_eq(n, N, "every query reached the socket");
    int zeros = 0;
    for (int i = 0; i < N; i++) {
        zeros += ids[i] == 0;
        for (int k = 0; k < i; k++)
            cr_expect_neq(ids[i], ids[k], "queries %d and %d share ID %u", k, i, ids[i]);
    }
    cr_expect_lt(zeros, 2, "IDs are random, not 0");
    scan_resolver_free(r); /* cancels: every callback runs once */
    cr_expect_eq(done, N);
    close(fd);
}
