/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scanner's one hash table: fixed-size entries stored inline in one array,
 * open addressing with linear probing, at most 3/4 full, removal by shifting
 * the entries behind back (no tombstones, so a table whose entries come and go
 * never fills up with dead slots).
 *
 * An entry is whatever the caller stores: a key and a tag (the target sets), a
 * pointer to an object it owns (the engine's answer cache). The table owns only
 * its array; what an entry points to stays the caller's. Three kinds of key:
 * - bytes: ops is NULL and the key is the entry's first klen bytes, compared
 *   with memcmp and hashed with scan_hash_bytes();
 * - strings: ops is &scan_hashset_str_ops, the key is a NUL-terminated string
 *   and an entry starts with a pointer to its own copy of it;
 * - anything else: the caller's ops hash a key, hash an entry and match them.
 *
 * An entry whose bytes are all zero is an empty slot: a live entry must have a
 * non-zero byte (a non-NULL pointer, a non-zero tag).
 *
 * Memory: capacity is a power of two (64 at first) doubled when an insert
 * would pass 3/4, so a table of n entries holds between 4n/3 and 8n/3 slots of
 * esz bytes (and at least 64), and nothing else: no malloc per entry.
 *
 * Usage (bytes keys with a 4-byte tag behind them):
 * @code
 *   struct scan_hashset s;
 *   scan_hashset_init(&s, 4 + 4, 4, NULL);
 *   void *e;
 *   int ret = scan_hashset_insert(&s, addr, &e);
 *   if (ret == 0) { memcpy(e, addr, 4); memcpy((char *)e + 4, &tag, 4); }
 *   ...
 *   scan_hashset_deinit(&s);
 * @endcode
 */
#ifndef SCANNER_CORE_HASHSET_H
#define SCANNER_CORE_HASHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * A 64-bit hash of @p n bytes at @p p (a multiply-xorshift mix of 8-byte
 * words), different for each @p seed. Not for keys an adversary picks to
 * collide: the scanner's keys are its own addresses and names, and a probe
 * sequence is bounded by the load factor.
 */
uint64_t scan_hash_bytes(const void *p, size_t n, uint64_t seed);

/** How a table with keys other than bytes hashes and compares. */
struct scan_hashset_ops {
    /** The hash of @p key, as given to find and insert. */
    uint64_t (*key_hash)(const void *key);
    /** The hash of the key a live @p entry holds (equal to key_hash of that key). */
    uint64_t (*entry_hash)(const void *entry);
    /** Whether the live @p entry holds @p key. */
    bool (*match)(const void *entry, const void *key);
};

/**
 * Ops for string keys: the key given to find and insert is the string itself
 * (a `const char *`), and a live entry starts with a `const char *` to an equal
 * string (the entry's own copy, which must outlive it: an arena's, say). Keys
 * compare with strcmp and hash with scan_hash_bytes(key, strlen(key), 0).
 *
 * @code
 *   struct name_ent { const char *name; int value; };
 *   scan_hashset_init(&s, sizeof(struct name_ent), 0, &scan_hashset_str_ops);
 *   struct name_ent *e = scan_hashset_find(&s, "example.org");
 * @endcode
 */
extern const struct scan_hashset_ops scan_hashset_str_ops;

/** Caller-owned storage: the fields are private (use the functions below). */
struct scan_hashset {
    unsigned char *slots;               /**< cap entries of esz bytes */
    size_t cap, used;                   /**< cap: 0 or a power of two */
    size_t esz, klen;                   /**< entry size; key size (bytes keys) */
    const struct scan_hashset_ops *ops; /**< NULL: bytes keys (borrowed, static) */
};

/**
 * Make @p s an empty table; nothing is allocated until the first insert.
 * @param[out] s the table
 * @param[in] esz bytes of an entry (> 0)
 * @param[in] klen bytes keys: the key length (1..esz); ignored with @p ops
 * @param[in] ops NULL for bytes keys; else borrowed for the table's life
 */
void scan_hashset_init(struct scan_hashset *s, size_t esz, size_t klen,
                       const struct scan_hashset_ops *ops);

/** Free the array; @p s is left empty and usable. Entries' pointees are not freed. */
void scan_hashset_deinit(struct scan_hashset *s);

/**
 * @return the live entry holding @p key (borrowed: valid until the next
 *         insert or remove; its non-key bytes may be changed in place), or
 *         NULL when absent.
 */
void *scan_hashset_find(const struct scan_hashset *s, const void *key);

/**
 * Find @p key or make room for it.
 * @param[out] entry the entry holding @p key (return 1), or a fresh all-zero
 *             slot for it (return 0): the caller fills it with a live entry
 *             holding @p key before any other call on @p s, or gives it back
 *             with scan_hashset_remove(). Borrowed like find's.
 * @return 0 (a fresh slot), 1 (already there), or -ENOMEM (@p s unchanged).
 */
int scan_hashset_insert(struct scan_hashset *s, const void *key, void **entry);

/** Remove @p entry (from find, insert or next): the other entries may move. */
void scan_hashset_remove(struct scan_hashset *s, void *entry);

/**
 * Walk the live entries in table order: start with *@p pos = 0.
 * @return the next live entry (its non-key bytes may be changed in place), or
 *         NULL at the end. No insert or remove during a walk.
 */
void *scan_hashset_next(const struct scan_hashset *s, size_t *pos);

/** @return the number of live entries. */
size_t scan_hashset_count(const struct scan_hashset *s);

/** @return the bytes of the array (capacity times entry size). */
size_t scan_hashset_footprint(const struct scan_hashset *s);

#endif
