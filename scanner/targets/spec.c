/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * One target spec: parsing an IP, a CIDR range or a domain name, and the
 * reserved address space a spec may touch. Pure: no I/O, no state.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/targets/target_int.h"

#define NAME_MAX_LEN 253

/* ------------------------------------------------------------------------- */
/* Reserved address space                                                     */

const struct resv scan_resv_tab[] = {
    {SCAN_T_IP4, {0}, 8, "\"this network\" address (0/8)"},
    {SCAN_T_IP4, {10}, 8, "RFC 1918 private address"},
    {SCAN_T_IP4, {100, 64}, 10, "CGNAT shared address (100.64/10)"},
    {SCAN_T_IP4, {127}, 8, "loopback address"},
    {SCAN_T_IP4, {169, 254}, 16, "link-local address"},
    {SCAN_T_IP4, {172, 16}, 12, "RFC 1918 private address"},
    {SCAN_T_IP4, {192, 168}, 16, "RFC 1918 private address"},
    {SCAN_T_IP4, {224}, 4, "multicast address"},
    {SCAN_T_IP4, {240}, 4, "reserved or broadcast address (240/4)"},
    {SCAN_T_IP6, {0}, 128, "unspecified address"},
    {SCAN_T_IP6, {[15] = 1}, 128, "loopback address"},
    {SCAN_T_IP6, {[10] = 0xff, [11] = 0xff}, 96, "IPv4-mapped address"},
    {SCAN_T_IP6, {0xfc}, 7, "unique local address"},
    {SCAN_T_IP6, {0xfe, 0x80}, 10, "link-local address"},
    {SCAN_T_IP6, {0xff}, 8, "multicast address"},
};

const size_t scan_nresv = sizeof(scan_resv_tab) / sizeof(scan_resv_tab[0]);

unsigned scan_family_bits(enum scan_target_type type)
{
    return type == SCAN_T_IP4 ? 32 : 128;
}

