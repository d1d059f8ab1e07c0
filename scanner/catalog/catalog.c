/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The catalog's arena and its lookups: find, the zone to query (with the
 * key), test point names, key redaction and the delist URL.
 *
 * Everything a catalog hands out lives in its arena (scanner/core/arena.h),
 * released by list_catalog_free(); the entries array is the only other
 * allocation. A failed load frees the half-built catalog, so no error path
 * has to undo single fields. Loading is in catalog_load.c, generic lists in
 * catalog_generic.c.
 */
#include "scanner/catalog/catalog_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/err.h"

void list_catalog_free(struct list_catalog *c)
{
    if (!c)
        return;
    scan_arena_deinit(&c->arena);
    free(c->entries);
    free(c);
}

/* ------------------------------------------------------------------------ */
/* Test point names                                                         */

int list_kind_index(unsigned kind)
{
    switch (kind) {
    case LIST_KIND_IP4:
        return 0;
    case LIST_KIND_IP6:
        return 1;
    case LIST_KIND_DOMAIN:
        return 2;
    default:
        return -1;
    }
}

const char *list_kind_word(unsigned kind)
{
    int k = list_kind_index(kind);
    return k < 0 ? NULL : list_kind_names[k];
}

char *list_kinds_text(unsigned kinds, char buf[LIST_KINDS_TEXT])
{
    size_t o = 0;

    buf[0] = '\0';
    for (unsigned k = LIST_KIND_IP4; k <= LIST_KIND_DOMAIN; k <<= 1)
        if (kinds & k)
            o += (size_t)snprintf(buf + o, LIST_KINDS_TEXT - o, "%s%s", o ? "," : "",
                                  list_kind_word(k));
    return buf;
}

