/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the DKIM selector data loader (scanner/catalog/selectors.c): the
 * built-in file loads and holds the providers the README names; the schema
 * is enforced with FILE:LINE:COLUMN errors.
 */
#include <criterion/criterion.h>
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
