/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * A small, strict DNS reply decoder.
 *
 * Why our own and not ldns_wire2pkt(): this runs once per DNSBL answer, at
 * 100,000+ answers a second, and ldns allocates an object per RR and per
 * rdata field. We need a handful of record types, so we decode in two
 * passes over the reply (index the answer section, then copy what the
 * caller asked for into one heap block) and never trust a length, count or
 * compression pointer: every read goes through the bounds-checked cursor of
 * wire.h, which also limits pointer chains, so garbage becomes
 * SCAN_DNS_BADRESP, never a crash.
 *
 * The answer's shape (build, copy, free) stays beside the decoder that fills
 * it; the query encoder is in dnsquery.c.
 */
#include "scanner/dns/dnsmsg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/dns/wire.h"

#define MAX_RRS    SCAN_ANSWER_MAX_RRS
#define MAX_CNAMES 16

const char *scan_dns_status_word(enum scan_dns_status s)
{
    switch (s) {
    case SCAN_DNS_OK:
        return "ok";
    case SCAN_DNS_NODATA:
        return "nodata";
    case SCAN_DNS_NXDOMAIN:
        return "nxdomain";
    case SCAN_DNS_TIMEOUT:
        return "timeout";
    case SCAN_DNS_SERVFAIL:
        return "servfail";
    case SCAN_DNS_REFUSED:
        return "refused";
    case SCAN_DNS_BADRESP:
        return "bad-response";
    case SCAN_DNS_CNAMELOOP:
        return "cname-loop";
    }
    return "bad-response";
}

bool scan_dns_failed(enum scan_dns_status s)
{
    return s == SCAN_DNS_TIMEOUT || s == SCAN_DNS_SERVFAIL || s == SCAN_DNS_REFUSED ||
           s == SCAN_DNS_BADRESP || s == SCAN_DNS_CNAMELOOP;
}

bool scan_dns_temp_failed(enum scan_dns_status s)
{
    return scan_dns_failed(s) && s != SCAN_DNS_CNAMELOOP;
}

struct raw_rr {
    uint16_t type;
    bool used; /* part of the CNAME chain or kept */
    uint32_t ttl;
    size_t rdoff;
    uint16_t rdlen;
    char *owner; /* decoded, heap, freed after the parse */
};

/*
 * What the decoder has learned so far. The steps below fill it in the reply's
 * order; each returns 0 to go on, STOP when the reply is decided (status says
 * how: BADRESP unless the step set another), or -ENOMEM. Whatever stopped it,
 * build_answer() turns it into the answer: a garbage reply is an answer too.
 */
struct parse {
    struct wire w; /* the reply, the cursor past what was read */
    uint16_t qtype;
    enum scan_dns_status status;
    int rcode, tc;
    char qname[WIRE_NAME_TEXT], canon[WIRE_NAME_TEXT];
    struct raw_rr *rrs; /* the class-IN answer records */
    size_t nraw, ncname, nstray;
    size_t keep[MAX_RRS], nkeep; /* indexes into rrs of the records kept */
};

#define STOP SCAN_EDNS /* a step's "the reply is decided" (struct parse) */

static bool name_eq(const char *a, const char *b)
{
    return strcmp(a, b) == 0; /* both already lower-cased by wire_name() */
}

/* Header and question: the rcode, TC and the question name; the answer count in
 * *an. The ID and the question's type and class are not looked at (c-ares matched
 * the reply to its query). */
static int read_header(struct parse *ps, uint16_t *an)
{
    struct wire *w = &ps->w;
    wire_skip(w, 2); /* ID */
    uint16_t flags = wire_u16(w), qd = wire_u16(w);
    *an = wire_u16(w);
    wire_skip(w, 4); /* NSCOUNT, ARCOUNT */
    if (w->err)
        return STOP;
    ps->rcode = flags & 0x0f;
    ps->tc = (flags & 0x0200) != 0;
    if (qd != 1)
        return STOP;
    wire_name(w, ps->qname);
    wire_skip(w, 4); /* QTYPE, QCLASS */
    return w->err ? STOP : 0;
}

