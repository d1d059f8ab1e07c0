/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the scanner's escaping rule (scanner/core/text.h): the '?' form
 * of messages with and without C1 controls, the cut and its "...", a cut that
 * would split a UTF-8 character, and the \xNN form of record fields.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/text.h"

/* A literal and its length without the NUL. */
#define S(lit) lit, sizeof(lit) - 1

static const char *esc(const char *s, size_t n, size_t max, unsigned flags)
{
    static char out[SCAN_TEXT_ROOM(256)];

    cr_assert(max <= 256);
    cr_assert_eq(scan_text_escape(out, max, s, n, flags), strlen(out));
    return out;
}

Test(text, controls_as_question_marks)
{
    cr_expect_str_eq(esc(S("a\x1b[31mb\x7f"), 80, 0), "a?[31mb?");
    cr_expect_str_eq(esc(S("a\0b"), 80, 0), "a?b", "a NUL inside the length is a control");
    cr_expect_str_eq(esc(S("\xc3\xa9t\xc3\xa9"), 80, 0), "\xc3\xa9t\xc3\xa9", "UTF-8 is kept");
}

Test(text, c1_controls_only_when_asked)
{
    /* Octal escapes: a hex one would swallow the digits after it. */
    cr_expect_str_eq(esc(S("a\302\23331m"), 80, 0), "a\302\23331m");
    cr_expect_str_eq(esc(S("a\302\23331m"), 80, SCAN_TEXT_C1), "a?31m");
    cr_expect_str_eq(esc(S("\xc2\xa0"), 80, SCAN_TEXT_C1), "\xc2\xa0", "U+00A0 is no control");
}

Test(text, cut_with_dots)
{
    cr_expect_str_eq(esc(S("abcdef"), 6, 0), "abcdef", "exactly max: no dots");
    cr_expect_str_eq(esc(S("abcdefg"), 6, 0), "abcdef...");
    cr_expect_str_eq(esc(S("abc"), 0, 0), "...");
}

Test(text, cut_between_whole_characters)
{
    /* "ab" then U+20AC (3 bytes): a cut after 3 bytes splits it. */
    cr_expect_str_eq(esc(S("ab\xe2\x82\xac"), 3, 0), "ab\xe2...");
    cr_expect_str_eq(esc(S("ab\xe2\x82\xac"), 3, SCAN_TEXT_WHOLE_CHARS), "ab...");
    cr_expect_str_eq(esc(S("ab\342\202\254c"), 5, SCAN_TEXT_WHOLE_CHARS), "ab\342\202\254...");
}

Test(text, hex_form)
{
    cr_expect_str_eq(esc(S("v=spf1 \\ a\x1b\xc3\xa9~"), 80, SCAN_TEXT_HEX),
                     "v=spf1 \\\\ a\\x1b\\xc3\\xa9~");
    cr_expect_str_eq(esc(S("a\001b"), 4, SCAN_TEXT_HEX), "a...",
                     "an escape is never split by the cut");
    cr_expect_str_eq(esc(S("a\001b"), 5, SCAN_TEXT_HEX), "a\\x01...");
}

Test(text, dup_is_never_cut)
{
    char in[100];

    memset(in, 0xff, sizeof(in));
    char *s = scan_text_escape_dup(in, sizeof(in), SCAN_TEXT_HEX);
    cr_assert_not_null(s);
    cr_expect_eq(strlen(s), 400);
    cr_expect_eq(strncmp(s, "\\xff\\xff", 8), 0);
    free(s);
    s = scan_text_escape_dup("", 0, SCAN_TEXT_HEX);
    cr_assert_not_null(s);
    cr_expect_str_eq(s, "");
    free(s);
}
