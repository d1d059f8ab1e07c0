/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of scanner/catalog/verdict.c: canned answers through list_dnsbl_verdict(),
 * list_verdict_combine() and list_probe_judge(), one table per function.
 *
 * Where the shape of an answer is about the wire (another owner name, class
 * CH, an AAAA to an A question, a CNAME to a name without an address, the TC
 * bit, dozens of A records) the table row describes a reply, build_reply()
 * writes its bytes and scan_answer_parse() decodes them, so the verdict is
 * tested on what the decoder really makes of such a reply; each such row also
 * says what the decoder must report (status, nstray, ncname, records), so a
 * slip in the builder cannot pass as an "invalid answer". Simple answers are
 * made with scan_answer_new_status() and scan_answer_build(). Nothing is
 * fetched live (STYLE rule 13).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "scanner/catalog/verdict.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define NELEM(x)       (sizeof(x) / sizeof((x)[0]))

/* ------------------------------------------------------------------ the lists */

#define CODE(v, k, m)                                                                              \
    {                                                                                              \
        .value = (v), .prefix = 32, .meaning = (m), .klass = LIST_CODE_##k                         \
    }
#define NET(v, p, k, m)                                                                            \
    {                                                                                              \
        .value = (v), .prefix = (p), .meaning = (m), .klass = LIST_CODE_##k                        \
    }

/* A Spamhaus-like list: listing, informational and refusal codes. */
static const struct list_code zen_codes[] = {
    CODE(IP(127, 0, 0, 2), LISTING, "SBL: spam source"),
    CODE(IP(127, 0, 0, 3), INFO, "CSS: informational"),
    CODE(IP(127, 0, 0, 4), LISTING, "XBL: exploited host"),
    NET(IP(127, 0, 2, 0), 24, LISTING, "TEST: a net of listing codes"),
    CODE(IP(127, 255, 255, 254), REFUSAL, "query via a public resolver"),
};
static const struct list_entry zen = {
    .id = "zen",
    .zone_template = "zen.test",
    .zone = "zen.test",
    .kinds = LIST_KIND_IP4,
    .access = LIST_ACCESS_FREE,
    .codes = zen_codes,
    .ncodes = NELEM(zen_codes),
};

/* `informational: true`: every listing, known or not, is information. */
static const struct list_code info_codes[] = {
    CODE(IP(127, 0, 0, 2), LISTING, "reputation: poor"),
};
static const struct list_entry info = {
    .id = "info",
    .zone_template = "info.test",
    .zone = "info.test",
    .kinds = LIST_KIND_IP4,
    .informational = true,
    .codes = info_codes,
    .ncodes = NELEM(info_codes),
};

/* A dnswl-like allowlist: 127.0.<category>.<trust>, 127.0.0.255 refused. */
static const struct list_code wl_codes[] = {
    CODE(IP(127, 0, 0, 255), REFUSAL, "dnswl: query refused"),
    NET(IP(127, 0, 0, 0), 16, ALLOW, "dnswl: known good mail server"),
    NET(IP(127, 0, 10, 0), 24, ALLOW, "dnswl: IT (last octet = trust)"),
};
static const struct list_entry wl = {
    .id = "wl",
    .zone_template = "wl.test",
    .zone = "wl.test",
    .kinds = LIST_KIND_IP4,
    .codes = wl_codes,
    .ncodes = NELEM(wl_codes),
};

/* `access: registration` (Barracuda-like, with a refusal code for the test). */
static const struct list_code reg_codes[] = {
    CODE(IP(127, 0, 0, 2), LISTING, "BRBL: listed"),
    CODE(IP(127, 255, 255, 255), REFUSAL, "resolver not registered"),
};
static const struct list_entry reg = {
    .id = "reg",
    .zone_template = "reg.test",
    .zone = "reg.test",
    .kinds = LIST_KIND_IP4,
    .access = LIST_ACCESS_REGISTRATION,
    .codes = reg_codes,
    .ncodes = NELEM(reg_codes),
};

/* `access: key` (Spamhaus DQS-like). */
static const struct list_code key_codes[] = {
    CODE(IP(127, 0, 0, 2), LISTING, "SBL: spam source"),
    CODE(IP(127, 255, 255, 250), REFUSAL, "bad or expired key"),
};
static const struct list_entry keyed = {
    .id = "keyed",
    .zone_template = "{key}.zen.dq.test",
    .zone = "{key}.zen.dq.test",
    .kinds = LIST_KIND_IP4,
    .access = LIST_ACCESS_KEY,
    .key_env = "TEST_DQS_KEY",
    .codes = key_codes,
    .ncodes = NELEM(key_codes),
};

/* ---------------------------------------------------------- the reply builder */

/* Every canned reply answers this question, A IN. */
#define QNAME_TEXT  "2.0.0.127.zen.test"
#define TYPE_RRSIG  46
#define TYPE_DNAME  39
#define CLASS_IN    1
#define CLASS_CH    3
#define LISTED_BASE IP(127, 0, 2, 1) /* bulk records: 127.0.2.1, 127.0.2.2, ... */

/* One answer record of a canned reply. */
struct rr_spec {
    const char *owner;  /**< NULL: the question name (a 0xc00c pointer unless plain_owner) */
    uint16_t type;      /**< 0: A */
    uint16_t klass;     /**< 0: IN */
    uint32_t a;         /**< A: the address; AAAA: written as ::ffff:a */
    const char *target; /**< CNAME / DNAME: the target, written in full */
};

