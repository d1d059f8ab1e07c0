/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * list_interpret(): what the A records of one DNSBL answer mean, from the
 * list's code table alone. Pure and allocation-free: the engine calls it for
 * every answer, and the unit tests call it with hand-written addresses.
 */
#include "scanner/catalog/catalog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scanner/core/err.h"

static const char unknown_code[] = "unknown code";
static const char outside[] = "not a DNSBL answer (outside 127.0.0.0/8)";
static const char *const unknown_bit[8] = {
    "unknown code bit 1",  "unknown code bit 2",  "unknown code bit 4",  "unknown code bit 8",
    "unknown code bit 16", "unknown code bit 32", "unknown code bit 64", "unknown code bit 128",
};

char *list_code_text(uint32_t code, char buf[LIST_CODE_TEXT])
{
    snprintf(buf, LIST_CODE_TEXT, "%u.%u.%u.%u", code >> 24, (code >> 16) & 0xff,
             (code >> 8) & 0xff, code & 0xff);
    return buf;
}

/* What one address contributes to the verdict, as bits. */
enum {
    F_LISTING = 1 << LIST_CODE_LISTING,
    F_ALLOW = 1 << LIST_CODE_ALLOW,
    F_INFO = 1 << LIST_CODE_INFO,
    F_REFUSAL = 1 << LIST_CODE_REFUSAL,
    F_INVALID = 1 << 4,
};

/* The pairs of one address go to @p out while there is room; the classes always go to
 * @p flags, so the verdict sees every meaning even when the report is truncated. */
struct sink {
    const char **out;
    size_t cap, n;
    unsigned flags;
    unsigned scopes; /* 1 << enum list_scope of every listing and informational meaning */
};

static void emit(struct sink *s, const char *meaning, enum list_code_class klass,
                 enum list_scope scope)
{
    s->flags |= 1u << klass;
    if (klass == LIST_CODE_LISTING || klass == LIST_CODE_INFO)
        s->scopes |= 1u << scope;
    if (s->n < s->cap)
        s->out[s->n] = meaning;
    s->n++;
}

bool list_is_allowlist(const struct list_entry *e)
{
    bool any = false;
    for (size_t i = 0; e && i < e->ncodes; i++) {
        if (e->codes[i].klass == LIST_CODE_REFUSAL)
            continue;
        if (e->codes[i].klass != LIST_CODE_ALLOW)
            return false;
        any = true;
    }
    return any;
}

/*
 * The list-wide rules: an allowlist never turns an unknown code into a
 * listing, and an informational list reports its listings as information.
 */
static enum list_code_class adjust(const struct list_entry *e, enum list_code_class k)
{
    if (k == LIST_CODE_LISTING && e->informational)
        return LIST_CODE_INFO;
    return k;
}

static enum list_code_class unknown_class(const struct list_entry *e, bool allowlist)
{
    return allowlist ? LIST_CODE_ALLOW : adjust(e, LIST_CODE_LISTING);
}

static bool has_masks(const struct list_entry *e)
{
    for (size_t i = 0; i < e->ncodes; i++)
        if (e->codes[i].is_mask)
            return true;
    return false;
}

/*
 * A mask answer, meaning by meaning in ascending bit order: at each value v
 * the rows whose mask is exactly v (when all their bits are set), then, if v
 * is a single bit that is set and no matching row covers, "unknown code bit v".
 */
static void decompose(const struct list_entry *e, unsigned last, bool allowlist, struct sink *s)
{
    unsigned covered = 0;
    for (size_t i = 0; i < e->ncodes; i++) {
        const struct list_code *c = &e->codes[i];
        if (c->is_mask && c->value && (last & c->value) == c->value)
            covered |= c->value;
    }
    for (unsigned v = 1; v <= 255; v++) {
        if ((v & ~last) != 0)
            continue;
        for (size_t i = 0; i < e->ncodes; i++) {
            const struct list_code *c = &e->codes[i];
            if (c->is_mask && c->value == v)
                emit(s, c->meaning, adjust(e, c->klass), c->scope);
        }
        if ((v & (v - 1)) == 0 && !(covered & v)) {
            unsigned bit = 0;
            while ((1u << bit) != v)
                bit++;
            emit(s, unknown_bit[bit], unknown_class(e, allowlist), e->scope);
        }
    }
}

