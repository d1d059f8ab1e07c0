/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the hash table (scanner/core/hashset.h): insert, find and
 * duplicates with bytes keys; growth with many keys and its memory bound;
 * caller ops with every hash colliding; removal inside runs that wrap around
 * the end of the array; walking; the shared ops for string keys; and the hash
 * function itself.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/hashset.h"

/* An IPv4-like entry: a 4-byte key and a 4-byte tag (0 never stored). */
struct kv {
    uint32_t key, tag;
};

static int put(struct scan_hashset *s, uint32_t key, uint32_t tag, uint32_t *old)
{
    void *e;
    int ret = scan_hashset_insert(s, &key, &e);
    if (ret == 1)
        *old = ((struct kv *)e)->tag;
    if (ret == 0) {
        struct kv v = {key, tag};
        memcpy(e, &v, sizeof(v));
        *old = 0;
    }
    return ret;
}

static uint32_t get(const struct scan_hashset *s, uint32_t key)
{
    const struct kv *e = scan_hashset_find(s, &key);
    return e ? e->tag : 0;
}

Test(hashset, insert_find_duplicate)
{
    struct scan_hashset s;
    uint32_t old;

    scan_hashset_init(&s, sizeof(struct kv), 4, NULL);
    cr_expect_eq(get(&s, 7), 0, "an empty table finds nothing");
    cr_expect_eq(scan_hashset_footprint(&s), 0, "and holds no memory");
    cr_expect_eq(put(&s, 7, 70, &old), 0);
    cr_expect_eq(put(&s, 8, 80, &old), 0);
    cr_expect_eq(put(&s, 7, 99, &old), 1, "a duplicate is found, not added");
    cr_expect_eq(old, 70, "and keeps its first tag");
    cr_expect_eq(get(&s, 7), 70);
    cr_expect_eq(get(&s, 8), 80);
    cr_expect_eq(get(&s, 9), 0);
    cr_expect_eq(scan_hashset_count(&s), 2);
    scan_hashset_deinit(&s);
    cr_expect_eq(scan_hashset_count(&s), 0);
    cr_expect_eq(get(&s, 7), 0, "empty and usable after deinit");
}

/* Keys that differ only after the first 8 bytes, and in their last byte. */
Test(hashset, long_bytes_keys)
{
    struct scan_hashset s;
    unsigned char a[21] = {0}, b[21] = {0};
    void *e;

    scan_hashset_init(&s, sizeof(a), 17, NULL);
    a[16] = 1;
    a[20] = 1; /* the tag, outside the key */
    b[16] = 2;
    b[20] = 2;
    cr_assert_eq(scan_hashset_insert(&s, a, &e), 0);
    memcpy(e, a, sizeof(a));
    cr_assert_eq(scan_hashset_insert(&s, b, &e), 0);
    memcpy(e, b, sizeof(b));
    unsigned char *fa = scan_hashset_find(&s, a), *fb = scan_hashset_find(&s, b);
    cr_assert(fa && fb && fa != fb);
    cr_expect_eq(fa[20], 1);
    cr_expect_eq(fb[20], 2);
    scan_hashset_deinit(&s);
}

Test(hashset, many_keys_grow_within_bounds)
{
    enum { N = 300000 };
    struct scan_hashset s;
    uint32_t old;

    scan_hashset_init(&s, sizeof(struct kv), 4, NULL);
    for (uint32_t i = 0; i < N; i++) {
        cr_assert_eq(put(&s, i * 2654435761u, i + 1, &old), 0, "key %u", i);
        size_t slots = scan_hashset_footprint(&s) / sizeof(struct kv);
        cr_assert_leq(scan_hashset_count(&s) * 4, slots * 3, "at most 3/4 full");
    }
    size_t slots = scan_hashset_footprint(&s) / sizeof(struct kv);
    cr_expect_eq(slots & (slots - 1), 0, "a power of two");
    cr_expect_leq(slots * 3, (size_t)N * 8, "at most 8/3 slots per key");
    for (uint32_t i = 0; i < N; i++)
        cr_assert_eq(get(&s, i * 2654435761u), i + 1, "key %u", i);
    cr_expect_eq(get(&s, 1), 0);
    cr_expect_eq(scan_hashset_count(&s), N);
    scan_hashset_deinit(&s);
}

/* ---- caller ops: every key hashes alike ------------------------------------ */

static uint64_t fixed_hash = 0;

struct obj {
    char name[16];
    int value;
};

static uint64_t obj_key_hash(const void *key)
{
    (void)key;
    return fixed_hash;
}

static uint64_t obj_entry_hash(const void *entry)
{
    (void)entry;
    return fixed_hash;
}

static bool obj_match(const void *entry, const void *key)
{
    const struct obj *o;
    memcpy(&o, entry, sizeof(o));
    return strcmp(o->name, key) == 0;
}

static const struct scan_hashset_ops obj_ops = {obj_key_hash, obj_entry_hash, obj_match};

static struct obj *oget(const struct scan_hashset *s, const char *name)
{
    struct obj *const *e = scan_hashset_find(s, name);
    return e ? *e : NULL;
}

