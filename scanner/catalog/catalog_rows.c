/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The two tables inside a catalog entry: its code rows (`codes:`) and its
 * test points (`test_points:`, flat or per kind), loaded and checked.
 */
#include "scanner/catalog/catalog_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/err.h"

/* ------------------------------------------------------------------------ */
/* Code rows                                                                */

enum { C_CODE, C_NET, C_MASK, C_MEANING, C_CLASS, C_SCOPE, C_COUNT };
static const char *const code_keys[C_COUNT] = {"code", "net", "mask", "meaning", "class", "scope"};
static const char *const class_words[] = {"listing", "allow", "informational", "refusal"};
/* In enum list_scope order from LIST_SCOPE_IP. */
static const char *const scope_words[] = {"ip", "range", "asn"};

const char *list_scope_word(enum list_scope s)
{
    return s >= LIST_SCOPE_IP && s <= LIST_SCOPE_ASN ? scope_words[s - LIST_SCOPE_IP] : NULL;
}

/* A `scope:` value. @return 0 (@p out set) or a load error. */
int list_load_scope(struct loader *ld, yaml_node_t *n, enum list_scope *out)
{
    int w = 0, ret = scan_yaml_word(&ld->y, n, "scope", scope_words, 3, &w);
    if (ret < 0)
        return ret;
    *out = (enum list_scope)(LIST_SCOPE_IP + w);
    return 0;
}

static int code_value(struct loader *ld, yaml_node_t **vals, struct list_code *c)
{
    const char *s;
    char q[64];
    int ret;
    if (vals[C_CODE]) {
        if ((ret = scan_yaml_text(&ld->y, vals[C_CODE], "code", true, &s)) < 0)
            return ret;
        if (list_ip4_parse(s, &c->value) < 0)
            return scan_yaml_fail(
                &ld->y, vals[C_CODE], SCAN_ECONFIG,
                "bad code address '%s' (expected an IPv4 address such as 127.0.0.2)",
                scan_yaml_shown(s, q, sizeof(q)));
        c->prefix = 32;
        return 0;
    }
    if (vals[C_NET]) {
        char addr[16];
        if ((ret = scan_yaml_text(&ld->y, vals[C_NET], "net", true, &s)) < 0)
            return ret;
        const char *slash = strchr(s, '/');
        if (!slash || (size_t)(slash - s) >= sizeof(addr) || !list_all_digits(slash + 1, 2) ||
            atoi(slash + 1) > 32)
            goto bad_net;
        memcpy(addr, s, (size_t)(slash - s));
        addr[slash - s] = '\0';
        if (list_ip4_parse(addr, &c->value) < 0)
            goto bad_net;
        c->prefix = (unsigned)atoi(slash + 1);
        uint32_t host = c->prefix == 0 ? 0xffffffffu : ~(0xffffffffu << (32 - c->prefix));
        if (c->prefix < 32 && (c->value & host) != 0)
            return scan_yaml_fail(&ld->y, vals[C_NET], SCAN_ECONFIG,
                                  "net '%s' has host bits set after the prefix",
                                  scan_yaml_shown(s, q, sizeof(q)));
        return 0;
    bad_net:
        return scan_yaml_fail(&ld->y, vals[C_NET], SCAN_ECONFIG,
                              "bad net '%s' (expected address/prefix such as 127.0.3.0/24)",
                              scan_yaml_shown(s, q, sizeof(q)));
    }
    if ((ret = scan_yaml_text(&ld->y, vals[C_MASK], "mask", true, &s)) < 0)
        return ret;
    if (!list_all_digits(s, 3) || atoi(s) < 1 || atoi(s) > 255)
        return scan_yaml_fail(&ld->y, vals[C_MASK], SCAN_ECONFIG,
                              "mask '%s' is out of range (expected 1..255)",
                              scan_yaml_shown(s, q, sizeof(q)));
    c->is_mask = true;
    c->value = (uint32_t)atoi(s);
    c->prefix = 0;
    return 0;
}

