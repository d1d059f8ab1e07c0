/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of list_interpret() (scanner/catalog/interpret.c): a table-driven pass over
 * every code of every list in the default catalog, the answers the local test
 * world serves, and the rules one by one on hand-built lists.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <string.h>

#include "scanner/catalog/catalog.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const char outside[] = "not a DNSBL answer (outside 127.0.0.0/8)";

static struct list_catalog *cat;

static void load_default(void)
{
    struct scan_diag err = {0};
    int ret =
        list_catalog_load_buf("default.yaml", list_default_yaml, list_default_yaml_len, &cat, &err);
    cr_assert_eq(ret, 0, "%s", err.msg);
}

static void free_default(void)
{
    list_catalog_free(cat);
    cat = NULL;
}

static const struct list_entry *list(const char *id)
{
    const struct list_entry *e = list_catalog_find(cat, id);
    cr_assert_not_null(e, "no list %s", id);
    return e;
}

static struct list_interp one(const struct list_entry *e, uint32_t a)
{
    struct list_interp r;
    cr_assert_eq(list_interpret(e, &a, 1, &r), 0);
    return r;
}

static bool has_meaning(const struct list_interp *r, const char *m)
{
    for (size_t i = 0; i < r->ncodes; i++)
        if (strcmp(r->meanings[i], m) == 0)
            return true;
    return false;
}

static enum list_verdict verdict_of_class(const struct list_entry *e, enum list_code_class k)
{
    switch (k) {
    case LIST_CODE_LISTING:
        return e->informational ? LIST_V_INFO : LIST_V_LISTED;
    case LIST_CODE_ALLOW:
        return LIST_V_ALLOW;
    case LIST_CODE_INFO:
        return LIST_V_INFO;
    case LIST_CODE_REFUSAL:
        return LIST_V_REFUSAL;
    }
    return LIST_V_CLEAN;
}

static enum scan_class scan_class_of(enum list_verdict v)
{
    return v == LIST_V_LISTED  ? SCAN_CLASS_LISTING
           : v == LIST_V_INFO  ? SCAN_CLASS_INFO
           : v == LIST_V_ALLOW ? SCAN_CLASS_ALLOW
                               : SCAN_CLASS_NONE;
}

/* The row an exact/net lookup of @p a picks: the longest prefix. */
static const struct list_code *best_row(const struct list_entry *e, uint32_t a)
{
    const struct list_code *best = NULL;
    for (size_t i = 0; i < e->ncodes; i++) {
        const struct list_code *c = &e->codes[i];
        if (c->is_mask)
            continue;
        uint32_t m = c->prefix ? 0xffffffffu << (32 - c->prefix) : 0;
        if ((a & m) == (c->value & m) && (!best || c->prefix > best->prefix))
            best = c;
    }
    return best;
}

/* ------------------------------------------------------- the default catalog */

/*
 * Every code row of every active list, looked up alone: exact codes by value,
 * nets by an address only they cover, masks by their own bits. Each must give
 * the verdict of its class (after the informational rule) and its own meaning.
 */
/* The one code-to-text of the tree: host order in, dotted quad out, every octet
 * printed in full. */
Test(interpret, code_text)
{
    char b[LIST_CODE_TEXT];

    cr_assert_str_eq(list_code_text(IP(127, 0, 0, 2), b), "127.0.0.2");
    cr_assert_str_eq(list_code_text(IP(127, 0, 10, 200), b), "127.0.10.200");
    cr_assert_str_eq(list_code_text(0, b), "0.0.0.0");
    cr_assert_str_eq(list_code_text(0xffffffffu, b), "255.255.255.255");
    cr_assert_eq(strlen(b) + 1, sizeof(b), "the longest fits exactly");
    cr_assert_eq(list_code_text(IP(192, 0, 2, 1), b), b);
}

