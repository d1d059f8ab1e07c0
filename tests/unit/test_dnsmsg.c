/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests for the DNS reply decoder, the job view and the report builder.
 * Replies are annotated byte arrays (STYLE rule 13).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "scanner/dns/dnsmsg.h"
#include "scanner/dns/view.h"

/* Header: id 0x1234, QR|RD|RA, rcode in the low nibble of byte 3. */
#define HDR(rcode, an) 0x12, 0x34, 0x81, (0x80 | (rcode)), 0, 1, 0, (an), 0, 0, 0, 0
/* Question: 2.0.0.127.zen.test A IN */
#define QNAME 1, '2', 1, '0', 1, '0', 3, '1', '2', '7', 3, 'z', 'e', 'n', 4, 't', 'e', 's', 't', 0
#define QA    0, 1, 0, 1
/* An A record owned by the question name (pointer 0xc00c), TTL 60. */
#define ARR(d) 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, (d)

Test(dnsmsg, three_a_records)
{
    const uint8_t pkt[] = {HDR(0, 3), QNAME, QA, ARR(2), ARR(4), ARR(10)};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_A, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_OK);
    cr_assert_eq(a->n, 3);
    cr_assert_eq(a->rr[0].a4[3], 2);
    cr_assert_eq(a->rr[2].a4[3], 10);
    cr_assert_str_eq(a->canon, "2.0.0.127.zen.test");
    cr_assert_eq(a->rr[1].ttl, 60);
    scan_answer_free(a);
}

Test(dnsmsg, rcodes)
{
    struct {
        int rcode;
        enum scan_dns_status want;
    } t[] = {{3, SCAN_DNS_NXDOMAIN},
             {2, SCAN_DNS_SERVFAIL},
             {5, SCAN_DNS_REFUSED},
             {1, SCAN_DNS_BADRESP},
             {4, SCAN_DNS_BADRESP}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        const uint8_t pkt[] = {HDR(t[i].rcode, 0), QNAME, QA};
        struct scan_answer *a = NULL;
        cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_A, &a), 0);
        cr_assert_eq(a->status, t[i].want, "rcode %d", t[i].rcode);
        cr_assert_eq(a->n, 0);
        scan_answer_free(a);
    }
}

Test(dnsmsg, nodata_when_only_other_types)
{
    /* NOERROR with one TXT record while A was asked. */
    const uint8_t pkt[] = {HDR(0, 1), QNAME, QA, 0xc0, 0x0c, 0, 16, 0,   1,
                           0,         0,     0,  5,    0,    3, 2,  'h', 'i'};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_A, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_NODATA);
    scan_answer_free(a);
}

Test(dnsmsg, txt_strings_joined)
{
    const uint8_t pkt[] = {HDR(0, 1), QNAME, 0, 16, 0, 1,
                           /* TXT "v=spf1 " "-all" */
                           0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 5, 0, 13, 7, 'v', '=', 's', 'p', 'f',
                           '1', ' ', 4, '-', 'a', 'l', 'l'};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_TXT, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_OK);
    cr_assert_eq(a->rr[0].txt_len, 11);
    cr_assert_eq(a->rr[0].nstrings, 2);
    cr_assert_str_eq((const char *)a->rr[0].txt, "v=spf1 -all");
    scan_answer_free(a);
}

Test(dnsmsg, txt_string_overrunning_rdata_is_badresp)
{
    const uint8_t pkt[] = {HDR(0, 1), QNAME, 0, 16, 0, 1, 0xc0, 0x0c, 0,   16, 0,
                           1,         0,     0, 0,  5, 0, 3,    9,    'a', 'b'};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_TXT, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_BADRESP);
    scan_answer_free(a);
}

Test(dnsmsg, cname_chain_followed)
{
    /* 2.0.0.127.zen.test CNAME x.test (uncompressed), x.test A 127.0.0.3 */
    const uint8_t pkt[] = {HDR(0, 2), QNAME, QA,
                           /* x.test A first: order must not matter */
                           1, 'x', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 127, 0,
                           0, 3,
                           /* CNAME rdata: "x" + pointer to "test" at offset 12+16 */
                           0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0, 9, 0, 4, 1, 'x', 0xc0, 26};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_A, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_OK);
    cr_assert_eq(a->ncname, 1);
    cr_assert_str_eq(a->canon, "x.test");
    cr_assert_eq(a->rr[0].a4[3], 3);
    scan_answer_free(a);
}

