/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * --expand (see expand.h). Like every replay check, a run starts from scratch:
 * it walks MX, A and SPF as far as the view has answers, records every
 * question it is missing (all of one round at once, so a domain's MX hosts
 * and SPF includes are asked together), and only a run that is missing
 * nothing builds the report and the blocks.
 *
 * One file on purpose (over 600 lines): the MX, A and SPF sources share one address set
 * with its vias, caps and skipped list.
 */
#include "scanner/checks/expand.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/spf.h"
#include "scanner/core/arena.h"
#include "scanner/core/hashset.h"

#define MAX_DEPTH   10 /* include/redirect nesting */
#define MAX_LOOKUPS 10 /* DNS-querying SPF terms followed, as check_host() allows */
#define MAX_NOTES   50

unsigned scan_expand_parse(const char *s)
{
    unsigned bits = 0;
    const char *p = s;
    if (!s || !*s)
        return 0;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 2 && strncmp(p, "mx", 2) == 0)
            bits |= SCAN_EXPAND_MX;
        else if (n == 3 && strncmp(p, "spf", 3) == 0)
            bits |= SCAN_EXPAND_SPF;
        else if (n == 1 && p[0] == 'a')
            bits |= SCAN_EXPAND_A;
        else
            return 0;
        p += n;
        if (*p == ',' && *++p == '\0')
            return 0;
    }
    return bits;
}

void scan_expansion_free(struct scan_expansion *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++)
        free((char *)x->v[i].via);
    free(x->v);
    free(x);
}

/* One run of the expansion. */
struct xp {
    struct scan_view *v;
    const char *dom;
    unsigned cap4, cap6;
    bool missing;
    int err;                  /* -ENOMEM */
    enum scan_reason failed;  /* the first DNS failure */
    bool nxdomain;            /* the domain itself does not exist */
    struct scan_expansion *x; /* the blocks, in the order found */
    char *notes[MAX_NOTES];
    size_t nnotes, more_notes;
    unsigned lookups;
    const char *path[MAX_DEPTH + 1]; /* SPF domains on the include/redirect path */
    size_t depth;
};

static void note(struct xp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct xp *p, const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    if (p->nnotes == MAX_NOTES) {
        p->more_notes++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < p->nnotes; i++)
        if (strcmp(p->notes[i], buf) == 0)
            return;
    if (!(p->notes[p->nnotes] = strdup(buf)))
        p->err = -ENOMEM;
    else
        p->nnotes++;
}

/* (name, type), or NULL: missing (recorded), not askable (noted) or a failure
 * (recorded in p->failed). A void answer (NXDOMAIN, NODATA) is returned. */
static const struct scan_answer *get(struct xp *p, const char *name, uint16_t type)
{
    const struct scan_answer *a = NULL;
    int ret = scan_view_get(p->v, name, type, &a);
    if (ret == -EAGAIN) {
        p->missing = true;
        return NULL;
    }
    if (ret == -EINVAL) {
        note(p, "%s: not a name that can be looked up", name);
        return NULL;
    }
    if (ret != 0) {
        p->err = ret;
        return NULL;
    }
    enum scan_reason why = scan_reason_of_dns(a->status);
    if (why != SCAN_R_NONE) {
        if (!p->failed)
            p->failed = why;
        note(p, "%s %s: lookup failed (%s)", name,
             type == SCAN_TYPE_MX    ? "MX"
             : type == SCAN_TYPE_TXT ? "TXT"
             : type == SCAN_TYPE_A   ? "A"
                                     : "AAAA",
             scan_reason_word(why));
        return NULL;
    }
    if (a->status == SCAN_DNS_NXDOMAIN && strcasecmp(name, p->dom) == 0)
        p->nxdomain = true;
    return a;
}

static void block_text(enum scan_target_type type, const uint8_t *addr, unsigned plen, char *buf,
                       size_t len)
{
    char a[INET6_ADDRSTRLEN];
    inet_ntop(type == SCAN_T_IP4 ? AF_INET : AF_INET6, addr, a, sizeof(a));
    if (plen == (type == SCAN_T_IP4 ? 32u : 128u))
        snprintf(buf, len, "%s", a);
    else
        snprintf(buf, len, "%s/%u", a, plen);
}