Test(interpret, every_default_code, .init = load_default, .fini = free_default)
{
    size_t checked = 0;
    for (size_t i = 0; i < list_catalog_count(cat); i++) {
        const struct list_entry *e = list_catalog_get(cat, i);
        if (e->dead)
            continue;
        for (size_t j = 0; j < e->ncodes; j++) {
            const struct list_code *c = &e->codes[j];
            uint32_t a = 0;
            bool found = false;
            if (c->is_mask) {
                a = IP(127, 0, 0, c->value);
                found = best_row(e, a) == NULL; /* an exact code owns this value */
            } else if (c->prefix == 32) {
                a = c->value;
                found = true;
            } else {
                uint32_t size = c->prefix ? 1u << (32 - c->prefix) : 0;
                for (uint32_t k = 1; k < size && k < 4096 && !found; k++)
                    found = best_row(e, c->value + k) == c && (a = c->value + k);
            }
            if (!found)
                continue;
            struct list_interp r = one(e, a);
            enum list_verdict want = verdict_of_class(e, c->klass);
            cr_expect_eq(r.verdict, want, "%s row %zu (%s): verdict %d, want %d", e->id, j,
                         c->meaning, r.verdict, want);
            cr_expect_eq(r.klass, scan_class_of(want), "%s row %zu", e->id, j);
            cr_expect(has_meaning(&r, c->meaning), "%s row %zu: meaning %s missing", e->id, j,
                      c->meaning);
            if (!c->is_mask || (c->value & (c->value - 1)) == 0)
                cr_expect_eq(r.ncodes, 1, "%s row %zu", e->id, j);
            checked++;
        }
    }
    cr_expect_gt(checked, 150);
}

/* An answer outside 127/8 is INVALID on every list, and an unknown 127/8 code is a
 * listing ("unknown code"), informational on informational lists, allow on allowlists. */
Test(interpret, every_default_list_invalid_and_unknown, .init = load_default, .fini = free_default)
{
    for (size_t i = 0; i < list_catalog_count(cat); i++) {
        const struct list_entry *e = list_catalog_get(cat, i);
        if (e->dead)
            continue;
        struct list_interp r = one(e, IP(91, 195, 240, 117));
        cr_expect_eq(r.verdict, LIST_V_INVALID, "%s", e->id);
        cr_expect_eq(r.klass, SCAN_CLASS_NONE, "%s", e->id);
        cr_expect_eq(r.ncodes, 1, "%s", e->id);
        cr_expect_str_eq(r.codes[0], "91.195.240.117");
        cr_expect_str_eq(r.meanings[0], outside);

        uint32_t unknown = IP(127, 1, 2, 3);
        cr_assert_null(best_row(e, unknown), "%s: pick another unknown code", e->id);
        r = one(e, unknown);
        enum list_verdict want = list_is_allowlist(e) ? LIST_V_ALLOW
                                 : e->informational   ? LIST_V_INFO
                                                      : LIST_V_LISTED;
        cr_expect_eq(r.verdict, want, "%s: unknown code verdict %d", e->id, r.verdict);
        cr_expect_str_eq(r.codes[0], "127.1.2.3");
        cr_expect_str_eq(r.meanings[0], "unknown code", "%s", e->id);

        /* A listing next to a parking address is still INVALID. */
        uint32_t both[2] = {IP(127, 0, 0, 2), IP(146, 112, 61, 108)};
        cr_assert_eq(list_interpret(e, both, 2, &r), 0);
        cr_expect_eq(r.verdict, LIST_V_INVALID, "%s", e->id);
    }
}