static int load_code(struct loader *ld, yaml_node_t *n, enum list_scope scope, struct list_code *c)
{
    yaml_node_t *keys[C_COUNT], *vals[C_COUNT];
    int ret, klass = LIST_CODE_LISTING;
    if (n->type != YAML_MAPPING_NODE)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "a code row must be a map such as {code: 127.0.0.2, meaning: ...}");
    static const struct scan_yaml_keys spec = {code_keys, C_COUNT, "a code row",
                                               "code, net, mask, meaning, class or scope", false};
    if ((ret = scan_yaml_walk(&ld->y, n, &spec, keys, vals, NULL, NULL)) < 0)
        return ret;
    if (!!vals[C_CODE] + !!vals[C_NET] + !!vals[C_MASK] != 1)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "a code row needs exactly one of code, net or mask");
    if ((ret = code_value(ld, vals, c)) < 0)
        return ret;
    if (!vals[C_MEANING])
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "a code row needs a meaning");
    if ((ret = list_text(ld, vals[C_MEANING], "meaning", &c->meaning)) < 0)
        return ret;
    if (vals[C_CLASS] &&
        (ret = scan_yaml_word(&ld->y, vals[C_CLASS], "class", class_words, 4, &klass)) < 0)
        return ret;
    c->klass = (enum list_code_class)klass;
    c->scope = scope;
    if (vals[C_SCOPE] && (ret = list_load_scope(ld, vals[C_SCOPE], &c->scope)) < 0)
        return ret;
    return 0;
}

int list_load_codes(struct loader *ld, yaml_node_t *n, struct list_entry *e)
{
    int ret;
    if (n->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "'codes' must be a list of code rows");
    size_t count = scan_yaml_count(n);
    if (count == 0)
        return 0;
    if (count > CAT_MAX_CODES || ld->cat->total_codes + count > CAT_MAX_TOTAL_CODES)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "too many code rows (the limit is %d a list)", CAT_MAX_CODES);
    struct list_code *codes = list_cat_alloc(ld->cat, count * sizeof(*codes));
    if (!codes)
        return -ENOMEM;
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *row;
        if ((ret = scan_yaml_item(&ld->y, n, i, &row)) < 0 ||
            (ret = load_code(ld, row, e->scope, &codes[i])) < 0)
            return ret;
        for (size_t j = 0; j < i; j++) {
            yaml_node_t *first;
            if (codes[j].is_mask != codes[i].is_mask || codes[j].value != codes[i].value ||
                codes[j].prefix != codes[i].prefix)
                continue;
            if ((ret = scan_yaml_item(&ld->y, n, j, &first)) < 0)
                return ret;
            return scan_yaml_fail(&ld->y, row, SCAN_ECONFIG,
                                  "duplicate code row (same value as line %zu)",
                                  first->start_mark.line + 1);
        }
    }
    ld->cat->total_codes += count;
    e->codes = codes;
    e->ncodes = count;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Test points                                                              */

const char *const list_default_listed[3] = {"127.0.0.2", "::FFFF:7F00:2", "TEST"};
const char *const list_default_unlisted[3] = {"127.0.0.1", "::FFFF:7F00:1", "INVALID"};
const char *const list_kind_names[3] = {"ip4", "ip6", "domain"};
static const char *const kind_forms[3] = {"an IPv4 address", "an IPv6 address", "a domain"};

/*
 * Test points are gathered in a scratch list first, each with the place it was
 * written (defaults have none), so that the checks that need the whole kind --
 * a point given twice, a kind left without any point -- can name a line. Only
 * the final, checked points are copied into the catalog.
 */
struct tp_item {
    struct list_test_point tp;
    const yaml_node_t *node; /* where it was written; NULL for a default */
    bool is_default;
    uint8_t addr[16]; /* ip4 / ip6 points: the address, parsed once for comparing */
};

