/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scanner's one arena (see arena.h): chained blocks filled by bumping an
 * offset, freed together.
 */
#include "scanner/core/arena.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MIN_BLOCK 256

struct scan_arena_block {
    struct scan_arena_block *next;
    size_t used, cap; /* bytes of data[] */
    max_align_t data[];
};

void scan_arena_init(struct scan_arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size;
}

void scan_arena_deinit(struct scan_arena *a)
{
    if (!a)
        return;
    while (a->head) {
        struct scan_arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* Bytes of data in an ordinary block. */
static size_t block_room(const struct scan_arena *a)
{
    size_t bytes = a->block_size ? a->block_size : SCAN_ARENA_BLOCK_DEFAULT;
    if (bytes < MIN_BLOCK)
        bytes = MIN_BLOCK;
    return bytes - sizeof(struct scan_arena_block);
}

/*
 * @p size bytes at a multiple of @p align (a power of two, at most
 * alignof(max_align_t)) from the start of a block's data, which malloc aligned
 * for any object. The head block is the one being filled. When it has no room,
 * a small request starts a new head, and the old head keeps its unused tail (at
 * most a quarter of a block, since larger requests never come here); a large
 * one gets a block of its own behind the head, which stays the one being
 * filled.
 */
static void *take(struct scan_arena *a, size_t size, size_t align)
{
    struct scan_arena_block *b = a->head, *nb;
    size_t room = block_room(a);

    if (size == 0)
        size = 1;
    if (b) {
        size_t pad = (align - b->used % align) % align;
        size_t left = b->cap - b->used;
        if (left >= pad && left - pad >= size) {
            void *p = (char *)b->data + b->used + pad;
            b->used += pad + size;
            return p;
        }
    }
    bool large = size > room / 4;
    size_t cap = large ? size : room;
    if (cap > SIZE_MAX - sizeof(*nb))
        return NULL;
    nb = malloc(sizeof(*nb) + cap);
    if (!nb)
        return NULL;
    nb->cap = cap;
    nb->used = size;
    if (large && b) {
        nb->next = b->next;
        b->next = nb;
    } else {
        nb->next = b;
        a->head = nb;
    }
    return nb->data;
}

void *scan_arena_alloc(struct scan_arena *a, size_t size)
{
    return take(a, size, alignof(max_align_t));
}

void *scan_arena_calloc(struct scan_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = take(a, n * size, alignof(max_align_t));
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *scan_arena_memdup(struct scan_arena *a, const void *p, size_t n)
{
    void *d = take(a, n, alignof(max_align_t));
    if (d && n)
        memcpy(d, p, n);
    return d;
}

char *scan_arena_strndup(struct scan_arena *a, const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    if (len == SIZE_MAX)
        return NULL;
    char *d = take(a, len + 1, 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

char *scan_arena_strdup(struct scan_arena *a, const char *s)
{
    return scan_arena_strndup(a, s, SIZE_MAX);
}

size_t scan_arena_footprint(const struct scan_arena *a)
{
    size_t n = 0;
    for (const struct scan_arena_block *b = a->head; b; b = b->next)
        n += sizeof(*b) + b->cap;
    return n;
}