enum reply_how {
    R_WIRE,   /**< reply bytes from the spec, through scan_answer_parse() */
    R_RAW,    /**< the raw bytes given, through scan_answer_parse() */
    R_STATUS, /**< scan_answer_new_status(status) */
    R_BUILD,  /**< scan_answer_build(status, A records of the spec) */
};

/* A canned answer. */
struct reply_spec {
    enum reply_how how;
    enum scan_dns_status status; /**< R_STATUS / R_BUILD */
    int rcode;                   /**< R_WIRE */
    bool tc;                     /**< R_WIRE: set the TC bit */
    bool plain_owner;            /**< R_WIRE: write the question name in full as owner */
    size_t nbulk;                /**< first this many A records from LISTED_BASE up */
    size_t nrr;                  /**< then these */
    struct rr_spec rr[4];
    const uint8_t *raw; /**< R_RAW */
    size_t rawlen;
};

/* One-line macros so the tables read as tables. */
/* clang-format off */
#define RRS(...)                                                                                   \
    .nrr = sizeof((struct rr_spec[]){__VA_ARGS__}) / sizeof(struct rr_spec), .rr = {__VA_ARGS__}
#define A_(v)            {.a = (v)}
#define WIRE(rc, ...)    {.how = R_WIRE, .rcode = (rc), __VA_ARGS__}
#define STATUS(s)        {.how = R_STATUS, .status = (s)}
#define BUILD(s, ...)    {.how = R_BUILD, .status = (s), __VA_ARGS__}
#define RAW(bytes, blen) {.how = R_RAW, .raw = (bytes), .rawlen = (blen)}
/* clang-format on */

struct wire {
    uint8_t b[16384];
    size_t n;
};

static void put8(struct wire *w, unsigned v)
{
    cr_assert_lt(w->n, sizeof(w->b), "canned reply too long");
    w->b[w->n++] = (uint8_t)v;
}

static void put16(struct wire *w, unsigned v)
{
    put8(w, v >> 8);
    put8(w, v & 0xff);
}

static void put32(struct wire *w, uint32_t v)
{
    put16(w, v >> 16);
    put16(w, v & 0xffff);
}

/* A name in full, label by label ("a.b" -> 1 'a' 1 'b' 0). */
static void put_name(struct wire *w, const char *name)
{
    while (*name) {
        size_t l = strcspn(name, ".");
        put8(w, (unsigned)l);
        for (size_t i = 0; i < l; i++)
            put8(w, (uint8_t)name[i]);
        name += l;
        if (*name == '.')
            name++;
    }
    put8(w, 0);
}

static void put_rr(struct wire *w, const struct reply_spec *s, const struct rr_spec *r)
{
    uint16_t type = r->type ? r->type : SCAN_TYPE_A;
    if (r->owner)
        put_name(w, r->owner);
    else if (s->plain_owner)
        put_name(w, QNAME_TEXT);
    else
        put16(w, 0xc00c); /* the question name, right after the 12-byte header */
    put16(w, type);
    put16(w, r->klass ? r->klass : CLASS_IN);
    put32(w, 300); /* TTL */
    size_t rdlen_at = w->n;
    put16(w, 0); /* RDLENGTH, filled in below */
    switch (type) {
    case SCAN_TYPE_A:
        put32(w, r->a);
        break;
    case SCAN_TYPE_AAAA:
        put32(w, 0);
        put32(w, 0);
        put32(w, 0xffff);
        put32(w, r->a);
        break;
    case SCAN_TYPE_CNAME:
    case TYPE_DNAME:
        put_name(w, r->target);
        break;
    case SCAN_TYPE_TXT:
        put8(w, 4);
        put32(w, ((uint32_t)'t' << 24) | ((uint32_t)'e' << 16) | ('s' << 8) | 't');
        break;
    default: /* opaque rdata (RRSIG...): the decoder never reads it */
        put32(w, 0xdeadbeef);
        put32(w, 0x01020304);
        break;
    }
    size_t rdlen = w->n - rdlen_at - 2;
    w->b[rdlen_at] = (uint8_t)(rdlen >> 8);
    w->b[rdlen_at + 1] = (uint8_t)(rdlen & 0xff);
}

/* The reply a row describes: header, question QNAME_TEXT A IN, answer section. */
static void build_reply(const struct reply_spec *s, struct wire *w)
{
    w->n = 0;
    put16(w, 0xbeef);                        /* ID */
    put8(w, 0x81 | (s->tc ? 0x02 : 0));      /* QR, opcode 0, (TC), RD */
    put8(w, 0x80 | (unsigned)(s->rcode));    /* RA, rcode */
    put16(w, 1);                             /* QDCOUNT */
    put16(w, (unsigned)(s->nbulk + s->nrr)); /* ANCOUNT */
    put16(w, 0);                             /* NSCOUNT */
    put16(w, 0);                             /* ARCOUNT */
    put_name(w, QNAME_TEXT);
    put16(w, SCAN_TYPE_A);
    put16(w, CLASS_IN);
    for (size_t i = 0; i < s->nbulk; i++) {
        struct rr_spec bulk = {.a = LISTED_BASE + (uint32_t)i};
        put_rr(w, s, &bulk);
    }
    for (size_t i = 0; i < s->nrr; i++)
        put_rr(w, s, &s->rr[i]);
}