static void oput(struct scan_hashset *s, struct obj *o)
{
    void *e;
    cr_assert_eq(scan_hashset_insert(s, o->name, &e), 0, "%s", o->name);
    memcpy(e, &o, sizeof(o));
}

static void oremove(struct scan_hashset *s, const char *name)
{
    void *e = scan_hashset_find(s, name);
    cr_assert_not_null(e, "%s", name);
    scan_hashset_remove(s, e);
}

Test(hashset, colliding_hashes_insert_find_remove)
{
    enum { N = 500 };
    static struct obj objs[N];
    struct scan_hashset s;

    fixed_hash = 12345;
    scan_hashset_init(&s, sizeof(struct obj *), 0, &obj_ops);
    for (int i = 0; i < N; i++) {
        snprintf(objs[i].name, sizeof(objs[i].name), "k%d", i);
        objs[i].value = i;
        oput(&s, &objs[i]);
    }
    for (int i = 0; i < N; i++)
        cr_assert_eq(oget(&s, objs[i].name), &objs[i], "%s", objs[i].name);
    for (int i = 0; i < N; i += 2)
        oremove(&s, objs[i].name);
    cr_expect_eq(scan_hashset_count(&s), N / 2);
    for (int i = 0; i < N; i++)
        cr_assert_eq(oget(&s, objs[i].name), i % 2 ? &objs[i] : NULL, "%s", objs[i].name);
    /* Removed keys can come back. */
    oput(&s, &objs[0]);
    cr_expect_eq(oget(&s, "k0"), &objs[0]);
    cr_expect_eq(oget(&s, "k1"), &objs[1]);
    scan_hashset_deinit(&s);
    cr_expect_eq(objs[3].value, 3, "the entries' objects stay the caller's");
}

/* A run that wraps from the last slot to the first: removing any one entry must
 * keep every other key reachable. Homes by the first character: 'a'..'d' in
 * slot 62 of 64, 'x' in 63, the rest in 0. Inserted in this order, a1 x2 e3 f4
 * c5 g6 sit in slots 62 63 0 1 2 3: removing x2 leaves e3 and f4 where they are
 * (at home), and moves c5 back into 63. */
static uint64_t home_of(const char *name)
{
    return name[0] <= 'd' ? 62 : name[0] == 'x' ? 63 : 0;
}

static uint64_t home_key_hash(const void *key)
{
    return home_of(key);
}

static uint64_t home_entry_hash(const void *entry)
{
    const struct obj *o;
    memcpy(&o, entry, sizeof(o));
    return home_of(o->name);
}

static const struct scan_hashset_ops home_ops = {home_key_hash, home_entry_hash, obj_match};

Test(hashset, remove_keeps_wrapped_runs_reachable)
{
    static const char *names[] = {"a1", "x2", "e3", "f4", "c5", "g6"};
    enum { N = sizeof(names) / sizeof(names[0]) };

    /* Remove each key in turn from a fresh table: the others stay found. */
    for (size_t r = 0; r < N; r++) {
        static struct obj objs[N];
        struct scan_hashset s;

        scan_hashset_init(&s, sizeof(struct obj *), 0, &home_ops);
        for (size_t i = 0; i < N; i++) {
            snprintf(objs[i].name, sizeof(objs[i].name), "%s", names[i]);
            oput(&s, &objs[i]);
        }
        oremove(&s, names[r]);
        for (size_t i = 0; i < N; i++)
            cr_assert_eq(oget(&s, names[i]), i == r ? NULL : &objs[i], "removed %s, looked up %s",
                         names[r], names[i]);
        cr_expect_eq(scan_hashset_count(&s), N - 1);
        scan_hashset_deinit(&s);
    }
}

Test(hashset, random_removals_match_a_reference)
{
    enum { N = 20000 };
    static bool present[N];
    struct scan_hashset s;
    uint32_t old;
    unsigned seed = 1;

    scan_hashset_init(&s, sizeof(struct kv), 4, NULL);
    for (int round = 0; round < 4 * N; round++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t k = (seed >> 8) % N;
        if (present[k]) {
            void *e = scan_hashset_find(&s, &k);
            cr_assert_not_null(e);
            scan_hashset_remove(&s, e);
            present[k] = false;
        } else {
            cr_assert_eq(put(&s, k, k + 1, &old), 0);
            present[k] = true;
        }
    }
    size_t n = 0;
    for (uint32_t k = 0; k < N; k++) {
        cr_assert_eq(get(&s, k), present[k] ? k + 1 : 0, "key %u", k);
        n += present[k];
    }
    cr_expect_eq(scan_hashset_count(&s), n);
    scan_hashset_deinit(&s);
}

Test(hashset, a_fresh_slot_can_be_given_back)
{
    struct scan_hashset s;
    uint32_t old, k = 5;
    void *e;

    scan_hashset_init(&s, sizeof(struct kv), 4, NULL);
    put(&s, 4, 40, &old);
    cr_assert_eq(scan_hashset_insert(&s, &k, &e), 0);
    scan_hashset_remove(&s, e); /* e.g. the copy of its name failed */
    cr_expect_eq(scan_hashset_count(&s), 1);
    cr_expect_eq(get(&s, 5), 0);
    cr_expect_eq(get(&s, 4), 40);
    scan_hashset_deinit(&s);
}