struct tp_list {
    struct tp_item *v;
    size_t n, cap;
};

static int tp_push(struct tp_list *l, const struct tp_item *it)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct tp_item *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    struct tp_item *d = &l->v[l->n++];
    *d = *it;
    memset(d->addr, 0, sizeof(d->addr));
    if (d->tp.kind == LIST_KIND_IP4)
        inet_pton(AF_INET, d->tp.point, d->addr);
    else if (d->tp.kind == LIST_KIND_IP6)
        inet_pton(AF_INET6, d->tp.point, d->addr);
    return 0;
}

static int tp_push_default(struct tp_list *l, int k, bool listed)
{
    struct tp_item it = {.tp = {.point = listed ? list_default_listed[k] : list_default_unlisted[k],
                                .kind = 1u << k,
                                .listed = listed},
                         .is_default = true};
    return tp_push(l, &it);
}

/* Which kind the flat form gives a point, from its form alone: 0 ip4, 1 ip6,
 * 2 domain, -1 none of them. */
static int point_kind(const char *s)
{
    struct in_addr a4;
    struct in6_addr a6;
    bool has_key;
    if (inet_pton(AF_INET, s, &a4) == 1)
        return 0;
    if (strchr(s, ':'))
        return inet_pton(AF_INET6, s, &a6) == 1 ? 1 : -1;
    if (list_name_problem(s, false, &has_key))
        return -1;
    /* A numeric last label is a mistyped address (127.0.0), not a domain. */
    const char *last = strrchr(s, '.');
    return list_all_digits(last ? last + 1 : s, 253) ? -1 : 2;
}

/* A point written under ip4:, ip6: or domain: must have that kind's form. A
 * domain point is any name, "2.0.0.127" included: it is queried as written. */
static int check_form(struct loader *ld, yaml_node_t *n, int k, const char *s)
{
    uint8_t a[16];
    bool has_key;
    char q[64];
    const char *why;
    switch (k) {
    case 0:
        if (inet_pton(AF_INET, s, a) != 1)
            return scan_yaml_fail(
                &ld->y, n, SCAN_ECONFIG,
                "bad ip4 test point '%s' (expected an IPv4 address such as 127.0.0.2)",
                scan_yaml_shown(s, q, sizeof(q)));
        return 0;
    case 1:
        if (inet_pton(AF_INET6, s, a) != 1)
            return scan_yaml_fail(
                &ld->y, n, SCAN_ECONFIG,
                "bad ip6 test point '%s' (expected an IPv6 address such as ::FFFF:7F00:2)",
                scan_yaml_shown(s, q, sizeof(q)));
        return 0;
    default:
        if ((why = list_name_problem(s, false, &has_key)))
            return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "bad domain test point '%s': %s",
                                  scan_yaml_shown(s, q, sizeof(q)), why);
        return 0;
    }
}

/* The flat form: the kind follows the form. An IPv4 address on a list without
 * ip4 is a domain point (the reversed "2.0.0.127" some domain lists document). */
static int flat_kind(struct loader *ld, yaml_node_t *n, unsigned kinds, const char *s, int *out)
{
    char q[64];
    int k = point_kind(s);
    if (k < 0)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "bad test point '%s' (expected an IPv4 or IPv6 address or a domain)",
                              scan_yaml_shown(s, q, sizeof(q)));
    if (k == 0 && !(kinds & LIST_KIND_IP4) && (kinds & LIST_KIND_DOMAIN))
        k = 2;
    if (!(kinds & (1u << k)))
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "test point '%s' is %s, but the list's kinds have no %s",
                              scan_yaml_shown(s, q, sizeof(q)), kind_forms[k], list_kind_names[k]);
    *out = k;
    return 0;
}

/*
 * One item of a listed / unlisted sequence: a point, or {point: P, code: C}
 * for a listed point whose answer must include code C. @p k is the kind the
 * item is written under, or -1 in the flat form (the kind follows the form).
 */
