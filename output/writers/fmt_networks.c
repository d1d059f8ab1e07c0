/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The summary's listings by network: every listed IP target grouped by its /24
 * (IPv6: /64) and by the AS that announces it (from the origin check's
 * results), so a pool owner sees at a glance whether listings are spread or sit
 * in one block or one network, and how many are neighbourhood listings (scope
 * range or asn) rather than listings of the address itself.
 *
 * @code
 *   listings by /24 (IPv6: /64)  addresses  listings  neighbourhood  lists
 *   192.0.2.0/24                         4         7              2  zen.spamhaus.org 3, ...
 *   listings by AS               addresses  listings  neighbourhood  /24s
 *   AS64500 EXAMPLE-ESP - ...            4         7              2  192.0.2.0/24
 *   (origin not checked)                 1         1              0  198.51.100.0/24
 * @endcode
 *
 * Memory: one small record per listing (at most OUT_NET_MAX_LISTINGS, then
 * only counted) and one per /24 (/48) block the origin check answered for,
 * never one per target scanned.
 */
#include "output/writers/fmt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/targets/target.h"

#define SHOWN_NAMES 3 /* lists or /24s named per row */

/* One listing of an IP target. */
struct net_listing {
    uint8_t type; /* enum scan_target_type */
    uint8_t addr[16];
    uint32_t list; /* index in names */
    bool wide;     /* scope range or asn: the neighbourhood is listed */
};

/* What the origin check said about one /24 (/48) block. */
struct net_origin {
    uint8_t type;
    uint8_t block[16];
    uint32_t asn; /* 0: not announced or unknown */
    char *label;  /* "AS64500 EXAMPLE-ESP - Example ESP, ZZ" (sanitized) */
};

struct out_networks {
    struct net_listing *l;
    size_t nl, capl;
    uint64_t dropped; /* listings past OUT_NET_MAX_LISTINGS */
    struct net_origin *o;
    size_t no, capo;
    char **names; /* list labels, sanitized */
    size_t nnames, capnames;
};

int out_networks_new(struct out_networks **out)
{
    *out = calloc(1, sizeof(**out));
    return *out ? 0 : -ENOMEM;
}

void out_networks_free(struct out_networks *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->no; i++)
        free(n->o[i].label);
    for (size_t i = 0; i < n->nnames; i++)
        free(n->names[i]);
    free(n->names);
    free(n->o);
    free(n->l);
    free(n);
}

/* @return the address of an IP target text, or false for a domain. */
static bool parse_target(const char *text, uint8_t *type, uint8_t *addr)
{
    memset(addr, 0, 16);
    if (!text)
        return false;
    if (inet_pton(AF_INET, text, addr) == 1) {
        *type = SCAN_T_IP4;
        return true;
    }
    if (inet_pton(AF_INET6, text, addr) == 1) {
        *type = SCAN_T_IP6;
        return true;
    }
    return false;
}

/* @p addr with every bit past @p plen cleared. */
static void mask(const uint8_t *addr, unsigned plen, uint8_t *out)
{
    memset(out, 0, 16);
    memcpy(out, addr, plen / 8);
    if (plen % 8)
        out[plen / 8] = addr[plen / 8] & (uint8_t)(0xff << (8 - plen % 8));
}

static long name_index(struct out_networks *n, const char *label)
{
    for (size_t i = 0; i < n->nnames; i++)
        if (strcmp(n->names[i], label) == 0)
            return (long)i;
    char **v = out_grow(n->names, &n->capnames, n->nnames, sizeof(*v));
    char *copy = out_text_dup(label);
    if (!v || !copy) {
        free(copy);
        return -ENOMEM;
    }
    n->names = v;
    n->names[n->nnames] = copy;
    return (long)n->nnames++;
}

static int add_origin(struct out_networks *n, const struct scan_result *r, uint8_t type,
                      const uint8_t *addr)
{
    const struct scan_field *asn = out_field(r, "asn"), *name = out_field(r, "as_name");
    char label[300];
    struct net_origin *v = out_grow(n->o, &n->capo, n->no, sizeof(*v));
    if (!v)
        return -ENOMEM;
    n->o = v;
    struct net_origin *e = &n->o[n->no];
    memset(e, 0, sizeof(*e));
    e->type = type;
    mask(addr, type == SCAN_T_IP4 ? 24 : 48, e->block);
    if (asn && asn->type == SCAN_F_INT && asn->i > 0) {
        e->asn = (uint32_t)asn->i;
        snprintf(label, sizeof(label), "AS%" PRIu32 "%s%s", e->asn,
                 name && name->type == SCAN_F_STR && name->str ? " " : "",
                 name && name->type == SCAN_F_STR && name->str ? name->str : "");
    } else {
        snprintf(label, sizeof(label), "(not announced)");
    }
    if (!(e->label = out_text_dup(label)))
        return -ENOMEM;
    n->no++;
    return 0;
}

