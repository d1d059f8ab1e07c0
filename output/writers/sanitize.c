/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Encoders for untrusted strings: terminal text, JSON string literals, CSV
 * fields, HTML text, the Nagios status line and Prometheus label values.
 * Everything a DNS server sends (TXT reasons above all, but also SPF and DMARC
 * records) can hold escape sequences, control bytes, invalid UTF-8, quotes,
 * markup and spreadsheet formulas; every string a writer, the store, the report
 * or an alert prints goes through one of these, and nothing else in the tree
 * escapes text on its own. Each encoding's rules are written once, at its
 * prototype in output/writers/writer.h (the sink forms in fmt.h point there).
 *
 * All of them walk the input one "unit" at a time: a valid UTF-8 code point, a
 * byte that does not start one, or (for text, CSV and HTML) a whole terminal
 * escape sequence. A filter per encoding says, for each unit, "copy it" or "write
 * this replacement instead" (possibly nothing); copied runs are written in
 * one call.
 *
 * This is the output policy. The scanner rooms may not call it (they are built
 * below output/), so the strings they build from untrusted bytes (messages
 * quoting a target line or a catalog value, the SPF record and its terms) are
 * made inert first by the one rule in scanner/core/text.c: controls as '?' in
 * messages, \xNN for every non-printable-ASCII byte in record fields. That is
 * a floor, not a replacement: every field still passes through these encoders
 * on its way out, and text.c never needs to know the output format.
 */
#include "output/writers/fmt.h"

#include <stdint.h>
#include <string.h>

#include "scanner/core/err.h"

enum unit_kind {
    U_CHAR, /**< a valid code point, in cp */
    U_BAD,  /**< one byte that does not start valid UTF-8 */
    U_SEQ,  /**< a whole escape sequence (ESC or C1 introducer, parameters, final) */
};

struct unit {
    enum unit_kind kind;
    uint32_t cp;
    size_t len; /**< input bytes the unit covers */
};

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF.
 * @return the sequence length, or 0 when s does not start a valid one. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    uint32_t v = 0;
    uint32_t min = 0;
    size_t len = 0;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

/* ECMA-48 control sequence after its introducer (ESC [ or U+009B): parameter
 * bytes 0x30-0x3F and intermediates 0x20-0x2F up to a final byte 0x40-0x7E. A
 * byte outside those ranges aborts the sequence and is not consumed.
 * @return bytes consumed. */
static size_t csi_body(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 0x40 && s[i] <= 0x7e)
            return i + 1;
        if (s[i] < 0x20 || s[i] > 0x3f)
            return i;
    }
    return n;
}

/* Command string (OSC, DCS, SOS, PM, APC) after its introducer, up to BEL,
 * ST (ESC \) or 8-bit ST (U+009C). An ESC not followed by '\' ends the string
 * unconsumed, so it is read as the next sequence. Unterminated strings run to
 * the end of the input, which is what a terminal would swallow too.
 * @return bytes consumed. */
static size_t string_body(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0x07)
            return i + 1;
        if (s[i] == 0x1b)
            return i + 1 < n && s[i + 1] == '\\' ? i + 2 : i;
        if (s[i] == 0xc2 && i + 1 < n && s[i + 1] == 0x9c)
            return i + 2;
    }
    return n;
}

/* What follows an ESC: CSI, a command string, an nF sequence (intermediates
 * 0x20-0x2F then a final 0x30-0x7E) or a two-byte Fp/Fe/Fs escape. Anything
 * else leaves just the ESC to drop. @return bytes consumed after the ESC. */
static size_t esc_body(const unsigned char *s, size_t n)
{
    size_t i = 0;

    if (n == 0)
        return 0;
    if (s[0] == '[')
        return 1 + csi_body(s + 1, n - 1);
    if (s[0] == ']' || s[0] == 'P' || s[0] == 'X' || s[0] == '^' || s[0] == '_')
        return 1 + string_body(s + 1, n - 1);
    if (s[0] >= 0x20 && s[0] <= 0x2f) {
        while (i < n && s[i] >= 0x20 && s[i] <= 0x2f)
            i++;
        if (i < n && s[i] >= 0x30 && s[i] <= 0x7e)
            i++;
        return i;
    }
    if (s[0] >= 0x30 && s[0] <= 0x7e)
        return 1;
    return 0;
}

