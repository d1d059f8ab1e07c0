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
 * compression pointer: every read is bounds-checked and pointer chains are
 * limited, so garbage becomes SCAN_DNS_BADRESP, never a crash.
 *
 * One file on purpose (over 600 lines): the wire codec; encoding questions and decoding
 * answers share the name and record readers.
 */
#include "scanner/dns/dnsmsg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

#define NAME_MAX_TEXT 1024 /* a 255-byte wire name with every byte escaped as \DDD fits */
#define MAX_RRS       SCAN_ANSWER_MAX_RRS
#define MAX_CNAMES    16

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

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/*
 * Decode the (possibly compressed) name at *off into lower-case presentation
 * text without the trailing dot. Bytes that would be ambiguous in text ('.',
 * '\\', non-printable) are written as \DDD, so two different wire names never
 * compare equal. Advances *off past the name as it appears at *off.
 */
static int read_name(const uint8_t *msg, size_t len, size_t *off, char *out)
{
    size_t pos = *off, o = 0, wire = 0;
    bool jumped = false;
    int jumps = 0;

    for (;;) {
        if (pos >= len)
            return SCAN_EDNS;
        uint8_t l = msg[pos];
        if ((l & 0xc0) == 0xc0) {
            if (pos + 1 >= len || ++jumps > 32)
                return SCAN_EDNS;
            size_t ptr = ((size_t)(l & 0x3f) << 8) | msg[pos + 1];
            if (!jumped)
                *off = pos + 2;
            jumped = true;
            if (ptr >= len)
                return SCAN_EDNS;
            pos = ptr;
            continue;
        }
        if (l & 0xc0)
            return SCAN_EDNS; /* extended label types are not used in answers */
        pos++;
        if (l == 0)
            break;
        wire += (size_t)l + 1;
        if (wire > 255 || pos + l > len)
            return SCAN_EDNS;
        if (o > 0)
            out[o++] = '.';
        for (size_t i = 0; i < l; i++) {
            uint8_t c = msg[pos + i];
            if (c >= 'A' && c <= 'Z')
                c = (uint8_t)(c - 'A' + 'a');
            if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
                out[o++] = (char)c;
            } else {
                out[o++] = '\\';
                out[o++] = (char)('0' + c / 100);
                out[o++] = (char)('0' + (c / 10) % 10);
                out[o++] = (char)('0' + c % 10);
            }
        }
        pos += l;
    }
    out[o] = '\0';
    if (!jumped)
        *off = pos;
    return 0;
}

struct raw_rr {
    uint16_t type;
    bool used; /* part of the CNAME chain or kept */
    uint32_t ttl;
    size_t rdoff;
    uint16_t rdlen;
    char *owner; /* decoded, heap, freed after the parse */
};

static bool name_eq(const char *a, const char *b)
{
    return strcmp(a, b) == 0; /* both already lower-cased by read_name() */
}

/* Bytes the copied form of one record needs beyond struct scan_rr. */
static int rr_extra_size(const uint8_t *msg, size_t len, const struct raw_rr *r, size_t *need)
{
    char tmp[NAME_MAX_TEXT];
    size_t off = r->rdoff;
    switch (r->type) {
    case SCAN_TYPE_A:
        *need = 0;
        return r->rdlen == 4 ? 0 : SCAN_EDNS;
    case SCAN_TYPE_AAAA:
        *need = 0;
        return r->rdlen == 16 ? 0 : SCAN_EDNS;
    case SCAN_TYPE_TXT:
        *need = (size_t)r->rdlen + 1;
        return r->rdlen > 0 ? 0 : SCAN_EDNS;
    case SCAN_TYPE_MX:
        if (r->rdlen < 3)
            return SCAN_EDNS;
        off += 2;
        /* fall through */
    case SCAN_TYPE_PTR:
    case SCAN_TYPE_CNAME:
    case SCAN_TYPE_NS:
        if (read_name(msg, len, &off, tmp) != 0 || off > r->rdoff + r->rdlen)
            return SCAN_EDNS;
        *need = strlen(tmp) + 1;
        return 0;
    case SCAN_TYPE_SOA:
        if (read_name(msg, len, &off, tmp) != 0)
            return SCAN_EDNS;
        *need = strlen(tmp) + 1;
        if (read_name(msg, len, &off, tmp) != 0 || off + 20 != (size_t)r->rdoff + r->rdlen)
            return SCAN_EDNS;
        *need += strlen(tmp) + 1;
        return 0;
    default:
        *need = 0;
        return 0;
    }
}