/* Every meaning of one address: exact > longest net > masks > unknown. */
static void classify(const struct list_entry *e, uint32_t addr, bool allowlist, struct sink *s)
{
    if ((addr >> 24) != 127) {
        s->flags |= F_INVALID;
        if (s->n < s->cap)
            s->out[s->n] = outside;
        s->n++;
        return;
    }
    const struct list_code *best = NULL;
    for (size_t i = 0; i < e->ncodes; i++) {
        const struct list_code *c = &e->codes[i];
        if (c->is_mask || c->prefix > 32)
            continue;
        uint32_t m = c->prefix == 0 ? 0 : 0xffffffffu << (32 - c->prefix);
        if ((addr & m) == (c->value & m) && (!best || c->prefix > best->prefix))
            best = c;
    }
    if (best) {
        emit(s, best->meaning, adjust(e, best->klass), best->scope);
        return;
    }
    unsigned last = addr & 0xff;
    if ((addr & 0xffffff00u) == 0x7f000000u && last != 0 && has_masks(e)) {
        decompose(e, last, allowlist, s);
        return;
    }
    emit(s, unknown_code, unknown_class(e, allowlist), e->scope);
}

static enum list_verdict verdict_of(unsigned flags)
{
    if (flags & F_INVALID)
        return LIST_V_INVALID;
    if (flags & F_REFUSAL)
        return LIST_V_REFUSAL;
    if (flags & F_LISTING)
        return LIST_V_LISTED;
    if (flags & F_INFO)
        return LIST_V_INFO;
    if (flags & F_ALLOW)
        return LIST_V_ALLOW;
    return LIST_V_CLEAN;
}

static enum scan_class class_of(enum list_verdict v)
{
    switch (v) {
    case LIST_V_LISTED:
        return SCAN_CLASS_LISTING;
    case LIST_V_INFO:
        return SCAN_CLASS_INFO;
    case LIST_V_ALLOW:
        return SCAN_CLASS_ALLOW;
    default:
        return SCAN_CLASS_NONE;
    }
}

/*
 * Two passes: the verdict over every address, then the report, smallest
 * address first. Picking the next larger address with a scan keeps this
 * allocation-free whatever the answer size (the report holds at most
 * LIST_MAX_CODES pairs, so at most that many scans run).
 */
int list_interpret(const struct list_entry *e, const uint32_t *addrs, size_t n,
                   struct list_interp *out)
{
    if (!out)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    if (!e || !addrs || n == 0)
        return -EINVAL;

    bool allowlist = list_is_allowlist(e);
    struct sink all = {0};
    for (size_t i = 0; i < n; i++)
        classify(e, addrs[i], allowlist, &all);
    out->verdict = verdict_of(all.flags);
    out->klass = class_of(out->verdict);
    if (all.scopes & (1u << LIST_SCOPE_NONE)) /* an entry made without the loader */
        all.scopes |= 1u << LIST_SCOPE_IP;
    if (out->verdict == LIST_V_LISTED || out->verdict == LIST_V_INFO)
        for (enum list_scope sc = LIST_SCOPE_IP; sc <= LIST_SCOPE_ASN && !out->scope; sc++)
            if (all.scopes & (1u << sc))
                out->scope = sc;

    bool have_prev = false;
    uint32_t prev = 0;
    while (out->ncodes < LIST_MAX_CODES) {
        bool found = false;
        uint32_t next = 0;
        for (size_t i = 0; i < n; i++) {
            if (have_prev && addrs[i] <= prev)
                continue;
            if (!found || addrs[i] < next) {
                next = addrs[i];
                found = true;
            }
        }
        if (!found)
            break;
        const char *hits[LIST_MAX_CODES] = {0};
        struct sink s = {.out = hits, .cap = LIST_MAX_CODES - out->ncodes};
        classify(e, next, allowlist, &s);
        size_t k = s.n < s.cap ? s.n : s.cap;
        for (size_t j = 0; j < k; j++) {
            list_code_text(next, out->codes[out->ncodes]);
            out->meanings[out->ncodes] = hits[j];
            out->ncodes++;
        }
        prev = next;
        have_prev = true;
    }
    return 0;
}