/* What the local test world serves, list by list. */
Test(interpret, world_answers, .init = load_default, .fini = free_default)
{
    struct list_interp r;

    uint32_t zen[3] = {IP(127, 0, 0, 10), IP(127, 0, 0, 2), IP(127, 0, 0, 4)};
    cr_assert_eq(list_interpret(list("zen.spamhaus.org"), zen, 3, &r), 0);
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_expect_eq(r.klass, SCAN_CLASS_LISTING);
    cr_assert_eq(r.ncodes, 3);
    cr_expect_str_eq(r.codes[0], "127.0.0.2");
    cr_expect_str_eq(r.codes[1], "127.0.0.4");
    cr_expect_str_eq(r.codes[2], "127.0.0.10");
    cr_expect_str_eq(r.meanings[0], "SBL: Spamhaus Block List (spam source or operation)");
    cr_expect_str_eq(r.meanings[1], "XBL: exploited or infected host");
    cr_expect_str_eq(r.meanings[2], "PBL: ISP-maintained, this IP should not send mail directly");

    r = one(list("zen.spamhaus.org"), IP(127, 0, 0, 77));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_expect_str_eq(r.meanings[0], "unknown code");

    r = one(list("dbl.spamhaus.org"), IP(127, 255, 255, 254));
    cr_expect_eq(r.verdict, LIST_V_REFUSAL);
    cr_expect_eq(r.klass, SCAN_CLASS_NONE);
    r = one(list("dbl.spamhaus.org"), IP(127, 0, 1, 2));
    cr_expect_eq(r.verdict, LIST_V_LISTED);

    r = one(list("multi.surbl.org"), IP(127, 0, 0, 8));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_assert_eq(r.ncodes, 1);
    cr_expect_str_eq(r.meanings[0], "PH: phishing");
    r = one(list("multi.surbl.org"), IP(127, 0, 0, 2)); /* TEST: bit 2 is not a refusal */
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_expect_str_eq(r.meanings[0], "unknown code bit 2");
    r = one(list("multi.surbl.org"), IP(127, 0, 0, 1));
    cr_expect_eq(r.verdict, LIST_V_REFUSAL);

    r = one(list("multi.uribl.com"), IP(127, 0, 0, 14));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_assert_eq(r.ncodes, 3);
    cr_expect_str_eq(r.meanings[0], "URIBL black: domain seen in spam");
    cr_expect_str_eq(r.meanings[1], "URIBL grey: bulk-mail domain (grey list)");
    cr_expect_str_eq(r.meanings[2], "URIBL red: monitored domain (red list)");
    r = one(list("multi.uribl.com"), IP(127, 0, 0, 1));
    cr_expect_eq(r.verdict, LIST_V_REFUSAL);
    cr_assert_eq(r.ncodes, 1);
    r = one(list("multi.uribl.com"), IP(127, 0, 0, 4)); /* grey alone */
    cr_expect_eq(r.verdict, LIST_V_INFO);

    r = one(list("all.spamrats.com"), IP(127, 0, 0, 38));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_expect_str_eq(r.meanings[0], "RATS-Spam: seen sending spam");
    r = one(list("dnsbl.dronebl.org"), IP(127, 0, 0, 3));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_expect_str_eq(r.meanings[0], "DroneBL: IRC spam drone");

    r = one(list("list.dnswl.org"), IP(127, 0, 10, 0));
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    cr_expect_eq(r.klass, SCAN_CLASS_ALLOW);
    r = one(list("list.dnswl.org"), IP(127, 0, 3, 2));
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    cr_expect_str_eq(r.meanings[0], "dnswl.org: email service provider (last octet = trust 0-3)");
    r = one(list("list.dnswl.org"), IP(127, 0, 15, 1));
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    cr_expect_str_eq(r.meanings[0], "dnswl.org: email marketing provider (last octet = trust 0-3)");
    r = one(list("list.dnswl.org"), IP(127, 0, 0, 255));
    cr_expect_eq(r.verdict, LIST_V_REFUSAL);
    /* 127.0.X.255 is a refusal in every category; 127.0.10.0 (the test entry's
     * answer) is allow, the rest of 127.0.10.0/24 ("returnhi") a refusal. */
    for (unsigned x = 0; x <= 20; x++) {
        r = one(list("list.dnswl.org"), IP(127, 0, x, 255));
        cr_expect_eq(r.verdict, LIST_V_REFUSAL, "127.0.%u.255", x);
    }
    for (unsigned t = 1; t <= 3; t++) {
        r = one(list("list.dnswl.org"), IP(127, 0, 10, t));
        cr_expect_eq(r.verdict, LIST_V_REFUSAL, "127.0.10.%u", t);
    }
    r = one(list("list.dnswl.org"), IP(127, 0, 20, 1));
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    cr_expect_str_eq(r.meanings[0],
                     "dnswl.org: added through self service, no category (last octet = trust 0-3)");
    r = one(list("list.dnswl.org"), IP(127, 0, 42, 2)); /* an unnamed category */
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    cr_expect(list_is_allowlist(list("list.dnswl.org")));

    static const char *const plain[] = {
        "b.barracudacentral.org",  "bl.spamcop.net",         "psbl.surriel.com",
        "bl.mailspike.net",        "dnsbl-1.uceprotect.net", "ips.backscatterer.org",
        "bl.spameatingmonkey.net",
    };
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        r = one(list(plain[i]), IP(127, 0, 0, 2));
        cr_expect_eq(r.verdict, LIST_V_LISTED, "%s", plain[i]);
    }
    r = one(list("dnsbl-2.uceprotect.net"), IP(127, 0, 0, 2));
    cr_expect_eq(r.verdict, LIST_V_INFO);
    cr_expect_eq(r.klass, SCAN_CLASS_INFO);
    r = one(list("dnsbl-3.uceprotect.net"), IP(127, 0, 0, 2));
    cr_expect_eq(r.verdict, LIST_V_INFO);
}