/* Add the block (@p addr masked to @p plen) found by @p via, or note why not. */
static void add_block(struct xp *p, enum scan_target_type type, const uint8_t *addr, unsigned plen,
                      const char *via)
{
    unsigned bits = type == SCAN_T_IP4 ? 32 : 128, cap = type == SCAN_T_IP4 ? p->cap4 : p->cap6;
    uint8_t net[16] = {0};
    char text[INET6_ADDRSTRLEN + 8];
    if (plen > bits)
        plen = bits;
    memcpy(net, addr, bits / 8);
    for (unsigned i = plen; i < bits; i++)
        net[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
    block_text(type, net, plen, text, sizeof(text));
    if (plen < cap) {
        note(p, "%s %s: wider than /%u, not walked", via, text, cap);
        return;
    }
    if (plen == bits && scan_addr_reserved(type, net)) {
        note(p, "%s %s: a reserved address, not checked", via, text);
        return;
    }
    struct scan_expansion *x = p->x;
    if (x->n == x->cap) {
        size_t ncap = x->cap ? x->cap * 2 : 16;
        struct scan_expanded *nv = realloc(x->v, ncap * sizeof(*nv));
        if (!nv) {
            p->err = -ENOMEM;
            return;
        }
        x->v = nv;
        x->cap = ncap;
    }
    struct scan_expanded *e = &x->v[x->n];
    memset(e, 0, sizeof(*e));
    e->type = type;
    memcpy(e->addr, net, sizeof(net));
    e->plen = plen;
    if (!(e->via = strdup(via))) {
        p->err = -ENOMEM;
        return;
    }
    x->n++;
}

/* The A and AAAA of @p host as blocks of @p plen4 / @p plen6. Both are asked in
 * one round. */
static void host_addrs(struct xp *p, const char *host, unsigned plen4, unsigned plen6,
                       const char *via)
{
    const struct scan_answer *a4 = get(p, host, SCAN_TYPE_A);
    const struct scan_answer *a6 = get(p, host, SCAN_TYPE_AAAA);
    const struct scan_answer *both[2] = {a4, a6};
    size_t found = 0;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; both[k] && both[k]->status == SCAN_DNS_OK && i < both[k]->n; i++) {
            const struct scan_rr *rr = &both[k]->rr[i];
            found++;
            if (rr->type == SCAN_TYPE_A)
                add_block(p, SCAN_T_IP4, rr->a4, plen4, via);
            else if (rr->type == SCAN_TYPE_AAAA)
                add_block(p, SCAN_T_IP6, rr->a6, plen6, via);
        }
    /* A name that does not resolve is said, never silently dropped. */
    if (a4 && a6 && found == 0)
        note(p, "%s: %s has no A or AAAA record%s", via, host,
             a4->status == SCAN_DNS_NXDOMAIN ? " (it does not exist)" : "");
}

static bool ip_literal(const char *name)
{
    uint8_t buf[16];
    return name[0] == '[' || inet_pton(AF_INET, name, buf) == 1 ||
           inet_pton(AF_INET6, name, buf) == 1;
}

/* Every MX exchange of @p domain: "@p prefix HOST". */
static void mx_hosts(struct xp *p, const char *domain, unsigned plen4, unsigned plen6,
                     const char *prefix)
{
    char via[600];
    const struct scan_answer *ma = get(p, domain, SCAN_TYPE_MX);
    for (size_t i = 0; ma && ma->status == SCAN_DNS_OK && i < ma->n; i++) {
        const char *host = ma->rr[i].type == SCAN_TYPE_MX ? ma->rr[i].target : NULL;
        if (!host || !*host)
            continue; /* the null MX: no mail, nothing sends for it */
        snprintf(via, sizeof(via), "%s %s", prefix, host);
        if (ip_literal(host)) {
            note(p, "%s: an IP literal, not a host name; not expanded", via);
            continue;
        }
        host_addrs(p, host, plen4, plen6, via);
    }
}

static void spf_walk(struct xp *p, const char *domain, const char *prefix);

/* The domain a term names: its argument, or the current domain. NULL (noted) when
 * the argument holds macros, which depend on the sender. */
static const char *term_target(struct xp *p, const struct spf_term *t, const char *domain,
                               const char *prefix)
{
    if (!t->arg)
        return domain;
    if (strchr(t->arg, '%')) {
        note(p, "%s %s: depends on the sender (a macro), not expanded", prefix, t->text);
        return NULL;
    }
    return t->arg;
}

