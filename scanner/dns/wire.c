/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The read cursor over DNS messages (wire.h): every bounds test of the decoder.
 */
#include "scanner/dns/wire.h"

#include <stdbool.h>

#include "scanner/core/err.h"

void wire_init(struct wire *w, const uint8_t *p, size_t len, size_t off)
{
    static const uint8_t none[1];
    w->p = p ? p : none;
    w->len = p ? len : 0;
    w->off = off;
    w->err = off > w->len ? SCAN_EDNS : 0;
}

size_t wire_left(const struct wire *w)
{
    return w->err ? 0 : w->len - w->off;
}

const uint8_t *wire_bytes(struct wire *w, size_t n)
{
    if (n > wire_left(w)) {
        w->err = SCAN_EDNS;
        return NULL;
    }
    if (w->err)
        return NULL; /* n == 0 after an error */
    const uint8_t *at = w->p + w->off;
    w->off += n;
    return at;
}

void wire_skip(struct wire *w, size_t n)
{
    (void)wire_bytes(w, n);
}

uint8_t wire_u8(struct wire *w)
{
    const uint8_t *b = wire_bytes(w, 1);
    return b ? b[0] : 0;
}

uint16_t wire_u16(struct wire *w)
{
    const uint8_t *b = wire_bytes(w, 2);
    return b ? (uint16_t)((b[0] << 8) | b[1]) : 0;
}

uint32_t wire_u32(struct wire *w)
{
    const uint8_t *b = wire_bytes(w, 4);
    return b ? ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3] : 0;
}

/* Append one label's text at out[*o]: lower-case, ambiguous bytes as \DDD. */
static void put_label(char *out, size_t *o, const uint8_t *label, size_t l)
{
    if (*o > 0)
        out[(*o)++] = '.';
    for (size_t i = 0; i < l; i++) {
        uint8_t c = label[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c - 'A' + 'a');
        if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
            out[(*o)++] = (char)c;
        } else {
            out[(*o)++] = '\\';
            out[(*o)++] = (char)('0' + c / 100);
            out[(*o)++] = (char)('0' + (c / 10) % 10);
            out[(*o)++] = (char)('0' + c % 10);
        }
    }
}

/*
 * Why the walk keeps its own position: after a compression pointer the name
 * continues elsewhere in the message, while the cursor moves on only past the
 * name's bytes at the offset (up to and including the first pointer).
 */
int wire_name(struct wire *w, char *out)
{
    size_t pos = w->off, next = 0, o = 0, octets = 0;
    bool jumped = false;
    int jumps = 0;

    out[0] = '\0';
    for (;;) {
        if (w->err || pos >= w->len)
            goto fail;
        uint8_t l = w->p[pos];
        if ((l & 0xc0) == 0xc0) {
            if (pos + 1 >= w->len || ++jumps > WIRE_MAX_JUMPS)
                goto fail;
            size_t ptr = ((size_t)(l & 0x3f) << 8) | w->p[pos + 1];
            if (!jumped)
                next = pos + 2;
            jumped = true;
            pos = ptr; /* tested against the end at the top of the loop */
            continue;
        }
        if (l & 0xc0)
            goto fail; /* extended label types are not used in answers */
        pos++;
        if (l == 0)
            break;
        octets += (size_t)l + 1;
        if (octets + 1 > 255 || l > w->len - pos) /* + 1: the final zero octet */
            goto fail;
        put_label(out, &o, w->p + pos, l);
        pos += l;
    }
    out[o] = '\0';
    w->off = jumped ? next : pos;
    return 0;
fail:
    out[0] = '\0';
    w->err = SCAN_EDNS;
    return SCAN_EDNS;
}
