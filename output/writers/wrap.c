/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Word wrapping for the formats a person reads (the text format and the
 * summary's findings): out_wrap() fits sanitized UTF-8 to OUT_TEXT_WIDTH columns,
 * one column per code point, OUT_NBSP written as a space that never breaks.
 */
#include "output/writers/fmt.h"

#include <string.h>

/** Column of continuation lines for a word too long for the facts column. */
#define WRAP_DEEP 4

/* Terminal columns of @p n bytes of sanitized UTF-8 (one per code point). */
static size_t width_of(const char *p, size_t n)
{
    size_t w = 0;

    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)p[i] & 0xc0) != 0x80;
    return w;
}

/* Bytes of the first @p cols code points of @p p (n bytes). */
static size_t bytes_of_cols(const char *p, size_t n, size_t cols)
{
    size_t i = 0;

    for (size_t c = 0; i < n; c++) {
        if (c == cols)
            break;
        i++;
        while (i < n && ((unsigned char)p[i] & 0xc0) == 0x80)
            i++;
    }
    return i;
}

/* Write @p n bytes of a word, OUT_NBSP as a space. */
static void put_word(struct out_sink *s, const char *p, size_t n)
{
    while (n > 0) {
        const char *nb = memchr(p, OUT_NBSP, n);
        size_t k = nb ? (size_t)(nb - p) : n;

        out_sink_write(s, p, k);
        if (!nb)
            break;
        out_sink_puts(s, " ");
        p += k + 1;
        n -= k + 1;
    }
}

static void new_line(struct out_sink *s, size_t indent, size_t *col)
{
    out_sink_puts(s, "\n");
    out_sink_pad(s, indent);
    *col = indent;
}

/* A word wider than the room at the indent (a long URL) gets a line of its own
 * from column WRAP_DEEP, and only a word wider than that line is cut. */
void out_wrap(struct out_sink *s, const char *text, size_t col, size_t indent)
{
    const char *p = text;
    bool fresh = false; /* nothing written on this line after its indent */
    bool deep = false;  /* the line holds a word at WRAP_DEEP: nothing may follow it */

    while (*p) {
        size_t gap = 0;
        while (*p == ' ') {
            gap++;
            p++;
        }
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - word), ww = width_of(word, len);
        if (len == 0)
            break;
        if (fresh)
            gap = 0;
        if (deep || col + gap + ww > OUT_TEXT_WIDTH) {
            size_t start = ww <= OUT_TEXT_WIDTH - indent ? indent : WRAP_DEEP;
            if (!fresh || col != start)
                new_line(s, start, &col);
            deep = start != indent;
            gap = 0;
        }
        out_sink_pad(s, gap);
        col += gap;
        while (col + width_of(word, len) > OUT_TEXT_WIDTH && col < OUT_TEXT_WIDTH) {
            size_t cut = bytes_of_cols(word, len, OUT_TEXT_WIDTH - col);
            put_word(s, word, cut);
            word += cut;
            len -= cut;
            new_line(s, WRAP_DEEP, &col);
        }
        put_word(s, word, len);
        col += width_of(word, len);
        fresh = false;
    }
    out_sink_puts(s, "\n");
}
