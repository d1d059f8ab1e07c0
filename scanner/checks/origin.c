/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The origin of an IP address: the BGP origin AS, the announced prefix, its
 * country and registry, from Team Cymru's IP-to-ASN DNS service, in the
 * replay style of scanner/dns/view.h.
 *
 * Questions. Team Cymru answers "<reversed IP>.origin.asn.cymru.com" (IPv6:
 * 32 nibbles under origin6.asn.cymru.com) with TXT records
 * "ASN [ASN...] | prefix | CC | registry | allocated", one per announced prefix
 * covering the address, and "AS<n>.asn.cymru.com" with
 * "ASN | CC | registry | allocated | AS name". The check asks for the first
 * address of the target's /24 (IPv6: /48) instead of the target itself: the
 * global routing table carries no longer prefix, so every address of that
 * block has the same answer, and the run-wide cache then asks once per /24
 * (/48) and once per AS, not once per address. Asking per announced prefix
 * would save more on a large prefix, but would report the large prefix for an
 * address inside a more specific one announced by another AS, which only the
 * more specific block's own question reveals.
 *
 * Verdicts: valid (an announced prefix covers the address); none with reason
 * not-announced (no record: NXDOMAIN or NODATA); error for a DNS failure of
 * either question, or invalid-answer when no record parses or covers the
 * address. Of several covering prefixes the longest is reported (the one that
 * routes the address); of several origin ASes (MOAS) the first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/checks/checks.h"

#define FIELD_MAX 128

/* One parsed origin record. */
struct origin {
    uint32_t asn;
    uint8_t net[16];
    unsigned plen;
    char prefix[FIELD_MAX], cc[FIELD_MAX], registry[FIELD_MAX], allocated[FIELD_MAX];
};

/* The question for the block of @p ip. */
static int origin_name(const struct scan_target *ip, char *buf, size_t len)
{
    const uint8_t *a = ip->addr;
    if (ip->type == SCAN_T_IP4) {
        int n = snprintf(buf, len, "0.%u.%u.%u.origin.asn.cymru.com", a[2], a[1], a[0]);
        return n > 0 && (size_t)n < len ? 0 : -EINVAL;
    }
    /* The /48's first address: 6 bytes kept, 20 zero nibbles, then 12 nibbles. */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (len < 32 * 2 + sizeof("origin6.asn.cymru.com"))
        return -EINVAL;
    for (int i = 15; i >= 0; i--) {
        uint8_t b = i < 6 ? a[i] : 0;
        buf[o++] = hex[b & 15];
        buf[o++] = '.';
        buf[o++] = hex[b >> 4];
        buf[o++] = '.';
    }
    snprintf(buf + o, len - o, "origin6.asn.cymru.com");
    return 0;
}

/* Copy field @p s[0..n) trimmed of blanks, printable ASCII only. @return false when
 * it is too long or holds anything else. */
static bool take_field(const char *s, size_t n, char *out)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= FIELD_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

/* Split a TXT record on '|' into at most @p max trimmed fields. @return the count,
 * or -1 when a field is unusable. */
static int split(const uint8_t *txt, size_t len, char fields[][FIELD_MAX], int max)
{
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && txt[i] != '|')
            continue;
        if (n == max || !take_field((const char *)txt + start, i - start, fields[n]))
            return -1;
        n++;
        start = i + 1;
    }
    return n;
}