Test(interpret, reputation_and_freshness_lists, .init = load_default, .fini = free_default)
{
    struct list_interp r;
    /* Mailspike rep: a score, not a blocklist; wl is an allowlist. */
    r = one(list("rep.mailspike.net"), IP(127, 0, 0, 10));
    cr_expect_eq(r.verdict, LIST_V_INFO);
    r = one(list("rep.mailspike.net"), IP(127, 0, 0, 15));
    cr_expect_eq(r.verdict, LIST_V_INFO);
    r = one(list("rep.mailspike.net"), IP(127, 0, 0, 18));
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    cr_expect(!list_is_allowlist(list("rep.mailspike.net")));
    cr_expect(list_is_allowlist(list("wl.mailspike.net")));
    r = one(list("wl.mailspike.net"), IP(127, 0, 0, 20));
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    r = one(list("z.mailspike.net"), IP(127, 0, 0, 2));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    /* Freshness and attack reports are information, not listings. */
    r = one(list("fresh15.spameatingmonkey.net"), IP(127, 0, 0, 2));
    cr_expect_eq(r.verdict, LIST_V_INFO);
    r = one(list("bl.blocklist.de"), IP(127, 0, 0, 2));
    cr_expect_eq(r.verdict, LIST_V_INFO);
    r = one(list("bl.blocklist.de"), IP(127, 0, 0, 7)); /* any answer, still information */
    cr_expect_eq(r.verdict, LIST_V_INFO);
    /* New plain lists. */
    static const char *const plain[] = {"bl.nordspam.com",
                                        "dbl.nordspam.com",
                                        "all.s5h.net",
                                        "bl.0spam.org",
                                        "nbl.0spam.org",
                                        "rbl.0spam.org",
                                        "backscatter.spameatingmonkey.net",
                                        "uribl.spameatingmonkey.net"};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        r = one(list(plain[i]), IP(127, 0, 0, 2));
        cr_expect_eq(r.verdict, LIST_V_LISTED, "%s", plain[i]);
    }
    r = one(list("{key}.dblack.mail.abusix.zone"), IP(127, 0, 1, 3));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    r = one(list("{key}.combined.mail.abusix.zone"), IP(127, 0, 0, 200));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
}

Test(interpret, spamhaus_error_range, .init = load_default, .fini = free_default)
{
    static const char *const ids[] = {
        "spamhaus-zen",     "spamhaus-zen-dqs",    "spamhaus-dbl",     "spamhaus-dbl-dqs",
        "spamhaus-zrd-dqs", "spamhaus-authbl-dqs", "spamhaus-sbl-dqs", "spamhaus-xbl-dqs",
        "spamhaus-pbl-dqs", "spamhaus-sbl-xbl-dqs"};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct list_interp r = one(list(ids[i]), IP(127, 255, 255, 17));
        cr_expect_eq(r.verdict, LIST_V_REFUSAL, "%s", ids[i]);
        cr_expect_str_eq(r.meanings[0], "Spamhaus error range: not a listing");
        r = one(list(ids[i]), IP(127, 255, 255, 250));
        cr_expect_eq(r.verdict, LIST_V_REFUSAL, "%s", ids[i]);
    }
    /* A refusal wins over a listing in the same answer. */
    uint32_t mix[2] = {IP(127, 0, 0, 2), IP(127, 255, 255, 254)};
    struct list_interp r;
    cr_assert_eq(list_interpret(list("spamhaus-zen"), mix, 2, &r), 0);
    cr_expect_eq(r.verdict, LIST_V_REFUSAL);
    cr_expect_eq(r.ncodes, 2);
}

