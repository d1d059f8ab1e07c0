/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * De-duplication: the tagged sets (the core hash table, and an arena for the
 * domain names), and the first pass (scan_targets_prepare()) that fills them and resolves every
 * overlap between ranges, singles and reserved blocks (see target.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/targets/target_int.h"

/* ------------------------------------------------------------------------- */
/* Tagged sets                                                               */

#define NAME_BLOCK 65536 /* bytes of one block of domain names */

void scan_kset_init(struct kset *s, size_t klen)
{
    scan_hashset_init(&s->h, klen + 4, klen, NULL);
    s->klen = klen;
}

void scan_kset_deinit(struct kset *s)
{
    scan_hashset_deinit(&s->h);
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

/* @return the tag of @p key, 0 when absent. */
uint32_t scan_kset_get(const struct kset *s, const uint8_t *key)
{
    const uint8_t *e = scan_hashset_find(&s->h, key);
    return e ? ent_tag(s, e) : 0;
}

/* Add @p key with @p tag unless present; @p old gets the tag it had (0: added). */
static int kset_add(struct kset *s, const uint8_t *key, uint32_t tag, uint32_t *old)
{
    void *e;
    int ret = scan_hashset_insert(&s->h, key, &e);

    *old = 0;
    if (ret < 0)
        return ret;
    if (ret == 1) {
        *old = ent_tag(s, e);
        return 0;
    }
    memcpy(e, key, s->klen);
    ent_set_tag(s, e, tag);
    return 0;
}

/* A name as dset looks it up: the name and its hash, computed once. */
struct dkey {
    const char *name;
    uint32_t hash;
};

static uint64_t dkey_hash(const void *key)
{
    return ((const struct dkey *)key)->hash;
}

static uint64_t dent_hash(const void *entry)
{
    return ((const struct dent *)entry)->hash;
}

static bool dent_match(const void *entry, const void *key)
{
    const struct dent *e = entry;
    const struct dkey *k = key;
    return e->hash == k->hash && strcmp(e->name, k->name) == 0;
}

static const struct scan_hashset_ops dset_ops = {dkey_hash, dent_hash, dent_match};

static struct dkey dkey_of(const char *name)
{
    struct dkey k = {name, (uint32_t)scan_hash_bytes(name, strlen(name), 0)};
    return k;
}

void scan_dset_init(struct dset *d)
{
    scan_hashset_init(&d->h, sizeof(struct dent), 0, &dset_ops);
    scan_arena_init(&d->names, NAME_BLOCK);
}

uint32_t scan_dset_get(const struct dset *d, const char *name)
{
    struct dkey k = dkey_of(name);
    const struct dent *e = scan_hashset_find(&d->h, &k);
    return e ? e->tag : 0;
}

static int dset_add(struct dset *d, const char *name, uint32_t tag, uint32_t *old)
{
    struct dkey k = dkey_of(name);
    struct dent *e;
    void *slot;
    int ret = scan_hashset_insert(&d->h, &k, &slot);

    *old = 0;
    if (ret < 0)
        return ret;
    e = slot;
    if (ret == 1) {
        *old = e->tag;
        return 0;
    }
    e->name = scan_arena_strdup(&d->names, name);
    if (!e->name) {
        scan_hashset_remove(&d->h, e);
        return -ENOMEM;
    }
    e->hash = k.hash;
    e->tag = tag;
    return 0;
}

void scan_dset_deinit(struct dset *d)
{
    scan_hashset_deinit(&d->h);
    scan_arena_deinit(&d->names);
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

    size_t pos = 0;
    uint8_t *e;

    while ((e = scan_hashset_next(&set->h, &pos))) {
        uint32_t tag = ent_tag(set, e);
        bool covered = false;
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
    uint64_t sum = scan_hashset_count(&ts->doms.h), before;
    int ret;

    ts->by_type[SCAN_T_DOMAIN] = sum;

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