Test(dnsmsg, cname_to_itself_is_loop)
{
    const uint8_t pkt[] = {HDR(0, 1), QNAME, QA, 0xc0, 0x0c, 0, 5,    0,   1,
                           0,         0,     0,  9,    0,    2, 0xc0, 0x0c};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_A, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_CNAMELOOP);
    scan_answer_free(a);
}

Test(dnsmsg, garbage_never_crashes)
{
    /* Compression pointer pointing at itself in the question. */
    const uint8_t loop[] = {HDR(0, 1), 0xc0, 0x0c, QA};
    /* Answer count larger than the records present. */
    const uint8_t shortpkt[] = {HDR(0, 5), QNAME, QA, ARR(2)};
    /* Pointer past the end. */
    const uint8_t past[] = {HDR(0, 1), QNAME, QA, 0xc0, 0xff, 0, 1, 0, 1, 0,
                            0,         0,     1,  0,    4,    1, 2, 3, 4};
    const uint8_t *pkts[] = {loop, shortpkt, past, (const uint8_t *)"\x12\x34"};
    size_t lens[] = {sizeof(loop), sizeof(shortpkt), sizeof(past), 2};
    for (size_t i = 0; i < 4; i++) {
        struct scan_answer *a = NULL;
        cr_assert_eq(scan_answer_parse(pkts[i], lens[i], SCAN_TYPE_A, &a), 0);
        cr_assert_eq(a->status, SCAN_DNS_BADRESP, "packet %zu", i);
        cr_assert_eq(a->n, 0);
        scan_answer_free(a);
    }
    /* Every truncation of a good packet decodes to something without crashing. */
    const uint8_t good[] = {HDR(0, 3), QNAME, QA, ARR(2), ARR(4), ARR(10)};
    for (size_t l = 0; l < sizeof(good); l++) {
        struct scan_answer *a = NULL;
        cr_assert_eq(scan_answer_parse(good, l, SCAN_TYPE_A, &a), 0);
        cr_assert_eq(a->status, SCAN_DNS_BADRESP, "len %zu", l);
        scan_answer_free(a);
    }
}

Test(dnsmsg, mx_and_escaped_names)
{
    /* MX 10 "m\001x.test" (a control byte inside a label is escaped as \001). */
    const uint8_t pkt[] = {HDR(0, 1), QNAME, 0, 15,  0, 1,   0xc0, 0x0c, 0,   15,
                           0,         1,     0, 0,   0, 5,   0,    12,   0,   10,
                           3,         'M',   1, 'x', 4, 't', 'e',  's',  't', 0};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_MX, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_OK);
    cr_assert_eq(a->rr[0].pref, 10);
    cr_assert_str_eq(a->rr[0].target, "m\\001x.test");
    struct scan_answer *d = scan_answer_dup(a);
    cr_assert_str_eq(d->rr[0].target, "m\\001x.test");
    scan_answer_free(a);
    scan_answer_free(d);
}

/* MX 10 "mx.test", the name compressed: "mx" + pointer to "test" in the question (26). */
#define MX_PKT(rdlen)                                                                              \
    HDR(0, 1), QNAME, 0, 15, 0, 1, 0xc0, 0x0c, 0, 15, 0, 1, 0, 0, 0, 5, 0, (rdlen), 0, 10, 2, 'm', \
        'x', 0xc0, 26

Test(dnsmsg, every_truncation_at_each_field)
{
    /* Header, question, owner, type, class, TTL, rdlength, preference, the name: a
     * reply cut anywhere is a bad response; the rcode is known from 12 bytes on. */
    const uint8_t pkt[] = {MX_PKT(7)};
    for (size_t l = 0; l <= sizeof(pkt); l++) {
        struct scan_answer *a = NULL;
        cr_assert_eq(scan_answer_parse(pkt, l, SCAN_TYPE_MX, &a), 0);
        cr_expect_eq(a->status, l == sizeof(pkt) ? SCAN_DNS_OK : SCAN_DNS_BADRESP, "len %zu", l);
        cr_expect_eq(a->rcode, l < 12 ? -1 : 0, "len %zu", l);
        if (l < sizeof(pkt))
            cr_expect_null(a->canon, "len %zu", l);
        scan_answer_free(a);
    }
}