static void rr_fill(const uint8_t *msg, size_t len, const struct raw_rr *r, struct scan_rr *out,
                    char **heap)
{
    size_t off = r->rdoff;
    out->type = r->type;
    out->ttl = r->ttl;
    switch (r->type) {
    case SCAN_TYPE_A:
        memcpy(out->a4, msg + off, 4);
        break;
    case SCAN_TYPE_AAAA:
        memcpy(out->a6, msg + off, 16);
        break;
    case SCAN_TYPE_TXT: {
        uint8_t *dst = (uint8_t *)*heap;
        size_t o = 0, p = off, end = off + r->rdlen, ns = 0;
        while (p < end) {
            uint8_t l = msg[p++];
            if (l > end - p)
                l = (uint8_t)(end - p); /* validated by the caller; defensive */
            memcpy(dst + o, msg + p, l);
            o += l;
            p += l;
            ns++;
        }
        dst[o] = '\0';
        out->txt = dst;
        out->txt_len = o;
        out->nstrings = ns;
        *heap += o + 1;
        break;
    }
    case SCAN_TYPE_MX:
        out->pref = rd16(msg + off);
        off += 2;
        /* fall through */
    case SCAN_TYPE_PTR:
    case SCAN_TYPE_CNAME:
    case SCAN_TYPE_NS:
        read_name(msg, len, &off, *heap);
        out->target = *heap;
        *heap += strlen(*heap) + 1;
        break;
    case SCAN_TYPE_SOA:
        read_name(msg, len, &off, *heap);
        out->soa.mname = *heap;
        *heap += strlen(*heap) + 1;
        read_name(msg, len, &off, *heap);
        out->soa.rname = *heap;
        *heap += strlen(*heap) + 1;
        out->soa.serial = rd32(msg + off);
        out->soa.refresh = rd32(msg + off + 4);
        out->soa.retry = rd32(msg + off + 8);
        out->soa.expire = rd32(msg + off + 12);
        out->soa.minimum = rd32(msg + off + 16);
        break;
    default:
        break;
    }
}