Test(interpret, surbl_bitmask_decomposition, .init = load_default, .fini = free_default)
{
    const struct list_entry *e = list("multi.surbl.org");
    struct list_interp r = one(e, IP(127, 0, 0, 24));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_assert_eq(r.ncodes, 2);
    cr_expect_str_eq(r.codes[0], "127.0.0.24");
    cr_expect_str_eq(r.codes[1], "127.0.0.24");
    cr_expect_str_eq(r.meanings[0], "PH: phishing");
    cr_expect_str_eq(r.meanings[1], "MW: malware");

    r = one(e, IP(127, 0, 0, 254)); /* the observed test.surbl.org answer */
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_assert_eq(r.ncodes, 7);
    cr_expect_str_eq(r.meanings[0], "unknown code bit 2");
    cr_expect_str_eq(r.meanings[1], "DM: disposable e-mail domain");
    cr_expect_str_eq(r.meanings[2], "PH: phishing");
    cr_expect_str_eq(r.meanings[3], "MW: malware");
    cr_expect_str_eq(r.meanings[4],
                     "CT: click-tracking domain seen in mail without confirmed opt-in");
    cr_expect_str_eq(r.meanings[5], "ABUSE: spam and other abuse");
    cr_expect_str_eq(r.meanings[6], "CR: cracked (compromised) site");

    /* DM says what a domain is (informational); CT is a listing (lists/default.yaml). */
    r = one(e, IP(127, 0, 0, 4));
    cr_expect_eq(r.verdict, LIST_V_INFO);
    cr_expect_eq(r.klass, SCAN_CLASS_INFO);
    r = one(e, IP(127, 0, 0, 32));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    r = one(e, IP(127, 0, 0, 36)); /* DM + CT */
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_expect_eq(r.ncodes, 2);

    r = one(e, IP(127, 0, 0, 9)); /* bit 1 + PH: blocked */
    cr_expect_eq(r.verdict, LIST_V_REFUSAL);
    cr_expect_eq(r.ncodes, 2);

    /* Masks read the last octet of 127.0.0.0/24 only: other octets are reserved. */
    r = one(e, IP(127, 0, 1, 8));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_expect_str_eq(r.meanings[0], "unknown code");
    r = one(e, IP(127, 0, 0, 0));
    cr_expect_str_eq(r.meanings[0], "unknown code");
}

/* ------------------------------------------------------------- the rules */

static const struct list_code masks[] = {
    {.is_mask = true, .value = 1, .meaning = "refused", .klass = LIST_CODE_REFUSAL},
    {.is_mask = true, .value = 8, .meaning = "eight", .klass = LIST_CODE_LISTING},
    {.is_mask = true, .value = 16, .meaning = "sixteen", .klass = LIST_CODE_INFO},
    {.is_mask = true, .value = 24, .meaning = "both", .klass = LIST_CODE_LISTING},
    {.value = IP(127, 0, 0, 24), .prefix = 32, .meaning = "exact 24", .klass = LIST_CODE_LISTING},
    {.value = IP(127, 0, 0, 0), .prefix = 24, .meaning = "net /24", .klass = LIST_CODE_INFO},
    {.value = IP(127, 0, 0, 0), .prefix = 28, .meaning = "net /28", .klass = LIST_CODE_ALLOW},
};