Test(dnsmsg, names_in_the_data_end_inside_it)
{
    const uint8_t exact[] = {MX_PKT(7)};
    const uint8_t trailing[] = {MX_PKT(9), 0xee, 0xee}; /* bytes after the name: ignored */
    const uint8_t past[] = {MX_PKT(6)};                 /* the name's pointer crosses the end */
    const struct {
        const uint8_t *pkt;
        size_t len;
        enum scan_dns_status st;
    } t[] = {{exact, sizeof(exact), SCAN_DNS_OK},
             {trailing, sizeof(trailing), SCAN_DNS_OK},
             {past, sizeof(past), SCAN_DNS_BADRESP}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct scan_answer *a = NULL;
        cr_assert_eq(scan_answer_parse(t[i].pkt, t[i].len, SCAN_TYPE_MX, &a), 0);
        cr_expect_eq(a->status, t[i].st, "case %zu", i);
        if (a->status == SCAN_DNS_OK)
            cr_expect_str_eq(a->rr[0].target, "mx.test", "case %zu", i);
        scan_answer_free(a);
    }
}

/* ----------------------------------------- stray records, TC, answer-section cap */

/* A record owned by the question name with the given type and class, rdata 127.0.0.2. */
#define RR4(type, klass) 0xc0, 0x0c, 0, (type), 0, (klass), 0, 0, 0, 60, 0, 4, 127, 0, 0, 2
/* "other.test" A IN 127.0.0.2 (a name outside the question and the chain). */
#define OTHER_A                                                                                    \
    5, 'o', 't', 'h', 'e', 'r', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0,   \
        0, 2
/* AAAA owned by the question name: ::ffff:127.0.0.2. */
#define AAAA_RR                                                                                    \
    0xc0, 0x0c, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, \
        0, 2
/* RRSIG owned by the question name; opaque rdata (the decoder never reads it). */
#define RRSIG_RR 0xc0, 0x0c, 0, 46, 0, 1, 0, 0, 0, 60, 0, 4, 0xde, 0xad, 0xbe, 0xef
/* DNAME owned by "zen.test" (offset 12 + 10) to "x.test". */
#define DNAME_RR 0xc0, 22, 0, 39, 0, 1, 0, 0, 0, 60, 0, 8, 1, 'x', 4, 't', 'e', 's', 't', 0
/* CNAME from the question name to "x.test", and "x.test" A 127.0.0.3 (pointer to it). */
#define CNAME_X 0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0, 9, 0, 8, 1, 'x', 4, 't', 'e', 's', 't', 0
#define X_A(at) 0xc0, (at), 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 127, 0, 0, 3

/* Offset of the CNAME target "x.test" in {HDR, QNAME, QA, CNAME_X, ...}: 12 + 20 + 4 + 12. */
#define X_AT 48

struct stray_case {
    const char *name;
    const uint8_t *pkt;
    size_t len;
    enum scan_dns_status st;
    size_t n, nstray, ncname;
};

#define PKT(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

Test(dnsmsg, soa_fields)
{
    /* SOA ns.test. h.test. serial 7, refresh 3600, retry 600, expire 1209600, minimum 300 */
    const uint8_t pkt[] = {
        HDR(0, 1), QNAME, 0,    6,   0,   1,   0xc0, 0x0c, 0, 6, 0, 1,
        0,         0,     0,    5,   0,   37,                             /* rdlength */
        2,         'n',   's',  4,   't', 'e', 's',  't',  0,             /* mname */
        1,         'h',   4,    't', 'e', 's', 't',  0,                   /* rname */
        0,         0,     0,    7,   0,   0,   0x0e, 0x10, 0, 0, 2, 0x58, /* serial refresh retry */
        0,         0x12,  0x75, 0,   0,   0,   1,    0x2c};               /* expire minimum */
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_SOA, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_OK);
    cr_assert_eq(a->n, 1);
    struct scan_answer *d = scan_answer_dup(a);
    for (int i = 0; i < 2; i++) {
        const struct scan_rr *rr = &(i ? d : a)->rr[0];
        cr_expect_str_eq(rr->soa.mname, "ns.test");
        cr_expect_str_eq(rr->soa.rname, "h.test");
        cr_expect_eq(rr->soa.serial, 7);
        cr_expect_eq(rr->soa.refresh, 3600);
        cr_expect_eq(rr->soa.retry, 600);
        cr_expect_eq(rr->soa.expire, 1209600);
        cr_expect_eq(rr->soa.minimum, 300);
    }
    scan_answer_free(a);
    scan_answer_free(d);
    /* rdata longer than the names and the five numbers: bad response */
    uint8_t longer[sizeof(pkt) + 1];
    memcpy(longer, pkt, sizeof(pkt));
    longer[sizeof(pkt)] = 0;
    longer[sizeof(pkt) - 37 - 1] = 38;
    cr_assert_eq(scan_answer_parse(longer, sizeof(longer), SCAN_TYPE_SOA, &a), 0);
    cr_expect_eq(a->status, SCAN_DNS_BADRESP);
    scan_answer_free(a);
}