static struct scan_answer *make_answer(const struct reply_spec *s)
{
    struct scan_answer *a = NULL;
    switch (s->how) {
    case R_WIRE: {
        static struct wire w;
        build_reply(s, &w);
        cr_assert_eq(scan_answer_parse(w.b, w.n, SCAN_TYPE_A, &a), 0);
        break;
    }
    case R_RAW:
        cr_assert_eq(scan_answer_parse(s->raw, s->rawlen, SCAN_TYPE_A, &a), 0);
        break;
    case R_STATUS:
        a = scan_answer_new_status(s->status, SCAN_TYPE_A);
        break;
    case R_BUILD: {
        struct scan_rr rr[64] = {0};
        size_t n = 0;
        cr_assert_leq(s->nbulk + s->nrr, NELEM(rr));
        for (size_t i = 0; i < s->nbulk; i++, n++) {
            uint32_t v = LISTED_BASE + (uint32_t)i;
            rr[n].type = SCAN_TYPE_A;
            rr[n].owner = QNAME_TEXT;
            rr[n].a4[0] = v >> 24, rr[n].a4[1] = (v >> 16) & 0xff;
            rr[n].a4[2] = (v >> 8) & 0xff, rr[n].a4[3] = v & 0xff;
        }
        for (size_t i = 0; i < s->nrr; i++, n++) {
            uint32_t v = s->rr[i].a;
            rr[n].type = s->rr[i].type ? s->rr[i].type : SCAN_TYPE_A;
            rr[n].owner = s->rr[i].owner ? s->rr[i].owner : QNAME_TEXT;
            rr[n].a4[0] = v >> 24, rr[n].a4[1] = (v >> 16) & 0xff;
            rr[n].a4[2] = (v >> 8) & 0xff, rr[n].a4[3] = v & 0xff;
        }
        a = scan_answer_build(s->status, SCAN_TYPE_A, rr, n);
        break;
    }
    }
    cr_assert_not_null(a);
    return a;
}

/* Garbage: a header that promises an answer record, then ends. */
static const uint8_t short_reply[] = {0xbe, 0xef, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
                                      /* 2.0.0.127.zen.test A IN */
                                      1, '2', 1, '0', 1, '0', 3, '1', '2', '7', 3, 'z', 'e', 'n', 4,
                                      't', 'e', 's', 't', 0, 0, 1, 0, 1};

/* ----------------------------------------------------- list_dnsbl_verdict() */

/* What the decoder must make of a wire row (checked for R_WIRE / R_RAW only). */
struct decoded {
    enum scan_dns_status st;
    size_t n, nstray, ncname;
    int tc;
};

struct verdict_case {
    const char *name;
    const struct list_entry *e;
    struct reply_spec r;
    struct decoded dec;
    /* the verdict */
    enum scan_status st;
    enum scan_reason why;
    enum scan_class klass;
    const char *detail;   /**< a word of the detail sentence; NULL: no detail */
    size_t ncodes;        /**< codes reported; 0: not checked */
    const char *code0;    /**< the first code reported, or NULL: not checked */
    const char *meaning0; /**< its meaning, or NULL: not checked */
};

/* What the decoder says (wire rows), then the verdict a row expects. */
/* clang-format off */
#define DEC(s, ...) {.st = SCAN_DNS_##s, __VA_ARGS__}
/* clang-format on */
#define ERR(r)    .st = SCAN_ST_ERROR, .why = SCAN_R_##r
#define CLEAN     .st = SCAN_ST_CLEAN
#define ALLOW     .st = SCAN_ST_CLEAN, .klass = SCAN_CLASS_ALLOW
#define LISTED(k) .st = SCAN_ST_LISTED, .klass = SCAN_CLASS_##k

