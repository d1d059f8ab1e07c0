/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * SPF macros (RFC 7208 section 7): syntax checking and expansion.
 *
 * One tokenizer serves both, so the checker and the expander can never
 * disagree about what a macro-string means.
 */
#include "scanner/checks/spf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

enum tok_kind { TOK_LIT, TOK_MACRO };

struct tok {
    enum tok_kind kind;
    const char *lit; /**< TOK_LIT: the text it stands for */
    size_t litlen;
    char letter;        /**< TOK_MACRO: lower-case letter */
    bool upper;         /**< URL-escape the value */
    unsigned keep;      /**< right-hand parts to keep, 0 = all */
    bool reverse;       /**< 'r' transformer */
    const char *delims; /**< delimiters as written (may be empty: then '.') */
    size_t ndelims;
};

static bool is_delim(char c)
{
    return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' || c == '_' || c == '=';
}

/*
 * Read the token at s[*i]. Literal runs come back whole; "%%", "%_" and "%-"
 * come back as the literal they stand for.
 *
 * One piece on purpose (about 80 lines): a lexer following the RFC 7208
 * section 7.1 grammar (macro-letter, transformers, delimiters) left to right,
 * one cursor and one early return per malformed form, each with the sentence
 * the user sees; split, the cursor would travel through every helper.
 */
static int next_tok(const char *s, size_t len, size_t *i, bool exp_text, struct tok *t,
                    const char **why)
{
    size_t p = *i;
    memset(t, 0, sizeof(*t));
    if (s[p] != '%') {
        size_t q = p;
        while (q < len && s[q] != '%') {
            unsigned char c = (unsigned char)s[q];
            if (c > 0x7e || c < 0x20 || (c == ' ' && !exp_text)) {
                *why = c == ' ' ? "contains a space" : "contains a control or non-ASCII byte";
                return SCAN_EPARSE;
            }
            q++;
        }
        t->kind = TOK_LIT;
        t->lit = s + p;
        t->litlen = q - p;
        *i = q;
        return 0;
    }
    if (p + 1 >= len) {
        *why = "ends with a lone '%' (write %% for a percent sign)";
        return SCAN_EPARSE;
    }
    char n = s[p + 1];
    if (n == '%' || n == '_' || n == '-') {
        t->kind = TOK_LIT;
        t->lit = n == '%' ? "%" : n == '_' ? " " : "%20";
        t->litlen = strlen(t->lit);
        *i = p + 2;
        return 0;
    }
    if (n != '{') {
        *why = "has a '%' not followed by '{', '%', '_' or '-' (write %% for a percent sign)";
        return SCAN_EPARSE;
    }
    p += 2;
    if (p >= len) {
        *why = "has an unterminated macro '%{'";
        return SCAN_EPARSE;
    }
    char l = s[p];
    char lower = (l >= 'A' && l <= 'Z') ? (char)(l - 'A' + 'a') : l;
    if (!lower || !strchr("slodiphcrtv", lower)) {
        *why = "uses an unknown macro letter (valid: s l o d i p h v, and c r t in exp text)";
        return SCAN_EPARSE;
    }
    if (!exp_text && (lower == 'c' || lower == 'r' || lower == 't')) {
        *why = "uses the macro letter c, r or t, which only explanation text may use";
        return SCAN_EPARSE;
    }
    t->kind = TOK_MACRO;
    t->letter = lower;
    t->upper = l != lower;
    p++;
    bool digits = false;
    while (p < len && s[p] >= '0' && s[p] <= '9') {
        digits = true;
        if (t->keep < 1000)
            t->keep = t->keep * 10 + (unsigned)(s[p] - '0');
        p++;
    }
    if (digits && t->keep == 0) {
        *why = "keeps 0 parts of a macro value (the digit count must be 1 or more)";
        return SCAN_EPARSE;
    }
    if (p < len && (s[p] == 'r' || s[p] == 'R')) {
        t->reverse = true;
        p++;
    }
    t->delims = s + p;
    while (p < len && is_delim(s[p]))
        p++;
    t->ndelims = (size_t)(s + p - t->delims);
    if (p >= len || s[p] != '}') {
        *why = "has a malformed macro (expected %{letter digits r delimiters})";
        return SCAN_EPARSE;
    }
    *i = p + 1;
    return 0;
}

int spf_macro_check(const char *s, size_t len, bool exp_text, unsigned *letters, const char **why)
{
    unsigned mask = 0;
    size_t i = 0;
    while (i < len) {
        struct tok t;
        int ret = next_tok(s, len, &i, exp_text, &t, why);
        if (ret != 0)
            return ret;
        if (t.kind == TOK_MACRO)
            mask |= SPF_MACRO_BIT(t.letter);
    }
    if (letters)
        *letters = mask;
    return 0;
}

/* A growing string. */
struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static bool unreserved(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static void sb_add_escaped(struct sbuf *b, const char *s, size_t n, bool escape)
{
    if (!escape) {
        sb_add(b, s, n);
        return;
    }
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        if (unreserved(s[i])) {
            sb_add(b, s + i, 1);
        } else {
            char e[3] = {'%', hex[(unsigned char)s[i] >> 4], hex[(unsigned char)s[i] & 15]};
            sb_add(b, e, 3);
        }
    }
}

/*
 * Section 7.3: split the value on the delimiters, optionally reverse, keep the
 * right-hand parts, join with '.'. Parts are kept as (start, length) pairs
 * into the value, so nothing is copied until the join.
 */
