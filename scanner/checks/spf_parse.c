/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * SPF record parsing (RFC 7208 sections 4.5, 4.6, 5, 6 and 12 ABNF).
 *
 * The parser never stops at the first error: every term is checked and every
 * error is recorded as a problem naming the term, so the lint can show the
 * publisher the whole list at once. check_host() only needs "any error?",
 * which is nerrors.
 */
#include "scanner/checks/spf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/err.h"
#include "scanner/core/text.h"

void spf_record_free(struct spf_record *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nterms; i++) {
        free(r->terms[i].text);
        free(r->terms[i].arg);
    }
    free(r->terms);
    for (size_t i = 0; i < r->nproblems; i++)
        free(r->problems[i].msg);
    free(r->problems);
    free(r);
}

/* Record a syntax error on term @p ti. @p msg is taken (NULL means ENOMEM). */
static int add_error(struct spf_record *r, int ti, char *msg)
{
    if (!msg)
        return -ENOMEM;
    struct spf_problem *p = realloc(r->problems, (r->nproblems + 1) * sizeof(*p));
    if (!p) {
        free(msg);
        return -ENOMEM;
    }
    r->problems = p;
    p[r->nproblems].term = ti;
    p[r->nproblems].error = true;
    p[r->nproblems].kw = "syntax";
    p[r->nproblems].msg = msg;
    r->nproblems++;
    r->nerrors++;
    if (ti >= 0)
        r->terms[ti].kind = SPF_TERM_BAD;
    return 0;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

/*
 * ip4-network = qnum "." qnum "." qnum "." qnum, qnum = 0..255 without
 * leading zeros. Stricter than inet_pton() on purpose.
 */
static bool parse_ip4(const char *s, size_t n, uint8_t out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
            return false;
        out[part] = (uint8_t)v;
    }
    return i == n;
}

/* ip4-cidr-length = "/" ( "0" / %x31-39 0*1DIGIT ): digits after the slash.
 * @return the value, -1 when not a well-formed number. */