Test(hashset, walk_visits_each_live_entry_once)
{
    enum { N = 1000 };
    static int seen[N + 1];
    struct scan_hashset s;
    uint32_t old;
    size_t pos = 0;
    struct kv *e;

    scan_hashset_init(&s, sizeof(struct kv), 4, NULL);
    for (uint32_t i = 1; i <= N; i++)
        put(&s, i, i, &old);
    while ((e = scan_hashset_next(&s, &pos))) {
        cr_assert(e->tag >= 1 && e->tag <= N);
        seen[e->tag]++;
        e->tag |= 0x80000000u; /* non-key bytes may change in place */
    }
    for (uint32_t i = 1; i <= N; i++) {
        cr_assert_eq(seen[i], 1, "key %u", i);
        cr_assert_eq(get(&s, i), i | 0x80000000u);
    }
    scan_hashset_deinit(&s);
    pos = 0;
    cr_expect_null(scan_hashset_next(&s, &pos), "an empty table has nothing to walk");
}

/* ---- string keys (scan_hashset_str_ops) ------------------------------------ */

struct sent {
    const char *name; /* the key: the entry's own copy */
    int value;
};

Test(hashset, string_keys_compare_by_content)
{
    static const char *names[] = {"example.org", "example.org.",
                                  "Example.org", "",
                                  "a",           "a-much-longer-name-than-eight-bytes.example"};
    enum { N = sizeof(names) / sizeof(names[0]) };
    struct scan_hashset s;
    char copy[64];
    void *e;

    scan_hashset_init(&s, sizeof(struct sent), 0, &scan_hashset_str_ops);
    cr_expect_null(scan_hashset_find(&s, "example.org"), "an empty table finds nothing");
    for (int i = 0; i < N; i++) {
        cr_assert_eq(scan_hashset_insert(&s, names[i], &e), 0, "'%s'", names[i]);
        struct sent v = {names[i], i + 1};
        memcpy(e, &v, sizeof(v));
    }
    for (int i = 0; i < N; i++) {
        /* A different buffer with the same bytes finds the entry and its own copy. */
        snprintf(copy, sizeof(copy), "%s", names[i]);
        const struct sent *f = scan_hashset_find(&s, copy);
        cr_assert_not_null(f, "'%s'", names[i]);
        cr_expect_eq(f->name, names[i], "the entry keeps its own pointer");
        cr_expect_eq(f->value, i + 1, "'%s'", names[i]);
    }
    cr_expect_null(scan_hashset_find(&s, "example.or"), "a prefix is another key");
    cr_expect_null(scan_hashset_find(&s, "EXAMPLE.ORG"), "so is another case");
    snprintf(copy, sizeof(copy), "%s", "example.org");
    cr_expect_eq(scan_hashset_insert(&s, copy, &e), 1, "a duplicate is found, not added");
    cr_expect_eq(((struct sent *)e)->value, 1);
    cr_expect_eq(scan_hashset_count(&s), N);
    scan_hashset_remove(&s, scan_hashset_find(&s, ""));
    cr_expect_null(scan_hashset_find(&s, ""), "the empty string was a key like any other");
    cr_expect_not_null(scan_hashset_find(&s, "a"));
    scan_hashset_deinit(&s);
}

Test(hashset, string_keys_survive_growth)
{
    enum { N = 5000 };
    static char names[N][16];
    struct scan_hashset s;
    void *e;

    scan_hashset_init(&s, sizeof(const char *), 0, &scan_hashset_str_ops);
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "h%d.example", i);
        cr_assert_eq(scan_hashset_insert(&s, names[i], &e), 0);
        const char *p = names[i];
        memcpy(e, &p, sizeof(p));
    }
    cr_expect_gt(scan_hashset_footprint(&s), 64 * sizeof(const char *), "the table grew");
    for (int i = 0; i < N; i++) {
        char key[16];
        snprintf(key, sizeof(key), "h%d.example", i);
        const char *const *f = scan_hashset_find(&s, key);
        cr_assert(f && *f == names[i], "%s", key);
    }
    cr_expect_null(scan_hashset_find(&s, "h5000.example"));
    scan_hashset_deinit(&s);
}

Test(hashset, hash_bytes)
{
    cr_expect_eq(scan_hash_bytes("example.org", 11, 0), scan_hash_bytes("example.org", 11, 0));
    cr_expect_neq(scan_hash_bytes("example.org", 11, 0), scan_hash_bytes("example.org", 11, 1),
                  "the seed counts");
    cr_expect_neq(scan_hash_bytes("a", 1, 0), scan_hash_bytes("a\0", 2, 0), "so does the length");
    cr_expect_neq(scan_hash_bytes("0123456789", 10, 0), scan_hash_bytes("0123456788", 10, 0),
                  "and the tail after 8 bytes");
    cr_expect_neq(scan_hash_bytes("", 0, 0), 0);
}