static const struct verdict_case verdict_cases[] = {
    /* Rule 1: DNS failures, whatever the list. */
    {"timeout", &zen, STATUS(SCAN_DNS_TIMEOUT), {0}, ERR(TIMEOUT)},
    {"servfail (wire)", &zen, WIRE(2, .nrr = 0), DEC(SERVFAIL), ERR(SERVFAIL)},
    {"servfail (status)", &zen, STATUS(SCAN_DNS_SERVFAIL), {0}, ERR(SERVFAIL)},
    {"refused (wire)", &zen, WIRE(5, .nrr = 0), DEC(REFUSED), ERR(REFUSED)},
    {"formerr is a bad response", &zen, WIRE(1, .nrr = 0), DEC(BADRESP), ERR(INVALID_ANSWER)},
    {"a reply that ends early is a bad response", &zen, RAW(short_reply, sizeof(short_reply)),
     DEC(BADRESP), ERR(INVALID_ANSWER)},
    {"badresp (status)", &zen, STATUS(SCAN_DNS_BADRESP), {0}, ERR(INVALID_ANSWER)},
    {"CNAME to itself", &zen, WIRE(0, RRS({.type = SCAN_TYPE_CNAME, .target = QNAME_TEXT})),
     DEC(CNAMELOOP), ERR(CNAME_LOOP)},
    {"CNAME loop a -> b -> a, with a listing code", &zen,
     WIRE(0, RRS({.type = SCAN_TYPE_CNAME, .target = "b.test"},
                 {.owner = "b.test", .type = SCAN_TYPE_CNAME, .target = QNAME_TEXT},
                 A_(IP(127, 0, 0, 2)))),
     DEC(CNAMELOOP), ERR(CNAME_LOOP)},
    {"cname loop (status)", &zen, STATUS(SCAN_DNS_CNAMELOOP), {0}, ERR(CNAME_LOOP)},

    /* Rule 2: TC on the final reply, with or without records. */
    {"TC with a listing code", &zen, WIRE(0, .tc = true, RRS(A_(IP(127, 0, 0, 2)))),
     DEC(OK, .n = 1, .tc = 1), ERR(INVALID_ANSWER), .detail = "truncated"},
    {"TC and an empty answer", &zen, WIRE(0, .tc = true, .nrr = 0), DEC(NODATA, .tc = 1),
     ERR(INVALID_ANSWER), .detail = "truncated"},
    {"TC on NXDOMAIN", &zen, WIRE(3, .tc = true, .nrr = 0), DEC(NXDOMAIN, .tc = 1),
     ERR(INVALID_ANSWER), .detail = "truncated"},

    /* Rule 3: NXDOMAIN. */
    {"NXDOMAIN (wire)", &zen, WIRE(3, .nrr = 0), DEC(NXDOMAIN), CLEAN},
    {"NXDOMAIN (status)", &zen, STATUS(SCAN_DNS_NXDOMAIN), {0}, CLEAN},
    {"NXDOMAIN on an allowlist", &wl, WIRE(3, .nrr = 0), DEC(NXDOMAIN), CLEAN},

    /* Rule 4: records for another name, class or type. */
    {"A for another owner name only", &zen,
     WIRE(0, RRS({.owner = "other.test", .a = IP(127, 0, 0, 2)})), DEC(NODATA, .nstray = 1),
     ERR(INVALID_ANSWER), .detail = "another name"},
    {"A for another owner name beside a listing", &zen,
     WIRE(0, RRS(A_(IP(127, 0, 0, 2)), {.owner = "other.test", .a = IP(127, 0, 0, 4)})),
     DEC(OK, .n = 1, .nstray = 1), ERR(INVALID_ANSWER), .detail = "another name"},
    {"A in class CH", &zen, WIRE(0, RRS({.klass = CLASS_CH, .a = IP(127, 0, 0, 2)})),
     DEC(NODATA, .nstray = 1), ERR(INVALID_ANSWER), .detail = "another name"},
    {"AAAA to an A question", &zen, WIRE(0, RRS({.type = SCAN_TYPE_AAAA, .a = IP(127, 0, 0, 2)})),
     DEC(NODATA, .nstray = 1), ERR(INVALID_ANSWER), .detail = "another name"},
    {"TXT beside a listing", &zen, WIRE(0, RRS(A_(IP(127, 0, 0, 2)), {.type = SCAN_TYPE_TXT})),
     DEC(OK, .n = 1, .nstray = 1), ERR(INVALID_ANSWER), .detail = "another name"},
    {"a CNAME off the chain beside a listing", &zen,
     WIRE(0, RRS(A_(IP(127, 0, 0, 2)),
                 {.owner = "x.test", .type = SCAN_TYPE_CNAME, .target = "y.test"})),
     DEC(OK, .n = 1, .nstray = 1), ERR(INVALID_ANSWER), .detail = "another name"},
    {"stray records on an allowlist", &wl,
     WIRE(0, RRS(A_(IP(127, 0, 10, 0)), {.owner = "other.test", .a = IP(127, 0, 10, 0)})),
     DEC(OK, .n = 1, .nstray = 1), ERR(INVALID_ANSWER), .detail = "another name"},

    /* Rule 5: NODATA. */
    {"CNAME to a name without A", &zen,
     WIRE(0, RRS({.type = SCAN_TYPE_CNAME, .target = "parked.test"})), DEC(NODATA, .ncname = 1),
     ERR(INVALID_ANSWER), .detail = "CNAME chain"},
    {"proper NODATA (wire)", &zen, WIRE(0, .nrr = 0), DEC(NODATA), CLEAN},
    {"proper NODATA (status)", &zen, STATUS(SCAN_DNS_NODATA), {0}, CLEAN},
    {"NODATA with only an RRSIG", &zen, WIRE(0, RRS({.type = TYPE_RRSIG})), DEC(NODATA), CLEAN},

    /* Rule 6: the codes. */
    {"listing code", &zen, WIRE(0, RRS(A_(IP(127, 0, 0, 2)))), DEC(OK, .n = 1), LISTED(LISTING),
     .ncodes = 1, .code0 = "127.0.0.2", .meaning0 = "SBL: spam source"},
    {"listing code, owner name in full and upper case", &zen,
     WIRE(0, .plain_owner = true, RRS(A_(IP(127, 0, 0, 4)))), DEC(OK, .n = 1), LISTED(LISTING),
     .code0 = "127.0.0.4", .meaning0 = "XBL: exploited host"},
    {"listing code (built)",
     &zen,
     BUILD(SCAN_DNS_OK, RRS(A_(IP(127, 0, 0, 2)))),
     {0},
     LISTED(LISTING),
     .code0 = "127.0.0.2"},
    {"two listing codes, reported in order", &zen,
     WIRE(0, RRS(A_(IP(127, 0, 0, 4)), A_(IP(127, 0, 0, 2)))), DEC(OK, .n = 2), LISTED(LISTING),
     .ncodes = 2, .code0 = "127.0.0.2"},
    {"listing after a CNAME chain", &zen,
     WIRE(0, RRS({.type = SCAN_TYPE_CNAME, .target = "x.test"},
                 {.owner = "x.test", .a = IP(127, 0, 0, 2)})),
     DEC(OK, .n = 1, .ncname = 1), LISTED(LISTING), .code0 = "127.0.0.2"},
    {"listing with an RRSIG and a DNAME", &zen,
     WIRE(0, RRS(A_(IP(127, 0, 0, 2)), {.type = TYPE_RRSIG},
                 {.owner = "zen.test", .type = TYPE_DNAME, .target = "zen2.test"})),
     DEC(OK, .n = 1), LISTED(LISTING)},
    {"informational code only", &zen, WIRE(0, RRS(A_(IP(127, 0, 0, 3)))), DEC(OK, .n = 1),
     LISTED(INFO), .code0 = "127.0.0.3", .meaning0 = "CSS: informational"},
    {"informational beside listing", &zen, WIRE(0, RRS(A_(IP(127, 0, 0, 3)), A_(IP(127, 0, 0, 2)))),
     DEC(OK, .n = 2), LISTED(LISTING)},
    {"informational list, listing code", &info, WIRE(0, RRS(A_(IP(127, 0, 0, 2)))), DEC(OK, .n = 1),
     LISTED(INFO), .meaning0 = "reputation: poor"},
    {"informational list, unknown code",
     &info,
     BUILD(SCAN_DNS_OK, RRS(A_(IP(127, 0, 0, 9)))),
     {0},
     LISTED(INFO),
     .meaning0 = "unknown code"},
    {"allow code (dnswl 127.0.10.0)", &wl, WIRE(0, RRS(A_(IP(127, 0, 10, 0)))), DEC(OK, .n = 1),
     ALLOW, .code0 = "127.0.10.0", .meaning0 = "dnswl: IT (last octet = trust)"},
    {"another category in the /16 is allow",
     &wl,
     BUILD(SCAN_DNS_OK, RRS(A_(IP(127, 0, 99, 3)))),
     {0},
     ALLOW,
     .meaning0 = "dnswl: known good mail server"},
    {"refusal code alone", &zen, WIRE(0, RRS(A_(IP(127, 255, 255, 254)))), DEC(OK, .n = 1),
     ERR(BLOCKED), .code0 = "127.255.255.254", .meaning0 = "query via a public resolver"},
    {"refusal code of an allowlist", &wl, WIRE(0, RRS(A_(IP(127, 0, 0, 255)))), DEC(OK, .n = 1),
     ERR(BLOCKED), .code0 = "127.0.0.255"},
    {"refusal beside allow", &wl, WIRE(0, RRS(A_(IP(127, 0, 10, 0)), A_(IP(127, 0, 0, 255)))),
     DEC(OK, .n = 2), ERR(BLOCKED)},
    {"refusal beside listing codes", &zen,
     WIRE(0, RRS(A_(IP(127, 0, 0, 2)), A_(IP(127, 255, 255, 254)), A_(IP(127, 0, 0, 4)))),
     DEC(OK, .n = 3), ERR(BLOCKED)},
    {"40 listing codes, then a refusal", &zen,
     WIRE(0, .nbulk = 40, RRS(A_(IP(127, 255, 255, 254)))), DEC(OK, .n = 41), ERR(BLOCKED)},
    {"40 listing codes (report kept to 16)", &zen, WIRE(0, .nbulk = 40, .nrr = 0), DEC(OK, .n = 40),
     LISTED(LISTING), .ncodes = LIST_MAX_CODES, .code0 = "127.0.2.1",
     .meaning0 = "TEST: a net of listing codes"},
    {"40 listing codes, then a refusal (built)",
     &zen,
     BUILD(SCAN_DNS_OK, .nbulk = 40, RRS(A_(IP(127, 255, 255, 254)))),
     {0},
     ERR(BLOCKED)},
    {"outside 127/8 alone", &zen, WIRE(0, RRS(A_(IP(192, 0, 2, 1)))), DEC(OK, .n = 1),
     ERR(INVALID_ANSWER), .detail = "outside 127.0.0.0/8"},
    {"outside 127/8 as the 30th record", &zen, WIRE(0, .nbulk = 29, RRS(A_(IP(10, 0, 0, 1)))),
     DEC(OK, .n = 30), ERR(INVALID_ANSWER), .detail = "outside 127.0.0.0/8"},
    {"outside 127/8 beside a refusal", &zen,
     WIRE(0, RRS(A_(IP(127, 255, 255, 254)), A_(IP(198, 51, 100, 7)))), DEC(OK, .n = 2),
     ERR(INVALID_ANSWER), .detail = "outside 127.0.0.0/8"},
    {"outside 127/8 on an allowlist", &wl, WIRE(0, RRS(A_(IP(128, 0, 10, 0)))), DEC(OK, .n = 1),
     ERR(INVALID_ANSWER), .detail = "outside 127.0.0.0/8"},
    {"unknown 127/8 code", &zen, WIRE(0, RRS(A_(IP(127, 0, 0, 99)))), DEC(OK, .n = 1),
     LISTED(LISTING), .code0 = "127.0.0.99", .meaning0 = "unknown code"},
    {"unknown code far in 127/8", &zen, WIRE(0, RRS(A_(IP(127, 1, 2, 3)))), DEC(OK, .n = 1),
     LISTED(LISTING), .meaning0 = "unknown code"},
};