Test(dnsmsg, stray_records_counted)
{
    const struct stray_case t[] = {
        {"only the asked records", PKT(HDR(0, 2), QNAME, QA, ARR(2), ARR(4)), SCAN_DNS_OK, 2, 0, 0},
        {"another owner name beside a record", PKT(HDR(0, 2), QNAME, QA, ARR(2), OTHER_A),
         SCAN_DNS_OK, 1, 1, 0},
        {"another owner name alone", PKT(HDR(0, 1), QNAME, QA, OTHER_A), SCAN_DNS_NODATA, 0, 1, 0},
        {"class CH", PKT(HDR(0, 1), QNAME, QA, RR4(1, 3)), SCAN_DNS_NODATA, 0, 1, 0},
        {"class CH beside class IN", PKT(HDR(0, 2), QNAME, QA, ARR(2), RR4(1, 3)), SCAN_DNS_OK, 1,
         1, 0},
        {"class ANY", PKT(HDR(0, 1), QNAME, QA, RR4(1, 255)), SCAN_DNS_NODATA, 0, 1, 0},
        {"AAAA to an A question", PKT(HDR(0, 1), QNAME, QA, AAAA_RR), SCAN_DNS_NODATA, 0, 1, 0},
        {"AAAA and TXT beside A", PKT(HDR(0, 3), QNAME, QA, AAAA_RR, ARR(2), RR4(16, 1)),
         SCAN_DNS_OK, 1, 2, 0},
        {"RRSIG is not stray", PKT(HDR(0, 2), QNAME, QA, ARR(2), RRSIG_RR), SCAN_DNS_OK, 1, 0, 0},
        {"DNAME is not stray", PKT(HDR(0, 2), QNAME, QA, DNAME_RR, ARR(2)), SCAN_DNS_OK, 1, 0, 0},
        {"RRSIG alone: NODATA, nothing stray", PKT(HDR(0, 1), QNAME, QA, RRSIG_RR), SCAN_DNS_NODATA,
         0, 0, 0},
        {"the CNAME chain is not stray", PKT(HDR(0, 2), QNAME, QA, CNAME_X, X_A(X_AT)), SCAN_DNS_OK,
         1, 0, 1},
        {"CNAME to a name without A", PKT(HDR(0, 1), QNAME, QA, CNAME_X), SCAN_DNS_NODATA, 0, 0, 1},
        {"A for the question name beside its CNAME",
         PKT(HDR(0, 3), QNAME, QA, CNAME_X, X_A(X_AT), ARR(2)), SCAN_DNS_OK, 1, 1, 1},
        {"NXDOMAIN: the answer section is not read", PKT(HDR(3, 1), QNAME, QA, OTHER_A),
         SCAN_DNS_NXDOMAIN, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct scan_answer *a = NULL;
        cr_assert_eq(scan_answer_parse(t[i].pkt, t[i].len, SCAN_TYPE_A, &a), 0);
        cr_expect_eq(a->status, t[i].st, "%s: status %s", t[i].name,
                     scan_dns_status_word(a->status));
        cr_expect_eq(a->n, t[i].n, "%s: n %zu", t[i].name, a->n);
        cr_expect_eq(a->nstray, t[i].nstray, "%s: nstray %zu", t[i].name, a->nstray);
        cr_expect_eq(a->ncname, t[i].ncname, "%s: ncname %zu", t[i].name, a->ncname);
        cr_expect_eq(a->tc, 0, "%s", t[i].name);
        scan_answer_free(a);
    }
}

/* An AAAA question: the A records are the stray ones. */
Test(dnsmsg, stray_depends_on_the_question_type)
{
    const uint8_t pkt[] = {HDR(0, 2), QNAME, 0, 28, 0, 1, AAAA_RR, ARR(2)};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_AAAA, &a), 0);
    cr_expect_eq(a->status, SCAN_DNS_OK);
    cr_expect_eq(a->n, 1);
    cr_expect_eq(a->nstray, 1);
    scan_answer_free(a);
}