int out_networks_result(struct out_networks *n, const struct scan_result *r)
{
    uint8_t type, addr[16];
    if (!parse_target(r->target, &type, addr))
        return 0;
    if (r->kind == SCAN_CHECK_ORIGIN)
        return r->outcome == SCAN_OUT_ERROR ? 0 : add_origin(n, r, type, addr);
    if (r->kind != SCAN_CHECK_DNSBL ||
        (r->outcome != SCAN_OUT_LISTED && r->outcome != SCAN_OUT_INFO))
        return 0;
    if (n->nl >= OUT_NET_MAX_LISTINGS) {
        n->dropped++;
        return 0;
    }
    long list = name_index(n, out_result_label(r));
    struct net_listing *v = list < 0 ? NULL : out_grow(n->l, &n->capl, n->nl, sizeof(*v));
    if (!v)
        return -ENOMEM;
    n->l = v;
    struct net_listing *e = &n->l[n->nl++];
    memset(e, 0, sizeof(*e));
    e->type = type;
    memcpy(e->addr, addr, 16);
    e->list = (uint32_t)list;
    e->wide = r->scope && strcmp(r->scope, "ip") != 0;
    return 0;
}

/* ---- printing --------------------------------------------------------------- */

/* The row key of a listing: its /24 (/64), or its AS (then block is its /24). */
struct row_item {
    uint64_t asn; /* by AS: the AS, UINT64_MAX when unknown; by block: 0 */
    uint8_t type;
    uint8_t block[16];
    uint8_t addr[16];
    uint32_t list;
    bool wide;
    const char *label; /* by AS: the AS label */
};

static int item_cmp(const void *a, const void *b)
{
    const struct row_item *x = a, *y = b;
    if (x->asn != y->asn)
        return x->asn < y->asn ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    int c = memcmp(x->block, y->block, 16);
    return c ? c : memcmp(x->addr, y->addr, 16);
}

static int origin_cmp(const void *a, const void *b)
{
    const struct net_origin *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return memcmp(x->block, y->block, 16);
}

static const struct net_origin *origin_of(const struct out_networks *n, uint8_t type,
                                          const uint8_t *addr)
{
    struct net_origin key = {.type = type};
    mask(addr, type == SCAN_T_IP4 ? 24 : 48, key.block);
    return n->no ? bsearch(&key, n->o, n->no, sizeof(*n->o), origin_cmp) : NULL;
}

static void block_text(uint8_t type, const uint8_t *block, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN];
    inet_ntop(type == SCAN_T_IP4 ? AF_INET : AF_INET6, block, a, sizeof(a));
    snprintf(buf, len, "%s/%u", a, type == SCAN_T_IP4 ? 24 : 64);
}

/* "name N, name N, +M more": the lists of one row, most listings first. */
static void print_lists(struct out_sink *s, const struct out_networks *n, const struct row_item *it,
                        size_t count, size_t *tally)
{
    size_t distinct = 0;
    memset(tally, 0, n->nnames * sizeof(*tally));
    for (size_t k = 0; k < count; k++)
        distinct += tally[it[k].list]++ == 0;
    for (size_t shown = 0; shown < SHOWN_NAMES && shown < distinct; shown++) {
        size_t best = 0;
        for (size_t m = 1; m < n->nnames; m++)
            if (tally[m] > tally[best])
                best = m;
        out_sink_printf(s, "%s%s %zu", shown ? ", " : "", n->names[best], tally[best]);
        tally[best] = 0;
    }
    if (distinct > SHOWN_NAMES)
        out_sink_printf(s, ", +%zu more", distinct - SHOWN_NAMES);
}

