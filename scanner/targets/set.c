/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * De-duplication: the open-addressing hash sets and the name arena, and the
 * first pass (scan_targets_prepare()) that fills them and resolves every
 * overlap between ranges, singles and reserved blocks (see target.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/targets/target_int.h"

/* ------------------------------------------------------------------------- */
/* Hash sets                                                                  */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_bytes(const uint8_t *k, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, k, 8);
        h = mix64(h ^ v);
        k += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t v = 0;
        memcpy(&v, k, n);
        h = mix64(h ^ v);
    }
    return h;
}

void scan_kset_init(struct kset *s, size_t klen)
{
    memset(s, 0, sizeof(*s));
    s->klen = klen;
    s->esz = klen + 4;
}

void scan_kset_deinit(struct kset *s)
{
    free(s->slots);
    s->slots = NULL;
    s->cap = s->used = 0;
}

static uint32_t ent_tag(const struct kset *s, const uint8_t *e)
{
    uint32_t t;
    memcpy(&t, e + s->klen, 4);
    return t;
}

static void ent_set_tag(const struct kset *s, uint8_t *e, uint32_t t)
{
    memcpy(e + s->klen, &t, 4);
}

/* The entry holding @p key, or the empty slot where it belongs. cap must be > 0. */
static uint8_t *kset_slot(const struct kset *s, const uint8_t *key)
{
    size_t mask = s->cap - 1, i = (size_t)hash_bytes(key, s->klen) & mask;
    for (;;) {
        uint8_t *e = s->slots + i * s->esz;
        if (ent_tag(s, e) == 0 || memcmp(e, key, s->klen) == 0)
            return e;
        i = (i + 1) & mask;
    }
}

/* @return the tag of @p key, 0 when absent. */
uint32_t scan_kset_get(const struct kset *s, const uint8_t *key)
{
    return s->cap ? ent_tag(s, kset_slot(s, key)) : 0;
}

static int kset_grow(struct kset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 64;
    if (ncap > SIZE_MAX / s->esz)
        return -ENOMEM;
    struct kset n = *s;
    n.cap = ncap;
    n.slots = calloc(ncap, s->esz);
    if (!n.slots)
        return -ENOMEM;
    for (size_t i = 0; i < s->cap; i++) {
        const uint8_t *e = s->slots + i * s->esz;
        if (ent_tag(s, e))
            memcpy(kset_slot(&n, e), e, s->esz);
    }
    free(s->slots);
    *s = n;
    return 0;
}

/* Add @p key with @p tag unless present; @p old gets the tag it had (0: added). */
static int kset_add(struct kset *s, const uint8_t *key, uint32_t tag, uint32_t *old)
{
    if ((s->used + 1) * 4 > s->cap * 3) {
        int ret = kset_grow(s);
        if (ret)
            return ret;
    }
    uint8_t *e = kset_slot(s, key);
    *old = ent_tag(s, e);
    if (*old)
        return 0;
    memcpy(e, key, s->klen);
    ent_set_tag(s, e, tag);
    s->used++;
    return 0;
}

static uint32_t hash_name(const char *name)
{
    return (uint32_t)hash_bytes((const uint8_t *)name, strlen(name));
}

static struct dent *dset_slot(const struct dset *d, const char *name, uint32_t h)
{
    size_t mask = d->cap - 1, i = mix64(h) & mask;
    for (;;) {
        struct dent *e = &d->slots[i];
        if (e->tag == 0 || (e->hash == h && strcmp(e->name, name) == 0))
            return e;
        i = (i + 1) & mask;
    }
}

uint32_t scan_dset_get(const struct dset *d, const char *name)
{
    return d->cap ? dset_slot(d, name, hash_name(name))->tag : 0;
}

static const char *arena_strdup(struct dset *d, const char *s)
{
    size_t n = strlen(s) + 1;
    struct chunk *c = d->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = 65536 - sizeof(*c);
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->next = d->arena;
        c->used = 0;
        c->cap = cap;
        d->arena = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, n);
    c->used += n;
    return p;
}

