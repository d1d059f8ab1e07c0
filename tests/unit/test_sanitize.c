/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the sanitizers (output/writers/sanitize.c) with hostile input: escape
 * sequences, control bytes, NUL, invalid UTF-8, quotes, separators,
 * spreadsheet formulas, HTML markup, the Nagios line's '|' and Prometheus labels.
 */
#include <errno.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/writers/writer.h"
#include "scanner/core/err.h"

/* Sanitize @p n bytes of @p s for a terminal into a static buffer. */
static const char *text(const char *s, size_t n)
{
    static char buf[256];

    out_sanitize_text(s, n, buf, sizeof(buf));
    return buf;
}
#define TEXT(lit) text(lit, sizeof(lit) - 1)

typedef int encoder(FILE *f, const char *s, size_t len);

/* Run an encoder into memory; @return its output, in a static buffer. */
static const char *encode(encoder *enc, const char *s, size_t n)
{
    static char out[256];
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cr_assert_not_null(f);
    cr_assert_eq(enc(f, s, n), 0);
    cr_assert_eq(fclose(f), 0);
    cr_assert_lt(len, sizeof(out));
    memcpy(out, buf, len + 1);
    free(buf);
    return out;
}
#define JSON(lit)   encode(out_json_string, lit, sizeof(lit) - 1)
#define CSV(lit)    encode(out_csv_field, lit, sizeof(lit) - 1)
#define HTML(lit)   encode(out_html_text, lit, sizeof(lit) - 1)
#define NAGIOS(lit) encode(out_nagios_text, lit, sizeof(lit) - 1)
#define NAME(lit)   encode(out_nagios_name, lit, sizeof(lit) - 1)
#define LABEL(lit)  encode(out_prom_label, lit, sizeof(lit) - 1)

Test(text, plain_and_utf8_pass_through)
{
    cr_assert_str_eq(TEXT("zen.spamhaus.org"), "zen.spamhaus.org");
    cr_assert_str_eq(TEXT("caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x93\xa7"),
                     "caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x93\xa7");
    cr_assert_str_eq(TEXT("a\\b \"q\" 'x', =1"), "a\\b \"q\" 'x', =1");
}

Test(text, csi_sequences_removed_whole)
{
    cr_assert_str_eq(TEXT("a\x1b[31mred\x1b[0m b"), "ared b");
    cr_assert_str_eq(TEXT("\x1b[2J\x1b[1;1Hx"), "x");
    cr_assert_str_eq(TEXT("\x1b[?25lhidden cursor"), "hidden cursor");
    /* 8-bit CSI written as UTF-8 (U+009B) */
    cr_assert_str_eq(TEXT("\xc2\x9b"
                          "31mX"),
                     "X");
    /* a control byte aborts the sequence and is itself folded */
    cr_assert_str_eq(TEXT("\x1b[31\nX"), " X");
}

Test(text, osc_and_string_sequences_removed_whole)
{
    cr_assert_str_eq(TEXT("x\x1b]0;owned title\x07y"), "xy");
    cr_assert_str_eq(TEXT("x\x1b]8;;http://evil.test/\x1b\\link\x1b]8;;\x1b\\y"), "xlinky");
    cr_assert_str_eq(TEXT("x\x1bPq#0;2;0;0;0\x1b\\y"), "xy");
    cr_assert_str_eq(TEXT("x\xc2\x9d"
                          "0;t\xc2\x9cy"),
                     "xy");
    /* unterminated: the rest is swallowed, as a terminal would */
    cr_assert_str_eq(TEXT("x\x1b]0;never ends"), "x");
}

Test(text, other_escapes_and_lone_esc)
{
    cr_assert_str_eq(TEXT("\x1b(Bx"), "x");
    cr_assert_str_eq(TEXT("\x1b"
                          "cx"),
                     "x");
    cr_assert_str_eq(TEXT("a\x1b"), "a");
    cr_assert_str_eq(TEXT("a\x1b\x1b[0mb"), "ab");
}