static int expand_one(const struct tok *t, const char *value, struct sbuf *b)
{
    size_t vlen = strlen(value);
    if (!t->keep && !t->reverse && !t->ndelims) {
        sb_add_escaped(b, value, vlen, t->upper);
        return 0;
    }
    size_t nparts = 1;
    for (size_t i = 0; i < vlen; i++) {
        char c = value[i];
        bool d = t->ndelims ? memchr(t->delims, c, t->ndelims) != NULL : c == '.';
        if (d)
            nparts++;
    }
    size_t(*parts)[2] = malloc(nparts * sizeof(*parts));
    if (!parts)
        return -ENOMEM;
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= vlen; i++) {
        bool d = i == vlen;
        if (!d)
            d = t->ndelims ? memchr(t->delims, value[i], t->ndelims) != NULL : value[i] == '.';
        if (d) {
            parts[k][0] = start;
            parts[k][1] = i - start;
            k++;
            start = i + 1;
        }
    }
    if (t->reverse)
        for (size_t i = 0; i < nparts / 2; i++) {
            size_t tmp0 = parts[i][0], tmp1 = parts[i][1];
            parts[i][0] = parts[nparts - 1 - i][0];
            parts[i][1] = parts[nparts - 1 - i][1];
            parts[nparts - 1 - i][0] = tmp0;
            parts[nparts - 1 - i][1] = tmp1;
        }
    size_t first = (t->keep && t->keep < nparts) ? nparts - t->keep : 0;
    struct sbuf joined = {0};
    for (size_t i = first; i < nparts; i++) {
        if (i > first)
            sb_add(&joined, ".", 1);
        sb_add(&joined, value + parts[i][0], parts[i][1]);
    }
    free(parts);
    if (joined.oom) {
        free(joined.p);
        return -ENOMEM;
    }
    sb_add_escaped(b, joined.p ? joined.p : "", joined.n, t->upper);
    free(joined.p);
    return 0;
}

static const char *env_value(const struct spf_macro_env *env, char letter)
{
    switch (letter) {
    case 's':
        return env->s;
    case 'l':
        return env->l;
    case 'o':
        return env->o;
    case 'd':
        return env->d;
    case 'i':
        return env->i;
    case 'c':
        return env->c;
    case 'v':
        return env->v;
    case 'h':
        return env->h;
    case 'r':
        return env->r;
    case 't':
        return env->t;
    default:
        return NULL;
    }
}

/* Section 7.3: drop left-hand labels until the name fits in 253 characters. */
static void fit_domain(struct sbuf *b)
{
    if (b->n > 0 && b->p[b->n - 1] == '.')
        b->p[--b->n] = '\0';
    while (b->n > 253) {
        char *dot = memchr(b->p, '.', b->n);
        if (!dot)
            break;
        size_t cut = (size_t)(dot + 1 - b->p);
        memmove(b->p, b->p + cut, b->n - cut + 1);
        b->n -= cut;
    }
}

int spf_macro_expand(const struct spf_macro_env *env, const char *s, size_t len, bool exp_text,
                     bool as_domain, char **out)
{
    struct sbuf b = {0};
    int ret = 0;
    size_t i = 0;
    *out = NULL;
    sb_add(&b, "", 0);
    while (i < len) {
        struct tok t;
        const char *why;
        ret = next_tok(s, len, &i, exp_text, &t, &why);
        if (ret != 0)
            goto out;
        if (t.kind == TOK_LIT) {
            sb_add(&b, t.lit, t.litlen);
            continue;
        }
        const char *value;
        if (t.letter == 'p') {
            value = "unknown";
            if (env->get_p) {
                ret = env->get_p(env->get_p_arg, &value);
                if (ret != 0)
                    goto out;
            }
        } else {
            value = env_value(env, t.letter);
        }
        ret = expand_one(&t, value ? value : "", &b);
        if (ret != 0)
            goto out;
    }
    if (b.oom) {
        ret = -ENOMEM;
        goto out;
    }
    if (as_domain)
        fit_domain(&b);
    *out = b.p;
    b.p = NULL;
out:
    free(b.p);
    return ret;
}

/*
 * domain-spec = macro-string domain-end
 * domain-end  = ( "." toplabel [ "." ] ) / macro-expand
 * The tokenizer finds where the last macro-expand ends; only the literal text
 * after it can hold the toplabel.
 */
int spf_domain_spec_check(const char *s, size_t len, const char **why)
{
    if (len == 0) {
        *why = "is empty";
        return SCAN_EPARSE;
    }
    size_t i = 0, lit_start = 0;
    while (i < len) {
        struct tok t;
        size_t before = i;
        int ret = next_tok(s, len, &i, false, &t, why);
        if (ret != 0)
            return ret;
        if (t.kind == TOK_MACRO || s[before] == '%')
            lit_start = i;
    }
    if (lit_start == len)
        return 0;
    size_t end = len;
    if (s[end - 1] == '.')
        end--;
    const char *dot = end > lit_start ? memrchr(s + lit_start, '.', end - lit_start) : NULL;
    if (!dot) {
        *why = "has no '.' before its last label (one-label names are not allowed)";
        return SCAN_EPARSE;
    }
    const char *top = dot + 1;
    size_t n = (size_t)(s + end - top);
    if (spf_toplabel_ok(top, n))
        return 0;
    if (n == 0) {
        *why = "ends with an empty label";
        return SCAN_EPARSE;
    }
    bool digits = true, chars = true;
    for (size_t k = 0; k < n; k++) {
        char c = top[k];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!(c >= '0' && c <= '9'))
            digits = false;
        if (!alnum && c != '-')
            chars = false;
    }
    if (digits)
        *why = "ends with an all-digit label (an IP address belongs in ip4:, not here)";
    else if (!chars)
        *why = "has a last label with characters other than letters, digits and '-'";
    else
        *why = "has a last label that starts or ends with '-'";
    return SCAN_EPARSE;
}
