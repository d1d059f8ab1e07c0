/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The read cursor over DNS messages (scanner/dns/wire.h): numbers, truncation at
 * each width, the sticky error, and names: compression pointers backward and
 * forward, loops and the jump limit, label types, the 255-octet limit.
 * Messages are annotated byte arrays (STYLE rule 13).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/dns/wire.h"

/* Decode the name at @p off of @p msg; @return wire_name()'s code, the cursor in *w. */
static int name_at(struct wire *w, const uint8_t *msg, size_t len, size_t off, char *out)
{
    wire_init(w, msg, len, off);
    return wire_name(w, out);
}

Test(wire, numbers_are_network_order)
{
    const uint8_t m[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xff};
    struct wire w;
    wire_init(&w, m, sizeof(m), 0);
    cr_assert_eq(wire_u8(&w), 0x01);
    cr_assert_eq(wire_u16(&w), 0x0203);
    cr_assert_eq(wire_u32(&w), 0x04050607);
    cr_assert_eq(wire_left(&w), 1);
    cr_assert_eq(wire_u8(&w), 0xff);
    cr_assert_eq(wire_left(&w), 0);
    cr_assert_eq(w.off, sizeof(m));
    cr_assert_eq(w.err, 0);
}

Test(wire, truncation_at_each_width)
{
    const uint8_t m[] = {0xaa, 0xbb, 0xcc, 0xdd};
    for (size_t width = 1; width <= 4; width *= 2) {
        /* One byte short of the number, at the start and after a read. */
        for (size_t start = 0; start < 2; start++) {
            struct wire w;
            wire_init(&w, m, start + width - 1, start);
            uint32_t v = width == 1 ? wire_u8(&w) : width == 2 ? wire_u16(&w) : wire_u32(&w);
            cr_expect_eq(v, 0, "width %zu", width);
            cr_expect_eq(w.err, SCAN_EDNS, "width %zu", width);
            cr_expect_eq(w.off, start, "width %zu: the offset stays", width);
        }
    }
}

Test(wire, sticky_error)
{
    const uint8_t m[] = {0x00, 0x01, 0x02};
    struct wire w;
    char name[WIRE_NAME_TEXT];
    wire_init(&w, m, sizeof(m), 0);
    cr_assert_eq(wire_u32(&w), 0);
    cr_assert_eq(w.err, SCAN_EDNS);
    /* Each of these would fit a fresh cursor; after the failure every read fails. */
    cr_expect_eq(wire_u8(&w), 0);
    cr_expect_eq(wire_u16(&w), 0);
    cr_expect_null(wire_bytes(&w, 1));
    cr_expect_null(wire_bytes(&w, 0));
    cr_expect_eq(wire_left(&w), 0);
    cr_expect_eq(wire_name(&w, name), SCAN_EDNS); /* m[0] is the root name */
    cr_expect_str_eq(name, "");
    wire_skip(&w, 0);
    cr_expect_eq(w.off, 0);
    cr_expect_eq(w.err, SCAN_EDNS);
}

Test(wire, bytes_and_skip)
{
    const uint8_t m[] = {1, 2, 3, 4, 5};
    struct wire w;
    wire_init(&w, m, sizeof(m), 1);
    const uint8_t *b = wire_bytes(&w, 3);
    cr_assert_eq(b, m + 1);
    cr_assert_eq(w.off, 4);
    cr_assert_null(wire_bytes(&w, 2)); /* one byte left */
    cr_assert_eq(w.off, 4);

    wire_init(&w, m, sizeof(m), 0);
    wire_skip(&w, 5);
    cr_assert_eq(w.err, 0);
    cr_assert_not_null(wire_bytes(&w, 0)); /* nothing, at the end: fits */
    wire_skip(&w, 1);
    cr_assert_eq(w.err, SCAN_EDNS);
}

Test(wire, init_null_and_offset_past_the_end)
{
    const uint8_t m[] = {1, 2};
    struct wire w;
    wire_init(&w, NULL, 5, 0); /* NULL is an empty message whatever the length */
    cr_assert_eq(wire_left(&w), 0);
    cr_assert_eq(w.err, 0);
    cr_assert_eq(wire_u8(&w), 0);
    cr_assert_eq(w.err, SCAN_EDNS);

    wire_init(&w, m, sizeof(m), 2);
    cr_assert_eq(w.err, 0); /* at the end is a place to be */
    wire_init(&w, m, sizeof(m), 3);
    cr_assert_eq(w.err, SCAN_EDNS);
}