Test(verdict, table)
{
    for (size_t i = 0; i < NELEM(verdict_cases); i++) {
        const struct verdict_case *c = &verdict_cases[i];
        struct scan_answer *a = make_answer(&c->r);
        if (c->r.how == R_WIRE || c->r.how == R_RAW) {
            cr_expect_eq(a->status, c->dec.st, "%s: decoder status %s", c->name,
                         scan_dns_status_word(a->status));
            cr_expect_eq(a->n, c->dec.n, "%s: decoder kept %zu records", c->name, a->n);
            cr_expect_eq(a->nstray, c->dec.nstray, "%s: nstray %zu", c->name, a->nstray);
            cr_expect_eq(a->ncname, c->dec.ncname, "%s: ncname %zu", c->name, a->ncname);
            cr_expect_eq(a->tc, c->dec.tc, "%s: tc %d", c->name, a->tc);
        }
        struct list_finding v;
        cr_assert_eq(list_dnsbl_verdict(c->e, a, &v), 0, "%s", c->name);
        cr_expect_eq(v.st, c->st, "%s: status %s", c->name, scan_status_word(v.st));
        cr_expect_eq(v.why, c->why, "%s: reason %s", c->name,
                     v.why ? scan_reason_word(v.why) : "none");
        cr_expect_eq(v.klass, c->klass, "%s: class %s", c->name,
                     v.klass ? scan_class_word(v.klass) : "none");
        if (c->detail)
            cr_expect(v.detail && strstr(v.detail, c->detail), "%s: detail \"%s\"", c->name,
                      v.detail ? v.detail : "(null)");
        else
            cr_expect_null(v.detail, "%s: detail \"%s\"", c->name, v.detail);
        if (c->ncodes)
            cr_expect_eq(v.in.ncodes, c->ncodes, "%s: %zu codes", c->name, v.in.ncodes);
        if (c->code0)
            cr_expect_str_eq(v.in.codes[0], c->code0, "%s", c->name);
        if (c->meaning0)
            cr_expect(v.in.meanings[0] && strcmp(v.in.meanings[0], c->meaning0) == 0,
                      "%s: meaning \"%s\"", c->name,
                      v.in.meanings[0] ? v.in.meanings[0] : "(null)");
        scan_answer_free(a);
    }
}

