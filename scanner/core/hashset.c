/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scanner's one hash table (see hashset.h): linear probing over inline
 * entries, backward-shift removal.
 */
#include "scanner/core/hashset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

#define MIN_CAP 64

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

uint64_t scan_hash_bytes(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *k = p;
    uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL ^ n;
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

/* String keys (scan_hashset_str_ops): an entry starts with its key's pointer. */
static const char *entry_str(const void *entry)
{
    const char *str;
    memcpy(&str, entry, sizeof(str));
    return str;
}

static uint64_t str_key_hash(const void *key)
{
    return scan_hash_bytes(key, strlen(key), 0);
}

static uint64_t str_entry_hash(const void *entry)
{
    return str_key_hash(entry_str(entry));
}

static bool str_match(const void *entry, const void *key)
{
    return strcmp(entry_str(entry), key) == 0;
}

const struct scan_hashset_ops scan_hashset_str_ops = {str_key_hash, str_entry_hash, str_match};

void scan_hashset_init(struct scan_hashset *s, size_t esz, size_t klen,
                       const struct scan_hashset_ops *ops)
{
    SCAN_REQUIRE(esz > 0 && (ops || (klen > 0 && klen <= esz)));
    memset(s, 0, sizeof(*s));
    s->esz = esz;
    s->klen = klen;
    s->ops = ops;
}

void scan_hashset_deinit(struct scan_hashset *s)
{
    free(s->slots);
    s->slots = NULL;
    s->cap = s->used = 0;
}

/* Whether @p e has a non-zero byte: read by words, since every probe asks. */
static bool live(const struct scan_hashset *s, const unsigned char *e)
{
    size_t i = 0;
    for (; i + 8 <= s->esz; i += 8) {
        uint64_t v;
        memcpy(&v, e + i, 8);
        if (v)
            return true;
    }
    for (; i < s->esz; i++)
        if (e[i])
            return true;
    return false;
}

static uint64_t key_hash(const struct scan_hashset *s, const void *key)
{
    return s->ops ? s->ops->key_hash(key) : scan_hash_bytes(key, s->klen, 0);
}

static uint64_t entry_hash(const struct scan_hashset *s, const unsigned char *e)
{
    return s->ops ? s->ops->entry_hash(e) : scan_hash_bytes(e, s->klen, 0);
}

/* The live entry holding @p key, or the empty slot where it belongs. cap > 0. */
static unsigned char *probe(const struct scan_hashset *s, const void *key)
{
    size_t mask = s->cap - 1, i = (size_t)key_hash(s, key) & mask;
    for (;;) {
        unsigned char *e = s->slots + i * s->esz;
        if (!live(s, e))
            return e;
        if (s->ops ? s->ops->match(e, key) : memcmp(e, key, s->klen) == 0)
            return e;
        i = (i + 1) & mask;
    }
}

void *scan_hashset_find(const struct scan_hashset *s, const void *key)
{
    if (s->cap == 0)
        return NULL;
    unsigned char *e = probe(s, key);
    return live(s, e) ? e : NULL;
}

/* Double the capacity (or start at MIN_CAP) and put every entry back. */
static int grow(struct scan_hashset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : MIN_CAP;
    if (ncap < s->cap || ncap > SIZE_MAX / s->esz)
        return -ENOMEM;
    unsigned char *ns = calloc(ncap, s->esz);
    if (!ns)
        return -ENOMEM;
    for (size_t i = 0; i < s->cap; i++) {
        const unsigned char *e = s->slots + i * s->esz;
        if (!live(s, e))
            continue;
        size_t j = (size_t)entry_hash(s, e) & (ncap - 1);
        while (live(s, ns + j * s->esz))
            j = (j + 1) & (ncap - 1);
        memcpy(ns + j * s->esz, e, s->esz);
    }
    free(s->slots);
    s->slots = ns;
    s->cap = ncap;
    return 0;
}

int scan_hashset_insert(struct scan_hashset *s, const void *key, void **entry)
{
    *entry = NULL;
    /* Grow past 3/4 full (cap is 0 or a power of two >= 64: cap / 4 is exact). */
    if (s->used + 1 > s->cap - s->cap / 4) {
        int ret = grow(s);
        if (ret)
            return ret;
    }
    unsigned char *e = probe(s, key);
    *entry = e;
    if (live(s, e))
        return 1;
    s->used++;
    return 0;
}

/* Whether @p h lies in the cyclic interval (i, j]. */
static bool between(size_t i, size_t h, size_t j)
{
    return i <= j ? (i < h && h <= j) : (i < h || h <= j);
}

/*
 * Linear probing finds an entry by walking from its home slot to the first
 * empty one. Emptying slot i would cut that walk for entries behind it, so
 * each entry of the run after i whose home is not in (i, j] moves into the
 * hole, which moves to where it was (Knuth's algorithm R).
 */
void scan_hashset_remove(struct scan_hashset *s, void *entry)
{
    size_t mask = s->cap - 1;
    size_t i = (size_t)((unsigned char *)entry - s->slots) / s->esz, j = i;

    SCAN_REQUIRE(s->used > 0 && i < s->cap);
    for (;;) {
        j = (j + 1) & mask;
        unsigned char *e = s->slots + j * s->esz;
        if (!live(s, e))
            break;
        if (!between(i, (size_t)entry_hash(s, e) & mask, j)) {
            memcpy(s->slots + i * s->esz, e, s->esz);
            i = j;
        }
    }
    memset(s->slots + i * s->esz, 0, s->esz);
    s->used--;
}

void *scan_hashset_next(const struct scan_hashset *s, size_t *pos)
{
    for (; *pos < s->cap; (*pos)++) {
        unsigned char *e = s->slots + *pos * s->esz;
        if (live(s, e)) {
            (*pos)++;
            return e;
        }
    }
    return NULL;
}

size_t scan_hashset_count(const struct scan_hashset *s)
{
    return s->used;
}

size_t scan_hashset_footprint(const struct scan_hashset *s)
{
    return s->cap * s->esz;
}