Test(wire, plain_names_lower_case_and_root)
{
    const uint8_t m[] = {3,   'W', 'w', 'W', 7,   'E', 'x', 'a', 'm', 'p',
                         'l', 'e', 4,   'T', 'E', 'S', 'T', 0,   0 /* the root at 18 */};
    struct wire w;
    char name[WIRE_NAME_TEXT];
    cr_assert_eq(name_at(&w, m, sizeof(m), 0, name), 0);
    cr_assert_str_eq(name, "www.example.test");
    cr_assert_eq(w.off, 18);
    cr_assert_eq(name_at(&w, m, sizeof(m), 18, name), 0);
    cr_assert_str_eq(name, "");
    cr_assert_eq(w.off, 19);
}

Test(wire, ambiguous_bytes_are_escaped)
{
    const uint8_t m[] = {7, '.', '\\', ' ', 0, 0x7f, 'A', '~', 0};
    struct wire w;
    char name[WIRE_NAME_TEXT];
    cr_assert_eq(name_at(&w, m, sizeof(m), 0, name), 0);
    cr_assert_str_eq(name, "\\046\\092\\032\\000\\127a~");
}

Test(wire, pointer_backward)
{
    /* 0: "test"; 6: "www" + pointer to 0, then bytes the name does not own. */
    const uint8_t m[] = {4, 't', 'e', 's', 't', 0, 3, 'w', 'w', 'w', 0xc0, 0x00, 0xee};
    struct wire w;
    char name[WIRE_NAME_TEXT];
    cr_assert_eq(name_at(&w, m, sizeof(m), 6, name), 0);
    cr_assert_str_eq(name, "www.test");
    cr_assert_eq(w.off, 12, "the cursor moves past the pointer, not past the name it reaches");
    /* A name that is only a pointer takes two bytes. */
    const uint8_t p[] = {4, 't', 'e', 's', 't', 0, 0xc0, 0x00};
    cr_assert_eq(name_at(&w, p, sizeof(p), 6, name), 0);
    cr_assert_str_eq(name, "test");
    cr_assert_eq(w.off, 8);
}

Test(wire, pointer_forward_and_chained)
{
    /* 0: "www" + pointer to 8; 6: two other bytes; 8: "a" + pointer to 12; 12: "test". */
    const uint8_t m[] = {3,   'w',  'w', 'w', 0xc0, 8,   0x55, 0x55, 1,
                         'a', 0xc0, 12,  4,   't',  'e', 's',  't',  0};
    struct wire w;
    char name[WIRE_NAME_TEXT];
    cr_assert_eq(name_at(&w, m, sizeof(m), 0, name), 0);
    cr_assert_str_eq(name, "www.a.test");
    cr_assert_eq(w.off, 6, "past the first pointer only");
}

Test(wire, pointer_loops_are_refused)
{
    const uint8_t self[] = {0xc0, 0x00};
    const uint8_t two[] = {1, 'a', 0xc0, 0x04, 1, 'b', 0xc0, 0x00};
    struct wire w;
    char name[WIRE_NAME_TEXT];
    cr_assert_eq(name_at(&w, self, sizeof(self), 0, name), SCAN_EDNS);
    cr_assert_eq(w.err, SCAN_EDNS);
    cr_assert_eq(w.off, 0);
    cr_assert_str_eq(name, "");
    cr_assert_eq(name_at(&w, two, sizeof(two), 0, name), SCAN_EDNS);
}