Test(interpret, exact_beats_longest_net_beats_masks)
{
    struct list_entry e = {.id = "t", .codes = masks, .ncodes = 7};
    struct list_interp r = one(&e, IP(127, 0, 0, 24));
    cr_expect_str_eq(r.meanings[0], "exact 24");
    cr_expect_eq(r.ncodes, 1);
    r = one(&e, IP(127, 0, 0, 9)); /* in /28 and /24: the /28 wins */
    cr_expect_str_eq(r.meanings[0], "net /28");
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    r = one(&e, IP(127, 0, 0, 200)); /* only the /24 */
    cr_expect_str_eq(r.meanings[0], "net /24");
    cr_expect_eq(r.verdict, LIST_V_INFO);

    /* Without the nets, masks decompose; a multi-bit mask matches when all its bits are set. */
    e.ncodes = 4;
    r = one(&e, IP(127, 0, 0, 24));
    cr_assert_eq(r.ncodes, 3);
    cr_expect_str_eq(r.meanings[0], "eight");
    cr_expect_str_eq(r.meanings[1], "sixteen");
    cr_expect_str_eq(r.meanings[2], "both");
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    r = one(&e, IP(127, 0, 0, 16));
    cr_expect_eq(r.ncodes, 1);
    cr_expect_eq(r.verdict, LIST_V_INFO);
    r = one(&e, IP(127, 0, 0, 0x96)); /* 128 + 16 + 4 + 2 */
    cr_assert_eq(r.ncodes, 4);
    cr_expect_str_eq(r.meanings[0], "unknown code bit 2");
    cr_expect_str_eq(r.meanings[1], "unknown code bit 4");
    cr_expect_str_eq(r.meanings[2], "sixteen");
    cr_expect_str_eq(r.meanings[3], "unknown code bit 128");
    cr_expect_eq(r.verdict, LIST_V_LISTED);
}

Test(interpret, ascending_and_deduplicated)
{
    static const struct list_code codes[] = {
        {.value = IP(127, 0, 0, 2), .prefix = 32, .meaning = "two"},
        {.value = IP(127, 0, 0, 3), .prefix = 32, .meaning = "three"},
    };
    struct list_entry e = {.id = "t", .codes = codes, .ncodes = 2};
    uint32_t a[6] = {IP(127, 0, 0, 3), IP(127, 0, 0, 2),  IP(127, 0, 0, 3),
                     IP(127, 0, 0, 2), IP(127, 0, 0, 99), IP(127, 0, 0, 3)};
    struct list_interp r;
    cr_assert_eq(list_interpret(&e, a, 6, &r), 0);
    cr_assert_eq(r.ncodes, 3);
    cr_expect_str_eq(r.codes[0], "127.0.0.2");
    cr_expect_str_eq(r.meanings[0], "two");
    cr_expect_str_eq(r.codes[1], "127.0.0.3");
    cr_expect_str_eq(r.meanings[1], "three");
    cr_expect_str_eq(r.codes[2], "127.0.0.99");
    cr_expect_str_eq(r.meanings[2], "unknown code");
    cr_expect_eq(r.verdict, LIST_V_LISTED);
}

Test(interpret, truncated_report_full_verdict)
{
    struct list_entry e = {.id = "t"};
    uint32_t a[40];
    for (int i = 0; i < 39; i++)
        a[i] = IP(127, 0, 0, 100 + i);
    a[39] = IP(192, 0, 2, 1); /* largest address: not reported, still decides */
    struct list_interp r;
    cr_assert_eq(list_interpret(&e, a, 40, &r), 0);
    cr_expect_eq(r.ncodes, LIST_MAX_CODES);
    cr_expect_str_eq(r.codes[0], "127.0.0.100");
    cr_expect_str_eq(r.codes[LIST_MAX_CODES - 1], "127.0.0.115");
    cr_expect_eq(r.verdict, LIST_V_INVALID);
}