Test(verdict, null_arguments)
{
    struct scan_answer *a = scan_answer_new_status(SCAN_DNS_NXDOMAIN, SCAN_TYPE_A);
    struct list_finding v;
    cr_expect_eq(list_dnsbl_verdict(NULL, a, &v), -EINVAL);
    cr_expect_eq(v.st, SCAN_ST_ERROR, "never clean by default");
    cr_expect_eq(list_dnsbl_verdict(&zen, NULL, &v), -EINVAL);
    cr_expect_eq(v.st, SCAN_ST_ERROR);
    cr_expect_eq(list_dnsbl_verdict(&zen, a, NULL), -EINVAL);
    scan_answer_free(a);
}

/* A built answer carries what the decoder would have said: the verdict reads
 * nstray and tc whatever made the answer. */
Test(verdict, built_answer_with_stray_or_tc)
{
    struct scan_rr rr = {.type = SCAN_TYPE_A, .owner = QNAME_TEXT, .a4 = {127, 0, 0, 2}};
    struct scan_answer *a = scan_answer_build(SCAN_DNS_OK, SCAN_TYPE_A, &rr, 1);
    struct list_finding v;
    a->nstray = 2;
    cr_assert_eq(list_dnsbl_verdict(&zen, a, &v), 0);
    cr_expect_eq(v.st, SCAN_ST_ERROR);
    cr_expect_eq(v.why, SCAN_R_INVALID_ANSWER);
    a->nstray = 0;
    a->tc = 1;
    cr_assert_eq(list_dnsbl_verdict(&zen, a, &v), 0);
    cr_expect_eq(v.why, SCAN_R_INVALID_ANSWER);
    a->tc = 0;
    cr_assert_eq(list_dnsbl_verdict(&zen, a, &v), 0);
    cr_expect_eq(v.st, SCAN_ST_LISTED);
    scan_answer_free(a);
}

/* -------------------------------------------------------- list_verdict_combine() */

/* clang-format off */
#define F_LISTED {.st = SCAN_ST_LISTED, .klass = SCAN_CLASS_LISTING}
#define F_INFO   {.st = SCAN_ST_LISTED, .klass = SCAN_CLASS_INFO}
#define F_CLEAN  {.st = SCAN_ST_CLEAN}
#define F_ALLOW  {.st = SCAN_ST_CLEAN, .klass = SCAN_CLASS_ALLOW}
#define F_BLOCK  {.st = SCAN_ST_ERROR, .why = SCAN_R_BLOCKED}
#define F_TMOUT  {.st = SCAN_ST_ERROR, .why = SCAN_R_TIMEOUT}
#define F_BAD    {.st = SCAN_ST_ERROR, .why = SCAN_R_INVALID_ANSWER}
/* clang-format on */

Test(verdict, combine_table)
{
    static const struct {
        const char *name;
        struct list_finding v[2];
        size_t n, want;
    } t[] = {
        {"one verdict", {F_CLEAN}, 1, 0},
        {"listed, clean", {F_LISTED, F_CLEAN}, 2, 0},
        {"clean, listed", {F_CLEAN, F_LISTED}, 2, 1},
        {"both listed: the first", {F_LISTED, F_INFO}, 2, 0},
        {"informational listing over clean", {F_CLEAN, F_INFO}, 2, 1},
        {"listed over timeout", {F_TMOUT, F_LISTED}, 2, 1},
        {"listed over blocked", {F_BLOCK, F_LISTED}, 2, 1},
        {"listed over allow", {F_ALLOW, F_LISTED}, 2, 1},
        {"blocked over timeout", {F_TMOUT, F_BLOCK}, 2, 1},
        {"blocked over invalid answer", {F_BLOCK, F_BAD}, 2, 0},
        {"both errors: the first", {F_BAD, F_TMOUT}, 2, 0},
        {"error over clean", {F_CLEAN, F_TMOUT}, 2, 1},
        {"error over allow", {F_ALLOW, F_BAD}, 2, 1},
        {"allow over clean", {F_CLEAN, F_ALLOW}, 2, 1},
        {"allow over clean (first)", {F_ALLOW, F_CLEAN}, 2, 0},
        {"both clean: the first", {F_CLEAN, F_CLEAN}, 2, 0},
    };
    for (size_t i = 0; i < NELEM(t); i++)
        cr_expect_eq(list_verdict_combine(t[i].v, t[i].n), t[i].want, "%s", t[i].name);
}