/* Count a DNS-querying term. @return false past the limit (noted once). */
static bool lookup_ok(struct xp *p, const char *prefix, const struct spf_term *t)
{
    if (++p->lookups <= MAX_LOOKUPS)
        return true;
    note(p,
         "%s %s: past %d DNS-querying terms, not followed (check_host() gives permerror "
         "there)",
         prefix, t->text, MAX_LOOKUPS);
    return false;
}

static void spf_term(struct xp *p, const struct spf_term *t, const char *domain, const char *prefix)
{
    char via[600];
    const char *target;
    snprintf(via, sizeof(via), "%s %s", prefix, t->text);
    if (t->kind == SPF_TERM_REDIRECT || (t->kind == SPF_TERM_MECH && t->mech == SPF_MECH_INCLUDE)) {
        if (lookup_ok(p, prefix, t) && (target = term_target(p, t, domain, prefix)))
            spf_walk(p, target, via);
        return;
    }
    if (t->kind != SPF_TERM_MECH || t->qual != '+')
        return; /* modifiers; -, ~ and ? authorize nothing */
    unsigned c4 = t->cidr4 >= 0 ? (unsigned)t->cidr4 : 32;
    unsigned c6 = t->cidr6 >= 0 ? (unsigned)t->cidr6 : 128;
    switch (t->mech) {
    case SPF_MECH_IP4:
        add_block(p, SCAN_T_IP4, t->addr, c4, via);
        break;
    case SPF_MECH_IP6:
        add_block(p, SCAN_T_IP6, t->addr, c6, via);
        break;
    case SPF_MECH_A:
        if (lookup_ok(p, prefix, t) && (target = term_target(p, t, domain, prefix)))
            host_addrs(p, target, c4, c6, via);
        break;
    case SPF_MECH_MX:
        if (lookup_ok(p, prefix, t) && (target = term_target(p, t, domain, prefix)))
            mx_hosts(p, target, c4, c6, via);
        break;
    case SPF_MECH_PTR:
    case SPF_MECH_EXISTS:
        lookup_ok(p, prefix, t);
        note(p, "%s: depends on the connecting address, not expanded", via);
        break;
    default:
        break; /* all */
    }
}

/* The SPF record of @p domain, every term in order, the redirect last. */
static void spf_walk(struct xp *p, const char *domain, const char *prefix)
{
    for (size_t i = 0; i < p->depth; i++)
        if (strcasecmp(p->path[i], domain) == 0) {
            note(p, "%s: leads back to %s (a loop), not followed again", prefix, domain);
            return;
        }
    if (p->depth >= MAX_DEPTH) {
        note(p, "%s: nested deeper than %d, not followed", prefix, MAX_DEPTH);
        return;
    }
    const struct scan_answer *a = get(p, domain, SCAN_TYPE_TXT);
    if (!a || a->status != SCAN_DNS_OK)
        return;
    size_t count = 0;
    const struct scan_rr *rr = spf_select_record(a, &count);
    if (count > 1)
        note(p, "%s: %s has %zu SPF records, not walked", prefix, domain, count);
    if (count != 1)
        return;
    struct spf_record *rec = NULL;
    if (spf_record_parse(rr->txt, rr->txt_len, &rec) != 0) {
        p->err = -ENOMEM;
        return;
    }
    if (rec->nerrors)
        note(p, "%s: the SPF record of %s has syntax errors; its valid terms are used", prefix,
             domain);
    p->path[p->depth++] = domain;
    for (size_t i = 0; i < rec->nterms; i++)
        if ((int)i != rec->redirect)
            spf_term(p, &rec->terms[i], domain, prefix);
    if (rec->redirect >= 0 && rec->all < 0)
        spf_term(p, &rec->terms[rec->redirect], domain, prefix);
    p->depth--;
    spf_record_free(rec);
}

/* ---- the report ------------------------------------------------------------ */

struct addr_key {
    uint8_t type;
    uint8_t addr[16];
};

static int key_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct addr_key));
}