Test(interpret, allowlist_rule)
{
    static const struct list_code codes[] = {
        {.value = IP(127, 0, 0, 255),
         .prefix = 32,
         .meaning = "blocked",
         .klass = LIST_CODE_REFUSAL},
        {.value = IP(127, 0, 3, 0), .prefix = 24, .meaning = "esp", .klass = LIST_CODE_ALLOW},
        {.is_mask = true, .value = 4, .meaning = "four", .klass = LIST_CODE_ALLOW},
    };
    struct list_entry e = {.id = "wl", .codes = codes, .ncodes = 3};
    cr_expect(list_is_allowlist(&e));
    struct list_interp r = one(&e, IP(127, 9, 9, 9));
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    cr_expect_eq(r.klass, SCAN_CLASS_ALLOW);
    cr_expect_str_eq(r.meanings[0], "unknown code");
    r = one(&e, IP(127, 0, 0, 6)); /* known bit 4, unknown bit 2: both allow */
    cr_expect_eq(r.verdict, LIST_V_ALLOW);
    cr_expect_eq(r.ncodes, 2);
    r = one(&e, IP(127, 0, 0, 255));
    cr_expect_eq(r.verdict, LIST_V_REFUSAL);
    r = one(&e, IP(10, 0, 0, 1));
    cr_expect_eq(r.verdict, LIST_V_INVALID);

    /* One listing code makes it a blocklist; refusals alone or no codes do not count. */
    static const struct list_code mixed[] = {
        {.value = IP(127, 0, 0, 2), .prefix = 32, .meaning = "bad", .klass = LIST_CODE_LISTING},
        {.value = IP(127, 0, 0, 3), .prefix = 32, .meaning = "good", .klass = LIST_CODE_ALLOW},
    };
    struct list_entry m = {.id = "m", .codes = mixed, .ncodes = 2};
    cr_expect(!list_is_allowlist(&m));
    cr_expect_eq(one(&m, IP(127, 0, 0, 9)).verdict, LIST_V_LISTED);
    cr_expect_eq(one(&m, IP(127, 0, 0, 3)).verdict, LIST_V_ALLOW);
    struct list_entry refusals = {.id = "r", .codes = codes, .ncodes = 1};
    cr_expect(!list_is_allowlist(&refusals));
    cr_expect_eq(one(&refusals, IP(127, 0, 0, 9)).verdict, LIST_V_LISTED);
    struct list_entry none = {.id = "n"};
    cr_expect(!list_is_allowlist(&none));
    cr_expect(!list_is_allowlist(NULL));
}

Test(interpret, informational_rule)
{
    static const struct list_code codes[] = {
        {.value = IP(127, 0, 0, 2), .prefix = 32, .meaning = "listed"},
        {.value = IP(127, 0, 0, 3), .prefix = 32, .meaning = "good", .klass = LIST_CODE_ALLOW},
        {.value = IP(127, 0, 0, 4), .prefix = 32, .meaning = "no", .klass = LIST_CODE_REFUSAL},
    };
    struct list_entry e = {.id = "i", .codes = codes, .ncodes = 3, .informational = true};
    struct list_interp r = one(&e, IP(127, 0, 0, 2));
    cr_expect_eq(r.verdict, LIST_V_INFO);
    cr_expect_eq(r.klass, SCAN_CLASS_INFO);
    cr_expect_eq(one(&e, IP(127, 0, 0, 77)).verdict, LIST_V_INFO); /* unknown too */
    cr_expect_eq(one(&e, IP(127, 0, 0, 3)).verdict, LIST_V_ALLOW);
    cr_expect_eq(one(&e, IP(127, 0, 0, 4)).verdict, LIST_V_REFUSAL);
    uint32_t both[2] = {IP(127, 0, 0, 3), IP(127, 0, 0, 2)};
    cr_assert_eq(list_interpret(&e, both, 2, &r), 0);
    cr_expect_eq(r.verdict, LIST_V_INFO);
}

Test(interpret, verdict_order)
{
    static const struct list_code codes[] = {
        {.value = IP(127, 0, 0, 2), .prefix = 32, .meaning = "l", .klass = LIST_CODE_LISTING},
        {.value = IP(127, 0, 0, 3), .prefix = 32, .meaning = "a", .klass = LIST_CODE_ALLOW},
        {.value = IP(127, 0, 0, 4), .prefix = 32, .meaning = "i", .klass = LIST_CODE_INFO},
        {.value = IP(127, 0, 0, 5), .prefix = 32, .meaning = "r", .klass = LIST_CODE_REFUSAL},
    };
    struct list_entry e = {.id = "v", .codes = codes, .ncodes = 4};
    struct list_interp r;
    uint32_t ai[2] = {IP(127, 0, 0, 3), IP(127, 0, 0, 4)};
    cr_assert_eq(list_interpret(&e, ai, 2, &r), 0);
    cr_expect_eq(r.verdict, LIST_V_INFO);
    uint32_t ail[3] = {IP(127, 0, 0, 3), IP(127, 0, 0, 4), IP(127, 0, 0, 2)};
    cr_assert_eq(list_interpret(&e, ail, 3, &r), 0);
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    uint32_t ailr[4] = {IP(127, 0, 0, 3), IP(127, 0, 0, 4), IP(127, 0, 0, 2), IP(127, 0, 0, 5)};
    cr_assert_eq(list_interpret(&e, ailr, 4, &r), 0);
    cr_expect_eq(r.verdict, LIST_V_REFUSAL);
    cr_expect_eq(r.klass, SCAN_CLASS_NONE);
    cr_expect_eq(one(&e, IP(127, 0, 0, 3)).verdict, LIST_V_ALLOW);
}

