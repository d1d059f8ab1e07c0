/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Target specs: the two passes behind scan_targets_prepare() (set.c) and
 * scan_targets_next() (here), and the lifecycle. Parsing one spec is in
 * spec.c, reading the sources in source.c.
 *
 * Both passes read the sources the same way and number the valid spec lines
 * in input order (the "seq"). The first pass keeps, per distinct target, the
 * seq of its first appearance: singles in one open-addressing hash set per
 * family, domains in a third, ranges in an array indexed by (prefix, network).
 * The second pass reads the lines again and returns a target only at the seq
 * the first pass recorded, which gives input order and dedup with no per-address
 * state. Memory grows with the number of distinct lines, never with range sizes.
 *
 * CIDR blocks are either nested or disjoint, so every overlap is known at the
 * end of the first pass: a range inside an earlier range is skipped whole; the
 * reserved blocks, the earlier ranges and the earlier singles inside a range
 * become a sorted list of [lo, hi) offsets the walk jumps over. The walk is a
 * counter and one comparison per address, and the total is exact.
 */
#include "scanner/targets/target.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/targets/target_int.h"

/* ------------------------------------------------------------------------- */
/* Second pass                                                                */

static char *put_octet(char *p, unsigned v)
{
    if (v >= 100) {
        *p++ = (char)('0' + v / 100);
        v %= 100;
        *p++ = (char)('0' + v / 10);
    } else if (v >= 10) {
        *p++ = (char)('0' + v / 10);
    }
    *p++ = (char)('0' + v % 10);
    return p;
}

static void fill_ip4(struct scan_target *t, uint32_t a)
{
    char *p = t->text;

    t->type = SCAN_T_IP4;
    memset(t->addr, 0, sizeof(t->addr));
    for (int i = 0; i < 4; i++) {
        t->addr[i] = (uint8_t)(a >> (24 - 8 * i));
        if (i > 0)
            *p++ = '.';
        p = put_octet(p, t->addr[i]);
    }
    *p = '\0';
}

static void fill_ip6(struct scan_target *t, const uint8_t *addr)
{
    t->type = SCAN_T_IP6;
    memcpy(t->addr, addr, sizeof(t->addr));
    inet_ntop(AF_INET6, t->addr, t->text, sizeof(t->text));
}

/* Address @p off of the range being walked. */
static void fill_walk(struct scan_target *t, const struct range *r, uint32_t off)
{
    if (scan_is_v4(r->type)) {
        fill_ip4(t, scan_tail32(SCAN_T_IP4, r->addr) + off);
    } else {
        uint8_t a[16];
        memcpy(a, r->addr, sizeof(a));
        uint32_t low = ((uint32_t)a[14] << 8 | a[15]) + off; /* a /112 at most: 16 bits */
        a[14] = (uint8_t)(low >> 8);
        a[15] = (uint8_t)low;
        fill_ip6(t, a);
    }
}

/*
 * A valid spec at @p seq: fill @p t when it is a single seen first here, start
 * the walk when it is a range seen first here. @return true when @p t was filled.
 */
static bool take_spec(struct scan_targets *ts, const struct scan_spec *sp, uint32_t seq,
                      struct scan_target *t)
{
    if (sp->type == SCAN_T_DOMAIN) {
        if (scan_dset_get(&ts->doms, sp->domain) != seq + 1)
            return false;
        t->type = SCAN_T_DOMAIN;
        memset(t->addr, 0, sizeof(t->addr));
        memcpy(t->text, sp->domain, strlen(sp->domain) + 1);
        return true;
    }
    if (sp->prefix == scan_family_bits(sp->type)) {
        /* Absent when reserved; TAG_COVERED makes the tag differ when in an earlier range. */
        if (scan_kset_get(scan_is_v4(sp->type) ? &ts->set4 : &ts->set6, sp->addr) != seq + 1)
            return false;
        if (scan_is_v4(sp->type))
            fill_ip4(t, scan_tail32(SCAN_T_IP4, sp->addr));
        else
            fill_ip6(t, sp->addr);
        return true;
    }
    const struct range *r = scan_range_find(ts, sp->type, sp->addr, sp->prefix);
    if (!r || r->seq != seq || r->covered)
        return false;
    ts->walk = r;
    ts->off = 0;
    ts->size = scan_range_size(r);
    ts->wskip = 0;
    return false;
}

/* A target is handed out while the cursor is on the spec that first named it. */
static void set_source(const struct scan_targets *ts, struct scan_target *t)
{
    t->source = ts->si;
    t->pool = ts->opts.pools ? ts->opts.pools[ts->si] : NULL;
}