static int dset_add(struct dset *d, const char *name, uint32_t tag, uint32_t *old)
{
    uint32_t h = hash_name(name);

    if ((d->used + 1) * 4 > d->cap * 3) {
        size_t ncap = d->cap ? d->cap * 2 : 64;
        struct dent *ns = calloc(ncap, sizeof(*ns));
        if (!ns)
            return -ENOMEM;
        struct dset n = {ns, ncap, d->used, d->arena};
        for (size_t i = 0; i < d->cap; i++)
            if (d->slots[i].tag)
                *dset_slot(&n, d->slots[i].name, d->slots[i].hash) = d->slots[i];
        free(d->slots);
        d->slots = ns;
        d->cap = ncap;
    }
    struct dent *e = dset_slot(d, name, h);
    *old = e->tag;
    if (*old)
        return 0;
    e->name = arena_strdup(d, name);
    if (!e->name)
        return -ENOMEM;
    e->hash = h;
    e->tag = tag;
    d->used++;
    return 0;
}

void scan_dset_deinit(struct dset *d)
{
    free(d->slots);
    while (d->arena) {
        struct chunk *next = d->arena->next;
        free(d->arena);
        d->arena = next;
    }
    memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------------------- */
/* First pass                                                                 */

bool scan_is_v4(enum scan_target_type type)
{
    return type == SCAN_T_IP4;
}

static unsigned min_prefix(enum scan_target_type type)
{
    return scan_is_v4(type) ? 8 : 112;
}

uint32_t scan_range_size(const struct range *r)
{
    return (uint32_t)1 << (scan_family_bits(r->type) - r->prefix);
}

/* Range index key: the prefix length, then the network. @return the key length. */
static size_t range_key(enum scan_target_type type, const uint8_t *addr, unsigned prefix,
                        uint8_t *key)
{
    size_t alen = scan_is_v4(type) ? 4 : 16;

    key[0] = (uint8_t)prefix;
    memcpy(key + 1, addr, alen);
    scan_mask_host(key + 1, (unsigned)alen * 8, prefix);
    return alen + 1;
}

/* The range whose network is @p addr cut to @p prefix, or NULL. */
struct range *scan_range_find(const struct scan_targets *ts, enum scan_target_type type,
                              const uint8_t *addr, unsigned prefix)
{
    uint8_t key[17];
    uint32_t tag;

    range_key(type, addr, prefix, key);
    tag = scan_kset_get(scan_is_v4(type) ? &ts->rix4 : &ts->rix6, key);
    return tag ? &ts->ranges[tag - 1] : NULL;
}

/* Remember one valid spec line and the seq it first appeared at. */
static int prep_spec(struct scan_targets *ts, const struct scan_spec *sp, const char *text)
{
    uint32_t seq, old;
    uint64_t nres;
    int ret;

    if (ts->nvalid >= SEQ_LIMIT) {
        char loc[1200];
        scan_src_where(ts, loc, sizeof(loc));
        scan_src_say(ts, true, "%s: too many targets (more than %u lines)", loc, SEQ_LIMIT);
        return -E2BIG;
    }
    seq = ts->nvalid++;
    if (sp->type == SCAN_T_DOMAIN)
        return dset_add(&ts->doms, sp->domain, seq + 1, &old);

    nres = scan_spec_reserved_count(sp);
    if (nres)
        scan_src_report_reserved(ts, text, sp, nres);
    if (nres == scan_spec_count(sp))
        return 0;
    if (sp->prefix == scan_family_bits(sp->type))
        return kset_add(scan_is_v4(sp->type) ? &ts->set4 : &ts->set6, sp->addr, seq + 1, &old);

    if (ts->nranges == ts->capranges) {
        size_t ncap = ts->capranges ? ts->capranges * 2 : 16;
        struct range *nr = realloc(ts->ranges, ncap * sizeof(*nr));
        if (!nr)
            return -ENOMEM;
        ts->ranges = nr;
        ts->capranges = ncap;
    }
    uint8_t key[17];
    range_key(sp->type, sp->addr, sp->prefix, key);
    ret = kset_add(scan_is_v4(sp->type) ? &ts->rix4 : &ts->rix6, key, (uint32_t)ts->nranges + 1,
                   &old);
    if (ret || old)
        return ret; /* an identical range came first */
    struct range *r = &ts->ranges[ts->nranges++];
    memset(r, 0, sizeof(*r));
    memcpy(r->addr, sp->addr, sizeof(r->addr));
    r->type = sp->type;
    r->prefix = sp->prefix;
    r->seq = seq;
    *(scan_is_v4(sp->type) ? &ts->pmask4 : &ts->pmask6) |= (uint64_t)1
                                                           << (sp->prefix - min_prefix(sp->type));
    return 0;
}

static int add_skip(struct range *r, uint32_t lo, uint32_t hi)
{
    if (r->nskip == r->capskip) {
        size_t ncap = r->capskip ? r->capskip * 2 : 4;
        struct skip *ns = realloc(r->skip, ncap * sizeof(*ns));
        if (!ns)
            return -ENOMEM;
        r->skip = ns;
        r->capskip = ncap;
    }
    r->skip[r->nskip].lo = lo;
    r->skip[r->nskip].hi = hi;
    r->nskip++;
    return 0;
}

/*
 * Every range strictly containing the block (@p addr, @p plen) first seen at
 * @p seq: an earlier one covers the block; a later one must jump over it.
 * One hash lookup per prefix length in use, whatever the number of ranges.
 */
static int mark_containers(struct scan_targets *ts, enum scan_target_type type, const uint8_t *addr,
                           unsigned plen, uint32_t seq, uint32_t width, bool *covered)
{
    unsigned lo = min_prefix(type);
    uint64_t m = scan_is_v4(type) ? ts->pmask4 : ts->pmask6;

    for (unsigned p = lo; p < plen && (m >> (p - lo)) != 0; p++) {
        if (!((m >> (p - lo)) & 1))
            continue;
        struct range *q = scan_range_find(ts, type, addr, p);
        if (!q)
            continue;
        if (q->seq < seq) {
            *covered = true;
        } else {
            uint32_t off = scan_tail32(type, addr) - scan_tail32(type, q->addr);
            int ret = add_skip(q, off, off + width);
            if (ret)
                return ret;
        }
    }
    return 0;
}

/* Flag singles inside an earlier range; count the others. */
static int mark_singles(struct scan_targets *ts, struct kset *set, enum scan_target_type type,
                        uint64_t *count)
{
    bool any = (scan_is_v4(type) ? ts->pmask4 : ts->pmask6) != 0;

    for (size_t i = 0; i < set->cap; i++) {
        uint8_t *e = set->slots + i * set->esz;
        uint32_t tag = ent_tag(set, e);
        bool covered = false;
        if (!tag)
            continue;
        if (any) {
            int ret = mark_containers(ts, type, e, scan_family_bits(type), tag - 1, 1, &covered);
            if (ret)
                return ret;
        }
        if (covered)
            ent_set_tag(set, e, tag | TAG_COVERED);
        else
            (*count)++;
    }
    return 0;
}

static int skip_cmp(const void *a, const void *b)
{
    const struct skip *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

/* Add the reserved blocks, sort and merge the skips; add the addresses left to walk
 * to @p count. @return 0 or -ENOMEM. */
static int settle_range(struct range *r, uint64_t *count)
{
    unsigned bits = scan_family_bits(r->type);
    int ret;

    for (size_t i = 0; i < scan_nresv; i++) {
        const struct resv *b = &scan_resv_tab[i];
        if (b->type != r->type || scan_block_rel(b->net, b->prefix, r->addr, r->prefix) != 1)
            continue;
        uint32_t off = scan_tail32(r->type, b->net) - scan_tail32(r->type, r->addr);
        ret = add_skip(r, off, off + ((uint32_t)1 << (bits - b->prefix)));
        if (ret)
            return ret;
    }
    uint64_t skipped = 0;
    size_t m = 0;
    if (r->nskip > 1)
        qsort(r->skip, r->nskip, sizeof(*r->skip), skip_cmp);
    for (size_t i = 0; i < r->nskip; i++) {
        if (m > 0 && r->skip[i].lo <= r->skip[m - 1].hi) {
            if (r->skip[i].hi > r->skip[m - 1].hi)
                r->skip[m - 1].hi = r->skip[i].hi;
        } else {
            r->skip[m++] = r->skip[i];
        }
    }
    r->nskip = m;
    for (size_t i = 0; i < m; i++)
        skipped += r->skip[i].hi - r->skip[i].lo;
    *count += scan_range_size(r) - skipped;
    return 0;
}

/* End of the first pass: resolve every overlap, count what next() will return. */
static int finalize(struct scan_targets *ts, uint64_t *total)
{
    uint64_t sum = ts->doms.used, before;
    int ret;

    ts->by_type[SCAN_T_DOMAIN] = ts->doms.used;

    for (size_t i = 0; i < ts->nranges; i++) {
        struct range *r = &ts->ranges[i];
        ret = mark_containers(ts, r->type, r->addr, r->prefix, r->seq, scan_range_size(r),
                              &r->covered);
        if (ret)
            return ret;
    }
    before = sum;
    ret = mark_singles(ts, &ts->set4, SCAN_T_IP4, &sum);
    if (ret)
        return ret;
    ts->by_type[SCAN_T_IP4] = sum - before;
    before = sum;
    ret = mark_singles(ts, &ts->set6, SCAN_T_IP6, &sum);
    if (ret)
        return ret;
    ts->by_type[SCAN_T_IP6] = sum - before;
    for (size_t i = 0; i < ts->nranges; i++) {
        struct range *r = &ts->ranges[i];
        if (r->covered) {
            free(r->skip);
            r->skip = NULL;
            r->nskip = r->capskip = 0;
            continue;
        }
        before = sum;
        ret = settle_range(r, &sum);
        if (ret)
            return ret;
        ts->by_type[r->type] += sum - before;
    }
    *total = sum;
    return 0;
}

int scan_targets_prepare(struct scan_targets *ts, uint64_t *total)
{
    struct scan_diag bad;
    struct scan_spec sp;
    const char *why;
    int ret = 0, ioret = 0;
    size_t n;

    *total = 0;
    if (ts->state != ST_NEW)
        return -EINVAL;
    ts->state = ST_FAILED;
    ts->fail_ret = -EINVAL;
    for (;;) {
        ret = scan_src_next(ts, true, &n, &why);
        if (ret == 0)
            break;
        if (ret < 0) {
            if (!ioret)
                ioret = ret;
            continue;
        }
        if (!why && scan_spec_parse(ts->line, &sp, &bad) != 0)
            why = bad.msg;
        /* A bad line is a warning in the stream (or counts towards SCAN_EPARSE
         * at the end), not this call's failure: it goes out through the message
         * callback, with where it was written, and the walk goes on. */
        if (why) {
            scan_src_report_bad(ts, ts->line, n, why);
            continue;
        }
        ret = prep_spec(ts, &sp, ts->line);
        if (ret)
            goto out;
    }
    if (ts->nbad > MAX_REPORTS)
        scan_src_say(ts, !ts->opts.skip_invalid, "... and %llu more",
                     (unsigned long long)(ts->nbad - MAX_REPORTS));
    if (ts->nres > MAX_REPORTS)
        scan_src_say(ts, false, "... and %llu more lines with reserved addresses skipped",
                     (unsigned long long)(ts->nres - MAX_REPORTS));
    ret = ioret;
    if (!ret && ts->nbad > 0 && !ts->opts.skip_invalid)
        ret = SCAN_EPARSE;
    if (ret)
        goto out;
    ret = finalize(ts, total);
    if (ret)
        goto out;
    /* Rewind the cursor for the second pass. */
    ts->si = 0;
    ts->nvalid = 0;
    ts->state = ST_READY;
out:
    if (ret)
        *total = 0;
    return ret;
}
