/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The report's blocks of addresses (a /24 or a /120 each): their keys, the names
 * of their cells and prefixes, and the index that finds an address's block.
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

static size_t block_hash(uint8_t fam, const uint8_t *key)
{
    uint64_t h = 1469598103934665603ull ^ fam;

    for (size_t i = 0; i < 15; i++)
        h = (h ^ key[i]) * 1099511628211ull;
    return (size_t)h;
}

static bool block_is(const struct rep_block *b, uint8_t fam, const uint8_t *key)
{
    return b->fam == fam && memcmp(b->key, key, 15) == 0;
}

/* Open addressing over indices into rep->blocks; the table stays at most half full. */
static int rehash(struct out_report *rep, size_t nslots)
{
    size_t *slots = calloc(nslots, sizeof(*slots));

    if (!slots)
        return -ENOMEM;
    for (size_t i = 0; i < rep->nblocks; i++) {
        size_t j = block_hash(rep->blocks[i]->fam, rep->blocks[i]->key) & (nslots - 1);
        while (slots[j])
            j = (j + 1) & (nslots - 1);
        slots[j] = i + 1;
    }
    free(rep->slots);
    rep->slots = slots;
    rep->nslots = nslots;
    return 0;
}

/* Results come roughly in address order: the last block is checked first. */
struct rep_block *rep_block_get(struct out_report *rep, uint8_t fam, const uint8_t *key)
{
    struct rep_block *b, **v;
    size_t j;

    if (rep->last && block_is(rep->last, fam, key))
        return rep->last;
    if (rep->nslots) {
        for (j = block_hash(fam, key) & (rep->nslots - 1); rep->slots[j];
             j = (j + 1) & (rep->nslots - 1)) {
            b = rep->blocks[rep->slots[j] - 1];
            if (block_is(b, fam, key))
                return rep->last = b;
        }
    }
    if ((rep->nblocks + 1) * 2 > rep->nslots &&
        rehash(rep, rep->nslots ? rep->nslots * 2 : 64) != 0)
        return NULL;
    v = out_grow(rep->blocks, &rep->bcap, rep->nblocks, sizeof(*v));
    b = calloc(1, sizeof(*b));
    if (!v || !b) {
        free(b);
        if (v)
            rep->blocks = v;
        return NULL;
    }
    rep->blocks = v;
    b->fam = fam;
    memcpy(b->key, key, 15);
    rep->blocks[rep->nblocks++] = b;
    for (j = block_hash(fam, key) & (rep->nslots - 1); rep->slots[j];
         j = (j + 1) & (rep->nslots - 1))
        ;
    rep->slots[j] = rep->nblocks;
    return rep->last = b;
}