Test(text, controls_dropped_breaks_folded)
{
    cr_assert_str_eq(TEXT("a\nb\r\tc"), "a b  c");
    cr_assert_str_eq(TEXT("bell\x07 bs\x08 del\x7f"), "bell bs del");
    cr_assert_str_eq(TEXT("line\xe2\x80\xa8sep"), "line sep");
    cr_assert_str_eq(TEXT("c1\xc2\x85nel\xc2\x80"), "c1 nel");
}

Test(text, nul_is_dropped_within_length)
{
    cr_assert_str_eq(text("a\0b", 3), "ab");
    /* a C string stops at its NUL */
    cr_assert_str_eq(text("a\0b", strlen("a\0b")), "a");
}

Test(text, invalid_utf8_replaced)
{
    cr_assert_str_eq(TEXT("\xff\xfe"), "??");
    cr_assert_str_eq(TEXT("over\xc0\xaflong"), "over??long");
    cr_assert_str_eq(TEXT("sur\xed\xa0\x80rogate"), "sur???rogate");
    cr_assert_str_eq(TEXT("cut\xe2\x98"), "cut??");
    cr_assert_str_eq(TEXT("big\xf4\x90\x80\x80"), "big????");
    cr_assert_str_eq(TEXT("raw8bit\x9b"
                          "31m"),
                     "raw8bit?31m");
}

Test(text, bidi_controls_removed)
{
    cr_assert_str_eq(TEXT("\xe2\x80\xae"
                          "abc\xe2\x81\xa6"
                          "d"),
                     "abcd");
}

