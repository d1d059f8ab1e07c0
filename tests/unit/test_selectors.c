/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the DKIM selector data loader (scanner/catalog/selectors.c): the
 * built-in file loads and holds the providers the README names; the schema
 * is enforced with FILE:LINE:COLUMN errors.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/catalog/selectors.h"
#include "scanner/core/err.h"
#include "scanner/core/yamlload.h"

static bool has(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

Test(selectors, builtin_data)
{
    struct list_selectors *ls = NULL;
    struct scan_diag err = {0};
    cr_assert_eq(list_selectors_load_default(&ls, &err), 0, "%s", err.msg);
    const struct scan_dkim_selectors *s = list_selectors_get(ls);
    cr_assert_gt(s->nproviders, 8);
    static const char *const want[] = {"google", "selector1", "selector2", "k1",
                                       "mte1",   "s1",        "s2",        "amazonses",
                                       "zoho",   "smtp",      "pm",        "default"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        cr_expect(has(s->common, s->ncommon, want[i]), "%s", want[i]);
    for (size_t i = 0; i < s->ncommon; i++)
        for (size_t k = i + 1; k < s->ncommon; k++)
            cr_expect_str_neq(s->common[i], s->common[k], "common selectors are unique");
    cr_expect_str_eq(s->providers[1].name, "Microsoft 365");
    cr_expect_str_eq(s->providers[1].spf[0], "spf.protection.outlook.com");
    cr_expect_eq(s->ngiven, 0);
    list_selectors_free(ls);
    list_selectors_free(NULL);
}

/* The whole structure as text: one line per provider "name|spf,..|mx,..|sel,..",
 * then "common:sel,..". */
static void dump(const struct scan_dkim_selectors *s, char *buf, size_t len)
{
    size_t o = 0;
#define PUT(...) (o += (size_t)snprintf(buf + o, o < len ? len - o : 0, __VA_ARGS__))
    for (size_t i = 0; i < s->nproviders; i++) {
        const struct scan_dkim_provider *p = &s->providers[i];
        PUT("%s|", p->name);
        for (size_t k = 0; k < p->nspf; k++)
            PUT("%s%s", k ? "," : "", p->spf[k]);
        PUT("|");
        for (size_t k = 0; k < p->nmx; k++)
            PUT("%s%s", k ? "," : "", p->mx[k]);
        PUT("|");
        for (size_t k = 0; k < p->nselectors; k++)
            PUT("%s%s", k ? "," : "", p->selectors[k]);
        PUT("\n");
    }
    PUT("common:");
    for (size_t k = 0; k < s->ncommon; k++)
        PUT("%s%s", k ? "," : "", s->common[k]);
#undef PUT
    cr_assert_lt(o, len, "dump fits");
}

/* Valid data in every shape the schema allows: keys in any order, block and flow
 * style, quoting, an absent or empty spf/mx, a selector shared by two providers
 * (the common list keeps its first place), an alias. */
Test(selectors, valid_data_exact)
{
    static const char text[] = "# comment\n"
                               "providers:\n"
                               "  - selectors: [b1, a-2]\n"
                               "    name: First One\n"
                               "    source: \"somewhere #1\"\n"
                               "    spf: [_spf.example.com, 'x.example']\n"
                               "    mx: []\n"
                               "  - name: \"Second\"\n"
                               "    mx: &mx [mx.example.net]\n"
                               "    selectors:\n"
                               "      - c_3\n"
                               "      - b1\n"
                               "      - \"d.4\"\n"
                               "  - {name: third, spf: [], mx: *mx, selectors: [a-2, e5, c_3]}\n";
    static const char want[] = "First One|_spf.example.com,x.example||b1,a-2\n"
                               "Second||mx.example.net|c_3,b1,d.4\n"
                               "third||mx.example.net|a-2,e5,c_3\n"
                               "common:b1,a-2,c_3,d.4,e5";
    struct list_selectors *ls = NULL;
    struct scan_diag err = {0};
    char got[1024];
    cr_assert_eq(list_selectors_parse("t.yaml", text, strlen(text), &ls, &err), 0, "%s", err.msg);
    const struct scan_dkim_selectors *s = list_selectors_get(ls);
    dump(s, got, sizeof(got));
    cr_expect_str_eq(got, want);
    cr_expect_eq(s->ngiven, 0);
    cr_expect_null(s->given);
    list_selectors_free(ls);
}

/* The built-in common list is the union of the providers' selectors, in the order
 * the providers name them, each once. */
Test(selectors, builtin_common_is_the_ordered_union)
{
    struct list_selectors *ls = NULL;
    struct scan_diag err = {0};
    cr_assert_eq(list_selectors_load_default(&ls, &err), 0, "%s", err.msg);
    const struct scan_dkim_selectors *s = list_selectors_get(ls);
    size_t k = 0;
    for (size_t i = 0; i < s->nproviders; i++) {
        const struct scan_dkim_provider *p = &s->providers[i];
        cr_expect_gt(p->nselectors, 0, "%s", p->name);
        for (size_t j = 0; j < p->nselectors; j++) {
            if (has(s->common, k, p->selectors[j]))
                continue;
            cr_assert_lt(k, s->ncommon);
            cr_expect_str_eq(s->common[k], p->selectors[j]);
            k++;
        }
    }
    cr_expect_eq(k, s->ncommon);
    list_selectors_free(ls);
}

/* Every way the data can be wrong: the code, no object, and the exact message at the
 * node it is about. Syntax and the loader's limits are SCAN_EPARSE, the schema
 * SCAN_ECONFIG, with the catalog's words (scanner/catalog/catalog_nodes.c). */
Test(selectors, schema_errors)
{
    static const struct {
        const char *text;
        int code;
        const char *err;
    } bad[] = {
        /* YAML itself (scanner/core/yamlload.h) */
        {"providers: [\n", SCAN_EPARSE,
         "t.yaml:2:1: YAML syntax error: did not find expected node content while parsing a "
         "flow node"},
        {"providers: []\n---\nproviders: []\n", SCAN_EPARSE,
         "t.yaml:2:1: a second YAML document: a DKIM selector file holds one"},
        /* the top level */
        {"", SCAN_ECONFIG, "t.yaml:1:1: the top level must be a map with 'providers:'"},
        {"[providers]\n", SCAN_ECONFIG,
         "t.yaml:1:1: the top level must be a map with 'providers:'"},
        {"{}\n", SCAN_ECONFIG, "t.yaml:1:1: the top level must be a map with 'providers:'"},
        {"lists: []\n", SCAN_ECONFIG,
         "t.yaml:1:1: unknown key 'lists' in the top level (expected providers)"},
        {"providers: []\nproviders: []\n", SCAN_ECONFIG,
         "t.yaml:2:1: duplicate key 'providers' (first at line 1)"},
        {"? [providers]\n: []\n", SCAN_ECONFIG,
         "t.yaml:1:3: a key in the top level must be a word, not a list"},
        {"providers: {name: a}\n", SCAN_ECONFIG,
         "t.yaml:1:12: 'providers' must be a list, not a map"},
        {"providers:\n", SCAN_ECONFIG,
         "t.yaml:1:11: 'providers' must be a list, not a single value"},
        /* a provider */
        {"providers: [google]\n", SCAN_ECONFIG,
         "t.yaml:1:13: a provider must be a map, not a single value"},
        {"providers: [{name: a, selectors: [s1], spff: [x]}]\n", SCAN_ECONFIG,
         "t.yaml:1:40: unknown key 'spff' in a provider (expected one of: name, source, spf, mx, "
         "selectors)"},
        {"providers:\n  - ? [name]\n    : a\n", SCAN_ECONFIG,
         "t.yaml:2:7: a key in a provider must be a word, not a list"},
        {"providers: [{name: a, selectors: [s1], name: b}]\n", SCAN_ECONFIG,
         "t.yaml:1:40: duplicate key 'name' (first at line 1)"},
        {"providers: [{name: a, source: x, selectors: [s1], source: y}]\n", SCAN_ECONFIG,
         "t.yaml:1:51: duplicate key 'source' (first at line 1)"},
        {"providers: [{selectors: [s1]}]\n", SCAN_ECONFIG, "t.yaml:1:13: a provider needs a name"},
        {"providers: [{name: [a], selectors: [s1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:20: 'name' must be a single value, not a list"},
        {"providers: [{name: \"\", selectors: [s1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:20: 'name' is empty"},
        {"providers: [{name: ~, selectors: [s1]}]\n", SCAN_ECONFIG, "t.yaml:1:20: 'name' is empty"},
        {"providers: [{name: \"a\\tb\", selectors: [s1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:20: 'name' contains a control character"},
        {"providers: [{name: \"a\\0b\", selectors: [s1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:20: 'name' contains a NUL character"},
        {"providers: [{name: a, source: {x: y}, selectors: [s1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:31: 'source' must be a single value, not a map"},
        {"providers: [{name: a}]\n", SCAN_ECONFIG,
         "t.yaml:1:13: a provider needs at least one selector"},
        {"providers: [{name: a, selectors: []}]\n", SCAN_ECONFIG,
         "t.yaml:1:13: a provider needs at least one selector"},
        /* spf, mx and selectors */
        {"providers: [{name: a, spf: x.example, selectors: [s1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:28: 'spf' must be a list, not a single value"},
        {"providers: [{name: a, mx: {a: b}, selectors: [s1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:27: 'mx' must be a list, not a map"},
        {"providers: [{name: a, selectors: s1}]\n", SCAN_ECONFIG,
         "t.yaml:1:34: 'selectors' must be a list, not a single value"},
        {"providers: [{name: a, selectors: [S1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:35: 'selectors' items must be lower-case names (letters, digits, '-', '_', "
         "'.')"},
        {"providers: [{name: a, selectors: [s1, .s2]}]\n", SCAN_ECONFIG,
         "t.yaml:1:39: 'selectors' items must be lower-case names (letters, digits, '-', '_', "
         "'.')"},
        {"providers: [{name: a, selectors: [\"\"]}]\n", SCAN_ECONFIG,
         "t.yaml:1:35: 'selectors' items must be lower-case names (letters, digits, '-', '_', "
         "'.')"},
        {"providers: [{name: a, selectors: [\"s\\0b\"]}]\n", SCAN_ECONFIG,
         "t.yaml:1:35: 'selectors' items must be lower-case names (letters, digits, '-', '_', "
         "'.')"},
        {"providers: [{name: a, spf: [x y], selectors: [s1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:29: 'spf' items must be lower-case names (letters, digits, '-', '_', '.')"},
        {"providers: [{name: a, mx: [[m]], selectors: [s1]}]\n", SCAN_ECONFIG,
         "t.yaml:1:28: 'mx' items must be lower-case names (letters, digits, '-', '_', '.')"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct list_selectors *ls = (struct list_selectors *)1;
        struct scan_diag err = {0};
        cr_expect_eq(list_selectors_parse("t.yaml", bad[i].text, strlen(bad[i].text), &ls, &err),
                     bad[i].code, "%s", bad[i].text);
        cr_expect_null(ls, "%s", bad[i].text);
        cr_expect_str_eq(err.msg, bad[i].err, "%s: got %s", bad[i].text, err.msg);
    }
}

/* The data is read within the limits of every YAML file (scanner/core/yamlload.h),
 * not with libyaml's unbounded loader: too deep a nesting stops at the first
 * collection past the limit, and more than LIST_YAML_MAX_BYTES is refused. */
Test(selectors, loader_limits)
{
    char deep[LIST_YAML_MAX_DEPTH + 40];
    size_t o = (size_t)snprintf(deep, sizeof(deep), "providers: ");
    for (int i = 0; i < LIST_YAML_MAX_DEPTH; i++)
        deep[o++] = '[';
    deep[o] = '\0';
    struct list_selectors *ls = (struct list_selectors *)1;
    struct scan_diag err = {0};
    cr_expect_eq(list_selectors_parse("t.yaml", deep, o, &ls, &err), SCAN_EPARSE);
    cr_expect_null(ls);
    /* "providers: " is 11 columns; the root map is level 1, so bracket 64 is level 65 */
    cr_expect_str_eq(err.msg,
                     "t.yaml:1:75: nesting deeper than 64 levels (the limit for YAML files)");

    size_t big = LIST_YAML_MAX_BYTES + 1;
    char *buf = malloc(big);
    cr_assert_not_null(buf);
    memset(buf, '#', big);
    ls = (struct list_selectors *)1;
    cr_expect_eq(list_selectors_parse("t.yaml", buf, big, &ls, &err), -EFBIG);
    cr_expect_null(ls);
    cr_expect_str_eq(err.msg,
                     "t.yaml:1:1048577: the file is larger than 1 MiB (1048576 bytes), the limit "
                     "for YAML files");
    free(buf);
}

/* A file near the size limit with 90,000 selectors: the union is every selector
 * once, in order (the set of those seen is a hash table: this takes milliseconds
 * where comparing each with every earlier one took about 10 s). */
Test(selectors, many_selectors)
{
    enum { N = 90000 };
    size_t cap = 1u << 20, o = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    o += (size_t)snprintf(text + o, cap - o, "providers:\n- name: a\n  selectors: [");
    for (int i = 0; i < N; i++)
        o += (size_t)snprintf(text + o, cap - o, "%sx%d", i ? "," : "", i);
    o += (size_t)snprintf(text + o, cap - o, "]\n- {name: b, selectors: [x0, new, x%d]}\n", N - 1);
    cr_assert_lt(o, LIST_YAML_MAX_BYTES);

    struct list_selectors *ls = NULL;
    struct scan_diag err = {0};
    cr_assert_eq(list_selectors_parse("t.yaml", text, o, &ls, &err), 0, "%s", err.msg);
    const struct scan_dkim_selectors *s = list_selectors_get(ls);
    cr_assert_eq(s->ncommon, N + 1);
    char want[16];
    for (int i = 0; i < N; i += 997) {
        snprintf(want, sizeof(want), "x%d", i);
        cr_expect_str_eq(s->common[i], want);
    }
    cr_expect_str_eq(s->common[N - 1], "x89999");
    cr_expect_str_eq(s->common[N], "new");
    cr_expect_eq(s->providers[1].nselectors, 3);
    list_selectors_free(ls);
    free(text);
}

/* A word is 1 to 200 bytes. */
Test(selectors, word_length)
{
    char text[300];
    struct list_selectors *ls = NULL;
    struct scan_diag err = {0};
    for (size_t n = 200; n <= 201; n++) {
        char word[202];
        memset(word, 'a', n);
        word[n] = '\0';
        snprintf(text, sizeof(text), "providers: [{name: a, selectors: [%s]}]\n", word);
        int ret = list_selectors_parse("t.yaml", text, strlen(text), &ls, &err);
        if (n == 200) {
            cr_assert_eq(ret, 0, "%s", err.msg);
            cr_expect_eq(strlen(list_selectors_get(ls)->common[0]), 200);
            list_selectors_free(ls);
        } else {
            cr_expect_eq(ret, SCAN_ECONFIG);
            cr_expect_null(ls);
            cr_expect_str_eq(err.msg, "t.yaml:1:35: 'selectors' items must be lower-case names "
                                      "(letters, digits, '-', '_', '.')");
        }
    }
}