int list_test_point_qname(const struct list_test_point *tp, const char *zone, char *buf, size_t len)
{
    uint8_t a[16];
    size_t o = 0;
    int n;
    if (!tp || !zone || !buf || len == 0)
        return -EINVAL;
    buf[0] = '\0';
    switch (tp->kind) {
    case LIST_KIND_IP4:
        if (inet_pton(AF_INET, tp->point, a) != 1)
            return -EINVAL;
        n = snprintf(buf, len, "%u.%u.%u.%u.%s", a[3], a[2], a[1], a[0], zone);
        break;
    case LIST_KIND_IP6:
        if (inet_pton(AF_INET6, tp->point, a) != 1)
            return -EINVAL;
        for (int i = 15; i >= 0; i--) {
            static const char hex[] = "0123456789abcdef";
            if (o + 4 >= len)
                return -ENAMETOOLONG;
            buf[o++] = hex[a[i] & 0xf];
            buf[o++] = '.';
            buf[o++] = hex[a[i] >> 4];
            buf[o++] = '.';
        }
        n = snprintf(buf + o, len - o, "%s", zone);
        if (n >= 0)
            n += (int)o;
        break;
    case LIST_KIND_DOMAIN:
        n = snprintf(buf, len, "%s.%s", tp->point, zone);
        break;
    default:
        return -EINVAL;
    }
    if (n < 0 || (size_t)n >= len || n > 253) {
        buf[0] = '\0';
        return -ENAMETOOLONG;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Lookups                                                                  */

size_t list_catalog_count(const struct list_catalog *c)
{
    return c ? c->n : 0;
}

const struct list_entry *list_catalog_get(const struct list_catalog *c, size_t i)
{
    return c && i < c->n ? &c->entries[i] : NULL;
}

static bool same_name(const char *name, const char *q, size_t qlen)
{
    return strlen(name) == qlen && strncasecmp(name, q, qlen) == 0;
}

const struct list_entry *list_catalog_find(const struct list_catalog *c, const char *id_or_zone)
{
    if (!c || !id_or_zone)
        return NULL;
    size_t n = strlen(id_or_zone);
    if (n > 0 && id_or_zone[n - 1] == '.')
        n--;
    if (n == 0)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (same_name(c->entries[i].id, id_or_zone, n) ||
            same_name(c->entries[i].zone, id_or_zone, n))
            return &c->entries[i];
    return NULL;
}

/*
 * The key goes into a DNS name, so it must be one plain label: a dot or a
 * stray character would silently send the query (and the key) elsewhere.
 */
int list_query_zone(const struct list_entry *e, char *buf, size_t len)
{
    if (scan_fails_assert(e && buf))
        return -EINVAL;
    if (len == 0)
        return -ENAMETOOLONG;
    buf[0] = '\0';
    const char *t = e->zone_template;
    const char *k = strstr(t, "{key}");
    const char *key = "";
    size_t klen = 0;
    if (k) {
        if (!e->key_env)
            return -ENOKEY;
        key = getenv(e->key_env);
        if (!key || !*key)
            return -ENOKEY;
        klen = strlen(key);
        if (klen > 63)
            return -EINVAL;
        for (size_t i = 0; i < klen; i++)
            if (!list_is_label_char(key[i]) || key[i] == '_')
                return -EINVAL;
    }
    size_t tlen = strlen(t);
    size_t total = tlen - (k ? 5 : 0) + klen;
    if (total > 253 || total + 1 > len)
        return -ENAMETOOLONG;
    if (!k) {
        memcpy(buf, t, tlen + 1);
        return 0;
    }
    size_t pre = (size_t)(k - t);
    memcpy(buf, t, pre);
    memcpy(buf + pre, key, klen);
    memcpy(buf + pre + klen, k + 5, tlen - pre - 5 + 1);
    return 0;
}

/* A text cut short by an earlier truncation may end in the first part of the key;
 * a tail this long that starts the key is redacted too. Shorter tails are too
 * likely to be ordinary text. */
#define REDACT_MIN_PARTIAL 8

static bool key_at(const char *s, const char *key, size_t klen)
{
    return strncasecmp(s, key, klen) == 0;
}

/*
 * The key is recovered from the zone actually queried rather than read from
 * the environment again: the CLI unsets key variables once the zones are
 * resolved, and the zone is what a server could echo back. Texts come from
 * DNS answers (TXT) and error strings; a list may echo the query name, key
 * included.
 *
 * A key of 5 characters or more never makes the text longer, so one pass from
 * the left rewrites it in place. A shorter key grows it ("{key}" is longer):
 * then the occurrences are counted first and the text is rebuilt from the
 * right, where the write position never falls behind the read position, and
 * whatever no longer fits in @p cap is cut off. Both passes match from the
 * same side, so they agree on which occurrences they replace. One piece on
 * purpose: the two passes must match occurrences the same way, side by side.
 */
int list_redact_key(const struct list_entry *e, const char *query_zone, char *text, size_t cap)
{
    static const char holder[] = "{key}";
    const size_t hlen = sizeof(holder) - 1;
    if (scan_fails_assert(e && text && cap > 0))
        return -EINVAL;
    size_t len = strnlen(text, cap);
    if (len == cap) {
        text[0] = '\0';
        return -EINVAL;
    }
    const char *t = e->zone_template;
    const char *k = t ? strstr(t, holder) : NULL;
    if (!k)
        return 0;
    size_t pre = (size_t)(k - t), post = strlen(k + hlen);
    size_t qlen = query_zone ? strlen(query_zone) : 0;
    if (!query_zone || qlen <= pre + post || strncasecmp(query_zone, t, pre) != 0 ||
        strcasecmp(query_zone + qlen - post, k + hlen) != 0) {
        text[0] = '\0'; /* it may hold a key we cannot find: show nothing */
        return -EINVAL;
    }
    const char *key = query_zone + pre;
    size_t klen = qlen - pre - post;

    /* A cut-off key at the very end. */
    if (!(len >= klen && key_at(text + len - klen, key, klen))) {
        for (size_t p = klen - 1; p >= REDACT_MIN_PARTIAL; p--) {
            if (p <= len && key_at(text + len - p, key, p)) {
                memcpy(text + len - p, holder, hlen);
                len = len - p + hlen;
                text[len] = '\0';
                break;
            }
        }
    }

    if (klen >= hlen) {
        size_t r = 0, w = 0;
        while (r < len) {
            if (len - r >= klen && key_at(text + r, key, klen)) {
                memcpy(text + w, holder, hlen);
                w += hlen;
                r += klen;
            } else {
                text[w++] = text[r++];
            }
        }
        text[w] = '\0';
        return 0;
    }

    size_t count = 0;
    for (size_t i = len; i >= klen;) {
        if (key_at(text + i - klen, key, klen)) {
            count++;
            i -= klen;
        } else {
            i--;
        }
    }
    size_t total = len + count * (hlen - klen);
    size_t keep = total < cap - 1 ? total : cap - 1;
    size_t i = len, d = total;
    while (i > 0) {
        if (i >= klen && key_at(text + i - klen, key, klen)) {
            d -= hlen;
            i -= klen;
            for (size_t j = 0; j < hlen; j++)
                if (d + j < keep)
                    text[d + j] = holder[j];
        } else {
            d--;
            i--;
            if (d < keep)
                text[d] = text[i];
        }
    }
    text[keep] = '\0';
    return 0;
}

static bool put(char *buf, size_t len, size_t *o, char c)
{
    if (*o + 1 >= len)
        return false;
    buf[(*o)++] = c;
    return true;
}

/* Targets are IPs and domain names; anything else is escaped, so a URL can only
 * ever carry the target, never a second query parameter or a fragment. */
static bool put_target(char *buf, size_t len, size_t *o, const char *target)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)target; *p; p++) {
        unsigned char c = *p;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '_' || c == '~' || c == ':' || c == '-';
        if (plain) {
            if (!put(buf, len, o, (char)c))
                return false;
        } else if (!put(buf, len, o, '%') || !put(buf, len, o, hex[c >> 4]) ||
                   !put(buf, len, o, hex[c & 15])) {
            return false;
        }
    }
    return true;
}

int list_delist_url(const struct list_entry *e, const char *target, char *buf, size_t len)
{
    static const char *const holders[3] = {"{ip}", "{domain}", "{target}"};
    size_t o = 0;
    if (scan_fails_assert(e && target && buf))
        return -EINVAL;
    if (len == 0)
        return -ENAMETOOLONG;
    buf[0] = '\0';
    if (!e->delist)
        return 0;
    for (const char *p = e->delist; *p;) {
        size_t h = 0;
        while (h < 3 && strncmp(p, holders[h], strlen(holders[h])) != 0)
            h++;
        if (h < 3) {
            if (!put_target(buf, len, &o, target))
                goto too_long;
            p += strlen(holders[h]);
            continue;
        }
        if (!put(buf, len, &o, *p++))
            goto too_long;
    }
    buf[o] = '\0';
    return 0;
too_long:
    buf[0] = '\0';
    return -ENAMETOOLONG;
}