Test(text, truncation_keeps_utf8_whole)
{
    char buf[4];

    cr_assert_eq(out_sanitize_text("abcdef", 6, buf, sizeof(buf)), 3);
    cr_assert_str_eq(buf, "abc");
    cr_assert_eq(out_sanitize_text("a\xc3\xa9", 3, buf, 3), 1);
    cr_assert_str_eq(buf, "a");
    cr_assert_eq(out_sanitize_text("abc", 3, buf, 1), 0);
    cr_assert_str_eq(buf, "");
    cr_assert_eq(out_sanitize_text("abc", 3, buf, 0), 0);
    cr_assert_eq(out_sanitize_text(NULL, 0, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "");
}

Test(json, quotes_and_backslash)
{
    cr_assert_str_eq(JSON("he said \"hi\" \\o/"), "\"he said \\\"hi\\\" \\\\o/\"");
    cr_assert_str_eq(JSON(""), "\"\"");
}

Test(json, controls_escaped)
{
    cr_assert_str_eq(JSON("\x1b[31mred"), "\"\\u001b[31mred\"");
    cr_assert_str_eq(JSON("a\nb\tc\r"), "\"a\\u000ab\\u0009c\\u000d\"");
    cr_assert_str_eq(JSON("x\x1b]0;t\x07"), "\"x\\u001b]0;t\\u0007\"");
    cr_assert_str_eq(JSON("del\x7f c1\xc2\x9b"), "\"del\\u007f c1\\u009b\"");
    cr_assert_str_eq(JSON("ls\xe2\x80\xa8ps\xe2\x80\xa9"), "\"ls\\u2028ps\\u2029\"");
    cr_assert_str_eq(JSON("a\0b"), "\"a\\u0000b\"");
}

Test(json, invalid_utf8_becomes_replacement)
{
    cr_assert_str_eq(JSON("\xff\xfe"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
    cr_assert_str_eq(JSON("ok\xc3\xa9 bad\xc3"), "\"ok\xc3\xa9 bad\xef\xbf\xbd\"");
}

Test(json, null_string)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cr_assert_eq(out_json_string(f, NULL, 0), 0);
    fclose(f);
    cr_assert_str_eq(buf, "null");
    free(buf);
}

Test(csv, plain_fields_unquoted)
{
    cr_assert_str_eq(CSV("192.0.2.1"), "192.0.2.1");
    cr_assert_str_eq(CSV("a\\b 'x'"), "a\\b 'x'");
    cr_assert_str_eq(CSV(""), "");
}

Test(csv, quoting_rfc4180)
{
    cr_assert_str_eq(CSV("a,b"), "\"a,b\"");
    cr_assert_str_eq(CSV("say \"x\""), "\"say \"\"x\"\"\"");
    cr_assert_str_eq(CSV("line1\nline2"), "\"line1\nline2\"");
    cr_assert_str_eq(CSV("a\r\nb"), "\"a\r\nb\"");
}

Test(csv, formulas_defused)
{
    cr_assert_str_eq(CSV("=HYPERLINK(\"http://evil.test\",\"click\")"),
                     "\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"click\"\")\"");
    cr_assert_str_eq(CSV("=1+1"), "'=1+1");
    cr_assert_str_eq(CSV("+1"), "'+1");
    cr_assert_str_eq(CSV("-1"), "'-1");
    cr_assert_str_eq(CSV("@SUM(A1)"), "'@SUM(A1)");
    cr_assert_str_eq(CSV("\tx"), "'\tx");
    cr_assert_str_eq(CSV("\rx"), "\"'\rx\"");
    /* not at the start: left alone */
    cr_assert_str_eq(CSV("a=1"), "a=1");
    /* hidden behind an escape sequence that is stripped */
    cr_assert_str_eq(CSV("\x1b[0m=1+1"), "'=1+1");
}

Test(csv, escapes_controls_and_bad_utf8)
{
    cr_assert_str_eq(CSV("a\x1b[31mb\x1b]0;t\x07"), "ab");
    cr_assert_str_eq(CSV("a\x01\x7f"
                         "b"),
                     "ab");
    cr_assert_str_eq(CSV("x\xff"), "x\xef\xbf\xbd");
    cr_assert_str_eq(CSV("\xff=1"), "\xef\xbf\xbd=1");
}

Test(html, plain_and_utf8_pass_through)
{
    cr_assert_str_eq(HTML("zen.spamhaus.org 127.0.0.2"), "zen.spamhaus.org 127.0.0.2");
    cr_assert_str_eq(HTML("caf\xc3\xa9 \xe2\x98\x83"), "caf\xc3\xa9 \xe2\x98\x83");
    cr_assert_str_eq(HTML(""), "");
}

Test(html, markup_becomes_entities)
{
    cr_assert_str_eq(HTML("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    cr_assert_str_eq(HTML("\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
    cr_assert_str_eq(HTML("' onfocus='y"), "&#39; onfocus=&#39;y");
    cr_assert_str_eq(HTML("a&amp;b"), "a&amp;amp;b");
    cr_assert_str_eq(HTML("]]><!--"), "]]&gt;&lt;!--");
}

Test(html, escapes_controls_bidi_and_bad_utf8)
{
    /* a terminal escape, a NUL, a bidi override: dropped; breaks fold to a space */
    cr_assert_str_eq(HTML("a\x1b[31m<b>\x00\xe2\x80\xae"
                          "b\r\nc"),
                     "a&lt;b&gt;b  c");
    /* an 8-bit CSI and an OSC with its payload vanish whole */
    cr_assert_str_eq(HTML("x\xc2\x9b"
                          "2Jy\x1b]8;;http://evil.test\x07z"),
                     "xyz");
    /* invalid UTF-8 cannot hide a '<' from the parser: each bad byte is U+FFFD */
    cr_assert_str_eq(HTML("\xc0<\xff"), "\xef\xbf\xbd&lt;\xef\xbf\xbd");
    cr_assert_str_eq(HTML("\xe2\x80\xa8x"), " x");
}

/* The Nagios line: printable ASCII stays, everything else is '?' byte by byte;
 * '|' would start the perfdata and a line break a second line of output. */
Test(nagios, text_keeps_printable_ascii_but_the_pipe)
{
    cr_assert_str_eq(NAGIOS("ticket 42: see https://x.example/?a=b&c=\"d\" ~"),
                     "ticket 42: see https://x.example/?a=b&c=\"d\" ~");
    cr_assert_str_eq(NAGIOS("ticket|42"), "ticket?42");
    cr_assert_str_eq(NAGIOS("a\nb\rc\td"), "a?b?c?d");
    cr_assert_str_eq(NAGIOS("\x1b[31mred"), "?[31mred");
    cr_assert_str_eq(NAGIOS("del\x7f"), "del?");
    cr_assert_str_eq(NAGIOS("x\0y"), "x?y");
}

/* Above ASCII: each byte is one '?', valid UTF-8 or not (a C1 control too). */
Test(nagios, text_above_ascii_is_one_mark_per_byte)
{
    cr_assert_str_eq(NAGIOS("caf\xc3\xa9"), "caf??");
    cr_assert_str_eq(NAGIOS("\xe2\x80\xae"
                            "rtl"),
                     "???rtl");
    cr_assert_str_eq(NAGIOS("\xf0\x9f\x93\xa7!"), "????"
                                                  "!");
    cr_assert_str_eq(NAGIOS("\xff\xc3"), "??");
    cr_assert_str_eq(NAGIOS("\xc2\x9b"
                            "1m"),
                     "??1m");
    cr_assert_str_eq(NAGIOS(""), "");
}

Test(nagios, names_keep_the_host_name_alphabet)
{
    cr_assert_str_eq(NAME("zen.spamhaus.org"), "zen.spamhaus.org");
    cr_assert_str_eq(NAME("2001:db8::10"), "2001:db8::10");
    cr_assert_str_eq(NAME("_dmarc.Mail-1.example"), "_dmarc.Mail-1.example");
    cr_assert_str_eq(NAME("a b|c/d\"e"), "a?b?c?d?e");
    cr_assert_str_eq(NAME("caf\xc3\xa9\n"), "caf???");
    cr_assert_str_eq(NAME("\xff"), "?");
}

/* Prometheus label values: only backslash, double quote and line feed change. */
Test(prom, label_escapes_three_characters)
{
    cr_assert_str_eq(LABEL("zen.spamhaus.org"), "zen.spamhaus.org");
    cr_assert_str_eq(LABEL("we\"ird\\zone\nname"), "we\\\"ird\\\\zone\\nname");
    cr_assert_str_eq(LABEL("tab\tcr\r|caf\xc3\xa9"), "tab\tcr\r|caf\xc3\xa9");
    cr_assert_str_eq(LABEL("\\"), "\\\\");
    cr_assert_str_eq(LABEL(""), "");
}

Test(nagios, null_writes_nothing)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cr_assert_eq(out_nagios_text(f, NULL, 0), 0);
    cr_assert_eq(out_nagios_name(f, NULL, 0), 0);
    cr_assert_eq(out_prom_label(f, NULL, 0), 0);
    fclose(f);
    cr_assert_str_eq(buf, "");
    free(buf);
}

static FILE *dev_full(void)
{
    FILE *f = fopen("/dev/full", "w");

    cr_assert_not_null(f);
    setvbuf(f, NULL, _IONBF, 0);
    return f;
}

Test(io, write_errors_reported)
{
    FILE *f = dev_full();

    cr_assert_eq(out_json_string(f, "x", 1), -EIO);
    cr_assert_eq(out_csv_field(f, "x", 1), -EIO);
    cr_assert_eq(out_html_text(f, "<", 1), -EIO);
    cr_assert_eq(out_nagios_text(f, "|", 1), -EIO);
    cr_assert_eq(out_nagios_name(f, "x", 1), -EIO);
    cr_assert_eq(out_prom_label(f, "\"", 1), -EIO);
    fclose(f);
}