/* True when the first @p plen bits of @p a and @p b agree. */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned plen)
{
    unsigned whole = plen / 8, rest = plen % 8;

    if (memcmp(a, b, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return ((a[whole] ^ b[whole]) & mask) == 0;
}

/* Clear the host bits of @p a (bits wide) beyond @p plen. */
void scan_mask_host(uint8_t *a, unsigned bits, unsigned plen)
{
    for (unsigned i = 0; i < bits / 8; i++) {
        if (plen >= (i + 1) * 8)
            continue;
        if (plen <= i * 8)
            a[i] = 0;
        else
            a[i] &= (uint8_t)(0xff << (8 - (plen - i * 8)));
    }
}

/* The low 32 bits of an address: offsets inside a range (at most 2^24 wide) live there. */
uint32_t scan_tail32(enum scan_target_type type, const uint8_t *a)
{
    const uint8_t *p = type == SCAN_T_IP4 ? a : a + 12;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* How block (@p net, @p q) relates to range (@p addr, @p p): 2 = the range lies
 * inside it, 1 = it lies inside the range, 0 = disjoint. */
int scan_block_rel(const uint8_t *net, unsigned q, const uint8_t *addr, unsigned p)
{
    if (q <= p)
        return prefix_eq(addr, net, q) ? 2 : 0;
    return prefix_eq(net, addr, p) ? 1 : 0;
}

bool scan_addr_reserved(enum scan_target_type type, const uint8_t *addr)
{
    for (size_t i = 0; i < scan_nresv; i++)
        if (scan_resv_tab[i].type == type &&
            prefix_eq(addr, scan_resv_tab[i].net, scan_resv_tab[i].prefix))
            return true;
    return false;
}

uint64_t scan_spec_count(const struct scan_spec *sp)
{
    if (sp->type == SCAN_T_DOMAIN)
        return 1;
    unsigned host = scan_family_bits(sp->type) - sp->prefix;
    return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

const char *scan_spec_reserved(const struct scan_spec *sp)
{
    if (sp->type == SCAN_T_DOMAIN)
        return NULL;
    for (size_t i = 0; i < scan_nresv; i++) {
        const struct resv *b = &scan_resv_tab[i];
        if (b->type == sp->type && scan_block_rel(b->net, b->prefix, sp->addr, sp->prefix))
            return b->why;
    }
    return NULL;
}

uint64_t scan_spec_reserved_count(const struct scan_spec *sp)
{
    uint64_t n = 0;

    if (sp->type == SCAN_T_DOMAIN)
        return 0;
    /* The reserved blocks are disjoint, so their shares add up. */
    for (size_t i = 0; i < scan_nresv; i++) {
        const struct resv *b = &scan_resv_tab[i];
        if (b->type != sp->type)
            continue;
        int rel = scan_block_rel(b->net, b->prefix, sp->addr, sp->prefix);
        if (rel == 2)
            return scan_spec_count(sp);
        if (rel == 1)
            n += (uint64_t)1 << (scan_family_bits(sp->type) - b->prefix);
    }
    return n;
}

/* ------------------------------------------------------------------------- */
/* Parsing one spec                                                           */

bool scan_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Strict dotted quad: four decimal octets, no leading zeros. The shape is checked
 * before the octets, so "1234" is not blamed on its value. @return a reason or NULL. */
static const char *parse_ip4(const char *s, size_t n, uint8_t *out)
{
    size_t dots = 0, i = 0;
    bool empty = n == 0 || s[n - 1] == '.';

    for (size_t k = 0; k < n; k++) {
        if (s[k] != '.')
            continue;
        if (k == 0 || s[k - 1] == '.')
            empty = true;
        dots++;
    }
    if (dots != 3 || empty)
        return "not a valid IPv4 address (need four decimal octets)";
    for (int part = 0; part < 4; part++, i++) {
        size_t start = i;
        unsigned v = 0;
        for (; i < n && s[i] != '.'; i++)
            if (v < 1000)
                v = v * 10 + (unsigned)(s[i] - '0');
        if (i - start > 1 && s[start] == '0')
            return "leading zero in an IPv4 octet (octal or decimal?)";
        if (v > 255)
            return "IPv4 octet greater than 255";
        out[part] = (uint8_t)v;
    }
    return NULL;
}

/* "/N": 1 to 3 digits, no leading zero. @return 0 or -1. */
static int parse_prefix(const char *p, size_t n, unsigned *out)
{
    unsigned v = 0;

    if (n == 0 || n > 3 || (n > 1 && p[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return -1;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    *out = v;
    return 0;
}

/* Address part already parsed into out->addr; now the optional prefix. */
static int finish_ip(struct scan_spec *out, const char *slash, size_t pn, struct scan_diag *diag)
{
    bool v4 = out->type == SCAN_T_IP4;
    unsigned bits = scan_family_bits(out->type), min = v4 ? 8 : 112, plen = bits;

    if (slash) {
        if (pn == 0)
            return scan_diag_fail(diag, SCAN_EPARSE, "missing prefix length after '/'");
        if (parse_prefix(slash + 1, pn, &plen))
            return scan_diag_fail(diag, SCAN_EPARSE, "bad prefix length");
        if (plen > bits)
            return scan_diag_fail(diag, SCAN_EPARSE, "%s prefix longer than /%u",
                                  v4 ? "IPv4" : "IPv6", bits);
        if (plen < min)
            return scan_diag_fail(diag, SCAN_EPARSE, "%s prefix shorter than /%u",
                                  v4 ? "IPv4" : "IPv6", min);
    }
    uint8_t net[16] = {0};
    memcpy(net, out->addr, bits / 8);
    scan_mask_host(net, bits, plen);
    if (memcmp(net, out->addr, bits / 8) != 0) {
        char txt[INET6_ADDRSTRLEN];
        inet_ntop(v4 ? AF_INET : AF_INET6, net, txt, sizeof(txt));
        return scan_diag_fail(diag, SCAN_EPARSE, "host bits set, did you mean %s/%u", txt, plen);
    }
    out->prefix = plen;
    return 0;
}

/* Domain rules: A-labels only, LDH plus '_', 63/253, two labels, no numeric TLD. */
static int parse_domain(const char *s, size_t n, struct scan_spec *out, struct scan_diag *diag)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return scan_diag_fail(diag, SCAN_EPARSE, "IDN must be in A-label (xn--) form");
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n > NAME_MAX_LEN)
        return scan_diag_fail(diag, SCAN_EPARSE, "name longer than %d characters", NAME_MAX_LEN);

    size_t labels = 0, start = 0;
    bool numeric = true;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            char c = s[i];
            bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!alpha && !is_digit(c) && c != '-' && c != '_') {
                if (c > 0x20 && c < 0x7f)
                    return scan_diag_fail(diag, SCAN_EPARSE,
                                          "invalid character '%c' in a domain name", c);
                return scan_diag_fail(diag, SCAN_EPARSE,
                                      "invalid character 0x%02x in a domain name",
                                      (unsigned)(unsigned char)c);
            }
            out->domain[i] = alpha && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
            continue;
        }
        size_t len = i - start;
        if (len == 0)
            return scan_diag_fail(diag, SCAN_EPARSE, "empty label");
        if (len > 63)
            return scan_diag_fail(diag, SCAN_EPARSE, "label longer than 63 characters");
        if (s[start] == '-' || s[i - 1] == '-')
            return scan_diag_fail(diag, SCAN_EPARSE, "label starts or ends with a hyphen");
        numeric = true;
        for (size_t j = start; j < i; j++)
            if (!is_digit(s[j]))
                numeric = false;
        labels++;
        if (i < n)
            out->domain[i] = '.';
        start = i + 1;
    }
    if (labels < 2)
        return scan_diag_fail(diag, SCAN_EPARSE, "single-label name (need at least two labels)");
    if (numeric)
        return scan_diag_fail(diag, SCAN_EPARSE, "all-numeric top-level label");
    out->domain[n] = '\0';
    out->type = SCAN_T_DOMAIN;
    out->prefix = 0;
    return 0;
}

int scan_spec_parse(const char *s, struct scan_spec *out, struct scan_diag *diag)
{
    size_t n = strlen(s), an;
    const char *slash;
    bool colon = false, v4chars = true, digit = false;
    int ret;

    memset(out, 0, sizeof(*out));
    if (n == 0) {
        ret = scan_diag_fail(diag, SCAN_EPARSE, "empty target");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (scan_is_blank(s[i])) {
            ret = scan_diag_fail(diag, SCAN_EPARSE, "blank inside a target (one target per line)");
            goto out;
        }
    }
    if (strstr(s, "://")) {
        ret = scan_diag_fail(diag, SCAN_EPARSE, "a URL, not a host name");
        goto out;
    }
    slash = memchr(s, '/', n);
    an = slash ? (size_t)(slash - s) : n;
    for (size_t i = 0; i < an; i++) {
        if (s[i] == ':')
            colon = true;
        if (is_digit(s[i]))
            digit = true;
        else if (s[i] != '.')
            v4chars = false;
    }
    size_t pn = slash ? n - an - 1 : 0;

    if (an == 0) {
        ret = scan_diag_fail(diag, SCAN_EPARSE, "missing address before '/'");
    } else if (colon) {
        char buf[INET6_ADDRSTRLEN + 1];
        out->type = SCAN_T_IP6;
        if (memchr(s, '%', an))
            ret = scan_diag_fail(diag, SCAN_EPARSE, "IPv6 zone index (%%...) not allowed");
        else if (an >= sizeof(buf))
            ret = scan_diag_fail(diag, SCAN_EPARSE, "not a valid IPv6 address");
        else {
            memcpy(buf, s, an);
            buf[an] = '\0';
            if (inet_pton(AF_INET6, buf, out->addr) != 1)
                ret = scan_diag_fail(diag, SCAN_EPARSE, "not a valid IPv6 address");
            else
                ret = finish_ip(out, slash, pn, diag);
        }
    } else if (v4chars && digit) {
        const char *bad = parse_ip4(s, an, out->addr);
        out->type = SCAN_T_IP4;
        ret = bad ? scan_diag_fail(diag, SCAN_EPARSE, "%s", bad) : finish_ip(out, slash, pn, diag);
    } else if (slash) {
        ret = scan_diag_fail(diag, SCAN_EPARSE, "a prefix length needs an IP address");
    } else {
        ret = parse_domain(s, n, out, diag);
    }
out:
    if (ret)
        memset(out, 0, sizeof(*out));
    return ret;
}
