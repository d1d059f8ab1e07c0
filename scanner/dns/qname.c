/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * DNSBL query names (RFC 5782 section 2.1 for IPv4, 2.4 for IPv6, 2.3 for
 * domains). These run once per target and list, so 100k+ times a second: the
 * names are written byte by byte instead of through snprintf().
 */
#include "scanner/dns/qname.h"

#include <errno.h>
#include <string.h>

#include "scanner/core/err.h"

/** The longest name a query may carry (RFC 1035 255 octets on the wire, less
 *  the length bytes and the root). */
#define QNAME_MAX 253

/* Decimal octet without leading zeros. */
static char *put_octet(char *p, unsigned v)
{
    if (v >= 100) {
        *p++ = (char)('0' + v / 100);
        v %= 100;
        *p++ = (char)('0' + v / 10);
    } else if (v >= 10) {
        *p++ = (char)('0' + v / 10);
    }
    *p++ = (char)('0' + v % 10);
    return p;
}

/*
 * The reversed part into @p tmp (at least 64 bytes), no NUL.
 * IPv4 needs at most 15 bytes and IPv6 exactly 63, so the caller's size checks
 * happen once, on the finished length.
 */
static int reverse_part(const struct scan_target *t, char *tmp, size_t *n)
{
    static const char hex[] = "0123456789abcdef";
    char *p = tmp;

    switch (t->type) {
    case SCAN_T_IP4:
        for (int i = 3; i >= 0; i--) {
            p = put_octet(p, t->addr[i]);
            *p++ = '.';
        }
        break;
    case SCAN_T_IP6:
        for (int i = 15; i >= 0; i--) {
            *p++ = hex[t->addr[i] & 0x0f];
            *p++ = '.';
            *p++ = hex[t->addr[i] >> 4];
            *p++ = '.';
        }
        break;
    default:
        return -EINVAL;
    }
    *n = (size_t)(p - tmp) - 1; /* drop the last dot */
    return 0;
}

int scan_reverse_name(const struct scan_target *t, char *buf, size_t len)
{
    char tmp[64];
    size_t n = 0;
    int ret;

    if (len > 0)
        buf[0] = '\0';
    ret = reverse_part(t, tmp, &n);
    if (ret)
        return ret;
    if (n + 1 > len)
        return -ENAMETOOLONG;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return 0;
}

/*
 * @p head "." @p zone, or -ENAMETOOLONG. One length check covers both the
 * 253-character DNS limit and the caller's buffer.
 */
static int join(char *buf, size_t len, const char *head, size_t hn, const char *zone, size_t zn)
{
    size_t total = hn + 1 + zn;

    if (total > QNAME_MAX || total + 1 > len)
        return -ENAMETOOLONG;
    memmove(buf, head, hn);
    buf[hn] = '.';
    memcpy(buf + hn + 1, zone, zn);
    buf[total] = '\0';
    return 0;
}

int scan_qname(const struct scan_target *t, const char *zone, int registrable, char *buf,
               size_t len)
{
    char tmp[QNAME_MAX + 1];
    const char *head = tmp;
    size_t hn = 0, zn;
    int ret;

    if (len > 0)
        buf[0] = '\0';
    if (!zone)
        return -EINVAL;
    zn = strlen(zone);
    if (zn > 0 && zone[zn - 1] == '.')
        zn--;
    if (zn == 0)
        return -EINVAL;

    switch (t->type) {
    case SCAN_T_IP4:
    case SCAN_T_IP6:
        ret = reverse_part(t, tmp, &hn);
        if (ret)
            return ret;
        break;
    case SCAN_T_DOMAIN:
        head = t->text;
        if (registrable) {
            ret = scan_registrable_domain(t->text, tmp, sizeof(tmp));
            if (ret == 0)
                head = tmp;
            else if (ret != SCAN_ENOTFOUND)
                return ret;
            /* SCAN_ENOTFOUND: the name is a public suffix itself; list it as it is. */
        }
        hn = strnlen(head, sizeof(t->text));
        break;
    default:
        return -EINVAL;
    }
    ret = join(buf, len, head, hn, zone, zn);
    if (ret && len > 0)
        buf[0] = '\0';
    return ret;
}
