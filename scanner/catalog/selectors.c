/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * DKIM selector data loader (see selectors.h). The data is catalog data, so it
 * is read the way the catalog is: loaded within the limits of every YAML file
 * (scanner/core/yamlload.h), then walked with the shared node reads
 * (scanner/core/yamlnode.h) in the catalog's words (list_yaml_words): a key
 * table per mapping, so unknown and repeated keys are refused there, and every
 * message is "NAME:LINE:COLUMN: what". Syntax and limits are SCAN_EPARSE, the
 * schema SCAN_ECONFIG, as for a catalog.
 *
 * Everything lives in one arena owned by struct list_selectors: the strings,
 * the arrays struct scan_dkim_selectors points to, and the providers.
 */
#include "scanner/catalog/selectors.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "scanner/catalog/catalog_int.h"
#include "scanner/core/arena.h"
#include "scanner/core/err.h"
#include "scanner/core/hashset.h"
#include "scanner/core/yamlload.h"
#include "scanner/core/yamlnode.h"

extern const char list_dkim_selectors_yaml[];
extern const size_t list_dkim_selectors_yaml_len;

struct list_selectors {
    struct scan_dkim_selectors sel;
    struct scan_arena arena; /**< everything sel points to; zeroed by calloc: empty */
};

/* One load: the document in the catalog's words, and the owner being filled. */
struct reader {
    struct scan_yaml y;
    struct list_selectors *ls;
};

void list_selectors_free(struct list_selectors *ls)
{
    if (!ls)
        return;
    scan_arena_deinit(&ls->arena);
    free(ls);
}

/* A selector or a name under which one is inferred: lower-case letters, digits,
 * '-', '_' and '.', not empty, not starting with '.', at most 200 bytes. @p len
 * is the scalar's own length, so a NUL inside it is refused like any other byte. */
static bool word_ok(const char *s, size_t len)
{
    if (len == 0 || len > 200 || *s == '.')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_' || s[i] == '.'))
            return false;
    return true;
}

/* The list @p key (spf, mx or selectors) as an array of arena copies. */
static int take_words(struct reader *r, const yaml_node_t *n, const char *key,
                      const char *const **out, size_t *nout)
{
    size_t count = scan_yaml_count(n);
    const char **v;

    if (n->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&r->y, n, SCAN_ECONFIG, "'%s' must be a list, not %s", key,
                              scan_yaml_kind(&r->y, n));
    if (!(v = scan_arena_calloc(&r->ls->arena, count, sizeof(*v))))
        return -ENOMEM;
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *item;
        const char *s;
        int ret = scan_yaml_item(&r->y, n, i, &item);

        if (ret != 0)
            return ret;
        if (!(s = scan_yaml_scalar(item)) || !word_ok(s, item->data.scalar.length))
            return scan_yaml_fail(
                &r->y, item, SCAN_ECONFIG,
                "'%s' items must be lower-case names (letters, digits, '-', '_', '.')", key);
        if (!(v[i] = scan_arena_strdup(&r->ls->arena, s)))
            return -ENOMEM;
    }
    *out = v;
    *nout = count;
    return 0;
}

/* One provider mapping into @p p. The source is checked and not kept: it is for
 * the people who edit the file. */
static int take_provider(struct reader *r, const yaml_node_t *n, struct scan_dkim_provider *p)
{
    enum { NAME, SOURCE, SPF, MX, SELECTORS, NKEYS };
    static const char *const names[NKEYS] = {"name", "source", "spf", "mx", "selectors"};
    static const struct scan_yaml_keys spec = {names, NKEYS, "a provider", NULL, true};
    yaml_node_t *keys[NKEYS], *vals[NKEYS];
    const char *s;
    int ret;

    if (n->type != YAML_MAPPING_NODE)
        return scan_yaml_fail(&r->y, n, SCAN_ECONFIG, "a provider must be a map, not %s",
                              scan_yaml_kind(&r->y, n));
    if ((ret = scan_yaml_walk(&r->y, n, &spec, keys, vals, NULL, NULL)) != 0)
        return ret;
    if (!vals[NAME])
        return scan_yaml_fail(&r->y, n, SCAN_ECONFIG, "a provider needs a name");
    if ((ret = scan_yaml_text(&r->y, vals[NAME], "name", true, &s)) != 0)
        return ret;
    if (!(p->name = scan_arena_strdup(&r->ls->arena, s)))
        return -ENOMEM;
    if (vals[SOURCE] && (ret = scan_yaml_text(&r->y, vals[SOURCE], "source", false, &s)) != 0)
        return ret;
    if (vals[SPF] && (ret = take_words(r, vals[SPF], "spf", &p->spf, &p->nspf)) != 0)
        return ret;
    if (vals[MX] && (ret = take_words(r, vals[MX], "mx", &p->mx, &p->nmx)) != 0)
        return ret;
    if (vals[SELECTORS] &&
        (ret = take_words(r, vals[SELECTORS], "selectors", &p->selectors, &p->nselectors)) != 0)
        return ret;
    if (p->nselectors == 0)
        return scan_yaml_fail(&r->y, n, SCAN_ECONFIG, "a provider needs at least one selector");
    return 0;
}