/* Distinct non-reserved addresses of the blocks. @return the count, or -ENOMEM. */
static long distinct(const struct scan_expansion *x)
{
    size_t total = 0, k = 0, n = 0;
    for (size_t i = 0; i < x->n; i++)
        total += (size_t)1 << ((x->v[i].type == SCAN_T_IP4 ? 32 : 128) - x->v[i].plen);
    struct addr_key *keys = malloc((total ? total : 1) * sizeof(*keys));
    if (!keys)
        return -ENOMEM;
    for (size_t i = 0; i < x->n; i++) {
        const struct scan_expanded *e = &x->v[i];
        size_t size = (size_t)1 << ((e->type == SCAN_T_IP4 ? 32 : 128) - e->plen);
        for (size_t off = 0; off < size; off++) {
            struct addr_key *key = &keys[k];
            memset(key, 0, sizeof(*key));
            key->type = (uint8_t)e->type;
            memcpy(key->addr, e->addr, 16);
            size_t last = e->type == SCAN_T_IP4 ? 3 : 15;
            unsigned low = (unsigned)(key->addr[last - 1] << 8 | key->addr[last]) + (unsigned)off;
            key->addr[last - 1] = (uint8_t)(low >> 8);
            key->addr[last] = (uint8_t)low;
            if (!scan_addr_reserved(e->type, key->addr))
                k++;
        }
    }
    qsort(keys, k, sizeof(*keys), key_cmp);
    for (size_t i = 0; i < k; i++)
        if (i == 0 || key_cmp(&keys[i], &keys[i - 1]) != 0)
            n++;
    free(keys);
    return (long)n;
}

static struct scan_report *make_report(struct xp *p, long naddr, bool resolve)
{
    struct scan_report *r = scan_report_new(p->dom, SCAN_CHECK_EXPAND);
    char text[INET6_ADDRSTRLEN + 8];
    if (!r)
        return NULL;
    if (p->failed)
        scan_report_status(r, SCAN_ST_ERROR, p->failed);
    else if (p->nxdomain && resolve)
        scan_report_status(r, SCAN_ST_ERROR, SCAN_R_NXDOMAIN); /* a host that is not there */
    else if (naddr > 0)
        scan_report_status(r, SCAN_ST_VALID, SCAN_R_NONE);
    else
        scan_report_status(r, SCAN_ST_NONE, p->nxdomain ? SCAN_R_NXDOMAIN : SCAN_R_NONE);
    scan_report_int(r, "addresses", naddr);
    scan_report_objv_init(r, "sources");
    /* One object per path, its blocks in the order found. */
    for (size_t i = 0; i < p->x->n; i++) {
        const char *via = p->x->v[i].via;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(p->x->v[k].via, via) == 0;
        if (seen)
            continue;
        struct scan_report_obj *o = scan_report_obj_add(r, "sources");
        scan_report_obj_str(o, "via", via);
        scan_report_obj_strv_init(o, "addresses");
        for (size_t k = i; k < p->x->n; k++) {
            const struct scan_expanded *e = &p->x->v[k];
            if (strcmp(e->via, via) != 0)
                continue;
            block_text(e->type, e->addr, e->plen, text, sizeof(text));
            scan_report_obj_strv_add(o, "addresses", text);
        }
    }
    scan_report_strv_init(r, "skipped");
    for (size_t i = 0; i < p->nnotes; i++)
        scan_report_strv_add(r, "skipped", p->notes[i]);
    if (p->more_notes) {
        snprintf(text, sizeof(text), "... and %zu more", p->more_notes);
        scan_report_strv_add(r, "skipped", text);
    }
    return r;
}

int scan_expand_check(struct scan_view *v, const char *domain, const struct scan_expand_opts *o,
                      struct scan_report **rep, struct scan_expansion **out)
{
    struct xp p = {.v = v, .dom = domain};
    struct scan_report *r = NULL;
    char prefix[300];
    int ret;