/* The next unit of s[0..n), n > 0. With @p seq, escape sequences (7-bit ESC
 * and the C1 introducers CSI, OSC, DCS, SOS, PM, APC as UTF-8) are one unit. */
static void next_unit(const unsigned char *s, size_t n, bool seq, struct unit *u)
{
    size_t k = utf8_decode(s, n, &u->cp);

    if (k == 0) {
        u->kind = U_BAD;
        u->len = 1;
        return;
    }
    u->kind = U_CHAR;
    u->len = k;
    if (!seq)
        return;
    if (u->cp == 0x1b) {
        u->kind = U_SEQ;
        u->len = k + esc_body(s + k, n - k);
    } else if (u->cp == 0x9b) {
        u->kind = U_SEQ;
        u->len = k + csi_body(s + k, n - k);
    } else if (u->cp == 0x90 || u->cp == 0x98 || u->cp == 0x9d || u->cp == 0x9e || u->cp == 0x9f) {
        u->kind = U_SEQ;
        u->len = k + string_body(s + k, n - k);
    }
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

/* Bidirectional formatting characters: they reorder what a terminal shows
 * ("Trojan Source"), so a TXT record could make its own text read backwards. */
static bool is_bidi(uint32_t cp)
{
    return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/** Filter result: copy the unit's bytes unchanged. */
#define COPY (-1)

/* A filter decides one unit: COPY, or the length of a replacement in rep[8]. */
typedef int unit_filter(const struct unit *u, char *rep);

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* Text: no escape sequence or control survives; line breaks and tabs become a
 * space so a record stays on its line; invalid bytes become '?'. */
static int text_filter(const struct unit *u, char *rep)
{
    uint32_t cp = u->cp;

    if (u->kind == U_SEQ)
        return 0;
    if (u->kind == U_BAD) {
        rep[0] = '?';
        return 1;
    }
    if ((cp >= 0x09 && cp <= 0x0d) || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        rep[0] = ' ';
        return 1;
    }
    if (is_control(cp) || is_bidi(cp))
        return 0;
    return COPY;
}

/* CSV keeps line breaks and tabs (RFC 4180 allows them inside quotes) but no
 * other control and no escape sequence, so `cat file.csv` stays harmless. */
static int csv_filter(const struct unit *u, char *rep)
{
    if (u->kind == U_SEQ)
        return 0;
    if (u->kind == U_BAD) {
        memcpy(rep, replacement, 3);
        return 3;
    }
    if (u->cp == '\t' || u->cp == '\n' || u->cp == '\r')
        return COPY;
    if (is_control(u->cp))
        return 0;
    return COPY;
}

/* Inside a quoted CSV field a double quote is doubled (RFC 4180 2.7). */
static int csv_quoted_filter(const struct unit *u, char *rep)
{
    if (u->kind == U_CHAR && u->cp == '"') {
        memcpy(rep, "\"\"", 2);
        return 2;
    }
    return csv_filter(u, rep);
}

/* JSON (RFC 8259): quote and backslash escaped, every control (C0, DEL, C1)
 * as \u00XX, U+2028/U+2029 escaped too (they end lines in JavaScript), invalid
 * bytes as U+FFFD. Escape sequences are not stripped: escaped, they are inert,
 * and JSON is the faithful format. */
static int json_filter(const struct unit *u, char *rep)
{
    static const char hex[] = "0123456789abcdef";
    uint32_t cp = u->cp;

    if (u->kind == U_BAD) {
        memcpy(rep, replacement, 3);
        return 3;
    }
    if (cp == '"' || cp == '\\') {
        rep[0] = '\\';
        rep[1] = (char)cp;
        return 2;
    }
    if (is_control(cp) || cp == 0x2028 || cp == 0x2029) {
        memcpy(rep, "\\u", 2);
        rep[2] = hex[cp >> 12 & 0xf];
        rep[3] = hex[cp >> 8 & 0xf];
        rep[4] = hex[cp >> 4 & 0xf];
        rep[5] = hex[cp & 0xf];
        return 6;
    }
    return COPY;
}

/* Nagios (the status line and check_rbl's UNKNOWN line): the line must stay one
 * line of printable ASCII, and '|' would start the perfdata. Byte by byte, so a
 * code point of N bytes becomes N '?', whatever the input. */
static int nagios_mark(const struct unit *u, char *rep)
{
    memset(rep, '?', u->len);
    return (int)u->len;
}

static int nagios_text_filter(const struct unit *u, char *rep)
{
    if (u->kind == U_CHAR && u->cp >= 0x20 && u->cp < 0x7f && u->cp != '|')
        return COPY;
    return nagios_mark(u, rep);
}

/* Names on the Nagios line (zones, targets, the host name, a lookup's reason):
 * the host name alphabet, with ':' for IPv6 and '_' for service labels. */
static int nagios_name_filter(const struct unit *u, char *rep)
{
    uint32_t c = u->cp;

    if (u->kind == U_CHAR &&
        ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == ':'))
        return COPY;
    return nagios_mark(u, rep);
}

/* Prometheus label values (text exposition format): backslash, double quote and
 * line feed escaped; every other byte as it is (the format is UTF-8 and only
 * those three end or break a value). */
static int prom_label_filter(const struct unit *u, char *rep)
{
    if (u->kind != U_CHAR || (u->cp != '\\' && u->cp != '"' && u->cp != '\n'))
        return COPY;
    rep[0] = '\\';
    rep[1] = u->cp == '\n' ? 'n' : (char)u->cp;
    return 2;
}

/* HTML (the report): the text policy (no escape sequence, control or bidi
 * override survives; line breaks fold to a space) plus the five markup
 * characters as entities, so one encoding serves element text and quoted
 * attribute values alike. Invalid bytes become U+FFFD, which a browser shows
 * as such. */
static int html_filter(const struct unit *u, char *rep)
{
    static const struct {
        uint32_t cp;
        const char *entity;
    } markup[] = {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"}};
    int k;

    if (u->kind == U_BAD) {
        memcpy(rep, replacement, 3);
        return 3;
    }
    k = text_filter(u, rep);
    if (k != COPY)
        return k;
    for (size_t i = 0; i < sizeof(markup) / sizeof(markup[0]); i++) {
        if (u->cp == markup[i].cp) {
            k = (int)strlen(markup[i].entity);
            memcpy(rep, markup[i].entity, (size_t)k);
            return k;
        }
    }
    return COPY;
}

/* Run @p filter over p[0..n) into @p s, writing copied runs in one call. */
static void filter_to_sink(struct out_sink *s, const char *p, size_t n, bool seq,
                           unit_filter *filter)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i = 0;
    size_t run = 0;
    struct unit u;
    char rep[8];

    if (n == 0)
        return;
    while (i < n) {
        int k;

        next_unit(b + i, n - i, seq, &u);
        k = filter(&u, rep);
        if (k != COPY) {
            out_sink_write(s, p + run, i - run);
            out_sink_write(s, rep, (size_t)k);
            run = i + u.len;
        }
        i += u.len;
    }
    out_sink_write(s, p + run, n - run);
}

void out_sink_text(struct out_sink *s, const char *p, size_t n)
{
    filter_to_sink(s, p, n, true, text_filter);
}

void out_sink_html(struct out_sink *s, const char *p, size_t n)
{
    filter_to_sink(s, p, n, true, html_filter);
}

void out_sink_json(struct out_sink *s, const char *p, size_t n)
{
    out_sink_write(s, "\"", 1);
    filter_to_sink(s, p, n, false, json_filter);
    out_sink_write(s, "\"", 1);
}

void out_sink_json_cstr(struct out_sink *s, const char *str)
{
    if (!str)
        out_sink_puts(s, "null");
    else
        out_sink_json(s, str, strlen(str));
}

static bool is_formula_start(uint32_t cp)
{
    return cp == '=' || cp == '+' || cp == '-' || cp == '@' || cp == '\t' || cp == '\r';
}

/* Two passes over the field: the first finds what the field will start with
 * once sanitized (a formula can hide behind a stripped escape sequence) and
 * whether it needs quotes; the second writes it. */
void out_sink_csv(struct out_sink *s, const char *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    bool first = true;
    bool formula = false;
    bool quote = false;
    struct unit u;
    char rep[8];

    for (size_t i = 0; i < n; i += u.len) {
        int k;

        next_unit(b + i, n - i, true, &u);
        k = csv_filter(&u, rep);
        if (k == 0)
            continue;
        if (k == COPY) {
            if (first)
                formula = is_formula_start(u.cp);
            if (u.cp == ',' || u.cp == '"' || u.cp == '\r' || u.cp == '\n')
                quote = true;
        }
        first = false;
    }
    if (quote)
        out_sink_write(s, "\"", 1);
    if (formula)
        out_sink_write(s, "'", 1);
    filter_to_sink(s, p, n, true, quote ? csv_quoted_filter : csv_filter);
    if (quote)
        out_sink_write(s, "\"", 1);
}

char *out_text_dup(const char *str)
{
    struct out_sink s;
    char *res = NULL;

    out_sink_init_mem(&s);
    if (str)
        out_sink_text(&s, str, strlen(str));
    res = out_sink_take(&s);
    out_sink_deinit(&s);
    return res;
}

size_t out_text_width(const char *s)
{
    size_t w = 0;

    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

size_t out_sanitize_text(const char *s, size_t len, char *buf, size_t cap)
{
    const unsigned char *b = (const unsigned char *)s;
    size_t o = 0;
    struct unit u;
    char rep[8];

    if (!buf || cap == 0)
        return 0;
    for (size_t i = 0; s && i < len; i += u.len) {
        const char *src = rep;
        int k;

        next_unit(b + i, len - i, true, &u);
        k = text_filter(&u, rep);
        if (k == COPY) {
            src = s + i;
            k = (int)u.len;
        }
        if ((size_t)k > cap - 1 - o)
            break;
        memcpy(buf + o, src, (size_t)k);
        o += (size_t)k;
    }
    buf[o] = '\0';
    return o;
}

/* One encoder straight into a FILE; @p null is written for a NULL @p s. */
static int encode_to_file(FILE *f, const char *s, size_t len, out_put_fn *enc, const char *null)
{
    struct out_sink sink;

    out_sink_init_file(&sink, f);
    if (s)
        enc(&sink, s, len);
    else
        out_sink_puts(&sink, null);
    return sink.err;
}

int out_json_string(FILE *f, const char *s, size_t len)
{
    return encode_to_file(f, s, len, out_sink_json, "null");
}

int out_html_text(FILE *f, const char *s, size_t len)
{
    return encode_to_file(f, s, len, out_sink_html, "");
}

int out_csv_field(FILE *f, const char *s, size_t len)
{
    return encode_to_file(f, s, len, out_sink_csv, "");
}

/* A filter without escape-sequence units straight into a FILE; NULL writes nothing. */
static int filter_to_file(FILE *f, const char *s, size_t len, unit_filter *filter)
{
    struct out_sink sink;

    out_sink_init_file(&sink, f);
    if (s)
        filter_to_sink(&sink, s, len, false, filter);
    return sink.err;
}

int out_nagios_text(FILE *f, const char *s, size_t len)
{
    return filter_to_file(f, s, len, nagios_text_filter);
}

int out_nagios_name(FILE *f, const char *s, size_t len)
{
    return filter_to_file(f, s, len, nagios_name_filter);
}

int out_prom_label(FILE *f, const char *s, size_t len)
{
    return filter_to_file(f, s, len, prom_label_filter);
}