/* ---------------------------------------------------------- list_probe_judge() */

static const struct list_test_point tp_listed = {"127.0.0.2", LIST_KIND_IP4, true, false, 0};
static const struct list_test_point tp_unlisted = {"127.0.0.1", LIST_KIND_IP4, false, false, 0};
static const struct list_test_point tp_code4 = {"127.0.0.2", LIST_KIND_IP4, true, true,
                                                IP(127, 0, 0, 4)};
static const struct list_test_point tp_wl = {"127.0.0.2", LIST_KIND_IP4, true, true,
                                             IP(127, 0, 10, 0)};

struct probe_case {
    const char *name;
    const struct list_entry *e;
    const struct list_test_point *tp;
    struct reply_spec r;
    enum list_probe want;
    const char *has[3]; /**< words the sentence must hold (none: it must be "") */
    const char *hasnt;  /**< a word it must not hold, or NULL */
};

static const struct probe_case probe_cases[] = {
    /* Listed points. */
    {"listed point, listing", &zen, &tp_listed, WIRE(0, RRS(A_(IP(127, 0, 0, 2)))),
     .want = LIST_PROBE_GOOD},
    {"listed point, informational", &zen, &tp_listed, WIRE(0, RRS(A_(IP(127, 0, 0, 3)))),
     .want = LIST_PROBE_GOOD},
    {"listed point, informational list", &info, &tp_listed, WIRE(0, RRS(A_(IP(127, 0, 0, 2)))),
     .want = LIST_PROBE_GOOD},
    {"listed point, NXDOMAIN", &zen, &tp_listed, WIRE(3, .nrr = 0), .want = LIST_PROBE_BAD,
     .has = {"does not list its test point 127.0.0.2"}},
    {"listed point, NODATA", &zen, &tp_listed, STATUS(SCAN_DNS_NODATA), .want = LIST_PROBE_BAD,
     .has = {"does not list"}},
    /* Unlisted points. */
    {"unlisted point, NXDOMAIN", &zen, &tp_unlisted, WIRE(3, .nrr = 0), .want = LIST_PROBE_GOOD},
    {"unlisted point, NODATA", &zen, &tp_unlisted, WIRE(0, .nrr = 0), .want = LIST_PROBE_GOOD},
    {"unlisted point, listed", &zen, &tp_unlisted, WIRE(0, RRS(A_(IP(127, 0, 0, 2)))),
     .want = LIST_PROBE_BAD, .has = {"negative test point 127.0.0.1", "127.0.0.2", "do not use"}},
    {"unlisted point of an allowlist, allow code", &wl, &tp_unlisted,
     WIRE(0, RRS(A_(IP(127, 0, 10, 0)))), .want = LIST_PROBE_BAD,
     .has = {"negative test point", "127.0.10.0"}},
    /* Refusals: BLOCKED whatever the point, with the advice for the list's access. */
    {"refusal, free list", &zen, &tp_listed, WIRE(0, RRS(A_(IP(127, 255, 255, 254)))),
     .want = LIST_PROBE_BLOCKED,
     .has = {"127.255.255.254", "query via a public resolver", "your own recursive resolver"}},
    {"refusal at an unlisted point", &zen, &tp_unlisted, WIRE(0, RRS(A_(IP(127, 255, 255, 254)))),
     .want = LIST_PROBE_BLOCKED, .has = {"refuses this resolver"}},
    {"refusal, registration list", &reg, &tp_listed, WIRE(0, RRS(A_(IP(127, 255, 255, 255)))),
     .want = LIST_PROBE_BLOCKED,
     .has = {"127.255.255.255", "register your resolver's public IP address",
             "resolver not registered"}},
    {"refusal, key list", &keyed, &tp_listed, WIRE(0, RRS(A_(IP(127, 255, 255, 250)))),
     .want = LIST_PROBE_BLOCKED, .has = {"127.255.255.250", "key is valid", "bad or expired key"}},
    {"refusal, allowlist", &wl, &tp_wl, WIRE(0, RRS(A_(IP(127, 0, 0, 255)))),
     .want = LIST_PROBE_BLOCKED, .has = {"127.0.0.255", "dnswl: query refused"}},
    {"refusal beside a listing names the refusal", &zen, &tp_listed,
     WIRE(0, RRS(A_(IP(127, 0, 0, 2)), A_(IP(127, 255, 255, 254)))), .want = LIST_PROBE_BLOCKED,
     .has = {"127.255.255.254", "query via a public resolver"}, .hasnt = "SBL"},
    {"refusal after 40 listing codes names the refusal", &zen, &tp_listed,
     WIRE(0, .nbulk = 40, RRS(A_(IP(127, 255, 255, 254)))), .want = LIST_PROBE_BLOCKED,
     .has = {"127.255.255.254", "query via a public resolver"}, .hasnt = "127.0.2.1"},
    /* No usable answer: ask again. */
    {"timeout", &zen, &tp_listed, STATUS(SCAN_DNS_TIMEOUT), .want = LIST_PROBE_NOANSWER,
     .has = {"timeout", "not answering"}, .hasnt = "register"},
    {"servfail", &zen, &tp_listed, WIRE(2, .nrr = 0), .want = LIST_PROBE_NOANSWER,
     .has = {"servfail", "not answering"}, .hasnt = "register"},
    {"refused", &zen, &tp_unlisted, WIRE(5, .nrr = 0), .want = LIST_PROBE_NOANSWER,
     .has = {"refused"}},
    {"registration list, SERVFAIL: register", &reg, &tp_listed, WIRE(2, .nrr = 0),
     .want = LIST_PROBE_NOANSWER,
     .has = {"test point 127.0.0.2", "servfail", "register your resolver"}},
    {"registration list, timeout: not a registration hint", &reg, &tp_listed,
     STATUS(SCAN_DNS_TIMEOUT), .want = LIST_PROBE_NOANSWER, .has = {"timeout"},
     .hasnt = "register"},
    {"CNAME loop", &zen, &tp_listed, WIRE(0, RRS({.type = SCAN_TYPE_CNAME, .target = QNAME_TEXT})),
     .want = LIST_PROBE_NOANSWER, .has = {"cname-loop"}},
    {"garbage reply", &zen, &tp_listed, RAW(short_reply, sizeof(short_reply)),
     .want = LIST_PROBE_NOANSWER, .has = {"invalid-answer"}, .hasnt = "do not use"},
    {"FORMERR", &zen, &tp_unlisted, WIRE(1, .nrr = 0), .want = LIST_PROBE_NOANSWER,
     .has = {"invalid-answer"}, .hasnt = "do not use"},
    /* Expected codes. */
    {"expected code present", &zen, &tp_code4,
     WIRE(0, RRS(A_(IP(127, 0, 0, 2)), A_(IP(127, 0, 0, 4)))), .want = LIST_PROBE_GOOD},
    {"expected code absent", &zen, &tp_code4, WIRE(0, RRS(A_(IP(127, 0, 0, 2)))),
     .want = LIST_PROBE_BAD,
     .has = {"answers 127.0.0.2", "documents 127.0.0.4", "test point 127.0.0.2"}},
    {"allowlist: allow code at a listed point (dnswl 127.0.10.0)", &wl, &tp_wl,
     WIRE(0, RRS(A_(IP(127, 0, 10, 0)))), .want = LIST_PROBE_GOOD},
    {"allowlist: another allow code than documented", &wl, &tp_wl,
     WIRE(0, RRS(A_(IP(127, 0, 3, 1)))), .want = LIST_PROBE_BAD,
     .has = {"127.0.3.1", "127.0.10.0"}},
    {"allowlist: NXDOMAIN at the listed point", &wl, &tp_wl, WIRE(3, .nrr = 0),
     .want = LIST_PROBE_BAD, .has = {"does not list"}},
    /* Answers that are wrong in shape. */
    {"outside 127/8", &zen, &tp_listed, WIRE(0, RRS(A_(IP(192, 0, 2, 1)))), .want = LIST_PROBE_BAD,
     .has = {"outside 127.0.0.0/8", "do not use"}},
    {"outside 127/8 at an unlisted point", &zen, &tp_unlisted,
     WIRE(0, .nbulk = 29, RRS(A_(IP(10, 0, 0, 1)))), .want = LIST_PROBE_BAD,
     .has = {"outside 127.0.0.0/8"}},
    {"stray record at a listed point", &zen, &tp_listed,
     WIRE(0, RRS(A_(IP(127, 0, 0, 2)), {.owner = "other.test", .a = IP(127, 0, 0, 2)})),
     .want = LIST_PROBE_BAD, .has = {"another name"}},
    {"CNAME to nowhere at an unlisted point", &zen, &tp_unlisted,
     WIRE(0, RRS({.type = SCAN_TYPE_CNAME, .target = "parked.test"})), .want = LIST_PROBE_BAD,
     .has = {"CNAME chain"}},
};