static int parse_len(const char *s, size_t n)
{
    if (n == 0 || n > 3 || (s[0] == '0' && n > 1))
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Check and store the domain-spec s[0..n) of term @p ti. */
static int take_domain(struct spf_record *r, int ti, const char *what, const char *s, size_t n)
{
    struct spf_term *t = &r->terms[ti];
    const char *why;
    if (n == 0) {
        bool optional =
            t->kind == SPF_TERM_MECH &&
            (t->mech == SPF_MECH_A || t->mech == SPF_MECH_MX || t->mech == SPF_MECH_PTR);
        return add_error(
            r, ti,
            spf_fmt("'%s': %s needs a domain after the '%c'%s", t->text, what, s[-1],
                    optional ? " (or drop the ':' to use the record's own domain)" : ""));
    }
    if (spf_domain_spec_check(s, n, &why) != 0)
        return add_error(r, ti, spf_fmt("'%s': the domain '%.*s' %s", t->text, (int)n, s, why));
    t->arg = strndup(s, n);
    return t->arg ? 0 : -ENOMEM;
}

/*
 * a and mx: [ ":" domain-spec ] [ ip4-cidr-length ] [ "/" ip6-cidr-length ].
 * Prefix lengths are taken from the right, as the domain-spec itself may hold
 * '/' (and ':'): "a:foo:bar/baz.example.com" is a name, "a:x.test/24" a /24.
 */
static int parse_dual(struct spf_record *r, int ti, const char *what, const char *rest)
{
    struct spf_term *t = &r->terms[ti];
    size_t end = strlen(rest);
    const char *slash = end ? memrchr(rest, '/', end) : NULL;
    if (slash && all_digits(slash + 1, (size_t)(rest + end - slash - 1))) {
        size_t dn = (size_t)(rest + end - slash - 1);
        bool six = slash > rest && slash[-1] == '/';
        int v = parse_len(slash + 1, dn);
        int max = six ? 128 : 32;
        if (v < 0 || v > max)
            return add_error(r, ti,
                             spf_fmt("'%s': /%.*s is not a valid %s prefix length (0 to %d, no "
                                     "leading zeros)",
                                     t->text, (int)dn, slash + 1, six ? "IPv6" : "IPv4", max));
        if (six) {
            t->cidr6 = v;
            end = (size_t)(slash - 1 - rest);
            slash = end ? memrchr(rest, '/', end) : NULL;
            if (slash && all_digits(slash + 1, (size_t)(rest + end - slash - 1))) {
                dn = (size_t)(rest + end - slash - 1);
                v = parse_len(slash + 1, dn);
                if (v < 0 || v > 32)
                    return add_error(r, ti,
                                     spf_fmt("'%s': /%.*s is not a valid IPv4 prefix length "
                                             "(0 to 32, no leading zeros)",
                                             t->text, (int)dn, slash + 1));
                t->cidr4 = v;
                end = (size_t)(slash - rest);
            }
        } else {
            t->cidr4 = v;
            end = (size_t)(slash - rest);
        }
    }
    if (end == 0)
        return 0;
    if (rest[0] == ':')
        return take_domain(r, ti, what, rest + 1, end - 1);
    return add_error(r, ti,
                     spf_fmt("'%s': malformed prefix length: write %s/24 for IPv4, %s//64 for "
                             "IPv6, or %s/24//64 for both",
                             t->text, what, what, what));
}

/* ip4 and ip6: ":" network [ "/" length ]. */
static int parse_ip(struct spf_record *r, int ti, bool six, const char *rest)
{
    struct spf_term *t = &r->terms[ti];
    const char *what = six ? "ip6" : "ip4";
    if (rest[0] != ':' || rest[1] == '\0')
        return add_error(r, ti,
                         spf_fmt("'%s': %s needs an address, e.g. %s", t->text, what,
                                 six ? "ip6:2001:db8::/32" : "ip4:192.0.2.0/24"));
    const char *a = rest + 1;
    const char *slash = strchr(a, '/');
    size_t an = slash ? (size_t)(slash - a) : strlen(a);
    char buf[64];
    bool ok;
    if (six) {
        ok = an < sizeof(buf);
        if (ok) {
            memcpy(buf, a, an);
            buf[an] = '\0';
            ok = inet_pton(AF_INET6, buf, t->addr) == 1;
        }
    } else {
        ok = parse_ip4(a, an, t->addr);
    }
    if (!ok) {
        const char *hint = "";
        if (!six && memchr(a, ':', an))
            hint = " (a port number is not allowed)";
        else if (!six)
            hint = " (four numbers 0-255 without leading zeros; use a prefix length for "
                   "ranges)";
        return add_error(r, ti,
                         spf_fmt("'%s': '%.*s' is not an %s address%s", t->text, (int)an, a,
                                 six ? "IPv6" : "IPv4", hint));
    }
    if (!slash)
        return 0;
    int max = six ? 128 : 32;
    int v = parse_len(slash + 1, strlen(slash + 1));
    if (v < 0 || v > max)
        return add_error(r, ti,
                         spf_fmt("'%s': '%s' is not a valid prefix length (/0 to /%d, no "
                                 "leading zeros)",
                                 t->text, slash, max));
    if (six)
        t->cidr6 = v;
    else
        t->cidr4 = v;
    return 0;
}

static int parse_modifier(struct spf_record *r, int ti, const char *tok, size_t nlen)
{
    struct spf_term *t = &r->terms[ti];
    const char *value = tok + nlen + 1;
    if (nlen == 0)
        return add_error(r, ti, spf_fmt("'%s': a modifier needs a name before the '='", t->text));
    if (!((tok[0] >= 'a' && tok[0] <= 'z') || (tok[0] >= 'A' && tok[0] <= 'Z')))
        return add_error(r, ti, spf_fmt("'%s': a modifier name must start with a letter", t->text));
    bool redirect = nlen == 8 && strncasecmp(tok, "redirect", 8) == 0;
    bool exp = nlen == 3 && strncasecmp(tok, "exp", 3) == 0;
    if (redirect || exp) {
        int *slot = redirect ? &r->redirect : &r->exp;
        const char *name = redirect ? "redirect" : "exp";
        t->kind = redirect ? SPF_TERM_REDIRECT : SPF_TERM_EXP;
        t->dns = redirect;
        if (*slot >= 0)
            return add_error(
                r, ti,
                spf_fmt("'%s': %s= appears more than once; keep exactly one", t->text, name));
        *slot = ti;
        return take_domain(r, ti, name, value, strlen(value));
    }
    const char *why;
    t->kind = SPF_TERM_UNKNOWN;
    if (spf_macro_check(value, strlen(value), true, NULL, &why) != 0)
        return add_error(r, ti, spf_fmt("'%s': the modifier value %s", t->text, why));
    t->arg = strdup(value);
    return t->arg ? 0 : -ENOMEM;
}

static const struct {
    const char *name;
    enum spf_mech mech;
} mechs[] = {
    {"all", SPF_MECH_ALL}, {"include", SPF_MECH_INCLUDE}, {"a", SPF_MECH_A},
    {"mx", SPF_MECH_MX},   {"ptr", SPF_MECH_PTR},         {"ip4", SPF_MECH_IP4},
    {"ip6", SPF_MECH_IP6}, {"exists", SPF_MECH_EXISTS},
};

/* Known misspellings and what was meant. */
static const char *mistake_hint(const char *name, size_t n)
{
    static const struct {
        const char *bad, *hint;
    } hints[] = {
        {"redirect", "redirect is a modifier: write redirect=domain"},
        {"exp", "exp is a modifier: write exp=domain"},
        {"prt", "did you mean ptr?"},
        {"ip", "did you mean ip4: or ip6:?"},
        {"ipv4", "write ip4:, not ipv4:"},
        {"ipv6", "write ip6:, not ipv6:"},
        {"all.", "all takes nothing after it"},
        {"include=", "write include:domain"},
    };
    for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
        if (strlen(hints[i].bad) == n && strncasecmp(hints[i].bad, name, n) == 0)
            return hints[i].hint;
    if (memchr(name, '=', n))
        return "a modifier (name=value) takes no qualifier";
    return "the mechanisms are all, include, a, mx, ptr, ip4, ip6 and exists";
}

static int parse_mechanism(struct spf_record *r, int ti, const char *tok)
{
    struct spf_term *t = &r->terms[ti];
    const char *p = tok;
    t->qual = '+';
    if (*p == '+' || *p == '-' || *p == '~' || *p == '?')
        t->qual = *p++;
    size_t n = strcspn(p, ":/");
    const char *rest = p + n;
    size_t k;
    for (k = 0; k < sizeof(mechs) / sizeof(mechs[0]); k++)
        if (strlen(mechs[k].name) == n && strncasecmp(mechs[k].name, p, n) == 0)
            break;
    if (k == sizeof(mechs) / sizeof(mechs[0])) {
        if (n == 0)
            return add_error(r, ti, spf_fmt("'%s': a mechanism name is missing", t->text));
        return add_error(
            r, ti,
            spf_fmt("'%s': unknown mechanism '%.*s' (%s)", t->text, (int)n, p, mistake_hint(p, n)));
    }
    t->kind = SPF_TERM_MECH;
    t->mech = mechs[k].mech;
    switch (t->mech) {
    case SPF_MECH_ALL:
        if (*rest)
            return add_error(r, ti, spf_fmt("'%s': all takes no domain or prefix length", t->text));
        return 0;
    case SPF_MECH_INCLUDE:
    case SPF_MECH_EXISTS:
        t->dns = true;
        if (*rest != ':')
            return add_error(r, ti,
                             spf_fmt("'%s': %s needs a domain: %s:domain", t->text, mechs[k].name,
                                     mechs[k].name));
        return take_domain(r, ti, mechs[k].name, rest + 1, strlen(rest + 1));
    case SPF_MECH_A:
    case SPF_MECH_MX:
        t->dns = true;
        return parse_dual(r, ti, mechs[k].name, rest);
    case SPF_MECH_PTR:
        t->dns = true;
        if (*rest == '/')
            return add_error(r, ti, spf_fmt("'%s': ptr takes no prefix length", t->text));
        if (*rest == ':')
            return take_domain(r, ti, "ptr", rest + 1, strlen(rest + 1));
        return 0;
    case SPF_MECH_IP4:
    case SPF_MECH_IP6:
        return parse_ip(r, ti, t->mech == SPF_MECH_IP6, rest);
    }
    return 0;
}

static int parse_term(struct spf_record *r, int ti, const char *tok, size_t len)
{
    struct spf_term *t = &r->terms[ti];
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)tok[i];
        if (c < 0x21 || c > 0x7e)
            return add_error(r, ti,
                             spf_fmt("'%s': contains the byte 0x%02x; a record holds printable "
                                     "ASCII only and terms are separated by single spaces",
                                     t->text, c));
    }
    size_t n = 0;
    while (n < len && is_name_char(tok[n]))
        n++;
    if (n < len && tok[n] == '=')
        return parse_modifier(r, ti, tok, n);
    return parse_mechanism(r, ti, tok);
}