static int load_point(struct loader *ld, yaml_node_t *n, int k, unsigned kinds, bool listed,
                      struct tp_list *out)
{
    static const char *const names[2] = {"point", "code"};
    yaml_node_t *keys[2], *vals[2];
    yaml_node_t *pn = n;
    struct tp_item it = {.tp = {.listed = listed}};
    const char *s;
    char q[64];
    int ret;
    if (n->type == YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "a test point must be a single value or a map such as "
                              "{point: \"::2\", code: 127.0.10.0}, not a list");
    if (n->type == YAML_MAPPING_NODE) {
        static const struct scan_yaml_keys spec = {names, 2, "a test point", "point or code",
                                                   false};
        if ((ret = scan_yaml_walk(&ld->y, n, &spec, keys, vals, NULL, NULL)) < 0)
            return ret;
        if (!vals[0])
            return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "a test point map needs 'point'");
        pn = vals[0];
        if (vals[1]) {
            if (!listed)
                return scan_yaml_fail(
                    &ld->y, keys[1], SCAN_ECONFIG,
                    "'code' is only for listed points (an unlisted point must not "
                    "answer at all)");
            if ((ret = scan_yaml_text(&ld->y, vals[1], "code", true, &s)) < 0)
                return ret;
            if (list_ip4_parse(s, &it.tp.code) < 0)
                return scan_yaml_fail(
                    &ld->y, vals[1], SCAN_ECONFIG,
                    "bad code address '%s' (expected an IPv4 address such as 127.0.0.2)",
                    scan_yaml_shown(s, q, sizeof(q)));
            it.tp.has_code = true;
        }
    }
    if ((ret = scan_yaml_text(&ld->y, pn, "test point", true, &s)) < 0)
        return ret;
    if (k < 0)
        ret = flat_kind(ld, pn, kinds, s, &k);
    else
        ret = check_form(ld, pn, k, s);
    if (ret < 0)
        return ret;
    it.tp.kind = 1u << k;
    it.node = pn;
    if (!(it.tp.point = list_cat_strdup(ld->cat, s)))
        return -ENOMEM;
    return tp_push(out, &it);
}

static int load_point_seq(struct loader *ld, yaml_node_t *n, const char *key, int k, unsigned kinds,
                          bool listed, struct tp_list *out)
{
    int ret;
    if (n->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "'%s' must be a list of test points", key);
    size_t count = scan_yaml_count(n);
    if (count > CAT_MAX_POINTS)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "too many test points (the limit is %d)",
                              CAT_MAX_POINTS);
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *p;
        if ((ret = scan_yaml_item(&ld->y, n, i, &p)) < 0 ||
            (ret = load_point(ld, p, k, kinds, listed, out)) < 0)
            return ret;
    }
    return 0;
}

/* Two points name the same entry: the same address (whatever its spelling), or
 * the same name (DNS names are case-insensitive). */