Test(verdict, probe_table)
{
    for (size_t i = 0; i < NELEM(probe_cases); i++) {
        const struct probe_case *c = &probe_cases[i];
        struct scan_answer *a = make_answer(&c->r);
        char why[300];
        memset(why, 'x', sizeof(why));
        enum list_probe p = list_probe_judge(c->e, c->tp, a, why, sizeof(why));
        cr_expect_eq(p, c->want, "%s: judged %d, want %d (%s)", c->name, p, c->want, why);
        cr_assert(memchr(why, '\0', sizeof(why)), "%s: sentence not terminated", c->name);
        if (!c->has[0])
            cr_expect_str_empty(why, "%s: \"%s\"", c->name, why);
        for (size_t k = 0; k < NELEM(c->has) && c->has[k]; k++)
            cr_expect(strstr(why, c->has[k]), "%s: \"%s\" lacks \"%s\"", c->name, why, c->has[k]);
        if (c->hasnt)
            cr_expect(!strstr(why, c->hasnt), "%s: \"%s\" holds \"%s\"", c->name, why, c->hasnt);
        cr_expect(!strstr(why, c->e->zone), "%s: the sentence names the zone", c->name);
        scan_answer_free(a);
    }
}

/* The sentence is cut to the buffer, never overrun. */
Test(verdict, probe_small_buffer)
{
    struct scan_answer *a = scan_answer_new_status(SCAN_DNS_NXDOMAIN, SCAN_TYPE_A);
    char why[12];
    memset(why, 'x', sizeof(why));
    cr_expect_eq(list_probe_judge(&zen, &tp_listed, a, why, 8), LIST_PROBE_BAD);
    cr_expect_eq(strlen(why), 7);
    cr_expect_eq(why[8], 'x');
    cr_expect_eq(list_probe_judge(&zen, &tp_listed, a, NULL, 0), LIST_PROBE_BAD);
    scan_answer_free(a);
}