static bool txt_valid(const uint8_t *msg, const struct raw_rr *r)
{
    size_t p = r->rdoff, end = r->rdoff + r->rdlen;
    while (p < end) {
        size_t l = msg[p++];
        if (l > end - p)
            return false;
        p += l;
    }
    return true;
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

/*
 * One piece on purpose (about 150 lines): a single forward pass over untrusted
 * bytes, the parser the fuzz target drives. Header and question, rcode, the
 * answer records, the CNAME chain, the records kept; every "goto make" stops
 * there and still builds an answer with the status known so far, and one exit
 * frees what was read. Split into steps, each would hand the cursor, the raw
 * records and the status back and forth, and the one path a reviewer checks
 * against RFC 1035 would become five.
 */
int scan_answer_parse(const uint8_t *buf, size_t len, uint16_t qtype, struct scan_answer **out)
{
    struct raw_rr *rrs = NULL;
    size_t nraw = 0, keep[MAX_RRS], nkeep = 0;
    char qname[NAME_MAX_TEXT], canon[NAME_MAX_TEXT];
    enum scan_dns_status status = SCAN_DNS_BADRESP;
    size_t ncname = 0, nstray = 0;
    int rcode = -1, ret = 0, tc = 0;

    *out = NULL;
    qname[0] = canon[0] = '\0';
    if (!buf || len < 12)
        goto make;
    rcode = buf[3] & 0x0f;
    tc = (buf[2] & 0x02) != 0;
    uint16_t qd = rd16(buf + 4), an = rd16(buf + 6);
    if (qd != 1)
        goto make;
    size_t off = 12;
    if (read_name(buf, len, &off, qname) != 0 || off + 4 > len)
        goto make;
    off += 4;

    switch (rcode) {
    case 0:
        break;
    case 2:
        status = SCAN_DNS_SERVFAIL;
        goto make;
    case 3:
        status = SCAN_DNS_NXDOMAIN;
        goto make;
    case 5:
        status = SCAN_DNS_REFUSED;
        goto make;
    default:
        goto make; /* FORMERR, NOTIMP, ...: unusable */
    }

    if (an > MAX_RRS)
        goto make;
    rrs = calloc(an ? an : 1, sizeof(*rrs));
    if (!rrs) {
        ret = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < an; i++) {
        char owner[NAME_MAX_TEXT];
        if (read_name(buf, len, &off, owner) != 0 || off + 10 > len)
            goto make;
        struct raw_rr *r = &rrs[nraw];
        r->type = rd16(buf + off);
        r->ttl = rd32(buf + off + 4);
        r->rdlen = rd16(buf + off + 8);
        r->rdoff = off + 10;
        if (r->rdoff + r->rdlen > len)
            goto make;
        off = r->rdoff + r->rdlen;
        if (rd16(buf + r->rdoff - 8) != 1) { /* class IN only */
            nstray++;
            continue;
        }
        r->owner = strdup(owner);
        if (!r->owner) {
            ret = -ENOMEM;
            goto out;
        }
        nraw++;
    }

    /* Follow the CNAME chain from the question name, in any record order. */
    strcpy(canon, qname);
    for (bool moved = true; moved;) {
        moved = false;
        for (size_t i = 0; i < nraw; i++) {
            if (rrs[i].type != SCAN_TYPE_CNAME || !name_eq(rrs[i].owner, canon))
                continue;
            if (qtype == SCAN_TYPE_CNAME)
                break;
            size_t p = rrs[i].rdoff;
            char next[NAME_MAX_TEXT];
            if (read_name(buf, len, &p, next) != 0)
                goto make;
            if (++ncname > MAX_CNAMES || name_eq(next, qname) || name_eq(next, canon)) {
                status = SCAN_DNS_CNAMELOOP;
                goto make;
            }
            strcpy(canon, next);
            rrs[i].used = true;
            moved = true;
            break;
        }
    }

    for (size_t i = 0; i < nraw; i++) {
        if (rrs[i].type == qtype && name_eq(rrs[i].owner, canon)) {
            if (qtype == SCAN_TYPE_TXT && !txt_valid(buf, &rrs[i]))
                goto make;
            keep[nkeep++] = i;
            rrs[i].used = true;
        }
    }
    for (size_t i = 0; i < nraw; i++)
        if (!rrs[i].used && rrs[i].type != 46 /* RRSIG */ && rrs[i].type != 39 /* DNAME */)
            nstray++;
    status = nkeep ? SCAN_DNS_OK : SCAN_DNS_NODATA;

make:;
    size_t extra = strlen(canon) + 1;
    if (status != SCAN_DNS_OK && status != SCAN_DNS_NODATA) {
        nkeep = 0;
        extra = 0;
    }
    for (size_t k = 0; k < nkeep; k++) {
        size_t need;
        if (rr_extra_size(buf, len, &rrs[keep[k]], &need) != 0) {
            status = SCAN_DNS_BADRESP;
            nkeep = 0;
            extra = 0;
            break;
        }
        extra += need;
    }
    struct scan_answer *a = malloc(sizeof(*a) + nkeep * sizeof(struct scan_rr) + extra);
    if (!a) {
        ret = -ENOMEM;
        goto out;
    }
    memset(a, 0, sizeof(*a));
    a->status = status;
    a->qtype = qtype;
    a->rcode = rcode;
    a->ncname = (status == SCAN_DNS_OK || status == SCAN_DNS_NODATA) ? ncname : 0;
    a->nstray = (status == SCAN_DNS_OK || status == SCAN_DNS_NODATA) ? nstray : 0;
    a->tc = tc;
    a->n = nkeep;
    a->rr = (struct scan_rr *)(a + 1);
    char *heap = (char *)(a->rr + nkeep);
    if (extra) {
        strcpy(heap, canon);
        a->canon = heap;
        heap += strlen(canon) + 1;
    }
    for (size_t k = 0; k < nkeep; k++) {
        memset(&a->rr[k], 0, sizeof(a->rr[k]));
        a->rr[k].owner = a->canon;
        rr_fill(buf, len, &rrs[keep[k]], &a->rr[k], &heap);
    }
    *out = a;
out:
    for (size_t i = 0; i < nraw; i++)
        free(rrs[i].owner);
    free(rrs);
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

int scan_query_add_edns(uint8_t *msg, size_t cap, size_t *len, unsigned flags)
{
    /* OPT: root owner, type 41, class = UDP payload size, TTL = extended RCODE,
     * version 0 and flags (DO is the top bit), no options. */
    static const uint8_t opt[11] = {
        0, 0, SCAN_TYPE_OPT, SCAN_EDNS_UDP_SIZE >> 8, SCAN_EDNS_UDP_SIZE & 0xff, 0, 0, 0x80, 0,
        0, 0};

    if (!msg || !len || *len < 12 || rd16(msg + 4) != 1 || rd16(msg + 10) != 0)
        return -EINVAL;
    if (!(flags & SCAN_Q_DNSSEC))
        return 0;
    if (cap < *len + sizeof(opt))
        return -ENOSPC;
    memcpy(msg + *len, opt, sizeof(opt));
    *len += sizeof(opt);
    msg[3] |= 0x10; /* CD */
    msg[11] = 1;    /* ARCOUNT */
    return 0;
}

int scan_query_encode(const char *name, uint16_t type, uint8_t *out, size_t cap, size_t *len)
{
    uint8_t wire[255];
    size_t w = 0, lab = 0; /* lab: where the current label's length byte is */
    const char *p = name;

    if (!name || !out || !len)
        return -EINVAL;
    if (*p == '\0' || (p[0] == '.' && p[1] == '\0')) {
        wire[w++] = 0; /* the root */
        goto done;
    }
    wire[w++] = 0;
    while (*p) {
        uint8_t c;
        if (*p == '.') {
            if (wire[lab] == 0)
                return -EINVAL; /* empty label */
            p++;
            if (*p == '\0')
                break; /* one trailing dot */
            if (w >= sizeof(wire))
                return -EINVAL;
            lab = w;
            wire[w++] = 0;
            continue;
        }
        if (*p == '\\') {
            p++;
            if (p[0] >= '0' && p[0] <= '9') {
                if (!(p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9'))
                    return -EINVAL;
                int v = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
                if (v > 255)
                    return -EINVAL;
                c = (uint8_t)v;
                p += 3;
            } else if (*p) {
                c = (uint8_t)*p++;
            } else {
                return -EINVAL;
            }
        } else {
            c = (uint8_t)*p++;
        }
        if (wire[lab] == 63 || w >= sizeof(wire) - 1)
            return -EINVAL;
        wire[lab]++;
        wire[w++] = c;
    }
    if (wire[lab] == 0)
        return -EINVAL;
    if (w >= sizeof(wire))
        return -EINVAL;
    wire[w++] = 0;
done:
    if (cap < 12 + w + 4)
        return -ENOSPC;
    memset(out, 0, 12);
    out[2] = 0x01; /* RD */
    out[5] = 1;    /* QDCOUNT */
    memcpy(out + 12, wire, w);
    out[12 + w] = (uint8_t)(type >> 8);
    out[13 + w] = (uint8_t)type;
    out[14 + w] = 0;
    out[15 + w] = 1; /* class IN */
    *len = 12 + w + 4;
    return 0;
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