/* The common list: every provider's selectors in the order written, each once.
 * The strings are the providers' own (one arena); the set of those seen is the one
 * hash table (scanner/core/hashset.h), so the union stays linear however many
 * selectors a file within the YAML limits holds. */
static int take_common(struct reader *r)
{
    struct scan_dkim_selectors *sel = &r->ls->sel;
    struct scan_hashset seen;
    size_t total = 0, n = 0;
    const char **common;
    int ret = 0;

    for (size_t i = 0; i < sel->nproviders; i++)
        total += sel->providers[i].nselectors;
    if (!(common = scan_arena_calloc(&r->ls->arena, total, sizeof(*common))))
        return -ENOMEM;
    scan_hashset_init(&seen, sizeof(const char *), 0, &scan_hashset_str_ops);
    for (size_t i = 0; i < sel->nproviders && ret >= 0; i++) {
        const struct scan_dkim_provider *p = &sel->providers[i];
        for (size_t k = 0; k < p->nselectors && ret >= 0; k++) {
            void *e;
            if ((ret = scan_hashset_insert(&seen, p->selectors[k], &e)) == 0) {
                memcpy(e, &p->selectors[k], sizeof(const char *));
                common[n++] = p->selectors[k];
            }
        }
    }
    scan_hashset_deinit(&seen);
    if (ret < 0)
        return ret;
    sel->common = common;
    sel->ncommon = n;
    return 0;
}

/* The document: a map whose one key, providers, holds a list of providers. */
static int build(struct reader *r, const yaml_node_t *root)
{
    static const char *const names[1] = {"providers"};
    static const struct scan_yaml_keys spec = {names, 1, "the top level", "providers", false};
    yaml_node_t *keys[1], *vals[1], *provs;
    struct scan_dkim_provider *v;
    size_t n;
    int ret;

    if (!root || root->type != YAML_MAPPING_NODE)
        return scan_yaml_fail(&r->y, root, SCAN_ECONFIG,
                              "the top level must be a map with 'providers:'");
    if ((ret = scan_yaml_walk(&r->y, root, &spec, keys, vals, NULL, NULL)) != 0)
        return ret;
    if (!(provs = vals[0]))
        return scan_yaml_fail(&r->y, root, SCAN_ECONFIG,
                              "the top level must be a map with 'providers:'");
    if (provs->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&r->y, provs, SCAN_ECONFIG, "'providers' must be a list, not %s",
                              scan_yaml_kind(&r->y, provs));
    n = scan_yaml_count(provs);
    if (!(v = scan_arena_calloc(&r->ls->arena, n, sizeof(*v))))
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item;
        if ((ret = scan_yaml_item(&r->y, provs, i, &item)) != 0 ||
            (ret = take_provider(r, item, &v[i])) != 0)
            return ret;
    }
    r->ls->sel.providers = v;
    r->ls->sel.nproviders = n;
    return take_common(r);
}

int list_selectors_parse(const char *name, const char *buf, size_t len, struct list_selectors **out,
                         struct scan_diag *diag)
{
    struct list_yaml_src src = {
        .name = name, .buf = buf, .len = len, .what = "a DKIM selector file"};
    yaml_document_t doc;
    struct reader r = {.y = {.doc = &doc, .name = name, .diag = diag, .say = &list_yaml_words}};
    int ret;

    *out = NULL;
    if ((ret = list_yaml_load(&src, &doc, diag)) != 0)
        return ret;
    r.ls = calloc(1, sizeof(*r.ls));
    ret = r.ls ? build(&r, yaml_document_get_root_node(&doc)) : -ENOMEM;
    yaml_document_delete(&doc);
    if (ret != 0) {
        list_selectors_free(r.ls);
        return ret;
    }
    *out = r.ls;
    return 0;
}

int list_selectors_load_default(struct list_selectors **out, struct scan_diag *diag)
{
    return list_selectors_parse("dkim-selectors.yaml", list_dkim_selectors_yaml,
                                list_dkim_selectors_yaml_len, out, diag);
}

const struct scan_dkim_selectors *list_selectors_get(const struct list_selectors *ls)
{
    return ls ? &ls->sel : NULL;
}
