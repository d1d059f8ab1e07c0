/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scanner's escaping rule for the untrusted bytes it quotes (text.h).
 */
#include "scanner/core/text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The escape for the unit at s[0..n), n > 0, in @p rep (5 bytes). @p used
 * gets the input bytes it covers. @return the escape's length, or 0 to copy
 * the byte as it is. */
static size_t escape_unit(const unsigned char *s, size_t n, unsigned flags, char *rep, size_t *used)
{
    unsigned char c = s[0];

    *used = 1;
    if (flags & SCAN_TEXT_HEX) {
        if (c == '\\') {
            memcpy(rep, "\\\\", 2);
            return 2;
        }
        if (c < 0x20 || c > 0x7e) {
            snprintf(rep, 5, "\\x%02x", c);
            return 4;
        }
        return 0;
    }
    if (c < 0x20 || c == 0x7f) {
        rep[0] = '?';
        return 1;
    }
    if ((flags & SCAN_TEXT_C1) && c == 0xc2 && n > 1 && s[1] >= 0x80 && s[1] <= 0x9f) {
        rep[0] = '?';
        *used = 2;
        return 1;
    }
    return 0;
}

/* The length of out[0..o) without a UTF-8 sequence its end leaves incomplete. */
static size_t whole_chars(const char *out, size_t o)
{
    size_t k = 0;

    while (k < o && ((unsigned char)out[o - 1 - k] & 0xc0) == 0x80)
        k++;
    if (k < o) {
        unsigned char lead = (unsigned char)out[o - 1 - k];
        size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;

        if (k + 1 < want)
            return o - (k + 1);
    }
    return o;
}

size_t scan_text_escape(char *out, size_t max, const char *s, size_t n, unsigned flags)
{
    const unsigned char *b = (const unsigned char *)s;
    size_t i = 0;
    size_t o = 0;

    while (i < n && o < max) {
        char rep[5];
        size_t used;
        size_t k = escape_unit(b + i, n - i, flags, rep, &used);

        if (k == 0) {
            out[o++] = s[i];
        } else {
            if (k > max - o)
                break;
            memcpy(out + o, rep, k);
            o += k;
        }
        i += used;
    }
    if (i < n) {
        if (flags & SCAN_TEXT_WHOLE_CHARS)
            o = whole_chars(out, o);
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return o;
}

char *scan_text_escape_dup(const char *s, size_t n, unsigned flags)
{
    /* Four output bytes per input byte at most (\xNN), so nothing is cut. */
    size_t max = n * 4;
    char *out = malloc(SCAN_TEXT_ROOM(max));

    if (out)
        scan_text_escape(out, max, s, n, flags);
    return out;
}