int spf_record_parse(const uint8_t *txt, size_t len, struct spf_record **out)
{
    int ret = 0;
    char *copy = NULL;
    struct spf_record *r = calloc(1, sizeof(*r));
    *out = NULL;
    if (!r)
        return -ENOMEM;
    r->redirect = r->exp = r->all = -1;
    if (scan_fails_assert(spf_is_record(txt, len))) {
        ret = -EINVAL;
        goto fail;
    }
    /* A copy with a terminator, so terms can be handled as C strings; a NUL
     * byte inside the record is caught as a bad byte first. */
    copy = malloc(len + 1);
    if (!copy) {
        ret = -ENOMEM;
        goto fail;
    }
    memcpy(copy, txt, len);
    copy[len] = '\0';
    size_t nterms = 0;
    for (size_t i = 6; i < len; i++)
        if (copy[i] != ' ' && copy[i - 1] == ' ')
            nterms++;
    r->terms = calloc(nterms ? nterms : 1, sizeof(*r->terms));
    if (!r->terms) {
        ret = -ENOMEM;
        goto fail;
    }
    size_t i = 6;
    while (i < len) {
        if (copy[i] == ' ') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && copy[i] != ' ')
            i++;
        int ti = (int)r->nterms++;
        struct spf_term *t = &r->terms[ti];
        t->kind = SPF_TERM_BAD;
        t->cidr4 = t->cidr6 = -1;
        t->text = scan_text_escape_dup(copy + start, i - start, SCAN_TEXT_HEX);
        if (!t->text) {
            ret = -ENOMEM;
            goto fail;
        }
        char saved = copy[i];
        copy[i] = '\0';
        ret = parse_term(r, ti, copy + start, i - start);
        copy[i] = saved;
        if (ret != 0)
            goto fail;
        if (r->all < 0 && t->kind == SPF_TERM_MECH && t->mech == SPF_MECH_ALL)
            r->all = ti;
    }
    free(copy);
    *out = r;
    return 0;
fail:
    free(copy);
    spf_record_free(r);
    return ret;
}