static bool same_point(const struct tp_item *a, const struct tp_item *b)
{
    if (a->tp.kind != b->tp.kind)
        return false;
    if (a->tp.kind == LIST_KIND_DOMAIN)
        return strcasecmp(a->tp.point, b->tp.point) == 0;
    return memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/*
 * A point asked twice for one kind is a mistake, and a point that must be both
 * listed and unlisted can never pass (Hostkarma lists 127.0.0.1: a catalog that
 * gives only `listed: [127.0.0.1]` would keep the default unlisted 127.0.0.1).
 */
static int check_duplicates(struct loader *ld, const struct tp_list *l)
{
    char q[64];
    for (size_t i = 1; i < l->n; i++) {
        for (size_t j = 0; j < i; j++) {
            const struct tp_item *a = &l->v[j], *b = &l->v[i];
            if (!same_point(a, b))
                continue;
            const char *word = list_kind_word(a->tp.kind);
            if (a->is_default || b->is_default) {
                const struct tp_item *given = a->is_default ? b : a;
                const struct tp_item *dflt = a->is_default ? a : b;
                const char *half = dflt->tp.listed ? "listed" : "unlisted";
                return scan_yaml_fail(
                    &ld->y, given->node, SCAN_ECONFIG,
                    "test point '%s' is also the RFC 5782 default %s %s point: give "
                    "%s for %s too",
                    scan_yaml_shown(given->tp.point, q, sizeof(q)), half, word, half, word);
            }
            return scan_yaml_fail(&ld->y, b->node, SCAN_ECONFIG,
                                  "test point '%s' is given twice for %s (first at line %zu)",
                                  scan_yaml_shown(b->tp.point, q, sizeof(q)), word,
                                  a->node->start_mark.line + 1);
        }
    }
    return 0;
}

/* The points of one kind from the flat form, or that half's defaults. */
static int flat_half(const struct tp_list *given, bool have, int k, bool listed,
                     struct tp_list *out)
{
    int ret;
    if (!have)
        return tp_push_default(out, k, listed);
    for (size_t i = 0; i < given->n; i++)
        if (given->v[i].tp.kind == 1u << k && (ret = tp_push(out, &given->v[i])) < 0)
            return ret;
    return 0;
}

/*
 * The older flat form: `listed:` / `unlisted:` straight under test_points. A
 * half that is given replaces that half's defaults for every kind, as it
 * always did; each point goes to the kind its form names.
 */
static int load_flat(struct loader *ld, yaml_node_t *map, yaml_node_t **vals,
                     const struct list_entry *e, struct tp_list *out)
{
    struct tp_list l = {0}, u = {0};
    int ret = 0;
    if (vals[0] && (ret = load_point_seq(ld, vals[0], "listed", -1, e->kinds, true, &l)) < 0)
        goto out;
    if (vals[1] && (ret = load_point_seq(ld, vals[1], "unlisted", -1, e->kinds, false, &u)) < 0)
        goto out;
    for (int k = 0; k < 3; k++) {
        if (!(e->kinds & (1u << k)))
            continue;
        size_t before = out->n;
        if ((ret = flat_half(&l, vals[0] != NULL, k, true, out)) < 0 ||
            (ret = flat_half(&u, vals[1] != NULL, k, false, out)) < 0)
            goto out;
        if (out->n == before) {
            ret = scan_yaml_fail(&ld->y, map, SCAN_ECONFIG,
                                 "test_points leaves %s without any test point (a flat listed: / "
                                 "unlisted: replaces the defaults of every kind): give one, or use "
                                 "%s: {listed: [], unlisted: [], note: \"why\"}",
                                 list_kind_names[k], list_kind_names[k]);
            goto out;
        }
    }
out:
    free(l.v);
    free(u.v);
    return ret;
}

/*
 * One kind's map: `listed`, `unlisted` (each replacing that half of the
 * defaults; [] means none) and `note`. A kind with no point at all cannot be
 * checked, so it must say why in its note.
 */
static int load_kind_map(struct loader *ld, yaml_node_t *key, yaml_node_t *map, int k,
                         struct list_entry *e, struct tp_list *out)
{
    static const char *const names[3] = {"listed", "unlisted", "note"};
    yaml_node_t *keys[3], *vals[3];
    char where[32];
    int ret;
    if (!(e->kinds & (1u << k)))
        return scan_yaml_fail(&ld->y, key, SCAN_ECONFIG,
                              "test_points has %s, but the list's kinds have no %s",
                              list_kind_names[k], list_kind_names[k]);
    if (map->type != YAML_MAPPING_NODE)
        return scan_yaml_fail(&ld->y, map, SCAN_ECONFIG,
                              "'%s' in test_points must be a map with listed:, unlisted: and note:",
                              list_kind_names[k]);
    snprintf(where, sizeof(where), "test_points %s", list_kind_names[k]);
    if ((ret = scan_yaml_walk(
             &ld->y, map,
             &(struct scan_yaml_keys){names, 3, where, "listed, unlisted or note", false}, keys,
             vals, NULL, NULL)) < 0)
        return ret;
    if (vals[2] && (ret = list_text(ld, vals[2], "note", &e->tp_note[k])) < 0)
        return ret;
    size_t before = out->n;
    for (int h = 0; h < 2; h++) {
        bool listed = h == 0;
        if (vals[h])
            ret = load_point_seq(ld, vals[h], names[h], k, e->kinds, listed, out);
        else
            ret = tp_push_default(out, k, listed);
        if (ret < 0)
            return ret;
    }
    if (out->n == before && !e->tp_note[k])
        return scan_yaml_fail(
            &ld->y, key, SCAN_ECONFIG,
            "%s has no test point (listed and unlisted are both empty): add a note "
            "saying why, e.g. note: \"no documented test entry\"",
            list_kind_names[k]);
    return 0;
}

/*
 * test_points, in either form, into e->tps: kind by kind (ip4, ip6, domain),
 * listed points before unlisted ones, each in the order written. A kind the
 * catalog says nothing about gets the RFC 5782 section 5 points.
 */
int list_load_test_points(struct loader *ld, yaml_node_t *n, struct list_entry *e)
{
    enum { T_LISTED, T_UNLISTED, T_IP4, T_IP6, T_DOMAIN, T_COUNT };
    static const char *const names[T_COUNT] = {"listed", "unlisted", "ip4", "ip6", "domain"};
    yaml_node_t *keys[T_COUNT], *vals[T_COUNT];
    struct tp_list l = {0};
    int ret = 0;
    for (int i = 0; i < T_COUNT; i++)
        keys[i] = vals[i] = NULL;
    if (n) {
        if (n->type != YAML_MAPPING_NODE) {
            ret = scan_yaml_fail(
                &ld->y, n, SCAN_ECONFIG,
                "'test_points' must be a map with ip4:, ip6: or domain: (or the older "
                "listed: and unlisted:)");
            goto out;
        }
        static const struct scan_yaml_keys spec = {
            names, T_COUNT, "test_points", "ip4, ip6, domain, or the older listed and unlisted",
            false};
        if ((ret = scan_yaml_walk(&ld->y, n, &spec, keys, vals, NULL, NULL)) < 0)
            goto out;
    }
    bool flat = vals[T_LISTED] || vals[T_UNLISTED];
    if (flat) {
        for (int k = 0; k < 3; k++) {
            if (keys[T_IP4 + k]) {
                ret =
                    scan_yaml_fail(&ld->y, keys[T_IP4 + k], SCAN_ECONFIG,
                                   "test_points mixes the older flat listed: / unlisted: with %s:; "
                                   "write every point under its kind",
                                   list_kind_names[k]);
                goto out;
            }
        }
        if ((ret = load_flat(ld, n, vals, e, &l)) < 0)
            goto out;
    } else {
        for (int k = 0; k < 3; k++) {
            if (vals[T_IP4 + k])
                ret = load_kind_map(ld, keys[T_IP4 + k], vals[T_IP4 + k], k, e, &l);
            else if (e->kinds & (1u << k) && (ret = tp_push_default(&l, k, true)) == 0)
                ret = tp_push_default(&l, k, false);
            if (ret < 0)
                goto out;
        }
    }
    if ((ret = check_duplicates(ld, &l)) < 0)
        goto out;
    struct list_test_point *tps = list_cat_alloc(ld->cat, (l.n ? l.n : 1) * sizeof(*tps));
    if (!tps) {
        ret = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < l.n; i++)
        tps[i] = l.v[i].tp;
    e->tps = tps;
    e->ntps = l.n;
out:
    free(l.v);
    return ret;
}