Test(interpret, empty_codes_and_bad_arguments)
{
    struct list_entry e = {.id = "empty"};
    struct list_interp r = one(&e, IP(127, 0, 0, 2));
    cr_expect_eq(r.verdict, LIST_V_LISTED);
    cr_expect_str_eq(r.meanings[0], "unknown code");

    uint32_t a = IP(127, 0, 0, 2);
    cr_expect_eq(list_interpret(&e, &a, 0, &r), -EINVAL);
    cr_expect_eq(r.ncodes, 0);
    cr_expect_eq(list_interpret(NULL, &a, 1, &r), -EINVAL);
    cr_expect_eq(list_interpret(&e, NULL, 1, &r), -EINVAL);
    cr_expect_eq(list_interpret(&e, &a, 1, NULL), -EINVAL);
}

Test(interpret, code_strings)
{
    struct list_entry e = {.id = "s"};
    struct list_interp r = one(&e, IP(255, 255, 255, 255));
    cr_expect_str_eq(r.codes[0], "255.255.255.255");
    r = one(&e, IP(0, 0, 0, 0));
    cr_expect_str_eq(r.codes[0], "0.0.0.0");
    cr_expect_eq(r.verdict, LIST_V_INVALID);
}

/* Scope (issue 12): the narrowest scope of the listing codes; the entry's scope for
 * codes no row names; nothing for what is not a listing. */
Test(interpret, listing_scope, .init = load_default, .fini = free_default)
{
    const struct list_entry *zen = list("spamhaus-zen");
    struct list_interp r = one(zen, IP(127, 0, 0, 2));
    cr_assert_str_eq(list_scope_word(r.scope), "range", "an SBL record may cover a CIDR");
    r = one(zen, IP(127, 0, 0, 4));
    cr_assert_str_eq(list_scope_word(r.scope), "ip", "XBL lists the host");
    uint32_t both[] = {IP(127, 0, 0, 2), IP(127, 0, 0, 4)};
    cr_assert_eq(list_interpret(zen, both, 2, &r), 0);
    cr_assert_str_eq(list_scope_word(r.scope), "ip", "one code lists the address itself");
    r = one(zen, IP(127, 0, 0, 10));
    cr_assert_str_eq(list_scope_word(r.scope), "range");
    r = one(zen, IP(127, 0, 0, 77));
    cr_assert_str_eq(list_scope_word(r.scope), "ip", "an unknown code has the entry's scope");
    r = one(list("uceprotect-2"), IP(127, 0, 0, 2));
    cr_assert_eq(r.verdict, LIST_V_INFO);
    cr_assert_str_eq(list_scope_word(r.scope), "range");
    r = one(list("uceprotect-3"), IP(127, 0, 0, 2));
    cr_assert_str_eq(list_scope_word(r.scope), "asn");
    r = one(list("uceprotect-3"), IP(127, 0, 0, 99));
    cr_assert_str_eq(list_scope_word(r.scope), "asn", "the entry's scope for unknown codes");
    r = one(zen, IP(127, 255, 255, 254));
    cr_assert_eq(r.verdict, LIST_V_REFUSAL);
    cr_assert_eq(r.scope, LIST_SCOPE_NONE, "a refusal is not a listing");
    cr_assert_null(list_scope_word(LIST_SCOPE_NONE));
}