static bool parse_asn(const char *s, uint32_t *out)
{
    char *end = NULL;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if ((*end && *end != ' ') || v == 0 || v > 4294967295ul)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_prefix(const char *s, enum scan_target_type type, uint8_t *net, unsigned *plen)
{
    char addr[FIELD_MAX];
    const char *slash = strchr(s, '/');
    unsigned max = type == SCAN_T_IP4 ? 32 : 128;
    char *end = NULL;
    if (!slash || (size_t)(slash - s) >= sizeof(addr) || !slash[1])
        return false;
    memcpy(addr, s, (size_t)(slash - s));
    addr[slash - s] = '\0';
    unsigned long p = strtoul(slash + 1, &end, 10);
    if (*end || p > max)
        return false;
    memset(net, 0, 16);
    if (inet_pton(type == SCAN_T_IP4 ? AF_INET : AF_INET6, addr, net) != 1)
        return false;
    *plen = (unsigned)p;
    return true;
}

static bool covers(const struct origin *o, const uint8_t *addr)
{
    unsigned full = o->plen / 8, rest = o->plen % 8;
    if (memcmp(o->net, addr, full) != 0)
        return false;
    return rest == 0 || ((o->net[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* The longest covering prefix among the TXT records of @p a. @return true when found. */
static bool best_origin(const struct scan_answer *a, const struct scan_target *ip,
                        struct origin *best)
{
    bool found = false;
    for (size_t i = 0; i < a->n; i++) {
        char f[5][FIELD_MAX];
        struct origin o;
        if (a->rr[i].type != SCAN_TYPE_TXT || split(a->rr[i].txt, a->rr[i].txt_len, f, 5) != 5)
            continue;
        memset(&o, 0, sizeof(o));
        if (!parse_asn(f[0], &o.asn) || !parse_prefix(f[1], ip->type, o.net, &o.plen) ||
            !covers(&o, ip->addr))
            continue;
        snprintf(o.prefix, sizeof(o.prefix), "%s", f[1]);
        snprintf(o.cc, sizeof(o.cc), "%s", f[2]);
        snprintf(o.registry, sizeof(o.registry), "%s", f[3]);
        snprintf(o.allocated, sizeof(o.allocated), "%s", f[4]);
        if (!found || o.plen > best->plen)
            *best = o;
        found = true;
    }
    return found;
}

/* The AS name from "ASN | CC | registry | allocated | name", or NULL. */
static const char *as_name(const struct scan_answer *a, char *buf)
{
    for (size_t i = 0; a && a->status == SCAN_DNS_OK && i < a->n; i++) {
        char g[5][FIELD_MAX];
        if (a->rr[i].type == SCAN_TYPE_TXT && split(a->rr[i].txt, a->rr[i].txt_len, g, 5) == 5 &&
            g[4][0]) {
            memcpy(buf, g[4], FIELD_MAX);
            return buf;
        }
    }
    return NULL;
}

static bool failed(const struct scan_answer *a)
{
    return scan_reason_of_dns(a->status) != SCAN_R_NONE;
}

int scan_origin_check(struct scan_view *v, const struct scan_target *ip, struct scan_report **out)
{
    char qname[128], asq[32], namebuf[FIELD_MAX];
    const struct scan_answer *oa = NULL, *na = NULL;
    struct origin o;
    bool have = false;
    int ret;

    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!v || !ip || ip->type == SCAN_T_DOMAIN || origin_name(ip, qname, sizeof(qname)) != 0)
        return -EINVAL;
    ret = scan_view_get(v, qname, SCAN_TYPE_TXT, &oa);
    if (ret < 0)
        return ret;
    if (oa->status == SCAN_DNS_OK)
        have = best_origin(oa, ip, &o);
    if (have) {
        snprintf(asq, sizeof(asq), "AS%u.asn.cymru.com", o.asn);
        ret = scan_view_get(v, asq, SCAN_TYPE_TXT, &na);
        if (ret < 0)
            return ret;
    }

    struct scan_report *r = scan_report_new(ip->text, SCAN_CHECK_ORIGIN);
    if (!r)
        return -ENOMEM;
    if (failed(oa))
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(oa->status));
    else if (oa->status != SCAN_DNS_OK)
        scan_report_status(r, SCAN_ST_NONE, SCAN_R_NOT_ANNOUNCED);
    else if (!have)
        scan_report_status(r, SCAN_ST_ERROR, SCAN_R_INVALID_ANSWER);
    else if (failed(na))
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(na->status));
    else
        scan_report_status(r, SCAN_ST_VALID, SCAN_R_NONE);
    if (have)
        scan_report_int(r, "asn", o.asn);
    else
        scan_report_str(r, "asn", NULL);
    scan_report_str(r, "as_name", have ? as_name(na, namebuf) : NULL);
    scan_report_str(r, "prefix", have ? o.prefix : NULL);
    scan_report_str(r, "country", have && o.cc[0] ? o.cc : NULL);
    scan_report_str(r, "registry", have && o.registry[0] ? o.registry : NULL);
    scan_report_str(r, "allocated", have && o.allocated[0] ? o.allocated : NULL);
    if (!scan_report_result(r)) {
        scan_report_free(r);
        return -ENOMEM;
    }
    *out = r;
    return 0;
}