/* NOERROR goes on to the records; any other rcode decides the reply. */
static int read_rcode(struct parse *ps)
{
    switch (ps->rcode) {
    case 0:
        return 0;
    case 2:
        ps->status = SCAN_DNS_SERVFAIL;
        break;
    case 3:
        ps->status = SCAN_DNS_NXDOMAIN;
        break;
    case 5:
        ps->status = SCAN_DNS_REFUSED;
        break;
    default:
        break; /* FORMERR, NOTIMP, ...: unusable, BADRESP */
    }
    return STOP;
}

/* One answer record: indexed when of class IN, else counted as stray. */
static int read_record(struct parse *ps)
{
    struct wire *w = &ps->w;
    struct raw_rr r = {0};
    char owner[WIRE_NAME_TEXT];

    wire_name(w, owner);
    r.type = wire_u16(w);
    uint16_t class = wire_u16(w);
    r.ttl = wire_u32(w);
    r.rdlen = wire_u16(w);
    r.rdoff = w->off;
    wire_skip(w, r.rdlen);
    if (w->err)
        return STOP;
    if (class != 1) {
        ps->nstray++;
        return 0;
    }
    r.owner = strdup(owner);
    if (!r.owner)
        return -ENOMEM;
    ps->rrs[ps->nraw++] = r;
    return 0;
}

