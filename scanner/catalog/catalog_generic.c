/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Generic lists: a zone the catalog does not know, given on the command
 * line, becomes an entry with RFC 5782's codes and test points.
 */
#include "scanner/catalog/catalog_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/err.h"

/* ------------------------------------------------------------------------ */
/* Generic lists: zones the catalog does not know                          */

/* Whether a label (of @p len bytes) contains @p word, case-insensitively. */
static bool label_has(const char *label, size_t len, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= len; i++)
        if (strncasecmp(label + i, word, w) == 0)
            return true;
    return false;
}

static bool label_is(const char *label, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(label, word, len) == 0;
}

unsigned list_generic_kinds(const char *zone)
{
    static const char *const domain_parts[] = {"dbl", "rhsbl", "uribl", "surbl", "url"};
    bool v6 = false;
    for (const char *l = zone; l && *l;) {
        const char *dot = strchr(l, '.');
        size_t len = dot ? (size_t)(dot - l) : strlen(l);
        for (size_t i = 0; i < sizeof(domain_parts) / sizeof(domain_parts[0]); i++)
            if (label_has(l, len, domain_parts[i]))
                return LIST_KIND_DOMAIN;
        if (label_is(l, len, "uri") || label_is(l, len, "rhs"))
            return LIST_KIND_DOMAIN;
        v6 |= label_has(l, len, "ipv6") || label_is(l, len, "ip6") || label_is(l, len, "v6");
        l = dot ? dot + 1 : NULL;
    }
    return v6 ? LIST_KIND_IP6 : LIST_KIND_IP4;
}

static int generic_fail(struct scan_diag *diag, const char *spec, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int generic_fail(struct scan_diag *diag, const char *spec, const char *fmt, ...)
{
    char q[64];
    va_list ap;
    if (!diag)
        return SCAN_ECONFIG;
    int k = snprintf(diag->msg, sizeof(diag->msg), "'%s': ", scan_yaml_shown(spec, q, sizeof(q)));
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < sizeof(diag->msg))
        vsnprintf(diag->msg + k, sizeof(diag->msg) - (size_t)k, fmt, ap);
    va_end(ap);
    return SCAN_ECONFIG;
}

/* "ip4,domain" into kind bits. @return 0, or -1 for an empty or unknown word. */
static int parse_generic_kinds(const char *s, unsigned *out)
{
    unsigned kinds = 0;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        int k = -1;
        for (int i = 0; i < 3; i++)
            if (strlen(list_kind_names[i]) == len && strncmp(s, list_kind_names[i], len) == 0)
                k = i;
        if (k < 0)
            return -1;
        kinds |= 1u << k;
        s += len + (comma ? 1 : 0);
        if (comma && !*s)
            return -1;
    }
    *out = kinds;
    return kinds ? 0 : -1;
}

/* The code table of every generic list: 127/8 lists, the RFC 5782 error range
 * refuses, and so does 127.0.0.1 on a list that serves domains (URIBL's and
 * SURBL's "your resolver is blocked" code, and never a listing in RFC 5782). */
static int generic_codes(struct list_catalog *c, struct list_entry *e)
{
    struct list_code *codes = list_cat_alloc(c, 3 * sizeof(*codes));
    size_t n = 0;
    if (!codes)
        return -ENOMEM;
    codes[n++] = (struct list_code){.value = 0x7f000000,
                                    .prefix = 8,
                                    .meaning = "listed (a list not in the catalog: its codes "
                                               "are not known)",
                                    .klass = LIST_CODE_LISTING,
                                    .scope = LIST_SCOPE_IP};
    codes[n++] = (struct list_code){.value = 0x7fffff00,
                                    .prefix = 24,
                                    .meaning = "an error or refusal code (127.255.255.0/24)",
                                    .klass = LIST_CODE_REFUSAL};
    if (e->kinds & LIST_KIND_DOMAIN)
        codes[n++] = (struct list_code){.value = 0x7f000001,
                                        .prefix = 32,
                                        .meaning = "a refusal code (127.0.0.1 on a domain list)",
                                        .klass = LIST_CODE_REFUSAL};
    e->codes = codes;
    e->ncodes = n;
    c->total_codes += n;
    return 0;
}

/* RFC 5782's test points for each kind the list serves: listed, then unlisted. */
static int generic_points(struct list_catalog *c, struct list_entry *e)
{
    struct list_test_point *tps = list_cat_alloc(c, 6 * sizeof(*tps));
    size_t n = 0;
    if (!tps)
        return -ENOMEM;
    for (int k = 0; k < 3; k++) {
        if (!(e->kinds & (1u << k)))
            continue;
        tps[n++] = (struct list_test_point){
            .point = list_default_listed[k], .kind = 1u << k, .listed = true};
        tps[n++] = (struct list_test_point){.point = list_default_unlisted[k], .kind = 1u << k};
    }
    e->tps = tps;
    e->ntps = n;
    return 0;
}

int list_catalog_add_generic(struct list_catalog *c, const char *spec,
                             const struct list_entry **out, struct scan_diag *diag)
{
    char zone[256], q[64];
    unsigned kinds = 0;
    bool has_key;

    if (scan_fails_assert(c && spec && out))
        return -EINVAL;
    *out = NULL;
    const char *colon = strchr(spec, ':');
    size_t zlen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (zlen > 0 && spec[zlen - 1] == '.')
        zlen--; /* one trailing dot: the same zone */
    if (zlen == 0 || zlen >= sizeof(zone))
        return generic_fail(diag, spec, "not a list id or a zone name");
    memcpy(zone, spec, zlen);
    zone[zlen] = '\0';
    if (colon && parse_generic_kinds(colon + 1, &kinds) != 0)
        return generic_fail(diag, spec,
                            "unknown kind '%s' (expected ip4, ip6 or domain, comma-separated)",
                            scan_yaml_shown(colon + 1, q, sizeof(q)));
    const struct list_entry *known = list_catalog_find(c, zone);
    if (known && !known->generic && colon)
        return generic_fail(diag, spec,
                            "%s is in the catalog (id %s): its kinds come from there; drop "
                            "the ':%s'",
                            known->zone, known->id, colon + 1);
    if (known && known->generic && colon && known->kinds != kinds)
        return generic_fail(diag, spec, "%s is given twice with different kinds", known->zone);
    if (known) {
        *out = known;
        return 1;
    }
    const char *why = list_name_problem(zone, false, &has_key);
    const char *last = strrchr(zone, '.');
    if (!why && !last)
        why = "a zone has at least two labels (and a list id is one of the catalog's: see "
              "dnsbl-scan lists)";
    if (!why && list_all_digits(last + 1, 253))
        why = "its last label is a number: an address, not a zone";
    if (why)
        return generic_fail(diag, spec, "not a list id of the catalog, nor a zone name: %s", why);
    if (c->n >= CAT_MAX_ENTRIES)
        return generic_fail(diag, spec, "too many lists (the limit is %d)", CAT_MAX_ENTRIES);
    for (char *p = zone; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');

    struct list_entry e = {.kinds = kinds ? kinds : list_generic_kinds(zone),
                           .access = LIST_ACCESS_FREE,
                           .txt = true,
                           .scope = LIST_SCOPE_IP,
                           .file = "(not in the catalog)",
                           .generic = true};
    if (!(e.id = list_cat_strdup(c, zone)) || generic_codes(c, &e) != 0 ||
        generic_points(c, &e) != 0)
        return -ENOMEM;
    e.zone = e.zone_template = e.id;
    int ret = list_catalog_append(c, &e);
    if (ret != 0)
        return ret;
    *out = &c->entries[c->n - 1];
    return 0;
}