/* "/24, /24, +M more": the blocks of one AS row (items sorted by block). */
static void print_blocks(struct out_sink *s, const struct row_item *it, size_t count)
{
    char text[64];
    size_t shown = 0, more = 0;
    for (size_t k = 0; k < count; k++) {
        if (k > 0 && it[k].type == it[k - 1].type && !memcmp(it[k].block, it[k - 1].block, 16))
            continue;
        if (shown == SHOWN_NAMES) {
            more++;
            continue;
        }
        block_text(it[k].type, it[k].block, text, sizeof(text));
        out_sink_printf(s, "%s%s", shown++ ? ", " : "", text);
    }
    if (more)
        out_sink_printf(s, ", +%zu more", more);
}

static bool same_row(const struct row_item *a, const struct row_item *b, bool by_as)
{
    return a->asn == b->asn &&
           (by_as || (a->type == b->type && memcmp(a->block, b->block, 16) == 0));
}

/* The rows of one grouping, items sorted by row. */
static void print_rows(struct out_sink *s, const struct out_networks *n, const struct row_item *it,
                       size_t count, bool by_as, size_t *tally)
{
    static const char *const head[2][2] = {{"listings by /24 (IPv6: /64)", "lists"},
                                           {"listings by AS", "/24s"}};
    char label[320];
    size_t w = strlen(head[by_as][0]);
    for (size_t i = 0; i < count; i++) {
        if (by_as) {
            snprintf(label, sizeof(label), "%s", it[i].label);
        } else {
            block_text(it[i].type, it[i].block, label, sizeof(label));
        }
        size_t lw = out_text_width(label);
        w = lw > w ? lw : w;
    }
    out_sink_puts(s, head[by_as][0]);
    out_sink_pad(s, w - strlen(head[by_as][0]));
    out_sink_printf(s, "  addresses  listings  neighbourhood  %s\n", head[by_as][1]);
    for (size_t i = 0, j; i < count; i = j) {
        size_t addrs = 0, wide = 0;
        for (j = i; j < count && same_row(&it[j], &it[i], by_as); j++) {
            addrs += j == i || it[j].type != it[j - 1].type ||
                     memcmp(it[j].addr, it[j - 1].addr, 16) != 0;
            wide += it[j].wide;
        }
        if (by_as)
            snprintf(label, sizeof(label), "%s", it[i].label);
        else
            block_text(it[i].type, it[i].block, label, sizeof(label));
        out_sink_puts(s, label);
        out_sink_pad(s, w - out_text_width(label));
        out_sink_printf(s, "  %9zu  %8zu  %13zu  ", addrs, j - i, wide);
        if (by_as)
            print_blocks(s, it + i, j - i);
        else
            print_lists(s, n, it + i, j - i, tally);
        out_sink_puts(s, "\n");
    }
}

int out_networks_print(struct out_networks *n, struct out_sink *s)
{
    if (n->nl == 0)
        return 0;
    struct row_item *it = calloc(n->nl, sizeof(*it));
    size_t *tally = calloc(n->nnames ? n->nnames : 1, sizeof(*tally));
    if (!it || !tally) {
        free(it);
        free(tally);
        return -ENOMEM;
    }
    if (n->no > 1)
        qsort(n->o, n->no, sizeof(*n->o), origin_cmp);
    for (size_t i = 0; i < n->nl; i++) {
        it[i].type = n->l[i].type;
        mask(n->l[i].addr, n->l[i].type == SCAN_T_IP4 ? 24 : 64, it[i].block);
        memcpy(it[i].addr, n->l[i].addr, 16);
        it[i].list = n->l[i].list;
        it[i].wide = n->l[i].wide;
    }
    qsort(it, n->nl, sizeof(*it), item_cmp);
    out_sink_puts(s, "\n");
    print_rows(s, n, it, n->nl, false, tally);
    for (size_t i = 0; i < n->nl; i++) {
        const struct net_origin *o = origin_of(n, it[i].type, it[i].addr);
        it[i].asn = o ? (o->asn ? o->asn : UINT64_MAX - 1) : UINT64_MAX;
        it[i].label = o ? o->label : "(origin not checked)";
        mask(it[i].addr, it[i].type == SCAN_T_IP4 ? 24 : 64, it[i].block);
    }
    qsort(it, n->nl, sizeof(*it), item_cmp);
    print_rows(s, n, it, n->nl, true, tally);
    if (n->dropped)
        out_sink_printf(s, "(%" PRIu64 " more listings were counted above but not grouped)\n",
                        n->dropped);
    free(it);
    free(tally);
    return s->err;
}
