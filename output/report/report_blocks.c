/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The report's blocks of addresses (a /24 or a /120 each): their keys, the names
 * of their cells and prefixes, and the index that finds an address's block (the
 * core hash set, with the blocks in an arena: they live as long as the report).
 */
#include "output/report/report_model.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t rep_block_key(const struct rep_block *b, uint8_t out[16])
{
    size_t n = b->fam == 4 ? 3 : 15;

    out[0] = b->fam;
    memcpy(out + 1, b->key, n);
    return n + 1;
}

void rep_cell_addr(const struct rep_block *b, unsigned host, char *buf, size_t len)
{
    uint8_t a[16];

    if (b->fam == 4) {
        memcpy(a, b->key, 3);
        a[3] = (uint8_t)host;
        inet_ntop(AF_INET, a, buf, (socklen_t)len);
    } else {
        memcpy(a, b->key, 15);
        a[15] = (uint8_t)host;
        inet_ntop(AF_INET6, a, buf, (socklen_t)len);
    }
}

void rep_block_prefix(const struct rep_block *b, int up, char *buf, size_t len)
{
    uint8_t a[16] = {0};
    char addr[INET6_ADDRSTRLEN];
    size_t n = b->fam == 4 ? 3 : 15;

    memcpy(a, b->key, n - (up ? 1 : 0));
    inet_ntop(b->fam == 4 ? AF_INET : AF_INET6, a, addr, sizeof(addr));
    snprintf(buf, len, "%s/%d", addr, (b->fam == 4 ? 24 : 120) - (up ? 8 : 0));
}

static bool block_is(const struct rep_block *b, uint8_t fam, const uint8_t *key)
{
    return b->fam == fam && memcmp(b->key, key, 15) == 0;
}

/* An index slot: the block's key (its family byte, then its 15 key bytes) and
 * the block, which stays where it is however the table or rep->blocks move. */
struct bslot {
    uint8_t key[16];
    struct rep_block *b;
};

void rep_blocks_init(struct out_report *rep)
{
    scan_hashset_init(&rep->index, sizeof(struct bslot), sizeof(((struct bslot *)0)->key), NULL);
    scan_arena_init(&rep->block_mem, 0);
}

void rep_blocks_deinit(struct out_report *rep)
{
    scan_hashset_deinit(&rep->index);
    scan_arena_deinit(&rep->block_mem);
    free(rep->blocks);
}

/* Results come roughly in address order: the last block is checked first. */
struct rep_block *rep_block_get(struct out_report *rep, uint8_t fam, const uint8_t *key)
{
    struct bslot k = {.key = {fam}};
    struct rep_block *b, **v;
    void *slot;
    int ret;

    if (rep->last && block_is(rep->last, fam, key))
        return rep->last;
    memcpy(k.key + 1, key, 15);
    ret = scan_hashset_insert(&rep->index, k.key, &slot);
    if (ret == 1)
        return rep->last = ((const struct bslot *)slot)->b;
    if (ret < 0)
        return NULL;
    v = out_grow(rep->blocks, &rep->bcap, rep->nblocks, sizeof(*v));
    if (v)
        rep->blocks = v;
    b = scan_arena_calloc(&rep->block_mem, 1, sizeof(*b));
    if (!v || !b) {
        scan_hashset_remove(&rep->index, slot);
        return NULL;
    }
    b->fam = fam;
    memcpy(b->key, key, 15);
    rep->blocks[rep->nblocks++] = b;
    k.b = b;
    memcpy(slot, &k, sizeof(k));
    return rep->last = b;
}