Test(wire, jump_limit)
{
    /* k pointers, each to the next pair, then the name "a" at 2k. */
    for (int k = WIRE_MAX_JUMPS; k <= WIRE_MAX_JUMPS + 1; k++) {
        uint8_t m[2 * (WIRE_MAX_JUMPS + 1) + 3];
        size_t n = 0;
        for (int i = 0; i < k; i++) {
            m[n++] = 0xc0;
            m[n++] = (uint8_t)(2 * (i + 1));
        }
        m[n++] = 1;
        m[n++] = 'a';
        m[n++] = 0;
        struct wire w;
        char name[WIRE_NAME_TEXT];
        int ret = name_at(&w, m, n, 0, name);
        if (k <= WIRE_MAX_JUMPS) {
            cr_expect_eq(ret, 0, "%d pointers", k);
            cr_expect_str_eq(name, "a");
            cr_expect_eq(w.off, 2);
        } else {
            cr_expect_eq(ret, SCAN_EDNS, "%d pointers", k);
        }
    }
}

Test(wire, bad_pointers_and_labels)
{
    static const struct {
        const char *what;
        uint8_t m[8];
        size_t len;
    } t[] = {
        {"pointer past the end", {0xc0, 0x05}, 2},
        {"pointer to the end", {0xc0, 0x02}, 2},
        {"pointer cut after its first byte", {1, 'a', 0xc0}, 3},
        {"label type 01", {0x41, 'a'}, 2},
        {"label type 10", {0x81, 'a'}, 2},
        {"label past the end", {5, 'a', 'b'}, 3},
        {"no final zero", {2, 'a', 'b'}, 3},
        {"empty message", {0}, 0},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct wire w;
        char name[WIRE_NAME_TEXT];
        cr_expect_eq(name_at(&w, t[i].m, t[i].len, 0, name), SCAN_EDNS, "%s", t[i].what);
        cr_expect_eq(w.err, SCAN_EDNS, "%s", t[i].what);
        cr_expect_eq(w.off, 0, "%s", t[i].what);
    }
    /* A pointer to the last byte, a zero: the root. */
    const uint8_t last[] = {0xc0, 0x02, 0};
    struct wire w;
    char name[WIRE_NAME_TEXT];
    cr_expect_eq(name_at(&w, last, sizeof(last), 0, name), 0);
    cr_expect_str_eq(name, "");
}

/* Labels of the given lengths (filled with @p c), then a zero; @return the bytes written. */
static size_t labels(uint8_t *m, const size_t *len, size_t n, uint8_t c)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        m[o++] = (uint8_t)len[i];
        memset(m + o, c, len[i]);
        o += len[i];
    }
    m[o++] = 0;
    return o;
}

Test(wire, the_255_octet_limit)
{
    /* On the wire, the final zero counted (RFC 1035 section 3.1): 3 x 64 + 62 + 1 = 255
     * fits, 3 x 64 + 63 + 1 = 256 does not. */
    static const size_t fits[] = {63, 63, 63, 61}, over[] = {63, 63, 63, 62};
    uint8_t m[300];
    struct wire w;
    char name[WIRE_NAME_TEXT];

    size_t n = labels(m, fits, 4, 'a');
    cr_assert_eq(name_at(&w, m, n, 0, name), 0);
    cr_assert_eq(strlen(name), 63 * 3 + 61 + 3);
    cr_assert_eq(w.off, n);
    n = labels(m, over, 4, 'a');
    cr_assert_eq(name_at(&w, m, n, 0, name), SCAN_EDNS);

    /* Counted across a pointer: 61 + 1 octets here, 192 + 1 there (255); one more
     * octet here is 256. */
    static const size_t tail[] = {63, 63, 63};
    n = labels(m, tail, 3, 'b');
    size_t at = n;
    m[n++] = 61;
    memset(m + n, 'c', 61);
    n += 61;
    m[n++] = 0xc0;
    m[n++] = 0;
    cr_assert_eq(name_at(&w, m, n, at, name), 0);
    cr_assert_eq(w.off, n);
    m[at] = 62;
    memmove(m + at + 63, m + at + 62, 2);
    m[at + 62] = 'c';
    cr_assert_eq(name_at(&w, m, n + 1, at, name), SCAN_EDNS);

    /* The longest text: every byte escaped as \DDD still fits WIRE_NAME_TEXT. */
    n = labels(m, fits, 4, 0);
    cr_assert_eq(name_at(&w, m, n, 0, name), 0);
    cr_assert_eq(strlen(name), (63 * 3 + 61) * 4 + 3);
    cr_assert_lt(strlen(name), WIRE_NAME_TEXT);
}