Test(dnsmsg, tc_flag)
{
    /* Byte 2 of the header: QR (0x80), TC (0x02), RD (0x01). */
    const uint8_t with_rr[] = {0x12, 0x34, 0x83, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, QNAME, QA, ARR(2)};
    const uint8_t empty[] = {0x12, 0x34, 0x83, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, QNAME, QA};
    const uint8_t nx[] = {0x12, 0x34, 0x83, 0x83, 0, 1, 0, 0, 0, 0, 0, 0, QNAME, QA};
    const uint8_t clear[] = {HDR(0, 1), QNAME, QA, ARR(2)};
    struct scan_answer *a = NULL;

    cr_assert_eq(scan_answer_parse(with_rr, sizeof(with_rr), SCAN_TYPE_A, &a), 0);
    cr_expect_eq(a->status, SCAN_DNS_OK);
    cr_expect_eq(a->n, 1);
    cr_expect_eq(a->tc, 1);
    scan_answer_free(a);

    cr_assert_eq(scan_answer_parse(empty, sizeof(empty), SCAN_TYPE_A, &a), 0);
    cr_expect_eq(a->status, SCAN_DNS_NODATA);
    cr_expect_eq(a->tc, 1);
    scan_answer_free(a);

    cr_assert_eq(scan_answer_parse(nx, sizeof(nx), SCAN_TYPE_A, &a), 0);
    cr_expect_eq(a->status, SCAN_DNS_NXDOMAIN);
    cr_expect_eq(a->tc, 1);
    scan_answer_free(a);

    cr_assert_eq(scan_answer_parse(clear, sizeof(clear), SCAN_TYPE_A, &a), 0);
    cr_expect_eq(a->tc, 0);
    scan_answer_free(a);

    struct scan_answer *s = scan_answer_new_status(SCAN_DNS_TIMEOUT, SCAN_TYPE_A);
    cr_expect_eq(s->tc, 0);
    cr_expect_eq(s->nstray, 0);
    scan_answer_free(s);
}

/* A reply of @p an A records 127.0.<i / 256>.<i % 256>, all for the question name. */
static size_t many_a(uint8_t *buf, size_t cap, unsigned an)
{
    const uint8_t head[] = {HDR(0, 0), QNAME, QA};
    size_t n = sizeof(head);
    cr_assert_leq(n + (size_t)an * 16, cap);
    memcpy(buf, head, n);
    buf[6] = (uint8_t)(an >> 8);
    buf[7] = (uint8_t)(an & 0xff);
    for (unsigned i = 0; i < an; i++) {
        const uint8_t rr[] = {0xc0,
                              0x0c,
                              0,
                              1,
                              0,
                              1,
                              0,
                              0,
                              0,
                              60,
                              0,
                              4,
                              127,
                              0,
                              (uint8_t)(i >> 8),
                              (uint8_t)(i & 0xff)};
        memcpy(buf + n, rr, sizeof(rr));
        n += sizeof(rr);
    }
    return n;
}

Test(dnsmsg, answer_section_cap)
{
    static uint8_t buf[12 + 24 + 16 * 520];
    struct scan_answer *a = NULL;

    size_t len = many_a(buf, sizeof(buf), SCAN_ANSWER_MAX_RRS);
    cr_assert_eq(scan_answer_parse(buf, len, SCAN_TYPE_A, &a), 0);
    cr_expect_eq(a->status, SCAN_DNS_OK, "512 records are an answer");
    cr_expect_eq(a->n, SCAN_ANSWER_MAX_RRS);
    cr_expect_eq(a->rr[511].a4[2], 1);
    cr_expect_eq(a->rr[511].a4[3], 255);
    scan_answer_free(a);

    len = many_a(buf, sizeof(buf), SCAN_ANSWER_MAX_RRS + 1);
    cr_assert_eq(scan_answer_parse(buf, len, SCAN_TYPE_A, &a), 0);
    cr_expect_eq(a->status, SCAN_DNS_BADRESP, "513 records are garbage, not cut");
    cr_expect_eq(a->n, 0);
    scan_answer_free(a);
}