    if (!rep || !out)
        return -EINVAL;
    *rep = NULL;
    *out = NULL;
    if (!v || !domain || !o || !*domain || strlen(domain) > 253)
        return -EINVAL;
    /* Never wider than a /16 or a /112: 65,536 addresses a block at most. */
    p.cap4 = o->cap4 ? (o->cap4 < 16 ? 16 : o->cap4) : SCAN_EXPAND_CAP4;
    p.cap6 = o->cap6 ? (o->cap6 < 112 ? 112 : o->cap6) : SCAN_EXPAND_CAP6;
    if (!(p.x = calloc(1, sizeof(*p.x))))
        return -ENOMEM;
    if (o->what & SCAN_EXPAND_MX) {
        snprintf(prefix, sizeof(prefix), "%s mx", domain);
        mx_hosts(&p, domain, 32, 128, prefix);
    }
    if (o->what & SCAN_EXPAND_A) {
        snprintf(prefix, sizeof(prefix), "%s a", domain);
        host_addrs(&p, domain, 32, 128, prefix);
    }
    if (o->what & SCAN_EXPAND_SPF) {
        snprintf(prefix, sizeof(prefix), "%s spf", domain);
        spf_walk(&p, domain, prefix);
    }
    ret = p.err ? p.err : p.missing ? -EAGAIN : 0;
    if (ret == 0) {
        long n = distinct(p.x);
        r = n < 0 ? NULL : make_report(&p, n, o->resolve);
        if (!r || !scan_report_result(r))
            ret = -ENOMEM;
    }
    for (size_t i = 0; i < p.nnotes; i++)
        free(p.notes[i]);
    if (ret != 0) {
        scan_report_free(r);
        scan_expansion_free(p.x);
        return ret;
    }
    *rep = r;
    *out = p.x;
    return 0;
}

/* ---- the run's set of expanded addresses -------------------------------------- */

struct xent {
    uint8_t type; /* enum scan_target_type */
    uint8_t addr[16];
    bool taken;
    const char **via; /* interned strings */
    size_t nvia, capvia, more;
    char *more_text; /* "... and N more", when more > 0 */
};

/* An index slot: the address (type then bytes: the key) and its entry's place
 * in v, plus one (never 0: a live slot). */
struct xslot {
    uint8_t type;
    uint8_t addr[16];
    uint32_t n;
};
#define XSLOT_KEY (offsetof(struct xslot, addr) + 16)

struct scan_expand_set {
    struct xent *v; /* in the order added */
    size_t n, cap;
    struct scan_hashset index; /* struct xslot */
    struct scan_hashset strs;  /* interned via strings: const char * into mem */
    struct scan_arena mem;
};

int scan_expand_set_new(struct scan_expand_set **out)
{
    struct scan_expand_set *s = calloc(1, sizeof(*s));
    *out = s;
    if (!s)
        return -ENOMEM;
    scan_hashset_init(&s->index, sizeof(struct xslot), XSLOT_KEY, NULL);
    scan_hashset_init(&s->strs, sizeof(const char *), 0, &scan_hashset_str_ops);
    return 0;
}

void scan_expand_set_free(struct scan_expand_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].via);
        free(s->v[i].more_text);
    }
    scan_hashset_deinit(&s->strs);
    scan_hashset_deinit(&s->index);
    scan_arena_deinit(&s->mem);
    free(s->v);
    free(s);
}

/* The one copy of @p str, in the set's arena. NULL on ENOMEM. */
static const char *intern(struct scan_expand_set *s, const char *str)
{
    const char *copy;
    void *slot;
    int ret = scan_hashset_insert(&s->strs, str, &slot);
    if (ret == 1) {
        memcpy(&copy, slot, sizeof(copy));
        return copy;
    }
    if (ret < 0)
        return NULL;
    if (!(copy = scan_arena_strdup(&s->mem, str))) {
        scan_hashset_remove(&s->strs, slot);
        return NULL;
    }
    memcpy(slot, &copy, sizeof(copy));
    return copy;
}

static struct xslot xslot_of(uint8_t type, const uint8_t *addr)
{
    struct xslot k = {.type = type};
    memcpy(k.addr, addr, sizeof(k.addr));
    return k;
}

static long find(const struct scan_expand_set *s, uint8_t type, const uint8_t *addr)
{
    struct xslot k = xslot_of(type, addr);
    const struct xslot *e = scan_hashset_find(&s->index, &k);
    return e ? (long)e->n - 1 : -1;
}

/* A new entry at the end of v for the address @p k, which is not in the set yet,
 * and its index @p slot (fresh from scan_hashset_insert(), given back on ENOMEM). */