int scan_targets_next(struct scan_targets *ts, struct scan_target *t)
{
    struct scan_spec sp;
    const char *why;
    size_t n;
    int ret;

    if (ts->state == ST_DONE)
        return 1;
    if (ts->state != ST_READY)
        return ts->state == ST_FAILED ? ts->fail_ret : -EINVAL;
    for (;;) {
        const struct range *r = ts->walk;
        if (r) {
            /* The skips are sorted and disjoint: one comparison per address. */
            while (ts->wskip < r->nskip && ts->off >= r->skip[ts->wskip].lo) {
                if (ts->off < r->skip[ts->wskip].hi)
                    ts->off = r->skip[ts->wskip].hi;
                ts->wskip++;
            }
            if (ts->off < ts->size) {
                fill_walk(t, r, ts->off++);
                set_source(ts, t);
                return 0;
            }
            ts->walk = NULL;
        }
        ret = scan_src_next(ts, false, &n, &why);
        if (ret == 0) {
            ts->state = ST_DONE;
            return 1;
        }
        if (ret < 0) {
            ts->state = ST_FAILED;
            ts->fail_ret = ret;
            return ret;
        }
        /* Bad lines were reported by the first pass (or the file changed: caught on open). */
        if (why || scan_spec_parse(ts->line, &sp, NULL) != 0 || ts->nvalid >= SEQ_LIMIT)
            continue;
        if (take_spec(ts, &sp, ts->nvalid++, t)) {
            set_source(ts, t);
            return 0;
        }
    }
}

/* ------------------------------------------------------------------------- */
/* Lifecycle                                                                  */

int scan_targets_new(char *const *specs, size_t n, const struct scan_target_opts *opts,
                     struct scan_targets **out)
{
    struct scan_targets *ts;
    bool stdin_seen = false;
    int ret = 0;

    *out = NULL;
    ts = calloc(1, sizeof(*ts));
    if (!ts)
        return -ENOMEM;
    if (opts)
        ts->opts = *opts;
    scan_kset_init(&ts->set4, 4);
    scan_kset_init(&ts->set6, 16);
    scan_kset_init(&ts->rix4, 5);
    scan_kset_init(&ts->rix6, 17);
    scan_dset_init(&ts->doms);
    ts->src = calloc(n ? n : 1, sizeof(*ts->src));
    if (!ts->src) {
        ret = -ENOMEM;
        goto out;
    }
    ts->nsrc = n;
    for (size_t i = 0; i < n; i++) {
        struct source *src = &ts->src[i];
        const char *s = specs[i];
        src->text = s;
        src->kind = SRC_ARG;
        if (strcmp(s, "-") == 0) {
            if (stdin_seen)
                src->bad = "standard input named more than once";
            else
                src->kind = SRC_STDIN;
            stdin_seen = true;
        } else if (s[0] == '@') {
            if (s[1] == '\0') {
                src->bad = "missing file name after '@'";
            } else {
                src->kind = SRC_FILE;
                src->path = s + 1;
            }
        }
    }
    *out = ts;
out:
    if (ret)
        scan_targets_free(ts);
    return ret;
}

void scan_targets_free(struct scan_targets *ts)
{
    if (!ts)
        return;
    if (ts->own)
        fclose(ts->own);
    for (size_t i = 0; ts->src && i < ts->nsrc; i++)
        if (ts->src[i].spool)
            fclose(ts->src[i].spool);
    free(ts->src);
    scan_kset_deinit(&ts->set4);
    scan_kset_deinit(&ts->set6);
    scan_kset_deinit(&ts->rix4);
    scan_kset_deinit(&ts->rix6);
    scan_dset_deinit(&ts->doms);
    for (size_t i = 0; i < ts->nranges; i++)
        free(ts->ranges[i].skip);
    free(ts->ranges);
    free(ts);
}

static int dent_by_tag(const void *a, const void *b)
{
    const struct dent *x = *(const struct dent *const *)a, *y = *(const struct dent *const *)b;
    return x->tag < y->tag ? -1 : x->tag > y->tag;
}

int scan_targets_domains(const struct scan_targets *ts, const char ***names, size_t *n)
{
    const struct scan_hashset *d = &ts->doms.h;
    const struct dent **v = NULL, *e;
    const char **out = NULL;
    size_t k = 0, pos = 0, used = scan_hashset_count(d);

    *names = NULL;
    *n = 0;
    if (ts->state != ST_READY && ts->state != ST_DONE)
        return -EINVAL;
    if (used == 0)
        return 0;
    v = malloc(used * sizeof(*v));
    out = malloc(used * sizeof(*out));
    if (!v || !out) {
        free(v);
        free(out);
        return -ENOMEM;
    }
    while ((e = scan_hashset_next(d, &pos)))
        v[k++] = e;
    /* The tag is the seq a name was first seen at: input order. */
    qsort(v, k, sizeof(*v), dent_by_tag);
    for (size_t i = 0; i < k; i++)
        out[i] = v[i]->name;
    free(v);
    *names = out;
    *n = k;
    return 0;
}

void scan_targets_count_by_type(const struct scan_targets *ts, uint64_t counts[3])
{
    for (int i = 0; i < 3; i++)
        counts[i] = ts->by_type[i];
}