static int read_answers(struct parse *ps, uint16_t an)
{
    if (an > MAX_RRS)
        return STOP;
    ps->rrs = calloc(an ? an : 1, sizeof(*ps->rrs));
    if (!ps->rrs)
        return -ENOMEM;
    for (size_t i = 0; i < an; i++) {
        int ret = read_record(ps);
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* Follow the CNAME chain from the question name, in any record order; canon is
 * where it ends. A CNAME question takes the CNAME records as they are. */
static int follow_cnames(struct parse *ps)
{
    strcpy(ps->canon, ps->qname);
    if (ps->qtype == SCAN_TYPE_CNAME)
        return 0;
    for (bool moved = true; moved;) {
        moved = false;
        for (size_t i = 0; i < ps->nraw && !moved; i++) {
            struct raw_rr *r = &ps->rrs[i];
            char next[WIRE_NAME_TEXT];
            struct wire rd;
            if (r->type != SCAN_TYPE_CNAME || !name_eq(r->owner, ps->canon))
                continue;
            wire_init(&rd, ps->w.p, ps->w.len, r->rdoff); /* a name may point anywhere */
            if (wire_name(&rd, next) != 0)
                return STOP;
            if (++ps->ncname > MAX_CNAMES || name_eq(next, ps->qname) || name_eq(next, ps->canon)) {
                ps->status = SCAN_DNS_CNAMELOOP;
                return STOP;
            }
            strcpy(ps->canon, next);
            r->used = true;
            moved = true;
        }
    }
    return 0;
}

/* Keep the records of the asked type at the end of the chain; count the strays. */
static void pick_records(struct parse *ps)
{
    for (size_t i = 0; i < ps->nraw; i++) {
        if (ps->rrs[i].type == ps->qtype && name_eq(ps->rrs[i].owner, ps->canon)) {
            ps->keep[ps->nkeep++] = i;
            ps->rrs[i].used = true;
        }
    }
    for (size_t i = 0; i < ps->nraw; i++)
        if (!ps->rrs[i].used && ps->rrs[i].type != SCAN_TYPE_RRSIG && ps->rrs[i].type != 39)
            ps->nstray++; /* 39: DNAME, which comes with the CNAME it synthesizes */
    ps->status = ps->nkeep ? SCAN_DNS_OK : SCAN_DNS_NODATA;
}

static int decode(struct parse *ps)
{
    uint16_t an = 0;
    int ret = read_header(ps, &an);
    if (ret == 0)
        ret = read_rcode(ps);
    if (ret == 0)
        ret = read_answers(ps, an);
    if (ret == 0)
        ret = follow_cnames(ps);
    if (ret == 0)
        pick_records(ps);
    return ret;
}

/* A name of the record's data, written at heap + *used (with heap NULL only measured).
 * @return where it was written, NULL when only measured or on error. */
static const char *rdata_name(struct wire *w, char *heap, size_t *used)
{
    char tmp[WIRE_NAME_TEXT];
    size_t at = *used;
    if (wire_name(w, heap ? heap + at : tmp) != 0)
        return NULL;
    *used += strlen(heap ? heap + at : tmp) + 1;
    return heap ? heap + at : NULL;
}

/* TXT: the character-strings, each inside the data, joined. */
static int rdata_txt(const struct wire *msg, const struct raw_rr *r, struct scan_rr *out,
                     char *heap, size_t *used)
{
    struct wire rd;
    size_t o = 0, ns = 0;
    if (r->rdlen == 0)
        return SCAN_EDNS;
    wire_init(&rd, msg->p + r->rdoff, r->rdlen, 0);
    while (wire_left(&rd) > 0) {
        uint8_t l = wire_u8(&rd);
        const uint8_t *s = wire_bytes(&rd, l);
        if (!s)
            return SCAN_EDNS;
        if (heap)
            memcpy(heap + o, s, l);
        o += l;
        ns++;
    }
    *used = o + 1;
    if (heap) {
        heap[o] = '\0';
        out->txt = (const uint8_t *)heap;
        out->txt_len = o;
        out->nstrings = ns;
    }
    return 0;
}

/*
 * Check the data of the kept record @p r against its type and decode it into
 * @p out, its strings (names, TXT) at @p heap, *used bytes of it. With @p heap
 * NULL nothing is written there and only *used is counted: the first pass sizes
 * the answer's block, the second fills it. Names in the data may point anywhere
 * in the message and must end inside the data (SOA: exactly 20 octets before
 * its end); data after a name is ignored.
 * @return 0 or SCAN_EDNS (the data does not fit the type).
 */
static int rdata_decode(const struct wire *msg, const struct raw_rr *r, struct scan_rr *out,
                        char *heap, size_t *used)
{
    struct wire w;
    size_t end = r->rdoff + r->rdlen;
    wire_init(&w, msg->p, msg->len, r->rdoff);
    *used = 0;
    out->type = r->type;
    out->ttl = r->ttl;
    switch (r->type) {
    case SCAN_TYPE_A:
        if (r->rdlen != 4)
            return SCAN_EDNS;
        memcpy(out->a4, wire_bytes(&w, 4), 4);
        return 0;
    case SCAN_TYPE_AAAA:
        if (r->rdlen != 16)
            return SCAN_EDNS;
        memcpy(out->a6, wire_bytes(&w, 16), 16);
        return 0;
    case SCAN_TYPE_TXT:
        return rdata_txt(msg, r, out, heap, used);
    case SCAN_TYPE_MX:
        if (r->rdlen < 3)
            return SCAN_EDNS;
        out->pref = wire_u16(&w);
        /* fall through */
    case SCAN_TYPE_PTR:
    case SCAN_TYPE_CNAME:
    case SCAN_TYPE_NS:
        out->target = rdata_name(&w, heap, used);
        return w.err || w.off > end ? SCAN_EDNS : 0;
    case SCAN_TYPE_SOA:
        out->soa.mname = rdata_name(&w, heap, used);
        out->soa.rname = rdata_name(&w, heap, used);
        if (w.err || w.off + 20 != end)
            return SCAN_EDNS;
        out->soa.serial = wire_u32(&w);
        out->soa.refresh = wire_u32(&w);
        out->soa.retry = wire_u32(&w);
        out->soa.expire = wire_u32(&w);
        out->soa.minimum = wire_u32(&w);
        return 0;
    default:
        return 0; /* kept as type and TTL only */
    }
}

/* The answer, in one heap block: the records kept, then the canonical name and
 * the records' strings. A record whose data does not fit its type makes the
 * whole reply BADRESP. */
static int build_answer(struct parse *ps, struct scan_answer **out)
{
    bool data = ps->status == SCAN_DNS_OK || ps->status == SCAN_DNS_NODATA;
    size_t nkeep = data ? ps->nkeep : 0, extra = data ? strlen(ps->canon) + 1 : 0, used;
    struct scan_rr scratch;

    for (size_t k = 0; k < nkeep; k++) {
        if (rdata_decode(&ps->w, &ps->rrs[ps->keep[k]], &scratch, NULL, &used) != 0) {
            ps->status = SCAN_DNS_BADRESP;
            data = false;
            nkeep = extra = 0;
            break;
        }
        extra += used;
    }
    struct scan_answer *a = malloc(sizeof(*a) + nkeep * sizeof(struct scan_rr) + extra);
    if (!a)
        return -ENOMEM;
    memset(a, 0, sizeof(*a));
    a->status = ps->status;
    a->qtype = ps->qtype;
    a->rcode = ps->rcode;
    a->ncname = data ? ps->ncname : 0;
    a->nstray = data ? ps->nstray : 0;
    a->tc = ps->tc;
    a->n = nkeep;
    a->rr = (struct scan_rr *)(a + 1);
    char *heap = (char *)(a->rr + nkeep);
    if (data) {
        a->canon = strcpy(heap, ps->canon);
        heap += strlen(heap) + 1;
    }
    for (size_t k = 0; k < nkeep; k++) {
        memset(&a->rr[k], 0, sizeof(a->rr[k]));
        /* Cannot fail: the same bytes passed the first pass, which sized the block. */
        SCAN_REQUIRE(rdata_decode(&ps->w, &ps->rrs[ps->keep[k]], &a->rr[k], heap, &used) == 0);
        a->rr[k].owner = a->canon;
        heap += used;
    }
    *out = a;
    return 0;
}

struct scan_answer *scan_answer_new_status(enum scan_dns_status status, uint16_t qtype)
{
    struct scan_answer *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->status = status;
    a->qtype = qtype;
    a->rcode = -1;
    return a;
}

int scan_answer_parse(const uint8_t *buf, size_t len, uint16_t qtype, struct scan_answer **out)
{
    struct parse ps = {.qtype = qtype, .status = SCAN_DNS_BADRESP, .rcode = -1};

    *out = NULL;
    wire_init(&ps.w, buf, len, 0);
    int ret = decode(&ps);
    if (ret != -ENOMEM)
        ret = build_answer(&ps, out);
    for (size_t i = 0; i < ps.nraw; i++)
        free(ps.rrs[i].owner);
    free(ps.rrs);
    return ret;
}

/* Size of the strings one record carries, for build/dup. */
static size_t rr_strings_size(const struct scan_rr *r)
{
    switch (r->type) {
    case SCAN_TYPE_TXT:
        return r->txt_len + 1;
    case SCAN_TYPE_MX:
    case SCAN_TYPE_PTR:
    case SCAN_TYPE_CNAME:
    case SCAN_TYPE_NS:
        return r->target ? strlen(r->target) + 1 : 1;
    case SCAN_TYPE_SOA:
        return (r->soa.mname ? strlen(r->soa.mname) : 0) + 1 +
               (r->soa.rname ? strlen(r->soa.rname) : 0) + 1;
    default:
        return 0;
    }
}

static struct scan_answer *answer_copy(enum scan_dns_status status, uint16_t qtype, int rcode,
                                       const char *canon, size_t ncname, const struct scan_rr *rr,
                                       size_t n)
{
    size_t extra = canon ? strlen(canon) + 1 : 0;
    for (size_t i = 0; i < n; i++)
        extra += rr_strings_size(&rr[i]) + (rr[i].owner ? strlen(rr[i].owner) + 1 : 0);
    struct scan_answer *a = malloc(sizeof(*a) + n * sizeof(struct scan_rr) + extra);
    if (!a)
        return NULL;
    memset(a, 0, sizeof(*a));
    a->status = status;
    a->qtype = qtype;
    a->rcode = rcode;
    a->ncname = ncname;
    a->n = n;
    a->rr = (struct scan_rr *)(a + 1);
    char *heap = (char *)(a->rr + n);
    if (canon) {
        strcpy(heap, canon);
        a->canon = heap;
        heap += strlen(canon) + 1;
    }
    for (size_t i = 0; i < n; i++) {
        struct scan_rr *d = &a->rr[i];
        *d = rr[i];
        if (rr[i].owner) {
            strcpy(heap, rr[i].owner);
            d->owner = heap;
            heap += strlen(heap) + 1;
        }
        switch (rr[i].type) {
        case SCAN_TYPE_TXT:
            if (rr[i].txt_len)
                memcpy(heap, rr[i].txt, rr[i].txt_len);
            heap[rr[i].txt_len] = '\0';
            d->txt = (const uint8_t *)heap;
            heap += rr[i].txt_len + 1;
            break;
        case SCAN_TYPE_MX:
        case SCAN_TYPE_PTR:
        case SCAN_TYPE_CNAME:
        case SCAN_TYPE_NS:
            strcpy(heap, rr[i].target ? rr[i].target : "");
            d->target = heap;
            heap += strlen(heap) + 1;
            break;
        case SCAN_TYPE_SOA:
            strcpy(heap, rr[i].soa.mname ? rr[i].soa.mname : "");
            d->soa.mname = heap;
            heap += strlen(heap) + 1;
            strcpy(heap, rr[i].soa.rname ? rr[i].soa.rname : "");
            d->soa.rname = heap;
            heap += strlen(heap) + 1;
            break;
        default:
            break;
        }
    }
    return a;
}

struct scan_answer *scan_answer_build(enum scan_dns_status status, uint16_t qtype,
                                      const struct scan_rr *rr, size_t n)
{
    return answer_copy(status, qtype, 0, NULL, 0, rr, n);
}

struct scan_answer *scan_answer_dup(const struct scan_answer *a)
{
    if (!a)
        return NULL;
    struct scan_answer *d =
        answer_copy(a->status, a->qtype, a->rcode, a->canon, a->ncname, a->rr, a->n);
    if (d) {
        d->nstray = a->nstray;
        d->tc = a->tc;
        if (a->raw && scan_answer_set_raw(d, a->raw, a->raw_len) != 0) {
            scan_answer_free(d);
            return NULL;
        }
    }
    return d;
}

int scan_answer_set_raw(struct scan_answer *a, const uint8_t *buf, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -ENOMEM;
    if (len)
        memcpy(copy, buf, len);
    free((void *)a->raw);
    a->raw = copy;
    a->raw_len = len;
    return 0;
}

void scan_answer_free(struct scan_answer *a)
{
    if (a)
        free((void *)a->raw);
    free(a);
}

enum scan_reason scan_reason_of_dns(enum scan_dns_status s)
{
    switch (s) {
    case SCAN_DNS_SERVFAIL:
        return SCAN_R_SERVFAIL;
    case SCAN_DNS_REFUSED:
        return SCAN_R_REFUSED;
    case SCAN_DNS_BADRESP:
        return SCAN_R_INVALID_ANSWER;
    case SCAN_DNS_CNAMELOOP:
        return SCAN_R_CNAME_LOOP;
    case SCAN_DNS_OK:
    case SCAN_DNS_NODATA:
    case SCAN_DNS_NXDOMAIN:
        return SCAN_R_NONE;
    case SCAN_DNS_TIMEOUT:
        break;
    }
    return SCAN_R_TIMEOUT;
}
