/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * DKIM selector data loader (see selectors.h). libyaml's document API, then
 * a walk that checks every key and type; libyaml errors are translated here
 * into SCAN_EPARSE with "NAME:LINE:COLUMN:" messages (STYLE rule 7), written
 * by scanner/core/yamlnode.h like every YAML message.
 *
 * Everything lives in one owner: the strings are strdup'd and the arrays
 * that struct scan_dkim_selectors points to are kept beside them.
 */
#include "scanner/catalog/selectors.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "scanner/core/err.h"
#include "scanner/core/yamlnode.h"

extern const char list_dkim_selectors_yaml[];
extern const size_t list_dkim_selectors_yaml_len;

/** A growable array of owned strings. */
struct strv {
    char **v;
    size_t n, cap;
};

struct list_selectors {
    struct scan_dkim_selectors sel;
    struct scan_dkim_provider *providers;
    struct strv *fields; /**< per provider: spf, mx, selectors (3 each) */
    size_t nproviders;
    struct strv names;  /**< provider names */
    struct strv common; /**< the union of every provider's selectors */
};

static int strv_push(struct strv *a, const char *s)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        char **v = realloc(a->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    char *d = strdup(s);
    if (!d)
        return -ENOMEM;
    a->v[a->n++] = d;
    return 0;
}

static void strv_free(struct strv *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof(*a));
}

static bool strv_has(const struct strv *a, const char *s)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], s) == 0)
            return true;
    return false;
}

void list_selectors_free(struct list_selectors *ls)
{
    if (!ls)
        return;
    for (size_t i = 0; ls->fields && i < ls->nproviders * 3; i++)
        strv_free(&ls->fields[i]);
    free(ls->fields);
    free(ls->providers);
    strv_free(&ls->names);
    strv_free(&ls->common);
    free(ls);
}

/* A name or selector: lower-case letters, digits, '-', '_' and '.', not empty. */
static bool word_ok(const char *s)
{
    if (!*s || strlen(s) > 200 || *s == '.')
        return false;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
              *c == '.'))
            return false;
    return true;
}

static int take_seq(const struct scan_yaml *w, const yaml_node_t *n, const char *key,
                    struct strv *out)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(w, n, SCAN_EPARSE, "'%s' must be a sequence", key);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        const yaml_node_t *item = yaml_document_get_node(w->doc, *it);
        const char *s = scan_yaml_scalar(item);
        if (!s || !word_ok(s))
            return scan_yaml_fail(
                w, item, SCAN_EPARSE,
                "'%s' items must be lower-case names (letters, digits, '-', '_', '.')", key);
        int ret = strv_push(out, s);
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* One provider mapping into fields[3 * i ...]. */
static int take_provider(const struct scan_yaml *w, const yaml_node_t *n, struct list_selectors *ls,
                         size_t i)
{
    static const char *const keys[] = {"spf", "mx", "selectors"};
    bool seen[3] = {false, false, false}, named = false;
    if (n->type != YAML_MAPPING_NODE)
        return scan_yaml_fail(w, n, SCAN_EPARSE, "a provider must be a mapping");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
        const char *key = scan_yaml_scalar(k);
        int ret = 0;
        if (!key)
            return scan_yaml_fail(w, k, SCAN_EPARSE, "a key must be a scalar");
        if (strcmp(key, "name") == 0) {
            if (!scan_yaml_scalar(v) || named)
                return scan_yaml_fail(w, v, SCAN_EPARSE, "'name' must be given once, as a scalar");
            named = true;
            ret = strv_push(&ls->names, scan_yaml_scalar(v));
        } else if (strcmp(key, "source") == 0) {
            if (!scan_yaml_scalar(v))
                return scan_yaml_fail(w, v, SCAN_EPARSE, "'source' must be a scalar");
        } else {
            size_t f = 0;
            while (f < 3 && strcmp(key, keys[f]) != 0)
                f++;
            if (f == 3)
                return scan_yaml_fail(
                    w, k, SCAN_EPARSE,
                    "unknown key '%s' in a provider (expected name, source, spf, mx, "
                    "selectors)",
                    key);
            if (seen[f])
                return scan_yaml_fail(w, k, SCAN_EPARSE, "duplicate key '%s'", key);
            seen[f] = true;
            ret = take_seq(w, v, key, &ls->fields[3 * i + f]);
        }
        if (ret != 0)
            return ret;
    }
    if (!named)
        return scan_yaml_fail(w, n, SCAN_EPARSE, "a provider needs a name");
    if (ls->fields[3 * i + 2].n == 0)
        return scan_yaml_fail(w, n, SCAN_EPARSE, "a provider needs at least one selector");
    return 0;
}

