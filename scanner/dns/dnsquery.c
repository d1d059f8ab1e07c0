/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The query side of DNS messages: a name in presentation form to the bytes of
 * one question (scan_query_encode()), and the EDNS0 OPT record that asks for
 * DNSSEC records (scan_query_add_edns()). The replies are decoded in dnsmsg.c;
 * neither file calls the other.
 *
 * Why our own encoder: c-ares 1.18's mangles "\DDD" escapes, and a DNSBL query
 * name must reach the wire exactly as built (dnsmsg.h, scan_query_encode()).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "scanner/dns/dnsmsg.h"
#include "scanner/dns/wire.h"

int scan_query_add_edns(uint8_t *msg, size_t cap, size_t *len, unsigned flags)
{
    /* OPT: root owner, type 41, class = UDP payload size, TTL = extended RCODE,
     * version 0 and flags (DO is the top bit), no options. */
    static const uint8_t opt[11] = {
        0, 0, SCAN_TYPE_OPT, SCAN_EDNS_UDP_SIZE >> 8, SCAN_EDNS_UDP_SIZE & 0xff, 0, 0, 0x80, 0,
        0, 0};
    struct wire w;

    if (!msg || !len)
        return -EINVAL;
    wire_init(&w, msg, *len, 4);
    uint16_t qd = wire_u16(&w);
    wire_skip(&w, 4); /* ANCOUNT, NSCOUNT */
    if (qd != 1 || wire_u16(&w) != 0 || w.err)
        return -EINVAL; /* not one question without additional records */
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