Test(dnsmsg, dup_keeps_nstray_and_tc)
{
    const uint8_t pkt[] = {0x12, 0x34, 0x83, 0x80,  0,  1,      0,       3,      0,
                           0,    0,    0,    QNAME, QA, ARR(2), OTHER_A, AAAA_RR};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_A, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_OK);
    cr_assert_eq(a->nstray, 2);
    cr_assert_eq(a->tc, 1);
    struct scan_answer *d = scan_answer_dup(a);
    cr_assert_not_null(d);
    cr_expect_eq(d->status, SCAN_DNS_OK);
    cr_expect_eq(d->n, 1);
    cr_expect_eq(d->nstray, 2);
    cr_expect_eq(d->tc, 1);
    cr_expect_eq(d->rr[0].a4[3], 2);
    scan_answer_free(a);
    scan_answer_free(d);
}

Test(view, missing_then_put_then_hit)
{
    struct scan_view *v = scan_view_new();
    const struct scan_answer *a;
    cr_assert_eq(scan_view_get(v, "Example.TEST.", SCAN_TYPE_TXT, &a), -EAGAIN);
    cr_assert_eq(scan_view_get(v, "example.test", SCAN_TYPE_TXT, &a), -EAGAIN);
    cr_assert_eq(scan_view_missing_count(v), 1, "a question is recorded once");
    const char *name;
    uint16_t type;
    scan_view_missing_get(v, 0, &name, &type);
    cr_assert_str_eq(name, "example.test");
    cr_assert_eq(type, SCAN_TYPE_TXT);
    scan_view_missing_clear(v);
    cr_assert_eq(scan_view_put(v, name = "example.test", SCAN_TYPE_TXT,
                               scan_answer_new_status(SCAN_DNS_NXDOMAIN, SCAN_TYPE_TXT)),
                 0);
    cr_assert_eq(scan_view_get(v, "EXAMPLE.test", SCAN_TYPE_TXT, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_NXDOMAIN);
    cr_assert_eq(scan_view_get(v, "example.test", SCAN_TYPE_A, &a), -EAGAIN);
    cr_assert_eq(scan_view_get(v, "bad..name", SCAN_TYPE_A, &a), -EINVAL);
    cr_assert_eq(scan_view_size(v), 1);
    scan_view_free(v);
}

/* A DNSSEC question: the query of scan_query_encode() plus an OPT record with DO,
 * and CD in the header (RFC 4035 section 3.2.2: the program validates itself). */
Test(dnsmsg, dnssec_question_has_do_and_cd)
{
    uint8_t q[64];
    size_t len = 0;
    cr_assert_eq(scan_query_encode("a.test", SCAN_TYPE_DNSKEY, q, sizeof(q), &len), 0);
    size_t plain = len;
    cr_assert_eq(scan_query_add_edns(q, sizeof(q), &len, 0), 0);
    cr_assert_eq(len, plain, "no flag, no OPT");
    cr_assert_eq(scan_query_add_edns(q, sizeof(q), &len, SCAN_Q_DNSSEC), 0);
    const uint8_t want[] = {
        0, 0,   0x01, 0x10,                   /* ID 0; RD; CD */
        0, 1,   0,    0,    0,   0,   0,   1, /* QD 1, AN 0, NS 0, AR 1 */
        1, 'a', 4,    't',  'e', 's', 't', 0, /* a.test */
        0, 48,  0,    1,                      /* DNSKEY IN */
        0,                                    /* OPT: root owner */
        0, 41,  0x04, 0xd0,                   /* type OPT, UDP payload 1232 */
        0, 0,   0x80, 0,                      /* ext. rcode 0, version 0, DO */
        0, 0,                                 /* no options */
    };
    cr_assert_eq(len, sizeof(want));
    cr_assert_arr_eq(q, want, sizeof(want));
    size_t full = len;
    cr_assert_eq(scan_query_add_edns(q, sizeof(q), &len, SCAN_Q_DNSSEC), -EINVAL,
                 "one OPT record at most");
    cr_assert_eq(len, full);
    uint8_t small[30];
    len = 0;
    cr_assert_eq(scan_query_encode("a.test", SCAN_TYPE_DS, small, sizeof(small), &len), 0);
    cr_assert_eq(scan_query_add_edns(small, sizeof(small), &len, SCAN_Q_DNSSEC), -ENOSPC);
}

Test(dnsmsg, raw_reply_kept_and_copied)
{
    const uint8_t pkt[] = {HDR(0, 1), QNAME, QA, ARR(2)};
    struct scan_answer *a = NULL;
    cr_assert_eq(scan_answer_parse(pkt, sizeof(pkt), SCAN_TYPE_A, &a), 0);
    cr_assert_null(a->raw);
    cr_assert_eq(scan_answer_set_raw(a, pkt, sizeof(pkt)), 0);
    struct scan_answer *d = scan_answer_dup(a);
    scan_answer_free(a);
    cr_assert_not_null(d);
    cr_assert_eq(d->raw_len, sizeof(pkt));
    cr_assert_arr_eq(d->raw, pkt, sizeof(pkt));
    scan_answer_free(d);
}

/* The DNSSEC check asks for the root and asks with flags: another question. */
Test(view, flags_and_the_root)
{
    struct scan_view *v = scan_view_new();
    const struct scan_answer *a;
    cr_assert_eq(scan_view_get_flags(v, ".", SCAN_TYPE_DNSKEY, SCAN_Q_DNSSEC, &a), -EAGAIN);
    cr_assert_eq(scan_view_get(v, "example.test", SCAN_TYPE_TXT, &a), -EAGAIN);
    cr_assert_eq(scan_view_get_flags(v, "example.test", SCAN_TYPE_TXT, SCAN_Q_DNSSEC, &a), -EAGAIN);
    cr_assert_eq(scan_view_missing_count(v), 3);
    const char *name;
    uint16_t type;
    scan_view_missing_get(v, 0, &name, &type);
    cr_assert_str_eq(name, ".");
    cr_assert_eq(scan_view_missing_flags(v, 0), SCAN_Q_DNSSEC);
    cr_assert_eq(scan_view_missing_flags(v, 1), 0);
    scan_view_missing_clear(v);
    cr_assert_eq(scan_view_put_flags(v, "example.test", SCAN_TYPE_TXT, SCAN_Q_DNSSEC,
                                     scan_answer_new_status(SCAN_DNS_NXDOMAIN, SCAN_TYPE_TXT)),
                 0);
    cr_assert_eq(scan_view_get(v, "example.test", SCAN_TYPE_TXT, &a), -EAGAIN,
                 "the plain question is still missing");
    cr_assert_eq(scan_view_get_flags(v, "example.test", SCAN_TYPE_TXT, SCAN_Q_DNSSEC, &a), 0);
    cr_assert_eq(a->status, SCAN_DNS_NXDOMAIN);
    cr_assert_eq(scan_view_get(v, "", SCAN_TYPE_A, &a), -EINVAL, "the root is \".\" only");
    scan_view_free(v);
}

Test(dnsmsg, dns_failures_are_one_reason_word)
{
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_BADRESP), SCAN_R_INVALID_ANSWER);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_CNAMELOOP), SCAN_R_CNAME_LOOP);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_TIMEOUT), SCAN_R_TIMEOUT);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_SERVFAIL), SCAN_R_SERVFAIL);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_REFUSED), SCAN_R_REFUSED);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_NXDOMAIN), SCAN_R_NONE);
}

/* The two questions every check asks of a status, answered in one place: did
 * the lookup fail, and may asking again later cure it (not a CNAME loop). */
Test(dnsmsg, failed_and_temporary_statuses)
{
    static const struct {
        enum scan_dns_status s;
        bool failed, temp;
    } tab[] = {
        {SCAN_DNS_OK, false, false},       {SCAN_DNS_NODATA, false, false},
        {SCAN_DNS_NXDOMAIN, false, false}, {SCAN_DNS_TIMEOUT, true, true},
        {SCAN_DNS_SERVFAIL, true, true},   {SCAN_DNS_REFUSED, true, true},
        {SCAN_DNS_BADRESP, true, true},    {SCAN_DNS_CNAMELOOP, true, false},
    };

    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        cr_expect_eq(scan_dns_failed(tab[i].s), tab[i].failed, "%s",
                     scan_dns_status_word(tab[i].s));
        cr_expect_eq(scan_dns_temp_failed(tab[i].s), tab[i].temp, "%s",
                     scan_dns_status_word(tab[i].s));
    }
}
