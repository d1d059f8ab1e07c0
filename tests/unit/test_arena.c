/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the arena (scanner/core/arena.h): alignment, growth across
 * blocks with every byte kept, large allocations beside the block being filled,
 * packed string copies, zeroing, sizes that overflow, and the one free.
 */
#include <criterion/criterion.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "scanner/core/arena.h"

static bool aligned(const void *p)
{
    return (uintptr_t)p % alignof(max_align_t) == 0;
}

Test(arena, zeroed_struct_is_an_empty_arena)
{
    struct scan_arena a = {0};

    cr_expect_eq(scan_arena_footprint(&a), 0);
    char *s = scan_arena_strdup(&a, "x");
    cr_assert_not_null(s);
    cr_expect_str_eq(s, "x");
    cr_expect_eq(scan_arena_footprint(&a), SCAN_ARENA_BLOCK_DEFAULT, "one default block");
    scan_arena_deinit(&a);
    cr_expect_eq(scan_arena_footprint(&a), 0);
    scan_arena_deinit(NULL);
}

Test(arena, every_allocation_is_aligned)
{
    struct scan_arena a;

    scan_arena_init(&a, 512);
    for (size_t size = 0; size < 200; size += 7) {
        cr_expect(aligned(scan_arena_alloc(&a, size)), "alloc %zu", size);
        cr_expect(aligned(scan_arena_calloc(&a, 1, size)), "calloc %zu", size);
        /* A string between them leaves the offset odd. */
        cr_assert_not_null(scan_arena_strdup(&a, "odd"));
        cr_expect(aligned(scan_arena_memdup(&a, "abcdef", 1 + size % 6)), "memdup %zu", size);
    }
    scan_arena_deinit(&a);
}

/* Many small objects spill over many blocks; each keeps its own bytes. */
Test(arena, growth_across_blocks_keeps_every_byte)
{
    enum { N = 2000, SZ = 40 };
    static unsigned char *p[N];
    struct scan_arena a;

    scan_arena_init(&a, 256);
    for (size_t i = 0; i < N; i++) {
        p[i] = scan_arena_alloc(&a, SZ);
        cr_assert_not_null(p[i]);
        memset(p[i], (int)(i & 0xff), SZ);
    }
    cr_expect_gt(scan_arena_footprint(&a), (size_t)N * SZ, "the blocks hold at least the data");
    cr_expect_lt(scan_arena_footprint(&a), (size_t)N * SZ * 2, "and not twice as much");
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < SZ; k++)
            cr_assert_eq(p[i][k], (unsigned char)(i & 0xff), "object %zu byte %zu", i, k);
    scan_arena_deinit(&a);
    cr_expect_eq(scan_arena_footprint(&a), 0);
    cr_expect_not_null(scan_arena_alloc(&a, 8), "usable again after deinit");
    scan_arena_deinit(&a);
}

Test(arena, large_allocation_leaves_the_block_being_filled)
{
    struct scan_arena a;

    scan_arena_init(&a, 1024);
    char *s1 = scan_arena_strdup(&a, "first");
    size_t before = scan_arena_footprint(&a);
    unsigned char *big = scan_arena_alloc(&a, 100000);
    cr_assert_not_null(big);
    cr_expect(aligned(big));
    memset(big, 0xab, 100000);
    cr_expect_geq(scan_arena_footprint(&a), before + 100000);
    char *s2 = scan_arena_strdup(&a, "second");
    cr_expect_eq(s2, s1 + strlen("first") + 1, "the small block is still the one filled");
    cr_expect_str_eq(s1, "first");
    cr_expect_eq(big[99999], 0xab);

    /* A block's worth or more, and exactly a quarter: both fit somewhere. */
    cr_expect_not_null(scan_arena_alloc(&a, 1024));
    cr_expect_not_null(scan_arena_alloc(&a, 1024 / 4));
    scan_arena_deinit(&a);
}

Test(arena, strdup_copies_and_packs)
{
    struct scan_arena a;
    char src[] = "mail.example.org";

    scan_arena_init(&a, 0);
    char *c1 = scan_arena_strdup(&a, src);
    char *c2 = scan_arena_strdup(&a, "");
    char *c3 = scan_arena_strdup(&a, "b");
    cr_assert(c1 && c2 && c3);
    cr_expect_neq(c1, src);
    src[0] = 'X';
    cr_expect_str_eq(c1, "mail.example.org", "a copy, not the caller's bytes");
    cr_expect_str_eq(c2, "");
    cr_expect_eq(c2, c1 + sizeof(src), "strings are packed: length and one NUL");
    cr_expect_eq(c3, c2 + 1);
    scan_arena_deinit(&a);
}

Test(arena, strndup_cuts)
{
    struct scan_arena a = {0};

    cr_expect_str_eq(scan_arena_strndup(&a, "example", 3), "exa");
    cr_expect_str_eq(scan_arena_strndup(&a, "ex", 10), "ex", "a NUL before n ends the copy");
    cr_expect_str_eq(scan_arena_strndup(&a, "a\0bc", 4), "a");
    cr_expect_str_eq(scan_arena_strndup(&a, "abc", 0), "");
    /* n need not be within the source when its NUL comes first. */
    char *p = scan_arena_strndup(&a, "xyz", SIZE_MAX);
    cr_expect_str_eq(p, "xyz");
    scan_arena_deinit(&a);
}

Test(arena, calloc_zeroes_and_memdup_copies)
{
    struct scan_arena a = {0};
    unsigned char dirty[64];

    /* Fill a block with non-zero bytes, then take zeroed memory from the same arena. */
    memset(dirty, 0x5a, sizeof(dirty));
    for (int i = 0; i < 10; i++)
        cr_assert_not_null(scan_arena_memdup(&a, dirty, sizeof(dirty)));
    unsigned char *z = scan_arena_calloc(&a, 25, 4);
    cr_assert_not_null(z);
    for (size_t i = 0; i < 100; i++)
        cr_assert_eq(z[i], 0);
    unsigned char *d = scan_arena_memdup(&a, dirty, sizeof(dirty));
    cr_expect_eq(memcmp(d, dirty, sizeof(dirty)), 0);
    cr_expect_neq(d, dirty);
    cr_expect_not_null(scan_arena_memdup(&a, NULL, 0), "an empty copy is still a pointer");
    scan_arena_deinit(&a);
}

Test(arena, zero_sizes_give_distinct_pointers)
{
    struct scan_arena a = {0};

    void *p = scan_arena_alloc(&a, 0), *q = scan_arena_alloc(&a, 0);
    void *r = scan_arena_calloc(&a, 0, 16);
    cr_assert(p && q && r);
    cr_expect_neq(p, q);
    cr_expect_neq(q, r);
    scan_arena_deinit(&a);
}

Test(arena, sizes_that_overflow_are_enomem)
{
    struct scan_arena a = {0};

    cr_expect_null(scan_arena_alloc(&a, SIZE_MAX));
    cr_expect_null(scan_arena_alloc(&a, SIZE_MAX - 8));
    cr_expect_null(scan_arena_calloc(&a, SIZE_MAX / 2, 4));
    cr_expect_null(scan_arena_calloc(&a, 4, SIZE_MAX / 2));
    cr_expect_eq(scan_arena_footprint(&a), 0, "nothing allocated for them");
    cr_expect_not_null(scan_arena_alloc(&a, 16), "the arena still works");
    scan_arena_deinit(&a);
}
