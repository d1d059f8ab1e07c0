/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the DKIM selector data loader (scanner/catalog/selectors.c): the
 * built-in file loads and holds the providers the README names; the schema
 * is enforced with FILE:LINE:COLUMN errors.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "scanner/catalog/selectors.h"
#include "scanner/core/err.h"

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

Test(selectors, schema_errors)
{
    static const struct {
        const char *text, *err;
    } bad[] = {
        {"providers: [{name: a, selectors: [s1], spff: [x]}]\n",
         "t.yaml:1:40: unknown key 'spff' in a provider (expected name, source, spf, mx, "
         "selectors)"},
        {"providers: [{name: a, selectors: []}]\n",
         "t.yaml:1:13: a provider needs at least one selector"},
        {"providers: [{name: a, selectors: [S1]}]\n",
         "t.yaml:1:35: 'selectors' items must be lower-case names (letters, digits, '-', '_', "
         "'.')"},
        {"lists: []\n", "t.yaml:1:1: the only top-level key is 'providers', once"},
        {"providers: [\n", "t.yaml:2:1: did not find expected node content"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct list_selectors *ls = NULL;
        struct scan_diag err = {0};
        cr_expect_eq(list_selectors_parse("t.yaml", bad[i].text, strlen(bad[i].text), &ls, &err),
                     SCAN_EPARSE, "%s", bad[i].text);
        cr_expect_null(ls);
        cr_expect_str_eq(err.msg, bad[i].err);
    }
}