static int add_entry(struct scan_expand_set *s, void *slot, const struct xslot *k)
{
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 256;
        struct xent *nv = realloc(s->v, ncap * sizeof(*nv));
        if (!nv) {
            scan_hashset_remove(&s->index, slot);
            return -ENOMEM;
        }
        s->v = nv;
        s->cap = ncap;
    }
    struct xent *e = &s->v[s->n];
    memset(e, 0, sizeof(*e));
    e->type = k->type;
    memcpy(e->addr, k->addr, 16);
    struct xslot full = *k;
    full.n = (uint32_t)++s->n;
    memcpy(slot, &full, sizeof(full));
    return 0;
}

/* Add one address found by @p via. */
static int add_one(struct scan_expand_set *s, uint8_t type, const uint8_t *addr, const char *via)
{
    struct xslot k = xslot_of(type, addr);
    void *slot;
    int ret = scan_hashset_insert(&s->index, &k, &slot);
    if (ret == 0)
        ret = add_entry(s, slot, &k);
    if (ret < 0)
        return ret;
    struct xent *e = &s->v[((const struct xslot *)slot)->n - 1];
    for (size_t j = 0; j < e->nvia; j++)
        if (e->via[j] == via)
            return 0; /* interned: the same path twice */
    if (e->nvia == SCAN_EXPAND_VIA_MAX) {
        e->more++;
        return 0;
    }
    if (e->nvia == e->capvia) {
        size_t ncap = e->capvia ? e->capvia * 2 : 2;
        const char **nv = realloc(e->via, (ncap + 1) * sizeof(*nv)); /* + "... and N more" */
        if (!nv)
            return -ENOMEM;
        e->via = nv;
        e->capvia = ncap;
    }
    e->via[e->nvia++] = via;
    return 0;
}

int scan_expand_set_add(struct scan_expand_set *s, const struct scan_expansion *x)
{
    for (size_t i = 0; x && i < x->n; i++) {
        const struct scan_expanded *b = &x->v[i];
        const char *via = intern(s, b->via);
        unsigned bits = b->type == SCAN_T_IP4 ? 32 : 128;
        size_t size = (size_t)1 << (bits - b->plen), last = bits / 8 - 1;
        if (!via)
            return -ENOMEM;
        for (size_t off = 0; off < size; off++) {
            uint8_t a[16];
            memcpy(a, b->addr, 16);
            unsigned low = (unsigned)(a[last - 1] << 8 | a[last]) + (unsigned)off;
            a[last - 1] = (uint8_t)(low >> 8);
            a[last] = (uint8_t)low;
            if (scan_addr_reserved(b->type, a))
                continue;
            if (add_one(s, (uint8_t)b->type, a, via) != 0)
                return -ENOMEM;
        }
    }
    return 0;
}

size_t scan_expand_set_count(const struct scan_expand_set *s, uint64_t by_type[3])
{
    if (by_type) {
        by_type[0] = by_type[1] = by_type[2] = 0;
        for (size_t i = 0; i < s->n; i++)
            by_type[s->v[i].type]++;
    }
    return s->n;
}

long scan_expand_set_find(const struct scan_expand_set *s, const struct scan_target *t)
{
    if (!s || t->type == SCAN_T_DOMAIN)
        return -1;
    uint8_t a[16] = {0};
    memcpy(a, t->addr, t->type == SCAN_T_IP4 ? 4 : 16);
    return find(s, (uint8_t)t->type, a);
}

int scan_expand_set_get(struct scan_expand_set *s, size_t i, struct scan_target *t,
                        const char *const **via, size_t *nvia)
{
    struct xent *e = &s->v[i];
    memset(t, 0, sizeof(*t));
    t->type = (enum scan_target_type)e->type;
    memcpy(t->addr, e->addr, 16);
    inet_ntop(t->type == SCAN_T_IP4 ? AF_INET : AF_INET6, e->addr, t->text, sizeof(t->text));
    *nvia = e->nvia;
    if (e->more) {
        free(e->more_text);
        if (!(e->more_text = malloc(48)))
            return -ENOMEM;
        snprintf(e->more_text, 48, "... and %zu more", e->more);
        e->via[e->nvia] = e->more_text; /* room kept by add_one() */
        (*nvia)++;
    }
    *via = e->via;
    return 0;
}

bool scan_expand_set_take(struct scan_expand_set *s, size_t i)
{
    bool was = s->v[i].taken;
    s->v[i].taken = true;
    return was;
}
