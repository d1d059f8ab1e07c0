/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scanner's one arena (a region, as Unbound's util/regional.h calls it):
 * memory that lives as long as its owner and is released in one call. A block
 * is filled by bumping an offset; a full one is chained behind a fresh one; an
 * allocation bigger than a quarter of a block gets a block of its own, so the
 * block being filled is not abandoned for it.
 *
 * Usage:
 * @code
 *   struct scan_arena a;
 *   scan_arena_init(&a, 0);                        // default block size
 *   struct list_code *v = scan_arena_calloc(&a, n, sizeof(*v));
 *   char *name = scan_arena_strdup(&a, "example.org");
 *   if (!v || !name) { scan_arena_deinit(&a); return -ENOMEM; }
 *   ...
 *   scan_arena_deinit(&a);                         // every allocation at once
 * @endcode
 *
 * Nothing is freed on its own. A zeroed struct scan_arena is an empty arena
 * with the default block size, so an arena inside a calloc'd owner needs no
 * init call. Size arithmetic is checked: a size that cannot be represented is
 * ENOMEM like any other failed allocation.
 */
#ifndef SCANNER_CORE_ARENA_H
#define SCANNER_CORE_ARENA_H

#include <stddef.h>

/** Bytes of an ordinary block (its header included) when init is given 0. */
#define SCAN_ARENA_BLOCK_DEFAULT 16384

struct scan_arena_block; /* arena.c */

/** Caller-owned storage: the fields are private (use the functions below). */
struct scan_arena {
    struct scan_arena_block *head; /**< the block being filled, then the others */
    size_t block_size;             /**< bytes of an ordinary block; 0: the default */
};

/**
 * Make @p a an empty arena. Nothing is allocated until the first allocation.
 * @param[out] a the arena
 * @param[in] block_size bytes of an ordinary block, header included (0: the
 *            default; smaller than 256: 256)
 */
void scan_arena_init(struct scan_arena *a, size_t block_size);

/**
 * Free every block of @p a, which is left empty and usable. Every pointer it
 * handed out is invalid afterwards. @p a may be NULL.
 */
void scan_arena_deinit(struct scan_arena *a);

/**
 * @p size bytes, uninitialised, aligned for any object (max_align_t).
 * @return memory owned by @p a (valid until scan_arena_deinit()), or NULL on
 *         ENOMEM. A size of 0 gives a distinct valid pointer.
 */
void *scan_arena_alloc(struct scan_arena *a, size_t size);

/**
 * @p n objects of @p size bytes, zeroed, aligned for any object.
 * @return memory owned by @p a, or NULL on ENOMEM (including @p n * @p size
 *         overflowing).
 */
void *scan_arena_calloc(struct scan_arena *a, size_t n, size_t size);

/**
 * A copy of @p n bytes at @p p, aligned for any object.
 * @return memory owned by @p a, or NULL on ENOMEM.
 */
void *scan_arena_memdup(struct scan_arena *a, const void *p, size_t n);

/**
 * A copy of the string @p s. Strings are packed (byte-aligned), so a set of
 * names costs their lengths and one NUL each.
 * @return a string owned by @p a, or NULL on ENOMEM.
 */
char *scan_arena_strdup(struct scan_arena *a, const char *s);

/**
 * A copy of at most @p n bytes of @p s (fewer when a NUL comes first), then a
 * NUL. Byte-aligned like scan_arena_strdup().
 * @return a string owned by @p a, or NULL on ENOMEM.
 */
char *scan_arena_strndup(struct scan_arena *a, const char *s, size_t n);

/** @return the bytes @p a holds from malloc (blocks and their headers). */
size_t scan_arena_footprint(const struct scan_arena *a);

#endif