static int build(const struct scan_yaml *w, const yaml_node_t *root, struct list_selectors *ls)
{
    const yaml_node_t *provs = NULL;
    if (!root || root->type != YAML_MAPPING_NODE)
        return scan_yaml_fail(w, root, SCAN_EPARSE,
                              "the document must be a mapping with the key 'providers'");
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
        if (!scan_yaml_scalar(k) || strcmp(scan_yaml_scalar(k), "providers") != 0 || provs)
            return scan_yaml_fail(w, k, SCAN_EPARSE, "the only top-level key is 'providers', once");
        provs = yaml_document_get_node(w->doc, p->value);
    }
    if (!provs || provs->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(w, provs ? provs : root, SCAN_EPARSE,
                              "'providers' must be a sequence");
    size_t n = (size_t)(provs->data.sequence.items.top - provs->data.sequence.items.start);
    ls->providers = calloc(n ? n : 1, sizeof(*ls->providers));
    ls->fields = calloc(n ? 3 * n : 1, sizeof(*ls->fields));
    if (!ls->providers || !ls->fields)
        return -ENOMEM;
    ls->nproviders = n;
    for (size_t i = 0; i < n; i++) {
        int ret = take_provider(
            w, yaml_document_get_node(w->doc, provs->data.sequence.items.start[i]), ls, i);
        if (ret != 0)
            return ret;
        const struct strv *sel = &ls->fields[3 * i + 2];
        for (size_t k = 0; k < sel->n; k++)
            if (!strv_has(&ls->common, sel->v[k]) && (ret = strv_push(&ls->common, sel->v[k])))
                return ret;
    }
    for (size_t i = 0; i < n; i++) {
        struct scan_dkim_provider *d = &ls->providers[i];
        d->name = ls->names.v[i];
        d->spf = (const char *const *)ls->fields[3 * i].v;
        d->nspf = ls->fields[3 * i].n;
        d->mx = (const char *const *)ls->fields[3 * i + 1].v;
        d->nmx = ls->fields[3 * i + 1].n;
        d->selectors = (const char *const *)ls->fields[3 * i + 2].v;
        d->nselectors = ls->fields[3 * i + 2].n;
    }
    ls->sel.common = (const char *const *)ls->common.v;
    ls->sel.ncommon = ls->common.n;
    ls->sel.providers = ls->providers;
    ls->sel.nproviders = n;
    return 0;
}

int list_selectors_parse(const char *name, const char *buf, size_t len, struct list_selectors **out,
                         struct scan_diag *diag)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct scan_yaml w = {.doc = &doc, .name = name, .diag = diag};
    struct list_selectors *ls = NULL;
    int ret;

    *out = NULL;
    if (!yaml_parser_initialize(&parser))
        return -ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        scan_yaml_fail_at(diag, name, parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                          SCAN_EPARSE, "%s", parser.problem ? parser.problem : "YAML syntax error");
        yaml_parser_delete(&parser);
        return SCAN_EPARSE;
    }
    ls = calloc(1, sizeof(*ls));
    ret = ls ? build(&w, yaml_document_get_root_node(&doc), ls) : -ENOMEM;
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (ret != 0) {
        list_selectors_free(ls);
        return ret;
    }
    *out = ls;
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
